#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154  # templates in single quotes; status/output/stderr come from bats
# Issue 13: the Containerfile forms and context rules the basic fixture of
# 245-build.bats does not use: Containerfile over Dockerfile, .dockerignore
# (and .containerignore over it, "!" exceptions), RUN's exec form, COPY
# wildcards and --link, the escape and syntax directives, ${VAR:+alt},
# global ARGs in a stage, the predefined proxy ARGs, RUN chown to a sub-id,
# build --network none, and what the OCI format drops (HEALTHCHECK, SHELL,
# ONBUILD) with Podman's warning.

load helpers

# ctxdir: a new, empty CTX
ctxdir() {
    CTX=$BATS_TEST_TMPDIR/ctx
    rm -rf "$CTX"
    mkdir -p "$CTX"
}

@test "build: Dockerfile when there is no Containerfile, Containerfile first; .dockerignore, .containerignore first, '!' exceptions" {
    local img
    img=localhost/$(wt_name)
    track_image "$img"
    ctxdir
    echo a >"$CTX/a.txt"
    echo l >"$CTX/other.log"
    echo k >"$CTX/keep.log"
    printf 'FROM %s\nCOPY . /ctx/\nCMD ["echo", "dockerfile"]\n' "$IMAGE" >"$CTX/Dockerfile"
    printf '*.log\n!keep.log\n' >"$CTX/.dockerignore"
    run_warren 0 build -q -t "$img" "$CTX"
    track_image "$output" # the build below takes the name
    run_warren 0 run --rm "$img"
    assert_output dockerfile
    run_warren 0 run --rm "$img" ls /ctx
    assert_output $'Dockerfile\na.txt\nkeep.log'
    # both files: the Containerfile; both ignore files: .containerignore
    printf 'FROM %s\nCOPY . /ctx/\nCMD ["echo", "containerfile"]\n' "$IMAGE" >"$CTX/Containerfile"
    printf '*.txt\nDockerfile\n' >"$CTX/.containerignore"
    run_warren 0 build -q -t "$img" "$CTX"
    track_image "$output"
    run_warren 0 run --rm "$img"
    assert_output containerfile
    run_warren 0 run --rm "$img" ls -a /ctx
    assert_output $'.\n..\n.containerignore\n.dockerignore\nContainerfile\nkeep.log\nother.log'
}

@test "build: exec-form RUN, COPY wildcards and --link, escape and syntax directives, \${VAR:+alt}, global ARGs, proxy ARGs, RUN chown to a sub-id" {
    local img
    img=localhost/$(wt_name)
    track_image "$img"
    ctxdir
    echo one >"$CTX/one.txt"
    echo two >"$CTX/two.txt"
    echo md >"$CTX/other.md"
    # the escape directive makes ` the line continuation (a \ stays a \)
    cat >"$CTX/Containerfile.in" <<'EOF'
# syntax=docker/dockerfile:1
# escape=`
ARG GLOBAL=global-value
FROM @IMAGE@
ARG GLOBAL
ARG SET=yes
ARG UNSET
ENV PLUS=${SET:+alt} MINUS=${UNSET:-default} NONE=x${UNSET:+never}
RUN ["/bin/sh", "-c", "echo exec-form > /exec"]
COPY *.txt /w/
COPY --link one.txt /linked
RUN echo "$GLOBAL" > /global && `
    echo "${HTTP_PROXY:-none} ${no_proxy:-none}" > /proxy && `
    echo 'a\b' > /backslash && `
    touch /owned && chown 1000:1000 /owned
EOF
    sed "s|@IMAGE@|$IMAGE|" "$CTX/Containerfile.in" >"$CTX/Containerfile"
    rm "$CTX/Containerfile.in"
    run_warren 0 build --build-arg HTTP_PROXY=http://proxy.example:3128 --build-arg no_proxy=local \
        -t "$img" "$CTX"
    run_warren 0 run --rm "$img" sh -c 'cat /exec /global /proxy /backslash; echo "$PLUS $MINUS $NONE"; ls /w; cat /linked; stat -c %u:%g /owned'
    assert_output 'exec-form
global-value
http://proxy.example:3128 local
a\b
alt default x
one.txt
two.txt
one
1000:1000'
    # the proxy ARGs stay out of the image: its Env and its history
    run_warren 0 image inspect --format '{{json .Config.Env}} {{json .History}}' "$img"
    refute_output --partial proxy.example
    refute_output --partial no_proxy=local
}

@test "build --network none|host: RUN steps have only lo, or the host's interfaces; by default one more than lo" {
    local img
    img=localhost/$(wt_name)
    track_image "$img"
    ctxdir
    printf 'FROM %s\nRUN ls /sys/class/net > /nets\n' "$IMAGE" >"$CTX/Containerfile"
    run_warren 0 build -q --no-cache --network none -t "$img" "$CTX"
    track_image "$output" # the build below takes the name
    run_warren 0 run --rm "$img" cat /nets
    assert_output lo
    # run's default network (rootless: slirp4netns or pasta): an interface besides lo
    run_warren 0 build -q --no-cache -t "$img" "$CTX"
    track_image "$output" # the build below takes the name
    run_warren 0 run --rm "$img" cat /nets
    assert_line lo
    assert_line --regexp '^(eth0|tap0)$'
    # --network host: the host's interfaces
    run_warren 0 build -q --no-cache --network host -t "$img" "$CTX"
    track_image "$output"
    run_warren 0 run --rm "$img" cat /nets
    assert_output "$(ls /sys/class/net)"
    # a bad mode is refused before anything runs, even when every step is cached
    run_warren 125 build --network slirp4netns:bogus=1 "$CTX"
    assert_error "--network: unknown option for slirp4netns"
    # a network that does not exist: the RUN that would join it fails, nothing stays
    run_warren 125 build --no-cache --network wt-no-such-net "$CTX"
    assert_error 'building at STEP "RUN ls /sys/class/net > /nets"' "network not found"
}

@test "build: the OCI format drops HEALTHCHECK, SHELL and ONBUILD with Podman's warning; docker keeps them" {
    local img
    img=localhost/$(wt_name)
    track_image "$img" "$img-d"
    ctxdir
    printf 'FROM %s\nSHELL ["/bin/sh", "-c"]\nHEALTHCHECK CMD ["true"]\nONBUILD RUN true\n' "$IMAGE" >"$CTX/Containerfile"
    run_warren 0 build -q -t "$img" "$CTX"
    assert_stderr_contains "Healthcheck is not supported for OCI image format and will be ignored"
    assert_stderr_contains "Shell is not supported for OCI image format"
    assert_stderr_contains "OnBuild is not supported for OCI image format"
    run_warren 0 image inspect --format '{{json .Config}}' "$img"
    run jq -c '[.Healthcheck, .Shell, .OnBuild]' <<<"$output"
    assert_output '[null,null,null]'
    run_warren 0 build -q --format docker -t "$img-d" "$CTX"
    [[ $stderr != *"not supported"* ]] || fail "a warning with --format docker: $stderr"
    run_warren 0 image inspect --format '{{json .Config}}' "$img-d"
    run jq -c '[.Healthcheck.Test, .Shell, .OnBuild]' <<<"$output"
    assert_output '[["CMD","true"],["/bin/sh","-c"],["RUN true"]]'
}

@test "build: RUN after VOLUME sees the volume's files, what it writes there is not kept (as podman build)" {
    local img p want
    img=localhost/$(wt_name)
    track_image "$img"
    ctxdir
    printf 'FROM %s\nRUN mkdir /vol-e && echo before > /vol-e/f\nVOLUME /vol-e /vol-n\nRUN echo changed > /vol-e/f && echo new > /vol-e/g && echo x > /vol-n/h && ls /vol-n /vol-e > /seen\n' \
        "$IMAGE" >"$CTX/Containerfile"
    run_warren 0 build -q -t "$img" "$CTX"
    want=$'A /seen\nA /vol-n'
    run_warren 0 image diff "$img"
    assert_output "$want"
    run_warren 0 run --rm "$img" sh -c 'cat /vol-e/f /seen; ls -A /vol-n /vol-e'
    assert_output $'before\n/vol-e:\nf\ng\n\n/vol-n:\nh\n/vol-e:\nf\n\n/vol-n:'
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
    pm build -q -t "$img" "$CTX" >/dev/null || fail "podman build failed"
    p=$(pm image diff "$img" | sort)
    pm_cleanup
    [ "$p" = "$want" ] || fail "podman's image diff: $p"
}
