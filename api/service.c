/* service.c - `warren system service`: the listening socket, the accept
 * loop and one forked process per connection (api.h). The loop runs
 * outside the user namespace, so SO_PEERCRED gives host uids; the forked
 * process joins the namespace and runs the engine calls, which may block
 * and need not be thread-safe. The children tell the loop when a request
 * begins and ends (a pipe of {pid, busy} records), which is what the idle
 * timeout counts.
 *
 * While connections come, one more child waits ready: forked and with
 * the store open before its connection comes (rootless, it joins the
 * namespace at the first request that needs the store: api_conn_prepare),
 * and the loop hands it the next accepted connection over a socketpair
 * (fd_send); the next one is forked when a connection's child ends. The
 * loop closes that socketpair READY_LINGER_MS after the last activity,
 * which ends the ready child, so that an idle service is one process
 * again. With none ready (the
 * first connection, after a linger, or it died), a connection's child is
 * forked and does it all at its first request, as before. The requests
 * read the store at request time, so a child made ready earlier sees what
 * was done since. A ready child whose connection only read (the ping,
 * the version, the lists: api_reusable) is left as it was, so it tells the
 * loop (BUSY_READY) and becomes the ready child again: a client that
 * lists in a loop (`docker ps`) costs no fork per connection. */
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
	int sock; /* a ready child's socketpair, kept while it serves: -1 */
};

/* busy_msg.busy of a child that served its connection with reads only
 * and waits on its socketpair for another (a ready child again) */
#define BUSY_READY 2
/* connections one ready child serves before it ends (what the engine's
 * calls leave allocated stays bounded) */
#define READY_REUSE_MAX 200

struct service {
	int lfd, sfd, pipe_r, pipe_w;
	char *unlink_path; /* the socket we made, removed at the end */
	bool unix_sock;
	struct child *kids;
	size_t nkids, cap;
	int64_t last;	 /* ns: the last time something was in flight */
	pid_t ready_pid; /* the ready child, 0 when none */
	int ready_fd;	 /* our end of its socketpair */
	bool want_ready; /* a connection came: make one ready when one ends */
};

/* how long a ready child waits for a connection before it is ended */
#define READY_LINGER_MS 2000

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

/* A connection's spool (api_spool): an upload counts as a request in
 * flight from its head on, so that the idle time does not end the service
 * while a large body comes in. */
struct conn_spool {
	struct api_conn *ac;
	int pipe_w;
	bool busy;
};

static int spool_busy(void *arg, const struct http_req *r)
{
	struct conn_spool *cs = arg;
	int fd = api_spool(cs->ac, r);

	if (fd >= 0 && !cs->busy) {
		busy_send(cs->pipe_w, 1);
		cs->busy = true;
	}
	return fd;
}

/* Serves ac's connection's requests in a child: true when every request
 * only read (api_reusable) and the connection ended cleanly. */
static bool conn_serve(struct api_conn *ac, int pipe_w)
{
	cleanup_free struct http_conn *c = xcalloc(1, sizeof(*c));
	struct conn_spool cs = {.ac = ac, .pipe_w = pipe_w};
	bool reads = true;
	int rc = 0;

	c->fd = ac->fd;
	c->spool = spool_busy;
	c->spool_arg = &cs;
	while (rc == 0) {
		struct http_req r;
		const char *msg = "";
		int st = http_read(c, &r, HTTP_BODY_MAX, &msg);

		if (st != 1) {
			if (st > 1) {
				http_send_error(ac->fd, st, msg);
				reads = false;
			}
			http_req_free(&r);
			break;
		}
		if (!cs.busy)
			busy_send(pipe_w, 1);
		reads = reads && api_reusable(&r);
		rc = api_handle(ac, &r);
		busy_send(pipe_w, 0);
		cs.busy = false;
		if (!r.keep_alive)
			rc = 1;
		else if (rc != 0) /* the handler took the connection over */
			reads = false;
		http_req_free(&r);
	}
	return reads;
}

static __attribute__((noreturn)) void conn_child(struct engine *e, const struct api_opts *o, int fd,
						 int pipe_w, bool refuse)
{
	struct api_conn ac = {.e = e, .o = o, .fd = fd};

	if (refuse)
		refuse_child(fd);
	conn_serve(&ac, pipe_w);
	_exit(0);
}

/* Whether the first request waiting on fd only reads (api_reusable), seen
 * with MSG_PEEK, so that the connection can still be handed on whole. A
 * client that sends nothing for 5 s counts as one that reads. */
static bool first_request_reads(int fd)
{
	char buf[1024], *sp, *path, *end;
	struct pollfd p = {fd, POLLIN, 0};
	ssize_t n;

	if (poll(&p, 1, 5000) <= 0)
		return true;
	n = recv(fd, buf, sizeof(buf) - 1, MSG_PEEK);
	if (n <= 0)
		return true; /* it left: nothing for anyone to serve */
	buf[n] = '\0';
	sp = strchr(buf, ' ');
	if (sp == NULL)
		return false;
	*sp = '\0';
	path = sp + 1;
	end = path + strcspn(path, " ?\r\n");
	*end = '\0';
	return api_reusable(&(struct http_req){.method = buf, .path = path});
}

/* The ready child: prepared, it waits for its connection (none: the loop
 * closed the socketpair, or the service is gone). A connection that only
 * read leaves it as it was, so it says so (BUSY_READY) and waits for
 * another: the next `docker ps` costs no fork and no store opening. */
static __attribute__((noreturn)) void ready_child(struct engine *e, const struct api_opts *o,
						  int sock, int pipe_w)
{
	struct api_conn ac = {.e = e, .o = o, .fd = -1};

	api_conn_prepare(&ac, true);
	for (int n = 1;; n++) {
		ac.fd = fd_recv(sock);
		if (ac.fd < 0)
			_exit(0);
		/* inside the user namespace now (a list joined it): a request
		 * that is not a read goes back to the loop, which forks a child
		 * from outside for it (POST /warren/cli starts warren from
		 * outside the namespace) */
		if (ac.ready && !first_request_reads(ac.fd)) {
			fd_send(sock, ac.fd);
			_exit(0);
		}
		if (!conn_serve(&ac, pipe_w) || n >= READY_REUSE_MAX)
			_exit(0);
		close(ac.fd);
		busy_send(pipe_w, BUSY_READY);
	}
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

/* In a child just forked: the loop's fds closed, the signals unblocked. */
static void child_setup(const struct service *s)
{
	sigset_t none;

	close(s->lfd);
	close(s->sfd);
	close(s->pipe_r);
	if (s->ready_fd >= 0)
		close(s->ready_fd);
	/* a write to a command that stopped reading (POST /warren/cli's
	 * stdin) or to a client that left is an EPIPE to handle, not a death */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void add_kid(struct service *s, pid_t pid, int sock)
{
	if (s->nkids == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->kids = xrealloc(s->kids, s->cap * sizeof(*s->kids));
	}
	s->kids[s->nkids++] = (struct child){pid, false, sock};
}

/* kids[i] gone from the list (its socketpair closed: a child that waits
 * on it ends) */
static void kid_forget(struct service *s, size_t i)
{
	if (s->kids[i].sock >= 0)
		close(s->kids[i].sock);
	s->kids[i] = s->kids[--s->nkids];
}

/* No ready child any more (it took a connection, it lingered, it died):
 * closing our end ends one that still waits. */
static void ready_drop(struct service *s)
{
	if (s->ready_fd >= 0)
		close(s->ready_fd);
	s->ready_fd = -1;
	s->ready_pid = 0;
}

static void ready_spawn(struct service *s, struct engine *e, const struct api_opts *o)
{
	int sp[2];
	pid_t pid;

	if (s->ready_pid > 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		return;
	pid = fork();
	if (pid < 0) {
		close(sp[0]);
		close(sp[1]);
		return;
	}
	if (pid == 0) {
		child_setup(s);
		close(sp[0]);
		ready_child(e, o, sp[1], s->pipe_w);
	}
	close(sp[1]);
	s->ready_pid = pid;
	s->ready_fd = sp[0];
}

/* fd to the ready child, which becomes the connection's child: true when
 * it took it (false when there is none or it died before). */
static bool ready_take(struct service *s, int fd)
{
	pid_t pid = s->ready_pid;

	if (pid <= 0)
		return false;
	if (fd_send(s->ready_fd, fd) < 0) {
		kill(pid, SIGKILL); /* unreaped: still our child; reap() forgets it */
		ready_drop(s);
		return false;
	}
	/* its socketpair kept: it may come back ready (BUSY_READY) */
	add_kid(s, pid, s->ready_fd);
	s->ready_fd = -1;
	ready_drop(s);
	return true;
}

/* A child of its own for the connection fd (closed here). */
static void conn_fork(struct service *s, struct engine *e, const struct api_opts *o, int fd,
		      bool refuse)
{
	pid_t pid = fork();

	if (pid < 0)
		http_send_error(fd, 500, "cannot fork");
	if (pid == 0) {
		child_setup(s);
		conn_child(e, o, fd, s->pipe_w, refuse);
	}
	if (pid > 0)
		add_kid(s, pid, -1);
	close(fd);
}

static void accept_one(struct service *s, struct engine *e, const struct api_opts *o)
{
	cleanup_close int fd = -1;

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
	s->want_ready = s->want_ready || !refuse;
	if (!refuse && ready_take(s, fd))
		return;
	conn_fork(s, e, o, steal_fd(&fd), refuse);
}

/* A connection's child ended: the next connection's is made ready now,
 * not when the last one came (its making would compete for the CPU with
 * the request being served: a client's requests come one after the other
 * on one connection). */
static void reap(struct service *s, struct engine *e, const struct api_opts *o)
{
	bool ended = false;
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (pid == s->ready_pid) {
			ready_drop(s); /* killed: the next connection forks one */
			continue;
		}
		for (size_t i = 0; i < s->nkids; i++) {
			if (s->kids[i].pid == pid) {
				/* a reused ready child hands back a connection
				 * it must not serve (first_request_reads) */
				int fd = s->kids[i].sock >= 0 ? fd_recv(s->kids[i].sock) : -1;
				kid_forget(s, i);
				if (fd >= 0)
					conn_fork(s, e, o, fd, false);
				s->last = now_ns();
				ended = true;
				break;
			}
		}
	}
	if (ended && s->want_ready && s->ready_pid <= 0) {
		s->want_ready = false;
		ready_spawn(s, e, o);
	}
}

/* kids[k] served its connection and waits on its socketpair: the ready
 * child again, or told to end (its socketpair closed) when there is one */
static void kid_ready(struct service *s, size_t k)
{
	struct child *c = &s->kids[k];

	if (s->ready_pid > 0 || c->sock < 0) {
		if (c->sock >= 0)
			close(c->sock);
		c->sock = -1;
		c->busy = false;
		return;
	}
	s->ready_pid = c->pid;
	s->ready_fd = c->sock;
	s->want_ready = false;
	s->kids[k] = s->kids[--s->nkids];
}

static void read_busy(struct service *s)
{
	struct busy_msg m[32];
	ssize_t n = read(s->pipe_r, m, sizeof(m));

	for (ssize_t i = 0; n > 0 && i < n / (ssize_t)sizeof(m[0]); i++) {
		for (size_t k = 0; k < s->nkids; k++) {
			if (s->kids[k].pid != m[i].pid)
				continue;
			if (m[i].busy == BUSY_READY)
				kid_ready(s, k);
			else
				s->kids[k].busy = m[i].busy;
			break;
		}
	}
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

/* until the ready child has lingered long enough (-1: there is none) */
static int ready_timeout(const struct service *s)
{
	int64_t left;

	if (s->ready_pid <= 0)
		return -1;
	left = (s->last + (int64_t)READY_LINGER_MS * 1000000 - now_ns()) / 1000000;
	return left < 0 ? 0 : (int)left + 1;
}

static void shutdown_service(struct service *s)
{
	pid_t ready = s->ready_pid;
	int st;

	close(s->lfd);
	if (s->unlink_path)
		unlink(s->unlink_path);
	ready_drop(s);
	if (ready > 0)
		add_kid(s, ready, -1);
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
		int t = idle_timeout(s, o->idle), r = ready_timeout(s), n;

		if (r >= 0 && (t < 0 || r < t))
			t = r;
		n = poll(p, 3, t);
		if (n < 0 && errno != EINTR)
			return -1;
		if (ready_timeout(s) == 0)
			ready_drop(s); /* it ends; reap() finds an unknown pid */
		if (n == 0 && !any_busy(s) && idle_timeout(s, o->idle) == 0)
			return 0; /* idle */
		if (p[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(s->sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGCHLD)
					reap(s, e, o);
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
	struct service s = {.lfd = -1, .sfd = -1, .pipe_r = -1, .pipe_w = -1, .ready_fd = -1};
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
	api_exec_sweep(e);
	s.last = now_ns();
	api_server_headers(o);
	rc = service_loop(&s, e, o);
	shutdown_service(&s);
	return rc < 0 ? werr_set(err, errno, "poll") : 0;
}
