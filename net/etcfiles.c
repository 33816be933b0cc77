/* etcfiles.c - the /etc/resolv.conf and /etc/hosts a container gets, in the
 * shape Podman 4 writes them (checked against `podman run` on the same
 * host: tests/bats/190-network.bats). */
#include "net/net.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cleanup.h"
#include "lib/util.h"

/* A growing text. */
struct text {
	char *s;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct text *t, const char *fmt, ...)
{
	char *line = NULL, *n;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		abort();
	va_end(ap);
	n = xasprintf("%s%s", t->s ? t->s : "", line);
	free(t->s);
	free(line);
	t->s = n;
}

/* The value after the keyword of a resolv.conf line, or NULL when the line
 * has another keyword. */
static const char *keyword(const char *line, const char *kw)
{
	const char *v = line + strspn(line, " \t");
	size_t n = strlen(kw);

	if (strncmp(v, kw, n) != 0 || (v[n] != ' ' && v[n] != '\t'))
		return NULL;
	return v + n + strspn(v + n, " \t");
}

static bool loopback(const char *addr)
{
	return str_has_prefix(addr, "127.") || str_has_prefix(addr, "::1");
}

char *net_resolv_conf(const char *host, enum net_mode mode, const struct net_opts *n,
		      const char *dns_fwd)
{
	struct text out = {NULL}, ns = {NULL}, rest = {NULL};
	cleanup_free char *search = NULL, *options = NULL;
	/* bridge networks with DNS: aardvark-dns on their gateways answers
	 * for the containers' names and asks the host's servers for the rest */
	bool aardvark = false;

	for (size_t i = 0; mode == NET_BRIDGE && i < n->nnets; i++)
		if (n->nets[i].dns && n->nets[i].gateway) {
			if (!n->dns)
				add(&ns, "nameserver %s\n", n->nets[i].gateway);
			aardvark = true;
		}
	if (n->dns)
		for (char **d = n->dns; *d; d++)
			add(&ns, "nameserver %s\n", *d);
	else if (dns_fwd)
		add(&ns, "nameserver %s\n", dns_fwd);
	for (const char *p = host; p && *p;) {
		size_t len = strcspn(p, "\n");
		cleanup_free char *line = xstrndup(p, len);
		const char *v;
		p += len + (p[len] == '\n');
		if ((v = keyword(line, "nameserver")) != NULL) {
			if (!n->dns && !aardvark && (mode == NET_HOST || !loopback(v)))
				add(&ns, "%s\n", line);
		} else if ((v = keyword(line, "search")) != NULL) {
			free(search);
			search = xstrdup(v);
		} else if ((v = keyword(line, "options")) != NULL) {
			free(options);
			options = xstrdup(v);
		} else if (line[0] != '\0' && mode == NET_HOST) {
			add(&rest, "%s\n", line);
		}
	}
	if (n->dns_search) {
		free(search);
		search = strcmp(n->dns_search[0], ".") == 0 ? NULL : strv_join(n->dns_search, " ");
	} else if (aardvark) {
		char *s2 = xasprintf("dns.podman%s%s", search ? " " : "", search ? search : "");
		free(search);
		search = s2;
	}
	if (n->dns_option) {
		free(options);
		options = strv_join(n->dns_option, " ");
	}
	if (search && *search)
		add(&out, "search %s\n", search);
	add(&out, "%s%s", ns.s ? ns.s : "", rest.s ? rest.s : "");
	if (options && *options)
		add(&out, "options %s\n", options);
	free(ns.s);
	free(rest.s);
	return out.s ? out.s : xstrdup("");
}

/* The entries of the host's /etc/hosts, rewritten "IP<tab>NAME NAME..."
 * as Podman does (comments and blank lines dropped). Returns how many. */
static int add_host_file(struct text *out, const char *text)
{
	int n = 0;

	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		cleanup_free char *line = xstrndup(p, len);
		char *save = NULL, *ip, *name;
		p += len + (p[len] == '\n');
		line[strcspn(line, "#")] = '\0';
		ip = strtok_r(line, " \t", &save);
		name = ip ? strtok_r(NULL, " \t", &save) : NULL;
		if (name == NULL)
			continue;
		add(out, "%s\t%s", ip, name);
		while ((name = strtok_r(NULL, " \t", &save)) != NULL)
			add(out, " %s", name);
		add(out, "\n");
		n++;
	}
	return n;
}

char *net_hosts(const char *host_hosts, const struct net_opts *n, const char *host_ip,
		const char *ctr_ip, const char *hostname, const char *name)
{
	struct text out = {NULL};

	for (char **h = n->add_host; h && *h; h++) {
		const char *colon = strchr(*h, ':');
		cleanup_free char *nm = xstrndup(*h, (size_t)(colon - *h));
		add(&out, "%s\t%s\n", colon + 1, nm);
	}
	if (host_hosts == NULL || add_host_file(&out, host_hosts) == 0)
		add(&out, "127.0.0.1\tlocalhost localhost.localdomain\n"
			  "::1\tlocalhost localhost.localdomain ip6-localhost ip6-loopback\n");
	if (host_ip)
		add(&out, "%s\thost.containers.internal\n", host_ip);
	if (ctr_ip && name && strcmp(name, hostname) != 0) {
		cleanup_free char *names = xasprintf("%s %s", hostname, name);
		add(&out, "%s\t%s\n", ctr_ip, names);
	} else if (ctr_ip) {
		add(&out, "%s\t%s\n", ctr_ip, hostname);
	}
	return out.s;
}

bool net_host_ip(char out[16])
{
	struct ifaddrs *ifa = NULL;
	bool found = false;

	if (getifaddrs(&ifa) < 0)
		return false;
	for (struct ifaddrs *i = ifa; i && !found; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET ||
		    (i->ifa_flags & IFF_LOOPBACK) || !(i->ifa_flags & IFF_UP))
			continue;
		found = inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, out,
				  16) != NULL;
	}
	freeifaddrs(ifa);
	return found;
}
