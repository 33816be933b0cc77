/* blobs.h - content-addressed blobs: <root>/blobs/sha256/<hex>, as in an
 * OCI image layout. Each layer's original blob (the bytes the registry or
 * the archive delivered: gzip, zstd or plain tar) is kept, so that save and
 * push reproduce it exactly (a re-made tar never hashes to the same
 * diff_id). A blob is written to <root>/blobs/.tmp-<random>, held by an
 * exclusive flock while it is written, and renamed to its name only after
 * its digest was computed over every byte and, when one was promised,
 * compared: a command killed at any instant leaves no blob that a later
 * command trusts, and blob_gc_tmp collects its temp file.
 *
 * The store's layers table says which blob belongs to which layer; a blob
 * goes with the last layer that references it (image removal), and blobs no
 * layer references are leftovers that image_layers_lock collects. */
#ifndef WARREN_BLOBS_H
#define WARREN_BLOBS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/digest.h"
#include "engine/engine.h"
#include "lib/err.h"

struct blob_writer; /* opaque */

/* Starts a new blob: creates and flocks its temp file. NULL with err set. */
struct blob_writer *blob_writer_new(struct engine *e, struct werr *err);

/* Appends len bytes (hashed as they go). 0 or -1 with err set. */
int blob_write(struct blob_writer *w, const void *buf, size_t len, struct werr *err);

/* The digest and size of what was written so far; hashing ends here (no
 * more blob_write after it). Either out may be NULL. */
void blob_writer_digest(struct blob_writer *w, char digest[DIGEST_STR_LEN], int64_t *size);

/* Renames the blob into place as blobs/sha256/<digest of its bytes>. When
 * want (may be NULL) is not that digest, nothing is committed: error
 * "blob digest mismatch: want X, got Y". An existing blob of that digest is
 * replaced (same bytes). 0 or -1 with err set; free w either way. */
int blob_commit(struct blob_writer *w, const char *want, struct werr *err);

/* Removes the temp file unless committed, frees w. NULL is a no-op. */
void blob_writer_free(struct blob_writer *w);
void blob_writer_freep(struct blob_writer **w); /* for _cleanup_ */

/* Opens blob digest for reading (O_RDONLY | O_CLOEXEC, no symlink
 * followed): the store's own, else a read-only image store's (whose
 * bytes the caller verifies). Returns the fd; -1 with err set (errno
 * ENOENT when absent). */
int blob_open(struct engine *e, const char *digest, struct werr *err);

/* 1 when blob digest is in the store, 0 when not. */
bool blob_exists(struct engine *e, const char *digest);

/* blob_exists, or a read-only image store has it (save, push). */
bool blob_exists_any(struct engine *e, const char *digest);

/* "<root>/blobs/sha256/<hex>", malloc'd. */
char *blob_path(struct engine *e, const char *digest);

/* Removes blob digest; an absent one is no error. */
int blob_remove(struct engine *e, const char *digest, struct werr *err);

/* Removes the temp files of killed writers (<root>/blobs/.tmp-* that no
 * live writer holds locked). Never waits for another command. */
void blob_gc_tmp(struct engine *e);

/* Calls fn(digest, data) for every committed blob ("sha256:<hex>"), for
 * the collection of blobs no layer references. Stops at the first
 * nonzero return of fn and returns it; 0 when all were seen. */
int blob_foreach(struct engine *e, int (*fn)(const char *digest, void *data), void *data);

#endif
