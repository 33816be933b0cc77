#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154  # container commands in single quotes; status/output/stderr come from bats
# --device: host device nodes by path (HOST[:CONTAINER][:PERMS], a
# directory's nodes) and by CDI name (issue 15 "GPU passthrough through CDI
# specs in /etc/cdi, tested with a fake CDI spec"), with Podman's messages
# and inspect's HostConfig.Devices compared with podman's.

load helpers

teardown() {
    wt_teardown
    [ -z "${PM_DIR:-}" ] || pm_cleanup
}

# cdi_conf DIR: a containers.conf that makes DIR the only CDI spec dir
cdi_conf() {
    printf '[engine]\ncdi_spec_dirs = ["%s"]\n' "$1" >"$1.conf"
    echo "$1.conf"
}

@test "devices: --device HOST, HOST:CTR:PERMS and a directory's nodes are in the container; inspect as podman's" {
    local name
    run_warren 0 run --rm --device /dev/null:/dev/mynull:r --device /dev/zero "$IMAGE" \
        sh -c 'stat -c "%F %t:%T %n" /dev/mynull /dev/zero; head -c 3 /dev/zero | od -An -tx1; echo x >/dev/mynull && echo wrote'
    assert_line "character special file 1:3 /dev/mynull"
    assert_line "character special file 1:5 /dev/zero"
    assert_line --regexp '^ *00 00 00$'
    assert_line wrote
    # a directory: the device nodes in it (/dev/net holds tun)
    [ -c /dev/net/tun ] || skip "the host has no /dev/net/tun"
    run_warren 0 run --rm --device /dev/net "$IMAGE" stat -c '%F %n' /dev/net/tun
    assert_output "character special file /dev/net/tun"
    # inspect lists them as root podman does (rootless podman 4.3 lists none:
    # root/235 compares with podman as root)
    name=$(wt_name)
    run_warren 0 create --name "$name" --device /dev/null:/dev/mynull:rw --device /dev/zero "$IMAGE" true
    run_warren 0 inspect --format '{{json .HostConfig.Devices}}' "$name"
    assert_output '[{"PathOnHost":"/dev/null","PathInContainer":"/dev/mynull","CgroupPermissions":""},{"PathOnHost":"/dev/zero","PathInContainer":"/dev/zero","CgroupPermissions":""}]'
}

@test "devices: bad --device values fail as podman's, nothing is made" {
    local d p
    pm_init
    [ -n "$PM_SKIP" ] || pm load -q -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
    for d in /dev/wt-no-such-device /etc/passwd /dev/null:/dev/x:rwz /dev/null:rw:x /dev/null:relative; do
        run_warren 125 create --device "$d" "$IMAGE" true
        if [ -z "$PM_SKIP" ]; then
            p=$(pm create --device "$d" "$IMAGE" true 2>&1) && fail "podman took --device $d"
            p=$(grep -v level=warning <<<"$p")
            # the same words, up to Go's lower-case errno text
            assert_equal "${stderr,,}" "${p,,}"
        fi
    done
    run_warren 125 create --device "" "$IMAGE" true
    assert_error "invalid device specification"
    run_warren 0 ps -a -q
    assert_output ""
}

@test "devices: a CDI name brings the spec's device nodes, env and mounts (JSON and YAML specs)" {
    local dir conf
    dir=$BATS_TEST_TMPDIR/cdi
    mkdir -p "$dir"
    echo "vendor file" >"$BATS_TEST_TMPDIR/vendor.txt"
    cat >"$dir/fake.json" <<EOF
{"cdiVersion": "0.5.0", "kind": "example.com/fake",
 "containerEdits": {"env": ["FAKE_GLOBAL=1"]},
 "devices": [
  {"name": "dev0", "containerEdits": {
     "deviceNodes": [{"path": "/dev/fake0", "hostPath": "/dev/null"}],
     "env": ["FAKE_DEV=dev0"],
     "mounts": [{"hostPath": "$BATS_TEST_TMPDIR/vendor.txt", "containerPath": "/opt/vendor.txt", "options": ["ro"]}]}},
  {"name": "hooked", "containerEdits": {"hooks": [{"hookName": "createContainer", "path": "/bin/true"}]}}
 ]}
EOF
    cat >"$dir/other.yaml" <<'EOF'
cdiVersion: 0.5.0
kind: example.org/gpu
devices:
  - name: all
    containerEdits:
      deviceNodes:
        - path: /dev/gpu0
          hostPath: /dev/zero
EOF
    echo '{"cdiVersion": "0.5.0", "kind": "example.com/fake", "devices": [' >"$dir/broken.json"
    conf=$(cdi_conf "$dir")
    run_warren_env 0 CONTAINERS_CONF="$conf" -- run --rm --device example.com/fake=dev0 "$IMAGE" \
        sh -c 'stat -c "%F %t:%T" /dev/fake0; echo $FAKE_GLOBAL $FAKE_DEV; cat /opt/vendor.txt; echo x >/opt/vendor.txt || echo read-only'
    assert_line "character special file 1:3"
    assert_line "1 dev0"
    assert_line "vendor file"
    assert_line read-only
    run_warren_env 0 CONTAINERS_CONF="$conf" -- run --rm --device example.org/gpu=all "$IMAGE" stat -c '%t:%T' /dev/gpu0
    assert_output "1:5"
    # unknown names, hooks: one line, nothing made
    run_warren_env 125 CONTAINERS_CONF="$conf" -- run --rm --device example.com/fake=nope "$IMAGE" true
    assert_error "unresolvable CDI devices example.com/fake=nope"
    run_warren_env 125 CONTAINERS_CONF="$conf" -- run --rm --device example.com/fake=hooked "$IMAGE" true
    assert_error "CDI hooks are not supported"
    run_warren 125 run --rm --device example.com/fake=dev0 "$IMAGE" true
    assert_error "unresolvable CDI devices example.com/fake=dev0"
    run_warren 0 ps -a -q
    assert_output ""
}

@test "devices: hostile CDI specs: wrong types and relative paths fail with the spec named" {
    local dir conf
    dir=$BATS_TEST_TMPDIR/cdi
    mkdir -p "$dir"
    conf=$(cdi_conf "$dir")
    printf '{"kind": "x.io/a", "devices": [{"name": "d", "containerEdits": {"env": "A=1"}}]}' >"$dir/a.json"
    run_warren_env 125 CONTAINERS_CONF="$conf" -- run --rm --device x.io/a=d "$IMAGE" true
    assert_error "containerEdits.env is not a list"
    printf '{"kind": "x.io/b", "devices": [{"name": "d", "containerEdits": {"deviceNodes": [{"path": "dev/x"}]}}]}' >"$dir/b.json"
    run_warren_env 125 CONTAINERS_CONF="$conf" -- run --rm --device x.io/b=d "$IMAGE" true
    assert_error "a deviceNode without an absolute path"
    printf '{"kind": "x.io/c", "devices": [{"name": "d", "containerEdits": {"deviceNodes": [{"path": "/etc/passwd"}]}}]}' >"$dir/c.json"
    run_warren_env 125 CONTAINERS_CONF="$conf" -- run --rm --device x.io/c=d "$IMAGE" true
    assert_error "/etc/passwd is not a device node on this host"
    printf '{"kind": "x.io/e", "devices": [{"name": "d", "containerEdits": {"mounts": [{"hostPath": "/etc", "containerPath": "/x", "options": "ro"}]}}]}' >"$dir/e.json"
    run_warren_env 125 CONTAINERS_CONF="$conf" -- run --rm --device x.io/e=d "$IMAGE" true
    assert_error "mount options must be a list"
    run_warren 0 ps -a -q
    assert_output ""
}
