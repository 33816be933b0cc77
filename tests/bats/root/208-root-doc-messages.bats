#!/usr/bin/env bats
# shellcheck disable=SC2154  # status/output/stderr come from bats
# Issue 10: the messages of docs/rootless/troubleshooting.md that only root
# can provoke (sysctls, newuidmap, /etc/subuid, a network filesystem),
# each triggered for the test user without sub-ids in a private mount
# namespace where a file is bind-mounted over the real one, then compared
# with the page (docmsg.bash).

load ../helpers
load ../docmsg

DU=${WARREN_TEST_NOSUBID_USER:-warren-nosubid}

setup() {
    id "$DU" >/dev/null 2>&1 || skip "needs the test user $DU (WARREN_TEST_NOSUBID_USER)"
    runuser -u "$DU" -- test -x "$WARREN" || skip "needs $WARREN executable by $DU"
    DM=$(mktemp -d "$WT_TMP/docmsg.XXXXXX")
    chmod 0755 "$DM"
    install -d -m 0700 -o "$DU" "$DM/run" "$DM/home"
    DU_ID=$(id -u "$DU")
}

teardown() {
    [ -n "${DM:-}" ] || return 0
    runuser -u "$DU" -- env -i PATH=/usr/bin:/bin XDG_RUNTIME_DIR="$DM/run" \
        "$WARREN" system migrate >/dev/null 2>&1 || true
    umount -l "$DM/run/warren/ns" "$DM/fuse" 2>/dev/null || true
    rm -rf "$DM"
}

# as_user SETUP ARGS...: SETUP (root's shell) in a new mount namespace, then
# warren ARGS as the test user with its own store; the environment goes
# through runuser -w, so SETUP may hide /usr/bin
as_user() {
    local setup=$1
    shift
    run --separate-stderr timeout -k 5 60 unshare -m --propagation private sh -c "$setup
        export XDG_RUNTIME_DIR='$DM/run' HOME='$DM/home' PATH=/usr/bin:/bin
        exec /usr/sbin/runuser -u '$DU' -w XDG_RUNTIME_DIR,HOME,PATH -- '$WARREN' --root '$DM/home/store' \"\$@\"" sh "$@"
}

# subids TEXT: a file with TEXT for /etc/subuid and /etc/subgid
subids() {
    printf '%b' "$1" >"$DM/subid"
    chmod 0644 "$DM/subid"
}

fake_subids() {
    echo "mount --bind '$DM/subid' /etc/subuid && mount --bind '$DM/subid' /etc/subgid"
}

@test "root doc messages: user.max_user_namespaces=0 (userns-max), in a user namespace of the test's own" {
    local p
    unshare -U sleep 60 &
    p=$!
    for _ in $(seq 50); do [ "$(readlink /proc/$p/ns/user)" != "$(readlink /proc/self/ns/user)" ] && break; sleep 0.05; done
    python3 -c "
import os, sys
for f in ('uid_map', 'gid_map'):
    fd = os.open('/proc/%s/%s' % (sys.argv[1], f), os.O_WRONLY)
    os.write(fd, ('0 0 1\n%s %s 1\n' % (sys.argv[2], sys.argv[2])).encode())" "$p" "$DU_ID"
    run --separate-stderr nsenter -U -t "$p" sh -c "echo 0 > /proc/sys/user/max_user_namespaces &&
        exec setpriv --reuid $DU_ID --regid $DU_ID --clear-groups env -i PATH=/usr/bin:/bin \
            HOME='$DM/home' XDG_RUNTIME_DIR='$DM/run' '$WARREN' --root '$DM/home/store' ps"
    kill "$p"
    [ "$status" = 125 ] || fail "exit $status, want 125: $stderr"
    assert_doc_msg userns-max "$stderr"
}

@test "root doc messages: kernel.unprivileged_userns_clone=0 (userns-clone)" {
    local f=/proc/sys/kernel/unprivileged_userns_clone old
    [ -w "$f" ] || skip "needs a kernel with kernel.unprivileged_userns_clone (Debian's patch; this one has none)"
    old=$(cat "$f")
    echo 0 >"$f"
    as_user ":" ps
    echo "$old" >"$f"
    [ "$status" = 125 ] || fail "exit $status: $stderr"
    assert_doc_msg userns-clone "$stderr"
}

@test "root doc messages: AppArmor's restriction (userns-apparmor)" {
    local f=/proc/sys/kernel/apparmor_restrict_unprivileged_userns old
    [ -w "$f" ] || skip "needs AppArmor's kernel.apparmor_restrict_unprivileged_userns (Ubuntu 23.10 and later; this kernel has none)"
    old=$(cat "$f")
    echo 1 >"$f"
    as_user ":" ps
    echo "$old" >"$f"
    [ "$status" = 125 ] || fail "exit $status: $stderr"
    assert_doc_msg userns-apparmor "$stderr"
}

@test "root doc messages: newuidmap missing (idmap-missing), not setuid (idmap-setuid), failing (idmap-failed)" {
    subids "$DU:300000:65536\n"
    as_user "$(fake_subids) && mount -t tmpfs none /usr/bin" ps
    [ "$status" = 125 ] || fail "exit $status: $stderr"
    assert_doc_msg idmap-missing "$stderr"
    cp /usr/bin/newuidmap "$DM/newuidmap" # no setuid bit, no file caps
    as_user "$(fake_subids) && mount --bind '$DM/newuidmap' /usr/bin/newuidmap" ps
    [ "$status" = 125 ] || fail "exit $status: $stderr"
    assert_doc_msg idmap-setuid "$stderr"
    install -m 4755 -o root /bin/false "$DM/false" # setuid root, and it fails
    as_user "$(fake_subids) && mount --bind '$DM/false' /usr/bin/newuidmap" ps
    [ "$status" = 125 ] || fail "exit $status: $stderr"
    assert_doc_msg idmap-failed "$stderr" USER="$DU"
}

@test "root doc messages: the user's own ranges overlap (subid-overlap-self)" {
    subids "$DU:300000:65536\n$DU:330000:65536\n"
    as_user "$(fake_subids)" ps
    [ "$status" = 125 ] || fail "exit $status: $stderr"
    assert_doc_msg subid-overlap-self "$stderr" USER="$DU" A-B=300000-365535 C-D=330000-395535
}

@test "root doc messages: no sub-ids (single-uid); another user's overlap (subid-overlap-other)" {
    if grep -q "^$DU:" /etc/subuid; then skip "needs $DU without sub-ids"; fi
    as_user ":" ps
    [ "$status" = 0 ] || fail "exit $status: $stderr"
    assert_doc_msg single-uid "$(grep -m1 'no subordinate ids' <<<"$stderr")" USER="$DU"
    runuser -u "$DU" -- env -i PATH=/usr/bin:/bin XDG_RUNTIME_DIR="$DM/run" "$WARREN" system migrate
    subids "$DU:300000:65536\nsomeoneelse:330000:65536\n"
    as_user "$(fake_subids)" ps
    [ "$status" = 0 ] || fail "exit $status: $stderr"
    assert_doc_msg subid-overlap-other "$(grep -m1 'overlap those of' <<<"$stderr")" \
        USER="$DU" OTHER=someoneelse A-B=300000-365535 C-D=330000-395535
}

@test "root doc messages: sub-ids changed under a live pause process (subid-changed)" {
    subids "$DU:300000:65536\n"
    as_user "$(fake_subids)" ps
    [ "$status" = 0 ] || fail "exit $status: $stderr"
    subids "$DU:400000:65536\n"
    cp "$DM/subid" "$DM/subid2"
    as_user "mount --bind '$DM/subid2' /etc/subuid && mount --bind '$DM/subid2' /etc/subgid" ps
    [ "$status" = 125 ] || fail "exit $status, want 125: $stderr"
    assert_doc_msg subid-changed "$stderr" USER="$DU"
}

@test "root doc messages: storage on a network or FUSE filesystem (storage-netfs)" {
    command -v fuse-overlayfs >/dev/null || skip "needs fuse-overlayfs (a FUSE filesystem to stand in for NFS)"
    mkdir -p "$DM/l" "$DM/u" "$DM/w" "$DM/fuse"
    chown "$DU" "$DM/u"
    fuse-overlayfs -o "lowerdir=$DM/l,upperdir=$DM/u,workdir=$DM/w,allow_other" "$DM/fuse"
    run --separate-stderr timeout -k 5 60 runuser -u "$DU" -- env -i PATH=/usr/bin:/bin \
        HOME="$DM/home" XDG_RUNTIME_DIR="$DM/run" "$WARREN" --root "$DM/fuse/store" info
    umount "$DM/fuse"
    assert_doc_msg storage-netfs "$(grep -m1 'rootless overlay storage does not work' <<<"$stderr")" \
        PATH="$DM/fuse/store" NFS=FUSE
}

@test "root doc messages: a default store on a network filesystem moves to local disk, said once (storage-relocated)" {
    # guards: issue 15 "Network home directories": detected on first use, storage kept
    # on a local disk and said once; system check reports it
    command -v fuse-overlayfs >/dev/null || skip "needs fuse-overlayfs (a FUSE filesystem to stand in for NFS)"
    local uid local_dir
    uid=$(id -u "$DU")
    local_dir=/var/tmp/warren-$uid
    [ ! -e "$local_dir" ] || rm -rf --one-file-system "$local_dir"
    mkdir -p "$DM/l" "$DM/u/home" "$DM/w" "$DM/fuse" "$DM/run"
    chown "$DU" "$DM/u/home" "$DM/run"
    chmod 0700 "$DM/run"
    fuse-overlayfs -o "lowerdir=$DM/l,upperdir=$DM/u,workdir=$DM/w,allow_other" "$DM/fuse"
    as_home() {
        run --separate-stderr timeout -k 5 60 runuser -u "$DU" -- env -i PATH=/usr/bin:/bin \
            HOME="$DM/fuse/home" XDG_RUNTIME_DIR="$DM/run" "$WARREN" "$@"
    }
    as_home info --format '{{.Store.GraphRoot}}'
    [ "$status" = 0 ] || { umount "$DM/fuse"; fail "info: exit $status: $stderr"; }
    assert_output "$local_dir/storage"
    assert_doc_msg storage-relocated "$(grep -m1 'rootless storage does not work' <<<"$stderr")" \
        HOME="$DM/fuse/home" NFS=FUSE UID="$uid"
    # said once: the next command is quiet, and uses the same place
    as_home load -i "$WT_FIXTURES/busybox.docker.tar"
    [ "$status" = 0 ] || { umount "$DM/fuse"; fail "load: exit $status: $stderr"; }
    refute_stderr_contains() { [[ $stderr != *"$1"* ]] || fail "stderr has '$1': $stderr"; }
    refute_stderr_contains "rootless storage does not work"
    as_home system check --host --format json
    umount "$DM/fuse"
    run jq -r '.checks[] | select(.name == "storage filesystem") | "\(.status) \(.message)"' <<<"$output"
    assert_output --partial "warn $DM/fuse/home/.local/share/warren is on FUSE: warren keeps its storage in $local_dir/storage"
    [ -d "$local_dir/storage" ] || fail "no $local_dir/storage"
    [ "$(stat -c '%U %a' "$local_dir")" = "$DU 700" ] || fail "$local_dir: $(stat -c '%U %a' "$local_dir")"
    runuser -u "$DU" -- env -i PATH=/usr/bin:/bin XDG_RUNTIME_DIR="$DM/run" "$WARREN" --root "$local_dir/storage" system migrate >/dev/null 2>&1 || true
    rm -rf --one-file-system "$local_dir"
}

@test "root doc messages: a local storage dir another user made is refused, never used" {
    # guards: /var/tmp is shared: warren-UID planted by someone else must not hold the store
    command -v fuse-overlayfs >/dev/null || skip "needs fuse-overlayfs (a FUSE filesystem to stand in for NFS)"
    local uid local_dir
    uid=$(id -u "$DU")
    local_dir=/var/tmp/warren-$uid
    rm -rf --one-file-system "$local_dir"
    mkdir -m 0777 "$local_dir"
    mkdir -p "$DM/l" "$DM/u/home" "$DM/w" "$DM/fuse" "$DM/run"
    chown "$DU" "$DM/u/home" "$DM/run"
    chmod 0700 "$DM/run"
    fuse-overlayfs -o "lowerdir=$DM/l,upperdir=$DM/u,workdir=$DM/w,allow_other" "$DM/fuse"
    run --separate-stderr timeout -k 5 60 runuser -u "$DU" -- env -i PATH=/usr/bin:/bin \
        HOME="$DM/fuse/home" XDG_RUNTIME_DIR="$DM/run" "$WARREN" images
    umount "$DM/fuse"
    rm -rf "$local_dir"
    [ "$status" = 125 ] || fail "exit $status: $stderr"
    [[ $stderr == *"local storage dir '$local_dir' is not a directory of uid $uid"* ]] || fail "stderr: $stderr"
}
