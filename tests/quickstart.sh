#!/bin/bash
# quickstart.sh - the README's first command (`make demo`, as root), on a fresh
# Debian 12 machine (no sudo needed: it switches user with runuser): installs the dependencies, builds and installs
# warren, builds a busybox image tarball locally (no network), then as an
# ordinary user loads it and runs a rootless container.
#
# The user: $DEMO_USER, else the one who ran sudo ($SUDO_USER, when run with
# sudo), else `warren-demo` (created, with /etc/subuid and /etc/subgid ranges).
# PREFIX (default /usr/local) and DEMO_IMAGE_DIR (default /var/tmp/warren-demo)
# move the install and the image archives.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PREFIX=${PREFIX:-/usr/local}
IMGDIR=${DEMO_IMAGE_DIR:-/var/tmp/warren-demo}
IMAGE=localhost/warren-test/busybox:latest

say() { printf '\n==> %s\n' "$*"; }
[ "$(id -u)" = 0 ] || { echo "quickstart.sh: run as root (make demo as root, or sudo make demo)" >&2; exit 1; }
cd "$REPO"

say "installing dependencies (tests/deps.sh)"
tests/deps.sh

say "building and installing warren to $PREFIX/bin"
make -j"$(nproc)"
make install PREFIX="$PREFIX"
# rootless fuse-overlayfs and slirp4netns need these, as udev gives them on desktops
chmod 0666 /dev/fuse /dev/net/tun 2>/dev/null || true

USER_NAME=${DEMO_USER:-${SUDO_USER:-}}
[ "$USER_NAME" = root ] && USER_NAME=
if [ -z "$USER_NAME" ]; then
    USER_NAME=warren-demo
    if ! id "$USER_NAME" >/dev/null 2>&1; then
        say "creating user $USER_NAME"
        useradd -m -s /bin/bash "$USER_NAME"
    fi
    if ! grep -q "^$USER_NAME:" /etc/subuid || ! grep -q "^$USER_NAME:" /etc/subgid; then
        sed -i "/^$USER_NAME:/d" /etc/subuid /etc/subgid
        start=$(awk -F: 'NF>=3 {e = $2 + $3; if (e > m) m = e}
            END {s = (m < 100000 ? 100000 : m); print int((s + 65535) / 65536) * 65536}' /etc/subuid /etc/subgid)
        echo "$USER_NAME:$start:65536" >> /etc/subuid
        echo "$USER_NAME:$start:65536" >> /etc/subgid
    fi
fi
if ! grep -q "^$USER_NAME:" /etc/subuid; then
    echo "note: $USER_NAME has no /etc/subuid range: warren runs in single-uid mode (it will say so)"
fi

say "building the busybox image tarball in $IMGDIR (tests/fixtures/mkimages.sh)"
tests/fixtures/mkimages.sh "$IMGDIR" >/dev/null
chmod 0755 "$IMGDIR"

UHOME=$(getent passwd "$USER_NAME" | cut -d: -f6)
UUID=$(id -u "$USER_NAME")
RUNDIR=
[ -d "/run/user/$UUID" ] && RUNDIR=/run/user/$UUID
as_user() {
    runuser -u "$USER_NAME" -- env -i HOME="$UHOME" USER="$USER_NAME" LOGNAME="$USER_NAME" \
        PATH="$PREFIX/bin:/usr/bin:/bin" LANG=C.UTF-8 ${RUNDIR:+XDG_RUNTIME_DIR=$RUNDIR} "$@"
}

say "as $USER_NAME: warren load -i $IMGDIR/busybox.docker.tar"
(cd / && as_user warren load -i "$IMGDIR/busybox.docker.tar")
say "as $USER_NAME: warren run --rm $IMAGE echo hello from warren"
(cd / && as_user warren run --rm "$IMAGE" echo hello from warren)

cat <<EOF

Done. As $USER_NAME, try:
  warren run --rm -it $IMAGE sh
  warren images
  warren info
The image archives are in $IMGDIR. Tests, as root: make check
EOF
