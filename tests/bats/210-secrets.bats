#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154  # container commands in single quotes; status/output/stderr come from bats
# Issue 11 "secret create/ls/inspect/rm (file driver) and --secret on run,
# as Podman has them": compared with podman 4.3 (pm) where it runs here.

load helpers

teardown() {
    wt_teardown
    [ -z "${PM_DIR:-}" ] || pm_cleanup
}

@test "secret: create from stdin, a file and --env; ls, inspect, exists, rm" {
    local id id2
    use_private_store
    run bash -c "printf s3cret | '$WARREN' --root '$WT_ROOT' --runroot '$WT_RUNROOT' secret create db-pass -"
    [ "$status" = 0 ] || fail "create: $output"
    id=$output
    [[ $id =~ ^[0-9a-f]{25}$ ]] || fail "id '$id' is not 25 hex characters"
    printf 'k3y' >"$BATS_TEST_TMPDIR/k"
    run_warren 0 secret create --label team=a --label solo api.key "$BATS_TEST_TMPDIR/k"
    id2=$output
    run_warren_env 0 TOKEN=t0k -- secret create --env tok TOKEN
    run_warren 0 secret ls
    assert_line --index 0 --regexp '^ID +NAME +DRIVER +CREATED +UPDATED$'
    assert_line --regexp "^$id +db-pass +file +.*ago"
    run_warren 0 secret ls --noheading --format '{{.Name}}'
    assert_output "db-pass
api.key
tok"
    run_warren 0 secret ls -q --filter name=api
    assert_output "$id2"
    run_warren 0 secret ls --format json
    [ "$(jq -r '.[1].Name' <<<"$output")" = api.key ] || fail "json: $output"
    run_warren 0 secret inspect api.key
    [ "$(jq -r '.[0].ID' <<<"$output")" = "$id2" ] || fail "$output"
    [ "$(jq -c '.[0].Spec.Labels' <<<"$output")" = '{"team":"a","solo":""}' ] || fail "$output"
    [ "$(jq -r '.[0].Spec.Driver.Name' <<<"$output")" = file ] || fail "$output"
    refute_output --partial k3y
    run_warren 0 secret inspect --format '{{.Spec.Name}}:{{.ID}}' "${id:0:8}"
    assert_output "db-pass:$id"
    run_warren 0 secret inspect --pretty api.key
    assert_line --index 0 "ID:              $id2"
    assert_line " - team=a"
    run_warren 0 secret exists tok
    run_warren 1 secret exists nosuch
    run_warren 0 secret rm db-pass
    assert_output "$id"
    run_warren 0 secret rm --all
    assert_line "$id2"
    run_warren 0 secret ls -q
    assert_output ""
}

@test "secret: bad input is refused with Podman's messages, nothing stored" {
    use_private_store
    printf 'x' >"$BATS_TEST_TMPDIR/x"
    run_warren 125 secret create 'bad/name' "$BATS_TEST_TMPDIR/x"
    assert_equal "$stderr" "Error: only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be [a-zA-Z0-9]: bad/name: invalid secret name"
    run_warren 125 secret create -dot "$BATS_TEST_TMPDIR/x"
    run_warren 125 secret create "$(printf 'a%.0s' $(seq 65))" "$BATS_TEST_TMPDIR/x"
    run_warren 0 secret create s1 "$BATS_TEST_TMPDIR/x"
    run_warren 125 secret create s1 "$BATS_TEST_TMPDIR/x"
    assert_equal "$stderr" "Error: s1: secret name in use"
    : >"$BATS_TEST_TMPDIR/empty"
    run_warren 125 secret create s2 "$BATS_TEST_TMPDIR/empty"
    assert_equal "$stderr" "Error: secret data must be larger than 0 and less than 512000 bytes"
    head -c 512000 /dev/zero >"$BATS_TEST_TMPDIR/big"
    run_warren 125 secret create s2 "$BATS_TEST_TMPDIR/big"
    run_warren 125 secret create s2 "$BATS_TEST_TMPDIR/missing"
    run_warren 125 secret create --driver pass s2 "$BATS_TEST_TMPDIR/x"
    run_warren 125 secret create --env s2 NO_SUCH_VARIABLE_HERE
    run_warren 125 secret create onlyname
    run_warren 125 secret inspect nosuch
    assert_equal "$stderr" 'Error: inspecting secret: no secret with name or id "nosuch": no such secret'
    run_warren 125 secret rm nosuch
    assert_equal "$stderr" 'Error: no secret with name or id "nosuch": no such secret'
    run_warren 125 secret rm --all s1
    run_warren 125 secret ls --filter bogus=1
    run_warren 0 secret ls -q
    assert_output "$(w secret inspect --format '{{.ID}}' s1)"
}

@test "run --secret: a file under /run/secrets (read-only), target, mode, uid; type=env; never in inspect" {
    local ctr
    use_private_store
    run_warren 0 load -i "$WT_FIXTURES/busybox.docker.tar"
    run bash -c "printf s3cret | '$WARREN' --root '$WT_ROOT' --runroot '$WT_RUNROOT' secret create pw -"
    run_warren 0 run --rm --secret pw --secret pw,target=/etc/app/pw,mode=0400,uid=7 \
        --secret pw,type=env,target=DB_PASSWORD "$IMAGE" \
        sh -c 'cat /run/secrets/pw; echo; stat -c "%a %u" /run/secrets/pw /etc/app/pw; echo "$DB_PASSWORD"; echo x > /run/secrets/pw || echo read-only'
    assert_output "s3cret
444 0
400 7
s3cret
read-only"
    [[ $stderr == *"Read-only file system"* ]] || fail "stderr: $stderr"
    ctr=$(wt_name)
    run_warren 0 run -d --name "$ctr" --secret pw --secret pw,type=env "$IMAGE" sleep 300
    run_warren 0 exec "$ctr" sh -c 'cat /run/secrets/pw; echo " $pw"'
    assert_output "s3cret s3cret"
    run_warren 0 inspect "$ctr"
    refute_output --partial s3cret
    # removing the secret leaves the container's copy
    run_warren 0 secret rm pw
    run_warren 0 exec "$ctr" cat /run/secrets/pw
    assert_output s3cret
    run_warren 0 rm -f -t 0 "$ctr"
}

@test "run --secret: unknown secrets and bad options fail before anything is created" {
    use_private_store
    run_warren 0 load -i "$WT_FIXTURES/busybox.docker.tar"
    run_warren 125 run --rm --secret nosuch "$IMAGE" true
    assert_equal "$stderr" 'Error: no secret with name or id "nosuch": no such secret'
    local bad
    for bad in 'pw,type=bogus' 'pw,mode=999' 'pw,uid=-1' 'pw,bogus=1' 'pw,target=' ',type=env' 'pw,target=../x'; do
        run_warren 125 run --rm --secret "$bad" "$IMAGE" true
        [[ $stderr == *"invalid --secret '$bad'"* ]] || fail "--secret '$bad': $stderr"
    done
    run_warren 0 ps -a -q
    assert_output ""
}

@test "secret: inspect has Podman's shape (podman 4.3 as the oracle)" {
    pm_init
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    use_private_store
    printf 'x' >"$BATS_TEST_TMPDIR/x"
    pm secret create --label a=b same "$BATS_TEST_TMPDIR/x" >/dev/null
    run_warren 0 secret create --label a=b same "$BATS_TEST_TMPDIR/x"
    run pm secret inspect same
    local want
    want=$(jq -c '[.[0] | paths | map(tostring) | join(".")]' <<<"$output")
    run_warren 0 secret inspect same
    [ "$(jq -c '[.[0] | paths | map(tostring) | join(".")]' <<<"$output")" = "$want" ] ||
        fail "keys differ: podman $want, warren $(jq -c '[.[0] | paths | map(tostring) | join(".")]' <<<"$output")"
    run pm secret create same "$BATS_TEST_TMPDIR/x"
    local pm_err=$output
    run_warren 125 secret create same "$BATS_TEST_TMPDIR/x"
    assert_equal "$stderr" "$pm_err"
}
