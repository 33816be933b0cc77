#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # templates in single quotes; status/output come from bats
# Issue 12, libpod API: `podman --remote` (4.3.1) against `warren system
# service` for pods, volumes, networks, kube play/down/generate and the
# system and image commands (version, system df, exists, tag, untag,
# history, image inspect, top, port, wait, kill, restart, pause, rename,
# cp, events): what it prints must be what the warren CLI prints for the
# same store, unknown names get Podman's errors, bad bodies a 400.

load helpers
load registry
load api

teardown() {
    wt_teardown
}

@test "libpod: podman --remote pod create, ps with filters, inspect, exists, top and run --pod" {
    # guards: issue 12 "libpod API ... pods"
    use_private_store
    load_fixture busybox.docker.tar
    svc_start
    local port
    port=$(reg_free_port)
    run remote pod create --name p1 --label tier=web -p "127.0.0.1:$port:80"
    assert_success
    local id=$output
    run_warren 0 pod inspect --format '{{.Id}} {{.Name}} {{.Labels.tier}} {{.NumContainers}} {{.InfraConfig.PortBindings}}' p1
    assert_output "$id p1 web 1 map[80/tcp:[map[HostIp:127.0.0.1 HostPort:$port]]]"
    run remote pod create --name p3 --share ipc,uts --hostname hh
    assert_success
    run_warren 0 pod inspect --format '{{.Hostname}} {{.SharedNamespaces}}' p3
    assert_output 'hh [ipc uts]'
    run remote pod create --name p4 --share bogus
    assert_failure
    assert_output --partial 'invalid kernel namespace to share: bogus'
    run_warren 0 pod rm p3
    run remote pod create --name p2 --infra=false
    assert_success
    run_warren 0 pod inspect --format '{{.CreateInfra}} {{.NumContainers}}' p2
    assert_output "false 0"
    # a name in use: pod create's error, nothing made
    run remote pod create --name p1
    assert_failure
    assert_output --partial 'name "p1" is in use: pod already exists'
    run remote run -d --pod p1 --name m1 "$IMAGE" sleep 1000
    assert_success
    run_warren 0 inspect --format '{{.Pod}}' m1
    assert_output "$id"
    local f
    for f in '{{.ID}} {{.Name}} {{.Status}} {{.InfraID}} {{.NumberOfContainers}}' '{{.Name}} {{.Labels}}'; do
        same pod ps --format "$f"
        same pod ps --filter label=tier=web --format "$f"
        same pod ps --filter name=p2 --filter status=created --format "$f"
        same pod ps --filter ctr-names=m1 --format "$f"
    done
    run remote pod ps --filter name=p1 --format '{{.Name}}'
    assert_output p1
    same pod ps --filter bogus=1
    assert_output 'Error: bogus is an invalid filter'
    same pod inspect --format '{{.Id}} {{.Name}} {{.State}} {{.NumContainers}} {{.InfraContainerID}} {{.SharedNamespaces}}' p1
    same pod top p1 pid,comm
    run remote pod exists p1
    assert_success
    run remote pod exists nope
    assert_equal "$status" 1
    run remote pod inspect nope
    assert_failure
    assert_output --partial 'no such pod "nope"'
    run remote run --pod nope "$IMAGE" true
    assert_failure
    assert_output 'Error: no pod with name or ID nope found: no such pod'
    run_warren 0 ps -a --format '{{.Names}}' --filter name=m1
    assert_output m1
}

@test "libpod: podman --remote pod stop, start, restart, kill, pause, rm and prune" {
    # guards: issue 12 "libpod API ... pods"
    use_private_store
    load_fixture busybox.docker.tar
    run_warren 0 pod create --name p1
    local id=$output
    run_warren 0 run -d --pod p1 --name m1 "$IMAGE" sleep 1000
    run_warren 0 pod create --name p2
    local id2=$output
    svc_start
    run remote pod stop -t 0 p1
    assert_success
    assert_output "$id"
    run_warren 0 pod inspect --format '{{.State}}' p1
    assert_output Exited
    # a pod that does not run: Podman's 304, the id printed all the same
    run remote pod stop p1
    assert_success
    assert_output "$id"
    run remote pod start p1
    assert_success
    assert_output "$id"
    run_warren 0 inspect --format '{{.State.Status}}' m1
    assert_output running
    run remote pod kill -s KILL p1
    assert_success
    # the signal is sent; the monitor records the exit a moment later
    wait_state m1 exited
    run remote pod restart p1
    assert_success
    run_warren 0 inspect --format '{{.State.Status}}' m1
    assert_output running
    run remote pod pause p1
    if [ "$status" -ne 0 ]; then
        # rootless without a delegated cgroup: pause's reason, as `warren pod pause`
        assert_output --partial "cgroup"
    else
        run_warren 0 inspect --format '{{.State.Status}}' m1
        assert_output paused
        run remote pod unpause p1
        assert_success
    fi
    # rm of a running pod without -f: refused with pod rm's message, kept
    same pod rm p1
    assert_output --partial 'running or paused containers cannot be removed without force'
    run_warren 0 pod exists p1
    same pod kill -s BOGUS p1
    assert_output 'Error: invalid signal: BOGUS'
    run remote pod rm nope
    assert_equal "$status" 1
    assert_output 'Error: unable to find pod "nope": no such pod'
    run remote pod start nope
    assert_failure
    assert_output 'Error: unable to find pod "nope": no such pod'
    run remote pod rm -f -t 0 p1
    assert_success
    assert_output "$id"
    run_warren 1 pod exists p1
    run_warren 1 container exists m1
    # prune: the pods with nothing running
    run remote pod prune -f
    assert_success
    assert_output "$id2"
    run_warren 0 pod ps -q
    assert_output ""
}

@test "libpod: podman --remote volume create, ls with filters, inspect, exists, rm and prune" {
    # guards: issue 12 "libpod API ... volumes"
    use_private_store
    load_fixture busybox.docker.tar
    svc_start
    run remote volume create --label k=v v1
    assert_success
    assert_output v1
    run remote volume create -o type=tmpfs -o device=tmpfs v2
    assert_success
    run remote volume create v1
    assert_failure
    assert_output --partial 'volume with name v1 already exists'
    run_warren 0 volume inspect --format '{{.Labels.k}}' v1
    assert_output v
    run_warren 0 volume inspect --format '{{.Options.type}} {{.Options.device}}' v2
    assert_output 'tmpfs tmpfs'
    local f='{{.Name}} {{.Driver}} {{.Labels}} {{.Mountpoint}} {{.Scope}}'
    same volume ls --format "$f"
    same volume ls --filter label=k=v --format "$f"
    same volume ls --filter name=v2 --format "$f"
    same volume ls --filter bogus=1
    same volume inspect --format '{{.Name}} {{.Mountpoint}} {{.Labels}} {{.Options}} {{.CreatedAt}}' v1
    run remote volume exists v1
    assert_success
    run remote volume exists nope
    assert_equal "$status" 1
    run remote volume inspect nope
    assert_failure
    assert_output --partial 'no such volume "nope"'
    run remote volume rm nope
    assert_equal "$status" 1
    assert_output 'Error: no volume with name "nope" found: no such volume'
    # run -v NAME:DEST[:ro], a bind mount and --tmpfs through the create's volumes and mounts
    run remote run --rm -v v1:/data "$IMAGE" sh -c 'echo kept >/data/f'
    assert_success
    run_warren 0 run --rm -v v1:/data "$IMAGE" cat /data/f
    assert_output kept
    run remote run --rm -v v1:/data:ro "$IMAGE" touch /data/g
    assert_failure
    assert_output --partial 'Read-only file system'
    echo host >"$BATS_TEST_TMPDIR/hf"
    run remote run --rm -v "$BATS_TEST_TMPDIR:/h:ro" --tmpfs /t "$IMAGE" sh -c 'cat /h/hf; grep -c " /t tmpfs " /proc/mounts'
    assert_success
    assert_output $'host\n1'
    # in use: refused with volume rm's message and code, kept
    run_warren 0 create --name user -v v1:/data "$IMAGE" true
    same volume rm v1
    assert_output --partial 'volume is being used'
    run remote volume rm -f v1
    assert_success
    assert_output v1
    run_warren 1 volume exists v1
    run_warren 1 container exists user
    run remote volume prune -f
    assert_success
    assert_output v2
    run_warren 0 volume ls -q
    assert_output ""
}

@test "libpod: podman --remote network create, ls, inspect, exists, connect, disconnect, rm and prune" {
    # guards: issue 12 "libpod API ... networks"
    use_private_store
    load_fixture busybox.docker.tar
    svc_start
    run remote network create --subnet 10.91.7.0/24 --gateway 10.91.7.254 --label k=v --internal n1
    assert_success
    assert_output n1
    run remote network create n2
    assert_success
    run remote network create n1
    assert_failure
    assert_output --partial 'network name n1 already used: network already exists'
    run remote network create --subnet bogus n3
    assert_failure
    run_warren 1 network exists n3
    same network ls --format '{{.Name}} {{.Driver}} {{.ID}}'
    # filters: one implementation (runtime/netfilter.c) for both
    same network ls --filter label=k=v --format '{{.Name}}'
    same network ls --filter name=n2 --filter driver=bridge --format '{{.Name}}'
    same network ls --filter bogus=1
    same network inspect --format '{{.Name}} {{.Driver}} {{.Internal}} {{.Labels}} {{.NetworkInterface}} {{.DNSEnabled}} {{.IPv6Enabled}} {{.ID}}' n1
    run remote network inspect --format '{{range .Subnets}}{{.Gateway}}{{end}}' n1
    assert_output 10.91.7.254
    run remote network exists n1
    assert_success
    run remote network exists nope
    assert_equal "$status" 1
    run remote network inspect nope
    assert_failure
    assert_output --partial 'network nope: network not found'
    run_warren 0 create --name c1 --network n2 "$IMAGE" sleep 1000
    run remote network connect n1 c1
    assert_success
    run_warren 0 inspect --format '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' c1
    assert_output "n1 n2 "
    run remote network connect n1 nope
    assert_failure
    assert_output 'Error: no container with name or ID "nope" found: no such container'
    run remote network disconnect n1 c1
    assert_success
    run_warren 0 inspect --format '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' c1
    assert_output "n2 "
    # run and pod create --network NAME: those networks, not the default
    run remote create --name c2 --network n1,n2 "$IMAGE" true
    assert_success
    run_warren 0 inspect --format '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' c2
    assert_output "n1 n2 "
    run remote pod create --name pn --network n1
    assert_success
    run_warren 0 pod inspect --format '{{.InfraConfig.Networks}}' pn
    assert_output '[n1]'
    run_warren 0 pod rm pn
    # two networks: the infra joins both (192-bridge has its addresses and names)
    run remote pod create --name pn2 --network n1 --network n2
    assert_success
    same pod inspect --format '{{.InfraConfig.Networks}}' pn2
    assert_output '[n1 n2]'
    run_warren 0 inspect --format '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' "$(w pod inspect --format '{{.InfraContainerID}}' pn2)"
    assert_output "n1 n2 "
    run_warren 0 pod rm pn2
    run_warren 0 rm c2
    # in use: refused with network rm's message and code
    same network rm n2
    assert_output --partial 'network is being used'
    run remote network rm nope
    assert_equal "$status" 1
    assert_output 'Error: unable to find network with name or ID nope: network not found'
    run remote network rm -f n2
    assert_success
    assert_output n2
    run_warren 1 container exists c1
    run remote network prune -f
    assert_success
    assert_output n1
    run_warren 0 network ls --format '{{.Name}}'
    assert_output podman
    # prune's filters: nothing passes, nothing goes
    run_warren 0 network create n4
    run remote network prune -f --filter label=nosuch=1
    assert_success
    assert_output ''
    run_warren 0 network exists n4
    same network prune -f --filter bogus=1
}

@test "libpod: podman --remote kube play, generate kube and kube down" {
    # guards: issue 12 "libpod API ... generate/play kube"
    use_private_store
    load_fixture busybox.docker.tar
    svc_start
    local y=$BATS_TEST_TMPDIR/pod.yaml
    cat >"$y" <<EOF
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: claim
---
apiVersion: v1
kind: Pod
metadata:
  name: kp
  labels:
    app: kp
spec:
  containers:
  - name: web
    image: $IMAGE
    command: ["sleep", "1000"]
EOF
    run remote kube play "$y"
    assert_success
    local pod ctr
    pod=$(sed -n 4p <<<"$output")
    ctr=$(sed -n 6p <<<"$output")
    assert_output $'Volumes:\nclaim\nPod:\n'"$pod"$'\nContainer:\n'"$ctr"
    run_warren 0 inspect --format '{{.Id}}' kp-web
    assert_output "$ctr"
    run_warren 0 volume exists claim
    run_warren 0 pod inspect --format '{{.Id}} {{.Name}} {{.State}}' kp
    assert_output "$pod kp Running"
    run_warren 0 inspect --format '{{.State.Status}}' kp-web
    assert_output running
    # again: the name is taken, nothing changes
    run remote kube play "$y"
    assert_failure
    assert_output --partial 'already exists'
    run remote generate kube kp
    assert_success
    local g=$output
    run_warren 0 generate kube kp
    assert_equal "$g" "$output"
    run remote generate kube nope
    assert_failure
    assert_output 'Error: name or ID "nope" not found'
    run remote kube down "$y"
    assert_success
    assert_output $'Pods stopped:\n'"$pod"$'\nPods removed:\n'"$pod"
    run_warren 1 pod exists kp
    run_warren 1 container exists kp-web
    # play kube --down, 4.3's older spelling, with nothing left to remove
    run remote play kube --down "$y"
    assert_success
    assert_output $'Pods stopped:\nPods removed:'
    printf 'kind: [unclosed\n' >"$BATS_TEST_TMPDIR/bad.yaml"
    run remote kube play "$BATS_TEST_TMPDIR/bad.yaml"
    assert_failure
    assert_output --partial 'invalid Kubernetes YAML'
    lp POST /play/kube
    assert_equal "$code" 400
    lp GET /generate/kube
    assert_equal "$code" 400
    run_warren 0 pod ps -q
    assert_output ""
}

@test "libpod: podman --remote version, system df, exists, tag, untag, history and image inspect" {
    # guards: issue 12 "libpod API ... system"
    use_private_store
    load_fixture busybox.docker.tar
    run_warren 0 run -d --name s1 "$IMAGE" sleep 1000
    run_warren 0 volume create v1
    svc_start
    run remote version --format '{{.Server.Version}} {{.Server.APIVersion}} {{.Server.OsArch}} {{.Server.BuiltTime}}'
    assert_success
    local p=$output
    run_warren 0 version --format '{{.Client.Version}} {{.Client.APIVersion}} {{.Client.OsArch}} {{.Client.BuiltTime}}'
    assert_equal "$p" "$output"
    same system df
    same system df --format '{{.Type}} {{.Total}} {{.Active}} {{.Size}} {{.Reclaimable}}'
    run remote container exists s1
    assert_success
    run remote container exists nope
    assert_equal "$status" 1
    run remote image exists "$IMAGE"
    assert_success
    run remote image exists nope
    assert_equal "$status" 1
    run remote tag "$IMAGE" localhost/x:1 localhost/y
    assert_success
    run_warren 0 image inspect --format '{{.RepoTags}}' "$IMAGE"
    assert_output "[$IMAGE localhost/x:1 localhost/y:latest]"
    same tag nope localhost/z
    assert_output 'Error: nope: image not known'
    run remote untag "$IMAGE" localhost/x:1
    assert_success
    same untag "$IMAGE" localhost/q:9
    assert_output 'Error: localhost/q:9: tag not known'
    run_warren 0 image inspect --format '{{.RepoTags}}' "$IMAGE"
    assert_output "[$IMAGE localhost/y:latest]"
    # untag IMAGE alone: every name goes, the image stays
    run remote untag localhost/y
    assert_success
    run_warren 0 images -q --filter dangling=true
    [ -n "$output" ] || fail "the image went with its names"
    run_warren 0 tag "${output%%$'\n'*}" "$IMAGE"
    same history "$IMAGE"
    same history --format '{{.ID}} {{.CreatedBy}} {{.Size}}' "$IMAGE"
    same image inspect --format '{{.Id}} {{.RepoTags}} {{.Config.Cmd}} {{.Architecture}} {{.Os}} {{.Size}}' "$IMAGE"
    run remote image inspect nope
    assert_failure
    assert_output --partial 'nope: image not known'
}

@test "libpod: podman --remote top, port, wait, kill, restart, pause, rename, cp and events" {
    # guards: issue 12 "libpod API ... containers"
    use_private_store
    load_fixture busybox.docker.tar
    local port
    port=$(reg_free_port)
    run_warren 0 run -d --name s1 -p "127.0.0.1:$port:80" "$IMAGE" sleep 1000
    run_warren 0 create --name s2 "$IMAGE" sh -c 'exit 7'
    svc_start
    same top s1 pid,comm,args
    same port s1
    run remote top s2
    assert_failure
    assert_output --partial 'top can only be used on running containers'
    run remote rename s2 s3
    assert_success
    run_warren 0 container exists s3
    # logs of an unknown container: Podman's message (4.3's client reads the body as a stream)
    run remote logs nope
    assert_failure
    assert_output 'Error: from service in stream: no container with name or ID "nope" found: no such container'
    run remote rename nope s4
    assert_failure
    assert_output 'Error: no container with name or ID "nope" found: no such container'
    run remote start s3
    assert_success
    run remote wait s3
    assert_success
    assert_output 7
    run remote kill -s USR1 s1
    assert_success
    run_warren 0 inspect --format '{{.State.Status}}' s1
    assert_output running
    run remote restart -t 0 s1
    assert_success
    run_warren 0 inspect --format '{{.State.Status}} {{.RestartCount}}' s1
    assert_output "running 0"
    run remote pause s1
    if [ "$status" -ne 0 ]; then
        # rootless without a delegated cgroup: pause's reason, as `warren pause`
        assert_output --partial "cgroup"
    else
        run remote unpause s1
        assert_success
    fi
    # cp both ways: into a file that does not exist yet, into a dir, out
    echo payload >"$BATS_TEST_TMPDIR/in"
    run remote cp "$BATS_TEST_TMPDIR/in" s1:/tmp/x
    assert_success
    run_warren 0 exec s1 cat /tmp/x
    assert_output payload
    run remote cp "$BATS_TEST_TMPDIR/in" s1:/tmp/
    assert_success
    run_warren 0 exec s1 cat /tmp/in
    assert_output payload
    run remote cp s1:/tmp/x "$BATS_TEST_TMPDIR/out"
    assert_success
    assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" payload
    run remote cp s1:/nope "$BATS_TEST_TMPDIR/out2"
    assert_failure
    assert_output --partial 'could not be found on container s1'
    run remote cp nope:/x "$BATS_TEST_TMPDIR/out2"
    assert_failure
    run remote events --stream=false --filter event=start --filter container=s3 --format '{{.Status}} {{.Name}}'
    assert_success
    assert_output 'start s3'
    run remote events --stream=false --filter event=rename --format '{{.Type}} {{.Status}}'
    assert_success
    run_warren 0 events --stream=false --filter event=rename --format '{{.Type}} {{.Status}}'
    api_expect 200 GET /_ping
}

@test "libpod: malformed bodies and unknown names get 400/404 with Podman's error model, and the service keeps serving" {
    # guards: issue 12 "Bad input: malformed JSON, unknown fields"
    use_private_store
    load_fixture busybox.docker.tar
    svc_start
    local path body wrong
    # each path with a body that is no JSON, no object, and a field of the wrong type
    for path in /pods/create:'{"name":5}' /volumes/create:'{"Name":5}' /networks/create:'{"subnets":{}}' \
        /networks/podman/connect:'{"container":5}' /networks/podman/disconnect:'{"Container":["x"]}'; do
        wrong=${path#*:}
        path=${path%%:*}
        for body in 'not json' '[1]' "$wrong"; do
            run curl -sS --unix-socket "$SOCK" -o "$BATS_TEST_TMPDIR/body" -w '%{http_code}' \
                -H 'Content-Type: application/json' -d "$body" "http://d/v4.3.1/libpod$path"
            assert_output 400
            run jq -r '"\(.response) \(.message | length > 0)"' "$BATS_TEST_TMPDIR/body"
            assert_output "400 true"
        done
    done
    lp POST /pods/create -d '{"name":"x","portmappings":[{"container_port":0}]}'
    assert_equal "$code" 400
    lp POST /pods/create -d '{"name":"x","shared_namespaces":["bogus"]}'
    assert_equal "$code" 400
    assert_output --partial 'invalid kernel namespace to share'
    lp GET '/pods/json?filters=notjson'
    assert_equal "$code" 400
    # a bad filter is refused with no pod to match it against
    lp GET '/pods/json?filters=%7B%22bogus%22%3A%5B%22x%22%5D%7D'
    assert_equal "$code" 400
    assert_output --partial 'bogus is an invalid filter'
    lp GET '/volumes/json?filters=%7B%22bogus%22%3A%5B%22x%22%5D%7D'
    assert_equal "$code" 400
    lp POST '/pods/nope/stop?t=x'
    assert_equal "$code" 400
    lp POST '/pods/nope/kill?signal=BOGUS'
    assert_equal "$code" 400
    lp GET /pods/nope/json
    assert_equal "$code" 404
    assert_equal "$(jq -c . <<<"$output")" '{"cause":"no such pod","message":"no pod with name or ID nope found: no such pod","response":404}'
    lp GET /volumes/nope/json
    assert_equal "$code" 404
    lp GET /networks/nope/json
    assert_equal "$code" 404
    lp GET /containers/nope/exists
    assert_equal "$code" 404
    lp GET /images/nope/exists
    assert_equal "$code" 404
    lp POST '/images/nope/untag'
    assert_equal "$code" 404
    # a HEAD error has no body (the client would read it as its next answer)
    run curl -sS --unix-socket "$SOCK" -I -o /dev/null -w '%{http_code} %{size_download}' "http://d/v4.3.1/libpod/containers/nope/archive?path=/"
    assert_output "404 0"
    # nothing was made, and the service still answers
    run_warren 0 pod ps -q
    assert_output ""
    run_warren 0 volume ls -q
    assert_output ""
    run_warren 0 network ls --format '{{.Name}}'
    assert_output podman
    lp GET /pods/json
    assert_equal "$code" 200
    assert_output '[]'
}

@test "libpod: podman --remote create takes run's hosts, DNS, ulimit, device, healthcheck, security and shm flags" {
    # guards: issue 12 "libpod API ... containers" (SpecGenerator fields were dropped unseen)
    use_private_store
    load_fixture busybox.docker.tar
    svc_start
    local flags=(--add-host h1:1.2.3.4 --dns 9.9.9.9 --dns-search example.com --ulimit nofile=100:200
        --health-cmd 'echo ok' --health-interval 5s --health-retries 2 --security-opt no-new-privileges
        --device /dev/null:/dev/xnull --shm-size 32m)
    local f='{{.HostConfig.ExtraHosts}} {{.HostConfig.Dns}} {{.HostConfig.DnsSearch}} {{.HostConfig.Ulimits}} {{.HostConfig.SecurityOpt}} {{.Config.Healthcheck}} {{.HostConfig.Devices}} {{.HostConfig.ShmSize}}'
    run remote create --name r1 "${flags[@]}" "$IMAGE" sleep 1000
    assert_success
    run_warren 0 create --name l1 "${flags[@]}" "$IMAGE" sleep 1000
    run_warren 0 inspect --format "$f" l1
    local want=$output
    run_warren 0 inspect --format "$f" r1
    assert_equal "$output" "$want"
    [[ $output == *"1.2.3.4"*"9.9.9.9"*"example.com"*"RLIMIT_NOFILE"*"echo ok"*"/dev/xnull"*"33554432"* ]] || fail "flags missing: $output"
    run remote start r1
    assert_success
    run_warren 0 exec r1 sh -c 'grep h1 /etc/hosts; grep nameserver /etc/resolv.conf; ulimit -n'
    assert_output $'1.2.3.4\th1\nnameserver 9.9.9.9\n100'
    run remote create --health-cmd '["CMD","true"]' --name r2 "$IMAGE" true
    assert_success
    run_warren 0 inspect --format '{{.Config.Healthcheck.Test}}' r2
    assert_output '[CMD true]'
    # what warren's run has no flag for is refused, not dropped
    run remote create --sysctl net.ipv4.ip_forward=1 --name r3 "$IMAGE" true
    assert_failure
    assert_output 'Error: sysctl: warren'"'"'s run has no such option'
    run_warren 1 container exists r3
    # fields of the wrong shape: 400 with the reason, nothing made, the service serving
    local field
    for field in '"expose":[1]' '"healthconfig":[]' '"r_limits":[{"type":"bogus","soft":1,"hard":1}]' \
        '"volumes":[{"Name":"v"}]' '"mounts":[{"type":"bind"}]' '"hostadd":["nocolon"]'; do
        lp POST /containers/create -H 'Content-Type: application/json' -d '{"image":"'"$IMAGE"'",'"$field"'}'
        [ "$code" = 400 ] || fail "$field: $code $output"
        jq -e '.message | length > 0' <<<"$output" >/dev/null
    done
    run_warren 0 ps -a --format '{{.Names}}'
    assert_equal "$(sort <<<"$output" | tr '\n' ' ')" 'l1 r1 r2 '
    api_expect 200 GET /_ping
}

@test "libpod: podman --remote container prune and image prune" {
    # guards: issue 12 "libpod API ... containers, images"
    use_private_store
    load_fixture busybox.docker.tar
    run_warren 0 create --name gone "$IMAGE" true
    local gone=$output
    run_warren 0 run -d --name stays "$IMAGE" sleep 1000
    svc_start
    run remote container prune -f --filter bogus=1
    assert_failure
    assert_output 'Error: bogus is an invalid filter'
    run remote container prune -f
    assert_success
    assert_output "$gone"
    run_warren 0 ps -a --format '{{.Names}}'
    assert_output stays
    # nothing dangling: nothing pruned; -a: an image a container uses stays until it goes
    run_warren 0 tag "$IMAGE" localhost/spare:1
    run_warren 0 images -q --no-trunc "$IMAGE"
    local id=${output#sha256:}
    run remote image prune -f
    assert_success
    assert_output ""
    run remote image prune -a -f
    assert_success
    assert_output ""
    run_warren 0 image exists "$IMAGE"
    run_warren 0 rm -f -t 0 stays
    run remote image prune -a -f
    assert_success
    assert_output "$id"
    run_warren 0 images -q
    assert_output ""
}

@test "libpod: podman --remote system prune prints what warren system prune prints" {
    # guards: issue 12 "libpod API ... system"
    local c1 c2 out_remote
    use_private_store
    load_fixture busybox.docker.tar
    svc_start
    # the same objects twice: pruned remotely, then locally; the reports
    # differ only in the ids
    for side in remote local; do
        run_warren 0 create "$IMAGE" true
        c1=$output
        run_warren 0 create "$IMAGE" true
        c2=$output
        run_warren 0 network create "prune-$side"
        run_warren 0 volume create "prune-$side-v"
        run_warren 0 run -d --name "keep-$side" "$IMAGE" sleep 1000
        if [ "$side" = remote ]; then
            run remote system prune -f --volumes
        else
            run timeout 120 "$WARREN" --root "$WT_ROOT" --runroot "$WT_RUNROOT" system prune -f --volumes
        fi
        assert_success
        assert_line "$c1"
        assert_line "$c2"
        assert_line "prune-$side"
        assert_line "prune-$side-v"
        assert_line --regexp '^Total reclaimed space: '
        # (the sections in any order: the 4.3 client prints volumes before
        # networks, warren as podman's own command does)
        sed -E "s/^[0-9a-f]{64}$/ID/; s/prune-$side/P/" <<<"$output" | sort >"$BATS_TEST_TMPDIR/$side.txt"
        run_warren 0 ps -a --format '{{.Names}}'
        assert_output "keep-$side"
        run_warren 0 rm -f -t 0 "keep-$side"
    done
    diff "$BATS_TEST_TMPDIR/remote.txt" "$BATS_TEST_TMPDIR/local.txt" || fail "remote and local reports differ"
    # bad filters: Podman's error, nothing removed
    run_warren 0 create --name stays "$IMAGE" true
    run remote system prune -f --filter bogus=1
    assert_failure
    run_warren 0 container exists stays
}
