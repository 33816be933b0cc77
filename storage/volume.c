/* volume.c - the volumes and container_volumes tables (see volume.h),
 * through the statement cache store.c lends (store_int.h). */
#include "storage/volume.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "storage/store.h"
#include "storage/store_int.h"

enum {
	V_INSERT = STORE_SLOT_VOLUME,
	V_ROW,
	V_LIST,
	V_DELETE,
	V_USERS,
	V_ATTACH,
	V_USED_ONCE,
	V_EXISTS,
};

static const char sql_insert[] =
    "INSERT INTO volumes(name, driver, created, labels, options, anonymous, needs_copy,"
    " needs_chown) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char sql_delete[] = "DELETE FROM volumes WHERE name = ?1 AND NOT EXISTS"
				 " (SELECT 1 FROM container_volumes WHERE volume = ?1)";
static const char sql_users[] =
    "SELECT ctr_id FROM container_volumes WHERE volume = ?1 ORDER BY ctr_id";
static const char sql_attach[] =
    "INSERT OR IGNORE INTO container_volumes(ctr_id, volume) VALUES(?1, ?2)";
static const char sql_used_once[] =
    "UPDATE volumes SET needs_copy = 0, needs_chown = 0 WHERE name = ?1";
static const char sql_exists[] = "SELECT 1 FROM volumes WHERE name = ?1";

/* Frees the members of v. */
void volume_rec_free(struct volume_rec *v)
{
	if (v == NULL)
		return;
	free(v->name);
	free(v->driver);
	free(v->labels);
	free(v->options);
	memset(v, 0, sizeof(*v));
}

/* Frees n records and the array. */
void volume_recs_free(struct volume_rec *v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++)
		volume_rec_free(&v[i]);
	free(v);
}

static int exists(struct store *s, const char *name, struct werr *err)
{
	sqlite3_stmt *st = store_int_stmt(s, V_EXISTS, sql_exists, err);

	if (st == NULL)
		return -1;
	store_int_bind_str(st, 1, name);
	return store_int_step(s, st, err);
}

static int volume_add(struct store *s, const struct volume_rec *v, struct werr *err)
{
	sqlite3_stmt *st;
	int rc = exists(s, v->name, err);

	if (rc < 0)
		return -1;
	if (rc == 1) {
		/* errno in errnum only: Podman's message has no strerror */
		werr_set(err, 0, "volume with name %s already exists: volume already exists",
			 v->name);
		err->errnum = EEXIST;
		return -1;
	}
	st = store_int_stmt(s, V_INSERT, sql_insert, err);
	if (st == NULL)
		return -1;
	store_int_bind_str(st, 1, v->name);
	store_int_bind_str(st, 2, v->driver ? v->driver : "local");
	sqlite3_bind_int64(st, 3, v->created);
	store_int_bind_str(st, 4, v->labels ? v->labels : "{}");
	store_int_bind_str(st, 5, v->options ? v->options : "{}");
	sqlite3_bind_int(st, 6, v->anonymous);
	sqlite3_bind_int(st, 7, v->needs_copy);
	sqlite3_bind_int(st, 8, v->needs_chown);
	return store_int_step(s, st, err) < 0 ? -1 : 0;
}

/* Adds volume v; its name must be free. */
int store_volume_add(struct store *s, const struct volume_rec *v, struct werr *err)
{
	bool own;

	if (store_int_begin(s, true, &own, err) < 0)
		return -1;
	return store_int_end(s, own, volume_add(s, v, err), err);
}

static void row(sqlite3_stmt *st, struct volume_rec *v)
{
	v->name = store_int_col_str(st, 0);
	v->driver = store_int_col_str(st, 1);
	v->created = sqlite3_column_int64(st, 2);
	v->labels = store_int_col_str(st, 3);
	v->options = store_int_col_str(st, 4);
	v->anonymous = sqlite3_column_int(st, 5) != 0;
	v->needs_copy = sqlite3_column_int(st, 6) != 0;
	v->needs_chown = sqlite3_column_int(st, 7) != 0;
}

static int volume_get(struct store *s, const char *name, struct volume_rec *out, struct werr *err)
{
	static const char sql[] = "SELECT name, driver, created, labels, options, anonymous,"
				  " needs_copy, needs_chown FROM volumes WHERE name = ?1";
	sqlite3_stmt *st = store_int_stmt(s, V_ROW, sql, err);
	int rc;

	if (st == NULL)
		return -1;
	store_int_bind_str(st, 1, name);
	rc = store_int_step(s, st, err);
	if (rc == 1)
		row(st, out);
	return rc;
}

/* Finds volume name: 1, 0 or -1. */
int store_volume_get(struct store *s, const char *name, struct volume_rec *out, struct werr *err)
{
	bool own;

	if (store_int_begin(s, false, &own, err) < 0)
		return -1;
	return store_int_end(s, own, volume_get(s, name, out, err), err);
}

static int volume_list(struct store *s, struct volume_rec **out, size_t *n, struct werr *err)
{
	static const char sql[] = "SELECT name, driver, created, labels, options, anonymous,"
				  " needs_copy, needs_chown FROM volumes ORDER BY name";
	sqlite3_stmt *st = store_int_stmt(s, V_LIST, sql, err);
	struct volume_rec *v = NULL;
	size_t k = 0;
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = store_int_step(s, st, err)) == 1) {
		v = xrealloc(v, (k + 1) * sizeof(*v));
		memset(&v[k], 0, sizeof(*v));
		row(st, &v[k++]);
	}
	if (rc < 0) {
		volume_recs_free(v, k);
		return -1;
	}
	*out = v;
	*n = k;
	return 0;
}

/* All volumes, sorted by name. */
int store_volume_list(struct store *s, struct volume_rec **out, size_t *n, struct werr *err)
{
	bool own;

	if (store_int_begin(s, false, &own, err) < 0)
		return -1;
	return store_int_end(s, own, volume_list(s, out, n, err), err);
}

static int volume_users(struct store *s, const char *name, char ***ids, struct werr *err)
{
	sqlite3_stmt *st = store_int_stmt(s, V_USERS, sql_users, err);
	cleanup_strv char **v = xcalloc(1, sizeof(char *));
	int rc;

	if (st == NULL)
		return -1;
	store_int_bind_str(st, 1, name);
	while ((rc = store_int_step(s, st, err)) == 1)
		v = strv_append(v, (const char *)sqlite3_column_text(st, 0));
	if (rc < 0)
		return -1;
	*ids = steal_pointer(&v);
	return 0;
}

/* The containers using volume name. */
int store_volume_users(struct store *s, const char *name, char ***ids, struct werr *err)
{
	bool own;

	if (store_int_begin(s, false, &own, err) < 0)
		return -1;
	return store_int_end(s, own, volume_users(s, name, ids, err), err);
}

static int volume_delete(struct store *s, const char *name, struct werr *err)
{
	sqlite3_stmt *st = store_int_stmt(s, V_DELETE, sql_delete, err);
	cleanup_strv char **ids = NULL;
	cleanup_free char *list = NULL;
	int rc;

	if (st == NULL)
		return -1;
	store_int_bind_str(st, 1, name);
	if (store_int_step(s, st, err) < 0)
		return -1;
	if (store_int_changes(s) == 1)
		return 0;
	rc = exists(s, name, err);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		werr_set(err, 0, "no volume with name \"%s\" found: no such volume", name);
		err->errnum = ENOENT;
		return werr_status(err, 1);
	}
	if (volume_users(s, name, &ids, err) < 0)
		return -1;
	list = strv_join(ids, ", ");
	werr_set(err, 0,
		 "volume %s is being used by the following container(s): %s: volume is being used",
		 name, list);
	err->errnum = EBUSY;
	return werr_status(err, 2);
}

/* Deletes volume name when no container uses it. */
int store_volume_delete(struct store *s, const char *name, struct werr *err)
{
	bool own;

	if (store_int_begin(s, true, &own, err) < 0)
		return -1;
	return store_int_end(s, own, volume_delete(s, name, err), err);
}

static int attach(struct store *s, const char *ctr_id, const char *name, struct werr *err)
{
	sqlite3_stmt *st = store_int_stmt(s, V_ATTACH, sql_attach, err);

	if (st == NULL)
		return -1;
	store_int_bind_str(st, 1, ctr_id);
	store_int_bind_str(st, 2, name);
	return store_int_step(s, st, err) < 0 ? -1 : 0;
}

/* Records that ctr_id uses volume name. */
int store_volume_attach(struct store *s, const char *ctr_id, const char *name, struct werr *err)
{
	bool own;

	if (store_int_begin(s, true, &own, err) < 0)
		return -1;
	return store_int_end(s, own, attach(s, ctr_id, name, err), err);
}

static int used_once(struct store *s, const char *name, struct werr *err)
{
	sqlite3_stmt *st = store_int_stmt(s, V_USED_ONCE, sql_used_once, err);

	if (st == NULL)
		return -1;
	store_int_bind_str(st, 1, name);
	return store_int_step(s, st, err) < 0 ? -1 : 0;
}

/* Clears needs_copy and needs_chown of volume name. */
int store_volume_used_once(struct store *s, const char *name, struct werr *err)
{
	bool own;

	if (store_int_begin(s, true, &own, err) < 0)
		return -1;
	return store_int_end(s, own, used_once(s, name, err), err);
}
