#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC2030,SC2031  # commands in single quotes; status/output/stderr from bats; WT_* lists per test
# Issue 11 "kube play FILE runs Pod, Deployment (replicas), DaemonSet, Job,
# ConfigMap (env and volumes), Secret, PersistentVolumeClaim (named volume)
# documents": the kinds beyond Pod (220-kube.bats has Pods), the container
# fields, volumes, pulls, and bad input. Podman 4.3 is the oracle for the
# report and the names (rootless, --runtime runc: it creates, it cannot start
# here, so the comparison uses --start=false).

load helpers
load registry

setup_file() {
    pm_init
    if [ -z "$PM_SKIP" ]; then
        pm load -i "$WT_FIXTURES/busybox.docker.tar" >/dev/null 2>&1 ||
            PM_SKIP="podman cannot load the busybox fixture"
    fi
}

teardown_file() {
    pm_cleanup
}

teardown() {
    local p
    for p in "${WT_PODS[@]}"; do
        w pod rm -f "$p" >/dev/null 2>&1 || true
        [ -n "$PM_SKIP" ] || pm pod rm -f "$p" >/dev/null 2>&1 || true
    done
    for p in "${WT_VOLS[@]}"; do
        w volume rm -f "$p" >/dev/null 2>&1 || true
        [ -n "$PM_SKIP" ] || pm volume rm -f "$p" >/dev/null 2>&1 || true
    done
    for p in "${WT_SECRETS[@]}"; do
        w secret rm "$p" >/dev/null 2>&1 || true
        [ -n "$PM_SKIP" ] || pm secret rm "$p" >/dev/null 2>&1 || true
    done
    reg_stop
    wt_teardown
}

WT_PODS=()
WT_VOLS=()
WT_SECRETS=()

# poll CTR CMD: runs sh -c CMD in CTR until it succeeds (5 s); its output
poll() {
    run_warren 0 exec "$1" sh -c "for i in \$(seq 50); do $2 && exit 0; sleep 0.1; done; exit 1"
}

# nothing_named PREFIX: no pod, container, volume or secret of warren's has it
nothing_named() {
    local what
    for what in "pod ps --format {{.Name}}" "ps -a --format {{.Names}}" \
        "volume ls --format {{.Name}}" "secret ls --format {{.Name}}"; do
        # shellcheck disable=SC2086  # the words of what
        run_warren 0 $what
        refute_output --partial "$1"
    done
}

# report_shape: the report with ids as ID (compares warren's with podman's)
report_shape() {
    sed -E 's/^[0-9a-f]{64}$/ID/'
}

@test "kube play: a Deployment makes spec.replicas pods NAME-pod-I; PVC documents are volumes; Podman's report" {
    # guards: issue 11 "kube play FILE runs ... Deployment (replicas) ...
    # PersistentVolumeClaim (named volume) documents"
    local d="wt-kdep-$BATS_TEST_NUMBER-$RANDOM" f="$BATS_TEST_TMPDIR/d.yaml"
    WT_PODS+=("$d-pod-0" "$d-pod-1")
    WT_VOLS+=("$d-claim")
    cat >"$f" <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: $d}
spec:
  replicas: 2
  selector: {matchLabels: {app: $d}}
  template:
    metadata: {labels: {app: $d}}
    spec:
      containers:
      - name: c
        image: $IMAGE
        command: [sh, -c, 'echo \$HOSTNAME >> /data/seen; exec sleep 1000']
        volumeMounts: [{name: data, mountPath: /data}]
      volumes: [{name: data, persistentVolumeClaim: {claimName: $d-claim}}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: $d-claim, labels: {tier: db}}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
YAML
    run_warren 0 kube play "$f"
    local mine=$output
    assert_line --index 0 "Volumes:"
    assert_line --index 1 "$d-claim"
    assert_line --index 2 "Pod:"
    [ "$(grep -c '^Pod:$' <<<"$mine")" = 2 ] || fail "not two pods: $mine"
    run_warren 0 pod ps --format '{{.Name}} {{.Status}}' --filter "name=$d"
    assert_line "$d-pod-0 Running"
    assert_line "$d-pod-1 Running"
    # the template's labels are the pods'
    run_warren 0 pod inspect --format '{{.Labels.app}}' "$d-pod-1"
    assert_output "$d"
    run_warren 0 volume inspect --format '{{.Labels.tier}}' "$d-claim"
    assert_output db
    # both replicas write into the one claim
    poll "$d-pod-1-c" "[ \$(wc -l < /data/seen) = 2 ]"
    run_warren 0 exec "$d-pod-0-c" sort /data/seen
    assert_output "$d-pod-0
$d-pod-1"
    # down removes the pods; the claim's data stays without --force
    run_warren 0 kube down "$f"
    assert_line --index 0 "Pods stopped:"
    refute_output --partial "Volumes removed"
    run_warren 1 pod exists "$d-pod-0"
    run_warren 0 volume exists "$d-claim"
    # a second play: the claim exists (Podman's error), nothing else made
    run_warren 125 kube play "$f"
    assert_error "volume with name $d-claim already exists"
    run_warren 1 pod exists "$d-pod-0"
    run_warren 0 kube play --replace --start=false "$f"
    run_warren 0 kube down --force "$f"
    assert_line "Volumes removed:"
    assert_line "$d-claim"
    run_warren 1 volume exists "$d-claim"
    # podman 4.3 prints the same report (created only: it cannot start here)
    [ -z "$PM_SKIP" ] || skip "$PM_SKIP"
    diff -u <(pm kube play --start=false "$f" | report_shape) <(report_shape <<<"$mine"$'\n') ||
        fail "warren's report differs from podman's"
    run pm pod ps --format '{{.Name}}' --filter "name=$d"
    assert_line "$d-pod-0"
    assert_line "$d-pod-1"
    # and down's (podman 4.3 has no --force: its claim stays)
    run_warren 0 kube play --start=false "$f"
    run_warren 0 kube down "$f"
    diff -u <(pm kube down "$f" | report_shape) <(report_shape <<<"$output") ||
        fail "warren's down report differs from podman's"
    run_warren 0 volume rm "$d-claim"
}

@test "kube play: a DaemonSet is one pod NAME-pod; a Job runs once with Never, retries with OnFailure" {
    local n="wt-kds-$BATS_TEST_NUMBER-$RANDOM" f="$BATS_TEST_TMPDIR/k.yaml"
    WT_PODS+=("$n-ds-pod" "$n-job-pod" "$n-retry-pod")
    cat >"$f" <<YAML
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: $n-ds}
spec:
  selector: {matchLabels: {app: x}}
  template:
    metadata: {labels: {app: x}}
    spec:
      containers: [{name: d, image: $IMAGE, command: [sleep, "1000"]}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: $n-job}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: once, image: $IMAGE, command: [sh, -c, 'exit 3']}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: $n-retry}
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: OnFailure
      containers: [{name: r, image: $IMAGE, command: [sh, -c, 'exit 1']}]
YAML
    run_warren 0 kube play --start=false "$f"
    run_warren 0 pod ps --format '{{.Name}}' --filter "name=$n"
    assert_line "$n-ds-pod"
    assert_line "$n-job-pod"
    [ "${#lines[@]}" = 3 ] || fail "not three pods: $output"
    # (Never is run's --restart no)
    run_warren 0 inspect --format '[{{.HostConfig.RestartPolicy.Name}}]' "$n-job-pod-once"
    assert_output "[]"
    run_warren 0 inspect --format '{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}' "$n-retry-pod-r"
    assert_output on-failure:2
    # a DaemonSet's pod restarts Always (Podman's default)
    run_warren 0 inspect --format '{{.HostConfig.RestartPolicy.Name}}' "$n-ds-pod-d"
    assert_output always
    run_warren 0 pod start "$n-job-pod"
    wait_state "$n-job-pod-once" exited
    run_warren 0 inspect --format '{{.State.ExitCode}} {{.RestartCount}}' "$n-job-pod-once"
    assert_output "3 0"
    # (play --down is Podman 4.3's spelling of down; --force only with it)
    run_warren 125 kube play --force "$f"
    assert_error "--force may be used only with --down"
    run_warren 0 kube play --down "$f"
    assert_line --index 0 "Pods stopped:"
    run_warren 1 pod exists "$n-ds-pod"
    # a Job may not restart Always: nothing made
    sed -i 's/restartPolicy: Never/restartPolicy: Always/' "$f"
    run_warren 125 kube play "$f"
    assert_error "Job $n-job: restartPolicy must be Never or OnFailure"
    nothing_named "$n"
}

@test "kube play: ConfigMaps (in the file and --configmap) give env, envFrom and files" {
    # guards: issue 11 "ConfigMap (env and volumes)"
    local p="wt-kcm-$BATS_TEST_NUMBER-$RANDOM" f="$BATS_TEST_TMPDIR/p.yaml" cmf="$BATS_TEST_TMPDIR/cm.yaml"
    WT_PODS+=("$p")
    WT_VOLS+=("$p-conf" "$p-some")
    cat >"$cmf" <<YAML
apiVersion: v1
kind: ConfigMap
metadata: {name: $p-extra}
data: {EXTRA: from-file}
YAML
    cat >"$f" <<YAML
apiVersion: v1
kind: ConfigMap
metadata: {name: $p-cm}
data:
  color: blue
  port: 8080
  app.conf: |
    listen 80
---
apiVersion: v1
kind: Pod
metadata: {name: $p}
spec:
  containers:
  - name: c
    image: $IMAGE
    command: [sleep, "1000"]
    envFrom: [{configMapRef: {name: $p-extra}}, {prefix: CM_, configMapRef: {name: $p-cm}}]
    env:
    - {name: COLOR, valueFrom: {configMapKeyRef: {name: $p-cm, key: color}}}
    - {name: GONE, valueFrom: {configMapKeyRef: {name: $p-none, key: x, optional: true}}}
    volumeMounts:
    - {name: conf, mountPath: /etc/app}
    - {name: some, mountPath: /some, readOnly: true}
  volumes:
  - {name: conf, configMap: {name: $p-cm}}
  - {name: some, configMap: {name: $p-cm, items: [{key: color, path: sub/colour.txt}]}}
YAML
    run_warren 0 kube play --configmap "$cmf" "$f"
    run_warren 0 exec "$p-c" sh -c 'echo $COLOR $CM_port $EXTRA ${GONE-unset}; cat /etc/app/app.conf /etc/app/color; echo; ls /some; ls /some/sub; cat /some/sub/colour.txt'
    assert_output "blue 8080 from-file unset
listen 80
blue
sub
colour.txt
blue"
    run_warren !0 exec "$p-c" touch /some/x
    # (the volumes of a pod are its own and go with it)
    run_warren 0 kube down "$f"
    assert_line "Volumes removed:"
    run_warren 1 volume exists "$p-conf"
    # a missing ConfigMap, a --configmap of another kind, one in both places:
    # errors, nothing made
    run_warren 125 kube play "$f"
    assert_error "container c: envFrom: configmap $p-extra not found"
    nothing_named "$p"
    sed '1,/^---$/d' "$f" >"$BATS_TEST_TMPDIR/pod-only.yaml"
    run_warren 125 kube play --configmap "$BATS_TEST_TMPDIR/pod-only.yaml" "$f"
    assert_error 'invalid YAML kind: "Pod". [ConfigMap] is the only supported by --configmap'
    sed -n '/^---$/q;p' "$f" >"$cmf"
    run_warren 125 kube play --configmap "$cmf" "$f"
    assert_error "ambiguous configuration: the same config map $p-cm is present in YAML and in --configmaps"
    # a file of ConfigMaps only: Podman's error
    run_warren 125 kube play "$cmf"
    assert_error "ConfigMaps in podman are not a standalone object and must be used in a container"
    nothing_named "$p"
}

@test "kube play: Secret documents become warren secrets for secretKeyRef env and secret volumes" {
    # guards: issue 11 "Secret ... kube Secrets become such secrets"
    local p="wt-ksec-$BATS_TEST_NUMBER-$RANDOM" f="$BATS_TEST_TMPDIR/p.yaml"
    WT_PODS+=("$p")
    WT_SECRETS+=("$p-s")
    WT_VOLS+=("$p-creds")
    cat >"$f" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $p}
spec:
  containers:
  - name: c
    image: $IMAGE
    command: [sleep, "1000"]
    env: [{name: PW, valueFrom: {secretKeyRef: {name: $p-s, key: password}}}]
    envFrom: [{secretRef: {name: $p-s}, prefix: S_}]
    volumeMounts: [{name: creds, mountPath: /creds, readOnly: true}]
  volumes: [{name: creds, secret: {secretName: $p-s, defaultMode: 0400}}]
---
apiVersion: v1
kind: Secret
metadata: {name: $p-s}
data: {password: $(printf hunter2 | base64)}
stringData: {user: bob}
YAML
    run_warren 0 kube play "$f"
    run_warren 0 secret ls --format '{{.Name}}'
    assert_line "$p-s"
    run_warren 0 exec "$p-c" sh -c 'echo $PW $S_user $S_password; cat /creds/password; echo; cat /creds/user; echo; stat -c %a /creds/password'
    assert_output "hunter2 bob hunter2
hunter2
bob
400"
    # the secret holds the document, as Podman keeps it; inspect never shows it
    run_warren 0 secret inspect "$p-s"
    refute_output --partial hunter2
    # again: the secret exists; --replace replaces it
    run_warren 125 kube play "$f"
    assert_error "$p-s: secret name in use"
    run_warren 0 kube play --replace "$f"
    run_warren 0 kube down "$f"
    assert_line "Secrets removed:"
    run_warren 0 secret ls --format '{{.Name}}'
    refute_output --partial "$p-s"
    # a secret that is no base64, a missing key: errors, nothing made
    sed -i "s/password: .*}/password: not*base64}/" "$f"
    run_warren 125 kube play "$f"
    assert_error "secret $p-s: data.password is not valid base64"
    nothing_named "$p"
    sed -i "s/password: not\*base64}/other: $(printf x | base64)}/" "$f"
    run_warren 125 kube play "$f"
    assert_error "env PW: secret $p-s has no key password"
    nothing_named "$p"
    # a secret of secret create holds no Secret document (Podman fails too)
    WT_SECRETS+=("$p-plain")
    printf 'plain value' | w secret create "$p-plain" - >/dev/null
    printf 'kind: Pod\nmetadata: {name: %s}\nspec:\n  containers:\n  - name: c\n    image: %s\n    env: [{name: X, valueFrom: {secretKeyRef: {name: %s-plain, key: k}}}]\n' \
        "$p" "$IMAGE" "$p" >"$f"
    run_warren 125 kube play "$f"
    assert_error "secret $p-plain does not hold a Kubernetes Secret"
    run_warren 1 pod exists "$p"
}

@test "kube play: hostPath (types), emptyDir shared in the pod, readOnly and subPath" {
    # guards: issue 11 "volumeMounts with hostPath and persistentVolumeClaim"
    local p="wt-kvol-$BATS_TEST_NUMBER-$RANDOM" f="$BATS_TEST_TMPDIR/p.yaml" h="$BATS_TEST_TMPDIR/host"
    WT_PODS+=("$p")
    WT_VOLS+=("$p-scratch" "$p-claim")
    mkdir -p "$h/sub"
    echo host-file >"$h/sub/f"
    echo single >"$h/single"
    cat >"$f" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $p}
spec:
  containers:
  - name: a
    image: $IMAGE
    command: [sh, -c, 'echo from-a > /scratch/x; exec sleep 1000']
    volumeMounts:
    - {name: scratch, mountPath: /scratch}
    - {name: host, mountPath: /h, readOnly: true}
    - {name: host, mountPath: /hs, subPath: sub}
    - {name: made, mountPath: /made}
    - {name: one, mountPath: /one.txt}
    - {name: claim, mountPath: /claimsub, subPath: deep/er}
  - name: b
    image: $IMAGE
    command: [sleep, "1000"]
    volumeMounts: [{name: scratch, mountPath: /s}]
  volumes:
  - {name: scratch, emptyDir: {}}
  - {name: host, hostPath: {path: $h, type: Directory}}
  - {name: made, hostPath: {path: $h/new/dir, type: DirectoryOrCreate}}
  - {name: one, hostPath: {path: $h/single, type: File}}
  - {name: claim, persistentVolumeClaim: {claimName: $p-claim}}
YAML
    run_warren 0 kube play "$f"
    poll "$p-b" 'cat /s/x'
    assert_output from-a
    run_warren 0 exec "$p-a" sh -c 'cat /h/sub/f /hs/f /one.txt; touch /made/m /hs/w /claimsub/c && echo ok'
    assert_output "host-file
host-file
single
ok"
    [ -d "$h/new/dir" ] && [ -e "$h/new/dir/m" ] && [ -e "$h/sub/w" ] || fail "hostPath writes missing"
    run_warren !0 exec "$p-a" touch /h/nope
    # a claim that did not exist was made, the subPath in it too
    run_warren 0 volume inspect --format '{{.Mountpoint}}' "$p-claim"
    [ -e "$output/deep/er/c" ] || fail "no deep/er/c in the claim"
    run_warren 0 kube down "$f"
    run_warren 1 volume exists "$p-scratch"
    run_warren 0 volume exists "$p-claim"
    # a Directory that is missing, a subPath that leaves: errors, nothing made
    sed "s|path: $h, type: Directory|path: $h/missing, type: Directory|" "$f" >"$f.2"
    run_warren 125 kube play "$f.2"
    assert_error "volume host: hostPath $h/missing is not a directory"
    sed "s|subPath: sub}|subPath: ../..}|" "$f" >"$f.3"
    run_warren 125 kube play "$f.3"
    assert_error "volumeMount host: subPath ../.. must be a relative path"
    run_warren 0 volume rm "$p-claim"
    nothing_named "$p"
}

@test "kube play: command, args, workingDir, env, securityContext, livenessProbe, readinessProbe" {
    # guards: issue 11 "Probes (liveness/readiness exec ...) map to the healthchecks"
    local p="wt-kfld-$BATS_TEST_NUMBER-$RANDOM" f="$BATS_TEST_TMPDIR/p.yaml"
    WT_PODS+=("$p")
    cat >"$f" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $p}
spec:
  restartPolicy: OnFailure
  securityContext: {runAsUser: 1000, runAsGroup: 1001}
  containers:
  - name: c
    image: $IMAGE
    command: [sh, -c]
    args: ['echo \$0 \$V \$W; id -u; id -g; pwd; exec sleep 1000', '\$(V)th']
    workingDir: /tmp
    # (\$(VAR) as Kubernetes expands it: of the env before; \$\$ a \$)
    env: [{name: V, value: "7"}, {name: W, value: "\$(V)-x \$(NOPE) \$\$(V)"}]
    securityContext:
      readOnlyRootFilesystem: true
      runAsNonRoot: true
      capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
    livenessProbe:
      exec: {command: [ls, /tmp]}
      periodSeconds: 7
      failureThreshold: 4
    readinessProbe: {exec: {command: ["true"]}}
  - name: root
    image: $IMAGE
    command: [sh]
    stdin: true
    tty: true
    securityContext: {runAsUser: 0, privileged: true}
    readinessProbe: {exec: {command: [test, -d, /tmp]}, periodSeconds: 9}
  - name: web
    image: $IMAGE
    command: [sh, -c, 'mkdir -p /tmp/w && echo up > /tmp/w/index.html && exec httpd -f -p 8081 -h /tmp/w']
    livenessProbe: {httpGet: {path: /index.html, port: 8081}, periodSeconds: 30}
YAML
    run_warren 0 kube play "$f"
    # the fields warren cannot honour are named
    assert_stderr_contains "container c: readinessProbe is not used: its livenessProbe is the healthcheck"
    assert_stderr_contains "container c: securityContext: field runAsNonRoot is not supported"
    run_warren 0 logs "$p-c"
    assert_output "7th 7 7-x \$(NOPE) \$(V)
1000
1001
/tmp"
    # (a user other than root has no effective capabilities: the bounding set)
    run_warren 0 exec "$p-c" sh -c 'touch /x 2>/dev/null && echo writable; grep CapBnd /proc/self/status'
    assert_output "CapBnd:	0000000000000400"
    run_warren 0 inspect --format '{{.Config.Healthcheck.Test}} {{json .Config.Healthcheck.Interval}} {{.Config.Healthcheck.Retries}} {{.HostConfig.RestartPolicy.Name}}' "$p-c"
    assert_output "[CMD ls /tmp] 7000000000 4 on-failure"
    run_warren 0 healthcheck run "$p-c"
    # httpGet: fetched inside the container (busybox has wget, no curl)
    run_warren 0 inspect --format '{{index .Config.Healthcheck.Test 0}}' "$p-web"
    assert_output CMD-SHELL
    for _ in $(seq 50); do w healthcheck run "$p-web" >/dev/null 2>&1 && break; sleep 0.1; done
    run_warren 0 healthcheck run "$p-web"
    # stdin and tty: the shell waits, as in Kubernetes; the pod's runAsUser
    # is the default, the container's wins
    # a readinessProbe alone is the healthcheck
    run_warren 0 inspect --format '{{.Config.Healthcheck.Test}} {{json .Config.Healthcheck.Interval}}' "$p-root"
    assert_output "[CMD test -d /tmp] 9000000000"
    run_warren 0 exec "$p-root" sh -c 'id -u; grep CapEff /proc/self/status'
    assert_line --index 0 0
    refute_line "CapEff:	0000000000000000"
    run_warren 0 kube down "$f"
}

@test "kube play: init containers run in turn before the others, must succeed, and are removed" {
    # guards: Podman 4.3 runs initContainers ("once": removed after their run)
    local p="wt-kinit-$BATS_TEST_NUMBER-$RANDOM" f="$BATS_TEST_TMPDIR/p.yaml"
    WT_PODS+=("$p")
    WT_VOLS+=("$p-work")
    cat >"$f" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $p}
spec:
  initContainers:
  - {name: one, image: $IMAGE, command: [sh, -c, 'echo one >> /work/log'], volumeMounts: [{name: work, mountPath: /work}]}
  - {name: two, image: $IMAGE, command: [sh, -c, 'sleep 0.3; echo two >> /work/log'], volumeMounts: [{name: work, mountPath: /work}]}
  containers:
  - {name: main, image: $IMAGE, command: [sh, -c, 'echo main >> /work/log; exec sleep 1000'], volumeMounts: [{name: work, mountPath: /work}]}
  volumes: [{name: work, emptyDir: {}}]
YAML
    run_warren 0 kube play "$f"
    # Podman's report lists the containers only
    assert_line --index 2 "Container:"
    poll "$p-main" 'grep -q main /work/log'
    run_warren 0 exec "$p-main" cat /work/log
    assert_output "one
two
main"
    run_warren 0 ps -a --filter "pod=$p" --format '{{.Names}}'
    refute_line "$p-one"
    refute_line "$p-two"
    run_warren 0 kube down "$f"
    # a failing one: an error, nothing left
    sed -i "s/echo one >> \/work\/log/exit 4/" "$f"
    run_warren 125 kube play "$f"
    assert_error "init container $p-one exited with code 4"
    nothing_named "$p"
    # --start=false: they cannot run later (warren's pods have no init
    # containers of their own), so they are skipped with a warning
    run_warren 0 kube play --start=false "$f"
    assert_stderr_contains "pod $p: init containers run only when kube play starts the pod, skipped"
    run_warren 0 kube down "$f"
}

@test "kube play: images are pulled as imagePullPolicy says" {
    # guards: the brief "Pull images that are missing honouring imagePullPolicy"
    use_private_store
    reg_start plain
    reg_push "$REGFIX_PLAIN" "kplain:latest"
    export CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf
    printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$REG" >"$CONTAINERS_REGISTRIES_CONF"
    local p="wt-kpull-$BATS_TEST_NUMBER-$RANDOM" f="$BATS_TEST_TMPDIR/p.yaml"
    printf 'kind: Pod\nmetadata: {name: %s}\nspec:\n  containers:\n  - {name: c, image: %s, imagePullPolicy: %s}\n' \
        "$p" "$REG/kplain:latest" Never >"$f"
    run_warren 125 kube play --start=false "$f"
    assert_last_error "$REG/kplain:latest"
    nothing_named "$p"
    sed -i 's/Never/IfNotPresent/' "$f"
    run_warren 0 kube play --start=false "$f"
    assert_stderr_contains "Trying to pull $REG/kplain:latest"
    run_warren 0 image exists "$REG/kplain:latest"
    run_warren 0 kube down "$f"
    # -q: no progress
    run_warren 0 rmi "$REG/kplain:latest"
    run_warren 0 kube play -q --start=false "$f"
    assert_equal "$stderr" ""
    run_warren 0 image exists "$REG/kplain:latest"
    run_warren 0 kube down "$f"
    sed -i 's/IfNotPresent/Sometimes/' "$f"
    run_warren 125 kube play --start=false "$f"
    assert_error "container c: imagePullPolicy Sometimes is not Always, IfNotPresent or Never"
}

@test "kube play: unknown kinds and fields are warned about and skipped, as Podman skips them" {
    local p="wt-kunk-$BATS_TEST_NUMBER-$RANDOM" f="$BATS_TEST_TMPDIR/p.yaml"
    WT_PODS+=("$p")
    printf 'apiVersion: v1\nkind: Service\nmetadata: {name: svc}\n---\nkind: Pod\nmetadata: {name: %s}\nspec:\n  containers:\n  - {name: c, image: %s, command: [sleep, "100"], fancy: 1}\n' \
        "$p" "$IMAGE" >"$f"
    run_warren 0 kube play --start=false "$f"
    assert_stderr_contains "kube kind Service is not supported, document 1 skipped"
    assert_stderr_contains "container c: field fancy is not supported by warren, ignored"
    [ "${#stderr_lines[@]}" = 2 ] || fail "not two warnings: $stderr"
    run_warren 0 pod exists "$p"
    run_warren 0 kube down "$f"
    # a file of unknown kinds only: Podman's error
    printf 'apiVersion: v1\nkind: Gizmo\nmetadata: {name: x}\n' >"$f"
    run_warren 125 kube play "$f"
    assert_equal "${stderr_lines[-1]}" "Error: YAML document does not contain any supported kube kind"
}

@test "kube play: wrong types are one line and exit 125, and nothing is left behind" {
    local p="wt-ktyp-$BATS_TEST_NUMBER-$RANDOM" f="$BATS_TEST_TMPDIR/p.yaml"
    WT_PODS+=("$p" "$p-pod-0")
    WT_SECRETS+=("$p-s")
    # each case: a Secret document (made first) and a pod that fails later
    bad() {
        { printf 'kind: Secret\nmetadata: {name: %s-s}\nstringData: {a: b}\n---\n' "$p"; cat; } >"$f"
        run_warren 125 kube play "$f"
        assert_error "$@"
        nothing_named "$p"
    }
    printf 'kind: Deployment\nmetadata: {name: %s}\nspec:\n  replicas: two\n  template: {spec: {containers: [{name: c, image: %s}]}}\n' "$p" "$IMAGE" |
        bad "Deployment $p: spec.replicas must be an integer"
    printf 'kind: Pod\nmetadata: {name: %s}\nspec:\n  containers: {name: c}\n' "$p" |
        bad "pod $p: spec.containers must be a list"
    printf 'kind: Pod\nmetadata: {name: %s}\nspec:\n  containers: [{name: c, image: %s, env: FOO}]\n' "$p" "$IMAGE" |
        bad "container c: env must be a list"
    printf 'kind: Pod\nmetadata: {name: %s}\nspec:\n  containers: [{name: c, image: %s, command: [[a]]}]\n' "$p" "$IMAGE" |
        bad "container c: command must be a list of strings"
    printf 'kind: Pod\nmetadata: {name: %s}\nspec:\n  containers: [{name: c, image: %s, volumeMounts: [{name: nope, mountPath: /x}]}]\n' "$p" "$IMAGE" |
        bad "volumeMount nope: no volume of that name in the pod"
    printf 'kind: Pod\nmetadata: {name: %s}\nspec:\n  volumes: [{name: v, nfs: {server: x}}]\n  containers: [{name: c, image: %s}]\n' "$p" "$IMAGE" |
        bad "volume v: supported are hostPath"
    printf 'kind: Pod\nmetadata: {name: %s}\nspec:\n  restartPolicy: Sometimes\n  containers: [{name: c, image: %s}]\n' "$p" "$IMAGE" |
        bad "pod $p: restartPolicy Sometimes is not Always, OnFailure or Never"
    printf 'kind: Pod\nmetadata: {name: %s}\nspec:\n  containers: [{name: c, image: %s, livenessProbe: {periodSeconds: 3}}]\n' "$p" "$IMAGE" |
        bad "container c: livenessProbe needs exec, httpGet or tcpSocket"
    printf 'kind: Deployment\nmetadata: {name: %s}\nspec: {replicas: 1}\n' "$p" |
        bad "Deployment $p: spec.template is missing"
    # malformed YAML names its line
    printf 'kind: Pod\nmetadata: {name: [x}\n' >"$f"
    run_warren 125 kube play "$f"
    assert_error "$f: line"
}
