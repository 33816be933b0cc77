/* fuzz_specs: the one-line values that come from a user, an API request
 * or an image: the first byte picks the parser, the rest is its input
 * (image references, transports, WWW-Authenticate challenges, platforms,
 * -p/--expose, -v/--mount/--tmpfs/--device/--ulimit/--secret/--env,
 * healthcheck commands, log lines and times, detach keys, remote URIs,
 * .dockerignore patterns). */
#include "tests/fuzz/fuzz.h"

#include "cli/remote.h"
#include "image/manifest.h"
#include "image/ref.h"
#include "image/registry.h"
#include "lib/util.h"
#include "runtime/attach.h"
#include "runtime/build_copy.h"
#include "runtime/ctrlog.h"
#include "runtime/devices.h"
#include "runtime/health.h"
#include "runtime/ports.h"
#include "runtime/runopts.h"

static void ref(const char *s)
{
	struct image_ref r;
	enum ref_transport t;
	struct werr err;
	char *path = NULL, *name = NULL, *repo, *tag;

	if (ref_parse(s, &r, &err) == 0) {
		free(ref_string(&r));
		free(ref_repo(&r));
		ref_free(&r);
	}
	(void)ref_is_short(s);
	ref_split_name(s, &repo, &tag);
	free(repo);
	free(tag);
	if (ref_transport_split(s, &t, &path, &name, &err) == 0) {
		free(path);
		free(name);
	}
}

static void challenge(const char *s)
{
	char *scheme = NULL, *realm = NULL, *service = NULL;

	if (reg_parse_challenge(s, &scheme, &realm, &service) == 0) {
		free(scheme);
		free(realm);
		free(service);
	}
}

static void platform(const char *s)
{
	struct platform p;
	struct werr err;
	char *buf = NULL;

	if (platform_parse(s, &p, &buf, &err) == 0)
		free(buf);
}

static void ports(const char *s)
{
	struct port_map m;
	struct werr err;
	char **v = NULL;

	(void)ports_parse(s, &m, &err);
	if (ports_parse_expose(s, &v, &err) == 0)
		strv_free(v);
}

static void runopt(const char *s, int which)
{
	static int (*const fns[])(struct run_opts *, const char *, struct werr *) = {
	    runopts_add_volume, runopts_add_mount,   runopts_add_tmpfs,	  runopts_add_device,
	    runopts_add_secret, runopts_add_ulimit,  runopts_add_publish, runopts_add_expose,
	    runopts_add_env,	runopts_set_network,
	};
	struct run_opts o;
	struct werr err;

	runopts_init(&o);
	(void)fns[which % (sizeof(fns) / sizeof(fns[0]))](&o, s, &err);
	(void)runopts_parse_env_text(&o, s, "env", &err);
	runopts_free(&o);
}

static void misc(const char *s, size_t size)
{
	struct dev_node d = {0};
	struct json_object *test = NULL;
	struct log_line line;
	struct remote_uri u;
	struct werr err;
	unsigned char keys[16];
	int64_t t;

	if (devices_parse(s, &d, &err) == 0) {
		free(d.host);
		free(d.ctr);
		free(d.perms);
	}
	if (health_test_parse(s, &test, &err) == 0)
		json_object_put(test);
	(void)ctrlog_parse(s, size, &line);
	(void)ctrlog_parse_time(s, 1700000000, &t);
	(void)attach_parse_keys(s, keys, sizeof(keys));
	if (remote_uri_parse(s, &u, &err) == 0) {
		free(remote_uri_string(&u));
		remote_uri_free(&u);
	}
}

static void ignore(const char *s)
{
	static const char *const paths[] = {"a", "a/b", "a/b/c.go", ".git/x", "dir/sub/f"};
	struct build_ignore ig;

	build_ignore_parse(s, &ig);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		(void)build_ignored(&ig, paths[i]);
	build_ignore_free(&ig);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1 || size > 4096)
		return 0;
	s = fuzz_str(data + 1, size - 1);
	switch (data[0] % 6) {
	case 0:
		ref(s);
		break;
	case 1:
		challenge(s);
		break;
	case 2:
		platform(s);
		ports(s);
		break;
	case 3:
		runopt(s, data[0] / 6);
		break;
	case 4:
		misc(s, strlen(s));
		break;
	default:
		ignore(s);
		break;
	}
	free(s);
	return 0;
}
