# helpers.bash - shared by every bats file (`load helpers`, `load ../helpers` from root/).
#
# Environment (set by tests/check.sh, else defaults):
#   WARREN                    the binary under test (default: <repo>/bin/warren)
#   WT_FIXTURES               a dir made by tests/fixtures/mkimages.sh (else setup_suite builds one)
#   WARREN_TEST_NOSUBID_USER  a user without subordinate ids (root subset only)
#   WT_TOOLS                  the programs of tests/tools, built (default: <repo>/build/tools,
#                             where `make test-tools` puts them)
# Set by setup_suite (wt_suite_setup) and exported to every test:
#   WT_TMP, WT_ROOT, WT_RUNROOT  the suite's shared store (the base image is loaded)
#   IMAGE, IMAGE_ID              the base image (busybox.docker.tar)
# Registries for pull/push/login tests: `load registry` too (registry.bash says how).
# shellcheck disable=SC2034,SC2154  # variables used by the .bats files; status/output/stderr set by bats' run
bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

WT_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WARREN=${WARREN:-$WT_REPO/bin/warren}
IMAGE=${IMAGE:-localhost/warren-test/busybox:latest}
OCI_IMAGE=localhost/warren-test/busybox-oci:latest
# Podman 4.x default capability set: CHOWN DAC_OVERRIDE FOWNER FSETID KILL
# NET_BIND_SERVICE SETFCAP SETGID SETPCAP SETUID SYS_CHROOT
DEFAULT_CAPEFF=00000000800405fb

WT_TOOLS=${WT_TOOLS:-$WT_REPO/build/tools}

WT_BG_PIDS=()       # background processes a test started: killed in teardown
WT_IMAGES=()        # images a test added to the shared store: rmi -f in teardown
WT_STORES=()        # private stores ("ROOT RUNROOT"): destroyed in teardown

# w ARGS...: warren on the current store (no checks; for set-up and clean-up)
w() {
    "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" "$@"
}

# run_warren EXPECTED_RC ARGS...: runs warren on the current store with a
# time limit; $output is stdout, $stderr/$stderr_lines stderr. Checks the
# exit code first and prints everything when it differs. EXPECTED_RC may be
# "!0" (any failure).
run_warren() {
    local expected=$1 quiet=()
    shift
    # bats warns about a 127 it was not told of (BW01)
    [ "$expected" = 127 ] && quiet=(-127)
    run "${quiet[@]}" --separate-stderr timeout -k 5 "${WT_CMD_TIMEOUT:-120}" \
        "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" "$@"
    wt_check_status "$expected" "warren $*"
}

# run_warren_env EXPECTED_RC ENV-ARGS... -- ARGS...: like run_warren with
# `env ENV-ARGS...` in front (e.g. -u XDG_RUNTIME_DIR)
run_warren_env() {
    local expected=$1 envargs=()
    shift
    while [ $# -gt 0 ] && [ "$1" != -- ]; do envargs+=("$1"); shift; done
    shift
    run --separate-stderr timeout -k 5 "${WT_CMD_TIMEOUT:-120}" \
        env "${envargs[@]}" "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" "$@"
    wt_check_status "$expected" "env ${envargs[*]} warren $*"
}

# wt_tool NAME: the path of a tests/tools program; fails the test when it
# was not built
wt_tool() {
    [ -x "$WT_TOOLS/$1" ] || fail "'$WT_TOOLS/$1' is missing: run 'make test-tools' (or set WT_TOOLS)"
    echo "$WT_TOOLS/$1"
}

# run_warren_enosys EXPECTED_RC SYSCALLS ARGS...: run_warren with SYSCALLS
# (comma-separated, or @new: every syscall lib/syscalls wraps) failing with
# ENOSYS, as on an old kernel (tests/tools/enosys). Run by an
# unprivileged user, the filter comes with no_new_privs, so warren cannot
# create a pause process (newuidmap is setuid): wt_pause_ready first.
run_warren_enosys() {
    local expected=$1 calls=$2 tool
    shift 2
    tool=$(wt_tool enosys) || return 1
    run --separate-stderr timeout -k 5 "${WT_CMD_TIMEOUT:-120}" \
        "$tool" "$calls" "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" "$@"
    wt_check_status "$expected" "enosys $calls warren $*"
}

# wt_seccomp_base: the seccomp filters the tests themselves run under (0;
# 1 with WARREN_CHECK_ENOSYS): a container's Seccomp_filters count adds to it
wt_seccomp_base() {
    awk '/^Seccomp_filters:/ {print $2}' /proc/self/status
}

# wt_pause_ready: the rootless pause process exists (no-op as root)
wt_pause_ready() {
    [ "$(id -u)" = 0 ] || timeout 60 "$WARREN" unshare true || fail "warren unshare true failed"
}

WT_UNMOUNTS=()      # tmpfs mounts made by wt_mount_tmpfs: wt_unmount_all in teardown

# wt_old_kernel_basics: with every new syscall failing (ENOSYS), --read-only,
# a user from the image's /etc/passwd, a kept container and its removal work
wt_old_kernel_basics() {
    local name
    run_warren_enosys 1 @new run --rm --read-only "$IMAGE" touch /x
    assert_stderr_contains "read-only file system"
    run_warren_enosys 0 @new run --rm -u wtuser "$IMAGE" id -un
    assert_output wtuser
    name=$(wt_name)
    run_warren_enosys 0 @new run --name "$name" "$IMAGE" true
    run_warren_enosys 0 @new rm "$name"
    run_warren '!0' inspect "$name"
}

# wt_mount_tmpfs DIR: a tmpfs on DIR where containers see it: in the pause
# process's mount namespace (rootless), on the host (root)
wt_mount_tmpfs() {
    local pre=()
    [ "$(id -u)" = 0 ] || pre=(timeout 60 "$WARREN" unshare)
    "${pre[@]}" mount -t tmpfs -o size=1m none "$1" || fail "mount a tmpfs on $1"
    WT_UNMOUNTS+=("$1")
}

wt_unmount_all() {
    local m pre=()
    [ "$(id -u)" = 0 ] || pre=(timeout 60 "$WARREN" unshare)
    for m in "${WT_UNMOUNTS[@]}"; do
        "${pre[@]}" umount "$m" 2>/dev/null || true
    done
    WT_UNMOUNTS=()
}

wt_check_status() {
    local expected=$1 what=$2 ok=0
    if [ "$expected" = '!0' ]; then [ "$status" -ne 0 ] && ok=1
    else [ "$status" -eq "$expected" ] && ok=1; fi
    if [ "$ok" = 0 ]; then
        {
            printf '# command:  %s\n# expected exit %s, got %s%s\n' "$what" "$expected" "$status" \
                "$([ "$status" = 124 ] && echo " (timed out after ${WT_CMD_TIMEOUT:-120}s)")"
            printf '# stdout:\n%s\n# stderr:\n%s\n' "$output" "${stderr-}"
        } >&2
        return 1
    fi
}

# assert_error [SUBSTRING...]: stderr is Podman's error: one line that starts
# with "Error: " and contains each SUBSTRING (case-insensitive), followed only by
# a usage hint where Podman prints one ("See 'warren run --help'" after a bad
# flag, "Try 'warren --help' for more information" after an unknown command)
assert_error() {
    local s
    if [ "${#stderr_lines[@]}" -eq 2 ]; then
        [[ ${stderr_lines[1]} =~ ^(See\ \'warren[a-z\ -]*\ --help\'|Try\ \'warren[a-z\ -]*\ --help\'\ for\ more\ information)$ ]] ||
            fail "the second line of stderr is no usage hint:"$'\n'"${stderr-}"
    elif [ "${#stderr_lines[@]}" -ne 1 ]; then
        fail "expected one line on stderr, got ${#stderr_lines[@]}:"$'\n'"${stderr-}"
    fi
    [[ ${stderr_lines[0]} == "Error: "* ]] || fail "stderr does not start with 'Error: ': ${stderr_lines[0]}"
    for s in "$@"; do
        [[ ${stderr_lines[0],,} == *"${s,,}"* ]] || fail "stderr lacks '$s': ${stderr_lines[0]}"
    done
}

# assert_last_error [SUBSTRING...]: the last line of stderr is the error (a pull
# prints its progress first, as Podman's)
assert_last_error() {
    local s last=${stderr_lines[-1]-}
    [[ $last == "Error: "* ]] || fail "the last line of stderr is no error:"$'\n'"${stderr-}"
    for s in "$@"; do
        [[ ${last,,} == *"${s,,}"* ]] || fail "the error lacks '$s': $last"
    done
}

# WT_WARN_RE: a warning line as Podman (logrus) prints it: `WARN[0000] msg` on
# a terminal, `time="..." level=warning msg=...` otherwise
WT_WARN_RE='^(WARN\[[0-9]{4}\] |time="[0-9T:+-]+Z?[0-9:]*" level=warning msg=)'

# assert_warning [SUBSTRING...]: stderr is one warning line (WT_WARN_RE) that
# contains each SUBSTRING (case-insensitive)
assert_warning() {
    local s
    [ "${#stderr_lines[@]}" -eq 1 ] || fail "expected one line on stderr, got ${#stderr_lines[@]}:"$'\n'"${stderr-}"
    [[ ${stderr_lines[0]} =~ $WT_WARN_RE ]] || fail "stderr is no warning line: ${stderr_lines[0]}"
    for s in "$@"; do
        [[ ${stderr_lines[0],,} == *"${s,,}"* ]] || fail "stderr lacks '$s': ${stderr_lines[0]}"
    done
}

# assert_stderr_contains SUBSTRING: the container's stderr mentions it (case-insensitive)
assert_stderr_contains() {
    [[ ${stderr,,} == *"${1,,}"* ]] || fail "stderr lacks '$1':"$'\n'"${stderr-}"
}

# wt_name: a container/image name unique to this test
wt_name() {
    local f
    f=$(basename "$BATS_TEST_FILENAME" .bats)
    echo "wt-${f//[^a-z0-9]/-}-$BATS_TEST_NUMBER-$RANDOM"
}

# track_image NAME...: removed with rmi -f in teardown
track_image() { WT_IMAGES+=("$@"); }

# use_private_store: points WT_ROOT/WT_RUNROOT of this test at a new, empty
# store (destroyed in teardown)
use_private_store() {
    local d
    d=$(mktemp -d "$WT_TMP/private.XXXXXX")
    WT_ROOT=$d/root
    WT_RUNROOT=$d/runroot
    WT_STORES+=("$WT_ROOT $WT_RUNROOT")
}

# load_fixture FILE: loads a fixture archive into the current store
load_fixture() {
    run_warren 0 load -i "$WT_FIXTURES/$1"
}

# wt_destroy_store ROOT RUNROOT: removes every container, then the files
# (rootless they belong to sub-ids: removed from inside the user namespace)
wt_destroy_store() {
    local root=$1 runroot=$2
    [ -n "$root" ] && [ -e "$root" ] || return 0
    timeout 60 "$WARREN" --root "$root" --runroot "$runroot" rm -a -f -t 0 >/dev/null 2>&1 || true
    # rmi also unmounts the pooled rootfs of --rm containers (storage/pool.h)
    timeout 60 "$WARREN" --root "$root" --runroot "$runroot" rmi -a -f >/dev/null 2>&1 || true
    if [ "$(id -u)" != 0 ]; then
        # what is still mounted there (the shared .sqsh mounts and the
        # rootfs pooled over them) goes first: its squashfuse exits
        # shellcheck disable=SC2016  # expanded by the inner sh
        timeout 60 "$WARREN" unshare sh -c 'awk -v a="$1/" -v b="$2/" \
            "index(\$5, a) == 1 || index(\$5, b) == 1 {print \$5}" /proc/self/mountinfo |
            sort -r | while read -r m; do umount -l "$m"; done' sh "$root" "$runroot" >/dev/null 2>&1 || true
        timeout 60 "$WARREN" unshare rm -rf --one-file-system "$root" "$runroot" >/dev/null 2>&1 || true
    else
        local m
        for m in $(findmnt -rn -o TARGET | grep -F "$root" | sort -r); do umount -l "$m" 2>/dev/null || true; done
    fi
    rm -rf --one-file-system "$root" "$runroot" 2>/dev/null || true
}

# wt_teardown: what every test undoes, also after a failure
wt_teardown() {
    local p s
    for p in "${WT_BG_PIDS[@]}"; do
        kill -KILL "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    [ "${#WT_UNMOUNTS[@]}" -eq 0 ] || wt_unmount_all
    for s in "${WT_STORES[@]}"; do
        # shellcheck disable=SC2086
        wt_destroy_store $s
    done
    for s in "${WT_IMAGES[@]}"; do
        timeout 60 "$WARREN" --root "$WT_SUITE_ROOT" --runroot "$WT_SUITE_RUNROOT" rmi -f "$s" >/dev/null 2>&1 || true
    done
    timeout 60 "$WARREN" --root "$WT_SUITE_ROOT" --runroot "$WT_SUITE_RUNROOT" rm -a -f -t 0 >/dev/null 2>&1 || true
}

teardown() {
    wt_teardown
}

# wait_for_file FILE SECONDS
wait_for_file() {
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        [ -e "$1" ] && return 0
        sleep 0.1
    done
    fail "'$1' did not appear within $2 s"
}

# monitor_of ID: the pid of the warren-monitor of container ID ("" when none)
monitor_of() {
    local p
    for p in $(pgrep -u "$(id -u)" -x warren-monitor); do
        grep -qa "$1" "/proc/$p/cmdline" 2>/dev/null && echo "$p"
    done
    return 0
}

# wait_state NAME STATE [SECONDS]: polls inspect until .State.Status of
# container NAME is STATE (default 30 s); "gone" once it no longer exists
wait_state() {
    local i s
    for ((i = 0; i < ${3:-30} * 20; i++)); do
        s=$(w inspect --format '{{.State.Status}}' "$1" 2>/dev/null) || s=gone
        [ "$s" = "$2" ] && return 0
        sleep 0.05
    done
    fail "container $1 is '$s', not '$2', after ${3:-30} s"
}

# wt_exited PID: true when PID (a child of this shell) is gone or a zombie
wt_exited() {
    local st
    st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 0
    [ -z "$st" ] || [ "$st" = Z ]
}

# wait_for_exit PID SECONDS: polls until PID exited; false on timeout
wait_for_exit() {
    local i
    for ((i = 0; i < $2 * 20; i++)); do
        wt_exited "$1" && return 0
        sleep 0.05
    done
    return 1
}

# start_warren OUTFILE ARGS...: warren on the current store in the background,
# stdin from /dev/null, SIGINT/SIGTERM at their defaults (bash makes background
# jobs ignore SIGINT); sets BG_PID, killed in teardown
start_warren() {
    local out=$1
    shift
    env --default-signal=INT,TERM,QUIT "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" "$@" \
        </dev/null >"$out" 2>&1 &
    BG_PID=$!
    WT_BG_PIDS+=("$BG_PID")
}

# bg_status PID: the exit status of a background job that has exited
bg_status() {
    local rc=0
    wait "$1" || rc=$?
    echo "$rc"
}

# now_ms: monotonic-enough wall clock in milliseconds
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# userns_of_warren: the user namespace that warren commands enter
userns_of_warren() {
    timeout 60 "$WARREN" unshare readlink /proc/self/ns/user
}

# pids_in_userns NS: this user's processes whose user namespace is NS
pids_in_userns() {
    local p me
    me=$(id -u)
    for p in /proc/[0-9]*; do
        [ "$(stat -c %u "$p" 2>/dev/null)" = "$me" ] || continue
        [ "$(readlink "$p/ns/user" 2>/dev/null)" = "$1" ] && echo "${p#/proc/}"
    done
    return 0
}

# subid_range FILE USER: "START COUNT" of USER in /etc/subuid or /etc/subgid
subid_range() {
    awk -F: -v u="$2" -v id="$(id -u "$2")" '($1==u || $1==id) && NF==3 {print $2, $3; exit}' "$1"
}

# --------------------------------------------------------------- suite set-up
# wt_suite_setup: called by setup_suite: fixtures, the shared store, base image
wt_suite_setup() {
    if [ ! -x "$WARREN" ]; then
        echo "warren binary '$WARREN' is missing: run 'make' (or set WARREN)" >&2
        return 1
    fi
    WT_TMP=$(mktemp -d "${TMPDIR:-/tmp}/warren-bats.XXXXXX")
    chmod 0755 "$WT_TMP"
    export WT_TMP
    if [ -z "${WT_FIXTURES:-}" ] || [ ! -e "$WT_FIXTURES/images.env" ]; then
        WT_FIXTURES=$WT_TMP/fixtures
        "$WT_REPO/tests/fixtures/mkimages.sh" "$WT_FIXTURES" || return 1
    fi
    [ -e "$WT_FIXTURES/hostile/kill-load.tar" ] || "$WT_REPO/tests/fixtures/mkhostile.sh" "$WT_FIXTURES" || return 1
    [ -e "$WT_FIXTURES/reg/images.env" ] || "$WT_REPO/tests/fixtures/mkregimages.sh" "$WT_FIXTURES" || return 1
    export WT_FIXTURES
    # shellcheck disable=SC1091
    . "$WT_FIXTURES/images.env"
    export IMAGE=$FIXTURE_IMAGE IMAGE_ID=$FIXTURE_IMAGE_ID WT_FIXTURE_MTIME=$FIXTURE_MTIME
    export WT_ROOT=$WT_TMP/root WT_RUNROOT=$WT_TMP/runroot
    export WT_SUITE_ROOT=$WT_ROOT WT_SUITE_RUNROOT=$WT_RUNROOT
    if ! timeout 120 "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" load -i "$WT_FIXTURES/busybox.docker.tar"; then
        echo "setup_suite: loading the base image failed" >&2
        return 1
    fi
}

wt_suite_teardown() {
    [ -n "${WT_TMP:-}" ] || return 0
    wt_destroy_store "$WT_SUITE_ROOT" "$WT_SUITE_RUNROOT"
    local d
    for d in "$WT_TMP"/private.*; do
        [ -d "$d" ] && wt_destroy_store "$d/root" "$d/runroot"
    done
    rm -rf --one-file-system "$WT_TMP" 2>/dev/null || true
}

# ------------------------------------------------------------ podman, the oracle
# pm ARGS...: rootless podman (--runtime runc, vfs, no events) on the store pm_init made
pm() {
    timeout 120 podman --root "$PM_DIR/root" --runroot "$PM_RUN" --tmpdir "$PM_DIR/tmp" \
        --storage-driver vfs --runtime runc --cgroup-manager cgroupfs --events-backend none "$@"
}

# pm_init: a new podman store (PM_DIR, PM_RUN; exported for setup_file users); sets
# PM_SKIP to the reason when podman cannot run here (the caller skips with it)
pm_init() {
    local out
    export PM_DIR PM_RUN PM_SKIP=""
    PM_DIR=$(mktemp -d "$WT_TMP/podman.XXXXXX")
    PM_RUN=$(mktemp -d /tmp/wt-pm.XXXXXX) # podman refuses a runroot over 50 characters
    if ! command -v podman >/dev/null || ! command -v runc >/dev/null; then
        PM_SKIP="podman or runc is not installed (tests/deps.sh installs them)"
    elif ! out=$(pm info --format '{{.Host.OCIRuntime.Name}}' 2>&1); then
        PM_SKIP="podman cannot run rootless here: $(tail -n1 <<<"$out")"
    fi
}

# pm_cleanup: removes pm's store and stops its pause process (its pid file is in --tmpdir)
pm_cleanup() {
    [ -n "${PM_DIR:-}" ] || return 0
    if [ -z "${PM_SKIP:-}" ]; then
        pm rm -a -f >/dev/null 2>&1 || true
        pm unshare rm -rf "$PM_DIR/root" "$PM_RUN" >/dev/null 2>&1 || true
    fi
    [ ! -s "$PM_DIR/tmp/pause.pid" ] || kill "$(cat "$PM_DIR/tmp/pause.pid")" 2>/dev/null || true
    rm -rf "$PM_DIR" "$PM_RUN" 2>/dev/null || true
    PM_DIR=""
}
