/* api_libpod_stats.c - GET /libpod/containers/stats and /libpod/pods/stats:
 * the rows of `warren stats` and `warren pod stats` (runtime/statsrow.h)
 * in the shapes `podman --remote stats` and `pod stats` (4.3) read. */
#include "api/api_libpod.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/statsrow.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>

/* One ContainerStatsReport ({"Error", "Stats"}) of the containers names
 * (or all, or the running ones), the samples for the next in *next;
 * NULL with err set when a name is unknown or a running one has no
 * cgroup to read. */
static struct json_object *ctr_report(struct api_ctx *c, char **names, bool all,
				      struct stats_sample **prev, size_t *nprev, struct werr *err)
{
	struct container_rec *v = NULL;
	struct stats_sample *next;
	struct json_object *arr, *o;
	size_t n = 0;

	if (stats_targets(c->e, names, all, &v, &n, err) < 0)
		return NULL;
	arr = json_object_new_array();
	next = xcalloc(n + 1, sizeof(*next));
	for (size_t i = 0; i < n; i++) {
		struct ctr_stats s;
		if (stats_read(c->e, &v[i], &s, &next[i], err) < 0) {
			json_object_put(arr);
			free(next);
			container_recs_free(v, n);
			return NULL;
		}
		json_object_array_add(
		    arr, stats_libpod(&v[i], &s, stats_sample_find(*prev, *nprev, v[i].id)));
	}
	container_recs_free(v, n);
	free(*prev);
	*prev = next;
	*nprev = n;
	o = json_object_new_object();
	jset(o, "Error", NULL);
	jset(o, "Stats", arr);
	return o;
}

/* GET /libpod/containers/stats?containers=&stream=&interval=&all=: a
 * ContainerStatsReport, then (stream, the default) one every interval
 * seconds until the client leaves. An unknown name 404, a running
 * container without a cgroup of its own 409 with the engine's reason. */
int api_libpod_ctr_stats(struct api_ctx *c)
{
	cleanup_strv char **names = http_query_all(c->req, "containers");
	cleanup_free char *iv = http_query(c->req, "interval");
	bool stream = http_query_bool(c->req, "stream", true);
	bool all = http_query_bool(c->req, "all", false);
	struct stats_sample *prev = NULL;
	size_t nprev = 0;
	struct werr err = {0};
	struct json_object *o;
	long interval = iv && *iv ? strtol(iv, NULL, 10) : 5;

	if (api_ready(c) < 0)
		return 0;
	if (interval < 1)
		return api_error(c, 400,
				 "invalid interval, must be a positive number greater zero");
	o = ctr_report(c, names, all, &prev, &nprev, &err);
	if (o == NULL)
		return api_werr(c, &err, 409);
	if (!stream) {
		free(prev);
		return api_json(c, 200, o);
	}
	if (http_chunked_begin(c->fd, 200, "application/json") < 0) {
		json_object_put(o);
		free(prev);
		return 1;
	}
	while (o != NULL) {
		cleanup_free char *line =
		    xasprintf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		struct pollfd p = {c->fd, POLLRDHUP, 0};
		json_object_put(o);
		if (http_chunk(c->fd, line, strlen(line)) < 0 ||
		    poll(&p, 1, (int)interval * 1000) != 0)
			break; /* the client left */
		o = ctr_report(c, names, all, &prev, &nprev, &err);
		if (o == NULL)
			http_chunked_end(c->fd); /* a container went or lost its cgroup */
	}
	free(prev);
	return 1;
}

/* GET /libpod/pods/stats?namesOrIDs=&all=: pod stats' rows (Podman's
 * PodStatsReport) of the pods named, else of every pod; 404 an unknown
 * one, 400 names with all (Podman's check). */
int api_libpod_pod_stats(struct api_ctx *c)
{
	cleanup_strv char **names = http_query_all(c->req, "namesOrIDs");
	bool all = http_query_bool(c->req, "all", false);
	struct json_object **rows = NULL, *arr;
	struct stats_sample *samples = NULL;
	struct pod_rec *pods = NULL;
	size_t np = 0, n = 0;
	struct werr err = {0};
	int rc;

	if (api_ready(c) < 0)
		return 0;
	if (all && names && names[0])
		return api_error(c, 400, "--all, --latest and arguments cannot be used together");
	if (pod_stats_targets(c->e, names, &pods, &np, &err) < 0)
		return api_werr(c, &err, 500);
	rc = pod_stats_rows(c->e, pods, np, NULL, 0, &rows, &samples, &n, &err);
	pod_recs_free(pods, np);
	if (rc < 0)
		return api_werr(c, &err, 500);
	arr = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, rows[i]);
	free(rows);
	free(samples);
	return api_json(c, 200, arr);
}
