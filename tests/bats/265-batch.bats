#!/usr/bin/env bats
# shellcheck disable=SC2154  # status/output/stderr come from bats
# Issue 15 "Batch systems": MPI across containers with the host's launcher
# (the hybrid model), running the script docs/rootless/hpc.md shows.

load helpers
load docmsg

@test "batch: mpirun -np 2 runs an MPI hello world in two containers (hpc.md's mpi-hybrid script)" {
    # guards: issue 15 "MPI across containers with the host's launcher (mpirun ... warren run ..., the hybrid model)"
    command -v mpirun >/dev/null && command -v mpicc >/dev/null ||
        skip "needs Open MPI (Debian openmpi-bin, libopenmpi-dev; tests/deps.sh installs them)"
    local d=$BATS_TEST_TMPDIR
    cat >"$d/hello.c" <<'C'
#include <mpi.h>
#include <stdio.h>
int main(int argc, char **argv)
{
	int rank, size, sum = 0;
	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
	printf("rank %d of %d sum %d\n", rank, size, sum);
	MPI_Finalize();
	return 0;
}
C
    mpicc -o "$d/hello" "$d/hello.c" || fail "mpicc failed"
    doc_script mpi-hybrid "$d/mpi.sh"
    warren_wrapper "$d/bin"
    run --separate-stderr timeout -s KILL 120 env PATH="$d/bin:$PATH" IMAGE="$IMAGE" APP="$d/hello" NP=2 "$d/mpi.sh"
    [ "$status" = 0 ] || fail "mpi.sh exited $status: $output $stderr"
    assert_line "rank 0 of 2 sum 1"
    assert_line "rank 1 of 2 sum 1"
    # the ranks ran in containers: none is left
    run_warren 0 ps -a -q
    assert_output ""
}
