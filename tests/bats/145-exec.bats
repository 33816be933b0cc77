#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Issue 8 "Exec and inspection": `warren exec` runs a command in a running
# container: in its namespaces and root, as confined as its init (capabilities,
# seccomp, no_new_privs), with its env, user and cwd unless -e/-u/-w change
# them; exit codes, stdio, -t, -d and signals as Podman's.

load helpers

# start_ctr NAME [RUN-OPTS...]: a foreground `warren run RUN-OPTS --name NAME` in the
# background whose init writes `ls /` to /sync/ls, touches /sync/ready and sleeps;
# waits for it. Sets SYNC; teardown removes the container.
start_ctr() {
    local name=$1
    shift
    SYNC=$BATS_TEST_TMPDIR/sync-$name
    mkdir -p "$SYNC"
    start_warren "$BATS_TEST_TMPDIR/out-$name" run "$@" --name "$name" -v "$SYNC:/sync" "$IMAGE" \
        sh -c 'ls / >/sync/ls; touch /sync/ready; exec sleep 1000'
    wait_for_file "$SYNC/ready" 60
}

# status_lines TEXT: the confinement lines of a /proc/PID/status text
status_lines() {
    grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp|Seccomp_filters):' <<<"$1"
}

@test "exec: the process is as confined as the container's init (caps, seccomp, no_new_privs)" {
    # guards: issue 8 "joins the container's namespaces with the same capabilities,
    # seccomp profile and user"
    local name init
    name=$(wt_name)
    start_ctr "$name" --cap-drop CHOWN --cap-add NET_ADMIN
    run_warren 0 exec "$name" cat /proc/1/status
    init=$(status_lines "$output")
    [ "$(grep -c . <<<"$init")" -eq 8 ] || fail "unexpected status of init: $output"
    run_warren 0 exec "$name" cat /proc/self/status
    assert_equal "$(status_lines "$output")" "$init"
    # not just equal: the container's own set (NET_ADMIN in, CHOWN out) and its filter
    assert_line --regexp '^CapEff:[[:space:]]+00000000800415fa$'
    assert_line --regexp '^NoNewPrivs:[[:space:]]+1$'
    assert_line --regexp '^Seccomp:[[:space:]]+2$'
}

@test "exec: in every namespace of the container, its pid namespace included" {
    # guards: issue 8 exec "joins the container's namespaces"; the process must be a
    # child of the container's pid namespace (forked after setns), not of ours
    local name pid ns
    name=$(wt_name)
    start_ctr "$name"
    run_warren 0 exec "$name" sh -c 'for n in pid mnt net ipc uts cgroup; do
        [ "$(readlink /proc/self/ns/$n)" = "$(readlink /proc/1/ns/$n)" ] || echo "$n differs"; done
        cat /proc/1/cmdline | tr "\0" " "; echo; echo $$'
    assert_line --index 0 "sleep 1000 "
    [ "${#lines[@]}" -eq 2 ] || fail "namespaces differ: $output"
    # a small pid of the container's namespace, not ours
    [ "${lines[1]}" -lt 100 ] || fail "pid ${lines[1]} is not from the container's pid namespace"
    run_warren 0 exec "$name" hostname
    assert_output "$(w inspect --format '{{.Config.Hostname}}' "$name")"
    # and the kernel agrees from outside: the same pid namespace as the init
    pid=$(w inspect --format '{{.State.Pid}}' "$name")
    ns=$(readlink "/proc/$pid/ns/pid") || fail "cannot read the namespace of process $pid"
    run_warren 0 exec "$name" readlink /proc/self/ns/pid
    assert_output "$ns"
}

@test "exec: the root is the container's, and nothing of the host shows" {
    # guards: issue 8 exec "must not escape the container's rootfs"
    local name
    name=$(wt_name)
    start_ctr "$name"
    run_warren 0 exec "$name" ls /
    assert_equal "$output" "$(cat "$SYNC/ls")"
    run_warren 0 exec "$name" sh -c 'echo from-exec > /marker; readlink /proc/self/root; pwd'
    assert_output $'/\n/'
    # the init sees what exec wrote: one root
    run_warren 0 exec "$name" cat /proc/1/root/marker
    assert_output from-exec
    run_warren 1 exec "$name" test -e "$WT_ROOT"
    run_warren 1 exec "$name" test -e "$BATS_TEST_TMPDIR"
}

@test "exec: the container's env, -e over it, -e K from ours, --env-file" {
    # guards: issue 8 exec -e; "the container's env from its OCI config.json plus -e"
    local name
    name=$(wt_name)
    start_ctr "$name" -e RUNVAR=fromrun -e OVER=run
    printf '# comment\nFILEVAR=fromfile\n\nOVER=file\n' >"$BATS_TEST_TMPDIR/env"
    WT_OURS=ours run_warren 0 exec -e A=1 -e OVER=exec -e WT_OURS --env-file "$BATS_TEST_TMPDIR/env" \
        "$name" env
    assert_line RUNVAR=fromrun
    assert_line WARREN_FIXTURE=image-env
    assert_line A=1
    assert_line WT_OURS=ours
    assert_line FILEVAR=fromfile
    assert_line OVER=file # the last one given wins, as in run
    assert_line HOME=/root
    assert_line --regexp '^PATH=/'
    run_warren 125 exec --env-file "$BATS_TEST_TMPDIR/nosuch" "$name" true
    assert_error "$BATS_TEST_TMPDIR/nosuch"
    run_warren 125 exec -e '=x' "$name" true
    assert_error "invalid environment variable"
}

@test "exec -u: users and groups from the container's files, their HOME, no caps unless root" {
    # guards: issue 8 exec -u "resolved inside the container's /etc/passwd like run does"
    local name
    name=$(wt_name)
    start_ctr "$name"
    run_warren 0 exec -u 1000 "$name" id
    assert_output "uid=1000(wtuser) gid=1000(wtuser)"
    run_warren 0 exec -u wtuser "$name" sh -c 'echo $HOME; grep -E "^Cap(Eff|Prm|Bnd)" /proc/self/status'
    assert_line --index 0 /home/wtuser
    assert_line --regexp '^CapEff:[[:space:]]+0+$'
    assert_line --regexp '^CapPrm:[[:space:]]+0+$'
    assert_line --regexp "^CapBnd:[[:space:]]+$DEFAULT_CAPEFF\$"
    run_warren 0 exec -u 1234:1000 "$name" id -u
    assert_output 1234
    run_warren 0 exec -u wtuser -e HOME=/elsewhere "$name" sh -c 'echo $HOME'
    assert_output /elsewhere
    run_warren 0 exec -u 0 "$name" grep CapEff /proc/self/status
    assert_output --regexp "CapEff:[[:space:]]+$DEFAULT_CAPEFF"
    run_warren 125 exec -u nosuch "$name" id
    assert_error "unable to find user nosuch: no matching entries in passwd file"
    run_warren 125 exec -u 1000:nosuchgroup "$name" id
    assert_error "unable to find group nosuchgroup"
}

@test "exec -w: the working directory; a missing one is 127, a relative one 125" {
    # guards: issue 8 exec -w (Podman's exec exits 127 for a missing cwd)
    local name
    name=$(wt_name)
    start_ctr "$name"
    run_warren 0 exec -w /tmp "$name" pwd
    assert_output /tmp
    run_warren 0 exec "$name" pwd
    assert_output /
    run_warren 127 exec -w /nosuch "$name" pwd
    assert_error "/nosuch" "no such file or directory"
    run_warren 125 exec -w tmp "$name" pwd
    assert_error "not an absolute path"
}

@test "exec: the command's exit code passes through, 0 to 255, and 128+N after signal N" {
    # guards: issue 8 exec exit codes ("the command's status")
    local name c
    name=$(wt_name)
    start_ctr "$name"
    for c in 0 1 42 126 127 254 255; do
        run_warren "$c" exec "$name" sh -c "exit $c"
        [ -z "$stderr" ] || fail "exit $c printed: $stderr"
    done
    run_warren 137 exec "$name" sh -c 'kill -KILL $$'
    run_warren 143 exec "$name" sh -c 'kill -TERM $$'
}

@test "exec: a missing command is 127, a non-executable 126, with one error line" {
    # guards: issue 8 exec "127 not found, 126 not executable"
    local name
    name=$(wt_name)
    start_ctr "$name"
    run_warren 127 exec "$name" nosuchcommand
    assert_error "executable file not found in \$PATH"
    run_warren 127 exec "$name" /nonexistent
    assert_error "/nonexistent"
    run_warren 126 exec "$name" /etc/passwd
    assert_error "permission denied"
    run_warren 126 exec "$name" /etc
    assert_error
    # and the container runs on
    run_warren 0 exec "$name" true
}

@test "exec: unknown, stopped and removed containers, and missing arguments: Podman's errors" {
    # guards: issue 8 "exec into a stopped container", unknown container (125)
    local name
    name=$(wt_name)
    run_warren 125 exec wt-nosuch true
    assert_error 'no container with name or ID "wt-nosuch" found: no such container'
    run_warren 0 run --name "$name" "$IMAGE" true
    run_warren 125 exec "$name" true
    assert_error "can only create exec sessions on running containers: container state improper"
    run_warren 0 rm "$name"
    run_warren 125 exec "$name" true
    assert_error "no such container"
    run_warren 125 exec
    assert_error "exec requires the name or ID of a container or the --latest flag"
    run_warren 125 exec "$name"
    assert_error "must provide a non-empty command to start an exec session: invalid argument"
    run_warren 125 exec --bogus "$name" true
    assert_error "unknown flag: --bogus"
}

@test "exec -i: stdin reaches the command; without -i it reads nothing" {
    # guards: issue 8 exec -i
    local name
    name=$(wt_name)
    start_ctr "$name"
    run --separate-stderr bash -c 'printf "line1\nline2\n" | "$@"' _ \
        "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" exec -i "$name" cat
    [ "$status" -eq 0 ] || fail "exit $status: $stderr"
    assert_output $'line1\nline2'
    run --separate-stderr bash -c 'echo nope | "$@"' _ \
        "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" exec "$name" cat
    [ "$status" -eq 0 ] || fail "exit $status: $stderr"
    assert_output ""
}

@test "exec -t: a pty of the container's own devpts, sized; -it carries keystrokes" {
    # guards: issue 8 exec -t ("open /dev/ptmx inside the container's mount ns")
    command -v script >/dev/null || skip "needs script(1) from util-linux to provide a terminal"
    local name cmd
    name=$(wt_name)
    start_ctr "$name"
    cmd="$WARREN --root $WT_ROOT --runroot $WT_RUNROOT exec"
    run timeout 60 script -qec "$cmd -t $name sh -c 'tty; ls -1 /dev/pts; stty size'" /dev/null
    [ "$status" -eq 0 ] || fail "exit $status: $output"
    local tty=${lines[0]%$'\r'}
    [[ $tty =~ ^/dev/pts/([0-9]+)$ ]] || fail "no pty: $output"
    # the container's devpts (a new instance): the pty is listed there
    [[ $output == *$'\n'"${BASH_REMATCH[1]}"$'\r'* ]] || fail "pty not in the container's /dev/pts: $output"
    assert_line --partial "24 80"
    run_warren 1 exec "$name" tty
    assert_output "not a tty"
    # another user opens the container's /dev/ptmx as well
    run timeout 60 script -qec "$cmd -t -u 1000 $name sh -c 'id -u; tty'" /dev/null
    [ "$status" -eq 0 ] || fail "exit $status: $output"
    assert_line --index 0 $'1000\r'
    assert_line --index 1 --regexp '^/dev/pts/[0-9]+'$'\r''$'
    run timeout 60 script -qec "$cmd -it $name sh" /dev/null < <(printf 'echo typed-$((40+2))\nexit 5\n')
    [ "$status" -eq 5 ] || fail "exit $status: $output"
    assert_output --partial typed-42
}

@test "exec -d: prints an id and returns; the command keeps running" {
    # guards: issue 8 exec -d (Podman prints the exec session's id)
    local name t0
    name=$(wt_name)
    start_ctr "$name"
    t0=$(now_ms)
    run_warren 0 exec -d "$name" sh -c 'sleep 2; echo done > /sync/detached'
    [ $(($(now_ms) - t0)) -lt 2000 ] || fail "exec -d waited for the command"
    assert_output --regexp '^[0-9a-f]{64}$'
    [ ! -e "$SYNC/detached" ] || fail "the command ended before exec -d returned"
    wait_for_file "$SYNC/detached" 30
    run cat "$SYNC/detached"
    assert_output done
}

@test "exec: SIGINT and SIGTERM to warren reach the command" {
    # guards: issue 8 exec "signals to the CLI are forwarded to the exec process"
    local name sig want rc out
    name=$(wt_name)
    start_ctr "$name"
    for sig in INT:7 TERM:8; do
        want=${sig#*:}
        sig=${sig%:*}
        rm -f "$SYNC/trapped"
        out=$BATS_TEST_TMPDIR/exec-$sig
        start_warren "$out" exec "$name" sh -c "trap 'exit $want' $sig; touch /sync/trapped
            while :; do sleep 0.1; done"
        wait_for_file "$SYNC/trapped" 30
        kill -"$sig" "$BG_PID"
        wait_for_exit "$BG_PID" 10 || fail "warren exec still runs 10 s after SIG$sig"
        rc=$(bg_status "$BG_PID")
        [ "$rc" -eq "$want" ] || fail "SIG$sig: exit $rc, expected $want: $(cat "$out")"
    done
    # the container itself is untouched
    run_warren 0 exec "$name" true
}

@test "exec --privileged: every capability, the filter stays" {
    # guards: issue 8 exec --privileged
    local name
    name=$(wt_name)
    start_ctr "$name"
    run_warren 0 run --rm --privileged "$IMAGE" grep CapBnd /proc/self/status
    local all=${output##*[[:space:]]}
    run_warren 0 exec --privileged "$name" grep -E '^(CapEff|CapBnd|Seccomp):' /proc/self/status
    assert_line --regexp "^CapEff:[[:space:]]+$all\$"
    assert_line --regexp "^CapBnd:[[:space:]]+$all\$"
    assert_line --regexp '^Seccomp:[[:space:]]+2$'
}

@test "exec -l, container exec, --detach-keys; a --rm container" {
    # guards: issue 8 exec --latest, the `container exec` alias
    local a b
    a=$(wt_name)
    b=$(wt_name)-b
    start_ctr "$a" --rm
    start_ctr "$b"
    run_warren 0 exec -l hostname
    assert_output "$(w inspect --format '{{.Config.Hostname}}' "$b")"
    run_warren 0 container exec "$a" hostname
    assert_output "$(w inspect --format '{{.Config.Hostname}}' "$a")"
    # a --rm container's rootfs (perhaps from the pool) has the users too
    run_warren 0 container exec -u wtuser "$a" id -u
    assert_output 1000
    run_warren 0 exec --detach-keys ctrl-x,y "$a" true
    run_warren 0 exec --detach-keys '' "$a" true
    run_warren 125 exec --detach-keys bogus "$a" true
    assert_error "detach keys"
    # nothing is left behind: one process in each container, both still listed
    run_warren 0 exec "$a" ps -o pid,comm
    [ "${#lines[@]}" -eq 3 ] || fail "processes left in the container: $output"
    run_warren 0 ps --format '{{.Names}}'
    assert_line "$a"
    assert_line "$b"
}

@test "exec: without pidfd_open (kernel before 5.3) the /proc/PID/ns fallback joins" {
    # guards: STYLE "on ENOSYS fall back ... Test the fallback" for exec's setns
    local name
    name=$(wt_name)
    wt_pause_ready
    start_ctr "$name"
    run_warren_enosys 0 pidfd_open exec "$name" sh -c 'for n in pid mnt net ipc uts; do
        [ "$(readlink /proc/self/ns/$n)" = "$(readlink /proc/1/ns/$n)" ] || echo "$n differs"; done; ls /'
    assert_equal "$output" "$(cat "$SYNC/ls")"
    run_warren_enosys 0 pidfd_open exec -u 1000 "$name" id -u
    assert_output 1000
}

# ------------------------------------------------------------------ podman as the oracle

# pm_err: podman's $stderr without its warning lines
pm_err() { grep -Ev "$WT_WARN_RE" <<<"$stderr" || true; }

@test "exec vs podman: errors, env, -u and caps as Podman's" {
    # guards: issue 8 "podman as oracle for messages"; Podman 4.3.1 exits 255 for its
    # exec errors after the lookup (documented: 125), warren keeps 125
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    local name pname p args c rc
    name=$(wt_name)
    pname=wt-exec-pm-$$
    pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
    pm run -d --name "$pname" --net none "$IMAGE" sleep 1000 >/dev/null || fail "podman run -d failed"
    start_ctr "$name"
    # error lines
    run --separate-stderr pm exec wt-nosuch true
    p=$(pm_err)
    run_warren 125 exec wt-nosuch true
    assert_equal "$stderr" "$p"
    run --separate-stderr pm exec
    p=$(pm_err)
    run_warren 125 exec
    assert_equal "$stderr" "$p"
    for args in "-u nosuch" "-u 1000:nosuchgroup" ""; do
        # shellcheck disable=SC2086
        run --separate-stderr pm exec $args "$pname" ${args:+id}
        p=$(pm_err)
        # shellcheck disable=SC2086
        run_warren 125 exec $args "$name" ${args:+id}
        assert_equal "$stderr" "$p"
    done
    # -u: the same ids, HOME and capabilities
    p=$(pm exec -u wtuser "$pname" sh -c 'id; echo $HOME; grep -E "^Cap" /proc/self/status')
    run_warren 0 exec -u wtuser "$name" sh -c 'id; echo $HOME; grep -E "^Cap" /proc/self/status'
    assert_equal "$output" "$p"
    # exit codes of the command
    for c in "sh -c 'exit 3'" nosuchcommand /etc/passwd "sh -c 'kill -9 \$\$'"; do
        rc=0
        eval pm exec "$pname" "$c" >/dev/null 2>&1 || rc=$?
        eval run_warren "$rc" exec "$name" "$c"
    done
    # a stopped container
    pm rm -f -t 0 "$pname" >/dev/null
    pm run --name "$pname" --net none "$IMAGE" true
    run --separate-stderr pm exec "$pname" true
    p=$(pm_err)
    w rm -f -t 0 "$name" >/dev/null
    run_warren 0 run --name "$name" "$IMAGE" true
    run_warren 125 exec "$name" true
    assert_equal "$stderr" "$p"
    pm_cleanup
}
