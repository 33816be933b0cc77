/* netavark.h - bridge networks made by netavark, the network backend
 * Podman uses (and aardvark-dns, which netavark starts for networks with
 * DNS): warren writes the JSON netavark reads on stdin and runs `netavark
 * setup NETNS` / `netavark teardown NETNS`. No firewall rule and no DNS
 * server of our own. Rootless, netavark runs inside the rootless network
 * namespace (runtime/rnetns.c), which the caller names by fds. */
#ifndef WARREN_NETAVARK_H
#define WARREN_NETAVARK_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h"
#include "net/net.h"
#include "net/netconf.h"

/* Where netavark and aardvark-dns are: dirs (containers.conf's
 * helper_binaries_dir; NULL: Podman's default list, /usr/libexec/podman,
 * /usr/lib/podman and the /usr/local ones), then PATH. Malloc'd, NULL
 * when missing. */
char *netavark_find(const char *prog, char *const *dirs);

/* Fails with the fix when netavark is not installed (status 125). */
int netavark_check(char *const *dirs, struct werr *err);
/* netavark's PATH: path with /usr/sbin and /sbin added where missing (it
 * runs iptables, which Debian keeps there, off an ordinary user's PATH);
 * without path, a default one. malloc'd. */
char *netavark_path(const char *path);

struct netavark_run {
	char *const *dirs;	/* helper_binaries_dir, as netavark_find */
	const char *config_dir; /* netavark's --config: aardvark-dns's state */
	bool rootless;
	int netns_fd, mntns_fd;	    /* the netns (and mount ns) netavark runs in; -1: ours */
	int ctr_netns_fd;	    /* the container's netns (passed as /proc/self/fd/N) */
	const char *ctr_netns_path; /* or its path, when ctr_netns_fd is -1 */
};

/* netavark's network options for a container: its id and name, each
 * network of nets (defs[i] is the definition of nets[i]) with the
 * container's address, MAC, aliases (and the container's short id and
 * name, as Podman adds them, so other containers find it) and interface. */
struct json_object *netavark_options(const char *id, const char *name,
				     const struct net_attach *nets, const struct network *defs,
				     size_t n);

/* netavark setup: *status gets netavark's reply (one object per network:
 * interfaces.IF.mac_address, subnets[].ipnet/gateway, dns_server_ips,
 * dns_search_domains). netavark's own error text in the message. */
int netavark_setup(const struct netavark_run *r, struct json_object *opts,
		   struct json_object **status, struct werr *err);

/* netavark teardown of what setup made with the same options. */
int netavark_teardown(const struct netavark_run *r, struct json_object *opts, struct werr *err);

#endif
