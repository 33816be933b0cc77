#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # jq programs in single quotes; status/output come from bats
# Issue 12: the API's image endpoints beyond list/inspect/pull/tag/remove:
# history, through the docker CLI and raw requests.

load helpers
load api

teardown() {
    wt_teardown
}

@test "api: docker history shows warren history's entries; bad input" {
    # guards: issue 12 "images: ... history"
    api_start
    run_warren 0 history --format '{{.CreatedBy}}' "$IMAGE"
    local want=$output
    run docker_cli history --no-trunc --format '{{.CreatedBy}}' "$IMAGE"
    assert_success
    assert_output "$want"
    api_expect 200 GET "/v1.41/images/$IMAGE/history"
    run jq -c '.[0] | [(.Id | startswith("sha256:")), (.Tags | length > 0), (.Size | type), (.Created > 0)]' <<<"$output"
    assert_output '[true,true,"number",true]'
    api_expect 404 GET /v1.41/images/nosuch:latest/history
    api_expect 405 POST "/v1.41/images/$IMAGE/history"
}

@test "api: /system/df: docker system df counts as warren system df" {
    # guards: issue 12 "system: ... /system/df"
    local name=$(wt_name)
    api_start
    run docker_cli volume create "$name-v"
    run docker_cli run -d --name "$name" -v "$name-v:/d" "$IMAGE" sh -c 'echo x >/d/f; exec sleep 1000'
    assert_success
    run docker_cli create --name "$name-c" "$IMAGE" true
    run_warren 0 system df --format '{{.Type}} {{.Total}} {{.Active}}'
    local want=$output
    run docker_cli system df --format '{{.Type}} {{.TotalCount}} {{.Active}}'
    assert_success
    # Docker's table has a "Build Cache" row that warren has not
    assert_output "$want"$'\nBuild Cache 0 0'
    api_expect 200 GET /v1.41/system/df
    run jq -c '[.LayersSize > 0, (.Images[0].Id | startswith("sha256:")), (.Containers | length), (.Volumes[] | select(.Name == "'"$name-v"'") | .UsageData.RefCount)]' <<<"$output"
    assert_output '[true,true,2,1]'
    api_expect 405 POST /v1.41/system/df
    run docker_cli rm -f "$name" "$name-c"
}

@test "api: docker image prune removes the dangling images only; bad filters" {
    # guards: issue 12 "images: ... prune"
    local name=$(wt_name)
    api_start
    run_warren 0 create --name "$name" "$IMAGE" true
    run_warren 0 commit -q "$name"
    local dangling=$output
    run_warren 0 rm "$name"
    run docker_cli image prune -f
    assert_success
    assert_output --partial "deleted: sha256:$dangling"
    run_warren 125 image inspect "$dangling"
    run docker_cli image inspect -f '{{.Id}}' "$IMAGE"
    assert_success
    api_expect 200 POST /v1.41/images/prune
    assert_output '{"ImagesDeleted":[],"SpaceReclaimed":0}'
    api_expect 400 POST "/v1.41/images/prune?filters=%7B%22bogus%22%3A%5B%22x%22%5D%7D"
    api_expect 400 POST "/v1.41/images/prune?filters=nojson"
}

@test "api: docker save and docker load through /images/get and /images/load" {
    # guards: issue 12 "images: ... save (/images/get), load (/images/load)"
    local t=$BATS_TEST_TMPDIR
    api_start
    run docker_cli tag "$IMAGE" localhost/wt-save:1
    assert_success
    run docker_cli save -o "$t/s.tar" localhost/wt-save:1
    assert_success
    run tar -tf "$t/s.tar"
    assert_line manifest.json
    run docker_cli rmi localhost/wt-save:1
    assert_success
    run docker_cli load -i "$t/s.tar"
    assert_success
    assert_output "Loaded image: localhost/wt-save:1"
    run_warren 0 image inspect --format '{{.Id}}' localhost/wt-save:1
    assert_output "$IMAGE_ID"
    # bad input
    api_expect 404 GET /v1.41/images/get?names=nosuch:1
    api_expect 400 GET /v1.41/images/get
    api_expect 400 POST /v1.41/images/load --data-binary 'not an archive'
    assert_output --partial "load:"
    api_expect 400 POST /v1.41/images/load
    api_expect 200 GET /_ping
}

@test "api: docker save of several images (/images/get?names=a&names=b); docker load of an archive over 4 MiB" {
    # guards: issue 12 follow-up: uploads larger than the 4 MiB body limit are spooled to a file
    local t=$BATS_TEST_TMPDIR name=$(wt_name)
    run_warren 0 run --name "$name" "$IMAGE" sh -c 'head -c 6000000 /dev/urandom >/big'
    run_warren 0 commit -q "$name" localhost/wt-big:1
    track_image localhost/wt-big:1 localhost/wt-small:2
    run_warren 0 rm "$name"
    run_warren 0 tag "$IMAGE" localhost/wt-small:2
    api_start
    run docker_cli save -o "$t/two.tar" localhost/wt-big:1 localhost/wt-small:2
    assert_success
    [ "$(stat -c %s "$t/two.tar")" -gt $((5 << 20)) ] || fail "the archive is only $(stat -c %s "$t/two.tar") bytes"
    run tar -xOf "$t/two.tar" manifest.json
    run jq -c '[.[].RepoTags[0]]' <<<"$output"
    assert_output '["localhost/wt-big:1","localhost/wt-small:2"]'
    run docker_cli rmi localhost/wt-big:1 localhost/wt-small:2
    assert_success
    run docker_cli load -i "$t/two.tar"
    assert_success
    assert_output "Loaded image: localhost/wt-big:1
Loaded image: localhost/wt-small:2"
    run_warren 0 run --rm localhost/wt-big:1 sh -c 'wc -c </big'
    assert_output 6000000
    # the spool files are unlinked: nothing stays under <root>/tmp
    run ls -A "$WT_ROOT/tmp"
    assert_output ""
    # bad input: one missing name is a 404 before any byte; a big body that is
    # no archive is a 400; one cut short ends the connection; the service goes on
    api_expect 404 GET "/v1.41/images/get?names=localhost/wt-small:2&names=nosuch:1"
    assert_output '{"message":"No such image: nosuch:1"}'
    api_expect 400 GET "/v1.41/images/get?names="
    head -c $((6 << 20)) /dev/zero >"$t/zeros"
    api_expect 400 POST /v1.41/images/load --data-binary @"$t/zeros"
    assert_output --partial "load:"
    api_cut_short POST /v1.41/images/load
    assert_output "HTTP/1.1 400 Bad Request"
    run ls -A "$WT_ROOT/tmp"
    assert_output ""
    # a JSON endpoint keeps its limit
    api_expect 413 POST /v1.41/containers/create --data-binary @"$t/zeros"
    api_expect 200 GET /_ping
}

@test "api: an upload slower than the idle time keeps the service (--time 1)" {
    # guards: a spooled body is read before its handler runs: it counts as a request in flight
    SOCK=$BATS_TEST_TMPDIR/idle.sock
    start_warren "$BATS_TEST_TMPDIR/service.log" system service --time 1 "unix://$SOCK"
    SVC_PID=$BG_PID
    wait_for_file "$SOCK" 20
    # half the archive, a pause longer than the idle second, the rest
    run timeout 60 /usr/bin/python3 - "$SOCK" "$WT_FIXTURES/busybox.docker.tar" <<'PY'
import socket, sys, time
data = open(sys.argv[2], "rb").read()
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"POST /v1.41/images/load HTTP/1.1\r\nHost: d\r\nContent-Length: %d\r\n\r\n" % len(data))
s.sendall(data[: len(data) // 2])
time.sleep(2.5)
s.sendall(data[len(data) // 2 :])
answer = b""
while b"Loaded image" not in answer:
    more = s.recv(65536)
    if not more:
        break
    answer += more
print(answer.decode(errors="replace").split("\r\n")[0])
print("loaded" if b"Loaded image" in answer else "not loaded")
PY
    assert_output "HTTP/1.1 200 OK
loaded"
    # then idle: it goes
    wait_for_exit "$SVC_PID" 20 || fail "the service did not exit when idle"
}

@test "api: /auth checks credentials against the local registry; docker login through it" {
    # guards: issue 12 "/auth (check credentials)"
    load registry
    reg_start basic-http
    export CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf
    printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$REG" >"$CONTAINERS_REGISTRIES_CONF"
    api_start
    api_expect 200 POST /v1.41/auth -d "{\"username\":\"$REG_USER\",\"password\":\"$REG_PASS\",\"serveraddress\":\"$REG\"}"
    assert_output '{"Status":"Login Succeeded","IdentityToken":""}'
    api_expect 401 POST /v1.41/auth -d "{\"username\":\"$REG_USER\",\"password\":\"wrong\",\"serveraddress\":\"http://$REG/\"}"
    assert_output --partial "invalid username/password"
    # the docker CLI: its config in a directory of the test's
    docker_have
    run env DOCKER_CONFIG="$BATS_TEST_TMPDIR/dc" DOCKER_HOST="unix://$SOCK" timeout 60 "$DOCKER" login -u "$REG_USER" --password-stdin "$REG" <<<"$REG_PASS"
    assert_success
    assert_output --partial "Login Succeeded"
    # bad input
    api_expect 400 POST /v1.41/auth -d '{"username":1}'
    api_expect 400 POST /v1.41/auth -d '{"serveraddress":"x"}'
    api_expect 400 POST /v1.41/auth -d '{"username":'
    reg_stop
}

@test "api: docker push to the local registry through /images/{name}/push" {
    # guards: issue 12 "images: ... push (to the local registry)"
    load registry
    reg_start basic-http
    export CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf
    printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$REG" >"$CONTAINERS_REGISTRIES_CONF"
    api_start
    local dc=$BATS_TEST_TMPDIR/dc
    run docker_cli tag "$IMAGE" "$REG/wt/pushed:1"
    assert_success
    # without credentials: the registry's refusal in the stream, a failure
    run env DOCKER_CONFIG="$dc" DOCKER_HOST="unix://$SOCK" timeout 60 "$DOCKER" push "$REG/wt/pushed:1"
    assert_failure
    assert_output --partial "unauthorized"
    run env DOCKER_CONFIG="$dc" DOCKER_HOST="unix://$SOCK" timeout 60 "$DOCKER" login -u "$REG_USER" --password-stdin "$REG" <<<"$REG_PASS"
    assert_success
    run env DOCKER_CONFIG="$dc" DOCKER_HOST="unix://$SOCK" timeout 60 "$DOCKER" push "$REG/wt/pushed:1"
    assert_success
    # moby's lines: every layer prepared, then pushed (busybox: one layer),
    # named by its diff_id as moby names them
    assert_line --index 0 "The push refers to repository [$REG/wt/pushed]"
    local diff
    diff=$(w image inspect --format '{{index .RootFS.Layers 0}}' "$IMAGE")
    assert_line "${diff:7:12}: Preparing"
    assert_line "${diff:7:12}: Pushed"
    assert_line --regexp '^1: digest: sha256:[0-9a-f]{64} size: [0-9]+$'
    local digest=${output##*digest: }
    digest=${digest%% *}
    # again: the registry has the layer
    run env DOCKER_CONFIG="$dc" DOCKER_HOST="unix://$SOCK" timeout 60 "$DOCKER" push "$REG/wt/pushed:1"
    assert_success
    assert_line --regexp '^[0-9a-f]{12}: Layer already exists$'
    refute_line --regexp ': Pushed$'
    # another repository of the same registry: mounted, not sent
    run docker_cli tag "$IMAGE" "$REG/wt/other:2"
    run env DOCKER_CONFIG="$dc" DOCKER_HOST="unix://$SOCK" timeout 60 "$DOCKER" push "$REG/wt/other:2"
    assert_success
    assert_line --regexp '^[0-9a-f]{12}: Mounted from wt/pushed$'
    run docker_cli rmi "$REG/wt/other:2"
    # the raw stream: progressDetail of the upload, and aux's Size the manifest's length
    local auth
    auth=$(printf '{"username":"%s","password":"%s"}' "$REG_USER" "$REG_PASS" | base64 -w0 | tr '+/' '-_')
    # (a layer of its own: busybox's is mounted from wt/pushed)
    run_warren 0 run --name wt-third "$IMAGE" sh -c 'head -c 300000 /dev/urandom >/blob'
    run_warren 0 commit -q wt-third "$REG/wt/third:3"
    run_warren 0 rm wt-third
    api_expect 200 POST "/v1.41/images/$REG/wt/third/push?tag=3" -H "X-Registry-Auth: $auth"
    local body=$output
    run jq -c 'select(.status == "Pushing" and .progressDetail.total > 0) | [.progressDetail.current <= .progressDetail.total, (.progress | test("^\\[=*>? *\\] "))]' <<<"$output"
    assert_line '[true,true]'
    local size
    size=$(jq -r 'select(.aux) | .aux.Size' <<<"$body")
    [ "$(jq -r 'select(.id) | .status' <<<"$body" | sort -u | tr '\n' ,)" = "Preparing,Pushed,Pushing," ] ||
        fail "the layers' lines: $body"
    run curl -sS -u "$REG_USER:$REG_PASS" -H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' "http://$REG/v2/wt/third/manifests/3"
    assert_equal "$size" "${#output}"
    run docker_cli rmi "$REG/wt/third:3"
    # a registry that refuses (bad credentials): the error in errorDetail, docker exits non-zero
    auth=$(printf '{"username":"%s","password":"wrong"}' "$REG_USER" | base64 -w0 | tr '+/' '-_')
    api_expect 200 POST "/v1.41/images/$REG/wt/pushed/push?tag=1" -H "X-Registry-Auth: $auth"
    run jq -r 'select(.errorDetail) | .errorDetail.message' <<<"$output"
    assert_output --partial "unauthorized"
    run curl -sS -u "$REG_USER:$REG_PASS" -o /dev/null -w '%{http_code}' -H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' "http://$REG/v2/wt/pushed/manifests/1"
    assert_output 200
    [[ $digest == sha256:* ]] || fail "digest: $digest"
    # pull with X-Registry-Auth (the CLI's login): back after a removal
    run docker_cli rmi "$REG/wt/pushed:1"
    assert_success
    run env DOCKER_CONFIG="$dc" DOCKER_HOST="unix://$SOCK" timeout 60 "$DOCKER" pull "$REG/wt/pushed:1"
    assert_success
    assert_output --partial "Status: Downloaded newer image for $REG/wt/pushed:1"
    api_expect 404 POST "/v1.41/images/nosuch/push?tag=1"
    reg_stop
}

@test "api: docker search lists the local registry's catalog as warren search" {
    # guards: issue 12 "images: ... search"
    load registry
    reg_start plain
    reg_push "$REGFIX_ZSTD" zstd:v2
    export CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf
    printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$REG" >"$CONTAINERS_REGISTRIES_CONF"
    api_start
    run_warren 0 search --format '{{.Name}}' "$REG/zst"
    assert_output "$REG/zstd"
    run docker_cli search --format '{{.Name}} {{.StarCount}}' "$REG/zst"
    assert_success
    assert_output "$REG/zstd 0"
    api_expect 400 GET /v1.41/images/search
    api_expect 400 GET "/v1.41/images/search?term=x&limit=lots"
    reg_stop
}

@test "api: docker build through /build (the legacy builder): tags, build args, labels, -q, a failing RUN's code; docker-py builds too" {
    # guards: issue 12 "images: ... build (/build with a tar context, as far as the build issue goes)"
    local ctx=$BATS_TEST_TMPDIR/ctx img=localhost/$(wt_name)
    track_image "$img:1" "$img:2" "$img:py"
    api_start
    mkdir -p "$ctx"
    printf 'FROM %s\nARG X=def\nRUN echo built-$X > /f\nHEALTHCHECK CMD true\nCMD ["cat", "/f"]\n' "$IMAGE" >"$ctx/Dockerfile"
    printf 'FROM %s\nRUN exit 7\n' "$IMAGE" >"$ctx/Failfile"
    run docker_cli_env DOCKER_BUILDKIT=0 -- build -t "$img:1" -t "$img:2" --build-arg X=yes --label k=v "$ctx"
    assert_success
    assert_line --regexp '^Successfully built [0-9a-f]{12}$'
    run_warren 0 run --rm "$img:2"
    assert_output built-yes
    # Docker's format: the health check and the label are kept
    run_warren 0 image inspect --format '{{.Config.Labels.k}} {{json .Config.Healthcheck.Test}}' "$img:1"
    assert_output 'v ["CMD-SHELL","true"]'
    # -q prints the id only; -f names a file in the context
    run --separate-stderr docker_cli_env DOCKER_BUILDKIT=0 -- build -q "$ctx"
    assert_success
    [[ $output =~ ^sha256:[0-9a-f]{64}$ ]] || fail "-q: $output"
    local qid=${output#sha256:}
    run_warren 0 image exists "$qid"
    run_warren 0 rmi "$qid" # (untagged: no track_image for it)
    run docker_cli_env DOCKER_BUILDKIT=0 -- build -f "$ctx/Failfile" "$ctx"
    [ "$status" = 7 ] || fail "status $status: $output"
    assert_output --partial 'exit status 7'
    # docker-py reads the id from the stream
    run timeout 120 /usr/bin/python3 - "$SOCK" "$ctx" "$img:py" <<'PY'
import sys, docker
c = docker.DockerClient(base_url="unix://" + sys.argv[1])
image, logs = c.images.build(path=sys.argv[2], tag=sys.argv[3], buildargs={"X": "py"})
print(image.tags)
PY
    assert_success
    assert_output "['$img:py']"
    # bad input: 400, the service keeps serving
    api_expect 400 POST '/v1.41/build?buildargs=notjson' --data-binary @/dev/null
    api_expect 400 POST '/v1.41/build?labels=%7B%22a%22%3A1%7D' --data-binary @/dev/null
    run docker_cli_env DOCKER_BUILDKIT=0 -- build -f nosuchfile "$ctx"
    assert_failure
    api_expect 200 GET /_ping
}
