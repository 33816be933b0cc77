/* test_execjoin.c - executor_exec from a user namespace, as rootless
 * warren runs it: two execs into a container's pid namespace from one
 * process, and a fork once that container is gone. Guards the bug where
 * the caller itself joined the pid namespace for the exec's fork: a
 * process in a user namespace cannot setns() back to its own (EPERM, the
 * host's user namespace owns it), so its later children were born in the
 * container, and fork() failed with ENOMEM once the container's init had
 * died (a healthcheck's --health-on-failure=restart, exec then a new
 * monitor, all in one process). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "runtime/executor.h"
#include "tests/unit/unit.h"

/* What the forked test process reports (its exit status). */
enum {
	T_OK,
	T_NO_USERNS, /* the host allows no user namespace to us: reported, not failed */
	T_SETUP,
	T_EXEC1,
	T_EXEC2,
	T_NOT_IN_CTR, /* the exec's process was not in the container's pid namespace */
	T_PIDNS_MOVED,
	T_FORK,
};

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : write(fd, s, strlen(s));

	if (fd >= 0)
		close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* Root of a user namespace of our own, mapped to our ids (as the pause
 * process's, without sub-ids). */
static int own_userns(void)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();

	if (unshare(CLONE_NEWUSER) < 0)
		return -1;
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	if (write_str("/proc/self/uid_map", map) < 0 ||
	    write_str("/proc/self/setgroups", "deny") < 0)
		return -1;
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	return write_str("/proc/self/gid_map", map);
}

static bool same_ns(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_ino == sb.st_ino &&
	       sa.st_dev == sb.st_dev;
}

/* In dir, a container's bundle with the host's root as its rootfs. */
static int make_bundle(const char *dir)
{
	static const char json[] =
	    "{\"ociVersion\":\"1.1.0\",\"root\":{\"path\":\"/\"},"
	    "\"process\":{\"user\":{\"uid\":0,\"gid\":0},\"cwd\":\"/\","
	    "\"env\":[\"PATH=/usr/bin:/bin\"],\"args\":[\"true\"]},"
	    "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"}]}}";
	struct werr err = {0};
	int dfd, n;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	n = dfd < 0 ? -1 : write_file_at(dfd, "config.json", json, strlen(json), 0600, &err);
	if (dfd >= 0)
		close(dfd);
	return n < 0 ? -1 : 0;
}

/* One exec into init's container of a shell that checks that it runs in
 * init's pid namespace; its exit status, or -1. */
static int exec_once(const char *bundle, pid_t init)
{
	char link[64], ns[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/ns/pid", (int)init);
	n = readlink(link, ns, sizeof(ns) - 1);
	if (n <= 0)
		return -1;
	ns[n] = '\0';

	cleanup_free char *check = xasprintf("test \"$(readlink /proc/self/ns/pid)\" = '%s'", ns);
	char *argv[] = {"sh", "-c", check, NULL};
	struct exec_proc x = {.args = argv};
	struct exec_opts o = {.stdin_fd = -1, .stdout_fd = -1, .stderr_fd = -1};
	struct ctr_proc p = {.pty_master = -1};
	struct werr err = {0};
	int st;

	if (executor_exec(bundle, init, proc_start_time(init), &x, &o, &p, &err) < 0) {
		fprintf(stderr, "executor_exec: %s\n", err.msg);
		return -1;
	}
	while (waitpid(p.pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* In a child of the test: the whole sequence; returns a T_ code. */
static int sequence(const char *bundle)
{
	int hold[2], st;
	pid_t init, pid;

	if (own_userns() < 0)
		return T_NO_USERNS;
	if (pipe2(hold, O_CLOEXEC) < 0)
		return T_SETUP;
	/* the container: pid 1 of its own pid and mount namespaces, until
	 * we close hold */
	init = (pid_t)syscall(SYS_clone, CLONE_NEWPID | CLONE_NEWNS | SIGCHLD, NULL, NULL, NULL, 0);
	if (init == 0) {
		char c;
		close(hold[1]);
		_exit(read(hold[0], &c, 1) < 0 ? 1 : 0);
	}
	close(hold[0]);
	if (init < 0 || make_bundle(bundle) < 0)
		return T_SETUP;
	if (exec_once(bundle, init) != 0)
		return T_EXEC1;
	/* our children are still born where we are */
	if (!same_ns("/proc/self/ns/pid", "/proc/self/ns/pid_for_children"))
		return T_PIDNS_MOVED;
	st = exec_once(bundle, init);
	if (st != 0)
		return st == 1 ? T_NOT_IN_CTR : T_EXEC2;
	/* the container ends; a fork of ours must still work */
	close(hold[1]);
	waitpid(init, NULL, 0);
	pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return T_FORK;
	waitpid(pid, NULL, 0);
	return T_OK;
}

UNIT_TEST(exec_twice_from_a_user_namespace_then_fork)
{
	char tmpl[] = "/tmp/warren-unit-execjoin-XXXXXX";
	char *dir = mkdtemp(tmpl);
	struct werr err = {0};
	pid_t pid;
	int st = -1;

	CHECK(dir != NULL);
	pid = fork();
	if (pid == 0)
		_exit(sequence(dir));
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid);
	CHECK(rm_rf_at(AT_FDCWD, dir, &err) == 0);
	CHECK(WIFEXITED(st));
	if (WEXITSTATUS(st) == T_NO_USERNS) {
		printf("# skipped: this host allows no user namespace to uid %u\n",
		       (unsigned)getuid());
		return;
	}
	CHECK(WEXITSTATUS(st) != T_SETUP);
	CHECK(WEXITSTATUS(st) != T_EXEC1);
	CHECK(WEXITSTATUS(st) != T_PIDNS_MOVED);
	CHECK(WEXITSTATUS(st) != T_NOT_IN_CTR);
	CHECK(WEXITSTATUS(st) != T_EXEC2);
	CHECK(WEXITSTATUS(st) != T_FORK);
	CHECK(WEXITSTATUS(st) == T_OK);
}

UNIT_MAIN()
