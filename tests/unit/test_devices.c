/* Unit tests for runtime/devices.c: the forms of --device. */
#include "tests/unit/unit.h"

#include <stdlib.h>

#include "runtime/devices.h"

/* HOST CTR PERMS as parsed, or NULL host for an error */
static int parse_is(const char *arg, const char *host, const char *ctr, const char *perms)
{
	struct dev_node d;
	struct werr err = {0};
	int rc = devices_parse(arg, &d, &err), ok;

	if (host == NULL)
		return rc < 0 && err.msg[0] != '\0';
	ok = rc == 0 && strcmp(d.host, host) == 0 && strcmp(d.ctr, ctr) == 0 &&
	     strcmp(d.perms, perms) == 0;
	if (!ok)
		printf("  %s -> %s %s %s\n", arg, d.host, d.ctr, d.perms);
	free(d.host);
	free(d.ctr);
	free(d.perms);
	return ok;
}

UNIT_TEST(device_forms)
{
	CHECK(parse_is("/dev/fuse", "/dev/fuse", "/dev/fuse", ""));
	CHECK(parse_is("/dev/fuse:rw", "/dev/fuse", "/dev/fuse", "rw"));
	CHECK(parse_is("/dev/null:/dev/x", "/dev/null", "/dev/x", ""));
	CHECK(parse_is("/dev/null:/dev/x:rwm", "/dev/null", "/dev/x", "rwm"));
	CHECK(parse_is("/dev/null:/dev/x:rwz", NULL, NULL, NULL));
	CHECK(parse_is("/dev/null:relative", NULL, NULL, NULL));
	CHECK(parse_is("/dev/null:a:b:c", NULL, NULL, NULL));
	CHECK(parse_is("", NULL, NULL, NULL));
	CHECK(parse_is(":/dev/x", NULL, NULL, NULL));
}

UNIT_TEST(device_cdi_names)
{
	CHECK(devices_is_cdi("nvidia.com/gpu=all"));
	CHECK(devices_is_cdi("example.org/x=0"));
	CHECK(!devices_is_cdi("/dev/fuse"));
	CHECK(!devices_is_cdi("nvidia.com/gpu="));
	CHECK(!devices_is_cdi("gpu=all"));
	CHECK(!devices_is_cdi("/a/b=c"));
	CHECK(!devices_is_cdi("=x/y"));
}

UNIT_MAIN()
