/* executor_mounts.c - the container's mount namespace, built in the child:
 * the spec's mounts resolved safely inside the (untrusted) rootfs, /dev
 * device nodes, pivot_root, masked and read-only paths. Runs after clone:
 * stack buffers only, no allocation. */
#include "runtime/executor_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/syscalls.h"
#include "lib/util.h"

#define FDPATH_MAX 32

/* Device nodes bind-mounted from the host: rootless cannot mknod, and a
 * bind works as real root too. */
static const char *const dev_nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};

static const struct {
	const char *name;
	const char *target;
} dev_links[] = {
    {"fd", "/proc/self/fd"},	   {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
    {"stderr", "/proc/self/fd/2"}, {"ptmx", "pts/ptmx"},
};

/* Flags of the source mount that a user namespace locks: a bind remount
 * must repeat them or fail with EPERM. */
static const struct {
	unsigned long st;
	unsigned long ms;
} locked_flags[] = {
    {ST_RDONLY, MS_RDONLY},	{ST_NOSUID, MS_NOSUID},	  {ST_NODEV, MS_NODEV},
    {ST_NOEXEC, MS_NOEXEC},	{ST_NOATIME, MS_NOATIME}, {ST_NODIRATIME, MS_NODIRATIME},
    {ST_RELATIME, MS_RELATIME},
};

/* The mount flags an rbind passes down to its submounts. */
static const struct {
	unsigned long ms;
	uint64_t attr;
} rec_attrs[] = {
    {MS_RDONLY, MOUNT_ATTR_RDONLY},
    {MS_NOSUID, MOUNT_ATTR_NOSUID},
    {MS_NODEV, MOUNT_ATTR_NODEV},
    {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
};

static void fdpath(int fd, char buf[FDPATH_MAX])
{
	snprintf(buf, FDPATH_MAX, "/proc/self/fd/%d", fd);
}

static int openat2_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = {
	    .flags = (uint64_t)(flags | O_CLOEXEC),
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	while (*path == '/')
		path++;
	if (*path == '\0')
		path = ".";
	/* before Linux 5.6: the same resolution, walked in userspace */
	return sys_openat2(rootfd, path, &how);
}

#define MAX_LINKS 40

/* After EEXIST: 1 with the target in link when name is a symlink that
 * does not resolve inside the root (dangling), else 0. */
static int dangling_link(int rootfd, int parent, const char *prefix, const char *name,
			 char link[PATH_MAX])
{
	struct stat st;
	ssize_t n;
	int fd = openat2_in_root(rootfd, prefix, O_PATH);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISLNK(st.st_mode))
		return 0;
	n = readlinkat(parent, name, link, PATH_MAX - 1);
	if (n <= 0)
		return 0;
	link[n] = '\0';
	return 1;
}

/* Creates the component at path[0..end) inside root: its parent is
 * resolved in the root, the name itself is one component (never followed).
 * Returns 0, 1 for a dangling symlink in the way (target in link), -1. */
static int create_component(int rootfd, char *path, size_t end, bool dir, char link[PATH_MAX])
{
	char saved = path[end];
	char *slash;
	int parent, rc;
	const char *name;

	path[end] = '\0';
	slash = strrchr(path, '/');
	name = slash != NULL ? slash + 1 : path;
	if (slash != NULL)
		*slash = '\0';
	parent = openat2_in_root(rootfd, slash != NULL ? path : "", O_PATH | O_DIRECTORY);
	if (slash != NULL)
		*slash = '/';
	if (parent < 0) {
		path[end] = saved;
		return -1;
	}
	if (dir) {
		rc = mkdirat(parent, name, 0755);
	} else {
		rc = openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    0644);
		if (rc >= 0)
			rc = close(rc);
	}
	if (rc < 0 && errno == EEXIST)
		rc = dangling_link(rootfd, parent, path, name, link);
	close(parent);
	path[end] = saved;
	return rc;
}

/* Rewrites buf = "a/b/link/rest" (the link ends at i) into its target. */
static int follow_link(char *buf, size_t i, const char *link)
{
	char out[PATH_MAX];
	const char *slash = memrchr(buf, '/', i);
	int n;

	if (link[0] == '/' || slash == NULL)
		n = snprintf(out, sizeof(out), "%s%s", link, buf + i);
	else
		n = snprintf(out, sizeof(out), "%.*s/%s%s", (int)(slash - buf), buf, link, buf + i);
	if (n < 0 || (size_t)n >= sizeof(out))
		return errno = ENAMETOOLONG, -1;
	memcpy(buf, out, (size_t)n + 1);
	return 0;
}

/* True when path[0..end) is a directory inside root already. An open (the
 * kernel's cached lookup) instead of a mkdirat that fails with EEXIST: on a
 * FUSE rootfs (fuse-overlayfs) every mkdirat, even of an existing dir, is a
 * round trip to the daemon. */
static bool dir_in_root(int rootfd, char *path, size_t end)
{
	char saved = path[end];
	int fd;

	path[end] = '\0';
	fd = openat2_in_root(rootfd, path, O_PATH | O_DIRECTORY);
	path[end] = saved;
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static int open_create(int rootfd, const char *path, bool dir, int depth)
{
	char buf[PATH_MAX], link[PATH_MAX];
	size_t len;
	int fd = openat2_in_root(rootfd, path, O_PATH);

	if (fd >= 0 || errno != ENOENT)
		return fd;
	if (depth > MAX_LINKS)
		return errno = ELOOP, -1;
	while (*path == '/')
		path++;
	len = strlen(path);
	if (len >= sizeof(buf))
		return errno = ENAMETOOLONG, -1;
	memcpy(buf, path, len + 1);
	for (size_t i = 1; i <= len; i++) {
		int rc;
		if ((i < len && buf[i] != '/') || buf[i - 1] == '/')
			continue;
		if (i < len && dir_in_root(rootfd, buf, i))
			continue;
		rc = create_component(rootfd, buf, i, i == len ? dir : true, link);
		if (rc < 0)
			return -1;
		/* a dangling image symlink: create its target, inside the root */
		if (rc == 1)
			return follow_link(buf, i, link) < 0
				   ? -1
				   : open_create(rootfd, buf, dir, depth + 1);
	}
	return openat2_in_root(rootfd, path, O_PATH);
}

int xopen_in_root(int rootfd, const char *path, bool create, bool dir)
{
	if (!create)
		return openat2_in_root(rootfd, path, O_PATH);
	return open_create(rootfd, path, dir, 0);
}

static unsigned long locked_of(int fd)
{
	struct statvfs sv;
	unsigned long ms = 0;

	if (fstatvfs(fd, &sv) < 0)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(locked_flags); i++)
		if (sv.f_flag & locked_flags[i].st)
			ms |= locked_flags[i].ms;
	return ms;
}

/* Remounts the bind mount at dest (inside rootfd) with flags, keeping the
 * flags the source mount has locked. */
static int bind_remount(int rootfd, const char *dest, unsigned long flags, struct werr *err)
{
	const unsigned long atime = MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME;
	char p[FDPATH_MAX];
	cleanup_close int fd = xopen_in_root(rootfd, dest, false, false);
	unsigned long locked;

	if (fd < 0)
		return werr_set(err, errno, "open '%s' in the rootfs", dest);
	locked = locked_of(fd);
	if (flags & atime)
		locked &= ~atime;
	flags &= ~(MS_BIND | MS_REC | MS_REMOUNT);
	fdpath(fd, p);
	if (mount(NULL, p, NULL, MS_REMOUNT | MS_BIND | flags | locked, NULL) < 0)
		return werr_set(err, errno, "remount '%s'", dest);
	return 0;
}

/* mount(2) fails on devpts gid=5 when gid 5 is not mapped (single-uid
 * user namespace): retry without the gid= option. */
static int mount_devpts(const char *target, const struct xmount *m)
{
	char data[512] = "";
	const char *d = m->data != NULL ? m->data : "";

	if (mount(m->source ? m->source : "devpts", target, "devpts", m->flags, d) == 0)
		return 0;
	if (errno != EINVAL || strstr(d, "gid=") == NULL)
		return -1;
	for (const char *s = d; *s != '\0';) {
		size_t n = strcspn(s, ",");
		if (strncmp(s, "gid=", 4) != 0 && strlen(data) + n + 2 < sizeof(data)) {
			if (data[0] != '\0')
				strcat(data, ",");
			strncat(data, s, n);
		}
		s += n + (s[n] == ',');
	}
	return mount(m->source ? m->source : "devpts", target, "devpts", m->flags, data);
}

static bool type_is(const struct xmount *m, const char *t)
{
	return m->type != NULL && strcmp(m->type, t) == 0;
}

/* sysfs and friends need their own net/ipc/cgroup namespace in a user
 * namespace: without one the kernel says EPERM, so bind the host's. */
static bool can_fall_back(const struct xmount *m)
{
	return type_is(m, "sysfs") || type_is(m, "cgroup") || type_is(m, "cgroup2") ||
	       type_is(m, "mqueue");
}

/* The host's tree, read-only all the way down: a cgroup v1 hierarchy has
 * writable submounts that a top-level remount would leave writable. */
static int mount_fallback(int rootfd, const char *target, const struct xmount *m, struct werr *err)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
					      MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC};
	cleanup_close int fd = -1;

	if (mount(m->dest, target, NULL, MS_BIND | MS_REC, NULL) < 0)
		return werr_set(err, errno, "bind host '%s' on '%s'", m->dest, m->dest);
	fd = xopen_in_root(rootfd, m->dest, false, false);
	if (fd < 0)
		return werr_set(err, errno, "open '%s' in the rootfs", m->dest);
	if (sys_mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr) < 0)
		return werr_set(err, errno, "make '%s' read-only", m->dest);
	return 0;
}

/* MS_RDONLY and friends on a bind apply to its top mount only: a mount
 * below the source (a tmpfs, an NFS share) would stay writable in the
 * container (issue 5 item 5). Every mount of an rbind gets them. */
static int rbind_flags_down(int rootfd, const struct xmount *m, struct werr *err)
{
	struct mount_attr attr = {0};
	cleanup_close int fd = -1;

	if (!(m->flags & MS_REC))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(rec_attrs); i++)
		if (m->flags & rec_attrs[i].ms)
			attr.attr_set |= rec_attrs[i].attr;
	if (attr.attr_set == 0)
		return 0;
	fd = xopen_in_root(rootfd, m->dest, false, false);
	if (fd < 0)
		return werr_set(err, errno, "open '%s' in the rootfs", m->dest);
	if (sys_mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr) < 0)
		return werr_set(err, errno, "apply the flags of '%s' to its submounts", m->dest);
	return 0;
}

/* tree: the source as a detached mount the parent made, or -1 */
static bool source_is_dir(const struct xmount *m, int tree)
{
	struct stat st;

	if (!m->bind)
		return true;
	if (tree >= 0)
		return fstat(tree, &st) < 0 || S_ISDIR(st.st_mode);
	return stat(m->source, &st) < 0 || S_ISDIR(st.st_mode);
}

static int do_mount(int rootfd, const struct xmount *m, int tree, struct werr *err)
{
	char p[FDPATH_MAX];
	cleanup_close int fd = xopen_in_root(rootfd, m->dest, true, source_is_dir(m, tree));
	int rc;

	if (fd < 0)
		return werr_set(err, errno, "mount destination '%s' in the rootfs", m->dest);
	fdpath(fd, p);
	if (m->bind && tree >= 0)
		rc = sys_move_mount(tree, "", fd, "",
				    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
	else if (m->bind)
		rc = mount(m->source, p, NULL, m->flags & (MS_BIND | MS_REC), NULL);
	else if (type_is(m, "devpts"))
		rc = mount_devpts(p, m);
	else
		rc = mount(m->source ? m->source : m->type, p, m->type, m->flags, m->data);
	/* EBUSY: a cgroup v1 host, whose hierarchies are already mounted */
	if (rc < 0 && (errno == EPERM || errno == EBUSY) && can_fall_back(m))
		return mount_fallback(rootfd, p, m, err);
	if (rc < 0)
		return werr_set(err, errno, "mount '%s' on '%s'",
				m->bind ? m->source : (m->type ? m->type : "none"), m->dest);
	if (m->bind && m->ro_remount &&
	    (bind_remount(rootfd, m->dest, m->flags, err) < 0 ||
	     rbind_flags_down(rootfd, m, err) < 0))
		return -1;
	if (m->propagation != 0) {
		cleanup_close int top = xopen_in_root(rootfd, m->dest, false, false);
		char tp[FDPATH_MAX];
		if (top >= 0)
			fdpath(top, tp);
		if (top < 0 || mount(NULL, tp, NULL, m->propagation, NULL) < 0)
			return werr_set(err, errno, "set propagation of '%s'", m->dest);
	}
	return 0;
}

static int setup_dev(int rootfd, struct werr *err)
{
	/* /dev is the tmpfs we just mounted: names in it are ours */
	cleanup_close int devfd = openat2_in_root(rootfd, "/dev", O_RDONLY | O_DIRECTORY);

	if (devfd < 0)
		return werr_set(err, errno, "open '/dev' in the rootfs");
	for (size_t i = 0; i < ARRAY_SIZE(dev_nodes); i++) {
		char src[32], p[FDPATH_MAX];
		int fd =
		    openat(devfd, dev_nodes[i], O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (fd >= 0)
			close(fd);
		fd = openat(devfd, dev_nodes[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return werr_set(err, errno, "create '/dev/%s'", dev_nodes[i]);
		snprintf(src, sizeof(src), "/dev/%s", dev_nodes[i]);
		fdpath(fd, p);
		if (mount(src, p, NULL, MS_BIND, NULL) < 0) {
			int e = errno;
			close(fd);
			return werr_set(err, e, "bind '%s'", src);
		}
		close(fd);
	}
	for (size_t i = 0; i < ARRAY_SIZE(dev_links); i++)
		if (symlinkat(dev_links[i].target, devfd, dev_links[i].name) < 0 && errno != EEXIST)
			return werr_set(err, errno, "symlink '/dev/%s'", dev_links[i].name);
	return 0;
}

static int do_pivot(int rootfd, struct werr *err)
{
	if (fchdir(rootfd) < 0)
		return werr_set(err, errno, "chdir to the rootfs");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return werr_set(err, errno, "pivot_root");
	/* the old root is stacked under the new one: detach it */
	if (umount2(".", MNT_DETACH) < 0)
		return werr_set(err, errno, "detach the old root");
	if (chdir("/") < 0)
		return werr_set(err, errno, "chdir '/'");
	return 0;
}

static int mask_path(int rootfd, const char *path, struct werr *err)
{
	char p[FDPATH_MAX];
	struct stat st;
	cleanup_close int fd = xopen_in_root(rootfd, path, false, false);
	int rc;

	if (fd < 0)
		return errno == ENOENT || errno == EACCES ? 0
							  : werr_set(err, errno, "mask '%s'", path);
	if (fstat(fd, &st) < 0)
		return werr_set(err, errno, "mask '%s'", path);
	fdpath(fd, p);
	if (S_ISDIR(st.st_mode))
		rc = mount("tmpfs", p, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			   "size=4k,nr_inodes=1");
	else
		rc = mount("/dev/null", p, NULL, MS_BIND, NULL);
	if (rc < 0)
		return werr_set(err, errno, "mask '%s'", path);
	return 0;
}

static int readonly_path(int rootfd, const char *path, struct werr *err)
{
	char p[FDPATH_MAX];
	cleanup_close int fd = xopen_in_root(rootfd, path, false, false);

	if (fd < 0)
		return errno == ENOENT || errno == EACCES
			   ? 0
			   : werr_set(err, errno, "read-only path '%s'", path);
	fdpath(fd, p);
	if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0)
		return werr_set(err, errno, "bind read-only path '%s'", path);
	return bind_remount(rootfd, path, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, err);
}

static int write_sysctls(const struct xspec *s, struct werr *err)
{
	for (size_t i = 0; i < s->nsysctl; i++) {
		char path[PATH_MAX];
		int fd;

		snprintf(path, sizeof(path), "/proc/sys/%s", s->sysctl[i].key);
		fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 || write_all(fd, s->sysctl[i].value, strlen(s->sysctl[i].value)) < 0) {
			int e = errno;
			if (fd >= 0)
				close(fd);
			return werr_set(err, e, "sysctl '%s'", s->sysctl[i].key);
		}
		close(fd);
	}
	return 0;
}

static int after_pivot(const struct xspec *s, struct werr *err)
{
	cleanup_close int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (rootfd < 0)
		return werr_set(err, errno, "open '/'");
	if (write_sysctls(s, err) < 0)
		return -1;
	for (char **m = s->masked; m != NULL && *m != NULL; m++)
		if (mask_path(rootfd, *m, err) < 0)
			return -1;
	for (char **r = s->readonly; r != NULL && *r != NULL; r++)
		if (readonly_path(rootfd, *r, err) < 0)
			return -1;
	if (s->root_ro && bind_remount(rootfd, "/", MS_RDONLY, err) < 0)
		return werr_wrap(err, "read-only rootfs");
	return 0;
}

int xmounts_setup(const struct xspec *s, struct werr *err)
{
	cleanup_close int rootfd = -1;
	bool has_dev = false;

	if (!(s->ns_flags & CLONE_NEWNS))
		return werr_set(err, EINVAL, "the spec has no mount namespace");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return werr_set(err, errno, "make '/' private");
	if (s->tree_fds != NULL && s->tree_fds[s->nmounts] >= 0) {
		/* from the parent (executor_userns.c): put on our "/", which
		 * any namespace reaches, and then used by fd only */
		rootfd = s->tree_fds[s->nmounts];
		if (sys_move_mount(rootfd, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return werr_set(err, errno, "mount the rootfs '%s'", s->root_path);
	} else {
		/* pivot_root needs the new root to be a mount point */
		if (mount(s->root_path, s->root_path, NULL, MS_BIND | MS_REC, NULL) < 0)
			return werr_set(err, errno, "bind rootfs '%s'", s->root_path);
		rootfd = open(s->root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0)
			return werr_set(err, errno, "open rootfs '%s'", s->root_path);
	}
	for (size_t i = 0; i < s->nmounts; i++) {
		if (do_mount(rootfd, &s->mounts[i], s->tree_fds ? s->tree_fds[i] : -1, err) < 0)
			return -1;
		if (strcmp(s->mounts[i].dest, "/dev") == 0)
			has_dev = true;
	}
	if (has_dev && setup_dev(rootfd, err) < 0)
		return -1;
	/* Podman creates a missing workdir; errors surface at chdir */
	{
		int cwd = xopen_in_root(rootfd, s->cwd, true, true);
		if (cwd >= 0)
			close(cwd);
	}
	if (do_pivot(rootfd, err) < 0)
		return -1;
	return after_pivot(s, err);
}
