/* warren-monitor - the per-container monitor of a detached container (the
 * conmon role). A program of its own, linked statically against libc only,
 * so that its idle memory stays small (issue 8: under 1 MiB).
 *
 * warren starts the container in a child of its own and then execs this
 * program in that same process: the container's init stays our child
 * (we reap it and read its status) and nothing of the big warren binary
 * stays mapped. What it needs comes on fd 3 as "key=value" lines (so that
 * `ps` shows only "warren-monitor ID", no trace of the user's command):
 *
 *   id=ID            the container (64 hex)
 *   pid=PID          its init, our child
 *   lock=FD          its owner lock (runtime/ctrlock.h), held for its life
 *   out=FD err=FD    pipes of its stdout and stderr (or, with tty=1, out is
 *                    the pty master), -1 when absent
 *   in=FD            the write end of its stdin pipe (-i), kept open
 *   log=PATH         k8s-file log ("" or absent: no log)
 *   log_max=BYTES    truncate the log when it would grow past this (0: never)
 *   tty=0|1
 *   exit_file=PATH   where the exit code goes ("N\n") before the exit command
 *                    runs (runtime/ctrlock.h: the exit record)
 *   exit=ARG         (repeated) the exit command; the monitor appends
 *                    "--exit-code N --lock-fd FD ID" and runs it when the
 *                    container has exited. Its status 3 means "start it
 *                    again" (a restart policy): then restart= below runs.
 *   restart=ARG      (repeated) a command exec'd in this process to start
 *                    the container again (it inherits the lock); appended:
 *                    "--lock-fd FD ID"
 *   env=K=V          (repeated) the environment of those commands
 *   attach=DIR       serve attach on DIR/ID (monitor/attach_proto.h)
 *   attach_hold=1    read no output and wait with the end until the first
 *                    client has attached (`start -a` attaches right after
 *                    the start)
 *   hold_pid=PID     the client that will attach, hold_start=T its start
 *   hold_start=T     time: the hold ends when it attaches or exits (a
 *                    pidfd: however slow it is, it misses nothing; one
 *                    that died never comes). Without them (or a pidfd),
 *                    a client that never comes ends the hold after
 *                    HOLD_MAX. The container is never harmed either way.
 *   net_fd=FD        the container's network helper's fd, held while it runs
 *                    (-1: none): closing it ends slirp4netns (its --exit-fd);
 *                    with net_pidfd=1 it is a pidfd of pasta, sent SIGTERM
 *   net_pid=PID      that helper (slirp4netns is our child: reaped)
 *   hc=ARG           (repeated) the healthcheck command (`healthcheck run
 *                    ID`), run every hc_interval=NS nanoseconds, never two
 *                    at once; it records the result and acts on it itself
 *   fwd=P:FD:PORT:F  (repeated) a published port's listener (forward.h)
 *
 * One loop over a signalfd, a timerfd and the output fds; no threads, no
 * heap growth while idle. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "monitor/attach_proto.h"
#include "monitor/forward.h"
#include "monitor/k8sfile.h"
#include "monitor/params.h"

#define PARAMS_MAX   (64 * 1024)
#define MAX_ARGS     64
#define CHUNK	     (32 * 1024)
#define EXIT_RESTART 3
#define HOLD_MAX     (30 * 1000) /* ms */
#define PATH_MAX_MON 4096

struct mon {
	char id[65];
	pid_t pid;
	int lock, out, err, in;
	struct k8s_log log;
	int net_fd;
	pid_t net_pid;
	bool net_pidfd;
	bool tty;
	const char *exit_file; /* the exit record, NULL: none */
	char *exit_argv[MAX_ARGS + 8];
	int nexit;
	char *restart_argv[MAX_ARGS + 4];
	int nrestart;
	char *env[MAX_ARGS + 1];
	int nenv;
	char *hc_argv[MAX_ARGS + 1];
	int nhc;
	long long hc_interval;		 /* ns, 0: no timed healthcheck */
	int timer;			 /* its timerfd, -1: none */
	pid_t hc_pid;			 /* the check running now, 0: none */
	int listen;			 /* the attach socket, -1: none */
	bool hold;			 /* attach_hold=1 until the first client */
	pid_t hold_pid;			 /* the client that will attach, 0: unknown */
	unsigned long long hold_start;	 /* its start time */
	int hold_fd;			 /* its pidfd, -1: none (HOLD_MAX bounds) */
	char sock_path[100];		 /* via /proc/self/fd/DIRFD/ID */
	int clients[ATTACH_CLIENTS_MAX]; /* -1: free */
};

static char params[PARAMS_MAX + 1];

static int to_fd(const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);
	return *v && *end == '\0' && n >= 0 && n < 65536 ? (int)n : -1;
}

static void add_arg(char **v, int *n, int max, char *a)
{
	if (*n < max)
		v[(*n)++] = a;
}

/* The attach socket DIR/ID. The path goes through /proc/self/fd of DIR,
 * so that a long runroot still fits sun_path. */
static void attach_listen(struct mon *m, const char *dir)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dfd < 0 || strlen(m->id) != 64)
		goto fail;
	snprintf(m->sock_path, sizeof(m->sock_path), "/proc/self/fd/%d/%s", dfd, m->id);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", m->sock_path);
	unlink(sa.sun_path);
	m->listen = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (m->listen < 0 || bind(m->listen, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    fchmodat(dfd, m->id, 0600, 0) < 0 || listen(m->listen, 4) < 0)
		goto fail;
	return; /* dfd stays open: sock_path names it */
fail:
	if (m->listen >= 0)
		close(m->listen);
	m->listen = -1;
	m->sock_path[0] = '\0';
	if (dfd >= 0)
		close(dfd);
}

/* Field 22 of /proc/PID/stat (its start time), 0 when unreadable. */
static unsigned long long start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long v = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the name may hold anything */
	for (int field = 2; p != NULL && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (p != NULL)
		v = strtoull(p + 1, NULL, 10);
	return v;
}

/* The hold follows the client that will attach (hold_pid): its pidfd
 * becomes readable when it exits. A client already gone ends the hold;
 * no pidfd (a kernel before 5.3) leaves the HOLD_MAX bound. */
static void hold_watch(struct mon *m)
{
	if (!m->hold || m->hold_pid <= 0)
		return;
	m->hold_fd = (int)syscall(SYS_pidfd_open, m->hold_pid, 0);
	if (m->hold_fd < 0) {
		if (errno == ESRCH)
			m->hold = false;
		return;
	}
	/* a recycled pid is not our client */
	if (m->hold_start != 0 && start_time(m->hold_pid) != m->hold_start) {
		close(m->hold_fd);
		m->hold_fd = -1;
		m->hold = false;
	}
}

/* The hold is over (a client came, or the one expected is gone). */
static void hold_end(struct mon *m)
{
	m->hold = false;
	if (m->hold_fd >= 0)
		close(m->hold_fd);
	m->hold_fd = -1;
}

static void attach_accept(struct mon *m)
{
	int c = accept4(m->listen, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (c < 0)
		return;
	for (int i = 0; i < ATTACH_CLIENTS_MAX; i++)
		if (m->clients[i] < 0) {
			m->clients[i] = c;
			hold_end(m);
			return;
		}
	close(c); /* full */
}

/* The container's output to every attached client; one that cannot keep
 * up misses it rather than stall the container (as conmon does). */
static void attach_send(struct mon *m, int kind, const char *buf, size_t n)
{
	static char pkt[ATTACH_PACKET_MAX];

	while (n > 0) {
		size_t len = n < ATTACH_PACKET_MAX - 1 ? n : ATTACH_PACKET_MAX - 1;
		pkt[0] = (char)kind;
		memcpy(pkt + 1, buf, len);
		for (int i = 0; i < ATTACH_CLIENTS_MAX; i++)
			if (m->clients[i] >= 0 &&
			    send(m->clients[i], pkt, len + 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
			    errno != EAGAIN) {
				close(m->clients[i]);
				m->clients[i] = -1;
			}
		buf += len;
		n -= len;
	}
}

/* The container's exit code to every client (the last packet), which
 * then goes: a --rm container may be gone before a client could look. */
static void attach_exit(struct mon *m, int code)
{
	char pkt[1 + sizeof(int)] = {ATTACH_EXIT};

	memcpy(pkt + 1, &code, sizeof(code));
	for (int i = 0; i < ATTACH_CLIENTS_MAX; i++)
		if (m->clients[i] >= 0) {
			send(m->clients[i], pkt, sizeof(pkt), MSG_DONTWAIT | MSG_NOSIGNAL);
			close(m->clients[i]);
			m->clients[i] = -1;
		}
}

/* A packet from client i: stdin, a resize, or the end of its stdin. */
static void attach_recv(struct mon *m, int i)
{
	static char pkt[ATTACH_PACKET_MAX];
	ssize_t n = recv(m->clients[i], pkt, sizeof(pkt), MSG_DONTWAIT);
	int in = m->tty ? m->out : m->in;
	unsigned short ws[2];

	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) {
		close(m->clients[i]);
		m->clients[i] = -1;
		return;
	}
	if (pkt[0] == ATTACH_STDIN && in >= 0) {
		fd_write_full(in, pkt + 1, (size_t)n - 1);
	} else if (pkt[0] == ATTACH_RESIZE && m->tty && m->out >= 0 && n == 1 + sizeof(ws)) {
		struct winsize w = {0};
		memcpy(ws, pkt + 1, sizeof(ws));
		w.ws_row = ws[0];
		w.ws_col = ws[1];
		ioctl(m->out, TIOCSWINSZ, &w);
	} else if (pkt[0] == ATTACH_EOF && m->in >= 0) {
		close(m->in);
		m->in = -1;
	} else if (pkt[0] == ATTACH_EOF && m->tty && m->out >= 0) {
		fd_write_full(m->out, "\x04", 1); /* ^D: end of input on a pty */
	}
}

/* Reads fd 3 (see the top of the file). 0, or -1 when it is unusable. */
static int read_params(struct mon *m)
{
	const char *log_path = NULL;
	long long log_max = 0;
	char *cursor = params, *k, *v;

	if (params_read(params, PARAMS_MAX) < 0)
		return -1;
	while ((k = params_next(&cursor, &v)) != NULL) {
		if (strcmp(k, "id") == 0)
			snprintf(m->id, sizeof(m->id), "%s", v);
		else if (strcmp(k, "pid") == 0)
			m->pid = (pid_t)atoi(v);
		else if (strcmp(k, "lock") == 0)
			m->lock = to_fd(v);
		else if (strcmp(k, "out") == 0)
			m->out = to_fd(v);
		else if (strcmp(k, "err") == 0)
			m->err = to_fd(v);
		else if (strcmp(k, "in") == 0)
			m->in = to_fd(v);
		else if (strcmp(k, "log") == 0 && *v)
			log_path = v;
		else if (strcmp(k, "log_max") == 0)
			log_max = atoll(v);
		else if (strcmp(k, "tty") == 0)
			m->tty = strcmp(v, "1") == 0;
		else if (strcmp(k, "exit_file") == 0 && *v)
			m->exit_file = v;
		else if (strcmp(k, "exit") == 0)
			add_arg(m->exit_argv, &m->nexit, MAX_ARGS, v);
		else if (strcmp(k, "restart") == 0)
			add_arg(m->restart_argv, &m->nrestart, MAX_ARGS, v);
		else if (strcmp(k, "env") == 0)
			add_arg(m->env, &m->nenv, MAX_ARGS, v);
		else if (strcmp(k, "attach") == 0)
			attach_listen(m, v);
		else if (strcmp(k, "attach_hold") == 0)
			m->hold = strcmp(v, "1") == 0;
		else if (strcmp(k, "hold_pid") == 0)
			m->hold_pid = (pid_t)atoi(v);
		else if (strcmp(k, "hold_start") == 0)
			m->hold_start = strtoull(v, NULL, 10);
		else if (strcmp(k, "net_fd") == 0)
			m->net_fd = to_fd(v);
		else if (strcmp(k, "net_pid") == 0)
			m->net_pid = (pid_t)atoi(v);
		else if (strcmp(k, "net_pidfd") == 0)
			m->net_pidfd = strcmp(v, "1") == 0;
		else if (strcmp(k, "hc") == 0)
			add_arg(m->hc_argv, &m->nhc, MAX_ARGS, v);
		else if (strcmp(k, "hc_interval") == 0)
			m->hc_interval = atoll(v);
		else
			fwd_param(k, v);
	}
	if (log_path != NULL)
		k8s_log_open(&m->log, log_path, log_max);
	if (m->listen < 0)
		m->hold = false; /* nobody can come */
	hold_watch(m);
	return m->pid > 0 && m->lock >= 0 && strlen(m->id) == 64 ? 0 : -1;
}

/* Reads what fd has; at end of file (or EIO: a pty whose other side is
 * all closed) closes it. */
static void pump(struct mon *m, int *fd, const char *stream)
{
	static char buf[CHUNK];
	ssize_t n = read(*fd, buf, sizeof(buf));

	if (n > 0) {
		k8s_log_write(&m->log, stream, buf, (size_t)n);
		attach_send(m, strcmp(stream, "stderr") == 0 ? ATTACH_STDERR : ATTACH_STDOUT, buf,
			    (size_t)n);
		return;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	close(*fd);
	*fd = -1;
}

/* After the container's exit: what is left in the pipes (nothing else
 * can write to them now: its pid namespace is gone). */
static void drain(struct mon *m)
{
	for (int i = 0; i < 1000 && (m->out >= 0 || m->err >= 0); i++) {
		struct pollfd p[2] = {{m->out, POLLIN, 0}, {m->err, POLLIN, 0}};
		if (poll(p, 2, 0) <= 0)
			break;
		if (p[0].revents)
			pump(m, &m->out, "stdout");
		if (p[1].revents)
			pump(m, &m->err, "stderr");
	}
}

static char *fmt_int(long long v)
{
	char *s = malloc(24);
	if (s)
		snprintf(s, 24, "%lld", v);
	return s;
}

/* The exit record (runtime/ctrlock.h), written whole under a temporary
 * name and renamed: whoever settles the container after a failed exit
 * command reads the code the container really ended with. */
static void write_exit_file(const struct mon *m, int code)
{
	char tmp[PATH_MAX_MON], line[16];
	int fd, n;
	bool ok;

	if (m->exit_file == NULL ||
	    snprintf(tmp, sizeof(tmp), "%s.tmp", m->exit_file) >= (int)sizeof(tmp))
		return;
	n = snprintf(line, sizeof(line), "%d\n", code);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	ok = write(fd, line, (size_t)n) == n;
	if (close(fd) < 0 || !ok || rename(tmp, m->exit_file) < 0)
		unlink(tmp);
}

/* Runs the exit command; returns its exit status (-1: could not run). */
static int run_exit(struct mon *m, int code)
{
	pid_t c;
	int st;

	if (m->nexit == 0)
		return 0;
	m->exit_argv[m->nexit++] = "--exit-code";
	m->exit_argv[m->nexit++] = fmt_int(code);
	m->exit_argv[m->nexit++] = "--lock-fd";
	m->exit_argv[m->nexit++] = fmt_int(m->lock);
	m->exit_argv[m->nexit++] = m->id;
	m->exit_argv[m->nexit] = NULL;
	m->env[m->nenv] = NULL;
	c = fork();
	if (c < 0)
		return -1;
	if (c == 0) {
		execve(m->exit_argv[0], m->exit_argv, m->env);
		_exit(127);
	}
	while (waitpid(c, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The status of a reaped child as the CLI reports it: 128+N after signal N. */
static int exit_code(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The healthcheck timer: every hc_interval, from now. */
static void health_timer(struct mon *m)
{
	struct itimerspec it;

	if (m->nhc == 0 || m->hc_interval <= 0)
		return;
	it.it_value.tv_sec = (time_t)(m->hc_interval / 1000000000LL);
	it.it_value.tv_nsec = (long)(m->hc_interval % 1000000000LL);
	it.it_interval = it.it_value;
	m->timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (m->timer >= 0 && timerfd_settime(m->timer, 0, &it, NULL) < 0) {
		close(m->timer);
		m->timer = -1;
	}
}

/* A tick: one check, unless the last one still runs. The child keeps none
 * of our fds (the lock above all: a check that stops the container waits
 * for it to go) and none of our blocked signals. */
static void health_tick(struct mon *m, const sigset_t *mask)
{
	unsigned long long ticks;

	if (read(m->timer, &ticks, sizeof(ticks)) < 0 || m->hc_pid > 0)
		return;
	m->hc_argv[m->nhc] = NULL;
	m->env[m->nenv] = NULL;
	m->hc_pid = fork();
	if (m->hc_pid < 0)
		m->hc_pid = 0;
	if (m->hc_pid != 0)
		return;
	sigprocmask(SIG_UNBLOCK, mask, NULL);
	if (close_range(3, ~0U, 0) < 0)
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
	execve(m->hc_argv[0], m->hc_argv, m->env);
	_exit(127);
}

/* The container has exited: its network helper goes too (a restart makes
 * a new netns and a new helper). slirp4netns ends when its exit fd
 * closes; we reap it, a second at most, or kill it. */
static void net_stop(struct mon *m)
{
	struct timespec ts = {0, 2 * 1000 * 1000};

	if (m->net_fd >= 0) {
		if (m->net_pidfd)
			syscall(SYS_pidfd_send_signal, m->net_fd, SIGTERM, NULL, 0);
		close(m->net_fd);
		m->net_fd = -1;
	}
	for (int i = 0; !m->net_pidfd && m->net_pid > 0 && i < 500; i++) {
		pid_t r = waitpid(m->net_pid, NULL, WNOHANG);
		if (r != 0)
			break;
		if (i == 499) {
			kill(m->net_pid, SIGKILL);
			waitpid(m->net_pid, NULL, 0);
		}
		nanosleep(&ts, NULL);
	}
}

static void restart(struct mon *m)
{
	char *lockfd = fmt_int(m->lock);

	m->restart_argv[m->nrestart++] = "--lock-fd";
	m->restart_argv[m->nrestart++] = lockfd;
	m->restart_argv[m->nrestart++] = m->id;
	m->restart_argv[m->nrestart] = NULL;
	m->env[m->nenv] = NULL;
	/* the lock goes on with the new monitor: not CLOEXEC */
	execve(m->restart_argv[0], m->restart_argv, m->env);
}

/* A pod's infra container (runtime/pods.c bind-mounts this static binary
 * into an empty rootfs at POD_INFRA_PATH and runs it as argv {that path}):
 * it only holds the pod's namespaces, so it needs no image. As the init
 * of the pod's pid namespace it reaps what members orphan there, and it
 * ends at SIGTERM, SIGINT or SIGHUP (blocked signals are delivered to a
 * namespace's init even from outside, where unhandled ones are not). */
static int infra_mode(void)
{
	sigset_t all;
	int sig;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	for (;;) {
		sig = sigwaitinfo(&all, NULL);
		if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP)
			return 0;
		if (sig == SIGCHLD)
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
	}
}

/* The pause process of rootless warren (rootless/pause.c execs us as
 * "warren-pause"): it only holds the user and mount namespaces. It tells
 * its creator it is ready on fd 4 and waits for SIGKILL (every other
 * signal came blocked); fd 3 is its marker (rootless/pausescan.h). */
static int pause_mode(void)
{
	int ready = 0;
	struct stat st;

	if (fstat(4, &st) < 0 || !S_ISSOCK(st.st_mode))
		return 125;
	prctl(PR_SET_NAME, "warren-pause", 0, 0, 0);
	fd_write_full(4, (const char *)&ready, sizeof(ready));
	close(4);
	for (;;)
		pause();
}

/* The holder of the rootless network namespace of bridge networks
 * (runtime/rnetns.c forks it into that namespace and execs us as
 * "warren-netns"): it only keeps the namespace, and on fd 3 the exit fd
 * of its slirp4netns, which goes with it. Ended by SIGKILL. */
static int netns_mode(void)
{
	prctl(PR_SET_NAME, "warren-netns", 0, 0, 0);
	for (;;)
		pause();
	return 0;
}

int main(int argc, char **argv)
{
	struct mon m = {.lock = -1,
			.out = -1,
			.err = -1,
			.in = -1,
			.log = {.fd = -1},
			.net_fd = -1,
			.listen = -1,
			.hold_fd = -1,
			.timer = -1};
	sigset_t mask;
	int sfd, fwd, status = 0;
	bool exited = false;

	if (argc == 1 && strcmp(argv[0], "warren-pause") == 0)
		return pause_mode();
	if (argc == 1 && strcmp(argv[0], "warren-netns") == 0)
		return netns_mode();
	if (argc == 1 && strcmp(argv[0], "warren-forward") == 0)
		return fwd_main();
	if (argc == 1 && strcmp(argv[0], "/warren-infra") == 0)
		return infra_mode();
	for (int i = 0; i < ATTACH_CLIENTS_MAX; i++)
		m.clients[i] = -1;
	if (read_params(&m) < 0) {
		/* nothing to watch without them: the container dies with us
		 * (its PDEATHSIG) and the next command settles it */
		return 125;
	}
	prctl(PR_SET_NAME, "warren-monitor", 0, 0, 0);
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGPIPE);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		return 125;
	health_timer(&m);
	fwd = fwd_start(m.pid);
	/* the child may have exited before the signalfd existed */
	if (waitpid(m.pid, &status, WNOHANG) == m.pid)
		exited = true;
	while (!exited || m.hold) {
		struct pollfd p[7 + ATTACH_CLIENTS_MAX] = {{sfd, POLLIN, 0},
							   {m.hold ? -1 : m.out, POLLIN, 0},
							   {m.hold ? -1 : m.err, POLLIN, 0},
							   {m.listen, POLLIN, 0},
							   {m.timer, POLLIN, 0},
							   {fwd, POLLIN, 0},
							   {m.hold ? m.hold_fd : -1, POLLIN, 0}};
		struct signalfd_siginfo si;
		/* while it holds for a client it cannot watch, at most HOLD_MAX ms */
		int ft = fwd_timeout(),
		    hold_wait = m.hold && m.hold_fd < 0 && (ft < 0 || ft >= HOLD_MAX);
		int n;

		for (int i = 0; i < ATTACH_CLIENTS_MAX; i++)
			p[7 + i] = (struct pollfd){m.clients[i], POLLIN, 0};
		n = poll(p, 7 + ATTACH_CLIENTS_MAX, hold_wait ? HOLD_MAX : ft);
		if (n < 0 && errno != EINTR)
			break;
		if (n == 0 && hold_wait)
			hold_end(&m); /* the client is not coming */
		/* the forwarder's events, or its UDP flows' expiry */
		if (p[5].revents || fwd_timeout() >= 0)
			fwd_dispatch();
		if (p[4].revents)
			health_tick(&m, &mask);
		if (p[1].revents)
			pump(&m, &m.out, "stdout");
		if (p[2].revents)
			pump(&m, &m.err, "stderr");
		if (p[3].revents)
			attach_accept(&m);
		/* after the accept: a client that came and went was served */
		if (p[6].revents && m.hold)
			hold_end(&m); /* the client exited without attaching */
		for (int i = 0; i < ATTACH_CLIENTS_MAX; i++)
			if (p[7 + i].revents && m.clients[i] >= 0)
				attach_recv(&m, i);
		if (!(p[0].revents & POLLIN))
			continue;
		while (read(sfd, &si, sizeof(si)) == sizeof(si))
			;
		/* SIGTERM, SIGINT, SIGHUP: the container's lifetime is not the
		 * monitor's to end (`stop` signals the container) */
		pid_t w;
		int st;
		while ((w = waitpid(-1, &st, WNOHANG)) > 0)
			if (w == m.pid) {
				status = st;
				exited = true;
			} else if (w == m.hc_pid) {
				m.hc_pid = 0;
			}
	}
	/* the ports are free again before anything else: a restart binds them */
	fwd_stop();
	net_stop(&m);
	drain(&m);
	/* attached clients see the end of the output, then the exit */
	if (m.listen >= 0) {
		close(m.listen);
		unlink(m.sock_path);
	}
	attach_exit(&m, exit_code(status));
	if (m.in >= 0)
		close(m.in);
	if (m.out >= 0)
		close(m.out);
	if (m.err >= 0)
		close(m.err);
	k8s_log_close(&m.log);
	if (m.timer >= 0)
		close(m.timer);
	sigprocmask(SIG_UNBLOCK, &mask, NULL);
	write_exit_file(&m, exit_code(status));
	if (run_exit(&m, exit_code(status)) == EXIT_RESTART && m.nrestart > 0)
		restart(&m);
	return 0;
}
