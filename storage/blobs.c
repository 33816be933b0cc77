/* blobs.c - the content-addressed blob store (see blobs.h).
 *
 * Temp files live in <root>/blobs/.tmp-<random>, beside blobs/sha256/, so
 * that the commit is one rename on one filesystem. Their writer holds an
 * exclusive flock on each while it writes, so a temp file nobody holds is
 * the leftover of a killed command. open and flock are two steps: writers
 * hold a shared flock on the blobs dir across them and blob_gc_tmp looks
 * only while it holds that one exclusively (the layer temp dirs of
 * storage/layer.c follow the same protocol). */
#include "storage/blobs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/util.h"
#include "storage/store.h"

#define TMP_NAME 24 /* ".tmp-" + 16 hex + NUL, rounded */

struct blob_writer {
	int dfd; /* <root>/blobs */
	int fd;	 /* the temp file, flocked */
	char tmp[TMP_NAME];
	struct sha256_ctx *h; /* NULL once the digest is taken */
	char digest[DIGEST_STR_LEN];
	int64_t size;
	bool committed;
};

/* flock failed because the filesystem has no such locks (NFS): the work
 * goes on unlocked, and blob_gc_tmp then removes nothing. */
static bool locks_unsupported(int e)
{
	return e == ENOLCK || e == EBADF || e == EINVAL || e == EOPNOTSUPP;
}

static int flock_intr(int fd, int op)
{
	int rc;

	while ((rc = flock(fd, op)) < 0 && errno == EINTR)
		;
	return rc;
}

/* <root>/blobs, created (with sha256/) when create. */
static int open_blobs_dir(struct engine *e, bool create, struct werr *err)
{
	cleanup_free char *dir = xasprintf("%s/blobs", e->root);
	cleanup_free char *sub = xasprintf("%s/blobs/sha256", e->root);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0 || errno != ENOENT || !create)
		return fd >= 0 ? fd : werr_set(err, errno, "open '%s'", dir);
	/* readable by all below the store's root (0700 unless its owner opens
	 * it as a shared read-only store): a reader's save copies them */
	if (mkdir_p(sub, 0755, err) < 0)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd >= 0 ? fd : werr_set(err, errno, "open '%s'", dir);
}

/* Starts a blob; see blobs.h. */
struct blob_writer *blob_writer_new(struct engine *e, struct werr *err)
{
	cleanup_close int dfd = open_blobs_dir(e, true, err);
	cleanup_close int guard = -1;
	struct blob_writer *w;

	if (dfd < 0)
		return NULL;
	if (mkdirat(dfd, "sha256", 0755) < 0 && errno != EEXIST) {
		werr_set(err, errno, "mkdir '%s/blobs/sha256'", e->root);
		return NULL;
	}
	guard = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (guard < 0 || (flock_intr(guard, LOCK_SH) < 0 && !locks_unsupported(errno))) {
		werr_set(err, errno, "lock '%s/blobs'", e->root);
		return NULL;
	}
	w = xcalloc(1, sizeof(*w));
	memcpy(w->tmp, ".tmp-", 5);
	random_hex(w->tmp + 5, 16);
	w->fd = openat(dfd, w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (w->fd < 0 || (flock(w->fd, LOCK_EX | LOCK_NB) < 0 && !locks_unsupported(errno))) {
		werr_set(err, errno, "create blob temp file '%s/blobs/%s'", e->root, w->tmp);
		if (w->fd >= 0) {
			close(w->fd);
			unlinkat(dfd, w->tmp, 0);
		}
		free(w);
		return NULL;
	}
	w->dfd = steal_fd(&dfd);
	w->h = sha256_new();
	return w; /* the guard's shared lock goes when it is closed */
}

/* Appends bytes to the blob; see blobs.h. */
int blob_write(struct blob_writer *w, const void *buf, size_t len, struct werr *err)
{
	if (w->h == NULL)
		return werr_set(err, EINVAL, "blob write after its digest was taken");
	if (write_all(w->fd, buf, len) < 0)
		return werr_set(err, errno, "write blob temp file '%s'", w->tmp);
	sha256_update(w->h, buf, len);
	w->size += (int64_t)len;
	return 0;
}

/* Digest and size of the bytes written; see blobs.h. */
void blob_writer_digest(struct blob_writer *w, char digest[DIGEST_STR_LEN], int64_t *size)
{
	if (w->h != NULL) {
		sha256_final(w->h, w->digest);
		w->h = NULL;
	}
	if (digest != NULL)
		memcpy(digest, w->digest, DIGEST_STR_LEN);
	if (size != NULL)
		*size = w->size;
}

/* Verifies and renames the blob into place; see blobs.h. */
int blob_commit(struct blob_writer *w, const char *want, struct werr *err)
{
	char name[DIGEST_HEX_LEN + 8];

	blob_writer_digest(w, NULL, NULL);
	if (w->committed)
		return 0;
	if (want != NULL && strcmp(want, w->digest) != 0)
		return werr_set(err, 0, "blob digest mismatch: want %s, got %s", want, w->digest);
	snprintf(name, sizeof(name), "sha256/%s", digest_hex(w->digest));
	if (renameat(w->dfd, w->tmp, w->dfd, name) < 0)
		return werr_set(err, errno, "rename blob %s into place", w->digest);
	w->committed = true;
	return 0;
}

/* Frees a writer, removing its temp file unless committed. */
void blob_writer_free(struct blob_writer *w)
{
	if (w == NULL)
		return;
	if (!w->committed)
		unlinkat(w->dfd, w->tmp, 0);
	sha256_free(w->h);
	close(w->fd);
	close(w->dfd);
	free(w);
}

void blob_writer_freep(struct blob_writer **w)
{
	blob_writer_free(*w);
}

/* "<root>/blobs/sha256/<hex>", malloc'd. */
char *blob_path(struct engine *e, const char *digest)
{
	return xasprintf("%s/blobs/sha256/%s", e->root, digest_hex(digest));
}

/* Blob digest of a read-only image store of e (storage.conf
 * additionalimagestores), the first that has it as a regular file; -1
 * (errno ENOENT) when none does. Its bytes are untrusted: every reader
 * verifies them against the digest, as it does a registry's. */
static int ro_blob_open(struct engine *e, const char *digest)
{
	const char *dir;

	for (size_t i = 0; e->store && (dir = store_readonly_dir(e->store, i)) != NULL; i++) {
		cleanup_free char *p = xasprintf("%s/blobs/sha256/%s", dir, digest_hex(digest));
		int fd = open(p, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		struct stat st;

		if (fd < 0)
			continue;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
			fcntl(fd, F_SETFL, 0);
			return fd;
		}
		close(fd);
	}
	errno = ENOENT;
	return -1;
}

bool blob_exists_any(struct engine *e, const char *digest)
{
	int fd;

	if (blob_exists(e, digest))
		return true;
	if (!digest_valid(digest))
		return false;
	fd = ro_blob_open(e, digest);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* Opens a blob for reading; see blobs.h. */
int blob_open(struct engine *e, const char *digest, struct werr *err)
{
	cleanup_free char *path = NULL;
	int fd;

	if (!digest_valid(digest))
		return werr_set(err, EINVAL, "invalid blob digest '%s'", digest ? digest : "");
	path = blob_path(e, digest);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		fd = ro_blob_open(e, digest);
	if (fd < 0)
		return werr_set(err, errno, "open blob %s", digest);
	return fd;
}

/* True when the blob is stored. */
bool blob_exists(struct engine *e, const char *digest)
{
	cleanup_free char *path = NULL;

	if (!digest_valid(digest))
		return false;
	path = blob_path(e, digest);
	return faccessat(AT_FDCWD, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

/* Removes a blob; absent is fine. */
int blob_remove(struct engine *e, const char *digest, struct werr *err)
{
	cleanup_free char *path = NULL;

	if (!digest_valid(digest))
		return werr_set(err, EINVAL, "invalid blob digest '%s'", digest ? digest : "");
	path = blob_path(e, digest);
	if (unlink(path) < 0 && errno != ENOENT)
		return werr_set(err, errno, "remove blob %s", digest);
	return 0;
}

/* Removes the temp files no live writer holds; see blobs.h. */
void blob_gc_tmp(struct engine *e)
{
	cleanup_close int dfd = open_blobs_dir(e, false, NULL);
	cleanup_free char *path = xasprintf("%s/blobs", e->root);

	tmp_gc_at(dfd, path);
}

/* Calls fn for every committed blob; see blobs.h. */
int blob_foreach(struct engine *e, int (*fn)(const char *digest, void *data), void *data)
{
	cleanup_free char *dir = xasprintf("%s/blobs/sha256", e->root);
	cleanup_dir DIR *d = opendir(dir);
	struct dirent *de;

	while (d != NULL && (de = readdir(d)) != NULL) {
		char digest[DIGEST_STR_LEN];
		int rc;

		if (strlen(de->d_name) != DIGEST_HEX_LEN || !str_is_hex(de->d_name, DIGEST_HEX_LEN))
			continue;
		snprintf(digest, sizeof(digest), "sha256:%s", de->d_name);
		rc = fn(digest, data);
		if (rc != 0)
			return rc;
	}
	return 0;
}
