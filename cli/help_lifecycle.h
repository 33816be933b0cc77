/* help_lifecycle.h - the man-style help of the container lifecycle
 * commands (cli/cmd_lifecycle.c, cli/cmd_logs.c), for cli/commands.c. */
#ifndef WARREN_HELP_LIFECYCLE_H
#define WARREN_HELP_LIFECYCLE_H

#define CREATE_HELP                                                                                \
	"SYNOPSIS\n  warren create [OPTIONS] IMAGE [COMMAND [ARG...]]\n\n"                         \
	"DESCRIPTION\n"                                                                            \
	"  Creates a container from IMAGE as `run` would, without starting it, and prints its\n"   \
	"  id. `warren start` runs it. Takes the options of `warren run`; --rm removes it\n"       \
	"  when it exits after a start.\n\n" RUN_OPTIONS_HELP

#define START_HELP                                                                                 \
	"SYNOPSIS\n  warren start [OPTIONS] CONTAINER [CONTAINER...]\n\n"                          \
	"DESCRIPTION\n"                                                                            \
	"  Starts created or exited containers, each under a monitor process of its own that\n"    \
	"  keeps its log (`warren logs`) and records its exit; prints each name as given. A\n"     \
	"  running container is left alone.\n\n"                                                   \
	"OPTIONS\n"                                                                                \
	"  -a, --attach        attach to it through its monitor (as `warren attach`, from its\n"   \
	"                      first output on): warren exits with its status; the detach\n"       \
	"                      keys leave it running (one container only)\n"                       \
	"  -i, --interactive   with --attach: pass stdin to it\n"                                  \
	"      --detach-keys KEYS\n"                                                               \
	"                      with --attach: the keys that detach (default ctrl-p,ctrl-q;\n"      \
	"                      \"\" disables)\n"                                                   \
	"      --sig-proxy     with --attach: pass signals on (default true)\n"                    \
	"      --lock-fd FD    (the monitor's, for a restart policy) start holding this lock\n"

#define STOP_HELP                                                                                  \
	"SYNOPSIS\n  warren stop [OPTIONS] CONTAINER [CONTAINER...]\n\n"                           \
	"DESCRIPTION\n"                                                                            \
	"  Stops running containers: sends the stop signal (--stop-signal, the image's\n"          \
	"  StopSignal, else SIGTERM), waits, then sends SIGKILL. Prints each name as given.\n"     \
	"  Stopping a container that does not run does nothing.\n\n"                               \
	"OPTIONS\n"                                                                                \
	"  -a, --all           stop every running container\n"                                     \
	"  -i, --ignore        ignore containers that do not exist\n"                              \
	"  -t, --time SECS     seconds to wait before SIGKILL (default: the container's\n"         \
	"                      --stop-timeout, 10); 0 kills at once\n"                             \
	"      --timeout SECS  the same as --time\n"

#define RESTART_HELP                                                                               \
	"SYNOPSIS\n  warren restart [OPTIONS] CONTAINER [CONTAINER...]\n\n"                        \
	"DESCRIPTION\n  Stops the containers (as `warren stop`) and starts them again.\n\n"        \
	"OPTIONS\n"                                                                                \
	"  -a, --all           restart every container\n"                                          \
	"  -i, --ignore        ignore containers that do not exist\n"                              \
	"  -t, --time SECS     seconds to wait before SIGKILL (default: --stop-timeout);\n"        \
	"      --timeout SECS  the same\n"

#define KILL_HELP                                                                                  \
	"SYNOPSIS\n  warren kill [OPTIONS] CONTAINER [CONTAINER...]\n\n"                           \
	"DESCRIPTION\n"                                                                            \
	"  Sends a signal to the init process of running containers. As in any pid namespace,\n"   \
	"  an init ignores a signal it has no handler for (SIGKILL excepted).\n\n"                 \
	"OPTIONS\n"                                                                                \
	"  -a, --all           signal every running container\n"                                   \
	"  -s, --signal SIG    the signal: a name (TERM, SIGTERM) or number (default KILL)\n"

#define WAIT_HELP                                                                                  \
	"SYNOPSIS\n  warren wait CONTAINER [CONTAINER...]\n\n"                                     \
	"DESCRIPTION\n"                                                                            \
	"  Waits until each container has exited and prints its exit code, one per line.\n"

#define CLEANUP_HELP                                                                               \
	"SYNOPSIS\n  warren container cleanup [OPTIONS] CONTAINER [CONTAINER...]\n\n"              \
	"DESCRIPTION\n"                                                                            \
	"  Unmounts the root filesystem of containers that no longer run. The monitor of a\n"      \
	"  detached container runs it, with --exit-code and --lock-fd, when the container\n"       \
	"  exits: then it records the exit and removes a --rm container.\n\n"                      \
	"OPTIONS\n"                                                                                \
	"      --exit-code N   the exit status to record (with --lock-fd)\n"                       \
	"      --lock-fd FD    the container's owner lock, inherited from its monitor\n"

#define LOGS_HELP                                                                                  \
	"SYNOPSIS\n  warren logs [OPTIONS] CONTAINER [CONTAINER...]\n\n"                           \
	"DESCRIPTION\n"                                                                            \
	"  Prints what containers wrote to stdout and stderr (each to the same stream here),\n"    \
	"  from their k8s-file log. A container run with --log-driver none has no log.\n\n"        \
	"OPTIONS\n"                                                                                \
	"  -f, --follow        keep printing new output until the container exits\n"               \
	"  -n, --names         prefix each line with the container's name\n"                       \
	"      --since TIME    only output after TIME: RFC 3339, Unix seconds, or a duration\n"    \
	"                      before now (10m, 1h30m)\n"                                          \
	"      --until TIME    only output before TIME (same forms)\n"                             \
	"  -t, --timestamps    prefix each line with the time it was written\n"                    \
	"      --tail N        only the last N lines (-1: all)\n"

#define ATTACH_HELP                                                                                \
	"SYNOPSIS\n  warren attach [OPTIONS] CONTAINER\n\n"                                        \
	"DESCRIPTION\n"                                                                            \
	"  Attaches this terminal to a running detached container through its monitor: its\n"      \
	"  output appears here, and with -i at its creation, what is typed goes to its stdin.\n"   \
	"  The detach keys (default ctrl-p,ctrl-q) leave it running; when it exits, warren\n"      \
	"  exits with its status.\n\n"                                                             \
	"OPTIONS\n"                                                                                \
	"      --detach-keys KEYS  the keys that detach: ctrl-X or a character, "                  \
	"comma-separated;\n"                                                                       \
	"                          \"\" disables\n"                                                \
	"      --no-stdin          do not pass stdin on\n"                                         \
	"      --sig-proxy         pass signals on to the container (default true; not with a\n"   \
	"                          terminal, where ^C is a keystroke)\n"

#define EVENTS_HELP                                                                                \
	"SYNOPSIS\n  warren events [OPTIONS]\n\n"                                                  \
	"DESCRIPTION\n"                                                                            \
	"  Prints what happened to containers, images, volumes and pods, from the event log\n"     \
	"  every command appends to (<root>/events/events.log, one JSON object a line, as\n"       \
	"  Podman's file backend), then waits for new events until interrupted.\n\n"               \
	"OPTIONS\n"                                                                                \
	"  -f, --filter K=V    container=, event= (or status=), image=, pod=, type=, volume=;\n"   \
	"                      the values of one key OR, different keys AND\n"                     \
	"      --format F      json (one object a line), or a Go template ({{.Status}})\n"         \
	"      --since TIME    only events after TIME: RFC 3339, Unix seconds, or a duration\n"    \
	"                      before now (10m)\n"                                                 \
	"      --until TIME    only events before TIME; a past one ends the stream there\n"        \
	"      --stream=false  print the events there are and exit\n"

#define PAUSE_HELP                                                                                 \
	"SYNOPSIS\n  warren pause [OPTIONS] CONTAINER [CONTAINER...]\n\n"                          \
	"DESCRIPTION\n"                                                                            \
	"  Freezes every process of running containers with the cgroup freezer (v1's freezer\n"    \
	"  controller, else cgroup v2's cgroup.freeze) of the container's own cgroup. Root gets\n" \
	"  one for each container; rootless users only inside a cgroup they own (systemd's\n"      \
	"  delegation on cgroup v2, or one an admin chown'ed): without one, pause says why.\n\n"   \
	"OPTIONS\n"                                                                                \
	"  -a, --all           every running container that is not paused\n"

#define UPDATE_HELP                                                                                \
	"SYNOPSIS\n  warren update [OPTIONS] CONTAINER\n\n"                                        \
	"DESCRIPTION\n"                                                                            \
	"  Changes a container's resource limits and restart policy, and prints its id. A\n"       \
	"  running container's cgroup gets the new limits at once, a stopped one at its next\n"    \
	"  start; the flags not given keep their values (a new --memory without --memory-swap\n"   \
	"  makes swap twice the memory again; --cpus replaces --cpu-quota/--cpu-period).\n"        \
	"  Where this user can have no cgroup of a limit's controller, it is refused with the\n"   \
	"  reason.\n\n"                                                                            \
	"OPTIONS\n"                                                                                \
	"      --restart POLICY  no, on-failure[:N], always or unless-stopped\n"                   \
	"  -m, --memory, --memory-reservation, --memory-swap, --memory-swappiness, --cpus,\n"      \
	"  -c, --cpu-shares, --cpu-quota, --cpu-period, --cpuset-cpus, --cpuset-mems,\n"           \
	"      --pids-limit, --blkio-weight, --device-read-bps, --device-write-bps,\n"             \
	"      --device-read-iops, --device-write-iops\n"                                          \
	"                        as `warren run` takes them\n"

#define STATS_HELP                                                                                 \
	"SYNOPSIS\n  warren stats [OPTIONS] [CONTAINER...]\n\n"                                    \
	"DESCRIPTION\n"                                                                            \
	"  Shows CPU, memory, network and block I/O and pids of containers (default: the\n"        \
	"  running ones) as Podman's columns, read from each container's own cgroup and its\n"     \
	"  network namespace, every --interval seconds until interrupted. A running container\n"   \
	"  without a cgroup (see `warren pause --help`) is an error that says why.\n\n"            \
	"OPTIONS\n"                                                                                \
	"  -a, --all           every container (those that do not run show zeros)\n"               \
	"      --no-stream     print once and exit\n"                                              \
	"      --no-reset      do not clear the screen between two rounds\n"                       \
	"      --no-trunc      full container ids\n"                                               \
	"  -i, --interval N    seconds between two rounds (default 5, as Podman)\n"                \
	"      --format F      json, or a Go template ({{.ID}} {{.Name}} {{.CPUPerc}}\n"           \
	"                      {{.MemUsage}} {{.MemPerc}} {{.NetIO}} {{.BlockIO}} {{.PIDS}}\n"     \
	"                      {{.UpTime}} {{.AVGCPU}}; \"table ...\" for a table)\n"              \
	"  -l, --latest        (refused: name the container)\n"

#define UNPAUSE_HELP                                                                               \
	"SYNOPSIS\n  warren unpause [OPTIONS] CONTAINER [CONTAINER...]\n\n"                        \
	"DESCRIPTION\n  Thaws containers `warren pause` froze.\n\n"                                \
	"OPTIONS\n"                                                                                \
	"  -a, --all           every paused container\n"

#endif
