/* manifest_list.c - the in-memory manifest list: its stored record, the
 * index a registry gets, the shape `manifest inspect` prints, and the edits
 * (pure logic); see manifest_list.h. The commands are in mlist_cmd.c and
 * mlist_push.c. */
#include "image/manifest_list.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image/manifest.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"

/* Frees the members of x. */
void mlist_entry_free(struct mlist_entry *x)
{
	if (x == NULL)
		return;
	free(x->digest);
	free(x->media_type);
	free(x->os);
	free(x->arch);
	free(x->variant);
	free(x->os_version);
	strv_free(x->os_features);
	strv_free(x->features);
	strv_free(x->annotations);
	free(x->image_id);
	free(x->source);
	free(x->manifest);
	*x = (struct mlist_entry){0};
}

/* Frees the entries of l. */
void mlist_free(struct mlist *l)
{
	for (size_t i = 0; l != NULL && i < l->n; i++)
		mlist_entry_free(&l->v[i]);
	if (l != NULL) {
		free(l->v);
		*l = (struct mlist){0};
	}
}

/* A "KEY=VALUE" vector from a JSON object of strings (NULL: none). */
static char **kv_from_json(struct json_object *o)
{
	char **v = NULL;

	if (o == NULL || !json_object_is_type(o, json_type_object))
		return NULL;
	json_object_object_foreach(o, k, val)
	{
		cleanup_free char *kv =
		    xasprintf("%s=%s", k, val ? json_object_get_string(val) : "");
		mlist_annotation_set(&v, kv, NULL);
	}
	return v;
}

/* A JSON object of a "KEY=VALUE" vector (keys in its order: sorted). */
static struct json_object *kv_to_json(char *const *v)
{
	struct json_object *o = json_object_new_object();

	for (size_t i = 0; v && v[i]; i++) {
		const char *eq = strchr(v[i], '=');
		cleanup_free char *k = xstrndup(v[i], (size_t)(eq - v[i]));
		jset_str(o, k, eq + 1);
	}
	return o;
}

static char **strv_or_null(struct json_object *arr)
{
	char **v = jstrv(arr);

	if (v != NULL && v[0] == NULL) {
		strv_free(v);
		return NULL;
	}
	return v;
}

/* The platform and annotations of a descriptor (index entry or record). */
static void entry_desc_fields(struct mlist_entry *x, struct json_object *d)
{
	struct json_object *p = jget(d, "platform");

	x->arch = jstrdup(p, "architecture");
	x->os = jstrdup(p, "os");
	x->variant = jstrdup(p, "variant");
	x->os_version = jstrdup(p, "os.version");
	x->os_features = strv_or_null(jarr(p, "os.features"));
	x->features = strv_or_null(jarr(p, "features"));
	x->annotations = kv_from_json(jget(d, "annotations"));
}

/* One descriptor (index entry or record item): digest, mediaType, size,
 * platform and annotations checked (an entry may have no platform: OCI
 * allows it). */
static int entry_from_desc(struct json_object *d, const char *what, struct mlist_entry *x,
			   struct werr *err)
{
	int64_t size;

	if (!json_object_is_type(d, json_type_object))
		return werr_set(err, 0, "%s: an entry is not an object", what);
	if (manifest_check_desc(d, what, &size, err) < 0 ||
	    json_check_type(d, "platform", json_type_object, what, err) < 0 ||
	    json_check_type(d, "annotations", json_type_object, what, err) < 0)
		return -1;
	if (!digest_valid(jstr(d, "digest")))
		return werr_set(err, 0, "%s: invalid digest '%.80s'", what, jstr(d, "digest"));
	if (size < 0)
		return werr_set(err, 0, "%s: entry %s has no size", what, jstr(d, "digest"));
	*x = (struct mlist_entry){0};
	x->digest = jstrdup(d, "digest");
	x->media_type = xstrdup(jstr(d, "mediaType") ?: MT_OCI_MANIFEST);
	x->size = size;
	entry_desc_fields(x, d);
	return 0;
}

/* Parses a list's record; see manifest_list.h. */
int mlist_parse(const char *instances, struct mlist *out, struct werr *err)
{
	cleanup_json struct json_object *root = NULL;
	struct mlist l = {0};
	size_t n;

	*out = l;
	if (instances == NULL)
		return 0;
	root = jparse(instances, "manifest list record", err);
	if (root == NULL)
		return -1;
	if (!json_object_is_type(root, json_type_array))
		return werr_set(err, 0, "manifest list record: not an array");
	n = json_object_array_length(root);
	l.v = xcalloc(n + 1, sizeof(*l.v));
	for (size_t i = 0; i < n; i++) {
		struct json_object *d = json_object_array_get_idx(root, i);
		if (entry_from_desc(d, "manifest list record", &l.v[l.n], err) < 0) {
			mlist_free(&l);
			return -1;
		}
		l.v[l.n].image_id = jstrdup(d, "image");
		l.v[l.n].source = jstrdup(d, "source");
		l.v[l.n].manifest = jstrdup(d, "manifest");
		l.n++;
	}
	*out = l;
	return 0;
}

/* The platform object in Go's field order: Docker's (with features) or
 * OCI's (without). */
static struct json_object *platform_json(const struct mlist_entry *x, bool docker)
{
	struct json_object *p = json_object_new_object();

	jset_str(p, "architecture", x->arch);
	jset_str(p, "os", x->os);
	if (x->os_version != NULL)
		jset_str(p, "os.version", x->os_version);
	if (x->os_features != NULL)
		jset(p, "os.features", jnew_strv(x->os_features));
	if (x->variant != NULL)
		jset_str(p, "variant", x->variant);
	if (docker && x->features != NULL)
		jset(p, "features", jnew_strv(x->features));
	return p;
}

/* One entry as an OCI descriptor (mediaType, digest, size: OCI's order) or
 * as Docker's (mediaType, size, digest). */
static struct json_object *entry_json(const struct mlist_entry *x, bool docker, bool annotations)
{
	struct json_object *d = json_object_new_object();

	jset_str(d, "mediaType", x->media_type);
	if (docker)
		jset(d, "size", json_object_new_int64(x->size));
	jset_str(d, "digest", x->digest);
	if (!docker)
		jset(d, "size", json_object_new_int64(x->size));
	jset(d, "platform", platform_json(x, docker));
	if (annotations && x->annotations != NULL)
		jset(d, "annotations", kv_to_json(x->annotations));
	return d;
}

static char *json_text(struct json_object *o)
{
	return xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* The record to store; see manifest_list.h. */
char *mlist_record(const struct mlist *l)
{
	cleanup_json struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < l->n; i++) {
		const struct mlist_entry *x = &l->v[i];
		struct json_object *d = entry_json(x, true, true);
		if (x->image_id != NULL)
			jset_str(d, "image", x->image_id);
		if (x->source != NULL)
			jset_str(d, "source", x->source);
		if (x->manifest != NULL)
			jset_str(d, "manifest", x->manifest);
		json_object_array_add(arr, d);
	}
	return json_text(arr);
}

/* The list a registry gets; see manifest_list.h. */
char *mlist_index(const struct mlist *l, bool docker)
{
	cleanup_json struct json_object *o = json_object_new_object();
	struct json_object *arr = json_object_new_array();

	jset(o, "schemaVersion", json_object_new_int(2));
	jset_str(o, "mediaType", docker ? MT_DOCKER_LIST : MT_OCI_INDEX);
	jset(o, "manifests", arr);
	for (size_t i = 0; i < l->n; i++)
		json_object_array_add(arr, entry_json(&l->v[i], docker, !docker));
	return json_text(o);
}

/* `manifest inspect`'s shape; see manifest_list.h. */
struct json_object *mlist_inspect_json(const struct mlist *l)
{
	struct json_object *o = json_object_new_object();
	struct json_object *arr = l->n ? json_object_new_array() : NULL;

	jset(o, "schemaVersion", json_object_new_int(2));
	jset_str(o, "mediaType", MT_DOCKER_LIST);
	jset(o, "manifests", arr);
	for (size_t i = 0; i < l->n; i++)
		json_object_array_add(arr, entry_json(&l->v[i], true, true));
	return o;
}

/* The entries of a registry's index; see manifest_list.h. */
int mlist_from_index(const char *body, size_t len, const char *source, struct mlist *out,
		     struct werr *err)
{
	cleanup_json struct json_object *root = NULL;
	struct json_object *arr;
	struct mlist l = {0};
	size_t n;

	root = jparse(body, "image index", err);
	if (root == NULL)
		return -1;
	arr = jget(root, "manifests");
	if (arr == NULL || !json_object_is_type(arr, json_type_array))
		return werr_set(err, 0, "image index: 'manifests' is not a list");
	n = json_object_array_length(arr);
	l.v = xcalloc(n + 1, sizeof(*l.v));
	for (size_t i = 0; i < n; i++) {
		struct mlist_entry x;
		if (entry_from_desc(json_object_array_get_idx(arr, i), "image index", &x, err) <
		    0) {
			mlist_free(&l);
			return -1;
		}
		if (mlist_find(&l, x.digest) >= 0) {
			werr_set(err, 0, "image index: entry %s is there twice", x.digest);
			mlist_entry_free(&x);
			mlist_free(&l);
			return -1;
		}
		x.source = source ? xstrdup(source) : NULL;
		l.v[l.n++] = x;
	}
	*out = l;
	return 0;
}

/* The index of entry digest, or -1. */
int mlist_find(const struct mlist *l, const char *digest)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].digest, digest) == 0)
			return (int)i;
	return -1;
}

static void drop_at(struct mlist *l, size_t i)
{
	mlist_entry_free(&l->v[i]);
	memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof(*l->v));
	l->n--;
}

/* Adds x, replacing an entry of the same digest; see manifest_list.h. */
void mlist_put(struct mlist *l, struct mlist_entry *x)
{
	int i = mlist_find(l, x->digest);

	if (i >= 0)
		drop_at(l, (size_t)i);
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = *x;
	*x = (struct mlist_entry){0};
}

/* Removes entry digest; see manifest_list.h. */
int mlist_drop(struct mlist *l, const char *digest, struct werr *err)
{
	int i = mlist_find(l, digest);

	if (i < 0)
		return werr_set(err, ENOENT,
				"no instance matching digest \"%s\" found in manifest list: file "
				"does not exist",
				digest);
	drop_at(l, (size_t)i);
	return 0;
}

/* Checks a digest argument in go-digest's order (format, algorithm,
 * length, then the hex); see manifest_list.h. */
int mlist_check_digest(const char *digest, struct werr *err)
{
	const char *colon = strchr(digest, ':');
	const char *hex = colon ? colon + 1 : "";
	const char *why = NULL;
	size_t n = strlen(hex);

	if (colon == NULL || colon == digest || n == 0)
		why = "invalid checksum digest format";
	else if (strncmp(digest, "sha256:", 7) != 0)
		why = strspn(digest, "abcdefghijklmnopqrstuvwxyz0123456789.+_-") ==
				  (size_t)(colon - digest) &&
			      strspn(hex, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					  "0123456789=_-") == n
			  ? "unsupported digest algorithm"
			  : "invalid checksum digest format";
	else if (n != DIGEST_HEX_LEN)
		why = "invalid checksum digest length";
	else if (!str_is_hex(hex, n))
		why = "invalid checksum digest format";
	if (why != NULL)
		return werr_set(err, 0, "invalid image digest \"%s\": %s", digest, why);
	return 0;
}

/* Sets one annotation, keeping the vector sorted by key; see manifest_list.h. */
int mlist_annotation_set(char ***ann, const char *kv, struct werr *err)
{
	const char *eq = strchr(kv, '=');
	size_t klen, n = strv_len(*ann), i;
	char **v;

	if (eq == NULL)
		return werr_set(err, 0, "no value given for annotation \"%s\"", kv);
	if (eq == kv)
		return werr_set(err, 0, "no key given for annotation \"%s\"", kv);
	klen = (size_t)(eq - kv) + 1; /* with the '=' */
	for (i = 0; i < n; i++) {
		int c = strncmp((*ann)[i], kv, klen);
		if (c == 0) {
			free((*ann)[i]);
			(*ann)[i] = xstrdup(kv);
			return 0;
		}
		if (c > 0)
			break;
	}
	v = xrealloc(*ann, (n + 2) * sizeof(char *));
	memmove(&v[i + 1], &v[i], (n - i) * sizeof(char *));
	v[i] = xstrdup(kv);
	v[n + 1] = NULL;
	*ann = v;
	return 0;
}

/* The platform fields of an image config; see manifest_list.h. */
int mlist_entry_platform(struct mlist_entry *x, const char *config, struct werr *err)
{
	cleanup_json struct json_object *cfg = jparse(config, "image config", err);

	if (cfg == NULL)
		return -1;
	if (json_check_type(cfg, "architecture", json_type_string, "image config", err) < 0 ||
	    json_check_type(cfg, "os", json_type_string, "image config", err) < 0 ||
	    json_check_type(cfg, "variant", json_type_string, "image config", err) < 0 ||
	    json_check_type(cfg, "os.version", json_type_string, "image config", err) < 0 ||
	    json_check_strings(cfg, "os.features", "image config", err) < 0)
		return -1;
	free(x->arch);
	free(x->os);
	free(x->variant);
	free(x->os_version);
	strv_free(x->os_features);
	x->arch = xstrdup(jstr(cfg, "architecture") ?: "");
	x->os = xstrdup(jstr(cfg, "os") ?: "");
	x->variant = jstrdup(cfg, "variant");
	x->os_version = jstrdup(cfg, "os.version");
	x->os_features = strv_or_null(jarr(cfg, "os.features"));
	return 0;
}

/* Does x's platform match this machine (linux, its architecture and arm
 * variant; arm64's v8 is its default)? */
static bool here(const struct mlist_entry *x)
{
	const char *var = platform_variant();

	if (x->os == NULL || x->arch == NULL || strcmp(x->os, "linux") != 0 ||
	    strcmp(x->arch, platform_arch()) != 0)
		return false;
	return x->variant == NULL || var == NULL || strcmp(x->variant, var) == 0;
}

/* This machine's entry; see manifest_list.h. */
int mlist_pick(const struct mlist *l, struct werr *err)
{
	cleanup_free char *have = NULL;

	for (size_t i = 0; i < l->n; i++)
		if (here(&l->v[i]))
			return (int)i;
	for (size_t i = 0; i < l->n; i++) {
		const struct mlist_entry *x = &l->v[i];
		char *next =
		    xasprintf("%s%s%s/%s%s%s", have ? have : "", have ? ", " : "", x->os ?: "",
			      x->arch ?: "", x->variant ? "/" : "", x->variant ?: "");
		free(have);
		have = next;
	}
	return werr_set(err, 0, "no image found in image index for architecture %s, OS linux%s%s",
			platform_arch(), have ? ": it has " : "", have ? have : "");
}

/* This machine's local entry; see manifest_list.h. */
int mlist_pick_local(const struct mlist *l, bool (*exists)(const char *id, void *ud), void *ud,
		     struct werr *err)
{
	const char *var = platform_variant();

	for (size_t i = 0; i < l->n; i++)
		if (here(&l->v[i]) && l->v[i].image_id != NULL && exists(l->v[i].image_id, ud))
			return (int)i;
	return werr_set(err, 0,
			"no image found in manifest list for architecture %s, variant \"%s\", OS "
			"linux: image not known",
			platform_arch(), var && strcmp(platform_arch(), "arm64") != 0 ? var : "");
}

/* A layer media type in the other format, or NULL (err set). */
static const char *layer_type(const char *t, bool docker, struct werr *err)
{
	bool gzip = strcmp(t, MT_OCI_LAYER_GZIP) == 0 || strcmp(t, MT_DOCKER_LAYER_GZIP) == 0;

	if (docker && !gzip) {
		werr_set(err, 0, "a layer of type %s cannot go into a Docker v2s2 manifest", t);
		return NULL;
	}
	return docker ? MT_DOCKER_LAYER_GZIP : gzip ? MT_OCI_LAYER_GZIP : t;
}

static struct json_object *descriptor(const char *media_type, const char *digest, int64_t size)
{
	struct json_object *d = json_object_new_object();

	jset_str(d, "mediaType", media_type);
	jset_str(d, "digest", digest);
	jset(d, "size", json_object_new_int64(size));
	return d;
}

/* An image manifest in the other format; see manifest_list.h. */
int mlist_convert_manifest(const char *body, size_t len, bool docker, char **out,
			   const char **media_type, struct werr *err)
{
	cleanup_json struct json_object *m = json_object_new_object();
	struct json_object *layers = json_object_new_array();
	struct manifest in = {0};
	int rc = 0;

	if (manifest_parse(body, len, &in, err) < 0) {
		json_object_put(layers);
		return -1;
	}
	jset(m, "schemaVersion", json_object_new_int(2));
	jset_str(m, "mediaType", docker ? MT_DOCKER_V2 : MT_OCI_MANIFEST);
	jset(m, "config",
	     descriptor(docker ? MT_DOCKER_CONFIG : MT_OCI_CONFIG, in.config_digest,
			in.config_size));
	jset(m, "layers", layers);
	for (size_t i = 0; rc == 0 && i < in.nlayers; i++) {
		const char *t = layer_type(in.layers[i].media_type, docker, err);
		if (t == NULL)
			rc = -1;
		else
			json_object_array_add(
			    layers, descriptor(t, in.layers[i].digest, in.layers[i].size));
	}
	manifest_free(&in);
	if (rc < 0)
		return -1;
	*out = json_text(m);
	*media_type = docker ? MT_DOCKER_V2 : MT_OCI_MANIFEST;
	return 0;
}
