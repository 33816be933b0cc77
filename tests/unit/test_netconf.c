/* test_netconf.c - network definitions (net/netconf.c): Podman's JSON
 * shape both ways, hostile network files, the choice of subnets and bridge
 * names, the checks of network create, and address allocation. */
#include "tests/unit/unit.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/util.h"
#include "net/netconf.h"

static char *tmpdir(void)
{
	char *d = xstrdup("/tmp/warren-netconf-XXXXXX");

	if (mkdtemp(d) == NULL) {
		free(d);
		return NULL;
	}
	return d;
}

static void rmdir_all(char *d)
{
	if (d) {
		rm_rf_at(AT_FDCWD, d, NULL);
		free(d);
	}
}

static void put(const char *dir, const char *name, const char *text)
{
	cleanup_free char *p = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "we");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* Does the host route anything in 10.89.0.0/16? Then the automatic
 * subnets start later and the exact values are not checked. */
static bool host_has_pool_route(void)
{
	cleanup_file FILE *f = fopen("/proc/net/route", "re");
	char line[256], ifn[64];
	unsigned int dst, gw, fl, r, u, m, mask;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %x %x %x %u %u %u %x", ifn, &dst, &gw, &fl, &r, &u, &m,
			   &mask) == 8 &&
		    mask != 0 && (dst & 0xffff) == 0x590a)
			return true;
	return false;
}

static const char *sub0(const struct network *n)
{
	return n->nsubnets > 0 ? n->subnets[0].subnet : NULL;
}

UNIT_TEST(netconf_default_network)
{
	struct network n = {0};
	cleanup_json struct json_object *j = NULL;

	network_default(&n, "2024-01-02T03:04:05.5Z");
	j = network_to_json(&n);
	CHECK_STR(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN),
		  "{\"name\":\"podman\",\"id\":\"" NETCONF_DEFAULT_ID "\",\"driver\":\"bridge\","
		  "\"network_interface\":\"podman0\",\"created\":\"2024-01-02T03:04:05.5Z\","
		  "\"subnets\":[{\"subnet\":\"10.88.0.0\\/16\",\"gateway\":\"10.88.0.1\"}],"
		  "\"ipv6_enabled\":false,\"internal\":false,\"dns_enabled\":false,"
		  "\"ipam_options\":{\"driver\":\"host-local\"}}");
	network_free(&n);
}

UNIT_TEST(netconf_create_round_trip)
{
	char *dir = tmpdir();
	char *labels[] = {"a=b=c", "z", NULL}, *opts[] = {"mtu=1400", NULL};
	char *subs[] = {"10.99.0.1/16", NULL}, *gws[] = {"10.99.0.5", NULL};
	char *ranges[] = {"10.99.1.0/24", NULL};
	struct netcreate_opts o = {.name = "rt1",
				   .subnets = subs,
				   .gateways = gws,
				   .ip_ranges = ranges,
				   .internal = true,
				   .disable_dns = true,
				   .labels = labels,
				   .options = opts};
	struct network n = {0}, m = {0}, back = {0};
	struct werr err = {0};
	cleanup_json struct json_object *j = NULL, *j2 = NULL;
	cleanup_free char *text = NULL;

	CHECK(dir != NULL);
	CHECK(netconf_create(dir, &o, &n, &err) == 0);
	CHECK_STR(n.subnets[0].subnet, "10.99.0.0/16");
	CHECK_STR(n.subnets[0].gateway, "10.99.0.5");
	CHECK_STR(n.subnets[0].range_start, "10.99.1.1");
	CHECK_STR(n.subnets[0].range_end, "10.99.1.255");
	CHECK(strlen(n.id) == 64 && n.internal && !n.dns && !n.ipv6);
	CHECK(str_has_suffix(n.created, "Z"));
	CHECK(netconf_lookup(dir, "rt1", &m, &err) == 1);
	j = network_to_json(&m);
	CHECK_STR(jstr(jget(j, "labels"), "a"), "b=c");
	CHECK_STR(jstr(jget(j, "labels"), "z"), "");
	CHECK_STR(jstr(jget(j, "options"), "mtu"), "1400");
	CHECK_STR(jstr(jget(j, "ipam_options"), "driver"), "host-local");
	text = xstrdup(json_object_to_json_string(j));
	CHECK(network_from_json(j, &back, &err) == 0);
	j2 = network_to_json(&back);
	CHECK_STR(json_object_to_json_string(j2), text);
	/* by id and by a unique prefix too */
	network_free(&m);
	CHECK(netconf_lookup(dir, n.id, &m, &err) == 1 && strcmp(m.name, "rt1") == 0);
	network_free(&m);
	{
		char pre[13];
		memcpy(pre, n.id, 12);
		pre[12] = '\0';
		CHECK(netconf_lookup(dir, pre, &m, &err) == 1 && strcmp(m.name, "rt1") == 0);
	}
	network_free(&m);
	CHECK(netconf_lookup(dir, "2f259bab", &m, &err) == 1 && strcmp(m.name, "podman") == 0);
	network_free(&m);
	CHECK(netconf_lookup(dir, "nosuch", &m, &err) == 0);
	/* ignore: the existing one; else Podman's error */
	o.ignore = true;
	CHECK(netconf_create(dir, &o, &m, &err) == 0 && strcmp(m.id, n.id) == 0);
	network_free(&m);
	o.ignore = false;
	CHECK(netconf_create(dir, &o, &m, &err) < 0 && err.status == 125);
	CHECK_STR(err.msg, "network name rt1 already used: network already exists");
	CHECK(netconf_remove(dir, "rt1", &err) == 0);
	CHECK(netconf_remove(dir, "rt1", &err) < 0 && err.status == 1);
	CHECK(netconf_remove(dir, "podman", &err) < 0);
	CHECK_STR(err.msg, "default network podman cannot be removed");
	network_free(&n);
	network_free(&back);
	rmdir_all(dir);
}

UNIT_TEST(netconf_hostile_files)
{
	char *dir = tmpdir();
	struct network *v = NULL, n = {0};
	size_t nv = 0;
	struct werr err = {0};
	const char *good = "{\"name\":\"good\",\"id\":\"" NETCONF_DEFAULT_ID "\",\"driver\":"
			   "\"bridge\",\"subnets\":[{\"subnet\":\"10.90.0.0/24\"}]}";
	cleanup_free char *big = NULL, *lnk = NULL, *target = NULL;

	CHECK(dir != NULL);
	log_set_level(LOG_ERROR); /* the skipped files' warnings */
	/* the same id as the default: lookups by name still work */
	put(dir, "good.json", good);
	put(dir, "bad.json", "{\"name\": \"bad\", ");
	put(dir, "types.json",
	    "{\"name\":\"types\",\"id\":\"" NETCONF_DEFAULT_ID "\","
	    "\"driver\":\"bridge\",\"internal\":\"yes\"}");
	put(dir, "subs.json",
	    "{\"name\":\"subs\",\"id\":\"" NETCONF_DEFAULT_ID "\","
	    "\"driver\":\"bridge\",\"subnets\":{}}");
	put(dir, "lab.json",
	    "{\"name\":\"lab\",\"id\":\"" NETCONF_DEFAULT_ID "\","
	    "\"driver\":\"bridge\",\"labels\":{\"a\":1}}");
	put(dir, "gw.json",
	    "{\"name\":\"gw\",\"id\":\"" NETCONF_DEFAULT_ID "\","
	    "\"driver\":\"bridge\",\"subnets\":[{\"subnet\":\"10.91.0.0/24\","
	    "\"gateway\":\"10.92.0.1\"}]}");
	put(dir, "slash.json",
	    "{\"name\":\"a/b\",\"id\":\"" NETCONF_DEFAULT_ID "\","
	    "\"driver\":\"bridge\"}");
	put(dir, "other.json",
	    "{\"name\":\"good2\",\"id\":\"" NETCONF_DEFAULT_ID "\","
	    "\"driver\":\"bridge\"}");
	put(dir, "podman.json",
	    "{\"name\":\"podman\",\"id\":\"" NETCONF_DEFAULT_ID "\","
	    "\"driver\":\"bridge\"}");
	put(dir, "shortid.json", "{\"name\":\"shortid\",\"id\":\"abc\",\"driver\":\"bridge\"}");
	put(dir, "arr.json", "[1,2,3]");
	big = xmalloc((2 << 20) + 1);
	memset(big, ' ', 2 << 20);
	big[2 << 20] = '\0';
	put(dir, "huge.json", big);
	target = xasprintf("%s/good.json", dir);
	lnk = xasprintf("%s/link.json", dir);
	CHECK(symlink(target, lnk) == 0);
	CHECK(netconf_list(dir, &v, &nv, &err) == 0);
	CHECK(nv == 2);
	CHECK_STR(v[0].name, "podman");
	CHECK_STR(v[1].name, "good");
	CHECK(v[1].subnets[0].gateway == NULL && v[1].dns == false);
	networks_free(v, nv);
	/* a bad file of that name: the reason, not "not found" */
	CHECK(netconf_lookup(dir, "link", &n, &err) < 0 && err.status == 125);
	CHECK_STR(err.msg, "network file link.json: a symbolic link");
	CHECK(netconf_lookup(dir, "bad", &n, &err) < 0);
	CHECK_STR(err.msg, "network file bad.json: invalid JSON");
	CHECK(netconf_lookup(dir, "huge", &n, &err) < 0);
	CHECK(netconf_lookup(dir, "good2", &n, &err) == 0);
	CHECK(netconf_lookup(dir, "good", &n, &err) == 1);
	network_free(&n);
	CHECK(netconf_lookup(dir, "a/b", &n, &err) == 0);
	/* a file that does not parse still holds its name */
	{
		char *s[] = {"10.93.0.0/24", NULL};
		struct netcreate_opts o = {.name = "bad", .subnets = s};
		CHECK(netconf_create(dir, &o, &n, &err) < 0);
		CHECK_STR(err.msg, "network name bad already used: network already exists");
	}
	/* a / in a name never reaches the file system */
	CHECK(netconf_remove(dir, "../x", &err) < 0 && err.status == 125);
	{
		struct netcreate_opts o = {.name = "x/../../y"};
		CHECK(netconf_create(dir, &o, &n, &err) < 0);
		CHECK(strstr(err.msg, "names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*") != NULL);
	}
	rmdir_all(dir);
}

UNIT_TEST(netconf_from_json_rejects)
{
	static const char *bad[] = {
	    "{}",
	    "{\"name\":\"x\",\"id\":\"" NETCONF_DEFAULT_ID "\"}",
	    "{\"name\":\"x\",\"id\":\"" NETCONF_DEFAULT_ID "\",\"driver\":7}",
	    "{\"name\":\".x\",\"id\":\"" NETCONF_DEFAULT_ID "\",\"driver\":\"bridge\"}",
	    "{\"name\":\"x\",\"id\":\"" NETCONF_DEFAULT_ID "\",\"driver\":\"bridge\","
	    "\"network_interface\":\"a/b\"}",
	    "{\"name\":\"x\",\"id\":\"" NETCONF_DEFAULT_ID "\",\"driver\":\"bridge\","
	    "\"subnets\":[{\"subnet\":\"10.0.0.1/24\"}]}",
	    "{\"name\":\"x\",\"id\":\"" NETCONF_DEFAULT_ID "\",\"driver\":\"bridge\","
	    "\"subnets\":[{\"subnet\":\"10.0.0.0/"
	    "24\",\"lease_range\":{\"start_ip\":\"10.1.0.1\"}}]}",
	    "{\"name\":\"x\",\"id\":\"" NETCONF_DEFAULT_ID "\",\"driver\":\"bridge\","
	    "\"subnets\":[\"10.0.0.0/24\"]}",
	    "{\"name\":\"x\",\"id\":\"" NETCONF_DEFAULT_ID "\",\"driver\":\"bridge\","
	    "\"ipam_options\":[]}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct werr err = {0};
		struct network n = {0};
		cleanup_json struct json_object *j = jparse(bad[i], "t", &err);
		CHECK(j != NULL);
		if (network_from_json(j, &n, &err) == 0) {
			printf("accepted: %s\n", bad[i]);
			CHECK(0);
		}
		CHECK(err.status == 125);
	}
}

UNIT_TEST(netconf_auto_subnets_and_names)
{
	char *dir = tmpdir();
	struct network a = {0}, b = {0}, c = {0}, d = {0};
	struct werr err = {0};
	char *s0[] = {"10.89.1.0/24", NULL};
	struct netcreate_opts o = {0}, ob = {.name = "taken", .subnets = s0};
	bool exact = !host_has_pool_route();

	CHECK(dir != NULL);
	CHECK(netconf_create(dir, &o, &a, &err) == 0);
	CHECK(netconf_create(dir, &ob, &b, &err) == 0);
	CHECK(netconf_create(dir, &o, &c, &err) == 0);
	CHECK_STR(a.name, "podman1");
	CHECK(strcmp(c.name, "podman2") == 0);
	CHECK(strcmp(a.iface, c.iface) != 0 && strcmp(a.iface, b.iface) != 0);
	CHECK(strcmp(sub0(&a), sub0(&c)) != 0);
	if (exact) {
		CHECK_STR(sub0(&a), "10.89.0.0/24");
		CHECK_STR(a.subnets[0].gateway, "10.89.0.1");
		/* 10.89.1.0/24 is taken by "taken" */
		CHECK_STR(sub0(&c), "10.89.2.0/24");
	}
	/* --ipv6 adds a unique local /64 */
	o.name = "six";
	o.ipv6 = true;
	CHECK(netconf_create(dir, &o, &d, &err) == 0);
	CHECK(d.nsubnets == 2 && d.ipv6);
	CHECK(str_has_prefix(d.subnets[1].subnet, "fd") &&
	      str_has_suffix(d.subnets[1].subnet, "::/64"));
	CHECK(str_has_suffix(d.subnets[1].gateway, "::1"));
	network_free(&a);
	network_free(&b);
	network_free(&c);
	network_free(&d);
	rmdir_all(dir);
}

/* One network create that must fail with msg. */
static bool fails(const char *dir, struct netcreate_opts *o, const char *msg)
{
	struct network n = {0};
	struct werr err = {0};

	if (netconf_create(dir, o, &n, &err) == 0) {
		printf("created %s\n", n.name);
		network_free(&n);
		return false;
	}
	if (strcmp(err.msg, msg) != 0 || err.status != 125) {
		printf("got \"%s\" (%d), want \"%s\"\n", err.msg, err.status, msg);
		return false;
	}
	return true;
}

UNIT_TEST(netconf_create_checks)
{
	char *dir = tmpdir();
	char *s1[] = {"10.120.0.0/24", NULL}, *s2[] = {"10.120.0.0/16", NULL};
	char *bad[] = {"10.0.0.0/33", NULL}, *junk[] = {"foo", NULL},
	     *gw_out[] = {"10.1.0.1", NULL};
	char *gw_junk[] = {"foo", NULL}, *two[] = {"10.121.0.1", "10.121.0.2", NULL};
	char *r_out[] = {"10.122.0.0/16", NULL}, *s3[] = {"10.122.0.0/24", NULL};
	char *s4[] = {"10.123.0.0/24", NULL}, *opt_bad[] = {"foo=bar", NULL};
	char *mtu_bad[] = {"mtu=abc", NULL}, *lab_bad[] = {"=x", NULL};
	struct netcreate_opts o = {.name = "c1", .subnets = s1};
	struct network n = {0};
	struct werr err = {0};

	CHECK(dir != NULL);
	CHECK(netconf_create(dir, &o, &n, &err) == 0);
	network_free(&n);
	o = (struct netcreate_opts){.name = "c2", .subnets = s2};
	CHECK(fails(dir, &o,
		    "subnet 10.120.0.0/16 is already used on the host or by another config"));
	o = (struct netcreate_opts){.name = "c2", .subnets = bad};
	CHECK(fails(dir, &o, "invalid CIDR address: 10.0.0.0/33"));
	o = (struct netcreate_opts){.name = "c2", .subnets = junk};
	CHECK(fails(dir, &o, "invalid CIDR address: foo"));
	o = (struct netcreate_opts){.name = "c2", .subnets = s4, .gateways = gw_out};
	CHECK(fails(dir, &o, "gateway 10.1.0.1 not in subnet 10.123.0.0/24"));
	o = (struct netcreate_opts){.name = "c2", .subnets = s4, .gateways = gw_junk};
	CHECK(fails(dir, &o,
		    "invalid argument \"foo\" for \"--gateway\" flag: invalid string being "
		    "converted to IP address: foo"));
	o = (struct netcreate_opts){.name = "c2", .subnets = s4, .gateways = two};
	CHECK(fails(dir, &o, "cannot set more gateways than subnets"));
	o = (struct netcreate_opts){.name = "c2", .gateways = gw_out};
	CHECK(fails(dir, &o, "cannot set gateway or range without subnet"));
	o = (struct netcreate_opts){.name = "c2", .subnets = s3, .ip_ranges = r_out};
	CHECK(fails(dir, &o, "lease range end ip 10.122.255.255 not in subnet 10.122.0.0/24"));
	o = (struct netcreate_opts){.name = "c2", .subnets = s4, .ip_ranges = gw_out};
	CHECK(fails(dir, &o, "invalid CIDR address: 10.1.0.1"));
	o = (struct netcreate_opts){.name = "c2", .driver = "macvlan"};
	CHECK(fails(dir, &o, "the macvlan driver is not supported by warren: use bridge"));
	o = (struct netcreate_opts){.name = "c2", .driver = "foo"};
	CHECK(fails(dir, &o, "unsupported driver foo: invalid argument"));
	o = (struct netcreate_opts){.name = "podman"};
	CHECK(fails(dir, &o, "network name podman already used: network already exists"));
	o = (struct netcreate_opts){.name = "c2", .options = opt_bad};
	CHECK(fails(dir, &o, "unsupported bridge network option foo"));
	o = (struct netcreate_opts){.name = "c2", .options = mtu_bad};
	CHECK(fails(dir, &o, "invalid mtu \"abc\": want a number from 0 to 65536"));
	o = (struct netcreate_opts){.name = "c2", .labels = lab_bad};
	CHECK(fails(dir, &o, "failed to parse labels: invalid label format: \"=x\""));
	o = (struct netcreate_opts){.name = "c2", .iface = "podman0"};
	CHECK(fails(dir, &o, "bridge name podman0 already in use"));
	o = (struct netcreate_opts){.name = "c2", .iface = "lo"};
	CHECK(fails(dir, &o, "bridge name lo already in use"));
	o = (struct netcreate_opts){.name = "c2", .iface = "a-very-long-bridge-name"};
	CHECK(fails(dir, &o,
		    "interface name a-very-long-bridge-name invalid: at most 15 characters, no "
		    "'/', ':' or white space"));
	{
		char name[300];
		memset(name, 'a', 251);
		name[251] = '\0';
		o = (struct netcreate_opts){.name = name};
		CHECK(netconf_create(dir, &o, &n, &err) < 0 && strstr(err.msg, "longer than 250"));
		name[250] = '\0';
		CHECK(netconf_create(dir, &o, &n, &err) == 0);
		network_free(&n);
	}
	/* nothing of the failures was written */
	{
		struct network *v = NULL;
		size_t nv = 0;
		CHECK(netconf_list(dir, &v, &nv, &err) == 0 && nv == 3);
		networks_free(v, nv);
	}
	rmdir_all(dir);
}

UNIT_TEST(netconf_edge_subnets)
{
	char *dir = tmpdir();
	char *s31[] = {"10.124.0.0/31", NULL}, *s32[] = {"10.125.0.7/32", NULL};
	char *s6[] = {"fd00:3::5/64", NULL}, *r30[] = {"10.126.0.7/30", NULL};
	char *s24[] = {"10.126.0.0/24", NULL};
	struct netcreate_opts o = {.name = "e31", .subnets = s31};
	struct network n = {0};
	struct werr err = {0};

	CHECK(dir != NULL);
	CHECK(netconf_create(dir, &o, &n, &err) == 0);
	CHECK_STR(n.subnets[0].gateway, "10.124.0.1");
	network_free(&n);
	o = (struct netcreate_opts){.name = "e32", .subnets = s32};
	CHECK(netconf_create(dir, &o, &n, &err) == 0);
	CHECK_STR(n.subnets[0].subnet, "10.125.0.7/32");
	CHECK_STR(n.subnets[0].gateway, "10.125.0.7");
	network_free(&n);
	o = (struct netcreate_opts){.name = "e6", .subnets = s6};
	CHECK(netconf_create(dir, &o, &n, &err) == 0);
	CHECK_STR(n.subnets[0].subnet, "fd00:3::/64");
	CHECK_STR(n.subnets[0].gateway, "fd00:3::1");
	CHECK(n.ipv6 && n.nsubnets == 1);
	network_free(&n);
	{
		char *s6r[] = {"fd00:9::/64", NULL}, *r6[] = {"fd00:9::/120", NULL};
		o = (struct netcreate_opts){.name = "e6r", .subnets = s6r, .ip_ranges = r6};
		CHECK(netconf_create(dir, &o, &n, &err) == 0);
		CHECK_STR(n.subnets[0].range_start, "fd00:9::1");
		CHECK_STR(n.subnets[0].range_end, "fd00:9::ff");
		network_free(&n);
	}
	o = (struct netcreate_opts){.name = "er", .subnets = s24, .ip_ranges = r30};
	CHECK(netconf_create(dir, &o, &n, &err) == 0);
	CHECK_STR(n.subnets[0].range_start, "10.126.0.5");
	CHECK_STR(n.subnets[0].range_end, "10.126.0.7");
	network_free(&n);
	rmdir_all(dir);
}

UNIT_TEST(netconf_ip_allocation)
{
	struct net_subnet s = {.subnet = "10.5.0.0/24", .gateway = "10.5.0.1"};
	char *used[] = {"10.5.0.2", "10.5.0.3", NULL};
	char out[16];
	struct werr err = {0};

	CHECK(netconf_ip_alloc(&s, NULL, out, &err) == 0);
	CHECK_STR(out, "10.5.0.2");
	CHECK(netconf_ip_alloc(&s, used, out, &err) == 0);
	CHECK_STR(out, "10.5.0.4");
	CHECK(netconf_ip_in(&s, "10.5.0.254"));
	CHECK(!netconf_ip_in(&s, "10.5.0.255"));
	CHECK(!netconf_ip_in(&s, "10.5.0.0"));
	CHECK(!netconf_ip_in(&s, "10.5.0.1"));
	CHECK(!netconf_ip_in(&s, "10.6.0.2"));
	CHECK(!netconf_ip_in(&s, "junk"));
	CHECK(!netconf_ip_in(&s, "fd00::1"));
	/* a lease range */
	s.range_start = "10.5.0.200";
	s.range_end = "10.5.0.201";
	{
		char *u2[] = {"10.5.0.200", NULL}, *u3[] = {"10.5.0.200", "10.5.0.201", NULL};
		CHECK(netconf_ip_alloc(&s, u2, out, &err) == 0);
		CHECK_STR(out, "10.5.0.201");
		CHECK(netconf_ip_alloc(&s, u3, out, &err) < 0);
		CHECK(strstr(err.msg, "failed to find free IP") != NULL);
	}
	/* a range ending at the broadcast address never hands that out */
	s.range_start = "10.5.0.254";
	s.range_end = "10.5.0.255";
	{
		char *u4[] = {"10.5.0.254", NULL};
		CHECK(netconf_ip_alloc(&s, u4, out, &err) < 0);
	}
	/* /30: one address besides the gateway, then full */
	{
		struct net_subnet t = {.subnet = "10.7.0.0/30", .gateway = "10.7.0.1"};
		char *u[] = {"10.7.0.2", NULL};
		CHECK(netconf_ip_alloc(&t, NULL, out, &err) == 0);
		CHECK_STR(out, "10.7.0.2");
		CHECK(netconf_ip_alloc(&t, u, out, &err) < 0);
	}
	/* /31: both addresses are hosts (RFC 3021) */
	{
		struct net_subnet t = {.subnet = "10.8.0.0/31", .gateway = "10.8.0.1"};
		CHECK(netconf_ip_alloc(&t, NULL, out, &err) == 0);
		CHECK_STR(out, "10.8.0.0");
		CHECK(netconf_ip_in(&t, "10.8.0.0"));
	}
	/* /32 whose one address is the gateway: full */
	{
		struct net_subnet t = {.subnet = "10.9.0.7/32", .gateway = "10.9.0.7"};
		struct net_subnet t2 = {.subnet = "10.9.0.7/32"};
		CHECK(netconf_ip_alloc(&t, NULL, out, &err) < 0);
		CHECK(netconf_ip_alloc(&t2, NULL, out, &err) == 0);
		CHECK_STR(out, "10.9.0.7");
	}
	/* IPv6 subnets are not assigned from here */
	{
		struct net_subnet t = {.subnet = "fd00::/64", .gateway = "fd00::1"};
		CHECK(netconf_ip_alloc(&t, NULL, out, &err) < 0);
		CHECK(!netconf_ip_in(&t, "fd00::2"));
	}
	/* a full /24: 253 used plus the gateway */
	{
		char **u = NULL;
		for (int i = 2; i < 255; i++) {
			char ip[16];
			snprintf(ip, sizeof(ip), "10.5.0.%d", i);
			u = strv_append(u, ip);
		}
		s.range_start = s.range_end = NULL;
		CHECK(netconf_ip_alloc(&s, u, out, &err) < 0);
		free(u[100]);
		u[100] = xstrdup("10.5.0.1");
		CHECK(netconf_ip_alloc(&s, u, out, &err) == 0);
		CHECK_STR(out, "10.5.0.102");
		strv_free(u);
	}
}

UNIT_TEST(netconf_ip6_allocation)
{
	struct net_subnet s = {.subnet = "fd10:1:2:3::/64", .gateway = "fd10:1:2:3::1"};
	char *used[] = {"fd10:1:2:3::2", "fd10:1:2:3::3", NULL};
	char out[INET6_ADDRSTRLEN], canon[INET6_ADDRSTRLEN];
	struct werr err = {0};

	CHECK(netconf_ip6_alloc(&s, NULL, out, &err) == 0);
	CHECK_STR(out, "fd10:1:2:3::2");
	CHECK(netconf_ip6_alloc(&s, used, out, &err) == 0);
	CHECK_STR(out, "fd10:1:2:3::4");
	/* canonical text: a long form is the same address */
	CHECK(netconf_ip6_in(&s, "fd10:1:2:3:0:0:0:77", canon));
	CHECK_STR(canon, "fd10:1:2:3::77");
	CHECK(!netconf_ip6_in(&s, "fd10:1:2:3::", NULL));  /* the subnet itself */
	CHECK(!netconf_ip6_in(&s, "fd10:1:2:3::1", NULL)); /* the gateway */
	CHECK(!netconf_ip6_in(&s, "fd10:1:2:4::5", NULL));
	CHECK(!netconf_ip6_in(&s, "10.1.2.3", NULL));
	CHECK(!netconf_ip6_in(&s, "junk", NULL));
	/* a /126: ::2 and ::3, then full */
	{
		struct net_subnet t = {.subnet = "fd20::/126", .gateway = "fd20::1"};
		char *u[] = {"fd20::2", "fd20::3", NULL};
		CHECK(netconf_ip6_alloc(&t, NULL, out, &err) == 0);
		CHECK_STR(out, "fd20::2");
		CHECK(netconf_ip6_alloc(&t, u, out, &err) < 0);
		CHECK(strstr(err.msg, "failed to find free IP") != NULL);
	}
	/* an IPv4 subnet is not one */
	{
		struct net_subnet v4 = {.subnet = "10.5.0.0/24"};
		CHECK(netconf_ip6_alloc(&v4, NULL, out, &err) < 0);
	}
}

UNIT_MAIN()
