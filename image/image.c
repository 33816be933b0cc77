/* image.c - images in the store: lookup by name or id, tag, remove, and
 * the image config fields the runtime needs. Loading and importing
 * archives lives in archive.c. */
#include "engine/events.h"
#include "image/image.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "image/manifest_list.h"
#include "image/ref.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/util.h"
#include "storage/blobs.h"
#include "storage/layer.h"
#include "storage/layerhold.h"
#include "storage/mountpoints.h"
#include "storage/pool.h"

/* True when ref can only be an image id or id prefix. */
static bool looks_like_id(const char *ref)
{
	size_t n = strlen(ref);

	if (str_has_prefix(ref, "sha256:"))
		return true;
	return n >= 3 && n <= DIGEST_HEX_LEN && str_is_hex(ref, n);
}

/* The path the user typed, without tag or digest ("foo/bar:1" -> "foo/bar"). */
static char *user_path(const char *ref)
{
	const char *at = strchr(ref, '@');
	char *p = at ? xstrndup(ref, (size_t)(at - ref)) : xstrdup(ref);
	char *slash = strrchr(p, '/');
	char *colon = strrchr(slash ? slash : p, ':');

	if (colon)
		*colon = '\0';
	return p;
}

/* Does stored name match reference r? A short reference (path = what the
 * user typed) matches any repository ending in "/path"; a full one (path =
 * NULL) only its own repository. With a digest the manifest digest must
 * match, else the tag. */
static bool name_matches(const char *name, const char *path, const struct image_ref *r,
			 const struct image_rec *rec)
{
	cleanup_free char *repo = NULL, *tag = NULL, *want = NULL;

	ref_split_name(name, &repo, &tag);
	if (path) {
		want = xasprintf("/%s", path);
		if (!str_has_suffix(repo, want))
			return false;
	} else {
		want = ref_repo(r);
		if (strcmp(repo, want) != 0)
			return false;
	}
	if (r->digest)
		return strv_contains(rec->digests, r->digest);
	return strcmp(tag, r->tag) == 0;
}

/* Scans every image for r (see name_matches); 1 found, 0 none, -1
 * ambiguous. *matched gets the stored name that matched. */
static int lookup_scan(struct store *s, const char *ref, const char *path,
		       const struct image_ref *r, struct image_rec *out, char **matched,
		       struct werr *err)
{
	struct image_rec *v = NULL;
	size_t n = 0, found = 0, first = 0;
	cleanup_strv char **hits = NULL;
	char *hit_name = NULL;

	if (store_image_list(s, &v, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		for (char **nm = v[i].names; nm && *nm; nm++) {
			if (!name_matches(*nm, path, r, &v[i]))
				continue;
			if (found++ == 0) {
				first = i;
				hit_name = *nm;
			}
			hits = strv_append(hits, *nm);
			break; /* one name per image is enough */
		}
	}
	if (found > 1) {
		cleanup_free char *list = strv_join(hits, ", ");
		image_recs_free(v, n);
		return werr_set(err, 0,
				"short name '%s' matches several images: %s: use a full name", ref,
				list);
	}
	if (found == 1) {
		*matched = xstrdup(hit_name);
		*out = v[first];
		v[first] = (struct image_rec){0};
	}
	image_recs_free(v, n);
	return found == 1;
}

/* Like image_lookup; *matched (may be NULL) gets the full name that
 * matched, or NULL when the image was found by id. */
static int lookup(struct engine *e, const char *ref, struct image_rec *out, char **matched,
		  struct werr *err)
{
	struct store *s = engine_store(e, err);
	struct image_ref r = {0};
	cleanup_free char *full = NULL, *local = NULL, *hit = NULL;
	int rc;

	if (s == NULL)
		return -1;
	if (looks_like_id(ref)) {
		const char *id = str_has_prefix(ref, "sha256:") ? ref + 7 : ref;
		if (id != ref && (strlen(id) != DIGEST_HEX_LEN || !str_is_hex(id, strlen(id))))
			return werr_set(err, 0, "%s: invalid format: no 64-byte hexadecimal value",
					ref); /* Podman's words */
		rc = store_image_get(s, id, out, err);
		if (rc != 0 || str_has_prefix(ref, "sha256:"))
			goto done;
	}
	if (ref_parse(ref, &r, err) < 0)
		return -1;
	full = ref_string(&r);
	rc = store_image_get(s, full, out, err);
	if (rc == 1)
		hit = xstrdup(full);
	if (rc == 0 && ref_is_short(ref)) {
		cleanup_free char *path = user_path(ref);
		local = r.digest ? xasprintf("localhost/%s@%s", path, r.digest)
				 : xasprintf("localhost/%s:%s", path, r.tag);
		rc = store_image_get(s, local, out, err);
		if (rc == 1)
			hit = xstrdup(local);
		else if (rc == 0)
			rc = lookup_scan(s, ref, path, &r, out, &hit, err);
	} else if (rc == 0 && r.digest) {
		/* names are stored with tags: find the digest among the repository's images */
		rc = lookup_scan(s, ref, NULL, &r, out, &hit, err);
	}
	ref_free(&r);
done:
	if (rc == 1 && matched)
		*matched = steal_pointer(&hit);
	return rc;
}

static bool instance_here(const char *id, void *ud)
{
	struct image_rec r = {0};
	bool ok = store_image_get(ud, id, &r, NULL) == 1 && !r.list;

	image_rec_free(&r);
	return ok;
}

/* A list found where an image is wanted stands for its instance for this
 * platform, when that is a local image (as Podman's image lookup does):
 * rec becomes that image. 1, or -1 with Podman's error. */
static int resolve_list(struct engine *e, struct image_rec *rec, struct werr *err)
{
	struct store *s = engine_store(e, err);
	struct image_rec inst = {0};
	struct mlist l = {0};
	int i, rc;

	if (!rec->list)
		return 1;
	if (s == NULL || mlist_parse(rec->instances, &l, err) < 0)
		return -1;
	i = mlist_pick_local(&l, instance_here, s, err);
	rc = i < 0 ? -1 : store_image_get(s, l.v[i].image_id, &inst, err);
	mlist_free(&l);
	if (rc == 0)
		rc = werr_set(err, 0, "%s: image not known", rec->id);
	if (rc < 0)
		return -1;
	image_rec_free(rec);
	*rec = inst;
	return 1;
}

/* Finds an image by name, short name, id or id prefix; see image.h. */
int image_lookup(struct engine *e, const char *ref, struct image_rec *out, struct werr *err)
{
	return image_lookup_name(e, ref, out, NULL, err);
}

/* Finds an image and the full name it was found by; see image.h. */
int image_lookup_name(struct engine *e, const char *ref, struct image_rec *out, char **matched,
		      struct werr *err)
{
	struct image_rec rec = {0};
	char *name = NULL;
	int rc = lookup(e, ref, &rec, &name, err);

	if (rc == 1 && resolve_list(e, &rec, err) < 0) {
		image_rec_free(&rec);
		free(name);
		return -1;
	}
	if (rc == 1) {
		*out = rec;
		if (matched)
			*matched = name;
		else
			free(name);
	}
	return rc;
}

/* Finds an image or a manifest list; see image.h. */
int image_lookup_list(struct engine *e, const char *ref, struct image_rec *out, struct werr *err)
{
	return lookup(e, ref, out, NULL, err);
}

/* Normalizes a name the user gives a new image; see image.h. */
char *image_local_name(const char *ref, struct werr *err)
{
	cleanup_free char *s = NULL;
	struct image_ref r;
	char *out;

	s = ref_is_short(ref) ? xasprintf("localhost/%s", ref) : xstrdup(ref);
	if (ref_parse(s, &r, err) < 0)
		return NULL;
	if (r.digest) {
		ref_free(&r);
		werr_set(err, 0, "'%s': a digest cannot be used as a tag", ref);
		return NULL;
	}
	out = ref_string(&r);
	ref_free(&r);
	return out;
}

/* Adds a name to an image; see image.h. */
void image_event(struct engine *e, const char *status, const char *id, const char *name)
{
	struct event ev = {
	    .type = "image", .status = status, .id = id, .name = name, .exit_code = -1};
	event_log(e, &ev);
}

int image_tag(struct engine *e, const char *ref, const char *new_ref, struct werr *err)
{
	struct image_rec rec = {0};
	cleanup_free char *name = NULL;
	int rc;

	name = image_local_name(new_ref, err);
	if (name == NULL) /* Podman's words (which name it twice) */
		return werr_wrap(err, "normalizing name \"%s\"", new_ref);
	rc = image_lookup_list(e, ref, &rec, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return werr_set(err, 0, "%s: image not known", ref);
	rc = rec.ro_store
		 ? werr_set(err, EROFS, "image is in the read-only store '%s'", rec.ro_store)
		 : store_image_tag(engine_store(e, err), rec.id, name, err);
	if (rc == 0)
		image_event(e, "tag", rec.id, name);
	image_rec_free(&rec);
	return rc < 0 ? werr_wrap(err, "tag '%s'", new_ref) : 0;
}

/* The first container using image id, for the "in use" message (malloc'd). */
static char *first_user(struct store *s, const char *image_id)
{
	struct container_rec *v = NULL;
	struct werr ignored = {0};
	size_t n = 0;
	char *id = NULL;

	if (store_container_list(s, &v, &n, &ignored) < 0)
		return xstrdup("a container");
	for (size_t i = 0; i < n && id == NULL; i++)
		if (v[i].image_id && strcmp(v[i].image_id, image_id) == 0)
			id = xstrdup(v[i].id);
	container_recs_free(v, n);
	return id ? id : xstrdup("a container");
}

/* The blob digest of each layer ("" for none), read before the layer rows
 * go: the same length as layers. */
static char **layer_blobs(struct store *s, char *const *layers)
{
	char **v = xcalloc(strv_len(layers) + 1, sizeof(char *));

	for (size_t i = 0; layers && layers[i]; i++) {
		struct layer_blob b;
		v[i] = xstrdup(store_layer_blob(s, layers[i], &b, NULL) == 1 ? b.digest : "");
	}
	return v;
}

/* Deletes the record of image rec, *unused the layers no other image
 * uses, unless a reader of this store as a read-only image store holds
 * one of those (storage/layerhold.h: its container runs on it): then
 * nothing changes and the error is Podman's for an image in use (exit 2).
 * The caller holds the layers lock: no reader takes a new hold meanwhile. */
static int delete_unless_held(struct engine *e, struct store *s, const struct image_rec *rec,
			      char ***unused, struct werr *err)
{
	cleanup_free char *dir = xasprintf("%s/layers", e->root);
	cleanup_close int lfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	const char *held = NULL;

	if (store_begin(s, err) < 0)
		return -1;
	if (store_image_delete(s, rec->id, unused, err) < 0) {
		store_rollback(s);
		return -1;
	}
	for (char **l = *unused; lfd >= 0 && l && *l && held == NULL; l++)
		if (layer_held_by_reader(lfd, digest_hex(*l)))
			held = *l;
	if (held == NULL)
		return store_commit(s, err);
	store_rollback(s);
	werr_set(err, 0,
		 "image used by a container of another store (a user of this store as a "
		 "read-only image store runs on its layer %.19s): image is in use by a container: "
		 "stop that container first",
		 held);
	strv_free(steal_pointer(unused));
	return werr_status(err, 2);
}

/* Deletes the image rec (all names) and its unused layers and their blobs. */
static int delete_image(struct engine *e, struct store *s, const struct image_rec *rec, bool force,
			container_remover rm_ctrs, struct werr *err)
{
	cleanup_strv char **unused = NULL, **blobs = NULL;
	cleanup_close int lock = -1;
	int users;

	if (rec->ro_store != NULL) /* Podman's words; the store is someone else's */
		return werr_set(err, 0, "cannot remove read-only image \"%s\"", rec->id);
	users = store_image_users(s, rec->id, err);
	if (users < 0)
		return -1;
	if (users > 0 && !force) {
		cleanup_free char *ctr = first_user(s, rec->id);
		werr_set(
		    err, 0,
		    "image used by %s: image is in use by a container: consider listing external "
		    "containers and force-removing image",
		    ctr);
		return werr_status(err, 2);
	}
	if (users > 0 && rm_ctrs && rm_ctrs(e, rec->id, err) < 0)
		return -1;
	/* a running load may have found these layers and reuse them */
	lock = image_layers_lock(e, true, err);
	if (lock < 0)
		return -1;
	blobs = layer_blobs(s, rec->layers);
	if (delete_unless_held(e, s, rec, &unused, err) < 0)
		return -1;
	rootfs_pool_drain(e, rec->layers);
	/* no other image shares a layer: none can share the mount-point layer */
	if (strv_len(unused) == strv_len(rec->layers))
		mountpoints_forget(e, rec->layers);
	for (char **l = unused; l && *l; l++) {
		struct werr lerr = {0};
		size_t i = 0;
		if (layer_remove(e, *l, &lerr) < 0)
			log_warn("%s", lerr.msg);
		/* its blob goes with it (a blob belongs to one diff_id) */
		while (rec->layers[i] != NULL && strcmp(rec->layers[i], *l) != 0)
			i++;
		if (rec->layers[i] != NULL && blobs[i][0] != '\0' &&
		    blob_remove(e, blobs[i], &lerr) < 0)
			log_warn("%s", lerr.msg);
	}
	return 0;
}

/* Untags a name or deletes an image; see image.h. */
int image_remove(struct engine *e, const char *ref, bool force, container_remover rm_ctrs,
		 char ***untagged, char ***deleted, struct werr *err)
{
	struct store *s = engine_store(e, err);
	struct image_rec rec = {0};
	cleanup_free char *matched = NULL;
	cleanup_strv char **unt = NULL, **del = NULL;
	size_t nnames;
	int rc;

	if (s == NULL)
		return -1;
	rc = lookup(e, ref, &rec, &matched, err);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		werr_set(err, 0, "%s: image not known", ref);
		return werr_status(err, 1);
	}
	nnames = rec.ro_store ? 0 : strv_len(rec.names); /* ro: delete_image refuses */
	if (matched && nnames > 1) {
		rc = store_image_untag(s, rec.id, matched, err);
		unt = strv_append(unt, matched);
	} else if (!matched && nnames > 1 && !force) {
		cleanup_free char *list = strv_join(rec.names, " ");
		rc = werr_set(err, 0,
			      "unable to delete image \"%s\" by ID with more than one tag ([%s]): "
			      "please force removal",
			      rec.id, list);
	} else {
		rc = delete_image(e, s, &rec, force, rm_ctrs, err);
		for (char **nm = rec.names; rc == 0 && nm && *nm; nm++)
			unt = strv_append(unt, *nm);
		if (rc == 0)
			del = strv_append(del, rec.id);
	}
	for (char **nm = unt; rc == 0 && nm && *nm; nm++)
		image_event(e, "untag", rec.id, *nm);
	if (rc == 0 && del)
		image_event(e, "remove", rec.id, rec.names && rec.names[0] ? rec.names[0] : NULL);
	image_rec_free(&rec);
	if (rc < 0)
		return -1;
	if (untagged)
		*untagged = unt ? steal_pointer(&unt) : xcalloc(1, sizeof(char *));
	if (deleted)
		*deleted = del ? steal_pointer(&del) : xcalloc(1, sizeof(char *));
	return 0;
}

/* Removes names of an image; see image.h. */
int image_untag(struct engine *e, const char *ref, char *const *names, struct werr *err)
{
	struct store *s = engine_store(e, err);
	struct image_rec rec = {0};
	int rc;

	if (s == NULL)
		return -1;
	rc = image_lookup_list(e, ref, &rec, err);
	if (rc <= 0)
		return rc < 0 ? -1 : werr_set(err, 0, "%s: image not known", ref);
	if (rec.ro_store != NULL) {
		werr_set(err, EROFS, "untag '%s': image is in the read-only store '%s'", ref,
			 rec.ro_store);
		image_rec_free(&rec);
		return -1;
	}
	for (size_t i = 0; rc >= 0 && names && names[i]; i++) {
		cleanup_free char *name = image_local_name(names[i], err);
		if (name == NULL) /* Podman's words (which name it twice) */
			rc = werr_wrap(err, "normalizing name \"%s\": normalizing name \"%s\"",
				       names[i], names[i]);
		else if (!strv_contains(rec.names, name))
			rc = werr_set(err, 0, "%s: tag not known", name);
		else
			rc = store_image_untag(s, rec.id, name, err);
	}
	for (size_t i = 0; rc >= 0 && !names && rec.names && rec.names[i]; i++)
		rc = store_image_untag(s, rec.id, rec.names[i], err);
	image_rec_free(&rec);
	return rc < 0 ? -1 : 0;
}

/* Deletes an image (all its names) that no container uses; see image.h. */
int image_delete(struct engine *e, const char *id, struct werr *err)
{
	struct store *s = engine_store(e, err);
	struct image_rec rec = {0};
	int rc;

	if (s == NULL)
		return -1;
	rc = store_image_get(s, id, &rec, err);
	if (rc == 0)
		rc = werr_set(err, 0, "%s: image not known", id);
	else if (rc > 0)
		rc = delete_image(e, s, &rec, false, NULL, err);
	image_rec_free(&rec);
	return rc;
}

/* A config field that is a list of strings, or null / absent (*out NULL);
 * with one_string, a lone string is the list of that one string (Docker
 * accepts `"Cmd": "echo hi"`). -1 for any other type. */
static int json_strv(struct json_object *o, const char *key, bool one_string, char ***out)
{
	struct json_object *arr;
	char **v;
	size_t n;

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &arr) || arr == NULL)
		return 0;
	if (one_string && json_object_is_type(arr, json_type_string)) {
		*out = strv_append(NULL, json_object_get_string(arr));
		return 0;
	}
	if (!json_object_is_type(arr, json_type_array))
		return -1;
	n = json_object_array_length(arr);
	v = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		struct json_object *s = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(s, json_type_string)) {
			strv_free(v);
			return -1;
		}
		v[i] = xstrdup(json_object_get_string(s));
	}
	*out = v;
	return 0;
}

/* A string config field, or null / absent (*out NULL); -1 for another type. */
static int json_str(struct json_object *o, const char *key, char **out)
{
	struct json_object *v;

	*out = NULL;
	if (o == NULL || !json_object_object_get_ex(o, key, &v) || v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return -1;
	*out = xstrdup(json_object_get_string(v));
	return 0;
}

/* The fields of "config", each of the type the image spec gives it. */
static int config_fields(struct json_object *cfg, struct image_config *c, struct werr *err)
{
	struct json_object *hc;

	if (json_strv(cfg, "Env", false, &c->env) < 0)
		return werr_set(err, 0, "image config: 'config.Env' is not a list of strings");
	if (json_strv(cfg, "Entrypoint", true, &c->entrypoint) < 0)
		return werr_set(err, 0,
				"image config: 'config.Entrypoint' is not a list of strings");
	if (json_strv(cfg, "Cmd", true, &c->cmd) < 0)
		return werr_set(err, 0, "image config: 'config.Cmd' is not a list of strings");
	if (json_str(cfg, "WorkingDir", &c->workdir) < 0)
		return werr_set(err, 0, "image config: 'config.WorkingDir' is not a string");
	if (json_str(cfg, "User", &c->user) < 0)
		return werr_set(err, 0, "image config: 'config.User' is not a string");
	if (json_str(cfg, "StopSignal", &c->stop_signal) < 0)
		return werr_set(err, 0, "image config: 'config.StopSignal' is not a string");
	/* kept as text: runtime/health.h checks and merges it with the flags */
	hc = jget(cfg, "Healthcheck");
	if (hc != NULL && json_object_is_type(hc, json_type_object))
		c->healthcheck =
		    xstrdup(json_object_to_json_string_ext(hc, JSON_C_TO_STRING_PLAIN));
	return 0;
}

/* Parses the runtime fields of an image config JSON; see image.h. */
int image_config_parse(const char *json, struct image_config *out, struct werr *err)
{
	cleanup_json struct json_object *root = NULL;
	struct json_object *cfg = NULL;
	struct image_config c = {0};

	root = json_tokener_parse(json ? json : "");
	if (root == NULL || !json_object_is_type(root, json_type_object))
		return werr_set(err, 0, "image config: invalid JSON");
	if (json_object_object_get_ex(root, "config", &cfg) && cfg != NULL &&
	    !json_object_is_type(cfg, json_type_object))
		return werr_set(err, 0, "image config: 'config' is not an object");
	if (cfg != NULL && config_fields(cfg, &c, err) < 0)
		goto fail;
	if (json_str(root, "architecture", &c.arch) < 0 || json_str(root, "os", &c.os) < 0) {
		werr_set(err, 0, "image config: 'architecture' or 'os' is not a string");
		goto fail;
	}
	*out = c;
	return 0;
fail:
	image_config_free(&c);
	return -1;
}

/* Frees the members of c. */
void image_config_free(struct image_config *c)
{
	if (c == NULL)
		return;
	strv_free(c->env);
	strv_free(c->entrypoint);
	strv_free(c->cmd);
	free(c->workdir);
	free(c->user);
	free(c->stop_signal);
	free(c->healthcheck);
	free(c->arch);
	free(c->os);
	*c = (struct image_config){0};
}

/* Parses RFC 3339 ("2024-01-02T03:04:05.123456789Z", or with an offset
 * "+02:00") into ns since the epoch; see image.h. */
int image_parse_time(const char *s, int64_t *ns)
{
	struct tm tm = {0};
	const char *p;
	int64_t frac = 0, scale = 1000000000LL, off = 0;
	time_t t;

	if (s == NULL || (p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL)
		return -1;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (scale > 1) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
		}
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int hh, mm;
		if (sscanf(p + 1, "%2d:%2d", &hh, &mm) != 2 || strlen(p) != 6)
			return -1;
		off = (hh * 3600 + mm * 60) * (*p == '+' ? 1 : -1);
		p += 6;
	} else {
		return -1;
	}
	if (*p != '\0')
		return -1;
	errno = 0;
	t = timegm(&tm);
	if (t == (time_t)-1 && errno == EOVERFLOW)
		return -1;
	/* ns since 1970 in an int64 reach the years 1677 to 2262 */
	if ((int64_t)t - off > INT64_MAX / 1000000000LL - 1 ||
	    (int64_t)t - off < INT64_MIN / 1000000000LL + 1)
		return -1;
	*ns = ((int64_t)t - off) * 1000000000LL + frac;
	return 0;
}
