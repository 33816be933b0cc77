#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC2030,SC2031  # commands in single quotes; status/output/stderr from bats; WT_* lists per test
# Issue 11 "Kubernetes YAML": kube generate (and generate kube) writes a
# v1 Pod or an apps/v1 Deployment in Podman's shape. Compared with
# `podman kube generate` of the same containers and pods (rootless,
# --runtime runc: created only, podman cannot start them here), and
# validated against the Kubernetes schema by a real validator: the npm
# package kubernetes-models, installed by setup_file into a scratch dir.

load helpers

setup_file() {
    pm_init
    export KM_DIR KM_SKIP=""
    local out
    KM_DIR=$(mktemp -d "$WT_TMP/npm.XXXXXX")
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        KM_SKIP="node or npm is not installed (Debian: apt-get install nodejs npm)"
    # the system's CA bundle: a TLS-intercepting proxy's CA is there (npm's own
    # list is Mozilla's only)
    elif ! out=$(HOME=$KM_DIR NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
        timeout 300 npm install --prefix "$KM_DIR" --no-audit --no-fund \
        --cache "$KM_DIR/cache" kubernetes-models js-yaml 2>&1); then
        KM_SKIP="npm cannot install kubernetes-models (no registry and no cache): $(tail -n1 <<<"$out")"
    fi
    if [ -z "$PM_SKIP" ]; then
        pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null 2>&1 ||
            PM_SKIP="podman cannot load the busybox fixture"
    fi
}

teardown_file() {
    pm_cleanup
    rm -rf "$KM_DIR"
}

teardown() {
    local p
    for p in "${WT_PODS[@]}"; do
        w pod rm -f "$p" >/dev/null 2>&1 || true
        [ -n "$PM_SKIP" ] || pm pod rm -f "$p" >/dev/null 2>&1 || true
    done
    for p in "${WT_CTRS[@]}"; do
        w rm -f "$p" >/dev/null 2>&1 || true
        [ -n "$PM_SKIP" ] || pm rm -f "$p" >/dev/null 2>&1 || true
    done
    for p in "${WT_VOLS[@]}"; do
        w volume rm -f "$p" >/dev/null 2>&1 || true
        [ -n "$PM_SKIP" ] || pm volume rm -f "$p" >/dev/null 2>&1 || true
    done
    wt_teardown
}

WT_PODS=()
WT_CTRS=()
WT_VOLS=()

# both CMD ARGS...: the same command with warren (must succeed) and, when it
# can run here, podman
both() {
    run_warren 0 "$@"
    if [ -z "$PM_SKIP" ]; then
        pm "$@" >/dev/null || fail "podman $* failed"
    fi
}

# norm: YAML without what differs between runs and engines: comments,
# blank and "---" lines, the creation time, the sandbox (pod) id
norm() {
    grep -v -e '^#' -e '^---$' -e '^$' -e 'creationTimestamp: "' -e 'SandboxID/'
}

# km_validate FILE: every document of FILE validated against the
# Kubernetes schema of its kind; prints "valid: N"
km_validate() {
    [ -z "$KM_SKIP" ] || skip "$KM_SKIP"
    cat >"$KM_DIR/validate.js" <<'JS'
const fs = require('fs');
const yaml = require('js-yaml');
const models = {
  'v1/Pod': () => require('kubernetes-models/v1').Pod,
  'apps/v1/Deployment': () => require('kubernetes-models/apps/v1').Deployment,
};
let n = 0;
for (const d of yaml.loadAll(fs.readFileSync(process.argv[2], 'utf8'))) {
  if (!d) continue;
  const m = models[`${d.apiVersion}/${d.kind}`];
  if (!m) { console.log(`no model for ${d.apiVersion} ${d.kind}`); process.exit(2); }
  const M = m();
  try { new M(d).validate(); n++; } catch (e) { console.log(`${d.kind}: ${e.message}`); process.exit(1); }
}
console.log(`valid: ${n}`);
JS
    run env NODE_PATH="$KM_DIR/node_modules" node "$KM_DIR/validate.js" "$1"
}

@test "kube generate: a container's Pod has Podman's shape and validates" {
    # guards: issue 11 "kube generate ... containers, image, command and args,
    # env, ports with hostPort, volumeMounts with hostPath and
    # persistentVolumeClaim for named volumes, securityContext"
    local n="wt-kg-$BATS_TEST_NUMBER-$RANDOM" d
    d=$(mktemp -d "$BATS_TEST_TMPDIR/data.XXXX")
    WT_CTRS+=("$n")
    WT_VOLS+=("$n-vol")
    both volume create "$n-vol"
    both create --name "$n" -e FOO=bar -e "EMPTY=" -w /tmp -p 18080:80 \
        -v "$d:/data:ro" -v "$n-vol:/vol" --cap-add NET_ADMIN --cap-drop CHOWN \
        -u 1000:1000 --hostname hh "$IMAGE" sh -c 'sleep 100'
    run_warren 0 kube generate "$n"
    local mine=$output
    [[ $mine == "# Save the output of this file"* ]] || fail "no Podman header: $mine"
    echo "$mine" | grep -q '^  creationTimestamp: "20[0-9][0-9]-[0-9-]*T[0-9:]*Z"$' ||
        fail "no quoted creationTimestamp"
    echo "$mine" >"$BATS_TEST_TMPDIR/mine.yaml"
    # the parts a reader checks, spelled out (the podman comparison below
    # needs podman)
    run norm <"$BATS_TEST_TMPDIR/mine.yaml"
    assert_line "  name: $n-pod"
    assert_line "    - sleep 100"
    assert_line "        - CAP_NET_ADMIN"
    assert_line "      runAsUser: 1000"
    assert_line "      claimName: $n-vol"
    assert_line "      path: $d"
    assert_line "    name: $(tr / - <<<"${d#/}")-host-0"
    km_validate "$BATS_TEST_TMPDIR/mine.yaml"
    assert_output "valid: 1"
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    diff -u <(pm kube generate "$n" | norm) <(norm <"$BATS_TEST_TMPDIR/mine.yaml") ||
        fail "warren's YAML differs from podman's (above)"
}

@test "kube generate: a pod's members, its published ports and hostname, as Podman" {
    local p="wt-kp-$BATS_TEST_NUMBER-$RANDOM"
    WT_PODS+=("$p")
    both pod create --name "$p" -p 18081:81
    both create --pod "$p" --name "$p-m1" --cap-drop all --cap-add NET_BIND_SERVICE "$IMAGE" sleep 1000
    both create --pod "$p" --name "$p-m2" -e B=2 --user 0 --privileged=false "$IMAGE" sh
    run_warren 0 kube generate "$p"
    echo "$output" >"$BATS_TEST_TMPDIR/mine.yaml"
    run norm <"$BATS_TEST_TMPDIR/mine.yaml"
    assert_line "  hostname: $p"
    assert_line "  restartPolicy: Never"
    assert_line "    io.kubernetes.cri-o.ContainerType/$p-m1: container"
    assert_line "      hostPort: 18081"
    km_validate "$BATS_TEST_TMPDIR/mine.yaml"
    assert_output "valid: 1"
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    diff -u <(pm kube generate "$p" 2>/dev/null | norm) <(norm <"$BATS_TEST_TMPDIR/mine.yaml") ||
        fail "warren's YAML differs from podman's (above)"
}

@test "kube generate --type deployment --replicas: an apps/v1 Deployment that validates" {
    local n="wt-kd-$BATS_TEST_NUMBER-$RANDOM"
    WT_CTRS+=("$n")
    run_warren 0 create --name "$n" --restart on-failure -p 18082:82 "$IMAGE" top
    run_warren 0 kube generate --type deployment --replicas 3 "$n"
    echo "$output" >"$BATS_TEST_TMPDIR/d.yaml"
    run norm <"$BATS_TEST_TMPDIR/d.yaml"
    assert_line "apiVersion: apps/v1"
    assert_line "kind: Deployment"
    assert_line "  name: $n-pod-deployment"
    assert_line "  replicas: 3"
    assert_line "      app: $n-pod"
    # a Deployment's pods may only restart Always
    assert_line "      restartPolicy: Always"
    km_validate "$BATS_TEST_TMPDIR/d.yaml"
    assert_output "valid: 1"
    # the Pod of the same container keeps its own policy
    run_warren 0 kube generate "$n"
    assert_line "  restartPolicy: OnFailure"
    # generate kube is the same command (Podman 4.3 has both)
    run_warren 0 generate kube --type deployment --replicas 3 "$n"
    diff <(norm <<<"$output") <(norm <"$BATS_TEST_TMPDIR/d.yaml") || fail "generate kube differs"
}

@test "kube generate: two containers make one pod; -f writes a file once; privileged" {
    local a="wt-k2a-$BATS_TEST_NUMBER-$RANDOM" b="wt-k2b-$BATS_TEST_NUMBER-$RANDOM"
    WT_CTRS+=("$a" "$b")
    # (the UDP port is tested here: the podman comparison above has one port, as podman lists ports in random map order)
    run_warren 0 create --name "$a" -p 19090:90/udp "$IMAGE" top
    run_warren 0 create --name "$b" --privileged "$IMAGE" top
    run_warren 0 kube generate -f "$BATS_TEST_TMPDIR/two.yaml" "$a" "$b"
    assert_output ""
    run norm <"$BATS_TEST_TMPDIR/two.yaml"
    assert_line "  name: $a-pod"
    assert_line "  - command:"
    assert_line "    name: $b"
    assert_line "      privileged: true"
    assert_line "      protocol: UDP"
    assert_line "    io.podman.annotations.privileged/$b: \"TRUE\""
    [ "$(grep -c '^  - command:' "$BATS_TEST_TMPDIR/two.yaml")" = 2 ] || fail "not two containers"
    km_validate "$BATS_TEST_TMPDIR/two.yaml"
    assert_output "valid: 1"
    # never overwrites a file (it may be a hand-edited manifest)
    run_warren 125 kube generate -f "$BATS_TEST_TMPDIR/two.yaml" "$a"
    assert_equal "$stderr" "Error: cannot write to \"$BATS_TEST_TMPDIR/two.yaml\"; file exists"
}

@test "kube generate: bad input is one line and exit 125, as Podman" {
    run_warren 125 kube generate
    assert_equal "$stderr" "Error: requires at least 1 arg(s), only received 0"
    run_warren 125 kube generate wt-no-such-thing
    assert_equal "$stderr" 'Error: name or ID "wt-no-such-thing" not found'
    run_warren 125 generate kube wt-no-such-thing
    assert_equal "$stderr" 'Error: name or ID "wt-no-such-thing" not found'
    run_warren 125 kube generate --type service x
    assert_equal "$stderr" "Error: invalid type given, only supported types are pod and deployment"
    run_warren 125 kube generate --replicas 2 x
    assert_equal "$stderr" "Error: --replicas can only be set when --type is set to deployment"
    run_warren 125 kube generate --type deployment --replicas -1 x
    assert_equal "$stderr" 'Error: invalid argument "-1" for "-r, --replicas" flag'
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    run pm kube generate wt-no-such-thing
    assert_equal "$status" 125
    assert_output 'Error: name or ID "wt-no-such-thing" not found'
}

# a Pod manifest NAME: web serves TEXT on 8080 (published on HOSTPORT),
# side fetches it over the pod's localhost
pod_yaml() {
    cat <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: $1
spec:
  containers:
  - name: web
    image: $IMAGE
    command: [sh, -c]
    args: ['mkdir -p /w && echo "\$0" > /w/index.html && exec httpd -f -p 8080 -h /w', '$2']
    env: [{name: WT_K, value: "7"}]
    workingDir: /tmp
    ports: [{containerPort: 8080, hostPort: $3}]
  - name: side
    image: $IMAGE
    command: [sleep, "1000"]
YAML
}

@test "kube play: a Pod becomes a warren pod of POD-CONTAINER members; down removes it" {
    # guards: issue 11 "kube play FILE runs Pod ... kube down FILE removes what
    # it made"; the pod serves on localhost to its members and on the host port
    local p="wt-kpl-$BATS_TEST_NUMBER-$RANDOM" port
    WT_PODS+=("$p")
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("0.0.0.0", 0)); print(s.getsockname()[1])')
    pod_yaml "$p" served-by-kube "$port" >"$BATS_TEST_TMPDIR/p.yaml"
    run_warren 0 kube play "$BATS_TEST_TMPDIR/p.yaml"
    assert_line --index 0 "Pod:"
    assert_line --index 2 "Containers:"
    [ "${#lines[@]}" = 5 ] || fail "not Podman's Pod/Containers report: $output"
    local pod_id=${lines[1]}
    run_warren 0 pod inspect --format '{{.Id}}' "$p"
    assert_output "$pod_id"
    # (ps without -a: running ones)
    run_warren 0 ps --filter "pod=$p" --format '{{.Names}}'
    assert_line "$p-web"
    assert_line "$p-side"
    run_warren 0 exec "$p-web" sh -c 'echo $WT_K; pwd'
    assert_output "7
/tmp"
    run_warren 0 exec "$p-side" sh -c \
        'for i in $(seq 50); do wget -qO- http://localhost:8080/ && exit 0; sleep 0.1; done; exit 1'
    assert_output served-by-kube
    # again: the name is taken (nothing new made); --replace makes it anew
    run_warren 125 kube play "$BATS_TEST_TMPDIR/p.yaml"
    [ "${#stderr_lines[@]}" = 1 ] || fail "not one line: $stderr"
    run_warren 0 pod inspect --format '{{.Id}}' "$p"
    assert_output "$pod_id"
    run_warren 0 kube play --replace --start=false "$BATS_TEST_TMPDIR/p.yaml"
    refute_line "$pod_id"
    run_warren 0 ps -a --filter "pod=$p" --format '{{.Names}} {{.Status}}'
    assert_line "$p-web Created"
    # stdin and down
    run_warren 0 kube down - <"$BATS_TEST_TMPDIR/p.yaml"
    assert_line --index 0 "Pods stopped:"
    assert_line --index 2 "Pods removed:"
    run_warren 1 pod exists "$p"
    run_warren 0 ps -a --format '{{.Names}}'
    refute_output --partial "$p-"
}

@test "kube play: bad manifests are one line and exit 125, and nothing is left behind" {
    local p="wt-kbad-$BATS_TEST_NUMBER-$RANDOM" f="$BATS_TEST_TMPDIR/bad.yaml"
    WT_PODS+=("$p" "$p-2")
    # (podman's wording where it has one)
    printf 'apiVersion: v1\nkind: Gizmo\nmetadata: {name: x}\n' >"$f"
    run_warren 125 kube play "$f"
    # (skipped with a warning, as Podman skips it: then no kind is left)
    assert_equal "${stderr_lines[-1]}" "Error: YAML document does not contain any supported kube kind"
    printf 'just a string\n' >"$f"
    run_warren 125 kube play "$f"
    assert_equal "${stderr_lines[-1]}" "Error: YAML document does not contain any supported kube kind"
    printf 'kind: Pod\nmetadata:\n\tname: x\n' >"$f"
    run_warren 125 kube play "$f"
    assert_equal "$stderr" "Error: $f: line 3: found character that cannot start any token while scanning for the next token"
    printf 'a: &a [1]\nb: *a\n' >"$f"
    run_warren 125 kube play "$f"
    assert_equal "$stderr" "Error: $f: line 2: YAML aliases are not supported"
    printf 'kind: Pod\nmetadata: {name: %s}\nspec:\n  containers:\n  - name: a\n' "$p" >"$f"
    run_warren 125 kube play "$f"
    assert_equal "$stderr" "Error: container a of pod $p has no image"
    printf 'kind: Pod\nmetadata: {name: %s}\nspec:\n  containers:\n  - {name: a, image: %s}\n  - {name: a, image: %s}\n' \
        "$p" "$IMAGE" "$IMAGE" >"$f"
    run_warren 125 kube play "$f"
    assert_equal "$stderr" "Error: pod $p: duplicate container name a"
    # issue 14: resources are limits, a bad quantity is named
    printf 'kind: Pod\nmetadata: {name: %s}\nspec:\n  containers:\n  - {name: a, image: %s, resources: {limits: {memory: 1Qi}}}\n' \
        "$p" "$IMAGE" >"$f"
    run_warren 125 kube play "$f"
    assert_equal "$stderr" 'Error: container a: resources.limits.memory: invalid quantity "1Qi"'
    printf 'kind: Pod\nmetadata: {name: %s}\nspec:\n  containers:\n  - {name: a, image: %s, resources: {limits: {cpu: 0.0001}}}\n' \
        "$p" "$IMAGE" >"$f"
    run_warren 125 kube play "$f"
    assert_equal "$stderr" "Error: CPU cfs quota cannot be less than 1ms (i.e. 1000)"
    run_warren 125 kube play "$BATS_TEST_TMPDIR/none.yaml"
    [ "${#stderr_lines[@]}" = 1 ] || fail "not one line: $stderr"
    # a missing image in the second pod's second container: neither pod is made
    # (images are got before anything is made; 221-kube-play.bats has undo)
    # (Never: no pull of the missing image, whose retries print warnings)
    { pod_yaml "$p" x 0 | sed '/hostPort/d'; echo ---
      printf 'kind: Pod\nmetadata: {name: %s-2}\nspec:\n  containers:\n  - {name: a, image: %s}\n  - {name: b, image: localhost/wt-no-such-image, imagePullPolicy: Never}\n' \
        "$p" "$IMAGE"; } >"$f"
    run_warren 125 kube play "$f"
    assert_output ""
    [ "${#stderr_lines[@]}" = 1 ] || fail "not one line: $stderr"
    run_warren 1 pod exists "$p"
    run_warren 1 pod exists "$p-2"
    run_warren 0 ps -a --format '{{.Names}}'
    refute_output --partial "$p"
}

@test "kube: generate, down, play round trip gives a pod that behaves the same" {
    # guards: issue 11 "Round trip: generate, down, play gives a pod that behaves the same"
    local p="wt-krt-$BATS_TEST_NUMBER-$RANDOM"
    WT_PODS+=("$p")
    pod_yaml "$p" round-trip 0 | sed '/hostPort/d' >"$BATS_TEST_TMPDIR/p.yaml"
    run_warren 0 kube play "$BATS_TEST_TMPDIR/p.yaml"
    run_warren 0 kube generate "$p"
    echo "$output" >"$BATS_TEST_TMPDIR/gen.yaml"
    run_warren 0 kube down "$BATS_TEST_TMPDIR/gen.yaml"
    run_warren 0 kube play "$BATS_TEST_TMPDIR/gen.yaml"
    # generate names the members POD-web; play prefixes the pod again,
    # as Podman's round trip does
    run_warren 0 exec "$p-$p-side" sh -c \
        'for i in $(seq 50); do wget -qO- http://localhost:8080/ && exit 0; sleep 0.1; done; exit 1'
    assert_output round-trip
    run_warren 0 exec "$p-$p-web" sh -c 'echo $WT_K; pwd'
    assert_output "7
/tmp"
}
