/* netopts.c - the --network modes and the DNS, hosts and MAC flags: parsed,
 * validated (hostile input: every value ends up in a file or an argv), and
 * saved with the container as JSON. */
#include "net/net.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "net/netconf.h"

/* A bad value: the message, status 125 (Podman's for bad options). */
#define BAD(...) (werr_set(err, 0, __VA_ARGS__), werr_status(err, 125))

bool net_ip_valid(const char *s)
{
	unsigned char buf[16];

	return s && (inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1);
}

static int parse_bool(const char *v, bool *out)
{
	if (strcmp(v, "true") == 0)
		*out = true;
	else if (strcmp(v, "false") == 0)
		*out = false;
	else
		return -1;
	return 0;
}

int net_slirp_addrs(const char *cidr, char ip[16], char gw[16], char dns[16], int *prefix)
{
	cleanup_free char *c = xstrdup(cidr ? cidr : NET_SLIRP_CIDR);
	char *slash = strchr(c, '/');
	struct in_addr a;
	int64_t p;
	uint32_t base;

	if (slash == NULL)
		return -1;
	*slash = '\0';
	/* .100 must fit: at most a /25 */
	if (inet_pton(AF_INET, c, &a) != 1 || parse_int64(slash + 1, 1, 25, &p) < 0)
		return -1;
	base = ntohl(a.s_addr) & (uint32_t)(0xffffffffULL << (32 - p));
	for (int i = 0; i < 3; i++) {
		static const uint32_t host[] = {100, 2, 3};
		char *dst[] = {ip, gw, dns};
		struct in_addr x = {htonl(base + host[i])};
		if (dst[i])
			inet_ntop(AF_INET, &x, dst[i], 16);
	}
	if (prefix)
		*prefix = (int)p;
	return 0;
}

/* One K=V of slirp4netns:... */
static int slirp_option(struct net_opts *n, const char *kv, struct werr *err)
{
	const char *eq = strchr(kv, '=');
	cleanup_free char *k = eq ? xstrndup(kv, (size_t)(eq - kv)) : xstrdup(kv);
	const char *v = eq ? eq + 1 : "";
	int64_t mtu;
	bool b;

	if (strcmp(k, "allow_host_loopback") == 0 || strcmp(k, "enable_ipv6") == 0) {
		if (parse_bool(v, &b) < 0)
			return BAD("invalid value of %s: \"%s\" (true or false)", k, v);
		if (k[0] == 'a')
			n->allow_host_loopback = b;
		else
			n->ipv6_off = !b;
		n->slirp_set |= k[0] == 'a' ? NET_SLIRP_SET_LOOPBACK : NET_SLIRP_SET_IPV6;
	} else if (strcmp(k, "mtu") == 0) {
		if (parse_int64(v, 1, 65521, &mtu) < 0)
			return BAD("invalid mtu \"%s\"", v);
		n->mtu = (int)mtu;
		n->slirp_set |= NET_SLIRP_SET_MTU;
	} else if (strcmp(k, "cidr") == 0) {
		char ip[16];
		if (net_slirp_addrs(v, ip, NULL, NULL, NULL) < 0)
			return BAD("invalid cidr \"%s\"", v);
		free(n->cidr);
		n->cidr = xstrdup(v);
		n->slirp_set |= NET_SLIRP_SET_CIDR;
	} else if (strcmp(k, "outbound_addr") == 0 || strcmp(k, "outbound_addr6") == 0) {
		unsigned char buf[16];
		int af = k[13] == '6' ? AF_INET6 : AF_INET;
		char **dst = af == AF_INET6 ? &n->outbound_addr6 : &n->outbound_addr;
		if (inet_pton(af, v, buf) != 1)
			return BAD("invalid %s \"%s\": an IPv%c address", k, v,
				   af == AF_INET6 ? '6' : '4');
		free(*dst);
		*dst = xstrdup(v);
		n->slirp_set |= af == AF_INET6 ? NET_SLIRP_SET_OUTBOUND6 : NET_SLIRP_SET_OUTBOUND;
	} else if (strcmp(k, "port_handler") == 0) {
		if (strcmp(v, "rootlesskit") != 0 && strcmp(v, "slirp4netns") != 0)
			return BAD("unknown port_handler for slirp4netns: \"%s\"", v);
		/* rootlesskit: warren's own forwarder takes its place (and shows
		 * the client's address too); slirp4netns: its own handler */
		free(n->slirp_port_handler);
		n->slirp_port_handler = xstrdup(v);
		n->slirp_set |= NET_SLIRP_SET_PORT_HANDLER;
	} else {
		return BAD("unknown option for slirp4netns: \"%s\"", kv);
	}
	return 0;
}

/* containers.conf's slirp4netns options under the user's; see net.h. */
int net_slirp_defaults(struct net_opts *n, char *const *opts, struct net_opts *owned,
		       struct werr *err)
{
	unsigned take;

	for (size_t i = 0; opts && opts[i]; i++)
		if (slirp_option(owned, opts[i], err) < 0)
			return -1;
	take = owned->slirp_set & ~n->slirp_set;
	if (take & NET_SLIRP_SET_LOOPBACK)
		n->allow_host_loopback = owned->allow_host_loopback;
	if (take & NET_SLIRP_SET_IPV6)
		n->ipv6_off = owned->ipv6_off;
	if (take & NET_SLIRP_SET_MTU)
		n->mtu = owned->mtu;
	if (take & NET_SLIRP_SET_CIDR)
		n->cidr = owned->cidr;
	if (take & NET_SLIRP_SET_OUTBOUND)
		n->outbound_addr = owned->outbound_addr;
	if (take & NET_SLIRP_SET_OUTBOUND6)
		n->outbound_addr6 = owned->outbound_addr6;
	if (take & NET_SLIRP_SET_PORT_HANDLER)
		n->slirp_port_handler = owned->slirp_port_handler;
	n->slirp_set |= take;
	return 0;
}

/* pasta:ARG,ARG: pasta's own options, handed on as argv words */
static int pasta_options(struct net_opts *n, const char *opts, struct werr *err)
{
	for (const char *p = opts; p && *p;) {
		size_t len = strcspn(p, ",");
		cleanup_free char *w = xstrndup(p, len);
		if (len == 0 || strchr(w, '\n'))
			return BAD("invalid pasta option \"%s\"", w);
		n->pasta_args = strv_append(n->pasta_args, w);
		p += len + (p[len] == ',');
	}
	return 0;
}

static int mode_with_value(const char *spec, const char *word, struct net_opts *n, struct werr *err)
{
	const char *v = spec + strlen(word) + 1;

	if (*v == '\0')
		return BAD("invalid config provided: namespace mode %s requires a value",
			   strcmp(word, "ns") == 0 ? "path" : word);
	free(n->arg);
	n->arg = xstrdup(v);
	return 0;
}

static bool resolv_word(const char *v);

/* A network's name (or id): what Podman allows in one. */
static bool net_name_ok(const char *s, size_t len)
{
	if (len == 0 || len > 253 || !isalnum((unsigned char)s[0]))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return false;
	return true;
}

/* One K=V of NAME:ip=,mac=,alias=,interface_name= */
static int attach_option(struct net_attach *a, const char *kv, struct werr *err)
{
	const char *eq = strchr(kv, '=');
	cleanup_free char *k = eq ? xstrndup(kv, (size_t)(eq - kv)) : xstrdup(kv);
	const char *v = eq ? eq + 1 : NULL;
	struct net_opts tmp = {0};

	if (v == NULL || *v == '\0')
		return BAD("invalid option for network %s: \"%s\"", a->name, kv);
	if (strcmp(k, "ip") == 0) {
		if (net_set_ip(&tmp, v, err) < 0)
			return -1;
		free(a->ip);
		a->ip = steal_pointer(&tmp.ip);
	} else if (strcmp(k, "ip6") == 0) {
		if (net_set_ip6(&tmp, v, err) < 0)
			return -1;
		free(a->ip6);
		a->ip6 = steal_pointer(&tmp.ip6);
	} else if (strcmp(k, "mac") == 0) {
		if (net_set_mac(&tmp, v, err) < 0)
			return -1;
		free(a->mac);
		a->mac = steal_pointer(&tmp.mac);
	} else if (strcmp(k, "alias") == 0) {
		if (net_add_alias(&tmp, v, err) < 0)
			return -1;
		a->aliases = strv_append(a->aliases, v);
		strv_free(tmp.aliases);
	} else if (strcmp(k, "interface_name") == 0) {
		/* a Linux interface name: 1-15 bytes, no '/', no blanks */
		if (strlen(v) > 15 || strchr(v, '/') || strcmp(v, ".") == 0 ||
		    strcmp(v, "..") == 0 || !resolv_word(v))
			return BAD("invalid interface_name \"%s\"", v);
		free(a->ifname);
		a->ifname = xstrdup(v);
	} else {
		return BAD("unknown option for network %s: \"%s\"", a->name, kv);
	}
	return 0;
}

/* bridge, or the name of a network with its options */
static int bridge_network(const char *spec, const char *colon, enum net_mode *mode,
			  struct net_opts *n, struct werr *err)
{
	size_t wlen = colon ? (size_t)(colon - spec) : strlen(spec);
	struct net_attach a = {0};

	if (!net_name_ok(spec, wlen))
		return BAD("unable to find network with name or ID %s: network not found", spec);
	if (*mode != NET_DEFAULT && *mode != NET_BRIDGE) {
		cleanup_free char *m = net_mode_string(*mode, n);
		return BAD("cannot set multiple networks without bridge network mode, selected "
			   "mode %s",
			   m);
	}
	a.name = wlen == 6 && strncmp(spec, "bridge", 6) == 0 ? xstrdup(netconf_default_name())
							      : xstrndup(spec, wlen);
	for (size_t i = 0; i < n->nnets; i++)
		if (strcmp(n->nets[i].name, a.name) == 0) {
			werr_set(err, 0, "network %s is given twice", a.name);
			net_attach_free(&a);
			return werr_status(err, 125);
		}
	for (const char *p = colon ? colon + 1 : NULL; p && *p;) {
		size_t len = strcspn(p, ",");
		cleanup_free char *kv = xstrndup(p, len);
		if (attach_option(&a, kv, err) < 0) {
			net_attach_free(&a);
			return -1;
		}
		p += len + (p[len] == ',');
	}
	n->nets = xrealloc(n->nets, (n->nnets + 1) * sizeof(*n->nets));
	n->nets[n->nnets++] = a;
	*mode = NET_BRIDGE;
	return 0;
}

int net_parse_mode(const char *spec, enum net_mode *mode, struct net_opts *n, struct werr *err)
{
	static const struct {
		const char *word;
		enum net_mode mode;
	} plain[] = {{"none", NET_NONE}, {"host", NET_HOST}, {"private", NET_DEFAULT}};
	const char *colon = strchr(spec, ':');
	size_t wlen = colon ? (size_t)(colon - spec) : strlen(spec);

	if (*mode == NET_BRIDGE && !(wlen == 6 && strncmp(spec, "bridge", 6) == 0) &&
	    (strcmp(spec, "none") == 0 || strcmp(spec, "host") == 0 ||
	     strcmp(spec, "private") == 0 ||
	     (wlen == 11 && strncmp(spec, "slirp4netns", 11) == 0) ||
	     (wlen == 5 && strncmp(spec, "pasta", 5) == 0) ||
	     (colon && wlen == 9 && strncmp(spec, "container", 9) == 0) ||
	     (colon && wlen == 2 && strncmp(spec, "ns", 2) == 0)))
		return BAD("cannot set multiple networks without bridge network mode, selected "
			   "mode %.*s",
			   (int)wlen, spec);
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (strcmp(spec, plain[i].word) == 0) {
			*mode = plain[i].mode;
			return 0;
		}
	if (wlen == 11 && strncmp(spec, "slirp4netns", 11) == 0) {
		*mode = NET_SLIRP;
		for (const char *p = colon ? colon + 1 : NULL; p && *p;) {
			size_t len = strcspn(p, ",");
			cleanup_free char *kv = xstrndup(p, len);
			if (slirp_option(n, kv, err) < 0)
				return -1;
			p += len + (p[len] == ',');
		}
		return 0;
	}
	if (wlen == 5 && strncmp(spec, "pasta", 5) == 0) {
		*mode = NET_PASTA;
		return pasta_options(n, colon ? colon + 1 : NULL, err);
	}
	if (colon && wlen == 9 && strncmp(spec, "container", 9) == 0) {
		*mode = NET_CONTAINER;
		return mode_with_value(spec, "container", n, err);
	}
	if (colon && wlen == 2 && strncmp(spec, "ns", 2) == 0) {
		*mode = NET_NS;
		return mode_with_value(spec, "ns", n, err);
	}
	return bridge_network(spec, colon, mode, n, err);
}

char *net_mode_string(enum net_mode mode, const struct net_opts *n)
{
	static const char *const words[] = {
	    [NET_DEFAULT] = "private",	   [NET_NONE] = "none",
	    [NET_HOST] = "host",	   [NET_PRIVATE] = "private",
	    [NET_SLIRP] = "slirp4netns",   [NET_PASTA] = "pasta",
	    [NET_CONTAINER] = "container", [NET_NS] = "ns",
	    [NET_BRIDGE] = "bridge"};

	if ((mode == NET_CONTAINER || mode == NET_NS) && n->arg)
		return xasprintf("%s:%s", words[mode], n->arg);
	return xstrdup(words[mode]);
}

int net_add_dns(struct net_opts *n, const char *v, struct werr *err)
{
	if (strcmp(v, "none") == 0) {
		n->dns_none = true;
		return 0;
	}
	if (!net_ip_valid(v))
		return BAD("%s is not an ip address", v);
	n->dns = strv_append(n->dns, v);
	return 0;
}

/* A word of resolv.conf: no blanks, no line breaks, not empty. */
static bool resolv_word(const char *v)
{
	if (*v == '\0')
		return false;
	for (const char *p = v; *p; p++)
		if (isspace((unsigned char)*p) || (unsigned char)*p < 0x20)
			return false;
	return true;
}

int net_add_dns_search(struct net_opts *n, const char *v, struct werr *err)
{
	if (!resolv_word(v) || strlen(v) > 253)
		return BAD("invalid dns search domain \"%s\"", v);
	n->dns_search = strv_append(n->dns_search, v);
	return 0;
}

int net_add_dns_option(struct net_opts *n, const char *v, struct werr *err)
{
	if (!resolv_word(v))
		return BAD("invalid dns option \"%s\"", v);
	n->dns_option = strv_append(n->dns_option, v);
	return 0;
}

/* A host name in /etc/hosts: letters, digits, '-', '.', '_'. */
static bool host_name_ok(const char *s, size_t len)
{
	if (len == 0 || len > 253)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("-._", s[i]))
			return false;
	return true;
}

int net_add_host(struct net_opts *n, const char *v, struct werr *err)
{
	/* NAME:IP, split at the first ':' (an IPv6 address has more) */
	const char *colon = strchr(v, ':');

	if (colon == NULL)
		return BAD("bad format for add-host: \"%s\"", v);
	if (!host_name_ok(v, (size_t)(colon - v)))
		return BAD("invalid host name in add-host: \"%s\"", v);
	if (!net_ip_valid(colon + 1))
		return BAD("invalid IP address in add-host: \"%s\"", colon + 1);
	n->add_host = strv_append(n->add_host, v);
	return 0;
}

int net_set_mac(struct net_opts *n, const char *v, struct werr *err)
{
	unsigned int b[6];
	char end;

	if (strlen(v) != 17 || sscanf(v, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
				      &b[4], &b[5], &end) != 6)
		return BAD("invalid MAC address \"%s\"", v);
	for (int i = 0; i < 17; i++)
		if (i % 3 == 2 ? v[i] != ':' : !isxdigit((unsigned char)v[i]))
			return BAD("invalid MAC address \"%s\"", v);
	if (b[0] & 1)
		return BAD("invalid MAC address \"%s\": a multicast address", v);
	free(n->mac);
	n->mac = xstrdup(v);
	return 0;
}

int net_set_ip(struct net_opts *n, const char *v, struct werr *err)
{
	if (!net_ip_valid(v))
		return BAD("%s is not an ip address", v);
	free(n->ip);
	n->ip = xstrdup(v);
	return 0;
}

int net_set_ip6(struct net_opts *n, const char *v, struct werr *err)
{
	struct in6_addr a;

	if (v == NULL || inet_pton(AF_INET6, v, &a) != 1)
		return BAD("%s is not an IPv6 address", v ? v : "");
	free(n->ip6);
	n->ip6 = xstrdup(v);
	return 0;
}

int net_add_alias(struct net_opts *n, const char *v, struct werr *err)
{
	if (!host_name_ok(v, strlen(v)))
		return BAD("invalid network alias \"%s\"", v);
	n->aliases = strv_append(n->aliases, v);
	return 0;
}

int net_bridge_flags(enum net_mode mode, struct net_opts *n, struct werr *err)
{
	if (mode != NET_BRIDGE) {
		if (n->ip)
			return BAD("--ip can only be set when the network mode is bridge");
		if (n->ip6)
			return BAD("--ip6 can only be set when the network mode is bridge");
		if (n->aliases)
			return BAD("--network-alias can only be set when the network mode is "
				   "bridge");
		return 0;
	}
	if (n->nnets == 0)
		return 0;
	if (n->ip && n->nnets > 1)
		return BAD("--ip can only be set for a single network: use --network "
			   "NAME:ip=IP for each");
	if (n->mac && n->nnets > 1)
		return BAD("--mac-address can only be set for a single network: use --network "
			   "NAME:mac=MAC for each");
	if (n->ip6 && n->nnets > 1)
		return BAD("--ip6 can only be set for a single network: use --network "
			   "NAME:ip6=IP for each");
	if (n->ip) {
		free(n->nets[0].ip);
		n->nets[0].ip = xstrdup(n->ip);
	}
	if (n->ip6) {
		free(n->nets[0].ip6);
		n->nets[0].ip6 = xstrdup(n->ip6);
	}
	if (n->mac) {
		free(n->nets[0].mac);
		n->nets[0].mac = xstrdup(n->mac);
	}
	for (size_t i = 0; i < n->nnets; i++)
		for (char **a = n->aliases; a && *a; a++)
			n->nets[i].aliases = strv_append(n->nets[i].aliases, *a);
	return 0;
}

void net_attach_free(struct net_attach *a)
{
	free(a->name);
	free(a->ip);
	free(a->mac);
	strv_free(a->aliases);
	free(a->ifname);
	free(a->gateway);
	free(a->ip6);
	free(a->gateway6);
	*a = (struct net_attach){0};
}

int net_check_flags(enum net_mode mode, const struct net_opts *n, struct werr *err)
{
	bool dns = n->dns || n->dns_search || n->dns_option;
	bool own_files = mode != NET_CONTAINER;

	if (dns && (mode == NET_NONE || !own_files))
		return BAD("conflicting options: dns and the network mode: %s",
			   mode == NET_NONE ? "none" : "container");
	if (n->add_host && !own_files)
		return BAD("conflicting options: add-host and the network mode: container");
	if (n->mac && mode != NET_SLIRP && mode != NET_BRIDGE)
		return BAD("--mac-address can only be set when the network mode is "
			   "slirp4netns or bridge");
	return 0;
}

static void set_str(struct json_object *o, const char *k, const char *v)
{
	if (v)
		jset_str(o, k, v);
}

struct json_object *net_opts_to_json(enum net_mode mode, const struct net_opts *n)
{
	struct json_object *o = json_object_new_object();

	jset(o, "Mode", json_object_new_int(mode));
	set_str(o, "Arg", n->arg);
	jset(o, "AllowHostLoopback", json_object_new_boolean(n->allow_host_loopback));
	jset(o, "EnableIPv6", json_object_new_boolean(!n->ipv6_off));
	jset(o, "MTU", json_object_new_int(n->mtu));
	set_str(o, "CIDR", n->cidr);
	set_str(o, "OutboundAddr", n->outbound_addr);
	set_str(o, "OutboundAddr6", n->outbound_addr6);
	set_str(o, "slirp_port_handler", n->slirp_port_handler);
	if (n->pasta_args)
		jset(o, "PastaArgs", jnew_strv(n->pasta_args));
	set_str(o, "MacAddress", n->mac);
	jset(o, "DnsNone", json_object_new_boolean(n->dns_none));
	jset(o, "NoHosts", json_object_new_boolean(n->no_hosts));
	if (mode == NET_BRIDGE) {
		struct json_object *nets = json_object_new_object();
		for (size_t i = 0; i < n->nnets; i++) {
			const struct net_attach *a = &n->nets[i];
			struct json_object *x = json_object_new_object();
			set_str(x, "IP", a->ip);
			set_str(x, "MAC", a->mac);
			if (a->aliases)
				jset(x, "Aliases", jnew_strv(a->aliases));
			set_str(x, "Interface", a->ifname);
			set_str(x, "Gateway", a->gateway);
			jset(x, "PrefixLen", json_object_new_int(a->prefix));
			set_str(x, "IP6", a->ip6);
			set_str(x, "Gateway6", a->gateway6);
			if (a->ip6)
				jset(x, "PrefixLen6", json_object_new_int(a->prefix6));
			jset(x, "DNS", json_object_new_boolean(a->dns));
			jset(nets, a->name, x);
		}
		jset(o, "Networks", nets);
	}
	return o;
}

void net_opts_from_json(struct json_object *j, enum net_mode *mode, struct net_opts *n)
{
	struct json_object *v;

	*n = (struct net_opts){0};
	*mode = json_object_get_int(jget(j, "Mode"));
	n->arg = jstrdup(j, "Arg");
	n->allow_host_loopback = json_object_get_boolean(jget(j, "AllowHostLoopback"));
	v = jget(j, "EnableIPv6");
	n->ipv6_off = v && !json_object_get_boolean(v);
	n->mtu = json_object_get_int(jget(j, "MTU"));
	n->cidr = jstrdup(j, "CIDR");
	n->outbound_addr = jstrdup(j, "OutboundAddr");
	n->outbound_addr6 = jstrdup(j, "OutboundAddr6");
	n->slirp_port_handler = jstrdup(j, "slirp_port_handler");
	n->pasta_args = jget(j, "PastaArgs") ? jstrv(jget(j, "PastaArgs")) : NULL;
	n->mac = jstrdup(j, "MacAddress");
	n->dns_none = json_object_get_boolean(jget(j, "DnsNone"));
	n->no_hosts = json_object_get_boolean(jget(j, "NoHosts"));
	if (*mode == NET_BRIDGE && json_object_is_type(jget(j, "Networks"), json_type_object)) {
		struct json_object *nets = jget(j, "Networks");
		n->nets = xcalloc((size_t)json_object_object_length(nets) + 1, sizeof(*n->nets));
		json_object_object_foreach(nets, k, x)
		{
			struct net_attach *a = &n->nets[n->nnets++];
			a->name = xstrdup(k);
			a->ip = jstrdup(x, "IP");
			a->mac = jstrdup(x, "MAC");
			a->aliases = jget(x, "Aliases") ? jstrv(jget(x, "Aliases")) : NULL;
			a->ifname = jstrdup(x, "Interface");
			a->gateway = jstrdup(x, "Gateway");
			a->prefix = json_object_get_int(jget(x, "PrefixLen"));
			a->ip6 = jstrdup(x, "IP6");
			a->gateway6 = jstrdup(x, "Gateway6");
			a->prefix6 = json_object_get_int(jget(x, "PrefixLen6"));
			a->dns = json_object_get_boolean(jget(x, "DNS"));
		}
	}
}

void net_opts_free(struct net_opts *n)
{
	free(n->arg);
	free(n->cidr);
	free(n->outbound_addr);
	free(n->outbound_addr6);
	free(n->slirp_port_handler);
	strv_free(n->pasta_args);
	free(n->mac);
	strv_free(n->dns);
	strv_free(n->dns_search);
	strv_free(n->dns_option);
	strv_free(n->add_host);
	for (size_t i = 0; i < n->nnets; i++)
		net_attach_free(&n->nets[i]);
	free(n->nets);
	free(n->ip);
	free(n->ip6);
	strv_free(n->aliases);
	*n = (struct net_opts){0};
}
