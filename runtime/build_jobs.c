/* build_jobs.c - build --jobs N: the needed stages of a multi-stage build,
 * several at once. Each stage is built by a process forked for it as soon
 * as the stages it needs (FROM, COPY/ADD --from) are built, at most N at a
 * time. The parent relays each process's output line by line (two stages'
 * lines never mix within a line), every line after the stage's "[n/m] "
 * tag, and reads its result: the stage's image id and the intermediate
 * images it made (removed at the end, as in a serial build), or its error.
 *
 * The first failure, or ^C, stops the other stages the way ^C stops a
 * serial build: the process's cancel pipe becomes readable, its RUN is
 * killed, its container removed, and it reports 'interrupted'.
 *
 * An SQLite connection must not cross fork(): the parent closes its store
 * before the first fork and opens it again once the last stage process
 * has ended; each stage process opens its own. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/sbuf.h"
#include "lib/util.h"
#include "runtime/build_int.h"
#include "storage/store.h"

enum { W_WAIT, W_RUN, W_DONE };

#define LINE_MAX_RELAY 65536

/* A needed stage and the process that builds it. */
struct worker {
	int state;
	pid_t pid;
	int fd[3];	     /* the parent's read ends: RUN's stdout, stderr, the result */
	int cancel;	     /* the parent's write end of the cancel pipe */
	struct sbuf part[2]; /* a line of fd[0], fd[1] not ended yet */
	struct sbuf result;
	char tag[32];
	size_t *deps, ndeps;
};

struct sched {
	struct bld *b;
	char *const *names;
	struct worker *w; /* one per stage (only the needed ones are used) */
	size_t running;
	int sfd;     /* SIGCHLD */
	bool failed; /* first holds the error */
	struct werr first;
};

/* ---- the stage process ---- */

/* The result: "made ID" lines, then "ok ID", or "err STATUS" and the
 * message (the rest, which may hold newlines). */
static void send_result(struct bld *b, int fd, int rc, const struct werr *e)
{
	struct sbuf s = {0};
	cleanup_free char *text = NULL;

	for (size_t i = 0; b->made && b->made[i]; i++) {
		cleanup_free char *l = xasprintf("made %s\n", b->made[i]);
		sbuf_addn(&s, l, strlen(l));
	}
	cleanup_free char *last = rc == 0 ? xasprintf("ok %s\n", b->st[b->si].id)
					  : xasprintf("err %d\n%s", e->status, e->msg);
	sbuf_addn(&s, last, strlen(last));
	text = sbuf_take(&s);
	if (write_all(fd, text, strlen(text)) < 0)
		_exit(3);
}

/* In the forked process: builds stage si, writing its lines and RUN's
 * output to out and errp, its result to res; stops when cancel becomes
 * readable. Never returns. */
static void stage_process(struct bld *b, size_t si, char *const *names, const int fds[4],
			  const sigset_t *mask)
{
	struct werr e = {0};
	int rc;

	sigprocmask(SIG_SETMASK, mask, NULL);
	/* the parent closed its store before fork(): nothing of it is here */
	b->e->store = NULL;
	b->si = si;
	b->out_fd = fds[0];
	b->err_fd = fds[1];
	b->say_fd = fds[0];
	b->cancel_fd = fds[3];
	b->tag[0] = '\0';
	strv_free(b->made);
	b->made = NULL;
	/* warnings of the stage (log lines) go with its RUN's stderr */
	if (dup2(fds[1], STDERR_FILENO) < 0)
		_exit(3);
	rc = engine_store(b->e, &e) == NULL ? -1 : bld_stage(b, names, &e);
	send_result(b, fds[2], rc, &e);
	_exit(rc < 0 ? 1 : 0);
}

/* ---- the parent ---- */

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Starts the process of stage si. 0 or -1. */
static int start(struct sched *s, size_t si, const sigset_t *mask, struct werr *err)
{
	struct bld *b = s->b;
	struct worker *w = &s->w[si];
	int p[4][2] = {{-1, -1}, {-1, -1}, {-1, -1}, {-1, -1}};
	int child[4];
	pid_t pid;

	for (int i = 0; i < 4; i++) {
		/* the cancel pipe: one byte, read by a loop that must not block */
		if (pipe2(p[i], O_CLOEXEC | (i == 3 ? O_NONBLOCK : 0)) < 0) {
			werr_set(err, errno, "pipe");
			for (int j = 0; j < i; j++) {
				close(p[j][0]);
				close(p[j][1]);
			}
			return -1;
		}
	}
	/* the child writes to [1] of out, err, result and reads [0] of cancel */
	for (int i = 0; i < 3; i++)
		child[i] = p[i][1];
	child[3] = p[3][0];
	b->done++;
	snprintf(w->tag, sizeof(w->tag), "[%zu/%zu] ", b->done, b->nneeded);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 3; i++)
			close(p[i][0]);
		close(p[3][1]);
		stage_process(b, si, si == b->target ? s->names : NULL, child, mask);
	}
	for (int i = 0; i < 4; i++)
		close(child[i]);
	if (pid < 0) {
		for (int i = 0; i < 3; i++)
			close(p[i][0]);
		close(p[3][1]);
		return werr_set(err, errno, "fork the build of stage %zu", si + 1);
	}
	w->pid = pid;
	for (int i = 0; i < 3; i++)
		w->fd[i] = p[i][0];
	w->cancel = p[3][1];
	w->state = W_RUN;
	s->running++;
	return 0;
}

/* Tells every running stage to stop (a byte on its cancel pipe). */
static void cancel_all(struct sched *s)
{
	for (size_t i = 0; i < s->b->nst; i++) {
		struct worker *w = &s->w[i];
		if (w->state == W_RUN && w->cancel >= 0) {
			if (write(w->cancel, "x", 1) < 0)
				log_debug("cancel stage %zu: %s", i + 1, strerror(errno));
			close_fd(&w->cancel);
		}
	}
}

static void fail(struct sched *s, const struct werr *e)
{
	if (!s->failed) {
		s->first = *e;
		s->failed = true;
	}
	cancel_all(s);
}

/* Writes the tagged line (without its newline) to the fd o names for
 * stream i (0 out, 1 err), in one write. */
static void put_line(struct sched *s, const struct worker *w, int i, const char *line, size_t n)
{
	int fd = i == 0 ? s->b->o->out_fd : s->b->o->err_fd;
	cleanup_free char *t = xasprintf("%s%.*s\n", w->tag, (int)n, line);

	if (fd >= 0 && write_all(fd, t, strlen(t)) < 0)
		log_debug("relay a line of stage output: %s", strerror(errno));
}

/* Reads what fd i of w has; complete lines are relayed. false at its end. */
static bool relay(struct sched *s, struct worker *w, int i)
{
	char buf[8192];
	ssize_t n = read(w->fd[i], buf, sizeof(buf));

	if (n < 0 && errno == EINTR)
		return true;
	if (n <= 0)
		return false;
	if (i == 2) {
		sbuf_addn(&w->result, buf, (size_t)n);
		return true;
	}
	struct sbuf *part = &w->part[i];
	sbuf_addn(part, buf, (size_t)n);
	char *nl;
	size_t used = 0;
	while ((nl = memchr(part->s + used, '\n', part->len - used)) != NULL) {
		put_line(s, w, i, part->s + used, (size_t)(nl - (part->s + used)));
		used = (size_t)(nl - part->s) + 1;
	}
	/* a line that does not end (a progress bar): relayed in pieces */
	if (part->len - used > LINE_MAX_RELAY) {
		put_line(s, w, i, part->s + used, part->len - used);
		used = part->len;
	}
	memmove(part->s, part->s + used, part->len - used + 1);
	part->len -= used;
	return true;
}

/* The result text of stage si (see send_result) into b and s. */
static void take_result(struct sched *s, size_t si, int status)
{
	struct bld *b = s->b;
	cleanup_free char *text = sbuf_take(&s->w[si].result);
	struct werr e = {0};
	bool ok = false;

	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (str_has_prefix(line, "made ") && !strv_contains(b->made, line + 5)) {
			b->made = strv_append(b->made, line + 5);
		} else if (str_has_prefix(line, "ok ") && strlen(line + 3) == DIGEST_HEX_LEN) {
			memcpy(b->st[si].id, line + 3, DIGEST_HEX_LEN + 1);
			ok = true;
		} else if (str_has_prefix(line, "err ")) {
			werr_set(&e, 0, "%s", nl ? nl + 1 : "");
			werr_status(&e, atoi(line + 4));
			break;
		}
		line = nl ? nl + 1 : NULL;
	}
	if (ok && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return;
	if (e.msg[0] == '\0') {
		if (WIFSIGNALED(status))
			werr_set(&e, 0, "the build of stage %zu was killed by signal %d", si + 1,
				 WTERMSIG(status));
		else
			werr_set(&e, 0, "the build of stage %zu ended with status %d", si + 1,
				 WEXITSTATUS(status));
	}
	fail(s, &e);
}

/* Stage si's process ended (status): its output and result read to the
 * end (what a process it left running still holds open is not waited
 * for), its pipes closed. */
static void finish(struct sched *s, size_t si, int status)
{
	struct worker *w = &s->w[si];

	for (int i = 0; i < 3; i++) {
		int fl = fcntl(w->fd[i], F_GETFL);
		if (fl >= 0)
			fcntl(w->fd[i], F_SETFL, fl | O_NONBLOCK);
		while (w->fd[i] >= 0 && relay(s, w, i))
			;
		if (i < 2 && w->part[i].len > 0)
			put_line(s, w, i, w->part[i].s, w->part[i].len);
		if (i < 2)
			free(sbuf_take(&w->part[i]));
		close_fd(&w->fd[i]);
	}
	close_fd(&w->cancel);
	w->state = W_DONE;
	s->running--;
	take_result(s, si, status);
}

static void reap(struct sched *s)
{
	for (size_t i = 0; i < s->b->nst; i++) {
		int st = 0;
		if (s->w[i].state == W_RUN && waitpid(s->w[i].pid, &st, WNOHANG) == s->w[i].pid)
			finish(s, i, st);
	}
}

static bool ready(const struct sched *s, size_t i)
{
	if (!s->b->st[i].needed || s->w[i].state != W_WAIT)
		return false;
	for (size_t d = 0; d < s->w[i].ndeps; d++)
		if (s->w[s->w[i].deps[d]].state != W_DONE)
			return false;
	return true;
}

/* Starts the stages that can start, as --jobs allows. */
static void start_ready(struct sched *s, const sigset_t *mask)
{
	unsigned jobs = s->b->o->jobs;

	for (size_t i = 0; i < s->b->nst && !s->failed; i++) {
		struct werr e = {0};
		if (jobs != 0 && s->running >= jobs)
			return;
		if (ready(s, i) && start(s, i, mask, &e) < 0)
			fail(s, &e);
	}
}

/* One wait for output, an ended process or ^C. */
static int wait_some(struct sched *s, struct werr *err)
{
	struct bld *b = s->b;
	struct pollfd *p = xcalloc(2 + 3 * b->nst, sizeof(*p));
	size_t *who = xcalloc(2 + 3 * b->nst, sizeof(*who));
	nfds_t n = 0;
	char buf[512];

	p[n++] = (struct pollfd){.fd = s->sfd, .events = POLLIN};
	p[n++] = (struct pollfd){.fd = b->o->cancel_fd, .events = POLLIN};
	for (size_t i = 0; i < b->nst; i++)
		for (int k = 0; s->w[i].state == W_RUN && k < 3; k++)
			if (s->w[i].fd[k] >= 0) {
				who[n] = i * 3 + (size_t)k;
				p[n++] = (struct pollfd){.fd = s->w[i].fd[k], .events = POLLIN};
			}
	if (poll(p, n, -1) < 0 && errno != EINTR) {
		free(p);
		free(who);
		return werr_set(err, errno, "poll");
	}
	for (nfds_t j = 2; j < n; j++) {
		struct worker *w = &s->w[who[j] / 3];
		int k = (int)(who[j] % 3);
		/* at its end (the process is ending): not polled again */
		if (p[j].revents && !relay(s, w, k))
			close_fd(&w->fd[k]);
	}
	if (p[1].revents) { /* ^C: read what made it readable (a signalfd) */
		while (read(b->o->cancel_fd, buf, sizeof(buf)) > 0)
			;
		b->cancel = true;
		cancel_all(s);
	}
	while (read(s->sfd, buf, sizeof(buf)) > 0)
		;
	reap(s);
	free(p);
	free(who);
	return 0;
}

/* The processes still running, after a failure of the parent itself:
 * stopped, waited for. */
static void stop_all(struct sched *s)
{
	cancel_all(s);
	for (size_t i = 0; i < s->b->nst; i++) {
		int st = 0;
		if (s->w[i].state != W_RUN)
			continue;
		while (waitpid(s->w[i].pid, &st, 0) < 0 && errno == EINTR)
			;
		finish(s, i, st);
	}
}

int bld_stages_parallel(struct bld *b, char *const *names, struct werr *err)
{
	struct sched s = {.b = b, .names = names, .sfd = -1};
	sigset_t chld, old;
	int rc = 0;

	s.w = xcalloc(b->nst, sizeof(*s.w));
	for (size_t i = 0; i < b->nst; i++) {
		s.w[i] = (struct worker){.fd = {-1, -1, -1}, .cancel = -1};
		s.w[i].deps = xcalloc(b->nst, sizeof(size_t));
		s.w[i].ndeps = bld_stage_deps(b, i, s.w[i].deps);
	}
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	s.sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
	if (s.sfd < 0)
		rc = werr_set(err, errno, "signalfd");
	store_close(b->e->store);
	b->e->store = NULL;
	while (rc == 0) {
		if (!s.failed && !b->cancel)
			start_ready(&s, &old);
		if (s.running == 0)
			break;
		rc = wait_some(&s, err);
	}
	if (rc < 0)
		stop_all(&s);
	if (s.sfd >= 0)
		close(s.sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	for (size_t i = 0; i < b->nst; i++)
		free(s.w[i].deps);
	free(s.w);
	if (rc == 0 && s.failed) {
		*err = s.first;
		rc = -1;
	} else if (rc == 0 && b->cancel && b->st[b->target].id[0] == '\0') {
		werr_set(err, 0, "interrupted");
		rc = werr_status(err, 130);
	}
	/* the parent's own store again (bld_free removes the intermediate
	 * images through it) */
	struct werr e = {0};
	if (engine_store(b->e, rc < 0 ? &e : err) == NULL && rc == 0)
		return -1;
	return rc;
}
