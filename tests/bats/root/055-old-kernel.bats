#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Issue 5 items 5, 7 and 8 in root mode, and for the pause process: the
# newer syscalls fail with ENOSYS (tests/tools/enosys, installed by root, so
# without no_new_privs: a pause process created under it keeps the filter).

load ../helpers

NOSUBID_USER=${WARREN_TEST_NOSUBID_USER:-warren-nosubid}

teardown() {
    if [ -n "${NS_TMP:-}" ]; then
        runuser -u "$NOSUBID_USER" -- env -i XDG_RUNTIME_DIR="$NS_TMP/xdg" PATH=/usr/bin:/bin \
            "$WARREN" system migrate >/dev/null 2>&1 || true
        rm -rf --one-file-system "$NS_TMP"
    fi
    wt_unmount_all
    wt_teardown
}

@test "root: old kernel: load, run -v :ro over a submount, --read-only, -u, rm" {
    # guards: issue 5 items 5 and 8 in root mode (openat2 and mount_setattr fallbacks)
    local d=$BATS_TEST_TMPDIR/vol
    mkdir -p "$d/sub"
    wt_mount_tmpfs "$d/sub"
    use_private_store
    run_warren_enosys 0 @new load -i "$WT_FIXTURES/busybox.docker.tar"
    run_warren_enosys 1 @new run --rm -v "$d:/d:ro" "$IMAGE" touch /d/sub/x
    assert_stderr_contains "read-only file system"
    run_warren 1 run --rm -v "$d:/d:ro" "$IMAGE" touch /d/sub/x
    assert_stderr_contains "read-only file system"
    run_warren_enosys 0 @new run --rm -v "$d:/d" "$IMAGE" touch /d/sub/x
    [ -e "$d/sub/x" ] || fail "the file made in the read-write submount is not on the host"
    wt_old_kernel_basics
}

@test "root: old kernel: a new pause process keeps none of its creator's file descriptors" {
    # guards: issue 5 item 7 (pause process): without close_range it closed only fds below 4096
    local enosys pid
    enosys=$(wt_tool enosys)
    id "$NOSUBID_USER" >/dev/null 2>&1 ||
        skip "needs a test user without subordinate ids (WARREN_TEST_NOSUBID_USER, default warren-nosubid)"
    runuser -u "$NOSUBID_USER" -- test -x "$WARREN" ||
        skip "needs $WARREN executable by $NOSUBID_USER (install it, e.g. make install)"
    NS_TMP=$(mktemp -d "$WT_TMP/nosubid.XXXXXX")
    chown "$NOSUBID_USER:" "$NS_TMP"
    install -d -m 0700 -o "$NOSUBID_USER" "$NS_TMP/xdg"
    ulimit -Sn 8192
    exec 7</etc/passwd 4500</etc/passwd
    run --separate-stderr timeout -k 5 120 "$enosys" close_range runuser -u "$NOSUBID_USER" -- env -i \
        HOME="$NS_TMP" PATH=/usr/bin:/bin XDG_RUNTIME_DIR="$NS_TMP/xdg" \
        "$WARREN" --root "$NS_TMP/root" --runroot "$NS_TMP/runroot" info
    exec 7<&- 4500<&-
    wt_check_status 0 "enosys close_range runuser -u $NOSUBID_USER -- warren info"
    # the pause process's record: its pid comes first
    pid=$(cut -d' ' -f1 "$NS_TMP/xdg/warren/pause.pid")
    [ "$(stat -c %U "/proc/$pid")" = "$NOSUBID_USER" ] || fail "no pause process of $NOSUBID_USER at pid '$pid'"
    # made under the filter: close_range failed in it too
    run grep '^Seccomp_filters:' "/proc/$pid/status"
    assert_output --regexp ":\s+$(($(wt_seccomp_base) + 1))$"
    # nothing of its creator: at most its own marker (fd 3, a memfd naming
    # its runtime dir; best effort, so it may be missing)
    run ls "/proc/$pid/fd"
    [ -z "$output" ] || [ "$output" = 3 ] || fail "the pause process holds fds: $output"
    if [ "$output" = 3 ]; then
        run readlink "/proc/$pid/fd/3"
        assert_output --partial "memfd:"
    fi
}
