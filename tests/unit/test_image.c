/* test_image.c - image config parsing, RFC 3339 times, local names. */
#include <stdlib.h>
#include <string.h>

#include "image/image.h"
#include "tests/unit/unit.h"

UNIT_TEST(config_full)
{
	struct image_config c;
	struct werr err = {0};
	const char *j = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{"
			"\"Env\":[\"PATH=/bin\",\"A=b c\"],\"Entrypoint\":[\"/init\",\"-v\"],"
			"\"Cmd\":[\"sh\"],\"WorkingDir\":\"/srv\",\"User\":\"1000:1000\"}}";

	CHECK(image_config_parse(j, &c, &err) == 0);
	CHECK_STR(c.arch, "amd64");
	CHECK_STR(c.os, "linux");
	CHECK(c.env && c.env[2] == NULL);
	CHECK_STR(c.env[1], "A=b c");
	CHECK_STR(c.entrypoint[0], "/init");
	CHECK_STR(c.entrypoint[1], "-v");
	CHECK(c.entrypoint[2] == NULL);
	CHECK_STR(c.cmd[0], "sh");
	CHECK_STR(c.workdir, "/srv");
	CHECK_STR(c.user, "1000:1000");
	image_config_free(&c);
}

UNIT_TEST(config_sparse)
{
	struct image_config c;
	struct werr err = {0};

	/* null Entrypoint, no config at all, empty Cmd */
	CHECK(image_config_parse("{\"config\":{\"Entrypoint\":null,\"Cmd\":[]}}", &c, &err) == 0);
	CHECK(c.entrypoint == NULL);
	CHECK(c.cmd != NULL && c.cmd[0] == NULL);
	CHECK(c.env == NULL && c.workdir == NULL && c.user == NULL && c.arch == NULL);
	image_config_free(&c);
	CHECK(image_config_parse("{}", &c, &err) == 0);
	CHECK(c.cmd == NULL);
	image_config_free(&c);
}

UNIT_TEST(config_invalid)
{
	struct image_config c;
	struct werr err = {0};

	CHECK(image_config_parse("{\"config\":", &c, &err) < 0);
	CHECK_STR(err.msg, "image config: invalid JSON");
	CHECK(image_config_parse("[1,2]", &c, &err) < 0);
	CHECK(image_config_parse("", &c, &err) < 0);
	CHECK(image_config_parse(NULL, &c, &err) < 0);
}

/* guards: issue 5 "hostile input": wrong types in an image config are
 * refused (they were taken as strings or dropped), a lone string Cmd is a
 * list of one as Docker has it */
UNIT_TEST(config_types)
{
	static const char *const bad[] = {
	    "{\"config\":\"x\"}",
	    "{\"config\":{\"Env\":[\"A=1\",2]}}",
	    "{\"config\":{\"Env\":\"A=1\"}}",
	    "{\"config\":{\"Cmd\":[\"sh\",1e300]}}",
	    "{\"config\":{\"Cmd\":{\"a\":1}}}",
	    "{\"config\":{\"Entrypoint\":99999999999999999999999}}",
	    "{\"config\":{\"WorkingDir\":1}}",
	    "{\"config\":{\"User\":[\"root\"]}}",
	    "{\"architecture\":5}",
	};
	struct image_config c;
	struct werr err = {0};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(image_config_parse(bad[i], &c, &err) < 0);
		CHECK(strstr(err.msg, "image config: '") == err.msg);
	}
	CHECK(image_config_parse("{\"config\":{\"Cmd\":\"echo hi\",\"User\":null}}", &c, &err) ==
	      0);
	CHECK(c.cmd && c.cmd[1] == NULL);
	CHECK_STR(c.cmd[0], "echo hi");
	CHECK(c.user == NULL);
	image_config_free(&c);
}

/* guards: issue 5 "hostile input": a created time past what int64 ns hold
 * (year 2262) overflowed into a date 210 years ago */
UNIT_TEST(time_range)
{
	int64_t ns = -1;

	CHECK(image_parse_time("2262-01-01T00:00:00Z", &ns) == 0 && ns > 0);
	CHECK(image_parse_time("1678-01-01T00:00:00Z", &ns) == 0 && ns < 0);
	CHECK(image_parse_time("9999-12-31T23:59:59Z", &ns) < 0);
	CHECK(image_parse_time("1000-01-01T00:00:00Z", &ns) < 0);
	CHECK(image_parse_time("99999999999-01-01T00:00:00Z", &ns) < 0);
}

UNIT_TEST(time_parse)
{
	int64_t ns = -1;

	CHECK(image_parse_time("1970-01-01T00:00:00Z", &ns) == 0 && ns == 0);
	CHECK(image_parse_time("2024-01-02T03:04:05Z", &ns) == 0 && ns == 1704164645000000000LL);
	CHECK(image_parse_time("2024-01-02T03:04:05.123456789Z", &ns) == 0 &&
	      ns == 1704164645123456789LL);
	CHECK(image_parse_time("2024-01-02T03:04:05.5Z", &ns) == 0 && ns == 1704164645500000000LL);
	/* more than 9 fractional digits are truncated */
	CHECK(image_parse_time("2024-01-02T03:04:05.1234567891Z", &ns) == 0 &&
	      ns == 1704164645123456789LL);
	CHECK(image_parse_time("2024-01-02T05:04:05+02:00", &ns) == 0 &&
	      ns == 1704164645000000000LL);
	CHECK(image_parse_time("2024-01-01T22:04:05.25-05:00", &ns) == 0 &&
	      ns == 1704164645250000000LL);
	CHECK(image_parse_time("2024-01-02T03:04:05", &ns) < 0);
	CHECK(image_parse_time("2024-01-02T03:04:05.Z", &ns) < 0);
	CHECK(image_parse_time("2024-01-02T03:04:05Zjunk", &ns) < 0);
	CHECK(image_parse_time("2024-01-02", &ns) < 0);
	CHECK(image_parse_time("", &ns) < 0);
	CHECK(image_parse_time(NULL, &ns) < 0);
}

UNIT_TEST(local_names)
{
	struct werr err = {0};
	char *s;

	s = image_local_name("myimg", &err);
	CHECK_STR(s, "localhost/myimg:latest");
	free(s);
	s = image_local_name("foo/bar:1", &err);
	CHECK_STR(s, "localhost/foo/bar:1");
	free(s);
	s = image_local_name("quay.io/a/b:2", &err);
	CHECK_STR(s, "quay.io/a/b:2");
	free(s);
	s = image_local_name("docker.io/busybox", &err);
	CHECK_STR(s, "docker.io/library/busybox:latest");
	free(s);
	CHECK(image_local_name("Bad", &err) == NULL);
	CHECK(image_local_name(
		  "x@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		  &err) == NULL);
}

UNIT_MAIN()
