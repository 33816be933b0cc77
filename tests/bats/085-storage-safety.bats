#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Issue 5, storage safety: hostile whiteouts, leftovers of killed loads, deep
# trees, fuse-overlayfs errors. Hostile archives are built here, offline,
# with GNU tar (names such as ".wh..." are legal file names).

load helpers
load docmsg
load storage-helpers

# layers_state: the layers dir of the current store (every name, temp dirs too)
layers_state() {
    ls -A "$WT_ROOT/layers"
}

# start_reader SYNC: a running container that reads a file of its image only
# when SYNC/go appears (sets BG_PID)
start_reader() {
    start_warren "$BATS_TEST_TMPDIR/reader.out" run -v "$1:/sync" "$IMAGE" \
        sh -c 'touch /sync/ready; while [ ! -e /sync/go ]; do sleep 0.1; done; cat /etc/warren-fixture; ls /bin/busybox'
    wait_for_file "$1/ready" 60
}

# assert_reader_ok SYNC: the reader started by start_reader still reads its files
assert_reader_ok() {
    touch "$1/go"
    wait_for_exit "$BG_PID" 30 || fail "the running container did not finish"
    local rc
    rc=$(bg_status "$BG_PID")
    run cat "$BATS_TEST_TMPDIR/reader.out"
    [ "$rc" -eq 0 ] || fail "the running container failed ($rc): $output"
    assert_output $'docker\n/bin/busybox'
}

@test "storage safety: import refuses whiteouts of '..', '.' and nothing; store and running container intact" {
    # guards: issue 5 item 1 (".wh..." at a layer root removed every layer of the store)
    use_private_store
    load_fixture busybox.docker.tar
    local sync=$BATS_TEST_TMPDIR/sync before images p want i=0
    mkdir -p "$sync"
    start_reader "$sync"
    before=$(layers_state)
    images=$(w images -q --no-trunc | sort)
    for p in .wh... a/.wh... a/b/.wh... .wh.. a/.wh.. .wh. a/.wh.; do
        i=$((i + 1))
        mk_tar "$BATS_TEST_TMPDIR/wh$i.tar" "$p"
        want=${p##*/}
        want=${want#.wh.}
        run_warren 125 import "$BATS_TEST_TMPDIR/wh$i.tar" "localhost/wh$i:1"
        assert_error "layer entry '$p' is a whiteout of '$want', not of a file name"
        run layers_state
        assert_output "$before"
    done
    run w images -q --no-trunc
    assert_output "$images"
    assert_reader_ok "$sync"
    run_warren 0 run --rm "$IMAGE" cat /etc/warren-fixture
    assert_output docker
}

@test "storage safety: load refuses a layer whiting out '..' above a real layer; store intact" {
    # guards: issue 5 item 1 (the same whiteouts in a docker-archive's second layer)
    use_private_store
    load_fixture busybox.docker.tar
    local before images p i=0
    base_layer "$BATS_TEST_TMPDIR/base.tar"
    before=$(layers_state)
    images=$(w images -q --no-trunc | sort)
    for p in .wh... etc/.wh... etc/.wh..; do
        i=$((i + 1))
        mk_tar "$BATS_TEST_TMPDIR/wh$i.tar" "$p"
        mk_archive "$BATS_TEST_TMPDIR/img$i.tar" "localhost/whload$i:1" "$BATS_TEST_TMPDIR/base.tar" "$BATS_TEST_TMPDIR/wh$i.tar"
        run_warren 125 load -i "$BATS_TEST_TMPDIR/img$i.tar"
        assert_error "layer entry '$p' is a whiteout of"
        run layers_state
        assert_output "$before"
        run_warren 1 image exists "localhost/whload$i:1"
    done
    run w images -q --no-trunc
    assert_output "$images"
    run_warren 0 run --rm "$IMAGE" cat /etc/warren-fixture
    assert_output docker
}

@test "storage safety: a well-formed whiteout still hides the lower file" {
    # guards: issue 5 item 1 (only bad targets are refused: ".wh.warren-fixture", ".wh...." work)
    use_private_store
    load_fixture busybox.docker.tar
    base_layer "$BATS_TEST_TMPDIR/base.tar"
    mk_tar "$BATS_TEST_TMPDIR/wh.tar" etc/.wh.warren-fixture etc/.wh....
    mk_archive "$BATS_TEST_TMPDIR/img.tar" localhost/whgood:1 "$BATS_TEST_TMPDIR/base.tar" "$BATS_TEST_TMPDIR/wh.tar"
    run_warren 0 load -i "$BATS_TEST_TMPDIR/img.tar"
    run_warren 1 run --rm localhost/whgood:1 cat /etc/warren-fixture
    run_warren 0 run --rm localhost/whgood:1 ls -A /etc
    assert_output --partial passwd
    refute_output --partial warren-fixture
    refute_output --partial ...
}

@test "storage safety: rm removes a container with 1,100 nested dirs, with few fds" {
    # guards: issue 5 item 10 (rm_rf_at held one fd per level: such a container could not be removed)
    use_private_store
    load_fixture busybox.docker.tar
    local name
    name=$(wt_name)
    run_warren 0 run --name "$name" "$IMAGE" \
        sh -c 'i=0; while [ $i -lt 1100 ]; do mkdir d && cd d || exit 1; i=$((i + 1)); done; touch bottom; pwd | wc -c'
    [ "$output" -gt 2200 ] || fail "the nested dirs were not made: $output"
    # a limit of 512 fds: far fewer than the depth
    run --separate-stderr timeout 120 prlimit --nofile=512 "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" rm "$name"
    wt_check_status 0 "prlimit --nofile=512 warren rm $name"
    run_warren 0 ps -a -q
    assert_output ""
    run ls -A "$WT_ROOT/containers"
    assert_output ""
}

@test "storage safety: the vfs copy applies whiteouts, opaque dirs and attributes" {
    # guards: issue 5 item 18 (the vfs copy walks layers with the one tree walk of lib/walk.c)
    use_private_store
    local L=localhost/warren-test/layers:latest
    run_warren 0 --storage-driver vfs load -i "$WT_FIXTURES/layers.tar"
    run_warren 0 --storage-driver vfs run --rm "$L" sh -c \
        'cat /etc/extra; ls -A /opaque; test -e /etc/warren-fixture || echo whited-out; stat -c "%u:%g %a" /owned1000 /tmp; ls -A /etc | grep -c "^\.wh\." || :'
    assert_output $'extra\nc\nwhited-out\n1000:1000 644\n0:0 1777\n0'
}

# tmp_dirs: the temp dirs in the layers dir of the current store
tmp_dirs() {
    ls -A "$WT_ROOT/layers" | grep '^\.tmp-' || true
}

# big_layer OUT: a gzip rootfs tar holding 256 MB of zeros (small file, slow
# extraction)
big_layer() {
    mkdir -p "$BATS_TEST_TMPDIR/big"
    truncate -s 256M "$BATS_TEST_TMPDIR/big/zeros"
    tar -C "$BATS_TEST_TMPDIR/big" -cf - zeros | gzip -1 > "$1"
    rm -f "$BATS_TEST_TMPDIR/big/zeros"
}

# stop_mid_extraction ARGS...: starts warren ARGS... in the background and
# stops it (SIGSTOP) while its temp layer dir exists; sets BG_PID and TMP_DIR.
# Returns 1 when the command got past its extraction first.
stop_mid_extraction() {
    local i
    start_warren "$BATS_TEST_TMPDIR/bg.out" "$@"
    for ((i = 0; i < 3000; i++)); do
        TMP_DIR=$(tmp_dirs)
        [ -n "$TMP_DIR" ] && break
        wt_exited "$BG_PID" && return 1
        sleep 0.01
    done
    [ -n "$TMP_DIR" ] || fail "no temp layer dir appeared within 30 s"
    kill -STOP "$BG_PID"
    [ -e "$WT_ROOT/layers/$TMP_DIR" ] || { kill -CONT "$BG_PID"; wait_for_exit "$BG_PID" 60; return 1; }
}

@test "storage safety: the temp dir of a killed import is removed by the next import" {
    # guards: issue 5 item 9 (layers/.tmp-* of a killed load/import were never collected)
    use_private_store
    load_fixture busybox.docker.tar
    big_layer "$BATS_TEST_TMPDIR/big.tar.gz"
    local try
    for try in 1 2 3; do
        stop_mid_extraction import "$BATS_TEST_TMPDIR/big.tar.gz" localhost/big:1 && break
        w rmi -f localhost/big:1 >/dev/null 2>&1 || true
        [ "$try" != 3 ] || fail "the import ended before it could be stopped, 3 times"
    done
    kill -KILL "$BG_PID"
    wait_for_exit "$BG_PID" 10 || fail "the killed import did not end"
    [ -d "$WT_ROOT/layers/$TMP_DIR" ] || fail "the killed import left no temp dir"
    # a planted leftover too: any unlocked temp dir is a dead command's
    mkdir -p "$WT_ROOT/layers/.tmp-planted/a/b"
    run_warren 0 import "$WT_FIXTURES/rootfs.tar" localhost/next:1
    run tmp_dirs
    assert_output ""
    run_warren 1 image exists localhost/big:1
    run_warren 0 run --rm localhost/next:1 cat /etc/warren-fixture
    assert_output import
}

@test "storage safety: an import never removes the temp dir of a running extraction" {
    # guards: issue 5 item 9 (collection is safe against a concurrent command)
    use_private_store
    load_fixture busybox.docker.tar
    big_layer "$BATS_TEST_TMPDIR/big.tar.gz"
    local try rc
    for try in 1 2 3; do
        stop_mid_extraction import "$BATS_TEST_TMPDIR/big.tar.gz" localhost/big:1 && break
        w rmi -f localhost/big:1 >/dev/null 2>&1 || true
        [ "$try" != 3 ] || fail "the import ended before it could be stopped, 3 times"
    done
    run_warren 0 import "$WT_FIXTURES/rootfs.tar" localhost/next:1
    [ -d "$WT_ROOT/layers/$TMP_DIR" ] || fail "the running extraction's temp dir was removed"
    kill -CONT "$BG_PID"
    wait_for_exit "$BG_PID" 120 || fail "the import did not finish"
    rc=$(bg_status "$BG_PID")
    [ "$rc" -eq 0 ] || fail "the stopped import failed ($rc): $(cat "$BATS_TEST_TMPDIR/bg.out")"
    run tmp_dirs
    assert_output ""
    run_warren 0 image exists localhost/big:1
    run stat -c %s "$WT_ROOT"/layers/*/zeros
    assert_output 268435456
}

@test "storage safety: fuse-overlayfs that cannot open /dev/fuse says so, and the fix" {
    # guards: issue 5 item 14 (the message was fuse-overlayfs' noise "unknown argument ignored: lazytime")
    [ -x /usr/bin/fuse-overlayfs ] || skip "needs /usr/bin/fuse-overlayfs"
    if [ ! -e /etc/shadow ] || [ -r /etc/shadow ]; then
        skip "needs an /etc/shadow this user cannot read (it stands in for /dev/fuse)"
    fi
    use_private_store
    load_fixture busybox.docker.tar
    # the real helper, run where /dev/fuse is a file this user cannot open
    # (a private mount namespace: the host's /dev/fuse stays as it is)
    local fake=$BATS_TEST_TMPDIR/fuse-overlayfs
    printf '%s\n' '#!/bin/sh' \
        'exec unshare -m sh -c '\''mount --bind /etc/shadow /dev/fuse && exec /usr/bin/fuse-overlayfs "$@"'\'' fuse-overlayfs "$@"' > "$fake"
    chmod 0755 "$fake"
    run_warren 125 --storage-driver fuse-overlayfs --storage-opt "overlay.mount_program=$fake" run --rm "$IMAGE" true
    assert_error "fuse: failed to open /dev/fuse: Permission denied: make /dev/fuse accessible" \
        "chmod 0666 /dev/fuse" "--storage-driver vfs"
    # the text troubleshooting.md quotes (docmsg.bash)
    assert_doc_msg fuse-denied "$(grep -m1 'fuse: failed' <<<"$stderr")"
    [[ $stderr != *"unknown argument ignored"* ]] || fail "the helper's noise is shown: $stderr"
    run_warren 0 ps -a -q
    assert_output ""
    # with /dev/fuse as it is, the same driver works
    if [ -r /dev/fuse ] && [ -w /dev/fuse ]; then
        run_warren 0 --storage-driver fuse-overlayfs run --rm "$IMAGE" cat /etc/warren-fixture
        assert_output docker
    fi
}

@test "a command killed while it probes the storage driver leaves no dir and no mount behind" {
    # guards: issue 5 item 9 (temp dirs of killed commands) for the driver probe: a command
    # killed there left <root>/.probe-* (and at times its overlay mounted) for good
    local enosys root=$WT_TMP/probe.$BATS_TEST_NUMBER
    enosys=$(wt_tool enosys)
    WT_STORES+=("$root $root.run")
    # the pause process exists: the filtered command below only joins it
    run_warren 0 info --format '{{.Host.Security.Rootless}}'
    # killed (SIGSYS) at the probe's first mount call
    run timeout 60 "$enosys" --kill mount,fsmount "$WARREN" --root "$root" --runroot "$root.run" info
    [ "$status" -eq 159 ] || fail "expected death by SIGSYS (159) in the probe, got $status: $output"
    # the next command that writes the store finds nothing in its way and leaves nothing
    run --separate-stderr timeout 120 "$WARREN" --root "$root" --runroot "$root.run" \
        load -i "$WT_FIXTURES/busybox.docker.tar"
    wt_check_status 0 "warren load into the store whose probe was killed"
    run compgen -G "$root/.probe-*"
    [ "$status" -ne 0 ] || fail "probe dirs left: $output"
    run compgen -G "$root/layers/.tmp-*"
    [ "$status" -ne 0 ] || fail "temp dirs left: $output"
    run "$WARREN" unshare cat /proc/self/mountinfo
    assert_success
    refute_output --partial "$root/"
    run --separate-stderr timeout 120 "$WARREN" --root "$root" --runroot "$root.run" \
        run --rm "$IMAGE" true
    wt_check_status 0 "warren run in that store"
    run --separate-stderr timeout 60 "$WARREN" --root "$root" --runroot "$root.run" info \
        --format '{{.Store.GraphDriverName}}'
    wt_check_status 0 "warren info"
    assert_output "$(w info --format '{{.Store.GraphDriverName}}')"
}
