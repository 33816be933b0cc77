#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Foundation #2 §4: namespaces and confinement: network none/host, capabilities,
# seccomp, masked and read-only paths, --privileged.

load helpers

# ifaces: interface names listed in a /proc/net/dev text on stdin, sorted
ifaces() { awk -F: 'NR>2 {gsub(/ /, "", $1); print $1}' | sort | tr '\n' ' '; }

@test "run --network none: only lo, and lo is up" {
    # guards: Foundation #2 §4 `--network none`
    run_warren 0 run --rm --network none "$IMAGE" cat /proc/net/dev
    assert_equal "$(ifaces <<<"$output")" "lo "
    run_warren 0 run --rm --network=none "$IMAGE" ip link show lo
    assert_output --regexp '<([A-Z_]+,)*UP[,>]'
}

@test "run --net none: --net is an alias of --network" {
    # guards: Foundation #2 §4 "--net is an alias of --network"
    run_warren 0 run --rm --net none "$IMAGE" cat /proc/net/dev
    assert_equal "$(ifaces <<<"$output")" "lo "
}

@test "run --network host: the host's interfaces" {
    # guards: Foundation #2 §4 `--network host`
    run_warren 0 run --rm --network host "$IMAGE" cat /proc/net/dev
    assert_equal "$(ifaces <<<"$output")" "$(ifaces </proc/net/dev)"
    [ "$(ifaces </proc/net/dev)" != "lo " ] || skip "the host has only lo: cannot tell host from none"
}

@test "run: the default network is private with lo up" {
    # guards: Foundation #2 §4 "net: private with lo up"
    run_warren 0 run --rm "$IMAGE" sh -c 'readlink /proc/self/ns/net; ip link show lo'
    [ "${lines[0]}" != "$(readlink /proc/self/ns/net)" ] || fail "the container shares the host's network namespace"
    assert_line --index 1 --regexp '<([A-Z_]+,)*UP[,>]'
}

@test "run: Podman's default capabilities" {
    # guards: Foundation #2 §4 "Podman's default capabilities"
    run_warren 0 run --rm "$IMAGE" grep -E '^Cap(Eff|Prm|Bnd):' /proc/self/status
    assert_line --regexp "^CapEff:\s+$DEFAULT_CAPEFF$"
    assert_line --regexp "^CapPrm:\s+$DEFAULT_CAPEFF$"
    assert_line --regexp "^CapBnd:\s+$DEFAULT_CAPEFF$"
}

@test "run --cap-drop/--cap-add: change the effective set" {
    # guards: Foundation #2 §4 `--cap-add/--cap-drop C`
    run_warren 0 run --rm --cap-drop CHOWN "$IMAGE" grep CapEff /proc/self/status
    assert_output --regexp '^CapEff:\s+00000000800405fa$'
    run_warren 0 run --rm --cap-add NET_ADMIN "$IMAGE" grep CapEff /proc/self/status
    assert_output --regexp '^CapEff:\s+00000000800415fb$'
    run_warren 0 run --rm --cap-drop chown --cap-add cap_net_admin "$IMAGE" grep CapEff /proc/self/status
    assert_output --regexp '^CapEff:\s+00000000800415fa$'
    run_warren 0 run --rm --cap-drop all "$IMAGE" grep CapEff /proc/self/status
    assert_output --regexp '^CapEff:\s+0000000000000000$'
    # the dropped capability is really gone: chown fails without CAP_CHOWN
    run_warren 1 run --rm --cap-drop CHOWN "$IMAGE" chown 1000 /etc/passwd
    run_warren 0 run --rm "$IMAGE" chown 1000 /etc/passwd
}

@test "run -u: a non-root user has no effective capabilities" {
    # guards: Foundation #2 §4 capabilities for non-root users (as Podman)
    run_warren 0 run --rm -u 1000 "$IMAGE" grep CapEff /proc/self/status
    assert_output --regexp '^CapEff:\s+0000000000000000$'
}

@test "run: no_new_privs is set" {
    # guards: Foundation #2 §4 no_new_privs (the issue asks for it; Podman 4.3 leaves it 0
    # unless --security-opt no-new-privileges)
    run_warren 0 run --rm "$IMAGE" grep NoNewPrivs /proc/self/status
    assert_output --regexp '^NoNewPrivs:\s+1$'
}

@test "run: a seccomp filter by default; seccomp=unconfined removes it" {
    # guards: Foundation #2 §4 default seccomp profile, `--security-opt seccomp=unconfined`
    # counted from the filters the test itself runs under (WARREN_CHECK_ENOSYS adds one)
    local base
    base=$(wt_seccomp_base)
    run_warren 0 run --rm "$IMAGE" grep -E '^Seccomp(_filters)?:' /proc/self/status
    assert_line --regexp '^Seccomp:\s+2$'
    assert_line --regexp "^Seccomp_filters:\s+$((base + 1))$"
    run_warren 0 run --rm --security-opt seccomp=unconfined "$IMAGE" grep '^Seccomp_filters:' /proc/self/status
    assert_output --regexp "^Seccomp_filters:\s+$base$"
}

@test "run --security-opt seccomp=FILE: the profile is enforced" {
    # guards: Foundation #2 §4 `--security-opt seccomp=FILE` (Podman's JSON profile format)
    local f=$BATS_TEST_TMPDIR/profile.json
    cat > "$f" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
EOF
    run_warren 1 run --rm --security-opt seccomp="$f" "$IMAGE" mkdir /tmp/x
    assert_stderr_contains "operation not permitted"
    run_warren 0 run --rm --security-opt seccomp="$f" "$IMAGE" touch /tmp/x
    run_warren 0 run --rm "$IMAGE" mkdir /tmp/x
}

@test "run: Podman's masked and read-only paths" {
    # guards: Foundation #2 §4 "Podman's default masked and read-only paths"
    run_warren 0 run --rm "$IMAGE" sh -c '
        wc -c < /proc/keys
        ls -A /sys/firmware | wc -l
        awk "\$5==\"/proc/sys\" || \$5==\"/sys/firmware\" {print \$5, substr(\$6,1,2)}" /proc/self/mountinfo | sort -u'
    assert_line --index 0 0
    assert_line --index 1 0
    assert_line "/proc/sys ro"
    assert_line "/sys/firmware ro"
}

@test "run: /proc/sys is read-only even with the capability to write it" {
    # guards: issue 5 "050-security expects the ns_last_pid write to fail, which the default
    # capabilities guarantee anyway": with CAP_SYS_ADMIN only the read-only path stops it
    run_warren 1 run --rm --cap-add SYS_ADMIN "$IMAGE" sh -c 'echo 1 > /proc/sys/kernel/ns_last_pid'
    assert_stderr_contains "read-only file system"
    # the control: without the read-only path (--privileged) the same write works
    run_warren 0 run --rm --privileged "$IMAGE" sh -c 'echo 1 > /proc/sys/kernel/ns_last_pid'
}

teardown() {
    wt_unmount_all
    wt_teardown
}

@test "run -v SRC:DST:ro: every mount below SRC is read-only too" {
    # guards: issue 5 item 5 "-v SRC:DST:ro is not recursive: a mount below SRC stays writable"
    local d=$BATS_TEST_TMPDIR/vol
    mkdir -p "$d/sub"
    wt_mount_tmpfs "$d/sub"
    run_warren 1 run --rm -v "$d:/d:ro" "$IMAGE" touch /d/sub/x
    assert_stderr_contains "read-only file system"
    run_warren 1 run --rm -v "$d:/d:ro" "$IMAGE" touch /d/x
    assert_stderr_contains "read-only file system"
    # the control: the submount is there and writable without :ro
    run_warren 0 run --rm -v "$d:/d" "$IMAGE" sh -c 'touch /d/sub/x && grep -c " /d/sub " /proc/self/mountinfo'
    assert_output 1
}

@test "run: io_uring is blocked by the default seccomp profile" {
    # guards: issue 5 item 12 "the default seccomp profile allows io_uring_setup"
    local probe
    probe=$(wt_tool uring_probe)
    run_warren 1 run --rm -v "$probe:/uring_probe:ro" "$IMAGE" /uring_probe
    assert_output ENOSYS
    # the control: without seccomp the same call works (where the host allows io_uring)
    if [ "$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo 0)" = 0 ]; then
        run_warren 0 run --rm --security-opt seccomp=unconfined -v "$probe:/uring_probe:ro" "$IMAGE" /uring_probe
        assert_output ok
    fi
}

@test "run --privileged: every capability, no seccomp, nothing masked" {
    # guards: Foundation #2 §4 `--privileged`
    # in a new user namespace every capability the kernel knows; as root the host's bounding set
    local bnd last
    if [ "$(id -u)" = 0 ]; then
        bnd=$(awk '/^CapBnd:/{print $2}' /proc/self/status)
    else
        last=$(cat /proc/sys/kernel/cap_last_cap)
        bnd=$(printf '%016x' $(((1 << (last + 1)) - 1)))
    fi
    run_warren 0 run --rm --privileged "$IMAGE" grep -E '^(CapEff|Seccomp_filters):' /proc/self/status
    assert_line --regexp "^CapEff:\s+$bnd$"
    assert_line --regexp "^Seccomp_filters:\s+$(wt_seccomp_base)$"
    run_warren 0 run --rm --privileged "$IMAGE" sh -c 'awk "\$5==\"/proc/keys\" || \$5==\"/sys/firmware\"" /proc/self/mountinfo | wc -l'
    assert_output 0
}

@test "run: pid, mount, uts and ipc namespaces are private" {
    # guards: Foundation #2 §4 pid/mount/uts/ipc namespaces
    local ns
    run_warren 0 run --rm "$IMAGE" sh -c 'for n in pid mnt uts ipc; do readlink /proc/self/ns/$n; done'
    for ns in pid mnt uts ipc; do
        refute_line "$(readlink /proc/self/ns/$ns)"
    done
    run_warren 0 run --rm "$IMAGE" sh -c 'echo $$'
    assert_output 1
}
