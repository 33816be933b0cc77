/* pause.c - the pause process that holds a user's user + mount namespaces.
 *
 * State lives in e->userrun: "pause.pid" holds one line
 *     PID STARTTIME BOOTID MAPHASH STAMP USERNS BOOTSEC SINGLE
 * STAMP is inode.size.mtime of /etc/subuid and /etc/subgid, USERNS the inode
 * of the pause process's user namespace, BOOTSEC the boot time in wall-clock
 * seconds, SINGLE 1 in single-uid mode. "pause.lock" serialises creation.
 *
 * The fast path runs in every command, so it avoids /proc: reading
 * /proc/PID/stat and the boot id costs ~90 us, a pidfd ~20 us. It checks the
 * boot time (two vDSO clock reads; a mismatch falls back to the exact boot
 * id and start-time check), then opens a pidfd, confirms with
 * PIDFD_GET_USER_NAMESPACE that the process still owns the recorded user
 * namespace (so a recycled pid is never joined) and setns()es into both
 * namespaces in one call. Kernels before 6.11 use /proc/PID/ns/ + start time.
 * libsubid is asked again only when STAMP differs: its first call costs
 * ~0.25 ms per process (nsswitch setup), more than the whole join. Sites
 * that serve subids from LDAP/SSSD run `warren system migrate` after
 * changing them. */
#include "lib/cleanup.h"
#include "lib/digest.h"
#include "lib/log.h"
#include "lib/syscalls.h"
#include "lib/util.h"
#include "rootless/rootless.h"
#include "userns/idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/file.h>
#include <sys/vfs.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#define PAUSE_PID   "pause.pid"
#define PAUSE_TMPFS "ns"
#define PAUSE_LOCK  "pause.lock"
#define MAP_MAX	    340 /* the kernel's limit on uid_map lines */
#define HASH_LEN    16

extern char **environ;

struct pause_rec {
	pid_t pid;
	unsigned long long start;
	char boot[64];
	char hash[HASH_LEN + 1];
	char stamp[128];
	unsigned long long userns;
	long long boot_sec;
	int single;
};

struct maps {
	struct idmap uid[MAP_MAX], gid[MAP_MAX];
	int nuid, ngid;
	bool single;
	bool nested; /* single only because newuidmap cannot work nested */
	char hash[HASH_LEN + 1];
};

/* ---- the pid file ---- */

static int read_rec(const struct engine *e, struct pause_rec *r)
{
	char path[PATH_MAX], buf[512];
	cleanup_close int fd = -1;
	ssize_t n;
	int pid;

	snprintf(path, sizeof(path), "%s/" PAUSE_PID, e->userrun);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	n = read_all(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf, "%d %llu %63s %16s %127s %llu %lld %d", &pid, &r->start, r->boot, r->hash,
		   r->stamp, &r->userns, &r->boot_sec, &r->single) != 8 ||
	    pid <= 1)
		return -1;
	r->pid = pid;
	return 0;
}

/* A killed pause process stays a zombie until its reaper waits: it no
 * longer holds its namespaces. */
static bool proc_zombie(pid_t pid)
{
	char path[64], buf[256], *p;
	cleanup_close int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read_all(fd, buf, sizeof(buf) - 1)) <= 0)
		return true;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p == NULL || p[1] == '\0' || p[2] == 'Z' || p[2] == 'X';
}

/* The recorded process still runs: same boot, same start time (pid reuse). */
static bool rec_alive(const struct pause_rec *r)
{
	return strcmp(r->boot, boot_id()) == 0 && !proc_zombie(r->pid) &&
	       proc_start_time(r->pid) == r->start;
}

/* Boot time in wall-clock seconds: constant across suspend, moved only by
 * clock steps (which fall back to the exact check). */
static long long boot_sec(void)
{
	struct timespec real, boot;

	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	return (long long)real.tv_sec - (long long)boot.tv_sec;
}

/* Cheap liveness hint for the fast path; the user-namespace inode check in
 * join_ns() confirms the identity of the process. A boot time moved by a
 * clock step falls back to the exact check and sets *refresh so the record
 * is updated. */
static bool rec_plausible(struct pause_rec *r, bool *refresh)
{
	long long now = boot_sec(), d = now - r->boot_sec;

	if (d >= -2 && d <= 2)
		return true;
	if (!rec_alive(r))
		return false;
	r->boot_sec = now;
	*refresh = true;
	return true;
}

/* Cheap fingerprint of the subordinate id files. */
static void subid_stamp(char *out, size_t len)
{
	static const char *const files[] = {"/etc/subuid", "/etc/subgid"};
	size_t off = 0;

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		struct stat st;
		if (stat(files[i], &st) < 0)
			memset(&st, 0, sizeof(st));
		off += snprintf(out + off, len - off, "%s%llx.%llx.%llx", i ? ":" : "",
				(unsigned long long)st.st_ino, (unsigned long long)st.st_size,
				(unsigned long long)st.st_mtim.tv_sec * 1000000000ULL +
				    (unsigned long long)st.st_mtim.tv_nsec);
		if (off >= len)
			break;
	}
}

static int write_rec(const struct engine *e, const struct pause_rec *r, bool replace,
		     struct werr *err)
{
	cleanup_free char *tmp = xasprintf("%s/." PAUSE_PID ".XXXXXX", e->userrun);
	cleanup_free char *dst = xasprintf("%s/" PAUSE_PID, e->userrun);
	char line[512];
	int len, fd, rc;

	len = snprintf(line, sizeof(line), "%d %llu %s %s %s %llu %lld %d\n", (int)r->pid, r->start,
		       r->boot, r->hash, r->stamp, r->userns, r->boot_sec, r->single);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return werr_set(err, errno, "create '%s'", tmp);
	rc = write_all(fd, line, (size_t)len);
	close(fd);
	if (rc < 0) {
		unlink(tmp);
		return werr_set(err, errno, "write '%s'", tmp);
	}
	if (replace)
		rc = rename(tmp, dst);
	else if ((rc = renameat2(AT_FDCWD, tmp, AT_FDCWD, dst, RENAME_NOREPLACE)) < 0 &&
		 (errno == EINVAL || errno == ENOSYS)) {
		/* filesystem without RENAME_NOREPLACE: link() never replaces either */
		rc = link(tmp, dst);
		unlink(tmp);
	}
	if (rc < 0) {
		int saved = errno;
		unlink(tmp);
		return werr_set(err, saved, "write pause pid file '%s'", dst);
	}
	return 0;
}

/* ---- the id maps ---- */

static void map_text(char *buf, size_t len, size_t *off, const struct idmap *m, int n)
{
	for (int i = 0; i < n && *off < len; i++)
		*off += snprintf(buf + *off, len - *off, "%u %u %u\n", m[i].inner, m[i].outer,
				 m[i].count);
}

static int check_idmap_tools(struct werr *err);
static bool nested_userns(void);

/* Builds the uid and gid maps from libsubid; single-uid mode when either
 * kind of subordinate id is missing, or when warren already runs inside a
 * user namespace (nested) where newuidmap cannot gain privileges. */
static int compute_maps(const struct engine *e, struct maps *m, struct werr *err)
{
	cleanup_free struct idrange *ur = NULL, *gr = NULL;
	size_t nu = 0, ng = 0, off = 0;
	char text[8192], digest[DIGEST_STR_LEN];

	if (subid_ranges(e->user, false, &ur, &nu, err) < 0 ||
	    subid_ranges(e->user, true, &gr, &ng, err) < 0)
		return -1;
	m->single = nu == 0 || ng == 0;
	if (!m->single && nested_userns() && check_idmap_tools(NULL) < 0) {
		m->single = m->nested = true;
	}
	if (m->single)
		nu = ng = 0;
	m->nuid = idmap_build(e->uid, ur, nu, m->uid, MAP_MAX, err);
	if (m->nuid < 0)
		return werr_wrap(err, "/etc/subuid entries of '%s'", e->user);
	m->ngid = idmap_build(e->gid, gr, ng, m->gid, MAP_MAX, err);
	if (m->ngid < 0)
		return werr_wrap(err, "/etc/subgid entries of '%s'", e->user);
	off = (size_t)snprintf(text, sizeof(text), "uid\n");
	map_text(text, sizeof(text), &off, m->uid, m->nuid);
	if (off < sizeof(text))
		off += snprintf(text + off, sizeof(text) - off, "gid\n");
	map_text(text, sizeof(text), &off, m->gid, m->ngid);
	sha256_buf(text, strnlen(text, sizeof(text)), digest);
	memcpy(m->hash, digest_hex(digest), HASH_LEN);
	m->hash[HASH_LEN] = '\0';
	return 0;
}

/* ---- diagnosing an environment without user namespaces ---- */

static const struct {
	const char *path;
	char bad;
	const char *msg;
} userns_knobs[] = {
    {"/proc/sys/user/max_user_namespaces", '0',
     "user namespaces are disabled: ask an admin to run 'sysctl -w "
     "user.max_user_namespaces=15000'"},
    {"/proc/sys/kernel/unprivileged_userns_clone", '0',
     "unprivileged user namespaces are disabled: ask an admin to run 'sysctl -w "
     "kernel.unprivileged_userns_clone=1'"},
    {"/proc/sys/kernel/apparmor_restrict_unprivileged_userns", '1',
     "AppArmor restricts unprivileged user namespaces: ask an admin to run 'sysctl -w "
     "kernel.apparmor_restrict_unprivileged_userns=0' or to add an AppArmor profile for "
     "warren"},
};

/* Replaces err with the sysctl that explains a user-namespace failure, if
 * one does. Returns -1. */
static int diagnose_userns(struct werr *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(userns_knobs); i++) {
		char c[2] = "";
		cleanup_close int fd = open(userns_knobs[i].path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || read_all(fd, c, 2) < 1)
			continue;
		/* "0\n" but not "0" of "015000" */
		if (c[0] == userns_knobs[i].bad && (c[1] == '\n' || c[1] == '\0')) {
			int errnum = err->errnum;
			werr_set(err, 0, "%s", userns_knobs[i].msg);
			err->errnum = errnum;
			break;
		}
	}
	return -1;
}

/* True inside a user namespace other than the initial one (whose uid_map is
 * the identity over all 2^32-1 ids). */
static bool nested_userns(void)
{
	char buf[256];
	struct idmap m[2];
	cleanup_close int fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read_all(fd, buf, sizeof(buf) - 1);

	if (n < 0)
		return false;
	buf[n] = '\0';
	return !(idmap_parse(buf, m, ARRAY_SIZE(m)) == 1 && m[0].inner == 0 && m[0].outer == 0 &&
		 m[0].count == UINT32_MAX);
}

static const char *const idmap_tools[] = {"/usr/bin/newuidmap", "/usr/bin/newgidmap"};

/* newuidmap/newgidmap must exist and be setuid root or carry file caps. */
static int check_idmap_tools(struct werr *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(idmap_tools); i++) {
		struct stat st;
		if (stat(idmap_tools[i], &st) < 0)
			return werr_set(
			    err, 0, "'%s' not found: ask an admin to install the uidmap package",
			    idmap_tools[i]);
		if (!((st.st_mode & S_ISUID) && st.st_uid == 0) &&
		    getxattr(idmap_tools[i], "security.capability", NULL, 0) < 0)
			return werr_set(err, 0,
					"%s is not setuid root: ask an admin to run 'chmod u+s "
					"/usr/bin/newuidmap /usr/bin/newgidmap'",
					strrchr(idmap_tools[i], '/') + 1);
	}
	return 0;
}

/* ---- writing the maps of the new namespace ---- */

/* Runs newuidmap/newgidmap PID map..., its stderr captured into err. */
static int run_idmap_tool(const char *tool, pid_t pid, const struct idmap *m, int n,
			  const char *file, const char *user, struct werr *err)
{
	char args[MAP_MAX * 3 + 2][12], out[1024];
	char *argv[MAP_MAX * 3 + 3];
	posix_spawn_file_actions_t fa;
	int pipefd[2], status = 0, k = 0, rc;
	pid_t child;
	ssize_t len;

	argv[k++] = (char *)tool;
	snprintf(args[0], sizeof(args[0]), "%d", (int)pid);
	argv[k++] = args[0];
	for (int i = 0; i < n; i++) {
		uint32_t v[3] = {m[i].inner, m[i].outer, m[i].count};
		for (int j = 0; j < 3; j++) {
			snprintf(args[k - 1], sizeof(args[0]), "%u", v[j]);
			argv[k] = args[k - 1];
			k++;
		}
	}
	argv[k] = NULL;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return werr_set(err, errno, "pipe");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	rc = posix_spawn(&child, tool, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (rc != 0) {
		close(pipefd[0]);
		return werr_set(err, rc, "run '%s'", tool);
	}
	len = read_all(pipefd[0], out, sizeof(out) - 1);
	close(pipefd[0]);
	out[len > 0 ? len : 0] = '\0';
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	for (char *p = out; *p; p++)
		if (*p == '\n')
			*p = (p[1] ? ' ' : '\0');
	return werr_set(err, 0, "%s failed (%s): check the ranges of '%s' in %s", tool,
			out[0] ? out : "no message", user, file);
}

static int write_proc(pid_t pid, const char *name, const char *text, struct werr *err)
{
	char path[64];
	cleanup_close int fd = -1;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write_all(fd, text, strlen(text)) < 0)
		return werr_set(err, errno, "write '%s' to '%s'", text, path);
	return 0;
}

static int write_maps(const struct engine *e, pid_t pid, const struct maps *m, struct werr *err)
{
	char line[64];

	if (!m->single) {
		if (run_idmap_tool(idmap_tools[0], pid, m->uid, m->nuid, "/etc/subuid", e->user,
				   err) < 0 ||
		    run_idmap_tool(idmap_tools[1], pid, m->gid, m->ngid, "/etc/subgid", e->user,
				   err) < 0)
			return -1;
		return 0;
	}
	/* An unprivileged process may map its own ids, gids only once
	 * setgroups(2) is denied in the namespace (CVE-2014-8989). */
	snprintf(line, sizeof(line), "0 %u 1\n", (unsigned)e->uid);
	if (write_proc(pid, "uid_map", line, err) < 0 ||
	    write_proc(pid, "setgroups", "deny", err) < 0)
		return -1;
	snprintf(line, sizeof(line), "0 %u 1\n", (unsigned)e->gid);
	return write_proc(pid, "gid_map", line, err);
}

/* ---- the pause process ---- */

/* Child-to-parent messages: a positive pid, 0 for ready, -1 then a werr. */
static _Noreturn void child_fail(int fd, int errnum, const char *what)
{
	struct werr err;
	int32_t tag = -1;

	werr_set(&err, errnum, "%s", what);
	if (write_all(fd, &tag, sizeof(tag)) == 0)
		werr_send(fd, &err);
	_exit(1);
}

/* Every fd but keep: the pause process lives on and must hold nothing of
 * the command that created it (lib/syscalls walks /proc/self/fd where
 * close_range is missing). */
static int close_all_but(int keep)
{
	if (keep > 0 && sys_close_range(0, (unsigned)keep - 1, 0) < 0)
		return -1;
	return sys_close_range((unsigned)keep + 1, ~0U, 0);
}

/* Runs in the grandchild: becomes the pause process. Never returns.
 * tmpfs: where to mount the namespace's private tmpfs (see pause_tmpfs). */
static _Noreturn void pause_main(int fd, const char *tmpfs)
{
	int32_t tag;
	sigset_t all;
	char c;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		child_fail(fd, errno, "create a user namespace");
	tag = getpid();
	if (write_all(fd, &tag, sizeof(tag)) < 0 || read_all(fd, &c, 1) != 1 || c != 'M')
		_exit(1);
	/* mounts made by commands stay in this namespace; host mounts still
	 * propagate in, ours never out */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		child_fail(fd, errno, "make '/' a slave mount in the new namespace");
	/* best effort: without it, commands use the disk */
	if (mkdir(tmpfs, 0700) == 0 || errno == EEXIST)
		mount("tmpfs", tmpfs, "tmpfs", MS_NOSUID | MS_NODEV,
		      "mode=0700,size=64m,nr_inodes=65536");
	if (chdir("/") < 0)
		child_fail(fd, errno, "chdir '/'");
	prctl(PR_SET_NAME, "warren-pause", 0, 0, 0);
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	if (close_all_but(fd) < 0)
		child_fail(fd, errno, "close inherited file descriptors");
	tag = 0;
	if (write_all(fd, &tag, sizeof(tag)) < 0)
		_exit(1);
	close(fd);
	for (;;)
		pause();
}

/* Reads one message from the pause child: its pid / ready, or its error. */
static int recv_tag(int fd, int32_t *tag, struct werr *err)
{
	ssize_t n = read_all(fd, tag, sizeof(*tag));

	if (n != (ssize_t)sizeof(*tag))
		return werr_set(err, n < 0 ? errno : 0, "pause process died while starting");
	if (*tag < 0) {
		if (werr_recv(fd, err) != 1)
			werr_set(err, 0, "pause process failed without a message");
		return -1;
	}
	return 0;
}

/* Double-forks the pause process (so init, not this command, reaps it),
 * maps its ids and waits until it is ready. *out gets its pid. */
static int spawn_pause(const struct engine *e, const struct maps *m, pid_t *out, struct werr *err)
{
	cleanup_free char *tmpfs = xasprintf("%s/" PAUSE_TMPFS, e->userrun);
	cleanup_close int fd = -1;
	int sp[2], status;
	int32_t tag;
	pid_t mid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		return werr_set(err, errno, "socketpair");
	mid = fork();
	if (mid < 0) {
		close(sp[0]);
		close(sp[1]);
		return werr_set(err, errno, "fork");
	}
	if (mid == 0) {
		close(sp[0]);
		setsid(); /* no controlling terminal: a closed ssh session must not kill it */
		pid_t p = fork();
		if (p < 0)
			child_fail(sp[1], errno, "fork");
		if (p > 0)
			_exit(0);
		pause_main(sp[1], tmpfs);
	}
	close(sp[1]);
	fd = sp[0];
	while (waitpid(mid, &status, 0) < 0 && errno == EINTR)
		;
	if (recv_tag(fd, &tag, err) < 0)
		return diagnose_userns(err);
	if (write_maps(e, tag, m, err) < 0 || write_all(fd, "M", 1) < 0) {
		kill(tag, SIGKILL);
		return diagnose_userns(err);
	}
	int32_t ready;
	if (recv_tag(fd, &ready, err) < 0) {
		kill(tag, SIGKILL);
		return diagnose_userns(err);
	}
	*out = tag;
	return 0;
}

/* ---- joining ---- */

#ifndef PIDFD_GET_USER_NAMESPACE
#define PIDFD_GET_USER_NAMESPACE _IO(0xFF, 9) /* linux/pidfd.h, Linux 6.11 */
#endif

static bool same_ns(int fd, const char *self)
{
	struct stat a, b;
	return fstat(fd, &a) == 0 && stat(self, &b) == 0 && a.st_ino == b.st_ino &&
	       a.st_dev == b.st_dev;
}

/* True when the namespace fd is the recorded user namespace. */
static bool is_userns(int fd, const struct pause_rec *r)
{
	struct stat st;
	return fstat(fd, &st) == 0 && (unsigned long long)st.st_ino == r->userns;
}

/* After setns(): be uid/gid 0 there and go back to the caller's cwd, which
 * setns(CLONE_NEWNS) reset to '/' (relative paths must keep working). */
static int become_root(struct engine *e, const struct pause_rec *r, const char *cwd,
		       struct werr *err)
{
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return werr_set(err, errno, "become root in the user namespace");
	if (geteuid() != 0 || getegid() != 0)
		return werr_set(err, 0, "still uid %u in the user namespace of pause process %d",
				(unsigned)geteuid(), (int)r->pid);
	if (cwd[0] && chdir(cwd) < 0)
		log_debug("cannot return to '%s' in the user namespace: %s", cwd, strerror(errno));
	e->single_uid = r->single != 0;
	e->in_userns = true;
	return 0;
}

/* Join through a pidfd (Linux 6.11+). -3: not supported here, -2: not the
 * recorded process (gone or recycled), -1: error, 0: joined. */
static int join_pidfd(struct engine *e, const struct pause_rec *r, char *cwd, struct werr *err)
{
	cleanup_close int pidfd = -1, ufd = -1;

	pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0);
	if (pidfd < 0)
		return errno == ESRCH ? -2 : -3;
	ufd = ioctl(pidfd, PIDFD_GET_USER_NAMESPACE, 0);
	if (ufd < 0)
		return errno == ESRCH ? -2 : -3;
	if (!is_userns(ufd, r))
		return -2;
	if (getcwd(cwd, PATH_MAX) == NULL)
		cwd[0] = '\0';
	/* one call, user namespace first; EINVAL (e.g. already inside it):
	 * the /proc way copes */
	if (setns(pidfd, CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return errno == ESRCH ? -2 : -3;
	return become_root(e, r, cwd, err);
}

/* Join through /proc/PID/ns/. Same returns as join_pidfd (never -3). */
static int join_proc(struct engine *e, const struct pause_rec *r, char *cwd, struct werr *err)
{
	char upath[64], mpath[64];
	cleanup_close int ufd = -1, mfd = -1;

	snprintf(upath, sizeof(upath), "/proc/%d/ns/user", (int)r->pid);
	snprintf(mpath, sizeof(mpath), "/proc/%d/ns/mnt", (int)r->pid);
	ufd = open(upath, O_RDONLY | O_CLOEXEC);
	mfd = open(mpath, O_RDONLY | O_CLOEXEC);
	/* checked after opening: the fds must belong to the recorded process */
	if (ufd < 0 || mfd < 0 || !is_userns(ufd, r) || proc_start_time(r->pid) != r->start)
		return -2;
	if (getcwd(cwd, PATH_MAX) == NULL)
		cwd[0] = '\0';
	if (setns(ufd, CLONE_NEWUSER) < 0 &&
	    !(errno == EINVAL && same_ns(ufd, "/proc/self/ns/user")))
		return werr_set(err, errno,
				"join the user namespace of pause process %d (is the process "
				"multi-threaded?)",
				(int)r->pid);
	if (setns(mfd, CLONE_NEWNS) < 0)
		return werr_set(err, errno, "join the mount namespace of pause process %d",
				(int)r->pid);
	return become_root(e, r, cwd, err);
}

/* setns() into the user then the mount namespace of the pause process.
 * Returns -2 when it is not the recorded process (the caller rebuilds), -1
 * on a real failure. */
static int join_ns(struct engine *e, const struct pause_rec *r, struct werr *err)
{
	static bool no_pidfd;
	char cwd[PATH_MAX];
	int rc = -3;

	if (!no_pidfd)
		rc = join_pidfd(e, r, cwd, err);
	if (rc == -3) {
		no_pidfd = true;
		rc = join_proc(e, r, cwd, err);
	}
	return rc;
}

static int ns_inode(pid_t pid, unsigned long long *ino, struct werr *err)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	if (stat(path, &st) < 0)
		return werr_set(err, errno, "stat '%s'", path);
	*ino = (unsigned long long)st.st_ino;
	return 0;
}

/* The pause process runs but the subordinate ids changed since it started. */
static int map_changed(const struct engine *e, struct werr *err)
{
	return werr_set(err, 0,
			"the subordinate ids of '%s' changed since the user namespace was created: "
			"run 'warren system migrate'",
			e->user);
}

static int lock_open(const struct engine *e, struct werr *err)
{
	cleanup_free char *path = xasprintf("%s/" PAUSE_LOCK, e->userrun);
	cleanup_close int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return werr_set(err, errno, "open '%s'", path);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR)
			return werr_set(err, errno, "lock '%s'", path);
	}
	return steal_fd(&fd);
}

/* Best effort, so the next command takes the cheap path again: rewrites the
 * record under the lock if it still names the same process (a command may
 * have replaced it meanwhile). Skipped when the lock is busy. */
static void refresh_rec(const struct engine *e, const struct pause_rec *r)
{
	cleanup_free char *path = xasprintf("%s/" PAUSE_LOCK, e->userrun);
	cleanup_close int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	struct pause_rec cur;

	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
		return;
	if (read_rec(e, &cur) == 0 && cur.pid == r->pid && cur.start == r->start)
		write_rec(e, r, true, NULL);
}

/* Creates the pause process under the lock (or joins the one another
 * command created meanwhile). */
static int pause_create(struct engine *e, struct werr *err)
{
	cleanup_close int lock = lock_open(e, err);
	cleanup_free char *pidpath = xasprintf("%s/" PAUSE_PID, e->userrun);
	struct maps *m;
	struct pause_rec r;
	int rc;

	if (lock < 0)
		return -1;
	m = xmalloc(sizeof(*m));
	if (compute_maps(e, m, err) < 0)
		goto fail;
	if (read_rec(e, &r) == 0 && rec_alive(&r)) {
		if (strcmp(r.hash, m->hash) != 0) {
			map_changed(e, err);
			goto fail;
		}
		rc = join_ns(e, &r, err);
		if (rc != -2) {
			free(m);
			return rc;
		}
		/* recorded and running but not joinable (it died just now, or was
		 * made from a sibling user namespace): replace it, never leak it */
		kill(r.pid, SIGKILL);
	}
	if (unlink(pidpath) < 0 && errno != ENOENT) {
		werr_set(err, errno, "remove stale '%s'", pidpath);
		goto fail;
	}
	if (!m->single && check_idmap_tools(err) < 0)
		goto fail;
	if (spawn_pause(e, m, &r.pid, err) < 0)
		goto fail;
	r.start = proc_start_time(r.pid);
	snprintf(r.boot, sizeof(r.boot), "%s", boot_id());
	memcpy(r.hash, m->hash, sizeof(r.hash));
	subid_stamp(r.stamp, sizeof(r.stamp));
	r.boot_sec = boot_sec();
	r.single = m->single;
	if (ns_inode(r.pid, &r.userns, err) < 0 || write_rec(e, &r, false, err) < 0) {
		kill(r.pid, SIGKILL);
		goto fail;
	}
	if (m->nested)
		log_warn(
		    "warren runs inside another user namespace where newuidmap cannot work: "
		    "running with a single uid (files owned by other ids are squashed to root)");
	else if (m->single)
		log_warn(
		    "no subordinate ids for %s in /etc/subuid: running with a single uid (files "
		    "owned by other ids are squashed to root); ask an admin to run 'usermod "
		    "--add-subuids 100000-165535 --add-subgids 100000-165535 %s'",
		    e->user, e->user);
	free(m);
	rc = join_ns(e, &r, err);
	return rc == -2 ? werr_set(err, ESRCH, "pause process %d died", (int)r.pid) : rc;
fail:
	free(m);
	return -1;
}

/* The subordinate-id files changed since the record was written: 0 when
 * the map is still the same, -1 (error set) when it is not. */
static int check_map(const struct engine *e, const struct pause_rec *r, struct werr *err)
{
	struct maps *m = xmalloc(sizeof(*m));
	int rc = compute_maps(e, m, err);

	if (rc == 0 && strcmp(m->hash, r->hash) != 0)
		rc = map_changed(e, err);
	free(m);
	return rc;
}

int pause_join(struct engine *e, struct werr *err)
{
	struct pause_rec r;
	char stamp[128];
	bool refresh = false;
	int rc;

	if (!e->rootless)
		return 0;
	if (read_rec(e, &r) == 0 && rec_plausible(&r, &refresh)) {
		subid_stamp(stamp, sizeof(stamp));
		if (strcmp(stamp, r.stamp) != 0) {
			if (check_map(e, &r, err) < 0)
				return -1;
			snprintf(r.stamp, sizeof(r.stamp), "%s", stamp);
			refresh = true;
		}
		if (refresh)
			refresh_rec(e, &r);
		rc = join_ns(e, &r, err);
		if (rc != -2)
			return rc;
	}
	if (pause_create(e, err) < 0)
		return werr_wrap(err, "rootless setup");
	return 0;
}

char *pause_tmpfs(struct engine *e)
{
	struct statfs sf;
	char *p;

	if (!e->in_userns)
		return NULL;
	p = xasprintf("%s/" PAUSE_TMPFS, e->userrun);
	/* we joined the mount namespace: the tmpfs is there unless the pause
	 * process predates it (then the dir, if any, is on the host's disk) */
	if (statfs(p, &sf) < 0 || sf.f_type != TMPFS_MAGIC) {
		free(p);
		return NULL;
	}
	return p;
}

pid_t pause_pid(struct engine *e)
{
	struct pause_rec r;

	if (!e->rootless || read_rec(e, &r) < 0 || !rec_alive(&r))
		return 0;
	return r.pid;
}

int pause_stop(struct engine *e, struct werr *err)
{
	cleanup_close int lock = -1;
	cleanup_free char *pidpath = NULL;
	struct pause_rec r;

	if (!e->rootless)
		return 0;
	lock = lock_open(e, err);
	if (lock < 0)
		return -1;
	if (read_rec(e, &r) == 0 && rec_alive(&r) && kill(r.pid, SIGKILL) < 0 && errno != ESRCH)
		return werr_set(err, errno, "stop pause process %d", (int)r.pid);
	pidpath = xasprintf("%s/" PAUSE_PID, e->userrun);
	if (unlink(pidpath) < 0 && errno != ENOENT)
		return werr_set(err, errno, "remove '%s'", pidpath);
	return 0;
}
