#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2034  # status/output/stderr come from bats; WT_ROOT is read by helpers
# Issue 15 "A shared read-only image cache" (and issue 10's storage.conf
# additionalimagestores): root fills a store, a second user (rootless, with
# its own sub-ids) uses its images through --storage-opt
# additionalimagestore=DIR or storage.conf, without copying them; the
# second user's containers and records stay in its own store. Root's files
# are not mapped in that user's namespace: the overlay is fuse-overlayfs
# with squash_to_root, so they show as root (docs/rootless/hpc.md).

load ../helpers
load ../registry

READER=${WARREN_TEST_SECOND_USER:-wt-kube2}
GROUP_OWNER=${WARREN_TEST_THIRD_USER:-wt-kube3}

# with_subids USER: the user exists and has a sub-id range of its own
with_subids() {
    if ! id "$1" >/dev/null 2>&1; then
        useradd -m -s /bin/bash "$1" || return 1
    fi
    if ! grep -q "^$1:" /etc/subuid; then
        local start=$((($(id -u "$1") % 1000 + 80) * 65536))
        echo "$1:$start:65536" >>/etc/subuid
        echo "$1:$start:65536" >>/etc/subgid
    fi
}

setup_file() {
    with_subids "$READER" || return 1
    with_subids "$GROUP_OWNER" || return 1
    # one nosuid mount for every test's cache, made before the reader's
    # namespace exists (a mount made later would not show in it)
    runuser -u "$READER" -- env -i PATH=/usr/bin:/bin "$WARREN" system migrate >/dev/null 2>&1 || true
    export SHARED_MNT=$WT_TMP/shared
    mkdir -p "$SHARED_MNT"
    mount -t tmpfs -o nosuid,nodev,mode=0755 tmpfs "$SHARED_MNT"
    reg_start plain
}

teardown_file() {
    reg_stop
    umount -l "$SHARED_MNT" 2>/dev/null || true
}

setup() {
    command -v fuse-overlayfs >/dev/null || skip "needs fuse-overlayfs (squash_to_root)"
    runuser -u "$READER" -- test -x "$WARREN" || skip "needs $WARREN executable by $READER"
    # the cache: root's store on a nosuid mount, opened to the other users
    CACHE_MNT=$(mktemp -d "$SHARED_MNT/cache.XXXXXX")
    chmod 0755 "$CACHE_MNT"
    CACHE=$CACHE_MNT/store
    WT_ROOT=$CACHE
    WT_RUNROOT=$(mktemp -d "$WT_TMP/cacherun.XXXXXX")
    run_warren 0 load -q -i "$WT_FIXTURES/busybox.docker.tar"
    run_warren 0 load -q -i "$WT_FIXTURES/layers.tar"
    chmod 0755 "$CACHE" "$CACHE/layers"
    # the reader's own store and runtime dir
    RD=$(mktemp -d "$WT_TMP/reader.XXXXXX")
    chmod 0755 "$RD"
    chown "$READER:" "$RD"
    install -d -m 0700 -o "$READER" "$RD/xdg" "$RD/home"
    install -d -m 0755 -o "$READER" "$RD/out"
}

teardown() {
    rd system migrate >/dev/null 2>&1 || true
    runuser -u "$READER" -- env -i XDG_RUNTIME_DIR="$RD/xdg" PATH=/usr/bin:/bin \
        "$WARREN" --root "$RD/root" --runroot "$RD/run" unshare rm -rf "$RD/root" >/dev/null 2>&1 || true
    w rm -a -f >/dev/null 2>&1 || true
    rm -rf --one-file-system "$RD" "$CACHE_MNT" "$WT_RUNROOT" 2>/dev/null || true
    wt_teardown
}

# rdr ARGS...: warren as the reader, with its own store and the cache
rdr() {
    local opt=(--storage-opt "additionalimagestore=$CACHE") env=()
    [ -z "${RD_CONF:-}" ] || { opt=(); env=(CONTAINERS_STORAGE_CONF="$RD_CONF"); }
    run --separate-stderr timeout -k 5 120 runuser -u "$READER" -- env -i HOME="$RD/home" \
        PATH=/usr/local/bin:/usr/bin:/bin XDG_RUNTIME_DIR="$RD/xdg" "${env[@]}" \
        "$WARREN" --root "$RD/root" --runroot "$RD/run" "${opt[@]}" "$@"
}

# rd ARGS...: the same without bats' run (set-up and clean-up)
rd() {
    runuser -u "$READER" -- env -i HOME="$RD/home" PATH=/usr/bin:/bin XDG_RUNTIME_DIR="$RD/xdg" \
        "$WARREN" --root "$RD/root" --runroot "$RD/run" "$@"
}

@test "shared store: images lists the cache's images read-only; run, inspect, history, save use them" {
    # guards: issue 15 shared cache (usable by every user, without copying)
    rdr images --format '{{.Repository}} {{.ReadOnly}}'
    [ "$status" = 0 ] || fail "images: $stderr"
    [ -z "$stderr" ] || fail "unexpected stderr: $stderr"
    assert_line "localhost/warren-test/busybox true"
    assert_line "localhost/warren-test/layers true"
    rdr images --format json
    assert_output --partial '"ReadOnly": true'
    rdr images -q --filter readonly=true
    assert_line "${IMAGE_ID:0:12}"
    rdr images -q --filter readonly=false
    assert_output ""
    # root's files show as root (squash_to_root), and copy-up works
    rdr run --rm "$IMAGE" sh -c 'stat -c %u:%g /bin /etc/passwd; echo x >>/etc/passwd && touch /tmp/new && echo wrote'
    [ "$status" = 0 ] || fail "run: $stderr"
    assert_output $'0:0\n0:0\nwrote'
    rdr image inspect --format '{{.Id}}' "$IMAGE"
    assert_output "$IMAGE_ID"
    rdr history -q "$IMAGE"
    [ "$status" = 0 ] || fail "history: $stderr"
    rdr save -o "$RD/out/s.tar" "$IMAGE"
    [ "$status" = 0 ] || fail "save: $stderr"
    [ -z "$stderr" ] || fail "save remade a layer (its blob was not read from the cache): $stderr"
    # the saved archive is the same image: root loads it and gets the same id
    run_warren 0 rmi -f "$IMAGE"
    run_warren 0 load -i "$RD/out/s.tar"
    run_warren 0 image inspect --format '{{.Id}}' "$IMAGE"
    assert_output "$IMAGE_ID"
    # nothing was copied: the reader's store has no layer (but its own
    # mount-point layer, storage/mountpoints.h: three empty files)
    [ -z "$(ls -A "$RD/root/layers" 2>/dev/null | grep -v '^mp-')" ] ||
        fail "layers copied: $(ls "$RD/root/layers")"
}

@test "shared store: images shows which store an image comes from ({{.Store}}; a note at a terminal)" {
    # guards: issue 15 "warren images shows which store an image comes from"
    rdr load -q -i "$WT_FIXTURES/busybox.docker.tar"
    rdr tag "$IMAGE" localhost/mine:1
    [ "$status" = 0 ] || fail "tag: $stderr"
    rdr images --format '{{.Repository}}:{{.Tag}} {{.Store}}'
    [ "$status" = 0 ] || fail "images: $stderr"
    assert_line "localhost/mine:1 $RD/root"
    assert_line "localhost/warren-test/layers:latest $CACHE"
    rdr images --format 'table {{.Repository}} {{.Store}}'
    assert_line --index 0 --regexp '^REPOSITORY +STORE$'
    # Podman's default columns stay exactly as they are, and a script
    # (no terminal) gets no note
    rdr images
    [ "$status" = 0 ] || fail "images: $stderr"
    assert_line --index 0 --regexp '^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE$'
    [ -z "$stderr" ] || fail "a note without a terminal: $stderr"
    # at a terminal, a note says which rows are shared and how to see more
    run script -qec "runuser -u $READER -- env -i HOME=$RD/home PATH=/usr/bin:/bin \
        XDG_RUNTIME_DIR=$RD/xdg $WARREN --root $RD/root --runroot $RD/run \
        --storage-opt additionalimagestore=$CACHE images" /dev/null
    assert_output --partial "rows are images of read-only image stores"
    assert_output --partial "{{.Store}}"
}

@test "shared store: the owner's rmi refuses layers a reader's container runs on, until it is gone" {
    # guards: issue 15 "a reader holds the cache's layers for its container's life"
    local img=localhost/warren-test/layers:latest fg
    rdr run -d --name held "$img" sleep 1000
    [ "$status" = 0 ] || fail "run -d: $stderr"
    run_warren 2 rmi "$img"
    assert_error "image used by a container of another store" "image is in use by a container"
    run_warren 2 rmi -f "$img"
    assert_error "image is in use by a container"
    # prune leaves it: an image a container uses is not unused
    run_warren 0 image prune -a -f
    refute_output --partial "$(w image inspect --format '{{.Id}}' "$img")"
    # nothing was removed: the image lists, the container reads its files
    run_warren 0 images -q "$img"
    [ -n "$output" ]
    rdr exec held cat /etc/extra /opaque/c
    [ "$status" = 0 ] || fail "exec: $stderr"
    assert_output $'extra\nc'
    rdr rm -f -t 0 held
    [ "$status" = 0 ] || fail "rm: $stderr"
    # a foreground run holds them as well, for as long as it runs
    runuser -u "$READER" -- env -i HOME="$RD/home" PATH=/usr/bin:/bin XDG_RUNTIME_DIR="$RD/xdg" \
        "$WARREN" --root "$RD/root" --runroot "$RD/run" --storage-opt "additionalimagestore=$CACHE" \
        run --rm --name fg "$img" sleep 1000 >/dev/null 2>&1 &
    fg=$!
    WT_BG_PIDS+=("$fg")
    for _ in $(seq 1 100); do
        rd ps -q --filter status=running | grep -q . && break
        sleep 0.1
    done
    run_warren 2 rmi "$img"
    assert_error "image is in use by a container"
    rd stop -t 0 fg >/dev/null
    wait "$fg" || true
    # gone: the owner removes it
    run_warren 0 rmi "$img"
    run_warren 1 image exists "$img"
}

@test "shared store: --rm runs of a cache image reuse a pooled rootfs, never one over removed layers" {
    # guards: issue 15 "starting from the shared cache adds nothing measurable to run" (the pool),
    # and that a pooled rootfs never outlives the owner's rmi of its layers
    local img=localhost/warren-test/layers:latest
    rdr run --rm "$img" cat /etc/extra
    [ "$status" = 0 ] || fail "run: $stderr"
    assert_output extra
    run find "$RD/root/pool" -mindepth 1 -maxdepth 1
    [ "${#lines[@]}" = 1 ] || fail "no pooled rootfs: $output"
    rdr run --rm "$img" sh -c 'echo leak >/etc/extra; touch /new'
    rdr run --rm "$img" sh -c 'cat /etc/extra; test ! -e /new && echo clean'
    assert_output $'extra\nclean'
    # the owner removes the image and loads it again: the same names and
    # layer digests, new dirs; the pooled rootfs lies over the old ones
    run_warren 0 rmi "$img"
    run_warren 0 load -q -i "$WT_FIXTURES/layers.tar"
    chmod 0755 "$CACHE/layers"
    rdr run --rm "$img" cat /owned1000 /etc/extra /opaque/c
    [ "$status" = 0 ] || fail "run after the owner's reload: $stderr"
    assert_output $'1000\nextra\nc'
}

@test "shared store: containers stay in the reader's store; the cache is not written" {
    # guards: issue 15 (container layers stay private; the db opened read-only)
    local before after
    before=$(cd "$CACHE" && find . -printf '%p %s %T@\n' | sort | md5sum)
    rdr create --name c1 "$IMAGE" sh -c 'echo hi >/hello; cat /hello'
    [ "$status" = 0 ] || fail "create: $stderr"
    rdr start -a c1
    assert_output hi
    rdr ps -a --format '{{.Names}} {{.Image}}'
    assert_output "c1 $IMAGE"
    rdr diff c1
    [ "$status" = 0 ] || fail "diff: $stderr"
    assert_line "A /hello"
    # an image committed from it keeps the cache's layers below its own
    rdr commit -q c1 localhost/derived:latest
    [ "$status" = 0 ] || fail "commit: $stderr"
    rdr run --rm localhost/derived:latest cat /hello
    assert_output hi
    rdr system check
    assert_line --regexp '^ok +image layers +every layer of every image is present'
    rdr system check --repair
    rdr images -q localhost/derived:latest
    [ -n "$output" ] || fail "system check --repair removed an image built on the cache"
    rdr rm c1
    [ "$status" = 0 ] || fail "rm: $stderr"
    rdr rmi localhost/derived:latest
    [ "$status" = 0 ] || fail "rmi: $stderr"
    after=$(cd "$CACHE" && find . -printf '%p %s %T@\n' | sort | md5sum)
    [ "$before" = "$after" ] || fail "the reader changed the cache"
    # root sees no container of the reader's
    run_warren 0 ps -a -q
    assert_output ""
}

@test "shared store: rmi, tag and untag of a cache image fail; rmi -a and prune leave it" {
    # guards: Podman's "cannot remove read-only image"
    rdr rmi "$IMAGE"
    [ "$status" != 0 ] || fail "rmi of a read-only image succeeded"
    assert_error "cannot remove read-only image \"$IMAGE_ID\""
    rdr rmi -f "$IMAGE"
    [ "$status" != 0 ] || fail "rmi -f of a read-only image succeeded"
    rdr tag "$IMAGE" mine:latest
    [ "$status" = 125 ] || fail "tag: $status $stderr"
    assert_error "read-only store '$CACHE'"
    rdr untag "$IMAGE"
    [ "$status" != 0 ] || fail "untag of a read-only image succeeded"
    rdr rmi -a
    [ "$status" = 0 ] || fail "rmi -a: $stderr"
    rdr image prune -a -f
    [ "$status" = 0 ] || fail "image prune -a: $stderr"
    rdr images -q
    assert_line "${IMAGE_ID:0:12}"
    run_warren 0 images -q
    assert_line "${IMAGE_ID:0:12}"
}

@test "shared store: storage.conf additionalimagestores; --storage-opt replaces it" {
    # guards: issue 10 configuration (storage.conf additionalimagestores)
    RD_CONF=$RD/storage.conf
    printf '[storage]\ndriver = "overlay"\n[storage.options]\nadditionalimagestores = ["%s"]\n' \
        "$CACHE" >"$RD_CONF"
    chmod 0644 "$RD_CONF"
    rdr run --rm "$IMAGE" echo from-conf
    [ "$status" = 0 ] || fail "run: $stderr"
    assert_output from-conf
    # a --storage-opt replaces the file's options (as Podman's): no cache then
    rdr --storage-opt overlay.mount_program=/usr/bin/fuse-overlayfs images -q
    assert_output ""
}

@test "shared store: a missing, foreign, symlinked or world-writable store is refused with a warning" {
    # guards: issue 15 bad input (every path of the other store is untrusted)
    local bad=$RD/bad
    mkdir -p "$bad/empty" "$bad/junk" "$bad/ww" "$bad/noshm"
    echo garbage >"$bad/junk/warren.db"
    cp -a "$CACHE/." "$bad/ww/"
    cp -a "$CACHE/." "$bad/noshm/"
    rm -f "$bad/noshm/warren.db-shm" "$bad/noshm/warren.db-wal"
    chmod 0777 "$bad/ww"
    ln -s "$CACHE" "$bad/link"
    chmod -R a+rX "$bad"
    local d want
    for d in "$bad/missing:No such file" "$bad/empty:not a warren store" \
        "$bad/junk:not a warren store" "$bad/ww:writable by every user" \
        "$bad/link:not a directory (a symlink is not followed)" "relative:not an absolute path" \
        "$bad/noshm:its warren.db-shm is missing (a reader cannot make it): the store's owner runs 'warren --root $bad/noshm images' once"; do
        want=${d#*:}
        d=${d%%:*}
        run --separate-stderr timeout 60 runuser -u "$READER" -- env -i HOME="$RD/home" \
            PATH=/usr/bin:/bin XDG_RUNTIME_DIR="$RD/xdg" "$WARREN" --root "$RD/root" \
            --runroot "$RD/run" --storage-opt "additionalimagestore=$d" images -q
        [ "$status" = 0 ] || fail "$d: images failed: $stderr"
        assert_output ""
        assert_warning "read-only image store '$d'" "$want" "ignored"
    done
    # a store on a mount without nosuid: said, and still used
    local plain=$RD/plain
    cp -a "$CACHE" "$plain"
    chmod 0755 "$plain" "$plain/layers"
    run --separate-stderr timeout 60 runuser -u "$READER" -- env -i HOME="$RD/home" \
        PATH=/usr/bin:/bin XDG_RUNTIME_DIR="$RD/xdg" "$WARREN" --root "$RD/root" \
        --runroot "$RD/run" --storage-opt "additionalimagestore=$plain" images -q
    [ "$status" = 0 ] || fail "images: $stderr"
    assert_line "${IMAGE_ID:0:12}"
    assert_warning "is not on a nosuid mount" "mount -o remount,bind,nosuid,nodev $plain"
}

@test "shared store: a database that lies or a layer dir swapped for a symlink is refused" {
    # guards: issue 15 bad input (a db that lies, symlinks in the store)
    local hex
    hex=$(w image inspect --format '{{index .RootFS.Layers 0}}' "$IMAGE")
    hex=${hex#sha256:}
    # the layer dir replaced by a symlink to a dir the reader could read
    mv "$CACHE/layers/$hex" "$CACHE/layers/real"
    ln -s real "$CACHE/layers/$hex"
    rdr run --rm "$IMAGE" true
    [ "$status" != 0 ] || fail "ran from a symlinked layer dir"
    assert_last_error "is in no store"
    rm "$CACHE/layers/$hex"
    mv "$CACHE/layers/real" "$CACHE/layers/$hex"
    # a diff_id that names a path
    python3 - "$CACHE/warren.db" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE image_layers SET diff_id = 'sha256:../../../../etc' WHERE idx = 0")
db.commit()
EOF
    # sqlite3 removed -wal and -shm on close: the owner's warren makes them
    # again (a reader cannot, and never writes)
    run_warren 0 images -q
    rdr run --rm "$IMAGE" true
    [ "$status" != 0 ] || fail "a diff_id naming a path was mounted"
    assert_last_error "invalid layer digest 'sha256:../../../../etc'"
}

@test "shared store: the owner pulls and removes while the reader runs: never a half image" {
    # guards: issue 15 (safe while the owner pulls into it)
    # A reader's running container holds its layers (the owner's rmi then
    # refuses: tested above); here the owner's rmi also waits for the
    # reader's run of the churned image (flock on $RD/inuse), so what is
    # tested is a run that starts while the image is being stored or removed.
    local stop=$RD/stop owner i complete=0
    w tag "$IMAGE" localhost/churn:base
    (
        while [ ! -e "$stop" ]; do
            w load -q -i "$WT_FIXTURES/layers.tar" >/dev/null 2>&1
            w tag localhost/warren-test/layers:latest localhost/churn:latest >/dev/null 2>&1
            sleep 0.5
            {
                flock 19
                w rmi -f localhost/churn:latest localhost/warren-test/layers:latest >/dev/null 2>&1
            } 19>"$RD/inuse"
        done
    ) &
    owner=$!
    WT_BG_PIDS+=("$owner")
    for i in $(seq 1 12); do
        # the stable image always runs
        rdr run --rm "$IMAGE" true
        [ "$status" = 0 ] || { touch "$stop"; fail "run of a stable image failed while the owner churned: $stderr"; }
        # the churned one: complete, or not there
        exec 19>"$RD/inuse"
        flock 19
        rdr run --rm --pull=never localhost/churn:latest cat /owned1000 /etc/extra /opaque/c
        flock -u 19
        exec 19>&-
        if [ "$status" = 0 ]; then
            [ "$output" = $'1000\nextra\nc' ] || { touch "$stop"; fail "a half image: $output"; }
            complete=$((complete + 1))
        else
            [[ $stderr == *"image not known"* || $stderr == *"is in no store"* ||
                $stderr == *"unable to find"* || $stderr == *"not known"* ]] ||
                { touch "$stop"; fail "a half image: $stderr"; }
        fi
        rdr images --format '{{.ID}} {{.Size}}'
        [ "$status" = 0 ] || { touch "$stop"; fail "images while the owner churned: $stderr"; }
    done
    touch "$stop"
    wait "$owner" || true
    echo "# the churned image ran complete $complete times of 12" >&3
}

@test "shared store: a store a rootless user filled is usable by another user" {
    # guards: issue 15 (images an admin "or a group" pulled; the owner's sub-ids are not the reader's)
    local g o
    g=$(mktemp -d "$SHARED_MNT/group.XXXXXX")
    o=$(mktemp -d "$WT_TMP/owner.XXXXXX")
    chmod 0755 "$g" "$o"
    chown "$GROUP_OWNER:" "$g" "$o"
    install -d -m 0700 -o "$GROUP_OWNER" "$o/xdg"
    own() {
        runuser -u "$GROUP_OWNER" -- env -i HOME="$o" PATH=/usr/bin:/bin XDG_RUNTIME_DIR="$o/xdg" \
            "$WARREN" --root "$g/store" --runroot "$o/run" "$@"
    }
    own load -q -i "$WT_FIXTURES/layers.tar" || fail "the owner's load failed"
    chmod 0755 "$g/store" "$g/store/layers"
    CACHE=$g/store
    rdr run --rm localhost/warren-test/layers:latest sh -c 'stat -c %u:%g /owned1000; echo x >>/owned1000 && echo wrote'
    [ "$status" = 0 ] || fail "run: $stderr"
    assert_output $'0:0\nwrote'
    own rmi -a -f >/dev/null 2>&1
    own system migrate >/dev/null 2>&1
    runuser -u "$GROUP_OWNER" -- env -i HOME="$o" PATH=/usr/bin:/bin XDG_RUNTIME_DIR="$o/xdg" \
        "$WARREN" --root "$g/store" --runroot "$o/run" unshare rm -rf "$g/store" >/dev/null 2>&1 || true
    runuser -u "$GROUP_OWNER" -- env -i PATH=/usr/bin:/bin XDG_RUNTIME_DIR="$o/xdg" "$WARREN" system migrate >/dev/null 2>&1 || true
}

@test "shared store: push of a cache image sends its original blobs" {
    # guards: issue 15 (push works with a read-only image, nothing copied)
    rdr push --tls-verify=false "$IMAGE" "$REG/fromcache/busybox:v1"
    [ "$status" = 0 ] || fail "push: $stderr"
    use_private_store
    printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$REG" >"$BATS_TEST_TMPDIR/registries.conf"
    CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf run_warren 0 pull -q "$REG/fromcache/busybox:v1"
    assert_output "$IMAGE_ID"
    [ -z "$(ls -A "$RD/root/layers" 2>/dev/null)" ] || fail "layers copied: $(ls "$RD/root/layers")"
}

@test "shared store: the reader's pull fetches no layer the cache has, as Podman's" {
    # guards: issue 15 "pull reuses layers already present in an additional store"
    run_warren 0 push --tls-verify=false "$IMAGE" "$REG/cached/busybox:v1"
    rdr pull --tls-verify=false "$REG/cached/busybox:v1"
    [ "$status" = 0 ] || fail "pull: $stderr"
    [ -z "$(ls -A "$RD/root/layers" 2>/dev/null | grep -v '^mp-')" ] ||
        fail "a layer was fetched: $(ls "$RD/root/layers")"
    rdr images --format '{{.Repository}}:{{.Tag}} {{.Store}}' "$REG/cached/busybox:v1"
    assert_output "$REG/cached/busybox:v1 $RD/root"
    rdr run --rm "$REG/cached/busybox:v1" sh -c 'echo ok >/tmp/x && cat /tmp/x'
    [ "$status" = 0 ] || fail "run: $stderr"
    assert_output ok
    # the reader's own image: its rmi leaves the cache's layer alone
    rdr rmi "$REG/cached/busybox:v1"
    [ "$status" = 0 ] || fail "rmi: $stderr"
    rdr run --rm "$IMAGE" true
    [ "$status" = 0 ] || fail "the cache image broke: $stderr"
}

@test "shared store: build FROM a cache image with a RUN step; the result is the reader's" {
    # guards: issue 15 (container layers stay private; build uses the cache's layers)
    install -d -m 0755 -o "$READER" "$RD/ctx"
    printf 'FROM %s\nRUN echo built >/b\n' "$IMAGE" >"$RD/ctx/Containerfile"
    chmod 0644 "$RD/ctx/Containerfile"
    rdr build -q -t localhost/fromcache:latest "$RD/ctx"
    [ "$status" = 0 ] || fail "build: $stderr"
    rdr run --rm localhost/fromcache:latest cat /b
    assert_output built
    rdr images --format '{{.Repository}} {{.ReadOnly}}'
    assert_line "localhost/fromcache false"
    run_warren 0 images -q localhost/fromcache:latest
    assert_output ""
}
