#!/usr/bin/env bats
# shellcheck disable=SC2154  # status/output/stderr come from bats
# Issue 10 "warren system check": each failure a user cannot fake alone is
# faked here as root, in a private mount namespace (unshare -m) where a
# file is bind-mounted over the sysctl, device, tool or id file the check
# reads; then the check runs as the test user without sub-ids. Each test
# compares the status, the message and the fix.

load ../helpers

CK_USER=${WARREN_TEST_NOSUBID_USER:-warren-nosubid}

setup() {
    id "$CK_USER" >/dev/null 2>&1 || skip "needs the test user $CK_USER (WARREN_TEST_NOSUBID_USER)"
    runuser -u "$CK_USER" -- test -x "$WARREN" || skip "needs $WARREN executable by $CK_USER"
    command -v unshare >/dev/null || skip "needs unshare (util-linux)"
    CK=$(mktemp -d "$WT_TMP/syscheck.XXXXXX")
    chmod 0755 "$CK"
    install -d -m 0700 -o "$CK_USER" "$CK/run" "$CK/home"
}

teardown() {
    [ -n "${CK:-}" ] || return 0
    # the store checks started a pause process for the user: stop it
    runuser -u "$CK_USER" -- env -i PATH=/usr/bin:/bin XDG_RUNTIME_DIR="$CK/run" \
        "$WARREN" system migrate >/dev/null 2>&1 || true
    umount -l "$CK/run/warren/ns" 2>/dev/null || true
    rm -rf "$CK"
}

# check_as_user SETUP [ARGS...]: runs SETUP (shell, as root) in a new mount
# namespace, then `warren system check ARGS` there as the test user
check_as_user() {
    local setup=$1
    shift
    run --separate-stderr timeout -k 5 60 unshare -m --propagation private sh -c "$setup
        exec runuser -u '$CK_USER' -- env -i PATH=/usr/local/bin:/usr/bin:/bin \
            HOME='$CK/home' XDG_RUNTIME_DIR=\${CK_RUN:-'$CK/run'} \
            '$WARREN' --root \${CK_ROOT:-'$CK/home/store'} system check \"\$@\"" sh "$@"
}

# line NAME: the output line of check NAME, and its fix line if any
line() {
    awk -v n="$1" '$0 ~ "^(ok|warn|fail) +" n " " {p = 1; print; next}
        p && /^ +fix: / {print} {p = 0}' <<<"$output" | grep . ||
        fail "no line for check '$1' in: $output"
}

@test "root system check: root mode needs no user namespace, sub-ids or newuidmap" {
    run_warren 0 system check
    assert_line --regexp '^ok +user namespaces +not needed in root mode$'
    assert_line --regexp '^ok +subordinate ids +not needed in root mode$'
    assert_line --regexp '^ok +storage overlay +native overlay mounts$'
}

@test "root system check: a user without sub-ids is warned, with a free range to ask for" {
    if grep -q "^$CK_USER:" /etc/subuid; then skip "needs $CK_USER without sub-ids"; fi
    check_as_user ":"
    [ "$status" = 0 ] || fail "exit $status: $output $stderr"
    run line "subordinate ids"
    assert_output --regexp "warn +subordinate ids +$CK_USER has no subordinate uids or gids: containers run with one uid"
    assert_output --regexp "fix: ask an admin to run 'usermod --add-subuids [0-9]+-[0-9]+ --add-subgids [0-9]+-[0-9]+ $CK_USER'"
}

@test "root system check: sub-ids overlapping another user's fail" {
    printf '%s:300000:65536\nsomeoneelse:330000:65536\n' "$CK_USER" >"$CK/subid"
    chmod 0644 "$CK/subid"
    check_as_user "mount --bind '$CK/subid' /etc/subuid && mount --bind '$CK/subid' /etc/subgid"
    [ "$status" = 1 ] || fail "exit $status, want 1: $output $stderr"
    run line "subordinate ids"
    assert_output --partial "fail  subordinate ids      the ranges of $CK_USER overlap those of someoneelse (330000-395535 in /etc/subuid)"
    assert_output --partial "fix: ask an admin to give $CK_USER a range of its own"
}

@test "root system check: user.max_user_namespaces=0 fails with the sysctl to run" {
    echo 0 >"$CK/zero"
    check_as_user "mount --bind '$CK/zero' /proc/sys/user/max_user_namespaces"
    [ "$status" = 1 ] || fail "exit $status, want 1: $output $stderr"
    run line "user namespaces"
    assert_output --partial "fail  user namespaces      user namespaces are disabled"
    assert_output --partial "fix: ask an admin to run 'sysctl -w user.max_user_namespaces=15000'"
}

@test "root system check: newuidmap without setuid fails with the chmod to run" {
    cp /usr/bin/newuidmap "$CK/newuidmap" # the copy has neither setuid nor file caps
    check_as_user "mount --bind '$CK/newuidmap' /usr/bin/newuidmap"
    [ "$status" = 1 ] || fail "exit $status, want 1: $output $stderr"
    run line "newuidmap/newgidmap"
    assert_output --partial "fail  newuidmap/newgidmap  newuidmap is not setuid root: only a single uid can be mapped"
    assert_output --partial "fix: ask an admin to run 'chmod u+s /usr/bin/newuidmap /usr/bin/newgidmap'"
}

@test "root system check: /dev/fuse and /dev/net/tun the user cannot open: warn and fail, with the chmod" {
    touch "$CK/dev"
    chmod 0600 "$CK/dev"
    check_as_user "mount --bind '$CK/dev' /dev/fuse && mkdir -p /dev/net && mount --bind '$CK/dev' /dev/net/tun"
    [ "$status" = 1 ] || fail "exit $status, want 1: $output $stderr"
    run line /dev/fuse
    assert_output --partial "warn  /dev/fuse            cannot open /dev/fuse: Permission denied"
    assert_output --partial "fix: ask an admin to run 'chmod 0666 /dev/fuse'"
    check_as_user "mount --bind '$CK/dev' /dev/net/tun"
    run line /dev/net/tun
    assert_output --partial "fail  /dev/net/tun         cannot open /dev/net/tun: Permission denied: slirp4netns and pasta cannot give containers a network"
}

@test "root system check: storage without user xattrs (ramfs) warns; a nearly full one fails" {
    local setup="mount -t ramfs none '$CK/home/fs' && chown '$CK_USER' '$CK/home/fs'"
    install -d -o "$CK_USER" "$CK/home/fs"
    CK_ROOT=$CK/home/fs/store check_as_user "$setup"
    [ "$status" = 0 ] || fail "exit $status: $output $stderr"
    run line "storage xattrs"
    assert_output --partial "warn  storage xattrs       $CK/home/fs has no user xattrs (Operation not supported)"
    setup="mount -t tmpfs -o size=50m none '$CK/home/fs' && chown '$CK_USER' '$CK/home/fs'"
    CK_ROOT=$CK/home/fs/store check_as_user "$setup"
    [ "$status" = 1 ] || fail "exit $status, want 1: $output $stderr"
    run line "storage space"
    assert_output --regexp "fail +storage space +[0-9.]+ MB free in $CK/home/fs"
    assert_output --partial "fix: free space there ('warren system prune -a'), or choose another --root"
}

@test "root system check: a runtime dir on a noexec mount warns" {
    install -d -o "$CK_USER" "$CK/noexec"
    CK_RUN=$CK/noexec/run check_as_user "mount -t tmpfs -o noexec none '$CK/noexec' && install -d -m 0700 -o '$CK_USER' '$CK/noexec/run'"
    [ "$status" = 0 ] || fail "exit $status: $output $stderr"
    run line "runtime dir"
    assert_output --partial "warn  runtime dir          $CK/noexec/run/warren is on a noexec mount"
}
