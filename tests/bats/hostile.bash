# hostile.bash - shared by 090-hostile.bats, 091-hostile-whiteouts.bats and
# root/030-hostile.bats (issue 5 "Hostile input, as a suite"): the cases of
# tests/fixtures/mkhostile.sh, each with a word its one error line must hold,
# and the checks that a refused input changed nothing and left nothing.
# shellcheck disable=SC2034,SC2154  # lists used by the .bats files; output/stderr set by bats' run

H=$WT_FIXTURES/hostile
# what a layer must never create on the host (mkhostile.sh writes through symlinks to /tmp)
EVIL=/tmp/warren-test-hostile-evil

# "CASE|substring of the error": layers refused by load (layer-CASE.tar,
# behind a first layer that the failed load must remove again) and import
# (import-CASE.tar)
LAYER_NAMES=(
    "dotdot|'..' component"
    "dotdot-inner|'..' component"
    "dotdot-dot|'..' component"
    "dotdot-dir|'..' component"
    "absolute|absolute path"
    "absolute-dir|absolute path"
    "longname|(4201 bytes) is too long"
    "ctrlname|'../x?warren: all is well?[2J?' has a '..' component"
)
LAYER_SYMLINKS=(
    "symlink-file|through symlink 'a'"
    "symlink-rel|through symlink 'd/a'"
    "symlink-dir|through symlink 'a'"
    "symlink-symlink|through symlink 'a'"
    "symlink-deep|through symlink 'a'"
    "symlink-hardlink|through symlink 'a'"
    "symlink-device|through symlink 'a'"
    "symlink-fifo|through symlink 'a'"
    "whiteout-symlink|through symlink 'a'"
    "opaque-symlink|through symlink 'a'"
)
LAYER_HARDLINKS=(
    "hardlink-dotdot|'..' component"
    "hardlink-absolute|absolute path"
    "hardlink-symlinkdir|through symlink 'd'"
    "hardlink-lower|hard link target 'bin/busybox'"
    "hardlink-missing|hard link 'h' to 'nosuch'"
    "hardlink-dir|hard link 'h' to 'd'"
)
# whiteouts whose target is not one plain name (issue 5 item 1, fixed on branch h1)
LAYER_WHITEOUT_NAMES=(
    "wh-empty|.wh."
    "wh-dot|.wh.."
    "wh-dotdot|.wh..."
    "wh-sub-dotdot|a/.wh..."
)
# docker-archives with a malformed manifest.json or config (man-CASE.tar)
MANIFESTS=(
    "badjson|manifest.json: invalid JSON"
    "notlist|manifest.json: not a list"
    "nested|manifest.json: invalid JSON"
    "noconfig|entry without Config"
    "config-number|'Config' is not a string"
    "config-missing|'nosuch.json' missing"
    "config-dotdot|missing from the archive"
    "config-absolute|missing from the archive"
    "layers-notlist|'Layers' is not a list"
    "layer-number|item 1 of 'Layers' is not a string"
    "layer-missing|'nosuch.tar' missing"
    "layer-dotdot|missing from the archive"
    "layers-more|2 diff_ids but manifest.json lists 3 layers"
    "layers-fewer|2 diff_ids but manifest.json lists 1 layers"
    "tags-notlist|'RepoTags' is not a list"
    "tag-number|item 0 of 'RepoTags' is not a string"
    "tag-invalid|must be lowercase"
    "tag-digest|a digest cannot be used as a tag"
    "entry-notobject|not an object"
    "cfg-badjson|image config: invalid JSON"
    "cfg-notobject|image config: not a JSON object"
    "cfg-digest|digest mismatch"
    "cfg-no-diffids|no rootfs.diff_ids"
    "cfg-diffids-notlist|no rootfs.diff_ids"
    "cfg-diffid-number|invalid diff_id '12345'"
    "cfg-diffid-wrong|diff_id mismatch"
    "cfg-diffid-path|invalid diff_id 'sha256:../../x'"
    "cfg-diffids-more|3 diff_ids but manifest.json lists 2 layers"
    "cfg-created-huge|created time"
    "cfg-created-far|created time"
    "cfg-created-number|'created' is not a string"
    "cfg-env-number|'config.Env' is not a list of strings"
    "cfg-env-notlist|'config.Env' is not a list of strings"
    "cfg-cmd-number|'config.Cmd' is not a list of strings"
    "cfg-cmd-object|'config.Cmd' is not a list of strings"
    "cfg-entrypoint-number|'config.Entrypoint' is not a list of strings"
    "cfg-workdir-number|'config.WorkingDir' is not a string"
    "cfg-user-list|'config.User' is not a string"
    "cfg-config-notobject|'config' is not an object"
    "symlink-host|not a docker-archive"
    "symlink-loop|not a docker-archive"
)
# oci-archives with a malformed index, manifest or descriptor (oci-CASE.tar)
OCI=(
    "index-badjson|index.json: invalid JSON"
    "index-nomanifests|lists no images"
    "index-manifests-object|'manifests' is not a list"
    "index-digest-number|'digest' is not a string"
    "index-digest-sha512|invalid digest 'sha512:"
    "index-digest-path|invalid digest 'sha256:../"
    "index-size-wrong|size mismatch"
    "index-size-huge|size mismatch"
    "index-size-negative|negative size"
    "index-size-string|'size' is not an integer"
    "index-mediatype-number|'mediaType' is not a string"
    "index-nested-deep|nested too deep"
    "manifest-badjson|invalid JSON"
    "manifest-notobject|not a JSON object"
    "manifest-layers-object|'layers' is not a list"
    "manifest-layer-notobject|lists 3 layers"
    "manifest-layers-more|2 diff_ids but manifest"
    "manifest-layers-fewer|2 diff_ids but manifest"
    "config-missing|missing from the archive"
    "config-digest-wrong|missing from the archive"
    "config-size-wrong|size mismatch"
    "config-tampered|digest mismatch"
    "layer-missing|missing from the archive"
    "layer-size-wrong|size mismatch"
    "layer-size-huge|size mismatch"
    "layer-size-float|'size' is not an integer"
    "layer-digest-number|'digest' is not a string"
)
# cut archives: "FILE|substring" for load, and for import
TRUNCATED_LOAD=(
    "trunc-plain.tar|truncated archive"
    "trunc-header.tar|truncated archive"
    "trunc-gzip.tar.gz|truncated gzip input"
    "trunc-gzip-tail.tar.gz|truncated or corrupt compressed data"
    "trunc-oci-layer.tar|truncated gzip input"
    "empty.tar|not a tar archive"
)
TRUNCATED_IMPORT=(
    "trunc-rootfs.tar|truncated tar archive"
    "trunc-rootfs.tar.gz|truncated gzip input"
    "empty.tar|the file is empty"
)

setup() {
    [ -e "$H/kill-load.tar" ] || fail "no hostile fixtures in $H: tests/fixtures/mkhostile.sh did not run"
    [ ! -e "$EVIL" ] || fail "$EVIL exists before the test: remove it (a hostile layer wrote it?)"
}

# hostile_state: what a refused input must leave as it was: the images
# (ids, names, sizes, containers), the layer dirs and the store's temp files
hostile_state() {
    w images --format json
    # shellcheck disable=SC2012  # names are hex digests and .tmp-<hex>
    echo "layers: $(ls -A "$WT_ROOT/layers" 2>&1 | tr '\n' ' ')"
    echo "tmp: $(tmp_files | tr '\n' ' ')"
}

# in_store CMD...: CMD with access to every file of the store (rootless,
# files of sub-ids are only readable inside the user namespace)
in_store() {
    if [ "$(id -u)" = 0 ]; then "$@"; else timeout 60 "$WARREN" unshare "$@"; fi
}

# assert_bombs_refused SMALL: with the store on SMALL, a 24 MiB tmpfs, the
# decompression bombs fail with ENOSPC, give their space back, and the base
# image still runs (rootless and root mode)
assert_bombs_refused() {
    local used c
    WT_ROOT=$1/root
    WT_RUNROOT=$1.run
    run_warren 0 load -i "$WT_FIXTURES/busybox.docker.tar"
    used=$(in_store df --output=used "$1" | tail -1)
    for c in bomb-layer.tar bomb-archive.tar.gz; do
        assert_refused "load $c" "No space left on device" load -i "$H/$c"
    done
    assert_refused "import bomb-import.tar.gz" "No space left on device" \
        import "$H/bomb-import.tar.gz" localhost/warren-test/hostile-bomb:latest
    # the space is given back (the database may grow a little)
    [ "$(in_store df --output=used "$1" | tail -1)" -le $((used + 1024)) ] ||
        fail "the store grew from $used KiB: $(in_store du -sk "$WT_ROOT")"
    run_warren 0 run --rm "$IMAGE" cat /etc/warren-fixture
    assert_output docker
}

# assert_refused WHAT SUBSTRING ARGS...: `warren ARGS` exits 125 with one
# error line holding SUBSTRING; the store is as it was, nothing was written
# to the host
assert_refused() {
    local what=$1 sub=$2 before
    shift 2
    echo "# case: $what" >&2
    before=$(hostile_state)
    run_warren 125 "$@"
    assert_error "$sub"
    run hostile_state
    assert_output "$before"
    [ ! -e "$EVIL" ] || { rm -rf "$EVIL"; fail "$what: a layer wrote $EVIL on the host"; }
}

# refuse_layers CASE|SUBSTRING...: each case refused by load and by import
refuse_layers() {
    local c
    for c in "$@"; do
        track_image "localhost/warren-test/hostile-${c%%|*}:latest" localhost/warren-test/hostile-import:latest
        assert_refused "load layer-${c%%|*}" "${c#*|}" load -i "$H/layer-${c%%|*}.tar"
        assert_refused "import import-${c%%|*}" "${c#*|}" import "$H/import-${c%%|*}.tar" \
            localhost/warren-test/hostile-import:latest
    done
    run in_store find "$WT_ROOT" -name 'warren-test-hostile-*'
    assert_output ""
    run_warren 0 run --rm "$IMAGE" cat /etc/warren-fixture
    assert_output docker
}

# refuse_archives PREFIX SUFFIX CASE|SUBSTRING...: load of PREFIX-CASE.SUFFIX refused
refuse_archives() {
    local p=$1 sfx=$2 c
    shift 2
    for c in "$@"; do
        track_image "localhost/warren-test/hostile-${c%%|*}:latest"
        assert_refused "load $p${c%%|*}$sfx" "${c#*|}" load -i "$H/$p${c%%|*}$sfx"
    done
    run_warren 0 run --rm "$IMAGE" cat /etc/warren-fixture
    assert_output docker
}

# random_sleep MAX_MS: sleeps 0 to MAX_MS milliseconds
random_sleep() {
    local ms=$((RANDOM % $1))
    sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
}

# tmp_files: the store's temp files (big archives are unpacked there)
tmp_files() {
    ls -A "$WT_ROOT/tmp" 2>/dev/null || true
}

# load_ms FILE: loads FILE into the current store (it must be new there),
# prints how long it took in ms, and removes it again: the window in which
# a SIGKILL lands inside a load on this machine
load_ms() {
    local t0 t1
    t0=$(now_ms)
    w load -i "$1" >/dev/null || fail "load $1 failed"
    t1=$(now_ms)
    w rmi -a -f >/dev/null
    echo $((t1 - t0 + 1))
}

# kill_at_random MAX_MS ARGS...: starts `warren ARGS` on the current store,
# SIGKILLs it after 0 to MAX_MS ms (or lets it finish); sets KILLED_RC
kill_at_random() {
    local max=$1
    shift
    start_warren "$BATS_TEST_TMPDIR/killed.out" "$@"
    random_sleep "$max"
    kill -KILL "$BG_PID" 2>/dev/null || true
    KILLED_RC=$(bg_status "$BG_PID")
    echo "# killed: warren $* -> $KILLED_RC" >&2
}

# store_mounts: the mounts of the store (the pool keeps rootfs mounted on
# purpose: storage/pool.h), as seen in warren's mount namespace
store_mounts() {
    in_store cat /proc/self/mountinfo | awk -v r="$WT_ROOT/" 'index($5, r) == 1 {print $5}' |
        grep -v "^$WT_ROOT/pool/" || true
}

# stray_pids MARKER: processes left of this store: warren commands on it and
# container processes whose command line holds MARKER (the pause process and
# the fuse-overlayfs daemons of pooled rootfs aside)
stray_pids() {
    local pause p
    pause=$(w info --format json 2>/dev/null | jq -r '.host.pausePid // 0')
    for p in $(pgrep -f -- "$WT_ROOT|$1"); do
        [ "$p" != "$pause" ] || continue
        tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF "$WT_ROOT/pool/" && continue
        echo "$p $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"
    done
}

# assert_nothing_left MARKER: no temp dirs, no layer dir that no image
# uses, an empty temp dir, no mounts but the pool's, no processes
assert_nothing_left() {
    local d used=""
    run ls -A "$WT_ROOT/layers"
    refute_output --partial ".tmp-"
    if [ -n "$(w images -q)" ]; then
        # shellcheck disable=SC2046  # one argument per image id
        used=$(w image inspect $(w images -q) | jq -r '.[].RootFS.Layers[]' | sed 's/^sha256://')
    fi
    for d in "$WT_ROOT"/layers/*; do
        d=${d##*/}
        [[ $d == mp-* || $d == '*' ]] && continue
        grep -qx "$d" <<<"$used" || fail "layer dir $d is used by no image (a killed load's?)"
    done
    run tmp_files
    assert_output ""
    run store_mounts
    assert_output ""
    run stray_pids "$1"
    assert_output ""
}
