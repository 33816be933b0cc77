#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154  # templates in single quotes; status/output/stderr come from bats
# Issue 13: `build --jobs N` builds independent stages at once (each in a
# process of its own, its lines tagged [n/m]); stages the target does not
# need are still skipped; a failing stage or ^C stops the others and leaves
# the store as it was. Bad --jobs input: Podman's words, status 125.

load helpers

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

@test "build --jobs 2: two stages run at once (each RUN waits on a fifo the other writes)" {
    local img shared=$BATS_TEST_TMPDIR/shared m
    img=localhost/$(wt_name)
    m=$(wt_name)
    track_image "$img"
    mkdir -p "$shared"
    chmod 0777 "$shared"
    mkfifo -m 0666 "$shared/ab" "$shared/ba"
    local before
    before=$(counts)
    # one after the other this cannot finish: a's write to ab blocks until b
    # opens it, and b only starts after a (the guard: run_warren's timeout)
    cf "FROM $IMAGE AS a
RUN echo from-a > /shared/ab && cat /shared/ba > /got-a && echo a-$m
FROM $IMAGE AS unneeded
RUN echo unneeded-$m; exit 9
FROM $IMAGE AS b
RUN cat /shared/ab > /got-b && echo from-b > /shared/ba && echo b-$m
FROM $IMAGE
COPY --from=a /got-a /got-a
COPY --from=b /got-b /got-b
CMD [\"cat\", \"/got-a\", \"/got-b\"]"
    WT_CMD_TIMEOUT=90 run_warren 0 build --jobs 2 -v "$shared:/shared" -t "$img" "$CTX"
    track_image "${lines[-1]}" # the rebuild below leaves it untagged
    # each stage's lines carry its tag, RUN's output too; a and b are 1 and 2
    assert_line --regexp "^\[[12]/3\] STEP 1/2: FROM $IMAGE AS a$"
    assert_line --regexp "^\[[12]/3\] STEP 1/2: FROM $IMAGE AS b$"
    assert_line --regexp "^\[[12]/3\] a-$m$"
    assert_line --regexp "^\[[12]/3\] b-$m$"
    assert_line "[3/3] STEP 4/4: CMD [\"cat\", \"/got-a\", \"/got-b\"]"
    assert_line "[3/3] COMMIT $img:latest"
    assert_line "Successfully tagged $img:latest"
    refute_output --partial "unneeded-$m"
    # every line but the last two (tagged, the id) is a stage's
    local n=${#lines[@]} i
    for ((i = 0; i < n - 2; i++)); do
        [[ ${lines[i]} =~ ^\[[123]/3\]\  ]] || fail "an untagged line: '${lines[i]}'"
    done
    [[ ${lines[-1]} =~ ^[0-9a-f]{64}$ ]] || fail "no image id last: ${lines[-1]}"
    # each got what the other wrote
    run_warren 0 run --rm "$img"
    assert_output $'from-b\nfrom-a'
    # no intermediate image (one image more: the final one), no build container
    local c0=${before% *} i0=${before#* }
    [ "$(counts)" = "$c0 $((i0 + 1))" ] || fail "containers/images before: $before, after: $(counts)"
    # the same build again: every RUN and COPY from the cache (no fifo waits)
    WT_CMD_TIMEOUT=90 run_warren 0 build --jobs 0 -v "$shared:/shared" -t "$img" "$CTX"
    track_image "${lines[-1]}"
    run grep -c -- "--> Using cache" <<<"$output"
    assert_output 4
}

@test "build --jobs: a failing stage stops the others; nothing is left behind" {
    local before
    cf "FROM $IMAGE AS slow
RUN touch /started; sleep 300
FROM $IMAGE AS bad
RUN echo bad-step-output; exit 3
FROM $IMAGE
COPY --from=slow /started /a
COPY --from=bad /etc/hostname /b"
    before=$(counts)
    run_warren 3 build --jobs 0 "$CTX"
    assert_line --regexp '^\[[12]/3\] bad-step-output$'
    [[ ${stderr_lines[-1]} == 'Error: building at STEP "RUN echo bad-step-output; exit 3": while running runtime: exit status 3' ]] ||
        fail "last stderr line: ${stderr_lines[-1]}"
    refute_output --partial "[3/3]"
    [ "$(counts)" = "$before" ] || fail "containers/images before: $before, after: $(counts)"
}

@test "build --jobs 2: ^C stops every running stage and leaves the store as it was" {
    local before out=$BATS_TEST_TMPDIR/out i
    cf "FROM $IMAGE AS one
RUN sleep 300
FROM $IMAGE AS two
RUN sleep 300
FROM $IMAGE
COPY --from=one /etc/hostname /a
COPY --from=two /etc/hostname /b"
    before=$(counts)
    start_warren "$out" build --jobs 2 "$CTX"
    # both RUNs run (two containers) before the ^C
    for ((i = 0; i < 600; i++)); do
        [ "$(w ps -q | wc -l)" -ge 2 ] && break
        sleep 0.1
    done
    [ "$(w ps -q | wc -l)" -ge 2 ] || fail "the two RUN containers never ran: $(cat "$out")"
    kill -INT "$BG_PID"
    wait_for_exit "$BG_PID" 60 || fail "build still runs 60 s after ^C"
    [ "$(bg_status "$BG_PID")" = 130 ] || fail "exit status: not 130: $(cat "$out")"
    run tail -n1 "$out"
    assert_output 'Error: building at STEP "RUN sleep 300": interrupted'
    [ "$(counts)" = "$before" ] || fail "containers/images before: $before, after: $(counts)"
}

@test "build: bad --jobs input fails with Podman's words" {
    local before
    cf "FROM $IMAGE
RUN true"
    before=$(counts)
    run_warren 125 build --jobs abc "$CTX"
    assert_error 'invalid argument "abc" for "--jobs" flag: strconv.ParseInt: parsing "abc": invalid syntax'
    run_warren 125 build --jobs 1.5 "$CTX"
    assert_error 'invalid argument "1.5" for "--jobs" flag'
    run_warren 125 build --jobs '' "$CTX"
    assert_error 'invalid argument "" for "--jobs" flag'
    run_warren 125 build --jobs -1 "$CTX"
    assert_error "invalid value for jobs.  It must be a positive integer"
    run_warren 125 build --jobs 99999999999999999999 "$CTX"
    assert_error "value out of range"
    [ "$(counts)" = "$before" ] || fail "containers/images before: $before, after: $(counts)"
    # a single stage with --jobs: built as always, untagged
    run_warren 0 build --jobs 4 "$CTX"
    assert_line "STEP 2/2: RUN true"
    track_image "${lines[-1]}"
}
