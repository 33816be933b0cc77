#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Issue 5 items 2 and 3: a container is alive while its owner (the foreground
# warren run) holds its lock, whatever its age and flags; a running --rm
# container is visible and can be removed; one whose owner died is cleaned.

load helpers

# start_held NAME [RUN-OPTS...]: a background `warren run RUN-OPTS --name NAME`
# whose container touches /sync/ready, then waits for /sync/stop and prints
# "intact" when its rootfs is still its own (busybox there, nobody else's
# files); sets SYNC
start_held() {
    local name=$1
    shift
    SYNC=$BATS_TEST_TMPDIR/sync-$name
    mkdir -p "$SYNC"
    start_warren "$BATS_TEST_TMPDIR/out-$name" run "$@" --name "$name" -v "$SYNC:/sync" "$IMAGE" \
        sh -c 'touch /sync/ready; while [ ! -e /sync/stop ]; do sleep 0.1; done
               test -x /bin/busybox && test ! -e /intruder && echo intact'
    wait_for_file "$SYNC/ready" 60
}

# db_sql SQL: runs SQL on the store's database (the sqlite3 CLI, package sqlite3)
db_sql() {
    command -v sqlite3 >/dev/null || fail "needs the sqlite3 CLI (tests/deps.sh installs it)"
    sqlite3 -cmd '.timeout 10000' "$WT_ROOT/warren.db" "$1"
}

# ctr_field NAME FIELD: a field of `inspect` (Go template), e.g. .State.Pid
ctr_field() {
    run_warren 0 inspect --format "{{$2}}" "$1"
    echo "$output"
}

# assert_proc_gone PID: no such process (or only a zombie)
assert_proc_gone() {
    local i
    for ((i = 0; i < 100; i++)); do
        wt_exited "$1" && return 0
        sleep 0.05
    done
    fail "process $1 still runs"
}

@test "liveness: a run --rm container is alive while it runs, however old its record" {
    # guards: issue 5 item 2 (a run --rm older than 60 s was taken for debris: its rootfs
    # deleted, or pooled while in use and handed to the next run --rm)
    local name rc
    name=$(wt_name)
    start_held "$name" --rm
    # two hours old: age must not matter, only the owner's life
    db_sql "UPDATE containers SET created = created - 7200000000000 WHERE name = '$name'"
    run_warren 0 ps -a
    assert_line --regexp "^[0-9a-f]{12} +$IMAGE +sh -c .* +Up .* +$name$"
    # another run --rm must get a rootfs of its own (it writes into it)
    run_warren 0 run --rm "$IMAGE" sh -c 'touch /intruder'
    # and rm without -f refuses it (Podman's exit code 2)
    run_warren 2 rm "$name"
    run_warren 0 ps --format json
    run jq -r --arg n "$name" '.[] | select(.Names[0] == $n) | .State' <<<"$output"
    assert_output "running"
    touch "$SYNC/stop"
    wait_for_exit "$BG_PID" 30 || fail "the container did not end after /sync/stop"
    rc=$(bg_status "$BG_PID")
    run cat "$BATS_TEST_TMPDIR/out-$name"
    [ "$rc" -eq 0 ] || fail "exit $rc; output: $output"
    assert_output "intact"
    run_warren 0 ps -a
    refute_output --partial "$name"
}

# wait_for_record NAME: until `ps -a` lists NAME
wait_for_record() {
    local i
    for ((i = 0; i < 300; i++)); do
        w ps -a --format json 2>/dev/null | jq -e --arg n "$1" 'any(.[]; .Names[0] == $n)' \
            >/dev/null && return 0
        sleep 0.1
    done
    fail "container $1 did not appear"
}

@test "liveness: a container still being created is left alone; rm -f stops its creator" {
    # guards: issue 5 item 2 (the owner lock is taken before the rootfs is set up, so that
    # a long creation is not debris either); here creation waits on a FIFO as its
    # seccomp profile, which warren reads after the record and the rootfs exist
    local name id
    name=$(wt_name)
    mkfifo "$BATS_TEST_TMPDIR/profile.json"
    start_warren "$BATS_TEST_TMPDIR/out" run --rm --name "$name" \
        --security-opt "seccomp=$BATS_TEST_TMPDIR/profile.json" "$IMAGE" true
    wait_for_record "$name"
    db_sql "UPDATE containers SET created = created - 7200000000000 WHERE name = '$name'"
    id=$(db_sql "SELECT id FROM containers WHERE name = '$name'")
    run_warren 0 ps -a
    assert_line --regexp "^[0-9a-f]{12} +$IMAGE +true +.* +Created +$name$"
    run_warren 0 run --rm "$IMAGE" true
    run_warren 2 rm "$name"
    run_warren 0 ps -a --format json
    run jq -r '.[].Names[0]' <<<"$output"
    assert_line "$name"
    [ -d "$WT_ROOT/containers/$id" ] || fail "its directory went away while it was being created"
    run_warren 0 rm -f "$name"
    wait_for_exit "$BG_PID" 10 || fail "its creator still runs after rm -f"
    run_warren 0 ps -a
    refute_output --partial "$name"
    [ ! -e "$WT_ROOT/containers/$id" ] || fail "the container's directory is left behind"
}

@test "liveness: a run --rm whose warren was SIGKILLed is cleaned by the next command" {
    # guards: issue 5 item 2 (the owner's lock is gone with it: no age needed)
    local name id pid
    name=$(wt_name)
    start_held "$name" --rm
    id=$(ctr_field "$name" .Id)
    pid=$(ctr_field "$name" .State.Pid)
    [ "$pid" -gt 0 ] || fail "no pid for the running container: $pid"
    kill -KILL "$BG_PID"
    wait_for_exit "$BG_PID" 10 || fail "warren survived SIGKILL"
    run_warren 0 ps -a
    refute_output --partial "$name"
    assert_proc_gone "$pid"
    [ ! -e "$WT_ROOT/containers/$id" ] || fail "the container's directory is left behind"
    [ ! -e "$WT_RUNROOT/locks/$id" ] || fail "the container's lock file is left behind"
    run_warren 125 inspect "$name"
}

@test "liveness: a container whose warren was SIGKILLed shows as exited (137)" {
    # guards: issue 5 item 2 (without --rm the record stays, settled by the next command)
    local name pid
    name=$(wt_name)
    start_held "$name"
    pid=$(ctr_field "$name" .State.Pid)
    kill -KILL "$BG_PID"
    wait_for_exit "$BG_PID" 10 || fail "warren survived SIGKILL"
    run_warren 0 inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.State.Pid}}' "$name"
    assert_output "exited 137 0"
    assert_proc_gone "$pid"
    run_warren 0 rm "$name"
}

@test "running --rm container: ps lists it as Up, inspect shows running and its pid" {
    # guards: issue 5 item 3 (ps listed nothing, ps -a said Created, inspect pid 0)
    local name pid
    name=$(wt_name)
    start_held "$name" --rm
    run_warren 0 ps
    assert_line --regexp "^[0-9a-f]{12} +$IMAGE +sh -c .* +Up .* +$name$"
    # Podman keeps AutoRemove in HostConfig (issue 6: inspect has its shape)
    run_warren 0 inspect --format '{{.State.Status}} {{.State.Running}} {{.HostConfig.AutoRemove}}' "$name"
    assert_output "running true true"
    pid=$(ctr_field "$name" .State.Pid)
    [ "$pid" -gt 0 ] || fail "pid $pid"
    # it is the container's init: its pid namespace holds it as pid 1
    run grep -E '^NSpid:' "/proc/$pid/status"
    assert_output --regexp $'^NSpid:\t'"$pid"$'\t1$'
    touch "$SYNC/stop"
    wait_for_exit "$BG_PID" 30
}

@test "rm -f: stops a running --rm container; its foreground run exits 137" {
    # guards: issue 5 item 3 (rm -f deleted the record, the process ran on, run exited 125)
    local name pid
    name=$(wt_name)
    start_held "$name" --rm
    pid=$(ctr_field "$name" .State.Pid)
    run_warren 2 rm "$name"
    assert_error "is running"
    run_warren 0 rm -f -t 0 "$name"
    assert_output "$name"
    assert_proc_gone "$pid"
    wait_for_exit "$BG_PID" 10 || fail "the foreground run did not end after rm -f"
    [ "$(bg_status "$BG_PID")" -eq 137 ] || fail "run exited $(bg_status "$BG_PID"), expected 137: $(cat "$BATS_TEST_TMPDIR/out-$name")"
    run cat "$BATS_TEST_TMPDIR/out-$name"
    refute_output --partial "no such container"
    run_warren 0 ps -a
    refute_output --partial "$name"
}

@test "rm -af: stops running containers, --rm or not; their runs exit 137" {
    # guards: issue 5 item 3 (rm -af left the processes of --rm containers running)
    local a b pa pb bga
    a=$(wt_name)-a; b=$(wt_name)-b
    start_held "$a" --rm
    bga=$BG_PID
    pa=$(ctr_field "$a" .State.Pid)
    start_held "$b"
    pb=$(ctr_field "$b" .State.Pid)
    run_warren 0 rm -a -f -t 0
    assert_proc_gone "$pa"
    assert_proc_gone "$pb"
    wait_for_exit "$bga" 10 && wait_for_exit "$BG_PID" 10 || fail "a foreground run did not end"
    [ "$(bg_status "$bga")" -eq 137 ] && [ "$(bg_status "$BG_PID")" -eq 137 ] || fail "exit codes"
    run_warren 0 ps -a -q
    assert_output ""
}

@test "rmi -f: stops the running --rm containers of the image first" {
    # guards: issue 5 item 3 (rmi -f deleted the record and left the process running)
    local name pid
    use_private_store
    load_fixture busybox.oci.tar
    name=$(wt_name)
    SYNC=$BATS_TEST_TMPDIR/sync
    mkdir -p "$SYNC"
    start_warren "$BATS_TEST_TMPDIR/out" run --rm --name "$name" -v "$SYNC:/sync" "$OCI_IMAGE" \
        sh -c 'touch /sync/ready; exec sleep 1000'
    wait_for_file "$SYNC/ready" 60
    pid=$(ctr_field "$name" .State.Pid)
    run_warren 0 rmi -f "$OCI_IMAGE"
    assert_proc_gone "$pid"
    wait_for_exit "$BG_PID" 10 || fail "the foreground run did not end after rmi -f"
    [ "$(bg_status "$BG_PID")" -eq 137 ] || fail "run exited $(bg_status "$BG_PID"), expected 137"
    run_warren 0 ps -a -q
    assert_output ""
    run_warren 0 images -q
    assert_output ""
}

# detached_failing_cleanup NAME RUN-OPTS...: `run -d RUN-OPTS --name NAME` by a copy of
# warren whose binary is then replaced by one that fails, so the monitor's exit command
# (`warren container cleanup`, the copy's path) fails as it did on loaded CI machines
# (a busy database, a subuid file being rewritten); the container waits for /sync/go
# and exits 3. Sets SYNC.
detached_failing_cleanup() {
    local name=$1 bin=$BATS_TEST_TMPDIR/bin
    shift
    SYNC=$BATS_TEST_TMPDIR/sync-$name
    mkdir -p "$SYNC" "$bin"
    cp "$WARREN" "$bin/warren"
    cp "$(dirname "$WARREN")/warren-monitor" "$bin/warren-monitor"
    run --separate-stderr "$bin/warren" --root "$WT_ROOT" --runroot "$WT_RUNROOT" run -d \
        "$@" --name "$name" -v "$SYNC:/sync" "$IMAGE" \
        sh -c 'while [ ! -e /sync/go ]; do sleep 0.1; done; exit 3'
    assert_success
    printf '#!/bin/sh\nexit 1\n' >"$bin/warren.new"
    chmod +x "$bin/warren.new"
    mv -f "$bin/warren.new" "$bin/warren"
}

@test "liveness: a detached container whose exit command fails keeps its exit code, not 137" {
    # guards: the unexplained 137s of loaded CI runs (250 idle, 255 libpod): the
    # monitor's cleanup failed, the lock was left, and the next command settled the
    # container as killed with its monitor. The monitor's exit record
    # (<runroot>/exits/ID, as conmon's exit file) keeps the code it reaped.
    local name
    name=$(wt_name)
    detached_failing_cleanup "$name"
    touch "$SYNC/go"
    run_warren 0 wait "$name"
    assert_output 3
    run_warren 0 inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$name"
    assert_output "exited 3"
    run_warren 0 events --since 60s --until 0s --filter "container=$name" --filter event=died \
        --format '{{.Status}} {{.ContainerExitCode}}'
    assert_output "died 3"
    [ ! -e "$WT_RUNROOT/exits/$(ctr_field "$name" .Id)" ] || fail "the exit record outlived its use"
    # started again, the old record must not speak for the new run: a SIGKILLed
    # owner is 137 again
    rm -f "$SYNC/go"
    run_warren 0 start "$name"
    run_warren 0 kill "$name"
    run_warren 0 wait "$name"
    assert_output 137
    run_warren 0 rm "$name"
}

@test "liveness: a detached --rm container whose exit command fails is removed; its died event has its code" {
    local name k
    name=$(wt_name)
    detached_failing_cleanup "$name" --rm
    touch "$SYNC/go"
    # the next command settles it (the lock is left when the monitor ends)
    for ((k = 0; k < 100; k++)); do
        w container exists "$name" || break
        run_warren 0 ps -a
        sleep 0.1
    done
    run_warren 1 container exists "$name"
    run_warren 0 events --since 60s --until 0s --filter "container=$name" --filter event=died \
        --format '{{.Status}} {{.ContainerExitCode}}'
    assert_output "died 3"
}

@test "liveness: a --rm container being started is never settled by a ps racing its lock" {
    # guards: docker run --rm / ps / inspect racing a start got 404 while it ran: the
    # start made its lock file, then locked it; a ps that opened it in between took
    # the lock as a dead owner's and removed the --rm container (the start then found
    # no bundle, or reported a container that was gone)
    local k id out bad=0 stop=$BATS_TEST_TMPDIR/stop
    for k in 1 2; do
        (while [ ! -e "$stop" ]; do w ps -a >/dev/null 2>&1; done) &
        WT_BG_PIDS+=("$!")
    done
    # (a loop variable of its own: the helpers' loops set a global i)
    for ((k = 0; k < 80; k++)); do
        run_warren 0 create --rm "$IMAGE" sleep 100
        id=$output
        run --separate-stderr "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" start "$id"
        out="$status $stderr"
        if [ "$status" != 0 ] || ! w container exists "$id"; then
            echo "start $k: $out (exists: $(w container exists "$id" && echo yes || echo no))"
            bad=$((bad + 1))
        fi
        w rm -f -t 0 "$id" >/dev/null 2>&1 || true
    done
    touch "$stop"
    [ "$bad" = 0 ] || fail "$bad of 80 starts lost their container"
}
