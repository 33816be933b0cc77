/* container.h - container lifecycle over the store, the storage drivers,
 * the spec builder and the executor. Used by cli/ and (later) api/. */
#ifndef WARREN_CONTAINER_H
#define WARREN_CONTAINER_H

#include <stdbool.h>

#include "engine/engine.h"
#include "lib/err.h"
#include "runtime/spec.h"
#include "storage/store.h"

/* Creates a container from the image named by image_ref: a store record
 * (state created), <root>/containers/<id>/ with its rootfs mounted and the
 * OCI bundle (config.json). out receives the record (caller frees with
 * container_rec_free). A missing image is "IMAGE: image not known". */
int container_create(struct engine *e, const char *image_ref, const struct run_opts *o,
		     struct container_rec *out, struct werr *err);

/* Starts c in the foreground: the calling process is its parent and waits,
 * forwarding signals (and pty I/O with -t). Updates the record (running,
 * then exited with the code), unmounts its rootfs, removes it when o->rm.
 * *exit_code is the container's exit status (128+N after signal N). */
int container_run_foreground(struct engine *e, struct container_rec *c, const struct run_opts *o,
			     int *exit_code, struct werr *err);

/* Finds a container by id, id prefix or name, with its state brought up to
 * date (a recorded pid that is gone means it died with its CLI: exited
 * 137, removed when it was --rm). 1 found, 0 not found, -1 error. */
int container_lookup(struct engine *e, const char *ref, struct container_rec *out,
		     struct werr *err);

/* All containers (all=false: running ones only), states brought up to date. */
int container_list(struct engine *e, bool all, struct container_rec **out, size_t *n,
		   struct werr *err);

/* Removes a container: a running one needs force (SIGTERM, then SIGKILL
 * after timeout seconds; timeout 0 kills at once). Unmounts and deletes its
 * directory, then its record. */
int container_remove(struct engine *e, struct container_rec *c, bool force, int timeout,
		     struct werr *err);

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

/* "Up 3 seconds", "Exited (0) 2 minutes ago", "Created" (podman ps). */
void container_status_string(const struct container_rec *c, char *buf, size_t len);

#endif
