/* driver.h - container rootfs from image layers: native overlay (in the
 * user namespace, userxattr), fuse-overlayfs, or vfs (a full copy). */
#ifndef WARREN_DRIVER_H
#define WARREN_DRIVER_H

#include <stdbool.h>
#include <sys/types.h>

#include "engine/engine.h"
#include "lib/err.h"

enum storage_driver { DRIVER_OVERLAY = 0, DRIVER_FUSE_OVERLAYFS, DRIVER_VFS };

const char *driver_name(enum storage_driver d); /* "overlay", "fuse-overlayfs", "vfs" */
/* "overlay", "fuse-overlayfs", "vfs"; returns 0 or -1 */
int driver_parse(const char *name, enum storage_driver *out);

/* Picks the driver: e->storage_driver (with storage opt
 * overlay.mount_program=PATH meaning fuse-overlayfs) if given, else the
 * one recorded in the store metadata ("driver"), else the first that works
 * here (probe: a real overlay mount in a temp dir under <root>), and
 * records it. A forced driver that differs from the recorded one while
 * containers exist is an error. Must run inside the userns, with e->store open
 * (engine_store). */
int driver_choose(struct engine *e, enum storage_driver *out, struct werr *err);

/* Builds the rootfs of a container in ctr_dir (<root>/containers/<id>):
 * ctr_dir/upper, ctr_dir/work and the mount point ctr_dir/merged for the
 * overlays; vfs copies the layers (applying whiteouts) into ctr_dir/merged.
 * layers: diff_ids, bottom first. ephemeral: the upper dir is thrown away
 * after one run (--rm), so native overlay is mounted "volatile": no syncs
 * of the upper filesystem, which otherwise make the unmount cost a journal
 * commit (measured: ~30 ms on ext4 per `run --rm`). */
int rootfs_mount(struct engine *e, enum storage_driver d, const char *ctr_dir, char *const *layers,
		 bool ephemeral, struct werr *err);

/* The rootfs of `--rootfs DIR:O`: an overlay with DIR (absolute) as its
 * only lower dir, written to ctr_dir/upper, on ctr_dir/merged. The vfs
 * driver has no overlay: an error. */
int rootfs_mount_dir(struct engine *e, enum storage_driver d, const char *ctr_dir,
		     const char *lower, bool ephemeral, struct werr *err);

/* rootfs_mount with fuse-overlayfs and its uidmapping/gidmapping options
 * ("C:H:S:C:H:S...", the container's user namespace maps): files show
 * inside that namespace with the ids they have in ours, without a chown.
 * For a container with a user namespace of its own where the kernel
 * cannot idmap the rootfs (rootless: no idmapped mount of a filesystem
 * mounted in a user namespace). Fails with a clear error when
 * fuse-overlayfs cannot run. lower not NULL: that dir instead of layers,
 * as rootfs_mount_dir (a FILE.sqsh's mount). */
int rootfs_mount_mapped(struct engine *e, const char *ctr_dir, char *const *layers,
			const char *lower, const char *uidmapping, const char *gidmapping,
			struct werr *err);
/* The user namespace layers are idmapped to, and the host ids of its
 * root (the overlay is mounted as them: see idmap_as). */
struct idmap_target {
	int userns_fd;
	uid_t root_uid;
	gid_t root_gid;
};

/* rootfs_mount with native overlay over layers (and an upper dir) seen
 * through idmapped mounts of im->userns_fd, a user namespace with the
 * container's maps (storage/idmaplayers.h). Root mode: the kernel idmaps
 * no mount made in a user namespace. */
int rootfs_mount_idmapped(struct engine *e, const char *ctr_dir, char *const *layers,
			  const struct idmap_target *im, struct werr *err);
/* The squashfuse mount of a FILE.sqsh container, in its ctr_dir
 * (storage/sqsh.h): the lower dir of its overlay. */
#define SQSH_MOUNT_DIR "sqsh"

/* Unmounts ctr_dir/merged, then ctr_dir/sqsh (lazily if busy); no-op for
 * vfs or when not mounted. */
int rootfs_umount(struct engine *e, enum storage_driver d, const char *ctr_dir, struct werr *err);

/* True if ctr_dir/merged is currently a mount point (or a populated vfs copy). */
bool rootfs_is_mounted(struct engine *e, enum storage_driver d, const char *ctr_dir);

/* Copies everything below directory fd src into directory fd dst, as the
 * vfs driver copies a layer: owners, modes, times and xattrs kept,
 * symlinks copied as symlinks and never followed, device nodes where
 * mknod is allowed; then dst takes src's owner, mode and times (a volume's
 * copy-up: the image's dir and its content, issue 8). src is untrusted. */
int tree_copy(int src, int dst, struct werr *err);

/* Runs a FUSE mount helper (argv[0] an absolute path; it daemonizes
 * once mounted) and waits for it; a failure gives the helper's first
 * meaningful line, with the fix when one is known. merged names the
 * mount point in the message. 0 or -1. */
int fuse_run(char *const *argv, const char *merged, struct werr *err);

/* True when path (a dir in parent) is a mount point; a fuse mount whose
 * daemon died counts. */
bool is_mount_point(const char *path, const char *parent);

#endif
