/* help_ports.h - help of the published-port flags and `warren port`
 * (issue 9). */
#ifndef WARREN_HELP_PORTS_H
#define WARREN_HELP_PORTS_H

/* the lines run and create add to their OPTIONS */
#define RUN_PORTS_HELP                                                                             \
	"  -p, --publish [IP:][HOSTPORT:]CTRPORT[/tcp|/udp]\n"                                     \
	"                            publish a container port on the host (repeatable): ranges\n"  \
	"                            8080-8085:80-85; no HOSTPORT: a random one (see `warren\n"    \
	"                            port`); IPv6 in brackets ([::1]:8080:80). The container's\n"  \
	"                            monitor forwards (splice) to 127.0.0.1:CTRPORT inside the\n"  \
	"                            container; a taken or privileged host port fails before\n"    \
	"                            the container starts. The server sees 127.0.0.1 as the\n"     \
	"                            client (docs/rootless, ports)\n"                              \
	"  -P, --publish-all         publish the image's EXPOSE ports and --expose's on random\n"  \
	"                            host ports\n"                                                 \
	"      --expose PORT[-PORT][/tcp|/udp]\n"                                                  \
	"                            expose a port (or range) without publishing it (for -P)\n"    \
	"      --pod POD             join pod POD (new:NAME: a new pod NAME): its infra's\n"       \
	"                            network, ipc and uts (and pid) namespaces as the pod\n"       \
	"                            shares them; its ports and hostname are the pod's (see\n"     \
	"                            `warren pod create`)\n"

#define PORT_HELP                                                                                  \
	"SYNOPSIS\n"                                                                               \
	"  warren port CONTAINER [PRIVATE_PORT[/PROTO]]\n"                                         \
	"  warren port --all\n\n"                                                                  \
	"DESCRIPTION\n"                                                                            \
	"  Lists the published ports of a running container, one line per port:\n"                 \
	"  \"80/tcp -> 0.0.0.0:8080\". With PRIVATE_PORT (PROTO: tcp by default), only its\n"      \
	"  host address: \"0.0.0.0:8080\" (an error when it is not published). A container\n"      \
	"  that does not run lists nothing.\n\n"                                                   \
	"OPTIONS\n"                                                                                \
	"  -a, --all                 the ports of every running container, each line after\n"      \
	"                            its short id and a tab\n\n"                                   \
	"EXAMPLES\n"                                                                               \
	"  warren run -d --name web -p 127.0.0.1::80 nginx\n"                                      \
	"  warren port web 80\n"

#endif
