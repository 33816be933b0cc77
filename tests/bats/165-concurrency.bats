#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Issue 8 "Concurrency and failure": many CLIs starting detached containers at
# once, and stop/rm racing with a container's own exit.

load helpers

@test "concurrency: 10 CLIs start 50 detached containers at once: all run, ps shows 50, no error" {
    # guards: issue 8 "10 CLI processes starting 50 detached containers in parallel: all 50 run,
    # ps shows 50, none lost, no 'database is locked' error reaches the user"
    local tag i pids=() rc=0 errs
    tag=$(wt_name)
    errs=$BATS_TEST_TMPDIR/errs
    mkdir -p "$errs"
    for i in $(seq 0 9); do
        (
            for j in 0 1 2 3 4; do
                w run -d --name "$tag-$i-$j" "$IMAGE" sleep 1000 >/dev/null 2>>"$errs/$i" || exit 1
            done
        ) &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || rc=1; done
    cat "$errs"/* >&2
    [ "$rc" = 0 ] || fail "a run -d failed: $(cat "$errs"/*)"
    [ -z "$(cat "$errs"/*)" ] || fail "run -d printed errors: $(cat "$errs"/*)"
    run_warren 0 ps --format '{{.Names}} {{.Status}}'
    [ "$(grep -c "^$tag-[0-9]-[0-9] Up" <<<"$output")" = 50 ] || fail "ps shows $(grep -c "^$tag-" <<<"$output") of 50: $output"
    # and 10 CLIs removing them at once
    pids=()
    for i in $(seq 0 9); do
        w rm -f -t 0 "$tag-$i-0" "$tag-$i-1" "$tag-$i-2" "$tag-$i-3" "$tag-$i-4" >/dev/null 2>>"$errs/rm$i" &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || rc=1; done
    [ "$rc" = 0 ] || fail "an rm -f failed: $(cat "$errs"/rm*)"
    run_warren 0 ps -a --format '{{.Names}}'
    refute_output --partial "$tag-"
    [ -z "$(pgrep -r R,S,D,T -u "$(id -u)" -x warren-monitor)" ] || fail "monitors left: $(pgrep -a -r R,S,D,T -u "$(id -u)" -x warren-monitor)"
}

@test "concurrency: stop and rm -f racing with the container's own exit: no error, no leftover" {
    # guards: issue 8 "stop/rm racing with the container's own exit: no error, no leftover"
    local tag i n
    tag=$(wt_name)
    for i in $(seq 1 12); do
        w run -d --name "$tag-$i" "$IMAGE" sh -c "sleep 0.$((i % 4))" >/dev/null
    done
    for i in $(seq 1 12); do
        if ((i % 2)); then
            run_warren 0 stop -t 1 "$tag-$i"
        else
            run_warren 0 rm -f -t 1 "$tag-$i"
        fi
    done
    run_warren 0 ps -a --format '{{.Names}} {{.Status}}'
    n=$(grep -c "^$tag-" <<<"$output") || true
    [ "$n" = 6 ] || fail "expected the 6 stopped containers, got: $output"
    refute_output --regexp "^$tag-.* Up"
    run_warren 0 rm -a -f
    for i in $(seq 50); do [ -z "$(pgrep -r R,S,D,T -u "$(id -u)" -x warren-monitor)" ] && break; sleep 0.1; done
    [ -z "$(pgrep -r R,S,D,T -u "$(id -u)" -x warren-monitor)" ] || fail "monitors left"
    [ -z "$(ls "$WT_RUNROOT/locks" 2>/dev/null)" ] || fail "lock files left: $(ls "$WT_RUNROOT/locks")"
}
