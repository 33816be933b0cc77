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

@test "start -a: through its monitor: all the output from the first byte, stdout and stderr apart, the exit code" {
    # guards: issue 8 "start [-a] [-i]" attached through the monitor as Podman's
    local name
    name=$(wt_name)
    run_warren 0 create --name "$name" "$IMAGE" sh -c 'echo out; echo err >&2; exit 3'
    run_warren 3 start -a "$name"
    assert_output out
    assert_equal "$stderr" err
    run_warren 0 inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$name"
    assert_output "exited 3"
    # the monitor logged it
    run_warren 0 logs "$name"
    assert_output out
    # again, and a --log-driver none container still shows its output attached
    run_warren 3 start -a "$name"
    assert_output out
    run_warren 0 create --log-driver none --name "$name-n" "$IMAGE" echo none
    run_warren 0 start -a "$name-n"
    assert_output none
}

@test "start -a: the container is its monitor's: killing warren leaves it running; start -a of a running one attaches" {
    # guards: start -a is an attach, not a foreground run (Podman's conmon keeps it)
    local name id out=$BATS_TEST_TMPDIR/out
    name=$(wt_name)
    run_warren 0 create --name "$name" "$IMAGE" sh -c 'echo begun; while [ ! -e /go ]; do sleep 0.1; done; echo done; exit 7'
    id=$output
    start_warren "$out" start -a "$name"
    wait_state "$name" running
    [ -n "$(monitor_of "$id")" ] || fail "no warren-monitor for $id"
    for _ in $(seq 100); do grep -q begun "$out" && break; sleep 0.05; done
    assert_equal "$(cat "$out")" begun
    kill -9 "$BG_PID"
    sleep 0.5
    run_warren 0 inspect --format '{{.State.Status}}' "$name"
    assert_output running
    # attach again with start -a; the container ends: its code
    start_warren "$out" start -a "$name"
    sleep 0.5
    run_warren 0 exec "$name" touch /go
    wait_for_exit "$BG_PID" 10 || fail "start -a did not end with the container"
    assert_equal "$(bg_status "$BG_PID")" 7
    assert_equal "$(cat "$out")" done
}

@test "start -a: a --rm container's exit code, though it is gone at the end" {
    # guards: the monitor sends the exit code to the attached client (the
    # record of a --rm container goes with its cleanup)
    local name
    name=$(wt_name)
    run_warren 0 create --rm --name "$name" "$IMAGE" sh -c 'echo bye; exit 4'
    run_warren 4 start -a "$name"
    assert_output bye
    run_warren 125 inspect "$name"
}

@test "start -ai: stdin reaches the container, its end is the container's end of input" {
    # guards: issue 8 "start [-a] [-i]"
    local name
    name=$(wt_name)
    run_warren 0 create -i --name "$name" "$IMAGE" sh -c 'cat; echo end'
    run bash -c 'printf "one\ntwo\n" | "$0" --root "$1" --runroot "$2" start -ai "$3"' \
        "$WARREN" "$WT_ROOT" "$WT_RUNROOT" "$name"
    assert_equal "$status" 0
    assert_output $'one\ntwo\nend'
    # created without -i: start -i gives it a stdin all the same
    run_warren 0 create --name "$name-2" "$IMAGE" cat
    run bash -c 'echo piped | "$0" --root "$1" --runroot "$2" start -ai "$3"' \
        "$WARREN" "$WT_ROOT" "$WT_RUNROOT" "$name-2"
    assert_equal "$status" 0
    assert_output piped
}

@test "start -ai: the detach keys leave a -it container running; --detach-keys changes them" {
    # guards: issue 8 "detach keys (ctrl-p,ctrl-q)" with start -ai
    local name out=$BATS_TEST_TMPDIR/typescript
    name=$(wt_name)
    run_warren 0 create -it --name "$name" "$IMAGE" sh
    (sleep 1; printf 'echo typed-$((6*7))\r'; sleep 1; printf '\020\021'; sleep 1) |
        timeout 30 script -qec "$WARREN --root $WT_ROOT --runroot $WT_RUNROOT start -ai $name" "$out" >/dev/null
    grep -q 'typed-42' "$out" || fail "the command's output is not in the typescript: $(cat -v "$out")"
    grep -q 'COMMAND_EXIT_CODE="0"' "$out" || fail "start -ai did not exit 0: $(cat -v "$out")"
    run_warren 0 inspect --format '{{.State.Status}}' "$name"
    assert_output running
    run_warren 0 stop -t 0 "$name"
    # other keys: ctrl-p ctrl-q now reach the shell, ctrl-x then 'd' detach
    (sleep 1; printf '\020\021echo more-$((6*8))\r'; sleep 1; printf '\030d'; sleep 1) |
        timeout 30 script -qec "$WARREN --root $WT_ROOT --runroot $WT_RUNROOT start -ai --detach-keys ctrl-x,d $name" "$out" >/dev/null
    grep -q 'more-48' "$out" || fail "the command's output is not in the typescript: $(cat -v "$out")"
    run_warren 0 inspect --format '{{.State.Status}}' "$name"
    assert_output running
    run_warren 0 rm -f -t 0 "$name"
}

@test "detach keys: bad --detach-keys on start -a, attach, run and exec: Podman's error, status 125" {
    # guards: COMMON "every parser of user input gets bad-input tests"; Podman's wording
    local name id k
    name=$(wt_name)
    run_warren 0 run -d --name "$name" "$IMAGE" sleep 1000
    id=$output
    for k in ctrl-1 abc , a, ctrl-; do
        run_warren 125 start -a --detach-keys "$k" "$name"
        assert_last_error "invalid detach keys: Unknown character: '$( [ "$k" = a, ] || [ "$k" = , ] && echo "" || echo "$k")'"
        run_warren 125 attach --detach-keys "$k" "$name"
        assert_last_error "attaching to container $id: invalid detach keys: Unknown character:"
        run_warren 125 run --rm --detach-keys "$k" "$IMAGE" true
        assert_last_error "invalid detach keys: Unknown character:"
        run_warren 125 exec --detach-keys "$k" "$name" true
        assert_last_error "invalid detach keys: Unknown character:"
    done
    # a container start -a would start: Podman names it; it stays created
    run_warren 0 create --name "$name-c" "$IMAGE" true
    run_warren 125 start -a --detach-keys ctrl-1 "$name-c"
    assert_last_error "unable to start container $(w inspect --format '{{.Id}}' "$name-c"): invalid detach keys: Unknown character: 'ctrl-1'"
    run_warren 0 inspect --format '{{.State.Status}}' "$name-c"
    assert_output created
    run_warren 0 run --rm --detach-keys ctrl-x,y "$IMAGE" true
    run_warren 0 run --rm --detach-keys "" "$IMAGE" true
    run_warren 0 rm -f -t 0 "$name"
}

@test "start -a vs podman: output, exit code and the bad --detach-keys error" {
    # guards: Podman as the oracle for start -a
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    local name pname pout perr prc
    name=$(wt_name)
    pname=wt-starta-pm-$$
    pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
    pm create --net none --name "$pname" "$IMAGE" sh -c 'echo out; echo err >&2; exit 3' >/dev/null
    run --separate-stderr pm start -a "$pname"
    prc=$status pout=$output perr=$(pm_err)
    run_warren 0 create --name "$name" "$IMAGE" sh -c 'echo out; echo err >&2; exit 3'
    run_warren "$prc" start -a "$name"
    assert_equal "$output" "$pout"
    assert_equal "$stderr" "$perr"
    # bad keys, on a running container (on a stopped one Podman 4.3 leaves a
    # conmon and a `runc init` behind: its message is checked in the test above)
    pm run -d --net none --name "$pname-r" "$IMAGE" sleep 1000 >/dev/null
    run --separate-stderr pm start -a --detach-keys ctrl-1 "$pname-r"
    perr=$(pm_err)
    run_warren 0 run -d --name "$name-r" "$IMAGE" sleep 1000
    run_warren 125 start -a --detach-keys ctrl-1 "$name-r"
    assert_equal "$stderr" "$perr"
    run_warren 0 rm -f -t 0 "$name-r"
    pm_cleanup
}

@test "exec sessions: exec -d prints its session id, ExecIDs lists it; attached ones only while they run" {
    # guards: issue 8 "exec -d" as Podman 4.3 (its session id; detached sessions
    # stay listed until the container starts again)
    local name sid pid
    name=$(wt_name)
    run_warren 0 run -d --name "$name" "$IMAGE" sleep 1000
    run_warren 0 inspect --format '{{json .ExecIDs}}' "$name"
    assert_output '[]'
    run_warren 0 exec -d "$name" sleep 1
    sid=$output
    [[ $sid =~ ^[0-9a-f]{64}$ ]] || fail "exec -d printed '$sid', not a session id"
    w exec "$name" sh -c 'touch /attached; sleep 3' </dev/null >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 100); do w exec "$name" test -e /attached && break; sleep 0.05; done
    run_warren 0 inspect --format '{{json .ExecIDs}}' "$name"
    assert_equal "$(jq length <<<"$output")" 2
    assert_equal "$(jq -r --arg s "$sid" 'index($s) != null' <<<"$output")" true
    wait "$pid"
    # the attached one is gone with its process; the detached one stays, ended or not
    sleep 1
    run_warren 0 inspect --format '{{json .ExecIDs}}' "$name"
    assert_output "[\"$sid\"]"
    # a new start clears them
    run_warren 0 restart -t 0 "$name"
    run_warren 0 inspect --format '{{json .ExecIDs}}' "$name"
    assert_output '[]'
    run_warren 0 rm -f -t 0 "$name"
}

@test "exec sessions vs podman: exec -d's output and ExecIDs before and after a restart" {
    # guards: Podman as the oracle for exec -d and ExecIDs
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    local name pname psid sid
    name=$(wt_name)
    pname=wt-execsess-pm-$$
    pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
    pm run -d --net none --name "$pname" "$IMAGE" sleep 1000 >/dev/null || fail "podman run -d failed"
    run_warren 0 run -d --name "$name" "$IMAGE" sleep 1000
    psid=$(pm exec -d "$pname" true 2>/dev/null)
    run_warren 0 exec -d "$name" true
    sid=$output
    [[ $psid =~ ^[0-9a-f]{64}$ && $sid =~ ^[0-9a-f]{64}$ ]] || fail "podman '$psid', warren '$sid'"
    pm exec "$pname" true
    run_warren 0 exec "$name" true
    sleep 1
    assert_equal "$(w inspect --format '{{json .ExecIDs}}' "$name" | sed "s/$sid/ID/")" \
        "$(pm inspect --format '{{json .ExecIDs}}' "$pname" | sed "s/$psid/ID/")"
    pm restart -t 0 "$pname" >/dev/null
    run_warren 0 restart -t 0 "$name"
    assert_equal "$(w inspect --format '{{json .ExecIDs}}' "$name")" \
        "$(pm inspect --format '{{json .ExecIDs}}' "$pname")"
    pm_cleanup
}
