/* syscalls.c - the newer syscalls and their userspace fallbacks (see
 * syscalls.h). Stack buffers only: the executor's child calls these after
 * clone, and a failing fallback must not leave memory or fds behind. */
#include "lib/syscalls.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Numbers from the kernel's unified table (Linux 5.1+, every arch but
 * alpha and ia64), for C libraries whose headers predate them. */
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#ifndef SYS_fsopen
#define SYS_fsopen 430
#endif
#ifndef SYS_fsconfig
#define SYS_fsconfig 431
#endif
#ifndef SYS_fsmount
#define SYS_fsmount 432
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif

#define MAX_SYMLINKS 40 /* the kernel's MAXSYMLINKS */
#define FDPATH_MAX   32

/* ENOSYS seen (or forced by a test), per syscall. */
static bool missing[SYSC_COUNT];
/* close_range without CLOSE_RANGE_CLOEXEC (5.9, 5.10). */
static bool cloexec_missing;

void syscalls_set_missing(enum sys_call call, bool on)
{
	if (call < SYSC_COUNT)
		missing[call] = on;
	if (call == SYSC_CLOSE_RANGE)
		cloexec_missing = on;
}

/* The result of syscall(2) as an int; ENOSYS is remembered for call. */
static int checked(enum sys_call call, long rc)
{
	if (rc < 0 && errno == ENOSYS)
		missing[call] = true;
	return (int)rc;
}

#define IF_MISSING(call)                                                                           \
	do {                                                                                       \
		if (missing[call]) {                                                               \
			errno = ENOSYS;                                                            \
			return -1;                                                                 \
		}                                                                                  \
	} while (0)

/* ---- openat2 ---- */

enum scope { SCOPE_NONE, SCOPE_IN_ROOT, SCOPE_BENEATH };

/* A path walk in progress. rem holds what is left to resolve, done the
 * components resolved so far below the root. ".." drops the last one and
 * reopens the rest from the root instead of opening "..": a directory
 * moved out of the root meanwhile cannot lead the walk out with it. */
struct walk {
	int root; /* dirfd as given (may be AT_FDCWD) */
	int cur;  /* owned: the directory reached so far */
	enum scope scope;
	int links;
	size_t done_len;
	char done[PATH_MAX];
	char rem[PATH_MAX];
	char link[PATH_MAX];
};

static int walk_fail(struct walk *w, int e)
{
	if (w->cur >= 0)
		close(w->cur);
	w->cur = -1;
	errno = e;
	return -1;
}

static int set_cur(struct walk *w, int fd)
{
	if (fd < 0)
		return walk_fail(w, errno);
	if (w->cur >= 0)
		close(w->cur);
	w->cur = fd;
	return 0;
}

/* Back to the root: the start, an absolute symlink (IN_ROOT), or the
 * first step of reopening a parent. */
static int walk_to_root(struct walk *w)
{
	w->done_len = 0;
	w->done[0] = '\0';
	return set_cur(w, openat(w->root, ".", O_PATH | O_DIRECTORY | O_CLOEXEC));
}

/* "..": pop the last resolved component and reopen it from the root. */
static int walk_dotdot(struct walk *w)
{
	char *slash, *comp, *save = NULL;
	char copy[PATH_MAX];

	if (w->scope == SCOPE_NONE)
		return set_cur(w, openat(w->cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC));
	if (w->done_len == 0)
		return w->scope == SCOPE_IN_ROOT ? 0 : walk_fail(w, EXDEV);
	slash = memrchr(w->done, '/', w->done_len);
	w->done_len = slash != NULL ? (size_t)(slash - w->done) : 0;
	w->done[w->done_len] = '\0';
	memcpy(copy, w->done, w->done_len + 1);
	if (set_cur(w, openat(w->root, ".", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	for (comp = strtok_r(copy, "/", &save); comp != NULL; comp = strtok_r(NULL, "/", &save))
		if (set_cur(
			w, openat(w->cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
			return -1;
	return 0;
}

/* Descends into dir fd (owned) named name. */
static int walk_down(struct walk *w, int fd, const char *name)
{
	size_t n = strlen(name);

	if (w->done_len + n + 2 > sizeof(w->done)) {
		close(fd);
		return walk_fail(w, ENAMETOOLONG);
	}
	if (w->done_len > 0)
		w->done[w->done_len++] = '/';
	memcpy(w->done + w->done_len, name, n + 1);
	w->done_len += n;
	return set_cur(w, fd);
}

/* The symlink fd (owned) replaces its component: rem = target + rest
 * (rest points into rem, which is written last). */
static int walk_symlink(struct walk *w, int fd, const char *rest, uint64_t resolve)
{
	ssize_t n;
	size_t rlen = strlen(rest);

	if ((resolve & RESOLVE_NO_SYMLINKS) || ++w->links > MAX_SYMLINKS) {
		close(fd);
		return walk_fail(w, ELOOP);
	}
	n = readlinkat(fd, "", w->link, sizeof(w->link));
	close(fd);
	if (n < 0)
		return walk_fail(w, errno);
	if (n == 0)
		return walk_fail(w, ENOENT);
	if ((size_t)n + rlen + 1 > sizeof(w->link))
		return walk_fail(w, ENAMETOOLONG);
	memcpy(w->link + n, rest, rlen + 1);
	memcpy(w->rem, w->link, (size_t)n + rlen + 1);
	if (w->rem[0] != '/')
		return 0;
	if (w->scope == SCOPE_BENEATH)
		return walk_fail(w, EXDEV);
	if (w->scope == SCOPE_NONE)
		return set_cur(w, open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
	return walk_to_root(w);
}

/* The last component: opened with the caller's flags, never through a
 * symlink (that case was handled by the walk). */
static int walk_last(struct walk *w, const char *name, const struct open_how *how, bool want_dir)
{
	int flags = (int)how->flags | O_NOFOLLOW | (want_dir ? O_DIRECTORY : 0);
	int fd = openat(w->cur, name, flags, (mode_t)how->mode);
	int e = errno;

	close(w->cur);
	w->cur = -1;
	errno = e;
	return fd;
}

/* The next component of w->rem into name (skipping slashes and "."
 * components); returns 1 with *last set, 0 at the end of the path. */
static int next_component(struct walk *w, char name[NAME_MAX + 1], const char **rest, bool *last,
			  bool *trailing_slash)
{
	const char *p = w->rem;
	size_t len;

	for (;;) {
		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (len == 0)
			return 0;
		if (!(len == 1 && p[0] == '.'))
			break;
		p += len;
	}
	if (len > NAME_MAX)
		return errno = ENAMETOOLONG, -1;
	memcpy(name, p, len);
	name[len] = '\0';
	*rest = p + len;
	*last = strspn(*rest, "/") == strlen(*rest);
	*trailing_slash = **rest == '/';
	return 1;
}

/* One component of w->rem. Returns 1 when the walk goes on, 0 when it
 * ended with *result (the fd, or -1 with errno), -1 on error (errno). */
static int walk_step(struct walk *w, const struct open_how *how, int *result)
{
	char name[NAME_MAX + 1];
	const char *rest;
	bool last, slash;
	struct stat st;
	int fd, rc = next_component(w, name, &rest, &last, &slash);

	if (rc < 0)
		return walk_fail(w, errno);
	if (rc == 0) /* the path ends at a directory: "a/.", "/" */
		return *result = walk_last(w, ".", how, true), 0;
	if (strcmp(name, "..") == 0) {
		if (walk_dotdot(w) < 0)
			return -1;
		memmove(w->rem, rest, strlen(rest) + 1);
		return 1;
	}
	fd = openat(w->cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT && last && (how->flags & O_CREAT))
			return *result = walk_last(w, name, how, slash), 0;
		return walk_fail(w, errno);
	}
	if (fstat(fd, &st) < 0) {
		close(fd);
		return walk_fail(w, errno);
	}
	/* a trailing slash follows even with O_NOFOLLOW, as in the kernel */
	if (S_ISLNK(st.st_mode) && !(last && !slash && (how->flags & O_NOFOLLOW)))
		return walk_symlink(w, fd, rest, how->resolve) < 0 ? -1 : 1;
	if (last) {
		close(fd);
		return *result = walk_last(w, name, how, slash), 0;
	}
	if (!S_ISDIR(st.st_mode)) {
		close(fd);
		return walk_fail(w, ENOTDIR);
	}
	if (walk_down(w, fd, name) < 0)
		return -1;
	memmove(w->rem, rest, strlen(rest) + 1);
	return 1;
}

int openat2_emulate(int dirfd, const char *path, const struct open_how *how)
{
	const uint64_t known =
	    RESOLVE_IN_ROOT | RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	struct walk w = {.root = dirfd, .cur = -1};
	int result = -1, rc;

	if (how->resolve & ~known)
		return errno = ENOSYS, -1;
	if ((how->resolve & RESOLVE_IN_ROOT) && (how->resolve & RESOLVE_BENEATH))
		return errno = EINVAL, -1;
	if (how->mode != 0 && !(how->flags & O_CREAT) && (how->flags & O_TMPFILE) != O_TMPFILE)
		return errno = EINVAL, -1;
	if (path[0] == '\0')
		return errno = ENOENT, -1;
	if (strlen(path) >= sizeof(w.rem))
		return errno = ENAMETOOLONG, -1;
	w.scope = (how->resolve & RESOLVE_IN_ROOT)   ? SCOPE_IN_ROOT
		  : (how->resolve & RESOLVE_BENEATH) ? SCOPE_BENEATH
						     : SCOPE_NONE;
	if (path[0] == '/' && w.scope == SCOPE_BENEATH)
		return errno = EXDEV, -1;
	strcpy(w.rem, path);
	if (path[0] == '/' && w.scope == SCOPE_NONE)
		rc = set_cur(&w, open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
	else
		rc = walk_to_root(&w);
	while (rc == 0 && (rc = walk_step(&w, how, &result)) == 1)
		rc = 0;
	return rc < 0 ? -1 : result;
}

int sys_openat2(int dirfd, const char *path, const struct open_how *how)
{
	if (!missing[SYSC_OPENAT2]) {
		int fd =
		    checked(SYSC_OPENAT2, syscall(SYS_openat2, dirfd, path, how, sizeof(*how)));
		if (fd >= 0 || errno != ENOSYS)
			return fd;
	}
	return openat2_emulate(dirfd, path, how);
}

/* ---- close_range ---- */

struct dirent64_hdr {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

static int close_or_mark(int fd, unsigned flags)
{
	if (flags & CLOSE_RANGE_CLOEXEC) {
		int f = fcntl(fd, F_GETFD);
		return f < 0 || fcntl(fd, F_SETFD, f | FD_CLOEXEC) < 0 ? -1 : 0;
	}
	close(fd); /* EBADF, EINTR: the fd is gone either way */
	return 0;
}

/* No /proc: every number up to the highest fd the limits allow (capped
 * at the default fs.nr_open). */
static int close_range_brute(unsigned first, unsigned last, unsigned flags)
{
	struct rlimit rl;
	rlim_t max = 1U << 20;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rlim_t hi = rl.rlim_cur > rl.rlim_max ? rl.rlim_cur : rl.rlim_max;
		if (hi < max)
			max = hi;
	}
	for (rlim_t fd = first; fd <= last && fd < max; fd++)
		if (close_or_mark((int)fd, flags) < 0 && errno != EBADF)
			return -1;
	return 0;
}

int close_range_emulate(unsigned first, unsigned last, unsigned flags)
{
	char buf[4096];
	int dfd, e = 0;
	long n;

	if ((flags & ~CLOSE_RANGE_CLOEXEC) || first > last)
		return errno = EINVAL, -1;
	dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return close_range_brute(first, last, flags);
	/* procfs lists fds by number and resumes by number: closing the
	 * ones already listed does not skip others */
	while (e == 0 && (n = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct dirent64_hdr *d = (struct dirent64_hdr *)(buf + off);
			unsigned long fd;
			char *end;
			off += d->reclen;
			if (d->name[0] < '0' || d->name[0] > '9')
				continue;
			fd = strtoul(d->name, &end, 10);
			if (*end != '\0' || fd < first || fd > last || (int)fd == dfd)
				continue;
			if (close_or_mark((int)fd, flags) < 0 && errno != EBADF)
				e = errno;
		}
	}
	if (n < 0 && e == 0)
		e = errno;
	close(dfd);
	return e != 0 ? (errno = e, -1) : 0;
}

int sys_close_range(unsigned first, unsigned last, unsigned flags)
{
	bool cloexec = (flags & CLOSE_RANGE_CLOEXEC) != 0;

	if (!missing[SYSC_CLOSE_RANGE] && !(cloexec && cloexec_missing)) {
		if (checked(SYSC_CLOSE_RANGE, syscall(SYS_close_range, first, last, flags)) == 0)
			return 0;
		/* EINVAL for a valid range: 5.9 and 5.10 lack the flag */
		if (errno == EINVAL && cloexec && first <= last)
			cloexec_missing = true;
		else if (errno != ENOSYS)
			return -1;
	}
	return close_range_emulate(first, last, flags);
}

/* ---- mount_setattr ---- */

/* statvfs flags a bind remount must repeat (or lose, or be refused with
 * EPERM when the user namespace locked them). */
static const struct {
	unsigned long st;
	unsigned long ms;
} vfs_flags[] = {
    {ST_RDONLY, MS_RDONLY},	{ST_NOSUID, MS_NOSUID},		  {ST_NODEV, MS_NODEV},
    {ST_NOEXEC, MS_NOEXEC},	{ST_NOATIME, MS_NOATIME},	  {ST_NODIRATIME, MS_NODIRATIME},
    {ST_RELATIME, MS_RELATIME}, {ST_SYNCHRONOUS, MS_SYNCHRONOUS},
};

static const struct {
	uint64_t attr;
	unsigned long ms;
} attr_ms[] = {
    {MOUNT_ATTR_RDONLY, MS_RDONLY},
    {MOUNT_ATTR_NOSUID, MS_NOSUID},
    {MOUNT_ATTR_NODEV, MS_NODEV},
    {MOUNT_ATTR_NOEXEC, MS_NOEXEC},
};

/* Adds ms to the flags of the mount whose root fd is. */
static int remount_add(int fd, unsigned long ms)
{
	char p[FDPATH_MAX];
	struct statvfs sv;
	unsigned long cur = 0;

	if (fstatvfs(fd, &sv) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(vfs_flags) / sizeof(vfs_flags[0]); i++)
		if (sv.f_flag & vfs_flags[i].st)
			cur |= vfs_flags[i].ms;
	if ((cur & ms) == ms)
		return 0;
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	return mount(NULL, p, NULL, MS_REMOUNT | MS_BIND | cur | ms, NULL);
}

/* mountinfo's octal escapes (\040 for a space...) decoded in place. */
static void unescape_mountinfo(char *s)
{
	char *o = s;

	for (; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)(((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* mp is strictly below base (both absolute, base without a trailing
 * slash unless it is "/"). */
static bool is_below(const char *mp, const char *base, size_t blen)
{
	if (blen == 1)
		return mp[0] == '/' && mp[1] != '\0';
	return strncmp(mp, base, blen) == 0 && mp[blen] == '/';
}

/* The mount point mp, when below base, gets ms added. */
static int remount_below(const char *mp, const char *base, size_t blen, unsigned long ms)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS};
	int fd, rc;

	if (!is_below(mp, base, blen))
		return 0;
	/* the kernel wrote a resolved path: a symlink there now is an attack */
	fd = sys_openat2(AT_FDCWD, mp, &how);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	rc = remount_add(fd, ms);
	if (rc < 0) {
		int e = errno;
		close(fd);
		return errno = e, -1;
	}
	close(fd);
	return 0;
}

/* Every mount below base (an absolute path) in /proc/self/mountinfo. The
 * file is read as a stream: only field 5, the mount point, is kept. */
static int remount_submounts(const char *base, unsigned long ms)
{
	char buf[4096], mp[4 * PATH_MAX];
	size_t mlen = 0, blen = strlen(base);
	int field = 0, e = 0, fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	bool too_long = false;
	ssize_t n;

	if (fd < 0)
		return -1;
	while (e == 0 && (n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			break;
		}
		for (ssize_t i = 0; i < n && e == 0; i++) {
			char c = buf[i];
			if (c == '\n') {
				mp[mlen] = '\0';
				unescape_mountinfo(mp);
				if (!too_long && remount_below(mp, base, blen, ms) < 0)
					e = errno;
				field = 0;
				mlen = 0;
				too_long = false;
			} else if (c == ' ') {
				field++;
			} else if (field == 4) {
				if (mlen + 1 < sizeof(mp))
					mp[mlen++] = c;
				else
					too_long = true;
			}
		}
	}
	close(fd);
	return e != 0 ? (errno = e, -1) : 0;
}

int mount_setattr_emulate(int dfd, const char *path, unsigned flags, const struct mount_attr *attr)
{
	char p[FDPATH_MAX], base[PATH_MAX];
	unsigned long ms = 0;
	uint64_t set = attr->attr_set;
	ssize_t n;

	for (size_t i = 0; i < sizeof(attr_ms) / sizeof(attr_ms[0]); i++)
		if (set & attr_ms[i].attr) {
			ms |= attr_ms[i].ms;
			set &= ~attr_ms[i].attr;
		}
	if (set != 0 || attr->attr_clr != 0 || attr->propagation != 0 || attr->userns_fd != 0 ||
	    path[0] != '\0' || !(flags & AT_EMPTY_PATH) ||
	    (flags & ~(unsigned)(AT_EMPTY_PATH | AT_RECURSIVE)) != 0)
		return errno = ENOSYS, -1;
	if (remount_add(dfd, ms) < 0)
		return -1;
	if (!(flags & AT_RECURSIVE))
		return 0;
	snprintf(p, sizeof(p), "/proc/self/fd/%d", dfd);
	n = readlink(p, base, sizeof(base) - 1);
	if (n <= 0)
		return n == 0 ? (errno = ENOENT, -1) : -1;
	base[n] = '\0';
	if (base[0] != '/') /* "(unreachable)" and the like */
		return errno = EINVAL, -1;
	return remount_submounts(base, ms);
}

int sys_mount_setattr(int dfd, const char *path, unsigned flags, const struct mount_attr *attr)
{
	if (!missing[SYSC_MOUNT_SETATTR]) {
		int rc = checked(SYSC_MOUNT_SETATTR,
				 syscall(SYS_mount_setattr, dfd, path, flags, attr, sizeof(*attr)));
		if (rc == 0 || errno != ENOSYS)
			return rc;
	}
	return mount_setattr_emulate(dfd, path, flags, attr);
}

/* ---- no fallback ---- */

int sys_open_tree(int dfd, const char *path, unsigned flags)
{
	IF_MISSING(SYSC_OPEN_TREE);
	return checked(SYSC_OPEN_TREE, syscall(SYS_open_tree, dfd, path, flags));
}

int sys_move_mount(int from_dfd, const char *from, int to_dfd, const char *to, unsigned flags)
{
	IF_MISSING(SYSC_MOVE_MOUNT);
	return checked(SYSC_MOVE_MOUNT, syscall(SYS_move_mount, from_dfd, from, to_dfd, to, flags));
}

int sys_fsopen(const char *fsname, unsigned flags)
{
	IF_MISSING(SYSC_FSOPEN);
	return checked(SYSC_FSOPEN, syscall(SYS_fsopen, fsname, flags));
}

int sys_fsconfig(int fd, unsigned cmd, const char *key, const void *value, int aux)
{
	IF_MISSING(SYSC_FSCONFIG);
	return checked(SYSC_FSCONFIG, syscall(SYS_fsconfig, fd, cmd, key, value, aux));
}

int sys_fsmount(int fd, unsigned flags, unsigned attr_flags)
{
	IF_MISSING(SYSC_FSMOUNT);
	return checked(SYSC_FSMOUNT, syscall(SYS_fsmount, fd, flags, attr_flags));
}

int sys_pidfd_open(pid_t pid, unsigned flags)
{
	IF_MISSING(SYSC_PIDFD_OPEN);
	return checked(SYSC_PIDFD_OPEN, syscall(SYS_pidfd_open, pid, flags));
}
