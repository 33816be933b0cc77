#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Issue 5 "Hostile input, as a suite" in root mode, where a write that escapes
# the layer would be made as the real root: the cases of 090-hostile.bats
# whose outcome or stakes differ (device nodes in root mode: issue 5 item 4).

load ../helpers
load ../hostile

teardown() {
    if [ -n "${SMALL:-}" ]; then
        wt_destroy_store "$WT_ROOT" "$WT_RUNROOT"
        umount -l "$SMALL" 2>/dev/null || true
        rm -rf --one-file-system "$SMALL" "$SMALL.run" 2>/dev/null || true
    fi
    wt_teardown
}

@test "root hostile: '..', absolute names, symlinks and hard links out of a layer are refused, the host untouched" {
    # guards: issue 5 "hostile input": `..` and absolute names, symlink-then-write, hardlinks out (root mode)
    local sums
    sums=$(sha256sum /etc/passwd /etc/group; stat -c '%h %i' /etc/passwd)
    refuse_layers "${LAYER_NAMES[@]}" "${LAYER_SYMLINKS[@]}" "${LAYER_HARDLINKS[@]}"
    assert_equal "$(sha256sum /etc/passwd /etc/group; stat -c '%h %i' /etc/passwd)" "$sums"
}

@test "root hostile: a symlink in one layer and a write through its name in the next stay in the rootfs" {
    # guards: issue 5 "hostile input": symlink-then-write across layers (root mode, overlay and vfs)
    local X=localhost/warren-test/hostile-cross-symlink:latest sums d
    sums=$(sha256sum /etc/passwd /etc/group)
    track_image "$X"
    for d in "" vfs; do
        [ -z "$d" ] || { use_private_store; run_warren 0 --storage-driver "$d" load -i "$WT_FIXTURES/busybox.docker.tar"; }
        run_warren 0 load -i "$H/layer-cross-symlink.tar"
        run_warren 0 run --rm "$X" sh -c 'cat /a/passwd; test -L /a && echo a-is-a-link
            head -1 /etc/passwd; grep -c . /etc/group; ls -A /r; cat /t/cross-file'
        assert_output $'pwned\nroot:x:0:0:root:/root:/bin/sh\n3\ncross'
    done
    [ ! -e /tmp/cross-file ]
    assert_equal "$(sha256sum /etc/passwd /etc/group)" "$sums"
}

@test "root hostile: every valid whiteout form, aufs metadata skipped (overlay and vfs)" {
    # guards: issue 5 "hostile input": every whiteout form (root mode: trusted.overlay.opaque)
    local W=localhost/warren-test/hostile-whiteouts:latest d
    track_image "$W"
    for d in "" vfs; do
        [ -z "$d" ] || { use_private_store; run_warren 0 --storage-driver "$d" load -i "$WT_FIXTURES/busybox.docker.tar"; }
        run_warren 0 load -i "$H/layer-whiteouts.tar"
        run_warren 0 run --rm "$W" sh -c 'for p in /f1 /d2 /new /d1/a /d1/b /keep/nosuch /.wh..wh.plnk \
            /.wh..wh.aufs /.wh..wh.orph; do test -e $p -o -L $p && echo "present: $p"; done
            echo $(ls -A /d1) $(ls -A /keep); ls -A / | grep -F .wh.; true'
        assert_output "c k"
    done
}

@test "root hostile: storage xattrs in an image (trusted.overlay.*) are not taken (overlay and vfs)" {
    # guards: issue 5 "hostile input": image content must not forge the storage's own metadata (root mode)
    local X=localhost/warren-test/hostile-xattrs:latest d
    track_image "$X"
    for d in "" vfs; do
        [ -z "$d" ] || { use_private_store; run_warren 0 --storage-driver "$d" load -i "$WT_FIXTURES/busybox.docker.tar"; }
        run_warren 0 load -i "$H/layer-xattrs.tar"
        run_warren 0 run --rm "$X" sh -c 'echo $(ls -A /x2) $(ls -A /x3) $(ls -A /x4); cat /f'
        assert_output $'k new k\nf'
    done
}

@test "root hostile: setuid files keep their mode and owner, as in the image" {
    # guards: issue 5 "hostile input": setuid files (root mode: owned by the real root, as Podman rootful)
    local S=localhost/warren-test/hostile-setuid:latest layer
    track_image "$S"
    run_warren 0 load -i "$H/layer-setuid.tar"
    run_warren 0 run --rm "$S" stat -c '%n %a %u:%g' /suid-root /sgid-root /suid-1000 /sdir
    assert_output $'/suid-root 4755 0:0\n/sgid-root 2755 0:0\n/suid-1000 4755 1000:1000\n/sdir 7755 0:0'
    layer=$(w image inspect "$S" | jq -r '.[0].RootFS.Layers[1]')
    run stat -c '%a %u:%g' "$WT_ROOT/layers/${layer#sha256:}/suid-root" "$WT_ROOT/layers/${layer#sha256:}/suid-1000"
    assert_output $'4755 0:0\n4755 1000:1000'
}

@test "root hostile: decompression bombs into a size-limited store fail cleanly, the store intact" {
    # guards: issue 5 "hostile input": a decompression bomb into a size-limited store (root mode)
    SMALL=$(mktemp -d "$WT_TMP/small.XXXXXX")
    mount -t tmpfs -o size=24m tmpfs "$SMALL" || skip "needs tmpfs mounts"
    assert_bombs_refused "$SMALL"
}

@test "root hostile: SIGKILL of load and run at random points: the next commands work, nothing is left" {
    # guards: issue 5 "hostile input": SIGKILL of load and run (root mode)
    local K=localhost/warren-test/hostile-kill-load:latest i name ms
    use_private_store
    ms=$(load_ms "$H/kill-load.tar")
    run_warren 0 load -i "$WT_FIXTURES/busybox.docker.tar"
    for i in 1 2; do
        kill_at_random "$ms" load -i "$H/kill-load.tar"
        run_warren 0 images --format json
        if [ "$KILLED_RC" = 0 ]; then run_warren 0 rmi "$K"; fi
        name=$(wt_name)-$i
        kill_at_random 800 run --name "$name" "$IMAGE" sleep 3107
        run --separate-stderr timeout 60 "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" rm -f -t 0 "$name"
        [ "$status" = 0 ] || [[ $stderr == *"no such container"* ]] || fail "rm -f $name: $stderr"
    done
    run_warren 0 load -i "$H/kill-load.tar"
    run_warren 0 ps -a -q
    assert_output ""
    assert_nothing_left "sleep 3107"
    run_warren 0 run --rm "$IMAGE" cat /etc/warren-fixture
    assert_output docker
}
