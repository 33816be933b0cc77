#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # jq programs in single quotes; status/output come from bats
# Issue 12: the API's container endpoints beyond the life cycle: rename,
# top, changes, export, prune, through the docker CLI and raw requests.

load helpers
load api

teardown() {
    wt_teardown
}

@test "api: docker rename, top, diff, export, container prune" {
    # guards: issue 12 "containers: ... top, changes, export, prune, rename"
    local name=$(wt_name)
    api_start
    run docker_cli run -d --name "$name" "$IMAGE" sh -c 'echo x >/tmp/new; rm /etc/hostname.x 2>/dev/null; exec sleep 1000'
    assert_success
    run docker_cli rename "$name" "$name-2"
    assert_success
    run docker_cli inspect -f '{{.Name}}' "$name-2"
    assert_output "/$name-2"
    run docker_cli top "$name-2"
    assert_success
    assert_output --partial "sleep 1000"
    assert_line --index 0 --regexp '^USER +PID +PPID'
    api_expect 200 GET "/v1.41/containers/$name-2/top?ps_args=pid,comm"
    run jq -c '[.Titles, (.Processes | map(.[1]))]' <<<"$output"
    assert_output '[["PID","COMMAND"],["sleep"]]'
    # the diff needs overlay's upper dir
    run docker_cli diff "$name-2"
    if [ "$status" -eq 0 ]; then
        assert_line "A /tmp/new"
        api_expect 200 GET "/v1.41/containers/$name-2/changes"
        run jq -c '.[] | select(.Path == "/tmp/new") | .Kind' <<<"$output"
        assert_output 1
    else
        assert_output --partial "upper"
    fi
    DOCKER_HOST=unix://$SOCK timeout 120 docker export "$name-2" >"$BATS_TEST_TMPDIR/x.tar"
    run tar -tf "$BATS_TEST_TMPDIR/x.tar"
    assert_success
    assert_line "bin/sh"
    assert_line "tmp/new"
    # prune: only what does not run
    run docker_cli create --name "$name-c" "$IMAGE" true
    assert_success
    local created=$output
    run docker_cli container prune -f
    assert_success
    assert_output --partial "$created"
    run docker_cli ps -a --format '{{.Names}}'
    assert_output "$name-2"
    api_expect 200 POST "/v1.41/containers/prune?filters=%7B%22label%22%3A%5B%22nope%3D1%22%5D%7D"
    assert_output '{"ContainersDeleted":[],"SpaceReclaimed":0}'
    # bad input
    api_expect 400 POST "/v1.41/containers/$name-2/rename"
    api_expect 400 POST "/v1.41/containers/$name-2/rename?name=bad%20name"
    assert_output --partial "names must match"
    run docker_cli run -d --name "$name-3" "$IMAGE" sleep 1000
    api_expect 409 POST "/v1.41/containers/$name-2/rename?name=$name-3"
    api_expect 404 POST "/v1.41/containers/nosuch/rename?name=x"
    assert_output '{"message":"No such container: nosuch"}'
    api_expect 400 GET "/v1.41/containers/$name-2/top?ps_args=nosuchcol"
    api_expect 404 GET "/v1.41/containers/nosuch/top"
    api_expect 404 GET "/v1.41/containers/nosuch/changes"
    api_expect 404 GET "/v1.41/containers/nosuch/export"
    api_expect 400 POST "/v1.41/containers/prune?filters=%5B%5D"
    api_expect 400 POST "/v1.41/containers/prune?filters=%7B%22nokey%22%3A%5B%22x%22%5D%7D"
    run docker_cli stop -t 0 "$name-2"
    api_expect 409 GET "/v1.41/containers/$name-2/top"
    assert_output --partial "running containers"
    # a client that leaves in the middle of an export: the service goes on
    timeout 20 python3 - "$SOCK" "$name-2" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(("GET /v1.41/containers/%s/export HTTP/1.1\r\nHost: d\r\n\r\n" % sys.argv[2]).encode())
s.recv(100)
s.close()
EOF
    api_expect 200 GET /_ping
    run docker_cli rm -f "$name-2" "$name-3"
    assert_success
}

@test "api: stats one-shot and streamed; docker stats --no-stream shows names and pids" {
    # guards: issue 12 "stats (stream and one-shot)", "`docker stats` must show names and pids"
    api_stats_check
}
