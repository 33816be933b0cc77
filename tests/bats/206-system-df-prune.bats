#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154  # container commands in single quotes; status/output/stderr come from bats
# Issue 10 "system df, system prune [-a] [--volumes], system reset": the
# store as a whole, compared with podman 4.3 (pm) on the same objects.

load helpers

teardown() {
    wt_teardown
    [ -z "${PM_DIR:-}" ] || pm_cleanup
}

# df_counts: "TYPE TOTAL ACTIVE" of each summary line of `system df` output
df_counts() {
    awk 'NR > 1 {n = NF; t = $1; if ($2 == "Volumes") {t = $1 " " $2; $2 = $3; $3 = $4}
        print t, $2, $3}' <<<"$output"
}

@test "system df: Podman's columns and counts; the sizes add up; templates and json" {
    local ctr vol running
    use_private_store
    run_warren 0 load -i "$WT_FIXTURES/busybox.docker.tar"
    ctr=$(wt_name) vol=$(wt_name) running=$(wt_name)
    run_warren 0 volume create "$vol"
    run_warren 0 create --name "$ctr" -v "$vol:/data" "$IMAGE" sh -c 'echo 12345 > /data/f; head -c 1000 /dev/zero > /big'
    run_warren 0 start -a "$ctr"
    run_warren 0 run -d --name "$running" "$IMAGE" sleep 300
    run_warren 0 system df
    assert_line --index 0 'TYPE           TOTAL       ACTIVE      SIZE        RECLAIMABLE'
    run df_counts
    assert_output "Images 1 1
Containers 2 1
Local Volumes 1 1"
    run_warren 0 system df --format '{{.Type}}|{{.Size}}|{{.Reclaimable}}'
    assert_line --index 1 --regexp '^Containers\|1(\.[0-9]+)?kB\|1(\.[0-9]+)?kB \(100%\)$'
    assert_line --index 2 'Local Volumes|6B|0B (0%)'
    run_warren 0 system df --format json
    [ "$(jq -r '.[2].Size' <<<"$output")" = 6 ] || fail "volume size: $output"
    [ "$(jq -r '.[0].Reclaimable' <<<"$output")" = 0 ] || fail "image in use: $output"
    run_warren 0 system df -v
    assert_line 'Images space usage:'
    assert_line --regexp "^localhost/warren-test/busybox +latest +[0-9a-f]{12} .* 2 *$"
    assert_line --regexp "^$vol +1 +6B$"
    assert_line --regexp "^[0-9a-f]{12} +[0-9a-f]{12} +sleep 300 +0 .* running +$running$"
    run_warren 125 system df -v --format json
    [[ $stderr == *"cannot combine --format and --verbose flags"* ]] || fail "$stderr"
    run_warren 125 system df extra
}

@test "system df -v: images sharing a layer show it as SHARED SIZE, the rest as UNIQUE SIZE" {
    local c img
    use_private_store
    run_warren 0 load -i "$WT_FIXTURES/busybox.docker.tar"
    c=$(wt_name) img=localhost/$(wt_name)
    run_warren 0 run --name "$c" "$IMAGE" sh -c 'head -c 20000 /dev/zero > /big'
    run_warren 0 commit -q "$c" "$img"
    run_warren 0 system df -v
    # columns: REPOSITORY TAG ID CREATED(3 words) SIZE SHARED UNIQUE CONTAINERS
    local base child
    base=$(awk -v r=localhost/warren-test/busybox '$1 == r {print $(NF-3), $(NF-2), $(NF-1)}' <<<"$output")
    child=$(awk -v r="$img" '$1 == r {print $(NF-3), $(NF-2), $(NF-1)}' <<<"$output")
    read -r bsize bshared buniq <<<"$base"
    read -r csize cshared cuniq <<<"$child"
    # the base image's whole layer is shared with the child
    assert_equal "$bshared" "$bsize"
    assert_equal "$buniq" 0B
    assert_equal "$cshared" "$bsize"
    [ "$cuniq" != 0B ] || fail "the child's own layer shows no unique size: $output"
}

@test "system df: the same counts as podman's for the same objects" {
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    local vol
    vol=$(wt_name)
    use_private_store
    local tool
    for tool in pm w; do
        "$tool" load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
        "$tool" volume create "$vol" >/dev/null
        "$tool" create -v "$vol:/data" "$IMAGE" true >/dev/null
        "$tool" create "$IMAGE" true >/dev/null
        "$tool" volume create "$vol-2" >/dev/null
    done
    run pm system df
    [ "$status" = 0 ] || fail "podman system df: $output"
    local want=$output
    run df_counts
    want=$output
    run_warren 0 system df
    run df_counts
    assert_output "$want"
}

@test "system prune: asks first; removes stopped containers and dangling images; -a and --volumes more" {
    local c1 c2 vol keep id
    use_private_store
    run_warren 0 load -i "$WT_FIXTURES/busybox.docker.tar"
    c1=$(wt_name) c2=$(wt_name) vol=$(wt_name) keep=$(wt_name)
    run_warren 0 create --name "$c1" "$IMAGE" true
    run_warren 0 run -d --name "$keep" "$IMAGE" sleep 300
    run_warren 0 volume create "$vol"
    run --separate-stderr bash -c "echo n | '$WARREN' --root '$WT_ROOT' --runroot '$WT_RUNROOT' system prune"
    assert_output --partial 'WARNING! This command removes:'
    assert_output --partial '	- all dangling images'
    assert_output --partial 'Are you sure you want to continue? [y/N] '
    run_warren 0 container exists "$c1"
    run --separate-stderr bash -c "'$WARREN' --root '$WT_ROOT' --runroot '$WT_RUNROOT' system prune </dev/null"
    [ "$status" = 125 ] || fail "EOF: exit $status"
    id=$(w inspect --format '{{.Id}}' "$c1")
    run_warren 0 system prune -f
    assert_line --index 0 'Deleted Containers'
    assert_line --index 1 "$id"
    assert_line --regexp '^Total reclaimed space: [0-9.]+k?B$'
    run_warren 1 container exists "$c1"
    run_warren 0 container exists "$keep"
    run_warren 0 volume exists "$vol"
    run_warren 0 image exists "$IMAGE"
    run_warren 0 rm -f -t 0 "$keep"
    run --separate-stderr bash -c "echo y | '$WARREN' --root '$WT_ROOT' --runroot '$WT_RUNROOT' system prune -a --volumes"
    [ "$status" = 0 ] || fail "exit $status: $stderr"
    assert_output --partial '	- all volumes not used by at least one container'
    assert_output --partial 'Deleted Volumes'
    assert_output --partial 'Deleted Images'
    run_warren 1 volume exists "$vol"
    run_warren 1 image exists "$IMAGE"
    run_warren 125 system prune -f --filter bogus=1
}

@test "system reset: asks first, then removes every container, volume and image and the store's files" {
    local vol run1
    use_private_store
    run_warren 0 load -i "$WT_FIXTURES/busybox.docker.tar"
    vol=$(wt_name) run1=$(wt_name)
    run_warren 0 run -d --stop-timeout 1 --name "$run1" -v "$vol:/data" "$IMAGE" sleep 300
    run --separate-stderr bash -c "echo n | '$WARREN' --root '$WT_ROOT' --runroot '$WT_RUNROOT' system reset"
    assert_output --partial "        - the graphRoot directory: \"$WT_ROOT\""
    run_warren 0 container exists "$run1"
    run_warren 0 system reset -f
    assert_output ""
    [ -z "$(ls -A "$WT_ROOT")" ] || fail "left in the store: $(ls -A "$WT_ROOT")"
    run_warren 0 ps -a -q
    assert_output ""
    run_warren 0 images -q
    assert_output ""
    run_warren 0 volume ls -q
    assert_output ""
    run_warren 0 load -i "$WT_FIXTURES/busybox.docker.tar"
    run_warren 0 run --rm "$IMAGE" echo again
    assert_output again
}
