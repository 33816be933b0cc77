/* ports.c - published ports: parsing, JSON, host listeners (see ports.h).
 * Error texts and JSON shapes are Podman 4.3's as it prints them. */
#include "runtime/ports.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/util.h"
#include "runtime/spec.h"

/* a bad value: the message, status 125 (Podman's for bad options) */
#define BAD(err, ...) (werr_set(err, 0, __VA_ARGS__), werr_status(err, 125))

/* One port number: Podman's messages (its strconv error quoted). */
static int parse_port(const char *s, const char *ctx, uint16_t *out, struct werr *err)
{
	char *end;
	long v;

	if (*s == '\0' || *s == '+' || *s == '-') {
		werr_set(err, 0,
			 "%sinvalid port number: strconv.Atoi: parsing \"%s\": invalid syntax", ctx,
			 s);
		return werr_status(err, 125);
	}
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0' || errno) {
		werr_set(err, 0,
			 "%sinvalid port number: strconv.Atoi: parsing \"%s\": invalid syntax", ctx,
			 s);
		return werr_status(err, 125);
	}
	if (v < 1 || v > 65535) {
		werr_set(err, 0, "%sport numbers must be between 1 and 65535 (inclusive), got %ld",
			 ctx, v);
		return werr_status(err, 125);
	}
	*out = (uint16_t)v;
	return 0;
}

/* "A" or "A-B" -> start and length */
static int parse_range(const char *s, const char *ctx, uint16_t *start, uint16_t *len,
		       struct werr *err)
{
	const char *dash = strchr(s, '-');
	cleanup_free char *a = dash ? xstrndup(s, (size_t)(dash - s)) : xstrdup(s);
	uint16_t end;

	if (dash && strchr(dash + 1, '-'))
		return BAD(
		    err, "%sinvalid port format - port ranges are formatted as startPort-stopPort",
		    ctx);
	if (parse_port(a, ctx, start, err) < 0)
		return -1;
	*len = 1;
	if (!dash)
		return 0;
	if (parse_port(dash + 1, ctx, &end, err) < 0)
		return -1;
	if (end <= *start) {
		werr_set(err, 0,
			 "%sthe end port of a range must be higher than the start port - %u is not "
			 "higher than %u",
			 ctx, end, *start);
		return werr_status(err, 125);
	}
	*len = (uint16_t)(end - *start + 1);
	return 0;
}

static int parse_proto(const char *p, char out[4], struct werr *err)
{
	if (strcmp(p, "tcp") != 0 && strcmp(p, "udp") != 0) {
		werr_set(err, 0, "unrecognized protocol \"%s\" in port mapping", p);
		if (strcmp(p, "sctp") == 0)
			werr_set(err, 0,
				 "protocol \"sctp\" in port mapping: warren forwards tcp and udp");
		return werr_status(err, 125);
	}
	snprintf(out, 4, "%s", p);
	return 0;
}

/* the IP part: "[v6]" or an IPv4 literal */
static int parse_ip(const char *ip, char out[48], struct werr *err)
{
	unsigned char buf[16];
	size_t n = strlen(ip);

	if (n == 0)
		return BAD(err, "must provide a non-empty container host IP to publish");
	if (ip[0] == '[' && ip[n - 1] == ']' && n - 2 < 48) {
		snprintf(out, 48, "%.*s", (int)(n - 2), ip + 1);
		if (inet_pton(AF_INET6, out, buf) == 1)
			return 0;
	} else if (n < 48 &&
		   (inet_pton(AF_INET, ip, buf) == 1 || inet_pton(AF_INET6, ip, buf) == 1)) {
		snprintf(out, 48, "%s", ip);
		return 0;
	}
	werr_set(err, 0, "cannot parse \"%s\" as an IP address", ip);
	return werr_status(err, 125);
}

/* splits "[::1]:8080:80" or "1.2.3.4:8080:80" at its colons; an IPv6
 * address only in brackets (Podman's rule) */
static size_t split_colons(char *s, char *parts[4])
{
	size_t n = 0;
	char *p = s;

	if (*s == '[') {
		char *close = strchr(s, ']');
		if (close && close[1] == ':') {
			parts[n++] = s;
			close[1] = '\0';
			p = close + 2;
		}
	}
	parts[n++] = p;
	for (char *c = strchr(p, ':'); c; c = strchr(c + 1, ':')) {
		*c = '\0';
		if (n == 4)
			return 5;
		parts[n++] = c + 1;
	}
	return n;
}

int ports_parse(const char *spec, struct port_map *out, struct werr *err)
{
	cleanup_free char *s = xstrdup(spec);
	char *slash = strchr(s, '/'), *parts[4];
	struct port_map m = {.proto = "tcp"};
	uint16_t hlen = 0;
	size_t n;

	if (slash) {
		*slash = '\0';
		if (strchr(slash + 1, '/'))
			return BAD(err,
				   "invalid port format - protocol can only be specified once");
		if (parse_proto(slash + 1, m.proto, err) < 0)
			return -1;
	}
	n = split_colons(s, parts);
	if (n > 3)
		return BAD(err,
			   "invalid port format - format is [[hostIP:]hostPort:]containerPort");
	if (*parts[n - 1] == '\0')
		return BAD(err, "must provide a non-empty container port to publish");
	if (parse_range(parts[n - 1], "parsing container port: ", &m.ctr_port, &m.range, err) < 0)
		return -1;
	if (n == 3 && parse_ip(parts[0], m.host_ip, err) < 0)
		return -1;
	if (n >= 2 && *parts[n - 2] != '\0') {
		if (parse_range(parts[n - 2], "parsing host port: ", &m.host_port, &hlen, err) < 0)
			return -1;
		if (hlen != m.range)
			return BAD(
			    err, "host and container port ranges have different lengths: %u vs %u",
			    hlen, m.range);
		if ((unsigned)m.host_port + m.range - 1 > 65535)
			return BAD(err, "host port range %s goes past 65535", spec);
	}
	if ((unsigned)m.ctr_port + m.range - 1 > 65535)
		return BAD(err, "container port range %s goes past 65535", spec);
	*out = m;
	return 0;
}

int ports_parse_expose(const char *spec, char ***out, struct werr *err)
{
	cleanup_free char *s = xstrdup(spec);
	char *slash = strchr(s, '/'), proto[4] = "tcp";
	const char *dash;
	int64_t a, b;

	if (slash) {
		*slash = '\0';
		if (parse_proto(slash + 1, proto, err) < 0)
			return -1;
	}
	dash = strchr(s, '-');
	cleanup_free char *first = dash ? xstrndup(s, (size_t)(dash - s)) : xstrdup(s);
	if (parse_int64(first, 0, INT64_MAX, &a) < 0 ||
	    (dash && parse_int64(dash + 1, 0, INT64_MAX, &b) < 0)) {
		werr_set(
		    err, 0,
		    "invalid range format for --expose: %s: strconv.ParseUint: parsing \"%s\": "
		    "invalid syntax",
		    spec, dash && parse_int64(first, 0, INT64_MAX, &a) == 0 ? dash + 1 : first);
		return werr_status(err, 125);
	}
	if (!dash)
		b = a;
	if (a < 1 || a > 65535 || b < 1 || b > 65535)
		return BAD(err, "port numbers must be between 1 and 65535 (inclusive), got %lld",
			   (long long)(a < 1 || a > 65535 ? a : b));
	if (b < a)
		return BAD(err, "invalid range format for --expose: %s", spec);
	if (b - a >= PORTS_MAX)
		return BAD(err, "--expose %s: more than %d ports", spec, PORTS_MAX);
	for (int64_t p = a; p <= b; p++) {
		cleanup_free char *k = xasprintf("%lld/%s", (long long)p, proto);
		if (!strv_contains(*out, k))
			*out = strv_append(*out, k);
	}
	return 0;
}

/* a free port of the kernel's choice for the map's address and protocol */
static int random_port(struct port_map *m, struct werr *err)
{
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6};
	struct sockaddr_in a4 = {.sin_family = AF_INET};
	bool v6 = strchr(m->host_ip, ':') != NULL;
	socklen_t len = v6 ? sizeof(a6) : sizeof(a4);
	struct sockaddr *a = v6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a4;
	cleanup_close int fd =
	    socket(v6 ? AF_INET6 : AF_INET,
		   (strcmp(m->proto, "udp") == 0 ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);

	if (v6)
		inet_pton(AF_INET6, m->host_ip, &a6.sin6_addr);
	else if (m->host_ip[0])
		inet_pton(AF_INET, m->host_ip, &a4.sin_addr);
	if (fd < 0 || bind(fd, a, len) < 0 || getsockname(fd, a, &len) < 0)
		return werr_set(err, errno, "pick a random host port");
	m->host_port = ntohs(v6 ? a6.sin6_port : a4.sin_port);
	return 0;
}

int ports_assign_random(struct port_map *maps, size_t n, struct werr *err)
{
	for (size_t i = 0; i < n; i++) {
		if (maps[i].host_port != 0)
			continue;
		/* a range gets consecutive ports from the first one's up */
		if (random_port(&maps[i], err) < 0)
			return -1;
		if ((unsigned)maps[i].host_port + maps[i].range - 1 > 65535)
			maps[i].host_port = (uint16_t)(65535 - maps[i].range + 1);
	}
	return 0;
}

static bool published(const struct port_map *maps, size_t n, unsigned port, const char *proto)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(maps[i].proto, proto) == 0 && port >= maps[i].ctr_port &&
		    port < (unsigned)maps[i].ctr_port + maps[i].range)
			return true;
	return false;
}

void ports_publish_all(char *const *exposed, struct port_map **maps, size_t *n)
{
	for (size_t i = 0; exposed && exposed[i]; i++) {
		unsigned port = 0;
		char proto[8] = "tcp";
		if (sscanf(exposed[i], "%u/%7s", &port, proto) < 1 || port < 1 || port > 65535 ||
		    (strcmp(proto, "tcp") != 0 && strcmp(proto, "udp") != 0) ||
		    published(*maps, *n, port, proto))
			continue;
		*maps = xrealloc(*maps, (*n + 1) * sizeof(**maps));
		(*maps)[*n] = (struct port_map){.ctr_port = (uint16_t)port, .range = 1};
		snprintf((*maps)[*n].proto, 4, "%s", proto);
		(*n)++;
	}
}

struct json_object *ports_to_json(const struct port_map *maps, size_t n)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		/* Podman's PortMapping, in its key order */
		jset_str(o, "host_ip", maps[i].host_ip);
		jset(o, "container_port", json_object_new_int(maps[i].ctr_port));
		jset(o, "host_port", json_object_new_int(maps[i].host_port));
		jset(o, "range", json_object_new_int(maps[i].range));
		jset_str(o, "protocol", maps[i].proto);
		json_object_array_add(a, o);
	}
	return a;
}

size_t ports_from_json(struct json_object *arr, struct port_map **out)
{
	size_t n = jlen(arr), k = 0;
	struct port_map *m = n ? xcalloc(n, sizeof(*m)) : NULL;

	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		int cp = json_object_get_int(jget(o, "container_port"));
		int hp = json_object_get_int(jget(o, "host_port"));
		int r = json_object_get_int(jget(o, "range"));
		const char *proto = jstr(o, "protocol"), *ip = jstr(o, "host_ip");
		if (cp < 1 || cp > 65535 || hp < 0 || hp > 65535 || r < 1 || cp + r - 1 > 65535 ||
		    !proto || (strcmp(proto, "tcp") != 0 && strcmp(proto, "udp") != 0))
			continue;
		m[k] = (struct port_map){
		    .ctr_port = (uint16_t)cp, .host_port = (uint16_t)hp, .range = (uint16_t)r};
		snprintf(m[k].proto, 4, "%s", proto);
		snprintf(m[k].host_ip, sizeof(m[k].host_ip), "%s", ip ? ip : "");
		k++;
	}
	*out = m;
	return k;
}

struct json_object *ports_bindings_json(const struct port_map *maps, size_t n,
					struct json_object *exposed)
{
	struct json_object *o = json_object_new_object();

	for (size_t i = 0; i < n; i++)
		for (unsigned j = 0; j < maps[i].range; j++) {
			char key[16], hp[8];
			struct json_object *b = json_object_new_object(), *arr;
			snprintf(key, sizeof(key), "%u/%s", maps[i].ctr_port + j, maps[i].proto);
			snprintf(hp, sizeof(hp), "%u", maps[i].host_port + j);
			jset_str(b, "HostIp", maps[i].host_ip);
			jset_str(b, "HostPort", hp);
			arr = jget(o, key);
			if (arr == NULL) {
				arr = json_object_new_array();
				jset(o, key, arr);
			}
			json_object_array_add(arr, b);
		}
	if (exposed && json_object_is_type(exposed, json_type_object)) {
		json_object_object_foreach(exposed, k, v)
		{
			(void)v;
			if (jget(o, k) == NULL)
				jset(o, k, NULL);
		}
	}
	return o;
}

/* Podman's ps order: by protocol, then container port */
static int cmp_map(const void *a, const void *b)
{
	const struct port_map *x = a, *y = b;
	int c = strcmp(x->proto, y->proto);

	return c ? c : (int)x->ctr_port - (int)y->ctr_port;
}

char *ports_ps_string(const struct port_map *maps, size_t n)
{
	cleanup_free struct port_map *s = n ? xcalloc(n, sizeof(*s)) : NULL;
	char *out = xstrdup("");

	if (n) { /* qsort(NULL, 0) is undefined */
		memcpy(s, maps, n * sizeof(*s));
		qsort(s, n, sizeof(*s), cmp_map);
	}
	for (size_t i = 0; i < n; i++) {
		const char *ip = s[i].host_ip[0] ? s[i].host_ip : "0.0.0.0";
		char *next;
		if (s[i].range == 1)
			next = xasprintf("%s%s%s:%u->%u/%s", out, i ? ", " : "", ip, s[i].host_port,
					 s[i].ctr_port, s[i].proto);
		else
			next = xasprintf("%s%s%s:%u-%u->%u-%u/%s", out, i ? ", " : "", ip,
					 s[i].host_port, s[i].host_port + s[i].range - 1,
					 s[i].ctr_port, s[i].ctr_port + s[i].range - 1, s[i].proto);
		free(out);
		out = next;
	}
	return out;
}

/* The failure of bind() on a host port as Podman reports it, with the
 * sysctl to change when the port is privileged. */
static int listen_error(const struct port_map *m, unsigned port, int e, struct werr *err)
{
	cleanup_free char *s =
	    read_file_at(-1, "/proc/sys/net/ipv4/ip_unprivileged_port_start", NULL, NULL);
	long start = s ? strtol(s, NULL, 10) : 1024;
	const char *ip = m->host_ip[0] ? m->host_ip : "0.0.0.0";
	bool v6 = strchr(ip, ':') != NULL;

	if ((e == EACCES || e == EPERM) && (long)port < start)
		werr_set(
		    err, 0,
		    "cannot expose privileged port %u, you can add "
		    "'net.ipv4.ip_unprivileged_port_start=%u' to /etc/sysctl.conf (currently %ld), "
		    "or choose a larger port number (>= %ld): listen %s %s%s%s:%u: bind: %s",
		    port, port, start, start, m->proto, v6 ? "[" : "", ip, v6 ? "]" : "", port,
		    "permission denied");
	else
		werr_set(err, 0, "listen %s %s%s%s:%u: bind: %s", m->proto, v6 ? "[" : "", ip,
			 v6 ? "]" : "", port,
			 e == EADDRINUSE ? "address already in use" : strerror(e));
	return werr_status(err, 126);
}

static int listen_one(const struct port_map *m, unsigned port, struct port_listener *l,
		      struct werr *err)
{
	bool udp = strcmp(m->proto, "udp") == 0, v6 = strchr(m->host_ip, ':') != NULL;
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
	struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int one = 1, fd;

	if (v6)
		inet_pton(AF_INET6, m->host_ip, &a6.sin6_addr);
	else if (m->host_ip[0])
		inet_pton(AF_INET, m->host_ip, &a4.sin_addr);
	fd = socket(v6 ? AF_INET6 : AF_INET,
		    (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return werr_set(err, errno, "socket");
	/* TCP: a port in TIME_WAIT after the last run is free to take */
	if (!udp)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if ((v6 ? bind(fd, (struct sockaddr *)&a6, sizeof(a6))
		: bind(fd, (struct sockaddr *)&a4, sizeof(a4))) < 0 ||
	    (!udp && listen(fd, 128) < 0)) {
		int e = errno;
		close(fd);
		return listen_error(m, port, e, err);
	}
	*l = (struct port_listener){.fd = fd,
				    .udp = udp,
				    .v6 = v6,
				    .ctr_port = (uint16_t)(m->ctr_port + (port - m->host_port))};
	return 0;
}

int ports_listen(const struct port_map *maps, size_t n, struct port_listener **out, size_t *nout,
		 struct werr *err)
{
	size_t total = 0, k = 0;
	struct port_listener *l;

	for (size_t i = 0; i < n; i++)
		total += maps[i].range;
	if (total > PORTS_MAX) {
		werr_set(err, 0, "%zu published ports: warren forwards at most %d per container",
			 total, PORTS_MAX);
		return werr_status(err, 125);
	}
	l = xcalloc(total ? total : 1, sizeof(*l));
	for (size_t i = 0; i < n; i++)
		for (unsigned j = 0; j < maps[i].range; j++, k++)
			if (listen_one(&maps[i], maps[i].host_port + j, &l[k], err) < 0) {
				ports_listeners_free(l, k);
				return -1;
			}
	*out = l;
	*nout = total;
	return 0;
}

void ports_listeners_free(struct port_listener *l, size_t n)
{
	for (size_t i = 0; l && i < n; i++)
		if (l[i].fd >= 0)
			close(l[i].fd);
	free(l);
}

char *ports_fwd_params(const struct port_listener *l, size_t n, const int *fds)
{
	char *s = xstrdup("");

	for (size_t i = 0; i < n; i++) {
		char *next = xasprintf("%sfwd=%s:%d:%u:%d\n", s, l[i].udp ? "udp" : "tcp", fds[i],
				       l[i].ctr_port, l[i].v6 ? 6 : 4);
		free(s);
		s = next;
	}
	return s;
}

/* o's keys sorted, as Go marshals a map (o is consumed) */
static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static struct json_object *sorted(struct json_object *o)
{
	cleanup_strv char **keys = NULL;
	struct json_object *out = json_object_new_object();

	json_object_object_foreach(o, k, v)
	{
		(void)v;
		keys = strv_append(keys, k);
	}
	if (keys)
		qsort(keys, strv_len(keys), sizeof(char *), cmp_key);
	for (size_t i = 0; keys && keys[i]; i++)
		jset(out, keys[i], json_object_get(jget(o, keys[i])));
	json_object_put(o);
	return out;
}

void ports_create_config(const struct run_opts *o, const char *image_config, struct json_object *j)
{
	cleanup_json struct json_object *img =
	    image_config ? json_tokener_parse(image_config) : NULL;
	struct json_object *iexp = jget(jget(img, "config"), "ExposedPorts");
	struct json_object *exposed = json_object_new_object();
	cleanup_strv char **keys = NULL;
	cleanup_free struct port_map *maps = NULL;
	size_t n = o->nports;
	struct werr ignore = {0};

	if (iexp && json_object_is_type(iexp, json_type_object)) {
		json_object_object_foreach(iexp, k, v)
		{
			(void)v;
			keys = strv_append(keys, k);
		}
	}
	for (size_t i = 0; o->expose && o->expose[i]; i++)
		if (!strv_contains(keys, o->expose[i]))
			keys = strv_append(keys, o->expose[i]);
	for (size_t i = 0; keys && keys[i]; i++)
		jset(exposed, keys[i], json_object_new_object());
	if (n) {
		maps = xcalloc(n, sizeof(*maps));
		memcpy(maps, o->ports, n * sizeof(*maps));
	}
	if (o->publish_all)
		ports_publish_all(keys, &maps, &n);
	if (n && (o->net == NET_HOST || o->net == NET_NONE)) {
		log_warn(
		    "Port mappings have been discarded as one of the Host, Container, Pod, and "
		    "None network modes are in use");
		n = 0;
	}
	/* a random port cannot fail short of fd exhaustion: then the start
	 * binds port 0 again and says so */
	ports_assign_random(maps, n, &ignore);
	/* stored sorted, as ps shows them (Podman's JSON order varies: a Go map) */
	if (n)
		qsort(maps, n, sizeof(*maps), cmp_map);
	jset(j, "PortMappings", ports_to_json(maps, n));
	jset(j, "ExposedPorts", sorted(exposed));
	jset(jget(j, "HostConfig"), "PortBindings",
	     sorted(ports_bindings_json(maps, n, jget(j, "ExposedPorts"))));
	jset(jget(j, "HostConfig"), "PublishAllPorts", json_object_new_boolean(o->publish_all));
}

size_t ports_of_config(const char *config, struct port_map **out)
{
	cleanup_json struct json_object *j = config ? json_tokener_parse(config) : NULL;

	return ports_from_json(jget(j, "PortMappings"), out);
}

char **ports_port_lines(const struct port_map *maps, size_t n, const char *only)
{
	cleanup_free struct port_map *s = n ? xcalloc(n, sizeof(*s)) : NULL;
	char **out = NULL;

	if (n) { /* qsort(NULL, 0) is undefined */
		memcpy(s, maps, n * sizeof(*s));
		qsort(s, n, sizeof(*s), cmp_map);
	}
	for (size_t i = 0; i < n; i++)
		for (unsigned j = 0; j < s[i].range; j++) {
			char key[16];
			cleanup_free char *line = NULL;
			const char *ip = s[i].host_ip[0] ? s[i].host_ip : "0.0.0.0";
			snprintf(key, sizeof(key), "%u/%s", s[i].ctr_port + j, s[i].proto);
			if (only && strcmp(only, key) != 0)
				continue;
			line = only ? xasprintf("%s:%u", ip, s[i].host_port + j)
				    : xasprintf("%s -> %s:%u", key, ip, s[i].host_port + j);
			out = strv_append(out, line);
		}
	return out;
}
