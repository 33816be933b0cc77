#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Issue 8: healthchecks (--health-cmd, --health-interval, --health-retries,
# --health-start-period, --health-timeout, --health-on-failure, the image's
# HEALTHCHECK, `healthcheck run`, State.Health, ps) run by the container's
# monitor itself: no systemd timer, no user session needed.

load helpers

# health NAME: the container's State.Health as compact JSON
health() {
    w inspect --format json "$1" | jq -c '.[0].State.Health'
}

# wait_health NAME STATUS [SECONDS]: polls until State.Health.Status is STATUS
wait_health() {
    local i s
    for ((i = 0; i < ${3:-20} * 10; i++)); do
        s=$(health "$1" | jq -r .Status) || s=gone
        [ "$s" = "$2" ] && return 0
        sleep 0.1
    done
    fail "the health of $1 is '$s', not '$2', after ${3:-20} s: $(health "$1")"
}

# mk_hc_image OUT.tar NAME HEALTHCHECK-JSON: the base image with config.Healthcheck set
# (a docker-archive, as `docker save` of an image built with HEALTHCHECK)
mk_hc_image() {
    local out=$1 name=$2 hc=$3 d cfg h
    d=$(mktemp -d "$BATS_TEST_TMPDIR/img.XXXXXX")
    tar -xf "$WT_FIXTURES/busybox.docker.tar" -C "$d"
    cfg=$(jq -r '.[0].Config' "$d/manifest.json")
    jq -c --argjson hc "$hc" '.config.Healthcheck = $hc' "$d/$cfg" >"$d/new.json"
    h=$(sha256sum "$d/new.json" | cut -d' ' -f1)
    mv "$d/new.json" "$d/$h.json"
    rm -f "$d/$cfg" "$d/repositories"
    jq -c --arg c "$h.json" --arg n "$name" '.[0].Config = $c | .[0].RepoTags = [$n]' \
        "$d/manifest.json" >"$d/m.json"
    mv "$d/m.json" "$d/manifest.json"
    # shellcheck disable=SC2046  # the layer names are plain hex file names
    (cd "$d" && tar -cf - manifest.json "$h.json" $(jq -r '.[0].Layers[]' manifest.json)) >"$out"
}

# pm_err: podman's $stderr without its warnings and its complaints about the
# systemd timers it cannot set up here (the very thing warren does without)
pm_err() { grep -Ev "$WT_WARN_RE|level=error msg=\"unable to get systemd connection" <<<"$stderr" || true; }

@test "healthcheck: the monitor runs the check every interval: starting, then healthy; ps and inspect show it" {
    # guards: issue 8 "healthchecks ... are run by the monitor itself, so they work on
    # machines without systemd" (this test user has no systemd user session)
    local name id
    name=$(wt_name)
    run_warren 0 run -d --name "$name" --health-cmd 'echo hi' --health-interval 1s "$IMAGE" sleep 1000
    id=$output
    run_warren 0 inspect --format json "$name"
    assert_equal "$(jq -c '.[0].Config.Healthcheck' <<<"$output")" \
        '{"Test":["CMD-SHELL","echo hi"],"Interval":1000000000,"Timeout":30000000000,"Retries":3}'
    assert_equal "$(jq -r '.[0].Config.HealthcheckOnFailureAction' <<<"$output")" none
    wait_health "$name" healthy 10
    run health "$name"
    assert_equal "$(jq -c '[.FailingStreak, .Log[0].ExitCode, .Log[0].Output]' <<<"$output")" '[0,0,"hi"]'
    [[ $(jq -r '.Log[0].Start' <<<"$output") =~ ^20[0-9-]+T[0-9:.]+(Z|[+-][0-9:]+)$ ]] || fail "bad Start: $output"
    run_warren 0 ps
    assert_line --regexp "^${id:0:12} .* Up .* \(healthy\) +$name$"
    # it goes on: a second run within a few intervals
    for _ in $(seq 50); do [ "$(health "$name" | jq '.Log | length')" -ge 2 ] && break; sleep 0.1; done
    [ "$(health "$name" | jq '.Log | length')" -ge 2 ] || fail "no second check: $(health "$name")"
}

@test "healthcheck: failing checks make it unhealthy after --health-retries; the log keeps the last 5" {
    # guards: issue 8 "--health-retries"; Podman's health log (FailingStreak, Log of 5)
    local name
    name=$(wt_name)
    run_warren 0 run -d --name "$name" --health-cmd 'echo bad; exit 2' --health-retries 2 \
        --health-interval disable "$IMAGE" sleep 1000
    run_warren 0 inspect --format json "$name"
    assert_equal "$(jq -c '.[0].State.Health' <<<"$output")" '{"Status":"starting","FailingStreak":0,"Log":null}'
    run_warren 1 healthcheck run "$name"
    assert_output unhealthy
    assert_equal "$(health "$name" | jq -c '[.Status, .FailingStreak, .Log[0].ExitCode, .Log[0].Output]')" \
        '["starting",1,1,"bad"]'
    run_warren 1 healthcheck run "$name"
    assert_equal "$(health "$name" | jq -c '[.Status, .FailingStreak]')" '["unhealthy",2]'
    run_warren 0 ps --format '{{.Status}}' --no-trunc
    assert_output --regexp '^Up .* \(unhealthy\)$'
    for _ in 1 2 3 4; do run_warren 1 healthcheck run "$name"; done
    assert_equal "$(health "$name" | jq -c '[.Status, .FailingStreak, (.Log | length)]')" '["unhealthy",6,5]'
}

@test "healthcheck: the monitor makes a failing container unhealthy by itself" {
    # guards: issue 8 timers of the monitor, not systemd's
    local name
    name=$(wt_name)
    run_warren 0 run -d --name "$name" --health-cmd false --health-retries 2 --health-interval 1s \
        "$IMAGE" sleep 1000
    wait_health "$name" unhealthy 15
}

@test "healthcheck: --health-start-period: failures in it do not count, later ones do" {
    # guards: issue 8 "--health-start-period" (Podman's rule: the streak does not grow)
    local name
    name=$(wt_name)
    run_warren 0 run -d --name "$name" --health-cmd false --health-retries 1 --health-start-period 1m \
        --health-interval disable "$IMAGE" sleep 1000
    run_warren 1 healthcheck run "$name"
    assert_output unhealthy
    run_warren 1 healthcheck run "$name"
    assert_equal "$(health "$name" | jq -c '[.Status, .FailingStreak, (.Log | length)]')" '["starting",0,2]'
    w rm -f -t 0 "$name" >/dev/null
    run_warren 0 run -d --name "$name" --health-cmd false --health-retries 1 --health-start-period 1s \
        --health-interval disable "$IMAGE" sleep 1000
    run_warren 1 healthcheck run "$name"
    assert_equal "$(health "$name" | jq -r .Status)" starting
    sleep 1.2
    run_warren 1 healthcheck run "$name"
    assert_equal "$(health "$name" | jq -c '[.Status, .FailingStreak]')" '["unhealthy",1]'
}

@test "healthcheck: --health-timeout kills a check that runs too long" {
    # guards: issue 8 "--health-timeout"; Podman's error and ExitCode -1 (Podman lets the
    # check run on; warren kills it)
    local name t0
    name=$(wt_name)
    run_warren 0 run -d --name "$name" --health-cmd '["CMD","sleep","30"]' --health-timeout 1s \
        --health-interval disable "$IMAGE" sleep 1000
    t0=$(now_ms)
    run_warren 125 healthcheck run "$name"
    assert_error "healthcheck command exceeded timeout of 1s"
    [ $(($(now_ms) - t0)) -lt 10000 ] || fail "the check was not cut short: $(($(now_ms) - t0)) ms"
    assert_equal "$(health "$name" | jq -c '[.Status, .FailingStreak, .Log[0].ExitCode]')" '["starting",1,-1]'
    run_warren 0 exec "$name" ps -o args
    refute_output --partial "sleep 30"
}

@test "healthcheck: the monitor never runs two checks at once" {
    # guards: issue 8 "never two at once" (a check slower than the interval)
    local name id mon n=0 max=0
    name=$(wt_name)
    run_warren 0 run -d --name "$name" --health-cmd 'sleep 2.5' --health-interval 1s "$IMAGE" sleep 1000
    id=$output
    mon=$(monitor_of "$id")
    [ -n "$mon" ] || fail "no monitor for $id"
    for _ in $(seq 40); do
        # the monitor's children that run a check (each forks once more itself)
        n=$(pgrep -P "$mon" -f "healthcheck run $id" | wc -l)
        [ "$n" -le "$max" ] || max=$n
        sleep 0.1
    done
    [ "$max" -eq 1 ] || fail "$max checks ran at once (or none ran)"
}

@test "healthcheck: --health-on-failure=kill, stop and restart act once it is unhealthy" {
    # guards: issue 8 "--health-on-failure"
    local name started
    name=$(wt_name)
    run_warren 0 run -d --name "$name-k" --health-cmd false --health-retries 1 --health-interval 1s \
        --health-on-failure kill "$IMAGE" sleep 1000
    run_warren 0 run -d --name "$name-s" --stop-timeout 1 --restart always --health-cmd false \
        --health-retries 1 --health-interval 1s --health-on-failure stop "$IMAGE" sleep 1000
    # fails once (its marker is not there yet), then passes: restarted, then healthy
    run_warren 0 run -d --name "$name-r" --stop-timeout 1 --health-interval 1s --health-retries 1 \
        --health-cmd 'test -e /tmp/ran || { touch /tmp/ran; exit 1; }' --health-on-failure restart \
        "$IMAGE" sleep 1000
    started=$(w inspect --format '{{.State.StartedAt}}' "$name-r")
    wait_state "$name-k" exited 15
    run_warren 0 inspect --format '{{.State.ExitCode}} {{.Config.HealthcheckOnFailureAction}}' "$name-k"
    assert_output "137 kill"
    # stop: stopped for good, even with --restart always
    wait_state "$name-s" exited 15
    sleep 1
    run_warren 0 inspect --format '{{.State.Status}} {{.RestartCount}}' "$name-s"
    assert_output "exited 0"
    wait_health "$name-r" healthy 20
    run_warren 0 inspect --format '{{.State.Status}}' "$name-r"
    assert_output running
    [ "$(w inspect --format '{{.State.StartedAt}}' "$name-r")" != "$started" ] ||
        fail "$name-r was not restarted"
    assert_equal "$(health "$name-r" | jq -c '[.Log[0].ExitCode, .Log[-1].ExitCode]')" '[1,0]'
}

@test "healthcheck run --health-on-failure=restart by hand: exec, stop and a new monitor from one process" {
    # guards: the exec of a check once joined the container's pid namespace in
    # warren's own process, rootless without a way back (setns EPERM): the
    # restart's fork of a new monitor, after the old init died, failed (ENOMEM)
    local name started
    name=$(wt_name)
    run_warren 0 run -d --name "$name" --stop-timeout 1 --health-interval disable --health-retries 1 \
        --health-cmd 'test -e /tmp/ran || { touch /tmp/ran; exit 1; }' --health-on-failure restart \
        "$IMAGE" sleep 1000
    started=$(w inspect --format '{{.State.StartedAt}}' "$name")
    run_warren 1 healthcheck run "$name"
    assert_output unhealthy
    run_warren 0 inspect --format '{{.State.Status}}' "$name"
    assert_output running
    [ "$(w inspect --format '{{.State.StartedAt}}' "$name")" != "$started" ] ||
        fail "$name was not restarted"
    # the new run's health starts over; a second check (a second exec) passes
    run_warren 0 healthcheck run "$name"
    assert_equal "$(health "$name" | jq -r .Status)" healthy
}

@test "healthcheck: a health_status event per run; a restart starts the health over at starting" {
    # guards: Podman resets the status to starting at each start (the log stays)
    local name
    name=$(wt_name)
    run_warren 0 run -d --name "$name" --health-cmd true --health-interval disable "$IMAGE" sleep 1000
    run_warren 0 healthcheck run "$name"
    assert_output ""
    assert_equal "$(health "$name" | jq -r .Status)" healthy
    # each run is an event, as Podman's health_status
    run_warren 0 events --stream=false --filter event=health_status --filter "container=$name" --format json
    assert_equal "$(tail -n1 <<<"$output" | jq -r '[.Name, .health_status] | join(" ")')" "$name healthy"
    run_warren 0 restart -t 0 "$name"
    assert_equal "$(health "$name" | jq -c '[.Status, (.Log | length)]')" '["starting",1]'
}

@test "healthcheck: the image's HEALTHCHECK is used; flags override it; --no-healthcheck and none drop it" {
    # guards: issue 8 "the image's HEALTHCHECK"
    local name img
    name=$(wt_name)
    img=localhost/$name:latest
    mk_hc_image "$BATS_TEST_TMPDIR/hc.tar" "$img" \
        '{"Test":["CMD-SHELL","echo img; exit 1"],"Interval":1000000000,"Retries":1}'
    run_warren 0 load -i "$BATS_TEST_TMPDIR/hc.tar"
    track_image "$img"
    run_warren 0 run -d --name "$name" "$img" sleep 1000
    run_warren 0 inspect --format json "$name"
    assert_equal "$(jq -c '.[0].Config.Healthcheck' <<<"$output")" \
        '{"Test":["CMD-SHELL","echo img; exit 1"],"Interval":1000000000,"Timeout":30000000000,"Retries":1}'
    wait_health "$name" unhealthy 15
    assert_equal "$(health "$name" | jq -r '.Log[0].Output')" img
    # a flag overrides one value of the image's check
    run_warren 0 create --name "$name-2" --health-retries 4 --health-interval disable "$img" sleep 1000
    run_warren 0 inspect --format json "$name-2"
    assert_equal "$(jq -c '.[0].Config.Healthcheck' <<<"$output")" \
        '{"Test":["CMD-SHELL","echo img; exit 1"],"Timeout":30000000000,"Retries":4}'
    # --health-cmd replaces it
    run_warren 0 run -d --name "$name-3" --health-cmd 'echo mine' --health-interval disable "$img" sleep 1000
    run_warren 0 healthcheck run "$name-3"
    assert_equal "$(health "$name-3" | jq -r '.Log[0].Output')" mine
    # --no-healthcheck and --health-cmd none: no check
    run_warren 0 run -d --name "$name-4" --no-healthcheck "$img" sleep 1000
    run_warren 0 inspect --format json "$name-4"
    assert_equal "$(jq -c '.[0].Config.Healthcheck' <<<"$output")" '{"Test":["NONE"]}'
    run_warren 125 healthcheck run "$name-4"
    assert_error "has no defined healthcheck"
    run_warren 0 run -d --name "$name-5" --health-cmd none "$img" sleep 1000
    run_warren 125 healthcheck run "$name-5"
    assert_error "has no defined healthcheck"
    run_warren 0 ps --format '{{.Names}} {{.Status}}'
    assert_line --regexp "^$name-4 Up [^()]*$"
}

@test "healthcheck run: by hand, Podman's output, exit codes and errors" {
    # guards: issue 8 "`healthcheck run`" with podman's wording
    local name id
    name=$(wt_name)
    run_warren 0 run -d --name "$name" --health-cmd 'exit 0' --health-interval disable "$IMAGE" sleep 1000
    run_warren 0 healthcheck run "$name"
    assert_output ""
    run_warren 125 healthcheck run wt-nosuch
    assert_error 'unable to look up wt-nosuch to perform a health check: no container with name or ID "wt-nosuch" found: no such container'
    run_warren 0 run -d --name "$name-n" "$IMAGE" sleep 1000
    id=$output
    run_warren 125 healthcheck run "$name-n"
    assert_error "container $id has no defined healthcheck"
    run_warren 0 create --name "$name-c" --health-cmd true "$IMAGE" sleep 1000
    id=$output
    run_warren 125 healthcheck run "$name-c"
    assert_error "container $id is not running"
    # a command that is not there: a failed check, not an error
    run_warren 0 run -d --name "$name-x" --health-cmd '["CMD","/nonexistent"]' --health-interval disable \
        "$IMAGE" sleep 1000
    run_warren 1 healthcheck run "$name-x"
    assert_output unhealthy
    run_warren 125 healthcheck run
    assert_error
    run_warren 0 inspect --format json "$name-n"
    assert_equal "$(jq -c '.[0].State.Health' <<<"$output")" '{"Status":"","FailingStreak":0,"Log":null}'
    assert_equal "$(jq -c '.[0].Config | has("Healthcheck")' <<<"$output")" false
}

@test "healthcheck: bad flag values: clear errors, status 125, nothing created" {
    # guards: issue 8 bad input; the words are Podman 4.3's (checked against it below)
    local name before
    name=$(wt_name)
    before=$(w ps -a -q --no-trunc | sort)
    while IFS='|' read -r flags msg; do
        # shellcheck disable=SC2086
        run_warren 125 create --name "$name" $flags "$IMAGE" true
        assert_error "$msg"
    done <<'EOF'
--health-cmd true --health-interval 5|invalid healthcheck-interval: time: missing unit in duration "5"
--health-cmd true --health-interval bogus|invalid healthcheck-interval: time: invalid duration "bogus"
--health-cmd true --health-timeout 0s|healthcheck-timeout must be at least 1 second
--health-cmd true --health-retries 0|healthcheck-retries must be greater than 0
--health-cmd true --health-retries x|invalid argument "x" for "--health-retries" flag: strconv.ParseUint: parsing "x": invalid syntax
--health-cmd true --health-start-period -1s|healthcheck-start-period must be 0 seconds or greater
--health-cmd true --health-start-period 1d|invalid healthcheck-start-period: time: unknown unit "d" in duration "1d"
--health-cmd true --health-on-failure bogus|invalid on-failure action "bogus" for health check: supported actions are none,kill,restart,stop
--health-cmd []|must define a healthcheck command for all healthchecks
--no-healthcheck --health-cmd true|cannot specify both --no-healthcheck and --health-cmd
--health-interval -5s|healthcheck-interval must be 0 seconds or greater
EOF
    run_warren 125 run --rm --health-timeout nope "$IMAGE" true
    assert_error 'invalid healthcheck-timeout: time: invalid duration "nope"'
    assert_equal "$(w ps -a -q --no-trunc | sort)" "$before"
}

@test "healthcheck vs podman: Config.Healthcheck, errors and the health log's shape" {
    # guards: issue 8 "Podman's behaviour: check it" (podman 4.3.1 as the oracle); its
    # timers need systemd, so its checks run here by hand only
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    local name pname img flags p pid wid c args
    name=$(wt_name)
    pname=wt-hc-pm-$$
    img=localhost/$name:latest
    mk_hc_image "$BATS_TEST_TMPDIR/hc.tar" "$img" '{"Test":["CMD-SHELL","exit 1"],"Interval":2000000000,"Retries":2}'
    pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null
    pm load -i "$BATS_TEST_TMPDIR/hc.tar" >/dev/null
    run_warren 0 load -i "$BATS_TEST_TMPDIR/hc.tar"
    track_image "$img"
    # the stored check, for the cases where Podman 4.3 and Docker agree
    while read -r flags; do
        eval "args=($flags)"
        c=$(pm create "${args[@]}" "$IMAGE" true)
        p=$(pm inspect --format json "$c" | jq -c '.[0].Config | [.Healthcheck, .HealthcheckOnFailureAction]')
        run_warren 0 create "${args[@]}" "$IMAGE" true
        assert_equal "$(w inspect --format json "$output" | jq -c '.[0].Config | [.Healthcheck, .HealthcheckOnFailureAction]')" "$p"
    done <<'EOF'
--health-cmd true
--health-cmd 'CMD true x' --health-interval 1m30s --health-timeout 1h2m3.5s --health-retries 5
--health-cmd 'exit 3' --health-start-period 2s --health-interval disable --health-on-failure restart
--health-cmd none
--no-healthcheck
--health-cmd '["true","a"]'
EOF
    # durations print as Go's time.Duration in a template, as numbers in json
    t='{{.Config.Healthcheck.Interval}} {{.Config.Healthcheck.Timeout}} {{printf "%v|%s" .Config.Healthcheck.Interval .Config.Healthcheck.Timeout}} {{json .Config.Healthcheck.Interval}}'
    c=$(pm create --health-cmd true --health-interval 1m30s --health-timeout 1h2m3.5s "$IMAGE" true)
    p=$(pm inspect --format "$t" "$c")
    assert_equal "$p" "1m30s 1h2m3.5s 1m30s|1h2m3.5s 90000000000"
    run_warren 0 create --health-cmd true --health-interval 1m30s --health-timeout 1h2m3.5s "$IMAGE" true
    assert_equal "$(w inspect --format "$t" "$output")" "$p"
    c=$(pm create "$img" true)
    p=$(pm inspect --format json "$c" | jq -c '.[0].Config.Healthcheck')
    run_warren 0 create "$img" true
    assert_equal "$(w inspect --format json "$output" | jq -c '.[0].Config.Healthcheck')" "$p"
    # errors (ids differ: compared with the ids replaced)
    for flags in "--health-cmd true --health-interval 5" "--health-cmd true --health-timeout 0s" \
        "--health-cmd true --health-on-failure x" "--health-cmd [] " "--no-healthcheck --health-cmd true"; do
        # shellcheck disable=SC2086
        run --separate-stderr pm create $flags "$IMAGE" true
        p=$(pm_err)
        # shellcheck disable=SC2086
        run_warren 125 create $flags "$IMAGE" true
        assert_equal "$stderr" "$p"
    done
    pid=$(pm run -d --name "$pname" --health-cmd 'echo out; exit 3' --health-retries 2 "$IMAGE" sleep 1000 2>/dev/null)
    run_warren 0 run -d --name "$name" --health-cmd 'echo out; exit 3' --health-retries 2 \
        --health-interval disable "$IMAGE" sleep 1000
    wid=$output
    assert_equal "$(health "$name" | jq -c .)" "$(pm inspect --format json "$pname" | jq -c '.[0].State.Health')"
    for _ in 1 2; do
        run --separate-stderr pm healthcheck run "$pname"
        p="$status $output"
        run_warren 1 healthcheck run "$name"
        assert_equal "$status $output" "$p"
        # the same log, but for the times
        assert_equal "$(health "$name" | jq -c '.Log[] |= del(.Start, .End)')" \
            "$(pm inspect --format json "$pname" | jq -c '.[0].State.Health | .Log[] |= del(.Start, .End)')"
    done
    for c in wt-nosuch "$pname"; do
        pm stop -t 0 "$pname" >/dev/null 2>&1
        run --separate-stderr pm healthcheck run "$c"
        p=$(pm_err)
        w stop -t 0 "$name" >/dev/null
        run_warren 125 healthcheck run "${c/$pname/$name}"
        assert_equal "${stderr//$wid/ID}" "${p//$pid/ID}"
    done
    pm_cleanup
}

@test "healthcheck: ps --filter health=healthy|unhealthy|starting|none" {
    # guards: issue 8 "`health=` in `ps --filter`"
    local name
    name=$(wt_name)
    run_warren 0 run -d --name "$name-h" --health-cmd true --health-interval disable "$IMAGE" sleep 1000
    run_warren 0 run -d --name "$name-u" --health-cmd false --health-retries 1 --health-interval disable "$IMAGE" sleep 1000
    run_warren 0 run -d --name "$name-s" --health-cmd true --health-interval disable "$IMAGE" sleep 1000
    run_warren 0 run -d --name "$name-n" "$IMAGE" sleep 1000
    run_warren 0 healthcheck run "$name-h"
    run_warren 1 healthcheck run "$name-u"
    for f in healthy unhealthy starting none; do
        run_warren 0 ps --filter "health=$f" --format '{{.Names}}'
        assert_output "$name-${f:0:1}"
    done
    # a stopped container has no health to match (Podman's rule); it has a check
    w stop -t 0 "$name-h" >/dev/null
    run_warren 0 ps -a --filter health=healthy --filter health=none --format '{{.Names}}'
    assert_output "$name-n"
    run_warren 125 ps --filter health=bogus
    assert_error 'invalid health filter "bogus": use healthy, unhealthy, starting or none'
}

@test "healthcheck: the monitor of a container with a check stays small" {
    # guards: issue 8 "under 1 MiB RSS" idle, with the healthcheck timer
    local name id pid rss
    name=$(wt_name)
    run_warren 0 run -d --name "$name" --health-cmd true --health-interval 1s "$IMAGE" sleep 1000
    id=$output
    wait_health "$name" healthy 10
    sleep 1.5
    pid=$(monitor_of "$id")
    [ -n "$pid" ] || fail "no monitor for $id"
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
    [ "$rss" -lt 1024 ] || fail "the monitor's RSS is $rss kB"
}
