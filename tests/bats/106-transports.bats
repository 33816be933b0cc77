#!/usr/bin/env bats
# shellcheck disable=SC2154  # status/output/stderr come from bats
# Transports, as Podman names them: pull, run and create from
# docker-archive:, oci-archive: and oci: (and docker://), push to them, and
# containers.conf's [engine] image_default_transport. podman pulls what
# warren pushes to an archive, with the same id; bad references fail with
# one line and store nothing.

load helpers

# oci_dir DIR: the OCI fixture as a layout directory
oci_dir() {
    mkdir -p "$1"
    tar -xf "$WT_FIXTURES/busybox.oci.tar" -C "$1"
}

@test "transports: pull docker-archive:, oci-archive: and oci: give the archive's image and id" {
    local oci_id d=$WT_TMP/ocid-$RANDOM
    use_private_store
    run_warren 0 pull "docker-archive:$WT_FIXTURES/busybox.docker.tar"
    assert_output "$IMAGE_ID"
    run_warren 0 pull -q "oci-archive:$WT_FIXTURES/busybox.oci.tar"
    oci_id=$output
    run_warren 0 image inspect --format '{{.Id}}' "$OCI_IMAGE"
    assert_output "$oci_id"
    run_warren 0 rmi "$OCI_IMAGE"
    oci_dir "$d"
    run_warren 0 pull "oci:$d"
    assert_output "$oci_id"
    run_warren 0 images --format '{{.Repository}}:{{.Tag}}' --sort repository
    assert_output "$(printf '%s\n%s' "$IMAGE" "$OCI_IMAGE")"
    # each pull is a pull event, as Podman's
    run_warren 0 events --stream=false --filter event=pull --format '{{.Name}}'
    assert_line "$IMAGE"
}

@test "transports: :NAME picks and names one image; a missing one is Podman's error, nothing stored" {
    use_private_store
    # docker-archive:PATH:TAG: that tag only, Docker-normalized
    run_warren 0 pull "docker-archive:$WT_FIXTURES/busybox.docker.tar:$IMAGE"
    assert_output "$IMAGE_ID"
    run_warren 125 pull "docker-archive:$WT_FIXTURES/busybox.docker.tar:other/name:v2"
    assert_error 'Tag "docker.io/other/name:v2" not found'
    # oci-archive:PATH:REF: by its ref.name annotation
    run_warren 0 pull "oci-archive:$WT_FIXTURES/busybox.oci.tar:$OCI_IMAGE"
    run_warren 125 pull "oci-archive:$WT_FIXTURES/busybox.oci.tar:v9"
    assert_error 'no descriptor found for reference "v9"'
    run_warren 0 images -q --no-trunc
    assert_equal "${#lines[@]}" 2
}

@test "transports: run and create take an archive; docker://NAME is NAME" {
    local c
    use_private_store
    run_warren 0 run --rm "docker-archive:$WT_FIXTURES/busybox.docker.tar" cat /etc/warren-fixture
    assert_output "docker"
    c=$(wt_name)
    run_warren 0 create --name "$c" "oci-archive:$WT_FIXTURES/busybox.oci.tar" true
    run_warren 0 ps -a --filter "name=$c" --format '{{.Image}}'
    assert_output "$OCI_IMAGE"
    run_warren 0 rm "$c"
    # the image is in the store now: docker:// finds it without a registry
    run_warren 0 run --rm --pull=never "docker://$IMAGE" true
}

@test "transports: push to docker-archive:, oci-archive: and oci:, read back by warren and podman" {
    local d=$WT_TMP/push-$RANDOM got
    mkdir "$d"
    run_warren 0 push "$IMAGE" "docker-archive:$d/d.tar:example.com/app:v1"
    run jq -r '.[0].RepoTags[0]' < <(tar -xOf "$d/d.tar" manifest.json)
    assert_output "example.com/app:v1"
    run_warren 0 push "$IMAGE" "oci-archive:$d/o.tar:v2"
    run jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' < <(tar -xOf "$d/o.tar" index.json)
    assert_output "v2"
    run_warren 0 push "$IMAGE" "oci:$d/dir"
    [ -f "$d/dir/index.json" ] && [ -f "$d/dir/oci-layout" ] || fail "oci: wrote no layout"
    use_private_store
    run_warren 0 pull "docker-archive:$d/d.tar"
    assert_output "$IMAGE_ID"
    run_warren 0 image inspect --format '{{index .RepoTags 0}}' "$IMAGE_ID"
    assert_output "example.com/app:v1"
    run_warren 0 pull "oci-archive:$d/o.tar:v2"
    run_warren 0 pull "oci:$d/dir"
    # podman, the oracle: the same id from warren's docker-archive
    pm_init
    [ -n "$PM_SKIP" ] && { pm_cleanup; skip "$PM_SKIP"; }
    got=$(pm pull -q "docker-archive:$d/d.tar" 2>/dev/null) || { pm_cleanup; fail "podman cannot pull warren's docker-archive"; }
    pm_cleanup
    assert_equal "$got" "$IMAGE_ID"
}

@test "transports: hostile references: one line, exit 125, nothing stored or written" {
    local d=$WT_TMP/bad-$RANDOM
    mkdir "$d"
    use_private_store
    run_warren 125 pull "docker-archive:"
    assert_error "isn't of the form <path>[:<reference>]"
    run_warren 125 pull "oci-archive:$d/x.tar:"
    assert_error "isn't of the form <path>[:<reference>]"
    run_warren 125 pull "dir:$d"
    assert_error 'transport "dir" is not supported'
    run_warren 125 pull "containers-storage:$IMAGE"
    assert_error 'transport "containers-storage" is not supported'
    run_warren 125 pull "docker-archive:$d/none.tar"
    assert_error "No such file or directory"
    run_warren 125 pull "docker-archive:$d"
    assert_error "is a directory"
    run_warren 125 pull "oci:$WT_FIXTURES/busybox.oci.tar"
    assert_error "is not an OCI layout directory"
    run_warren 125 pull "docker-archive:$WT_FIXTURES/corrupt.docker.tar"
    assert_error "diff_id mismatch"
    run_warren 125 pull "docker-archive:$WT_FIXTURES/busybox.docker.tar:UPPER/case"
    run_warren 125 run --rm "dir:$d" true
    assert_error 'transport "dir" is not supported'
    run_warren 0 images -q
    assert_output ""
    run_warren 125 push "$IMAGE" "docker-archive:$d/x.tar:bad@@name"
    run_warren 125 push wt-nosuch "docker-archive:$d/x.tar"
    assert_error "wt-nosuch: image not known"
    run_warren 125 push "$IMAGE" "docker-archive:$d/missing/x.tar"
    run ls -A "$d"
    assert_output ""
}

@test "transports: containers.conf image_default_transport applies to names without one" {
    local conf=$WT_TMP/transport-$RANDOM.conf
    use_private_store
    printf '[engine]\nimage_default_transport = "docker-archive:"\n' >"$conf"
    run_warren_env 0 CONTAINERS_CONF="$conf" -- pull "$WT_FIXTURES/busybox.docker.tar"
    assert_output "$IMAGE_ID"
    # a name with its own transport keeps it
    run_warren_env 0 CONTAINERS_CONF="$conf" -- pull "oci-archive:$WT_FIXTURES/busybox.oci.tar"
    # docker:// is the default: a name is a registry's
    printf '[engine]\nimage_default_transport = "docker://"\n' >"$conf"
    run_warren_env 125 CONTAINERS_CONF="$conf" -- pull --tls-verify=false "$WT_FIXTURES/busybox.docker.tar"
    assert_error "invalid reference format"
    # a value that is no transport: one line naming the key
    printf '[engine]\nimage_default_transport = "bogus"\n' >"$conf"
    run_warren_env 125 CONTAINERS_CONF="$conf" -- pull "$WT_FIXTURES/busybox.docker.tar"
    assert_error 'image_default_transport "bogus" is not a transport'
    printf '[engine]\nimage_default_transport = 3\n' >"$conf"
    run_warren_env 125 CONTAINERS_CONF="$conf" -- pull "$WT_FIXTURES/busybox.docker.tar"
    assert_error "image_default_transport"
}
