/* rootless.h - paths and the pause process that holds the user namespace. */
#ifndef WARREN_ROOTLESS_H
#define WARREN_ROOTLESS_H

#include "engine/engine.h"
#include "lib/err.h"

/* Fills e->rootless, uid, gid, user and, unless already set by flags,
 * e->root, e->runroot and e->userrun. Creates userrun (0700, owned by the
 * user, refusing symlinks and dirs owned by others). Does not touch
 * namespaces. */
int paths_init(struct engine *e, struct werr *err);

/* Enters the user + mount namespace held by the user's pause process,
 * creating it first when there is none (or it is dead, or was started in a
 * previous boot, or the subordinate-id mapping changed). Race-free: two
 * commands started at once end with one pause process. On success the
 * calling (single-threaded) process is uid 0 in the namespace with full
 * capabilities there, e->in_userns and e->single_uid are set. As root: no-op.
 * When user namespaces cannot be used, the error names the cause and the
 * fix. */
int pause_join(struct engine *e, struct werr *err);

/* Stops the pause process (SIGKILL) and removes its pid file. 0 if none ran.
 * Used by `system migrate`. Must be called before pause_join. */
int pause_stop(struct engine *e, struct werr *err);

/* The pause process mounts a small tmpfs at <userrun>/ns in its mount
 * namespace, seen by every command that joined it and by nothing on the
 * host: short-lived runtime files (the bundles of --rm containers) go
 * there instead of the disk. Returns its path (malloc'd) once joined, or
 * NULL (root mode, or a pause process without it). */
char *pause_tmpfs(struct engine *e);

/* pid of the live pause process, or 0 when there is none. */
pid_t pause_pid(struct engine *e);

#endif
