#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154  # container commands in single quotes; status/output/stderr come from bats
# Issue 15 "No sub-ids, and keep-id": a user without /etc/subuid entries
# loads, runs, builds and saves. Owners that one uid cannot hold are
# squashed to root on extraction and recorded in the user.warren.owner
# xattr, so commit, build and save write them back; a RUN that fails in
# single-uid mode says that the image may need several ids.

load ../helpers

NOSUBID_USER=${WARREN_TEST_NOSUBID_USER:-warren-nosubid}

setup() {
    id "$NOSUBID_USER" >/dev/null 2>&1 ||
        skip "needs a test user without subordinate ids (WARREN_TEST_NOSUBID_USER, default warren-nosubid)"
    ! grep -q "^$NOSUBID_USER:" /etc/subuid /etc/subgid ||
        skip "needs a test user without subordinate ids: $NOSUBID_USER has ranges"
    runuser -u "$NOSUBID_USER" -- test -x "$WARREN" || skip "needs $WARREN executable by $NOSUBID_USER"
    NS=$(mktemp -d "$WT_TMP/nosubid-own.XXXXXX")
    chmod 0755 "$NS"
    install -d -m 0700 -o "$NOSUBID_USER" "$NS/xdg" "$NS/home"
    install -d -m 0755 -o "$NOSUBID_USER" "$NS/out" "$NS/ctx"
    cp "$WT_FIXTURES/layers.tar" "$WT_FIXTURES/busybox.docker.tar" "$NS/"
    chmod 0644 "$NS"/*.tar
}

teardown() {
    runuser -u "$NOSUBID_USER" -- env -i XDG_RUNTIME_DIR="$NS/xdg" PATH=/usr/bin:/bin \
        "$WARREN" --root "$NS/home/root" --runroot "$NS/home/run" rm -a -f -t 0 >/dev/null 2>&1 || true
    runuser -u "$NOSUBID_USER" -- env -i XDG_RUNTIME_DIR="$NS/xdg" PATH=/usr/bin:/bin \
        "$WARREN" system migrate >/dev/null 2>&1 || true
    rm -rf --one-file-system "$NS"
    wt_teardown
}

# ns ARGS...: warren as the user without sub-ids; stderr without the
# single-uid warning every new namespace prints
ns() {
    run --separate-stderr timeout -k 5 120 runuser -u "$NOSUBID_USER" -- env -i HOME="$NS/home" \
        PATH=/usr/local/bin:/usr/bin:/bin XDG_RUNTIME_DIR="$NS/xdg" \
        "$WARREN" --root "$NS/home/root" --runroot "$NS/home/run" "$@"
    stderr=$(printf '%s\n' "${stderr-}" | grep -v "no subordinate ids for $NOSUBID_USER in" || true)
}

# owner_in TAR LAYER-INDEX PATH: "uid/gid" of PATH in that layer of a docker-archive
owner_in() {
    local layer
    layer=$(tar -xOf "$1" manifest.json | jq -r ".[0].Layers[$2]")
    tar -xOf "$1" "$layer" | tar -tvf - "$3" | awk '{print $2}'
}

@test "no sub-ids: load, run (owners squashed to root), save of the loaded image keeps them" {
    # guards: issue 15 (pull/load squash owners; save writes the original back)
    ns load -q -i "$NS/layers.tar"
    [ "$status" = 0 ] || fail "load: $stderr"
    ns run --rm localhost/warren-test/layers:latest stat -c %u:%g /owned1000
    [ "$status" = 0 ] || fail "run: $stderr"
    assert_output 0:0
    ns save -o "$NS/out/l.tar" localhost/warren-test/layers:latest
    [ "$status" = 0 ] || fail "save: $stderr"
    [ "$(owner_in "$NS/out/l.tar" 3 owned1000)" = 1000/1000 ] ||
        fail "save lost the owner: $(owner_in "$NS/out/l.tar" 3 owned1000)"
}

@test "no sub-ids: commit and save write the recorded owner back; new files stay root's" {
    # guards: issue 15 (the original owner in an xattr; commit and save write it back)
    ns load -q -i "$NS/layers.tar"
    ns run --name c1 localhost/warren-test/layers:latest sh -c 'echo more >>/owned1000; echo new >/new'
    [ "$status" = 0 ] || fail "run: $stderr"
    ns commit -q c1 localhost/committed:latest
    [ "$status" = 0 ] || fail "commit: $stderr"
    ns save -o "$NS/out/c.tar" localhost/committed:latest
    [ "$status" = 0 ] || fail "save: $stderr"
    [ "$(owner_in "$NS/out/c.tar" 4 owned1000)" = 1000/1000 ] ||
        fail "commit lost the owner: $(owner_in "$NS/out/c.tar" 4 owned1000)"
    [ "$(owner_in "$NS/out/c.tar" 4 new)" = 0/0 ] || fail "a new file got an owner: $(owner_in "$NS/out/c.tar" 4 new)"
}

@test "no sub-ids: build with RUN steps works; a RUN that chowns fails with the note" {
    # guards: issue 15 (build with RUN; a clear note when the image needs several ids)
    ns load -q -i "$NS/layers.tar"
    printf 'FROM localhost/warren-test/layers:latest\nRUN echo built >/built && cat /owned1000 >>/built\n' \
        >"$NS/ctx/Containerfile"
    ns build -q -t localhost/built:latest "$NS/ctx"
    [ "$status" = 0 ] || fail "build: $stderr"
    ns run --rm localhost/built:latest cat /built
    assert_output $'built\n1000'
    printf 'FROM localhost/warren-test/layers:latest\nRUN touch /x && chown 1000:1000 /x\n' \
        >"$NS/ctx/Containerfile"
    ns build -q -t localhost/chowned:latest "$NS/ctx"
    [ "$status" != 0 ] || fail "a chown to an unmapped id succeeded with one uid"
    [[ $stderr == *"ran with a single uid (no subordinate ids for this user)"*"the image needs several ids"* ]] ||
        fail "no note: $stderr"
    [[ ${stderr##*$'\n'} == 'Error: building at STEP "RUN touch /x && chown 1000:1000 /x": while running runtime: exit status 1' ]] ||
        fail "not Podman's error last: $stderr"
}

@test "no sub-ids: an image cannot forge the recorded-owner xattr" {
    # guards: issue 15 bad input (user.warren.owner comes only from the extraction)
    command -v setfattr >/dev/null || skip "needs setfattr (attr)"
    local src=$NS/forge
    mkdir -p "$src"
    tar -xf "$WT_FIXTURES/rootfs.tar" -C "$src"
    echo x >"$src/forged"
    setfattr -n user.warren.owner -v 4242:4242 "$src/forged" ||
        skip "needs user xattrs on $WT_TMP's filesystem"
    tar --xattrs --xattrs-include='user.*' --owner=0 --group=0 -cf "$NS/forge.tar" -C "$src" .
    chmod 0644 "$NS/forge.tar"
    ns import "$NS/forge.tar" localhost/forge:latest
    [ "$status" = 0 ] || fail "import: $stderr"
    ns run --name c2 localhost/forge:latest sh -c 'echo y >>/forged'
    [ "$status" = 0 ] || fail "run: $stderr"
    ns commit -q c2 localhost/forge2:latest
    ns save -o "$NS/out/f.tar" localhost/forge2:latest
    [ "$status" = 0 ] || fail "save: $stderr"
    [ "$(owner_in "$NS/out/f.tar" 1 forged)" = 0/0 ] || fail "the forged owner was used: $(owner_in "$NS/out/f.tar" 1 forged)"
}
