#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Issue 5 items 5, 7 and 8: warren on a kernel without the newer syscalls
# (openat2 5.6, close_range 5.9, mount_setattr 5.12, the new mount API,
# pidfd_open), simulated by tests/tools/enosys, which makes them fail with
# ENOSYS: warren must take its fallbacks (lib/syscalls) with the same results.
# The whole suite runs that way with `WARREN_CHECK_ENOSYS=1 tests/check.sh`.

load helpers

setup() {
    # an unprivileged enosys brings no_new_privs: the pause process must exist
    wt_pause_ready
}

teardown() {
    wt_unmount_all
    wt_teardown
}

@test "old kernel: load, run with binds, --read-only, -u from the image's passwd, rm" {
    # guards: issue 5 item 8 "the executor's [openat2] has no fallback (every mount fails
    # before Linux 5.6)"; layer extraction and -u lookup take the same fallback
    local rw=$BATS_TEST_TMPDIR/rw ro=$BATS_TEST_TMPDIR/ro
    mkdir -p "$rw" "$ro"
    echo hello >"$ro/f"
    use_private_store
    run_warren_enosys 0 @new load -i "$WT_FIXTURES/busybox.docker.tar"
    run_warren_enosys 0 @new run --rm -v "$rw:/rw" -v "$ro:/ro:ro" "$IMAGE" \
        sh -c 'cat /ro/f && touch /rw/made && grep Seccomp_filters /proc/self/status'
    assert_line --index 0 hello
    # the container's own filter on top of the enosys one: warren did run under it
    assert_line --index 1 --regexp "^Seccomp_filters:\s+$(($(wt_seccomp_base) + 2))$"
    [ -e "$rw/made" ] || fail "the file made in the read-write bind is not on the host"
    run_warren_enosys 1 @new run --rm -v "$ro:/ro:ro" "$IMAGE" touch /ro/x
    assert_stderr_contains "read-only file system"
    wt_old_kernel_basics
}

@test "old kernel: inherited file descriptors do not reach the container" {
    # guards: issue 5 item 7 "close_range is called unchecked: on kernels without it every fd
    # warren inherited reaches the container (the CVE-2024-21626 class)"
    local want
    want=$(printf '%s\n' 0 1 2 3) # 3: the directory ls reads
    ulimit -Sn 8192
    exec 7</etc/passwd 4500</etc/passwd
    run_warren_enosys 0 close_range run --rm "$IMAGE" ls /proc/self/fd
    local missing=$output
    run_warren 0 run --rm "$IMAGE" ls /proc/self/fd
    exec 7<&- 4500<&-
    assert_equal "$missing" "$want"
    assert_output "$want"
}

@test "old kernel: -v SRC:DST:ro makes the mounts below SRC read-only without mount_setattr" {
    # guards: issue 5 item 5 on kernels before 5.12 (the remount walk of lib/syscalls)
    local d=$BATS_TEST_TMPDIR/vol
    mkdir -p "$d/sub"
    wt_mount_tmpfs "$d/sub"
    run_warren_enosys 1 @new run --rm -v "$d:/d:ro" "$IMAGE" touch /d/sub/x
    assert_stderr_contains "read-only file system"
    run_warren_enosys 1 @new run --rm -v "$d:/d:ro" "$IMAGE" touch /d/x
    assert_stderr_contains "read-only file system"
    run_warren_enosys 0 @new run --rm -v "$d:/d" "$IMAGE" touch /d/sub/x
}
