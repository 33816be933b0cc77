/* ctr_sqsh.h - single-file images (issue 15): `image export --format
 * squashfs`, `run FILE.sqsh` / `--rootfs FILE.sqsh` (the file mounted with
 * squashfuse, an overlay on it for the writes), and
 * `load -i FILE.sqsh`. The file format: storage/sqsh.h. */
#ifndef WARREN_CTR_SQSH_H
#define WARREN_CTR_SQSH_H

#include "engine/engine.h"
#include "image/image.h"
#include "lib/err.h"
#include "storage/driver.h"

/* The squashfuse mount point of a container's dir (malloc'd). */
char *ctr_sqsh_dir(const char *ctr_dir);

/* A new FILE.sqsh container: mounts file (absolute) and parses the
 * image config it carries into *cfg (left empty when it has none);
 * *lower (malloc'd) is the mount, the lower dir of the container's
 * overlay. Rootless, the mount is the user's shared mount of the file
 * (storage/sqsh.h) and ctr_dir is not made (a pooled rootfs may be moved
 * there: ctr_sqsh_pool_take, then ctr_sqsh_link); as root it is
 * ctr_dir/sqsh (ctr_dir made). On failure nothing stays mounted for this
 * container and ctr_dir is removed. */
int ctr_sqsh_prepare(struct engine *e, const char *file, const char *ctr_dir, char **lower,
		     struct image_config *cfg, struct werr *err);

/* Rootless: records in ctr_dir (made) which shared mount lower is, for
 * the pool and for ctr_sqsh_pool_put. 0 or -1. */
int ctr_sqsh_link(struct engine *e, const char *lower, const char *ctr_dir, struct werr *err);

/* Moves a pooled rootfs over shared mount lower to ctr_dir (storage/pool.h). */
bool ctr_sqsh_pool_take(struct engine *e, enum storage_driver d, const char *lower,
			const char *ctr_dir);

/* Offers the rootfs in ctr_dir, a --rm FILE.sqsh container's, to the pool:
 * true when it was taken. */
bool ctr_sqsh_pool_put(struct engine *e, enum storage_driver d, const char *ctr_dir);

/* Mounts the FILE.sqsh of an existing container again (restart after its
 * rootfs was unmounted): *lower as ctr_sqsh_prepare gives it. */
int ctr_sqsh_remount(struct engine *e, const char *file, const char *ctr_dir, char **lower,
		     struct werr *err);

/* Unmounts the user's shared mounts unused for a while (all: every one),
 * with the pooled rootfs over them: their squashfuse processes exit once
 * no container uses them. */
void ctr_sqsh_reap(struct engine *e, bool all);

/* Undoes ctr_sqsh_prepare: unmounts what is the container's own and
 * removes ctr_dir. */
void ctr_sqsh_discard(const char *ctr_dir);

/* Writes image ref's filesystem and config as the squashfs file out
 * (replaced atomically). Must run in the user namespace. */
int image_export_squashfs(struct engine *e, const char *ref, const char *out, struct werr *err);

/* Loads a .sqsh made by image_export_squashfs back as an image: one layer
 * (the tree without the config dir), the config it carries, the names it
 * records. *names: what was loaded (names, or "sha256:ID"), caller frees. */
int image_load_squashfs(struct engine *e, const char *path, char ***names, struct werr *err);

#endif
