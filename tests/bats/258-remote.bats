#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # templates in single quotes; status/output come from bats
# Issue 12, "Remote client": warren --remote/--url/--connection against a
# `warren system service` the test starts (every command runs through
# POST /warren/cli), `system connection` in Podman 4's containers.conf
# (compared with the installed podman), CONTAINER_HOST/CONTAINER_CONNECTION,
# and ssh through an sshd of the test user's on 127.0.0.1.

load helpers
load api

setup() {
    # connections go to this test's own containers.conf
    export XDG_CONFIG_HOME=$BATS_TEST_TMPDIR/config
    CONF=$XDG_CONFIG_HOME/containers/containers.conf
    unset CONTAINER_HOST CONTAINER_CONNECTION CONTAINERS_CONF
    # root's connections are in /etc/containers/containers.conf: never a test's
    [ "$(id -u)" != 0 ] || export CONTAINERS_CONF=$CONF
}

teardown() {
    [ -z "${SSHD_PID:-}" ] || kill "$SSHD_PID" 2>/dev/null || true
    ! declare -F reg_stop >/dev/null || reg_stop
    wt_teardown
}

# run_remote EXPECTED_RC ARGS...: warren ARGS (remote flags among them)
# without the test store's flags: the service's store is used
run_remote() {
    local expected=$1 rc=()
    shift
    [ "$expected" != 127 ] || rc=(-127) # (bats warns of 127 not asked for)
    run "${rc[@]}" --separate-stderr timeout -k 5 120 "$WARREN" "$@"
    wt_check_status "$expected" "warren $*"
}

@test "remote: ps, images, inspect print what the local commands print" {
    # guards: issue 12 "every CLI command then runs against a service"
    local name=$(wt_name)
    api_start
    run_warren 0 run -d --name "$name" "$IMAGE" sleep 100
    for cmd in "ps -a" "images" "inspect $name" "image inspect $IMAGE" "ps --format {{.Names}}"; do
        # shellcheck disable=SC2086
        run_warren 0 $cmd
        local here=$output
        # shellcheck disable=SC2086
        run_remote 0 --url "unix://$SOCK" $cmd
        assert_equal "$output" "$here"
    done
    assert_output "$name"
}

@test "remote: run --rm passes the exit code, stdout and stderr apart" {
    api_start
    run_remote 3 --url "unix://$SOCK" run --rm "$IMAGE" sh -c 'echo out; echo err >&2; exit 3'
    assert_output out
    assert_equal "$stderr" err
    # a failing warren command: its status and its error line
    run_warren 125 inspect no-such-thing-here
    local here=$stderr
    run_remote 125 --url "unix://$SOCK" inspect no-such-thing-here
    assert_equal "$stderr" "$here"
    run_remote 127 --url "unix://$SOCK" run --rm "$IMAGE" /nonexistent
}

@test "remote: run -d, logs, exec (with stdin), stop, rm" {
    local name=$(wt_name)
    api_start
    run_remote 0 --url "unix://$SOCK" run -d --name "$name" "$IMAGE" sh -c 'echo started; sleep 100'
    [ "${#output}" = 64 ] || fail "run -d printed '$output', not an id"
    wait_state "$name" running
    local i
    for ((i = 0; i < 50; i++)); do
        run_remote 0 --url "unix://$SOCK" logs "$name"
        [ "$output" = started ] && break
        sleep 0.1
    done
    assert_output started
    run_remote 0 --url "unix://$SOCK" exec "$name" cat /etc/hostname
    local host=$output
    run_warren 0 exec "$name" cat /etc/hostname
    assert_equal "$host" "$output"
    # stdin is sent with -i, and its end reaches the command
    run bash -c 'printf "a\nb\n" | timeout 60 "$1" --url "unix://$2" exec -i "$3" wc -l' _ "$WARREN" "$SOCK" "$name"
    assert_success
    assert_output 2
    # without -i, stdin is not read (a loop over lines keeps its input)
    run bash -c 'printf "x\ny\n" | while read -r l; do timeout 60 "$1" --url "unix://$2" exec "$3" true; echo "$l"; done' _ "$WARREN" "$SOCK" "$name"
    assert_output $'x\ny'
    run_remote 2 --url "unix://$SOCK" exec "$name" sh -c 'exit 2'
    run_remote 0 --url "unix://$SOCK" rm -f -t 0 "$name"
    run_warren 1 container exists "$name"
}

@test "remote: save -o and load -i move local files; load < FILE; export -o" {
    local name=$(wt_name) tag=localhost/wt-remote/saved:$RANDOM
    api_start
    run_warren 0 tag "$IMAGE" "$tag"
    track_image "$tag"
    local out=$BATS_TEST_TMPDIR/local/img.tar
    mkdir -p "$(dirname "$out")"
    run_remote 0 --url "unix://$SOCK" save -o "$out" "$tag"
    [ -s "$out" ] || fail "save -o wrote nothing to the local file"
    tar -tf "$out" | grep -q manifest.json || fail "not an image archive"
    # the same bytes as a local save to stdout (what the service sends)
    w save "$tag" >"$BATS_TEST_TMPDIR/here.tar"
    cmp "$out" "$BATS_TEST_TMPDIR/here.tar"
    run_warren 0 rmi "$tag"
    run_remote 0 --url "unix://$SOCK" load -i "$out"
    assert_output --partial "Loaded image: $tag"
    run_warren 0 image exists "$tag"
    run_warren 0 rmi "$tag"
    run bash -c '"$1" --url "unix://$2" load < "$3"' _ "$WARREN" "$SOCK" "$out"
    assert_success
    run_warren 0 image exists "$tag"
    # a missing local file: the local error, nothing sent
    run_remote 125 --url "unix://$SOCK" load -i "$BATS_TEST_TMPDIR/none.tar"
    assert_equal "$stderr" "Error: open '$BATS_TEST_TMPDIR/none.tar': No such file or directory"
    # a failing save leaves no file behind
    run_remote 125 --url "unix://$SOCK" save -o "$BATS_TEST_TMPDIR/bad.tar" no-such-image
    [ ! -e "$BATS_TEST_TMPDIR/bad.tar" ] || fail "a failed save left a file"
    ! compgen -G "$BATS_TEST_TMPDIR/*.warren-*" >/dev/null || fail "a temporary file is left"
    run_warren 0 create --name "$name" "$IMAGE" true
    run_remote 0 --url "unix://$SOCK" export -o "$BATS_TEST_TMPDIR/fs.tar" "$name"
    tar -tf "$BATS_TEST_TMPDIR/fs.tar" | grep -qx 'bin/busybox' || fail "export -o: no bin/busybox"
}

@test "remote: --env-file is read here; build -f outside the context is refused in one line" {
    api_start
    printf 'A=from-env-file\n# comment\nB=2\n' >"$BATS_TEST_TMPDIR/envs"
    run_remote 0 --url "unix://$SOCK" run --rm --env-file "$BATS_TEST_TMPDIR/envs" "$IMAGE" sh -c 'echo $A $B'
    assert_output "from-env-file 2"
    mkdir -p "$BATS_TEST_TMPDIR/ctx" "$BATS_TEST_TMPDIR/elsewhere"
    echo 'FROM scratch' >"$BATS_TEST_TMPDIR/elsewhere/Cfile"
    run_remote 125 --url "unix://$SOCK" build -f "$BATS_TEST_TMPDIR/elsewhere/Cfile" "$BATS_TEST_TMPDIR/ctx"
    assert_equal "$stderr" "Error: build -f with a file outside the context directory is not supported with --remote"
}

# no_temp_files DIR: nothing of the client's temporary files is left in DIR
no_temp_files() {
    run find "$1" -name '*.warren-*' -o -name '.warren-cp-*'
    assert_output ""
}

@test "remote: image export writes the squashfs file here, as locally; bad input leaves nothing" {
    # guards: issue 12 "every CLI command then runs against a service" (image export's FILE is the client's)
    command -v mksquashfs >/dev/null && command -v unsquashfs >/dev/null ||
        skip "no mksquashfs/unsquashfs (Debian's squashfs-tools)"
    local t=$BATS_TEST_TMPDIR
    api_start
    mkdir -p "$t/here" "$t/remote"
    run_warren 0 image export --format squashfs "$IMAGE" "$t/here/img.sqsh"
    run_remote 0 --url "unix://$SOCK" image export --format squashfs "$IMAGE" "$t/remote/img.sqsh"
    assert_output ""
    run unsquashfs -lls "$t/here/img.sqsh"
    local here=$output
    run unsquashfs -lls "$t/remote/img.sqsh"
    assert_success
    assert_equal "${output//remote\/img/X}" "${here//here\/img/X}"
    assert_line --partial "bin/busybox"
    # the file is an image warren loads back (into a store of its own: the
    # loaded image, a new id, takes $IMAGE's name, and the suite's store
    # keeps the original)
    local root=$WT_ROOT runroot=$WT_RUNROOT
    use_private_store
    run_warren 0 load -i "$t/remote/img.sqsh"
    assert_line "Loaded image: $IMAGE"
    WT_ROOT=$root WT_RUNROOT=$runroot
    # bad input: the local errors (a service's path where the local one names the file), no file left
    run_warren 125 image export --format tar "$IMAGE" "$t/here/x"
    here=$stderr
    run_remote 125 --url "unix://$SOCK" image export --format tar "$IMAGE" "$t/remote/x"
    assert_equal "$stderr" "$here"
    run_remote 125 --url "unix://$SOCK" image export --format squashfs no-such-image "$t/remote/y"
    assert_stderr_contains "no-such-image: image not known"
    run_remote 125 --url "unix://$SOCK" image export --format squashfs "$IMAGE" "$t/nodir/z.sqsh"
    assert_stderr_contains "$t/nodir/z.sqsh"
    run ls -A "$t/remote"
    assert_output img.sqsh
    no_temp_files "$t"
}

@test "remote: --iidfile, --cidfile, --digestfile and kube play --configmap use files here, as locally" {
    # guards: issue 12 "every CLI command then runs against a service" (the files named are the client's)
    local name=$(wt_name) tag=localhost/wt-remote/iid:$RANDOM pod=$(wt_name) t=$BATS_TEST_TMPDIR
    api_start
    track_image "$tag"
    mkdir -p "$t/ctx" "$t/out"
    printf 'FROM %s\nRUN echo x >/x\n' "$IMAGE" >"$t/ctx/Containerfile"
    run_remote 0 --url "unix://$SOCK" build -q --iidfile "$t/out/iid" -t "$tag" "$t/ctx"
    assert_equal "$(cat "$t/out/iid")" "sha256:$output"
    run_warren 0 run --name "$name-c" "$IMAGE" true
    run_remote 0 --url "unix://$SOCK" commit -q --iidfile="$t/out/iid2" "$name-c" "$tag-2"
    track_image "$tag-2"
    assert_equal "$(cat "$t/out/iid2")" "sha256:$output"
    run_remote 125 --url "unix://$SOCK" build -q --iidfile "$t/nodir/iid" "$t/ctx"
    local remote=$stderr
    run_warren 125 build -q --iidfile "$t/nodir/iid" "$t/ctx"
    assert_equal "$remote" "$stderr"
    # --cidfile: written here; an existing one is refused as locally; none is left when nothing was made
    run_remote 0 --url "unix://$SOCK" run -d --cidfile "$t/out/cid" --name "$name" "$IMAGE" sleep 100
    assert_equal "$(cat "$t/out/cid")" "$output"
    run_remote 0 --url "unix://$SOCK" create --cidfile="$t/out/cid2" "$IMAGE" true
    assert_equal "$(cat "$t/out/cid2")" "$output"
    run_warren 0 rm "$output"
    run_warren 125 run --cidfile "$t/out/cid" "$IMAGE" true
    local here=$stderr
    run_remote 125 --url "unix://$SOCK" run --cidfile "$t/out/cid" "$IMAGE" true
    assert_equal "$stderr" "$here"
    run_remote 125 --url "unix://$SOCK" run --pull never --cidfile "$t/out/cid3" no-such-image-here true
    [ ! -e "$t/out/cid3" ] || fail "a cidfile is left of a container not made"
    # a container's own exit status keeps its cidfile, as locally
    run_remote 3 --url "unix://$SOCK" run --rm --cidfile "$t/out/cid4" "$IMAGE" sh -c 'exit 3'
    [ "$(wc -c <"$t/out/cid4")" = 64 ] || fail "cidfile: '$(cat "$t/out/cid4")'"
    # kube play --configmap FILE[,FILE] from another directory than the service's
    mkdir -p "$t/cm" "$t/elsewhere"
    printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s-a}\ndata: {A: from-a}\n' "$pod" >"$t/cm/a.yaml"
    printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s-b}\ndata: {B: from-b}\n' "$pod" >"$t/cm/b.yaml"
    printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\nspec:\n  containers:\n  - name: c\n    image: %s\n    command: ["sleep", "100"]\n    envFrom:\n    - configMapRef: {name: %s-a}\n    - configMapRef: {name: %s-b}\n' \
        "$pod" "$IMAGE" "$pod" "$pod" >"$t/cm/pod.yaml"
    cd "$t/elsewhere"
    run_remote 0 --url "unix://$SOCK" kube play --configmap ../cm/a.yaml,../cm/b.yaml ../cm/pod.yaml
    run_warren 0 exec "$pod-c" sh -c 'echo $A $B'
    assert_output "from-a from-b"
    run_remote 0 --url "unix://$SOCK" kube down ../cm/pod.yaml
    # bad input: the local errors, nothing made
    for bad in ../cm/none.yaml ../cm/pod.yaml; do
        run_warren 125 kube play --configmap "$bad" ../cm/pod.yaml
        here=$stderr
        run_remote 125 --url "unix://$SOCK" kube play --configmap "$bad" ../cm/pod.yaml
        assert_equal "$stderr" "$here"
    done
    printf 'a: [\n' >"$t/cm/bad.yaml"
    run_warren 125 kube play --configmap ../cm/bad.yaml ../cm/pod.yaml
    here=$stderr
    run_remote 125 --url "unix://$SOCK" kube play --configmap ../cm/bad.yaml ../cm/pod.yaml
    assert_equal "$stderr" "$here"
    run_warren 1 pod exists "$pod"
    # push --digestfile: the pushed digest here, as locally
    load registry
    reg_start plain
    run_warren 0 push --tls-verify=false --digestfile "$t/out/dg-here" "$IMAGE" "docker://$REG/wt/dg:1"
    run_remote 0 --url "unix://$SOCK" push --tls-verify=false --digestfile "$t/out/dg" "$IMAGE" "docker://$REG/wt/dg:2"
    reg_stop
    [[ $(cat "$t/out/dg") == sha256:* ]] || fail "digestfile: '$(cat "$t/out/dg")'"
    assert_equal "$(cat "$t/out/dg")" "$(cat "$t/out/dg-here")"
    no_temp_files "$t"
}

@test "remote: cp LOCAL CTR:DEST follows cp's rules as locally (new names, directories, over files, -)" {
    # guards: issue 12 "cp both ways" (a local source to a new name in the container)
    local name=$(wt_name) t=$BATS_TEST_TMPDIR
    api_start
    run_warren 0 run -d --name "$name" "$IMAGE" sleep 100
    mkdir -p "$t/src/dir/sub"
    echo file-data >"$t/src/f.txt"
    echo deep >"$t/src/dir/sub/g"
    ln -s ../f.txt "$t/src/dir/lnk"
    ln -s dir "$t/src/dirlink"
    ln "$t/src/dir/sub/g" "$t/src/dir/hard"
    run_warren 0 exec "$name" mkdir -p /l/into /r/into
    # each copy locally into /l, remotely into /r: the trees must match
    local spec src dst
    for spec in "f.txt new.txt" "f.txt into" "f.txt into/" "dir newdir" "dir into" "dir/. into" \
        "dir/ newdir2/" "dir/lnk lnkcopy" "dir/sub/g new.txt" "dirlink/ followed" "dirlink linkitself"; do
        read -r src dst <<<"$spec"
        run_warren 0 cp "$t/src/$src" "$name:/l/$dst"
        run_remote 0 --url "unix://$SOCK" cp "$t/src/$src" "$name:/r/$dst"
    done
    (cd "$t/src/dir" && "$WARREN" --url "unix://$SOCK" cp . "$name:/r/dot") || fail "remote cp . CTR:NEW"
    (cd "$t/src/dir" && w cp . "$name:/l/dot") || fail "cp . CTR:NEW"
    local list='cd "$1" && find . | sort && cat new.txt && readlink lnkcopy && stat -c "%h %n" newdir/hard newdir/sub/g'
    run_warren 0 exec "$name" sh -c "$list" _ /l
    local here=$output
    run_warren 0 exec "$name" sh -c "$list" _ /r
    assert_equal "$output" "$here"
    for f in ./new.txt ./into/f.txt ./into/dir/sub/g ./into/sub/g ./newdir/sub/g ./newdir2/lnk ./dot/sub/g \
        ./followed/sub/g ./linkitself "1 newdir/hard"; do
        assert_line "$f"
    done
    # - is a tar on stdin or stdout, as locally
    run bash -c 'tar -C "$1/src" -cf - f.txt | "$2" --url "unix://$3" cp - "$4:/r/into/sub"' _ "$t" "$WARREN" "$SOCK" "$name"
    assert_success
    run_warren 0 exec "$name" cat /r/into/sub/f.txt
    assert_output file-data
    run bash -c '"$1" --url "unix://$2" cp "$3:/r/newdir" - | tar -tf - | sort' _ "$WARREN" "$SOCK" "$name"
    here=$output
    assert_equal "$(w cp "$name:/r/newdir" - | tar -tf - | sort)" "$here"
    assert_line newdir/sub/g
    # out of the container to a new name and into a directory here
    mkdir "$t/back"
    run_remote 0 --url "unix://$SOCK" cp "$name:/r/new.txt" "$t/back/renamed.txt"
    run_remote 0 --url "unix://$SOCK" cp "$name:/r/newdir" "$t/back/tree"
    run_remote 0 --url "unix://$SOCK" cp "$name:/r/newdir/sub" "$t/back/tree"
    run find "$t/back" -type f
    assert_equal "$(cd "$t/back" && find . -type f | sort)" $'./renamed.txt\n./tree/hard\n./tree/sub/g'
    # bad input: the local errors, word for word, nothing copied
    run_warren 0 exec "$name" sh -c 'cd /r && find . | sort'
    local before=$output
    for spec in "none x" "f.txt/ x" "dir new.txt" "dir/ into/f.txt" "f.txt nodir/x" "f.txt newfile/"; do
        read -r src dst <<<"$spec"
        run_warren 125 cp "$t/src/$src" "$name:/r/$dst"
        here=$stderr
        run_remote 125 --url "unix://$SOCK" cp "$t/src/$src" "$name:/r/$dst"
        assert_equal "$stderr" "$here"
    done
    # a command that fails before it has read the client's large stdin: its
    # error and exit status still come back (the service's process once died
    # of SIGPIPE writing to it, about 2 runs in 3)
    head -c 3000000 /dev/urandom >"$t/src/big"
    for i in 1 2 3 4 5; do
        run_remote 125 --url "unix://$SOCK" cp "$t/src/big" "$name:/r/nodir/x"
        assert_equal "$stderr" "Error: \"/r/nodir/x\" could not be found on container $name: no such file or directory"
    done
    rm "$t/src/big"
    # (--tar-of is what the client sends: a tar on stdin only)
    run_warren 125 cp --tar-of "$t/src/f.txt" "$t/src/f.txt" "$name:/r"
    assert_last_error '--tar-of names the tar of SRC "-" copied into a container'
    run_warren 125 cp --tar-of "$t/src/f.txt" "$name:/r/f.txt" -
    assert_last_error '--tar-of names the tar of SRC "-" copied into a container'
    run_warren 0 exec "$name" sh -c 'cd /r && find . | sort'
    assert_equal "$output" "$before"
    no_temp_files "$t"
}

@test "remote: build sends the local context; cp both ways; import of a local file" {
    local name=$(wt_name) tag=localhost/wt-remote/built:$RANDOM
    api_start
    track_image "$tag" "$tag-2" "$tag-imp"
    local ctx=$BATS_TEST_TMPDIR/ctx
    mkdir -p "$ctx/sub"
    echo hello-ctx >"$ctx/data.txt"
    printf 'FROM %s\nCOPY data.txt /data.txt\n' "$IMAGE" >"$ctx/Containerfile"
    printf 'FROM %s\nCOPY data.txt /other.txt\n' "$IMAGE" >"$ctx/sub/Cfile"
    run_remote 0 --url "unix://$SOCK" build -q -t "$tag" "$ctx"
    run_warren 0 run --rm "$tag" cat /data.txt
    assert_output hello-ctx
    # -f inside the context, named from here
    run_remote 0 --url "unix://$SOCK" build -q -t "$tag-2" -f "$ctx/sub/Cfile" "$ctx"
    run_warren 0 run --rm "$tag-2" cat /other.txt
    assert_output hello-ctx
    # cp in and out: into a directory, and to a new name
    run_warren 0 run -d --name "$name" "$IMAGE" sleep 100
    run_remote 0 --url "unix://$SOCK" cp "$ctx/data.txt" "$name:/tmp"
    run_warren 0 exec "$name" cat /tmp/data.txt
    assert_output hello-ctx
    mkdir "$BATS_TEST_TMPDIR/out"
    run_remote 0 --url "unix://$SOCK" cp "$name:/tmp/data.txt" "$BATS_TEST_TMPDIR/out"
    assert_equal "$(cat "$BATS_TEST_TMPDIR/out/data.txt")" hello-ctx
    run_remote 0 --url "unix://$SOCK" cp "$name:/etc" "$BATS_TEST_TMPDIR/out/etc-copy"
    [ -f "$BATS_TEST_TMPDIR/out/etc-copy/hostname" ] || fail "cp of a directory to a new name"
    run_remote 125 --url "unix://$SOCK" cp "$name:/nonexistent" "$BATS_TEST_TMPDIR/out/x"
    assert_equal "$stderr" "Error: \"/nonexistent\" could not be found on container $name: no such file or directory"
    run ls -A "$BATS_TEST_TMPDIR/out"
    assert_output $'data.txt\netc-copy'
    # import FILE: the file is sent as stdin
    tar -C "$ctx" -cf "$BATS_TEST_TMPDIR/rootfs.tar" .
    run_remote 0 --url "unix://$SOCK" import -q "$BATS_TEST_TMPDIR/rootfs.tar" "$tag-imp"
    run_warren 0 image exists "$tag-imp"
}

@test "remote: kube play and down of a local file; POST /warren/cli refuses bad bodies" {
    local pod=$(wt_name)
    api_start
    mkdir -p "$BATS_TEST_TMPDIR/here" "$BATS_TEST_TMPDIR/elsewhere"
    printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\nspec:\n  containers:\n  - name: c\n    image: %s\n    command: ["sleep", "100"]\n' \
        "$pod" "$IMAGE" >"$BATS_TEST_TMPDIR/here/pod.yaml"
    # from another directory than the service's: the file is sent
    cd "$BATS_TEST_TMPDIR/elsewhere"
    run_remote 0 --url "unix://$SOCK" kube play "$BATS_TEST_TMPDIR/here/pod.yaml"
    run_warren 0 pod exists "$pod"
    run_remote 0 --url "unix://$SOCK" kube down ../here/pod.yaml
    run_warren 1 pod exists "$pod"
    api_expect 400 POST /warren/cli -d '{"Args": []}'
    assert_output '{"message":"Args must be a list of 1 to 4096 strings"}'
    api_expect 400 POST /warren/cli -d '{"Args": ["ps", 1]}'
    api_expect 400 POST /warren/cli -d '{"Args": ["ps"], "Tty": "yes"}'
    assert_output '{"message":"json: field Tty has the wrong type"}'
    api_expect 400 POST /warren/cli -d '{"Args": ["ps"'
    api_expect 405 GET /warren/cli
    # "Files": bad ones refused before anything runs, nothing left on the service's side
    api_expect 400 POST /warren/cli -d '{"Args": ["ps"], "Files": {}}'
    assert_output '{"message":"Files must be a list of at most 64 files"}'
    api_expect 400 POST /warren/cli -d '{"Args": ["ps"], "Files": [1]}'
    assert_output '{"message":"Files: each must be an object"}'
    api_expect 400 POST /warren/cli -d '{"Args": ["ps"], "Files": [{"Arg": 1, "Out": true}]}'
    assert_output '{"message":"Files: Arg must be the index of an argument"}'
    api_expect 400 POST /warren/cli -d '{"Args": ["ps", "x"], "Files": [{"Arg": 1}]}'
    assert_output '{"message":"Files: each takes Data (base64) or Out (true)"}'
    api_expect 400 POST /warren/cli -d '{"Args": ["ps", "x"], "Files": [{"Arg": 1, "Data": "a", "Out": true}]}'
    api_expect 400 POST /warren/cli -d '{"Args": ["ps", "x"], "Files": [{"Arg": 1, "Data": "!!"}]}'
    assert_output '{"message":"Files: Data is not base64"}'
    api_expect 400 POST /warren/cli -d "{\"Args\": [\"ps\"], \"Files\": [$(printf '{"Arg": 0, "Out": true},%.0s' {1..65}){}]}"
    assert_output '{"message":"Files must be a list of at most 64 files"}'
    # good ones: an input the command reads, an output sent back (type 6: index 0, then its bytes)
    local data
    data=$(printf 'A=from-data\n' | base64 -w0)
    api_expect 101 POST /warren/cli -d "{\"Args\": [\"run\", \"--rm\", \"--env-file\", \"x\", \"$IMAGE\", \"sh\", \"-c\", \"echo \$A\"], \"Files\": [{\"Arg\": 3, \"Data\": \"$data\"}]}"
    assert_equal "$(head -c 17 "$BATS_TEST_TMPDIR/body" | tail -c 9)" from-data
    api_expect 101 POST /warren/cli -d "{\"Args\": [\"create\", \"--cidfile\", \"x\", \"$IMAGE\"], \"Files\": [{\"Arg\": 2, \"Out\": true}]}"
    local id
    id=$(head -c 72 "$BATS_TEST_TMPDIR/body" | tail -c 64)
    assert_equal "$(head -c 1 "$BATS_TEST_TMPDIR/body" | od -An -tx1 | tr -d ' ')" 01
    assert_equal "$(tail -c 88 "$BATS_TEST_TMPDIR/body" | head -c 12 | od -An -tx1 | tr -s ' ')" " 06 00 00 00 00 00 00 44 00 00 00 00"
    assert_equal "$(tail -c 76 "$BATS_TEST_TMPDIR/body" | head -c 64)" "$id"
    run_warren 0 rm "$id"
    run find "${TMPDIR:-/var/tmp}" -maxdepth 1 -name 'warren-cli-*' -user "$(id -u)"
    assert_output ""
    # a good one: frames (stdout, then the exit status)
    api_expect 101 POST /warren/cli -d '{"Args": ["version", "--format", "{{.Version}}"]}'
    # the last frame: the exit status (type 3, 4 bytes: 0)
    assert_equal "$(tail -c 12 "$BATS_TEST_TMPDIR/body" | od -An -tx1 | tr -s ' ')" " 03 00 00 00 00 00 00 04 00 00 00 00"
    # the first: stdout (type 1) with the version
    assert_equal "$(head -c 1 "$BATS_TEST_TMPDIR/body" | od -An -tx1 | tr -d ' ')" 01
}

@test "remote: bad URIs, unknown connections, an unreachable socket: one line, 125" {
    # guards: Podman's words where it has them
    run_remote 125 --url "unix://$BATS_TEST_TMPDIR/none.sock" ps
    assert_equal "$stderr" "Error: unable to connect to warren socket: dial unix $BATS_TEST_TMPDIR/none.sock: connect: No such file or directory"
    run_remote 125 --url foo://x ps
    assert_equal "$stderr" 'Error: unable to create connection. "foo" is not a supported schema'
    run_remote 125 --url tcp://127.0.0.1 ps
    assert_equal "$stderr" "Error: malformed URI 'tcp://127.0.0.1': tcp:// takes HOST:PORT and no path"
    run_remote 125 --url unix://relative ps
    assert_equal "$stderr" "Error: malformed URI 'unix://relative': the socket path must be absolute (unix:///PATH)"
    run_remote 125 --url ssh://me@host:99999/x ps
    assert_stderr_contains "the port must be a number from 1 to 65535"
    run_remote 125 --connection nope ps
    assert_equal "$stderr" 'Error: failed to resolve active destination: "nope" service destination not found'
    # a socket that is not warren's service
    python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1)
c, _ = s.accept(); c.recv(65536)
c.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 30\r\n\r\n{\"message\":\"page not found\"}\n ")
c.close()' "$BATS_TEST_TMPDIR/other.sock" &
    wait_for_file "$BATS_TEST_TMPDIR/other.sock" 10
    run_remote 125 --url "unix://$BATS_TEST_TMPDIR/other.sock" ps
    assert_stderr_contains "does not run warren commands"
}

@test "system connection: add, list, default, rename, remove in Podman's file" {
    run_warren 0 system connection add --help
    assert_output --partial "warren system connection add [OPTIONS] NAME DESTINATION"
    run_warren 0 system connection ls
    assert_output "Name        URI         Identity    Default"
    run_warren 0 system connection add one unix:///tmp/one.sock
    run_warren 0 system connection add --identity /etc/hostname two ssh://me@host:2222/run/x.sock
    run_warren 0 system connection add three tcp://127.0.0.1:7777
    run_warren 0 system connection ls
    assert_line --index 0 --regexp '^Name +URI +Identity +Default$'
    assert_line --index 1 --regexp '^one +unix:///tmp/one.sock +true$'
    assert_line --index 3 --regexp '^two +ssh://me@host:2222/run/x.sock +/etc/hostname +false$'
    run_warren 0 system connection default two
    run_warren 0 system connection ls --format '{{.Name}} {{.Default}}'
    assert_output $'one false\nthree false\ntwo true'
    run_warren 0 system connection rename two deux
    run_warren 0 system connection ls -q
    assert_output $'deux\none\nthree'
    run_warren 0 system connection ls --format json
    assert_equal "$(jq -r '.[] | select(.Default) | .Name' <<<"$output")" deux
    run_warren 0 system connection rm deux
    run_warren 0 system connection ls --format '{{.Name}} {{.Default}}'
    assert_output $'one true\nthree false'
    # bad input
    run_warren 125 system connection default nope
    assert_last_error '"nope" destination is not defined. See "warren system connection add ..." to create a connection'
    run_warren 125 system connection rename nope x
    assert_last_error '"nope" destination is not defined.'
    run_warren 0 system connection rm nope
    run_warren 125 system connection add four foo://x
    assert_last_error 'unable to create connection. "foo" is not a supported schema'
    run_warren 125 system connection add five
    assert_last_error "accepts 2 arg(s), received 1"
    run_warren 0 system connection rm --all
    run_warren 0 system connection ls -q
    assert_output ""
}

@test "system connection: podman and warren read each other's connections; the rest of the file stays" {
    command -v podman >/dev/null || skip "podman is not installed (tests/deps.sh installs it)"
    mkdir -p "$(dirname "$CONF")"
    printf '# my settings\n[containers]\nlog_size_max = 10000\n\n[engine]\n# keep\nevents_logger = "file"\n' >"$CONF"
    run_warren 0 system connection add w1 unix:///tmp/w1.sock
    run_warren 0 system connection add --identity /etc/hostname w2 ssh://u@h:23/s.sock
    run bash -c "podman system connection ls --format '{{.Name}} {{.URI}} {{.Identity}} {{.Default}}' | sort"
    assert_success
    assert_output $'w1 unix:///tmp/w1.sock  true\nw2 ssh://u@h:23/s.sock /etc/hostname false'
    grep -qx '# my settings' "$CONF" && grep -qx 'log_size_max = 10000' "$CONF" && grep -qx '# keep' "$CONF" ||
        fail "the user's lines were lost: $(cat "$CONF")"
    run podman system connection add p1 tcp://127.0.0.1:9999
    assert_success
    run podman system connection default p1
    assert_success
    run_warren 0 system connection ls --format '{{.Name}} {{.URI}} {{.Default}}'
    assert_output $'p1 tcp://127.0.0.1:9999 true\nw1 unix:///tmp/w1.sock false\nw2 ssh://u@h:23/s.sock false'
    run podman system connection rename w2 w3
    assert_success
    run_warren 0 system connection rm w1
    # (podman lists in its map's order: sorted here)
    run bash -c 'podman system connection ls -q | sort'
    assert_output $'p1\nw3'
}

@test "remote: --remote, CONTAINER_HOST, CONTAINER_CONNECTION and --connection pick the service" {
    local name=$(wt_name)
    api_start
    run_warren 0 create --name "$name" "$IMAGE" true
    run_warren 0 system connection add here "unix://$SOCK"
    run_warren 0 system connection add elsewhere "unix://$BATS_TEST_TMPDIR/none.sock"
    run_warren 0 system connection default here
    run_remote 0 --remote ps -a --format '{{.Names}}'
    assert_output "$name"
    run_remote 0 --connection here ps -a --format '{{.Names}}'
    assert_output "$name"
    run_remote 125 -c elsewhere ps
    assert_stderr_contains "none.sock"
    run_warren_env 0 CONTAINER_HOST="unix://$SOCK" -- ps -a --format '{{.Names}}'
    assert_output "$name"
    # podman takes warren's connection to warren's service (its libpod API)
    if command -v podman >/dev/null; then
        run timeout 60 podman --connection here ps -a --format '{{.Names}}'
        assert_success
        assert_output "$name"
    fi
    run_remote 0 --remote --connection here system connection ls -q # stays local
    assert_output $'elsewhere\nhere'
    CONTAINER_CONNECTION=elsewhere run_remote 125 ps
    assert_stderr_contains "none.sock"
    # --url wins over CONTAINER_CONNECTION, --connection over CONTAINER_HOST
    CONTAINER_CONNECTION=elsewhere run_remote 0 --url "unix://$SOCK" ps -a --format '{{.Names}}'
    assert_output "$name"
    CONTAINER_HOST=unix:///nonexistent.sock run_remote 0 --connection here ps -a --format '{{.Names}}'
    assert_output "$name"
}

@test "info: {{.Host.RemoteSocket.Path}} is the default socket" {
    run_warren 0 info --format '{{.Host.RemoteSocket.Path}}'
    if [ "$(id -u)" = 0 ]; then
        assert_output /run/warren/warren.sock
    else
        assert_output --regexp '/warren/warren.sock$'
    fi
}

# start_sshd: an sshd of the test user's on a free port of 127.0.0.1 with
# throw-away keys; SSH_PORT, SSH_KEY, and WARREN_SSH_COMMAND for the client
start_sshd() {
    [ -x /usr/sbin/sshd ] || skip "no /usr/sbin/sshd (openssh-server: tests/deps.sh installs it)"
    local d=$BATS_TEST_TMPDIR/ssh bindir
    mkdir -p "$d"
    chmod 700 "$d"
    ssh-keygen -q -t ed25519 -N '' -f "$d/host_key"
    ssh-keygen -q -t ed25519 -N '' -f "$d/user_key"
    cp "$d/user_key.pub" "$d/authorized_keys"
    SSH_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    bindir=$(dirname "$WARREN")
    cat >"$d/sshd_config" <<EOF
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $d/host_key
AuthorizedKeysFile $d/authorized_keys
PidFile $d/sshd.pid
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
SetEnv PATH=$bindir:/usr/bin:/bin XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-}
EOF
    /usr/sbin/sshd -D -e -f "$d/sshd_config" 2>"$d/sshd.log" &
    SSHD_PID=$!
    WT_BG_PIDS+=("$SSHD_PID")
    local i
    for ((i = 0; i < 100; i++)); do
        grep -q "Server listening" "$d/sshd.log" && break
        wt_exited "$SSHD_PID" && skip "sshd cannot start here: $(tail -n1 "$d/sshd.log")"
        sleep 0.05
    done
    printf '[127.0.0.1]:%s %s\n' "$SSH_PORT" "$(cut -d' ' -f1,2 "$d/host_key.pub")" >"$d/known_hosts"
    SSH_KEY=$d/user_key
    export WARREN_SSH_COMMAND="ssh -o UserKnownHostsFile=$d/known_hosts -o BatchMode=yes"
}

@test "remote over ssh: a service's socket, and daemonless when none runs" {
    # guards: issue 12 "over SSH (OpenSSH's ssh binary, key ...)"
    local name=$(wt_name) me
    me=$(id -un)
    start_sshd
    api_start
    run_warren 0 create --name "$name" "$IMAGE" true
    run_remote 0 --url "ssh://$me@127.0.0.1:$SSH_PORT$SOCK" --identity "$SSH_KEY" ps -a --format '{{.Names}}'
    assert_output "$name"
    run_remote 4 --url "ssh://$me@127.0.0.1:$SSH_PORT$SOCK" --identity "$SSH_KEY" run --rm "$IMAGE" sh -c 'exit 4'
    # no service on the remote side: dial-stdio serves the API itself
    kill -TERM "$SVC_PID"
    wait_for_exit "$SVC_PID" 20
    run_remote 0 --url "ssh://$me@127.0.0.1:$SSH_PORT$SOCK" --identity "$SSH_KEY" --root "$WT_ROOT" --runroot "$WT_RUNROOT" ps -a --format '{{.Names}}'
    assert_output "$name"
    ! pgrep -u "$(id -u)" -f "dial-stdio" || fail "dial-stdio is left running"
    # a connection with the key; the socket path asked from the remote warren
    run_warren 0 system connection add --identity "$SSH_KEY" viassh "ssh://$me@127.0.0.1:$SSH_PORT"
    run_warren 0 info --format '{{.Host.RemoteSocket.Path}}'
    local path=$output
    run_warren 0 system connection ls --format '{{.URI}} {{.Identity}}'
    assert_output "ssh://$me@127.0.0.1:$SSH_PORT$path $SSH_KEY"
    # USER@HOST and -p: the same
    run_warren 0 system connection rm viassh
    run_warren 0 system connection add --identity "$SSH_KEY" -p "$SSH_PORT" viassh "$me@127.0.0.1"
    run_warren 0 system connection ls --format '{{.URI}}'
    assert_output "ssh://$me@127.0.0.1:$SSH_PORT$path"
    run_remote 0 --connection viassh --root "$WT_ROOT" --runroot "$WT_RUNROOT" ps -a --format '{{.Names}}'
    assert_output "$name"
    # a key the server does not know: ssh's error and a clear one of ours
    ssh-keygen -q -t ed25519 -N '' -f "$BATS_TEST_TMPDIR/other_key"
    run_remote 125 --url "ssh://$me@127.0.0.1:$SSH_PORT$SOCK" --identity "$BATS_TEST_TMPDIR/other_key" ps
    assert_stderr_contains "Permission denied"
    assert_stderr_contains "Error: unable to connect to warren socket"
}

@test "remote: a terminal gets a pty on the service's side (run -it)" {
    command -v script >/dev/null || skip "no script(1) (bsdutils)"
    api_start
    run script -qec "timeout 60 $WARREN --url unix://$SOCK run --rm -it $IMAGE sh -c 'tty; stty size; exit 5'" /dev/null
    [ "$status" = 5 ] || fail "status $status: $output"
    assert_output --partial /dev/pts/
}

@test "remote: SIGINT to the client reaches the command (as run's own signal proxy)" {
    api_start
    env --default-signal=INT "$WARREN" --url "unix://$SOCK" run --rm "$IMAGE" \
        sh -c 'trap "exit 7" INT; echo ready; while :; do sleep 0.1; done' </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 &
    local cp=$!
    WT_BG_PIDS+=("$cp")
    local i
    for ((i = 0; i < 200; i++)); do
        grep -q ready "$BATS_TEST_TMPDIR/out" && break
        sleep 0.05
    done
    kill -INT "$cp"
    wait_for_exit "$cp" 30 || fail "the client did not end after SIGINT"
    assert_equal "$(bg_status "$cp")" 7
}
