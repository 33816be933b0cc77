/* layer.c - safe, single-pass layer extraction.
 *
 * Two libarchive readers are stacked so every byte is read once: the outer
 * one (any filter, format "raw") pulls the blob with pread() (read() from a
 * pipe or socket) and hashes the compressed bytes (the blob digest), which
 * it can also tee into the blob store (storage/blobs.h); the inner one (tar) pulls decompressed
 * bytes from the outer one and hashes them (the diff_id). Entries are written
 * beneath a directory fd of a temporary dir; parents are opened with
 * openat2(RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH) (or an O_NOFOLLOW walk on
 * old kernels), so an image can never make us write outside the layer. */
#include "storage/layer.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/syscalls.h"
#include "lib/util.h"
#include "storage/blobs.h"
#include "storage/layertar.h"
#include "storage/store.h"

#define READ_BUF (256 * 1024)

/* Set by tests only: every dir is opened by the component walk of
 * open_dir, which otherwise only runs when the one-call open fails (to
 * create or to diagnose). An old kernel without openat2 is handled by
 * lib/syscalls, which emulates it. */
static bool openat2_missing;

/* Makes extraction use the O_NOFOLLOW component walk for every dir (tests
 * use it to cover that path on its own). */
void layer_disable_openat2(void)
{
	openat2_missing = true;
}

/* ---- path checks ---- */

/* Normalizes a tar entry name into norm ("./a//b/" -> "a/b"). Refuses
 * absolute names and ".." components. An empty result (e.g. "./") means
 * "skip this entry". Returns 0 or -1 with err set. */
int layer_check_path(const char *name, char *norm, size_t len, struct werr *err)
{
	size_t n = 0;
	const char *p = name;

	if (name[0] == '/')
		return werr_set(err, EPERM, "layer entry '%s' has an absolute path", name);
	while (*p != '\0') {
		const char *end = strchrnul(p, '/');
		size_t clen = (size_t)(end - p);

		if (clen == 2 && p[0] == '.' && p[1] == '.')
			return werr_set(err, EPERM, "layer entry '%s' has a '..' component", name);
		if (clen > 0 && !(clen == 1 && p[0] == '.')) {
			if (n + clen + 2 > len)
				return werr_set(err, ENAMETOOLONG,
						"layer entry '%.64s...' (%zu bytes) is too long",
						name, strlen(name));
			if (n > 0)
				norm[n++] = '/';
			memcpy(norm + n, p, clen);
			n += clen;
		}
		p = *end ? end + 1 : end;
	}
	if (len > 0)
		norm[n] = '\0';
	return 0;
}

/* ---- the extraction context ---- */

struct dir_time {
	char *path;
	struct timespec ts[2];
};

struct xctx {
	struct engine *e;
	int root;	      /* fd of the temporary layer dir */
	char cache[PATH_MAX]; /* parent dir path whose fd is cache_fd */
	int cache_fd;
	bool cache_valid;
	bool warned_unmapped, warned_xattr;
	int64_t size;
	struct dir_time *dirs;
	size_t ndirs, capdirs;
	char norm[PATH_MAX];
	char link[PATH_MAX];
	struct werr *err;
};

static int openat2_dir(int dirfd, const char *path)
{
	struct open_how how = {
	    .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
	    .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	return sys_openat2(dirfd, path, &how); /* emulated before Linux 5.6 */
}

static int symlink_error(struct xctx *x, int cur, const char *comp, const char *path, size_t upto,
			 const char *entry, int e)
{
	struct stat st;

	if ((e == ELOOP || e == ENOTDIR) && fstatat(cur, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode))
		return werr_set(x->err, 0, "layer entry '%s' would write through symlink '%.*s'",
				entry, (int)upto, path);
	return werr_set(x->err, e, "layer entry '%s': open directory '%.*s'", entry, (int)upto,
			path);
}

/* Opens dir path (normalized, relative to the layer root) without following
 * any symlink, creating missing components (0755) when create. Returns a new
 * fd or -1 with x->err set. */
static int open_dir(struct xctx *x, const char *path, bool create, const char *entry)
{
	char buf[PATH_MAX];
	char *comp, *save = NULL;
	int cur = -1, fd;

	if (path[0] == '\0')
		return fcntl(x->root, F_DUPFD_CLOEXEC, 3);
	if (!openat2_missing) {
		fd = openat2_dir(x->root, path);
		if (fd >= 0)
			return fd;
	}
	/* slow path: one component at a time, creating and diagnosing */
	snprintf(buf, sizeof(buf), "%s", path);
	for (comp = strtok_r(buf, "/", &save); comp != NULL; comp = strtok_r(NULL, "/", &save)) {
		int dfd = cur < 0 ? x->root : cur;
		size_t upto = (size_t)(comp - buf) + strlen(comp);

		fd = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && create) {
			if (mkdirat(dfd, comp, 0755) < 0 && errno != EEXIST) {
				werr_set(x->err, errno, "layer entry '%s': mkdir '%.*s'", entry,
					 (int)upto, path);
				goto fail;
			}
			fd = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (fd < 0) {
			symlink_error(x, dfd, comp, path, upto, entry, errno);
			goto fail;
		}
		if (cur >= 0)
			close(cur);
		cur = fd;
	}
	return cur;
fail:
	if (cur >= 0)
		close(cur);
	return -1;
}

/* The parent dir fd of an entry, cached across entries of the same dir.
 * Borrowed: valid until the next call. */
static int get_parent(struct xctx *x, const char *parent, const char *entry)
{
	int fd;

	if (parent[0] == '\0')
		return x->root;
	if (x->cache_valid && strcmp(x->cache, parent) == 0)
		return x->cache_fd;
	fd = open_dir(x, parent, true, entry);
	if (fd < 0)
		return -1;
	if (x->cache_fd >= 0)
		close(x->cache_fd);
	x->cache_fd = fd;
	snprintf(x->cache, sizeof(x->cache), "%s", parent);
	x->cache_valid = true;
	return fd;
}

/* One plain file name: not empty, "." or "..", no '/'. Every name removed
 * or whited out in a layer must be one, so that it resolves inside its
 * parent dir in the layer and nowhere else (issue 5 item 1: a whiteout
 * ".wh..." made the target "..", which removed the store's layers dir). */
static bool plain_name(const char *name)
{
	return name[0] != '\0' && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
	       strchr(name, '/') == NULL;
}

/* Removes whatever is at pfd/name (a dir recursively). */
static int remove_existing(struct xctx *x, int pfd, const char *name)
{
	if (!plain_name(name))
		return werr_set(x->err, EINVAL, "layer entry '%s': remove '%s'", x->norm, name);
	if (unlinkat(pfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return werr_set(x->err, errno, "remove '%s'", name);
	/* a dir goes away: a cached fd may now point below it */
	x->cache_valid = false;
	return rm_rf_at(pfd, name, x->err);
}

/* ---- metadata ---- */

static int set_owner(struct xctx *x, int pfd, const char *base, int fd, struct archive_entry *ent)
{
	uid_t uid = (uid_t)archive_entry_uid(ent);
	gid_t gid = (gid_t)archive_entry_gid(ent);
	int rc;

	rc = fd >= 0 ? fchown(fd, uid, gid) : fchownat(pfd, base, uid, gid, AT_SYMLINK_NOFOLLOW);
	if (rc == 0)
		return 0;
	if (errno != EINVAL)
		return werr_set(x->err, errno, "chown '%s' to %u:%u", x->norm, uid, gid);
	if (!x->warned_unmapped) {
		/* in single-uid mode the user was told once, when the namespace
		 * was made, that such files are squashed: no second warning */
		if (x->e->single_uid)
			log_debug(
			    "file owned by uid %u gid %u in layer ('%s'): owned by root instead",
			    uid, gid, x->norm);
		else
			log_warn(
			    "file owned by uid %u gid %u in layer ('%s'): not mapped in this user "
			    "namespace, owned by root instead",
			    uid, gid, x->norm);
		x->warned_unmapped = true;
	}
	rc = fd >= 0 ? fchown(fd, 0, 0) : fchownat(pfd, base, 0, 0, AT_SYMLINK_NOFOLLOW);
	if (rc < 0)
		return werr_set(x->err, errno, "chown '%s' to 0:0", x->norm);
	/* the owner it had, for commit and save to write back (layertar.c);
	 * where the filesystem has no user xattrs (or on a symlink, which
	 * cannot have one) it is lost, as before */
	if (fd >= 0) {
		char v[32];
		int n = snprintf(v, sizeof(v), "%u:%u", uid, gid);
		if (fsetxattr(fd, LAYER_OWNER_XATTR, v, (size_t)n, 0) < 0)
			log_debug("'%s': cannot record its owner %s: %s", x->norm, v,
				  strerror(errno));
	}
	return 0;
}

/* xattrs that overlayfs and fuse-overlayfs read as their own metadata: an
 * image that ships them would forge opaque dirs, redirects, metacopy files
 * or fuse-overlayfs' owner and mode overrides. Only whiteouts make them. */
static bool storage_xattr(const char *name)
{
	static const char *const prefixes[] = {"trusted.overlay.", "user.overlay.",
					       "user.fuseoverlayfs.",
					       "user.containers.override_stat", LAYER_OWNER_XATTR};

	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (str_has_prefix(name, prefixes[i]))
			return true;
	return false;
}

static void set_xattrs(struct xctx *x, int fd, struct archive_entry *ent)
{
	const char *name;
	const void *value;
	size_t size;

	if (archive_entry_xattr_reset(ent) == 0)
		return;
	while (archive_entry_xattr_next(ent, &name, &value, &size) == ARCHIVE_OK) {
		if (storage_xattr(name)) {
			log_debug("layer entry '%s': storage xattr '%s' skipped", x->norm, name);
			continue;
		}
		if (fd >= 0 && fsetxattr(fd, name, value, size, 0) == 0)
			continue;
		if (str_has_prefix(name, "security.") || str_has_prefix(name, "trusted.") ||
		    x->warned_xattr) {
			log_debug("layer entry '%s': xattr '%s' not set", x->norm, name);
			continue;
		}
		log_warn("layer entry '%s': cannot set xattr '%s': %s", x->norm, name,
			 fd < 0 ? "not supported on this file type" : strerror(errno));
		x->warned_xattr = true;
	}
}

static void entry_times(struct archive_entry *ent, struct timespec ts[2])
{
	ts[1].tv_sec = archive_entry_mtime(ent);
	ts[1].tv_nsec = archive_entry_mtime_nsec(ent);
	if (archive_entry_atime_is_set(ent)) {
		ts[0].tv_sec = archive_entry_atime(ent);
		ts[0].tv_nsec = archive_entry_atime_nsec(ent);
	} else {
		ts[0] = ts[1];
	}
}

/* Owner, then mode (chown clears setuid), xattrs and times of a non-dir. */
static int set_meta(struct xctx *x, int pfd, const char *base, int fd, struct archive_entry *ent,
		    bool is_link)
{
	struct timespec ts[2];
	mode_t mode = archive_entry_perm(ent) & 07777;

	if (set_owner(x, pfd, base, fd, ent) < 0)
		return -1;
	if (!is_link) {
		int rc = fd >= 0 ? fchmod(fd, mode) : fchmodat(pfd, base, mode, 0);
		if (rc < 0)
			return werr_set(x->err, errno, "chmod '%s'", x->norm);
	}
	set_xattrs(x, fd, ent);
	entry_times(ent, ts);
	if (fd >= 0 ? futimens(fd, ts) : utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW))
		log_debug("layer entry '%s': set times: %s", x->norm, strerror(errno));
	return 0;
}

/* ---- entry types ---- */

static int pwrite_all(int fd, const void *buf, size_t n, off_t off)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = pwrite(fd, p, n, off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

static int make_file(struct xctx *x, struct archive *a, int pfd, const char *base,
		     struct archive_entry *ent)
{
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	cleanup_close int fd = openat(pfd, base, flags, 0600);
	int64_t size = archive_entry_size(ent), end = 0;
	const void *buf;
	size_t len;
	la_int64_t off;
	int r;

	if (fd < 0 && errno == EEXIST) {
		if (remove_existing(x, pfd, base) < 0)
			return -1;
		fd = openat(pfd, base, flags, 0600);
	}
	if (fd < 0)
		return werr_set(x->err, errno, "create '%s'", x->norm);
	while ((r = archive_read_data_block(a, &buf, &len, &off)) != ARCHIVE_EOF) {
		if (r < ARCHIVE_WARN)
			return werr_set(x->err, archive_errno(a) > 0 ? archive_errno(a) : 0,
					"read '%s' from layer: %s", x->norm,
					archive_error_string(a));
		if (pwrite_all(fd, buf, len, off) < 0)
			return werr_set(x->err, errno, "write '%s'", x->norm);
		end = off + (int64_t)len;
	}
	if (end < size && ftruncate(fd, size) < 0) /* sparse file ending in a hole */
		return werr_set(x->err, errno, "truncate '%s'", x->norm);
	x->size += size;
	return set_meta(x, pfd, base, fd, ent, false);
}

static int make_dir(struct xctx *x, int pfd, const char *base, struct archive_entry *ent)
{
	struct stat st;
	struct dir_time *d;

	if (mkdirat(pfd, base, 0700) < 0) {
		if (errno != EEXIST)
			return werr_set(x->err, errno, "mkdir '%s'", x->norm);
		if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return werr_set(x->err, errno, "stat '%s'", x->norm);
		if (!S_ISDIR(st.st_mode)) {
			if (remove_existing(x, pfd, base) < 0)
				return -1;
			if (mkdirat(pfd, base, 0700) < 0)
				return werr_set(x->err, errno, "mkdir '%s'", x->norm);
		}
	}
	if (set_owner(x, pfd, base, -1, ent) < 0)
		return -1;
	if (fchmodat(pfd, base, archive_entry_perm(ent) & 07777, 0) < 0)
		return werr_set(x->err, errno, "chmod '%s'", x->norm);
	if (archive_entry_xattr_count(ent) > 0) {
		cleanup_close int fd =
		    openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		set_xattrs(x, fd, ent);
	}
	/* times last: creating entries inside changes the mtime */
	if (x->ndirs == x->capdirs) {
		x->capdirs = x->capdirs ? 2 * x->capdirs : 64;
		x->dirs = xrealloc(x->dirs, x->capdirs * sizeof(*x->dirs));
	}
	d = &x->dirs[x->ndirs++];
	d->path = xstrdup(x->norm);
	entry_times(ent, d->ts);
	return 0;
}

static int make_symlink(struct xctx *x, int pfd, const char *base, struct archive_entry *ent)
{
	const char *target = archive_entry_symlink(ent);

	if (target == NULL)
		target = archive_entry_symlink_utf8(ent);
	if (target == NULL)
		return werr_set(x->err, EINVAL, "layer entry '%s': symlink without target",
				x->norm);
	if (symlinkat(target, pfd, base) < 0) {
		if (errno != EEXIST || remove_existing(x, pfd, base) < 0 ||
		    symlinkat(target, pfd, base) < 0)
			return werr_set(x->err, errno, "symlink '%s'", x->norm);
	}
	return set_meta(x, pfd, base, -1, ent, true);
}

static int make_hardlink(struct xctx *x, int pfd, const char *base, const char *target)
{
	cleanup_close int tfd = -1;
	char *slash;
	const char *tbase = x->link;

	if (layer_check_path(target, x->link, sizeof(x->link), x->err) < 0)
		return werr_wrap(x->err, "hard link '%s'", x->norm);
	if (x->link[0] == '\0')
		return werr_set(x->err, EINVAL, "layer entry '%s': hard link to the root", x->norm);
	slash = strrchr(x->link, '/');
	if (slash != NULL) {
		*slash = '\0';
		tbase = slash + 1;
	}
	tfd = open_dir(x, slash ? x->link : "", false, x->norm);
	if (tfd < 0)
		return werr_wrap(x->err, "hard link target '%s'", target);
	if (linkat(tfd, tbase, pfd, base, 0) < 0) {
		if (errno != EEXIST || remove_existing(x, pfd, base) < 0 ||
		    linkat(tfd, tbase, pfd, base, 0) < 0)
			return werr_set(x->err, errno, "hard link '%s' to '%s'", x->norm, target);
	}
	return 0;
}

static int make_node(struct xctx *x, int pfd, const char *base, struct archive_entry *ent)
{
	mode_t type = archive_entry_filetype(ent);
	dev_t rdev = archive_entry_rdev(ent);
	bool whiteout = type == AE_IFCHR && rdev == 0;

	if ((type == AE_IFCHR || type == AE_IFBLK) && !whiteout && x->e->rootless) {
		log_debug("layer entry '%s': device node skipped (rootless)", x->norm);
		return 0;
	}
	if (mknodat(pfd, base, type | 0600, rdev) < 0) {
		if (errno != EEXIST || remove_existing(x, pfd, base) < 0 ||
		    mknodat(pfd, base, type | 0600, rdev) < 0)
			return werr_set(x->err, errno, "mknod '%s'", x->norm);
	}
	return set_meta(x, pfd, base, -1, ent, false);
}

static const char *const opaque_xattrs[] = {"user.overlay.opaque", "user.fuseoverlayfs.opaque",
					    "trusted.overlay.opaque"};

/* ".wh..wh..opq" marks parent opaque; ".wh.NAME" becomes a 0/0 char device. */
static int make_whiteout(struct xctx *x, const char *parent, const char *base)
{
	bool opaque = strcmp(base, ".wh..wh..opq") == 0;
	int pfd;

	/* aufs bookkeeping (.wh..wh.plnk, ...): not part of the image */
	if (!opaque && str_has_prefix(base, ".wh..wh."))
		return 0;
	/* ".wh.", ".wh.." and ".wh..." would name this dir or its parent */
	if (!opaque && !plain_name(base + 4))
		return werr_set(x->err, 0,
				"layer entry '%s' is a whiteout of '%s', not of a file name",
				x->norm, base + 4);
	pfd = get_parent(x, parent, x->norm);
	if (pfd < 0)
		return -1;
	if (opaque) {
		size_t n = x->e->rootless ? 2 : 3; /* trusted.* needs real root */
		for (size_t i = 0; i < n; i++)
			if (fsetxattr(pfd, opaque_xattrs[i], "y", 1, 0) < 0)
				return werr_set(x->err, errno, "mark '%s' opaque (%s)",
						parent[0] ? parent : "/", opaque_xattrs[i]);
		return 0;
	}
	if (remove_existing(x, pfd, base + 4) < 0)
		return -1;
	if (mknodat(pfd, base + 4, S_IFCHR | 0, makedev(0, 0)) < 0)
		return werr_set(x->err, errno, "create whiteout '%s'", x->norm);
	return 0;
}

/* aufs keeps its bookkeeping (.wh..wh.plnk/, .wh..wh.orph/, .wh..wh.aufs)
 * at the root of a layer: not part of the image, contents included (only
 * ".wh..wh..opq" there is a real marker: the root is opaque). */
static bool aufs_meta(const char *norm)
{
	return str_has_prefix(norm, ".wh..wh.") && strcmp(norm, ".wh..wh..opq") != 0;
}

static int extract_entry(struct xctx *x, struct archive *a, struct archive_entry *ent)
{
	const char *name = archive_entry_pathname(ent);
	const char *hardlink, *base = x->norm, *parent = "";
	char *slash;
	int pfd;

	if (name == NULL)
		name = archive_entry_pathname_utf8(ent);
	if (name == NULL)
		return werr_set(x->err, EINVAL, "layer entry without a usable name");
	if (layer_check_path(name, x->norm, sizeof(x->norm), x->err) < 0)
		return -1;
	if (x->norm[0] == '\0')
		return 0;
	if (aufs_meta(x->norm)) {
		log_debug("layer entry '%s': aufs metadata skipped", x->norm);
		return 0;
	}
	/* split in place after copying the parent out */
	slash = strrchr(x->norm, '/');
	if (slash != NULL) {
		memcpy(x->link, x->norm, (size_t)(slash - x->norm));
		x->link[slash - x->norm] = '\0';
		parent = x->link;
		base = slash + 1;
	}
	if (str_has_prefix(base, ".wh."))
		return make_whiteout(x, parent, base);
	pfd = get_parent(x, parent, x->norm);
	if (pfd < 0)
		return -1;
	hardlink = archive_entry_hardlink(ent);
	if (hardlink == NULL)
		hardlink = archive_entry_hardlink_utf8(ent);
	if (hardlink != NULL)
		return make_hardlink(x, pfd, base, hardlink);
	switch (archive_entry_filetype(ent)) {
	case AE_IFREG:
		return make_file(x, a, pfd, base, ent);
	case AE_IFDIR:
		return make_dir(x, pfd, base, ent);
	case AE_IFLNK:
		return make_symlink(x, pfd, base, ent);
	case AE_IFCHR:
	case AE_IFBLK:
	case AE_IFIFO:
		return make_node(x, pfd, base, ent);
	default:
		log_debug("layer entry '%s': unsupported type skipped", x->norm);
		return 0;
	}
}

static void apply_dir_times(struct xctx *x)
{
	struct werr scratch, *saved = x->err;

	x->err = &scratch; /* a dir replaced meanwhile is no error */
	for (size_t i = x->ndirs; i-- > 0;) {
		int fd = open_dir(x, x->dirs[i].path, false, x->dirs[i].path);
		if (fd >= 0) {
			futimens(fd, x->dirs[i].ts);
			close(fd);
		}
	}
	x->err = saved;
}

static void xctx_free(struct xctx *x)
{
	for (size_t i = 0; i < x->ndirs; i++)
		free(x->dirs[i].path);
	free(x->dirs);
	if (x->cache_fd >= 0)
		close(x->cache_fd);
}

/* ---- the two stacked readers ---- */

struct raw_src {
	int fd;
	bool stream;	       /* read(): a pipe or socket */
	off_t pos, end;	       /* end < 0: to EOF (pos counts bytes read) */
	struct sha256_ctx *h;  /* the blob digest, when no writer hashes */
	struct blob_writer *w; /* keep_blob: tee, and it hashes */
	int filter;	       /* libarchive's filter code of the blob */
	unsigned char *buf;
};

static la_ssize_t raw_read(struct archive *a, void *data, const void **out)
{
	struct raw_src *r = data;
	size_t want = READ_BUF;
	struct werr werr;
	ssize_t n;

	if (r->end >= 0) {
		if (r->pos >= r->end)
			return 0;
		if ((off_t)want > r->end - r->pos)
			want = (size_t)(r->end - r->pos);
	}
	do
		n = r->stream ? read(r->fd, r->buf, want) : pread(r->fd, r->buf, want, r->pos);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		archive_set_error(a, errno, "read layer blob");
		return -1;
	}
	if (n == 0 && r->end >= 0) {
		archive_set_error(a, EIO, "layer blob is truncated");
		return -1;
	}
	if (r->w != NULL && blob_write(r->w, r->buf, (size_t)n, &werr) < 0) {
		archive_set_error(a, werr.errnum ? werr.errnum : EIO, "%s", werr.msg);
		return -1;
	}
	if (r->h != NULL)
		sha256_update(r->h, r->buf, (size_t)n);
	r->pos += n;
	*out = r->buf;
	return n;
}

struct tar_src {
	struct archive *outer;
	struct sha256_ctx *h;
};

static la_ssize_t tar_read(struct archive *a, void *data, const void **out)
{
	struct tar_src *t = data;
	size_t len = 0;
	la_int64_t off;
	int r;

	do {
		r = archive_read_data_block(t->outer, out, &len, &off);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN) {
			archive_set_error(
			    a, archive_errno(t->outer) > 0 ? archive_errno(t->outer) : EIO, "%s",
			    archive_error_string(t->outer));
			return -1;
		}
	} while (len == 0);
	sha256_update(t->h, *out, len);
	return (la_ssize_t)len;
}

static void free_archive(struct archive **a)
{
	if (*a != NULL)
		archive_read_free(*a);
}

static int archive_fail(struct werr *err, struct archive *a, const char *what)
{
	int e = archive_errno(a);

	/* libarchive's errno for "not this format" (EILSEQ, its private
	 * ARCHIVE_ERRNO_FILE_FORMAT) only adds noise to its message */
	if (e == EILSEQ)
		e = 0;
	return werr_set(err, e > 0 ? e : 0, "%s: %s", what,
			archive_error_string(a) ? archive_error_string(a) : "unknown error");
}

static int extract_entries(struct xctx *x, struct archive *inner)
{
	struct archive_entry *ent;
	int r;

	while ((r = archive_read_next_header(inner, &ent)) != ARCHIVE_EOF) {
		if (r == ARCHIVE_WARN)
			log_debug("layer: %s", archive_error_string(inner));
		else if (r < ARCHIVE_WARN)
			return archive_fail(x->err, inner, "read layer tar");
		if (extract_entry(x, inner, ent) < 0)
			return -1;
	}
	return 0;
}

/* Reads the blob, extracts into x->root, hashes both streams to the end. */
static int extract_stream(struct xctx *x, struct raw_src *raw, struct tar_src *tar)
{
	_cleanup_(free_archive) struct archive *outer = archive_read_new();
	_cleanup_(free_archive) struct archive *inner = archive_read_new();
	struct archive_entry *ent;
	const void *p;

	archive_read_support_filter_gzip(outer);
	archive_read_support_filter_zstd(outer);
	archive_read_support_filter_xz(outer);
	archive_read_support_filter_bzip2(outer);
	archive_read_support_format_raw(outer);
	if (archive_read_open(outer, raw, NULL, raw_read, NULL) != ARCHIVE_OK ||
	    archive_read_next_header(outer, &ent) < ARCHIVE_WARN)
		return archive_fail(x->err, outer, "open layer blob");
	raw->filter = archive_filter_code(outer, 0);
	tar->outer = outer;
	archive_read_support_format_tar(inner);
	archive_read_support_format_empty(inner);
	if (archive_read_open(inner, tar, NULL, tar_read, NULL) != ARCHIVE_OK)
		return archive_fail(x->err, inner, "open layer tar");
	if (extract_entries(x, inner) < 0)
		return -1;
	/* drain: both digests cover the whole streams, padding included */
	while (tar_read(inner, tar, &p) > 0)
		;
	while (raw_read(outer, raw, &p) > 0)
		;
	apply_dir_times(x);
	return 0;
}

static int check_digest(const char *what, const char *want, const char *got, struct werr *err)
{
	if (want == NULL || strcmp(want, got) == 0)
		return 0;
	return werr_set(err, 0, "%s mismatch: want %s, got %s", what, want, got);
}

/* ---- temporary dirs ----
 *
 * Work in progress lives in <root>/layers/.tmp-<random>: a layer being
 * extracted, a mount-point layer being built, a layer being removed. Its
 * owner holds an exclusive flock on the dir while it works there, so a dir
 * nobody holds is the leftover of a killed command, and layer_gc_tmp
 * removes it (issue 5 item 9). mkdir and flock are two steps: creators
 * hold a shared flock on the layers dir across them, and layer_gc_tmp
 * looks only while it holds that one exclusively. */

static int flock_intr(int fd, int op)
{
	int rc;

	while ((rc = flock(fd, op)) < 0 && errno == EINTR)
		;
	return rc;
}

/* flock failed because the filesystem has no such locks (NFS dirs): the
 * work goes on unlocked, and layer_gc_tmp then removes nothing. */
static bool locks_unsupported(int e)
{
	return e == ENOLCK || e == EBADF || e == EINVAL || e == EOPNOTSUPP;
}

/* A new open file of the layers dir (flock is per open file). */
static int layers_guard(int lfd, int op)
{
	int fd = openat(lfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0 && flock_intr(fd, op) < 0 && !locks_unsupported(errno)) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Marks the layers dir as the top of unrelated trees (chattr +T): ext4's
 * Orlov allocator then puts each new layer dir in a group of its own
 * choosing instead of beside its siblings. Where many files were just
 * deleted (an rmi, a wiped store), the siblings' groups hold only recently
 * freed inodes, and ext4 without a journal scans all of them on every
 * create (recently_deleted): a 20,000-file pull took 5-10 s there instead
 * of 1.2 s. Other filesystems refuse or ignore the flag; nothing depends on
 * it. */
static void layers_mark_topdir(int lfd)
{
	int flags = 0;

	if (ioctl(lfd, FS_IOC_GETFLAGS, &flags) == 0 && !(flags & FS_TOPDIR_FL)) {
		flags |= FS_TOPDIR_FL;
		if (ioctl(lfd, FS_IOC_SETFLAGS, &flags) < 0)
			log_debug("chattr +T on the layers dir: %s", strerror(errno));
	}
}

/* Creates <layers>/.tmp-<random>; see layer.h. */
int layer_tmp_create(int lfd, char name[LAYER_TMP_NAME], struct werr *err)
{
	cleanup_close int guard = layers_guard(lfd, LOCK_SH);
	int fd;

	if (guard < 0)
		return werr_set(err, errno, "lock the layers dir");
	layers_mark_topdir(lfd);
	memcpy(name, ".tmp-", 5);
	random_hex(name + 5, 16);
	if (mkdirat(lfd, name, 0755) < 0)
		return werr_set(err, errno, "mkdir layer dir '%s'", name);
	fd = openat(lfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fchmod(fd, 0755) < 0 ||
	    (flock(fd, LOCK_EX | LOCK_NB) < 0 && !locks_unsupported(errno))) {
		werr_set(err, errno, "open layer dir '%s'", name);
		if (fd >= 0)
			close(fd);
		unlinkat(lfd, name, AT_REMOVEDIR);
		return -1;
	}
	return fd; /* the guard's shared lock goes when it is closed */
}

static int open_layers_dir(struct engine *e, struct werr *err)
{
	cleanup_free char *dir = xasprintf("%s/layers", e->root);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0 || errno != ENOENT)
		return fd >= 0 ? fd : werr_set(err, errno, "open '%s'", dir);
	if (mkdir_p(dir, 0700, err) < 0)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd >= 0 ? fd : werr_set(err, errno, "open '%s'", dir);
}

static enum layer_compression compression_of(int filter)
{
	switch (filter) {
	case ARCHIVE_FILTER_NONE:
		return LAYER_PLAIN;
	case ARCHIVE_FILTER_GZIP:
		return LAYER_GZIP;
	case ARCHIVE_FILTER_ZSTD:
		return LAYER_ZSTD;
	default:
		return LAYER_OTHER;
	}
}

/* The OCI media type of a layer blob; see layer.h. */
const char *layer_media_type(enum layer_compression c)
{
	static const char *const types[] = {
	    [LAYER_PLAIN] = "application/vnd.oci.image.layer.v1.tar",
	    [LAYER_GZIP] = "application/vnd.oci.image.layer.v1.tar+gzip",
	    [LAYER_ZSTD] = "application/vnd.oci.image.layer.v1.tar+zstd",
	    [LAYER_OTHER] = "application/vnd.oci.image.layer.v1.tar",
	};

	return (unsigned)c < ARRAY_SIZE(types) ? types[c] : types[LAYER_OTHER];
}

/* Extracts into a temp dir (and, with keep_blob, tees the raw bytes into a
 * blob temp file), verifies the digests, commits the blob, renames the
 * layer dir into place. info is filled even on failure (the caller copies
 * it out on success only). */
static int extract_into(struct engine *e, int lfd, const struct layer_src *src,
			const char *want_digest, const char *want_diffid, struct layer_info *info,
			struct werr *err)
{
	char tmp[LAYER_TMP_NAME];
	cleanup_free unsigned char *buf = xmalloc(READ_BUF);
	_cleanup_(blob_writer_freep) struct blob_writer *w = NULL;
	struct xctx x = {.e = e, .cache_fd = -1, .err = err};
	struct raw_src raw = {.fd = src->fd, .stream = src->stream, .buf = buf};
	struct tar_src tar;
	int rc;

	if (src->keep_blob && (w = blob_writer_new(e, err)) == NULL)
		return -1;
	raw.pos = src->stream ? 0 : src->offset;
	raw.end = src->length < 0 ? -1 : raw.pos + src->length;
	raw.w = w;
	raw.h = w ? NULL : sha256_new(); /* the writer hashes what it writes */
	tar = (struct tar_src){.h = sha256_new()};
	x.root = layer_tmp_create(lfd, tmp, err);
	rc = x.root < 0 ? -1 : extract_stream(&x, &raw, &tar);
	xctx_free(&x);
	sha256_final(tar.h, info->diff_id);
	if (w != NULL)
		blob_writer_digest(w, info->blob, NULL);
	else
		sha256_final(raw.h, info->blob);
	info->blob_size = raw.pos - (src->stream ? 0 : src->offset);
	info->size = x.size;
	info->compression = compression_of(raw.filter);
	if (x.root < 0)
		return -1;
	if (rc == 0)
		rc = check_digest("layer digest", want_digest, info->blob, err);
	if (rc == 0)
		rc = check_digest("layer diff_id", want_diffid, info->diff_id, err);
	/* the blob first: a layer dir in place promises its blob */
	if (rc == 0 && w != NULL && (rc = blob_commit(w, NULL, err)) == 0)
		info->blob_kept = true;
	if (rc == 0 && renameat2(lfd, tmp, lfd, digest_hex(info->diff_id), RENAME_NOREPLACE) < 0) {
		if (errno != EEXIST && errno != ENOTEMPTY)
			rc = werr_set(err, errno, "rename layer dir into place");
		else
			rm_rf_at(lfd, tmp, NULL); /* another command won the race */
	}
	if (rc < 0)
		rm_rf_at(lfd, tmp, NULL);
	close(x.root);
	return rc;
}

/* Extracts a layer blob, reporting what it read (see layer.h). */
int layer_extract_info(struct engine *e, const struct layer_src *src, const char *want_digest,
		       const char *want_diffid, struct layer_info *out, struct werr *err)
{
	cleanup_close int lfd = open_layers_dir(e, err);
	struct layer_info info = {.blob_size = -1, .size = -1};

	if (lfd < 0)
		return -1;
	layer_gc_tmp(e);
	if (src->keep_blob)
		blob_gc_tmp(e);
	if ((want_diffid != NULL && !digest_valid(want_diffid)) ||
	    (want_digest != NULL && !digest_valid(want_digest)))
		return werr_set(err, EINVAL, "invalid layer digest '%s'",
				want_diffid && !digest_valid(want_diffid) ? want_diffid
									  : want_digest);
	if (want_diffid != NULL &&
	    faccessat(lfd, digest_hex(want_diffid), F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		snprintf(info.diff_id, DIGEST_STR_LEN, "%s", want_diffid);
		*out = info;
		return 0;
	}
	if (extract_into(e, lfd, src, want_digest, want_diffid, &info, err) < 0)
		return werr_wrap(err, "extract layer %s",
				 want_diffid ? want_diffid : (want_digest ? want_digest : "blob"));
	*out = info;
	return 0;
}

static int blob_sink(void *ud, const void *buf, size_t len, struct werr *err)
{
	return blob_write(ud, buf, len, err);
}

/* A dir in layer form becomes a layer by rename; see layer.h. */
int layer_adopt_dir(struct engine *e, const char *dir, int64_t mtime, struct layer_info *out,
		    struct werr *err)
{
	cleanup_close int lfd = open_layers_dir(e, err), dfd = -1, bfd = -1;
	_cleanup_(blob_writer_freep) struct blob_writer *w = NULL;
	struct layer_info info = {.compression = LAYER_PLAIN};
	struct layer_src src = {.length = -1};
	int rc;

	if (lfd < 0)
		return -1;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return werr_set(err, errno, "open '%s'", dir);
	if ((w = blob_writer_new(e, err)) == NULL)
		return -1;
	if (layer_tar_dir_to(dfd, blob_sink, w, mtime, &info.size, err) < 0)
		return werr_wrap(err, "make the layer tar of '%s'", dir);
	blob_writer_digest(w, info.blob, &info.blob_size);
	memcpy(info.diff_id, info.blob, DIGEST_STR_LEN);
	rc = blob_commit(w, NULL, err);
	w = NULL;
	if (rc < 0)
		return -1;
	info.blob_kept = true;
	/* the blob first: a layer dir in place promises its blob */
	if (renameat2(AT_FDCWD, dir, lfd, digest_hex(info.diff_id), RENAME_NOREPLACE) == 0 ||
	    errno == EEXIST || errno == ENOTEMPTY) {
		*out = info;
		return 0;
	}
	if (errno != EXDEV)
		return werr_set(err, errno, "rename '%s' into the layers dir", dir);
	/* another file system: extract the blob just made */
	if ((bfd = blob_open(e, info.blob, err)) < 0)
		return -1;
	src.fd = bfd;
	if (extract_into(e, lfd, &src, NULL, info.diff_id, &info, err) < 0)
		return -1;
	info.blob_kept = true;
	*out = info;
	return 0;
}

/* Extracts a layer blob into <root>/layers/<diff_id hex> (see layer.h). */
int layer_extract(struct engine *e, const struct layer_src *src, const char *want_digest,
		  const char *want_diffid, char diffid_out[DIGEST_STR_LEN], int64_t *size_out,
		  struct werr *err)
{
	struct layer_info info;

	if (layer_extract_info(e, src, want_digest, want_diffid, &info, err) < 0)
		return -1;
	memcpy(diffid_out, info.diff_id, DIGEST_STR_LEN);
	if (size_out != NULL)
		*size_out = info.size;
	return 0;
}

/* "<root>/layers/<hex>", malloc'd. */
char *layer_path(struct engine *e, const char *diff_id)
{
	return xasprintf("%s/layers/%s", e->root, digest_hex(diff_id));
}

/* The id the kernel shows for an owner not mapped in the user namespace
 * (/proc/sys/kernel/overflowuid, 65534 unless an admin changed it). */
#define OVERFLOW_ID 65534

/* The layer dir of diff_id in a read-only store; see layer.h. */
char *layer_ro_path(struct engine *e, const char *diff_id, bool *foreign)
{
	const char *dir;

	/* the name comes from another user's database: never a path */
	if (!digest_valid(diff_id))
		return NULL;
	for (size_t i = 0; e->store && (dir = store_readonly_dir(e->store, i)) != NULL; i++) {
		char *p = xasprintf("%s/layers/%s", dir, digest_hex(diff_id));
		struct stat st;

		/* a real dir: never a symlink the store's owner put there */
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (foreign != NULL)
				*foreign = e->rootless && st.st_uid == OVERFLOW_ID;
			return p;
		}
		free(p);
	}
	return NULL;
}

char *layer_path_any(struct engine *e, const char *diff_id)
{
	char *own = layer_path(e, diff_id);
	char *ro;

	if (access(own, F_OK) == 0 || (ro = layer_ro_path(e, diff_id, NULL)) == NULL)
		return own;
	free(own);
	return ro;
}

/* Removes dir name of the layers dir; see layer.h. */
int layer_dir_remove(int lfd, const char *name, struct werr *err)
{
	cleanup_close int fd = openat(lfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	char tmp[LAYER_TMP_NAME] = ".tmp-";

	if (fd < 0)
		return errno == ENOENT ? 0 : werr_set(err, errno, "open '%s'", name);
	if (flock_intr(fd, LOCK_EX) < 0 && !locks_unsupported(errno))
		return werr_set(err, errno, "lock '%s'", name);
	random_hex(tmp + 5, 16);
	if (renameat(lfd, name, lfd, tmp) < 0)
		return errno == ENOENT ? 0 : werr_set(err, errno, "rename '%s'", name);
	return rm_rf_at(lfd, tmp, err);
}

/* Removes a layer dir (see layer_dir_remove). */
int layer_remove(struct engine *e, const char *diff_id, struct werr *err)
{
	cleanup_free char *dir = xasprintf("%s/layers", e->root);
	cleanup_close int lfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (!digest_valid(diff_id))
		return werr_set(err, EINVAL, "invalid layer digest '%s'", diff_id);
	if (lfd < 0)
		return errno == ENOENT ? 0 : werr_set(err, errno, "open '%s'", dir);
	layer_gc_tmp(e);
	if (layer_dir_remove(lfd, digest_hex(diff_id), err) < 0)
		return werr_wrap(err, "remove layer %s", diff_id);
	return 0;
}

/* Removes <root>/layers/.tmp-* that no live command holds; see layer.h. */
void layer_gc_tmp(struct engine *e)
{
	cleanup_free char *path = xasprintf("%s/layers", e->root);
	cleanup_close int lfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	tmp_gc_at(lfd, path);
}
