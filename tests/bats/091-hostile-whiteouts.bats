#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Issue 5 "Hostile input, as a suite" (rootless), the cases whose fix is on
# another branch: they fail on branch h6 alone and pass once merged.
#   - whiteout names that are not one plain name: fixed on branch h1 (issue 5 item 1)
#   - a SIGKILLed `run --rm` cleaned up by the next command: issue 5 item 2
#     (liveness from the process, not age)

load helpers
load hostile

@test "hostile whiteouts: a whiteout whose target is not one plain name is refused, the store intact" {
    # guards: issue 5 item 1 ".wh... at a layer's root deletes every layer of the store"
    # fixed on branch h1 (issue 5 item 1)
    refuse_layers "${LAYER_WHITEOUT_NAMES[@]}"
}

@test "hostile: a SIGKILLed run --rm is removed by the next command, nothing is left" {
    # guards: issue 5 "hostile input": SIGKILL of run; issue 5 item 2 (liveness, not age)
    local i name
    use_private_store
    run_warren 0 load -i "$WT_FIXTURES/busybox.docker.tar"
    for i in 1 2 3; do
        name=$(wt_name)-$i
        start_warren "$BATS_TEST_TMPDIR/run.out" run --rm --name "$name" "$IMAGE" sh -c 'echo started; sleep 3107'
        wait_for_started "$BATS_TEST_TMPDIR/run.out"
        kill -KILL "$BG_PID"
        bg_status "$BG_PID" >/dev/null
        # the next command sees that no one owns the container any more
        run_warren 0 ps -a --format '{{.Names}}'
        refute_output --partial "$name"
    done
    run ls -A "$WT_ROOT/containers"
    assert_output ""
    assert_nothing_left "sleep 3107"
}

# wait_for_started FILE: until the container printed "started" (10 s)
wait_for_started() {
    local i
    for ((i = 0; i < 100; i++)); do
        grep -q started "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    fail "the container did not start: $(cat "$1")"
}
