#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Foundation #2 §6 (info and help) and the global flags of §4.

load helpers

@test "version: prints warren's version" {
    # guards: Foundation #2 §6 `warren version`
    run_warren 0 version
    assert_output --regexp 'Version: +[0-9]+\.[0-9]+'
    run_warren 0 --version
    assert_output --regexp '^warren version [0-9]+\.[0-9]+'
}

@test "help: --help works on every command in scope" {
    # guards: Foundation #2 §6 "--help on every command"
    local cmd
    for cmd in run load import images rmi tag "image inspect" "image exists" ps rm inspect \
        info version unshare "system migrate"; do
        # shellcheck disable=SC2086
        run_warren 0 $cmd --help
        # the first line names the command as it was typed (issue 5 item 13:
        # `system migrate --help` said `warren migrate`)
        [[ ${lines[0]} == "warren $cmd - "* ]] || fail "'warren $cmd --help' begins: ${lines[0]}"
        [ "${#lines[@]}" -ge 3 ] || fail "'warren $cmd --help' says too little: $output"
    done
    run_warren 0 --help
    for cmd in run load import images rmi tag ps rm inspect info version unshare; do
        assert_output --partial "$cmd"
    done
}

@test "info: rootless true, the user's id maps, driver and paths" {
    # guards: Foundation #2 §6 `warren info` (rootless, id maps, storage driver and paths)
    [ "$(id -u)" != 0 ] || skip "the rootless suite must run as an unprivileged user"
    local me su sg
    me=$(id -un)
    su=$(subid_range /etc/subuid "$me")
    sg=$(subid_range /etc/subgid "$me")
    [ -n "$su" ] && [ -n "$sg" ] || skip "needs /etc/subuid and /etc/subgid ranges for $me"
    run_warren 0 info --format json
    local j=$output
    run jq -r '.host.security.rootless' <<<"$j"
    assert_output true
    run jq -r '.host.idMappings.uidmap | map("\(.container_id) \(.host_id) \(.size)") | join(",")' <<<"$j"
    assert_output "0 $(id -u) 1,1 ${su% *} ${su#* }"
    run jq -r '.host.idMappings.gidmap | map("\(.container_id) \(.host_id) \(.size)") | join(",")' <<<"$j"
    assert_output "0 $(id -g) 1,1 ${sg% *} ${sg#* }"
    run jq -r '.store.graphDriverName' <<<"$j"
    assert_output --regexp '^(overlay|fuse-overlayfs|vfs)$'
    run jq -r '.store.graphRoot' <<<"$j"
    assert_output "$WT_ROOT"
    run jq -r '.store.runRoot' <<<"$j"
    assert_output "$WT_RUNROOT"
    # the human form carries the same facts
    run_warren 0 info
    assert_output --partial "rootless: true"
    assert_output --regexp "graphDriverName: (overlay|fuse-overlayfs|vfs)"
    assert_output --partial "$WT_ROOT"
}

@test "info: shows the runtime dir under XDG_RUNTIME_DIR" {
    # guards: Foundation #2 §6 info shows the runtime dir; DESIGN: $XDG_RUNTIME_DIR/warren
    [ -n "${XDG_RUNTIME_DIR:-}" ] || skip "needs XDG_RUNTIME_DIR set by the runner"
    [ "$(id -u)" != 0 ] || skip "the rootless suite must run as an unprivileged user"
    run_warren 0 info
    assert_output --partial "$XDG_RUNTIME_DIR/warren"
}

@test "info: default storage lives under XDG_DATA_HOME/warren" {
    # guards: Foundation #2 §2/DESIGN default data dir when no --root is given
    [ "$(id -u)" != 0 ] || skip "the rootless suite must run as an unprivileged user"
    local d=$BATS_TEST_TMPDIR/xdg
    mkdir -p "$d"
    run --separate-stderr timeout 60 env XDG_DATA_HOME="$d" "$WARREN" info --format json
    wt_check_status 0 "warren info --format json (XDG_DATA_HOME=$d)"
    run jq -r '.store.graphRoot' <<<"$output"
    assert_output --regexp "^$d/warren"
    # clean whatever info created there (may be owned by sub-ids)
    timeout 60 "$WARREN" unshare rm -rf "$d/warren" || true
}

@test "help: bare warren and warren help show the help and succeed" {
    # guards: issue 5 item 13 "bare warren and warren help exit 125 (Podman: 0 with the help)"
    run --separate-stderr timeout 60 "$WARREN"
    wt_check_status 0 "warren (no arguments)"
    assert_output --partial "Usage: warren COMMAND"
    assert_output --partial "run "
    [ -z "$stderr" ] || fail "bare warren wrote to stderr: $stderr"
    run_warren 0 help
    assert_output --partial "Usage: warren COMMAND"
    run_warren 0 help system migrate
    assert_line --index 0 --partial "warren system migrate - "
    # two groups deep, it names the whole path as typed (it said `warren trust set`)
    run_warren 0 help image trust set
    assert_line --index 0 --partial "warren image trust set - "
    run_warren 0 help system connection add
    assert_line --index 0 --partial "warren system connection add - "
    run_warren 125 help nosuchcommand
    assert_error "nosuchcommand"
    # a group without its subcommand is a usage error that says so
    run_warren 125 image
    assert_error "missing command" "warren image COMMAND"
    run_warren 0 image --help
    assert_output --partial "Usage: warren image COMMAND"
}

@test "help: --help is a boolean flag, a bad value is an error that says so" {
    # guards: issue 5 item 13 "run --help=x prints an empty error"
    run_warren 125 run --help=x
    assert_error '"x"' "--help"
    run_warren 125 images --help=maybe
    assert_error '"maybe"' "--help"
    run_warren 0 run --help=true
    assert_line --index 0 --partial "warren run - "
    # --help=false is no help: run then wants its image
    run_warren 125 run --help=false
    assert_error "requires at least 1 arg"
}

@test "global flags: --log-level debug shows debug lines, the default does not, a bad level is an error" {
    # guards: Foundation #2 §4 Podman's global flag --log-level; issue 5 "010-info.bats --log-level only checks exit 0"
    run_warren 0 --log-level debug images
    assert_output --partial "REPOSITORY"
    [[ $stderr == *"level=debug msg="* ]] || fail "no debug line on stderr with --log-level debug: $stderr"
    [[ $output != *"level=debug"* ]] || fail "debug lines went to stdout: $output"
    run_warren 0 --log-level=debug run --rm "$IMAGE" true
    [[ $stderr == *"level=debug msg="* ]] || fail "no debug line for run with --log-level=debug: $stderr"
    run_warren 0 images
    [[ $stderr != *"level=debug"* ]] || fail "debug lines without --log-level: $stderr"
    run_warren 0 --log-level=error images
    [[ $stderr != *"level=debug"* ]] || fail "debug lines with --log-level=error: $stderr"
    run_warren 0 -D images
    [[ $stderr == *"level=debug msg="* ]] || fail "no debug line with -D: $stderr"
    # guards: issue 6 "an unknown --log-level value exits 1 as Podman's does" (its line too)
    run_warren 1 --log-level bogus images
    assert_equal "$stderr" 'Log Level "bogus" is not supported, choose from: trace, debug, info, warn, warning, error, fatal, panic'
    assert_output ""
}

@test "global flags: --storage-driver vfs works and is reported by info" {
    # guards: Foundation #2 §3 "--storage-driver overrides; the choice is shown by warren info"
    use_private_store
    run_warren 0 --storage-driver vfs load -i "$WT_FIXTURES/busybox.docker.tar"
    run_warren 0 --storage-driver vfs run --rm "$IMAGE" cat /etc/warren-fixture
    assert_output docker
    run_warren 0 --storage-driver vfs info --format json
    run jq -r '.store.graphDriverName' <<<"$output"
    assert_output vfs
}

@test "global flags: --storage-opt overlay.mount_program selects fuse-overlayfs" {
    # guards: Foundation #2 §3 fuse-overlayfs driver, §4 --storage-opt
    [ -w /dev/fuse ] || skip "needs a writable /dev/fuse"
    [ -x /usr/bin/fuse-overlayfs ] || skip "needs /usr/bin/fuse-overlayfs"
    use_private_store
    local o=(--storage-driver overlay --storage-opt overlay.mount_program=/usr/bin/fuse-overlayfs)
    run_warren 0 "${o[@]}" load -i "$WT_FIXTURES/busybox.docker.tar"
    run_warren 0 "${o[@]}" run --rm "$IMAGE" sh -c 'echo written > /tmp/f && cat /tmp/f /etc/warren-fixture'
    assert_output $'written\ndocker'
    run_warren 0 "${o[@]}" info
    assert_output --partial fuse-overlayfs
}

@test "global flags: unknown global flag and unknown command exit 125" {
    # guards: Foundation #2 "an unknown flag (125)"; issue 6: errors start "Error: " as Podman's
    run_warren 125 --bogus-global-flag images
    assert_error "bogus-global-flag"
    run_warren 125 nosuchcommand
    assert_error "nosuchcommand"
}

@test "info: the automatic driver is native overlay where the kernel allows it in a user namespace" {
    # guards: Foundation #2 §3 "native kernel overlay in the user namespace where it works, else fuse-overlayfs, else vfs"
    [ "$(id -u)" != 0 ] || skip "the rootless suite must run as an unprivileged user"
    local d=$BATS_TEST_TMPDIR/ovl
    mkdir -p "$d"/{l,u,w,m}
    if ! unshare -Urm sh -c "mount -t overlay overlay -o lowerdir=$d/l,upperdir=$d/u,workdir=$d/w,userxattr $d/m" 2>/dev/null; then
        skip "needs native overlayfs in a user namespace (kernel >= 5.13 with userxattr)"
    fi
    use_private_store
    run_warren 0 load -i "$WT_FIXTURES/busybox.docker.tar"
    run_warren 0 run --rm "$IMAGE" true
    run_warren 0 info --format json
    run jq -r '.store.graphDriverName' <<<"$output"
    assert_output overlay
}

@test "info: reports warren's version" {
    # guards: Foundation #2 §6 info shows "versions"
    run_warren 0 version
    local v
    v=$(awk '/^Version:/ {print $2; exit}' <<<"$output")
    [ -n "$v" ] || fail "no Version: line in 'warren version'"
    run_warren 0 info
    assert_output --partial "$v"
}
