#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154  # container commands in single quotes; status/output/stderr come from bats
# Issue 8 "--userns=keep-id[:uid=N,gid=N], --userns=host, --uidmap/--gidmap,
# --userns=auto": a user namespace of the container's own, nested in the
# pause process's. Rootless the rootfs shows the image's ids through
# fuse-overlayfs uidmapping (the kernel refuses idmapped mounts of a
# filesystem mounted in a user namespace); no layer is copied or chowned.
# Maps, passwd entries and inspect compared with podman 4.3 (pm) where it
# runs here.

load helpers

teardown() {
    wt_teardown
    [ -z "${PM_DIR:-}" ] || pm_cleanup
}

# wt_sub_count: the number of sub-ids of this user (uid and gid alike in
# the fixtures); the pause namespace has that many plus one
wt_sub_count() {
    local r
    r=$(subid_range /etc/subuid "$(id -un)")
    [ -n "$r" ] || skip "needs /etc/subuid and /etc/subgid ranges for $(id -un)"
    echo "${r#* }"
}

# keep_id_map UID: Podman's keep-id uid_map for this user, as the kernel prints it
keep_id_map() {
    local id=$1 n
    n=$(($(wt_sub_count) + 1))
    printf '%10d %10d %10d\n' 0 1 "$id" "$id" 0 1 $((id + 1)) $((id + 1)) $((n - id - 1))
}

# layer_owners: owners and modes of every file of the image layers (as the host sees them)
layer_owners() {
    find "$WT_ROOT/layers" -printf '%U:%G %m %p\n' 2>/dev/null | sort | md5sum
}

@test "keep-id: the user's own files keep its uid inside, the image keeps root, nothing chowned" {
    # guards: issue 8 "a developer's own files in a bind mount are owned by the same user inside"
    local d me mg before
    me=$(id -u) mg=$(id -g)
    wt_sub_count >/dev/null
    d=$(mktemp -d "$BATS_TEST_TMPDIR/src.XXXXXX")
    echo mine >"$d/f"
    mkdir "$d/sub"
    # a first run makes the image's mount-point layer once (storage/mountpoints.h)
    w run --rm "$IMAGE" true
    before=$(layer_owners)
    run_warren 0 run --rm --userns=keep-id -v "$d:/src" "$IMAGE" sh -c \
        'id -u; id -g; stat -c %u:%g /src/f /src/sub; stat -c %u:%g /etc/warren-fixture /bin/sh /;
         touch /src/new; mkdir /src/newdir; echo x > /tmp/t; stat -c %u /tmp/t'
    assert_line --index 0 "$me"
    assert_line --index 1 "$mg"
    assert_line --index 2 "$me:$mg"
    assert_line --index 3 "$me:$mg"
    assert_line --index 4 0:0
    assert_line --index 5 0:0
    assert_line --index 6 0:0
    assert_line --index 7 "$me"
    [ "$(stat -c %u:%g "$d/new")" = "$me:$mg" ] || fail "new file on the host: $(stat -c %u:%g "$d/new")"
    [ "$(stat -c %u:%g "$d/newdir")" = "$me:$mg" ] || fail "new dir on the host: $(stat -c %u:%g "$d/newdir")"
    [ "$(layer_owners)" = "$before" ] || fail "the image layers changed"
}

@test "keep-id: Podman's maps, a passwd and group entry for the user, HOME=/" {
    # guards: issue 8 "keep-id ... runs as the user with a passwd entry (Podman does that)"
    local me mg name
    me=$(id -u) mg=$(id -g) name=$(id -un)
    run_warren 0 run --rm --userns=keep-id "$IMAGE" sh -c \
        'cat /proc/self/uid_map; echo --; cat /proc/self/gid_map; echo --; id -un; echo HOME=$HOME; grep "^[^:]*:[^:]*:'"$me"':" /etc/passwd; grep "^[^:]*:[^:]*:'"$mg"':" /etc/group'
    local want
    want="$(keep_id_map "$me")"$'\n'--$'\n'"$(keep_id_map "$mg")"$'\n'--
    [ "$(head -n 8 <<<"$output")" = "$want" ] || fail "maps:"$'\n'"$output"$'\n'"want:"$'\n'"$want"
    if ! grep -q "^[^:]*:[^:]*:$me:" <(w run --rm "$IMAGE" cat /etc/passwd); then
        assert_line "$name"
        assert_line "$name:*:$me:$mg::/:/bin/sh"
    fi
    assert_line HOME=/
    if ! grep -q "^[^:]*:[^:]*:$mg:" <(w run --rm "$IMAGE" cat /etc/group); then
        assert_line "$name:x:$mg:$name"
    fi
    # -u still wins over keep-id's user
    run_warren 0 run --rm --userns=keep-id -u 0 "$IMAGE" id -u
    assert_output 0
}

@test "keep-id:uid=N,gid=N picks the ids inside, with Podman's numeric entries" {
    # guards: issue 8 "keep-id:uid=N,gid=N picks the inside ids"
    local d
    d=$(mktemp -d "$BATS_TEST_TMPDIR/src.XXXXXX")
    run_warren 0 run --rm --userns=keep-id:uid=200,gid=300 -v "$d:/src" "$IMAGE" sh -c \
        'id -u; id -g; head -n 3 /proc/self/uid_map; grep "^200:" /etc/passwd; grep "^300:" /etc/group; stat -c %u:%g /src; touch /src/x'
    assert_line --index 0 200
    assert_line --index 1 300
    [ "$(sed -n 3,5p <<<"$output")" = "$(keep_id_map 200)" ] || fail "uid_map: $output"
    assert_line "200:*:200:300:container user:/:/bin/sh"
    assert_line "300:x:300:200"
    assert_line 200:300
    [ "$(stat -c %u:%g "$d/x")" = "$(id -u):$(id -g)" ]
}

@test "--userns=host and the default: the pause namespace itself" {
    # guards: issue 8 "--userns=host (rootless: the pause namespace)"
    local want
    want=$("$WARREN" unshare cat /proc/self/uid_map)
    run_warren 0 run --rm --userns=host "$IMAGE" cat /proc/self/uid_map
    assert_output "$want"
    run_warren 0 run --rm "$IMAGE" cat /proc/self/uid_map
    assert_output "$want"
}

@test "--uidmap/--gidmap: custom maps in /proc/self/*_map, the image still root's" {
    # guards: issue 8 "--uidmap/--gidmap"
    wt_sub_count >/dev/null
    run_warren 0 run --rm --uidmap 0:1:500 --uidmap 500:0:1 --gidmap 0:1:600 "$IMAGE" sh -c \
        'cat /proc/self/uid_map; echo --; cat /proc/self/gid_map; echo --; id -u; stat -c %u:%g /etc/warren-fixture'
    [ "$output" = "$(printf '%10d %10d %10d\n' 0 1 500 500 0 1)"$'\n'--$'\n'"$(printf '%10d %10d %10d' 0 1 600)"$'\n'--$'\n'0$'\n'0:0 ] ||
        fail "got: $output"
    # only --uidmap: the gid map is the same (Podman's rule)
    run_warren 0 run --rm --uidmap 0:1:500 "$IMAGE" cat /proc/self/gid_map
    assert_output "$(printf '%10d %10d %10d' 0 1 500)"
}

@test "--uidmap without the user's own id: its files are nobody's, the container still starts" {
    # guards: issue 8 "--uidmap" (the rootfs and bind sources reach the child as detached mounts)
    local d
    wt_sub_count >/dev/null
    d=$(mktemp -d "$BATS_TEST_TMPDIR/src.XXXXXX")
    chmod 0700 "$d"
    run_warren 0 run --rm --uidmap 0:1:1000 -v "$d:/src" "$IMAGE" sh -c 'stat -c %u /src /etc/hosts /bin/sh; touch /ok'
    assert_output $'65534\n0\n0'
}

@test "--userns=nomap and auto rootless: sub-ids only" {
    # guards: issue 8 "--userns=auto"
    local n
    n=$(wt_sub_count)
    run_warren 0 run --rm --userns=nomap "$IMAGE" sh -c 'cat /proc/self/uid_map; stat -c %u /bin/sh'
    assert_output "$(printf '%10d %10d %10d' 0 1 "$n")"$'\n'0
    run_warren 0 run --rm --userns=auto:size=2000 "$IMAGE" cat /proc/self/uid_map
    assert_output "$(printf '%10d %10d %10d' 0 1 2000)"
}

@test "--userns=auto: two containers get ranges that do not overlap" {
    # guards: issue 8 "--userns=auto ... pick an unused range"
    local a b
    wt_sub_count >/dev/null
    a=$(wt_name) b=$(wt_name)
    run_warren 0 create --name "$a" --userns=auto "$IMAGE" true
    run_warren 0 create --name "$b" --userns=auto "$IMAGE" true
    run_warren 0 inspect --format '{{json .HostConfig.IDMappings.UidMap}}' "$a" "$b"
    assert_line --index 0 '["0:1:1024"]'
    assert_line --index 1 '["0:1025:1024"]'
    run_warren 0 rm "$a" "$b"
}

@test "inspect: HostConfig.UsernsMode and IDMappings as Podman's" {
    # guards: issue 8 "inspect shows HostConfig.UsernsMode and the IDMappings as Podman"
    local n p me
    n=$(wt_name) p=$(wt_name) me=$(id -u)
    wt_sub_count >/dev/null
    run_warren 0 create --name "$n" --userns=keep-id "$IMAGE" true
    run_warren 0 inspect --format '{{json .HostConfig.UsernsMode}} {{json .HostConfig.IDMappings}}' "$n"
    local m
    m="\"0:1:$me\",\"$me:0:1\",\"$((me + 1)):$((me + 1)):$(($(wt_sub_count) - me))\""
    assert_output "\"private\" {\"UidMap\":[$m],\"GidMap\":[${m//$me/$(id -g)}]}"
    run_warren 0 create --name "$p" "$IMAGE" true
    run_warren 0 inspect --format '{{json .HostConfig.UsernsMode}} {{json .HostConfig.IDMappings}}' "$p"
    assert_output '"" null'
    run_warren 0 rm "$n" "$p"
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
    pm create --name "$n" --userns=keep-id "$IMAGE" true >/dev/null
    [ "$(pm inspect --format '{{json .HostConfig.UsernsMode}} {{json .HostConfig.IDMappings}}' "$n")" = \
        "\"private\" {\"UidMap\":[$m],\"GidMap\":[${m//$me/$(id -g)}]}" ] || fail "podman differs"
}

@test "keep-id: the same maps, passwd line and ownership as podman" {
    # guards: issue 8 "compare with the real podman"
    local script d
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
    d=$(mktemp -d "$BATS_TEST_TMPDIR/src.XXXXXX")
    touch "$d/f"
    script='id; cat /proc/self/uid_map /proc/self/gid_map; grep "$(id -un)" /etc/passwd /etc/group; echo $HOME; stat -c %u:%g /src/f /etc/warren-fixture'
    run_warren 0 run --rm --userns=keep-id -v "$d:/src" "$IMAGE" sh -c "$script"
    local ours=$output
    run pm run --rm --userns=keep-id -v "$d:/src" "$IMAGE" sh -c "$script"
    [ "$status" = 0 ] || fail "podman: $output"
    [ "$ours" = "$output" ] || fail "warren:"$'\n'"$ours"$'\n'"podman:"$'\n'"$output"
}

@test "keep-id: a detached container, and --userns=ns:PATH joins its namespace" {
    # guards: issue 8 "--userns=ns:PATH"
    local n pid
    n=$(wt_name)
    wt_sub_count >/dev/null
    run_warren 0 run -d --name "$n" --userns=keep-id "$IMAGE" sleep 300
    run_warren 0 inspect --format '{{.State.Pid}}' "$n"
    pid=$output
    run_warren 0 run --rm --userns="ns:/proc/$pid/ns/user" "$IMAGE" cat /proc/self/uid_map
    assert_output "$(keep_id_map "$(id -u)")"
    run_warren 0 inspect --format '{{.HostConfig.UsernsMode}}' "$n"
    assert_output private
    run_warren 0 rm -f -t 0 "$n"
}

@test "keep-id: a second start mounts the rootfs with the same maps" {
    # guards: issue 8 "keep-id" (the rootfs is unmounted on exit and mounted again by start)
    local n
    n=$(wt_name)
    wt_sub_count >/dev/null
    run_warren 0 run --name "$n" --userns=keep-id "$IMAGE" sh -c 'id -u; stat -c %u /etc/warren-fixture; touch /tmp/mine'
    assert_output "$(id -u)"$'\n'0
    run_warren 0 start -a "$n"
    assert_output "$(id -u)"$'\n'0
    run_warren 0 inspect --format '{{.Driver}}' "$n"
    assert_output fuse-overlayfs
    run_warren 0 rm "$n"
}

@test "bad --userns/--uidmap values: Podman's one-line errors, nothing created" {
    # guards: issue 8 "bad inputs (overlapping maps, map outside the available range, bad syntax)"
    local n
    n=$(wt_name)
    wt_sub_count >/dev/null
    run_warren 125 run --name "$n" --uidmap 0:1 "$IMAGE" true
    assert_error 'initializing ID mappings: UID setting is malformed expected ["uint32:uint32:uint32"]: ["0:1"]'
    run_warren 125 run --name "$n" --gidmap 0:1:x "$IMAGE" true
    assert_error 'GID setting is malformed'
    run_warren 125 run --name "$n" --uidmap 0:1:500 --uidmap 100:1000:10 "$IMAGE" true
    assert_error 'the specified UID and/or GID mapping 100:1000:10 conflicts with other mappings: invalid mappings specified'
    run_warren 125 run --name "$n" --uidmap 0:1:500 --uidmap 1000:400:10 "$IMAGE" true
    assert_error 'mapping 1000:400:10 conflicts'
    run_warren 125 run --name "$n" --uidmap 0:1:10000000 "$IMAGE" true
    assert_error 'UID mapping 0:1:10000000: host ids 1-10000000 are not all available' '/etc/subuid'
    run_warren 125 run --name "$n" --userns=keep-id --uidmap 0:1:5 "$IMAGE" true
    assert_error '--userns and --uidmap/--gidmap/--subuidname/--subgidname are mutually exclusive'
    run_warren 125 run --name "$n" --userns=bogus "$IMAGE" true
    assert_error 'unrecognized namespace mode bogus passed'
    run_warren 125 run --name "$n" --userns=keep-id:uid=x "$IMAGE" true
    assert_error 'strconv.ParseUint: parsing "x": invalid syntax'
    run_warren 125 run --name "$n" --userns=keep-id:size=1 "$IMAGE" true
    assert_error 'unknown option specified: "size"'
    run_warren 125 run --name "$n" --userns=auto:foo=1 "$IMAGE" true
    assert_error 'unknown option specified: "foo"'
    run_warren 125 run --name "$n" --userns=ns:/nonexistent "$IMAGE" true
    assert_error 'cannot find specified user namespace path: stat /nonexistent: no such file or directory'
    run_warren 125 run --name "$n" --subuidname "$(id -un)" "$IMAGE" true
    assert_error '--subuidname and --subgidname need root'
    run_warren 0 ps -a --format '{{.Names}}'
    [[ $output != *"$n"* ]] || fail "a container was left: $output"
}

@test "bad inputs: the same errors as podman" {
    # guards: issue 8 "compare with the real podman"
    local a
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
    for a in "--uidmap 0:1" "--uidmap 0:1:500 --uidmap 100:1:10" "--userns=keep-id --uidmap 0:1:5" \
        "--userns=bogus" "--userns=keep-id:uid=x" "--userns=auto:foo=1"; do
        # shellcheck disable=SC2086  # the words of a
        run pm run --rm $a "$IMAGE" true
        local theirs=${lines[-1]#Error: }
        theirs=${theirs#creating container storage: }
        # shellcheck disable=SC2086
        run_warren 125 run --rm $a "$IMAGE" true
        [[ ${stderr_lines[0]} == *"$theirs" ]] || fail "$a: warren '${stderr_lines[0]}', podman '$theirs'"
    done
}

@test "an old kernel without open_tree: a clear error, the default still runs" {
    # guards: issue 8 "else a clear error" (lib/syscalls.h: no fallback for the new mount API)
    wt_sub_count >/dev/null
    wt_pause_ready
    run_warren_enosys 125 open_tree run --rm --userns=keep-id "$IMAGE" true
    assert_last_error "needs open_tree and move_mount (Linux 5.2)"
    run_warren_enosys 0 open_tree run --rm "$IMAGE" true
}
