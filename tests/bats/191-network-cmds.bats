#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC2001  # templates in single quotes; status/output/stderr come from bats
# Issue 9 "Networks": network create/ls/inspect/rm/exists/prune and the
# definitions in <root>/networks (net/netconf.c), in Podman 4.3's JSON
# shape and words: compared with podman (pm, its own network dir) where it
# runs here.

load helpers

teardown() {
    wt_teardown
    [ -z "${PM_DIR:-}" ] || pm_cleanup
}

# pm_net ARGS...: podman on a network dir of its own (never the user's
# ~/.config/containers/networks)
pm_net() {
    CONTAINERS_CONF=$PM_DIR/containers.conf pm "$@"
}

pm_net_init() {
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    mkdir -p "$PM_DIR/networks"
    printf '[network]\nnetwork_config_dir = "%s"\n' "$PM_DIR/networks" >"$PM_DIR/containers.conf"
}

# Does the host route anything in 10.89.0.0/16 (where new networks' subnets
# come from)? Then the exact automatic subnets are not checked.
pool_routed() {
    awk 'NR > 1 && $8 != "00000000" && substr($2, 5, 4) == "590A" {f = 1} END {exit !f}' /proc/net/route
}

@test "network: create, ls, inspect, exists, rm; automatic names, subnets and bridges" {
    # guards: issue 9 "network create/ls/inspect/rm", "the default podman network exists"
    use_private_store
    run_warren 0 network ls
    assert_output "NETWORK ID    NAME        DRIVER
2f259bab93aa  podman      bridge"
    run_warren 0 network create
    assert_output podman1
    run_warren 0 network create
    assert_output podman2
    run_warren 0 network create web
    assert_output web
    [ -f "$WT_ROOT/networks/web.json" ] || fail "no $WT_ROOT/networks/web.json"
    [ ! -e "$WT_ROOT/networks/podman.json" ] || fail "the default network was stored"
    run_warren 0 network inspect podman1 podman2 web
    assert_equal "$(jq -r 'map(.network_interface) | join(" ")' <<<"$output")" "podman1 podman2 podman3"
    if ! pool_routed; then
        assert_equal "$(jq -r 'map(.subnets[0].subnet + "@" + .subnets[0].gateway) | join(" ")' <<<"$output")" \
            "10.89.0.0/24@10.89.0.1 10.89.1.0/24@10.89.1.1 10.89.2.0/24@10.89.2.1"
    fi
    # the file is what inspect prints
    assert_equal "$(jq -c . "$WT_ROOT/networks/web.json")" "$(jq -c '.[2]' <<<"$output")"
    run_warren 0 network ls
    assert_line --index 0 "NETWORK ID    NAME        DRIVER"
    assert_equal "$(awk 'NR > 1 {print $2}' <<<"$output" | tr '\n' ' ')" "podman podman1 podman2 web "
    run_warren 0 network ls -q
    assert_output "podman
podman1
podman2
web"
    local id
    id=$(jq -r .id "$WT_ROOT/networks/web.json")
    run_warren 0 network ls --no-trunc --filter name=^web --format '{{.ID}} {{.Name}} {{.NetworkInterface}}'
    assert_output "$id web podman3"
    run_warren 0 network ls --filter name=web --noheading
    assert_output "${id:0:12}  web         bridge"
    run_warren 0 network inspect --format '{{.Name}} {{.DNSEnabled}} {{range .Subnets}}{{.Gateway}}{{end}}' "${id:0:10}"
    if ! pool_routed; then assert_output "web true 10.89.2.1"; fi
    run_warren 0 network exists web
    run_warren 0 network exists "$id"
    run_warren 0 network exists podman
    run_warren 1 network exists nosuch
    run_warren 0 network rm podman1 "${id:0:12}"
    assert_output "podman1
${id:0:12}"
    [ ! -e "$WT_ROOT/networks/web.json" ] || fail "web.json is still there"
    # a freed name, bridge and subnet are taken again first
    run_warren 0 network create
    assert_output podman1
    run_warren 0 network inspect --format '{{.NetworkInterface}}' podman1
    assert_output podman1
}

@test "network create: subnets, gateways, ranges, labels, options, IPv6, --ignore, --interface-name" {
    # guards: issue 9 "network configs are JSON files in the same shape as Podman's"
    use_private_store
    run_warren 0 network create --subnet 10.99.0.1/16 --gateway 10.99.0.5 --ip-range 10.99.1.0/24 \
        --label x=y --label z -o mtu=1400 --internal --disable-dns lab
    run_warren 0 network inspect lab
    assert_equal "$(jq -c '.[0] | del(.id, .created)' <<<"$output")" \
        '{"name":"lab","driver":"bridge","network_interface":"podman1","subnets":[{"subnet":"10.99.0.0/16","gateway":"10.99.0.5","lease_range":{"start_ip":"10.99.1.1","end_ip":"10.99.1.255"}}],"ipv6_enabled":false,"internal":true,"dns_enabled":false,"labels":{"x":"y","z":""},"options":{"mtu":"1400"},"ipam_options":{"driver":"host-local"}}'
    [[ $(jq -r '.[0].created' <<<"$output") =~ ^20[0-9-]{8}T[0-9:]{8}(\.[0-9]+)?Z$ ]] || fail "created: $output"
    [[ $(jq -r '.[0].id' <<<"$output") =~ ^[0-9a-f]{64}$ ]] || fail "id: $output"
    run_warren 0 network create --subnet fd00:3::5/64 six
    run_warren 0 network inspect --format '{{range .Subnets}}{{.Subnet}} {{.Gateway}}{{end}} {{.IPv6Enabled}}' six
    assert_output "fd00:3::/64 fd00:3::1 true"
    run_warren 0 network create --ipv6 --subnet 10.98.0.0/24 dual
    run_warren 0 network inspect dual
    [[ $(jq -r '.[0].subnets[1].subnet' <<<"$output") =~ ^fd[0-9a-f]{2}:[0-9a-f:]+::/64$ ]] || fail "$output"
    run_warren 0 network create --subnet 10.97.0.0/31 --gateway 10.97.0.0 p2p
    run_warren 0 network inspect --format '{{range .Subnets}}{{.Subnet}} {{.Gateway}}{{end}}' p2p
    assert_output "10.97.0.0/31 10.97.0.0"
    run_warren 0 network create --interface-name br-lab9 --subnet 10.96.0.0/24 named
    run_warren 0 network inspect --format '{{.NetworkInterface}}' named
    assert_output br-lab9
    run_warren 125 network create --interface-name br-lab9 other
    assert_equal "$stderr" "Error: bridge name br-lab9 already in use"
    run_warren 125 network create lab
    assert_equal "$stderr" "Error: network name lab already used: network already exists"
    run_warren 0 network create --ignore --subnet 10.1.0.0/24 lab
    assert_output lab
    run_warren 0 network inspect --format '{{range .Subnets}}{{.Subnet}}{{end}}' lab
    assert_output 10.99.0.0/16
    run_warren 0 network ls --filter label=x --filter label=z -q
    assert_output lab
    run_warren 0 network ls --filter label=x --filter label=nope -q
    assert_output ""
    run_warren 0 network ls --filter driver=bridge --filter name=ab -q
    assert_output lab
    run_warren 0 network ls --filter name=lab --format '{{.Labels}}|{{.Options}}|{{.IPAMOptions}}'
    assert_output "x=y,z=|map[mtu:1400]|map[driver:host-local]"
}

@test "network: bad input is refused, nothing is stored" {
    # guards: every outside input gets bad-input tests (network create's flags and names)
    use_private_store
    run_warren 125 network create 'bad/name'
    assert_equal "$stderr" "Error: network name bad/name invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument"
    run_warren 125 network create .hidden
    assert_output ""
    run_warren 125 network create ../../etc
    run_warren 125 network create "$(printf 'a%.0s' {1..251})"
    assert_stderr_contains "longer than 250 characters"
    run_warren 125 network create --subnet 10.0.0.0/33 x
    assert_equal "$stderr" "Error: invalid CIDR address: 10.0.0.0/33"
    run_warren 125 network create --subnet foo x
    assert_equal "$stderr" "Error: invalid CIDR address: foo"
    run_warren 125 network create --subnet 10.5.0.0/24 --gateway 10.6.0.1 x
    assert_equal "$stderr" "Error: gateway 10.6.0.1 not in subnet 10.5.0.0/24"
    run_warren 125 network create --subnet 10.5.0.0/24 --gateway junk x
    assert_stderr_contains 'invalid string being converted to IP address: junk'
    run_warren 125 network create --subnet 10.5.0.0/24 --ip-range 10.5.0.0/16 x
    assert_equal "$stderr" "Error: lease range end ip 10.5.255.255 not in subnet 10.5.0.0/24"
    run_warren 125 network create --gateway 10.5.0.1 x
    assert_equal "$stderr" "Error: cannot set gateway or range without subnet"
    run_warren 125 network create -d macvlan x
    assert_stderr_contains "not supported"
    run_warren 125 network create -d nosuch x
    assert_equal "$stderr" "Error: unsupported driver nosuch: invalid argument"
    run_warren 125 network create -o foo=bar x
    assert_equal "$stderr" "Error: unsupported bridge network option foo"
    run_warren 125 network create --label =v x
    run_warren 125 network create --interface-name 'a/b' x
    run_warren 125 network create a b
    assert_equal "$stderr" "Error: accepts at most 1 arg(s), received 2"
    run_warren 125 network create podman
    assert_equal "$stderr" "Error: network name podman already used: network already exists"
    run_warren 0 network create --subnet 10.5.0.0/24 taken
    run_warren 125 network create --subnet 10.5.0.128/25 x
    assert_equal "$stderr" "Error: subnet 10.5.0.128/25 is already used on the host or by another config"
    run_warren 125 network create --subnet 10.88.1.0/24 x
    assert_equal "$stderr" "Error: subnet 10.88.1.0/24 is already used on the host or by another config"
    run_warren 0 network ls -q
    assert_output "podman
taken"
    run_warren 125 network ls --filter foo=bar
    assert_equal "$stderr" 'Error: invalid filter "foo"'
    run_warren 125 network ls --filter dangling=maybe
    assert_equal "$stderr" 'Error: invalid dangling filter value "maybe"'
    run_warren 125 network ls extra
    run_warren 125 network inspect
    run_warren 125 network inspect nosuch
    assert_output "[]"
    assert_equal "$stderr" "Error: inspecting object: network nosuch: unable to find network with name or ID nosuch: network not found"
    run_warren 125 network inspect taken nosuch
    assert_equal "$(jq -r '.[0].name' <<<"$output")" taken
    run_warren 1 network rm nosuch
    assert_equal "$stderr" "Error: unable to find network with name or ID nosuch: network not found"
    run_warren 125 network rm podman
    assert_equal "$stderr" "Error: default network podman cannot be removed"
    run_warren 125 network rm -f podman
    # one failure does not stop the others; the exit code is the last one's
    run_warren 0 network create gone
    run_warren 1 network rm nosuch gone
    assert_output gone
    run_warren 125 network exists
    assert_equal "$stderr" "Error: accepts 1 arg(s), received 0"
    run_warren 125 network prune --filter name=x -f
}

@test "network: hostile files in the network directory are skipped, never followed" {
    # guards: network files are outside input (a hand edit, a planted symlink)
    use_private_store
    run_warren 0 network create good
    mkdir -p "$BATS_TEST_TMPDIR/elsewhere"
    cp "$WT_ROOT/networks/good.json" "$BATS_TEST_TMPDIR/elsewhere/link.json"
    sed -i 's/"good"/"link"/' "$BATS_TEST_TMPDIR/elsewhere/link.json"
    ln -s "$BATS_TEST_TMPDIR/elsewhere/link.json" "$WT_ROOT/networks/link.json"
    printf '{"name": "broken", ' >"$WT_ROOT/networks/broken.json"
    printf '{"name": "types", "id": 7, "driver": "bridge"}' >"$WT_ROOT/networks/types.json"
    sed 's/"good"/"other"/' "$WT_ROOT/networks/good.json" >"$WT_ROOT/networks/mismatch.json"
    head -c 2000000 /dev/zero | tr '\0' ' ' >"$WT_ROOT/networks/huge.json"
    run_warren 0 network ls -q
    assert_output "good
podman"
    assert_stderr_contains "network file link.json: a symbolic link"
    assert_stderr_contains "network file broken.json: invalid JSON"
    assert_stderr_contains "network file types.json: 'id' is not a string"
    assert_stderr_contains "network file huge.json: not a regular file of at most"
    run_warren 125 network inspect link
    assert_equal "$stderr" "Error: inspecting object: network link: network file link.json: a symbolic link"
    # the name stays taken; rm removes the file itself, not its target
    run_warren 125 network create broken
    run_warren 0 network rm link broken
    [ -f "$BATS_TEST_TMPDIR/elsewhere/link.json" ] || fail "rm followed the symlink"
    [ ! -e "$WT_ROOT/networks/link.json" ] || fail "link.json is still there"
    # a temp file of a killed create is no network
    printf '{}' >"$WT_ROOT/networks/.tmp-net-0123456789ab"
    run_warren 0 network ls -q
    assert_output "good
podman"
    # and the next create (holding the dir's lock) clears it away
    run_warren 0 network create next
    [ ! -e "$WT_ROOT/networks/.tmp-net-0123456789ab" ] || fail "the stale temp file stayed"
}

@test "network rm and prune: networks in use stay unless forced" {
    # guards: issue 9 "network rm/prune"; Podman's "is being used" (exit 2), -f removes the containers
    local c1 c2
    use_private_store
    load_fixture busybox.docker.tar
    c1=$(wt_name)
    c2=$(wt_name)-2
    run_warren 0 network create used
    run_warren 0 network create spare
    run_warren 0 network create --label keep=1 kept
    run_warren 0 create --name "$c1" --network used "$IMAGE" true
    run_warren 0 create --name "$c2" --network used "$IMAGE" true
    run_warren 0 network ls --filter dangling=false -q
    assert_output used
    run_warren 0 network ls --filter dangling=true -q
    assert_output "kept
podman
spare"
    run_warren 2 network rm used
    assert_equal "$stderr" 'Error: "used" has associated containers with it. Use -f to forcibly delete containers and pods: network is being used'
    run bash -c "echo n | '$WARREN' --root '$WT_ROOT' --runroot '$WT_RUNROOT' network prune"
    assert_success
    assert_output --partial "WARNING! This will remove all networks not used by at least one container."
    run_warren 0 network ls -q
    assert_output "kept
podman
spare
used"
    run_warren 0 network prune -f --filter label!=keep=1
    assert_output spare
    run bash -c "echo y | '$WARREN' --root '$WT_ROOT' --runroot '$WT_RUNROOT' network prune"
    assert_success
    assert_output --regexp "continue\? \[y/N\] kept$"
    run_warren 0 network ls -q
    assert_output "podman
used"
    run_warren 0 network rm -f -t 0 used
    assert_output used
    run_warren 1 container exists "$c1"
    run_warren 1 container exists "$c2"
    run_warren 0 network ls -q
    assert_output podman
}

@test "network: create, inspect and ls as podman's" {
    # guards: issue 9 "network inspect output matches" Podman's
    use_private_store
    pm_net_init
    local cases=(
        ""
        "n-a"
        "--subnet 10.99.0.0/16 --gateway 10.99.0.5 --ip-range 10.99.1.0/24 --label x=y --label z -o mtu=1400 --internal --disable-dns n-b"
        "--subnet 10.101.0.0/31 n-c"
        "--subnet 10.102.0.7/32 n-d"
        "--subnet fd00:1::/64 n-e"
        "--subnet 10.104.0.0/24 --ip-range 10.104.0.7/30 -o vlan=5 n-f"
        "--subnet 10.105.0.0/24 --gateway 10.105.0.0 n-g"
    )
    local c w p
    for c in "${cases[@]}"; do
        # shellcheck disable=SC2086
        run_warren 0 network create $c
        w=$output
        # shellcheck disable=SC2086
        p=$(pm_net network create $c) || fail "podman network create $c failed"
        assert_equal "$w" "$p"
    done
    local names=(podman podman1 n-a n-b n-c n-d n-e n-f n-g)
    run_warren 0 network inspect "${names[@]}"
    w=$(jq -S 'map(del(.id, .created))' <<<"$output")
    p=$(pm_net network inspect "${names[@]}" | jq -S 'map(del(.id, .created))')
    assert_equal "$w" "$p"
    # (.Labels left out: Podman prints them in its Go map's order, which changes)
    run_warren 0 network ls --format '{{.Name}} {{.Driver}} {{.NetworkInterface}} {{.Internal}} {{.DNSEnabled}} {{.IPv6Enabled}}'
    assert_equal "$output" "$(pm_net network ls --format '{{.Name}} {{.Driver}} {{.NetworkInterface}} {{.Internal}} {{.DNSEnabled}} {{.IPv6Enabled}}')"
    # the table: the same header and columns, the ids aside
    run_warren 0 network ls
    assert_equal "$(sed 's/^[0-9a-f]\{12\}/ID/' <<<"$output")" "$(pm_net network ls | sed 's/^[0-9a-f]\{12\}/ID/')"
    run_warren 0 network ls --format json
    assert_equal "$(jq -S 'map(del(.id, .created))' <<<"$output")" "$(pm_net network ls --format json | jq -S 'map(del(.id, .created))')"
    # the same errors
    local bad=(
        "bad/name"
        "--subnet 10.0.0.0/33 x"
        "--subnet 10.110.0.0/24 --gateway 10.97.0.1 x"
        "--subnet 10.111.0.0/24 --ip-range 10.97.0.0/24 x"
        "--subnet 10.99.5.0/24 x"
        "--gateway 10.98.0.1 x"
        "--subnet 10.114.0.0/24 --gateway 10.114.0.1 --gateway 10.114.0.2 x"
        "-o foo=bar x"
        "-d nosuch x"
        "n-a"
    )
    for c in "${bad[@]}"; do
        # shellcheck disable=SC2086
        run_warren 125 network create $c
        w=$stderr
        # shellcheck disable=SC2086
        run -125 pm_net network create $c
        assert_equal "$w" "$output"
    done
    run_warren 1 network rm nosuch
    w=$stderr
    run -1 pm_net network rm nosuch
    assert_equal "$w" "$output"
    run_warren 125 network inspect nosuch
    w=$stderr
    run -125 --separate-stderr pm_net network inspect nosuch
    assert_equal "$w" "$stderr"
}

@test "network: containers.conf default_network and default_subnet name and place the default network, as podman's" {
    # guards: issue 10 "default network" keys of containers.conf
    use_private_store
    pm_net_init
    local conf=$PM_DIR/default.conf w p
    printf '[network]\nnetwork_config_dir = "%s"\ndefault_network = "lab"\ndefault_subnet = "10.89.200.9/24"\n' \
        "$PM_DIR/networks" >"$conf"
    run_warren_env 0 CONTAINERS_CONF="$conf" -- network inspect lab
    w=$(jq -S 'map(del(.created))' <<<"$output")
    p=$(CONTAINERS_CONF=$conf pm network inspect lab | jq -S 'map(del(.created))') || fail "podman network inspect lab"
    assert_equal "$w" "$p"
    run_warren_env 0 CONTAINERS_CONF="$conf" -- network ls --format '{{.ID}} {{.Name}}'
    assert_equal "$output" "$(CONTAINERS_CONF=$conf pm network ls --format '{{.ID}} {{.Name}}')"
    # "podman" is a name like any other now; the default cannot go
    run_warren_env 125 CONTAINERS_CONF="$conf" -- network rm lab
    assert_error "default network lab cannot be removed"
    run_warren_env 125 CONTAINERS_CONF="$conf" -- network inspect podman
    # bad values: one line naming the key, for every command
    printf '[network]\ndefault_subnet = "10.89.0.0/33"\n' >"$conf"
    run_warren_env 125 CONTAINERS_CONF="$conf" -- network ls
    assert_error 'default_subnet "10.89.0.0/33": not an IPv4 subnet'
    printf '[network]\ndefault_network = "bad/name"\n' >"$conf"
    run_warren_env 125 CONTAINERS_CONF="$conf" -- network ls
    assert_error 'default_network "bad/name": not a valid network name'
}
