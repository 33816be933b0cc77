/* kube_play.c - `kube play` and `kube down` (see kube.h): the documents
 * of a manifest in Podman's order (Secrets, PersistentVolumeClaims and
 * ConfigMaps before the kinds that make pods), checked, pulled, made;
 * undone on failure: a bad manifest leaves nothing half-made behind.
 * kube_pod.c turns one pod template into a warren pod. */
#include "runtime/kube_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base64.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/util.h"
#include "runtime/pods.h"
#include "runtime/secrets.h"
#include "runtime/volumes.h"

static const char *doc_name(struct json_object *d)
{
	return jstr(jget(d, "metadata"), "name");
}

/* The kinds play knows; pods: the kinds that make pods from a template. */
static const struct {
	const char *kind;
	bool pods;
} kinds[] = {
    {"Pod", true},
    {"Deployment", true},
    {"DaemonSet", true},
    {"Job", true},
    {"PersistentVolumeClaim", false},
    {"ConfigMap", false},
    {"Secret", false},
};

/* 1: a kind that makes pods, 0: another known one, -1: unknown (skipped
 * with a warning, as Podman skips them). */
static int kind_of(struct json_object *d)
{
	const char *k = jstr(d, "kind");

	for (size_t i = 0; k && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].kind, k))
			return kinds[i].pods;
	return -1;
}

static void kpods_free(struct kpod *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/* The pods document d asks for: a Pod itself; a Deployment's replicas
 * (NAME-pod-I, as Podman 4.3 names them); a DaemonSet's and a Job's one
 * (NAME-pod). */
static int pods_of(struct json_object *d, struct kpod **out, size_t *n, struct werr *err)
{
	const char *kind = jstr(d, "kind"), *name = doc_name(d);
	struct json_object *spec = jget(d, "spec"), *tmpl = d, *rep = jget(spec, "replicas");
	cleanup_free char *what = xasprintf("%s %s: spec", kind, name ?: "");
	int64_t count = 1, backoff = 6;
	struct kpod *v;

	if (name == NULL || !*name)
		return kube_bad(err, "%s does not have a name",
				!strcmp(kind, "Pod") ? "pod" : kind);
	if (kube_want(spec, json_type_object, true, what, err) < 0)
		return -1;
	if (strcmp(kind, "Pod")) {
		free(what);
		what = xasprintf("%s %s: spec.template", kind, name);
		tmpl = jget(spec, "template");
		if (kube_want(tmpl, json_type_object, true, what, err) < 0 ||
		    kube_want(jget(tmpl, "spec"), json_type_object, true, what, err) < 0)
			return -1;
	}
	if (!strcmp(kind, "Deployment") && rep) {
		if (!json_object_is_type(rep, json_type_int) ||
		    (count = json_object_get_int64(rep)) < 0 || count > 1000)
			return kube_bad(err,
					"Deployment %s: spec.replicas must be an integer from "
					"0 to 1000",
					name);
	}
	if (!strcmp(kind, "Job")) {
		struct json_object *b = jget(spec, "backoffLimit");
		if (b && (!json_object_is_type(b, json_type_int) ||
			  (backoff = json_object_get_int64(b)) < 0))
			return kube_bad(err,
					"Job %s: spec.backoffLimit must be a non-negative "
					"integer",
					name);
		if (json_object_get_int64(jget(spec, "completions")) > 1 ||
		    json_object_get_int64(jget(spec, "parallelism")) > 1)
			log_warn("Job %s: completions and parallelism above 1 are not supported, "
				 "one pod runs",
				 name);
	}
	v = xcalloc((size_t)count + 1, sizeof(*v));
	for (int64_t i = 0; i < count; i++) {
		v[i].tmpl = tmpl;
		v[i].kind = kind;
		v[i].doc = name;
		v[i].name = !strcmp(kind, "Pod") ? xstrdup(name)
			    : !strcmp(kind, "Deployment")
				? xasprintf("%s-pod-%lld", name, (long long)i)
				: xasprintf("%s-pod", name);
		v[i].restart_max = !strcmp(kind, "Job") ? (int)backoff : 0;
	}
	*out = v;
	*n = (size_t)count;
	return 0;
}

/* One pod template's containers and init containers, checked before
 * anything is made: mappings with a name (unique in the pod) and an image. */
static int check_template(const struct kpod *p, struct werr *err)
{
	struct json_object *spec = jget(p->tmpl, "spec"), *ctrs = jget(spec, "containers");
	struct json_object *inits = jget(spec, "initContainers");
	cleanup_free char *what = xasprintf("pod %s: spec.containers", p->name);
	cleanup_free char *iwhat = xasprintf("pod %s: spec.initContainers", p->name);
	cleanup_strv char **names = NULL;

	if (kube_want(ctrs, json_type_array, true, what, err) < 0 ||
	    kube_want(inits, json_type_array, false, iwhat, err) < 0)
		return -1;
	if (jlen(ctrs) == 0)
		return kube_bad(err, "pod %s has no containers", p->name);
	if (kube_want(jget(spec, "volumes"), json_type_array, false, "spec.volumes", err) < 0)
		return -1;
	for (size_t k = 0; k < jlen(inits) + jlen(ctrs); k++) {
		bool init = k < jlen(inits);
		struct json_object *c =
		    json_object_array_get_idx(init ? inits : ctrs, init ? k : k - jlen(inits));
		const char *cn = jstr(c, "name"), *img = jstr(c, "image");
		if (!json_object_is_type(c, json_type_object))
			return kube_bad(err, "pod %s: a container must be a mapping", p->name);
		if (cn == NULL || !*cn)
			return kube_bad(err, "a container of pod %s has no name", p->name);
		if (img == NULL || !*img)
			return kube_bad(err, "container %s of pod %s has no image", cn, p->name);
		if (strv_contains(names, cn))
			return kube_bad(err, "pod %s: duplicate container name %s", p->name, cn);
		if (init && (jget(c, "livenessProbe") || jget(c, "readinessProbe") ||
			     jget(c, "startupProbe") || jget(c, "lifecycle")))
			return kube_bad(err,
					"init container %s cannot have lifecycle, livenessProbe, "
					"readinessProbe or startupProbe",
					cn);
		names = strv_append(names, cn);
	}
	return 0;
}

/* Every document checked: kinds, names, the pods' templates; pod names
 * unique. *npods: the pods to make. */
static int check_docs(struct json_object *docs, size_t *valid, struct werr *err)
{
	cleanup_strv char **names = NULL;

	*valid = 0;
	for (size_t i = 0; i < jlen(docs); i++) {
		struct json_object *d = json_object_array_get_idx(docs, i);
		struct kpod *p = NULL;
		size_t n = 0;
		int k;
		if (d == NULL)
			continue; /* an empty document */
		if (!json_object_is_type(d, json_type_object)) {
			log_warn("YAML document %zu is not a mapping, skipped", i + 1);
			continue;
		}
		if (kube_want(jget(d, "metadata"), json_type_object, false, "metadata", err) < 0 ||
		    kube_want(jget(d, "kind"), json_type_string, false, "kind", err) < 0)
			return -1;
		k = kind_of(d);
		if (k < 0) {
			log_warn("kube kind %s is not supported, document %zu skipped",
				 jstr(d, "kind") ?: "(none)", i + 1);
			continue;
		}
		if (strcmp(jstr(d, "kind"), "ConfigMap"))
			(*valid)++;
		if (k == 0) {
			if (doc_name(d) == NULL || !*doc_name(d))
				return kube_bad(err, "%s does not have a name", jstr(d, "kind"));
			continue;
		}
		if (pods_of(d, &p, &n, err) < 0)
			return -1;
		for (size_t j = 0; j < n; j++) {
			if (check_template(&p[j], err) < 0 ||
			    (strv_contains(names, p[j].name) &&
			     kube_bad(err, "duplicate pod name %s", p[j].name) < 0)) {
				kpods_free(p, n);
				return -1;
			}
			names = strv_append(names, p[j].name);
		}
		kpods_free(p, n);
	}
	return 0;
}

/* fn for each pod the pod-making documents of docs ask for, in order,
 * up to the first that fails. */
static int each_kpod(struct json_object *docs,
		     int (*fn)(struct kpod *p, void *ctx, struct werr *err), void *ctx,
		     struct werr *err)
{
	for (size_t i = 0; i < jlen(docs); i++) {
		struct json_object *d = json_object_array_get_idx(docs, i);
		struct kpod *p = NULL;
		size_t n = 0;
		int rc = 0;
		if (d == NULL || kind_of(d) != 1)
			continue;
		if (pods_of(d, &p, &n, err) < 0)
			return -1;
		for (size_t j = 0; j < n && rc == 0; j++)
			rc = fn(&p[j], ctx, err);
		kpods_free(p, n);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ---- play ---- */

static void undo(struct kplay *kp)
{
	struct werr ignored = {0};

	for (size_t i = strv_len(kp->pods); i-- > 0;) {
		struct pod_rec p = {0};
		if (pod_lookup(kp->e, kp->pods[i], &p, &ignored) > 0)
			pod_remove(kp->e, &p, true, 0, &ignored);
		pod_rec_free(&p);
	}
	for (size_t i = 0; kp->vols && kp->vols[i]; i++)
		volume_remove(kp->e, kp->vols[i], true, 0, &ignored);
	for (size_t i = 0; kp->secrets && kp->secrets[i]; i++) {
		char id[SECRET_ID_LEN + 1];
		secret_remove(kp->e, kp->secrets[i], id, &ignored);
	}
}

/* A Secret document becomes warren secret NAME holding the document (as
 * Podman keeps it); --replace replaces one of the name. */
static int play_secret(struct kplay *kp, struct json_object *d, struct werr *err)
{
	const char *name = doc_name(d),
		   *txt = json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN);
	char id[SECRET_ID_LEN + 1];
	struct secret_rec s = {0};

	/* (its values checked now: base64 that does not decode fails here) */
	if (kube_want(jget(d, "data"), json_type_object, false, "Secret data", err) < 0 ||
	    kube_want(jget(d, "stringData"), json_type_object, false, "Secret stringData", err) < 0)
		return -1;
	if (jget(d, "data") == NULL)
		goto store;
	json_object_object_foreach(jget(d, "data"), k, v)
	{
		char *raw = NULL;
		size_t len;
		if (!json_object_is_type(v, json_type_string) ||
		    base64_decode(json_object_get_string(v), &raw, &len) < 0)
			return kube_bad(err, "secret %s: data.%s is not valid base64", name, k);
		free(raw);
	}
store:
	if (kp->o->replace && secret_lookup(kp->e, name, &s, err) > 0)
		if (secret_remove(kp->e, name, id, err) < 0) {
			secret_rec_free(&s);
			return werr_status(err, 125);
		}
	secret_rec_free(&s);
	if (secret_create(kp->e, name, txt, strlen(txt), NULL, id, err) < 0)
		return werr_status(err, 125);
	kp->secrets = strv_append(kp->secrets, name);
	return 0;
}

/* A PersistentVolumeClaim document: volume NAME with its labels
 * (Podman's error when it exists; --replace keeps the one there). */
static int play_pvc(struct kplay *kp, struct json_object *d, struct werr *err)
{
	const char *name = doc_name(d);
	struct json_object *labels = jget(jget(d, "metadata"), "labels");
	cleanup_strv char **lv = xcalloc(1, sizeof(char *));
	struct volume_create_opts vo = {.name = name, .ignore = kp->o->replace};
	struct volume_rec r = {0};
	char *made = NULL;
	int had;

	if (kube_want(labels, json_type_object, false, "metadata.labels", err) < 0)
		return -1;
	if (labels == NULL)
		labels = json_object_new_object(); /* (foreach needs an object) */
	else
		json_object_get(labels);
	json_object_object_foreach(labels, k, v)
	{
		cleanup_free char *kv = xasprintf("%s=%s", k, json_object_get_string(v));
		lv = strv_append(lv, kv);
	}
	json_object_put(labels);
	vo.labels = lv;
	had = volume_lookup(kp->e, name, &r, err);
	volume_rec_free(&r);
	if (had < 0 || volume_create(kp->e, &vo, &made, err) < 0)
		return werr_status(err, 125);
	if (had == 0)
		kp->vols = strv_append(kp->vols, made);
	{
		struct json_object *entry = json_object_new_object();
		jset_str(entry, "Name", made);
		json_object_array_add(jget(kp->report, "Volumes"), entry);
	}
	free(made);
	return 0;
}

/* The ConfigMaps of the manifest and of --configmap files, names unique. */
static int gather_cms(struct kplay *kp, struct json_object *docs, struct werr *err)
{
	kp->cms = json_object_new_array();
	for (size_t i = 0; i < jlen(docs); i++) {
		struct json_object *d = json_object_array_get_idx(docs, i);
		if (d && !strcmp(jstr(d, "kind") ?: "", "ConfigMap"))
			json_object_array_add(kp->cms, json_object_get(d));
	}
	for (size_t f = 0; f < jlen(kp->o->configmaps); f++) {
		struct json_object *fd = json_object_array_get_idx(kp->o->configmaps, f);
		for (size_t i = 0; i < jlen(fd); i++) {
			struct json_object *d = json_object_array_get_idx(fd, i);
			const char *k = jstr(d, "kind");
			if (d == NULL)
				continue;
			if (k == NULL || strcmp(k, "ConfigMap"))
				return kube_bad(
				    err,
				    "invalid YAML kind: \"%s\". [ConfigMap] is the only "
				    "supported by --configmap",
				    k ?: "");
			for (size_t j = 0; j < jlen(kp->cms); j++)
				if (!strcmp(doc_name(json_object_array_get_idx(kp->cms, j)) ?: "",
					    doc_name(d) ?: ""))
					return kube_bad(err,
							"ambiguous configuration: the same config "
							"map %s is present in YAML and in "
							"--configmaps",
							doc_name(d) ?: "");
			json_object_array_add(kp->cms, json_object_get(d));
		}
	}
	return 0;
}

/* The image of container c pulled as its imagePullPolicy says. */
static int pull_one(struct kplay *kp, struct json_object *c, struct werr *err)
{
	static const char *const policies[][2] = {
	    {"Always", "always"}, {"IfNotPresent", "missing"}, {"Never", "never"}};
	const char *pp = jstr(c, "imagePullPolicy"), *policy = "missing";

	if (pp) {
		size_t j;
		for (j = 0; j < 3 && strcasecmp(pp, policies[j][0]); j++)
			;
		if (j == 3)
			return kube_bad(err,
					"container %s: imagePullPolicy %s is not Always, "
					"IfNotPresent or Never",
					jstr(c, "name"), pp);
		policy = policies[j][1];
	}
	if (kp->o->get_image && kp->o->get_image(kp->o->ud, jstr(c, "image"), policy, err) < 0)
		return werr_status(err, 125);
	return 0;
}

/* Every image of the pods (init containers too), before anything is made. */
static int pull_images(struct kplay *kp, struct json_object *docs, struct werr *err)
{
	for (size_t i = 0; i < jlen(docs); i++) {
		struct json_object *d = json_object_array_get_idx(docs, i), *spec;
		struct kpod *p = NULL;
		size_t n = 0;
		if (d == NULL || kind_of(d) != 1 || pods_of(d, &p, &n, err) < 0)
			continue;
		spec = n ? jget(p[0].tmpl, "spec") : NULL;
		kpods_free(p, n);
		for (int l = 0; l < 2; l++) {
			struct json_object *ctrs = jget(spec, l ? "containers" : "initContainers");
			for (size_t k = 0; k < jlen(ctrs); k++)
				if (pull_one(kp, json_object_array_get_idx(ctrs, k), err) < 0)
					return -1;
		}
	}
	return 0;
}

static int play_kpod(struct kpod *p, void *kp, struct werr *err)
{
	return kube_play_pod(kp, p, err);
}

static int play_docs(struct kplay *kp, struct json_object *docs, struct werr *err)
{
	/* what pods use first, as Podman sorts the kinds */
	for (size_t i = 0; i < jlen(docs); i++) {
		struct json_object *d = json_object_array_get_idx(docs, i);
		const char *k = jstr(d, "kind") ?: "";
		if (d == NULL || kind_of(d) != 0)
			continue;
		if (!strcmp(k, "Secret") && play_secret(kp, d, err) < 0)
			return -1;
		if (!strcmp(k, "PersistentVolumeClaim") && play_pvc(kp, d, err) < 0)
			return -1;
	}
	return each_kpod(docs, play_kpod, kp, err);
}

int kube_play(struct engine *e, struct json_object *docs, const struct kube_play_opts *o,
	      struct json_object **report, struct werr *err)
{
	struct kplay kp = {.e = e, .o = o, .report = json_object_new_object()};
	size_t valid;
	int rc = -1;

	jset(kp.report, "Pods", json_object_new_array());
	jset(kp.report, "Volumes", json_object_new_array());
	if (check_docs(docs, &valid, err) < 0)
		goto out;
	if (gather_cms(&kp, docs, err) < 0)
		goto out;
	if (valid == 0) {
		kube_bad(err, jlen(kp.cms)
				  ? "ConfigMaps in podman are not a standalone object and "
				    "must be used in a container"
				  : "YAML document does not contain any supported kube kind");
		goto out;
	}
	if (pull_images(&kp, docs, err) < 0)
		goto out;
	if (play_docs(&kp, docs, err) < 0) {
		undo(&kp);
		goto out;
	}
	*report = steal_pointer(&kp.report);
	rc = 0;
out:
	json_object_put(kp.cms);
	strv_free(kp.pods);
	strv_free(kp.vols);
	strv_free(kp.secrets);
	json_object_put(kp.report);
	return rc;
}

/* ---- down ---- */

char *kube_play_text(struct json_object *report)
{
	struct json_object *vols = jget(report, "Volumes"), *pods = jget(report, "Pods");
	cleanup_free char *text = xstrdup(jlen(vols) ? "Volumes:\n" : "");
	char *t;

	for (size_t i = 0; i < jlen(vols); i++) {
		t = xasprintf("%s%s\n", text, jstr(json_object_array_get_idx(vols, i), "Name"));
		free(text);
		text = t;
	}
	for (size_t i = 0; i < jlen(pods); i++) {
		struct json_object *p = json_object_array_get_idx(pods, i);
		cleanup_strv char **ids = jstrv(jget(p, "Containers"));
		cleanup_free char *list = strv_join(ids, "\n");
		t = xasprintf("%sPod:\n%s\n%s:\n%s\n\n", text, jstr(p, "ID"),
			      strv_len(ids) > 1 ? "Containers" : "Container", list);
		free(text);
		text = t;
	}
	return steal_pointer(&text);
}

static char *list_block(const char *title, char **v, bool always)
{
	cleanup_free char *list = v ? strv_join(v, "\n") : NULL;

	if (!v && !always)
		return xstrdup("");
	return xasprintf("%s:\n%s%s", title, list ?: "", v ? "\n" : "");
}

struct down_ctx {
	struct engine *e;
	char ***pods, ***vols;
};

/* Pod p removed, with the volumes it made for itself. */
static int down_kpod(struct kpod *p, void *ctx, struct werr *err)
{
	struct down_ctx *c = ctx;
	struct pod_rec r = {0};
	cleanup_strv char **own = kube_pod_volumes(p->name, p->tmpl);
	int l = pod_lookup(c->e, p->name, &r, err);

	if (l > 0 && pod_remove(c->e, &r, true, -1, err) < 0)
		l = -1;
	if (l > 0)
		*c->pods = strv_append(*c->pods, r.id);
	pod_rec_free(&r);
	if (l < 0)
		return werr_status(err, 125);
	for (size_t k = 0; own[k]; k++) {
		struct werr ignored = {0};
		if (volume_remove(c->e, own[k], false, 0, &ignored) == 0)
			*c->vols = strv_append(*c->vols, own[k]);
	}
	return 0;
}

/* The pods of docs removed, with the volumes they made for themselves;
 * *pods their ids. */
static int down_pods(struct engine *e, struct json_object *docs, char ***pods, char ***vols,
		     struct werr *err)
{
	struct down_ctx c = {.e = e, .pods = pods, .vols = vols};

	return each_kpod(docs, down_kpod, &c, err);
}

int kube_down(struct engine *e, struct json_object *docs, bool force, struct json_object **report,
	      struct werr *err)
{
	cleanup_strv char **pods = NULL, **secrets = NULL, **vols = NULL;
	size_t valid;

	if (check_docs(docs, &valid, err) < 0)
		return -1;
	if (down_pods(e, docs, &pods, &vols, err) < 0)
		return -1;
	for (size_t i = 0; i < jlen(docs); i++) {
		struct json_object *d = json_object_array_get_idx(docs, i);
		const char *k = d ? jstr(d, "kind") ?: "" : "";
		struct werr ignored = {0};
		char id[SECRET_ID_LEN + 1];
		if (!strcmp(k, "Secret") && secret_remove(e, doc_name(d), id, &ignored) == 0)
			secrets = strv_append(secrets, id);
		/* a claim's data outlives the pods unless --force */
		if (!strcmp(k, "PersistentVolumeClaim") && force &&
		    volume_remove(e, doc_name(d), true, 0, &ignored) == 0)
			vols = strv_append(vols, doc_name(d));
	}
	*report = json_object_new_object();
	jset(*report, "Pods", jnew_strv(pods));
	jset(*report, "Secrets", jnew_strv(secrets));
	jset(*report, "Volumes", jnew_strv(vols));
	return 0;
}

char *kube_down_text(struct json_object *report)
{
	cleanup_strv char **pods = jstrv(jget(report, "Pods"));
	cleanup_strv char **secrets = jstrv(jget(report, "Secrets"));
	cleanup_strv char **vols = jstrv(jget(report, "Volumes"));
	cleanup_free char *a = list_block("Pods stopped", pods[0] ? pods : NULL, true);
	cleanup_free char *b = list_block("Pods removed", pods[0] ? pods : NULL, true);
	cleanup_free char *c = list_block("Secrets removed", secrets[0] ? secrets : NULL, false);
	cleanup_free char *v = list_block("Volumes removed", vols[0] ? vols : NULL, false);

	return xasprintf("%s%s%s%s", a, b, c, v);
}
