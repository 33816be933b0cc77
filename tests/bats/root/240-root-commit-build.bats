#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154  # container commands in single quotes; status/output/stderr come from bats
# Issue 13 in root mode: commit and build where the overlay marks opaque
# dirs with trusted.* xattrs (rootless: user.*), and ownership is real.

load ../helpers

# a test that changes the overlay module's redirect_dir default puts it back
teardown() {
    if [ -f "$BATS_TEST_TMPDIR/redirect_dir.old" ]; then
        cat "$BATS_TEST_TMPDIR/redirect_dir.old" >/sys/module/overlay/parameters/redirect_dir
    fi
    wt_teardown
}

@test "root commit: an opaque dir and a deletion survive into the new image" {
    local c1 c2 img
    c1=$(wt_name) c2=$(wt_name) img=localhost/$(wt_name)
    track_image "$img-a" "$img-b"
    run_warren 0 run --name "$c1" "$IMAGE" sh -c 'mkdir /d && echo 1 > /d/a && rm /bin/vi'
    run_warren 0 commit -q "$c1" "$img-a"
    run_warren 0 run --name "$c2" "$img-a" sh -c 'rm -rf /d && mkdir /d && echo 2 > /d/b'
    run_warren 0 commit -q "$c2" "$img-b"
    run_warren 0 run --rm "$img-b" sh -c 'ls /d; test ! -e /bin/vi && echo vi-gone'
    assert_output $'b\nvi-gone'
}

@test "root build: RUN, COPY --chown and USER as root" {
    local img ctx=$BATS_TEST_TMPDIR/ctx
    img=localhost/$(wt_name)
    track_image "$img"
    mkdir -p "$ctx"
    echo f >"$ctx/f"
    printf 'FROM %s\nCOPY --chown=1000:1000 f /f\nRUN echo r > /r && chown 1000 /r\nUSER 1000\nCMD ["sh","-c","id -u; stat -c %%u /f /r"]\n' "$IMAGE" >"$ctx/Containerfile"
    run_warren 0 build -q -t "$img" "$ctx"
    run_warren 0 run --rm "$img"
    assert_output $'1000\n1000\n1000'
}

@test "root build and commit: a renamed lower dir keeps its files where the kernel's overlay default is redirect_dir=on" {
    local p=/sys/module/overlay/parameters/redirect_dir img c
    [ -w "$p" ] || skip "the overlay module's redirect_dir parameter is not writable here"
    img=localhost/$(wt_name) c=$(wt_name)
    track_image "$img" "$img-c"
    cat "$p" >"$BATS_TEST_TMPDIR/redirect_dir.old"
    echo Y >"$p"
    mkdir -p "$BATS_TEST_TMPDIR/ctx"
    printf 'FROM %s\nRUN mkdir /d && echo x > /d/f\nRUN mv /d /e\n' "$IMAGE" >"$BATS_TEST_TMPDIR/ctx/Containerfile"
    run_warren 0 build -q -t "$img" "$BATS_TEST_TMPDIR/ctx"
    run_warren 0 run --name "$c" "$img" sh -c 'mv /e /g'
    run_warren 0 commit -q "$c" "$img-c"
    cat "$BATS_TEST_TMPDIR/redirect_dir.old" >"$p"
    run_warren 0 run --rm "$img" sh -c 'cat /e/f; test ! -e /d && echo d-gone'
    assert_output $'x\nd-gone'
    run_warren 0 run --rm "$img-c" sh -c 'cat /g/f; test ! -e /e && echo e-gone'
    assert_output $'x\ne-gone'
}
