/* layertar.c - a layer dir (or an overlay upper dir) as an OCI layer tar;
 * see layertar.h. */
#include "storage/layertar.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "lib/walk.h"
#include "storage/layer.h"

#define OPQ ".wh..wh..opq"

struct remake {
	struct archive *a;
	int64_t bytes;	  /* regular-file bytes written */
	int64_t mtime;	  /* >= 0: every entry's mtime (and the file's, set) */
	bool flat;	  /* layer_tar_merge of a whole image: no whiteouts */
	char path[4096];  /* of the dir being walked, "" at the top */
	const char *skip; /* a top-level name left out, or NULL */
	struct werr *err;
};

static int remake_header(struct remake *r, struct archive_entry *ent, const char *what)
{
	if (archive_write_header(r->a, ent) < ARCHIVE_WARN)
		return werr_set(r->err, 0, "write '%s': %s", what, archive_error_string(r->a));
	return 0;
}

/* Is directory dfd opaque: overlay's xattr (user. rootless, trusted. as
 * root), fuse-overlayfs' own, or its fallback marker file? */
static bool dir_opaque(int dfd)
{
	static const char *const xattrs[] = {"user.overlay.opaque", "trusted.overlay.opaque",
					     "user.fuseoverlayfs.opaque"};
	struct stat st;
	char v[4];

	for (size_t i = 0; i < ARRAY_SIZE(xattrs); i++)
		if (fgetxattr(dfd, xattrs[i], v, sizeof(v)) == 1 && v[0] == 'y')
			return true;
	return fstatat(dfd, OPQ, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* An opaque dir becomes DIR/.wh..wh..opq again. */
static int remake_opaque(struct remake *r, int dfd, const char *rel)
{
	struct archive_entry *ent;
	cleanup_free char *name = NULL;
	int rc;

	if (!dir_opaque(dfd))
		return 0;
	name = xasprintf("%s%s" OPQ, rel, rel[0] ? "/" : "");
	ent = archive_entry_new();
	archive_entry_set_pathname(ent, name);
	archive_entry_set_filetype(ent, AE_IFREG);
	archive_entry_set_perm(ent, 0644);
	rc = remake_header(r, ent, name);
	archive_entry_free(ent);
	return rc;
}

static int remake_data(struct remake *r, int dfd, const char *name, const char *rel)
{
	cleanup_close int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char buf[65536];
	ssize_t n;

	if (fd < 0)
		return werr_set(r->err, errno, "open '%s'", rel);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (archive_write_data(r->a, buf, (size_t)n) < 0)
			return werr_set(r->err, 0, "write '%s': %s", rel,
					archive_error_string(r->a));
	return n < 0 ? werr_set(r->err, errno, "read '%s'", rel) : 0;
}

/* walk_tree entry: one file of the dir into the tar. */
/* The owner a file had before a single-uid extraction made it root's
 * (LAYER_OWNER_XATTR), put back in ent; only while the file is still
 * root's (a later chown in the container wins). */
static void recorded_owner(int dfd, const char *name, struct archive_entry *ent)
{
	cleanup_free char *p = xasprintf("/proc/self/fd/%d/%s", dfd, name);
	char v[32];
	unsigned int uid, gid;
	char end;
	ssize_t n;

	if (archive_entry_uid(ent) != 0 || archive_entry_gid(ent) != 0)
		return;
	n = lgetxattr(p, LAYER_OWNER_XATTR, v, sizeof(v) - 1);
	if (n <= 0)
		return;
	v[n] = '\0';
	if (sscanf(v, "%u:%u%c", &uid, &gid, &end) != 2)
		return;
	archive_entry_set_uid(ent, uid);
	archive_entry_set_gid(ent, gid);
}

static int remake_entry(void *data, const struct walk_dir *d, const char *name, int type,
			struct werr *err)
{
	struct remake *r = data;
	cleanup_free char *rel = xasprintf("%s%s%s", r->path, r->path[0] ? "/" : "", name);
	struct archive_entry *ent;
	char target[4096];
	struct stat st;
	int rc = 0;

	r->err = err;
	if (strcmp(name, OPQ) == 0)
		return WALK_NEXT; /* written by remake_opaque */
	if (r->skip != NULL && r->path[0] == '\0' && strcmp(name, r->skip) == 0)
		return WALK_NEXT;
	if (fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return werr_set(err, errno, "stat '%s'", rel);
	ent = archive_entry_new();
	if (r->mtime >= 0) {
		struct timespec ts[2] = {{.tv_nsec = UTIME_OMIT}, {.tv_sec = r->mtime}};
		st.st_mtim = ts[1];
		utimensat(d->fd, name, ts, AT_SYMLINK_NOFOLLOW); /* best effort */
	}
	archive_entry_copy_stat(ent, &st);
	if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
		recorded_owner(d->fd, name, ent);
	archive_entry_set_pathname(ent, rel);
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) { /* an overlay whiteout */
		cleanup_free char *wh =
		    xasprintf("%s%s.wh.%s", r->path, r->path[0] ? "/" : "", name);
		archive_entry_set_pathname(ent, wh);
		archive_entry_set_filetype(ent, AE_IFREG);
		archive_entry_set_size(ent, 0);
		archive_entry_set_perm(ent, 0644);
	} else if (S_ISLNK(st.st_mode)) {
		ssize_t n = readlinkat(d->fd, name, target, sizeof(target) - 1);
		if (n < 0)
			rc = werr_set(err, errno, "readlink '%s'", rel);
		target[n < 0 ? 0 : n] = '\0';
		archive_entry_set_symlink(ent, target);
	} else if (!S_ISREG(st.st_mode)) {
		archive_entry_set_size(ent, 0);
	}
	if (rc == 0)
		rc = remake_header(r, ent, rel);
	if (rc == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		rc = remake_data(r, d->fd, name, rel);
		r->bytes += st.st_size;
	}
	archive_entry_free(ent);
	if (rc < 0)
		return -1;
	return S_ISDIR(st.st_mode) ? WALK_DESCEND : WALK_NEXT;
}

static int remake_enter(void *data, const struct walk_dir *d, struct werr *err)
{
	struct remake *r = data;
	size_t n = strlen(r->path);

	if (d->depth > 0)
		snprintf(r->path + n, sizeof(r->path) - n, "%s%s", n ? "/" : "", d->name);
	r->err = err;
	return remake_opaque(r, d->fd, r->path);
}

static int remake_leave(void *data, const struct walk_dir *parent, const struct walk_dir *d,
			struct werr *err)
{
	struct remake *r = data;
	char *slash = strrchr(r->path, '/');

	if (slash != NULL)
		*slash = '\0';
	else
		r->path[0] = '\0';
	return 0;
}

/* Writes the tar of dfd through r->a, opened already; closes and frees it. */
static int remake_tree(struct remake *r, int dfd, int open_rc, struct werr *err)
{
	static const struct walk_ops ops = {
	    .entry = remake_entry, .enter = remake_enter, .leave = remake_leave};
	int rc = open_rc == ARCHIVE_OK ? 0 : -1;

	if (rc < 0)
		werr_set(err, 0, "write layer tar: %s", archive_error_string(r->a));
	if (rc == 0)
		rc = walk_tree(dfd, -1, &ops, r, err);
	if (archive_write_close(r->a) != ARCHIVE_OK && rc == 0)
		rc = werr_set(err, 0, "write layer tar: %s", archive_error_string(r->a));
	archive_write_free(r->a);
	return rc;
}

static struct archive *remake_new(void)
{
	struct archive *a = archive_write_new();

	archive_write_set_format_pax_restricted(a);
	archive_write_set_bytes_in_last_block(a, 1);
	return a;
}

int layer_tar_dir(int dfd, int out_fd, struct werr *err)
{
	return layer_tar_dir_skip(dfd, NULL, out_fd, err);
}

int layer_tar_dir_skip(int dfd, const char *skip, int out_fd, struct werr *err)
{
	struct remake r = {.err = err, .a = remake_new(), .mtime = -1, .skip = skip};

	return remake_tree(&r, dfd, archive_write_open_fd(r.a, out_fd), err);
}

struct sink {
	layer_tar_sink_fn fn;
	void *ud;
	struct werr *err;
};

static la_ssize_t sink_write(struct archive *a, void *data, const void *buf, size_t len)
{
	struct sink *s = data;

	if (s->fn(s->ud, buf, len, s->err) < 0) {
		archive_set_error(a, EIO, "%s", s->err->msg);
		return -1;
	}
	return (la_ssize_t)len;
}

int layer_tar_dir_to(int dfd, layer_tar_sink_fn fn, void *ud, int64_t mtime, int64_t *file_bytes,
		     struct werr *err)
{
	struct remake r = {.err = err, .a = remake_new(), .mtime = mtime};
	struct sink s = {.fn = fn, .ud = ud, .err = err};
	int rc = remake_tree(&r, dfd, archive_write_open(r.a, &s, NULL, sink_write, NULL), err);

	*file_bytes = r.bytes;
	return rc;
}

/* ---- layers merged into one ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dirs fds[0..n) (union, sorted, no duplicates). */
static char **merge_names(const int *fds, size_t n)
{
	char **v = xcalloc(1, sizeof(char *));
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		int fd = dup(fds[i]);
		DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
		struct dirent *de;
		if (d == NULL) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		while ((de = readdir(d)) != NULL)
			if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 &&
			    strcmp(de->d_name, OPQ) != 0) {
				v = strv_append(v, de->d_name);
				k++;
			}
		closedir(d);
	}
	qsort(v, k, sizeof(char *), cmp_str);
	size_t w = 0;
	for (size_t i = 0; i < k; i++) {
		if (w > 0 && strcmp(v[w - 1], v[i]) == 0) {
			free(v[i]);
			continue;
		}
		v[w++] = v[i];
	}
	v[w] = NULL;
	return v;
}

static bool whiteout_st(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0);
}

/* Opens name in each dir of fds[0..n) that has it as a dir: the count. */
static size_t open_subdirs(const int *fds, size_t n, const char *name, int *out)
{
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		int fd = openat(fds[i], name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0)
			out[m++] = fd;
	}
	return m;
}

/* One dir of the merged tree: fds the layers that have it as a dir, top
 * first; bfds the layers below (the base) that have it. A whiteout is
 * written only where the base has the dir: in a dir no lower layer has,
 * overlay would list it (it hides nothing there anyway). */
static int merge_dir(struct remake *r, int *fds, size_t n, int *bfds, size_t bn, struct werr *err)
{
	cleanup_strv char **names = NULL;
	size_t plen = strlen(r->path);

	for (size_t i = 0; i < n; i++)
		if (dir_opaque(fds[i])) {
			if (!r->flat && remake_opaque(r, fds[i], r->path) < 0)
				return -1;
			n = i + 1; /* the lower layers' entries are hidden */
			break;
		}
	names = merge_names(fds, n);
	for (size_t k = 0; names[k]; k++) {
		struct stat st;
		size_t top = n;
		for (size_t i = 0; i < n && top == n; i++)
			if (fstatat(fds[i], names[k], &st, AT_SYMLINK_NOFOLLOW) == 0)
				top = i;
		if (top == n || ((r->flat || bn == 0) && whiteout_st(&st)))
			continue;
		struct walk_dir d = {.fd = fds[top]};
		if (remake_entry(r, &d, names[k], 0, err) < 0)
			return -1;
		if (!S_ISDIR(st.st_mode))
			continue;
		int *sub = xcalloc(n - top, sizeof(int));
		size_t m = 0;
		int rc = 0;
		for (size_t i = top; i < n; i++) {
			struct stat s2;
			if (fstatat(fds[i], names[k], &s2, AT_SYMLINK_NOFOLLOW) < 0)
				continue;
			if (!S_ISDIR(s2.st_mode))
				break; /* a file or whiteout here hides the layers below */
			sub[m] = openat(fds[i], names[k],
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub[m] < 0) {
				rc = werr_set(err, errno, "open '%s/%s'", r->path, names[k]);
				break;
			}
			m++;
		}
		int *bsub = xcalloc(bn + 1, sizeof(int));
		size_t bm = rc == 0 ? open_subdirs(bfds, bn, names[k], bsub) : 0;
		if (rc == 0) {
			snprintf(r->path + plen, sizeof(r->path) - plen, "%s%s", plen ? "/" : "",
				 names[k]);
			rc = merge_dir(r, sub, m, bsub, bm, err);
			r->path[plen] = '\0';
		}
		for (size_t i = 0; i < m; i++)
			close(sub[i]);
		for (size_t i = 0; i < bm; i++)
			close(bsub[i]);
		free(sub);
		free(bsub);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int layer_tar_merge(int *dfds, size_t n, int *base, size_t nbase, bool flat, int out_fd,
		    struct werr *err)
{
	struct remake r = {.err = err, .a = remake_new(), .mtime = -1, .flat = flat};
	int rc = archive_write_open_fd(r.a, out_fd) == ARCHIVE_OK ? 0 : -1;

	if (rc < 0)
		werr_set(err, 0, "write layer tar: %s", archive_error_string(r.a));
	if (rc == 0)
		rc = merge_dir(&r, dfds, n, base, nbase, err);
	if (archive_write_close(r.a) != ARCHIVE_OK && rc == 0)
		rc = werr_set(err, 0, "write layer tar: %s", archive_error_string(r.a));
	archive_write_free(r.a);
	return rc;
}

int layer_tar_digest(int fd, char digest[DIGEST_STR_LEN], int64_t *size, struct werr *err)
{
	struct sha256_ctx *h;
	cleanup_free char *buf = xmalloc(256 * 1024);
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return werr_set(err, errno, "seek");
	h = sha256_new();
	*size = 0;
	while ((n = read(fd, buf, 256 * 1024)) > 0) {
		sha256_update(h, buf, (size_t)n);
		*size += n;
	}
	sha256_final(h, digest);
	if (n < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return werr_set(err, errno, "read temp file");
	return 0;
}
