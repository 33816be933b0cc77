/* warren stats and pod stats: Podman's columns of CPU, memory, network,
 * block I/O and pids of containers, read from their own cgroups
 * (runtime/ctrcgroup.h), once (--no-stream) or every --interval seconds
 * until interrupted; pod stats a row per container of each pod. */
#include "cli/cli.h"
#include "cli/format.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/ctrcgroup.h"
#include "runtime/pods.h"
#include "runtime/statsrow.h"

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

/* One round: reads every target, prints, remembers the samples. */
static int round_once(struct engine *e, const struct stats_opts *o, char **refs,
		      struct stats_sample **prev, size_t *nprev, struct werr *err)
{
	struct container_rec *v = NULL;
	size_t n = 0;
	struct json_object **objs;
	cleanup_json struct json_object *hdr = stats_headers();
	struct stats_sample *next;
	bool json = o->format && format_is_json(o->format);
	int rc = 0;

	if (stats_targets(e, refs, o->all, &v, &n, err) < 0)
		return werr_status(err, 125);
	objs = xcalloc(n + 1, sizeof(*objs));
	next = xcalloc(n + 1, sizeof(*next));
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct ctr_stats s;
		if (stats_read(e, &v[i], &s, &next[i], err) < 0) {
			rc = werr_status(err, 125);
			break;
		}
		objs[i] = stats_row(&v[i], &s, stats_sample_find(*prev, *nprev, v[i].id),
				    o->no_trunc, !json);
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
			   struct stats_sample **prev, size_t *nprev, struct werr *err);

/* The flags' checks, then rounds of round (what: "containers" or "pods",
 * for Podman's words) until one fails, or just one with --no-stream. */
static int stats_loop(struct engine *e, const struct stats_opts *o, char **args, stats_round round,
		      const char *what, struct werr *err)
{
	struct stats_sample *prev = NULL;
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

/* One round of pod stats: a row per container of every target pod. */
static int pod_round(struct engine *e, const struct stats_opts *o, char **refs,
		     struct stats_sample **prev, size_t *nprev, struct werr *err)
{
	struct pod_rec *pods = NULL;
	size_t np = 0, k = 0;
	struct json_object **objs = NULL;
	struct stats_sample *next = NULL;
	cleanup_json struct json_object *hdr = pod_stats_headers();
	bool json = o->format && format_is_json(o->format);
	int rc = 0;

	if (pod_stats_targets(e, refs, &pods, &np, err) < 0)
		return werr_status(err, 125);
	if (pod_stats_rows(e, pods, np, *prev, *nprev, &objs, &next, &k, err) < 0) {
		pod_recs_free(pods, np);
		return werr_status(err, 125);
	}
	if (!o->no_stream && !o->no_reset)
		fputs("\033[2J\033[H", stdout);
	if (json) {
		struct json_object *arr = json_object_new_array();
		for (size_t i = 0; i < k; i++)
			json_object_array_add(arr, json_object_get(objs[i]));
		print_json_go(stdout, arr, "     ", true); /* Podman indents pod stats by 5 */
		json_object_put(arr);
	} else if (format_print(stdout, o->format ? o->format : POD_STATS_TABLE, objs, k, hdr,
				err) < 0) {
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
