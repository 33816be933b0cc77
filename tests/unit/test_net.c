/* test_net.c - the network flags (net/netopts.c): --network modes and
 * slirp4netns options, --dns*, --add-host, --mac-address, the mode
 * conflicts, the saved JSON; and the resolv.conf and hosts texts
 * (net/etcfiles.c) from a host's files. */
#include "tests/unit/unit.h"

#include <string.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "net/net.h"
#include "net/netavark.h"

UNIT_TEST(modes)
{
	struct net_opts n = {0};
	enum net_mode m;
	struct werr err = {0};

	CHECK(net_parse_mode("none", &m, &n, &err) == 0 && m == NET_NONE);
	CHECK(net_parse_mode("host", &m, &n, &err) == 0 && m == NET_HOST);
	CHECK(net_parse_mode("private", &m, &n, &err) == 0 && m == NET_DEFAULT);
	CHECK(net_parse_mode("slirp4netns", &m, &n, &err) == 0 && m == NET_SLIRP);
	CHECK(net_parse_mode("slirp4netns:allow_host_loopback=true,mtu=1500,cidr=10.5.0.0/24,"
			     "enable_ipv6=false,outbound_addr=1.2.3.4,outbound_addr6=fd00::1,"
			     "port_handler=rootlesskit",
			     &m, &n, &err) == 0);
	CHECK(n.allow_host_loopback && n.mtu == 1500 && n.ipv6_off);
	CHECK_STR(n.cidr, "10.5.0.0/24");
	CHECK_STR(n.outbound_addr, "1.2.3.4");
	CHECK_STR(n.outbound_addr6, "fd00::1");
	CHECK_STR(n.slirp_port_handler, "rootlesskit");
	CHECK(net_parse_mode("pasta:-t,8080,--mtu,1400", &m, &n, &err) == 0 && m == NET_PASTA);
	CHECK(strv_len(n.pasta_args) == 4);
	CHECK(net_parse_mode("container:abc", &m, &n, &err) == 0 && m == NET_CONTAINER);
	CHECK_STR(n.arg, "abc");
	{
		cleanup_free char *s = net_mode_string(m, &n);
		CHECK_STR(s, "container:abc");
	}
	CHECK(net_parse_mode("ns:/run/netns/x", &m, &n, &err) == 0 && m == NET_NS);
	net_opts_free(&n);

	static const char *const bad[] = {"bogus",
					  "",
					  "slirp4netns:mtu=0",
					  "slirp4netns:mtu=65522",
					  "slirp4netns:mtu=",
					  "slirp4netns:x",
					  "slirp4netns:cidr=10.0.2.0/26",
					  "slirp4netns:cidr=300.0.0.0/24",
					  "slirp4netns:port_handler=",
					  "slirp4netns:enable_ipv6=1",
					  "slirp4netns:outbound_addr=fd00::1",
					  "slirp4netns:outbound_addr6=1.2.3.4",
					  "container:",
					  "ns:",
					  "bridge",
					  "pasta:a,,b"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = (struct werr){0};
		CHECK(net_parse_mode(bad[i], &m, &n, &err) < 0 && err.status == 125);
		net_opts_free(&n);
	}
}

UNIT_TEST(flags)
{
	struct net_opts n = {0};
	struct werr err = {0};

	CHECK(net_add_dns(&n, "1.1.1.1", &err) == 0 && net_add_dns(&n, "fd00::53", &err) == 0);
	CHECK(net_add_dns(&n, "none", &err) == 0 && n.dns_none);
	CHECK(net_add_dns(&n, "1.1.1", &err) < 0 && err.status == 125);
	CHECK(net_add_dns(&n, "", &err) < 0);
	CHECK(net_add_dns_search(&n, "a b", &err) < 0 && net_add_dns_search(&n, "", &err) < 0);
	CHECK(net_add_dns_option(&n, "x\ny", &err) < 0);
	CHECK(net_add_host(&n, "foo:1.2.3.4", &err) == 0);
	CHECK(net_add_host(&n, "v6:fd00::1", &err) == 0);
	CHECK(net_add_host(&n, "foo", &err) < 0 && net_add_host(&n, ":1.2.3.4", &err) < 0);
	CHECK(net_add_host(&n, "a b:1.2.3.4", &err) < 0);
	CHECK(net_add_host(&n, "foo:1.2.3.4:5", &err) < 0);
	CHECK(net_set_mac(&n, "02:42:AC:11:00:02", &err) == 0);
	CHECK(net_set_mac(&n, "02:42:ac:11:00", &err) < 0);
	CHECK(net_set_mac(&n, "02:42:ac:11:00:0g", &err) < 0);
	CHECK(net_set_mac(&n, "02-42-ac-11-00-02", &err) < 0);
	CHECK(net_set_mac(&n, "01:00:5e:00:00:01", &err) < 0);
	CHECK(net_check_flags(NET_SLIRP, &n, &err) == 0);
	CHECK(net_check_flags(NET_NONE, &n, &err) < 0 && err.status == 125);
	CHECK(net_check_flags(NET_CONTAINER, &n, &err) < 0);
	CHECK(net_check_flags(NET_PASTA, &n, &err) < 0); /* the MAC */
	net_opts_free(&n);
}

UNIT_TEST(slirp_addrs)
{
	char ip[16], gw[16], dns[16];
	int p;

	CHECK(net_slirp_addrs(NULL, ip, gw, dns, &p) == 0 && p == 24);
	CHECK_STR(ip, "10.0.2.100");
	CHECK_STR(gw, "10.0.2.2");
	CHECK_STR(dns, "10.0.2.3");
	CHECK(net_slirp_addrs("192.168.7.130/25", ip, gw, dns, &p) == 0 && p == 25);
	CHECK_STR(ip, "192.168.7.228");
	CHECK(net_slirp_addrs("10.0.2.0", ip, gw, dns, &p) < 0);
	CHECK(net_slirp_addrs("10.0.2.0/x", ip, gw, dns, &p) < 0);
}

UNIT_TEST(bridge_networks)
{
	struct net_opts n = {0}, back;
	enum net_mode m = NET_DEFAULT, m2;
	struct werr err = {0};

	CHECK(net_parse_mode("bridge", &m, &n, &err) == 0 && m == NET_BRIDGE && n.nnets == 1);
	CHECK_STR(n.nets[0].name, "podman");
	CHECK(net_parse_mode("web:ip=10.89.0.9,alias=www,alias=w2,interface_name=eth7", &m, &n,
			     &err) == 0);
	CHECK(n.nnets == 2);
	CHECK_STR(n.nets[1].ip, "10.89.0.9");
	CHECK_STR(n.nets[1].ifname, "eth7");
	CHECK(strv_len(n.nets[1].aliases) == 2);
	/* hostile or wrong: each one line, status 125 */
	static const char *const bad[] = {"web",
					  "x:ip=1.2.3",
					  "x:mac=zz",
					  "x:alias=a b",
					  "x:nope=1",
					  "x:ip=",
					  "x:interface_name=../../e",
					  "-x",
					  "a/b",
					  "host",
					  "none",
					  "container:x",
					  "slirp4netns"};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct werr e2 = {0};
		CHECK(net_parse_mode(bad[i], &m, &n, &e2) < 0 && e2.status == 125);
		CHECK(strchr(e2.msg, '\n') == NULL);
	}
	CHECK(n.nnets == 2);
	/* --ip with two networks is ambiguous; --network-alias goes to both */
	CHECK(net_set_ip(&n, "10.89.0.10", &err) == 0);
	CHECK(net_bridge_flags(m, &n, &err) < 0);
	free(n.ip);
	n.ip = NULL;
	CHECK(net_add_alias(&n, "db", &err) == 0);
	CHECK(net_bridge_flags(m, &n, &err) == 0);
	CHECK(strv_len(n.nets[0].aliases) == 1 && strv_len(n.nets[1].aliases) == 3);
	{
		struct net_opts s = {0};
		struct werr e2 = {0};
		CHECK(net_set_ip(&s, "10.0.0.1", &e2) == 0);
		CHECK(net_bridge_flags(NET_SLIRP, &s, &e2) < 0 && e2.status == 125);
		net_opts_free(&s);
	}
	n.nets[0].gateway = xstrdup("10.88.0.1");
	n.nets[0].prefix = 16;
	struct json_object *j = net_opts_to_json(m, &n);
	net_opts_from_json(j, &m2, &back);
	json_object_put(j);
	CHECK(m2 == NET_BRIDGE && back.nnets == 2 && back.nets[0].prefix == 16);
	CHECK_STR(back.nets[0].gateway, "10.88.0.1");
	CHECK_STR(back.nets[1].name, "web");
	CHECK_STR(back.nets[1].ip, "10.89.0.9");
	/* aardvark-dns on the gateway replaces the host's servers */
	n.nets[0].dns = true;
	cleanup_free char *rc =
	    net_resolv_conf("search corp\nnameserver 192.0.2.53\n", NET_BRIDGE, &n, NULL);
	CHECK_STR(rc, "search dns.podman corp\nnameserver 10.88.0.1\n");
	n.nets[0].dns = false;
	cleanup_free char *rc2 =
	    net_resolv_conf("search corp\nnameserver 192.0.2.53\n", NET_BRIDGE, &n, NULL);
	CHECK_STR(rc2, "search corp\nnameserver 192.0.2.53\n");
	net_opts_free(&n);
	net_opts_free(&back);
}

UNIT_TEST(json_round_trip)
{
	struct net_opts n = {0}, back;
	enum net_mode m = NET_DEFAULT, m2;
	struct werr err = {0};

	CHECK(net_parse_mode("slirp4netns:mtu=9000,port_handler=rootlesskit,enable_ipv6=false", &m,
			     &n, &err) == 0);
	net_set_mac(&n, "02:00:00:00:00:01", &err);
	n.no_hosts = true;
	struct json_object *j = net_opts_to_json(m, &n);
	net_opts_from_json(j, &m2, &back);
	json_object_put(j);
	CHECK(m2 == NET_SLIRP && back.mtu == 9000 && back.ipv6_off && back.no_hosts);
	CHECK_STR(back.slirp_port_handler, "rootlesskit");
	CHECK_STR(back.mac, "02:00:00:00:00:01");
	net_opts_free(&n);
	net_opts_free(&back);
}

UNIT_TEST(resolv_conf)
{
	static const char host[] = "# generated\nnameserver 127.0.0.53\nsearch lan\n"
				   "nameserver ::1\nnameserver 192.0.2.53\noptions edns0";
	struct net_opts n = {0}, f = {0};
	struct werr err = {0};
	cleanup_free char *a = net_resolv_conf(host, NET_SLIRP, &n, "10.0.2.3");
	cleanup_free char *b = net_resolv_conf(host, NET_PASTA, &n, NULL);
	cleanup_free char *c = net_resolv_conf(host, NET_HOST, &n, NULL);
	cleanup_free char *d = net_resolv_conf(NULL, NET_SLIRP, &n, "10.0.2.3");

	CHECK_STR(a, "search lan\nnameserver 10.0.2.3\nnameserver 192.0.2.53\noptions edns0\n");
	CHECK_STR(b, "search lan\nnameserver 192.0.2.53\noptions edns0\n");
	CHECK_STR(c, "search lan\nnameserver 127.0.0.53\nnameserver ::1\nnameserver "
		     "192.0.2.53\n# generated\noptions edns0\n");
	CHECK_STR(d, "nameserver 10.0.2.3\n");
	net_add_dns(&f, "9.9.9.9", &err);
	net_add_dns_search(&f, ".", &err);
	net_add_dns_option(&f, "ndots:2", &err);
	cleanup_free char *e = net_resolv_conf(host, NET_SLIRP, &f, "10.0.2.3");
	CHECK_STR(e, "nameserver 9.9.9.9\noptions ndots:2\n");
	net_opts_free(&f);
}

UNIT_TEST(hosts)
{
	struct net_opts n = {0};
	struct werr err = {0};
	cleanup_free char *a =
	    net_hosts("127.0.0.1 localhost  # me\n\n# c\n::1\tip6-localhost ip6-loopback\n", &n,
		      "192.0.2.2", "10.0.2.100", "hh", "nn");
	CHECK_STR(a, "127.0.0.1\tlocalhost\n::1\tip6-localhost ip6-loopback\n"
		     "192.0.2.2\thost.containers.internal\n10.0.2.100\thh nn\n");
	net_add_host(&n, "foo:1.2.3.4", &err);
	cleanup_free char *b = net_hosts(NULL, &n, NULL, NULL, "hh", "hh");
	CHECK_STR(b, "1.2.3.4\tfoo\n127.0.0.1\tlocalhost localhost.localdomain\n"
		     "::1\tlocalhost localhost.localdomain ip6-localhost ip6-loopback\n");
	cleanup_free char *c = net_hosts("", &n, NULL, "127.0.0.1", "hh", "hh");
	CHECK(strstr(c, "127.0.0.1\thh\n") != NULL);
	net_opts_free(&n);
}

/* netavark runs iptables from PATH: /usr/sbin and /sbin are added where an
 * ordinary user's PATH lacks them (Debian: "netavark setup: No such file or
 * directory (os error 2)") */
UNIT_TEST(netavark_path_adds_sbin)
{
	cleanup_free char *a = netavark_path("/usr/bin:/bin");
	cleanup_free char *b = netavark_path("/usr/sbin:/usr/bin:/sbin:/bin");
	cleanup_free char *c = netavark_path("/usr/sbin2:/sbin/x");
	cleanup_free char *d = netavark_path(NULL);
	cleanup_free char *f = netavark_path("/usr/bin:/sbin");

	CHECK_STR(a, "/usr/bin:/bin:/usr/sbin:/sbin");
	CHECK_STR(b, "/usr/sbin:/usr/bin:/sbin:/bin");
	CHECK_STR(c, "/usr/sbin2:/sbin/x:/usr/sbin:/sbin");
	CHECK(strstr(d, "/usr/sbin") != NULL && strstr(d, "/usr/bin") != NULL);
	CHECK_STR(f, "/usr/bin:/sbin:/usr/sbin");
}

UNIT_MAIN()
