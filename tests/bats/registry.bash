# registry.bash - registries for the pull/push/login tests, on 127.0.0.1, unprivileged,
# offline: a real one (docker-registry, "distribution" 2.8), a token server for it
# (tests/tools/tokenserver.py) and a fake one with faults (tests/tools/fakereg.py).
# The images are the OCI layouts of tests/fixtures/mkregimages.sh ($REGFIX_*).
# skopeo (and podman) are the reference clients: they put images in and check them.
#
# Use: one registry per bats file, started in setup_file, stopped in teardown_file
# (teardown_file runs also when tests or setup_file failed):
#
#     load helpers
#     load registry
#     setup_file() {
#         reg_start token                       # or plain, tls, basic
#         reg_push "$REGFIX_GZIP" gzip:latest   # skopeo copies it in
#     }
#     teardown_file() { reg_stop; }
#     @test "pull: ..." {
#         run_warren 0 pull --cert-dir "$REG_CERTDIR" --creds "$REG_USER:$REG_PASS" "$REG/gzip:latest"
#     }
#
# and for the fault tests, a fake registry (the same way; both can run at once):
#     setup_file() { fakereg_start; }           # extra flags: --basic U:P, --token U:P, ...
#     teardown_file() { fakereg_stop; }
#     ... pull "$FAKEREG/badlayer/gzip:latest"; fakereg_count GET "/v2/gzip/blobs/$D"
# (repository FAULT/NAME serves image NAME with fault FAULT: badlayer, truncated, stall,
# slow, deny, huge, schema1, ...: the list is in tests/tools/fakereg.py). A SIGINT test
# starts warren with start_warren on "$FAKEREG/slow/gzip:latest", waits with
# fakereg_wait_for GET "/v2/slow/gzip/blobs/$REGFIX_GZIP_LAYERS", then kill -INT.
# Images: $REGFIX_GZIP, _ZSTD, _PLAIN, _LAYERS, _DOCKER, _MULTI, _DOCKER_LIST (layout
# dirs; each also has _DIGEST, _ID, _LAYERS, _DIFFIDS: see mkregimages.sh).
# A file that starts one per test calls reg_stop/fakereg_stop in teardown (before
# wt_teardown). Both stop idempotently. As a safety net each server dies by itself
# after REG_MAX_SECONDS (default 1800).
#
# reg_start MODE: starts docker-registry in $REG_DIR (a new dir) on a free port. MODE:
#   plain   http, no auth
#   tls     https (a new CA per start, server cert for IP 127.0.0.1), no auth
#   basic   https + htpasswd (as deployed: Basic credentials only over TLS)
#   basic-http  plain http + htpasswd (distribution allows it: for what a client does
#           with credentials and --tls-verify=false)
#   token   https + Bearer tokens from tokenserver.py (https too, same CA): REG_USER
#           may pull and push everywhere and list the catalog (registry:catalog:*),
#           REG_RO_USER only pull, anonymous users may pull public/* only
# It exports:
#   REG          127.0.0.1:PORT (for image references: $REG/gzip:latest)
#   REG_URL      http://$REG or https://$REG
#   REG_MODE     the mode
#   REG_DIR      its directory (config, data, certs, logs); removed by reg_stop
#   REG_CA       the CA certificate (PEM), "" over http (plain, basic-http)
#   REG_CERTDIR  a dir with only ca.crt in it (skopeo/podman --cert-dir), "" over http
#   REG_USER, REG_PASS        credentials (basic, basic-http, token); "" in plain and tls
#   REG_RO_USER, REG_RO_PASS  pull-only credentials (token mode; in basic mode they can
#                             push too: htpasswd has no per-repository rights)
#   REG_TOKEN_URL  the token realm (token mode), REG_TOKEN_LOG its request log
#                  ("GET /token 200 user=wtuser granted=repository:gzip:pull,push")
#   REG_REFRESH_TOKEN  an identity (OAuth2 refresh) token of REG_USER (token mode): an
#                  auth.json "identitytoken" the token server takes with grant_type=refresh_token
#   REGISTRY_AUTH_FILE  $REG_DIR/auth.json, with no logins ({"auths": {}}; podman
#                       refuses a REGISTRY_AUTH_FILE that does not exist): skopeo,
#                       podman and warren keep logins there, never in the test
#                       user's own auth file
# reg_stop: kills the servers, removes REG_DIR.
# reg_push SRC REPO:TAG: copies an image into the registry with skopeo --all
#   (credentials, CA as the mode needs). SRC: an OCI layout dir ($REGFIX_*; Docker
#   media types included: copied through a dir: view), a docker-archive or
#   oci-archive tar, or any skopeo "transport:ref". Layouts keep their digests
#   (--preserve-digests): the registry serves $REGFIX_NAME_DIGEST.
# reg_flags [src-|dest-]: skopeo/podman flags for this registry: --tls-verify=false or
#   --cert-dir, and --creds when the mode has users (paths have no spaces: use unquoted)
#
# fakereg_start [FLAGS...]: fakereg.py serving $REGFIX_DIR on a free port (flags: see
#   tests/tools/fakereg.py: --fault F, --basic U:P, --token U:P, --rate N, --tls CERT KEY,
#   --redirect-host HOST, --search FILE (Docker Hub-like /v1/search results);
#   and --https: TLS with a new CA, exported as FAKEREG_CA and FAKEREG_CERTDIR). Exports
#   FAKEREG (127.0.0.1:PORT), FAKEREG_URL, FAKEREG_DIR, FAKEREG_LOG (its request log, a
#   line written when the answer starts: "GET /v2/gzip/blobs/sha256:... 200 auth=none",
#   then " range=bytes=N-" when asked, " accept=..." for manifests).
# fakereg_stop; fakereg_count METHOD PATH: how many logged requests are METHOD PATH
# fakereg_wait_for METHOD PATH [SECONDS]: until fakereg has begun to answer METHOD PATH
# reg_certs DIR: a new CA (DIR/ca.crt) and a server cert for 127.0.0.1 (DIR/server.{crt,key})
# shellcheck shell=bash disable=SC2034  # variables used by the .bats files

REG_PY=/usr/bin/python3   # not the `python3` of PATH: CI has only Debian's
REG_TOOLS=$WT_REPO/tests/tools
REG_MAX_SECONDS=${REG_MAX_SECONDS:-1800}

# REGFIX_*: the registry fixtures (tests/fixtures/mkregimages.sh in WT_FIXTURES/reg)
REGFIX_DIR=$WT_FIXTURES/reg
if [ -e "$REGFIX_DIR/images.env" ]; then
    # shellcheck disable=SC1091
    . "$REGFIX_DIR/images.env"
fi

# reg_free_port: a TCP port that nothing on this machine uses, from 20000-31999
# (below the kernel's ephemeral range, so no outgoing connection takes it); a race
# with another process is still possible: reg_start retries
reg_free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 12000))
        awk -v p="$(printf '%04X' "$port")" 'FNR > 1 && substr($2, index($2, ":") + 1) == p {f = 1}
            END {exit !f}' /proc/net/tcp /proc/net/tcp6 2>/dev/null || { echo "$port"; return 0; }
    done
}

# reg_certs DIR: ca.crt/ca.key (a new CA) and server.crt/server.key (127.0.0.1) in DIR
reg_certs() {
    local d=$1 ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2)
    mkdir -p "$d"
    openssl req -x509 "${ec[@]}" -keyout "$d/ca.key" -out "$d/ca.crt" \
        -subj "/CN=warren-test CA $RANDOM" -addext basicConstraints=critical,CA:TRUE \
        -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null &&
        openssl req -x509 -CA "$d/ca.crt" -CAkey "$d/ca.key" "${ec[@]}" -keyout "$d/server.key" \
            -out "$d/server.crt" -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
            -addext basicConstraints=CA:FALSE -addext keyUsage=critical,digitalSignature \
            -addext extendedKeyUsage=serverAuth 2>/dev/null ||
        { echo "reg_certs: openssl failed" >&2; return 1; }
}

# reg_token_key DIR: the RSA key and self-signed certificate that sign the tokens
# (RSA key generation is slow: made once per suite in WT_TMP, copied to DIR)
reg_token_key() {
    local cache=${WT_TMP:-$1}/reg-token-signer
    if [ ! -e "$cache/token.crt" ]; then
        mkdir -p "$cache.$$"
        openssl req -x509 -newkey rsa:2048 -nodes -keyout "$cache.$$/token.key" \
            -out "$cache.$$/token.crt" -days 2 -subj "/CN=warren-test token signer" 2>/dev/null ||
            { echo "reg_token_key: openssl failed" >&2; return 1; }
        mv -T "$cache.$$" "$cache" 2>/dev/null || rm -rf "$cache.$$"
    fi
    cp "$cache/token.key" "$cache/token.crt" "$1/"
}

# reg_bg PIDFILE LOGFILE CMD...: CMD in the background, bounded by REG_MAX_SECONDS,
# stdout and stderr to LOGFILE, no other fd of ours (bats waits for its fd 3 to
# close), its pid in PIDFILE
reg_bg() {
    local pidfile=$1 log=$2
    shift 2
    timeout -k 5 "$REG_MAX_SECONDS" "$@" </dev/null >>"$log" 2>&1 3>&- 4>&- &
    echo $! >"$pidfile"
}

# reg_wait_port PORTFILE PIDFILE: waits (5 s at most) for a server to write its port
reg_wait_port() {
    local i
    for ((i = 0; i < 250; i++)); do
        [ -s "$1" ] && return 0
        kill -0 "$(cat "$2")" 2>/dev/null || return 1
        sleep 0.02
    done
    return 1
}

# reg_wait_http URL PIDFILE [CURL-ARGS...]: waits (5 s at most) for a server to answer
reg_wait_http() {
    local url=$1 pidfile=$2 i
    shift 2
    for ((i = 0; i < 250; i++)); do
        curl -s -o /dev/null "$@" "$url" && return 0
        kill -0 "$(cat "$pidfile")" 2>/dev/null || return 1
        sleep 0.02
    done
    return 1
}

# reg_gone PID: true when PID has exited (gone, or a zombie not yet reaped)
reg_gone() {
    local st
    { read -r st <"/proc/$1/stat"; } 2>/dev/null || return 0
    st=${st##*) }
    [ "${st%% *}" = Z ]
}

# reg_kill PIDFILE...: TERM (after 2 s KILL) the processes of the PIDFILEs, waits for them
reg_kill() {
    local f pids=() p i
    for f in "$@"; do
        [ -s "$f" ] && pids+=("$(cat "$f")")
        rm -f "$f"
    done
    [ "${#pids[@]}" -gt 0 ] || return 0
    # (each is a `timeout` that leads its own process group: the group is killed)
    for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do
        for ((i = 0; i < 200; i++)); do
            reg_gone "$p" && break
            sleep 0.01
        done
        reg_gone "$p" || kill -KILL -- "-$p" 2>/dev/null || true
    done
}

# reg_https: true when REG_MODE serves https
reg_https() {
    [ "$REG_MODE" != plain ] && [ "$REG_MODE" != basic-http ]
}

# reg_config: writes $REG_DIR/config.yml for REG_MODE on port $1
reg_config() {
    local tls="" auth=""
    if reg_https; then
        tls="  tls:
    certificate: $REG_DIR/certs/server.crt
    key: $REG_DIR/certs/server.key"
    fi
    case $REG_MODE in
    basic*) auth="auth:
  htpasswd:
    realm: warren-test
    path: $REG_DIR/htpasswd" ;;
    token) auth="auth:
  token:
    realm: $REG_TOKEN_URL
    service: warren-test-registry
    issuer: warren-test-tokens
    rootcertbundle: $REG_DIR/token.crt" ;;
    esac
    cat >"$REG_DIR/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $REG_DIR/data
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$1
  secret: warren-test-secret
$tls
$auth
EOF
}

# reg_start_tokens: starts the token server of token mode on a free port (sets
# REG_TOKEN_URL); reg_start waits for it
reg_start_tokens() {
    local port
    reg_token_key "$REG_DIR" || return 1
    printf '%s\n' "$REG_USER $REG_PASS * pull,push,delete" "$REG_RO_USER $REG_RO_PASS * pull" \
        "- - public/* pull" "$REG_USER - registry:catalog *" >"$REG_DIR/acl"
    port=$(reg_free_port)
    REG_REFRESH_TOKEN=wt-refresh-$RANDOM$RANDOM
    reg_bg "$REG_DIR/tokens.pid" "$REG_DIR/tokens.err" "$REG_PY" "$REG_TOOLS/tokenserver.py" \
        --acl "$REG_DIR/acl" --sign-key "$REG_DIR/token.key" --sign-cert "$REG_DIR/token.crt" \
        --refresh "$REG_REFRESH_TOKEN:$REG_USER" \
        --issuer warren-test-tokens --service warren-test-registry \
        --tls "$REG_DIR/certs/server.crt" "$REG_DIR/certs/server.key" \
        --port "$port" --port-file "$REG_DIR/tokens.port" --log "$REG_TOKEN_LOG"
    REG_TOKEN_URL=https://127.0.0.1:$port/token
}

# reg_start MODE: see the header
reg_start() {
    local mode=${1:?usage: reg_start plain|tls|basic|basic-http|token} port try t curl_tls=()
    case $mode in
    plain | tls | basic | basic-http | token) ;;
    *) echo "reg_start: unknown mode '$mode'" >&2; return 1 ;;
    esac
    for t in docker-registry skopeo openssl htpasswd curl "$REG_PY"; do
        command -v "$t" >/dev/null || { echo "reg_start: '$t' is missing (tests/deps.sh installs it)" >&2; return 1; }
    done
    [ -e "$REGFIX_DIR/images.env" ] || { echo "reg_start: no $REGFIX_DIR: run tests/fixtures/mkregimages.sh" >&2; return 1; }
    reg_stop
    export REG REG_URL REG_MODE=$mode REG_DIR REG_CA="" REG_CERTDIR="" REG_USER="" REG_PASS=""
    export REG_RO_USER="" REG_RO_PASS="" REG_TOKEN_URL="" REG_TOKEN_LOG="" REGISTRY_AUTH_FILE
    export REG_REFRESH_TOKEN=""
    REG_DIR=$(mktemp -d "${WT_TMP:-${TMPDIR:-/tmp}}/reg.XXXXXX")
    REGISTRY_AUTH_FILE=$REG_DIR/auth.json
    echo '{"auths": {}}' >"$REGISTRY_AUTH_FILE"
    if reg_https; then
        reg_certs "$REG_DIR/certs" || return 1
        REG_CA=$REG_DIR/certs/ca.crt
        REG_CERTDIR=$REG_DIR/certdir
        mkdir "$REG_CERTDIR" && cp "$REG_CA" "$REG_CERTDIR/ca.crt"
        curl_tls=(--cacert "$REG_CA")
    fi
    if [ "$mode" != plain ] && [ "$mode" != tls ]; then
        REG_USER=wtuser REG_PASS=wt-pass-$RANDOM REG_RO_USER=wtreader REG_RO_PASS=wt-ro-pass-$RANDOM
    fi
    if [[ $mode == basic* ]]; then
        { htpasswd -Bbn "$REG_USER" "$REG_PASS" && htpasswd -Bbn "$REG_RO_USER" "$REG_RO_PASS"; } \
            >"$REG_DIR/htpasswd" 2>/dev/null || { echo "reg_start: htpasswd failed" >&2; return 1; }
    fi
    if [ "$mode" = token ]; then
        REG_TOKEN_LOG=$REG_DIR/tokens.log
        reg_start_tokens || return 1
    fi
    # the port may be taken between reg_free_port and the registry's bind: 3 tries
    for try in 1 2 3; do
        port=$(reg_free_port)
        REG=127.0.0.1:$port
        REG_URL=$(reg_https && echo https || echo http)://$REG
        reg_config "$port"
        # (distribution reads REGISTRY_* variables as configuration: REGISTRY_AUTH_FILE
        # would be auth.file)
        reg_bg "$REG_DIR/registry.pid" "$REG_DIR/registry.log" env -u REGISTRY_AUTH_FILE \
            docker-registry serve "$REG_DIR/config.yml"
        reg_wait_http "$REG_URL/v2/" "$REG_DIR/registry.pid" "${curl_tls[@]}" && break
        reg_kill "$REG_DIR/registry.pid"
        [ "$try" != 3 ] || { echo "reg_start: docker-registry did not start:" >&2; tail -5 "$REG_DIR/registry.log" >&2; return 1; }
    done
    [ "$mode" != token ] || reg_wait_port "$REG_DIR/tokens.port" "$REG_DIR/tokens.pid" ||
        { echo "reg_start: the token server did not start: $(cat "$REG_DIR/tokens.err")" >&2; return 1; }
}

# reg_stop: see the header
reg_stop() {
    [ -n "${REG_DIR:-}" ] && [ -d "$REG_DIR" ] || return 0
    reg_kill "$REG_DIR/registry.pid" "$REG_DIR/tokens.pid"
    rm -rf "$REG_DIR"
    REG_DIR=""
}

# reg_flags [src-|dest-]: see the header
reg_flags() {
    local p=${1:-}
    if reg_https; then echo "--${p}cert-dir $REG_CERTDIR"; else echo "--${p}tls-verify=false"; fi
    [ -z "$REG_USER" ] || echo "--${p}creds $REG_USER:$REG_PASS"
}

# reg_layout_view LAYOUT DIR: a skopeo dir: view of an OCI layout (skopeo's oci:
# transport takes only OCI media types; dir: takes Docker ones too)
reg_layout_view() {
    local lo=$1 d=$2 top h
    mkdir -p "$d"
    for h in "$lo"/blobs/sha256/*; do ln -s "$h" "$d/${h##*/}"; done
    top=$(jq -r '.manifests[0].digest | sub("sha256:"; "")' "$lo/index.json")
    cp "$lo/blobs/sha256/$top" "$d/manifest.json"
    for h in $(jq -r '.manifests[]?.digest | sub("sha256:"; "")' "$d/manifest.json"); do
        ln -s "$lo/blobs/sha256/$h" "$d/$h.manifest.json"
    done
    echo 'Directory Transport Version: 1.1' >"$d/version"
}

# reg_push SRC REPO:TAG: see the header
reg_push() {
    local src=$1 ref=${2:?usage: reg_push SRC REPO:TAG} pd=() view="" rc=0
    if [[ $src =~ ^(oci|oci-archive|docker-archive|dir|docker): ]]; then
        :
    elif [ -e "$src/oci-layout" ]; then
        pd=(--preserve-digests)
        if jq -e '.manifests[0].mediaType | startswith("application/vnd.oci.")' "$src/index.json" >/dev/null; then
            src=oci:$src:$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' "$src/index.json")
        else
            view=$(mktemp -d "$REG_DIR/view.XXXXXX")
            reg_layout_view "$src" "$view"
            src=dir:$view
        fi
    elif tar -tf "$src" manifest.json >/dev/null 2>&1; then
        src=docker-archive:$src
    else
        src=oci-archive:$src
    fi
    # shellcheck disable=SC2046  # reg_flags: words by design
    timeout 120 skopeo copy -q --insecure-policy --all "${pd[@]}" $(reg_flags dest-) \
        "$src" "docker://$REG/$ref" >&2 || rc=$?
    [ -z "$view" ] || rm -rf "$view"
    [ "$rc" = 0 ] || echo "reg_push: skopeo copy $src docker://$REG/$ref failed ($rc)" >&2
    return "$rc"
}

# ------------------------------------------------------------------ fakereg
# fakereg_start [FLAGS...]: see the header
fakereg_start() {
    local args=() a
    fakereg_stop
    export FAKEREG FAKEREG_URL FAKEREG_DIR FAKEREG_LOG FAKEREG_CA="" FAKEREG_CERTDIR=""
    FAKEREG_DIR=$(mktemp -d "${WT_TMP:-${TMPDIR:-/tmp}}/fakereg.XXXXXX")
    FAKEREG_LOG=$FAKEREG_DIR/requests.log
    FAKEREG_URL=http
    : >"$FAKEREG_LOG"
    for a in "$@"; do
        case $a in
        --https)
            reg_certs "$FAKEREG_DIR/certs" || return 1
            FAKEREG_CA=$FAKEREG_DIR/certs/ca.crt FAKEREG_CERTDIR=$FAKEREG_DIR/certdir
            mkdir "$FAKEREG_CERTDIR" && cp "$FAKEREG_CA" "$FAKEREG_CERTDIR/ca.crt"
            args+=(--tls "$FAKEREG_DIR/certs/server.crt" "$FAKEREG_DIR/certs/server.key") ;;
        *) args+=("$a") ;;
        esac
        [ "$a" != --https ] && [ "$a" != --tls ] || FAKEREG_URL=https
    done
    reg_bg "$FAKEREG_DIR/pid" "$FAKEREG_DIR/stderr" "$REG_PY" "$REG_TOOLS/fakereg.py" \
        --root "$REGFIX_DIR" --port-file "$FAKEREG_DIR/port" --log "$FAKEREG_LOG" "${args[@]}"
    reg_wait_port "$FAKEREG_DIR/port" "$FAKEREG_DIR/pid" ||
        { echo "fakereg_start: fakereg.py did not start: $(cat "$FAKEREG_DIR/stderr")" >&2; return 1; }
    FAKEREG=127.0.0.1:$(cat "$FAKEREG_DIR/port")
    FAKEREG_URL=$FAKEREG_URL://$FAKEREG
}

fakereg_stop() {
    [ -n "${FAKEREG_DIR:-}" ] && [ -d "$FAKEREG_DIR" ] || return 0
    reg_kill "$FAKEREG_DIR/pid"
    rm -rf "$FAKEREG_DIR"
    FAKEREG_DIR=""
}

# fakereg_count METHOD PATH: see the header
fakereg_count() {
    awk -v m="$1" -v p="$2" '$1 == m && $2 == p {n++} END {print n + 0}' "$FAKEREG_LOG"
}

# fakereg_wait_for METHOD PATH [SECONDS]: waits (default 30 s) until fakereg has
# started to answer METHOD PATH (e.g. a slow layer: then send SIGINT); false on timeout
fakereg_wait_for() {
    local i
    for ((i = 0; i < ${3:-30} * 20; i++)); do
        [ "$(fakereg_count "$1" "$2")" = 0 ] || return 0
        sleep 0.05
    done
    return 1
}

# reg_digest REPO:TAG: the digest of the manifest the running registry serves for it
# (as REG_USER; in token mode with a pull token for REPO)
reg_digest() {
    local auth=() tok
    [ -z "$REG_USER" ] || auth=(-u "$REG_USER:$REG_PASS")
    if [ "$REG_MODE" = token ]; then
        tok=$(curl -fsS --cacert "$REG_CA" -u "$REG_USER:$REG_PASS" \
            "$REG_TOKEN_URL?service=warren-test-registry&scope=repository:${1%:*}:pull" | jq -r .token) || return 1
        auth=(-H "Authorization: Bearer $tok")
    fi
    curl -fsS ${REG_CA:+--cacert "$REG_CA"} "${auth[@]}" -o /dev/null -D - \
        -H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json' \
        "$REG_URL/v2/${1%:*}/manifests/${1##*:}" | tr -d '\r' | awk -F': ' 'tolower($1) == "docker-content-digest" {print $2}'
}
