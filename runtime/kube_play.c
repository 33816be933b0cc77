/* kube_play.c - `kube play` and `kube down` (see kube.h): Pod documents
 * into warren pods over the pods API. Checked first, made second, undone
 * on failure: a bad manifest leaves nothing half-made behind. */
#include "runtime/limits.h"
#include "runtime/kube.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/pods.h"
#include "runtime/runopts.h"

/* A manifest's error: one line whatever the names hold, status 125. */
__attribute__((format(printf, 2, 3))) static int bad(struct werr *err, const char *fmt, ...)
{
	char msg[WERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	text_scrub(msg);
	werr_set(err, 0, "%s", msg);
	return werr_status(err, 125);
}

static const char *pod_name(struct json_object *d)
{
	return jstr(jget(d, "metadata"), "name");
}

/* The documents' kinds and the fields play needs, before anything is made. */
static int check_docs(struct json_object *docs, struct werr *err)
{
	size_t pods = 0;

	for (size_t i = 0; i < jlen(docs); i++) {
		struct json_object *d = json_object_array_get_idx(docs, i);
		const char *kind = jstr(d, "kind"), *name = pod_name(d);
		struct json_object *ctrs = jget(jget(d, "spec"), "containers");
		if (d == NULL)
			continue; /* an empty document */
		if (!json_object_is_type(d, json_type_object) || kind == NULL)
			return bad(err, "YAML document does not contain any supported kube kind");
		if (strcmp(kind, "Pod") != 0)
			return bad(err, "kube kind %s is not supported", kind);
		if (name == NULL || !*name)
			return bad(err, "pod does not have a name");
		if (!json_object_is_type(ctrs, json_type_array) || jlen(ctrs) == 0)
			return bad(err, "pod %s has no containers", name);
		for (size_t k = 0; k < jlen(ctrs); k++) {
			struct json_object *c = json_object_array_get_idx(ctrs, k);
			const char *cn = jstr(c, "name"), *img = jstr(c, "image");
			if (cn == NULL || !*cn)
				return bad(err, "a container of pod %s has no name", name);
			if (img == NULL || !*img)
				return bad(err, "container %s of pod %s has no image", cn, name);
			for (size_t j = 0; j < k; j++)
				if (!strcmp(jstr(json_object_array_get_idx(ctrs, j), "name") ?: "",
					    cn))
					return bad(err, "pod %s: duplicate container name %s", name,
						   cn);
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(pod_name(json_object_array_get_idx(docs, j)) ?: "", name))
				return bad(err, "duplicate pod name %s", name);
		pods++;
	}
	if (pods == 0)
		return bad(err, "YAML document does not contain any supported kube kind");
	return 0;
}

static char **strv_of(struct json_object *a)
{
	char **v = xcalloc(1, sizeof(char *));

	for (size_t i = 0; i < jlen(a); i++) {
		struct json_object *x = json_object_array_get_idx(a, i);
		v = strv_append(v, json_object_get_string(x) ?: "");
	}
	return v;
}

/* hostPort mappings of every container: the pod's -p */
static char **pod_publish(struct json_object *ctrs, char *const *extra)
{
	char **v = strv_copy(extra);

	for (size_t i = 0; i < jlen(ctrs); i++) {
		struct json_object *ports = jget(json_object_array_get_idx(ctrs, i), "ports");
		for (size_t k = 0; k < jlen(ports); k++) {
			struct json_object *p = json_object_array_get_idx(ports, k);
			int64_t hp = json_object_get_int64(jget(p, "hostPort"));
			const char *proto = jstr(p, "protocol"), *ip = jstr(p, "hostIP");
			cleanup_free char *lower = xstrdup(proto ? proto : "tcp");
			cleanup_free char *s = NULL;
			if (hp <= 0)
				continue;
			for (char *c = lower; *c; c++)
				*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
			s = xasprintf(
			    "%s%s%lld:%lld/%s", ip ? ip : "", ip ? ":" : "", (long long)hp,
			    (long long)json_object_get_int64(jget(p, "containerPort")), lower);
			v = strv_append(v, s);
		}
	}
	return v;
}

/* run options of one container (securityContext, env, workingDir ...) */
static int ctr_opts(struct json_object *c, const char *pod, struct run_opts *ro, struct werr *err)
{
	struct json_object *sc = jget(c, "securityContext"), *caps = jget(sc, "capabilities");
	struct json_object *env = jget(c, "env");
	const char *wd = jstr(c, "workingDir");

	ro->name = xasprintf("%s-%s", pod, jstr(c, "name"));
	if (jlen(jget(c, "command"))) {
		ro->entrypoint = strv_of(jget(c, "command"));
		ro->entrypoint_set = true;
	}
	if (jlen(jget(c, "args")))
		ro->cmd = strv_of(jget(c, "args"));
	for (size_t i = 0; i < jlen(env); i++) {
		struct json_object *x = json_object_array_get_idx(env, i);
		cleanup_free char *kv = NULL;
		if (jget(x, "valueFrom"))
			return bad(err, "env %s of container %s: valueFrom is not supported yet",
				   jstr(x, "name") ?: "", jstr(c, "name"));
		kv = xasprintf("%s=%s", jstr(x, "name") ?: "", jstr(x, "value") ?: "");
		ro->env = strv_append(ro->env, kv);
	}
	if (wd && *wd)
		ro->workdir = xstrdup(wd);
	ro->privileged = json_object_get_boolean(jget(sc, "privileged"));
	ro->read_only = json_object_get_boolean(jget(sc, "readOnlyRootFilesystem"));
	if (jget(sc, "runAsUser")) {
		int64_t u = json_object_get_int64(jget(sc, "runAsUser"));
		ro->user = jget(sc, "runAsGroup")
			       ? xasprintf("%lld:%lld", (long long)u,
					   (long long)json_object_get_int64(jget(sc, "runAsGroup")))
			       : xasprintf("%lld", (long long)u);
	}
	if (jget(caps, "add"))
		ro->cap_add = strv_of(jget(caps, "add"));
	if (jget(caps, "drop"))
		ro->cap_drop = strv_of(jget(caps, "drop"));
	if (jlen(jget(c, "volumeMounts")))
		return bad(err, "container %s: volumeMounts are not supported yet",
			   jstr(c, "name"));
	/* resources: the limits of run (runtime/limits.h) */
	return limits_from_k8s(jget(c, "resources"), jstr(c, "name"), &ro->limits, err);
}

static int make_ctr(struct engine *e, struct json_object *c, const char *pod, const char *pod_id,
		    char **id, struct werr *err)
{
	struct run_opts ro;
	struct ctr_owned oc = {.lock = -1, .proc = {.pty_master = -1}};
	cleanup_free char *joined = NULL;
	int rc = -1;

	runopts_init(&ro);
	if (ctr_opts(c, pod, &ro, err) == 0 && pod_join_opts(e, pod_id, &ro, &joined, err) == 0 &&
	    container_create(e, jstr(c, "image"), &ro, &oc, err) == 0) {
		*id = xstrdup(oc.rec.id);
		container_owned_free(e, &oc);
		rc = 0;
	}
	runopts_free(&ro);
	return rc < 0 ? werr_status(err, 125) : 0;
}

static int remove_pod_named(struct engine *e, const char *name, char **id, struct werr *err)
{
	struct pod_rec p = {0};
	int r = pod_lookup(e, name, &p, err);

	if (r <= 0)
		return r;
	r = pod_remove(e, &p, true, -1, err);
	if (r == 0 && id)
		*id = xstrdup(p.id);
	pod_rec_free(&p);
	return r < 0 ? -1 : 1;
}

static int play_pod(struct engine *e, struct json_object *d, const struct kube_play_opts *o,
		    char **report, struct werr *err)
{
	struct json_object *spec = jget(d, "spec"), *ctrs = jget(spec, "containers");
	const char *name = pod_name(d);
	cleanup_strv char **publish = pod_publish(ctrs, o->publish);
	struct pod_create_opts po = {.name = name,
				     .hostname = jstr(spec, "hostname"),
				     .network = o->network,
				     .publish = publish};
	cleanup_free char *pod_id = NULL;
	cleanup_strv char **ids = NULL;
	struct pod_rec p = {0};
	char *t;

	if (o->replace && remove_pod_named(e, name, NULL, err) < 0)
		return werr_status(err, 125);
	if (pod_create(e, &po, &pod_id, err) < 0)
		return werr_status(err, 125);
	for (size_t i = 0; i < jlen(ctrs); i++) {
		char *id = NULL;
		if (make_ctr(e, json_object_array_get_idx(ctrs, i), name, pod_id, &id, err) < 0)
			goto undo;
		ids = strv_append(ids, id);
		free(id);
	}
	if (!o->no_start) {
		if (pod_lookup(e, pod_id, &p, err) <= 0 || pod_start(e, &p, err) < 0) {
			pod_rec_free(&p);
			goto undo;
		}
		pod_rec_free(&p);
	}
	{
		cleanup_free char *list = strv_join(ids, "\n");
		t = xasprintf("%sPod:\n%s\n%s:\n%s\n", *report, pod_id,
			      strv_len(ids) > 1 ? "Containers" : "Container", list);
	}
	free(*report);
	*report = t;
	return 0;
undo : {
	struct werr ignored = {0};
	remove_pod_named(e, pod_id, NULL, &ignored);
}
	return werr_status(err, 125);
}

int kube_play(struct engine *e, struct json_object *docs, const struct kube_play_opts *o,
	      char **report, struct werr *err)
{
	cleanup_free char *text = xstrdup("");
	cleanup_strv char **made = NULL;

	if (check_docs(docs, err) < 0)
		return -1;
	for (size_t i = 0; i < jlen(docs); i++) {
		struct json_object *d = json_object_array_get_idx(docs, i);
		if (d == NULL)
			continue;
		if (play_pod(e, d, o, &text, err) < 0) {
			/* the pods of earlier documents go too */
			struct werr ignored = {0};
			for (size_t k = 0; made && made[k]; k++)
				remove_pod_named(e, made[k], NULL, &ignored);
			return -1;
		}
		made = strv_append(made, pod_name(d));
	}
	*report = steal_pointer(&text);
	return 0;
}

int kube_down(struct engine *e, struct json_object *docs, char **report, struct werr *err)
{
	cleanup_strv char **ids = NULL;
	cleanup_free char *list = NULL;

	if (check_docs(docs, err) < 0)
		return -1;
	for (size_t i = 0; i < jlen(docs); i++) {
		struct json_object *d = json_object_array_get_idx(docs, i);
		char *id = NULL;
		if (d == NULL)
			continue;
		if (remove_pod_named(e, pod_name(d), &id, err) < 0)
			return werr_status(err, 125);
		if (id)
			ids = strv_append(ids, id);
		free(id);
	}
	list = ids ? strv_join(ids, "\n") : xstrdup("");
	*report = ids ? xasprintf("Pods stopped:\n%s\nPods removed:\n%s\n", list, list)
		      : xstrdup("Pods stopped:\nPods removed:\n");
	return 0;
}
