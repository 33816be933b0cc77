/* ctr_sqsh.h - single-file images (issue 15): `image export --format
 * squashfs`, `run FILE.sqsh` / `--rootfs FILE.sqsh` (the file mounted with
 * squashfuse at <ctr_dir>/sqsh, an overlay on it for the writes), and
 * `load -i FILE.sqsh`. The file format: storage/sqsh.h. */
#ifndef WARREN_CTR_SQSH_H
#define WARREN_CTR_SQSH_H

#include "engine/engine.h"
#include "image/image.h"
#include "lib/err.h"

/* The squashfuse mount point of a container's dir (malloc'd). */
char *ctr_sqsh_dir(const char *ctr_dir);

/* A new FILE.sqsh container: mounts file (absolute) at ctr_dir/sqsh
 * (ctr_dir made) and parses the image config it carries into *cfg (left
 * empty when it has none). On failure nothing stays mounted and ctr_dir
 * is removed. */
int ctr_sqsh_prepare(const char *file, const char *ctr_dir, struct image_config *cfg,
		     struct werr *err);

/* Undoes ctr_sqsh_prepare: unmounts and removes ctr_dir. */
void ctr_sqsh_discard(const char *ctr_dir);

/* Writes image ref's filesystem and config as the squashfs file out
 * (replaced atomically). Must run in the user namespace. */
int image_export_squashfs(struct engine *e, const char *ref, const char *out, struct werr *err);

/* Loads a .sqsh made by image_export_squashfs back as an image: one layer
 * (the tree without the config dir), the config it carries, the names it
 * records. *names: what was loaded (names, or "sha256:ID"), caller frees. */
int image_load_squashfs(struct engine *e, const char *path, char ***names, struct werr *err);

#endif
