#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # jq programs in single quotes; status/output come from bats
# Issue 12: the API's volumes (and networks): create, list, inspect,
# remove, prune with Docker's shapes, through the docker CLI and raw
# requests.

load helpers
load api

teardown() {
    wt_teardown
}

@test "api: docker volume create, ls, inspect, rm, prune; a volume in use is 409" {
    # guards: issue 12 "networks and volumes: create, list, inspect, remove, prune"
    local name=$(wt_name)
    api_start
    run docker_cli volume create --label wt=api "$name-v"
    assert_success
    assert_output "$name-v"
    run docker_cli volume ls --format '{{.Name}} {{.Driver}}'
    assert_line "$name-v local"
    run docker_cli volume ls -q --filter label=wt=api
    assert_output "$name-v"
    run docker_cli volume inspect -f '{{.Name}} {{.Driver}} {{.Scope}} {{.Labels.wt}}' "$name-v"
    assert_output "$name-v local local api"
    api_expect 200 GET "/v1.41/volumes/$name-v"
    run jq -r '[(.Mountpoint | endswith("/_data")), has("MountCount")] | @tsv' <<<"$output"
    assert_output $'true\tfalse'
    # used by a container: in use until it goes
    run docker_cli run -d --name "$name" -v "$name-v:/data" "$IMAGE" sh -c 'echo hi >/data/f; exec sleep 1000'
    assert_success
    api_expect 409 DELETE "/v1.41/volumes/$name-v"
    run docker_cli volume rm "$name-v"
    assert_failure
    run docker_cli rm -f "$name"
    # a name again: Docker answers the existing volume
    api_expect 201 POST /v1.41/volumes/create -d "{\"Name\":\"$name-v\"}"
    run jq -r .Name <<<"$output"
    assert_output "$name-v"
    run docker_cli volume create "$name-w"
    run docker_cli volume prune -f --filter label=wt=api
    assert_success
    assert_output --partial "$name-v"
    run docker_cli volume ls -q
    assert_output "$name-w"
    run docker_cli volume rm "$name-w"
    assert_success
    # bad input
    api_expect 400 POST /v1.41/volumes/create -d '{"Name":"bad/name"}'
    api_expect 400 POST /v1.41/volumes/create -d '{"Labels":["x"]}'
    assert_output --partial "Labels has the wrong type"
    api_expect 400 POST /v1.41/volumes/create -d '{"Name":'
    api_expect 400 POST /v1.41/volumes/create -d '{"Driver":"nfs-magic"}'
    api_expect 404 GET /v1.41/volumes/nosuch
    assert_output '{"message":"get nosuch: no such volume"}'
    api_expect 404 DELETE /v1.41/volumes/nosuch
    api_expect 400 GET "/v1.41/volumes?filters=%5B%5D"
    api_expect 200 GET /_ping
}

@test "api: docker network create, ls, inspect, rm, prune; bad input" {
    # guards: issue 12 "networks: create, list, inspect, remove, prune"
    local name=$(wt_name)
    api_start
    run docker_cli network create --subnet 10.123.7.0/24 --label wt=api "$name-n"
    assert_success
    local id=$output
    run docker_cli network ls --format '{{.Name}} {{.Driver}}'
    assert_line "$name-n bridge"
    run docker_cli network inspect -f '{{.Name}} {{.Id}} {{range .IPAM.Config}}{{.Subnet}}{{end}} {{.Labels.wt}}' "$name-n"
    assert_output "$name-n $id 10.123.7.0/24 api"
    api_expect 409 POST /v1.41/networks/create -d "{\"Name\":\"$name-n\"}"
    run docker_cli network rm "$name-n"
    assert_success
    run docker_cli network create "$name-p"
    run docker_cli network prune -f
    assert_success
    assert_output --partial "$name-p"
    run docker_cli network ls --format '{{.Name}}'
    refute_line "$name-p"
    # bad input
    api_expect 400 POST /v1.41/networks/create -d '{}'
    api_expect 400 POST /v1.41/networks/create -d '{"Name":"x","IPAM":{"Config":{}}}'
    assert_output --partial "Config has the wrong type"
    api_expect 400 POST /v1.41/networks/create -d "{\"Name\":\"$name-b\",\"IPAM\":{\"Config\":[{\"Subnet\":\"300.1.1.0/24\"}]}}"
    api_expect 400 POST /v1.41/networks/create -d '{"Name":'
    api_expect 404 GET /v1.41/networks/nosuch
    assert_output '{"message":"network nosuch not found"}'
    api_expect 404 DELETE /v1.41/networks/nosuch
    api_expect 409 DELETE "/v1.41/networks/$(docker_cli network ls -q --no-trunc | head -1)"
    api_expect 400 POST /v1.41/networks/nosuch/connect -d '{}'
    api_expect 404 POST /v1.41/networks/nosuch/connect -d '{"Container":"x"}'
    api_expect 200 GET /_ping
}

@test "api: docker network connect and disconnect a container" {
    # guards: issue 12 "networks: connect, disconnect"
    local name=$(wt_name)
    api_start
    run docker_cli network create "$name-a"
    assert_success
    run docker_cli network create "$name-b"
    run docker_cli create --name "$name" --network "$name-a" "$IMAGE" sleep 1000
    assert_success
    run docker_cli network connect --alias web "$name-b" "$name"
    assert_success
    run docker_cli network inspect -f '{{len .Containers}}' "$name-b"
    assert_output 1
    api_expect 409 POST "/v1.41/networks/$name-b/connect" -d "{\"Container\":\"$name\"}"
    api_expect 404 POST "/v1.41/networks/$name-b/connect" -d '{"Container":"nosuch"}'
    run docker_cli network disconnect "$name-b" "$name"
    assert_success
    run docker_cli network inspect -f '{{len .Containers}}' "$name-b"
    assert_output 0
    run docker_cli rm "$name"
    run docker_cli network rm "$name-a" "$name-b"
    assert_success
}
