/* store_int.h - what store.c lends the other files of storage/ that keep
 * their own tables in the state database (volume.c): cached statements in
 * extension slots, stepping and the transaction helpers. Not for use
 * outside storage/. */
#ifndef WARREN_STORE_INT_H
#define WARREN_STORE_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h"

struct store;
struct image_rec;

/* The schema version this warren writes (its history: store.c). */
#define STORE_SCHEMA_VERSION 5

/* schema.c: creates the tables of a new database, upgrades an older one
 * in place, refuses a newer one (err set, -1). */
int store_int_schema(sqlite3 *db, struct werr *err);
/* schema.c: runs sql (statements without results) on db; -1 with err set. */
int store_int_exec(sqlite3 *db, const char *sql, struct werr *err);

/* Statement slots for the other files: each file owns a range. */
#define STORE_EXT_SLOTS	  32
#define STORE_SLOT_VOLUME 0  /* volume.c: 0..19 */
#define STORE_SLOT_CHECK  20 /* storecheck.c: 20..23 */
#define STORE_SLOT_POD	  24 /* pod.c: 24..29 */
#define STORE_SLOT_BRIEF  30 /* ctrbrief.c: 30 */

/* The statement sql, prepared on first use and cached in slot, reset and
 * unbound; NULL with err set. */
sqlite3_stmt *store_int_stmt(struct store *s, int slot, const char *sql, struct werr *err);
int store_int_step(struct store *s, sqlite3_stmt *st, struct werr *err);
void store_int_bind_str(sqlite3_stmt *st, int i, const char *v);
char *store_int_col_str(sqlite3_stmt *st, int i);
int store_int_begin(struct store *s, bool write, bool *own, struct werr *err);
int store_int_end(struct store *s, bool own, int rc, struct werr *err);
int store_int_changes(struct store *s);
struct container_rec;
/* The columns name, image_id, image_name, command, created, started,
 * finished, state, pid, pid_start, exit_code, autoremove, driver of a
 * containers row, from column i of st on, into c (not its id or config). */
void store_int_ctr_row(sqlite3_stmt *st, int i, struct container_rec *c);

/* A handle around db, an open read-only database of the store at dir
 * (store.c); the handle owns db. */
struct store *store_int_wrap(sqlite3 *db, const char *dir);
/* store_ro.c: opens the store at dir read-only after checking that it can
 * be trusted; NULL with err set. */
struct store *store_int_open_ro(const char *dir, struct werr *err);
/* store_ro.c: appends to *v (n images) those of ro (at dir) that it does
 * not hold already. */
void store_int_list_append_ro(struct store *ro, const char *dir, struct image_rec **v, size_t *n);

#endif
