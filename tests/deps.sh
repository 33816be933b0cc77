#!/bin/bash
# deps.sh [--check] [--bench] - installs the Debian 12 packages that warren's
# build, its tests and the default rootless path need (`make deps`, run as root).
# Idempotent and quick: apt-get runs only when something is missing.
# --check adds the static-check tools `make check` runs (cppcheck, clang-format, clang);
# --bench adds what bench/run-latency needs (podman, hyperfine, bubblewrap, GNU time).
set -euo pipefail

PKGS=(
    # build
    build-essential pkg-config libcap-dev libseccomp-dev libjson-c-dev
    libarchive-dev libsqlite3-dev libsubid-dev libssl-dev
    # libcurl's headers: warren dlopen()s libcurl.so.4 (image/curlfn.c) when it talks to a registry
    libcurl4-openssl-dev
    # gpgme's headers: warren dlopen()s libgpgme.so.11 (image/gpgfn.c) to verify signedBy
    # signatures; gnupg is the gpg it runs (and the tests' signer); libyaml (linked) reads
    # registries.d
    libgpgme-dev libgpgme11 gnupg libyaml-dev
    # static archives of libarchive's own dependencies (warren links libraries statically:
    # see the Makefile)
    libacl1-dev nettle-dev liblzma-dev libzstd-dev liblz4-dev libbz2-dev zlib1g-dev
    # rootless runtime path: newuidmap/newgidmap, network, fuse fallback, the test base image
    uidmap slirp4netns fuse-overlayfs busybox-static
    # --network pasta (passt's pasta), tested in 190-network.bats
    passt
    # bridge networks (--network NAME, root's default): netavark makes them, aardvark-dns
    # answers for the containers' names, iptables is what netavark's firewall runs
    netavark aardvark-dns iptables
    # --init: catatonit is the init warren bind-mounts into the container as /run/podman-init
    # (Podman's choice too), tested in 170-init-rootfs-hooks.bats
    catatonit
    # single-file images (issue 15): mksquashfs writes `image export --format squashfs`,
    # squashfuse mounts a .sqsh in the user namespace for `run FILE.sqsh` (260-sqsh.bats)
    squashfs-tools squashfuse
    # docs/rootless/hpc.md's MPI example: the host's launcher and an MPI hello world
    openmpi-bin libopenmpi-dev
    # hpc.md's job script under a real one-node Slurm (root/265-root-batch.bats starts munged,
    # slurmctld and slurmd with the test's own key, config and ports)
    slurmctld slurmd slurm-client munge
    # tests: bats, jq, util-linux (runuser, findmnt), bsdutils (script), iproute2, coreutils
    # (timeout), sqlite3 (its CLI edits a store's records)
    bats bats-assert bats-support jq util-linux bsdutils iproute2 coreutils passwd attr sqlite3
    # tests: podman (with runc, where crun cannot run) is the reference warren is compared
    # with (095-podman-errors.bats, 100-podman-compat.bats)
    podman runc
    # tests: docker-py, a reference client of the REST API (250-api.bats)
    python3-docker
    # tests: docker-compose (1.29, over docker-py), the project client of 256-api-compose.bats
    docker-compose
    # tests: registries for pull/push/login (tests/bats/registry.bash): docker-registry (the
    # real one, distribution), skopeo (the reference client that pushes the fixtures),
    # apache2-utils (htpasswd), openssl (CA, certificates, token signatures), python3
    # (tests/tools/tokenserver.py and fakereg.py, run as /usr/bin/python3), curl (probes),
    # zstd (the zstd-layer fixture of tests/fixtures/mkregimages.sh)
    docker-registry skopeo apache2-utils openssl python3 curl zstd
    # tests: the remote client over ssh (258-remote.bats starts an sshd of the test user's
    # on 127.0.0.1 with throw-away keys; the client runs OpenSSH's ssh); build --ssh ID=KEY:
    # ssh-agent holds the keys, ssh-add loads them (249-build-annotation-secret-ssh.bats)
    openssh-server openssh-client
)
for arg in "$@"; do
    case $arg in
    # the static checks of `make check` (make lint, check-format, check-clang): not for
    # `make demo`, clang and clang-format pull in LLVM
    --check) PKGS+=(cppcheck clang-format clang) ;;
    --bench) PKGS+=(podman runc crun conmon catatonit hyperfine bubblewrap time) ;;
    *) echo "deps.sh: unknown option '$arg' (use --check, --bench)" >&2; exit 2 ;;
    esac
done

if [ "$(id -u)" != 0 ]; then
    echo "deps.sh: run as root (make deps as root, or sudo make deps)" >&2
    exit 1
fi

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# tests: the docker CLI, the reference client of the 25x-api files (tests/bats/api.bash;
# DOCKER=/path picks another one). Debian ships it only in docker.io, with dockerd and
# containerd, which warren's tests never start: see no_daemons below. Docker's own
# docker-ce-cli conflicts with it: a host that has that keeps it.
installed docker-ce-cli || installed docker-ce || PKGS+=(docker.io)

missing=()
for p in "${PKGS[@]}"; do
    installed "$p" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
    echo "deps.sh: all ${#PKGS[@]} packages present"
    exit 0
fi
# docker.io's and containerd's maintainer scripts start dockerd and containerd (invoke-rc.d,
# deb-systemd-invoke), and under systemd enable them and docker.socket for the next boot: the
# daemons would add a docker0 bridge, iptables rules and a second runtime's state under the
# tests' feet. So docker.io is installed on its own, after the rest, with a policy-rc.d that
# refuses (exit 101, the Debian policy's "action forbidden") to start anything; it goes
# afterwards (one that was there stays), and under systemd the units it brought are disabled.
docker_io=()
if [[ " ${missing[*]} " == *" docker.io "* ]]; then
    docker_io=(docker.io)
    for i in "${!missing[@]}"; do [ "${missing[$i]}" != docker.io ] || unset 'missing[i]'; done
fi

echo "deps.sh: installing ${missing[*]} ${docker_io[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
[ "${#missing[@]}" -eq 0 ] || apt-get install -y -qq --no-install-recommends "${missing[@]}"
[ "${#docker_io[@]}" -gt 0 ] || exit 0

units=(docker.service docker.socket)
installed containerd || units+=(containerd.service)
POLICY=/usr/sbin/policy-rc.d
if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\n# tests/deps.sh: no service starts while docker.io installs\nexit 101\n' >"$POLICY"
    chmod 0755 "$POLICY"
    trap 'rm -f "$POLICY"' EXIT
fi
apt-get install -y -qq --no-install-recommends docker.io
if [ -d /run/systemd/system ]; then
    systemctl disable --now "${units[@]}" 2>/dev/null || true
fi
for d in dockerd ${units[2]:+containerd}; do
    if pidof "$d" >/dev/null; then
        echo "deps.sh: $d runs after docker.io's install: stop it (the tests use only the docker CLI)" >&2
        exit 1
    fi
done
