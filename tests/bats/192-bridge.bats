#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Issue 9, bridge networks, rootless: netavark makes them inside one
# shared rootless network namespace (held by warren-netns, with its own
# slirp4netns for the way out), aardvark-dns answers for the containers'
# names and aliases, addresses are given at create (--ip asks for one),
# and the namespace goes with the last container on a network. podman's
# inspect is the reference for NetworkSettings.Networks.

load helpers

setup_file() {
    pm_init
    [ -z "$PM_SKIP" ] || return 0
    pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
}

teardown_file() {
    pm_cleanup
}

# netns_procs: this user's processes of the rootless network namespace
# (zombies included: one left unreaped counts)
netns_procs() {
    { pgrep -u "$(id -u)" -x warren-netns; pgrep -u "$(id -u)" -x aardvark-dns; } | tr '\n' ' ' || true
}

# wait_netns_gone SECONDS: the holder and aardvark-dns are gone, and no
# container's netns file is left
wait_netns_gone() {
    local i
    for ((i = 0; i < $1 * 20; i++)); do
        [ -z "$(netns_procs)" ] && [ -z "$(ls "$WT_RUNROOT/netns" 2>/dev/null)" ] && return 0
        sleep 0.05
    done
    fail "left over: processes [$(netns_procs)] files [$(ls "$WT_RUNROOT/netns" 2>/dev/null)]"
}

# mknet: a new network with DNS (NET is its name); removed in teardown
mknet() {
    NET=$(wt_name)
    run_warren 0 network create "$@" "$NET"
    WT_NETS+=("$NET")
}

WT_NETS=()
teardown() {
    local n
    wt_teardown
    for n in "${WT_NETS[@]}"; do w network rm -f "$n" >/dev/null 2>&1 || true; done
}

@test "bridge: two containers on a network reach each other by name and by --network-alias" {
    # guards: issue 9 "Containers on one network reach each other by name and by alias"
    local web id12
    use_private_store
    load_fixture busybox.docker.tar
    mknet
    web=$(wt_name)
    run_warren 0 run -d --name "$web" --network "$NET" --network-alias www "$IMAGE" httpd -f -p 80 -h /etc
    run_warren 0 run --rm --network "$NET" "$IMAGE" sh -c \
        "cat /etc/resolv.conf; wget -qO- http://$web/hostname; wget -qO- http://www/hostname; wget -qO- http://$web.dns.podman/hostname"
    assert_line --index 0 --regexp '^search dns\.podman'
    assert_line --index 1 --regexp '^nameserver 10\.89\.[0-9]+\.1$'
    id12=$(w inspect --format '{{.Id}}' "$web" | cut -c1-12)
    [ "$(grep -cx "$id12" <<<"$output")" -eq 3 ] || fail "not three answers from $web: $output"
    # its own address and name in its /etc/hosts
    run_warren 0 exec "$web" sh -c 'cat /etc/hosts; ip -o -4 addr show eth0'
    assert_line --regexp $'^10\\.89\\.[0-9]+\\.2\t'"[0-9a-f]{12} $web\$"
    assert_output --regexp 'inet 10\.89\.[0-9]+\.2/24'
}

@test "bridge: works from a PATH without /usr/sbin (a Debian user's), where netavark's iptables lives" {
    # guards: docs/rootless/networking.md's example failed for a user with PATH=/usr/bin:/bin:
    # "netavark setup: No such file or directory (os error 2)" (netavark runs iptables from PATH)
    [ -x /usr/sbin/iptables ] || skip "needs /usr/sbin/iptables (Debian's place)"
    local web
    use_private_store
    load_fixture busybox.docker.tar
    mknet
    web=$(wt_name)
    run_warren_env 0 PATH=/usr/bin:/bin -- run -d --name "$web" --network "$NET" "$IMAGE" httpd -f -p 80 -h /etc
    run_warren_env 0 PATH=/usr/bin:/bin -- run --rm --network "$NET" "$IMAGE" wget -qO- "http://$web/hostname"
    assert_output "$(w inspect --format '{{.Id}}' "$web" | cut -c1-12)"
}

@test "bridge: addresses come in order, --ip asks for one; taken, outside or unwanted --ip fail with one line" {
    # guards: issue 9 "--ip on user networks"
    local a b sub
    use_private_store
    load_fixture busybox.docker.tar
    mknet --subnet 10.123.7.0/24
    a=$(w create --network "$NET" "$IMAGE" true)
    b=$(w create --network "$NET" --ip 10.123.7.50 "$IMAGE" ip -o -4 addr show eth0)
    run_warren 0 inspect --format '{{json .NetworkSettings.Networks}}' "$a"
    run_warren 0 start -a "$b"
    assert_output --partial 'inet 10.123.7.50/24'
    run_warren 0 run --rm --network "$NET" "$IMAGE" ip -o -4 addr show eth0
    assert_output --partial 'inet 10.123.7.3/24'
    run_warren 125 create --network "$NET" --ip 10.123.7.50 "$IMAGE" true
    assert_error "IPAM error: requested ip address 10.123.7.50 is already allocated on network $NET"
    [ "${#stderr_lines[@]}" -eq 1 ]
    run_warren 125 create --network "$NET" --ip 10.9.9.9 "$IMAGE" true
    assert_error "requested static ip 10.9.9.9 not in any subnet on network $NET"
    run_warren 125 create --ip 10.123.7.9 "$IMAGE" true
    assert_error "--ip can only be set when the network mode is bridge"
    run_warren 125 create --network-alias x "$IMAGE" true
    assert_error "--network-alias can only be set when the network mode is bridge"
    run_warren 125 create --network "$NET" --network wt-no-such-net "$IMAGE" true
    assert_error "unable to find network with name or ID wt-no-such-net: network not found"
    run_warren 125 create --network "$NET" --network none "$IMAGE" true
    assert_error "cannot set multiple networks without bridge network mode, selected mode none"
    run_warren 125 create --network "$NET:ip=10.123.7.9,bogus=1" "$IMAGE" true
    assert_error "unknown option for network $NET: \"bogus=1\""
    run_warren 125 create --network "$NET" --network "$NET" "$IMAGE" true
    assert_error "network $NET is given twice"
    # a removed container's address is free again
    w rm -f "$b" >/dev/null
    run_warren 0 run --rm --network "$NET:ip=10.123.7.50" "$IMAGE" ip -o -4 addr show eth0
    assert_output --partial 'inet 10.123.7.50/24'
    # a full subnet
    mknet --subnet 10.123.8.0/30
    sub=$NET
    w create --network "$sub" "$IMAGE" true >/dev/null
    run_warren 125 create --network "$sub" "$IMAGE" true
    assert_error "IPAM error: no address left on network $sub"
}

@test "bridge: concurrent creates on one network never get the same address" {
    # guards: issue 9 addresses (a lock around the choice and the record)
    local i
    use_private_store
    load_fixture busybox.docker.tar
    mknet
    # (a bare `wait` would wait for bats's own timeout sleep too)
    local pids=()
    for i in 1 2 3 4 5 6; do
        w run -d --network "$NET" "$IMAGE" sleep 300 >/dev/null &
        pids+=($!)
    done
    wait "${pids[@]}"
    run_warren 0 ps --format '{{.ID}}'
    [ "${#lines[@]}" -eq 6 ] || fail "not 6 running containers: $output"
    run bash -c "for c in ${lines[*]}; do '$WARREN' --root '$WT_ROOT' --runroot '$WT_RUNROOT' inspect --format '{{(index .NetworkSettings.Networks \"$NET\").IPAddress}}' \$c; done | sort"
    [ "${#lines[@]}" -eq 6 ] || fail "not 6 addresses: $output"
    [ -z "$(printf '%s\n' "${lines[@]}" | uniq -d)" ] || fail "addresses given twice: $output"
}

@test "bridge: several networks: eth0 and eth1, each with its address" {
    # guards: issue 9 "--network NAME" repeated
    local n1
    use_private_store
    load_fixture busybox.docker.tar
    mknet
    n1=$NET
    mknet
    run_warren 0 run --rm --network "$n1" --network "$NET" "$IMAGE" ip -o -4 addr
    assert_output --regexp 'eth0 +inet 10\.89\.'
    assert_output --regexp 'eth1 +inet 10\.89\.'
}

@test "bridge: the rootless namespace starts with the first container and goes with the last (foreground, -d + stop, rm -f)" {
    # guards: issue 9 "one shared rootless network namespace per user, held by ... a small holder"
    local c1 c2 rss
    use_private_store
    load_fixture busybox.docker.tar
    mknet
    wait_netns_gone 5
    run_warren 0 run --rm --network "$NET" "$IMAGE" true
    wait_netns_gone 5
    c1=$(w run -d --network "$NET" "$IMAGE" sleep 300)
    c2=$(w run -d --network "$NET" "$IMAGE" sleep 300)
    [ -n "$(pgrep -u "$(id -u)" -x warren-netns)" ] || fail "no warren-netns while containers run"
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$(pgrep -u "$(id -u)" -x warren-netns | head -1)/status")
    [ "$rss" -lt 1024 ] || fail "warren-netns uses $rss KiB"
    run_warren 0 stop -t 0 "$c1"
    [ -n "$(pgrep -u "$(id -u)" -x warren-netns)" ] || fail "the namespace went while $c2 runs"
    run_warren 0 rm -f "$c2"
    wait_netns_gone 5
    # a restart reconnects it
    run_warren 0 start "$c1"
    run_warren 0 exec "$c1" ip -o -4 addr show eth0
    assert_output --regexp 'inet 10\.89\.'
    run_warren 0 rm -f -t 0 "$c1"
    wait_netns_gone 5
}

@test "bridge: -p publishes a port of a container on a network" {
    # guards: issue 9 published ports with networks
    local port name
    use_private_store
    load_fixture busybox.docker.tar
    mknet
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    name=$(wt_name)
    run_warren 0 run -d --name "$name" --network "$NET" -p "127.0.0.1:$port:80" "$IMAGE" httpd -f -p 80 -h /etc
    run curl -sS --retry 20 --retry-delay 0 --retry-connrefused "http://127.0.0.1:$port/hostname"
    assert_success
    assert_output "$(w inspect --format '{{.Id}}' "$name" | cut -c1-12)"
}

@test "bridge: --network bridge is the default network podman (10.88.0.0/16) rootless too" {
    # guards: issue 9 "The default podman network exists"
    use_private_store
    load_fixture busybox.docker.tar
    run_warren 0 run --rm --network bridge "$IMAGE" ip -o -4 addr show eth0
    assert_output --regexp 'inet 10\.88\.0\.[0-9]+/16'
    wait_netns_gone 5
}

@test "bridge: inspect's NetworkSettings.Networks has podman's keys and values" {
    # guards: issue 9 "network inspect output matches" (the container side)
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    local name pnet keys pkeys
    use_private_store
    load_fixture busybox.docker.tar
    mknet
    name=$(wt_name)
    run_warren 0 run -d --name "$name" --network "$NET" --network-alias al "$IMAGE" sleep 300
    run_warren 0 inspect --format '{{json .NetworkSettings.Networks}}' "$name"
    keys=$(jq -c "[.\"$NET\" | keys[]]" <<<"$output")
    jq -e --arg n "$NET" '.[$n].IPAddress | test("^10\\.89\\.")' <<<"$output" >/dev/null || fail "$output"
    jq -e --arg n "$NET" '.[$n].Aliases | index("al")' <<<"$output" >/dev/null || fail "$output"
    jq -e --arg n "$NET" '.[$n].MacAddress | test("^[0-9a-f:]{17}$")' <<<"$output" >/dev/null || fail "$output"
    pnet=wt-pm-$RANDOM
    pm network create "$pnet" >/dev/null
    if ! pm run -d --name "$name" --network "$pnet" "$IMAGE" sleep 300 >/dev/null 2>&1; then
        pm network rm -f "$pnet" >/dev/null 2>&1
        skip "podman cannot run a rootless container on a bridge network here"
    fi
    pkeys=$(pm inspect --format '{{json .NetworkSettings.Networks}}' "$name" | jq -c "[.\"$pnet\" | keys[]]")
    pm rm -f -t 0 "$name" >/dev/null
    pm network rm -f "$pnet" >/dev/null
    [ "$keys" = "$pkeys" ] || fail "keys differ: warren $keys, podman $pkeys"
}

@test "bridge: a container resolves another by name at once, every time (aardvark-dns's reload after each setup is waited for)" {
    # guards: Debian 12's aardvark-dns 1.4 reopens its sockets on every
    # netavark setup; a query in that moment was refused (2-6 of 30 under load)
    local c i fails=0
    use_private_store
    load_fixture busybox.docker.tar
    mknet
    c=$(w run -d --network "$NET" --name "$NET-a" "$IMAGE" sleep 300)
    for i in $(seq 20); do
        w run --rm --network "$NET" "$IMAGE" nslookup "$NET-a" >/dev/null 2>&1 || fails=$((fails + 1))
    done
    [ "$fails" = 0 ] || fail "$fails of 20 lookups failed"
    w rm -f -t 0 "$c" >/dev/null
}

@test "bridge: network connect and disconnect, running and stopped, and their errors" {
    # guards: issue 9 "network connect/disconnect"
    local c n1 plain
    use_private_store
    load_fixture busybox.docker.tar
    mknet
    n1=$NET
    mknet
    c=$(w run -d --network "$n1" "$IMAGE" sleep 300)
    run_warren 0 network connect --alias extra "$NET" "$c"
    run_warren 0 exec "$c" ip -o -4 addr show eth1
    assert_output --regexp 'inet 10\.89\.'
    run_warren 0 run --rm --network "$NET" "$IMAGE" nslookup extra
    assert_output --partial 'Address: 10.89.'
    run_warren 125 network connect "$NET" "$c"
    assert_error "container $(w inspect --format '{{.Name}}' "$c") is already connected to network $NET"
    run_warren 0 network disconnect "$NET" "$c"
    run_warren 0 exec "$c" ip -o link
    refute_output --partial eth1
    run_warren 125 network disconnect "$NET" "$c"
    assert_error "is not connected to network $NET"
    run_warren 125 network connect "$NET" wt-no-such-ctr
    assert_error 'no container with name or ID "wt-no-such-ctr" found: no such container'
    run_warren 125 network connect wt-no-such-net "$c"
    assert_error "unable to find network with name or ID wt-no-such-net: network not found"
    run_warren 125 network connect --ip bad "$NET" "$c"
    assert_error "bad is not an ip address"
    run_warren 125 network connect "$NET"
    assert_error "network connect requires exactly 2 arguments: NETWORK CONTAINER"
    plain=$(w create --network none "$IMAGE" true)
    run_warren 125 network connect "$NET" "$plain"
    assert_error "is not on bridge networks (its network mode is none)"
    # a stopped container keeps the address for its next start
    run_warren 0 stop -t 0 "$c"
    run_warren 0 network connect "$NET" "$c"
    run_warren 0 start "$c"
    run_warren 0 exec "$c" ip -o -4 addr show eth1
    assert_output --regexp 'inet 10\.89\.'
    run_warren 0 rm -f -t 0 "$c"
    wait_netns_gone 5
}

@test "bridge: a network with an IPv6 subnet gives IPv4 and IPv6 addresses; --ip6 asks for one; others reach it by name over IPv6" {
    # guards: issue 9 "IPv6" on bridge networks (dual stack, as Podman's --ipv6)
    local c ip6 sub6
    use_private_store
    load_fixture busybox.docker.tar
    mknet --ipv6
    sub6=$(w network inspect "$NET" --format '{{range .Subnets}}{{.Subnet}} {{end}}' | tr ' ' '\n' | grep : | head -n1)
    [ -n "$sub6" ] || fail "network create --ipv6 made no IPv6 subnet"
    c=$(w run -d --network "$NET" "$IMAGE" httpd -f -p 8080 -h /etc)
    run_warren 0 inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{.GlobalIPv6Address}}/{{.GlobalIPv6PrefixLen}} {{.IPv6Gateway}}{{end}}' "$c"
    [[ $output =~ ^10\.89\.[0-9]+\.2\ ([0-9a-f:]+::2)/64\ ([0-9a-f:]+::1)$ ]] || fail "inspect: $output"
    ip6=${BASH_REMATCH[1]}
    run_warren 0 exec "$c" ip -o -6 addr show eth0 scope global
    assert_output --partial "inet6 $ip6/64"
    # by name, over IPv6 (aardvark-dns answers AAAA too)
    run_warren 0 run --rm --network "$NET" "$IMAGE" wget -q -O - "http://[$ip6]:8080/hostname"
    assert_output "$(w inspect --format '{{.Config.Hostname}}' "$c")"
    run_warren 0 run --rm --network "$NET" "$IMAGE" nslookup -type=aaaa "$(w inspect --format '{{.Name}}' "$c")"
    assert_output --partial "$ip6"
    # --ip6 asks for one; taken, outside and not-IPv6 values fail with one line
    run_warren 0 run --rm --network "$NET" --ip6 "${sub6%%::*}::77" "$IMAGE" ip -o -6 addr show eth0 scope global
    assert_output --partial "${sub6%%::*}::77/64"
    run_warren 125 run --rm --network "$NET" --ip6 "$ip6" "$IMAGE" true
    assert_error "requested ip address $ip6 is already allocated on network $NET"
    run_warren 125 run --rm --network "$NET" --ip6 fd00:dead::1 "$IMAGE" true
    assert_error "requested static ip fd00:dead::1 not in any subnet on network $NET"
    run_warren 125 run --rm --network "$NET" --ip6 10.1.2.3 "$IMAGE" true
    assert_error "10.1.2.3 is not an IPv6 address"
    run_warren 125 run --rm --network none --ip6 "$ip6" "$IMAGE" true
    assert_error "--ip6 can only be set when the network mode is bridge"
    run_warren 0 rm -f -t 0 "$c"
}

@test "bridge: network reload sets a running container's networks up again, same addresses; its errors are Podman's" {
    # guards: issue 9 "network reload"
    local c ip stopped
    use_private_store
    load_fixture busybox.docker.tar
    mknet
    c=$(w run -d --network "$NET" "$IMAGE" sleep 300)
    ip=$(w exec "$c" ip -o -4 addr show eth0)
    run_warren 0 network reload "$c"
    assert_output "$c"
    run_warren 0 exec "$c" ip -o -4 addr show eth0
    assert_equal "$(awk '{print $4}' <<<"$output")" "$(awk '{print $4}' <<<"$ip")"
    # and it still finds others by name through aardvark-dns (which the
    # teardown of the network's only container stopped, and the setup
    # started again: it may take a moment to answer, as with podman)
    run_warren 0 run --rm --network "$NET" "$IMAGE" sh -c \
        "for i in \$(seq 20); do nslookup $(w inspect --format '{{.Name}}' "$c") && exit 0; sleep 0.25; done; exit 1"
    assert_output --partial 'Address: 10.89.'
    run_warren 0 network reload --all
    assert_output "$c"
    run_warren 0 network reload -l
    assert_output "$c"
    stopped=$(w create --network "$NET" "$IMAGE" true)
    run_warren 125 network reload "$stopped"
    assert_error "cannot reload network unless container network has been configured: container state improper"
    run_warren 125 network reload
    assert_error "you must provide at least one name or id"
    run_warren 125 network reload wt-no-such-ctr
    assert_error 'no container with name or ID "wt-no-such-ctr" found: no such container'
    run_warren 125 network reload --all "$c"
    run_warren 0 rm -f -t 0 "$c" "$stopped"
}

@test "bridge: without netavark (helper_binaries_dir elsewhere) run --network NET and system check say what to install" {
    # guards: issue 9 "tells the user the exact fix"; issue 10 helper_binaries_dir
    local conf=$BATS_TEST_TMPDIR/containers.conf
    use_private_store
    load_fixture busybox.docker.tar
    mknet
    printf '[engine]\nhelper_binaries_dir = ["%s/empty"]\n' "$BATS_TEST_TMPDIR" >"$conf"
    mkdir -p "$BATS_TEST_TMPDIR/empty"
    run_warren_env 125 CONTAINERS_CONF="$conf" PATH=/usr/bin:/bin -- run --rm --network "$NET" "$IMAGE" true
    assert_error "netavark not found (bridge networks need it): install the netavark and aardvark-dns packages (apt-get install netavark aardvark-dns), or use --network slirp4netns, pasta, host or none"
    run_warren_env 0 CONTAINERS_CONF="$conf" PATH=/usr/bin:/bin -- system check --host
    assert_line --regexp '^warn +netavark +netavark not found: no bridge networks'
    assert_line --regexp "^ +fix: ask an admin to run 'apt-get install aardvark-dns'"
    run_warren_env 0 CONTAINERS_CONF="$conf" PATH=/usr/bin:/bin -- info --format '{{.Host.NetworkBackend}}'
    assert_output ""
    run_warren 0 info --format '{{.Host.NetworkBackend}}'
    assert_output netavark
}

@test "bridge: system prune removes the networks no container uses (Deleted Networks), as podman's" {
    # guards: issue 10 "system prune" ("all networks not used by at least one container")
    local used
    use_private_store
    load_fixture busybox.docker.tar
    mknet
    used=$NET
    mknet
    w run -d --network "$used" "$IMAGE" sleep 300 >/dev/null
    run_warren 0 system prune -f
    assert_output --partial "Deleted Networks
$NET"
    run_warren 0 network exists "$used"
    run_warren 1 network exists "$NET"
    run_warren 0 network exists podman
}

@test "bridge: ps --filter network=NET; the doc messages of bridge networks (netavark-missing, net-ip-taken)" {
    # guards: issue 10 "every documented message gets a test"; ps --filter network as Podman's
    local a b conf=$BATS_TEST_TMPDIR/containers.conf
    load docmsg
    use_private_store
    load_fixture busybox.docker.tar
    mknet --subnet 10.124.0.0/24
    a=$(w create --name "$(wt_name)-a" --network "$NET" --ip 10.124.0.9 "$IMAGE" true)
    b=$(w create --name "$(wt_name)-b" "$IMAGE" true)
    run_warren 0 ps -a --no-trunc --filter "network=$NET" --format '{{.ID}}'
    assert_output "$a"
    run_warren 0 ps -a --no-trunc --filter "network=wt-none-such" --format '{{.ID}}'
    assert_output ""
    run_warren 125 create --network "$NET" --ip 10.124.0.9 "$IMAGE" true
    assert_doc_msg net-ip-taken "$stderr" IP=10.124.0.9 NET="$NET"
    printf '[engine]\nhelper_binaries_dir = ["%s/empty"]\n' "$BATS_TEST_TMPDIR" >"$conf"
    run_warren_env 125 CONTAINERS_CONF="$conf" PATH=/usr/bin:/bin -- run --rm --network "$NET" "$IMAGE" true
    assert_doc_msg netavark-missing "$stderr"
    : "$b"
}

@test "bridge: a pod on two networks: its infra has an address on each, its containers reach a container on each by name" {
    # guards: issue 12 "pods on two networks" (podman 4.3's pod create --network a --network b)
    local n1 n2 pod a b
    use_private_store
    load_fixture busybox.docker.tar
    mknet
    n1=$NET
    mknet
    n2=$NET
    pod=$(wt_name)
    a=$(wt_name)-a
    b=$(wt_name)-b
    run_warren 0 run -d --name "$a" --network "$n1" "$IMAGE" httpd -f -p 80 -h /etc
    run_warren 0 run -d --name "$b" --network "$n2" "$IMAGE" httpd -f -p 80 -h /etc
    run_warren 0 pod create --name "$pod" --network "$n1" --network "$n2"
    run_warren 0 pod inspect --format '{{.InfraConfig.Networks}}' "$pod"
    assert_output "[$n1 $n2]"
    run_warren 0 run --rm --pod "$pod" "$IMAGE" sh -c \
        "ip -o -4 addr | grep -c ' inet 10\\.89\\.'; wget -qO- http://$a/hostname; wget -qO- http://$b/hostname"
    assert_line --index 0 2
    assert_line --index 1 "$(w inspect --format '{{.Id}}' "$a" | cut -c1-12)"
    assert_line --index 2 "$(w inspect --format '{{.Id}}' "$b" | cut -c1-12)"
    # the infra's inspect: an address on each network
    local infra
    infra=$(w pod inspect --format '{{.InfraContainerID}}' "$pod")
    run_warren 0 inspect --format "{{(index .NetworkSettings.Networks \"$n1\").IPAddress}} {{(index .NetworkSettings.Networks \"$n2\").IPAddress}}" "$infra"
    local ip1=${output% *} ip2=${output#* }
    run_warren 0 network inspect --format '{{range .Subnets}}{{.Subnet}}{{end}}' "$n1" "$n2"
    assert_equal "${lines[0]}" "${ip1%.*}.0/24"
    assert_equal "${lines[1]}" "${ip2%.*}.0/24"
    # a restart of the pod sets both up again
    run_warren 0 run -d --pod "$pod" --name "$pod-m" "$IMAGE" sleep 1000
    run_warren 0 pod restart -t 0 "$pod"
    run_warren 0 exec "$pod-m" sh -c "ip -o -4 addr | grep -c ' inet 10\.89\.'; wget -qO- http://$b/hostname"
    assert_line --index 0 2
    assert_line --index 1 "$(w inspect --format '{{.Id}}' "$b" | cut -c1-12)"
    # a mode that is no bridge network cannot be one of several
    run_warren 125 pod create --name "$pod-bad" --network "$n1" --network host
    assert_last_error "cannot set multiple networks without bridge network mode, selected mode host"
    run_warren 1 pod exists "$pod-bad"
    run_warren 0 pod rm -f "$pod"
    run_warren 0 rm -f -t 0 "$a" "$b"
}
