#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154  # templates in single quotes; status/output/stderr come from bats
# Issue 9 "Networks" as root: the definitions live in
# /var/lib/warren/networks (never Podman's /etc/containers/networks), and a
# new network keeps clear of the host's own routes and interfaces, where
# root's bridges are made.

load ../helpers

WT_DUMMY=""     # a bridge a test made: deleted in teardown
WT_SYSNETS=()   # networks a test made in the default root: removed in teardown

teardown() {
    local n
    [ -z "$WT_DUMMY" ] || ip link del "$WT_DUMMY" 2>/dev/null || true
    for n in "${WT_SYSNETS[@]}"; do
        timeout 60 "$WARREN" network rm "$n" >/dev/null 2>&1 || true
    done
    wt_teardown
}

@test "root: networks are stored in /var/lib/warren/networks, files of mode 0600" {
    # guards: issue 9 "network configs are JSON files in the same shape as Podman's" (root's place)
    local n
    n=$(wt_name)
    WT_SYSNETS+=("$n")
    run timeout 60 "$WARREN" network create "$n"
    assert_success
    assert_output "$n"
    [ -f "/var/lib/warren/networks/$n.json" ] || fail "no /var/lib/warren/networks/$n.json"
    [ ! -e "/etc/containers/networks/$n.json" ] || fail "warren wrote into podman's /etc/containers/networks"
    [ "$(stat -c %a "/var/lib/warren/networks/$n.json")" = 600 ] || fail "mode $(stat -c %a "/var/lib/warren/networks/$n.json")"
    run timeout 60 "$WARREN" network inspect --format '{{.Name}} {{.Driver}}' "$n"
    assert_success
    assert_output "$n bridge"
    run timeout 60 "$WARREN" network rm "$n"
    assert_success
    [ ! -e "/var/lib/warren/networks/$n.json" ] || fail "rm left the file"
}

@test "root: a new network avoids the subnets the host routes and the host's interface names" {
    # guards: issue 9 bridges on the host (netavark would take over a bridge or shadow a route)
    local i dev out
    awk 'NR > 1 && $8 != "00000000" && substr($2, 5, 4) == "590A" {f = 1} END {exit f}' /proc/net/route ||
        skip "the host routes part of 10.89.0.0/16 already (a bridge of podman's is up)"
    for ((i = 1; i < 100; i++)); do
        ip link show "podman$i" >/dev/null 2>&1 || break
    done
    dev=podman$i
    use_private_store
    # a private store has no network on podman1..: the first free name is
    # $dev unless the host has it
    ip link add "$dev" type bridge || fail "cannot add a bridge $dev"
    WT_DUMMY=$dev
    ip addr add 10.89.0.1/24 dev "$dev" && ip link set "$dev" up || fail "cannot address $dev"
    run_warren 0 network create near
    run_warren 0 network inspect --format '{{.NetworkInterface}} {{range .Subnets}}{{.Subnet}}{{end}}' near
    out=$output
    [ "${out%% *}" != "$dev" ] || fail "took the host's interface name $dev: $out"
    [ "${out#* }" = 10.89.1.0/24 ] || fail "subnet ${out#* }, want 10.89.1.0/24 (10.89.0.0/24 is routed)"
    run_warren 125 network create --subnet 10.89.0.128/25 clash
    assert_equal "$stderr" "Error: subnet 10.89.0.128/25 is already used on the host or by another config"
    run_warren 125 network create --interface-name "$dev" clash
    assert_equal "$stderr" "Error: bridge name $dev already in use"
}

@test "root: parallel network creates get distinct names, bridges and subnets" {
    # guards: the flock around create (two creates would pick the same free subnet)
    local i pids=()
    use_private_store
    run_warren 0 network ls -q # the store exists before the race
    # all start at once when the gate opens (without the lock 24 creates
    # made 12 to 19 networks: names collided)
    exec 9>"$BATS_TEST_TMPDIR/gate"
    flock -x 9
    for i in $(seq 1 24); do
        flock -s "$BATS_TEST_TMPDIR/gate" "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" network create >"$BATS_TEST_TMPDIR/out.$i" 2>&1 &
        pids+=($!)
    done
    sleep 0.5
    flock -u 9
    exec 9>&-
    for i in "${pids[@]}"; do
        wait "$i" || fail "a create failed: $(cat "$BATS_TEST_TMPDIR"/out.*)"
    done
    run_warren 0 network ls -q
    assert_equal "$(grep -c '^podman[0-9]' <<<"$output")" 24
    run_warren 0 network inspect $(seq -f 'podman%g' 1 24)
    assert_equal "$(jq -r '.[].subnets[0].subnet' <<<"$output" | sort -u | wc -l)" 24
    assert_equal "$(jq -r '.[].network_interface' <<<"$output" | sort -u | wc -l)" 24
}

@test "root: network reload puts back netavark's rules a firewall reload removed" {
    # guards: issue 9 "network reload" (what it is for: iptables flushed under a container)
    local c chain
    use_private_store
    load_fixture busybox.docker.tar
    command -v iptables >/dev/null || skip "no iptables on this host"
    c=$(w run -d --network bridge "$IMAGE" sleep 300)
    chain=$(iptables -t nat -S POSTROUTING | awk '/-s 10\.88\.0\.0\/16/ {print $NF; exit}')
    [ -n "$chain" ] || fail "netavark made no POSTROUTING rule for 10.88.0.0/16"
    iptables -t nat -D POSTROUTING -s 10.88.0.0/16 -j "$chain"
    run_warren 0 network reload "$c"
    assert_output "$c"
    run iptables -t nat -S POSTROUTING
    assert_output --partial "-s 10.88.0.0/16 -j $chain"
    run_warren 0 rm -f -t 0 "$c"
}
