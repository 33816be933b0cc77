/* netconf.c - bridge network definitions: Podman 4.3's JSON files (one per
 * network, <dir>/<name>.json), the built-in default network, the choice of
 * a free subnet and bridge name, and address management. See netconf.h.
 *
 * The files come from the user's own directory, but a file may still be
 * hand-edited, truncated or planted (a symlink): every one is read without
 * following symlinks, size-capped and validated field by field; a bad one
 * is skipped with a warning when listing, as Podman does. */
#include "net/netconf.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/util.h"

/* A network file is a few hundred bytes; anything near this is not one. */
#define NETCONF_FILE_MAX (1 << 20)
/* "<name>.json" must fit a file name (255 bytes): Podman has no limit of
 * its own and fails with ENAMETOOLONG, warren says so before. */
#define NETCONF_NAME_MAX 250
/* a network file being written (renamed to <name>.json when complete) */
#define TEMP_PREFIX ".tmp-net-"
/* Podman's pool for new networks: 10.89.0.0/24, 10.89.1.0/24 ... */
#define POOL_BASE 0x0a590000u /* 10.89.0.0 */

/* ---- addresses ---- */

struct cidr {
	int af; /* AF_INET or AF_INET6 */
	unsigned char a[16];
	int plen;
};

static int addr_len(int af)
{
	return af == AF_INET ? 4 : 16;
}

/* An address of either family; 0 or -1. */
static int parse_addr(const char *s, int *af, unsigned char a[16])
{
	if (s == NULL)
		return -1;
	if (inet_pton(AF_INET, s, a) == 1) {
		*af = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a) == 1) {
		*af = AF_INET6;
		return 0;
	}
	return -1;
}

/* Zeroes the host bits of c. */
static void cidr_mask(struct cidr *c)
{
	int len = addr_len(c->af);

	for (int i = 0; i < len; i++) {
		int bits = c->plen - i * 8;
		if (bits >= 8)
			continue;
		c->a[i] &= bits <= 0 ? 0 : (unsigned char)(0xff << (8 - bits));
	}
}

/* "ADDR/LEN" with LEN in decimal digits only; the address keeps its host
 * bits (callers mask). 0 or -1. */
static int parse_cidr(const char *s, struct cidr *c)
{
	const char *slash = s ? strchr(s, '/') : NULL;
	char addr[INET6_ADDRSTRLEN];
	int64_t plen;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(addr) || slash[1] == '\0' ||
	    strspn(slash + 1, "0123456789") != strlen(slash + 1) || strlen(slash + 1) > 3)
		return -1;
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	memset(c, 0, sizeof(*c));
	if (parse_addr(addr, &c->af, c->a) < 0 ||
	    parse_int64(slash + 1, 0, c->af == AF_INET ? 32 : 128, &plen) < 0)
		return -1;
	c->plen = (int)plen;
	return 0;
}

static char *cidr_str(const struct cidr *c)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(c->af, c->a, a, sizeof(a));
	return xasprintf("%s/%d", a, c->plen);
}

static char *addr_str(int af, const unsigned char *a)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(af, a, s, sizeof(s));
	return xstrdup(s);
}

/* Is address a (of family af) inside c? */
static bool cidr_contains(const struct cidr *c, int af, const unsigned char *a)
{
	struct cidr t = {.af = af, .plen = c->plen};

	if (af != c->af)
		return false;
	memcpy(t.a, a, (size_t)addr_len(af));
	cidr_mask(&t);
	return memcmp(t.a, c->a, (size_t)addr_len(af)) == 0;
}

/* Two masked networks overlap when the shorter prefix contains the other. */
static bool cidr_overlap(const struct cidr *x, const struct cidr *y)
{
	if (x->af != y->af)
		return false;
	return x->plen <= y->plen ? cidr_contains(x, y->af, y->a) : cidr_contains(y, x->af, x->a);
}

/* The address n after a (wrapping), for the first/last address math. */
static void addr_add(int af, unsigned char *a, int n)
{
	for (int k = 0; k < n; k++)
		for (int i = addr_len(af) - 1; i >= 0 && ++a[i] == 0; i--)
			;
}

/* The last address of c (all host bits set). */
static void cidr_last(const struct cidr *c, unsigned char out[16])
{
	memcpy(out, c->a, 16);
	for (int i = 0; i < addr_len(c->af); i++) {
		int bits = c->plen - i * 8;
		if (bits < 8)
			out[i] |= bits <= 0 ? 0xff : (unsigned char)(0xff >> bits);
	}
}

/* ---- names ---- */

/* Podman's rule for network names: [a-zA-Z0-9][a-zA-Z0-9_.-]*. */
static int check_name(const char *name, struct werr *err)
{
	static const char ok[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
	size_t len = name ? strlen(name) : 0;

	if (len == 0 || strchr(ok, name[0]) == NULL || name[0] == '_' || name[0] == '.' ||
	    name[0] == '-' || strspn(name, ok) != len) {
		cleanup_free char *shown = xstrdup(name ? name : "");
		text_scrub(shown);
		werr_set(err, 0,
			 "network name %s invalid: names must match "
			 "[a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument",
			 shown);
		return werr_status(err, 125);
	}
	if (len > NETCONF_NAME_MAX) {
		werr_set(err, 0, "network name %.32s... invalid: longer than %d characters", name,
			 NETCONF_NAME_MAX);
		return werr_status(err, 125);
	}
	return 0;
}

/* A bridge name the kernel takes: at most 15 bytes, no '/', ':' or
 * white space, not "." or "..". */
static int check_iface(const char *s, struct werr *err)
{
	size_t len = strlen(s);
	bool bad = len == 0 || len >= IFNAMSIZ || strcmp(s, ".") == 0 || strcmp(s, "..") == 0;

	for (size_t i = 0; i < len && !bad; i++)
		bad = s[i] == '/' || s[i] == ':' || (unsigned char)s[i] <= ' ' || s[i] == 0x7f;
	if (bad) {
		cleanup_free char *shown = xstrdup(s);
		text_scrub(shown);
		werr_set(err, 0,
			 "interface name %s invalid: at most %d characters, no '/', ':' or "
			 "white space",
			 shown, IFNAMSIZ - 1);
		return werr_status(err, 125);
	}
	return 0;
}

/* ---- the JSON shape ---- */

void network_free(struct network *n)
{
	if (n == NULL)
		return;
	free(n->name);
	free(n->id);
	free(n->driver);
	free(n->iface);
	free(n->created);
	for (size_t i = 0; i < n->nsubnets; i++) {
		free(n->subnets[i].subnet);
		free(n->subnets[i].gateway);
		free(n->subnets[i].range_start);
		free(n->subnets[i].range_end);
	}
	free(n->subnets);
	strv_free(n->labels);
	strv_free(n->options);
	free(n->ipam_driver);
	memset(n, 0, sizeof(*n));
}

void networks_free(struct network *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		network_free(&v[i]);
	free(v);
}

struct json_object *netconf_kv_json(char *const *v)
{
	struct json_object *o = json_object_new_object();

	for (size_t i = 0; v && v[i]; i++) {
		const char *eq = strchr(v[i], '=');
		cleanup_free char *k = eq ? xstrndup(v[i], (size_t)(eq - v[i])) : xstrdup(v[i]);
		jset_str(o, k, eq ? eq + 1 : "");
	}
	return o;
}

struct json_object *network_to_json(const struct network *n)
{
	struct json_object *o = json_object_new_object();
	struct json_object *subs = json_object_new_array();
	struct json_object *ipam = json_object_new_object();

	jset_str(o, "name", n->name);
	jset_str(o, "id", n->id);
	jset_str(o, "driver", n->driver);
	jset_str(o, "network_interface", n->iface);
	jset_str(o, "created", n->created);
	for (size_t i = 0; i < n->nsubnets; i++) {
		const struct net_subnet *s = &n->subnets[i];
		struct json_object *so = json_object_new_object();
		jset_str(so, "subnet", s->subnet);
		if (s->gateway)
			jset_str(so, "gateway", s->gateway);
		if (s->range_start || s->range_end) {
			struct json_object *lr = json_object_new_object();
			if (s->range_start)
				jset_str(lr, "start_ip", s->range_start);
			if (s->range_end)
				jset_str(lr, "end_ip", s->range_end);
			jset(so, "lease_range", lr);
		}
		json_object_array_add(subs, so);
	}
	jset(o, "subnets", subs);
	jset(o, "ipv6_enabled", json_object_new_boolean(n->ipv6));
	jset(o, "internal", json_object_new_boolean(n->internal));
	jset(o, "dns_enabled", json_object_new_boolean(n->dns));
	if (n->labels && n->labels[0])
		jset(o, "labels", netconf_kv_json(n->labels));
	if (n->options && n->options[0])
		jset(o, "options", netconf_kv_json(n->options));
	jset_str(ipam, "driver", n->ipam_driver ? n->ipam_driver : "host-local");
	jset(o, "ipam_options", ipam);
	return o;
}

/* A JSON object of strings as a "K=V" vector; -1 on a non-string value. */
static int kv_from_object(struct json_object *o, const char *what, char ***out, struct werr *err)
{
	char **v = NULL;

	if (o == NULL)
		return 0;
	if (!json_object_is_type(o, json_type_object))
		return werr_set(err, 0, "%s is not an object", what);
	json_object_object_foreach(o, k, val)
	{
		if (!json_object_is_type(val, json_type_string)) {
			strv_free(v);
			return werr_set(err, 0, "%s: the value of '%s' is not a string", what, k);
		}
		cleanup_free char *kv = xasprintf("%s=%s", k, json_object_get_string(val));
		v = strv_append(v, kv);
	}
	*out = v;
	return 0;
}

/* Optional boolean member: absent is false, another type an error. */
static int get_bool(struct json_object *j, const char *key, bool *out, struct werr *err)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(j, key, &v) || v == NULL) {
		*out = false;
		return 0;
	}
	if (!json_object_is_type(v, json_type_boolean))
		return werr_set(err, 0, "'%s' is not a boolean", key);
	*out = json_object_get_boolean(v);
	return 0;
}

/* Optional string member: absent (or null) is NULL, another type an error. */
static int get_str(struct json_object *j, const char *key, bool required, char **out,
		   struct werr *err)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(j, key, &v) || v == NULL) {
		if (required)
			return werr_set(err, 0, "no '%s'", key);
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return werr_set(err, 0, "'%s' is not a string", key);
	*out = xstrdup(json_object_get_string(v));
	return 0;
}

/* One subnets[] entry: the subnet canonical, gateway and range addresses of
 * its family inside it. */
static int subnet_from_json(struct json_object *j, struct net_subnet *s, struct werr *err)
{
	struct json_object *lr = jget(j, "lease_range");
	struct cidr c, canon;
	unsigned char a[16];
	int af;

	if (!json_object_is_type(j, json_type_object))
		return werr_set(err, 0, "a subnet is not an object");
	if (get_str(j, "subnet", true, &s->subnet, err) < 0 ||
	    get_str(j, "gateway", false, &s->gateway, err) < 0)
		return -1;
	if (parse_cidr(s->subnet, &c) < 0)
		return werr_set(err, 0, "invalid CIDR address: %s", s->subnet);
	canon = c;
	cidr_mask(&canon);
	if (memcmp(canon.a, c.a, 16) != 0)
		return werr_set(err, 0, "subnet %s is not a network address", s->subnet);
	if (s->gateway && (parse_addr(s->gateway, &af, a) < 0 || !cidr_contains(&c, af, a)))
		return werr_set(err, 0, "gateway %s not in subnet %s", s->gateway, s->subnet);
	if (lr == NULL)
		return 0;
	if (!json_object_is_type(lr, json_type_object))
		return werr_set(err, 0, "'lease_range' is not an object");
	if (get_str(lr, "start_ip", false, &s->range_start, err) < 0 ||
	    get_str(lr, "end_ip", false, &s->range_end, err) < 0)
		return -1;
	if (s->range_start && (parse_addr(s->range_start, &af, a) < 0 || !cidr_contains(&c, af, a)))
		return werr_set(err, 0, "lease range start ip %s not in subnet %s", s->range_start,
				s->subnet);
	if (s->range_end && (parse_addr(s->range_end, &af, a) < 0 || !cidr_contains(&c, af, a)))
		return werr_set(err, 0, "lease range end ip %s not in subnet %s", s->range_end,
				s->subnet);
	return 0;
}

static int from_json(struct json_object *j, struct network *n, struct werr *err)
{
	struct json_object *subs = NULL, *ipam = jget(j, "ipam_options");
	size_t len;

	if (!json_object_is_type(j, json_type_object))
		return werr_set(err, 0, "not a JSON object");
	if (get_str(j, "name", true, &n->name, err) < 0 ||
	    get_str(j, "id", true, &n->id, err) < 0 ||
	    get_str(j, "driver", true, &n->driver, err) < 0 ||
	    get_str(j, "network_interface", false, &n->iface, err) < 0 ||
	    get_str(j, "created", false, &n->created, err) < 0)
		return -1;
	if (check_name(n->name, err) < 0)
		return -1;
	if (strlen(n->id) != 64 || !str_is_hex(n->id, 64))
		return werr_set(err, 0, "'id' is not 64 hex digits");
	if (n->iface && check_iface(n->iface, err) < 0)
		return -1;
	if (get_bool(j, "ipv6_enabled", &n->ipv6, err) < 0 ||
	    get_bool(j, "internal", &n->internal, err) < 0 ||
	    get_bool(j, "dns_enabled", &n->dns, err) < 0 ||
	    kv_from_object(jget(j, "labels"), "'labels'", &n->labels, err) < 0 ||
	    kv_from_object(jget(j, "options"), "'options'", &n->options, err) < 0)
		return -1;
	if (ipam != NULL && !json_object_is_type(ipam, json_type_object))
		return werr_set(err, 0, "'ipam_options' is not an object");
	if (ipam != NULL && get_str(ipam, "driver", false, &n->ipam_driver, err) < 0)
		return -1;
	if (n->ipam_driver == NULL)
		n->ipam_driver = xstrdup("host-local");
	if (json_object_object_get_ex(j, "subnets", &subs) && subs != NULL &&
	    !json_object_is_type(subs, json_type_array))
		return werr_set(err, 0, "'subnets' is not an array");
	len = jlen(subs);
	if (len > 64)
		return werr_set(err, 0, "more than 64 subnets");
	n->subnets = xcalloc(len + 1, sizeof(*n->subnets));
	for (size_t i = 0; i < len; i++) {
		n->nsubnets = i + 1;
		if (subnet_from_json(json_object_array_get_idx(subs, i), &n->subnets[i], err) < 0)
			return -1;
	}
	return 0;
}

int network_from_json(struct json_object *j, struct network *out, struct werr *err)
{
	struct network n = {0};

	if (from_json(j, &n, err) < 0) {
		network_free(&n);
		return werr_status(err, 125);
	}
	*out = n;
	return 0;
}

/* The default network as configured (netconf_set_default) */
static struct {
	char name[256];
	char subnet[INET_ADDRSTRLEN + 4];
	char gateway[INET_ADDRSTRLEN];
} dflt = {NETCONF_DEFAULT_NAME, NETCONF_DEFAULT_NET, "10.88.0.1"};

/* "A.B.C.D/N" (N 8-30) made canonical, with its first address as the
 * gateway; -1 when it is not such a subnet. */
static int v4_subnet(const char *s, char *net, size_t netlen, char gw[INET_ADDRSTRLEN])
{
	struct cidr c;
	char addr[INET_ADDRSTRLEN];

	if (parse_cidr(s, &c) < 0 || c.af != AF_INET || c.plen < 8 || c.plen > 30)
		return -1;
	cidr_mask(&c);
	inet_ntop(AF_INET, c.a, addr, sizeof(addr));
	snprintf(net, netlen, "%s/%d", addr, c.plen);
	c.a[3] |= 1; /* a /30 at most: the first host is .1 of the last byte */
	inet_ntop(AF_INET, c.a, gw, INET_ADDRSTRLEN);
	return 0;
}

int netconf_set_default(const char *name, const char *subnet, struct werr *err)
{
	char net[sizeof(dflt.subnet)], gw[INET_ADDRSTRLEN];

	if (name != NULL && *name) {
		if (check_name(name, NULL) < 0 || strlen(name) >= sizeof(dflt.name)) {
			werr_set(err, 0,
				 "containers.conf [network] default_network \"%s\": not a valid "
				 "network name",
				 name);
			return werr_status(err, 125);
		}
		snprintf(dflt.name, sizeof(dflt.name), "%s", name);
	}
	if (subnet != NULL && *subnet) {
		if (v4_subnet(subnet, net, sizeof(net), gw) < 0) {
			werr_set(err, 0,
				 "containers.conf [network] default_subnet \"%s\": not an IPv4 "
				 "subnet A.B.C.D/N (N from 8 to 30)",
				 subnet);
			return werr_status(err, 125);
		}
		memcpy(dflt.subnet, net, sizeof(net));
		memcpy(dflt.gateway, gw, sizeof(gw));
	}
	return 0;
}

const char *netconf_default_name(void)
{
	return dflt.name;
}

/* Whether id is the default network's (Podman's, whatever its name). */
static bool is_default_id(const char *id)
{
	return strcmp(id, NETCONF_DEFAULT_ID) == 0;
}

void network_default(struct network *out, const char *created)
{
	memset(out, 0, sizeof(*out));
	out->name = xstrdup(dflt.name);
	out->id = xstrdup(NETCONF_DEFAULT_ID);
	out->driver = xstrdup("bridge");
	out->iface = xstrdup(NETCONF_DEFAULT_IFACE);
	out->created = xstrdup(created ? created : "");
	out->subnets = xcalloc(1, sizeof(*out->subnets));
	out->subnets[0].subnet = xstrdup(dflt.subnet);
	out->subnets[0].gateway = xstrdup(dflt.gateway);
	out->nsubnets = 1;
	out->ipam_driver = xstrdup("host-local");
}

/* ---- files ---- */

/* The default network with the current time as its creation time, as
 * Podman shows it. */
static void default_now(struct network *out)
{
	char now[64];

	format_rfc3339(now_ns(), now, sizeof(now));
	network_default(out, now);
}

/* Reads and validates dfd/fname: 1 read, 0 no such file, -1 bad (err
 * "network file F: why", status 125). Never follows a symlink. */
static int read_net(int dfd, const char *fname, struct network *out, struct werr *err)
{
	cleanup_close int fd = openat(dfd, fname, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	cleanup_free char *buf = NULL;
	cleanup_json struct json_object *j = NULL;
	struct stat st;
	ssize_t got;

	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0) {
		if (errno == ELOOP)
			werr_set(err, 0, "network file %s: a symbolic link", fname);
		else
			werr_set(err, errno, "network file %s: open", fname);
		return werr_status(err, 125);
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > NETCONF_FILE_MAX) {
		werr_set(err, 0, "network file %s: not a regular file of at most %d bytes", fname,
			 NETCONF_FILE_MAX);
		return werr_status(err, 125);
	}
	buf = xmalloc((size_t)st.st_size + 1);
	got = read_all(fd, buf, (size_t)st.st_size);
	if (got < 0) {
		werr_set(err, errno, "network file %s: read", fname);
		return werr_status(err, 125);
	}
	buf[got] = '\0';
	j = jparse(buf, "network file", err);
	if (j == NULL || network_from_json(j, out, err) < 0) {
		if (j != NULL)
			werr_wrap(err, "network file %s", fname);
		else
			werr_set(err, 0, "network file %s: invalid JSON", fname);
		return werr_status(err, 125);
	}
	return 1;
}

void networks_sort(struct network *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(v[j - 1].name, v[j].name) > 0; j--) {
			struct network t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

/* The stored networks of dfd (not the default), sorted by name; bad files
 * are skipped with a warning. */
static int list_dir(int dfd, struct network **out, size_t *n, struct werr *err)
{
	int dup = dfd >= 0 ? fcntl(dfd, F_DUPFD_CLOEXEC, 3) : -1;
	cleanup_dir DIR *d = NULL;
	struct network *v = NULL;
	size_t k = 0, cap = 0;
	struct dirent *de;

	*out = NULL;
	*n = 0;
	if (dfd < 0)
		return 0;
	if (dup < 0)
		return werr_set(err, errno, "dup the network directory");
	d = fdopendir(dup);
	if (d == NULL) {
		close(dup);
		return werr_set(err, errno, "read the network directory");
	}
	/* the dup shares its offset with dfd, which an earlier walk moved */
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		struct network net = {0};
		struct werr e2 = {0};
		if (len <= 5 || de->d_name[0] == '.' || !str_has_suffix(de->d_name, ".json"))
			continue;
		if (read_net(dfd, de->d_name, &net, &e2) <= 0) {
			log_warn("skipping %s", e2.msg[0] ? e2.msg : de->d_name);
			continue;
		}
		/* the name is the file's: rm and lookup go by file name */
		if (strlen(net.name) != len - 5 || strncmp(net.name, de->d_name, len - 5) != 0 ||
		    strcmp(net.name, dflt.name) == 0) {
			log_warn("skipping network file %s: it names network %s", de->d_name,
				 net.name);
			network_free(&net);
			continue;
		}
		if (k == cap) {
			cap = cap ? cap * 2 : 8;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[k++] = net;
	}
	networks_sort(v, k);
	*out = v;
	*n = k;
	return 0;
}

/* dir opened as a directory; -1 with errno ENOENT when it does not exist. */
static int open_dir(const char *dir)
{
	return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int netconf_list(const char *dir, struct network **out, size_t *n, struct werr *err)
{
	cleanup_close int dfd = open_dir(dir);
	struct network *stored = NULL, *v;
	size_t k = 0;

	if (dfd < 0 && errno != ENOENT)
		return werr_set(err, errno, "open network directory '%s'", dir);
	if (list_dir(dfd, &stored, &k, err) < 0)
		return -1;
	v = xcalloc(k + 1, sizeof(*v));
	default_now(&v[0]);
	if (k > 0)
		memcpy(v + 1, stored, k * sizeof(*v));
	free(stored);
	*out = v;
	*n = k + 1;
	return 0;
}

/* ref as a name: its own file only (a run --network NAME reads one file).
 * 1 found, 0 not, -1 a bad file of that name. */
static int lookup_name(const char *dir, const char *ref, struct network *out, struct werr *err)
{
	cleanup_close int dfd = -1;
	cleanup_free char *fname = NULL;
	struct network n = {0};
	int r;

	if (strcmp(ref, dflt.name) == 0) {
		default_now(out);
		return 1;
	}
	if (check_name(ref, NULL) < 0)
		return 0;
	dfd = open_dir(dir);
	if (dfd < 0)
		return 0;
	fname = xasprintf("%s.json", ref);
	r = read_net(dfd, fname, &n, err);
	if (r <= 0)
		return r;
	if (strcmp(n.name, ref) != 0) {
		network_free(&n);
		return 0;
	}
	*out = n;
	return 1;
}

/* Name first, then a full id or a unique id prefix (Podman's order). */
int netconf_lookup(const char *dir, const char *ref, struct network *out, struct werr *err)
{
	struct network *v = NULL;
	size_t n = 0, hit = SIZE_MAX;
	size_t rlen = ref ? strlen(ref) : 0;
	int r;

	if (rlen == 0)
		return 0;
	r = lookup_name(dir, ref, out, err);
	if (r != 0 || !str_is_hex(ref, rlen) || rlen > 64)
		return r;
	if (netconf_list(dir, &v, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!str_has_prefix(v[i].id, ref))
			continue;
		if (hit != SIZE_MAX) {
			networks_free(v, n);
			werr_set(err, 0, "more than one result for network ID %s", ref);
			return werr_status(err, 125);
		}
		hit = i;
	}
	if (hit != SIZE_MAX) {
		*out = v[hit];
		memset(&v[hit], 0, sizeof(v[hit]));
	}
	networks_free(v, n);
	return hit != SIZE_MAX;
}

/* ---- create ---- */

/* A subnet in use: another network's or a route of the host. */
struct used {
	struct cidr *v;
	size_t n;
};

static void used_add(struct used *u, const struct cidr *c)
{
	u->v = xrealloc(u->v, (u->n + 1) * sizeof(*u->v));
	u->v[u->n++] = *c;
}

static bool used_overlaps(const struct used *u, const struct cidr *c)
{
	for (size_t i = 0; i < u->n; i++)
		if (cidr_overlap(&u->v[i], c))
			return true;
	return false;
}

/* The IPv4 routes of the host (/proc/net/route: destination and mask
 * in hex), the default route left out: Podman refuses a subnet that a
 * host interface already reaches. */
static void add_host_routes(struct used *u)
{
	cleanup_file FILE *f = fopen("/proc/net/route", "re");
	char line[512];

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f)) {
		char ifname[64];
		unsigned int dst, gw, flags, refcnt, use, metric, mask;
		struct cidr c = {.af = AF_INET};
		if (sscanf(line, "%63s %x %x %x %u %u %u %x", ifname, &dst, &gw, &flags, &refcnt,
			   &use, &metric, &mask) != 8 ||
		    mask == 0)
			continue;
		/* the kernel prints the network-order word as a host integer:
		 * its bytes in memory are the address again */
		memcpy(c.a, &dst, 4);
		c.plen = __builtin_popcount(mask);
		cidr_mask(&c);
		used_add(u, &c);
	}
}

static void add_net_subnets(struct used *u, const struct network *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < v[i].nsubnets; j++) {
			struct cidr c;
			if (parse_cidr(v[i].subnets[j].subnet, &c) == 0)
				used_add(u, &c);
		}
}

static int overlap_error(const struct cidr *c, struct werr *err)
{
	cleanup_free char *s = cidr_str(c);

	werr_set(err, 0, "subnet %s is already used on the host or by another config", s);
	return werr_status(err, 125);
}

/* The gateway of c: its first address after the network address (the
 * network address itself for a /32 or /128, as Podman). */
static char *default_gateway(const struct cidr *c)
{
	unsigned char a[16];

	memcpy(a, c->a, 16);
	addr_add(c->af, a, 1);
	if (!cidr_contains(c, c->af, a))
		memcpy(a, c->a, 16);
	return addr_str(c->af, a);
}

/* One --subnet with its --gateway and --ip-range into s. */
static int make_subnet(const char *subnet, const char *gw, const char *range, struct used *u,
		       struct net_subnet *s, struct cidr *out, struct werr *err)
{
	struct cidr c, r;
	unsigned char a[16], last[16];
	int af;

	if (parse_cidr(subnet, &c) < 0) {
		werr_set(err, 0, "invalid CIDR address: %s", subnet);
		return werr_status(err, 125);
	}
	cidr_mask(&c);
	if (used_overlaps(u, &c))
		return overlap_error(&c, err);
	s->subnet = cidr_str(&c);
	if (gw != NULL && parse_addr(gw, &af, a) < 0) {
		werr_set(err, 0,
			 "invalid argument \"%s\" for \"--gateway\" flag: invalid string being "
			 "converted to IP address: %s",
			 gw, gw);
		return werr_status(err, 125);
	}
	if (gw != NULL && !cidr_contains(&c, af, a)) {
		werr_set(err, 0, "gateway %s not in subnet %s", gw, s->subnet);
		return werr_status(err, 125);
	}
	s->gateway = gw ? addr_str(af, a) : default_gateway(&c);
	if (range != NULL) {
		if (parse_cidr(range, &r) < 0) {
			werr_set(err, 0, "invalid CIDR address: %s", range);
			return werr_status(err, 125);
		}
		cidr_mask(&r);
		/* Podman's lease range: the range's network address + 1 to its
		 * last address */
		memcpy(a, r.a, 16);
		addr_add(r.af, a, 1);
		cidr_last(&r, last);
		s->range_start = addr_str(r.af, a);
		s->range_end = addr_str(r.af, last);
		if (!cidr_contains(&c, r.af, a) || !cidr_contains(&c, r.af, last)) {
			werr_set(err, 0, "lease range %s ip %s not in subnet %s",
				 cidr_contains(&c, r.af, a) ? "end" : "start",
				 cidr_contains(&c, r.af, a) ? s->range_end : s->range_start,
				 s->subnet);
			return werr_status(err, 125);
		}
		if (memcmp(a, last, 16) > 0) {
			werr_set(err, 0, "ip range %s has no address", range);
			return werr_status(err, 125);
		}
	}
	*out = c;
	return 0;
}

/* Podman's automatic subnets: the first 10.89.N.0/24 nothing uses. */
static int free_ipv4(struct used *u, struct net_subnet *s, struct cidr *out, struct werr *err)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t be = htonl(POOL_BASE + (i << 8));
		struct cidr c = {.af = AF_INET, .plen = 24};
		memcpy(c.a, &be, 4);
		if (used_overlaps(u, &c))
			continue;
		s->subnet = cidr_str(&c);
		s->gateway = default_gateway(&c);
		*out = c;
		return 0;
	}
	werr_set(err, 0, "could not find free subnet from subnet pools");
	return werr_status(err, 125);
}

/* A random unique local /64 (RFC 4193: fd + 40 random bits + a 16-bit
 * subnet id), as Podman picks for --ipv6 without an IPv6 --subnet. */
static int free_ipv6(struct used *u, struct net_subnet *s, struct cidr *out, struct werr *err)
{
	for (int tries = 0; tries < 100; tries++) {
		char hex[15];
		struct cidr c = {.af = AF_INET6, .plen = 64};
		random_hex(hex, 14);
		c.a[0] = 0xfd;
		for (int i = 0; i < 7; i++) {
			unsigned int b;
			sscanf(hex + 2 * i, "%2x", &b);
			c.a[1 + i] = (unsigned char)b;
		}
		if (used_overlaps(u, &c))
			continue;
		s->subnet = cidr_str(&c);
		s->gateway = default_gateway(&c);
		*out = c;
		return 0;
	}
	werr_set(err, 0, "could not find free subnet from subnet pools");
	return werr_status(err, 125);
}

/* The bridge options Podman 4.3 takes: mtu, vlan (numbers), isolate. */
static int check_options(char *const *opts, struct werr *err)
{
	for (size_t i = 0; opts && opts[i]; i++) {
		const char *eq = strchr(opts[i], '=');
		cleanup_free char *k =
		    eq ? xstrndup(opts[i], (size_t)(eq - opts[i])) : xstrdup(opts[i]);
		const char *v = eq ? eq + 1 : "";
		int64_t num;
		if (strcmp(k, "mtu") == 0 || strcmp(k, "vlan") == 0) {
			if (*v != '\0' &&
			    parse_int64(v, 0, strcmp(k, "mtu") == 0 ? 65536 : 4094, &num) < 0) {
				werr_set(err, 0, "invalid %s \"%s\": want a number from 0 to %d", k,
					 v, strcmp(k, "mtu") == 0 ? 65536 : 4094);
				return werr_status(err, 125);
			}
		} else if (strcmp(k, "isolate") == 0) {
			if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0 && *v != '\0') {
				werr_set(err, 0, "invalid isolate \"%s\": want true or false", v);
				return werr_status(err, 125);
			}
		} else {
			text_scrub(k);
			werr_set(err, 0, "unsupported bridge network option %s", k);
			return werr_status(err, 125);
		}
	}
	return 0;
}

/* Labels "K=V" or "K" (stored as "K="), never an empty key. */
static int make_labels(char *const *in, char ***out, struct werr *err)
{
	char **v = NULL;

	for (size_t i = 0; in && in[i]; i++) {
		if (in[i][0] == '=' || in[i][0] == '\0') {
			strv_free(v);
			werr_set(err, 0, "failed to parse labels: invalid label format: \"%s\"",
				 in[i]);
			return werr_status(err, 125);
		}
		if (strchr(in[i], '=')) {
			v = strv_append(v, in[i]);
		} else {
			cleanup_free char *kv = xasprintf("%s=", in[i]);
			v = strv_append(v, kv);
		}
	}
	*out = v;
	return 0;
}

static bool iface_taken(const char *name, const struct network *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].iface && strcmp(v[i].iface, name) == 0)
			return true;
	/* a host interface of that name (a bridge of Podman's, say): netavark
	 * would take it over */
	return if_nametoindex(name) != 0;
}

static bool name_taken(const char *name, const struct network *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return true;
	return false;
}

/* The first "podmanN" (N from 1) that taken() refuses not. */
static char *first_free(bool (*taken)(const char *, const struct network *, size_t),
			const struct network *v, size_t n)
{
	for (unsigned int i = 1;; i++) {
		char *s = xasprintf("podman%u", i);
		if (!taken(s, v, n))
			return s;
		free(s);
	}
}

static int check_driver(const char *d, struct werr *err)
{
	if (d == NULL || strcmp(d, "bridge") == 0)
		return 0;
	if (strcmp(d, "macvlan") == 0 || strcmp(d, "ipvlan") == 0)
		werr_set(err, 0, "the %s driver is not supported by warren: use bridge", d);
	else
		werr_set(err, 0, "unsupported driver %s: invalid argument", d);
	return werr_status(err, 125);
}

/* The subnets of a new network into n: given ones (with gateways and
 * ranges) or a free one, plus a free IPv6 one for --ipv6 without any. */
static int make_subnets(const struct netcreate_opts *o, struct used *u, struct network *n,
			struct werr *err)
{
	size_t ns = strv_len(o->subnets);
	bool v6 = false;
	struct cidr c;

	if (strv_len(o->gateways) > ns || strv_len(o->ip_ranges) > ns) {
		werr_set(err, 0,
			 ns == 0		      ? "cannot set gateway or range without subnet"
			 : strv_len(o->gateways) > ns ? "cannot set more gateways than subnets"
						      : "cannot set more ranges than subnets");
		return werr_status(err, 125);
	}
	n->subnets = xcalloc(ns + 2, sizeof(*n->subnets));
	for (size_t i = 0; i < ns; i++) {
		n->nsubnets = i + 1;
		if (make_subnet(o->subnets[i], i < strv_len(o->gateways) ? o->gateways[i] : NULL,
				i < strv_len(o->ip_ranges) ? o->ip_ranges[i] : NULL, u,
				&n->subnets[i], &c, err) < 0)
			return -1;
		/* later subnets of the same network may not overlap it either */
		used_add(u, &c);
		v6 |= c.af == AF_INET6;
	}
	if (ns == 0) {
		n->nsubnets = 1;
		if (free_ipv4(u, &n->subnets[0], &c, err) < 0)
			return -1;
	}
	if (o->ipv6 && !v6) {
		n->nsubnets++;
		if (free_ipv6(u, &n->subnets[n->nsubnets - 1], &c, err) < 0)
			return -1;
		v6 = true;
	}
	n->ipv6 = v6;
	return 0;
}

/* Writes n to dfd/<name>.json through a temp file and a rename, so a
 * reader never sees half a network. */
static int write_net(int dfd, const struct network *n, struct werr *err)
{
	cleanup_json struct json_object *j = network_to_json(n);
	const char *text = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
								 JSON_C_TO_STRING_NOSLASHESCAPE);
	cleanup_free char *fname = xasprintf("%s.json", n->name);
	cleanup_free char *body = xasprintf("%s\n", text);
	char rnd[13], tmp[32];
	cleanup_close int fd = -1;

	random_hex(rnd, 12);
	snprintf(tmp, sizeof(tmp), TEMP_PREFIX "%s", rnd);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return werr_set(err, errno, "create network file in the network directory");
	if (write_all(fd, body, strlen(body)) < 0 || renameat(dfd, tmp, dfd, fname) < 0) {
		int e = errno;
		unlinkat(dfd, tmp, 0);
		return werr_set(err, e, "write network file %s.json", n->name);
	}
	return 0;
}

/* The new network n from o, checked against the stored ones (v). */
static int build(const struct netcreate_opts *o, const struct network *v, size_t nv,
		 struct network *n, struct werr *err)
{
	struct used u = {0};
	char created[64];
	int rc;

	n->name = o->name ? xstrdup(o->name) : first_free(name_taken, v, nv);
	n->driver = xstrdup("bridge");
	if (o->iface) {
		if (check_iface(o->iface, err) < 0)
			return -1;
		if (iface_taken(o->iface, v, nv)) {
			werr_set(err, 0, "bridge name %s already in use", o->iface);
			return werr_status(err, 125);
		}
		n->iface = xstrdup(o->iface);
	} else {
		n->iface = first_free(iface_taken, v, nv);
	}
	if (check_options(o->options, err) < 0 || make_labels(o->labels, &n->labels, err) < 0)
		return -1;
	n->options = strv_copy(o->options);
	add_net_subnets(&u, v, nv);
	add_host_routes(&u);
	rc = make_subnets(o, &u, n, err);
	free(u.v);
	if (rc < 0)
		return -1;
	do {
		free(n->id);
		n->id = xmalloc(65);
		random_hex(n->id, 64);
	} while (is_default_id(n->id));
	format_rfc3339(now_ns(), created, sizeof(created));
	n->created = xstrdup(created);
	n->internal = o->internal;
	n->dns = !o->disable_dns;
	n->ipam_driver = xstrdup("host-local");
	return 0;
}

/* The temp files of creates that were killed: with the dir locked no
 * create is writing one. */
static void remove_stale_temps(int dfd)
{
	int dup = fcntl(dfd, F_DUPFD_CLOEXEC, 3);
	cleanup_dir DIR *d = dup >= 0 ? fdopendir(dup) : NULL;
	struct dirent *de;

	if (d == NULL) {
		if (dup >= 0)
			close(dup);
		return;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL)
		if (str_has_prefix(de->d_name, TEMP_PREFIX))
			unlinkat(dfd, de->d_name, 0);
}

static int create_locked(int dfd, const struct netcreate_opts *o, struct network *out,
			 struct werr *err)
{
	struct network *v = NULL, n = {0};
	size_t nv = 0;
	int rc = -1;

	remove_stale_temps(dfd);
	if (list_dir(dfd, &v, &nv, err) < 0)
		return -1;
	/* the default network counts as taken (its name, bridge and subnet) */
	v = xrealloc(v, (nv + 1) * sizeof(*v));
	default_now(&v[nv++]);
	if (o->name && name_taken(o->name, v, nv)) {
		for (size_t i = 0; o->ignore && i < nv; i++)
			if (strcmp(v[i].name, o->name) == 0) {
				*out = v[i];
				memset(&v[i], 0, sizeof(v[i]));
				rc = 0;
			}
		if (rc < 0) {
			werr_set(err, 0, "network name %s already used: network already exists",
				 o->name);
			werr_status(err, 125);
		}
		networks_free(v, nv);
		return rc;
	}
	/* a file that is there but did not parse still holds the name */
	if (o->name) {
		cleanup_free char *fname = xasprintf("%s.json", o->name);
		struct stat st;
		if (fstatat(dfd, fname, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			networks_free(v, nv);
			werr_set(err, 0, "network name %s already used: network already exists",
				 o->name);
			return werr_status(err, 125);
		}
	}
	rc = build(o, v, nv, &n, err);
	if (rc == 0)
		rc = write_net(dfd, &n, err);
	networks_free(v, nv);
	if (rc < 0) {
		network_free(&n);
		return werr_status(err, 125);
	}
	*out = n;
	return 0;
}

int netconf_create(const char *dir, const struct netcreate_opts *o, struct network *out,
		   struct werr *err)
{
	cleanup_close int dfd = -1;

	if (o->name && check_name(o->name, err) < 0)
		return -1;
	if (check_driver(o->driver, err) < 0)
		return -1;
	if (mkdir_p(dir, 0700, err) < 0)
		return -1;
	dfd = open_dir(dir);
	if (dfd < 0)
		return werr_set(err, errno, "open network directory '%s'", dir);
	/* one creator at a time: two would pick the same subnet and bridge */
	while (flock(dfd, LOCK_EX) < 0)
		if (errno != EINTR)
			return werr_set(err, errno, "lock network directory '%s'", dir);
	return create_locked(dfd, o, out, err);
}

int netconf_remove(const char *dir, const char *name, struct werr *err)
{
	cleanup_free char *fname = NULL;
	cleanup_close int dfd = -1;

	if (name && strcmp(name, dflt.name) == 0) {
		werr_set(err, 0, "default network %s cannot be removed", name);
		return werr_status(err, 125);
	}
	if (check_name(name, err) < 0)
		return -1;
	fname = xasprintf("%s.json", name);
	dfd = open_dir(dir);
	if (dfd < 0 || unlinkat(dfd, fname, 0) < 0) {
		if (errno == ENOENT) {
			werr_set(err, 0,
				 "unable to find network with name or ID %s: network not found",
				 name);
			return werr_status(err, 1);
		}
		return werr_set(err, errno, "remove network file %s", fname);
	}
	return 0;
}

/* ---- addresses (IPv4) ---- */

/* s as host-order first and last usable address (before excluding the
 * gateway); -1 when s is no IPv4 subnet. */
static int v4_bounds(const struct net_subnet *s, uint32_t *first, uint32_t *last, uint32_t *net,
		     uint32_t *bcast)
{
	struct cidr c;
	uint32_t be, mask;

	if (s == NULL || parse_cidr(s->subnet, &c) < 0 || c.af != AF_INET)
		return -1;
	cidr_mask(&c);
	memcpy(&be, c.a, 4);
	mask = c.plen == 0 ? 0 : 0xffffffffu << (32 - c.plen);
	*net = ntohl(be);
	*bcast = *net | ~mask;
	/* a /31 has two usable addresses and a /32 one (RFC 3021): no
	 * network or broadcast address to keep free */
	*first = c.plen >= 31 ? *net : *net + 1;
	*last = c.plen >= 31 ? *bcast : *bcast - 1;
	return 0;
}

static int v4_parse(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (s == NULL || inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*out = ntohl(a.s_addr);
	return 0;
}

bool netconf_ip_in(const struct net_subnet *s, const char *ip)
{
	uint32_t first, last, net, bcast, a, gw;

	if (v4_bounds(s, &first, &last, &net, &bcast) < 0 || v4_parse(ip, &a) < 0)
		return false;
	if (a < first || a > last)
		return false;
	return !(s->gateway && v4_parse(s->gateway, &gw) == 0 && gw == a);
}

int netconf_ip_alloc(const struct net_subnet *s, char *const *used, char out[16], struct werr *err)
{
	uint32_t first, last, net, bcast, gw = 0, lo, hi;
	bool has_gw;

	if (v4_bounds(s, &first, &last, &net, &bcast) < 0)
		return werr_set(err, 0, "no IPv4 subnet %s: only IPv4 addresses are assigned",
				s && s->subnet ? s->subnet : "(none)");
	has_gw = s->gateway && v4_parse(s->gateway, &gw) == 0;
	lo = first;
	hi = last;
	if (s->range_start && v4_parse(s->range_start, &lo) == 0 && lo < first)
		lo = first;
	if (s->range_end && v4_parse(s->range_end, &hi) == 0 && hi > last)
		hi = last;
	for (uint64_t a = lo; a <= hi; a++) {
		struct in_addr ia = {.s_addr = htonl((uint32_t)a)};
		char buf[16];
		if (has_gw && a == gw)
			continue;
		inet_ntop(AF_INET, &ia, buf, sizeof(buf));
		if (strv_contains(used, buf))
			continue;
		memcpy(out, buf, sizeof(buf));
		return 0;
	}
	return werr_set(err, 0, "failed to find free IP in subnet %s: every address is taken",
			s->subnet);
}

/* The host part of a (a 16-byte address) within prefix plen, as a number
 * (only the low 64 bits count: the search stops long before). */
static uint64_t v6_host(const unsigned char *a, int plen)
{
	uint64_t h = 0;

	for (int i = 8; i < 16; i++)
		h = (h << 8) | a[i];
	if (plen > 64)
		h &= plen >= 128 ? 0 : (~0ULL >> (plen - 64));
	return h;
}

bool netconf_ip6_in(const struct net_subnet *s, const char *ip, char canon[INET6_ADDRSTRLEN])
{
	struct cidr c, m;
	unsigned char a[16], g[16];
	int af;

	if (s == NULL || parse_cidr(s->subnet, &c) < 0 || c.af != AF_INET6 ||
	    parse_addr(ip, &af, a) < 0 || af != AF_INET6 || !cidr_contains(&c, af, a))
		return false;
	m = c;
	memcpy(m.a, a, 16);
	cidr_mask(&m);
	if (memcmp(m.a, a, 16) == 0) /* the subnet's own address */
		return false;
	if (s->gateway && inet_pton(AF_INET6, s->gateway, g) == 1 && memcmp(g, a, 16) == 0)
		return false;
	if (canon)
		inet_ntop(AF_INET6, a, canon, INET6_ADDRSTRLEN);
	return true;
}

int netconf_ip6_alloc(const struct net_subnet *s, char *const *used, char out[INET6_ADDRSTRLEN],
		      struct werr *err)
{
	struct cidr c;
	uint64_t limit;

	if (s == NULL || parse_cidr(s->subnet, &c) < 0 || c.af != AF_INET6)
		return werr_set(err, 0, "no IPv6 subnet %s", s && s->subnet ? s->subnet : "(none)");
	cidr_mask(&c);
	limit = c.plen >= 112 ? (1ULL << (128 - c.plen)) : 65536;
	for (uint64_t h = 2 + v6_host(c.a, c.plen); h < limit; h++) {
		unsigned char a[16];
		char buf[INET6_ADDRSTRLEN];
		uint64_t x = h;
		memcpy(a, c.a, 16);
		for (int i = 15; i >= 8; i--, x >>= 8)
			a[i] |= (unsigned char)(x & 0xff);
		inet_ntop(AF_INET6, a, buf, sizeof(buf));
		if (!netconf_ip6_in(s, buf, NULL) || strv_contains(used, buf))
			continue;
		memcpy(out, buf, sizeof(buf));
		return 0;
	}
	return werr_set(err, 0, "failed to find free IP in subnet %s: every address is taken",
			s->subnet);
}
