#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154  # templates in single quotes; status/output/stderr come from bats
# history, image prune, untag, images --filter, image exists: Podman 4.3's
# behaviour. The archives are made here from the fixtures (jq rewrites the
# config: history with empty layers, comments, zones, labels, parents and
# children). The last tests run podman (rootless, --runtime runc, its own
# store) beside warren on the same archives and compare the output.

load helpers

# mkarchive SRC OUT NAME NLAYERS JQ: a docker-archive with the first NLAYERS
# layers of fixture SRC and its config rewritten by JQ (NAME "" : untagged)
mkarchive() {
    local src=$1 out=$2 name=$3 n=$4 filter=$5 d cfg h
    d=$(mktemp -d "$BATS_FILE_TMPDIR/mk.XXXXXX")
    tar -xf "$WT_FIXTURES/$src" -C "$d"
    cfg=$(jq -r '.[0].Config' "$d/manifest.json")
    mapfile -t layers < <(jq -r --argjson n "$n" '.[0].Layers[:$n][]' "$d/manifest.json")
    jq -c --argjson n "$n" ".rootfs.diff_ids |= .[:\$n] | $filter" "$d/$cfg" >"$d/new.json"
    h=$(sha256sum "$d/new.json" | cut -d' ' -f1)
    mv "$d/new.json" "$d/$h.json"
    jq -cn --arg c "$h.json" --arg name "$name" --args \
        '[{Config: $c, RepoTags: (if $name == "" then null else [$name] end), Layers: $ARGS.positional}]' \
        "${layers[@]}" >"$d/manifest.json"
    (cd "$d" && tar -cf "$out" manifest.json "$h.json" "${layers[@]}")
    rm -rf "$d"
    echo "$h"
}

# histories: H4 (4 layers, 3 empty entries between), H2 (its first 2
# layers, a prefix of H4's entries up to "RUN echo 2")
H4='[{created:"2023-11-14T22:13:20Z", created_by:"/bin/sh -c #(nop) ADD file:0123456789abcdef0123456789abcdef in / ", comment:"base"},
 {created:"2023-11-14T22:14:20Z", created_by:"/bin/sh -c #(nop)  CMD [\"sh\"]", empty_layer:true},
 {created:"2023-11-15T22:13:20Z", created_by:"RUN echo 2", author:"me"},
 {created:"2023-11-16T22:13:20Z", created_by:"RUN echo 3"},
 {created:"2023-11-16T22:13:21Z", created_by:"LABEL a=b", empty_layer:true, comment:"x<y>&z"},
 {created:"2023-11-17T22:13:20Z", created_by:"RUN echo 4"},
 {created:"2023-11-17T22:13:20Z", created_by:"ENV a=b", empty_layer:true}]'
PC='[{created:"2023-11-14T22:13:20Z", created_by:"ADD base", comment:"base"},
 {created:"2023-11-14T22:14:20Z", created_by:"CMD sh", empty_layer:true},
 {created:"2023-11-15T22:13:20Z", created_by:"RUN echo 2"},
 {created:"2023-11-16T22:13:20Z", created_by:"RUN echo 3"}]'

setup_file() {
    local a=$BATS_FILE_TMPDIR
    export A_HIST A_BASE A_EDGE A_NOHIST A_LAB1 A_LAB2 A_PARENT A_CHILD
    export ID_HIST ID_BASE ID_EDGE ID_NOHIST ID_LAB1 ID_LAB2 ID_PARENT ID_CHILD
    A_HIST=$a/hist.tar A_BASE=$a/base.tar A_EDGE=$a/edge.tar A_NOHIST=$a/nohist.tar
    A_LAB1=$a/lab1.tar A_LAB2=$a/lab2.tar A_PARENT=$a/parent.tar A_CHILD=$a/child.tar
    ID_HIST=$(mkarchive layers.tar "$A_HIST" localhost/hist:1 4 ".history = $H4")
    ID_BASE=$(mkarchive layers.tar "$A_BASE" localhost/hist:base 2 ".history = ($H4 | .[:3])")
    ID_EDGE=$(mkarchive busybox.docker.tar "$A_EDGE" localhost/edge:1 1 \
        '.history = [{created_by:"no time"},{created:"2023-11-14T22:13:20+02:00", empty_layer:true},{empty_layer:true, comment:"c"}]')
    ID_NOHIST=$(mkarchive busybox.docker.tar "$A_NOHIST" localhost/edge:2 1 'del(.history)')
    ID_LAB1=$(mkarchive busybox.docker.tar "$A_LAB1" localhost/lab/one:v1 1 \
        '.config.Labels = {"a":"1","b":"2"} | .created = "2024-01-01T00:00:00Z"')
    ID_LAB2=$(mkarchive busybox.docker.tar "$A_LAB2" docker.io/library/lab:v2 1 \
        '.config.Labels = {"a":"2"} | .created = "2024-02-01T00:00:00Z"')
    ID_PARENT=$(mkarchive layers.tar "$A_PARENT" "" 2 ".history = ($PC | .[:3])")
    ID_CHILD=$(mkarchive layers.tar "$A_CHILD" "" 3 ".history = $PC")
}

# load_all: the archives above into the current store, in this order
load_all() {
    local f
    for f in "$WT_FIXTURES/busybox.docker.tar" "$A_HIST" "$A_BASE" "$A_EDGE" "$A_NOHIST" \
        "$A_LAB1" "$A_LAB2" "$A_PARENT" "$A_CHILD"; do
        w load -q -i "$f" >/dev/null || fail "load $f"
    done
}

@test "history: Podman's columns, <missing>, empty layers 0 B, ids of the images on each layer" {
    # guards: history matches the config history to layers (empty_layer) as Podman does
    use_private_store
    load_all
    run_warren 0 history localhost/hist:1
    assert_line --index 0 --regexp '^ID +CREATED +CREATED BY +SIZE +COMMENT$'
    [ "${#lines[@]}" -eq 8 ] || fail "expected 7 entries: $output"
    assert_line --index 1 --regexp "^${ID_HIST:0:12}  [0-9]+ years ago  ENV a=b +0 B +$"
    assert_line --index 2 --regexp '^<missing> +[0-9]+ years ago  RUN echo 4 +[0-9.]+ [kMG]?B +$'
    # (the unnamed child's top layer is layer 3: its id shows there)
    assert_line --index 3 --regexp "^${ID_CHILD:0:12}  .* LABEL a=b +0 B +x<y>&z\$"
    # the first image on a layer gets its id once: hist:base on layer 2,
    # the busybox fixture (stored first) on layer 1
    assert_line --index 5 --regexp "^${ID_BASE:0:12}  .* RUN echo 2 "
    assert_line --index 6 --regexp "^${IMAGE_ID:0:12}  .* /bin/sh -c #\(nop\)  CMD \[\"sh\"\] +0 B"
    # CREATED BY is cut to 45 characters
    assert_line --index 7 --regexp '^<missing> +.* /bin/sh -c #\(nop\) ADD file:0123456789abcde\.\.\. .* base$'
    run_warren 0 image history --no-trunc -H=false localhost/hist:1
    assert_line --index 1 --regexp "^$ID_HIST  2023-11-17T22:13:20Z  ENV a=b "
    assert_line --index 7 --partial 'ADD file:0123456789abcdef0123456789abcdef in /   '
    run_warren 0 history -q hist:1
    assert_output "$(printf '%s\n' "${ID_HIST:0:12}" '<missing>' "${ID_CHILD:0:12}" '<missing>' \
        "${ID_BASE:0:12}" "${IMAGE_ID:0:12}" '<missing>')"
}

@test "history: sizes per layer from the store, --format json and templates" {
    # guards: history SIZE is the layer's size; Podman's JSON shape and template fields
    use_private_store
    load_all
    run_warren 0 history --format json "$IMAGE"
    [ "${#lines[@]}" -eq 1 ] || fail "Podman prints one compact line: $output"
    local size
    size=$(w image inspect --format '{{.Size}}' "$IMAGE")
    run jq -c '[.[] | keys_unsorted]' <<<"$output"
    assert_output '[["id","created","CreatedBy","size","Created"]]'
    run_warren 0 history --format json "$IMAGE"
    run jq -r '.[0].size' <<<"$output"
    assert_output "$size"
    # zones are kept, a missing time is Go's zero time, empty fields are left out
    run_warren 0 history --format json localhost/edge:1
    run jq -c '[.[] | [.created, .Created, .CreatedBy, .comment]]' <<<"$output"
    assert_output '[["0001-01-01T00:00:00Z","0001-01-01T00:00:00Z",null,"c"],["2023-11-14T22:13:20+02:00","2023-11-14T22:13:20+02:00",null,null],["0001-01-01T00:00:00Z","0001-01-01T00:00:00Z","no time",null]]'
    run_warren 0 history --format '{{.CreatedAt}}|{{.Created}}|{{.Tags}}' localhost/edge:1
    assert_line --index 0 '0001-01-01 00:00:00 +0000 UTC|292 years ago|[]'
    assert_line --index 1 --regexp '^2023-11-14 20:13:20 \+0000 UTC\|[0-9]+ years ago\|\[\]$'
    # no history: the header alone, JSON []
    run_warren 0 history localhost/edge:2
    assert_output --regexp '^ID +CREATED +CREATED BY +SIZE +COMMENT$'
    run_warren 0 history --format json localhost/edge:2
    assert_output '[]'
    run_warren 0 history --format 'table {{.ID}} {{.CreatedSince}} {{.Tags}}' localhost/edge:2
    assert_output --regexp '^ID +<no value> +TAGS$'
}

@test "history: bad input (unknown image, arguments, template, malformed id)" {
    # guards: history's errors are Podman's, exit 125
    run_warren 125 history wt-nosuch-image
    assert_error 'Error: wt-nosuch-image: image not known'
    run_warren 125 history
    assert_error 'Error: accepts 1 arg(s), received 0'
    run_warren 125 image history a b
    assert_error 'Error: accepts 1 arg(s), received 2'
    run_warren 125 history --format '{{.Foo}}' "$IMAGE"
    assert_stderr_contains 'template: history:1:13: executing "history" at <.Foo>: can'"'"'t evaluate field Foo'
    assert_output ''
    run_warren 125 history --format '{{.ID' "$IMAGE"
    assert_stderr_contains 'template: history'
    run_warren 125 history sha256:88ea
    assert_error 'Error: sha256:88ea: invalid format: no 64-byte hexadecimal value'
}

# ids_of ARGS...: the sorted short ids `images ARGS --format {{.ID}}` prints
ids_of() {
    w images "$@" --format '{{.ID}}' | sort -u | tr '\n' ' '
}

# ids ID...: those ids, 12 characters, sorted
ids() {
    local i
    for i in "$@"; do echo "${i:0:12}"; done | sort -u | tr '\n' ' '
}

@test "images --filter: dangling, intermediate, reference globs, label, before/since, id, OR and AND" {
    # guards: images --filter with Podman 4.3's keys and combination rules
    use_private_store
    load_all
    w untag localhost/hist:base
    # hist:base (now unnamed) has no child (hist:1 is 2 layers above): dangling;
    # the unnamed parent has a child: intermediate, hidden without -a
    [ "$(ids_of --filter dangling=true)" = "$(ids "$ID_BASE" "$ID_CHILD")" ] || fail "dangling: $(ids_of --filter dangling=true)"
    [ "$(ids_of -a --filter intermediate=true)" = "$(ids "$ID_PARENT")" ] || fail "intermediate"
    [[ " $(ids_of) " != *" ${ID_PARENT:0:12} "* ]] || fail "images shows an intermediate image"
    [[ " $(ids_of -a) " == *" ${ID_PARENT:0:12} "* ]] || fail "images -a hides an intermediate image"
    [ "$(ids_of --filter 'reference=lab*')" = "$(ids "$ID_LAB2")" ] || fail "reference=lab*"
    [ "$(ids_of --filter 'reference=localhost/lab/*')" = "$(ids "$ID_LAB1")" ] || fail "reference=localhost/lab/*"
    [ "$(ids_of --filter reference=one)" = "$(ids "$ID_LAB1")" ] || fail "reference=one"
    [ "$(ids_of --filter reference=library/lab)" = "$(ids "$ID_LAB2")" ] || fail "reference=library/lab"
    [ "$(ids_of --filter 'reference=edge:*' --filter reference=lab)" = "$(ids "$ID_EDGE" "$ID_NOHIST" "$ID_LAB2")" ] || fail "reference ORed"
    [ "$(ids_of --filter 'reference=edge:*,reference=lab')" = "$(ids "$ID_EDGE" "$ID_NOHIST" "$ID_LAB2")" ] || fail "a,b is two filters"
    [ "$(ids_of --filter label=a=1)" = "$(ids "$ID_LAB1")" ] || fail "label=a=1"
    [ "$(ids_of --filter label=a)" = "$(ids "$ID_LAB1" "$ID_LAB2")" ] || fail "label=a"
    [ "$(ids_of --filter label=a=2 --filter label=b)" = "$(ids "$ID_LAB1" "$ID_LAB2")" ] || fail "labels ORed"
    [ "$(ids_of --filter label=a --filter reference=one)" = "$(ids "$ID_LAB1")" ] || fail "keys ANDed"
    [[ " $(ids_of --filter label!=b) " != *" ${ID_LAB1:0:12} "* ]] || fail "label!=b"
    [ "$(ids_of --filter since=hist:1)" = "$(ids "$ID_LAB1" "$ID_LAB2")" ] || fail "since"
    [ "$(ids_of --filter after=lab/one:v1)" = "$(ids "$ID_LAB2")" ] || fail "after"
    [[ " $(ids_of --filter before=lab/one:v1) " != *" ${ID_LAB2:0:12} "* ]] || fail "before"
    [ "$(ids_of --filter until=2024-01-15 --filter since=hist:1)" = "$(ids "$ID_LAB1")" ] || fail "until"
    [ "$(ids_of --filter id="$ID_EDGE")" = "$(ids "$ID_EDGE")" ] || fail "id"
    [ "$(ids_of --filter id="${ID_EDGE:0:12}")" = "" ] || fail "id takes a full id"
    [ "$(ids_of --filter containers=true)" = "" ] || fail "containers=true"
    run_warren 0 image ls -q --filter dangling=true --no-trunc
    [ "$(sort <<<"$output")" = "$(printf '%s\n' "$ID_CHILD" "$ID_BASE" | sort)" ] || fail "ls -q: $output"
}

@test "images --filter: bad keys and values get Podman's errors" {
    # guards: images --filter input errors are Podman's, exit 125, nothing printed
    local f msg
    while IFS='|' read -r f msg; do
        run_warren 125 images --filter "$f"
        assert_error "Error: $msg"
        assert_output ''
    done <<'EOF'
foo=bar|unsupported image filter "foo"
foo|invalid image filter "foo": must be in the format "filter=value or filter!=value"
=x|unsupported image filter ""
digest=x|unsupported image filter "digest"
dangling=maybe|non-boolean value "dangling" for maybe filter: strconv.ParseBool: parsing "maybe": invalid syntax
containers=xx|unsupported value "xx" for containers filter
until=xx|failed to parse value as time or duration: "xx"
before=wt-nosuch|could not find local image for filter filter "before"="wt-nosuch": wt-nosuch: image not known
since=BAD NAME|could not find local image for filter filter "since"="BAD NAME": invalid reference format
intermediate=true|specifying "intermediate" filter more than once with different values is not supported
EOF
    run_warren 125 images --filter dangling=true --filter dangling=1
    assert_error 'Error: specifying "dangling" filter more than once with different values is not supported'
    run_warren 125 images "$IMAGE" --filter dangling=true
    assert_error 'Error: cannot specify an image and a filter(s)'
}

@test "image prune: asks, removes dangling images and their unnamed parents, prints ids" {
    # guards: image prune's prompt, answers and rounds as Podman's
    use_private_store
    load_all
    w untag localhost/hist:base
    run --separate-stderr "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" image prune <<<n
    [ "$status" -eq 0 ] || fail "answer n: exit $status"
    assert_output 'WARNING! This command removes all dangling images.
Are you sure you want to continue? [y/N] '
    run --separate-stderr "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" image prune </dev/null
    [ "$status" -eq 125 ] && [ "$stderr" = "Error: EOF" ] || fail "EOF: $status $stderr"
    run --separate-stderr "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" image prune -a </dev/null
    assert_output --partial 'WARNING! This command removes all images without at least one container associated with them.'
    run_warren 0 image exists "$ID_PARENT"
    run --separate-stderr "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" image prune <<<y
    [ "$status" -eq 0 ] || fail "prune: exit $status $stderr"
    # the child and hist:base go in the first round, the parent in the second
    local removed
    removed=$(sed -e 1d -e 's/^Are you sure you want to continue? \[y\/N\] //' <<<"$output")
    [ "$(head -n2 <<<"$removed" | sort | tr '\n' ' ')" = "$(printf '%s\n' "$ID_BASE" "$ID_CHILD" | sort | tr '\n' ' ')" ] ||
        fail "first round: $output"
    [ "$(tail -n1 <<<"$removed")" = "$ID_PARENT" ] || fail "second round: $output"
    run_warren 1 image exists "$ID_PARENT"
    run_warren 0 image exists localhost/hist:1
    run_warren 0 image prune -f
    assert_output ''
}

@test "image prune -a: keeps images containers use; --filter; bad input" {
    # guards: image prune -a and --filter, Podman's errors
    use_private_store
    load_all
    local ctr
    ctr=$(wt_name)
    run_warren 0 run --name "$ctr" localhost/lab/one:v1 true
    run_warren 0 image prune -a -f --filter label=a
    assert_output "$ID_LAB2"
    run_warren 0 image prune -a -f
    run_warren 0 images -a --format '{{.ID}}'
    assert_output "${ID_LAB1:0:12}"
    run_warren 0 rm "$ctr"
    run_warren 0 image prune -a -f
    assert_output "$ID_LAB1"
    run_warren 125 image prune x
    assert_error 'Error: `warren image prune` takes no arguments'
    run_warren 125 image prune -f --filter foo
    assert_error 'Error: filter input must be in the form of filter=value: foo is invalid'
    run_warren 125 image prune -f --filter foo=bar
    assert_error 'Error: unsupported image filter "foo"'
    run_warren 125 image prune -f --filter dangling=false
    assert_error 'Error: specifying "dangling" filter more than once with different values is not supported'
}

@test "untag: removes the names given, or all; the image stays" {
    # guards: untag / image untag as Podman's (short names are localhost/NAME)
    use_private_store
    load_fixture busybox.docker.tar
    run_warren 0 tag "$IMAGE" foo bar:1 quay.io/a/b:c
    run_warren 0 untag "$IMAGE" foo quay.io/a/b:c
    assert_output ''
    run_warren 0 images --format '{{.Repository}}:{{.Tag}}'
    assert_output "$(printf '%s\n' localhost/bar:1 "$IMAGE" | sort)"
    run_warren 125 untag "$IMAGE" foo
    assert_error 'Error: localhost/foo:latest: tag not known'
    run_warren 125 image untag "$IMAGE" 'BAD NAME'
    assert_error 'Error: normalizing name "BAD NAME": normalizing name "BAD NAME": invalid reference format'
    run_warren 0 image untag "${IMAGE_ID:0:12}"
    run_warren 0 images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
    assert_output "<none>:<none> ${IMAGE_ID:0:12}"
    run_warren 0 untag "$IMAGE_ID"
    run_warren 125 untag wt-nosuch
    assert_error 'Error: wt-nosuch: image not known'
    run_warren 125 untag
    assert_error 'Error: requires at least 1 arg(s), only received 0'
}

@test "image exists: 0 found, 1 not found, 125 bad reference or arguments" {
    # guards: image exists exit codes as Podman's
    run_warren 0 image exists "$IMAGE"
    run_warren 0 image exists "sha256:$IMAGE_ID"
    run_warren 1 image exists wt-nosuch
    run_warren 1 image exists sha256:0000000000000000000000000000000000000000000000000000000000000000
    run_warren 125 image exists 'BAD NAME'
    assert_error 'Error: invalid reference format'
    run_warren 125 image exists UPPER
    assert_error 'Error: repository name must be lowercase'
    run_warren 125 image exists sha256:zz
    assert_error 'Error: sha256:zz: invalid format: no 64-byte hexadecimal value'
    run_warren 125 image exists
    run_warren 125 image exists a b
}

# ---- the same commands with podman on the same archives ----

pm() {
    timeout 120 podman --root "$PM_DIR/root" --runroot "$PM_RUN" --tmpdir "$PM_DIR/tmp" \
        --storage-driver vfs --runtime runc --cgroup-manager cgroupfs --events-backend none "$@"
}
wr() {
    timeout 120 "$WARREN" --root "$PM_DIR/wroot" --runroot "$PM_DIR/wrun" --storage-driver vfs "$@"
}

# pm_setup: both stores hold the archives (made by the first test that
# needs them; later tests read the directories from pm-dirs)
pm_setup() {
    local out f
    if [ -s "$BATS_FILE_TMPDIR/pm-skip" ]; then
        skip "$(cat "$BATS_FILE_TMPDIR/pm-skip")"
    fi
    if [ -s "$BATS_FILE_TMPDIR/pm-dirs" ]; then
        read -r PM_DIR PM_RUN <"$BATS_FILE_TMPDIR/pm-dirs"
        return 0
    fi
    PM_DIR=$(mktemp -d "$WT_TMP/podman.XXXXXX") # (removed in teardown_file, from the userns)
    PM_RUN=$(mktemp -d /tmp/wt-pm.XXXXXX) # podman refuses a runroot over 50 characters
    echo "$PM_DIR $PM_RUN" >"$BATS_FILE_TMPDIR/pm-dirs"
    if ! command -v podman >/dev/null || ! command -v runc >/dev/null; then
        echo "podman or runc is not installed (tests/deps.sh installs them)" >"$BATS_FILE_TMPDIR/pm-skip"
    elif ! out=$(pm info --format '{{.Host.OCIRuntime.Name}}' 2>&1); then
        echo "podman cannot run rootless here: $(tail -n1 <<<"$out")" >"$BATS_FILE_TMPDIR/pm-skip"
    fi
    [ ! -s "$BATS_FILE_TMPDIR/pm-skip" ] || skip "$(cat "$BATS_FILE_TMPDIR/pm-skip")"
    for f in "$WT_FIXTURES/busybox.docker.tar" "$A_HIST" "$A_BASE" "$A_EDGE" "$A_NOHIST" \
        "$A_LAB1" "$A_LAB2" "$A_PARENT" "$A_CHILD"; do
        pm load -q -i "$f" >/dev/null 2>&1 || fail "podman load $f"
        wr load -q -i "$f" >/dev/null || fail "warren load $f"
    done
    pm untag localhost/hist:base && wr untag localhost/hist:base
}

teardown_file() {
    local d r
    [ -s "$BATS_FILE_TMPDIR/pm-dirs" ] || return 0
    read -r d r <"$BATS_FILE_TMPDIR/pm-dirs"
    PM_DIR=$d PM_RUN=$r
    pm rm -a -f >/dev/null 2>&1 || true
    pm unshare rm -rf "$d/root" "$r" >/dev/null 2>&1 || true
    [ -s "$d/tmp/pause.pid" ] && kill "$(cat "$d/tmp/pause.pid")" 2>/dev/null
    wt_destroy_store "$d/wroot" "$d/wrun"
    rm -rf "$d" "$r" 2>/dev/null || true
}

# same CMD...: podman and warren print the same (stdout and stderr, sizes
# blanked: warren counts a layer's files, podman its tar stream) and exit
# alike; each reads $SAME_IN on stdin (nothing: EOF)
same() {
    local p w ps ws in=$BATS_TEST_TMPDIR/same-in
    printf '%s' "${SAME_IN-}" >"$in"
    ps=0 ws=0
    p=$(pm "$@" 2>&1 <"$in") || ps=$?
    w=$(wr "$@" 2>&1 <"$in") || ws=$?
    p=$(grep -v 'level=warning' <<<"$p" | sed -E 's/[0-9.]+ [kMG]?B +/SIZE /g; s/[0-9.]+ [kMG]?B$/SIZE/; s/"size":[0-9]+/"size":N/g')
    w=$(sed -E 's/[0-9.]+ [kMG]?B +/SIZE /g; s/[0-9.]+ [kMG]?B$/SIZE/; s/"size":[0-9]+/"size":N/g' <<<"$w")
    [ "$p" = "$w" ] && [ "$ps" = "$ws" ] ||
        fail "$* differs:"$'\n'"podman ($ps): $p"$'\n'"warren ($ws): $w"
}

# same_sorted CMD...: the same lines in any order
same_sorted() {
    local p w
    p=$(pm "$@" 2>&1 | grep -v 'level=warning' | sort)
    w=$(wr "$@" 2>&1 | sort)
    [ "$p" = "$w" ] || fail "$* differs:"$'\n'"podman: $p"$'\n'"warren: $w"
}

@test "podman compat: history prints what Podman prints (sizes aside)" {
    # guards: history's table, ids, <missing>, times, JSON and templates as Podman 4.3's
    pm_setup
    local img a
    for img in localhost/hist:1 localhost/edge:1 localhost/edge:2 "$ID_CHILD"; do
        for a in "" --no-trunc -H=false -q "--format json" "--format {{.ID}}|{{.CreatedAt}}|{{.Tags}}"; do
            # shellcheck disable=SC2086
            same history $a "$img"
        done
    done
    same image history --format 'table {{.ID}} {{.CreatedSince}} {{.CreatedBy}}' localhost/hist:1
    same history wt-nosuch
    same history
}

@test "podman compat: images --filter keeps what Podman keeps" {
    # guards: the filter keys, globs, OR within a key, AND across keys, errors
    pm_setup
    local f -
    set -f # the patterns are podman's to glob
    while IFS= read -r f; do
        # shellcheck disable=SC2086
        same_sorted images $f --format '{{.Repository}}:{{.Tag}} {{.ID}}'
    done <<'EOF'
-a
--filter dangling=true
--filter dangling=false
-a --filter intermediate=true
--filter label=a --filter label!=b
--filter label=a=
--filter reference=lab
--filter reference=lab*
--filter reference=*/lab:v2
--filter reference=docker.io/library/lab
--filter reference=edge --filter reference!=edge:1
--filter reference=lab --filter label=a=2
--filter since=hist:1
--filter before=lab:v2
--filter since!=hist:1
--filter until=1704067200
--filter until=2024-01-15T00:00:00Z
--filter readonly=false
--filter containers=false
--filter dangling=maybe
--filter before=nosuch
--filter foo
EOF
}

@test "podman compat: images --sort orders rows as Podman's; a bad key is its error" {
    # guards: repository (then tag), tag, id; the same message for a bad key.
    # Podman's sort is not stable: rows equal in the key are printed by what
    # tells them apart only where nothing else can (tag: the tag alone)
    pm_setup
    same images --sort repository --filter dangling=false --format '{{.Repository}}:{{.Tag}}'
    same images --sort tag --format '{{.Tag}}'
    same images --sort id --format '{{.ID}} {{.Repository}}'
    # podman names the keys in Go map order, which changes from run to run
    run -125 wr images --sort bogus
    assert_output 'Error: "bogus" is not a valid field for sorting. Choose from: created, id, repository, size, tag'
    run -125 pm images --sort bogus
    assert_equal "$(sed 's/Choose from: .*//' <<<"$output")" 'Error: "bogus" is not a valid field for sorting. '
    assert_equal "$(sed 's/.*Choose from: //; s/, /\n/g' <<<"$output" | sort | paste -sd,)" created,id,repository,size,tag
}

@test "podman compat: image prune, untag and image exists behave as Podman's" {
    # guards: prune's prompt and removed ids, untag's errors, exists' exit codes
    pm_setup
    local a
    for a in n $'\n' y $'y\n' $'Yes\n'; do
        SAME_IN=$a same image prune --filter label=nosuch
    done
    same image prune -a --filter label=nosuch
    same_sorted image prune -f
    same_sorted images -a --format '{{.ID}}'
    same untag localhost/lab/one:v1 foo
    same untag localhost/lab/one:v1 localhost/lab/one:v1
    same untag localhost/lab/one:v1
    same_sorted image prune -a -f --filter label=a
    same_sorted images -a --format '{{.ID}} {{.Repository}}'
    for a in localhost/hist:1 wt-nosuch UPPER sha256:zz "$ID_HIST"; do
        same image exists "$a"
    done
}
