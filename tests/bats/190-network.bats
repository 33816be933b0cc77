#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Issue 9, network modes: the rootless default slirp4netns (its options,
# its lifetime tied to the container's in the foreground, detached and
# across restarts), pasta, none, container:, ns:, the containers.conf
# default, /etc/resolv.conf and /etc/hosts with --dns*, --add-host,
# --no-hosts (compared with podman's), --mac-address, unprivileged ping,
# inspect, and the errors. Nothing here reaches beyond this machine.

load helpers

setup_file() {
    pm_init
    [ -z "$PM_SKIP" ] || return 0
    pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
}

teardown_file() {
    pm_cleanup
}

# helpers_of: the pids of slirp4netns and pasta processes of this user,
# zombies included (a helper left unreaped counts as left over)
helpers_of() {
    { pgrep -u "$(id -u)" -x slirp4netns; pgrep -u "$(id -u)" -x pasta; } | tr '\n' ' ' || true
}

# helper_args: the command lines of those helpers
helper_args() {
    local p
    for p in $(helpers_of); do
        tr '\0' ' ' <"/proc/$p/cmdline"
        echo
    done
}

# wait_no_helpers SECONDS: polls until this user has no helper left
wait_no_helpers() {
    local i
    for ((i = 0; i < $1 * 20; i++)); do
        [ -z "$(helpers_of)" ] && return 0
        sleep 0.05
    done
    fail "network helpers left over: $(helper_args)"
}

# http_on_loopback: a python http.server on the host's 127.0.0.1 serving a
# file "hello"; sets PORT (killed in teardown)
http_on_loopback() {
    local d=$BATS_TEST_TMPDIR/www
    mkdir -p "$d"
    echo hello-from-host >"$d/hello"
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    python3 -m http.server --bind 127.0.0.1 --directory "$d" "$PORT" >/dev/null 2>&1 &
    WT_BG_PIDS+=($!)
    local i
    for ((i = 0; i < 100; i++)); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1)" 2>/dev/null && return 0
        sleep 0.05
    done
    fail "http.server did not start on 127.0.0.1:$PORT"
}

@test "network: the rootless default is slirp4netns: tap0 10.0.2.100/24, mtu 65520, a default route via 10.0.2.2" {
    # guards: issue 9 "Rootless default: slirp4netns ... --configure --mtu=65520"
    run_warren 0 run --rm "$IMAGE" sh -c 'ip -o -4 addr show; ip route; cat /sys/class/net/tap0/mtu'
    assert_output --regexp 'tap0 +inet 10\.0\.2\.100/24 '
    assert_output --regexp '1: lo +inet 127\.0\.0\.1/8'
    assert_line --regexp '^default via 10\.0\.2\.2 dev tap0'
    assert_line 65520
}

@test "network: slirp4netns options become its flags: mtu, cidr, allow_host_loopback, enable_ipv6, outbound_addr, mac" {
    # guards: issue 9 "--network slirp4netns[:allow_host_loopback=true,mtu=N,cidr=..,port_handler=..]"
    local name args
    name=$(wt_name)
    run_warren 0 run -d --name "$name" --mac-address 02:42:ac:11:00:07 \
        --network slirp4netns:mtu=1500,cidr=10.5.0.0/24,allow_host_loopback=true,enable_ipv6=false,outbound_addr=127.0.0.1,port_handler=rootlesskit \
        "$IMAGE" sleep 300
    run_warren 0 exec "$name" sh -c 'ip -o -4 addr show tap0; cat /sys/class/net/tap0/mtu /sys/class/net/tap0/address; ip route; cat /etc/resolv.conf'
    assert_output --regexp 'inet 10\.5\.0\.100/24 '
    assert_line 1500
    assert_line 02:42:ac:11:00:07
    assert_line --regexp '^default via 10\.5\.0\.2 '
    assert_line --index 0 --partial 'tap0'
    assert_line 'nameserver 10.5.0.3'
    args=$(helper_args)
    [[ $args == *"--outbound-addr=127.0.0.1"* ]] || fail "no --outbound-addr: $args"
    [[ $args != *"--disable-host-loopback"* ]] || fail "allow_host_loopback=true still disables it: $args"
    [[ $args != *"--enable-ipv6"* ]] || fail "enable_ipv6=false still enables it: $args"
    [[ $args == *"--enable-sandbox --enable-seccomp"* ]] || fail "not sandboxed: $args"
    run_warren 0 inspect --format '{{.HostConfig.NetworkMode}} {{.NetworkSettings.IPAddress}} {{.NetworkSettings.Gateway}} {{.NetworkSettings.IPPrefixLen}} {{.NetworkSettings.MacAddress}}' "$name"
    assert_output "slirp4netns 10.5.0.100 10.5.0.2 24 02:42:ac:11:00:07"
    run_warren 0 rm -f -t 0 "$name"
}

@test "network: the host's loopback is out of reach by default, and reachable at 10.0.2.2 with allow_host_loopback=true" {
    # guards: issue 9 "--disable-host-loopback" default and allow_host_loopback=true
    http_on_loopback
    # (busybox's wget -T crashes here: busybox's timeout bounds it instead)
    run_warren '!0' run --rm "$IMAGE" timeout 5 wget -q -O - "http://10.0.2.2:$PORT/hello"
    refute_output --partial hello-from-host
    run_warren 0 run --rm --network slirp4netns:allow_host_loopback=true "$IMAGE" \
        timeout 5 wget -q -O - "http://10.0.2.2:$PORT/hello"
    assert_output hello-from-host
}

@test "network: /etc/hosts and /etc/resolv.conf as podman writes them (default and with --dns*, --add-host, --hostname)" {
    # guards: issue 9 "/etc/resolv.conf (host's, loopback resolvers replaced by the slirp DNS) ... /etc/hosts"
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    local flags want
    for flags in "--network slirp4netns" \
        "--network slirp4netns:allow_host_loopback=true --add-host foo:1.2.3.4 --add-host v6:fd00::7 --dns 192.0.2.53 --dns-search example.com --dns-option ndots:2" \
        "--network slirp4netns:cidr=10.7.0.0/24 --dns-search ." \
        "--network host"; do
        # shellcheck disable=SC2086
        want=$(pm run --rm --hostname hh --name "$(wt_name)" $flags "$IMAGE" sh -c 'cat /etc/hosts; echo ---; cat /etc/resolv.conf' 2>&1 | sed 's/wt-190-network-[0-9-]*/NAME/')
        # shellcheck disable=SC2086
        run_warren 0 run --rm --hostname hh --name "$(wt_name)" $flags "$IMAGE" sh -c 'cat /etc/hosts; echo ---; cat /etc/resolv.conf'
        # shellcheck disable=SC2001 # a pattern, not a fixed string
        assert_equal "$(sed 's/wt-190-network-[0-9-]*/NAME/' <<<"$output")" "$want"
    done
}

@test "network: resolv.conf keeps no loopback resolver and puts 10.0.2.3 first; hosts names the container and host.containers.internal" {
    # guards: issue 9 "host's, with loopback resolvers replaced by the slirp DNS address", "host.containers.internal"
    local name ns
    name=$(wt_name)
    run_warren 0 run --rm --name "$name" --hostname hh "$IMAGE" sh -c 'cat /etc/resolv.conf; echo ---; cat /etc/hosts'
    assert_line --index 0 'nameserver 10.0.2.3'
    refute_line --regexp '^nameserver (127\.|::1)'
    while read -r ns; do
        assert_line "nameserver $ns"
    done < <(awk '$1 == "nameserver" && $2 !~ /^(127\.|::1)/ {print $2}' /etc/resolv.conf)
    assert_line "$(printf '10.0.2.100\thh %s' "$name")"
    assert_line --regexp $'^[0-9.]+\thost\\.containers\\.internal$'
}

@test "network: --no-hosts keeps the image's /etc/hosts, --dns none writes no resolv.conf" {
    # guards: issue 9 "--no-hosts", "--dns=none"
    run_warren 0 run --rm --no-hosts --dns none "$IMAGE" sh -c 'cat /etc/hosts /etc/resolv.conf 2>/dev/null; true'
    refute_output --partial host.containers.internal
    refute_output --partial nameserver
    run_warren 0 run --rm --dns=none "$IMAGE" cat /etc/hosts
    assert_output --partial host.containers.internal
}

@test "network: bad --network, --dns*, --add-host and --mac-address values exit 125 with one clear line" {
    # guards: issue 9 hostile input for every network parser
    local bad
    while IFS='|' read -r bad want; do
        # shellcheck disable=SC2086
        run_warren 125 run --rm $bad "$IMAGE" true
        assert_error "$want"
        [ "${#stderr_lines[@]}" -eq 1 ] || fail "more than one line for '$bad': $stderr"
    done <<'EOF'
--network bogus|unable to find network with name or ID bogus: network not found
--network slirp4netns:bogus=1|unknown option for slirp4netns: "bogus=1"
--network slirp4netns:mtu=abc|invalid mtu "abc"
--network slirp4netns:mtu=0|invalid mtu "0"
--network slirp4netns:mtu=70000|invalid mtu "70000"
--network slirp4netns:cidr=bad|invalid cidr "bad"
--network slirp4netns:cidr=10.0.2.0/30|invalid cidr "10.0.2.0/30"
--network slirp4netns:port_handler=x|unknown port_handler for slirp4netns: "x"
--network slirp4netns:allow_host_loopback=yes|invalid value of allow_host_loopback
--network slirp4netns:outbound_addr=eth0:1|invalid outbound_addr
--network container:|namespace mode container requires a value
--network ns:|namespace mode path requires a value
--network ns:/nonexistent/netns|cannot find specified network namespace path: stat /nonexistent/netns
--network container:wt-no-such-ctr|no container with name or ID "wt-no-such-ctr" found
--network bridge:bogus=1|unknown option for network podman: "bogus=1"
--network a/b|unable to find network with name or ID a/b: network not found
--add-host foo|bad format for add-host: "foo"
--add-host foo:bad|invalid IP address in add-host: "bad"
--add-host foo:1.2.3.4:5|invalid IP address in add-host: "1.2.3.4:5"
--add-host f#o:1.2.3.4|invalid host name in add-host
--dns bad|bad is not an ip address
--dns 1.2.3|1.2.3 is not an ip address
--mac-address zz:zz:zz:zz:zz:zz|invalid MAC address
--mac-address 01:00:5e:00:00:01|a multicast address
--network none --dns 1.1.1.1|conflicting options: dns and the network mode: none
--network none --mac-address 02:00:00:00:00:01|--mac-address can only be set when the network mode is slirp4netns or bridge
EOF
    run_warren 125 run --rm --dns-option '' "$IMAGE" true
    assert_error 'invalid dns option ""'
    run_warren 125 run --rm --dns-search 'a b' "$IMAGE" true
    assert_error 'invalid dns search domain "a b"'
    run_warren 125 run --rm --add-host $'a\nb:1.2.3.4' "$IMAGE" true
    assert_error 'invalid host name in add-host'
}

@test "network: --network none has only lo (up) and no resolv.conf of ours" {
    # guards: issue 9 "`--network none` has only `lo`"
    run_warren 0 run --rm --network none "$IMAGE" sh -c 'ip -o link show | cut -d: -f2; cat /etc/resolv.conf 2>/dev/null; true'
    assert_output " lo"
    run_warren 0 inspect --format '{{.HostConfig.NetworkMode}}' "$(w create --network none "$IMAGE" true)"
    assert_output none
}

@test "network: container:ID shares the other's netns; a stopped one is refused clearly" {
    # guards: issue 9 "container:ID (join another container's netns; refuse a stopped one clearly)"
    local a ns
    a=$(wt_name)
    run_warren 0 run -d --name "$a" "$IMAGE" sleep 300
    run_warren 0 exec "$a" readlink /proc/self/ns/net
    ns=$output
    run_warren 0 run --rm --network "container:$a" "$IMAGE" sh -c 'readlink /proc/self/ns/net; ip -o -4 addr show tap0'
    assert_line --index 0 "$ns"
    assert_output --partial 'inet 10.0.2.100/24'
    run_warren 0 inspect --format '{{.HostConfig.NetworkMode}}' "$(w create --network "container:$a" "$IMAGE" true)"
    assert_output "container:$(w inspect --format '{{.Id}}' "$a")"
    run_warren 0 stop -t 0 "$a"
    run_warren 125 run --rm --network "container:$a" "$IMAGE" true
    assert_error "cannot join the network namespace of container $a: it is not running (start it first)"
    run_warren 125 run --rm --network "container:$a" --dns 1.1.1.1 "$IMAGE" true
    assert_error "conflicting options: dns and the network mode: container"
}

@test "network: ns:PATH joins the netns at PATH" {
    # guards: issue 9 "ns:PATH"
    local a pid ns
    a=$(wt_name)
    run_warren 0 run -d --name "$a" --network none "$IMAGE" sleep 300
    pid=$(w inspect --format '{{.State.Pid}}' "$a")
    ns=$(w exec "$a" readlink /proc/self/ns/net)
    run_warren 0 run --rm --network "ns:/proc/$pid/ns/net" "$IMAGE" readlink /proc/self/ns/net
    assert_output "$ns"
}

@test "network: slirp4netns goes with the container: foreground, --rm, run -d + stop, and every restart by policy" {
    # guards: issue 9 "its lifetime tied to the container's ... including across restart policies"
    local name pids i how
    wait_no_helpers 5
    run_warren 0 run --rm "$IMAGE" true
    wait_no_helpers 2
    name=$(wt_name)
    run_warren 0 run --name "$name" "$IMAGE" true
    wait_no_helpers 2
    # a foreground run that ends by stop, and one whose warren is killed
    # (slirp4netns sees its exit fd close with it)
    for how in stop kill; do
        name=$(wt_name)
        start_warren "$BATS_TEST_TMPDIR/fg.out" run --rm --name "$name" "$IMAGE" sleep 300
        for ((i = 0; i < 100; i++)); do
            [ -n "$(helpers_of)" ] && break
            sleep 0.05
        done
        [ -n "$(helpers_of)" ] || fail "no slirp4netns while a foreground container runs"
        if [ "$how" = stop ]; then
            w stop -t 0 "$name" >/dev/null
        else
            kill -KILL "$BG_PID"
        fi
        wait_for_exit "$BG_PID" 20 || fail "the foreground run did not end ($how)"
        wait_no_helpers 5
    done
    name=$(wt_name)
    run_warren 0 run -d --rm --name "$name" "$IMAGE" sleep 300
    [ "$(helpers_of | wc -w)" = 1 ] || fail "not one slirp4netns: $(helpers_of)"
    run_warren 0 stop -t 0 "$name"
    wait_no_helpers 5
    # a restart makes a new netns and a new slirp4netns; the old ones go
    name=$(wt_name)
    run_warren 0 run -d --restart always --name "$name" "$IMAGE" sh -c 'sleep 0.2'
    for ((i = 0; i < 200; i++)); do
        [ "$(w inspect --format '{{.RestartCount}}' "$name")" -ge 3 ] && break
        sleep 0.05
    done
    [ "$(w inspect --format '{{.RestartCount}}' "$name")" -ge 3 ] || fail "no restarts"
    pids=$(helpers_of)
    [ "$(wc -w <<<"$pids")" -le 1 ] || fail "slirp4netns processes pile up across restarts: $pids"
    run_warren 0 stop -t 0 "$name"
    wait_no_helpers 5
    run_warren 0 rm -f "$name"
}

@test "network: a missing slirp4netns or pasta is one clear error with the fix (exit 125)" {
    # guards: issue 9 "a clear, one-line error with the fix when slirp4netns/pasta is missing"
    mkdir -p "$BATS_TEST_TMPDIR/emptybin"
    run_warren_env 125 PATH="$BATS_TEST_TMPDIR/emptybin" -- run --rm "$IMAGE" true
    assert_error "slirp4netns not found: install the slirp4netns package, or use --network none"
    [ "${#stderr_lines[@]}" -eq 1 ] || fail "more than one line: $stderr"
    run_warren_env 125 PATH="$BATS_TEST_TMPDIR/emptybin" -- run --rm --network pasta "$IMAGE" true
    assert_error "pasta not found: install the passt package, or use --network none"
    run_warren_env 0 PATH="$BATS_TEST_TMPDIR/emptybin" -- run --rm --network none "$IMAGE" true
}

@test "network: ping works for a non-root user in the container (ping_group_range covers its gids)" {
    # guards: issue 9 "ping works inside the container (net.ipv4.ping_group_range set in its namespace)"
    local tool addr
    tool=$(wt_tool icmp_ping)
    run_warren 0 run --rm "$IMAGE" cat /proc/sys/net/ipv4/ping_group_range
    assert_output --regexp $'^0\t[1-9][0-9]*$'
    for addr in 127.0.0.1 ::1 10.0.2.100 10.0.2.2; do
        run_warren 0 run --rm --user 1000:1000 -v "$tool:/icmp_ping:ro" "$IMAGE" /icmp_ping "$addr"
        assert_output "reply from $addr"
    done
}

@test "network: inspect shows the DNS and hosts flags in HostConfig as podman does" {
    # guards: issue 9 "HostConfig.NetworkMode / Dns* / ExtraHosts in Podman's shape"
    local id
    id=$(w create --dns 192.0.2.53 --dns-search example.com --dns-option ndots:3 --add-host foo:1.2.3.4 "$IMAGE" true)
    run_warren 0 inspect --format '{{json .HostConfig.Dns}} {{json .HostConfig.DnsSearch}} {{json .HostConfig.DnsOptions}} {{json .HostConfig.ExtraHosts}} {{.HostConfig.NetworkMode}}' "$id"
    assert_output '["192.0.2.53"] ["example.com"] ["ndots:3"] ["foo:1.2.3.4"] slirp4netns'
    run_warren 0 inspect --format '{{json .HostConfig.Dns}} {{json .HostConfig.ExtraHosts}} {{.NetworkSettings.IPAddress}}' "$(w create "$IMAGE" true)"
    assert_output '[] [] '
}

@test "network: pasta gives the container a copy of the host's address, and goes with it" {
    # guards: issue 9 "--network pasta[:opts] where pasta is installed"
    command -v pasta >/dev/null || skip "needs pasta (the passt package)"
    local name host_ip
    host_ip=$(ip -o -4 addr show scope global | awk '{print $4; exit}')
    [ -n "$host_ip" ] || skip "the host has no global IPv4 address for pasta to copy"
    wait_no_helpers 5
    run_warren 0 run --rm --network pasta "$IMAGE" ip -o -4 addr show scope global
    assert_output --partial "inet $host_ip"
    wait_no_helpers 5
    name=$(wt_name)
    run_warren 0 run -d --name "$name" --network pasta:--mtu,1400 "$IMAGE" sleep 300
    run_warren 0 exec "$name" sh -c 'ip -o link show | grep -v " lo:"'
    assert_output --partial 'mtu 1400'
    run_warren 0 inspect --format '{{.HostConfig.NetworkMode}}' "$name"
    assert_output pasta
    run_warren 0 stop -t 0 "$name"
    wait_no_helpers 5
}

@test "network: containers.conf default_rootless_network_cmd chooses the default" {
    # guards: issue 9 "a containers.conf setting chooses the default (slirp4netns unless configured)"
    command -v pasta >/dev/null || skip "needs pasta (the passt package)"
    mkdir -p "$BATS_TEST_TMPDIR/conf/containers"
    printf '[network]\ndefault_rootless_network_cmd = "pasta"\n' >"$BATS_TEST_TMPDIR/conf/containers/containers.conf"
    run_warren_env 0 XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/conf" -- inspect --format '{{.HostConfig.NetworkMode}}' \
        "$(XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/conf" w create "$IMAGE" true)"
    assert_output pasta
    printf '[network]\ndefault_rootless_network_cmd = "bogus"\n' >"$BATS_TEST_TMPDIR/conf/containers/containers.conf"
    run_warren_env 125 XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/conf" -- run --rm "$IMAGE" true
    assert_error 'invalid default_rootless_network_cmd "bogus": use slirp4netns or pasta'
    run_warren 0 inspect --format '{{.HostConfig.NetworkMode}}' "$(w create "$IMAGE" true)"
    assert_output slirp4netns
}

@test "network: slirp4netns and pasta serve a container with a user namespace of its own (--userns=auto, keep-id); container: and ns: too" {
    # guards: issue 9 default network with issue 8's --userns modes (its init is not dumpable
    # once it changed ids: the helper gets its netns opened before that)
    local name
    run_warren 0 run --rm --userns=auto "$IMAGE" ip -o -4 addr show tap0
    assert_output --partial 'inet 10.0.2.100/24'
    name=$(wt_name)
    run_warren 0 run -d --name "$name" --userns=keep-id "$IMAGE" sleep 300
    run_warren 0 exec "$name" ip -o -4 addr show tap0
    assert_output --partial 'inet 10.0.2.100/24'
    # a user namespace of its own and another container's network: born in that netns
    run_warren 0 run --rm --userns=auto --network "container:$name" "$IMAGE" sh -c 'ip -o -4 addr show tap0; cat /proc/self/uid_map'
    assert_output --partial 'inet 10.0.2.100/24'
    refute_output --regexp '^ +0 +0 '
    run_warren 0 run --rm --userns=auto --network "ns:/proc/$(w inspect --format '{{.State.Pid}}' "$name")/ns/net" "$IMAGE" ip -o -4 addr show tap0
    assert_output --partial 'inet 10.0.2.100/24'
    # exec into such a container joins both
    run_warren 0 run -d --name "$name-2" --userns=auto --network "container:$name" "$IMAGE" sleep 300
    run_warren 0 exec "$name-2" ip -o -4 addr show tap0
    assert_output --partial 'inet 10.0.2.100/24'
    run_warren 0 rm -f -t 0 "$name-2"
    run_warren 0 rm -f -t 0 "$name"
    if command -v pasta >/dev/null; then
        run_warren 0 run --rm --userns=auto --network pasta "$IMAGE" ip -o -4 addr show scope global
        assert_output --partial 'inet '
    fi
}
