/* executor.h - the built-in OCI executor: runs the bundle's config.json.
 *
 * clone() with the namespaces the spec lists (we are already root in the
 * pause process's user namespace, so no user namespace of our own), then in
 * the child: mounts (rootfs as a private bind, /proc, /dev as tmpfs with
 * bind-mounted device nodes, devpts newinstance, /dev/shm, mqueue, /sys,
 * the spec's bind and tmpfs mounts), masked and read-only paths,
 * pivot_root, hostname, rlimits, capabilities, no_new_privs, seccomp,
 * user and groups, env, cwd, then exec. The child never prints: errors come
 * back over a socketpair (werr_send) and exec closes it (CLOEXEC). */
#ifndef WARREN_EXECUTOR_H
#define WARREN_EXECUTOR_H

#include <stdbool.h>
#include <sys/types.h>

#include "lib/err.h"

struct exec_opts {
	bool tty;	       /* process.terminal: a pty from the container's devpts;
				  its master comes back to the caller */
	int stdin_fd;	       /* container stdin when !tty; -1 means /dev/null */
	int stdout_fd;	       /* -1: inherit ours */
	int stderr_fd;	       /* -1: inherit ours */
	const char *cache_dir; /* where compiled seccomp filters are cached
				  (seccomp-<sha256>.bpf); NULL: no cache */
};

struct ctr_proc {
	pid_t pid;	/* container init, in our pid namespace */
	int pty_master; /* -1 without a tty */
};

/* Starts the container of bundle_dir/config.json and returns once its
 * process has exec'd (or failed: then -1 with the child's error, whose
 * status is 127 for a missing executable, 126 for one that is not
 * executable, 125 otherwise). */
int executor_start(const char *bundle_dir, const struct exec_opts *o, struct ctr_proc *out,
		   struct werr *err);

/* Waits for the container to exit while forwarding SIGINT, SIGTERM,
 * SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and SIGWINCH to it. A terminating
 * signal that the container's init does not catch is turned into SIGKILL
 * (the kernel drops it for a pid-namespace init), so Ctrl-C stops a
 * container as users expect. With a pty: the terminal goes raw, stdin is
 * copied to the master when interactive, the master to stdout, window
 * size follows SIGWINCH; the terminal is restored on return. *exit_code is
 * the exit status, or 128+N after signal N. The pty master is closed
 * (p->pty_master becomes -1). */
int executor_wait(struct ctr_proc *p, bool interactive, int *exit_code, struct werr *err);

#endif
