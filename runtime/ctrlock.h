/* ctrlock.h - who owns a container's lifetime, and whether it is alive.
 *
 * The owner of a container (the foreground `run` today, a detached
 * container's monitor later) holds an exclusive flock on
 * <runroot>/locks/<id> from before the rootfs is set up until the
 * container is recorded as exited or removed. Every other command learns
 * whether the owner lives with a try-lock: liveness never comes from age
 * (issue 5 item 2), and the kernel drops the lock when the owner dies, even
 * by SIGKILL. The file also carries the owner's and the container
 * process's pid and start time, so that ps, inspect and rm -f see a
 * running `run --rm` without a database write per run. The runtime dir is
 * meant to be a tmpfs; nothing here syncs anything. */
#ifndef WARREN_CTRLOCK_H
#define WARREN_CTRLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/err.h"

/* What the owner wrote into its lock file. */
struct ctrlock_info {
	pid_t owner; /* the owning process (0: none recorded) */
	uint64_t owner_start;
	pid_t pid;	    /* the container's init, 0 until it started */
	uint64_t pid_start; /* its start time (proc_start_time) */
	int64_t started;    /* when it started, ns since the epoch */
};

/* Owner side. Creates and locks <runroot>/locks/<id>, with this process
 * as the owner; the lock is visible only once it is held. Returns the fd
 * (CLOEXEC), which the owner keeps open for the container's life, or -1. */
int ctrlock_create(const char *runroot, const char *id, struct werr *err);

/* Owner side: records the container's process in the lock file fd. */
int ctrlock_set_proc(int fd, pid_t pid, uint64_t pid_start, int64_t started, struct werr *err);

/* Gives a held lock up: unlinks the file while still holding it (the
 * container is settled: exited, removed, or created without an owner),
 * then closes fd. fd < 0 does nothing. */
void ctrlock_release(const char *runroot, const char *id, int fd);

enum ctrlock_state {
	CTRLOCK_NONE,  /* no lock file: no owner (nothing was created) */
	CTRLOCK_OWNED, /* held: *info says which owner and what runs (owner 0:
			  another command holds it for a moment, as rm does) */
	CTRLOCK_STALE, /* the file was there but its owner is gone: now ours */
	CTRLOCK_FRESH, /* there was none; we created it (create only): ours */
};

/* Everyone else: tries to take id's lock without waiting. With create, a
 * missing file is created (a command that must exclude others while it
 * changes the container, such as rm). STALE and FRESH put the held fd in
 * *fd (give it back with ctrlock_release), with *info as a dead owner
 * left it; OWNED fills *info. Returns the state or -1 with err set. */
int ctrlock_try(const char *runroot, const char *id, bool create, int *fd,
		struct ctrlock_info *info, struct werr *err);

/* Reads what the owner wrote into the lock file fd: 0, or -1 when it holds
 * no whole record. */
int ctrlock_read(int fd, struct ctrlock_info *info);

/* A command handed the lock of id by its owner (an inherited fd, as the
 * monitor runs `container cleanup --lock-fd N`): checks that fd is that
 * lock file and that it is held through this open file (flock on it
 * succeeds at once), so that nobody else holds it. 0, or -1 with err set. */
int ctrlock_adopt(const char *runroot, const char *id, int fd, struct werr *err);

/* Blocks until id's owner lets go of its lock (at once when there is none);
 * with a deadline (ns since the epoch, 0: none), -1 with ETIMEDOUT after
 * it. The lock is not taken: the caller looks the container up again. */
int ctrlock_wait(const char *runroot, const char *id, int64_t deadline, struct werr *err);

/* The exit record <runroot>/exits/<id>: the monitor of a detached
 * container writes the code it reaped there ("N\n", renamed into place)
 * before it runs the exit command, as conmon writes its exit file. When
 * that command then fails (a busy database on a loaded machine, a changed
 * subuid file), the lock is left unheld and whoever settles it records
 * this code, not the 137 of an owner that died with its container. */
char *ctrlock_exit_path(const char *runroot, const char *id);

/* The code in id's exit record: 0 with *code set, -1 when there is none
 * (or it does not hold a number). */
int ctrlock_exit_read(const char *runroot, const char *id, int *code);

/* Removes id's exit record (a new start, a recorded exit, a removal). */
void ctrlock_exit_clear(const char *runroot, const char *id);

#endif
