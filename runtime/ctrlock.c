/* ctrlock.c - the per-container owner lock (see ctrlock.h). */
#include "runtime/ctrlock.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"

/* One fixed-width line, rewritten in place (pwrite at 0: no truncation,
 * so no new inode and no window without content); the hash at its end
 * lets a reader reject a line it read while it was being rewritten. */
#define INFO_FIELDS "%10d %20" PRIu64 " %10d %20" PRIu64 " %20" PRId64 " "
#define INFO_LEN    (10 + 1 + 20 + 1 + 10 + 1 + 20 + 1 + 20 + 1)

static char *lock_path(const char *runroot, const char *id)
{
	return xasprintf("%s/locks/%s", runroot, id);
}

static int write_info(int fd, const struct ctrlock_info *i, struct werr *err)
{
	char buf[INFO_LEN + 18];
	int n = snprintf(buf, sizeof(buf), INFO_FIELDS, (int)i->owner, i->owner_start, (int)i->pid,
			 i->pid_start, i->started);

	snprintf(buf + n, sizeof(buf) - (size_t)n, "%016" PRIx64 "\n", fnv1a64(buf, (size_t)n));
	if (pwrite(fd, buf, strlen(buf), 0) != (ssize_t)strlen(buf))
		return werr_set(err, errno ? errno : EIO, "write the container lock");
	return 0;
}

/* 0 with *i filled, -1 when the file holds no whole record (yet). */
int ctrlock_read(int fd, struct ctrlock_info *i)
{
	char buf[INFO_LEN + 18];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	uint64_t hash;
	int owner, pid;

	if (n != (ssize_t)sizeof(buf) - 1)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf + INFO_LEN, "%16" SCNx64, &hash) != 1 || hash != fnv1a64(buf, INFO_LEN))
		return -1;
	if (sscanf(buf, "%d %" SCNu64 " %d %" SCNu64 " %" SCNd64, &owner, &i->owner_start, &pid,
		   &i->pid_start, &i->started) != 5)
		return -1;
	i->owner = owner;
	i->pid = pid;
	return 0;
}

int ctrlock_create(const char *runroot, const char *id, struct werr *err)
{
	cleanup_free char *dir = xasprintf("%s/locks", runroot);
	cleanup_free char *tmp = xasprintf("%s/.%s.new", dir, id);
	cleanup_free char *path = lock_path(runroot, id);
	struct ctrlock_info me = {.owner = getpid(), .owner_start = proc_start_time(getpid())};
	cleanup_close int fd = -1;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return werr_set(err, errno, "mkdir '%s'", dir);
	fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return werr_set(err, errno, "create '%s'", tmp);
	/* locked and filled before anyone can see it under its name */
	if (flock(fd, LOCK_EX | LOCK_NB) < 0 || write_info(fd, &me, err) < 0 ||
	    rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		return werr_set(err, e, "lock container %.12s", id);
	}
	return steal_fd(&fd);
}

int ctrlock_set_proc(int fd, pid_t pid, uint64_t pid_start, int64_t started, struct werr *err)
{
	struct ctrlock_info i = {.owner = getpid(),
				 .owner_start = proc_start_time(getpid()),
				 .pid = pid,
				 .pid_start = pid_start,
				 .started = started};
	return write_info(fd, &i, err);
}

void ctrlock_release(const char *runroot, const char *id, int fd)
{
	cleanup_free char *path = NULL;

	if (fd < 0)
		return;
	/* only the holder unlinks, and a new file is made only where none is:
	 * the name still points at the inode we hold */
	path = lock_path(runroot, id);
	unlink(path);
	close(fd);
}

/* A new lock file at path, made under a temporary name, locked and only
 * then linked into place (link never replaces): nobody can open it
 * unlocked, so nobody takes a lock being created for a dead owner's (a
 * `ps` that did settled a --rm container that a start had just locked:
 * the start then found it gone). The fd, or -1 (errno EEXIST: there is
 * one already). */
static int create_locked(const char *runroot, const char *path)
{
	cleanup_free char *dir = xasprintf("%s/locks", runroot);
	cleanup_free char *tmp = xasprintf("%s/.new.XXXXXX", dir);
	cleanup_close int fd = -1;
	int e;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -1;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fchmod(fd, 0600) < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0 || link(tmp, path) < 0) {
		e = errno;
		unlink(tmp);
		errno = e;
		return -1;
	}
	unlink(tmp);
	return steal_fd(&fd);
}

/* Opens the lock file; with create, makes it (locked: *made) when missing. */
static int open_lock(const char *runroot, const char *path, bool create, bool *made)
{
	int fd;

	*made = false;
	for (;;) {
		fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0 || errno != ENOENT || !create)
			return fd;
		fd = create_locked(runroot, path);
		if (fd >= 0) {
			*made = true;
			return fd;
		}
		if (errno != EEXIST)
			return -1;
	}
}

int ctrlock_try(const char *runroot, const char *id, bool create, int *out,
		struct ctrlock_info *info, struct werr *err)
{
	cleanup_free char *path = lock_path(runroot, id);

	for (;;) {
		bool made;
		struct stat st;
		cleanup_close int fd = open_lock(runroot, path, create, &made);

		memset(info, 0, sizeof(*info));
		if (fd < 0 && errno == ENOENT)
			return CTRLOCK_NONE;
		if (fd < 0)
			return werr_set(err, errno, "open '%s'", path);
		if (made) {
			*out = steal_fd(&fd);
			return CTRLOCK_FRESH;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			if (fstat(fd, &st) < 0)
				return werr_set(err, errno, "stat '%s'", path);
			if (st.st_nlink == 0)
				continue; /* given up between our open and our lock */
			ctrlock_read(fd, info);
			*out = steal_fd(&fd);
			return CTRLOCK_STALE;
		}
		if (errno != EWOULDBLOCK)
			return werr_set(err, errno, "lock '%s'", path);
		ctrlock_read(fd, info);
		return CTRLOCK_OWNED;
	}
}

int ctrlock_adopt(const char *runroot, const char *id, int fd, struct werr *err)
{
	cleanup_free char *path = lock_path(runroot, id);
	struct stat a, b;

	if (fstat(fd, &a) < 0)
		return werr_set(err, errno, "lock fd %d", fd);
	if (stat(path, &b) < 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino)
		return werr_set(err, EINVAL, "fd %d is not the lock of container %.12s", fd, id);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		return werr_set(err, errno, "fd %d does not hold the lock of container %.12s", fd,
				id);
	return 0;
}

int ctrlock_wait(const char *runroot, const char *id, int64_t deadline, struct werr *err)
{
	cleanup_free char *path = lock_path(runroot, id);
	struct timespec ts = {0, 5 * 1000 * 1000};

	for (;;) {
		cleanup_close int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		struct stat st;

		if (fd < 0 && errno == ENOENT)
			return 0;
		if (fd < 0)
			return werr_set(err, errno, "open '%s'", path);
		if (deadline == 0) {
			/* the kernel wakes us when the owner closes it */
			while (flock(fd, LOCK_SH) < 0)
				if (errno != EINTR)
					return werr_set(err, errno, "lock '%s'", path);
		} else {
			while (flock(fd, LOCK_SH | LOCK_NB) < 0) {
				if (errno != EWOULDBLOCK && errno != EINTR)
					return werr_set(err, errno, "lock '%s'", path);
				if (now_ns() >= deadline)
					return werr_set(err, ETIMEDOUT, "wait for container %.12s",
							id);
				nanosleep(&ts, NULL);
			}
		}
		/* released (unlinked), or left by a dead owner: either way no
		 * owner now; a new owner made a new file: wait for that one */
		if (fstat(fd, &st) == 0 && st.st_nlink == 0 && access(path, F_OK) == 0)
			continue;
		return 0;
	}
}

char *ctrlock_exit_path(const char *runroot, const char *id)
{
	return xasprintf("%s/exits/%s", runroot, id);
}

int ctrlock_exit_read(const char *runroot, const char *id, int *code)
{
	cleanup_free char *path = ctrlock_exit_path(runroot, id);
	cleanup_close int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char buf[16];
	ssize_t n;
	int v;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf, "%d", &v) != 1 || v < 0 || v > 255)
		return -1;
	*code = v;
	return 0;
}

void ctrlock_exit_clear(const char *runroot, const char *id)
{
	cleanup_free char *path = ctrlock_exit_path(runroot, id);

	unlink(path);
}
