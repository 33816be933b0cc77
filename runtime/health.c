/* health.c - running healthchecks (see health.h): one run as an exec in
 * the container with a deadline, the health log beside the container's
 * files, and the on-failure actions. */
#include "runtime/health.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/events.h"
#include "lib/cleanup.h"
#include "lib/godur.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/container_exec.h"
#include "runtime/detach.h"

#define LOG_NAME "healthcheck.log" /* Podman's name, in its StaticDir */
#define OUT_CAP	 (HEALTH_OUTPUT_MAX + 1)

/* The log as Podman starts it: no status yet, no runs. */
static struct json_object *log_new(void)
{
	struct json_object *lg = json_object_new_object();

	jset_str(lg, "Status", "");
	jset(lg, "FailingStreak", json_object_new_int(0));
	jset(lg, "Log", NULL);
	return lg;
}

/* The health log of id, NULL when it has none (or it is unreadable). */
static struct json_object *log_read(struct engine *e, const char *id)
{
	cleanup_free char *dir = container_dir(e, id);
	cleanup_free char *path = xasprintf("%s/%s", dir, LOG_NAME);
	cleanup_free char *text = read_file_max(path, 64 * 1024, NULL, NULL);
	struct json_object *lg = text ? json_tokener_parse(text) : NULL;

	if (lg != NULL && !json_object_is_type(lg, json_type_object)) {
		json_object_put(lg);
		return NULL;
	}
	return lg;
}

typedef void (*log_edit)(struct json_object *lg, void *arg);

/* Changes the health log of id by edit, under a lock on the container's
 * directory (a run by hand and one by the monitor may meet); written
 * atomically, so that readers need no lock. */
static int log_update(struct engine *e, const char *id, log_edit edit, void *arg, struct werr *err)
{
	cleanup_free char *dir = container_dir(e, id);
	cleanup_close int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_json struct json_object *lg = NULL;
	const char *text;

	if (dfd < 0)
		return werr_set(err, errno, "open '%s'", dir);
	while (flock(dfd, LOCK_EX) < 0)
		if (errno != EINTR)
			return werr_set(err, errno, "lock '%s'", dir);
	lg = log_read(e, id);
	if (lg == NULL)
		lg = log_new();
	edit(lg, arg);
	text = json_object_to_json_string_ext(lg, JSON_C_TO_STRING_PLAIN);
	return write_file_atomic_at(dfd, LOG_NAME, text, strlen(text), 0600, err);
}

static void edit_starting(struct json_object *lg, void *arg)
{
	(void)arg;
	jset_str(lg, "Status", "starting");
	jset(lg, "FailingStreak", json_object_new_int(0));
}

void health_starting(struct engine *e, const struct container_rec *c)
{
	struct health_check h;
	struct werr ignore = {0};

	if (health_check_of(c->config, &h) == 0)
		return;
	health_check_free(&h);
	log_update(e, c->id, edit_starting, NULL, &ignore);
}

void health_fill(struct engine *e, struct container_rec *c)
{
	cleanup_json struct json_object *lg = NULL;

	c->health[0] = '\0';
	/* only containers with a check pay for a file read */
	if (c->config == NULL || strstr(c->config, "\"Healthcheck\"") == NULL)
		return;
	lg = log_read(e, c->id);
	snprintf(c->health, sizeof(c->health), "%s", jstr(lg, "Status") ? jstr(lg, "Status") : "");
}

struct json_object *health_state_json(struct engine *e, const struct container_rec *c)
{
	struct health_check h;
	struct json_object *lg = NULL;

	if (health_check_of(c->config, &h) == 1) {
		health_check_free(&h);
		lg = log_read(e, c->id);
	}
	return lg ? lg : log_new();
}

/* One run's outcome. */
struct run {
	int64_t start, end;
	int exit_code; /* 0 passed, 1 failed, -1 timed out (Podman's) */
	char out[OUT_CAP];
	size_t len;
	bool in_start;
	int retries;
};

static void append_out(struct run *r, const char *buf, size_t n)
{
	if (r->len + n > OUT_CAP - 1)
		n = OUT_CAP - 1 - r->len;
	memcpy(r->out + r->len, buf, n);
	r->len += n;
	r->out[r->len] = '\0';
}

/* Reads what fd has now: 1 read some, 0 nothing yet, -1 at its end (fd
 * closed). */
static int read_out(struct run *r, int fd)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n > 0) {
		append_out(r, buf, (size_t)n);
		return 1;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	close(fd);
	return -1;
}

/* After the check's exit: what it wrote (a child it left behind may hold
 * the pipe open and write on: not waited for). */
static void drain_out(struct run *r, int fd)
{
	int st = 0;

	if (fcntl(fd, F_SETFL, O_NONBLOCK) == 0)
		for (int i = 0; i < 64 && (st = read_out(r, fd)) == 1; i++)
			;
	if (st >= 0)
		close(fd);
}

/* Waits for the check pid until deadline, collecting its output from out
 * (closed here); kills it then. Its exit status, or -1 when it timed out.
 * SIGCHLD is blocked by the caller (sfd reports it). */
static int wait_check(pid_t pid, int out, int sfd, int64_t deadline, struct run *r)
{
	for (;;) {
		struct pollfd p[2] = {{sfd, POLLIN, 0}, {out, POLLIN, 0}};
		struct signalfd_siginfo si;
		int64_t left = deadline - now_ns();
		int st;

		if (waitpid(pid, &st, WNOHANG) == pid) {
			if (out >= 0)
				drain_out(r, out);
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
		if (left <= 0) {
			kill(pid, SIGKILL);
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
			if (out >= 0)
				close(out);
			return -1;
		}
		if (poll(p, out >= 0 ? 2 : 1, (int)(left / 1000000 + 1)) < 0 && errno != EINTR)
			left = 0;
		if (p[0].revents)
			while (read(sfd, &si, sizeof(si)) == sizeof(si))
				;
		if (out >= 0 && p[1].revents && read_out(r, out) < 0)
			out = -1;
	}
}

static void run_failed(struct run *r, const char *msg)
{
	append_out(r, msg, strlen(msg));
	r->exit_code = 1;
}

/* One run of h's command in c, stdout and stderr into r. SIGCHLD is
 * blocked meanwhile (a signalfd reports it to wait_check). */
static void run_check(struct engine *e, const struct container_rec *c, const struct health_check *h,
		      struct run *r)
{
	struct ctr_exec_opts xo = {.cmd = h->argv};
	struct ctr_proc proc = {.pty_master = -1};
	struct exec_io io = {.in_fd = -1, .event_fd = -1};
	struct werr xerr = {0};
	sigset_t mask, old;
	cleanup_close int sfd = -1;
	int p[2], rc, st;

	r->start = now_ns();
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, &old);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0 || pipe2(p, O_CLOEXEC) < 0) {
		werr_set(&xerr, errno, "healthcheck");
		run_failed(r, xerr.msg);
		goto out;
	}
	io.out_fd = io.err_fd = p[1];
	rc = container_exec_rec(e, c, &xo, &io, &proc, &xerr);
	close(p[1]);
	if (rc < 0) {
		/* it could not start (no such command): a failed run */
		close(p[0]);
		run_failed(r, xerr.msg);
		goto out;
	}
	st = wait_check(proc.pid, p[0], sfd, r->start + h->timeout, r);
	r->exit_code = st < 0 ? -1 : st == 0 ? 0 : 1;
out:
	sigprocmask(SIG_SETMASK, &old, NULL);
	r->end = now_ns();
}

static void edit_add(struct json_object *lg, void *arg)
{
	const struct run *r = arg;

	health_log_add(lg, r->start, r->end, r->exit_code, r->out, r->in_start, r->retries);
}

/* --health-on-failure restart: as `restart` does (stop, then a new start
 * under a new monitor; the one that ran us goes with the old run). */
static int restart(struct engine *e, const struct container_rec *c, struct werr *err)
{
	struct ctr_owned oc = {.lock = -1, .proc = {.pty_master = -1}};
	struct detach_opts d;
	int r;

	if (container_stop(e, c, -1, err) < 0)
		return -1;
	r = container_prepare_start(e, c->id, -1, &oc, err);
	if (r > 0) {
		detach_opts_from_container(&oc.rec, &d);
		r = container_detach(e, &oc, &d, err);
	}
	container_owned_free(e, &oc);
	return r < 0 ? -1 : 0;
}

static int act(struct engine *e, const struct container_rec *c, enum health_action a,
	       struct werr *err)
{
	switch (a) {
	case HEALTH_KILL:
		return container_kill(e, c, SIGKILL, err);
	case HEALTH_STOP:
		return container_stop(e, c, -1, err);
	case HEALTH_RESTART:
		return restart(e, c, err);
	case HEALTH_NONE:
		break;
	}
	return 0;
}

/* The checks before a run, in Podman's order and words. */
static int runnable(struct engine *e, const char *ref, struct container_rec *c,
		    struct health_check *h, struct werr *err)
{
	int r = container_lookup(e, ref, c, err);

	if (r <= 0) {
		if (r == 0)
			werr_set(
			    err, 0,
			    "unable to look up %s to perform a health check: no container with "
			    "name or ID \"%s\" found: no such container",
			    ref, ref);
		else
			werr_wrap(err, "unable to look up %s to perform a health check", ref);
		return werr_status(err, 125);
	}
	if (c->state != CTR_RUNNING || c->paused) /* Podman: paused is not running */
		werr_set(err, 0, "container %s is not running", c->id);
	else if (health_check_of(c->config, h) == 0)
		werr_set(err, 0, "container %s has no defined healthcheck", c->id);
	else
		return 0;
	return werr_status(err, 125);
}

int container_healthcheck_run(struct engine *e, const char *ref, bool *healthy, struct werr *err)
{
	struct container_rec c = {0};
	struct health_check h = {0};
	struct run *r = xcalloc(1, sizeof(*r));
	char tmo[32];
	int rc = -1;

	if (runnable(e, ref, &c, &h, err) < 0)
		goto out;
	run_check(e, &c, &h, r);
	r->in_start = h.start > 0 && r->start < c.started + h.start;
	r->retries = h.retries;
	if (log_update(e, c.id, edit_add, r, err) < 0)
		goto out;
	*healthy = r->exit_code == 0;
	health_fill(e, &c);
	struct event ev = {.type = "container",
			   .status = "health_status",
			   .id = c.id,
			   .name = c.name,
			   .image = c.image_name,
			   .exit_code = -1,
			   .health_status = c.health};
	event_log(e, &ev);
	if (strcmp(c.health, "unhealthy") == 0 && act(e, &c, h.action, err) < 0) {
		werr_wrap(err, "health check of %.12s failed: --health-on-failure=%s", c.id,
			  h.action == HEALTH_KILL   ? "kill"
			  : h.action == HEALTH_STOP ? "stop"
						    : "restart");
		goto out;
	}
	if (r->exit_code == -1) {
		godur_string(h.timeout, tmo, sizeof(tmo));
		werr_set(err, 0, "healthcheck command exceeded timeout of %s", tmo);
		werr_status(err, 125);
		goto out;
	}
	rc = 0;
out:
	free(r);
	health_check_free(&h);
	container_rec_free(&c);
	return rc;
}
