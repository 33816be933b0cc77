/* enosys - runs a command with some syscalls failing with ENOSYS, as on a
 * kernel too old to have them (issue 5 item 8: warren's fallbacks).
 *
 *   enosys openat2,close_range,mount_setattr COMMAND [ARG...]
 *   enosys @new COMMAND [ARG...]     (every syscall of new_syscalls below)
 *   enosys --kill SYSCALL[,...] COMMAND [ARG...]
 *
 * With --kill the process dies (SIGSYS, as if SIGKILLed) at the first of
 * those calls instead: a kill at an exact point, for tests of what a
 * killed command leaves behind.
 *
 * The seccomp filter is inherited by every process the command starts,
 * the pause process included. Installing a filter needs no_new_privs
 * unless the caller has CAP_SYS_ADMIN; no_new_privs makes the setuid
 * newuidmap powerless, so an unprivileged caller can only wrap commands
 * that join an existing pause process. As root, the filter is installed
 * without no_new_privs and survives `runuser -u USER --`: that is how
 * tests/check.sh runs the whole rootless suite (WARREN_CHECK_ENOSYS). */
#include <errno.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "@new": the syscalls warren uses that kernels before 5.12 lack in
 * part (openat2 5.6, close_range 5.9, mount_setattr 5.12, the new mount
 * API 5.2, pidfd_open 5.3), i.e. everything lib/syscalls wraps. */
static const char new_syscalls[] = "openat2,close_range,mount_setattr,open_tree,move_mount,"
				   "fsopen,fsconfig,fsmount,pidfd_open";

static int add_rules(scmp_filter_ctx ctx, char *list, uint32_t action)
{
	char all[sizeof(new_syscalls)];
	char *save = NULL;

	if (strcmp(list, "@new") == 0)
		list = strcpy(all, new_syscalls);
	for (char *n = strtok_r(list, ",", &save); n != NULL; n = strtok_r(NULL, ",", &save)) {
		int nr = seccomp_syscall_resolve_name(n);
		int rc;
		if (nr == __NR_SCMP_ERROR) {
			fprintf(stderr, "enosys: unknown syscall '%s'\n", n);
			return -1;
		}
		rc = seccomp_rule_add(ctx, action, nr, 0);
		if (rc < 0) {
			fprintf(stderr, "enosys: rule for '%s': %s\n", n, strerror(-rc));
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint32_t action = SCMP_ACT_ERRNO(ENOSYS);
	scmp_filter_ctx ctx;
	int rc;

	if (argc > 1 && strcmp(argv[1], "--kill") == 0) {
		action = SCMP_ACT_KILL_PROCESS;
		argc--;
		argv++;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: enosys [--kill] SYSCALL[,SYSCALL...] COMMAND [ARG...]\n");
		return 125;
	}
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (ctx == NULL || add_rules(ctx, argv[1], action) < 0)
		return 125;
	/* without no_new_privs when we may (root), so setuid helpers work */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	rc = seccomp_load(ctx);
	if (rc < 0) { /* EACCES, which libseccomp reports as ECANCELED */
		seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1);
		rc = seccomp_load(ctx);
	}
	if (rc < 0) {
		fprintf(stderr, "enosys: load the filter: %s\n", strerror(-rc));
		return 125;
	}
	seccomp_release(ctx);
	execvp(argv[2], argv + 2);
	fprintf(stderr, "enosys: exec '%s': %s\n", argv[2], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
