#!/usr/bin/env bats
# shellcheck disable=SC2154  # status/output/stderr come from bats
# Issue 15 "Batch systems": the Slurm job script of docs/rootless/hpc.md
# (gpu-job), run as a user with a batch job's environment (no
# XDG_RUNTIME_DIR), a .sqsh image and a fake CDI GPU spec in /etc/cdi.
# Root: it writes /etc/cdi and runs the job as the user wt-lim2.

load ../helpers
load ../docmsg
load lab
load slurm

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
    slurm_stop
    rm -rf --one-file-system "$LAB_TMP"
    wt_teardown
}

# job_user_setup: the job's user wt-lim2 (JOB_USER) with its home JOB_HOME
# under LAB_TMP, warren in LAB_TMP/bin, the image as JOB_HOME/images/cuda.sqsh
# and the fake GPU's CDI spec
job_user_setup() {
    command -v squashfuse >/dev/null || skip "needs squashfuse (Debian package squashfuse)"
    command -v mksquashfs >/dev/null || skip "needs mksquashfs (Debian package squashfs-tools)"
    JOB_USER=wt-lim2
    if ls /etc/cdi/*.yaml /etc/cdi/*.json 2>/dev/null | xargs -r grep -l 'nvidia.com/gpu' | grep -qv "$CDI_SPEC"; then
        skip "this host has a real nvidia.com/gpu CDI spec in /etc/cdi"
    fi
    lab_user_add "$JOB_USER" || fail "cannot create $JOB_USER"
    LAB_USERS+=("$JOB_USER")
    JOB_HOME=$LAB_TMP/$JOB_USER
    install -d -m 0700 -o "$JOB_USER" -g "$(id -g "$JOB_USER")" "$JOB_HOME" "$JOB_HOME/images"
    mkdir -p "$LAB_TMP/bin"
    install -m 0755 "$WARREN" "$LAB_TMP/bin/warren"
    install -m 0755 "$(dirname "$WARREN")/warren-monitor" "$LAB_TMP/bin/warren-monitor"
    run_warren 0 image export --format squashfs "$IMAGE" "$JOB_HOME/images/cuda.sqsh"
    chown "$JOB_USER" "$JOB_HOME/images/cuda.sqsh"
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
}

@test "batch: the GPU job script runs as a user: .sqsh image, CDI device from /etc/cdi, no XDG_RUNTIME_DIR" {
    # guards: issue 15 "a Slurm or PBS job script running warren run ... GPU passthrough (--device nvidia.com/gpu=all through CDI specs in /etc/cdi, tested with a fake CDI spec)"
    local u home
    job_user_setup
    u=$JOB_USER home=$JOB_HOME
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

@test "batch: Slurm for real: sbatch runs the GPU job script, srun -n2 starts two containers in one step" {
    # guards: issue 15 "a Slurm or PBS job script running warren run on a compute node ... (srun warren run ...)"
    local u home missing
    missing=$(slurm_missing)
    [ -z "$missing" ] || skip "needs Slurm and munge ($missing is missing; Debian packages slurmctld, slurmd, slurm-client, munge)"
    job_user_setup
    u=$JOB_USER home=$JOB_HOME
    slurm_start "$LAB_TMP/slurm" || fail "the test's Slurm cluster did not start"
    doc_script gpu-job "$home/job.sh"
    chown "$u" "$home/job.sh"
    install -d -m 0700 -o "$u" -g "$(id -g "$u")" "$home/scratch"
    # the submitting shell's environment (no XDG_RUNTIME_DIR) goes with the job
    sub() {
        timeout -s KILL 180 runuser -u "$u" -- env -i PATH="$LAB_TMP/bin:/usr/bin:/bin" HOME="$home" \
            USER="$u" TMPDIR="$home/scratch" SLURM_CONF="$SLURM_CONF" "$@"
    }
    run sub sbatch --wait --chdir "$home" -o "$home/job.out" "$home/job.sh"
    [ "$status" = 0 ] || fail "sbatch: $output; job.out: $(cat "$home/job.out" 2>&1); $(grep -h error "$SLURM_DIR"/*.log | tail -3)"
    run cat "$home/job.out"
    assert_line "/dev/nvidia0"
    assert_line "NVIDIA_VISIBLE_DEVICES=fake-all"
    [ -d "$home/scratch/$u-warren/warren" ] || fail "no store in the job's scratch"
    # one step of two tasks: two containers of the same user at once, each
    # seeing its rank; the job's end leaves no warren process behind
    run sub srun -n2 --chdir "$home" -o "$home/step.%t.out" warren run --rm -e SLURM_PROCID \
        "$home/images/cuda.sqsh" sh -c 'echo "rank $SLURM_PROCID in $(hostname)"'
    [ "$status" = 0 ] || fail "srun: $output"
    grep -qx "rank 0 in .*" "$home/step.0.out" || fail "task 0: $(cat "$home/step.0.out")"
    grep -qx "rank 1 in .*" "$home/step.1.out" || fail "task 1: $(cat "$home/step.1.out")"
    # a failing container fails the step with its exit code
    run sub srun -n1 warren run --rm "$home/images/cuda.sqsh" sh -c 'exit 3'
    [ "$status" != 0 ] || fail "a container exiting 3 did not fail srun"
    [[ $output == *"exit code 3"* ]] || fail "srun does not report exit code 3: $output"
}
