# shellcheck shell=bash disable=SC2154,SC2034,SC2119,SC2120  # status/output come from bats; SVC_PID, cid are for the callers
# api.bash - the REST API tests' helpers (the 25x-api files):
# a service on the test's store, requests with curl, the docker CLI.

# api_start [ARGS...]: `system service --time 0 unix://$SOCK ARGS` on the
# current store in the background (SVC_PID), ready when the socket is there
api_start() {
    SOCK=$BATS_TEST_TMPDIR/api.sock
    start_warren "$BATS_TEST_TMPDIR/service.log" system service --time 0 "unix://$SOCK" "$@"
    SVC_PID=$BG_PID
    wait_for_file "$SOCK" 20
}

# api METHOD PATH [CURL-ARGS...]: one request; $code is the status, $output the body
api() {
    local method=$1 path=$2 how=(-X "$1")
    shift 2
    # a HEAD's answer has a length and no body: curl -X HEAD would wait for one
    [ "$method" != HEAD ] || how=(--head)
    run --separate-stderr curl -sS --max-time 60 --unix-socket "$SOCK" "${how[@]}" \
        -o "$BATS_TEST_TMPDIR/body" -w '%{http_code}' "$@" "http://d$path"
    [ "$status" -eq 0 ] || fail "curl $method $path failed: $stderr"
    code=$output
    output=$(cat "$BATS_TEST_TMPDIR/body")
}

# api_expect CODE METHOD PATH [CURL-ARGS...]: api, and the status must be CODE
api_expect() {
    local want=$1
    shift
    api "$@"
    [ "$code" = "$want" ] || fail "$1 $2: status $code, expected $want; body: $output"
}

# a create body: IMAGE running CMD (a JSON list), with more top-level fields
create_body() {
    jq -nc --arg img "$IMAGE" --argjson cmd "$1" "{Image: \$img, Cmd: \$cmd} + ${2:-{\}}"
}

# api_create NAME CMD-JSON [MORE-JSON]: creates a container; $cid its id
api_create() {
    api_expect 201 POST "/v1.41/containers/create?name=$1" -H 'Content-Type: application/json' \
        -d "$(create_body "$2" "${3:-}")"
    cid=$(jq -r .Id <<<"$output")
}

# The docker CLI the tests run: $DOCKER, else the first docker on PATH
# (DOCKER=/usr/bin/docker picks Debian 12's 20.10 where a newer one comes
# first; both must pass). docker_have skips without one.
DOCKER=${DOCKER:-$(command -v docker || true)}
docker_have() {
    [ -n "$DOCKER" ] && [ -x "$DOCKER" ] || skip "no docker CLI (the docker.io package's client)"
    # which client a file ran with, once per file in the TAP output
    if [ ! -e "$BATS_FILE_TMPDIR/docker-shown" ]; then
        touch "$BATS_FILE_TMPDIR/docker-shown"
        echo "# $(basename "$BATS_TEST_FILENAME"): docker CLI $("$DOCKER" version --format '{{.Client.Version}}' 2>/dev/null) ($DOCKER)" >&3
    fi
}

docker_cli() {
    docker_have
    DOCKER_HOST=unix://$SOCK timeout 120 "$DOCKER" "$@"
}

# docker_cli_env K=V... -- ARGS...: docker_cli with more variables
docker_cli_env() {
    local vars=()
    while [ "$1" != -- ]; do vars+=("$1"); shift; done
    shift
    docker_have
    env "${vars[@]}" DOCKER_HOST="unix://$SOCK" timeout 120 "$DOCKER" "$@"
}

# api_stats_check: the stats test (rootless it needs a delegated cgroup: a
# skip; root: 250-root-api.bats runs it too)
api_stats_check() {
    local name
    name=$(wt_name)
    api_start
    run docker_cli run -d --name "$name" "$IMAGE" sh -c 'sleep 1000 & sleep 1000' # sh execs the last: 2 pids
    assert_success
    api GET "/v1.41/containers/$name/stats?stream=false"
    if [ "$code" != 200 ]; then
        # rootless without a delegated cgroup: the engine's reason, as `warren stats`
        assert_output --partial "cgroup"
        skip "stats need a cgroup of the container's own: $output"
    fi
    run jq -c '[.name, .pids_stats.current, (.memory_stats.usage > 0), (.cpu_stats.online_cpus > 0)]' <<<"$output"
    assert_output "[\"/$name\",2,true,true]"
    run docker_cli stats --no-stream --format '{{.Name}} {{.PIDs}}' "$name"
    assert_success
    assert_output "$name 2"
    # streamed: a line a second until the client leaves
    run timeout 30 curl -sS -N --max-time 3 --unix-socket "$SOCK" "http://d/v1.41/containers/$name/stats"
    [ "$(grep -c '"pids_stats"' <<<"$output")" -ge 2 ] || fail "stream: $output"
    api_expect 200 GET /_ping
    api_expect 404 GET "/v1.41/containers/nosuch/stats?stream=0"
    run docker_cli rm -f "$name"
}

# api_update_check: the update test (rootless without cgroups: the limits
# refused; root: 250-root-api.bats runs it with them)
api_update_check() {
    local name
    name=$(wt_name)
    api_start
    run docker_cli create --name "$name" "$IMAGE" sleep 1000
    assert_success
    run docker_cli update -m 64m --cpus 1.5 --restart on-failure:3 "$name"
    local mem=67108864
    if [ "$status" -ne 0 ]; then
        # rootless without cgroups: refused as `warren update` refuses, nothing changed
        assert_output --partial "resource limits need a cgroup"
        mem=0
        run docker_cli inspect -f '{{.HostConfig.RestartPolicy.Name}}' "$name"
        assert_output ""
        run docker_cli update --restart on-failure:3 "$name"
        assert_success
        run docker_cli inspect -f '{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}' "$name"
        assert_output "on-failure 3"
    else
        run docker_cli inspect -f '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}' "$name"
        assert_output "67108864 1500000000 on-failure 3"
    fi
    api_expect 400 POST "/v1.41/containers/$name/update" -d '{"Memory":"lots"}'
    assert_output --partial "Memory has the wrong type"
    api_expect 400 POST "/v1.41/containers/$name/update" -d '{"CpusetCpus":"99999"}'
    api_expect 400 POST "/v1.41/containers/$name/update" -d '{"Memory":'
    api_expect 400 POST "/v1.41/containers/$name/update" -d '{"RestartPolicy":{"Name":"sometimes"}}'
    api_expect 404 POST "/v1.41/containers/nosuch/update" -d '{"Memory":67108864}'
    assert_output '{"message":"No such container: nosuch"}'
    run docker_cli inspect -f '{{.HostConfig.Memory}} {{.HostConfig.RestartPolicy.Name}}' "$name"
    assert_output "$mem on-failure"
    run docker_cli rm "$name"
}

# api_cut_short METHOD PATH: a request whose body ends 1 MiB into the
# 99999999 bytes it announces (the client shuts its side); $output is the
# status line of the answer
api_cut_short() {
    run timeout 60 /usr/bin/python3 - "$SOCK" "$1" "$2" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
head = "%s %s HTTP/1.1\r\nHost: d\r\nContent-Length: 99999999\r\n\r\n" % (sys.argv[2], sys.argv[3])
s.sendall(head.encode() + b"\0" * (1 << 20))
s.shutdown(socket.SHUT_WR)
print(s.recv(4096).decode().split("\r\n")[0])
PY
}

# ---- podman --remote against the service (the libpod files 255, 257, 258) ----

# svc_start: the service on this test's store (api.bash), for podman's client
svc_start() {
    command -v podman >/dev/null || skip "podman is not installed (tests/deps.sh installs it)"
    api_start
}

# remote ARGS...: podman's remote client against the service
remote() {
    timeout 60 podman --remote --url "unix://$SOCK" "$@"
}

# same ARGS...: `podman --remote ARGS` and `warren ARGS` print the same
# (stdout and stderr) and exit with the same code
same() {
    run remote "$@"
    local rs=$status ro=$output
    run timeout 120 "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" "$@"
    [ "$rs" = "$status" ] || fail "$*: remote exit $rs, local $status; remote: $ro; local: $output"
    assert_equal "$ro" "$output"
}

# lp METHOD PATH [CURL-ARGS...]: one /libpod request (api.bash's api)
lp() {
    local method=$1 path=$2
    shift 2
    api "$method" "/v4.3.1/libpod$path" "$@"
}
