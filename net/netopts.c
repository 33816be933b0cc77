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
	} else if (strcmp(k, "mtu") == 0) {
		if (parse_int64(v, 1, 65521, &mtu) < 0)
			return BAD("invalid mtu \"%s\"", v);
		n->mtu = (int)mtu;
	} else if (strcmp(k, "cidr") == 0) {
		char ip[16];
		if (net_slirp_addrs(v, ip, NULL, NULL, NULL) < 0)
			return BAD("invalid cidr \"%s\"", v);
		free(n->cidr);
		n->cidr = xstrdup(v);
	} else if (strcmp(k, "outbound_addr") == 0 || strcmp(k, "outbound_addr6") == 0) {
		unsigned char buf[16];
		int af = k[13] == '6' ? AF_INET6 : AF_INET;
		char **dst = af == AF_INET6 ? &n->outbound_addr6 : &n->outbound_addr;
		if (inet_pton(af, v, buf) != 1)
			return BAD("invalid %s \"%s\": an IPv%c address", k, v,
				   af == AF_INET6 ? '6' : '4');
		free(*dst);
		*dst = xstrdup(v);
	} else if (strcmp(k, "port_handler") == 0) {
		if (strcmp(v, "rootlesskit") != 0 && strcmp(v, "slirp4netns") != 0)
			return BAD("unknown port_handler for slirp4netns: \"%s\"", v);
		/* warren's own forwarder takes rootlesskit's place (and shows the
		 * client's address too); slirp4netns's handler is not driven yet */
		if (strcmp(v, "slirp4netns") == 0)
			return BAD(
			    "port_handler=slirp4netns is not supported yet: warren's own "
			    "forwarder (port_handler=rootlesskit, the default) publishes the "
			    "ports and shows the client's address");
		free(n->slirp_port_handler);
		n->slirp_port_handler = xstrdup(v);
	} else {
		return BAD("unknown option for slirp4netns: \"%s\"", kv);
	}
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

int net_parse_mode(const char *spec, enum net_mode *mode, struct net_opts *n, struct werr *err)
{
	static const struct {
		const char *word;
		enum net_mode mode;
	} plain[] = {{"none", NET_NONE}, {"host", NET_HOST}, {"private", NET_DEFAULT}};
	const char *colon = strchr(spec, ':');
	size_t wlen = colon ? (size_t)(colon - spec) : strlen(spec);

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
	if (strcmp(spec, "bridge") == 0)
		return BAD("network mode \"bridge\" is not supported yet: use slirp4netns, "
			   "pasta, none or host");
	return BAD("unable to find network with name or ID %s: network not found", spec);
}

char *net_mode_string(enum net_mode mode, const struct net_opts *n)
{
	static const char *const words[] = {
	    [NET_DEFAULT] = "private",	   [NET_NONE] = "none",
	    [NET_HOST] = "host",	   [NET_PRIVATE] = "private",
	    [NET_SLIRP] = "slirp4netns",   [NET_PASTA] = "pasta",
	    [NET_CONTAINER] = "container", [NET_NS] = "ns"};

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

int net_check_flags(enum net_mode mode, const struct net_opts *n, struct werr *err)
{
	bool dns = n->dns || n->dns_search || n->dns_option;
	bool own_files = mode != NET_CONTAINER;

	if (dns && (mode == NET_NONE || !own_files))
		return BAD("conflicting options: dns and the network mode: %s",
			   mode == NET_NONE ? "none" : "container");
	if (n->add_host && !own_files)
		return BAD("conflicting options: add-host and the network mode: container");
	if (n->mac && mode != NET_SLIRP)
		return BAD("--mac-address can only be set when the network mode is "
			   "slirp4netns");
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
	return o;
}

void net_opts_from_json(struct json_object *j, enum net_mode *mode, struct net_opts *n)
{
	struct json_object *v;

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
	*n = (struct net_opts){0};
}
