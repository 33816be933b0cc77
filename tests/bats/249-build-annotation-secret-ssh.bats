#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154  # templates in single quotes; status/output/stderr come from bats
# Issue 13: `build --annotation` (the OCI manifest of the image carries it:
# inspect, save; the same as podman build's), `--secret id=ID,env=VAR`
# (type=env secrets: the variable's value as RUN's secret file) and `--ssh
# ID=KEY` (an ssh-agent of the build's own holds the key files). Bad input:
# one line, status 125, nothing left behind (no container, image, agent or
# temp dir).

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

# leftovers: the build's private dirs in the runroot and its ssh-agents still there
leftovers() {
    ls -d "$WT_RUNROOT"/build-* 2>/dev/null
    pgrep -af "ssh-agent -D -a $WT_RUNROOT/" || true
}

@test "build --annotation: the image's OCI manifest carries them (inspect, save); docker format drops them" {
    local img out=$BATS_TEST_TMPDIR/oci
    img=localhost/$(wt_name)
    track_image "$img" "$img-d" "$img-s"
    cf "FROM $IMAGE
RUN echo x > /x"
    run_warren 0 build -q --annotation org.example.a=1 --annotation 'k=v=w' --annotation empty -t "$img" "$CTX"
    run_warren 0 image inspect --format '{{json .Annotations}} {{.ManifestType}}' "$img"
    assert_output '{"org.example.a":"1","k":"v=w","empty":""} application/vnd.oci.image.manifest.v1+json'
    run_warren 0 image inspect --format '{{.Digest}}' "$img"
    local digest=$output
    [[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] || fail "no manifest digest: $digest"
    # the saved OCI archive has that very manifest, annotations and all
    run_warren 0 save --format oci-archive -o "$BATS_TEST_TMPDIR/img.tar" "$img"
    mkdir -p "$out" && tar -xf "$BATS_TEST_TMPDIR/img.tar" -C "$out"
    run jq -r '.manifests[0].digest' "$out/index.json"
    assert_output "$digest"
    run jq -c '.annotations' "$out/blobs/sha256/${digest#sha256:}"
    assert_output '{"org.example.a":"1","k":"v=w","empty":""}'
    # and the image runs, loads elsewhere with them
    run_warren 0 run --rm "$img" cat /x
    assert_output x
    # --squash makes a new layer: its blob is in the manifest too
    run_warren 0 build -q --squash --annotation s=1 -t "$img-s" "$CTX"
    run_warren 0 image inspect --format '{{json .Annotations}}' "$img-s"
    assert_output '{"s":"1"}'
    run_warren 0 save --format oci-archive -o "$BATS_TEST_TMPDIR/s.tar" "$img-s"
    # docker format: no field for them (Podman drops them too)
    run_warren 0 build -q --format docker --annotation a=b -t "$img-d" "$CTX"
    assert_stderr_contains "annotations are not supported for docker image format"
    run_warren 0 image inspect --format '{{json .Annotations}}' "$img-d"
    assert_output '{}'
}

@test "build --annotation: the same annotations as podman build's" {
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    local img p wr
    img=localhost/$(wt_name)
    track_image "$img"
    cf "FROM $IMAGE
RUN echo x > /x"
    pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
    local args=(--annotation org.example.a=1 --annotation 'k=v=w' --annotation empty)
    pm build -q "${args[@]}" -t "$img" "$CTX" >/dev/null || fail "podman build failed"
    # podman adds org.opencontainers.image.base.name/digest of the FROM image: not compared
    local filter='with_entries(select(.key | startswith("org.opencontainers.image.base.") | not))'
    p=$(pm image inspect --format '{{json .Annotations}}' "$img" | jq -cS "$filter")
    pm_cleanup
    run_warren 0 build -q "${args[@]}" -t "$img" "$CTX"
    run_warren 0 image inspect --format '{{json .Annotations}}' "$img"
    wr=$(jq -cS "$filter" <<<"$output")
    [ "$p" = "$wr" ] || fail "annotations differ: podman $p, warren $wr"
}

@test "build --secret env=VAR, type=env: RUN reads the variable's value as its secret file; the image keeps no trace" {
    local img
    img=localhost/$(wt_name)
    track_image "$img"
    cf "FROM $IMAGE
RUN --mount=type=secret,id=tok tr a-z A-Z < /run/secrets/tok > /got1 && echo >> /got1
RUN --mount=type=secret,id=other,target=/etc/o echo \"\$(cat /etc/o)\" > /got2
RUN --mount=type=secret,id=WT_BYNAME echo \"\$(cat /run/secrets/WT_BYNAME)\" > /got3
RUN --mount=type=secret,id=tok stat -c %a /run/secrets/tok > /mode"
    run_warren_env 0 WT_TOKEN=env-s3cret WT_OTHER=other-value WT_BYNAME=by-name -- \
        build --secret id=tok,env=WT_TOKEN --secret id=other,type=env,src=WT_OTHER \
        --secret id=WT_BYNAME,type=env -t "$img" "$CTX"
    run_warren 0 run --rm "$img" sh -c 'cat /got1 /got2 /got3 /mode; test -e /run/secrets/tok || echo no-tok'
    assert_output $'ENV-S3CRET\nother-value\nby-name\n600\nno-tok'
    # the value itself (lower case) is nowhere in the image
    run_warren 0 save -o "$BATS_TEST_TMPDIR/img.tar" "$img"
    run grep -c env-s3cret "$BATS_TEST_TMPDIR/img.tar"
    assert_output 0
    # the files the values were written to are gone with the build
    run leftovers
    assert_output ""
}

@test "build --ssh ID=KEY: an ssh-agent of the build holds the keys; RUN's ssh-add -l lists them" {
    local img key=$BATS_TEST_TMPDIR/key m loader libs
    img=localhost/$(wt_name)
    m=$(wt_name)
    track_image "$img"
    ssh-keygen -q -t ed25519 -N '' -C "wt-key-one-$m" -f "$key"
    ssh-keygen -q -t ed25519 -N '' -C "wt-key-two-$m" -f "$key-2"
    # busybox has no ssh client: the host's ssh-add runs in the RUN, through
    # the host's dynamic loader, from the host's /usr bound at /host-usr
    loader=$(readlink -f "$(ldd /usr/bin/ssh-add | awk '/ld-linux/ {print $1}')")
    libs=$(ldd /usr/bin/ssh-add | awk '$3 ~ /^\// {print $3}' | xargs -n1 readlink -f | xargs -n1 dirname | sort -u)
    [[ $loader == /usr/* && $(grep -vc '^/usr/' <<<"$libs") == 0 ]] ||
        skip "the host's ssh-add and its libraries are not all under /usr (no merged /usr)"
    libs=$(awk '{sub("^/usr", "/host-usr"); print}' <<<"$libs" | paste -sd:)
    cf "FROM $IMAGE
RUN --mount=type=ssh /host-usr${loader#/usr} --library-path $libs /host-usr/bin/ssh-add -l > /keys
RUN --mount=type=ssh,id=two test -S /run/buildkit/ssh_agent.0 && echo two > /two"
    run_warren 0 build -v /usr:/host-usr:ro --ssh "default=$key" --ssh "two=$key,$key-2" -t "$img" "$CTX"
    run_warren 0 run --rm "$img" sh -c 'cat /keys /two'
    assert_line --partial "wt-key-one-$m (ED25519)"
    refute_output --partial "wt-key-two-$m"
    assert_line two
    # the agents and their sockets are gone with the build
    run leftovers
    assert_output ""
}

@test "build: bad --annotation, --secret and --ssh input fails with one line; nothing is left behind" {
    local before
    cf "FROM $IMAGE
RUN true"
    echo not-a-key >"$BATS_TEST_TMPDIR/junk"
    chmod 600 "$BATS_TEST_TMPDIR/junk"
    before=$(counts)
    run_warren 125 build --annotation =x "$CTX"
    assert_error "--annotation '=x': no key"
    run_warren 125 build --secret "id=x,type=bogus,src=$BATS_TEST_TMPDIR/junk" "$CTX"
    assert_error "invalid secret type, must be file or env"
    run_warren 125 build --secret id=x,env=WT_NO_SUCH_VARIABLE "$CTX"
    assert_error "--secret id=x,env=WT_NO_SUCH_VARIABLE: no variable WT_NO_SUCH_VARIABLE in the environment"
    run_warren 125 build --secret id=x,type=env "$CTX"
    assert_error "no variable x in the environment"
    run_warren_env 125 WT_V=1 -- build --secret "id=x,env=WT_V,src=$BATS_TEST_TMPDIR/junk" "$CTX"
    assert_error "--secret" "no src= or type=file"
    run_warren 125 build --secret env=HOME "$CTX"
    assert_error "--secret env=HOME: needs id=ID"
    run_warren 125 build --ssh "default=$BATS_TEST_TMPDIR/none" "$CTX"
    assert_error "--ssh default=$BATS_TEST_TMPDIR/none: stat '$BATS_TEST_TMPDIR/none'" "No such file"
    run_warren 125 build --ssh "=$BATS_TEST_TMPDIR/junk" "$CTX"
    assert_error "needs ID=SOCKET or ID=KEY"
    run_warren 125 build --ssh "default=" "$CTX"
    assert_error "needs ID=SOCKET or ID=KEY"
    # a file that is no key: the agent started for it goes again
    run_warren 125 build --ssh "default=$BATS_TEST_TMPDIR/junk" "$CTX"
    assert_error "--ssh default=$BATS_TEST_TMPDIR/junk: cannot parse ssh key"
    [ "$(counts)" = "$before" ] || fail "containers/images before: $before, after: $(counts)"
    run leftovers
    assert_output ""
}
