#!/usr/bin/env bats
# shellcheck disable=SC2154  # status/output/stderr come from bats
# Issue 10 "Every documented message and fix gets a test that triggers it
# and compares the text, so the docs cannot drift again": the messages of
# docs/rootless/troubleshooting.md a user can trigger alone (the runtime
# dir, the pause process, mount points). Those only root can fake are in
# root/208-root-doc-messages.bats; fuse-denied is checked in
# 085-storage-safety.bats.

load helpers
load docmsg

@test "doc messages: every marker of troubleshooting.md is quoted and tested somewhere" {
    local id
    for id in $(grep -o '<!-- msg:[a-z0-9-]* -->' "$DOC_TROUBLE" | sed 's/<!-- msg:\(.*\) -->/\1/'); do
        [ -n "$(doc_msg "$id")" ] || fail "msg:$id quotes nothing"
        grep -rqE "assert_doc_msg $id " "$WT_REPO/tests/bats" ||
            fail "msg:$id is tested nowhere"
    done
}

@test "doc messages: a runtime dir with mode 0755 (rundir-mode); a symlink in its place (rundir-foreign)" {
    local x=$BATS_TEST_TMPDIR/xdg
    mkdir -m 0700 "$x"
    mkdir -m 0755 "$x/warren"
    chmod 0755 "$x/warren" # whatever the umask
    run_warren_env 125 XDG_RUNTIME_DIR="$x" -- ps
    assert_doc_msg rundir-mode "$stderr" DIR="$x/warren"
    rmdir "$x/warren"
    ln -s "$BATS_TEST_TMPDIR" "$x/warren"
    run_warren_env 125 XDG_RUNTIME_DIR="$x" -- ps
    assert_doc_msg rundir-foreign "$stderr" DIR="$x/warren" UID="$(id -u)" N="$(id -u)"
}

@test "doc messages: migrate while a warren unshare runs in the namespace (pause-busy)" {
    local x=$BATS_TEST_TMPDIR/xdg
    mkdir -m 0700 "$x"
    XDG_RUNTIME_DIR=$x start_warren "$BATS_TEST_TMPDIR/unshare.out" unshare sleep 3141
    for _ in $(seq 100); do
        pgrep -u "$(id -u)" -f '^sleep 3141$' >/dev/null && break
        sleep 0.1
    done
    run_warren_env 125 XDG_RUNTIME_DIR="$x" -- system migrate
    assert_doc_msg pause-busy "$stderr" N='re:[0-9]+'
    kill "$BG_PID" 2>/dev/null || true
    pkill -u "$(id -u)" -f '^sleep 3141$' || true
    run_warren_env 0 XDG_RUNTIME_DIR="$x" -- system migrate
}

@test "doc messages: rm of a container with a mount under it (rm-mountpoint)" {
    local ctr dir
    ctr=$(wt_name)
    run_warren 0 create --name "$ctr" "$IMAGE" true
    dir=$WT_ROOT/containers/$(w inspect --format '{{.Id}}' "$ctr")
    run_warren 0 unshare sh -c "mkdir -p '$dir/extra' && mount -t tmpfs none '$dir/extra'"
    run_warren 125 rm "$ctr"
    assert_doc_msg rm-mountpoint "$(tail -n1 <<<"$stderr")" ID="re:[0-9a-f]{12}" DIR="$dir" NAME=extra
    run_warren 0 unshare umount "$dir/extra"
    run_warren 0 rm "$ctr"
}
