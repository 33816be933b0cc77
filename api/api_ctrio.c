/* api_ctrio.c - GET /containers/{id}/logs and POST .../attach (output
 * only): the log as `warren logs` writes it (container_logs, in a forked
 * helper writing to a pipe), sent chunked (logs) or on the taken-over
 * connection (attach): raw for a tty container, else in Docker's
 * multiplexed framing, which container_logs writes (log_opts.framed). */
#include "api/api_int.h"
#include "lib/cleanup.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/ctrlog.h"
#include "runtime/detach.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
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

/* How the bytes go: chunked after a head pump sends, or on a hijacked
 * connection whose head was sent already (attach). */
struct stream_mode {
	bool raw, follow, hijacked;
};

/* Moves the helper's output to the client until the pipe ends or the
 * client leaves. The response head goes out with the first bytes, or when
 * the helper ends without an error, or at once when following. */
static int pump(struct api_ctx *c, int out, int efd, const struct stream_mode *m)
{
	struct pollfd p[3] = {
	    {out, POLLIN, 0}, {efd, POLLIN, 0}, {c->fd, m->hijacked ? 0 : POLLRDHUP, 0}};
	const char *ctype = m->raw ? "application/vnd.docker.raw-stream"
				   : "application/vnd.docker.multiplexed-stream";
	bool started = m->hijacked;
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
			if ((m->hijacked ? write_all(c->fd, buf, (size_t)k)
					 : http_chunk(c->fd, buf, (size_t)k)) < 0)
				return -1;
		}
	}
	if (m->hijacked)
		return 1;
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
	return rc < 0 || m->hijacked ? 1 : 0;
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

/* Waits until the container runs, or has run since t0 (ns); the client
 * leaving ends it (not its half-close: docker's CLI shuts its side for
 * writing when it has no stdin to send). 1 with *r up to date, 0 when the
 * container is gone, -1 when the client left. */
static int wait_started(struct api_ctx *c, int64_t t0, struct container_rec *r)
{
	struct werr err = {0};

	for (;;) {
		struct pollfd p = {c->fd, 0, 0};
		container_rec_free(r);
		if (container_lookup(c->e, c->arg, r, &err) <= 0)
			return 0;
		if (r->state == CTR_RUNNING || (r->started >= t0 && r->state != CTR_CREATED))
			return 1;
		if (poll(&p, 1, 50) > 0)
			return -1;
	}
}

/* POST /containers/{id}/attach?stream=1&stdout=1&stderr=1: output only
 * (no stdin yet), from the container's log of this run: the connection is
 * taken over (101 UPGRADED with an Upgrade header, else 200) and gets the
 * output until the container exits. docker run attaches before it starts
 * the container: this waits for the start. */
int api_ctr_attach(struct api_ctx *c)
{
	struct container_rec r = {0};
	struct stream_mode m = {.hijacked = true};
	struct log_opts lo = {.follow = true, .tail = -1};
	bool upgrade = http_header(c->req, "Upgrade") != NULL;
	int64_t t0 = now_ns();
	int rc;

	lo.no_stdout = !http_query_bool(c->req, "stdout", false);
	lo.no_stderr = !http_query_bool(c->req, "stderr", false);
	if (!api_ctr_lookup(c, &r))
		return 0;
	if (!http_query_bool(c->req, "stream", false) && !http_query_bool(c->req, "logs", false)) {
		container_rec_free(&r);
		return api_error(c, 400, "attach: stream or logs must be set");
	}
	{
		struct detach_opts d;
		detach_opts_from_container(&r, &d);
		cleanup_free char *head = xasprintf(
		    "HTTP/1.1 %s\r\nContent-Type: application/vnd.docker.%s-stream\r\n%s\r\n",
		    upgrade ? "101 UPGRADED" : "200 OK", d.tty ? "raw" : "multiplexed",
		    upgrade ? "Connection: Upgrade\r\nUpgrade: tcp\r\n" : "");
		if (write_all(c->fd, head, strlen(head)) < 0) {
			container_rec_free(&r);
			return 1;
		}
	}
	rc = wait_started(c, t0, &r);
	if (rc > 0) {
		lo.since = r.started < t0 ? r.started : t0;
		stream_log(c, &r, &lo, &m);
	}
	container_rec_free(&r);
	return 1;
}
