/* pod.c - the pods table (see pod.h), through the statement cache store.c
 * lends (store_int.h). */
#include "storage/pod.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "storage/store.h"
#include "storage/store_int.h"

enum {
	P_INSERT = STORE_SLOT_POD,
	P_BY_NAME,
	P_PREFIX,
	P_ROW,
	P_LIST,
	P_DELETE,
};

static const char sql_insert[] =
    "INSERT INTO pods(id, name, created, infra_id, config) VALUES(?1, ?2, ?3, ?4, ?5)";
static const char sql_by_name[] = "SELECT id FROM pods WHERE name = ?1 OR id = ?1";
static const char sql_prefix[] = "SELECT id FROM pods WHERE id >= ?1 AND id < ?1 || '~' LIMIT 2";
static const char sql_row[] = "SELECT id, name, created, infra_id, config FROM pods WHERE id = ?1";
static const char sql_list[] =
    "SELECT id, name, created, infra_id, config FROM pods ORDER BY created DESC, id";
static const char sql_delete[] = "DELETE FROM pods WHERE id = ?1";

void pod_rec_free(struct pod_rec *p)
{
	if (p == NULL)
		return;
	free(p->name);
	free(p->infra_id);
	free(p->config);
	memset(p, 0, sizeof(*p));
}

void pod_recs_free(struct pod_rec *v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++)
		pod_rec_free(&v[i]);
	free(v);
}

static void row(sqlite3_stmt *st, struct pod_rec *p)
{
	cleanup_free char *id = store_int_col_str(st, 0);

	snprintf(p->id, sizeof(p->id), "%s", id ? id : "");
	p->name = store_int_col_str(st, 1);
	p->created = sqlite3_column_int64(st, 2);
	p->infra_id = store_int_col_str(st, 3);
	p->config = store_int_col_str(st, 4);
	if (p->infra_id == NULL)
		p->infra_id = xstrdup("");
}

/* The full id ref names (a name, a full id, a unique prefix): 1, 0, -1. */
static int resolve(struct store *s, const char *ref, char **id, struct werr *err)
{
	sqlite3_stmt *st = store_int_stmt(s, P_BY_NAME, sql_by_name, err);
	int rc;

	if (st == NULL)
		return -1;
	store_int_bind_str(st, 1, ref);
	rc = store_int_step(s, st, err);
	if (rc != 0) {
		if (rc == 1)
			*id = store_int_col_str(st, 0);
		return rc;
	}
	if (strspn(ref, "0123456789abcdef") != strlen(ref) || *ref == '\0')
		return 0;
	st = store_int_stmt(s, P_PREFIX, sql_prefix, err);
	if (st == NULL)
		return -1;
	store_int_bind_str(st, 1, ref);
	rc = store_int_step(s, st, err);
	if (rc != 1)
		return rc;
	*id = store_int_col_str(st, 0);
	if (store_int_step(s, st, err) == 1) {
		free(*id);
		*id = NULL;
		werr_set(err, 0, "more than one result for pod ID %s", ref);
		return -1;
	}
	return 1;
}

static int pod_add(struct store *s, const struct pod_rec *p, struct werr *err)
{
	cleanup_free char *id = NULL;
	sqlite3_stmt *st;
	int rc = resolve(s, p->name, &id, err);

	if (rc < 0)
		return -1;
	if (rc == 1) {
		werr_set(err, 0, "adding pod to state: name \"%s\" is in use: pod already exists",
			 p->name);
		err->errnum = EEXIST;
		return -1;
	}
	st = store_int_stmt(s, P_INSERT, sql_insert, err);
	if (st == NULL)
		return -1;
	store_int_bind_str(st, 1, p->id);
	store_int_bind_str(st, 2, p->name);
	sqlite3_bind_int64(st, 3, p->created);
	store_int_bind_str(st, 4, p->infra_id ? p->infra_id : "");
	store_int_bind_str(st, 5, p->config ? p->config : "{}");
	return store_int_step(s, st, err) < 0 ? -1 : 0;
}

int store_pod_add(struct store *s, const struct pod_rec *p, struct werr *err)
{
	bool own;

	if (store_int_begin(s, true, &own, err) < 0)
		return -1;
	return store_int_end(s, own, pod_add(s, p, err), err);
}

static int pod_get(struct store *s, const char *ref, struct pod_rec *out, struct werr *err)
{
	cleanup_free char *id = NULL;
	sqlite3_stmt *st;
	int rc = resolve(s, ref, &id, err);

	if (rc <= 0)
		return rc;
	st = store_int_stmt(s, P_ROW, sql_row, err);
	if (st == NULL)
		return -1;
	store_int_bind_str(st, 1, id);
	rc = store_int_step(s, st, err);
	if (rc == 1)
		row(st, out);
	return rc;
}

int store_pod_get(struct store *s, const char *ref, struct pod_rec *out, struct werr *err)
{
	bool own;

	if (store_int_begin(s, false, &own, err) < 0)
		return -1;
	return store_int_end(s, own, pod_get(s, ref, out, err), err);
}

static int pod_list(struct store *s, struct pod_rec **out, size_t *n, struct werr *err)
{
	sqlite3_stmt *st = store_int_stmt(s, P_LIST, sql_list, err);
	struct pod_rec *v = NULL;
	size_t cnt = 0;
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = store_int_step(s, st, err)) == 1) {
		v = xrealloc(v, (cnt + 1) * sizeof(*v));
		memset(&v[cnt], 0, sizeof(*v));
		row(st, &v[cnt++]);
	}
	if (rc < 0) {
		pod_recs_free(v, cnt);
		return -1;
	}
	*out = v;
	*n = cnt;
	return 0;
}

int store_pod_list(struct store *s, struct pod_rec **out, size_t *n, struct werr *err)
{
	bool own;

	if (store_int_begin(s, false, &own, err) < 0)
		return -1;
	return store_int_end(s, own, pod_list(s, out, n, err), err);
}

int store_pod_delete(struct store *s, const char *id, struct werr *err)
{
	sqlite3_stmt *st;
	bool own;
	int rc;

	if (store_int_begin(s, true, &own, err) < 0)
		return -1;
	st = store_int_stmt(s, P_DELETE, sql_delete, err);
	if (st == NULL)
		return store_int_end(s, own, -1, err);
	store_int_bind_str(st, 1, id);
	rc = store_int_step(s, st, err) < 0 ? -1 : 0;
	return store_int_end(s, own, rc, err);
}
