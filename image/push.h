/* push.h - `push`: an image from the store to a registry, with the blobs
 * and (when it still fits them) the manifest it was pulled or loaded with. */
#ifndef WARREN_PUSH_H
#define WARREN_PUSH_H

#include "engine/engine.h"
#include <stdbool.h>
#include <stdint.h>

#include "image/pull.h"
#include "image/registry.h"
#include "lib/digest.h"
#include "lib/err.h"

struct push_opts {
	struct reg_opts reg;
	const char *format; /* "oci" or "v2s2": a new manifest; NULL: keep the stored one */
	int64_t chunk_size; /* > 0: upload in PATCH chunks of this size */
	void (*event)(void *ud, const struct pull_event *ev); /* the pull's events */
	void *ud;
};

/* --format's name as push_opts.format: "oci", "v2s2" ("docker" is
 * v2s2); NULL with err set for another name. */
const char *push_format(const char *name, struct werr *err);

/* Pushes image src (name or id) to dest ("registry/repo:tag", "docker://"
 * allowed; NULL: src's own name). digest_out receives the manifest digest. */
int image_push(struct engine *e, const char *src, const char *dest, const struct push_opts *o,
	       char digest_out[DIGEST_STR_LEN], struct werr *err);

/* One blob for push_blob: its bytes in memory (body: a config), else read
 * from the fd open() gives (NULL open: the blob store's blob). */
struct push_src {
	const char *digest;
	int64_t size;
	bool config;	  /* reported as the config, not as a layer */
	const char *body; /* its bytes, or NULL */
	int (*open)(void *ud, const char *digest, struct werr *err); /* an fd to read, or -1 */
	void *ud;
};

/* Sends blob b to c unless the registry has it (a HEAD first), mounting it
 * from from_repo (same registry; may be NULL) when it can; the pull events
 * of o tell what happens. */
int push_blob(struct engine *e, struct reg_client *c, const struct push_src *b,
	      const char *from_repo, const struct push_opts *o, struct werr *err);

struct image_rec;
/* The manifest a push of local image rec sends: the one it was pulled or
 * loaded with while it still names exactly its layer blobs and config
 * (format NULL), else a new one in format ("oci", "v2s2"; NULL: oci).
 * *body malloc'd; *media_type static. An image with a layer whose blob is
 * not stored is an error. */
int image_push_manifest(struct engine *e, const struct image_rec *rec, const char *format,
			char **body, const char **media_type, struct werr *err);

#endif
