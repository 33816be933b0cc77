#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Issue 6 "Errors and exit codes": common mistakes made with warren and with
# Podman (installed by tests/deps.sh) print the same error line and exit with
# the same code. Podman runs rootless on its own store in this file's temp dir
# (vfs, runc, cgroupfs), with the base image loaded.

load helpers

setup_file() {
    local d=$BATS_FILE_TMPDIR/podman pausefile
    export WT_PODMAN_DIR=$d WT_PODMAN_SKIP='' WT_PODMAN_PAUSE=''
    if ! command -v podman >/dev/null; then
        WT_PODMAN_SKIP="needs podman (tests/deps.sh installs it)"
        return 0
    fi
    if ! command -v runc >/dev/null; then
        WT_PODMAN_SKIP="needs runc for podman (tests/deps.sh installs it)"
        return 0
    fi
    mkdir -p "$d"
    # podman's pause process (catatonit): ended in teardown_file if this file started it
    pausefile=${XDG_RUNTIME_DIR:-/run/user/$(id -u)}/libpod/tmp/pause.pid
    if ! { [ -s "$pausefile" ] && kill -0 "$(cat "$pausefile")" 2>/dev/null; }; then
        export WT_PODMAN_PAUSE=$pausefile
    fi
    if ! p load -i "$WT_FIXTURES/busybox.docker.tar" >"$d/load.log" 2>&1; then
        WT_PODMAN_SKIP="needs rootless podman to work here: $(grep -m1 -i error "$d/load.log")"
    fi
}

teardown_file() {
    [ -z "$WT_PODMAN_SKIP" ] || return 0
    p rm -a -f -t 0 >/dev/null 2>&1 || true
    p unshare rm -rf "$WT_PODMAN_DIR/root" "$WT_PODMAN_DIR/runroot" >/dev/null 2>&1 || true
    [ -n "$WT_PODMAN_PAUSE" ] || return 0
    # conmon runs 'podman container cleanup' once a container is gone, which would
    # start a new pause process: wait for it first
    for _ in $(seq 100); do
        ps -u "$(id -u)" -o stat=,comm= | awk '$2 == "conmon" && $1 !~ /Z/ {f = 1} END {exit !f}' || break
        sleep 0.1
    done
    if [ -s "$WT_PODMAN_PAUSE" ]; then
        kill "$(cat "$WT_PODMAN_PAUSE")" 2>/dev/null || true
    fi
}

# p ARGS...: podman on this file's own store
p() {
    timeout -k 5 120 podman --root "$WT_PODMAN_DIR/root" --runroot "$WT_PODMAN_DIR/runroot" \
        --runtime runc --storage-driver vfs --cgroup-manager cgroupfs --events-backend none "$@"
}

# wt_error_text: $stderr without logrus warning lines (Podman may warn about
# the host), 64-hex ids as ID, and "podman" as "warren"
wt_error_text() {
    grep -Ev "$WT_WARN_RE" <<<"$stderr" | sed -E 's/[0-9a-f]{64}/ID/g; s/podman/warren/g'
}

# compare_error RC [WARREN-ARGS...] [:: PODMAN-ARGS...]: both exit RC and print
# the same error lines (PODMAN-ARGS default to WARREN-ARGS; WT_PODMAN_FIX: a
# sed -E script applied to Podman's first); sets $w_err, $p_err
compare_error() {
    local rc=$1 wargs=() pargs=()
    shift
    while [ $# -gt 0 ] && [ "$1" != :: ]; do wargs+=("$1"); shift; done
    if [ "${1-}" = :: ]; then shift; pargs=("$@"); else pargs=("${wargs[@]}"); fi
    [ -z "$WT_PODMAN_SKIP" ] || skip "$WT_PODMAN_SKIP"
    run --separate-stderr p "${pargs[@]}"
    wt_check_status "$rc" "podman ${pargs[*]}"
    p_err=$(wt_error_text | sed -E "${WT_PODMAN_FIX-}")
    run_warren "$rc" "${wargs[@]}"
    w_err=$(wt_error_text)
    [ -n "$w_err" ] || fail "warren ${wargs[*]} printed no error"
    assert_equal "$w_err" "$p_err"
}

@test "podman errors: an unknown flag, long or short, and a bad flag value" {
    # guards: issue 6 "unknown flag: --foo" with Podman's "See '... --help'" line, exit 125
    compare_error 125 run --foo "$IMAGE" true
    assert_error "unknown flag: --foo"
    compare_error 125 ps -z
    compare_error 125 image ls --bogus
    compare_error 125 --root
    compare_error 125 run --rm --tty=maybe "$IMAGE" true
    compare_error 125 rm -t abc x
}

@test "podman errors: an unknown command" {
    # guards: issue 6 "Error: " prefix and exit 125 for an unknown command, with cobra's
    # "Did you mean this?" list of commands within two edits (typos both programs share
    # compare whole); for other names Podman suggests its own commands: the first and
    # last lines compare
    compare_error 125 versoin
    [[ $stderr == *$'\n\nDid you mean this?\n\tversion\n\n'* ]] || fail "no suggestion: $stderr"
    compare_error 125 imagess
    [ -z "$WT_PODMAN_SKIP" ] || skip "$WT_PODMAN_SKIP"
    run --separate-stderr p nosuchcmd
    wt_check_status 125 "podman nosuchcmd"
    local first last
    first=$(wt_error_text | head -1) last=$(wt_error_text | tail -1)
    run_warren 125 nosuchcmd
    assert_error "unrecognized command"
    assert_equal "${stderr_lines[0]}" "$first"
    assert_equal "${stderr_lines[1]}" "$last"
    compare_error 125 image nosuchcmd
}

@test "podman errors: run of an image that is not in local storage" {
    # guards: issue 6 "x: image not known" with --pull=never (issue 7: run pulls otherwise)
    compare_error 125 run --rm --pull=never wt-nosuch-image
    assert_error "wt-nosuch-image: image not known"
    compare_error 125 run --rm --pull=never localhost/wt-nosuch:1
}

@test "podman errors: rm, rmi and inspect of unknown names" {
    # guards: issue 6 "rm/rmi of something unknown: 1", Podman's wording; inspect 125
    compare_error 1 rm wt-nosuch
    assert_error 'no container with name or ID "wt-nosuch" found: no such container'
    compare_error 1 rmi wt-nosuch
    assert_error "wt-nosuch: image not known"
    compare_error 125 inspect wt-nosuch
    compare_error 125 container inspect wt-nosuch
    compare_error 125 inspect --type image wt-nosuch
}

@test "podman errors: missing and extra arguments" {
    # guards: issue 6 "requires at least 1 arg(s), only received 0", "accepts 1 arg(s), received 2"
    compare_error 125 run
    assert_error "requires at least 1 arg(s), only received 0"
    compare_error 125 rm
    compare_error 125 rmi
    compare_error 125 inspect
    compare_error 125 tag "$IMAGE"
    compare_error 125 images a b
    compare_error 125 image exists
    compare_error 125 image exists a b
    compare_error 125 import
    compare_error 125 ps extra
    compare_error 125 container ls extra
    compare_error 125 rm --all extra
    compare_error 125 image
}

@test "podman errors: a bad --log-level exits 1 with logrus' line" {
    # guards: issue 6 "An unknown --log-level value exits 1 as Podman's does"
    compare_error 1 --log-level bogus ps
    assert_output ""
}

@test "podman errors: rm of a running container without -f, rmi of an image in use" {
    # guards: issue 6 "in use: 2"
    [ -z "$WT_PODMAN_SKIP" ] || skip "$WT_PODMAN_SKIP"
    local name
    name=$(wt_name)
    p run -d --network none --name "$name" "$IMAGE" sleep 300 >/dev/null || fail "podman run -d failed"
    start_warren "$BATS_TEST_TMPDIR/out" run --name "$name" "$IMAGE" sleep 300
    for _ in $(seq 100); do
        w ps | grep -qF -- "$name" && break
        sleep 0.1
    done
    compare_error 2 rm "$name"
    assert_error "as it is running" "container state improper"
    compare_error 2 rmi "$IMAGE"
    assert_error "image is in use by a container"
    p rm -f -t 0 "$name" >/dev/null
}

@test "podman errors: tag to an invalid name" {
    # guards: issue 6 "tag to an invalid name". Podman names the reference twice
    # ("normalizing name "x": normalizing name "x": ..."): compared once
    local t WT_PODMAN_FIX='s/^(Error: normalizing name "[^"]*": )normalizing name "[^"]*": /\1/'
    for t in Upper 'BAD NAME' 'a:b:c' 'x/Y:1' 'x:-bad'; do
        compare_error 125 tag "$IMAGE" "$t"
    done
    assert_error 'normalizing name "x:-bad"' "invalid reference format"
}

@test "podman errors: a bad -v spec" {
    # guards: issue 6 "-v with a bad spec": Podman's wording, exit 125
    local v
    for v in /tmp:/y:zzz /tmp:/y:ro,bogus a:b:c:d /tmp:rel :/b ''; do
        compare_error 125 run --rm -v "$v" "$IMAGE" true
    done
}

@test "podman errors: a command's exit code, 126 and 127 through run" {
    # guards: issue 6 "container exit codes through run, 126, 127"
    [ -z "$WT_PODMAN_SKIP" ] || skip "$WT_PODMAN_SKIP"
    local c rc
    for c in "sh -c 'exit 3'" /etc /nonexistent; do
        rc=0
        eval p run --rm --network none "$IMAGE" "$c" >/dev/null 2>&1 || rc=$?
        eval run_warren "$rc" run --rm "$IMAGE" "$c"
        [ "$rc" = 0 ] || [ "$rc" = 3 ] || assert_error
    done
}

@test "ps --external is accepted and changes nothing" {
    # guards: issue 6 "ps --external is accepted (warren has no foreign containers)"
    run_warren 0 ps -a --external
    local ext=$output
    run_warren 0 ps -a
    assert_equal "$ext" "$output"
}

@test "version: --version prints Podman's shape with a semantic version X.Y.Z, X or Y > 0" {
    # guards: issue 6 "The version string follows semantic versioning and starts at a
    # non-zero major or minor"; `podman --version` prints "podman version 4.3.1"
    run_warren 0 --version
    [[ $output =~ ^warren\ version\ ([0-9]+)\.([0-9]+)\.([0-9]+)$ ]] || fail "not 'warren version X.Y.Z': $output"
    [ "${BASH_REMATCH[1]}" -gt 0 ] || [ "${BASH_REMATCH[2]}" -gt 0 ] || fail "major and minor are 0: $output"
    local v=$output
    run_warren 0 version --format '{{.Client.Version}}'
    assert_equal "warren version $output" "$v"
    [ -z "$WT_PODMAN_SKIP" ] || skip "$WT_PODMAN_SKIP"
    run podman --version
    assert_equal "$(sed -E 's/podman/warren/; s/[0-9]+/N/g' <<<"$output")" "$(sed -E 's/[0-9]+/N/g' <<<"$v")"
}
