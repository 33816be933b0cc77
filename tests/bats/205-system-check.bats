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

@test "system check: an unwritable storage path fails; a broken store does not stop it" {
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
    [ "$status" = 0 ] || fail "exit $status: $output $stderr"
    [ -z "$(find "$d/broken" -name '.warren-check-*')" ] || fail "left its temp dir behind"
}
