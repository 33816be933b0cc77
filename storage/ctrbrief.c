/* ctrbrief.c - all containers in one query, each with a brief config: a
 * listing (ps, GET /containers/json) reads a few fields of a container's
 * create options, and parsing each whole record (1-2 KiB of JSON) was most
 * of its time. SQLite's JSON functions take the fields out in the query,
 * and the brief config is a JSON object of the same shape with only them. */
#include "storage/store.h"

#include <stdio.h>
#include <string.h>

#include "lib/sbuf.h"
#include "lib/util.h"
#include "storage/store_int.h"

/* The fields kept, in the order of the query's last columns: a group's
 * fields next to each other. Readers of a listing's config (labels,
 * networks, ports, pod, health check: runtime/ctr_json.c, ctrfilter.c,
 * health.c, pods.c) must find theirs here. */
static const struct brief_key {
	const char *group; /* NULL: at the top */
	const char *key;
} brief_keys[] = {
    {NULL, "Pod"},
    {"Config", "Labels"},
    {"Config", "Healthcheck"},
    {"Config", "HealthcheckOnFailureAction"},
    {"NetConfig", "Mode"}, /* the bridge networks' names need no more of it */
    {"NetConfig", "Networks"},
    {"HostConfig", "NetworkMode"},
    {NULL, "PortMappings"},
};

static const char sql_list[] =
    "SELECT id, name, image_id, image_name, command, created, started, finished, state, pid,"
    " pid_start, exit_code, autoremove, driver, config IS NOT NULL,"
    " config -> '$.Pod', config -> '$.Config.Labels', config -> '$.Config.Healthcheck',"
    " config -> '$.Config.HealthcheckOnFailureAction', config -> '$.NetConfig.Mode',"
    " config -> '$.NetConfig.Networks',"
    " config -> '$.HostConfig.NetworkMode', config -> '$.PortMappings'"
    " FROM containers ORDER BY created DESC, id";

#define COL_HAS_CONFIG 14
#define COL_BRIEF      15

static bool same_group(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static void add_key(struct sbuf *b, bool *first, const char *key)
{
	if (!*first)
		sbuf_addc(b, ',');
	*first = false;
	sbuf_addc(b, '"');
	sbuf_addn(b, key, strlen(key));
	sbuf_addn(b, "\":", 2);
}

/* The brief config of the row: its absent, null and empty-list fields
 * left out (read as absent); the values are SQLite's JSON text of them. */
static char *brief_config(sqlite3_stmt *st)
{
	struct sbuf b = {0};
	const char *group = NULL;
	bool first = true, gfirst = true;

	if (sqlite3_column_int(st, COL_HAS_CONFIG) == 0)
		return NULL;
	sbuf_addc(&b, '{');
	for (size_t i = 0; i < ARRAY_SIZE(brief_keys); i++) {
		const struct brief_key *k = &brief_keys[i];
		const char *v = (const char *)sqlite3_column_text(st, COL_BRIEF + (int)i);

		if (v == NULL || strcmp(v, "null") == 0 || strcmp(v, "[]") == 0)
			continue;
		if (!same_group(group, k->group)) {
			if (group)
				sbuf_addc(&b, '}');
			group = k->group;
			if (group) {
				add_key(&b, &first, group);
				sbuf_addc(&b, '{');
				gfirst = true;
			}
		}
		add_key(&b, group ? &gfirst : &first, k->key);
		sbuf_addn(&b, v, strlen(v));
	}
	if (group)
		sbuf_addc(&b, '}');
	sbuf_addc(&b, '}');
	return sbuf_take(&b);
}

static int list_brief(struct store *s, struct container_rec **out, size_t *n, struct werr *err)
{
	sqlite3_stmt *st = store_int_stmt(s, STORE_SLOT_BRIEF, sql_list, err);
	struct container_rec *v = NULL;
	size_t k = 0, cap = 0;
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = store_int_step(s, st, err)) == 1) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		if (k + 1 >= cap) {
			cap = cap ? cap * 2 : 64;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[k] = (struct container_rec){0};
		snprintf(v[k].id, sizeof(v[k].id), "%s", id ? id : "");
		store_int_ctr_row(st, 1, &v[k]);
		v[k].config = brief_config(st);
		k++;
	}
	if (rc < 0) {
		container_recs_free(v, k);
		return -1;
	}
	*out = v ? v : xcalloc(1, sizeof(*v));
	*n = k;
	return 0;
}

int store_container_list_brief(struct store *s, struct container_rec **out, size_t *n,
			       struct werr *err)
{
	bool own;

	if (store_int_begin(s, false, &own, err) < 0)
		return -1;
	return store_int_end(s, own, list_brief(s, out, n, err), err);
}
