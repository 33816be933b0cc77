/* netconf.h - bridge networks as configuration: the network definitions
 * (one JSON file per network in Podman's own shape, so `network inspect`
 * prints what Podman prints), the built-in default network "podman", the
 * choice of a free subnet and interface name for a new network, and the
 * address management of a network (which address a container gets).
 *
 * Pure logic and files under a directory the caller names: the engine
 * (runtime/, cli/) decides where that directory is (<root>/networks) and
 * which containers use which address. netavark, which makes the bridges,
 * reads the same JSON (net/netavark.h). */
#ifndef WARREN_NETCONF_H
#define WARREN_NETCONF_H

#include <json-c/json.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h"

/* The default network: always there, never stored (as Podman's). Its
 * name and subnet are containers.conf's [network] default_network and
 * default_subnet (netconf_set_default), else these; its id is always
 * Podman's. */
#define NETCONF_DEFAULT_NAME  "podman"
#define NETCONF_DEFAULT_ID    "2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9"
#define NETCONF_DEFAULT_IFACE "podman0"
#define NETCONF_DEFAULT_NET   "10.88.0.0/16"

/* Names the default network and gives it an IPv4 subnet ("A.B.C.D/N",
 * N 8-30; its gateway is the first address); NULL keeps the built-in one.
 * A bad value fails (125) naming containers.conf's key. */
int netconf_set_default(const char *name, const char *subnet, struct werr *err);

/* The default network's name ("podman" unless containers.conf says). */
const char *netconf_default_name(void);

struct net_subnet {
	char *subnet;  /* "10.89.0.0/24" (network address, canonical) */
	char *gateway; /* "10.89.0.1"; NULL: none (internal networks may lack one) */
	char *range_start, *range_end; /* lease_range of --ip-range, NULL: whole subnet */
};

struct network {
	char *name;
	char *id;      /* 64 hex */
	char *driver;  /* "bridge" */
	char *iface;   /* network_interface: "podman1" */
	char *created; /* RFC 3339 with nanoseconds, as Podman writes it */
	struct net_subnet *subnets;
	size_t nsubnets;
	bool ipv6, internal, dns;
	char **labels;	   /* "K=V", NULL-terminated, may be NULL */
	char **options;	   /* "K=V" (mtu, vlan, isolate...), may be NULL */
	char *ipam_driver; /* "host-local" */
};

/* The network as Podman's JSON (network inspect, the file, netavark's
 * network_info) and back; from_json validates (status 125 on a file that
 * is not a network). */
struct json_object *network_to_json(const struct network *n);
int network_from_json(struct json_object *j, struct network *out, struct werr *err);
void network_free(struct network *n);
void networks_free(struct network *v, size_t n);
/* Sorts v by name (Podman's order for ls). */
void networks_sort(struct network *v, size_t n);

/* A "K=V" vector (labels, options) as a JSON object ("K" alone: ""). */
struct json_object *netconf_kv_json(char *const *v);

/* The built-in default network (created: the time given, RFC 3339). */
void network_default(struct network *out, const char *created);

/* Looks a network up in dir by name, by full id or by a unique id prefix
 * (the default network too). 1 found, 0 not (err untouched), -1 error. */
int netconf_lookup(const char *dir, const char *ref, struct network *out, struct werr *err);

/* Every network (the default first, then by name). */
int netconf_list(const char *dir, struct network **out, size_t *n, struct werr *err);

/* What `network create` asks for. */
struct netcreate_opts {
	const char *name;			  /* NULL: "podmanN", the first free N */
	const char *driver;			  /* NULL: bridge (the only driver) */
	char **subnets;				  /* --subnet, may be NULL: a free 10.89.N.0/24 */
	char **gateways;			  /* --gateway, one per subnet at most */
	char **ip_ranges;			  /* --ip-range, one per subnet at most */
	const char *iface;			  /* --interface-name, NULL: "podmanN" */
	bool internal, ipv6, disable_dns, ignore; /* ignore: exists -> no error */
	char **labels, **options;
};

/* Creates a network file in dir (made 0700 if missing) under a lock of
 * the dir; out gets the network (with ignore and an existing one: that
 * one). Errors in Podman's words (status 125: name taken "network name X
 * already used: network already exists", subnet overlap, bad CIDR...). */
int netconf_create(const char *dir, const struct netcreate_opts *o, struct network *out,
		   struct werr *err);

/* Removes the file of network name (never the default: error). */
int netconf_remove(const char *dir, const char *name, struct werr *err);

/* ---- addresses (pure) ---- */

/* The first address of subnet s (its range, if any) that is not the
 * gateway, not the network or broadcast address, and not in used (NULL
 * terminated dotted quads); -1 when the subnet is full. */
int netconf_ip_alloc(const struct net_subnet *s, char *const *used, char out[16], struct werr *err);

/* Is ip a usable host address of s (not network, broadcast, gateway)? */
bool netconf_ip_in(const struct net_subnet *s, const char *ip);

/* IPv6: the first address of subnet s (an IPv6 one) from ::2 up that is
 * not its gateway and not in used (canonical text, as inet_ntop writes
 * it); at most the first 65536 host addresses are tried. -1 when s is no
 * IPv6 subnet or none is free. */
int netconf_ip6_alloc(const struct net_subnet *s, char *const *used, char out[INET6_ADDRSTRLEN],
		      struct werr *err);

/* Is ip an IPv6 address of s other than its network address and gateway?
 * canon (may be NULL) gets its canonical text. */
bool netconf_ip6_in(const struct net_subnet *s, const char *ip, char canon[INET6_ADDRSTRLEN]);

#endif
