#!/usr/bin/env bats
# shellcheck disable=SC2154  # status/output/stderr come from bats
# Issue 15, shared machines run as root here because they need several
# users: one .sqsh file run by two users at once, and a teaching lab of 30
# users (each with its own sub-id range) starting one container each in
# parallel, then `system reset -f` of one user removing that user's data
# only. Users (kept between runs, as tests/check.sh keeps its own): wt-lim2,
# wt-lab01..wt-lab30 (tests/bats/root/lab.bash makes them).

load ../helpers
load lab

LAB_N=${LAB_N:-30}

setup() {
    LAB_TMP=$(mktemp -d /tmp/wt-lab.XXXXXX)
    chmod 0755 "$LAB_TMP"
    LAB_USERS=()
}

teardown() {
    local u
    for u in "${LAB_USERS[@]}"; do lab_cleanup "$u"; done
    rm -rf --one-file-system "$LAB_TMP"
    wt_teardown
}

# lab_user NAME: made, with its dir; cleaned up in teardown
lab_user() {
    lab_user_add "$1" || fail "cannot create user $1"
    lab_prepare "$1"
    LAB_USERS+=("$1")
    runuser -u "$1" -- test -x "$WARREN" || skip "needs $WARREN executable by $1"
}

@test "lab: two users run the same .sqsh file at once, each with its own mount and overlays" {
    # guards: issue 15 "a squashfs image run by two users at once"
    command -v squashfuse >/dev/null || skip "needs squashfuse (Debian package squashfuse)"
    command -v mksquashfs >/dev/null || skip "needs mksquashfs (Debian package squashfs-tools)"
    local f=$LAB_TMP/bb.sqsh u
    lab_user wt-lim2
    lab_user wt-lab01
    run_warren 0 image export --format squashfs "$IMAGE" "$f"
    chmod 0644 "$f"
    for u in wt-lim2 wt-lab01; do
        run lab_w "$u" run -d --name "s-$u" "$f" sh -c "echo $u > /tmp/who; sleep 1000"
        [ "$status" = 0 ] || fail "$u: $output"
    done
    for u in wt-lim2 wt-lab01; do
        run lab_w "$u" exec "s-$u" cat /tmp/who
        assert_output "$u"
        # a third container of the same user, from the same file, meanwhile
        run lab_w "$u" run --rm "$f"
        assert_output "default command"
        pgrep -u "$u" -x squashfuse >/dev/null || fail "$u: no squashfuse of its own"
    done
    for u in wt-lim2 wt-lab01; do
        run lab_w "$u" rm -f -t 0 "s-$u"
        [ "$status" = 0 ] || fail "$u: $output"
        # the user's one mount of the file stays for its next run; system
        # migrate ends it (runtime/ctr_sqsh.h)
        [ "$(pgrep -u "$u" -x squashfuse | wc -l)" = 1 ] || fail "$u: not one squashfuse of its own"
        run lab_w "$u" system migrate
        [ "$status" = 0 ] || fail "$u: migrate: $output"
        for _ in $(seq 50); do
            pgrep -u "$u" -x squashfuse >/dev/null || break
            sleep 0.1
        done
        ! pgrep -u "$u" -x squashfuse >/dev/null || fail "$u: squashfuse still runs after system migrate"
    done
}

@test "lab: $LAB_N users start one container each in parallel; system reset -f of one removes only its data" {
    # guards: issue 15 "a teaching lab of 30 users ... starting one container per user in parallel"; "cleanup of a user's data with system reset"
    local u pids=() i rc victim=wt-lab05 ranges
    for u in $(lab_names "$LAB_N"); do lab_user "$u"; done
    # every user has a range of its own, overlapping no other
    ranges=$(grep '^wt-lab' /etc/subuid | cut -d: -f2 | sort -u | wc -l)
    [ "$ranges" -ge "$LAB_N" ] || fail "the lab users share sub-id ranges"
    for u in "${LAB_USERS[@]}"; do
        run lab_w "$u" load -q -i "$WT_FIXTURES/busybox.docker.tar"
        [ "$status" = 0 ] || fail "$u: load: $output"
    done
    for u in "${LAB_USERS[@]}"; do
        lab_w "$u" run -d --name lab "$IMAGE" sh -c "echo $u > /tmp/who; sleep 1000" \
            >"$LAB_TMP/$u.out" 2>&1 &
        pids+=($!)
    done
    for i in "${!pids[@]}"; do
        rc=0
        wait "${pids[$i]}" || rc=$?
        [ "$rc" = 0 ] || fail "${LAB_USERS[$i]}: run -d exited $rc: $(cat "$LAB_TMP/${LAB_USERS[$i]}.out")"
    done
    for u in "${LAB_USERS[@]}"; do
        run lab_w "$u" exec lab cat /tmp/who
        [ "$status" = 0 ] && [ "$output" = "$u" ] || fail "$u: exec: $output"
    done
    # the container of each runs in that user's namespace: its host uid is
    # the user's (container root), never another's
    for u in wt-lab01 "$victim" "wt-lab$(printf %02d "$LAB_N")"; do
        pgrep -u "$u" -x sleep >/dev/null || fail "$u: no sleep of its own"
    done
    run lab_w "$victim" system reset -f
    [ "$status" = 0 ] || fail "reset: $output"
    run lab_w "$victim" ps -a -q
    assert_output ""
    run lab_w "$victim" images -q
    assert_output ""
    ! pgrep -u "$victim" -x sleep >/dev/null || fail "$victim's container still runs"
    [ -z "$(ls -A "$LAB_TMP/$victim/root" 2>/dev/null | grep -v -x -e warren.db -e 'warren.db-.*' -e storage.json)" ] ||
        fail "left in $victim's store: $(ls -A "$LAB_TMP/$victim/root")"
    # everyone else keeps everything
    for u in "${LAB_USERS[@]}"; do
        [ "$u" = "$victim" ] && continue
        run lab_w "$u" inspect --format '{{.Name}} {{.State.Status}}' lab
        [ "$output" = "lab running" ] || fail "$u after the reset of $victim: $output"
        run lab_w "$u" images -q
        [ "${#lines[@]}" = 1 ] || fail "$u lost its image: $output"
    done
}
