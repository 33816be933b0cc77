/* pausescan.h - finding pause processes in /proc without their pid file.
 *
 * A runtime dir removed under a live pause process (a /tmp cleaner, a new
 * XDG_RUNTIME_DIR) used to leave that process running for ever, out of
 * reach of `system migrate` (issue 5 item 11). Every pause process now
 * carries a marker: a memfd at a fixed fd naming the runtime dir it belongs
 * to. Its command line is only "warren-pause" and its environment is empty,
 * so the marker is how it is told apart: /proc/PID/fd/ is readable by its
 * user only (and by nobody else, as the pause process owns its namespace). */
#ifndef WARREN_PAUSESCAN_H
#define WARREN_PAUSESCAN_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PAUSE_ARGV0   "warren-pause"
#define PAUSE_MARK_FD 3

/* A pause process found in /proc. */
struct pause_proc {
	pid_t pid;
	unsigned long long start;  /* start time: pid reuse */
	unsigned long long userns; /* inode of its user namespace */
	char dir[PATH_MAX];	   /* the runtime dir its marker names */
};

/* A new marker naming runtime dir dir: a memfd, not close-on-exec, at the
 * lowest free fd. Returns the fd, or -1 with errno set (the pause process
 * then runs without one: it cannot be found again if its pid file is lost). */
int pause_marker_create(const char *dir);

/* Makes the marker of live pause process pid name dir (it was adopted by
 * another runtime dir). 0 or -1 with errno set. */
int pause_marker_set(pid_t pid, const char *dir);

/* Every live pause process that uid (as this process sees ids) runs and
 * whose marker is readable. *out is malloc'd. Returns how many. */
size_t pause_scan(uid_t uid, struct pause_proc **out);

/* Live processes (zombies aside) in the user namespace of inode userns,
 * other than except, the caller and its helpers. The first max pids go
 * to pids. Returns how many there are. */
size_t userns_members(unsigned long long userns, pid_t except, pid_t *pids, size_t max);

/* The helpers among them: the squashfuse daemons of the shared .sqsh
 * mounts (runtime/ctr_sqsh.h) and the fuse-overlayfs daemons of pooled
 * rootfs (storage/pool.h), which belong to the namespace and go with
 * it. Same contract as userns_members. */
size_t userns_helpers(unsigned long long userns, pid_t *pids, size_t max);

#endif
