#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Issue 5, storage safety in root mode: device nodes shipped in an image.

load ../helpers
load ../storage-helpers

# devnode_image NAME: loads an image whose second layer holds a char device
# /null (1:3, as /dev/null) and a block device /blk (7:0, a loop device)
devnode_image() {
    local d=$BATS_TEST_TMPDIR/devlayer
    mkdir -p "$d"
    mknod -m 0666 "$d/null" c 1 3
    mknod -m 0666 "$d/blk" b 7 0
    tar_dir "$d" "$BATS_TEST_TMPDIR/dev.tar"
    base_layer "$BATS_TEST_TMPDIR/base.tar"
    mk_archive "$BATS_TEST_TMPDIR/img.tar" "$1" "$BATS_TEST_TMPDIR/base.tar" "$BATS_TEST_TMPDIR/dev.tar"
    run_warren 0 load -i "$BATS_TEST_TMPDIR/img.tar"
}

# assert_nodes_unusable DRIVER: in a container of that driver, the nodes
# are there but cannot be opened; warren's own /dev works
assert_nodes_unusable() {
    local name
    name=$(wt_name)
    run_warren 0 --storage-driver "$1" run --name "$name" localhost/devnodes:1 sh -c \
        'stat -c "%F %t:%T" /null /blk; echo x > /null && echo null-writable; head -c 1 /blk >/dev/null && echo blk-readable; echo x > /dev/null && echo own-dev-ok'
    assert_output $'character special file 1:3\nblock special file 7:0\nown-dev-ok'
    [[ $stderr == *"/null: Permission denied"* ]] || fail "opening /null did not fail with EACCES: $stderr"
    [[ $stderr == *"/blk: Permission denied"* ]] || fail "opening /blk did not fail with EACCES: $stderr"
    run_warren 0 --storage-driver "$1" rm "$name"
    run findmnt -rn -o TARGET
    refute_output --partial "$WT_ROOT"
}

@test "root: device nodes from an image cannot be opened (overlay)" {
    # guards: issue 5 item 4 (root mode: a device node in a layer was usable in the container)
    use_private_store
    devnode_image localhost/devnodes:1
    assert_nodes_unusable overlay
}

@test "root: device nodes from an image cannot be opened (fuse-overlayfs)" {
    # guards: issue 5 item 4, the fuse-overlayfs driver (libfuse mounts nodev by default; warren asks for it too)
    [ -x /usr/bin/fuse-overlayfs ] || skip "needs /usr/bin/fuse-overlayfs"
    [ -c /dev/fuse ] || skip "needs /dev/fuse"
    use_private_store
    devnode_image localhost/devnodes:1
    assert_nodes_unusable fuse-overlayfs
}

@test "root: device nodes from an image cannot be opened (vfs)" {
    # guards: issue 5 item 4, the vfs driver (a copy, bound onto itself nodev)
    use_private_store
    devnode_image localhost/devnodes:1
    assert_nodes_unusable vfs
}
