#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # templates in single quotes; status/output come from bats
# Issue 12, libpod API: `podman --remote` (4.3.1) `pod stats` and `stats`
# against `warren system service` (GET /libpod/pods/stats and
# /libpod/containers/stats): the same rows, ids and names as `warren pod
# stats` and `warren stats` (runtime/statsrow.c serves both), the same
# errors. The numbers change from one reading to the next: only columns
# that cannot change are compared.

load helpers
load api

teardown() {
    wt_teardown
}

# same_rows ARGS...: as same, for `pod stats --format` without "table":
# podman 4.3 prints a header line even then (its own `podman pod stats`
# does too; warren's prints none, as its other commands), so the remote's
# first line is checked to be that header and left out
same_rows() {
    run remote "$@"
    local rs=$status ro=$output
    [ "$rs" = 0 ] || fail "$*: remote exit $rs: $ro"
    [[ ${lines[0]} =~ ^[A-Z\ %/]+$ ]] || fail "$*: no header line first: $ro"
    ro=$(tail -n +2 <<<"$ro")
    run timeout 120 "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" "$@"
    [ "$status" = 0 ] || fail "$*: local exit $status: $output"
    assert_equal "$ro" "$output"
}

@test "libpod: podman --remote pod stats --no-stream prints warren pod stats' rows, named pods, --all, --format" {
    # guards: issue 12 "libpod: pod stats (GET /libpod/pods/stats is not served)"
    use_private_store
    load_fixture busybox.docker.tar
    run_warren 0 pod create --name p1
    run_warren 0 run -d --pod p1 --name p1-run "$IMAGE" sleep 1000
    run_warren 0 create --pod p1 --name p1-made "$IMAGE" true
    run_warren 0 pod create --name p2
    run_warren 0 create --pod p2 --name p2-made "$IMAGE" true
    svc_start
    local f
    for f in '{{.Pod}} {{.CID}} {{.Name}}' '{{.Name}}'; do
        same_rows pod stats --no-stream --format "$f"
        [ "${#lines[@]}" -eq 5 ] || fail "two infras and three containers: $output"
        same_rows pod stats --no-stream --all --format "$f"
        same_rows pod stats --no-stream --format "$f" p2
        same pod stats --no-stream --format "table $f" p2 p1
    done
    # a container that does not run has no numbers: "--" both ways
    same_rows pod stats --no-stream --format '{{.Name}} {{.CPU}} {{.MemUsage}} {{.Mem}} {{.NetIO}} {{.BlockIO}} {{.PIDS}}' p2
    assert_line 'p2-made -- -- / -- -- -- / -- -- / -- --'
    # the table's header is podman's
    run remote pod stats --no-stream p2
    assert_success
    local hdr
    hdr=$(tr -s ' ' <<<"${lines[0]}")
    run_warren 0 pod stats --no-stream p2
    assert_equal "$hdr" "$(tr -s ' ' <<<"${lines[0]}")"
    # JSON: the same keys and (not running) values
    run remote pod stats --no-stream --format json p2
    assert_success
    local rj=$output
    run_warren 0 pod stats --no-stream --format json p2
    assert_equal "$(jq -S 'map(del(.Pod))' <<<"$rj")" "$(jq -S 'map(del(.Pod))' <<<"$output")"
    # the running one: one pid where the host gives it a cgroup, else "--"
    # as warren's (rootless without a delegated cgroup: nothing to read)
    same_rows pod stats --no-stream --format '{{.Name}} {{.PIDS}}' p1
    assert_line --regexp '^p1-run (1|--)$'
    # unknown pods, --all with names: warren's errors, nothing printed
    run remote pod stats --no-stream nope
    assert_failure
    assert_output --partial 'no pod with name or ID nope found: no such pod'
    lp GET '/pods/stats?namesOrIDs=nope'
    assert_equal "$code" 404
    lp GET '/pods/stats?namesOrIDs=p1&all=true'
    assert_equal "$code" 400
    assert_output --partial 'cannot be used together'
    run_warren 0 pod stats --no-stream --format '{{.Name}}' p2
    local names=$output
    lp GET '/pods/stats?namesOrIDs=p2'
    assert_equal "$code" 200
    run jq -r '.[].Name' <<<"$output"
    assert_output "$names"
    api_expect 200 GET /_ping
}

@test "libpod: podman --remote stats --no-stream prints warren stats' ids and names; a container without a cgroup gets warren's reason" {
    # guards: issue 12 "libpod API ... containers" (GET /libpod/containers/stats)
    use_private_store
    load_fixture busybox.docker.tar
    run_warren 0 create --name made "$IMAGE" true
    run_warren 0 create --name made2 "$IMAGE" true
    svc_start
    # containers that do not run read zeros: no cgroup needed
    same stats --no-stream --format '{{.ID}} {{.Name}}' made made2
    assert_line --index 1 --regexp '^[0-9a-f]{12} made2$'
    lp GET '/containers/stats?containers=made&stream=false'
    assert_equal "$code" 200
    run jq -c '[.Error, (.Stats | length), .Stats[0].Name, .Stats[0].PIDs, .Stats[0].CPU]' <<<"$output"
    assert_output '[null,1,"made",0,0]'
    # streamed: a report every interval until the client leaves
    run timeout 30 curl -sS -N --max-time 3 --unix-socket "$SOCK" \
        "http://d/v4.3.1/libpod/containers/stats?containers=made&interval=1"
    [ "$(grep -c '"Stats"' <<<"$output")" -ge 2 ] || fail "stream: $output"
    # unknown names, a bad interval
    same stats --no-stream nope
    assert_output --partial 'no container with name or ID "nope" found: no such container'
    lp GET '/containers/stats?containers=nope&stream=false'
    assert_equal "$code" 404
    lp GET '/containers/stats?containers=made&stream=false&interval=0'
    assert_equal "$code" 400
    # a running one: its numbers where the host gives it a cgroup of its
    # own, else the reason `warren stats` gives, from both
    run_warren 0 run -d --name up "$IMAGE" sleep 1000
    run timeout 60 "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" stats --no-stream --format '{{.Name}} {{.PIDS}}' up
    if [ "$status" -ne 0 ]; then
        local why=$output
        run remote stats --no-stream up
        assert_failure
        assert_output --partial "${why#Error: }"
        lp GET '/containers/stats?containers=up&stream=false'
        assert_equal "$code" 409
        api_expect 200 GET /_ping
        skip "a running container's stats need a cgroup of its own (none delegated to this user): $why"
    fi
    assert_output 'up 1'
    same stats --no-stream --format '{{.ID}} {{.Name}} {{.PIDS}}' up
    same stats --no-stream -a --format '{{.Name}}'
}
