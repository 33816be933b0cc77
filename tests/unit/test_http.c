/* Unit tests: the REST API's HTTP/1.1 request reader (api/http.c; issue
 * 12 "hostile input ... a clear error status, never a crash"). */
#include "tests/unit/unit.h"

#include "api/http.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Reads one request out of text (then end of file): http_read's result,
 * with *r filled (the caller frees it) */
static int read_req(const char *text, size_t len, size_t max, struct http_req *r)
{
	static struct http_conn c;
	const char *msg = "";
	int sv[2], rc;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return -1;
	if (write_all(sv[1], text, len) < 0)
		return -1;
	close(sv[1]);
	memset(&c, 0, sizeof(c));
	c.fd = sv[0];
	rc = http_read(&c, r, max, &msg);
	close(sv[0]);
	return rc;
}

#define REQ(text, max, r) read_req(text, sizeof(text) - 1, max, r)

UNIT_TEST(http_reads_a_request_and_its_query)
{
	struct http_req r;

	CHECK(REQ("POST /v1.41/containers/a%2Fb/start?x=1&name=w+t%21&flag HTTP/1.1\r\n"
		  "Host: d\r\nContent-Length: 4\r\nX-Pad:   v  \r\n\r\nbody",
		  100, &r) == 1);
	CHECK_STR(r.method, "POST");
	CHECK_STR(r.path, "/v1.41/containers/a/b/start");
	CHECK_STR(http_header(&r, "x-pad"), "v");
	CHECK(r.body_len == 4 && strcmp(r.body, "body") == 0 && r.keep_alive);
	{
		char *v = http_query(&r, "name");
		CHECK_STR(v, "w t!");
		free(v);
	}
	CHECK(http_query(&r, "nope") == NULL);
	CHECK(http_query_bool(&r, "flag", false) && http_query_bool(&r, "x", false));
	CHECK(!http_query_bool(&r, "nope", false));
	http_req_free(&r);
}

UNIT_TEST(http_reads_chunked_bodies)
{
	struct http_req r;

	CHECK(REQ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
		  "3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\nTrailer: x\r\n\r\n",
		  100, &r) == 1);
	CHECK(r.body_len == 5 && strcmp(r.body, "abcde") == 0 && !r.keep_alive);
	http_req_free(&r);
}

UNIT_TEST(http_refuses_hostile_requests)
{
	struct http_req r;

#define BAD(text, max, want)                                                                       \
	do {                                                                                       \
		CHECK(REQ(text, max, &r) == (want));                                               \
		http_req_free(&r);                                                                 \
	} while (0)
	BAD("garbage\r\n\r\n", 100, 400);
	BAD("GET nopath HTTP/1.1\r\n\r\n", 100, 400);
	BAD("GET / HTTP/2.0\r\n\r\n", 100, 505);
	BAD("get / HTTP/1.1\r\n\r\n", 100, 400);
	BAD("GET /%zz HTTP/1.1\r\n\r\n", 100, 400);
	BAD("GET / HTTP/1.1\r\n folded: x\r\n\r\n", 100, 400);
	BAD("GET / HTTP/1.1\r\nNoColon\r\n\r\n", 100, 400);
	BAD("GET / HTTP/1.1\r\nName : v\r\n\r\n", 100, 400);
	BAD("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nabc", 100, 400); /* cut short */
	BAD("POST / HTTP/1.1\r\nContent-Length: 500\r\n\r\n", 100, 413);  /* over max */
	BAD("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 100, 400);
	BAD("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n", 100, 413);
	BAD("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 100, 400);
	BAD("POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 100, 400);
	BAD("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 100, 501);
	BAD("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 100, 400);
	BAD("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n", 100,
	    400);
	BAD("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n", 100, 413);
	BAD("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n", 100,
	    400);
	BAD("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab", 100, 400);
	BAD("GET / HTTP/1.1\r\nA: b", 100, 400); /* the head never ends */
	{
		/* a NUL byte in the head */
		static const char nul[] = "GET / HTTP/1.1\r\nA: b\0c\r\n\r\n";
		CHECK(read_req(nul, sizeof(nul) - 1, 100, &r) == 400);
		http_req_free(&r);
	}
	{
		/* a head larger than the buffer */
		size_t n = HTTP_HEAD_MAX + 100;
		char *big = xmalloc(n);
		memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
		memset(big + 19, 'a', n - 19);
		CHECK(read_req(big, n, 100, &r) == 431);
		http_req_free(&r);
		free(big);
	}
	/* an empty connection is a clean end */
	BAD("", 100, 0);
}

UNIT_MAIN()
