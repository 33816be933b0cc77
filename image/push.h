/* push.h - `push`: an image from the store to a registry, with the blobs
 * and (when it still fits them) the manifest it was pulled or loaded with. */
#ifndef WARREN_PUSH_H
#define WARREN_PUSH_H

#include "engine/engine.h"
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

/* Pushes image src (name or id) to dest ("registry/repo:tag", "docker://"
 * allowed; NULL: src's own name). digest_out receives the manifest digest. */
int image_push(struct engine *e, const char *src, const char *dest, const struct push_opts *o,
	       char digest_out[DIGEST_STR_LEN], struct werr *err);

#endif
