/* kube_pod.c - one pod template of `kube play` (kube_int.h): its volumes
 * (hostPath, persistentVolumeClaim, emptyDir, configMap, secret), its
 * containers' command, env (valueFrom, envFrom), mounts, securityContext,
 * probes and restart policy, as Podman 4.3 maps them onto `run` options. */
#include "runtime/kube_int.h"
#include "runtime/limits.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/base64.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/util.h"
#include "lib/yamljson.h"
#include "runtime/container.h"
#include "runtime/detach.h"
#include "runtime/pods.h"
#include "runtime/runopts.h"
#include "runtime/secrets.h"
#include "runtime/volumes.h"

int kube_bad(struct werr *err, const char *fmt, ...)
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

static const char *type_name(enum json_type t)
{
	switch (t) {
	case json_type_object:
		return "a mapping";
	case json_type_array:
		return "a list";
	case json_type_string:
		return "a string";
	case json_type_int:
		return "an integer";
	case json_type_boolean:
		return "a boolean";
	default:
		return "a value";
	}
}

int kube_want(struct json_object *x, enum json_type t, bool required, const char *what,
	      struct werr *err)
{
	if (x == NULL)
		return required ? kube_bad(err, "%s is missing", what) : 0;
	if (!json_object_is_type(x, t))
		return kube_bad(err, "%s must be %s", what, type_name(t));
	return 0;
}

/* A scalar as text (k8s wants strings; an unquoted 8080 is fine), NULL for
 * a mapping or a list. */
static const char *scalar(struct json_object *x)
{
	if (x == NULL || json_object_is_type(x, json_type_object) ||
	    json_object_is_type(x, json_type_array))
		return NULL;
	return json_object_is_type(x, json_type_null) ? "" : json_object_get_string(x);
}

/* The fields of o not in known (quiet: accepted without effect here) are
 * named in a warning: never a silent drop of something that matters. */
static void warn_unknown(struct json_object *o, const char *const *known, const char *where)
{
	if (!json_object_is_type(o, json_type_object))
		return;
	json_object_object_foreach(o, k, v)
	{
		size_t i;
		(void)v;
		for (i = 0; known[i] && strcmp(known[i], k); i++)
			;
		if (!known[i])
			log_warn("%s: field %s is not supported by warren, ignored", where, k);
	}
}

static const char *const pod_fields[] = {
    "containers", "initContainers", "volumes", "restartPolicy", "hostname", "securityContext",
    "hostNetwork",
    /* no effect on one machine */
    "terminationGracePeriodSeconds", "dnsPolicy", "enableServiceLinks",
    "automountServiceAccountToken", "serviceAccountName", "serviceAccount", "nodeSelector",
    "nodeName", "affinity", "tolerations", "schedulerName", "priority", "priorityClassName", NULL};

static const char *const ctr_fields[] = {
    "name", "image", "command", "args", "workingDir", "env", "envFrom", "ports", "volumeMounts",
    "securityContext", "resources", "livenessProbe", "readinessProbe", "imagePullPolicy", "stdin",
    "tty",
    /* no effect here */
    "terminationMessagePath", "terminationMessagePolicy", "stdinOnce", NULL};

/* ---- ConfigMaps and Secrets ---- */

static struct json_object *find_cm(struct kplay *kp, const char *name)
{
	for (size_t i = 0; i < jlen(kp->cms); i++) {
		struct json_object *c = json_object_array_get_idx(kp->cms, i);
		if (!strcmp(jstr(jget(c, "metadata"), "name") ?: "", name))
			return c;
	}
	return NULL;
}

/* The kube Secret document warren secret name holds (Podman keeps a kube
 * Secret so): 1 with *doc (new), 0 none, -1 error. */
static int find_secret(struct kplay *kp, const char *name, struct json_object **doc,
		       struct werr *err)
{
	struct secret_rec s = {0};
	cleanup_free char *data = NULL;
	cleanup_json struct json_object *docs = NULL;
	size_t len;
	int r = secret_lookup(kp->e, name, &s, err);

	if (r <= 0)
		return r;
	r = secret_data(kp->e, s.id, &data, &len, err);
	secret_rec_free(&s);
	if (r < 0)
		return -1;
	if (yaml_to_json(data, len, &docs, err) < 0 ||
	    !json_object_is_type(json_object_array_get_idx(docs, 0), json_type_object))
		return kube_bad(err, "secret %s does not hold a Kubernetes Secret", name);
	*doc = json_object_get(json_object_array_get_idx(docs, 0));
	return 1;
}

/* The keys of a ConfigMap or Secret document with their values (decoded)
 * as a new object {key: string}; binaryData and data are base64 in a
 * Secret, data is text in a ConfigMap. */
static int doc_values(struct json_object *d, bool secret, const char *what,
		      struct json_object **out, struct werr *err)
{
	static const char *const parts[] = {"data", "binaryData", "stringData"};
	cleanup_json struct json_object *o = json_object_new_object();

	for (size_t p = 0; p < 3; p++) {
		struct json_object *m = jget(d, parts[p]);
		bool b64 = p == 1 || (secret && p == 0);
		if (kube_want(m, json_type_object, false, what, err) < 0)
			return -1;
		if (m == NULL)
			continue;
		json_object_object_foreach(m, k, v)
		{
			const char *s = scalar(v);
			cleanup_free char *raw = NULL;
			size_t len;
			if (s == NULL)
				return kube_bad(err, "%s: %s.%s must be a string", what, parts[p],
						k);
			if (!b64) {
				json_object_object_add(o, k, json_object_new_string(s));
				continue;
			}
			if (base64_decode(s, &raw, &len) < 0)
				return kube_bad(err, "%s: %s.%s is not valid base64", what,
						parts[p], k);
			json_object_object_add(o, k, json_object_new_string_len(raw, (int)len));
		}
	}
	*out = steal_pointer(&o);
	return 0;
}

/* The values of ConfigMap (secret false) or Secret name: 1 with *vals, 0
 * when it does not exist, -1 error. */
static int source_values(struct kplay *kp, bool secret, const char *name, struct json_object **vals,
			 struct werr *err)
{
	cleanup_json struct json_object *doc = NULL;
	cleanup_free char *what = xasprintf("%s %s", secret ? "secret" : "configmap", name);
	int r;

	if (!secret) {
		doc = json_object_get(find_cm(kp, name));
		r = doc != NULL;
	} else {
		r = find_secret(kp, name, &doc, err);
	}
	if (r <= 0)
		return r;
	return doc_values(doc, secret, what, vals, err) < 0 ? -1 : 1;
}

/* ---- $(VAR) ---- */

/* s with Kubernetes' $(VAR) references replaced by the values env ("K=V")
 * gives them: $$ is a $, a reference to no variable stays as written. */
static char *expand(const char *s, char *const *env)
{
	size_t cap = strlen(s) + 1, n = 0;
	char *out = xmalloc(cap);

	while (*s) {
		const char *val = NULL, *end = NULL;
		size_t vlen = 0, skip = 1;
		if (s[0] == '$' && s[1] == '$') {
			val = "$", vlen = 1, skip = 2;
		} else if (s[0] == '$' && s[1] == '(' && (end = strchr(s + 2, ')')) != NULL) {
			size_t klen = (size_t)(end - s - 2);
			for (size_t i = 0; env && env[i] && !val; i++)
				if (!strncmp(env[i], s + 2, klen) && env[i][klen] == '=')
					val = env[i] + klen + 1;
			if (val)
				vlen = strlen(val), skip = klen + 3;
		}
		if (!val)
			val = s, vlen = 1;
		if (n + vlen + 1 > cap) {
			cap = (n + vlen + 1) * 2;
			out = xrealloc(out, cap);
		}
		memcpy(out + n, val, vlen);
		n += vlen;
		s += skip;
	}
	out[n] = '\0';
	return out;
}

static void expand_all(char **v, char *const *env)
{
	for (size_t i = 0; v && v[i]; i++) {
		char *x = expand(v[i], env);
		free(v[i]);
		v[i] = x;
	}
}

/* ---- env ---- */

static int env_ref(struct kplay *kp, struct json_object *ref, bool secret, const char *var,
		   char ***env, struct werr *err)
{
	const char *name = jstr(ref, "name"), *key = jstr(ref, "key");
	const char *kind = secret ? "secret" : "configmap";
	bool optional = json_object_get_boolean(jget(ref, "optional"));
	cleanup_json struct json_object *vals = NULL;
	struct json_object *v;
	int r;

	if (name == NULL || key == NULL)
		return kube_bad(err, "env %s: a %s reference needs name and key", var, kind);
	r = source_values(kp, secret, name, &vals, err);
	if (r < 0)
		return -1;
	v = r ? jget(vals, key) : NULL;
	if (v == NULL) {
		if (optional)
			return 0;
		return r ? kube_bad(err, "env %s: %s %s has no key %s", var, kind, name, key)
			 : kube_bad(err, "env %s: %s %s not found", var, kind, name);
	}
	{
		cleanup_free char *kv = xasprintf("%s=%s", var, json_object_get_string(v));
		spec_env_set(env, kv);
	}
	return 0;
}

static int env_from(struct kplay *kp, struct json_object *ef, const char *cn, char ***env,
		    struct werr *err)
{
	for (size_t i = 0; i < jlen(ef); i++) {
		struct json_object *x = json_object_array_get_idx(ef, i);
		struct json_object *cm = jget(x, "configMapRef"), *sr = jget(x, "secretRef");
		struct json_object *ref = cm ? cm : sr;
		const char *prefix = jstr(x, "prefix") ?: "", *name = jstr(ref, "name");
		cleanup_json struct json_object *vals = NULL;
		int r;
		if (name == NULL)
			return kube_bad(
			    err,
			    "container %s: envFrom needs configMapRef or secretRef with "
			    "a name",
			    cn);
		r = source_values(kp, cm == NULL, name, &vals, err);
		if (r < 0)
			return -1;
		if (r == 0) {
			if (json_object_get_boolean(jget(ref, "optional")))
				continue;
			return kube_bad(err, "container %s: envFrom: %s %s not found", cn,
					cm ? "configmap" : "secret", name);
		}
		json_object_object_foreach(vals, k, v)
		{
			cleanup_free char *kv =
			    xasprintf("%s%s=%s", prefix, k, json_object_get_string(v));
			spec_env_set(env, kv);
		}
	}
	return 0;
}

static int ctr_env(struct kplay *kp, struct json_object *c, const char *cn, struct run_opts *ro,
		   struct werr *err)
{
	struct json_object *env = jget(c, "env"), *ef = jget(c, "envFrom");
	cleanup_free char *w1 = xasprintf("container %s: env", cn);
	cleanup_free char *w2 = xasprintf("container %s: envFrom", cn);

	if (kube_want(env, json_type_array, false, w1, err) < 0 ||
	    kube_want(ef, json_type_array, false, w2, err) < 0)
		return -1;
	/* envFrom first: env entries win, as in Kubernetes */
	if (env_from(kp, ef, cn, &ro->env, err) < 0)
		return -1;
	for (size_t i = 0; i < jlen(env); i++) {
		struct json_object *x = json_object_array_get_idx(env, i),
				   *vf = jget(x, "valueFrom");
		const char *name = jstr(x, "name");
		if (name == NULL || !*name)
			return kube_bad(err, "container %s: an env entry has no name", cn);
		if (vf) {
			struct json_object *cm = jget(vf, "configMapKeyRef");
			struct json_object *sk = jget(vf, "secretKeyRef");
			if (!cm && !sk)
				return kube_bad(err,
						"env %s of container %s: valueFrom supports "
						"configMapKeyRef and secretKeyRef only",
						name, cn);
			if (env_ref(kp, cm ? cm : sk, cm == NULL, name, &ro->env, err) < 0)
				return -1;
			continue;
		}
		{
			const char *v = scalar(jget(x, "value"));
			cleanup_free char *kv = NULL;
			if (v == NULL)
				return kube_bad(err,
						"env %s of container %s: value must be a string",
						name, cn);
			{
				/* $(VAR) of the variables defined before it */
				cleanup_free char *ev = expand(v, ro->env);
				kv = xasprintf("%s=%s", name, ev);
			}
			spec_env_set(&ro->env, kv);
		}
	}
	return 0;
}

/* ---- volumes ---- */

enum kvol_kind { KV_HOST, KV_PVC, KV_POD };

struct kvol {
	const char *name;
	enum kvol_kind kind;
	char *src; /* host path, or the warren volume's name */
	bool ro;
};

static void kvols_free(struct kvol *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].src);
	free(v);
}

/* A relative path without "..": a subPath or a file of a configMap volume. */
static bool rel_ok(const char *p)
{
	cleanup_free char *dup = xstrdup(p);
	char *save = NULL;

	if (!*p || *p == '/' || strchr(p, ':'))
		return false;
	for (char *t = strtok_r(dup, "/", &save); t; t = strtok_r(NULL, "/", &save))
		if (!strcmp(t, ".."))
			return false;
	return true;
}

/* hostPath's type: Directory and File must exist as such; the OrCreate
 * types make what is missing (an empty directory or file). */
static int host_path(const char *path, const char *type, const char *vn, struct werr *err)
{
	struct stat st;
	bool exists = stat(path, &st) == 0;

	if (strchr(path, ':'))
		return kube_bad(err, "volume %s: hostPath %s holds a ':'", vn, path);
	if (type == NULL || !*type)
		return 0;
	if (!strcmp(type, "DirectoryOrCreate") && !exists) {
		if (mkdir_p(path, 0755, err) < 0)
			return werr_status(err, 125);
		return 0;
	}
	if (!strcmp(type, "FileOrCreate") && !exists) {
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0)
			return kube_bad(err, "volume %s: create file %s: %s", vn, path,
					strerror(errno));
		close(fd);
		return 0;
	}
	if (!strcmp(type, "Directory") || !strcmp(type, "DirectoryOrCreate")) {
		if (!exists || !S_ISDIR(st.st_mode))
			return kube_bad(err, "volume %s: hostPath %s is not a directory", vn, path);
	} else if (!strcmp(type, "File") || !strcmp(type, "FileOrCreate")) {
		if (!exists || !S_ISREG(st.st_mode))
			return kube_bad(err, "volume %s: hostPath %s is not a file", vn, path);
	} else if (!strcmp(type, "Socket")) {
		if (!exists || !S_ISSOCK(st.st_mode))
			return kube_bad(err, "volume %s: hostPath %s is not a socket", vn, path);
	} else {
		return kube_bad(err, "volume %s: hostPath type %s is not supported", vn, type);
	}
	return 0;
}

/* The volume exists (created when missing: then recorded in kp->vols). */
static int ensure_volume(struct kplay *kp, const char *name, struct werr *err)
{
	struct volume_rec r = {0};
	struct volume_create_opts vo = {.name = name};
	char *made = NULL;
	int l = volume_lookup(kp->e, name, &r, err);

	volume_rec_free(&r);
	if (l != 0)
		return l < 0 ? -1 : 0;
	if (volume_create(kp->e, &vo, &made, err) < 0)
		return werr_status(err, 125);
	kp->vols = strv_append(kp->vols, made);
	free(made);
	return 0;
}

/* Opens directory rel under root, making missing components when create,
 * never through a symlink (a volume's content is the container's): a new
 * fd, or -1 with errno. */
static int walk_dirs(int root, const char *rel, bool create)
{
	cleanup_free char *dup = xstrdup(rel);
	char *save = NULL;
	int dfd = fcntl(root, F_DUPFD_CLOEXEC, 3);

	for (char *t = strtok_r(dup, "/", &save); t && dfd >= 0; t = strtok_r(NULL, "/", &save)) {
		int nd;
		if (create && mkdirat(dfd, t, 0755) < 0 && errno != EEXIST) {
			int e = errno;
			close(dfd);
			errno = e;
			return -1;
		}
		nd = openat(dfd, t, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(dfd);
		dfd = nd;
	}
	return dfd;
}

/* Writes files {relative path: content} into volume name, mode each. */
static int fill_volume(struct kplay *kp, const char *name, struct json_object *files, int mode,
		       struct werr *err)
{
	cleanup_close int root = volume_open_data(kp->e, name, err);

	if (root < 0)
		return -1;
	json_object_object_foreach(files, path, v)
	{
		cleanup_free char *dir = xstrdup(path);
		char *slash = strrchr(dir, '/');
		const char *file = slash ? path + (slash - dir) + 1 : path;
		int dfd, fd = -1;
		if (slash)
			*slash = '\0';
		dfd = walk_dirs(root, slash ? dir : "", true);
		if (dfd >= 0)
			fd = openat(dfd, file,
				    O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (dfd >= 0)
			close(dfd);
		if (fd < 0 || fchmod(fd, (mode_t)mode) < 0 ||
		    write_all(fd, json_object_get_string(v),
			      (size_t)json_object_get_string_len(v)) < 0) {
			int e = errno;
			if (fd >= 0)
				close(fd);
			return kube_bad(err, "volume %s: write %s: %s", name, path, strerror(e));
		}
		close(fd);
	}
	return 0;
}

/* The files of a configMap or secret volume: its items (key -> path) or
 * every key; *files {path: content}. 0 with *files NULL: an optional
 * source that does not exist. */
static int source_files(struct kplay *kp, struct json_object *src, bool secret, const char *vn,
			struct json_object **files, struct werr *err)
{
	const char *name = jstr(src, secret ? "secretName" : "name");
	struct json_object *items = jget(src, "items");
	cleanup_json struct json_object *vals = NULL, *out = json_object_new_object();
	int r;

	if (name == NULL)
		return kube_bad(err, "volume %s: %s", vn,
				secret ? "secret.secretName is missing"
				       : "configMap.name is missing");
	if (kube_want(items, json_type_array, false, "items", err) < 0)
		return -1;
	r = source_values(kp, secret, name, &vals, err);
	if (r < 0)
		return -1;
	if (r == 0) {
		*files = NULL;
		if (json_object_get_boolean(jget(src, "optional")))
			return 0;
		return kube_bad(err, "volume %s: %s %s not found", vn,
				secret ? "secret" : "configmap", name);
	}
	if (items == NULL) {
		json_object_object_foreach(vals, k, v)
		{
			if (!rel_ok(k))
				return kube_bad(err, "volume %s: key %s is not a file name", vn, k);
			json_object_object_add(out, k, json_object_get(v));
		}
	}
	for (size_t i = 0; i < jlen(items); i++) {
		struct json_object *it = json_object_array_get_idx(items, i);
		const char *k = jstr(it, "key"), *p = jstr(it, "path");
		if (k == NULL || p == NULL || !rel_ok(p))
			return kube_bad(err, "volume %s: an item needs a key and a relative path",
					vn);
		if (jget(vals, k) == NULL)
			return kube_bad(err, "volume %s: %s %s has no key %s", vn,
					secret ? "secret" : "configmap", name, k);
		json_object_object_add(out, p, json_object_get(jget(vals, k)));
	}
	*files = steal_pointer(&out);
	return 0;
}

char **kube_pod_volumes(const char *name, struct json_object *tmpl)
{
	struct json_object *vols = jget(jget(tmpl, "spec"), "volumes");
	char **v = xcalloc(1, sizeof(char *));

	for (size_t i = 0; i < jlen(vols); i++) {
		struct json_object *x = json_object_array_get_idx(vols, i);
		if (jget(x, "emptyDir") || jget(x, "configMap") || jget(x, "secret")) {
			cleanup_free char *n = xasprintf("%s-%s", name, jstr(x, "name") ?: "");
			v = strv_append(v, n);
		}
	}
	return v;
}

/* One entry of spec.volumes into *kv; pod-scoped volumes (emptyDir,
 * configMap, secret: POD-NAME) made and filled now. */
static int pod_volume(struct kplay *kp, const char *pod, struct json_object *x, struct kvol *kv,
		      struct werr *err)
{
	const char *vn = jstr(x, "name");
	struct json_object *hp = jget(x, "hostPath"), *pvc = jget(x, "persistentVolumeClaim");
	struct json_object *cm = jget(x, "configMap"), *sec = jget(x, "secret");

	if (vn == NULL || !*vn)
		return kube_bad(err, "pod %s: a volume has no name", pod);
	kv->name = vn;
	if (hp) {
		const char *path = jstr(hp, "path");
		if (path == NULL || *path != '/')
			return kube_bad(err, "volume %s: hostPath.path must be an absolute path",
					vn);
		kv->kind = KV_HOST;
		kv->src = xstrdup(path);
		return host_path(path, jstr(hp, "type"), vn, err);
	}
	if (pvc) {
		const char *claim = jstr(pvc, "claimName");
		if (claim == NULL || !runopts_volume_name_ok(claim))
			return kube_bad(err,
					"volume %s: persistentVolumeClaim.claimName is not a "
					"volume name",
					vn);
		kv->kind = KV_PVC;
		kv->src = xstrdup(claim);
		kv->ro = json_object_get_boolean(jget(pvc, "readOnly"));
		return ensure_volume(kp, claim, err);
	}
	if (jget(x, "emptyDir") || cm || sec) {
		cleanup_json struct json_object *files = NULL;
		struct json_object *src = cm ? cm : sec, *dm = jget(src, "defaultMode");
		kv->kind = KV_POD;
		kv->src = xasprintf("%s-%s", pod, vn);
		if (!runopts_volume_name_ok(kv->src))
			return kube_bad(err, "volume %s: %s is not a volume name", vn, kv->src);
		if (src && source_files(kp, src, sec != NULL, vn, &files, err) < 0)
			return -1;
		if (ensure_volume(kp, kv->src, err) < 0)
			return -1;
		return files ? fill_volume(kp, kv->src, files,
					   dm ? (int)json_object_get_int(dm) & 07777 : 0644, err)
			     : 0;
	}
	return kube_bad(err,
			"volume %s: supported are hostPath, persistentVolumeClaim, emptyDir, "
			"configMap and secret",
			vn);
}

/* subPath sub of volume v: a host path under it (made in a warren
 * volume when missing, never through a symlink); NULL with err. */
static char *sub_path(struct kplay *kp, const struct kvol *v, const char *sub, struct werr *err)
{
	char real[PATH_MAX], rbase[PATH_MAX];
	cleanup_close int root = -1, fd = -1;
	cleanup_free char *want = NULL, *proc = NULL;

	if (v->kind == KV_HOST) {
		/* the host's own paths: followed as the user gave them */
		want = xasprintf("%s/%s", v->src, sub);
		if (realpath(want, real) == NULL || realpath(v->src, rbase) == NULL) {
			werr_set(err, errno, "resolve");
			return NULL;
		}
		if (strcmp(real, rbase) &&
		    (!str_has_prefix(real, rbase) || real[strlen(rbase)] != '/')) {
			werr_set(err, 0, "leaves the volume");
			return NULL;
		}
		return xstrdup(real);
	}
	root = volume_open_data(kp->e, v->src, err);
	if (root < 0)
		return NULL;
	fd = walk_dirs(root, sub, true);
	if (fd < 0) {
		werr_set(err, errno, "open");
		return NULL;
	}
	proc = xasprintf("/proc/self/fd/%d", fd);
	ssize_t n = readlink(proc, real, sizeof(real) - 1);
	if (n < 0) {
		werr_set(err, errno, "readlink");
		return NULL;
	}
	real[n] = '\0';
	return xstrdup(real);
}

/* A volumeMount into a -v spec of ro. */
static int ctr_mount(struct kplay *kp, struct json_object *m, const struct kvol *kv, size_t nkv,
		     struct run_opts *ro, struct werr *err)
{
	const char *name = jstr(m, "name"), *dst = jstr(m, "mountPath"), *sub = jstr(m, "subPath");
	const struct kvol *v = NULL;
	cleanup_free char *src = NULL, *spec = NULL;

	for (size_t i = 0; i < nkv && name; i++)
		if (!strcmp(kv[i].name, name))
			v = &kv[i];
	if (v == NULL)
		return kube_bad(err, "volumeMount %s: no volume of that name in the pod",
				name ?: "(no name)");
	if (dst == NULL || *dst != '/' || strchr(dst, ':'))
		return kube_bad(err, "volumeMount %s: mountPath must be an absolute path", name);
	if (sub && *sub && !rel_ok(sub))
		return kube_bad(err, "volumeMount %s: subPath %s must be a relative path", name,
				sub);
	if (sub && *sub)
		src = sub_path(kp, v, sub, err);
	else
		src = xstrdup(v->src);
	if (src == NULL)
		return kube_bad(err, "volumeMount %s: subPath %s: %s", name, sub, err->msg);
	spec = xasprintf("%s:%s%s", src, dst,
			 v->ro || json_object_get_boolean(jget(m, "readOnly")) ? ":ro" : "");
	return runopts_add_volume(ro, spec, err) < 0 ? werr_status(err, 125) : 0;
}

/* ---- securityContext, probes ---- */

static const char *const sc_fields[] = {"runAsUser", "runAsGroup", "privileged",
					"readOnlyRootFilesystem", "capabilities",
					/* no_new_privs is always on; no SELinux here */
					"allowPrivilegeEscalation", "seLinuxOptions", NULL};

static void ctr_security(struct json_object *psc, struct json_object *sc, const char *cn,
			 struct run_opts *ro)
{
	cleanup_free char *where = xasprintf("container %s: securityContext", cn);
	struct json_object *caps = jget(sc, "capabilities");
	struct json_object *u = jget(sc, "runAsUser") ?: jget(psc, "runAsUser");
	struct json_object *g = jget(sc, "runAsGroup") ?: jget(psc, "runAsGroup");

	warn_unknown(sc, sc_fields, where);
	ro->privileged = json_object_get_boolean(jget(sc, "privileged"));
	ro->read_only = json_object_get_boolean(jget(sc, "readOnlyRootFilesystem"));
	if (u)
		ro->user = g ? xasprintf("%lld:%lld", (long long)json_object_get_int64(u),
					 (long long)json_object_get_int64(g))
			     : xasprintf("%lld", (long long)json_object_get_int64(u));
	if (jget(caps, "add"))
		ro->cap_add = jstrv(jget(caps, "add"));
	if (jget(caps, "drop"))
		ro->cap_drop = jstrv(jget(caps, "drop"));
}

/* Strings the health flags borrow while the container is made. */
struct probe_buf {
	char *cmd, *interval, *timeout, *start;
};

static void probe_buf_free(struct probe_buf *b)
{
	free(b->cmd);
	free(b->interval);
	free(b->timeout);
	free(b->start);
}

static char *secs(struct json_object *p, const char *key)
{
	struct json_object *x = jget(p, key);
	return x ? xasprintf("%llds", (long long)json_object_get_int64(x)) : NULL;
}

/* A probe (kind: "livenessProbe" or "readinessProbe"): exec, httpGet
 * (curl or wget in the container) or tcpSocket (nc) as the container's
 * healthcheck, as Podman maps them. */
static int ctr_probe(struct json_object *p, const char *kind, const char *cn, struct run_opts *ro,
		     struct probe_buf *b, struct werr *err)
{
	struct json_object *ex = jget(p, "exec"), *hg = jget(p, "httpGet");
	struct json_object *tcp = jget(p, "tcpSocket");
	cleanup_json struct json_object *test = json_object_new_array();

	if (p == NULL)
		return 0;
	if (ex) {
		struct json_object *cmd = jget(ex, "command");
		if (!json_object_is_type(cmd, json_type_array) || jlen(cmd) == 0)
			return kube_bad(err,
					"container %s: %s.exec.command must be a non-empty list",
					cn, kind);
		json_object_array_add(test, json_object_new_string("CMD"));
		for (size_t i = 0; i < jlen(cmd); i++)
			json_object_array_add(test,
					      json_object_new_string(
						  scalar(json_object_array_get_idx(cmd, i)) ?: ""));
	} else if (hg || tcp) {
		struct json_object *src = hg ? hg : tcp;
		const char *host = jstr(src, "host") ?: "localhost", *path = jstr(hg, "path");
		const char *scheme = jstr(hg, "scheme") ?: "HTTP";
		cleanup_free char *sh = NULL, *url = NULL;
		if (jget(src, "port") == NULL || scalar(jget(src, "port")) == NULL)
			return kube_bad(err, "container %s: %s needs a port", cn, kind);
		url = xasprintf("%s://%s:%s%s%s", !strcasecmp(scheme, "HTTPS") ? "https" : "http",
				host, scalar(jget(src, "port")), path && *path != '/' ? "/" : "",
				path ?: "");
		sh = hg ? xasprintf("curl -f -s -o /dev/null '%s' || wget -q -O /dev/null '%s'",
				    url, url)
			: xasprintf("nc -z %s %s", host, scalar(jget(src, "port")));
		json_object_array_add(test, json_object_new_string("CMD-SHELL"));
		json_object_array_add(test, json_object_new_string(sh));
	} else {
		return kube_bad(err, "container %s: %s needs exec, httpGet or tcpSocket", cn, kind);
	}
	b->cmd = xstrdup(json_object_to_json_string_ext(test, JSON_C_TO_STRING_PLAIN));
	b->interval = secs(p, "periodSeconds");
	b->timeout = secs(p, "timeoutSeconds");
	b->start = secs(p, "initialDelaySeconds");
	ro->health.cmd = b->cmd;
	ro->health.interval = b->interval;
	ro->health.timeout = b->timeout;
	ro->health.start_period = b->start;
	if (jget(p, "failureThreshold"))
		ro->health.retries = (int)json_object_get_int(jget(p, "failureThreshold"));
	return 0;
}

/* ---- containers ---- */

/* The type checks of one container's fields, one line each. */
static int ctr_check(struct json_object *c, const char *cn, struct werr *err)
{
	static const struct {
		const char *key;
		enum json_type t;
	} tab[] = {
	    {"command", json_type_array},	  {"args", json_type_array},
	    {"workingDir", json_type_string},	  {"ports", json_type_array},
	    {"volumeMounts", json_type_array},	  {"securityContext", json_type_object},
	    {"resources", json_type_object},	  {"livenessProbe", json_type_object},
	    {"readinessProbe", json_type_object}, {"imagePullPolicy", json_type_string},
	};
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		cleanup_free char *what = xasprintf("container %s: %s", cn, tab[i].key);
		if (kube_want(jget(c, tab[i].key), tab[i].t, false, what, err) < 0)
			return -1;
	}
	for (const char *const *k = (const char *const[]){"command", "args", NULL}; *k; k++)
		for (size_t i = 0; i < jlen(jget(c, *k)); i++)
			if (scalar(json_object_array_get_idx(jget(c, *k), i)) == NULL)
				return kube_bad(err, "container %s: %s must be a list of strings",
						cn, *k);
	return 0;
}

static char **strv_of(struct json_object *a)
{
	char **v = xcalloc(1, sizeof(char *));

	for (size_t i = 0; i < jlen(a); i++)
		v = strv_append(v, scalar(json_object_array_get_idx(a, i)) ?: "");
	return v;
}

struct kctr_env {
	struct kplay *kp;
	const char *pod, *restart;
	int restart_max;
	struct json_object *psc; /* the pod's securityContext */
	const struct kvol *kv;
	size_t nkv;
};

static bool nonempty(struct json_object *o)
{
	return json_object_is_type(o, json_type_object) && json_object_object_length(o) > 0;
}

static int ctr_opts(const struct kctr_env *ce, struct json_object *c, struct run_opts *ro,
		    struct probe_buf *pb, struct werr *err)
{
	const char *cn = jstr(c, "name"), *wd = jstr(c, "workingDir");
	struct json_object *res = jget(c, "resources"), *mounts = jget(c, "volumeMounts");
	cleanup_free char *where = xasprintf("container %s", cn);

	if (ctr_check(c, cn, err) < 0)
		return -1;
	warn_unknown(c, ctr_fields, where);
	ro->name = xasprintf("%s-%s", ce->pod, cn);
	if (jlen(jget(c, "command"))) {
		ro->entrypoint = strv_of(jget(c, "command"));
		ro->entrypoint_set = true;
	}
	if (jlen(jget(c, "args")))
		ro->cmd = strv_of(jget(c, "args"));
	if (ctr_env(ce->kp, c, cn, ro, err) < 0)
		return -1;
	/* command and args see the container's env as Kubernetes expands it */
	expand_all(ro->entrypoint, ro->env);
	expand_all(ro->cmd, ro->env);
	if (wd && *wd)
		ro->workdir = xstrdup(wd);
	/* a shell with stdin and a terminal waits, as in Kubernetes (run -dit) */
	ro->tty = json_object_get_boolean(jget(c, "tty"));
	ro->interactive = json_object_get_boolean(jget(c, "stdin"));
	ctr_security(ce->psc, jget(c, "securityContext"), cn, ro);
	/* resources: the limits of run (runtime/limits.h) */
	if ((nonempty(jget(res, "limits")) || nonempty(jget(res, "requests"))) &&
	    limits_from_k8s(res, cn, &ro->limits, err) < 0)
		return -1;
	for (size_t i = 0; i < jlen(mounts); i++)
		if (ctr_mount(ce->kp, json_object_array_get_idx(mounts, i), ce->kv, ce->nkv, ro,
			      err) < 0)
			return -1;
	/* one healthcheck per container: the liveness probe's, else the
	 * readiness probe's (the container is healthy once ready) */
	if (jget(c, "livenessProbe") && jget(c, "readinessProbe"))
		log_warn("container %s: readinessProbe is not used: its livenessProbe is the "
			 "healthcheck",
			 cn);
	if (ctr_probe(jget(c, "livenessProbe"), "livenessProbe", cn, ro, pb, err) < 0 ||
	    (jget(c, "livenessProbe") == NULL &&
	     ctr_probe(jget(c, "readinessProbe"), "readinessProbe", cn, ro, pb, err) < 0))
		return -1;
	if (runopts_set_restart(ro, ce->restart, err) < 0)
		return werr_status(err, 125);
	ro->restart_max = ce->restart_max;
	return 0;
}

static int make_ctr(const struct kctr_env *ce, struct json_object *c, const char *pod_id, char **id,
		    struct werr *err)
{
	struct run_opts ro;
	struct ctr_owned oc = {.lock = -1, .proc = {.pty_master = -1}};
	struct probe_buf pb = {0};
	cleanup_free char *joined = NULL;
	int rc = -1;

	runopts_init(&ro);
	if (ctr_opts(ce, c, &ro, &pb, err) == 0 &&
	    pod_join_opts(ce->kp->e, pod_id, &ro, &joined, err) == 0 &&
	    container_create(ce->kp->e, jstr(c, "image"), &ro, &oc, err) == 0) {
		*id = xstrdup(oc.rec.id);
		container_owned_free(ce->kp->e, &oc);
		rc = 0;
	}
	runopts_free(&ro);
	probe_buf_free(&pb);
	return rc < 0 ? werr_status(err, 125) : 0;
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

/* restartPolicy into run's --restart (Podman: Always when unset). */
static int restart_of(struct json_object *spec, const struct kpod *pod, const char **out,
		      struct werr *err)
{
	const char *rp = jstr(spec, "restartPolicy");

	if (kube_want(jget(spec, "restartPolicy"), json_type_string, false, "restartPolicy", err) <
	    0)
		return -1;
	if (rp == NULL)
		rp = !strcmp(pod->kind, "Job") ? "Never" : "Always";
	if (!strcmp(pod->kind, "Job") && !strcmp(rp, "Always"))
		return kube_bad(err, "Job %s: restartPolicy must be Never or OnFailure", pod->doc);
	if (!strcmp(rp, "Always"))
		*out = "always";
	else if (!strcmp(rp, "OnFailure"))
		*out = "on-failure";
	else if (!strcmp(rp, "Never"))
		*out = "no";
	else
		return kube_bad(err, "pod %s: restartPolicy %s is not Always, OnFailure or Never",
				pod->name, rp);
	return 0;
}

static int remove_pod_named(struct engine *e, const char *name, struct werr *err)
{
	struct pod_rec p = {0};
	int r = pod_lookup(e, name, &p, err);

	if (r <= 0)
		return r;
	r = pod_remove(e, &p, true, -1, err);
	pod_rec_free(&p);
	return r;
}

/* The containers of spec's list key (containers or initContainers). */
static int pod_containers(const struct kctr_env *ce, const struct kpod *pod, const char *key,
			  const char *pod_id, char ***ids, struct werr *err)
{
	struct json_object *ctrs = jget(jget(pod->tmpl, "spec"), key);

	for (size_t i = 0; i < jlen(ctrs); i++) {
		char *id = NULL;
		if (make_ctr(ce, json_object_array_get_idx(ctrs, i), pod_id, &id, err) < 0)
			return -1;
		*ids = strv_append(*ids, id);
		free(id);
	}
	return 0;
}

/* Init containers, as Podman's "once" ones: each runs to its end in
 * turn (the pod's infra up), must exit 0, and is removed. */
static int run_inits(struct kplay *kp, const char *pod_id, char *const *ids, struct werr *err)
{
	if (ids && pod_infra_ensure(kp->e, pod_id, err) < 0)
		return -1;
	for (size_t i = 0; ids && ids[i]; i++) {
		struct ctr_owned oc = {.lock = -1, .proc = {.pty_master = -1}};
		struct container_rec c = {0};
		struct detach_opts d;
		int code = -1, r = container_prepare_start(kp->e, ids[i], -1, &oc, err);
		if (r > 0) {
			detach_opts_from_container(&oc.rec, &d);
			r = container_detach(kp->e, &oc, &d, err);
		}
		container_owned_free(kp->e, &oc);
		if (r < 0 || container_wait_exit(kp->e, ids[i], &code, err) < 0)
			return -1;
		r = container_lookup(kp->e, ids[i], &c, err);
		if (r > 0 && code != 0)
			r = kube_bad(err, "init container %s exited with code %d", c.name, code);
		if (r > 0)
			r = container_remove(kp->e, &c, true, 0, err);
		container_rec_free(&c);
		if (r < 0)
			return -1;
	}
	return 0;
}

static int pod_all_containers(struct kplay *kp, const struct kpod *pod, const char *pod_id,
			      const char *restart, const struct kvol *kv, size_t nkv, char ***ids,
			      struct werr *err)
{
	struct json_object *spec = jget(pod->tmpl, "spec");
	struct kctr_env ce = {
	    kp, pod->name, restart, pod->restart_max, jget(spec, "securityContext"), kv, nkv};
	struct kctr_env ice = ce;
	cleanup_strv char **inits = NULL;

	ice.restart = "no";
	ice.restart_max = 0;
	if (jlen(jget(spec, "initContainers")) && kp->o->no_start)
		log_warn("pod %s: init containers run only when kube play starts the pod, skipped",
			 pod->name);
	else if (pod_containers(&ice, pod, "initContainers", pod_id, &inits, err) < 0)
		return -1;
	if (pod_containers(&ce, pod, "containers", pod_id, ids, err) < 0)
		return -1;
	return kp->o->no_start ? 0 : run_inits(kp, pod_id, inits, err);
}

int kube_play_pod(struct kplay *kp, const struct kpod *pod, struct werr *err)
{
	struct json_object *spec = jget(pod->tmpl, "spec"), *ctrs = jget(spec, "containers");
	struct json_object *vols = jget(spec, "volumes");
	cleanup_strv char **publish = pod_publish(ctrs, kp->o->publish);
	cleanup_strv char **labels = NULL;
	bool host = json_object_get_boolean(jget(spec, "hostNetwork"));
	char *net[] = {(char *)(kp->o->network ?: (host ? "host" : NULL)), NULL};
	struct pod_create_opts po = {.name = pod->name,
				     .hostname = jstr(spec, "hostname"),
				     .networks = net,
				     .publish = publish};
	cleanup_free char *pod_id = NULL, *where = xasprintf("pod %s", pod->name);
	cleanup_strv char **ids = NULL;
	struct kvol *kv;
	const char *restart = "no";
	struct pod_rec p = {0};
	size_t nkv = 0;
	int rc = -1;

	warn_unknown(spec, pod_fields, where);
	if (json_object_is_type(jget(jget(pod->tmpl, "metadata"), "labels"), json_type_object)) {
		json_object_object_foreach(jget(jget(pod->tmpl, "metadata"), "labels"), k, v)
		{
			cleanup_free char *l = xasprintf("%s=%s", k, scalar(v) ?: "");
			labels = strv_append(labels, l);
		}
	}
	po.labels = labels;
	if (restart_of(spec, pod, &restart, err) < 0)
		return -1;
	if (kp->o->replace && remove_pod_named(kp->e, pod->name, err) < 0)
		return werr_status(err, 125);
	if (pod_create(kp->e, &po, &pod_id, err) < 0)
		return werr_status(err, 125);
	kp->pods = strv_append(kp->pods, pod_id);
	kv = xcalloc(jlen(vols) + 1, sizeof(*kv));
	for (; nkv < jlen(vols); nkv++)
		if (pod_volume(kp, pod->name, json_object_array_get_idx(vols, nkv), &kv[nkv], err) <
		    0) {
			nkv++;
			goto out;
		}
	if (pod_all_containers(kp, pod, pod_id, restart, kv, nkv, &ids, err) < 0)
		goto out;
	if (!kp->o->no_start) {
		int r = pod_lookup(kp->e, pod_id, &p, err);
		r = r > 0 ? pod_start(kp->e, &p, err) : -1;
		pod_rec_free(&p);
		if (r < 0)
			goto out;
	}
	{
		struct json_object *r = json_object_new_object();
		jset_str(r, "ID", pod_id);
		jset(r, "Containers", jnew_strv(ids));
		jset(r, "InitContainers", json_object_new_array());
		jset(r, "Logs", json_object_new_array());
		jset(r, "ContainerErrors", json_object_new_array());
		json_object_array_add(jget(kp->report, "Pods"), r);
	}
	rc = 0;
out:
	kvols_free(kv, nkv);
	return rc < 0 ? werr_status(err, 125) : 0;
}
