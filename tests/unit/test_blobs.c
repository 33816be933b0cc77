/* test_blobs.c - the blob store: verified commits, leftovers of killed
 * writers, and the layer tee from a pipe (the pull's streaming input). */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/util.h"
#include "storage/blobs.h"
#include "storage/layer.h"
#include "tests/unit/unit.h"

static struct engine test_engine(void)
{
	char tmpl[] = "/tmp/warren-test-blobs-XXXXXX";
	struct engine e = {.rootless = geteuid() != 0};
	e.root = xstrdup(mkdtemp(tmpl));
	return e;
}

static void engine_done(struct engine *e)
{
	rm_rf_at(AT_FDCWD, e->root, NULL);
	free(e->root);
}

/* Entries of <root>/blobs (sub "") or <root>/blobs/sha256 (sub "sha256"). */
static int count(struct engine *e, const char *sub, const char *prefix)
{
	char *p = xasprintf("%s/blobs/%s", e->root, sub);
	DIR *d = opendir(p);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		     str_has_prefix(de->d_name, prefix);
	if (d)
		closedir(d);
	free(p);
	return n;
}

UNIT_TEST(blob_commit_verified)
{
	struct engine e = test_engine();
	struct werr err = {0};
	char want[DIGEST_STR_LEN], got[DIGEST_STR_LEN], buf[16] = {0};
	struct blob_writer *w;
	int64_t size;
	int fd;

	sha256_buf("hello world", 11, want);
	w = blob_writer_new(&e, &err);
	CHECK(w != NULL);
	CHECK(blob_write(w, "hello ", 6, &err) == 0 && blob_write(w, "world", 5, &err) == 0);
	blob_writer_digest(w, got, &size);
	CHECK_STR(got, want);
	CHECK(size == 11);
	CHECK(blob_commit(w, want, &err) == 0);
	blob_writer_free(w);
	CHECK(blob_exists(&e, want));
	fd = blob_open(&e, want, &err);
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == 11 && memcmp(buf, "hello world", 11) == 0);
	close(fd);
	CHECK(count(&e, "", ".tmp-") == 0);
	CHECK(blob_remove(&e, want, &err) == 0 && !blob_exists(&e, want));
	CHECK(blob_remove(&e, want, &err) == 0); /* absent: fine */
	CHECK(blob_open(&e, "sha256:../../etc", &err) < 0);
	engine_done(&e);
}

UNIT_TEST(blob_mismatch_never_committed)
{
	struct engine e = test_engine();
	struct werr err = {0};
	char want[DIGEST_STR_LEN];
	struct blob_writer *w = blob_writer_new(&e, &err);

	CHECK(w != NULL);
	sha256_buf("the promised bytes", 18, want);
	CHECK(blob_write(w, "other bytes", 11, &err) == 0);
	CHECK(blob_commit(w, want, &err) == -1);
	CHECK(strstr(err.msg, "blob digest mismatch") != NULL);
	blob_writer_free(w);
	CHECK(count(&e, "sha256", "") == 0);
	CHECK(count(&e, "", ".tmp-") == 0);
	engine_done(&e);
}

UNIT_TEST(blob_killed_writer_collected)
{
	struct engine e = test_engine();
	struct werr err = {0};
	struct blob_writer *live;
	pid_t pid;
	int st;

	pid = fork();
	if (pid == 0) { /* a writer killed in the middle of its blob */
		struct blob_writer *w = blob_writer_new(&e, NULL);
		if (w == NULL || blob_write(w, "partial", 7, NULL) < 0)
			_exit(1);
		kill(getpid(), SIGKILL);
		_exit(1);
	}
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFSIGNALED(st));
	live = blob_writer_new(&e, &err); /* one that lives on: kept */
	CHECK(live != NULL);
	CHECK(count(&e, "", ".tmp-") == 2);
	blob_gc_tmp(&e);
	CHECK(count(&e, "", ".tmp-") == 1);
	CHECK(blob_write(live, "x", 1, &err) == 0 && blob_commit(live, NULL, &err) == 0);
	blob_writer_free(live);
	CHECK(count(&e, "", ".tmp-") == 0 && count(&e, "sha256", "") == 1);
	engine_done(&e);
}

/* A gzip'd one-file tar in memory. */
static size_t make_blob(char *buf, size_t cap)
{
	struct archive *a = archive_write_new();
	struct archive_entry *ent = archive_entry_new();
	size_t used = 0;

	archive_write_add_filter_gzip(a);
	archive_write_set_format_pax_restricted(a);
	archive_write_open_memory(a, buf, cap, &used);
	archive_entry_set_pathname(ent, "f");
	archive_entry_set_filetype(ent, AE_IFREG);
	archive_entry_set_perm(ent, 0644);
	archive_entry_set_size(ent, 3);
	archive_write_header(a, ent);
	archive_write_data(a, "abc", 3);
	archive_write_close(a);
	archive_write_free(a);
	archive_entry_free(ent);
	return used;
}

/* Extracts the blob from a pipe (a child writes it), keeping the blob. */
static int extract_pipe(struct engine *e, const char *buf, size_t len, const char *want,
			struct layer_info *li, struct werr *err)
{
	int p[2];
	pid_t pid;
	int rc;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		_exit(write_all(p[1], buf, len) < 0);
	}
	close(p[1]);
	struct layer_src src = {.fd = p[0], .length = -1, .stream = true, .keep_blob = true};
	rc = layer_extract_info(e, &src, want, NULL, li, err);
	close(p[0]);
	waitpid(pid, NULL, 0);
	return rc;
}

UNIT_TEST(layer_tee_from_pipe)
{
	static char blob[65536];
	struct engine e = test_engine();
	struct werr err = {0};
	struct layer_info li;
	char want[DIGEST_STR_LEN];
	size_t len = make_blob(blob, sizeof(blob));

	sha256_buf(blob, len, want);
	CHECK(extract_pipe(&e, blob, len, want, &li, &err) == 0);
	CHECK_STR(li.blob, want);
	CHECK(li.blob_kept && li.blob_size == (int64_t)len && li.compression == LAYER_GZIP);
	CHECK(li.size == 3);
	CHECK_STR(layer_media_type(li.compression), "application/vnd.oci.image.layer.v1.tar+gzip");
	CHECK(blob_exists(&e, want));
	CHECK(layer_remove(&e, li.diff_id, &err) == 0 && blob_remove(&e, want, &err) == 0);
	/* a wrong digest: neither the layer nor the blob is committed */
	want[10] = want[10] == '0' ? '1' : '0';
	CHECK(extract_pipe(&e, blob, len, want, &li, &err) == -1);
	CHECK(strstr(err.msg, "layer digest mismatch") != NULL);
	CHECK(count(&e, "sha256", "") == 0 && count(&e, "", ".tmp-") == 0);
	engine_done(&e);
}

UNIT_MAIN()
