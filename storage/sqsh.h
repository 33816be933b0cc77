/* sqsh.h - single-file images (issue 15): a squashfs file made with
 * mksquashfs from an image's rootfs, mounted with squashfuse inside the
 * user namespace (no extraction). The image's config travels inside the
 * file at SQSH_CONFIG_PATH (docs/rootless/hpc.md). */
#ifndef WARREN_SQSH_H
#define WARREN_SQSH_H

#include <stdbool.h>

#include "lib/err.h"

/* Where `image export --format squashfs` puts the image's config in the
 * tree: {"names": [...], "config": <the OCI image config>}. */
#define SQSH_CONFIG_DIR	 ".warren"
#define SQSH_CONFIG_PATH ".warren/image.json"

/* True when path names an existing regular file that starts with a
 * squashfs superblock (what `run` and `load` take for a .sqsh). */
bool sqsh_is_file(const char *path);

/* Checks that path is a whole squashfs 4 file: its superblock's magic and
 * version, and no fewer bytes than the superblock says it uses (a
 * truncated copy). 0 or -1 with a one-line error naming path. */
int sqsh_check(const char *path, struct werr *err);

/* Mounts the squashfs file (absolute) read-only on mnt (made if missing)
 * with squashfuse, after sqsh_check; a no-op when mnt is already a mount
 * point. The mount lives in the caller's mount namespace until
 * rootfs_umount (or sqsh_umount) removes it; squashfuse then exits. */
int sqsh_mount(const char *file, const char *mnt, struct werr *err);

/* Shared mounts (rootless): one squashfuse mount of a file serves every
 * container of the user that runs it, in the pause process's mount
 * namespace, at <dir>/<key>, so that a `run --rm FILE.sqsh` after the
 * first starts no squashfuse (~30 ms). The key changes with the file's
 * device, inode, size and mtime (a replaced or rewritten file gets a
 * mount of its own) and with the caller's cgroup: a batch system kills
 * what a job step started when the step ends, so a squashfuse started in
 * one step must serve no container of another. Unmounting a shared mount
 * never hurts a container using it (overlay holds its own clone of the
 * mount; squashfuse exits when the last user is gone). */
#define SQSH_KEY_LEN 16

/* The key of file for the calling process (SQSH_KEY_LEN hex). 0 or -1. */
int sqsh_key(const char *file, char key[SQSH_KEY_LEN + 1], struct werr *err);

/* Mounts file (absolute, its key given) on dir/key unless a live mount is
 * there (a mount whose squashfuse died is dropped first), under an
 * exclusive lock of dir (made 0700 if missing), and marks it used now.
 * *fresh: a new mount was made. 0 or -1. */
int sqsh_mount_shared(const char *dir, const char *file, const char *key, bool *fresh,
		      struct werr *err);

/* The keys of dir's shared mounts not used for idle_s seconds (all when
 * idle_s is 0), NULL-terminated (NULL: none). */
char **sqsh_shared_idle(const char *dir, int idle_s);

/* Unmounts dir/key and forgets it (under dir's lock); not mounted is fine. */
void sqsh_shared_drop(const char *dir, const char *key);

/* Unmounts mnt (lazily if busy); not mounted is fine. */
int sqsh_umount(const char *mnt, struct werr *err);

/* The text of SQSH_CONFIG_PATH in the mounted tree mnt, resolved inside
 * it (a symlink cannot lead out), at most 4 MiB: *out malloc'd, or NULL
 * when the file has none (a squashfs made by another tool). 0 or -1. */
int sqsh_read_config(const char *mnt, char **out, struct werr *err);

/* Writes the tree below dir as the squashfs file out with mksquashfs
 * (owners as this user namespace sees them), through a temp file renamed
 * into place: out is complete or untouched. 0 or -1. */
int sqsh_make(const char *dir, const char *out, struct werr *err);

#endif
