#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # jq programs in single quotes; status/output come from bats
# Issue 12: `warren system service`, the Docker Engine API (v1.41) on a unix
# socket, driven with curl, the docker CLI and docker-py; shapes compared
# with `podman system service`.

load helpers
load registry
load api

teardown() {
    reg_stop
    wt_teardown
}

@test "system service: --help, bad flags and URIs exit 125 with one line" {
    # guards: issue 12 "warren system service [--time SECONDS] [URI]"
    run_warren 0 system service --help
    assert_output --partial "warren system service [-t, --time SECONDS] [URI]"
    assert_output --partial "LISTEN_FDS"
    run_warren 125 system service --time soon
    assert_last_error 'invalid argument "soon" for "-t, --time" flag'
    run_warren 125 system service --time 0 tcp://0.0.0.0:2375
    assert_last_error "only 127.0.0.1 is served"
    run_warren 125 system service --time 0 http://x
    assert_last_error "the URI must be unix:///PATH or tcp://127.0.0.1:PORT"
    run_warren 125 system service --time 0 unix://relative.sock
    assert_last_error "not an absolute path"
    run_warren 125 system service unix:///a unix:///b
    assert_last_error "accepts at most 1 arg(s), received 2"
}

@test "system service: socket 0600, a live one refused, a stale one replaced, SIGTERM removes it" {
    # guards: issue 12 "mode 0600 ... a stale socket replaced only if nobody listens; clean shutdown"
    api_start
    run stat -c %a "$SOCK"
    assert_output 600
    # a second service on the same socket: refused, the first one goes on
    run_warren 125 system service --time 0 "unix://$SOCK"
    assert_last_error "another service listens on '$SOCK'"
    api_expect 200 GET /_ping
    kill -TERM "$SVC_PID"
    wait_for_exit "$SVC_PID" 20 || fail "the service did not stop on SIGTERM"
    [ "$(bg_status "$SVC_PID")" = 0 ] || fail "SIGTERM: not a clean exit"
    [ ! -e "$SOCK" ] || fail "the socket is left after SIGTERM"
    # a socket nobody listens on (a killed service's) is replaced
    python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$SOCK"
    [ -S "$SOCK" ]
    api_start
    api_expect 200 GET /_ping
    # something that is no socket is never removed
    kill -TERM "$SVC_PID"
    wait_for_exit "$SVC_PID" 20
    echo data >"$SOCK"
    run_warren 125 system service --time 0 "unix://$SOCK"
    assert_last_error "'$SOCK' exists and is not a socket"
    assert_equal "$(cat "$SOCK")" data
}

@test "system service: the default socket is \$XDG_RUNTIME_DIR/warren/warren.sock" {
    [ -n "${XDG_RUNTIME_DIR:-}" ] || skip "XDG_RUNTIME_DIR is not set"
    [ "$(id -u)" != 0 ] || skip "rootless default (root's is /run/warren/warren.sock)"
    SOCK=$XDG_RUNTIME_DIR/warren/warren.sock
    [ ! -S "$SOCK" ] || skip "a service of this user runs already on $SOCK"
    start_warren "$BATS_TEST_TMPDIR/service.log" system service --time 0
    SVC_PID=$BG_PID
    wait_for_file "$SOCK" 20
    api_expect 200 GET /_ping
    kill -TERM "$SVC_PID"
    wait_for_exit "$SVC_PID" 20
    [ ! -e "$SOCK" ]
}

@test "system service: exits after --time idle seconds, never with a request in flight" {
    # guards: issue 12 "exits after the idle time (default 5 s, --time 0 never)"
    local name=$(wt_name)
    SOCK=$BATS_TEST_TMPDIR/idle.sock
    run_warren 0 run -d --name "$name" "$IMAGE" sleep 5
    start_warren "$BATS_TEST_TMPDIR/service.log" system service --time 2 "unix://$SOCK"
    SVC_PID=$BG_PID
    wait_for_file "$SOCK" 20
    # a wait of 5 s outlasts the idle time: the service stays for it. It is
    # the first request, at once (a ping before it could leave the wait later
    # than the idle time on a loaded machine: the service gone, connection
    # refused), and none follows it for the same reason
    api_expect 200 POST "/containers/$name/wait"
    assert_equal "$(jq -r .StatusCode <<<"$output")" 0
    wait_for_exit "$SVC_PID" 20 || fail "the service did not exit when idle"
    [ "$(bg_status "$SVC_PID")" = 0 ]
    [ ! -e "$SOCK" ]
}

@test "system service: a socket handed over by socket activation (LISTEN_FDS)" {
    command -v systemd-socket-activate >/dev/null || skip "no systemd-socket-activate (package systemd)"
    SOCK=$BATS_TEST_TMPDIR/activated.sock
    systemd-socket-activate -l "$SOCK" "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" \
        system service --time 0 </dev/null >"$BATS_TEST_TMPDIR/service.log" 2>&1 &
    SVC_PID=$!
    WT_BG_PIDS+=("$SVC_PID")
    wait_for_file "$SOCK" 20
    api_expect 200 GET /_ping
    api_expect 200 GET /containers/json
    # the handed-over socket is not the service's to remove
    kill -TERM "$SVC_PID"
    wait_for_exit "$SVC_PID" 20
}

@test "api: _ping, version, info; /v1.xx and /libpod prefixes; versions out of range" {
    # guards: issue 12 "the /_ping and /version handshake, versioned paths"
    api_start
    api_expect 200 GET /_ping
    assert_output OK
    run curl -sS -I --unix-socket "$SOCK" http://d/_ping
    assert_output --partial "HTTP/1.1 200 OK"
    assert_output --regexp $'Api-Version: 1.41\r'
    assert_output --regexp $'Ostype: linux\r'
    api_expect 200 GET /v1.41/version
    assert_equal "$(jq -r '[.ApiVersion, .MinAPIVersion, .Os, (.Components[0].Name)] | join(" ")' <<<"$output")" \
        "1.41 1.24 linux Engine"
    api_expect 200 GET /v1.30/info
    jq -e '.Images >= 1 and (.Containers | type) == "number" and .OSType == "linux" and .ServerVersion != ""' <<<"$output"
    api_expect 200 GET /v4.0.0/libpod/_ping
    api_expect 400 GET /v1.99/version
    assert_equal "$(jq -r .message <<<"$output")" \
        "client version 1.99 is too new. Maximum supported API version is 1.41"
    api_expect 400 GET /v1.12/version
    assert_output --partial "is too old"
}

@test "api: a container's life: create, inspect, list with filters, start, logs, stop, kill, restart, wait, remove" {
    # guards: issue 12 "Docker's JSON shapes and status codes (404 ..., 409 conflicts, 304 for no-op start/stop)"
    local name=$(wt_name) id
    api_start
    api_create "$name" '["sh","-c","echo out; echo err >&2; exec sleep 100"]' \
        '{Labels: {"wt.api": "yes"}, Env: ["A=b", "LEAK"], WorkingDir: "/tmp", HostConfig: {RestartPolicy: {Name: "no"}}}'
    id=$cid
    [ ${#id} = 64 ]
    # the same name again: 409
    api_expect 409 POST "/containers/create?name=$name" -d "$(create_body '["true"]')"
    assert_output --partial "already in use"
    api_expect 200 GET "/containers/$name/json"
    jq -e --arg id "$id" --arg n "/$name" \
        '.Id == $id and .Name == $n and .State.Status == "created" and (.Image | startswith("sha256:"))
         and .Config.Labels["wt.api"] == "yes" and (.Config.Env | index("A=b")) != null
         and ([.Config.Env[] | select(startswith("LEAK"))] | length) == 0 and .Config.WorkingDir == "/tmp"' <<<"$output"
    # created: only with all=1
    api_expect 200 GET "/containers/json"
    jq -e --arg id "$id" 'map(select(.Id == $id)) | length == 0' <<<"$output"
    api_expect 200 GET "/containers/json?all=1&filters=%7B%22label%22%3A%5B%22wt.api%3Dyes%22%5D%7D"
    jq -e --arg id "$id" --arg n "/$name" \
        'length == 1 and .[0].Id == $id and .[0].Names == [$n] and .[0].State == "created" and .[0].Status == "Created"' <<<"$output"
    api_expect 204 POST "/containers/$id/start"
    api_expect 304 POST "/containers/$id/start"
    api_expect 200 GET "/containers/json?filters=%7B%22status%22%3A%5B%22running%22%5D%7D"
    jq -e --arg id "$id" 'map(.Id) | index($id) != null' <<<"$output"
    api_expect 200 GET "/containers/json?filters=%7B%22name%22%3A%5B%22no-such-name-xyz%22%5D%7D"
    assert_output "[]"
    api_expect 400 GET "/containers/json?filters=%7B%22bogus%22%3A%5B%22x%22%5D%7D"
    assert_output --partial "bogus is an invalid filter"
    api_expect 409 DELETE "/containers/$id"
    assert_output --partial "You cannot remove a running container"
    api_expect 400 POST "/containers/$id/kill?signal=NOPE"
    api_expect 204 POST "/containers/$id/kill?signal=SIGKILL"
    api_expect 200 POST "/containers/$id/wait"
    assert_equal "$(jq -c . <<<"$output")" '{"Error":null,"StatusCode":137}'
    api_expect 409 POST "/containers/$id/kill"
    api_expect 304 POST "/containers/$id/stop"
    api_expect 204 POST "/containers/$id/restart?t=0"
    api_expect 200 GET "/containers/$id/json"
    jq -e '.State.Status == "running"' <<<"$output"
    api_expect 204 POST "/containers/$id/stop?t=0"
    api_expect 204 DELETE "/containers/$id"
    for p in "GET /containers/$id/json" "POST /containers/$id/start" "POST /containers/$id/stop" \
        "POST /containers/$id/kill" "POST /containers/$id/wait" "DELETE /containers/$id" \
        "GET /containers/$id/logs?stdout=1"; do
        # shellcheck disable=SC2086
        api_expect 404 $p
        assert_equal "$(jq -r .message <<<"$output")" "No such container: $id"
    done
    api_expect 404 POST "/containers/create" -d "$(jq -nc '{Image: "localhost/no-such-image:1"}')"
    assert_equal "$(jq -r .message <<<"$output")" "No such image: localhost/no-such-image:1"
}

@test "api: logs in Docker's multiplexed framing, raw with a tty; tail, timestamps, follow" {
    # guards: issue 12 "logs (multiplexed stream framing for non-tty, raw for tty, follow, tail, timestamps)"
    local name=$(wt_name)
    api_start
    # (apart in time: the log's order of two pipes written at once is the reader's)
    run_warren 0 run --name "$name" "$IMAGE" sh -c 'echo one; sleep 0.3; echo two >&2; sleep 0.3; echo three'
    api_expect 200 GET "/containers/$name/logs?stdout=1&stderr=1"
    # 1 = stdout, 2 = stderr, then a big-endian length
    run bash -c "curl -sS --unix-socket '$SOCK' 'http://d/containers/$name/logs?stdout=1&stderr=1' | od -An -c | tr -s ' ' | tr -d '\n'"
    assert_output " 001 \\0 \\0 \\0 \\0 \\0 \\0 004 o n e \\n 002 \\0 \\0 \\0 \\0 \\0 \\0 004 t w o \\n 001 \\0 \\0 \\0 \\0 \\0 \\0 006 t h r e e \\n"
    run bash -c "curl -sS --unix-socket '$SOCK' 'http://d/containers/$name/logs?stderr=1' | tail -c +9"
    assert_output "two"
    run bash -c "curl -sS --unix-socket '$SOCK' 'http://d/containers/$name/logs?stdout=1&tail=1' | tail -c +9"
    assert_output "three"
    run bash -c "curl -sS --unix-socket '$SOCK' 'http://d/containers/$name/logs?stdout=1&tail=1&timestamps=1' | tail -c +9"
    assert_output --regexp '^20[0-9-]{8}T[0-9:.]+(Z|[+-][0-9:]+) three$'
    api_expect 400 GET "/containers/$name/logs"
    assert_output --partial "you must choose at least one stream"
    api_expect 400 GET "/containers/$name/logs?stdout=1&tail=lots"
    # a tty: the bytes as they are
    run_warren 0 run -t --name "$name-t" "$IMAGE" echo tty
    run bash -c "curl -sS --unix-socket '$SOCK' 'http://d/containers/$name-t/logs?stdout=1' | od -An -c | tr -s ' '"
    assert_output --regexp '^ t t y'
    # follow: ends when the container does
    run_warren 0 run -d --name "$name-f" "$IMAGE" sh -c 'echo a; sleep 2; echo b'
    run bash -c "curl -sS --max-time 60 --unix-socket '$SOCK' 'http://d/containers/$name-f/logs?stdout=1&follow=1' | tr -d '\\000-\\011'"
    assert_output $'a\nb'
}

@test "api: images: list, inspect, remove with Docker's ids and codes" {
    # guards: issue 12 "images: list, inspect, ... remove"
    local tag=localhost/$(wt_name):api
    api_start
    run_warren 0 tag "$IMAGE" "$tag"
    track_image "$tag"
    api_expect 200 GET /images/json
    jq -e --arg t "$tag" --arg id "sha256:$IMAGE_ID" \
        'map(select(.Id == $id)) | length == 1 and (.[0].RepoTags | index($t)) != null and (.[0].Size > 0)' <<<"$output"
    # names with slashes and a tag in the path
    api_expect 200 GET "/images/$tag/json"
    jq -e --arg id "sha256:$IMAGE_ID" '.Id == $id and (.RepoTags | length) >= 2 and .Os == "linux"' <<<"$output"
    api_expect 200 GET "/v1.41/images/$IMAGE_ID/json"
    api_expect 404 GET "/images/localhost/no-such:image/json"
    assert_equal "$(jq -r .message <<<"$output")" "No such image: localhost/no-such:image"
    api_expect 200 DELETE "/images/$tag"
    assert_equal "$(jq -c . <<<"$output")" "[{\"Untagged\":\"$tag\"}]"
    api_expect 404 DELETE "/images/$tag"
    # used by a container: 409
    run_warren 0 tag "$IMAGE" "$tag"
    run_warren 0 create --name "$(wt_name)" "$tag" true
    run_warren 0 untag "$IMAGE" "$IMAGE"
    api_expect 409 DELETE "/images/$tag"
    run_warren 0 tag "$tag" "$IMAGE"
}

@test "api: hostile input: unknown path, wrong method, bad JSON, oversize body and header, bad chunking; the service goes on" {
    # guards: issue 12 "Bad input: malformed JSON, unknown fields, huge bodies ... a clear error status, the service keeps serving"
    api_start
    api_expect 404 GET /no/such/path
    assert_equal "$(jq -r .message <<<"$output")" "page not found"
    api_expect 405 POST /version
    api_expect 405 PUT /containers/json
    api_expect 400 POST /containers/create -d '{"Image": '
    assert_output --partial "invalid JSON body"
    api_expect 400 POST /containers/create -d '[1,2]'
    api_expect 400 POST /containers/create -d '{"Image": 7}'
    assert_output --partial "Image has the wrong type"
    api_expect 400 POST /containers/create -d "$(jq -nc --arg i "$IMAGE" '{Image: $i, Cmd: [1]}')"
    api_expect 400 POST /containers/create -d "$(jq -nc --arg i "$IMAGE" '{Image: $i, HostConfig: {Binds: "x"}}')"
    api_expect 400 POST /containers/create -d '{}'
    assert_output --partial "Image is required"
    # 5 MiB body: 413 before it is read
    head -c $((5 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >"$BATS_TEST_TMPDIR/big"
    api_expect 413 POST /containers/create --data-binary @"$BATS_TEST_TMPDIR/big"
    api_expect 413 POST /containers/create -H 'Content-Length: 99999999999999999999999'
    # a 40 KiB header: 431 (Go's net/http, Docker's and Podman's server, says the same)
    api_expect 431 GET /_ping -H "X-Big: $(head -c 40000 /dev/zero | tr '\0' 'b')"
    raw() { printf '%b' "$1" | timeout 20 python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(sys.stdin.buffer.read())
s.shutdown(socket.SHUT_WR); print(s.makefile("rb").readline().decode().strip())' "$SOCK"; }
    run raw 'POST /containers/create HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'
    assert_output "HTTP/1.1 400 Bad Request"
    run raw 'POST /containers/create HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n'
    assert_output "HTTP/1.1 400 Bad Request"
    run raw 'POST /containers/create HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\n\r\n1000000\r\n'
    assert_output "HTTP/1.1 413 Request Entity Too Large"
    run raw 'POST /x HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc'
    assert_output "HTTP/1.1 400 Bad Request"
    run raw 'POST /x HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc'
    assert_output "HTTP/1.1 400 Bad Request"
    run raw 'GET /_ping HTTP/1.1\r\n Folded: x\r\n\r\n'
    assert_output "HTTP/1.1 400 Bad Request"
    run raw 'GET /_ping HTTP/2.0\r\n\r\n'
    assert_output "HTTP/1.1 505 HTTP Version Not Supported"
    run raw 'garbage\r\n\r\n'
    assert_output "HTTP/1.1 400 Bad Request"
    run raw 'GET /%zz HTTP/1.1\r\n\r\n'
    assert_output "HTTP/1.1 400 Bad Request"
    # a chunked body that is fine (then the fields are checked), and two requests on one connection
    api_expect 400 POST /containers/create -H 'Transfer-Encoding: chunked' -d '{}'
    assert_output --partial "Image is required"
    run raw 'GET /_ping HTTP/1.1\r\n\r\nGET /_ping HTTP/1.1\r\n\r\n'
    assert_output "HTTP/1.1 200 OK"
    # a client that leaves in the middle of a follow
    run_warren 0 run -d --name "$(wt_name)" "$IMAGE" sleep 100
    timeout 1 curl -sS --unix-socket "$SOCK" "http://d/containers/$output/logs?stdout=1&follow=1" >/dev/null || true
    api_expect 200 GET /_ping
    kill -0 "$SVC_PID"
}

@test "api: the docker CLI runs, lists, logs, inspects, stops and removes containers; run keeps the exit code" {
    # guards: issue 12 "the docker CLI ... for run, run --rm exit codes, logs, ps/images"
    local name=$(wt_name)
    api_start
    run docker_cli version --format '{{.Server.APIVersion}} {{.Server.Os}}'
    assert_output "1.41 linux"
    run docker_cli run --name "$name" "$IMAGE" sh -c 'echo hello; exit 3'
    assert_equal "$status" 3
    assert_output hello
    # --rm: the container is gone when the wait answers; the code comes from the event log
    run docker_cli run --rm "$IMAGE" sh -c 'exit 4'
    assert_equal "$status" 4
    run docker_cli run -d --name "$name-d" -l wt=api "$IMAGE" sh -c 'echo ready; exec sleep 100'
    assert_success
    local id=$output
    run docker_cli ps --filter label=wt=api --format '{{.Names}} {{.State}}'
    assert_output "$name-d running"
    run docker_cli ps -a --filter "name=$name" --format '{{.Names}}'
    assert_line "$name"
    assert_line "$name-d"
    run docker_cli logs "$name-d"
    assert_output ready
    run docker_cli inspect -f '{{.Id}} {{.State.Running}} {{.Config.Tty}}' "$name-d"
    assert_output "$id true false"
    run docker_cli images --format '{{.Repository}}:{{.Tag}}'
    assert_line "$IMAGE"
    run docker_cli image inspect -f '{{.Id}}' "$IMAGE"
    assert_output "sha256:$IMAGE_ID"
    run docker_cli stop -t 0 "$name-d"
    assert_success
    run docker_cli wait "$name-d"
    assert_output 137
    run docker_cli rm "$name" "$name-d"
    assert_success
    run docker_cli inspect "$name"
    assert_failure
    assert_output --partial "No such"
    run_warren 0 ps -a --filter "name=$name" --format '{{.Names}}'
    assert_output ""
}

@test "api: docker-py creates, starts, waits for, reads and removes a container" {
    # guards: issue 12 "docker-py (python3-docker)"
    /usr/bin/python3 -c 'import docker' 2>/dev/null || skip "no docker-py (package python3-docker)"
    local name=$(wt_name)
    api_start
    run timeout 120 /usr/bin/python3 - "$SOCK" "$IMAGE" "$name" <<'EOF'
import sys, docker
sock, image, name = sys.argv[1:]
c = docker.DockerClient(base_url="unix://" + sock, version="1.41")
assert c.ping()
print("version", c.version()["ApiVersion"])
ctr = c.containers.run(image, ["sh", "-c", "echo py; exit 5"], name=name, detach=True)
print("wait", c.api.wait(ctr.id)["StatusCode"])
print("logs", ctr.logs().decode().strip())
ctr.reload()
print("status", ctr.status, ctr.name == name)
print("list", [x.name for x in c.containers.list(all=True, filters={"name": name})])
print("image", c.images.get(image).id.startswith("sha256:"))
ctr.remove()
try:
    c.containers.get(name)
except docker.errors.NotFound as e:
    print("gone", e.status_code)
EOF
    assert_success
    assert_output $'version 1.41\nwait 5\nlogs py\nstatus exited True\nlist [\''"$name"$'\']\nimage True\ngone 404'
}

@test "api: the shapes match podman system service's (ping headers, version, containers, errors)" {
    # guards: issue 12 "Docker's JSON shapes" (podman's compat API is the reference)
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    local name=$(wt_name) psock=$BATS_TEST_TMPDIR/podman.sock
    api_start
    pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
    pm system service --time 0 "unix://$psock" </dev/null >"$BATS_TEST_TMPDIR/podman.log" 2>&1 &
    WT_BG_PIDS+=($!)
    wait_for_file "$psock" 60
    for s in "$SOCK" "$psock"; do
        curl -sS --unix-socket "$s" -X POST -H 'Content-Type: application/json' \
            -d "$(create_body '["sleep","100"]')" "http://d/v1.41/containers/create?name=$name" >/dev/null
        curl -sS --unix-socket "$s" -X POST "http://d/v1.41/containers/$name/start"
    done
    keys() { # the sorted top-level keys of what curl returns for $2 on socket $1
        curl -sS --unix-socket "$1" "http://d$2" | jq -c "${3:-.} | keys"
    }
    assert_equal "$(curl -sSI --unix-socket "$SOCK" http://d/_ping | grep -ci '^api-version: 1.41')" 1
    assert_equal "$(curl -sSI --unix-socket "$psock" http://d/_ping | grep -ci '^api-version: 1.41')" 1
    # every key podman's answers have, ours have too
    local k want ours missing="" q="/containers/json?filters=%7B%22name%22%3A%5B%22$name%22%5D%7D"
    for p in "/version" "$q .[0]" "/containers/$name/json" "/containers/$name/json .State" \
        "/containers/$name/json .Config" "/info"; do
        # shellcheck disable=SC2086
        want=$(keys "$psock" $p)
        # shellcheck disable=SC2086
        ours=$(keys "$SOCK" $p)
        # podman 4.3's list entries carry its create config too, and its /info
        # its own keys (BuildahVersion, Uptime), which Docker's do not; Docker
        # has no State.Health without a healthcheck (docker-compose prints
        # "Up ()" for Podman's empty one)
        run jq -nc --argjson w "$want" --argjson o "$ours" \
            '$w - $o - ["AdjustCPUShares", "Config", "Name", "NetworkingConfig", "Platform",
                        "BuildahVersion", "Uptime", "Health"]'
        echo "keys of $p missing: $output"
        missing+=$output
    done
    assert_equal "$missing" "[][][][][][]"
    # the same values where both can be compared
    local f
    for f in '.[0].Names' '.[0].State' '.[0].Command'; do
        assert_equal "$(curl -sS --unix-socket "$SOCK" "http://d/containers/json?filters=%7B%22name%22%3A%5B%22$name%22%5D%7D" | jq -c "$f")" \
            "$(curl -sS --unix-socket "$psock" "http://d/containers/json?filters=%7B%22name%22%3A%5B%22$name%22%5D%7D" | jq -c "$f")"
    done
    for f in '.Name' '.State.Status' '.State.Running' '.Config.Cmd' '.Config.Tty' '(.Image | startswith("sha256:"))'; do
        assert_equal "$(curl -sS --unix-socket "$SOCK" "http://d/containers/$name/json" | jq -c "$f")" \
            "$(curl -sS --unix-socket "$psock" "http://d/containers/$name/json" | jq -c "$f")"
    done
    # errors: the same status, a message
    for s in "$SOCK" "$psock"; do
        run curl -sS --unix-socket "$s" -o "$BATS_TEST_TMPDIR/err" -w '%{http_code}' \
            http://d/containers/no-such-ctr-xyz/json
        assert_output 404
        jq -e '.message | test("no-such-ctr-xyz")' "$BATS_TEST_TMPDIR/err"
        run curl -sS --unix-socket "$s" -o /dev/null -w '%{http_code}' -X POST "http://d/containers/$name/start"
        assert_output 304
        curl -sS --unix-socket "$s" -X DELETE "http://d/containers/$name?force=1" >/dev/null
    done
    pm_cleanup
}

@test "api: POST /images/create pulls with Docker's progress stream; the docker CLI pulls through it" {
    # guards: issue 12 "pull (/images/create with Docker's progress JSON)"
    use_private_store
    reg_start plain
    reg_push "$REGFIX_LAYERS" layers:latest
    export CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf
    printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$REG" >"$CONTAINERS_REGISTRIES_CONF"
    api_start
    api_expect 400 POST "/images/create"
    assert_equal "$(jq -r .message <<<"$output")" "fromImage is required"
    api_expect 200 POST "/images/create?fromImage=$REG/layers&tag=latest"
    jq -e -s --arg n "$REG/layers:latest" \
        'map(select(.status == "Pull complete")) | length >= 2' <<<"$output"
    jq -e -s --arg n "$REG/layers:latest" \
        '.[-1].status == "Status: Downloaded newer image for \($n)"' <<<"$output"
    jq -e -s 'map(select(.status == "Downloading")) | all(.progressDetail.total > 0)' <<<"$output"
    jq -e -s --arg d "Digest: $REGFIX_LAYERS_DIGEST" 'map(select(.status == $d)) | length == 1' <<<"$output"
    api_expect 200 GET "/images/$REG/layers:latest/json"
    assert_equal "$(jq -r .Id <<<"$output")" "$REGFIX_LAYERS_ID"
    # again: every layer is there already
    api_expect 200 POST "/images/create?fromImage=$REG/layers:latest"
    jq -e -s 'map(select(.status == "Already exists")) | length >= 2' <<<"$output"
    # a failure after the head: Docker's error object
    api_expect 200 POST "/images/create?fromImage=$REG/no-such-repo&tag=1"
    jq -e -s '.[-1].error != null and .[-1].errorDetail.message == .[-1].error' <<<"$output"
    run_warren 0 rmi "$REG/layers:latest"
    run docker_cli pull "$REG/layers:latest"
    assert_success
    run_warren 0 image exists "$REG/layers:latest"
}

@test "api: create's HostConfig: Binds, PortBindings, NetworkMode, RestartPolicy, AutoRemove; User, Entrypoint, Tty" {
    # guards: issue 12 "create (the full HostConfig: binds, port bindings, network mode, restart policy, ...)"
    local name=$(wt_name) dir=$BATS_TEST_TMPDIR/bind port
    mkdir -p "$dir"
    echo from-host >"$dir/file"
    chmod -R a+rX "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    api_start
    api_create "$name" '["/data/file"]' "$(jq -nc --arg b "$dir:/data:ro" --arg p "$port" \
        '{Entrypoint: ["cat"], User: "1:1", Tty: true,
          HostConfig: {Binds: [$b], PortBindings: {"80/tcp": [{HostIp: "127.0.0.1", HostPort: $p}]},
                       RestartPolicy: {Name: "on-failure", MaximumRetryCount: 2}}}')"
    api_expect 200 GET "/containers/$name/json"
    jq -e --arg b "$dir:/data:ro" --arg p "$port" \
        '.Config.User == "1:1" and .Config.Tty == true and (.Config.Entrypoint | tostring | test("cat"))
         and (.HostConfig.Binds[0] | startswith($b))
         and .HostConfig.PortBindings["80/tcp"][0].HostPort == $p
         and .HostConfig.RestartPolicy.Name == "on-failure" and .HostConfig.RestartPolicy.MaximumRetryCount == 2' <<<"$output"
    api_expect 204 POST "/containers/$name/start"
    api_expect 200 POST "/containers/$name/wait"
    assert_equal "$(jq -r .StatusCode <<<"$output")" 0
    # a tty: the log is the raw bytes (cat's output through the pty)
    run curl -sS --unix-socket "$SOCK" "http://d/containers/$name/logs?stdout=1"
    assert_output --regexp '^from-host'
    # NetworkMode none, AutoRemove: gone after it ran
    api_create "$name-rm" '["true"]' '{HostConfig: {NetworkMode: "none", AutoRemove: true}}'
    api_expect 200 GET "/containers/$name-rm/json"
    jq -e '.HostConfig.NetworkMode == "none" and .HostConfig.AutoRemove == true' <<<"$output"
    # the wait before the start, as docker run does (an --rm container may be gone first)
    curl -sS --max-time 60 --unix-socket "$SOCK" -X POST -o "$BATS_TEST_TMPDIR/wait" \
        -D "$BATS_TEST_TMPDIR/wait.head" "http://d/containers/$name-rm/wait?condition=removed" &
    local wpid=$!
    # its head comes as soon as the service has found the container (curl makes the
    # file at once, empty)
    local i
    for ((i = 0; i < 200; i++)); do
        [ -s "$BATS_TEST_TMPDIR/wait.head" ] && break
        sleep 0.1
    done
    grep -q '^HTTP/1.1 200' "$BATS_TEST_TMPDIR/wait.head"
    api_expect 204 POST "/containers/$name-rm/start"
    wait "$wpid"
    assert_equal "$(jq -r .StatusCode "$BATS_TEST_TMPDIR/wait")" 0
    api_expect 404 GET "/containers/$name-rm/json"
    # conflicts and bad values: 400 with the CLI's words
    api_expect 400 POST "/containers/create" -d "$(create_body '["true"]' '{HostConfig: {AutoRemove: true, RestartPolicy: {Name: "always"}}}')"
    api_expect 400 POST "/containers/create" -d "$(create_body '["true"]' '{HostConfig: {Binds: ["/tmp:/"]}}')"
    api_expect 400 POST "/containers/create" -d "$(create_body '["true"]' '{HostConfig: {RestartPolicy: {Name: "sometimes"}}}')"
}

@test "api: image tag and container pause/unpause, also through the docker CLI" {
    # guards: issue 12 "images: ... tag", "containers: ... pause/unpause"
    local name=$(wt_name) tag=localhost/$(wt_name)
    api_start
    api_expect 400 POST "/images/$IMAGE/tag"
    api_expect 404 POST "/images/localhost/no-such:x/tag?repo=$tag&tag=a"
    api_expect 201 POST "/images/$IMAGE/tag?repo=$tag&tag=a"
    track_image "$tag:a" "$tag:b"
    run_warren 0 image inspect --format '{{.Id}}' "$tag:a"
    assert_output "$IMAGE_ID"
    run docker_cli tag "$IMAGE" "$tag:b"
    assert_success
    run_warren 0 image exists "$tag:b"
    run_warren 0 run -d --name "$name" "$IMAGE" sleep 100
    api_expect 409 POST "/containers/$name/unpause"
    assert_output --partial "is not paused"
    api "POST" "/containers/$name/pause"
    [ "$code" != 500 ] || skip "pause needs a cgroup of the container's own: $output"
    [ "$code" = 204 ] || fail "pause: $code $output"
    api_expect 200 GET "/containers/$name/json"
    jq -e '.State.Paused == true and .State.Status == "paused"' <<<"$output"
    api_expect 409 POST "/containers/$name/pause"
    run docker_cli unpause "$name"
    assert_success
    run_warren 0 inspect --format '{{.State.Paused}}' "$name"
    assert_output false
}

@test "api: 60 clients at once are all served; a slow one holds up nobody" {
    # guards: issue 12 "long requests ... do not block others"
    local name=$(wt_name) pids=() i
    api_start
    run_warren 0 run -d --name "$name" "$IMAGE" sleep 100
    # a client that sends half a request and waits
    python3 -c 'import socket,sys,time; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"GET /_ping HTTP/1.1\r\n"); time.sleep(60)' "$SOCK" &
    WT_BG_PIDS+=($!)
    # a follow that lasts
    curl -sS --unix-socket "$SOCK" "http://d/containers/$name/logs?stdout=1&follow=1" >/dev/null &
    WT_BG_PIDS+=($!)
    for ((i = 0; i < 60; i++)); do
        curl -sS --max-time 60 --unix-socket "$SOCK" -o "$BATS_TEST_TMPDIR/ps.$i" "http://d/containers/json" &
        pids+=($!)
    done
    for i in "${pids[@]}"; do
        wait "$i"
    done
    for ((i = 0; i < 60; i++)); do
        jq -e --arg n "/$name" 'map(.Names[0]) | index($n) != null' "$BATS_TEST_TMPDIR/ps.$i" >/dev/null ||
            fail "client $i: $(cat "$BATS_TEST_TMPDIR/ps.$i")"
    done
}

@test "api: /events in Docker's shape: since/until, filters, a live stream; the docker CLI reads them" {
    # guards: issue 12 "system: ... /events (stream with filters)"
    local name=$(wt_name) t0 t1 i
    api_start
    # a live stream first: it sees what comes next
    curl -sSN --max-time 120 --unix-socket "$SOCK" -o "$BATS_TEST_TMPDIR/stream" \
        "http://d/events?filters=%7B%22container%22%3A%5B%22$name%22%5D%7D" &
    WT_BG_PIDS+=($!)
    local spid=$!
    t0=$(date +%s)
    run_warren 2 run --name "$name" "$IMAGE" sh -c 'exit 2'
    t1=$(($(date +%s) + 1))
    api_expect 200 GET "/events?since=$t0&until=$t1&filters=%7B%22event%22%3A%5B%22die%22%5D%7D"
    jq -e -s --arg n "$name" 'map(select(.Actor.Attributes.name == $n)) | length == 1 and
        (.[0] | .status == "die" and .Action == "die" and .Type == "container" and
         .Actor.Attributes.exitCode == "2" and (.timeNano / 1000000000 | floor) == .time)' <<<"$output"
    api_expect 400 GET "/events?filters=%7B%22bogus%22%3A%5B%22x%22%5D%7D"
    api_expect 400 GET "/events?since=yesterday"
    run docker_cli events --since "$t0" --until "$t1" --filter "container=$name" --format '{{.Action}}'
    assert_output $'create\nstart\ndie'
    for ((i = 0; i < 200; i++)); do
        grep -q '"die"' "$BATS_TEST_TMPDIR/stream" 2>/dev/null && break
        sleep 0.1
    done
    assert_equal "$(jq -r -s 'map(.Action) | join(" ")' "$BATS_TEST_TMPDIR/stream")" "create start die"
    # the client leaves: the service goes on
    kill "$spid"
    api_expect 200 GET /_ping
}

@test "system service: tcp://127.0.0.1:PORT is served with a warning" {
    # guards: issue 12 "tcp:// on request, with a warning"
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    start_warren "$BATS_TEST_TMPDIR/service.log" system service --time 0 "tcp://127.0.0.1:$port"
    local i
    for ((i = 0; i < 100; i++)); do
        curl -sS --max-time 5 "http://127.0.0.1:$port/_ping" >/dev/null 2>&1 && break
        sleep 0.1
    done
    run curl -sS --max-time 20 "http://127.0.0.1:$port/v1.41/_ping"
    assert_output OK
    grep -q "every local user can use it" "$BATS_TEST_TMPDIR/service.log"
    kill -TERM "$BG_PID"
    wait_for_exit "$BG_PID" 20
}
