/* statsrow.c - the rows of `stats` and `pod stats` (statsrow.h): the
 * readings of ctrcgroup.c in Podman's words and units, shared by the CLI
 * and the libpod API so that both print the same. */
#include "runtime/statsrow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cleanup.h"
#include "lib/godur.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/container.h"

const struct stats_sample *stats_sample_find(const struct stats_sample *v, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].id, id) == 0)
			return &v[i];
	return NULL;
}

int stats_read(struct engine *e, const struct container_rec *c, struct ctr_stats *s,
	       struct stats_sample *sample, struct werr *err)
{
	if (ctr_cgroup_stats(e, c, s, err) < 0)
		return -1;
	snprintf(sample->id, sizeof(sample->id), "%s", c->id);
	sample->cpu_ns = s->cg.cpu_ns;
	sample->at = s->at;
	return 0;
}

/* Go's units.BytesSize: "688KiB", "23.54GiB" */
static void size_binary(uint64_t b, char *buf, size_t len)
{
	static const char *const u[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	double v = (double)b;
	size_t i = 0;

	while (v >= 1024 && i + 1 < ARRAY_SIZE(u)) {
		v /= 1024;
		i++;
	}
	snprintf(buf, len, "%.4g%s", v, u[i]);
}

/* "647.2kB / 25.28GB" (Go's HumanSizeWithPrecision, 4 digits) */
static char *pair(uint64_t a, uint64_t b, bool binary)
{
	char x[32], y[32];

	if (binary) {
		size_binary(a, x, sizeof(x));
		size_binary(b, y, sizeof(y));
	} else {
		format_size_go((int64_t)a, 4, "", x, sizeof(x));
		format_size_go((int64_t)b, 4, "", y, sizeof(y));
	}
	return xasprintf("%s / %s", x, y);
}

static char *percent(double p)
{
	return xasprintf("%.2f%%", p);
}

/* CPU % since the previous sample (the first: since the start), as
 * Podman's: CPU time over wall time, not divided by the CPUs. */
static double cpu_percent(const struct container_rec *c, const struct ctr_stats *s,
			  const struct stats_sample *prev)
{
	uint64_t cpu0 = prev ? prev->cpu_ns : 0;
	int64_t t0 = prev ? prev->at : c->started;

	if (c->state != CTR_RUNNING || s->at <= t0 || s->cg.cpu_ns <= cpu0)
		return 0;
	return (double)(s->cg.cpu_ns - cpu0) * 100.0 / (double)(s->at - t0);
}

static double mem_percent(const struct ctr_stats *s)
{
	return s->cg.mem_limit ? (double)s->cg.mem_usage * 100.0 / (double)s->cg.mem_limit : 0;
}

/* the template's numbers (Podman's ContainerStats fields) */
static void set_numbers(struct json_object *o, const struct ctr_stats *s)
{
	jset(o, "CPUNano", json_object_new_int64((int64_t)s->cg.cpu_ns));
	jset(o, "MemLimit", json_object_new_int64((int64_t)s->cg.mem_limit));
	jset(o, "NetInput", json_object_new_int64((int64_t)s->net_rx));
	jset(o, "NetOutput", json_object_new_int64((int64_t)s->net_tx));
	jset(o, "BlockInput", json_object_new_int64((int64_t)s->cg.blk_read));
	jset(o, "BlockOutput", json_object_new_int64((int64_t)s->cg.blk_write));
	jset(o, "PIDs", json_object_new_int64((int64_t)s->cg.pids));
}

struct json_object *stats_row(const struct container_rec *c, const struct ctr_stats *s,
			      const struct stats_sample *prev, bool notrunc, bool view)
{
	struct json_object *o = json_object_new_object();
	double cpu = cpu_percent(c, s, prev), avg = cpu_percent(c, s, NULL);
	cleanup_free char *mem = pair(s->cg.mem_usage, s->cg.mem_limit, false);
	cleanup_free char *memb = pair(s->cg.mem_usage, s->cg.mem_limit, true);
	cleanup_free char *net = pair(s->net_rx, s->net_tx, false);
	cleanup_free char *blk = pair(s->cg.blk_read, s->cg.blk_write, false);
	cleanup_free char *cpus = percent(cpu), *avgs = percent(avg),
			  *mems = percent(mem_percent(s));
	char id[65], dur[64], pids[32];

	snprintf(id, sizeof(id), "%.*s", notrunc ? 64 : 12, c->id);
	godur_string((int64_t)s->cg.cpu_ns, dur, sizeof(dur));
	snprintf(pids, sizeof(pids), "%llu", (unsigned long long)s->cg.pids);
	if (!view) {
		const char *kv[][2] = {{"id", id},
				       {"name", c->name},
				       {"cpu_time", dur},
				       {"cpu_percent", cpus},
				       {"avg_cpu", avgs},
				       {"mem_usage", mem},
				       {"mem_percent", mems},
				       {"net_io", net},
				       {"block_io", blk},
				       {"pids", pids}};
		for (size_t i = 0; i < ARRAY_SIZE(kv); i++)
			jset_str(o, kv[i][0], kv[i][1]);
		return o;
	}
	const char *kv[][2] = {{"ID", id},	  {"Name", c->name},	   {"CPUPerc", cpus},
			       {"MemUsage", mem}, {"MemUsageBytes", memb}, {"MemPerc", mems},
			       {"NetIO", net},	  {"BlockIO", blk},	   {"PIDS", pids},
			       {"UpTime", dur},	  {"AVGCPU", avgs},	   {"ContainerID", c->id}};
	for (size_t i = 0; i < ARRAY_SIZE(kv); i++)
		jset_str(o, kv[i][0], kv[i][1]);
	jset(o, "CPU", json_object_new_double(cpu));
	jset(o, "AvgCPU", json_object_new_double(avg));
	set_numbers(o, s);
	return o;
}

struct json_object *stats_libpod(const struct container_rec *c, const struct ctr_stats *s,
				 const struct stats_sample *prev)
{
	struct json_object *o = json_object_new_object();
	int64_t up = c->state == CTR_RUNNING && s->at > c->started ? s->at - c->started : 0;

	jset(o, "AvgCPU", json_object_new_double(cpu_percent(c, s, NULL)));
	jset_str(o, "ContainerID", c->id);
	jset_str(o, "Name", c->name);
	jset(o, "PerCPU", NULL);
	jset(o, "CPU", json_object_new_double(cpu_percent(c, s, prev)));
	jset(o, "CPUSystemNano", json_object_new_int64(0));
	jset(o, "SystemNano", json_object_new_int64(s->at));
	jset(o, "MemUsage", json_object_new_int64((int64_t)s->cg.mem_usage));
	jset(o, "MemPerc", json_object_new_double(mem_percent(s)));
	set_numbers(o, s);
	/* Podman's UpTime is the CPU time (what `stats` calls CPU TIME) */
	jset(o, "UpTime", json_object_new_int64((int64_t)s->cg.cpu_ns));
	jset(o, "Duration", json_object_new_int64(up));
	return o;
}

int stats_targets(struct engine *e, char **refs, bool all, struct container_rec **out, size_t *n,
		  struct werr *err)
{
	size_t cnt = 0;

	if (refs == NULL || refs[0] == NULL)
		return container_list(e, all, out, n, err);
	*out = xcalloc(strv_len(refs), sizeof(**out));
	for (size_t i = 0; refs[i]; i++) {
		int r = container_lookup(e, refs[i], &(*out)[cnt], err);
		if (r == 0)
			container_not_found(refs[i], err);
		if (r <= 0) {
			werr_wrap(err,
				  "unable to get list of containers: unable to look up "
				  "container %s",
				  refs[i]);
			container_recs_free(*out, cnt);
			return -1;
		}
		cnt++;
	}
	*n = cnt;
	return 0;
}

int pod_stats_targets(struct engine *e, char **refs, struct pod_rec **out, size_t *n,
		      struct werr *err)
{
	size_t cnt = 0;

	if (refs == NULL || refs[0] == NULL)
		return pod_list(e, out, n, err);
	*out = xcalloc(strv_len(refs), sizeof(**out));
	for (size_t i = 0; refs[i]; i++) {
		int r = pod_lookup(e, refs[i], &(*out)[cnt], err);
		if (r == 0)
			pod_not_found(refs[i], err);
		if (r <= 0) {
			werr_wrap(err, "unable to get list of pods");
			pod_recs_free(*out, cnt);
			return -1;
		}
		cnt++;
	}
	*n = cnt;
	return 0;
}

/* One pod member's row, Podman's keys in its order; s NULL: a container
 * that does not run or has no cgroup to read ("--", as Podman). */
static struct json_object *pod_row(const struct pod_rec *p, const struct container_rec *c,
				   const struct ctr_stats *s, const struct stats_sample *prev)
{
	struct json_object *o = json_object_new_object();
	char pod[13], cid[13];
	cleanup_free char *cpu = NULL, *mem = NULL, *memb = NULL, *memp = NULL, *net = NULL,
			  *blk = NULL, *pids = NULL;

	snprintf(pod, sizeof(pod), "%.12s", p->id);
	snprintf(cid, sizeof(cid), "%.12s", c->id);
	if (s != NULL) {
		cpu = percent(cpu_percent(c, s, prev));
		mem = pair(s->cg.mem_usage, s->cg.mem_limit, false);
		memb = pair(s->cg.mem_usage, s->cg.mem_limit, true);
		memp = percent(mem_percent(s));
		net = pair(s->net_rx, s->net_tx, false);
		blk = pair(s->cg.blk_read, s->cg.blk_write, false);
		pids = xasprintf("%llu", (unsigned long long)s->cg.pids);
	}
	jset_str(o, "CPU", cpu ? cpu : "--");
	jset_str(o, "MemUsage", mem ? mem : "-- / --");
	jset_str(o, "MemUsageBytes", memb ? memb : "-- / --");
	jset_str(o, "Mem", memp ? memp : "--");
	jset_str(o, "NetIO", net ? net : "-- / --");
	jset_str(o, "BlockIO", blk ? blk : "-- / --");
	jset_str(o, "PIDS", pids ? pids : "--");
	jset_str(o, "Pod", pod);
	jset_str(o, "CID", cid);
	jset_str(o, "Name", c->name);
	return o;
}

int pod_stats_rows(struct engine *e, const struct pod_rec *pods, size_t np,
		   const struct stats_sample *prev, size_t nprev, struct json_object ***rows,
		   struct stats_sample **next, size_t *n, struct werr *err)
{
	struct json_object **objs = NULL;
	struct stats_sample *samples = NULL;
	size_t k = 0;

	for (size_t i = 0; i < np; i++) {
		struct container_rec *v = NULL;
		size_t nv = 0;
		if (pod_members(e, &pods[i], &v, &nv, err) < 0) {
			for (size_t j = 0; j < k; j++)
				json_object_put(objs[j]);
			free(objs);
			free(samples);
			return -1;
		}
		objs = xrealloc(objs, (k + nv + 1) * sizeof(*objs));
		samples = xrealloc(samples, (k + nv + 1) * sizeof(*samples));
		for (size_t j = 0; j < nv; j++, k++) {
			struct ctr_stats s;
			struct werr e2 = {0};
			memset(&samples[k], 0, sizeof(samples[k]));
			snprintf(samples[k].id, sizeof(samples[k].id), "%s", v[j].id);
			bool have = v[j].state == CTR_RUNNING &&
				    stats_read(e, &v[j], &s, &samples[k], &e2) == 0;
			objs[k] = pod_row(&pods[i], &v[j], have ? &s : NULL,
					  stats_sample_find(prev, nprev, v[j].id));
			werr_clear(&e2);
		}
		container_recs_free(v, nv);
	}
	*rows = objs;
	*next = samples;
	*n = k;
	return 0;
}
