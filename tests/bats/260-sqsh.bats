#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154  # container commands in single quotes; status/output/stderr come from bats
# Issue 15 "Single-file images": `image export --format squashfs IMAGE
# FILE.sqsh`, `run FILE.sqsh` / `--rootfs FILE.sqsh` (squashfuse in the user
# namespace, an overlay for the writes, the image config from
# /.warren/image.json), `load -i FILE.sqsh`, and hostile .sqsh files.

load helpers
load docmsg

need_squashfs() {
    command -v squashfuse >/dev/null ||
        skip "needs squashfuse (Debian package squashfuse; tests/deps.sh installs it)"
    command -v mksquashfs >/dev/null ||
        skip "needs mksquashfs (Debian package squashfs-tools; tests/deps.sh installs it)"
    [ -r /dev/fuse ] && [ -w /dev/fuse ] || skip "needs a usable /dev/fuse for squashfuse"
}

# sqsh_mounts: the squashfuse mounts under the current store's root (a
# container's own: root mode; none rootless), in warren's mount namespace
sqsh_mounts() {
    w unshare cat /proc/self/mountinfo | awk -v r="$WT_ROOT/" \
        'index($5, r) == 1 && / - fuse\.squashfuse /' | wc -l
}

# shared_mounts: the user's shared squashfuse mounts of the current store
# (rootless: one per file, under the runroot; runtime/ctr_sqsh.h)
shared_mounts() {
    w unshare cat /proc/self/mountinfo | awk -v r="$WT_RUNROOT/sqsh/" \
        'index($5, r) == 1 && / - fuse\.squashfuse /' | wc -l
}

# sqsh_pid FILE: the pids of the squashfuse processes serving FILE
sqsh_pid() {
    pgrep -u "$(id -u)" -x squashfuse -a | awk -v f="$1" '$3 == f {print $1}'
}

# kill_sqsh FILE: SIGKILLs them (a batch system ending a job step) and
# waits until they are gone
kill_sqsh() {
    local p pids
    pids=$(sqsh_pid "$1")
    [ -n "$pids" ] || fail "no squashfuse serves $1"
    for p in $pids; do
        kill -KILL "$p"
        wait_for_exit "$p" 10 || fail "squashfuse $p did not die"
    done
}

pool_entries() {
    find "$WT_ROOT/pool" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l
}

# export_image FILE: the base image as a .sqsh, from a private store (the
# suite's shared store may hold other names of the same image, which the
# file would carry)
export_image() {
    use_private_store
    load_fixture busybox.docker.tar
    run_warren 0 image export --format squashfs "$IMAGE" "$1"
    [ -s "$1" ] || fail "no $1"
}

# mk_sqsh TREE FILE: FILE made from TREE by mksquashfs itself (files root's)
mk_sqsh() {
    mksquashfs "$1" "$2" -noappend -quiet -no-progress -all-root >/dev/null
}

# mk_tree DIR: a busybox root filesystem
mk_tree() {
    mkdir -p "$1/bin" "$1/tmp"
    cp /bin/busybox "$1/bin/busybox"
    ln -s busybox "$1/bin/sh"
    ln -s busybox "$1/bin/echo"
    ln -s busybox "$1/bin/cat"
}

setup() {
    need_squashfs
}

@test "sqsh: export, then run FILE.sqsh with the image's Cmd, Env and WorkingDir, or a command" {
    # guards: issue 15 "keep image config inside the .sqsh so that run FILE.sqsh with no command uses the image's Cmd"
    local f=$BATS_TEST_TMPDIR/bb.sqsh
    export_image "$f"
    run_warren 0 run --rm "$f"
    assert_output "default command"
    run_warren 0 run --rm -w /tmp "$f" sh -c 'echo "$WARREN_FIXTURE $(pwd) $(id -u)"'
    assert_output "image-env /tmp 0"
    # the config file sits at the documented path (docs/rootless/hpc.md)
    run_warren 0 run --rm "$f" cat /.warren/image.json
    [ "$(jq -r '.config.config.Cmd[2]' <<<"$output")" = "echo default command" ]
    [ "$(jq -r '.names[0]' <<<"$output")" = "$IMAGE" ]
    # --rootfs FILE, and a relative path
    run_warren 0 run --rm --rootfs "$f" echo via-rootfs
    assert_output "via-rootfs"
    cd "$BATS_TEST_TMPDIR"
    run_warren 0 run --rm ./bb.sqsh echo relative
    assert_output "relative"
    [ "$(sqsh_mounts)" = 0 ]
}

@test "sqsh: writes go to an overlay, the file stays as it was; every container gets its own" {
    # guards: issue 15 "mounted with squashfuse ... no extraction, with an overlay or tmpfs for writes"
    local f=$BATS_TEST_TMPDIR/bb.sqsh sum name
    export_image "$f"
    sum=$(sha256sum <"$f")
    name=$(wt_name)
    run_warren 0 run --name "$name" "$f" sh -c 'echo new > /etc/new; rm /bin/ls; cat /etc/new'
    assert_output "new"
    run_warren 0 run --rm "$f" sh -c 'test ! -e /etc/new && test -e /bin/ls && echo clean'
    assert_output "clean"
    [ "$(sha256sum <"$f")" = "$sum" ]
    # the container keeps its changes (and its mount) until rm
    run_warren 0 start -a "$name"
    assert_output "new"
    run_warren 0 rm "$name"
    [ "$(sqsh_mounts)" = 0 ]
}

@test "sqsh: detached containers from one file at once; mounts go with rm, and after a SIGKILLed CLI" {
    # guards: issue 15 "several users and jobs mount the same file at once"; "the mount goes away with the container"
    local f=$BATS_TEST_TMPDIR/bb.sqsh a b fg i pids=() rc
    export_image "$f"
    a=$(wt_name)-a b=$(wt_name)-b fg=$(wt_name)-fg
    run_warren 0 run -d --name "$a" "$f" sleep 1000
    run_warren 0 run -d --name "$b" "$f" sleep 1000
    # one squashfuse serves both (rootless): none of their own
    [ "$(shared_mounts)" = 1 ]
    [ "$(sqsh_mounts)" = 0 ]
    run_warren 0 inspect --format '{{.State.Status}} {{.Rootfs}}' "$a"
    assert_output "running $f"
    # foreground runs in parallel, from the same file
    for i in 1 2 3 4; do
        "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" run --rm "$f" echo "par$i" \
            >"$BATS_TEST_TMPDIR/par$i" 2>&1 &
        pids+=($!)
    done
    for i in "${!pids[@]}"; do
        rc=0
        wait "${pids[$i]}" || rc=$?
        [ "$rc" = 0 ] || fail "parallel run $((i + 1)) failed: $(cat "$BATS_TEST_TMPDIR/par$((i + 1))")"
        [ "$(cat "$BATS_TEST_TMPDIR/par$((i + 1))")" = "par$((i + 1))" ]
    done
    # a foreground CLI killed with SIGKILL: the next command finds its
    # container exited, rm removes the mount
    start_warren "$BATS_TEST_TMPDIR/fg.out" run --name "$fg" "$f" sleep 1000
    wait_state "$fg" running
    kill -KILL "$BG_PID"
    wait_for_exit "$BG_PID" 10 || fail "the CLI did not die"
    wait_state "$fg" exited
    run_warren 0 rm -f "$fg" "$a" "$b"
    [ "$(sqsh_mounts)" = 0 ]
    run ls "$WT_ROOT/containers"
    refute_output --partial "$(w inspect --format '{{.Id}}' "$a" 2>/dev/null || echo none)"
    # the shared mount stays for the next run; system migrate ends it and
    # its squashfuse (which would otherwise keep the namespace busy)
    [ "$(shared_mounts)" = 1 ]
    [ -n "$(sqsh_pid "$f")" ]
    run_warren 0 system migrate
    [ -z "$(sqsh_pid "$f")" ]
}

@test "sqsh: one squashfuse per file; a replaced file, a dead squashfuse, an unmounted one under a container" {
    # guards: issue 15 "run --rm FILE.sqsh within 1.5x run IMAGE": a squashfuse mount shared by runs,
    # keyed by the file's dev/ino/size/mtime, never serving stale or dead data
    local f=$BATS_TEST_TMPDIR/bb.sqsh g=$BATS_TEST_TMPDIR/copy.sqsh a pid mnt
    export_image "$f"
    a=$(wt_name)
    run_warren 0 run -d --name "$a" "$f" sleep 1000
    pid=$(sqsh_pid "$f")
    [ -n "$pid" ]
    run_warren 0 run --rm "$f" echo second
    assert_output second
    [ "$(sqsh_pid "$f")" = "$pid" ]
    [ "$(shared_mounts)" = 1 ]
    # another file: its own mount
    cp "$f" "$g"
    run_warren 0 run --rm "$g" echo copy
    assert_output copy
    [ "$(shared_mounts)" = 2 ]
    # the file replaced (new inode, another tree): never the old mount
    mkdir -p "$BATS_TEST_TMPDIR/t/bin" && cp /bin/busybox "$BATS_TEST_TMPDIR/t/bin/" &&
        ln -s busybox "$BATS_TEST_TMPDIR/t/bin/sh" && echo replaced >"$BATS_TEST_TMPDIR/t/marker"
    mk_sqsh "$BATS_TEST_TMPDIR/t" "$g.new"
    mv "$g.new" "$g"
    run_warren 0 run --rm "$g" /bin/busybox cat /marker
    assert_output replaced
    # its squashfuse killed (a batch system ending a job step): the next
    # run mounts it again
    kill_sqsh "$g"
    run_warren 0 run --rm "$g" /bin/busybox cat /marker
    assert_output replaced
    # the shared mount unmounted under a running container (what the
    # reaping of idle mounts does): the container reads on
    for mnt in $(w unshare cat /proc/self/mountinfo | awk -v r="$WT_RUNROOT/sqsh/" \
        'index($5, r) == 1 && / - fuse\.squashfuse / {print $5}'); do
        run_warren 0 unshare umount "$mnt"
    done
    [ "$(shared_mounts)" = 0 ]
    run_warren 0 exec "$a" sh -c 'cat /etc/passwd >/dev/null && ls /bin | wc -l'
    [ "$output" -gt 10 ]
    run_warren 0 rm -f -t 0 "$a"
}

@test "sqsh: --userns=keep-id runs as the user, the files root's, writes private; and start again" {
    # guards: issue 15 ".sqsh with --userns=keep-id"
    command -v fuse-overlayfs >/dev/null || skip "needs fuse-overlayfs (keep-id maps the rootfs with it rootless)"
    local f=$BATS_TEST_TMPDIR/bb.sqsh name
    export_image "$f"
    name=$(wt_name)
    run_warren 0 run --rm --userns=keep-id "$f" sh -c 'id -u; stat -c "%u %g" /bin/busybox /etc; echo x >/tmp/w && cat /tmp/w'
    assert_output "$(id -u)"$'\n0 0\n0 0\nx'
    run_warren 0 run --name "$name" --userns=keep-id "$f" sh -c 'echo y >>/tmp/g; id -u; cat /tmp/g'
    assert_output "$(id -u)"$'\ny'
    run_warren 0 start -a "$name"
    assert_output "$(id -u)"$'\ny\ny'
    run_warren 0 rm "$name"
    # the plain runs of the file are not disturbed (and take no keep-id rootfs from the pool)
    run_warren 0 run --rm "$f" id -u
    assert_output 0
    run_warren 0 run --rm "$f" id -u
    assert_output 0
    run_warren 0 run --rm --userns=keep-id "$f" id -u
    assert_output "$(id -u)"
}

@test "sqsh: --rm containers of a file take a pooled rootfs; nothing written reaches the next" {
    # guards: issue 15 sqsh speed target; the rootfs pool (storage/pool.h) never carries state
    local f=$BATS_TEST_TMPDIR/bb.sqsh pid
    export_image "$f"
    run_warren 0 run --rm "$f" true
    [ "$(pool_entries)" = 1 ]
    run_warren 0 run --rm "$f" sh -c 'echo leak > /leak; rm /etc/group'
    run_warren 0 run --rm "$f" sh -c 'test ! -e /leak && test -e /etc/group && echo clean'
    assert_output clean
    run_warren 0 run --rm "$f" true
    [ "$(pool_entries)" = 1 ]
    # a pooled rootfs over a mount whose squashfuse died is never taken
    kill_sqsh "$f"
    run_warren 0 run --rm "$f" echo after
    assert_output after
    # system prune drops the shared mounts (and the rootfs pooled on them)
    [ "$(shared_mounts)" = 1 ]
    run_warren 0 system prune -f
    [ "$(shared_mounts)" = 0 ]
    run_warren 0 run --rm "$f" echo again
    assert_output again
    # system reset takes the pool and the shared mounts along
    pid=$(sqsh_pid "$f")
    run_warren 0 system reset -f
    [ "$(shared_mounts)" = 0 ]
    wait_for_exit "$pid" 10 || fail "squashfuse $pid still runs after system reset"
}

@test "sqsh: load -i FILE.sqsh gives the image back: the same config and file tree, a stable new id" {
    # guards: issue 15 "warren load of a .sqsh made this way gives the image back"
    local f=$BATS_TEST_TMPDIR/bb.sqsh f2=$BATS_TEST_TMPDIR/again.sqsh id1 id2
    export_image "$f"
    use_private_store
    run_warren 0 load -i "$f"
    assert_output "Loaded image: $IMAGE"
    run_warren 0 image inspect --format '{{json .Config}}' "$IMAGE"
    [ "$(jq -c '{Env, Cmd, WorkingDir}' <<<"$output")" = \
        "$(w image inspect --format '{{json .Config}}' "$IMAGE" | jq -c '{Env, Cmd, WorkingDir}')" ]
    [ "$(jq -r '.Cmd[2]' <<<"$output")" = "echo default command" ]
    id1=$(w images -q --no-trunc "$IMAGE")
    run_warren 0 run --rm "$IMAGE"
    assert_output "default command"
    # the same tree: a second export lists the same files, owners, modes, sizes
    run_warren 0 image export --format squashfs "$IMAGE" "$f2"
    diff <(unsquashfs -lls "$f" | awk '{print $1, $2, $3, $NF}' | grep -v '\.warren' | sort) \
        <(unsquashfs -lls "$f2" | awk '{print $1, $2, $3, $NF}' | grep -v '\.warren' | sort)
    # a second load: the same id (the image's created time, not the load's)
    run_warren 0 load -i "$f"
    id2=$(w images -q --no-trunc "$IMAGE")
    [ "$id1" = "$id2" ]
    # another id than the original: its layers are squashed into one
    [ "$id1" != "$IMAGE_ID" ] && [ "${id1#sha256:}" != "${IMAGE_ID#sha256:}" ]
}

@test "sqsh: not squashfs, truncated, empty: one-line errors, nothing created or mounted" {
    # guards: issue 15 "hostile input: a .sqsh that is not squashfs, a truncated one"
    local f=$BATS_TEST_TMPDIR/bb.sqsh bad=$BATS_TEST_TMPDIR/text.sqsh cut=$BATS_TEST_TMPDIR/cut.sqsh
    export_image "$f"
    echo "not an image" >"$bad"
    run_warren 125 run --rm "$bad" true
    assert_error "'$bad' is not a squashfs image"
    assert_doc_msg sqsh-not-squashfs "$stderr" FILE="'$bad'"
    head -c $(($(stat -c %s "$f") / 2)) "$f" >"$cut"
    run_warren 125 run --rm "$cut" true
    assert_error "'$cut' is truncated"
    assert_doc_msg sqsh-truncated "$stderr" FILE="'$cut'"
    : >"$BATS_TEST_TMPDIR/empty.sqsh"
    run_warren 125 run --rm --rootfs "$BATS_TEST_TMPDIR/empty.sqsh" true
    assert_error "is not a squashfs image"
    run_warren 125 run --rm "$BATS_TEST_TMPDIR/missing.sqsh" true
    assert_error "missing.sqsh" "no such file or directory"
    run_warren 125 load -i "$cut"
    assert_error "is truncated"
    run_warren 0 ps -a -q
    assert_output ""
    [ "$(sqsh_mounts)" = 0 ]
}

@test "sqsh: symlinks out (the config dir, files), malformed JSON, bad names, no config: nothing followed or mounted" {
    # guards: issue 15 "hostile input: one with symlinks pointing out, a config JSON that is malformed"
    local t=$BATS_TEST_TMPDIR/tree out=$BATS_TEST_TMPDIR/outside f
    mk_tree "$t"
    # /.warren -> a host dir with a config that must not be read
    mkdir -p "$out"
    echo '{"names":[],"config":{"config":{"Cmd":["echo","LEAKED"]}}}' >"$out/image.json"
    ln -s "$out" "$t/.warren"
    f=$BATS_TEST_TMPDIR/link.sqsh
    mk_sqsh "$t" "$f"
    run_warren 125 run --rm "$f"
    refute_output --partial LEAKED
    assert_error "no command"
    run_warren 0 run --rm "$f" echo ok
    assert_output "ok"
    # symlinks in the tree that point out resolve inside the container,
    # and load keeps them as symlinks
    echo "host secret" >"$out/secret"
    ln -s "$out/secret" "$t/abs-out"
    ln -s ../../../../../../../../"$out/secret" "$t/rel-out"
    rm "$t/.warren"
    mkdir "$t/.warren"
    echo '{"names": ["localhost/wt-sqsh-links:1"], "config": {"config": {"Cmd": ["cat", "/abs-out"]}}}' \
        >"$t/.warren/image.json"
    f=$BATS_TEST_TMPDIR/links.sqsh
    mk_sqsh "$t" "$f"
    run_warren 1 run --rm "$f"
    refute_output --partial "host secret"
    run_warren 1 run --rm "$f" cat /rel-out
    refute_output --partial "host secret"
    track_image localhost/wt-sqsh-links:1
    run_warren 0 load -i "$f"
    run_warren 0 run --rm localhost/wt-sqsh-links:1 /bin/busybox readlink /abs-out
    assert_output "$out/secret"
    run_warren 1 run --rm localhost/wt-sqsh-links:1
    refute_output --partial "host secret"
    run_warren 0 rmi localhost/wt-sqsh-links:1
    rm "$t/abs-out" "$t/rel-out"
    # malformed JSON
    echo '{"config": {"config": ' >"$t/.warren/image.json"
    f=$BATS_TEST_TMPDIR/badjson.sqsh
    mk_sqsh "$t" "$f"
    run_warren 125 run --rm "$f" echo never
    assert_error "'$f'" "'/.warren/image.json' in the image is not a JSON object"
    run_warren 125 load -i "$f"
    assert_error "not a JSON object"
    # a config of the wrong shape
    echo '{"config": {"config": {"Cmd": 5}}}' >"$t/.warren/image.json"
    f=$BATS_TEST_TMPDIR/badcmd.sqsh
    mk_sqsh "$t" "$f"
    run_warren 125 run --rm "$f" echo never
    assert_error "'$f'"
    # bad names in the config: refused by load
    echo '{"names": ["UPPER/Case:bad tag"], "config": {"config": {}}}' >"$t/.warren/image.json"
    f=$BATS_TEST_TMPDIR/badname.sqsh
    mk_sqsh "$t" "$f"
    run_warren 125 load -i "$f"
    assert_error "a name in '/.warren/image.json'"
    # no config at all (another tool's squashfs): runs with a command; load refuses
    rm -r "$t/.warren"
    f=$BATS_TEST_TMPDIR/plain.sqsh
    mk_sqsh "$t" "$f"
    run_warren 0 run --rm "$f" echo plain
    assert_output "plain"
    run_warren 125 load -i "$f"
    assert_error "no image config in it"
    run_warren 0 ps -a -q
    assert_output ""
    [ "$(sqsh_mounts)" = 0 ]
    run_warren 0 images -q
    [ "${#lines[@]}" = 1 ]
}

@test "sqsh: image export: bad format, unknown image, unwritable place; no partial file" {
    # guards: issue 15 "image export --format squashfs IMAGE FILE.sqsh" bad input
    local d=$BATS_TEST_TMPDIR/ro
    run_warren 125 image export "$IMAGE" "$BATS_TEST_TMPDIR/x.sqsh"
    assert_error "use --format squashfs"
    run_warren 125 image export --format tar "$IMAGE" "$BATS_TEST_TMPDIR/x.sqsh"
    assert_error "unsupported --format 'tar'"
    run_warren 125 image export --format squashfs "$IMAGE"
    assert_error "IMAGE FILE"
    run_warren 125 image export --format squashfs no-such-image "$BATS_TEST_TMPDIR/x.sqsh"
    assert_error "no-such-image: image not known"
    # a dir that is not there (a 0555 dir of the user's own is no test:
    # mksquashfs runs as root of the user's namespace, who owns it)
    mkdir "$d"
    run_warren 125 image export --format squashfs "$IMAGE" "$d/nodir/x.sqsh"
    assert_error "export '$IMAGE' to '$d/nodir/x.sqsh'" "mksquashfs failed"
    run ls -A "$d"
    assert_output ""
    [ ! -e "$BATS_TEST_TMPDIR/x.sqsh" ]
    run ls -A "$WT_ROOT/sqsh-tmp"
    assert_output ""
}

@test "sqsh: without squashfuse or mksquashfs, one line naming the Debian package" {
    # guards: issue 15 "missing squashfuse/mksquashfs: one line naming the Debian package"
    local f=$BATS_TEST_TMPDIR/bb.sqsh bin=$BATS_TEST_TMPDIR/bin p
    export_image "$f"
    # a PATH with everything of /usr/bin but the squashfs tools
    mkdir "$bin"
    for p in /usr/bin/* /usr/sbin/*; do
        case ${p##*/} in squashfuse | mksquashfs | unsquashfs) continue ;; esac
        ln -sf "$p" "$bin/${p##*/}"
    done
    run_warren_env 125 PATH="$bin" -- run --rm --network none "$f" true
    assert_error "squashfuse not found: install the Debian package squashfuse"
    assert_doc_msg sqsh-no-squashfuse "$stderr" FILE="'$f'"
    run_warren_env 125 PATH="$bin" -- image export --format squashfs "$IMAGE" "$BATS_TEST_TMPDIR/y.sqsh"
    assert_error "mksquashfs not found: install the Debian package squashfs-tools"
    assert_doc_msg sqsh-no-mksquashfs "$stderr"
    [ ! -e "$BATS_TEST_TMPDIR/y.sqsh" ]
    [ "$(sqsh_mounts)" = 0 ]
    run_warren 0 ps -a -q
    assert_output ""
}

@test "sqsh: system check reports squashfuse and mksquashfs with their versions" {
    # guards: issue 15 "system check reports squashfuse presence and version"
    run_warren 0 system check
    assert_line --regexp '^ok +squashfuse +/.*squashfuse: squashfuse [0-9]+\.[0-9]+'
    assert_line --regexp '^ok +mksquashfs +/.*mksquashfs: mksquashfs version [0-9]+\.[0-9]+'
}

@test "sqsh: the vfs driver refuses FILE.sqsh in one line that names the drivers that can; nothing is left" {
    # guards: --storage-driver vfs run FILE.sqsh failed with an error about a
    # '--rootfs MOUNT:O' the user never typed (vfs makes no overlay, and a copy of
    # the file's tree is what the file is there to avoid)
    local f=$BATS_TEST_TMPDIR/bb.sqsh
    export_image "$f"
    use_private_store
    for form in "$f" "--rootfs $f"; do
        # shellcheck disable=SC2086  # the form is two words on purpose
        run_warren 125 --storage-driver vfs run --rm $form echo no
        assert_equal "$stderr" "Error: cannot run '$f' with the vfs storage driver (it makes no overlay for the container's writes): use --storage-driver overlay or fuse-overlayfs"
        [ -z "$output" ] || fail "stdout: $output"
    done
    run_warren 125 --storage-driver vfs create --name sq "$f"
    run_warren 0 --storage-driver vfs ps -a -q
    assert_output ""
    [ "$(sqsh_mounts)" = 0 ]
    # the store stays usable with vfs for images
    load_fixture busybox.docker.tar
    run_warren 0 --storage-driver vfs run --rm "$IMAGE" echo ok
    assert_output ok
}
