#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154  # container commands in single quotes; status/output/stderr come from bats
# Issue 14 "--ulimit (rlimits, no cgroup needed)" and issue 10's
# containers.conf default_ulimits: the limits the container's process
# gets, inspect's Ulimits and the errors, with podman as the reference;
# rootless, a hard limit above the user's own fails loudly (never clamped).

load helpers

setup_file() {
    pm_init
    [ -z "$PM_SKIP" ] || return 0
    pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
}

teardown_file() {
    pm_cleanup
}

@test "ulimit: --ulimit sets soft and hard limits; -1 is unlimited; the last of a type wins" {
    # guards: issue 14 "--ulimit (rlimits, no cgroup needed)"
    run_warren 0 run --rm --ulimit nofile=100:200 --ulimit core=-1 --ulimit stack=8388608:8388608 \
        --ulimit nproc=50:60 --ulimit nproc=70:80 "$IMAGE" \
        sh -c 'ulimit -n; ulimit -Hn; ulimit -c; ulimit -s; ulimit -u; ulimit -Hu'
    assert_output "100
200
unlimited
8192
70
80"
}

@test "ulimit: inspect's HostConfig.Ulimits as podman's" {
    # guards: issue 14 "inspect shows HostConfig limits"
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    local c p
    c=$(w create --ulimit nofile=100:200 --ulimit core=0:0 "$IMAGE" true)
    p=$(pm create --ulimit nofile=100:200 --ulimit core=0:0 "$IMAGE" true)
    run_warren 0 inspect --format '{{json .HostConfig.Ulimits}}' "$c"
    # NPROC's default is each engine's own: compare the limits asked for
    jq -c '[.[] | select(.Name != "RLIMIT_NPROC")] | sort_by(.Name)' <<<"$output" >"$BATS_TEST_TMPDIR/w"
    pm inspect --format '{{json .HostConfig.Ulimits}}' "$p" |
        jq -c '[.[] | select(.Name != "RLIMIT_NPROC")] | sort_by(.Name)' >"$BATS_TEST_TMPDIR/p"
    pm rm "$p" >/dev/null
    diff "$BATS_TEST_TMPDIR/w" "$BATS_TEST_TMPDIR/p" || fail "Ulimits differ from podman's"
}

@test "ulimit: bad values fail with podman's message (exit 125), nothing is created" {
    # guards: issue 14; hostile input of a new parser
    local bad want
    run_warren 0 ps -a -q
    local before=$output
    # podman takes nofile=-2 (and fails later, in runc): warren refuses it at once
    for bad in nofile nofile=x bogus=1 nofile=10:5 nofile=1:2:3 =1 'nofile=1:' nofile=-2; do
        run_warren 125 run --rm --ulimit "$bad" "$IMAGE" true
        [ "${#stderr_lines[@]}" -eq 1 ] || fail "not one line for $bad: $stderr"
        assert_error "ulimit option \"$bad\" requires name=SOFT:HARD, failed to be parsed: "
        if [ -z "$PM_SKIP" ] && [ "$bad" != nofile=-2 ]; then
            want=$(pm run --rm --ulimit "$bad" "$IMAGE" true 2>&1 | tail -n1)
            [ "${want% }" = "${stderr_lines[0]% }" ] || fail "for '$bad': warren '${stderr_lines[0]}', podman '$want'"
        fi
    done
    run_warren 0 ps -a -q
    assert_output "$before"
}

@test "ulimit: rootless, a hard limit above the user's own fails with the fix; host copies warren's" {
    # guards: issue 14 "refuse loudly where it cannot, never ignore one silently"
    local hard
    [ "$(id -u)" != 0 ] || skip "rootless only"
    hard=$(ulimit -Hn)
    [ "$hard" != unlimited ] || skip "the user's nofile hard limit is unlimited"
    run_warren 125 run --rm --ulimit "nofile=1:$((hard + 1))" "$IMAGE" true
    assert_error "ulimit nofile=1:$((hard + 1)): the hard limit is above this user's own ($hard)" \
        "/etc/security/limits.conf"
    run_warren 0 run --rm --ulimit host "$IMAGE" sh -c 'ulimit -Hn'
    assert_output "$hard"
}

@test "ulimit: containers.conf default_ulimits apply, --ulimit of the same type wins" {
    # guards: issue 10 "ulimits" among the containers.conf keys warren reads
    local conf=$BATS_TEST_TMPDIR/containers.conf
    printf '[containers]\ndefault_ulimits = ["nofile=300:400", "core=0:0"]\n' >"$conf"
    run_warren_env 0 CONTAINERS_CONF="$conf" -- run --rm "$IMAGE" sh -c 'ulimit -n; ulimit -Hn; ulimit -c'
    assert_output "300
400
0"
    run_warren_env 0 CONTAINERS_CONF="$conf" -- run --rm --ulimit nofile=50:60 "$IMAGE" sh -c 'ulimit -n; ulimit -c'
    assert_output "50
0"
    printf '[containers]\ndefault_ulimits = ["bogus=1"]\n' >"$conf"
    run_warren_env 125 CONTAINERS_CONF="$conf" -- run --rm "$IMAGE" true
    assert_error "invalid ulimit type: bogus"
}
