/* api_libpod_pod.c - /libpod/pods: create, json (with pod ps's filters),
 * {id}/json, exists, start, stop, restart, kill, pause, unpause, top,
 * DELETE and prune, over the engine calls of `warren pod`
 * (runtime/pods.h), with the shapes `podman --remote pod` (4.3) reads. */
#include "api/api_libpod.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/signame.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/ctrtop.h"
#include "runtime/pods.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

/* The pod the path names; Podman's 404 "no pod with name or ID X found:
 * no such pod" answered here. 1 found, 0 answered. */
static int pod_ref(struct api_ctx *c, struct pod_rec *p)
{
	struct werr err = {0};
	int r;

	if (api_ready(c) < 0)
		return 0;
	r = pod_lookup(c->e, c->arg, p, &err);
	if (r == 0) {
		pod_not_found(c->arg, &err);
		api_error(c, 404, "%s", err.msg);
	} else if (r < 0) {
		api_werr(c, &err, 500);
	}
	return r == 1;
}

/* The pod's members (infra too) into *m, *n: 0, or -1 with a 500
 * answered here. */
static int members(struct api_ctx *c, const struct pod_rec *p, struct container_rec **m, size_t *n)
{
	struct werr err = {0};

	*m = NULL;
	*n = 0;
	if (pod_members(c->e, p, m, n, &err) < 0) {
		api_werr(c, &err, 500);
		return -1;
	}
	return 0;
}

/* PodSpecGenerator's shared_namespaces (strings) as --share ("none" for
 * []); NULL when absent */
static char *share_of(struct json_object *a)
{
	cleanup_strv char **v = jstrv(a);

	if (a == NULL)
		return NULL;
	return v && v[0] ? strv_join(v, ",") : xstrdup("none");
}

/* The body's fields as pod_create_opts (pointers into b; *publish,
 * *labels, *share, *nets malloc'd); 0 or -1 with err (a 400). */
static int pod_spec(struct json_object *b, struct pod_create_opts *o, char **share, char ***nets,
		    struct werr *err)
{
	static const struct {
		const char *field;
		enum json_type type;
	} types[] = {
	    {"name", json_type_string},	       {"hostname", json_type_string},
	    {"labels", json_type_object},      {"no_infra", json_type_boolean},
	    {"portmappings", json_type_array}, {"shared_namespaces", json_type_array},
	    {"netns", json_type_object},       {"Networks", json_type_object},
	};
	const char *bad = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		if (!api_typed(b, types[i].field, types[i].type, &bad))
			return werr_set(err, 0, "json: field %s has the wrong type", bad);
	o->name = jstr(b, "name") && *jstr(b, "name") ? jstr(b, "name") : NULL;
	o->hostname = jstr(b, "hostname") && *jstr(b, "hostname") ? jstr(b, "hostname") : NULL;
	o->no_infra = json_object_get_boolean(jget(b, "no_infra"));
	if (jget(b, "labels")) {
		json_object_object_foreach(jget(b, "labels"), k, v)
		{
			cleanup_free char *l = xasprintf("%s=%s", k, json_object_get_string(v));
			o->labels = strv_append(o->labels, l);
		}
	}
	if (api_libpod_ports(jget(b, "portmappings"), &o->publish, err) < 0)
		return -1;
	for (size_t i = 0; i < jlen(jget(b, "shared_namespaces")); i++)
		if (!json_object_is_type(json_object_array_get_idx(jget(b, "shared_namespaces"), i),
					 json_type_string))
			return werr_set(err, 0,
					"json: shared_namespaces holds a value that is no string");
	*share = share_of(jget(b, "shared_namespaces"));
	o->share = *share;
	*nets = api_libpod_networks(b);
	o->networks = *nets;
	return 0;
}

/* POST /libpod/pods/create: a PodSpecGenerator; 201 {"Id"} */
int api_libpod_pod_create(struct api_ctx *c)
{
	cleanup_json struct json_object *b = NULL;
	cleanup_free char *id = NULL, *share = NULL;
	cleanup_strv char **nets = NULL;
	struct pod_create_opts o = {0};
	struct werr err = {0};
	struct json_object *res;
	int rc;

	if (api_ready(c) < 0 || (b = api_body(c)) == NULL)
		return 0;
	rc = pod_spec(b, &o, &share, &nets, &err);
	if (rc == 0)
		rc = pod_create(c->e, &o, &id, &err);
	strv_free(o.publish);
	strv_free(o.labels);
	if (rc < 0)
		return api_error(c, strstr(err.msg, "already exists") ? 409 : 400, "%s", err.msg);
	res = json_object_new_object();
	jset_str(res, "Id", id);
	return api_json(c, 201, res);
}

/* GET /libpod/pods/json?filters=: `pod ps --format json`'s entries, with
 * pod ps's filters */
int api_libpod_pod_list(struct api_ctx *c)
{
	cleanup_strv char **specs = NULL;
	struct pod_rec *p = NULL;
	struct werr err = {0};
	struct json_object *a;
	size_t n = 0;
	bool ok;

	if (api_ready(c) < 0)
		return 0;
	specs = api_filters(c, &ok);
	if (!ok)
		return 0;
	if (pod_filter_check(specs, &err) < 0)
		return api_error(c, 400, "%s", err.msg);
	if (pod_list(c->e, &p, &n, &err) < 0)
		return api_werr(c, &err, 500);
	a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		size_t nm = 0;
		struct container_rec *m = NULL;
		int r = members(c, &p[i], &m, &nm) < 0
			    ? -2
			    : pod_filter_match(specs, &p[i], m, nm, &err);
		if (r > 0)
			json_object_array_add(a, pod_ps_json(&p[i], m, nm, false, true));
		container_recs_free(m, nm);
		if (r < 0) {
			json_object_put(a);
			pod_recs_free(p, n);
			return r == -1 ? api_error(c, 400, "%s", err.msg) : 0;
		}
	}
	pod_recs_free(p, n);
	return api_json(c, 200, a);
}

/* GET /libpod/pods/{id}/json: `pod inspect`'s object */
int api_libpod_pod_inspect(struct api_ctx *c)
{
	struct pod_rec p = {0};
	struct container_rec *m;
	struct json_object *o;
	size_t n;

	if (!pod_ref(c, &p))
		return 0;
	if (members(c, &p, &m, &n) < 0) {
		pod_rec_free(&p);
		return 0;
	}
	o = pod_inspect_json(c->e, &p, m, n);
	container_recs_free(m, n);
	pod_rec_free(&p);
	return api_json(c, 200, o);
}

/* GET /libpod/pods/{id}/exists: 204, or 404 */
int api_libpod_pod_exists(struct api_ctx *c)
{
	struct pod_rec p = {0};

	if (!pod_ref(c, &p))
		return 0;
	pod_rec_free(&p);
	return http_send(c->fd, 204, NULL, NULL, 0, false) < 0;
}

enum pod_act { ACT_START, ACT_STOP, ACT_RESTART, ACT_KILL, ACT_PAUSE, ACT_UNPAUSE };

/* The pod's state as pod ps shows it ("Running", "Exited", ...); NULL
 * with a 500 answered */
static const char *state_of(struct api_ctx *c, const struct pod_rec *p)
{
	struct container_rec *m;
	const char *s;
	size_t n;

	if (members(c, p, &m, &n) < 0)
		return NULL;
	s = pod_status(m, n);
	container_recs_free(m, n);
	return s;
}

/* One action on the pod the path names: 200 {"Errs": [], "Id"}; a failure
 * is Podman's 409 {"Errs": [MSG], "Id"} (the client prints MSG); start of
 * a running pod and stop of one that does not run: 304. */
static int pod_act(struct api_ctx *c, enum pod_act a)
{
	cleanup_free char *t = http_query(c->req, "t");
	cleanup_free char *sig_s = http_query(c->req, "signal");
	struct pod_rec p = {0};
	struct werr err = {0};
	struct json_object *o, *errs;
	int64_t timeout = -1;
	int sig = SIGKILL, rc = 0;
	const char *st;

	if (t && *t && parse_int64(t, -1, INT32_MAX, &timeout) < 0)
		return api_error(c, 400, "invalid t: %s", t);
	if (sig_s && *sig_s && (sig = signal_parse(sig_s)) <= 0)
		return api_error(c, 400, "invalid signal: %s", sig_s);
	if (!pod_ref(c, &p))
		return 0;
	st = state_of(c, &p);
	if (st == NULL) {
		pod_rec_free(&p);
		return 0;
	}
	if ((a == ACT_START && !strcmp(st, "Running")) ||
	    (a == ACT_STOP && strcmp(st, "Running") && strcmp(st, "Degraded"))) {
		pod_rec_free(&p);
		return http_send(c->fd, 304, NULL, NULL, 0, false) < 0;
	}
	switch (a) {
	case ACT_START:
		rc = pod_start(c->e, &p, &err);
		break;
	case ACT_STOP:
		rc = pod_stop(c->e, &p, (int)timeout, &err);
		break;
	case ACT_RESTART:
		rc = pod_stop(c->e, &p, -1, &err) < 0 ? -1 : pod_start(c->e, &p, &err);
		break;
	case ACT_KILL:
		rc = pod_kill(c->e, &p, sig, &err);
		break;
	case ACT_PAUSE:
	case ACT_UNPAUSE:
		rc = pod_pause(c->e, &p, a == ACT_PAUSE, &err);
		break;
	}
	o = json_object_new_object();
	errs = json_object_new_array();
	if (rc < 0)
		json_object_array_add(errs, json_object_new_string(err.msg));
	jset(o, "Errs", errs);
	jset_str(o, "Id", p.id);
	pod_rec_free(&p);
	return api_json(c, rc < 0 ? 409 : 200, o);
}

int api_libpod_pod_start(struct api_ctx *c)
{
	return pod_act(c, ACT_START);
}

int api_libpod_pod_stop(struct api_ctx *c)
{
	return pod_act(c, ACT_STOP);
}

int api_libpod_pod_restart(struct api_ctx *c)
{
	return pod_act(c, ACT_RESTART);
}

int api_libpod_pod_kill(struct api_ctx *c)
{
	return pod_act(c, ACT_KILL);
}

int api_libpod_pod_pause(struct api_ctx *c)
{
	return pod_act(c, ACT_PAUSE);
}

int api_libpod_pod_unpause(struct api_ctx *c)
{
	return pod_act(c, ACT_UNPAUSE);
}

/* DELETE /libpod/pods/{id}?force=&timeout=: {"Id", "Err": null}; a pod
 * with running containers without force: 500 with pod rm's message */
int api_libpod_pod_remove(struct api_ctx *c)
{
	cleanup_free char *t = http_query(c->req, "timeout");
	struct pod_rec p = {0};
	struct werr err = {0};
	struct json_object *o;
	int64_t timeout = -1;

	if (t && *t && parse_int64(t, 0, INT32_MAX, &timeout) < 0)
		return api_error(c, 400, "invalid timeout: %s", t);
	if (!pod_ref(c, &p))
		return 0;
	if (pod_remove(c->e, &p, http_query_bool(c->req, "force", false), (int)timeout, &err) < 0) {
		pod_rec_free(&p);
		return api_werr(c, &err, 500);
	}
	o = json_object_new_object();
	jset_str(o, "Id", p.id);
	jset(o, "Err", NULL);
	pod_rec_free(&p);
	return api_json(c, 200, o);
}

/* POST /libpod/pods/prune: [{"Id", "Err": null}] of the pods removed (the
 * ones with no running container), as pod prune */
int api_libpod_pod_prune(struct api_ctx *c)
{
	struct pod_rec *p = NULL;
	struct werr err = {0};
	struct json_object *a;
	size_t n = 0;

	if (api_ready(c) < 0)
		return 0;
	if (pod_list(c->e, &p, &n, &err) < 0)
		return api_werr(c, &err, 500);
	a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		size_t nm = 0;
		struct container_rec *m = NULL;
		bool busy = false;
		if (pod_members(c->e, &p[i], &m, &nm, &err) < 0)
			break;
		for (size_t k = 0; k < nm; k++)
			busy = busy || m[k].state == CTR_RUNNING || m[k].state == CTR_REMOVING;
		container_recs_free(m, nm);
		if (busy)
			continue;
		if (pod_remove(c->e, &p[i], false, -1, &err) < 0)
			break;
		struct json_object *o = json_object_new_object();
		jset_str(o, "Id", p[i].id);
		jset(o, "Err", NULL);
		json_object_array_add(a, o);
	}
	pod_recs_free(p, n);
	if (err.msg[0]) {
		json_object_put(a);
		return api_werr(c, &err, 500);
	}
	return api_json(c, 200, a);
}

/* GET /libpod/pods/{id}/top?ps_args=: {"Titles", "Processes"} of the
 * pod's running containers (pod top's table; ps_args: its descriptors,
 * comma-separated) */
int api_libpod_pod_top(struct api_ctx *c)
{
	cleanup_free char *args = http_query(c->req, "ps_args");
	cleanup_strv char **descs = NULL;
	struct container_rec *m;
	struct json_object *o, *titles = NULL, *procs;
	struct pod_rec p = {0};
	struct werr err = {0};
	size_t n;
	int rc = 0;

	if (args && *args)
		descs = strv_append(descs, args);
	if (!pod_ref(c, &p))
		return 0;
	rc = members(c, &p, &m, &n);
	pod_rec_free(&p);
	if (rc < 0)
		return 0;
	procs = json_object_new_array();
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct top_table t = {0};
		if (m[i].state != CTR_RUNNING)
			continue;
		rc = container_top(c->e, &m[i], descs, &t, &err);
		if (rc < 0)
			break;
		if (titles == NULL) {
			titles = json_object_new_array();
			for (size_t j = 0; j < t.ncols; j++)
				json_object_array_add(titles, json_object_new_string(t.cells[j]));
		}
		for (size_t r = 1; r < t.nrows; r++) {
			struct json_object *row = json_object_new_array();
			for (size_t j = 0; j < t.ncols; j++)
				json_object_array_add(
				    row, json_object_new_string(t.cells[r * t.ncols + j]));
			json_object_array_add(procs, row);
		}
		top_table_free(&t);
	}
	container_recs_free(m, n);
	if (rc < 0) {
		json_object_put(titles);
		json_object_put(procs);
		return api_error(c, strstr(err.msg, "descriptor") ? 400 : 500, "%s", err.msg);
	}
	o = json_object_new_object();
	jset(o, "Titles", titles ? titles : json_object_new_array());
	jset(o, "Processes", procs);
	return api_json(c, 200, o);
}
