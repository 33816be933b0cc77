/* storecheck.h - consistency checks of the state database for `system
 * check`: sqlite's own check, and the layers the records name. */
#ifndef WARREN_STORECHECK_H
#define WARREN_STORECHECK_H

#include "lib/err.h"
#include "storage/store.h"

/* sqlite's quick_check of the database: 0 when it reports "ok", 1 with
 * *problem (malloc'd, its first complaint) when it finds damage, -1 when
 * it cannot run (err set). */
int store_quick_check(struct store *s, char **problem, struct werr *err);

/* The diff_ids the layers table records, NULL-terminated (malloc'd). */
int store_layer_ids(struct store *s, char ***out, struct werr *err);

/* Removes layer diff_id's record when no image names it any more (its dir
 * is gone: a repair). 1 removed, 0 still used or absent, -1 error. */
int store_layer_forget(struct store *s, const char *diff_id, struct werr *err);

#endif
