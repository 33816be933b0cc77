#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154  # container commands in single quotes; status/output/stderr come from bats
# Issue 13 in root mode: commit and build where the overlay marks opaque
# dirs with trusted.* xattrs (rootless: user.*), and ownership is real.

load ../helpers

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
