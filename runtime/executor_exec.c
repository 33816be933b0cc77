/* executor_exec.c - executor_exec: a new process in a running container.
 *
 * The namespaces are those of the container's init, found through a pidfd
 * (one setns() call for all of them, Linux 5.8+) or, on older kernels,
 * through /proc/PID/ns files; either way the init's start time is checked
 * after opening, so that a recycled pid is never joined. The pid namespace
 * applies to children only: the child is born in it through a helper
 * (xstart), so that our own process never changes namespaces and can
 * exec and fork again; the child joins the others, and joining the mount
 * namespace puts its root and cwd on the container's "/" (the namespace's
 * root after pivot_root), so it cannot see the host's files. Then the
 * process is set up as a new container's is (executor_proc.c). */
#include "runtime/executor.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/syscalls.h"
#include "lib/util.h"
#include "runtime/executor_internal.h"

/* The namespaces exec joins, as /proc/PID/ns/ names them. */
static const struct {
	const char *name;
	int flag;
} join_ns[XNS_COUNT] = {
    [XNS_IPC] = {"ipc", CLONE_NEWIPC}, [XNS_UTS] = {"uts", CLONE_NEWUTS},
    [XNS_NET] = {"net", CLONE_NEWNET}, [XNS_CGROUP] = {"cgroup", CLONE_NEWCGROUP},
    [XNS_MNT] = {"mnt", CLONE_NEWNS},  [XNS_PID] = {"pid", CLONE_NEWPID},
};

/* setns() took no pidfd before Linux 5.8 (EINVAL): remembered */
static bool setns_pidfd_missing;

static void join_close(struct xjoin *j)
{
	if (j->pidfd >= 0)
		close(j->pidfd);
	for (int i = 0; i < XNS_COUNT; i++)
		if (j->nsfd[i] >= 0)
			close(j->nsfd[i]);
	j->pidfd = -1;
	for (int i = 0; i < XNS_COUNT; i++)
		j->nsfd[i] = -1;
}

/* The init is gone, or its pid is another process's now. */
static int gone(pid_t pid, struct werr *err)
{
	werr_set(err, 0, "container process %d is gone", (int)pid);
	err->errnum = ESRCH;
	return -1;
}

static int open_proc_ns(pid_t pid, struct xjoin *j, struct werr *err)
{
	for (int i = 0; i < XNS_COUNT; i++) {
		char path[64];

		if (!(j->flags & join_ns[i].flag))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, join_ns[i].name);
		j->nsfd[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (j->nsfd[i] < 0)
			return errno == ENOENT || errno == ESRCH
				   ? gone(pid, err)
				   : werr_set(err, errno, "open '%s'", path);
	}
	return 0;
}

/* Opens the namespaces of flags of pid: a pidfd, else /proc/PID/ns/ files.
 * Checked after opening: they must be those of the process started at
 * start. */
static int join_open(pid_t pid, uint64_t start, int flags, struct xjoin *j, struct werr *err)
{
	j->flags = flags;
	j->pidfd = -1;
	for (int i = 0; i < XNS_COUNT; i++)
		j->nsfd[i] = -1;
	if (!setns_pidfd_missing) {
		j->pidfd = sys_pidfd_open(pid, 0);
		if (j->pidfd < 0 && errno == ESRCH)
			return gone(pid, err);
		if (j->pidfd < 0 && errno != ENOSYS)
			return werr_set(err, errno, "pidfd_open %d", (int)pid);
	}
	if (j->pidfd < 0 && open_proc_ns(pid, j, err) < 0)
		return -1;
	if (pid <= 0 || proc_start_time(pid) != start)
		return gone(pid, err);
	return 0;
}

/* The fd through which exec's child is born in the container's pid
 * namespace (xstart's helper joins it, we never do). */
static int pidns_fd(const struct xjoin *j)
{
	return j->pidfd >= 0 ? j->pidfd : j->nsfd[XNS_PID];
}

/* Before Linux 5.8 setns() takes no pidfd (EINVAL): from then on the
 * /proc/PID/ns files, opened again. */
static bool pidfd_refused(struct xjoin *j, pid_t pid, uint64_t start, const struct werr *xerr,
			  struct werr *err)
{
	if (j->pidfd < 0 || xerr->errnum != EINVAL)
		return false;
	setns_pidfd_missing = true;
	join_close(j);
	return join_open(pid, start, j->flags, j, err) == 0;
}

int xjoin_enter(const struct xjoin *j, struct werr *err)
{
	int flags = j->flags & ~CLONE_NEWPID; /* we were born there */

	if (j->pidfd >= 0) {
		if (flags != 0 && setns(j->pidfd, flags) < 0)
			return werr_set(err, errno, "join the container's namespaces");
	} else {
		for (int i = 0; i < XNS_COUNT; i++)
			if ((flags & join_ns[i].flag) && setns(j->nsfd[i], join_ns[i].flag) < 0)
				return werr_set(err, errno,
						"join the %s namespace of the container",
						join_ns[i].name);
	}
	/* setns(CLONE_NEWNS) has put root and cwd on the namespace's root,
	 * which pivot_root made the container's rootfs: be explicit */
	if (chdir("/") < 0)
		return werr_set(err, errno, "chdir to the container's root");
	return 0;
}

int xspec_apply_exec(struct xspec *s, const struct exec_proc *x, struct werr *err)
{
	if (x->args == NULL || x->args[0] == NULL || x->args[0][0] == '\0')
		return werr_set(err, EINVAL,
				"must provide a non-empty command to start an exec session");
	strv_free(s->args);
	s->args = strv_copy(x->args);
	xspec_set_env(s, x->env);
	if (x->cwd != NULL) {
		if (x->cwd[0] != '/')
			return werr_set(err, 0, "working directory '%s' is not an absolute path",
					x->cwd);
		free(s->cwd);
		s->cwd = xstrdup(x->cwd);
	}
	if (x->set_user) {
		s->uid = x->uid;
		s->gid = x->gid;
		free(s->groups);
		s->groups = xcalloc(x->ngroups + 1, sizeof(gid_t));
		if (x->ngroups)
			memcpy(s->groups, x->groups, x->ngroups * sizeof(gid_t));
		s->ngroups = x->ngroups;
	}
	if (x->privileged) {
		s->caps_set = true;
		s->caps[XCAP_BOUNDING] =
		    s->cap_last >= 63 ? ~0ULL : (1ULL << (s->cap_last + 1)) - 1;
	}
	/* as Podman: root gets the bounding set, any other user none */
	if (s->caps_set && (x->set_user || x->privileged)) {
		uint64_t eff = s->uid == 0 ? s->caps[XCAP_BOUNDING] : 0;
		s->caps[XCAP_EFFECTIVE] = s->caps[XCAP_PERMITTED] = eff;
		s->caps[XCAP_INHERITABLE] = s->caps[XCAP_AMBIENT] = 0;
	}
	if (!(s->ns_flags & CLONE_NEWNS))
		return werr_set(err, EINVAL, "the container has no mount namespace to exec in");
	return 0;
}

int executor_exec(const char *bundle_dir, pid_t pid, uint64_t pid_start, const struct exec_proc *x,
		  const struct exec_opts *o, struct ctr_proc *out, struct werr *err)
{
	struct xspec s;
	struct xjoin j = {.pidfd = -1};
	int rc = -1;

	for (int i = 0; i < XNS_COUNT; i++)
		j.nsfd[i] = -1;
	if (xspec_load(bundle_dir, o->cache_dir, &s, err) < 0)
		return -1;
	if (xspec_apply_exec(&s, x, err) < 0 || join_open(pid, pid_start, s.ns_flags, &j, err) < 0)
		goto out;
	struct xchild c = {.s = &s,
			   .o = o,
			   .join = &j,
			   .tty = o->tty,
			   .pdeathsig = !x->detach,
			   .setsid = x->detach,
			   .pidns_fd = (s.ns_flags & CLONE_NEWPID) ? pidns_fd(&j) : -1};
	rc = xstart(&c, 0, out, err);
	if (rc < 0 && pidfd_refused(&j, pid, pid_start, err, err)) {
		werr_clear(err);
		c.pidns_fd = pidns_fd(&j);
		rc = xstart(&c, 0, out, err);
	}
	if (rc < 0 && err->errnum == ESRCH)
		gone(pid, err);
out:
	join_close(&j);
	xspec_free(&s);
	return rc;
}
