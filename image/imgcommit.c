/* imgcommit.c - images made from a layer tar and a config; the config
 * changes of Containerfile instructions. See imgcommit.h. */
#include "image/imgcommit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/manifest.h"
#include "lib/cleanup.h"
#include "lib/godur.h"
#include "lib/json.h"
#include "lib/signame.h"
#include "lib/util.h"
#include "storage/layer.h"
#include "storage/layertar.h"

/* ---- config changes ---- */

static struct json_object *config_obj(struct json_object *root)
{
	struct json_object *c = jget(root, "config");

	if (c == NULL || !json_object_is_type(c, json_type_object)) {
		c = json_object_new_object();
		jset(root, "config", c);
	}
	return c;
}

const char *image_config_env(void *root, const char *name)
{
	struct json_object *env = jget(jget(root, "config"), "Env");
	size_t n = strlen(name);

	for (size_t i = 0; i < jlen(env); i++) {
		const char *kv = json_object_get_string(json_object_array_get_idx(env, i));
		if (kv && strncmp(kv, name, n) == 0 && kv[n] == '=')
			return kv + n + 1;
	}
	return NULL;
}

/* Sets KEY=VAL in Env, replacing an entry of the same key in place. */
static void env_set(struct json_object *cfg, const char *key, const char *val)
{
	struct json_object *env = jget(cfg, "Env");
	cleanup_free char *kv = xasprintf("%s=%s", key, val);
	size_t n = strlen(key);

	if (env == NULL || !json_object_is_type(env, json_type_array)) {
		env = json_object_new_array();
		jset(cfg, "Env", env);
	}
	for (size_t i = 0; i < jlen(env); i++) {
		const char *e = json_object_get_string(json_object_array_get_idx(env, i));
		if (e && strncmp(e, key, n) == 0 && e[n] == '=') {
			json_object_array_put_idx(env, i, json_object_new_string(kv));
			return;
		}
	}
	json_object_array_add(env, json_object_new_string(kv));
}

/* The exec form of CMD/ENTRYPOINT/RUN: its JSON array, or the config's
 * Shell (default /bin/sh -c) with the text. */
static struct json_object *exec_form(struct json_object *cfg, const struct cf_instr *in)
{
	struct json_object *shell = jget(cfg, "Shell");
	cleanup_strv char **v = NULL;

	if (in->json)
		return jnew_strv(in->json);
	if (jlen(shell) > 0)
		v = jstrv(shell);
	else
		v = strv_append(strv_append(NULL, "/bin/sh"), "-c");
	v = strv_append(v, in->rest);
	return jnew_strv(v);
}

static int change_pairs(struct json_object *cfg, const struct cf_instr *in, char escape,
			cf_lookup_fn fn, void *ud, struct werr *err)
{
	char **keys = NULL, **vals = NULL;
	size_t n = 0;
	bool env = strcmp(in->cmd, "ENV") == 0;
	struct json_object *labels = jget(cfg, "Labels");

	if (cf_pairs(in, escape, fn, ud, &keys, &vals, &n, err) < 0)
		return -1;
	if (!env && (labels == NULL || !json_object_is_type(labels, json_type_object))) {
		labels = json_object_new_object();
		jset(cfg, "Labels", labels);
	}
	for (size_t i = 0; i < n; i++) {
		if (env)
			env_set(cfg, keys[i], vals[i] ? vals[i] : "");
		else
			jset_str(labels, keys[i], vals[i] ? vals[i] : "");
	}
	strv_free(keys);
	cf_vals_free(vals, n);
	return 0;
}

/* "80", "80/tcp", "53/udp", "8000-8002" -> ExposedPorts keys. */
static int change_expose(struct json_object *cfg, char *const *words, struct werr *err)
{
	struct json_object *ports = jget(cfg, "ExposedPorts");

	if (ports == NULL || !json_object_is_type(ports, json_type_object)) {
		ports = json_object_new_object();
		jset(cfg, "ExposedPorts", ports);
	}
	for (size_t i = 0; words[i]; i++) {
		const char *slash = strchr(words[i], '/');
		cleanup_free char *num =
		    slash ? xstrndup(words[i], (size_t)(slash - words[i])) : xstrdup(words[i]);
		const char *proto = slash ? slash + 1 : "tcp";
		unsigned lo = 0, hi = 0;
		char *end;
		int k = 0;

		lo = (unsigned)strtoul(num, &end, 10);
		hi = lo;
		if (*end == '-')
			hi = (unsigned)strtoul(end + 1, &end, 10);
		if (num[0] < '0' || num[0] > '9' || *end || lo == 0 || hi > 65535 || hi < lo ||
		    (strcmp(proto, "tcp") != 0 && strcmp(proto, "udp") != 0 &&
		     strcmp(proto, "sctp") != 0))
			return werr_set(err, 0, "invalid port '%s' in EXPOSE", words[i]);
		for (unsigned p = lo; p <= hi && k < 65536; p++, k++) {
			char key[32];
			snprintf(key, sizeof(key), "%u/%s", p, proto);
			jset(ports, key, json_object_new_object());
		}
	}
	return 0;
}

static int change_volume(struct json_object *cfg, char *const *words, struct werr *err)
{
	struct json_object *vols = jget(cfg, "Volumes");

	if (vols == NULL || !json_object_is_type(vols, json_type_object)) {
		vols = json_object_new_object();
		jset(cfg, "Volumes", vols);
	}
	for (size_t i = 0; words[i]; i++) {
		if (words[i][0] == '\0')
			return werr_set(err, 0, "VOLUME specified can not be an empty string");
		jset(vols, words[i], json_object_new_object());
	}
	return 0;
}

/* WORKDIR: relative to the current one. */
static void change_workdir(struct json_object *cfg, const char *dir)
{
	const char *cur = jstr(cfg, "WorkingDir");
	cleanup_free char *p = NULL;

	if (dir[0] == '/' || cur == NULL || cur[0] == '\0')
		p = xasprintf("%s%s", dir[0] == '/' ? "" : "/", dir);
	else
		p = xasprintf("%s%s%s", cur, str_has_suffix(cur, "/") ? "" : "/", dir);
	jset_str(cfg, "WorkingDir", p);
}

static int health_dur(const struct cf_instr *in, const char *flag, const char *key,
		      struct json_object *hc, struct werr *err)
{
	const char *v = cf_flag(in, flag);
	int64_t ns;

	if (v == NULL)
		return 0;
	if (godur_parse(v, &ns, err) < 0)
		return werr_wrap(err, "HEALTHCHECK --%s", flag);
	jset(hc, key, json_object_new_int64(ns));
	return 0;
}

/* HEALTHCHECK [--interval=D --timeout=D --start-period=D --retries=N] CMD ... | NONE */
static int change_health(struct json_object *cfg, const struct cf_instr *in, struct werr *err)
{
	cleanup_json struct json_object *hc = json_object_new_object();
	cleanup_strv char **test = NULL;
	cleanup_strv char **json = NULL;
	const char *r = in->rest, *retries = cf_flag(in, "retries");

	if (strncasecmp(r, "NONE", 4) == 0 && r[4] == '\0') {
		test = strv_append(NULL, "NONE");
	} else if (strncasecmp(r, "CMD", 3) == 0 && (r[3] == ' ' || r[3] == '\t')) {
		r += 3 + strspn(r + 3, " \t");
		cleanup_json struct json_object *arr = r[0] == '[' ? json_tokener_parse(r) : NULL;
		json = json_object_is_type(arr, json_type_array) ? jstrv(arr) : NULL;
		if (json && json[0]) {
			test = strv_append(NULL, "CMD");
			for (size_t i = 0; json[i]; i++)
				test = strv_append(test, json[i]);
		} else {
			test = strv_append(strv_append(NULL, "CMD-SHELL"), r);
		}
	} else {
		return werr_set(err, 0, "HEALTHCHECK must be NONE or CMD ..., not '%s'", r);
	}
	jset(hc, "Test", jnew_strv(test));
	if (health_dur(in, "interval", "Interval", hc, err) < 0 ||
	    health_dur(in, "timeout", "Timeout", hc, err) < 0 ||
	    health_dur(in, "start-period", "StartPeriod", hc, err) < 0)
		return -1;
	if (retries) {
		char *end;
		long n = strtol(retries, &end, 10);
		if (*retries == '\0' || *end || n < 0 || n > 1000000)
			return werr_set(err, 0, "HEALTHCHECK --retries: bad number '%s'", retries);
		jset(hc, "Retries", json_object_new_int((int)n));
	}
	jset(cfg, "Healthcheck", json_object_get(hc));
	return 0;
}

/* The one-word instructions: WORKDIR, USER, STOPSIGNAL, MAINTAINER. */
static int change_word(struct json_object *root, struct json_object *cfg, const char *cmd,
		       const char *w, struct werr *err)
{
	if (strcmp(cmd, "WORKDIR") == 0) {
		if (w[0] == '\0')
			return werr_set(err, 0, "WORKDIR can not be empty");
		change_workdir(cfg, w);
	} else if (strcmp(cmd, "USER") == 0) {
		jset_str(cfg, "User", w);
	} else if (strcmp(cmd, "STOPSIGNAL") == 0) {
		if (signal_parse(w) <= 0)
			return werr_set(err, 0, "STOPSIGNAL: invalid signal '%s'", w);
		jset_str(cfg, "StopSignal", w);
	} else { /* MAINTAINER */
		jset_str(root, "author", w);
	}
	return 0;
}

int image_config_change(struct json_object *root, const struct cf_instr *in, char escape,
			cf_lookup_fn fn, void *ud, struct werr *err)
{
	struct json_object *cfg = config_obj(root);
	const char *c = in->cmd;
	cleanup_strv char **words = NULL;

	if (fn == NULL)
		fn = image_config_env, ud = root;
	if (strcmp(c, "ENV") == 0 || strcmp(c, "LABEL") == 0)
		return change_pairs(cfg, in, escape, fn, ud, err);
	if (strcmp(c, "CMD") == 0 || strcmp(c, "ENTRYPOINT") == 0) {
		jset(cfg, c[0] == 'C' ? "Cmd" : "Entrypoint", exec_form(cfg, in));
		return 0;
	}
	if (strcmp(c, "SHELL") == 0) {
		jset(cfg, "Shell", jnew_strv(in->json));
		return 0;
	}
	if (strcmp(c, "HEALTHCHECK") == 0)
		return change_health(cfg, in, err);
	if (strcmp(c, "ONBUILD") == 0) {
		struct json_object *ob = jget(cfg, "OnBuild");
		if (ob == NULL || !json_object_is_type(ob, json_type_array)) {
			ob = json_object_new_array();
			jset(cfg, "OnBuild", ob);
		}
		json_object_array_add(ob, json_object_new_string(in->rest));
		return 0;
	}
	bool multi = strcmp(c, "EXPOSE") == 0 || strcmp(c, "VOLUME") == 0;
	if (!multi && strcmp(c, "WORKDIR") != 0 && strcmp(c, "USER") != 0 &&
	    strcmp(c, "STOPSIGNAL") != 0 && strcmp(c, "MAINTAINER") != 0)
		return werr_set(err, 0, "invalid instruction %s", c);
	if (strcmp(c, "VOLUME") == 0 && in->json)
		return change_volume(cfg, in->json, err);
	if (cf_words(in->rest, escape, multi, fn, ud, &words, err) < 0)
		return -1;
	if (strcmp(c, "EXPOSE") == 0)
		return change_expose(cfg, words, err);
	if (strcmp(c, "VOLUME") == 0)
		return change_volume(cfg, words, err);
	return change_word(root, cfg, c, words[0], err);
}

/* ---- storing a new image ---- */

struct json_object *image_config_base(const struct image_rec *parent, struct werr *err)
{
	struct json_object *root;

	if (parent != NULL) {
		root = jparse(parent->config, "image config", err);
		if (root == NULL)
			return NULL;
		if (!json_object_is_type(root, json_type_object)) {
			json_object_put(root);
			werr_set(err, 0, "image config of %.12s is not an object", parent->id);
			return NULL;
		}
		return root;
	}
	root = json_object_new_object();
	jset_str(root, "architecture", platform_arch());
	jset_str(root, "os", "linux");
	jset(root, "config", json_object_new_object());
	return root;
}

/* Adds the history entry and the diff_id to the config, sets created. */
static void complete_config(const struct image_new *n, const char *diff_id, int64_t now)
{
	struct json_object *root = n->config, *rootfs = jget(root, "rootfs");
	struct json_object *ids, *hist = jget(root, "history"), *h = json_object_new_object();
	char when[48];

	format_rfc3339(now, when, sizeof(when));
	jset_str(root, "created", when);
	if (n->author && *n->author)
		jset_str(root, "author", n->author);
	if (rootfs == NULL || !json_object_is_type(rootfs, json_type_object)) {
		rootfs = json_object_new_object();
		jset(root, "rootfs", rootfs);
	}
	jset_str(rootfs, "type", "layers");
	ids = jget(rootfs, "diff_ids");
	if (ids == NULL || !json_object_is_type(ids, json_type_array)) {
		ids = json_object_new_array();
		jset(rootfs, "diff_ids", ids);
	}
	if (diff_id)
		json_object_array_add(ids, json_object_new_string(diff_id));
	if (n->no_history) {
		json_object_put(h);
		return;
	}
	if (hist == NULL || !json_object_is_type(hist, json_type_array)) {
		hist = json_object_new_array();
		jset(root, "history", hist);
	}
	jset_str(h, "created", when);
	jset_str(h, "created_by", n->created_by ? n->created_by : "");
	if (n->author && *n->author)
		jset_str(h, "author", n->author);
	if (n->comment && *n->comment)
		jset_str(h, "comment", n->comment);
	if (diff_id == NULL)
		jset(h, "empty_layer", json_object_new_boolean(true));
	json_object_array_add(hist, h);
}

/* Extracts the layer tar of n (unless that layer is there already). */
static int add_layer(struct engine *e, const struct image_new *n, char diff_id[DIGEST_STR_LEN],
		     int64_t *size, struct layer_blob *blob, struct werr *err)
{
	struct layer_src src = {.fd = n->layer_fd, .length = -1, .keep_blob = true};
	struct layer_info li;
	int64_t tar_size;

	if (layer_tar_digest(n->layer_fd, diff_id, &tar_size, err) < 0)
		return -1;
	if (layer_extract_info(e, &src, NULL, diff_id, &li, err) < 0)
		return -1;
	*size = li.size;
	if (li.size < 0 && store_layer_size(e->store, diff_id, size, err) < 0)
		return -1;
	if (*size < 0)
		*size = 0;
	if (li.blob_kept) {
		memcpy(blob->digest, li.blob, DIGEST_STR_LEN);
		blob->size = li.blob_size;
		snprintf(blob->media_type, sizeof(blob->media_type), "%s",
			 layer_media_type(LAYER_PLAIN));
	}
	return 0;
}

/* Adopts the layer dir of n (its tar written once, as the blob). */
static int adopt_layer(struct engine *e, const struct image_new *n, char diff_id[DIGEST_STR_LEN],
		       int64_t *size, struct layer_blob *blob, struct werr *err)
{
	struct layer_info li;

	if (layer_adopt_dir(e, n->layer_dir, n->fixed_time ? n->at / 1000000000 : -1, &li, err) < 0)
		return -1;
	memcpy(diff_id, li.diff_id, DIGEST_STR_LEN);
	*size = li.size;
	memcpy(blob->digest, li.blob, DIGEST_STR_LEN);
	blob->size = li.blob_size;
	snprintf(blob->media_type, sizeof(blob->media_type), "%s", layer_media_type(LAYER_PLAIN));
	return 0;
}

/* A layer already stored (with the layers lock held, no removal can take
 * it meanwhile): its diff_id and size. */
static int reuse_layer(struct engine *e, const char *want, char diff_id[DIGEST_STR_LEN],
		       int64_t *size, struct werr *err)
{
	cleanup_free char *dir = layer_path(e, want);
	int rc = store_layer_exists(e->store, want, err);

	if (rc < 0)
		return -1;
	if (rc == 0 || access(dir, F_OK) < 0)
		return werr_set(err, ENOENT, "layer %s is gone", want);
	snprintf(diff_id, DIGEST_STR_LEN, "%s", want);
	*size = 0;
	return store_layer_size(e->store, want, size, err) < 0 ? -1 : 0;
}

/* The OCI manifest of image r (its config and layer blobs, the new layer
 * diff_id's blob given: it is not recorded yet) with n's annotations, and
 * its digest into r. 0, or -1 when a layer has no blob. */
static int annotated_manifest(struct engine *e, const struct image_new *n, struct image_rec *r,
			      const char *diff_id, const struct layer_blob *blob, struct werr *err)
{
	cleanup_json struct json_object *m = json_object_new_object();
	struct json_object *layers = json_object_new_array(), *c = json_object_new_object();
	char dg[DIGEST_STR_LEN];

	jset(m, "schemaVersion", json_object_new_int(2));
	jset_str(m, "mediaType", MT_OCI_MANIFEST);
	jset_str(c, "mediaType", MT_OCI_CONFIG);
	cleanup_free char *cd = xasprintf("sha256:%s", r->id);
	jset_str(c, "digest", cd);
	jset(c, "size", json_object_new_int64((int64_t)strlen(r->config)));
	jset(m, "config", c);
	jset(m, "layers", layers);
	for (size_t i = 0; r->layers && r->layers[i]; i++) {
		struct layer_blob lb = {0};
		struct json_object *d = json_object_new_object();
		int rc = 1;
		if (diff_id && blob->digest[0] && strcmp(r->layers[i], diff_id) == 0)
			lb = *blob;
		else
			rc = store_layer_blob(e->store, r->layers[i], &lb, err);
		json_object_array_add(layers, d);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return werr_set(err, 0,
					"layer %s has no stored blob: no manifest for the "
					"annotations",
					r->layers[i]);
		jset_str(d, "mediaType", lb.media_type);
		jset_str(d, "digest", lb.digest);
		jset(d, "size", json_object_new_int64(lb.size));
	}
	jset(m, "annotations", json_object_get(n->annotations));
	r->manifest = xstrdup(json_object_to_json_string_ext(
	    m, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	sha256_buf(r->manifest, strlen(r->manifest), dg);
	r->digest = xstrdup(dg);
	return 0;
}

static int record(struct engine *e, const struct image_rec *r, const char *diff_id, int64_t size,
		  const struct layer_blob *blob, struct werr *err)
{
	struct store *s = e->store;

	if (store_begin(s, err) < 0)
		return -1;
	if ((diff_id &&
	     store_layer_add_blob(s, diff_id, size, blob->digest[0] ? blob : NULL, err) < 0) ||
	    store_image_add(s, r, err) < 0) {
		store_rollback(s);
		return -1;
	}
	return store_commit(s, err);
}

int image_commit_new(struct engine *e, const struct image_new *n, char id_out[DIGEST_HEX_LEN + 1],
		     struct werr *err)
{
	struct image_rec r = {0};
	struct layer_blob blob = {0};
	char diff_id[DIGEST_STR_LEN], dg[DIGEST_STR_LEN];
	cleanup_close int lock = -1;
	int64_t size = 0;
	int rc;

	if (engine_store(e, err) == NULL || (lock = image_layers_lock(e, false, err)) < 0)
		return -1;
	if (n->layer_fd >= 0 && add_layer(e, n, diff_id, &size, &blob, err) < 0) {
		image_layers_unlock_failed(e, &lock);
		return -1;
	}
	if (n->layer_fd < 0 && n->layer_dir && adopt_layer(e, n, diff_id, &size, &blob, err) < 0) {
		image_layers_unlock_failed(e, &lock);
		return -1;
	}
	if (n->layer_fd < 0 && !n->layer_dir && n->diff_id &&
	    reuse_layer(e, n->diff_id, diff_id, &size, err) < 0)
		return -1;
	bool made = n->layer_fd >= 0 || n->layer_dir;
	bool layer = made || n->diff_id;
	r.stored = now_ns();
	r.created = n->fixed_time ? n->at : r.stored;
	complete_config(n, layer ? diff_id : NULL, r.created);
	r.config = xstrdup(json_object_to_json_string_ext(
	    n->config, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	sha256_buf(r.config, strlen(r.config), dg);
	memcpy(r.id, digest_hex(dg), DIGEST_HEX_LEN + 1);
	r.layers = n->parent ? strv_copy(n->parent->layers) : xcalloc(1, sizeof(char *));
	if (layer)
		r.layers = strv_append(r.layers, diff_id);
	r.names = n->names ? strv_copy(n->names) : NULL;
	r.size = (n->parent ? n->parent->size : 0) + size;
	rc = n->annotations ? annotated_manifest(e, n, &r, made ? diff_id : NULL, &blob, err) : 0;
	if (rc == 0)
		rc = record(e, &r, made ? diff_id : NULL, size, &blob, err);
	if (rc < 0)
		image_layers_unlock_failed(e, &lock);
	else
		memcpy(id_out, r.id, DIGEST_HEX_LEN + 1);
	image_rec_free(&r);
	return rc;
}
