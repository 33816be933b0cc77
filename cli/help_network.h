/* help_network.h - the --help texts of `warren network ...` (included by
 * cli/cmd_network.c only). */
#ifndef WARREN_HELP_NETWORK_H
#define WARREN_HELP_NETWORK_H

#define NETWORK_CREATE_HELP                                                                        \
	"SYNOPSIS\n  warren network create [OPTIONS] [NAME]\n\n"                                   \
	"DESCRIPTION\n  Creates a bridge network and prints its name. Containers join it with\n"   \
	"  run --network NAME and reach each other by name. The definition is a JSON\n"            \
	"  file in Podman's shape, <root>/networks/NAME.json (root:\n"                             \
	"  /var/lib/warren/networks). Without NAME it is podmanN (the first free N).\n"            \
	"  Names match [a-zA-Z0-9][a-zA-Z0-9_.-]* (at most 250 characters). Without\n"             \
	"  --subnet it gets the first 10.89.N.0/24 that no other network and no route\n"           \
	"  of the host uses; its bridge is the first free podmanN.\n\n"                            \
	"OPTIONS\n"                                                                                \
	"      --disable-dns          no DNS server (aardvark-dns) on this network\n"              \
	"  -d, --driver DRIVER        bridge (the only driver)\n"                                  \
	"      --gateway IP           the gateway of the subnet given in the same place\n"         \
	"                             (default: its first address); repeatable, or IP,IP\n"        \
	"      --ignore               an existing network NAME is no error\n"                      \
	"      --interface-name NAME  the bridge's name (default: the first free podmanN)\n"       \
	"      --internal             no route out of the network\n"                               \
	"      --ip-range CIDR        containers get addresses from this part of the subnet\n"     \
	"                             given in the same place\n"                                   \
	"      --ipam-driver host-local  the address manager (the only one)\n"                     \
	"      --ipv6                 IPv6 too: a random fdXX:.../64 unless --subnet has one\n"    \
	"      --label K[=V]          a label (repeatable)\n"                                      \
	"  -o, --opt K=V              mtu=N, vlan=N or isolate=true|false\n"                       \
	"      --subnet CIDR          the subnet (repeatable: IPv4 and IPv6); one that\n"          \
	"                             overlaps another network or a host route is refused\n\n"     \
	"EXAMPLES\n  warren network create web\n"                                                  \
	"  warren network create --subnet 10.5.0.0/24 --gateway 10.5.0.254 lab\n"

#define NETWORK_LS_HELP                                                                            \
	"SYNOPSIS\n  warren network ls [OPTIONS]\n\n"                                              \
	"DESCRIPTION\n  Lists networks (NETWORK ID, NAME, DRIVER), sorted by name; the default\n"  \
	"  network podman is always there.\n\n"                                                    \
	"OPTIONS\n"                                                                                \
	"  -f, --filter K=V  name=REGEX, id=REGEX, driver=NAME, label=K[=V],\n"                    \
	"                    dangling=true|false (no container uses it), until=TIME;\n"            \
	"                    values of one key: any may match, different keys: all must,\n"        \
	"                    every label= must\n"                                                  \
	"      --format F    json, or a Go template (.Name .ID .Driver .NetworkInterface\n"        \
	"                    .Created .Subnets .IPv6Enabled .Internal .DNSEnabled .Labels\n"       \
	"                    .Options .IPAMOptions)\n"                                             \
	"      --no-trunc    the full 64-hex network ids\n"                                        \
	"      --noheading   no header row\n"                                                      \
	"  -q, --quiet       names only\n"

#define NETWORK_INSPECT_HELP                                                                       \
	"SYNOPSIS\n  warren network inspect [OPTIONS] NETWORK...\n\n"                              \
	"DESCRIPTION\n  Prints networks (by name, id or a unique id prefix) as a JSON array in\n"  \
	"  Podman's shape: name, id, driver, network_interface, created, subnets\n"                \
	"  (subnet, gateway, lease_range), ipv6_enabled, internal, dns_enabled, labels,\n"         \
	"  options, ipam_options. An unknown NETWORK fails (125) after the others print.\n\n"      \
	"OPTIONS\n"                                                                                \
	"  -f, --format F   a Go template such as '{{.NetworkInterface}}' (fields as in\n"         \
	"                   network ls)\n"

#define NETWORK_RM_HELP                                                                            \
	"SYNOPSIS\n  warren network rm [OPTIONS] NETWORK...\n\n"                                   \
	"DESCRIPTION\n  Removes networks and prints their names. A network that a container\n"     \
	"  uses (running or not) is refused (exit 2) unless -f, which removes those\n"             \
	"  containers first. The default network podman cannot be removed. An unknown\n"           \
	"  NETWORK exits 1; the others are still removed.\n\n"                                     \
	"OPTIONS\n"                                                                                \
	"  -f, --force      remove the containers that use it (stopping them) too\n"               \
	"  -t, --time SECS  seconds to wait after SIGTERM before SIGKILL (default 10)\n"

#define NETWORK_EXISTS_HELP                                                                        \
	"SYNOPSIS\n  warren network exists NETWORK\n\n"                                            \
	"DESCRIPTION\n  Exits 0 when the network exists (by name, id or id prefix), 1 when\n"      \
	"  it does not.\n"

#define NETWORK_PRUNE_HELP                                                                         \
	"SYNOPSIS\n  warren network prune [OPTIONS]\n\n"                                           \
	"DESCRIPTION\n  Removes every network that no container uses (never the default\n"         \
	"  network) and prints its name. Asks first unless -f.\n\n"                                \
	"OPTIONS\n"                                                                                \
	"  -f, --force       do not ask for confirmation\n"                                        \
	"      --filter K=V  only networks matching label=K[=V], label!=K[=V] or\n"                \
	"                    until=TIME\n"

#endif
