/* http.c - the REST API's HTTP/1.1: request parsing with hard limits,
 * responses (see http.h). Our own rather than libmicrohttpd's: each
 * connection is served by a forked process of its own (the engine is not
 * thread-safe and its calls block), which needs no more than reading one
 * request and writing one response at a time on a plain fd; and an attach
 * upgrade simply keeps the fd. */
#include "api/http.h"
#include "lib/cleanup.h"
#include "lib/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char *server_headers = "";

void http_set_server_headers(const char *headers)
{
	server_headers = headers;
}

static const struct {
	int status;
	const char *reason;
} reasons[] = {
    {101, "UPGRADED"},
    {200, "OK"},
    {201, "Created"},
    {204, "No Content"},
    {304, "Not Modified"},
    {400, "Bad Request"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {409, "Conflict"},
    {411, "Length Required"},
    {413, "Request Entity Too Large"},
    {431, "Request Header Fields Too Large"},
    {500, "Internal Server Error"},
    {501, "Not Implemented"},
    {505, "HTTP Version Not Supported"},
};

const char *http_reason(int status)
{
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].status == status)
			return reasons[i].reason;
	return "Unknown";
}

/* ---- reading ---- */

/* Reads more into c's buffer (moving what is left to its start first).
 * 1 read something, 0 end of file, -1 error or full. */
static int conn_fill(struct http_conn *c)
{
	ssize_t n;

	if (c->start > 0) {
		memmove(c->buf, c->buf + c->start, c->end - c->start);
		c->end -= c->start;
		c->start = 0;
	}
	if (c->end == sizeof(c->buf))
		return -1;
	do
		n = read(c->fd, c->buf + c->end, sizeof(c->buf) - c->end);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n == 0 ? 0 : -1;
	c->end += (size_t)n;
	return 1;
}

/* The end of the head ("\r\n\r\n", or "\n\n" from lax clients) in c's
 * buffer: the offset after it, 0 when not there yet. */
static size_t head_end(const struct http_conn *c)
{
	for (size_t i = c->start; i < c->end; i++) {
		if (c->buf[i] != '\n')
			continue;
		if (i + 1 < c->end && c->buf[i + 1] == '\n')
			return i + 2;
		if (i + 2 < c->end && c->buf[i + 1] == '\r' && c->buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* One line (without its CRLF) out of c into line (at most max bytes):
 * 0, or -1 (too long, or the connection ended). */
static int conn_line(struct http_conn *c, char *line, size_t max)
{
	for (;;) {
		char *nl = memchr(c->buf + c->start, '\n', c->end - c->start);
		if (nl) {
			size_t n = (size_t)(nl - (c->buf + c->start));
			if (n > 0 && c->buf[c->start + n - 1] == '\r')
				n--;
			if (n >= max)
				return -1;
			memcpy(line, c->buf + c->start, n);
			line[n] = '\0';
			c->start = (size_t)(nl - c->buf) + 1;
			return 0;
		}
		if (c->end - c->start >= max || conn_fill(c) <= 0)
			return -1;
	}
}

static int percent_decode(char *s, bool plus)
{
	char *o = s;

	for (; *s; s++) {
		if (*s == '%') {
			if (!isxdigit((unsigned char)s[1]) || !isxdigit((unsigned char)s[2]))
				return -1;
			char hex[3] = {s[1], s[2], 0};
			*o++ = (char)strtol(hex, NULL, 16);
			s += 2;
		} else {
			*o++ = plus && *s == '+' ? ' ' : *s;
		}
	}
	*o = '\0';
	return 0;
}

/* The request line "METHOD TARGET HTTP/1.x" into r. */
static int parse_request_line(char *line, struct http_req *r, const char **msg)
{
	char *sp1 = strchr(line, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL, *q;

	*msg = "malformed request line";
	if (sp1 == NULL || sp2 == NULL || sp1 == line || strchr(sp2 + 1, ' '))
		return 400;
	*sp1 = *sp2 = '\0';
	for (const char *m = line; *m; m++)
		if (!isupper((unsigned char)*m))
			return 400;
	if (strncmp(sp2 + 1, "HTTP/1.", 7) != 0 || !isdigit((unsigned char)sp2[8]) || sp2[9]) {
		*msg = "unsupported HTTP version";
		return 505;
	}
	r->keep_alive = sp2[8] != '0';
	r->method = line;
	r->path = sp1 + 1;
	if (r->path[0] != '/')
		return 400;
	q = strchr(r->path, '?');
	r->query = q ? q + 1 : "";
	if (q)
		*q = '\0';
	*msg = "malformed escape in the request path";
	if (percent_decode(r->path, false) < 0 || strlen(r->path) == 0)
		return 400;
	return 0;
}

static int parse_headers(char *p, struct http_req *r, const char **msg)
{
	char *line, *save = NULL;

	for (line = strtok_r(p, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(line);
		char *colon, *v;

		if (n && line[n - 1] == '\r')
			line[--n] = '\0';
		if (n == 0)
			break;
		*msg = "malformed header line";
		colon = strchr(line, ':');
		/* no name, a space before the colon, or an obsolete folded line */
		if (colon == NULL || colon == line || isspace((unsigned char)line[0]) ||
		    isspace((unsigned char)colon[-1]))
			return 400;
		if (r->nheaders == HTTP_HEADERS_MAX) {
			*msg = "too many header fields";
			return 431;
		}
		*colon = '\0';
		for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
			;
		for (char *e = v + strlen(v); e > v && (e[-1] == ' ' || e[-1] == '\t');)
			*--e = '\0';
		r->headers[r->nheaders++] = (struct http_header){line, v};
	}
	return 0;
}

/* Where a body goes: memory (at most max bytes), or a spool file (fd;
 * at most HTTP_SPOOL_MAX). */
struct body_sink {
	struct http_req *r;
	size_t max, cap;
	int fd;
};

/* n body bytes out of c into s. 0; 400 when the connection ends first;
 * 500 when the spool file cannot take them (*msg says why). */
static int body_take(struct http_conn *c, struct body_sink *s, size_t n, const char **msg)
{
	struct http_req *r = s->r;

	if (s->fd < 0 && r->body_len + n + 1 > s->cap) {
		s->cap = (r->body_len + n + 1) * 2;
		r->body = xrealloc(r->body, s->cap);
	}
	while (n > 0) {
		size_t have = c->end - c->start;
		if (have == 0) {
			*msg = "request body cut short";
			if (conn_fill(c) <= 0)
				return 400;
			continue;
		}
		if (have > n)
			have = n;
		if (s->fd >= 0 && write_all(s->fd, c->buf + c->start, have) < 0) {
			*msg = "cannot keep the request body: no space left for it";
			return 500;
		}
		if (s->fd < 0)
			memcpy(r->body + r->body_len, c->buf + c->start, have);
		c->start += have;
		r->body_len += have;
		n -= have;
	}
	if (s->fd < 0)
		r->body[r->body_len] = '\0';
	return 0;
}

/* A chunked body, at most s->max bytes in all. */
static int read_chunked(struct http_conn *c, struct body_sink *s, const char **msg)
{
	struct http_req *r = s->r;
	char line[256];
	int rc;

	for (;;) {
		char *end;
		unsigned long long n;

		*msg = "malformed chunked encoding";
		if (conn_line(c, line, sizeof(line)) < 0 || !isxdigit((unsigned char)line[0]))
			return 400;
		errno = 0;
		n = strtoull(line, &end, 16);
		if (errno || (*end && *end != ';' && *end != ' ' && *end != '\t') ||
		    end - line > 16)
			return 400;
		if (n == 0)
			break;
		if (n > s->max || r->body_len + n > s->max) {
			*msg = "request body too large";
			return 413;
		}
		if ((rc = body_take(c, s, (size_t)n, msg)) != 0)
			return rc;
		*msg = "malformed chunked encoding";
		if (conn_line(c, line, sizeof(line)) < 0 || line[0])
			return 400;
	}
	/* trailers up to the empty line */
	for (int i = 0;; i++) {
		if (i > HTTP_HEADERS_MAX || conn_line(c, line, sizeof(line)) < 0)
			return 400;
		if (line[0] == '\0')
			break;
	}
	if (s->fd < 0 && r->body == NULL)
		r->body = xstrdup("");
	return 0;
}

/* The spool file of c for r, or -1 (memory). */
static int spool_fd(struct http_conn *c, const struct http_req *r)
{
	return c->spool ? c->spool(c->spool_arg, r) : -1;
}

static int read_body(struct http_conn *c, struct http_req *r, size_t max, const char **msg)
{
	struct body_sink s = {.r = r, .max = max, .fd = -1};
	const char *te = NULL, *cl = NULL;
	unsigned long long n;
	char *end;
	int rc;

	for (size_t i = 0; i < r->nheaders; i++) {
		const char *name = r->headers[i].name;
		if (strcasecmp(name, "Transfer-Encoding") == 0)
			te = r->headers[i].value;
		else if (strcasecmp(name, "Content-Length") == 0) {
			*msg = "conflicting Content-Length headers";
			if (cl && strcmp(cl, r->headers[i].value) != 0)
				return 400;
			cl = r->headers[i].value;
		}
	}
	if (te) {
		/* both: the classic request smuggling; refused as Go does */
		*msg = "unsupported Transfer-Encoding";
		if (cl || strcasecmp(te, "chunked") != 0)
			return cl ? 400 : 501;
	} else if (cl == NULL) {
		return 0;
	} else {
		*msg = "malformed Content-Length";
		if (!isdigit((unsigned char)cl[0]))
			return 400;
		errno = 0;
		n = strtoull(cl, &end, 10);
		if (errno == ERANGE || *end)
			return errno == ERANGE ? 413 : 400;
	}
	/* an upload (archive, load) goes to a file of its own, not to memory */
	if ((s.fd = spool_fd(c, r)) >= 0) {
		s.max = HTTP_SPOOL_MAX;
		r->body_fd = s.fd;
	}
	if (te) {
		rc = read_chunked(c, &s, msg);
	} else if (n > s.max) {
		*msg = "request body too large";
		return 413;
	} else {
		rc = body_take(c, &s, (size_t)n, msg);
	}
	if (rc == 0 && s.fd >= 0 && lseek(s.fd, 0, SEEK_SET) < 0) {
		*msg = "cannot rewind the request body";
		rc = 500;
	}
	return rc;
}

int http_read(struct http_conn *c, struct http_req *r, size_t max_body, const char **msg)
{
	size_t end;
	char *nl;
	int rc;

	*r = (struct http_req){.body_fd = -1};
	while ((end = head_end(c)) == 0) {
		/* blank lines before a request are allowed (RFC 9112 2.2) */
		while (c->start < c->end && (c->buf[c->start] == '\r' || c->buf[c->start] == '\n'))
			c->start++;
		rc = conn_fill(c);
		if (rc == 0 && c->start == c->end)
			return 0;
		if (rc < 0 && c->end - c->start == sizeof(c->buf)) {
			*msg = "request header too large";
			return 431;
		}
		if (rc <= 0) {
			*msg = "connection ended in the request header";
			return c->start == c->end ? 0 : 400;
		}
	}
	/* a NUL byte would cut the head short of what was read */
	if (memchr(c->buf + c->start, '\0', end - c->start)) {
		*msg = "NUL byte in the request header";
		return 400;
	}
	r->head = xstrndup(c->buf + c->start, end - c->start);
	c->start = end;
	nl = strchr(r->head, '\n');
	if (nl == NULL) {
		*msg = "malformed request";
		return 400;
	}
	*nl = '\0';
	if (nl > r->head && nl[-1] == '\r')
		nl[-1] = '\0';
	if ((rc = parse_request_line(r->head, r, msg)) || (rc = parse_headers(nl + 1, r, msg)))
		return rc;
	const char *conn = http_header(r, "Connection");
	if (conn && strcasecmp(conn, "close") == 0)
		r->keep_alive = false;
	else if (conn && strcasecmp(conn, "keep-alive") == 0)
		r->keep_alive = true;
	if ((rc = read_body(c, r, max_body, msg)))
		return rc;
	return 1;
}

void http_req_free(struct http_req *r)
{
	free(r->head);
	free(r->body);
	if (r->body_fd >= 0)
		close(r->body_fd);
	*r = (struct http_req){.body_fd = -1};
}

const char *http_header(const struct http_req *r, const char *name)
{
	for (size_t i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	return NULL;
}

/* The value of the nth (from 0) occurrence of key, decoded; NULL when
 * there are fewer, or when it does not decode */
static char *query_nth(const struct http_req *r, const char *key, size_t nth, bool *bad)
{
	size_t klen = strlen(key);

	*bad = false;
	for (const char *p = r->query; p && *p;) {
		size_t n = strcspn(p, "&");
		cleanup_free char *k = NULL;
		const char *eq = memchr(p, '=', n);
		size_t kn = eq ? (size_t)(eq - p) : n;

		k = xstrndup(p, kn);
		if (percent_decode(k, true) == 0 && strlen(k) == klen &&
		    memcmp(k, key, klen) == 0 && nth-- == 0) {
			char *v = eq ? xstrndup(eq + 1, n - kn - 1) : xstrdup("");
			if (percent_decode(v, true) == 0)
				return v;
			free(v);
			*bad = true;
			return NULL;
		}
		p += n + (p[n] == '&');
	}
	return NULL;
}

char *http_query(const struct http_req *r, const char *key)
{
	bool bad;

	return query_nth(r, key, 0, &bad);
}

char **http_query_all(const struct http_req *r, const char *key)
{
	char **v = NULL, *s;
	bool bad = false;

	for (size_t i = 0; (s = query_nth(r, key, i, &bad)) != NULL || bad; i++)
		if (s != NULL) {
			v = strv_append(v, s);
			free(s);
		}
	return v;
}

bool http_query_bool(const struct http_req *r, const char *key, bool def)
{
	cleanup_free char *v = http_query(r, key);

	if (v == NULL)
		return def;
	return v[0] == '\0' || strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0;
}

/* ---- writing ---- */

static int send_head(int fd, int status, const char *ctype, const char *extra)
{
	cleanup_free char *h = xasprintf(
	    "HTTP/1.1 %d %s\r\n%s%s%s%s%s", status, http_reason(status), server_headers,
	    ctype ? "Content-Type: " : "", ctype ? ctype : "", ctype ? "\r\n" : "", extra);

	return write_all(fd, h, strlen(h));
}

int http_send(int fd, int status, const char *ctype, const void *body, size_t len, bool head)
{
	char extra[64];

	/* 204 and 304 carry no body and no length (RFC 9110 8.6) */
	if (status == 204 || status == 304)
		snprintf(extra, sizeof(extra), "\r\n");
	else
		snprintf(extra, sizeof(extra), "Content-Length: %zu\r\n\r\n", len);
	if (send_head(fd, status, status == 204 || status == 304 ? NULL : ctype, extra) < 0)
		return -1;
	if (head || status == 204 || status == 304 || len == 0)
		return 0;
	return write_all(fd, body, len);
}

int http_send_json(int fd, int status, struct json_object *json)
{
	const char *s = json_object_to_json_string_ext(json, JSON_C_TO_STRING_PLAIN |
								 JSON_C_TO_STRING_NOSLASHESCAPE);
	cleanup_free char *line = xasprintf("%s\n", s);

	return http_send(fd, status, "application/json", line, strlen(line), false);
}

int http_send_error(int fd, int status, const char *msg)
{
	cleanup_json struct json_object *o = json_object_new_object();

	json_object_object_add(o, "message", json_object_new_string(msg));
	return http_send_json(fd, status, o);
}

int http_chunked_begin(int fd, int status, const char *ctype)
{
	return send_head(fd, status, ctype, "Transfer-Encoding: chunked\r\n\r\n");
}

int http_chunk(int fd, const void *data, size_t len)
{
	char size[24];

	if (len == 0)
		return 0;
	snprintf(size, sizeof(size), "%zx\r\n", len);
	if (write_all(fd, size, strlen(size)) < 0 || write_all(fd, data, len) < 0)
		return -1;
	return write_all(fd, "\r\n", 2);
}

int http_chunked_end(int fd)
{
	return write_all(fd, "0\r\n\r\n", 5);
}
