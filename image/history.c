/* history.c - an image's history matched to its layers (see history.h). */
#include "image/history.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "image/image.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"

void image_history_free(struct image_history *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].created_by);
		free(v[i].comment);
	}
	free(v);
}

/* The image stored first whose layers are exactly layers[0..depth), or NULL */
static const struct image_rec *top_image(const struct image_rec *all, size_t nall,
					 char *const *layers, size_t depth)
{
	const struct image_rec *best = NULL;

	for (size_t i = 0; i < nall; i++) {
		const struct image_rec *r = &all[i];
		bool same = strv_len(r->layers) == depth;
		for (size_t k = 0; same && k < depth; k++)
			same = strcmp(r->layers[k], layers[k]) == 0;
		if (same && (best == NULL || r->stored < best->stored ||
			     (r->stored == best->stored && strcmp(r->id, best->id) < 0)))
			best = r;
	}
	return best;
}

/* The zone offset an RFC 3339 time was written in ("+02:00": 7200) */
static int zone_offset(const char *s)
{
	size_t n = strlen(s);
	int hh, mm;

	if (n < 6 || (s[n - 6] != '+' && s[n - 6] != '-') || s[n - 3] != ':')
		return 0;
	hh = (s[n - 5] - '0') * 10 + (s[n - 4] - '0');
	mm = (s[n - 2] - '0') * 10 + (s[n - 1] - '0');
	return (hh * 3600 + mm * 60) * (s[n - 6] == '-' ? -1 : 1);
}

static void entry_fill(struct image_history *h, struct json_object *j)
{
	const char *created = jstr(j, "created");

	h->has_created = created && image_parse_time(created, &h->created) == 0;
	h->tzoff = h->has_created ? zone_offset(created) : 0;
	h->created_by = jstrdup(j, "created_by");
	h->comment = jstrdup(j, "comment");
}

/* Walks the history down the layers; see history.h. */
static int walk(struct store *s, const struct image_rec *img, struct json_object *hist,
		const struct image_rec *all, size_t nall, struct image_history *out,
		struct werr *err)
{
	size_t depth = strv_len(img->layers), n = jlen(hist);
	cleanup_strv char **used = NULL;

	for (size_t k = 0; k < n; k++) {
		struct json_object *j = json_object_array_get_idx(hist, n - 1 - k);
		const struct image_rec *top =
		    depth ? top_image(all, nall, img->layers, depth) : NULL;
		struct image_history *h = &out[k];
		if (!json_object_is_type(j, json_type_object))
			return werr_set(err, 0, "image config: 'history' is not a list of objects");
		entry_fill(h, j);
		if (top && !strv_contains(used, top->id)) {
			memcpy(h->id, top->id, sizeof(h->id));
			used = strv_append(used, top->id);
		}
		if (json_object_get_boolean(jget(j, "empty_layer")))
			continue;
		if (depth == 0)
			return werr_set(err, 0, "no layer left for non-empty history entry: %s",
					h->created_by ? h->created_by : "");
		if (store_layer_size(s, img->layers[--depth], &h->size, err) < 0)
			return -1;
		if (h->size < 0)
			h->size = 0;
	}
	return 0;
}

int image_history(struct engine *e, const struct image_rec *img, struct image_history **out,
		  size_t *n, struct werr *err)
{
	cleanup_json struct json_object *cfg = jparse(img->config, "image config", err);
	struct json_object *hist = jget(cfg, "history");
	struct store *s = engine_store(e, err);
	struct image_history *v;
	struct image_rec *all = NULL;
	size_t nall = 0, nh;
	int rc;

	if (cfg == NULL || s == NULL)
		return -1;
	if (hist != NULL && !json_object_is_type(hist, json_type_array))
		return werr_set(err, 0, "image config: 'history' is not a list of objects");
	nh = jlen(hist);
	if (store_image_list(s, &all, &nall, err) < 0)
		return -1;
	v = xcalloc(nh + 1, sizeof(*v));
	rc = walk(s, img, hist, all, nall, v, err);
	image_recs_free(all, nall);
	if (rc < 0) {
		image_history_free(v, nh);
		return -1;
	}
	*out = v;
	*n = nh;
	return 0;
}
