#!/usr/bin/env bats
# shellcheck disable=SC2046,SC2154  # $(reg_flags) splits by design; status/output come from bats
# The registry test infrastructure (registry.bash, tests/tools/tokenserver.py and
# fakereg.py, tests/fixtures/mkregimages.sh) works, checked with skopeo, podman and
# curl as clients, so that the pull/push/login tests can trust it. Each test starts
# its own servers (a pull test file starts one in setup_file instead).

load helpers
load registry

teardown() {
    reg_stop
    fakereg_stop
    [ -z "${PM_DIR:-}" ] || pm_cleanup
    wt_teardown
}

# manifest_of LAYOUT: the top manifest (or index) of an OCI layout
manifest_of() {
    cat "$1/blobs/sha256/$(jq -r '.manifests[0].digest | sub("sha256:"; "")' "$1/index.json")"
}

# sk ARGS...: skopeo with a time limit, the output and status for bats
sk() {
    run --separate-stderr timeout 60 skopeo "$@"
}

# raw_digest REF FLAGS...: the sha256 of the manifest skopeo reads at docker://REF
raw_digest() {
    local ref=$1
    shift
    echo "sha256:$(timeout 60 skopeo inspect --raw "$@" "docker://$ref" | sha256sum | cut -d' ' -f1)"
}

# curl_reg ARGS...: curl with the running registry's CA
curl_reg() {
    curl -s ${REG_CA:+--cacert "$REG_CA"} "$@"
}

# assert_header "NAME: VALUE": $output (curl -D -) has that header (name in any case:
# HTTP/2 sends it in lower case)
assert_header() {
    local l
    for l in "${lines[@]}"; do
        l=${l%$'\r'}
        [ "${l,,}" != "${1,,}" ] || [ "${l#*: }" != "${1#*: }" ] || return 0
    done
    fail "no header '$1' in:"$'\n'"$output"
}

@test "registry infra: fixture layouts: blobs match their digests, media types and platforms as documented" {
    # guards: the pull tests rely on these images being what mkregimages.sh says
    local lo f n
    for lo in "$REGFIX_GZIP" "$REGFIX_ZSTD" "$REGFIX_PLAIN" "$REGFIX_LAYERS" "$REGFIX_DOCKER" \
        "$REGFIX_MULTI" "$REGFIX_DOCKER_LIST"; do
        [ -e "$lo/oci-layout" ] || fail "$lo: no oci-layout"
        for f in "$lo"/blobs/sha256/*; do
            [ "$(sha256sum <"$f" | cut -d' ' -f1)" = "${f##*/}" ] || fail "$f: bytes do not match the name"
        done
    done
    run manifest_of "$REGFIX_ZSTD"
    assert_output --partial '"mediaType":"application/vnd.oci.image.layer.v1.tar+zstd"'
    zstd -q -d -c "$REGFIX_ZSTD/blobs/sha256/${REGFIX_ZSTD_LAYERS#sha256:}" | tar -t | grep -qx bin/busybox
    run manifest_of "$REGFIX_PLAIN"
    assert_output --partial '"mediaType":"application/vnd.oci.image.layer.v1.tar"'
    tar -tf "$REGFIX_PLAIN/blobs/sha256/${REGFIX_PLAIN_LAYERS#sha256:}" | grep -qx etc/warren-fixture
    [ "$(sha256sum <"$REGFIX_PLAIN/blobs/sha256/${REGFIX_PLAIN_LAYERS#sha256:}" | cut -d' ' -f1)" = "${REGFIX_PLAIN_DIFFIDS#sha256:}" ]
    n=$(manifest_of "$REGFIX_LAYERS" | jq '.layers | length')
    [ "$n" -ge 3 ] || fail "layers has $n layers"
    run manifest_of "$REGFIX_DOCKER"
    assert_output --partial '"mediaType":"application/vnd.docker.distribution.manifest.v2+json"'
    # the index: three platforms, each size and digest right, the host's is the busybox image
    run manifest_of "$REGFIX_MULTI"
    assert_output --partial '"mediaType":"application/vnd.oci.image.index.v1+json"'
    run jq -r '[.manifests[].platform | .architecture + (.variant // "" | if . == "" then "" else "/" + . end)] | sort | join(" ")' <<<"$output"
    assert_output --regexp '^(.* )?amd64 .*arm/v7 arm64( .*)?$'
    local ds d
    mapfile -t ds < <(manifest_of "$REGFIX_MULTI" | jq -c '.manifests[]')
    for d in "${ds[@]}"; do
        f=$REGFIX_MULTI/blobs/sha256/$(jq -r '.digest | sub("sha256:"; "")' <<<"$d")
        [ "$(stat -c %s "$f")" = "$(jq .size <<<"$d")" ] || fail "size of $d"
    done
    run jq -r .architecture "$REGFIX_MULTI/blobs/sha256/${REGFIX_MULTI_ID#sha256:}"
    assert_output "$REGFIX_ARCH"
    run manifest_of "$REGFIX_DOCKER_LIST"
    assert_output --partial '"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json"'
}

@test "registry infra: plain: skopeo pushes every kind of fixture over http and reads the same digests" {
    # guards: reg_start plain, reg_push (OCI layouts, Docker media types, archives), --preserve-digests
    local name v d
    reg_start plain
    [[ $REG =~ ^127\.0\.0\.1:[0-9]+$ ]] || fail "REG=$REG"
    [ -z "$REG_CA" ] && [ -z "$REG_USER" ]
    for name in gzip zstd plain layers docker multi docker-list; do
        v=REGFIX_$(tr 'a-z-' 'A-Z_' <<<"$name")
        reg_push "${!v}" "$name:latest"
        d=${v}_DIGEST
        [ "$(raw_digest "$REG/$name:latest" --tls-verify=false)" = "${!d}" ] ||
            fail "$name: the registry has another manifest than the layout"
    done
    reg_push "$WT_FIXTURES/busybox.docker.tar" archive:latest
    reg_push "$WT_FIXTURES/busybox.oci.tar" ociarchive:latest
    sk inspect --tls-verify=false "docker://$REG/archive:latest"
    assert_success
    [ "$(jq -r .Labels <<<"$output")" = null ]
    # the layers are kept as they are: zstd stays zstd, uncompressed stays uncompressed
    run curl -s -H 'Accept: application/vnd.oci.image.manifest.v1+json' "$REG_URL/v2/plain/manifests/latest"
    assert_output --partial '"mediaType":"application/vnd.oci.image.layer.v1.tar"'
    [ "$(curl -s "$REG_URL/v2/zstd/blobs/$REGFIX_ZSTD_LAYERS" | sha256sum | cut -d' ' -f1)" = "${REGFIX_ZSTD_LAYERS#sha256:}" ]
    # the index keeps its three entries (skopeo --all)
    sk inspect --raw --tls-verify=false "docker://$REG/multi:latest"
    [ "$(jq '.manifests | length' <<<"$output")" -ge 3 ]
    sk inspect --tls-verify=false --override-arch arm64 "docker://$REG/multi:latest"
    assert_success
    [ "$(jq -r '.Labels["org.warren-test.variant"]' <<<"$output")" = multi-arm64 ]
}

@test "registry infra: tls: a CA of its own per start; without it skopeo and curl fail" {
    # guards: reg_start tls, REG_CA, REG_CERTDIR (server cert for IP 127.0.0.1)
    local ca1
    reg_start tls
    [[ $REG_URL == https://* ]]
    openssl verify -CAfile "$REG_CA" "$REG_DIR/certs/server.crt"
    reg_push "$REGFIX_GZIP" gzip:latest
    [ "$(raw_digest "$REG/gzip:latest" --cert-dir "$REG_CERTDIR")" = "$REGFIX_GZIP_DIGEST" ]
    run curl -s --cacert "$REG_CA" "$REG_URL/v2/"
    assert_success
    # no CA: the certificate is not trusted
    sk inspect --raw "docker://$REG/gzip:latest"
    assert_failure
    [[ $stderr == *"certificate signed by unknown authority"* ]] || fail "skopeo: $stderr"
    run curl -s "$REG_URL/v2/"
    [ "$status" = 60 ] || fail "curl without the CA exited $status"
    # plain http to the TLS port gets no registry answer
    run curl -s "http://$REG/v2/"
    [ "$output" != "{}" ]
    # the next start has another CA: the old one does not verify it
    ca1=$(cat "$REG_CA")
    reg_start tls
    [ "$(cat "$REG_CA")" != "$ca1" ]
    run curl -s --cacert <(echo "$ca1") "$REG_URL/v2/"
    [ "$status" = 60 ] || fail "curl with the previous CA exited $status"
}

@test "registry infra: basic, basic-http: right credentials work; a wrong password or none get 401" {
    # guards: reg_start basic (TLS + htpasswd), REG_USER/REG_PASS, REGISTRY_AUTH_FILE
    reg_start basic
    [ -n "$REG_USER" ] && [ -n "$REG_PASS" ]
    [ "$REGISTRY_AUTH_FILE" = "$REG_DIR/auth.json" ]
    reg_push "$REGFIX_LAYERS" layers:latest
    [ "$(raw_digest "$REG/layers:latest" --cert-dir "$REG_CERTDIR" --creds "$REG_USER:$REG_PASS")" = "$REGFIX_LAYERS_DIGEST" ]
    sk inspect --raw --cert-dir "$REG_CERTDIR" --creds "$REG_USER:wrong" "docker://$REG/layers:latest"
    assert_failure
    [[ $stderr == *"unauthorized"* ]] || fail "skopeo: $stderr"
    sk inspect --raw --cert-dir "$REG_CERTDIR" --no-creds "docker://$REG/layers:latest"
    assert_failure
    run curl_reg -o /dev/null -w '%{http_code}' -u "$REG_USER:wrong" "$REG_URL/v2/"
    assert_output 401
    run curl_reg -D - -o /dev/null "$REG_URL/v2/layers/manifests/latest"
    assert_header 'WWW-Authenticate: Basic realm="warren-test"'
    run curl_reg -o /dev/null -w '%{http_code}' -u "$REG_USER:$REG_PASS" "$REG_URL/v2/"
    assert_output 200
    # skopeo login keeps the credentials in REGISTRY_AUTH_FILE
    sk login --cert-dir "$REG_CERTDIR" -u "$REG_USER" -p "$REG_PASS" "$REG"
    assert_success
    grep -q "$REG" "$REG_DIR/auth.json"
    sk inspect --raw --cert-dir "$REG_CERTDIR" "docker://$REG/layers:latest"
    assert_success
    # basic-http: the same over plain http
    reg_start basic-http
    [[ $REG_URL == http://* ]] && [ -z "$REG_CA" ]
    reg_push "$REGFIX_GZIP" gzip:latest
    run curl -s -o /dev/null -w '%{http_code}' -u "$REG_USER:wrong" "$REG_URL/v2/"
    assert_output 401
    [ "$(raw_digest "$REG/gzip:latest" $(reg_flags))" = "$REGFIX_GZIP_DIGEST" ]
}

@test "registry infra: token: tokens per repository and action; read-only user, anonymous public/*, wrong password" {
    # guards: reg_start token, tests/tools/tokenserver.py (RS256 JWT with x5c trusted by the registry)
    local h tok
    reg_start token
    reg_push "$REGFIX_GZIP" gzip:latest
    reg_push "$REGFIX_GZIP" public/gzip:latest
    # the challenge names the realm and the service
    run curl_reg -D - -o /dev/null "$REG_URL/v2/"
    assert_header "WWW-Authenticate: Bearer realm=\"$REG_TOKEN_URL\",service=\"warren-test-registry\""
    # a pull token for gzip reads gzip's manifest, not another repository's
    tok=$(curl_reg -u "$REG_USER:$REG_PASS" "$REG_TOKEN_URL?service=warren-test-registry&scope=repository:gzip:pull" | jq -r .token)
    h=(-H "Authorization: Bearer $tok" -H 'Accept: application/vnd.oci.image.manifest.v1+json')
    run curl_reg -D - -o /dev/null "${h[@]}" "$REG_URL/v2/gzip/manifests/latest"
    assert_header "Docker-Content-Digest: $REGFIX_GZIP_DIGEST"
    run curl_reg -o /dev/null -w '%{http_code}' "${h[@]}" "$REG_URL/v2/public/gzip/manifests/latest"
    assert_output 401
    # the token is a JWT signed RS256 with the signer's certificate in x5c
    run jq -R 'split(".")[0] | gsub("-"; "+") | gsub("_"; "/") | . + "==" | @base64d | fromjson | [.alg, (.x5c | length)]' -c <<<"$tok"
    assert_output '["RS256",1]'
    # a tampered signature is refused by the registry
    run curl_reg -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${tok%?????}AAAAA" "$REG_URL/v2/gzip/manifests/latest"
    assert_output 401
    # wrong password: the token server says 401, skopeo fails
    run curl_reg -o /dev/null -w '%{http_code}' -u "$REG_USER:wrong" "$REG_TOKEN_URL?service=warren-test-registry"
    assert_output 401
    sk inspect --raw --cert-dir "$REG_CERTDIR" --creds "$REG_USER:wrong" "docker://$REG/gzip:latest"
    assert_failure
    # the read-only user pulls but cannot push
    [ "$(raw_digest "$REG/gzip:latest" --cert-dir "$REG_CERTDIR" --creds "$REG_RO_USER:$REG_RO_PASS")" = "$REGFIX_GZIP_DIGEST" ]
    run timeout 60 skopeo copy -q --insecure-policy --dest-cert-dir "$REG_CERTDIR" \
        --dest-creds "$REG_RO_USER:$REG_RO_PASS" "oci:$REGFIX_PLAIN:latest" "docker://$REG/plain:latest"
    assert_failure
    # anonymous: public/* only
    sk inspect --raw --cert-dir "$REG_CERTDIR" --no-creds "docker://$REG/public/gzip:latest"
    assert_success
    sk inspect --raw --cert-dir "$REG_CERTDIR" --no-creds "docker://$REG/gzip:latest"
    assert_failure
    # the token server logs what it granted
    grep -q "user=$REG_RO_USER granted=repository:plain:pull$" "$REG_TOKEN_LOG" ||
        fail "no read-only grant for plain in the log:"$'\n'"$(cat "$REG_TOKEN_LOG")"
    grep -q "user=$REG_USER granted=repository:gzip:pull,push" "$REG_TOKEN_LOG"
}

# ------------------------------------------------------------------ podman as a client
@test "registry infra: podman pulls the zstd image and the host's entry of both indexes with a token" {
    # guards: the registry fixtures work with a real client's pull (zstd layer, OCI index,
    # Docker manifest list), through Bearer auth and the per-start CA
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    reg_start token
    reg_push "$REGFIX_ZSTD" zstd:latest
    reg_push "$REGFIX_MULTI" multi:latest
    reg_push "$REGFIX_DOCKER_LIST" docker-list:latest
    local name v
    for name in zstd multi docker-list; do
        v=REGFIX_$(tr 'a-z-' 'A-Z_' <<<"$name")_ID
        run pm pull -q --cert-dir "$REG_CERTDIR" --creds "$REG_USER:$REG_PASS" "$REG/$name:latest"
        assert_success
        [ "sha256:${lines[-1]}" = "${!v}" ] || fail "podman pulled ${lines[-1]} for $name, expected ${!v}"
    done
    # with a wrong password podman fails
    run pm pull -q --cert-dir "$REG_CERTDIR" --creds "$REG_USER:wrong" "$REG/zstd:latest"
    assert_failure
}

# ------------------------------------------------------------------ fakereg
@test "fakereg: serves the layouts as a registry: tags, digests, HEAD, Range, tags/list, errors, log" {
    # guards: tests/tools/fakereg.py's normal answers and its request log
    fakereg_start
    run curl -s -D - "$FAKEREG_URL/v2/"
    assert_output --partial "Docker-Distribution-API-Version: registry/2.0"
    [ "sha256:$(curl -s "$FAKEREG_URL/v2/gzip/manifests/latest" | sha256sum | cut -d' ' -f1)" = "$REGFIX_GZIP_DIGEST" ]
    run curl -s -I "$FAKEREG_URL/v2/multi/manifests/$REGFIX_MULTI_DIGEST"
    assert_output --partial "Content-Type: application/vnd.oci.image.index.v1+json"
    assert_output --partial "Docker-Content-Digest: $REGFIX_MULTI_DIGEST"
    run curl -s -I "$FAKEREG_URL/v2/docker-list/manifests/latest"
    assert_output --partial "Content-Type: application/vnd.docker.distribution.manifest.list.v2+json"
    [ "$(curl -s "$FAKEREG_URL/v2/gzip/blobs/$REGFIX_GZIP_LAYERS" | sha256sum | cut -d' ' -f1)" = "${REGFIX_GZIP_LAYERS#sha256:}" ]
    run curl -s -o /dev/null -w '%{http_code} %{size_download}' -H 'Range: bytes=1000-' "$FAKEREG_URL/v2/gzip/blobs/$REGFIX_GZIP_LAYERS"
    assert_output "206 $(($(stat -c %s "$REGFIX_GZIP/blobs/sha256/${REGFIX_GZIP_LAYERS#sha256:}") - 1000))"
    run curl -s "$FAKEREG_URL/v2/gzip/tags/list"
    assert_output '{"name": "gzip", "tags": ["latest"]}'
    run curl -s -w ' %{http_code}' "$FAKEREG_URL/v2/nosuch/manifests/latest"
    assert_output --partial '"code": "NAME_UNKNOWN"'
    assert_output --regexp ' 404$'
    run curl -s -w ' %{http_code}' "$FAKEREG_URL/v2/gzip/manifests/nosuch"
    assert_output --partial '"code": "MANIFEST_UNKNOWN"'
    run curl -s -w ' %{http_code}' "$FAKEREG_URL/v2/gzip/blobs/sha256:$(printf '%064d' 0)"
    assert_output --partial '"code": "BLOB_UNKNOWN"'
    # the log counts requests by method and path
    [ "$(fakereg_count GET "/v2/gzip/blobs/$REGFIX_GZIP_LAYERS")" = 2 ]
    [ "$(fakereg_count HEAD "/v2/multi/manifests/$REGFIX_MULTI_DIGEST")" = 1 ]
    grep -qx "GET /v2/nosuch/manifests/latest 404 auth=none accept=\*/\*" "$FAKEREG_LOG"
    grep -qx "GET /v2/gzip/blobs/$REGFIX_GZIP_LAYERS 206 auth=none range=bytes=1000-" "$FAKEREG_LOG"
    # skopeo reads it as a registry: the host's image of the index, all of it with --all
    sk inspect --tls-verify=false "docker://$FAKEREG/multi:latest"
    assert_success
    [ "$(jq -r .Digest <<<"$output")" = "$REGFIX_MULTI_DIGEST" ]
    run timeout 60 skopeo copy -q --all --preserve-digests --src-tls-verify=false \
        "docker://$FAKEREG/multi:latest" "oci:$BATS_TEST_TMPDIR/copy:latest"
    assert_success
    [ "$(fakereg_count GET "/v2/multi/blobs/$REGFIX_MULTI_LAYERS")" = 1 ]
}

@test "fakereg: blob faults: badlayer, badconfig, missingblob; skopeo sees the digest mismatch" {
    # guards: fakereg.py faults for "the bytes do not match the digest"
    local l=$REGFIX_GZIP_LAYERS cfg=$REGFIX_GZIP_ID
    fakereg_start
    [ "$(curl -s "$FAKEREG_URL/v2/badlayer/gzip/blobs/$l" | sha256sum | cut -d' ' -f1)" != "${l#sha256:}" ]
    [ "$(curl -s "$FAKEREG_URL/v2/badlayer/gzip/blobs/$l" | wc -c)" = "$(stat -c %s "$REGFIX_GZIP/blobs/sha256/${l#sha256:}")" ]
    [ "$(curl -s "$FAKEREG_URL/v2/badlayer/gzip/blobs/$cfg" | sha256sum | cut -d' ' -f1)" = "${cfg#sha256:}" ]
    [ "$(curl -s "$FAKEREG_URL/v2/badconfig/gzip/blobs/$cfg" | sha256sum | cut -d' ' -f1)" != "${cfg#sha256:}" ]
    [ "$(curl -s "$FAKEREG_URL/v2/badconfig/gzip/blobs/$l" | sha256sum | cut -d' ' -f1)" = "${l#sha256:}" ]
    run curl -s -o /dev/null -w '%{http_code}' "$FAKEREG_URL/v2/missingblob/gzip/blobs/$l"
    assert_output 404
    run timeout 60 skopeo copy -q --src-tls-verify=false "docker://$FAKEREG/badlayer/gzip:latest" "oci:$BATS_TEST_TMPDIR/bad:latest"
    assert_failure
    assert_output --partial "Digest did not match"
    # --fault applies to every repository
    fakereg_start --fault badlayer
    [ "$(curl -s "$FAKEREG_URL/v2/gzip/blobs/$l" | sha256sum | cut -d' ' -f1)" != "${l#sha256:}" ]
}

@test "fakereg: transfer faults: truncated closes early, stall stops mid-layer, slow is rate-limited" {
    # guards: fakereg.py truncated, stall, slow (--rate)
    local l=$REGFIX_GZIP_LAYERS size
    size=$(stat -c %s "$REGFIX_GZIP/blobs/sha256/${l#sha256:}")
    fakereg_start --rate 100000
    run curl -s -o /dev/null -w '%{size_download}' "$FAKEREG_URL/v2/truncated/gzip/blobs/$l"
    [ "$status" = 18 ] || fail "curl exited $status (18: partial file)"
    [ "$output" = $((size / 2)) ] || fail "received $output bytes of $size"
    run curl -s -I "$FAKEREG_URL/v2/truncated/gzip/blobs/$l"
    assert_output --partial "Content-Length: $size"
    run curl -s -o /dev/null -m 2 -w '%{size_download}' "$FAKEREG_URL/v2/stall/gzip/blobs/$l"
    [ "$status" = 28 ] || fail "curl exited $status (28: timed out)"
    [ "$output" = $((size / 2)) ] || fail "received $output bytes of $size"
    # the config is not a layer: served whole
    run curl -s -o /dev/null -m 5 "$FAKEREG_URL/v2/stall/gzip/blobs/$REGFIX_GZIP_ID"
    assert_success
    # slow: 100000 B/s, so in 1 s far less than the ~1 MB layer
    run curl -s -o /dev/null -m 1 -w '%{size_download}' "$FAKEREG_URL/v2/slow/gzip/blobs/$l"
    [ "$status" = 28 ] || fail "curl exited $status (28: timed out)"
    [ "$output" -gt 0 ] && [ "$output" -le 200000 ] || fail "received $output bytes in 1 s"
}

@test "fakereg: manifest faults: unknownmt, huge, schema1, badjson, toomany" {
    # guards: fakereg.py manifest faults
    fakereg_start
    run curl -s -D - "$FAKEREG_URL/v2/unknownmt/gzip/manifests/latest"
    assert_output --partial "Content-Type: application/vnd.warren-test.unknown+json"
    assert_output --partial '"mediaType": "application/vnd.warren-test.unknown+json"'
    run curl -s -o /dev/null -w '%{size_download}' "$FAKEREG_URL/v2/huge/gzip/manifests/latest"
    [ "$output" -gt $((4 * 1024 * 1024)) ] || fail "huge manifest of $output bytes"
    run curl -s -D - "$FAKEREG_URL/v2/schema1/gzip/manifests/latest"
    assert_output --partial "Content-Type: application/vnd.docker.distribution.manifest.v1+prettyjws"
    assert_output --partial '"schemaVersion": 1'
    assert_output --partial "\"blobSum\": \"$REGFIX_GZIP_LAYERS\""
    run bash -c "curl -s '$FAKEREG_URL/v2/badjson/gzip/manifests/latest' | jq ."
    assert_failure
    run curl -s -D - -o /dev/null "$FAKEREG_URL/v2/toomany/gzip/manifests/latest"
    assert_output --partial "HTTP/1.1 429"
    assert_output --partial "Retry-After: 1"
    run timeout 60 skopeo inspect --raw --tls-verify=false "docker://$FAKEREG/unknownmt/gzip:latest"
    assert_success   # (skopeo --raw does not parse it)
    run timeout 60 skopeo inspect --tls-verify=false "docker://$FAKEREG/unknownmt/gzip:latest"
    assert_failure
}

@test "fakereg: redirect: blob GETs answer 307 to a blob store path that needs no credentials" {
    # guards: fakereg.py redirect (as registries send clients to S3-like storage)
    local l=$REGFIX_GZIP_LAYERS loc
    fakereg_start --basic wt:secret
    run curl -s -u wt:secret -D - -o /dev/null "$FAKEREG_URL/v2/redirect/gzip/blobs/$l"
    assert_output --partial "HTTP/1.1 307"
    loc=$(grep -i '^Location:' <<<"$output" | cut -d' ' -f2 | tr -d '\r')
    [ "$loc" = "/_blobstore/gzip/sha256/${l#sha256:}" ] || fail "Location: $loc"
    [ "$(curl -s "$FAKEREG_URL$loc" | sha256sum | cut -d' ' -f1)" = "${l#sha256:}" ]
    # HEAD is not redirected; curl -L follows to the right bytes
    run curl -s -u wt:secret -I "$FAKEREG_URL/v2/redirect/gzip/blobs/$l"
    assert_output --partial "HTTP/1.1 200"
    [ "$(curl -s -L -u wt:secret "$FAKEREG_URL/v2/redirect/gzip/blobs/$l" | sha256sum | cut -d' ' -f1)" = "${l#sha256:}" ]
    grep -qx "GET $loc 200 auth=none" "$FAKEREG_LOG"
}

@test "fakereg: --basic: 401 without or with wrong credentials; deny/ refuses even the right ones" {
    # guards: fakereg.py Basic auth ("wrong password") and the deny fault
    fakereg_start --basic wt:secret
    run curl -s -D - -o /dev/null "$FAKEREG_URL/v2/"
    assert_output --partial "HTTP/1.1 401"
    assert_output --partial 'WWW-Authenticate: Basic realm="fakereg"'
    run curl -s -o /dev/null -w '%{http_code}' -u wt:wrong "$FAKEREG_URL/v2/gzip/manifests/latest"
    assert_output 401
    run curl -s -o /dev/null -w '%{http_code}' -u wt:secret "$FAKEREG_URL/v2/gzip/manifests/latest"
    assert_output 200
    run curl -s -o /dev/null -w '%{http_code}' -u wt:secret "$FAKEREG_URL/v2/deny/gzip/manifests/latest"
    assert_output 401
    grep -q "^GET /v2/gzip/manifests/latest 401 auth=basic " "$FAKEREG_LOG"
    sk inspect --raw --tls-verify=false --creds wt:secret "docker://$FAKEREG/gzip:latest"
    assert_success
    sk inspect --raw --tls-verify=false --creds wt:wrong "docker://$FAKEREG/gzip:latest"
    assert_failure
}

@test "fakereg: --token: Bearer challenge, token endpoint, tokens good for their scope only" {
    # guards: fakereg.py Bearer auth (WWW-Authenticate realm/service/scope)
    local tok
    fakereg_start --token wt:secret
    run curl -s -D - -o /dev/null "$FAKEREG_URL/v2/gzip/manifests/latest"
    assert_output --partial "WWW-Authenticate: Bearer realm=\"$FAKEREG_URL/token\",service=\"fakereg\",scope=\"repository:gzip:pull\""
    run curl -s -o /dev/null -w '%{http_code}' -u wt:wrong "$FAKEREG_URL/token?service=fakereg&scope=repository:gzip:pull"
    assert_output 401
    tok=$(curl -s -u wt:secret "$FAKEREG_URL/token?service=fakereg&scope=repository:gzip:pull" | jq -r .token)
    run curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" "$FAKEREG_URL/v2/gzip/manifests/latest"
    assert_output 200
    run curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" "$FAKEREG_URL/v2/zstd/manifests/latest"
    assert_output 401
    run curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer nope" "$FAKEREG_URL/v2/gzip/manifests/latest"
    assert_output 401
    grep -q "^GET /v2/gzip/manifests/latest 200 auth=bearer " "$FAKEREG_LOG"
    sk inspect --raw --tls-verify=false --creds wt:secret "docker://$FAKEREG/multi:latest"
    assert_success
    sk inspect --raw --tls-verify=false --creds wt:wrong "docker://$FAKEREG/multi:latest"
    assert_failure
}

@test "fakereg: --tls CERT KEY and --https serve https; skopeo with the CA pulls through a token" {
    # guards: fakereg.py --tls, fakereg_start --https, reg_certs
    reg_certs "$BATS_TEST_TMPDIR/certs"
    fakereg_start --tls "$BATS_TEST_TMPDIR/certs/server.crt" "$BATS_TEST_TMPDIR/certs/server.key"
    [[ $FAKEREG_URL == https://* ]]
    run curl -s --cacert "$BATS_TEST_TMPDIR/certs/ca.crt" "$FAKEREG_URL/v2/"
    assert_output "{}"
    run curl -s "$FAKEREG_URL/v2/"
    [ "$status" = 60 ] || fail "curl without the CA exited $status"
    fakereg_start --https --token wt:secret
    [[ $FAKEREG_URL == https://* ]] && [ -e "$FAKEREG_CERTDIR/ca.crt" ]
    run timeout 60 skopeo copy -q --src-cert-dir "$FAKEREG_CERTDIR" --src-creds wt:secret \
        "docker://$FAKEREG/layers:latest" "oci:$BATS_TEST_TMPDIR/copy:latest"
    assert_success
    [ "$(fakereg_count GET /token)" -ge 1 ]
    sk inspect --raw --creds wt:secret "docker://$FAKEREG/layers:latest"
    assert_failure
    [[ $stderr == *"certificate signed by unknown authority"* ]] || fail "skopeo: $stderr"
}

@test "fakereg: fakereg_wait_for sees a slow layer begin, the transfer can be interrupted" {
    # guards: the pattern of a SIGINT-mid-pull test (slow fault, fakereg_wait_for)
    local l=$REGFIX_GZIP_LAYERS pid
    fakereg_start --rate 50000
    # (bash starts background jobs with SIGINT ignored: start_warren does the same)
    env --default-signal=INT curl -s -o "$BATS_TEST_TMPDIR/part" "$FAKEREG_URL/v2/slow/gzip/blobs/$l" 3>&- &
    pid=$!
    WT_BG_PIDS+=("$pid")
    fakereg_wait_for GET "/v2/slow/gzip/blobs/$l" 10 || fail "the blob GET never came"
    sleep 0.5
    kill -INT "$pid"
    wait "$pid" || true
    local got
    got=$(stat -c %s "$BATS_TEST_TMPDIR/part")
    [ "$got" -gt 0 ] && [ "$got" -lt "$(stat -c %s "$REGFIX_GZIP/blobs/sha256/${l#sha256:}")" ] ||
        fail "got $got bytes"
}
