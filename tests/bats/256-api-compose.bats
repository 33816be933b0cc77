#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # jq programs in single quotes; status/output come from bats
# Issue 12: docker-compose (Debian's 1.29, over docker-py) against `warren
# system service`: a two-service project with a user network, a named
# volume and a published port, up/ps/logs/exec/down; and what it needs of
# the API: network aliases at create, network list filters, Docker's
# inspect shapes.

load helpers
load registry
load api

teardown() {
    reg_stop
    # what compose made, when a test failed before its down
    if [ -n "${PROJ:-}" ]; then
        w network rm -f "${PROJ}_back" "${PROJ}_default" >/dev/null 2>&1 || true
        w volume rm -f "${PROJ}_data" >/dev/null 2>&1 || true
    fi
    wt_teardown
}

# compose ARGS...: docker-compose on project $PROJ ($BATS_TEST_TMPDIR/compose.yml)
compose() {
    command -v docker-compose >/dev/null || skip "no docker-compose (Debian's docker-compose package)"
    DOCKER_HOST=unix://$SOCK COMPOSE_HTTP_TIMEOUT=120 timeout 300 \
        docker-compose --ansi never -p "$PROJ" -f "$BATS_TEST_TMPDIR/compose.yml" "$@"
}

# compose_file PORT: web (busybox httpd on PORT, serving the volume) and
# writer (writes the page, then sleeps), both on network back
compose_file() {
    cat >"$BATS_TEST_TMPDIR/compose.yml" <<EOF
version: "3.7"
services:
  web:
    image: $IMAGE
    command: httpd -f -v -p 8080 -h /www
    ports: ["127.0.0.1:$1:8080"]
    volumes: ["data:/www"]
    restart: unless-stopped
    labels: {wt.role: server}
    networks:
      back:
        aliases: [www]
  writer:
    image: $IMAGE
    command: sh -c 'echo hello from \$\$HOSTNAME >/www/index.html; echo writer up; exec sleep 1000'
    volumes: ["data:/www"]
    networks: [back]
volumes:
  data:
networks:
  back:
    labels: {wt.net: compose}
EOF
}

# filters JQ: Docker's ?filters= value (the JSON of jq program JQ, escaped)
filters() {
    jq -rn "$1 | tojson | @uri"
}

# get_page PORT PATH WANT: the published port answers PATH with WANT (the
# services start in the background: up to 10 s)
get_page() {
    local i
    for ((i = 0; i < 50; i++)); do
        output=$(curl -sS --max-time 5 "http://127.0.0.1:$1$2" 2>&1) && [[ $output == *"$3"* ]] && return 0
        sleep 0.2
    done
    fail "http://127.0.0.1:$1$2: no '$3' within 10 s: $output"
}

@test "api: docker-compose up -d, ps, logs, exec, down keeps the volume, down -v removes it" {
    # guards: issue 12 "docker-compose: a two-service file with a network, a volume, a published port, up -d, ps, logs, down"
    local port
    PROJ=$(wt_name)
    port=$(reg_free_port)
    compose_file "$port"
    api_start
    run compose up -d
    assert_success
    assert_output --partial "Creating ${PROJ}_web_1"
    run compose ps
    assert_success
    assert_line --regexp "^${PROJ}_web_1 .* Up +127\.0\.0\.1:$port->8080/tcp"
    assert_line --regexp "^${PROJ}_writer_1 .* Up"
    # the published port answers with what the other service wrote into the volume
    local wid
    wid=$(docker_cli inspect -f '{{.Config.Hostname}}' "${PROJ}_writer_1")
    get_page "$port" / "hello from $wid"
    # the services find each other by name and alias on their network (aardvark-dns)
    run compose exec -T writer wget -qO- http://web:8080/
    assert_success
    assert_output "hello from $wid"
    run compose exec -T writer wget -qO- http://www:8080/
    assert_output "hello from $wid"
    run compose exec -T writer sh -c 'echo kept >/www/keep.txt; exit 3'
    assert_failure 3
    # what compose asked for, as Docker shows it
    run docker_cli inspect -f '{{.HostConfig.RestartPolicy.Name}} {{index .Config.Labels "wt.role"}} {{index .Config.Labels "com.docker.compose.service"}} {{.State.Health}}' "${PROJ}_web_1"
    assert_output "unless-stopped server web <nil>"
    run docker_cli network inspect -f '{{index .Labels "wt.net"}} {{index .Labels "com.docker.compose.project"}}' "${PROJ}_back"
    assert_output "compose $PROJ"
    run docker_cli ps --filter "label=com.docker.compose.project=$PROJ" --format '{{.Names}}'
    assert_equal "$(sort <<<"$output" | tr '\n' ' ')" "${PROJ}_web_1 ${PROJ}_writer_1 "
    run docker_cli network ls --filter "label=com.docker.compose.project=$PROJ" --format '{{.Name}}'
    assert_output "${PROJ}_back"
    # both services' output
    run compose logs --no-color
    assert_success
    assert_output --regexp "writer_1 +\| writer up"
    assert_output --regexp "web_1 +\| .*response:200"
    run compose port web 8080
    assert_output "127.0.0.1:$port"
    # down: containers and network gone, the volume kept ...
    run compose down
    assert_success
    run docker_cli ps -a -q --filter "label=com.docker.compose.project=$PROJ"
    assert_output ""
    run docker_cli network ls -q --filter "name=${PROJ}_back"
    assert_output ""
    run docker_cli volume ls -q --filter "name=${PROJ}_data"
    assert_output "${PROJ}_data"
    # ... with its data for the next up
    run compose up -d
    assert_success
    get_page "$port" /keep.txt kept
    run compose down -v
    assert_success
    assert_output --partial "Removing volume ${PROJ}_data"
    run docker_cli volume ls -q --filter "name=${PROJ}_data"
    assert_output ""
    run docker_cli ps -a -q --filter "label=com.docker.compose.project=$PROJ"
    assert_output ""
    PROJ=""
}

@test "api: docker-compose with a missing image or a taken port fails as compose does; the service goes on" {
    # guards: issue 12 "Bad input: ... a clear error status, the service keeps serving"
    local port
    PROJ=$(wt_name)
    port=$(reg_free_port)
    reg_start plain
    export CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf
    printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$REG" >"$CONTAINERS_REGISTRIES_CONF"
    api_start
    cat >"$BATS_TEST_TMPDIR/compose.yml" <<EOF
version: "3.7"
services:
  fine:
    image: $IMAGE
    command: sleep 1000
  missing:
    image: $REG/wt/no-such-image:1.0
EOF
    run compose up -d
    assert_failure
    assert_output --partial "Pulling missing ($REG/wt/no-such-image:1.0)..."
    assert_output --regexp "manifest unknown|not found"
    api_expect 200 GET /_ping
    run docker_cli ps -a -q --filter "label=com.docker.compose.project=$PROJ"
    assert_output ""
    run compose down
    assert_success
    # a published port that another project holds: compose's error, the first one serves on
    compose_file "$port"
    run compose up -d
    assert_success
    get_page "$port" / hello
    local first=$PROJ
    PROJ=$first-2
    run compose up -d
    assert_failure
    assert_output --partial "Cannot start service web"
    assert_output --partial "address already in use"
    run compose down -v
    assert_success
    PROJ=$first
    get_page "$port" / hello
    run compose down -v
    assert_success
    api_expect 200 GET /_ping
    PROJ=""
}

@test "api: create's NetworkingConfig aliases and addresses; bad endpoints are 400" {
    # guards: issue 12 "networks per container, aliases" (compose's service names)
    local name=$(wt_name)
    api_start
    run docker_cli network create --subnet 10.123.9.0/24 "$name-n"
    assert_success
    run docker_cli network create "$name-m"
    assert_success
    api_create "$name" '["sleep","1000"]' "$(jq -nc --arg n "$name-n" --arg m "$name-m" \
        '{HostConfig: {NetworkMode: $n},
          NetworkingConfig: {EndpointsConfig: {($n): {Aliases: ["svc", "svc"], IPAMConfig: {IPv4Address: "10.123.9.7"}},
                                               ($m): {Aliases: ["other"]}}}}')"
    api_expect 204 POST "/containers/$cid/start"
    api_expect 200 GET "/containers/$cid/json"
    jq -e --arg n "$name-n" --arg m "$name-m" --arg s "${cid:0:12}" \
        '(.NetworkSettings.Networks[$n].Aliases == [$s, "svc"]) and (.NetworkSettings.Networks[$n].IPAddress == "10.123.9.7")
         and (.NetworkSettings.Networks[$m].Aliases == [$s, "other"]) and (.State | has("Health") | not)
         and (.NetworkSettings.Networks[$n].NetworkID | length == 64)' <<<"$output"
    # a fixed address kept its interface and gateway (inspect crashed on it)
    run_warren 0 inspect --format '{{(index .NetworkSettings.Networks "'"$name-n"'").Gateway}}' "$name"
    assert_output "10.123.9.1"
    # another container reaches it by alias on either network, at its first
    # try (the setup waits for aardvark-dns's reload)
    run docker_cli run --rm --network "$name-n" "$IMAGE" nslookup svc
    assert_success
    assert_output --partial "10.123.9.7"
    # bad input: nothing created
    api_expect 400 POST "/containers/create?name=$name-bad" -d "$(create_body '["true"]' \
        "$(jq -nc --arg n "$name-n" '{HostConfig: {NetworkMode: $n}, NetworkingConfig: {EndpointsConfig: {($n): {Aliases: ["a,ip=1.2.3.4"]}}}}')")"
    assert_output --partial 'invalid network alias \"a,ip=1.2.3.4\"'
    api_expect 400 POST "/containers/create?name=$name-bad" -d "$(create_body '["true"]' \
        '{NetworkingConfig: {EndpointsConfig: {"x": {Aliases: "svc"}}}}')"
    assert_output --partial "EndpointsConfig.x.Aliases has the wrong type"
    api_expect 400 POST "/containers/create?name=$name-bad" -d "$(create_body '["true"]' \
        '{NetworkingConfig: {EndpointsConfig: []}}')"
    api_expect 400 POST "/containers/create?name=$name-bad" -d "$(create_body '["true"]' \
        "$(jq -nc --arg n "$name-n" '{HostConfig: {NetworkMode: $n}, NetworkingConfig: {EndpointsConfig: {($n): {IPAMConfig: {IPv4Address: "10.1.2"}}}}}')")"
    api_expect 400 POST "/containers/create?name=$name-bad" -d "$(create_body '["true"]' \
        '{HostConfig: {NetworkMode: "host"}, NetworkingConfig: {EndpointsConfig: {"other": {}}}}')"
    api_expect 404 GET "/containers/$name-bad/json"
    run docker_cli rm -f "$name"
    run docker_cli network rm "$name-n" "$name-m"
    assert_success
}

@test "api: GET /networks and POST /networks/prune filters (one implementation with network ls)" {
    # guards: issue 12 "networks: list ... prune" with the filters compose and the docker CLI send
    local name=$(wt_name)
    api_start
    run docker_cli network create --label "wt.f=$name" "$name-a"
    run docker_cli network create --label "wt.f=$name" --label wt.keep=1 "$name-b"
    run docker_cli network create "$name-c"
    run docker_cli network ls --filter "label=wt.f=$name" --format '{{.Name}}'
    assert_output "$name-a
$name-b"
    run docker_cli network ls --filter "name=$name-[ab]" --filter label=wt.keep --format '{{.Name}}'
    assert_output "$name-b"
    run docker_cli network ls --filter type=builtin --format '{{.Name}}'
    assert_output podman
    run docker_cli network ls --filter type=custom --filter "name=$name" -q
    assert_equal "$(wc -l <<<"$output")" 3
    # the same filters through the CLI agree
    run_warren 0 network ls --filter "label=wt.f=$name" --format '{{.Name}}'
    assert_output "$name-a
$name-b"
    # prune only what the filters pass
    run docker_cli network prune -f --filter "label=wt.f=$name" --filter "label!=wt.keep"
    assert_success
    assert_output --partial "$name-a"
    run docker_cli network ls --filter "name=$name" --format '{{.Name}}'
    assert_output "$name-b
$name-c"
    # bad filters: 400 with the engine's message, nothing removed
    api_expect 400 GET "/v1.41/networks?filters=$(filters '{bogus: ["1"]}')"
    assert_output '{"message":"invalid filter \"bogus\""}'
    api_expect 400 GET "/v1.41/networks?filters=$(filters '{type: ["other"]}')"
    api_expect 400 GET "/v1.41/networks?filters=$(filters '{name: ["("]}')"
    api_expect 400 GET "/v1.41/networks?filters=$(filters '[1]')"
    api_expect 400 POST "/v1.41/networks/prune?filters=$(filters '{name: ["x"]}')"
    api_expect 400 POST "/v1.41/networks/prune?filters=$(filters '{until: ["soon"]}')"
    run docker_cli network rm "$name-b" "$name-c"
    assert_success
}

@test "api: create's Healthcheck: docker run --health-cmd, compose's depends_on service_healthy; bad input" {
    # guards: issue 12 "create (the full HostConfig ...)": compose's healthcheck and Up (healthy)
    local name=$(wt_name)
    PROJ=$name
    api_start
    run docker_cli run -d --name "$name" --health-cmd 'test -e /tmp/ready' --health-interval 1s \
        --health-retries 30 "$IMAGE" sh -c 'sleep 1; touch /tmp/ready; exec sleep 1000'
    assert_success
    run docker_cli inspect -f '{{json .Config.Healthcheck.Test}} {{.Config.Healthcheck.Interval}} {{.Config.Healthcheck.Retries}}' "$name"
    assert_output '["CMD-SHELL","test -e /tmp/ready"] 1s 30'
    run docker_cli rm -f "$name"
    # compose waits for the healthy db before it creates app
    cat >"$BATS_TEST_TMPDIR/compose.yml" <<EOF2
version: "2.4"
services:
  db:
    image: $IMAGE
    command: sh -c 'sleep 1; touch /tmp/ready; exec sleep 1000'
    healthcheck:
      test: ["CMD", "test", "-e", "/tmp/ready"]
      interval: 1s
      retries: 30
  app:
    image: $IMAGE
    command: sleep 1000
    depends_on:
      db:
        condition: service_healthy
EOF2
    run compose up -d
    assert_success
    run compose ps
    assert_line --regexp "^${PROJ}_db_1 .* Up \(healthy\)"
    assert_line --regexp "^${PROJ}_app_1 .* Up +$"
    run compose down
    assert_success
    PROJ=""
    # bad input: nothing created
    api_expect 400 POST "/containers/create?name=$name-bad" -d "$(create_body '["true"]' '{Healthcheck: {Test: "true"}}')"
    assert_output --partial "Healthcheck.Test has the wrong type"
    api_expect 400 POST "/containers/create?name=$name-bad" -d "$(create_body '["true"]' '{Healthcheck: {Test: ["CMD", "true"], Interval: 5}}')"
    assert_output --partial "Interval in Healthcheck cannot be less than 1ms"
    api_expect 400 POST "/containers/create?name=$name-bad" -d "$(create_body '["true"]' '{Healthcheck: {Test: ["CMD", "true"], Retries: "many"}}')"
    api_expect 400 POST "/containers/create?name=$name-bad" -d "$(create_body '["true"]' '{Healthcheck: []}')"
    api_expect 404 GET "/containers/$name-bad/json"
}
