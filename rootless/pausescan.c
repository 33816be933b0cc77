/* pausescan.c - pause processes and their namespaces' members, from /proc. */
#include "rootless/pausescan.h"
#include "lib/cleanup.h"
#include "lib/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* readlink of a marker: the memfd's name */
#define MARK_LINK "/memfd:" PAUSE_ARGV0 " (deleted)"

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U /* linux/memfd.h, Linux 6.3 */
#endif

int pause_marker_create(const char *dir)
{
	/* not close-on-exec: the pause program inherits it. vm.memfd_noexec=2
	 * refuses memfds that could be executed; kernels before 6.3 do not know
	 * the flag (EINVAL) */
	int fd = memfd_create(PAUSE_ARGV0, MFD_NOEXEC_SEAL);

	if (fd < 0 && errno == EINVAL)
		fd = memfd_create(PAUSE_ARGV0, 0);
	if (fd < 0)
		return -1;
	if (write_all(fd, dir, strlen(dir)) < 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* True when the fd link at path is a marker. */
static bool marker_link(const char *path)
{
	char link[64];
	ssize_t n = readlink(path, link, sizeof(link) - 1);

	if (n < 0)
		return false;
	link[n] = '\0';
	return strcmp(link, MARK_LINK) == 0;
}

int pause_marker_set(pid_t pid, const char *dir)
{
	char path[64];
	cleanup_close int fd = -1;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, PAUSE_MARK_FD);
	if (!marker_link(path)) {
		errno = ESRCH;
		return -1;
	}
	/* opening the link opens the memfd itself, anew */
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0 || write_all(fd, dir, strlen(dir)) < 0)
		return -1;
	return 0;
}

/* "/proc/PID" entries: the pid, or 0 for other names. */
static pid_t name_pid(const char *name)
{
	char *end;
	long v;

	if (name[0] < '1' || name[0] > '9')
		return 0;
	v = strtol(name, &end, 10);
	return *end == '\0' && v > 0 && v <= INT32_MAX ? (pid_t)v : 0;
}

/* The state letter of /proc/PID/stat ('Z' zombie, 'X' dead), 0 if gone. */
static char proc_state(int procfd, pid_t pid)
{
	char path[32], buf[512], *p;
	cleanup_close int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "%d/stat", (int)pid);
	fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read_all(fd, buf, sizeof(buf) - 1)) <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* comm may hold spaces and parens */
	return p != NULL && p[1] == ' ' ? p[2] : 0;
}

static bool live(int procfd, pid_t pid)
{
	char st = proc_state(procfd, pid);
	return st != 0 && st != 'Z' && st != 'X';
}

/* The command line is exactly PAUSE_ARGV0 (one argument). */
static bool pause_cmdline(int procfd, pid_t pid)
{
	static const char want[] = PAUSE_ARGV0; /* with its NUL */
	char path[32], buf[sizeof(want) + 1];
	cleanup_close int fd = -1;

	snprintf(path, sizeof(path), "%d/cmdline", (int)pid);
	fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
	return fd >= 0 && read_all(fd, buf, sizeof(buf)) == (ssize_t)sizeof(want) &&
	       memcmp(buf, want, sizeof(want)) == 0;
}

static unsigned long long userns_ino(int procfd, pid_t pid)
{
	char path[32];
	struct stat st;

	snprintf(path, sizeof(path), "%d/ns/user", (int)pid);
	return fstatat(procfd, path, &st, 0) == 0 ? (unsigned long long)st.st_ino : 0;
}

/* Fills p from the marker of pause process pid. 0, or -1 when it has none. */
static int read_pause(int procfd, pid_t pid, struct pause_proc *p)
{
	char path[64];
	cleanup_close int fd = -1;
	ssize_t n;

	p->pid = pid;
	p->start = proc_start_time(pid);
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, PAUSE_MARK_FD);
	if (p->start == 0 || !marker_link(path))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read_all(fd, p->dir, sizeof(p->dir) - 1)) <= 0)
		return -1;
	p->dir[n] = '\0';
	p->userns = userns_ino(procfd, pid);
	/* still the same process: the pid was not reused meanwhile */
	return p->userns != 0 && proc_start_time(pid) == p->start && live(procfd, pid) ? 0 : -1;
}

size_t pause_scan(uid_t uid, struct pause_proc **out)
{
	cleanup_dir DIR *d = opendir("/proc");
	size_t n = 0, cap = 4;
	struct pause_proc *v = xcalloc(cap, sizeof(*v));
	struct dirent *de;
	pid_t self = getpid();

	*out = v;
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		pid_t pid = name_pid(de->d_name);
		struct stat st;

		if (pid == 0 || pid == self || fstatat(dirfd(d), de->d_name, &st, 0) < 0 ||
		    st.st_uid != uid || !pause_cmdline(dirfd(d), pid))
			continue;
		if (n == cap)
			*out = v = xrealloc(v, (cap *= 2) * sizeof(*v));
		if (read_pause(dirfd(d), pid, &v[n]) == 0)
			n++;
	}
	return n;
}

/* True when pid is a squashfuse or fuse-overlayfs: the daemon of a
 * shared .sqsh mount (runtime/ctr_sqsh.h) or of a pooled rootfs
 * (storage/pool.h), which live as long as the namespace does. */
static bool ns_helper(int procfd, pid_t pid)
{
	char path[32], comm[32];
	cleanup_close int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "%d/comm", (int)pid);
	fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read_all(fd, comm, sizeof(comm) - 1)) <= 0)
		return false;
	comm[n] = '\0';
	return strcmp(comm, "squashfuse\n") == 0 || strcmp(comm, "fuse-overlayfs\n") == 0;
}

/* The processes of userns (but except and the caller): its helpers
 * (ns_helper) when helpers, else the others. */
static size_t members(unsigned long long userns, pid_t except, bool helpers, pid_t *pids,
		      size_t max)
{
	cleanup_dir DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t self = getpid();
	size_t n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		pid_t pid = name_pid(de->d_name);

		/* other users' processes fail with EACCES: not ours to see */
		if (pid == 0 || pid == self || pid == except ||
		    userns_ino(dirfd(d), pid) != userns || !live(dirfd(d), pid) ||
		    ns_helper(dirfd(d), pid) != helpers)
			continue;
		if (n < max)
			pids[n] = pid;
		n++;
	}
	return n;
}

size_t userns_members(unsigned long long userns, pid_t except, pid_t *pids, size_t max)
{
	return members(userns, except, false, pids, max);
}

size_t userns_helpers(unsigned long long userns, pid_t *pids, size_t max)
{
	return members(userns, 0, true, pids, max);
}
