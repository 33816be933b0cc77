/* manifest.c - descriptors, manifests, indexes, configs, platforms; see
 * manifest.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "image/image.h"
#include "image/manifest.h"
#include "lib/cleanup.h"
#include "lib/digest.h"
#include "lib/json.h"
#include "lib/util.h"

/* A member that must be absent, null or of type t: 0, or -1 with err set. */
int json_check_type(struct json_object *o, const char *key, enum json_type t, const char *what,
		    struct werr *err)
{
	static const char *const names[] = {
	    [json_type_string] = "a string",   [json_type_array] = "a list",
	    [json_type_object] = "an object",  [json_type_int] = "an integer",
	    [json_type_boolean] = "a boolean", [json_type_double] = "a number",
	    [json_type_null] = "null",
	};
	struct json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) || v == NULL ||
	    json_object_is_type(v, t))
		return 0;
	return werr_set(err, 0, "%s: '%s' is not %s", what, key, names[t]);
}

/* A list member (may be absent) whose items are all strings. */
int json_check_strings(struct json_object *o, const char *key, const char *what, struct werr *err)
{
	struct json_object *a = jarr(o, key);

	if (json_check_type(o, key, json_type_array, what, err) < 0)
		return -1;
	for (size_t i = 0; a && i < json_object_array_length(a); i++)
		if (!json_object_is_type(json_object_array_get_idx(a, i), json_type_string))
			return werr_set(err, 0, "%s: item %zu of '%s' is not a string", what, i,
					key);
	return 0;
}

/* An OCI descriptor: digest a string, mediaType (when there) a string, size
 * (when there) an integer >= 0, into *size (-1 when absent). */
int manifest_check_desc(struct json_object *d, const char *what, int64_t *size, struct werr *err)
{
	struct json_object *v;

	*size = -1;
	if (!json_object_is_type(d, json_type_object))
		return werr_set(err, 0, "%s: a descriptor is not an object", what);
	if (json_check_type(d, "digest", json_type_string, what, err) < 0 ||
	    json_check_type(d, "mediaType", json_type_string, what, err) < 0 ||
	    json_check_type(d, "size", json_type_int, what, err) < 0)
		return -1;
	if (json_object_object_get_ex(d, "size", &v) && v != NULL) {
		*size = json_object_get_int64(v);
		if (*size < 0)
			return werr_set(err, 0, "%s: negative size %lld", what, (long long)*size);
	}
	return 0;
}

/* rootfs.diff_ids and created of an image config, whose runtime fields
 * must also have the types image_config_parse takes: an image that cannot
 * run is refused when it is loaded, not when it is run. */
int image_config_info(const char *cfg, char ***diff_ids, int64_t *created, struct werr *err)
{
	cleanup_json struct json_object *root = jparse(cfg, "image config", err);
	struct json_object *rootfs = NULL, *ids;
	struct image_config ic;
	char **v = NULL;
	const char *when;

	if (root == NULL)
		return -1;
	if (!json_object_is_type(root, json_type_object))
		return werr_set(err, 0, "image config: not a JSON object");
	if (image_config_parse(cfg, &ic, err) < 0)
		return -1;
	image_config_free(&ic);
	json_object_object_get_ex(root, "rootfs", &rootfs);
	ids = jarr(rootfs, "diff_ids");
	if (ids == NULL)
		return werr_set(err, 0, "image config: no rootfs.diff_ids");
	if (json_check_type(root, "created", json_type_string, "image config", err) < 0)
		return -1;
	when = jstr(root, "created");
	*created = 0;
	if (when && image_parse_time(when, created) < 0)
		return werr_set(err, 0, "image config: invalid or out of range created time '%s'",
				when);
	for (size_t i = 0; i < json_object_array_length(ids); i++) {
		struct json_object *d = json_object_array_get_idx(ids, i);
		const char *s =
		    json_object_is_type(d, json_type_string) ? json_object_get_string(d) : NULL;
		if (!digest_valid(s)) {
			strv_free(v);
			return werr_set(
			    err, 0, "image config: invalid diff_id '%s'",
			    s ? s
			      : json_object_to_json_string_ext(
				    d, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		}
		v = strv_append(v, s);
	}
	*diff_ids = v ? v : xcalloc(1, sizeof(char *));
	return 0;
}

/* The Go architecture name of this machine ("amd64", "arm64", ...). */
const char *platform_arch(void)
{
	static const struct {
		const char *machine, *goarch;
	} map[] = {
	    {"x86_64", "amd64"},    {"aarch64", "arm64"}, {"armv7l", "arm"},
	    {"armv6l", "arm"},	    {"i686", "386"},	  {"i386", "386"},
	    {"ppc64le", "ppc64le"}, {"s390x", "s390x"},	  {"riscv64", "riscv64"},
	};
	static struct utsname u;

	if (uname(&u) < 0)
		return "amd64";
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (strcmp(u.machine, map[i].machine) == 0)
			return map[i].goarch;
	return u.machine;
}

/* This machine's arm variant; see manifest.h. */
const char *platform_variant(void)
{
	static struct utsname u;

	if (uname(&u) < 0)
		return NULL;
	if (strcmp(u.machine, "armv7l") == 0)
		return "v7";
	if (strcmp(u.machine, "armv6l") == 0)
		return "v6";
	if (strcmp(u.machine, "aarch64") == 0)
		return "v8";
	return NULL;
}

/* Parses "os/arch[/variant]"; see manifest.h. */
int platform_parse(const char *s, struct platform *p, char **buf, struct werr *err)
{
	char *copy = xstrdup(s), *arch, *variant;

	arch = strchr(copy, '/');
	if (arch == NULL || arch == copy || arch[1] == '\0' || arch[1] == '/') {
		free(copy);
		return werr_set(err, 0, "invalid platform '%s': want OS/ARCH[/VARIANT]", s);
	}
	*arch++ = '\0';
	variant = strchr(arch, '/');
	if (variant != NULL) {
		*variant++ = '\0';
		if (*variant == '\0' || strchr(variant, '/') != NULL) {
			free(copy);
			return werr_set(err, 0, "invalid platform '%s': want OS/ARCH[/VARIANT]", s);
		}
	}
	*p = (struct platform){.os = copy, .arch = arch, .variant = variant};
	*buf = copy;
	return 0;
}

/* Matches a descriptor's platform; see manifest.h. */
int platform_match(struct json_object *desc, const struct platform *want)
{
	struct json_object *p;
	const char *os, *arch, *variant, *wos, *warch, *wvar;

	if (!json_object_object_get_ex(desc, "platform", &p))
		return -1;
	os = jstr(p, "os");
	arch = jstr(p, "architecture");
	variant = jstr(p, "variant");
	wos = want && want->os ? want->os : "linux";
	warch = want && want->arch ? want->arch : platform_arch();
	wvar = want && want->arch ? want->variant : platform_variant();
	if (os == NULL || arch == NULL || strcmp(os, wos) != 0 || strcmp(arch, warch) != 0)
		return 0;
	/* a variant asked for must match; arm64's v8 is its default */
	if (wvar != NULL && variant != NULL && strcmp(variant, wvar) != 0)
		return 0;
	if (wvar != NULL && variant == NULL && strcmp(warch, "arm64") != 0 && want && want->variant)
		return 0;
	return 1;
}

/* "os/arch[/variant]" for messages; see manifest.h. */
const char *platform_string(const struct platform *want)
{
	static char buf[128];
	const char *var = want && want->arch ? want->variant : NULL;

	snprintf(buf, sizeof(buf), "%s/%s%s%s", want && want->os ? want->os : "linux",
		 want && want->arch ? want->arch : platform_arch(), var ? "/" : "", var ? var : "");
	return buf;
}

void manifest_free(struct manifest *m)
{
	for (size_t i = 0; i < m->nlayers; i++) {
		free(m->layers[i].digest);
		free(m->layers[i].media_type);
	}
	free(m->layers);
	free(m->media_type);
	free(m->config_digest);
	memset(m, 0, sizeof(*m));
}

static const char *const layer_types[] = {
    MT_DOCKER_LAYER_GZIP,
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
    MT_OCI_LAYER,
    MT_OCI_LAYER_GZIP,
    MT_OCI_LAYER_ZSTD,
    "application/vnd.oci.image.layer.nondistributable.v1.tar",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
};

static bool known_layer_type(const char *t)
{
	for (size_t i = 0; i < ARRAY_SIZE(layer_types); i++)
		if (strcmp(t, layer_types[i]) == 0)
			return true;
	return false;
}

/* What a manifest body is; see manifest.h. */
int manifest_kind(const char *body, size_t len, const char *media_type, struct werr *err)
{
	cleanup_json struct json_object *root = jparse(body, "manifest", err);
	const char *mt = jstr(root, "mediaType");
	struct json_object *v;

	if (root == NULL)
		return -1;
	if (!json_object_is_type(root, json_type_object))
		return werr_set(err, 0, "manifest: not a JSON object");
	if (json_object_object_get_ex(root, "schemaVersion", &v) && json_object_get_int(v) == 1)
		mt = MT_DOCKER_V1;
	if (mt == NULL || (media_type && (strcmp(media_type, MT_DOCKER_V1) == 0 ||
					  strcmp(media_type, MT_DOCKER_V1_SIGNED) == 0)))
		mt = media_type;
	if (mt == NULL) /* an OCI manifest need not name its type */
		mt = jarr(root, "manifests") ? MT_OCI_INDEX : MT_OCI_MANIFEST;
	(void)len;
	if (strcmp(mt, MT_DOCKER_V1) == 0 || strcmp(mt, MT_DOCKER_V1_SIGNED) == 0)
		return werr_set(
		    err, 0,
		    "the image uses a Docker schema 1 manifest, which is deprecated and "
		    "not supported: ask its publisher to push it again with a current "
		    "client");
	if (strcmp(mt, MT_DOCKER_V2) == 0 || strcmp(mt, MT_OCI_MANIFEST) == 0)
		return 1;
	if (strcmp(mt, MT_DOCKER_LIST) == 0 || strcmp(mt, MT_OCI_INDEX) == 0)
		return 2;
	{
		cleanup_free char *copy = xstrdup(mt);
		text_scrub(copy);
		return werr_set(err, 0, "unsupported manifest media type '%.200s'", copy);
	}
}

/* Parses an image manifest; see manifest.h. */
int manifest_parse(const char *body, size_t len, struct manifest *out, struct werr *err)
{
	cleanup_json struct json_object *root = jparse(body, "manifest", err);
	struct json_object *cfg, *layers;
	struct manifest m = {0};
	int64_t size;

	(void)len;
	if (root == NULL)
		return -1;
	if (json_check_type(root, "mediaType", json_type_string, "manifest", err) < 0 ||
	    json_check_type(root, "layers", json_type_array, "manifest", err) < 0)
		return -1;
	if (!json_object_object_get_ex(root, "config", &cfg) ||
	    manifest_check_desc(cfg, "manifest config", &size, err) < 0)
		return cfg ? -1 : werr_set(err, 0, "manifest: no config descriptor");
	if (!digest_valid(jstr(cfg, "digest")))
		return werr_set(err, 0, "manifest: config has no valid sha256 digest");
	m.media_type = jstrdup(root, "mediaType");
	m.config_digest = jstrdup(cfg, "digest");
	m.config_size = size;
	layers = jarr(root, "layers");
	m.nlayers = jlen(layers);
	m.layers = xcalloc(m.nlayers ? m.nlayers : 1, sizeof(*m.layers));
	for (size_t i = 0; i < m.nlayers; i++) {
		struct json_object *d = json_object_array_get_idx(layers, i);
		const char *mt;
		if (manifest_check_desc(d, "manifest layer", &m.layers[i].size, err) < 0)
			goto fail;
		if (!digest_valid(jstr(d, "digest"))) {
			werr_set(err, 0, "manifest: layer %zu has no valid sha256 digest", i);
			goto fail;
		}
		mt = jstr(d, "mediaType");
		if (mt == NULL || !known_layer_type(mt)) {
			cleanup_free char *copy = xstrdup(mt ? mt : "(none)");
			text_scrub(copy);
			werr_set(err, 0, "unsupported layer media type '%.200s'", copy);
			goto fail;
		}
		m.layers[i].digest = jstrdup(d, "digest");
		m.layers[i].media_type = xstrdup(mt);
	}
	*out = m;
	return 0;
fail:
	manifest_free(&m);
	return -1;
}

/* Picks a platform's manifest from an index; see manifest.h. */
int manifest_pick(const char *body, size_t len, const struct platform *want, char **digest,
		  struct werr *err)
{
	cleanup_json struct json_object *root = jparse(body, "image index", err);
	struct json_object *ms = NULL, *best = NULL;
	cleanup_free char *have = NULL;

	(void)len;
	if (root == NULL)
		return -1;
	if (json_check_type(root, "manifests", json_type_array, "image index", err) < 0)
		return -1;
	ms = jarr(root, "manifests");
	for (size_t i = 0; i < jlen(ms); i++) {
		struct json_object *d = json_object_array_get_idx(ms, i), *p = jget(d, "platform");
		int64_t size;
		if (manifest_check_desc(d, "image index", &size, err) < 0)
			return -1;
		if (platform_match(d, want) == 1 && best == NULL)
			best = d;
		if (p != NULL && jstr(p, "os") && jstr(p, "architecture")) {
			char *n = xasprintf("%s%s%s/%s%s%s", have ? have : "", have ? ", " : "",
					    jstr(p, "os"), jstr(p, "architecture"),
					    jstr(p, "variant") ? "/" : "",
					    jstr(p, "variant") ? jstr(p, "variant") : "");
			free(have);
			have = n;
		}
	}
	if (best == NULL) {
		if (have)
			text_scrub(have);
		return werr_set(
		    err, 0, "no image found in image index for architecture %s (it has: %.400s)",
		    platform_string(want), have ? have : "none");
	}
	if (!digest_valid(jstr(best, "digest")))
		return werr_set(err, 0, "image index: invalid digest for %s",
				platform_string(want));
	*digest = jstrdup(best, "digest");
	return 0;
}
