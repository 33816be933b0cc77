/* ctrfs.c - cp, export, diff and sizes of a container's files (see
 * ctrfs.h). Copies travel as tar streams (libarchive) in every direction:
 * a forked child writes the tar of the source into a pipe, this process
 * extracts it at the destination, each side resolving its paths safely. */
#include "runtime/ctrfs.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <dirent.h>
#include <limits.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/syscalls.h"
#include "lib/util.h"
#include "lib/walk.h"
#include "runtime/container.h"
#include "runtime/container_int.h"
#include "runtime/ctrlock.h"
#include "runtime/userlookup.h"
#include "storage/driver.h"
#include "storage/layer.h"

/* ---- paths (pure) ---- */

char *cp_clean_path(const char *path, int *slash)
{
	size_t len = strlen(path);
	char *out = xmalloc(len + 2), *o = out;
	const char *p = path;

	*slash = 0;
	if (len >= 2 && strcmp(path + len - 2, "/.") == 0)
		*slash = 2;
	else if (len > 1 && path[len - 1] == '/')
		*slash = 1;
	*o = '\0';
	while (*p) {
		size_t n = strcspn(p, "/");
		if (n == 2 && strncmp(p, "..", 2) == 0) {
			char *cut = strrchr(out, '/');
			o = cut ? cut : out; /* ".." at the top stays at the top */
			*o = '\0';
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			*o++ = '/';
			memcpy(o, p, n);
			o += n;
			*o = '\0';
		}
		p += n + (p[n] == '/');
	}
	if (out[0] == '\0')
		strcpy(out, "/");
	return out;
}

/* The last component of a clean path ("" for "/"). */
static const char *base_of(const char *clean)
{
	const char *s = strrchr(clean, '/');
	return s ? s + 1 : clean;
}

/* The parent of a clean path ("/" for "/x"); malloc'd. */
static char *dir_of(const char *clean)
{
	const char *s = strrchr(clean, '/');
	if (s == NULL || s == clean)
		return xstrdup("/");
	return xstrndup(clean, (size_t)(s - clean));
}

void cp_plan_free(struct cp_plan *p)
{
	free(p->dir);
	free(p->name);
	p->dir = p->name = NULL;
}

/* An error of cp_plan_make: the text as it is, errnum for the caller. */
static int plan_fail(struct werr *err, int errnum, const char *msg)
{
	werr_set(err, 0, "%s", msg);
	err->errnum = errnum;
	return -1;
}

int cp_plan_make(const char *src, bool src_dir, const char *dest, enum cp_dest_kind dest_kind,
		 struct cp_plan *out, struct werr *err)
{
	int sslash, dslash;
	cleanup_free char *s = cp_clean_path(src, &sslash);
	cleanup_free char *d = cp_clean_path(dest, &dslash);

	if (sslash && !src_dir)
		return plan_fail(err, ENOTDIR, "not a directory");
	switch (dest_kind) {
	case CP_DEST_DIR:
		out->dir = xstrdup(d);
		/* "SRC/." and "/" copy the contents */
		out->name = xstrdup(sslash == 2 || strcmp(s, "/") == 0 ? "" : base_of(s));
		return 0;
	case CP_DEST_FILE:
		if (src_dir)
			return plan_fail(
			    err, ENOTDIR,
			    "destination must be a directory when copying a directory");
		if (dslash)
			return plan_fail(err, ENOTDIR, "not a directory");
		break;
	case CP_DEST_MISSING:
		if (dslash && !src_dir)
			return plan_fail(err, ENOENT, "no such file or directory");
		if (strcmp(d, "/") == 0)
			return plan_fail(err, ENOENT, "no such file or directory");
		break;
	}
	out->dir = dir_of(d);
	out->name = xstrdup(base_of(d));
	return 0;
}

/* ---- the root of a container ---- */

struct ctr_root {
	int fd;	      /* O_PATH directory fd: the container's "/" */
	int lock;     /* its lock while held, else -1 */
	bool mounted; /* the rootfs was mounted for us: unmounted at close */
	char *dir;    /* its storage dir */
	enum storage_driver d;
	const char *runroot, *id;
};

static void root_close(struct engine *e, struct ctr_root *r)
{
	struct werr ignore = {0};

	if (r->fd >= 0)
		close(r->fd);
	if (r->mounted)
		rootfs_umount(e, r->d, r->dir, &ignore);
	if (r->lock >= 0)
		ctrlock_release(r->runroot, r->id, r->lock);
	free(r->dir);
	*r = (struct ctr_root){.fd = -1, .lock = -1};
}

static int open_path_dir(const char *path, struct werr *err)
{
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return werr_set(err, errno, "open '%s'", path);
	return fd;
}

/* Mounts the rootfs of c, which does not run, under its lock. */
static int root_mount(struct engine *e, const struct container_rec *c, struct ctr_root *r,
		      struct werr *err)
{
	struct ctrlock_info info;
	struct image_rec img = {0};
	int st = ctrlock_try(e->runroot, c->id, true, &r->lock, &info, err), rc;

	if (st < 0)
		return -1;
	if (st == CTRLOCK_OWNED)
		return werr_set(err, EBUSY, "container %s is being started or changed: try again",
				c->name);
	if (rootfs_is_mounted(e, r->d, r->dir))
		return 0;
	rc = store_image_get(e->store, c->image_id, &img, err);
	if (rc == 0)
		werr_set(err, 0, "image %.12s of container %.12s is gone", c->image_id, c->id);
	if (rc > 0) {
		rc = rootfs_mount(e, r->d, r->dir, img.layers, c->autoremove, err) < 0 ? -1 : 1;
		r->mounted = rc > 0;
	}
	image_rec_free(&img);
	return rc > 0 ? 0 : -1;
}

/* The root of c: /proc/PID/root of a running container when live (its
 * mounts as its processes see them), else its rootfs, mounted when it does
 * not run. */
static int root_open(struct engine *e, const struct container_rec *c, bool live, struct ctr_root *r,
		     struct werr *err)
{
	bool running = c->state == CTR_RUNNING && proc_alive(c->pid, c->pid_start);

	*r = (struct ctr_root){.fd = -1, .lock = -1, .runroot = e->runroot, .id = c->id};
	r->dir = container_dir(e, c->id);
	r->d = container_driver(c);
	if (running && live) {
		char p[64];
		snprintf(p, sizeof(p), "/proc/%d/root", (int)c->pid);
		r->fd = open_path_dir(p, err);
		/* the pid could have been reused between the check and the open */
		if (r->fd >= 0 && !proc_alive(c->pid, c->pid_start)) {
			werr_set(err, ESRCH, "container %s exited", c->name);
			root_close(e, r);
			return -1;
		}
		return r->fd < 0 ? -1 : 0;
	}
	if (!running && root_mount(e, c, r, err) < 0) {
		root_close(e, r);
		return -1;
	}
	cleanup_free char *merged = xasprintf("%s/merged", r->dir);
	r->fd = open_path_dir(merged, err);
	if (r->fd < 0) {
		root_close(e, r);
		return -1;
	}
	return 0;
}

/* Resolves path inside root (RESOLVE_IN_ROOT: symlinks and ".." stay in
 * it; no /proc magic links). */
static int open_in(int root, const char *path, int flags)
{
	struct open_how how = {.flags = (uint64_t)(flags | O_CLOEXEC),
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	while (path[0] == '/')
		path++;
	return sys_openat2(root, path[0] ? path : ".", &how);
}

/* ---- writing a tar ---- */

struct tarw {
	struct walk_path wp; /* first: the archive path of the current dir, "" or "a/b/" */
	struct archive *a;
	dev_t top_dev;
};

static int tar_data(struct archive *a, int fd, const char *name, struct werr *err)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return werr_set(err, errno, "read '%s'", name);
		if (archive_write_data(a, buf, (size_t)n) < 0)
			return werr_set(err, archive_errno(a), "write the tar: %s",
					archive_error_string(a));
	}
	return 0;
}

/* Writes the entry name of dir dirfd ("" with AT_EMPTY_PATH: dirfd itself)
 * as arcname. *is_dir tells whether to descend. */
static int tar_entry(struct tarw *w, int dirfd, const char *name, const char *arcname, bool *is_dir,
		     struct werr *err)
{
	struct stat st;
	struct archive_entry *ent;
	cleanup_close int fd = -1;
	int rc = 0;

	*is_dir = false;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW | (name[0] ? 0 : AT_EMPTY_PATH)) < 0)
		return errno == ENOENT ? 0 : werr_set(err, errno, "stat '%s'", arcname);
	if (S_ISSOCK(st.st_mode))
		return 0;
	if (S_ISREG(st.st_mode)) {
		char self[64];
		snprintf(self, sizeof(self), "/proc/self/fd/%d", dirfd);
		/* O_NONBLOCK: a file swapped for a FIFO meanwhile must not hang us */
		fd = name[0] ? openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
			     : open(self, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
			return werr_set(err, fd < 0 ? errno : EAGAIN, "open '%s'", arcname);
	}
	ent = archive_entry_new();
	archive_entry_copy_stat(ent, &st);
	if (S_ISDIR(st.st_mode)) {
		cleanup_free char *d = xasprintf("%s/", arcname);
		archive_entry_copy_pathname(ent, d);
		/* not into what is mounted below (a running container's /proc,
		 * /dev, volumes): its rootfs only, and walk_tree crosses no mount */
		*is_dir = name[0] == '\0' || st.st_dev == w->top_dev;
	} else {
		archive_entry_copy_pathname(ent, arcname);
	}
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(dirfd, name, target, sizeof(target) - 1);
		if (n < 0) {
			archive_entry_free(ent);
			return werr_set(err, errno, "readlink '%s'", arcname);
		}
		target[n] = '\0';
		archive_entry_copy_symlink(ent, target);
	}
	if (archive_write_header(w->a, ent) < ARCHIVE_WARN)
		rc = werr_set(err, archive_errno(w->a), "write the tar: %s",
			      archive_error_string(w->a));
	else if (fd >= 0)
		rc = tar_data(w->a, fd, arcname, err);
	archive_entry_free(ent);
	return rc;
}

static int tw_entry(void *data, const struct walk_dir *d, const char *name, int type,
		    struct werr *err)
{
	struct tarw *w = data;
	cleanup_free char *arc = walk_path_of(&w->wp, name);
	bool is_dir;

	(void)type;
	if (tar_entry(w, d->fd, name, arc, &is_dir, err) < 0)
		return -1;
	return is_dir ? WALK_DESCEND : WALK_NEXT;
}

/* Writes a tar of fd (O_PATH; a directory's tree below it) to out, its top
 * entry named arcname ("": only a directory's contents, no top entry). */
static int tar_write(int fd, const char *arcname, int out, struct werr *err)
{
	static const struct walk_ops ops = {tw_entry, walk_path_enter, walk_path_leave};
	struct tarw w = {0};
	cleanup_free char *top = arcname[0] ? xasprintf("%s/", arcname) : xstrdup("");
	struct stat st;
	bool is_dir = true;
	int rc = 0;

	if (fstat(fd, &st) < 0)
		return werr_set(err, errno, "stat");
	walk_path_init(&w.wp, top, true);
	w.top_dev = st.st_dev;
	w.a = archive_write_new();
	archive_write_set_format_pax_restricted(w.a);
	archive_write_set_bytes_in_last_block(w.a, 1);
	if (archive_write_open_fd(w.a, out) != ARCHIVE_OK)
		rc = werr_set(err, archive_errno(w.a), "write the tar: %s",
			      archive_error_string(w.a));
	if (rc == 0 && arcname[0] != '\0')
		rc = tar_entry(&w, fd, "", arcname, &is_dir, err);
	if (rc == 0 && is_dir && S_ISDIR(st.st_mode))
		rc = walk_tree(fd, -1, &ops, &w, err);
	if (archive_write_close(w.a) != ARCHIVE_OK && rc == 0)
		rc = werr_set(err, archive_errno(w.a), "write the tar: %s",
			      archive_error_string(w.a));
	archive_write_free(w.a);
	walk_path_free(&w.wp);
	return rc;
}

/* ---- extracting a tar ---- */

struct untar {
	int root;	 /* everything resolves inside it */
	const char *dir; /* the directory (a path in root) the entries go into */
	const char *top; /* non-NULL: each name's first component becomes top
			    ("" drops it): a host path's tar from elsewhere */
	int owner;	 /* 0: leave (ours), 1: uid/gid below, 2: the entry's */
	uid_t uid;
	gid_t gid;
};

/* Opens directory path in root, creating what is missing (0755). */
static int ensure_dir(const struct untar *u, const char *path, struct werr *err)
{
	int fd = open_in(u->root, path, O_PATH | O_DIRECTORY);
	cleanup_free char *parent = NULL;
	cleanup_close int pfd = -1;

	if (fd >= 0 || errno != ENOENT || strcmp(path, "/") == 0)
		return fd >= 0 ? fd : werr_set(err, errno, "open '%s'", path);
	parent = dir_of(path);
	pfd = ensure_dir(u, parent, err);
	if (pfd < 0)
		return -1;
	if (mkdirat(pfd, base_of(path), 0755) < 0 && errno != EEXIST)
		return werr_set(err, errno, "mkdir '%s'", path);
	fd = open_in(u->root, path, O_PATH | O_DIRECTORY);
	return fd >= 0 ? fd : werr_set(err, errno, "open '%s'", path);
}

/* A name of the tar checked (no absolute names, no "..": a tar from
 * stdin is anyone's) into norm, with u->top's renaming. */
static int entry_name(const struct untar *u, const char *name, char norm[PATH_MAX],
		      struct werr *err)
{
	const char *rest;
	cleanup_free char *joined = NULL;

	if (layer_check_path(name, norm, PATH_MAX, err) < 0)
		return -1;
	if (u->top == NULL)
		return 0;
	rest = strchr(norm, '/');
	rest = rest ? rest + 1 : "";
	joined = xasprintf("%s%s%s", u->top, *u->top && *rest ? "/" : "", rest);
	if (strlen(joined) >= PATH_MAX)
		return werr_set(err, ENAMETOOLONG, "'%s'", name);
	memcpy(norm, joined, strlen(joined) + 1);
	return 0;
}

static void ids_of(const struct untar *u, struct archive_entry *ent, uid_t *uid, gid_t *gid)
{
	*uid = u->owner == 1 ? u->uid : (uid_t)archive_entry_uid(ent);
	*gid = u->owner == 1 ? u->gid : (gid_t)archive_entry_gid(ent);
}

/* Sets owner and mode of the new entry fd (opened without following). */
static int finish_fd(const struct untar *u, int fd, struct archive_entry *ent, bool o_path,
		     const char *path, struct werr *err)
{
	uid_t uid;
	gid_t gid;
	char self[64];

	ids_of(u, ent, &uid, &gid);
	if (u->owner && fchownat(fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0 &&
	    errno != EINVAL)
		return werr_set(err, errno, "chown '%s'", path);
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	if ((o_path ? chmod(self, archive_entry_perm(ent)) : fchmod(fd, archive_entry_perm(ent))) <
	    0)
		return werr_set(err, errno, "chmod '%s'", path);
	/* the times of the source, best effort as for any copy */
	struct timespec ts[2] = {{.tv_nsec = UTIME_OMIT},
				 {archive_entry_mtime(ent), archive_entry_mtime_nsec(ent)}};
	utimensat(AT_FDCWD, self, ts, 0);
	return 0;
}

/* Makes room for a non-directory: an existing one goes, a directory stays
 * and is an error. */
static int clear_name(int pfd, const char *name, const char *path, struct werr *err)
{
	struct stat st;

	if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : werr_set(err, errno, "stat '%s'", path);
	if (S_ISDIR(st.st_mode))
		return werr_set(err, EISDIR, "cannot overwrite directory \"%s\" with non-directory",
				path);
	if (unlinkat(pfd, name, 0) < 0 && errno != EBUSY)
		return werr_set(err, errno, "remove '%s'", path);
	return 0;
}

static int put_file(const struct untar *u, struct archive *a, int pfd, const char *name,
		    struct archive_entry *ent, const char *path, struct werr *err)
{
	cleanup_close int fd = -1;
	const void *buf;
	size_t len;
	int64_t off;
	int r;

	if (clear_name(pfd, name, path, err) < 0)
		return -1;
	fd = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST) /* a busy mount point: write it in place */
		fd = openat(pfd, name, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return werr_set(err, errno, "create \"%s\"", path);
	while ((r = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK)
		if (pwrite(fd, buf, len, (off_t)off) != (ssize_t)len)
			return werr_set(err, errno, "write \"%s\"", path);
	if (r != ARCHIVE_EOF)
		return werr_set(err, archive_errno(a), "read the tar: %s", archive_error_string(a));
	if (ftruncate(fd, archive_entry_size(ent)) < 0)
		return werr_set(err, errno, "write \"%s\"", path);
	return finish_fd(u, fd, ent, false, path, err);
}

static int put_dir(const struct untar *u, int pfd, const char *name, struct archive_entry *ent,
		   const char *path, struct werr *err)
{
	struct stat st;
	cleanup_close int fd = -1;

	if (mkdirat(pfd, name, 0700) < 0) {
		if (errno != EEXIST)
			return werr_set(err, errno, "mkdir \"%s\"", path);
		if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
			return werr_set(err, ENOTDIR,
					"cannot overwrite non-directory \"%s\" with "
					"directory",
					path);
	}
	fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return werr_set(err, errno, "open \"%s\"", path);
	return finish_fd(u, fd, ent, false, path, err);
}

/* A symlink, a hard link, a FIFO or a device node. */
static int put_special(const struct untar *u, int pfd, const char *name, struct archive_entry *ent,
		       const char *path, struct werr *err)
{
	const char *hl = archive_entry_hardlink(ent);
	mode_t type = archive_entry_filetype(ent);
	cleanup_close int fd = -1;
	uid_t uid;
	gid_t gid;

	if (clear_name(pfd, name, path, err) < 0)
		return -1;
	if (hl) {
		char norm[PATH_MAX], self[64];
		cleanup_free char *t = NULL;
		cleanup_close int tfd = -1;
		if (entry_name(u, hl, norm, err) < 0)
			return -1;
		t = xasprintf("%s/%s", u->dir, norm);
		tfd = open_in(u->root, t, O_PATH | O_NOFOLLOW);
		if (tfd < 0)
			return werr_set(err, errno, "link \"%s\" to \"%s\"", path, hl);
		snprintf(self, sizeof(self), "/proc/self/fd/%d", tfd);
		if (linkat(AT_FDCWD, self, pfd, name, AT_SYMLINK_FOLLOW) < 0)
			return werr_set(err, errno, "link \"%s\"", path);
		return 0;
	}
	if (type == AE_IFLNK) {
		if (symlinkat(archive_entry_symlink(ent), pfd, name) < 0)
			return werr_set(err, errno, "symlink \"%s\"", path);
		ids_of(u, ent, &uid, &gid);
		if (u->owner && fchownat(pfd, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
			return werr_set(err, errno, "chown \"%s\"", path);
		return 0;
	}
	if (mknodat(pfd, name, type | 0600, archive_entry_rdev(ent)) < 0)
		/* device nodes cannot be made rootless: skipped, as layers do */
		return errno == EPERM && type != AE_IFIFO
			   ? 0
			   : werr_set(err, errno, "mknod \"%s\"", path);
	fd = openat(pfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return werr_set(err, errno, "open \"%s\"", path);
	return finish_fd(u, fd, ent, true, path, err);
}

static int untar_entry(const struct untar *u, struct archive *a, struct archive_entry *ent,
		       struct werr *err)
{
	char norm[PATH_MAX];
	cleanup_free char *full = NULL, *parent = NULL;
	cleanup_close int pfd = -1;
	mode_t type = archive_entry_filetype(ent);

	if (entry_name(u, archive_entry_pathname(ent), norm, err) < 0)
		return -1;
	if (norm[0] == '\0')
		return 0;
	full = strcmp(u->dir, "/") == 0 ? xasprintf("/%s", norm) : xasprintf("%s/%s", u->dir, norm);
	parent = dir_of(full);
	pfd = ensure_dir(u, parent, err);
	if (pfd < 0)
		return -1;
	if (archive_entry_hardlink(ent) == NULL && type == AE_IFDIR)
		return put_dir(u, pfd, base_of(full), ent, full, err);
	if (archive_entry_hardlink(ent) == NULL && type == AE_IFREG)
		return put_file(u, a, pfd, base_of(full), ent, full, err);
	return put_special(u, pfd, base_of(full), ent, full, err);
}

/* Extracts the tar read from in into u->dir (which must exist). */
static int untar(const struct untar *u, int in, struct werr *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ent;
	cleanup_close int dfd = open_in(u->root, u->dir, O_PATH | O_DIRECTORY);
	int rc = 0, r;

	if (dfd < 0) {
		archive_read_free(a);
		return werr_set(err, errno, "open '%s'", u->dir);
	}
	archive_read_support_format_tar(a);
	archive_read_support_filter_all(a);
	if (archive_read_open_fd(a, in, 65536) != ARCHIVE_OK)
		rc = werr_set(err, archive_errno(a), "read the tar: %s", archive_error_string(a));
	while (rc == 0 && (r = archive_read_next_header(a, &ent)) != ARCHIVE_EOF) {
		if (r < ARCHIVE_WARN)
			rc = werr_set(err, archive_errno(a), "read the tar: %s",
				      archive_error_string(a));
		else
			rc = untar_entry(u, a, ent, err);
	}
	archive_read_free(a);
	return rc;
}

/* ---- copies: a child writes the tar, we extract it ---- */

/* Forks a child that writes a tar of fd (named arcname) into a pipe, and
 * extracts it with u. The child's error comes back through a second pipe. */
static int copy_through_pipe(int fd, const char *arcname, const struct untar *u, struct werr *err)
{
	int data[2], errp[2], status = 0, rc;
	struct werr cerr = {0};
	ssize_t n;
	pid_t pid;

	if (pipe2(data, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0)
		return werr_set(err, errno, "pipe");
	pid = fork();
	if (pid < 0)
		return werr_set(err, errno, "fork");
	if (pid == 0) {
		struct werr e = {0};
		close(data[0]);
		close(errp[0]);
		signal(SIGPIPE, SIG_IGN);
		if (tar_write(fd, arcname, data[1], &e) < 0) {
			write_all(errp[1], &e, sizeof(e));
			_exit(1);
		}
		_exit(0);
	}
	close(data[1]);
	close(errp[1]);
	rc = untar(u, data[0], err);
	close(data[0]); /* a child still writing gets EPIPE */
	n = read_all(errp[0], &cerr, sizeof(cerr));
	close(errp[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc == 0 && n == (ssize_t)sizeof(cerr)) {
		*err = cerr;
		return -1;
	}
	if (rc == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		return werr_set(err, 0, "copy: the tar writer failed");
	return rc;
}

/* Podman's "\"PATH\" could not be found on container NAME: no such file
 * or directory" (Go's lower-case error text); status 125. */
static int not_found(const char *where, const char *path, int errnum, struct werr *err)
{
	char why[128];

	snprintf(why, sizeof(why), "%s", strerror(errnum));
	why[0] = (char)(why[0] >= 'A' && why[0] <= 'Z' ? why[0] - 'A' + 'a' : why[0]);
	werr_set(err, 0, "\"%s\" could not be found on %s: %s", path, where, why);
	err->errnum = errnum;
	return werr_status(err, 125);
}

/* An error of cp_plan_make about dest, in Podman's words. */
static int plan_error(const struct werr *perr, const char *where, const char *dest,
		      struct werr *err)
{
	if (strncmp(perr->msg, "destination", 11) == 0) {
		werr_set(err, 0, "%s", perr->msg);
		return werr_status(err, 125);
	}
	return not_found(where, dest, perr->errnum, err);
}

int container_cp_out(struct engine *e, const struct container_rec *c, const char *src,
		     const char *dest, int out_fd, struct werr *err)
{
	struct ctr_root r;
	struct cp_plan plan = {0};
	struct stat st, dst;
	int slash, rc;
	cleanup_free char *clean = cp_clean_path(src, &slash);
	cleanup_close int sfd = -1, hfd = -1;
	enum cp_dest_kind kind = CP_DEST_MISSING;
	struct werr perr = {0};
	cleanup_free char *where = xasprintf("container %s", c->name);
	cleanup_free char *adest = NULL;
	char cwd[PATH_MAX];

	/* a relative host dest is the cwd's (cp_clean_path takes every path
	 * from "/": `cp CTR:/etc/hosts .` wrote to the host's "/hosts") */
	if (dest && dest[0] != '/') {
		if (getcwd(cwd, sizeof(cwd)) == NULL)
			return werr_set(err, errno, "cannot resolve '%s': getcwd", dest);
		adest = xasprintf("%s/%s", cwd, dest);
	}
	if (root_open(e, c, true, &r, err) < 0)
		return -1;
	sfd = open_in(r.fd, clean, O_PATH);
	if (sfd < 0 || fstat(sfd, &st) < 0) {
		int en = errno;
		root_close(e, &r);
		return not_found(where, src, en, err);
	}
	if (slash && !S_ISDIR(st.st_mode)) {
		root_close(e, &r);
		return not_found(where, src, ENOTDIR, err);
	}
	if (dest == NULL) {
		rc = tar_write(sfd, strcmp(clean, "/") == 0 ? "" : base_of(clean), out_fd, err);
		root_close(e, &r);
		return rc;
	}
	if (stat(dest, &dst) == 0)
		kind = S_ISDIR(dst.st_mode) ? CP_DEST_DIR : CP_DEST_FILE;
	rc = cp_plan_make(src, S_ISDIR(st.st_mode), adest ? adest : dest, kind, &plan, &perr);
	if (rc == 0)
		hfd = open(plan.dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rc < 0 || hfd < 0) {
		if (rc < 0)
			plan_error(&perr, "the host", dest, err);
		else
			not_found("the host", dest, errno, err);
		cp_plan_free(&plan);
		root_close(e, &r);
		return -1;
	}
	struct untar u = {.root = hfd, .dir = "/", .owner = 0};
	rc = copy_through_pipe(sfd, plan.name, &u, err);
	cp_plan_free(&plan);
	root_close(e, &r);
	return rc;
}

int container_path_stat(struct engine *e, const struct container_rec *c, const char *path,
			struct ctr_path_stat *out, struct werr *err)
{
	struct ctr_root r;
	struct stat st;
	int slash;
	cleanup_free char *clean = cp_clean_path(path, &slash);
	cleanup_close int fd = -1;
	cleanup_free char *where = xasprintf("container %s", c->name);

	if (root_open(e, c, true, &r, err) < 0)
		return -1;
	fd = open_in(r.fd, clean, O_PATH | (slash ? 0 : O_NOFOLLOW));
	if (fd < 0 || fstat(fd, &st) < 0 || (slash && !S_ISDIR(st.st_mode))) {
		int en = fd < 0 ? errno : ENOTDIR;
		root_close(e, &r);
		return not_found(where, path, en, err);
	}
	*out = (struct ctr_path_stat){.size = st.st_size,
				      .mtime_ns =
					  st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec,
				      .mode = st.st_mode};
	snprintf(out->name, sizeof(out->name), "%s",
		 strcmp(clean, "/") == 0 ? "/" : base_of(clean));
	if (S_ISLNK(st.st_mode)) {
		ssize_t n = readlinkat(fd, "", out->link, sizeof(out->link) - 1);
		out->link[n > 0 ? n : 0] = '\0';
	}
	root_close(e, &r);
	return 0;
}

/* The uid and gid of c's user (Config.User) in its /etc/passwd. */
static void ctr_user_ids(int root, const struct container_rec *c, uid_t *uid, gid_t *gid)
{
	cleanup_json struct json_object *j = c->config ? json_tokener_parse(c->config) : NULL;
	const char *user = jstr(jget(j, "Config"), "User");
	struct werr ignore = {0};
	cleanup_free char *pw = rootfs_read_file(root, "etc/passwd", USERLOOKUP_MAX_FILE, &ignore);
	cleanup_free char *gr = rootfs_read_file(root, "etc/group", USERLOOKUP_MAX_FILE, &ignore);
	struct user_ids ids = {0};

	*uid = 0;
	*gid = 0;
	if (user && user[0] && user_resolve(user, pw, gr, &ids, &ignore) == 0) {
		*uid = ids.uid;
		*gid = ids.gid;
	}
	user_ids_free(&ids);
}

/* A DEST that is a symlink (to something missing) stands for its target,
 * as in Podman: the path it leads to inside root, malloc'd. */
static char *follow_dest(int root, const char *clean)
{
	char *path = xstrdup(clean);

	for (int i = 0; i < 40; i++) { /* the kernel's limit of links */
		char target[PATH_MAX];
		cleanup_close int fd = open_in(root, path, O_PATH | O_NOFOLLOW);
		struct stat st;
		ssize_t n;
		int slash;

		if (fd < 0 || fstat(fd, &st) < 0 || !S_ISLNK(st.st_mode))
			break;
		n = readlinkat(fd, "", target, sizeof(target) - 1);
		if (n <= 0)
			break;
		target[n] = '\0';
		cleanup_free char *dir = dir_of(path);
		cleanup_free char *joined =
		    target[0] == '/' ? xstrdup(target) : xasprintf("%s/%s", dir, target);
		free(path);
		path = cp_clean_path(joined, &slash);
	}
	return path;
}

/* Where a copy into r lands: the plan for src (host; -1 for a tar from
 * stdin, which goes into dest as it is) onto dest. */
static int plan_in(const struct ctr_root *r, const struct container_rec *c, const char *src,
		   const char *dest, bool src_dir, struct cp_plan *plan, struct werr *err)
{
	int dslash;
	cleanup_free char *dclean = cp_clean_path(dest, &dslash);
	cleanup_close int dfd = open_in(r->fd, dclean, O_PATH);
	enum cp_dest_kind kind = CP_DEST_MISSING;
	struct stat st;
	struct werr perr = {0};
	cleanup_free char *where = xasprintf("container %s", c->name);
	cleanup_free char *dest_eff = NULL;

	if (dfd >= 0 && fstat(dfd, &st) == 0)
		kind = S_ISDIR(st.st_mode) ? CP_DEST_DIR : CP_DEST_FILE;
	if (src == NULL) {
		if (kind == CP_DEST_DIR) {
			plan->dir = xstrdup(dclean);
			plan->name = xstrdup("");
			return 0;
		}
		werr_set(err, 0, "destination must be a directory when copying from stdin");
		return werr_status(err, 125);
	}
	if (kind == CP_DEST_MISSING && !dslash)
		dest_eff = follow_dest(r->fd, dclean);
	if (cp_plan_make(src, src_dir, dest_eff ? dest_eff : dest, kind, plan, &perr) < 0)
		return plan_error(&perr, where, dest, err);
	/* a new DEST needs its parent */
	cleanup_close int pfd = open_in(r->fd, plan->dir, O_PATH | O_DIRECTORY);
	if (pfd < 0) {
		cp_plan_free(plan);
		return not_found(where, dest, errno == ENOTDIR ? ENOTDIR : ENOENT, err);
	}
	return 0;
}

int cp_host_src(const char *src, bool *is_dir, int *fd, struct werr *err)
{
	size_t l = strlen(src);
	struct stat st;
	cleanup_close int sfd = open(src, O_PATH | O_NOFOLLOW | O_CLOEXEC);

	if (sfd < 0 && l > 1 && src[l - 1] == '/')
		sfd = open(src, O_PATH | O_CLOEXEC);
	if (sfd < 0 || fstat(sfd, &st) < 0)
		return not_found("the host", src, errno, err);
	if (l > 1 && src[l - 1] == '/' && !S_ISDIR(st.st_mode))
		return not_found("the host", src, ENOTDIR, err);
	*is_dir = S_ISDIR(st.st_mode);
	if (fd)
		*fd = steal_fd(&sfd);
	return 0;
}

/* cp into c: host path src (its fd sfd, else its tar in_fd, named as
 * entry_name's top says), or (src NULL) the tar in_fd into DEST. */
static int cp_in(struct engine *e, const struct container_rec *c, const char *src, bool src_dir,
		 int sfd, int in_fd, const char *dest, bool archive, struct werr *err)
{
	struct ctr_root r;
	struct cp_plan plan = {0};
	int rc;

	if (root_open(e, c, true, &r, err) < 0)
		return -1;
	rc = plan_in(&r, c, src, dest, src_dir, &plan, err);
	if (rc == 0) {
		struct untar u = {.root = r.fd, .dir = plan.dir, .owner = archive ? 1 : 2};
		if (archive)
			ctr_user_ids(r.fd, c, &u.uid, &u.gid);
		if (src && sfd < 0)
			u.top = plan.name;
		rc = sfd >= 0 ? copy_through_pipe(sfd, plan.name, &u, err) : untar(&u, in_fd, err);
		if (rc < 0)
			werr_wrap(err, "copying to container %s", c->name);
	}
	cp_plan_free(&plan);
	root_close(e, &r);
	return rc < 0 ? werr_status(err, 125) : 0;
}

int container_cp_in(struct engine *e, const struct container_rec *c, const char *src, int in_fd,
		    const char *dest, bool archive, struct werr *err)
{
	cleanup_close int sfd = -1;
	bool dir = false;

	if (src && cp_host_src(src, &dir, &sfd, err) < 0)
		return -1;
	return cp_in(e, c, src, dir, sfd, in_fd, dest, archive, err);
}

int container_cp_in_tar(struct engine *e, const struct container_rec *c, const char *src, int in_fd,
			const char *dest, bool archive, struct werr *err)
{
	int slash;

	free(cp_clean_path(src, &slash)); /* only its trailing "/" or "/." */
	return cp_in(e, c, src, slash != 0, -1, in_fd, dest, archive, err);
}

int container_export(struct engine *e, const struct container_rec *c, int out_fd, struct werr *err)
{
	struct ctr_root r;
	int rc;

	if (root_open(e, c, false, &r, err) < 0)
		return -1;
	rc = tar_write(r.fd, "", out_fd, err);
	root_close(e, &r);
	return rc;
}

/* ---- diff and size: the overlay upper dir against the image layers ---- */

struct diffw {
	struct walk_path wp; /* first: the current upper dir below the top, "" or "a/b/" */
	int *layers;	     /* the image's layer dirs, top first (image diff: the
				second image's) */
	size_t nlayers;
	int *first; /* image diff: the first image's layer dirs, top first; else NULL */
	size_t nfirst;
	struct ctr_change *v;
	size_t n;
	int64_t bytes; /* size mode: the sum of file sizes */
	bool size_only;
};

static bool is_whiteout(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0);
}

static bool opaque(int dirfd)
{
	char v[4] = "";

	return (fgetxattr(dirfd, "user.overlay.opaque", v, sizeof(v)) == 1 ||
		fgetxattr(dirfd, "trusted.overlay.opaque", v, sizeof(v)) == 1) &&
	       v[0] == 'y';
}

/* Is rel ("a/b") in layer lfd? 1 yes, 0 not here (look lower), -1 hidden
 * from the layers below too (a whiteout, a file over a parent, an opaque
 * parent). Never follows a symlink. */
static int layer_has(int lfd, const char *rel)
{
	cleanup_close int cur = openat(lfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool opq = false;
	const char *p = rel;
	struct stat st;

	while (cur >= 0) {
		size_t n = strcspn(p, "/");
		cleanup_free char *c = xstrndup(p, n);
		if (fstatat(cur, c, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return opq ? -1 : 0;
		if (is_whiteout(&st))
			return -1;
		if (p[n] == '\0')
			return 1;
		if (!S_ISDIR(st.st_mode))
			return -1;
		int next = openat(cur, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(cur);
		cur = next;
		if (cur >= 0 && opaque(cur))
			opq = true;
		p += n + 1;
	}
	return 0;
}

/* Is rel in the merged view of layers l (n, top first)? */
static bool in_layers(const int *l, size_t n, const char *rel)
{
	for (size_t i = 0; i < n; i++) {
		int r = layer_has(l[i], rel);
		if (r != 0)
			return r > 0;
	}
	return false;
}

static bool in_image(const struct diffw *w, const char *rel)
{
	return in_layers(w->layers, w->nlayers, rel);
}

static void add_change(struct diffw *w, char kind, const char *rel)
{
	w->v = xrealloc(w->v, (w->n + 1) * sizeof(*w->v));
	w->v[w->n].kind = kind;
	w->v[w->n].path = xasprintf("/%s", rel);
	w->n++;
}

/* An opaque upper dir rel hides the image's entries in it: each one that
 * the upper dir does not have again is a deletion. */
static void opaque_deletions(struct diffw *w, int upper_dirfd, const char *rel)
{
	for (size_t i = 0; i < w->nlayers; i++) {
		cleanup_close int fd = -1;
		DIR *d;
		struct dirent *de;
		struct stat st;

		if (layer_has(w->layers[i], rel) != 1)
			continue;
		fd = openat(w->layers[i], rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		d = fd >= 0 ? fdopendir(dup(fd)) : NULL;
		while (d && (de = readdir(d)) != NULL) {
			cleanup_free char *child = xasprintf("%s/%s", rel, de->d_name);
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
			    fstatat(upper_dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
				continue;
			if (in_image(w, child))
				add_change(w, 'D', child);
		}
		if (d)
			closedir(d);
		break; /* the top layer that has it; lower ones only through in_image */
	}
}

/* image diff of two images: the change of rel, from whether the first
 * and the second image have it (0: neither, no change). */
static char two_kind(const struct diffw *w, const char *rel)
{
	bool a = in_layers(w->first, w->nfirst, rel), b = in_image(w, rel);

	return a ? (b ? 'C' : 'A') : (b ? 'D' : 0);
}

static void add_two(struct diffw *w, const char *rel)
{
	char k = two_kind(w, rel);

	if (k)
		add_change(w, k, rel);
}

/* image diff: an opaque dir rel of a walked layer hides what the layers
 * below had in it: each entry of rel in either image is weighed. */
static void two_opaque(struct diffw *w, const char *rel)
{
	for (int side = 0; side < 2; side++) {
		const int *l = side ? w->layers : w->first;
		size_t n = side ? w->nlayers : w->nfirst;
		for (size_t i = 0; i < n; i++) {
			cleanup_close int fd = -1;
			DIR *d;
			struct dirent *de;
			if (layer_has(l[i], rel) != 1)
				continue;
			fd = openat(l[i], rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			d = fd >= 0 ? fdopendir(dup(fd)) : NULL;
			while (d && (de = readdir(d)) != NULL) {
				cleanup_free char *child = xasprintf("%s/%s", rel, de->d_name);
				if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 &&
				    !str_has_prefix(de->d_name, ".wh."))
					add_two(w, child);
			}
			if (d)
				closedir(d);
		}
	}
}

/* dw_entry of image diff: an entry of a layer above the common ones. */
static int two_entry(struct diffw *w, int dfd, const char *name, const char *rel,
		     const struct stat *st)
{
	if (is_whiteout(st) || str_has_prefix(name, ".wh.")) {
		if (strcmp(name, ".wh..wh..opq") != 0) {
			cleanup_free char *gone =
			    is_whiteout(st) ? xstrdup(rel) : walk_path_of(&w->wp, name + 4);
			add_two(w, gone);
		}
		return WALK_NEXT;
	}
	add_two(w, rel);
	if (!S_ISDIR(st->st_mode))
		return WALK_NEXT;
	cleanup_close int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && opaque(fd))
		two_opaque(w, rel);
	return WALK_DESCEND;
}

static int dw_entry(void *data, const struct walk_dir *d, const char *name, int type,
		    struct werr *err)
{
	struct diffw *w = data;
	cleanup_free char *rel = walk_path_of(&w->wp, name);
	struct stat st;

	(void)type;
	if (fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? WALK_NEXT : werr_set(err, errno, "stat '%s'", rel);
	if (w->size_only) {
		if (!S_ISDIR(st.st_mode))
			w->bytes += st.st_size;
		return S_ISDIR(st.st_mode) ? WALK_DESCEND : WALK_NEXT;
	}
	if (w->first)
		return two_entry(w, d->fd, name, rel, &st);
	if (is_whiteout(&st) || str_has_prefix(name, ".wh.")) {
		/* fuse-overlayfs falls back to ".wh.NAME" files */
		if (strcmp(name, ".wh..wh..opq") != 0) {
			cleanup_free char *gone =
			    is_whiteout(&st) ? xstrdup(rel) : walk_path_of(&w->wp, name + 4);
			if (in_image(w, gone))
				add_change(w, 'D', gone);
		}
		return WALK_NEXT;
	}
	add_change(w, in_image(w, rel) ? 'C' : 'A', rel);
	if (S_ISDIR(st.st_mode)) {
		cleanup_close int fd =
		    openat(d->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0 && opaque(fd) && in_image(w, rel))
			opaque_deletions(w, fd, rel);
		return WALK_DESCEND;
	}
	return WALK_NEXT;
}

static int cmp_change(const void *a, const void *b)
{
	return strcmp(((const struct ctr_change *)a)->path, ((const struct ctr_change *)b)->path);
}

void ctr_changes_free(struct ctr_change *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i].path);
	free(v);
}

/* Walks the changes dir ufd (an upper dir, or a layer) with w, against
 * the first nl of layers (diff_ids, bottom first) unless size_only. */
static int walk_changes(struct engine *e, int ufd, char *const *layers, size_t nl, struct diffw *w,
			struct werr *err)
{
	static const struct walk_ops ops = {dw_entry, walk_path_enter, walk_path_leave};
	int rc = 0;

	w->nlayers = w->size_only ? 0 : nl;
	w->layers = xcalloc(w->nlayers + 1, sizeof(int));
	for (size_t i = 0; rc == 0 && i < w->nlayers; i++) {
		cleanup_free char *l = layer_path_any(e, layers[w->nlayers - 1 - i]);
		w->layers[i] = open(l, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (w->layers[i] < 0)
			rc = werr_set(err, errno, "open layer '%s'", l);
	}
	walk_path_init(&w->wp, "", true);
	if (rc == 0)
		rc = walk_tree(ufd, -1, &ops, w, err);
	for (size_t i = 0; i < w->nlayers; i++)
		if (w->layers[i] > 0)
			close(w->layers[i]);
	free(w->layers);
	walk_path_free(&w->wp);
	return rc;
}

/* Walks c's upper dir with w (against the image's layers unless size_only). */
static int walk_upper(struct engine *e, const struct container_rec *c, struct diffw *w,
		      struct werr *err)
{
	cleanup_free char *dir = container_dir(e, c->id);
	cleanup_free char *upper = xasprintf("%s/upper", dir);
	cleanup_close int ufd = open(upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct image_rec img = {0};
	int rc = 0;

	if (ufd < 0)
		return werr_set(err, errno, "open '%s'", upper);
	if (!w->size_only) {
		rc = store_image_get(e->store, c->image_id, &img, err);
		if (rc == 0)
			werr_set(err, 0, "image %.12s of container %.12s is gone", c->image_id,
				 c->id);
		rc = rc > 0 ? 0 : -1;
	}
	if (rc == 0)
		rc = walk_changes(e, ufd, img.layers, strv_len(img.layers), w, err);
	image_rec_free(&img);
	return rc;
}

/* Sorts the changes of w into out. */
static void changes_out(struct diffw *w, struct ctr_change **out, size_t *n)
{
	if (w->n)
		qsort(w->v, w->n, sizeof(*w->v), cmp_change);
	*out = w->v;
	*n = w->n;
}

/* Opens the dirs of layers [from, n) of v (diff_ids, bottom first), top
 * first, into *fds. 0 or -1. */
static int open_layers(struct engine *e, char *const *v, size_t from, size_t n, int **fds,
		       struct werr *err)
{
	*fds = xcalloc(n - from + 1, sizeof(int));
	for (size_t i = 0; i < n - from; i++)
		(*fds)[i] = -1;
	for (size_t i = 0; i < n - from; i++) {
		cleanup_free char *l = layer_path_any(e, v[n - 1 - i]);
		(*fds)[i] = open(l, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if ((*fds)[i] < 0)
			return werr_set(err, errno, "open layer '%s'", l);
	}
	return 0;
}

static void close_layers(int *fds, size_t n)
{
	for (size_t i = 0; fds && i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
}

/* Is an ancestor dir of path deleted in the sorted changes v (n)? */
static bool below_deleted(const struct ctr_change *v, size_t n, const char *path)
{
	cleanup_free char *p = xstrdup(path);
	char *slash;

	while ((slash = strrchr(p, '/')) != NULL && slash != p) {
		struct ctr_change key = {.path = p};
		const struct ctr_change *hit;
		*slash = '\0';
		hit = bsearch(&key, v, n, sizeof(*v), cmp_change);
		if (hit && hit->kind == 'D')
			return true;
	}
	return false;
}

/* Sorted changes without repeats (a path two layers touched), and
 * without what is below a deleted dir (Podman lists the dir alone). */
static void changes_unique(struct diffw *w)
{
	size_t k = 0;

	bool *drop = xcalloc(w->n + 1, sizeof(bool));

	if (w->n)
		qsort(w->v, w->n, sizeof(*w->v), cmp_change);
	for (size_t i = 0; i < w->n; i++)
		drop[i] = (i > 0 && strcmp(w->v[i - 1].path, w->v[i].path) == 0) ||
			  below_deleted(w->v, w->n, w->v[i].path);
	for (size_t i = 0; i < w->n; i++) {
		if (drop[i])
			free(w->v[i].path);
		else
			w->v[k++] = w->v[i];
	}
	free(drop);
	w->n = k;
}

int image_diff(struct engine *e, const struct image_rec *img, const struct image_rec *base,
	       struct ctr_change **out, size_t *n, struct werr *err)
{
	static const struct walk_ops ops = {dw_entry, walk_path_enter, walk_path_leave};
	size_t na = strv_len(img->layers), nb = base ? strv_len(base->layers) : na ? na - 1 : 0;
	char *const *bl = base ? base->layers : img->layers;
	struct diffw w = {0};
	size_t common = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	while (common < na && common < nb && strcmp(img->layers[common], bl[common]) == 0)
		common++;
	if (common == 0 && na > 0 && nb > 0) {
		werr_set(err, 0,
			 "image diff of %.12s and %.12s: images that share no layer are not "
			 "supported yet",
			 img->id, base->id);
		return werr_status(err, 125);
	}
	/* the first image's layers and the second's, top first */
	if (open_layers(e, img->layers, 0, na, &w.first, err) < 0 ||
	    open_layers(e, bl, 0, nb, &w.layers, err) < 0)
		rc = -1;
	w.nfirst = na;
	w.nlayers = nb;
	/* the layers above the common ones, of either: what can differ */
	for (size_t i = 0; rc == 0 && i < (na - common) + (nb - common); i++) {
		bool mine = i < na - common;
		int fd = mine ? w.first[i] : w.layers[i - (na - common)];
		walk_path_init(&w.wp, "", true);
		rc = walk_tree(fd, -1, &ops, &w, err);
		walk_path_free(&w.wp);
	}
	close_layers(w.first, na);
	close_layers(w.layers, nb);
	if (rc < 0) {
		ctr_changes_free(w.v, w.n);
		return -1;
	}
	changes_unique(&w);
	*out = w.v;
	*n = w.n;
	return 0;
}

int container_diff(struct engine *e, const struct container_rec *c, struct ctr_change **out,
		   size_t *n, struct werr *err)
{
	struct diffw w = {0};

	if (container_driver(c) == DRIVER_VFS) {
		werr_set(err, 0,
			 "diff is not supported with the vfs storage driver: it keeps no record "
			 "of the container's changes");
		return werr_status(err, 125);
	}
	if (walk_upper(e, c, &w, err) < 0) {
		ctr_changes_free(w.v, w.n);
		return -1;
	}
	changes_out(&w, out, n);
	return 0;
}

int container_size(struct engine *e, const struct container_rec *c, struct ctr_size *out,
		   struct werr *err)
{
	struct diffw w = {.size_only = true};
	struct image_rec img = {0};

	out->rw = 0;
	out->rootfs = 0;
	if (store_image_get(e->store, c->image_id, &img, err) > 0)
		out->rootfs = img.size;
	image_rec_free(&img);
	if (container_driver(c) == DRIVER_VFS)
		return 0; /* no upper dir to measure */
	if (walk_upper(e, c, &w, err) < 0)
		return -1;
	out->rw = w.bytes;
	return 0;
}
