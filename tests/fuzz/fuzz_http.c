/* fuzz_http: the REST API's request reader (api/http.c) over a socket
 * holding the input, request after request as on a keep-alive
 * connection; then the query helpers on each request read. */
#include "tests/fuzz/fuzz.h"

#include "api/http.h"
#include "lib/util.h"

#include <sys/socket.h>
#include <unistd.h>

static void use(struct http_req *r)
{
	char **all = http_query_all(r, "a");

	free(http_query(r, "a"));
	if (all != NULL)
		strv_free(all);
	(void)http_query_bool(r, "b", false);
	(void)http_header(r, "content-type");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_conn c;
	const char *msg = "";
	struct http_req r;
	int sv[2];

	if (size > 65536 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return 0;
	if (write_all(sv[1], data, size) < 0)
		abort();
	close(sv[1]);
	memset(&c, 0, sizeof(c));
	c.fd = sv[0];
	/* as the service: the request is freed whatever http_read says */
	for (int i = 0, rc = 1; i < 64 && rc == 1; i++) {
		rc = http_read(&c, &r, 1024, &msg);
		if (rc == 1)
			use(&r);
		http_req_free(&r);
	}
	close(sv[0]);
	return 0;
}
