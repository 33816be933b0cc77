/* idmaplayers.h - overlay over idmapped layers (root mode, issue 8): the
 * layer dirs and the container's upper dir are seen through idmapped
 * mounts (mount_setattr MOUNT_ATTR_IDMAP, Linux 5.19 for overlayfs layers)
 * of a user namespace with the container's maps, so the overlay shows the
 * image's ids shifted as the container's namespace wants them, and what the
 * container writes lands unshifted on disk: no layer is copied or chowned.
 * The idmapped mount of the overlay itself is refused by the kernel
 * (overlayfs does not take one), hence the layers. */
#ifndef WARREN_IDMAPLAYERS_H
#define WARREN_IDMAPLAYERS_H

#include <stddef.h>
#include <sys/types.h>

#include "lib/err.h"

/* Idmapped clones of ldir/<hex of each layer> at ctr_dir/idmap/l/<hex> and
 * of ctr_dir at ctr_dir/idmap/c (upper and work dirs are below it).
 * *sldir, *supper, *swork: the paths to mount the overlay from (malloc'd).
 * On failure nothing stays mounted. */
int idmap_stage(const char *ctr_dir, const char *ldir, char *const *layers, size_t n, int userns_fd,
		char **sldir, char **supper, char **swork, struct werr *err);

/* Runs fn(arg) with the filesystem ids uid/gid (the host ids of the
 * container's root) and the file capabilities kept: overlayfs does its
 * upper-dir work with its creator's credentials, which must be mapped in
 * the idmapped upper dir, else the overlay comes up read-only. Returns
 * what fn does. */
int idmap_as(uid_t uid, gid_t gid, int (*fn)(void *), void *arg);

/* Detaches the staging mounts once the overlay holds its own references
 * to the layers, and removes ctr_dir/idmap. */
void idmap_unstage(const char *ctr_dir, char *const *layers, size_t n);

#endif
