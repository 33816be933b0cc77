#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Issue 8 "pause/unpause (cgroup freezer where available, else a clear error)",
# "stats --no-stream where cgroups allow", issue 14 "Rootless ... inside the
# subtree delegated to the user ... otherwise ... fails with the reason and
# the fix": rootless, a container gets a cgroup only inside one the user owns.
# tests/bats/root/200-root-cgroups.bats delegates one by chown.

load helpers

setup_file() {
    pm_init
    [ -z "$PM_SKIP" ] || return 0
    pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
}

teardown_file() {
    pm_cleanup
}

# delegated: true when this user owns a cgroup warren may create in: the
# parent of its own cgroup, or that cgroup, in the freezer hierarchy (v1) or
# in cgroup v2 when v1 has no freezer
delegated() {
    local mount rel d
    if [ "$(stat -f -c %T /sys/fs/cgroup/freezer 2>/dev/null)" = cgroupfs ]; then
        mount=/sys/fs/cgroup/freezer
        rel=$(sed -n 's/^[0-9]*:freezer://p' /proc/self/cgroup)
    elif [ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then
        mount=/sys/fs/cgroup
        rel=$(sed -n 's/^0:://p' /proc/self/cgroup)
    elif [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
        mount=/sys/fs/cgroup/unified
        rel=$(sed -n 's/^0:://p' /proc/self/cgroup)
    else
        return 1
    fi
    [ "$rel" != / ] || return 1
    for d in "$mount${rel%/*}" "$mount$rel"; do
        [ -w "$d" ] && [ -w "$d/cgroup.procs" ] && return 0
    done
    return 1
}

@test "rootless cgroups: without a delegated cgroup, run works; pause, unpause and stats refuse with the reason and the fix" {
    # guards: issue 14 "otherwise each ... fails the command with the reason and the fix"
    local name
    ! delegated || skip "this host delegates a cgroup to $(id -un): the refusal does not happen here"
    name=$(wt_name)
    run_warren 0 run -d --name "$name" "$IMAGE" sleep 1000
    run_warren 0 inspect --format '{{.State.Status}}|{{.State.CgroupPath}}|{{.HostConfig.Cgroups}}' "$name"
    assert_output "running||default"
    run_warren 125 pause "$name"
    assert_error "pause needs container" "in a cgroup of its own" "uid $(id -u)" "ask an admin"
    run_warren 125 unpause "$name"
    assert_error "unpause needs container" "in a cgroup of its own"
    run_warren 125 stats --no-stream "$name"
    assert_error "stats needs container" "in a cgroup of its own" "ask an admin"
    run_warren 0 inspect --format '{{.State.Status}}' "$name"
    assert_output running
    # one that does not run has nothing to read: zeros, as Podman's
    run_warren 0 stop -t 0 "$name"
    run_warren 0 stats --no-stream --format '{{.Name}} {{.MemUsage}} {{.PIDS}}' "$name"
    assert_output "$name 0B / 0B 0"
    run_warren 125 pause "$name"
    assert_error '"exited" is not running, can'"'"'t pause: container state improper'
    run_warren 0 rm "$name"
}

@test "rootless cgroups: in a cgroup this user owns, pause freezes and stats reads the container's" {
    # guards: issue 14 "Rootless, cgroup v2: inside the subtree delegated to the user"
    local name pid a b
    delegated || skip "needs a cgroup delegated to $(id -un) (systemd's Delegate=yes on cgroup v2, or one an admin chown'ed): this host has none"
    name=$(wt_name)
    run_warren 0 run -d --name "$name" "$IMAGE" \
        sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/n; usleep 100000; done'
    run_warren 0 inspect --format '{{.State.CgroupPath}}' "$name"
    assert_output --regexp "/warren/[0-9a-f]{64}\$"
    pid=$(w inspect --format '{{.State.Pid}}' "$name")
    sleep 0.3
    run_warren 0 pause "$name"
    run_warren 0 inspect --format '{{.State.Status}}' "$name"
    assert_output paused
    a=$(cat "/proc/$pid/root/tmp/n")
    sleep 0.5
    b=$(cat "/proc/$pid/root/tmp/n")
    [ "$a" = "$b" ] || fail "the counter went on while paused: $a -> $b"
    run_warren 0 unpause "$name"
    sleep 0.5
    [ "$(cat "/proc/$pid/root/tmp/n")" != "$b" ] || fail "the counter stays at $b after unpause"
    run_warren 0 stats --no-stream --format '{{.PIDS}}' "$name"
    [ "$output" -ge 1 ] || fail "stats shows $output pids"
    run_warren 0 rm -f -t 0 "$name"
}

@test "--cgroups: a bad mode is refused with Podman's error before anything is created" {
    # guards: hostile input to a new flag (COMMON.md)
    run_warren 125 run --rm --cgroups=bogus "$IMAGE" true
    assert_error 'invalid cgroup mode "bogus"'
    run_warren 125 create --cgroups= "$IMAGE" true
    assert_error 'invalid cgroup mode ""'
    run_warren 0 ps -a --format '{{.Names}}'
    assert_output ""
    run_warren 0 run --rm --cgroups=disabled "$IMAGE" true
}

# ------------------------------------------------ resource limits (issue 14)

@test "rootless limits without a delegated cgroup: each is refused with the reason and the fix; --cgroups=disabled warns and runs" {
    # guards: issue 14 "Rootless, cgroup v1: ... otherwise each limit that cannot be applied fails the command with the reason and the fix (or warns and continues when --cgroups=disabled ...)"
    local flag name
    delegated && skip "this host delegates a cgroup to $(id -un): the limits apply (root/200 tests that)"
    run_warren 0 ps -a -q
    local before=$output
    for flag in "-m 10m" "--memory-reservation 5m" "--memory-swappiness 10" "--oom-kill-disable" \
        "--cpus 1" "-c 512" "--cpu-quota 5000" "--cpuset-cpus 0" "--pids-limit 10" "--pids-limit 2048" "--blkio-weight 100"; do
        # shellcheck disable=SC2086  # the flag and its value
        run_warren 125 run --rm $flag "$IMAGE" true
        assert_error "resource limits need a cgroup of the" "uid $(id -u) can have none here" \
            "ask an admin" "--cgroups=disabled runs the container without them"
    done
    run_warren 0 ps -a -q
    assert_output "$before"
    run_warren 0 run --rm --cgroups=disabled -m 10m --pids-limit 5 "$IMAGE" echo ran
    assert_output ran
    assert_warning "resource limits are ignored: --cgroups=disabled gives the container no cgroup"
    # no pids controller for this user: no default limit, as Podman's 0 here
    name=$(wt_name)
    run_warren 0 create --name "$name" "$IMAGE" true
    run_warren 0 inspect --format '{{.HostConfig.PidsLimit}} {{.HostConfig.Memory}}' "$name"
    assert_output "0 0"
    # update: refused the same way, the record unchanged
    run_warren 125 update -m 20m "$name"
    assert_error "--memory: resource limits need a cgroup of the memory controller"
    run_warren 0 inspect --format '{{.HostConfig.Memory}}' "$name"
    assert_output 0
    run_warren 0 rm "$name"
    run_warren 0 create --name "$name" --cgroups=disabled "$IMAGE" true
    run_warren 125 update --cpus 1 "$name"
    assert_error "update needs container" "--cgroups=disabled"
    run_warren 0 rm "$name"
    # a pod's limits too, before the pod is made
    run_warren 125 pod create --name "$name" --cpus 1
    assert_error "--cpus: resource limits need a cgroup of the cpu controller"
    run_warren 0 pod ls -q
    assert_output ""
}

@test "limits that need no cgroup work rootless: --shm-size, --oom-score-adj (raised), --cgroupns" {
    # guards: issue 14 "--shm-size", "--oom-score-adj", "--cgroupns"
    run_warren 0 run --rm --shm-size 3m --oom-score-adj 300 "$IMAGE" sh -c 'df -k /dev/shm | tail -n1; cat /proc/self/oom_score_adj'
    assert_line --regexp '^shm +3072 '
    assert_line 300
    run_warren 0 run --rm --shm-size 1024 "$IMAGE" sh -c 'df /dev/shm | tail -n1'
    assert_line --regexp '^shm +[0-9]+ '
    # lowering needs CAP_SYS_RESOURCE on the host: the reason, nothing run
    run_warren 125 run --rm --oom-score-adj -10 "$IMAGE" true
    assert_error "set oom_score_adj to -10 (below the current value needs root)"
    run_warren 0 run --rm --cgroupns private "$IMAGE" cat /proc/self/cgroup
    run_warren 0 create --cgroupns private --shm-size 1g "$IMAGE" true
    run_warren 0 inspect --format '{{.HostConfig.CgroupMode}} {{.HostConfig.ShmSize}}' "$output"
    assert_output "private 1073741824"
}

@test "limits: bad values fail with one line (Podman's where it has one), exit 125, nothing created" {
    # guards: issue 14; hostile input to each new flag (COMMON.md)
    local bad want
    run_warren 0 ps -a -q
    local before=$output
    while IFS='|' read -r bad want; do
        # shellcheck disable=SC2086  # the flags and their values
        run_warren 125 create $bad "$IMAGE" true
        assert_error "$want"
    done <<'LIST'
-m x|invalid value for memory: invalid size: 'x'
-m -1|invalid value for memory: invalid size: '-1'
-m 10q|invalid value for memory: invalid size: '10q'
-m 0x10|invalid value for memory: invalid size: '0x10'
-m 1e3|invalid value for memory: invalid size: '1e3'
-m 1|minimum memory limit allowed is 6MB
--memory-reservation x|invalid value for memory: invalid size: 'x'
--memory-swap x|invalid value for memory: invalid size: 'x'
-m 10m --memory-swap 5m|minimum memoryswap limit should be larger than memory limit, see usage
--memory-swap 20m|you should always set a memory limit when using a memoryswap limit, see usage
--memory-reservation 20m -m 10m|minimum memory limit cannot be less than memory reservation limit, see usage
--memory-swappiness 101|invalid value: 101, valid memory swappiness range is 0-100
--memory-swappiness x|invalid argument "x" for "--memory-swappiness" flag: strconv.ParseInt: parsing "x": invalid syntax
--oom-kill-disable=x|--oom-kill-disable
--oom-score-adj x|invalid argument "x" for "--oom-score-adj" flag: strconv.ParseInt: parsing "x": invalid syntax
--oom-score-adj 1001|invalid value 1001 for --oom-score-adj: the range is -1000 to 1000
--cpus x|invalid argument "x" for "--cpus" flag: strconv.ParseFloat: parsing "x": invalid syntax
--cpus -1|invalid value -1 for --cpus: the number of CPUs must not be negative
--cpus 0.0001|CPU cfs quota cannot be less than 1ms (i.e. 1000)
--cpus 1 --cpu-quota 1000|--cpu-quota and --cpus cannot be set together
--cpus 1 --cpu-period 100000|--cpu-period and --cpus cannot be set together
-c x|invalid argument "x" for "-c, --cpu-shares" flag: strconv.ParseUint: parsing "x": invalid syntax
--cpu-shares -1|invalid argument "-1" for "-c, --cpu-shares" flag: strconv.ParseUint: parsing "-1": invalid syntax
--cpu-quota x|invalid argument "x" for "--cpu-quota" flag: strconv.ParseInt: parsing "x": invalid syntax
--cpu-quota 500|CPU cfs quota cannot be less than 1ms (i.e. 1000)
--cpu-period 500|CPU cfs period cannot be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)
--cpu-period x|invalid argument "x" for "--cpu-period" flag: strconv.ParseUint: parsing "x": invalid syntax
--cpuset-cpus x|invalid value x for cpuset cpus
--cpuset-cpus 1-0|invalid value 1-0 for cpuset cpus
--cpuset-cpus 0,|invalid value 0, for cpuset cpus
--cpuset-cpus 99999|requested CPUs are not available - requested 99999, available:
--cpuset-mems x|invalid value x for cpuset mems
--cpuset-mems 999|requested memory nodes are not available - requested 999, available:
--pids-limit x|invalid argument "x" for "--pids-limit" flag: strconv.ParseInt: parsing "x": invalid syntax
--blkio-weight x|invalid value for blkio-weight: strconv.ParseUint: parsing "x": invalid syntax
--blkio-weight 5|invalid value for blkio-weight: 5: the range is 10 to 1000
--blkio-weight 1001|invalid value for blkio-weight: 1001: the range is 10 to 1000
--device-read-bps x|bad format: x
--device-read-bps /dev/null:x|invalid rate for device: /dev/null:x. The correct format is <device-path>:<number>[<unit>]. Number must be a positive integer. Unit is optional and can be kb, mb, or gb
--device-write-bps /nonexist:1m|bad format for device path: /nonexist:1m
--device-read-iops /dev/null:x|invalid rate for device: /dev/null:x. The correct format is <device-path>:<number>. Number must be a positive integer
--device-write-iops /dev/nope:10|device-write-iops: '/dev/nope' is not a device
--shm-size x|unable to translate --shm-size: invalid size: 'x'
--shm-size -1|unable to translate --shm-size: invalid size: '-1'
--cgroupns bogus|unrecognized namespace mode bogus passed
--cgroup-parent /a/../b|invalid cgroup parent "/a/../b": no '.' or '..' allowed
LIST
    run_warren 0 ps -a -q
    assert_output "$before"
}

@test "limits: the bad values rootless podman refuses at create get podman's message" {
    # guards: Podman is the oracle for messages (issue 6); rootless podman on
    # cgroup v1 drops most limits with a warning before checking them (the
    # root file compares those with root podman)
    local bad want
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    for bad in "-m x" "--memory-swap x" "--cpus 1 --cpu-quota 1000" "--device-read-bps x" \
        "--device-read-bps /dev/null:x" "--device-write-bps /nonexist:1m" \
        "--device-read-iops /dev/null:x" "--shm-size x" "--cgroupns bogus" "--cpus x" "-c x" \
        "--pids-limit x" "--blkio-weight x"; do
        # shellcheck disable=SC2086
        want=$(pm create $bad "$IMAGE" true 2>&1 | grep '^Error: ' || true)
        # shellcheck disable=SC2086
        run_warren 125 create $bad "$IMAGE" true
        [ "${want% }" = "${stderr_lines[0]% }" ] || fail "for '$bad': warren '${stderr_lines[0]}', podman '$want'"
    done
}

@test "update: bad input, no changes, an unknown container" {
    # guards: issue 14 "update changing limits"; hostile input
    local name
    name=$(wt_name)
    run_warren 0 create --name "$name" "$IMAGE" true
    run_warren 125 update "$name"
    assert_error "no changes: give --restart or a resource limit"
    run_warren 125 update -m x "$name"
    assert_error "invalid value for memory: invalid size: 'x'"
    run_warren 125 update --cpus 1 --cpu-period 100000 "$name"
    assert_error "--cpu-period and --cpus cannot be set together"
    run_warren 125 update --memory-swap 1m "$name"
    assert_error "you should always set a memory limit when using a memoryswap limit"
    run_warren 125 update --bogus 1 "$name"
    run_warren 125 update -m 10m
    assert_error "update requires exactly one container"
    run_warren 125 update -m 10m nosuchcontainer
    assert_error 'no container with name or ID "nosuchcontainer" found: no such container'
    run_warren 0 inspect --format '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}' "$name"
    assert_output "0 0"
    run_warren 0 rm "$name"
}
