#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Issue 8: detached containers under a monitor (run -d, create, start, stop,
# kill, restart, wait, container cleanup) and their k8s-file logs.

load helpers

# wait_log NAME TEXT: polls logs until a line is TEXT (a trap is set once it says so)
wait_log() {
    local i
    for ((i = 0; i < 600; i++)); do
        w logs "$1" 2>/dev/null | grep -qx "$2" && return 0
        sleep 0.05
    done
    fail "container $1 never logged '$2'"
}

@test "run -d: prints the id, the container runs after warren exits, ps shows it Up" {
    # guards: issue 8 "run -d ... a container started with run -d outlives the CLI"
    local name id
    name=$(wt_name)
    run_warren 0 run -d --name "$name" "$IMAGE" sleep 1000
    id=$output
    [[ $id =~ ^[0-9a-f]{64}$ ]] || fail "run -d printed '$id', not an id"
    run_warren 0 ps
    assert_line --regexp "^${id:0:12} +$IMAGE +sleep 1000 +.* +Up .* +$name$"
    run_warren 0 inspect --format '{{.State.Status}} {{.State.Running}}' "$name"
    assert_output "running true"
    [ -n "$(monitor_of "$id")" ] || fail "no warren-monitor for $id"
    run_warren 0 rm -f -t 0 "$name"
    [ -z "$(monitor_of "$id")" ] || fail "the monitor of $id outlived rm -f"
}

@test "run -d: the exit code is recorded; --rm removes it; the monitor leaves" {
    # guards: issue 8 "records exit code and time in the state database, performs --rm cleanup"
    local name id
    name=$(wt_name)
    run_warren 0 run -d --name "$name" "$IMAGE" sh -c 'exit 7'
    id=$output
    wait_state "$name" exited
    run_warren 0 inspect --format '{{.State.ExitCode}}' "$name"
    assert_output 7
    run_warren 0 ps -a
    assert_line --regexp "^${id:0:12} .* Exited \(7\) .* $name$"
    [ -z "$(monitor_of "$id")" ] || fail "the monitor of $id is still there"
    run_warren 0 rm "$name"
    run_warren 0 run -d --rm --name "$name" "$IMAGE" true
    for _ in $(seq 100); do w inspect "$name" >/dev/null 2>&1 || break; sleep 0.05; done
    run_warren 0 ps -a --format '{{.Names}}'
    refute_output --partial "$name"
}

@test "run -d: \$(...) returns at once: the monitor keeps no fd of the caller" {
    # guards: issue 8 monitor owns the container's stdio (a command substitution must not wait for it)
    local name id t0
    name=$(wt_name)
    t0=$(now_ms)
    id=$(timeout 20 "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" run -d --name "$name" "$IMAGE" sleep 1000)
    [ $(($(now_ms) - t0)) -lt 15000 ] || fail "run -d inside \$(...) waited for the container"
    [[ $id =~ ^[0-9a-f]{64}$ ]]
    run_warren 0 rm -f -t 0 "$name"
}

@test "logs: stdout and stderr of a detached container, -t, --tail, --since, --until" {
    # guards: issue 8 "Logs and attach": k8s-file, logs [-t] [--since] [--until] [--tail N]
    local name
    name=$(wt_name)
    run_warren 0 run -d --name "$name" "$IMAGE" sh -c 'echo one; echo two >&2; printf "three\nfour"'
    wait_state "$name" exited
    run_warren 0 logs "$name"
    assert_output $'one\nthree\nfour'
    assert_equal "$stderr" "two"
    run_warren 0 logs --tail 1 "$name"
    assert_output "four"
    run_warren 0 logs --tail 0 "$name"
    assert_output ""
    run_warren 0 logs -t "$name"
    assert_line --index 0 --regexp '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{18}[+-][0-9]{2}:[0-9]{2} one$'
    run_warren 0 logs --since 1h "$name"
    assert_output $'one\nthree\nfour'
    run_warren 0 logs --until 2000-01-01 "$name"
    assert_output ""
    run_warren 0 logs --since "$(date -d '+1 hour' +%s)" "$name"
    assert_output ""
    # the file is Podman's k8s-file format
    local log
    log=$(w inspect --format '{{.Id}}' "$name")
    run grep -c ' stdout F one$' "$WT_ROOT/containers/$log/ctr.log"
    assert_output 1
    run grep -c ' stdout P four$' "$WT_ROOT/containers/$log/ctr.log"
    assert_output 1
}

@test "logs -f: follows until the container exits" {
    # guards: issue 8 "-f ends when the container exits"
    local name
    name=$(wt_name)
    run_warren 0 run -d --name "$name" "$IMAGE" sh -c 'for i in 1 2 3; do echo line$i; sleep 0.3; done'
    run_warren 0 logs -f "$name"
    assert_output $'line1\nline2\nline3'
}

@test "logs: --log-driver none keeps no log; bad --tail, --since and log options are refused" {
    # guards: issue 8 "logs of a container with --log-driver none" (a failure case)
    local name
    name=$(wt_name)
    run_warren 0 run -d --log-driver none --name "$name" "$IMAGE" echo hi
    wait_state "$name" exited
    run_warren 125 logs "$name"
    assert_last_error "this container is using the 'none' log driver, cannot read logs"
    run_warren 125 logs --tail x "$name"
    run_warren 125 logs --since yesterday "$name"
    run_warren 125 logs nosuchcontainer
    assert_last_error 'no container with name or ID "nosuchcontainer" found: no such container'
    run_warren 125 run -d --log-driver journald "$IMAGE" true
    assert_last_error 'invalid log driver "journald"'
    run_warren 125 run -d --log-driver passthrough "$IMAGE" true
    assert_last_error "passthrough logging driver is not supported in detach mode"
    run_warren 125 run -d --log-opt max-size=lots "$IMAGE" true
}

@test "logs: --log-opt max-size keeps the log small" {
    # guards: issue 8 "--log-opt max-size"
    local name id size
    name=$(wt_name)
    run_warren 0 run -d --log-opt max-size=4k --name "$name" "$IMAGE" sh -c 'i=0; while [ $i -lt 500 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done'
    id=$output
    wait_state "$name" exited
    size=$(stat -c %s "$WT_ROOT/containers/$id/ctr.log")
    [ "$size" -le 8192 ] || fail "log is $size bytes with max-size=4k"
    run_warren 0 logs --tail 1 "$name"
    assert_output line-499-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
}

@test "create + start: created, then running under a monitor; start prints the name as given" {
    # guards: issue 8 "create, start"
    local name id
    name=$(wt_name)
    run_warren 0 create --name "$name" "$IMAGE" sleep 1000
    id=$output
    run_warren 0 inspect --format '{{.State.Status}}' "$name"
    assert_output created
    run_warren 0 start "$name"
    assert_output "$name"
    wait_state "$name" running
    # a running container: start again does nothing
    run_warren 0 start "${id:0:12}"
    assert_output "${id:0:12}"
    run_warren 0 rm -f -t 0 "$name"
}

@test "start: an exited container runs again with its filesystem kept; start -a waits for it" {
    # guards: issue 8 "start [-a]"
    local name
    name=$(wt_name)
    run_warren 0 run --name "$name" "$IMAGE" sh -c 'echo x >> /counter; wc -l < /counter'
    assert_output 1
    run_warren 0 start -a "$name"
    assert_output 2
    run_warren 0 start "$name"
    wait_state "$name" exited
    run_warren 0 start -a "$name"
    assert_output 4
    run_warren 0 inspect --format '{{.State.ExitCode}}' "$name"
    assert_output 0
    run_warren 125 start -a "$name" "$name"
    assert_last_error "you cannot start and attach multiple containers at once"
    run_warren 125 start nosuchcontainer
    assert_last_error 'no container with name or ID "nosuchcontainer" found: no such container'
}

@test "stop: SIGTERM, then SIGKILL after -t; exit codes 143 and 137; a stopped container stops again quietly" {
    # guards: issue 8 "stop [-t SECS] (SIGTERM or the image's StopSignal, then SIGKILL)"
    local a b t0
    a=$(wt_name)
    b=$(wt_name)-b
    # sh as init ignores SIGTERM without a trap: killed after -t
    run_warren 0 run -d --name "$a" "$IMAGE" sleep 1000
    run_warren 0 run -d --name "$b" "$IMAGE" sh -c 'trap "exit 143" TERM; echo ready; while :; do sleep 0.1; done'
    wait_log "$b" ready
    t0=$(now_ms)
    run_warren 0 stop -t 1 "$a"
    assert_output "$a"
    [ $(($(now_ms) - t0)) -ge 900 ] || fail "stop -t 1 did not wait for SIGTERM"
    run_warren 0 inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$a"
    assert_output "exited 137"
    run_warren 0 stop "$b"
    run_warren 0 inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$b"
    assert_output "exited 143"
    run_warren 0 stop "$a"
    assert_output "$a"
    run_warren 125 stop nosuchcontainer
    assert_last_error 'no container with name or ID "nosuchcontainer" found: no such container'
    run_warren 0 stop --ignore nosuchcontainer
    run_warren 125 stop -t x "$a"
}

@test "stop: --stop-signal and the image's StopSignal are what stop sends first" {
    # guards: issue 8 "SIGTERM or the image's StopSignal"
    local name
    name=$(wt_name)
    run_warren 0 run -d --stop-signal USR1 --name "$name" "$IMAGE" sh -c 'trap "exit 42" USR1; echo ready; while :; do sleep 0.1; done'
    wait_log "$name" ready
    run_warren 0 inspect --format '{{.Config.StopSignal}}' "$name"
    assert_output 10
    run_warren 0 stop -t 5 "$name"
    run_warren 0 inspect --format '{{.State.ExitCode}}' "$name"
    assert_output 42
    run_warren 125 run -d --stop-signal NOPE "$IMAGE" true
    assert_last_error "invalid signal: NOPE"
}

@test "kill: -s sends the signal; a container that does not run cannot be killed" {
    # guards: issue 8 "kill [-s SIG]"
    local name
    name=$(wt_name)
    run_warren 0 run -d --name "$name" "$IMAGE" sh -c 'trap "exit 5" HUP; echo ready; while :; do sleep 0.1; done'
    wait_log "$name" ready
    run_warren 0 kill -s HUP "$name"
    assert_output "$name"
    wait_state "$name" exited
    run_warren 0 inspect --format '{{.State.ExitCode}}' "$name"
    assert_output 5
    run_warren 125 kill "$name"
    assert_last_error "can only kill running containers"
    assert_last_error "is in state exited: container state improper"
    run_warren 125 kill -s NOSUCHSIG "$name"
    assert_last_error "invalid signal: NOSUCHSIG"
    run_warren 0 run -d --name "$name-2" "$IMAGE" sleep 1000
    run_warren 0 kill "$name-2"
    wait_state "$name-2" exited
    run_warren 0 inspect --format '{{.State.ExitCode}}' "$name-2"
    assert_output 137
}

@test "wait: prints exit codes, waits for a running container" {
    # guards: issue 8 "wait (prints exit codes)"
    local a b
    a=$(wt_name)
    b=$(wt_name)-b
    run_warren 0 run -d --name "$a" "$IMAGE" sh -c 'sleep 0.5; exit 3'
    run_warren 4 run --name "$b" "$IMAGE" sh -c 'exit 4'
    run_warren 0 wait "$a" "$b"
    assert_output $'3\n4'
    run_warren 125 wait nosuchcontainer
    assert_last_error 'no container with name or ID "nosuchcontainer" found: no such container'
}

@test "restart: a running container runs again (a new process), an exited one starts" {
    # guards: issue 8 "restart"
    local name pid1 pid2
    name=$(wt_name)
    run_warren 0 run -d --name "$name" "$IMAGE" sleep 1000
    pid1=$(w inspect --format '{{.State.Pid}}' "$name")
    run_warren 0 restart -t 0 "$name"
    wait_state "$name" running
    pid2=$(w inspect --format '{{.State.Pid}}' "$name")
    [ "$pid1" != "$pid2" ] || fail "restart kept pid $pid1"
    run_warren 0 stop -t 0 "$name"
    run_warren 0 restart "$name"
    wait_state "$name" running
    run_warren 0 rm -f -t 0 "$name"
}

@test "monitor: SIGKILL of the monitor leaves a container whose state says so; ps and rm -f work" {
    # guards: issue 8 "Killing the monitor with SIGKILL leaves a container whose state says so"
    local name id mon
    name=$(wt_name)
    run_warren 0 run -d --name "$name" "$IMAGE" sleep 1000
    id=$output
    mon=$(monitor_of "$id")
    [ -n "$mon" ] || fail "no monitor"
    kill -KILL "$mon"
    wait_state "$name" exited
    run_warren 0 inspect --format '{{.State.ExitCode}}' "$name"
    assert_output 137
    run_warren 0 ps -a
    assert_line --regexp "^${id:0:12} .* Exited \(137\) .* $name$"
    run_warren 0 rm -f "$name"
}

@test "monitor: idle, it shows no trace of the command in ps and holds no fd of the caller" {
    # guards: STYLE.md "no trace of the starting command's arguments or environment in ps"
    local name id mon
    name=$(wt_name)
    run_warren 0 run -d --name "$name" -e SECRET=hunter2 "$IMAGE" sleep 1000
    id=$output
    mon=$(monitor_of "$id")
    run cat "/proc/$mon/cmdline"
    refute_output --partial sleep
    run tr '\0' '\n' <"/proc/$mon/environ"
    refute_output --partial SECRET
    # fds: /dev/null for stdio, the lock, the container's pipes, a signalfd
    run ls -l "/proc/$mon/fd"
    refute_output --partial pts
    run_warren 0 rm -f -t 0 "$name"
}

@test "run -d: the monitor is found in ../libexec/warren (an install); without one, a clear error and nothing left" {
    # guards: issue 8 monitor "a program of its own"; make install puts it in $(PREFIX)/libexec/warren
    local p name
    p=$BATS_TEST_TMPDIR/prefix
    name=$(wt_name)
    mkdir -p "$p/bin" "$p/libexec/warren"
    cp "$WARREN" "$p/bin/warren"
    cp "$(dirname "$WARREN")/warren-monitor" "$p/libexec/warren/warren-monitor"
    run "$p/bin/warren" --root "$WT_ROOT" --runroot "$WT_RUNROOT" run -d --name "$name" "$IMAGE" sleep 1000
    assert_success
    wait_state "$name" running
    run_warren 0 rm -f -t 0 "$name"
    rm "$p/libexec/warren/warren-monitor"
    run --separate-stderr "$p/bin/warren" --root "$WT_ROOT" --runroot "$WT_RUNROOT" run -d --name "$name" "$IMAGE" sleep 1000
    assert_failure 125
    assert_last_error "cannot find warren-monitor"
    run_warren 0 inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$name"
    assert_output "exited 125"
}

@test "restart policies: on-failure:N restarts N times, always restarts until stop, no never" {
    # guards: issue 8 "keeps restart policies (--restart no|on-failure[:N]|always|unless-stopped)", run by the monitor
    local a b c i
    a=$(wt_name)
    b=$(wt_name)-b
    c=$(wt_name)-c
    run_warren 0 run -d --restart on-failure:2 --name "$a" "$IMAGE" sh -c 'echo run; exit 3'
    run_warren 0 run -d --restart always --name "$b" "$IMAGE" sh -c 'echo run; sleep 0.2'
    run_warren 0 run -d --restart on-failure --name "$c" "$IMAGE" sh -c 'echo run; exit 0'
    for ((i = 0; i < 200; i++)); do
        [ "$(w logs "$a" 2>/dev/null | grep -c run)" -ge 3 ] && [ "$(w logs "$b" 2>/dev/null | grep -c run)" -ge 3 ] && break
        sleep 0.1
    done
    wait_state "$a" exited
    run_warren 0 inspect --format '{{.RestartCount}} {{.State.ExitCode}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}' "$a"
    assert_output "2 3 on-failure 2"
    run_warren 0 logs "$a"
    assert_output $'run\nrun\nrun'
    run_warren 0 stop -t 1 "$b"
    run_warren 0 inspect --format '{{.State.Status}}' "$b"
    assert_output exited
    sleep 1
    run_warren 0 inspect --format '{{.State.Status}}' "$b"
    assert_output exited
    run_warren 0 inspect --format '{{.RestartCount}} {{.State.Status}}' "$c"
    assert_output "0 exited"
    # rm -f of an always container: it does not come back
    run_warren 0 start "$b"
    run_warren 0 rm -f -t 0 "$b"
    run_warren 125 inspect "$b"
}

@test "restart policies: bad values and --rm with a policy are refused" {
    # guards: issue 8 --restart input validation (Podman's errors)
    run_warren 125 run -d --restart sometimes "$IMAGE" true
    assert_last_error 'invalid restart policy "sometimes"'
    run_warren 125 run -d --restart on-failure:x "$IMAGE" true
    run_warren 125 run -d --restart always:3 "$IMAGE" true
    run_warren 125 run -d --rm --restart always "$IMAGE" true
    assert_last_error "the --rm option conflicts with --restart"
}

@test "restart policies: --log-driver after --restart keeps the policy" {
    # guards: a --log-driver freed the --restart value (twice: an abort)
    local name
    name=$(wt_name)
    run_warren 0 create --name "$name" --restart always --log-driver k8s-file "$IMAGE" true
    run_warren 0 inspect --format '{{.HostConfig.RestartPolicy.Name}}' "$name"
    assert_output always
    run_warren 0 rm "$name"
}

@test "attach: output of a running container, stdin with -i, the container's exit code" {
    # guards: issue 8 "attach [--no-stdin] [--sig-proxy]" served by the monitor
    local a b
    a=$(wt_name)
    b=$(wt_name)-b
    run_warren 0 run -d -i --name "$a" "$IMAGE" sh -c 'read x; echo "got $x"; echo err >&2; exit 3'
    run --separate-stderr timeout 30 sh -c "printf 'hello\n' | \"\$0\" --root \"\$1\" --runroot \"\$2\" attach \"\$3\"" \
        "$WARREN" "$WT_ROOT" "$WT_RUNROOT" "$a"
    assert_equal "$status" 3
    assert_output "got hello"
    assert_equal "$stderr" "err"
    # without -i at its creation, stdin is not passed; output until it exits
    run_warren 0 run -d --name "$b" "$IMAGE" sh -c 'sleep 1; echo late'
    run_warren 0 attach --no-stdin "$b"
    assert_output "late"
    run_warren 125 attach "$b"
    assert_last_error "you can only attach to running containers"
    run_warren 125 attach nosuchcontainer
    assert_last_error 'no container with name or ID "nosuchcontainer" found: no such container'
    run_warren 0 run -d --name "$b-2" "$IMAGE" sleep 100
    run_warren 125 attach --detach-keys ctrl-1 "$b-2"
    assert_last_error "attaching to container $(w inspect --format '{{.Id}}' "$b-2"): invalid detach keys: Unknown character: 'ctrl-1'"
}

@test "attach: the detach keys leave a -it container running; typed input reaches its terminal" {
    # guards: issue 8 "detach keys (ctrl-p,ctrl-q)"
    local name out
    name=$(wt_name)
    out=$BATS_TEST_TMPDIR/typescript
    run_warren 0 run -dit --name "$name" "$IMAGE" sh
    # typed: a command, then ctrl-p ctrl-q
    (sleep 1; printf 'echo typed-$((6*7))\r'; sleep 1; printf '\020\021'; sleep 1) |
        timeout 30 script -qec "$WARREN --root $WT_ROOT --runroot $WT_RUNROOT attach $name" "$out" >/dev/null
    grep -q 'typed-42' "$out" || fail "the command's output is not in the typescript: $(cat -v "$out")"
    run_warren 0 inspect --format '{{.State.Status}}' "$name"
    assert_output running
    run_warren 0 logs "$name"
    assert_output --partial typed-42
    run_warren 0 rm -f -t 0 "$name"
}

@test "pause/unpause: a container without a cgroup of its own gets a clear error; stopped ones Podman's" {
    # guards: issue 8 "pause/unpause (cgroup freezer where available, else a clear error)"
    local name
    name=$(wt_name)
    run_warren 0 run -d --cgroups=disabled --name "$name" "$IMAGE" sleep 1000
    run_warren 125 pause "$name"
    assert_last_error "pause needs container" "in a cgroup of its own, and it was created with --cgroups=disabled"
    run_warren 0 inspect --format '{{.State.Status}}' "$name"
    assert_output running
    run_warren 0 stop -t 0 "$name"
    run_warren 125 unpause "$name"
    assert_last_error "is not paused, can't unpause: container state improper"
    run_warren 125 pause nosuchcontainer
    assert_last_error 'no container with name or ID "nosuchcontainer" found: no such container'
}

@test "update --restart: the new policy applies from the next exit; resource limits are set or refused, never ignored" {
    # guards: issue 8 "update (restart policy and, where cgroups allow, resources)"
    local name
    name=$(wt_name)
    run_warren 0 run -d --name "$name" "$IMAGE" sh -c 'echo run; sleep 0.5; exit 1'
    run_warren 0 update --restart on-failure:1 "$name"
    run_warren 0 inspect --format '{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}' "$name"
    assert_output "on-failure 1"
    for _ in $(seq 100); do [ "$(w logs "$name" 2>/dev/null | grep -c run)" -ge 2 ] && break; sleep 0.1; done
    wait_state "$name" exited
    run_warren 0 inspect --format '{{.RestartCount}}' "$name"
    assert_output 1
    # issue 14: recorded where this user can have a memory cgroup, else the reason
    run --separate-stderr timeout 120 "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" update --memory 10m "$name"
    if [ "$status" = 0 ]; then
        run_warren 0 inspect --format '{{.HostConfig.Memory}}' "$name"
        assert_output 10485760
    else
        wt_check_status 125 "update --memory 10m"
        assert_last_error "--memory: resource limits need a cgroup of the memory controller"
        run_warren 0 inspect --format '{{.HostConfig.Memory}}' "$name"
        assert_output 0
    fi
    run_warren 125 update --restart sometimes "$name"
    run_warren 125 update "$name"
    run_warren 125 update --restart always nosuchcontainer
}
