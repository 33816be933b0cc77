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

# live_in_userns NS: pids of this user's live processes (zombies aside) in user namespace NS
live_in_userns() {
    local p
    for p in $(pids_in_userns "$1"); do
        wt_exited "$p" || echo "$p"
    done
}

# live_pauses: this user's live processes named warren-pause (comm, as `ps -e` shows them)
live_pauses() {
    local p me
    me=$(id -u)
    for p in /proc/[0-9]*; do
        [ "$(stat -c %u "$p" 2>/dev/null)" = "$me" ] || continue
        [ "$(cat "$p/comm" 2>/dev/null)" = warren-pause ] || continue
        wt_exited "${p#/proc/}" || echo "${p#/proc/}"
    done
    return 0
}

# pause_pid: the pause process warren commands use now
pause_pid() {
    timeout 60 "$WARREN" info --format '{{.Host.PausePid}}'
}

# kill_when PID CMD...: SIGKILLs warren (background PID) as soon as CMD succeeds, so the
# kill lands at the point the test names; fails when warren ended before (it was not
# killed there) or CMD never succeeded within 60 s
kill_when() {
    local pid=$1 end=$((SECONDS + 60))
    shift
    until "$@" >/dev/null 2>&1; do
        # /proc/PID/exe vanishes when the process exits (also while a zombie)
        [ -e "/proc/$pid/exe" ] || fail "warren ended before '$*': $(cat "$BATS_TEST_TMPDIR"/out* 2>/dev/null)"
        [ "$SECONDS" -lt "$end" ] || fail "'$*' did not happen within 60 s"
    done
    kill -KILL "$pid"
    wait_for_exit "$pid" 10 || fail "warren survived SIGKILL"
    [ "$(bg_status "$pid")" = 137 ] || fail "warren ended by itself before the kill at '$*'"
}

@test "pause process: one holds the namespace; killed, the next command rebuilds it" {
    # guards: Foundation #2 §2 pause process, "Pause process killed ... the next command notices and rebuilds"
    local ns1 ns2 pids
    ns1=$(userns_of_warren)
    [ "$ns1" != "$(readlink /proc/self/ns/user)" ] || fail "warren unshare did not enter a user namespace"
    # processes of the tests before this one may still be exiting: give them 5 s
    for _ in $(seq 50); do
        pids=$(pids_in_userns "$ns1")
        [ "$(wc -w <<<"$pids")" -le 1 ] && break
        sleep 0.1
    done
    [ "$(wc -w <<<"$pids")" -eq 1 ] ||
        fail "expected one pause process in $ns1, got: $(for p in $pids; do printf '%s:%s ' "$p" "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"; done)"
    # later commands join the same namespace
    assert_equal "$(userns_of_warren)" "$ns1"
    kill -KILL "$pids"
    for _ in $(seq 50); do [ -d "/proc/$pids" ] || break; sleep 0.1; done
    run_warren 0 run --rm "$IMAGE" echo rebuilt
    assert_output rebuilt
    # a new pause process holds the new namespace (namespace inode numbers are
    # reused once the old namespace is gone, so compare pause pids instead)
    ns2=$(userns_of_warren)
    # (the run's slirp4netns ends on its own, some 20 ms after the run returns)
    for _ in $(seq 50); do
        run pids_in_userns "$ns2"
        [ "${#lines[@]}" -le 1 ] && break
        sleep 0.1
    done
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

@test "--root on a mount made inside warren's namespace: the store is made there" {
    # guards: issue 5 hostile-input findings: paths_init made --root before joining the
    # namespace, so a --root below a tmpfs mounted by `warren unshare` was hidden and
    # every command failed with "unable to open database file"
    local d=$WT_TMP/nsmount.$BATS_TEST_NUMBER
    mkdir -p "$d"
    wt_mount_tmpfs "$d"
    run --separate-stderr timeout -k 5 60 "$WARREN" --root "$d/store" --runroot "$d/run" images -q
    wt_check_status 0 "warren --root $d/store images"
    run "$WARREN" unshare test -f "$d/store/warren.db"
    assert_success
    # and nothing was made beside the mount, on the disk under it
    wt_unmount_all
    [ ! -e "$d/store/warren.db" ] || fail "the store was made under the mount, not on it"
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
    # guards: Foundation #2 §5 "A CLI killed with SIGKILL at any point leaves a store that the next command uses or cleans up";
    # issue 5 item 4: the container's process and its mounts are checked too
    local name sync=$BATS_TEST_TMPDIR/sync ns pause
    name=$(wt_name)
    mkdir "$sync"
    start_warren "$BATS_TEST_TMPDIR/out" run --name "$name" -v "$sync:/sync" "$IMAGE" \
        sh -c 'touch /sync/ready; exec sleep 1000'
    wait_for_file "$sync/ready" 60
    ns=$(userns_of_warren)
    pause=$(pause_pid)
    kill_when "$BG_PID" true
    # the container dies with its command (PDEATHSIG): only the pause process is left
    for _ in $(seq 50); do [ "$(live_in_userns "$ns")" = "$pause" ] && break; sleep 0.1; done
    assert_equal "$(live_in_userns "$ns")" "$pause"
    run_warren 0 ps -a
    assert_output --partial "$name"
    run_warren 0 rm -f -t 0 "$name"
    run_warren 0 ps -a
    refute_output --partial "$name"
    run_warren 0 unshare sh -c "grep ' $WT_ROOT/containers/' /proc/self/mountinfo || true"
    assert_output ""
    run_warren 0 run --rm --name "$name" "$IMAGE" echo again
    assert_output again
}

@test "SIGKILL of warren while load reads its archive, or extracts a layer, leaves a usable store" {
    # guards: Foundation #2 §5 "killed with SIGKILL at any point"; issue 5 item 4 (080 killed
    # warren after fixed sleeps, maybe before it started or after it ended): each kill lands
    # at a named point, and the store is checked, not only a command's exit code
    local fifo=$BATS_TEST_TMPDIR/fifo fd
    use_private_store
    # 1. reading the archive from a pipe: warren holds what it read in an unlinked temp file
    mkfifo "$fifo"
    exec {fd}<>"$fifo" # a writer that stays: warren never sees the end of the archive
    start_warren "$BATS_TEST_TMPDIR/out1" load -i "$fifo"
    # more than a pipe holds: head ends only once warren has read most of it
    timeout 60 head -c 200000 "$WT_FIXTURES/busybox.docker.tar" >"$fifo" || fail "warren did not read the archive"
    kill_when "$BG_PID" true
    exec {fd}>&-
    run_warren 0 images -q
    assert_output ""
    run ls -A "$WT_ROOT/tmp"
    assert_output ""
    # 2. extracting the layer (its .tmp- dir exists)
    start_warren "$BATS_TEST_TMPDIR/out2" load -i "$WT_FIXTURES/busybox.docker.tar"
    kill_when "$BG_PID" compgen -G "$WT_ROOT/layers/.tmp-*"
    run_warren 0 images -q
    assert_output ""
    # the next load and run work
    run_warren 0 load -i "$WT_FIXTURES/busybox.docker.tar"
    run_warren 0 run --rm "$IMAGE" echo survived
    assert_output survived
}

@test "SIGKILL of warren while it creates the pause process or a container leaves one pause process and no container behind" {
    # guards: Foundation #2 §5 "killed with SIGKILL at any point"; issue 5 item 4: kills at
    # named points (the pause process recorded; the container's directory made), then the
    # checks that nothing is left: pause processes, container processes, mounts
    local sync=$BATS_TEST_TMPDIR/sync name pause ns
    use_private_store
    load_fixture busybox.docker.tar
    # the store's first container probes the storage driver (a mount of its own): done here,
    # so that the kill below lands in what this test names
    run_warren 0 run --rm "$IMAGE" true
    mkdir "$sync"
    # 1. right after the first command recorded the pause process it created
    run_warren 0 system migrate
    name=$(wt_name)
    start_warren "$BATS_TEST_TMPDIR/out1" run --name "$name" -v "$sync:/sync" "$IMAGE" sleep 1000
    kill_when "$BG_PID" test -s "$XDG_RUNTIME_DIR/warren/pause.pid"
    run live_pauses
    [ "${#lines[@]}" -eq 1 ] || fail "expected one pause process, got: $output"
    pause=$output
    assert_equal "$(pause_pid)" "$pause"
    run_warren 0 rm -a -f -t 0
    [ -z "$(ls -A "$WT_ROOT/containers" 2>/dev/null)" ] || fail "rm -a left: $(ls -A "$WT_ROOT/containers")"
    # 2. while the container is being created (its directory exists)
    name=$(wt_name)
    start_warren "$BATS_TEST_TMPDIR/out2" run --name "$name" -v "$sync:/sync" "$IMAGE" \
        sh -c 'touch /sync/started; exec sleep 1000'
    kill_when "$BG_PID" compgen -G "$WT_ROOT/containers/*"
    ns=$(userns_of_warren)
    run_warren 0 rm -a -f -t 0
    run_warren 0 ps -a -q
    assert_output ""
    # a container that had started died with its command (no process but the pause process)
    for _ in $(seq 50); do [ "$(live_in_userns "$ns")" = "$pause" ] && break; sleep 0.1; done
    assert_equal "$(live_in_userns "$ns")" "$pause"
    # and no mount of this store is left in the namespace
    run_warren 0 unshare sh -c "grep ' $WT_ROOT/' /proc/self/mountinfo || true"
    assert_output ""
    run_warren 0 run --rm "$IMAGE" echo again
    assert_output again
    assert_equal "$(pause_pid)" "$pause"
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
    assert_equal "${stderr_lines[0]:0:7}" "Error: "
    [[ ${stderr_lines[0]} == *"user namespaces are disabled"*"sysctl -w user.max_user_namespaces="* ]] ||
        fail "the error does not name the cause and the fix: $stderr"
}

@test "pause process: a record from another boot is neither joined nor killed (its pid is someone else's now)" {
    # guards: Foundation #2 §2 "Pause process killed, or host rebooted: the next command notices
    # and rebuilds the namespace by itself". After a reboot the recorded pid may belong to any
    # process: here one of the user's own, with the recorded start time and user namespace
    # matching it, so that only the boot id and boot time tell the record is stale.
    local f=${XDG_RUNTIME_DIR:?needs XDG_RUNTIME_DIR}/warren/pause.pid other start userns new
    run_warren 0 system migrate
    sleep 1000 &
    other=$!
    WT_BG_PIDS+=("$other")
    start=$(sed 's/.*) //' "/proc/$other/stat" | cut -d' ' -f20)
    userns=$(stat -L -c %i "/proc/$other/ns/user")
    mkdir -p "${f%/*}"
    # fields: PID STARTTIME BOOTID MAPHASH STAMP USERNS BOOTSEC SINGLE
    echo "$other $start 00000000-0000-0000-0000-000000000000 0000000000000000 0.0.0:0.0.0 $userns 1000 0" > "$f"
    run_warren 0 run --rm "$IMAGE" echo rebooted
    assert_output rebooted
    new=$(pause_pid)
    [ "$new" != "$other" ] || fail "the record of the 'previous boot' was taken for the pause process"
    wt_exited "$other" && fail "the process the stale record named was killed"
    [ "$(userns_of_warren)" != "$(readlink "/proc/$other/ns/user")" ] || fail "warren joined the namespace of $other"
}

@test "pause process: ps shows warren-pause, no argument or variable of the command that created it" {
    # guards: issue 5 item 6 "The pause process shows the arguments of the command that created
    # it to every user of the machine for as long as it lives (for example run -e TOKEN=...)"
    local pid
    run_warren 0 system migrate
    run_warren_env 0 WT_SECRET_VAR=v4r-s3cr3t -- run --rm -e TOKEN=s3cr3t "$IMAGE" true
    pid=$(pause_pid)
    [ "$pid" -gt 0 ] || fail "no pause process"
    assert_equal "$(tr '\0' '|' <"/proc/$pid/cmdline")" "warren-pause|"
    assert_equal "$(ps -o args= -p "$pid")" warren-pause
    assert_equal "$(ps -o comm= -p "$pid")" warren-pause
    # its environment is empty (readable by the user only, but nothing to leak either)
    assert_equal "$(tr -d '\0' <"/proc/$pid/environ" | wc -c)" 0
    run grep -rl -e s3cr3t "/proc/$pid/cmdline" "/proc/$pid/environ"
    assert_output ""
    # the pause program cannot be started by hand
    run --separate-stderr bash -c 'exec -a warren-pause "$1"' sh "$WARREN"
    wt_check_status 125 "warren-pause started by hand"
    assert_error "pause process of warren"
}

@test "system migrate: stops a running container first (its record stays), then the pause process" {
    # guards: issue 5 item 11 "system migrate kills the pause process while containers run; it
    # must stop them first (as Podman does)"
    local name sync=$BATS_TEST_TMPDIR/sync ns pause
    name=$(wt_name)
    mkdir "$sync"
    start_warren "$BATS_TEST_TMPDIR/out" run --name "$name" -v "$sync:/sync" "$IMAGE" \
        sh -c 'trap "exit 3" TERM; touch /sync/ready; while :; do sleep 0.1; done'
    wait_for_file "$sync/ready" 60
    ns=$(userns_of_warren)
    pause=$(pause_pid)
    run_warren 0 system migrate
    # the container got SIGTERM: its foreground run ends with the container's exit code
    wait_for_exit "$BG_PID" 10 || fail "the container still runs after system migrate"
    assert_equal "$(bg_status "$BG_PID")" 3
    wt_exited "$pause" || fail "pause process $pause survived system migrate"
    run live_in_userns "$ns"
    assert_output ""
    run_warren 0 ps -a
    assert_output --regexp "Exited \(3\) .* $name"
    run_warren 0 rm "$name"
}

@test "system migrate: refuses, naming them, while other processes use the namespace" {
    # guards: issue 5 item 11: containers of another store or a `warren unshare` session keep
    # the namespace busy; stopping its pause process would leave them out of reach
    local pause
    pause=$(pause_pid)
    start_warren "$BATS_TEST_TMPDIR/out" unshare sh -c "touch '$BATS_TEST_TMPDIR/in'; exec sleep 1000"
    wait_for_file "$BATS_TEST_TMPDIR/in" 60
    run_warren 125 system migrate
    assert_error "cannot stop pause process $pause" "$BG_PID (sleep)" "warren system migrate"
    wt_exited "$pause" && fail "the pause process was stopped anyway"
    kill -KILL "$BG_PID"
    wait_for_exit "$BG_PID" 10
    run_warren 0 system migrate
    wt_exited "$pause" || fail "pause process $pause survived system migrate"
}

@test "pause process: its runtime dir removed under it, the next command adopts it and migrate stops it" {
    # guards: issue 5 item 11 "When the runtime directory is cleaned under a live pause process
    # (a /tmp cleaner, a new XDG_RUNTIME_DIR), the next command builds a new pause process but
    # the old one runs on forever and migrate cannot reach it"
    local d=${XDG_RUNTIME_DIR:?needs XDG_RUNTIME_DIR}/warren pause name sync=$BATS_TEST_TMPDIR/sync
    name=$(wt_name)
    mkdir "$sync"
    start_warren "$BATS_TEST_TMPDIR/out" run --name "$name" -v "$sync:/sync" "$IMAGE" \
        sh -c 'touch /sync/ready; exec sleep 1000'
    wait_for_file "$sync/ready" 60
    pause=$(pause_pid)
    # 1. a /tmp cleaner: the dir and the pid file are gone, the same path comes back
    rm -rf "$d"
    run_warren 0 ps
    assert_output --regexp "Up .* $name"
    assert_equal "$(pause_pid)" "$pause"
    run live_pauses
    assert_output "$pause"
    # its containers are still managed in the namespace they run in
    run_warren 0 rm -f -t 0 "$name"
    wait_for_exit "$BG_PID" 10 || fail "rm -f did not stop the container"
    # 2. a new XDG_RUNTIME_DIR, the old one removed
    rm -rf "$d"
    mkdir -m 0700 "$BATS_TEST_TMPDIR/xdg"
    run_warren_env 0 XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/xdg" -- run --rm "$IMAGE" true
    run live_pauses
    assert_output "$pause"
    run_warren_env 0 XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/xdg" -- system migrate
    run live_pauses
    assert_output ""
}

@test "system migrate: stops a pause process that no runtime dir names any more" {
    # guards: issue 5 item 11 "... migrate cannot reach it: find and stop an orphaned pause process"
    local d=${XDG_RUNTIME_DIR:?needs XDG_RUNTIME_DIR}/warren pause
    pause=$(pause_pid)
    rm -f "$d/pause.pid"
    run_warren 0 system migrate
    wt_exited "$pause" || fail "the orphaned pause process $pause survived system migrate"
    run live_pauses
    assert_output ""
}
