/* rootless.h - paths and the pause process that holds the user namespace. */
#ifndef WARREN_ROOTLESS_H
#define WARREN_ROOTLESS_H

#include "engine/engine.h"
#include "lib/err.h"

/* Fills e->rootless, uid, gid, user and, unless already set by flags,
 * e->root, e->runroot and e->userrun. Creates userrun (0700, owned by the
 * user, refusing symlinks and dirs owned by others), not the store's dirs
 * (paths_create). Does not touch namespaces. */
int paths_init(struct engine *e, struct werr *err);

/* Creates e->root and e->runroot (0700) when missing, warning when the
 * store is on a network filesystem. Every command that uses the store
 * calls it after paths_init; `system check` does not, so that it works
 * where they cannot be created. */
int paths_create(struct engine *e, struct werr *err);

/* Enters the user + mount namespace held by the user's pause process,
 * creating it first when there is none (or it is dead, or was started in a
 * previous boot, or the subordinate-id mapping changed). Race-free: two
 * commands started at once end with one pause process. On success the
 * calling (single-threaded) process is uid 0 in the namespace with full
 * capabilities there, e->in_userns and e->single_uid are set. As root: no-op.
 * When user namespaces cannot be used, the error names the cause and the
 * fix. */
int pause_join(struct engine *e, struct werr *err);

/* Stops (SIGKILL) the user's pause processes: the recorded one, and any
 * that no runtime dir names any more (its dir was removed or made anew
 * under it); removes the pid file. 0 if none ran. A pause process in whose
 * user namespace other processes still run (containers of another store,
 * `warren unshare`) is left running, with an error naming them: their
 * mounts and ids would become unreachable. Waits up to 5 s for the
 * commands of just stopped containers to finish. Used by `system
 * migrate`; must be called outside the namespace (before pause_join). */
int pause_stop(struct engine *e, struct werr *err);

/* Joins the user's live pause process, adopting one that lost its pid file,
 * but never creates one and does not compare id maps (system migrate
 * reaches the containers to stop with it, also after /etc/subuid changed).
 * 1 joined, 0 none runs, -1 error. */
int pause_enter(struct engine *e, struct werr *err);

/* The pause process mounts a small tmpfs at <userrun>/ns in its mount
 * namespace, seen by every command that joined it and by nothing on the
 * host: short-lived runtime files (the bundles of --rm containers) go
 * there instead of the disk. Returns its path (malloc'd) once joined, or
 * NULL (root mode, or a pause process without it). */
char *pause_tmpfs(struct engine *e);

/* The pause process runs warren's binary again as argv {"warren-pause"}
 * with an empty environment (nothing of the command that created it shows
 * in `ps`). main() calls this first with its arguments: it returns 0 when
 * they are not the pause process's, never returns when they are, and
 * returns -1 (err set) when "warren-pause" is started by hand. */
int pause_exec_main(int argc, char **argv, struct werr *err);

/* The message, naming the sysctl an admin must change, of a kernel setting
 * that forbids unprivileged user namespaces; NULL when none does. */
const char *pause_userns_knob(void);

/* newuidmap and newgidmap are present and setuid root or carry file
 * capabilities; else -1 with err (may be NULL) naming the fix. */
int pause_check_idmap_tools(struct werr *err);

/* "FIRST-LAST": 65536 subordinate ids that no other user has in
 * /etc/subuid or /etc/subgid, to suggest to an admin; "" when none fits. */
void pause_subid_free_range(const struct engine *e, char *buf, size_t len);

/* Name of the network or cluster filesystem ("NFS", "Lustre", ...) that
 * holds path or its closest existing parent; NULL when it is local. */
const char *paths_network_fs(const char *path);

/* The name paths_network_fs gives a statfs f_type (NFS 0x6969, Lustre
 * 0x0BD00BD0, GPFS, BeeGFS, CephFS, CIFS/SMB, AFS, FUSE, 9p ...), NULL
 * for a local filesystem's. */
const char *paths_netfs_name(unsigned long magic);

/* pid of the live pause process, or 0 when there is none. */
pid_t pause_pid(struct engine *e);

#endif
