/* Unit tests: certs.d lookup (image/certsd.c). */
#include "tests/unit/unit.h"

#include "image/certsd.h"
#include "lib/util.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static char tmp[64];

static void put(const char *rel, const char *text, size_t len)
{
	char *p = xasprintf("%s/%s", tmp, rel), *d = xstrdup(p);
	struct werr err = {0};

	*strrchr(d, '/') = '\0';
	mkdir_p(d, 0700, &err);
	write_file_at(AT_FDCWD, p, text, len, 0600, &err);
	free(p);
	free(d);
}
#define PUT(rel, text) put(rel, text, strlen(text))

UNIT_TEST(certsd_reads_host_dir)
{
	struct werr err = {0};
	struct certsd c;
	char *sys, *cfg, *p;

	strcpy(tmp, "/tmp/warren-certsd-XXXXXX");
	CHECK(mkdtemp(tmp) != NULL);
	sys = xasprintf("%s/sys", tmp);
	cfg = xasprintf("%s/cfg", tmp);
	setenv("XDG_CONFIG_HOME", cfg, 1);

	/* nothing anywhere */
	CHECK(certsd_lookup_root(sys, NULL, "quay.io", &c, &err) == 0);
	CHECK(c.dir == NULL && c.ca_pem == NULL && c.client_cert == NULL);

	PUT("sys/etc/docker/certs.d/reg.local:5000/ca.crt", "DOCKER-CA\n");
	PUT("sys/etc/containers/certs.d/reg.local:5000/b.crt", "CA-B");
	PUT("sys/etc/containers/certs.d/reg.local:5000/a.crt", "CA-A\n");
	PUT("sys/etc/containers/certs.d/reg.local:5000/client.cert", "CERT");
	PUT("sys/etc/containers/certs.d/reg.local:5000/client.key", "KEY");
	PUT("sys/etc/containers/certs.d/reg.local:5000/README", "ignored");
	CHECK(certsd_lookup_root(sys, NULL, "reg.local:5000", &c, &err) == 0);
	CHECK(c.dir != NULL && strstr(c.dir, "/etc/containers/certs.d/reg.local:5000") != NULL);
	CHECK_STR(c.ca_pem, "CA-A\nCA-B"); /* sorted; the first dir that exists wins */
	CHECK(str_has_suffix(c.client_cert, "/client.cert"));
	CHECK(str_has_suffix(c.client_key, "/client.key"));
	certsd_free(&c);

	/* the user's directory comes first */
	PUT("cfg/containers/certs.d/reg.local:5000/mine.crt", "MINE\n");
	CHECK(certsd_lookup_root(sys, NULL, "reg.local:5000", &c, &err) == 0);
	CHECK_STR(c.ca_pem, "MINE\n");
	CHECK(c.client_cert == NULL);
	certsd_free(&c);

	/* --cert-dir alone: the files are in it, not in a <host> dir under it */
	p = xasprintf("%s/sys/etc/docker/certs.d/reg.local:5000", tmp);
	CHECK(certsd_lookup_root(sys, p, "reg.local:5000", &c, &err) == 0);
	CHECK_STR(c.ca_pem, "DOCKER-CA\n");
	certsd_free(&c);
	free(p);
	p = xasprintf("%s/sys/etc/docker/certs.d", tmp);
	CHECK(certsd_lookup_root(sys, p, "reg.local:5000", &c, &err) == 0);
	CHECK(c.dir != NULL && c.ca_pem == NULL);
	certsd_free(&c);
	free(p);
	CHECK(certsd_lookup_root(sys, "/nonexistent", "reg.local:5000", &c, &err) == 0);
	CHECK(c.dir == NULL && c.ca_pem == NULL);
	certsd_free(&c);

	/* unpaired client files */
	PUT("cfg/containers/certs.d/reg.local:5000/lonely.cert", "C");
	CHECK(certsd_lookup_root(sys, NULL, "reg.local:5000", &c, &err) < 0);
	CHECK(strstr(err.msg, "missing key ") != NULL && strstr(err.msg, "lonely.key") != NULL);
	p = xasprintf("%s/cfg/containers/certs.d/reg.local:5000/lonely.cert", tmp);
	unlink(p);
	free(p);
	PUT("cfg/containers/certs.d/reg.local:5000/orphan.key", "K");
	CHECK(certsd_lookup_root(sys, NULL, "reg.local:5000", &c, &err) < 0);
	CHECK(strstr(err.msg, "missing client certificate ") != NULL);

	/* a CA file with a NUL byte */
	put("cfg/containers/certs.d/nul.io/x.crt", "A\0B", 3);
	CHECK(certsd_lookup_root(sys, NULL, "nul.io", &c, &err) < 0);
	CHECK(strstr(err.msg, "NUL byte") != NULL);

	unsetenv("XDG_CONFIG_HOME");
	rm_rf_at(AT_FDCWD, tmp, &err);
	free(sys);
	free(cfg);
}

UNIT_TEST(certsd_refuses_bad_hosts)
{
	static const char *const bad[] = {"",	     "..",  "../etc", "a/b", "a..b",
					  ".hidden", "a b", "x\n",    "/abs"};
	struct werr err = {0};
	struct certsd c;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		CHECK(certsd_lookup("/nonexistent", bad[i], &c, &err) < 0);
		CHECK(strstr(err.msg, "invalid registry name") != NULL);
	}
	CHECK(certsd_lookup("/nonexistent", "[::1]:5000", &c, &err) == 0);
	certsd_free(&c);
}

UNIT_MAIN()
