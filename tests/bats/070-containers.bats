#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Foundation #2 §4: `warren ps`, `warren rm`, `warren inspect`.

load helpers

# start_sleeper NAME: a running container NAME (background warren run); waits until it runs
start_sleeper() {
    local sync=$BATS_TEST_TMPDIR/sync-$1
    mkdir -p "$sync"
    start_warren "$BATS_TEST_TMPDIR/out-$1" run --name "$1" -v "$sync:/sync" "$IMAGE" \
        sh -c 'touch /sync/ready; exec sleep 1000'
    wait_for_file "$sync/ready" 60
}

@test "ps: Podman's columns; -a shows an exited container with its exit code" {
    # guards: Foundation #2 §4 `warren ps [-a]` (CONTAINER ID IMAGE COMMAND CREATED STATUS PORTS NAMES)
    local name
    name=$(wt_name)
    run_warren 3 run --name "$name" "$IMAGE" sh -c 'exit 3'
    run_warren 0 ps
    assert_line --index 0 --regexp '^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES$'
    refute_output --partial "$name"
    run_warren 0 ps -a
    assert_line --index 0 --regexp '^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES$'
    assert_line --regexp "^[0-9a-f]{12} +$IMAGE +sh -c exit 3 +.* +Exited \(3\) .* +$name$"
}

@test "ps: a running container shows as Up; -q prints short ids" {
    # guards: Foundation #2 §4 `warren ps [-q]`
    local name id
    name=$(wt_name)
    start_sleeper "$name"
    run_warren 0 ps
    assert_line --regexp "^[0-9a-f]{12} +$IMAGE +sh -c .* +Up .* +$name$"
    run_warren 0 inspect "$name"
    id=$(jq -r '.[0].Id' <<<"$output")
    run_warren 0 ps -q
    assert_output "${id:0:12}"
    run_warren 0 rm -f -t 0 "$name"
}

@test "ps --format json: Podman's fields" {
    # guards: Foundation #2 §4 `warren ps --format json`
    local name
    name=$(wt_name)
    run_warren 3 run --name "$name" "$IMAGE" sh -c 'exit 3'
    run_warren 0 ps -a --format json
    run jq -r --arg n "$name" '.[] | select(.Names[0] == $n) | "\(.State) \(.ExitCode) \(.Image) \(.Id | length) \(.Command | join(" "))"' <<<"$output"
    assert_output "exited 3 $IMAGE 64 sh -c exit 3"
    run_warren 0 ps --format json
    run jq -r 'length' <<<"$output"
    assert_output 0
}

@test "rm: removes a stopped container; 1 when there is no such container" {
    # guards: Foundation #2 §4 `warren rm` (Podman's exit codes: 1 = no such container)
    local name
    name=$(wt_name)
    run_warren 0 run --name "$name" "$IMAGE" true
    run_warren 0 rm "$name"
    run_warren 0 ps -a
    refute_output --partial "$name"
    run_warren 1 rm "$name"
    assert_error "$name"
    # the name can be used again
    run_warren 0 run --rm --name "$name" "$IMAGE" true
}

@test "rm: a running container needs -f (exit 2 without it)" {
    # guards: Foundation #2 §4 `warren rm [-f]` (Podman's exit code 2 = container running)
    local name t0
    name=$(wt_name)
    start_sleeper "$name"
    run_warren 2 rm "$name"
    assert_error
    run_warren 0 ps
    assert_output --partial "$name"
    t0=$(now_ms)
    run_warren 0 rm -f -t 0 "$name"
    [ $(($(now_ms) - t0)) -lt 5000 ] || fail "rm -f -t 0 took $(($(now_ms) - t0)) ms"
    wait_for_exit "$BG_PID" 10 || fail "the foreground warren run did not end after rm -f"
    [ "$(bg_status "$BG_PID")" -eq 137 ] || fail "run exited $(bg_status "$BG_PID"), expected 137"
    run_warren 0 ps -a
    refute_output --partial "$name"
}

@test "rm -t SECS: waits SECS for a container that ignores SIGTERM, then kills it" {
    # guards: Foundation #2 §4 `warren rm -t SECS`; issue 5 (the test timed rm without
    # checking that the container was removed and its process killed)
    local name t0 dt pid
    name=$(wt_name)
    start_sleeper "$name"
    run_warren 0 inspect --format '{{.State.Pid}}' "$name"
    pid=$output
    [ "$pid" -gt 0 ] || fail "no pid: $pid"
    t0=$(now_ms)
    run_warren 0 rm -f -t 2 "$name"
    dt=$(($(now_ms) - t0))
    [ "$dt" -ge 1800 ] && [ "$dt" -lt 8000 ] || fail "rm -f -t 2 took $dt ms"
    assert_output "$name"
    wt_exited "$pid" || fail "the container's process $pid still runs after rm"
    wait_for_exit "$BG_PID" 10 || fail "the foreground warren run did not end after rm -f"
    [ "$(bg_status "$BG_PID")" -eq 137 ] || fail "run exited $(bg_status "$BG_PID"), expected 137"
    run_warren 0 ps -a
    refute_output --partial "$name"
    run_warren 125 inspect "$name"
}

@test "rm -a: removes every stopped container; with -f the running ones too" {
    # guards: Foundation #2 §4 `warren rm -a [-f]`
    local a b c
    a=$(wt_name)-a; b=$(wt_name)-b; c=$(wt_name)-c
    run_warren 0 run --name "$a" "$IMAGE" true
    run_warren 0 run --name "$b" "$IMAGE" true
    start_sleeper "$c"
    run_warren 2 rm -a
    run_warren 0 ps -a --format json
    run jq -r '.[].Names[0]' <<<"$output"
    assert_output "$c"
    run_warren 0 rm -a -f -t 0
    run_warren 0 ps -a -q
    assert_output ""
}

@test "inspect: a container's id, name, state and config" {
    # guards: Foundation #2 §4 `warren inspect`
    local name
    name=$(wt_name)
    run_warren 3 run --name "$name" --hostname wt-insp "$IMAGE" sh -c 'exit 3'
    run_warren 0 inspect "$name"
    local j=$output
    run jq -r '.[0] | "\(.Name) \(.Id | test("^[0-9a-f]{64}$")) \(.State.Status) \(.State.ExitCode)"' <<<"$j"
    assert_output "$name true exited 3"
    run jq -r '.[0] | "\(.Path) \(.Args | join(" ")) | \(.Config.Cmd | join(" ")) | \(.Config.Hostname)"' <<<"$j"
    assert_output "sh -c exit 3 | sh -c exit 3 | wt-insp"
    run jq -r '.[0].Image' <<<"$j"
    assert_output "$IMAGE_ID"
    # by short id too
    run_warren 0 inspect "$(jq -r '.[0].Id[0:12]' <<<"$j")"
    run jq -r '.[0].Name' <<<"$output"
    assert_output "$name"
}

@test "inspect: falls back to images; 125 for an unknown name" {
    # guards: Foundation #2 §4 `warren inspect` (Podman: containers, then images)
    run_warren 0 inspect "$IMAGE"
    run jq -r '.[0].Id' <<<"$output"
    assert_output "$IMAGE_ID"
    run_warren 125 inspect wt-no-such-object
    assert_error "wt-no-such-object"
}
