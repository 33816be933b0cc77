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
