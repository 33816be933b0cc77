/* storecheck.c - the database side of `system check` (see storecheck.h),
 * through the statement slots store.c lends (store_int.h). */
#include "storage/storecheck.h"

#include <stdlib.h>
#include <string.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "storage/store_int.h"

enum {
	C_QUICK = STORE_SLOT_CHECK,
	C_LAYERS,
	C_FORGET,
};

int store_quick_check(struct store *s, char **problem, struct werr *err)
{
	sqlite3_stmt *st = store_int_stmt(s, C_QUICK, "PRAGMA quick_check", err);
	int rc;

	*problem = NULL;
	if (st == NULL)
		return -1;
	rc = store_int_step(s, st, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return 0;
	*problem = store_int_col_str(st, 0);
	if (*problem != NULL && strcmp(*problem, "ok") == 0) {
		free(*problem);
		*problem = NULL;
		return 0;
	}
	return 1;
}

int store_layer_ids(struct store *s, char ***out, struct werr *err)
{
	sqlite3_stmt *st = store_int_stmt(s, C_LAYERS, "SELECT diff_id FROM layers", err);
	char **v = xcalloc(1, sizeof(*v));
	int rc;

	if (st == NULL) {
		free(v);
		return -1;
	}
	while ((rc = store_int_step(s, st, err)) == 1) {
		cleanup_free char *id = store_int_col_str(st, 0);
		if (id != NULL)
			v = strv_append(v, id);
	}
	if (rc < 0) {
		strv_free(v);
		return -1;
	}
	*out = v;
	return 0;
}

int store_layer_forget(struct store *s, const char *diff_id, struct werr *err)
{
	sqlite3_stmt *st =
	    store_int_stmt(s, C_FORGET,
			   "DELETE FROM layers WHERE diff_id = ?1 AND NOT EXISTS "
			   "(SELECT 1 FROM image_layers WHERE image_layers.diff_id = ?1)",
			   err);

	if (st == NULL)
		return -1;
	store_int_bind_str(st, 1, diff_id);
	if (store_int_step(s, st, err) < 0)
		return -1;
	return store_int_changes(s) > 0;
}
