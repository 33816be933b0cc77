/* executor_proc.c - the container process's own set-up, shared by a new
 * container (executor.c, after its mounts) and an exec into a running one
 * (executor_exec.c, after joining its namespaces): stdio or a pty from the
 * container's devpts, rlimits and umask, bounding set, user and groups,
 * capabilities, no_new_privs and seccomp, cwd, then exec. Runs in the
 * child after fork: no allocation, errors only through struct werr. */
#include "runtime/executor.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "lib/util.h"
#include "runtime/executor_internal.h"

/* A copy of fd above 2 (so that filling 0-2 cannot overwrite a source),
 * or /dev/null opened with flags when fd < 0. */
static int stdio_source(int fd, int flags)
{
	return fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 3) : open("/dev/null", flags | O_CLOEXEC);
}

/* The caller's fds become 0-2; -1 means /dev/null (the engine never hands
 * the container its own stdio unasked). */
int xproc_stdio(const struct exec_opts *o, struct werr *err)
{
	int src[3] = {stdio_source(o->stdin_fd, O_RDONLY), stdio_source(o->stdout_fd, O_WRONLY),
		      stdio_source(o->stderr_fd, O_WRONLY)};

	for (int i = 0; i < 3; i++)
		if (src[i] < 0 || dup2(src[i], i) < 0)
			return werr_set(err, errno, "set up stdio");
	return 0;
}

/* The container's own devpts (after pivot_root /dev/ptmx is pts/ptmx),
 * sized before the process runs: it may ask at once (stty size). */
static int setup_terminal(int sock, const struct exec_opts *o, struct werr *err)
{
	struct winsize ws = {.ws_row = o->rows, .ws_col = o->cols};
	char name[64];
	int master, slave;

	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return werr_set(err, errno, "open '/dev/ptmx'");
	if (unlockpt(master) < 0 || ptsname_r(master, name, sizeof(name)) != 0)
		return werr_set(err, errno, "unlock pty");
	slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return werr_set(err, errno, "open '%s'", name);
	if ((ws.ws_row || ws.ws_col) && ioctl(slave, TIOCSWINSZ, &ws) < 0)
		return werr_set(err, errno, "set the size of '%s'", name);
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		return werr_set(err, errno, "make '%s' the controlling terminal", name);
	if (dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0)
		return werr_set(err, errno, "dup '%s'", name);
	if (slave > 2)
		close(slave);
	if (fd_send(sock, master) < 0)
		return werr_set(err, errno, "send the pty master");
	close(master);
	return 0;
}

/* Rootless cannot raise a hard limit: clamp to the one we have, as a
 * rootless engine cannot do better. */
static int set_rlimit(const struct xrlimit *r)
{
	struct rlimit cur, want = r->lim;

	if (setrlimit(r->resource, &want) == 0)
		return 0;
	if (errno != EPERM || getrlimit(r->resource, &cur) < 0)
		return -1;
	if (want.rlim_max > cur.rlim_max)
		want.rlim_max = cur.rlim_max;
	if (want.rlim_cur > want.rlim_max)
		want.rlim_cur = want.rlim_max;
	return setrlimit(r->resource, &want);
}

static int set_limits(const struct xspec *s, struct werr *err)
{
	for (size_t i = 0; i < s->nrlimits; i++)
		if (set_rlimit(&s->rlimits[i]) < 0)
			return werr_set(err, errno, "setrlimit %d", s->rlimits[i].resource);

	umask(s->umask >= 0 ? (mode_t)s->umask : 022);
	return 0;
}

static int drop_bounding(const struct xspec *s, struct werr *err)
{
	if (!s->caps_set)
		return 0;
	for (int c = 0; c <= s->cap_last && c < 64; c++) {
		if (s->caps[XCAP_BOUNDING] & (1ULL << c))
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			return werr_set(err, errno, "drop capability %d from the bounding set", c);
	}
	return 0;
}

static const char unmapped[] = "is not mapped in the user namespace: ask an admin to add "
			       "ranges for your user to /etc/subuid and /etc/subgid";

/* setgroups is denied in a single-uid user namespace ("deny" in
 * /proc/self/setgroups): then only a list that adds nothing is fine. */
static int set_user(const struct xspec *s, bool pdeathsig, struct werr *err)
{
	bool trivial = s->ngroups == 0 || (s->ngroups == 1 && s->groups[0] == s->gid);

	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return werr_set(err, errno, "keep capabilities");
	if (setgroups(s->ngroups, s->groups) < 0 && !(errno == EPERM && trivial))
		return werr_set(err, errno, "setgroups");
	if (setresgid(s->gid, s->gid, s->gid) < 0)
		return errno == EINVAL ? werr_set(err, 0, "gid %u %s", (unsigned)s->gid, unmapped)
				       : werr_set(err, errno, "setgid %u", (unsigned)s->gid);
	if (setresuid(s->uid, s->uid, s->uid) < 0)
		return errno == EINVAL ? werr_set(err, 0, "uid %u %s", (unsigned)s->uid, unmapped)
				       : werr_set(err, errno, "setuid %u", (unsigned)s->uid);
	/* a credential change clears the parent-death signal */
	if (pdeathsig)
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	return 0;
}

static int set_caps(const struct xspec *s, struct werr *err)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct d[2];
	const uint64_t *c = s->caps;

	if (!s->caps_set)
		return 0;
	for (int i = 0; i < 2; i++) {
		d[i].effective = (uint32_t)(c[XCAP_EFFECTIVE] >> (32 * i));
		d[i].permitted = (uint32_t)(c[XCAP_PERMITTED] >> (32 * i));
		d[i].inheritable = (uint32_t)(c[XCAP_INHERITABLE] >> (32 * i));
	}
	if (syscall(SYS_capset, &h, d) < 0)
		return werr_set(err, errno, "set capabilities");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return werr_set(err, errno, "clear ambient capabilities");
	for (int i = 0; i <= s->cap_last && i < 64; i++)
		if ((c[XCAP_AMBIENT] & (1ULL << i)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, i, 0, 0) < 0)
			return werr_set(err, errno, "raise ambient capability %d", i);
	return 0;
}

static int load_seccomp(const struct xspec *s, struct werr *err)
{
	if (!s->has_seccomp)
		return 0;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &s->seccomp, 0, 0) < 0)
		return werr_set(err, errno, "load the seccomp filter");
	return 0;
}

static int exec_error(const char *file, int e, bool searched, struct werr *err)
{
	if (e == ENOENT || e == ENOTDIR) {
		werr_set(err, 0, "exec '%s': %s", file,
			 searched ? "executable file not found in $PATH"
				  : "no such file or directory");
		err->errnum = ENOENT;
		return werr_status(err, 127);
	}
	if (e == EACCES) {
		werr_set(err, 0, "exec '%s': permission denied", file);
		err->errnum = EACCES;
		return werr_status(err, 126);
	}
	werr_set(err, e, "exec '%s'", file);
	return werr_status(err, 126);
}

/* execvpe with the container's PATH; returns only on failure. */
static int exec_process(const struct xspec *s, struct werr *err)
{
	const char *file = s->args[0], *p = s->path_env;
	size_t flen = strlen(file);
	bool eacces = false;

	if (strchr(file, '/') != NULL) {
		execve(file, s->args, s->env);
		return exec_error(file, errno, false, err);
	}
	while (p != NULL) {
		const char *end = strchrnul(p, ':');
		size_t dlen = (size_t)(end - p);
		char path[PATH_MAX];

		if (dlen + flen + 2 <= sizeof(path)) {
			memcpy(path, dlen ? p : ".", dlen ? dlen : 1);
			dlen = dlen ? dlen : 1;
			path[dlen] = '/';
			memcpy(path + dlen + 1, file, flen + 1);
			execve(path, s->args, s->env);
			if (errno == EACCES)
				eacces = true;
			else if (errno != ENOENT && errno != ENOTDIR)
				return exec_error(file, errno, true, err);
		}
		p = *end ? end + 1 : NULL;
	}
	return exec_error(file, eacces ? EACCES : ENOENT, true, err);
}

/* Credentials, then the terminal as the container user, capabilities, and
 * seccomp last (with no_new_privs) or before the uid change (without it,
 * loading needs CAP_SYS_ADMIN, which the uid change may drop). */
static int child_creds(const struct xchild *a, struct werr *err)
{
	const struct xspec *s = a->s;

	if (drop_bounding(s, err) < 0)
		return -1;
	if (!s->no_new_privs && load_seccomp(s, err) < 0)
		return -1;
	if (set_user(s, a->pdeathsig, err) < 0)
		return -1;
	if (a->tty && setup_terminal(a->ptyfd, a->o, err) < 0)
		return -1;
	if (set_caps(s, err) < 0)
		return -1;
	if (s->no_new_privs) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			return werr_set(err, errno, "set no_new_privs");
		if (load_seccomp(s, err) < 0)
			return -1;
	}
	if (chdir(s->cwd) < 0) {
		int e = errno;
		/* a new container's workdir was created; exec's -w names one
		 * that may be missing: 127, as Podman's runtime says */
		werr_set(err, e, "chdir to workdir '%s'", s->cwd);
		return e == ENOENT ? werr_status(err, 127) : -1;
	}
	return 0;
}

int xproc_exec(const struct xchild *a, struct werr *err)
{
	if (set_limits(a->s, err) < 0 || child_creds(a, err) < 0)
		return -1;
	return exec_process(a->s, err);
}

/* exec keeps ignored signals and the mask: the container must not inherit
 * the CLI's (a SIG_IGN'd SIGPIPE breaks `yes | head` inside) */
void xproc_reset_signals(void)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}
