/* syscalls.h - the newer Linux syscalls, one wrapper each.
 *
 * Every wrapper calls the syscall through syscall(2) (no glibc version
 * needed), remembers ENOSYS in a static bool (kernel too old, or a seccomp
 * filter: then the next call does not try again) and, where userspace can
 * do the same job, falls back:
 *   openat2        5.6   a component walk with O_NOFOLLOW (below)
 *   close_range    5.9   a walk of /proc/self/fd (CLOEXEC flag: 5.11)
 *   mount_setattr  5.12  MS_REMOUNT|MS_BIND of the mount and, with
 *                        AT_RECURSIVE, of every mount below it
 * The others (open_tree, move_mount, fsopen, fsconfig, fsmount: 5.2;
 * pidfd_open: 5.3) have no userspace equivalent: callers take their own
 * older path on ENOSYS.
 *
 * Every function returns what the syscall does (an fd or 0), or -1 with
 * errno set. None allocates: the executor calls them after clone. */
#ifndef WARREN_SYSCALLS_H
#define WARREN_SYSCALLS_H

#include <linux/openat2.h>
#include <stdbool.h>
#include <sys/mount.h>
#include <sys/types.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* The wrapped syscalls, for syscalls_set_missing. */
enum sys_call {
	SYSC_OPENAT2,
	SYSC_CLOSE_RANGE,
	SYSC_MOUNT_SETATTR,
	SYSC_OPEN_TREE,
	SYSC_MOVE_MOUNT,
	SYSC_FSOPEN,
	SYSC_FSCONFIG,
	SYSC_FSMOUNT,
	SYSC_PIDFD_OPEN,
	SYSC_COUNT
};

/* openat2(2). On ENOSYS, openat2_emulate. */
int sys_openat2(int dirfd, const char *path, const struct open_how *how);

/* openat2 in userspace for the resolve flags warren uses: RESOLVE_IN_ROOT
 * (symlinks and ".." resolved with dirfd as "/", ".." clamped there),
 * RESOLVE_BENEATH (EXDEV for anything leaving dirfd, absolute symlinks
 * included), RESOLVE_NO_SYMLINKS (ELOOP) and RESOLVE_NO_MAGICLINKS (a
 * symlink's text is resolved as a path, never the kernel object a /proc
 * magic link stands for). Each component is opened with O_NOFOLLOW and
 * checked; more than 40 symlinks give ELOOP, as in the kernel. Other
 * resolve flags: ENOSYS. O_CREAT creates only a missing last component.
 * Exposed for tests, which compare it with the kernel's. */
int openat2_emulate(int dirfd, const char *path, const struct open_how *how);

/* close_range(2). On ENOSYS (or EINVAL for CLOSE_RANGE_CLOEXEC before
 * 5.11), close_range_emulate. */
int sys_close_range(unsigned first, unsigned last, unsigned flags);

/* Closes (or with CLOSE_RANGE_CLOEXEC marks close-on-exec) every open fd
 * in [first, last], found in /proc/self/fd, or by trying each number up
 * to the fd limit when /proc is not there. Exposed for tests. */
int close_range_emulate(unsigned first, unsigned last, unsigned flags);

/* mount_setattr(2). On ENOSYS, mount_setattr_emulate. */
int sys_mount_setattr(int dfd, const char *path, unsigned flags, const struct mount_attr *attr);

/* mount_setattr for what the fallback can do: dfd (the root of a mount,
 * path "" with AT_EMPTY_PATH) gets attr_set's RDONLY, NOSUID, NODEV and
 * NOEXEC added by a bind remount that keeps its other flags; with
 * AT_RECURSIVE so does every mount below it, found in
 * /proc/self/mountinfo. A mount hidden under another one at the same
 * place cannot be reached by path and is left as it is. Anything else
 * (attr_clr, propagation, idmaps): ENOSYS. Exposed for tests. */
int mount_setattr_emulate(int dfd, const char *path, unsigned flags, const struct mount_attr *attr);

/* The new mount API and pidfd_open: no fallback (ENOSYS remembered). */
int sys_open_tree(int dfd, const char *path, unsigned flags);
int sys_move_mount(int from_dfd, const char *from, int to_dfd, const char *to, unsigned flags);
int sys_fsopen(const char *fsname, unsigned flags);
int sys_fsconfig(int fd, unsigned cmd, const char *key, const void *value, int aux);
int sys_fsmount(int fd, unsigned flags, unsigned attr_flags);
int sys_pidfd_open(pid_t pid, unsigned flags);

/* Tests: behave as if the kernel lacked call (missing) or probe it again. */
void syscalls_set_missing(enum sys_call call, bool missing);

#endif
