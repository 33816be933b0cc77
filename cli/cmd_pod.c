/* warren pod create, ps, inspect, start, stop, restart, kill, pause,
 * unpause, rm, top, logs, exists, prune (issue 11). Output and errors as
 * podman 4.3.1 prints them. */
#include "cli/cli.h"
#include "cli/format.h"
#include "cli/help_pod.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/signame.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/ctrlog.h"
#include "runtime/ctrtop.h"
#include "runtime/limits.h"
#include "runtime/pods.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Looks ref up: 0 with *p filled, or -1 with Podman's "no such pod". */
static int lookup(struct engine *e, const char *ref, struct pod_rec *p, struct werr *err)
{
	int r = pod_lookup(e, ref, p, err);

	if (r == 0)
		pod_not_found(ref, err);
	return r <= 0 ? werr_status(err, 125) : 0;
}

/* Cobra's "accepts N arg(s), received M". */
static int nargs(char **args, size_t want, struct werr *err)
{
	size_t n = strv_len(args);

	if (n == want)
		return 0;
	werr_set(err, 0, "accepts %zu arg(s), received %zu", want, n);
	return werr_status(err, 125);
}

/* ---- create ---- */

struct pod_create_cli {
	const char *name, *hostname, *share, *infra;
	char **networks, **publish, **labels;
	struct res_limits limits; /* the pod's cgroup's (issue 14) */
};

/* the limits Podman's pod create takes, parsed as run's */
#define POD_LIMIT(fn, flag)                                                                        \
	static int pod_##fn(void *o, const char *v, struct werr *err)                              \
	{                                                                                          \
		return limits_parse(&((struct pod_create_cli *)o)->limits, flag, v, err);          \
	}
POD_LIMIT(memory, "memory")
POD_LIMIT(memory_swap, "memory-swap")
POD_LIMIT(cpus, "cpus")
POD_LIMIT(cpu_shares, "cpu-shares")
POD_LIMIT(cpuset_cpus, "cpuset-cpus")
POD_LIMIT(cpuset_mems, "cpuset-mems")
POD_LIMIT(blkio_weight, "blkio-weight")
POD_LIMIT(device_read_bps, "device-read-bps")
POD_LIMIT(device_write_bps, "device-write-bps")
POD_LIMIT(cgroup_parent, "cgroup-parent")

static const struct opt create_tab[] = {
    OPT_STR("name", 'n', struct pod_create_cli, name),
    OPT_STR("hostname", 0, struct pod_create_cli, hostname),
    OPT_STR("share", 0, struct pod_create_cli, share),
    OPT_STRV("network", 0, struct pod_create_cli, networks),
    OPT_STRV("net", 0, struct pod_create_cli, networks),
    OPT_STR("infra", 0, struct pod_create_cli, infra),
    OPT_STRV("publish", 'p', struct pod_create_cli, publish),
    OPT_STRV("label", 'l', struct pod_create_cli, labels),
    OPT_CALL("memory", 'm', pod_memory),
    OPT_CALL("memory-swap", 0, pod_memory_swap),
    OPT_CALL("cpus", 0, pod_cpus),
    OPT_CALL("cpu-shares", 'c', pod_cpu_shares),
    OPT_CALL("cpuset-cpus", 0, pod_cpuset_cpus),
    OPT_CALL("cpuset-mems", 0, pod_cpuset_mems),
    OPT_CALL("blkio-weight", 0, pod_blkio_weight),
    OPT_CALL("device-read-bps", 0, pod_device_read_bps),
    OPT_CALL("device-write-bps", 0, pod_device_write_bps),
    OPT_CALL("cgroup-parent", 0, pod_cgroup_parent),
    OPT_TABLE_END,
};

static void create_init(void *opts)
{
	((struct pod_create_cli *)opts)->limits.swappiness = -1;
}

static void create_fini(void *opts)
{
	struct pod_create_cli *o = opts;

	strv_free(o->networks);
	strv_free(o->publish);
	strv_free(o->labels);
	limits_free(&o->limits);
}

static const struct optspec create_opts = {create_tab, sizeof(struct pod_create_cli), false,
					   create_init, create_fini};

static int cmd_pod_create(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct pod_create_cli *c = opts;
	struct pod_create_opts o = {.name = c->name,
				    .hostname = c->hostname,
				    .share = c->share,
				    .networks = c->networks,
				    .publish = c->publish,
				    .labels = c->labels,
				    .limits = &c->limits};
	cleanup_free char *id = NULL;
	bool infra = true;

	/* Podman 4.3 takes the name as an argument too */
	if (strv_len(args) > 1) {
		werr_set(err, 0, "accepts at most 1 arg(s), received %zu", strv_len(args));
		return werr_status(err, 125);
	}
	if (args[0] != NULL && c->name != NULL) {
		werr_set(err, 0, "cannot specify --name and NAME at the same time");
		return werr_status(err, 125);
	}
	if (args[0] != NULL)
		o.name = args[0];
	if (c->infra && opts_parse_bool(c->infra, &infra) < 0) {
		werr_set(err, 0,
			 "invalid argument \"%s\" for \"--infra\" flag: strconv.ParseBool: "
			 "parsing \"%s\": invalid syntax",
			 c->infra, c->infra);
		return werr_status(err, 125);
	}
	o.no_infra = !infra;
	if (pod_create(e, &o, &id, err) < 0)
		return werr_status(err, err->status ? err->status : 125);
	printf("%s\n", id);
	return 0;
}

/* ---- ps ---- */

struct pod_ps_opts {
	bool quiet, no_trunc, noheading, ctr_names, ctr_ids, ctr_status;
	const char *format;
	char **filter;
};

static const struct opt ps_tab[] = {
    OPT_BOOL("quiet", 'q', struct pod_ps_opts, quiet),
    OPT_BOOL("no-trunc", 0, struct pod_ps_opts, no_trunc),
    OPT_BOOL("noheading", 0, struct pod_ps_opts, noheading),
    OPT_BOOL("ctr-names", 0, struct pod_ps_opts, ctr_names),
    OPT_BOOL("ctr-ids", 0, struct pod_ps_opts, ctr_ids),
    OPT_BOOL("ctr-status", 0, struct pod_ps_opts, ctr_status),
    OPT_STR("format", 0, struct pod_ps_opts, format),
    OPT_STRV("filter", 'f', struct pod_ps_opts, filter),
    OPT_TABLE_END,
};

static void ps_fini(void *opts)
{
	strv_free(((struct pod_ps_opts *)opts)->filter);
}

static const struct optspec ps_opts = {ps_tab, sizeof(struct pod_ps_opts), false, NULL, ps_fini};

static struct json_object *ps_headers(void)
{
	struct json_object *h = json_object_new_object();

	jset_str(h, "ID", "POD ID");
	jset_str(h, "Id", "POD ID");
	jset_str(h, "InfraID", "INFRA ID");
	jset_str(h, "InfraId", "INFRA ID");
	jset_str(h, "NumberOfContainers", "# OF CONTAINERS");
	jset_str(h, "ContainerNames", "NAMES");
	jset_str(h, "ContainerIds", "IDS");
	jset_str(h, "ContainerStatuses", "STATUS");
	return h;
}

static const char *ps_default(const struct pod_ps_opts *o)
{
	if (o->ctr_names || o->ctr_ids || o->ctr_status)
		return o->ctr_names && o->ctr_ids
			   ? "table {{.ID}}\t{{.Name}}\t{{.Status}}\t{{.Created}}\t{{.InfraID}}\t"
			     "{{.ContainerIds}}\t{{.ContainerNames}}"
		       : o->ctr_names ? "table {{.ID}}\t{{.Name}}\t{{.Status}}\t{{.Created}}\t"
					"{{.InfraID}}\t{{.ContainerNames}}"
		       : o->ctr_ids   ? "table {{.ID}}\t{{.Name}}\t{{.Status}}\t{{.Created}}\t"
					"{{.InfraID}}\t{{.ContainerIds}}"
				      : "table {{.ID}}\t{{.Name}}\t{{.Status}}\t{{.Created}}\t"
					"{{.InfraID}}\t{{.ContainerStatuses}}";
	return "table {{.ID}}\t{{.Name}}\t{{.Status}}\t{{.Created}}\t{{.InfraID}}\t"
	       "{{.NumberOfContainers}}";
}

static int cmd_pod_ps(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct pod_ps_opts *o = opts;
	const char *fmt = o->format ? o->format : ps_default(o);
	bool json = format_is_json(fmt);
	struct pod_rec *p = NULL;
	struct json_object **objs;
	size_t n = 0, k = 0;
	int rc = 0;

	if (args[0] != NULL) {
		werr_set(err, 0, "accepts 0 arg(s), received %zu", strv_len(args));
		return werr_status(err, 125);
	}
	if (pod_filter_check(o->filter, err) < 0 || pod_list(e, &p, &n, err) < 0)
		return werr_status(err, 125);
	objs = xcalloc(n + 1, sizeof(*objs));
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct container_rec *c = NULL;
		size_t nc = 0;
		int m;
		if (pod_members(e, &p[i], &c, &nc, err) < 0) {
			rc = -1;
			break;
		}
		m = pod_filter_match(o->filter, &p[i], c, nc, err);
		if (m < 0)
			rc = -1;
		else if (m > 0 && o->quiet)
			printf("%.*s\n", o->no_trunc ? 64 : 12, p[i].id);
		else if (m > 0)
			objs[k++] = pod_ps_json(&p[i], c, nc, !json, o->no_trunc);
		container_recs_free(c, nc);
	}
	pod_recs_free(p, n);
	if (rc == 0 && !o->quiet) {
		cleanup_json struct json_object *hdr = ps_headers();
		if (o->noheading && str_has_prefix(fmt, "table "))
			fmt += 6;
		format_set_name("pod ps");
		if (json) { /* Podman's pod ps: 2-space indent */
			cleanup_json struct json_object *arr = json_object_new_array();
			for (size_t i = 0; i < k; i++)
				json_object_array_add(arr, objs[i]);
			print_json_go(stdout, arr, "  ", true);
			free(objs);
			return 0;
		}
		return format_print_owned(stdout, fmt, objs, k, hdr, err) < 0
			   ? werr_status(err, 125)
			   : 0;
	}
	for (size_t i = 0; i < k; i++)
		json_object_put(objs[i]);
	free(objs);
	return rc < 0 ? werr_status(err, 125) : 0;
}

/* ---- inspect ---- */

static const struct opt inspect_tab[] = {
    OPT_STR("format", 'f', struct format_opts, format),
    OPT_TABLE_END,
};
static const struct optspec inspect_opts = {inspect_tab, sizeof(struct format_opts), false, NULL,
					    NULL};

struct json_object *cli_pod_inspect_one(struct engine *e, const struct pod_rec *p, struct werr *err)
{
	struct container_rec *c = NULL;
	size_t n = 0;
	struct json_object *j;

	if (pod_members(e, p, &c, &n, err) < 0)
		return NULL;
	j = pod_inspect_json(e, p, c, n);
	container_recs_free(c, n);
	return j;
}

/* Podman 4.3: one pod found is printed as an object, several as an array
 * (none: "[]"); an unknown one is an error after the others. */
static int cmd_pod_inspect(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct format_opts *o = opts;
	cleanup_json struct json_object *arr = json_object_new_array();
	bool tmpl = o->format && !format_is_json(o->format);
	int rc = 0;

	if (args[0] == NULL) {
		werr_set(err, 0, "requires at least 1 arg(s), only received 0");
		return werr_status(err, 125);
	}
	format_set_name("pod inspect");
	for (size_t i = 0; args[i] && rc == 0; i++) {
		struct pod_rec p = {0};
		struct json_object *j = NULL;
		int r = pod_lookup(e, args[i], &p, err);
		if (r == 0)
			werr_set(err, 0, "inspecting object: no such pod %s", args[i]);
		if (r > 0)
			j = cli_pod_inspect_one(e, &p, err);
		pod_rec_free(&p);
		if (j == NULL) {
			rc = -1;
			break;
		}
		if (tmpl) {
			cleanup_free char *s = template_render(o->format, j, err);
			json_object_put(j);
			if (s == NULL)
				return werr_status(err, 125);
			printf("%s\n", s);
		} else {
			json_object_array_add(arr, j);
		}
	}
	if (!tmpl && json_object_array_length(arr) == 1)
		print_json_go(stdout, json_object_array_get_idx(arr, 0), "     ", false);
	else if (!tmpl)
		print_json_go(stdout, arr, "     ", false);
	return rc < 0 ? werr_status(err, 125) : 0;
}

/* ---- start, stop, restart, kill, pause, unpause, rm ---- */

struct pod_act_opts {
	bool all, force, ignore;
	int time;
	bool time_set;
	const char *signal;
};

static int set_time(void *opts, const char *v, struct werr *err)
{
	struct pod_act_opts *o = opts;
	int64_t t;

	if (parse_int64(v, -1, INT32_MAX, &t) < 0) {
		werr_set(err, 0,
			 "invalid argument \"%s\" for \"-t, --time\" flag: strconv.ParseUint: "
			 "parsing \"%s\": invalid syntax",
			 v, v);
		return werr_status(err, 125);
	}
	o->time = (int)t;
	o->time_set = true;
	return 0;
}

static void act_init(void *opts)
{
	((struct pod_act_opts *)opts)->time = -1;
}

static const struct opt start_tab[] = {
    OPT_BOOL("all", 'a', struct pod_act_opts, all),
    OPT_TABLE_END,
};
static const struct opt stop_tab[] = {
    OPT_BOOL("all", 'a', struct pod_act_opts, all),
    OPT_BOOL("ignore", 'i', struct pod_act_opts, ignore),
    OPT_CALL("time", 't', set_time),
    OPT_TABLE_END,
};
static const struct opt kill_tab[] = {
    OPT_BOOL("all", 'a', struct pod_act_opts, all),
    OPT_STR("signal", 's', struct pod_act_opts, signal),
    OPT_TABLE_END,
};
static const struct opt rm_tab[] = {
    OPT_BOOL("all", 'a', struct pod_act_opts, all),
    OPT_BOOL("force", 'f', struct pod_act_opts, force),
    OPT_BOOL("ignore", 'i', struct pod_act_opts, ignore),
    OPT_CALL("time", 't', set_time),
    OPT_TABLE_END,
};
static const struct opt prune_tab[] = {
    OPT_BOOL("force", 'f', struct pod_act_opts, force),
    OPT_TABLE_END,
};
#define ACT_OPTS(name, tab)                                                                        \
	static const struct optspec name = {tab, sizeof(struct pod_act_opts), false, act_init, NULL}
ACT_OPTS(start_opts, start_tab);
ACT_OPTS(stop_opts, stop_tab);
ACT_OPTS(kill_opts, kill_tab);
ACT_OPTS(rm_opts, rm_tab);
ACT_OPTS(prune_opts, prune_tab);

enum pod_act { ACT_START, ACT_STOP, ACT_RESTART, ACT_KILL, ACT_PAUSE, ACT_UNPAUSE, ACT_RM };

static int act_one(struct engine *e, enum pod_act a, const struct pod_act_opts *o,
		   const struct pod_rec *p, int sig, struct werr *err)
{
	switch (a) {
	case ACT_START:
		return pod_start(e, p, err);
	case ACT_STOP:
		return pod_stop(e, p, o->time, err);
	case ACT_RESTART:
		return pod_stop(e, p, o->time, err) < 0 ? -1 : pod_start(e, p, err);
	case ACT_KILL:
		return pod_kill(e, p, sig, err);
	case ACT_PAUSE:
	case ACT_UNPAUSE:
		return pod_pause(e, p, a == ACT_PAUSE, err);
	case ACT_RM:
		return pod_remove(e, p, o->force, o->time, err);
	}
	return 0;
}

/* Runs a on each pod named (or all with -a), printing each id as Podman
 * does; the first failure is returned after the others ran, the ones
 * before it printed as "Error: ..." lines. */
static int for_each(struct engine *e, enum pod_act a, const struct pod_act_opts *o, char **args,
		    struct werr *err)
{
	struct pod_rec *all = NULL;
	size_t n = 0;
	int sig = SIGKILL, rc = 0, notfound = 0;

	if (a == ACT_KILL && o->signal && (sig = signal_parse(o->signal)) <= 0) {
		werr_set(err, 0, "invalid signal: %s", o->signal);
		return werr_status(err, 125);
	}
	if (o->all && args[0] != NULL) {
		werr_set(err, 0,
			 "when using the --all switch, you may not pass any pods names or "
			 "IDs");
		return werr_status(err, 125);
	}
	if (!o->all && args[0] == NULL) {
		werr_set(err, 0, "you must provide at least one name or id");
		return werr_status(err, 125);
	}
	if (o->all && pod_list(e, &all, &n, err) < 0)
		return werr_status(err, 125);
	for (size_t i = 0; o->all ? i < n : args[i] != NULL; i++) {
		struct pod_rec p = {0};
		struct werr e2 = {0};
		int r = o->all ? 0 : pod_lookup(e, args[i], &p, &e2);
		const struct pod_rec *pp = o->all ? &all[i] : &p;

		if (r == 0 && !o->all) {
			if (o->ignore)
				continue;
			pod_not_found(args[i], &e2);
			notfound = 1;
			r = -1;
		} else if (r >= 0) {
			r = act_one(e, a, o, pp, sig, &e2);
		}
		if (r == 0)
			printf("%s\n", pp->id);
		else if (rc == 0) {
			*err = e2;
			rc = -1;
		} else {
			cli_error("%s", e2.msg);
		}
		pod_rec_free(&p);
	}
	pod_recs_free(all, n);
	fflush(stdout);
	/* Podman: pod rm of an unknown pod exits 1 */
	if (rc < 0 && a == ACT_RM && notfound)
		return werr_status(err, 1);
	return rc < 0 ? werr_status(err, err->status ? err->status : 125) : 0;
}

#define ACT_CMD(fn, act)                                                                           \
	static int fn(struct engine *e, void *opts, char **args, struct werr *err)                 \
	{                                                                                          \
		return for_each(e, act, opts, args, err);                                          \
	}
ACT_CMD(cmd_pod_start, ACT_START)
ACT_CMD(cmd_pod_stop, ACT_STOP)
ACT_CMD(cmd_pod_restart, ACT_RESTART)
ACT_CMD(cmd_pod_kill, ACT_KILL)
ACT_CMD(cmd_pod_pause, ACT_PAUSE)
ACT_CMD(cmd_pod_unpause, ACT_UNPAUSE)
ACT_CMD(cmd_pod_rm, ACT_RM)

/* ---- exists ---- */

static int cmd_pod_exists(struct engine *e, void *opts, char **args, struct werr *err)
{
	struct pod_rec p = {0};
	int r;

	(void)opts;
	if (nargs(args, 1, err) < 0)
		return -1;
	r = pod_lookup(e, args[0], &p, err);
	pod_rec_free(&p);
	if (r < 0)
		return werr_status(err, 125);
	return r == 1 ? 0 : 1;
}

/* ---- prune ---- */

static int cmd_pod_prune(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct pod_act_opts *o = opts;
	struct pod_rec *p = NULL;
	size_t n = 0;
	int rc = 0;

	if (args[0] != NULL) {
		werr_set(err, 0, "accepts 0 arg(s), received %zu", strv_len(args));
		return werr_status(err, 125);
	}
	if (!o->force) {
		int r = cli_confirm("WARNING! This will remove all stopped/exited pods..", err);
		if (r <= 0)
			return r < 0 ? werr_status(err, 125) : 0;
	}
	if (pod_list(e, &p, &n, err) < 0)
		return werr_status(err, 125);
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct container_rec *c = NULL;
		size_t nc = 0;
		bool busy = false;
		if (pod_members(e, &p[i], &c, &nc, err) < 0) {
			rc = -1;
			break;
		}
		for (size_t k = 0; k < nc; k++)
			busy = busy || c[k].state == CTR_RUNNING || c[k].state == CTR_REMOVING;
		container_recs_free(c, nc);
		if (busy)
			continue;
		rc = pod_remove(e, &p[i], false, -1, err);
		if (rc == 0)
			printf("%s\n", p[i].id);
	}
	pod_recs_free(p, n);
	return rc < 0 ? werr_status(err, 125) : 0;
}

/* ---- top ---- */

static int cmd_pod_top(struct engine *e, void *opts, char **args, struct werr *err)
{
	struct pod_rec p = {0};
	struct container_rec *c = NULL;
	struct table *tab = NULL;
	size_t n = 0;
	int rc = 0;

	(void)opts;
	if (args[0] == NULL) {
		werr_set(err, 0, "you must provide the name or id of a running pod");
		return werr_status(err, 125);
	}
	if (lookup(e, args[0], &p, err) < 0)
		return werr_wrap(err, "unable to look up requested container");
	rc = pod_members(e, &p, &c, &n, err);
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct top_table t = {0};
		if (c[i].state != CTR_RUNNING)
			continue;
		rc = container_top(e, &c[i], args + 1, &t, err);
		if (rc < 0)
			break;
		if (tab == NULL) {
			tab = table_new(t.ncols);
			table_add(tab, (const char *const *)t.cells);
		}
		for (size_t r = 1; r < t.nrows; r++)
			table_add(tab, (const char *const *)&t.cells[r * t.ncols]);
		top_table_free(&t);
	}
	/* Podman prints nothing for a pod with nothing running */
	if (rc == 0 && tab != NULL)
		table_print(tab, stdout);
	if (tab)
		table_free(tab);
	container_recs_free(c, n);
	pod_rec_free(&p);
	return rc < 0 ? werr_status(err, 125) : 0;
}

/* ---- logs ---- */

struct pod_logs_opts {
	bool names, timestamps, follow;
	const char *container, *tail, *since, *until;
};

static const struct opt logs_tab[] = {
    OPT_STR("container", 'c', struct pod_logs_opts, container),
    OPT_BOOL("names", 'n', struct pod_logs_opts, names),
    OPT_BOOL("follow", 'f', struct pod_logs_opts, follow),
    OPT_BOOL("timestamps", 't', struct pod_logs_opts, timestamps),
    OPT_STR("tail", 0, struct pod_logs_opts, tail),
    OPT_STR("since", 0, struct pod_logs_opts, since),
    OPT_STR("until", 0, struct pod_logs_opts, until),
    OPT_TABLE_END,
};
static const struct optspec logs_opts = {logs_tab, sizeof(struct pod_logs_opts), false, NULL, NULL};

static int logs_parse(const struct pod_logs_opts *o, struct log_opts *lo, struct werr *err)
{
	int64_t now = now_ns(), tail = -1;

	*lo = (struct log_opts){.timestamps = o->timestamps, .follow = o->follow, .tail = -1};
	if (o->since && ctrlog_parse_time(o->since, now, &lo->since) < 0)
		werr_set(err, 0, "invalid value for \"since\": \"%s\" is not a time", o->since);
	else if (o->until && ctrlog_parse_time(o->until, now, &lo->until) < 0)
		werr_set(err, 0, "invalid value for \"until\": \"%s\" is not a time", o->until);
	else if (o->tail && parse_int64(o->tail, -1, INT32_MAX, &tail) < 0)
		werr_set(err, 0,
			 "invalid argument \"%s\" for \"--tail\" flag: strconv.ParseInt: parsing "
			 "\"%s\": invalid syntax",
			 o->tail, o->tail);
	else {
		lo->tail = (long)tail;
		return 0;
	}
	return werr_status(err, 125);
}

/* -f: each container's log followed by a process of its own, their lines
 * interleaved as they come (whole lines: each is one write), until all
 * have exited. The child opens a store of its own: an SQLite connection
 * must not be shared across fork. */
static pid_t follow_one(struct engine *e, const struct container_rec *c, const struct log_opts *lo)
{
	pid_t pid = fork();
	struct werr err = {0};

	if (pid != 0)
		return pid;
	e->store = NULL;
	if (container_logs(e, c, lo, STDOUT_FILENO, STDERR_FILENO, &err) < 0) {
		cli_error("%s", err.msg);
		_exit(125);
	}
	_exit(0);
}

static int wait_followers(const pid_t *pids, size_t n, struct werr *err)
{
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		int st = 0;
		while (waitpid(pids[i], &st, 0) < 0 && errno == EINTR)
			;
		if (rc == 0 && !(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
			werr_set(err, 0, "following the logs of the pod failed");
			rc = werr_status(err, 125);
		}
	}
	return rc;
}

static int cmd_pod_logs(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct pod_logs_opts *o = opts;
	struct pod_rec p = {0};
	struct container_rec *c = NULL;
	struct log_opts lo;
	size_t n = 0, shown = 0;
	pid_t *pids = NULL;
	int rc;

	if (nargs(args, 1, err) < 0 || logs_parse(o, &lo, err) < 0 ||
	    lookup(e, args[0], &p, err) < 0)
		return -1;
	rc = pod_members(e, &p, &c, &n, err);
	pids = xcalloc(n + 1, sizeof(*pids));
	fflush(stdout);
	/* the members' logs in creation order; the infra writes none */
	for (size_t i = 0; i < n && rc == 0; i++) {
		cleanup_free char *prefix = NULL;
		if (strcmp(c[i].id, p.infra_id) == 0)
			continue;
		if (o->container && strcmp(c[i].name, o->container) != 0 &&
		    !str_has_prefix(c[i].id, o->container))
			continue;
		if (o->names) {
			prefix = xasprintf("%s ", c[i].name);
			lo.prefix = prefix;
		}
		if (o->follow) {
			pids[shown] = follow_one(e, &c[i], &lo);
			if (pids[shown] < 0)
				rc = werr_set(err, errno, "fork");
			else
				shown++;
		} else {
			rc = container_logs(e, &c[i], &lo, STDOUT_FILENO, STDERR_FILENO, err);
			shown++;
		}
		lo.prefix = NULL;
	}
	if (o->follow) { /* a failure before them stays the error */
		struct werr later = {0};
		int w = wait_followers(pids, shown, &later);
		if (rc == 0 && w < 0) {
			*err = later;
			rc = -1;
		}
	}
	if (rc == 0 && o->container && shown == 0) {
		werr_set(err, 0, "container %s is not in pod %s", o->container, p.name);
		rc = werr_status(err, 125);
	}
	free(pids);
	container_recs_free(c, n);
	pod_rec_free(&p);
	return rc < 0 ? werr_status(err, err->status ? err->status : 125) : 0;
}

const struct cmd cli_pod_commands[] = {
    {"create", cmd_pod_create, &create_opts, "create a pod", POD_CREATE_HELP, NEEDS_STORE, NULL},
    {"exists", cmd_pod_exists, NULL, "check whether a pod exists", POD_EXISTS_HELP, NEEDS_STORE,
     NULL},
    {"inspect", cmd_pod_inspect, &inspect_opts, "show a pod as JSON", POD_INSPECT_HELP, NEEDS_STORE,
     NULL},
    {"kill", cmd_pod_kill, &kill_opts, "send a signal to the containers of pods", POD_KILL_HELP,
     NEEDS_STORE, NULL},
    {"logs", cmd_pod_logs, &logs_opts, "print the output of the containers of a pod", POD_LOGS_HELP,
     NEEDS_STORE, NULL},
    {"ls", cmd_pod_ps, &ps_opts, "list pods", POD_PS_HELP, NEEDS_STORE, NULL},
    {"list", cmd_pod_ps, &ps_opts, "list pods", POD_PS_HELP, NEEDS_STORE, NULL},
    {"pause", cmd_pod_pause, &start_opts, "pause the containers of pods", POD_PAUSE_HELP,
     NEEDS_STORE, NULL},
    {"prune", cmd_pod_prune, &prune_opts, "remove pods with no running container", POD_PRUNE_HELP,
     NEEDS_STORE, NULL},
    {"ps", cmd_pod_ps, &ps_opts, "list pods", POD_PS_HELP, NEEDS_STORE, NULL},
    {"restart", cmd_pod_restart, &stop_opts, "stop and start pods", POD_RESTART_HELP, NEEDS_STORE,
     NULL},
    {"rm", cmd_pod_rm, &rm_opts, "remove pods", POD_RM_HELP, NEEDS_STORE, NULL},
    {"start", cmd_pod_start, &start_opts, "start pods", POD_START_HELP, NEEDS_STORE, NULL},
    {"stats", cmd_pod_stats, &cli_stats_opts, "show the resource use of a pod's containers",
     POD_STATS_HELP, NEEDS_STORE, NULL},
    {"stop", cmd_pod_stop, &stop_opts, "stop pods", POD_STOP_HELP, NEEDS_STORE, NULL},
    {"top", cmd_pod_top, NULL, "show the processes of a pod", POD_TOP_HELP, NEEDS_STORE, NULL},
    {"unpause", cmd_pod_unpause, &start_opts, "unpause the containers of pods", POD_UNPAUSE_HELP,
     NEEDS_STORE, NULL},
    {NULL, NULL, NULL, NULL, NULL, NEEDS_STORE, NULL},
};
