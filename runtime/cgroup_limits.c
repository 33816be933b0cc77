/* cgroup_limits.c - resource limits written into a container's cgroup
 * (cgroup.h: cgroup_limits_apply) and its OOM kills read back: cgroup v1
 * controller files where the container has a dir in that hierarchy, else
 * its cgroup v2 dir's, with the conversions runc and crun use (shares to
 * cpu.weight, memory+swap to swap alone). */
#include "runtime/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/util.h"
#include "runtime/limits.h"

#define DEFAULT_PERIOD 100000

/* Writes the formatted value to dir/file (one write(), as the kernel
 * wants). */
__attribute__((format(printf, 4, 5))) static int put(const char *dir, const char *file,
						     struct werr *err, const char *fmt, ...)
{
	cleanup_free char *p = xasprintf("%s/%s", dir, file), *val = NULL;
	cleanup_close int fd = -1;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&val, fmt, ap) < 0)
		abort();
	va_end(ap);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		return werr_set(err, errno, "write '%s' to '%s'", val, p);
	return 0;
}

static bool has(const char *dir, const char *file)
{
	cleanup_free char *p = xasprintf("%s/%s", dir, file);
	return access(p, F_OK) == 0;
}

/* v1: memory.limit_in_bytes may not rise above memsw's, nor memsw fall
 * below it: the order depends on the way each moves, so the limit is
 * tried first and again after memsw. */
static int memory_v1(const char *d, const struct res_limits *l, bool update, struct werr *err)
{
	int64_t mem = l->memory ? l->memory : -1;
	int64_t sw = l->memory_swap ? l->memory_swap : l->memory ? 2 * l->memory : -1;

	if (update || l->memory) {
		bool first = put(d, "memory.limit_in_bytes", err, "%" PRId64, mem) == 0;
		werr_clear(err);
		if (has(d, "memory.memsw.limit_in_bytes")) {
			if (put(d, "memory.memsw.limit_in_bytes", err, "%" PRId64, sw) < 0)
				return -1;
		} else if (l->memory_swap > 0) {
			return werr_set(err, ENOTSUP,
					"--memory-swap: this kernel accounts no swap in cgroup v1 "
					"(boot it with swapaccount=1)");
		}
		if (!first && put(d, "memory.limit_in_bytes", err, "%" PRId64, mem) < 0)
			return -1;
	}
	if ((update || l->memory_reservation) &&
	    put(d, "memory.soft_limit_in_bytes", err, "%" PRId64,
		l->memory_reservation ? l->memory_reservation : -1) < 0)
		return -1;
	if (l->swappiness >= 0 && put(d, "memory.swappiness", err, "%" PRId64, l->swappiness) < 0)
		return -1;
	if (l->oom_kill_disable && put(d, "memory.oom_control", err, "1") < 0)
		return -1;
	return 0;
}

/* "max" or the number */
static void num_or_max(char *buf, size_t len, int64_t v)
{
	if (v <= 0)
		snprintf(buf, len, "max");
	else
		snprintf(buf, len, "%" PRId64, v);
}

static int memory_v2(const char *d, const struct res_limits *l, bool update, struct werr *err)
{
	char v[32];

	if (update || l->memory) {
		num_or_max(v, sizeof(v), l->memory);
		if (put(d, "memory.max", err, "%s", v) < 0)
			return -1;
		/* memory+swap as Docker counts it, swap alone in v2 */
		if (l->memory_swap > 0)
			num_or_max(v, sizeof(v), l->memory_swap - l->memory);
		else if (l->memory_swap == 0 && l->memory > 0)
			num_or_max(v, sizeof(v), l->memory);
		else
			snprintf(v, sizeof(v), "max");
		if (has(d, "memory.swap.max") && put(d, "memory.swap.max", err, "%s", v) < 0)
			return -1;
	}
	if (update || l->memory_reservation) {
		num_or_max(v, sizeof(v), l->memory_reservation);
		if (put(d, "memory.low", err, "%s", l->memory_reservation ? v : "0") < 0)
			return -1;
	}
	if (l->oom_kill_disable || l->swappiness >= 0)
		log_warn("cgroup v2 has no %s: ignored",
			 l->oom_kill_disable ? "--oom-kill-disable" : "--memory-swappiness");
	return 0;
}

static int cpu_v1(const char *d, const struct res_limits *l, bool update, struct werr *err)
{
	int64_t period = l->nano_cpus || !l->cpu_period ? DEFAULT_PERIOD : (int64_t)l->cpu_period;
	int64_t quota = l->nano_cpus ? l->nano_cpus * DEFAULT_PERIOD / 1000000000 : l->cpu_quota;

	if ((update || l->cpu_shares) &&
	    put(d, "cpu.shares", err, "%" PRIu64, l->cpu_shares ? l->cpu_shares : 1024) < 0)
		return -1;
	/* the period first: a quota is checked against it */
	if ((update || l->cpu_period || l->nano_cpus) &&
	    put(d, "cpu.cfs_period_us", err, "%" PRId64, period) < 0)
		return -1;
	if ((update || quota) &&
	    put(d, "cpu.cfs_quota_us", err, "%" PRId64, quota ? quota : -1) < 0)
		return -1;
	return 0;
}

static int cpu_v2(const char *d, const struct res_limits *l, bool update, struct werr *err)
{
	int64_t period = l->nano_cpus || !l->cpu_period ? DEFAULT_PERIOD : (int64_t)l->cpu_period;
	int64_t quota = l->nano_cpus ? l->nano_cpus * DEFAULT_PERIOD / 1000000000 : l->cpu_quota;
	char q[32];

	/* shares 2..262144 onto weight 1..10000 (runc's and crun's line) */
	if (update || l->cpu_shares) {
		uint64_t s = l->cpu_shares ? l->cpu_shares : 1024;
		uint64_t w = s < 2 ? 1 : 1 + ((s - 2) * 9999) / 262142;
		if (put(d, "cpu.weight", err, "%" PRIu64, w > 10000 ? 10000 : w) < 0)
			return -1;
	}
	num_or_max(q, sizeof(q), quota);
	if ((update || quota || l->cpu_period) &&
	    put(d, "cpu.max", err, "%s %" PRId64, q, period) < 0)
		return -1;
	return 0;
}

static int cpuset(const char *d, const struct res_limits *l, struct werr *err)
{
	if (l->cpuset_cpus && put(d, "cpuset.cpus", err, "%s", l->cpuset_cpus) < 0)
		return -1;
	if (l->cpuset_mems && put(d, "cpuset.mems", err, "%s", l->cpuset_mems) < 0)
		return -1;
	return 0;
}

/* "MAJ:MIN" of a device path; -1 when it is none */
static int devnum(const char *path, char *buf, size_t len, struct werr *err)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return werr_set(err, errno, "stat '%s'", path);
	if (!S_ISBLK(st.st_mode) && !S_ISCHR(st.st_mode))
		return werr_set(err, ENODEV, "'%s' is not a device", path);
	snprintf(buf, len, "%u:%u", major(st.st_rdev), minor(st.st_rdev));
	return 0;
}

static int blkio_v1(const char *d, const struct res_limits *l, struct werr *err)
{
	static const char *const files[THR_NKINDS] = {
	    "blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
	    "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device"};
	char dev[32];

	/* CFQ's blkio.weight, else BFQ's (whose files only non-root cgroups have) */
	if (l->blkio_weight && put(d, has(d, "blkio.weight") ? "blkio.weight" : "blkio.bfq.weight",
				   err, "%u", l->blkio_weight) < 0)
		return -1;
	for (int k = 0; k < THR_NKINDS; k++)
		for (size_t i = 0; i < l->nthr[k]; i++)
			if (devnum(l->thr[k][i].path, dev, sizeof(dev), err) < 0 ||
			    put(d, files[k], err, "%s %" PRIu64, dev, l->thr[k][i].rate) < 0)
				return -1;
	return 0;
}

static int blkio_v2(const char *d, const struct res_limits *l, struct werr *err)
{
	static const char *const keys[THR_NKINDS] = {"rbps", "wbps", "riops", "wiops"};
	char dev[32];

	if (l->blkio_weight) {
		bool bfq = !has(d, "io.weight");
		if (put(d, bfq ? "io.bfq.weight" : "io.weight", err, bfq ? "%u" : "default %u",
			l->blkio_weight) < 0)
			return -1;
	}
	for (int k = 0; k < THR_NKINDS; k++)
		for (size_t i = 0; i < l->nthr[k]; i++)
			if (devnum(l->thr[k][i].path, dev, sizeof(dev), err) < 0 ||
			    put(d, "io.max", err, "%s %s=%" PRIu64, dev, keys[k],
				l->thr[k][i].rate) < 0)
				return -1;
	return 0;
}

int cgroup_limits_apply(const struct ctr_cgroup *cg, const struct res_limits *l, bool update,
			struct werr *err)
{
	const char *v2 = cg->dir[CG_UNIFIED];
	int64_t pids = l->pids_limit;
	char p[32];
	int rc = 0;

	if (cg->dir[CG_MEMORY])
		rc = memory_v1(cg->dir[CG_MEMORY], l, update, err);
	else if (v2)
		rc = memory_v2(v2, l, update, err);
	if (rc == 0 && cg->dir[CG_CPU])
		rc = cpu_v1(cg->dir[CG_CPU], l, update, err);
	else if (rc == 0 && v2)
		rc = cpu_v2(v2, l, update, err);
	if (rc == 0 && (cg->dir[CG_CPUSET] || v2))
		rc = cpuset(cg->dir[CG_CPUSET] ? cg->dir[CG_CPUSET] : v2, l, err);
	num_or_max(p, sizeof(p), pids);
	if (rc == 0 && (update || pids) && (cg->dir[CG_PIDS] || v2))
		rc = put(cg->dir[CG_PIDS] ? cg->dir[CG_PIDS] : v2, "pids.max", err, "%s", p);
	if (rc == 0 && cg->dir[CG_BLKIO])
		rc = blkio_v1(cg->dir[CG_BLKIO], l, err);
	else if (rc == 0 && v2)
		rc = blkio_v2(v2, l, err);
	return rc;
}

/* "key N" of a flat keyed file */
static uint64_t keyed_value(const char *dir, const char *file, const char *key)
{
	cleanup_free char *p = dir ? xasprintf("%s/%s", dir, file) : NULL;
	cleanup_free char *t = p ? read_file_max(p, 1 << 16, NULL, NULL) : NULL;
	size_t n = strlen(key);

	for (const char *l = t; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strncmp(l, key, n) == 0 && l[n] == ' ')
			return strtoull(l + n + 1, NULL, 10);
	return 0;
}

bool cgroup_oom_killed(const struct ctr_cgroup *cg)
{
	/* v1: memory.oom_control's oom_kill (Linux 4.13+) */
	if (cg->dir[CG_MEMORY])
		return keyed_value(cg->dir[CG_MEMORY], "memory.oom_control", "oom_kill") > 0;
	return keyed_value(cg->dir[CG_UNIFIED], "memory.events", "oom_kill") > 0;
}
