/* volumes.c - the `volume` commands and the volume serialiser (see
 * volumes.h). Facts (shapes, wording, filters) from podman 4.3.1 runs on
 * this machine; code ours. */
#include "engine/events.h"
#include "runtime/volumes.h"

#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/filter.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/runopts.h"

char *volume_data_path(struct engine *e, const char *name)
{
	return xasprintf("%s/volumes/%s/_data", e->root, name);
}

static int bad_name(const char *name, struct werr *err)
{
	werr_set(err, EINVAL,
		 "running volume create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: "
		 "invalid argument");
	(void)name;
	return werr_status(err, 125);
}

int volume_open_data(struct engine *e, const char *name, struct werr *err)
{
	cleanup_free char *dir = xasprintf("%s/volumes", e->root);
	cleanup_close int vfd = -1, nfd = -1;
	int fd;

	if (!runopts_volume_name_ok(name))
		return bad_name(name, err);
	vfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (vfd >= 0)
		nfd = openat(vfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	fd = nfd < 0 ? -1 : openat(nfd, "_data", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	if (errno == ELOOP || errno == ENOTDIR)
		return werr_set(err, errno,
				"volume %s: '%s/%s/_data' is not a directory (replaced by a "
				"symlink?): refusing to use it",
				name, dir, name);
	return werr_set(err, errno, "volume %s: open '%s/%s/_data'", name, dir, name);
}

/* <root>/volumes/<name>/_data made (0700 / 0755, as Podman's), owned by
 * uid and gid where they are >= 0. */
static int make_data_dir(struct engine *e, const char *name, long uid, long gid, struct werr *err)
{
	cleanup_free char *dir = xasprintf("%s/volumes/%s", e->root, name);
	cleanup_close int fd = -1;

	if (mkdir_p(dir, 0700, err) < 0)
		return -1;
	cleanup_free char *data = volume_data_path(e, name);
	if (mkdir(data, 0755) < 0 && errno != EEXIST)
		return werr_set(err, errno, "mkdir '%s'", data);
	fd = volume_open_data(e, name, err);
	if (fd < 0)
		return -1;
	if ((uid >= 0 || gid >= 0) && fchown(fd, (uid_t)uid, (gid_t)gid) < 0)
		return werr_set(err, errno, "chown '%s'", data);
	return 0;
}

/* "K=V" / "K" into {"K": "V"} ({"K": ""}). */
static struct json_object *labels_json(char *const *labels)
{
	struct json_object *o = json_object_new_object();

	for (size_t i = 0; labels && labels[i]; i++) {
		const char *eq = strchr(labels[i], '=');
		cleanup_free char *k =
		    eq ? xstrndup(labels[i], (size_t)(eq - labels[i])) : xstrdup(labels[i]);
		jset_str(o, k, eq ? eq + 1 : "");
	}
	return o;
}

/* A value of "o=" (uid=N, gid=N): Podman shows them as UID and GID. */
static void o_ids(struct json_object *opts, const char *o)
{
	for (const char *p = o; p && *p;) {
		size_t n = strcspn(p, ",");
		cleanup_free char *w = xstrndup(p, n);
		if (str_has_prefix(w, "uid="))
			jset_str(opts, "UID", w + 4);
		else if (str_has_prefix(w, "gid="))
			jset_str(opts, "GID", w + 4);
		p += n + (p[n] == ',');
	}
}

/* --opt K=V of the local driver, Podman's keys and error. */
static int options_json(char *const *opts, struct json_object **out, struct werr *err)
{
	static const char *const keys[] = {"o", "type", "device", "copy", "nocopy"};
	cleanup_json struct json_object *o = json_object_new_object();

	for (size_t i = 0; opts && opts[i]; i++) {
		const char *eq = strchr(opts[i], '=');
		cleanup_free char *k =
		    eq ? xstrndup(opts[i], (size_t)(eq - opts[i])) : xstrdup(opts[i]);
		bool known = false;
		for (size_t j = 0; j < ARRAY_SIZE(keys); j++)
			known |= strcmp(k, keys[j]) == 0;
		if (!known) {
			werr_set(err, EINVAL,
				 "invalid mount option %s for driver 'local': invalid argument", k);
			return werr_status(err, 125);
		}
		jset_str(o, k, eq ? eq + 1 : "");
		if (strcmp(k, "o") == 0)
			o_ids(o, eq ? eq + 1 : "");
	}
	*out = steal_pointer(&o);
	return 0;
}

static long opt_id(struct json_object *opts, const char *key)
{
	const char *v = jstr(opts, key);
	int64_t n;

	if (v == NULL || parse_int64(v, 0, UINT32_MAX - 1, &n) < 0)
		return -1;
	return (long)n;
}

static int check_create(const struct volume_create_opts *o, const char *name, struct werr *err)
{
	if (!runopts_volume_name_ok(name))
		return bad_name(name, err);
	if (o->driver != NULL && o->driver[0] != '\0' && strcmp(o->driver, "local") != 0) {
		werr_set(err, 0,
			 "volume %s uses volume plugin %s but it could not be retrieved: no volume "
			 "plugin with name %s available: required plugin missing",
			 name, o->driver, o->driver);
		return werr_status(err, 125);
	}
	return 0;
}

static void volume_event(struct engine *e, const char *status, const char *name)
{
	struct event ev = {.type = "volume", .status = status, .name = name, .exit_code = -1};
	event_log(e, &ev);
}

int volume_create(struct engine *e, const struct volume_create_opts *o, char **name_out,
		  struct werr *err)
{
	char hex[65];
	const char *name = o->name;
	cleanup_json struct json_object *labels = labels_json(o->labels), *opts = NULL;
	struct volume_rec r = {0};
	long uid, gid;

	if (engine_store(e, err) == NULL)
		return -1;
	if (name == NULL) {
		random_hex(hex, 64);
		name = hex;
	}
	if (check_create(o, name, err) < 0 || options_json(o->opts, &opts, err) < 0)
		return -1;
	uid = opt_id(opts, "UID");
	gid = opt_id(opts, "GID");
	r = (struct volume_rec){.name = (char *)name,
				.driver = (char *)"local",
				.created = now_ns(),
				.labels = (char *)json_object_to_json_string_ext(labels, 0),
				.options = (char *)json_object_to_json_string_ext(opts, 0),
				.needs_copy = true,
				.needs_chown = uid < 0 && gid < 0};
	if (store_volume_add(e->store, &r, err) < 0) {
		if (err->errnum == EEXIST && o->ignore) {
			*name_out = xstrdup(name);
			return 0;
		}
		return werr_status(err, 125);
	}
	if (make_data_dir(e, name, uid, gid, err) < 0) {
		struct werr ignore = {0};
		store_volume_delete(e->store, name, &ignore);
		return -1;
	}
	volume_event(e, "create", name);
	*name_out = xstrdup(name);
	return 0;
}

int volume_lookup(struct engine *e, const char *name, struct volume_rec *out, struct werr *err)
{
	if (engine_store(e, err) == NULL)
		return -1;
	return store_volume_get(e->store, name, out, err);
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A JSON object of strings with its keys sorted, as Go prints a map. */
static struct json_object *sorted_map(const char *text)
{
	cleanup_json struct json_object *in = text ? json_tokener_parse(text) : NULL;
	struct json_object *out = json_object_new_object();
	cleanup_strv char **keys = xcalloc(1, sizeof(char *));

	if (in == NULL || !json_object_is_type(in, json_type_object))
		return out;
	json_object_object_foreach(in, k, val)
	{
		(void)val;
		keys = strv_append(keys, k);
	}
	qsort(keys, strv_len(keys), sizeof(char *), key_cmp);
	for (size_t i = 0; keys[i]; i++)
		jset(out, keys[i], json_object_get(jget(in, keys[i])));
	return out;
}

struct json_object *volume_json(struct engine *e, const struct volume_rec *v, bool go_time)
{
	struct json_object *o = json_object_new_object();
	cleanup_free char *mp = volume_data_path(e, v->name);
	struct json_object *labels = sorted_map(v->labels), *opts = sorted_map(v->options);
	char t[64];
	long uid, gid;

	if (go_time)
		format_gotime(v->created, t, sizeof(t));
	else
		format_rfc3339(v->created, t, sizeof(t));
	jset_str(o, "Name", v->name);
	jset_str(o, "Driver", v->driver ? v->driver : "local");
	jset_str(o, "Mountpoint", mp);
	jset_str(o, "CreatedAt", t);
	jset(o, "Labels", labels);
	jset_str(o, "Scope", "local");
	uid = opt_id(opts, "UID");
	gid = opt_id(opts, "GID");
	jset(o, "Options", opts);
	if (uid >= 0)
		jset(o, "UID", json_object_new_int64(uid));
	if (gid >= 0)
		jset(o, "GID", json_object_new_int64(gid));
	jset(o, "MountCount", json_object_new_int(0));
	/* Podman leaves these out once false (omitempty) */
	if (v->needs_copy)
		jset(o, "NeedsCopyUp", json_object_new_boolean(true));
	if (v->needs_chown)
		jset(o, "NeedsChown", json_object_new_boolean(true));
	return o;
}

/* ---- filters (Podman 4.3: a volume passes when any filter matches) ---- */

static const char *const filter_keys[] = {"name", "driver",   "scope", "label",
					  "opt",  "dangling", "until"};

static int filter_check(const char *f, bool prune, struct werr *err)
{
	const char *eq = strchr(f, '=');
	cleanup_free char *k = eq ? xstrndup(f, (size_t)(eq - f)) : xstrdup(f);
	bool known = false;

	if (eq == NULL) {
		werr_set(err, 0, "filter input must be in the form of filter=value: %s is invalid",
			 f);
		return werr_status(err, 125);
	}
	for (size_t i = 0; i < ARRAY_SIZE(filter_keys); i++)
		known |= strcmp(k, filter_keys[i]) == 0;
	if (prune)
		known = strcmp(k, "label") == 0 || strcmp(k, "until") == 0;
	if (!known) {
		werr_set(err, 0, "\"%s\" is an invalid volume filter", k);
		return werr_status(err, 125);
	}
	if (strcmp(k, "dangling") == 0 && strcmp(eq + 1, "true") != 0 &&
	    strcmp(eq + 1, "false") != 0 && strcmp(eq + 1, "1") != 0 && strcmp(eq + 1, "0") != 0) {
		werr_set(
		    err, 0,
		    "\"%s\" is not a valid value for the \"dangling\" filter - must be true or "
		    "false",
		    eq + 1);
		return werr_status(err, 125);
	}
	if (strcmp(k, "until") == 0) {
		int64_t t;
		if (image_parse_until(eq + 1, now_ns(), &t, err) < 0)
			return werr_status(err, 125);
	}
	return 0;
}

/* "K" or "K=V" against a JSON object of strings. */
static bool kv_match(const char *text, const char *want)
{
	cleanup_json struct json_object *o = text ? json_tokener_parse(text) : NULL;
	const char *eq = strchr(want, '=');
	cleanup_free char *k = eq ? xstrndup(want, (size_t)(eq - want)) : xstrdup(want);
	const char *v = jstr(o, k);

	return v != NULL && (eq == NULL || strcmp(v, eq + 1) == 0);
}

static bool name_match(const char *pattern, const char *name)
{
	regex_t re;
	bool m;

	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	m = regexec(&re, name, 0, NULL, 0) == 0;
	regfree(&re);
	return m;
}

static bool one_filter(struct engine *e, const struct volume_rec *v, const char *f)
{
	const char *val = strchr(f, '=') + 1;
	size_t klen = (size_t)(val - 1 - f);
	cleanup_strv char **users = NULL;
	struct werr ignore = {0};
	int64_t t = 0;

	if (strncmp(f, "name", klen) == 0)
		return name_match(val, v->name);
	if (strncmp(f, "driver", klen) == 0)
		return strcmp(val, v->driver ? v->driver : "local") == 0;
	if (strncmp(f, "scope", klen) == 0)
		return strcmp(val, "local") == 0;
	if (strncmp(f, "label", klen) == 0)
		return kv_match(v->labels, val);
	if (strncmp(f, "opt", klen) == 0)
		return kv_match(v->options, val);
	if (strncmp(f, "until", klen) == 0)
		return image_parse_until(val, now_ns(), &t, &ignore) == 0 && v->created < t;
	/* dangling */
	if (store_volume_users(e->store, v->name, &users, &ignore) < 0)
		return false;
	return (users[0] == NULL) == (val[0] == 't' || val[0] == '1');
}

static bool passes(struct engine *e, const struct volume_rec *v, char *const *filters)
{
	if (filters == NULL || filters[0] == NULL)
		return true;
	for (size_t i = 0; filters[i]; i++)
		if (one_filter(e, v, filters[i]))
			return true;
	return false;
}

int volume_list(struct engine *e, char *const *filters, struct volume_rec **out, size_t *n,
		struct werr *err)
{
	struct volume_rec *v = NULL;
	size_t cnt = 0, keep = 0;

	for (size_t i = 0; filters && filters[i]; i++)
		if (filter_check(filters[i], false, err) < 0)
			return -1;
	if (engine_store(e, err) == NULL || store_volume_list(e->store, &v, &cnt, err) < 0)
		return -1;
	for (size_t i = 0; i < cnt; i++) {
		if (!passes(e, &v[i], filters)) {
			volume_rec_free(&v[i]);
			continue;
		}
		v[keep++] = v[i];
	}
	*out = v;
	*n = keep;
	return 0;
}

/* Removes the containers using volume name (volume rm -f). */
static int remove_users(struct engine *e, const char *name, int timeout, struct werr *err)
{
	cleanup_strv char **ids = NULL;

	if (store_volume_users(e->store, name, &ids, err) < 0)
		return -1;
	return container_remove_users(e, ids, "volume", name, timeout, err);
}

/* The record first (under the users check), then the data. */
static int remove_one(struct engine *e, const char *name, struct werr *err)
{
	cleanup_free char *dir = xasprintf("%s/volumes/%s", e->root, name);

	if (store_volume_delete(e->store, name, err) < 0)
		return -1;
	if (rm_rf_at(AT_FDCWD, dir, err) < 0)
		return werr_wrap(err, "remove the data of volume %s", name);
	return 0;
}

int volume_remove(struct engine *e, const char *name, bool force, int timeout, struct werr *err)
{
	struct volume_rec v = {0};
	int r;

	r = volume_lookup(e, name, &v, err);
	volume_rec_free(&v);
	if (r == 0) {
		werr_set(err, 0, "no volume with name \"%s\" found: no such volume", name);
		err->errnum = ENOENT;
		return werr_status(err, 1);
	}
	if (r < 0 || (force && remove_users(e, name, timeout, err) < 0))
		return -1;
	if (remove_one(e, name, err) < 0)
		return -1;
	volume_event(e, "remove", name);
	return 0;
}

int volume_prune(struct engine *e, char *const *filters, bool dry_run, char ***removed,
		 struct werr *err)
{
	struct volume_rec *v = NULL;
	cleanup_strv char **done = xcalloc(1, sizeof(char *));
	size_t n = 0;
	int rc = 0;

	for (size_t i = 0; filters && filters[i]; i++)
		if (filter_check(filters[i], true, err) < 0)
			return -1;
	if (engine_store(e, err) == NULL || store_volume_list(e->store, &v, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct werr e2 = {0};
		if (!passes(e, &v[i], filters))
			continue;
		if (dry_run) {
			cleanup_strv char **users = NULL;
			if (store_volume_users(e->store, v[i].name, &users, &e2) == 0 && !users[0])
				done = strv_append(done, v[i].name);
			continue;
		}
		/* a volume in use stays: that is the delete's own check */
		if (remove_one(e, v[i].name, &e2) == 0)
			done = strv_append(done, v[i].name);
		else if (e2.errnum != EBUSY && e2.errnum != ENOENT)
			rc = -1, *err = e2;
	}
	volume_recs_free(v, n);
	*removed = steal_pointer(&done);
	return rc;
}
