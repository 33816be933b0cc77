/* net.h - container networking: the --network modes and the DNS and hosts
 * flags (parsed and validated here, pure logic), the /etc/resolv.conf and
 * /etc/hosts a container gets, and the user-mode network helpers that give
 * a rootless container's private network namespace its way out
 * (slirp4netns, pasta). The runtime ties a helper's lifetime to the
 * container's (runtime/ctrnet.c); this layer only starts one. */
#ifndef WARREN_NET_H
#define WARREN_NET_H

#include <json-c/json.h>
#include <stdbool.h>
#include <sys/types.h>

#include "lib/err.h"

enum net_mode {
	NET_DEFAULT = 0, /* not chosen: rootless slirp4netns or pasta, root NET_PRIVATE */
	NET_NONE,	 /* private netns, lo only */
	NET_HOST,	 /* the host's (pause process's) netns */
	NET_PRIVATE,	 /* private netns, lo only (root's default, until bridges) */
	NET_SLIRP,	 /* private netns, slirp4netns's tap0 */
	NET_PASTA,	 /* private netns, pasta's copy of the host's interface */
	NET_CONTAINER,	 /* another container's netns (container:REF) */
	NET_NS,		 /* the netns at a path (ns:PATH) */
	NET_BRIDGE,	 /* private netns on bridge networks (netavark) */
};

/* One bridge network a container is on (NET_BRIDGE). Strings malloc'd. */
struct net_attach {
	char *name;	/* the network's name (a reference until create resolves it) */
	char *ip;	/* asked for (--ip, NAME:ip=) or given at create; NULL: none yet */
	char *mac;	/* NAME:mac=, --mac-address; NULL: netavark picks one */
	char **aliases; /* NAME:alias=, --network-alias */
	char *ifname;	/* NAME:interface_name=; NULL: ethN by position */
	/* filled at create from the network: */
	char *gateway;	/* its gateway (NULL: none) */
	int prefix;	/* its prefix length */
	char *ip6;	/* the address on its IPv6 subnet (NULL: none) */
	char *gateway6; /* that subnet's gateway */
	int prefix6;
	bool dns; /* aardvark-dns serves it (dns_enabled) */
};

/* slirp4netns's default network (--cidr): the container is .100 of it,
 * the gateway (the host) .2, the DNS forwarder .3. */
#define NET_SLIRP_CIDR "10.0.2.0/24"

/* Everything of --network and the DNS/hosts flags but the mode itself
 * (struct run_opts keeps that as `net`). Strings malloc'd. */
struct net_opts {
	char *arg; /* container:REF's REF, ns:PATH's PATH */
	/* slirp4netns[:...] */
	bool allow_host_loopback;
	bool ipv6_off; /* enable_ipv6=false */
	int mtu;       /* 0: 65520 */
	char *cidr;    /* NULL: NET_SLIRP_CIDR */
	char *outbound_addr, *outbound_addr6;
	char *slirp_port_handler; /* "rootlesskit" or "slirp4netns", NULL: default
				     (read by the published ports code) */
	unsigned slirp_set;	  /* NET_SLIRP_SET_*: the options given (not saved) */
	const char *api_socket;	  /* slirp4netns's --api-socket (port_handler=
				     slirp4netns); set at start, not saved */
	char **pasta_args;	  /* pasta[:ARG,ARG...]: pasta's own options */
	char *mac;		  /* --mac-address */
	char **dns;		  /* --dns IP; NULL: the host's */
	bool dns_none;		  /* --dns none: no /etc/resolv.conf of ours */
	char **dns_search;	  /* --dns-search; "." clears the host's */
	char **dns_option;	  /* --dns-option */
	char **add_host;	  /* --add-host NAME:IP, validated */
	bool no_hosts;		  /* --no-hosts: the image's /etc/hosts */
	/* NET_BRIDGE: the networks, in the order given (eth0, eth1...) */
	struct net_attach *nets;
	size_t nnets;
	char *ip;	/* --ip (the first network's address) */
	char *ip6;	/* --ip6 (its IPv6 address) */
	char **aliases; /* --network-alias (every network's) */
};

/* The slirp4netns options of net_opts.slirp_set */
enum {
	NET_SLIRP_SET_LOOPBACK = 1 << 0,
	NET_SLIRP_SET_IPV6 = 1 << 1,
	NET_SLIRP_SET_MTU = 1 << 2,
	NET_SLIRP_SET_CIDR = 1 << 3,
	NET_SLIRP_SET_OUTBOUND = 1 << 4,
	NET_SLIRP_SET_OUTBOUND6 = 1 << 5,
	NET_SLIRP_SET_PORT_HANDLER = 1 << 6,
};

/* Fills the slirp4netns options of n that the user did not give (not in
 * n->slirp_set) from opts (containers.conf's [engine]
 * network_cmd_options: "K=V" as after slirp4netns:). Strings set come
 * from *owned (freed by its owner with net_opts_free). An unknown or bad
 * option fails as in --network, with the key named. */
int net_slirp_defaults(struct net_opts *n, char *const *opts, struct net_opts *owned,
		       struct werr *err);

/* Parses a --network value: none, host, private, slirp4netns[:K=V,...]
 * (allow_host_loopback, mtu, cidr, enable_ipv6, outbound_addr,
 * outbound_addr6, port_handler), pasta[:ARG,...], container:REF, ns:PATH,
 * bridge (the default network) or the name of a network, with
 * :ip=,mac=,alias=,interface_name= (Podman's). A network name after an
 * earlier one adds that network (--network a --network b, or a,b);
 * mixing a network with another mode is an error. Sets *mode and the
 * matching fields of n. Errors (status 125) in Podman's words. */
int net_parse_mode(const char *spec, enum net_mode *mode, struct net_opts *n, struct werr *err);

/* Podman's NetworkMode word of a mode ("slirp4netns", "container:ID"...);
 * malloc'd. */
char *net_mode_string(enum net_mode mode, const struct net_opts *n);

/* --ip IP, --ip6 IP, --network-alias NAME: validated and kept in n
 * (status 125). */
int net_set_ip(struct net_opts *n, const char *v, struct werr *err);
int net_set_ip6(struct net_opts *n, const char *v, struct werr *err);
int net_add_alias(struct net_opts *n, const char *v, struct werr *err);

/* Copies --ip, --network-alias and --mac-address into the networks of a
 * NET_BRIDGE mode (the first network's address and MAC, every network's
 * aliases; n's own fields stay); errors when the mode is not bridge or
 * --ip/--mac-address meet several networks (status 125). */
int net_bridge_flags(enum net_mode mode, struct net_opts *n, struct werr *err);

void net_attach_free(struct net_attach *a);

/* --dns IP|none, --dns-search DOMAIN, --dns-option OPT, --add-host
 * NAME:IP, --mac-address MAC: validated and added to n (status 125). */
int net_add_dns(struct net_opts *n, const char *v, struct werr *err);
int net_add_dns_search(struct net_opts *n, const char *v, struct werr *err);
int net_add_dns_option(struct net_opts *n, const char *v, struct werr *err);
int net_add_host(struct net_opts *n, const char *v, struct werr *err);
int net_set_mac(struct net_opts *n, const char *v, struct werr *err);

/* The flags that do not go with the mode: --dns* with none or
 * container:, --add-host with container:, --mac-address without
 * slirp4netns (status 125). */
int net_check_flags(enum net_mode mode, const struct net_opts *n, struct werr *err);

/* Is s an IPv4 or IPv6 address? */
bool net_ip_valid(const char *s);

/* The container's, the gateway's and the DNS forwarder's address in a
 * slirp4netns network (cidr NULL: the default), and its prefix length.
 * -1 when cidr is not an IPv4 network with room for .100. */
int net_slirp_addrs(const char *cidr, char ip[16], char gw[16], char dns[16], int *prefix);

/* n as JSON (the container's saved config) and back. */
struct json_object *net_opts_to_json(enum net_mode mode, const struct net_opts *n);
void net_opts_from_json(struct json_object *j, enum net_mode *mode, struct net_opts *n);

void net_opts_free(struct net_opts *n);

/* ---- /etc files (net/etcfiles.c) ---- */

/* The container's resolv.conf from the host's text (may be NULL):
 * loopback nameservers dropped unless the mode is host (in a private
 * network namespace they would point at the container itself); with
 * slirp4netns its DNS forwarder (dns_fwd) comes first; --dns replaces
 * the nameservers, --dns-search the search list ("." empties it),
 * --dns-option the options. Malloc'd. */
char *net_resolv_conf(const char *host, enum net_mode mode, const struct net_opts *n,
		      const char *dns_fwd);

/* The container's /etc/hosts as Podman writes it: the --add-host entries,
 * the host's /etc/hosts (host_hosts, may be NULL: localhost lines),
 * host.containers.internal (host_ip, NULL: left out), then the
 * container's own address (ctr_ip, NULL: none, for the host's network)
 * with its hostname and name. Malloc'd. */
char *net_hosts(const char *host_hosts, const struct net_opts *n, const char *host_ip,
		const char *ctr_ip, const char *hostname, const char *name);

/* The first IPv4 address of an interface that is up and not loopback, as
 * Podman finds the host's address for host.containers.internal; false
 * when there is none. */
bool net_host_ip(char out[16]);

/* ---- helpers (net/helpers.c) ---- */

/* A user-mode network helper serving one container's netns. */
struct net_helper {
	pid_t pid;     /* slirp4netns (our child) or pasta (daemonised) */
	int hold_fd;   /* slirp4netns: the write end of its --exit-fd pipe (closing
			  it ends slirp4netns); pasta: a pidfd of it; -1: none */
	bool pidfd;    /* hold_fd is a pidfd (send SIGTERM through it) */
	bool starting; /* spawned, ready_fd not read yet (net_helper_ready) */
	int ready_fd;
};

/* Brings up the network of the netns of process target: slirp4netns
 * (mode NET_SLIRP) or pasta (NET_PASTA), as a new session (a ^C at the
 * terminal is not its), its output in log_path. Returns once the
 * interface is configured (slirp4netns's --ready-fd; pasta daemonises
 * then). netns_fd (-1: none): that netns already open (the helper then
 * takes it as /proc/self/fd/N). A missing program or an unusable
 * /dev/net/tun: the fix in the message. */
int net_helper_start(enum net_mode mode, const struct net_opts *n, pid_t target, int netns_fd,
		     const char *log_path, struct net_helper *out, struct werr *err);

/* net_helper_start without the wait for slirp4netns's ready byte (pasta
 * is waited for all the same): net_helper_ready waits, and must come
 * before the container's process runs. */
int net_helper_spawn(enum net_mode mode, const struct net_opts *n, pid_t target,
		     const char *log_path, struct net_helper *out, struct werr *err);
int net_helper_ready(struct net_helper *h, const char *log_path, struct werr *err);

/* A process holding a new network namespace with lo up, made before the
 * container's process so that its helper can start early (`run`: while
 * the rootfs is made). *ctl: closing it ends the holder; reap *pid. */
int net_holder_start(pid_t *pid, int *ctl, struct werr *err);

/* Checks, before the container is made, that the helper of mode can run:
 * its program is on PATH and /dev/net/tun opens. */
int net_helper_check(enum net_mode mode, struct werr *err);

/* A published port that slirp4netns's own port handler forwards. */
struct net_fwd {
	const char *proto;     /* "tcp" or "udp" */
	const char *host_addr; /* "" or NULL: every address */
	int host_port, guest_port;
};

/* Asks the slirp4netns listening on api_socket (--api-socket) to forward
 * each of fwd (add_hostfwd): it accepts on the host and connects to the
 * container from the client's own address. Its refusal (a taken port)
 * in the message, status 126 as for a port warren binds. */
int net_slirp_hostfwd(const char *api_socket, const struct net_fwd *fwd, size_t n,
		      struct werr *err);

/* Tells the helper to end (slirp4netns: closes its exit fd; pasta:
 * SIGTERM) without waiting: it takes slirp4netns some 25 ms, which the
 * caller spends on its own clean-up. */
void net_helper_end(struct net_helper *h);

/* Ends the helper if that was not done yet and reaps it when it is our
 * child (a second at most, then SIGKILL). Without wait it is not waited
 * for: its exit (some 20 ms: its sandbox's mount namespace goes with it)
 * is off the caller's path; a later call of this process reaps it, or
 * init once we are gone. */
void net_helper_stop(struct net_helper *h, bool wait);

/* Brings up "lo" in the calling process's network namespace (needs
 * CAP_NET_ADMIN over it: true for the container's init before it drops
 * capabilities). Safe in a forked child: no allocation, no printing. */
int net_loopback_up(struct werr *err);

#endif
