#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154  # container commands in single quotes; status/output/stderr come from bats
# Issue 8 "--uidmap/--gidmap/--subuidname, --userns=auto in root mode": the
# container gets a user namespace of its own with real host ids; the
# overlay is mounted over idmapped layers (mount_setattr MOUNT_ATTR_IDMAP;
# overlayfs itself takes no idmapped mount), so the image keeps its owners
# inside and what the container writes lands unshifted in its upper dir,
# without a chown of any layer.

load ../helpers

# --userns=auto hands out ranges of the "containers" user in /etc/subuid
# and /etc/subgid (Podman's); added for this file when the host has none
AUTO_LINE=""

setup_file() {
    if ! grep -q '^containers:' /etc/subuid || ! grep -q '^containers:' /etc/subgid; then
        local s
        s=$(awk -F: 'NF>=3 {e=$2+$3; if (e>m) m=e} END {s=(m<100000?100000:m); print int((s+65535)/65536)*65536}' /etc/subuid /etc/subgid)
        AUTO_LINE="containers:$s:65536"
        echo "$AUTO_LINE" >>/etc/subuid
        echo "$AUTO_LINE" >>/etc/subgid
    fi
    export AUTO_LINE
}

teardown_file() {
    [ -z "$AUTO_LINE" ] || sed -i "/^$AUTO_LINE\$/d" /etc/subuid /etc/subgid
}

teardown() {
    wt_teardown
}

# idmap_supported: skips unless the kernel idmaps the layers' filesystem
idmap_supported() {
    local out
    out=$("$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" run --rm --uidmap 0:400000:65536 "$IMAGE" true 2>&1) ||
        [[ $out != *"idmapped mount of"* ]] || skip "the kernel cannot idmap the layers here (needs Linux 5.19): $out"
}

@test "root: --uidmap maps real ids, the image keeps root, the upper dir holds unshifted ids" {
    # guards: issue 8 "--uidmap ... without copying or chowning image layers (idmapped mounts)"
    local n d
    idmap_supported
    n=$(wt_name)
    d=$(mktemp -d "$BATS_TEST_TMPDIR/src.XXXXXX")
    chmod 0777 "$d"
    run_warren 0 run --name "$n" --uidmap 0:300000:65536 -v "$d:/src" "$IMAGE" sh -c \
        'cat /proc/self/uid_map /proc/self/gid_map; id -u; stat -c %u:%g /etc/warren-fixture /bin/sh;
         touch /new /src/x; mkdir /d5; chown 5:5 /d5'
    assert_output "$(printf '%10d %10d %10d\n' 0 300000 65536 0 300000 65536)"$'\n'0$'\n'0:0$'\n'0:0
    run_warren 0 inspect --format '{{.Driver}} {{json .HostConfig.IDMappings}}' "$n"
    assert_output 'overlay {"UidMap":["0:300000:65536"],"GidMap":["0:300000:65536"]}'
    local id
    id=$(w inspect --format '{{.Id}}' "$n")
    [ "$(stat -c %u:%g "$WT_ROOT/containers/$id/upper/new")" = 0:0 ] || fail "upper: $(stat -c %u:%g "$WT_ROOT/containers/$id/upper/new")"
    [ "$(stat -c %u:%g "$WT_ROOT/containers/$id/upper/d5")" = 5:5 ]
    # a bind mount is not idmapped: the file is the mapped host id's
    [ "$(stat -c %u:%g "$d/x")" = 300000:300000 ]
    run_warren 0 rm "$n"
}

@test "root: --subuidname/--subgidname map a user's /etc/subuid ranges" {
    # guards: issue 8 "--subuidname"
    local r
    idmap_supported
    r=$(awk -F: '$1=="containers" {print $2, $3; exit}' /etc/subuid)
    run_warren 0 run --rm --subuidname containers --subgidname containers "$IMAGE" cat /proc/self/uid_map
    assert_output "$(printf '%10d %10d %10d' 0 "${r% *}" "${r#* }")"
    run_warren 125 run --rm --subuidname wt-no-such-user "$IMAGE" true
    assert_error 'no subuid ranges found for user "wt-no-such-user" in /etc/subuid'
}

@test "root: --userns=auto picks unused ranges of the containers user; auto:size=N" {
    # guards: issue 8 "--userns=auto in root mode (pick an unused range from /etc/subuid of the containers user)"
    local a b start
    idmap_supported
    a=$(wt_name) b=$(wt_name)
    start=$(awk -F: '$1=="containers" {print $2; exit}' /etc/subuid)
    run_warren 0 create --name "$a" --userns=auto "$IMAGE" true
    run_warren 0 create --name "$b" --userns=auto:size=500 "$IMAGE" stat -c %u /bin/sh
    run_warren 0 inspect --format '{{json .HostConfig.IDMappings.UidMap}}' "$a" "$b"
    assert_line --index 0 "[\"0:$start:1024\"]"
    assert_line --index 1 "[\"0:$((start + 1024)):500\"]"
    run_warren 0 start -a "$b"
    assert_output 0
    # exited: the rootfs was unmounted, a start mounts it over idmapped layers again
    run_warren 0 start -a "$b"
    assert_output 0
    run_warren 0 rm "$a" "$b"
    run_warren 0 run --rm --userns=auto:size=100 "$IMAGE" sh -c 'cat /proc/self/uid_map; stat -c %u /bin/sh'
    assert_output "$(printf '%10d %10d %10d' 0 "$start" 100)"$'\n'0
}

@test "root: keep-id and nomap are rootless only, as in Podman; bad maps refused" {
    # guards: issue 8 "keep-id in root mode: Podman's behaviour"
    run_warren 125 run --rm --userns=keep-id "$IMAGE" true
    assert_error 'keep-id is only supported in rootless mode'
    run_warren 125 run --rm --userns=nomap "$IMAGE" true
    assert_error 'nomap is only supported in rootless mode'
    run_warren 125 run --rm --uidmap 0:100000:10 --uidmap 5:200000:10 "$IMAGE" true
    assert_error 'the specified UID and/or GID mapping 5:200000:10 conflicts with other mappings'
    run_warren 125 run --rm --uidmap 0:4294967295:2 "$IMAGE" true
    assert_error 'initializing ID mappings' 'the ranges end below 2^32'
}
