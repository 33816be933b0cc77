/* store.c - the state database: SQLite in WAL mode with a busy timeout, so
 * two commands of the same user can run at once. Every public call runs in
 * its own transaction unless the caller opened one with store_begin().
 *
 * Opening is on the `run --rm` hot path: the schema is only created when the
 * version table is missing (journal_mode=WAL is persistent in the file, so it
 * is only set then), and statements are prepared lazily on first use and
 * cached for the life of the handle. */
#include "storage/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/util.h"
#include "storage/store_int.h"

enum stmt_id {
	S_BEGIN,
	S_BEGIN_IMM,
	S_COMMIT,
	S_ROLLBACK,
	S_META_GET,
	S_META_SET,
	S_IMG_EXISTS,
	S_IMG_INSERT,
	S_IMG_ROW,
	S_IMG_PREFIX,
	S_IMG_LIST,
	S_IMG_DEL,
	S_LIST_UPDATE,
	S_NAME_LOOKUP,
	S_NAME_SET,
	S_NAME_DEL,
	S_NAMES_OF,
	S_NAMES_DEL,
	S_DIGESTS_OF,
	S_DIGEST_ADD,
	S_DIGESTS_DEL,
	S_IMG_SET_DIGEST,
	S_IL_INSERT,
	S_IL_OF,
	S_IL_DEL,
	S_IL_USED,
	S_LAYER_ADD,
	S_LAYER_EXISTS,
	S_LAYER_SIZE,
	S_LAYER_DEL,
	S_LAYER_BLOB,
	S_LAYER_SET_BLOB,
	S_BLOB_USED,
	S_CTR_INSERT,
	S_CTR_BY_NAME,
	S_CTR_EXISTS,
	S_CTR_PREFIX,
	S_CTR_ROW,
	S_CTR_LIST,
	S_CTR_UPDATE,
	S_CTR_DEL,
	S_CTR_IMG_USERS,
	S_CTR_RENAME,
	S_CTR_SET_CONFIG,
	S_COUNT
};

static const char *const stmt_sql[S_COUNT] = {
    [S_BEGIN] = "BEGIN",
    [S_BEGIN_IMM] = "BEGIN IMMEDIATE",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    [S_META_SET] = "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)",
    [S_IMG_EXISTS] = "SELECT 1 FROM images WHERE id = ?1",
    [S_IMG_INSERT] = "INSERT INTO images(id, digest, created, stored, size, config, manifest,"
		     " kind, instances) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [S_IMG_ROW] = "SELECT digest, created, stored, size, config, manifest, kind, instances"
		  " FROM images WHERE id = ?1",
    [S_IMG_PREFIX] = "SELECT id FROM images WHERE id >= ?1 AND id < ?1 || '~' LIMIT 2",
    [S_IMG_LIST] = "SELECT id FROM images ORDER BY created DESC, stored DESC, id",
    [S_IMG_DEL] = "DELETE FROM images WHERE id = ?1",
    [S_LIST_UPDATE] = "UPDATE images SET digest = ?2, size = ?3, manifest = ?4, instances = ?5"
		      " WHERE id = ?1 AND kind = 1",
    [S_NAME_LOOKUP] = "SELECT image_id FROM image_names WHERE name = ?1",
    [S_NAME_SET] = "INSERT OR REPLACE INTO image_names(name, image_id) VALUES(?1, ?2)",
    [S_NAME_DEL] = "DELETE FROM image_names WHERE name = ?1 AND image_id = ?2",
    [S_NAMES_OF] = "SELECT name FROM image_names WHERE image_id = ?1 ORDER BY name",
    [S_NAMES_DEL] = "DELETE FROM image_names WHERE image_id = ?1",
    [S_DIGESTS_OF] = "SELECT digest FROM image_digests WHERE image_id = ?1 ORDER BY digest",
    [S_DIGEST_ADD] = "INSERT OR IGNORE INTO image_digests(image_id, digest) VALUES(?1, ?2)",
    [S_DIGESTS_DEL] = "DELETE FROM image_digests WHERE image_id = ?1",
    /* an image recorded without a manifest (loaded from an archive) gets
     * the first one it is pulled with */
    [S_IMG_SET_DIGEST] = "UPDATE images SET digest = ?2, manifest = ?3"
			 " WHERE id = ?1 AND digest IS NULL",
    [S_IL_INSERT] = "INSERT INTO image_layers(image_id, idx, diff_id) VALUES(?1, ?2, ?3)",
    [S_IL_OF] = "SELECT diff_id FROM image_layers WHERE image_id = ?1 ORDER BY idx",
    [S_IL_DEL] = "DELETE FROM image_layers WHERE image_id = ?1",
    [S_IL_USED] = "SELECT 1 FROM image_layers WHERE diff_id = ?1 LIMIT 1",
    /* an upsert: a new size keeps the blob columns */
    [S_LAYER_ADD] = "INSERT INTO layers(diff_id, size) VALUES(?1, ?2)"
		    " ON CONFLICT(diff_id) DO UPDATE SET size = excluded.size",
    [S_LAYER_EXISTS] = "SELECT 1 FROM layers WHERE diff_id = ?1",
    [S_LAYER_SIZE] = "SELECT size FROM layers WHERE diff_id = ?1",
    [S_LAYER_DEL] = "DELETE FROM layers WHERE diff_id = ?1",
    [S_LAYER_BLOB] = "SELECT blob, media_type, blob_size FROM layers"
		     " WHERE diff_id = ?1 AND blob IS NOT NULL",
    [S_LAYER_SET_BLOB] = "UPDATE layers SET blob = ?2, media_type = ?3, blob_size = ?4"
			 " WHERE diff_id = ?1",
    [S_BLOB_USED] = "SELECT 1 FROM layers WHERE blob = ?1 LIMIT 1",
    [S_CTR_INSERT] = "INSERT INTO containers(id, name, image_id, image_name, command, created,"
		     " started, finished, state, pid, pid_start, exit_code, autoremove, driver,"
		     " config) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
		     " ?14, ?15)",
    [S_CTR_BY_NAME] = "SELECT id FROM containers WHERE name = ?1",
    [S_CTR_EXISTS] = "SELECT id FROM containers WHERE id = ?1",
    [S_CTR_PREFIX] = "SELECT id FROM containers WHERE id >= ?1 AND id < ?1 || '~' LIMIT 2",
    [S_CTR_ROW] = "SELECT name, image_id, image_name, command, created, started, finished,"
		  " state, pid, pid_start, exit_code, autoremove, driver, config"
		  " FROM containers WHERE id = ?1",
    [S_CTR_LIST] = "SELECT id FROM containers ORDER BY created DESC, id",
    [S_CTR_UPDATE] = "UPDATE containers SET state = ?2, pid = ?3, pid_start = ?4,"
		     " exit_code = ?5, started = ?6, finished = ?7 WHERE id = ?1",
    [S_CTR_DEL] = "DELETE FROM containers WHERE id = ?1",
    [S_CTR_IMG_USERS] = "SELECT count(*) FROM containers WHERE image_id = ?1",
    [S_CTR_RENAME] = "UPDATE containers SET name = ?2 WHERE id = ?1",
    [S_CTR_SET_CONFIG] = "UPDATE containers SET config = ?2 WHERE id = ?1",
};

struct store {
	sqlite3 *db;
	bool in_txn; /* inside store_begin() */
	sqlite3_stmt *st[S_COUNT];
	sqlite3_stmt *ext[STORE_EXT_SLOTS]; /* the other storage files' statements */
	char *dir;			    /* a read-only store: its dir, else NULL */
	struct store **ro;		    /* the additional read-only image stores */
	size_t nro;
};

static int db_err(struct store *s, struct werr *err, const char *what)
{
	return werr_set(err, 0, "database: %s: %s", what, sqlite3_errmsg(s->db));
}

/* Prepares (once) or resets statement sql cached in slot *p. */
static sqlite3_stmt *stmt_cached(struct store *s, sqlite3_stmt **p, const char *sql,
				 struct werr *err)
{
	if (*p == NULL) {
		if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, p, NULL) !=
		    SQLITE_OK) {
			db_err(s, err, "prepare");
			return NULL;
		}
	} else {
		sqlite3_reset(*p);
		sqlite3_clear_bindings(*p);
	}
	return *p;
}

/* The cached statement id, reset and unbound; NULL with err set. */
static sqlite3_stmt *stmt(struct store *s, enum stmt_id id, struct werr *err)
{
	return stmt_cached(s, &s->st[id], stmt_sql[id], err);
}

/* The statement of another storage file in extension slot slot. */
sqlite3_stmt *store_int_stmt(struct store *s, int slot, const char *sql, struct werr *err)
{
	if (slot < 0 || slot >= STORE_EXT_SLOTS) {
		werr_set(err, EINVAL, "database: statement slot %d out of range", slot);
		return NULL;
	}
	return stmt_cached(s, &s->ext[slot], sql, err);
}

/* Steps st: 1 for a row, 0 when done, -1 on error. */
static int step(struct store *s, sqlite3_stmt *st, struct werr *err)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	if (rc == SQLITE_CONSTRAINT)
		return werr_set(err, EEXIST, "database: %s", sqlite3_errmsg(s->db));
	return db_err(s, err, "query");
}

static void bind_str(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

static char *col_str(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t == NULL ? NULL : xstrdup((const char *)t);
}

/* Runs a statement taking one text argument that returns no rows. */
static int exec1(struct store *s, enum stmt_id id, const char *a, struct werr *err)
{
	sqlite3_stmt *st = stmt(s, id, err);

	if (st == NULL)
		return -1;
	bind_str(st, 1, a);
	return step(s, st, err) < 0 ? -1 : 0;
}

/* Single text column of the first row of statement id(a): 1 found (*out
 * malloc'd, may be NULL if out is NULL), 0 none, -1 error. */
static int query1(struct store *s, enum stmt_id id, const char *a, char **out, struct werr *err)
{
	sqlite3_stmt *st = stmt(s, id, err);
	int rc;

	if (st == NULL)
		return -1;
	bind_str(st, 1, a);
	rc = step(s, st, err);
	if (rc == 1 && out != NULL)
		*out = col_str(st, 0);
	return rc;
}

/* All rows of a one-text-column query as a NULL-terminated vector. */
static int query_strv(struct store *s, enum stmt_id id, const char *a, char ***out,
		      struct werr *err)
{
	sqlite3_stmt *st = stmt(s, id, err);
	cleanup_strv char **v = xcalloc(1, sizeof(char *));
	int rc;

	if (st == NULL)
		return -1;
	bind_str(st, 1, a);
	while ((rc = step(s, st, err)) == 1)
		v = strv_append(v, (const char *)sqlite3_column_text(st, 0));
	if (rc < 0)
		return -1;
	*out = steal_pointer(&v);
	return 0;
}

/* True when dir holds anything but warren.db, its -shm and an empty -wal. */
static bool store_has_data(const char *dir)
{
	cleanup_dir DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return errno != ENOENT;
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, "warren.db") == 0 ||
		    strcmp(de->d_name, "warren.db-shm") == 0)
			continue;
		if (strcmp(de->d_name, "warren.db-wal") == 0 &&
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_size == 0)
			continue;
		return true;
	}
	return false;
}

/* SQLite takes a zero-byte file for a new, empty database (and deletes its
 * WAL): after a truncation that would show an empty store over layers and
 * containers that still exist, and the next write would build a fresh schema
 * over them (issue 5 item 13). Refuse instead, unless there is nothing to lose. */
static int check_not_truncated(const char *dir, const char *path, struct werr *err)
{
	struct stat st;

	if (stat(path, &st) < 0 || st.st_size != 0 || !store_has_data(dir))
		return 0;
	werr_set(err, 0,
		 "database '%s' is empty (0 bytes) but the store '%s' holds data (the database "
		 "was truncated): restore warren.db from a backup, or remove the whole store to "
		 "start afresh ('warren unshare rm -rf %s' rootless, 'rm -rf %s' as root)",
		 path, dir, dir, dir);
	return werr_status(err, 125);
}

/* A new store (warren.db absent or empty) is created under an exclusive
 * flock of its dir: two commands that start on a new store at once would
 * otherwise race, the second finding the first's 0-byte database next to
 * its WAL and taking that for a truncated store. Returns the locked fd, or
 * -1 when the store is not new or cannot be locked (then as before). */
static int lock_new_store(const char *dir, const char *path)
{
	struct stat st;
	int fd;

	if (stat(path, &st) == 0 && st.st_size > 0)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	return fd;
}

static struct store *open_db(const char *dir, const char *path, struct werr *err)
{
	struct store *s = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	int one = 1;

	if (check_not_truncated(dir, path, err) < 0)
		return NULL;
	s = xcalloc(1, sizeof(*s));
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		werr_set(err, 0, "open database '%s': %s", path,
			 s->db ? sqlite3_errmsg(s->db) : "out of memory");
		store_close(s);
		return NULL;
	}
	sqlite3_busy_timeout(s->db, 10000);
	/* Keep -wal/-shm between commands: recreating them on every open
	 * costs about a millisecond. But the first connection of a command
	 * recovers the wal-index by reading the whole WAL, so keep the WAL
	 * short: checkpoint every 32 pages (the default 1000 let it grow to
	 * 4 MB, read and checksummed by every command: ~3 ms). */
	sqlite3_file_control(s->db, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	if (store_int_exec(s->db, "PRAGMA synchronous=NORMAL", err) < 0 ||
	    store_int_exec(s->db, "PRAGMA wal_autocheckpoint=32", err) < 0 ||
	    store_int_schema(s->db, err) < 0) {
		werr_wrap(err, "open database '%s'", path);
		store_close(s);
		return NULL;
	}
	return s;
}

/* Opens <dir>/warren.db, creating it and its schema on first use. */
struct store *store_open(const char *dir, struct werr *err)
{
	cleanup_free char *path = xasprintf("%s/warren.db", dir);
	int guard = lock_new_store(dir, path);
	struct store *s = open_db(dir, path, err);

	if (guard >= 0)
		close(guard);
	return s;
}

/* ---- read-only image stores (storage.conf additionalimagestores) ---- */

int store_add_readonly(struct store *s, const char *dir, struct werr *err)
{
	struct store *r = store_int_open_ro(dir, err);

	if (r == NULL)
		return -1;
	s->ro = xrealloc(s->ro, (s->nro + 1) * sizeof(*s->ro));
	s->ro[s->nro++] = r;
	return 0;
}

const char *store_readonly_dir(struct store *s, size_t i)
{
	return i < s->nro ? s->ro[i]->dir : NULL;
}

struct store *store_int_wrap(sqlite3 *db, const char *dir)
{
	struct store *r = xcalloc(1, sizeof(*r));

	r->db = db;
	r->dir = xstrdup(dir);
	return r;
}

/* Closes the database (NULL is fine); an open transaction is rolled back. */
void store_close(struct store *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	for (int i = 0; i < STORE_EXT_SLOTS; i++)
		sqlite3_finalize(s->ext[i]);
	sqlite3_close_v2(s->db);
	for (size_t i = 0; i < s->nro; i++)
		store_close(s->ro[i]);
	free(s->ro);
	free(s->dir);
	free(s);
}

static void reset_all(struct store *s)
{
	for (int i = 0; i < S_COUNT; i++)
		if (s->st[i] != NULL)
			sqlite3_reset(s->st[i]);
	for (int i = 0; i < STORE_EXT_SLOTS; i++)
		if (s->ext[i] != NULL)
			sqlite3_reset(s->ext[i]);
}

/* Starts a transaction unless the caller holds one; *own says whether we did. */
static int tx_begin(struct store *s, bool write, bool *own, struct werr *err)
{
	*own = false;
	if (s->in_txn)
		return 0;
	if (exec1(s, write ? S_BEGIN_IMM : S_BEGIN, NULL, err) < 0)
		return werr_wrap(err, "begin transaction");
	*own = true;
	return 0;
}

/* Ends what tx_begin started: commits if rc >= 0, else rolls back. Returns rc
 * (or -1 if the commit failed). */
static int tx_end(struct store *s, bool own, int rc, struct werr *err)
{
	if (!own)
		return rc;
	reset_all(s);
	if (rc < 0) {
		exec1(s, S_ROLLBACK, NULL, NULL);
		return rc;
	}
	if (exec1(s, S_COMMIT, NULL, err) < 0) {
		exec1(s, S_ROLLBACK, NULL, NULL);
		return werr_wrap(err, "commit");
	}
	return rc;
}

/* Opens an explicit write transaction grouping the following calls. */
int store_begin(struct store *s, struct werr *err)
{
	bool own;

	if (s->in_txn)
		return werr_set(err, EBUSY, "database: transaction already open");
	if (tx_begin(s, true, &own, err) < 0)
		return -1;
	s->in_txn = true;
	return 0;
}

/* Commits the transaction opened by store_begin(). */
int store_commit(struct store *s, struct werr *err)
{
	s->in_txn = false;
	return tx_end(s, true, 0, err);
}

/* Rolls back the transaction opened by store_begin(). */
void store_rollback(struct store *s)
{
	if (!s->in_txn)
		return;
	s->in_txn = false;
	tx_end(s, true, -1, NULL);
}

/* Reads metadata key; *out malloc'd, NULL if unset. */
int store_meta_get(struct store *s, const char *key, char **out, struct werr *err)
{
	char *v = NULL;
	bool own;
	int rc;

	if (tx_begin(s, false, &own, err) < 0)
		return -1;
	rc = tx_end(s, own, query1(s, S_META_GET, key, &v, err), err);
	if (rc < 0) {
		free(v);
		return -1;
	}
	*out = v;
	return 0;
}

static int meta_set(struct store *s, const char *key, const char *value, struct werr *err)
{
	sqlite3_stmt *st = stmt(s, S_META_SET, err);

	if (st == NULL)
		return -1;
	bind_str(st, 1, key);
	bind_str(st, 2, value);
	return step(s, st, err) < 0 ? -1 : 0;
}

/* Sets metadata key to value. */
int store_meta_set(struct store *s, const char *key, const char *value, struct werr *err)
{
	bool own;

	if (tx_begin(s, true, &own, err) < 0)
		return -1;
	return tx_end(s, own, meta_set(s, key, value, err), err);
}

/* ---- images ---- */

static const char *strip_sha(const char *id)
{
	return str_has_prefix(id, "sha256:") ? id + 7 : id;
}

static int name_set(struct store *s, const char *name, const char *id, struct werr *err)
{
	sqlite3_stmt *st = stmt(s, S_NAME_SET, err);

	if (st == NULL)
		return -1;
	bind_str(st, 1, name);
	bind_str(st, 2, id);
	return step(s, st, err) < 0 ? -1 : 0;
}

static int image_insert(struct store *s, const struct image_rec *r, struct werr *err)
{
	sqlite3_stmt *st = stmt(s, S_IMG_INSERT, err);

	if (st == NULL)
		return -1;
	bind_str(st, 1, r->id);
	bind_str(st, 2, r->digest);
	sqlite3_bind_int64(st, 3, r->created);
	sqlite3_bind_int64(st, 4, r->stored ? r->stored : now_ns());
	sqlite3_bind_int64(st, 5, r->size);
	bind_str(st, 6, r->config);
	bind_str(st, 7, r->manifest);
	sqlite3_bind_int(st, 8, r->list ? IMAGE_KIND_LIST : IMAGE_KIND_IMAGE);
	bind_str(st, 9, r->instances);
	if (step(s, st, err) < 0)
		return -1;
	for (size_t i = 0; r->layers != NULL && r->layers[i] != NULL; i++) {
		st = stmt(s, S_IL_INSERT, err);
		if (st == NULL)
			return -1;
		bind_str(st, 1, r->id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		bind_str(st, 3, r->layers[i]);
		if (step(s, st, err) < 0)
			return -1;
	}
	return 0;
}

/* The image id exists: r's manifest digest is one more it is known by
 * (the first one, when it was recorded without any). */
static int digest_add(struct store *s, const struct image_rec *r, struct werr *err)
{
	sqlite3_stmt *st = stmt(s, S_IMG_SET_DIGEST, err);

	if (st == NULL)
		return -1;
	bind_str(st, 1, r->id);
	bind_str(st, 2, r->digest);
	bind_str(st, 3, r->manifest);
	if (step(s, st, err) < 0)
		return -1;
	if (sqlite3_changes(s->db) > 0)
		return 0;
	st = stmt(s, S_DIGEST_ADD, err);
	if (st == NULL)
		return -1;
	bind_str(st, 1, r->id);
	bind_str(st, 2, r->digest);
	return step(s, st, err) < 0 ? -1 : 0;
}

static int image_add(struct store *s, const struct image_rec *r, struct werr *err)
{
	int rc = query1(s, S_IMG_EXISTS, r->id, NULL, err);

	if (rc < 0)
		return -1;
	if (rc == 0 && image_insert(s, r, err) < 0)
		return -1;
	if (rc == 1 && r->digest != NULL && !r->list && digest_add(s, r, err) < 0)
		return -1;
	for (size_t i = 0; r->names != NULL && r->names[i] != NULL; i++)
		if (name_set(s, r->names[i], r->id, err) < 0)
			return -1;
	return 0;
}

/* Adds image r, or adds r's names to the existing image with its id. */
int store_image_add(struct store *s, const struct image_rec *r, struct werr *err)
{
	bool own;

	if (!str_is_hex(r->id, DIGEST_HEX_LEN) || strlen(r->id) != DIGEST_HEX_LEN)
		return werr_set(err, EINVAL, "invalid image id '%s'", r->id);
	if (tx_begin(s, true, &own, err) < 0)
		return -1;
	if (tx_end(s, own, image_add(s, r, err), err) < 0)
		return werr_wrap(err, "add image %.12s", r->id);
	return 0;
}

/* r->digests: r->digest first, then the others the image is known by. A
 * read-only store older than version 5 has no table of them: none. */
static int image_digests(struct store *s, struct image_rec *r, struct werr *err)
{
	cleanup_strv char **more = NULL;
	struct werr e2 = {0};

	if (query_strv(s, S_DIGESTS_OF, r->id, &more, &e2) < 0 && s->dir == NULL) {
		*err = e2;
		return -1;
	}
	if (r->digest != NULL)
		r->digests = strv_append(r->digests, r->digest);
	for (size_t i = 0; more && more[i]; i++)
		if (!strv_contains(r->digests, more[i]))
			r->digests = strv_append(r->digests, more[i]);
	return 0;
}

/* Fills out for the image with full id: 1, 0 if absent, -1 error. */
static int image_load(struct store *s, const char *id, struct image_rec *out, struct werr *err)
{
	sqlite3_stmt *st = stmt(s, S_IMG_ROW, err);
	struct image_rec r = {0};
	int rc;

	if (st == NULL)
		return -1;
	bind_str(st, 1, id);
	rc = step(s, st, err);
	if (rc <= 0)
		return rc;
	snprintf(r.id, sizeof(r.id), "%s", id);
	r.digest = col_str(st, 0);
	r.created = sqlite3_column_int64(st, 1);
	r.stored = sqlite3_column_int64(st, 2);
	r.size = sqlite3_column_int64(st, 3);
	r.config = col_str(st, 4);
	r.manifest = col_str(st, 5);
	r.list = sqlite3_column_int(st, 6) == IMAGE_KIND_LIST;
	r.instances = col_str(st, 7);
	if (query_strv(s, S_NAMES_OF, id, &r.names, err) < 0 ||
	    query_strv(s, S_IL_OF, id, &r.layers, err) < 0 || image_digests(s, &r, err) < 0) {
		image_rec_free(&r);
		return -1;
	}
	*out = r;
	return 1;
}

/* Resolves a unique id prefix with statement id: 1 (*full malloc'd), 0, -1. */
static int resolve_prefix(struct store *s, enum stmt_id id, const char *prefix, char **full,
			  struct werr *err)
{
	sqlite3_stmt *st;
	int rc;

	/* containers: any prefix, as Podman's (images: 3 characters at least) */
	bool ctr = id == S_CTR_PREFIX;

	if (strlen(prefix) < (ctr ? 1 : 3) || strlen(prefix) > DIGEST_HEX_LEN ||
	    !str_is_hex(prefix, strlen(prefix)))
		return 0;
	st = stmt(s, id, err);
	if (st == NULL)
		return -1;
	bind_str(st, 1, prefix);
	rc = step(s, st, err);
	if (rc <= 0)
		return rc;
	*full = col_str(st, 0);
	rc = step(s, st, err);
	if (rc != 0) {
		free(*full);
		*full = NULL;
		if (rc < 0)
			return -1;
		if (ctr)
			return werr_set(err, 0,
					"more than one result for container ID %s: container "
					"already exists",
					prefix);
		return werr_set(err, 0, "short id '%s' is ambiguous", prefix);
	}
	return 1;
}

static int image_get(struct store *s, const char *ref, struct image_rec *out, struct werr *err)
{
	cleanup_free char *id = NULL;
	const char *hex = strip_sha(ref);
	int rc = query1(s, S_NAME_LOOKUP, ref, &id, err);

	if (rc != 0)
		return rc < 0 ? -1 : image_load(s, id, out, err);
	if (strlen(hex) == DIGEST_HEX_LEN) {
		rc = image_load(s, hex, out, err);
		if (rc != 0)
			return rc;
	}
	rc = resolve_prefix(s, S_IMG_PREFIX, hex, &id, err);
	if (rc <= 0)
		return rc;
	return image_load(s, id, out, err);
}

/* Finds an image by full name, id or unique id prefix: 1, 0, -1. The
 * store's own images first, then those of its read-only stores in order
 * (out->ro_store says which); each is read in one read transaction of its
 * database, so an image its owner is still recording is not there yet. */
int store_image_get(struct store *s, const char *ref, struct image_rec *out, struct werr *err)
{
	bool own;
	int rc;

	if (tx_begin(s, false, &own, err) < 0)
		return -1;
	rc = tx_end(s, own, image_get(s, ref, out, err), err);
	for (size_t i = 0; rc == 0 && i < s->nro; i++) {
		rc = store_image_get(s->ro[i], ref, out, err);
		if (rc < 0)
			werr_wrap(err, "read-only image store '%s'", s->ro[i]->dir);
	}
	if (rc > 0 && s->dir != NULL && out->ro_store == NULL)
		out->ro_store = xstrdup(s->dir);
	return rc;
}

static int image_list(struct store *s, struct image_rec **out, size_t *n, struct werr *err)
{
	cleanup_strv char **ids = NULL;
	struct image_rec *v;
	size_t k = 0, cnt;

	if (query_strv(s, S_IMG_LIST, NULL, &ids, err) < 0)
		return -1;
	cnt = strv_len(ids);
	v = xcalloc(cnt + 1, sizeof(*v));
	for (size_t i = 0; i < cnt; i++) {
		int rc = image_load(s, ids[i], &v[k], err);
		if (rc < 0) {
			image_recs_free(v, k);
			return -1;
		}
		k += rc;
	}
	*out = v;
	*n = k;
	return 0;
}

/* All images, newest first (those of read-only stores after the user's
 * own); free with image_recs_free(). */
int store_image_list(struct store *s, struct image_rec **out, size_t *n, struct werr *err)
{
	bool own;

	if (tx_begin(s, false, &own, err) < 0)
		return -1;
	if (tx_end(s, own, image_list(s, out, n, err), err) < 0)
		return -1;
	for (size_t i = 0; i < s->nro; i++)
		store_int_list_append_ro(s->ro[i], s->ro[i]->dir, out, n);
	return 0;
}

static int image_tag(struct store *s, const char *id, const char *name, struct werr *err)
{
	int rc = query1(s, S_IMG_EXISTS, id, NULL, err);

	if (rc < 0)
		return -1;
	if (rc == 0)
		return werr_set(err, ENOENT, "no such image %s", id);
	return name_set(s, name, id, err);
}

/* Gives image id the name (taking it from another image if needed). */
int store_image_tag(struct store *s, const char *id, const char *name, struct werr *err)
{
	bool own;

	if (tx_begin(s, true, &own, err) < 0)
		return -1;
	return tx_end(s, own, image_tag(s, strip_sha(id), name, err), err);
}

static int image_untag(struct store *s, const char *id, const char *name, struct werr *err)
{
	sqlite3_stmt *st = stmt(s, S_NAME_DEL, err);

	if (st == NULL)
		return -1;
	bind_str(st, 1, name);
	bind_str(st, 2, id);
	if (step(s, st, err) < 0)
		return -1;
	if (sqlite3_changes(s->db) == 0)
		return werr_set(err, ENOENT, "image %.12s has no name '%s'", id, name);
	return 0;
}

/* Removes one name of image id. */
int store_image_untag(struct store *s, const char *id, const char *name, struct werr *err)
{
	bool own;

	if (tx_begin(s, true, &own, err) < 0)
		return -1;
	return tx_end(s, own, image_untag(s, strip_sha(id), name, err), err);
}

static int list_update(struct store *s, const struct image_rec *r, struct werr *err)
{
	sqlite3_stmt *st = stmt(s, S_LIST_UPDATE, err);

	if (st == NULL)
		return -1;
	bind_str(st, 1, r->id);
	bind_str(st, 2, r->digest);
	sqlite3_bind_int64(st, 3, r->size);
	bind_str(st, 4, r->manifest);
	bind_str(st, 5, r->instances);
	if (step(s, st, err) < 0)
		return -1;
	if (sqlite3_changes(s->db) == 0)
		return werr_set(err, ENOENT, "no manifest list %s", r->id);
	return 0;
}

/* Writes the digest, size, manifest and instances of list r->id. */
int store_list_update(struct store *s, const struct image_rec *r, struct werr *err)
{
	bool own;

	if (tx_begin(s, true, &own, err) < 0)
		return -1;
	return tx_end(s, own, list_update(s, r, err), err);
}

/* Deletes image id and the layer rows only it used; those go to *unused. */
static int image_delete(struct store *s, const char *id, char ***unused, struct werr *err)
{
	cleanup_strv char **layers = NULL;
	cleanup_strv char **gone = xcalloc(1, sizeof(char *));
	int rc = query1(s, S_IMG_EXISTS, id, NULL, err);

	if (rc <= 0)
		return rc < 0 ? -1 : werr_set(err, ENOENT, "no such image %s", id);
	if (query_strv(s, S_IL_OF, id, &layers, err) < 0 || exec1(s, S_NAMES_DEL, id, err) < 0 ||
	    exec1(s, S_DIGESTS_DEL, id, err) < 0 || exec1(s, S_IL_DEL, id, err) < 0 ||
	    exec1(s, S_IMG_DEL, id, err) < 0)
		return -1;
	for (size_t i = 0; layers[i] != NULL; i++) {
		if (strv_contains(gone, layers[i]))
			continue;
		rc = query1(s, S_IL_USED, layers[i], NULL, err);
		if (rc < 0)
			return -1;
		if (rc == 1)
			continue;
		if (exec1(s, S_LAYER_DEL, layers[i], err) < 0)
			return -1;
		gone = strv_append(gone, layers[i]);
	}
	if (unused != NULL)
		*unused = steal_pointer(&gone);
	return 0;
}

/* Deletes an image; *unused gets the diff_ids no other image uses. */
int store_image_delete(struct store *s, const char *id, char ***unused, struct werr *err)
{
	char **gone = NULL;
	bool own;

	if (tx_begin(s, true, &own, err) < 0)
		return -1;
	if (tx_end(s, own, image_delete(s, strip_sha(id), &gone, err), err) < 0) {
		strv_free(gone);
		return -1;
	}
	if (unused != NULL)
		*unused = gone;
	else
		strv_free(gone);
	return 0;
}

static int layer_add(struct store *s, const char *diff_id, int64_t size, struct werr *err)
{
	sqlite3_stmt *st = stmt(s, S_LAYER_ADD, err);

	if (st == NULL)
		return -1;
	bind_str(st, 1, diff_id);
	sqlite3_bind_int64(st, 2, size);
	return step(s, st, err) < 0 ? -1 : 0;
}

/* Records layer diff_id (replacing its size if present). */
int store_layer_add(struct store *s, const char *diff_id, int64_t size, struct werr *err)
{
	bool own;

	if (tx_begin(s, true, &own, err) < 0)
		return -1;
	return tx_end(s, own, layer_add(s, diff_id, size, err), err);
}

/* 1 if layer diff_id is recorded, 0 if not, -1 on error. */
int store_layer_exists(struct store *s, const char *diff_id, struct werr *err)
{
	bool own;

	if (tx_begin(s, false, &own, err) < 0)
		return -1;
	return tx_end(s, own, query1(s, S_LAYER_EXISTS, diff_id, NULL, err), err);
}

static int layer_set_blob(struct store *s, const char *diff_id, const struct layer_blob *b,
			  struct werr *err)
{
	sqlite3_stmt *st = stmt(s, S_LAYER_SET_BLOB, err);

	if (st == NULL)
		return -1;
	bind_str(st, 1, diff_id);
	bind_str(st, 2, b->digest);
	bind_str(st, 3, b->media_type);
	sqlite3_bind_int64(st, 4, b->size);
	return step(s, st, err) < 0 ? -1 : 0;
}

/* Records layer diff_id with its size and, when blob is not NULL, its blob. */
int store_layer_add_blob(struct store *s, const char *diff_id, int64_t size,
			 const struct layer_blob *blob, struct werr *err)
{
	bool own;
	int rc;

	if (blob != NULL && (!digest_valid(blob->digest) || blob->media_type[0] == '\0'))
		return werr_set(err, EINVAL, "layer %s: invalid blob '%s'", diff_id, blob->digest);
	if (tx_begin(s, true, &own, err) < 0)
		return -1;
	rc = layer_add(s, diff_id, size, err);
	if (rc == 0 && blob != NULL)
		rc = layer_set_blob(s, diff_id, blob, err);
	return tx_end(s, own, rc, err);
}

static int layer_blob(struct store *s, const char *diff_id, struct layer_blob *out,
		      struct werr *err)
{
	sqlite3_stmt *st = stmt(s, S_LAYER_BLOB, err);
	const unsigned char *d, *mt;
	int rc;

	if (st == NULL)
		return -1;
	bind_str(st, 1, diff_id);
	rc = step(s, st, err);
	if (rc <= 0)
		return rc;
	d = sqlite3_column_text(st, 0);
	mt = sqlite3_column_text(st, 1);
	if (d == NULL || !digest_valid((const char *)d) || mt == NULL)
		return 0; /* a row with a damaged blob column: as if it had none */
	snprintf(out->digest, sizeof(out->digest), "%s", (const char *)d);
	snprintf(out->media_type, sizeof(out->media_type), "%s", (const char *)mt);
	out->size = sqlite3_column_int64(st, 2);
	return 1;
}

/* The blob of layer diff_id: 1 (out filled), 0 none recorded, -1 error. */
int store_layer_blob(struct store *s, const char *diff_id, struct layer_blob *out, struct werr *err)
{
	bool own;

	int rc;

	if (tx_begin(s, false, &own, err) < 0)
		return -1;
	rc = tx_end(s, own, layer_blob(s, diff_id, out, err), err);
	for (size_t i = 0; rc == 0 && i < s->nro; i++)
		rc = store_layer_blob(s->ro[i], diff_id, out, err);
	return rc;
}

/* 1 when a layer records blob digest, 0 if none does, -1 on error. */
int store_blob_used(struct store *s, const char *digest, struct werr *err)
{
	bool own;

	if (tx_begin(s, false, &own, err) < 0)
		return -1;
	return tx_end(s, own, query1(s, S_BLOB_USED, digest, NULL, err), err);
}

/* The recorded size of a layer (the store's own record, else a read-only
 * store's): 1 found, 0 not recorded, -1 error. */
int store_layer_size(struct store *s, const char *diff_id, int64_t *size, struct werr *err)
{
	cleanup_free char *v = NULL;
	bool own;
	int rc;

	if (tx_begin(s, false, &own, err) < 0)
		return -1;
	rc = tx_end(s, own, query1(s, S_LAYER_SIZE, diff_id, &v, err), err);
	if (rc == 1)
		*size = v ? strtoll(v, NULL, 10) : 0;
	for (size_t i = 0; rc == 0 && i < s->nro; i++)
		rc = store_layer_size(s->ro[i], diff_id, size, err);
	return rc;
}

/* ---- containers ---- */

static int container_add(struct store *s, const struct container_rec *c, struct werr *err)
{
	cleanup_free char *other = NULL;
	cleanup_json struct json_object *cmd = NULL;
	sqlite3_stmt *st;
	int rc = query1(s, S_CTR_BY_NAME, c->name, &other, err);

	if (rc < 0)
		return -1;
	if (rc == 1)
		return werr_set(err, EEXIST,
				"the container name \"%s\" is already in use by %s. You have to "
				"remove that container to be able to reuse that name: that name is "
				"already in use",
				c->name, other);
	st = stmt(s, S_CTR_INSERT, err);
	if (st == NULL)
		return -1;
	cmd = jnew_strv(c->command);
	bind_str(st, 1, c->id);
	bind_str(st, 2, c->name);
	bind_str(st, 3, c->image_id);
	bind_str(st, 4, c->image_name);
	bind_str(st, 5, json_object_to_json_string_ext(cmd, JSON_C_TO_STRING_PLAIN));
	sqlite3_bind_int64(st, 6, c->created);
	sqlite3_bind_int64(st, 7, c->started);
	sqlite3_bind_int64(st, 8, c->finished);
	sqlite3_bind_int(st, 9, c->state);
	sqlite3_bind_int64(st, 10, c->pid);
	sqlite3_bind_int64(st, 11, (sqlite3_int64)c->pid_start);
	sqlite3_bind_int(st, 12, c->exit_code);
	sqlite3_bind_int(st, 13, c->autoremove);
	bind_str(st, 14, c->driver);
	bind_str(st, 15, c->config);
	return step(s, st, err) < 0 ? -1 : 0;
}

/* Adds a container; its name must be free. */
int store_container_add(struct store *s, const struct container_rec *c, struct werr *err)
{
	bool own;

	if (c->name == NULL || c->name[0] == '\0')
		return werr_set(err, EINVAL, "container %.12s has no name", c->id);
	if (tx_begin(s, true, &own, err) < 0)
		return -1;
	return tx_end(s, own, container_add(s, c, err), err);
}

void store_int_ctr_row(sqlite3_stmt *st, int i, struct container_rec *c)
{
	const char *cmd = (const char *)sqlite3_column_text(st, i + 3);
	cleanup_json struct json_object *a = cmd ? json_tokener_parse(cmd) : NULL;

	c->name = col_str(st, i);
	c->image_id = col_str(st, i + 1);
	c->image_name = col_str(st, i + 2);
	c->command = jstrv(a);
	c->created = sqlite3_column_int64(st, i + 4);
	c->started = sqlite3_column_int64(st, i + 5);
	c->finished = sqlite3_column_int64(st, i + 6);
	c->state = (enum ctr_state)sqlite3_column_int(st, i + 7);
	c->pid = (pid_t)sqlite3_column_int64(st, i + 8);
	c->pid_start = (uint64_t)sqlite3_column_int64(st, i + 9);
	c->exit_code = sqlite3_column_int(st, i + 10);
	c->autoremove = sqlite3_column_int(st, i + 11) != 0;
	c->driver = col_str(st, i + 12);
}

static int container_load(struct store *s, const char *id, struct container_rec *out,
			  struct werr *err)
{
	sqlite3_stmt *st = stmt(s, S_CTR_ROW, err);
	struct container_rec c = {0};
	int rc;

	if (st == NULL)
		return -1;
	bind_str(st, 1, id);
	rc = step(s, st, err);
	if (rc <= 0)
		return rc;
	snprintf(c.id, sizeof(c.id), "%s", id);
	store_int_ctr_row(st, 0, &c);
	c.config = col_str(st, 13);
	*out = c;
	return 1;
}

static int container_get(struct store *s, const char *ref, struct container_rec *out,
			 struct werr *err)
{
	cleanup_free char *id = NULL;
	int rc;

	if (strlen(ref) == DIGEST_HEX_LEN) {
		rc = container_load(s, ref, out, err);
		if (rc != 0)
			return rc;
	}
	rc = query1(s, S_CTR_BY_NAME, ref, &id, err);
	if (rc == 0)
		rc = resolve_prefix(s, S_CTR_PREFIX, ref, &id, err);
	if (rc <= 0)
		return rc;
	return container_load(s, id, out, err);
}

/* Finds a container by full id, exact name or unique id prefix: 1, 0, -1. */
int store_container_get(struct store *s, const char *ref, struct container_rec *out,
			struct werr *err)
{
	bool own;

	if (tx_begin(s, false, &own, err) < 0)
		return -1;
	return tx_end(s, own, container_get(s, ref, out, err), err);
}

static int container_list(struct store *s, struct container_rec **out, size_t *n, struct werr *err)
{
	cleanup_strv char **ids = NULL;
	struct container_rec *v;
	size_t k = 0, cnt;

	if (query_strv(s, S_CTR_LIST, NULL, &ids, err) < 0)
		return -1;
	cnt = strv_len(ids);
	v = xcalloc(cnt + 1, sizeof(*v));
	for (size_t i = 0; i < cnt; i++) {
		int rc = container_load(s, ids[i], &v[k], err);
		if (rc < 0) {
			container_recs_free(v, k);
			return -1;
		}
		k += rc;
	}
	*out = v;
	*n = k;
	return 0;
}

/* All containers, newest first; free with container_recs_free(). */
int store_container_list(struct store *s, struct container_rec **out, size_t *n, struct werr *err)
{
	bool own;

	if (tx_begin(s, false, &own, err) < 0)
		return -1;
	return tx_end(s, own, container_list(s, out, n, err), err);
}

static int container_update(struct store *s, const struct container_rec *c, struct werr *err)
{
	sqlite3_stmt *st = stmt(s, S_CTR_UPDATE, err);

	if (st == NULL)
		return -1;
	bind_str(st, 1, c->id);
	sqlite3_bind_int(st, 2, c->state);
	sqlite3_bind_int64(st, 3, c->pid);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)c->pid_start);
	sqlite3_bind_int(st, 5, c->exit_code);
	sqlite3_bind_int64(st, 6, c->started);
	sqlite3_bind_int64(st, 7, c->finished);
	if (step(s, st, err) < 0)
		return -1;
	if (sqlite3_changes(s->db) == 0)
		return werr_set(err, ENOENT, "no such container %s", c->id);
	return 0;
}

/* Saves the run-time fields (state, pid, times, exit code) of c. */
int store_container_update(struct store *s, const struct container_rec *c, struct werr *err)
{
	bool own;

	if (tx_begin(s, true, &own, err) < 0)
		return -1;
	return tx_end(s, own, container_update(s, c, err), err);
}

static int container_delete(struct store *s, const char *id, struct werr *err)
{
	if (exec1(s, S_CTR_DEL, id, err) < 0)
		return -1;
	if (sqlite3_changes(s->db) == 0)
		return werr_set(err, ENOENT, "no such container %s", id);
	return 0;
}

/* Deletes the container row with full id. */
int store_container_delete(struct store *s, const char *id, struct werr *err)
{
	bool own;

	if (tx_begin(s, true, &own, err) < 0)
		return -1;
	return tx_end(s, own, container_delete(s, id, err), err);
}

static int container_rename(struct store *s, const char *id, const char *name, struct werr *err)
{
	cleanup_free char *other = NULL;
	sqlite3_stmt *st;
	int rc = query1(s, S_CTR_BY_NAME, name, &other, err);

	if (rc < 0)
		return -1;
	if (rc == 1 && strcmp(other, id) == 0)
		return 0;
	if (rc == 1) {
		werr_set(err, 0,
			 "renaming container %s: name %s already in use, cannot rename container "
			 "%s: container already exists",
			 id, name, id);
		err->errnum = EEXIST;
		return -1;
	}
	st = stmt(s, S_CTR_RENAME, err);
	if (st == NULL)
		return -1;
	bind_str(st, 1, id);
	bind_str(st, 2, name);
	if (step(s, st, err) < 0)
		return -1;
	if (sqlite3_changes(s->db) == 0)
		return werr_set(err, ENOENT, "no such container %s", id);
	return 0;
}

/* Gives the container with full id a new name (Podman's error when another
 * container has it). */
int store_container_rename(struct store *s, const char *id, const char *name, struct werr *err)
{
	bool own;

	if (tx_begin(s, true, &own, err) < 0)
		return -1;
	return tx_end(s, own, container_rename(s, id, name, err), err);
}

int store_container_set_config(struct store *s, const char *id, const char *config,
			       struct werr *err)
{
	sqlite3_stmt *st = stmt(s, S_CTR_SET_CONFIG, err);

	if (st == NULL)
		return -1;
	bind_str(st, 1, id);
	bind_str(st, 2, config);
	if (step(s, st, err) < 0)
		return -1;
	if (sqlite3_changes(s->db) == 0)
		return werr_set(err, ENOENT, "no such container %s", id);
	return 0;
}

static int image_users(struct store *s, const char *image_id, struct werr *err)
{
	sqlite3_stmt *st = stmt(s, S_CTR_IMG_USERS, err);

	if (st == NULL)
		return -1;
	bind_str(st, 1, image_id);
	if (step(s, st, err) != 1)
		return -1;
	return sqlite3_column_int(st, 0);
}

/* Number of containers created from image_id. */
int store_image_users(struct store *s, const char *image_id, struct werr *err)
{
	bool own;

	if (tx_begin(s, false, &own, err) < 0)
		return -1;
	return tx_end(s, own, image_users(s, strip_sha(image_id), err), err);
}

/* ---- for the other storage files (store_int.h) ---- */

/* Steps st: 1 row, 0 done, -1 error (a constraint is EEXIST). */
int store_int_step(struct store *s, sqlite3_stmt *st, struct werr *err)
{
	return step(s, st, err);
}

/* Binds text v (NULL: SQL NULL) to parameter i; v must outlive the step. */
void store_int_bind_str(sqlite3_stmt *st, int i, const char *v)
{
	bind_str(st, i, v);
}

/* Column i as a malloc'd string, NULL for SQL NULL. */
char *store_int_col_str(sqlite3_stmt *st, int i)
{
	return col_str(st, i);
}

/* Starts a transaction unless the caller holds one (*own says). */
int store_int_begin(struct store *s, bool write, bool *own, struct werr *err)
{
	return tx_begin(s, write, own, err);
}

/* Ends what store_int_begin started: commit if rc >= 0, else roll back. */
int store_int_end(struct store *s, bool own, int rc, struct werr *err)
{
	return tx_end(s, own, rc, err);
}

/* Rows changed by the last statement. */
int store_int_changes(struct store *s)
{
	return sqlite3_changes(s->db);
}
