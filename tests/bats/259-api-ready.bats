#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # jq programs in single quotes; status/output come from bats
# Issue 12 "Speed": the service keeps one connection process ready (forked,
# the store open) while connections come, made when a connection ends and
# ended 2 s after the last activity; listings (docker ps, warren ps) read a brief
# config of each container. Neither may change what a client sees.

load helpers
load api

# svc_kids: the service's child processes, one a line
svc_kids() {
    pgrep -P "$SVC_PID" || true
}

# ready_worker: the pid of the service's ready process once it is the only
# child (the connections before it closed) and has the store's database
# open (20 s at most)
ready_worker() {
    local i kids
    for ((i = 0; i < 200; i++)); do
        kids=$(svc_kids)
        if [ -n "$kids" ] && [ "$(wc -l <<<"$kids")" = 1 ] &&
            ls -l "/proc/$kids/fd" 2>/dev/null | grep -q '/warren\.db$'; then
            echo "$kids"
            return 0
        fi
        sleep 0.1
    done
    fail "no ready process (children of the service: $(svc_kids | tr '\n' ' '))"
}

# gone PID: PID has exited (its parent, the service, reaped it) within 20 s
gone() {
    local i
    for ((i = 0; i < 200; i++)); do
        [ -e "/proc/$1" ] || return 0
        sleep 0.1
    done
    return 1
}

@test "api ready process: its store open before its connection, it sees a container made after that" {
    # guards: issue 12 "docker ps with 100 containers at least 5 times faster" without stale answers
    local name=$(wt_name) r
    api_start
    api_expect 200 GET /_ping
    r=$(ready_worker)
    # made by the CLI after the ready process opened the store
    run_warren 0 create --name "$name" --label wt.ready=yes -p 8089:80 "$IMAGE" true
    api_expect 200 GET "/containers/json?all=1&filters=%7B%22label%22%3A%5B%22wt.ready%3Dyes%22%5D%7D"
    jq -e --arg n "/$name" 'length == 1 and .[0].Names == [$n] and .[0].State == "created"
        and .[0].Labels == {"wt.ready": "yes"} and .[0].Ports == [{"IP": "0.0.0.0", "PrivatePort": 80,
        "PublicPort": 8089, "Type": "tcp"}]' <<<"$output"
    run_warren 0 rm "$name"
    api_expect 200 GET "/containers/json?all=1&filters=%7B%22label%22%3A%5B%22wt.ready%3Dyes%22%5D%7D"
    assert_output "[]"
}

@test "api ready process: it serves the next connection (a long one too); another is made when it ends" {
    local name=$(wt_name) r r2
    run_warren 0 run -d --name "$name" "$IMAGE" sleep 1000
    api_start
    api_expect 200 GET /_ping
    r=$(ready_worker)
    # a wait that lasts: its connection's process is r, which stays past
    # the 2 s a ready process waits for a connection
    curl -sS --max-time 60 --unix-socket "$SOCK" -X POST "http://d/containers/$name/wait" \
        >"$BATS_TEST_TMPDIR/wait.out" 2>&1 &
    local curl_pid=$!
    sleep 3
    [ -e "/proc/$r" ] || fail "the ready process $r did not take the wait's connection"
    assert_equal "$(svc_kids)" "$r"
    run_warren 0 kill "$name"
    wait "$curl_pid"
    assert_equal "$(jq -c . "$BATS_TEST_TMPDIR/wait.out")" '{"Error":null,"StatusCode":137}'
    gone "$r" || fail "$r stays after its connection closed"
    r2=$(ready_worker)
    [ "$r2" != "$r" ]
}

@test "api ready process: a killed one is replaced, the next connection is served" {
    local r r2
    api_start
    api_expect 200 GET /_ping
    r=$(ready_worker)
    kill -KILL "$r"
    gone "$r" || fail "the killed ready process $r was not reaped"
    api_expect 200 GET "/containers/json?all=1"
    r2=$(ready_worker)
    [ "$r2" != "$r" ]
    api_expect 200 GET "/containers/json?all=1"
    kill -TERM "$SVC_PID"
    wait_for_exit "$SVC_PID" 20 || fail "the service did not stop on SIGTERM"
    [ "$(bg_status "$SVC_PID")" = 0 ]
}

@test "api ready process: it ends 2 s after the last connection; the idle time still ends the service" {
    # guards: issue 12 "the idle service under 5 MiB RSS": one process when idle
    local r
    api_start
    api_expect 200 GET /_ping
    r=$(ready_worker)
    gone "$r" || fail "the ready process $r stays without connections"
    assert_equal "$(svc_kids)" ""
    api_expect 200 GET /_ping # served without one, and one is made again
    r=$(ready_worker)
    kill -TERM "$SVC_PID"
    wait_for_exit "$SVC_PID" 20
    gone "$r" || fail "the ready process $r outlives the service"
    # --time 1: the ready process (2 s) does not keep the service
    SOCK=$BATS_TEST_TMPDIR/idle.sock
    start_warren "$BATS_TEST_TMPDIR/service-idle.log" system service --time 1 "unix://$SOCK"
    SVC_PID=$BG_PID
    wait_for_file "$SOCK" 20
    api_expect 200 GET /_ping
    r=$(ready_worker)
    wait_for_exit "$SVC_PID" 20 || fail "the service did not exit when idle"
    [ "$(bg_status "$SVC_PID")" = 0 ]
    gone "$r" || fail "the ready process $r outlives the idle service"
    [ ! -e "$SOCK" ]
}

@test "ps and GET /containers/json: the brief listing shows labels, ports, networks, pod and health as inspect" {
    # guards: the listing reads a brief config (storage/ctrbrief.c), not each whole record
    local name=$(wt_name) net=wtnet$RANDOM pod=wtpod$RANDOM
    run_warren 0 network create "$net"
    run_warren 0 pod create --name "$pod"
    run_warren 0 create --name "$name" --label a=b --label c.d=e -p 8088:80 -p 9100-9101:9100-9101/udp \
        --network "$net" "$IMAGE" true
    run_warren 0 create --name "$name-p" --pod "$pod" --health-cmd true "$IMAGE" true
    run_warren 0 ps -a --filter "name=^$name" --format '{{.Names}}|{{.Labels}}|{{.Ports}}|{{.Pod}}'
    assert_line "$name|map[a:b c.d:e]|0.0.0.0:8088->80/tcp, 0.0.0.0:9100-9101->9100-9101/udp|"
    assert_line --regexp "^$name-p\|map\[\]\|\|[0-9a-f]{12}$"
    run_warren 0 ps -a --filter "network=$net" --format '{{.Names}}'
    assert_output "$name"
    run_warren 0 ps -a --filter "pod=$pod" --filter "name=$name" --format '{{.Names}}'
    assert_output "$name-p"
    run_warren 0 ps -a --filter label=c.d=e --format json
    jq -e --arg n "$name" --arg net "$net" 'length == 1 and .[0].Names == [$n] and .[0].Networks == [$net]
        and .[0].Labels == {"a": "b", "c.d": "e"} and (.[0].Ports | length) == 2' <<<"$output"
    api_start
    api_expect 200 GET "/containers/json?all=1&filters=%7B%22network%22%3A%5B%22$net%22%5D%7D"
    jq -e --arg n "/$name" --arg net "$net" 'length == 1 and .[0].Names == [$n]
        and (.[0].NetworkSettings.Networks | keys) == [$net] and (.[0].Ports | length) == 3' <<<"$output"
    run_warren 0 rm -f "$name" "$name-p"
    run_warren 0 pod rm -f "$pod"
    run_warren 0 network rm "$net"
}

@test "ps: a record whose config is not JSON is still listed (the whole records are read)" {
    local name=$(wt_name) other=$(wt_name)
    command -v sqlite3 >/dev/null || fail "needs the sqlite3 CLI (tests/deps.sh installs it)"
    run_warren 0 create --name "$name" --label x=y "$IMAGE" true
    run_warren 0 create --name "$other" "$IMAGE" true
    sqlite3 -cmd '.timeout 10000' "$WT_ROOT/warren.db" "UPDATE containers SET config = '{not json' WHERE name = '$name'"
    run_warren 0 ps -a --filter "name=$name" --filter "name=$other" --format '{{.Names}} {{.Status}}'
    assert_line "$name Created"
    assert_line "$other Created"
    run_warren 0 rm -f "$name" "$other"
}

@test "api ready process: a connection of reads only (ping, lists) leaves it ready for the next; one that changes something ends it" {
    # guards: issue 12 "docker ps with 100 containers at least 5 times faster": no fork per docker ps
    local name=$(wt_name) r i
    api_start
    api_expect 200 GET /_ping
    r=$(ready_worker)
    for i in 1 2 3; do
        # docker ps's requests on one connection, then docker images'
        run curl -sS -f --unix-socket "$SOCK" -o /dev/null -o /dev/null \
            "http://d/_ping" "http://d/v1.41/containers/json?all=1"
        assert_success
        run curl -sS -f --unix-socket "$SOCK" -o /dev/null "http://d/v1.41/images/json"
        assert_success
        assert_equal "$(ready_worker)" "$r"
    done
    # r is inside the user namespace now (the lists joined it): a remote
    # command (POST /warren/cli) goes back to the loop, which forks a
    # child from outside for it (from inside, unshare said "as root there
    # is no user namespace to enter")
    run timeout 60 "$WARREN" --url "unix://$SOCK" unshare id -u
    assert_success
    assert_output 0
    gone "$r" || fail "$r served a remote command and stayed"
    r=$(ready_worker)
    run curl -sS -f --unix-socket "$SOCK" -o /dev/null "http://d/v1.41/containers/json?all=1"
    assert_equal "$(ready_worker)" "$r"
    # a request outside the lists: its process ends with its connection
    api_expect 201 POST /v1.41/containers/create?name="$name" -H 'Content-Type: application/json' \
        -d "{\"Image\": \"$IMAGE\", \"Cmd\": [\"true\"]}"
    gone "$r" || fail "$r served a create and stayed"
    [ "$(ready_worker)" != "$r" ]
    # a bad request too
    r=$(ready_worker)
    run curl -sS --unix-socket "$SOCK" -o /dev/null -w '%{http_code}' -X GET "http://d/v1.41/containers/json?all=1" -H 'Content-Length: x'
    assert_output 400
    gone "$r" || fail "$r served a bad request and stayed"
    run_warren 0 rm "$name"
}
