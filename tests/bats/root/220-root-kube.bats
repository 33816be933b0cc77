#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154,SC1091  # container commands in single quotes; status/output/stderr come from bats
# Issue 11 kube play as root: a Deployment's replicas sharing a claim, a
# ConfigMap's env and files, a Secret's env, a published hostPort fetched
# from the host, a root-owned hostPath; kube down --force removes it all.

load ../helpers

teardown() {
    local p
    for p in "${WT_PODS[@]}"; do
        w pod rm -f "$p" >/dev/null 2>&1 || true
    done
    for p in "${WT_VOLS[@]}"; do
        w volume rm -f "$p" >/dev/null 2>&1 || true
    done
    for p in "${WT_SECRETS[@]}"; do
        w secret rm "$p" >/dev/null 2>&1 || true
    done
    wt_teardown
}

WT_PODS=()
WT_VOLS=()
WT_SECRETS=()

@test "root kube play: Deployment replicas, claim, ConfigMap, Secret, hostPort, hostPath; down --force" {
    # guards: issue 11 "kube play FILE runs Pod, Deployment (replicas), ...
    # ConfigMap (env and volumes), Secret, PersistentVolumeClaim"
    local d="wt-rkube-$BATS_TEST_NUMBER-$RANDOM" f="$BATS_TEST_TMPDIR/d.yaml" port h="$BATS_TEST_TMPDIR/host"
    WT_PODS+=("$d-pod-0" "$d-pod-1")
    WT_VOLS+=("$d-claim")
    WT_SECRETS+=("$d-s")
    mkdir -p "$h"
    echo root-file >"$h/f"
    chmod 0600 "$h/f"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("0.0.0.0", 0)); print(s.getsockname()[1])')
    cat >"$f" <<YAML
apiVersion: v1
kind: ConfigMap
metadata: {name: $d-cm}
data: {greeting: hello-root}
---
apiVersion: v1
kind: Secret
metadata: {name: $d-s}
stringData: {token: t0k3n}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: $d-claim}
spec: {accessModes: [ReadWriteOnce]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: $d}
spec:
  replicas: 2
  template:
    spec:
      containers:
      - name: web
        image: $IMAGE
        command: [sh, -c, 'echo \$HOSTNAME >> /data/seen; mkdir -p /w; cat /cm/greeting > /w/index.html; exec httpd -f -p 8080 -h /w']
        env:
        - {name: G, valueFrom: {configMapKeyRef: {name: $d-cm, key: greeting}}}
        - {name: T, valueFrom: {secretKeyRef: {name: $d-s, key: token}}}
        volumeMounts:
        - {name: data, mountPath: /data}
        - {name: cm, mountPath: /cm}
        - {name: host, mountPath: /host, readOnly: true}
      volumes:
      - {name: data, persistentVolumeClaim: {claimName: $d-claim}}
      - {name: cm, configMap: {name: $d-cm}}
      - {name: host, hostPath: {path: $h, type: Directory}}
YAML
    # (only the first replica publishes the port: one host port, one pod)
    run_warren 0 kube play --start=false "$f"
    [ "$(grep -c '^Pod:$' <<<"$output")" = 2 ] || fail "not two pods: $output"
    run_warren 0 kube down "$f"
    sed -i "s|command: \[sh|ports: [{containerPort: 8080, hostPort: $port}]\n        command: [sh|" "$f"
    sed -i 's/replicas: 2/replicas: 1/' "$f"
    run_warren 0 kube play --replace "$f"
    run_warren 0 exec "$d-pod-0-web" sh -c 'echo $G $T; cat /host/f; cat /data/seen'
    assert_output "hello-root t0k3n
root-file
$d-pod-0"
    run curl -sS --retry 20 --retry-connrefused --retry-delay 0 "http://127.0.0.1:$port/"
    assert_output hello-root
    run_warren 0 kube down --force "$f"
    assert_line "Secrets removed:"
    assert_line "Volumes removed:"
    assert_line "$d-claim"
    run_warren 1 pod exists "$d-pod-0"
    run_warren 1 volume exists "$d-claim"
    run_warren 1 volume exists "$d-pod-0-cm"
    run_warren 0 secret ls --format '{{.Name}}'
    refute_output --partial "$d-s"
}
