#!/usr/bin/env bats
# shellcheck disable=SC2154  # status/output/stderr come from bats
# --device as root: the nodes are there, and inspect's HostConfig.Devices is
# podman's (as root podman lists them; rootless podman 4.3 lists none).

load ../helpers

teardown() {
    wt_teardown
    [ -z "${WT_PM_NAME:-}" ] || podman rm -f "$WT_PM_NAME" >/dev/null 2>&1 || true
}

@test "root: --device nodes in the container; HostConfig.Devices as root podman's" {
    local name
    run_warren 0 run --rm --device /dev/null:/dev/mynull:rw --device /dev/zero "$IMAGE" stat -c '%F %t:%T %n' /dev/mynull /dev/zero
    assert_line "character special file 1:3 /dev/mynull"
    assert_line "character special file 1:5 /dev/zero"
    name=$(wt_name)
    run_warren 0 create --name "$name" --device /dev/null:/dev/mynull:rw --device /dev/zero "$IMAGE" true
    run_warren 0 inspect --format '{{json .HostConfig.Devices}}' "$name"
    command -v podman >/dev/null && command -v runc >/dev/null || skip "podman or runc is not installed"
    podman load -q -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null 2>&1 || skip "podman cannot load images here"
    WT_PM_NAME=$name
    podman create --runtime runc --name "$name" --device /dev/null:/dev/mynull:rw --device /dev/zero "$IMAGE" true >/dev/null 2>&1 ||
        fail "podman create --device failed"
    assert_equal "$output" "$(podman inspect --format '{{json .HostConfig.Devices}}' "$name" 2>/dev/null)"
}
