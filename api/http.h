/* http.h - a small HTTP/1.1 server side for the REST API (api/): one
 * request at a time from a connection (keep-alive), Content-Length and
 * chunked bodies with hard limits, and responses with a length, chunked
 * (streams: logs -f, wait) or raw after an upgrade (attach). Hostile input
 * is an error status (400, 413, 431), never a crash: every limit is
 * checked before a byte is stored. */
#ifndef WARREN_API_HTTP_H
#define WARREN_API_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#define HTTP_HEAD_MAX	 32768 /* request line and headers together (Go's net/http: 1 MiB) */
#define HTTP_HEADERS_MAX 100
#define HTTP_BODY_MAX	 (4 << 20) /* JSON bodies: create's is a few KiB */
/* an upload kept in a spool file (docker cp, docker load): the file
 * system's free space is the real limit */
#define HTTP_SPOOL_MAX ((size_t)1 << 40)

struct http_req;

/* A connection: its fd and what was read past the last request. spool
 * (may be NULL): for a request whose body is an upload, an empty file
 * (a new fd, then owned by the request) that takes the body instead of
 * memory; -1 for memory. */
struct http_conn {
	int fd;
	char buf[HTTP_HEAD_MAX];
	size_t start, end;
	int (*spool)(void *arg, const struct http_req *r);
	void *spool_arg;
};

struct http_header {
	char *name, *value;
};

/* One request; strings point into head (owned). */
struct http_req {
	char *head; /* the request line and headers, NUL-separated */
	const char *method;
	char *path;  /* percent-decoded, without the query */
	char *query; /* raw query string after '?', "" when none */
	struct http_header headers[HTTP_HEADERS_MAX];
	size_t nheaders;
	bool keep_alive;
	char *body; /* NUL-terminated, NULL when none (or spooled) */
	size_t body_len;
	int body_fd; /* the body in a spool file (rewound), -1 when none */
};

/* Reads the next request from c (a body up to max_body bytes, or to
 * c's spool file). Returns 1 with *r filled, 0 at a clean end of the
 * connection, or an HTTP status (400, 413, 431, 501; 500 when the spool
 * file fills up) for a bad request, with *msg saying why. */
int http_read(struct http_conn *c, struct http_req *r, size_t max_body, const char **msg);
void http_req_free(struct http_req *r);

/* The value of header name (case-insensitive), NULL when absent. */
const char *http_header(const struct http_req *r, const char *name);

/* The value of query parameter key, percent-decoded, malloc'd; NULL when
 * absent. */
char *http_query(const struct http_req *r, const char *key);
/* Every value of key, in order (?images=a&images=b), NULL-terminated,
 * malloc'd; NULL when there is none. Values that do not decode are left
 * out. */
char **http_query_all(const struct http_req *r, const char *key);
/* A boolean parameter as Docker reads one: "1", "true", "True" (and a
 * bare "key") are true; absent: def. */
bool http_query_bool(const struct http_req *r, const char *key, bool def);

/* Extra headers every response carries (API-Version, Server, ...): set
 * once by the service. */
void http_set_server_headers(const char *headers);

/* Sends a complete response: status, Content-Type ctype (NULL: none),
 * body of len bytes (head: headers only, as for HEAD). 0, or -1 when the
 * peer went away. */
int http_send(int fd, int status, const char *ctype, const void *body, size_t len, bool head);
/* json as the body (application/json); does not take the reference. */
int http_send_json(int fd, int status, struct json_object *json);
/* Docker's error body {"message": msg}. */
int http_send_error(int fd, int status, const char *msg);

/* A chunked response: the head, then chunks, then the end. */
int http_chunked_begin(int fd, int status, const char *ctype);
int http_chunk(int fd, const void *data, size_t len);
int http_chunked_end(int fd);

/* "404 Not Found": the reason phrase of status. */
const char *http_reason(int status);

#endif
