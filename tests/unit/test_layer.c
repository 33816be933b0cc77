/* test_layer.c - tar path safety and end-to-end layer extraction. As root
 * the engine is in root mode (trusted.* xattrs, ownership kept); as any
 * other user it is in rootless mode and the files belong to that user, so
 * that every test runs without privilege too (issue 5 item 6). */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "lib/util.h"
#include "storage/layer.h"
#include "tests/unit/unit.h"

static const char *norm(const char *name)
{
	static char buf[256];
	struct werr err;

	if (layer_check_path(name, buf, sizeof(buf), &err) < 0)
		return "REFUSED";
	return buf;
}

UNIT_TEST(layer_paths)
{
	CHECK_STR(norm("../x"), "REFUSED");
	CHECK_STR(norm("a/../../x"), "REFUSED");
	CHECK_STR(norm("a/.."), "REFUSED");
	CHECK_STR(norm("/etc/passwd"), "REFUSED");
	CHECK_STR(norm("./a/b"), "a/b");
	CHECK_STR(norm("a//b/"), "a/b");
	CHECK_STR(norm("././a/./b"), "a/b");
	CHECK_STR(norm("./"), "");
	CHECK_STR(norm("."), "");
	CHECK_STR(norm("..a/b.."), "..a/b..");
	CHECK_STR(norm("d/.wh..wh..opq"), "d/.wh..wh..opq");
}

/* ---- building tars in memory ---- */

struct ent {
	const char *name;
	mode_t type; /* AE_IF* */
	mode_t perm;
	const char *data; /* file content, symlink target or hard link target */
	bool hardlink;
};

/* The owner of the files in the test tars: one we can chown to. */
static uid_t owner(void)
{
	return geteuid() == 0 ? 1000 : geteuid();
}

static size_t make_tar(const struct ent *ents, size_t n, char *buf, size_t cap)
{
	struct archive *a = archive_write_new();
	size_t used = 0;

	archive_write_set_format_pax_restricted(a);
	archive_write_open_memory(a, buf, cap, &used);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, ents[i].name);
		archive_entry_set_filetype(e, ents[i].type);
		archive_entry_set_perm(e, ents[i].perm);
		archive_entry_set_uid(e, owner());
		archive_entry_set_gid(e, geteuid() == 0 ? 1000 : getegid());
		archive_entry_set_mtime(e, 1000000, 0);
		if (ents[i].hardlink) {
			archive_entry_set_hardlink(e, ents[i].data);
		} else if (ents[i].type == AE_IFLNK) {
			archive_entry_set_symlink(e, ents[i].data);
		} else if (ents[i].type == AE_IFREG && ents[i].data) {
			archive_entry_set_size(e, (la_int64_t)strlen(ents[i].data));
		}
		archive_write_header(a, e);
		if (ents[i].type == AE_IFREG && ents[i].data && !ents[i].hardlink)
			archive_write_data(a, ents[i].data, strlen(ents[i].data));
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	return used;
}

static size_t gzip_buf(const char *in, size_t len, char *out, size_t cap)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	size_t used = 0;

	archive_write_add_filter_gzip(a);
	archive_write_set_format_raw(a);
	archive_write_open_memory(a, out, cap, &used);
	archive_entry_set_pathname(e, "data");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_write_header(a, e);
	archive_write_data(a, in, len);
	archive_write_close(a);
	archive_write_free(a);
	archive_entry_free(e);
	return used;
}

/* The blob at offset 7 of a memfd, to exercise pread offsets. */
static int blob_fd(const char *buf, size_t len)
{
	int fd = memfd_create("blob", MFD_CLOEXEC);
	if (write(fd, "garbage", 7) != 7 || write(fd, buf, len) != (ssize_t)len)
		abort();
	return fd;
}

static int extract(struct engine *e, const char *buf, size_t len, const char *want_digest,
		   char diffid[DIGEST_STR_LEN], int64_t *size, struct werr *err)
{
	int fd = blob_fd(buf, len);
	struct layer_src src = {.fd = fd, .offset = 7, .length = (off_t)len};
	int rc = layer_extract(e, &src, want_digest, NULL, diffid, size, err);
	close(fd);
	return rc;
}

static struct engine test_engine(void)
{
	char tmpl[] = "/tmp/warren-test-layer-XXXXXX";
	/* trusted.* xattrs and chown to other ids need root: else rootless */
	struct engine e = {.rootless = geteuid() != 0};
	e.root = xstrdup(mkdtemp(tmpl));
	return e;
}

static void engine_done(struct engine *e)
{
	rm_rf_at(AT_FDCWD, e->root, NULL);
	free(e->root);
}

static bool layers_dir_empty(struct engine *e)
{
	char *path = xasprintf("%s/layers", e->root);
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)) != NULL)
		n += de->d_name[0] != '.' || str_has_prefix(de->d_name, ".tmp-");
	if (d)
		closedir(d);
	free(path);
	return n == 0;
}

static const struct ent good[] = {
    {"./", AE_IFDIR, 0755, NULL, false},
    {"d/", AE_IFDIR, 0750, NULL, false},
    {"d/f", AE_IFREG, 04755, "hello", false},
    {"d/l", AE_IFLNK, 0777, "/", false},
    {"d/h", AE_IFREG, 0644, "d/f", true},
    {"d/.wh.gone", AE_IFREG, 0644, NULL, false},
    {"o/.wh..wh..opq", AE_IFREG, 0644, NULL, false},
    {"deep/er/file", AE_IFREG, 0600, "abc", false},
    {"p", AE_IFIFO, 0644, NULL, false},
};

UNIT_TEST(layer_extract_good)
{
	static char tar[65536], gz[65536];
	struct engine e = test_engine();
	struct werr err = {0};
	char want_diff[DIGEST_STR_LEN], want_blob[DIGEST_STR_LEN], diffid[DIGEST_STR_LEN];
	size_t tlen = make_tar(good, ARRAY_SIZE(good), tar, sizeof(tar));
	size_t glen = gzip_buf(tar, tlen, gz, sizeof(gz));
	int64_t size = 0;
	struct stat st, st2;
	char v[8] = {0}, *dir, *p;

	sha256_buf(tar, tlen, want_diff);
	sha256_buf(gz, glen, want_blob);
	CHECK(glen > 0 && glen < tlen);
	CHECK(extract(&e, gz, glen, want_blob, diffid, &size, &err) == 0);
	CHECK_STR(diffid, want_diff);
	CHECK(size == 8);
	dir = layer_path(&e, diffid);
	p = xasprintf("%s/d/f", dir);
	CHECK(lstat(p, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 04755);
	CHECK(st.st_uid == owner() && st.st_size == 5 && st.st_mtime == 1000000);
	free(p);
	p = xasprintf("%s/d/h", dir);
	CHECK(lstat(p, &st2) == 0 && st2.st_ino == st.st_ino);
	free(p);
	p = xasprintf("%s/d/l", dir);
	CHECK(lstat(p, &st) == 0 && S_ISLNK(st.st_mode));
	free(p);
	p = xasprintf("%s/d/gone", dir);
	CHECK(lstat(p, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0));
	free(p);
	p = xasprintf("%s/o", dir);
	CHECK(lgetxattr(p, "user.overlay.opaque", v, sizeof(v)) == 1 && v[0] == 'y');
	CHECK(e.rootless || lgetxattr(p, "trusted.overlay.opaque", v, sizeof(v)) == 1);
	free(p);
	p = xasprintf("%s/d", dir);
	CHECK(lstat(p, &st) == 0 && (st.st_mode & 07777) == 0750 && st.st_mtime == 1000000);
	free(p);
	p = xasprintf("%s/p", dir);
	CHECK(lstat(p, &st) == 0 && S_ISFIFO(st.st_mode));
	free(p);
	free(dir);
	/* the same layer again: present, the blob is not read */
	{
		struct layer_src src = {.fd = -1, .offset = 0, .length = -1};
		CHECK(layer_extract(&e, &src, NULL, want_diff, diffid, &size, &err) == 0);
		CHECK(size == -1);
	}
	/* plain tar, read to EOF */
	CHECK(layer_remove(&e, diffid, &err) == 0);
	{
		int fd = blob_fd(tar, tlen);
		struct layer_src src = {.fd = fd, .offset = 7, .length = -1};
		CHECK(layer_extract(&e, &src, NULL, want_diff, diffid, &size, &err) == 0);
		close(fd);
	}
	CHECK(layer_remove(&e, diffid, &err) == 0);
	CHECK(layers_dir_empty(&e));
	/* wrong digest: nothing left behind */
	/* another valid hex digit (a flipped bit can leave [0-9a-f]: a different error) */
	want_blob[10] = want_blob[10] == '0' ? '1' : '0';
	CHECK(extract(&e, gz, glen, want_blob, diffid, &size, &err) == -1);
	CHECK(strstr(err.msg, "layer digest mismatch") != NULL);
	CHECK(layers_dir_empty(&e));
	engine_done(&e);
}

static const char *refuse(const struct ent *ents, size_t n)
{
	static char tar[65536];
	static struct werr err;
	struct engine e = test_engine();
	char diffid[DIGEST_STR_LEN];
	size_t tlen = make_tar(ents, n, tar, sizeof(tar));
	int rc = extract(&e, tar, tlen, NULL, diffid, NULL, &err);
	bool empty = layers_dir_empty(&e);
	bool host_ok = access("/x-warren-test", F_OK) < 0 && access("/tmp/x-warren-test", F_OK) < 0;

	engine_done(&e);
	if (rc == 0)
		return "EXTRACTED";
	if (!empty)
		return "LEFTOVER";
	if (!host_ok)
		return "ESCAPED";
	return err.msg;
}

UNIT_TEST(layer_refuse_symlink)
{
	static const struct ent t[] = {
	    {"evil", AE_IFLNK, 0777, "/", false},
	    {"evil/x-warren-test", AE_IFREG, 0644, "pwned", false},
	};
	static const struct ent t2[] = {
	    {"a/b", AE_IFREG, 0644, "x", false},
	    {"a", AE_IFLNK, 0777, "/tmp", false},
	    {"a/x-warren-test", AE_IFREG, 0644, "pwned", false},
	};
	CHECK(strstr(refuse(t, 2), "layer entry 'evil/x-warren-test' would write through "
				   "symlink 'evil'") != NULL);
	CHECK(strstr(refuse(t2, 3), "would write through symlink 'a'") != NULL);
	layer_disable_openat2();
	CHECK(strstr(refuse(t, 2), "would write through symlink 'evil'") != NULL);
	CHECK(strstr(refuse(t2, 3), "would write through symlink 'a'") != NULL);
}

UNIT_TEST(layer_refuse_paths)
{
	static const struct ent dotdot[] = {
	    {"ok", AE_IFREG, 0644, "x", false},
	    {"../x-warren-test", AE_IFREG, 0644, "pwned", false},
	};
	static const struct ent abs[] = {{"/x-warren-test", AE_IFREG, 0644, "pwned", false}};
	static const struct ent link[] = {{"h", AE_IFREG, 0644, "../../etc/passwd", true}};
	static const struct ent linksym[] = {
	    {"s", AE_IFLNK, 0777, "/etc", false},
	    {"h", AE_IFREG, 0644, "s/passwd", true},
	};
	CHECK(strstr(refuse(dotdot, 2), "has a '..' component") != NULL);
	CHECK(strstr(refuse(abs, 1), "has an absolute path") != NULL);
	CHECK(strstr(refuse(link, 1), "has a '..' component") != NULL);
	CHECK(strstr(refuse(linksym, 2), "symlink 's'") != NULL);
}

/* A whiteout names one file of its own dir: ".wh...", ".wh.." and ".wh."
 * are refused, and a layer already in the store stays whole (issue 5 item
 * 1: ".wh..." at a layer's root removed the layers dir). */
UNIT_TEST(layer_refuse_whiteouts)
{
	static const char *const bad[] = {".wh...",    "a/.wh...", ".wh..",
					  "a/b/.wh..", ".wh.",	   "a/.wh."};
	static const struct ent keep[] = {{"kept", AE_IFREG, 0644, "data", false}};
	static char tar[65536];
	struct engine e = test_engine();
	struct werr err = {0};
	char diffid[DIGEST_STR_LEN], kept_id[DIGEST_STR_LEN], *kept;

	CHECK(extract(&e, tar, make_tar(keep, 1, tar, sizeof(tar)), NULL, kept_id, NULL, &err) ==
	      0);
	kept = layer_path(&e, kept_id);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		const struct ent t[] = {{"a/b/f", AE_IFREG, 0644, "x", false},
					{bad[i], AE_IFREG, 0644, NULL, false}};
		char want[96];

		snprintf(want, sizeof(want),
			 "layer entry '%s' is a whiteout of '%s', not of a file name", bad[i],
			 strrchr(bad[i], '/') ? strrchr(bad[i], '/') + 5 : bad[i] + 4);
		CHECK(extract(&e, tar, make_tar(t, 2, tar, sizeof(tar)), NULL, diffid, NULL,
			      &err) == -1);
		CHECK(strstr(err.msg, want) != NULL);
		CHECK(access(kept, F_OK) == 0);
	}
	/* no partial layer left: only the kept one, gone with it */
	CHECK(layer_remove(&e, kept_id, &err) == 0);
	CHECK(layers_dir_empty(&e));
	free(kept);
	engine_done(&e);
}

UNIT_TEST(layer_corrupt_and_gc)
{
	static char tar[65536], gz[65536];
	static const struct ent one[] = {{"f", AE_IFREG, 0644, "data", false}};
	struct engine e = test_engine();
	struct werr err = {0};
	char diffid[DIGEST_STR_LEN];
	size_t tlen = make_tar(one, 1, tar, sizeof(tar));
	size_t glen = gzip_buf(tar, tlen, gz, sizeof(gz));
	char *stale, *held, *p;
	int fd, guard;

	/* a truncated gzip stream fails and leaves nothing */
	CHECK(extract(&e, gz, glen / 2, NULL, diffid, NULL, &err) == -1);
	CHECK(layers_dir_empty(&e));
	/* a blob that is not a tar */
	CHECK(extract(&e, "hello world, not a tar", 22, NULL, diffid, NULL, &err) == -1);
	CHECK(layers_dir_empty(&e));
	/* gc removes unlocked leftovers only (issue 5 item 9) */
	stale = xasprintf("%s/layers/.tmp-stale", e.root);
	held = xasprintf("%s/layers/.tmp-held", e.root);
	CHECK(mkdir(stale, 0755) == 0 && mkdir(held, 0755) == 0);
	p = xasprintf("%s/layers/.tmp-stale/sub", e.root);
	CHECK(mkdir(p, 0755) == 0);
	free(p);
	fd = open(held, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(fd >= 0 && flock(fd, LOCK_EX) == 0);
	/* nothing while a command makes its temp dir (holds the layers dir) */
	p = xasprintf("%s/layers", e.root);
	guard = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(p);
	CHECK(guard >= 0 && flock(guard, LOCK_SH) == 0);
	layer_gc_tmp(&e);
	CHECK(access(stale, F_OK) == 0);
	close(guard);
	layer_gc_tmp(&e);
	CHECK(access(stale, F_OK) < 0 && access(held, F_OK) == 0);
	close(fd);
	/* the next extraction collects what is left */
	CHECK(extract(&e, tar, tlen, NULL, diffid, NULL, &err) == 0);
	CHECK(access(held, F_OK) < 0);
	CHECK(layer_remove(&e, diffid, &err) == 0);
	free(stale);
	free(held);
	CHECK(layer_remove(&e, "../../etc", &err) == -1);
	/* a dir of the layers dir goes whole or not at all (renamed first) */
	p = xasprintf("%s/layers/mp-test/etc", e.root);
	CHECK(mkdir_p(p, 0755, &err) == 0);
	free(p);
	p = xasprintf("%s/layers", e.root);
	fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(p);
	CHECK(layer_dir_remove(fd, "mp-test", &err) == 0 &&
	      layer_dir_remove(fd, "mp-test", &err) == 0);
	close(fd);
	CHECK(layers_dir_empty(&e));
	engine_done(&e);
}

UNIT_MAIN()
