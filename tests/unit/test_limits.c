/* test_limits.c - runtime/limits.h (sizes, flags, checks, the record and
 * inspect's values, update's merge) and cgroup_limits_apply writing v1 and
 * v2 files laid out in a temp dir (issue 14). */
#include "unit.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "lib/walk.h"
#include "runtime/cgroup.h"
#include "runtime/limits.h"

static struct res_limits fresh(void)
{
	return (struct res_limits){.swappiness = -1};
}

static int parse(struct res_limits *l, const char *flag, const char *v)
{
	struct werr err = {0};
	return limits_parse(l, flag, v, &err);
}

UNIT_TEST(sizes_as_docker_ram_in_bytes)
{
	CHECK(limits_ram_bytes("512") == 512);
	CHECK(limits_ram_bytes("10k") == 10240);
	CHECK(limits_ram_bytes("10m") == 10485760);
	CHECK(limits_ram_bytes("1.5g") == 1610612736);
	CHECK(limits_ram_bytes("5MiB") == 5242880);
	CHECK(limits_ram_bytes("5 MB") == 5242880);
	CHECK(limits_ram_bytes("1b") == 1);
	CHECK(limits_ram_bytes("x") < 0);
	CHECK(limits_ram_bytes("-1") < 0);
	CHECK(limits_ram_bytes("10q") < 0);
	CHECK(limits_ram_bytes("0x10") < 0);
	CHECK(limits_ram_bytes("1e3") < 0);
	CHECK(limits_ram_bytes("1.") < 0);
	CHECK(limits_ram_bytes("") < 0);
	CHECK(limits_ram_bytes("99999999999p") < 0);
}

UNIT_TEST(flags_and_their_errors)
{
	struct res_limits l = fresh();
	struct werr err = {0};

	CHECK(parse(&l, "memory", "10m") == 0 && l.memory == 10485760);
	CHECK(parse(&l, "memory-swap", "-1") == 0 && l.memory_swap == -1);
	CHECK(parse(&l, "cpus", "1.5") == 0 && l.nano_cpus == 1500000000);
	CHECK(parse(&l, "pids-limit", "0") == 0 && l.pids_limit == -1);
	CHECK(parse(&l, "pids-limit", "-5") == 0 && l.pids_limit == -1);
	CHECK(parse(&l, "cpuset-cpus", "0-1,3") == 0);
	CHECK_STR(l.cpuset_cpus, "0-1,3");
	CHECK(parse(&l, "cgroup-parent", "//a//b/") == 0);
	CHECK_STR(l.cgroup_parent, "/a/b");
	CHECK(parse(&l, "device-read-bps", "/dev/null:1m") == 0);
	CHECK(parse(&l, "device-read-bps", "/dev/null:2m") == 0);
	CHECK(l.nthr[THR_READ_BPS] == 1 && l.thr[THR_READ_BPS][0].rate == 2097152);
	CHECK(limits_parse(&l, "cpu-shares", "-1", &err) < 0 && err.status == 125);
	CHECK_STR(err.msg, "invalid argument \"-1\" for \"-c, --cpu-shares\" flag: "
			   "strconv.ParseUint: parsing \"-1\": invalid syntax");
	CHECK(parse(&l, "cpuset-cpus", "2-1") < 0);
	CHECK(parse(&l, "cpuset-cpus", "1,") < 0);
	CHECK(parse(&l, "cpuset-mems", "a") < 0);
	CHECK(parse(&l, "memory-swappiness", "101") < 0);
	CHECK(parse(&l, "oom-score-adj", "-1001") < 0);
	CHECK(parse(&l, "blkio-weight", "9") < 0);
	CHECK(parse(&l, "cgroupns", "ns:/x") < 0);
	CHECK(parse(&l, "cgroup-parent", "a/./b") < 0);
	CHECK(parse(&l, "device-write-iops", "/dev/null:1:2") < 0);
	CHECK(parse(&l, "cpus", "nan") < 0);
	CHECK(parse(&l, "no-such-flag", "1") < 0);
	limits_free(&l);
}

UNIT_TEST(checks_between_flags)
{
	struct res_limits l = fresh();
	struct werr err = {0};

	CHECK(limits_check(&l, &err) == 0);
	l.memory_swap = 100 << 20;
	CHECK(limits_check(&l, &err) < 0);
	l.memory = 200 << 20;
	CHECK(limits_check(&l, &err) < 0); /* swap below memory */
	l.memory_swap = -1;
	CHECK(limits_check(&l, &err) == 0);
	l.memory_reservation = 300 << 20;
	CHECK(limits_check(&l, &err) < 0);
	l.memory_reservation = 0;
	l.nano_cpus = 1000000000;
	l.cpu_period = 50000;
	CHECK(limits_check(&l, &err) < 0);
	l.cpu_period = 0;
	CHECK(limits_check(&l, &err) == 0);
	l.nano_cpus = 0;
	l.cpu_period = 2000000;
	CHECK(limits_check(&l, &err) < 0);
}

UNIT_TEST(record_round_trip_and_inspect_values)
{
	struct res_limits l = fresh(), back;
	cleanup_json struct json_object *host = json_object_new_object();
	struct json_object *rec;

	CHECK(parse(&l, "memory", "10m") == 0);
	CHECK(parse(&l, "cpu-quota", "50000") == 0);
	CHECK(parse(&l, "device-write-iops", "/dev/null:100") == 0);
	CHECK(parse(&l, "cgroupns", "private") == 0);
	rec = limits_to_json(&l);
	limits_from_json(rec, &back);
	CHECK(back.memory == l.memory && back.cpu_quota == 50000 && back.swappiness == -1);
	CHECK(back.nthr[THR_WRITE_IOPS] == 1 && back.thr[THR_WRITE_IOPS][0].rate == 100);
	CHECK_STR(back.thr[THR_WRITE_IOPS][0].path, "/dev/null");
	CHECK_STR(back.cgroupns, "private");
	limits_to_hostconfig(&back, host);
	/* Podman's: swap twice the memory, cpus from the quota, default shm */
	CHECK(json_object_get_int64(jget(host, "MemorySwap")) == 20971520);
	CHECK(json_object_get_int64(jget(host, "NanoCpus")) == 500000000);
	CHECK(json_object_get_int64(jget(host, "CpuPeriod")) == 100000);
	CHECK(json_object_get_int64(jget(host, "MemorySwappiness")) == -1);
	CHECK(json_object_get_int64(jget(host, "ShmSize")) == 65536000);
	CHECK(jget(host, "BlkioDeviceReadBps") == NULL);
	CHECK(jlen(jget(host, "BlkioDeviceWriteIOps")) == 1);
	json_object_put(rec);
	limits_free(&back);
	limits_free(&l);
}

UNIT_TEST(update_merges_the_flags_given)
{
	struct res_limits cur = fresh(), upd = fresh();
	struct werr err = {0};

	CHECK(parse(&cur, "memory", "10m") == 0);
	CHECK(parse(&cur, "memory-swap", "30m") == 0);
	CHECK(parse(&cur, "cpus", "2") == 0);
	CHECK(parse(&cur, "pids-limit", "10") == 0);
	CHECK(parse(&upd, "memory", "20m") == 0);
	CHECK(parse(&upd, "cpu-quota", "20000") == 0);
	CHECK(limits_merge(&cur, &upd, &err) == 0);
	/* swap follows a new memory limit; a quota replaces --cpus */
	CHECK(cur.memory == 20971520 && cur.memory_swap == 0);
	CHECK(cur.nano_cpus == 0 && cur.cpu_quota == 20000 && cur.pids_limit == 10);
	limits_free(&upd);
	upd = fresh();
	CHECK(parse(&upd, "cpus", "1") == 0);
	CHECK(parse(&upd, "cpu-period", "50000") == 0);
	CHECK(limits_merge(&cur, &upd, &err) < 0);
	limits_free(&upd);
	upd = fresh();
	CHECK(parse(&upd, "memory-swap", "5m") == 0);
	CHECK(limits_merge(&cur, &upd, &err) < 0);
	limits_free(&upd);
	limits_free(&cur);
}

UNIT_TEST(kubernetes_quantities_both_ways)
{
	struct res_limits l = fresh();
	struct werr err = {0};
	cleanup_json struct json_object *res = json_tokener_parse(
	    "{\"limits\":{\"memory\":\"64Mi\",\"cpu\":\"1\"},\"requests\":{\"cpu\":\"1m\"}}");
	struct json_object *k;

	CHECK(limits_k8s_quantity("128Mi", false) == 134217728);
	CHECK(limits_k8s_quantity("1G", false) == 1000000000);
	CHECK(limits_k8s_quantity("2e3", false) == 2000);
	CHECK(limits_k8s_quantity("1.5Gi", false) == 1610612736);
	CHECK(limits_k8s_quantity("500m", true) == 500);
	CHECK(limits_k8s_quantity("1.5", true) == 1500);
	CHECK(limits_k8s_quantity("2", true) == 2000);
	CHECK(limits_k8s_quantity("64Qi", false) < 0);
	CHECK(limits_k8s_quantity("-1", false) < 0);
	CHECK(limits_k8s_quantity("Mi", false) < 0);
	CHECK(limits_k8s_quantity("1e99", false) < 0);
	CHECK(limits_from_k8s(res, "c", &l, &err) == 0);
	CHECK(l.memory == 67108864 && l.nano_cpus == 1000000000 && l.cpu_shares == 2);
	k = limits_to_k8s(&l);
	CHECK_STR(jstr(k, "memory"), "64Mi");
	CHECK_STR(jstr(k, "cpu"), "1");
	json_object_put(k);
	l.memory = 11010048; /* 10.5 MiB */
	l.nano_cpus = 0;
	l.cpu_quota = 150000;
	k = limits_to_k8s(&l);
	CHECK_STR(jstr(k, "memory"), "10752Ki");
	CHECK_STR(jstr(k, "cpu"), "1500m");
	json_object_put(k);
	limits_free(&l);
	l = fresh();
	CHECK(limits_to_k8s(&l) == NULL);
}

static char *tmpdir(void)
{
	char t[] = "/tmp/test_limits.XXXXXX";
	return xstrdup(mkdtemp(t) ? t : "/nonexistent");
}

static void put(const char *dir, const char *name, const char *text)
{
	cleanup_free char *p = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* Is dir/name's content want? */
static bool has_text(const char *dir, const char *name, const char *want)
{
	cleanup_free char *p = xasprintf("%s/%s", dir, name);
	cleanup_free char *t = read_file_max(p, 4096, NULL, NULL);

	return t != NULL && strcmp(t, want) == 0;
}

UNIT_TEST(apply_writes_v1_files)
{
	cleanup_free char *d = tmpdir();
	static const char *const files[] = {"memory.limit_in_bytes",
					    "memory.memsw.limit_in_bytes",
					    "memory.soft_limit_in_bytes",
					    "cpu.cfs_quota_us",
					    "cpu.cfs_period_us",
					    "cpu.shares",
					    "pids.max",
					    "memory.oom_control"};
	struct ctr_cgroup cg = {0};
	struct res_limits l = fresh();
	struct werr err = {0};

	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		put(d, files[i], "");
	put(d, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
	cg.dir[CG_MEMORY] = cg.dir[CG_CPU] = cg.dir[CG_PIDS] = d;
	CHECK(parse(&l, "memory", "10m") == 0);
	CHECK(parse(&l, "cpus", "0.5") == 0);
	CHECK(parse(&l, "pids-limit", "-1") == 0);
	CHECK(cgroup_limits_apply(&cg, &l, false, &err) == 0);
	CHECK(has_text(d, "memory.limit_in_bytes", "10485760"));
	CHECK(has_text(d, "memory.memsw.limit_in_bytes", "20971520"));
	CHECK(has_text(d, "cpu.cfs_quota_us", "50000"));
	CHECK(has_text(d, "cpu.cfs_period_us", "100000"));
	CHECK(has_text(d, "pids.max", "max"));
	CHECK(has_text(d, "cpu.shares", "")); /* not asked for at a start */
	CHECK(!cgroup_oom_killed(&cg));
	put(d, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
	CHECK(cgroup_oom_killed(&cg));
	/* an update writes the unset ones as no limit */
	CHECK(cgroup_limits_apply(&cg, &l, true, &err) == 0);
	CHECK(has_text(d, "cpu.shares", "1024"));
	CHECK(has_text(d, "memory.soft_limit_in_bytes", "-1"));
	/* a missing file fails with its path */
	cleanup_free char *pids = xasprintf("%s/pids.max", d);
	unlink(pids);
	CHECK(cgroup_limits_apply(&cg, &l, false, &err) < 0 && strstr(err.msg, "pids.max"));
	limits_free(&l);
	rm_rf_at(AT_FDCWD, d, NULL);
}

UNIT_TEST(apply_writes_v2_files)
{
	cleanup_free char *d = tmpdir();
	static const char *const files[] = {"memory.max", "memory.swap.max", "memory.low",
					    "cpu.max",	  "cpu.weight",	     "pids.max",
					    "io.max",	  "cpuset.cpus",     "memory.events"};
	struct ctr_cgroup cg = {0};
	struct res_limits l = fresh();
	struct werr err = {0};

	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		put(d, files[i], "");
	cg.dir[CG_UNIFIED] = d;
	CHECK(parse(&l, "memory", "10m") == 0);
	CHECK(parse(&l, "memory-swap", "30m") == 0);
	CHECK(parse(&l, "cpu-shares", "512") == 0);
	CHECK(parse(&l, "cpu-quota", "20000") == 0);
	CHECK(parse(&l, "pids-limit", "7") == 0);
	CHECK(parse(&l, "cpuset-cpus", "0") == 0);
	CHECK(cgroup_limits_apply(&cg, &l, false, &err) == 0);
	CHECK(has_text(d, "memory.max", "10485760"));
	CHECK(has_text(d, "memory.swap.max", "20971520"));
	CHECK(has_text(d, "cpu.max", "20000 100000"));
	CHECK(has_text(d, "cpu.weight", "20"));
	CHECK(has_text(d, "pids.max", "7"));
	CHECK(has_text(d, "cpuset.cpus", "0"));
	put(d, "memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
	CHECK(cgroup_oom_killed(&cg));
	limits_free(&l);
	rm_rf_at(AT_FDCWD, d, NULL);
}

UNIT_MAIN()
