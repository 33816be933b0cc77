/* warren stats and pod stats: Podman's columns of CPU, memory, network,
 * block I/O and pids of containers, read from their own cgroups
 * (runtime/ctrcgroup.h), once (--no-stream) or every --interval seconds
 * until interrupted; pod stats a row per container of each pod. */
#include "cli/cli.h"
#include "cli/format.h"
#include "lib/cleanup.h"
#include "lib/godur.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/ctrcgroup.h"
#include "runtime/pods.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STATS_TABLE                                                                                \
	"table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{."     \
	"BlockIO}}\t{{.PIDS}}\t{{.UpTime}}\t{{.AVGCPU}}"

struct stats_opts {
	bool all, no_stream, no_reset, no_trunc, latest;
	const char *format;
	int interval;
};

static void stats_init(void *o)
{
	((struct stats_opts *)o)->interval = 5; /* Podman's default */
}

static const struct opt stats_tab[] = {
    OPT_BOOL("all", 'a', struct stats_opts, all),
    OPT_BOOL("no-stream", 0, struct stats_opts, no_stream),
    OPT_BOOL("no-reset", 0, struct stats_opts, no_reset),
    OPT_BOOL("no-trunc", 0, struct stats_opts, no_trunc),
    OPT_BOOL("latest", 'l', struct stats_opts, latest),
    OPT_STR("format", 0, struct stats_opts, format),
    OPT_UINT("interval", 'i', struct stats_opts, interval),
    OPT_TABLE_END,
};

const struct optspec cli_stats_opts = {stats_tab, sizeof(struct stats_opts), false, stats_init,
				       NULL};

/* The previous sample of a container, for CPU % between two. */
struct sample {
	char id[65];
	uint64_t cpu_ns;
	int64_t at;
};

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
			  const struct sample *prev)
{
	uint64_t cpu0 = prev ? prev->cpu_ns : 0;
	int64_t t0 = prev ? prev->at : c->started;

	if (c->state != CTR_RUNNING || s->at <= t0 || s->cg.cpu_ns <= cpu0)
		return 0;
	return (double)(s->cg.cpu_ns - cpu0) * 100.0 / (double)(s->at - t0);
}

static double avg_cpu(const struct container_rec *c, const struct ctr_stats *s)
{
	return cpu_percent(c, s, NULL);
}

/* One container as `--format json` has it (Podman's keys) or, view, as a
 * template sees it (Podman's field names). */
static struct json_object *stats_json(const struct container_rec *c, const struct ctr_stats *s,
				      const struct sample *prev, bool notrunc, bool view)
{
	struct json_object *o = json_object_new_object();
	double cpu = cpu_percent(c, s, prev), avg = avg_cpu(c, s);
	double memp =
	    s->cg.mem_limit ? (double)s->cg.mem_usage * 100.0 / (double)s->cg.mem_limit : 0;
	cleanup_free char *mem = pair(s->cg.mem_usage, s->cg.mem_limit, false);
	cleanup_free char *memb = pair(s->cg.mem_usage, s->cg.mem_limit, true);
	cleanup_free char *net = pair(s->net_rx, s->net_tx, false);
	cleanup_free char *blk = pair(s->cg.blk_read, s->cg.blk_write, false);
	cleanup_free char *cpus = percent(cpu), *avgs = percent(avg), *mems = percent(memp);
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
	jset(o, "CPUNano", json_object_new_int64((int64_t)s->cg.cpu_ns));
	jset(o, "MemLimit", json_object_new_int64((int64_t)s->cg.mem_limit));
	jset(o, "NetInput", json_object_new_int64((int64_t)s->net_rx));
	jset(o, "NetOutput", json_object_new_int64((int64_t)s->net_tx));
	jset(o, "BlockInput", json_object_new_int64((int64_t)s->cg.blk_read));
	jset(o, "BlockOutput", json_object_new_int64((int64_t)s->cg.blk_write));
	jset(o, "PIDs", json_object_new_int64((int64_t)s->cg.pids));
	return o;
}

static struct json_object *stats_headers(void)
{
	static const char *const titles[][2] = {
	    {"ID", "ID"},
	    {"Name", "NAME"},
	    {"CPUPerc", "CPU %"},
	    {"MemUsage", "MEM USAGE / LIMIT"},
	    {"MemUsageBytes", "MEM USAGE / LIMIT"},
	    {"MemPerc", "MEM %"},
	    {"NetIO", "NET IO"},
	    {"BlockIO", "BLOCK IO"},
	    {"PIDS", "PIDS"},
	    {"UpTime", "CPU TIME"},
	    {"AVGCPU", "AVG CPU %"},
	};
	struct json_object *h = json_object_new_object();

	for (size_t i = 0; i < ARRAY_SIZE(titles); i++)
		jset_str(h, titles[i][0], titles[i][1]);
	return h;
}

/* The containers to show: refs (each must exist), else every one (all)
 * or the running ones. */
static int targets(struct engine *e, char **refs, bool all, struct container_rec **out, size_t *n,
		   struct werr *err)
{
	size_t cnt = 0;

	if (refs[0] == NULL)
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

static struct sample *find_sample(struct sample *v, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].id, id) == 0)
			return &v[i];
	return NULL;
}

/* One round: reads every target, prints, remembers the samples. */
static int round_once(struct engine *e, const struct stats_opts *o, char **refs,
		      struct sample **prev, size_t *nprev, struct werr *err)
{
	struct container_rec *v = NULL;
	size_t n = 0;
	struct json_object **objs;
	cleanup_json struct json_object *hdr = stats_headers();
	struct sample *next;
	bool json = o->format && format_is_json(o->format);
	int rc = 0;

	if (targets(e, refs, o->all, &v, &n, err) < 0)
		return werr_status(err, 125);
	objs = xcalloc(n + 1, sizeof(*objs));
	next = xcalloc(n + 1, sizeof(*next));
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct ctr_stats s;
		if (ctr_cgroup_stats(e, &v[i], &s, err) < 0) {
			rc = werr_status(err, 125);
			break;
		}
		objs[i] =
		    stats_json(&v[i], &s, find_sample(*prev, *nprev, v[i].id), o->no_trunc, !json);
		snprintf(next[i].id, sizeof(next[i].id), "%s", v[i].id);
		next[i].cpu_ns = s.cg.cpu_ns;
		next[i].at = s.at;
	}
	if (rc == 0 && !o->no_stream && !o->no_reset)
		fputs("\033[2J\033[H", stdout); /* Podman clears the screen between rounds */
	if (rc == 0 && json) {
		struct json_object *arr = json_object_new_array();
		for (size_t i = 0; i < n; i++)
			json_object_array_add(arr, json_object_get(objs[i]));
		print_json_go(stdout, arr, " ", true);
		json_object_put(arr);
	} else if (rc == 0) {
		rc =
		    format_print(stdout, o->format ? o->format : STATS_TABLE, objs, n, hdr, err) < 0
			? werr_status(err, 125)
			: 0;
	}
	fflush(stdout);
	for (size_t i = 0; i < n; i++)
		json_object_put(objs[i]);
	free(objs);
	container_recs_free(v, n);
	free(*prev);
	*prev = next;
	*nprev = n;
	return rc;
}

typedef int (*stats_round)(struct engine *e, const struct stats_opts *o, char **refs,
			   struct sample **prev, size_t *nprev, struct werr *err);

/* The flags' checks, then rounds of round (what: "containers" or "pods",
 * for Podman's words) until one fails, or just one with --no-stream. */
static int stats_loop(struct engine *e, const struct stats_opts *o, char **args, stats_round round,
		      const char *what, struct werr *err)
{
	struct sample *prev = NULL;
	size_t nprev = 0;
	int rc;

	if (o->all && args[0] != NULL) {
		werr_set(err, 0, "--all, --latest and %s cannot be used together", what);
		return werr_status(err, 125);
	}
	if (o->latest) {
		werr_set(err, 0, "--latest is not supported: name the %.*s", (int)strlen(what) - 1,
			 what);
		return werr_status(err, 125);
	}
	if (o->interval < 1) {
		werr_set(err, 0, "invalid interval, must be a positive number greater zero");
		return werr_status(err, 125);
	}
	format_set_name("stats");
	for (;;) {
		rc = round(e, o, args, &prev, &nprev, err);
		if (rc != 0 || o->no_stream)
			break;
		sleep((unsigned)o->interval);
	}
	free(prev);
	return rc;
}

int cmd_stats(struct engine *e, void *opts, char **args, struct werr *err)
{
	return stats_loop(e, opts, args, round_once, "containers", err);
}

/* ---- pod stats ---- */

#define POD_STATS_TABLE                                                                            \
	"table {{.Pod}}\t{{.CID}}\t{{.Name}}\t{{.CPU}}\t{{.MemUsage}}\t{{.Mem}}\t{{.NetIO}}\t{{."  \
	"BlockIO}}\t{{.PIDS}}"

/* One pod member's row, Podman's keys in its order; s NULL: a container
 * that does not run or has no cgroup to read ("--", as Podman). */
static struct json_object *pod_row(const struct pod_rec *p, const struct container_rec *c,
				   const struct ctr_stats *s, const struct sample *prev)
{
	struct json_object *o = json_object_new_object();
	char pod[13], cid[13];
	cleanup_free char *cpu = NULL, *mem = NULL, *memb = NULL, *memp = NULL, *net = NULL,
			  *blk = NULL, *pids = NULL;

	snprintf(pod, sizeof(pod), "%.12s", p->id);
	snprintf(cid, sizeof(cid), "%.12s", c->id);
	if (s != NULL) {
		double mp =
		    s->cg.mem_limit ? (double)s->cg.mem_usage * 100.0 / (double)s->cg.mem_limit : 0;
		cpu = percent(cpu_percent(c, s, prev));
		mem = pair(s->cg.mem_usage, s->cg.mem_limit, false);
		memb = pair(s->cg.mem_usage, s->cg.mem_limit, true);
		memp = percent(mp);
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

static struct json_object *pod_stats_headers(void)
{
	static const char *const titles[][2] = {
	    {"Pod", "POD"},
	    {"CID", "CID"},
	    {"Name", "NAME"},
	    {"CPU", "CPU %"},
	    {"MemUsage", "MEM USAGE/ LIMIT"},
	    {"MemUsageBytes", "MEM USAGE/ LIMIT"},
	    {"Mem", "MEM %"},
	    {"NetIO", "NET IO"},
	    {"BlockIO", "BLOCK IO"},
	    {"PIDS", "PIDS"},
	};
	struct json_object *h = json_object_new_object();

	for (size_t i = 0; i < ARRAY_SIZE(titles); i++)
		jset_str(h, titles[i][0], titles[i][1]);
	return h;
}

/* The pods named (each must exist; Podman's error), else all of them. */
static int pod_targets(struct engine *e, char **refs, struct pod_rec **out, size_t *n,
		       struct werr *err)
{
	size_t cnt = 0;

	if (refs[0] == NULL)
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

/* One round of pod stats: a row per container of every target pod. */
static int pod_round(struct engine *e, const struct stats_opts *o, char **refs,
		     struct sample **prev, size_t *nprev, struct werr *err)
{
	struct pod_rec *pods = NULL;
	size_t np = 0, k = 0;
	struct json_object **objs = NULL;
	struct sample *next = NULL;
	cleanup_json struct json_object *hdr = pod_stats_headers();
	bool json = o->format && format_is_json(o->format);
	int rc = 0;

	if (pod_targets(e, refs, &pods, &np, err) < 0)
		return werr_status(err, 125);
	for (size_t i = 0; i < np && rc == 0; i++) {
		struct container_rec *v = NULL;
		size_t n = 0;
		if (pod_members(e, &pods[i], &v, &n, err) < 0) {
			rc = werr_status(err, 125);
			break;
		}
		objs = xrealloc(objs, (k + n + 1) * sizeof(*objs));
		next = xrealloc(next, (k + n + 1) * sizeof(*next));
		for (size_t j = 0; j < n; j++, k++) {
			struct ctr_stats s;
			struct werr e2 = {0};
			bool have =
			    v[j].state == CTR_RUNNING && ctr_cgroup_stats(e, &v[j], &s, &e2) == 0;
			objs[k] = pod_row(&pods[i], &v[j], have ? &s : NULL,
					  find_sample(*prev, *nprev, v[j].id));
			snprintf(next[k].id, sizeof(next[k].id), "%s", v[j].id);
			next[k].cpu_ns = have ? s.cg.cpu_ns : 0;
			next[k].at = have ? s.at : 0;
		}
		container_recs_free(v, n);
	}
	if (rc == 0 && !o->no_stream && !o->no_reset)
		fputs("\033[2J\033[H", stdout);
	if (rc == 0 && json) {
		struct json_object *arr = json_object_new_array();
		for (size_t i = 0; i < k; i++)
			json_object_array_add(arr, json_object_get(objs[i]));
		print_json_go(stdout, arr, "     ", true); /* Podman indents pod stats by 5 */
		json_object_put(arr);
	} else if (rc == 0 && format_print(stdout, o->format ? o->format : POD_STATS_TABLE, objs, k,
					   hdr, err) < 0) {
		rc = werr_status(err, 125);
	}
	fflush(stdout);
	for (size_t i = 0; i < k; i++)
		json_object_put(objs[i]);
	free(objs);
	pod_recs_free(pods, np);
	free(*prev);
	*prev = next;
	*nprev = k;
	return rc;
}

int cmd_pod_stats(struct engine *e, void *opts, char **args, struct werr *err)
{
	return stats_loop(e, opts, args, pod_round, "pods", err);
}
