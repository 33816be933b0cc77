/* layertar.h - an OCI layer tar made from a directory in layer form: the
 * dirs of <root>/layers and a container's overlay upper dir. Overlay
 * whiteouts (0/0 char devices, fuse-overlayfs' ".wh.NAME" files) become
 * ".wh.NAME" entries, opaque dirs (user./trusted.overlay.opaque,
 * user.fuseoverlayfs.opaque xattrs) get a "DIR/.wh..wh..opq" entry. `save`
 * remakes a layer with no blob this way; `commit` turns a container's
 * changes into a layer. */
#ifndef WARREN_LAYERTAR_H
#define WARREN_LAYERTAR_H

#include <stdint.h>

#include "lib/digest.h"
#include "lib/err.h"

/* Writes the tree below directory fd dfd (never following a symlink) as a
 * plain pax tar to out_fd. Hard links are written as separate files.
 * Ownership, modes, times and symlink targets are kept. 0 or -1. */
int layer_tar_dir(int dfd, int out_fd, struct werr *err);

/* layer_tar_dir without the top-level entry named skip (NULL: none), as
 * `load` of a .sqsh leaves out the config dir export added. */
int layer_tar_dir_skip(int dfd, const char *skip, int out_fd, struct werr *err);

/* Hashes the whole of fd from offset 0 (digest "sha256:..." and size in
 * bytes), then seeks it back to 0. 0 or -1. */
int layer_tar_digest(int fd, char digest[DIGEST_STR_LEN], int64_t *size, struct werr *err);

#endif
