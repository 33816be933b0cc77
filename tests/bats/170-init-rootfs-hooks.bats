#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Issue 8: --init (catatonit as pid 1), --rootfs DIR[:O] (a container from a
# root filesystem dir instead of an image) and OCI hooks (hooks.d JSON files,
# --hooks-dir, every stage with the state on stdin).

load helpers

need_catatonit() {
    [ -x /usr/libexec/podman/catatonit ] || [ -x /usr/bin/catatonit ] ||
        skip "needs catatonit, the init of --init (tests/deps.sh installs it)"
}

# zombies_under PID: how many children of PID are zombies
zombies_under() {
    cat /proc/[0-9]*/stat 2>/dev/null | sed 's/.*) //' | awk -v p="$1" '$2 == p && $1 == "Z"' | wc -l
}

# mk_tree DIR: a busybox root filesystem (static busybox and its applets in /bin)
mk_tree() {
    local a
    mkdir -p "$1/bin" "$1/etc" "$1/tmp"
    cp /bin/busybox "$1/bin/busybox"
    for a in $(/bin/busybox --list); do
        [ "$a" = busybox ] || ln -s busybox "$1/bin/$a"
    done
    echo 'root:x:0:0:root:/root:/bin/sh' >"$1/etc/passwd"
    echo keep >"$1/etc/keep"
}

# ---- --init ----

@test "--init: pid 1 is catatonit at /run/podman-init; the exit code passes through" {
    # guards: issue 8 "--init runs a minimal init as PID 1 (catatonit, as Podman uses)"
    need_catatonit
    run_warren 0 run --rm --init "$IMAGE" ps -o pid,args
    assert_line --index 1 --regexp '^ +1 /run/podman-init -- ps -o pid,args$'
    run_warren 7 run --rm --init "$IMAGE" sh -c 'exit 7'
    # the init is read-only in the container
    run_warren 1 run --rm --init "$IMAGE" sh -c 'echo x > /run/podman-init'
    local name
    name=$(wt_name)
    run_warren 0 create --init --name "$name" "$IMAGE" true
    run_warren 0 inspect --format '{{.HostConfig.Init}}' "$name"
    assert_output true
    run_warren 0 start -a "$name"
    run_warren 0 rm "$name"
}

@test "--init: kill -s TERM stops a shell without a trap (the init passes it on)" {
    # guards: issue 8 "--init ... forwards signals"; without it pid 1 ignores TERM
    need_catatonit
    local name
    name=$(wt_name)
    run_warren 0 run -d --init --name "$name" "$IMAGE" sh -c 'sleep 100; true'
    wait_state "$name" running
    run_warren 0 kill -s TERM "$name"
    wait_state "$name" exited
    run_warren 0 inspect --format '{{.State.ExitCode}}' "$name"
    assert_output 143
    run_warren 0 rm "$name"
    # the same shell as pid 1 ignores TERM, as the kernel wants
    run_warren 0 run -d --name "$name" "$IMAGE" sh -c 'sleep 100; true'
    wait_state "$name" running
    run_warren 0 kill -s TERM "$name"
    sleep 0.5
    run_warren 0 inspect --format '{{.State.Status}}' "$name"
    assert_output running
    run_warren 0 rm -f -t 0 "$name"
}

@test "--init: an orphan that exits is reaped (no zombie stays); without --init it stays" {
    # guards: issue 8 "--init ... reaps zombies"
    need_catatonit
    local name pid n i
    name=$(wt_name)
    # (sleep 0.2 &) orphans a sleep: it is reparented to pid 1
    run_warren 0 run -d --init --name "$name" "$IMAGE" sh -c '(sleep 0.2 &); exec sleep 100'
    wait_state "$name" running
    pid=$(w inspect --format '{{.State.Pid}}' "$name")
    sleep 1
    n=$(zombies_under "$pid")
    [ "$n" = 0 ] || fail "$n zombies under the init $pid"
    run_warren 0 rm -f -t 0 "$name"
    # without an init, pid 1 is the sleep, which reaps nothing
    run_warren 0 run -d --name "$name" "$IMAGE" sh -c '(sleep 0.2 &); exec sleep 100'
    wait_state "$name" running
    pid=$(w inspect --format '{{.State.Pid}}' "$name")
    for ((i = 0; i < 40; i++)); do
        n=$(zombies_under "$pid")
        [ "$n" -ge 1 ] && break
        sleep 0.1
    done
    [ "$n" -ge 1 ] || fail "no zombie under pid 1 $pid without --init: the test proves nothing"
    run_warren 0 rm -f -t 0 "$name"
}

@test "--init-path: another init; a missing one is Podman's error" {
    # guards: issue 8 "--init-path PATH"; a missing init is a clear error (status 125)
    need_catatonit
    local init
    init=$BATS_TEST_TMPDIR/my-init
    cp "$(command -v catatonit || echo /usr/libexec/podman/catatonit)" "$init"
    run_warren 0 run --rm --init --init-path "$init" "$IMAGE" cat /proc/1/cmdline
    [[ $output == /run/podman-init* ]] || fail "pid 1 is '$output'"
    run_warren 125 run --rm --init --init-path "$BATS_TEST_TMPDIR/nope" "$IMAGE" true
    assert_error "container-init binary not found on the host: stat $BATS_TEST_TMPDIR/nope"
    # --init-path alone changes nothing (as Podman)
    run_warren 0 run --rm --init-path "$init" "$IMAGE" cat /proc/1/cmdline
    assert_output --partial cat
}

# ---- --rootfs ----

@test "--rootfs DIR: runs in DIR, writes into it, owned by the user; no image; rm keeps DIR" {
    # guards: issue 8 "run --rootfs DIR: a container from an exploded root filesystem"
    local d=$BATS_TEST_TMPDIR/tree name
    mk_tree "$d"
    use_private_store # no image at all: rmi -a must not touch it
    name=$(wt_name)
    run_warren 0 run --name "$name" --rootfs "$d" sh -c 'echo hi > /new; stat -c "%u:%g" / /new; cat /etc/keep'
    assert_output $'0:0\n0:0\nkeep'
    [ "$(cat "$d/new")" = hi ] || fail "the container's write is not in $d"
    [ "$(stat -c %u "$d/new")" = "$(id -u)" ] || fail "$d/new is not the user's"
    run_warren 0 inspect --format '{{.Image}}|{{.ImageName}}|{{.Rootfs}}|{{.Config.Image}}' "$name"
    assert_output "||$d|" # Podman's: no image, the Rootfs
    run_warren 0 ps -a --format '{{.Image}}|{{.Names}}'
    assert_output "|$name"
    run_warren 0 ps -a
    assert_line --regexp "^[0-9a-f]{12} +sh -c echo hi > /\.\.\. +.* Exited \(0\) .* $name$"
    run_warren 0 rmi -a -f
    run_warren 0 start -a "$name"
    run_warren 0 rm "$name"
    [ -f "$d/new" ] && [ -x "$d/bin/busybox" ] || fail "rm touched $d"
}

@test "--rootfs DIR:O: writes go to an overlay; DIR stays as it was; containers do not share them" {
    # guards: issue 8 "--rootfs DIR:O for an overlay on top of it (DIR unchanged)"
    local d=$BATS_TEST_TMPDIR/tree name before
    mk_tree "$d"
    before=$(cd "$d" && find . -printf '%p %s %m\n' | sort)
    name=$(wt_name)
    run_warren 0 run --name "$name" --rootfs "$d:O" sh -c 'echo o > /new; rm /etc/keep; cat /new'
    assert_output o
    [ "$(cd "$d" && find . -printf '%p %s %m\n' | sort)" = "$before" ] || fail "$d changed"
    # a second container sees DIR, not the first one's writes
    run_warren 1 run --rm --rootfs "$d:O" cat /new
    run_warren 0 run --rm --rootfs "$d:O" cat /etc/keep
    assert_output keep
    # the first one keeps its own on a start again
    run_warren 0 start -a "$name"
    run_warren 0 rm "$name"
    [ "$(cd "$d" && find . -printf '%p %s %m\n' | sort)" = "$before" ] || fail "rm changed $d"
}

@test "--rootfs: a relative DIR is taken from the working directory; create then start" {
    # guards: issue 8 "relative path handling" (Podman 4.3 keeps it relative and then fails
    # at the start: warren resolves it when the container is created)
    local name
    mk_tree "$BATS_TEST_TMPDIR/rel"
    name=$(wt_name)
    cd "$BATS_TEST_TMPDIR"
    run_warren 0 create --name "$name" --rootfs rel:O cat /etc/keep
    run_warren 0 inspect --format '{{.Rootfs}}' "$name"
    assert_output "$BATS_TEST_TMPDIR/rel"
    cd /
    run_warren 0 start -a "$name"
    assert_output keep
    run_warren 0 rm "$name"
}

@test "--rootfs: bad input (missing DIR, not a directory, empty, no command) is refused" {
    # guards: issue 8 --rootfs "bad input: missing DIR, DIR not a directory"
    local d=$BATS_TEST_TMPDIR/tree
    run_warren 125 run --rm --rootfs "$BATS_TEST_TMPDIR/nope" true
    assert_error "stat $BATS_TEST_TMPDIR/nope" "no such file or directory"
    run_warren 125 run --rm --rootfs "$BATS_TEST_TMPDIR/nope:O" true
    assert_error "stat $BATS_TEST_TMPDIR/nope"
    touch "$BATS_TEST_TMPDIR/file"
    run_warren 125 run --rm --rootfs "$BATS_TEST_TMPDIR/file" true
    assert_error "not a directory"
    run_warren 125 run --rm --rootfs ":O" true
    assert_error "empty"
    mkdir -p "$d"
    run_warren 125 run --rm --rootfs "$d"
    assert_error "no command or entrypoint"
    run_warren 125 run --rm --rootfs
    assert_error "requires at least 1 arg(s)"
    # nothing was left behind
    run_warren 0 ps -a --format '{{.Names}}'
    refute_output --partial wt-
}

# ---- OCI hooks ----

# hook_file DIR NAME STAGES-JSON WHEN-JSON [ARGS-JSON [EXTRA]]: a hooks.d file running
# rec.sh (which appends its stage argument and stdin to $HOOKS_LOG)
hook_file() {
    local args=${5:-'["rec.sh","'"$2"'"]'}
    mkdir -p "$1"
    printf '{"version":"1.0.0","hook":{"path":"%s","args":%s,"env":["HOOKV=1"]%s},"when":%s,"stages":%s}\n' \
        "$HOOKS_BIN/rec.sh" "$args" "${6:-}" "$4" "$3" >"$1/$2.json"
}

teardown() {
    pm_cleanup
    wt_teardown
}

setup() {
    HOOKS_BIN=$BATS_TEST_TMPDIR/bin
    HOOKS_LOG=$BATS_TEST_TMPDIR/log
    mkdir -p "$HOOKS_BIN"
    cat >"$HOOKS_BIN/rec.sh" <<EOF
#!/bin/sh
# one line per run: the stage, the whole environment (but the PWD sh adds), then the
# state on stdin
env=\$(cat /proc/self/environ | tr '\\0' '\\n' | grep -v '^PWD=' | tr '\\n' ' ')
{ printf '%s %s ' "\$1" "\$env"; cat; echo; } >>"$HOOKS_LOG"
EOF
    printf '#!/bin/sh\necho "hook says no" >&2\nexit 3\n' >"$HOOKS_BIN/fail.sh"
    chmod +x "$HOOKS_BIN"/*.sh
}

@test "hooks: every stage runs in order with the state on stdin and only the hook's env" {
    # guards: issue 8 "OCI hooks ... run at prestart/createRuntime/poststart/poststop with the
    # state on stdin"
    local h=$BATS_TEST_TMPDIR/hooks name id s
    for s in prestart createRuntime createContainer poststart poststop; do
        hook_file "$h" "$s" "[\"$s\"]" '{"always":true}'
    done
    name=$(wt_name)
    run_warren 0 --hooks-dir "$h" run --name "$name" "$IMAGE" true
    id=$(w inspect --format '{{.Id}}' "$name")
    run cut -d' ' -f1,2 "$HOOKS_LOG"
    assert_output $'prestart HOOKV=1\ncreateRuntime HOOKV=1\ncreateContainer HOOKV=1\npoststart HOOKV=1\npoststop HOOKV=1'
    run sh -c "cut -d' ' -f3- '$HOOKS_LOG' | jq -r '[.id, .status, (.pid > 1), .ociVersion] | join(\" \")'"
    assert_output "$id creating true 1.1.0
$id creating true 1.1.0
$id creating true 1.1.0
$id running true 1.1.0
$id stopped false 1.1.0"
    run sh -c "head -1 '$HOOKS_LOG' | cut -d' ' -f3- | jq -r '.bundle, (.annotations | type)'"
    [ -f "${lines[0]}/config.json" ] || fail "bundle '${lines[0]}' has no config.json"
    assert_line --index 1 object
    # the hooks are in the container's config.json, as an OCI runtime reads them
    run jq -r '.hooks | keys | join(",")' "$WT_ROOT/containers/$id/config.json"
    assert_output "createContainer,createRuntime,poststart,poststop,prestart"
    run_warren 0 rm "$name"
}

@test "hooks: startContainer runs in the container; a detached one's poststop at its exit" {
    # guards: issue 8 hooks stages; "poststop ... for a detached container: in container cleanup"
    local h=$BATS_TEST_TMPDIR/hooks name
    mkdir -p "$h"
    # resolved in the container: the image's sh writes the state into its /tmp
    printf '{"version":"1.0.0","hook":{"path":"/bin/sh","args":["sh","-c","cat > /tmp/state"]},"when":{"always":true},"stages":["startContainer"]}\n' >"$h/start.json"
    run_warren 0 --hooks-dir "$h" run --rm "$IMAGE" cat /tmp/state
    run jq -r .status <<<"$output"
    assert_output creating
    rm "$h/start.json"
    hook_file "$h" poststop '["poststop"]' '{"always":true}'
    name=$(wt_name)
    run_warren 0 --hooks-dir "$h" run -d --name "$name" "$IMAGE" sleep 0.3
    [ ! -e "$HOOKS_LOG" ] || fail "poststop ran before the exit"
    wait_state "$name" exited
    wait_for_file "$HOOKS_LOG" 10
    run cut -d' ' -f1 "$HOOKS_LOG"
    assert_output poststop
    run_warren 0 rm "$name"
}

@test "hooks: a failing or slow prestart hook fails the start (126), the command never runs" {
    # guards: issue 8 "a failing prestart/createRuntime hook fails the start with a clear error"
    local h=$BATS_TEST_TMPDIR/hooks name
    mkdir -p "$h" "$BATS_TEST_TMPDIR/vol"
    hook_file "$h" fail '["prestart"]' '{"always":true}' '["fail.sh"]'
    sed -i "s|$HOOKS_BIN/rec.sh|$HOOKS_BIN/fail.sh|" "$h/fail.json"
    name=$(wt_name)
    run_warren 126 --hooks-dir "$h" run --name "$name" -v "$BATS_TEST_TMPDIR/vol:/vol" "$IMAGE" touch /vol/ran
    assert_error "error running prestart hook #0 ($HOOKS_BIN/fail.sh): exit status 3" "hook says no"
    [ ! -e "$BATS_TEST_TMPDIR/vol/ran" ] || fail "the command ran"
    run_warren 0 inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$name"
    assert_output "exited 126"
    run_warren 0 rm "$name"
    # createRuntime: the same; --rm removes the container
    sed -i 's/"prestart"/"createRuntime"/' "$h/fail.json"
    run_warren 126 --hooks-dir "$h" run --rm --name "$name" "$IMAGE" true
    assert_error "error running createRuntime hook #0"
    run_warren 125 inspect "$name"
    # a timeout kills the hook
    printf '{"version":"1.0.0","hook":{"path":"/bin/sleep","args":["sleep","30"],"timeout":1},"when":{"always":true},"stages":["prestart"]}\n' >"$h/fail.json"
    run_warren 126 --hooks-dir "$h" run --rm "$IMAGE" true
    assert_error "hook ran past specified timeout of 1s"
}

@test "hooks: a failing poststart or poststop hook is a warning; the container ran" {
    # guards: runtime-spec: poststart and poststop failures are logged, the lifecycle goes on
    local h=$BATS_TEST_TMPDIR/hooks
    mkdir -p "$h"
    printf '{"version":"1.0.0","hook":{"path":"%s"},"when":{"always":true},"stages":["poststart","poststop"]}\n' \
        "$HOOKS_BIN/fail.sh" >"$h/f.json"
    run_warren 0 --hooks-dir "$h" run --rm "$IMAGE" echo ran
    assert_output ran
    [ "${#stderr_lines[@]}" -eq 2 ] || fail "expected two warnings: $stderr"
    [[ ${stderr_lines[0]} =~ $WT_WARN_RE.*poststart\ hook\ #0.*exit\ status\ 3 ]] || fail "$stderr"
    [[ ${stderr_lines[1]} =~ $WT_WARN_RE.*poststop\ hook\ #0.*exit\ status\ 3 ]] || fail "$stderr"
}

@test "hooks: when (always false, commands, annotations, hasBindMounts, or), masking, file order" {
    # guards: containers-hooks.json(5) "when" and directory precedence
    local a=$BATS_TEST_TMPDIR/a b=$BATS_TEST_TMPDIR/b
    hook_file "$a" 1-never '["prestart"]' '{"always":false}'
    hook_file "$a" 2-cmd '["prestart"]' '{"commands":["^ech"]}'
    hook_file "$a" 3-ann '["prestart"]' '{"annotations":{"^wt\\.x$":"^y"}}'
    hook_file "$a" 4-binds '["prestart"]' '{"hasBindMounts":true}'
    hook_file "$a" 5-or '["prestart"]' '{"or":true,"always":false,"commands":["^true$"]}'
    hook_file "$a" 6-masked '["prestart"]' '{"always":true}'
    hook_file "$b" 6-masked '["prestart"]' '{"always":true}' '["rec.sh","6-from-b"]'
    echo '{not json' >"$a/notes.txt" # not a .json file: never read
    run_warren 0 --hooks-dir "$a" --hooks-dir "$b" run --rm "$IMAGE" true
    run_warren 0 --hooks-dir "$a" --hooks-dir "$b" run --rm --annotation wt.x=yes "$IMAGE" echo
    run_warren 0 --hooks-dir "$a" --hooks-dir "$b" run --rm -v "$BATS_TEST_TMPDIR:/t" "$IMAGE" true
    run cut -d' ' -f1 "$HOOKS_LOG"
    assert_output $'5-or\n6-from-b\n2-cmd\n3-ann\n6-from-b\n4-binds\n5-or\n6-from-b'
    run sh -c "sed -n 4p '$HOOKS_LOG' | cut -d' ' -f3- | jq -c .annotations"
    assert_output '{"wt.x":"yes"}'
}

@test "hooks: bad hook files fail the start as Podman's; a missing --hooks-dir is no error" {
    # guards: issue 8 "Bad JSON in a hooks dir: Podman's behaviour" (an error, status 126)
    local h=$BATS_TEST_TMPDIR/bad
    mkdir -p "$h"
    run_warren 0 --hooks-dir "$BATS_TEST_TMPDIR/nope" run --rm "$IMAGE" true
    echo '{bad' >"$h/x.json"
    run_warren 126 --hooks-dir "$h" run --rm "$IMAGE" true
    assert_error "setting up OCI Hooks: parsing hook \"$h/x.json\": version check"
    echo '{"version":"2.0.0"}' >"$h/x.json"
    run_warren 126 --hooks-dir "$h" run --rm "$IMAGE" true
    assert_error "unrecognized hook version: \"2.0.0\""
    echo '{"version":"1.0.0","hook":{"path":"/bin/true"},"when":{"always":true},"stages":["foo"]}' >"$h/x.json"
    run_warren 126 --hooks-dir "$h" create "$IMAGE" true
    assert_error 'unknown stage "foo"'
    echo '{"version":"1.0.0","hook":{"path":"/bin/true"},"when":{"commands":["("]},"stages":["prestart"]}' >"$h/x.json"
    run_warren 126 --hooks-dir "$h" run --rm "$IMAGE" true
    assert_error 'invalid command "(": error parsing regexp'
    echo '{"version":"1.0.0","hook":{},"when":{"always":true},"stages":["prestart"]}' >"$h/x.json"
    run_warren 126 --hooks-dir "$h" run --rm "$IMAGE" true
    assert_error "missing required property: hook.path"
    # nothing was left behind
    run_warren 0 ps -a --format '{{.Names}}'
    refute_output --partial wt-
}

@test "init, rootfs and hooks as podman shows them" {
    # guards: issue 8 Podman compatibility of --init (ps), --rootfs (inspect) and hook errors
    need_catatonit
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    local d=$BATS_TEST_TMPDIR/tree h=$BATS_TEST_TMPDIR/bad p
    pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
    p=$(pm run --rm --init "$IMAGE" ps -o pid,args | sed -n 2p)
    run_warren 0 run --rm --init "$IMAGE" ps -o pid,args
    assert_line --index 1 "$p"
    mk_tree "$d"
    pm create --name rf --rootfs "$d" true >/dev/null
    p=$(pm inspect --format '{{.Image}}|{{.ImageName}}|{{.Rootfs}}' rf)
    run_warren 0 create --name rf --rootfs "$d" true
    run_warren 0 inspect --format '{{.Image}}|{{.ImageName}}|{{.Rootfs}}' rf
    assert_output "$p"
    p=$(pm ps -a --format '{{.Image}}|{{.Names}}' | grep rf)
    run_warren 0 ps -a --format '{{.Image}}|{{.Names}}'
    assert_line "$p"
    run_warren 0 rm rf
    mkdir -p "$h"
    echo '{"version":"2.0.0"}' >"$h/x.json"
    p=$(pm --hooks-dir "$h" run --rm "$IMAGE" true 2>&1 | grep Error:)
    run_warren 126 --hooks-dir "$h" run --rm "$IMAGE" true
    assert_equal "$stderr" "$p"
    pm_cleanup
}
