/* fuzz_toml: the TOML reader of containers.conf, storage.conf and
 * registries.conf (lib/toml.c), and registries.conf's own checks and
 * resolution (image/regconf*.c) over what it read. */
#include "tests/fuzz/fuzz.h"

#include "image/regconf.h"
#include "lib/toml.h"

static void resolve(const struct regconf *c)
{
	struct reg_endpoint *ep = NULL;
	struct werr err;
	size_t n = 0;

	(void)regconf_search_registries(c);
	(void)regconf_mode(c);
	(void)regconf_insecure(c, "example.com");
	if (regconf_endpoints(c, "example.com/a/b:1", false, &ep, &n, &err) == 0)
		reg_endpoints_free(ep, n);
	if (regconf_endpoints(c,
			      "docker.io/library/busybox@sha256:"
			      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
			      true, &ep, &n, &err) == 0)
		reg_endpoints_free(ep, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object *o = NULL;
	struct regconf *c;
	struct werr err;
	char *s;

	if (toml_parse((const char *)data, size, &o, &err) == 0)
		json_object_put(o);
	s = fuzz_str(data, size);
	c = regconf_parse(s, "registries.conf", &err);
	if (c != NULL) {
		resolve(c);
		regconf_free(c);
	}
	free(s);
	return 0;
}
