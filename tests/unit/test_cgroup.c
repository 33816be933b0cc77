/* test_cgroup.c - runtime/cgroup.h without a cgroup filesystem: --cgroups
 * modes, the record of a container's cgroup dirs (also damaged ones), its
 * paths, and the stats read from v1 and v2 files laid out in a temp dir. */
#include "unit.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "lib/walk.h"
#include "runtime/cgroup.h"

static void put(const char *dir, const char *name, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static char *tmpdir(void)
{
	char t[] = "/tmp/test_cgroup.XXXXXX";
	return xstrdup(mkdtemp(t) ? t : "/nonexistent");
}

UNIT_TEST(modes_parse_as_podman_names_them)
{
	enum cg_mode m = CG_MODE_SPLIT;
	struct werr err = {0};

	CHECK(cgroup_mode_parse(NULL, &m, &err) == 0 && m == CG_MODE_ENABLED);
	CHECK(cgroup_mode_parse("disabled", &m, &err) == 0 && m == CG_MODE_DISABLED);
	CHECK(cgroup_mode_parse("no-conmon", &m, &err) == 0 && m == CG_MODE_NO_CONMON);
	CHECK(cgroup_mode_parse("split", &m, &err) == 0 && m == CG_MODE_SPLIT);
	CHECK(cgroup_mode_parse("enabled", &m, &err) == 0 && m == CG_MODE_ENABLED);
	CHECK_STR(cgroup_mode_inspect(CG_MODE_DISABLED), "disabled");
	CHECK_STR(cgroup_mode_inspect(CG_MODE_SPLIT), "default");
	CHECK_STR(cgroup_mode_name(CG_MODE_NO_CONMON), "no-conmon");
	CHECK(cgroup_mode_parse("Enabled", &m, &err) < 0);
	CHECK_STR(err.msg, "invalid cgroup mode \"Enabled\": Invalid argument");
	CHECK(cgroup_mode_parse("", &m, &err) < 0);
	CHECK(cgroup_mode_parse("enabled,split", &m, &err) < 0);
}

UNIT_TEST(a_damaged_record_yields_only_sound_lines)
{
	cleanup_free char *run = tmpdir();
	cleanup_free char *cgdir = xasprintf("%s/cgroups", run);
	struct engine e = {.runroot = run};
	struct ctr_cgroup cg = {0};
	char *path;

	mkdir(cgdir, 0700);
	CHECK(cgroup_load(&e, "none", &cg) == 0);
	/* a dir not below its mount, unknown kinds, too few fields, binary */
	put(cgdir, "bad",
	    "freezer\t/sys/fs/cgroup/freezer\t/etc/passwd\nbogus\t/a\t/a/b\nmemory\t/x\n"
	    "\x01\x02\n");
	CHECK(cgroup_load(&e, "bad", &cg) == 0);
	/* only <mount>/.../warren/<id> dirs under /sys/fs/cgroup count */
	put(cgdir, "good",
	    "freezer\t/sys/fs/cgroup/freezer\t/sys/fs/cgroup/freezer/u/warren/good\n"
	    "memory\t/sys/fs/cgroup/memory\t/etc/shadow\n"
	    "cpuacct\t/sys/fs/cgroup/cpuacct\t/sys/fs/cgroup/cpuacct/u/warren/other\n"
	    "blkio\t/tmp\t/tmp/x/warren/good\n"
	    "unified\t/sys/fs/cgroup/unified\t/sys/fs/cgroup/unified/../../../tmp/warren/good\n"
	    "pids\t/sys/fs/cgroup/pids\t/sys/fs/cgroup/pids/u/warren/good\n");
	CHECK(cgroup_load(&e, "good", &cg) == 1);
	CHECK_STR(cg.dir[CG_FREEZER], "/sys/fs/cgroup/freezer/u/warren/good");
	CHECK_STR(cg.dir[CG_PIDS], "/sys/fs/cgroup/pids/u/warren/good");
	CHECK(cg.dir[CG_MEMORY] == NULL);
	CHECK(cg.dir[CG_CPUACCT] == NULL);
	CHECK(cg.dir[CG_BLKIO] == NULL);
	CHECK(cg.dir[CG_UNIFIED] == NULL);
	path = cgroup_path_of(&cg);
	CHECK_STR(path, "/u/warren/good");
	free(path);
	CHECK(!cgroup_frozen(&cg)); /* no such file: not frozen */
	cgroup_free(&cg);
	/* destroy of a record whose dirs do not exist: nothing left, no error */
	CHECK(cgroup_destroy(&e, "good", &(struct werr){0}) == 0);
	CHECK(cgroup_load(&e, "good", &cg) == 0);
	CHECK(cgroup_destroy(&e, "none", &(struct werr){0}) == 0);
	rm_rf_at(AT_FDCWD, run, NULL);
}

UNIT_TEST(stats_from_v1_files)
{
	cleanup_free char *d = tmpdir();
	struct ctr_cgroup cg = {0};
	struct cgroup_stats s;

	put(d, "memory.usage_in_bytes", "1000000\n");
	put(d, "memory.limit_in_bytes", "524288000\n");
	put(d, "memory.stat", "cache 5\ntotal_cache 9\ntotal_inactive_file 200000\n");
	put(d, "cpuacct.usage", "96706648\n");
	put(d, "pids.current", "3\n");
	put(d, "blkio.throttle.io_service_bytes_recursive",
	    "8:0 Read 4096\n8:0 Write 512\n8:16 Read 1000\n8:16 Sync 7\nTotal 5608\n");
	for (int k = CG_FREEZER; k < CG_NKINDS; k++)
		cg.dir[k] = d;
	CHECK(cgroup_stats_read(&cg, &s, NULL) == 0);
	CHECK(s.mem_usage == 800000);
	CHECK(s.mem_limit == 524288000);
	CHECK(s.cpu_ns == 96706648);
	CHECK(s.pids == 3);
	CHECK(s.blk_read == 5096 && s.blk_write == 512);
	/* no limit: the host's memory, never more */
	put(d, "memory.limit_in_bytes", "9223372036854771712\n");
	CHECK(cgroup_stats_read(&cg, &s, NULL) == 0);
	CHECK(s.mem_limit > 0 && s.mem_limit < 9223372036854771712ULL);
	/* garbage in the files: numbers stop at the garbage, nothing crashes */
	put(d, "memory.usage_in_bytes", "x\n");
	put(d, "blkio.throttle.io_service_bytes_recursive", "8:0\nRead\n\n 9 9 9 9\n");
	CHECK(cgroup_stats_read(&cg, &s, NULL) == 0);
	CHECK(s.mem_usage == 0 && s.blk_read == 0);
	rm_rf_at(AT_FDCWD, d, NULL);
}

UNIT_TEST(stats_from_v2_files)
{
	cleanup_free char *d = tmpdir();
	struct ctr_cgroup cg = {.dir = {[CG_UNIFIED] = d}};
	struct cgroup_stats s;

	put(d, "memory.current", "2000000\n");
	put(d, "memory.max", "max\n");
	put(d, "memory.stat", "anon 1\nfile 2\ninactive_file 1000000\nactive_file 5\n");
	put(d, "cpu.stat", "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n");
	put(d, "io.stat", "8:0 rbytes=4096 wbytes=100 rios=1 wios=2\n8:16 rbytes=4 wbytes=1\n");
	put(d, "cgroup.threads", "10\n11\n12\n");
	CHECK(cgroup_stats_read(&cg, &s, NULL) == 0);
	CHECK(s.mem_usage == 1000000);
	CHECK(s.mem_limit > 0);
	CHECK(s.cpu_ns == 1500000);
	CHECK(s.blk_read == 4100 && s.blk_write == 101);
	CHECK(s.pids == 3); /* no pids controller: the threads */
	put(d, "pids.current", "7\n");
	CHECK(cgroup_stats_read(&cg, &s, NULL) == 0);
	CHECK(s.pids == 7);
	rm_rf_at(AT_FDCWD, d, NULL);
}

UNIT_MAIN()
