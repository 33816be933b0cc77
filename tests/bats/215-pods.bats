#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154  # container commands in single quotes; status/output/stderr come from bats
# Issue 11 "Pods": pod create/ps/inspect/start/stop/restart/kill/rm/top/
# logs/exists/prune; the infra container (warren's own pause, no image)
# holding the shared namespaces and the published ports; run/create --pod
# joining them; stop order, the infra's protection, the errors. Shapes
# compared with podman's (rootless, --runtime runc) where podman can make
# the same objects here (created pods: it cannot start containers here).

load helpers

setup_file() {
    pm_init
}

teardown_file() {
    pm_cleanup
}

teardown() {
    local p
    for p in "${WT_PODS[@]}"; do
        w pod rm -f "$p" >/dev/null 2>&1 || true
    done
    wt_teardown
}

WT_PODS=()

# new_pod [ARGS...]: pod create --name NAME ARGS; sets POD (its name) and
# POD_ID; removed in teardown
new_pod() {
    POD="wt-pod-$BATS_TEST_NUMBER-$RANDOM"
    WT_PODS+=("$POD")
    run_warren 0 pod create --name "$POD" "$@"
    POD_ID=$output
}

# infra_of POD: its infra container's full id
infra_of() {
    w pod inspect --format '{{.InfraContainerID}}' "$1"
}

# free_port: a TCP port (20000-40000) nothing listens on now
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("0.0.0.0", 0)); print(s.getsockname()[1])'
}

# fetch PORT: the page behind 127.0.0.1:PORT (retried for 5 s while the
# server starts)
fetch() {
    local i
    for i in $(seq 50); do
        curl -sS -m 5 "http://127.0.0.1:$1/" 2>/dev/null && return 0
        sleep 0.1
    done
    curl -sS -m 5 "http://127.0.0.1:$1/"
}

# httpd in the pod on port 8080 serving TEXT
HTTPD='mkdir -p /w && echo "$0" > /w/index.html && exec httpd -f -p 8080 -h /w'

@test "pods: create makes a pod with a created infra; ps, exists and rm see it" {
    # guards: issue 11 "pod create ... pod ps ... pod exists"
    new_pod --label team=a
    [[ $POD_ID =~ ^[0-9a-f]{64}$ ]] || fail "not an id: $POD_ID"
    run_warren 0 pod exists "$POD"
    run_warren 0 pod exists "${POD_ID:0:12}"
    run_warren 1 pod exists "nope-$POD"
    run_warren 0 pod ps --filter "name=^$POD\$" \
        --format '{{.ID}} {{.Name}} {{.Status}} {{.NumberOfContainers}} {{.Labels}}'
    assert_output "${POD_ID:0:12} $POD Created 1 map[team:a]"
    # the infra: no image, warren's pause, named after the pod
    run_warren 0 ps -a --pod --filter "id=$(infra_of "$POD")" \
        --format '{{.Names}} {{.Status}} {{.Image}}|{{.Command}} {{.Pod}} {{.PodName}} {{.IsInfra}}'
    assert_output "${POD_ID:0:12}-infra Created |/warren-infra ${POD_ID:0:12} $POD true"
    run_warren 0 inspect --format '{{.Pod}} {{.IsInfra}}' "$(infra_of "$POD")"
    assert_output "$POD_ID true"
    run_warren 0 pod rm "$POD"
    assert_output "$POD_ID"
    run_warren 1 pod exists "$POD"
    run_warren 0 ps -a -q --no-trunc
    refute_output --partial "$(cut -c1-12 <<<"$POD_ID")"
}

@test "pods: two containers reach each other on localhost and share hostname, ipc and uts" {
    # guards: issue 11 "Containers in a pod reach each other on localhost and
    # share hostname and IPC" and "a two-container pod where one container
    # serves HTTP on localhost and the other fetches it"
    local ns1 ns2 ns3
    new_pod
    run_warren 0 run -d --pod "$POD" --name "$POD-srv" "$IMAGE" sh -c "$HTTPD" served-in-pod
    run_warren 0 pod ps --filter "name=^$POD\$" --format '{{.Status}} {{.NumberOfContainers}}'
    assert_output "Running 2"
    run_warren 0 run --rm --pod "$POD" "$IMAGE" sh -c \
        'for i in $(seq 50); do wget -qO- http://localhost:8080/ && exit 0; sleep 0.1; done; exit 1'
    assert_output served-in-pod
    # the pod's hostname (its name) in every member
    run_warren 0 run --rm --pod "$POD" "$IMAGE" hostname
    assert_output "$POD"
    run_warren 0 exec "$POD-srv" hostname
    assert_output "$POD"
    # the same ipc, uts and net namespaces; a container outside has others
    ns1=$(w exec "$POD-srv" sh -c 'for n in ipc uts net; do readlink /proc/self/ns/$n; done')
    ns2=$(w run --rm --pod "$POD" "$IMAGE" sh -c 'for n in ipc uts net; do readlink /proc/self/ns/$n; done')
    ns3=$(w run --rm "$IMAGE" sh -c 'for n in ipc uts net; do readlink /proc/self/ns/$n; done')
    [ -n "$ns1" ] && [ "$ns1" = "$ns2" ] || fail "members differ: '$ns1' vs '$ns2'"
    [ "$(sed -n 1p <<<"$ns1")" != "$(sed -n 1p <<<"$ns3")" ] || fail "a container outside shares the pod's ipc ns"
    [ "$(sed -n 3p <<<"$ns1")" != "$(sed -n 3p <<<"$ns3")" ] || fail "a container outside shares the pod's netns"
    # ipc for real: a POSIX message queue one member makes, the other sees
    # (the ipc namespace is the infra's); a container outside does not
    run_warren 0 exec "$POD-srv" touch /dev/mqueue/wt-pod-q
    run_warren 0 run --rm --pod "$POD" "$IMAGE" ls /dev/mqueue
    assert_output wt-pod-q
    run_warren 0 run --rm "$IMAGE" ls /dev/mqueue
    assert_output ""
    # the pid namespace is not shared by default
    run_warren 0 run --rm --pod "$POD" "$IMAGE" sh -c 'echo $$'
    assert_output 1
}

@test "pods: --share with pid: members see the infra as pid 1; --hostname names the uts" {
    new_pod --share net,ipc,uts,pid --hostname pod-host
    run_warren 0 run -d --pod "$POD" "$IMAGE" sleep 100
    run_warren 0 run --rm --pod "$POD" "$IMAGE" sh -c 'hostname; cat /proc/1/cmdline | tr "\0" " "; echo; ps -o comm | grep -cx sleep'
    assert_output "pod-host
/warren-infra 
1"
    run_warren 0 pod inspect --format '{{.Hostname}} {{.SharedNamespaces}}' "$POD"
    assert_output "pod-host [ipc net pid uts]"
}

@test "pods: --share none and --infra=false: members share nothing" {
    new_pod --infra=false
    run_warren 0 pod inspect --format '{{.CreateInfra}} {{.NumContainers}} {{.SharedNamespaces}}' "$POD"
    assert_output "false 0 []"
    run_warren 0 run -d --pod "$POD" --name "$POD-a" --hostname own-host "$IMAGE" sleep 100
    run_warren 0 exec "$POD-a" hostname
    assert_output own-host
    run_warren 0 pod ps --filter "name=^$POD\$" --format '{{.Status}} {{.NumberOfContainers}} [{{.InfraID}}]'
    assert_output "Running 1 []"
    run_warren 0 pod rm -f "$POD"
    run_warren 125 inspect "$POD-a"
}

@test "pods: -p on pod create publishes the pod's port on the host; members serve it" {
    # guards: issue 11 "a pod with a published port fetched from the host"
    local port
    port=$(free_port)
    new_pod -p "$port:8080"
    run_warren 0 pod inspect --format '{{json .InfraConfig.PortBindings}}' "$POD"
    assert_output "{\"8080/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"$port\"}]}"
    run_warren 0 run -d --pod "$POD" "$IMAGE" sh -c "$HTTPD" published-by-pod
    run fetch "$port"
    assert_success
    assert_output published-by-pod
    run_warren 0 port "$(infra_of "$POD")"
    assert_output "8080/tcp -> 0.0.0.0:$port"
}

@test "pods: pod stop stops the members in reverse start order, then the infra" {
    # guards: issue 11 "Stopping a pod stops its containers in reverse start order"
    local d=$BATS_TEST_TMPDIR/order n
    mkdir -p "$d"
    chmod 0777 "$d"
    new_pod
    for n in first second third; do
        run_warren 0 run -d --pod "$POD" --name "$POD-$n" -v "$d:/d" "$IMAGE" sh -c \
            "trap 'echo $n >> /d/order; exit 0' TERM; touch /d/up-$n; while :; do sleep 0.05; done"
        wait_for_file "$d/up-$n" 10
    done
    run_warren 0 pod stop "$POD"
    assert_output "$POD_ID"
    run cat "$d/order"
    assert_output "third
second
first"
    run_warren 0 pod ps --filter "name=^$POD\$" --format '{{.Status}}'
    assert_output Exited
    run_warren 0 inspect --format '{{.State.Status}}' "$(infra_of "$POD")"
    assert_output exited
    # pod start: the infra first, then the members in creation order
    rm -f "$d/order"
    run_warren 0 pod start "$POD"
    assert_output "$POD_ID"
    run_warren 0 pod ps --filter "name=^$POD\$" --format '{{.Status}} {{.NumberOfContainers}}'
    assert_output "Running 4"
    run_warren 0 pod restart "$POD"
    assert_output "$POD_ID"
    run cat "$d/order"
    assert_output "third
second
first"
}

@test "pods: starting a member whose infra is stopped starts the infra first" {
    new_pod
    run_warren 0 create --pod "$POD" --name "$POD-srv" "$IMAGE" sh -c "$HTTPD" started-again
    run_warren 0 inspect --format '{{.State.Status}}' "$(infra_of "$POD")"
    assert_output created
    run_warren 0 start "$POD-srv"
    run_warren 0 inspect --format '{{.State.Status}}' "$(infra_of "$POD")"
    assert_output running
    run_warren 0 run --rm --pod "$POD" "$IMAGE" sh -c \
        'for i in $(seq 50); do wget -qO- http://localhost:8080/ && exit 0; sleep 0.1; done; exit 1'
    assert_output started-again
    run_warren 0 pod stop -t 1 "$POD"
    run_warren 0 start "$POD-srv"
    run_warren 0 inspect --format '{{.State.Status}}' "$(infra_of "$POD")"
    assert_output running
}

@test "pods: create --pod new:NAME makes the pod; the member's inspect names it" {
    local name=wt-pod-new-$RANDOM
    WT_PODS+=("$name")
    run_warren 0 create --pod "new:$name" --name "$name-c" "$IMAGE" true
    run_warren 0 pod inspect --format '{{.Name}} {{.NumContainers}} {{.State}}' "$name"
    assert_output "$name 2 Created"
    run_warren 0 inspect --format '{{.Pod}} {{.IsInfra}}' "$name-c"
    assert_output "$(w pod inspect --format '{{.Id}}' "$name") false"
    run_warren 0 ps -a --pod --filter "name=^$name-c\$" --format '{{.Names}} {{.PodName}}'
    assert_output "$name-c $name"
    # ps --filter pod=: the infra and the member, oldest first
    run_warren 0 ps -a --filter "pod=$name" --format '{{.Names}}'
    assert_output "$(w pod inspect --format '{{.Id}}' "$name" | cut -c1-12)-infra
$name-c"
    run_warren 125 ps -a --filter pod=nosuchpod
    assert_last_error "no pod with name or ID nosuchpod found: no such pod"
    # an existing name is Podman's error
    run_warren 125 create --pod "new:$name" "$IMAGE" true
    assert_last_error "adding pod to state: name \"$name\" is in use: pod already exists"
}

@test "pods: the infra cannot be removed while its pod exists; pod rm -f takes members then infra" {
    # guards: issue 11 "removing the infra is impossible while members exist"
    local infra
    new_pod
    infra=$(infra_of "$POD")
    run_warren 0 run -d --pod "$POD" --name "$POD-m" "$IMAGE" sleep 100
    run_warren 125 rm -f "$infra"
    assert_last_error "container $infra is the infra container of pod $POD_ID and cannot be removed without removing the pod"
    run_warren 125 rm "${infra:0:12}"
    assert_last_error "is the infra container of pod"
    # a running member: pod rm without -f refuses
    run_warren 125 pod rm "$POD"
    assert_last_error "has containers that are not ready to be removed"
    run_warren 0 pod exists "$POD"
    # container prune leaves the infra of an existing pod alone
    run_warren 0 pod stop -t 0 "$POD"
    run_warren 0 container prune -f
    run_warren 0 inspect --format '{{.Name}}' "$infra"
    run_warren 0 pod rm -f "$POD"
    assert_output "$POD_ID"
    run_warren 125 inspect "$POD-m"
    run_warren 125 inspect "$infra"
    run_warren 1 pod exists "$POD"
}

@test "pods: rm --all removes an infra with its pod, as Podman's" {
    use_private_store
    w load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
    new_pod
    run_warren 0 create --pod "$POD" "$IMAGE" true
    run_warren 0 rm -a
    run_warren 1 pod exists "$POD"
    run_warren 0 ps -a -q
    assert_output ""
}

@test "pods: pod kill, top and logs" {
    local i
    new_pod
    run_warren 0 run -d --pod "$POD" --name "$POD-a" "$IMAGE" sh -c 'echo from-a; exec sleep 100'
    run_warren 0 run -d --pod "$POD" --name "$POD-b" "$IMAGE" sh -c 'echo from-b; exec sleep 100'
    wait_state "$POD-b" running
    run_warren 0 pod top "$POD"
    assert_line --index 0 --regexp '^USER +PID +PPID +%CPU +ELAPSED +TTY +TIME +COMMAND$'
    assert_line --regexp '/warren-infra'
    [ "$(grep -c 'sleep 100' <<<"$output")" -eq 2 ] || fail "not both members' sleep: $output"
    run_warren 0 pod top "$POD" pid,args
    assert_line --index 0 --regexp '^PID +COMMAND$'
    for ((i = 0; i < 50; i++)); do [ "$(w pod logs "$POD" | wc -l)" -eq 2 ] && break; sleep 0.1; done
    run_warren 0 pod logs "$POD"
    assert_output "from-a
from-b"
    run_warren 0 pod logs -c "$POD-b" --names "$POD"
    assert_output "$POD-b from-b"
    run_warren 0 pod kill "$POD"
    assert_output "$POD_ID"
    wait_state "$POD-a" exited
    wait_state "$POD-b" exited
    run_warren 0 pod ps --filter "name=^$POD\$" --format '{{.Status}}'
    [[ $output == Exited || $output == Stopped ]] || fail "status $output"
    # nothing runs: nothing to show, as Podman's
    run_warren 0 pod top "$POD"
    assert_output ""
    run_warren 0 pod kill "$POD"
    assert_output "$POD_ID"
}

@test "pods: pod logs -f follows every member until all have exited" {
    new_pod
    run_warren 0 run -d --pod "$POD" --name "$POD-a" "$IMAGE" sh -c 'echo a1; sleep 1.5; echo a2'
    run_warren 0 run -d --pod "$POD" --name "$POD-b" "$IMAGE" sh -c 'echo b1; sleep 1; echo b2'
    run_warren 0 pod logs -f --names "$POD"
    [ "${#lines[@]}" -eq 4 ] || fail "not 4 lines: $output"
    assert_line "$POD-a a1"
    assert_line "$POD-a a2"
    assert_line "$POD-b b1"
    assert_line "$POD-b b2"
}

@test "pods: pod prune removes the pods with no running container" {
    local keep
    new_pod
    keep=$POD
    run_warren 0 run -d --pod "$keep" "$IMAGE" sleep 100
    new_pod
    run_warren 0 create --pod "$POD" "$IMAGE" true
    run_warren 0 pod prune -f
    assert_line "$POD_ID"
    run_warren 1 pod exists "$POD"
    run_warren 0 pod exists "$keep"
}

@test "pods: ps -q, --no-trunc, --filter id/label/status/name, --ctr-names, --format json" {
    local id1 name1
    new_pod --label tier=web
    id1=$POD_ID name1=$POD
    new_pod --label tier=db
    run_warren 0 pod ps -q --filter "label=tier=web"
    assert_output "${id1:0:12}"
    run_warren 0 pod ps -q --no-trunc --filter "id=${id1:0:10}"
    assert_output "$id1"
    run_warren 0 pod ps -q --filter "name=$name1" --filter status=created
    assert_output "${id1:0:12}"
    run_warren 0 pod ps -q --filter "name=$name1" --filter status=running
    assert_output ""
    run_warren 0 pod ps --ctr-names --filter "name=^$POD\$"
    assert_line --index 0 --regexp '^POD ID +NAME +STATUS +CREATED +INFRA ID +NAMES$'
    assert_line --index 1 --regexp "^${POD_ID:0:12} +$POD +Created +.* ago +[0-9a-f]{12} +${POD_ID:0:12}-infra$"
    run_warren 0 pod ps --format json --filter "name=^$POD\$"
    run jq -r '.[0] | [.Id, .Name, .Status, .InfraId, (.Containers | length), .Labels.tier] | join(" ")' <<<"$output"
    assert_output "$POD_ID $POD Created $(infra_of "$POD") 1 db"
    run_warren 0 pod ps --noheading --filter "name=^$POD\$" --format 'table {{.Name}}'
    assert_output "$POD"
    # pod inspect of several: an array (one: an object, as Podman 4.3)
    run_warren 0 pod inspect "$name1" "$POD"
    run jq -r 'type, length, .[1].Name' <<<"$output"
    assert_output "array
2
$POD"
    run_warren 0 pod inspect --format '{{.Name}}' "$name1" "$POD"
    assert_output "$name1
$POD"
    run_warren 0 pod inspect "$POD"
    run jq -r 'type' <<<"$output"
    assert_output object
}

@test "pods: bad input gets one-line errors and Podman's exit codes" {
    # guards: issue 11 bad inputs (unknown pod, duplicate name, --pod with
    # --network container:, invalid --share, ports without an infra)
    new_pod
    run_warren 125 pod create --name "$POD"
    assert_last_error "adding pod to state: name \"$POD\" is in use: pod already exists"
    run_warren 125 pod create --share net,bogus
    assert_last_error "invalid kernel namespace to share: bogus. Options are: cgroup, ipc, net, pid, uts or none"
    run_warren 125 pod create --infra=false -p 8080:80
    assert_last_error "you must have an infra container to publish port bindings to the host"
    run_warren 125 pod create --infra=maybe
    assert_last_error 'invalid argument "maybe" for "--infra" flag'
    run_warren 125 pod create --share ipc --hostname x
    assert_last_error "cannot set hostname when not sharing the uts namespace"
    run_warren 125 pod create --name 'bad name!'
    assert_last_error "running pod create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument"
    run_warren 125 pod create --name x y
    assert_last_error "cannot specify --name and NAME at the same time"
    run_warren 125 pod create x y
    assert_last_error "accepts at most 1 arg(s), received 2"
    run_warren 1 pod exists "$POD"x
    run_warren 125 pod inspect nosuchpod
    assert_output "[]"
    assert_last_error "inspecting object: no such pod nosuchpod"
    local c
    for c in start stop restart kill pause unpause; do
        run_warren 125 pod "$c" nosuchpod
        assert_last_error 'no pod with name or ID nosuchpod found: no such pod'
    done
    run_warren 1 pod rm nosuchpod
    assert_last_error 'no pod with name or ID nosuchpod found: no such pod'
    run_warren 0 pod rm -i nosuchpod
    run_warren 125 pod top nosuchpod
    assert_last_error 'unable to look up requested container: no pod with name or ID nosuchpod found: no such pod'
    run_warren 125 pod logs nosuchpod
    assert_last_error 'no such pod'
    run_warren 125 pod kill -s NOSIG "$POD"
    assert_last_error 'invalid signal: NOSIG'
    run_warren 125 pod ps --filter bogus=1
    assert_last_error 'bogus is an invalid filter'
    run_warren 125 pod stop
    assert_last_error 'you must provide at least one name or id'
    run_warren 125 pod stop -a "$POD"
    assert_last_error 'when using the --all switch, you may not pass any pods names or IDs'
    run_warren 125 run --rm --pod nosuchpod "$IMAGE" true
    assert_last_error 'no pod with name or ID nosuchpod found: no such pod'
    run_warren 125 run --rm --pod "$POD" --network container:x "$IMAGE" true
    assert_last_error "network cannot be configured when it is shared with a pod"
    run_warren 125 run --rm --pod "$POD" --network none "$IMAGE" true
    assert_last_error "network cannot be configured when it is shared with a pod"
    run_warren 125 run --rm --pod "$POD" -p 8080:80 "$IMAGE" true
    assert_last_error "published or exposed ports must be defined when the pod is created"
    run_warren 125 run --rm --pod "$POD" --hostname h "$IMAGE" true
    assert_last_error "cannot set hostname when joining the pod UTS namespace"
    # none of that left a container behind
    run_warren 0 pod ps --filter "name=^$POD\$" --format '{{.NumberOfContainers}}'
    assert_output 1
}

@test "podman compat: pod ps table and pod inspect keys are Podman's" {
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    local p
    new_pod --label a=b -p 18080:80
    p=$(pm pod create --name "$POD" --label a=b -p 18080:80) || fail "podman pod create failed"
    # pod ps: the same header and the same row but for ids and times
    run_warren 0 pod ps --filter "name=^$POD\$"
    local mine=$output theirs
    theirs=$(pm pod ps --filter "name=^$POD\$")
    # (the widths follow the CREATED cell, "2 seconds ago" or "Less than a second ago")
    [ "$(sed -n 1p <<<"$mine" | tr -s ' ')" = "$(sed -n 1p <<<"$theirs" | tr -s ' ')" ] ||
        fail "pod ps headers differ:"$'\n'"podman: $theirs"$'\n'"warren: $mine"
    [[ $(sed -n 2p <<<"$theirs") =~ ^[0-9a-f]{12}\ \ $POD\ +Created\ +.*\ +[0-9a-f]{12}\ +1$ ]] ||
        fail "podman's row is not as expected: $theirs"
    [[ $(sed -n 2p <<<"$mine") =~ ^[0-9a-f]{12}\ \ $POD\ +Created\ +.*\ +[0-9a-f]{12}\ +1$ ]] ||
        fail "warren's row is not as expected: $mine"
    # inspect: the same key paths and types, recursively (values of
    # podman's own cgroup, netavark network and command line aside)
    local a b ign='^\.(CreateCommand|CgroupParent|CgroupPath|CreateCgroup|InfraConfig\.Networks)'
    a=$(w pod inspect "$POD" | jq -r '[paths as $p | "\($p | map(if type == "number" then "[]" else . end) | join(".")) \(getpath($p) | type)"] | unique | .[]' | sed 's/^/./' | grep -Ev "$ign")
    b=$(pm pod inspect "$POD" | jq -r '[paths as $p | "\($p | map(if type == "number" then "[]" else . end) | join(".")) \(getpath($p) | type)"] | unique | .[]' | sed 's/^/./' | grep -Ev "$ign")
    [ "$a" = "$b" ] || fail "pod inspect keys differ:"$'\n'"$(diff <(echo "$b") <(echo "$a"))"
    # values that must agree
    for f in .Name .State .Hostname .Labels .CreateInfra .NumContainers .SharedNamespaces \
        .InfraConfig.PortBindings '.Containers[0].State' .ExitPolicy; do
        # (an array in any order: Podman's SharedNamespaces come in its Go map's)
        [ "$(w pod inspect "$POD" | jq -cS "$f | if type == \"array\" then sort else . end")" = \
            "$(pm pod inspect "$POD" | jq -cS "$f | if type == \"array\" then sort else . end")" ] ||
            fail "$f differs: podman $(pm pod inspect "$POD" | jq -cS "$f"), warren $(w pod inspect "$POD" | jq -cS "$f")"
    done
    # pod ps --format json: the same keys
    a=$(w pod ps --format json --filter "name=^$POD\$" | jq -r '.[0] | keys | join(" ")')
    b=$(pm pod ps --format json --filter "name=^$POD\$" | jq -r '.[0] | keys | join(" ")')
    [ "$a" = "$b" ] || fail "pod ps json keys differ: podman $b, warren $a"
    # unknown pods: the same errors
    run_warren 125 pod inspect nosuchpod
    b=$(pm pod inspect nosuchpod 2>&1 >/dev/null) || true
    [ "$stderr" = "$b" ] || fail "podman says '$b', warren '$stderr'"
    pm pod rm -f "$POD" >/dev/null
}

@test "pods: inspect --type pod (and inspect without a type) shows a pod as Podman's" {
    # guards: podman inspect --type pod; a plain inspect finds pods after
    # containers and images
    new_pod --label k=v
    run_warren 0 inspect --type pod --format '{{.Name}} {{.Id}} {{.NumContainers}}' "$POD"
    assert_output "$POD $POD_ID 1"
    run_warren 0 inspect --format '{{.Name}}' "$POD"
    assert_output "$POD"
    # an array, even of one (pod inspect prints the object alone)
    run_warren 0 inspect --type pod "$POD"
    assert_line --index 0 "["
    run_warren 125 inspect --type pod "$POD-nope"
    assert_output "[]"
    assert_error "inspecting object: no such pod $POD-nope"
    run_warren 125 inspect --type bogus "$POD"
    assert_error "invalid --type 'bogus'"
    # a container name is no pod
    run_warren 125 inspect --type pod "$(infra_of "$POD")"
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    run pm inspect --type pod wt-no-such-pod
    assert_equal "$status" 125
    assert_output --partial "Error: inspecting object: no such pod wt-no-such-pod"
}

@test "pods: pod stats: a row per container, -- for those without a cgroup to read" {
    # guards: issue 14 "pod stats" (rootless here: this host delegates no cgroup, so -- as Podman)
    local p
    p=$(wt_name)
    run_warren 0 pod create --name "$p"
    run_warren 0 create --pod "$p" --name "$p-c" "$IMAGE" sleep 300
    run_warren 0 pod stats --no-stream --format json "$p"
    run jq -r '.[] | "\(.Name) \(.CPU) \(.MemUsage) \(.PIDS)"' <<<"$output"
    assert_line "$p-c -- -- / -- --"
    run_warren 0 pod stats --no-stream --format 'table {{.Name}}\t{{.CPU}}' "$p"
    assert_line --index 0 --regexp '^NAME +CPU %$'
    # the header as root podman prints it (rootless podman 4.3 refuses pod
    # stats on cgroup v1: root/215 has the numbers)
    run_warren 0 pod stats --no-stream "$p"
    assert_equal "$(tr -s ' ' <<<"${lines[0]}")" "POD CID NAME CPU % MEM USAGE/ LIMIT MEM % NET IO BLOCK IO PIDS"
    run_warren 125 pod stats --no-stream wt-no-such-pod
    assert_error "unable to get list of pods: no pod with name or ID wt-no-such-pod found: no such pod"
    run_warren 0 pod rm -f "$p"
}
