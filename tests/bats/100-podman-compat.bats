#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154  # templates in single quotes; status/output/stderr come from bats
# Issue 6: Podman 4's field names and JSON shapes. The same commands run
# with warren and with podman (rootless, --runtime runc, its own store in
# this file's tmp dir) on the same image and the same container, and their
# output is compared: the key sets of the JSON (recursively, with types),
# the values that must agree, and --format templates.

load helpers

# wr ARGS...: warren on this file's private store (vfs, as podman's here)
wr() {
    timeout 120 "$WARREN" --root "$PM_DIR/wroot" --runroot "$PM_DIR/wrun" --storage-driver vfs "$@"
}

setup_file() {
    pm_init
    [ -z "$PM_SKIP" ] || return 0
    pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
    wr load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
    # the same container in both: exited, with a name, an env and a command
    # of 20 characters (ps tables cut it to 17 and "...")
    pm run --name keep -e WT_VAR=1 "$IMAGE" sh -c 'exit 3 # 12345' >/dev/null || true
    wr run --name keep -e WT_VAR=1 "$IMAGE" sh -c 'exit 3 # 12345' >/dev/null || true
}

teardown_file() {
    [ -n "${PM_DIR:-}" ] || return 0
    wt_destroy_store "$PM_DIR/wroot" "$PM_DIR/wrun"
    pm_cleanup
}

setup() {
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
}

# keys_and_types: every key path of the JSON on stdin with its value's
# type, array indices folded to [] (".[].State.Pid number")
keys_and_types() {
    jq -r '[paths as $p | "\($p | map(if type == "number" then "[]" else . end) | join(".")) \(getpath($p) | type)"] | unique | .[]'
}

# same_shape WARREN_JSON PODMAN_JSON IGNORE_REGEX: the key sets (with
# types) are equal except for the paths matching IGNORE_REGEX
same_shape() {
    local d
    d=$(diff <(keys_and_types <<<"$2" | grep -Ev -- "$3") <(keys_and_types <<<"$1" | grep -Ev -- "$3")) ||
        fail "key paths differ (< podman, > warren):"$'\n'"$d"
}

# same_values WARREN_JSON PODMAN_JSON JQ_FILTER: the filter gives the same on both
same_values() {
    local a b
    a=$(jq -cS "$3" <<<"$1") b=$(jq -cS "$3" <<<"$2")
    [ "$a" = "$b" ] || fail "'$3' differs:"$'\n'"podman: $b"$'\n'"warren: $a"
}

@test "podman compat: container inspect has Podman's keys and types, recursively" {
    # guards: issue 6 (inspect had 20 fields where Podman has over 200)
    local p
    p=$(pm inspect keep)
    run wr inspect keep
    assert_success
    # not compared: the annotations Podman adds for itself (io.podman.*,
    # cri-o's); Podman records its own command line, warren does not
    same_shape "$output" "$p" '^\[\]\.Config\.(Annotations\.|CreateCommand\.\[\])'
}

@test "podman compat: container inspect values that must agree" {
    # guards: issue 6 (inspect: Podman's values for the same container)
    local p
    p=$(pm inspect keep)
    run wr inspect keep
    assert_success
    same_values "$output" "$p" '.[0] | [.Name, .Image, .ImageName, .Path, .Args, .Driver]'
    same_values "$output" "$p" '.[0].State | [.Status, .Running, .Paused, .Dead, .Pid, .ExitCode, .Error]'
    same_values "$output" "$p" '.[0].Config | [.Cmd, .Entrypoint, .WorkingDir, .User, .Image, .Tty, .OpenStdin, .StopSignal]'
    # (Podman orders the env as its map iterates: compared sorted)
    same_values "$output" "$p" '.[0].Config.Env | map(select(startswith("WT_VAR=") or startswith("WARREN_FIXTURE=") or startswith("PATH="))) | sort'
    same_values "$output" "$p" '.[0] | [.EffectiveCaps, .BoundingCaps] | map(sort)'
    same_values "$output" "$p" '.[0].HostConfig | [.CapAdd, .CapDrop, .Binds, .Tmpfs, .AutoRemove, .Privileged, .ReadonlyRootfs]'
    same_values "$output" "$p" '.[0] | [(.Id | length), (.Created | test("^[0-9-]{10}T[0-9:.]+Z$"))]'
}

@test "podman compat: image inspect has Podman's keys, types and values" {
    # guards: issue 6 (image inspect: Podman's structure)
    local p
    p=$(pm image inspect "$IMAGE")
    run wr image inspect "$IMAGE"
    assert_success
    # RepoDigests: podman makes a manifest (and its digest) for a
    # docker-archive; warren records none for it
    same_shape "$output" "$p" '^\[\]\.RepoDigests\.\[\]'
    same_values "$output" "$p" '.[0] | [.Id, .RepoTags, .Created, .Config, .Architecture, .Os, .RootFS, .History, .Labels, .User, .Comment, .Author, .Parent, .ManifestType, .NamesHistory]'
    # inspect falls back to images with the same object
    local i=$output
    run wr inspect "$IMAGE"
    assert_success
    [ "$(jq -cS . <<<"$output")" = "$(jq -cS . <<<"$i")" ] || fail "inspect IMAGE differs from image inspect"
}

@test "podman compat: images --format json and ps -a --format json: Podman's entries" {
    # guards: issue 6 (images/ps JSON: Podman's keys and types)
    local p
    p=$(pm images --format json)
    run wr images --format json
    assert_success
    # RepoDigests: see image inspect
    same_shape "$output" "$p" '^\[\]\.RepoDigests\.\[\]'
    same_values "$output" "$p" '.[0] | [.Id, .ParentId, .RepoTags, .Names, .History, .Created, .CreatedAt, .Containers, .Labels, .SharedSize]'
    p=$(pm ps -a --format json)
    run wr ps -a --format json
    assert_success
    same_shape "$output" "$p" '^$'
    same_values "$output" "$p" '.[0] | [.Names, .Image, .ImageID, .Command, .State, .Exited, .ExitCode, .AutoRemove, .Pid, .Pod, .Labels, .Ports, .Mounts, .Networks]'
    same_values "$output" "$p" '.[0] | [(.Id | length), (.Status | test("^Exited \\(3\\) "))]'
}

# same_template CMD FORMAT [FLAGS...]: `CMD --format FORMAT` prints the same
same_template() {
    local cmd=$1 fmt=$2 p
    shift 2
    # shellcheck disable=SC2086
    p=$(pm $cmd "$@" --format "$fmt") || fail "podman $cmd --format '$fmt' failed"
    # shellcheck disable=SC2086
    run wr $cmd "$@" --format "$fmt"
    assert_success
    [ "$output" = "$p" ] || fail "$cmd --format '$fmt' $*:"$'\n'"podman: $p"$'\n'"warren: $output"
}

@test "podman compat: --format templates of images, ps and inspect print what Podman prints" {
    # guards: issue 6 (`images --format '{{.Repository}}:{{.Tag}}'` failed, ps printed [keep],
    # IDs printed 64 characters)
    same_template images '{{.Repository}}:{{.Tag}}'
    same_template images '{{.ID}}'
    same_template images '{{.ID}}' --no-trunc
    # (not Digest: podman makes a manifest for a docker-archive, warren records none)
    same_template images '{{.Id}} {{.CreatedAt}} {{.Created}} {{.ReadOnly}} {{.Containers}}'
    same_template images 'table {{.ID}}\t{{.Repository}}\t{{.Tag}}'
    same_template "ps -a" '{{.Names}}'
    same_template "ps -a" '{{.ImageID}} {{.Image}} {{.Command}} {{.Labels}} {{.Mounts}}'
    same_template "ps -a" '{{.ImageID}}' --no-trunc
    same_template "ps -a" '{{.Pod}}{{.PodName}}{{.Ports}}{{.Networks}} {{.Exited}} {{.ExitCode}} {{.AutoRemove}}'
    same_template "ps -a" 'table {{.Names}}\t{{.Image}}\t{{.Command}}'
    same_template inspect '{{.Name}} {{.State.Status}} {{.State.ExitCode}} {{.Config.WorkingDir}} {{.HostConfig.AutoRemove}}' keep
    # a template sees times as Go prints a time.Time, the JSON as RFC 3339
    same_template "image inspect" '{{.Id}} {{.Os}} {{.Architecture}} {{.Created}}' "$IMAGE"
    same_template inspect '{{.State.CheckpointedAt}} {{.Config.StopSignal}} {{.RestartCount}}' keep
    run wr inspect --format '{{.Created}}|{{.State.FinishedAt}}' keep
    assert_output --regexp '^[0-9-]{10} [0-9:.]+ \+0000 UTC\|[0-9-]{10} [0-9:.]+ \+0000 UTC$'
    # ids are 12 characters by default
    run wr ps -a --format '{{.ID}}'
    assert_output --regexp '^[0-9a-f]{12}$'
    run wr ps -a --no-trunc --format '{{.ID}}'
    assert_output --regexp '^[0-9a-f]{64}$'
}

@test "podman compat: default images and ps tables have Podman's columns" {
    # guards: issue 6 (the default output of each listing command is Podman's table template)
    local p
    p=$(pm images)
    run wr images
    assert_success
    assert_line --index 0 "$(head -n1 <<<"$p")"
    # the size differs: warren counts a layer's files, podman its tar stream
    [ "$(cut -c1-60 <<<"$output")" = "$(cut -c1-60 <<<"$p")" ] ||
        fail "images differ:"$'\n'"podman: $p"$'\n'"warren: $output"
    p=$(pm ps -a)
    run wr ps -a
    assert_success
    # (column widths follow the times, which differ)
    [ "$(head -n1 <<<"$output" | tr -s ' ')" = "$(head -n1 <<<"$p" | tr -s ' ')" ] ||
        fail "ps headers differ:"$'\n'"podman: $p"$'\n'"warren: $output"
    local row="^[0-9a-f]{12}  $IMAGE  sh -c exit 3 # 12\.\.\. +.* ago +Exited \(3\) .* ago +keep$"
    [[ $(sed -n 2p <<<"$p") =~ $row ]] || fail "podman's row is not as expected: $p"
    assert_line --index 1 --regexp "$row"
    run wr ps -a --no-trunc
    assert_line --index 1 --regexp "^[0-9a-f]{64}  $IMAGE  sh -c exit 3 # 12345 +"
}

@test "podman compat: inspect of an unknown name prints [] and Podman's error, exit 125" {
    # guards: issue 6 (`inspect nosuch` printed [ and ] on two lines)
    local cmd p
    for cmd in inspect "container inspect" "image inspect"; do
        # shellcheck disable=SC2086
        run --separate-stderr pm $cmd wt-nosuch
        [ "$status" -eq 125 ] || fail "podman $cmd exited $status"
        p=${stderr#Error: }
        # shellcheck disable=SC2086
        run --separate-stderr wr $cmd wt-nosuch
        [ "$status" -eq 125 ] || fail "warren $cmd exited $status"
        assert_output "[]"
        [ "$stderr" = "Error: $p" ] || fail "$cmd: podman says '$p', warren '$stderr'"
    done
    # what was found is printed, the miss still fails
    run --separate-stderr wr inspect --format '{{.Name}}' keep wt-nosuch
    [ "$status" -eq 125 ] || fail "inspect keep nosuch exited $status"
    assert_output "keep"
}

@test "podman compat: info and version have Podman's keys, types and host values" {
    # guards: issue 6 (info: Podman's host/store/registries/plugins/version; version: Client block)
    local p
    p=$(pm info --format json)
    run wr info --format json
    assert_success
    # warren-only: its pause process (pid, runtime dir), whether the userns
    # maps one id only, and the configuration files it read; warren has no
    # network or volume plugins
    same_shape "$output" "$p" '^host\.(pausePid|runtimeDir|security\.singleUidMapping|configFiles) |^host\.configFiles\.\[\] |^plugins\.(network|volume)\.\[\]'
    same_values "$output" "$p" '.host | [.arch, .os, .kernel, .hostname, .cpus, .idMappings, .distribution, .security.rootless, .security.capabilities, .cgroupVersion]'
    same_values "$output" "$p" '.store | [.imageStore, .containerStore]'
    p=$(pm version --format json)
    run wr version --format json
    assert_success
    same_shape "$output" "$p" '^$'
    same_values "$output" "$p" '.Client | [.OsArch, .Os, .Built]'
    # templates: info sees Go's field names, version the version object itself
    same_template info '{{.Host.Arch}} {{.Host.Security.Rootless}} {{.Host.Distribution.Distribution}} {{.Store.ImageStore.Number}}'
    run wr version --format '{{.Version}} {{.APIVersion}} {{.OsArch}}'
    assert_output --regexp '^[0-9]+\.[0-9]+\.[0-9]+ [0-9]+\.[0-9]+\.[0-9]+ linux/'
    # the default info is YAML as Podman's: sorted keys, lists, quoted strings
    p=$(pm info)
    run wr info
    assert_success
    assert_line --regexp '^  idMappings:$'
    assert_line "$(grep -E '^    - container_id: 0$' <<<"$p" | head -n1)"
    assert_line "$(grep -E '^  cgroupControllers:' <<<"$p")"
    assert_line "$(grep -E '^    distribution:' <<<"$p")"
    assert_line "$(grep -E '^    version: "' <<<"$p" | head -n1)"
    assert_line "$(grep -E '^  graphOptions:' <<<"$p")"
    assert_line "$(grep -E '^registries:' <<<"$p")"
}

@test "podman compat: empty lists print [] on one line as Podman's" {
    # guards: issue 6 (an empty --format json list printed [ and ] on two lines)
    local p
    p=$(pm ps --format json)
    run wr ps --format json
    assert_success
    assert_output "$p"
    assert_output "[]"
    p=$(pm images --format json wt-nosuch-repo)
    run wr images --format json wt-nosuch-repo
    assert_success
    assert_output "$p"
}

# archive_image_id TAR: the id (config digest hex) of the first image of an archive
archive_image_id() {
    local m
    if tar -tf "$1" manifest.json >/dev/null 2>&1; then
        tar -xOf "$1" manifest.json | jq -r '.[0].Config' | sed 's|.*/||; s|\.json$||'
    else
        m=$(tar -xOf "$1" index.json | jq -r '.manifests[0].digest')
        tar -xOf "$1" "blobs/sha256/${m#sha256:}" | jq -r '.config.digest' | sed 's/^sha256://'
    fi
}

@test "podman compat: podman loads what warren saves, warren what podman saves: same ids" {
    # guards: save (docker-archive, oci-archive) is Podman's format, both ways;
    # each side loads into an empty store (a known id would skip the layers)
    local fmt id got r2=$PM_DIR/save-root run2
    run2=$(mktemp -d /tmp/wt-pm2.XXXXXX)
    id=$(wr image inspect --format '{{.Id}}' "$IMAGE")
    for fmt in docker-archive oci-archive; do
        rm -f "$PM_DIR/w.tar" "$PM_DIR/p.tar"
        wr save --format "$fmt" -o "$PM_DIR/w.tar" "$IMAGE" || fail "warren save --format $fmt failed"
        pm --root "$r2/pm" --runroot "$run2/pm" load -i "$PM_DIR/w.tar" >/dev/null ||
            fail "podman load of warren's $fmt failed"
        got=$(pm --root "$r2/pm" --runroot "$run2/pm" image inspect --format '{{.Id}}' "$IMAGE")
        [ "$got" = "$id" ] || fail "$fmt: podman loaded id $got, warren has $id"
        pm save --format "$fmt" -o "$PM_DIR/p.tar" "$IMAGE" >/dev/null 2>&1 ||
            fail "podman save --format $fmt failed"
        run timeout 120 "$WARREN" --root "$r2/w-$fmt" --runroot "$run2/w-$fmt" load -i "$PM_DIR/p.tar"
        assert_success
        run timeout 120 "$WARREN" --root "$r2/w-$fmt" --runroot "$run2/w-$fmt" image inspect --format '{{.Id}}' "$IMAGE"
        # podman makes an OCI config of a Docker one for oci-archive (a new
        # id): the image is the one podman's archive names
        assert_output "$(archive_image_id "$PM_DIR/p.tar")"
        wt_destroy_store "$r2/w-$fmt" "$run2/w-$fmt"
    done
    pm --root "$r2/pm" --runroot "$run2/pm" unshare rm -rf "$r2/pm" "$run2/pm" >/dev/null 2>&1 || true
    rm -rf "$run2"
}

@test "podman compat: run and create --cidfile write the id as Podman does; a taken or unreachable file is Podman's error" {
    local d=$BATS_TEST_TMPDIR w p id
    # create and run -d: the file holds the id, without a newline, as podman's
    w=$(wr create --cidfile "$d/w.cid" "$IMAGE" true)
    p=$(pm create --cidfile "$d/p.cid" "$IMAGE" true)
    assert_equal "$(cat "$d/w.cid")" "$w"
    assert_equal "$(cat "$d/p.cid")" "$p"
    assert_equal "$(stat -c %s "$d/w.cid")" "$(stat -c %s "$d/p.cid")"
    id=$(wr run -d --cidfile "$d/w2.cid" "$IMAGE" true)
    assert_equal "$(cat "$d/w2.cid")" "$id"
    # a foreground run --rm: the file stays with the id of the removed container
    run wr run --rm --cidfile "$d/w3.cid" "$IMAGE" sh -c 'exit 4'
    assert_equal "$status" 4
    [ "$(stat -c %s "$d/w3.cid")" = 64 ] || fail "run --rm left no id: $(cat "$d/w3.cid")"
    # a file that exists: nothing is made, and it is not touched
    echo keep >"$d/taken"
    run --separate-stderr wr run --cidfile "$d/taken" "$IMAGE" true
    assert_equal "$status" 125
    local wmsg=$stderr
    run --separate-stderr pm run --cidfile "$d/taken" "$IMAGE" true
    assert_equal "$wmsg" "$stderr"
    assert_equal "$(cat "$d/taken")" keep
    # a dir that does not exist
    run --separate-stderr wr create --cidfile "$d/no/such/file" "$IMAGE" true
    assert_equal "$status" 125
    wmsg=$stderr
    run --separate-stderr pm create --cidfile "$d/no/such/file" "$IMAGE" true
    assert_equal "$wmsg" "$stderr"
    # an image that is not there: no file is left behind
    run --separate-stderr wr run --pull never --cidfile "$d/none.cid" localhost/no-such-image-x true
    assert_equal "$status" 125
    [ ! -e "$d/none.cid" ] || fail "a failed run left its cidfile"
}
