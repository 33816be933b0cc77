#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Foundation #2 "Tests": bad inputs, each a clear error (Podman's "Error: ..." line)
# and nothing lost (the store is unchanged and still works).

load helpers

# store_state: what must not change when a bad input is refused
store_state() {
    {
        w images -q | sort
        w ps -a -q | sort
    } 2>&1
}

# assert_store_unchanged BEFORE: same images and containers, base image still runs
assert_store_unchanged() {
    run store_state
    assert_output "$1"
    run_warren 0 run --rm "$IMAGE" cat /etc/warren-fixture
    assert_output docker
}

@test "bad input: a missing image exits 125 naming it" {
    # guards: Foundation #2 bad input "missing image"
    run_warren 125 run --rm --pull=never localhost/warren-test/nosuch:latest true
    assert_error "nosuch"
    run_warren 0 ps -a -q
    assert_output ""
}

@test "bad input: a truncated archive is refused and nothing is stored" {
    # guards: Foundation #2 bad input "truncated archive"
    local before
    before=$(store_state)
    track_image localhost/warren-test/truncated:latest
    run_warren 125 load -i "$WT_FIXTURES/truncated.tar"
    assert_error
    run_warren 1 image exists localhost/warren-test/truncated:latest
    assert_store_unchanged "$before"
}

@test "bad input: an oci-archive whose layer does not match its digest is refused" {
    # guards: Foundation #2 §3 "blobs are verified against their digests"; bad input "corrupt archive"
    local before
    before=$(store_state)
    track_image localhost/warren-test/corrupt:latest
    run_warren 125 load -i "$WT_FIXTURES/corrupt.tar"
    assert_error
    run_warren 1 image exists localhost/warren-test/corrupt:latest
    assert_store_unchanged "$before"
}

@test "bad input: a docker-archive whose layer does not match its diff_id is refused" {
    # guards: Foundation #2 §3 digests verified for docker-archive too; bad input "corrupt archive"
    local before
    before=$(store_state)
    track_image localhost/warren-test/corrupt-docker:latest
    run_warren 125 load -i "$WT_FIXTURES/corrupt.docker.tar"
    assert_error
    run_warren 1 image exists localhost/warren-test/corrupt-docker:latest
    assert_store_unchanged "$before"
}

@test "bad input: a layer entry with '../' is refused and nothing lands outside" {
    # guards: Foundation #2 §3 "entries with .. are refused"; bad input "archive with a ../ entry"
    local before
    before=$(store_state)
    track_image localhost/warren-test/dotdot:latest
    run_warren 125 load -i "$WT_FIXTURES/dotdot.tar"
    assert_error
    run_warren 1 image exists localhost/warren-test/dotdot:latest
    # no file named evil anywhere in (or next to) the store
    run timeout 60 "$WARREN" unshare find "$WT_TMP" -name evil
    assert_output ""
    assert_store_unchanged "$before"
}

@test "bad input: a layer entry with an absolute path is refused" {
    # guards: Foundation #2 §3 "absolute paths ... are refused"
    local before
    before=$(store_state)
    track_image localhost/warren-test/absolute:latest
    [ ! -e /warren-test-abs-evil ] || fail "/warren-test-abs-evil exists before the test"
    run_warren 125 load -i "$WT_FIXTURES/absolute.tar"
    assert_error
    run_warren 1 image exists localhost/warren-test/absolute:latest
    [ ! -e /warren-test-abs-evil ]
    run timeout 60 "$WARREN" unshare find "$WT_TMP" -name warren-test-abs-evil
    assert_output ""
    assert_store_unchanged "$before"
}

@test "bad input: a file written through a symlink to / is refused, nothing written outside" {
    # guards: Foundation #2 bad input "a layer with a symlink to / followed by a file written through it"
    local before
    if [ -e /tmp/warren-test-pwned ]; then
        rm -f /tmp/warren-test-pwned || fail "a stale /tmp/warren-test-pwned is not ours to remove"
    fi
    before=$(store_state)
    track_image localhost/warren-test/symlink-escape:latest
    run_warren 125 load -i "$WT_FIXTURES/symlink-escape.tar"
    assert_error
    [ ! -e /tmp/warren-test-pwned ] || { rm -f /tmp/warren-test-pwned; fail "the layer wrote /tmp/warren-test-pwned on the host"; }
    run timeout 60 "$WARREN" unshare find "$WT_TMP" -name warren-test-pwned
    assert_output ""
    run_warren 1 image exists localhost/warren-test/symlink-escape:latest
    assert_store_unchanged "$before"
}

@test "bad input: a command that does not exist exits 127" {
    # guards: Foundation #2 bad input "a command that does not exist (127)"
    run_warren 127 run --rm "$IMAGE" /nonexistent
    assert_error "/nonexistent"
    run_warren 127 run --rm "$IMAGE" nosuchcommand
    assert_error "nosuchcommand"
}

@test "bad input: a command that is not executable exits 126" {
    # guards: Foundation #2 bad input "not executable (126)"
    run_warren 126 run --rm "$IMAGE" /etc/passwd
    assert_error "/etc/passwd"
}

@test "bad input: an unknown flag exits 125 and runs nothing" {
    # guards: Foundation #2 bad input "an unknown flag (125)"
    local name
    name=$(wt_name)
    run_warren 125 run --name "$name" --bogus-flag "$IMAGE" true
    assert_error "bogus-flag"
    run_warren 0 ps -a
    refute_output --partial "$name"
    run_warren 125 images --bogus-flag
    assert_error "bogus-flag"
    run_warren 125 ps --bogus-flag
    assert_error "bogus-flag"
}

@test "bad input: invalid -v specs exit 125" {
    # guards: Foundation #2 bad input "an invalid -v spec"
    local spec
    for spec in "/tmp:relative" "/tmp:/x:bogusopt" "a:b:c:d" "" "$BATS_TEST_TMPDIR/nonexistent-src:/x"; do
        run_warren 125 run --rm -v "$spec" "$IMAGE" true
        assert_error
    done
    run_warren 0 ps -a -q
    assert_output ""
}

@test "bad input: run without an image, unknown --network, bad seccomp file exit 125" {
    # guards: Foundation #2 §4 usage errors are engine errors (125)
    run_warren 125 run
    assert_error
    run_warren 125 run --rm --network bogus "$IMAGE" true
    assert_error "bogus"
    run_warren 125 run --rm --security-opt seccomp="$BATS_TEST_TMPDIR/nonexistent.json" "$IMAGE" true
    assert_error "nonexistent.json"
    run_warren 125 run --rm --cap-add NOT_A_CAP "$IMAGE" true
    assert_error "NOT_A_CAP"
}

@test "bad input: load and import of a file that is not an archive exit 125" {
    # guards: Foundation #2 bad inputs: "a clear error and nothing lost"
    local before f=$BATS_TEST_TMPDIR/not-an-archive
    printf 'this is not a tar archive\n' > "$f"
    before=$(store_state)
    run_warren 125 load -i "$f"
    assert_error
    run_warren 125 import "$f" localhost/warren-test/not-an-archive:latest
    assert_error
    track_image localhost/warren-test/not-an-archive:latest
    assert_store_unchanged "$before"
}

@test "bad input: tag of a missing image exits 125" {
    # guards: Foundation #2 §3 `warren tag` errors (Podman: "image not known", 125)
    run_warren 125 tag localhost/warren-test/nosuch:latest localhost/warren-test/other:latest
    assert_error "nosuch"
    run_warren 1 image exists localhost/warren-test/other:latest
}

@test "bad input: -v SRC:/ is refused, not ignored" {
    # guards: issue 5 item 13 "-v SRC:/ is silently ignored (exit 0)" (Podman: an error, 125)
    local spec name
    name=$(wt_name)
    for spec in "$BATS_TEST_TMPDIR:/" "$BATS_TEST_TMPDIR://" "$BATS_TEST_TMPDIR:/x/..:ro"; do
        run_warren 125 run --rm --name "$name" -v "$spec" "$IMAGE" true
        assert_error "$spec" "'/'"
    done
    run_warren 125 run --rm --tmpfs / "$IMAGE" true
    assert_error "'/'"
    run_warren 0 ps -a
    refute_output --partial "$name"
}

@test "bad input: two mounts on one destination are refused" {
    # guards: issue 5 item 13 "two -v with the same destination are accepted" (Podman: 125)
    local a=$BATS_TEST_TMPDIR/a b=$BATS_TEST_TMPDIR/b
    mkdir -p "$a" "$b"
    run_warren 125 run --rm -v "$a:/data" -v "$b:/data/:ro" "$IMAGE" true
    assert_error "duplicate mount destination" "/data"
    run_warren 125 run --rm -v "$a:/data" --tmpfs /data "$IMAGE" true
    assert_error "duplicate mount destination"
    run_warren 0 ps -a -q
    assert_output ""
    # different destinations, one below the other, still work
    echo in-a > "$a/f"
    echo in-b > "$b/f"
    run_warren 0 run --rm -v "$a:/data" -v "$b:/data/sub:ro" "$IMAGE" cat /data/f /data/sub/f
    assert_output $'in-a\nin-b'
}

@test "bad input: an empty --root or --runroot is refused, nothing lands in the cwd" {
    # guards: issue 5 item 13 "--root '' creates warren.db in the current directory"
    local d=$BATS_TEST_TMPDIR/cwd
    mkdir -p "$d"
    cd "$d"
    run --separate-stderr timeout 60 "$WARREN" --root '' images
    wt_check_status 125 "warren --root '' images"
    assert_error "--root" "empty"
    run --separate-stderr timeout 60 "$WARREN" --root "$WT_ROOT" --runroot= images
    wt_check_status 125 "warren --runroot= images"
    assert_error "--runroot" "empty"
    run ls -A "$d"
    assert_output ""
}

@test "bad input: a zero-byte database over existing layers is refused, never re-created" {
    # guards: issue 5 item 13 "a zero-byte database is taken for an empty store while layers exist"
    use_private_store
    run_warren 0 load -i "$WT_FIXTURES/busybox.docker.tar"
    local layers
    layers=$(ls "$WT_ROOT/layers")
    [ -n "$layers" ] || fail "no layers after load"
    : > "$WT_ROOT/warren.db"
    run_warren 125 images
    assert_error "$WT_ROOT/warren.db" "0 bytes" "backup"
    run_warren 125 run --rm "$IMAGE" true
    assert_error "$WT_ROOT/warren.db"
    # the database was not rebuilt over the data, and the layers are all there
    [ ! -s "$WT_ROOT/warren.db" ] || fail "warren.db was re-created"
    run ls "$WT_ROOT/layers"
    assert_output "$layers"
    # the fix the message gives works on this very store
    if [ "$(id -u)" != 0 ]; then
        run_warren 0 unshare rm -rf "$WT_ROOT"
        run_warren 0 images
        refute_output --partial busybox
    fi
    # a zero-byte database in an otherwise empty store is a new store
    use_private_store
    mkdir -p "$WT_ROOT"
    : > "$WT_ROOT/warren.db"
    run_warren 0 images
}
