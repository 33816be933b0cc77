#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154  # container commands in single quotes; status/output/stderr come from bats
# Issue 8 "Volumes" in root mode: the same commands; the data is owned by
# the real ids (no user namespace), :U gives it to the container's user.

load ../helpers

teardown() {
    wt_teardown
    timeout 60 "$WARREN" --root "$WT_SUITE_ROOT" --runroot "$WT_SUITE_RUNROOT" volume rm -a -f >/dev/null 2>&1 || true
}

@test "root: -v NAME:/path copies the image's content up, owned by real root; :U by the user" {
    # guards: issue 8 "Root mode and rootless"
    local n
    n=$(wt_name)
    run_warren 0 run --rm -v "$n:/etc" "$IMAGE" sh -c 'echo new > /etc/new; cat /etc/warren-fixture'
    assert_output docker
    local data=$WT_ROOT/volumes/$n/_data
    [ "$(stat -c %u:%g "$data/passwd")" = 0:0 ] || fail "owner $(stat -c %u:%g "$data/passwd")"
    [ "$(cat "$data/new")" = new ]
    [ "$(stat -c %a "$WT_ROOT/volumes/$n")" = 700 ] || fail "volume dir mode $(stat -c %a "$WT_ROOT/volumes/$n")"
    run_warren 0 run --rm -u 1000:1000 -v "$n-u:/data:U" "$IMAGE" touch /data/f
    [ "$(stat -c %u:%g "$WT_ROOT/volumes/$n-u/_data/f")" = 1000:1000 ]
    run_warren 0 volume ls -q
    assert_line "$n"
    run_warren 0 volume rm "$n" "$n-u"
    [ ! -e "$WT_ROOT/volumes/$n" ]
}

@test "root: a volume in use is refused, rm -v takes the anonymous one" {
    # guards: issue 8 "A volume in use cannot be removed without -f; rm -v removes anonymous volumes only"
    local n ctr
    n=$(wt_name) ctr=$(wt_name)
    run_warren 0 run --name "$ctr" -v "$n:/data" -v /anon "$IMAGE" true
    run_warren 2 volume rm "$n"
    assert_error "volume is being used"
    run_warren 0 rm -v "$ctr"
    run_warren 0 volume ls -q
    assert_output "$n"
}
