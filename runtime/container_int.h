/* container_int.h - what the runtime's container modules (container.c,
 * lifecycle.c, detach.c) share; not for cli/ or api/. */
#ifndef WARREN_CONTAINER_INT_H
#define WARREN_CONTAINER_INT_H

#include "runtime/container.h"
#include "storage/driver.h"

/* The storage driver c's rootfs was made with. */
enum storage_driver container_driver(const struct container_rec *c);

/* Deletes c's files and record (it must not run, and the caller holds its
 * lock). */
int container_destroy(struct engine *e, struct container_rec *c, struct werr *err);

/* Records c as exited with code and unmounts its rootfs (the caller holds
 * its lock). */
int container_mark_exited(struct engine *e, struct container_rec *c, int code, struct werr *err);

/* c could not start (status 125, 126 or 127): removed when --rm, else
 * recorded as exited with status; its lock released. */
void container_start_failed(struct engine *e, struct ctr_owned *c, int status);

/* Marks id as stopped by the user (stop, rm -f): its restart policy does
 * not start it again (<ctr dir>/stopped, removed by the next start). */
void container_mark_stopping(struct engine *e, const char *id);
/* Mounts c's rootfs again (a start after an exit): its image's layers,
 * or its --rootfs dir (with :O an overlay on it). */
int container_mount(struct engine *e, const struct container_rec *c, struct werr *err);

/* Runs c's poststop hooks (its bundle's config.json says which), now
 * that its process is gone; a failure is logged (runtime-spec). */
void container_poststop(struct engine *e, const struct container_rec *c);

/* Appends a container event (engine/events.h) about c: "create",
 * "start", "died" (with exit_code; else -1), "remove", "stop", ... */
void container_event(struct engine *e, const struct container_rec *c, const char *status,
		     int exit_code);

#endif
