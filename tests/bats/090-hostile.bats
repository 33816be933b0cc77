#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Issue 5 "Hostile input, as a suite" (rootless): hostile layers and archives
# built by tests/fixtures/mkhostile.sh, each refused with one clear error,
# exit 125 and the store unchanged, or extracted safely; SIGKILL of load, run
# and rm at random points. Root mode: root/030-hostile.bats. The whiteout
# names fixed on branch h1: 091-hostile-whiteouts.bats.

load helpers
load hostile

teardown() {
    if [ -n "${SMALL:-}" ]; then
        wt_destroy_store "$WT_ROOT" "$WT_RUNROOT"
        timeout 60 "$WARREN" unshare umount -l "$SMALL" 2>/dev/null || true
        rm -rf --one-file-system "$SMALL" "$SMALL.run" 2>/dev/null || true
    fi
    wt_teardown
}

@test "hostile: '..' and absolute names in a layer are refused by load and import" {
    # guards: issue 5 "hostile input": `..` and absolute names
    refuse_layers "${LAYER_NAMES[@]}"
}

@test "hostile: a write through a symlink of the same layer is refused (file, dir, link, node, whiteout)" {
    # guards: issue 5 "hostile input": symlink-then-write in one layer
    refuse_layers "${LAYER_SYMLINKS[@]}"
}

@test "hostile: hard links out of the layer (.., absolute, via a symlinked dir) are refused" {
    # guards: issue 5 "hostile input": hardlinks out of the rootfs
    refuse_layers "${LAYER_HARDLINKS[@]}"
}

# check_cross IMAGE: the symlinks of layer 2 were replaced by the dirs of layer 3
check_cross() {
    run_warren 0 run --rm "$1" sh -c 'cat /a/passwd; test -L /a && echo a-is-a-link
        head -1 /etc/passwd; grep -c . /etc/group; ls -A /r; cat /t/cross-file'
    assert_output $'pwned\nroot:x:0:0:root:/root:/bin/sh\n3\ncross'
}

@test "hostile: a symlink in one layer and a write through its name in the next stay in the rootfs" {
    # guards: issue 5 "hostile input": symlink-then-write across layers (overlay/fuse and vfs)
    local X=localhost/warren-test/hostile-cross-symlink:latest
    track_image "$X"
    run_warren 0 load -i "$H/layer-cross-symlink.tar"
    check_cross "$X"
    [ ! -e /tmp/cross-file ]
    use_private_store
    run_warren 0 --storage-driver vfs load -i "$WT_FIXTURES/busybox.docker.tar"
    run_warren 0 load -i "$H/layer-cross-symlink.tar"
    check_cross "$X"
    [ ! -e /tmp/cross-file ]
}

# check_whiteouts IMAGE: .wh.NAME removed NAME (file, dir, the layer's own
# file), .wh..wh..opq hid the lower d1/{a,b}, aufs metadata is no content
check_whiteouts() {
    run_warren 0 run --rm "$1" sh -c 'for p in /f1 /d2 /new /d1/a /d1/b /keep/nosuch /.wh..wh.plnk \
        /.wh..wh.aufs /.wh..wh.orph; do test -e $p -o -L $p && echo "present: $p"; done
        echo $(ls -A /d1) $(ls -A /keep); ls -A / | grep -F .wh.; true'
    assert_output "c k"
}

@test "hostile: every valid whiteout form, aufs metadata skipped (overlay/fuse and vfs)" {
    # guards: issue 5 "hostile input": every whiteout form (.wh.x, .wh..wh..opq, .wh..wh.plnk)
    local W=localhost/warren-test/hostile-whiteouts:latest
    track_image "$W"
    run_warren 0 load -i "$H/layer-whiteouts.tar"
    check_whiteouts "$W"
    use_private_store
    run_warren 0 --storage-driver vfs load -i "$WT_FIXTURES/busybox.docker.tar"
    run_warren 0 load -i "$H/layer-whiteouts.tar"
    check_whiteouts "$W"
}

@test "hostile: storage xattrs in an image (overlay opaque, redirect, metacopy) are not taken (overlay/fuse and vfs)" {
    # guards: issue 5 "hostile input": image content must not forge the storage's own metadata
    local X=localhost/warren-test/hostile-xattrs:latest
    track_image "$X"
    run_warren 0 load -i "$H/layer-xattrs.tar"
    run_warren 0 run --rm "$X" sh -c 'echo $(ls -A /x2) $(ls -A /x3) $(ls -A /x4); cat /f'
    assert_output $'k new k\nf'
    use_private_store
    run_warren 0 --storage-driver vfs load -i "$WT_FIXTURES/busybox.docker.tar"
    run_warren 0 load -i "$H/layer-xattrs.tar"
    run_warren 0 run --rm "$X" sh -c 'echo $(ls -A /x2) $(ls -A /x3) $(ls -A /x4); cat /f'
    assert_output $'k new k\nf'
}

@test "hostile: setuid files keep their mode and give no more than the user's own uid on the host" {
    # guards: issue 5 "hostile input": setuid files
    [ "$(id -u)" != 0 ] || skip "rootless behaviour: the suite runs as root"
    local S=localhost/warren-test/hostile-setuid:latest layer range
    track_image "$S"
    run_warren 0 load -i "$H/layer-setuid.tar"
    run_warren 0 run --rm "$S" stat -c '%n %a %u:%g' /suid-root /sgid-root /suid-1000 /sdir
    assert_output $'/suid-root 4755 0:0\n/sgid-root 2755 0:0\n/suid-1000 4755 1000:1000\n/sdir 7755 0:0'
    layer=$(w image inspect "$S" | jq -r '.[0].RootFS.Layers[1]')
    layer=$WT_ROOT/layers/${layer#sha256:}
    # the image's root is the user on the host, 1000 a sub-id: never host root
    run stat -c '%a %u:%g' "$layer/suid-root" "$layer/sgid-root" "$layer/sdir"
    assert_output "$(printf '%s\n' "4755 $(id -u):$(id -g)" "2755 $(id -u):$(id -g)" "7755 $(id -u):$(id -g)")"
    range=$(subid_range /etc/subuid "$(id -un)")
    if [ -n "$range" ]; then
        run stat -c %u "$layer/suid-1000"
        assert_output "$((${range% *} + 999))"
    fi
}

@test "hostile: device nodes in a layer are skipped rootless, a fifo and the rest extract" {
    # guards: issue 5 "hostile input": device nodes (rootless: skipped)
    [ "$(id -u)" != 0 ] || skip "rootless behaviour: the suite runs as root"
    local D=localhost/warren-test/hostile-devices:latest
    track_image "$D"
    run_warren 0 load -i "$H/layer-devices.tar"
    run_warren 0 run --rm "$D" sh -c 'for f in /dev-mem /dev-loop0 /dev-sda /dev-null; do
        test -e $f && echo "present: $f"; done; test -p /fifo && echo fifo; cat /after-devices'
    assert_output $'fifo\nafter'
}

@test "hostile: malformed docker-archive manifests and configs are refused" {
    # guards: issue 5 "hostile input": malformed and mismatching manifests and configs
    refuse_archives man- .tar "${MANIFESTS[@]}"
}

@test "hostile: malformed oci-archive indexes, manifests and descriptors are refused" {
    # guards: issue 5 "hostile input": bad JSON, wrong digest or size, missing blob, huge numbers
    refuse_archives oci- .tar "${OCI[@]}"
}

@test "hostile: truncated archives (tar, gzip, a gzip layer, a rootfs tarball) are refused" {
    # guards: issue 5 "hostile input": truncated archives
    local c
    refuse_archives "" "" "${TRUNCATED_LOAD[@]}"
    track_image localhost/warren-test/hostile-import:latest
    for c in "${TRUNCATED_IMPORT[@]}"; do
        assert_refused "import ${c%%|*}" "${c#*|}" import "$H/${c%%|*}" \
            localhost/warren-test/hostile-import:latest
    done
}

@test "hostile: decompression bombs into a size-limited store fail cleanly, the store intact" {
    # guards: issue 5 "hostile input": a decompression bomb into a size-limited store
    SMALL=$(mktemp -d "$WT_TMP/small.XXXXXX")
    # mounts made in warren's namespace persist there (DESIGN "Rootless core")
    timeout 60 "$WARREN" unshare mount -t tmpfs -o size=24m tmpfs "$SMALL" ||
        skip "needs tmpfs mounts in the user namespace"
    assert_bombs_refused "$SMALL"
}

@test "hostile: SIGKILL of load at random points: the next load works and leaves nothing" {
    # guards: issue 5 "hostile input": SIGKILL of load at random points; no temp dirs, no orphan layers
    local K=localhost/warren-test/hostile-kill-load:latest i ms
    use_private_store
    ms=$(load_ms "$H/kill-load.tar")
    run_warren 0 load -i "$WT_FIXTURES/busybox.docker.tar"
    for i in 1 2 3 4; do
        kill_at_random "$ms" load -i "$H/kill-load.tar"
        run_warren 0 images --format json
        if [ "$KILLED_RC" = 0 ]; then run_warren 0 rmi "$K"; fi
    done
    # leftovers of killed loads are collected by the next load or import
    run_warren 0 load -i "$H/kill-load.tar"
    assert_output "Loaded image: $K"
    assert_nothing_left no-container
    run_warren 0 run --rm "$IMAGE" cat /etc/warren-fixture
    assert_output docker
}

# rm_gone NAME: `rm -f NAME` removes it, or it is gone already
rm_gone() {
    run --separate-stderr timeout -k 5 60 "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" rm -f -t 0 "$1"
    [ "$status" = 0 ] || { [ "$status" = 1 ] && [[ $stderr == *"no such container"* ]]; } ||
        fail "rm -f $1 after a SIGKILL: exit $status: $stderr"
}

@test "hostile: SIGKILL of run at random points: rm -f works and nothing is left" {
    # guards: issue 5 "hostile input": SIGKILL of run; no mounts, no processes left
    local i name
    use_private_store
    run_warren 0 load -i "$WT_FIXTURES/busybox.docker.tar"
    for i in 1 2 3 4; do
        name=$(wt_name)-$i
        if ((i % 2)); then
            kill_at_random 800 run --name "$name" "$IMAGE" sleep 3107
        else
            kill_at_random 800 run --rm --name "$name" "$IMAGE" sleep 3107
        fi
        rm_gone "$name"
    done
    run_warren 0 ps -a -q
    assert_output ""
    assert_nothing_left "sleep 3107"
    run_warren 0 run --rm "$IMAGE" echo ok
    assert_output ok
}

@test "hostile: SIGKILL of run and rm at random points (vfs copies): the next rm works, nothing is left" {
    # guards: issue 5 "hostile input": SIGKILL of rm (and of a vfs rootfs copy)
    local i name
    use_private_store
    run_warren 0 --storage-driver vfs load -i "$WT_FIXTURES/busybox.docker.tar"
    for i in 1 2 3 4; do
        name=$(wt_name)-$i
        kill_at_random 800 run --name "$name" "$IMAGE" true
        kill_at_random 300 rm "$name"
        rm_gone "$name"
    done
    run_warren 0 ps -a -q
    assert_output ""
    run ls -A "$WT_ROOT/containers"
    assert_output ""
    assert_nothing_left no-container
    run_warren 0 run --rm "$IMAGE" echo ok
    assert_output ok
}

@test "concurrency: rmi of an image whose layer a running load reuses keeps that layer" {
    # guards: issue 5 "a store unchanged": rmi removed a layer that a running load had
    # found recorded and reused, the loaded image then had no layer dir
    local R=localhost/warren-test/hostile-race-load:latest i
    use_private_store
    run_warren 0 load -i "$WT_FIXTURES/busybox.docker.tar"
    start_warren "$BATS_TEST_TMPDIR/load.out" load -i "$H/race-load.tar"
    for ((i = 0; i < 200; i++)); do
        compgen -G "$WT_ROOT/layers/.tmp-*" >/dev/null && break
        sleep 0.02
    done
    compgen -G "$WT_ROOT/layers/.tmp-*" >/dev/null || skip "the load ended before rmi could start (a fast machine)"
    run_warren 0 rmi "$IMAGE"
    wait_for_exit "$BG_PID" 60 || fail "load did not end"
    [ "$(bg_status "$BG_PID")" = 0 ] || fail "load failed: $(cat "$BATS_TEST_TMPDIR/load.out")"
    run_warren 0 run --rm "$R" sh -c 'ls /m | wc -l; cat /etc/warren-fixture'
    assert_output $'40\ndocker'
}
