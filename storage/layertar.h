/* layertar.h - an OCI layer tar made from a directory in layer form: the
 * dirs of <root>/layers and a container's overlay upper dir. Overlay
 * whiteouts (0/0 char devices, fuse-overlayfs' ".wh.NAME" files) become
 * ".wh.NAME" entries, opaque dirs (user./trusted.overlay.opaque,
 * user.fuseoverlayfs.opaque xattrs) get a "DIR/.wh..wh..opq" entry. `save`
 * remakes a layer with no blob this way; `commit` turns a container's
 * changes into a layer. */
#ifndef WARREN_LAYERTAR_H
#define WARREN_LAYERTAR_H

#include <stdbool.h>
#include <stddef.h>
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

/* Where layer_tar_dir_to sends the tar: 0 or -1 (err set). */
typedef int (*layer_tar_sink_fn)(void *ud, const void *buf, size_t len, struct werr *err);

/* layer_tar_dir into fn (called with each block of the tar, in order);
 * mtime >= 0: every entry's mtime in the tar and on disk (--timestamp);
 * *file_bytes: the sum of the regular files' sizes. 0 or -1. */
int layer_tar_dir_to(int dfd, layer_tar_sink_fn fn, void *ud, int64_t mtime, int64_t *file_bytes,
		     struct werr *err);

/* The layer dirs dfds[0..n) (top first) as one layer tar to out_fd: each
 * path as its topmost layer has it, whiteouts and opaque dirs hiding the
 * layers below (--squash). base[0..nbase): the layers the result goes on
 * (top first): whiteouts are kept only in dirs they have. flat: the
 * layers are a whole image (nothing below): whiteouts and opaque markers
 * are left out (--squash-all). */
int layer_tar_merge(int *dfds, size_t n, int *base, size_t nbase, bool flat, int out_fd,
		    struct werr *err);

/* Hashes the whole of fd from offset 0 (digest "sha256:..." and size in
 * bytes), then seeks it back to 0. 0 or -1. */
int layer_tar_digest(int fd, char digest[DIGEST_STR_LEN], int64_t *size, struct werr *err);

#endif
