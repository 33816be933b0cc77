/* detach.c - detached containers under a monitor (see detach.h). */
#include "runtime/detach.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/syscalls.h"
#include "lib/util.h"
#include "runtime/attach.h"
#include "runtime/container_int.h"
#include "runtime/ctrcgroup.h"
#include "runtime/ctrlock.h"
#include "runtime/executor.h"
#include "runtime/health.h"
#include "runtime/pods.h"
#include "runtime/portfwd.h"

/* The monitor's fds are moved up here before fd 3 (its parameters) is
 * set, so that no dup2 clobbers another. */
#define HIGH_FD 64

char *container_log_path(struct engine *e, const char *id)
{
	return xasprintf("%s/containers/%s/ctr.log", e->root, id);
}

static enum log_driver log_driver_of(const char *name)
{
	if (name && strcmp(name, "none") == 0)
		return LOG_NONE;
	if (name && strcmp(name, "passthrough") == 0)
		return LOG_PASSTHROUGH;
	return LOG_K8S_FILE;
}

int detach_opts_from_run(const struct run_opts *o, struct detach_opts *d, struct werr *err)
{
	*d = (struct detach_opts){.interactive = o->interactive,
				  .tty = o->tty,
				  .log_driver = log_driver_of(o->log_driver),
				  .log_max = o->log_max};
	if (d->log_driver == LOG_PASSTHROUGH)
		return werr_set(
		    err, 0,
		    "passthrough logging driver is not supported in detach mode: invalid "
		    "argument");
	return 0;
}

void detach_opts_from_container(const struct container_rec *c, struct detach_opts *d)
{
	cleanup_json struct json_object *j = json_tokener_parse(c->config ? c->config : "");
	struct json_object *cfg = jget(j, "Config");

	*d = (struct detach_opts){
	    .interactive = json_object_get_boolean(jget(cfg, "OpenStdin")),
	    .tty = json_object_get_boolean(jget(cfg, "Tty")),
	    .log_driver = log_driver_of(jstr(jget(jget(j, "HostConfig"), "LogConfig"), "Type")),
	    .log_max = json_object_get_int64(jget(j, "LogMaxBytes"))};
	/* a foreground-only log driver: a detached start logs nothing */
	if (d->log_driver == LOG_PASSTHROUGH)
		d->log_driver = LOG_NONE;
}

static char *self_exe(struct werr *err)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n < 0) {
		werr_set(err, errno, "readlink '/proc/self/exe'");
		return NULL;
	}
	buf[n] = '\0';
	return xstrdup(buf);
}

char *monitor_path(struct werr *err)
{
	cleanup_free char *exe = self_exe(err);
	char *dir, *p = helper_path("warren-monitor");

	if (exe == NULL || p != NULL)
		return p;
	dir = dirname(exe);
	werr_set(err, ENOENT,
		 "cannot find warren-monitor beside '%s/warren' nor in '%s/../libexec/warren' "
		 "(reinstall warren: make install)",
		 dir, dir);
	free(p);
	return NULL;
}

char **engine_self_argv(struct engine *e, const char *const *tail, struct werr *err)
{
	char *exe = self_exe(err);
	char **v;

	if (exe == NULL)
		return NULL;
	v = strv_append(NULL, exe);
	free(exe);
	v = strv_append(strv_append(v, "--root"), e->root);
	v = strv_append(strv_append(v, "--runroot"), e->runroot);
	if (e->storage_driver)
		v = strv_append(strv_append(v, "--storage-driver"), e->storage_driver);
	for (size_t i = 0; e->storage_opts && e->storage_opts[i]; i++)
		v = strv_append(strv_append(v, "--storage-opt"), e->storage_opts[i]);
	for (size_t i = 0; tail && tail[i]; i++)
		v = strv_append(v, tail[i]);
	return v;
}

/* The environment the monitor's commands get: what locates the user's
 * files, and WARREN_UNSHARE (they run as root of the user namespace, yet
 * are the user's rootless engine: rootless/paths.c). */
static char *param_env(struct engine *e)
{
	static const char *const keep[] = {"PATH",
					   "HOME",
					   "USER",
					   "LOGNAME",
					   "XDG_RUNTIME_DIR",
					   "XDG_DATA_HOME",
					   "XDG_CONFIG_HOME",
					   "TMPDIR",
					   "TZ",
					   "LANG",
					   NULL};
	char *s = xstrdup("");

	for (size_t i = 0; keep[i]; i++) {
		const char *v = getenv(keep[i]);
		if (v && !strchr(v, '\n')) {
			char *n = xasprintf("%senv=%s=%s\n", s, keep[i], v);
			free(s);
			s = n;
		}
	}
	if (e->rootless) {
		char *n = xasprintf("%senv=WARREN_UNSHARE=1\n", s);
		free(s);
		s = n;
	}
	return s;
}

static char *param_argv(const char *key, char **argv)
{
	char *s = xstrdup("");
	for (size_t i = 0; argv && argv[i]; i++) {
		char *n = xasprintf("%s%s=%s\n", s, key, argv[i]);
		free(s);
		s = n;
	}
	return s;
}

/* The healthcheck lines: its interval and the command that runs one
 * check (`healthcheck run ID`); "" without a timed check. */
static char *param_health(struct engine *e, const struct ctr_owned *c, struct werr *err)
{
	static const char *const run[] = {"healthcheck", "run", NULL};
	struct health_check h;
	cleanup_strv char **argv = NULL;
	char *s;

	if (health_check_of(c->rec.config, &h) == 0)
		return xstrdup("");
	if (h.interval <= 0) {
		health_check_free(&h);
		return xstrdup("");
	}
	argv = engine_self_argv(e, run, err);
	argv = argv ? strv_append(argv, c->rec.id) : NULL;
	s = argv ? param_argv("hc", argv) : NULL;
	if (s != NULL) {
		char *n = xasprintf("%shc_interval=%lld\n", s, (long long)h.interval);
		free(s);
		s = n;
	}
	health_check_free(&h);
	return s;
}

/* The monitor's parameters (see monitor/monitor.c). fds are the numbers
 * the monitor will see. */
static char *monitor_params(struct engine *e, const struct ctr_owned *c,
			    const struct detach_opts *o, int lock, int out, int errfd, int in,
			    const struct net_helper *net, struct werr *err)
{
	static const char *const cleanup[] = {"container", "cleanup", NULL};
	static const char *const start[] = {"container", "start", NULL};
	cleanup_strv char **exit_argv = engine_self_argv(e, cleanup, err);
	cleanup_strv char **restart_argv = engine_self_argv(e, start, err);
	cleanup_free char *log =
	    o->log_driver == LOG_K8S_FILE ? container_log_path(e, c->rec.id) : xstrdup("");
	cleanup_free char *env = param_env(e), *ex = NULL, *rs = NULL;
	cleanup_free char *adir = attach_dir(e);
	cleanup_free char *exits = ctrlock_exit_path(e->runroot, c->rec.id);
	cleanup_free char *hc = param_health(e, c, err);

	if (exit_argv == NULL || restart_argv == NULL || hc == NULL || strchr(log, '\n') ||
	    strchr(adir, '\n') || strchr(exits, '\n'))
		return NULL;
	ex = param_argv("exit", exit_argv);
	rs = param_argv("restart", restart_argv);
	return xasprintf("id=%s\npid=%d\nlock=%d\nout=%d\nerr=%d\nin=%d\nlog=%s\nlog_max=%lld\n"
			 "tty=%d\nattach=%s\nattach_hold=%d\nnet_fd=%d\nnet_pid=%d\nnet_pidfd=%d\n"
			 "exit_file=%s\nhold_pid=%d\nhold_start=%llu\n%s%s%s%s",
			 c->rec.id, (int)c->proc.pid, lock, out, errfd, in, log, o->log_max,
			 o->tty ? 1 : 0, adir, o->attach_hold ? 1 : 0, net->hold_fd, (int)net->pid,
			 net->pidfd ? 1 : 0, exits, (int)o->hold_pid,
			 (unsigned long long)o->hold_start, ex, rs, hc, env);
}

/* fd moved to HIGH_FD or above, inheritable; -1 stays -1. */
static int keep_fd(int fd)
{
	int n;

	if (fd < 0)
		return -1;
	n = fcntl(fd, F_DUPFD, HIGH_FD);
	return n;
}

/* In the monitor-to-be (the grandchild): hands everything to
 * warren-monitor by exec. Returns only on failure. */
static void exec_monitor(struct engine *e, struct ctr_owned *c, const struct detach_opts *o,
			 const char *mon, int lock, int out, int errfd, int in,
			 const struct net_helper *net, struct werr *err)
{
	int p[2], devnull;
	int l = keep_fd(lock), ou = keep_fd(out), er = keep_fd(errfd), i = keep_fd(in);
	/* the monitor holds the network helper's fd for the container's life */
	struct net_helper h = {
	    .pid = net->pid, .hold_fd = keep_fd(net->hold_fd), .pidfd = net->pidfd};
	cleanup_free char *params = monitor_params(e, c, o, l, ou, er, i, &h, err);
	cleanup_free int *pfds = xcalloc(o->nports + 1, sizeof(int));
	cleanup_free char *fwd = NULL;
	char *argv[] = {"warren-monitor", c->rec.id, NULL};
	char *envp[2] = {NULL, NULL};
	cleanup_free char *tz = getenv("TZ") ? xasprintf("TZ=%s", getenv("TZ")) : NULL;

	if (params == NULL)
		return;
	for (size_t k = 0; k < o->nports; k++)
		if ((pfds[k] = keep_fd(o->ports[k].fd)) < 0) {
			werr_set(err, errno, "prepare the monitor's fds");
			return;
		}
	fwd = ports_fwd_params(o->ports, o->nports, pfds);
	if (l < 0 || (out >= 0 && ou < 0) || (errfd >= 0 && er < 0) || (in >= 0 && i < 0) ||
	    (net->hold_fd >= 0 && h.hold_fd < 0) || pipe2(p, O_CLOEXEC) < 0) {
		werr_set(err, errno, "prepare the monitor's fds");
		return;
	}
	/* a pipe holds 64 KiB: the parameters are a few hundred bytes; the
	 * write end is closed before fd 3 is set (it may be fd 3 itself) */
	if (write_all(p[1], params, strlen(params)) < 0 || write_all(p[1], fwd, strlen(fwd)) < 0 ||
	    close(p[1]) < 0 || (p[0] == 3 ? fcntl(3, F_SETFD, 0) : dup2(p[0], 3)) < 0) {
		werr_set(err, errno, "pass the monitor its parameters");
		return;
	}
	/* its stdio is nobody's: a `$(warren run -d ...)` must not wait for it */
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 || dup2(devnull, 2) < 0) {
		werr_set(err, errno, "open '/dev/null'");
		return;
	}
	envp[0] = tz;
	execve(mon, argv, envp);
	werr_set(err, errno, "exec '%s'", mon);
}

/* The grandchild: starts the container, then becomes its monitor. Never
 * returns; failures go to report as an error (werr_send). */
static void monitor_child(struct engine *e, struct ctr_owned *c, const struct detach_opts *o,
			  const char *mon, int report, int in_r, int in_w, int out_r, int out_w,
			  int err_r, int err_w)
{
	cleanup_free char *bundle = container_bundle_dir(e, &c->rec);
	struct exec_opts xo = {.tty = o->tty,
			       .stdin_fd = in_r,
			       .stdout_fd = out_w,
			       .stderr_fd = err_w,
			       .rows = o->rows ? o->rows : 24,
			       .cols = o->cols ? o->cols : 80,
			       .cache_dir = e->runroot,
			       .id = c->rec.id};
	struct werr err = {0};
	int cgfds[CG_NKINDS];
	struct ctrnet net = {0};
	struct pod_ns pns = {{-1, -1, -1}};

	/* its own cgroup (runtime/ctrcgroup.h), which its process joins */
	xo.ncgroup_fds = ctr_cgroup_start(e, &c->rec, cgfds, &err);
	xo.cgroup_fds = cgfds;
	if (xo.ncgroup_fds < 0 || ctrnet_prepare(e, &c->rec, bundle, &net, &xo, &err) < 0 ||
	    pod_ns_prepare(e, &c->rec, &pns, &xo, &err) < 0 ||
	    executor_start(bundle, &xo, &c->proc, &err) < 0) {
		ctrnet_release(&net);
		ctrnet_teardown(e, c->rec.id, c->rec.name, c->rec.config);
		werr_send(report, &err);
		_exit(1);
	}
	for (int i = 0; i < xo.ncgroup_fds; i++)
		close(cgfds[i]);
	pod_ns_release(&pns);
	if (in_r >= 0)
		close(in_r);
	if (out_w >= 0)
		close(out_w);
	if (err_w >= 0)
		close(err_w);
	if (ctrlock_set_proc(c->lock, c->proc.pid, proc_start_time(c->proc.pid), now_ns(), &err) ==
	    0) {
		/* before the monitor exists: its "died" comes after this */
		container_event(e, &c->rec, "start", -1);
		/* the monitor holds the read-only store layers for the
		 * container's life: copies above fd 3, open across its exec */
		for (size_t i = 0; i < c->hold.n; i++)
			keep_fd(c->hold.fd[i]);
		if (o->tty)
			exec_monitor(e, c, o, mon, c->lock, c->proc.pty_master, -1, in_w, &net.help,
				     &err);
		else
			exec_monitor(e, c, o, mon, c->lock, out_r, err_r, in_w, &net.help, &err);
	}
	ctrnet_release(&net);
	/* no monitor: the container must not run unwatched */
	kill(c->proc.pid, SIGKILL);
	waitpid(c->proc.pid, NULL, 0);
	ctrnet_teardown(e, c->rec.id, c->rec.name, c->rec.config);
	werr_send(report, &err);
	_exit(1);
}

static void close_pair(int p[2])
{
	for (int i = 0; i < 2; i++)
		if (p[i] >= 0) {
			close(p[i]);
			p[i] = -1;
		}
}

/* <runroot>/attach, where the monitors put their sockets, and
 * <runroot>/exits, where they leave the exit codes (ctrlock.h) */
static int attach_mkdir(struct engine *e, struct werr *err)
{
	cleanup_free char *d = attach_dir(e);
	cleanup_free char *x = xasprintf("%s/exits", e->runroot);

	if (mkdir(d, 0700) < 0 && errno != EEXIST)
		return werr_set(err, errno, "mkdir '%s'", d);
	if (mkdir(x, 0700) < 0 && errno != EEXIST)
		return werr_set(err, errno, "mkdir '%s'", x);
	return 0;
}

int container_detach(struct engine *e, struct ctr_owned *c, const struct detach_opts *o,
		     struct werr *err)
{
	cleanup_free char *mon = monitor_path(err);
	struct detach_opts od = *o;
	struct port_listener *pl = NULL;
	size_t npl = 0;
	int in[2] = {-1, -1}, out[2] = {-1, -1}, er[2] = {-1, -1}, rep[2] = {-1, -1};
	bool pipes = !o->tty && (o->log_driver != LOG_NONE || o->attach_hold);
	pid_t child;
	int st, r = -1;

	if (mon == NULL)
		goto fail;
	if (attach_mkdir(e, err) < 0 || container_hold_layers(e, c, err) < 0)
		goto fail;
	/* the ports before anything runs: a taken one fails here */
	if (portfwd_listen(&c->rec, &pl, &npl, err) < 0)
		goto fail;
	od.ports = pl;
	od.nports = npl;
	o = &od;
	health_starting(e, &c->rec);
	if ((o->interactive && !o->tty && pipe2(in, O_CLOEXEC) < 0) ||
	    (pipes && (pipe2(out, O_CLOEXEC) < 0 || pipe2(er, O_CLOEXEC) < 0)) ||
	    pipe2(rep, O_CLOEXEC) < 0) {
		werr_set(err, errno, "pipe");
		goto fail;
	}
	child = fork();
	if (child < 0) {
		werr_set(err, errno, "fork");
		goto fail;
	}
	if (child == 0) {
		/* a session of its own: the terminal's hangup and ^C are not its */
		close(rep[0]);
		setsid();
		if (fork() != 0)
			_exit(0);
		monitor_child(e, c, o, mon, rep[1], in[0], in[1], out[0], out[1], er[0], er[1]);
	}
	close(rep[1]);
	rep[1] = -1;
	while (waitpid(child, &st, 0) < 0 && errno == EINTR)
		;
	r = werr_recv(rep[0], err);
	if (r == 0) {
		/* the monitor holds the lock now: ours is only closed */
		close(c->lock);
		c->lock = -1;
	}
fail:
	ports_listeners_free(pl, npl); /* the monitor has its own copies */
	close_pair(in);
	close_pair(out);
	close_pair(er);
	close_pair(rep);
	if (r != 0)
		container_start_failed(e, c, err->status ? err->status : 125);
	return r == 0 ? 0 : -1;
}
