/* api_libpod_kube.c - /libpod/play/kube (POST: kube play, DELETE: kube
 * down, the YAML in the body) and /libpod/generate/kube, over
 * runtime/kube.h, whose reports are the ones `podman --remote kube`
 * (4.3) reads. */
#include "api/api_libpod.h"
#include "image/pull.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "lib/yamljson.h"
#include "runtime/kube.h"

#include <stdio.h>
#include <string.h>

/* The request's YAML documents; 400 answered here when there are none or
 * they do not parse (NULL). */
static struct json_object *body_docs(struct api_ctx *c)
{
	struct json_object *docs = NULL;
	struct werr err = {0};

	if (c->req->body == NULL || c->req->body_len == 0) {
		api_error(c, 400, "the request holds no Kubernetes YAML");
		return NULL;
	}
	if (yaml_to_json(c->req->body, c->req->body_len, &docs, &err) < 0) {
		api_error(c, 400, "invalid Kubernetes YAML: %s", err.msg);
		return NULL;
	}
	return docs;
}

/* kube play's images: as `kube play` gets them, without its progress */
static int get_image(void *ud, const char *image, const char *policy, struct werr *err)
{
	struct engine *e = ud;
	struct pull_opts po = {.reg = {.tls_verify = -1}};
	enum pull_policy p = PULL_MISSING;
	char id[DIGEST_HEX_LEN + 1];

	if (policy && *policy && pull_policy_parse(policy, &p, err) < 0)
		return -1;
	return image_get_or_pull(e, image, p, &po, id, err);
}

/* POST /libpod/play/kube?start=&replace=&network=: kube play of the YAML
 * body; 200 with the report, 400 for YAML it refuses */
int api_libpod_kube_play(struct api_ctx *c)
{
	cleanup_strv char **nets = http_query_all(c->req, "network");
	cleanup_json struct json_object *docs = NULL;
	struct json_object *report = NULL;
	struct kube_play_opts o = {.replace = http_query_bool(c->req, "replace", false),
				   .no_start = !http_query_bool(c->req, "start", true),
				   .get_image = get_image,
				   .ud = c->e};
	struct werr err = {0};

	if (nets && nets[0] && nets[1])
		return api_error(c, 400, "kube play takes one network");
	o.network = nets && nets[0] && *nets[0] ? nets[0] : NULL;
	if (api_ready(c) < 0 || (docs = body_docs(c)) == NULL)
		return 0;
	if (kube_play(c->e, docs, &o, &report, &err) < 0)
		return api_error(c, err.status == 125 ? 400 : 500, "%s", err.msg);
	jset(report, "StopReport", NULL);
	jset(report, "RmReport", NULL);
	return api_json(c, 200, report);
}

/* DELETE /libpod/play/kube?force=: kube down of the YAML body; the pods
 * it removed as {"StopReport": [{"Id", "Errs"}], "RmReport": [{"Id",
 * "Err"}]} */
int api_libpod_kube_down(struct api_ctx *c)
{
	cleanup_json struct json_object *docs = NULL, *report = NULL;
	struct json_object *o, *pods, *stop, *rm;
	struct werr err = {0};

	if (api_ready(c) < 0 || (docs = body_docs(c)) == NULL)
		return 0;
	if (kube_down(c->e, docs, http_query_bool(c->req, "force", false), &report, &err) < 0)
		return api_error(c, err.status == 125 ? 400 : 500, "%s", err.msg);
	pods = jget(report, "Pods");
	stop = json_object_new_array();
	rm = json_object_new_array();
	for (size_t i = 0; i < jlen(pods); i++) {
		struct json_object *s = json_object_new_object(), *r = json_object_new_object();
		const char *id = json_object_get_string(json_object_array_get_idx(pods, i));
		jset_str(s, "Id", id);
		jset(s, "Errs", json_object_new_array());
		json_object_array_add(stop, s);
		jset_str(r, "Id", id);
		jset(r, "Err", NULL);
		json_object_array_add(rm, r);
	}
	o = json_object_new_object();
	jset(o, "Pods", json_object_new_array());
	jset(o, "Volumes", json_object_new_array());
	jset(o, "StopReport", stop);
	jset(o, "RmReport", rm);
	return api_json(c, 200, o);
}

/* GET /libpod/generate/kube?names=A&names=B&type=&replicas=: the YAML
 * `kube generate` prints */
int api_libpod_kube_generate(struct api_ctx *c)
{
	cleanup_strv char **names = http_query_all(c->req, "names");
	cleanup_free char *type = http_query(c->req, "type");
	cleanup_free char *reps = http_query(c->req, "replicas");
	cleanup_json struct json_object *docs = NULL;
	cleanup_free char *text = NULL;
	struct kube_gen_opts o = {0};
	struct werr err = {0};
	int64_t n = 0;

	if (names == NULL || names[0] == NULL)
		return api_error(c, 400, "must provide the name or ID of one container or pod");
	if (type && *type && strcmp(type, "pod") && strcmp(type, "deployment"))
		return api_error(c, 400,
				 "invalid type given, only supported types are pod and deployment");
	o.deployment = type && !strcmp(type, "deployment");
	if (reps && *reps && (parse_int64(reps, 0, 1000000, &n) < 0))
		return api_error(c, 400, "invalid replicas: %s", reps);
	o.replicas = (int)n;
	if (api_ready(c) < 0)
		return 0;
	if (kube_generate(c->e, names, &o, &docs, &err) < 0)
		return api_error(c, strstr(err.msg, "no such") ? 404 : 400, "%s", err.msg);
	text = kube_render(docs, c->conn->o->version, &err);
	if (text == NULL)
		return api_werr(c, &err, 500);
	return http_send(c->fd, 200, "text/plain; charset=utf-8", text, strlen(text), false) < 0;
}
