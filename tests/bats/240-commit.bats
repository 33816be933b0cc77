#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154  # templates in single quotes; status/output/stderr come from bats
# Issue 13: `commit`: a container's changes (its overlay upper dir, deletions
# as whiteouts) become a layer on top of its image's, with the container's
# settings and the -c changes in the config; compared with `podman commit`.

load helpers

# ctr_ran NAME CMD: a container of the base image that ran CMD
ctr_ran() {
    run_warren 0 run --name "$1" "$IMAGE" sh -c "$2"
}

@test "commit: files added, changed and deleted are seen in a run of the new image" {
    local c img
    c=$(wt_name) img=localhost/$(wt_name)
    track_image "$img"
    ctr_ran "$c" 'echo added > /added; echo changed > /etc/passwd.extra; echo x >> /etc/group; rm /bin/vi'
    run_warren 0 commit "$c" "$img"
    [[ $output =~ ^[0-9a-f]{64}$ ]] || fail "no image id on stdout: $output"
    local id=$output
    # Podman's progress lines on stderr
    assert_stderr_contains "Getting image source signatures"
    assert_stderr_contains "Copying config sha256:$id"
    assert_stderr_contains "Writing manifest to image destination"
    run_warren 0 run --rm "$img" sh -c 'cat /added; tail -n1 /etc/group; test ! -e /bin/vi && echo vi-gone; test -e /bin/ls && echo ls-kept'
    assert_output $'added\nx\nvi-gone\nls-kept'
    # one layer more than the base image
    run_warren 0 image inspect --format '{{len .RootFS.Layers}}' "$IMAGE"
    local base=$output
    run_warren 0 image inspect --format '{{len .RootFS.Layers}} {{.Id}}' "$img"
    assert_output "$((base + 1)) $id"
}

@test "commit: an opaque dir (removed and made again) hides the lower files" {
    local c1 c2 img1 img2
    c1=$(wt_name) c2=$(wt_name) img1=localhost/$(wt_name)-a img2=localhost/$(wt_name)-b
    track_image "$img1" "$img2"
    ctr_ran "$c1" 'mkdir /d && echo 1 > /d/a && echo 2 > /d/b'
    run_warren 0 commit -q "$c1" "$img1"
    run_warren 0 run --name "$c2" "$img1" sh -c 'rm -rf /d && mkdir /d && echo 3 > /d/c'
    run_warren 0 commit -q "$c2" "$img2"
    run_warren 0 run --rm "$img2" ls /d
    assert_output "c"
    # the layer tar says so in OCI terms: saved, it holds d/.wh..wh..opq
    local out=$WT_TMP/opq-$RANDOM.tar
    run_warren 0 save --format docker-archive -o "$out" "$img2"
    local last
    last=$(tar -xOf "$out" manifest.json | jq -r '.[0].Layers[-1]')
    run bash -c "tar -xOf '$out' '$last' | tar -t"
    assert_line "d/.wh..wh..opq"
    assert_line "d/c"
    rm -f "$out"
}

@test "commit: -c changes, the container's settings, author and history in inspect" {
    local c img
    c=$(wt_name) img=localhost/$(wt_name)
    track_image "$img"
    run_warren 0 create --name "$c" -e FOO=bar -w /tmp "$IMAGE" sh -c 'echo hi'
    run_warren 0 commit -q -a 'Ann Author' -c 'ENV A=1 B="two words"' -c 'CMD ["echo","x"]' \
        -c 'EXPOSE 80 53/udp' -c 'LABEL a=b' -c 'USER nobody' -c 'WORKDIR sub' \
        -c 'ENTRYPOINT /bin/sh -c' -c 'VOLUME /data' -c 'STOPSIGNAL SIGUSR1' -c 'ONBUILD RUN true' "$c" "$img"
    run_warren 0 image inspect --format '{{json .Config}}' "$img"
    local cfg=$output
    run jq -c '[.Env, .Cmd, .Entrypoint, .WorkingDir, .User, .Labels, .ExposedPorts, .Volumes, .StopSignal]' <<<"$cfg"
    assert_output '[["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","WARREN_FIXTURE=image-env","FOO=bar","A=1","B=two words"],["echo","x"],["/bin/sh","-c","/bin/sh -c"],"/tmp/sub","nobody",{"a":"b"},{"80/tcp":{},"53/udp":{}},{"/data":{}},"10"]'
    run_warren 0 image inspect --format '{{.Author}}' "$img"
    assert_output "Ann Author"
    run_warren 0 history --format '{{.CreatedBy}}' --no-trunc "$img"
    assert_line --index 0 "sh -c echo hi"
    run_warren 0 run --rm --entrypoint '' "$img" sh -c 'id -un; pwd; echo $B'
    assert_output $'nobody\n/tmp/sub\ntwo words'
}

@test "commit: -m needs the docker format; with it the comment is kept" {
    local c img
    c=$(wt_name) img=localhost/$(wt_name)
    track_image "$img"
    run_warren 0 create --name "$c" "$IMAGE" true
    run_warren 125 commit -m msg "$c" "$img"
    assert_error "messages are only compatible with the docker image format (-f docker)"
    run_warren 1 image exists "$img"
    run_warren 0 commit -q -f docker -m 'the message' "$c" "$img"
    run_warren 0 image inspect --format '{{.Comment}}' "$img"
    assert_output "the message"
}

@test "commit: a running container; --pause leaves it running" {
    local c img
    c=$(wt_name) img=localhost/$(wt_name)
    track_image "$img" "$img-p"
    run_warren 0 run -d --name "$c" "$IMAGE" sh -c 'echo live > /live; touch /ready; sleep 300'
    local i
    for ((i = 0; i < 100; i++)); do
        w exec "$c" test -e /ready 2>/dev/null && break
        sleep 0.1
    done
    run_warren 0 commit -q "$c" "$img"
    # on a host where pause cannot work a warning says so, and it commits anyway
    run_warren 0 commit -q --pause "$c" "$img-p"
    run_warren 0 inspect --format '{{.State.Status}}' "$c"
    assert_output running
    run_warren 0 run --rm "$img-p" cat /live
    assert_output live
    run_warren 0 rm -f -t 0 "$c"
}

@test "commit: the new layer keeps its blob: save and load elsewhere give the same image" {
    local c img id out
    c=$(wt_name) img=localhost/$(wt_name)
    track_image "$img"
    ctr_ran "$c" 'echo saved > /saved'
    run_warren 0 commit -q "$c" "$img"
    id=$output
    out=$WT_TMP/commit-save-$RANDOM.tar
    run_warren 0 save --format oci-archive -o "$out" "$img"
    [[ $stderr != *"has no stored blob"* ]] || fail "save remade the layer: $stderr"
    use_private_store
    run_warren 0 load -i "$out"
    run_warren 0 image inspect --format '{{.Id}}' "$img"
    assert_output "$id"
    run_warren 0 run --rm "$img" cat /saved
    assert_output saved
    rm -f "$out"
}

@test "commit: --squash gives one layer with the whole filesystem" {
    local c img
    c=$(wt_name) img=localhost/$(wt_name)
    track_image "$img"
    ctr_ran "$c" 'echo sq > /sq; rm /bin/vi'
    run_warren 0 commit -q --squash "$c" "$img"
    run_warren 0 image inspect --format '{{len .RootFS.Layers}}' "$img"
    assert_output 1
    run_warren 0 run --rm "$img" sh -c 'cat /sq; test ! -e /bin/vi && echo vi-gone'
    assert_output $'sq\nvi-gone'
}

@test "commit: bad input fails with one line and stores nothing" {
    local c n
    c=$(wt_name)
    run_warren 0 create --name "$c" "$IMAGE" true
    run_warren 0 images -q --no-trunc
    n=${#lines[@]}
    run_warren 125 commit nosuchctr localhost/wt-commit-x
    assert_error 'no container with name or ID "nosuchctr" found: no such container'
    run_warren 125 commit -c 'FOO bar' "$c" localhost/wt-commit-x
    assert_error 'invalid change "FOO bar" - invalid instruction FOO'
    run_warren 125 commit -c 'RUN true' "$c" localhost/wt-commit-x
    assert_error 'invalid change "RUN true" - invalid instruction RUN'
    run_warren 125 commit -c 'ENV' "$c" localhost/wt-commit-x
    assert_error 'invalid change "ENV"'
    run_warren 125 commit -c 'EXPOSE http' "$c" localhost/wt-commit-x
    assert_error "invalid port 'http'"
    run_warren 125 commit -c 'ENV A="open' "$c" localhost/wt-commit-x
    assert_error 'unterminated quote'
    run_warren 125 commit "$c" 'Bad:::Name'
    assert_error 'invalid reference format'
    run_warren 125 commit -f tar "$c" localhost/wt-commit-x
    assert_error 'unrecognized image type "tar"'
    run_warren 125 commit
    assert_error 'commit requires a container'
    run_warren 0 images -q --no-trunc
    [ "${#lines[@]}" -eq "$n" ] || fail "a failed commit stored an image: $output"
}

@test "commit: podman commit of the same container agrees on the config" {
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    local c img changes=(-c 'ENV A=1' -c 'CMD ["echo","x"]' -c 'EXPOSE 80' -c 'LABEL a=b'
        -c 'USER nobody' -c 'WORKDIR /srv' -c 'VOLUME /v' -c 'STOPSIGNAL SIGINT')
    c=$(wt_name) img=localhost/$(wt_name)
    track_image "$img"
    pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
    pm create --name "$c" -e FOO=bar -w /tmp "$IMAGE" sh -c 'echo hi' >/dev/null
    pm commit -q "${changes[@]}" "$c" "$img" >/dev/null
    run_warren 0 create --name "$c" -e FOO=bar -w /tmp "$IMAGE" sh -c 'echo hi'
    run_warren 0 commit -q "${changes[@]}" "$c" "$img"
    # podman's containers also get TERM and container=podman from its defaults
    local filter='[(.Env // [] | map(select(test("^(TERM|container)=") | not)) | sort), .Cmd, .Entrypoint,
        .WorkingDir, .User, .Labels, .ExposedPorts, .Volumes, .StopSignal]'
    local p wr
    p=$(pm image inspect --format '{{json .Config}}' "$img" | jq -cS "$filter")
    run_warren 0 image inspect --format '{{json .Config}}' "$img"
    wr=$(jq -cS "$filter" <<<"$output")
    pm_cleanup
    [ "$p" = "$wr" ] || fail "configs differ:"$'\n'"podman: $p"$'\n'"warren: $wr"
}

@test "commit: with the vfs driver (no upper dir) the whole rootfs is the new layer" {
    # guards: vfs keeps no record of the changes; a diff of nothing would lose them
    local c img=localhost/wt-commit-vfs
    c=$(wt_name)
    use_private_store
    run_warren 0 --storage-driver vfs load -i "$WT_FIXTURES/busybox.docker.tar"
    run_warren 0 --storage-driver vfs run --name "$c" "$IMAGE" sh -c 'echo v > /v; rm /bin/vi'
    run_warren 0 --storage-driver vfs commit -q "$c" "$img"
    run_warren 0 --storage-driver vfs run --rm "$img" sh -c 'cat /v; test ! -e /bin/vi && echo vi-gone'
    assert_output $'v\nvi-gone'
    run_warren 0 --storage-driver vfs image inspect --format '{{len .RootFS.Layers}}' "$img"
    assert_output 1
}
