#!/usr/bin/env bats
# shellcheck disable=SC2154  # status/output/stderr come from bats
# Issue 15 "Batch systems": the Slurm job script of docs/rootless/hpc.md
# (gpu-job), run as a user with a batch job's environment (no
# XDG_RUNTIME_DIR), a .sqsh image and a fake CDI GPU spec in /etc/cdi.
# Root: it writes /etc/cdi and runs the job as the user wt-lim2.

load ../helpers
load ../docmsg
load lab

CDI_SPEC=/etc/cdi/warren-test-fake-gpu.yaml

setup() {
    LAB_TMP=$(mktemp -d /tmp/wt-batch.XXXXXX)
    chmod 0755 "$LAB_TMP"
    LAB_USERS=()
}

teardown() {
    local u
    rm -f "$CDI_SPEC"
    for u in "${LAB_USERS[@]}"; do
        runuser -u "$u" -- env -i PATH=/usr/bin:/bin HOME="$LAB_TMP/$u" "$LAB_TMP/bin/warren" \
            unshare rm -rf "$LAB_TMP/$u/scratch" >/dev/null 2>&1
        runuser -u "$u" -- env -i PATH=/usr/bin:/bin HOME="$LAB_TMP/$u" "$LAB_TMP/bin/warren" \
            system migrate >/dev/null 2>&1
    done
    rm -rf --one-file-system "$LAB_TMP"
    wt_teardown
}

@test "batch: the GPU job script runs as a user: .sqsh image, CDI device from /etc/cdi, no XDG_RUNTIME_DIR" {
    # guards: issue 15 "a Slurm or PBS job script running warren run ... GPU passthrough (--device nvidia.com/gpu=all through CDI specs in /etc/cdi, tested with a fake CDI spec)"
    command -v squashfuse >/dev/null || skip "needs squashfuse (Debian package squashfuse)"
    command -v mksquashfs >/dev/null || skip "needs mksquashfs (Debian package squashfs-tools)"
    local u=wt-lim2 home out
    if ls /etc/cdi/*.yaml /etc/cdi/*.json 2>/dev/null | xargs -r grep -l 'nvidia.com/gpu' | grep -qv "$CDI_SPEC"; then
        skip "this host has a real nvidia.com/gpu CDI spec in /etc/cdi"
    fi
    lab_user_add "$u" || fail "cannot create $u"
    LAB_USERS+=("$u")
    home=$LAB_TMP/$u
    install -d -m 0700 -o "$u" -g "$(id -g "$u")" "$home" "$home/images"
    mkdir -p "$LAB_TMP/bin"
    install -m 0755 "$WARREN" "$LAB_TMP/bin/warren"
    install -m 0755 "$(dirname "$WARREN")/warren-monitor" "$LAB_TMP/bin/warren-monitor"
    run_warren 0 image export --format squashfs "$IMAGE" "$home/images/cuda.sqsh"
    chown "$u" "$home/images/cuda.sqsh"
    mkdir -p /etc/cdi
    cat >"$CDI_SPEC" <<'Y'
cdiVersion: 0.5.0
kind: nvidia.com/gpu
containerEdits:
  env:
    - NVIDIA_VISIBLE_DEVICES=fake-all
devices:
  - name: all
    containerEdits:
      deviceNodes:
        - path: /dev/nvidia0
          hostPath: /dev/null
Y
    doc_script gpu-job "$LAB_TMP/job.sh"
    # what slurmd gives a job: the user's HOME and USER, a TMPDIR, SLURM_*
    # variables, and no XDG_RUNTIME_DIR (no login session)
    run --separate-stderr timeout -s KILL 120 runuser -u "$u" -- env -i PATH="$LAB_TMP/bin:/usr/bin:/bin" \
        HOME="$home" USER="$u" TMPDIR="$home/scratch" SLURM_JOB_ID=42 SLURM_JOB_NAME=gpu-check \
        bash -c 'mkdir -p "$TMPDIR" && cd "$HOME" && exec bash "$0"' "$LAB_TMP/job.sh"
    [ "$status" = 0 ] || fail "job exited $status: $output $stderr"
    assert_line "/dev/nvidia0"
    assert_line "NVIDIA_VISIBLE_DEVICES=fake-all"
    # the store went to the scratch dir the script names, not the home
    [ -d "$home/scratch/$u-warren/warren" ] || fail "no store in the job's scratch: $(ls -R "$home" | head)"
    [ ! -e "$home/.local/share/warren" ]
    # a GPU name the spec does not have: the job fails with CDI's error
    sed -i 's/gpu=all/gpu=7/' "$LAB_TMP/job.sh"
    run --separate-stderr timeout -s KILL 120 runuser -u "$u" -- env -i PATH="$LAB_TMP/bin:/usr/bin:/bin" \
        HOME="$home" USER="$u" TMPDIR="$home/scratch" bash "$LAB_TMP/job.sh"
    [ "$status" != 0 ] || fail "a missing CDI device did not fail the job"
    [[ $stderr == *"nvidia.com/gpu=7"* ]] || fail "the error does not name the device: $stderr"
}
