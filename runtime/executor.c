/* executor.c - executor_start: parse the spec, clone into the namespaces,
 * and in the child set up the mounts, then the process (executor_proc.c:
 * limits, terminal, credentials, capabilities and seccomp, exec). exec
 * into a running container (executor_exec.c) forks here too. The child
 * never prints: errors go back over a CLOEXEC socketpair, whose EOF tells
 * the parent exec worked. */
#include "runtime/executor.h"
#include "net/net.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/syscalls.h"
#include "lib/util.h"
#include "runtime/executor_internal.h"

static __attribute__((noreturn)) void child_fail(int fd, const struct werr *err)
{
	werr_send(fd, err);
	_exit(1);
}

/* What a new container's namespaces need before its process is set up. */
static int new_ns_setup(const struct xspec *s, bool own_netns, struct werr *err)
{
	if ((s->ns_flags & CLONE_NEWUTS) && s->hostname != NULL &&
	    sethostname(s->hostname, strlen(s->hostname)) < 0)
		return werr_set(err, errno, "sethostname '%s'", s->hostname);
	/* a new network namespace starts with lo down; Podman's "none" has it up */
	if (own_netns && (s->ns_flags & CLONE_NEWNET) && net_loopback_up(err) < 0)
		return -1;
	return 0;
}

/* The state the child's OCI hooks read (createContainer, startContainer):
 * the parent sends it once its own hooks have run. */
static char hook_state[65536];

/* With hooks the child waits for that go-ahead before its mounts. */
static int child_wait_hooks(int sock, struct werr *err)
{
	ssize_t n;

	do
		n = recv(sock, hook_state, sizeof(hook_state) - 1, 0);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return werr_set(err, n < 0 ? errno : EPIPE, "wait for the prestart hooks");
	hook_state[n] = '\0';
	return 0;
}

static int child_hooks(const struct xspec *s, enum hook_stage st, struct werr *err)
{
	return s->hooks.n[st] ? hooks_run(&s->hooks, st, hook_state, false, err) : 0;
}

/* process.oomScoreAdj, while the child still has every capability
 * (below the current value needs CAP_SYS_RESOURCE; rootless, it cannot
 * be had); after the parent's go-ahead, so that it reads this error */
static int set_oom_score(const struct xspec *s, struct werr *err)
{
	char v[16];
	cleanup_close int fd = -1;

	if (!s->oom_set)
		return 0;
	snprintf(v, sizeof(v), "%d", s->oom_score_adj);
	fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, v, strlen(v)) < 0)
		return werr_set(err, errno, "set oom_score_adj to %s%s", v,
				errno == EACCES ? " (below the current value needs root)" : "");
	return 0;
}

/* A new container: its hooks (createContainer before the mounts,
 * startContainer after pivot_root), its mounts, hostname, loopback. */
static int new_container(const struct xchild *a, struct werr *err)
{
	bool hooks = a->s->has_hooks;

	/* the prestart hooks first (and the network helpers before them) */
	if (hooks && child_wait_hooks(a->errfd, err) < 0)
		return -1;
	if (child_hooks(a->s, HOOK_CREATE_CONTAINER, err) < 0 || xmounts_setup(a->s, err) < 0 ||
	    new_ns_setup(a->s, !a->o->join_netns && a->s->netns_path == NULL, err) < 0)
		return -1;
	/* without hooks the helper (slirp4netns: some 40 ms) configures the
	 * netns while we made the mounts: wait for it only now */
	if (!hooks && a->o->net_setup && child_wait_hooks(a->errfd, err) < 0)
		return -1;
	if (set_oom_score(a->s, err) < 0)
		return -1;
	return child_hooks(a->s, HOOK_START_CONTAINER, err);
}

/* Into the container's cgroups (exec_opts.cgroup_fds), first thing. */
static int join_cgroups(const struct exec_opts *o, struct werr *err)
{
	for (int i = 0; o != NULL && i < o->ncgroup_fds; i++)
		if (write(o->cgroup_fds[i], "0", 1) != 1)
			return werr_set(err, errno, "move the container into its cgroup");
	return 0;
}

/* Child side: a pod member joins its infra's ipc and uts namespaces
 * (exec_opts.join_pod), while it is still root in ours. */
static int join_pod_ns(const struct exec_opts *o, struct werr *err)
{
	if (!o->join_pod)
		return 0;
	if (o->pod_ipc_fd >= 0 && setns(o->pod_ipc_fd, CLONE_NEWIPC) < 0)
		return werr_set(err, errno, "join the ipc namespace of the pod");
	if (o->pod_uts_fd >= 0 && setns(o->pod_uts_fd, CLONE_NEWUTS) < 0)
		return werr_set(err, errno, "join the uts namespace of the pod");
	return 0;
}

static __attribute__((noreturn)) void child_main(const struct xchild *a)
{
	struct werr err;

	werr_clear(&err);
	if (join_cgroups(a->o, &err) < 0)
		child_fail(a->errfd, &err);
	/* a cgroup namespace of its own was made by clone, before the move
	 * into the container's cgroup: a new one roots it there (Podman's
	 * private cgroupns shows "0::/") */
	if (a->join == NULL && (a->s->ns_flags & CLONE_NEWCGROUP) && a->o->ncgroup_fds > 0 &&
	    unshare(CLONE_NEWCGROUP) < 0) {
		werr_set(&err, errno, "unshare the cgroup namespace");
		child_fail(a->errfd, &err);
	}
	if (a->pdeathsig)
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* exec's child lives among the container's processes at once: until
	 * its exec (which resets this), none of them may ptrace it or open
	 * its /proc/PID/exe, the warren binary (CVE-2019-5736) */
	if (a->join != NULL)
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (a->setsid)
		setsid();
	xproc_reset_signals();
	/* whatever else our caller inherited must not leak into the container
	 * (CVE-2024-21626 class); the errors and pty sockets close on exec */
	if (sys_close_range(3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		werr_set(&err, errno, "mark inherited file descriptors close-on-exec");
		child_fail(a->errfd, &err);
	}
	/* container:REF, ns:PATH: their netns, while we may still join it */
	if (a->netfd >= 0 && setns(a->netfd, CLONE_NEWNET) < 0) {
		werr_set(&err, errno, "join the network namespace");
		child_fail(a->errfd, &err);
	}
	/* a pod member: its infra's ipc and uts namespaces (pid: xstart) */
	if (a->join == NULL && join_pod_ns(a->o, &err) < 0)
		child_fail(a->errfd, &err);
	/* its own user namespace: the maps first (the parent writes them) */
	if (a->join == NULL && xuserns_wanted(a->s) && xuserns_child(a->s, a->errfd, &err) < 0)
		child_fail(a->errfd, &err);
	if (!a->tty && xproc_stdio(a->o, &err) < 0)
		child_fail(a->errfd, &err);
	if (a->join != NULL ? xjoin_enter(a->join, &err) < 0 : new_container(a, &err) < 0)
		child_fail(a->errfd, &err);
	xproc_exec(a, &err);
	child_fail(a->errfd, &err);
}

/* The netns the container joins (ns:PATH in the spec, container:REF
 * through o->netns_fd): an fd, -1 for a new one, -2 on error. */
static int netns_to_join(const struct xchild *c, struct werr *err)
{
	int fd;

	if (c->join != NULL)
		return -1;
	if (c->o->join_netns)
		return fcntl(c->o->netns_fd, F_DUPFD_CLOEXEC, 3);
	if (c->s->netns_path == NULL)
		return -1;
	fd = open(c->s->netns_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		werr_set(err, errno, "cannot find specified network namespace path '%s'",
			 c->s->netns_path);
		return -2;
	}
	return fd;
}

static void close_pair(int p[2])
{
	for (int i = 0; i < 2; i++)
		if (p[i] >= 0) {
			close(p[i]);
			p[i] = -1;
		}
}

/* Reaps a child that reported an error; its status stays the error's. */
static void reap(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* The prestart and createRuntime hooks, while the child waits (its
 * namespaces exist, its mounts do not yet); then it may go on. */
static int parent_hooks(const struct xspec *s, const struct exec_opts *o, pid_t pid, int sock,
			struct werr *err)
{
	cleanup_free char *state = hooks_state(s->oci_version, o->id ? o->id : "", "creating", pid,
					       s->bundle, s->annotations);

	if (hooks_run(&s->hooks, HOOK_PRESTART, state, false, err) < 0 ||
	    hooks_run(&s->hooks, HOOK_CREATE_RUNTIME, state, false, err) < 0)
		return -1;
	if (send(sock, state, strlen(state), MSG_NOSIGNAL) < 0)
		return werr_set(err, errno, "start the container after its prestart hooks");
	return 0;
}

/* The container's network helpers, then (without hooks, which send the
 * go-ahead themselves) the go-ahead. */
static int net_go(const struct xchild *c, pid_t pid, int nsfd, int sock, struct werr *err)
{
	if (c->o->net_setup(c->o->net_arg, pid, nsfd, err) < 0)
		return -1;
	if (!c->s->has_hooks && send(sock, "go", 2, MSG_NOSIGNAL) < 0) {
		int saved = errno;
		/* it failed before it waited for us: its own error says why */
		if (werr_recv(sock, err) == 1)
			return -1;
		return werr_set(err, saved, "start the container after its network");
	}
	return 0;
}

/* poststart: the container runs whatever they say (runtime-spec). */
static void poststart_hooks(const struct xspec *s, const struct exec_opts *o, pid_t pid)
{
	cleanup_free char *state = NULL;
	struct werr err = {0};

	if (s->hooks.n[HOOK_POSTSTART] == 0)
		return;
	state = hooks_state(s->oci_version, o->id ? o->id : "", "running", pid, s->bundle,
			    s->annotations);
	if (hooks_run(&s->hooks, HOOK_POSTSTART, state, true, &err) < 0)
		log_warn("%s", err.msg);
}

/* What the child of xstart starts from: its arguments and both ends of
 * the sockets (it closes ours). */
struct spawn {
	const struct xchild *c;
	int es[2], ps[2];
	int netfd; /* the netns it joins, -1: a new one or ours */
};

static __attribute__((noreturn)) void child_entry(const struct spawn *sp)
{
	struct xchild a = *sp->c;

	a.netfd = sp->netfd;
	a.errfd = sp->es[1];
	a.ptyfd = sp->ps[1];
	close(sp->es[0]);
	if (sp->ps[0] >= 0)
		close(sp->ps[0]);
	child_main(&a);
}

/* exec's child, born in the container's pid namespace. setns(CLONE_NEWPID)
 * moves only the children-to-be of the caller, and there is no way back
 * for a rootless one: re-entering its own pid namespace takes
 * CAP_SYS_ADMIN over the user namespace owning it (the host's: EPERM),
 * and every later fork would be born in the container (ENOMEM once its
 * init is gone). So a helper joins it and clones the child as ours
 * (CLONE_PARENT): we never change namespaces. The helper shares our
 * memory and we wait for it (CLONE_VM | CLONE_VFORK, as posix_spawn),
 * which costs no copy of our page tables: one clone more than a plain
 * fork, no more. */
struct pidns_helper {
	int nsfd;
	int nstype; /* CLONE_NEWPID, or CLONE_NEWNET: a netns owned by a user
		       namespace above the child's own (the same trick: we
		       could not come back) */
	int flags;  /* the child's new namespaces (a pod member's start, its
		       own user namespace), 0 for exec */
	const struct spawn *sp;
	pid_t pid;  /* the child, or -1 */
	int errnum; /* why not (of setns or clone) */
};

static int pidns_helper_main(void *arg)
{
	struct pidns_helper *h = arg;
	pid_t pid;

	if (setns(h->nsfd, h->nstype) < 0) {
		h->errnum = errno;
		_exit(1);
	}
	/* like fork: the child runs on its own copy of this stack */
	pid = (pid_t)syscall(SYS_clone, (unsigned long)CLONE_PARENT | h->flags | SIGCHLD, NULL,
			     NULL, NULL, 0);
	if (pid == 0)
		child_entry(h->sp);
	h->errnum = pid < 0 ? errno : 0;
	h->pid = pid;
	_exit(0);
}

#define PIDNS_HELPER_STACK (256 * 1024) /* the child's too, until it execs */

/* The child of sp in the namespace nsfd of nstype (a pidfd or an ns
 * file), as our own; -1 with err set (errnum: setns's or clone's). */
static pid_t clone_in_ns(int nsfd, int nstype, int flags, const struct spawn *sp, struct werr *err)
{
	struct pidns_helper h = {
	    .nsfd = nsfd, .nstype = nstype, .flags = flags, .sp = sp, .pid = -1, .errnum = EIO};
	sigset_t all, old;
	pid_t helper;
	void *stack = mmap(NULL, PIDNS_HELPER_STACK, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);

	if (stack == MAP_FAILED)
		return werr_set(err, errno, "clone the exec process");
	/* no handler of ours may run on the helper's stack, in our memory */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	helper = clone(pidns_helper_main, (char *)stack + PIDNS_HELPER_STACK,
		       CLONE_VM | CLONE_VFORK | SIGCHLD, &h);
	if (helper < 0)
		h.errnum = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (helper > 0)
		reap(helper);
	munmap(stack, PIDNS_HELPER_STACK);
	if (h.pid > 0)
		return h.pid;
	errno = h.errnum;
	return -1;
}

int xstart(const struct xchild *c, int clone_flags, struct ctr_proc *out, struct werr *err)
{
	struct spawn sp = {.c = c, .ps = {-1, -1}, .netfd = -1};
	int *es = sp.es, *ps = sp.ps;
	cleanup_close int errfd = -1, ptyfd = -1;
	pid_t pid;
	int master = -1, rc, netfd, nsfd = -1;
	bool userns, pod;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, es) < 0)
		return werr_set(err, errno, "socketpair");
	if (c->tty && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ps) < 0) {
		close(es[0]);
		close(es[1]);
		return werr_set(err, errno, "socketpair");
	}
	/* like fork (no stack: the child runs on a copy of ours), but with
	 * CLONE_NEWPID the child is pid 1 of its namespace */
	userns = c->join == NULL && xuserns_wanted(c->s);
	netfd = netns_to_join(c, err);
	if (netfd == -2) {
		close_pair(es);
		close_pair(ps);
		return -1;
	}
	if (netfd >= 0 && userns && c->s->userns_path != NULL) {
		close(netfd);
		close_pair(es);
		close_pair(ps);
		return werr_set(err, EINVAL,
				"sharing a network namespace while joining another user namespace "
				"is not supported");
	}
	if (netfd >= 0)
		clone_flags &= ~CLONE_NEWNET;
	/* its own user namespace would not own that netns: once in there the
	 * child could not join it, so it is born in it (clone_in_ns) */
	sp.netfd = netfd >= 0 && userns ? -1 : netfd;
	pod = c->join == NULL && c->o->join_pod;
	if (pod && userns) {
		if (netfd >= 0)
			close(netfd);
		close_pair(es);
		close_pair(ps);
		return werr_set(
		    err, EINVAL,
		    "a pod member with a user namespace of its own is not supported yet");
	}
	if (pod)
		clone_flags &= ~((c->o->pod_ipc_fd >= 0 ? CLONE_NEWIPC : 0) |
				 (c->o->pod_uts_fd >= 0 ? CLONE_NEWUTS : 0) |
				 (c->o->pod_pid_fd >= 0 ? CLONE_NEWPID : 0));
	if (userns && netfd >= 0)
		pid = clone_in_ns(netfd, CLONE_NEWNET, c->s->ns_flags & ~CLONE_NEWNET, &sp, err);
	else if (userns)
		pid = xuserns_clone(c->s, err);
	else if (c->join != NULL && c->pidns_fd >= 0)
		pid = clone_in_ns(c->pidns_fd, CLONE_NEWPID, 0, &sp, err);
	else if (pod && c->o->pod_pid_fd >= 0)
		pid = clone_in_ns(c->o->pod_pid_fd, CLONE_NEWPID, clone_flags, &sp, err);
	else
		pid = (pid_t)syscall(SYS_clone, (unsigned long)clone_flags | SIGCHLD, NULL, NULL,
				     NULL, 0);
	if (pid == 0)
		child_entry(&sp);
	if (netfd >= 0)
		close(netfd);
	rc = pid < 0 ? errno : 0;
	/* its netns, for its network helper, while it still has our creds */
	if (pid > 0 && c->join == NULL && c->o->net_setup) {
		cleanup_free char *p = xasprintf("/proc/%d/ns/net", (int)pid);
		nsfd = open(p, O_RDONLY | O_CLOEXEC);
	}
	errfd = es[0];
	ptyfd = ps[0];
	close(es[1]);
	if (ps[1] >= 0)
		close(ps[1]);
	if (pid < 0 && c->join != NULL && c->pidns_fd >= 0)
		return werr_set(err, rc, "join the pid namespace of the container");
	if (pid < 0 && pod && c->o->pod_pid_fd >= 0)
		return werr_set(err, rc, "join the pid namespace of the pod");
	if (pid < 0 && userns && netfd >= 0)
		return werr_set(err, rc, "clone the container process into the network namespace");
	if (pid < 0)
		return userns ? -1 : werr_set(err, rc, "clone the container process");
	/* its own user namespace: maps and the idmapped rootfs first */
	if (userns && xuserns_parent(c->s, pid, errfd, err) < 0) {
		if (nsfd >= 0)
			close(nsfd);
		kill(pid, SIGKILL);
		reap(pid);
		return -1;
	}
	rc = c->join == NULL && c->o->net_setup ? net_go(c, pid, nsfd, errfd, err) : 0;
	if (nsfd >= 0)
		close(nsfd);
	if (rc < 0) {
		kill(pid, SIGKILL);
		reap(pid);
		return -1;
	}
	if (c->join == NULL && c->s->has_hooks && parent_hooks(c->s, c->o, pid, errfd, err) < 0) {
		kill(pid, SIGKILL);
		reap(pid);
		return -1;
	}
	if (c->tty)
		master = fd_recv(ptyfd);
	rc = werr_recv(errfd, err);
	if (rc != 0) {
		if (master >= 0)
			close(master);
		if (rc < 0)
			kill(pid, SIGKILL);
		reap(pid);
		return -1;
	}
	if (c->tty && master < 0) {
		reap(pid);
		return werr_set(err, EIO, "the container sent no terminal");
	}
	out->pid = pid;
	out->pty_master = master;
	return 0;
}

int executor_start(const char *bundle_dir, const struct exec_opts *o, struct ctr_proc *out,
		   struct werr *err)
{
	struct xspec s;
	int rc;

	if (xspec_load(bundle_dir, o->cache_dir, &s, err) < 0)
		return -1;
	struct xchild c = {.s = &s, .o = o, .tty = s.terminal || o->tty, .pdeathsig = true};
	rc = xstart(&c, s.ns_flags, out, err);
	if (rc == 0)
		poststart_hooks(&s, o, out->pid);
	xspec_free(&s);
	return rc;
}
