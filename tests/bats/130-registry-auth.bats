#!/usr/bin/env bats
# shellcheck disable=SC2154  # status/output/stderr come from bats
# Issue 7, authentication: login/logout and the containers-auth.json file, pull,
# push and search with stored credentials and --creds, against docker-registry
# with Bearer tokens (tokenserver.py: REG_USER may pull, push and list the catalog,
# REG_RO_USER only pull, anonymous users only public/*), over https with the test
# CA in --cert-dir. podman and skopeo are the oracles for messages and auth.json.

load helpers
load registry

setup_file() {
    reg_start token
    reg_push "$REGFIX_GZIP" gzip:latest
    reg_push "$REGFIX_ZSTD" public/zstd:latest
}

teardown_file() { reg_stop; }

setup() {
    use_private_store
    export CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf
    : >"$CONTAINERS_REGISTRIES_CONF"
    # every test starts logged out (REGISTRY_AUTH_FILE is the registry's, not $HOME's)
    echo '{"auths": {}}' >"$REGISTRY_AUTH_FILE"
    CD=(--cert-dir "$REG_CERTDIR")
}

teardown() {
    pm_cleanup
    wt_teardown
}

# login_ok [USER PASS]: warren login (REG_USER by default) into $REGISTRY_AUTH_FILE
login_ok() {
    run_warren 0 login "${CD[@]}" -u "${1:-$REG_USER}" -p "${2:-$REG_PASS}" "$REG"
    assert_output "Login Succeeded!"
}

# auth_of FILE KEY: the decoded "auth" of KEY in an auth.json
auth_of() {
    jq -r --arg k "$2" '.auths[$k].auth // empty' "$1" | base64 -d
}

# pm_oracle: true when podman can run here (else the podman half of a test is skipped)
pm_oracle() {
    pm_init
    [ -z "$PM_SKIP" ] || { echo "# podman oracle skipped: $PM_SKIP" >&3; return 1; }
}

@test "registry auth: login stores base64 user:pass in REGISTRY_AUTH_FILE; skopeo and podman use it" {
    # guards: issue 7 "login writes containers-auth.json that podman/skopeo read"
    login_ok
    [ -z "$stderr" ] || fail "login wrote to stderr: $stderr"
    assert_equal "$(auth_of "$REGISTRY_AUTH_FILE" "$REG")" "$REG_USER:$REG_PASS"
    [ "$(stat -c %a "$REGISTRY_AUTH_FILE")" = 600 ] || fail "auth file mode $(stat -c %a "$REGISTRY_AUTH_FILE")"
    run_warren 0 login --get-login "$REG"
    assert_output "$REG_USER"
    # skopeo reads the file warren wrote (no --creds)
    run timeout 60 skopeo inspect --raw "${CD[@]}" "docker://$REG/gzip:latest"
    [ "$status" = 0 ] || fail "skopeo with warren's auth.json: $output"
    # warren pulls with it
    run_warren 0 pull -q "${CD[@]}" "$REG/gzip:latest"
    assert_output "${REGFIX_GZIP_ID#sha256:}"
    pm_oracle || return 0
    run pm login --get-login "$REG"
    assert_output "$REG_USER"
    run pm pull -q "${CD[@]}" "$REG/gzip:latest"
    [ "$status" = 0 ] || fail "podman with warren's auth.json: $output"
    assert_equal "${lines[-1]}" "${REGFIX_GZIP_ID#sha256:}"
}

@test "registry auth: --authfile gets the login, REGISTRY_AUTH_FILE does not; podman's login file works for warren" {
    # guards: issue 7 "--authfile"
    local af=$BATS_TEST_TMPDIR/mine.json
    run_warren 0 login "${CD[@]}" --authfile "$af" -u "$REG_USER" -p "$REG_PASS" "$REG"
    assert_equal "$(auth_of "$af" "$REG")" "$REG_USER:$REG_PASS"
    [ "$(jq '.auths | length' "$REGISTRY_AUTH_FILE")" = 0 ] || fail "REGISTRY_AUTH_FILE changed too"
    run_warren 0 login --authfile "$af" --get-login "$REG"
    assert_output "$REG_USER"
    run_warren 125 login --get-login "$REG"
    assert_error "not logged into $REG"
    run_warren 0 pull -q "${CD[@]}" --authfile "$af" "$REG/gzip:latest"
    # a login podman wrote (to a repository key) is one warren reads
    pm_oracle || return 0
    local pf=$BATS_TEST_TMPDIR/podman.json
    run pm login "${CD[@]}" --authfile "$pf" -u "$REG_RO_USER" -p "$REG_RO_PASS" "$REG/gzip"
    [ "$status" = 0 ] || fail "podman login: $output"
    run_warren 0 pull -q "${CD[@]}" --authfile "$pf" "$REG/gzip:latest"
    grep -q "user=$REG_RO_USER granted=repository:gzip:pull\$" "$REG_TOKEN_LOG" ||
        fail "warren did not use podman's login: $(tail -3 "$REG_TOKEN_LOG")"
}

@test "registry auth: a wrong password is podman's invalid username/password error; nothing stored" {
    # guards: issue 7 "login: wrong password -> Podman's error"
    run_warren 125 login "${CD[@]}" -u "$REG_USER" -p wrong-pw-x1 "$REG"
    assert_error
    assert_equal "$stderr" "Error: logging into \"$REG\": invalid username/password"
    [ -z "$output" ] || fail "stdout: $output"
    [ "$(jq '.auths | length' "$REGISTRY_AUTH_FILE")" = 0 ] || fail "a failed login was stored"
    run_warren 125 login "${CD[@]}" -u nosuchuser -p wrong-pw-x1 "$REG"
    assert_equal "$stderr" "Error: logging into \"$REG\": invalid username/password"
    pm_oracle || return 0
    run --separate-stderr pm login "${CD[@]}" -u "$REG_USER" -p wrong-pw-x1 "$REG"
    assert_equal "$stderr" "Error: logging into \"$REG\": invalid username/password"
}

@test "registry auth: login honours registries.conf insecure = true (no --cert-dir), as pull does" {
    # without the CA the TLS check refuses the registry...
    run_warren 125 login -u "$REG_USER" -p "$REG_PASS" "$REG"
    assert_error
    [ "$(jq '.auths | length' "$REGISTRY_AUTH_FILE")" = 0 ] || fail "a failed login was stored"
    # ...and an insecure [[registry]] skips it, for login as for pull
    printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$REG" >"$CONTAINERS_REGISTRIES_CONF"
    run_warren 0 login -u "$REG_USER" -p "$REG_PASS" "$REG"
    assert_output "Login Succeeded!"
    [ "$(auth_of "$REGISTRY_AUTH_FILE" "$REG")" = "$REG_USER:$REG_PASS" ]
    # --tls-verify=true still forces the check
    run_warren 125 login --tls-verify=true -u "$REG_USER" -p "$REG_PASS" "$REG"
    assert_error
}

@test "registry auth: --password-stdin; -u without a password and no terminal is a clear error" {
    # guards: issue 7 "--password-stdin", "no terminal -> clear error"
    run --separate-stderr timeout 60 "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" \
        login "${CD[@]}" -u "$REG_USER" --password-stdin "$REG" <<<"$REG_PASS"
    [ "$status" = 0 ] || fail "login --password-stdin: $stderr"
    assert_output "Login Succeeded!"
    assert_equal "$(auth_of "$REGISTRY_AUTH_FILE" "$REG")" "$REG_USER:$REG_PASS"
    # no controlling terminal (setsid), stdin not a terminal: no prompt, no hang
    run --separate-stderr setsid -w timeout 60 "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" \
        login "${CD[@]}" -u "$REG_USER" "$REG" </dev/null
    [ "$status" = 125 ] || fail "status $status: $stderr"
    assert_error "password is required" "--password-stdin"
    run --separate-stderr setsid -w timeout 60 "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" \
        login "${CD[@]}" "$REG" </dev/null
    [ "$status" = 125 ] || fail "status $status: $stderr"
    assert_error "username is required"
    run_warren 125 login "${CD[@]}" --password-stdin "$REG" </dev/null
    assert_error "must provide --username with --password-stdin"
    run_warren 125 login "${CD[@]}" -u "$REG_USER" -p x --password-stdin "$REG" </dev/null
    assert_error "can't specify both --password-stdin and --password"
    # an empty line on stdin is no password
    run_warren 125 login "${CD[@]}" -u "$REG_USER" --password-stdin "$REG" </dev/null
    assert_error "password is required"
}

@test "registry auth: logout says what podman says; logging out twice is podman's error; --all" {
    # guards: issue 7 "logout REG", "logout of a registry not logged into", "logout --all"
    login_ok
    jq --arg k "other.example:5000" '.auths[$k] = {"auth": "eDp5"}' "$REGISTRY_AUTH_FILE" >"$BATS_TEST_TMPDIR/a" &&
        cat "$BATS_TEST_TMPDIR/a" >"$REGISTRY_AUTH_FILE"
    run_warren 0 logout "$REG"
    assert_output "Removed login credentials for $REG"
    [ -z "$(auth_of "$REGISTRY_AUTH_FILE" "$REG")" ] || fail "still logged in: $(cat "$REGISTRY_AUTH_FILE")"
    assert_equal "$(auth_of "$REGISTRY_AUTH_FILE" other.example:5000)" "x:y"
    run_warren 125 logout "$REG"
    assert_error
    assert_equal "$stderr" "Error: not logged into $REG"
    run_warren 125 login --get-login "$REG"
    assert_equal "$stderr" "Error: not logged into $REG"
    # warren pulls anonymously now: gzip is private
    run_warren 125 pull "${CD[@]}" "$REG/gzip:latest"
    assert_last_error "requested access to the resource is denied"
    login_ok
    run_warren 0 logout --all
    assert_output "Removed login credentials for all registries"
    assert_equal "$(jq -c .auths "$REGISTRY_AUTH_FILE")" "{}"
    pm_oracle || return 0
    run pm login "${CD[@]}" -u "$REG_USER" -p "$REG_PASS" "$REG"
    run --separate-stderr pm logout "$REG"
    assert_output "Removed login credentials for $REG"
    run --separate-stderr pm logout "$REG"
    assert_equal "$stderr" "Error: not logged into $REG"
    run --separate-stderr pm logout --all
    assert_output "Removed login credentials for all registries"
}

@test "registry auth: stored credentials: pull asks for a pull token, push for pull,push and mounts across repositories" {
    # guards: issue 7 "Bearer token with scopes", "pull/push with stored credentials"
    login_ok
    run_warren 0 pull -q "${CD[@]}" "$REG/gzip:latest"
    assert_output "${REGFIX_GZIP_ID#sha256:}"
    grep -q "user=$REG_USER granted=repository:gzip:pull\$" "$REG_TOKEN_LOG" ||
        fail "no pull token: $(tail -3 "$REG_TOKEN_LOG")"
    run_warren 0 push "${CD[@]}" "$REG/gzip:latest" "$REG/mine/gzip:v1"
    [[ $stderr == *"Writing manifest to image destination"* ]] || fail "$stderr"
    grep -q "user=$REG_USER granted=repository:mine/gzip:pull,push" "$REG_TOKEN_LOG" ||
        fail "no push token: $(tail -3 "$REG_TOKEN_LOG")"
    [ "$(reg_digest mine/gzip:v1)" = "$REGFIX_GZIP_DIGEST" ] || fail "pushed manifest differs"
    # the layer is in gzip already: mounted (with a token for pull on gzip too), not uploaded
    grep -q "user=$REG_USER granted=repository:mine/gzip:pull,push repository:gzip:pull" "$REG_TOKEN_LOG" ||
        fail "no token for the mount: $(tail -3 "$REG_TOKEN_LOG")"
    if grep -q "PUT /v2/mine/gzip/blobs/uploads/.*$REGFIX_GZIP_LAYERS" "$REG_DIR/registry.log"; then
        fail "the layer was uploaded though it could be mounted"
    fi
    run_warren 0 pull -q "${CD[@]}" "$REG/mine/gzip:v1"
    assert_output "${REGFIX_GZIP_ID#sha256:}"
}

@test "registry auth: the read-only user pulls but its push is denied" {
    # guards: issue 7 "the read-only user can pull but push fails with a clear error"
    login_ok "$REG_RO_USER" "$REG_RO_PASS"
    run_warren 0 pull -q "${CD[@]}" "$REG/gzip:latest"
    # (the mount from gzip is refused: pull on gzip is not push on ro/gzip; the upload is too)
    run_warren 125 push "${CD[@]}" "$REG/gzip:latest" "$REG/ro/gzip:v1"
    assert_last_error "pushing $REG/ro/gzip:v1" "denied: requested access to the resource is denied"
    # to the repository it pulled from: the blobs are there, the manifest is denied
    run_warren 125 push "${CD[@]}" "$REG/gzip:latest" "$REG/gzip:v2"
    assert_last_error "pushing $REG/gzip:v2" "requested access to the resource is denied"
    [ -z "$(reg_digest ro/gzip:v1)" ] || fail "the read-only push wrote a manifest"
}

@test "registry auth: anonymous pull of a private repository is denied, of public/* allowed" {
    # guards: issue 7 "anonymous pull of a private repo -> 401 error text"
    run_warren 125 pull "${CD[@]}" "$REG/gzip:latest"
    assert_last_error "reading manifest latest in $REG/gzip" \
        "denied: requested access to the resource is denied" "unauthorized: authentication required"
    run_warren 0 pull -q "${CD[@]}" "$REG/public/zstd:latest"
    assert_output "${REGFIX_ZSTD_ID#sha256:}"
    grep -q "user=- granted=repository:public/zstd:pull\$" "$REG_TOKEN_LOG" || fail "$(tail -3 "$REG_TOKEN_LOG")"
    run_warren 125 push "${CD[@]}" "$REG/public/zstd:latest" "$REG/public/zstd:v2"
    assert_last_error "requested access to the resource is denied"
    # the first request is a HEAD: its 401 has no body (warren aborted on that once)
    run_warren 125 push "${CD[@]}" "$REG/public/zstd:latest" "$REG/private/zstd:v1"
    assert_last_error "checking blob" "requested access to the resource is denied"
    pm_oracle || return 0
    run --separate-stderr pm pull "${CD[@]}" "$REG/gzip:latest"
    [[ $stderr == *"requested access to the resource is denied"* ]] || fail "podman: $stderr"
}

@test "registry auth: --creds on pull and push win over the auth file; wrong --creds are podman's error" {
    # guards: issue 7 "--creds on pull/push"
    login_ok "$REG_RO_USER" "$REG_RO_PASS"
    run_warren 0 pull -q "${CD[@]}" --creds "$REG_USER:$REG_PASS" "$REG/gzip:latest"
    grep -q "user=$REG_USER granted=repository:gzip:pull\$" "$REG_TOKEN_LOG" || fail "$(tail -3 "$REG_TOKEN_LOG")"
    run_warren 0 push "${CD[@]}" --creds "$REG_USER:$REG_PASS" "$REG/gzip:latest" "$REG/creds/gzip:v1"
    [ "$(reg_digest creds/gzip:v1)" = "$REGFIX_GZIP_DIGEST" ] || fail "pushed manifest differs"
    run_warren 125 pull "${CD[@]}" --creds "$REG_USER:wrong-pw-x2" "$REG/gzip:latest"
    assert_last_error "unable to retrieve auth token: invalid username/password"
    run_warren 125 push "${CD[@]}" --creds "$REG_USER:wrong-pw-x2" "$REG/gzip:latest" "$REG/creds/gzip:v2"
    assert_last_error "invalid username/password"
    run_warren 125 pull "${CD[@]}" --creds ":x" "$REG/gzip:latest"
    assert_last_error "user name must not be empty"
    pm_oracle || return 0
    run --separate-stderr pm pull "${CD[@]}" --creds "$REG_USER:wrong-pw-x2" "$REG/gzip:latest"
    [[ ${stderr_lines[-1]} == *"unable to retrieve auth token: invalid username/password"* ]] ||
        fail "podman: $stderr"
}

@test "registry auth: search lists the catalog with credentials (registry:catalog:*), is denied without" {
    # guards: issue 7 "search against the token registry with credentials"
    run_warren 125 search "${CD[@]}" "$REG/"
    assert_error "couldn't search registry \"$REG\"" "requested access to the resource is denied"
    login_ok
    run_warren 0 search "${CD[@]}" --format '{{.Name}}' "$REG/"
    assert_line "$REG/gzip"
    assert_line "$REG/public/zstd"
    grep -q "user=$REG_USER granted=registry:catalog:\*\$" "$REG_TOKEN_LOG" || fail "$(tail -3 "$REG_TOKEN_LOG")"
    run_warren 0 search "${CD[@]}" --list-tags --format '{{.Tag}}' "$REG/gzip"
    assert_output latest
    run_warren 0 logout "$REG"
    # --creds too; the read-only user may not list the catalog
    run_warren 0 search "${CD[@]}" --creds "$REG_USER:$REG_PASS" --format '{{.Name}}' "$REG/zst"
    assert_output "$REG/public/zstd"
    run_warren 125 search "${CD[@]}" --creds "$REG_RO_USER:$REG_RO_PASS" "$REG/"
    assert_error "requested access to the resource is denied"
}

@test "registry auth: no password ever appears in an output or an error" {
    # guards: issue 7 "Passwords never appear in any output or error"
    local all=$BATS_TEST_TMPDIR/all bad=wrong-pw-x3
    # rec: the command's stdout and stderr into $all
    rec() { printf '%s\n%s\n' "$output" "$stderr" >>"$all"; }
    login_ok; rec
    run_warren 0 login --get-login "$REG"; rec
    run_warren 125 login "${CD[@]}" -u "$REG_USER" -p "$bad" "$REG"; rec
    run_warren 125 login -u "$REG_USER" -p "$REG_PASS" "$REG"; rec # no CA
    run_warren 125 pull "${CD[@]}" --creds "$REG_USER:$bad" "$REG/gzip:latest"; rec
    run_warren 0 pull "${CD[@]}" "$REG/gzip:latest"; rec
    run_warren 125 push "${CD[@]}" --creds "$REG_RO_USER:$REG_RO_PASS" "$REG/gzip:latest" "$REG/ro/x:v1"; rec
    run_warren 125 push "${CD[@]}" --creds "$REG_USER:$bad" "$REG/gzip:latest" "$REG/x/y:v1"; rec
    run_warren 125 search "${CD[@]}" --creds "$REG_RO_USER:$REG_RO_PASS" "$REG/"; rec
    run_warren 0 search "${CD[@]}" "$REG/"; rec
    run_warren 0 logout "$REG"; rec
    [ "$(wc -l <"$all")" -gt 20 ] || fail "recorded too little: $(cat "$all")"
    local p
    for p in "$REG_PASS" "$REG_RO_PASS" "$bad" "$(printf '%s' "$REG_USER:$REG_PASS" | base64)"; do
        if grep -F -- "$p" "$all"; then
            fail "a password appears in the output"
        fi
    done
}
