/* api_ctrio.c - GET /containers/{id}/logs: the log as `warren logs`
 * writes it (container_logs, in a forked helper writing to a pipe), sent
 * chunked: raw for a tty container, else in Docker's multiplexed framing,
 * which container_logs writes (log_opts.framed). POST .../attach and
 * .../resize: the taken-over connection joined to the container's monitor
 * socket as `warren attach` joins a terminal to it. */
#include "api/api_int.h"
#include "lib/cleanup.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/ctrlog.h"
#include "runtime/attach.h"
#include "runtime/detach.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* Docker's query into lo; 400 answered here when malformed. */
/* Go's zero time.Time, which podman --remote sends for an unset since/until */
static bool time_unset(const char *s)
{
	return strcmp(s, "0001-01-01T00:00:00Z") == 0;
}

static int log_query(struct api_ctx *c, struct log_opts *lo)
{
	cleanup_free char *tail = http_query(c->req, "tail");
	cleanup_free char *since = http_query(c->req, "since");
	cleanup_free char *until = http_query(c->req, "until");
	int64_t now = now_ns(), n = -1;

	*lo = (struct log_opts){.follow = http_query_bool(c->req, "follow", false),
				.timestamps = http_query_bool(c->req, "timestamps", false),
				.tail = -1};
	lo->no_stdout = !http_query_bool(c->req, "stdout", false);
	lo->no_stderr = !http_query_bool(c->req, "stderr", false);
	if (lo->no_stdout && lo->no_stderr) {
		api_error(c, 400, "Bad parameters: you must choose at least one stream");
		return -1;
	}
	if (tail && strcmp(tail, "all") != 0 && tail[0] &&
	    parse_int64(tail, -1, INT32_MAX, &n) < 0) {
		api_error(c, 400, "invalid tail: %s", tail);
		return -1;
	}
	lo->tail = (long)n;
	/* Docker's since/until: Unix seconds, 0 meaning unset; podman --remote
	 * sends Go's zero time for unset */
	if (since && strcmp(since, "0") != 0 && !time_unset(since) &&
	    ctrlog_parse_time(since, now, &lo->since) < 0) {
		api_error(c, 400, "invalid since: %s", since);
		return -1;
	}
	if (until && strcmp(until, "0") != 0 && !time_unset(until) &&
	    ctrlog_parse_time(until, now, &lo->until) < 0) {
		api_error(c, 400, "invalid until: %s", until);
		return -1;
	}
	return 0;
}

/* The helper: container_logs into the pipe (framed by the engine unless
 * tty); its error (if any) on pe. */
static pid_t spawn_logs(struct api_ctx *c, const struct container_rec *r, const struct log_opts *lo,
			int pout[2], int pe[2])
{
	pid_t pid = api_fork(c);

	if (pid != 0)
		return pid;
	close(pout[0]);
	close(pe[0]);
	struct werr err = {0};
	if (container_logs(c->e, r, lo, pout[1], pout[1], &err) < 0)
		werr_send(pe[1], &err);
	_exit(0);
}

/* How the bytes go (chunked after a head pump sends). */
struct stream_mode {
	bool raw, follow;
};

/* Moves the helper's output to the client until the pipe ends or the
 * client leaves. The response head goes out with the first bytes, or when
 * the helper ends without an error, or at once when following. */
static int pump(struct api_ctx *c, int out, int efd, const struct stream_mode *m)
{
	struct pollfd p[3] = {{out, POLLIN, 0}, {efd, POLLIN, 0}, {c->fd, POLLRDHUP, 0}};
	const char *ctype = m->raw ? "application/vnd.docker.raw-stream"
				   : "application/vnd.docker.multiplexed-stream";
	bool started = false;
	char buf[32768];

	while (p[0].fd >= 0 || p[1].fd >= 0) {
		int n = poll(p, 3, started || !m->follow ? -1 : 100);
		if (n < 0 && errno != EINTR)
			return -1;
		if (n == 0 && !started) {
			if (http_chunked_begin(c->fd, 200, ctype) < 0)
				return -1;
			started = true;
		}
		if (p[2].revents & (POLLRDHUP | POLLHUP | POLLERR))
			return -1;
		if (p[1].revents) {
			struct werr err = {0};
			if (werr_recv(efd, &err) == 1 && !started) {
				api_werr(c, &err, 500);
				return 1;
			}
			p[1].fd = -1;
		}
		if (p[0].revents) {
			ssize_t k = read(out, buf, sizeof(buf));
			if (k <= 0) {
				p[0].fd = -1;
				continue;
			}
			if (!started && http_chunked_begin(c->fd, 200, ctype) < 0)
				return -1;
			started = true;
			if (http_chunk(c->fd, buf, (size_t)k) < 0)
				return -1;
		}
	}
	if (!started && http_chunked_begin(c->fd, 200, ctype) < 0)
		return -1;
	return http_chunked_end(c->fd);
}

/* Streams r's log as lo says through a helper (see pump). */
static int stream_log(struct api_ctx *c, const struct container_rec *r, struct log_opts *lo,
		      struct stream_mode *m)
{
	struct detach_opts d;
	int pout[2], pe[2], rc, st;
	pid_t pid;

	detach_opts_from_container(r, &d);
	m->raw = d.tty;
	m->follow = lo->follow;
	lo->framed = !d.tty;
	if (pipe2(pout, O_CLOEXEC) < 0)
		return api_error(c, 500, "pipe: %s", strerror(errno));
	if (pipe2(pe, O_CLOEXEC) < 0) {
		close(pout[0]);
		close(pout[1]);
		return api_error(c, 500, "pipe: %s", strerror(errno));
	}
	pid = spawn_logs(c, r, lo, pout, pe);
	close(pout[1]);
	close(pe[1]);
	rc = pid < 0 ? api_error(c, 500, "fork: %s", strerror(errno)) : pump(c, pout[0], pe[0], m);
	if (pid > 0) {
		kill(pid, SIGTERM);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	}
	close(pout[0]);
	close(pe[0]);
	/* a stream that ended early (client gone) ends the connection */
	return rc < 0 ? 1 : 0;
}

int api_ctr_logs(struct api_ctx *c)
{
	struct container_rec r = {0};
	struct stream_mode m = {0};
	struct log_opts lo;
	int rc;

	if (log_query(c, &lo) < 0 || !api_ctr_lookup(c, &r))
		return 0;
	rc = stream_log(c, &r, &lo, &m);
	container_rec_free(&r);
	return rc;
}

/* The marker of an attach that waits for the start (docker run attaches
 * before it starts the container): <runroot>/api-attach/<id>, "stdin" or
 * "out"; the start (api_ctr.c) then has the monitor hold the output until
 * the attach has come, and opens a stdin pipe for "stdin". A resize
 * meanwhile leaves "ROWS COLS" in <id>.size, sent once attached. */
char *api_attach_marker(struct engine *e, const char *id, const char *suffix)
{
	return xasprintf("%s/api-attach/%s%s", e->runroot, id, suffix);
}

void api_put_size(struct engine *e, const char *id, unsigned rows, unsigned cols)
{
	cleanup_free char *dir = xasprintf("%s/api-attach", e->runroot);
	cleanup_free char *path = api_attach_marker(e, id, ".size");
	cleanup_free char *s = xasprintf("%u %u", rows, cols);
	struct werr err = {0};

	if (mkdir_p(dir, 0700, &err) == 0)
		write_file_atomic_at(AT_FDCWD, path, s, strlen(s), 0600, &err);
}

int api_take_size(struct engine *e, const char *id, unsigned short *rows, unsigned short *cols)
{
	cleanup_free char *path = api_attach_marker(e, id, ".size");
	struct werr err = {0};
	cleanup_free char *s = read_file_at(AT_FDCWD, path, NULL, &err);
	unsigned r, c;

	if (s == NULL)
		return 0;
	unlink(path);
	if (sscanf(s, "%u %u", &r, &c) != 2 || r > 65535 || c > 65535)
		return 0;
	*rows = (unsigned short)r;
	*cols = (unsigned short)c;
	return 1;
}

/* Connects to the monitor of the container id once its start has made
 * one (docker run attaches before it starts it); the client leaving
 * ends the wait (not its half-close: docker's CLI shuts its side for
 * writing when it has no stdin to send). The socket, or -1. */
static int connect_started(struct api_ctx *c, const char *id)
{
	for (;;) {
		struct pollfd p = {c->fd, 0, 0};
		struct werr err = {0};
		int sock = container_attach_connect(c->e, id, &err);
		if (sock >= 0 || err.errnum != 0)
			return sock;
		if (poll(&p, 1, 20) > 0)
			return -1;
	}
}

/* Docker's 8-byte frame header (stream, 0, 0, 0, big-endian length) and
 * the bytes; raw with a tty. */
int api_write_frame(int fd, bool raw, int stream, const void *buf, size_t n)
{
	unsigned char h[8] = {(unsigned char)stream, 0, 0, 0};

	be32_put(h + 4, (uint32_t)n);
	if (!raw && write_all(fd, h, sizeof(h)) < 0)
		return -1;
	return write_all(fd, buf, n);
}

static void send_size(int sock, unsigned short rows, unsigned short cols)
{
	unsigned char pkt[1 + 2 * sizeof(uint16_t)] = {ATTACH_RESIZE};
	uint16_t rc[2] = {rows, cols};

	memcpy(pkt + 1, rc, sizeof(rc));
	if (send(sock, pkt, sizeof(pkt), MSG_NOSIGNAL) < 0)
		return;
}

/* The hijacked connection and the monitor's socket, both ways, until the
 * container exits or the client leaves. */
static void relay(struct api_ctx *c, int sock, bool tty, bool use_stdin, bool stdin_once, bool out,
		  bool err)
{
	struct pollfd p[2] = {{sock, POLLIN, 0}, {c->fd, use_stdin ? POLLIN : POLLRDHUP, 0}};
	static unsigned char buf[ATTACH_PACKET_MAX];

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (p[0].revents) {
			ssize_t n = recv(sock, buf, sizeof(buf), 0);
			if (n <= 0 || buf[0] == ATTACH_EXIT)
				return;
			bool is_err = buf[0] == ATTACH_STDERR;
			if (((is_err && err) || (!is_err && out)) &&
			    api_write_frame(c->fd, tty, is_err ? 2 : 1, buf + 1, (size_t)n - 1) < 0)
				return;
		}
		if (p[1].revents & POLLIN) {
			ssize_t n = read(c->fd, buf + 1, sizeof(buf) - 1);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				/* the client's half-close: the end of its stdin */
				buf[0] = ATTACH_EOF;
				if (stdin_once)
					send(sock, buf, 1, MSG_NOSIGNAL);
				p[1].events = 0;
				if (n < 0)
					return;
				continue;
			}
			buf[0] = ATTACH_STDIN;
			if (send(sock, buf, (size_t)n + 1, MSG_NOSIGNAL) < 0)
				return;
		} else if (p[1].revents & (POLLHUP | POLLERR)) {
			return;
		} else if (p[1].revents & POLLRDHUP) {
			/* a half-close without stdin (docker's CLI): output goes on */
			p[1].events = 0;
		}
	}
}

void api_hijack_end(int fd)
{
	int64_t deadline = now_ns() + 2000000000LL;
	char buf[4096];

	shutdown(fd, SHUT_WR);
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		int64_t left = (deadline - now_ns()) / 1000000;
		if (left <= 0 || poll(&p, 1, (int)left) <= 0 || read(fd, buf, sizeof(buf)) <= 0)
			return;
	}
}

/* POST /containers/{id}/attach?stream=1&stdin=1&stdout=1&stderr=1: the
 * connection is taken over (101 UPGRADED with an Upgrade header, else 200)
 * and joined to the container's monitor (as `warren attach`): output
 * (framed unless tty) until it exits, the client's bytes to its stdin.
 * docker run attaches before it starts the container: a marker tells the
 * start to have the monitor hold the output for us. */
int api_ctr_attach(struct api_ctx *c)
{
	struct container_rec r = {0};
	bool upgrade = http_header(c->req, "Upgrade") != NULL;
	bool use_stdin = http_query_bool(c->req, "stdin", false);
	bool out = http_query_bool(c->req, "stdout", false);
	bool errs = http_query_bool(c->req, "stderr", false);
	cleanup_free char *marker = NULL, *size = NULL;
	struct detach_opts d;
	struct werr err = {0};
	int sock = -1;

	if (!api_ctr_lookup(c, &r))
		return 0;
	if (!http_query_bool(c->req, "stream", false) && !http_query_bool(c->req, "logs", false)) {
		container_rec_free(&r);
		return api_error(c, 400, "attach: stream or logs must be set");
	}
	detach_opts_from_container(&r, &d);
	if (r.state != CTR_RUNNING) {
		cleanup_free char *dir = xasprintf("%s/api-attach", c->e->runroot);
		marker = api_attach_marker(c->e, r.id, "");
		size = api_attach_marker(c->e, r.id, ".size");
		/* the start holds the output while this process waits for it */
		cleanup_free char *what =
		    xasprintf("%s %d %llu", use_stdin ? "stdin" : "out", (int)getpid(),
			      (unsigned long long)proc_start_time(getpid()));
		if (mkdir_p(dir, 0700, &err) < 0 ||
		    write_file_atomic_at(AT_FDCWD, marker, what, strlen(what), 0600, &err) < 0) {
			container_rec_free(&r);
			return api_werr(c, &err, 500);
		}
	}
	{
		cleanup_free char *head = xasprintf(
		    "HTTP/1.1 %s\r\nContent-Type: application/vnd.docker.%s-stream\r\n%s\r\n",
		    upgrade ? "101 UPGRADED" : "200 OK", d.tty ? "raw" : "multiplexed",
		    upgrade ? "Connection: Upgrade\r\nUpgrade: tcp\r\n" : "");
		if (write_all(c->fd, head, strlen(head)) < 0)
			goto out;
	}
	sock = marker ? connect_started(c, r.id) : container_attach_connect(c->e, r.id, &err);
	if (sock < 0)
		goto out;
	if (marker) {
		unsigned short rows, cols;
		unlink(marker);
		if (api_take_size(c->e, r.id, &rows, &cols))
			send_size(sock, rows, cols);
	}
	/* the end of the client's stdin is the container's when this attach
	 * came before the start (docker run -i, start -ai: StdinOnce), not
	 * when it joined a running one */
	relay(c, sock, d.tty, use_stdin, marker != NULL, out, errs);
	close(sock);
	api_hijack_end(c->fd);
out:
	if (marker) {
		unlink(marker);
		unlink(size);
	}
	container_rec_free(&r);
	return 1;
}

/* POST /containers/{id}/resize?h=ROWS&w=COLS: the monitor's pty (or,
 * before an attach's start, kept for it) */
int api_ctr_resize(struct api_ctx *c)
{
	struct container_rec r = {0};
	unsigned rows, cols;
	struct werr err = {0};
	cleanup_free char *marker = NULL;

	if (api_size_query(c, &rows, &cols) < 0 || !api_ctr_lookup(c, &r))
		return 0;
	marker = api_attach_marker(c->e, r.id, "");
	if (access(marker, F_OK) == 0) {
		api_put_size(c->e, r.id, rows, cols);
	} else {
		int sock = container_attach_connect(c->e, r.id, &err);
		if (sock < 0) {
			container_rec_free(&r);
			return api_error(c, 409, "Container %s is not running", c->arg);
		}
		send_size(sock, (unsigned short)rows, (unsigned short)cols);
		close(sock);
	}
	container_rec_free(&r);
	return http_send(c->fd, 200, NULL, NULL, 0, false) < 0;
}

/* ?h=&w= of the resize endpoints; 400 answered when malformed */
int api_size_query(struct api_ctx *c, unsigned *rows, unsigned *cols)
{
	cleanup_free char *h = http_query(c->req, "h");
	cleanup_free char *w = http_query(c->req, "w");
	int64_t hn, wn;

	if (h == NULL || w == NULL || parse_int64(h, 0, 65535, &hn) < 0 ||
	    parse_int64(w, 0, 65535, &wn) < 0)
		return api_error(c, 400, "resize: h and w must be numbers from 0 to 65535"), -1;
	*rows = (unsigned)hn;
	*cols = (unsigned)wn;
	return 0;
}
