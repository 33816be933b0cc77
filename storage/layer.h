/* layer.h - safe layer extraction into <root>/layers/<diff_id hex>/.
 *
 * Entries with ".." or absolute paths are refused; nothing is written
 * through a symlink (parents are opened with openat2 RESOLVE_NO_SYMLINKS
 * relative to the layer dir); hard links must point inside the layer;
 * device nodes are skipped rootless; ownership is kept (we run as root in
 * the userns), and squashed to 0 with one warning when the id is not mapped
 * (single-uid mode). OCI whiteouts become overlay whiteouts: ".wh.NAME" ->
 * char device 0/0 NAME, ".wh..wh..opq" -> xattrs user.overlay.opaque=y and
 * user.fuseoverlayfs.opaque=y on the directory. Extraction goes to a
 * temporary dir renamed into place, so a killed command leaves no partial
 * layer. */
#ifndef WARREN_LAYER_H
#define WARREN_LAYER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/digest.h"
#include "engine/engine.h"
#include "lib/err.h"

struct layer_src {
	int fd;		/* readable fd */
	off_t offset;	/* where the blob starts (pread), 0 for a whole file */
	off_t length;	/* bytes, or -1 to read to EOF */
	bool stream;	/* fd is a pipe or socket (the pull feeds one from curl):
			   read() from where it stands, never pread or seek;
			   offset is ignored */
	bool keep_blob; /* also write the raw bytes into the blob store
			   (storage/blobs.h) in the same pass; the blob is
			   committed only when the layer verified */
};

/* How the blob was compressed, as libarchive found it. */
enum layer_compression { LAYER_PLAIN = 0, LAYER_GZIP, LAYER_ZSTD, LAYER_OTHER };

/* What layer_extract_info reports. */
struct layer_info {
	char diff_id[DIGEST_STR_LEN]; /* digest of the uncompressed tar */
	char blob[DIGEST_STR_LEN];    /* digest of the raw bytes read; "" when the
					 layer was present and nothing was read */
	int64_t blob_size;	      /* raw bytes read, -1 when not read */
	int64_t size;		      /* sum of regular-file sizes, -1 when not read */
	enum layer_compression compression;
	bool blob_kept; /* keep_blob: blobs/sha256/<blob> holds the raw bytes */
};

/* The OCI media type of a layer blob so compressed
 * ("application/vnd.oci.image.layer.v1.tar+gzip", ...; LAYER_OTHER: the
 * plain tar type, the caller knows better). Static string. */
const char *layer_media_type(enum layer_compression c);

/* Extracts a layer blob (plain tar, gzip or zstd, auto-detected).
 * want_digest: if non-NULL, the raw blob must hash to it (else error
 * "digest mismatch"). want_diffid: if non-NULL, the uncompressed tar must
 * hash to it. diffid_out receives the uncompressed tar digest, size_out the
 * sum of regular-file sizes (may be NULL). When want_diffid names a layer
 * already present the blob is not read (and *size_out is set to -1: the
 * store has the size). Returns 0 or -1. */
int layer_extract(struct engine *e, const struct layer_src *src, const char *want_digest,
		  const char *want_diffid, char diffid_out[DIGEST_STR_LEN], int64_t *size_out,
		  struct werr *err);

/* layer_extract with everything it learnt in *out (written on success
 * only): the raw blob's digest and size, its compression, and whether it
 * was kept. The raw digest is computed in the one pass that extracts (the
 * bytes are read once, with or without keep_blob). With src->stream and a
 * want_diffid already present, fd is not read at all: a caller that
 * downloads checks for the layer before it starts. Returns 0 or -1. */
int layer_extract_info(struct engine *e, const struct layer_src *src, const char *want_digest,
		       const char *want_diffid, struct layer_info *out, struct werr *err);

/* Makes the dir (in layer form: an overlay upper dir, nothing mounted on
 * it, on the store's file system) a layer: its tar is written once, as the
 * layer's blob (diff_id and blob digest are the tar's), then the dir is
 * renamed to <root>/layers/<diff_id hex> (left where it is when that layer
 * exists; extracted from the blob when the rename crosses file systems).
 * mtime >= 0: every file's mtime (--timestamp). The caller holds the
 * layers lock and records the layer. 0 or -1. */
int layer_adopt_dir(struct engine *e, const char *dir, int64_t mtime, struct layer_info *out,
		    struct werr *err);

/* Normalizes a tar entry name into norm (len bytes): "./a//b/" -> "a/b".
 * Refuses (-1, err set) absolute names and ".." components; an empty result
 * ("./", ".") means the entry is skipped. Pure: for unit tests too. */
int layer_check_path(const char *name, char *norm, size_t len, struct werr *err);

/* Tests only: use the O_NOFOLLOW component walk instead of openat2. */
void layer_disable_openat2(void);

/* Path of a layer dir: "<root>/layers/<hex>" (malloc'd). */
char *layer_path(struct engine *e, const char *diff_id);

/* With one uid (no sub-ids) a file whose owner is not mapped is extracted
 * owned by root; this xattr keeps the owner it had ("UID:GID"), and a
 * layer tar made from the files (storage/layertar.h) gives it back. An
 * image's own xattr of this name is never extracted. */
#define LAYER_OWNER_XATTR "user.warren.owner"

/* The layer dir of diff_id in the first read-only image store of e
 * (store_add_readonly) that has it as a real directory, malloc'd; NULL
 * when none does. foreign (may be NULL): its owner is not mapped in this
 * user namespace (its files show as the overflow id, 65534). */
char *layer_ro_path(struct engine *e, const char *diff_id, bool *foreign);

/* layer_path when that dir exists, else layer_ro_path when a read-only
 * store has it, else layer_path. */
char *layer_path_any(struct engine *e, const char *diff_id);

/* Removes a layer dir (and collects leftovers, see layer_gc_tmp). */
int layer_remove(struct engine *e, const char *diff_id, struct werr *err);

/* Removes dir name of the layers dir lfd: locked, then renamed to a
 * .tmp-* name, so that no command sees it half gone and a killed removal
 * is finished by layer_gc_tmp. A missing dir is no error. */
int layer_dir_remove(int lfd, const char *name, struct werr *err);

/* Removes the leftovers of killed commands: the <root>/layers/.tmp-* that
 * no live command holds locked (see layer_tmp_create). layer_extract and
 * layer_remove call it; it never waits for another command. */
void layer_gc_tmp(struct engine *e);

#define LAYER_TMP_NAME 24

/* Creates <root>/layers/.tmp-<random> for work in progress (lfd: the
 * layers dir), its name into name. Returns its fd, holding an exclusive
 * flock: until that fd is closed, layer_gc_tmp leaves the dir alone; the
 * caller renames or removes the dir before it closes the fd. -1 on error. */
int layer_tmp_create(int lfd, char name[LAYER_TMP_NAME], struct werr *err);

#endif
