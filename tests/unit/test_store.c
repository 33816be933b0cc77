/* test_store.c - the state database: images, names, prefixes, containers. */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "storage/pod.h"
#include "storage/store.h"
#include "storage/volume.h"
#include "tests/unit/unit.h"

static char *tmpdir(void)
{
	char tmpl[] = "/tmp/warren-test-store-XXXXXX";
	return xstrdup(mkdtemp(tmpl));
}

static void rmdir_all(char *d)
{
	rm_rf_at(AT_FDCWD, d, NULL);
	free(d);
}

static void mkid(char *out, char c, const char *head)
{
	memset(out, c, DIGEST_HEX_LEN);
	memcpy(out, head, strlen(head));
	out[DIGEST_HEX_LEN] = '\0';
}

static int add_image(struct store *s, const char *id, const char *name, char *const *layers)
{
	struct image_rec r = {0};
	char *names[] = {(char *)name, NULL};

	snprintf(r.id, sizeof(r.id), "%s", id);
	r.names = name ? names : NULL;
	r.layers = (char **)layers;
	r.config = (char *)"{}";
	r.created = 1000;
	return store_image_add(s, &r, NULL);
}

UNIT_TEST(store_images)
{
	char *dir = tmpdir();
	struct werr err = {0};
	struct store *s = store_open(dir, &err);
	char a[65], b[65], c[65];
	char *la[] = {"sha256:l1", "sha256:l2", NULL};
	char *lb[] = {"sha256:l1", "sha256:l3", NULL};
	struct image_rec r = {0};
	char **unused = NULL;
	char *v = NULL;

	CHECK(s != NULL);
	mkid(a, 'a', "abc1");
	mkid(b, 'b', "abc2");
	mkid(c, 'c', "ccc");
	CHECK(store_layer_add(s, "sha256:l1", 10, &err) == 0);
	CHECK(store_layer_add(s, "sha256:l2", 20, &err) == 0);
	CHECK(store_layer_add(s, "sha256:l3", 30, &err) == 0);
	CHECK(add_image(s, a, "docker.io/library/x:latest", la) == 0);
	CHECK(add_image(s, b, "docker.io/library/y:latest", lb) == 0);
	CHECK(store_image_get(s, "docker.io/library/x:latest", &r, &err) == 1);
	CHECK_STR(r.id, a);
	CHECK(strv_len(r.layers) == 2);
	CHECK_STR(r.layers[1], "sha256:l2");
	image_rec_free(&r);
	/* the name moves to b */
	CHECK(add_image(s, b, "docker.io/library/x:latest", NULL) == 0);
	CHECK(store_image_get(s, "docker.io/library/x:latest", &r, &err) == 1);
	CHECK_STR(r.id, b);
	CHECK(strv_len(r.names) == 2);
	image_rec_free(&r);
	CHECK(store_image_get(s, a, &r, &err) == 1);
	CHECK(strv_len(r.names) == 0);
	image_rec_free(&r);
	/* prefixes */
	CHECK(store_image_get(s, "abc1", &r, &err) == 1);
	CHECK_STR(r.id, a);
	image_rec_free(&r);
	CHECK(store_image_get(s, "sha256:abc2", &r, &err) == 1);
	CHECK_STR(r.id, b);
	image_rec_free(&r);
	CHECK(store_image_get(s, "abc", &r, &err) == -1);
	CHECK_STR(err.msg, "short id 'abc' is ambiguous");
	CHECK(store_image_get(s, "ab", &r, &err) == 0);
	CHECK(store_image_get(s, "ddd", &r, &err) == 0);
	CHECK(store_image_tag(s, a, "docker.io/library/z:1", &err) == 0);
	CHECK(store_image_untag(s, a, "docker.io/library/z:1", &err) == 0);
	CHECK(store_image_untag(s, a, "docker.io/library/z:1", &err) == -1);
	/* delete: l2 only a used */
	CHECK(store_image_delete(s, a, &unused, &err) == 0);
	CHECK(unused != NULL && strv_len(unused) == 1);
	CHECK_STR(unused[0], "sha256:l2");
	strv_free(unused);
	CHECK(store_layer_exists(s, "sha256:l2", &err) == 0);
	CHECK(store_layer_exists(s, "sha256:l1", &err) == 1);
	CHECK(store_image_delete(s, b, &unused, &err) == 0);
	CHECK(strv_len(unused) == 2);
	strv_free(unused);
	CHECK(add_image(s, c, NULL, NULL) == 0);
	CHECK(store_meta_set(s, "driver", "overlay", &err) == 0);
	CHECK(store_meta_get(s, "driver", &v, &err) == 0);
	CHECK_STR(v, "overlay");
	free(v);
	CHECK(store_meta_get(s, "nope", &v, &err) == 0 && v == NULL);
	store_close(s);
	/* reopen: schema exists, data kept */
	s = store_open(dir, &err);
	CHECK(s != NULL);
	CHECK(store_image_get(s, "ccc", &r, &err) == 1);
	image_rec_free(&r);
	store_close(s);
	rmdir_all(dir);
}

UNIT_TEST(store_containers)
{
	char *dir = tmpdir();
	struct werr err = {0};
	struct store *s = store_open(dir, &err);
	char *cmd[] = {"/bin/sh", "-c", "echo \"hi\"", NULL};
	struct container_rec c = {0}, g = {0};
	struct container_rec *list = NULL;
	size_t n = 0;

	CHECK(s != NULL);
	mkid(c.id, 'f', "fed1");
	c.name = "web";
	c.image_id = "aaaa";
	c.image_name = "docker.io/library/x:latest";
	c.command = cmd;
	c.created = 5;
	c.driver = "overlay";
	c.autoremove = true;
	CHECK(store_container_add(s, &c, &err) == 0);
	mkid(c.id, 'f', "fed2");
	CHECK(store_container_add(s, &c, &err) == -1);
	CHECK(strstr(err.msg, "the container name \"web\" is already in use by fed1") != NULL);
	c.name = "db";
	CHECK(store_container_add(s, &c, &err) == 0);
	CHECK(store_container_get(s, "web", &g, &err) == 1);
	CHECK(strncmp(g.id, "fed1", 4) == 0);
	CHECK(strv_len(g.command) == 3);
	CHECK_STR(g.command[2], "echo \"hi\"");
	CHECK(g.autoremove);
	container_rec_free(&g);
	/* any prefix names a container, as in Podman; an ambiguous one is its error */
	CHECK(store_container_get(s, "f", &g, &err) == -1);
	CHECK(store_container_get(s, "fed", &g, &err) == -1);
	CHECK_STR(err.msg, "more than one result for container ID fed: container already exists");
	CHECK(store_container_get(s, "fed2", &g, &err) == 1);
	CHECK_STR(g.name, "db");
	g.state = CTR_EXITED;
	g.exit_code = 3;
	g.pid = 1234;
	g.pid_start = 99;
	g.finished = 77;
	CHECK(store_container_update(s, &g, &err) == 0);
	container_rec_free(&g);
	CHECK(store_container_get(s, c.id, &g, &err) == 1);
	CHECK(g.state == CTR_EXITED && g.exit_code == 3 && g.pid == 1234 && g.pid_start == 99);
	CHECK_STR(ctr_state_name(g.state), "exited");
	container_rec_free(&g);
	CHECK(store_image_users(s, "aaaa", &err) == 2);
	CHECK(store_container_list(s, &list, &n, &err) == 0);
	CHECK(n == 2);
	container_recs_free(list, n);
	CHECK(store_container_delete(s, c.id, &err) == 0);
	CHECK(store_container_delete(s, c.id, &err) == -1);
	CHECK(store_container_get(s, "db", &g, &err) == 0);
	/* explicit transaction, rolled back */
	CHECK(store_begin(s, &err) == 0);
	c.name = "tmp";
	CHECK(store_container_add(s, &c, &err) == 0);
	store_rollback(s);
	CHECK(store_container_get(s, "tmp", &g, &err) == 0);
	store_close(s);
	rmdir_all(dir);
}

/* The brief listing: the same records, each config reduced to what a
 * listing reads (absent and null fields left out); none without one. */
UNIT_TEST(store_containers_brief)
{
	char *dir = tmpdir();
	struct werr err = {0};
	struct store *s = store_open(dir, &err);
	char *cmd[] = {"true", NULL};
	struct container_rec c = {0}, *list = NULL;
	size_t n = 0;

	CHECK(s != NULL);
	mkid(c.id, 'a', "a1");
	c.name = "one";
	c.image_id = "bbbb";
	c.command = cmd;
	c.created = 1;
	c.state = CTR_EXITED;
	c.exit_code = 2;
	c.config = "{\"Pod\":\"p1\",\"Config\":{\"Env\":[\"A=b\"],\"Labels\":{\"k\":\"v\"},"
		   "\"Healthcheck\":null},\"HostConfig\":{\"NetworkMode\":\"bridge\",\"Binds\":[]},"
		   "\"NetConfig\":{\"Mode\":1,\"MTU\":0},\"PortMappings\":[{\"host_port\":80}]}";
	CHECK(store_container_add(s, &c, &err) == 0);
	mkid(c.id, 'a', "a2");
	c.name = "two";
	c.created = 2;
	c.config = NULL;
	CHECK(store_container_add(s, &c, &err) == 0);
	mkid(c.id, 'a', "a3");
	c.name = "three";
	c.created = 0;
	c.config = "{\"NetConfig\":{\"Mode\":2,\"Networks\":{\"n1\":{\"IP\":\"10.0.0.2\"}}},"
		   "\"PortMappings\":[],\"Config\":{\"Labels\":{}}}";
	CHECK(store_container_add(s, &c, &err) == 0);
	CHECK(store_container_list_brief(s, &list, &n, &err) == 0);
	CHECK(n == 3);
	CHECK_STR(list[0].name, "two"); /* newest first */
	CHECK(list[0].config == NULL);
	CHECK_STR(list[2].config,
		  "{\"Config\":{\"Labels\":{}},"
		  "\"NetConfig\":{\"Mode\":2,\"Networks\":{\"n1\":{\"IP\":\"10.0.0.2\"}}}}");
	CHECK_STR(list[1].name, "one");
	CHECK(list[1].state == CTR_EXITED && list[1].exit_code == 2 && list[1].created == 1);
	CHECK(strv_len(list[1].command) == 1);
	CHECK_STR(list[1].config,
		  "{\"Pod\":\"p1\",\"Config\":{\"Labels\":{\"k\":\"v\"}},"
		  "\"NetConfig\":{\"Mode\":1},\"HostConfig\":{\"NetworkMode\":\"bridge\"},"
		  "\"PortMappings\":[{\"host_port\":80}]}");
	container_recs_free(list, n);
	store_close(s);
	rmdir_all(dir);
}

/* A version 1 database (before the blob store) is upgraded when opened:
 * its layers keep working and have no blob; new ones record theirs. */
UNIT_TEST(store_upgrade_v1_blobs)
{
	char *dir = tmpdir();
	char *path = xasprintf("%s/warren.db", dir);
	struct werr err = {0};
	struct layer_blob b = {0}, got;
	struct store *s;
	sqlite3 *db = NULL;
	const char *l2 = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
	const char *bl = "sha256:3333333333333333333333333333333333333333333333333333333333333333";

	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db,
			   "CREATE TABLE version(version INTEGER NOT NULL);"
			   "INSERT INTO version VALUES(1);"
			   "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
			   "CREATE TABLE layers(diff_id TEXT PRIMARY KEY, size INTEGER);"
			   "CREATE TABLE images(id TEXT PRIMARY KEY, digest TEXT, created INTEGER,"
			   " stored INTEGER, size INTEGER, config TEXT, manifest TEXT);"
			   "INSERT INTO layers VALUES('sha256:l1', 10);",
			   NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	s = store_open(dir, &err);
	CHECK(s != NULL);
	CHECK(store_layer_exists(s, "sha256:l1", &err) == 1);
	CHECK(store_layer_blob(s, "sha256:l1", &got, &err) == 0);
	snprintf(b.digest, sizeof(b.digest), "%s", bl);
	snprintf(b.media_type, sizeof(b.media_type), "application/vnd.oci.image.layer.v1.tar+gzip");
	b.size = 99;
	CHECK(store_layer_add_blob(s, l2, 20, &b, &err) == 0);
	CHECK(store_layer_blob(s, l2, &got, &err) == 1);
	CHECK_STR(got.digest, bl);
	CHECK_STR(got.media_type, "application/vnd.oci.image.layer.v1.tar+gzip");
	CHECK(got.size == 99);
	CHECK(store_blob_used(s, bl, &err) == 1);
	/* a new size keeps the blob */
	CHECK(store_layer_add(s, l2, 30, &err) == 0);
	CHECK(store_layer_blob(s, l2, &got, &err) == 1);
	/* a bad blob is refused */
	snprintf(b.digest, sizeof(b.digest), "sha256:nothex");
	CHECK(store_layer_add_blob(s, l2, 20, &b, &err) == -1);
	store_close(s);
	/* opened again: version 3 stays */
	s = store_open(dir, &err);
	CHECK(s != NULL);
	store_close(s);
	free(path);
	rmdir_all(dir);
}

static int db_version(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int v = -1;

	if (sqlite3_open(path, &db) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT version FROM version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

#define HEX_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

/* Version 3 (issue 7, manifest lists): a version 2 store is upgraded (its
 * images stay images), a list is an image of its own kind that keeps its
 * record, and a database newer than this warren is refused. */
UNIT_TEST(store_v3_lists)
{
	char *dir = tmpdir();
	char *path = xasprintf("%s/warren.db", dir);
	struct werr err = {0};
	struct image_rec r = {0}, g = {0};
	struct store *s;
	sqlite3 *db = NULL;

	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(
	    sqlite3_exec(db,
			 "CREATE TABLE version(version INTEGER NOT NULL);"
			 "INSERT INTO version VALUES(2);"
			 "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
			 "CREATE TABLE images(id TEXT PRIMARY KEY, digest TEXT, created INTEGER,"
			 " stored INTEGER, size INTEGER, config TEXT, manifest TEXT);"
			 "CREATE TABLE image_names(name TEXT PRIMARY KEY, image_id TEXT NOT NULL);"
			 "CREATE TABLE image_layers(image_id TEXT NOT NULL, idx INTEGER NOT NULL,"
			 " diff_id TEXT NOT NULL, PRIMARY KEY(image_id, idx));"
			 "INSERT INTO images VALUES('" HEX_A "', NULL, 1, 2, 3, '{}', NULL);",
			 NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	s = store_open(dir, &err);
	CHECK(s != NULL);
	CHECK(db_version(path) == 5);
	CHECK(store_image_get(s, HEX_A, &g, &err) == 1);
	CHECK(!g.list && g.instances == NULL);
	image_rec_free(&g);
	/* a list: no layers, no config, its record kept */
	memcpy(r.id, HEX_B, sizeof(r.id));
	r.names = strv_append(NULL, "localhost/list:latest");
	r.list = true;
	r.manifest = xstrdup("{\"manifests\":[]}");
	r.instances = xstrdup("[]");
	CHECK(store_image_add(s, &r, &err) == 0);
	CHECK(store_image_get(s, "localhost/list:latest", &g, &err) == 1);
	CHECK(g.list && g.config == NULL);
	CHECK_STR(g.instances, "[]");
	image_rec_free(&g);
	free(r.instances);
	r.instances = xstrdup("[{}]");
	r.digest = xstrdup("sha256:" HEX_A);
	CHECK(store_list_update(s, &r, &err) == 0);
	CHECK(store_image_get(s, HEX_B, &g, &err) == 1);
	CHECK_STR(g.instances, "[{}]");
	CHECK_STR(g.digest, "sha256:" HEX_A);
	image_rec_free(&g);
	/* an image is no list to update */
	memcpy(r.id, HEX_A, sizeof(r.id));
	CHECK(store_list_update(s, &r, &err) == -1);
	image_rec_free(&r);
	store_close(s);
	/* a newer database is refused */
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "UPDATE version SET version = 6", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	CHECK(store_open(dir, &err) == NULL);
	CHECK(strstr(err.msg, "newer than this warren supports (5)") != NULL);
	free(path);
	rmdir_all(dir);
}

/* A version 2 database (before volumes, issue 8) is upgraded to 3 when
 * opened: its containers stay; volumes and their users work; a container
 * row deleted forgets its volumes (the trigger). A newer one is refused. */
UNIT_TEST(store_upgrade_v2_volumes)
{
	char *dir = tmpdir();
	char *path = xasprintf("%s/warren.db", dir);
	struct werr err = {0};
	struct store *s;
	sqlite3 *db = NULL;
	struct container_rec c = {0};
	struct volume_rec v = {.name = "vol", .created = 5}, got = {0};
	char **users = NULL;

	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db,
			   "CREATE TABLE version(version INTEGER NOT NULL);"
			   "INSERT INTO version VALUES(2);"
			   "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
			   "CREATE TABLE images(id TEXT PRIMARY KEY, digest TEXT, created INTEGER,"
			   " stored INTEGER, size INTEGER, config TEXT, manifest TEXT);"
			   "CREATE TABLE containers(id TEXT PRIMARY KEY, name TEXT UNIQUE NOT NULL,"
			   " image_id TEXT, image_name TEXT, command TEXT, created INTEGER,"
			   " started INTEGER, finished INTEGER, state INTEGER, pid INTEGER,"
			   " pid_start INTEGER, exit_code INTEGER, autoremove INTEGER, driver TEXT,"
			   " config TEXT);",
			   NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	s = store_open(dir, &err);
	CHECK(s != NULL);
	mkid(c.id, 'c', "c1");
	c.name = "c1";
	CHECK(store_container_add(s, &c, &err) == 0);
	CHECK(store_volume_add(s, &v, &err) == 0);
	CHECK(store_volume_add(s, &v, &err) < 0);
	CHECK_STR(err.msg, "volume with name vol already exists: volume already exists");
	CHECK(store_volume_attach(s, c.id, "vol", &err) == 0);
	CHECK(store_volume_delete(s, "vol", &err) < 0 && err.status == 2);
	CHECK(strstr(err.msg, "is being used by the following container(s)") != NULL);
	CHECK(store_volume_users(s, "vol", &users, &err) == 0 && strv_len(users) == 1);
	strv_free(users);
	CHECK(store_volume_get(s, "vol", &got, &err) == 1 && got.needs_copy == false);
	volume_rec_free(&got);
	CHECK(store_container_delete(s, c.id, &err) == 0);
	CHECK(store_volume_users(s, "vol", &users, &err) == 0 && strv_len(users) == 0);
	strv_free(users);
	CHECK(store_volume_delete(s, "vol", &err) == 0);
	CHECK(store_volume_delete(s, "vol", &err) < 0 && err.status == 1);
	store_close(s);
	/* a database from a newer warren is refused */
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "UPDATE version SET version = 6", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	CHECK(store_open(dir, &err) == NULL);
	CHECK(strstr(err.msg, "version 6 is newer than this warren supports (5)") != NULL);
	free(path);
	rmdir_all(dir);
}

/* Version 4 (issue 11, pods): a version 3 store gains the pods table when
 * opened; names are unique, refs are names, ids and unique prefixes. */
UNIT_TEST(store_v4_pods)
{
	char *dir = tmpdir();
	char *path = xasprintf("%s/warren.db", dir);
	struct werr err = {0};
	struct pod_rec p = {.name = "web", .created = 5, .infra_id = "", .config = "{}"}, g = {0};
	struct pod_rec *v = NULL;
	size_t n = 0;
	struct store *s;
	sqlite3 *db = NULL;

	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db,
			   "CREATE TABLE version(version INTEGER NOT NULL);"
			   "INSERT INTO version VALUES(3);"
			   "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);",
			   NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	s = store_open(dir, &err);
	CHECK(s != NULL);
	CHECK(db_version(path) == 5);
	memcpy(p.id, HEX_A, sizeof(p.id));
	CHECK(store_pod_add(s, &p, &err) == 0);
	memcpy(p.id, HEX_B, sizeof(p.id));
	CHECK(store_pod_add(s, &p, &err) == -1 && err.errnum == EEXIST);
	CHECK(strstr(err.msg, "name \"web\" is in use") != NULL);
	p.name = "db";
	CHECK(store_pod_add(s, &p, &err) == 0);
	CHECK(store_pod_get(s, "web", &g, &err) == 1);
	CHECK_STR(g.id, HEX_A);
	pod_rec_free(&g);
	CHECK(store_pod_get(s, "bbb", &g, &err) == 1);
	CHECK_STR(g.name, "db");
	pod_rec_free(&g);
	CHECK(store_pod_get(s, "nope", &g, &err) == 0);
	CHECK(store_pod_list(s, &v, &n, &err) == 0 && n == 2);
	pod_recs_free(v, n);
	CHECK(store_pod_delete(s, HEX_A, &err) == 0);
	CHECK(store_pod_get(s, "web", &g, &err) == 0);
	store_close(s);
	free(path);
	rmdir_all(dir);
}

UNIT_MAIN()

/* A read-only store: its images found and listed after the own ones
 * (ro_store set), an own id wins, its database never written; a dir
 * that is no store, a symlink or writable by all is refused. */
UNIT_TEST(store_readonly_images)
{
	char *own_dir = tmpdir(), *ro_dir = tmpdir();
	cleanup_free char *link = xasprintf("%s-link", ro_dir);
	struct werr err = {0};
	struct store *ro = store_open(ro_dir, &err), *s = store_open(own_dir, &err);
	char a[65], b[65];
	char *la[] = {"sha256:l1", NULL};
	struct image_rec r = {0}, *v = NULL;
	struct stat before, after;
	size_t n = 0;

	CHECK(ro != NULL && s != NULL);
	mkid(a, 'a', "aaa1");
	mkid(b, 'b', "bbb1");
	CHECK(add_image(ro, a, "localhost/shared:latest", la) == 0);
	CHECK(add_image(ro, b, "localhost/both:latest", la) == 0);
	CHECK(add_image(s, b, "localhost/mine:latest", la) == 0);
	store_close(ro);
	CHECK(chmod(ro_dir, 0755) == 0);
	cleanup_free char *db = xasprintf("%s/warren.db", ro_dir);
	CHECK(stat(db, &before) == 0);
	CHECK(store_add_readonly(s, ro_dir, &err) == 0);
	CHECK(strcmp(store_readonly_dir(s, 0), ro_dir) == 0);
	CHECK(store_readonly_dir(s, 1) == NULL);
	CHECK(store_image_get(s, "localhost/shared:latest", &r, &err) == 1);
	CHECK(strcmp(r.id, a) == 0 && r.ro_store != NULL && strcmp(r.ro_store, ro_dir) == 0);
	image_rec_free(&r);
	CHECK(store_image_get(s, "aaa1", &r, &err) == 1 && r.ro_store != NULL);
	image_rec_free(&r);
	CHECK(store_image_get(s, b, &r, &err) == 1 && r.ro_store == NULL); /* own wins */
	image_rec_free(&r);
	CHECK(store_image_list(s, &v, &n, &err) == 0);
	CHECK(n == 2 && v[0].ro_store == NULL && v[1].ro_store != NULL && strcmp(v[1].id, a) == 0);
	image_recs_free(v, n);
	CHECK(stat(db, &after) == 0);
	CHECK(before.st_mtim.tv_sec == after.st_mtim.tv_sec &&
	      before.st_mtim.tv_nsec == after.st_mtim.tv_nsec && before.st_size == after.st_size);
	/* refused */
	CHECK(store_add_readonly(s, "relative", &err) < 0);
	CHECK(strstr(err.msg, "not an absolute path") != NULL);
	CHECK(symlink(ro_dir, link) == 0);
	CHECK(store_add_readonly(s, link, &err) < 0);
	CHECK(strstr(err.msg, "symlink") != NULL);
	CHECK(chmod(ro_dir, 0777) == 0);
	CHECK(store_add_readonly(s, ro_dir, &err) < 0);
	CHECK(strstr(err.msg, "writable by every user") != NULL);
	CHECK(chmod(ro_dir, 0755) == 0);
	unlink(link);
	store_close(s);
	rmdir_all(own_dir);
	rmdir_all(ro_dir);
}
