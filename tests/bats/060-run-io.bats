#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Foundation #2 §4: stdio of `warren run` (-i, -t), signal forwarding, and two runs at once (§5).

load helpers

@test "run -i: stdin reaches the container" {
    # guards: Foundation #2 §4 `-i`
    run_warren 0 run --rm -i "$IMAGE" cat <<<"hello stdin"
    assert_output "hello stdin"
    head -c 1000000 /dev/urandom > "$BATS_TEST_TMPDIR/blob"
    run_warren 0 run --rm -i "$IMAGE" sha256sum < "$BATS_TEST_TMPDIR/blob"
    assert_output "$(sha256sum < "$BATS_TEST_TMPDIR/blob")"
}

@test "run without -i: the container does not read the caller's stdin" {
    # guards: Foundation #2 §4 stdin only with -i (as Podman)
    run_warren 0 run --rm "$IMAGE" cat <<<"must not arrive"
    assert_output ""
}

@test "run -t: the container gets a real pty" {
    # guards: Foundation #2 §4 "-t gives a real pty"
    command -v script >/dev/null || skip "needs script(1) from util-linux to provide a terminal"
    local cmd
    cmd=$(printf '%q ' "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" run --rm -t "$IMAGE" \
        sh -c 'tty; test -t 0 && test -t 1 && echo both-tty; exit 5')
    run timeout 60 script -qec "$cmd" /dev/null
    [ "$status" -eq 5 ] || fail "exit $status, expected 5; output: $output"
    output=${output//$'\r'/}
    mapfile -t lines <<<"$output"
    assert_line --index 0 --regexp '^/dev/pts/[0-9]+$'
    assert_line --index 1 both-tty
}

@test "run -t: the pty has a size: the caller's terminal's, else 24x80" {
    # guards: issue 5 item 13 (`stty size` under -t said "No child processes": a 0x0 pty)
    command -v script >/dev/null || skip "needs script(1) from util-linux to provide a terminal"
    local cmd
    cmd=$(printf '%q ' "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" run --rm -t "$IMAGE" stty size)
    # script's own pty has no size here (its stdin is no terminal)
    run timeout 60 script -qec "$cmd" /dev/null
    [ "$status" -eq 0 ] || fail "exit $status; output: $output"
    output=${output//$'\r'/}
    assert_output "24 80"
    run timeout 60 script -qec "stty rows 33 cols 77; $cmd" /dev/null
    [ "$status" -eq 0 ] || fail "exit $status; output: $output"
    output=${output//$'\r'/}
    assert_output "33 77"
}

@test "run -t: a resized terminal resizes the container's pty (SIGWINCH)" {
    # guards: issue 5 item 17 (the CLI follows its terminal's size and tells the engine)
    command -v script >/dev/null || skip "needs script(1) from util-linux to provide a terminal"
    local sync=$BATS_TEST_TMPDIR/sync cmd
    mkdir "$sync"
    cmd=$(printf '%q ' "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" run --rm -t \
        -v "$sync:/sync" "$IMAGE" \
        sh -c 'stty size; touch /sync/ready; while [ ! -e /sync/go ]; do sleep 0.1; done; stty size')
    # warren in the background of script's shell: the terminal is its stdout, and it is
    # in the terminal's foreground process group, which the kernel sends SIGWINCH
    run timeout 60 script -qec "stty rows 30 cols 90; $cmd & while [ ! -e $sync/ready ]; do sleep 0.1; done
        stty rows 40 cols 100; touch $sync/go; wait" /dev/null
    [ "$status" -eq 0 ] || fail "exit $status; output: $output"
    output=${output//$'\r'/}
    assert_output $'30 90\n40 100'
}

@test "run -t -i without a terminal on stdin: Podman's warning, and it runs" {
    # guards: issue 5 item 13 (it ran silently; Podman warns "The input device is not a TTY")
    run_warren 0 run --rm -t -i "$IMAGE" echo ran </dev/null
    output=${output//$'\r'/}
    assert_output "ran"
    assert_warning "the input device is not a TTY"
    # -t alone or -i alone: nothing to warn about
    run_warren 0 run --rm -t "$IMAGE" true </dev/null
    [ -z "$stderr" ] || fail "stderr: $stderr"
}

@test "run without -t: no tty in the container" {
    # guards: Foundation #2 §4 -t only when asked
    run_warren 1 run --rm "$IMAGE" tty
    assert_output "not a tty"
}

@test "run -it: keystrokes through the pty, the exit code comes back" {
    # guards: Foundation #2 §4 `-i -t` together
    command -v script >/dev/null || skip "needs script(1) from util-linux to provide a terminal"
    local cmd
    cmd=$(printf '%q ' "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" run --rm -it "$IMAGE" sh)
    run timeout 60 script -qec "$cmd" /dev/null < <(printf 'echo piped-$((40+2))\nexit 7\n')
    [ "$status" -eq 7 ] || fail "exit $status, expected 7; output: $output"
    assert_output --partial "piped-42"
}

# start_bg NAME SCRIPT [RUN-OPTS...]: warren run --rm RUN-OPTS in the background; its
# container runs `sh -c SCRIPT` after touching /sync/ready; waits for that. Sets SYNC, OUT.
start_bg() {
    local name=$1 script=$2
    shift 2
    SYNC=$BATS_TEST_TMPDIR/sync-$name
    OUT=$BATS_TEST_TMPDIR/out-$name
    mkdir -p "$SYNC"
    start_warren "$OUT" run --rm "$@" --name "$name" -v "$SYNC:/sync" "$IMAGE" \
        sh -c "touch /sync/ready; $script"
    wait_for_file "$SYNC/ready" 60
}

@test "run: SIGINT reaches the container's init as it is; a shell there exits 130" {
    # guards: issue 5 item 13 (the exit code is the container's own: busybox sh handles
    # SIGINT and exits 128+2, as a plain shell killed by SIGINT does)
    local name rc
    name=$(wt_name)
    start_bg "$name" 'while [ ! -e /sync/stop ]; do sleep 0.1; done; exit 4'
    kill -INT "$BG_PID"
    wait_for_exit "$BG_PID" 10 || fail "warren still runs 10 s after SIGINT"
    rc=$(bg_status "$BG_PID")
    [ "$rc" -eq 130 ] || fail "exit $rc, expected 130: $(cat "$OUT")"
    run_warren 0 ps -a
    refute_output --partial "$name"
}

@test "run: an init without a SIGINT handler ignores it and runs on (as in Podman)" {
    # guards: issue 5 item 13 (`run --rm ... sleep` gave 137 on SIGINT: warren turned it
    # into SIGKILL). The kernel drops a signal without handler for a pid namespace's
    # init; Podman passes SIGINT on all the same, and so the container runs on
    local name rc pid i
    name=$(wt_name)
    start_bg "$name" 'exec sleep 30'
    run_warren 0 inspect --format '{{.State.Pid}}' "$name"
    pid=$output
    for ((i = 0; i < 100; i++)); do
        [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sleep ] && break
        sleep 0.02
    done
    kill -INT "$BG_PID"
    sleep 1
    wt_exited "$BG_PID" && fail "warren ended after SIGINT: exit $(bg_status "$BG_PID")"
    run_warren 0 ps --format json
    run jq -r --arg n "$name" '.[] | select(.Names[0] == $n) | .State' <<<"$output"
    assert_output running
    run_warren 0 rm -f -t 0 "$name"
    wait_for_exit "$BG_PID" 10 || fail "warren still runs after rm -f"
    rc=$(bg_status "$BG_PID")
    [ "$rc" -eq 137 ] || fail "exit $rc, expected 137 (rm -f): $(cat "$OUT")"
}

@test "run: a container that handles SIGINT exits with its own code" {
    # guards: issue 5 item 13 (sh -c 'trap "exit 3" INT; sleep 30 & wait' must exit 3)
    local name rc t0
    name=$(wt_name)
    start_bg "$name" 'trap "exit 3" INT; sleep 30 & wait'
    t0=$(now_ms)
    kill -INT "$BG_PID"
    wait_for_exit "$BG_PID" 10 || fail "warren still runs 10 s after SIGINT"
    rc=$(bg_status "$BG_PID")
    [ "$rc" -eq 3 ] || fail "exit $rc after $(($(now_ms) - t0)) ms, expected 3: $(cat "$OUT")"
    run_warren 0 ps -a
    refute_output --partial "$name"
}

@test "run: SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 reach the container's handler" {
    # guards: Foundation #2 §4 "signals are forwarded", issue 5 item 13 (--sig-proxy)
    local sig rc name
    for sig in TERM INT HUP QUIT USR1 USR2; do
        name=$(wt_name)-$sig
        start_bg "$name" "trap 'echo got-$sig; exit 42' $sig; while :; do sleep 0.1; done"
        kill -"$sig" "$BG_PID"
        wait_for_exit "$BG_PID" 5 || fail "warren still runs 5 s after SIG$sig"
        rc=$(bg_status "$BG_PID")
        run cat "$OUT"
        [ "$rc" -eq 42 ] || fail "SIG$sig: exit $rc, expected 42; output: $output"
        assert_output "got-$sig"
    done
}

@test "run --sig-proxy=false: signals are not passed on; SIGINT ends the container" {
    # guards: issue 5 item 13 (--sig-proxy=false disables the proxy; without a monitor the
    # container cannot outlive warren, so a terminating signal kills it: 137)
    local name rc pid
    name=$(wt_name)
    start_bg "$name" "trap 'echo got-INT; exit 42' INT; while :; do sleep 0.1; done" --sig-proxy=false
    run_warren 0 inspect --format '{{.State.Pid}}' "$name"
    pid=$output
    kill -INT "$BG_PID"
    wait_for_exit "$BG_PID" 5 || fail "warren still runs 5 s after SIGINT"
    rc=$(bg_status "$BG_PID")
    run cat "$OUT"
    [ "$rc" -eq 137 ] || fail "exit $rc, expected 137; output: $output"
    refute_output --partial "got-INT"
    wt_exited "$pid" || fail "the container's process $pid still runs"
    run_warren 0 ps -a
    refute_output --partial "$name"
}

@test "run: two runs at the same time both work" {
    # guards: Foundation #2 §5 "Two warren run of the same user at once both work"
    local i p rc
    local -a pids
    for i in 1 2 3; do
        start_warren "$BATS_TEST_TMPDIR/out$i" run --rm --name "$(wt_name)-$i" "$IMAGE" sh -c "sleep 1; echo run-$i"
        pids+=("$BG_PID")
    done
    i=0
    for p in "${pids[@]}"; do
        i=$((i + 1))
        wait_for_exit "$p" 60 || fail "run $i did not finish in 60 s"
        rc=$(bg_status "$p")
        run cat "$BATS_TEST_TMPDIR/out$i"
        [ "$rc" -eq 0 ] || fail "run $i: exit $rc; output: $output"
        assert_output "run-$i"
    done
    run_warren 0 ps -a -q
    assert_output ""
}
