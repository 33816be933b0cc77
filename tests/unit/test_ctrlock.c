/* Unit tests for runtime/ctrlock.c: the owner lock that says whether a
 * container's owner lives (issue 5 items 2 and 3). */
#include "tests/unit/unit.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/util.h"
#include "runtime/ctrlock.h"

static char *tmp_runroot(void)
{
	char tmpl[] = "/tmp/warren-ctrlock.XXXXXX";
	return xstrdup(mkdtemp(tmpl));
}

UNIT_TEST(owner_alive_then_stale_then_gone)
{
	char *rr = tmp_runroot();
	struct werr err = {0};
	struct ctrlock_info i;
	int owner, fd = -1;

	CHECK(ctrlock_try(rr, "c1", false, &fd, &i, &err) == CTRLOCK_NONE);
	owner = ctrlock_create(rr, "c1", &err);
	CHECK(owner >= 0);
	/* another open file description: the owner's flock keeps us out */
	CHECK(ctrlock_try(rr, "c1", true, &fd, &i, &err) == CTRLOCK_OWNED);
	CHECK(i.owner == getpid() && i.pid == 0);
	CHECK(proc_alive(i.owner, i.owner_start));
	CHECK(ctrlock_set_proc(owner, 4242, 99, 12345, &err) == 0);
	CHECK(ctrlock_try(rr, "c1", false, &fd, &i, &err) == CTRLOCK_OWNED);
	CHECK(i.pid == 4242 && i.pid_start == 99 && i.started == 12345);
	/* the owner dies without letting go: the file stays, unlocked */
	close(owner);
	CHECK(ctrlock_try(rr, "c1", false, &fd, &i, &err) == CTRLOCK_STALE);
	CHECK(fd >= 0 && i.pid == 4242);
	ctrlock_release(rr, "c1", fd);
	CHECK(ctrlock_try(rr, "c1", false, &fd, &i, &err) == CTRLOCK_NONE);
	/* a command that must exclude others makes one */
	CHECK(ctrlock_try(rr, "c1", true, &fd, &i, &err) == CTRLOCK_FRESH);
	ctrlock_release(rr, "c1", fd);
	CHECK(ctrlock_try(rr, "c1", false, &fd, &i, &err) == CTRLOCK_NONE);
	rm_rf_at(AT_FDCWD, rr, &err);
	free(rr);
}

UNIT_TEST(released_by_owner_is_none)
{
	char *rr = tmp_runroot();
	struct werr err = {0};
	struct ctrlock_info i;
	int owner = ctrlock_create(rr, "c2", &err), fd = -1;

	CHECK(owner >= 0);
	ctrlock_release(rr, "c2", owner);
	CHECK(ctrlock_try(rr, "c2", false, &fd, &i, &err) == CTRLOCK_NONE);
	rm_rf_at(AT_FDCWD, rr, &err);
	free(rr);
}

UNIT_TEST(proc_alive_needs_pid_and_start_and_no_zombie)
{
	uint64_t me = proc_start_time(getpid());
	pid_t child;

	CHECK(proc_alive(getpid(), me));
	CHECK(!proc_alive(getpid(), me + 1)); /* a reused pid */
	CHECK(!proc_alive(getpid(), 0));
	CHECK(!proc_alive(0, me));
	child = fork();
	if (child == 0)
		_exit(0);
	CHECK(child > 0);
	{
		uint64_t st = proc_start_time(child);
		/* a zombie is dead, waiting to be reaped */
		for (int k = 0; k < 500 && proc_alive(child, st); k++)
			usleep(2000);
		CHECK(!proc_alive(child, st) || st == 0);
	}
	waitpid(child, NULL, 0);
}

UNIT_TEST(made_lock_is_held_before_it_is_seen_and_exit_record)
{
	char *rr = tmp_runroot();
	char *dir = xasprintf("%s/exits", rr), *path = xasprintf("%s/exits/c2", rr);
	struct werr err = {0};
	struct ctrlock_info i;
	int fd = -1, fd2 = -1, code = -1;

	/* made by a try with create: ours (FRESH), and already held when it
	 * appears under its name: another try finds it owned, never stale */
	CHECK(ctrlock_try(rr, "c2", true, &fd, &i, &err) == CTRLOCK_FRESH);
	CHECK(fd >= 0);
	CHECK(ctrlock_try(rr, "c2", true, &fd2, &i, &err) == CTRLOCK_OWNED);
	CHECK(i.owner == 0);
	ctrlock_release(rr, "c2", fd);
	CHECK(ctrlock_try(rr, "c2", false, &fd2, &i, &err) == CTRLOCK_NONE);
	/* the exit record: absent, a code, garbage, cleared */
	CHECK(ctrlock_exit_read(rr, "c2", &code) == -1);
	CHECK(mkdir(dir, 0700) == 0);
	CHECK(write_file_atomic_at(AT_FDCWD, path, "3\n", 2, 0600, &err) == 0);
	CHECK(ctrlock_exit_read(rr, "c2", &code) == 0 && code == 3);
	CHECK(write_file_atomic_at(AT_FDCWD, path, "x\n", 2, 0600, &err) == 0);
	CHECK(ctrlock_exit_read(rr, "c2", &code) == -1 && code == 3);
	ctrlock_exit_clear(rr, "c2");
	CHECK(access(path, F_OK) < 0);
	rm_rf_at(AT_FDCWD, rr, &err);
	free(dir);
	free(path);
	free(rr);
}

UNIT_MAIN()
