#!/usr/bin/env bats
# shellcheck disable=SC2154  # status/output/stderr come from bats
# Issue 7: pull and push against a real registry (docker-registry, plain http on
# 127.0.0.1), short names through registries.conf, the signature policy, run --pull,
# and podman as the oracle for ids and digests.

load helpers
load registry

setup_file() {
    reg_start plain
    local i
    for i in gzip zstd plain layers multi docker docker-list; do
        local v=REGFIX_${i^^}
        v=${v//-/_}
        reg_push "${!v}" "$i:latest"
    done
}

teardown_file() { reg_stop; }

teardown() {
    pm_cleanup
    wt_teardown
}

setup() {
    use_private_store
    # each test its own registries.conf: nothing of the host's applies
    export CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf
    printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$REG" >"$CONTAINERS_REGISTRIES_CONF"
}

# layer_dirs: the layer directories of the current store
layer_dirs() {
    find "$WT_ROOT/layers" -mindepth 1 -maxdepth 1 -name '[0-9a-f]*' 2>/dev/null | wc -l
}

@test "pull: by tag prints the image id; the image runs; Podman's progress lines on stderr" {
    # guards: issue 7 "pull REF by tag", progress "otherwise one line per layer"
    run_warren 0 pull "$REG/gzip:latest"
    assert_output "${REGFIX_GZIP_ID#sha256:}"
    [[ $stderr == *"Trying to pull $REG/gzip:latest..."* ]] || fail "no Trying line: $stderr"
    [[ $stderr == *"Copying blob $REGFIX_GZIP_LAYERS"* ]] || fail "no blob line: $stderr"
    [[ $stderr == *"Copying config $REGFIX_GZIP_ID"* ]] || fail "no config line: $stderr"
    [[ $stderr == *"Writing manifest to image destination"* ]] || fail "$stderr"
    run_warren 0 images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
    assert_output "$REG/gzip:latest ${REGFIX_GZIP_ID:7:12}"
    run_warren 0 run --rm "$REG/gzip:latest" cat /etc/warren-fixture
    assert_output docker
    run_warren 0 image inspect --format '{{.Digest}}' "$REG/gzip:latest"
    assert_output "$REGFIX_GZIP_DIGEST"
    run_warren 0 images --digests
    assert_line --index 0 --regexp '^REPOSITORY +TAG +DIGEST +IMAGE ID +CREATED +SIZE$'
    assert_line --index 1 --regexp "^$REG/gzip +latest +$REGFIX_GZIP_DIGEST +${REGFIX_GZIP_ID:7:12} "
}

@test "pull -q prints only the id; zstd, uncompressed and Docker schema 2 images pull" {
    # guards: issue 7 "-q prints only the image id", "Layers gzip, zstd or uncompressed"
    local i v
    for i in zstd plain docker; do
        v=REGFIX_${i^^}_ID
        run_warren 0 pull -q "$REG/$i:latest"
        assert_output "${!v#sha256:}"
        [ -z "$stderr" ] || fail "pull -q wrote to stderr: $stderr"
    done
    run_warren 0 run --rm "$REG/zstd:latest" cat /etc/warren-fixture
    assert_output docker
}

@test "pull: by digest; the name shows no tag, as in Podman" {
    # guards: issue 7 "by tag or digest"
    run_warren 0 pull -q "$REG/gzip@$REGFIX_GZIP_DIGEST"
    assert_output "${REGFIX_GZIP_ID#sha256:}"
    run_warren 0 images --format '{{.Repository}} {{.Tag}}'
    assert_output "$REG/gzip <none>"
    run_warren 0 run --rm "$REG/gzip@$REGFIX_GZIP_DIGEST" true
    # a digest that is not the registry's: refused
    run_warren 125 pull "$REG/gzip@sha256:$(printf '%064d' 0)"
    assert_last_error "manifest unknown"
}

@test "pull: an image index and a manifest list give this machine's image; --platform picks another" {
    # guards: issue 7 "manifest lists and OCI indexes with platform choice"
    run_warren 0 pull -q "$REG/multi:latest"
    assert_output "${REGFIX_MULTI_ID#sha256:}"
    run_warren 0 pull -q "$REG/docker-list:latest"
    assert_output "${REGFIX_DOCKER_LIST_ID#sha256:}"
    run_warren 0 pull -q --platform linux/arm64 "$REG/multi:latest"
    run_warren 0 image inspect --format '{{.Architecture}}' "$output"
    assert_output arm64
    run_warren 0 pull -q --arch arm --variant v7 "$REG/multi:latest"
    run_warren 0 image inspect --format '{{.Architecture}}' "$output"
    assert_output arm
    run_warren 125 pull --platform linux/s390x "$REG/multi:latest"
    [[ ${stderr_lines[-1]} == *"linux/s390x"*"linux/arm64"* ]] || fail "$stderr"
    run_warren 125 pull --platform linux "$REG/multi:latest"
    assert_last_error "invalid platform"
}

@test "pull: an image already stored is not fetched again, and shared layers are not either" {
    # guards: issue 7 "a layer already stored is never fetched again"
    run_warren 0 pull -q "$REG/gzip:latest"
    local before after
    before=$(grep -c "GET /v2/.*/blobs/$REGFIX_GZIP_LAYERS" "$REG_DIR"/registry.log || true)
    run_warren 0 pull -q "$REG/gzip:latest"
    run_warren 0 pull -q "$REG/docker:latest"
    after=$(grep -c "GET /v2/.*/blobs/$REGFIX_GZIP_LAYERS" "$REG_DIR"/registry.log || true)
    [ "$before" -ge 1 ] || fail "the registry log shows no layer GET at all"
    [ "$before" = "$after" ] || fail "layer fetched again: $before -> $after"
}

@test "pull: the same image twice at the same time: both succeed, one copy stored" {
    # guards: issue 7 "two processes pulling the same image at the same time"
    local o1=$BATS_TEST_TMPDIR/o1 o2=$BATS_TEST_TMPDIR/o2 p1 p2
    start_warren "$o1" pull -q "$REG/layers:latest"
    p1=$BG_PID
    start_warren "$o2" pull -q "$REG/layers:latest"
    p2=$BG_PID
    wait "$p1" || fail "first pull: $(cat "$o1")"
    wait "$p2" || fail "second pull: $(cat "$o2")"
    [ "$(cat "$o1")" = "$(cat "$o2")" ] || fail "different ids: $(cat "$o1") $(cat "$o2")"
    run_warren 0 images -q
    assert_equal "${#lines[@]}" 1
    [ "$(layer_dirs)" = 4 ] || fail "expected 4 layer dirs, got $(layer_dirs)"
}

@test "push then pull gives the same digests; save then load the same id" {
    # guards: issue 7 "Round trips: push then pull gives the same digests"
    run_warren 0 pull -q "$REG/layers:latest"
    run_warren 0 push "$REG/layers:latest" "$REG/copy/layers:v1"
    [[ $stderr == *"Writing manifest to image destination"* ]] || fail "$stderr"
    [ "$(reg_digest copy/layers:v1)" = "$REGFIX_LAYERS_DIGEST" ] || fail "pushed manifest differs"
    run_warren 0 rmi -a -f
    run_warren 0 pull -q "$REG/copy/layers:v1"
    assert_output "${REGFIX_LAYERS_ID#sha256:}"
    run_warren 0 save -o "$BATS_TEST_TMPDIR/l.tar" "$REG/copy/layers:v1"
    run_warren 0 rmi -a -f
    run_warren 0 load -i "$BATS_TEST_TMPDIR/l.tar"
    run_warren 0 images -q --no-trunc
    assert_output "${REGFIX_LAYERS_ID#sha256:}"
}

@test "push: blobs the registry has are not sent again; --format v2s2 writes a Docker manifest" {
    # guards: issue 7 "HEAD checks so existing blobs are never re-sent", cross-repository mount
    run_warren 0 pull -q "$REG/gzip:latest"
    run_warren 0 push "$REG/gzip:latest" "$REG/again/gzip:v1"
    # mounted from gzip (the image's other name) or found: never uploaded
    if grep -q "PUT /v2/again/gzip/blobs/uploads/.*$REGFIX_GZIP_LAYERS" "$REG_DIR"/registry.log; then
        fail "the layer was uploaded though the registry had it"
    fi
    run_warren 0 push --format v2s2 "$REG/gzip:latest" "$REG/v2/gzip:v1"
    run timeout 60 skopeo inspect --raw --tls-verify=false "docker://$REG/v2/gzip:v1"
    [ "$(jq -r .mediaType <<<"$output")" = application/vnd.docker.distribution.manifest.v2+json ] ||
        fail "$output"
    run timeout 120 skopeo copy --src-tls-verify=false "docker://$REG/v2/gzip:v1" "oci:$BATS_TEST_TMPDIR/out:x"
    [ "$status" = 0 ] || fail "skopeo cannot read what warren pushed: $output"
    run_warren 125 push "$REG/nosuch:latest"
    assert_error "image not known"
    run_warren 0 push --digestfile "$BATS_TEST_TMPDIR/d" "$REG/gzip:latest" "$REG/d/gzip:v1"
    assert_equal "$(cat "$BATS_TEST_TMPDIR/d")" "$REGFIX_GZIP_DIGEST"
    run_warren 125 push --format bogus "$REG/gzip:latest"
    assert_error "bogus"
    run_warren 125 push "$REG/gzip:latest" "$REG/x@sha256:$(printf '%064d' 0)"
    assert_error "digest"
}

@test "pull: short names resolve through unqualified-search-registries, aliases, and are refused when ambiguous" {
    # guards: issue 7 "Short names: unqualified-search-registries, [aliases] and short-name-mode"
    # top-level keys come before the first table
    printf 'unqualified-search-registries = ["%s"]\n%s\n' "$REG" "$(cat "$CONTAINERS_REGISTRIES_CONF")" \
        >"$BATS_TEST_TMPDIR/r1.conf"
    mv "$BATS_TEST_TMPDIR/r1.conf" "$CONTAINERS_REGISTRIES_CONF"
    run_warren 0 pull -q gzip
    assert_output "${REGFIX_GZIP_ID#sha256:}"
    run_warren 0 images --format '{{.Repository}}'
    assert_output "$REG/gzip"
    # the short name finds the image for run
    run_warren 0 run --rm gzip true
    # an alias
    printf '[aliases]\n"myalias" = "%s/zstd"\n' "$REG" >>"$CONTAINERS_REGISTRIES_CONF"
    run_warren 0 pull myalias
    [[ $stderr == *"Resolved \"myalias\" as an alias"* ]] || fail "$stderr"
    # two search registries, enforcing, no terminal: Podman's error
    printf 'short-name-mode = "enforcing"\n%s\n' "$(cat "$CONTAINERS_REGISTRIES_CONF")" |
        sed "s|unqualified-search-registries = .*|unqualified-search-registries = [\"$REG\", \"127.0.0.1:1\"]|" \
            >"$BATS_TEST_TMPDIR/r2.conf"
    CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/r2.conf run_warren 125 pull zstd
    assert_error "short-name resolution enforced but cannot prompt without a TTY"
    # no search registries at all
    printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$REG" >"$CONTAINERS_REGISTRIES_CONF"
    run_warren 125 pull zstd
    assert_error "did not resolve to an alias and no unqualified-search registries are defined"
}

@test "pull: mirrors are tried first; a blocked registry is refused" {
    # guards: issue 7 "[[registry]] insecure/blocked/mirrors"
    cat >"$CONTAINERS_REGISTRIES_CONF" <<EOF
[[registry]]
prefix = "example.invalid/mirrored"
location = "127.0.0.1:1/nothing-here"
[[registry.mirror]]
location = "$REG"
insecure = true

[[registry]]
location = "$REG/blocked"
blocked = true
EOF
    run_warren 0 pull -q example.invalid/mirrored/gzip:latest
    assert_output "${REGFIX_GZIP_ID#sha256:}"
    run_warren 0 images --format '{{.Repository}}'
    assert_output example.invalid/mirrored/gzip
    run_warren 125 pull "$REG/blocked/gzip:latest"
    assert_error "blocked"
}

@test "pull: policy.json reject and a missing signature stop the pull, nothing stored" {
    # guards: issue 7 "A policy that rejects an image fails the pull with the reason and stores nothing"
    local pol=$BATS_TEST_TMPDIR/policy.json
    cat >"$pol" <<EOF
{"default": [{"type": "insecureAcceptAnything"}],
 "transports": {"docker": {"$REG/gzip": [{"type": "reject"}],
   "$REG/zstd": [{"type": "signedBy", "keyType": "GPGKeys", "keyPath": "/nonexistent.gpg"}]}}}
EOF
    run_warren 125 pull --signature-policy "$pol" "$REG/gzip:latest"
    [[ ${stderr_lines[-1]} == *"rejected by policy"* ]] || fail "$stderr"
    run_warren 125 pull --signature-policy "$pol" "$REG/zstd:latest"
    # (signatures in depth: 135-signatures.bats)
    assert_last_error "Source image rejected: A signature was required, but no signature exists"
    run_warren 0 pull -q --signature-policy "$pol" "$REG/plain:latest"
    run_warren 0 images -q
    assert_equal "${#lines[@]}" 1
    [ "$(layer_dirs)" = 1 ] || fail "layers of refused images were stored"
    echo '{"default": [{"type": "nosuchtype"}]}' >"$pol"
    run_warren 125 pull --signature-policy "$pol" "$REG/plain:latest"
    [[ ${stderr_lines[-1]} == *"nosuchtype"* ]] || fail "$stderr"
}

@test "run --pull: missing pulls, never refuses, always pulls again; missing images of run are pulled" {
    # guards: issue 7 "run, create ... pull a missing image (--pull missing|always|never|newer)"
    run_warren 125 run --rm --pull=never "$REG/gzip:latest" true
    assert_error "image not known"
    run_warren 0 run --rm "$REG/gzip:latest" cat /etc/warren-fixture
    assert_output docker
    [[ $stderr == *"Trying to pull $REG/gzip:latest..."* ]] || fail "no pull progress: $stderr"
    run_warren 0 run --rm "$REG/gzip:latest" true
    [ -z "$stderr" ] || fail "pulled again: $stderr"
    run_warren 0 run --rm --pull=always -q "$REG/gzip:latest" true
    run_warren 0 run --rm --pull=always "$REG/gzip:latest" true
    [[ $stderr == *"Trying to pull"* ]] || fail "--pull=always did not pull: $stderr"
    run_warren 0 run --rm --pull=newer "$REG/gzip:latest" true
    run_warren 125 run --rm --pull=sometimes "$REG/gzip:latest" true
    assert_error "invalid pull policy"
}

@test "pull --all-tags pulls every tag; search lists the catalog and tags as Podman" {
    # guards: issue 7 "--all-tags", "search TERM (... _catalog otherwise, --limit, --list-tags)"
    reg_push "$REGFIX_ZSTD" zstd:v2
    run_warren 0 pull -a "$REG/zstd"
    assert_line "${REGFIX_ZSTD_ID#sha256:}"
    run_warren 0 images --format '{{.Tag}}'
    assert_line latest
    assert_line v2
    run_warren 125 pull -a "$REG/zstd:v2"
    assert_error "tag or digest can't be used with --all-tags"
    run_warren 0 search --tls-verify=false "$REG/zst"
    assert_line --index 0 --regexp '^NAME +DESCRIPTION$'
    assert_line --index 1 --regexp "^$REG/zstd +\$"
    run_warren 0 search --tls-verify=false --list-tags "$REG/zstd"
    assert_line --regexp "^$REG/zstd +v2\$"
    run_warren 0 search --tls-verify=false --format '{{.Name}}' --limit 2 "$REG/"
    assert_equal "${#lines[@]}" 2
    run_warren 125 search --tls-verify=false --filter bogus=1 "$REG/"
    assert_error "invalid filter"
}

@test "pull: warren and podman agree on ids and on the error for a missing tag" {
    # guards: issue 7 "Real clients are the oracle"
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    run pm pull -q --tls-verify=false "$REG/layers:latest"
    [ "$status" = 0 ] || fail "podman: $output"
    local pid=${lines[-1]}
    run_warren 0 pull -q "$REG/layers:latest"
    assert_output "$pid"
    run --separate-stderr pm pull --tls-verify=false "$REG/layers:nosuch"
    local perr=${stderr_lines[-1]}
    run_warren 125 pull "$REG/layers:nosuch"
    assert_equal "${stderr_lines[-1]}" "$perr"
}

@test "image trust: set and show edit policy.json as Podman's, and pull obeys them" {
    # guards: issue 7 "image trust show and image trust set edit the same files"
    local pol=$BATS_TEST_TMPDIR/policy.json
    echo '{"default": [{"type": "insecureAcceptAnything"}]}' >"$pol"
    run_warren 0 image trust set --policypath "$pol" -t reject "$REG/gzip"
    run_warren 0 image trust set --policypath "$pol" -t accept "$REG"
    run_warren 125 pull --signature-policy "$pol" "$REG/gzip:latest"
    assert_last_error "rejected by policy"
    run_warren 0 pull -q --signature-policy "$pol" "$REG/zstd:latest"
    run_warren 125 image trust set --policypath "$pol" -t bogus "$REG"
    assert_error "invalid choice: bogus"
    run_warren 125 image trust set --policypath "$pol" -t signedBy "$REG"
    assert_error "at least one public key must be defined"
    run_warren 0 image trust show --policypath "$pol"
    local ours=$output
    run_warren 0 image trust show --json --policypath "$pol"
    local ours_json=$output
    run_warren 0 image trust show --raw --policypath "$pol"
    [ "$(jq -c . <<<"$output")" = "$(jq -c . "$pol")" ] || fail "--raw is not the file"
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    run pm image trust show --policypath "$pol"
    assert_equal "$ours" "$output"
    run pm image trust show --json --policypath "$pol"
    assert_equal "$ours_json" "$output"
    # podman reads what warren wrote, and the reverse
    run pm image trust set --policypath "$pol" -t reject "$REG/zstd"
    assert_success
    run_warren 125 pull --signature-policy "$pol" "$REG/zstd:latest"
    assert_last_error "rejected by policy"
}

@test "pull: an image stored already under another name or manifest gains that digest (RepoDigests, name@digest), as in Podman" {
    # guards: pulling an image whose id was stored (the same image under another
    # name, pushed as another manifest, or loaded from an archive) added the name but
    # not the manifest digest: FROM/run name@digest then missed it
    local tag d2 out
    tag=$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' "$REGFIX_GZIP/index.json")
    # the same image (config) as a Docker schema 2 manifest: another digest
    run timeout 120 skopeo copy --quiet --dest-tls-verify=false --format v2s2 \
        "oci:$REGFIX_GZIP:$tag" "docker://$REG/v2s2/gzip:1"
    [ "$status" = 0 ] || fail "skopeo copy: $output"
    d2=$(reg_digest v2s2/gzip:1)
    [ "$d2" != "$REGFIX_GZIP_DIGEST" ] || fail "the v2s2 copy has the same digest"
    run_warren 0 pull -q "$REG/gzip:latest"
    run_warren 0 pull -q "$REG/v2s2/gzip:1"
    assert_output "${REGFIX_GZIP_ID#sha256:}"
    # the first digest stays the image's digest (images --digests, .Digest) ...
    run_warren 0 images --digests --format '{{.Repository}} {{.Digest}}'
    assert_output "$REG/gzip $REGFIX_GZIP_DIGEST
$REG/v2s2/gzip $REGFIX_GZIP_DIGEST"
    # ... and every repository is known by both
    out=$(printf '%s\n' "$REG/gzip@$REGFIX_GZIP_DIGEST" "$REG/gzip@$d2" \
        "$REG/v2s2/gzip@$REGFIX_GZIP_DIGEST" "$REG/v2s2/gzip@$d2" | sort | jq -R . | jq -sc .)
    run_warren 0 image inspect --format '{{json .RepoDigests}}' "$REG/gzip:latest"
    assert_output "$out"
    run_warren 0 run --rm "$REG/v2s2/gzip@$d2" cat /etc/warren-fixture
    assert_output docker
    run_warren 0 image inspect --format '{{.Id}}' "$REG/gzip@$d2"
    assert_output "${REGFIX_GZIP_ID#sha256:}"
    # pull name@digest of the stored image: found, no second image
    run_warren 0 pull -q "$REG/v2s2/gzip@$d2"
    assert_output "${REGFIX_GZIP_ID#sha256:}"
    run_warren 0 images -q --no-trunc
    assert_output "${REGFIX_GZIP_ID#sha256:}"
    # rmi forgets them with the image
    run_warren 0 rmi -f "$REGFIX_GZIP_ID"
    run_warren 125 image inspect "$REG/v2s2/gzip@$d2"
    # loaded from an archive (no manifest digest), then pulled: the digest comes
    run timeout 120 skopeo copy --quiet "oci:$REGFIX_GZIP:$tag" \
        "docker-archive:$BATS_TEST_TMPDIR/a.tar:$REG/gzip:latest"
    [ "$status" = 0 ] || fail "skopeo copy: $output"
    run_warren 0 load -q -i "$BATS_TEST_TMPDIR/a.tar"
    run_warren 0 images --digests --format '{{.Repository}} {{.Digest}}.'
    assert_output "$REG/gzip ."
    run_warren 0 pull -q "$REG/gzip:latest"
    run_warren 0 images --digests --format '{{.Repository}} {{.Digest}}'
    assert_output "$REG/gzip $REGFIX_GZIP_DIGEST"
    run_warren 0 run --rm "$REG/gzip@$REGFIX_GZIP_DIGEST" true
    # an index's digest finds the image picked from it
    run_warren 0 pull -q "$REG/multi:latest"
    run_warren 0 image inspect --format '{{.Id}}' "$REG/multi@$REGFIX_MULTI_DIGEST"
    assert_output "${REGFIX_MULTI_ID#sha256:}"
    pm_init
    [ -z "$PM_SKIP" ] || skip "the rest compares with podman: $PM_SKIP"
    pm pull -q "$REG/gzip:latest" >/dev/null
    pm pull -q "$REG/v2s2/gzip:1" >/dev/null
    run pm image inspect --format '{{json .RepoDigests}}' "$REG/gzip:latest"
    assert_output "$out"
    pm pull -q "$REG/multi:latest" >/dev/null
    run pm image inspect --format '{{.Id}}' "$REG/multi@$REGFIX_MULTI_DIGEST"
    assert_output "${REGFIX_MULTI_ID#sha256:}"
}
