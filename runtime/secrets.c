/* secrets.c - the secret store and --secret (see secrets.h). Every change
 * rewrites secrets.json whole (atomically, under <root>/secrets/lock);
 * data files are written before the record that names them and removed
 * after it, so a killed command leaves at worst a data file no record
 * names, never a record without its data. */
#include "runtime/secrets.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"

#define RECORDS "secrets.json"

void secret_rec_free(struct secret_rec *s)
{
	free(s->name);
	json_object_put(s->labels);
	*s = (struct secret_rec){0};
}

void secret_recs_free(struct secret_rec *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		secret_rec_free(&v[i]);
	free(v);
}

bool secret_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 64 || !isalnum((unsigned char)name[0]) ||
	    !isalnum((unsigned char)name[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("-_.", name[i]))
			return false;
	return true;
}

/* ---- the store ---- */

/* <root>/secrets (made on first use) open, and locked: shared to read,
 * exclusive to change. *lock is the lock's fd. */
static int open_store(struct engine *e, bool write, int *lock, struct werr *err)
{
	cleanup_free char *dir = xasprintf("%s/secrets", e->root);
	cleanup_free char *data = xasprintf("%s/secrets/filedriver", e->root);
	int dfd;

	if (mkdir_p(data, 0700, err) < 0)
		return -1;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return werr_set(err, errno, "open '%s'", dir);
	*lock = openat(dfd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (*lock < 0 || flock(*lock, write ? LOCK_EX : LOCK_SH) < 0) {
		werr_set(err, errno, "lock '%s/lock'", dir);
		if (*lock >= 0)
			close(*lock);
		close(dfd);
		return -1;
	}
	return dfd;
}

/* The records as stored: a JSON array (a new empty one when none). */
static struct json_object *read_records(int dfd, struct werr *err)
{
	size_t len = 0;
	cleanup_free char *text = read_file_at(dfd, RECORDS, &len, err);
	struct json_object *a;

	if (text == NULL) {
		if (err->errnum != ENOENT)
			return NULL;
		*err = (struct werr){0};
		return json_object_new_array();
	}
	a = json_tokener_parse(text);
	if (a == NULL || !json_object_is_type(a, json_type_array)) {
		json_object_put(a);
		werr_set(err, 0, "secrets.json is damaged: not a JSON array");
		return NULL;
	}
	return a;
}

static int write_records(int dfd, struct json_object *a, struct werr *err)
{
	const char *text = json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN);

	return write_file_atomic_at(dfd, RECORDS, text, strlen(text), 0600, err);
}

static void rec_of(struct json_object *j, struct secret_rec *s)
{
	struct json_object *labels = jget(j, "labels");

	*s = (struct secret_rec){0};
	snprintf(s->id, sizeof(s->id), "%s", jstr(j, "id") ? jstr(j, "id") : "");
	s->name = xstrdup(jstr(j, "name") ? jstr(j, "name") : "");
	s->created = json_object_get_int64(jget(j, "created"));
	s->updated = json_object_get_int64(jget(j, "updated"));
	s->labels = json_object_is_type(labels, json_type_object) ? json_object_get(labels)
								  : json_object_new_object();
}

/* The index of ref in a (name, full id, or a unique id prefix), -1 none,
 * -2 ambiguous. */
static int find(struct json_object *a, const char *ref)
{
	size_t n = json_object_array_length(a), rl = strlen(ref);
	int hit = -1;

	for (size_t i = 0; i < n; i++) {
		struct json_object *j = json_object_array_get_idx(a, i);
		const char *name = jstr(j, "name"), *id = jstr(j, "id");
		if ((name && strcmp(name, ref) == 0) || (id && strcmp(id, ref) == 0))
			return (int)i;
	}
	for (size_t i = 0; rl > 0 && i < n; i++) {
		const char *id = jstr(json_object_array_get_idx(a, i), "id");
		if (id && strncmp(id, ref, rl) == 0)
			hit = hit == -1 ? (int)i : -2;
	}
	return hit;
}

static bool name_taken(struct json_object *a, const char *name)
{
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		const char *n = jstr(json_object_array_get_idx(a, i), "name");
		if (n != NULL && strcmp(n, name) == 0)
			return true;
	}
	return false;
}

static int not_found(const char *ref, struct werr *err)
{
	werr_set(err, 0, "no secret with name or id \"%s\": no such secret", ref);
	return werr_status(err, 125);
}

/* ---- create, list, look up, remove ---- */

static struct json_object *labels_object(char *const *labels, struct werr *err)
{
	struct json_object *o = json_object_new_object();

	for (size_t i = 0; labels && labels[i]; i++) {
		const char *eq = strchr(labels[i], '=');
		cleanup_free char *k =
		    eq ? xstrndup(labels[i], (size_t)(eq - labels[i])) : xstrdup(labels[i]);
		if (k[0] == '\0') {
			json_object_put(o);
			werr_set(err, 0, "invalid label '%s': no key", labels[i]);
			return NULL;
		}
		json_object_object_add(o, k, json_object_new_string(eq ? eq + 1 : ""));
	}
	return o;
}

int secret_create(struct engine *e, const char *name, const void *data, size_t len,
		  char *const *labels, char id_out[SECRET_ID_LEN + 1], struct werr *err)
{
	cleanup_close int lock = -1, dfd = -1;
	cleanup_json struct json_object *a = NULL;
	struct json_object *rec, *lab;
	cleanup_free char *path = NULL;
	char id[SECRET_ID_LEN + 1];
	int64_t now = now_ns();

	if (!secret_name_valid(name)) {
		werr_set(err, 0,
			 "only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end "
			 "character must be [a-zA-Z0-9]: %s: invalid secret name",
			 name);
		return werr_status(err, 125);
	}
	if (len == 0 || len >= SECRET_MAX_DATA) {
		werr_set(err, 0, "secret data must be larger than 0 and less than %d bytes",
			 SECRET_MAX_DATA);
		return werr_status(err, 125);
	}
	if ((lab = labels_object(labels, err)) == NULL)
		return werr_status(err, 125);
	dfd = open_store(e, true, &lock, err);
	if (dfd < 0 || (a = read_records(dfd, err)) == NULL) {
		json_object_put(lab);
		return werr_status(err, 125);
	}
	if (name_taken(a, name)) {
		json_object_put(lab);
		werr_set(err, 0, "%s: secret name in use", name);
		return werr_status(err, 125);
	}
	random_hex(id, SECRET_ID_LEN);
	id[SECRET_ID_LEN] = '\0';
	path = xasprintf("filedriver/%s", id);
	if (write_file_atomic_at(dfd, path, data, len, 0600, err) < 0) {
		json_object_put(lab);
		return werr_status(err, 125);
	}
	rec = json_object_new_object();
	json_object_object_add(rec, "id", json_object_new_string(id));
	json_object_object_add(rec, "name", json_object_new_string(name));
	json_object_object_add(rec, "created", json_object_new_int64(now));
	json_object_object_add(rec, "updated", json_object_new_int64(now));
	json_object_object_add(rec, "labels", lab);
	json_object_array_add(a, rec);
	if (write_records(dfd, a, err) < 0) {
		unlinkat(dfd, path, 0);
		return werr_status(err, 125);
	}
	memcpy(id_out, id, SECRET_ID_LEN + 1);
	return 0;
}

int secret_list(struct engine *e, struct secret_rec **out, size_t *n, struct werr *err)
{
	cleanup_close int lock = -1, dfd = open_store(e, false, &lock, err);
	cleanup_json struct json_object *a = dfd < 0 ? NULL : read_records(dfd, err);
	size_t len;

	if (a == NULL)
		return werr_status(err, 125);
	len = json_object_array_length(a);
	*out = xcalloc(len + 1, sizeof(**out));
	for (size_t i = 0; i < len; i++)
		rec_of(json_object_array_get_idx(a, i), &(*out)[i]);
	*n = len;
	return 0;
}

int secret_lookup(struct engine *e, const char *ref, struct secret_rec *out, struct werr *err)
{
	cleanup_close int lock = -1, dfd = open_store(e, false, &lock, err);
	cleanup_json struct json_object *a = dfd < 0 ? NULL : read_records(dfd, err);
	int i;

	if (a == NULL)
		return werr_status(err, 125);
	i = find(a, ref);
	if (i < 0) {
		not_found(ref, err);
		return 0;
	}
	rec_of(json_object_array_get_idx(a, (size_t)i), out);
	return 1;
}

int secret_remove(struct engine *e, const char *ref, char id_out[SECRET_ID_LEN + 1],
		  struct werr *err)
{
	cleanup_close int lock = -1, dfd = open_store(e, true, &lock, err);
	cleanup_json struct json_object *a = dfd < 0 ? NULL : read_records(dfd, err);
	cleanup_free char *path = NULL;
	int i;

	if (a == NULL)
		return werr_status(err, 125);
	if ((i = find(a, ref)) < 0)
		return not_found(ref, err);
	snprintf(id_out, SECRET_ID_LEN + 1, "%s", jstr(json_object_array_get_idx(a, i), "id"));
	json_object_array_del_idx(a, (size_t)i, 1);
	if (write_records(dfd, a, err) < 0)
		return werr_status(err, 125);
	path = xasprintf("filedriver/%s", id_out);
	unlinkat(dfd, path, 0);
	return 0;
}

int secret_data(struct engine *e, const char *id, char **out, size_t *len, struct werr *err)
{
	cleanup_free char *path = xasprintf("%s/secrets/filedriver/%s", e->root, id);

	if (strlen(id) != SECRET_ID_LEN || !str_is_hex(id, SECRET_ID_LEN))
		return werr_set(err, EINVAL, "invalid secret id '%s'", id);
	*out = read_file_max(path, SECRET_MAX_DATA, len, err);
	return *out ? 0 : -1;
}

struct json_object *secret_json(struct engine *e, const struct secret_rec *s)
{
	struct json_object *o = json_object_new_object(), *spec = json_object_new_object();
	struct json_object *drv = json_object_new_object(), *opts = json_object_new_object();
	char created[64], updated[64];
	cleanup_free char *path = xasprintf("%s/secrets/filedriver", e->root);

	format_rfc3339(s->created, created, sizeof(created));
	format_rfc3339(s->updated, updated, sizeof(updated));
	json_object_object_add(o, "ID", json_object_new_string(s->id));
	json_object_object_add(o, "CreatedAt", json_object_new_string(created));
	json_object_object_add(o, "UpdatedAt", json_object_new_string(updated));
	json_object_object_add(spec, "Name", json_object_new_string(s->name));
	json_object_object_add(opts, "path", json_object_new_string(path));
	json_object_object_add(drv, "Name", json_object_new_string("file"));
	json_object_object_add(drv, "Options", opts);
	json_object_object_add(spec, "Driver", drv);
	json_object_object_add(spec, "Labels", json_object_get(s->labels));
	json_object_object_add(o, "Spec", spec);
	return o;
}

/* ---- run --secret ---- */

struct secret_use {
	char *name, *target;
	bool env;
	long uid, gid, mode;
};

static int parse_spec(const char *spec, struct secret_use *u, struct werr *err)
{
	cleanup_free char *copy = xstrdup(spec);
	char *save = NULL, *tok = strtok_r(copy, ",", &save);

	*u = (struct secret_use){.uid = 0, .gid = 0, .mode = 0444};
	if (tok == NULL || strchr(tok, '=') != NULL || !secret_name_valid(tok))
		return werr_set(err, 0, "invalid --secret '%s': it starts with a secret's name",
				spec);
	u->name = xstrdup(tok);
	while ((tok = strtok_r(NULL, ",", &save)) != NULL) {
		char *eq = strchr(tok, '='), *end = NULL;
		long v = 0;
		if (eq == NULL || eq[1] == '\0')
			goto bad;
		*eq++ = '\0';
		if (strcmp(tok, "type") == 0 &&
		    (strcmp(eq, "mount") == 0 || strcmp(eq, "env") == 0)) {
			u->env = strcmp(eq, "env") == 0;
			continue;
		}
		if (strcmp(tok, "target") == 0) {
			free(u->target);
			u->target = xstrdup(eq);
			continue;
		}
		errno = 0;
		v = strtol(eq, &end, strcmp(tok, "mode") == 0 ? 8 : 10);
		if (errno != 0 || *end != '\0' || v < 0 ||
		    v > (strcmp(tok, "mode") ? 0xfffffffeL : 07777))
			goto bad;
		if (strcmp(tok, "uid") == 0)
			u->uid = v;
		else if (strcmp(tok, "gid") == 0)
			u->gid = v;
		else if (strcmp(tok, "mode") == 0)
			u->mode = v;
		else
			goto bad;
	}
	if (u->target != NULL && !u->env && (strstr(u->target, "..") || u->target[0] == '\0'))
		goto bad;
	return 0;
bad:
	free(u->name);
	free(u->target);
	*u = (struct secret_use){0};
	return werr_set(err, 0,
			"invalid --secret '%s': options are type=mount|env, target=, uid=, gid=, "
			"mode=",
			spec);
}

int secret_spec_check(const char *spec, struct werr *err)
{
	struct secret_use u;

	if (parse_spec(spec, &u, err) < 0)
		return werr_status(err, 125);
	free(u.name);
	free(u.target);
	return 0;
}

char **secret_env_names(char *const *specs)
{
	char **out = NULL;
	struct werr ignore = {0};

	for (size_t i = 0; specs && specs[i]; i++) {
		struct secret_use u;
		if (parse_spec(specs[i], &u, &ignore) < 0)
			continue;
		if (u.env)
			out = strv_append(out, u.target ? u.target : u.name);
		free(u.name);
		free(u.target);
	}
	return out;
}

/* The container path of a mount secret: /run/secrets/NAME, or its target
 * (relative: under /run/secrets). */
static char *mount_target(const struct secret_use *u)
{
	if (u->target != NULL && u->target[0] == '/')
		return xstrdup(u->target);
	return xasprintf("/run/secrets/%s", u->target ? u->target : u->name);
}

/* Secret use number i of the container: the copy of a mount secret is
 * <dir>/<i>-<name> (two uses of one secret may differ in mode and owner). */
static int attach_one(struct engine *e, const struct secret_use *u, size_t i, int sdir,
		      const char *dir, struct volume_spec **vols, size_t *nvols, char ***env,
		      struct werr *err)
{
	struct secret_rec s = {0};
	cleanup_free char *data = NULL, *file = NULL;
	size_t len = 0;
	int r = secret_lookup(e, u->name, &s, err);

	if (r <= 0)
		return werr_status(err, 125);
	if (secret_data(e, s.id, &data, &len, err) < 0) {
		secret_rec_free(&s);
		return werr_status(err, 125);
	}
	if (u->env) {
		cleanup_free char *kv =
		    xasprintf("%s=%.*s", u->target ? u->target : u->name, (int)len, data);
		*env = strv_append(*env, kv);
	} else {
		struct volume_spec *v;
		file = xasprintf("%zu-%s", i, s.name);
		if (write_file_atomic_at(sdir, file, data, len, (mode_t)u->mode, err) < 0 ||
		    fchownat(sdir, file, (uid_t)u->uid, (gid_t)u->gid, AT_SYMLINK_NOFOLLOW) < 0 ||
		    fchmodat(sdir, file, (mode_t)u->mode, 0) < 0) {
			if (err->msg[0] == '\0')
				werr_set(err, errno, "write secret '%s'", u->name);
			secret_rec_free(&s);
			return werr_status(err, 125);
		}
		*vols = xrealloc(*vols, (*nvols + 1) * sizeof(**vols));
		v = &(*vols)[(*nvols)++];
		*v = (struct volume_spec){.kind = MOUNT_BIND, .ro = true};
		v->src = xasprintf("%s/%s", dir, file);
		v->dst = mount_target(u);
	}
	secret_rec_free(&s);
	return 0;
}

int secrets_attach(struct engine *e, char *const *specs, const char *ctr_dir,
		   struct volume_spec **vols, size_t *nvols, char ***env, struct werr *err)
{
	cleanup_free char *dir = xasprintf("%s/secrets", ctr_dir);
	cleanup_close int sdir = -1;
	int rc = 0;

	if (specs == NULL || specs[0] == NULL)
		return 0;
	if (mkdir_p(dir, 0700, err) < 0)
		return werr_status(err, 125);
	sdir = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sdir < 0) {
		werr_set(err, errno, "open '%s'", dir);
		return werr_status(err, 125);
	}
	for (size_t i = 0; rc == 0 && specs[i]; i++) {
		struct secret_use u;
		if (parse_spec(specs[i], &u, err) < 0)
			return werr_status(err, 125);
		rc = attach_one(e, &u, i, sdir, dir, vols, nvols, env, err);
		free(u.name);
		free(u.target);
	}
	return rc;
}
