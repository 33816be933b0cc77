#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Foundation #2 §4: `warren run` and its flags (exit codes, env, cwd, user,
# name, hostname, entrypoint, volumes, tmpfs, read-only).

load helpers

@test "run: exit 0, stdout and stderr kept apart" {
    # guards: Foundation #2 §4 "exit status is the container's"; stdio passed through
    run_warren 0 run --rm "$IMAGE" sh -c 'echo out; echo err >&2'
    assert_output out
    assert_equal "$stderr" err
}

@test "run: the container's exit code 3 is warren's" {
    # guards: Foundation #2 §4 "exit status is the container's"
    run_warren 3 run --rm "$IMAGE" sh -c 'exit 3'
    run_warren 0 run --rm "$IMAGE" true
    run_warren 1 run --rm "$IMAGE" false
}

@test "run: the image's Cmd, Env and WorkingDir are used" {
    # guards: Foundation #2 §4 OCI config from the image config
    run_warren 0 run --rm "$IMAGE"
    assert_output "default command"
    run_warren 0 run --rm "$IMAGE" sh -c 'echo "$WARREN_FIXTURE|$PATH|$(pwd)"'
    assert_output "image-env|/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin|/"
}

@test "run: --rm removes the container, without it the container stays" {
    # guards: Foundation #2 §4 `run --rm`
    local name
    name=$(wt_name)
    run_warren 0 run --rm --name "$name" "$IMAGE" true
    run_warren 0 ps -a
    refute_output --partial "$name"
    run_warren 0 run --name "$name" "$IMAGE" true
    run_warren 0 ps -a
    assert_output --partial "$name"
}

@test "run -e: K=V sets, K alone copies the host value or leaves it unset" {
    # guards: Foundation #2 §4 `-e K[=V]`
    run_warren 0 run --rm -e WT_A=one -e "WT_B=two words" -e WARREN_FIXTURE=overridden "$IMAGE" \
        sh -c 'echo "$WT_A|$WT_B|$WARREN_FIXTURE"'
    assert_output "one|two words|overridden"
    WT_FROM_HOST=host-value run_warren 0 run --rm -e WT_FROM_HOST "$IMAGE" sh -c 'echo "$WT_FROM_HOST"'
    assert_output host-value
    unset WT_NOT_SET_ANYWHERE
    run_warren 0 run --rm -e WT_NOT_SET_ANYWHERE "$IMAGE" sh -c 'echo "${WT_NOT_SET_ANYWHERE-unset}"'
    assert_output unset
}

@test "run --env-file: KEY=VALUE lines, comments and blank lines" {
    # guards: Foundation #2 §4 `--env-file F`
    local f=$BATS_TEST_TMPDIR/env
    printf '%s\n' '# a comment' 'WT_A=1' '' 'WT_B=two words' 'WT_C=from-file' > "$f"
    run_warren 0 run --rm --env-file "$f" -e WT_C=from-flag "$IMAGE" sh -c 'echo "$WT_A|$WT_B|$WT_C"'
    assert_output "1|two words|from-flag"
    run_warren 125 run --rm --env-file "$BATS_TEST_TMPDIR/nonexistent" "$IMAGE" true
    assert_error "nonexistent"
}

@test "run -w: sets the working directory" {
    # guards: Foundation #2 §4 `-w DIR`
    run_warren 0 run --rm -w /tmp "$IMAGE" pwd
    assert_output /tmp
    run_warren 0 run --rm --workdir /etc "$IMAGE" pwd
    assert_output /etc
}

@test "run -u: uid, uid:gid, and a name from the image's /etc/passwd" {
    # guards: Foundation #2 §4 `-u USER[:GROUP]`, user and groups
    run_warren 0 run --rm -u 1000:1000 "$IMAGE" sh -c 'echo "$(id -u) $(id -g) $(id -G)"'
    assert_output "1000 1000 1000"
    run_warren 0 run --rm -u wtuser "$IMAGE" sh -c 'echo "$(id -u) $(id -g)"'
    assert_output "1000 1000"
    run_warren 0 run --rm -u nobody:root "$IMAGE" sh -c 'echo "$(id -u) $(id -g)"'
    assert_output "65534 0"
    run_warren 0 run --rm -u 0 "$IMAGE" id -u
    assert_output 0
}

@test "run --name: names the container; a second one with that name is refused" {
    # guards: Foundation #2 §4 `--name N`
    local name
    name=$(wt_name)
    run_warren 0 run --name "$name" "$IMAGE" true
    run_warren 0 inspect "$name"
    run jq -r '.[0].Name' <<<"$output"
    assert_output "$name"
    run_warren 125 run --name "$name" "$IMAGE" true
    assert_error "$name"
}

@test "run --hostname: sets the hostname; the default is the short container id" {
    # guards: Foundation #2 §4 `--hostname H`, uts namespace
    run_warren 0 run --rm --hostname wt-host "$IMAGE" hostname
    assert_output wt-host
    local name
    name=$(wt_name)
    run_warren 0 run --name "$name" "$IMAGE" hostname
    local h=$output
    run_warren 0 inspect "$name"
    run jq -r '.[0].Id[0:12]' <<<"$output"
    assert_output "$h"
}

@test "run --entrypoint: replaces the image's entrypoint" {
    # guards: Foundation #2 §4 `--entrypoint E`
    run_warren 0 run --rm --entrypoint /bin/echo "$IMAGE" hello entry
    assert_output "hello entry"
    run_warren 0 run --rm --entrypoint cat "$IMAGE" /etc/warren-fixture
    assert_output docker
}

@test "run -v: a host directory is shared read-write; files belong to the user" {
    # guards: Foundation #2 §4 `-v SRC:DST`
    local d=$BATS_TEST_TMPDIR/vol
    mkdir "$d"
    echo from-host > "$d/in"
    run_warren 0 run --rm -v "$d:/data" "$IMAGE" sh -c 'cat /data/in && echo from-container > /data/out'
    assert_output from-host
    run cat "$d/out"
    assert_output from-container
    [ "$(stat -c %u "$d/out")" = "$(id -u)" ]
    # a single file, and --volume as the long form
    run_warren 0 run --rm --volume "$d/in:/etc/wt-in" "$IMAGE" cat /etc/wt-in
    assert_output from-host
}

@test "run -v :ro: writes fail with EROFS and reach nothing on the host" {
    # guards: Foundation #2 §4 `-v SRC:DST:ro`
    local d=$BATS_TEST_TMPDIR/vol
    mkdir "$d"
    run_warren 1 run --rm -v "$d:/data:ro" "$IMAGE" sh -c 'echo x > /data/f'
    assert_stderr_contains "read-only file system"
    [ ! -e "$d/f" ]
    run_warren 0 run --rm -v "$d:/data:ro" "$IMAGE" sh -c 'grep " /data " /proc/mounts'
    assert_output --regexp ' ro[, ]'
}

@test "run --tmpfs: a fresh writable tmpfs at DST" {
    # guards: Foundation #2 §4 `--tmpfs DST`
    run_warren 0 run --rm --tmpfs /scratch "$IMAGE" sh -c 'echo hi > /scratch/f && cat /scratch/f && grep " /scratch " /proc/mounts'
    assert_line --index 0 hi
    assert_line --index 1 --regexp '^[^ ]+ /scratch tmpfs rw'
}

@test "run --read-only: the root is read-only, /tmp stays writable" {
    # guards: Foundation #2 §4 `--read-only` (Podman keeps tmpfs on /tmp, /var/tmp, /run)
    run_warren 1 run --rm --read-only "$IMAGE" touch /newfile
    assert_stderr_contains "read-only file system"
    run_warren 0 run --rm --read-only "$IMAGE" sh -c 'touch /tmp/ok /var/tmp/ok /run/ok && echo ok'
    assert_output ok
    # without --read-only the root is writable (the test above can fail)
    run_warren 0 run --rm "$IMAGE" touch /newfile
}

@test "run: the container gets /proc, /dev with devices, devpts, /dev/shm, /sys" {
    # guards: Foundation #2 §4 mounts: /proc, /dev with bind-mounted device nodes, devpts, shm, mqueue, /sys
    run_warren 0 run --rm "$IMAGE" sh -c '
        echo x > /dev/null && head -c 4 /dev/zero | wc -c && head -c 4 /dev/urandom | wc -c
        test -c /dev/tty && test -d /dev/pts && test -e /dev/ptmx && echo devs
        awk "\$2==\"/proc\"{print \$3} \$2==\"/dev/pts\"{print \$3} \$2==\"/dev/shm\"{print \$3} \$2==\"/dev/mqueue\"{print \$3} \$2==\"/sys\"{print \$3}" /proc/mounts | sort | tr "\n" " "
        echo; echo $$'
    assert_line --index 0 4
    assert_line --index 1 4
    assert_line --index 2 devs
    assert_line --index 3 "devpts mqueue proc sysfs tmpfs "
    assert_line --index 4 1
}

@test "run: each container has an OCI config.json bundle" {
    # guards: Foundation #2 §4 "Each container gets an OCI config.json"
    local name id f
    name=$(wt_name)
    run_warren 0 run --name "$name" --hostname wt-bundle "$IMAGE" echo bundle-args
    run_warren 0 inspect "$name"
    id=$(jq -r '.[0].Id' <<<"$output")
    f=$(timeout 60 "$WARREN" unshare find "$WT_ROOT" "$WT_RUNROOT" -path "*${id:0:12}*" -name config.json | head -1)
    [ -n "$f" ] || fail "no config.json for container $id under $WT_ROOT or $WT_RUNROOT"
    run timeout 60 "$WARREN" unshare cat "$f"
    run jq -r '"\(.ociVersion | startswith("1.")) \(.process.args | join(" ")) \(.hostname) \(.root.path | length > 0)"' <<<"$output"
    assert_output "true echo bundle-args wt-bundle true"
}

@test "run: a container killed by a signal exits 128+N" {
    # guards: Foundation #2 §4 exit status 128+N when the container dies of signal N (STYLE: main picks the code)
    local sync=$BATS_TEST_TMPDIR/sync name pid rc
    mkdir "$sync"
    name=$(wt_name)
    start_warren "$BATS_TEST_TMPDIR/out" run --name "$name" -v "$sync:/sync" "$IMAGE" \
        sh -c 'touch /sync/ready; exec sleep 1000'
    wait_for_file "$sync/ready" 60
    run_warren 0 inspect "$name"
    pid=$(jq -r '.[0].State.Pid' <<<"$output")
    [[ $pid =~ ^[0-9]+$ ]] && [ "$pid" -gt 1 ] || fail "no host pid in inspect .State.Pid: $pid"
    kill -KILL "$pid"
    wait_for_exit "$BG_PID" 10 || fail "warren did not end after its container was killed"
    rc=$(bg_status "$BG_PID")
    [ "$rc" -eq 137 ] || fail "exit $rc, expected 137; output: $(cat "$BATS_TEST_TMPDIR/out")"
}

@test "run: /etc/hostname, hosts, resolv.conf without a copy-up of the image's /etc" {
    # guards: Foundation #2 §4 hostname/hosts/resolv.conf; the mount points come from a shared
    # lower layer (storage/mountpoints.c), so /etc keeps the image's attributes and a container
    # that writes nothing leaves its upper dir empty
    local name id
    name=$(wt_name)
    run_warren 0 run --name "$name" --hostname wt-mp "$IMAGE" sh -c \
        'cat /etc/hostname; stat -c "%a %u %Y" /etc; grep -c localhost /etc/hosts'
    assert_line --index 0 wt-mp
    assert_line --index 1 "755 0 $WT_FIXTURE_MTIME"
    # (the host's localhost lines: Podman's /etc/hosts starts with the host's)
    assert_line --index 2 "$(grep -c localhost /etc/hosts)"
    run_warren 0 inspect --format '{{.Id}}' "$name"
    id=$output
    run_warren 0 unshare ls -A "$WT_ROOT/containers/$id/upper"
    assert_output ""
    run_warren 0 rm "$name"
}
