/* store_ro.c - the read-only image stores of storage.conf's
 * additionalimagestores: other users' (or root's) warren stores, opened
 * read-only and checked before they are trusted, and their images listed
 * after the user's own. store.c keeps them in its handle and asks them
 * after its own database. */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/util.h"
#include "storage/store.h"
#include "storage/store_int.h"

/* The store at dir is another user's (or root's) data: everything in it is
 * untrusted. It must be a real directory (no symlink at its last
 * component), writable by nobody but its owner, holding a warren.db that
 * is a regular file; the database is opened read-only (SQLite never writes
 * a read-only handle, nor creates -wal/-shm files: a root-owned -shm is
 * used read-only), and only a schema this warren reads is accepted. */
static int ro_check(const char *dir, const char *db, struct werr *err)
{
	struct stat st;

	if (dir[0] != '/')
		return werr_set(err, 0, "not an absolute path");
	if (lstat(dir, &st) < 0)
		return werr_set(err, 0, "%s", strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return werr_set(err, 0, "not a directory (a symlink is not followed)");
	if (st.st_mode & S_IWOTH)
		return werr_set(err, 0, "writable by every user (chmod o-w it)");
	if (lstat(db, &st) < 0)
		return werr_set(err, 0, "not a warren store (warren.db: %s)", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return werr_set(err, 0, "not a warren store (warren.db is not a file)");
	if (st.st_mode & S_IWOTH)
		return werr_set(err, 0, "its warren.db is writable by every user (chmod o-w it)");
	return 0;
}

static int ro_schema(sqlite3 *db, struct werr *err)
{
	sqlite3_stmt *st = NULL;
	int rc, version = -1;

	if (sqlite3_prepare_v2(db, "SELECT version FROM version", -1, &st, NULL) != SQLITE_OK)
		return werr_set(err, 0, "not a warren store (%s)", sqlite3_errmsg(db));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return werr_set(err, 0, "database: read schema version: %s", sqlite3_errmsg(db));
	if (version < 3 || version > STORE_SCHEMA_VERSION)
		return werr_set(err, 0,
				"its database has schema version %d, this warren reads 3 to %d: "
				"its owner runs 'warren --root DIR images' with this warren",
				version, STORE_SCHEMA_VERSION);
	return 0;
}

/* A store other users can read has its layers dir open to them: a
 * setuid file of an image would then run with its owner's rights on the
 * host, unless the filesystem is mounted nosuid. Said to every reader
 * until the admin fixes it (a warning, not an error: the reader is not
 * the one at risk of doing wrong). */
static void warn_suid(const char *dir)
{
	cleanup_free char *layers = xasprintf("%s/layers", dir);
	struct statvfs vfs;
	struct stat st;

	if (stat(layers, &st) < 0 || (st.st_mode & (S_IXGRP | S_IXOTH)) == 0)
		return;
	if (statvfs(layers, &vfs) == 0 && (vfs.f_flag & ST_NOSUID) == 0)
		log_warn("read-only image store '%s' is not on a nosuid mount: setuid files in its "
			 "images can be run on the host by every user who can read it (its admin "
			 "runs: mount --bind %s %s && mount -o remount,bind,nosuid,nodev %s)",
			 dir, dir, dir, dir);
}

/* True when path is an SQLite database in WAL mode (its header says so). */
static bool is_wal_db(const char *path)
{
	unsigned char h[20];
	cleanup_close int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	return fd >= 0 && read(fd, h, sizeof(h)) == (ssize_t)sizeof(h) &&
	       memcmp(h, "SQLite format 3", 16) == 0 && h[18] == 2;
}

/* Opens the store at dir read-only (see ro_check): NULL with err set. */
struct store *store_int_open_ro(const char *dir, struct werr *err)
{
	cleanup_free char *db = xasprintf("%s/warren.db", dir);
	sqlite3 *h = NULL;

	if (ro_check(dir, db, err) < 0) {
		werr_wrap(err, "read-only image store '%s'", dir);
		return NULL;
	}
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		werr_set(err, 0, "open database '%s' read-only: %s", db,
			 h ? sqlite3_errmsg(h) : "out of memory");
		sqlite3_close_v2(h);
		werr_wrap(err, "read-only image store '%s'", dir);
		return NULL;
	}
	sqlite3_busy_timeout(h, 10000);
	if (ro_schema(h, err) < 0) {
		cleanup_free char *shm = xasprintf("%s-shm", db);
		sqlite3_close_v2(h);
		/* a WAL database is read through its -shm, which only its owner
		 * can make (sqlite3 removes it when it closes the database) */
		if (is_wal_db(db) && access(shm, F_OK) < 0 && errno == ENOENT)
			werr_set(err, 0,
				 "its warren.db-shm is missing (a reader cannot make it): the "
				 "store's owner runs 'warren --root %s images' once",
				 dir);
		werr_wrap(err, "read-only image store '%s'", dir);
		return NULL;
	}
	warn_suid(dir);
	return store_int_wrap(h, dir);
}

/* Appends the images of read-only store ro that *v (n of them) does not
 * hold already (an id in the user's store wins). A store that cannot be
 * read is skipped with a warning: the user's own images still list. */
void store_int_list_append_ro(struct store *ro, const char *dir, struct image_rec **v, size_t *n)
{
	struct werr err = {0};
	struct image_rec *w = NULL;
	size_t m = 0;

	if (store_image_list(ro, &w, &m, &err) < 0) {
		log_warn("read-only image store '%s': %s", dir, err.msg);
		werr_clear(&err);
		return;
	}
	*v = xrealloc(*v, (*n + m + 1) * sizeof(**v));
	for (size_t i = 0; i < m; i++) {
		bool dup = false;
		for (size_t j = 0; j < *n && !dup; j++)
			dup = strcmp((*v)[j].id, w[i].id) == 0;
		if (dup) {
			image_rec_free(&w[i]);
			continue;
		}
		if (w[i].ro_store == NULL)
			w[i].ro_store = xstrdup(dir);
		(*v)[(*n)++] = w[i];
	}
	free(w);
}
