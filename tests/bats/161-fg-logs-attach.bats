#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Issue 8: the k8s-file log of containers run in the foreground (Podman logs
# every container's output, not only detached ones), start -a/-ai attached
# through the monitor with detach keys, and exec sessions.

load helpers

# log_file NAME: the path of the container's k8s-file log
log_file() {
    echo "$WT_ROOT/containers/$(w inspect --format '{{.Id}}' "$1")/ctr.log"
}

# pm_err: podman's $stderr without its warning lines
pm_err() { grep -Ev "$WT_WARN_RE" <<<"$stderr" || true; }

@test "run (foreground): stdout and stderr reach the terminal and the k8s-file log; logs shows them" {
    # guards: issue 8 "k8s-file log format"; Podman logs a foreground run too
    local name
    name=$(wt_name)
    run_warren 0 run --name "$name" "$IMAGE" sh -c 'echo out; echo err >&2; printf part; exit 0'
    assert_output "out"$'\n'"part"
    assert_equal "$stderr" "err"
    run_warren 0 logs "$name"
    assert_output "out"$'\n'"part"
    assert_equal "$stderr" "err"
    # the entries as Podman's conmon writes them: F ends a line, P a part of one
    run grep -c -E '^20[0-9-]+T[0-9:.]+(Z|[+-][0-9:]+) stdout F out$' "$(log_file "$name")"
    assert_output 1
    run grep -c -E ' stderr F err$' "$(log_file "$name")"
    assert_output 1
    run grep -c -E ' stdout P part$' "$(log_file "$name")"
    assert_output 1
    # started again (detached, by its monitor): the log goes on
    run_warren 0 start "$name"
    wait_state "$name" exited
    run_warren 0 logs "$name"
    assert_output "out"$'\n'"partout"$'\n'"part"
}

@test "run -t (foreground): the log holds what the pty printed, as stdout" {
    # guards: Podman logs a -t container's pty output (\r\n and all) as stdout
    local name
    name=$(wt_name)
    run_warren 0 run -t --name "$name" "$IMAGE" sh -c 'echo a; echo b >&2'
    assert_output $'a\r\nb\r'
    run_warren 0 logs "$name"
    assert_output $'a\r\nb\r'
    assert_equal "$stderr" ""
}

@test "run (foreground): --log-driver none and passthrough keep no log; --log-opt max-size holds" {
    # guards: issue 8 "--log-driver k8s-file|none|passthrough" for foreground runs
    local name d
    name=$(wt_name)
    for d in none passthrough; do
        run_warren 0 run --log-driver "$d" --name "$name-$d" "$IMAGE" echo "hi $d"
        assert_output "hi $d"
        run_warren 125 logs "$name-$d"
        assert_last_error "this container is using the '$d' log driver, cannot read logs: this container is not logging output"
        [ ! -e "$(log_file "$name-$d")" ] || fail "--log-driver $d wrote a log"
    done
    run_warren 0 run --log-opt max-size=4k --name "$name-max" "$IMAGE" \
        sh -c 'i=0; while [ $i -lt 500 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done'
    assert_line line-499-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    [ "$(stat -c %s "$(log_file "$name-max")")" -le 4096 ] || fail "the log grew past max-size"
    run_warren 0 logs --tail 1 "$name-max"
    assert_output line-499-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
}

@test "run (foreground): a reader that goes away ends the container as before (SIGPIPE/EPIPE), warren does not die" {
    # guards: the log's tee must not turn `run IMAGE yes | head` into a run that never ends
    local name
    name=$(wt_name)
    run bash -c "timeout 30 \"\$0\" --root \"\$1\" --runroot \"\$2\" run --name \"\$3\" \"\$4\" yes 2>/dev/null | head -2; echo \"\${PIPESTATUS[0]}\"" \
        "$WARREN" "$WT_ROOT" "$WT_RUNROOT" "$name" "$IMAGE"
    assert_equal "${lines[0]}" y
    assert_equal "${lines[1]}" y
    # warren reports the container's exit (busybox yes: 1 on EPIPE), not 124 (timeout) or 141
    assert_equal "${lines[2]}" 1
    run_warren 0 inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$name"
    assert_output "exited 1"
    run_warren 0 logs --tail 2 "$name"
    assert_output y
    assert_equal "$stderr" "yes: (null): Broken pipe"
}

@test "run --rm (foreground): the output goes straight to the caller's fds, no log is written" {
    # guards: the --rm path stays the fast one (no pipes, no copy, no log file;
    # its container and log go at its end anyway); a container that stays
    # writes to our pipes
    local name f=$BATS_TEST_TMPDIR/out
    name=$(wt_name)
    w run --rm --name "$name" "$IMAGE" sh -c 'readlink /proc/self/fd/1; readlink /proc/self/fd/2 >&2' >"$f" 2>&1
    run cat "$f"
    refute_output --partial "pipe:"
    [ "$(wc -l <"$f")" = 2 ] || fail "not two lines: $(cat "$f")"
    w run --name "$name" "$IMAGE" sh -c 'readlink /proc/self/fd/1; readlink /proc/self/fd/2 >&2' >"$f" 2>&1
    run cat "$f"
    assert_line --regexp '^pipe:'
}

@test "run (foreground) logs vs podman: the same stdout, stderr and tty output" {
    # guards: Podman as the oracle: `podman run --name X ...; podman logs X`
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    local name pname pout perr t
    name=$(wt_name)
    pname=wt-fglog-pm-$$
    pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
    for t in "" -t; do
        run --separate-stderr pm run $t --net none --name "$pname$t" "$IMAGE" sh -c 'echo out; echo err >&2'
        [ "$status" = 0 ] || fail "podman run $t failed: $stderr"
        run --separate-stderr pm logs "$pname$t"
        pout=$output
        perr=$(pm_err)
        run_warren 0 run $t --name "$name$t" "$IMAGE" sh -c 'echo out; echo err >&2'
        run_warren 0 logs "$name$t"
        assert_equal "$output" "$pout"
        assert_equal "$stderr" "$perr"
    done
    pm_cleanup
}
