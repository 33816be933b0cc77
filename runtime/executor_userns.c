/* executor_userns.c - a container with a user namespace of its own
 * (--userns=keep-id, --uidmap, auto, ns:PATH; issue 8).
 *
 * The namespace is nested in the one we run in (the pause process's,
 * rootless), so the ids of its maps are ids of ours: we are root here and
 * hold CAP_SETUID/CAP_SETGID over the child's namespace, so the parent
 * writes /proc/PID/uid_map and gid_map itself, no newuidmap needed.
 *
 * The image layers hold ids of our namespace (extracted there). Seen from
 * the new namespace they would be shifted (the image's root would show as
 * the user with keep-id), so the rootfs gets an idmapped mount
 * (mount_setattr MOUNT_ATTR_IDMAP, Linux 5.12; on overlayfs 5.19) with the
 * container's namespace: an id N of ours shows as N inside again and a
 * file the container creates as N is stored as N. Nothing is copied or
 * chowned. The idmapped mount must be made by us: it needs CAP_SYS_ADMIN
 * over the filesystem's namespace, which the child lacks. The kernel
 * refuses idmapped mounts of a filesystem mounted in a user namespace
 * (EINVAL), so rootless the storage maps the ids instead (fuse-overlayfs
 * uidmapping=, see ctr_userns_storage) and the spec says so
 * (RUNTIME_ANNOT_ROOTFS_IDMAP); as root the overlay is the host's and
 * takes the idmap (overlayfs: Linux 5.19).
 *
 * The child may not even walk to the rootfs or a bind source by path (a
 * dir of the user's, whose owner its namespace need not map: --uidmap
 * 0:1:500), so we send detached mounts (open_tree OPEN_TREE_CLONE) of the
 * rootfs and of every bind source over the error socket (SCM_RIGHTS); the
 * child attaches them by fd (move_mount), the rootfs on its own "/".
 * Bind mounts (-v) are not idmapped: a developer's files, owned by our 0
 * (the user), show as the user's uid inside with keep-id, which is the
 * point of it.
 *
 * The child waits for the parent's message before anything else: until
 * the maps are written it is nobody in its namespace. */
#include "runtime/executor_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/syscalls.h"
#include "lib/util.h"

/* The parent's message: 'G' (go; an idmapped rootfs fd may ride along). */
#define MSG_GO 'G'

bool xuserns_wanted(const struct xspec *s)
{
	return (s->ns_flags & CLONE_NEWUSER) || s->userns_path != NULL;
}

static pid_t raw_clone(unsigned long flags)
{
	/* like fork (no stack: the child runs on a copy of ours) */
	return (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, 0);
}

/* ns:PATH: a helper joins the namespace (setns needs a single-threaded
 * process that shares no fs info: a fresh one is both), then clones the
 * container with the other namespaces, which the joined one then owns,
 * as our child (CLONE_PARENT), and tells us its pid over a pipe. */
static pid_t clone_joined(const struct xspec *s, struct werr *err)
{
	int p[2];
	pid_t helper, pid = -1;
	int status = 0;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) < 0)
		return werr_set(err, errno, "pipe");
	helper = raw_clone(SIGCHLD);
	if (helper == 0) {
		int fd = open(s->userns_path, O_RDONLY | O_CLOEXEC);
		close(p[0]);
		if (fd < 0 || setns(fd, CLONE_NEWUSER) < 0)
			_exit(errno ? errno : EINVAL);
		close(fd);
		pid = raw_clone(CLONE_PARENT | (unsigned long)s->ns_flags | SIGCHLD);
		if (pid == 0) {
			close(p[1]);
			return 0;
		}
		if (pid < 0)
			_exit(errno);
		_exit(write_all(p[1], &pid, sizeof(pid)) < 0 ? EIO : 0);
	}
	close(p[1]);
	if (helper < 0) {
		close(p[0]);
		return werr_set(err, errno, "clone the container process");
	}
	n = read_all(p[0], &pid, sizeof(pid));
	close(p[0]);
	while (waitpid(helper, &status, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(pid) || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return werr_set(err, WIFEXITED(status) ? WEXITSTATUS(status) : EIO,
				"join user namespace '%s'", s->userns_path);
	return pid;
}

pid_t xuserns_clone(const struct xspec *s, struct werr *err)
{
	pid_t pid;

	if (s->userns_path != NULL)
		return clone_joined(s, err);
	pid = raw_clone((unsigned long)s->ns_flags | SIGCHLD);
	if (pid < 0)
		werr_set(err, errno, "clone the container process");
	return pid;
}

static int write_map(pid_t pid, const char *name, const char *text, struct werr *err)
{
	char path[64];
	cleanup_close int fd = -1;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	/* one write: the kernel takes a map only whole */
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return werr_set(err, errno, "write %s of the container: %s", name,
				errno == EPERM ? "an id is not mapped in our namespace" : "failed");
	return 0;
}

/* The rootfs, detached and idmapped to the namespace nsfd; -1 with err
 * set when the kernel or the filesystem refuses. */
static int idmapped_rootfs(const struct xspec *s, int nsfd, struct werr *err)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)nsfd};
	cleanup_close int tree =
	    sys_open_tree(AT_FDCWD, s->root_path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	if (tree < 0)
		return werr_set(err, errno, "open_tree '%s'", s->root_path);
	if (sys_mount_setattr(tree, "", AT_EMPTY_PATH, &attr) < 0)
		return werr_set(err, errno,
				"idmapped mount of the rootfs '%s' (the user namespace needs "
				"Linux 5.12, on overlayfs 5.19, and a filesystem that supports "
				"it)",
				s->root_path);
	return steal_fd(&tree);
}

/* Sends 'G' with fds (n of them) as SCM_RIGHTS. */
static int send_go(int sock, const int *fds, size_t n)
{
	char byte = MSG_GO;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	size_t space = CMSG_SPACE(n * sizeof(int));
	cleanup_free char *buf = xcalloc(1, space);
	struct msghdr msg = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = buf, .msg_controllen = space};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	while (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

static const char no_mount_api[] = "a user namespace of the container's own needs open_tree and "
				   "move_mount (Linux 5.2): run without --userns/--uidmap here";

/* Detached copies of the bind sources (the child may not be able to walk
 * to them: a dir of the user's that its namespace does not map), in mount
 * order, into fds; returns how many or -1. */
static int bind_trees(const struct xspec *s, int *fds, size_t max, struct werr *err)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nmounts; i++) {
		const struct xmount *m = &s->mounts[i];
		unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
		if (!m->bind)
			continue;
		if (n + 1 >= max)
			return werr_set(err, E2BIG,
					"too many bind mounts for a user namespace "
					"of its own (at most %zu)",
					max - 1);
		if (m->flags & MS_REC)
			flags |= AT_RECURSIVE;
		fds[n] = sys_open_tree(AT_FDCWD, m->source, flags);
		if (fds[n] < 0 && errno == ENOSYS)
			return werr_set(err, 0, "%s", no_mount_api);
		if (fds[n] < 0)
			return werr_set(err, errno, "open bind source '%s'", m->source);
		n++;
	}
	return (int)n;
}

/* The most fds one message carries (SCM_MAX_FD) */
#define TREES_MAX 253

int xuserns_parent(const struct xspec *s, pid_t pid, int sock, struct werr *err)
{
	char path[64] = "";
	cleanup_close int nsfd = -1;
	int fds[TREES_MAX], n = 0, rc = -1;

	if (s->ns_flags & CLONE_NEWUSER) {
		if (write_map(pid, "uid_map", s->uid_map, err) < 0 ||
		    write_map(pid, "gid_map", s->gid_map, err) < 0)
			return -1;
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	}
	nsfd = open(s->userns_path ? s->userns_path : path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return werr_set(err, errno, "open the user namespace of the container");
	n = bind_trees(s, fds, TREES_MAX, err);
	if (n < 0)
		return -1;
	fds[n] = s->rootfs_mapped
		     ? sys_open_tree(AT_FDCWD, s->root_path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)
		     : idmapped_rootfs(s, nsfd, err);
	if (fds[n] < 0 && s->rootfs_mapped)
		werr_set(err, errno == ENOSYS ? 0 : errno, "%s",
			 errno == ENOSYS ? no_mount_api : "open_tree of the rootfs");
	else if (fds[n] >= 0 && send_go(sock, fds, (size_t)n + 1) < 0)
		werr_set(err, errno, "start the container process");
	else if (fds[n] >= 0)
		rc = 0;
	if (fds[n] >= 0)
		n++;
	for (int i = 0; i < n; i++)
		close(fds[i]);
	return rc;
}

/* Blocks for the parent's message and files its fds in s->tree_fds (bind
 * sources in mount order, the rootfs last). -1 with errno ECANCELED when
 * the parent gave up, EPROTO when the fds do not match the spec. */
static int recv_go(const struct xspec *s, int sock)
{
	char byte = 0;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(TREES_MAX * sizeof(int))];
	} u;
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *c;
	int fds[TREES_MAX];
	size_t n = 0, k = 0;
	ssize_t r;

	do
		r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	if (r != 1 || byte != MSG_GO)
		return errno = ECANCELED, -1;
	c = CMSG_FIRSTHDR(&msg);
	if (c != NULL && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		memcpy(fds, CMSG_DATA(c), n * sizeof(int));
	}
	for (size_t i = 0; i < s->nmounts && k < n; i++)
		if (s->mounts[i].bind)
			s->tree_fds[i] = fds[k++];
	if (k + 1 != n || (msg.msg_flags & MSG_CTRUNC))
		return errno = EPROTO, -1;
	s->tree_fds[s->nmounts] = fds[k];
	return 0;
}

int xuserns_child(const struct xspec *s, int sock, struct werr *err)
{
	if (recv_go(s, sock) < 0) {
		if (errno == ECANCELED)
			_exit(1); /* the parent has its own error */
		return werr_set(err, errno, "receive the mounts from the parent");
	}
	/* root of the new namespace where 0 is mapped (we came in as whoever
	 * our own uid maps to); the process user comes later */
	if (setresgid(0, 0, 0) < 0 && errno != EINVAL)
		return werr_set(err, errno, "setgid 0 in the user namespace");
	if (setresuid(0, 0, 0) < 0 && errno != EINVAL)
		return werr_set(err, errno, "setuid 0 in the user namespace");
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	return 0;
}
