#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # templates in single quotes; status/output come from bats
# Issue 12, libpod API: `podman --remote` (4.3.1) against `warren system
# service` for info, ps, inspect, logs, rm, images, rmi, pull and pod ps:
# what it prints must be what the warren CLI prints for the same store.

load helpers
load registry
load api

teardown() {
    reg_stop
    wt_teardown
}

@test "libpod: podman --remote info, ps, inspect, logs, images and pod ps print what warren prints" {
    use_private_store
    load_fixture busybox.docker.tar
    run_warren 0 run -d --name web "$IMAGE" sh -c 'echo hello; sleep 1000'
    run_warren 0 create --name c2 --label k=v "$IMAGE" true
    run_warren 0 pod create --name p1
    svc_start
    local f
    for f in '{{.ID}} {{.Names}} {{.Image}} {{.Command}} {{.Labels}}' '{{.ID}} {{.Names}} {{.Pod}}'; do
        run remote ps -a --format "$f"
        assert_success
        local p=$output
        run_warren 0 ps -a --format "$f"
        assert_equal "$p" "$output"
    done
    run remote ps --format '{{.Names}}'
    assert_output web
    run remote ps -a --filter label=k=v --format '{{.Names}}'
    assert_output c2
    run remote ps -a --filter status=bogus
    assert_failure
    assert_output --partial 'bogus'
    run remote inspect --format '{{.Id}} {{.Name}} {{.State.Status}} {{.Config.Cmd}} {{.Image}}' web
    assert_success
    local p=$output
    run_warren 0 inspect --format '{{.Id}} {{.Name}} {{.State.Status}} {{.Config.Cmd}} {{.Image}}' web
    assert_equal "$p" "$output"
    run remote logs web
    assert_success
    assert_output hello
    for f in '{{.ID}} {{.Repository}}:{{.Tag}} {{.Size}}' '{{.Id}}'; do
        run remote images --format "$f"
        assert_success
        p=$output
        run_warren 0 images --format "$f"
        assert_equal "$p" "$output"
    done
    run remote info --format '{{.Store.GraphRoot}} {{.Store.ContainerStore.Number}} {{.Store.ImageStore.Number}} {{.Host.Arch}}'
    assert_success
    p=$output
    run_warren 0 info --format '{{.Store.GraphRoot}} {{.Store.ContainerStore.Number}} {{.Store.ImageStore.Number}} {{.Host.Arch}}'
    assert_equal "$p" "$output"
    run remote pod ps --format '{{.ID}} {{.Name}} {{.NumberOfContainers}}'
    assert_success
    p=$output
    run_warren 0 pod ps --format '{{.ID}} {{.Name}} {{.NumberOfContainers}}'
    assert_equal "$p" "$output"
    run_warren 0 pod rm -f p1
}

@test "libpod: podman --remote run (attached, --rm, -d with -e, -p, --label), exec, stop, start" {
    use_private_store
    load_fixture busybox.docker.tar
    svc_start
    run --separate-stderr remote run --name a1 "$IMAGE" sh -c 'echo out; echo err >&2; exit 3'
    assert_equal "$status" 3
    assert_equal "$output" out
    assert_equal "$stderr" err
    run_warren 0 inspect --format '{{.State.ExitCode}} {{.Config.Cmd}}' a1
    assert_output '3 [sh -c echo out; echo err >&2; exit 3]'
    # --rm: gone when it ends; the client has the code from the died event
    run remote run --rm --name r1 "$IMAGE" sh -c 'echo bye; exit 4'
    assert_equal "$status" 4
    assert_output bye
    run_warren 1 container exists r1
    local port
    port=$(reg_free_port)
    run remote run -d --name d1 -e A=1 --label k=v -p "127.0.0.1:$port:80" -w /tmp -u 1:1 \
        --stop-timeout 3 "$IMAGE" sleep 1000
    assert_success
    local id=$output
    run_warren 0 inspect --format '{{.Id}} {{.State.Status}} {{.Config.Labels.k}} {{.Config.WorkingDir}} {{.Config.User}} {{.Config.StopTimeout}}' d1
    assert_output "$id running v /tmp 1:1 3"
    run_warren 0 exec d1 sh -c 'echo $A'
    assert_output 1
    run_warren 0 port d1
    assert_output "80/tcp -> 127.0.0.1:$port"
    # exec, with stdin and the exit code (the Docker handlers, also under /libpod)
    run remote exec d1 sh -c 'echo $A; exit 5'
    assert_equal "$status" 5
    assert_output 1
    run bash -c "echo piped | timeout 60 podman --remote --url unix://$SOCK exec -i d1 cat"
    assert_success
    assert_output piped
    run remote stop -t 0 d1
    assert_success
    run_warren 0 inspect --format '{{.State.Status}}' d1
    assert_output exited
    run remote start d1
    assert_success
    run_warren 0 inspect --format '{{.State.Status}}' d1
    assert_output running
    # a bad spec: 400 with the reason, nothing created
    run remote run -d --name bad -p 70000:80 "$IMAGE" true
    assert_failure
    run_warren 1 container exists bad
    run remote run --name gone localhost/nope:1 true
    assert_failure
}

@test "libpod: podman --remote rm and rmi, with Podman's errors" {
    use_private_store
    load_fixture busybox.docker.tar
    run_warren 0 run -d --name web "$IMAGE" sleep 1000
    run_warren 0 create --name c2 "$IMAGE" true
    local c2=$output
    run_warren 0 tag "$IMAGE" localhost/other:1
    svc_start
    run remote rm c2
    assert_success
    assert_output "$c2"
    run_warren 1 container exists c2
    run remote rm nope
    assert_failure
    assert_output 'Error: no container with name or ID "nope" found: no such container'
    run remote rm web
    assert_failure
    assert_output --partial 'running or paused containers cannot be removed without force'
    run_warren 0 container exists web
    run remote rm -f web
    assert_success
    run_warren 1 container exists web
    run remote rmi localhost/other:1
    assert_success
    assert_output 'Untagged: localhost/other:1'
    run_warren 1 image exists localhost/other:1
    run_warren 0 image exists "$IMAGE"
    run remote rmi nope
    assert_failure
    assert_output 'Error: nope: image not known'
    # an image a container uses: refused, both kept
    run_warren 0 create --name user "$IMAGE" true
    run remote rmi "$IMAGE"
    assert_failure
    run_warren 0 image exists "$IMAGE"
    run_warren 0 container exists user
}

@test "libpod: podman --remote pull from a registry: Podman's progress, the id warren stores" {
    use_private_store
    reg_start plain
    reg_push "$REGFIX_GZIP" gzip:latest
    export CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf
    printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$REG" >"$CONTAINERS_REGISTRIES_CONF"
    svc_start
    run --separate-stderr remote pull --tls-verify=false "$REG/gzip:latest"
    assert_success
    local id=$output
    [[ $stderr == *"Trying to pull $REG/gzip:latest..."* ]] || fail "no Trying line: $stderr"
    [[ $stderr == *"Copying blob "* ]] || fail "no Copying blob line: $stderr"
    run_warren 0 images -q --no-trunc
    assert_equal "${output#sha256:}" "$id"
    # policy missing (run's default) takes the stored one without a request
    lp POST "/images/pull?reference=$REG/gzip:latest&policy=missing"
    assert_equal "$code" 200
    assert_equal "$(tail -n1 <<<"$output" | jq -c .)" "{\"images\":[\"$id\"],\"id\":\"$id\"}"
    [ "$(wc -l <<<"$output")" = 1 ] || fail "a stored image was pulled again: $output"
    run --separate-stderr remote pull --tls-verify=false "$REG/nope:latest"
    assert_failure
    [[ $stderr == *"Error:"* ]] || fail "no error: $stderr"
}

@test "libpod: podman --remote push to a registry: warren push's lines, the image there; errors" {
    # guards: issue 12 "pull/push against the local registry" (POST /libpod/images/{name}/push)
    use_private_store
    load_fixture busybox.docker.tar
    reg_start plain
    export CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf
    printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$REG" >"$CONTAINERS_REGISTRIES_CONF"
    svc_start
    run_warren 0 tag "$IMAGE" "$REG/wt/lp:1"
    run --separate-stderr remote push --tls-verify=false "$REG/wt/lp:1"
    assert_success
    local rerr=$stderr
    # the same lines `warren push` prints (the blobs are there now: the same words)
    run --separate-stderr "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" push --tls-verify=false "$REG/wt/lp:1"
    assert_success
    assert_equal "$rerr" "$stderr"
    [[ $rerr == *"Copying blob sha256:"*"Writing manifest to image destination"* ]] || fail "no progress: $rerr"
    # --format goes to the engine: busybox's uncompressed layer fits no v2s2 manifest
    run --separate-stderr remote push -q --format v2s2 --tls-verify=false "$REG/wt/lp:1" "$REG/wt/other:2"
    assert_failure
    [[ $stderr == *"cannot go into a Docker v2s2 manifest"* ]] || fail "v2s2: $stderr"
    # a destination, quiet, --format oci: nothing printed, the registry has it as OCI
    run --separate-stderr remote push -q --format oci --tls-verify=false "$REG/wt/lp:1" "$REG/wt/other:2"
    assert_success
    assert_equal "$stderr" ""
    run curl -sS -H 'Accept: application/vnd.oci.image.manifest.v1+json' "$REG_URL/v2/wt/other/manifests/2"
    assert_equal "$(jq -r .mediaType <<<"$output")" application/vnd.oci.image.manifest.v1+json
    run_warren 0 rmi "$REG/wt/lp:1"
    run_warren 0 pull -q --tls-verify=false "$REG/wt/other:2"
    # errors: an unknown image, a registry that is not there, a bad format
    run --separate-stderr remote push --tls-verify=false nope "$REG/wt/nope:1"
    assert_failure
    assert_equal "$stderr" 'Error: nope: image not known'
    run --separate-stderr remote push --tls-verify=false "$REG/wt/other:2" "127.0.0.1:1/wt/x:1"
    assert_failure
    [[ $stderr == *"Error: pushing 127.0.0.1:1/wt/x:1: "* ]] || fail "no error: $stderr"
    run --separate-stderr remote push -q --tls-verify=false "$REG/wt/other:2" "127.0.0.1:1/wt/x:1"
    assert_failure
    [[ $stderr == *"pushing 127.0.0.1:1/wt/x:1: "* ]] || fail "no error: $stderr"
    lp POST "/images/$REG/wt/other:2/push?format=v1"
    assert_equal "$code" 400
    assert_output --partial 'unsupported manifest type'
    # --creds (X-Registry-Auth): wrong ones are the registry's refusal, right ones push
    reg_start basic-http
    run_warren 0 tag "$IMAGE" "$REG/wt/auth:1"
    run --separate-stderr remote push --tls-verify=false --creds "$REG_USER:wrong" "$REG/wt/auth:1"
    assert_failure
    [[ $stderr == *"unauthorized"* ]] || fail "wrong creds: $stderr"
    run --separate-stderr remote push -q --tls-verify=false --creds "$REG_USER:$REG_PASS" "$REG/wt/auth:1"
    assert_success
    run curl -sS -o /dev/null -w '%{http_code}' -u "$REG_USER:$REG_PASS" -H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' "$REG_URL/v2/wt/auth/manifests/1"
    assert_output 200
    lp GET /_ping
    assert_equal "$code" 200
}

@test "libpod: bad requests get 400/404 with a message, and the service keeps serving" {
    use_private_store
    load_fixture busybox.docker.tar
    svc_start
    lp GET '/containers/json?filters=notjson'
    assert_equal "$code" 400
    lp GET '/containers/json?last=x'
    assert_equal "$code" 400
    jq -e .message <<<"$output" >/dev/null
    lp GET '/containers/json?filters=%7B%22bogus%22%3A%5B%22x%22%5D%7D'
    assert_equal "$code" 400
    lp GET '/images/json?filters=%7B%22dangling%22%3A%5B%22maybe%22%5D%7D'
    assert_equal "$code" 400
    lp POST '/images/pull'
    assert_equal "$code" 400
    lp POST '/images/pull?reference=x&policy=sometimes'
    assert_equal "$code" 400
    # pod filters are served (257 has them): none matches here
    lp GET '/pods/json?filters=%7B%22name%22%3A%5B%22x%22%5D%7D'
    assert_equal "$code" 200
    assert_output '[]'
    lp GET '/containers/nope/json'
    assert_equal "$code" 404
    lp DELETE '/containers/nope?timeout=x'
    assert_equal "$code" 400
    lp DELETE '/images/remove?images=nope'
    assert_equal "$code" 404
    lp DELETE '/images/remove'
    assert_equal "$code" 200
    assert_equal "$(jq -c . <<<"$output")" '{"Deleted":[],"Untagged":[],"Errors":[],"ExitCode":0}'
    local body
    for body in '{}' '{"image":5}' '{"image":"'"$IMAGE"'","command":"true"}' \
        '{"image":"'"$IMAGE"'","env":{"A":["x"]},"command":[1]}' '{"image":"'"$IMAGE"'","portmappings":[{"container_port":0}]}' '[1]' 'not json'; do
        run --separate-stderr curl -sS --unix-socket "$SOCK" -o /dev/null -w '%{http_code}' \
            -H 'Content-Type: application/json' -d "$body" http://d/v4.3.1/libpod/containers/create
        assert_equal "$output" 400
    done
    # a network that does not exist is not found, as Podman's
    run curl -sS --unix-socket "$SOCK" -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
        -d '{"image":"'"$IMAGE"'","netns":{"nsmode":"bogus"}}' http://d/v4.3.1/libpod/containers/create
    assert_output 404
    run_warren 0 ps -aq
    assert_output ""
    lp GET '/info'
    assert_equal "$code" 200
    jq -e .store.graphRoot <<<"$output" >/dev/null
    lp GET '/images/json'
    assert_equal "$code" 200
    assert_equal "$(jq -r '.[0].RepoTags[0]' <<<"$output")" "$IMAGE"
}
