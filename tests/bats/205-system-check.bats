#!/usr/bin/env bats
# shellcheck disable=SC2154  # status/output/stderr come from bats
# Issue 10 "warren system check": each host check says ok, warn or fail
# with the exact fix; --format json; exit status 1 on a failed check.
# Failures a user can cause are faked here (a helper missing from PATH, an
# unset XDG_RUNTIME_DIR, an unwritable storage path); the ones only root
# can fake (sysctls, devices, sub-ids, filesystems) are in
# root/205-root-system-check.bats.

load helpers

# check_line NAME: the line of `system check`'s output for check NAME
check_line() {
    grep -E "^(ok|warn|fail) +$1 " <<<"$output" || fail "no line for check '$1' in: $output"
}

@test "system check: every host check is listed, none fails on the test host" {
    run_warren 0 system check
    for c in "user namespaces" "subordinate ids" "newuidmap/newgidmap" /dev/fuse /dev/net/tun \
        slirp4netns pasta fuse-overlayfs "storage filesystem" "storage xattrs" \
        "storage overlay" "storage space" "runtime dir" cgroups lingering "unprivileged ports"; do
        check_line "$c" >/dev/null
    done
    run check_line "user namespaces"
    assert_output --regexp '^ok +user namespaces +allowed \(user.max_user_namespaces=[0-9]+\)$'
    run_warren 0 system check
    assert_line --regexp '^[0-9]+ ok, [0-9]+ warn, 0 fail$'
}

@test "system check --format json: the same checks, with status, message and fix" {
    local text
    run_warren 0 system check
    text=$(grep -cE '^(ok|warn|fail) ' <<<"$output")
    run_warren 0 system check --format json
    jq -e . <<<"$output" >/dev/null || fail "not JSON: $output"
    [ "$(jq '.checks | length' <<<"$output")" = "$text" ] || fail "json and text differ"
    [ "$(jq -r '.checks[] | select(.name == "subordinate ids") | .status' <<<"$output")" = ok ]
    [ "$(jq '.fail' <<<"$output")" = 0 ]
    [ "$(jq '[.checks[] | select(.status == "ok" and .fix != null)] | length' <<<"$output")" = 0 ]
    run_warren 125 system check --format '{{.Name}}'
    [[ $stderr == *"unsupported format '{{.Name}}': use json"* ]] || fail "stderr: $stderr"
}

@test "system check: slirp4netns missing from PATH fails with the package to install" {
    local all
    run_warren_env 1 "PATH=$BATS_TEST_TMPDIR/nobin" -- system check
    all=$output
    assert_output --partial "fix: ask an admin to run 'apt-get install slirp4netns'"
    assert_line --regexp '^[0-9]+ ok, [0-9]+ warn, 1 fail$'
    run check_line slirp4netns
    assert_output --regexp '^fail +slirp4netns +slirp4netns not found on PATH'
    output=$all
    run check_line pasta # optional: ok either way
    assert_output --regexp '^ok +pasta +pasta not found on PATH'
}

@test "system check: no XDG_RUNTIME_DIR is a warning with the fix" {
    run --separate-stderr timeout -k 5 60 env -u XDG_RUNTIME_DIR "$WARREN" --root "$WT_ROOT" system check
    [ "$status" = 0 ] || fail "exit $status: $output $stderr"
    run check_line "runtime dir"
    assert_output --regexp "^warn +runtime dir +XDG_RUNTIME_DIR is not set: using /tmp/warren-$(id -u)"
}

@test "system check: an unwritable storage path fails; a broken store fails after the host checks" {
    local d=$BATS_TEST_TMPDIR/ro
    mkdir -p "$d"
    chmod 0555 "$d"
    run --separate-stderr timeout -k 5 60 "$WARREN" --root "$d/store" --runroot "$WT_RUNROOT" system check
    [ "$status" = 1 ] || fail "exit $status, want 1: $output $stderr"
    run check_line "storage xattrs"
    assert_output --regexp "^fail +storage xattrs +cannot create a dir in $d: Permission denied"
    chmod 0755 "$d"
    mkdir -p "$d/broken"
    echo garbage >"$d/broken/warren.db"
    run --separate-stderr timeout -k 5 60 "$WARREN" --root "$d/broken" --runroot "$WT_RUNROOT" system check
    [ "$status" = 1 ] || fail "exit $status, want 1: $output $stderr"
    check_line "user namespaces" >/dev/null # the host checks ran all the same
    run check_line store
    assert_output --regexp "^fail +store +cannot open the store in $d/broken: .*file is not a database$"
    [ -z "$(find "$d/broken" -name '.warren-check-*')" ] || fail "left its temp dir behind"
}

# store_check ARGS...: `system check ARGS` on the current store
store_check() {
    run --separate-stderr timeout -k 5 60 "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" system check "$@"
}

@test "system check (store): a sound store passes; --host opens no store" {
    use_private_store
    run --separate-stderr timeout -k 5 60 "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" system check --host
    [ "$status" = 0 ] || fail "exit $status: $output"
    [ ! -e "$WT_ROOT" ] || fail "--host created the store"
    refute_output --partial "store database"
    run_warren 0 load -i "$WT_FIXTURES/busybox.docker.tar"
    run_warren 0 run --rm "$IMAGE" true
    run_warren 0 run -d --name "$(wt_name)" "$IMAGE" sleep 300
    store_check
    [ "$status" = 0 ] || fail "exit $status: $output"
    for c in "store database" "image layers" "unused layers" containers mounts "container dirs"; do
        check_line "$c" | grep -q '^ok ' || fail "check $c: $(check_line "$c")"
    done
}

@test "system check (store): an image whose layer is gone fails; --repair removes it unless a container uses it" {
    local hex ctr
    use_private_store
    run_warren 0 load -i "$WT_FIXTURES/busybox.docker.tar"
    hex=$(w image inspect --format '{{index .RootFS.Layers 0}}' "$IMAGE" | sed 's/^sha256://')
    ctr=$(wt_name)
    run_warren 0 create --name "$ctr" "$IMAGE" true
    run_warren 0 unshare rm -rf "$WT_ROOT/layers/$hex"
    store_check
    [ "$status" = 1 ] || fail "exit $status, want 1: $output"
    run check_line "image layers"
    assert_output --regexp "^fail +image layers +1 image\(s\) lack a layer: [0-9a-f]{12} \(localhost/warren-test/busybox:latest, layer sha256:${hex:0:12}\)$"
    store_check --repair
    [ "$status" = 1 ] || fail "exit $status, want 1 (a container uses it): $output"
    assert_output --partial "repaired: removed nothing; kept"
    run_warren 0 image exists "$IMAGE"
    run_warren 0 rm "$ctr"
    store_check --repair
    [ "$status" = 0 ] || fail "exit $status: $output"
    run check_line "image layers"
    assert_output --regexp '^ok +image layers +repaired: removed [0-9a-f]{12}$'
    run_warren 1 image exists "$IMAGE"
    store_check
    [ "$status" = 0 ] || fail "still damaged: $output"
}

@test "system check (store): layer and temp dirs no image uses; --repair removes them" {
    local fake=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    use_private_store
    run_warren 0 load -i "$WT_FIXTURES/busybox.docker.tar"
    run_warren 0 unshare mkdir "$WT_ROOT/layers/$fake" "$WT_ROOT/layers/.tmp-0000000000000000"
    store_check
    [ "$status" = 0 ] || fail "exit $status: $output"
    run check_line "unused layers"
    assert_output --regexp '^warn +unused layers +1 layer dir\(s\) no image uses, 1 temp dir\(s\) of killed commands$'
    store_check --repair
    run check_line "unused layers"
    assert_output --regexp '^ok +unused layers +repaired: removed 1 layer dir'
    [ ! -e "$WT_ROOT/layers/$fake" ] && [ ! -e "$WT_ROOT/layers/.tmp-0000000000000000" ] ||
        fail "left: $(ls -A "$WT_ROOT/layers")"
    run_warren 0 run --rm "$IMAGE" echo still
    assert_output still
}

@test "system check (store): a container whose process was killed with its monitor; a stray dir and mount" {
    local ctr pid mon id stray=fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210
    use_private_store
    run_warren 0 load -i "$WT_FIXTURES/busybox.docker.tar"
    ctr=$(wt_name)
    run_warren 0 run -d --name "$ctr" "$IMAGE" sleep 300
    pid=$(w inspect --format '{{.State.Pid}}' "$ctr")
    id=$(w inspect --format '{{.Id}}' "$ctr")
    mon=$(monitor_of "$id")
    [ -n "$mon" ] || fail "no monitor for $id"
    kill -KILL "$mon"
    for _ in $(seq 50); do [ -e "/proc/$pid" ] || break; sleep 0.1; done
    [ ! -e "/proc/$pid" ] || fail "the container outlived its monitor"
    store_check
    run check_line containers
    assert_output "warn  containers           1 container(s) recorded as running have no process: $ctr"
    run_warren 0 unshare mkdir -p "$WT_ROOT/containers/$stray/merged"
    run_warren 0 unshare mount -t tmpfs none "$WT_ROOT/containers/$stray/merged"
    store_check
    [ "$status" = 0 ] || fail "exit $status: $output"
    run check_line "container dirs"
    assert_output --regexp "^warn +container dirs +1 container dir\(s\) without a container: $stray$"
    store_check
    run check_line mounts
    assert_output --regexp "^warn +mounts +1 mount\(s\) under the store that nothing uses: $WT_ROOT/containers/$stray/merged$"
    store_check --repair
    [ "$status" = 0 ] || fail "exit $status: $output"
    run check_line "container dirs"
    assert_output --regexp '^ok +container dirs +repaired: removed 1 of 1$'
    [ ! -e "$WT_ROOT/containers/$stray" ] || fail "stray dir left"
    run_warren 0 ps -a --format '{{.Names}} {{.Status}}'
    assert_output --regexp "^$ctr (Exited|Stopped)"
}

@test "system check (store): a damaged database fails with the way out" {
    use_private_store
    run_warren 0 load -i "$WT_FIXTURES/busybox.docker.tar"
    sqlite3 "$WT_ROOT/warren.db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
    [ "$(stat -c %s "$WT_ROOT/warren.db")" -gt 16384 ] || skip "the database is too small to damage a page"
    dd if=/dev/urandom of="$WT_ROOT/warren.db" bs=4096 seek=2 count=2 conv=notrunc status=none
    store_check
    [ "$status" = 1 ] || fail "exit $status, want 1: $output"
    assert_output --regexp "fail +(store database|store) +"
}
