#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Foundation #2 §2 (rootless core: pause process, runtime dir, unshare,
# system migrate) and §5 (a CLI killed with SIGKILL leaves a usable store).

load helpers

setup() {
    [ "$(id -u)" != 0 ] || skip "the rootless suite must run as an unprivileged user"
}

# pause_pids: after a warren command, the processes of this user in warren's user namespace
pause_pids() {
    local ns
    ns=$(userns_of_warren) || fail "warren unshare failed"
    pids_in_userns "$ns"
}

@test "pause process: one holds the namespace; killed, the next command rebuilds it" {
    # guards: Foundation #2 §2 pause process, "Pause process killed ... the next command notices and rebuilds"
    local ns1 ns2 pids
    ns1=$(userns_of_warren)
    [ "$ns1" != "$(readlink /proc/self/ns/user)" ] || fail "warren unshare did not enter a user namespace"
    pids=$(pids_in_userns "$ns1")
    [ "$(wc -w <<<"$pids")" -eq 1 ] || fail "expected one pause process in $ns1, got: '$pids'"
    # later commands join the same namespace
    assert_equal "$(userns_of_warren)" "$ns1"
    kill -KILL "$pids"
    for _ in $(seq 50); do [ -d "/proc/$pids" ] || break; sleep 0.1; done
    run_warren 0 run --rm "$IMAGE" echo rebuilt
    assert_output rebuilt
    # a new pause process holds the new namespace (namespace inode numbers are
    # reused once the old namespace is gone, so compare pause pids instead)
    ns2=$(userns_of_warren)
    run pids_in_userns "$ns2"
    [ "${#lines[@]}" -eq 1 ] || fail "expected one pause process, got: $output"
    [ "$output" != "$pids" ] || fail "the killed pause process $pids is still the holder"
    [ ! -d "/proc/$pids" ] || fail "the killed pause process $pids is still alive"
}

@test "pause process: commands started at the same instant end with one pause process" {
    # guards: Foundation #2 §2 "Two first commands started at the same instant end with one pause process"
    local round i rc ns
    for round in 1 2 3; do
        run_warren 0 system migrate
        for i in 1 2 3 4; do
            start_warren "$BATS_TEST_TMPDIR/ns$i" unshare readlink /proc/self/ns/user
        done
        for p in "${WT_BG_PIDS[@]: -4}"; do
            wait_for_exit "$p" 60 || fail "round $round: a command hung"
            rc=$(bg_status "$p")
            [ "$rc" -eq 0 ] || fail "round $round: exit $rc: $(cat "$BATS_TEST_TMPDIR"/ns*)"
        done
        run sort -u "$BATS_TEST_TMPDIR/ns1" "$BATS_TEST_TMPDIR/ns2" "$BATS_TEST_TMPDIR/ns3" "$BATS_TEST_TMPDIR/ns4"
        [ "${#lines[@]}" -eq 1 ] || fail "round $round: several namespaces: $output"
        ns=$output
        run pids_in_userns "$ns"
        [ "${#lines[@]}" -eq 1 ] || fail "round $round: expected one pause process, got: $output"
    done
}

@test "system migrate: stops the pause process; the next command starts a new one" {
    # guards: Foundation #2 §2 `warren system migrate`
    local ns pids
    ns=$(userns_of_warren)
    pids=$(pids_in_userns "$ns")
    [ -n "$pids" ] || fail "no pause process"
    run_warren 0 system migrate
    for _ in $(seq 50); do [ -d "/proc/$pids" ] || break; sleep 0.1; done
    [ ! -d "/proc/$pids" ] || fail "pause process $pids survived system migrate"
    run_warren 0 run --rm "$IMAGE" true
}

@test "unshare: id -u is 0 inside, with the user's id maps" {
    # guards: Foundation #2 §2 `warren unshare [CMD...]`
    local su
    run_warren 0 unshare id -u
    assert_output 0
    su=$(subid_range /etc/subuid "$(id -un)")
    [ -n "$su" ] || skip "needs an /etc/subuid range for $(id -un)"
    run_warren 0 unshare cat /proc/self/uid_map
    [ "${#lines[@]}" -eq 2 ] || fail "expected 2 uid_map lines: $output"
    assert_line --index 0 --regexp "^ +0 +$(id -u) +1$"
    assert_line --index 1 --regexp "^ +1 +${su% *} +${su#* }$"
    run_warren 7 unshare sh -c 'exit 7'
}

@test "unshare: without CMD runs \$SHELL" {
    # guards: Foundation #2 §2 `warren unshare` (no CMD: a shell, as podman unshare)
    SHELL=/bin/sh run_warren 0 unshare <<<'id -u; echo in-shell'
    assert_output $'0\nin-shell'
}

@test "runtime dir: without XDG_RUNTIME_DIR a private /tmp/warren-UID, 0700" {
    # guards: Foundation #2 §2 "No XDG_RUNTIME_DIR: a private fallback runtime dir, owned by the user, mode 0700"
    local d
    d=/tmp/warren-$(id -u)
    run_warren_env 0 -u XDG_RUNTIME_DIR -- unshare true
    [ -d "$d" ] && [ ! -L "$d" ] || fail "$d is not a directory"
    assert_equal "$(stat -c '%u %a' "$d")" "$(id -u) 700"
    run_warren_env 0 -u XDG_RUNTIME_DIR -- run --rm "$IMAGE" echo fallback-ok
    assert_output fallback-ok
    run_warren_env 0 -u XDG_RUNTIME_DIR -- system migrate
}

@test "runtime dir: a symlink planted at /tmp/warren-UID is never followed" {
    # guards: Foundation #2 §2 fallback runtime dir "never followed through a symlink"
    local d target=$BATS_TEST_TMPDIR/target
    d=/tmp/warren-$(id -u)
    mkdir "$target"
    timeout 60 env -u XDG_RUNTIME_DIR "$WARREN" system migrate >/dev/null 2>&1 || true
    if [ -e "$d" ] || [ -L "$d" ]; then
        rm -rf "$d" || skip "cannot remove the existing $d"
    fi
    ln -s "$target" "$d"
    run --separate-stderr timeout 60 env -u XDG_RUNTIME_DIR "$WARREN" unshare true
    local rc=$status
    timeout 60 env -u XDG_RUNTIME_DIR "$WARREN" system migrate >/dev/null 2>&1 || true
    [ ! -L "$d" ] || rm -f "$d"
    run ls -A "$target"
    assert_output ""
    if [ "$rc" -ne 0 ]; then
        [ "$rc" -eq 125 ] || fail "refused with exit $rc, expected 125"
        assert_equal "${#stderr_lines[@]}" 1
    fi
}

@test "SIGKILL of warren mid-run leaves a store the next commands use" {
    # guards: Foundation #2 §5 "A CLI killed with SIGKILL at any point leaves a store that the next command uses or cleans up"
    local name sync=$BATS_TEST_TMPDIR/sync
    name=$(wt_name)
    mkdir "$sync"
    start_warren "$BATS_TEST_TMPDIR/out" run --name "$name" -v "$sync:/sync" "$IMAGE" \
        sh -c 'touch /sync/ready; exec sleep 1000'
    wait_for_file "$sync/ready" 60
    kill -KILL "$BG_PID"
    wait_for_exit "$BG_PID" 10
    run_warren 0 ps -a
    assert_output --partial "$name"
    run_warren 0 rm -f -t 0 "$name"
    run_warren 0 ps -a
    refute_output --partial "$name"
    run_warren 0 run --rm --name "$name" "$IMAGE" echo again
    assert_output again
}

@test "SIGKILL of warren during create and load leaves a usable store" {
    # guards: Foundation #2 §5 "killed with SIGKILL at any point"
    local d i
    use_private_store
    for d in 0.02 0.05 0.1 0.2 0.4; do
        i=$(wt_name)
        start_warren "$BATS_TEST_TMPDIR/l" load -i "$WT_FIXTURES/busybox.docker.tar"
        sleep "$d"; kill -KILL "$BG_PID" 2>/dev/null || true
        wait_for_exit "$BG_PID" 10
        run_warren 0 images
        start_warren "$BATS_TEST_TMPDIR/r" run --name "$i" "$IMAGE" true
        sleep "$d"; kill -KILL "$BG_PID" 2>/dev/null || true
        wait_for_exit "$BG_PID" 10
        run_warren 0 ps -a
    done
    run_warren 0 load -i "$WT_FIXTURES/busybox.docker.tar"
    run_warren 0 run --rm "$IMAGE" echo survived
    assert_output survived
    run_warren 0 rm -a -f -t 0
    run_warren 0 ps -a -q
    assert_output ""
}

@test "rootless: layer files belong to the user, container root is the user on the host" {
    # guards: Foundation #2 §3 extraction "inside the user namespace so that ownership lands on the mapped ids"
    local d=$BATS_TEST_TMPDIR/vol
    mkdir "$d"
    run_warren 0 run --rm -v "$d:/v" "$IMAGE" sh -c 'touch /v/by-root; stat -c %u /bin/busybox'
    assert_output 0
    assert_equal "$(stat -c %u "$d/by-root")" "$(id -u)"
}

@test "user namespaces disabled: one clear error naming the cause and the fix" {
    # guards: Foundation #2 §2 "User namespaces unavailable (sysctl at 0 ...): one clear error
    # naming the cause and the fix". The limit is per user namespace: set it to 0 inside one
    # of our own (root there), then run warren as a non-root id of that namespace, so the
    # host's setting is never touched.
    command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
    # the run dir must be reachable by id 4242 (a sub-id on the host): a fresh one in /tmp,
    # removed inside the namespace, where its owner is mapped
    run --separate-stderr timeout -k 5 60 unshare --map-users=auto --map-groups=auto -r sh -c '
        echo 0 > /proc/sys/user/max_user_namespaces || exit 99
        d=$(mktemp -d /tmp/warren-nouserns.XXXXXX) && chmod 0755 "$d" && chown 4242:4242 "$d" || exit 98
        setpriv --reuid 4242 --regid 4242 --clear-groups \
            env -i HOME="$d" XDG_RUNTIME_DIR="$d" PATH=/usr/bin:/bin \
            "$1" --root "$d/root" --runroot "$d/run" info
        rc=$?
        rm -rf "$d"
        exit $rc' sh "$WARREN"
    [ "$status" -ne 99 ] || skip "needs a writable user.max_user_namespaces inside a user namespace"
    wt_check_status 125 "warren info with user.max_user_namespaces=0"
    assert_equal "${#stderr_lines[@]}" 1
    assert_equal "${stderr_lines[0]:0:8}" "warren: "
    [[ ${stderr_lines[0]} == *"user namespaces are disabled"*"sysctl -w user.max_user_namespaces="* ]] ||
        fail "the error does not name the cause and the fix: $stderr"
}

@test "pause process: after a reboot (another boot id) the next command builds a new one" {
    # guards: Foundation #2 §2 "Pause process killed, or host rebooted: the next command notices
    # and rebuilds the namespace by itself". A reboot is simulated by the record a pause process
    # from another boot would have left: its boot id and boot time differ from this boot's.
    local f=${XDG_RUNTIME_DIR:?needs XDG_RUNTIME_DIR}/warren/pause.pid old new
    run_warren 0 info --format '{{.Host.PausePid}}'
    old=$output
    [ -f "$f" ] || fail "no pause record at $f"
    # fields: PID STARTTIME BOOTID MAPHASH STAMP USERNS BOOTSEC SINGLE
    awk '{$3 = "00000000-0000-0000-0000-000000000000"; $7 = 1000; print}' "$f" > "$f.new"
    mv "$f.new" "$f"
    run_warren 0 run --rm "$IMAGE" echo rebooted
    assert_output rebooted
    run_warren 0 info --format '{{.Host.PausePid}}'
    new=$output
    [ "$new" != "$old" ] || fail "the pause process of the 'previous boot' ($old) was reused"
    # the one of the "previous boot" really is still alive here: stop it
    kill -KILL "$old" 2>/dev/null || true
}
