/* schema.c - the state database's tables: made in a new database,
 * upgraded in place from an older version, refused from a newer one
 * (store_int_schema, at each open by store.c). */
#include <sqlite3.h>
#include <stddef.h>

#include "lib/err.h"
#include "storage/store_int.h"

/* Version 2 (blobs): layers.blob, media_type, blob_size; a version 1
 * database is upgraded in place when opened (its layers have no blob).
 * Version 3 (manifest lists, issue 7; volumes, issue 8): images.kind and
 * images.instances; the volumes table and container_volumes, the volumes
 * each container uses (storage/volume.c). An older warren refuses a newer
 * database: it would take a list for an image with no config.
 * Version 4 (pods, issue 11): the pods table (storage/pod.c); a version 3
 * database gains it when opened.
 * Version 5: image_digests, the other manifest digests an image is known
 * by (Podman's Digests: the same image pulled under another name or by a
 * digest of another manifest); images.digest stays the first one. A
 * version 4 database gains the table when opened; read-only stores of
 * versions 3 and 4 are read without it. */
/* The volume tables, in the new schema and in the upgrade from 2. The
 * trigger forgets a container's volumes with the container, so that every
 * path that deletes a container row keeps the users of a volume right. */
#define VOLUME_SCHEMA_SQL                                                                          \
	"CREATE TABLE IF NOT EXISTS volumes(name TEXT PRIMARY KEY, driver TEXT, created INTEGER,"  \
	" labels TEXT, options TEXT, anonymous INTEGER, needs_copy INTEGER, needs_chown INTEGER);" \
	"CREATE TABLE IF NOT EXISTS container_volumes(ctr_id TEXT NOT NULL, volume TEXT NOT NULL," \
	" PRIMARY KEY(ctr_id, volume));"                                                           \
	"CREATE INDEX IF NOT EXISTS container_volumes_by_volume ON container_volumes(volume);"     \
	"CREATE TRIGGER IF NOT EXISTS container_volumes_gone AFTER DELETE ON containers"           \
	" BEGIN DELETE FROM container_volumes WHERE ctr_id = old.id; END;"

/* The other digests of an image, in the new schema and the upgrade from 4. */
#define DIGESTS_SCHEMA_SQL                                                                         \
	"CREATE TABLE IF NOT EXISTS image_digests(image_id TEXT NOT NULL, digest TEXT NOT NULL,"   \
	" PRIMARY KEY(image_id, digest));"

/* The pods table (storage/pod.c), in the new schema and the upgrade from 3. */
#define POD_SCHEMA_SQL                                                                             \
	"CREATE TABLE IF NOT EXISTS pods(id TEXT PRIMARY KEY, name TEXT UNIQUE NOT NULL,"          \
	" created INTEGER, infra_id TEXT, config TEXT);"

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS version(version INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE IF NOT EXISTS images(id TEXT PRIMARY KEY, digest TEXT, created INTEGER,"
    " stored INTEGER, size INTEGER, config TEXT, manifest TEXT, kind INTEGER NOT NULL DEFAULT 0,"
    " instances TEXT);"
    "CREATE TABLE IF NOT EXISTS image_names(name TEXT PRIMARY KEY, image_id TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS image_names_by_image ON image_names(image_id);"
    "CREATE TABLE IF NOT EXISTS image_layers(image_id TEXT NOT NULL, idx INTEGER NOT NULL,"
    " diff_id TEXT NOT NULL, PRIMARY KEY(image_id, idx));"
    "CREATE INDEX IF NOT EXISTS image_layers_by_diff ON image_layers(diff_id);"
    "CREATE TABLE IF NOT EXISTS layers(diff_id TEXT PRIMARY KEY, size INTEGER, blob TEXT,"
    " media_type TEXT, blob_size INTEGER);"
    "CREATE INDEX IF NOT EXISTS layers_by_blob ON layers(blob);"
    "CREATE TABLE IF NOT EXISTS containers(id TEXT PRIMARY KEY, name TEXT UNIQUE NOT NULL,"
    " image_id TEXT, image_name TEXT, command TEXT, created INTEGER, started INTEGER,"
    " finished INTEGER, state INTEGER, pid INTEGER, pid_start INTEGER, exit_code INTEGER,"
    " autoremove INTEGER, driver TEXT, config TEXT);"
    "CREATE INDEX IF NOT EXISTS containers_by_image ON containers(image_id);" VOLUME_SCHEMA_SQL
	POD_SCHEMA_SQL DIGESTS_SCHEMA_SQL
    "INSERT INTO version SELECT 5 WHERE NOT EXISTS (SELECT 1 FROM version);";

/* From version 1: the blob of each layer (none for the layers it has). */
static const char upgrade_v2_sql[] = "ALTER TABLE layers ADD COLUMN blob TEXT;"
				     "ALTER TABLE layers ADD COLUMN media_type TEXT;"
				     "ALTER TABLE layers ADD COLUMN blob_size INTEGER;"
				     "CREATE INDEX IF NOT EXISTS layers_by_blob ON layers(blob);"
				     "UPDATE version SET version = 2;";

/* From version 2: manifest lists are images of kind 1 (IMAGE_KIND_LIST) with
 * no layers and no config; instances is warren's record of their entries.
 * Then schema_sql adds the volume tables (it only creates what is missing;
 * named volumes were refused before, so there are none to fill). */
static const char upgrade_v3_sql[] =
    "ALTER TABLE images ADD COLUMN kind INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE images ADD COLUMN instances TEXT;";

int store_int_exec(sqlite3 *db, const char *sql, struct werr *err)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		werr_set(err, 0, "database: %s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int create_schema(sqlite3 *db, struct werr *err)
{
	if (store_int_exec(db, "PRAGMA journal_mode=WAL", err) < 0)
		return -1;
	if (store_int_exec(db, "BEGIN IMMEDIATE", err) < 0)
		return -1;
	if (store_int_exec(db, schema_sql, err) < 0) {
		store_int_exec(db, "ROLLBACK", NULL);
		return -1;
	}
	return store_int_exec(db, "COMMIT", err);
}

/* Upgrades a version 1, 2 or 3 database, in one transaction that reads the
 * version again: of two commands that open an old store at once, the
 * second finds it done. */
static int upgrade_schema(sqlite3 *db, struct werr *err)
{
	sqlite3_stmt *st = NULL;
	int version = -1;

	if (store_int_exec(db, "BEGIN IMMEDIATE", err) < 0)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT version FROM version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version == 1 && store_int_exec(db, upgrade_v2_sql, err) < 0) {
		store_int_exec(db, "ROLLBACK", NULL);
		return werr_wrap(err, "upgrade the database to version 2");
	}
	if (version >= 1 && version <= 2 &&
	    (store_int_exec(db, upgrade_v3_sql, err) < 0 ||
	     store_int_exec(db, schema_sql, err) < 0 ||
	     store_int_exec(db, "UPDATE version SET version = 3;", err) < 0)) {
		store_int_exec(db, "ROLLBACK", NULL);
		return werr_wrap(err, "upgrade the database to version 3");
	}
	if (version >= 1 && version <= 3 &&
	    (store_int_exec(db, POD_SCHEMA_SQL, err) < 0 ||
	     store_int_exec(db, "UPDATE version SET version = 4;", err) < 0)) {
		store_int_exec(db, "ROLLBACK", NULL);
		return werr_wrap(err, "upgrade the database to version 4");
	}
	if (version >= 1 && version <= 4 &&
	    (store_int_exec(db, DIGESTS_SCHEMA_SQL, err) < 0 ||
	     store_int_exec(db, "UPDATE version SET version = 5;", err) < 0)) {
		store_int_exec(db, "ROLLBACK", NULL);
		return werr_wrap(err, "upgrade the database to version 5");
	}
	return store_int_exec(db, "COMMIT", err);
}

int store_int_schema(sqlite3 *db, struct werr *err)
{
	sqlite3_stmt *st = NULL;
	int rc, version;

	if (sqlite3_prepare_v2(db, "SELECT version FROM version", -1, &st, NULL) != SQLITE_OK) {
		if (create_schema(db, err) < 0)
			return -1;
		if (sqlite3_prepare_v2(db, "SELECT version FROM version", -1, &st, NULL) !=
		    SQLITE_OK)
			return werr_set(err, 0, "database: read schema version: %s",
					sqlite3_errmsg(db));
	}
	rc = sqlite3_step(st);
	version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return werr_set(err, 0, "database: read schema version: %s", sqlite3_errmsg(db));
	if (version < 0)
		return create_schema(db, err);
	if (version > STORE_SCHEMA_VERSION)
		return werr_set(
		    err, 0,
		    "database schema version %d is newer than this warren supports (%d):"
		    " upgrade warren",
		    version, STORE_SCHEMA_VERSION);
	if (version < STORE_SCHEMA_VERSION)
		return upgrade_schema(db, err);
	return 0;
}
