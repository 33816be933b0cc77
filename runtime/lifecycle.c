/* lifecycle.c - what happens to a container after `create`: start again,
 * stop, kill, wait, and the cleanup its monitor runs when it exits. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "image/image.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/signame.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/container_int.h"
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

/* An int field of the record's create options ({"Config": {...}}), or def. */
static int config_int(const struct container_rec *c, const char *section, const char *key, int def)
{
	cleanup_json struct json_object *j = json_tokener_parse(c->config ? c->config : "");
	struct json_object *s = NULL, *v = NULL;

	if (j && json_object_object_get_ex(j, section, &s) &&
	    json_object_object_get_ex(s, key, &v) && json_object_is_type(v, json_type_int))
		return json_object_get_int(v);
	return def;
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
			return r == 0
				   ? werr_set(err, 0,
					      "no container with name or ID \"%s\" found: no such "
					      "container",
					      id)
				   : -1;
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
		if (c.autoremove) {
			rc = container_destroy(e, &c, err);
		} else {
			c.started = info.started;
			rc = container_mark_exited(e, &c, exit_code, err);
		}
	} else if (r < 0) {
		rc = -1;
	}
	container_rec_free(&c);
	ctrlock_release(e->runroot, id, lock_fd);
	return rc;
}

/* Takes the lock of c for a start: 1 with *fd held, 0 when the container
 * runs (or is being started) already. */
static int lock_for_start(struct engine *e, const struct container_rec *c, int *fd,
			  struct werr *err)
{
	struct ctrlock_info info;
	int st = ctrlock_try(e->runroot, c->id, true, fd, &info, err);

	if (st < 0)
		return -1;
	return st == CTRLOCK_OWNED ? 0 : 1;
}

int container_prepare_start(struct engine *e, const char *ref, struct ctr_owned *out,
			    struct werr *err)
{
	struct container_rec c = {0};
	cleanup_free char *bundle = NULL, *cfg = NULL;
	int fd = -1, r;

	r = container_lookup(e, ref, &c, err);
	if (r <= 0)
		return r == 0 ? werr_set(
				    err, 0,
				    "no container with name or ID \"%s\" found: no such container",
				    ref)
			      : -1;
	if (c.state == CTR_RUNNING || (r = lock_for_start(e, &c, &fd, err)) <= 0) {
		container_rec_free(&c);
		return r < 0 ? -1 : 0;
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
	(void)e;
	if (c->state != CTR_RUNNING || !proc_alive(c->pid, c->pid_start)) {
		werr_set(err, 0,
			 "can only kill running containers. %s is in state %s: container state "
			 "improper",
			 c->id, state_name(c->state));
		return -1;
	}
	if (kill(c->pid, sig) < 0)
		return werr_set(err, errno, "send signal %d to container %.12s", sig, c->id);
	return 0;
}

int container_stop_signal(const struct container_rec *c)
{
	int sig = config_int(c, "Config", "StopSignal", SIGTERM);
	return sig > 0 && sig < 65 ? sig : SIGTERM;
}

int container_stop(struct engine *e, const struct container_rec *c, int timeout, struct werr *err)
{
	int sig = container_stop_signal(c);

	if (timeout < 0)
		timeout = config_int(c, "Config", "StopTimeout", 10);
	if (c->state != CTR_RUNNING || !proc_alive(c->pid, c->pid_start))
		return 0;
	if (timeout > 0) {
		kill(c->pid, sig);
		if (ctrlock_wait(e->runroot, c->id, now_ns() + (int64_t)timeout * NS_PER_SEC,
				 err) == 0)
			return 0;
		if (err->errnum != ETIMEDOUT)
			return -1;
		werr_clear(err);
	}
	if (proc_alive(c->pid, c->pid_start))
		kill(c->pid, SIGKILL);
	/* its owner settles it: unmounts, records the exit, maybe removes */
	if (ctrlock_wait(e->runroot, c->id, now_ns() + 60 * NS_PER_SEC, err) < 0)
		return werr_wrap(err, "stop container %.12s", c->id);
	return 0;
}

int container_wait_exit(struct engine *e, const char *ref, int *code, struct werr *err)
{
	struct timespec ts = {0, 100 * 1000 * 1000};

	for (;;) {
		struct container_rec c = {0};
		int r = container_lookup(e, ref, &c, err);

		if (r <= 0)
			return r == 0
				   ? werr_set(err, 0,
					      "no container with name or ID \"%s\" found: no such "
					      "container",
					      ref)
				   : -1;
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
