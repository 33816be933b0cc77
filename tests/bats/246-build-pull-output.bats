#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2046,SC2154  # templates in single quotes; status/output/stderr come from bats
# Issue 13: `build` FROM an image it pulls (the local registry of registry.bash:
# https with basic auth, so --cert-dir, --creds, --authfile and --tls-verify
# matter), --pull policies, --platform; --squash, --squash-all, --layers=false,
# --timestamp (two builds, one image id), --output; commit's --iidfile and
# --include-volumes. Each flag's bad input: one line, status 125, nothing left.

load helpers
load registry

setup_file() {
    reg_start basic
    reg_push "docker-archive:$WT_FIXTURES/busybox.docker.tar" busybox:latest
}

# a rebuild under the same name leaves the image before it untagged: what this
# file left so is removed at its end (files after it count the images)
teardown_file() {
    "$WARREN" --root "$WT_SUITE_ROOT" --runroot "$WT_SUITE_RUNROOT" image prune -f >/dev/null 2>&1 || true
    reg_stop
}

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

# nlayers IMAGE: its number of layers
nlayers() {
    w image inspect --format '{{len .RootFS.Layers}}' "$1"
}

@test "build: FROM an image not stored pulls it (--cert-dir, --creds); --pull=never and always" {
    local img base=$REG/busybox:latest
    img=localhost/$(wt_name)
    track_image "$img" "$base"
    w rmi -f "$base" >/dev/null 2>&1 || true
    cf "FROM $base
RUN echo pulled > /p.txt"
    # never: the image is not stored, nothing is pulled
    run_warren 125 build --pull=never -t "$img" "$CTX"
    assert_last_error "$base: image not known"
    # no credentials: the registry refuses, the error names the image
    run_warren 125 build --cert-dir "$REG_CERTDIR" -t "$img" "$CTX"
    assert_last_error "$REG/busybox"
    run_warren 1 image exists "$img"
    run_warren 0 build --cert-dir "$REG_CERTDIR" --creds "$REG_USER:$REG_PASS" -t "$img" "$CTX"
    assert_line "STEP 1/2: FROM $base"
    run_warren 0 image exists "$base"
    run_warren 0 run --rm "$img" cat /p.txt
    assert_output "pulled"
    # stored now: the default (missing) and never use it, with no credentials
    run_warren 0 build --pull=never -t "$img" "$CTX"
    run_warren 0 build -t "$img" "$CTX"
    # always (and --pull alone) ask the registry: without credentials that fails
    run_warren 125 build --pull=always --cert-dir "$REG_CERTDIR" -t "$img" "$CTX"
    assert_last_error "$REG/busybox"
    run_warren 125 build --pull --cert-dir "$REG_CERTDIR" -t "$img" "$CTX"
    assert_last_error "$REG/busybox"
    run_warren 0 build --pull-always --cert-dir "$REG_CERTDIR" --creds "$REG_USER:$REG_PASS" -t "$img" "$CTX"
    # newer: a registry that refuses keeps the stored image (a warning)
    run_warren 0 build --pull=newer --cert-dir "$REG_CERTDIR" -t "$img" "$CTX"
}

@test "build: FROM an image by digest pulls that manifest; stored, it is found by its digest" {
    local img base=$REG/busybox digest
    img=localhost/$(wt_name)
    # a store of its own: in the shared one the same image id is stored from a
    # docker archive already, and a pull then only adds the name
    use_private_store
    run_warren 0 pull $(reg_flags) "$base:latest"
    run_warren 0 image inspect --format '{{.Digest}}' "$base:latest"
    digest=$output
    [[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] || fail "no digest: $digest"
    cf "FROM $base@$digest
RUN echo by-digest > /d.txt"
    # stored: found by the digest, nothing pulled
    run_warren 0 build --pull=never -t "$img" "$CTX"
    assert_line "STEP 1/2: FROM $base@$digest"
    run_warren 0 run --rm "$img" cat /d.txt
    assert_output by-digest
    # not stored: pulled by the digest
    w rmi -f "$base:latest" "$img" >/dev/null
    run_warren 0 build $(reg_flags) -t "$img" "$CTX"
    run_warren 0 images --digests --format '{{.Repository}} {{.Digest}}'
    assert_line "$base $digest"
    # a digest the registry does not have: an error naming it, nothing made
    cf "FROM $base@sha256:$(printf '0%.0s' {1..64})"
    run_warren 125 build $(reg_flags) -t "$img-x" "$CTX"
    assert_last_error "sha256:0000"
    run_warren 1 image exists "$img-x"
}

@test "build: --authfile and --tls-verify=false reach the registry; COPY --from an image pulls it" {
    local img base=$REG/busybox:latest auth=$BATS_TEST_TMPDIR/auth.json
    img=localhost/$(wt_name)
    track_image "$img" "$base"
    w rmi -f "$base" >/dev/null 2>&1 || true
    printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$REG" "$(printf '%s:%s' "$REG_USER" "$REG_PASS" | base64 -w0)" >"$auth"
    cf "FROM $IMAGE
COPY --from=$base /bin/busybox /from-pulled"
    # the CA is not trusted without --cert-dir: verification fails
    run_warren 125 build --authfile "$auth" -t "$img" "$CTX"
    assert_last_error "$REG"
    run_warren 0 build --tls-verify=false --authfile "$auth" -t "$img" "$CTX"
    run_warren 0 run --rm "$img" test -f /from-pulled
}

@test "build: --platform picks the manifest list's entry pulled; a platform it lacks is an error" {
    local img base=$REG/multi:latest
    img=localhost/$(wt_name)
    track_image "$img" "$base"
    reg_push "$REGFIX_MULTI" multi:latest
    w rmi -f "$base" >/dev/null 2>&1 || true
    cf "FROM $base"
    run_warren 125 build --platform linux/s390x $(reg_flags) -t "$img" "$CTX"
    assert_last_error "s390x"
    run_warren 1 image exists "$base"
    run_warren 1 image exists "$img"
    run_warren 0 build --platform "linux/$REGFIX_ARCH" $(reg_flags) -t "$img" "$CTX"
    run_warren 0 image exists "$base"
    # FROM --platform= does the same
    w rmi -f "$base" "$img" >/dev/null 2>&1
    cf "FROM --platform=linux/s390x $base"
    run_warren 125 build $(reg_flags) -t "$img" "$CTX"
    assert_last_error "s390x"
}

@test "build: --squash, --layers=false and --squash-all; deletions of base files stay deleted" {
    local img
    img=localhost/$(wt_name)
    track_image "$img"
    cf "FROM $IMAGE
RUN mkdir -p /new/d && echo one > /new/d/a && rm /bin/vi
RUN echo two > /new/d/b && rm /new/d/a
COPY Containerfile /new/cf"
    local base_layers
    base_layers=$(nlayers "$IMAGE")
    run_warren 0 build --squash -t "$img" "$CTX"
    [ "$(nlayers "$img")" = $((base_layers + 1)) ] || fail "--squash: $(nlayers "$img") layers"
    run_warren 0 run --rm "$img" sh -c 'ls /new/d; test -e /bin/vi || echo no-vi; test -f /new/cf && echo cf; test -e /bin/ls && echo ls'
    assert_output $'b\nno-vi\ncf\nls'
    run_warren 0 build --layers=false -t "$img" "$CTX"
    [ "$(nlayers "$img")" = $((base_layers + 1)) ] || fail "--layers=false: $(nlayers "$img") layers"
    run_warren 0 build --squash-all -t "$img" "$CTX"
    [ "$(nlayers "$img")" = 1 ] || fail "--squash-all: $(nlayers "$img") layers"
    run_warren 0 run --rm "$img" sh -c 'ls /new/d; test -e /bin/vi || echo no-vi; test -e /bin/ls && echo ls'
    assert_output $'b\nno-vi\nls'
    # the squashed image saves and loads (its layer has its blob)
    run_warren 0 save -o "$BATS_TEST_TMPDIR/s.tar" "$img"
}

@test "build: --timestamp makes two builds one image id, with that created time" {
    local img id1
    img=localhost/$(wt_name)
    track_image "$img"
    cf "FROM $IMAGE
RUN echo made > /made.txt && mkdir /m
COPY Containerfile /cf"
    run_warren 0 build --no-cache --timestamp 1000000000 -t "$img" "$CTX"
    id1=${lines[-1]}
    sleep 1 # the second build's files would get other times
    run_warren 0 build --no-cache --timestamp 1000000000 -t "$img" "$CTX"
    [ "${lines[-1]}" = "$id1" ] || fail "two ids: $id1 ${lines[-1]}"
    run_warren 0 image inspect --format '{{.Created}}' "$img"
    assert_output --partial "2001-09-09 01:46:40"
    run_warren 0 run --rm "$img" stat -c %Y /made.txt
    assert_output 1000000000
    # without it, two builds differ
    run_warren 0 build --no-cache -t "$img" "$CTX"
    [ "${lines[-1]}" != "$id1" ] || fail "the same id without --timestamp"
}

@test "build: --output type=local, type=tar and -o DIR write the image's files" {
    local img out=$BATS_TEST_TMPDIR/out
    img=localhost/$(wt_name)
    track_image "$img"
    cf "FROM $IMAGE
RUN echo out > /out.txt"
    run_warren 0 build --output "type=local,dest=$out/dir" -t "$img" "$CTX"
    [ "$(cat "$out/dir/out.txt")" = out ] || fail "no out.txt in the local output"
    [ -f "$out/dir/bin/busybox" ] || fail "no /bin/busybox in the local output"
    run_warren 0 build -o "$out/dir2" -t "$img" "$CTX"
    [ "$(cat "$out/dir2/out.txt")" = out ] || fail "no out.txt in -o DIR"
    run_warren 0 build --output "type=tar,dest=$out/fs.tar" -t "$img" "$CTX"
    run tar -xOf "$out/fs.tar" out.txt
    assert_output out
}

@test "build: bad --pull, --platform, --output, --timestamp, --squash input fails with one line" {
    local before
    cf "FROM $IMAGE
RUN true"
    before=$(counts)
    run_warren 125 build --pull=sometimes "$CTX"
    assert_error "--pull" "sometimes"
    run_warren 125 build --pull=always --pull-never "$CTX"
    assert_error "conflict"
    run_warren 125 build --platform 'linux' "$CTX"
    assert_error "--platform"
    run_warren 125 build --output 'type=registry,dest=x' "$CTX"
    assert_error "--output" "local or tar"
    run_warren 125 build --output 'type=local' "$CTX"
    assert_error "--output" "dest"
    run_warren 125 build --output 'type=local,dest=x,foo=1' "$CTX"
    assert_error "--output" "foo"
    run_warren 125 build --output '' "$CTX"
    assert_error "--output"
    run_warren 125 build --output 'type=tar,dest=-' "$CTX"
    assert_error "--output" "name a file"
    run_warren 125 build --timestamp yesterday "$CTX"
    assert_error "--timestamp" "yesterday"
    run_warren 125 build --timestamp -5 "$CTX"
    assert_error "--timestamp"
    run_warren 125 build --squash --squash-all "$CTX"
    assert_error "conflict"
    run_warren 125 build --layers=maybe "$CTX"
    assert_error "layers"
    run_warren 125 build --tls-verify=maybe "$CTX"
    assert_error "tls-verify"
    [ "$(counts)" = "$before" ] || fail "containers/images before: $before, after: $(counts)"
}

@test "commit: --iidfile writes the id; --include-volumes keeps the -v destinations" {
    local c img vol
    c=$(wt_name) img=localhost/$(wt_name) vol=$(wt_name)-v
    track_image "$img" "$img-2"
    mkdir -p "$BATS_TEST_TMPDIR/vol"
    run_warren 0 create --name "$c" -v "$BATS_TEST_TMPDIR/vol:/data" -v "$vol:/named" "$IMAGE" true
    run_warren 0 commit -q --iidfile "$BATS_TEST_TMPDIR/iid" "$c" "$img"
    [ "$(cat "$BATS_TEST_TMPDIR/iid")" = "sha256:${lines[-1]}" ] || fail "iidfile: $(cat "$BATS_TEST_TMPDIR/iid")"
    run_warren 0 image inspect --format '{{json .Config}}' "$img"
    run jq -c .Volumes <<<"$output"
    assert_output null
    run_warren 0 commit -q --include-volumes "$c" "$img-2"
    run_warren 0 image inspect --format '{{json .Config}}' "$img-2"
    run jq -c .Volumes <<<"$output"
    assert_output '{"/data":{},"/named":{}}'
    # a bad --iidfile: one line, no image
    local before
    before=$(counts)
    run_warren 125 commit -q --iidfile "$BATS_TEST_TMPDIR/no/such/dir/iid" "$c" "$img-3"
    assert_error "--iidfile"
    run_warren 1 image exists "$img-3"
    [ "$(counts)" = "$before" ] || fail "containers/images before: $before, after: $(counts)"
    w rm -f "$c" >/dev/null
    w volume rm -f "$vol" >/dev/null 2>&1 || true
}

@test "build: --squash, --squash-all and --timestamp agree with podman build (layers, files, created)" {
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    local img flag p wr
    img=localhost/$(wt_name)
    track_image "$img"
    cf "FROM $IMAGE
RUN mkdir -p /new/d && echo one > /new/d/a && rm /bin/vi
RUN echo two > /new/d/b && rm /new/d/a && rm -r /usr/sbin
COPY Containerfile /new/cf"
    pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
    local files='find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /etc/hosts -o -path /etc/hostname -o -path /etc/resolv.conf -o -path /etc/mtab \) -prune -o -print | sort'
    for flag in --squash --squash-all; do
        pm build -q "$flag" -t "$img" "$CTX" >/dev/null || fail "podman build $flag failed"
        pm run --rm "$img" sh -c "$files" >"$BATS_TEST_TMPDIR/p.files"
        p=$(pm image inspect --format '{{len .RootFS.Layers}}' "$img")
        run_warren 0 build -q "$flag" -t "$img" "$CTX"
        # (stderr too: a whiteout overlay would list is a "No such file" of find)
        w run --rm "$img" sh -c "$files" >"$BATS_TEST_TMPDIR/w.files" 2>&1
        wr=$(nlayers "$img")
        [ "$p" = "$wr" ] || { pm_cleanup; fail "$flag: layers: podman $p, warren $wr"; }
        diff "$BATS_TEST_TMPDIR/p.files" "$BATS_TEST_TMPDIR/w.files" ||
            { pm_cleanup; fail "$flag: the file trees differ (podman <, warren >)"; }
    done
    pm build -q --timestamp 1000000000 -t "$img" "$CTX" >/dev/null || fail "podman build --timestamp failed"
    p=$(pm image inspect --format '{{.Created}}' "$img")
    pm_cleanup
    run_warren 0 build -q --timestamp 1000000000 -t "$img" "$CTX"
    run_warren 0 image inspect --format '{{.Created}}' "$img"
    [ "$p" = "$output" ] || fail "created: podman '$p', warren '$output'"
}

@test "build: a step's layer (its upper dir, renamed) and its blob agree: save, load elsewhere, same image and files" {
    local img id out files
    img=localhost/$(wt_name)
    track_image "$img"
    cf "FROM $IMAGE
RUN echo saved > /saved && rm /bin/vi && rm -r /usr && mkdir /usr && echo new > /usr/only
COPY Containerfile /cf"
    run_warren 0 build -q -t "$img" "$CTX"
    id=${lines[-1]}
    files='find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run \) -prune -o -print | sort; cat /saved /usr/only'
    run_warren 0 run --rm "$img" sh -c "$files"
    local here=$output
    [[ $here == *"/usr/only"* && $here != *"/usr/sbin"* && $here != *"/bin/vi"* ]] || fail "the layer: $here"
    out=$WT_TMP/build-save-$RANDOM.tar
    run_warren 0 save --format oci-archive -o "$out" "$img"
    [[ $stderr != *"has no stored blob"* ]] || fail "save remade the layer: $stderr"
    use_private_store
    run_warren 0 load -i "$out"
    run_warren 0 image inspect --format '{{.Id}}' "$img"
    assert_output "$id"
    run_warren 0 run --rm "$img" sh -c "$files"
    rm -f "$out"
    [ "$output" = "$here" ] || fail "the loaded image differs:"$'\n'"$(diff <(echo "$here") <(echo "$output"))"
}

@test "build: with the vfs driver (no upper dir to rename) the steps still make their layers" {
    local img=localhost/wt-build-vfs
    use_private_store
    run_warren 0 --storage-driver vfs load -i "$WT_FIXTURES/busybox.docker.tar"
    cf "FROM $IMAGE
RUN echo v > /v && rm /bin/vi
COPY Containerfile /cf"
    run_warren 0 --storage-driver vfs build -q -t "$img" "$CTX"
    run_warren 0 --storage-driver vfs run --rm "$img" sh -c 'cat /v; test ! -e /bin/vi && echo vi-gone; test -f /cf && echo cf'
    assert_output $'v\nvi-gone\ncf'
}
