#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154  # container commands in single quotes; status/output/stderr come from bats
# Issue 11, pods: pod create/ps/inspect/start/stop/restart/kill/pause/
# unpause/rm/top/logs/exists/prune; the infra container (warren's own
# pause, no image) holding the shared namespaces and the published ports;
# run/create --pod joining them; the errors. Shapes compared with podman's.

load helpers

# pname: a pod name of this test
pname() {
    echo "wt-pod-$BATS_TEST_NUMBER-$RANDOM"
}

# infra_of POD: its infra container's full id
infra_of() {
    w pod inspect --format '{{.InfraContainerID}}' "$1"
}

@test "pods: create makes a pod with a created infra; ps and exists see it" {
    local p id
    p=$(pname)
    run_warren 0 pod create --name "$p" --label team=a
    id=$output
    [[ $id =~ ^[0-9a-f]{64}$ ]] || fail "not an id: $id"
    run_warren 0 pod exists "$p"
    run_warren 1 pod exists "nope-$p"
    run_warren 0 pod ps --filter "name=^$p\$" --format '{{.ID}} {{.Name}} {{.Status}} {{.NumberOfContainers}} {{.Labels}}'
    assert_output "${id:0:12} $p Created 1 map[team:a]"
    run_warren 0 ps -a --pod --filter "id=$(infra_of "$p")" --format '{{.Names}} {{.Status}}'
    assert_output "${id:0:12}-infra Created"
    run_warren 0 pod rm "$p"
    assert_output "$id"
    run_warren 1 pod exists "$p"
}
