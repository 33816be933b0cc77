#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Foundation #2 §3: images from archives (load, import, images, rmi, tag, image inspect/exists).

load helpers

@test "load: docker-archive prints 'Loaded image: NAME' and the image runs" {
    # guards: Foundation #2 §3 `warren load -i` of a docker-archive with a plain layer
    use_private_store
    run_warren 0 load -i "$WT_FIXTURES/busybox.docker.tar"
    assert_output "Loaded image: $IMAGE"
    run_warren 0 image exists "$IMAGE"
    run_warren 0 run --rm "$IMAGE" cat /etc/warren-fixture
    assert_output docker
    # loading the same archive again is harmless
    run_warren 0 load -i "$WT_FIXTURES/busybox.docker.tar"
    assert_output "Loaded image: $IMAGE"
    run_warren 0 images -q
    assert_output "${IMAGE_ID:0:12}"
}

@test "load: the layers dir is marked chattr +T (ext4 spreads layer dirs; no rescan of just-freed inodes)" {
    use_private_store
    run_warren 0 load -i "$WT_FIXTURES/busybox.docker.tar"
    lsattr -d "$WT_ROOT/layers" >/dev/null 2>&1 ||
        skip "the store's filesystem has no ext2/3/4 attributes (lsattr): $(stat -f -c %T "$WT_ROOT")"
    [[ $(lsattr -d "$WT_ROOT/layers" | cut -d' ' -f1) == *T* ]] || fail "no T flag: $(lsattr -d "$WT_ROOT/layers")"
    # a store whose flag was cleared gets it back at the next layer made
    chattr -T "$WT_ROOT/layers"
    run_warren 0 import "$WT_FIXTURES/rootfs.tar" localhost/topdir:1
    [[ $(lsattr -d "$WT_ROOT/layers" | cut -d' ' -f1) == *T* ]] || fail "T not set again"
}

@test "load: oci-archive with a gzip layer" {
    # guards: Foundation #2 §3 `warren load -i` of an oci-archive (gzip layer)
    track_image "$OCI_IMAGE"
    run_warren 0 load -i "$WT_FIXTURES/busybox.oci.tar"
    assert_output "Loaded image: $OCI_IMAGE"
    run_warren 0 run --rm "$OCI_IMAGE" cat /etc/warren-fixture
    assert_output oci
    . "$WT_FIXTURES/images.env"
    run_warren 0 image inspect "$OCI_IMAGE"
    run jq -r '.[0].Id' <<<"$output"
    assert_output "$FIXTURE_OCI_IMAGE_ID"
}

@test "load: a missing file exits 125 with one error line" {
    # guards: Foundation #2 bad inputs, "a clear error"
    run_warren 125 load -i "$BATS_TEST_TMPDIR/does-not-exist.tar"
    assert_error "does-not-exist.tar"
}

@test "import: rootfs tarball prints the image id; REF names it; it runs" {
    # guards: Foundation #2 §3 `warren import FILE [REF]`
    local ref
    ref=localhost/$(wt_name):v1
    track_image "$ref"
    run_warren 0 import "$WT_FIXTURES/rootfs.tar" "$ref"
    local id=${lines[-1]#sha256:}
    [[ $id =~ ^[0-9a-f]{64}$ ]] || fail "last line is not an image id: ${lines[-1]}"
    run_warren 0 image exists "$ref"
    run_warren 0 image inspect "$ref"
    run jq -r '.[0].Id' <<<"$output"
    assert_output "$id"
    run_warren 0 run --rm "$ref" /bin/cat /etc/warren-fixture
    assert_output import
}

@test "import: without REF the image is unnamed but usable by id" {
    # guards: Foundation #2 §3 `warren import FILE` (REF optional)
    run_warren 0 import "$WT_FIXTURES/rootfs.tar"
    local id=${lines[-1]#sha256:}
    track_image "$id"
    [[ $id =~ ^[0-9a-f]{64}$ ]] || fail "last line is not an image id: ${lines[-1]}"
    run_warren 0 image exists "$id"
    run_warren 0 images
    assert_line --regexp "^<none> +<none> +${id:0:12} "
    run_warren 0 run --rm "${id:0:12}" /bin/echo by-short-id
    assert_output by-short-id
}

@test "images: Podman's columns and a row for the base image" {
    # guards: Foundation #2 §3 `warren images` (REPOSITORY TAG IMAGE ID CREATED SIZE)
    run_warren 0 images
    assert_line --index 0 --regexp '^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE$'
    assert_line --regexp "^localhost/warren-test/busybox +latest +${IMAGE_ID:0:12} +.+ +[0-9.]+ ?[kMG]?B$"
}

@test "images -q: only short ids" {
    # guards: Foundation #2 §3 `warren images -q`
    run_warren 0 images -q
    assert_line "${IMAGE_ID:0:12}"
    local l
    for l in "${lines[@]}"; do
        [[ $l =~ ^[0-9a-f]{12}$ ]] || fail "not a short id: '$l'"
    done
}

@test "images --format json: Podman's fields" {
    # guards: Foundation #2 §3 `warren images --format json`
    run_warren 0 images --format json
    run jq -r --arg n "$IMAGE" '.[] | select(.Names | index($n)) | .Id' <<<"$output"
    assert_output "$IMAGE_ID"
    run_warren 0 images --format json
    run jq -r --arg n "$IMAGE" '.[] | select(.Names | index($n)) | (.Size > 1000000) and (.Created == 1700000000)' <<<"$output"
    assert_output true
}

@test "image inspect: id, tags, config and layers of the base image" {
    # guards: Foundation #2 §3 `warren image inspect`
    run_warren 0 image inspect "$IMAGE"
    local j=$output
    run jq -r '.[0].Id' <<<"$j"
    assert_output "$IMAGE_ID"
    run jq -r '.[0].RepoTags | index("'"$IMAGE"'") != null' <<<"$j"
    assert_output true
    run jq -r '.[0].Config.Cmd | join(" ")' <<<"$j"
    assert_output "/bin/sh -c echo default command"
    run jq -r '.[0].RootFS.Layers | length' <<<"$j"
    assert_output 1
    run_warren 125 image inspect localhost/warren-test/nosuch:latest
    assert_error "nosuch"
}

@test "image exists: 0 for a present image, 1 for an absent one" {
    # guards: Foundation #2 §3 `warren image exists`
    run_warren 0 image exists "$IMAGE"
    assert_output ""
    run_warren 0 image exists "${IMAGE_ID:0:12}"
    run_warren 1 image exists localhost/warren-test/nosuch:latest
    assert_output ""
}

@test "tag: a second name for the same image; rmi of it only untags" {
    # guards: Foundation #2 §3 `warren tag`, `warren rmi` of one of several names
    local ref
    ref=localhost/warren-test/$(wt_name):v1
    track_image "$ref"
    run_warren 0 tag "$IMAGE" "$ref"
    run_warren 0 image inspect "$ref"
    run jq -r '.[0].Id' <<<"$output"
    assert_output "$IMAGE_ID"
    run_warren 0 images
    assert_line --regexp "^localhost/warren-test/wt-[a-z0-9-]+ +v1 +${IMAGE_ID:0:12} "
    run_warren 0 rmi "$ref"
    assert_output "Untagged: $ref"
    run_warren 1 image exists "$ref"
    run_warren 0 image exists "$IMAGE"
}

@test "tag: a short name is qualified with localhost/" {
    # guards: Foundation #2 §3 `warren tag` with Podman's name normalisation
    local short
    short=$(wt_name)
    track_image "localhost/$short:latest"
    run_warren 0 tag "$IMAGE" "$short"
    run_warren 0 image exists "localhost/$short:latest"
    run_warren 0 run --rm "$short" cat /etc/warren-fixture
    assert_output docker
}

@test "rmi: removes an image; exit 1 when it does not exist" {
    # guards: Foundation #2 §3 `warren rmi` (Podman's exit codes: 1 = no such image)
    track_image "$OCI_IMAGE"
    load_fixture busybox.oci.tar
    run_warren 0 rmi "$OCI_IMAGE"
    assert_line "Untagged: $OCI_IMAGE"
    assert_line --regexp '^Deleted: [0-9a-f]{64}$'
    run_warren 1 image exists "$OCI_IMAGE"
    run_warren 1 rmi "$OCI_IMAGE"
    assert_error
}

@test "rmi: an image used by a container exits 2; rmi -f removes both" {
    # guards: Foundation #2 §3 `warren rmi [-f]` (Podman: 2 = image in use)
    track_image "$OCI_IMAGE"
    load_fixture busybox.oci.tar
    local name
    name=$(wt_name)
    run_warren 0 run --name "$name" "$OCI_IMAGE" true
    run_warren 2 rmi "$OCI_IMAGE"
    assert_error
    run_warren 0 image exists "$OCI_IMAGE"
    run_warren 0 rmi -f "$OCI_IMAGE"
    run_warren 1 image exists "$OCI_IMAGE"
    run_warren 0 ps -a
    refute_output --partial "$name"
    # the base image and its containers are untouched
    run_warren 0 run --rm "$IMAGE" true
}

@test "load: a multi-layer image stacks its layers and applies OCI whiteouts" {
    # guards: Foundation #2 §3 layer order, "OCI whiteouts become overlay whiteouts", ownership kept
    track_image localhost/warren-test/layers:latest
    load_fixture layers.tar
    assert_output "Loaded image: localhost/warren-test/layers:latest"
    local L=localhost/warren-test/layers:latest
    run_warren 0 run --rm "$L" cat /etc/extra
    assert_output extra
    run_warren 1 run --rm "$L" cat /etc/warren-fixture
    run_warren 0 run --rm "$L" ls -A /opaque
    assert_output c
    run_warren 0 run --rm "$L" ls -A /etc
    refute_output --partial ".wh."
    run_warren 0 run --rm "$L" stat -c %u:%g /owned1000
    assert_output 1000:1000
}

@test "load: device nodes in a layer are skipped rootless, the rest extracts" {
    # guards: Foundation #2 §3 "device nodes are skipped rootless"
    [ "$(id -u)" != 0 ] || skip "rootless behaviour: the suite runs as root"
    local D=localhost/warren-test/devnode:latest
    track_image "$D"
    load_fixture devnode.tar
    assert_output "Loaded image: $D"
    run_warren 0 run --rm "$D" sh -c 'cat /after-devnode; test -e /devnode && echo devnode-present || echo devnode-skipped'
    assert_output $'after\ndevnode-skipped'
}
