#!/usr/bin/env bats
# shellcheck disable=SC2154  # status/output/stderr come from bats
# Issue 7, the smaller registry items: credential helpers (auth.json "credHelpers"
# and "credsStore": docker-credential-NAME get/store/erase), identity tokens (an
# OAuth2 refresh token traded at the token realm), retries of manifest and blob
# fetches as Podman's (3, with backoff), Docker Hub's /v1/search, and the short-name
# chooser on a terminal. Registries: docker-registry with Bearer tokens
# (tokenserver.py, REG_REFRESH_TOKEN is REG_USER's identity token) and fakereg.py
# (faults, /v1/search). The credential helper is tests/tools/docker-credential-wtfake.
# podman is the oracle for what it shares (auth.json, helpers, identity tokens).

load helpers
load registry

setup_file() {
    reg_start token
    reg_push "$REGFIX_GZIP" gzip:latest
    # Docker Hub-like search results for fakereg's /v1/search
    cat >"$BATS_FILE_TMPDIR/search.json" <<'EOF'
[{"name": "alpine", "description": "A minimal Docker image based on Alpine Linux\nwith a complete package index", "star_count": 10000, "is_official": true, "is_automated": false},
 {"name": "team/alpine-tools", "description": "tools", "star_count": 3, "is_official": false, "is_automated": true},
 {"name": "someone/alpine-old", "description": "", "star_count": 0, "is_official": false, "is_automated": false},
 {"name": "other/busybox", "description": "not a match", "star_count": 50, "is_official": false, "is_automated": false}]
EOF
    fakereg_start --search "$BATS_FILE_TMPDIR/search.json"
}

teardown_file() {
    fakereg_stop
    reg_stop
}

setup() {
    use_private_store
    export CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf
    printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$FAKEREG" >"$CONTAINERS_REGISTRIES_CONF"
    echo '{"auths": {}}' >"$REGISTRY_AUTH_FILE"
    CD=(--cert-dir "$REG_CERTDIR")
    # the fake helper, on PATH for warren and podman
    mkdir -p "$BATS_TEST_TMPDIR/bin"
    ln -sf "$REG_TOOLS/docker-credential-wtfake" "$BATS_TEST_TMPDIR/bin/"
    export PATH=$BATS_TEST_TMPDIR/bin:$PATH WTFAKE_STORE=$BATS_TEST_TMPDIR/helper.json
    rm -f "$WTFAKE_STORE" "$WTFAKE_STORE.log"
    unset WTFAKE_FAIL
}

teardown() {
    pm_cleanup
    wt_teardown
}

pm_oracle() {
    pm_init
    [ -z "$PM_SKIP" ] || { echo "# podman oracle skipped: $PM_SKIP" >&3; return 1; }
}

# helper_has SERVER USER SECRET: the fake helper's store holds them
helper_put() {
    jq -n --arg s "$1" --arg u "$2" --arg p "$3" '{($s): {Username: $u, Secret: $p}}' >"$WTFAKE_STORE"
}

# authfile JSON: REGISTRY_AUTH_FILE gets JSON
authfile() {
    printf '%s\n' "$1" >"$REGISTRY_AUTH_FILE"
}

# refresh_grants: how many identity-token trades the token server saw
refresh_grants() {
    grep -c "grant=refresh_token client_id=containers/image" "$REG_TOKEN_LOG" || true
}

@test "credential helpers: credHelpers hands the registry to docker-credential-NAME get; podman agrees" {
    # guards: issue 7 "credential helpers" (containers-auth.json(5) credHelpers)
    authfile "{\"auths\": {}, \"credHelpers\": {\"$REG\": \"wtfake\"}}"
    helper_put "$REG" "$REG_USER" "$REG_PASS"
    run_warren 0 pull -q "${CD[@]}" "$REG/gzip:latest"
    assert_output "${REGFIX_GZIP_ID#sha256:}"
    grep -qx "get $REG" "$WTFAKE_STORE.log" || fail "the helper was not asked: $(cat "$WTFAKE_STORE.log")"
    grep -q "user=$REG_USER granted=repository:gzip:pull\$" "$REG_TOKEN_LOG" ||
        fail "no token for the helper's user: $(tail -3 "$REG_TOKEN_LOG")"
    # the helper decides for the file: an "auths" entry of the same file is not used
    authfile "{\"auths\": {\"$REG\": {\"auth\": \"$(printf 'x:y' | base64)\"}}, \"credHelpers\": {\"$REG\": \"wtfake\"}}"
    run_warren 0 rmi -a
    run_warren 0 pull -q "${CD[@]}" "$REG/gzip:latest"
    pm_oracle || return 0
    : >"$WTFAKE_STORE.log"
    run pm pull -q "${CD[@]}" "$REG/gzip:latest"
    [ "$status" = 0 ] || fail "podman with the same helper: $output"
    grep -qx "get $REG" "$WTFAKE_STORE.log" || fail "podman asked the helper differently: $(cat "$WTFAKE_STORE.log")"
}

@test "credential helpers: login stores through the helper, logout erases there; auth.json keeps no secret" {
    # guards: issue 7 "credential helpers" (login/logout with credHelpers, as Podman)
    authfile "{\"auths\": {}, \"credHelpers\": {\"$REG\": \"wtfake\"}}"
    run_warren 0 login "${CD[@]}" -u "$REG_USER" -p "$REG_PASS" "$REG"
    assert_output "Login Succeeded!"
    assert_equal "$(jq -c --arg s "$REG" '.[$s]' "$WTFAKE_STORE")" "{\"Username\":\"$REG_USER\",\"Secret\":\"$REG_PASS\"}"
    ! grep -q "$REG_PASS" "$REGISTRY_AUTH_FILE" || fail "the password is in auth.json"
    assert_equal "$(jq -c '.auths' "$REGISTRY_AUTH_FILE")" "{}"
    run_warren 0 login --get-login "$REG"
    assert_output "$REG_USER"
    run_warren 0 pull -q "${CD[@]}" "$REG/gzip:latest"
    # a namespaced login cannot go to a helper (Podman's words)
    run_warren 125 login "${CD[@]}" -u "$REG_USER" -p "$REG_PASS" "$REG/ns"
    assert_last_error "namespaced key is not supported for credential helper wtfake"
    run_warren 0 logout "$REG"
    assert_output "Removed login credentials for $REG"
    grep -qx "erase $REG" "$WTFAKE_STORE.log" || fail "no erase: $(cat "$WTFAKE_STORE.log")"
    assert_equal "$(jq -c '.' "$WTFAKE_STORE")" "{}"
    run_warren 125 logout "$REG"
    assert_last_error "not logged into $REG"
    pm_oracle || return 0
    run pm login "${CD[@]}" -u "$REG_USER" -p "$REG_PASS" "$REG"
    [ "$status" = 0 ] || fail "podman login: $output"
    assert_equal "$(jq -c --arg s "$REG" '.[$s]' "$WTFAKE_STORE")" "{\"Username\":\"$REG_USER\",\"Secret\":\"$REG_PASS\"}"
}

@test "credential helpers: credsStore is Docker's default helper, for login and pull" {
    # guards: issue 7 "credsStore"
    authfile '{"auths": {}, "credsStore": "wtfake"}'
    run_warren 0 login "${CD[@]}" -u "$REG_USER" -p "$REG_PASS" "$REG"
    assert_equal "$(jq -r --arg s "$REG" '.[$s].Username' "$WTFAKE_STORE")" "$REG_USER"
    assert_equal "$(jq -c '.auths' "$REGISTRY_AUTH_FILE")" "{}"
    run_warren 0 pull -q "${CD[@]}" "$REG/gzip:latest"
    grep -qx "get $REG" "$WTFAKE_STORE.log" || fail "the store was not asked: $(cat "$WTFAKE_STORE.log")"
    # a credsStore that is not installed is skipped (Podman does not read it at all)
    authfile '{"auths": {}, "credsStore": "warren-none-such"}'
    run_warren 125 login --get-login "$REG"
    assert_last_error "not logged into $REG"
}

@test "credential helpers: a failing or missing helper is one clear line, no secret" {
    # guards: issue 7 "errors from a helper: one clear line, secrets never printed"
    authfile "{\"auths\": {}, \"credHelpers\": {\"$REG\": \"wtfake\"}}"
    helper_put "$REG" "$REG_USER" "$REG_PASS"
    WTFAKE_FAIL=get run_warren 125 pull -q "${CD[@]}" "$REG/gzip:latest"
    assert_last_error "credential helper docker-credential-wtfake get: wtfake: the keyring is locked"
    [[ $stderr != *secret-detail-never-shown* && $stderr != *"$REG_PASS"* ]] || fail "helper output leaked: $stderr"
    [ "${#stderr_lines[@]}" = 1 ] || fail "more than one line: $stderr"
    WTFAKE_FAIL=store run_warren 125 login "${CD[@]}" -u "$REG_USER" -p "$REG_PASS" "$REG"
    assert_last_error "credential helper docker-credential-wtfake store: wtfake: the keyring is locked"
    [[ $stderr != *"$REG_PASS"* ]] || fail "the password leaked: $stderr"
    # the helper answers garbage: its output (which may hold a secret) is not quoted
    authfile "{\"auths\": {}, \"credHelpers\": {\"$REG\": \"wtbroken\"}}"
    printf '#!/bin/sh\necho "{not json %s"\n' "$REG_PASS" >"$BATS_TEST_TMPDIR/bin/docker-credential-wtbroken"
    chmod +x "$BATS_TEST_TMPDIR/bin/docker-credential-wtbroken"
    run_warren 125 pull -q "${CD[@]}" "$REG/gzip:latest"
    assert_last_error "answer is not {\"Username\", \"Secret\"} JSON"
    [[ $stderr != *"$REG_PASS"* ]] || fail "the helper's answer leaked: $stderr"
    authfile "{\"auths\": {}, \"credHelpers\": {\"$REG\": \"warren-none-such\"}}"
    run_warren 125 pull -q "${CD[@]}" "$REG/gzip:latest"
    assert_last_error "exec: \"docker-credential-warren-none-such\": executable file not found in \$PATH"
    authfile "{\"auths\": {}, \"credHelpers\": {\"$REG\": \"../../bin/sh\"}}"
    run_warren 125 pull -q "${CD[@]}" "$REG/gzip:latest"
    assert_last_error "invalid credential helper name \"../../bin/sh\""
    run_warren 0 images -q
    assert_output ""
}

@test "identity tokens: auth.json identitytoken is traded at the realm (grant_type=refresh_token); podman agrees" {
    # guards: issue 7 "identity tokens" (containers/image's OAuth2 refresh-token request)
    authfile "{\"auths\": {\"$REG\": {\"auth\": \"$(printf '%s:' "$REG_USER" | base64)\", \"identitytoken\": \"$REG_REFRESH_TOKEN\"}}}"
    run_warren 0 pull -q "${CD[@]}" "$REG/gzip:latest"
    assert_output "${REGFIX_GZIP_ID#sha256:}"
    grep -q "^POST /token 200 user=$REG_USER granted=repository:gzip:pull grant=refresh_token client_id=containers/image\$" \
        "$REG_TOKEN_LOG" || fail "no refresh-token grant: $(tail -3 "$REG_TOKEN_LOG")"
    # a token alone (no "auth") works too; a wrong one is refused in one line
    authfile "{\"auths\": {\"$REG\": {\"identitytoken\": \"wrong-$RANDOM\"}}}"
    run_warren 125 pull -q "${CD[@]}" "$REG/gzip:latest"
    assert_last_error "unable to retrieve auth token: invalid username/password"
    [[ $stderr != *wrong-* ]] || fail "the token was printed: $stderr"
    pm_oracle || return 0
    authfile "{\"auths\": {\"$REG\": {\"auth\": \"$(printf '%s:' "$REG_USER" | base64)\", \"identitytoken\": \"$REG_REFRESH_TOKEN\"}}}"
    local before
    before=$(refresh_grants)
    run pm pull -q "${CD[@]}" "$REG/gzip:latest"
    [ "$status" = 0 ] || fail "podman with the identity token: $output"
    [ "$(refresh_grants)" -gt "$before" ] || fail "podman did not trade the token as warren does: $(tail -3 "$REG_TOKEN_LOG")"
}

@test "identity tokens: a helper's \"<token>\" user means an identity token" {
    # guards: issue 7 "Username <token> means Secret is an identity token"
    authfile "{\"auths\": {}, \"credHelpers\": {\"$REG\": \"wtfake\"}}"
    helper_put "$REG" "<token>" "$REG_REFRESH_TOKEN"
    local before
    before=$(refresh_grants)
    run_warren 0 pull -q "${CD[@]}" "$REG/gzip:latest"
    [ "$(refresh_grants)" -gt "$before" ] || fail "no refresh-token grant: $(tail -3 "$REG_TOKEN_LOG")"
}

# ---------------------------------------------------------------- retries

# retry_lines: the "Failed, retrying" warnings of the last run_warren
retry_lines() {
    grep -c "Failed, retrying in" <<<"$stderr" || true
}

@test "pull retries: 503 twice, then the registry recovers: pulled after two retries, Podman's message" {
    # guards: issue 7 "retries as Podman (containers/common retry)"
    export WARREN_RETRY_BASE_MS=10
    run_warren 0 pull "$FAKEREG/unavail2/gzip:latest"
    assert_equal "${lines[-1]}" "${REGFIX_GZIP_ID#sha256:}"
    assert_equal "$(retry_lines)" 2
    [[ $stderr == *"Failed, retrying in 10ms ... (1/3). Error: initializing source docker://$FAKEREG/unavail2/gzip:latest: "*"unavailable: service unavailable"* ]] ||
        fail "not Podman's retry message: $stderr"
    [[ $stderr == *"Failed, retrying in 20ms ... (2/3)"* ]] || fail "no backoff: $stderr"
    assert_equal "$(fakereg_count GET /v2/unavail2/gzip/manifests/latest)" 3
}

@test "pull retries: a layer whose connection drops twice is fetched on the third try, stored layers kept" {
    # guards: issue 7 "retries ... on network errors" for blob fetches
    export WARREN_RETRY_BASE_MS=10
    run_warren 0 pull -q "$FAKEREG/drop2/layers:latest"
    assert_output "${REGFIX_LAYERS_ID#sha256:}"
    assert_equal "$(retry_lines)" 2
    local d
    for d in $REGFIX_LAYERS_LAYERS; do
        assert_equal "$(fakereg_count GET "/v2/drop2/layers/blobs/$d")" 3
    done
}

@test "pull retries: four failures fail after three retries with the registry's error, nothing stored" {
    # guards: issue 7 "4 failures fails with a clear error"
    export WARREN_RETRY_BASE_MS=10
    run_warren 125 pull "$FAKEREG/unavail4/gzip:latest"
    assert_equal "$(retry_lines)" 3
    [[ $stderr == *"Failed, retrying in 40ms ... (3/3)"* ]] || fail "no third retry: $stderr"
    assert_last_error "initializing source docker://$FAKEREG/unavail4/gzip:latest" "unavailable: service unavailable"
    assert_equal "$(fakereg_count GET /v2/unavail4/gzip/manifests/latest)" 4
    run_warren 0 images -a -q
    assert_output ""
}

@test "pull retries: 401, 404 and a bad digest are never retried" {
    # guards: issue 7 "a 401/404 is never retried"
    export WARREN_RETRY_BASE_MS=10
    run_warren 125 pull "$FAKEREG/deny/gzip:latest"
    assert_equal "$(retry_lines)" 0
    assert_equal "$(fakereg_count GET /v2/deny/gzip/manifests/latest)" 1
    run_warren 125 pull "$FAKEREG/gzip:nosuchtag"
    assert_equal "$(retry_lines)" 0
    assert_equal "$(fakereg_count GET /v2/gzip/manifests/nosuchtag)" 1
    run_warren 125 pull "$FAKEREG/missingblob/plain:latest"
    assert_equal "$(retry_lines)" 0
    local d
    for d in $REGFIX_PLAIN_LAYERS; do
        assert_equal "$(fakereg_count GET "/v2/missingblob/plain/blobs/$d")" 1
    done
    run_warren 125 pull "$FAKEREG/badlayer/zstd:latest"
    assert_equal "$(retry_lines)" 0
}

@test "pull retries: the default backoff starts at 1s; podman retries the same dropped connection" {
    # guards: issue 7 "Failed, retrying in 1s ... (1/3)" (containers/common's words;
    # podman 4.3 retries a dropped connection, not yet a 503: newer ones retry 502-504)
    local t0 t1
    t0=$(date +%s%N)
    run_warren 0 pull -q "$FAKEREG/unavail1/zstd:latest"
    t1=$(date +%s%N)
    [[ $stderr == *"Failed, retrying in 1s ... (1/3). Error: "* ]] || fail "no 1s retry: $stderr"
    [ $(((t1 - t0) / 1000000)) -ge 1000 ] || fail "retried without waiting"
    pm_oracle || return 0
    run pm pull -q --tls-verify=false "$FAKEREG/drop1/plain:latest"
    [ "$status" = 0 ] || fail "podman did not retry: $output"
    [[ $output == *"Failed, retrying in 1s ... (1/3). Error: "* ]] || fail "podman's words differ: $output"
}

# ---------------------------------------------------------------- search

@test "search: a registry with the search API (/v1/search?q=TERM&n=LIMIT) is asked first; columns as Podman" {
    # guards: issue 7 "search (the registry's search API where it has one)"
    run_warren 0 search --format '{{.Index}}|{{.Name}}|{{.Stars}}|{{.Official}}|{{.Automated}}|{{.Description}}' "$FAKEREG/alpine"
    assert_line "$FAKEREG|$FAKEREG/alpine|10000|[OK]||A minimal Docker image based on Alpine Linux..."
    assert_line "$FAKEREG|$FAKEREG/team/alpine-tools|3||[OK]|tools"
    assert_line "$FAKEREG|$FAKEREG/someone/alpine-old|0|||"
    assert_equal "${#lines[@]}" 3
    grep -q "^GET /v1/search 200 auth=none query=alpine n=25\$" "$FAKEREG_LOG" ||
        fail "no v1 search request: $(grep search "$FAKEREG_LOG")"
    run_warren 0 search --no-trunc --format '{{.Description}}' --limit 1 "$FAKEREG/alpine"
    assert_output "A minimal Docker image based on Alpine Linux with a complete package index"
    grep -q "query=alpine n=1\$" "$FAKEREG_LOG" || fail "--limit was not sent as n"
    # the default table: NAME and DESCRIPTION
    run_warren 0 search "$FAKEREG/alpine-"
    [[ ${lines[0]} =~ ^NAME\ +DESCRIPTION$ ]] || fail "header: ${lines[0]}"
    assert_equal "${#lines[@]}" 3
}

@test "search: --filter stars, is-official, is-automated apply to search API results; podman agrees" {
    # guards: issue 7 "--filter (stars, is-official, is-automated) as Podman"
    run_warren 0 search --format '{{.Name}}' --filter stars=3 "$FAKEREG/alpine"
    assert_output "$FAKEREG/alpine"$'\n'"$FAKEREG/team/alpine-tools"
    run_warren 0 search --format '{{.Name}}' --filter is-official=true "$FAKEREG/alpine"
    assert_output "$FAKEREG/alpine"
    run_warren 0 search --format '{{.Name}}' --filter is-automated=true "$FAKEREG/alpine"
    assert_output "$FAKEREG/team/alpine-tools"
    run_warren 0 search --format '{{.Name}}' --filter is-official=false --filter is-automated=false "$FAKEREG/alpine"
    assert_output "$FAKEREG/someone/alpine-old"
    run_warren 0 search --format json --filter stars=100 "$FAKEREG/alpine"
    assert_equal "$(jq -c '[.[] | {Name, Stars, Official}]' <<<"$output")" "[{\"Name\":\"$FAKEREG/alpine\",\"Stars\":10000,\"Official\":\"[OK]\"}]"
    run_warren 125 search --filter stars=many "$FAKEREG/alpine"
    assert_last_error "invalid filter \"stars=many\""
    run_warren 125 search --filter is-official=maybe "$FAKEREG/alpine"
    assert_last_error "invalid filter value \"is-official=maybe\""
    pm_oracle || return 0
    local f mine
    for f in stars=3 is-official=true is-automated=true; do
        run_warren 0 search --format '{{.Name}} {{.Stars}} {{.Official}} {{.Automated}}' --filter "$f" "$FAKEREG/alpine"
        mine=$output
        run pm search --tls-verify=false --format '{{.Name}} {{.Stars}} {{.Official}} {{.Automated}}' --filter "$f" "$FAKEREG/alpine"
        [ "$status" = 0 ] || fail "podman search: $output"
        assert_equal "$mine" "$output"
    done
}

@test "search: a registry without the search API is searched through its catalog" {
    # guards: issue 7 "_catalog otherwise" (docker-registry answers /v1/search with 404)
    echo "{\"auths\": {\"$REG\": {\"auth\": \"$(printf '%s:%s' "$REG_USER" "$REG_PASS" | base64 -w0)\"}}}" >"$REGISTRY_AUTH_FILE"
    run_warren 0 search "${CD[@]}" --format '{{.Name}}|{{.Stars}}|{{.Official}}' "$REG/gzi"
    assert_output "$REG/gzip|0|"
}

# ---------------------------------------------------------------- short names on a terminal

# on_tty ANSWER ARGS...: warren ARGS on a pseudo-terminal (script(1)), ANSWER typed;
# status, and output (the terminal's: prompt, echo, stdout and stderr) as run sets them
on_tty() {
    local answer=$1
    shift
    printf 'exec %q --root %q --runroot %q' "$WARREN" "$WT_ROOT" "$WT_RUNROOT" >"$BATS_TEST_TMPDIR/cmd.sh"
    printf ' %q' "$@" >>"$BATS_TEST_TMPDIR/cmd.sh"
    chmod +x "$BATS_TEST_TMPDIR/cmd.sh"
    run bash -c "printf '%s' \"\$1\" | timeout 120 script -qec \"\$2\" /dev/null" _ "$answer" "$BATS_TEST_TMPDIR/cmd.sh"
}

# two_search_registries: fakereg under two names, both unqualified-search registries
two_search_registries() {
    OTHER=localhost:${FAKEREG#*:}
    cat >"$CONTAINERS_REGISTRIES_CONF" <<EOF
unqualified-search-registries = ["$FAKEREG", "$OTHER"]
short-name-mode = "${1:-enforcing}"

[[registry]]
location = "$FAKEREG"
insecure = true

[[registry]]
location = "$OTHER"
insecure = true
EOF
    export XDG_CACHE_HOME=$BATS_TEST_TMPDIR/cache
}

@test "short names: on a terminal an ambiguous name asks which one; the choice is pulled and recorded as an alias" {
    # guards: issue 7 "the resolved name is recorded so the next pull of the short name is not ambiguous"
    command -v script >/dev/null || skip "script (bsdutils) is not installed"
    two_search_registries enforcing
    # no terminal: Podman's error, nothing asked
    run_warren 125 pull zstd
    assert_last_error "short-name resolution enforced but cannot prompt without a TTY"
    on_tty $'2\n' pull -q zstd
    [ "$status" = 0 ] || fail "pull on a terminal: $output"
    [[ $output == *"? Please select an image:"*"1) $FAKEREG/zstd:latest"*"2) $OTHER/zstd:latest"* ]] ||
        fail "no chooser: $output"
    [[ $output == *"${REGFIX_ZSTD_ID#sha256:}"* ]] || fail "no image id: $output"
    run_warren 0 images --format '{{.Repository}}'
    assert_output "$OTHER/zstd"
    grep -qx "  \"zstd\" = \"$OTHER/zstd\"" "$XDG_CACHE_HOME/containers/short-name-aliases.conf" ||
        fail "no alias recorded: $(cat "$XDG_CACHE_HOME/containers/short-name-aliases.conf")"
    # the next pull, even without a terminal, is not ambiguous
    run_warren 0 pull zstd
    [[ $stderr == *"Resolved \"zstd\" as an alias"* ]] || fail "alias not used: $stderr"
}

@test "short names: a bad or missing answer on the terminal ends in one clear error, nothing pulled" {
    # guards: issue 7 "a simpler numbered prompt, reading the choice from the tty"
    command -v script >/dev/null || skip "script (bsdutils) is not installed"
    two_search_registries permissive
    on_tty $'9\nx\n0\n' pull -q gzip
    [ "$status" = 125 ] || fail "exit $status: $output"
    [[ $output == *'invalid choice "9"'*'invalid choice "x"'*'invalid choice "0"'* ]] || fail "$output"
    [[ $output == *"Error: short-name resolution aborted: no valid choice"* ]] || fail "$output"
    on_tty '' pull -q gzip
    [ "$status" = 125 ] || fail "exit $status: $output"
    [[ $output == *"Error: short-name resolution aborted: no image selected"* ]] || fail "$output"
    run_warren 0 images -q
    assert_output ""
    [ ! -e "$XDG_CACHE_HOME/containers/short-name-aliases.conf" ] || fail "an alias was recorded"
    # permissive without a terminal: the first candidate that pulls, as Podman
    run_warren 0 pull -q gzip
    assert_output "${REGFIX_GZIP_ID#sha256:}"
}
