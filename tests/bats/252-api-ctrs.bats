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
    DOCKER_HOST=unix://$SOCK timeout 120 "$DOCKER" export "$name-2" >"$BATS_TEST_TMPDIR/x.tar"
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

@test "api: docker cp both ways through /archive; symlinks and .. stay in the rootfs" {
    # guards: issue 12 "archive GET/PUT/HEAD (docker cp)", the rootfs is untrusted
    local name=$(wt_name) t=$BATS_TEST_TMPDIR
    api_start
    run docker_cli run -d --name "$name" "$IMAGE" sh -c "ln -s $t /tmp/out; ln -s ../../../../.. /tmp/up; exec sleep 1000"
    assert_success
    echo host-data >"$t/in.txt"
    echo secret >"$t/secret"
    run docker_cli cp "$t/in.txt" "$name:/tmp/"
    assert_success
    run docker_cli exec "$name" cat /tmp/in.txt
    assert_output host-data
    run docker_cli exec "$name" sh -c 'mkdir -p /d/e && echo deep >/d/e/f'
    run docker_cli cp "$name:/d" "$t/got"
    assert_success
    run cat "$t/got/e/f"
    assert_output deep
    DOCKER_HOST=unix://$SOCK timeout 60 "$DOCKER" cp "$name:/etc/hostname" - >"$t/h.tar"
    run tar -tf "$t/h.tar"
    assert_output hostname
    # HEAD: the stat header, mode as Go's FileMode (a directory's top bit)
    run --separate-stderr curl -sS -I --unix-socket "$SOCK" "http://d/v1.41/containers/$name/archive?path=/d"
    local statb64=$(grep -i '^X-Docker-Container-Path-Stat:' <<<"$output" | cut -d' ' -f2 | tr -d '\r')
    run jq -c '[.name, .mode >= 2147483648]' <<<"$(base64 -d <<<"$statb64")"
    assert_output '["d",true]'
    # out through a symlink to a host path: resolved in the container (not there)
    run docker_cli cp "$name:/tmp/out/secret" "$t/leak"
    assert_failure
    [ ! -e "$t/leak" ] || fail "a host file came out through a symlink"
    run docker_cli cp "$name:/tmp/up/$t/secret" "$t/leak"
    assert_failure
    [ ! -e "$t/leak" ] || fail "a host file came out through .."
    api_expect 404 GET "/v1.41/containers/$name/archive?path=/../../../..$t/secret"
    # in through them: lands in the container or nowhere, never on the host
    echo planted >"$t/plant"
    run docker_cli cp "$t/plant" "$name:/tmp/up/$t/"
    run docker_cli cp "$t/plant" "$name:/tmp/out/"
    tar -C "$t" -cf "$t/p.tar" plant
    api PUT "/v1.41/containers/$name/archive?path=/../../..$t" --data-binary "@$t/p.tar"
    [ "$(ls "$t" | grep -c '^plant')" = 1 ] || fail "a file was planted on the host: $(ls "$t")"
    # bad input
    api_expect 400 GET "/v1.41/containers/$name/archive"
    api_expect 404 GET "/v1.41/containers/$name/archive?path=/nonexistent"
    assert_output --partial "could not be found"
    api_expect 404 HEAD "/v1.41/containers/nosuch/archive?path=/"
    api_expect 404 PUT "/v1.41/containers/$name/archive?path=/nonexistent" --data-binary "@$t/p.tar"
    api_expect 400 PUT "/v1.41/containers/$name/archive?path=/tmp" --data-binary 'not a tar'
    api_expect 200 GET /_ping
    run docker_cli rm -f "$name"
}

@test "api: docker cp of 10 MiB into a container and back (an upload over the 4 MiB body limit)" {
    # guards: issue 12 follow-up: PUT /containers/{id}/archive spools its body to a file
    local name=$(wt_name) t=$BATS_TEST_TMPDIR
    head -c $((10 << 20)) /dev/urandom >"$t/big.bin"
    api_start
    run docker_cli run -d --name "$name" "$IMAGE" sleep 1000
    assert_success
    run docker_cli cp "$t/big.bin" "$name:/tmp/big.bin"
    assert_success
    run docker_cli exec "$name" md5sum /tmp/big.bin
    assert_output "$(md5sum <"$t/big.bin" | cut -d' ' -f1)  /tmp/big.bin"
    run docker_cli cp "$name:/tmp/big.bin" "$t/back.bin"
    assert_success
    cmp "$t/big.bin" "$t/back.bin"
    # bad input: a big body that is no tar, one cut short; nothing stays behind
    api_expect 400 PUT "/v1.41/containers/$name/archive?path=/tmp" --data-binary @"$t/big.bin"
    api_cut_short PUT "/v1.41/containers/$name/archive?path=/tmp"
    assert_output "HTTP/1.1 400 Bad Request"
    run ls -A "$WT_ROOT/tmp"
    assert_output ""
    # HEAD of a missing path: the head only (docker cp's stat; a body after it
    # was read as an unsolicited response)
    run curl -sS -I --unix-socket "$SOCK" "http://d/v1.41/containers/$name/archive?path=/nonexistent"
    assert_line --partial "404 Not Found"
    run docker_cli cp "$t/big.bin" "$name:/tmp/newname.bin"
    assert_success
    refute_output --partial "Unsolicited"
    run docker_cli rm -f "$name"
    api_expect 200 GET /_ping
}

@test "api: docker update: limits recorded (applied at the start), restart policy; bad input" {
    # guards: issue 12 "update (resources where cgroups allow)"
    api_update_check
}
