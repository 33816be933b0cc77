#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Issue 8 "pause/unpause (cgroup freezer where available, else a clear error)",
# "stats --no-stream where cgroups allow", issue 14 "Rootless ... inside the
# subtree delegated to the user ... otherwise ... fails with the reason and
# the fix": rootless, a container gets a cgroup only inside one the user owns.
# tests/bats/root/200-root-cgroups.bats delegates one by chown.

load helpers

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
