/* executor_internal.h - what the executor's files share: config.json parsed
 * into plain C data BEFORE clone, so that the child only reads memory and
 * makes syscalls (no json, no allocation-heavy work after clone). */
#ifndef WARREN_EXECUTOR_INTERNAL_H
#define WARREN_EXECUTOR_INTERNAL_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "lib/err.h"
#include "runtime/executor.h"
#include "runtime/hooks.h"

/* Capability sets, indexes into xspec.caps. */
enum { XCAP_BOUNDING, XCAP_EFFECTIVE, XCAP_PERMITTED, XCAP_INHERITABLE, XCAP_AMBIENT, XCAP_NSETS };

/* One mount, its option words already translated. */
struct xmount {
	char *dest; /* absolute path inside the container */
	char *type; /* "proc", "tmpfs", "bind"... (NULL: bind) */
	char *source;
	char *data;		   /* options mount(2) does not know as flags */
	unsigned long flags;	   /* MS_* for the mount itself (MS_BIND|MS_REC for rbind) */
	unsigned long propagation; /* MS_PRIVATE|MS_REC... or 0 */
	bool bind;
	bool ro_remount; /* a bind that needs a second remount for its flags */
	bool is_dir;	 /* destination kind when it must be created */
};

struct xrlimit {
	int resource;
	struct rlimit lim;
};

struct xsysctl {
	char *key; /* path under /proc/sys: "net/ipv4/ip_forward" */
	char *value;
};

/* The parsed spec. Everything is owned and freed by xspec_free. */
struct xspec {
	char *root_path; /* absolute (resolved against the bundle) */
	bool root_ro;
	char *hostname;

	bool terminal;
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	size_t ngroups;
	int umask; /* -1: 022 */
	char **args;
	char **env;
	char *cwd;
	const char *path_env; /* PATH from env (points into env), or a default */
	bool caps_set;	      /* process.capabilities present */
	uint64_t caps[XCAP_NSETS];
	int cap_last; /* /proc/sys/kernel/cap_last_cap */
	bool no_new_privs;
	struct xrlimit *rlimits;
	size_t nrlimits;
	bool oom_set; /* process.oomScoreAdj */
	int oom_score_adj;

	struct xmount *mounts;
	size_t nmounts;
	int ns_flags;	    /* CLONE_NEW* (CLONE_NEWUSER: a user namespace of its own) */
	char *uid_map;	    /* its maps as /proc/PID/uid_map takes them ("0 1 1000\n..."), */
	char *gid_map;	    /* or NULL */
	char *userns_path;  /* a user namespace to join instead (linux.namespaces path) */
	char *netns_path;   /* a network namespace to join instead (ns:PATH) */
	bool rootfs_mapped; /* the storage maps the rootfs's ids itself (fuse-overlayfs), or
			       nothing can: no idmapped mount (RUNTIME_ANNOT_ROOTFS_IDMAP) */
	/* With a user namespace of its own, the child may not reach the rootfs
	 * or a bind source by path (a dir of the user's that the namespace
	 * does not map): the parent sends detached mounts of them (open_tree)
	 * and the child files them here, one per mount (-1: none) and the
	 * rootfs last (nmounts + 1 entries; NULL without such a namespace). */
	int *tree_fds;
	char **masked;
	char **readonly;
	struct xsysctl *sysctl;
	size_t nsysctl;

	bool has_seccomp;
	struct sock_fprog seccomp; /* filter owned (malloc) */

	/* OCI hooks, and what their state says (set only when there are hooks) */
	struct hook_set hooks;
	bool has_hooks;
	char *oci_version, *annotations, *bundle;
};

/* Parses bundle_dir/config.json into *s. seccomp_cache_dir may be NULL (no
 * cache). Returns 0 or -1 with err set (status 125). */
int xspec_load(const char *bundle_dir, const char *seccomp_cache_dir, struct xspec *s,
	       struct werr *err);

/* Parses an already-read config.json text (bundle_dir resolves a relative
 * root.path). */
int xspec_parse(const char *text, const char *bundle_dir, const char *seccomp_cache_dir,
		struct xspec *s, struct werr *err);

void xspec_free(struct xspec *s);

/* Sets the "K=V" entries of env over s->env (an entry with the same key is
 * replaced) and finds PATH again. */
void xspec_set_env(struct xspec *s, char *const *env);

/* Translates one OCI mount option word into m (flags, propagation, data).
 * Unknown words are appended to the data string. */
void xmount_add_option(struct xmount *m, const char *opt);

/* Compiles an OCI linux.seccomp object (json text) to classic BPF. Uses
 * <cache_dir>/seccomp-<sha256>.bpf when cache_dir is set. *out gets a
 * malloc'd filter. */
struct json_object;
int xseccomp_compile(struct json_object *seccomp, const char *cache_dir, struct sock_fprog *out,
		     struct werr *err);

/* Child side: the mounts of the spec, /dev, pivot_root, masked and
 * read-only paths, sysctls, read-only root. Returns 0 or -1 (err set). */
int xmounts_setup(const struct xspec *s, struct werr *err);

/* A container with a user namespace of its own (executor_userns.c). The
 * parent clones (xuserns_clone: with ns:PATH through a helper that joins
 * it first), then xuserns_parent writes the maps and makes an idmapped
 * mount of the rootfs for that namespace; the child waits for it in
 * xuserns_child, becomes root there and puts the mount on root_path.
 * sock is the error socketpair. Return 0 or -1 (err set); xuserns_clone
 * returns what clone does. */
bool xuserns_wanted(const struct xspec *s);
pid_t xuserns_clone(const struct xspec *s, struct werr *err);
int xuserns_parent(const struct xspec *s, pid_t pid, int sock, struct werr *err);
int xuserns_child(const struct xspec *s, int sock, struct werr *err);

/* Opens path inside rootfd (RESOLVE_IN_ROOT) as O_PATH. With create, the
 * missing components are made as directories, the last one as a directory
 * when dir is set, else as an empty file. Returns the fd or -1 (errno). */
int xopen_in_root(int rootfd, const char *path, bool create, bool dir);

/* How exec enters a running container (executor_exec.c): the namespaces
 * of its init, through a pidfd or, on older kernels, /proc/PID/ns fds. */
enum { XNS_IPC, XNS_UTS, XNS_NET, XNS_CGROUP, XNS_MNT, XNS_PID, XNS_COUNT };
struct xjoin {
	int pidfd;	     /* -1: the nsfd[] instead */
	int nsfd[XNS_COUNT]; /* -1 where nothing is joined */
	int flags;	     /* CLONE_NEW* to join (the pid namespace: xchild.pidns_fd) */
};

/* What the child of executor_start or executor_exec needs, all prepared
 * by the parent. */
struct xchild {
	const struct xspec *s;
	const struct exec_opts *o;
	const struct xjoin *join; /* exec: the container to join; NULL: run's new one */
	bool tty;
	bool pdeathsig; /* SIGKILL when the caller dies (not for exec -d) */
	bool setsid;	/* a session of its own (exec -d: no terminal's signals) */
	int pidns_fd;	/* exec: the pid namespace the child is born in (a pidfd or
			   an ns file; a helper joins it, never we); -1: ours */
	int errfd;	/* errors; CLOEXEC, so exec closes it */
	int ptyfd;	/* the pty master goes back here (tty only) */
	int netfd;	/* a netns the child joins first (set by xstart; -1: none) */
};

/* Parent side (executor.c): forks (clone_flags: the new namespaces of run;
 * 0 for exec) the child that runs c->s as c says (its errfd and ptyfd are
 * made here), and waits until it has exec'd or failed (then -1 with its
 * error and status). */
int xstart(const struct xchild *c, int clone_flags, struct ctr_proc *out, struct werr *err);

/* A running container's process s changed into exec's x: its args, env
 * over the container's, cwd, user; capabilities as Podman's exec gives
 * them (privileged: all in the bounding set; with a user or privileged,
 * root gets the bounding set, others none). Pure (unit-tested). */
int xspec_apply_exec(struct xspec *s, const struct exec_proc *x, struct werr *err);

/* Child side (executor_exec.c): setns() into j's namespaces; the root and
 * cwd become the container's "/". Returns 0 or -1 (err set). */
int xjoin_enter(const struct xjoin *j, struct werr *err);

/* Child side (executor_proc.c). The caller's fds (-1: /dev/null) become
 * 0-2. */
int xproc_stdio(const struct exec_opts *o, struct werr *err);
/* rlimits, umask, credentials, pty, capabilities, no_new_privs, seccomp,
 * cwd, then exec: returns only on failure (status 126, 127 or 125). */
int xproc_exec(const struct xchild *a, struct werr *err);
/* Every signal back to its default, none blocked (exec keeps both). */
void xproc_reset_signals(void);

#endif
