# common.bash - sourced by the bench/ scripts: the bench user, its runtime
# dir and as_bench, and the busybox image and rootfs they all use.
# Needs: REPO, BENCH_USER, DIR, log, die.
# shellcheck shell=bash

# bench_user: creates $BENCH_USER with a sub-id range no other user has;
# sets BUID, BHOME, XDG
bench_user() {
    local start
    if ! id "$BENCH_USER" >/dev/null 2>&1; then
        log "creating user $BENCH_USER"
        useradd -m -s /bin/bash "$BENCH_USER" || die "useradd failed"
        sed -i "/^$BENCH_USER:/d" /etc/subuid /etc/subgid
        start=$(awk -F: 'NF>=3 {e = $2 + $3; if (e > m) m = e}
            END {s = (m < 100000 ? 100000 : m); print int((s + 65535) / 65536) * 65536}' /etc/subuid /etc/subgid)
        echo "$BENCH_USER:$start:65536" >> /etc/subuid
        echo "$BENCH_USER:$start:65536" >> /etc/subgid
    fi
    BUID=$(id -u "$BENCH_USER")
    BHOME=$(getent passwd "$BENCH_USER" | cut -d: -f6)
    XDG=/run/user/$BUID
    install -d -m 0700 -o "$BENCH_USER" -g "$(id -g "$BENCH_USER")" "$XDG"
}

# as_bench CMD...: CMD as the bench user, with a clean environment
as_bench() {
    (cd / && runuser -u "$BENCH_USER" -- env -i HOME="$BHOME" USER="$BENCH_USER" LOGNAME="$BENCH_USER" \
        PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 XDG_RUNTIME_DIR="$XDG" "$@")
}

# bench_images: $DIR/img (tests/fixtures/mkimages.sh, rebuilt when the script
# changed) and its flattened rootfs in $DIR/rootfs
bench_images() {
    install -d -m 0755 "$DIR" "$DIR/bin"
    if [ ! -e "$DIR/img/images.env" ] || [ "$REPO/tests/fixtures/mkimages.sh" -nt "$DIR/img/images.env" ]; then
        log "building the busybox image (tests/fixtures/mkimages.sh)"
        rm -rf "$DIR/img" "$DIR/rootfs"
        "$REPO/tests/fixtures/mkimages.sh" "$DIR/img" >/dev/null || die "mkimages.sh failed"
    fi
    if [ ! -x "$DIR/rootfs/bin/busybox" ]; then
        mkdir -p "$DIR/rootfs"
        tar -xf "$DIR/img/rootfs.tar" -C "$DIR/rootfs" || die "cannot extract the rootfs"
    fi
    chmod -R a+rX "$DIR/img" "$DIR/rootfs"
}
