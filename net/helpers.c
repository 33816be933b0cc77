/* helpers.c - the user-mode network helpers of a rootless container's
 * private network namespace: slirp4netns (the default, as Podman 4's) and
 * pasta (passt's). They run as children of whoever starts the container,
 * inside the pause process's user namespace: that namespace owns the
 * container's netns, so joining it needs no --userns-path, and the
 * sandbox slirp4netns makes (a mount namespace, pivot_root) needs the
 * capabilities we have there. */
#include "net/net.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/syscalls.h"
#include "lib/util.h"

#define READY_TIMEOUT_MS 10000

static const char *prog_of(enum net_mode mode)
{
	return mode == NET_PASTA ? "pasta" : "slirp4netns";
}

int net_helper_check(enum net_mode mode, struct werr *err)
{
	cleanup_free char *prog = NULL;
	int fd;

	if (mode != NET_SLIRP && mode != NET_PASTA)
		return 0;
	prog = path_lookup(prog_of(mode));
	if (prog == NULL) {
		werr_set(err, 0, "%s not found: install the %s package, or use --network none",
			 prog_of(mode), mode == NET_PASTA ? "passt" : "slirp4netns");
		return werr_status(err, 125);
	}
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		werr_set(err, 0,
			 "/dev/net/tun is not usable (%s, and %s needs it): ask an admin to load "
			 "the tun "
			 "module and make /dev/net/tun mode 0666, or use --network none",
			 strerror(errno), prog_of(mode));
		return werr_status(err, 125);
	}
	close(fd);
	return 0;
}

/* Runs prog (argv) as a new session (a ^C at the terminal is not its),
 * default signals, stdin /dev/null, stdout and stderr to log_fd, keeping
 * the fds of keep (-1 ends the list) across the exec. posix_spawn: a
 * vfork, not a copy of this big process (a few ms of a `run --rm`). */
static pid_t spawn_helper(const char *prog, char **argv, int log_fd, const int *keep,
			  struct werr *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	pid_t pid = -1;
	int r;

	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, log_fd, 1);
	posix_spawn_file_actions_adddup2(&fa, log_fd, 2);
	/* dup2 onto itself clears FD_CLOEXEC (glibc 2.29) */
	for (const int *k = keep; *k >= 0; k++)
		posix_spawn_file_actions_adddup2(&fa, *k, *k);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK |
					  POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	r = posix_spawn(&pid, prog, &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (r != 0) {
		werr_set(err, r, "run '%s'", prog);
		return -1;
	}
	return pid;
}

static char **slirp_argv(const char *prog, const struct net_opts *n, pid_t target, int netns_fd,
			 int exit_fd, int ready_fd)
{
	char **a = strv_append(NULL, prog);
	char buf[64];

	a = strv_append(a, "--configure");
	snprintf(buf, sizeof(buf), "--mtu=%d", n->mtu > 0 ? n->mtu : 65520);
	a = strv_append(a, buf);
	if (!n->allow_host_loopback)
		a = strv_append(a, "--disable-host-loopback");
	a = strv_append(a, "--enable-sandbox");
	a = strv_append(a, "--enable-seccomp");
	if (!n->ipv6_off)
		a = strv_append(a, "--enable-ipv6");
	const char *kv[][2] = {{"--cidr=", n->cidr},
			       {"--outbound-addr=", n->outbound_addr},
			       {"--outbound-addr6=", n->outbound_addr6},
			       {"--macaddress=", n->mac}};
	for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++)
		if (kv[i][1]) {
			cleanup_free char *o = xasprintf("%s%s", kv[i][0], kv[i][1]);
			a = strv_append(a, o);
		}
	if (n->api_socket) {
		cleanup_free char *o = xasprintf("--api-socket=%s", n->api_socket);
		a = strv_append(a, o);
	}
	snprintf(buf, sizeof(buf), "--exit-fd=%d", exit_fd);
	a = strv_append(a, buf);
	snprintf(buf, sizeof(buf), "--ready-fd=%d", ready_fd);
	a = strv_append(a, buf);
	if (netns_fd >= 0) {
		a = strv_append(a, "--netns-type=path");
		snprintf(buf, sizeof(buf), "/proc/self/fd/%d", netns_fd);
	} else {
		snprintf(buf, sizeof(buf), "%d", (int)target);
	}
	a = strv_append(a, buf);
	return strv_append(a, "tap0");
}

/* The last non-empty line of the helper's log, for an error (malloc'd). */
static char *log_tail(const char *log_path)
{
	cleanup_free char *t = read_file_max(log_path, 1 << 20, NULL, NULL);
	char *end, *start;

	if (t == NULL)
		return xstrdup("no output");
	end = t + strlen(t);
	while (end > t && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	*end = '\0';
	/* the last line that is not one of slirp4netns's "WARNING: ... is
	 * experimental" */
	for (;;) {
		start = strrchr(t, '\n');
		if (!str_has_prefix(start ? start + 1 : t, "WARNING:") || start == NULL)
			break;
		*start = '\0';
	}
	return xstrdup(start ? start + 1 : *t ? t : "no output");
}

static void reap(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* Waits for slirp4netns's ready byte; its log says why when it exits
 * first. */
static int slirp_wait_ready(int fd, pid_t pid, const char *log_path, struct werr *err)
{
	struct pollfd p = {fd, POLLIN, 0};
	char c;
	int r;

	do
		r = poll(&p, 1, READY_TIMEOUT_MS);
	while (r < 0 && errno == EINTR);
	if (r > 0 && read(fd, &c, 1) == 1)
		return 0;
	kill(pid, SIGKILL);
	reap(pid);
	cleanup_free char *why = r == 0 ? xstrdup("timed out") : log_tail(log_path);
	werr_set(err, r == 0 ? ETIMEDOUT : 0, "slirp4netns failed: %s (log: %s)", why, log_path);
	return werr_status(err, 125);
}

static int start_slirp(const char *prog, const struct net_opts *n, pid_t target, int netns_fd,
		       int log_fd, const char *log_path, struct net_helper *out, struct werr *err)
{
	int ready[2], ex[2];
	cleanup_strv char **argv = NULL;
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC) < 0)
		return werr_set(err, errno, "pipe");
	if (pipe2(ex, O_CLOEXEC) < 0) {
		close(ready[0]);
		close(ready[1]);
		return werr_set(err, errno, "pipe");
	}
	argv = slirp_argv(prog, n, target, netns_fd, ex[0], ready[1]);
	pid = spawn_helper(prog, argv, log_fd, (const int[]){ex[0], ready[1], netns_fd, -1}, err);
	close(ex[0]);
	close(ready[1]);
	if (pid < 0) {
		close(ex[1]);
		close(ready[0]);
		return -1;
	}
	*out = (struct net_helper){
	    .pid = pid, .hold_fd = ex[1], .pidfd = false, .starting = true, .ready_fd = ready[0]};
	return 0;
}

int net_helper_ready(struct net_helper *h, const char *log_path, struct werr *err)
{
	int r;

	if (!h->starting)
		return 0;
	r = slirp_wait_ready(h->ready_fd, h->pid, log_path, err);
	close(h->ready_fd);
	h->starting = false;
	if (r < 0) {
		close(h->hold_fd);
		*h = (struct net_helper){.hold_fd = -1}; /* reaped by slirp_wait_ready */
	}
	return r;
}

int net_holder_start(pid_t *pid, int *ctl, struct werr *err)
{
	int ready[2], c[2];
	struct werr e = {0};
	pid_t p;
	char b = 0;

	if (pipe2(ready, O_CLOEXEC) < 0)
		return werr_set(err, errno, "pipe");
	if (pipe2(c, O_CLOEXEC) < 0) {
		close(ready[0]);
		close(ready[1]);
		return werr_set(err, errno, "pipe");
	}
	p = fork();
	if (p == 0) {
		int lo = ready[1] < c[0] ? ready[1] : c[0], hi = ready[1] < c[0] ? c[0] : ready[1];
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		/* none of warren's fds (its container lock, its stdio: a $(...)
		 * pipe) stay open in here: only its two pipe ends */
		if (lo > 0)
			sys_close_range(0, (unsigned)lo - 1, 0);
		if (hi > lo + 1)
			sys_close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
		sys_close_range((unsigned)hi + 1, ~0U, 0);
		if (unshare(CLONE_NEWNET) < 0 || net_loopback_up(&e) < 0)
			_exit(1);
		if (write(ready[1], &b, 1) != 1)
			_exit(1);
		while (read(c[0], &b, 1) != 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(ready[1]);
	close(c[0]);
	if (p < 0 || read(ready[0], &b, 1) != 1) {
		int en = p < 0 ? errno : EIO;
		close(ready[0]);
		close(c[1]);
		if (p > 0)
			reap(p);
		return werr_set(err, en, "make a network namespace");
	}
	close(ready[0]);
	*pid = p;
	*ctl = c[1];
	return 0;
}

static int spawn(enum net_mode mode, const struct net_opts *n, pid_t target, int netns_fd,
		 const char *log_path, struct net_helper *out, struct werr *err);

/* Root of the initial user namespace (not of warren's rootless one)? */
static bool real_root(void)
{
	cleanup_free char *map = read_file_max("/proc/self/uid_map", 4096, NULL, NULL);
	unsigned long long in, out, n;

	return getuid() == 0 && map && sscanf(map, "%llu %llu %llu", &in, &out, &n) == 3 &&
	       in == 0 && out == 0 && n == 4294967295ULL;
}

static int bind_netns(const char *proc_ns, const char *file, struct werr *err)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return werr_set(err, errno, "create '%s'", file);
	close(fd);
	if (mount(proc_ns, file, NULL, MS_BIND, NULL) < 0) {
		werr_set(err, errno, "bind mount '%s' on '%s'", proc_ns, file);
		unlink(file);
		return -1;
	}
	return 0;
}

static void unbind_netns(const char *file)
{
	umount2(file, MNT_DETACH);
	unlink(file);
}

/* pasta configures the namespace and then daemonises: its launcher's
 * exit is the ready signal, the daemon's pid comes in its pid file. */
static int start_pasta(const char *prog, const struct net_opts *n, pid_t target, int netns_fd,
		       int log_fd, const char *log_path, struct net_helper *out, struct werr *err)
{
	/* beside the log: DIR/pasta.log -> DIR/pasta.pid, DIR/pasta.netns */
	size_t stem = str_has_suffix(log_path, ".log") ? strlen(log_path) - 4 : strlen(log_path);
	cleanup_free char *pidfile = xasprintf("%.*s.pid", (int)stem, log_path);
	cleanup_free char *netns = xasprintf("%.*s.netns", (int)stem, log_path);
	cleanup_free char *proc_ns = netns_fd >= 0 ? xasprintf("/proc/self/fd/%d", netns_fd)
						   : xasprintf("/proc/%d/ns/net", (int)target);
	cleanup_free char *pidtext = NULL;
	cleanup_strv char **argv = strv_append(NULL, prog);
	int st;
	pid_t pid;
	int64_t daemon_pid;

	/* as the real root pasta would run as nobody, which may not reach
	 * the netns file in root's 0700 container dir: it keeps uid 0 (and
	 * drops its capabilities but the few it needs, as always) */
	if (real_root()) {
		argv = strv_append(argv, "--runas");
		argv = strv_append(argv, "0:0");
	}
	argv = strv_append(argv, "--config-net");
	argv = strv_append(argv, "--quiet");
	argv = strv_append(argv, "--pid");
	argv = strv_append(argv, pidfile);
	for (char **a = n->pasta_args; a && *a; a++)
		argv = strv_append(argv, *a);
	/* it would quit when its netns file goes: we hold a pidfd instead */
	argv = strv_append(argv, "--no-netns-quit");
	argv = strv_append(argv, "--netns");
	argv = strv_append(argv, netns);
	/* pasta drops its capabilities before it opens the netns, and then
	 * may not open /proc/PID/ns/net of a process that has more (the
	 * ptrace rule): it gets a bind mount of it, gone once it runs */
	if (bind_netns(proc_ns, netns, err) < 0)
		return -1;
	pid = spawn_helper(prog, argv, log_fd, (const int[]){-1}, err);
	if (pid < 0) {
		unbind_netns(netns);
		return -1;
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	unbind_netns(netns);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		cleanup_free char *why = log_tail(log_path);
		werr_set(err, 0, "pasta failed: %s (log: %s)", why, log_path);
		return werr_status(err, 125);
	}
	pidtext = read_file_max(pidfile, 64, NULL, err);
	if (pidtext == NULL)
		return werr_wrap(err, "pasta's pid file");
	pidtext[strcspn(pidtext, "\n")] = '\0';
	if (parse_int64(pidtext, 1, INT32_MAX, &daemon_pid) < 0)
		return werr_set(err, EINVAL, "pasta's pid file '%s': '%s'", pidfile, pidtext);
	unlink(pidfile);
	*out = (struct net_helper){.pid = (pid_t)daemon_pid, .hold_fd = -1, .pidfd = true};
	out->hold_fd = sys_pidfd_open(out->pid, 0);
	return 0;
}

int net_helper_start(enum net_mode mode, const struct net_opts *n, pid_t target, int netns_fd,
		     const char *log_path, struct net_helper *out, struct werr *err)
{
	if (spawn(mode, n, target, netns_fd, log_path, out, err) < 0)
		return -1;
	return net_helper_ready(out, log_path, err);
}

int net_helper_spawn(enum net_mode mode, const struct net_opts *n, pid_t target,
		     const char *log_path, struct net_helper *out, struct werr *err)
{
	return spawn(mode, n, target, -1, log_path, out, err);
}

static int spawn(enum net_mode mode, const struct net_opts *n, pid_t target, int netns_fd,
		 const char *log_path, struct net_helper *out, struct werr *err)
{
	cleanup_free char *prog = path_lookup(prog_of(mode));
	cleanup_close int log_fd = -1;

	if (prog == NULL)
		return net_helper_check(mode, err);
	log_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (log_fd < 0)
		return werr_set(err, errno, "open '%s'", log_path);
	if (mode == NET_PASTA)
		return start_pasta(prog, n, target, netns_fd, log_fd, log_path, out, err);
	return start_slirp(prog, n, target, netns_fd, log_fd, log_path, out, err);
}

void net_helper_end(struct net_helper *h)
{
	if (h->starting) {
		close(h->ready_fd);
		h->starting = false;
	}
	if (h->pidfd && h->pid > 0) {
		if (h->hold_fd >= 0)
			syscall(SYS_pidfd_send_signal, h->hold_fd, SIGTERM, NULL, 0);
		else
			kill(h->pid, SIGTERM);
	}
	if (h->hold_fd >= 0)
		close(h->hold_fd);
	h->hold_fd = -1;
	if (h->pidfd)
		h->pid = 0; /* pasta is not our child: nothing to reap */
}

/* Helpers of ours told to end and not waited for (net_helper_stop). */
static pid_t unreaped[16];
static size_t nunreaped;

static void reap_ended(void)
{
	for (size_t i = 0; i < nunreaped;)
		if (waitpid(unreaped[i], NULL, WNOHANG) != 0)
			unreaped[i] = unreaped[--nunreaped];
		else
			i++;
}

void net_helper_stop(struct net_helper *h, bool wait)
{
	struct timespec ts = {0, 2 * 1000 * 1000};

	net_helper_end(h);
	reap_ended();
	if (!wait && h->pid > 0 && nunreaped < ARRAY_SIZE(unreaped)) {
		unreaped[nunreaped++] = h->pid;
		*h = (struct net_helper){.hold_fd = -1};
		return;
	}
	/* slirp4netns sees its exit fd close and goes: a second at most */
	for (int i = 0; h->pid > 0 && i < 500; i++) {
		if (waitpid(h->pid, NULL, WNOHANG) != 0)
			break;
		if (i == 499) {
			kill(h->pid, SIGKILL);
			reap(h->pid);
		}
		nanosleep(&ts, NULL);
	}
	*h = (struct net_helper){.hold_fd = -1};
}

/* One request on slirp4netns's API socket; its reply in buf. */
static int api_call(const char *path, const char *req, char *buf, size_t len, struct werr *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	cleanup_close int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	size_t got = 0;
	ssize_t r;

	if (path == NULL || strlen(path) >= sizeof(sa.sun_path))
		return werr_set(err, ENAMETOOLONG, "slirp4netns's API socket '%s'",
				path ? path : "");
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return werr_set(err, errno, "connect to slirp4netns's API socket '%s'", path);
	if (write_all(fd, req, strlen(req)) < 0 || shutdown(fd, SHUT_WR) < 0)
		return werr_set(err, errno, "write to slirp4netns's API socket");
	while (got + 1 < len && (r = read(fd, buf + got, len - got - 1)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return werr_set(err, errno, "read slirp4netns's API socket");
		got += (size_t)r;
	}
	buf[got] = '\0';
	return 0;
}

int net_slirp_hostfwd(const char *api_socket, const struct net_fwd *fwd, size_t n, struct werr *err)
{
	for (size_t i = 0; i < n; i++) {
		const char *addr =
		    fwd[i].host_addr && *fwd[i].host_addr ? fwd[i].host_addr : "0.0.0.0";
		cleanup_free char *req =
		    xasprintf("{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"%s\","
			      "\"host_addr\":\"%s\",\"host_port\":%d,\"guest_port\":%d}}",
			      fwd[i].proto, addr, fwd[i].host_port, fwd[i].guest_port);
		char reply[1024];
		if (api_call(api_socket, req, reply, sizeof(reply), err) < 0)
			return -1;
		cleanup_json struct json_object *j = json_tokener_parse(reply);
		if (jget(j, "return") == NULL) {
			const char *d = jstr(jget(j, "error"), "desc");
			werr_set(err, 0, "slirp4netns cannot forward %s port %s:%d: %s",
				 fwd[i].proto, addr, fwd[i].host_port, d ? d : "no reply");
			return werr_status(err, 126);
		}
	}
	return 0;
}
