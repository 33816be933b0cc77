/* The command tables and their man-style help. */
#include "cli/cli.h"
#include "cli/help_build.h"
#include "cli/help_ctrinfo.h"
#include "cli/help_secret.h"
#include "cli/help_lifecycle.h"
#include "cli/help_ports.h"

#include <stddef.h>

#define RUN_HELP_HEAD                                                                              \
	"SYNOPSIS\n"                                                                               \
	"  warren run [OPTIONS] IMAGE [COMMAND [ARG...]]\n\n"                                      \
	"DESCRIPTION\n"                                                                            \
	"  Creates a container from IMAGE and runs COMMAND (default: the image's entrypoint and\n" \
	"  cmd) in the foreground. warren waits for it in this very process and exits with its\n"  \
	"  status: 125 when warren itself fails, 126 when the command cannot be invoked, 127\n"    \
	"  when it is not found, 128+N when the container was killed by signal N. Signals sent\n"  \
	"  to warren (Ctrl-C) are passed on to the container's init, which, as in Podman,\n"       \
	"  ignores one it has no handler for.\n\n"

#define RUN_OPTIONS_HELP                                                                           \
	"OPTIONS\n"                                                                                \
	"  --rm                      remove the container when it exits\n"                         \
	"  -d, --detach              run in the background under a monitor; print the id\n"        \
	"  -i, --interactive         keep stdin open and pass it to the container\n"               \
	"  -t, --tty                 allocate a pseudo-terminal inside the container\n"            \
	"  -e, --env K[=V]           set an environment variable (K alone: take ours)\n"           \
	"      --env-file FILE       read K=V lines from FILE ('#' comments)\n"                    \
	"      --secret NAME[,OPTS]  secret NAME (warren secret) at /run/secrets/NAME; OPTS:\n"    \
	"                            type=mount|env, target=PATH|VAR, uid=, gid=, mode=\n"         \
	"  -w, --workdir DIR         working directory inside the container\n"                     \
	"  -u, --user USER[:GROUP]   run as this user (names resolved in the image)\n"             \
	"      --name NAME           name the container\n"                                         \
	"      --cidfile FILE        write the container's id to FILE (which must not exist)\n"    \
	"  -h, --hostname NAME       container host name (default: the short id)\n"                \
	"      --entrypoint CMD      override the entrypoint (string or JSON array; \"\" "         \
	"clears)\n"                                                                                \
	"  -v, --volume [SRC:]DST[:OPTS]\n"                                                        \
	"                            SRC a host path (bind mount) or a volume name (created on\n"  \
	"                            first use; an empty volume gets the image's content at\n"     \
	"                            DST); no SRC: an anonymous volume. OPTS: ro, rw, U (chown\n"  \
	"                            to the container's user), z, Z (accepted), nocopy, noexec,\n" \
	"                            nosuid, nodev, shared, rslave, ... (propagation)\n"           \
	"      --mount type=bind|volume|tmpfs,source=SRC,target=DST[,OPTS]\n"                      \
	"                            Docker's syntax: readonly, bind-propagation=P, relabel=R,\n"  \
	"                            U, volume-nocopy, volume-opt=K=V, tmpfs-size=N,\n"            \
	"                            tmpfs-mode=MODE\n"                                            \
	"      --volumes-from CTR[:ro|rw]\n"                                                       \
	"                            the volumes and bind mounts of container CTR\n"               \
	"      --tmpfs DST[:OPTS]    mount a tmpfs at DST\n"                                       \
	"      --image-volume MODE   the image's VOLUME dirs: bind (an anonymous volume each,\n"   \
	"                            the default), tmpfs or ignore\n"                              \
	"      --device HOST[:CTR][:PERMS]\n"                                                      \
	"                            a host device node (or a directory's nodes) in the\n"         \
	"                            container; or a CDI name such as nvidia.com/gpu=all,\n"       \
	"                            from the specs in /etc/cdi and /var/run/cdi\n"                \
	"      --read-only           mount the root filesystem read-only\n"                        \
	"      --network, --net MODE\n"                                                            \
	"                            slirp4netns[:OPTS] (rootless default; OPTS\n"                 \
	"                            allow_host_loopback=BOOL, mtu=N, cidr=CIDR,\n"                \
	"                            enable_ipv6=BOOL, outbound_addr=IP, outbound_addr6=IP,\n"     \
	"                            port_handler=rootlesskit|slirp4netns), pasta[:ARG,...],\n"    \
	"                            none (loopback only), host, private (the default),\n"         \
	"                            container:CTR (share its network), ns:PATH,\n"                \
	"                            bridge (the network \"podman\"; root's default when\n"        \
	"                            netavark is installed) or NET[:OPTS] (a network of\n"         \
	"                            `warren network create`; OPTS ip=IP, mac=MAC,\n"              \
	"                            alias=NAME, interface_name=IF); repeat for several\n"         \
	"      --dns IP              a nameserver for /etc/resolv.conf (none: no resolv.conf)\n"   \
	"      --dns-search DOMAIN   a search domain (\".\": none)\n"                              \
	"      --dns-option, --dns-opt OPT\n"                                                      \
	"                            a resolv.conf option (ndots:2, ...)\n"                        \
	"      --add-host NAME:IP    a line for /etc/hosts\n"                                      \
	"      --no-hosts            keep the image's /etc/hosts\n"                                \
	"      --mac-address MAC     the MAC address of slirp4netns's tap0 or of the\n"            \
	"                            network's interface\n"                                        \
	"      --ip IP               the container's address on its network\n"                     \
	"      --ip6 IP              its IPv6 address there (the network has an IPv6 subnet)\n"    \
	"      --network-alias NAME  one more name to find it by on its networks\n" RUN_PORTS_HELP \
	"      --ulimit TYPE=SOFT[:HARD]\n"                                                        \
	"                            a resource limit (nofile, nproc, core, stack, cpu, as,\n"     \
	"                            memlock, fsize, ...; -1: unlimited), or host (warren's\n"     \
	"                            own); rootless, at most the user's hard limit\n"              \
	"      --cap-add CAP         add a capability (or ALL)\n"                                  \
	"      --cap-drop CAP        drop a capability (or ALL)\n"                                 \
	"      --security-opt OPT    seccomp=unconfined or seccomp=PROFILE.json\n"                 \
	"      --privileged          all capabilities, no seccomp, no masked paths\n"              \
	"  -l, --label K[=V]         set a label (Config.Labels; over the image's)\n"              \
	"      --label-file FILE     read K[=V] labels from FILE ('#' comments)\n"                 \
	"      --stop-signal SIG     the signal `stop` sends first (default: the image's, TERM)\n" \
	"      --stop-timeout SECS   seconds `stop` waits before SIGKILL (default 10)\n"           \
	"      --log-driver D        k8s-file (default), none, passthrough (foreground only)\n"    \
	"      --log-opt max-size=N  keep the log of a detached container under N bytes\n"         \
	"      --sig-proxy=false     do not pass signals on: SIGINT, SIGTERM, SIGHUP, SIGQUIT\n"   \
	"                            kill the container (it cannot outlive warren)\n"              \
	"      --detach-keys KEYS    checked as Podman does (ctrl-p,ctrl-q); a foreground run\n"   \
	"                            cannot detach (it owns its container): run -d, then\n"        \
	"                            attach\n"                                                     \
	"      --pull POLICY         missing (default: pull when not stored), always, never,\n"    \
	"                            newer (pull when the registry has another image)\n"           \
	"  -q, --quiet               no pull progress\n"                                           \
	"      --authfile PATH       credentials file for the pull\n"                              \
	"      --cert-dir DIR        CA certificates for the pull\n"                               \
	"      --creds USER[:PASS]   credentials for the pull\n"                                   \
	"      --platform OS/ARCH    platform to pull from a multi-arch image\n"                   \
	"      --tls-verify[=BOOL]   verify TLS certificates when pulling (default true)\n"        \
	"      --restart POLICY      no (default), on-failure[:N], always, unless-stopped: the\n"  \
	"                            monitor of a detached container starts it again\n"            \
	"      --stop-signal SIG     what `stop` sends first (default: the image's, or TERM)\n"    \
	"      --stop-timeout SECS   how long `stop` waits before SIGKILL (default 10)\n"          \
	"      --log-driver DRIVER   k8s-file (default: `warren logs` reads it), none,\n"          \
	"                            passthrough (foreground only)\n"                              \
	"      --log-opt max-size=N  start the log over when it would grow past N (10k, 5m)\n"     \
	"      --init                run an init as pid 1 (catatonit, mounted at\n"                \
	"                            /run/podman-init) that passes signals on and reaps zombies\n" \
	"      --init-path PATH      the init --init runs (default: the catatonit package's)\n"    \
	"      --rootfs              IMAGE is a root filesystem dir DIR: the container runs in\n"  \
	"                            it and writes to it; DIR:O writes to an overlay instead\n"    \
	"                            and leaves DIR as it is; a squashfs FILE (also IMAGE\n"       \
	"                            FILE.sqsh without --rootfs) is mounted with squashfuse,\n"    \
	"                            writes go to an overlay, the image config it carries\n"       \
	"                            (image export --format squashfs) gives Cmd, Env, ...\n"       \
	"      --annotation K=V      an annotation of the OCI spec (OCI hooks match on them)\n"    \
	"      --health-cmd CMD      a healthcheck: a shell command, or a JSON array\n"            \
	"                            [\"CMD\", ...] or [\"CMD-SHELL\", \"...\"]; \"none\" drops "  \
	"the\n"                                                                                    \
	"                            image's. The monitor of a detached container runs it\n"       \
	"      --health-interval D   time between two checks (default 30s; \"disable\": only\n"    \
	"                            `warren healthcheck run`)\n"                                  \
	"      --health-retries N    failures in a row that make it unhealthy (default 3)\n"       \
	"      --health-start-period D\n"                                                          \
	"                            failures in this time after the start do not count\n"         \
	"      --health-timeout D    a check still running after D fails (default 30s)\n"          \
	"      --health-on-failure ACTION\n"                                                       \
	"                            none (default), kill, restart or stop the container when\n"   \
	"                            it becomes unhealthy\n"                                       \
	"      --no-healthcheck      no healthcheck, not even the image's\n"                       \
	"      --userns MODE         host (default: the engine's namespace), keep-id[:uid=N,\n"    \
	"                            gid=N] (rootless: your files keep your uid inside and the\n"  \
	"                            process runs as you), nomap, auto[:size=N], ns:PATH\n"        \
	"      --uidmap C:H:SIZE     container ids C.. on host ids H.. (rootless: ids of the\n"    \
	"                            user namespace: 0 is you, 1.. your sub-ids); repeatable\n"    \
	"      --gidmap C:H:SIZE     the same for group ids (default: as --uidmap)\n"              \
	"      --subuidname NAME     (root) map the /etc/subuid ranges of NAME\n"                  \
	"      --subgidname NAME     (root) map the /etc/subgid ranges of NAME\n"                  \
	"      --cgroups MODE        enabled (default: a cgroup of its own, where the host lets\n" \
	"                            you: root, or rootless inside a delegated one), disabled\n"   \
	"                            (none: no pause, no stats), no-conmon (as enabled), split\n"  \
	"                            (under the cgroup of the command that starts it)\n"           \
	"  -m, --memory N            memory limit (b, k, m, g: 512m, 1.5g; 6MB at least)\n"        \
	"      --memory-reservation N\n"                                                           \
	"                            soft memory limit\n"                                          \
	"      --memory-swap N       memory plus swap (-1: unlimited; default twice --memory)\n"   \
	"      --memory-swappiness N 0-100 (cgroup v1)\n"                                          \
	"      --oom-kill-disable    no OOM killer for the container (cgroup v1)\n"                \
	"      --oom-score-adj N     -1000..1000 (lower than warren's needs root)\n"               \
	"      --cpus N              CPUs' worth of time (1.5), a CFS quota of 100 ms periods\n"   \
	"  -c, --cpu-shares N        relative CPU weight (default 1024)\n"                         \
	"      --cpu-quota US, --cpu-period US\n"                                                  \
	"                            the CFS quota and period in microseconds\n"                   \
	"      --cpuset-cpus LIST, --cpuset-mems LIST\n"                                           \
	"                            CPUs and memory nodes it may use (0-2,4)\n"                   \
	"      --pids-limit N        most processes (default 2048 where the pids controller\n"     \
	"                            is there; 0 or -1: unlimited)\n"                              \
	"      --blkio-weight N      block I/O weight 10-1000 (CFQ's or BFQ's)\n"                  \
	"      --device-read-bps, --device-write-bps DEV:RATE\n"                                   \
	"                            bytes a second from or to block device DEV (1m)\n"            \
	"      --device-read-iops, --device-write-iops DEV:N\n"                                    \
	"                            operations a second\n"                                        \
	"                            Limits need a cgroup: root, or rootless a cgroup the user\n"  \
	"                            owns; where there is none they are refused with the\n"        \
	"                            reason (--cgroups=disabled: ignored, with a warning)\n"       \
	"      --cgroup-parent PATH  the container's cgroup goes under PATH (default warren)\n"    \
	"      --cgroupns MODE       host (default on cgroup v1) or private\n"                     \
	"      --shm-size N          size of /dev/shm (default 64m)\n\n"

#define RUN_HELP                                                                                   \
	RUN_HELP_HEAD RUN_OPTIONS_HELP                                                             \
	    "EXAMPLES\n"                                                                           \
	    "  warren run --rm busybox echo hello\n"                                               \
	    "  warren run --rm -it -v $PWD:/src:ro -w /src busybox sh\n"                           \
	    "  warren run --rm --rootfs ./tree:O /bin/sh\n"                                        \
	    "  warren run --rm ./busybox.sqsh echo hello\n"

#define EXEC_HELP                                                                                  \
	"SYNOPSIS\n"                                                                               \
	"  warren exec [OPTIONS] CONTAINER COMMAND [ARG...]\n"                                     \
	"  warren exec [OPTIONS] --latest COMMAND [ARG...]\n\n"                                    \
	"DESCRIPTION\n"                                                                            \
	"  Runs COMMAND in a running container: in its namespaces (pid, mount, ipc,\n"             \
	"  uts, network, cgroup) and its root, with its capabilities, seccomp profile,\n"          \
	"  no_new_privs, rlimits, user, environment and working directory unless the\n"            \
	"  options change them. warren waits for COMMAND and exits with its status:\n"             \
	"  125 when warren itself fails (an unknown container, one that does not\n"                \
	"  run), 126 when COMMAND cannot be invoked, 127 when it is not found or the\n"            \
	"  working directory is missing, 128+N when it was killed by signal N.\n"                  \
	"  Signals sent to warren (Ctrl-C, SIGTERM) are passed on to COMMAND.\n\n"                 \
	"OPTIONS\n"                                                                                \
	"  -i, --interactive         pass stdin to COMMAND (else it reads /dev/null)\n"            \
	"  -t, --tty                 a pseudo-terminal from the container's /dev/pts\n"            \
	"  -d, --detach              start COMMAND and return, printing its exec session's\n"      \
	"                            id (inspect's ExecIDs lists it until the container\n"         \
	"                            starts again); COMMAND runs on with stdio on\n"               \
	"                            /dev/null and no terminal\n"                                  \
	"  -e, --env K[=V]           set an environment variable (K alone: take ours)\n"           \
	"      --env-file FILE       read K=V lines from FILE ('#' comments)\n"                    \
	"  -u, --user USER[:GROUP]   run as this user (names resolved in the\n"                    \
	"                            container), with its HOME; root gets the\n"                   \
	"                            container's capabilities, other users none\n"                 \
	"  -w, --workdir DIR         working directory inside the container\n"                     \
	"      --privileged          every capability (seccomp stays)\n"                           \
	"      --detach-keys KEYS    checked as Podman does (ctrl-p,ctrl-q); detaching\n"          \
	"                            needs an exec monitor warren does not have yet\n"             \
	"  -l, --latest              the container created last instead of CONTAINER\n\n"          \
	"EXAMPLES\n"                                                                               \
	"  warren exec web cat /etc/os-release\n"                                                  \
	"  warren exec -it -u nobody -w /tmp web sh\n"

#define PS_HELP                                                                                    \
	"SYNOPSIS\n  warren ps [OPTIONS]\n\n"                                                      \
	"DESCRIPTION\n  Lists running containers (with -a all of them) in Podman's columns.\n\n"   \
	"OPTIONS\n"                                                                                \
	"  -a, --all        show every container, not only running ones\n"                         \
	"  -q, --quiet      print only the ids\n"                                                  \
	"      --no-trunc   full ids and commands\n"                                               \
	"      --format F   json, or a Go template such as '{{.Names}} {{.Status}}'\n"             \
	"  -n, --last N     the last N containers created (every state)\n"                         \
	"  -l, --latest     the last container created (every state)\n"                            \
	"  -s, --size       a SIZE column: what the container wrote (virtual: with its image)\n"   \
	"  -f, --filter K=V only those that match (several of one key: any; of different keys:\n"  \
	"                   all; a=1,b=2 is two): id=REGEX, name=REGEX, status=STATE (a\n"         \
	"                   status filter shows every container), label=KEY[=VALUE] (all must\n"   \
	"                   match), ancestor=IMAGE (name or full id), exited=CODE,\n"              \
	"                   before=CONTAINER, since=CONTAINER, until=TIME,\n"                      \
	"                   health=healthy|unhealthy|starting (running ones) or none\n"            \
	"                   (no check), network=NAME (on that bridge network), pod=POD\n"          \
	"      --external   accepted as by Podman (warren has no other tools' containers)\n"       \
	"  -p, --pod        POD ID and PODNAME columns (the pod of each container)\n"

#define RM_HELP                                                                                    \
	"SYNOPSIS\n  warren rm [OPTIONS] CONTAINER [CONTAINER...]\n\n"                             \
	"DESCRIPTION\n  Removes containers (name, id or id prefix) and their files.\n\n"           \
	"OPTIONS\n"                                                                                \
	"  -a, --all        remove every container\n"                                              \
	"  -f, --force      stop running containers first\n"                                       \
	"  -t, --time SECS  seconds to wait after SIGTERM before SIGKILL (default 10)\n"           \
	"  -i, --ignore     ignore containers that do not exist\n"                                 \
	"  -v, --volumes    remove the container's anonymous volumes too (named ones stay)\n"

#define INSPECT_HELP                                                                               \
	"SYNOPSIS\n  warren inspect [OPTIONS] NAME|ID [...]\n\n"                                   \
	"DESCRIPTION\n  Prints containers, images or pods (each name looked for in that\n"         \
	"  order) as a JSON array.\n\n"                                                            \
	"OPTIONS\n"                                                                                \
	"  -f, --format F   a Go template such as '{{.State.Status}}'\n"                           \
	"  -t, --type T     container, image or pod: only look for those (default all)\n"

#define IMAGES_HELP                                                                                \
	"SYNOPSIS\n  warren images [OPTIONS] [REPOSITORY[:TAG]]\n\n"                               \
	"DESCRIPTION\n  Lists images: REPOSITORY TAG IMAGE ID CREATED SIZE.\n\n"                   \
	"OPTIONS\n"                                                                                \
	"  -a, --all        also intermediate images (unnamed parents of other images)\n"          \
	"      --digests    show the manifest digest of each image (a DIGEST column)\n"            \
	"  -q, --quiet      print only the image ids\n"                                            \
	"      --no-trunc   full image ids\n"                                                      \
	"      --format F   json, or a Go template such as '{{.Id}}'\n"                            \
	"      --sort KEY   row order: created (newest first, the default), id,\n"                 \
	"                   repository (then tag), size or tag\n"                                  \
	"  -f, --filter K=V keep the images that match (several: the same key ORed,\n"             \
	"                   different keys ANDed; K!=V negates; a=1,b=2 is two filters):\n"        \
	"                   dangling=BOOL, intermediate=BOOL, containers=BOOL, readonly=BOOL,\n"   \
	"                   reference=PATTERN (globs on the name, its path, its last part),\n"     \
	"                   before=IMAGE, since=IMAGE (after=), until=TIME|DURATION,\n"            \
	"                   label=KEY[=VALUE], id=FULL-ID\n\n"                                     \
	"EXAMPLES\n"                                                                               \
	"  warren images --filter dangling=true -q\n"                                              \
	"  warren images --filter 'reference=*/busybox:*' --filter label=maintainer\n"

#define RMI_HELP                                                                                   \
	"SYNOPSIS\n  warren rmi [OPTIONS] IMAGE [IMAGE...]\n\n"                                    \
	"DESCRIPTION\n  Removes a name of an image, or the image when it was its last name or\n"   \
	"  an id was given. Images used by containers are kept unless -f.\n\n"                     \
	"OPTIONS\n"                                                                                \
	"  -f, --force      also remove the containers that use the image\n"                       \
	"  -a, --all        remove every image\n"

#define TAG_HELP                                                                                   \
	"SYNOPSIS\n  warren tag IMAGE TARGET_NAME [TARGET_NAME...]\n\n"                            \
	"DESCRIPTION\n  Adds names to an image. A short name gets the docker.io registry, as\n"    \
	"  Docker does (use localhost/NAME for a local-only name).\n"

#define LOAD_HELP                                                                                  \
	"SYNOPSIS\n  warren load [-q] [-i FILE]\n\n"                                               \
	"DESCRIPTION\n  Loads images from a docker-archive or oci-archive tarball (plain, gzip "   \
	"or\n"                                                                                     \
	"  zstd) or an OCI layout directory, verifying every blob against its digest, and\n"       \
	"  keeps each layer's blob as it came (for save). Without -i reads stdin.\n"               \
	"  A squashfs file of `image export --format squashfs` loads as one-layer image\n"         \
	"  with the config and names it carries (a new id: its layers are squashed).\n\n"          \
	"OPTIONS\n"                                                                                \
	"  -i, --input FILE   the archive\n"                                                       \
	"  -q, --quiet        less output\n"

#define IMG_EXPORT_HELP                                                                            \
	"SYNOPSIS\n  warren image export --format squashfs IMAGE FILE\n\n"                         \
	"DESCRIPTION\n  Writes IMAGE's filesystem as one squashfs file (mksquashfs, package\n"     \
	"  squashfs-tools) with its config at /.warren/image.json, for `warren run FILE`\n"        \
	"  (mounted with squashfuse, no extraction) and `warren load -i FILE`. FILE is\n"          \
	"  written to a temp name and renamed: complete or untouched.\n\n"                         \
	"OPTIONS\n"                                                                                \
	"      --format FORMAT   squashfs (the only one)\n"

#define SAVE_HELP                                                                                  \
	"SYNOPSIS\n  warren save [OPTIONS] IMAGE [NAME...]\n"                                      \
	"  warren save -m [OPTIONS] IMAGE [IMAGE...]\n\n"                                          \
	"DESCRIPTION\n  Writes images to a docker-archive (the default), an oci-archive or an\n"   \
	"  OCI layout directory, for `load` here or by Podman and Docker. Layers are written\n"    \
	"  byte for byte as they were loaded (docker-archive: uncompressed), so their digests\n"   \
	"  and the image id stay the same; a layer stored before warren kept blobs is made\n"      \
	"  anew from its files, and the saved image then gets another id. Without -o the\n"        \
	"  archive goes to stdout, which must not be a terminal. Extra NAMEs (without -m)\n"       \
	"  are more names of IMAGE in a docker-archive.\n\n"                                       \
	"OPTIONS\n"                                                                                \
	"  -o, --output PATH             the file, or for oci-dir the directory, to write\n"       \
	"      --format F                docker-archive, oci-archive or oci-dir\n"                 \
	"  -m, --multi-image-archive     every argument is an image to save\n"                     \
	"  -q, --quiet                   less output (warren prints no progress anyway)\n\n"       \
	"EXAMPLES\n"                                                                               \
	"  warren save -o busybox.tar busybox\n"                                                   \
	"  warren save --format oci-archive busybox | gzip > busybox.oci.tar.gz\n"

#define PULL_HELP                                                                                  \
	"SYNOPSIS\n  warren pull [OPTIONS] IMAGE[:TAG|@DIGEST]\n\n"                                \
	"DESCRIPTION\n  Copies an image from a registry into local storage and prints its id.\n"   \
	"  Short names resolve through registries.conf (unqualified-search-registries,\n"          \
	"  aliases); layers download in parallel, layers already stored are not fetched\n"         \
	"  again. Progress goes to stderr. A registry answering 429 or 5xx, or a dropped\n"        \
	"  connection, is tried again up to 3 times, after 1s, 2s and 4s (for tests,\n"            \
	"  WARREN_RETRY_BASE_MS replaces the 1s), layers stored so far kept. The signature\n"      \
	"  policy (policy.json) is checked before anything is stored: signedBy signatures\n"       \
	"  are read from the lookaside store of registries.d ($WARREN_REGISTRIES_D,\n"             \
	"  ~/.config/containers/registries.d or /etc/containers/registries.d), sigstoreSigned\n"   \
	"  ones from the registry's sigstore attachments.\n\n"                                     \
	"  IMAGE may name its transport, as Podman's: docker://NAME (a registry, the\n"            \
	"  default), docker-archive:PATH[:NAME] and oci-archive:PATH[:NAME] (an archive;\n"        \
	"  NAME picks one image of it, by tag or OCI ref.name) and oci:DIR[:NAME] (an OCI\n"       \
	"  layout directory). Without a prefix, containers.conf's [engine]\n"                      \
	"  image_default_transport applies (default docker://). run and create take the\n"         \
	"  same forms.\n\n"                                                                        \
	"OPTIONS\n"                                                                                \
	"  -a, --all-tags            pull every tag of the repository\n"                           \
	"      --arch ARCH           architecture to pull from a multi-arch image\n"               \
	"      --authfile PATH       credentials file (default: auth.json, see login)\n"           \
	"      --cert-dir DIR        CA certificates (*.crt) and client keys for TLS\n"            \
	"      --creds USER[:PASS]   credentials for this pull\n"                                  \
	"      --os OS               operating system to pull (default linux)\n"                   \
	"      --platform OS/ARCH[/VARIANT]  platform to pull\n"                                   \
	"  -q, --quiet               print only the image id\n"                                    \
	"      --signature-policy PATH  policy.json to use\n"                                      \
	"      --tls-verify[=BOOL]   verify TLS certificates, require https (default true)\n"      \
	"      --variant VARIANT     architecture variant (v7, v8)\n"

#define LOGIN_HELP                                                                                 \
	"SYNOPSIS\n  warren login [OPTIONS] REGISTRY\n\n"                                          \
	"DESCRIPTION\n  Checks credentials with a registry and stores them in auth.json\n"         \
	"  ($XDG_RUNTIME_DIR/containers/auth.json, or --authfile / $REGISTRY_AUTH_FILE),\n"        \
	"  the file Podman, Buildah and Skopeo read; when that file names a credential\n"          \
	"  helper for the registry (\"credHelpers\", or \"credsStore\"), docker-credential-NAME\n" \
	"  stores them instead. Asks on the terminal for what -u and -p do not give; the\n"        \
	"  password is never echoed, printed or logged.\n\n"                                       \
	"OPTIONS\n"                                                                                \
	"      --authfile PATH     credentials file to write\n"                                    \
	"      --cert-dir DIR      CA certificates (*.crt) and client keys for TLS\n"              \
	"      --get-login         print the user name stored for REGISTRY\n"                      \
	"  -p, --password PASS     password (visible to other users: prefer --password-stdin)\n"   \
	"      --password-stdin    read the password from stdin\n"                                 \
	"      --tls-verify[=BOOL] verify TLS certificates, require https (default true)\n"        \
	"  -u, --username USER     user name\n"

#define LOGOUT_HELP                                                                                \
	"SYNOPSIS\n  warren logout [OPTIONS] REGISTRY\n  warren logout --all\n\n"                  \
	"DESCRIPTION\n  Removes the stored credentials of REGISTRY (or of all registries).\n\n"    \
	"OPTIONS\n"                                                                                \
	"  -a, --all             remove the credentials of every registry\n"                       \
	"      --authfile PATH   credentials file to edit\n"

#define SEARCH_HELP                                                                                \
	"SYNOPSIS\n  warren search [OPTIONS] [REGISTRY/]TERM\n\n"                                  \
	"DESCRIPTION\n  Lists the repositories of a registry whose name contains TERM: from its\n" \
	"  search API (GET /v1/search, Docker Hub's) where it has one, else from its\n"            \
	"  catalog; or with --list-tags the tags of one repository. A TERM without a\n"            \
	"  registry searches the unqualified-search registries.\n\n"                               \
	"OPTIONS\n"                                                                                \
	"      --authfile PATH     credentials file\n"                                             \
	"      --cert-dir DIR      CA certificates (*.crt) and client keys for TLS\n"              \
	"      --creds USER[:PASS] credentials for this search\n"                                  \
	"  -f, --filter F          stars=N, is-official=BOOL, is-automated=BOOL\n"                 \
	"      --format F          json, or a Go template such as '{{.Name}}'\n"                   \
	"      --limit N           at most N results per registry (default 25)\n"                  \
	"      --list-tags         list the tags of the repository TERM\n"                         \
	"      --no-trunc          do not shorten descriptions\n"                                  \
	"      --tls-verify[=BOOL] verify TLS certificates, require https (default true)\n"

#define PUSH_HELP                                                                                  \
	"SYNOPSIS\n  warren push [OPTIONS] IMAGE [DESTINATION]\n\n"                                \
	"DESCRIPTION\n  Copies an image from local storage to a registry (DESTINATION, default\n"  \
	"  the image's own name; a docker:// prefix is accepted). Layers go byte for byte\n"       \
	"  as they were pulled or loaded, so their digests stay the same; blobs the\n"             \
	"  registry has are not sent again, and blobs of another repository of the same\n"         \
	"  registry are mounted instead of uploaded. DESTINATION may also be\n"                    \
	"  docker-archive:PATH[:NAME], oci-archive:PATH[:NAME] or oci:DIR[:NAME]: the\n"           \
	"  image is saved there (as save does), under NAME when one is given.\n\n"                 \
	"OPTIONS\n"                                                                                \
	"      --authfile PATH     credentials file (default: auth.json, see login)\n"             \
	"      --cert-dir DIR      CA certificates (*.crt) and client keys for TLS\n"              \
	"      --creds USER[:PASS] credentials for this push\n"                                    \
	"      --digestfile FILE   write the manifest digest to FILE\n"                            \
	"  -f, --format F          oci or v2s2: write a new manifest of that type\n"               \
	"  -q, --quiet             no progress\n"                                                  \
	"      --tls-verify[=BOOL] verify TLS certificates, require https (default true)\n"

#define TRUST_SHOW_HELP                                                                            \
	"SYNOPSIS\n  warren image trust show [OPTIONS] [REGISTRY]\n\n"                             \
	"DESCRIPTION\n  Shows the signature policy (policy.json) as Podman does: the default "     \
	"and\n"                                                                                    \
	"  each registry, namespace or repository with its requirements (signedBy is\n"            \
	"  shown as \"signed\"), the user ids of their GPG keys (ID) and the signature\n"          \
	"  store registries.d names for them (STORE).\n\n"                                         \
	"OPTIONS\n"                                                                                \
	"  -j, --json              as JSON\n"                                                      \
	"  -n, --noheading         no header row\n"                                                \
	"      --policypath PATH   another policy file\n"                                          \
	"      --raw               the file as it is\n"                                            \
	"      --registrypath DIR  another registries.d directory\n"

#define TRUST_SET_HELP                                                                             \
	"SYNOPSIS\n  warren image trust set [OPTIONS] REGISTRY[/REPOSITORY] | default\n\n"         \
	"DESCRIPTION\n  Sets the requirement for images of a registry, namespace or repository\n"  \
	"  (or the default) in policy.json. A signedBy requirement (GPG public keys)\n"            \
	"  makes pulls check the image's signatures in the lookaside store of\n"                   \
	"  registries.d; sigstoreSigned (PEM public keys) checks the sigstore\n"                   \
	"  attachments in the registry (use-sigstore-attachments in registries.d).\n\n"            \
	"OPTIONS\n"                                                                                \
	"  -f, --pubkeysfile FILE  public key (absolute path) for signedBy/sigstoreSigned\n"       \
	"      --policypath PATH   another policy file\n"                                          \
	"  -t, --type TYPE         accept, reject, signedBy (default), sigstoreSigned\n"

#define IMPORT_HELP                                                                                \
	"SYNOPSIS\n  warren import [OPTIONS] FILE|- [REFERENCE]\n\n"                               \
	"DESCRIPTION\n  Creates a one-layer image from a root filesystem tarball and prints its\n" \
	"  id. A short REFERENCE is named localhost/REFERENCE.\n\n"                                \
	"OPTIONS\n"                                                                                \
	"  -m, --message MSG  commit message stored in the image history\n"                        \
	"  -q, --quiet        less output\n"

#define IMG_INSPECT_HELP                                                                           \
	"SYNOPSIS\n  warren image inspect [--format F] IMAGE [IMAGE...]\n\n"                       \
	"DESCRIPTION\n  Prints images as a JSON array (or a Go template per image).\n\n"           \
	"OPTIONS\n  -f, --format F   json, or a Go template such as '{{.Id}}'\n"

#define IMG_EXISTS_HELP                                                                            \
	"SYNOPSIS\n  warren image exists IMAGE\n\n"                                                \
	"DESCRIPTION\n  Exits 0 when the image is in local storage, 1 when it is not.\n"

#define HISTORY_HELP                                                                               \
	"SYNOPSIS\n  warren history [OPTIONS] IMAGE\n\n"                                           \
	"DESCRIPTION\n  Shows the history of an image, newest first, in Podman's columns: ID,\n"   \
	"  CREATED, CREATED BY, SIZE, COMMENT. Each history entry that made a layer shows\n"       \
	"  that layer's size; an entry shows the id of the image whose top layer it is\n"          \
	"  once, <missing> otherwise.\n\n"                                                         \
	"OPTIONS\n"                                                                                \
	"  -H, --human      times as '3 years ago' (default; --human=false: RFC 3339)\n"           \
	"      --no-trunc   full ids and CREATED BY\n"                                             \
	"  -q, --quiet      print only the ids\n"                                                  \
	"      --format F   json, or a Go template such as '{{.ID}} {{.CreatedBy}}'\n"

#define PRUNE_HELP                                                                                 \
	"SYNOPSIS\n  warren image prune [OPTIONS]\n\n"                                             \
	"DESCRIPTION\n  Removes dangling images (no name and no child image) that no container\n"  \
	"  uses, again until none is left, and prints their ids. Asks first unless -f.\n\n"        \
	"OPTIONS\n"                                                                                \
	"  -a, --all        every image no container uses, named or not\n"                         \
	"  -f, --force      do not ask for confirmation\n"                                         \
	"      --filter K=V only images that also match (the keys of 'images --filter')\n"         \
	"      --external   accepted as by Podman (warren has no other tools' containers)\n"

#define UNTAG_HELP                                                                                 \
	"SYNOPSIS\n  warren untag IMAGE [NAME...]\n\n"                                             \
	"DESCRIPTION\n  Removes names from an image (all of them when no NAME is given); the\n"    \
	"  image itself stays, if need be without a name. A short NAME means\n"                    \
	"  localhost/NAME, as for tag.\n"

#define INFO_HELP                                                                                  \
	"SYNOPSIS\n"                                                                               \
	"  warren info [-f, --format json|TEMPLATE]\n"                                             \
	"\n"                                                                                       \
	"DESCRIPTION\n"                                                                            \
	"  Shows the host (rootless or not, id mappings, runtime dir, pause process),\n"           \
	"  the store (storage driver and paths, image and container counts) and\n"                 \
	"  versions, in Podman's YAML layout.\n"                                                   \
	"\n"                                                                                       \
	"OPTIONS\n"                                                                                \
	"  -f, --format F   json, or a Go template over the same fields\n"                         \
	"\n"                                                                                       \
	"EXAMPLES\n"                                                                               \
	"  warren info --format '{{.Store.GraphDriverName}}'\n"

#define VERSION_HELP                                                                               \
	"SYNOPSIS\n"                                                                               \
	"  warren version [-f, --format json|TEMPLATE]\n"                                          \
	"\n"                                                                                       \
	"DESCRIPTION\n"                                                                            \
	"  Prints warren's version, the API version its service speaks, the build time\n"          \
	"  and OS/Arch, in Podman's \"Client:\" block.\n"                                          \
	"\n"                                                                                       \
	"OPTIONS\n"                                                                                \
	"  -f, --format F   json ({\"Client\": {...}}), or a Go template that sees the\n"          \
	"                   fields at the top and under .Client: {{.Version}},\n"                  \
	"                   {{.APIVersion}}, {{.OsArch}}\n"

#define UNSHARE_HELP                                                                               \
	"SYNOPSIS\n  warren unshare [COMMAND [ARG...]]\n\n"                                        \
	"DESCRIPTION\n  Runs COMMAND (default: $SHELL) inside the user and mount namespace that\n" \
	"  warren's pause process holds, as root of that namespace: to look at or clean up "       \
	"files\n"                                                                                  \
	"  owned by subordinate ids. Rootless only.\n"

#define MIGRATE_HELP                                                                               \
	"SYNOPSIS\n  warren system migrate\n\n"                                                    \
	"DESCRIPTION\n  Stops the pause process so that the next command creates the user\n"       \
	"  namespace anew, e.g. after /etc/subuid or /etc/subgid changed. Running\n"               \
	"  containers of this store are stopped first (SIGTERM, then SIGKILL after\n"              \
	"  10 seconds); their records stay. It refuses, naming them, while other\n"                \
	"  processes (other stores' containers, 'warren unshare') use the namespace.\n"            \
	"  A pause process whose runtime directory was removed is stopped too.\n"

#define SERVICE_HELP                                                                               \
	"SYNOPSIS\n  warren system service [-t, --time SECONDS] [URI]\n\n"                         \
	"DESCRIPTION\n  Serves the Docker Engine REST API (v1.41; paths with or without a\n"       \
	"  /v1.xx prefix) so that the docker CLI, docker-py and other Docker clients\n"            \
	"  drive warren: DOCKER_HOST=unix://PATH. Every request runs the same engine\n"            \
	"  calls as the CLI, in a process of its own per connection. No daemon: it\n"              \
	"  exits after SECONDS without a request in flight.\n\n"                                   \
	"  URI is unix:///PATH (default $XDG_RUNTIME_DIR/warren/warren.sock, as root\n"            \
	"  /run/warren/warren.sock), made with mode 0600; a stale socket nobody listens\n"         \
	"  on is replaced, a live one is an error. Connections from another uid are\n"             \
	"  refused (SO_PEERCRED; root is let in). tcp://127.0.0.1:PORT serves on the\n"            \
	"  loopback with a warning (any local user can connect: there is no peer\n"                \
	"  check over TCP and no TLS); other addresses are refused. A socket handed\n"             \
	"  over by socket activation (LISTEN_FDS, LISTEN_PID) is used instead of URI.\n"           \
	"  SIGTERM or SIGINT stop it cleanly (the socket file is removed).\n\n"                    \
	"OPTIONS\n"                                                                                \
	"  -t, --time SECONDS    idle time before it exits (default 5; 0: never);\n"               \
	"                        --timeout is the same\n\n"                                        \
	"ENDPOINTS\n"                                                                              \
	"  /_ping (GET, HEAD), /version, /info, /events; /containers/json, /create;\n"             \
	"  /containers/{id}/json|start|stop|restart|kill|wait|attach|logs|pause|unpause,\n"        \
	"  DELETE /containers/{id}; /images/json, /images/{name}/json|tag, DELETE\n"               \
	"  /images/{name}, POST /images/create (pull).\n"                                          \
	"  Errors are {\"message\": ...} with Docker's status codes. See docs/api.md.\n"

#define SYSCHECK_HELP                                                                              \
	"SYNOPSIS\n"                                                                               \
	"  warren system check [-r, --repair] [--host] [-f, --format json]\n"                      \
	"\n"                                                                                       \
	"DESCRIPTION\n"                                                                            \
	"  Checks that this host is ready for warren, then the store, and prints\n"                \
	"  for each check ok, warn (works, but worse: slower storage, one uid) or fail\n"          \
	"  (a feature does not work), with the exact fix: the command the user or an\n"            \
	"  admin runs. Host checks try what they check where they can: user namespaces\n"          \
	"  (and the sysctls that forbid them), subordinate ids (libsubid: files, LDAP,\n"          \
	"  SSSD) and their overlap with other users, newuidmap/newgidmap, /dev/fuse,\n"            \
	"  /dev/net/tun, slirp4netns, pasta and fuse-overlayfs, the storage path\n"                \
	"  (network filesystems, user xattrs, an overlay mount, free space and quota),\n"          \
	"  the runtime dir, cgroups and the controllers delegated to the user, systemd\n"          \
	"  lingering and the lowest port that can be published. Store checks: the\n"               \
	"  database's integrity, images whose layers are missing, layer and temp dirs\n"           \
	"  no image uses, containers recorded as running whose process is gone,\n"                 \
	"  container dirs and mounts nothing uses.\n"                                              \
	"  Exit status 1 when a check fails, else 0.\n"                                            \
	"\n"                                                                                       \
	"OPTIONS\n"                                                                                \
	"  -r, --repair        fix what can be fixed without losing an image or a\n"               \
	"                      container that is still whole (damaged images no\n"                 \
	"                      container uses, unused layers, leftovers, stray\n"                  \
	"                      mounts), saying what it removed\n"                                  \
	"      --host          the host checks only (no store is opened or created)\n"             \
	"  -f, --format json   {\"checks\": [{name, status, message, fix}], ok, warn, fail}\n"

#define SYSDF_HELP                                                                                 \
	"SYNOPSIS\n"                                                                               \
	"  warren system df [-v, --verbose] [--format json|TEMPLATE]\n"                            \
	"\n"                                                                                       \
	"DESCRIPTION\n"                                                                            \
	"  Shows the space images, containers and volumes take, as Podman does:\n"                 \
	"  TYPE, TOTAL, ACTIVE (used by a container, running, in use) SIZE and\n"                  \
	"  RECLAIMABLE (what a prune would give back). Images count once per image\n"              \
	"  (not per name); a container's size is its writable layer.\n"                            \
	"\n"                                                                                       \
	"OPTIONS\n"                                                                                \
	"  -v, --verbose    each image (SHARED SIZE: its layers other images use too),\n"          \
	"                   container and volume\n"                                                \
	"      --format F   json (the sizes in bytes), or a Go template: .Type .Total\n"           \
	"                   .Active .Size .Reclaimable\n"

#define SYSPRUNE_HELP                                                                              \
	"SYNOPSIS\n"                                                                               \
	"  warren system prune [-a, --all] [-f, --force] [--volumes] [--filter K=V]...\n"          \
	"\n"                                                                                       \
	"DESCRIPTION\n"                                                                            \
	"  Removes the containers that do not run, the dangling images (with -a\n"                 \
	"  every image no container uses) and, with --volumes, the volumes no container\n"         \
	"  uses; asks first unless -f. Prints what it removed and the space it gave\n"             \
	"  back.\n"                                                                                \
	"\n"                                                                                       \
	"OPTIONS\n"                                                                                \
	"  -a, --all          every image no container uses, not only dangling ones\n"             \
	"  -f, --force        do not ask for confirmation\n"                                       \
	"      --volumes      the volumes no container uses too\n"                                 \
	"      --filter K=V   label=K[=V], label!=..., until=TIME: applied to\n"                   \
	"                     containers, images and volumes as their own prune\n"                 \
	"                     commands take them\n"

#define SYSRESET_HELP                                                                              \
	"SYNOPSIS\n"                                                                               \
	"  warren system reset [-f, --force]\n"                                                    \
	"\n"                                                                                       \
	"DESCRIPTION\n"                                                                            \
	"  Removes all warren data of the user in this store: every container\n"                   \
	"  (stopped first: its stop timeout, then killed), volume and image, then\n"               \
	"  everything left in the storage dir (--root). The pause process stays\n"                 \
	"  (warren system migrate stops it).\n"                                                    \
	"\n"                                                                                       \
	"OPTIONS\n"                                                                                \
	"  -f, --force   do not ask for confirmation\n"

#define HELP_HELP                                                                                  \
	"SYNOPSIS\n"                                                                               \
	"  warren help [--reference] [COMMAND [SUBCOMMAND]]\n"                                     \
	"\n"                                                                                       \
	"DESCRIPTION\n"                                                                            \
	"  Shows the list of commands, or the help of one (as COMMAND --help does).\n"             \
	"\n"                                                                                       \
	"OPTIONS\n"                                                                                \
	"      --reference   every command's help as one markdown page (docs/reference.md)\n"

#define MANIFEST_REG_HELP                                                                          \
	"      --authfile PATH     credentials file (default: auth.json, see login)\n"             \
	"      --cert-dir DIR      CA certificates (*.crt) and client keys for TLS\n"              \
	"      --creds USER[:PASS] credentials for the registry\n"                                 \
	"      --tls-verify[=BOOL] verify TLS certificates, require https (default true)\n"

#define MANIFEST_PLATFORM_HELP                                                                     \
	"      --annotation K=V    set an annotation of the entry (repeatable)\n"                  \
	"      --arch ARCH         the entry's architecture\n"                                     \
	"      --features F        the entry's platform features (repeatable)\n"                   \
	"      --os OS             the entry's operating system\n"                                 \
	"      --os-features F     the entry's OS features (repeatable)\n"                         \
	"      --os-version V      the entry's OS version\n"                                       \
	"      --variant VARIANT   the entry's architecture variant\n"

#define MANIFEST_IMAGE_HELP                                                                        \
	"  IMAGE is a local image (containers-storage:NAME: only local), a registry\n"             \
	"  reference (docker://REF: only the registry), or a name looked up locally first,\n"      \
	"  then in the registry; from a registry only the manifest and config are read.\n"         \
	"  A list (local or remote) adds the entry for this platform, or with --all every\n"       \
	"  entry. An entry with the digest of one already there replaces it.\n"

#define MANIFEST_CREATE_HELP                                                                       \
	"SYNOPSIS\n  warren manifest create [OPTIONS] LIST [IMAGE...]\n\n"                         \
	"DESCRIPTION\n  Creates a manifest list (an image index) named LIST (a short name goes "   \
	"to\n"                                                                                     \
	"  localhost/) in local storage, adds the IMAGEs to it as 'manifest add' does, and\n"      \
	"  prints its id. `images` lists it; `rmi` and 'manifest rm' remove "                      \
	"it.\n" MANIFEST_IMAGE_HELP "\n"                                                           \
	"OPTIONS\n"                                                                                \
	"      --all               add every entry of an IMAGE that is a list\n"                   \
	"  -a, --amend             use the list LIST when it exists\n" MANIFEST_REG_HELP           \
	"\nEXAMPLES\n"                                                                             \
	"  warren manifest create mylist localhost/app:amd64 localhost/app:arm64\n"                \
	"  warren manifest create --all mylist docker://quay.io/org/app:1.0\n"

#define MANIFEST_ADD_HELP                                                                          \
	"SYNOPSIS\n  warren manifest add [OPTIONS] LIST IMAGE\n\n"                                 \
	"DESCRIPTION\n  Adds IMAGE to the manifest list LIST and prints the list's id. The\n"      \
	"  entry's platform comes from the image's config unless the options say "                 \
	"another.\n" MANIFEST_IMAGE_HELP "\n"                                                      \
	"OPTIONS\n"                                                                                \
	"      --all               add every entry of an IMAGE that is a "                         \
	"list\n" MANIFEST_PLATFORM_HELP MANIFEST_REG_HELP "\nEXAMPLES\n"                           \
	"  warren manifest add mylist localhost/app:arm64\n"                                       \
	"  warren manifest add --arch arm64 --variant v8 mylist docker://quay.io/org/app:arm\n"

#define MANIFEST_ANNOTATE_HELP                                                                     \
	"SYNOPSIS\n  warren manifest annotate [OPTIONS] LIST DIGEST\n\n"                           \
	"DESCRIPTION\n  Changes the platform or the annotations of the entry DIGEST of LIST and\n" \
	"  prints the list's id.\n\n"                                                              \
	"OPTIONS\n" MANIFEST_PLATFORM_HELP

#define MANIFEST_INSPECT_HELP                                                                      \
	"SYNOPSIS\n  warren manifest inspect [OPTIONS] LIST|REF\n\n"                               \
	"DESCRIPTION\n  Prints the manifest list LIST as JSON, as Podman does (Docker's "          \
	"manifest\n"                                                                               \
	"  list shape, with each entry's annotations). A name that is no local list is read\n"     \
	"  from the registry: a list is printed in the same shape, an image's manifest as\n"       \
	"  it is.\n\n"                                                                             \
	"OPTIONS\n" MANIFEST_REG_HELP

#define MANIFEST_REMOVE_HELP                                                                       \
	"SYNOPSIS\n  warren manifest remove LIST DIGEST\n\n"                                       \
	"DESCRIPTION\n  Removes the entry DIGEST from the manifest list LIST and prints the\n"     \
	"  list's id. The image it came from stays.\n"

#define MANIFEST_RM_HELP                                                                           \
	"SYNOPSIS\n  warren manifest rm LIST [LIST...]\n\n"                                        \
	"DESCRIPTION\n  Removes manifest lists from local storage (not the images they name),\n"   \
	"  printing Untagged: and Deleted: lines as rmi does. Exits 1 when a LIST is unknown.\n"

#define MANIFEST_EXISTS_HELP                                                                       \
	"SYNOPSIS\n  warren manifest exists LIST\n\n"                                              \
	"DESCRIPTION\n  Exits 0 when LIST is a manifest list in local storage, 1 when nothing\n"   \
	"  has that name; an image that is no list is an error (125).\n"

#define MANIFEST_PUSH_HELP                                                                         \
	"SYNOPSIS\n  warren manifest push [OPTIONS] LIST [DESTINATION]\n\n"                        \
	"DESCRIPTION\n  Pushes the manifest list LIST to DESTINATION (default: its own name;\n"    \
	"  a docker:// prefix is accepted). With --all (the default) each entry's image\n"         \
	"  goes first, by digest: local images from local storage (their blobs byte for\n"         \
	"  byte), registry images from their registry (mounted when on the same registry,\n"       \
	"  else copied blob by blob). Every entry is checked before anything is sent: an\n"        \
	"  entry whose local image was removed fails the push with nothing pushed.\n\n"            \
	"OPTIONS\n"                                                                                \
	"      --all[=BOOL]        push the entries' images too (default true)\n"                  \
	"      --digestfile FILE   write the list's digest to FILE\n"                              \
	"  -f, --format F          oci (an OCI index, the default) or v2s2 (a Docker\n"            \
	"                          manifest list; entries converted to that type)\n"               \
	"  -q, --quiet             no progress\n"                                                  \
	"      --rm                remove the local list once it is pushed\n" MANIFEST_REG_HELP
#define VOLUME_CREATE_HELP                                                                         \
	"SYNOPSIS\n  warren volume create [OPTIONS] [NAME]\n\n"                                    \
	"DESCRIPTION\n  Creates a volume: a directory <root>/volumes/NAME/_data that containers\n" \
	"  mount with -v NAME:/path. Without NAME it gets a random 64-hex name. Names match\n"     \
	"  [a-zA-Z0-9][a-zA-Z0-9_.-]*. The first container that mounts it copies the image's\n"    \
	"  content at its destination into it (when the volume is empty).\n\n"                     \
	"OPTIONS\n"                                                                                \
	"  -d, --driver local     the volume driver (only local)\n"                                \
	"  -l, --label K[=V]      add a label\n"                                                   \
	"  -o, --opt K=V          o=OPTS, type=FSTYPE, device=DEV: mount that instead of the\n"    \
	"                         directory (type=tmpfs, or type=none,o=bind,device=DIR);\n"       \
	"                         o=uid=N,gid=N also own the directory\n"                          \
	"      --ignore           an existing volume NAME is no error\n\n"                         \
	"EXAMPLES\n  warren volume create data\n  warren run --rm -v data:/data busybox ls "       \
	"/data\n"

#define VOLUME_LS_HELP                                                                             \
	"SYNOPSIS\n  warren volume ls [OPTIONS]\n\n"                                               \
	"DESCRIPTION\n  Lists volumes (DRIVER, VOLUME NAME), sorted by name.\n\n"                  \
	"OPTIONS\n"                                                                                \
	"  -f, --filter K=V  name=REGEX, driver=, scope=, label=K[=V], opt=K[=V],\n"               \
	"                    dangling=true|false (no container uses it), until=TIME;\n"            \
	"                    as Podman 4.3, a volume matching any filter is listed\n"              \
	"      --format F    json, or a Go template such as '{{.Name}} {{.Mountpoint}}'\n"         \
	"  -n, --noheading   no header row\n"                                                      \
	"  -q, --quiet       print only the names\n"

#define VOLUME_INSPECT_HELP                                                                        \
	"SYNOPSIS\n  warren volume inspect [OPTIONS] NAME [NAME...]\n\n"                           \
	"DESCRIPTION\n  Prints volumes as a JSON array in Podman's shape (Name, Driver,\n"         \
	"  Mountpoint, CreatedAt, Labels, Scope, Options, MountCount, NeedsCopyUp,\n"              \
	"  NeedsChown; the last two only until the first use).\n\n"                                \
	"OPTIONS\n"                                                                                \
	"  -a, --all        every volume\n"                                                        \
	"  -f, --format F   json, or a Go template such as '{{.Mountpoint}}'\n"

#define VOLUME_RM_HELP                                                                             \
	"SYNOPSIS\n  warren volume rm [OPTIONS] NAME [NAME...]\n\n"                                \
	"DESCRIPTION\n  Removes volumes and their data. A volume that a container uses (running\n" \
	"  or not) is refused unless -f, which removes those containers first.\n\n"                \
	"OPTIONS\n"                                                                                \
	"  -a, --all        every volume\n"                                                        \
	"  -f, --force      remove the containers that use it (stopping them) too\n"               \
	"  -t, --time SECS  seconds to wait after SIGTERM before SIGKILL (default 10)\n"

#define VOLUME_PRUNE_HELP                                                                          \
	"SYNOPSIS\n  warren volume prune [OPTIONS]\n\n"                                            \
	"DESCRIPTION\n  Removes every volume that no container uses and prints its name. Asks\n"   \
	"  first, listing them, unless -f.\n\n"                                                    \
	"OPTIONS\n"                                                                                \
	"  -f, --force       do not ask for confirmation\n"                                        \
	"      --filter K=V  only volumes matching label=K[=V] or until=TIME\n"

#define VOLUME_EXISTS_HELP                                                                         \
	"SYNOPSIS\n  warren volume exists NAME\n\n"                                                \
	"DESCRIPTION\n  Exits 0 when the volume exists, 1 when it does not.\n"

/* name, function, flags, summary, help, needs, subcommands */
static const struct cmd cli_trust_commands[] = {
    {"set", cmd_trust_set, &cli_trust_set_opts, "set the signature policy of a scope",
     TRUST_SET_HELP, NEEDS_NOTHING, NULL},
    {"show", cmd_trust_show, &cli_trust_show_opts, "show the signature policy", TRUST_SHOW_HELP,
     NEEDS_NOTHING, NULL},
    {NULL, NULL, NULL, NULL, NULL, NEEDS_NOTHING, NULL},
};

const struct cmd cli_image_commands[] = {
    {"build", cmd_build, &cli_build_opts, "build an image from a Containerfile", BUILD_HELP,
     NEEDS_STORE, NULL},
    {"diff", cmd_image_diff, &cli_diff_opts, "show what an image's top layer changed",
     IMG_DIFF_HELP, NEEDS_STORE, NULL},
    {"exists", cmd_image_exists, NULL, "check whether an image is in local storage",
     IMG_EXISTS_HELP, NEEDS_STORE, NULL},
    {"export", cmd_image_export, &cli_image_export_opts, "write an image as a squashfs file",
     IMG_EXPORT_HELP, NEEDS_STORE, NULL},
    {"history", cmd_history, &cli_history_opts, "show the history of an image", HISTORY_HELP,
     NEEDS_STORE, NULL},
    {"import", cmd_import, &cli_import_opts, "create an image from a rootfs tarball", IMPORT_HELP,
     NEEDS_STORE, NULL},
    {"inspect", cmd_image_inspect, &cli_format_opts, "show images as JSON", IMG_INSPECT_HELP,
     NEEDS_STORE, NULL},
    {"list", cmd_images, &cli_images_opts, "list images", IMAGES_HELP, NEEDS_STORE, NULL},
    {"load", cmd_load, &cli_load_opts, "load images from an archive", LOAD_HELP, NEEDS_STORE, NULL},
    {"ls", cmd_images, &cli_images_opts, "list images", IMAGES_HELP, NEEDS_STORE, NULL},
    {"prune", cmd_image_prune, &cli_image_prune_opts, "remove unused images", PRUNE_HELP,
     NEEDS_STORE, NULL},
    {"pull", cmd_pull, &cli_pull_opts, "pull an image from a registry", PULL_HELP, NEEDS_STORE,
     NULL},
    {"push", cmd_push, &cli_push_opts, "push an image to a registry", PUSH_HELP, NEEDS_STORE, NULL},
    {"rm", cmd_rmi, &cli_rmi_opts, "remove images", RMI_HELP, NEEDS_STORE, NULL},
    {"save", cmd_save, &cli_save_opts, "save images to an archive", SAVE_HELP, NEEDS_STORE, NULL},
    {"tag", cmd_tag, NULL, "add a name to an image", TAG_HELP, NEEDS_STORE, NULL},
    {"trust", NULL, NULL, "show and set the signature policy", NULL, NEEDS_NOTHING,
     cli_trust_commands},
    {"untag", cmd_untag, NULL, "remove names from an image", UNTAG_HELP, NEEDS_STORE, NULL},
    {NULL, NULL, NULL, NULL, NULL, NEEDS_STORE, NULL},
};

const struct cmd cli_manifest_commands[] = {
    {"add", cmd_manifest_add, &cli_manifest_add_opts, "add an image to a manifest list",
     MANIFEST_ADD_HELP, NEEDS_STORE, NULL},
    {"annotate", cmd_manifest_annotate, &cli_manifest_annotate_opts,
     "change the platform or annotations of an entry", MANIFEST_ANNOTATE_HELP, NEEDS_STORE, NULL},
    {"create", cmd_manifest_create, &cli_manifest_create_opts, "create a manifest list",
     MANIFEST_CREATE_HELP, NEEDS_STORE, NULL},
    {"exists", cmd_manifest_exists, NULL, "check whether a manifest list exists",
     MANIFEST_EXISTS_HELP, NEEDS_STORE, NULL},
    {"inspect", cmd_manifest_inspect, &cli_manifest_inspect_opts,
     "show a manifest list or a registry's index", MANIFEST_INSPECT_HELP, NEEDS_STORE, NULL},
    {"push", cmd_manifest_push, &cli_manifest_push_opts, "push a manifest list to a registry",
     MANIFEST_PUSH_HELP, NEEDS_STORE, NULL},
    {"remove", cmd_manifest_remove, NULL, "remove an entry from a manifest list",
     MANIFEST_REMOVE_HELP, NEEDS_STORE, NULL},
    {"rm", cmd_manifest_rm, NULL, "remove manifest lists", MANIFEST_RM_HELP, NEEDS_STORE, NULL},
    {NULL, NULL, NULL, NULL, NULL, NEEDS_STORE, NULL},
};

const struct cmd cli_container_commands[] = {
    {"attach", cmd_attach, &cli_attach_opts, "attach to a running container", ATTACH_HELP,
     NEEDS_STORE, NULL},
    {"cleanup", cmd_container_cleanup, &cli_cleanup_opts, "unmount containers that have exited",
     CLEANUP_HELP, NEEDS_STORE, NULL},
    {"commit", cmd_commit, &cli_commit_opts, "create an image from a container", COMMIT_HELP,
     NEEDS_STORE, NULL},
    {"cp", cmd_cp, &cli_cp_opts, "copy files into or out of a container", CP_HELP, NEEDS_STORE,
     NULL},
    {"create", cmd_create, &cli_run_opts, "create a container without starting it", CREATE_HELP,
     NEEDS_STORE, NULL},
    {"diff", cmd_container_diff, &cli_diff_opts, "show what changed in a container's files",
     DIFF_HELP, NEEDS_STORE, NULL},
    {"exec", cmd_exec, &cli_exec_opts, "run a command in a running container", EXEC_HELP,
     NEEDS_STORE, NULL},
    {"exists", cmd_container_exists, NULL, "check whether a container exists", CTR_EXISTS_HELP,
     NEEDS_STORE, NULL},
    {"export", cmd_export, &cli_export_opts, "write a container's filesystem as a tar", EXPORT_HELP,
     NEEDS_STORE, NULL},
    {"inspect", cmd_container_inspect, &cli_inspect_opts, "show containers as JSON", INSPECT_HELP,
     NEEDS_STORE, NULL},
    {"kill", cmd_kill, &cli_kill_opts, "send a signal to containers", KILL_HELP, NEEDS_STORE, NULL},
    {"list", cmd_ps, &cli_ps_opts, "list containers", PS_HELP, NEEDS_STORE, NULL},
    {"logs", cmd_logs, &cli_logs_opts, "print the output of containers", LOGS_HELP, NEEDS_STORE,
     NULL},
    {"ls", cmd_ps, &cli_ps_opts, "list containers", PS_HELP, NEEDS_STORE, NULL},
    {"pause", cmd_pause, &cli_all_opts, "pause containers", PAUSE_HELP, NEEDS_STORE, NULL},
    {"port", cmd_port, &cli_all_opts, "list the published ports of containers", PORT_HELP,
     NEEDS_STORE, NULL},
    {"prune", cmd_container_prune, &cli_ctr_prune_opts, "remove containers that do not run",
     CTR_PRUNE_HELP, NEEDS_STORE, NULL},
    {"ps", cmd_ps, &cli_ps_opts, "list containers", PS_HELP, NEEDS_STORE, NULL},
    {"rename", cmd_rename, NULL, "rename a container", RENAME_HELP, NEEDS_STORE, NULL},
    {"restart", cmd_restart, &cli_stop_opts, "stop and start containers", RESTART_HELP, NEEDS_STORE,
     NULL},
    {"rm", cmd_rm, &cli_rm_opts, "remove containers", RM_HELP, NEEDS_STORE, NULL},
    {"run", cmd_run, &cli_run_opts, "run a command in a new container", RUN_HELP, NEEDS_STORE,
     NULL},
    {"start", cmd_start, &cli_start_opts, "start containers", START_HELP, NEEDS_STORE, NULL},
    {"stats", cmd_stats, &cli_stats_opts, "show the resource use of containers", STATS_HELP,
     NEEDS_STORE, NULL},
    {"stop", cmd_stop, &cli_stop_opts, "stop containers", STOP_HELP, NEEDS_STORE, NULL},
    {"top", cmd_top, NULL, "show the processes of a container", TOP_HELP, NEEDS_STORE, NULL},
    {"unpause", cmd_unpause, &cli_all_opts, "unpause containers", UNPAUSE_HELP, NEEDS_STORE, NULL},
    {"update", cmd_update, &cli_update_opts,
     "change a container's resource limits and restart policy", UPDATE_HELP, NEEDS_STORE, NULL},
    {"wait", cmd_wait, NULL, "wait for containers to exit and print their codes", WAIT_HELP,
     NEEDS_STORE, NULL},
    {NULL, NULL, NULL, NULL, NULL, NEEDS_STORE, NULL},
};

const struct cmd cli_secret_commands[] = {
    {"create", cmd_secret_create, &cli_secret_create_opts, "create a secret", SECRET_CREATE_HELP,
     NEEDS_STORE, NULL},
    {"exists", cmd_secret_exists, NULL, "check whether a secret exists", SECRET_EXISTS_HELP,
     NEEDS_STORE, NULL},
    {"inspect", cmd_secret_inspect, &cli_secret_inspect_opts, "show secrets as JSON",
     SECRET_INSPECT_HELP, NEEDS_STORE, NULL},
    {"list", cmd_secret_ls, &cli_secret_ls_opts, "list secrets", SECRET_LS_HELP, NEEDS_STORE, NULL},
    {"ls", cmd_secret_ls, &cli_secret_ls_opts, "list secrets", SECRET_LS_HELP, NEEDS_STORE, NULL},
    {"remove", cmd_secret_rm, &cli_secret_rm_opts, "remove secrets", SECRET_RM_HELP, NEEDS_STORE,
     NULL},
    {"rm", cmd_secret_rm, &cli_secret_rm_opts, "remove secrets", SECRET_RM_HELP, NEEDS_STORE, NULL},
    {NULL, NULL, NULL, NULL, NULL, NEEDS_STORE, NULL},
};

const struct cmd cli_volume_commands[] = {
    {"create", cmd_volume_create, &cli_volume_create_opts, "create a volume", VOLUME_CREATE_HELP,
     NEEDS_STORE, NULL},
    {"exists", cmd_volume_exists, NULL, "check whether a volume exists", VOLUME_EXISTS_HELP,
     NEEDS_STORE, NULL},
    {"inspect", cmd_volume_inspect, &cli_volume_inspect_opts, "show volumes as JSON",
     VOLUME_INSPECT_HELP, NEEDS_STORE, NULL},
    {"list", cmd_volume_ls, &cli_volume_ls_opts, "list volumes", VOLUME_LS_HELP, NEEDS_STORE, NULL},
    {"ls", cmd_volume_ls, &cli_volume_ls_opts, "list volumes", VOLUME_LS_HELP, NEEDS_STORE, NULL},
    {"prune", cmd_volume_prune, &cli_volume_prune_opts, "remove unused volumes", VOLUME_PRUNE_HELP,
     NEEDS_STORE, NULL},
    {"remove", cmd_volume_rm, &cli_volume_rm_opts, "remove volumes", VOLUME_RM_HELP, NEEDS_STORE,
     NULL},
    {"rm", cmd_volume_rm, &cli_volume_rm_opts, "remove volumes", VOLUME_RM_HELP, NEEDS_STORE, NULL},
    {NULL, NULL, NULL, NULL, NULL, NEEDS_STORE, NULL},
};

#define CONN_ADD_HELP                                                                              \
	"SYNOPSIS\n  warren system connection add [OPTIONS] NAME DESTINATION\n\n"                  \
	"DESCRIPTION\n  Records a service to run commands on (warren --connection NAME, or the\n"  \
	"  default one with --remote). DESTINATION is unix:///PATH, tcp://HOST:PORT,\n"            \
	"  ssh://[USER@]HOST[:PORT][/SOCKET] or [USER@]HOST (ssh). Without a SOCKET, the\n"        \
	"  remote warren is asked for its own (warren info's {{.Host.RemoteSocket.Path}})\n"       \
	"  over ssh. The first connection becomes the default. Connections are kept\n"             \
	"  where Podman 4 keeps them ([engine.service_destinations.NAME] in the user's\n"          \
	"  containers.conf, or CONTAINERS_CONF), so podman and warren share them; the\n"           \
	"  rest of the file is left as it is.\n\n"                                                 \
	"OPTIONS\n"                                                                                \
	"  -d, --default         make it the default connection\n"                                 \
	"      --identity FILE   ssh private key (else ssh's own: the agent, ~/.ssh)\n"            \
	"  -p, --port PORT       ssh port, when DESTINATION names none\n"                          \
	"      --socket-path P   the remote socket, when DESTINATION names none\n"

#define CONN_LS_HELP                                                                               \
	"SYNOPSIS\n  warren system connection list [--format F] [-q]\n\n"                          \
	"DESCRIPTION\n  Lists the connections: Name, URI, Identity, Default (Podman's "            \
	"columns).\n\n"                                                                            \
	"OPTIONS\n"                                                                                \
	"  -f, --format F   json, or a Go template ({{.Name}} {{.URI}} {{.Identity}}\n"            \
	"                   {{.IsMachine}} {{.Default}})\n"                                        \
	"  -q, --quiet      names only\n"

#define CONN_RM_HELP                                                                               \
	"SYNOPSIS\n  warren system connection remove [-a] [NAME]\n\n"                              \
	"DESCRIPTION\n  Removes a connection (a name that is not there is no error, as in\n"       \
	"  Podman). When it was the default, the first one left becomes the default.\n\n"          \
	"OPTIONS\n  -a, --all   remove every connection\n"

#define CONN_DEFAULT_HELP                                                                          \
	"SYNOPSIS\n  warren system connection default NAME\n\n"                                    \
	"DESCRIPTION\n  Makes NAME the connection --remote uses.\n"

#define CONN_RENAME_HELP                                                                           \
	"SYNOPSIS\n  warren system connection rename OLD NEW\n\n"                                  \
	"DESCRIPTION\n  Renames a connection (the default follows it).\n"

#define DIAL_STDIO_HELP                                                                            \
	"SYNOPSIS\n  warren system dial-stdio [SOCKET]\n\n"                                        \
	"DESCRIPTION\n  Connects stdin and stdout to the service's socket (default\n"              \
	"  $XDG_RUNTIME_DIR/warren/warren.sock, /run/warren/warren.sock as root): what\n"          \
	"  the remote client runs over ssh. When no service listens there, the API is\n"           \
	"  served on stdio itself for this one connection: no service needs to run on\n"           \
	"  the remote machine.\n"

static const struct cmd cli_connection_commands[] = {
    {"add", cmd_connection_add, &cli_conn_add_opts, "record a remote service", CONN_ADD_HELP,
     NEEDS_NOTHING, NULL},
    {"default", cmd_connection_default, NULL, "set the default connection", CONN_DEFAULT_HELP,
     NEEDS_NOTHING, NULL},
    {"list", cmd_connection_ls, &cli_conn_ls_opts, "list the connections", CONN_LS_HELP,
     NEEDS_NOTHING, NULL},
    {"ls", cmd_connection_ls, &cli_conn_ls_opts, "list the connections", CONN_LS_HELP,
     NEEDS_NOTHING, NULL},
    {"remove", cmd_connection_rm, &cli_conn_rm_opts, "remove a connection", CONN_RM_HELP,
     NEEDS_NOTHING, NULL},
    {"rename", cmd_connection_rename, NULL, "rename a connection", CONN_RENAME_HELP, NEEDS_NOTHING,
     NULL},
    {"rm", cmd_connection_rm, &cli_conn_rm_opts, "remove a connection", CONN_RM_HELP, NEEDS_NOTHING,
     NULL},
    {NULL, NULL, NULL, NULL, NULL, NEEDS_STORE, NULL},
};

const struct cmd cli_system_commands[] = {
    {"check", cmd_syscheck, &cli_syscheck_opts, "check that the host is ready for warren",
     SYSCHECK_HELP, NEEDS_NOTHING, NULL},
    {"connection", NULL, NULL, "manage the services warren --remote runs commands on", NULL,
     NEEDS_NOTHING, cli_connection_commands},
    {"df", cmd_system_df, &cli_df_opts, "show the space warren uses", SYSDF_HELP, NEEDS_STORE,
     NULL},
    {"dial-stdio", cmd_dial_stdio, NULL, "connect stdio to the service (for ssh)", DIAL_STDIO_HELP,
     NEEDS_NOTHING, NULL},
    {"info", cmd_info, &cli_format_opts, "show system information", INFO_HELP, NEEDS_STORE, NULL},
    {"migrate", cmd_migrate, NULL, "stop the pause process (rebuild the user namespace)",
     MIGRATE_HELP, NEEDS_NOTHING, NULL},
    {"prune", cmd_system_prune, &cli_sysprune_opts, "remove unused data", SYSPRUNE_HELP,
     NEEDS_STORE, NULL},
    {"reset", cmd_system_reset, &cli_reset_opts, "remove all containers, images and volumes",
     SYSRESET_HELP, NEEDS_STORE, NULL},
    {"service", cmd_service, &cli_service_opts, "serve the Docker-compatible REST API",
     SERVICE_HELP, NEEDS_NOTHING, NULL},
    {NULL, NULL, NULL, NULL, NULL, NEEDS_STORE, NULL},
};

const struct cmd cli_commands[] = {
    {"attach", cmd_attach, &cli_attach_opts, "attach to a running container", ATTACH_HELP,
     NEEDS_STORE, NULL},
    {"build", cmd_build, &cli_build_opts, "build an image from a Containerfile", BUILD_HELP,
     NEEDS_STORE, NULL},
    {"commit", cmd_commit, &cli_commit_opts, "create an image from a container", COMMIT_HELP,
     NEEDS_STORE, NULL},
    {"container", NULL, NULL, "manage containers", NULL, NEEDS_NOTHING, cli_container_commands},
    {"cp", cmd_cp, &cli_cp_opts, "copy files into or out of a container", CP_HELP, NEEDS_STORE,
     NULL},
    {"create", cmd_create, &cli_run_opts, "create a container without starting it", CREATE_HELP,
     NEEDS_STORE, NULL},
    {"diff", cmd_diff, &cli_diff_opts, "show what changed in a container's files", DIFF_HELP,
     NEEDS_STORE, NULL},
    {"events", cmd_events, &cli_events_opts, "show events", EVENTS_HELP, NEEDS_STORE, NULL},
    {"exec", cmd_exec, &cli_exec_opts, "run a command in a running container", EXEC_HELP,
     NEEDS_STORE, NULL},
    {"export", cmd_export, &cli_export_opts, "write a container's filesystem as a tar", EXPORT_HELP,
     NEEDS_STORE, NULL},
    {"help", cmd_help, &cli_help_opts, "show the help of warren or of a command", HELP_HELP,
     NEEDS_NOTHING, NULL},
    {"healthcheck", NULL, NULL, "run container healthchecks", NULL, NEEDS_NOTHING,
     cli_healthcheck_commands},
    {"history", cmd_history, &cli_history_opts, "show the history of an image", HISTORY_HELP,
     NEEDS_STORE, NULL},
    {"generate", NULL, NULL, "generate structured data", NULL, NEEDS_NOTHING,
     cli_generate_commands},
    {"image", NULL, NULL, "manage images", NULL, NEEDS_NOTHING, cli_image_commands},
    {"images", cmd_images, &cli_images_opts, "list images", IMAGES_HELP, NEEDS_STORE, NULL},
    {"import", cmd_import, &cli_import_opts, "create an image from a rootfs tarball", IMPORT_HELP,
     NEEDS_STORE, NULL},
    {"info", cmd_info, &cli_format_opts, "show system information", INFO_HELP, NEEDS_STORE, NULL},
    {"inspect", cmd_inspect, &cli_inspect_opts, "show containers, images or pods as JSON",
     INSPECT_HELP, NEEDS_STORE, NULL},
    {"kill", cmd_kill, &cli_kill_opts, "send a signal to containers", KILL_HELP, NEEDS_STORE, NULL},
    {"kube", NULL, NULL, "play and generate Kubernetes YAML", NULL, NEEDS_NOTHING,
     cli_kube_commands},
    {"load", cmd_load, &cli_load_opts, "load images from an archive", LOAD_HELP, NEEDS_STORE, NULL},
    {"login", cmd_login, &cli_login_opts, "log in to a registry", LOGIN_HELP, NEEDS_NOTHING, NULL},
    {"logout", cmd_logout, &cli_logout_opts, "log out of a registry", LOGOUT_HELP, NEEDS_NOTHING,
     NULL},
    {"logs", cmd_logs, &cli_logs_opts, "print the output of containers", LOGS_HELP, NEEDS_STORE,
     NULL},
    {"manifest", NULL, NULL, "manage manifest lists and image indexes", NULL, NEEDS_NOTHING,
     cli_manifest_commands},
    {"network", NULL, NULL, "manage networks", NULL, NEEDS_NOTHING, cli_network_commands},
    {"pause", cmd_pause, &cli_all_opts, "pause containers", PAUSE_HELP, NEEDS_STORE, NULL},
    {"pod", NULL, NULL, "manage pods", NULL, NEEDS_NOTHING, cli_pod_commands},
    {"port", cmd_port, &cli_all_opts, "list the published ports of containers", PORT_HELP,
     NEEDS_STORE, NULL},
    {"ps", cmd_ps, &cli_ps_opts, "list containers", PS_HELP, NEEDS_STORE, NULL},
    {"pull", cmd_pull, &cli_pull_opts, "pull an image from a registry", PULL_HELP, NEEDS_STORE,
     NULL},
    {"push", cmd_push, &cli_push_opts, "push an image to a registry", PUSH_HELP, NEEDS_STORE, NULL},
    {"rename", cmd_rename, NULL, "rename a container", RENAME_HELP, NEEDS_STORE, NULL},
    {"restart", cmd_restart, &cli_stop_opts, "stop and start containers", RESTART_HELP, NEEDS_STORE,
     NULL},
    {"rm", cmd_rm, &cli_rm_opts, "remove containers", RM_HELP, NEEDS_STORE, NULL},
    {"rmi", cmd_rmi, &cli_rmi_opts, "remove images", RMI_HELP, NEEDS_STORE, NULL},
    {"run", cmd_run, &cli_run_opts, "run a command in a new container", RUN_HELP, NEEDS_STORE,
     NULL},
    {"save", cmd_save, &cli_save_opts, "save images to an archive", SAVE_HELP, NEEDS_STORE, NULL},
    {"search", cmd_search, &cli_search_opts, "search registries for images", SEARCH_HELP,
     NEEDS_NOTHING, NULL},
    {"start", cmd_start, &cli_start_opts, "start containers", START_HELP, NEEDS_STORE, NULL},
    {"stats", cmd_stats, &cli_stats_opts, "show the resource use of containers", STATS_HELP,
     NEEDS_STORE, NULL},
    {"stop", cmd_stop, &cli_stop_opts, "stop containers", STOP_HELP, NEEDS_STORE, NULL},
    {"system", NULL, NULL, "manage warren itself", NULL, NEEDS_NOTHING, cli_system_commands},
    {"tag", cmd_tag, NULL, "add a name to an image", TAG_HELP, NEEDS_STORE, NULL},
    {"top", cmd_top, NULL, "show the processes of a container", TOP_HELP, NEEDS_STORE, NULL},
    {"unpause", cmd_unpause, &cli_all_opts, "unpause containers", UNPAUSE_HELP, NEEDS_STORE, NULL},
    {"untag", cmd_untag, NULL, "remove names from an image", UNTAG_HELP, NEEDS_STORE, NULL},
    {"unshare", cmd_unshare, &cli_unshare_opts, "run a command in warren's user namespace",
     UNSHARE_HELP, NEEDS_USERNS, NULL},
    {"update", cmd_update, &cli_update_opts,
     "change a container's resource limits and restart policy", UPDATE_HELP, NEEDS_STORE, NULL},
    {"version", cmd_version, &cli_format_opts, "show the version", VERSION_HELP, NEEDS_NOTHING,
     NULL},
    {"secret", NULL, NULL, "manage secrets", NULL, NEEDS_NOTHING, cli_secret_commands},
    {"volume", NULL, NULL, "manage volumes", NULL, NEEDS_NOTHING, cli_volume_commands},
    {"wait", cmd_wait, NULL, "wait for containers to exit and print their codes", WAIT_HELP,
     NEEDS_STORE, NULL},
    {NULL, NULL, NULL, NULL, NULL, NEEDS_STORE, NULL},
};
