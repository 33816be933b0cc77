/* driver.c - container root filesystems: native overlay (mounted inside the
 * user namespace with "userxattr"), fuse-overlayfs, or a vfs copy.
 *
 * Layer dirs are shared by every driver (whiteouts are 0/0 char devices,
 * opaque dirs carry user.overlay.opaque and user.fuseoverlayfs.opaque), so a
 * store can switch drivers as long as no container rootfs exists. */
#include "storage/driver.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/util.h"
#include "lib/syscalls.h"
#include "lib/walk.h"
#include "storage/layer.h"
#include "storage/idmaplayers.h"
#include "storage/layerhold.h"
#include "storage/mountpoints.h"
#include "storage/store.h"

#define FUSE_OVERLAYFS "/usr/bin/fuse-overlayfs"
#define VFS_DONE       ".vfs-complete"

static const char *const driver_names[] = {
    [DRIVER_OVERLAY] = "overlay",
    [DRIVER_FUSE_OVERLAYFS] = "fuse-overlayfs",
    [DRIVER_VFS] = "vfs",
};

/* "overlay", "fuse-overlayfs" or "vfs". */
const char *driver_name(enum storage_driver d)
{
	if ((unsigned)d >= ARRAY_SIZE(driver_names))
		return "unknown";
	return driver_names[d];
}

/* Parses a driver name; 0 or -1. */
int driver_parse(const char *name, enum storage_driver *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(driver_names); i++) {
		if (strcmp(name, driver_names[i]) == 0) {
			*out = (enum storage_driver)i;
			return 0;
		}
	}
	return -1;
}

/* The value of storage opt "overlay.mount_program" (or "mount_program"). */
static const char *mount_program_opt(struct engine *e)
{
	for (size_t i = 0; e->storage_opts != NULL && e->storage_opts[i] != NULL; i++) {
		const char *o = e->storage_opts[i];
		if (str_has_prefix(o, "overlay."))
			o += 8;
		if (str_has_prefix(o, "mount_program="))
			return o + 14;
	}
	return NULL;
}

/* ---- probing ---- */

/* Rootless: user.* xattrs (userxattr, which also keeps redirects off).
 * Root: redirect_dir=off, whatever the kernel's default, so a renamed lower
 * dir is copied up whole (mv falls back to a copy on EXDEV) instead of
 * becoming an empty dir with a trusted.overlay.redirect xattr, which a
 * layer diff of the upper dir would lose. */
static char *overlay_opts(struct engine *e, const char *lower, const char *upper, const char *work)
{
	return xasprintf("lowerdir=%s,upperdir=%s,workdir=%s%s", lower, upper, work,
			 e->rootless ? ",userxattr" : ",redirect_dir=off");
}

/* The probe's overlay, configured by fsconfig and never attached: a
 * command killed during the probe leaves no mount behind. 1 works, 0 does
 * not, -1 no new mount API (ENOSYS: mount it the classic way). */
static int probe_fsmount(struct engine *e, const char *l, const char *u, const char *w)
{
	cleanup_close int fs = sys_fsopen("overlay", FSOPEN_CLOEXEC);
	cleanup_close int mnt = -1;

	if (fs < 0)
		return errno == ENOSYS ? -1 : 0;
	if (sys_fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", l, 0) < 0 ||
	    sys_fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", u, 0) < 0 ||
	    sys_fsconfig(fs, FSCONFIG_SET_STRING, "workdir", w, 0) < 0 ||
	    (e->rootless && sys_fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0) ||
	    sys_fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		log_debug("overlay probe: fsconfig: %s", strerror(errno));
		return 0;
	}
	mnt = sys_fsmount(fs, FSMOUNT_CLOEXEC, 0);
	if (mnt < 0)
		log_debug("overlay probe: fsmount: %s", strerror(errno));
	return mnt >= 0;
}

/* Tries a real overlay (two lowers, an upper) in a temporary dir of
 * <root>/layers: the same filesystem as the layers, and a dir that
 * layer_gc_tmp collects when the command is killed here. */
static bool probe_overlay(struct engine *e)
{
	static const char *const dirs[] = {"l1", "l2", "u", "w", "m"};
	cleanup_free char *ldir = xasprintf("%s/layers", e->root);
	cleanup_free char *base = NULL, *opts = NULL, *l = NULL, *u = NULL, *w = NULL, *m = NULL;
	cleanup_close int lfd = -1, tfd = -1;
	char name[LAYER_TMP_NAME];
	int ok = 0;

	if (mkdir_p(ldir, 0700, NULL) < 0)
		return false;
	lfd = open(ldir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	tfd = lfd < 0 ? -1 : layer_tmp_create(lfd, name, NULL);
	if (tfd < 0)
		return false;
	base = xasprintf("%s/%s", ldir, name);
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (mkdirat(tfd, dirs[i], 0755) < 0)
			goto out;
	l = xasprintf("%s/l2:%s/l1", base, base);
	u = xasprintf("%s/u", base);
	w = xasprintf("%s/w", base);
	m = xasprintf("%s/m", base);
	ok = probe_fsmount(e, l, u, w);
	if (ok < 0) { /* before Linux 5.2 */
		opts = overlay_opts(e, l, u, w);
		ok = mount("overlay", m, "overlay", 0, opts) == 0;
		if (ok)
			umount2(m, MNT_DETACH);
		else
			log_debug("overlay probe: mount: %s", strerror(errno));
	}
out:
	rm_rf_at(lfd, name, NULL);
	return ok > 0;
}

static bool fuse_available(const char *prog)
{
	int fd;

	if (access(prog, X_OK) < 0)
		return false;
	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static enum storage_driver probe(struct engine *e)
{
	if (probe_overlay(e))
		return DRIVER_OVERLAY;
	if (fuse_available(FUSE_OVERLAYFS))
		return DRIVER_FUSE_OVERLAYFS;
	return DRIVER_VFS;
}

/* The driver forced by flags: 1 (*out set), 0 none, -1 bad name. */
static int forced_driver(struct engine *e, enum storage_driver *out, struct werr *err)
{
	if (e->storage_driver != NULL && e->storage_driver[0] != '\0') {
		if (driver_parse(e->storage_driver, out) < 0)
			return werr_set(err, EINVAL,
					"unknown storage driver '%s': use overlay, "
					"fuse-overlayfs or vfs",
					e->storage_driver);
		if (*out == DRIVER_OVERLAY && mount_program_opt(e) != NULL)
			*out = DRIVER_FUSE_OVERLAYFS;
		return 1;
	}
	if (mount_program_opt(e) != NULL) {
		*out = DRIVER_FUSE_OVERLAYFS;
		return 1;
	}
	return 0;
}

static int record_driver(struct store *s, enum storage_driver d, const char *recorded,
			 struct werr *err)
{
	struct container_rec *list = NULL;
	size_t n = 0;

	if (recorded != NULL && strcmp(recorded, driver_name(d)) == 0)
		return 0;
	if (recorded != NULL) {
		if (store_container_list(s, &list, &n, err) < 0)
			return -1;
		container_recs_free(list, n);
		if (n > 0)
			return werr_set(err, 0,
					"storage driver '%s' was requested but the store uses '%s' "
					"for its %zu container(s): remove them first or drop "
					"--storage-driver",
					driver_name(d), recorded, n);
	}
	return store_meta_set(s, "driver", driver_name(d), err);
}

/* Picks and records the storage driver (see driver.h). */
int driver_choose(struct engine *e, enum storage_driver *out, struct werr *err)
{
	struct store *s = e->store; /* opened by the caller: storage/ sits below engine/ */
	cleanup_free char *recorded = NULL;
	enum storage_driver d = DRIVER_VFS;
	int forced;

	if (s == NULL)
		return werr_set(err, 0, "internal: driver_choose before the store was opened");
	forced = forced_driver(e, &d, err);
	if (forced < 0)
		return -1;
	if (store_meta_get(s, "driver", &recorded, err) < 0)
		return -1;
	if (!forced && recorded != NULL && driver_parse(recorded, &d) == 0) {
		*out = d;
		return 0;
	}
	if (!forced)
		d = probe(e);
	if (store_begin(s, err) < 0)
		return -1;
	if (record_driver(s, d, recorded, err) < 0) {
		store_rollback(s);
		return -1;
	}
	if (store_commit(s, err) < 0)
		return -1;
	log_debug("storage driver: %s", driver_name(d));
	*out = d;
	return 0;
}

/* ---- overlay mounts ---- */

/* The kernel's own words about a failed fsconfig ("e overlay: ..."). */
static int fs_fail(int fs, struct werr *err, const char *what)
{
	int e = errno;
	char msg[256];
	ssize_t n = read(fs, msg, sizeof(msg) - 1);

	if (n > 2) {
		msg[n] = '\0';
		msg[strcspn(msg, "\n")] = '\0';
		return werr_set(err, e, "%s (%s)", what, msg + 2);
	}
	return werr_set(err, e, "%s", what);
}

static int mount_new_api(struct engine *e, const char *ldir, char *const *layers, size_t n,
			 const char *upper, const char *work, const char *merged, bool vol,
			 struct werr *err)
{
	cleanup_close int fs = sys_fsopen("overlay", FSOPEN_CLOEXEC);
	cleanup_close int mnt = -1;

	if (fs < 0)
		return errno == ENOSYS ? 1 : werr_set(err, errno, "fsopen 'overlay'");
	for (size_t i = n; i-- > 0;) {
		cleanup_free char *p = xasprintf("%s/%s", ldir, digest_hex(layers[i]));
		if (sys_fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir+", p, 0) < 0)
			return errno == EINVAL && i == n - 1
				   ? 1
				   : fs_fail(fs, err, "overlay lower dir");
	}
	if (sys_fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0 ||
	    sys_fsconfig(fs, FSCONFIG_SET_STRING, "workdir", work, 0) < 0 ||
	    (e->rootless && sys_fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0))
		return fs_fail(fs, err, "configure overlay");
	/* safe defaults; older kernels may not know them */
	sys_fsconfig(fs, FSCONFIG_SET_STRING, "index", "off", 0);
	sys_fsconfig(fs, FSCONFIG_SET_STRING, "metacopy", "off", 0);
	if (!e->rootless) /* see overlay_opts */
		sys_fsconfig(fs, FSCONFIG_SET_STRING, "redirect_dir", "off", 0);
	if (vol)
		sys_fsconfig(fs, FSCONFIG_SET_FLAG, "volatile", NULL, 0);
	if (sys_fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fs_fail(fs, err, "create overlay");
	mnt = sys_fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NODEV);
	if (mnt < 0)
		return werr_set(err, errno, "fsmount overlay");
	if (sys_move_mount(mnt, "", AT_FDCWD, merged, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return werr_set(err, errno, "move overlay mount to '%s'", merged);
	return 0;
}

/* Classic mount(2): lower dirs relative to the layers dir (the option string
 * is limited to a page), so we chdir there for the call. */
static int mount_classic(struct engine *e, const char *ldir, char *const *layers, size_t n,
			 const char *upper, const char *work, const char *merged, bool vol,
			 struct werr *err)
{
	cleanup_close int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_free char *lower = xstrdup("");
	cleanup_free char *base = NULL, *opts = NULL;
	int rc, saved;

	for (size_t i = n; i-- > 0;) {
		char *l = xasprintf("%s%s%s", lower, lower[0] ? ":" : "", digest_hex(layers[i]));
		free(lower);
		lower = l;
	}
	base = overlay_opts(e, lower, upper, work);
	opts = xasprintf("%s,index=off,metacopy=off%s", base, vol ? ",volatile" : "");
	if (strlen(opts) >= 4096)
		return werr_set(err, E2BIG, "too many layers (%zu) for an overlay mount", n);
	if (chdir(ldir) < 0)
		return werr_set(err, errno, "chdir '%s'", ldir);
	rc = mount("overlay", merged, "overlay", MS_NODEV, opts);
	saved = errno;
	if (cwd >= 0 && fchdir(cwd) < 0)
		log_warn("cannot restore the working directory: %s", strerror(errno));
	if (rc < 0)
		return werr_set(err, saved, "mount overlay on '%s'", merged);
	return 0;
}

static int mount_overlay(struct engine *e, const char *ldir, char *const *layers, size_t n,
			 const char *upper, const char *work, const char *merged, bool vol,
			 struct werr *err)
{
	static bool no_lowerdir_plus;
	int rc;

	if (!no_lowerdir_plus) {
		rc = mount_new_api(e, ldir, layers, n, upper, work, merged, vol, err);
		if (rc <= 0)
			return rc;
		no_lowerdir_plus = true; /* kernel < 6.8: no "lowerdir+" */
	}
	return mount_classic(e, ldir, layers, n, upper, work, merged, vol, err);
}

/* ---- fuse-overlayfs ---- */

/* Lines fuse-overlayfs prints whatever happens: not the cause of a failure. */
static const char *const fuse_noise[] = {"unknown argument ignored:"};

/* The fix for a cause, said with it (issue 5 item 14). */
static const struct {
	const char *cause, *fix;
} fuse_fixes[] = {
    {"/dev/fuse", "make /dev/fuse accessible (as root: chmod 0666 /dev/fuse, as udev does) or "
		  "use --storage-driver vfs"},
    {"device not found",
     "load the fuse module (as root: modprobe fuse) or use --storage-driver vfs"},
};

/* The first line of the helper's output that is not noise, in place (out
 * holds every line), and the fix for it when one is known. */
static const char *fuse_cause(char *out, const char **fix)
{
	char *line = out, *cause = NULL;

	*fix = NULL;
	while (cause == NULL && *line != '\0') {
		char *end = strchrnul(line, '\n');
		bool noise = end == line;

		for (size_t i = 0; i < ARRAY_SIZE(fuse_noise) && !noise; i++)
			noise = str_has_prefix(line, fuse_noise[i]);
		if (!noise)
			cause = line;
		line = *end ? end + 1 : end;
		if (cause != NULL)
			*end = '\0';
	}
	for (size_t i = 0; cause != NULL && i < ARRAY_SIZE(fuse_fixes); i++)
		if (strstr(cause, fuse_fixes[i].cause) != NULL)
			*fix = fuse_fixes[i].fix;
	return cause ? cause : "";
}

/* Reads what the helper wrote (it has exited; its daemon child, if any,
 * points its stdio at /dev/null, so this ends). */
static void read_output(int fd, char *out, size_t len)
{
	size_t used = 0;
	ssize_t n;

	fcntl(fd, F_SETFL, O_NONBLOCK);
	while (used + 1 < len && (n = read(fd, out + used, len - used - 1)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		used += (size_t)n;
	}
	out[used] = '\0';
}

int fuse_run(char *const *argv, const char *merged, struct werr *err)
{
	const char *prog = argv[0];
	int errp[2], outp[2], status;
	char out[4096];
	const char *cause, *fix;
	pid_t pid;
	struct werr child = {0};

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, errp) < 0)
		return werr_set(err, errno, "socketpair");
	if (pipe2(outp, O_CLOEXEC) < 0) {
		close(errp[0]);
		close(errp[1]);
		return werr_set(err, errno, "pipe");
	}
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null < 0 || dup2(null, 0) < 0 || dup2(outp[1], 1) < 0 || dup2(outp[1], 2) < 0)
			_exit(127);
		execv(prog, argv);
		werr_set(&child, errno, "run '%s'", prog);
		werr_send(errp[1], &child);
		_exit(127);
	}
	close(errp[1]);
	close(outp[1]);
	if (pid < 0) {
		close(errp[0]);
		close(outp[0]);
		return werr_set(err, errno, "fork");
	}
	if (werr_recv(errp[0], &child) == 1) {
		*err = child;
		status = -1;
		waitpid(pid, &status, 0);
		close(errp[0]);
		close(outp[0]);
		return -1;
	}
	close(errp[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	read_output(outp[0], out, sizeof(out));
	close(outp[0]);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	cause = fuse_cause(out, &fix);
	return werr_set(err, 0, "'%s' failed to mount '%s'%s%s%s%s", prog, merged,
			cause[0] ? ": " : "", cause, fix ? ": " : "", fix ? fix : "");
}

static int run_fuse(const char *prog, const char *opts, const char *merged, struct werr *err)
{
	char *argv[] = {(char *)prog, "-o", (char *)opts, (char *)merged, NULL};
	return fuse_run(argv, merged, err);
}

/* extra: more -o options (the id mappings), or NULL */
static int mount_fuse(struct engine *e, const char *ldir, char *const *layers, size_t n,
		      const char *upper, const char *work, const char *merged, const char *extra,
		      struct werr *err)
{
	const char *prog = mount_program_opt(e) ? mount_program_opt(e) : FUSE_OVERLAYFS;
	cleanup_free char *lower = xstrdup("");
	cleanup_free char *opts = NULL;

	for (size_t i = n; i-- > 0;) {
		char *l =
		    xasprintf("%s%s%s/%s", lower, lower[0] ? ":" : "", ldir, digest_hex(layers[i]));
		free(lower);
		lower = l;
	}
	opts = xasprintf("lowerdir=%s,upperdir=%s,workdir=%s,nodev%s%s", lower, upper, work,
			 extra ? "," : "", extra ? extra : "");
	if (strpbrk(ldir, ",:") != NULL || strpbrk(upper, ",:") != NULL)
		return werr_set(err, EINVAL,
				"storage path '%s' contains ',' or ':', which fuse-overlayfs "
				"cannot take: use --root elsewhere",
				ldir);
	return run_fuse(prog, opts, merged, err);
}

/* ---- vfs: a full copy, whiteouts applied ---- */

static bool is_overlay_xattr(const char *name)
{
	return str_has_prefix(name, "user.overlay.") || str_has_prefix(name, "trusted.overlay.") ||
	       str_has_prefix(name, "user.fuseoverlayfs.");
}

static bool is_opaque(int dfd)
{
	char v[4];

	return (fgetxattr(dfd, "user.overlay.opaque", v, sizeof(v)) == 1 && v[0] == 'y') ||
	       (fgetxattr(dfd, "trusted.overlay.opaque", v, sizeof(v)) == 1 && v[0] == 'y');
}

static void copy_xattrs(int sfd, int dfd)
{
	char names[4096], value[4096];
	ssize_t n = flistxattr(sfd, names, sizeof(names));

	for (ssize_t i = 0; i < n; i += (ssize_t)strlen(names + i) + 1) {
		ssize_t v;

		if (is_overlay_xattr(names + i))
			continue;
		v = fgetxattr(sfd, names + i, value, sizeof(value));
		if (v < 0 || fsetxattr(dfd, names + i, value, (size_t)v, 0) < 0)
			log_debug("vfs: xattr '%s' not copied: %s", names + i, strerror(errno));
	}
}

/* Owner, mode (after chown: it clears setuid) and times of a copy. */
static int copy_meta(int dir, const char *name, int fd, const struct stat *st, struct werr *err)
{
	struct timespec ts[2] = {st->st_atim, st->st_mtim};
	bool lnk = S_ISLNK(st->st_mode);
	int rc;

	rc = fd >= 0 ? fchown(fd, st->st_uid, st->st_gid)
		     : fchownat(dir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW);
	if (rc < 0)
		return werr_set(err, errno, "chown '%s'", name);
	if (!lnk && (fd >= 0 ? fchmod(fd, st->st_mode & 07777)
			     : fchmodat(dir, name, st->st_mode & 07777, 0)) < 0)
		return werr_set(err, errno, "chmod '%s'", name);
	if (fd >= 0 ? futimens(fd, ts) : utimensat(dir, name, ts, AT_SYMLINK_NOFOLLOW))
		log_debug("vfs: times of '%s': %s", name, strerror(errno));
	return 0;
}

static int copy_data(int sfd, int dfd, const char *name, struct werr *err)
{
	static char buf[128 * 1024];
	ssize_t n;

	if (ioctl(dfd, FICLONE, sfd) == 0)
		return 0;
	while ((n = copy_file_range(sfd, NULL, dfd, NULL, 1 << 30, 0)) > 0)
		;
	if (n == 0)
		return 0;
	if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
		return werr_set(err, errno, "copy '%s'", name);
	while ((n = read(sfd, buf, sizeof(buf))) > 0)
		if (write_all(dfd, buf, (size_t)n) < 0)
			return werr_set(err, errno, "write '%s'", name);
	return n < 0 ? werr_set(err, errno, "read '%s'", name) : 0;
}

static int copy_file(int sdir, int ddir, const char *name, const struct stat *st, struct werr *err)
{
	cleanup_close int sfd = openat(sdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_close int dfd = -1;

	if (sfd < 0)
		return werr_set(err, errno, "open '%s'", name);
	dfd = openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (dfd < 0)
		return werr_set(err, errno, "create '%s'", name);
	if (copy_data(sfd, dfd, name, err) < 0 || copy_meta(ddir, name, dfd, st, err) < 0)
		return -1;
	copy_xattrs(sfd, dfd);
	return 0;
}

/* One entry of a layer dir over the same dir of the copy: a dir is made
 * (or kept when one is there) and walked into. */
static int vfs_entry(void *data, const struct walk_dir *d, const char *name, int type,
		     struct werr *err)
{
	int sdir = d->fd, ddir = d->mirror;
	struct stat st, dst;
	bool exists = fstatat(ddir, name, &dst, AT_SYMLINK_NOFOLLOW) == 0;
	char target[PATH_MAX];
	ssize_t n;

	if (fstatat(sdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return werr_set(err, errno, "stat '%s'", name);
	if (exists && !(S_ISDIR(st.st_mode) && S_ISDIR(dst.st_mode))) {
		if (rm_rf_at(ddir, name, err) < 0)
			return -1;
		exists = false;
	}
	if (S_ISCHR(st.st_mode) && st.st_rdev == 0)
		return WALK_NEXT; /* whiteout: the lower entry is gone */
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR:
		if (!exists && mkdirat(ddir, name, 0700) < 0)
			return werr_set(err, errno, "mkdir '%s'", name);
		return WALK_DESCEND;
	case S_IFREG:
		return copy_file(sdir, ddir, name, &st, err);
	case S_IFLNK:
		n = readlinkat(sdir, name, target, sizeof(target) - 1);
		if (n < 0)
			return werr_set(err, errno, "readlink '%s'", name);
		target[n] = '\0';
		if (symlinkat(target, ddir, name) < 0)
			return werr_set(err, errno, "symlink '%s'", name);
		return copy_meta(ddir, name, -1, &st, err);
	default:
		if (mknodat(ddir, name, st.st_mode, st.st_rdev) < 0) {
			log_debug("vfs: '%s' skipped: %s", name, strerror(errno));
			return WALK_NEXT;
		}
		return copy_meta(ddir, name, -1, &st, err);
	}
}

/* An opaque layer dir hides everything below it in the lower layers. */
static int vfs_enter(void *data, const struct walk_dir *d, struct werr *err)
{
	return is_opaque(d->fd) ? rm_rf_contents(d->mirror, err) : 0;
}

/* A dir's attributes last: copying its entries changed its times. */
static int vfs_leave(void *data, const struct walk_dir *parent, const struct walk_dir *d,
		     struct werr *err)
{
	struct stat st;

	if (fstat(d->fd, &st) < 0)
		return werr_set(err, errno, "stat '%s'", d->name);
	copy_xattrs(d->fd, d->mirror);
	return copy_meta(parent->mirror, d->name, d->mirror, &st, err);
}

static const struct walk_ops vfs_ops = {.entry = vfs_entry, .enter = vfs_enter, .leave = vfs_leave};

/* A plain tree has no whiteouts to apply (overlay hides them in merged). */
static const struct walk_ops copy_ops = {.entry = vfs_entry, .leave = vfs_leave};

/* Copies the tree below dir src into dir dst (see driver.h). */
int tree_copy(int src, int dst, struct werr *err)
{
	struct stat st;

	if (walk_tree(src, dst, &copy_ops, NULL, err) < 0)
		return -1;
	if (fstat(src, &st) < 0)
		return werr_set(err, errno, "stat the source of the copy");
	copy_xattrs(src, dst);
	return copy_meta(dst, "", dst, &st, err);
}

static int vfs_build(const char *ldir, char *const *layers, size_t n, const char *ctr_dir,
		     struct werr *err)
{
	cleanup_close int cfd = open(ctr_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int mfd = -1;

	if (cfd < 0)
		return werr_set(err, errno, "open '%s'", ctr_dir);
	if (faccessat(cfd, VFS_DONE, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return 0;
	/* a copy interrupted earlier starts over */
	if (rm_rf_at(cfd, "merged", err) < 0 || mkdirat(cfd, "merged", 0755) < 0)
		return werr_set(err, errno, "mkdir '%s/merged'", ctr_dir);
	mfd = openat(cfd, "merged", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (mfd < 0 || fchmod(mfd, 0755) < 0)
		return werr_set(err, errno, "open '%s/merged'", ctr_dir);
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *p = xasprintf("%s/%s", ldir, digest_hex(layers[i]));
		/* may be a link ro_lowers made to a read-only store's layer */
		cleanup_close int lfd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (lfd < 0)
			return werr_set(err, errno, "open layer '%s'", p);
		if (walk_tree(lfd, mfd, &vfs_ops, NULL, err) < 0)
			return werr_wrap(err, "copy layer %.19s", layers[i]);
	}
	return write_file_atomic_at(cfd, VFS_DONE, "", 0, 0600, err);
}

/* ---- the public entry points ---- */

bool is_mount_point(const char *path, const char *parent)
{
	struct statx sx, px;

	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) < 0)
		return errno == ENOTCONN;
	if (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)
		return (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
	if (statx(AT_FDCWD, parent, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &px) < 0)
		return false;
	return sx.stx_dev_major != px.stx_dev_major || sx.stx_dev_minor != px.stx_dev_minor;
}

/* statvfs flags that a bind remount must repeat: in a user namespace the
 * mount it came from has them locked. ST_* and MS_* share their values. */
static const unsigned long kept_flags[] = {ST_RDONLY,  ST_NOSUID,     ST_NOEXEC,
					   ST_NOATIME, ST_NODIRATIME, ST_RELATIME};

/* The vfs copy is a plain dir: it is bound onto itself nodev, as the
 * overlays are mounted nodev, so that a device node shipped in an image
 * cannot be opened in the container (issue 5 item 4: root mode created
 * them usable). The executor's bind of the rootfs keeps the flag. */
static int bind_nodev(const char *merged, struct werr *err)
{
	unsigned long flags = MS_REMOUNT | MS_BIND | MS_NODEV;
	struct statvfs sv;

	if (mount(merged, merged, NULL, MS_BIND, NULL) < 0)
		return werr_set(err, errno, "bind '%s'", merged);
	if (statvfs(merged, &sv) == 0) {
		for (size_t i = 0; i < ARRAY_SIZE(kept_flags); i++)
			flags |= sv.f_flag & kept_flags[i];
		if (!(sv.f_flag & (ST_NOATIME | ST_RELATIME)))
			flags |= MS_STRICTATIME;
	}
	if (mount(NULL, merged, NULL, flags, NULL) < 0) {
		int e = errno;
		umount2(merged, MNT_DETACH | UMOUNT_NOFOLLOW);
		return werr_set(err, e, "remount '%s' nodev", merged);
	}
	return 0;
}

static int make_dirs(const char *ctr_dir, struct werr *err)
{
	static const struct {
		const char *name;
		mode_t mode;
	} dirs[] = {{"upper", 0755}, {"work", 0700}, {"merged", 0755}};

	if (mkdir_p(ctr_dir, 0700, err) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		cleanup_free char *p = xasprintf("%s/%s", ctr_dir, dirs[i].name);
		if (mkdir(p, dirs[i].mode) < 0 && errno != EEXIST)
			return werr_set(err, errno, "mkdir '%s'", p);
	}
	return 0;
}

/* mount_overlay's arguments, for idmap_as */
struct ovl_call {
	struct engine *e;
	const char *ldir;
	char *const *layers;
	size_t n;
	const char *upper, *work, *merged;
	bool vol;
	struct werr *err;
};

static int ovl_call_run(void *arg)
{
	struct ovl_call *c = arg;

	return mount_overlay(c->e, c->ldir, c->layers, c->n, c->upper, c->work, c->merged, c->vol,
			     c->err);
}

/* overlay over idmapped layers (idmaplayers.h) for the user namespace
 * userns_fd, mounted as the container's root (root_uid/root_gid, host
 * ids), then the staging mounts go */
static int mount_overlay_idmapped(struct engine *e, const char *ctr_dir, const char *ldir,
				  char *const *layers, size_t n, const char *merged, bool vol,
				  int userns_fd, uid_t root_uid, gid_t root_gid, struct werr *err)
{
	cleanup_free char *sl = NULL, *su = NULL, *sw = NULL;
	struct ovl_call c = {e, NULL, layers, n, NULL, NULL, merged, vol, err};
	int rc;

	if (idmap_stage(ctr_dir, ldir, layers, n, userns_fd, &sl, &su, &sw, err) < 0)
		return -1;
	c.ldir = sl;
	c.upper = su;
	c.work = sw;
	rc = idmap_as(root_uid, root_gid, ovl_call_run, &c);
	idmap_unstage(ctr_dir, layers, n);
	return rc;
}

/* When some of the layers are not in the store's own layers dir but in a
 * read-only store (storage.conf additionalimagestores), the overlay takes
 * its lower dirs from ctr_dir/lowers: a link per layer to the dir that
 * holds it, so that every mount path below keeps taking one dir plus
 * digests. *ldir becomes that dir; *squash says that some layer's owner is
 * not mapped in this user namespace. 0, or -1 when a layer is nowhere. */
static int ro_lowers(struct engine *e, const char *ctr_dir, char *const *layers, size_t n,
		     char **ldir, bool *squash, struct werr *err)
{
	cleanup_free char *links = NULL;
	bool any = false;

	for (size_t i = 0; i < n && !any; i++) {
		cleanup_free char *p = xasprintf("%s/%s", *ldir, digest_hex(layers[i]));
		any = access(p, F_OK) < 0;
	}
	if (!any || e->store == NULL || store_readonly_dir(e->store, 0) == NULL)
		return 0;
	links = xasprintf("%s/lowers", ctr_dir);
	if (rm_rf_at(AT_FDCWD, links, err) < 0 || mkdir(links, 0700) < 0)
		return werr_set(err, errno, "mkdir '%s'", links);
	for (size_t i = 0; i < n; i++) {
		const char *hex = digest_hex(layers[i]);
		cleanup_free char *own = xasprintf("%s/%s", *ldir, hex);
		cleanup_free char *link = xasprintf("%s/%s", links, hex);
		cleanup_free char *target = NULL;
		bool foreign = false;

		if (access(own, F_OK) == 0)
			target = steal_pointer(&own);
		else
			target = layer_ro_path(e, layers[i], &foreign);
		if (target == NULL)
			return werr_set(err, ENOENT,
					"layer %.19s is in no store (was the image removed from "
					"its read-only store?)",
					layers[i]);
		if (strpbrk(target, ",:") != NULL)
			return werr_set(err, EINVAL, "layer path '%s' has ',' or ':'", target);
		*squash = *squash || foreign;
		if (symlink(target, link) < 0 && errno != EEXIST)
			return werr_set(err, errno, "symlink '%s'", link);
	}
	free(*ldir);
	*ldir = steal_pointer(&links);
	return 0;
}

/* Builds ctr_dir/merged from the layers (bottom first) with driver d;
 * fuse_extra: more fuse-overlayfs options; im: overlay over layers
 * idmapped to a user namespace (NULL: none). */
static int mount_layers(struct engine *e, enum storage_driver d, const char *ctr_dir,
			char *const *layers, bool ephemeral, const char *fuse_extra,
			const struct idmap_target *im, struct werr *err)
{
	static char *const empty[] = {"empty", NULL};
	cleanup_free char *ldir = xasprintf("%s/layers", e->root);
	cleanup_free char *upper = xasprintf("%s/upper", ctr_dir);
	cleanup_free char *work = xasprintf("%s/work", ctr_dir);
	cleanup_free char *merged = xasprintf("%s/merged", ctr_dir);
	size_t n = strv_len(layers);
	cleanup_free char *mp = NULL;
	cleanup_free char **all = NULL;
	struct ro_store_locks locks = {.n = 0};
	bool squash = false;
	int rc;

	/* diff_ids come from an image config: never let one name a path */
	for (size_t i = 0; i < n; i++)
		if (!digest_valid(layers[i]))
			return werr_set(err, EINVAL, "invalid layer digest '%s'", layers[i]);
	if (make_dirs(ctr_dir, err) < 0)
		return werr_wrap(err, "prepare rootfs");
	if (d == DRIVER_VFS) {
		ro_stores_lock(e, &locks);
		rc = ro_lowers(e, ctr_dir, layers, n, &ldir, &squash, err) < 0 ||
		     vfs_build(ldir, layers, n, ctr_dir, err) < 0;
		ro_stores_unlock(&locks);
		if (rc)
			return werr_wrap(err, "copy the rootfs of '%s' (vfs)", ctr_dir);
		if (!is_mount_point(merged, ctr_dir) && bind_nodev(merged, err) < 0)
			return werr_wrap(err, "mount the rootfs of '%s' (vfs)", ctr_dir);
		return 0;
	}
	if (rootfs_is_mounted(e, d, ctr_dir))
		return 0;
	/* the mount-point layer goes on top of the image's layers */
	mp = mountpoints_layer(e, layers, n);
	if (mp) {
		all = xcalloc(n + 2, sizeof(char *));
		memcpy(all, layers, n * sizeof(char *));
		all[n] = mp;
		layers = all;
		n++;
	}
	ro_stores_lock(e, &locks);
	rc = ro_lowers(e, ctr_dir, layers, n, &ldir, &squash, err);
	if (rc < 0) {
		ro_stores_unlock(&locks);
		return -1;
	}
	if (squash && d == DRIVER_OVERLAY && im == NULL && fuse_extra == NULL) {
		if (fuse_available(mount_program_opt(e) ? mount_program_opt(e) : FUSE_OVERLAYFS)) {
			d = DRIVER_FUSE_OVERLAYFS;
			fuse_extra = "squash_to_root";
		} else {
			log_warn("the image's files come from a read-only store whose owner's ids "
				 "are not mapped here: they show as nobody and cannot be changed "
				 "(install fuse-overlayfs to see them owned by root)");
		}
	}
	if (n == 0) {
		/* overlay needs one lower dir: an empty one in the container dir */
		cleanup_free char *p = xasprintf("%s/empty", ctr_dir);
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return werr_set(err, errno, "mkdir '%s'", p);
		free(ldir);
		ldir = xstrdup(ctr_dir);
		layers = empty;
		n = 1;
	}
	if (d == DRIVER_FUSE_OVERLAYFS)
		rc = mount_fuse(e, ldir, layers, n, upper, work, merged, fuse_extra, err);
	else if (im != NULL)
		rc = mount_overlay_idmapped(e, ctr_dir, ldir, layers, n, merged, ephemeral,
					    im->userns_fd, im->root_uid, im->root_gid, err);
	else
		rc = mount_overlay(e, ldir, layers, n, upper, work, merged, ephemeral, err);
	ro_stores_unlock(&locks);
	if (rc < 0)
		return werr_wrap(err, "mount the rootfs of '%s' (%s)", ctr_dir, driver_name(d));
	return 0;
}

/* --rootfs DIR:O: DIR is the one lower dir, never written; fuse_extra:
 * more fuse-overlayfs options (d is then fuse-overlayfs). */
static int mount_dir(struct engine *e, enum storage_driver d, const char *ctr_dir,
		     const char *lower, bool ephemeral, const char *fuse_extra, struct werr *err)
{
	cleanup_free char *upper = xasprintf("%s/upper", ctr_dir);
	cleanup_free char *work = xasprintf("%s/work", ctr_dir);
	cleanup_free char *merged = xasprintf("%s/merged", ctr_dir);
	cleanup_free char *opts = NULL, *base = NULL;

	/* the option string splits at ',' and ':' (overlay and fuse alike) */
	if (strpbrk(lower, ",:") != NULL || strpbrk(ctr_dir, ",:") != NULL)
		return werr_set(err, EINVAL,
				"cannot mount an overlay on '%s': its path has ',' or ':'",
				strpbrk(lower, ",:") ? lower : ctr_dir);
	if (d == DRIVER_VFS)
		return werr_set(
		    err, ENOTSUP,
		    "--rootfs '%s:O' needs an overlay, and this store uses the vfs driver "
		    "(no overlay works here)",
		    lower);
	if (make_dirs(ctr_dir, err) < 0)
		return werr_wrap(err, "prepare rootfs");
	if (rootfs_is_mounted(e, d, ctr_dir))
		return 0;
	if (d == DRIVER_FUSE_OVERLAYFS) {
		const char *prog = mount_program_opt(e) ? mount_program_opt(e) : FUSE_OVERLAYFS;
		opts = xasprintf("lowerdir=%s,upperdir=%s,workdir=%s,nodev%s%s", lower, upper, work,
				 fuse_extra ? "," : "", fuse_extra ? fuse_extra : "");
		if (run_fuse(prog, opts, merged, err) < 0)
			return werr_wrap(err, "mount an overlay on '%s'", lower);
		return 0;
	}
	base = overlay_opts(e, lower, upper, work);
	opts = xasprintf("%s,index=off,metacopy=off%s", base, ephemeral ? ",volatile" : "");
	if (mount("overlay", merged, "overlay", MS_NODEV, opts) < 0)
		return werr_set(err, errno, "mount an overlay on '%s' at '%s'", lower, merged);
	return 0;
}

int rootfs_mount_dir(struct engine *e, enum storage_driver d, const char *ctr_dir,
		     const char *lower, bool ephemeral, struct werr *err)
{
	return mount_dir(e, d, ctr_dir, lower, ephemeral, NULL, err);
}

int rootfs_mount(struct engine *e, enum storage_driver d, const char *ctr_dir, char *const *layers,
		 bool ephemeral, struct werr *err)
{
	return mount_layers(e, d, ctr_dir, layers, ephemeral, NULL, NULL, err);
}

int rootfs_mount_mapped(struct engine *e, const char *ctr_dir, char *const *layers,
			const char *lower, const char *uidmapping, const char *gidmapping,
			struct werr *err)
{
	cleanup_free char *extra = NULL;

	if (!fuse_available(mount_program_opt(e) ? mount_program_opt(e) : FUSE_OVERLAYFS))
		return werr_set(err, 0,
				"a container with a user namespace of its own needs fuse-overlayfs "
				"rootless (the kernel idmaps no mount made in a user namespace): "
				"install fuse-overlayfs and make /dev/fuse usable");
	extra = xasprintf("%suidmapping=%s,gidmapping=%s",
			  /* squashfuse answers the ACL xattrs with EOPNOTSUPP, which
			   * fuse-overlayfs's id mapping takes for an error (exported
			   * .sqsh files carry no xattrs anyway) */
			  lower != NULL ? "noacl," : "", uidmapping, gidmapping);
	if (lower != NULL)
		return mount_dir(e, DRIVER_FUSE_OVERLAYFS, ctr_dir, lower, false, extra, err);
	return mount_layers(e, DRIVER_FUSE_OVERLAYFS, ctr_dir, layers, false, extra, NULL, err);
}

int rootfs_mount_idmapped(struct engine *e, const char *ctr_dir, char *const *layers,
			  const struct idmap_target *im, struct werr *err)
{
	return mount_layers(e, DRIVER_OVERLAY, ctr_dir, layers, false, NULL, im, err);
}

/* Unmounts ctr_dir/merged (vfs: its nodev bind), lazily when busy; no-op
 * when not mounted. */
static int umount_one(const char *path, struct werr *err)
{
	if (umount2(path, UMOUNT_NOFOLLOW) == 0)
		return 0;
	if (errno == EINVAL || errno == ENOENT)
		return 0; /* not a mount point */
	if (errno == EBUSY && umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
		return 0;
	return werr_set(err, errno, "unmount '%s'", path);
}

int rootfs_umount(struct engine *e, enum storage_driver d, const char *ctr_dir, struct werr *err)
{
	cleanup_free char *merged = xasprintf("%s/merged", ctr_dir);
	cleanup_free char *sqsh = xasprintf("%s/" SQSH_MOUNT_DIR, ctr_dir);

	if (umount_one(merged, err) < 0)
		return -1;
	/* a FILE.sqsh container: its squashfuse mount, the overlay's lower
	 * dir, goes with it, detached at once (nothing uses it once the
	 * overlay is gone; squashfuse exits when the kernel drops it) */
	if (umount2(sqsh, MNT_DETACH | UMOUNT_NOFOLLOW) == 0 || errno == EINVAL || errno == ENOENT)
		return 0;
	return werr_set(err, errno, "unmount '%s'", sqsh);
}

/* True when ctr_dir/merged is a mount point (vfs: a completed copy). */
bool rootfs_is_mounted(struct engine *e, enum storage_driver d, const char *ctr_dir)
{
	cleanup_free char *merged = xasprintf("%s/merged", ctr_dir);

	if (d == DRIVER_VFS) {
		cleanup_free char *done = xasprintf("%s/%s", ctr_dir, VFS_DONE);
		return access(done, F_OK) == 0;
	}
	return is_mount_point(merged, ctr_dir);
}
