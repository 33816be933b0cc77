#!/usr/bin/env bats
# shellcheck disable=SC2154,SC1091  # status/output come from bats
# Issue 12: `warren system service` as root: the default socket
# /run/warren/warren.sock, and a peer of another uid refused (SO_PEERCRED).

load ../helpers
load ../api

@test "system service (root): a peer of another uid is refused with 403; root and the owner are served" {
    # guards: issue 12 "a request from another uid (SO_PEERCRED) is refused"
    id nobody >/dev/null 2>&1 || skip "needs the user nobody"
    local dir sock
    dir=$(mktemp -d /tmp/wt-api.XXXXXX)
    chmod 0755 "$dir"
    sock=$dir/api.sock
    start_warren "$dir/service.log" system service --time 0 "unix://$sock"
    wait_for_file "$sock" 20
    run stat -c %a "$sock"
    assert_output 600
    # opened up by hand: the peer check is what stands between nobody and the engine
    chmod 0666 "$sock"
    run runuser -u nobody -- curl -sS --max-time 20 --unix-socket "$sock" -w ' %{http_code}' http://d/_ping
    assert_output '{"message":"connection refused: the peer'"'"'s uid is not the service'"'"'s"}
 403'
    run curl -sS --max-time 20 --unix-socket "$sock" http://d/_ping
    assert_output OK
    kill -TERM "$BG_PID"
    wait_for_exit "$BG_PID" 20
    grep -q "refused a connection from uid $(id -u nobody)" "$dir/service.log"
    rm -rf "$dir"
}

@test "system service (root): the default socket is /run/warren/warren.sock" {
    [ ! -S /run/warren/warren.sock ] || skip "a service runs already on /run/warren/warren.sock"
    start_warren "$BATS_TEST_TMPDIR/service.log" system service --time 0
    wait_for_file /run/warren/warren.sock 20
    run stat -c %a /run/warren/warren.sock
    assert_output 600
    run curl -sS --max-time 20 --unix-socket /run/warren/warren.sock http://d/_ping
    assert_output OK
    kill -TERM "$BG_PID"
    wait_for_exit "$BG_PID" 20
    [ ! -e /run/warren/warren.sock ]
}

@test "system service (root): pause and unpause through the API" {
    # guards: issue 12 "containers: ... pause/unpause" (rootless needs a delegated cgroup)
    local name=$(wt_name) sock=$BATS_TEST_TMPDIR/api.sock
    start_warren "$BATS_TEST_TMPDIR/service.log" system service --time 0 "unix://$sock"
    wait_for_file "$sock" 20
    run_warren 0 run -d --name "$name" "$IMAGE" sleep 100
    run curl -sS --unix-socket "$sock" -o /dev/null -w '%{http_code}' -X POST "http://d/containers/$name/pause"
    assert_output 204
    run_warren 0 inspect --format '{{.State.Status}}' "$name"
    assert_output paused
    run curl -sS --unix-socket "$sock" -w ' %{http_code}' -X POST "http://d/containers/$name/pause"
    assert_output --regexp 'already paused.* 409$'
    run curl -sS --unix-socket "$sock" -o /dev/null -w '%{http_code}' -X POST "http://d/containers/$name/unpause"
    assert_output 204
    run_warren 0 inspect --format '{{.State.Status}}' "$name"
    assert_output running
}

@test "api (root): stats one-shot and streamed; docker stats --no-stream shows names and pids" {
    # guards: issue 12 "`docker stats` must show names and pids" (root: cgroups of its own)
    api_stats_check
}

@test "api (root): docker update sets limits and the restart policy" {
    # guards: issue 12 "update (resources where cgroups allow)" (root: cgroups of its own)
    api_update_check
}

@test "libpod (root): podman --remote stats and pod stats show the numbers of the containers' cgroups" {
    # guards: issue 12 "libpod: pod stats" with cgroups (the rootless file
    # 258 has the rows and errors; rootless hosts may delegate no cgroup)
    command -v podman >/dev/null || skip "podman is not installed (tests/deps.sh installs it)"
    use_private_store
    load_fixture busybox.docker.tar
    run_warren 0 pod create --name p1
    run_warren 0 run -d --pod p1 --name up "$IMAGE" sleep 1000
    api_start
    run timeout 60 podman --remote --url "unix://$SOCK" stats --no-stream --format '{{.Name}} {{.PIDS}}' up
    assert_success
    assert_output 'up 1'
    run timeout 60 podman --remote --url "unix://$SOCK" stats --no-stream --format '{{.MemUsage}}' up
    assert_output --regexp '^[0-9.]+[kM]?B / [0-9.]+[kMGT]?B$'
    run timeout 60 podman --remote --url "unix://$SOCK" pod stats --no-stream --format '{{.Name}} {{.PIDS}} {{.Mem}}' p1
    assert_success
    assert_line --regexp '^up 1 [0-9.]+%$'
    run_warren 0 pod stats --no-stream --format '{{.Name}} {{.PIDS}}' p1
    assert_line 'up 1'
    run_warren 0 pod rm -f p1
}
