#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Issue 11 pods as root: the infra holds the pod's network (root's default,
# whichever it is), members reach each other on localhost and share the
# hostname and ipc; pause; a published port of the pod on the host; pid
# sharing; pod rm.

load ../helpers

teardown() {
    local p
    for p in "${WT_PODS[@]}"; do
        w pod rm -f "$p" >/dev/null 2>&1 || true
    done
    wt_teardown
}

WT_PODS=()

new_pod() {
    POD="wt-rpod-$BATS_TEST_NUMBER-$RANDOM"
    WT_PODS+=("$POD")
    run_warren 0 pod create --name "$POD" "$@"
    POD_ID=$output
}

HTTPD='mkdir -p /w && echo "$0" > /w/index.html && exec httpd -f -p 8080 -h /w'

@test "root pods: members talk over the infra's lo and share its hostname and ipc" {
    # guards: issue 11 "Containers in a pod reach each other on localhost and share hostname and IPC"
    new_pod
    run_warren 0 run -d --pod "$POD" --name "$POD-srv" "$IMAGE" sh -c "$HTTPD" root-pod
    run_warren 0 run --rm --pod "$POD" "$IMAGE" sh -c \
        'for i in $(seq 50); do wget -qO- http://127.0.0.1:8080/ && exit 0; sleep 0.1; done; exit 1'
    assert_output root-pod
    # the same hostname and netns (its interfaces) as the server's
    run_warren 0 run --rm --pod "$POD" "$IMAGE" sh -c 'hostname; readlink /proc/self/ns/net; ip -o link show | cut -d: -f2'
    assert_line --index 0 "$POD"
    assert_output "$(w exec "$POD-srv" sh -c 'hostname; readlink /proc/self/ns/net; ip -o link show | cut -d: -f2')"
    run_warren 0 exec "$POD-srv" touch /dev/mqueue/wt-root-q
    run_warren 0 run --rm --pod "$POD" "$IMAGE" ls /dev/mqueue
    assert_output wt-root-q
    run_warren 0 pod ps --filter "name=^$POD\$" --format '{{.Status}} {{.NumberOfContainers}}'
    assert_output "Running 2"
}

@test "root pods: pod pause freezes every container, pod unpause thaws them" {
    new_pod
    run_warren 0 run -d --pod "$POD" --name "$POD-a" "$IMAGE" sleep 100
    run_warren 0 pod pause "$POD"
    assert_output "$POD_ID"
    run_warren 0 pod ps --filter "name=^$POD\$" --format '{{.Status}} {{.ContainerStatuses}}'
    assert_output "Paused paused,paused"
    run_warren 0 pod unpause "$POD"
    run_warren 0 pod ps --filter "name=^$POD\$" --format '{{.Status}} {{.ContainerStatuses}}'
    assert_output "Running running,running"
}

@test "root pods: a port published by the pod reaches a member's server" {
    local port i
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("0.0.0.0", 0)); print(s.getsockname()[1])')
    new_pod -p "$port:8080"
    run_warren 0 run -d --pod "$POD" "$IMAGE" sh -c "$HTTPD" root-published
    for ((i = 0; i < 50; i++)); do curl -sS -m 5 "http://127.0.0.1:$port/" 2>/dev/null && break; sleep 0.1; done
    run curl -sS -m 5 "http://127.0.0.1:$port/"
    assert_success
    assert_output root-published
}

@test "root pods: --share pid, pod stop, the infra's protection and pod rm -f" {
    local infra
    new_pod --share ipc,net,uts,pid
    infra=$(w pod inspect --format '{{.InfraContainerID}}' "$POD")
    run_warren 0 run -d --pod "$POD" --name "$POD-a" "$IMAGE" sleep 100
    run_warren 0 run --rm --pod "$POD" "$IMAGE" sh -c 'cat /proc/1/cmdline; echo; ps -o comm | grep -cx sleep'
    assert_output "/warren-infra
1"
    run_warren 125 rm -f "$infra"
    assert_last_error "is the infra container of pod $POD_ID and cannot be removed without removing the pod"
    run_warren 0 pod stop -t 1 "$POD"
    run_warren 0 pod ps --filter "name=^$POD\$" --format '{{.Status}}'
    assert_output Exited
    run_warren 0 pod rm -f "$POD"
    assert_output "$POD_ID"
    run_warren 125 inspect "$POD-a"
    run_warren 125 inspect "$infra"
}

@test "root pods: pod stats, a row per container with Podman's columns; --format json; errors" {
    # guards: issue 14 "top and pod stats"
    local p c mib
    p=$(wt_name)
    run_warren 0 pod create --name "$p"
    c=$(w run -d --pod "$p" "$IMAGE" sh -c 'x=$(head -c 20000000 /dev/zero | tr "\0" a); sleep 300')
    sleep 1
    run_warren 0 pod stats --no-stream "$p"
    assert_line --index 0 --regexp '^POD +CID +NAME +CPU % +MEM USAGE/ LIMIT +MEM % +NET IO +BLOCK IO +PIDS$'
    assert_equal "${#lines[@]}" 3
    assert_line --regexp "^${c:0:12}|  ${c:0:12}  "
    run_warren 0 pod stats --no-stream --format json "$p"
    run jq -r '.[] | "\(.Pod) \(.CID) \(.PIDS)"' <<<"$output"
    assert_line --regexp "^[0-9a-f]{12} ${c:0:12} [0-9]+$"
    # the member's memory (20 MB of a's in a shell variable) is counted
    run_warren 0 pod stats --no-stream --format '{{.CID}} {{.MemUsageBytes}}' "$p"
    mib=$(awk -v c="${c:0:12}" '$1 == c {sub("MiB", "", $2); print int($2)}' <<<"$output")
    [ "${mib:-0}" -ge 15 ] || fail "memory of the member: $output"
    run_warren 0 pod stop -t 0 "$p"
    run_warren 0 pod stats --no-stream --format '{{.CPU}} {{.MemUsage}} {{.PIDS}}' "$p"
    assert_line -- "-- -- / -- --"
    run_warren 125 pod stats --no-stream wt-no-such-pod
    assert_error "unable to get list of pods: no pod with name or ID wt-no-such-pod found: no such pod"
    run_warren 125 pod stats --no-stream -a "$p"
    run_warren 125 pod stats --no-stream --interval 0 "$p"
    run_warren 0 pod rm -f "$p"
}
