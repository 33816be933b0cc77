#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154  # container commands in single quotes; status/output/stderr come from bats
# Issue 8 "Volumes": volume create/ls/inspect/rm/prune/exists, -v NAME:/path
# (created on first use, copy-up of the image's content), anonymous volumes,
# --mount, --volumes-from, :ro, :U, rm -v, volumes in use. Shapes and
# wording compared with podman 4.3 (the pm helper) where it runs here.

load helpers

teardown() {
    wt_teardown
    # the suite store is shared: this file's volumes go with it
    timeout 60 "$WARREN" --root "$WT_SUITE_ROOT" --runroot "$WT_SUITE_RUNROOT" volume rm -a -f >/dev/null 2>&1 || true
    [ -z "${PM_DIR:-}" ] || pm_cleanup
}

# vdata NAME: the data dir of a volume of the current store
vdata() {
    echo "$WT_ROOT/volumes/$1/_data"
}

@test "volume create, ls, inspect, exists, rm: the basic cycle" {
    # guards: issue 8 "volume create/ls/inspect/rm"
    local n
    n=$(wt_name)
    run_warren 0 volume create "$n"
    assert_output "$n"
    [ -d "$(vdata "$n")" ] || fail "no data dir $(vdata "$n")"
    run_warren 0 volume exists "$n"
    run_warren 1 volume exists "$n-nope"
    run_warren 0 volume ls
    assert_line --index 0 --regexp '^DRIVER +VOLUME NAME$'
    assert_line --regexp "^local +$n\$"
    run_warren 0 volume ls -q
    assert_line "$n"
    run_warren 0 volume inspect "$n"
    [ "$(jq -r '.[0].Name' <<<"$output")" = "$n" ]
    [ "$(jq -r '.[0].Mountpoint' <<<"$output")" = "$(vdata "$n")" ]
    [ "$(jq -r '.[0].Driver + " " + .[0].Scope' <<<"$output")" = "local local" ]
    [ "$(jq -c '[.[0].NeedsCopyUp, .[0].NeedsChown, .[0].MountCount]' <<<"$output")" = "[true,true,0]" ]
    [[ $(jq -r '.[0].CreatedAt' <<<"$output") =~ ^20[0-9-]+T[0-9:.]+Z$ ]] || fail "CreatedAt: $output"
    run_warren 0 volume inspect --format '{{.Name}} {{.Driver}} {{.Mountpoint}}' "$n"
    assert_output "$n local $(vdata "$n")"
    run_warren 0 volume rm "$n"
    assert_output "$n"
    [ ! -e "$WT_ROOT/volumes/$n" ] || fail "the volume's dir stayed"
    run_warren 1 volume exists "$n"
}

@test "volume create: anonymous name, --label, --opt, --ignore, --driver" {
    # guards: issue 8 "volume create [--driver local] [--label] [--opt] [--ignore] [NAME]"
    local n
    n=$(wt_name)
    run_warren 0 volume create
    [[ $output =~ ^[0-9a-f]{64}$ ]] || fail "not a 64-hex name: $output"
    run_warren 0 volume create --driver local --label a=b --label c --opt o=uid=1000 "$n"
    run_warren 0 volume inspect "$n"
    [ "$(jq -c '.[0].Labels' <<<"$output")" = '{"a":"b","c":""}' ]
    [ "$(jq -c '.[0].Options' <<<"$output")" = '{"UID":"1000","o":"uid=1000"}' ]
    [ "$(jq -c '.[0].UID' <<<"$output")" = 1000 ]
    [ "$(jq -c '.[0].NeedsChown' <<<"$output")" = null ]
    run_warren 0 run --rm -v "$n:/data" "$IMAGE" stat -c %u /data
    assert_output 1000
    run_warren 0 volume inspect --format '{{.Labels}} {{.Options}}' "$n"
    assert_output "map[a:b c:] map[UID:1000 o:uid=1000]"
    # an existing name: Podman's error, or the name again with --ignore
    run_warren 125 volume create "$n"
    assert_error "volume with name $n already exists: volume already exists"
    run_warren 0 volume create --ignore "$n"
    assert_output "$n"
    run_warren 125 volume create --driver nfsplugin "$n-x"
    assert_error "no volume plugin with name nfsplugin available"
    run_warren 125 volume create --opt bogus=1 "$n-x"
    assert_error "invalid mount option bogus for driver 'local'"
    run_warren 1 volume exists "$n-x"
}

@test "volume create --opt type=tmpfs / type=none,o=bind: mounted as such in the container" {
    # guards: issue 8 "volume create --opt o=...,type=...,device=..."
    local n d=$BATS_TEST_TMPDIR/dev
    n=$(wt_name)
    mkdir -p "$d"
    echo from-device > "$d/f"
    run_warren 0 volume create --opt type=tmpfs --opt device=tmpfs --opt o=size=2m "$n"
    run_warren 0 run --rm -v "$n:/t" "$IMAGE" sh -c 'grep " /t " /proc/mounts'
    assert_output --regexp '^tmpfs /t tmpfs .*size=2048k'
    run_warren 0 volume create --opt type=none --opt o=bind --opt device="$d" "$n-b"
    run_warren 0 run --rm -v "$n-b:/b" "$IMAGE" cat /b/f
    assert_output from-device
}

@test "volume create and -v: bad names are refused in Podman's words, nothing is created" {
    # guards: issue 8 "Names validated as Podman ([a-zA-Z0-9][a-zA-Z0-9_.-]*)"
    local bad
    for bad in 'bad/name' '.hidden' '_x' 'a b' 'x@y' 'é'; do
        run_warren 125 volume create "$bad"
        assert_error "names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*"
    done
    run_warren 125 run --rm -v 'bad@name:/x' "$IMAGE" true
    assert_error 'creating named volume "bad@name"' "names must match"
    run_warren 0 volume ls -q
    assert_output ""
    run_warren 0 volume create 'ok_1.2-3'
}

@test "volume ls: --filter name, label, dangling, driver, --format, --noheading, bad filters" {
    # guards: issue 8 "volume ls [-q] [--filter name=,label=,dangling=,driver=] [--format]"
    local a b ctr
    a=$(wt_name)a b=$(wt_name)b ctr=$(wt_name)
    run_warren 0 volume create --label team=x "$a"
    run_warren 0 volume create "$b"
    run_warren 0 run --name "$ctr" -v "$b:/data" "$IMAGE" true
    run_warren 0 volume ls -q --filter "name=${a%a}a\$"
    assert_output "$a"
    run_warren 0 volume ls -q --filter label=team=x
    assert_output "$a"
    run_warren 0 volume ls -q --filter label=team=y
    assert_output ""
    run_warren 0 volume ls -q --filter dangling=true
    assert_output "$a"
    run_warren 0 volume ls -q --filter dangling=false
    assert_output "$b"
    run_warren 0 volume ls -q --filter driver=local
    assert_output "$(printf '%s\n' "$a" "$b" | sort)"
    run_warren 0 volume ls --format '{{.Name}}:{{.Driver}}' --filter label=team
    assert_output "$a:local"
    run_warren 0 volume ls --noheading
    refute_output --partial "VOLUME NAME"
    run_warren 0 volume ls --format json --filter label=team
    [ "$(jq -r '.[0].Name' <<<"$output")" = "$a" ]
    run_warren 125 volume ls --filter bogus=1
    assert_error '"bogus" is an invalid volume filter'
    run_warren 125 volume ls --filter name
    assert_error "filter input must be in the form of filter=value: name is invalid"
    run_warren 125 volume ls --filter dangling=maybe
    assert_error '"maybe" is not a valid value for the "dangling" filter - must be true or false'
}

@test "run -v NAME:/path: created on first use with the image's content, kept for the next container" {
    # guards: issue 8 "-v NAME:/path creates the named volume on first use and copies the
    # image's content at /path into an empty volume"
    local n
    n=$(wt_name)
    run_warren 0 run --rm -v "$n:/etc" "$IMAGE" sh -c 'cat /etc/warren-fixture; echo changed > /etc/warren-fixture; echo new > /etc/new'
    assert_output docker
    # used once: Podman leaves NeedsCopyUp and NeedsChown out
    run_warren 0 volume inspect "$n"
    [ "$(jq -c '.[0] | [has("NeedsCopyUp"), has("NeedsChown")]' <<<"$output")" = "[false,false]" ] ||
        fail "first-use flags still set: $output"
    run_warren 0 run --rm -v "$n:/etc" "$IMAGE" cat /etc/warren-fixture /etc/new /etc/passwd
    assert_line --index 0 changed
    assert_line --index 1 new
    assert_line --index 2 --partial "root:x:0:0"
    # another path of the image: the volume is used, not copied into again
    run_warren 0 run --rm -v "$n:/bin2" "$IMAGE" cat /bin2/new
    assert_output new
    [ "$(cat "$(vdata "$n")/new")" = new ] || fail "the data is not in the volume dir"
}

@test "run -v: a non-empty volume is not overwritten; modes and whiteouts of the image kept" {
    # guards: issue 8 "only the first time while the volume is empty"; "ownership and modes kept"
    local n t o
    n=$(wt_name) t=$(wt_name)t o=$(wt_name)o
    run_warren 0 volume create "$n"
    echo mine > "$(vdata "$n")/mine"
    run_warren 0 run --rm -v "$n:/etc" "$IMAGE" ls /etc
    assert_output mine
    # /tmp is 1777 in the image: so is the volume's root after the copy
    run_warren 0 run --rm -v "$t:/tmp" "$IMAGE" stat -c %a /tmp
    assert_output 1777
    # the copy is of the image's merged view: an opaque dir hides the lower a and b
    load_fixture layers.tar
    track_image localhost/warren-test/layers:latest
    run_warren 0 run --rm -v "$o:/opaque" localhost/warren-test/layers:latest ls /opaque
    assert_output c
}

@test "run -v: copy-up keeps owners and never follows the image's symlinks" {
    # guards: issue 8 "hostile image content at that path: never follow symlinks out of the rootfs"
    local n img=localhost/warren-test/vol-owned:latest d=$BATS_TEST_TMPDIR/img
    n=$(wt_name)
    mkdir -p "$d/data/sub"
    echo secret-of-image > "$d/data/sub/f"
    chmod 0640 "$d/data/sub/f"
    ln -s /etc "$d/data/esc"
    ln -s ../../../../.. "$d/data/up"
    cp "$WT_FIXTURES/rootfs.tar" "$BATS_TEST_TMPDIR/full.tar"
    tar -C "$d" --owner=1000 --group=1000 --numeric-owner -cf "$BATS_TEST_TMPDIR/data.tar" data
    tar -A -f "$BATS_TEST_TMPDIR/full.tar" "$BATS_TEST_TMPDIR/data.tar"
    run_warren 0 import "$BATS_TEST_TMPDIR/full.tar" "$img"
    track_image "$img"
    run_warren 0 run --rm -v "$n:/data" "$img" sh -c 'stat -c "%u:%g %a" /data /data/sub/f; readlink /data/esc; readlink /data/up'
    assert_output $'1000:1000 755\n1000:1000 640\n/etc\n../../../../..'
    # on the host: symlinks copied as symlinks, nothing of the host's /etc
    [ -L "$(vdata "$n")/esc" ] || fail "esc is no symlink in the volume"
    [ ! -e "$(vdata "$n")/passwd" ] || fail "the host's files were copied"
}

@test "run -v NAME:/path:ro: writes fail, reads work" {
    # guards: issue 8 ":ro enforced"
    local n
    n=$(wt_name)
    run_warren 0 run --rm -v "$n:/data" "$IMAGE" sh -c 'echo x > /data/f'
    run_warren 1 run --rm -v "$n:/data:ro" "$IMAGE" sh -c 'cat /data/f; echo y > /data/f'
    assert_output x
    assert_stderr_contains "Read-only file system"
    run_warren 1 run --rm --mount "type=volume,source=$n,target=/data,readonly" "$IMAGE" touch /data/g
    run_warren 0 run --rm -v "$n:/data:rw,z" "$IMAGE" touch /data/g
}

@test "run -v :U chowns a volume and a bind source to the container's user" {
    # guards: issue 8 ":U (chown the volume/bind source to the container's user, inside the user namespace)"
    local n d=$BATS_TEST_TMPDIR/bind
    n=$(wt_name)
    mkdir -p "$d/sub"
    touch "$d/sub/f"
    run_warren 0 run --rm -u 1000:1000 -v "$n:/data:U" "$IMAGE" sh -c 'stat -c %u:%g /data; touch /data/ok'
    assert_output 1000:1000
    run_warren 0 run --rm -u 1000:1000 -v "$d:/b:U" "$IMAGE" stat -c %u:%g /b /b/sub /b/sub/f
    assert_output $'1000:1000\n1000:1000\n1000:1000'
    # without :U a new volume is the user's too (Podman's NeedsChown)
    run_warren 0 run --rm -u 1000:1000 -v "$n-2:/data2" "$IMAGE" stat -c %u:%g /data2
    assert_output 1000:1000
    # give the files back (rootless they belong to a sub-id now)
    [ "$(id -u)" = 0 ] || w unshare chown -R 0:0 "$d"
}

@test "run -v /path: an anonymous volume; rm -v removes it, named volumes stay; run --rm removes it" {
    # guards: issue 8 "-v /path alone makes an anonymous volume"; "rm -v removes the container's
    # anonymous volumes only"
    local n ctr anon
    n=$(wt_name) ctr=$(wt_name)
    run_warren 0 run --name "$ctr" -v "$n:/named" -v /anon "$IMAGE" sh -c 'echo a > /anon/f'
    run_warren 0 inspect --format '{{range .Mounts}}{{.Type}} {{.Destination}} {{.Name}};{{end}}' "$ctr"
    [[ $output =~ ^volume\ /named\ $n\;volume\ /anon\ ([0-9a-f]{64})\;$ ]] || fail "Mounts: $output"
    anon=${BASH_REMATCH[1]}
    run_warren 0 volume exists "$anon"
    run_warren 0 rm -v "$ctr"
    run_warren 1 volume exists "$anon"
    run_warren 0 volume exists "$n"
    # rm without -v keeps it
    run_warren 0 run --name "$ctr" -v /anon2 "$IMAGE" true
    run_warren 0 volume ls -q --filter dangling=false
    anon=$output
    run_warren 0 rm "$ctr"
    run_warren 0 volume exists "$anon"
    # run --rm takes its anonymous volumes along, as Podman's
    run_warren 0 volume ls -q
    local before=$output
    run_warren 0 run --rm -v /anon3 --mount type=volume,target=/anon4 "$IMAGE" true
    run_warren 0 volume ls -q
    assert_output "$before"
}

@test "run: an image's VOLUME dirs become anonymous volumes with the image's content (--image-volume bind, tmpfs, ignore)" {
    local img c anon before ctx=$BATS_TEST_TMPDIR/ctx
    img=localhost/$(wt_name) c=$(wt_name)
    track_image "$img"
    mkdir -p "$ctx"
    printf 'FROM %s\nRUN mkdir /data && echo from-image > /data/f\nVOLUME /data\n' "$IMAGE" >"$ctx/Containerfile"
    run_warren 0 build -q -t "$img" "$ctx"
    # bind (the default): a volume mounted at /data, filled from the image
    run_warren 0 run --name "$c" "$img" sh -c 'cat /data/f; grep -c " /data " /proc/mounts; echo more > /data/g'
    assert_output $'from-image\n1'
    run_warren 0 inspect --format '{{range .Mounts}}{{.Type}} {{.Destination}} {{.Name}};{{end}}' "$c"
    [[ $output =~ ^volume\ /data\ ([0-9a-f]{64})\;$ ]] || fail "Mounts: $output"
    anon=${BASH_REMATCH[1]}
    # the container's writes stay in its volume across a restart
    run_warren 0 start -a "$c"
    run_warren 0 run --rm --volumes-from "$c" "$IMAGE" cat /data/g
    assert_output more
    run_warren 0 rm -v "$c"
    run_warren 1 volume exists "$anon"
    # run --rm takes it along; a user's mount of the dir wins
    run_warren 0 volume ls -q
    before=$output
    run_warren 0 run --rm "$img" cat /data/f
    assert_output from-image
    mkdir "$BATS_TEST_TMPDIR/bind" && touch "$BATS_TEST_TMPDIR/bind/mine"
    run_warren 0 run --rm -v "$BATS_TEST_TMPDIR/bind:/data" "$img" ls /data
    assert_output mine
    run_warren 0 volume ls -q
    assert_output "$before"
    # tmpfs: a tmpfs at /data; ignore: the image's dir as it is, no mount
    run_warren 0 run --rm --image-volume tmpfs "$img" sh -c 'grep " /data " /proc/mounts | cut -d" " -f3'
    assert_output tmpfs
    run_warren 0 run --rm --image-volume ignore "$img" sh -c 'cat /data/f; grep -c " /data " /proc/mounts; true'
    assert_output $'from-image\n0'
    run_warren 0 volume ls -q
    assert_output "$before"
    # bad mode: Podman's words, nothing made
    run_warren 125 run --rm --image-volume foo "$img" true
    assert_error 'invalid image volume mode "foo" required value: bind, tmpfs, ignore'
}

@test "volume rm: a volume in use is refused without -f; -f removes its containers; prune removes the unused" {
    # guards: issue 8 "A volume in use (by any container, running or not) cannot be removed
    # without -f"; "volume prune removes unused ones and prints their names"
    local n free ctr id
    n=$(wt_name) free=$(wt_name)f ctr=$(wt_name)
    run_warren 0 run --name "$ctr" -v "$n:/data" "$IMAGE" true
    id=$(w inspect --format '{{.Id}}' "$ctr")
    run_warren 2 volume rm "$n"
    assert_error "volume $n is being used by the following container(s): $id: volume is being used"
    run_warren 0 volume create --label keep=1 "$free"
    run_warren 0 volume create "$free-2"
    run_warren 0 volume prune -f --filter label=keep
    assert_output "$free"
    # without -f it asks, listing them; no answer (EOF) is Podman's "Error: EOF"
    run_warren 125 volume prune </dev/null
    assert_output --partial "$free-2"
    refute_output --partial "$n"
    assert_error "EOF"
    run_warren 0 volume prune -f
    assert_output "$free-2"
    run_warren 1 volume exists "$free-2"
    run_warren 0 volume exists "$n"
    run_warren 0 volume rm -f "$n"
    assert_output "$n"
    run_warren 0 ps -a --format '{{.Names}}'
    refute_output --partial "$ctr"
    run_warren 1 volume rm "$n"
    assert_error "no volume with name \"$n\" found: no such volume"
    run_warren 125 volume rm
    assert_error "choose either one or more volumes or all"
    run_warren 125 volume inspect "$n"
    assert_error "inspecting object: no such volume $n"
}

@test "volume rm: a volume used by a running container is refused, -f stops it" {
    # guards: issue 8 "A volume in use (by any container, running or not)"
    local n ctr out=$BATS_TEST_TMPDIR/out
    n=$(wt_name) ctr=$(wt_name)
    start_warren "$out" run --name "$ctr" -v "$n:/data" "$IMAGE" sh -c 'touch /data/up; sleep 1000'
    wait_for_file "$(vdata "$n")/up" 30
    run_warren 2 volume rm "$n"
    assert_error "is being used"
    run_warren 0 volume rm -f -t 0 "$n"
    wait_for_exit "$BG_PID" 30 || fail "the container did not stop"
    run_warren 1 volume exists "$n"
}

@test "run --volumes-from: the other container's volumes and binds, :ro overrides" {
    # guards: issue 8 "--volumes-from CTR[:ro|rw]"
    local n src d=$BATS_TEST_TMPDIR/b
    n=$(wt_name) src=$(wt_name)
    mkdir -p "$d"
    echo bound > "$d/f"
    run_warren 0 run --name "$src" -v "$n:/data" -v "$d:/b:ro" "$IMAGE" sh -c 'echo vol > /data/f'
    run_warren 0 run --rm --volumes-from "$src" "$IMAGE" sh -c 'cat /data/f /b/f; echo more >> /data/f'
    assert_output $'vol\nbound'
    run_warren 1 run --rm --volumes-from "$src" "$IMAGE" touch /b/x
    run_warren 1 run --rm --volumes-from "$src:ro" "$IMAGE" touch /data/x
    # the user's own mount of a destination wins
    run_warren 0 run --rm --volumes-from "$src" -v "$d:/data" "$IMAGE" cat /data/f
    assert_output bound
    run_warren 125 run --rm --volumes-from "nosuch-$src" "$IMAGE" true
    assert_error "no container with name or ID \"nosuch-$src\" found"
    run_warren 125 run --rm --volumes-from "$src:bogus" "$IMAGE" true
    assert_error "bogus"
    # the new container counts as a user of the volume
    run_warren 0 run --name "$src-2" --volumes-from "$src" "$IMAGE" true
    run_warren 0 rm "$src"
    run_warren 2 volume rm "$n"
}

@test "run --mount: bind, volume and tmpfs; Podman's errors for bad ones" {
    # guards: issue 8 "--mount type=bind|volume|tmpfs,source=,target=/destination=,readonly/ro,
    # bind-propagation=,tmpfs-size=,tmpfs-mode=,volume-opt="
    local n d=$BATS_TEST_TMPDIR/m
    n=$(wt_name)
    mkdir -p "$d"
    echo in > "$d/f"
    run_warren 0 run --rm --mount "type=bind,source=$d,target=/m,ro=true,bind-propagation=rslave" "$IMAGE" \
        sh -c 'cat /m/f; grep " /m " /proc/mounts | grep -c "ro,"'
    assert_output $'in\n1'
    run_warren 0 run --rm --mount "type=volume,src=$n,dst=/v,volume-opt=foo=bar" "$IMAGE" touch /v/x
    run_warren 0 volume exists "$n"
    run_warren 0 run --rm --mount "type=tmpfs,destination=/t,tmpfs-size=1m,tmpfs-mode=700" "$IMAGE" \
        sh -c 'stat -c %a /t; grep " /t " /proc/mounts'
    assert_line --index 0 700
    assert_line --index 1 --partial "size=1024k"
    run_warren 125 run --rm --mount "type=bind,source=$d,target=/x,bogus=1" "$IMAGE" true
    assert_error "bogus: invalid mount option"
    run_warren 125 run --rm --mount "source=$d,target=/x" "$IMAGE" true
    assert_error "incorrect mount format: should be --mount type=<bind|tmpfs|volume>"
    run_warren 125 run --rm --mount "type=nope,target=/x" "$IMAGE" true
    assert_error 'invalid filesystem type "nope"'
    run_warren 125 run --rm --mount "type=bind,source=$d" "$IMAGE" true
    assert_error "must set volume destination"
    run_warren 125 run --rm --mount "type=tmpfs,target=t" "$IMAGE" true
    assert_error 'invalid container path "t", must be an absolute path'
    run_warren 125 run --rm --mount "type=bind,source=$d/nonexistent,target=/x" "$IMAGE" true
    assert_error "statfs $d/nonexistent: no such file or directory"
    run_warren 125 run --rm --mount "type=bind,source=$d,target=/x,readonly=maybe" "$IMAGE" true
    assert_error "must be set to true or false"
    run_warren 125 run --rm --mount "type=bind,source=$d,target=/x" -v "$n:/x/" "$IMAGE" true
    assert_error "/x" "duplicate mount destination"
    run_warren 125 run --rm --mount "type=bind,source=$d,target=/x,bind-propagation=bad" "$IMAGE" true
    assert_error 'invalid option type "bad"'
    run_warren 0 ps -a -q
    assert_output ""
}

@test "run -v: bad specs are refused in Podman's words" {
    # guards: issue 8 bad inputs "bad names, duplicate destination, relative target"
    local n
    n=$(wt_name)
    run_warren 125 run --rm -v "$n:rel" "$IMAGE" true
    assert_error 'invalid container path "rel", must be an absolute path'
    run_warren 125 run --rm -v "$n:/x:bogus" "$IMAGE" true
    assert_error 'invalid option type "bogus"'
    run_warren 125 run --rm -v "$n:/x:ro,rw" "$IMAGE" true
    assert_error "invalid options \"ro, rw\", can only specify 1 'rw' or 'ro' option"
    run_warren 125 run --rm -v "$n:/x" -v "$n-b:/x" "$IMAGE" true
    assert_error "/x: duplicate mount destination"
    run_warren 125 run --rm -v /anon -v /anon/ "$IMAGE" true
    assert_error "duplicate mount destination"
    run_warren 1 volume exists "$n"
    run_warren 0 volume ls -q
    assert_output ""
}

@test "run -v: a volume whose data dir was replaced by a symlink is refused" {
    # guards: issue 8 "volume data path tampered with a symlink"
    local n target=$BATS_TEST_TMPDIR/elsewhere
    n=$(wt_name)
    mkdir -p "$target"
    echo keep > "$target/keep"
    run_warren 0 volume create "$n"
    rmdir "$(vdata "$n")"
    ln -s "$target" "$(vdata "$n")"
    run_warren 125 run --rm -v "$n:/etc" "$IMAGE" sh -c 'echo pwned > /etc/keep'
    assert_error "volume $n" "is not a directory (replaced by a symlink?)"
    [ "$(cat "$target/keep")" = keep ] || fail "the symlink's target was written"
    [ "$(ls "$target")" = keep ] || fail "the image was copied through the symlink"
    # the volume can still be removed (the link, not its target)
    run_warren 0 volume rm "$n"
    [ -e "$target/keep" ] || fail "rm followed the symlink"
}

@test "volume inspect and container Mounts have Podman's shape (compared with podman)" {
    # guards: issue 8 "inspect shapes compared with the real podman"
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    local n ctr p w1 d=$BATS_TEST_TMPDIR/b
    n=$(wt_name) ctr=$(wt_name)
    mkdir -p "$d"
    pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
    pm volume create --label a=b --label c "$n" >/dev/null
    run_warren 0 volume create --label a=b --label c "$n"
    p=$(pm volume inspect "$n")
    run_warren 0 volume inspect "$n"
    w1=$output
    diff <(jq -S 'map(del(.CreatedAt, .Mountpoint))' <<<"$p") <(jq -S 'map(del(.CreatedAt, .Mountpoint))' <<<"$w1") ||
        fail "volume inspect differs (< podman, > warren)"
    diff <(jq -r '.[0] | keys_unsorted[]' <<<"$p") <(jq -r '.[0] | keys_unsorted[]' <<<"$w1") ||
        fail "volume inspect key order differs"
    run_warren 0 volume inspect --format '{{.Labels}} {{.Scope}}' "$n"
    assert_output "$(pm volume inspect --format '{{.Labels}} {{.Scope}}' "$n")"
    # the Mounts of a container with a named volume, an anonymous one and a bind
    local spec=(-v "$n:/data:U,ro" -v /anon -v "$d:/b:z,noexec" --mount "type=bind,src=$d,dst=/c,bind-propagation=rslave")
    pm create --name "$ctr" "${spec[@]}" "$IMAGE" true >/dev/null
    run_warren 0 run --name "$ctr" "${spec[@]}" "$IMAGE" true
    p=$(pm inspect --format '{{json .Mounts}}' "$ctr")
    run_warren 0 inspect --format '{{json .Mounts}}' "$ctr"
    local strip='map(del(.Source) | if .Name and (.Name | length) == 64 then .Name = "ANON" else . end) | sort_by(.Destination)'
    diff <(jq -S "$strip" <<<"$p") <(jq -S "$strip" <<<"$output") || fail "Mounts differ (< podman, > warren)"
    p=$(pm inspect --format '{{json .HostConfig.Binds}}' "$ctr")
    run_warren 0 inspect --format '{{json .HostConfig.Binds}}' "$ctr"
    local bstrip='map(sub("^[0-9a-f]{64}"; "ANON")) | sort'
    diff <(jq -S "$bstrip" <<<"$p") <(jq -S "$bstrip" <<<"$output") || fail "Binds differ (< podman, > warren)"
    # errors in the same words
    run_warren 2 volume rm "$n"
    local pe we
    pe=$(pm volume rm "$n" 2>&1 | sed -E 's/[0-9a-f]{64}/ID/g')
    we=$(sed -E 's/[0-9a-f]{64}/ID/g' <<<"$stderr")
    [ "$pe" = "$we" ] || fail "volume rm in use: warren '$we', podman '$pe'"
    run_warren 1 volume rm "nosuch-$n"
    assert_error "$(pm volume rm "nosuch-$n" 2>&1 | sed 's/^Error: //')"
}
