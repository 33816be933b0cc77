/* service.c - `warren system service`: the listening socket, the accept
 * loop and one forked process per connection (api.h). The loop runs
 * outside the user namespace, so SO_PEERCRED gives host uids; the forked
 * process joins the namespace and runs the engine calls, which may block
 * and need not be thread-safe. The children tell the loop when a request
 * begins and ends (a pipe of {pid, busy} records), which is what the idle
 * timeout counts. */
#include "api/api.h"
#include "api/api_int.h"
#include "api/http.h"
#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

char *api_default_socket(const struct engine *e)
{
	return xasprintf("%s/warren.sock", e->userrun);
}

/* What the children report: a request of pid begins (busy 1) or ends. */
struct busy_msg {
	pid_t pid;
	int busy;
};

struct child {
	pid_t pid;
	bool busy;
};

struct service {
	int lfd, sfd, pipe_r, pipe_w;
	char *unlink_path; /* the socket we made, removed at the end */
	bool unix_sock;
	struct child *kids;
	size_t nkids, cap;
	int64_t last; /* ns: the last time something was in flight */
};

/* ---- the listening socket ---- */

/* A socket handed over by systemd-style activation: fd 3 when LISTEN_PID
 * is ours and LISTEN_FDS >= 1 (the variables are removed, as
 * sd_listen_fds does). -1 when there is none. */
static int activation_fd(void)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	int64_t p, n;
	int fd = -1;

	if (pid && fds && parse_int64(pid, 1, INT32_MAX, &p) == 0 && p == getpid() &&
	    parse_int64(fds, 1, 1024, &n) == 0) {
		fd = 3;
		if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
			fd = -1;
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return fd;
}

/* path already exists: a socket nobody listens on (left by a killed
 * service) is removed; a live one or anything else is an error. */
static int stale_socket(const char *path, struct werr *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	cleanup_close int fd = -1;
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : werr_set(err, errno, "stat '%s'", path);
	if (!S_ISSOCK(st.st_mode))
		return werr_set(err, EEXIST, "'%s' exists and is not a socket", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return werr_set(err, errno, "socket");
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return werr_set(err, EADDRINUSE, "another service listens on '%s'", path);
	if (errno != ECONNREFUSED)
		return werr_set(err, errno, "probe '%s'", path);
	if (unlink(path) < 0 && errno != ENOENT)
		return werr_set(err, errno, "remove stale socket '%s'", path);
	return 0;
}

static int listen_unix(struct service *s, const char *path, struct werr *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	cleanup_free char *dir = xstrdup(path);
	cleanup_close int fd = -1;
	char *slash = strrchr(dir, '/');
	mode_t old;
	int r;

	if (path[0] != '/' || strlen(path) >= sizeof(sa.sun_path))
		return werr_set(err, EINVAL,
				"socket path '%s': not an absolute path of at most %zu "
				"bytes",
				path, sizeof(sa.sun_path) - 1);
	if (slash > dir) {
		*slash = '\0';
		if (mkdir_p(dir, 0700, err) < 0)
			return -1;
	}
	if (stale_socket(path, err) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return werr_set(err, errno, "socket");
	memcpy(sa.sun_path, path, strlen(path) + 1);
	/* made 0600 from the start: no moment where another user may connect */
	old = umask(0177);
	r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0)
		return werr_set(err, errno, "bind '%s'", path);
	s->unlink_path = xstrdup(path);
	if (listen(fd, 128) < 0)
		return werr_set(err, errno, "listen on '%s'", path);
	s->unix_sock = true;
	s->lfd = steal_fd(&fd);
	return 0;
}

/* tcp://HOST:PORT: only on the loopback (a TCP peer has no uid to check,
 * and there is no TLS): anything else is refused. */
static int listen_tcp(struct service *s, const char *hostport, struct werr *err)
{
	cleanup_free char *host = xstrdup(hostport);
	struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai = NULL;
	char *colon = strrchr(host, ':');
	cleanup_close int fd = -1;
	int one = 1, r;

	if (colon == NULL || colon[1] == '\0')
		return werr_set(err, EINVAL, "tcp://%s: no port", hostport);
	*colon = '\0';
	if (strcmp(host, "127.0.0.1") != 0 && strcmp(host, "localhost") != 0)
		return werr_set(err, EINVAL,
				"tcp://%s: only 127.0.0.1 is served (no TLS, no peer check): use a "
				"unix socket, or ssh to reach it from elsewhere",
				hostport);
	r = getaddrinfo("127.0.0.1", colon + 1, &hints, &ai);
	if (r != 0)
		return werr_set(err, EINVAL, "tcp://%s: %s", hostport, gai_strerror(r));
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 128) < 0) {
		int e = errno;
		freeaddrinfo(ai);
		return werr_set(err, e, "listen on tcp://%s", hostport);
	}
	freeaddrinfo(ai);
	log_warn("API service on tcp://%s: every local user can use it (no peer credentials "
		 "over TCP)",
		 hostport);
	s->lfd = steal_fd(&fd);
	return 0;
}

static int open_listener(struct service *s, const struct engine *e, const char *uri,
			 struct werr *err)
{
	cleanup_free char *def = NULL;

	s->lfd = activation_fd();
	if (s->lfd >= 0) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		if (getsockname(s->lfd, (struct sockaddr *)&ss, &len) == 0)
			s->unix_sock = ss.ss_family == AF_UNIX;
		return 0;
	}
	if (uri == NULL)
		return listen_unix(s, def = api_default_socket(e), err);
	if (str_has_prefix(uri, "unix://"))
		return listen_unix(s, uri + 7, err);
	if (str_has_prefix(uri, "tcp://"))
		return listen_tcp(s, uri + 6, err);
	return werr_set(err, EINVAL, "'%s': the URI must be unix:///PATH or tcp://127.0.0.1:PORT",
			uri);
}

/* ---- children ---- */

static void busy_send(int fd, int busy)
{
	struct busy_msg m = {getpid(), busy};

	/* fewer than PIPE_BUF bytes: one atomic write */
	if (write(fd, &m, sizeof(m)) < 0)
		return;
}

/* A refused peer's request is read (5 s at most) before the 403 goes out:
 * a client sees an answer sent before it has written as a failed connect. */
static void refuse_child(int fd)
{
	cleanup_free struct http_conn *c = xcalloc(1, sizeof(*c));
	struct http_req r;
	const char *msg;

	c->fd = fd;
	alarm(5);
	http_read(c, &r, 0, &msg);
	http_req_free(&r);
	http_send_error(fd, 403, "connection refused: the peer's uid is not the service's");
	_exit(0);
}

/* Serves one connection's requests in a child (never returns). */
static __attribute__((noreturn)) void conn_child(struct engine *e, const struct api_opts *o, int fd,
						 int pipe_w, bool refuse)
{
	cleanup_free struct http_conn *c = xcalloc(1, sizeof(*c));
	struct api_conn ac = {.e = e, .o = o, .fd = fd};
	int rc = 0;

	if (refuse)
		refuse_child(fd);
	c->fd = fd;
	while (rc == 0) {
		struct http_req r;
		const char *msg = "";
		int st = http_read(c, &r, HTTP_BODY_MAX, &msg);

		if (st != 1) {
			if (st > 1)
				http_send_error(fd, st, msg);
			http_req_free(&r);
			break;
		}
		busy_send(pipe_w, 1);
		rc = api_handle(&ac, &r);
		busy_send(pipe_w, 0);
		if (!r.keep_alive)
			rc = 1;
		http_req_free(&r);
	}
	_exit(0);
}

void api_serve_conn(struct engine *e, const struct api_opts *o, int fd)
{
	api_server_headers(o);
	signal(SIGPIPE, SIG_IGN);
	conn_child(e, o, fd, -1, false);
}

static bool peer_ok(const struct service *s, int fd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (!s->unix_sock)
		return true;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0)
		return false;
	if (cr.uid == getuid() || cr.uid == 0)
		return true;
	log_warn("API service: refused a connection from uid %u (pid %d)", (unsigned)cr.uid,
		 (int)cr.pid);
	return false;
}

/* connections served at once; more wait in the listen backlog */
#define MAX_CONNS 256

static void accept_one(struct service *s, struct engine *e, const struct api_opts *o)
{
	cleanup_close int fd = -1;
	sigset_t none;
	pid_t pid;

	if (s->nkids >= MAX_CONNS)
		return;
	fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0) {
		/* out of fds or memory: not a busy loop on a listener that stays readable */
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			nanosleep(&(struct timespec){0, 50 * 1000 * 1000}, NULL);
		return;
	}
	bool refuse = !peer_ok(s, fd);

	s->last = now_ns();
	pid = fork();
	if (pid < 0) {
		http_send_error(fd, 500, "cannot fork");
		return;
	}
	if (pid == 0) {
		close(s->lfd);
		close(s->sfd);
		close(s->pipe_r);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		conn_child(e, o, fd, s->pipe_w, refuse);
	}
	if (s->nkids == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->kids = xrealloc(s->kids, s->cap * sizeof(*s->kids));
	}
	s->kids[s->nkids++] = (struct child){pid, false};
}

static void reap(struct service *s)
{
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (size_t i = 0; i < s->nkids; i++) {
			if (s->kids[i].pid == pid) {
				s->kids[i] = s->kids[--s->nkids];
				break;
			}
		}
		s->last = now_ns();
	}
}

static void read_busy(struct service *s)
{
	struct busy_msg m[32];
	ssize_t n = read(s->pipe_r, m, sizeof(m));

	for (ssize_t i = 0; n > 0 && i < n / (ssize_t)sizeof(m[0]); i++)
		for (size_t k = 0; k < s->nkids; k++)
			if (s->kids[k].pid == m[i].pid)
				s->kids[k].busy = m[i].busy;
	s->last = now_ns();
}

static bool any_busy(const struct service *s)
{
	for (size_t i = 0; i < s->nkids; i++)
		if (s->kids[i].busy)
			return true;
	return false;
}

/* poll's timeout: until the idle time is up (-1: none) */
static int idle_timeout(const struct service *s, int idle)
{
	int64_t left;

	if (idle <= 0 || any_busy(s))
		return -1;
	left = (s->last + (int64_t)idle * 1000000000 - now_ns()) / 1000000;
	return left < 0 ? 0 : (int)left + 1;
}

static void shutdown_service(struct service *s)
{
	int st;

	close(s->lfd);
	if (s->unlink_path)
		unlink(s->unlink_path);
	for (size_t i = 0; i < s->nkids; i++)
		kill(s->kids[i].pid, SIGTERM);
	for (size_t i = 0; i < s->nkids; i++)
		while (waitpid(s->kids[i].pid, &st, 0) < 0 && errno == EINTR)
			;
	close(s->sfd);
	close(s->pipe_r);
	close(s->pipe_w);
	free(s->unlink_path);
	free(s->kids);
}

static int service_loop(struct service *s, struct engine *e, const struct api_opts *o)
{
	for (;;) {
		struct pollfd p[3] = {{s->nkids < MAX_CONNS ? s->lfd : -1, POLLIN, 0},
				      {s->sfd, POLLIN, 0},
				      {s->pipe_r, POLLIN, 0}};
		int t = idle_timeout(s, o->idle), n = poll(p, 3, t);

		if (n < 0 && errno != EINTR)
			return -1;
		if (n == 0 && !any_busy(s) && idle_timeout(s, o->idle) == 0)
			return 0; /* idle */
		if (p[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(s->sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGCHLD)
					reap(s);
				else
					return 0; /* SIGTERM, SIGINT */
			}
		}
		if (p[2].revents & POLLIN)
			read_busy(s);
		if (p[0].revents & POLLIN)
			accept_one(s, e, o);
	}
}

int api_serve(struct engine *e, const struct api_opts *o, struct werr *err)
{
	struct service s = {.lfd = -1, .sfd = -1, .pipe_r = -1, .pipe_w = -1};
	int pfd[2], rc;
	sigset_t set;

	if (open_listener(&s, e, o->uri, err) < 0)
		return -1;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigdelset(&set, SIGPIPE);
	s.sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (s.sfd < 0 || pipe2(pfd, O_CLOEXEC) < 0) {
		werr_set(err, errno, "signalfd");
		shutdown_service(&s);
		return -1;
	}
	s.pipe_r = pfd[0];
	s.pipe_w = pfd[1];
	s.last = now_ns();
	api_server_headers(o);
	rc = service_loop(&s, e, o);
	shutdown_service(&s);
	return rc < 0 ? werr_set(err, errno, "poll") : 0;
}
