# storage-helpers.bash - hostile layers and archives built offline, for the
# storage safety tests (`load storage-helpers`, `load ../storage-helpers`
# from root/). Needs GNU tar, sha256sum and jq.
# shellcheck shell=bash

# mk_tar OUT PATH...: a tar of empty files at PATH... (parents made as dirs)
mk_tar() {
    local out=$1 d p
    shift
    d=$(mktemp -d "$BATS_TEST_TMPDIR/tree.XXXXXX")
    echo ok > "$d/ok"
    for p in "$@"; do
        mkdir -p "$d/$(dirname "$p")"
        : > "$d/$p"
    done
    (cd "$d" && find . -mindepth 1 | sort | tar --format=gnu --no-recursion --owner=0 --group=0 \
        --numeric-owner -cf - -T -) > "$out"
}

# tar_dir DIR OUT: a tar of the contents of DIR (sorted, numeric owners kept)
tar_dir() {
    (cd "$1" && find . -mindepth 1 | sort | tar --format=gnu --no-recursion --numeric-owner -cf - -T -) > "$2"
}

# mk_archive OUT NAME LAYER.tar...: a docker-archive (manifest.json first)
mk_archive() {
    local out=$1 name=$2 d l h ids=() arch cfg diffids="" layers=""
    shift 2
    case $(uname -m) in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
    d=$(mktemp -d "$BATS_TEST_TMPDIR/archive.XXXXXX")
    for l in "$@"; do
        h=$(sha256sum "$l" | cut -d' ' -f1)
        cp "$l" "$d/$h.tar"
        ids+=("$h")
        diffids+="${diffids:+,}\"sha256:$h\""
        layers+="${layers:+,}\"$h.tar\""
    done
    printf '{"architecture":"%s","os":"linux","config":{"Cmd":["/bin/sh"]},"rootfs":{"type":"layers","diff_ids":[%s]}}' \
        "$arch" "$diffids" > "$d/config.json"
    cfg=$(sha256sum "$d/config.json" | cut -d' ' -f1)
    mv "$d/config.json" "$d/$cfg.json"
    printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":[%s]}]' "$cfg" "$name" "$layers" > "$d/manifest.json"
    (cd "$d" && printf '%s\n' manifest.json "$cfg.json" "${ids[@]/%/.tar}" |
        tar --format=gnu --no-recursion -cf - -T -) > "$out"
}

# base_layer OUT: the layer of the base image (busybox.docker.tar), for a
# hostile layer stacked on a real one
base_layer() {
    local d
    d=$(mktemp -d "$BATS_TEST_TMPDIR/base.XXXXXX")
    tar -xf "$WT_FIXTURES/busybox.docker.tar" -C "$d"
    cp "$d/$(jq -r '.[0].Layers[0]' "$d/manifest.json")" "$1"
}
