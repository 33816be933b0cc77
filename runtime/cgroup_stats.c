/* cgroup_stats.c - cgroup_stats_read (cgroup.h): what `stats` shows, from
 * the cgroup v1 controllers' files where the container has them, else
 * from its cgroup v2 dir. */
#include "runtime/cgroup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cleanup.h"
#include "lib/util.h"

static char *read_in(const char *dir, const char *file)
{
	cleanup_free char *p = dir ? xasprintf("%s/%s", dir, file) : NULL;
	return p ? read_file_max(p, 1 << 20, NULL, NULL) : NULL;
}

/* dir/file as one number; "max" (v2's no limit) is UINT64_MAX */
static bool read_u64(const char *dir, const char *file, uint64_t *out)
{
	cleanup_free char *t = read_in(dir, file);

	if (t == NULL)
		return false;
	*out = str_has_prefix(t, "max") ? UINT64_MAX : strtoull(t, NULL, 10);
	return true;
}

/* "key value" lines (memory.stat, cpu.stat): value of key, 0 if absent */
static uint64_t keyed(const char *text, const char *key)
{
	size_t n = strlen(key);

	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strncmp(l, key, n) == 0 && l[n] == ' ')
			return strtoull(l + n + 1, NULL, 10);
	return 0;
}

/* The host's memory (MemTotal), the limit of a cgroup without one. */
static uint64_t host_memory(void)
{
	cleanup_free char *t = read_file_max("/proc/meminfo", 1 << 16, NULL, NULL);
	const char *m = t ? strstr(t, "MemTotal:") : NULL;

	return m ? strtoull(m + 9, NULL, 10) * 1024 : 0;
}

/* Usage without the page cache the kernel can drop at once (inactive
 * files), as Podman counts it. */
static void memory(const struct ctr_cgroup *cg, struct cgroup_stats *s)
{
	const char *v1 = cg->dir[CG_MEMORY], *v2 = cg->dir[CG_UNIFIED];
	uint64_t usage = 0, limit = UINT64_MAX, host = host_memory();
	cleanup_free char *stat = NULL;
	uint64_t inactive;

	if (v1 && read_u64(v1, "memory.usage_in_bytes", &usage)) {
		read_u64(v1, "memory.limit_in_bytes", &limit);
		stat = read_in(v1, "memory.stat");
		inactive = keyed(stat, "total_inactive_file");
	} else if (v2 && read_u64(v2, "memory.current", &usage)) {
		read_u64(v2, "memory.max", &limit);
		stat = read_in(v2, "memory.stat");
		inactive = keyed(stat, "inactive_file");
	} else {
		return;
	}
	s->mem_usage = inactive < usage ? usage - inactive : usage;
	s->mem_limit = host && limit > host ? host : limit;
}

/* v1 blkio "MAJ:MIN Read N" lines; v2 io.stat "MAJ:MIN rbytes=N wbytes=N ..." */
static void blkio(const struct ctr_cgroup *cg, struct cgroup_stats *s)
{
	cleanup_free char *t =
	    read_in(cg->dir[CG_BLKIO], "blkio.throttle.io_service_bytes_recursive");
	char op[16];
	unsigned long long n;

	char *save = NULL;

	if (t != NULL) {
		/* line by line: a short line must not borrow from the next */
		for (char *l = strtok_r(t, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			if (sscanf(l, "%*s %15s %llu", op, &n) == 2) {
				if (strcmp(op, "Read") == 0)
					s->blk_read += n;
				else if (strcmp(op, "Write") == 0)
					s->blk_write += n;
			}
		return;
	}
	t = read_in(cg->dir[CG_UNIFIED], "io.stat");
	for (char *p = t; p && (p = strstr(p, "bytes=")) != NULL; p += 6)
		if (p - t >= 1 && (p[-1] == 'r' || p[-1] == 'w'))
			*(p[-1] == 'r' ? &s->blk_read : &s->blk_write) += strtoull(p + 6, NULL, 10);
}

/* Processes without a pids controller: the threads listed in the cgroup */
static uint64_t count_lines(const char *dir, const char *file)
{
	cleanup_free char *t = read_in(dir, file);
	uint64_t n = 0;

	for (char *p = t; p && *p; p++)
		n += *p == '\n';
	return n;
}

int cgroup_stats_read(const struct ctr_cgroup *cg, struct cgroup_stats *out, struct werr *err)
{
	struct cgroup_stats s = {0};
	const char *v2 = cg->dir[CG_UNIFIED];
	uint64_t ns;

	(void)err;
	if (read_u64(cg->dir[CG_CPUACCT], "cpuacct.usage", &ns)) {
		s.cpu_ns = ns;
	} else {
		cleanup_free char *st = read_in(v2, "cpu.stat");
		s.cpu_ns = keyed(st, "usage_usec") * 1000;
	}
	memory(cg, &s);
	blkio(cg, &s);
	if (!read_u64(cg->dir[CG_PIDS], "pids.current", &s.pids) &&
	    !read_u64(v2, "pids.current", &s.pids))
		s.pids = cg->dir[CG_FREEZER] ? count_lines(cg->dir[CG_FREEZER], "tasks")
					     : count_lines(v2, "cgroup.threads");
	*out = s;
	return 0;
}
