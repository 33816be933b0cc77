/* pool.h - ready rootfs for --rm containers (rootless, native overlay).
 *
 * A `run --rm` that wrote nothing to its root filesystem leaves an overlay
 * mount that is exactly its image again: an empty upper dir. Instead of
 * unmounting it and deleting its dirs, destroy offers it to a small pool
 * in <root>/pool; the next --rm container of the same image takes it with
 * one rename and needs no mkdir, no mount and no unmount. On a disk
 * filesystem those steps (and the dozen inodes overlay creates and frees
 * per mount) are most of the cost of a short container. The mounts live
 * in the pause process's mount namespace, invisible on the host. */
#ifndef WARREN_POOL_H
#define WARREN_POOL_H

#include <stdbool.h>

#include "engine/engine.h"
#include "storage/driver.h"

/* Moves a pooled rootfs of this layer list to ctr_dir (which must not
 * exist). Returns true when one was taken: rootfs_mount then finds it
 * ready (or remounts it when the pause process was rebuilt since). */
bool rootfs_pool_take(struct engine *e, enum storage_driver d, char *const *layers,
		      const char *ctr_dir);

/* Offers ctr_dir's rootfs to the pool. Only a mounted native overlay in
 * the user namespace whose upper dir is pristine (empty, root dir
 * unchanged) is taken, and at most a few per image. Returns true when
 * ctr_dir was moved into the pool; false: the caller removes it. */
bool rootfs_pool_put(struct engine *e, enum storage_driver d, char *const *layers,
		     const char *ctr_dir);

/* Unmounts and removes the pooled rootfs of this layer list, or of every
 * image when layers is NULL (rmi, storage cleanup). */
void rootfs_pool_drain(struct engine *e, char *const *layers);

#endif
