#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC2030,SC2031  # templates in single quotes; status/output/stderr come from bats
# Issue 13: `build` from the Containerfiles of tests/fixtures/build, offline
# FROM the busybox fixture image: each instruction's effect seen by run and
# inspect, multi-stage with --target, a failing RUN and a syntax error
# (nothing left behind), and the config podman build makes of the same file.

load helpers

# a rebuild under the same name leaves the image before it untagged: what this
# file left so is removed at its end (files after it count the images)
teardown_file() { "$WARREN" --root "$WT_SUITE_ROOT" --runroot "$WT_SUITE_RUNROOT" image prune -f >/dev/null 2>&1 || true; }

# ctx NAME: a copy of tests/fixtures/build/NAME in the test's tmp dir (CTX)
ctx() {
    CTX=$BATS_TEST_TMPDIR/ctx-$1
    cp -a "$WT_REPO/tests/fixtures/build/$1" "$CTX"
}

# counts: the number of containers and images (all) now, as "C I"
counts() {
    echo "$(w ps -a -q | wc -l) $(w images -a -q --no-trunc | wc -l)"
}

@test "build: every instruction of the basic Containerfile has its effect" {
    local img
    img=localhost/$(wt_name)
    track_image "$img" "$img-2"
    ctx basic
    # ADD's archive and a symlink that points out of the context: it resolves
    # inside the context (CTX/etc/passwd), never on the host
    mkdir -p "$CTX/t" "$CTX/etc" && echo in-tar >"$CTX/t/x" && tar -cf "$CTX/files.tar" -C "$CTX/t" x && rm -r "$CTX/t"
    echo context-passwd >"$CTX/etc/passwd"
    ln -s /etc/passwd "$CTX/dir/abs-link"
    run_warren 0 build --format docker -t "$img" -t "$img-2" --build-arg FROMCLI=cli \
        --label extra=yes --iidfile "$BATS_TEST_TMPDIR/iid" "$CTX"
    local id=${lines[-1]}
    [[ $id =~ ^[0-9a-f]{64}$ ]] || fail "no image id last: $output"
    assert_line "STEP 1/21: FROM \${BASE}"
    assert_line "STEP 12/21: RUN echo \"run:\$MSG:\${FROMCLI:-unset}:\$(pwd)\" > /app/run.txt &&     rm /bin/vi"
    assert_line "COMMIT $img:latest"
    assert_line "Successfully tagged $img-2:latest"
    [ "$(cat "$BATS_TEST_TMPDIR/iid")" = "sha256:$id" ] || fail "iidfile: $(cat "$BATS_TEST_TMPDIR/iid")"
    # RUN saw ENV (expanded from an ARG), the --build-arg and WORKDIR; CMD and ENTRYPOINT
    run_warren 0 run --rm "$img"
    assert_output "run:hello world:cli:/app"
    run_warren 0 run --rm --entrypoint '' "$img" sh -c '
        id -un; pwd; cat hello.txt dir/a dir/sub/b unpacked/x heredoc.txt
        stat -c "%u:%g %a" owned.txt; stat -c "%u:%g" hello.txt; stat -c "%U:%G" nobody.txt
        test -e dir/skip.log || echo no-skip-log; test -e ignored.log || echo no-ignored-log
        readlink dir/abs-link; test ! -e /bin/vi && echo vi-removed'
    assert_output "nobody
/app
hello-file
a
b
in-tar
heredoc line one
heredoc line two
1000:1000 600
0:0
wtuser:nogroup
no-skip-log
no-ignored-log
/etc/passwd
vi-removed"
    run_warren 0 image inspect --format '{{json .Config}}' "$img"
    run jq -c '[.Env, .WorkingDir, .User, .Labels, .ExposedPorts, .Volumes, .StopSignal, .Shell, .Healthcheck, .Entrypoint, .Cmd]' <<<"$output"
    assert_output '[["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","WARREN_FIXTURE=image-env","APP_DIR=/app","MSG=hello world"],"/app","nobody",{"org.example.name":"basic build","version":"1","extra":"yes"},{"8080/tcp":{},"53/udp":{}},{"/data":{}},"SIGUSR1",["/bin/sh","-c"],{"Test":["CMD","true"],"Interval":30000000000,"Retries":2},["/bin/sh","-c"],["cat /app/run.txt"]]'
    # no build container stays, no intermediate image
    run_warren 0 ps -a --format '{{.Image}}'
    refute_output --partial "$img"
    run_warren 0 images -a --format '{{.ID}} {{.Names}}'
    refute_line --regexp '<none>|\[\]$'
}

@test "build: a symlink named as COPY's source resolves inside the context" {
    local img
    img=localhost/$(wt_name)
    track_image "$img"
    CTX=$BATS_TEST_TMPDIR/ctx
    mkdir -p "$CTX/etc"
    echo context-passwd >"$CTX/etc/passwd"
    ln -s ../../../../../../../etc/passwd "$CTX/up"
    ln -s /etc/passwd "$CTX/abs"
    printf 'FROM %s\nCOPY up /up\nCOPY abs /abs\n' "$IMAGE" >"$CTX/Containerfile"
    run_warren 0 build -q -t "$img" "$CTX"
    run_warren 0 run --rm "$img" cat /up /abs
    assert_output $'context-passwd\ncontext-passwd'
}

@test "build: multi-stage, FROM an earlier stage and scratch, COPY --from; unneeded stages skipped" {
    local img c
    img=localhost/$(wt_name)
    c=$(wt_name)
    track_image "$img" "$img-t"
    ctx multistage
    run_warren 0 build -t "$img" "$CTX"
    assert_line "[1/3] STEP 1/3: FROM localhost/warren-test/busybox:latest AS build"
    assert_line "[3/3] COMMIT $img:latest"
    refute_output --partial "this stage is not needed"
    run_warren 0 create --name "$c" "$img"
    run bash -c "'$WARREN' --root '$WT_ROOT' --runroot '$WT_RUNROOT' export '$c' | tar -xOf - artifact second | sort"
    assert_output $'built-in-stage\nsecond:build'
    run_warren 0 image inspect --format '{{json .Config.Cmd}}' "$img"
    assert_output '["/artifact"]'
    # --target stops at that stage: its files and its ENV
    run_warren 0 build -q --target build -t "$img-t" "$CTX"
    run_warren 0 run --rm "$img-t" sh -c 'cat /artifact; echo $STAGE; test -e /second || echo no-second'
    assert_output $'built-in-stage\nbuild\nno-second'
    run_warren 125 build --target nosuch "$CTX"
    assert_error 'the target "nosuch" was not found in the provided Containerfile'
}

@test "build: a failing RUN shows its output and exit code and leaves nothing behind" {
    local img before
    img=localhost/$(wt_name)
    ctx fail-run
    before=$(counts)
    run_warren 7 build -t "$img" "$CTX"
    assert_line "output-of-failing-step"
    refute_line "never"
    assert_stderr_contains "err-of-failing-step"
    [[ ${stderr_lines[-1]} == 'Error: building at STEP "RUN echo output-of-failing-step; echo err-of-failing-step >&2; exit 7": while running runtime: exit status 7' ]] ||
        fail "last stderr line: ${stderr_lines[-1]}"
    run_warren 1 image exists "$img"
    [ "$(counts)" = "$before" ] || fail "containers/images before: $before, after: $(counts)"
}

@test "build: a syntax error names the file and line; nothing runs" {
    local before
    ctx syntax
    before=$(counts)
    run_warren 125 build "$CTX"
    assert_error "Containerfile:4: unknown instruction: FOO"
    refute_output --partial "STEP"
    printf 'FROM %s\nENV A="open\n' "$IMAGE" >"$CTX/Containerfile"
    run_warren 125 build "$CTX"
    assert_error 'building at STEP "ENV A="open"' "unterminated quote"
    printf 'RUN true\n' >"$CTX/Other"
    run_warren 125 build -f "$CTX/Other" "$CTX"
    assert_error "$CTX/Other:1: RUN before the first FROM"
    [ "$(counts)" = "$before" ] || fail "containers/images before: $before, after: $(counts)"
}

@test "build: bad input fails with one line" {
    local before
    CTX=$BATS_TEST_TMPDIR/ctx
    mkdir -p "$CTX"
    before=$(counts)
    run_warren 125 build "$CTX"
    assert_error "no Containerfile or Dockerfile in the context"
    run_warren 125 build "$BATS_TEST_TMPDIR/nonexistent"
    assert_error "context directory"
    run_warren 125 build https://example.com/repo.git
    assert_error "a URL or git repository is not supported yet"
    run_warren 125 build git@example.com:owner/repo.git
    assert_error "context 'git@example.com:owner/repo.git': a URL or git repository is not supported yet"
    printf 'FROM %s\nCOPY missing /x\n' "$IMAGE" >"$CTX/Containerfile"
    run_warren 125 build "$CTX"
    assert_error 'building at STEP "COPY missing /x"' "missing"
    printf 'FROM localhost/no/such:image\n' >"$CTX/Containerfile"
    run_warren 125 build --pull=never "$CTX"
    assert_error "localhost/no/such:image: image not known"
    printf 'FROM %s\n' "$IMAGE" >"$CTX/Containerfile"
    run_warren 125 build -t 'Bad:::Name' "$CTX"
    assert_error "invalid reference format"
    [ "$(counts)" = "$before" ] || fail "containers/images before: $before, after: $(counts)"
}

@test "build: -q prints only the image id" {
    local img
    img=localhost/$(wt_name)
    track_image "$img"
    CTX=$BATS_TEST_TMPDIR/ctx
    mkdir -p "$CTX"
    printf 'FROM %s\nRUN echo quiet-run-output\nENV Q=1\n' "$IMAGE" >"$CTX/Containerfile"
    run_warren 0 build -q -t "$img" "$CTX"
    [[ $output =~ ^[0-9a-f]{64}$ ]] || fail "stdout is not just the id: $output"
    local id=$output
    run_warren 0 image inspect --format '{{.Id}}' "$img"
    assert_output "$id"
}

@test "build: podman build of the same Containerfile gives the same config and file tree" {
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    local img p wr
    img=localhost/$(wt_name)
    track_image "$img"
    ctx compare
    pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
    pm build -q -t "$img" "$CTX" >/dev/null || fail "podman build failed"
    run_warren 0 build -q -t "$img" "$CTX"
    local filter='[.Env, .Cmd, .Entrypoint, .WorkingDir, .User,
        (.Labels // {} | del(."io.buildah.version")), .ExposedPorts]'
    p=$(pm image inspect --format '{{json .Config}}' "$img" | jq -cS "$filter")
    run_warren 0 image inspect --format '{{json .Config}}' "$img"
    wr=$(jq -cS "$filter" <<<"$output")
    # and the file RUN made, where WORKDIR said
    run_warren 0 run --rm --entrypoint cat "$img" /srv/sub/file
    assert_output x
    # the file trees agree: names, types, modes, owners (what the runtime
    # mounts over left out, and / itself: the base layer has no entry for it,
    # podman's vfs store makes it 555)
    local files='find / -mindepth 1 -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /etc/hosts -o -path /etc/hostname -o -path /etc/resolv.conf -o -path /etc/mtab \) -prune -o -print | sort | xargs stat -c "%n %F %a %u:%g"'
    pm run --rm --user 0 --entrypoint sh "$img" -c "$files" >"$BATS_TEST_TMPDIR/p.files" 2>&1 ||
        fail "podman run failed: $(cat "$BATS_TEST_TMPDIR/p.files")"
    pm_cleanup
    w run --rm --user 0 --entrypoint sh "$img" -c "$files" >"$BATS_TEST_TMPDIR/w.files" 2>&1
    diff "$BATS_TEST_TMPDIR/p.files" "$BATS_TEST_TMPDIR/w.files" ||
        fail "the file trees differ (podman <, warren >)"
    [ "$p" = "$wr" ] || fail "configs differ:"$'\n'"podman: $p"$'\n'"warren: $wr"
}

@test "build: podman build of the basic Containerfile (docker format) gives the same config and file tree" {
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    local img p wr
    img=localhost/$(wt_name)
    track_image "$img"
    ctx basic
    # as the basic test: an archive for ADD, a symlink out of the context
    mkdir -p "$CTX/t" "$CTX/etc" && echo in-tar >"$CTX/t/x" && tar -cf "$CTX/files.tar" -C "$CTX/t" x && rm -r "$CTX/t"
    echo context-passwd >"$CTX/etc/passwd"
    ln -s /etc/passwd "$CTX/dir/abs-link"
    # podman 4.3 (buildah 1.28) reads no heredocs: that step left out
    sed -i '/^RUN <<EOF$/,/^EOF$/d' "$CTX/Containerfile"
    pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
    pm build -q --format docker --build-arg FROMCLI=cli -t "$img" "$CTX" >/dev/null || fail "podman build failed"
    local filter='[.Env, .Cmd, .Entrypoint, .WorkingDir, .User, (.Labels // {} | del(."io.buildah.version")),
        .ExposedPorts, .Volumes, .StopSignal]'
    p=$(pm image inspect --format '{{json .Config}}' "$img" | jq -cS "$filter")
    # podman's inspect shows the health check at the top (and no Shell)
    local ph
    ph=$(pm image inspect --format '{{json .HealthCheck}}' "$img" | jq -cS .)
    # (both runs mount an anonymous volume at the image's VOLUME /data: -xdev
    # lists the dir, not what is in it)
    local files='find / -mindepth 1 -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /etc/hosts -o -path /etc/hostname -o -path /etc/resolv.conf -o -path /etc/mtab \) -prune -o -print | sort | xargs stat -c "%n %F %a %u:%g %s"'
    pm run --rm --user 0 --entrypoint sh "$img" -c "$files" 2>/dev/null >"$BATS_TEST_TMPDIR/p.files" ||
        fail "podman run failed: $(cat "$BATS_TEST_TMPDIR/p.files")"
    pm_cleanup
    run_warren 0 build -q --format docker --build-arg FROMCLI=cli -t "$img" "$CTX"
    run_warren 0 image inspect --format '{{json .Config}}' "$img"
    wr=$(jq -cS "$filter" <<<"$output")
    [ "$p" = "$wr" ] || fail "configs differ:"$'\n'"podman: $p"$'\n'"warren: $wr"
    wr=$(jq -cS .Healthcheck <<<"$output")
    [ "$ph" = "$wr" ] || fail "health checks differ: podman $ph, warren $wr"
    w run --rm --user 0 --entrypoint sh "$img" -c "$files" >"$BATS_TEST_TMPDIR/w.files" 2>&1
    diff "$BATS_TEST_TMPDIR/p.files" "$BATS_TEST_TMPDIR/w.files" ||
        fail "the file trees differ (podman <, warren >)"
}

@test "build: ADD refuses an archive with '..' or absolute names; nothing left behind" {
    # guards: ADD unpacks into the rootfs itself (runtime/build_copy.c)
    local before
    CTX=$BATS_TEST_TMPDIR/ctx
    mkdir -p "$CTX"
    # the layer of the hostile fixture archives: a "../evil" entry, a "/abs" one
    layer_of() { tar -xOf "$1" "$(tar -xOf "$1" manifest.json | jq -r '.[0].Layers[0]')"; }
    layer_of "$WT_FIXTURES/dotdot.tar" >"$CTX/evil.tar"
    printf 'FROM %s\nADD evil.tar /x/\n' "$IMAGE" >"$CTX/Containerfile"
    before=$(counts)
    run_warren 125 build "$CTX"
    assert_error 'building at STEP "ADD evil.tar /x/"' ".."
    [ "$(counts)" = "$before" ] || fail "containers/images before: $before, after: $(counts)"
    layer_of "$WT_FIXTURES/absolute.tar" >"$CTX/evil.tar"
    run_warren 125 build "$CTX"
    assert_error 'building at STEP "ADD evil.tar /x/"' "absolute"
    [ "$(counts)" = "$before" ] || fail "containers/images before: $before, after: $(counts)"
}

@test "build: history lists each step, layers where RUN, COPY and ADD made them" {
    local img
    img=localhost/$(wt_name)
    track_image "$img"
    CTX=$BATS_TEST_TMPDIR/ctx
    mkdir -p "$CTX"
    echo f >"$CTX/f"
    printf 'FROM %s\nENV E=1\nCOPY f /f\nRUN echo r > /r\nCMD ["sh"]\n' "$IMAGE" >"$CTX/Containerfile"
    run_warren 0 build -q -t "$img" "$CTX"
    run_warren 0 history --no-trunc --format '{{.CreatedBy}}' "$img"
    assert_line --index 0 '/bin/sh -c #(nop) CMD ["sh"]'
    assert_line --index 1 '/bin/sh -c echo r > /r'
    assert_line --index 2 '/bin/sh -c #(nop) COPY f /f'
    assert_line --index 3 '/bin/sh -c #(nop) ENV E=1'
    run_warren 0 image inspect --format '{{len .RootFS.Layers}}' "$IMAGE"
    local base=$output
    run_warren 0 image inspect --format '{{len .RootFS.Layers}}' "$img"
    assert_output "$((base + 2))"
}

@test "build: the layer cache: an unchanged rebuild runs no RUN; a changed file reruns from its COPY" {
    local img marker
    img=localhost/$(wt_name)
    track_image "$img"
    marker=$(wt_name)
    CTX=$BATS_TEST_TMPDIR/ctx
    mkdir -p "$CTX"
    echo one >"$CTX/a"
    echo two >"$CTX/b"
    printf 'FROM %s\nRUN echo first-%s > /r1\nCOPY a /a\nRUN echo second-%s; cat /a > /r2\nCOPY b /b\nCMD ["cat","/r2"]\n' \
        "$IMAGE" "$marker" "$marker" >"$CTX/Containerfile"
    run_warren 0 build -t "$img" "$CTX"
    track_image "${lines[-1]}" # each rebuild leaves the one before untagged
    assert_line "second-$marker"
    local layers nlayers
    layers=$(w image inspect --format '{{json .RootFS.Layers}}' "$img")
    nlayers=$(find "$WT_ROOT/layers" -mindepth 1 -maxdepth 1 | wc -l)
    run_warren 0 build -t "$img" "$CTX"
    track_image "${lines[-1]}" # each rebuild leaves the one before untagged
    refute_line "second-$marker"
    run grep -c -- "--> Using cache" <<<"$output"
    assert_output 4
    # no layer made: the same layers, no new one in the store
    run_warren 0 image inspect --format '{{json .RootFS.Layers}}' "$img"
    assert_output "$layers"
    [ "$(find "$WT_ROOT/layers" -mindepth 1 -maxdepth 1 | wc -l)" = "$nlayers" ] ||
        fail "the cached rebuild stored a layer"
    echo changed >"$CTX/a"
    run_warren 0 build -t "$img" "$CTX"
    track_image "${lines[-1]}" # each rebuild leaves the one before untagged
    assert_line "second-$marker"
    run grep -c -- "--> Using cache" <<<"$output"
    assert_output 1
    run_warren 0 run --rm "$img"
    assert_output changed
    run_warren 0 build --no-cache -t "$img" "$CTX"
    track_image "${lines[-1]}"
    assert_line "second-$marker"
    refute_output --partial "Using cache"
}

@test "build: ^C during a RUN stops the build and leaves the store as it was" {
    local before out=$BATS_TEST_TMPDIR/out i
    CTX=$BATS_TEST_TMPDIR/ctx
    mkdir -p "$CTX"
    printf 'FROM %s\nRUN touch /ready-%s; sleep 120\nRUN echo never\n' "$IMAGE" "$BATS_TEST_NUMBER" >"$CTX/Containerfile"
    before=$(counts)
    start_warren "$out" build "$CTX"
    # the RUN runs when its container does
    for ((i = 0; i < 600; i++)); do
        grep -q "STEP 2/3" "$out" && [ "$(w ps -q | wc -l)" -gt 0 ] && break
        sleep 0.1
    done
    [ "$(w ps -q | wc -l)" -gt 0 ] || fail "the RUN container never ran: $(cat "$out")"
    kill -INT "$BG_PID"
    wait_for_exit "$BG_PID" 60 || fail "build still runs 60 s after ^C"
    [ "$(bg_status "$BG_PID")" = 130 ] || fail "exit status: not 130: $(cat "$out")"
    run tail -n1 "$out"
    assert_output 'Error: building at STEP "RUN touch /ready-'"$BATS_TEST_NUMBER"'; sleep 120": interrupted'
    ! grep -qx never "$out" || fail "the step after the interrupted one ran"
    [ "$(counts)" = "$before" ] || fail "containers/images before: $before, after: $(counts)"
}

@test "build: -f - reads the Containerfile from stdin; the platform ARGs are predefined" {
    local img arch
    img=localhost/$(wt_name)
    track_image "$img"
    CTX=$BATS_TEST_TMPDIR/ctx
    mkdir -p "$CTX"
    arch=$(w info --format '{{.Host.Arch}}')
    run --separate-stderr timeout 120 "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" build -q -t "$img" -f - "$CTX" \
        < <(printf 'FROM %s\nARG TARGETARCH\nARG TARGETPLATFORM\nARG OTHER\nRUN echo "$TARGETARCH $TARGETPLATFORM ${OTHER:-none}" > /p\n' "$IMAGE")
    [ "$status" -eq 0 ] || fail "build -f - failed: $stderr"
    run_warren 0 run --rm "$img" cat /p
    assert_output "$arch linux/$arch none"
    run_warren 125 build -f - "$CTX" < <(printf 'FROM %s\nBOGUS x\n' "$IMAGE")
    assert_error ":2: unknown instruction: BOGUS"
}

@test "build: RUN --mount=type=cache|bind|tmpfs and --network; mount points leave no trace" {
    local img
    img=localhost/$(wt_name)
    track_image "$img"
    CTX=$BATS_TEST_TMPDIR/ctx
    mkdir -p "$CTX"
    echo ctxdata >"$CTX/data.txt"
    printf 'FROM %s\nRUN --mount=type=cache,id=%s,target=/cache echo x >> /cache/log; wc -l < /cache/log > /count\nRUN --mount=type=bind,source=data.txt,target=/in.txt cat /in.txt > /copied\nRUN --mount=type=tmpfs,target=/scratch touch /scratch/t && ls /scratch > /seen\nRUN --network=none cat /copied\n' \
        "$IMAGE" "$(wt_name)" >"$CTX/Containerfile"
    run_warren 0 build -q -t "$img" "$CTX"
    track_image "$output"
    run_warren 0 build --no-cache -q -t "$img" "$CTX"
    # the cache mount kept its file from the first build
    run_warren 0 run --rm "$img" sh -c 'cat /count /copied /seen'
    assert_output $'2\nctxdata\nt'
    run_warren 0 run --rm "$img" sh -c 'test -e /cache || test -e /scratch || test -e /in.txt || echo no-mountpoints'
    assert_output no-mountpoints
    printf 'FROM %s\nRUN --mount=type=bind,source=../..,target=/x ls /x\n' "$IMAGE" >"$CTX/Containerfile"
    run_warren 125 build "$CTX"
    assert_error "source '../..' is not in the context"
    printf 'FROM %s\nRUN --mount=type=foo true\n' "$IMAGE" >"$CTX/Containerfile"
    run_warren 125 build "$CTX"
    assert_error "RUN --mount type=foo is not supported yet"
}

@test "build: ONBUILD triggers of a docker-format base run in the child build, once" {
    local img
    img=localhost/$(wt_name)
    track_image "$img-base" "$img"
    CTX=$BATS_TEST_TMPDIR/ctx
    mkdir -p "$CTX"
    echo from-child-context >"$CTX/f"
    printf 'FROM %s\nONBUILD COPY f /f\nONBUILD RUN echo triggered > /trig\n' "$IMAGE" >"$CTX/Containerfile"
    run_warren 0 build -q --format docker -t "$img-base" "$CTX"
    run_warren 0 image inspect --format '{{json .Config.OnBuild}}' "$img-base"
    assert_output '["COPY f /f","RUN echo triggered > /trig"]'
    printf 'FROM %s\nCMD ["cat","/f","/trig"]\n' "$img-base" >"$CTX/Containerfile"
    run_warren 0 build --format docker -t "$img" "$CTX"
    assert_line "--> ONBUILD RUN echo triggered > /trig"
    run_warren 0 run --rm "$img"
    assert_output $'from-child-context\ntriggered'
    run_warren 0 image inspect --format '{{json .Config}}' "$img"
    run jq -c '.OnBuild' <<<"$output"
    assert_output 'null'
}

@test "build: a context given as a tarball, or as one on stdin" {
    local img before
    img=localhost/$(wt_name)
    track_image "$img"
    CTX=$BATS_TEST_TMPDIR/ctx
    mkdir -p "$CTX/sub"
    echo in-tarball >"$CTX/sub/f"
    printf 'FROM %s\nCOPY sub/f /f\nCMD ["cat","/f"]\n' "$IMAGE" >"$CTX/Containerfile"
    tar -czf "$BATS_TEST_TMPDIR/ctx.tar.gz" -C "$CTX" .
    run_warren 0 build -q -t "$img" "$BATS_TEST_TMPDIR/ctx.tar.gz"
    run_warren 0 run --rm "$img"
    assert_output in-tarball
    run --separate-stderr timeout 120 "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" build -q -t "$img" - \
        <"$BATS_TEST_TMPDIR/ctx.tar.gz"
    [ "$status" -eq 0 ] || fail "build - failed: $stderr"
    track_image "$output"
    # the unpacked context is gone again
    run bash -c "ls '$WT_ROOT/tmp' | grep -c build-ctx"
    assert_output 0
    # a hostile tarball is refused, nothing left
    before=$(counts)
    layer_of() { tar -xOf "$1" "$(tar -xOf "$1" manifest.json | jq -r '.[0].Layers[0]')"; }
    layer_of "$WT_FIXTURES/dotdot.tar" >"$BATS_TEST_TMPDIR/evil.tar"
    run_warren 125 build "$BATS_TEST_TMPDIR/evil.tar"
    assert_error "context archive"
    [ "$(counts)" = "$before" ] || fail "containers/images before: $before, after: $(counts)"
}

@test "build: image diff shows what the last step changed (as podman's); history each step with its size" {
    local img p
    img=localhost/$(wt_name)
    track_image "$img"
    CTX=$BATS_TEST_TMPDIR/ctx
    mkdir -p "$CTX"
    head -c 10000 /dev/zero >"$CTX/big"
    printf 'FROM %s\nCOPY big /big\nRUN echo x > /etc/newfile && rm /bin/vi && mkdir -p /new/d && rm -r /usr/sbin\nENV E=1\n' \
        "$IMAGE" >"$CTX/Containerfile"
    run_warren 0 build -q -t "$img" "$CTX"
    local want=$'C /bin\nD /bin/vi\nC /etc\nA /etc/newfile\nA /new\nA /new/d\nC /usr\nD /usr/sbin'
    run_warren 0 image diff "$img"
    assert_output "$want"
    # diff takes an image too (no container of that name); json as container diff
    run_warren 0 diff "$img"
    assert_output "$want"
    run_warren 0 image diff --format json "$img"
    run jq -c . <<<"$output"
    assert_output '{"changed":["/bin","/etc","/usr"],"added":["/etc/newfile","/new","/new/d"],"deleted":["/bin/vi","/usr/sbin"]}'
    # against its base (two layers below) and the other way round; the same image: nothing
    local vs_base=$'A /big\nC /bin\nD /bin/vi\nC /etc\nA /etc/newfile\nA /new\nA /new/d\nC /usr\nD /usr/sbin'
    local base_vs=$'D /big\nC /bin\nA /bin/vi\nC /etc\nD /etc/newfile\nD /new\nC /usr\nA /usr/sbin'
    run_warren 0 image diff "$img" "$IMAGE"
    assert_output "$vs_base"
    run_warren 0 image diff "$IMAGE" "$img"
    assert_output "$base_vs"
    run_warren 0 image diff "$IMAGE" "$IMAGE"
    assert_output ""
    # a sibling (the same base, other changes): what differs between the two
    track_image "$img-sib" "$img-scratch"
    printf 'FROM %s\nRUN echo y > /etc/other && rm /bin/ls\n' "$IMAGE" >"$CTX/Containerfile.sib"
    run_warren 0 build -q -f "$CTX/Containerfile.sib" -t "$img-sib" "$CTX"
    local vs_sib=$'A /big\nC /bin\nA /bin/ls\nD /bin/vi\nC /etc\nA /etc/newfile\nD /etc/other\nA /new\nA /new/d\nC /usr\nD /usr/sbin'
    run_warren 0 image diff "$img" "$img-sib"
    assert_output "$vs_sib"
    # images that share no layer: not guessed
    printf 'FROM scratch\nCOPY big /big\n' >"$CTX/Containerfile.scratch"
    run_warren 0 build -q -f "$CTX/Containerfile.scratch" -t "$img-scratch" "$CTX"
    run_warren 125 image diff "$img" "$img-scratch"
    assert_error "images that share no layer are not supported yet"
    run_warren 125 image diff nosuch-image
    assert_error "nosuch-image not found: nosuch-image: image not known"
    run_warren 125 image diff
    assert_error "accepts between 1 and 2 arg(s), received 0"
    run_warren 125 image diff --format yaml "$img"
    assert_error "only supported value for '--format' is 'json'"
    # history: each step, its instruction and the size of the layer it made
    run_warren 0 history --no-trunc --format '{{.CreatedBy}}|{{.Size}}' "$img"
    assert_line --index 0 '/bin/sh -c #(nop) ENV E=1|0 B'
    assert_line --index 1 --regexp '^/bin/sh -c echo x > /etc/newfile && rm /bin/vi && mkdir -p /new/d && rm -r /usr/sbin\|[1-9][0-9.]* k?B$'
    assert_line --index 2 --regexp '^/bin/sh -c #\(nop\) COPY big /big\|1[0-9.]* kB$'
    # the same Containerfile built by podman: the same changes
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
    pm build -q -t "$img" "$CTX" >/dev/null || fail "podman build failed"
    # (with vfs, podman's order is not by path)
    p=$(pm image diff "$img" | sort)
    [ "$p" = "$(sort <<<"$want")" ] || { pm_cleanup; fail "podman's image diff: $p"; }
    p=$(pm image diff "$img" "$IMAGE" | sort)
    [ "$p" = "$(sort <<<"$vs_base")" ] || { pm_cleanup; fail "podman's image diff against the base: $p"; }
    p=$(pm image diff "$IMAGE" "$img" | sort)
    pm_cleanup
    [ "$p" = "$(sort <<<"$base_vs")" ] || fail "podman's image diff of the base against it: $p"
}
