#!/usr/bin/env bats
# shellcheck disable=SC2154  # status/output/stderr come from bats
# Issue 7 in root mode: pull, run and push as root (no user namespace, files
# keep their owners), and a pull by a user without subordinate ids (every
# owner squashed to the user, as the layer extraction does in single-uid mode).

load ../helpers
load ../registry

NOSUBID_USER=${WARREN_TEST_NOSUBID_USER:-warren-nosubid}

setup_file() {
    reg_start plain
    reg_push "$REGFIX_LAYERS" layers:latest
}

teardown_file() { reg_stop; }

setup() {
    use_private_store
    export CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf
    printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$REG" >"$CONTAINERS_REGISTRIES_CONF"
}

@test "root pull: pull, run (owners kept), push, pull again: the same id" {
    # guards: issue 7 "rootless and in root mode" (pull into a root store)
    run_warren 0 pull -q "$REG/layers:latest"
    assert_output "${REGFIX_LAYERS_ID#sha256:}"
    run_warren 0 run --rm "$REG/layers:latest" stat -c '%u:%g' /owned1000
    assert_output 1000:1000
    run_warren 0 push "$REG/layers:latest" "$REG/rootcopy/layers:v1"
    run_warren 0 rmi -a -f
    run_warren 0 pull -q "$REG/rootcopy/layers:v1"
    assert_output "${REGFIX_LAYERS_ID#sha256:}"
}

@test "root pull: a user without subordinate ids pulls; owners become the user's" {
    # guards: issue 7 pull works in single-uid mode (issue 15 builds on it)
    id "$NOSUBID_USER" >/dev/null 2>&1 ||
        skip "needs a test user without subordinate ids (WARREN_TEST_NOSUBID_USER, default warren-nosubid)"
    ! grep -q "^$NOSUBID_USER:" /etc/subuid /etc/subgid ||
        skip "needs a test user without subordinate ids: $NOSUBID_USER has ranges"
    runuser -u "$NOSUBID_USER" -- test -x "$WARREN" || skip "needs $WARREN executable by $NOSUBID_USER"
    local d home
    d=$(mktemp -d "$WT_TMP/nosubid-pull.XXXXXX")
    home=$(getent passwd "$NOSUBID_USER" | cut -d: -f6)
    install -d -m 0700 -o "$NOSUBID_USER" "$d/xdg"
    chown "$NOSUBID_USER:" "$d"
    install -m 0644 "$CONTAINERS_REGISTRIES_CONF" "$d/registries.conf"
    ns() {
        run --separate-stderr timeout -k 5 120 runuser -u "$NOSUBID_USER" -- env -i HOME="$home" \
            PATH=/usr/local/bin:/usr/bin:/bin XDG_RUNTIME_DIR="$d/xdg" \
            CONTAINERS_REGISTRIES_CONF="$d/registries.conf" \
            "$WARREN" --root "$d/root" --runroot "$d/runroot" "$@"
    }
    ns pull -q "$REG/layers:latest"
    [ "$status" = 0 ] || fail "pull as $NOSUBID_USER: $stderr"
    ns run --rm "$REG/layers:latest" stat -c '%u:%g' /owned1000
    [ "$status" = 0 ] || fail "run as $NOSUBID_USER: $stderr"
    assert_output 0:0
    ns rmi -a -f
    runuser -u "$NOSUBID_USER" -- env -i XDG_RUNTIME_DIR="$d/xdg" PATH=/usr/bin:/bin \
        "$WARREN" system migrate >/dev/null 2>&1 || true
    rm -rf --one-file-system "$d"
}
