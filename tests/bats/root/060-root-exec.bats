#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Issue 8 "Exec and inspection", root mode: `warren exec` as root joins the
# container's namespaces (no user namespace anywhere) and is as confined as
# its init; the container's root is all it sees.

load ../helpers

# start_ctr NAME [RUN-OPTS...]: a foreground `warren run` in the background whose
# init touches /sync/ready and sleeps; waits for it. Sets SYNC.
start_ctr() {
    local name=$1
    shift
    SYNC=$BATS_TEST_TMPDIR/sync-$name
    mkdir -p "$SYNC"
    start_warren "$BATS_TEST_TMPDIR/out-$name" run "$@" --name "$name" -v "$SYNC:/sync" "$IMAGE" \
        sh -c 'touch /sync/ready; exec sleep 1000'
    wait_for_file "$SYNC/ready" 60
}

@test "root exec: the init's namespaces, capabilities, seccomp and no_new_privs" {
    # guards: issue 8 exec in root mode ("make it work in root mode")
    local name pid f
    name=$(wt_name)
    start_ctr "$name"
    pid=$(w inspect --format '{{.State.Pid}}' "$name")
    run_warren 0 exec "$name" sh -c 'for n in pid mnt net ipc uts user; do readlink /proc/self/ns/$n; done'
    local i=0
    for f in pid mnt net ipc uts user; do
        assert_line --index "$i" "$(readlink "/proc/$pid/ns/$f")"
        i=$((i + 1))
    done
    # no user namespace in root mode: the host's
    assert_line --index 5 "$(readlink /proc/self/ns/user)"
    run_warren 0 exec "$name" grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp):' /proc/self/status
    assert_equal "$output" "$(grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp):' "/proc/$pid/status")"
    assert_line --regexp "^CapEff:[[:space:]]+$DEFAULT_CAPEFF\$"
}

@test "root exec: the container's root only; -u, -w, exit codes, 127" {
    # guards: issue 8 exec "must not escape the container's rootfs", root mode
    local name
    name=$(wt_name)
    start_ctr "$name"
    run_warren 1 exec "$name" test -e "$WT_ROOT"
    run_warren 0 exec "$name" sh -c 'ls /sync; readlink /proc/self/exe'
    assert_line --index 0 ready
    [[ ${lines[1]} != *warren* ]] || fail "the process still runs warren: ${lines[1]}"
    run_warren 0 exec -u 1000 -w /tmp "$name" sh -c 'id -u; pwd; grep CapEff /proc/self/status'
    assert_line --index 0 1000
    assert_line --index 1 /tmp
    assert_line --index 2 --regexp '^CapEff:[[:space:]]+0+$'
    run_warren 3 exec "$name" sh -c 'exit 3'
    run_warren 127 exec "$name" nosuchcommand
    assert_error "executable file not found"
    run_warren 0 rm -f -t 0 "$name"
    run_warren 125 exec "$name" true
    assert_error "no such container"
}
