/* help_pod.h - the --help texts of `warren pod ...` (included by
 * cli/cmd_pod.c only). */
#ifndef WARREN_HELP_POD_H
#define WARREN_HELP_POD_H

#define POD_CREATE_HELP                                                                            \
	"SYNOPSIS\n  warren pod create [OPTIONS]\n\n"                                              \
	"DESCRIPTION\n  Creates a pod and prints its id. A pod is a group of containers that\n"    \
	"  share namespaces: those of its infra container, a tiny process of warren's own\n"       \
	"  (no image needed) that holds them and the pod's published ports. Containers join\n"     \
	"  with run --pod NAME or create --pod NAME (--pod new:NAME makes the pod too);\n"         \
	"  sharing the network, they reach each other on localhost. The infra is created\n"        \
	"  with the pod and started with its first container (or pod start).\n\n"                  \
	"OPTIONS\n"                                                                                \
	"      --hostname NAME       the hostname of the pod's uts namespace (default: the\n"      \
	"                            pod's name)\n"                                                \
	"      --infra[=BOOL]        make an infra container (default true); without one the\n"    \
	"                            containers share nothing\n"                                   \
	"  -l, --label K[=V]         add a label\n"                                                \
	"  -n, --name NAME           the pod's name (default: a generated one)\n"                  \
	"      --network, --net MODE the infra's network, as run --network takes it\n"             \
	"                            (default: slirp4netns rootless, a private netns as root);\n"  \
	"                            repeated: bridge networks, the infra joins each\n"            \
	"  -p, --publish [IP:][HOSTPORT:]PORT[/PROTO]\n"                                           \
	"                            publish a port of the pod (its infra) on the host\n"          \
	"      --share NS[,NS...]    the namespaces to share: ipc, net, pid, uts, or none\n"       \
	"                            (default ipc,net,uts)\n"                                      \
	"  -m, --memory N, --memory-swap N, --cpus N, -c, --cpu-shares N, --cpuset-cpus LIST,\n"   \
	"      --cpuset-mems LIST, --blkio-weight N, --device-read-bps DEV:RATE,\n"                \
	"      --device-write-bps DEV:RATE\n"                                                      \
	"                            limits of the pod's cgroup, which all its containers'\n"      \
	"                            cgroups are under (values as run takes them)\n"               \
	"      --cgroup-parent PATH  the pod's cgroup goes under PATH (default /warren)\n\n"       \
	"EXAMPLES\n  warren pod create --name web -p 8080:80\n"                                    \
	"  warren run -d --pod web busybox httpd -f -p 80\n"                                       \
	"  warren run --rm --pod web busybox wget -qO- http://localhost:80/\n"

#define POD_PS_HELP                                                                                \
	"SYNOPSIS\n  warren pod ps [OPTIONS]\n\n"                                                  \
	"DESCRIPTION\n  Lists pods: POD ID, NAME, STATUS, CREATED, INFRA ID, # OF CONTAINERS "     \
	"(the\n"                                                                                   \
	"  infra counts). STATUS is Created, Running, Degraded (some run), Paused, Exited,\n"      \
	"  Stopped (some exited) or Error, as Podman derives it from the containers.\n\n"          \
	"OPTIONS\n"                                                                                \
	"      --ctr-ids             show the ids of the containers instead of their number\n"     \
	"      --ctr-names           show their names\n"                                           \
	"      --ctr-status          show their states\n"                                          \
	"  -f, --filter K=V          id=PREFIX, name=REGEX, label=K[=V], status=STATE,\n"          \
	"                            ctr-names=NAME, ctr-ids=PREFIX, ctr-number=N; a pod\n"        \
	"                            must match all\n"                                             \
	"      --format F            json, or a Go template (.ID .Name .Status .Created\n"         \
	"                            .InfraID .NumberOfContainers .Labels .Networks\n"             \
	"                            .ContainerNames .ContainerIds .ContainerStatuses)\n"          \
	"      --no-trunc            full ids\n"                                                   \
	"      --noheading           no header row\n"                                              \
	"  -q, --quiet               print only the ids\n"

#define POD_INSPECT_HELP                                                                           \
	"SYNOPSIS\n  warren pod inspect [OPTIONS] POD [POD...]\n\n"                                \
	"DESCRIPTION\n  Prints pods as JSON in Podman's shape (Id, Name, Created, State,\n"        \
	"  Hostname, Labels, CreateInfra, InfraContainerID, InfraConfig, SharedNamespaces,\n"      \
	"  NumContainers, Containers): one pod as an object, several as an array, as\n"            \
	"  Podman 4.3 prints them.\n\n"                                                            \
	"OPTIONS\n"                                                                                \
	"  -f, --format F   json, or a Go template such as '{{.InfraContainerID}}'\n"

#define POD_START_HELP                                                                             \
	"SYNOPSIS\n  warren pod start [OPTIONS] POD [POD...]\n\n"                                  \
	"DESCRIPTION\n  Starts the infra container of each pod, then its other containers in\n"    \
	"  the order they were created, and prints the pod's id.\n\n"                              \
	"OPTIONS\n"                                                                                \
	"  -a, --all   every pod\n"

#define POD_STOP_HELP                                                                              \
	"SYNOPSIS\n  warren pod stop [OPTIONS] POD [POD...]\n\n"                                   \
	"DESCRIPTION\n  Stops the containers of each pod, the last started first, then its\n"      \
	"  infra, and prints the pod's id.\n\n"                                                    \
	"OPTIONS\n"                                                                                \
	"  -a, --all         every pod\n"                                                          \
	"  -i, --ignore      an unknown pod is no error\n"                                         \
	"  -t, --time SECS   seconds to wait after the stop signal before SIGKILL (default:\n"     \
	"                    each container's stop timeout)\n"

#define POD_RESTART_HELP                                                                           \
	"SYNOPSIS\n  warren pod restart [OPTIONS] POD [POD...]\n\n"                                \
	"DESCRIPTION\n  Stops each pod as pod stop does, then starts it as pod start does.\n\n"    \
	"OPTIONS\n"                                                                                \
	"  -a, --all         every pod\n"                                                          \
	"  -i, --ignore      an unknown pod is no error\n"                                         \
	"  -t, --time SECS   seconds to wait before SIGKILL while stopping\n"

#define POD_KILL_HELP                                                                              \
	"SYNOPSIS\n  warren pod kill [OPTIONS] POD [POD...]\n\n"                                   \
	"DESCRIPTION\n  Sends a signal to the running containers of each pod (the infra "          \
	"last).\n\n"                                                                               \
	"OPTIONS\n"                                                                                \
	"  -a, --all           every pod\n"                                                        \
	"  -s, --signal SIG    the signal, a name or a number (default KILL)\n"

#define POD_PAUSE_HELP                                                                             \
	"SYNOPSIS\n  warren pod pause [OPTIONS] POD [POD...]\n\n"                                  \
	"DESCRIPTION\n  Pauses the running containers of each pod (cgroup freezer).\n\n"           \
	"OPTIONS\n"                                                                                \
	"  -a, --all   every pod\n"

#define POD_UNPAUSE_HELP                                                                           \
	"SYNOPSIS\n  warren pod unpause [OPTIONS] POD [POD...]\n\n"                                \
	"DESCRIPTION\n  Unpauses the paused containers of each pod.\n\n"                           \
	"OPTIONS\n"                                                                                \
	"  -a, --all   every pod\n"

#define POD_RM_HELP                                                                                \
	"SYNOPSIS\n  warren pod rm [OPTIONS] POD [POD...]\n\n"                                     \
	"DESCRIPTION\n  Removes pods: their containers, then their infra, then the pod. A pod\n"   \
	"  with a running container is refused unless -f, which stops them first. An\n"            \
	"  infra container cannot be removed on its own (rm says so) while its pod\n"              \
	"  exists.\n\n"                                                                            \
	"OPTIONS\n"                                                                                \
	"  -a, --all         every pod\n"                                                          \
	"  -f, --force       stop running containers first\n"                                      \
	"  -i, --ignore      an unknown pod is no error\n"                                         \
	"  -t, --time SECS   seconds to wait after the stop signal before SIGKILL\n"

#define POD_PRUNE_HELP                                                                             \
	"SYNOPSIS\n  warren pod prune [OPTIONS]\n\n"                                               \
	"DESCRIPTION\n  Removes every pod none of whose containers runs, and prints its id.\n"     \
	"  Asks first unless -f.\n\n"                                                              \
	"OPTIONS\n"                                                                                \
	"  -f, --force   do not ask for confirmation\n"

#define POD_TOP_HELP                                                                               \
	"SYNOPSIS\n  warren pod top POD [DESCRIPTORS...]\n\n"                                      \
	"DESCRIPTION\n  Shows the processes of the running containers of a pod (the infra's\n"     \
	"  too) in one table, with top's descriptors (default: user, pid, ppid, pcpu,\n"           \
	"  etime, tty, time, args).\n"

#define POD_STATS_HELP                                                                             \
	"SYNOPSIS\n  warren pod stats [OPTIONS] [POD...]\n\n"                                      \
	"DESCRIPTION\n  Shows, for every container of each pod (all pods when none is named),\n"   \
	"  Podman's columns: POD CID NAME CPU % MEM USAGE/ LIMIT MEM % NET IO BLOCK IO\n"          \
	"  PIDS, read from the containers' cgroups. A container that does not run, or\n"           \
	"  runs without a cgroup warren can read (rootless without a delegated one),\n"            \
	"  shows --. Every --interval seconds until interrupted, or once.\n\n"                     \
	"OPTIONS\n"                                                                                \
	"  -a, --all           every pod (the default without POD)\n"                              \
	"      --format F      json, or a Go template such as '{{.Name}} {{.CPU}}'\n"              \
	"  -i, --interval N    seconds between rounds (default 5)\n"                               \
	"  -l, --latest        (refused: name the pod)\n"                                          \
	"      --no-reset      do not clear the screen between rounds\n"                           \
	"      --no-stream     print one round and exit\n"                                         \
	"      --no-trunc      accepted (ids stay 12 characters, as Podman's)\n\n"                 \
	"EXAMPLES\n  warren pod stats --no-stream mypod\n"

#define POD_LOGS_HELP                                                                              \
	"SYNOPSIS\n  warren pod logs [OPTIONS] POD\n\n"                                            \
	"DESCRIPTION\n  Prints the logs of the containers of a pod, one container after the\n"     \
	"  other in the order they were created.\n\n"                                              \
	"OPTIONS\n"                                                                                \
	"  -c, --container CTR   only that container's (a name or an id prefix)\n"                 \
	"  -f, --follow          go on with new lines (of all the containers, interleaved\n"       \
	"                        line by line) until they have all exited\n"                       \
	"  -n, --names           each line starts with the container's name\n"                     \
	"      --since TIME      lines since TIME (RFC 3339, Unix seconds or a duration)\n"        \
	"      --tail N          only the last N lines of each container\n"                        \
	"  -t, --timestamps      each line starts with its time\n"                                 \
	"      --until TIME      lines until TIME\n"

#define POD_EXISTS_HELP                                                                            \
	"SYNOPSIS\n  warren pod exists POD\n\n"                                                    \
	"DESCRIPTION\n  Exits 0 when the pod exists, 1 when it does not.\n"

#endif
