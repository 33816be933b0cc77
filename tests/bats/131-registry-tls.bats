#!/usr/bin/env bats
# shellcheck disable=SC2154  # status/output/stderr come from bats
# Issue 7, TLS and Basic authentication: docker-registry with htpasswd over https
# (as deployed: Basic credentials only over TLS) with a CA of its own: the error
# without the CA, --cert-dir, certs.d under the user's home, --tls-verify=false,
# registries.conf insecure=true; and a plain-http registry (fakereg) refused
# unless marked insecure. podman is the oracle for messages and --cert-dir.

load helpers
load registry

setup_file() {
    reg_start basic
    reg_push "$REGFIX_GZIP" gzip:latest
}

teardown_file() { reg_stop; }

setup() {
    use_private_store
    export CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf
    : >"$CONTAINERS_REGISTRIES_CONF"
    echo '{"auths": {}}' >"$REGISTRY_AUTH_FILE"
    CD=(--cert-dir "$REG_CERTDIR")
    CR=(--creds "$REG_USER:$REG_PASS")
    HOME_CERTS=""
}

teardown() {
    # the certs.d dir a test made in the test user's home, and the parents it created
    if [ -n "$HOME_CERTS" ]; then
        rm -rf "$HOME_CERTS"
        rmdir "${HOME_CERTS_MADE[@]}" 2>/dev/null || true
    fi
    fakereg_stop
    pm_cleanup
    wt_teardown
}

# pm_oracle: true when podman can run here (else the podman half of a test is skipped)
pm_oracle() {
    pm_init
    [ -z "$PM_SKIP" ] || { echo "# podman oracle skipped: $PM_SKIP" >&3; return 1; }
}

# assert_untrusted: the last error is the one for a CA we do not know, with the fix
# shellcheck disable=SC2088  # a literal ~ in the message
assert_untrusted() {
    assert_last_error "Get \"https://$REG/v2/\"" "TLS certificate not trusted" \
        "/etc/containers/certs.d/$REG/ca.crt" "~/.config/containers/certs.d/$REG/ca.crt" "--cert-dir"
}

@test "registry auth: Basic over TLS: login, pull and push with stored credentials; wrong or no credentials are refused" {
    # guards: issue 7 "basic mode (Basic over TLS)"
    run_warren 0 login "${CD[@]}" -u "$REG_USER" -p "$REG_PASS" "$REG"
    assert_output "Login Succeeded!"
    run jq -r --arg k "$REG" '.auths[$k].auth' "$REGISTRY_AUTH_FILE"
    assert_equal "$(base64 -d <<<"$output")" "$REG_USER:$REG_PASS"
    run_warren 0 pull -q "${CD[@]}" "$REG/gzip:latest"
    assert_output "${REGFIX_GZIP_ID#sha256:}"
    run_warren 0 push "${CD[@]}" "$REG/gzip:latest" "$REG/b/gzip:v1"
    [ "$(reg_digest b/gzip:v1)" = "$REGFIX_GZIP_DIGEST" ] || fail "pushed manifest differs"
    run_warren 0 logout "$REG"
    run_warren 125 login "${CD[@]}" -u "$REG_USER" -p wrong-pw-b1 "$REG"
    assert_equal "$stderr" "Error: logging into \"$REG\": invalid username/password"
    run_warren 125 pull "${CD[@]}" "$REG/gzip:latest"
    assert_last_error "reading manifest latest in $REG/gzip: unauthorized: authentication required"
    run_warren 125 pull "${CD[@]}" --creds "$REG_USER:wrong-pw-b1" "$REG/gzip:latest"
    assert_last_error "unauthorized: authentication required"
    run_warren 0 pull -q "${CD[@]}" "${CR[@]}" "$REG/b/gzip:v1"
    run_warren 0 push -q "${CD[@]}" "${CR[@]}" "$REG/gzip:latest" "$REG/b/gzip:v2"
    [ "$(reg_digest b/gzip:v2)" = "$REGFIX_GZIP_DIGEST" ] || fail "pushed manifest differs"
    pm_oracle || return 0
    run --separate-stderr pm pull "${CD[@]}" --creds "$REG_USER:wrong-pw-b1" "$REG/gzip:latest"
    [[ ${stderr_lines[-1]} == *"unauthorized: authentication required"* ]] || fail "podman: $stderr"
    run --separate-stderr pm login "${CD[@]}" -u "$REG_USER" -p wrong-pw-b1 "$REG"
    assert_equal "$stderr" "Error: logging into \"$REG\": invalid username/password"
}

@test "registry auth: without the CA the error says the certificate is not trusted and where to put the CA" {
    # guards: issue 7 "TLS: without the CA -> an error that names certs.d"
    run_warren 125 pull "${CR[@]}" "$REG/gzip:latest"
    assert_untrusted
    run_warren 125 login -u "$REG_USER" -p "$REG_PASS" "$REG"
    assert_error "logging into \"$REG\""
    assert_untrusted
    [ "$(jq '.auths | length' "$REGISTRY_AUTH_FILE")" = 0 ] || fail "a failed login was stored"
    run_warren 125 search "${CR[@]}" "$REG/"
    assert_untrusted
    run_warren 0 pull -q "${CD[@]}" "${CR[@]}" "$REG/gzip:latest"
    run_warren 125 push "${CR[@]}" "$REG/gzip:latest" "$REG/nocert/gzip:v1"
    assert_untrusted
    # the same cause for podman (its words differ: x509's)
    pm_oracle || return 0
    run --separate-stderr pm pull "${CR[@]}" "$REG/gzip:latest"
    [[ ${stderr_lines[-1]} == *"Get \"https://$REG/v2/\": x509: certificate signed by unknown authority" ]] ||
        fail "podman: $stderr"
}

@test "registry auth: --cert-dir takes the CA from the directory itself, as podman's" {
    # guards: issue 7 "with --cert-dir \"\$REG_CERTDIR\" works"
    run_warren 0 pull -q "${CD[@]}" "${CR[@]}" "$REG/gzip:latest"
    assert_output "${REGFIX_GZIP_ID#sha256:}"
    run_warren 0 search "${CD[@]}" "${CR[@]}" --format '{{.Name}}' "$REG/gzip"
    assert_line "$REG/gzip"
    # a certs.d root (HOST:PORT/ca.crt under it) is not a --cert-dir: nothing in it
    local root=$BATS_TEST_TMPDIR/certs.d
    mkdir -p "$root/$REG" && cp "$REG_CA" "$root/$REG/ca.crt"
    run_warren 125 pull --cert-dir "$root" "${CR[@]}" "$REG/gzip:latest"
    assert_untrusted
    run_warren 0 pull -q --cert-dir "$root/$REG" "${CR[@]}" "$REG/gzip:latest"
    pm_oracle || return 0
    run pm pull -q "${CD[@]}" "${CR[@]}" "$REG/gzip:latest"
    [ "$status" = 0 ] || fail "podman --cert-dir: $output"
    run pm pull -q --cert-dir "$root" "${CR[@]}" "$REG/gzip:latest"
    [ "$status" = 125 ] || fail "podman took a certs.d root as --cert-dir: $output"
}

@test "registry auth: a CA in ~/.config/containers/certs.d/HOST:PORT/ca.crt works without flags" {
    # guards: issue 7 "certs.d dir under \$HOME/.config/containers/certs.d"
    local d p
    [ -n "$HOME" ] && [ -d "$HOME" ] && [ -w "$HOME" ] || skip "the test user has no writable HOME"
    HOME_CERTS=$HOME/.config/containers/certs.d/$REG
    HOME_CERTS_MADE=()
    # remember the parents that do not exist yet (removed in teardown when empty)
    for p in "$HOME/.config/containers/certs.d" "$HOME/.config/containers" "$HOME/.config"; do
        [ -e "$p" ] || HOME_CERTS_MADE+=("$p")
    done
    [ ! -e "$HOME_CERTS" ] || fail "$HOME_CERTS exists already"
    mkdir -p "$HOME_CERTS"
    cp "$REG_CA" "$HOME_CERTS/ca.crt"
    # XDG_CONFIG_HOME, when set, would come first: the home's default is tested
    run_warren_env 0 -u XDG_CONFIG_HOME -- pull -q "${CR[@]}" "$REG/gzip:latest"
    assert_output "${REGFIX_GZIP_ID#sha256:}"
    run_warren_env 0 -u XDG_CONFIG_HOME -- login -u "$REG_USER" -p "$REG_PASS" "$REG"
    assert_output "Login Succeeded!"
    run_warren_env 0 -u XDG_CONFIG_HOME -- push -q "$REG/gzip:latest" "$REG/home/gzip:v1"
    # XDG_CONFIG_HOME elsewhere: the home's certs.d is not read
    d=$BATS_TEST_TMPDIR/xdg
    mkdir -p "$d"
    run_warren_env 125 XDG_CONFIG_HOME="$d" -- pull "${CR[@]}" "$REG/gzip:latest"
    assert_untrusted
    pm_oracle || return 0
    run env -u XDG_CONFIG_HOME timeout 120 podman --root "$PM_DIR/root" --runroot "$PM_RUN" \
        --tmpdir "$PM_DIR/tmp" --storage-driver vfs --runtime runc --cgroup-manager cgroupfs \
        --events-backend none pull -q "${CR[@]}" "$REG/gzip:latest"
    [ "$status" = 0 ] || fail "podman with the home's certs.d: $output"
}

@test "registry auth: --tls-verify=false and registries.conf insecure=true skip the verification; --tls-verify=true wins" {
    # guards: issue 7 "--tls-verify=false works; a registries.conf [[registry]] insecure=true works"
    run_warren 0 pull -q --tls-verify=false "${CR[@]}" "$REG/gzip:latest"
    assert_output "${REGFIX_GZIP_ID#sha256:}"
    run_warren 0 login --tls-verify=false -u "$REG_USER" -p "$REG_PASS" "$REG"
    run_warren 0 push -q --tls-verify=false "$REG/gzip:latest" "$REG/insecure/gzip:v1"
    run_warren 0 search --tls-verify=false --format '{{.Name}}' "$REG/insecure"
    assert_output "$REG/insecure/gzip"
    printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$REG" >"$CONTAINERS_REGISTRIES_CONF"
    run_warren 0 pull -q "$REG/insecure/gzip:v1"
    assert_output "${REGFIX_GZIP_ID#sha256:}"
    run_warren 0 push -q "$REG/gzip:latest" "$REG/insecure/gzip:v2"
    run_warren 125 pull --tls-verify=true "$REG/insecure/gzip:v2"
    assert_untrusted
    # a bad value is refused before any request
    run_warren 125 pull --tls-verify=maybe "$REG/gzip:latest"
    assert_error "invalid argument \"maybe\" for \"--tls-verify\" flag"
}

@test "registry auth: a plain-http registry without insecure: the answered plain HTTP error" {
    # guards: issue 7 "a plain-http registry without insecure -> the 'answered plain HTTP' error"
    fakereg_start
    run_warren 125 pull "$FAKEREG/gzip:latest"
    assert_last_error "Get \"https://$FAKEREG/v2/\": the server answered plain HTTP, not HTTPS" \
        "--tls-verify=false" "insecure in registries.conf"
    run_warren 125 login -u u -p p "$FAKEREG"
    assert_error "logging into \"$FAKEREG\"" "answered plain HTTP"
    run_warren 0 pull -q --tls-verify=false "$FAKEREG/gzip:latest"
    assert_output "${REGFIX_GZIP_ID#sha256:}"
    printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$FAKEREG" >"$CONTAINERS_REGISTRIES_CONF"
    run_warren 0 pull -q "$FAKEREG/zstd:latest"
    assert_output "${REGFIX_ZSTD_ID#sha256:}"
    pm_oracle || return 0
    : >"$CONTAINERS_REGISTRIES_CONF"
    run --separate-stderr pm pull "$FAKEREG/gzip:latest"
    # (Go's words depend on the server's answer: "server gave HTTP response to HTTPS
    # client" or "first record does not look like a TLS handshake")
    [[ ${stderr_lines[-1]} == *"Get \"https://$FAKEREG/v2/\": "* ]] || fail "podman: $stderr"
}
