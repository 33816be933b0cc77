#!/usr/bin/env bats
# shellcheck disable=SC2154  # status/output/stderr come from bats
# Issue 7: `manifest create/add/annotate/remove/inspect/exists/rm/push` for
# multi-arch lists, against docker-registry (plain http, insecure in
# registries.conf) and fakereg (a second registry, and malformed manifests).
# The local images of two platforms are the host's and a fake arm64/amd64
# image of the "multi" fixture index, pulled with --platform. podman is the
# oracle for the output shape and the error wording.

load helpers
load registry

setup_file() {
    reg_start plain
    local i
    for i in gzip zstd multi; do
        local v=REGFIX_${i^^}
        reg_push "${!v}" "$i:latest"
    done
    fakereg_start
}

teardown_file() {
    fakereg_stop
    reg_stop
}

setup() {
    use_private_store
    export CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf
    printf '[[registry]]\nlocation = "%s"\ninsecure = true\n[[registry]]\nlocation = "%s"\ninsecure = true\n' \
        "$REG" "$FAKEREG" >"$CONTAINERS_REGISTRIES_CONF"
    # the platform that is not the host's in the multi index
    OTHER=arm64
    [ "$REGFIX_ARCH" != arm64 ] || OTHER=amd64
    local idx=$REGFIX_MULTI/blobs/sha256/${REGFIX_MULTI_DIGEST#sha256:}
    OTHER_DIGEST=$(jq -r --arg a "$OTHER" '.manifests[] | select(.platform.architecture == $a) | .digest' "$idx")
    HOST_DIGEST=$(jq -r --arg a "$REGFIX_ARCH" '.manifests[] | select(.platform.architecture == $a and (.platform.variant // "") == "'"$REGFIX_VARIANT"'") | .digest' "$idx")
    OTHER_ID=$(jq -r .config.digest "$REGFIX_MULTI/blobs/sha256/${OTHER_DIGEST#sha256:}")
}

teardown() {
    pm_cleanup
    wt_teardown
}

# pm_oracle: true when podman can run here (else the podman half of a test is skipped)
pm_oracle() {
    pm_init
    [ -z "$PM_SKIP" ] || { echo "# podman oracle skipped: $PM_SKIP" >&3; return 1; }
}

# two_platforms: localhost/app:host and localhost/app:other, the two images of the
# multi index, pulled (all layers) into the private store
two_platforms() {
    run_warren 0 pull -q "$REG/multi:latest"
    assert_output "${REGFIX_MULTI_ID#sha256:}"
    run_warren 0 tag "$REG/multi:latest" localhost/app:host
    run_warren 0 pull -q --platform "linux/$OTHER" "$REG/multi:latest"
    assert_output "${OTHER_ID#sha256:}"
    run_warren 0 tag "$REG/multi:latest" localhost/app:other
}

# reg_has REPO:TAG: the registry serves a manifest for it
reg_has() {
    curl -fsS -o /dev/null -H "Accept: application/vnd.oci.image.index.v1+json" \
        "$REG_URL/v2/${1%:*}/manifests/${1##*:}"
}

@test "manifest create: prints the id; images and inspect show the list as podman does; exists" {
    # guards: issue 7 "manifest create prints the list id", "images can show it"
    run_warren 0 manifest create mylist
    [[ $output =~ ^[0-9a-f]{64}$ ]] || fail "no id: $output"
    local id=$output
    run_warren 0 images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
    assert_line "localhost/mylist:latest ${id:0:12}"
    run_warren 0 manifest inspect mylist
    local mine=$output
    run_warren 0 manifest exists mylist
    run_warren 1 manifest exists nosuch
    run_warren 0 manifest exists "$id"
    # an image that is no list
    run_warren 0 load -q -i "$WT_FIXTURES/busybox.docker.tar"
    run_warren 125 manifest exists "$IMAGE"
    assert_error "$IMAGE: image is not a manifest list"
    # the name is taken: Podman's words, with the id
    run_warren 125 manifest create mylist
    assert_error "creating image to hold manifest list: image name \"localhost/mylist:latest\" is already associated with image \"$id\": that name is already in use"
    run_warren 125 manifest create "$IMAGE"
    assert_error "is already associated with image" "that name is already in use"
    # --amend uses the list
    run_warren 0 manifest create --amend mylist
    assert_output "$id"
    run_warren 125 manifest create --amend "$IMAGE"
    assert_error "image is not a manifest list"
    pm_oracle || return 0
    run pm manifest create mylist
    [ "$status" = 0 ] || fail "podman: $output"
    run pm manifest inspect mylist
    assert_equal "$mine" "$output"
    run pm images --format '{{.Repository}}:{{.Tag}}'
    assert_line localhost/mylist:latest
}

@test "manifest: two local platforms, inspect, push --all; skopeo and pull --platform get the right images back" {
    # guards: issue 7 "create/add local images of two platforms ... push --all ... round trip"
    two_platforms
    run_warren 0 manifest create ml localhost/app:host
    local id=$output
    run_warren 0 manifest add ml localhost/app:other
    assert_output "$id"
    run_warren 0 manifest inspect ml
    local got
    got=$(jq -c '[.manifests[] | [.digest, .platform.architecture]]' <<<"$output")
    # the stored manifests are pushed as they are: the digests the registry gave
    assert_equal "$got" "[[\"$HOST_DIGEST\",\"$REGFIX_ARCH\"],[\"$OTHER_DIGEST\",\"$OTHER\"]]"
    assert_equal "$(jq -r .mediaType <<<"$output")" application/vnd.docker.distribution.manifest.list.v2+json
    # 4-space indentation as Podman's
    assert_line --index 1 '    "schemaVersion": 2,'
    run_warren 0 manifest push --digestfile "$BATS_TEST_TMPDIR/dg" ml "docker://$REG/pushed:v1"
    [ -z "$output" ] || fail "push printed on stdout: $output"
    [[ $stderr == *"Copying 2 of 2 images in list"* ]] || fail "$stderr"
    [[ $stderr == *"Writing manifest list to image destination"* ]] || fail "$stderr"
    run timeout 60 skopeo inspect --tls-verify=false --raw "docker://$REG/pushed:v1"
    [ "$status" = 0 ] || fail "skopeo: $output"
    assert_equal "$(jq -r .mediaType <<<"$output")" application/vnd.oci.image.index.v1+json
    assert_equal "$(jq -c '[.manifests[] | [.digest, .platform.architecture]]' <<<"$output")" "$got"
    # the digest of the list is what the registry serves
    assert_equal "$(cat "$BATS_TEST_TMPDIR/dg")" "sha256:$(printf '%s' "$output" | sha256sum | cut -d' ' -f1)"
    assert_equal "$(reg_digest pushed:v1)" "$(cat "$BATS_TEST_TMPDIR/dg")"
    # a new store pulls each platform from the pushed list
    use_private_store
    run_warren 0 pull -q --platform "linux/$OTHER" "$REG/pushed:v1"
    assert_output "${OTHER_ID#sha256:}"
    run_warren 0 pull -q "$REG/pushed:v1"
    assert_output "${REGFIX_MULTI_ID#sha256:}"
    run_warren 0 run --rm "$REG/pushed:v1" cat /etc/warren-fixture
}

@test "manifest add: a registry image brings its manifest and config only; entries as podman's" {
    # guards: issue 7 "registry references are looked up without pulling the layers"
    run_warren 0 manifest create rl
    run_warren 0 manifest add rl "$REG/gzip:latest"
    run_warren 0 manifest add --all rl "docker://$REG/multi:latest"
    run_warren 0 manifest add --arch arm64 --variant v8 --os-version 1.0 --annotation a=b \
        --annotation c=d rl "$REG/zstd:latest"
    run_warren 0 manifest inspect rl
    local mine=$output
    assert_equal "$(jq '.manifests | length' <<<"$mine")" 5
    # nothing was pulled: no image (the list is the only one), no layer
    run_warren 0 images --format '{{.Repository}}'
    assert_output localhost/rl
    [ "$(find "$WT_ROOT/layers" -mindepth 1 -maxdepth 1 -name '[0-9a-f]*' 2>/dev/null | wc -l)" = 0 ] ||
        fail "layers were stored"
    # the same again replaces the entry and puts it last, as Podman does
    run_warren 0 manifest add rl "$REG/gzip:latest"
    assert_equal "$(w manifest inspect rl | jq -r '.manifests[-1].digest')" "$REGFIX_GZIP_DIGEST"
    run_warren 0 manifest inspect rl
    mine=$output
    pm_oracle || return 0
    run pm manifest create rl
    for a in "$REG/gzip:latest" "--all $REG/multi:latest" \
        "--arch arm64 --variant v8 --os-version 1.0 --annotation a=b --annotation c=d $REG/zstd:latest" \
        "$REG/gzip:latest"; do
        # shellcheck disable=SC2086  # words by design
        run pm manifest add --tls-verify=false rl $a
        [ "$status" = 0 ] || fail "podman manifest add $a: $output"
    done
    run pm manifest inspect rl
    assert_equal "$mine" "$output"
}

@test "manifest annotate and remove: fields, podman's output, podman's errors" {
    # guards: issue 7 "manifest annotate", "manifest remove LIST DIGEST"
    run_warren 0 manifest create al "$REG/gzip:latest"
    local id=$output
    run_warren 0 manifest annotate --annotation x=y --arch s390x --os freebsd al "$REGFIX_GZIP_DIGEST"
    assert_output "$id"
    run_warren 0 manifest inspect al
    assert_equal "$(jq -c '.manifests[0] | [.platform, .annotations]' <<<"$output")" \
        '[{"architecture":"s390x","os":"freebsd"},{"x":"y"}]'
    run_warren 125 manifest annotate --annotation x al "$REGFIX_GZIP_DIGEST"
    assert_error 'no value given for annotation "x"'
    run_warren 125 manifest annotate --annotation a=b al "$REG/gzip:latest"
    assert_error "invalid image digest \"$REG/gzip:latest\": invalid checksum digest format"
    run_warren 125 manifest remove al sha256:xx
    assert_error 'removing from manifest list al: invalid image digest "sha256:xx": invalid checksum digest length'
    local zero=sha256:0000000000000000000000000000000000000000000000000000000000000000
    run_warren 125 manifest remove al "$zero"
    assert_error "removing from manifest list al: no instance matching digest \"$zero\" found in manifest list: file does not exist"
    run_warren 125 manifest remove nosuch "$zero"
    assert_error "removing from manifest list nosuch: nosuch: image not known"
    run_warren 0 manifest remove al "$REGFIX_GZIP_DIGEST"
    assert_output "$id"
    run_warren 0 manifest inspect al
    assert_equal "$(jq -c .manifests <<<"$output")" null
    pm_oracle || return 0
    run pm manifest create al
    run pm manifest remove al sha256:xx
    assert_equal "${lines[-1]}" 'Error: removing from manifest list al: invalid image digest "sha256:xx": invalid checksum digest length'
    run pm manifest remove nosuch "$zero"
    assert_equal "${lines[-1]}" "Error: removing from manifest list nosuch: nosuch: image not known"
}

@test "manifest: bad input: unknown list, a non-list, a list into itself, bad arguments; nothing changes" {
    # guards: issue 7 "bad input: unknown list, adding a list to itself, bad annotation syntax"
    run_warren 0 load -q -i "$WT_FIXTURES/busybox.docker.tar"
    run_warren 125 manifest add nosuch "$IMAGE"
    assert_error "nosuch: image not known"
    run_warren 125 manifest add "$IMAGE" "$IMAGE"
    assert_error "$IMAGE: image is not a manifest list"
    run_warren 0 manifest create self "$IMAGE"
    local before
    before=$(w manifest inspect self)
    run_warren 125 manifest add self self
    assert_error "to itself"
    run_warren 125 manifest add --all self localhost/self:latest
    assert_error "to itself"
    run_warren 125 manifest add --annotation novalue self "$REG/gzip:latest"
    assert_error 'no value given for annotation "novalue"'
    run_warren 125 manifest add self containers-storage:nosuch
    assert_error "nosuch: image not known"
    run_warren 125 manifest add self "$REG/nosuch:latest"
    assert_error "docker://$REG/nosuch:latest" "manifest unknown"
    assert_equal "$(w manifest inspect self)" "$before"
    run_warren 125 manifest create
    assert_error "requires at least 1 arg(s), only received 0"
    run_warren 125 manifest exists
    assert_error "accepts 1 arg(s), received 0"
    run_warren 125 manifest push
    assert_error "accepts between 1 and 2 arg(s), received 0"
    run_warren 125 manifest push --format v9 self "$REG/x:1"
    assert_error 'unsupported manifest type "v9"'
    run_warren 125 manifest push nosuch "$REG/x:1"
    assert_error "retrieving local image from image name nosuch: nosuch: image not known"
    run_warren 1 manifest rm nosuch
    assert_error "nosuch: image not known"
    run_warren 125 manifest rm "$IMAGE"
    assert_error "image is not a manifest list"
    # rm of several: the good ones go, the status tells the bad one
    run_warren 0 manifest create other
    run_warren 1 manifest rm self nosuch other
    assert_line "Untagged: localhost/self:latest"
    assert_line "Untagged: localhost/other:latest"
    run_warren 1 manifest exists self
    run_warren 0 image exists "$IMAGE"
}

@test "manifest: a malformed remote index is refused with a clear error; the list is unchanged" {
    # guards: issue 7 "bad input: malformed remote index"
    run_warren 0 manifest create bad
    run_warren 125 manifest inspect "$FAKEREG/badjson/multi:latest"
    assert_error "docker://$FAKEREG/badjson/multi:latest"
    run_warren 125 manifest add --all bad "$FAKEREG/badjson/multi:latest"
    assert_error "docker://$FAKEREG/badjson/multi:latest"
    # an index naming the same manifest twice, put into the registry by hand
    local idx
    idx=$(jq -c '.manifests += [.manifests[0]]' "$REGFIX_MULTI/blobs/sha256/${REGFIX_MULTI_DIGEST#sha256:}")
    curl -fsS -X PUT -H "Content-Type: application/vnd.oci.image.index.v1+json" --data-binary "$idx" \
        "$REG_URL/v2/multi/manifests/twice" || fail "could not put the index"
    run_warren 125 manifest add --all bad "$REG/multi:twice"
    assert_error "there twice"
    run_warren 125 manifest inspect "$REG/multi:twice"
    assert_error "there twice"
    run_warren 0 manifest inspect bad
    assert_equal "$(jq -c .manifests <<<"$output")" null
}

@test "manifest push: an instance whose image was removed fails before anything is sent" {
    # guards: issue 7 "push of a list whose instance image was removed (clear error, nothing half pushed)"
    two_platforms
    run_warren 0 manifest create gone localhost/app:host localhost/app:other
    # the list keeps working for what it records: rmi is allowed, as in Podman
    run_warren 0 rmi localhost/app:other "$REG/multi:latest"
    run_warren 0 manifest inspect gone
    assert_equal "$(jq '.manifests | length' <<<"$output")" 2
    run_warren 125 manifest push gone "$REG/halfway:v1"
    assert_last_error "$OTHER_DIGEST" "${OTHER_ID:7:12}" "not in local storage any more"
    # nothing reached the registry: no tag, no repository (a blob upload makes one)
    ! reg_has halfway:v1 || fail "the list was pushed"
    run curl -fsS "$REG_URL/v2/_catalog"
    [[ $output != *halfway* ]] || fail "something was pushed: $output"
    # the instance removed, the push works
    run_warren 0 manifest remove gone "$OTHER_DIGEST"
    run_warren 0 manifest push gone "$REG/halfway:v1"
    reg_has halfway:v1 || fail "not pushed"
}

@test "manifest push: remote instances are mounted from their repository or copied from another registry" {
    # guards: issue 7 "instances only known remotely ... copied blob by blob from their source registry"
    run_warren 0 manifest create --all remote "$REG/multi:latest"
    run_warren 0 manifest push -q remote "$REG/copy:1"
    [ -z "$stderr" ] || fail "-q printed: $stderr"
    run timeout 60 skopeo inspect --tls-verify=false --raw "docker://$REG/copy:1"
    assert_equal "$(jq -c '[.manifests[].digest]' <<<"$output")" \
        "$(jq -c '[.manifests[].digest]' "$REGFIX_MULTI/blobs/sha256/${REGFIX_MULTI_DIGEST#sha256:}")"
    # from fakereg (another registry): every blob goes through warren
    run_warren 0 manifest create --all other "$FAKEREG/multi:latest"
    run_warren 0 manifest push --rm other "docker://$REG/fromfake:1"
    run_warren 1 manifest exists other
    use_private_store
    run_warren 0 pull -q --platform "linux/$OTHER" "$REG/fromfake:1"
    assert_output "${OTHER_ID#sha256:}"
    run_warren 0 pull -q "$REG/fromfake:1"
    assert_output "${REGFIX_MULTI_ID#sha256:}"
    run_warren 0 run --rm "$REG/fromfake:1" cat /etc/warren-fixture
    # --format v2s2: a Docker list of Docker manifests (converted, new digests)
    run_warren 0 manifest create --all v2 "$REG/multi:latest"
    run_warren 0 manifest push --format v2s2 v2 "$REG/v2s2:1"
    run timeout 60 skopeo inspect --tls-verify=false --raw "docker://$REG/v2s2:1"
    assert_equal "$(jq -r '[.mediaType] + [.manifests[].mediaType] | unique | join(" ")' <<<"$output")" \
        "application/vnd.docker.distribution.manifest.list.v2+json application/vnd.docker.distribution.manifest.v2+json"
    run_warren 0 pull -q --platform "linux/$OTHER" "$REG/v2s2:1"
    assert_output "${OTHER_ID#sha256:}"
}

@test "manifest: a list stands for its local instance of this platform (run, image inspect); rmi and tag" {
    # guards: issue 7 (lists are images: Podman resolves them to the platform's instance)
    two_platforms
    run_warren 0 manifest create app localhost/app:other
    run_warren 125 image inspect app
    assert_error "no image found in manifest list for architecture $REGFIX_ARCH"
    run_warren 0 manifest add app localhost/app:host
    run_warren 0 image inspect --format '{{.Id}}' app
    assert_output "${REGFIX_MULTI_ID#sha256:}"
    run_warren 0 run --rm app cat /etc/warren-fixture
    run_warren 0 tag app localhost/app2
    run_warren 0 manifest exists app2
    run_warren 0 rmi app2 app
    run_warren 1 manifest exists app
    run_warren 0 image exists localhost/app:host
}

@test "manifest add: concurrent adds to one list all land (no lost update)" {
    # guards: issue 7 "concurrent add to the same list (no lost update)"
    run_warren 0 manifest create busy
    local idx=$REGFIX_MULTI/blobs/sha256/${REGFIX_MULTI_DIGEST#sha256:} refs=() r i=0 pids=()
    for r in $(jq -r '.manifests[].digest' "$idx"); do refs+=("$REG/multi@$r"); done
    refs+=("$REG/gzip:latest" "$REG/zstd:latest")
    for r in "${refs[@]}"; do
        "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" manifest add busy "$r" \
            >"$BATS_TEST_TMPDIR/add.$i" 2>&1 &
        pids+=($!)
        i=$((i + 1))
    done
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}" || fail "add ${refs[$i]}: $(cat "$BATS_TEST_TMPDIR/add.$i")"
    done
    run_warren 0 manifest inspect busy
    assert_equal "$(jq '.manifests | length' <<<"$output")" "${#refs[@]}"
}
