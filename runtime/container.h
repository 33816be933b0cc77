/* container.h - container lifecycle over the store, the storage drivers,
 * the spec builder and the executor. Used by cli/ and (later) api/. */
#ifndef WARREN_CONTAINER_H
#define WARREN_CONTAINER_H

#include <stdbool.h>

#include "engine/engine.h"
#include "storage/layerhold.h"
#include "lib/err.h"
#include "runtime/ctrnet.h"
#include "runtime/executor.h"
#include "runtime/spec.h"
#include "storage/store.h"

struct ctr_fglog;

/* A container whose lifetime this process owns: it holds the container's
 * owner lock (runtime/ctrlock.h) from container_create until
 * container_wait has settled it or container_owned_free gives it up. */
struct ctr_owned {
	struct container_rec rec;
	int lock;		 /* the owner lock's fd, -1 once released */
	struct ctr_proc proc;	 /* the running process, pid 0 before the start */
	pid_t fwd_pid;		 /* a foreground start's port forwarder (portfwd.h), 0: none */
	struct ctr_fglog *fglog; /* its log while it runs in our foreground (fglog.h) */
	struct ctrnet net;	 /* its network helper while it runs in the foreground */
	struct layer_hold hold;	 /* read-only store layers it uses (storage/layerhold.h) */
};

/* Creates a container from the image named by image_ref: the owner lock,
 * a store record (state created), <root>/containers/<id>/ with its rootfs
 * mounted and the OCI bundle (config.json). out receives it (caller frees
 * with container_owned_free). A missing image is "IMAGE: image not
 * known". */
/* Holds, in c->hold, the layers of read-only image stores that c's image
 * uses, for as long as this process owns c: their owner removes none of
 * them meanwhile. An image gone from its store fails here. 0 or -1. */
int container_hold_layers(struct engine *e, struct ctr_owned *c, struct werr *err);

int container_create(struct engine *e, const char *image_ref, const struct run_opts *o,
		     struct ctr_owned *out, struct werr *err);

/* Starts c's process, its stdio the fds of io (the caller's: the engine
 * never uses its own fds 0-2), its pty (with -t) sized io->rows x
 * io->cols. Records it as running (in the lock file; in the store too when
 * it is not --rm). A container that cannot start is settled as podman
 * does (removed with --rm, else exited with the error's code) and the
 * lock released; then -1 with err's status 125, 126 or 127. */
int container_start(struct engine *e, struct ctr_owned *c, const struct exec_io *io,
		    struct werr *err);

/* Waits for c's process (see executor_wait for io), then records the exit,
 * unmounts its rootfs, removes it when --rm, and releases the lock.
 * *exit_code is the container's exit status (128+N after signal N). */
int container_wait(struct engine *e, struct ctr_owned *c, const struct exec_io *io, int *exit_code,
		   struct werr *err);

/* Frees c; a lock still held is given up (the container stays created). */
void container_owned_free(struct engine *e, struct ctr_owned *c);

/* Podman's error for a container ref that names none: "no container with
 * name or ID "ref" found: no such container". Returns -1. */
int container_not_found(const char *ref, struct werr *err);

/* Finds a container by id, id prefix or name, with its state brought up
 * to date: one whose owner lives is running (pid and start time from the
 * owner's lock file) or being created; one whose owner died (its lock
 * file left unlocked) has died with it: exited 137, removed when it was
 * --rm. 1 found, 0 not found, -1 error. */
int container_lookup(struct engine *e, const char *ref, struct container_rec *out,
		     struct werr *err);

/* All containers (all=false: running ones only), states brought up to date. */
int container_list(struct engine *e, bool all, struct container_rec **out, size_t *n,
		   struct werr *err);
/* The same with each config brief (store_container_list_brief): for a
 * listing (ps, GET /containers/json) that shows and filters on labels,
 * networks, ports, pod and health only. */
int container_list_brief(struct engine *e, bool all, struct container_rec **out, size_t *n,
			 struct werr *err);

/* Removes a container: a running one (or one being created) needs force.
 * Then its process gets SIGTERM and, after timeout seconds, SIGKILL
 * (timeout 0: SIGKILL at once); while it is being created its owner is
 * killed. The owner settles the container as it would after any exit and
 * lets go of the lock; then the container is removed under that lock (it
 * is already gone when it was --rm). */
int container_remove(struct engine *e, struct container_rec *c, bool force, int timeout,
		     struct werr *err);

/* Removes (forced, after timeout seconds) the containers of ids that still
 * exist: the users of a network or volume rm -f removes. A failure says
 * "remove container ID using WHAT NAME: ...". */
int container_remove_users(struct engine *e, char *const *ids, const char *what, const char *name,
			   int timeout, struct werr *err);

/* Removes every container created from image_id (rmi -f). */
int container_remove_by_image(struct engine *e, const char *image_id, struct werr *err);

/* Path of a container's storage directory: upper, work, merged (malloc'd). */
char *container_dir(struct engine *e, const char *id);

/* Path of a container's OCI bundle (config.json, hostname, hosts,
 * resolv.conf), malloc'd: the storage directory, except for --rm
 * containers in rootless mode, whose bundle lives on the pause process's
 * tmpfs (pause_tmpfs): rewriting those files on ext4 makes it write them
 * back at once (auto_da_alloc), a disk I/O on every `run --rm`. */
char *container_bundle_dir(struct engine *e, const struct container_rec *c);

/* The exit command of a detached container's monitor (`container cleanup
 * --exit-code N --lock-fd FD ID`): with lock_fd (the monitor's lock, see
 * ctrlock_adopt) records the exit (started time from the lock file),
 * unmounts the rootfs, removes the container when --rm, and releases the
 * lock; or, when its restart policy wants it started again, keeps the lock
 * (the monitor hands it to `start --lock-fd`) and returns 1. Without it (lock_fd < 0, by hand): a
 * container that no longer runs gets its rootfs unmounted. */
int container_cleanup(struct engine *e, const char *id, int exit_code, int lock_fd,
		      struct werr *err);

/* Gets the container ref ready to start again: its lock taken (lock_fd
 * >= 0: the lock its monitor handed on, for a restart by policy), its
 * rootfs mounted. 1 with *out owned (start it with container_detach or
 * container_start), 0 when it runs already (nothing to do), -1 (unknown
 * container: Podman's "no such container"). */
int container_prepare_start(struct engine *e, const char *ref, int lock_fd, struct ctr_owned *out,
			    struct werr *err);

/* How often c's restart policy has started it again. */
int container_restart_count(struct engine *e, const char *id);

/* Sends sig to c's init (c as container_lookup brought it up to date); a
 * container that does not run: Podman's "can only kill running
 * containers" error. */
int container_kill(struct engine *e, const struct container_rec *c, int sig, struct werr *err);

/* `update --restart`: c's restart policy becomes policy (NULL or "no":
 * none) with max retries; it applies from the container's next exit. */
int container_update_restart(struct engine *e, const struct container_rec *c, const char *policy,
			     int max, struct werr *err);

/* pause (or unpause, pause false) through the cgroup freezer of c's own
 * cgroup (runtime/ctrcgroup.c); a container without one: why
 * (cgroup_missing); one that does not run, or is (not) paused already:
 * Podman's errors. */
int container_pause(struct engine *e, const struct container_rec *c, bool pause, struct werr *err);

/* The signal `stop` sends first: --stop-signal, the image's StopSignal,
 * else SIGTERM. */
int container_stop_signal(const struct container_rec *c);

/* Stops c: its stop signal, then after timeout seconds (timeout < 0: the
 * container's --stop-timeout, default 10; 0: at once) SIGKILL; returns once
 * its owner has settled it. A container that does not run: nothing. */
int container_stop(struct engine *e, const struct container_rec *c, int timeout, struct werr *err);

/* Waits until the container ref has exited (a created one: until it has
 * run) and gives its exit code. */
int container_wait_exit(struct engine *e, const char *ref, int *code, struct werr *err);

/* "Up 3 seconds", "Exited (0) 2 minutes ago", "Created" (podman ps). */
void container_status_string(const struct container_rec *c, char *buf, size_t len);

#endif
