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

@test "run: SIGINT to warren stops a container that ignores it, promptly" {
    # guards: Foundation #2 §4 "signals are forwarded (Ctrl-C stops the container)"
    local sync=$BATS_TEST_TMPDIR/sync name t0 rc
    mkdir "$sync"
    name=$(wt_name)
    start_warren "$BATS_TEST_TMPDIR/out" run --rm --name "$name" -v "$sync:/sync" "$IMAGE" \
        sh -c 'touch /sync/ready; exec sleep 100'
    wait_for_file "$sync/ready" 60
    t0=$(now_ms)
    kill -INT "$BG_PID"
    wait_for_exit "$BG_PID" 5 || fail "warren still runs 5 s after SIGINT"
    rc=$(bg_status "$BG_PID")
    echo "exit $rc after $(($(now_ms) - t0)) ms; output: $(cat "$BATS_TEST_TMPDIR/out")"
    [ "$rc" -ne 0 ]
    [ "$rc" -eq 130 ] || [ "$rc" -eq 137 ] || fail "exit $rc: expected 130 (SIGINT) or 137 (SIGKILL)"
    run_warren 0 ps -a
    refute_output --partial "$name"
}

@test "run: SIGTERM and SIGINT are forwarded to the container's handler" {
    # guards: Foundation #2 §4 "signals are forwarded"
    local sync=$BATS_TEST_TMPDIR/sync sig rc
    for sig in TERM INT; do
        rm -rf "$sync"; mkdir "$sync"
        start_warren "$BATS_TEST_TMPDIR/out" run --rm -v "$sync:/sync" "$IMAGE" \
            sh -c "trap 'echo got-$sig; exit 42' $sig; touch /sync/ready; while :; do sleep 0.1; done"
        wait_for_file "$sync/ready" 60
        kill -"$sig" "$BG_PID"
        wait_for_exit "$BG_PID" 5 || fail "warren still runs 5 s after SIG$sig"
        rc=$(bg_status "$BG_PID")
        run cat "$BATS_TEST_TMPDIR/out"
        [ "$rc" -eq 42 ] || fail "SIG$sig: exit $rc, expected 42; output: $output"
        assert_output "got-$sig"
    done
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
