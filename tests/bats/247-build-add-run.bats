#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154  # templates in single quotes; status/output/stderr come from bats
# Issue 13: ADD of URLs (a local HTTP server: python3 -m http.server), RUN
# --mount=type=secret with build --secret, and the RUN options build passes
# as run takes them (--cap-add, --cap-drop, --security-opt, --ulimit, -v).
# Bad input: one line, status 125, nothing left behind.

load helpers
load registry # reg_free_port, reg_bg, reg_wait_http, reg_kill

# a rebuild under the same name leaves the image before it untagged: what this
# file left so is removed at its end (files after it count the images)
teardown_file() { "$WARREN" --root "$WT_SUITE_ROOT" --runroot "$WT_SUITE_RUNROOT" image prune -f >/dev/null 2>&1 || true; }

teardown() {
    [ -z "${HTTP_PID:-}" ] || reg_kill "$HTTP_PID"
    wt_teardown
}

# http_start DIR: serves DIR on 127.0.0.1; exports HTTP (http://127.0.0.1:PORT)
http_start() {
    local port _try
    for _try in 1 2 3; do
        port=$(reg_free_port)
        HTTP_PID=$BATS_TEST_TMPDIR/http.pid
        reg_bg "$HTTP_PID" "$BATS_TEST_TMPDIR/http.log" /usr/bin/python3 -m http.server \
            --bind 127.0.0.1 --directory "$1" "$port"
        HTTP=http://127.0.0.1:$port
        reg_wait_http "$HTTP/" "$HTTP_PID" && return 0
        reg_kill "$HTTP_PID"
    done
    fail "the HTTP server did not start: $(cat "$BATS_TEST_TMPDIR/http.log")"
}

# counts: the number of containers and images (all) now, as "C I"
counts() {
    echo "$(w ps -a -q | wc -l) $(w images -a -q --no-trunc | wc -l)"
}

# cf TEXT: CTX (a new dir) with Containerfile TEXT
cf() {
    CTX=$BATS_TEST_TMPDIR/ctx
    rm -rf "$CTX"
    mkdir -p "$CTX"
    printf '%s\n' "$1" >"$CTX/Containerfile"
}

@test "build: ADD of a URL downloads it (0600, named by the URL or DEST); the cache sees its content" {
    local img srv=$BATS_TEST_TMPDIR/srv
    img=localhost/$(wt_name)
    track_image "$img"
    mkdir -p "$srv/sub" && echo first >"$srv/data.txt" && echo bin >"$srv/sub/file.bin"
    http_start "$srv"
    cf "FROM $IMAGE
ADD $HTTP/data.txt /a/
ADD $HTTP/sub/file.bin?x=1 /b.bin
RUN cat /a/data.txt > /copy.txt"
    run_warren 0 build -t "$img" "$CTX"
    run_warren 0 run --rm "$img" sh -c 'cat /a/data.txt /b.bin /copy.txt; stat -c %a /a/data.txt'
    assert_output $'first\nbin\nfirst\n600'
    # unchanged: every step from the cache, nothing runs
    run_warren 0 build -t "$img" "$CTX"
    [ "$(grep -c 'Using cache' <<<"$output")" = 3 ] || fail "not all cached: $output"
    # the served file changed: its ADD and the RUN after it run again
    echo second >"$srv/data.txt"
    run_warren 0 build -t "$img" "$CTX"
    [ "$(grep -c 'Using cache' <<<"$output")" = 0 ] || fail "a changed download was cached: $output"
    run_warren 0 run --rm "$img" cat /copy.txt
    assert_output second
}

@test "build: a failing ADD download names the URL; nothing is left behind" {
    local before srv=$BATS_TEST_TMPDIR/srv port
    mkdir -p "$srv" && echo x >"$srv/x"
    http_start "$srv"
    before=$(counts)
    cf "FROM $IMAGE
ADD $HTTP/missing.txt /m"
    run_warren 125 build "$CTX"
    assert_error "building at STEP \"ADD $HTTP/missing.txt /m\"" "$HTTP/missing.txt" "404"
    port=$(reg_free_port)
    cf "FROM $IMAGE
ADD http://127.0.0.1:$port/x /x"
    run_warren 125 build "$CTX"
    assert_error "download 'http://127.0.0.1:$port/x'"
    cf "FROM $IMAGE
ADD $HTTP/x Containerfile /d/"
    run_warren 125 build "$CTX"
    assert_error "URLs and local files"
    cf "FROM $IMAGE
ADD $HTTP/x $HTTP/x /d/"
    run_warren 125 build "$CTX"
    assert_error "two URLs name the file 'x'"
    [ "$(counts)" = "$before" ] || fail "containers/images before: $before, after: $(counts)"
    run find "$WT_ROOT/tmp" -maxdepth 1 -name 'build-url-*'
    assert_output ""
}

@test "build: RUN --mount=type=secret sees the --secret file; the image keeps no trace of it" {
    local img
    img=localhost/$(wt_name)
    track_image "$img"
    echo s3cret >"$BATS_TEST_TMPDIR/tok"
    cf "FROM $IMAGE
RUN --mount=type=secret,id=tok wc -c < /run/secrets/tok > /len
RUN --mount=type=secret,id=tok,target=/etc/tok.conf wc -c < /etc/tok.conf > /len2
RUN --mount=type=secret,id=absent test ! -e /run/secrets/absent"
    run_warren 0 build --secret "id=tok,src=$BATS_TEST_TMPDIR/tok" -t "$img" "$CTX"
    run_warren 0 run --rm "$img" sh -c 'cat /len /len2; test -e /run/secrets/tok || echo no-tok; test -e /etc/tok.conf || echo no-conf'
    assert_output $'7\n7\nno-tok\nno-conf'
    run_warren 0 save -o "$BATS_TEST_TMPDIR/img.tar" "$img"
    run grep -c s3cret "$BATS_TEST_TMPDIR/img.tar"
    assert_output 0
    # a required secret not given is an error
    cf "FROM $IMAGE
RUN --mount=type=secret,id=need,required true"
    run_warren 125 build "$CTX"
    assert_error "secret 'need' is required"
}

@test "build: RUN --mount=type=ssh sees the --ssh agent socket as SSH_AUTH_SOCK" {
    local img sock=$BATS_TEST_TMPDIR/agent.sock
    img=localhost/$(wt_name)
    track_image "$img"
    # a socket that stands in for the agent (nothing connects to it)
    HTTP_PID=$BATS_TEST_TMPDIR/agent.pid
    reg_bg "$HTTP_PID" "$BATS_TEST_TMPDIR/agent.log" /usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1); time.sleep(600)' "$sock"
    for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
    cf "FROM $IMAGE
RUN --mount=type=ssh test -S \$SSH_AUTH_SOCK && echo \$SSH_AUTH_SOCK > /sock
RUN --mount=type=ssh,id=other,target=/tmp/agent test -S /tmp/agent && echo other > /other
RUN --mount=type=ssh,id=absent test -z \"\$SSH_AUTH_SOCK\""
    run_warren 0 build --ssh "default=$sock" --ssh "other=$sock" -t "$img" "$CTX"
    run_warren 0 run --rm "$img" sh -c 'cat /sock /other; test -e /run/buildkit/ssh_agent.0 || echo gone'
    assert_output $'/run/buildkit/ssh_agent.0\nother\ngone'
    # --ssh default takes $SSH_AUTH_SOCK
    cf "FROM $IMAGE
RUN --mount=type=ssh test -S \$SSH_AUTH_SOCK"
    run_warren_env 0 SSH_AUTH_SOCK="$sock" -- build --no-cache --ssh default -t "$img" "$CTX"
    run_warren_env 125 SSH_AUTH_SOCK="$BATS_TEST_TMPDIR" -- build --ssh default -t "$img" "$CTX"
    assert_error "--ssh default=$BATS_TEST_TMPDIR: '$BATS_TEST_TMPDIR' is not an agent socket or a key file"
    cf "FROM $IMAGE
RUN --mount=type=ssh,required true"
    run_warren 125 build "$CTX"
    assert_error "ssh 'default' is required"
}

@test "build: --cap-add, --cap-drop, --security-opt, --ulimit and -v reach RUN steps" {
    local img hv=$BATS_TEST_TMPDIR/hostv
    img=localhost/$(wt_name)
    track_image "$img"
    mkdir -p "$hv" && echo from-host >"$hv/f"
    cf "FROM $IMAGE
RUN grep -E '^(CapEff|Seccomp):' /proc/self/status > /st; ulimit -n > /nofile; cat /hostv/f > /hv"
    run_warren 1 build --no-cache -t "$img" "$CTX" # no -v: /hostv/f is missing
    run_warren 0 build --no-cache -t "$img" -v "$hv:/hostv:ro" "$CTX"
    run_warren 0 run --rm "$img" sh -c 'cat /st /nofile /hv; test -e /hostv || echo no-mountpoint'
    local plain=$output
    assert_line from-host
    assert_line no-mountpoint
    assert_line --regexp '^Seccomp:	2$'
    run_warren 0 build --no-cache -t "$img" -v "$hv:/hostv" --cap-drop CHOWN --cap-add SYS_ADMIN \
        --security-opt seccomp=unconfined --ulimit nofile=123:123 "$CTX"
    run_warren 0 run --rm "$img" sh -c 'cat /st /nofile'
    assert_line --regexp '^Seccomp:	0$'
    assert_line 123
    local eff0 eff1
    eff0=$(grep CapEff <<<"$plain" | awk '{print $2}') eff1=$(grep CapEff <<<"$output" | awk '{print $2}')
    # CHOWN is bit 0, SYS_ADMIN bit 21
    (((0x$eff0 & 1) == 1 && (0x$eff1 & 1) == 0)) || fail "--cap-drop CHOWN: $eff0 -> $eff1"
    (((0x$eff0 & (1 << 21)) == 0 && (0x$eff1 & (1 << 21)) != 0)) || fail "--cap-add SYS_ADMIN: $eff0 -> $eff1"
}

@test "build: bad --secret, --cap-add, --ulimit, --security-opt, -v input fails with one line" {
    local before
    cf "FROM $IMAGE
RUN true"
    before=$(counts)
    run_warren 125 build --secret id=x "$CTX"
    assert_error "--secret" "id=ID,src=FILE"
    run_warren 125 build --secret "src=$BATS_TEST_TMPDIR" "$CTX"
    assert_error "--secret"
    run_warren 125 build --secret "id=x,src=$BATS_TEST_TMPDIR/none" "$CTX"
    assert_error "--secret" "cannot read"
    run_warren 125 build --secret "id=x,type=bogus,src=$BATS_TEST_TMPDIR" "$CTX"
    assert_error "--secret" "invalid secret type, must be file or env"
    run_warren 125 build --cap-add NOT_A_CAP "$CTX"
    assert_error "NOT_A_CAP"
    run_warren 125 build --ulimit nofile=abc "$CTX"
    assert_error "--ulimit"
    run_warren 125 build --security-opt bogus=1 "$CTX"
    assert_error "--security-opt"
    run_warren 125 build -v "$BATS_TEST_TMPDIR:relative" "$CTX"
    assert_error "--volume"
    cf "FROM $IMAGE
RUN --mount=type=secret true"
    run_warren 125 build "$CTX"
    assert_error "a secret needs id="
    [ "$(counts)" = "$before" ] || fail "containers/images before: $before, after: $(counts)"
}
