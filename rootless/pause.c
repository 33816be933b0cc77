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
 * changing them.
 *
 * The pause process is warren-monitor in its pause mode (warren's own binary
 * when the monitor is missing: pause_exec) run as argv {"warren-pause"}
 * with an empty environment: `ps` shows no trace of the command that created
 * it (issue 5 item 6). It keeps one fd, a marker naming its runtime dir
 * (pausescan.h), so that a pause process whose pid file was lost is found
 * again: the next command that must create one adopts it instead, and
 * `system migrate` stops it (issue 5 item 11). */
#include "lib/cleanup.h"
#include "lib/digest.h"
#include "lib/log.h"
#include "lib/syscalls.h"
#include "lib/util.h"
#include "rootless/pausescan.h"
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

#define PAUSE_PID     "pause.pid"
#define PAUSE_TMPFS   "ns"
#define PAUSE_LOCK    "pause.lock"
#define MAP_MAX	      340 /* the kernel's limit on uid_map lines */
#define HASH_LEN      16
#define TMPFS_OPTS    "mode=0700,size=64m,nr_inodes=65536"
#define PAUSE_SOCK_FD 4 /* the pause program's socket to its creator */

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
	bool nested;	       /* single only because newuidmap cannot work nested */
	bool no_uids, no_gids; /* libsubid has no ranges of that kind */
	char hash[HASH_LEN + 1];
};

/* ---- the pid file ---- */

/* Reads the record in runtime dir dir. -1 with errno set (EINVAL: not a
 * record) when there is none. */
static int read_rec_at(const char *dir, struct pause_rec *r)
{
	char path[PATH_MAX], buf[512];
	cleanup_close int fd = -1;
	ssize_t n;
	int pid;

	snprintf(path, sizeof(path), "%s/" PAUSE_PID, dir);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	n = read_all(fd, buf, sizeof(buf) - 1);
	if (n <= 0) {
		errno = n < 0 ? errno : EINVAL;
		return -1;
	}
	buf[n] = '\0';
	if (sscanf(buf, "%d %llu %63s %16s %127s %llu %lld %d", &pid, &r->start, r->boot, r->hash,
		   r->stamp, &r->userns, &r->boot_sec, &r->single) != 8 ||
	    pid <= 1) {
		errno = EINVAL;
		return -1;
	}
	r->pid = pid;
	return 0;
}

static int read_rec(const struct engine *e, struct pause_rec *r)
{
	return read_rec_at(e->userrun, r);
}

/* A killed pause process stays a zombie until its reaper waits: it no
 * longer holds its namespaces. */
static bool proc_zombie(pid_t pid)
{
	uint64_t start;
	char state;

	return proc_stat(pid, &state, &start) < 0 || state == 'Z' || state == 'X';
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

/* The fingerprint of a uid and a gid map, as recorded in the pid file. */
static void maps_hash(const struct idmap *uid, int nuid, const struct idmap *gid, int ngid,
		      char hash[HASH_LEN + 1])
{
	char text[8192], digest[DIGEST_STR_LEN];
	size_t off = (size_t)snprintf(text, sizeof(text), "uid\n");

	map_text(text, sizeof(text), &off, uid, nuid);
	if (off < sizeof(text))
		off += snprintf(text + off, sizeof(text) - off, "gid\n");
	map_text(text, sizeof(text), &off, gid, ngid);
	sha256_buf(text, strnlen(text, sizeof(text)), digest);
	memcpy(hash, digest_hex(digest), HASH_LEN);
	hash[HASH_LEN] = '\0';
}

static bool nested_userns(void);

/* Builds the uid and gid maps from libsubid; single-uid mode when either
 * kind of subordinate id is missing, or when warren already runs inside a
 * user namespace (nested) where newuidmap cannot gain privileges. */
static int compute_maps(const struct engine *e, struct maps *m, struct werr *err)
{
	cleanup_free struct idrange *ur = NULL, *gr = NULL;
	size_t nu = 0, ng = 0;

	if (subid_ranges(e->user, false, &ur, &nu, err) < 0 ||
	    subid_ranges(e->user, true, &gr, &ng, err) < 0)
		return -1;
	m->no_uids = nu == 0;
	m->no_gids = ng == 0;
	m->single = nu == 0 || ng == 0;
	m->nested = false;
	if (!m->single && nested_userns() && pause_check_idmap_tools(NULL) < 0) {
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
	maps_hash(m->uid, m->nuid, m->gid, m->ngid, m->hash);
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

/* The sysctl that forbids user namespaces; see rootless.h. */
const char *pause_userns_knob(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(userns_knobs); i++) {
		char c[2] = "";
		cleanup_close int fd = open(userns_knobs[i].path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || read_all(fd, c, 2) < 1)
			continue;
		/* "0\n" but not "0" of "015000" */
		if (c[0] == userns_knobs[i].bad && (c[1] == '\n' || c[1] == '\0'))
			return userns_knobs[i].msg;
	}
	return NULL;
}

/* Replaces err with the sysctl that explains a user-namespace failure, if
 * one does. Returns -1. */
static int diagnose_userns(struct werr *err)
{
	const char *msg = pause_userns_knob();

	if (msg != NULL) {
		int errnum = err->errnum;
		werr_set(err, 0, "%s", msg);
		err->errnum = errnum;
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
int pause_check_idmap_tools(struct werr *err)
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

/* Runs warren again as the pause program (pause_exec_main): a fresh image
 * with argv {"warren-pause"} and no environment, so that neither the
 * arguments nor the environment of the command that created it stay
 * visible (issue 5 item 6); it also drops that command's memory. It
 * inherits fd PAUSE_SOCK_FD (the socket) and PAUSE_MARK_FD (the marker
 * naming runtime dir dir, best effort), nothing else. */
static _Noreturn void pause_exec(int fd, const char *dir)
{
	static char *const argv[] = {PAUSE_ARGV0, NULL};
	static char *const envp[] = {NULL};
	int mark;

	if (fd != PAUSE_SOCK_FD) {
		if (dup2(fd, PAUSE_SOCK_FD) < 0) /* dup2 clears close-on-exec */
			child_fail(fd, errno, "move the pause socket");
		close(fd);
	} else if (fcntl(fd, F_SETFD, 0) < 0) {
		child_fail(fd, errno, "keep the pause socket");
	}
	fd = PAUSE_SOCK_FD;
	mark = pause_marker_create(dir);
	if (mark >= 0 && mark != PAUSE_MARK_FD) {
		if (dup2(mark, PAUSE_MARK_FD) < 0)
			child_fail(fd, errno, "move the marker of the pause process");
		close(mark);
	}
	/* warren-monitor plays the pause program in a fraction of the memory
	 * (its pause mode: monitor/monitor.c); warren itself when it is gone */
	char *small = helper_path("warren-monitor");
	if (small != NULL)
		execve(small, argv, envp);
	execve("/proc/self/exe", argv, envp);
	child_fail(fd, errno, "run '/proc/self/exe' as the pause process");
}

/* Runs in the grandchild: becomes the pause process. Never returns.
 * dir: the runtime dir, tmpfs: where to mount the namespace's private tmpfs
 * (see pause_tmpfs). */
static _Noreturn void pause_main(int fd, const char *dir, const char *tmpfs)
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
		mount("tmpfs", tmpfs, "tmpfs", MS_NOSUID | MS_NODEV, TMPFS_OPTS);
	if (chdir("/") < 0)
		child_fail(fd, errno, "chdir '/'");
	prctl(PR_SET_NAME, PAUSE_ARGV0, 0, 0, 0);
	/* kept across execve: only SIGKILL stops the pause process */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	if (close_all_but(fd) < 0)
		child_fail(fd, errno, "close inherited file descriptors");
	pause_exec(fd, dir);
}

int pause_exec_main(int argc, char **argv, struct werr *err)
{
	int32_t ready = 0;
	struct stat st;

	if (argc != 1 || strcmp(argv[0], PAUSE_ARGV0) != 0)
		return 0;
	if (fstat(PAUSE_SOCK_FD, &st) < 0 || !S_ISSOCK(st.st_mode))
		return werr_set(err, 0,
				"'%s' is the pause process of warren, which starts it itself: run "
				"'warren' instead",
				PAUSE_ARGV0);
	/* execve named it after the file, "exe" */
	prctl(PR_SET_NAME, PAUSE_ARGV0, 0, 0, 0);
	if (write_all(PAUSE_SOCK_FD, &ready, sizeof(ready)) < 0)
		_exit(1);
	close(PAUSE_SOCK_FD);
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
		pause_main(sp[1], e->userrun, tmpfs);
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

	pidfd = sys_pidfd_open(r->pid, 0);
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

/* ---- advice on subordinate ids (issue 5 item 15) ---- */

/* The no-subid warning used to suggest 100000-165535, the range useradd
 * gives the first user of a machine: a range to suggest must be free in
 * both files (the user's own entries aside: they are to be replaced or
 * matched). "" when nothing fits. */
static void free_range(const struct engine *e, struct subid_entry *const ent[2], const size_t n[2],
		       char *buf, size_t len)
{
	struct subid_entry *used = xcalloc(n[0] + n[1] + 1, sizeof(*used));
	size_t k = 0;
	uint32_t s;

	for (int f = 0; f < 2; f++)
		for (size_t i = 0; i < n[f]; i++)
			if (!subid_is_owner(&ent[f][i], e->user, e->uid))
				used[k++] = ent[f][i];
	s = subid_free_start(used, k, SUBID_COUNT);
	free(used);
	buf[0] = '\0';
	if (s != 0)
		snprintf(buf, len, "%u-%u", s, s + (SUBID_COUNT - 1));
}

static void warn_single(const struct engine *e, const struct maps *m, const char *range)
{
	const char *where = !m->no_gids	  ? "/etc/subuid"
			    : !m->no_uids ? "/etc/subgid"
					  : "/etc/subuid and /etc/subgid";
	char fix[512];

	if (range[0])
		snprintf(fix, sizeof(fix),
			 "run 'usermod%s%s%s%s %s' (a range no other user has in /etc/subuid and "
			 "/etc/subgid)",
			 m->no_uids ? " --add-subuids " : "", m->no_uids ? range : "",
			 m->no_gids ? " --add-subgids " : "", m->no_gids ? range : "", e->user);
	else
		snprintf(fix, sizeof(fix),
			 "give %s 65536 subordinate ids that no other user has in /etc/subuid and "
			 "/etc/subgid ('usermod --add-subuids FIRST-LAST --add-subgids FIRST-LAST "
			 "%s')",
			 e->user, e->user);
	log_warn("no subordinate ids for %s in %s: running with a single uid (files owned by "
		 "other ids are squashed to root); ask an admin to %s",
		 e->user, where, fix);
}

/* Warns (once) when a range of the user overlaps another user's entry in
 * /etc/subuid or /etc/subgid: the containers of each can then read and
 * change the files of the other's. */
static void warn_overlap(const struct engine *e, const struct maps *m,
			 const struct subid_entry *const ent[2], const size_t n[2],
			 const char *range)
{
	static const char *const kind[2] = {"uids", "gids"}, *const file[2] = {"subuid", "subgid"};

	for (int k = 0; k < 2; k++) {
		const struct idmap *map = k ? m->gid : m->uid;
		int nmap = k ? m->ngid : m->nuid;
		for (int i = 1; i < nmap; i++) { /* entry 0 is the user's own id */
			uint32_t a = map[i].outer, b = a + (map[i].count - 1);
			const struct subid_entry *o =
			    subid_overlap(ent[k], n[k], e->user, e->uid, a, map[i].count);
			if (o == NULL)
				continue;
			char fix[192] = "";
			if (range[0])
				snprintf(fix, sizeof(fix),
					 ", e.g. 'usermod --del-sub%s %u-%u --add-sub%s %s %s'",
					 kind[k], a, b, kind[k], range, e->user);
			log_warn(
			    "subordinate %s %u-%u of %s overlap those of %s (%u-%u in /etc/%s): "
			    "the containers of both users can read and change each other's "
			    "files; ask an admin to give %s a range of its own%s",
			    kind[k], a, b, e->user, o->owner, o->start, o->start + (o->count - 1),
			    file[k], e->user, fix);
			return;
		}
	}
}

/* A free range of SUBID_COUNT ids to suggest for e's user; see rootless.h. */
void pause_subid_free_range(const struct engine *e, char *buf, size_t len)
{
	struct subid_entry *ent[2] = {NULL, NULL};
	size_t n[2] = {0, 0};

	buf[0] = '\0';
	if (subid_file_load("/etc/subuid", &ent[0], &n[0]) == 0 &&
	    subid_file_load("/etc/subgid", &ent[1], &n[1]) == 0)
		free_range(e, ent, n, buf, len);
	free(ent[0]);
	free(ent[1]);
}

/* At the creation of a pause process: the no-subid warning with a free
 * range to ask for, or a warning about ranges shared with another user. */
static void subid_advice(const struct engine *e, const struct maps *m)
{
	struct subid_entry *ent[2] = {NULL, NULL};
	size_t n[2] = {0, 0};
	char range[32] = "";

	if (subid_file_load("/etc/subuid", &ent[0], &n[0]) == 0 &&
	    subid_file_load("/etc/subgid", &ent[1], &n[1]) == 0)
		free_range(e, ent, n, range, sizeof(range));
	if (m->single)
		warn_single(e, m, range);
	else
		warn_overlap(e, m, (const struct subid_entry *const *)ent, n, range);
	free(ent[0]);
	free(ent[1]);
}

/* ---- pause processes whose pid file was lost (issue 5 item 11) ---- */

/* True when no runtime dir names pause process p any more: the dir its
 * marker names is gone or holds no record of it. The caller holds the lock
 * of its own dir; another dir is left alone while a command holds its lock
 * (that command may be creating p). */
static bool unreachable(const struct engine *e, const struct pause_proc *p)
{
	cleanup_close int lock = -1;
	struct pause_rec r;

	if (strcmp(p->dir, e->userrun) != 0) {
		cleanup_free char *path = xasprintf("%s/" PAUSE_LOCK, p->dir);
		lock = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
		if (lock < 0 ? errno != ENOENT && errno != ENOTDIR
			     : flock(lock, LOCK_EX | LOCK_NB) < 0)
			return false;
	}
	if (read_rec_at(p->dir, &r) < 0)
		return errno == ENOENT || errno == ENOTDIR || errno == EINVAL;
	return r.pid != p->pid || r.start != p->start || strcmp(r.boot, boot_id()) != 0;
}

/* The record of a running pause process p, its id maps read back. */
static int rec_of(const struct pause_proc *p, struct pause_rec *r)
{
	static const char *const files[] = {"uid_map", "gid_map"};
	struct idmap *m[2];
	int n[2] = {-1, -1};

	m[0] = xcalloc(MAP_MAX, sizeof(struct idmap));
	m[1] = xcalloc(MAP_MAX, sizeof(struct idmap));
	for (int i = 0; i < 2; i++) {
		char path[64];
		cleanup_free char *text = NULL;
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)p->pid, files[i]);
		text = read_file_at(AT_FDCWD, path, NULL, NULL);
		n[i] = text ? idmap_parse(text, m[i], MAP_MAX) : -1;
	}
	if (n[0] > 0 && n[1] > 0) {
		*r = (struct pause_rec){.pid = p->pid, .start = p->start, .userns = p->userns};
		snprintf(r->boot, sizeof(r->boot), "%s", boot_id());
		maps_hash(m[0], n[0], m[1], n[1], r->hash);
		subid_stamp(r->stamp, sizeof(r->stamp));
		r->boot_sec = boot_sec();
		r->single = n[0] == 1 && m[0][0].count == 1;
	}
	free(m[0]);
	free(m[1]);
	return n[0] > 0 && n[1] > 0 ? 0 : -1;
}

/* Makes a pause process that no runtime dir names this dir's: one that
 * belonged to this dir first, else one of a dir that is gone. Its
 * containers stay reachable, which a new pause process would not give.
 * Called under the lock with no live record. 0 adopted (*r recorded), -1
 * none. */
static int adopt_orphan(const struct engine *e, struct pause_rec *r)
{
	cleanup_free struct pause_proc *v = NULL;
	size_t n = pause_scan(geteuid(), &v);

	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			bool here = strcmp(v[i].dir, e->userrun) == 0;
			if (here != (pass == 0) || !unreachable(e, &v[i]) ||
			    (!here && pause_marker_set(v[i].pid, e->userrun) < 0) ||
			    rec_of(&v[i], r) < 0)
				continue;
			if (write_rec(e, r, true, NULL) < 0)
				return -1;
			log_debug("adopted pause process %d of '%s'", (int)v[i].pid, v[i].dir);
			return 0;
		}
	}
	return -1;
}

/* An adopted pause process lost its tmpfs with its old runtime dir: mount
 * another (best effort, as in pause_main). Called once joined. */
static void tmpfs_restore(struct engine *e)
{
	cleanup_free char *have = pause_tmpfs(e);
	cleanup_free char *path = NULL;

	if (have != NULL)
		return;
	path = xasprintf("%s/" PAUSE_TMPFS, e->userrun);
	if (mkdir(path, 0700) == 0 || errno == EEXIST)
		mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, TMPFS_OPTS);
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
	if (adopt_orphan(e, &r) == 0) {
		/* as if its record had never been lost */
		if (strcmp(r.hash, m->hash) != 0) {
			map_changed(e, err);
			goto fail;
		}
		if (join_ns(e, &r, err) == 0) {
			free(m);
			tmpfs_restore(e);
			return 0;
		}
		/* it died meanwhile, or cannot be joined: a new one it is */
		werr_clear(err);
		unlink(pidpath);
	}
	if (!m->single && pause_check_idmap_tools(err) < 0)
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
	else
		subid_advice(e, m);
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

int pause_enter(struct engine *e, struct werr *err)
{
	cleanup_close int lock = -1;
	struct pause_rec r;
	int rc;

	if (!e->rootless)
		return 0;
	lock = lock_open(e, err);
	if (lock < 0)
		return -1;
	if (!(read_rec(e, &r) == 0 && rec_alive(&r)) && adopt_orphan(e, &r) < 0)
		return 0;
	rc = join_ns(e, &r, err);
	return rc == 0 ? 1 : rc == -2 ? 0 : -1;
}

/* "123 (sleep), 456 (sh)" for the first n of total pids. */
static void describe_pids(const pid_t *pids, size_t n, size_t total, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && off < len; i++) {
		char path[64], comm[32] = "?";
		cleanup_close int fd = -1;
		ssize_t k;

		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pids[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && (k = read_all(fd, comm, sizeof(comm) - 1)) > 0)
			comm[k - (comm[k - 1] == '\n')] = '\0';
		off +=
		    snprintf(buf + off, len - off, "%s%d (%s)", i ? ", " : "", (int)pids[i], comm);
	}
	if (total > n && off < len)
		snprintf(buf + off, len - off, " and %zu more", total - n);
}

/* Waits up to ms milliseconds until no process but p itself runs in its
 * user namespace. Returns how many still do, the first max in pids. */
static size_t wait_idle(const struct pause_proc *p, int ms, pid_t *pids, size_t max)
{
	struct timespec ts = {0, 20 * 1000 * 1000};
	size_t n;

	while ((n = userns_members(p->userns, p->pid, pids, max)) > 0 && ms > 0) {
		nanosleep(&ts, NULL);
		ms -= 20;
	}
	return n;
}

/* SIGKILL to p while it is the same process, then waits (up to 2 s) until
 * it is gone: the next command must not find it half dead and adopt it. */
static int kill_pause(const struct pause_proc *p, struct werr *err)
{
	struct timespec ts = {0, 5 * 1000 * 1000};

	if (proc_start_time(p->pid) != p->start)
		return 0;
	if (kill(p->pid, SIGKILL) < 0)
		return errno == ESRCH ? 0
				      : werr_set(err, errno, "stop pause process %d", (int)p->pid);
	for (int i = 0; i < 400 && !proc_zombie(p->pid); i++)
		nanosleep(&ts, NULL);
	return 0;
}

/* The squashfuse daemons of p's namespace: nothing but the namespace
 * uses their mounts once no other process runs in it. */
static void kill_helpers(const struct pause_proc *p)
{
	pid_t pids[64];
	size_t n = userns_helpers(p->userns, pids, ARRAY_SIZE(pids));

	for (size_t i = 0; i < n && i < ARRAY_SIZE(pids); i++)
		kill(pids[i], SIGKILL);
}

/* The pause processes to stop: the recorded one first (*recorded set),
 * then every one that no runtime dir names any more. */
static size_t stop_targets(const struct engine *e, struct pause_proc **out, bool *recorded)
{
	cleanup_free struct pause_proc *v = NULL;
	struct pause_rec r = {0};
	size_t n = pause_scan(geteuid(), &v), k = 0;
	struct pause_proc *t = xcalloc(n + 1, sizeof(*t));

	*recorded = read_rec(e, &r) == 0 && rec_alive(&r);
	if (*recorded)
		t[k++] = (struct pause_proc){.pid = r.pid, .start = r.start, .userns = r.userns};
	for (size_t i = 0; i < n; i++) {
		if (!(*recorded && v[i].pid == r.pid && v[i].start == r.start) &&
		    unreachable(e, &v[i]))
			t[k++] = v[i];
	}
	*out = t;
	return k;
}

int pause_stop(struct engine *e, struct werr *err)
{
	cleanup_close int lock = -1;
	cleanup_free struct pause_proc *t = NULL;
	cleanup_free char *pidpath = NULL;
	char busy[512] = "";
	pid_t busy_pid = 0;
	bool recorded, keep_rec = false;
	size_t n;

	if (!e->rootless)
		return 0;
	lock = lock_open(e, err);
	if (lock < 0)
		return -1;
	n = stop_targets(e, &t, &recorded);
	for (size_t i = 0; i < n; i++) {
		pid_t pids[4];
		/* the commands of just stopped containers are finishing */
		size_t k = wait_idle(&t[i], i == 0 && recorded ? 5000 : 0, pids, ARRAY_SIZE(pids));

		if (k == 0) {
			kill_helpers(&t[i]);
			if (kill_pause(&t[i], err) < 0)
				return -1;
			continue;
		}
		keep_rec = keep_rec || (i == 0 && recorded);
		if (busy_pid == 0) {
			busy_pid = t[i].pid;
			describe_pids(pids, k < ARRAY_SIZE(pids) ? k : ARRAY_SIZE(pids), k, busy,
				      sizeof(busy));
		}
	}
	pidpath = xasprintf("%s/" PAUSE_PID, e->userrun);
	if (!keep_rec && unlink(pidpath) < 0 && errno != ENOENT)
		return werr_set(err, errno, "remove '%s'", pidpath);
	if (busy_pid != 0)
		return werr_set(err, 0,
				"cannot stop pause process %d: other processes run in its user "
				"namespace: %s; stop them (containers of another store, 'warren "
				"unshare' sessions) and run 'warren system migrate' again",
				(int)busy_pid, busy);
	return 0;
}
