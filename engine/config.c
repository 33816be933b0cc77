/* config.c - reading containers.conf, storage.conf and warren.conf (see
 * config.h). Only the keys in the tables below have a meaning to warren;
 * the rest is kept out of the way (listed at debug level), so a file
 * written for Podman works unchanged. */
#include "engine/config.h"

#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/toml.h"
#include "lib/util.h"

enum ktype { K_STR, K_STRV, K_INT, K_BOOL };

struct known {
	const char *table; /* dotted: "storage.options.overlay" */
	const char *key;
	enum ktype type;
};

static const struct known containers_keys[] = {
    {"containers", "default_capabilities", K_STRV},
    {"containers", "default_ulimits", K_STRV},
    {"containers", "env", K_STRV},
    {"containers", "init_path", K_STR},
    {"containers", "log_driver", K_STR},
    {"containers", "log_size_max", K_INT},
    {"containers", "pids_limit", K_INT},
    {"containers", "shm_size", K_STR},
    {"engine", "cdi_spec_dirs", K_STRV},
    {"engine", "events_logger", K_STR},
    {"engine", "image_default_transport", K_STR},
    {"engine", "image_volume_mode", K_STR},
    {"engine", "network_cmd_options", K_STRV},
    {"engine", "helper_binaries_dir", K_STRV},
    {"network", "default_network", K_STR},
    {"network", "default_rootless_network_cmd", K_STR},
    {"network", "default_subnet", K_STR},
    {NULL, NULL, K_STR},
};

static const struct known storage_keys[] = {
    {"storage", "driver", K_STR},
    {"storage", "graphroot", K_STR},
    {"storage", "runroot", K_STR},
    {"storage", "rootless_storage_path", K_STR},
    {"storage.options", "additionalimagestores", K_STRV},
    {"storage.options", "mount_program", K_STR},
    {"storage.options.overlay", "mount_program", K_STR},
    {NULL, NULL, K_STR},
};

/* warren.conf: no key of warren's own yet; the file is read (and shown by
 * info) so that one can be added without a new place to look. */
static const struct known warren_keys[] = {{NULL, NULL, K_STR}};

/* ---- reading and merging ---- */

/* into.table.key = from.table.key for every key, recursing into tables:
 * a later file overrides an earlier one key by key. */
static void merge(struct json_object *into, struct json_object *from)
{
	json_object_object_foreach(from, k, v)
	{
		struct json_object *old = jget(into, k);
		if (json_object_is_type(v, json_type_object) && old != NULL &&
		    json_object_is_type(old, json_type_object))
			merge(old, v);
		else
			json_object_object_add(into, k, json_object_get(v));
	}
}

/* The object at dotted path table ("a.b.c") of o, NULL when missing. */
static struct json_object *table_of(struct json_object *o, const char *table)
{
	cleanup_free char *t = xstrdup(table);
	char *save = NULL;

	for (char *p = strtok_r(t, ".", &save); p && o; p = strtok_r(NULL, ".", &save)) {
		o = jget(o, p);
		if (o != NULL && !json_object_is_type(o, json_type_object))
			return NULL;
	}
	return o;
}

static bool type_ok(struct json_object *v, enum ktype t)
{
	switch (t) {
	case K_STR:
		return json_object_is_type(v, json_type_string);
	case K_INT:
		return json_object_is_type(v, json_type_int);
	case K_BOOL:
		return json_object_is_type(v, json_type_boolean);
	case K_STRV:
		if (!json_object_is_type(v, json_type_array))
			return false;
		for (size_t i = 0; i < json_object_array_length(v); i++)
			if (!json_object_is_type(json_object_array_get_idx(v, i), json_type_string))
				return false;
		return true;
	}
	return false;
}

static const char *const type_names[] = {[K_STR] = "a string",
					 [K_STRV] = "an array of strings",
					 [K_INT] = "an integer",
					 [K_BOOL] = "true or false"};

static bool is_known(const struct known *k, const char *table, const char *key)
{
	for (; k->table != NULL; k++)
		if (strcmp(k->table, table) == 0 && strcmp(k->key, key) == 0)
			return true;
	return false;
}

/* Checks the types of the known keys of one file; lists the others. */
static int check_file(const char *path, struct json_object *doc, const struct known *k,
		      const char *prefix, struct werr *err)
{
	json_object_object_foreach(doc, name, v)
	{
		cleanup_free char *t = prefix ? xasprintf("%s.%s", prefix, name) : xstrdup(name);
		if (json_object_is_type(v, json_type_object)) {
			if (check_file(path, v, k, t, err) < 0)
				return -1;
			continue;
		}
		if (prefix == NULL || !is_known(k, prefix, name)) {
			log_debug("%s: [%s] %s: not used by warren", path, prefix ? prefix : "",
				  name);
			continue;
		}
		for (const struct known *x = k; x->table; x++)
			if (strcmp(x->table, prefix) == 0 && strcmp(x->key, name) == 0 &&
			    !type_ok(v, x->type))
				return werr_set(err, 0, "%s: [%s] %s: must be %s", path, prefix,
						name, type_names[x->type]);
	}
	return 0;
}

/* Reads one file into *into (created on first use). Missing: 0 (an
 * error when required). */
static int read_one(struct config *c, const char *path, const struct known *k, bool required,
		    struct json_object **into, struct werr *err)
{
	struct json_object *doc = NULL;

	if (toml_parse_file(path, &doc, err) < 0) {
		if (err->errnum == ENOENT && !required) {
			*err = (struct werr){0};
			return 0;
		}
		return -1;
	}
	if (check_file(path, doc, k, NULL, err) < 0) {
		json_object_put(doc);
		return -1;
	}
	if (*into == NULL)
		*into = json_object_new_object();
	merge(*into, doc);
	json_object_put(doc);
	c->files = strv_append(c->files, path);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* dir/base, then dir/base.d/ *.conf in name order. */
static int read_with_drop_ins(struct config *c, const char *dir, const char *base,
			      const struct known *k, struct json_object **into, struct werr *err)
{
	cleanup_free char *main_file = xasprintf("%s/%s", dir, base);
	cleanup_free char *ddir = xasprintf("%s/%s.d", dir, base);
	cleanup_dir DIR *d = NULL;
	cleanup_strv char **names = NULL;
	struct dirent *de;

	if (read_one(c, main_file, k, false, into, err) < 0)
		return -1;
	d = opendir(ddir);
	while (d != NULL && (de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' && str_has_suffix(de->d_name, ".conf"))
			names = strv_append(names, de->d_name);
	if (names != NULL)
		qsort(names, strv_len(names), sizeof(*names), cmp_str);
	for (size_t i = 0; names && names[i]; i++) {
		cleanup_free char *p = xasprintf("%s/%s", ddir, names[i]);
		if (read_one(c, p, k, false, into, err) < 0)
			return -1;
	}
	return 0;
}

/* $XDG_CONFIG_HOME/containers, or ~/.config/containers. */
static char *user_dir(void)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	struct passwd *pw;

	if (x != NULL && x[0] == '/')
		return xasprintf("%s/containers", x);
	if ((home == NULL || home[0] != '/') && (pw = getpwuid(geteuid())) != NULL)
		home = pw->pw_dir;
	return home && home[0] == '/' ? xasprintf("%s/.config/containers", home) : NULL;
}

static int load_storage(struct config *c, bool rootless, const char *udir, struct werr *err)
{
	const char *env = getenv("CONTAINERS_STORAGE_CONF");
	cleanup_free char *user = udir ? xasprintf("%s/storage.conf", udir) : NULL;

	if (env != NULL && env[0] != '\0') {
		c->storage_user = true; /* chosen by the user: every key counts */
		return read_one(c, env, storage_keys, true, &c->storage, err);
	}
	if (rootless && user != NULL && access(user, F_OK) == 0) {
		c->storage_user = true;
		return read_one(c, user, storage_keys, false, &c->storage, err);
	}
	if (access("/etc/containers/storage.conf", F_OK) == 0)
		return read_one(c, "/etc/containers/storage.conf", storage_keys, false, &c->storage,
				err);
	return read_one(c, "/usr/share/containers/storage.conf", storage_keys, false, &c->storage,
			err);
}

int config_load(struct config *c, bool rootless, struct werr *err)
{
	const char *env = getenv("CONTAINERS_CONF");
	cleanup_free char *udir = user_dir();

	*c = (struct config){0};
	if (env != NULL && env[0] != '\0') {
		if (read_one(c, env, containers_keys, true, &c->containers, err) < 0)
			goto fail;
	} else if (read_with_drop_ins(c, "/usr/share/containers", "containers.conf",
				      containers_keys, &c->containers, err) < 0 ||
		   read_with_drop_ins(c, "/etc/containers", "containers.conf", containers_keys,
				      &c->containers, err) < 0 ||
		   (udir != NULL && read_with_drop_ins(c, udir, "containers.conf", containers_keys,
						       &c->containers, err) < 0)) {
		goto fail;
	}
	if (load_storage(c, rootless, udir, err) < 0 ||
	    read_one(c, "/etc/containers/warren.conf", warren_keys, false, &c->warren, err) < 0)
		goto fail;
	if (udir != NULL) {
		cleanup_free char *w = xasprintf("%s/warren.conf", udir);
		if (read_one(c, w, warren_keys, false, &c->warren, err) < 0)
			goto fail;
	}
	return 0;
fail:
	config_free(c);
	return werr_status(err, 125);
}

void config_free(struct config *c)
{
	json_object_put(c->containers);
	json_object_put(c->storage);
	json_object_put(c->warren);
	strv_free(c->files);
	*c = (struct config){0};
}

const char *config_str(struct json_object *kind, const char *table, const char *key)
{
	struct json_object *v = jget(table_of(kind, table), key);

	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

char **config_strv(struct json_object *kind, const char *table, const char *key)
{
	struct json_object *v = jget(table_of(kind, table), key);
	char **out = NULL;

	for (size_t i = 0;
	     json_object_is_type(v, json_type_array) && i < json_object_array_length(v); i++) {
		struct json_object *it = json_object_array_get_idx(v, i);
		if (json_object_is_type(it, json_type_string))
			out = strv_append(out, json_object_get_string(it));
	}
	return out;
}

long long config_int(struct json_object *kind, const char *table, const char *key)
{
	struct json_object *v = jget(table_of(kind, table), key);

	return json_object_is_type(v, json_type_int) ? (long long)json_object_get_int64(v) : -1;
}

/* ---- applying ---- */

/* rootless_storage_path's $HOME, $UID and $USER, as Podman expands them. */
static char *expand_path(const char *p, const struct engine *e)
{
	const char *home = getenv("HOME");
	char uid[16];
	char *out = xstrdup("");

	snprintf(uid, sizeof(uid), "%u", (unsigned)e->uid);
	while (*p) {
		static const char *const vars[] = {"$HOME", "$UID", "$USER"};
		const char *vals[] = {home ? home : "", uid, e->user ? e->user : ""};
		const char *val = NULL;
		size_t skip = 1;
		for (size_t i = 0; i < ARRAY_SIZE(vars) && val == NULL; i++) {
			if (str_has_prefix(p, vars[i])) {
				val = vals[i];
				skip = strlen(vars[i]);
			}
		}
		char *n = val ? xasprintf("%s%s", out, val) : xasprintf("%s%c", out, *p);
		free(out);
		out = n;
		p += skip;
	}
	return out;
}

void config_apply_storage(const struct config *c, struct engine *e)
{
	const char *graph = config_str(c->storage, "storage", "graphroot");
	const char *run = config_str(c->storage, "storage", "runroot");
	const char *rsp = config_str(c->storage, "storage", "rootless_storage_path");
	const char *driver = config_str(c->storage, "storage", "driver");
	const char *mp = config_str(c->storage, "storage.options.overlay", "mount_program");
	bool own = !e->rootless || c->storage_user; /* graphroot/runroot count */
	bool opts_given = e->storage_opts != NULL;  /* --storage-opt replaces the file's */

	if (mp == NULL)
		mp = config_str(c->storage, "storage.options", "mount_program");
	if (e->root == NULL && own && graph != NULL && graph[0] == '/')
		e->root = xstrdup(graph);
	else if (e->root == NULL && e->rootless && rsp != NULL && rsp[0] != '\0')
		e->root = expand_path(rsp, e);
	if (e->runroot == NULL && own && run != NULL && run[0] == '/')
		e->runroot = xstrdup(run);
	if (e->storage_driver == NULL && driver != NULL && driver[0] != '\0')
		e->storage_driver = xstrdup(driver);
	/* options from the file only where no --storage-opt was given */
	if (!opts_given && mp != NULL && mp[0] != '\0') {
		cleanup_free char *o = xasprintf("overlay.mount_program=%s", mp);
		e->storage_opts = strv_append(e->storage_opts, o);
	}
	if (!opts_given) {
		cleanup_strv char **ais =
		    config_strv(c->storage, "storage.options", "additionalimagestores");
		for (size_t i = 0; ais != NULL && ais[i] != NULL; i++) {
			cleanup_free char *o = xasprintf("additionalimagestore=%s", ais[i]);
			e->storage_opts = strv_append(e->storage_opts, o);
		}
	}
}
