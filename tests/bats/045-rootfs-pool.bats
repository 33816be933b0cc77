#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154  # container commands in single quotes; status/output come from bats
# The rootfs pool of --rm containers (storage/pool.h): a container that wrote nothing hands
# its mounted rootfs to the next --rm container of the image. Foundation #2 §4 `run --rm`
# and its speed target; these tests guard that no state ever crosses from one to the next.

load helpers

setup() {
    use_private_store
    load_fixture busybox.docker.tar
}

teardown() {
    wt_teardown
}

pool_entries() {
    find "$WT_ROOT/pool" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l
}

@test "rootfs pool: a --rm container that wrote nothing is pooled, and reused" {
    run_warren 0 run --rm "$IMAGE" true
    assert_equal "$(pool_entries)" 1
    run_warren 0 run --rm "$IMAGE" cat /etc/hostname
    assert_equal "$(pool_entries)" 1
}

@test "rootfs pool: files, deletions and a chmod of / never reach the next container" {
    run_warren 0 run --rm "$IMAGE" true
    run_warren 0 run --rm "$IMAGE" sh -c 'echo leak > /leak; rm /etc/group'
    run_warren 0 run --rm "$IMAGE" sh -c 'test ! -e /leak && test -e /etc/group && echo clean'
    assert_output clean
    run_warren 0 run --rm "$IMAGE" chmod 0700 /
    run_warren 0 run --rm "$IMAGE" stat -c %a /
    assert_output 755
}

@test "rootfs pool: a pooled rootfs survives a rebuilt pause process (its mount is gone)" {
    run_warren 0 run --rm "$IMAGE" true
    assert_equal "$(pool_entries)" 1
    run_warren 0 system migrate
    run_warren 0 run --rm "$IMAGE" echo fresh
    assert_output fresh
}

@test "rootfs pool: rmi unmounts and removes the pooled rootfs of the image" {
    run_warren 0 run --rm "$IMAGE" true
    assert_equal "$(pool_entries)" 1
    run_warren 0 rmi "$IMAGE"
    assert_equal "$(pool_entries)" 0
    run_warren 0 unshare sh -c "grep -c ' $WT_ROOT/' /proc/self/mountinfo || true"
    assert_output 0
}
