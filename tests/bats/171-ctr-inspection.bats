#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # templates in single quotes; status/output/stderr come from bats
# Issue 8 "Exec and inspection": ps filters and flags, labels, container
# exists, rename, container prune, top, diff, export, cp (both directions,
# safely: the container's symlinks never lead out of it). Podman 4.3 is the
# oracle where it runs here (pm, --runtime runc, vfs).

load helpers

# the same three containers in warren (a private store) and in podman:
# f1 running with labels, f2 exited 3, f3 created
three_containers() {
    local -a c=("$@")
    "${c[@]}" run -d --name f1 --label foo=bar --label x "$IMAGE" sleep 1000 >/dev/null || return 1
    sleep 0.1
    "${c[@]}" run --name f2 "$IMAGE" sh -c 'exit 3' >/dev/null
    sleep 0.1
    "${c[@]}" create --name f3 "$IMAGE" true >/dev/null || return 1
}

@test "ps --filter, -n, -l, --format .Labels: what podman prints" {
    # guards: issue 8 "ps ... -n -l ... --filter (name, id, status, label, ancestor, exited)"
    local f p
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
    use_private_store
    load_fixture busybox.docker.tar
    three_containers pm || fail "podman could not run the containers"
    three_containers w || fail "warren could not run the containers"
    for f in name=f name='^f1$' 'name=f[23]' id=. status=exited status=stopped status=created \
        status=running status=paused label=foo label=foo=bar label=x 'label=f*' label=foo=baz \
        ancestor="$IMAGE" ancestor="${IMAGE%:latest}" ancestor=busybox exited=3 exited=0 \
        before=f3 since=f1 'since=f1,status=exited' until=1h; do
        p=$(pm ps -a --filter "$f" --format '{{.Names}}' | sort)
        run_warren 0 ps -a --filter "$f" --format '{{.Names}}'
        [ "$(sort <<<"$output")" = "$p" ] || fail "--filter $f: podman '$p', warren '$output'"
    done
    # several of one key OR, of different keys AND; a filter shows exited ones too
    p=$(pm ps --filter name=f1 --filter name=f2 --format '{{.Names}}' | sort)
    run_warren 0 ps --filter name=f1 --filter name=f2 --format '{{.Names}}'
    assert_equal "$(sort <<<"$output")" "$p"
    p=$(pm ps -a --filter name=f --filter status=exited --format '{{.Names}}')
    run_warren 0 ps -a --filter name=f --filter status=exited --format '{{.Names}}'
    assert_output "$p"
    # -n and -l: the last created, every state; oldest first as podman lists
    for f in "-n 2" "-l" "-n 0" "-a"; do
        p=$(pm ps $f --format '{{.Names}}')
        run_warren 0 ps $f --format '{{.Names}}'
        assert_equal "$output" "$p"
    done
    # times differ by a moment (and 4.3 says "Up 5 seconds ago")
    local norm='s/ ago//g; s/(Less than a second|About a minute|[0-9]+ (seconds?|minutes?))/T/g'
    for f in '{{.Labels}}' '{{.State}} {{.Status}}' '{{.Image}} {{.Command}} {{.Names}}'; do
        p=$(pm ps -a --format "$f" | sed -E "$norm")
        run_warren 0 ps -a --format "$f"
        assert_equal "$(sed -E "$norm" <<<"$output")" "$p"
    done
    # bad filters: podman's errors
    for f in bogus=1 status=bogus exited=x name before=nosuch; do
        p=$(pm ps -a --filter "$f" 2>&1 >/dev/null) || true
        run_warren 125 ps -a --filter "$f"
        assert_error "${p#Error: }"
    done
    run_warren 125 ps -l -n 3
    assert_error "last and latest are mutually exclusive"
    pm rm -a -f >/dev/null 2>&1
    pm_cleanup
}

@test "ps -s: SIZE column and JSON Size; --label and --label-file in inspect and ps" {
    # guards: issue 8 "ps ... -s" (Podman's "12B (virtual 1.98MB)"), --label stored in Config.Labels
    local name lf
    name=$(wt_name)
    lf=$BATS_TEST_TMPDIR/labels
    printf '# comment\nfrom.file=1\n\nbare\n' >"$lf"
    run_warren 0 run --name "$name" --label a=b -l c --label-file "$lf" "$IMAGE" sh -c 'printf 0123456789 > /ten'
    run_warren 0 inspect --format '{{json .Config.Labels}}' "$name"
    assert_output '{"a":"b","bare":"","c":"","from.file":"1"}'
    run_warren 0 ps -a --filter name="$name" --format '{{.Labels}}'
    assert_output 'map[a:b bare: c: from.file:1]'
    run_warren 0 ps -a -s --filter name="$name"
    assert_line --index 0 --regexp 'NAMES +SIZE$'
    assert_line --index 1 --regexp " $name +10B \(virtual [0-9.]+[kM]B\)$"
    run_warren 0 ps -a -s --filter name="$name" --format json
    [ "$(jq '.[0].Size.rwSize' <<<"$output")" = 10 ] || fail "rwSize: $output"
    [ "$(jq '.[0].Size.rootFsSize > 1000000' <<<"$output")" = true ] || fail "rootFsSize: $output"
    run_warren 0 ps -a --filter name="$name" --format json
    [ "$(jq '.[0].Size' <<<"$output")" = null ] || fail "Size without -s: $output"
    run_warren 125 run --label-file /nonexistent "$IMAGE" true
    run_warren 0 rm "$name"
}

@test "container exists, rename: exit codes and podman's errors; a running container is renamed" {
    # guards: issue 8 "container prune, rename"
    local a b id
    a=$(wt_name)
    b=$(wt_name)-b
    run_warren 0 run -d --name "$a" "$IMAGE" sleep 1000
    id=$output
    run_warren 0 create --name "$b" "$IMAGE" true
    run_warren 0 container exists "$a"
    run_warren 0 container exists "${id:0:5}"
    run_warren 1 container exists nosuchcontainer
    run_warren 125 container exists
    assert_error "accepts 1 arg(s), received 0"
    run_warren 125 rename "$a" "$b"
    assert_error "renaming container $id: name $b already in use, cannot rename container $id: container already exists"
    run_warren 125 rename "$a" 'bad name'
    assert_error "names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument"
    run_warren 125 rename "$a" /slash
    run_warren 125 rename nosuchcontainer x
    assert_error 'no container with name or ID "nosuchcontainer" found: no such container'
    run_warren 125 rename "$a"
    assert_error "accepts 2 arg(s), received 1"
    run_warren 0 rename "$a" "$a"
    run_warren 0 rename "$a" "$a-new"
    assert_output ""
    run_warren 0 inspect --format '{{.Name}} {{.State.Status}}' "$id"
    assert_output "$a-new running"
    run_warren 1 container exists "$a"
    # the monitor still settles it under its new name
    run_warren 0 stop -t 0 "$a-new"
    wait_state "$a-new" exited
    run_warren 0 rm "$a-new" "$b"
}

@test "container prune: asks (EOF and 'n' keep everything), -f and 'yes |' remove what does not run" {
    # guards: issue 8 "container prune" (Podman's question, its EOF error, ids printed)
    local run_c ex cr lab
    use_private_store
    load_fixture busybox.docker.tar
    run_warren 0 run -d --name pr-run "$IMAGE" sleep 1000
    run_c=$output
    run_warren 0 run --name pr-ex "$IMAGE" true
    run_warren 0 create --name pr-cr "$IMAGE" true
    run_warren 0 run --name pr-lab --label keep=1 "$IMAGE" true
    ex=$(w inspect --format '{{.Id}}' pr-ex)
    cr=$(w inspect --format '{{.Id}}' pr-cr)
    lab=$(w inspect --format '{{.Id}}' pr-lab)
    run_warren 125 container prune </dev/null
    assert_output $'WARNING! This will remove all non running containers.\nAre you sure you want to continue? [y/N] '
    assert_error "EOF"
    run bash -c "echo n | $(printf '%q ' "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT") container prune"
    [ "$status" = 0 ] || fail "prune answered n: $status $output"
    run_warren 0 container prune -f --filter label=keep=1
    assert_output "$lab"
    run_warren 125 container prune -f --filter status=exited
    assert_error "status is an invalid filter"
    run_warren 125 container prune -f pr-ex
    assert_error "takes no arguments"
    run bash -c "yes | $(printf '%q ' "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT") container prune"
    [ "$status" = 0 ] || fail "yes | prune: $status $output"
    assert_output "WARNING! This will remove all non running containers."$'\n'"Are you sure you want to continue? [y/N] $(printf '%s\n' "$ex" "$cr" | sort | head -1)"$'\n'"$(printf '%s\n' "$ex" "$cr" | sort | tail -1)"
    run_warren 0 ps -a -q --no-trunc
    assert_output "$run_c"
    run_warren 0 rm -f -t 0 pr-run
}

@test "top: podman's default columns from /proc, descriptors, every process of the container" {
    # guards: issue 8 "top" (USER PID PPID %CPU ELAPSED TTY TIME COMMAND, found by pid namespace)
    local name
    name=$(wt_name)
    run_warren 0 run -d --name "$name" "$IMAGE" sh -c 'sleep 1000 & exec sleep 2000'
    for _ in $(seq 100); do
        [ "$(w top "$name" pid 2>/dev/null | wc -l)" -ge 3 ] && break
        sleep 0.05
    done
    run_warren 0 top "$name"
    assert_line --index 0 --regexp '^USER +PID +PPID +%CPU +ELAPSED +TTY +TIME +COMMAND$'
    assert_line --index 1 --regexp '^root +1 +0 +[0-9]+\.[0-9]{3} +[0-9.]+(ms|s) +\? +[0-9.]+m?s +sleep 2000 $'
    assert_line --index 2 --regexp '^root +[0-9]+ +1 +[0-9.]+ +[0-9.]+(ms|s) +\? +[0-9.]+m?s +sleep 1000 $'
    [ "${#lines[@]}" = 3 ] || fail "top shows processes outside the container: $output"
    run_warren 0 top "$name" pid,comm user
    assert_line --index 0 --regexp '^PID +COMMAND +USER$'
    assert_line --index 1 --regexp '^1 +sleep +root$'
    run_warren 0 top "$name" %p %U
    assert_line --index 0 --regexp '^PID +USER$'
    run_warren 125 top "$name" bogus
    assert_error "'bogus': unknown descriptor"
    run_warren 125 top nosuchcontainer
    assert_error 'unable to look up requested container: no container with name or ID "nosuchcontainer" found: no such container'
    run_warren 125 top
    assert_error "you must provide the name or id of a running container"
    run_warren 0 rm -f -t 0 "$name"
    run_warren 0 create --name "$name" "$IMAGE" true
    run_warren 125 top "$name"
    assert_error "top can only be used on running containers"
    run_warren 0 rm "$name"
}

@test "diff: A, C and D (whiteouts) from the upper dir; a created container has none; --format json" {
    # guards: issue 8 "diff" (Podman's "A /path", "C /path", "D /path")
    local name
    [ "$(w info --format '{{.Store.GraphDriverName}}')" != vfs ] ||
        skip "the store uses vfs (no kernel overlay in a user namespace here)"
    name=$(wt_name)
    run_warren 0 create --name "$name" "$IMAGE" true
    run_warren 0 diff "$name"
    assert_output ""
    run_warren 0 rm "$name"
    run_warren 0 run --name "$name" "$IMAGE" sh -c 'echo hi > /newfile; rm /bin/ls; mkdir -p /d/e; echo x > /d/e/f; echo >> /etc/passwd; rm -rf /home'
    run_warren 0 diff "$name"
    assert_output $'C /bin\nD /bin/ls\nA /d\nA /d/e\nA /d/e/f\nC /etc\nC /etc/passwd\nD /home\nA /newfile'
    run_warren 0 container diff --format json "$name"
    assert_equal "$(jq -c . <<<"$output")" '{"changed":["/bin","/etc","/etc/passwd"],"added":["/d","/d/e","/d/e/f","/newfile"],"deleted":["/bin/ls","/home"]}'
    run_warren 125 diff nosuchcontainer
    assert_error "nosuchcontainer not found: layer not known"
    run_warren 125 container diff nosuchcontainer
    assert_error "nosuchcontainer not found: container not known"
    run_warren 0 rm "$name"
}

@test "diff: vfs says clearly that it keeps no changes" {
    # guards: issue 8 "diff ... for vfs: ... say clearly it is not supported"
    use_private_store
    run_warren 0 --storage-driver vfs load -i "$WT_FIXTURES/busybox.docker.tar"
    run_warren 0 --storage-driver vfs run --name v1 "$IMAGE" touch /x
    run_warren 125 diff v1
    assert_error "diff is not supported with the vfs storage driver"
}

@test "export: running and exited containers; -o; the rootfs of an exited one is unmounted again" {
    # guards: issue 8 "export [-o FILE] CTR (mount it for the export when the container has exited)"
    local name id out
    name=$(wt_name)
    out=$BATS_TEST_TMPDIR/out.tar
    run_warren 0 run -d --name "$name" "$IMAGE" sh -c 'echo live > /marker; exec sleep 1000'
    id=$output
    for _ in $(seq 100); do w cp "$name:/marker" - >/dev/null 2>&1 && break; sleep 0.05; done
    "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" export "$name" >"$out" || fail "export of a running container"
    run tar -xOf "$out" marker
    assert_output live
    run tar -tf "$out"
    assert_line "bin/busybox"
    refute_line --partial "proc/self"
    run_warren 0 stop -t 0 "$name"
    wait_state "$name" exited
    run_warren 0 export -o "$out" "$name"
    run tar -xOf "$out" marker
    assert_output live
    run timeout 60 "$WARREN" unshare grep -c "$id" /proc/self/mountinfo
    assert_output 0
    run_warren 125 export nosuchcontainer
    assert_error 'no container with name or ID "nosuchcontainer" found: no such container'
    run_warren 125 export
    assert_error "accepts 1 arg(s), received 0"
    run_warren 0 rm "$name"
}

@test "cp out: files, directories, SRC/., tar to stdout; owned by the user; podman's errors" {
    # guards: issue 8 "cp CTR:SRC DEST, cp CTR:SRC -, Docker's rules for /. and destinations"
    local name d
    name=$(wt_name)
    d=$BATS_TEST_TMPDIR
    run_warren 0 run --name "$name" "$IMAGE" sh -c 'mkdir -p /d/e; echo x > /d/e/f; chown -R 1000:1000 /d; echo top > /t'
    run_warren 0 cp "$name:/d" "$d/dcopy"
    [ "$(cat "$d/dcopy/e/f")" = x ] || fail "no $d/dcopy/e/f"
    [ "$(stat -c %u "$d/dcopy/e/f")" = "$(id -u)" ] || fail "copied out files are not the user's"
    mkdir "$d/into"
    run_warren 0 cp "$name:/d" "$d/into"
    [ -f "$d/into/d/e/f" ] || fail "cp into a directory: $(ls -R "$d/into")"
    mkdir "$d/dot"
    run_warren 0 cp "$name:/d/." "$d/dot"
    [ -f "$d/dot/e/f" ] || fail "SRC/. copies the contents: $(ls -R "$d/dot")"
    run_warren 0 cp "$name:/t" "$d/tfile"
    [ "$(cat "$d/tfile")" = top ]
    run_warren 0 cp "$name:/d/e/f" "$d/tfile"
    [ "$(cat "$d/tfile")" = x ] || fail "an existing file is overwritten"
    "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" cp "$name:/d/e" - >"$d/e.tar" || fail "cp to -"
    run tar -tv --numeric-owner -f "$d/e.tar"
    assert_line --regexp '^-rw-r--r-- 1000/1000 +2 .* e/f$'
    run_warren 125 cp "$name:/nonexistent" "$d/x"
    assert_error "\"/nonexistent\" could not be found on container $name: no such file or directory"
    run_warren 125 cp "$name:/t/" "$d/x"
    assert_error "\"/t/\" could not be found on container $name: not a directory"
    run_warren 125 cp "$name:/t" "$d/nodir/x"
    assert_error "\"$d/nodir/x\" could not be found on the host: no such file or directory"
    run_warren 125 cp "$name:/d" "$d/tfile"
    assert_error "destination must be a directory when copying a directory"
    run_warren 125 cp nosuchcontainer:/t "$d/x"
    assert_error 'container "nosuchcontainer" does not exist'
    run_warren 125 cp "$d/tfile" "$d/other"
    run_warren 125 cp "$name:/t"
    assert_error "accepts 2 arg(s), received 1"
    run_warren 0 rm "$name"
}

@test "cp out: a relative host destination is the cwd's (., ./NAME, DIR/), not the host's /" {
    # guards: README's `warren cp web:/etc/hosts .` (it wrote '/hosts': Permission denied)
    local name d
    name=$(wt_name)
    d=$BATS_TEST_TMPDIR/rel
    mkdir -p "$d/sub"
    run_warren 0 run --name "$name" "$IMAGE" sh -c 'echo top > /t'
    cd "$d"
    run_warren 0 cp "$name:/t" .
    [ "$(cat "$d/t")" = top ] || fail "cp to . : $(ls -R "$d")"
    run_warren 0 cp "$name:/t" ./renamed
    [ "$(cat "$d/renamed")" = top ] || fail "cp to ./renamed: $(ls -R "$d")"
    run_warren 0 cp "$name:/t" sub/
    [ "$(cat "$d/sub/t")" = top ] || fail "cp to sub/: $(ls -R "$d")"
    run_warren 0 cp "$name:/t" sub/../up
    [ "$(cat "$d/up")" = top ] || fail "cp to sub/../up: $(ls -R "$d")"
    # the error names the path as it was given
    run_warren 125 cp "$name:/t" nodir/x
    assert_error "\"nodir/x\" could not be found on the host: no such file or directory"
    [ ! -e /t ] && [ ! -e /renamed ] || fail "a copy went to the host's /"
    run_warren 0 rm "$name"
}

@test "cp in: running and stopped containers, Docker's rules, root of the container owns the copies, -a=false keeps ids" {
    # guards: issue 8 "cp SRC CTR:DEST, cp - CTR:DEST, ownership mapped, works on running and stopped containers"
    local name d
    name=$(wt_name)
    d=$BATS_TEST_TMPDIR
    mkdir -p "$d/src/sub"
    echo hi >"$d/src/sub/h"
    echo top >"$d/src/t"
    run_warren 0 run -d --name "$name" "$IMAGE" sleep 1000
    run_warren 0 cp "$d/src/t" "$name:/tmp"
    run_warren 0 cp "$d/src/t" "$name:/tmp/renamed"
    run_warren 0 cp "$d/src" "$name:/srccopy"
    run_warren 0 cp "$d/src/." "$name:/tmp/dot"
    run_warren 0 cp -a=false "$d/src/t" "$name:/kept"
    tar -C "$d/src" -cf - . | "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" cp - "$name:/tmp" ||
        fail "cp - CTR:DIR"
    "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" cp "$name:/" - >"$d/all.tar" || fail "cp /"
    run tar -tv --numeric-owner -f "$d/all.tar"
    assert_line --regexp '^-[rw-]+ 0/0 +4 .* tmp/t$'
    assert_line --regexp '^-[rw-]+ 0/0 +4 .* tmp/renamed$'
    assert_line --regexp '^-[rw-]+ 0/0 +3 .* srccopy/sub/h$'
    assert_line --regexp '^-[rw-]+ 0/0 +3 .* tmp/dot/sub/h$'
    assert_line --regexp '^-[rw-]+ 0/0 +3 .* tmp/sub/h$'
    # -a=false: the ids the file has in warren's user namespace (the user is root there)
    assert_line --regexp '^-[rw-]+ 0/0 +4 .* kept$'
    # the same in a stopped container
    run_warren 0 stop -t 0 "$name"
    wait_state "$name" exited
    run_warren 0 cp "$d/src/t" "$name:/after-stop"
    run_warren 0 cp "$name:/after-stop" "$d/back"
    [ "$(cat "$d/back")" = top ]
    run_warren 0 diff "$name"
    assert_line "A /after-stop"
    # errors
    run_warren 125 cp "$d/nonexistent" "$name:/"
    assert_error "\"$d/nonexistent\" could not be found on the host: no such file or directory"
    run_warren 125 cp "$d/src/t" "$name:/nodir/x"
    assert_error "\"/nodir/x\" could not be found on container $name: no such file or directory"
    run_warren 125 cp "$d/src/t" "$name:/nodir/"
    assert_error "\"/nodir/\" could not be found on container $name: no such file or directory"
    run_warren 125 cp "$d/src" "$name:/after-stop"
    assert_error "destination must be a directory when copying a directory"
    run bash -c "tar -C '$d/src' -cf - . | $(printf '%q ' "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT") cp - '$name:/after-stop'"
    [ "$status" = 125 ] || fail "cp - onto a file: $status"
    [[ $output == *"destination must be a directory when copying from stdin"* ]] || fail "$output"
    run_warren 0 rm "$name"
}

@test "cp: a read-only rootfs refuses writes; the tmpfs of a running container is reached" {
    # guards: issue 8 bad input "cp into a read-only place"
    local name d
    name=$(wt_name)
    d=$BATS_TEST_TMPDIR
    echo x >"$d/f"
    run_warren 0 run -d --read-only --tmpfs /scratch --name "$name" "$IMAGE" sleep 1000
    run_warren 125 cp "$d/f" "$name:/f"
    assert_error "read-only file system"
    run_warren 0 cp "$d/f" "$name:/scratch/f"
    run_warren 0 cp "$name:/scratch/f" "$d/g"
    [ "$(cat "$d/g")" = x ]
    run_warren 0 rm -f -t 0 "$name"
}

@test "cp: symlinks and .. planted in the container never reach host files, in either direction" {
    # guards: issue 8 SECURITY "a symlink planted in the container pointing at /etc/shadow on the host must not be read or written"
    local name d secret
    name=$(wt_name)
    d=$BATS_TEST_TMPDIR
    secret=$d/secret
    echo host-secret >"$secret"
    echo payload >"$d/payload"
    run_warren 0 run --name "$name" "$IMAGE" sh -c "ln -s /etc/shadow /leak; ln -s ../../../../../../..$secret /rel; ln -s / /hostroot; ln -s $d /hostdir; mkdir /etc/sub"
    # reading: each resolves inside the container, where the target does not exist
    run_warren 125 cp "$name:/leak" "$d/out1"
    assert_error "could not be found on container"
    run_warren 125 cp "$name:/rel" "$d/out2"
    assert_error "could not be found on container"
    run_warren 125 cp "$name:/hostdir/secret" "$d/out3"
    assert_error "could not be found on container"
    run_warren 125 cp "$name:/../../../..$secret" "$d/out4"
    assert_error "could not be found on container"
    [ ! -e "$d/out1" ] && [ ! -e "$d/out2" ] && [ ! -e "$d/out3" ] && [ ! -e "$d/out4" ] ||
        fail "a host file was copied out"
    # writing: into the container's own /etc/shadow, /tmp, never the host's
    run_warren 0 cp "$d/payload" "$name:/leak"
    run_warren 125 cp "$d/payload" "$name:/rel"
    assert_error "could not be found on container"
    run_warren 0 cp "$d/payload" "$name:/hostroot/tmp/x"
    run_warren 125 cp "$d/payload" "$name:/../../..$d/escaped"
    assert_error "could not be found on container"
    [ "$(cat "$secret")" = host-secret ] || fail "the host file was written"
    [ ! -e "$d/escaped" ] || fail "cp wrote outside the container"
    run_warren 0 cp "$name:/etc/shadow" "$d/shadow-back"
    [ "$(cat "$d/shadow-back")" = payload ] || fail "/leak did not lead to the container's /etc/shadow"
    run_warren 0 cp "$name:/tmp/x" "$d/x-back"
    [ "$(cat "$d/x-back")" = payload ]
    # the same where openat2 is missing (kernels before 5.6): lib/syscalls walks it
    wt_pause_ready
    run_warren_enosys 125 openat2 cp "$name:/hostdir/secret" "$d/out5"
    assert_error "could not be found on container"
    run_warren_enosys 0 openat2 cp "$d/payload" "$name:/hostroot/tmp/y"
    run_warren_enosys 0 openat2 cp "$name:/tmp/y" "$d/y-back"
    [ "$(cat "$d/y-back")" = payload ] || fail "the copy did not land in the container's /tmp"
    [ "$(cat /tmp/y 2>/dev/null)" != payload ] || fail "the fallback wrote on the host"
    # a tar on stdin with .. or absolute names is refused
    run bash -c "tar -C '$d' -cf - -P --transform 's,^,../../,' payload | $(printf '%q ' "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT") cp - '$name:/etc/sub'"
    [ "$status" = 125 ] || fail "a tar with .. was accepted: $output"
    [ ! -e "$d/../../payload" ] || [ "$(cat "$d/../../payload")" != payload ] || fail "a .. entry was written"
    run_warren 0 rm "$name"
}

@test "bad input: an ambiguous id prefix is podman's error for every command" {
    # guards: issue 8 bad input "ambiguous id prefix"
    local c ids first dup=""
    use_private_store
    load_fixture busybox.docker.tar
    # 17 containers: two share a first hex digit
    for _ in $(seq 17); do
        run_warren 0 create "$IMAGE" true
        ids+="${output:0:1}"$'\n'
    done
    dup=$(sort <<<"$ids" | uniq -d | head -1)
    [ -n "$dup" ] || fail "no shared prefix among: $ids"
    for c in "container exists" top diff export; do
        # shellcheck disable=SC2086
        run_warren 125 $c "$dup"
        assert_error "more than one result for container ID $dup: container already exists"
    done
    run_warren 125 rename "$dup" newname
    assert_error "more than one result for container ID $dup: container already exists"
    run_warren 125 cp "$dup:/etc/passwd" "$BATS_TEST_TMPDIR/x"
    assert_error "more than one result for container ID $dup: container already exists"
}
