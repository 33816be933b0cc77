#!/usr/bin/env bats
# shellcheck disable=SC2154  # status/output/stderr come from bats
# Issue 7 "Trust and verification": signedBy (GPG, "simple signing" in a file://
# lookaside store named by registries.d) and sigstoreSigned (public keys, cosign
# attachments in the registry) on pull, against a real registry (docker-registry on
# 127.0.0.1). skopeo signs (copy --sign-by); the sigstore attachment is built here
# with openssl and curl (Debian 12's skopeo has no key generator for it). podman is
# the oracle for the messages and for `image trust show`.

load helpers
load registry

setup_file() {
    command -v gpg >/dev/null || skip "gpg is missing (tests/deps.sh installs gnupg)"
    reg_start plain
    reg_push "$REGFIX_GZIP" gzip:latest
    reg_push "$REGFIX_ZSTD" zstd:latest
    export SIG_DIR=$BATS_FILE_TMPDIR/sig
    export SIG_LA=$SIG_DIR/lookaside SIG_RD=$SIG_DIR/registries.d
    mkdir -p "$SIG_DIR/gnupg" "$SIG_LA" "$SIG_RD"
    chmod 700 "$SIG_DIR/gnupg"
    printf 'default-docker:\n  lookaside: file://%s\n' "$SIG_LA" >"$SIG_RD/default.yaml"
    local g=(env GNUPGHOME="$SIG_DIR/gnupg" gpg --batch --quiet --passphrase '')
    # ed25519: made in milliseconds (RSA takes seconds)
    "${g[@]}" --quick-gen-key 'Warren Signer <signer@example.com>' ed25519 sign 0 2>/dev/null
    "${g[@]}" --quick-gen-key 'Other Signer <other@example.com>' ed25519 sign 0 2>/dev/null
    export SIG_FPR SIG_OTHER_FPR
    SIG_FPR=$("${g[@]}" --with-colons --list-keys signer@example.com | awk -F: '$1 == "fpr" {print $10; exit}')
    SIG_OTHER_FPR=$("${g[@]}" --with-colons --list-keys other@example.com | awk -F: '$1 == "fpr" {print $10; exit}')
    "${g[@]}" --export signer@example.com >"$SIG_DIR/signer.gpg"
    "${g[@]}" --export --armor other@example.com >"$SIG_DIR/other.asc"
    sig_copy gzip:latest signed:latest --sign-by "$SIG_FPR"
    sig_copy gzip:latest othersigned:latest --sign-by "$SIG_OTHER_FPR"
    sig_copy zstd:latest signedz:latest --sign-by "$SIG_FPR"
    # the same image under another tag and repository: the signature names signed:latest
    sig_copy signed:latest signed:v2
    sig_copy signed:latest mirror/signed:latest
    env GNUPGHOME="$SIG_DIR/gnupg" gpgconf --kill gpg-agent 2>/dev/null || true
}

teardown_file() { reg_stop; }

setup() {
    use_private_store
    export CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf
    printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$REG" >"$CONTAINERS_REGISTRIES_CONF"
    export WARREN_REGISTRIES_D=$SIG_RD
    POL=$BATS_TEST_TMPDIR/policy.json
}

teardown() {
    pm_cleanup
    wt_teardown
}

# sig_copy SRC DEST [SKOPEO-FLAGS...]: registry-to-registry copy by skopeo (signing
# with --sign-by: the signature goes to the lookaside store of $SIG_RD)
sig_copy() {
    local src=$1 dest=$2
    shift 2
    GNUPGHOME=$SIG_DIR/gnupg timeout 120 skopeo copy -q --insecure-policy --registries.d "$SIG_RD" \
        --src-tls-verify=false --dest-tls-verify=false "$@" "docker://$REG/$src" "docker://$REG/$dest" >&2
}

# sig_file REPO DIGEST [N]: the path of lookaside signature N (default 1)
sig_file() {
    echo "$SIG_LA/$1@sha256=${2#sha256:}/signature-${3:-1}"
}

# policy SCOPE REQUIREMENT-JSON: $POL accepts everything but SCOPE, which needs REQUIREMENT
policy() {
    cat >"$POL" <<EOF
{"default": [{"type": "insecureAcceptAnything"}],
 "transports": {"docker": {"$1": [$2]}}}
EOF
}

# gpg_req [KEYFILE] [EXTRA-JSON]: a signedBy requirement
gpg_req() {
    echo "{\"type\": \"signedBy\", \"keyType\": \"GPGKeys\", \"keyPath\": \"${1:-$SIG_DIR/signer.gpg}\"${2:+, $2}}"
}

# stored: "IMAGES LAYERS" of the current store
stored() {
    local n l
    n=$("$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" images -q | wc -l)
    l=$(find "$WT_ROOT/layers" -mindepth 1 -maxdepth 1 -name '[0-9a-f]*' 2>/dev/null | wc -l)
    echo "$n $l"
}

# refused REF WANT: the pull fails with WANT in its last line and stores nothing
refused() {
    local before
    before=$(stored)
    run_warren 125 pull --signature-policy "$POL" "$REG/$1"
    [[ ${stderr_lines[-1]} == *"$2"* ]] || fail "want '$2', got: $stderr"
    [ "${#stderr_lines[@]}" -le 2 ] || fail "more than a Trying line and the error: $stderr"
    [ "$(stored)" = "$before" ] || fail "a refused pull stored something: $(stored) vs $before"
}

@test "signatures: an image signed by the policy's key pulls; unsigned, other key, tampered refused, nothing stored" {
    # guards: issue 7 "signedBy with GPG keys (gpgme) and the signature stores of registries.d";
    # "A policy that rejects an image fails the pull with the reason and stores nothing"
    policy "$REG" "$(gpg_req)"
    local tmp=$BATS_TEST_TMPDIR/tmp
    mkdir "$tmp"
    run_warren_env 0 TMPDIR="$tmp" -- pull -q --signature-policy "$POL" "$REG/signed:latest"
    assert_output "${REGFIX_GZIP_ID#sha256:}"
    [ -z "$(ls -A "$tmp")" ] || fail "the private keyring was left behind: $(ls -A "$tmp")"
    run_warren 0 images --format '{{.Repository}}:{{.Tag}}'
    assert_output "$REG/signed:latest"
    run_warren 0 rmi -a
    refused gzip:latest "Source image rejected: A signature was required, but no signature exists"
    refused othersigned:latest "Source image rejected: Invalid GPG signature: signed by key $SIG_OTHER_FPR, which the policy does not trust"
    # a tampered signature: one byte of the signed message changed
    local d f
    d=$(reg_digest signed:latest)
    f=$(sig_file signed "$d")
    cp "$f" "$BATS_TEST_TMPDIR/good"
    python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[len(b) // 2] ^= 0x01; open(sys.argv[1], "wb").write(b)' "$f"
    refused signed:latest "Source image rejected: Invalid GPG signature"
    cp "$BATS_TEST_TMPDIR/good" "$f"
    # both keys trusted (keyPaths, one binary, one armored): both images pull
    policy "$REG" "{\"type\": \"signedBy\", \"keyType\": \"GPGKeys\", \"keyPaths\": [\"$SIG_DIR/other.asc\", \"$SIG_DIR/signer.gpg\"]}"
    run_warren 0 pull -q --signature-policy "$POL" "$REG/othersigned:latest"
    # keyData: the key inline
    policy "$REG" "{\"type\": \"signedBy\", \"keyType\": \"GPGKeys\", \"keyData\": \"$(base64 -w0 "$SIG_DIR/signer.gpg")\"}"
    run_warren 0 pull -q --signature-policy "$POL" "$REG/signed:latest"
}

@test "signatures: a signature for another digest or another name is refused; signedIdentity decides" {
    # guards: issue 7 signedBy "Check the manifest digest ... and the identity per signedIdentity"
    local dg dz
    dg=$(reg_digest gzip:latest)
    dz=$(reg_digest signedz:latest)
    # zstd's signature put where gzip's would be: the digest it signs is not this image's
    sig_copy gzip:latest wrongdigest:latest
    mkdir -p "$(dirname "$(sig_file wrongdigest "$dg")")"
    cp "$(sig_file signedz "$dz")" "$(sig_file wrongdigest "$dg")"
    policy "$REG" "$(gpg_req)"
    refused wrongdigest:latest "Source image rejected: Signature for digest $dz does not match"
    # signed:v2 is signed:latest's image; its signature names signed:latest
    refused signed:v2 "Source image rejected: Signature for identity $REG/signed:latest is not accepted"
    policy "$REG" "$(gpg_req "" '"signedIdentity": {"type": "matchRepository"}')"
    run_warren 0 pull -q --signature-policy "$POL" "$REG/signed:v2"
    # by digest, the repository is what must match
    policy "$REG" "$(gpg_req)"
    run_warren 0 pull -q --signature-policy "$POL" "$REG/signed@$dg"
    policy "$REG" "$(gpg_req "" '"signedIdentity": {"type": "matchExact"}')"
    refused "signed@$dg" "is not accepted"
    policy "$REG" "$(gpg_req "" "\"signedIdentity\": {\"type\": \"exactReference\", \"dockerReference\": \"$REG/signed:latest\"}")"
    run_warren 0 pull -q --signature-policy "$POL" "$REG/signed:v2"
    # a mirror's copy: signed as $REG/signed, pulled as $REG/mirror/signed
    mkdir -p "$(dirname "$(sig_file mirror/signed "$dg")")"
    cp "$(sig_file signed "$dg")" "$(sig_file mirror/signed "$dg")"
    policy "$REG" "$(gpg_req)"
    refused mirror/signed:latest "is not accepted"
    policy "$REG" "$(gpg_req "" "\"signedIdentity\": {\"type\": \"remapIdentity\", \"prefix\": \"$REG/mirror\", \"signedPrefix\": \"$REG\"}")"
    run_warren 0 pull -q --signature-policy "$POL" "$REG/mirror/signed:latest"
    # a scope that does not require signatures is not affected
    run_warren 0 pull -q --signature-policy "$POL" "$REG/zstd:latest" 2>/dev/null || true
}

@test "signatures: hostile signature files, registries.d and keys give one-line errors" {
    # guards: issue 7 "Correctness under bad input": garbage, huge, bad YAML, bad keys
    local dg f
    dg=$(reg_digest gzip:latest)
    sig_copy gzip:latest hostile:latest
    f=$(sig_file hostile "$dg")
    mkdir -p "$(dirname "$f")"
    policy "$REG" "$(gpg_req)"
    echo "this is not a signature" >"$f"
    refused hostile:latest "unrecognized signature format, starting with binary 0x74"
    printf '\x00sigstore-json\n{}' >"$f"    # not a GPG signature: skipped, so none
    refused hostile:latest "A signature was required, but no signature exists"
    head -c 100 /dev/urandom | { printf '\xa3'; cat; } >"$f"   # looks like OpenPGP, is not
    refused hostile:latest "Invalid GPG signature"
    head -c $((5 << 20)) /dev/zero | tr '\0' '\210' >"$f"
    refused hostile:latest "larger than"
    cp "$(sig_file signed "$dg")" "$f"
    policy "$REG" "$(gpg_req "" "\"signedIdentity\": {\"type\": \"exactRepository\", \"dockerRepository\": \"$REG/signed\"}")"
    run_warren 0 pull -q --signature-policy "$POL" "$REG/hostile:latest"
    run_warren 0 rmi -a
    # bad keys
    echo "not a key" >"$BATS_TEST_TMPDIR/bad.gpg"
    policy "$REG" "$(gpg_req "$BATS_TEST_TMPDIR/bad.gpg")"
    refused hostile:latest "No public keys imported"
    policy "$REG" "$(gpg_req /nonexistent/key.gpg)"
    refused hostile:latest "read key file: open '/nonexistent/key.gpg': No such file or directory"
    policy "$REG" '{"type": "signedBy", "keyType": "GPGKeys", "keyData": "%%%"}'
    refused hostile:latest "keyData is not valid base64"
    policy "$REG" '{"type": "signedBy", "keyType": "GPGKeys"}'
    refused hostile:latest "signedBy needs exactly one of keyPath, keyPaths and keyData"
    policy "$REG" "$(gpg_req "" '"signedIdentity": {"type": "remapIdentity", "prefix": "a b", "signedPrefix": "x"}')"
    refused hostile:latest "prefix a b is not valid"
    # bad registries.d: the file is named
    policy "$REG" "$(gpg_req)"
    local rd=$BATS_TEST_TMPDIR/rd
    mkdir "$rd"
    printf 'docker:\n  - [unclosed\n' >"$rd/bad.yaml"
    WARREN_REGISTRIES_D=$rd refused hostile:latest "parsing $rd/bad.yaml: line"
    printf 'docker: 5\n' >"$rd/bad.yaml"
    WARREN_REGISTRIES_D=$rd refused hostile:latest "\"docker\" must be a mapping"
    printf 'default-docker:\n  lookaside: file://%s\n' "$SIG_LA" >"$rd/bad.yaml"
    cp "$rd/bad.yaml" "$rd/twice.yaml"
    WARREN_REGISTRIES_D=$rd refused hostile:latest "\"default-docker\" defined both in"
    printf 'default-docker:\n  lookaside: ftp://x/y\n' >"$rd/bad.yaml"
    rm "$rd/twice.yaml"
    WARREN_REGISTRIES_D=$rd refused hostile:latest "Unsupported scheme when reading signature from ftp://x/y"
    # signedBaseLayer stays refused, loudly
    policy "$REG" '{"type": "signedBaseLayer", "baseLayerIdentity": {"type": "matchRepository"}}'
    refused hostile:latest "requires a signedBaseLayer signature"
}

# cosign_attach REPO:TAG KEY [IDENTITY]: a sigstore signature of the image, attached as
# cosign does (manifest sha256-HEX.sig, one simplesigning layer with the signature in an
# annotation); IDENTITY defaults to $REG/REPO:TAG
cosign_attach() {
    local repo=${1%:*} digest payload sig cfg m
    digest=$(reg_digest "$1")
    payload=$BATS_TEST_TMPDIR/payload.json
    printf '{"critical":{"identity":{"docker-reference":"%s"},"image":{"docker-manifest-digest":"%s"},"type":"cosign container image signature"},"optional":null}' \
        "${3:-$REG/$1}" "$digest" >"$payload"
    sig=$(openssl dgst -sha256 -sign "$2" "$payload" | base64 -w0)
    echo '{}' >"$BATS_TEST_TMPDIR/cfg.json"
    blob_put "$repo" "$payload" && blob_put "$repo" "$BATS_TEST_TMPDIR/cfg.json" || return 1
    cfg=$(sha256sum <"$BATS_TEST_TMPDIR/cfg.json" | cut -d' ' -f1)
    m=$(jq -nc --arg c "sha256:$cfg" --arg l "sha256:$(sha256sum <"$payload" | cut -d' ' -f1)" \
        --argjson ls "$(stat -c %s "$payload")" --arg s "$sig" \
        '{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
          config: {mediaType: "application/vnd.oci.image.config.v1+json", size: 3, digest: $c},
          layers: [{mediaType: "application/vnd.dev.cosign.simplesigning.v1+json", size: $ls,
                    digest: $l, annotations: {"dev.cosignproject.cosign/signature": $s}}]}')
    curl -fsS -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
        --data-binary "$m" "$REG_URL/v2/$repo/manifests/sha256-${digest#sha256:}.sig" >/dev/null
}

# blob_put REPO FILE: a monolithic upload (POST, then PUT with the digest)
blob_put() {
    local loc
    loc=$(curl -fsS -X POST -D - -o /dev/null "$REG_URL/v2/$1/blobs/uploads/" |
        tr -d '\r' | awk -F': ' 'tolower($1) == "location" {print $2}')
    [[ $loc == http* ]] || loc=$REG_URL$loc
    curl -fsS -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$2" \
        "$loc&digest=sha256:$(sha256sum <"$2" | cut -d' ' -f1)" >/dev/null
}

@test "sigstore: a cosign signature attached in the registry is verified with the policy's public key" {
    # guards: issue 7 "sigstoreSigned with a public key (OpenSSL) for signatures attached in the registry"
    local k=$BATS_TEST_TMPDIR
    openssl ecparam -genkey -name prime256v1 -noout -out "$k/key.pem" 2>/dev/null
    openssl ec -in "$k/key.pem" -pubout -out "$k/pub.pem" 2>/dev/null
    openssl ecparam -genkey -name prime256v1 -noout -out "$k/other.pem" 2>/dev/null
    sig_copy gzip:latest cosigned:latest
    sig_copy zstd:latest cosother:latest
    sig_copy zstd:latest cosname:latest
    cosign_attach cosigned:latest "$k/key.pem"
    cosign_attach cosother:latest "$k/other.pem"
    cosign_attach cosname:latest "$k/key.pem" "$REG/elsewhere:latest"
    local rd=$k/rd
    mkdir "$rd"
    printf 'docker:\n  %s:\n    use-sigstore-attachments: true\n' "$REG" >"$rd/sigstore.yaml"
    export WARREN_REGISTRIES_D=$rd
    policy "$REG" "{\"type\": \"sigstoreSigned\", \"keyPath\": \"$k/pub.pem\"}"
    run_warren 0 pull -q --signature-policy "$POL" "$REG/cosigned:latest"
    assert_output "${REGFIX_GZIP_ID#sha256:}"
    refused cosother:latest "Source image rejected: cryptographic signature verification failed"
    refused cosname:latest "Source image rejected: Signature for identity $REG/elsewhere:latest is not accepted"
    refused gzip:latest "Source image rejected: A signature was required, but no signature exists"
    # without use-sigstore-attachments the attachment is not looked at
    printf 'docker:\n  %s:\n    use-sigstore-attachments: false\n' "$REG" >"$rd/sigstore.yaml"
    run_warren 0 rmi -a
    refused cosigned:latest "A signature was required, but no signature exists"
    policy "$REG" "{\"type\": \"sigstoreSigned\", \"keyPath\": \"$k/pub.pem\", \"fulcio\": {}}"
    refused cosigned:latest "needs exactly one of keyPath"
    echo garbage >"$k/bad.pem"
    printf 'docker:\n  %s:\n    use-sigstore-attachments: true\n' "$REG" >"$rd/sigstore.yaml"
    policy "$REG" "{\"type\": \"sigstoreSigned\", \"keyPath\": \"$k/bad.pem\"}"
    refused cosigned:latest "not a PEM public key"
}

@test "sigstore: podman reads the same attachment the same way" {
    # guards: issue 7 sigstoreSigned; podman as the oracle
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    local k=$BATS_TEST_TMPDIR h=$BATS_TEST_TMPDIR/home
    openssl ecparam -genkey -name prime256v1 -noout -out "$k/key.pem" 2>/dev/null
    openssl ec -in "$k/key.pem" -pubout -out "$k/pub.pem" 2>/dev/null
    sig_copy gzip:latest pmcosigned:latest
    cosign_attach pmcosigned:latest "$k/key.pem"
    mkdir -p "$h/.config/containers/registries.d"
    printf 'docker:\n  %s:\n    use-sigstore-attachments: true\n' "$REG" >"$h/.config/containers/registries.d/s.yaml"
    policy "$REG" "{\"type\": \"sigstoreSigned\", \"keyPath\": \"$k/pub.pem\"}"
    HOME=$h run pm pull -q --tls-verify=false --signature-policy "$POL" "$REG/pmcosigned:latest"
    [[ $output != *"sigstore disabled"* ]] || skip "Debian's podman is built without sigstore: $output"
    [ "$status" = 0 ] || fail "podman refused what warren accepts: $output"
    WARREN_REGISTRIES_D=$h/.config/containers/registries.d run_warren 0 pull -q --signature-policy "$POL" "$REG/pmcosigned:latest"
}

@test "signatures: podman gives the same verdicts and messages; image trust show lists keys and stores as podman" {
    # guards: issue 7 "image trust show ... edit the same files"; Podman's wording
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    policy "$REG" "$(gpg_req)"
    mkdir -p "$BATS_TEST_TMPDIR/home/.config/containers"
    cp -r "$SIG_RD" "$BATS_TEST_TMPDIR/home/.config/containers/registries.d"
    local h=$BATS_TEST_TMPDIR/home
    HOME=$h run --separate-stderr pm pull --tls-verify=false --signature-policy "$POL" "$REG/gzip:latest"
    local perr=${stderr_lines[-1]}
    refused gzip:latest "Source image rejected"
    assert_equal "${stderr_lines[-1]}" "$perr"
    HOME=$h run --separate-stderr pm pull --tls-verify=false --signature-policy "$POL" "$REG/signed:v2"
    perr=${stderr_lines[-1]}
    refused signed:v2 "is not accepted"
    assert_equal "${stderr_lines[-1]}" "$perr"
    HOME=$h run pm pull -q --tls-verify=false --signature-policy "$POL" "$REG/signed:latest"
    [ "$status" = 0 ] || fail "podman: $output"
    run_warren 0 pull -q --signature-policy "$POL" "$REG/signed:latest"
    # trust show: podman asks `gpg2` for the key ids
    mkdir "$BATS_TEST_TMPDIR/bin"
    ln -s "$(command -v gpg)" "$BATS_TEST_TMPDIR/bin/gpg2"
    cat >"$POL" <<EOF
{"default": [{"type": "reject"}],
 "transports": {"docker": {
   "$REG": [$(gpg_req)],
   "$REG/two": [$(gpg_req), $(gpg_req "$SIG_DIR/other.asc")],
   "$REG/cos": [{"type": "sigstoreSigned", "keyPath": "$SIG_DIR/x.pub"}],
   "$REG/no": [{"type": "reject"}]}}}
EOF
    local rd=$BATS_TEST_TMPDIR/rd
    mkdir "$rd"
    printf 'default-docker:\n  lookaside: https://sigs.example.com/x\ndocker:\n  %s/two:\n    sigstore: file:///sigs\n' "$REG" >"$rd/a.yaml"
    run_warren 0 image trust show --policypath "$POL" --registrypath "$rd"
    local ours=$output
    run_warren 0 image trust show --json --policypath "$POL" --registrypath "$rd"
    local ours_json=$output
    PATH=$BATS_TEST_TMPDIR/bin:$PATH run pm image trust show --policypath "$POL" --registrypath "$rd"
    assert_equal "$ours" "$output"
    PATH=$BATS_TEST_TMPDIR/bin:$PATH run pm image trust show --json --policypath "$POL" --registrypath "$rd"
    assert_equal "$ours_json" "$output"
    [[ $ours == *"signer@example.com"* ]] || fail "no key id: $ours"
}
