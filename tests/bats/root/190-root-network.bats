#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Issue 9 network modes as root: the default is the podman bridge network
# (netavark), as Podman's; what changed for root: the /etc files
# in Podman's shape, ping_group_range, slirp4netns and pasta on request,
# container:ID, and the helpers going with the container.

load ../helpers

@test "root: the default network is the podman bridge (netavark); hosts and resolv.conf in Podman's shape; ping for every gid" {
    # guards: issue 9 "Root mode: bridges on the host", "The default podman network exists"
    local name
    name=$(wt_name)
    run_warren 0 run --rm --name "$name" --hostname hh "$IMAGE" sh -c 'ip -o -4 addr show eth0; cat /proc/sys/net/ipv4/ping_group_range; cat /etc/hosts'
    assert_line --index 0 --regexp 'eth0 +inet 10\.88\.[0-9]+\.[0-9]+/16'
    assert_line $'0\t2147483647'
    assert_line --regexp $'^10\\.88\\.[0-9]+\\.[0-9]+\thh '"$name\$"
    assert_line --regexp $'^[0-9.]+\thost\\.containers\\.internal$'
    run_warren 0 inspect --format '{{.HostConfig.NetworkMode}}' "$(w create "$IMAGE" true)"
    assert_output bridge
    run_warren 0 run --rm --user 1000:1000 -v "$(wt_tool icmp_ping):/icmp_ping:ro" "$IMAGE" /icmp_ping 127.0.0.1
    assert_output "reply from 127.0.0.1"
    # nothing of the container's network is left
    [ -z "$(ls "$WT_RUNROOT/netns" 2>/dev/null)" ] || fail "netns files left: $(ls "$WT_RUNROOT/netns")"
}

@test "root: --network slirp4netns and pasta on request, container:ID, and the helper goes with the container" {
    # guards: issue 9 modes as root
    local name mon spid i
    run_warren 0 run --rm --network slirp4netns "$IMAGE" ip -o -4 addr show tap0
    assert_output --partial 'inet 10.0.2.100/24'
    name=$(wt_name)
    run_warren 0 run -d --name "$name" --network slirp4netns "$IMAGE" sleep 300
    run_warren 0 run --rm --network "container:$name" "$IMAGE" ip -o -4 addr show tap0
    assert_output --partial 'inet 10.0.2.100/24'
    # the container's monitor holds its slirp4netns
    mon=$(pgrep -f "^warren-monitor $(w inspect --format '{{.Id}}' "$name")")
    spid=$(pgrep -P "$mon" -x slirp4netns) || fail "no slirp4netns under monitor $mon"
    run_warren 0 stop -t 0 "$name"
    for ((i = 0; i < 50; i++)); do
        [ -e "/proc/$spid" ] || break
        sleep 0.1
    done
    [ ! -e "/proc/$spid" ] || fail "slirp4netns $spid outlived container $name: $(ps -o stat,args -p "$spid")"
    if command -v pasta >/dev/null; then
        run_warren 0 run --rm --network pasta "$IMAGE" ip -o -4 addr show scope global
        assert_output --partial 'inet '
    fi
}

@test "root: a pod on two bridge networks: a member reaches a container on each by name" {
    # guards: issue 12 "pods on two networks" with netavark on the host (192-bridge: rootless)
    local n1 n2 pod a b
    use_private_store # its networks go with it, whatever fails
    load_fixture busybox.docker.tar
    n1=$(wt_name)
    n2=$(wt_name)-2
    pod=$(wt_name)-pod
    a=$(wt_name)-a
    b=$(wt_name)-b
    # subnets of their own: root's bridges are the host's, other stores may have 10.89.x
    run_warren 0 network create --subnet "10.231.$((RANDOM % 250)).0/24" "$n1"
    run_warren 0 network create --subnet "10.232.$((RANDOM % 250)).0/24" "$n2"
    run_warren 0 run -d --name "$a" --network "$n1" "$IMAGE" httpd -f -p 80 -h /etc
    run_warren 0 run -d --name "$b" --network "$n2" "$IMAGE" httpd -f -p 80 -h /etc
    run_warren 0 pod create --name "$pod" --network "$n1" --network "$n2"
    run_warren 0 run --rm --pod "$pod" "$IMAGE" sh -c \
        "ip -o -4 addr | grep -c ' inet 10\\.23[12]\\.'; wget -qO- http://$a/hostname; wget -qO- http://$b/hostname"
    assert_line --index 0 2
    assert_line --index 1 "$(w inspect --format '{{.Id}}' "$a" | cut -c1-12)"
    assert_line --index 2 "$(w inspect --format '{{.Id}}' "$b" | cut -c1-12)"
    run_warren 0 pod rm -f "$pod"
    run_warren 0 rm -f -t 0 "$a" "$b"
    run_warren 0 network rm "$n1" "$n2"
}
