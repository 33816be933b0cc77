/* filter.h - `images --filter` and `image prune` as Podman 4.3 has them:
 * the filter keys and their errors, dangling and intermediate images
 * (parents found through layers and history, as libimage does), and the
 * prune loop. Facts from podman 4.3.1 runs; code ours. */
#ifndef WARREN_IMAGE_FILTER_H
#define WARREN_IMAGE_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h" /* before engine.h, which uses struct werr */
#include "engine/engine.h"
#include "storage/store.h"

struct image_filter;

/* Parses --filter values ("key=value", "key!=value" negates): after/since,
 * before (IMAGE: created after/before it; looked up now), containers
 * (true|false), dangling, intermediate, readonly (booleans), id (a full
 * id), label (KEY or KEY=VALUE), reference (a glob matched against the
 * forms of each name, see image_ref_matches), until (a time or a Go
 * duration before now). Filters with the same key are ORed, different keys
 * ANDed, as Podman 4.3 does. A boolean key given twice with different
 * values is an error. e is used to look up before/since images. specs may
 * be NULL. Errors in Podman's words; NULL with err set. */
struct image_filter *image_filter_new(struct engine *e, char *const *specs, struct werr *err);
void image_filter_free(struct image_filter *f);

/* The images of the store that pass f (f NULL: all), newest first.
 * `images` without -a filters with "intermediate=false" added, as Podman
 * does (so that a user's "intermediate=true" conflicts as in Podman).
 * Returns 0 (*out freed by image_recs_free) or -1. */
int image_filter_list(struct engine *e, const struct image_filter *f, struct image_rec **out,
		      size_t *n, struct werr *err);

/* `images`' selection: the images that pass specs (NULL: all), without
 * the intermediate ones unless all, as Podman's `images` and its API.
 * A bad filter: -1 with err's status 125 (the caller's "bad request");
 * else as image_filter_list. */
int image_filter_select(struct engine *e, char *const *specs, bool all, struct image_rec **out,
			size_t *n, struct werr *err);

/* `image prune`: removes the dangling images (all: every image) that no
 * container uses and that pass the filters, round after round until none is
 * left (removing a child can leave its parent dangling). *removed gets the
 * removed ids (hex, NULL-terminated, caller frees; never NULL on success).
 * Returns 0 or -1 (ids removed before the failure are still in *removed). */
int image_prune(struct engine *e, bool all, char *const *filters, char ***removed,
		struct werr *err);

/* Does reference filter pattern (a glob: '*', '?', '[...]', not crossing
 * '/') match stored name ("docker.io/library/busybox:latest")? Tried
 * against the name, "library/busybox", "busybox:latest",
 * "docker.io/library/busybox", "library/busybox:latest" and "busybox".
 * Pure: unit-tested. */
bool image_ref_matches(const char *pattern, const char *name);

/* Parses an `until` value as Docker's timetype does: a Go duration
 * ("10m", "1h30m", "-5s": that long before now), Unix seconds
 * ("1700000000", "1700000000.5"), or a date / RFC 3339 time
 * ("2024-01-15", "2024-01-15T10:00", "2024-01-15T10:00:00Z", "...+02:00";
 * without a zone: UTC). now: ns since the epoch. Returns 0 with *ns set,
 * or -1 with Podman's error. Pure: unit-tested. */
int image_parse_until(const char *s, int64_t now, int64_t *ns, struct werr *err);

#endif
