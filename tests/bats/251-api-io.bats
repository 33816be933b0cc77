#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # jq programs in single quotes; status/output come from bats
# Issue 12: the API's hijacked connections: attach with stdin, run -i and
# -it, resize, exec (create, start attached and detached, resize,
# inspect), through the docker CLI, docker-py and raw requests.

load helpers
load api

teardown() {
    wt_teardown
}

@test "api: docker run -i pipes stdin; run --rm keeps the exit code; start -a" {
    # guards: issue 12 "attach over a hijacked connection", "docker run --rm IMAGE sh -c 'exit 3'"
    api_start
    run docker_cli run --rm -i "$IMAGE" sh -c 'tr a-z A-Z; echo err >&2; exit 7' <<<"hello api"
    [ "$status" -eq 7 ] || fail "status $status: $output"
    assert_output $'HELLO API\nerr'
    run docker_cli run --rm "$IMAGE" sh -c 'exit 3'
    [ "$status" -eq 3 ] || fail "status $status: $output"
    # stdout and stderr stay apart (the multiplexed framing)
    run --separate-stderr docker_cli run --rm "$IMAGE" sh -c 'echo out; echo err >&2'
    assert_success
    assert_output out
    [ "$stderr" = err ] || fail "stderr: $stderr"
    # stdin is the CLI's: a long input arrives whole
    seq 1 20000 >"$BATS_TEST_TMPDIR/in"
    run docker_cli run --rm -i "$IMAGE" wc -l <"$BATS_TEST_TMPDIR/in"
    assert_success
    assert_output 20000
    local name=$(wt_name)
    run docker_cli create -i --name "$name" "$IMAGE" cat
    assert_success
    run docker_cli start -ai "$name" <<<"again"
    assert_success
    assert_output again
}

@test "api: docker run -it through a pty: a terminal, the size, the exit code" {
    # guards: issue 12 "run -it through a pty"
    command -v script >/dev/null || skip "no script(1) (package bsdutils)"
    api_start
    # script gives the CLI a terminal of 30x100; the input ends the shell
    run timeout 60 script -qec "stty rows 30 cols 100; DOCKER_HOST=unix://$SOCK $DOCKER run --rm -it $IMAGE sh -c 'until [ \"\$(stty size)\" = \"30 100\" ]; do sleep 0.1; done; echo sized; tty; read x; echo got \$x; exit 5'" /dev/null <<<"typed"
    [ "$status" -eq 5 ] || fail "status $status: $output"
    assert_output --partial "sized"
    assert_output --partial "/dev/pts/"
    assert_output --partial "got typed"
}

@test "api: attach to a running container with stdin; resize; bad input" {
    # guards: issue 12 "attach over a hijacked connection", "resize"
    local name=$(wt_name)
    api_start
    run docker_cli run -d -i --name "$name" "$IMAGE" sh -c 'while read l; do echo "r:$l"; done'
    assert_success
    # raw request: the 101 upgrade, then stdin in and framed output out
    run timeout 30 python3 - "$SOCK" "$name" <<'EOF'
import socket, sys, struct
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(("POST /v1.41/containers/%s/attach?stream=1&stdin=1&stdout=1&stderr=1 HTTP/1.1\r\n"
           "Host: d\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n" % sys.argv[2]).encode())
head = b""
while b"\r\n\r\n" not in head:
    head += s.recv(1)
print(head.split(b"\r\n")[0].decode())
s.sendall(b"line1\n")
hdr = b""
while len(hdr) < 8:
    hdr += s.recv(8 - len(hdr))
kind, n = struct.unpack(">BxxxI", hdr)
data = b""
while len(data) < n:
    data += s.recv(n - len(data))
print(kind, data.decode().strip())
s.close()
EOF
    assert_success
    assert_output $'HTTP/1.1 101 UPGRADED\n1 r:line1'
    # the client that left did not stop it, nor the service
    run docker_cli inspect -f '{{.State.Running}}' "$name"
    assert_output true
    # resize: a container without a tty takes it; bad sizes are 400
    api_expect 200 POST "/v1.41/containers/$name/resize?h=20&w=80"
    api_expect 400 POST "/v1.41/containers/$name/resize?h=x&w=80"
    assert_output --partial "h and w must be numbers"
    api_expect 400 POST "/v1.41/containers/$name/resize?w=80"
    api_expect 404 POST "/v1.41/containers/nosuch/resize?h=1&w=1"
    assert_output '{"message":"No such container: nosuch"}'
    api_expect 404 POST "/v1.41/containers/nosuch/attach?stream=1&stdout=1"
    api_expect 400 POST "/v1.41/containers/$name/attach?stdout=1"
    run docker_cli rm -f "$name"
    assert_success
    api_expect 200 GET /_ping
}

@test "api: docker exec, exec -i, exec -it, exec -d; exit codes; exec inspect" {
    # guards: issue 12 "exec: create, start (hijacked, detach), resize, inspect with exit code"
    command -v script >/dev/null || skip "no script(1) (package bsdutils)"
    local name=$(wt_name)
    api_start
    run docker_cli run -d --name "$name" "$IMAGE" sleep 1000
    assert_success
    run docker_cli exec "$name" sh -c 'echo in $(hostname); exit 4'
    [ "$status" -eq 4 ] || fail "status $status: $output"
    assert_output --partial "in "
    run --separate-stderr docker_cli exec -e A=b -w /tmp "$name" sh -c 'echo $A $PWD; echo e >&2'
    assert_success
    assert_output "b /tmp"
    [ "$stderr" = e ] || fail "stderr: $stderr"
    run docker_cli exec -i "$name" tr a-z A-Z <<<"piped"
    assert_success
    assert_output PIPED
    # the CLI resizes once the exec runs (API 1.41 has no initial size)
    run timeout 60 script -qec "stty rows 25 cols 90; DOCKER_HOST=unix://$SOCK docker exec -it $name sh -c 'tty; until [ \"\$(stty size)\" = \"25 90\" ]; do sleep 0.1; done; echo sized; exit 6'" /dev/null </dev/null
    [ "$status" -eq 6 ] || fail "status $status: $output"
    assert_output --partial "/dev/pts/"
    assert_output --partial "sized"
    run docker_cli exec -d "$name" sh -c 'echo detached >/tmp/d'
    assert_success
    run docker_cli exec "$name" sh -c 'while [ ! -s /tmp/d ]; do sleep 0.1; done; cat /tmp/d'
    assert_output detached
    # a command that does not exist: 127, as docker's
    run -127 docker_cli exec "$name" /nonexistent
    assert_output --partial "/nonexistent"
    # the raw endpoints: create, start (not upgraded), inspect
    api_expect 201 POST "/v1.41/containers/$name/exec" -H 'Content-Type: application/json' \
        -d '{"Cmd":["sh","-c","echo raw; exit 2"],"AttachStdout":true}'
    local eid=$(jq -r .Id <<<"$output")
    api_expect 200 GET "/v1.41/exec/$eid/json"
    run jq -c '[.Running, .ExitCode, .ProcessConfig.entrypoint, .ProcessConfig.arguments, .OpenStdout, .Pid]' <<<"$output"
    assert_output '[false,null,"sh",["-c","echo raw; exit 2"],true,0]'
    api_expect 200 POST "/v1.41/exec/$eid/start" -H 'Content-Type: application/json' -d '{}'
    [ "$(tail -c 4 <<<"$output")" = "raw" ] || fail "output: $output"
    # started twice: 409; resize of an exec without a tty: 200
    api_expect 409 POST "/v1.41/exec/$eid/start" -H 'Content-Type: application/json' -d '{}'
    api_expect 200 POST "/v1.41/exec/$eid/resize?h=10&w=10"
    api_expect 200 GET "/v1.41/exec/$eid/json"
    run jq -c '[.Running, .ExitCode, .ContainerID == "'"$(docker_cli inspect -f '{{.Id}}' "$name")"'", .Pid > 0]' <<<"$output"
    assert_output '[false,2,true,true]'
    # seen ended: its record is gone
    api_expect 404 GET "/v1.41/exec/$eid/json"
    api_expect 201 POST "/v1.41/containers/$name/exec" -d '{"Cmd":["true"]}'
    eid=$(jq -r .Id <<<"$output")
    # bad input
    api_expect 400 POST "/v1.41/containers/$name/exec" -d '{"Cmd":[]}'
    assert_output '{"message":"No exec command specified"}'
    api_expect 400 POST "/v1.41/containers/$name/exec" -d '{"Cmd":["true"],"Tty":"yes"}'
    assert_output --partial "Tty has the wrong type"
    api_expect 400 POST "/v1.41/containers/$name/exec" -d '{"Cmd":'
    api_expect 404 POST "/v1.41/containers/nosuch/exec" -d '{"Cmd":["true"]}'
    assert_output '{"message":"No such container: nosuch"}'
    api_expect 404 GET "/v1.41/exec/nosuch/json"
    assert_output '{"message":"No such exec instance: nosuch"}'
    api_expect 404 POST "/v1.41/exec/../../etc/start" -d '{}'
    api_expect 404 POST "/v1.41/exec/nosuch/resize?h=1&w=1"
    api_expect 400 POST "/v1.41/exec/$eid/resize?h=-1&w=1"
    api_expect 400 POST "/v1.41/exec/$eid/start" -d '{"Detach":1}'
    run docker_cli stop -t 0 "$name"
    api_expect 409 POST "/v1.41/containers/$name/exec" -d '{"Cmd":["true"]}'
    assert_output --partial "is not running"
    api_expect 409 POST "/v1.41/exec/$eid/start" -d '{}'
}

@test "api: docker-py exec_run and attach_socket; a client that leaves mid-exec" {
    # guards: issue 12 "a client that disconnects mid-stream: the service keeps serving"
    /usr/bin/python3 -c 'import docker' 2>/dev/null || skip "no docker-py (package python3-docker)"
    local name=$(wt_name)
    api_start
    run timeout 120 /usr/bin/python3 - "$SOCK" "$IMAGE" "$name" <<'EOF'
import sys, socket, docker
sock, image, name = sys.argv[1:]
c = docker.DockerClient(base_url="unix://" + sock, version="1.41")
ctr = c.containers.run(image, ["sleep", "1000"], name=name, detach=True)
r = ctr.exec_run(["sh", "-c", "echo py-exec; exit 9"])
print("exec", r.exit_code, r.output.decode().strip())
r = ctr.exec_run(["sh", "-c", "echo o; echo e >&2"], demux=True)
print("demux", r.output[0].decode().strip(), r.output[1].decode().strip())
# leave in the middle of a long exec: the service goes on
e = c.api.exec_create(ctr.id, ["sh", "-c", "echo start; sleep 1000"])
s = c.api.exec_start(e["Id"], socket=True)
s._sock.recv(100)
s._sock.close()
print("after", ctr.exec_run(["echo", "still"]).output.decode().strip())
ctr.remove(force=True)
EOF
    assert_success
    assert_output $'exec 9 py-exec\ndemux o e\nafter still'
}

@test "api: exec records go once inspected ended, with their container, and stale ones at the service's start" {
    # guards: the brief of issue 12's exec follow-up: <runroot>/exec/<ctr>/api/ never grew without end
    local name=$(wt_name) cid dir
    api_start
    run docker_cli run -d --name "$name" "$IMAGE" sleep 1000
    assert_success
    cid=$output
    dir=$WT_RUNROOT/exec/$cid/api
    # docker exec: start, then the inspect that reads the exit code: nothing left
    run docker_cli exec "$name" sh -c 'exit 5'
    assert_failure 5
    run ls -A "$dir"
    assert_output ""
    # docker-py inspects too
    if /usr/bin/python3 -c 'import docker' 2>/dev/null; then
        run timeout 120 /usr/bin/python3 -c 'import sys, docker
c = docker.DockerClient(base_url="unix://" + sys.argv[1], version="1.41")
print(c.containers.get(sys.argv[2]).exec_run(["sh", "-c", "exit 7"]).exit_code)' "$SOCK" "$name"
        assert_output 7
        run ls -A "$dir"
        assert_output ""
    fi
    # a detached one, inspected after it ended (its code is unknown: null)
    api_expect 201 POST "/v1.41/containers/$name/exec" -d '{"Cmd":["true"]}'
    local det=$(jq -r .Id <<<"$output")
    api_expect 200 POST "/v1.41/exec/$det/start" -H 'Content-Type: application/json' -d '{"Detach":true}'
    local i
    for ((i = 0; i < 100; i++)); do
        api_expect 200 GET "/v1.41/exec/$det/json"
        [ "$(jq -r .Running <<<"$output")" = false ] && break
        sleep 0.1
    done
    api_expect 404 GET "/v1.41/exec/$det/json"
    # still running when inspected: kept
    api_expect 201 POST "/v1.41/containers/$name/exec" -d '{"Cmd":["sleep","1000"]}'
    local long=$(jq -r .Id <<<"$output")
    api_expect 200 POST "/v1.41/exec/$long/start" -H 'Content-Type: application/json' -d '{"Detach":true}'
    api_expect 200 GET "/v1.41/exec/$long/json"
    assert_equal "$(jq -r .Running <<<"$output")" true
    api_expect 200 GET "/v1.41/exec/$long/json"
    # created, never started: kept until the container goes
    api_expect 201 POST "/v1.41/containers/$name/exec" -d '{"Cmd":["true"]}'
    local idle=$(jq -r .Id <<<"$output")
    run ls "$dir"
    assert_output "$(printf '%s\n' "$idle" "$long" | sort)"
    # stale records of an earlier service: a gone container's, the old
    # layout's, one whose service died mid-exec (its process too)
    local gone=$WT_RUNROOT/exec/$(printf 'f%.0s' {1..64})/api fake=$(printf 'a%.0s' {1..64})
    mkdir -p "$gone" "$WT_RUNROOT/api-exec"
    echo '{}' >"$gone/$fake"
    echo '{}' >"$WT_RUNROOT/api-exec/$fake"
    jq -nc --arg id "$fake" --arg c "$cid" '{ID: $id, ContainerID: $c, Cmd: ["true"], Running: true, Pid: 999999999, ServerPid: 999999999}' >"$dir/$fake"
    kill "$SVC_PID"
    wait_for_exit "$SVC_PID" 20
    api_start
    api_expect 200 GET /_ping
    [ ! -e "$gone" ] || fail "a gone container's records stayed"
    [ ! -e "$WT_RUNROOT/api-exec" ] || fail "the old layout stayed"
    run ls "$dir"
    assert_output "$(printf '%s\n' "$idle" "$long" | sort)"
    api_expect 200 GET "/v1.41/exec/$idle/json"
    # a stopped container's records go at the next start; a removed one's at once
    run docker_cli stop -t 0 "$name"
    kill "$SVC_PID"
    wait_for_exit "$SVC_PID" 20
    api_start
    api_expect 200 GET /_ping
    run ls -A "$dir"
    assert_output ""
    run docker_cli start "$name"
    api_expect 201 POST "/v1.41/containers/$name/exec" -d '{"Cmd":["true"]}'
    [ -e "$dir/$(jq -r .Id <<<"$output")" ]
    run docker_cli rm -f "$name"
    assert_success
    [ ! -e "$WT_RUNROOT/exec/$cid" ] || fail "the removed container's records stayed"
    # bad input: ids that are no session's
    api_expect 404 GET "/v1.41/exec/$fake/json"
    api_expect 404 GET "/v1.41/exec/..%2f..%2fapi-exec/json"
    api_expect 404 POST "/v1.41/exec/$(printf 'A%.0s' {1..64})/resize?h=1&w=1"
}

@test "attach hold: the output of a docker run is held while its attach request lives, and freed the moment it exits" {
    # guards: the monitor held a started container's output and end for a fixed
    # 30 s waiting for the attach, whether the attaching process was alive or dead;
    # now it follows that process (a pidfd), and a container is never harmed by it.
    # The attach request of docker run leaves this marker ("KIND PID START") for
    # the start: a process of ours stands in for it.
    local name holder
    name=$(wt_name)
    api_start
    api_create "$name" '["sh","-c","echo held-output"]'
    sleep 1000 &
    holder=$!
    WT_BG_PIDS+=("$holder")
    mkdir -p "$WT_RUNROOT/api-attach"
    printf 'out %d %s' "$holder" "$(awk '{print $22}' "/proc/$holder/stat")" >"$WT_RUNROOT/api-attach/$cid"
    api_expect 204 POST "/v1.41/containers/$cid/start"
    # held: nothing read from the container, nothing logged yet
    run_warren 0 logs "$cid"
    assert_output ""
    kill "$holder"
    # freed at once (it was 30 s): the wait answers well before that
    WT_CMD_TIMEOUT=15 run_warren 0 wait "$cid"
    assert_output 0
    run_warren 0 logs "$cid"
    assert_output held-output
    rm -f "$WT_RUNROOT/api-attach/$cid"
    run_warren 0 rm "$cid"
}
