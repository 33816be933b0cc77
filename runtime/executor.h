/* executor.h - the built-in OCI executor: runs the bundle's config.json.
 *
 * clone() with the namespaces the spec lists (we are already root in the
 * pause process's user namespace; a user namespace of the container's own
 * only when the spec has one: executor_userns.c), then in
 * the child: mounts (rootfs as a private bind, /proc, /dev as tmpfs with
 * bind-mounted device nodes, devpts newinstance, /dev/shm, mqueue, /sys,
 * the spec's bind and tmpfs mounts), masked and read-only paths,
 * pivot_root, hostname, rlimits, capabilities, no_new_privs, seccomp,
 * user and groups, env, cwd, then exec. The child never prints: errors come
 * back over a socketpair (werr_send) and exec closes it (CLOEXEC). */
#ifndef WARREN_EXECUTOR_H
#define WARREN_EXECUTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/err.h"

/* config.json annotation: the rootfs of a container with a user namespace
 * of its own needs no idmapped mount (value: who maps its ids,
 * "fuse-overlayfs", or "none"). */
#define RUNTIME_ANNOT_ROOTFS_IDMAP "io.warren.rootfs-idmap"

struct exec_opts {
	bool tty;	       /* process.terminal: a pty from the container's devpts;
				  its master comes back to the caller */
	int stdin_fd;	       /* container stdin when !tty; -1 means /dev/null */
	int stdout_fd;	       /* container stdout when !tty; -1 means /dev/null */
	int stderr_fd;	       /* container stderr when !tty; -1 means /dev/null */
	unsigned short rows;   /* with a pty: its window size from the start (0: */
	unsigned short cols;   /* the kernel's 0x0, which some programs reject) */
	const char *cache_dir; /* where compiled seccomp filters are cached
				  (seccomp-<sha256>.bpf); NULL: no cache */
	const char *id;	       /* the container's id, for the state its OCI hooks read */
	/* cgroup.procs of the container's own cgroups (runtime/cgroup.h): its
	   child writes "0" to each before anything else, so that all it ever
	   runs is in them */
	const int *cgroup_fds;
	int ncgroup_fds;
	/* Called in the parent once the container's process exists (its
	 * namespaces made, its own user namespace mapped) and before it may
	 * go on: the network helpers attach to its netns here (NULL: none).
	 * netns_fd: that netns, opened before its process changed its
	 * credentials (a process of its own user namespace is not dumpable
	 * then, and /proc/PID/ns of it is out of reach). */
	int (*net_setup)(void *arg, pid_t pid, int netns_fd, struct werr *err);
	void *net_arg;
	bool join_netns; /* the process joins netns_fd instead of a new netns */
	int netns_fd;
	/* a pod member (runtime/pods.h): the ipc, uts and pid namespaces of
	   its pod's infra that it joins instead of new ones (-1: a new one);
	   all three unused unless join_pod */
	bool join_pod;
	int pod_ipc_fd, pod_uts_fd, pod_pid_fd;
};

struct ctr_proc {
	pid_t pid;	/* container init, in our pid namespace */
	int pty_master; /* -1 without a tty */
};

/* Starts the container of bundle_dir/config.json and returns once its
 * process has exec'd (or failed: then -1 with the child's error, whose
 * status is 127 for a missing executable, 126 for one that is not
 * executable or when a hook failed, 125 otherwise). The spec's OCI hooks
 * run on the way: prestart and createRuntime here while the child waits
 * before its mounts, createContainer in the child before them,
 * startContainer in the child after pivot_root, poststart here once it
 * runs (a failure there is only logged). */
int executor_start(const char *bundle_dir, const struct exec_opts *o, struct ctr_proc *out,
		   struct werr *err);

/* What exec changes in a running container's process; everything else
 * (env, rlimits, umask, capabilities, no_new_privs, seccomp) is as its
 * config.json says. */
struct exec_proc {
	char *const *args; /* the command; args[0] is searched in the container's PATH */
	char *const *env;  /* "K=V" set over the container's env */
	const char *cwd;   /* absolute; NULL: the container's */
	bool set_user;	   /* uid, gid, groups replace the container's user; its
			      capabilities follow (root: the bounding set, else none) */
	uid_t uid;
	gid_t gid;
	const gid_t *groups;
	size_t ngroups;
	bool privileged; /* every capability in the bounding set (effective for root) */
	bool detach;	 /* outlives the caller: a session of its own, no parent-death
			    signal (the caller passes no tty and fds -1) */
};

/* Runs x in the running container whose init is pid (started at
 * pid_start, see proc_start_time) and whose OCI bundle is bundle_dir:
 * joins the namespaces of that init (a pidfd, else /proc/PID/ns), so that
 * the process is in its pid namespace and sees its root and nothing
 * else, and sets it up as executor_start does, o saying where its stdio
 * goes and whether it gets a pty (from the container's devpts). Returns
 * once it has exec'd: out->pid is our child (executor_wait, executor_kill
 * serve it as a container's init). Errors as executor_start's; when the
 * init is gone (or pid is another process now), err->errnum is ESRCH. */
int executor_exec(const char *bundle_dir, pid_t pid, uint64_t pid_start, const struct exec_proc *x,
		  const struct exec_opts *o, struct ctr_proc *out, struct werr *err);

/* Output that passes through the waiting side on its way to the caller's
 * fds, so that it can be logged too (a foreground container's k8s-file
 * log): out_pipe and err_pipe (-1: none) are the read ends of pipes the
 * container writes its stdout and stderr to, copied to exec_io's out_fd
 * and err_fd (executor_wait closes them); every chunk of output, theirs
 * or the pty's (all stdout), also goes to on_output. */
struct exec_tee {
	int out_pipe, err_pipe;
	void (*on_output)(void *arg, bool is_stderr, const char *buf, size_t n);
	void *arg;
};

/* What the waiting side attaches to a running container: the engine never
 * touches fds 0-2 or a terminal on its own, the caller (the CLI, a
 * detached container's monitor, the REST API) says which fds to use. */
struct exec_io {
	int in_fd;		   /* without a pty: the container's stdin (-1: /dev/null);
				      with one: copied into it (end of file sends ^D; -1: none) */
	int out_fd;		   /* without a pty: its stdout (-1: /dev/null); with one:
				      what the container writes is copied here */
	int err_fd;		   /* without a pty: its stderr (-1: /dev/null) */
	unsigned short rows, cols; /* the pty's size at the start (see exec_opts) */
	/* An fd the wait loop also polls for the caller (-1: none), such as a
	 * signalfd or a control socket: when it is readable, on_event runs and
	 * may call executor_kill or executor_resize. */
	int event_fd;
	void (*on_event)(void *arg, const struct ctr_proc *p);
	void *event_arg;
	const struct exec_tee *tee; /* NULL: the output goes straight to the caller */
};

/* Waits for the container to exit (SIGCHLD, through a signalfd of its
 * own: SIGCHLD is blocked meanwhile), copying the pty both ways, the
 * output through io->tee, and serving io->event_fd. With a tee, SIGPIPE
 * is ignored meanwhile: a caller's output that went away closes that
 * stream's pipe (the container gets its SIGPIPE, as when it wrote there
 * itself); the pty's output is then only logged. *exit_code is the exit status, or 128+N after
 * signal N. The pty master is closed (p->pty_master becomes -1). */
int executor_wait(struct ctr_proc *p, const struct exec_io *io, int *exit_code, struct werr *err);

/* Sends sig to the container's init. A pid namespace's init without a
 * handler for sig ignores it, as the kernel wants (and Podman shows). */
int executor_kill(const struct ctr_proc *p, int sig, struct werr *err);

/* Sets the window size of the container's pty (the caller's terminal was
 * resized); the kernel signals SIGWINCH to the container's foreground. */
int executor_resize(const struct ctr_proc *p, unsigned short rows, unsigned short cols,
		    struct werr *err);

#endif
