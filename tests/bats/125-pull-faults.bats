#!/usr/bin/env bats
# shellcheck disable=SC2154  # status/output/stderr come from bats
# Issue 7, "Correctness under bad input and faults": pulls from a registry that
# misbehaves (tests/tools/fakereg.py: repository FAULT/NAME serves image NAME with
# FAULT) end in one clear error (exit 125, the last stderr line "Error: ...") and
# leave the store as it was: no image, no layer dir, no blob, no temp dir. A pull
# interrupted by SIGINT resumes from the layers it stored; a layer stored is never
# fetched again. The registry wants Bearer tokens (as Docker Hub does): the
# credentials are in REGISTRY_AUTH_FILE, and its blob redirects go to another host
# name ("localhost"), where no credentials may follow.

load helpers
load registry

setup_file() {
    export FR_USER=wtuser FR_PASS=wt-pass-$RANDOM
    # the retries of a 429 (toomany) wait 10 ms, 20 ms, 40 ms, not 1 s, 2 s, 4 s
    export WARREN_RETRY_BASE_MS=10
    # ~5 s for the 1 MB base layer of "layers" on slow/: time for SIGINT
    fakereg_start --token "$FR_USER:$FR_PASS" --redirect-host localhost --rate 200000
    export REGISTRY_AUTH_FILE=$FAKEREG_DIR/auth.json
    printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$FAKEREG" \
        "$(printf '%s:%s' "$FR_USER" "$FR_PASS" | base64 -w0)" >"$REGISTRY_AUTH_FILE"
}

teardown_file() { fakereg_stop; }

setup() {
    use_private_store
    export CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf
    printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$FAKEREG" >"$CONTAINERS_REGISTRIES_CONF"
}

teardown() {
    pm_cleanup
    wt_teardown
}

# count_in DIR NAME-GLOB: entries of DIR (not below) whose names match
count_in() {
    find "$1" -mindepth 1 -maxdepth 1 -name "$2" 2>/dev/null | wc -l
}

# assert_store_empty: no image, no layer dir, no blob, no temp dir in the store
assert_store_empty() {
    local n
    run_warren 0 images -a -q
    [ -z "$output" ] || fail "images left behind: $output"
    n=$(count_in "$WT_ROOT/layers" '[0-9a-f]*')
    [ "$n" = 0 ] || fail "$n layer dirs left behind: $(ls "$WT_ROOT/layers")"
    n=$(count_in "$WT_ROOT/blobs/sha256" '*')
    [ "$n" = 0 ] || fail "$n blobs left behind: $(ls "$WT_ROOT/blobs/sha256")"
    assert_no_tmp
}

# assert_no_tmp: no layers/.tmp-* nor blobs/.tmp-*
assert_no_tmp() {
    local n
    n=$(($(count_in "$WT_ROOT/layers" '.tmp-*') + $(count_in "$WT_ROOT/blobs" '.tmp-*')))
    [ "$n" = 0 ] || fail "temp dirs left behind: $(ls -a "$WT_ROOT/layers" "$WT_ROOT/blobs")"
}

# pull_fails REF SUBSTRING...: `warren pull REF` fails (125) after Podman's "Trying to
# pull" line, its last stderr line is the error and has each SUBSTRING, no id on
# stdout, and the store is as it was
pull_fails() {
    local ref=$1
    shift
    run_warren 125 pull "$ref"
    [[ ${stderr_lines[0]} == "Trying to pull $ref..." ]] || fail "no Trying line first: $stderr"
    assert_last_error "$@"
    [ -z "$output" ] || fail "a failed pull printed on stdout: $output"
    assert_store_empty
}

# blob_gets REPO DIGEST: how many times fakereg was asked for that blob
blob_gets() {
    fakereg_count GET "/v2/$1/blobs/$2"
}

@test "pull fault: a layer whose bytes do not match its digest is refused, nothing stored" {
    # guards: issue 7 "a blob whose bytes do not match its digest"
    local base=${REGFIX_LAYERS_LAYERS%% *}
    pull_fails "$FAKEREG/badlayer/layers:latest" "layer digest mismatch" "want $base"
    pull_fails "$FAKEREG/badlayer/gzip:latest" "digest mismatch"
    # the store still works: the good image pulls
    run_warren 0 pull -q "$FAKEREG/layers:latest"
    assert_output "${REGFIX_LAYERS_ID#sha256:}"
}

@test "pull fault: a config whose bytes do not match its digest is refused, nothing stored" {
    # guards: issue 7 "a blob whose bytes do not match its digest" (the config blob)
    pull_fails "$FAKEREG/badconfig/layers:latest" "digest mismatch" "$REGFIX_LAYERS_ID"
}

@test "pull fault: a truncated download fails, nothing stored" {
    # guards: issue 7 "a truncated download"
    pull_fails "$FAKEREG/truncated/layers:latest" "fetching blob sha256:"
    run_warren 125 pull "$FAKEREG/truncated/gzip:latest"
    [[ ${stderr_lines[-1]} =~ (transfer\ closed|truncated) ]] || fail "no word of the cut: ${stderr_lines[-1]}"
    assert_last_error "$REGFIX_GZIP_LAYERS"
    assert_store_empty
}

@test "pull fault: a registry that stops sending mid-layer times out (WARREN_REGISTRY_STALL_TIMEOUT)" {
    # guards: issue 7 "a registry that stops answering mid-layer (timeout)"
    local t0 t1
    export WARREN_REGISTRY_STALL_TIMEOUT=2
    t0=$(now_ms)
    pull_fails "$FAKEREG/stall/layers:latest" "sent no data for 2 seconds" "WARREN_REGISTRY_STALL_TIMEOUT"
    t1=$(now_ms)
    # curl measures its speed over a few seconds: 2 s of silence ends within ~10 s
    [ $((t1 - t0)) -lt 30000 ] || fail "the stall took $((t1 - t0)) ms to end"
}

@test "pull fault: a wrong password and a registry that refuses every request end in 401 errors" {
    # guards: issue 7 "wrong password (401)"
    run_warren 125 pull --creds "$FR_USER:wrong-$FR_PASS" "$FAKEREG/gzip:latest"
    assert_last_error "unauthorized" "wrong username or password"
    [[ $stderr != *"$FR_PASS"* ]] || fail "the password is in the error: $stderr"
    assert_store_empty
    # no credentials at all
    echo '{"auths": {}}' >"$BATS_TEST_TMPDIR/auth.json"
    REGISTRY_AUTH_FILE=$BATS_TEST_TMPDIR/auth.json run_warren 125 pull "$FAKEREG/gzip:latest"
    assert_last_error "unauthorized"
    # good credentials, but 401 all the same (a repository we may not read)
    pull_fails "$FAKEREG/deny/gzip:latest" "unauthorized: authentication required"
}

@test "pull fault: too many requests (429) is reported as such" {
    # guards: issue 7 "Correctness under bad input and faults" (429 TOOMANYREQUESTS)
    pull_fails "$FAKEREG/toomany/gzip:latest" "toomanyrequests"
}

@test "pull fault: an unknown manifest media type is refused and named" {
    # guards: issue 7 "an unknown media type"
    pull_fails "$FAKEREG/unknownmt/gzip:latest" "unsupported manifest media type" \
        "application/vnd.warren-test.unknown+json"
}

@test "pull fault: a manifest over 4 MiB is refused without being read whole" {
    # guards: issue 7 "a manifest over 4 MiB"
    pull_fails "$FAKEREG/huge/gzip:latest" "manifest" "larger than 4194304 bytes"
}

@test "pull fault: a Docker schema 1 manifest is refused with a clear message" {
    # guards: issue 7 "Correctness under bad input and faults" (schema 1)
    pull_fails "$FAKEREG/schema1/gzip:latest" "schema 1" "not supported"
}

@test "pull fault: a manifest that is not JSON is refused" {
    # guards: issue 7 "Correctness under bad input and faults" (bad JSON)
    pull_fails "$FAKEREG/badjson/gzip:latest" "manifest" "invalid JSON"
}

@test "pull fault: a layer the registry does not have (404) fails, nothing stored" {
    # guards: issue 7 "Correctness under bad input and faults" (missing blob)
    pull_fails "$FAKEREG/missingblob/layers:latest" "blob unknown"
}

@test "pull fault: blobs redirected to other storage pull, and no credentials follow them" {
    # guards: issue 7 "Correctness under bad input and faults" (redirects); credentials
    # go to the registry only
    local before after
    before=$(grep -c ' /_blobstore/' "$FAKEREG_LOG" || true)
    run_warren 0 pull -q "$FAKEREG/redirect/layers:latest"
    assert_output "${REGFIX_LAYERS_ID#sha256:}"
    after=$(grep -c ' /_blobstore/' "$FAKEREG_LOG" || true)
    # the config and the 4 layers came from the blob store
    [ $((after - before)) -ge 5 ] || fail "only $((after - before)) blob store requests"
    [ "$(grep -c "GET /v2/redirect/layers/blobs/.* 307 auth=bearer" "$FAKEREG_LOG")" -ge 5 ] ||
        fail "the registry's blob requests carried no token:"$'\n'"$(cat "$FAKEREG_LOG")"
    if grep ' /_blobstore/' "$FAKEREG_LOG" | grep -v ' auth=none'; then
        fail "credentials went to the redirect target"
    fi
    run_warren 0 image inspect --format '{{.Digest}}' "$FAKEREG/redirect/layers:latest"
    assert_output "$REGFIX_LAYERS_DIGEST"
    [ "$(count_in "$WT_ROOT/layers" '[0-9a-f]*')" = 4 ] || fail "$(ls "$WT_ROOT/layers")"
}

@test "pull fault: a layer already stored is never fetched again" {
    # guards: issue 7 "a layer already stored is never fetched again"
    local base=${REGFIX_LAYERS_LAYERS%% *} l before
    [ "$base" = "$REGFIX_GZIP_LAYERS" ] || skip "the fixtures no longer share the base layer"
    before=$(blob_gets layers "$base")
    run_warren 0 pull -q "$FAKEREG/gzip:latest"
    run_warren 0 pull "$FAKEREG/layers:latest"
    [ "$(blob_gets layers "$base")" = "$before" ] || fail "the base layer was fetched again"
    # the rest once each, then never again
    local -A n
    for l in $REGFIX_LAYERS_LAYERS; do n[$l]=$(blob_gets layers "$l"); done
    run_warren 0 pull -q "$FAKEREG/layers:latest"
    run_warren 0 pull -q "$FAKEREG/slow/layers:latest"
    for l in $REGFIX_LAYERS_LAYERS; do
        [ "$(blob_gets layers "$l")" = "${n[$l]}" ] || fail "layer $l fetched again"
        [ "$(blob_gets slow/layers "$l")" = 0 ] || fail "layer $l fetched again from slow/layers"
    done
}

@test "pull fault: SIGINT mid-pull stops it; the same pull then resumes from the layers stored" {
    # guards: issue 7 "Ctrl-C (SIGINT) during a pull, after which the same pull resumes
    # from the layers already stored"
    local out=$BATS_TEST_TMPDIR/pull.out base=${REGFIX_LAYERS_LAYERS%% *} small l i rc
    local -A n
    small=${REGFIX_LAYERS_LAYERS#* }
    # (the log is the file's: earlier tests pulled these layers too)
    for l in $REGFIX_LAYERS_LAYERS; do n[$l]=$(blob_gets layers "$l"); done
    start_warren "$out" pull "$FAKEREG/slow/layers:latest"
    fakereg_wait_for GET "/v2/slow/layers/blobs/$base" || fail "the base layer was never asked for: $(cat "$out")"
    # the three small layers (a few hundred bytes) arrive at once, the 1 MB base takes ~5 s
    for ((i = 0; i < 100; i++)); do
        [ "$(count_in "$WT_ROOT/layers" '[0-9a-f]*')" -lt 3 ] || break
        sleep 0.05
    done
    [ "$(count_in "$WT_ROOT/layers" '[0-9a-f]*')" = 3 ] || fail "not 3 layers in: $(ls "$WT_ROOT/layers"); $(cat "$out")"
    sleep 0.5 # each is recorded right after its dir is in place
    kill -INT "$BG_PID"
    wait_for_exit "$BG_PID" 10 || fail "warren did not stop on SIGINT"
    rc=$(bg_status "$BG_PID")
    [ "$rc" = 130 ] || fail "exit $rc after SIGINT: $(cat "$out")"
    run_warren 0 images -a -q
    [ -z "$output" ] || fail "an interrupted pull stored an image: $output"
    # the same image, from the registry's normal repository
    run_warren 0 pull -q "$FAKEREG/layers:latest"
    assert_output "${REGFIX_LAYERS_ID#sha256:}"
    for l in $small; do
        [ "$(blob_gets layers "$l")" = "${n[$l]}" ] || fail "layer $l, stored before SIGINT, was fetched again"
    done
    [ "$(blob_gets layers "$base")" = $((n[$base] + 1)) ] || fail "the base layer was not fetched once"
    [ "$(count_in "$WT_ROOT/layers" '[0-9a-f]*')" = 4 ] || fail "$(ls "$WT_ROOT/layers")"
    [ "$(count_in "$WT_ROOT/blobs/sha256" '*')" = 4 ] || fail "$(ls "$WT_ROOT/blobs/sha256")"
    # what SIGINT left (temp dirs of the base layer) is gone after that pull
    assert_no_tmp
    run_warren 0 image inspect --format '{{.Digest}}' "$FAKEREG/layers:latest"
    assert_output "$REGFIX_LAYERS_DIGEST"
    run_warren 0 run --rm "$FAKEREG/layers:latest" true
}

@test "pull fault: two processes pulling the same image at once both succeed, one copy stored" {
    # guards: issue 7 "two processes pulling the same image at the same time (both
    # succeed, one copy stored)"; slow/: their downloads overlap for seconds
    local o1=$BATS_TEST_TMPDIR/o1 o2=$BATS_TEST_TMPDIR/o2 p1 p2
    start_warren "$o1" pull -q "$FAKEREG/slow/layers:latest"
    p1=$BG_PID
    start_warren "$o2" pull -q "$FAKEREG/slow/layers:latest"
    p2=$BG_PID
    wait "$p1" || fail "first pull: $(cat "$o1")"
    wait "$p2" || fail "second pull: $(cat "$o2")"
    [ "$(cat "$o1")" = "${REGFIX_LAYERS_ID#sha256:}" ] || fail "first pull printed: $(cat "$o1")"
    [ "$(cat "$o2")" = "${REGFIX_LAYERS_ID#sha256:}" ] || fail "second pull printed: $(cat "$o2")"
    run_warren 0 images -a -q
    assert_equal "${#lines[@]}" 1
    [ "$(count_in "$WT_ROOT/layers" '[0-9a-f]*')" = 4 ] || fail "$(ls "$WT_ROOT/layers")"
    [ "$(count_in "$WT_ROOT/blobs/sha256" '*')" = 4 ] || fail "$(ls "$WT_ROOT/blobs/sha256")"
    assert_no_tmp
    run_warren 0 rmi "$FAKEREG/slow/layers:latest"
    assert_store_empty
}

@test "pull fault: commands that start at once on a new store all open it" {
    # guards: issue 7 "two processes pulling the same image at the same time (both
    # succeed)": the second used to find the first's 0-byte warren.db next to its WAL
    # and call the store truncated
    local i j d errs=$BATS_TEST_TMPDIR/errs pids
    for ((i = 0; i < 15; i++)); do
        d=$BATS_TEST_TMPDIR/s$i
        pids=()
        for j in 1 2 3; do
            "$WARREN" --root "$d/root" --runroot "$d/run" images -q 2>>"$errs" &
            pids+=($!)
        done
        for j in "${pids[@]}"; do wait "$j" || fail "a command failed: $(cat "$errs")"; done
    done
    [ ! -s "$errs" ] || fail "$(cat "$errs")"
}

@test "pull fault: podman refuses the same bad registries (exit 125, no image)" {
    # guards: issue 7 "Real clients are the oracle" for the faults both must refuse
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    local f
    for f in badlayer missingblob unknownmt huge; do
        run pm pull -q --tls-verify=false "$FAKEREG/$f/gzip:latest"
        [ "$status" = 125 ] || fail "podman pull of $f: exit $status: $output"
        run_warren 125 pull -q "$FAKEREG/$f/gzip:latest"
    done
    run pm images -q
    [ -z "$output" ] || fail "podman stored: $output"
    assert_store_empty
}
