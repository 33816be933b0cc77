#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # templates in single quotes; status/output/stderr come from bats
# Issue 8: `events` backed by a persistent event log (--since, --until,
# --filter, --format, --stream=false).

load helpers

@test "events: a container's life and an image's tag are logged; --filter, --format, --since, --until" {
    # guards: issue 8 "events backed by a persistent event log (--since, --until, --filter, --format, --stream=false)"
    local name id t0 tag
    use_private_store
    load_fixture busybox.docker.tar
    name=$(wt_name)
    tag=localhost/$name:tagged
    t0=$(date +%s)
    run_warren 3 run --name "$name" "$IMAGE" sh -c 'exit 3'
    id=$(w inspect --format '{{.Id}}' "$name")
    run_warren 0 rm "$name"
    run_warren 0 tag "$IMAGE" "$tag"
    run_warren 0 rmi "$tag"
    run_warren 0 events --stream=false --filter container="$name" --format '{{.Status}}'
    assert_output $'create\nstart\ndied\nremove'
    run_warren 0 events --stream=false --filter container="$name" --filter event=died --format json
    assert_equal "$(jq -r '.ID + " " + .Name + " " + (.ContainerExitCode|tostring)' <<<"$output")" "$id $name 3"
    run_warren 0 events --stream=false --filter type=image --format '{{.Status}} {{.Name}}'
    assert_output --partial "tag $tag"
    assert_output --partial "untag $tag"
    # the default line, as Podman's
    run_warren 0 events --stream=false --filter event=create
    assert_line --regexp "^[0-9-]{10} [0-9:.]+ \+0000 UTC container create $id \(image=$IMAGE, name=$name\)$"
    run_warren 0 events --stream=false --until "$((t0 - 10))"
    assert_output ""
    run_warren 0 events --since "$t0" --until "$(($(date +%s) + 1))" --filter event=died --format '{{.Name}}'
    assert_output "$name"
    run_warren 125 events --stream=false --filter nokey=x
    assert_last_error "nokey=x is an invalid filter"
    run_warren 125 events --stream=false --since yesterday
    run_warren 125 events --stream=maybe
}

@test "events: a stream shows events as they happen; detached containers log start and died" {
    # guards: issue 8 events stream; the monitor's exit records "died"
    local name out
    use_private_store
    load_fixture busybox.docker.tar
    name=$(wt_name)
    out=$BATS_TEST_TMPDIR/events
    start_warren "$out" events --filter container="$name" --format '{{.Status}} {{.ContainerExitCode}}'
    sleep 0.5
    run_warren 0 run -d --name "$name" "$IMAGE" sh -c 'exit 5'
    for _ in $(seq 100); do grep -q died "$out" && break; sleep 0.1; done
    run cat "$out"
    assert_line --index 0 "create 0"
    assert_line --index 1 "start 0"
    assert_line --index 2 "died 5"
}

@test "events: a pod's create, start, stop, kill and remove, as Podman's (type pod, --filter pod=)" {
    # guards: issue 11 pods in `events` (Podman logs them with type "pod")
    local pod id
    use_private_store
    load_fixture busybox.docker.tar
    pod=$(wt_name)
    run_warren 0 pod create --name "$pod"
    id=$output
    run_warren 0 run -d --pod "$pod" --name "$pod-m" "$IMAGE" sleep 1000
    # (pause and unpause log too; rootless pause needs a cgroup of its own,
    # which this host may not give)
    run_warren 0 pod stop -t 0 "$pod"
    run_warren 0 pod start "$pod"
    run_warren 0 pod kill "$pod"
    run_warren 0 pod rm -f "$pod"
    run_warren 0 events --stream=false --filter pod="$pod" --format '{{.Type}} {{.Status}} {{.Name}}'
    assert_output "pod create $pod
pod stop $pod
pod start $pod
pod kill $pod
pod stop $pod
pod remove $pod"
    # by id prefix too; the default line has a container's shape
    run_warren 0 events --stream=false --filter pod="${id:0:12}" --filter event=create
    assert_line --regexp "^[0-9-]{10} [0-9:.]+ \+0000 UTC pod create $id \(image=, name=$pod\)$"
    # (its members' events are container events)
    run_warren 0 events --stream=false --filter type=container --filter container="$pod-m" --format '{{.Status}}'
    assert_line create
}
