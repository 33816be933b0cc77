/* lifecycle.c - what happens to a container after `create`: start again,
 * stop, kill, wait, and the cleanup its monitor runs when it exits. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "image/image.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/signame.h"
#include "lib/util.h"
#include "runtime/pods.h"
#include "runtime/container.h"
#include "runtime/container_int.h"
#include "runtime/ctrcgroup.h"
#include "runtime/ctr_userns.h"
#include "runtime/ctrlock.h"
#include "storage/driver.h"

#define NS_PER_SEC 1000000000LL

static const char *state_name(enum ctr_state s)
{
	switch (s) {
	case CTR_CREATED:
		return "created";
	case CTR_RUNNING:
		return "running";
	case CTR_STOPPED:
		return "stopped";
	case CTR_EXITED:
		return "exited";
	case CTR_REMOVING:
		return "removing";
	}
	return "unknown";
}

/* The record's create options ({"Config": {...}, "HostConfig": {...}}),
 * parsed; NULL when they are not JSON. The caller puts it. */
static struct json_object *ctr_opts(const struct container_rec *c)
{
	return json_tokener_parse(c->config ? c->config : "");
}

/* v when it is an int, else def */
static int jint_or(struct json_object *v, int def)
{
	return json_object_is_type(v, json_type_int) ? json_object_get_int(v) : def;
}

static char *ctr_file(struct engine *e, const char *id, const char *name)
{
	return xasprintf("%s/containers/%s/%s", e->root, id, name);
}

void container_mark_stopping(struct engine *e, const char *id)
{
	cleanup_free char *p = ctr_file(e, id, "stopped");
	int fd = open(p, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd >= 0)
		close(fd);
}

int container_restart_count(struct engine *e, const char *id)
{
	cleanup_free char *p = ctr_file(e, id, "restarts");
	cleanup_free char *t = read_file_max(p, 32, NULL, NULL);
	return t ? atoi(t) : 0;
}

/* The restart policy of c after an exit with code: true to start it
 * again (and the count goes up). Never after a stop or rm -f. */
static bool want_restart(struct engine *e, const struct container_rec *c, int code)
{
	cleanup_json struct json_object *opts = ctr_opts(c);
	struct json_object *policy = jget(jget(opts, "HostConfig"), "RestartPolicy");
	const char *name = jstr(policy, "Name");
	cleanup_free char *stopped = ctr_file(e, c->id, "stopped");
	cleanup_free char *count_path = ctr_file(e, c->id, "restarts");
	int max, count = container_restart_count(e, c->id);
	char buf[16];

	if (name == NULL || c->autoremove || access(stopped, F_OK) == 0)
		return false;
	if (strcmp(name, "on-failure") == 0) {
		max = jint_or(jget(policy, "MaximumRetryCount"), 0);
		if (code == 0 || (max > 0 && count >= max))
			return false;
	} else if (strcmp(name, "always") != 0 && strcmp(name, "unless-stopped") != 0) {
		return false;
	}
	snprintf(buf, sizeof(buf), "%d\n", count + 1);
	cleanup_close int fd =
	    open(count_path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0)
		write_all(fd, buf, strlen(buf));
	return true;
}

/* Docker's back-off between restarts: 100 ms, doubling, at most 5 s */
static void restart_delay(int count)
{
	int64_t ms = 100LL << (count < 6 ? count : 6);
	struct timespec ts;

	if (ms > 5000)
		ms = 5000;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	nanosleep(&ts, NULL);
}

int container_cleanup(struct engine *e, const char *id, int exit_code, int lock_fd,
		      struct werr *err)
{
	struct container_rec c = {0};
	struct ctrlock_info info = {0};
	int r, rc = 0;

	if (engine_store(e, err) == NULL)
		return -1;
	if (lock_fd < 0) {
		/* by hand (podman's `container cleanup`): a container that no
		 * longer runs gets its rootfs unmounted */
		r = container_lookup(e, id, &c, err);
		if (r <= 0)
			return r == 0 ? container_not_found(id, err) : -1;
		if (c.state == CTR_EXITED || c.state == CTR_STOPPED) {
			cleanup_free char *dir = container_dir(e, c.id);
			rc = rootfs_umount(e, container_driver(&c), dir, err);
		}
		container_rec_free(&c);
		return rc;
	}
	if (ctrlock_adopt(e->runroot, id, lock_fd, err) < 0)
		return -1;
	ctrlock_read(lock_fd, &info);
	r = store_container_get(e->store, id, &c, err);
	if (r == 1 && strcmp(c.id, id) == 0) {
		container_poststop(e, &c);
		container_event(e, &c, "died", exit_code);
		if (c.autoremove) {
			rc = container_destroy(e, &c, err);
		} else {
			c.started = info.started;
			rc = container_mark_exited(e, &c, exit_code, err);
			if (rc == 0 && want_restart(e, &c, exit_code)) {
				/* the monitor passes the lock on to the new start */
				restart_delay(container_restart_count(e, c.id) - 1);
				container_rec_free(&c);
				return 1;
			}
		}
	} else if (r < 0) {
		rc = -1;
	}
	container_rec_free(&c);
	/* recorded: the monitor's exit record has served (kept on failure,
	 * for whoever settles the lock we leave) */
	if (rc == 0)
		ctrlock_exit_clear(e->runroot, id);
	ctrlock_release(e->runroot, id, lock_fd);
	return rc;
}

/* Takes the lock of c for a start: 1 with *fd held, 0 when the container
 * runs (or is being started) already. */
static int lock_for_start(struct engine *e, const struct container_rec *c, int *fd,
			  struct werr *err)
{
	struct timespec ts = {0, 50 * 1000 * 1000};
	struct ctrlock_info info;
	int st;

	/* held with no live process: the monitor of the last run is still
	 * cleaning up after it (a bridge network's teardown takes netavark a
	 * while): wait for it (10 s at most) rather than take the start for
	 * done while that clean-up then marks the container exited */
	for (int i = 0; i < 200; i++) {
		st = ctrlock_try(e->runroot, c->id, true, fd, &info, err);
		if (st < 0)
			return -1;
		if (st != CTRLOCK_OWNED)
			return 1;
		if (info.owner == 0 || (info.pid > 0 && proc_alive(info.pid, info.pid_start)))
			return 0;
		nanosleep(&ts, NULL);
	}
	return 0;
}

int container_prepare_start(struct engine *e, const char *ref, int lock_fd, struct ctr_owned *out,
			    struct werr *err)
{
	struct container_rec c = {0};
	cleanup_free char *bundle = NULL, *cfg = NULL;
	int fd = -1, r;

	r = container_lookup(e, ref, &c, err);
	if (r <= 0)
		return r == 0 ? container_not_found(ref, err) : -1;
	/* a pod's member: its infra first (runtime/pods.h) */
	if (c.state != CTR_RUNNING && pod_ready_for(e, &c, err) < 0) {
		container_rec_free(&c);
		return -1;
	}
	if (lock_fd >= 0) {
		/* a restart by the policy: the monitor handed its lock on */
		if (ctrlock_adopt(e->runroot, c.id, lock_fd, err) < 0) {
			container_rec_free(&c);
			return -1;
		}
		fd = lock_fd;
	} else if (c.state == CTR_RUNNING || (r = lock_for_start(e, &c, &fd, err)) <= 0) {
		container_rec_free(&c);
		return r < 0 ? -1 : 0;
	}
	/* the exit record of the last run must not speak for this one */
	ctrlock_exit_clear(e->runroot, c.id);
	if (lock_fd < 0) {
		/* a start by the user: the restart policy applies again */
		cleanup_free char *stopped = ctr_file(e, c.id, "stopped");
		unlink(stopped);
	}
	bundle = container_bundle_dir(e, &c);
	cfg = xasprintf("%s/config.json", bundle);
	if (access(cfg, F_OK) < 0) {
		werr_set(err, errno,
			 "container %.12s has no OCI bundle '%s' (remove it and create it again)",
			 c.id, cfg);
		goto fail;
	}
	/* an exited container's rootfs was unmounted; the mount namespace may
	 * be new since (a reboot) */
	if (container_mount(e, &c, err) < 0) {
		werr_wrap(err, "mount the rootfs of %.12s", c.id);
		goto fail;
	}
	*out = (struct ctr_owned){.rec = c, .lock = fd, .proc = {.pid = 0, .pty_master = -1}};
	return 1;
fail:
	ctrlock_release(e->runroot, c.id, fd);
	container_rec_free(&c);
	return -1;
}

int container_kill(struct engine *e, const struct container_rec *c, int sig, struct werr *err)
{
	if (c->state != CTR_RUNNING || !proc_alive(c->pid, c->pid_start)) {
		werr_set(err, 0,
			 "can only kill running containers. %s is in state %s: container state "
			 "improper",
			 c->id, state_name(c->state));
		return -1;
	}
	if (kill(c->pid, sig) < 0)
		return werr_set(err, errno, "send signal %d to container %.12s", sig, c->id);
	/* SIGKILL ends a paused container as Podman's (runc thaws it after);
	 * another signal waits for unpause */
	if (c->paused && sig == SIGKILL)
		ctr_cgroup_thaw_after_kill(e, c);
	container_event(e, c, "kill", -1);
	return 0;
}

static int stop_running(struct engine *e, const struct container_rec *c, int sig, int timeout,
			struct werr *err);

int container_stop_signal(const struct container_rec *c)
{
	cleanup_json struct json_object *opts = ctr_opts(c);
	int sig = jint_or(jget(jget(opts, "Config"), "StopSignal"), SIGTERM);
	return sig > 0 && sig < 65 ? sig : SIGTERM;
}

/* A container between two runs of its restart policy (its lock held, no
 * process yet): waits, at most 10 s, until it runs again or settles. Then
 * *c is as it is now. */
static int wait_restarting(struct engine *e, struct container_rec *c, struct werr *err)
{
	struct timespec ts = {0, 20 * 1000 * 1000};
	int64_t deadline = now_ns() + 10 * NS_PER_SEC;
	char id[sizeof(c->id)];

	while (c->state != CTR_RUNNING && now_ns() < deadline) {
		struct ctrlock_info info;
		int fd = -1, st = ctrlock_try(e->runroot, c->id, false, &fd, &info, err);

		if (st < 0)
			return -1;
		if (st != CTRLOCK_OWNED) {
			/* a stale lock we now hold: give it back for lookup to settle */
			if (fd >= 0)
				close(fd);
			return 0;
		}
		nanosleep(&ts, NULL);
		snprintf(id, sizeof(id), "%s", c->id);
		container_rec_free(c);
		*c = (struct container_rec){0};
		if (container_lookup(e, id, c, err) <= 0)
			return -1;
	}
	return 0;
}

int container_stop(struct engine *e, const struct container_rec *cur, int timeout, struct werr *err)
{
	struct container_rec c = {0};
	int sig = container_stop_signal(cur), rc;

	if (timeout < 0) {
		cleanup_json struct json_object *opts = ctr_opts(cur);
		timeout = jint_or(jget(jget(opts, "Config"), "StopTimeout"), 10);
	}
	/* first: its restart policy must not bring it back, even when it is
	 * between two runs right now */
	container_mark_stopping(e, cur->id);
	if (container_lookup(e, cur->id, &c, err) <= 0)
		return 0; /* gone meanwhile (--rm) */
	rc = wait_restarting(e, &c, err);
	if (rc == 0 && c.state == CTR_RUNNING)
		container_event(e, &c, "stop", -1);
	if (rc == 0)
		rc = stop_running(e, &c, sig, timeout, err);
	container_rec_free(&c);
	return rc;
}

static int stop_running(struct engine *e, const struct container_rec *c, int sig, int timeout,
			struct werr *err)
{
	if (c->state != CTR_RUNNING || !proc_alive(c->pid, c->pid_start))
		return 0;
	if (timeout > 0) {
		kill(c->pid, sig);
		if (c->paused)
			ctr_cgroup_thaw_after_kill(e, c);
		if (ctrlock_wait(e->runroot, c->id, now_ns() + (int64_t)timeout * NS_PER_SEC,
				 err) == 0)
			return 0;
		if (err->errnum != ETIMEDOUT)
			return -1;
		werr_clear(err);
	}
	if (proc_alive(c->pid, c->pid_start))
		kill(c->pid, SIGKILL);
	if (c->paused)
		ctr_cgroup_thaw_after_kill(e, c);
	/* its owner settles it: unmounts, records the exit, maybe removes */
	if (ctrlock_wait(e->runroot, c->id, now_ns() + 60 * NS_PER_SEC, err) < 0)
		return werr_wrap(err, "stop container %.12s", c->id);
	return 0;
}

/* An exited record whose owner still holds the lock of a later run (its
 * process ended a moment ago and the owner has not recorded it yet): the
 * code in the record is the last run's, not this one's. */
static bool exit_pending(struct engine *e, const struct container_rec *c)
{
	struct ctrlock_info i;
	struct werr ignore = {0};
	int fd = -1, st = ctrlock_try(e->runroot, c->id, false, &fd, &i, &ignore);

	if (fd >= 0)
		close(fd); /* left for the next lookup to settle */
	return st == CTRLOCK_OWNED && i.owner > 0 && i.pid > 0 && i.started > c->finished;
}

int container_wait_exit(struct engine *e, const char *ref, int *code, struct werr *err)
{
	struct timespec ts = {0, 100 * 1000 * 1000};

	for (;;) {
		struct container_rec c = {0};
		int r = container_lookup(e, ref, &c, err);

		if (r <= 0)
			return r == 0 ? container_not_found(ref, err) : -1;
		if ((c.state == CTR_EXITED || c.state == CTR_STOPPED) && exit_pending(e, &c)) {
			/* until its owner records it (a restart policy may keep
			 * the lock: look again every 100 ms) */
			r = ctrlock_wait(e->runroot, c.id, now_ns() + NS_PER_SEC / 10, err);
			container_rec_free(&c);
			if (r < 0 && err->errnum != ETIMEDOUT)
				return -1;
			werr_clear(err);
			continue;
		}
		if (c.state == CTR_EXITED || c.state == CTR_STOPPED) {
			*code = c.exit_code;
			container_rec_free(&c);
			return 0;
		}
		if (c.state == CTR_RUNNING)
			r = ctrlock_wait(e->runroot, c.id, 0, err);
		else
			nanosleep(&ts, NULL); /* created: until something starts it */
		container_rec_free(&c);
		if (r < 0)
			return -1;
	}
}

int container_update_restart(struct engine *e, const struct container_rec *c, const char *policy,
			     int max, struct werr *err)
{
	cleanup_json struct json_object *j = json_tokener_parse(c->config ? c->config : "{}");
	struct json_object *host = NULL, *rp = json_object_new_object();

	if (j == NULL || !json_object_is_type(j, json_type_object)) {
		json_object_put(rp);
		return werr_set(err, 0, "container %.12s: its create options are not JSON", c->id);
	}
	if (c->autoremove && policy && strcmp(policy, "no") != 0) {
		json_object_put(rp);
		return werr_set(
		    err, 0,
		    "the --rm option conflicts with --restart, when the restartPolicy is "
		    "not \"\" and \"no\"");
	}
	if (!json_object_object_get_ex(j, "HostConfig", &host)) {
		host = json_object_new_object();
		json_object_object_add(j, "HostConfig", host);
	}
	json_object_object_add(
	    rp, "Name", json_object_new_string(policy && strcmp(policy, "no") != 0 ? policy : ""));
	json_object_object_add(rp, "MaximumRetryCount", json_object_new_int(max));
	json_object_object_add(host, "RestartPolicy", rp);
	return store_container_set_config(
	    e->store, c->id, json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN), err);
}
