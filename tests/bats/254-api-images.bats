#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # jq programs in single quotes; status/output come from bats
# Issue 12: the API's image endpoints beyond list/inspect/pull/tag/remove:
# history, through the docker CLI and raw requests.

load helpers
load api

teardown() {
    wt_teardown
}

@test "api: docker history shows warren history's entries; bad input" {
    # guards: issue 12 "images: ... history"
    api_start
    run_warren 0 history --format '{{.CreatedBy}}' "$IMAGE"
    local want=$output
    run docker_cli history --no-trunc --format '{{.CreatedBy}}' "$IMAGE"
    assert_success
    assert_output "$want"
    api_expect 200 GET "/v1.41/images/$IMAGE/history"
    run jq -c '.[0] | [(.Id | startswith("sha256:")), (.Tags | length > 0), (.Size | type), (.Created > 0)]' <<<"$output"
    assert_output '[true,true,"number",true]'
    api_expect 404 GET /v1.41/images/nosuch:latest/history
    api_expect 405 POST "/v1.41/images/$IMAGE/history"
}
