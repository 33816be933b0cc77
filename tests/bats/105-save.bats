#!/usr/bin/env bats
# shellcheck disable=SC2154  # status/output/stderr come from bats
# save: every format round-trips (the same image id and layer digests),
# podman loads what warren saves and warren loads what podman saves, and
# hostile arguments fail with one line and leave no file behind.

load helpers

# saved_layers FILE FORMAT: the layer digests an archive's manifest lists
saved_layers() {
    case $2 in
    docker-archive) tar -xOf "$1" manifest.json | jq -r '.[0].Layers[]' ;;
    oci-archive)
        local m
        m=$(tar -xOf "$1" index.json | jq -r '.manifests[0].digest')
        tar -xOf "$1" "blobs/sha256/${m#sha256:}" | jq -r '.layers[].digest' ;;
    esac
}

# roundtrip FORMAT IMAGE: save IMAGE, load it into a new store: same id
roundtrip() {
    local fmt=$1 img=$2 id out
    id=$(w image inspect --format '{{.Id}}' "$img")
    out=$WT_TMP/save-$fmt-$RANDOM
    [ "$fmt" = oci-dir ] || out=$out.tar
    run_warren 0 save --format "$fmt" -o "$out" "$img"
    [ -e "$out" ] || fail "save wrote no '$out'"
    use_private_store
    run_warren 0 load -i "$out"
    assert_output "Loaded image: $img"
    run_warren 0 image inspect --format '{{.Id}} {{json .RootFS.Layers}}' "$img"
    assert_output "$id $(WT_ROOT=$WT_SUITE_ROOT WT_RUNROOT=$WT_SUITE_RUNROOT w image inspect --format '{{json .RootFS.Layers}}' "$img")"
    SAVED=$out
}

@test "save: docker-archive round-trips: same image id and diff_ids, layers as loaded" {
    # guards: the blob store (a re-made tar never hashes to the same diff_id)
    roundtrip docker-archive "$IMAGE"
    # the layer is the very tar the fixture holds
    run saved_layers "$SAVED" docker-archive
    assert_output "$(tar -xOf "$WT_FIXTURES/busybox.docker.tar" manifest.json | jq -r '.[0].Layers[]' | xargs -n1 basename)"
}

@test "save: oci-archive round-trips with the stored manifest and gzip blob" {
    load_fixture busybox.oci.tar
    track_image "$OCI_IMAGE"
    roundtrip oci-archive "$OCI_IMAGE"
    # the same manifest digest as the fixture's: blobs and manifest byte for byte
    [ "$(tar -xOf "$SAVED" index.json | jq -r '.manifests[0].digest')" = \
      "$(tar -xOf "$WT_FIXTURES/busybox.oci.tar" index.json | jq -r '.manifests[0].digest')" ] ||
        fail "the manifest digest changed"
    run_warren 0 run --rm "$OCI_IMAGE" cat /etc/warren-fixture
}

@test "save: a gzip-loaded image to docker-archive: decompressed, same id" {
    load_fixture busybox.oci.tar
    track_image "$OCI_IMAGE"
    roundtrip docker-archive "$OCI_IMAGE"
    # the layer is the plain tar of the config's diff_id
    local want
    want=$(w image inspect --format '{{index .RootFS.Layers 0}}' "$OCI_IMAGE")
    run saved_layers "$SAVED" docker-archive
    assert_output "${want#sha256:}.tar"
    [ "$(tar -xOf "$SAVED" "${want#sha256:}.tar" | sha256sum | cut -d' ' -f1)" = "${want#sha256:}" ] ||
        fail "the layer tar does not hash to its diff_id"
}

@test "save: oci-dir round-trips; multi-layer images too" {
    roundtrip oci-dir "$IMAGE"
    [ -f "$SAVED/oci-layout" ] && [ -f "$SAVED/index.json" ] || fail "no OCI layout in '$SAVED'"
    run jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' "$SAVED/index.json"
    assert_output "$IMAGE"
    WT_ROOT=$WT_SUITE_ROOT WT_RUNROOT=$WT_SUITE_RUNROOT
    load_fixture layers.tar
    track_image localhost/warren-test/layers:latest
    roundtrip docker-archive localhost/warren-test/layers:latest
}

@test "save: -m writes several images; stdout when redirected" {
    load_fixture busybox.oci.tar
    track_image "$OCI_IMAGE"
    run_warren 0 save -m -o "$WT_TMP/multi.tar" "$IMAGE" "$OCI_IMAGE"
    run jq -r '.[].RepoTags[]' < <(tar -xOf "$WT_TMP/multi.tar" manifest.json)
    assert_output "$IMAGE"$'\n'"$OCI_IMAGE"
    # stdout is a pipe here: the archive goes there
    "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" save "$IMAGE" > "$WT_TMP/stdout.tar" ||
        fail "save to stdout failed"
    cmp <(tar -xOf "$WT_TMP/stdout.tar" manifest.json | jq -c .) <(tar -xOf "$WT_TMP/multi.tar" manifest.json | jq -c '.[:1]') ||
        fail "stdout archive differs"
}

@test "save: hostile arguments: one-line errors, no file left behind" {
    local d=$WT_TMP/hostile-$RANDOM
    mkdir "$d"
    run_warren 125 save -o "$d/x.tar" wt-nosuch-image
    assert_error "wt-nosuch-image: image not known"
    run_warren 125 save --format tarball -o "$d/x.tar" "$IMAGE"
    assert_error "format value must be one of"
    run_warren 125 save -o "$d/missing/x.tar" "$IMAGE"
    assert_error "No such file or directory"
    run_warren 125 save -o "$d/a:b.tar" "$IMAGE"
    assert_error "should not contain ':'"
    run_warren 125 save -o "$d/x.tar" 'Bad:Name:x'
    run_warren 125 save
    assert_error "need at least 1 argument"
    mkdir "$d/full" && touch "$d/full/f"
    run_warren 125 save --format oci-dir -o "$d/full" "$IMAGE"
    assert_error "exists and is not empty"
    run ls -A "$d"
    assert_output "full"
    # a terminal on stdout is refused (script gives one)
    if command -v script >/dev/null; then
        run script -qec "$WARREN --root $WT_ROOT --runroot $WT_RUNROOT save $IMAGE" /dev/null
        assert_output --partial "refusing to save to terminal. Use -o flag or redirect"
    fi
}

@test "save: rmi removes the blobs of the layers it removes" {
    use_private_store
    load_fixture busybox.oci.tar
    [ -n "$(ls "$WT_ROOT/blobs/sha256")" ] || fail "load kept no blob"
    run_warren 0 rmi "$OCI_IMAGE"
    run ls "$WT_ROOT/blobs/sha256"
    assert_output ""
}

@test "save: a layer stored without a blob is made anew (the id changes, the files do not)" {
    use_private_store
    load_fixture busybox.docker.tar
    # an old store: its layers have no blob
    rm -f "$WT_ROOT"/blobs/sha256/*
    run_warren 0 save -o "$WT_TMP/remade.tar" "$IMAGE"
    assert_stderr_contains "made anew"
    use_private_store
    run_warren 0 load -i "$WT_TMP/remade.tar"
    run_warren 0 image inspect --format '{{.Id}}' "$IMAGE"
    [ "$output" != "$IMAGE_ID" ] || fail "a remade layer kept the image id"
    run_warren 0 run --rm "$IMAGE" cat /etc/warren-fixture
    assert_output "docker"
}
