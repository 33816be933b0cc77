/* ctrlog.c - reading k8s-file logs (see ctrlog.h). */
#include "runtime/ctrlog.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "image/image.h"
#include "lib/cleanup.h"
#include "lib/godur.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/detach.h"

#define NS 1000000000LL

int ctrlog_parse(const char *s, size_t n, struct log_line *out)
{
	const char *sp = memchr(s, ' ', n), *p;
	char ts[64];

	if (sp == NULL || (size_t)(sp - s) >= sizeof(ts))
		return -1;
	memcpy(ts, s, (size_t)(sp - s));
	ts[sp - s] = '\0';
	if (image_parse_time(ts, &out->time) < 0)
		return -1;
	out->ts = s;
	out->ts_len = (size_t)(sp - s);
	p = sp + 1;
	n -= (size_t)(p - s);
	if (n >= 7 && memcmp(p, "stdout ", 7) == 0)
		out->err = false;
	else if (n >= 7 && memcmp(p, "stderr ", 7) == 0)
		out->err = true;
	else
		return -1;
	p += 7;
	n -= 7;
	if (n < 2 || (p[0] != 'F' && p[0] != 'P') || p[1] != ' ')
		return -1;
	out->partial = p[0] == 'P';
	out->data = p + 2;
	out->len = n - 2;
	return 0;
}

int ctrlog_parse_time(const char *s, int64_t now, int64_t *out)
{
	int64_t d;
	char *end;
	double secs;

	if (s == NULL || *s == '\0')
		return -1;
	if (image_parse_time(s, out) == 0)
		return 0;
	/* a date alone (2006-01-02) is midnight UTC, as Docker takes it */
	if (strlen(s) == 10 && s[4] == '-' && s[7] == '-') {
		char buf[32];
		snprintf(buf, sizeof(buf), "%sT00:00:00Z", s);
		return image_parse_time(buf, out);
	}
	secs = strtod(s, &end);
	/* below 9e9 s (year 2255): the ns fit an int64_t */
	if (end != s && *end == '\0' && isdigit((unsigned char)*s) && secs < 9e9) {
		*out = (int64_t)(secs * 1e9 + 0.5);
		return 0;
	}
	/* a Go duration before now ("10m", "1h30m", "2.5s"); not a negative one */
	if (*s != '-' && godur_parse(s, &d, NULL) == 0) {
		*out = now - d;
		return 0;
	}
	return -1;
}

/* ---- output ---- */

struct out {
	int fd;
	int stream; /* framed (log_opts.framed): 1 stdout, 2 stderr; else 0 */
	char buf[64 * 1024];
	size_t n;
	bool mid; /* a partial line was written: no prefix before the rest */
};

/* One write, framed when o->stream says so */
static void out_write(struct out *o, const char *s, size_t n)
{
	if (o->stream) {
		unsigned char h[8] = {(unsigned char)o->stream,
				      0,
				      0,
				      0,
				      (unsigned char)(n >> 24),
				      (unsigned char)(n >> 16),
				      (unsigned char)(n >> 8),
				      (unsigned char)n};
		write_all(o->fd, h, sizeof(h));
	}
	write_all(o->fd, s, n);
}

static void out_flush(struct out *o)
{
	if (o->n)
		out_write(o, o->buf, o->n);
	o->n = 0;
}

static void out_add(struct out *o, const char *s, size_t n)
{
	if (o->n + n > sizeof(o->buf))
		out_flush(o);
	if (n > sizeof(o->buf)) {
		out_write(o, s, n);
		return;
	}
	memcpy(o->buf + o->n, s, n);
	o->n += n;
}

struct reader {
	const struct log_opts *o;
	struct out *out, *err;
	struct out *last; /* flushed when the other stream writes */
	long skip;	  /* whole lines still to skip (--tail) */
	long lines;	  /* counting pass: lines that pass the filters */
	bool count;	  /* counting pass: nothing written */
};

static bool wanted(const struct reader *r, const struct log_line *l)
{
	if (l->err ? r->o->no_stderr : r->o->no_stdout)
		return false;
	return (r->o->since == 0 || l->time >= r->o->since) &&
	       (r->o->until == 0 || l->time <= r->o->until);
}

static void emit(struct reader *r, const struct log_line *l)
{
	struct out *o = l->err ? r->err : r->out;

	if (!wanted(r, l))
		return;
	if (r->count) {
		r->lines += !l->partial;
		return;
	}
	if (r->skip > 0) {
		r->skip -= !l->partial;
		return;
	}
	if (r->last && r->last != o)
		out_flush(r->last);
	r->last = o;
	if (!o->mid) {
		if (r->o->prefix)
			out_add(o, r->o->prefix, strlen(r->o->prefix));
		if (r->o->timestamps) {
			out_add(o, l->ts, l->ts_len);
			out_add(o, " ", 1);
		}
	}
	out_add(o, l->data, l->len);
	if (!l->partial)
		out_add(o, "\n", 1);
	o->mid = l->partial;
}

/* Reads fd from *pos to its end, whole lines only; *pos moves past them. */
static int read_lines(int fd, off_t *pos, struct reader *r, struct werr *err)
{
	static char buf[256 * 1024];
	size_t have = 0;

	for (;;) {
		ssize_t n = pread(fd, buf + have, sizeof(buf) - have, *pos + (off_t)have);
		size_t start = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return werr_set(err, errno, "read the log");
		have += (size_t)n;
		for (;;) {
			char *nl = memchr(buf + start, '\n', have - start);
			struct log_line l;
			if (nl == NULL)
				break;
			if (ctrlog_parse(buf + start, (size_t)(nl - buf) - start, &l) == 0)
				emit(r, &l);
			start = (size_t)(nl - buf) + 1;
		}
		*pos += (off_t)start;
		memmove(buf, buf + start, have - start);
		have -= start;
		/* one entry longer than the buffer is dropped, not spun on */
		if (have == sizeof(buf)) {
			*pos += (off_t)have;
			have = 0;
		}
		if (n == 0)
			return 0;
	}
}

/* A log driver that keeps no log ("none", "passthrough"): Podman's error. */
static int no_log(const struct container_rec *c, struct werr *err)
{
	cleanup_json struct json_object *j = json_tokener_parse(c->config ? c->config : "");
	const char *type = jstr(jget(jget(j, "HostConfig"), "LogConfig"), "Type");

	if (type == NULL || (strcmp(type, "none") != 0 && strcmp(type, "passthrough") != 0))
		return 0;
	return werr_set(err, 0,
			"this container is using the '%s' log driver, cannot read logs: this "
			"container is not logging output",
			type);
}

/* The log of a container that has just started may not be there yet
 * (its monitor makes it as it begins): waited for (10 s at most) while
 * the container runs, then looked for once more. The fd or -1. A
 * follower that gave up at once missed all of a short run's output (an
 * API attach follows from the start). */
static int open_log_wait(struct engine *e, const struct container_rec *c, const char *path)
{
	struct timespec ts = {0, 20 * 1000 * 1000};

	for (int i = 0; i < 500; i++) {
		struct container_rec now = {0};
		struct werr ignore = {0};
		bool running;
		int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

		if (fd >= 0 || errno != ENOENT)
			return fd;
		running =
		    container_lookup(e, c->id, &now, &ignore) == 1 && now.state == CTR_RUNNING;
		container_rec_free(&now);
		if (!running)
			return open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		nanosleep(&ts, NULL);
	}
	return -1;
}

/* -f: new entries until the container no longer runs */
static int follow(struct engine *e, const struct container_rec *c, int fd, off_t pos,
		  struct reader *r, struct werr *err)
{
	struct timespec ts = {0, 50 * 1000 * 1000};

	for (;;) {
		struct container_rec now = {0};
		struct stat st;
		bool running;

		out_flush(r->out);
		out_flush(r->err);
		nanosleep(&ts, NULL);
		running = container_lookup(e, c->id, &now, err) == 1 && now.state == CTR_RUNNING;
		container_rec_free(&now);
		/* truncated by --log-opt max-size: it starts over */
		if (fstat(fd, &st) == 0 && st.st_size < pos)
			pos = 0;
		if (read_lines(fd, &pos, r, err) < 0)
			return -1;
		if (!running)
			return 0;
	}
}

int container_logs(struct engine *e, const struct container_rec *c, const struct log_opts *o,
		   int out_fd, int err_fd, struct werr *err)
{
	cleanup_free char *path = container_log_path(e, c->id);
	cleanup_close int fd = -1;
	struct out *so = xcalloc(1, sizeof(*so)), *se = xcalloc(1, sizeof(*se));
	struct reader r = {.o = o, .out = so, .err = se};
	off_t pos = 0;
	int rc = 0;

	if (no_log(c, err) < 0) {
		free(so);
		free(se);
		return -1;
	}
	so->fd = out_fd;
	se->fd = o->framed ? out_fd : err_fd;
	if (o->framed) {
		so->stream = 1;
		se->stream = 2;
	}
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno != ENOENT)
		rc = werr_set(err, errno, "open '%s'", path);
	if (fd >= 0 && o->tail >= 0) {
		r.count = true;
		rc = read_lines(fd, &pos, &r, err);
		r.count = false;
		r.skip = r.lines > o->tail ? r.lines - o->tail : 0;
		pos = 0;
	}
	if (fd >= 0 && rc == 0)
		rc = read_lines(fd, &pos, &r, err);
	if (rc == 0 && o->follow && c->state == CTR_RUNNING) {
		if (fd < 0) /* just started: its monitor is about to make it */
			fd = open_log_wait(e, c, path);
		if (fd >= 0)
			rc = follow(e, c, fd, pos, &r, err);
	}
	out_flush(so);
	out_flush(se);
	free(so);
	free(se);
	return rc;
}
