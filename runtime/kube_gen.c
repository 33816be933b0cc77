/* kube_gen.c - `kube generate`: containers and pods as Kubernetes objects
 * (see kube.h). Everything comes from what the user asked for at create
 * (the stored create options), not from what the image adds: a manifest
 * should carry the user's intent, as Podman's does. */
#include "runtime/limits.h"
#include "runtime/kube.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "lib/yamljson.h"
#include "runtime/container.h"
#include "runtime/ctr_json.h"
#include "runtime/pods.h"

/* Docker's default capabilities, in its order: Podman writes
 * capabilities.drop as the members of this list a container lacks, and
 * capabilities.add as those it has beyond it. */
static const char *const k8s_default_caps[] = {
    "CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",	       "CAP_FOWNER",
    "CAP_MKNOD",   "CAP_NET_RAW",      "CAP_SETGID",	       "CAP_SETUID",
    "CAP_SETFCAP", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
    "CAP_KILL",	   "CAP_AUDIT_WRITE",
};

static const char *bool_upper(bool b)
{
	return b ? "TRUE" : "FALSE";
}

/* Per-container annotations, keyed NAME as Podman writes them. */
static void annotate(struct json_object *ann, const char *name, struct json_object *opts,
		     const char *sandbox)
{
	struct json_object *cfg = jget(opts, "Config"), *hc = jget(opts, "HostConfig");
	char key[512];
	const struct {
		const char *prefix;
		const char *value;
	} tab[] = {
	    {"io.kubernetes.cri-o.ContainerType", sandbox ? "container" : NULL},
	    {"io.kubernetes.cri-o.SandboxID", sandbox},
	    {"io.kubernetes.cri-o.TTY",
	     json_object_get_boolean(jget(cfg, "Tty")) ? "true" : "false"},
	    {"io.podman.annotations.autoremove",
	     bool_upper(json_object_get_boolean(jget(hc, "AutoRemove")))},
	    {"io.podman.annotations.init", bool_upper(json_object_get_boolean(jget(hc, "Init")))},
	    {"io.podman.annotations.privileged",
	     bool_upper(json_object_get_boolean(jget(hc, "Privileged")))},
	    {"io.podman.annotations.publish-all",
	     bool_upper(json_object_get_boolean(jget(hc, "PublishAllPorts")))},
	};

	for (size_t i = 0; i < ARRAY_SIZE(tab); i++) {
		if (tab[i].value == NULL)
			continue;
		snprintf(key, sizeof(key), "%s/%s", tab[i].prefix, name);
		jset_str(ann, key, tab[i].value);
	}
}

/* command: the entrypoint the user gave, then its command as args; with
 * no entrypoint the command alone (Podman's choice: it overrides the
 * image's entrypoint too, which the user's run line did not). */
static void command_args(struct json_object *k, struct json_object *cfg)
{
	struct json_object *ep = jget(cfg, "Entrypoint"), *cmd = jget(cfg, "Cmd");

	if (json_object_is_type(ep, json_type_array) && jlen(ep) > 0) {
		jset(k, "command", json_object_get(ep));
		if (jlen(cmd) > 0)
			jset(k, "args", json_object_get(cmd));
	} else if (json_object_is_type(cmd, json_type_array) && jlen(cmd) > 0) {
		jset(k, "command", json_object_get(cmd));
	}
}

static void env_list(struct json_object *k, struct json_object *cfg, bool member)
{
	struct json_object *env = jget(cfg, "Env"), *out = json_object_new_array();
	const char *host = jstr(cfg, "Hostname");

	for (size_t i = 0; i < jlen(env); i++) {
		const char *kv = json_object_get_string(json_object_array_get_idx(env, i));
		const char *eq = kv ? strchr(kv, '=') : NULL;
		struct json_object *v;
		/* Podman leaves out variables set empty */
		if (eq == NULL || eq[1] == '\0')
			continue;
		v = json_object_new_object();
		jset(v, "name",
		     eq ? json_object_new_string_len(kv, (int)(eq - kv))
			: json_object_new_string(kv ? kv : ""));
		jset_str(v, "value", eq ? eq + 1 : "");
		json_object_array_add(out, v);
	}
	/* --hostname puts HOSTNAME in the environment; Podman lists it (a
	 * pod member's is the pod's: spec.hostname says it) */
	if (host && *host && !member) {
		struct json_object *v = json_object_new_object();
		jset_str(v, "name", "HOSTNAME");
		jset_str(v, "value", host);
		json_object_array_add(out, v);
	}
	if (jlen(out))
		jset(k, "env", out);
	else
		json_object_put(out);
}

/* ports of the stored PortMappings (a range is one entry per port) */
static void port_list(struct json_object *k, struct json_object *maps)
{
	struct json_object *out = json_object_new_array();

	for (size_t i = 0; i < jlen(maps); i++) {
		struct json_object *m = json_object_array_get_idx(maps, i);
		int64_t cp = json_object_get_int64(jget(m, "container_port"));
		int64_t hp = json_object_get_int64(jget(m, "host_port"));
		int64_t range = json_object_get_int64(jget(m, "range"));
		const char *proto = jstr(m, "protocol"), *hip = jstr(m, "host_ip");
		for (int64_t r = 0; r < (range > 0 ? range : 1); r++) {
			struct json_object *p = json_object_new_object();
			jset(p, "containerPort", json_object_new_int64(cp + r));
			if (hp)
				jset(p, "hostPort", json_object_new_int64(hp + r));
			if (hip && *hip)
				jset_str(p, "hostIP", hip);
			if (proto && strcmp(proto, "tcp") != 0) {
				char up[16];
				snprintf(up, sizeof(up), "%s", proto);
				for (char *c = up; *c; c++)
					*c = (char)toupper((unsigned char)*c);
				jset_str(p, "protocol", up);
			}
			json_object_array_add(out, p);
		}
	}
	if (jlen(out))
		jset(k, "ports", out);
	else
		json_object_put(out);
}

/* A bind mount's volume name as Podman makes it: the host path with '/'
 * as '-', "-host-" and its index among the pod's volumes. */
static char *host_volume_name(const char *path, size_t idx)
{
	cleanup_free char *s = xstrdup(path[0] == '/' && path[1] ? path + 1 : path);

	for (char *c = s; *c; c++)
		if (*c == '/')
			*c = '-';
	return xasprintf("%s-host-%zu", strcmp(path, "/") == 0 ? "root" : s, idx);
}

static bool has_volume(struct json_object *vols, const char *name)
{
	for (size_t i = 0; i < jlen(vols); i++)
		if (!strcmp(jstr(json_object_array_get_idx(vols, i), "name") ?: "", name))
			return true;
	return false;
}

/* volumeMounts of the container; the pod's volumes added to vols */
static void mount_list(struct json_object *k, struct json_object *mounts, struct json_object *vols)
{
	struct json_object *out = json_object_new_array();

	for (size_t i = 0; i < jlen(mounts); i++) {
		struct json_object *m = json_object_array_get_idx(mounts, i);
		const char *type = jstr(m, "Type"), *src = jstr(m, "Source");
		struct json_object *vm = json_object_new_object(), *v;
		cleanup_free char *name = NULL;
		if (!type || !src || (strcmp(type, "bind") && strcmp(type, "volume"))) {
			json_object_put(vm);
			continue;
		}
		if (!strcmp(type, "volume")) {
			name = xasprintf("%s-pvc", jstr(m, "Name") ?: "");
			v = json_object_new_object();
			jset_str(v, "claimName", jstr(m, "Name") ?: "");
		} else {
			struct stat st;
			name = host_volume_name(src, jlen(vols));
			v = json_object_new_object();
			jset_str(v, "path", src);
			jset_str(v, "type",
				 stat(src, &st) == 0 && !S_ISDIR(st.st_mode) ? "File"
									     : "Directory");
		}
		jset_str(vm, "mountPath", jstr(m, "Destination") ?: "");
		jset_str(vm, "name", name);
		if (!json_object_get_boolean(jget(m, "RW")))
			jset(vm, "readOnly", json_object_new_boolean(true));
		json_object_array_add(out, vm);
		if (has_volume(vols, name)) {
			json_object_put(v);
			continue;
		}
		struct json_object *vol = json_object_new_object();
		jset(vol, !strcmp(type, "volume") ? "persistentVolumeClaim" : "hostPath", v);
		jset_str(vol, "name", name);
		json_object_array_add(vols, vol);
	}
	if (jlen(out))
		jset(k, "volumeMounts", out);
	else
		json_object_put(out);
}

static void add_cap_lists(struct json_object *sc, struct json_object *bound)
{
	struct json_object *add = json_object_new_array(), *drop = json_object_new_array();
	struct json_object *caps;

	for (size_t i = 0; i < ARRAY_SIZE(k8s_default_caps); i++) {
		bool held = false;
		for (size_t j = 0; j < jlen(bound); j++)
			held = held ||
			       !strcmp(json_object_get_string(json_object_array_get_idx(bound, j)),
				       k8s_default_caps[i]);
		if (!held)
			json_object_array_add(drop, json_object_new_string(k8s_default_caps[i]));
	}
	for (size_t j = 0; j < jlen(bound); j++) {
		const char *c = json_object_get_string(json_object_array_get_idx(bound, j));
		bool dflt = false;
		for (size_t i = 0; i < ARRAY_SIZE(k8s_default_caps); i++)
			dflt = dflt || !strcmp(c, k8s_default_caps[i]);
		if (!dflt)
			json_object_array_add(add, json_object_new_string(c));
	}
	if (!jlen(add) && !jlen(drop)) {
		json_object_put(add);
		json_object_put(drop);
		return;
	}
	caps = json_object_new_object();
	jset(caps, "add", add);
	jset(caps, "drop", drop);
	if (!jlen(add))
		json_object_object_del(caps, "add");
	if (!jlen(drop))
		json_object_object_del(caps, "drop");
	jset(sc, "capabilities", caps);
}

/* runAsUser/runAsGroup: only a numeric --user says them (a name means
 * the image's passwd, which a cluster resolves itself) */
static void run_as(struct json_object *sc, const char *user)
{
	cleanup_free char *u = xstrdup(user ? user : "");
	char *colon = strchr(u, ':');
	int64_t v;

	if (colon)
		*colon = '\0';
	if (*u && parse_int64(u, 0, UINT32_MAX, &v) == 0) {
		jset(sc, "runAsUser", json_object_new_int64(v));
		if (!colon)
			jset(sc, "runAsGroup", json_object_new_int64(v));
	}
	if (colon && parse_int64(colon + 1, 0, UINT32_MAX, &v) == 0)
		jset(sc, "runAsGroup", json_object_new_int64(v));
}

static void security(struct json_object *k, struct json_object *opts, struct json_object *insp)
{
	struct json_object *hc = jget(opts, "HostConfig"), *sc = json_object_new_object();

	if (json_object_get_boolean(jget(hc, "Privileged"))) {
		jset(sc, "privileged", json_object_new_boolean(true));
	} else {
		add_cap_lists(sc, jget(insp, "BoundingCaps"));
		if (json_object_get_boolean(jget(hc, "ReadonlyRootfs")))
			jset(sc, "readOnlyRootFilesystem", json_object_new_boolean(true));
		run_as(sc, jstr(jget(opts, "Config"), "User"));
	}
	if (json_object_object_length(sc))
		jset(k, "securityContext", sc);
	else
		json_object_put(sc);
}

/* One container of the pod; its volumes into vols, its annotations into
 * ann. ports: the PortMappings to list (the infra's for a pod's first
 * member), NULL: its own. */
static struct json_object *k8s_container(struct engine *e, const struct container_rec *c,
					 struct json_object *ports, struct json_object *vols,
					 struct json_object *ann, const char *sandbox)
{
	cleanup_json struct json_object *opts = json_tokener_parse(c->config ? c->config : "{}");
	cleanup_json struct json_object *insp = ctr_json_inspect(e, c, false);
	struct json_object *cfg = jget(opts, "Config"), *k = json_object_new_object();
	const char *wd = jstr(cfg, "WorkingDir");

	annotate(ann, c->name, opts, sandbox);
	jset_str(k, "name", c->name);
	jset_str(k, "image", jstr(cfg, "Image") ? jstr(cfg, "Image") : c->image_name);
	command_args(k, cfg);
	env_list(k, cfg, sandbox != NULL);
	port_list(k, ports ? ports : jget(opts, "PortMappings"));
	/* resources.limits of its memory and cpu limits, as Podman's */
	struct res_limits l;
	limits_from_json(jget(opts, "Resources"), &l);
	struct json_object *lim = limits_to_k8s(&l);
	limits_free(&l);
	if (lim != NULL) {
		struct json_object *res = json_object_new_object();
		jset(res, "limits", lim);
		jset(k, "resources", res);
	} else if (sandbox) {
		jset(k, "resources", json_object_new_object());
	}
	security(k, opts, insp);
	mount_list(k, jget(opts, "Mounts"), vols);
	if (wd && *wd && strcmp(wd, "/") != 0) /* "/": the default, as Podman omits it */
		jset_str(k, "workingDir", wd);
	return k;
}

static const char *restart_policy(const struct container_rec *c)
{
	cleanup_json struct json_object *opts = json_tokener_parse(c->config ? c->config : "{}");
	const char *p = jstr(jget(jget(opts, "HostConfig"), "RestartPolicy"), "Name");

	if (p && (!strcmp(p, "always") || !strcmp(p, "unless-stopped")))
		return "Always";
	if (p && !strcmp(p, "on-failure"))
		return "OnFailure";
	return p && *p ? "Never" : NULL;
}

static void set_created(struct json_object *meta)
{
	char ts[64];

	format_rfc3339(now_ns() / 1000000000 * 1000000000, ts, sizeof(ts));
	jset_str(meta, "creationTimestamp", ts);
}

/* The v1 Pod (or, deployment, the apps/v1 Deployment around it) of the
 * containers c[0..n); name: the pod's. */
static struct json_object *k8s_pod(struct engine *e, const char *name, const char *hostname,
				   const struct container_rec *c, size_t n,
				   struct json_object *ports, const char *sandbox,
				   const struct kube_gen_opts *o)
{
	struct json_object *pod = json_object_new_object(), *meta = json_object_new_object();
	struct json_object *spec = json_object_new_object(), *ann = json_object_new_object();
	struct json_object *ctrs = json_object_new_array(), *vols = json_object_new_array();
	struct json_object *labels = json_object_new_object();
	const char *rp = n ? restart_policy(&c[0]) : NULL;

	for (size_t i = 0; i < n; i++)
		json_object_array_add(
		    ctrs, k8s_container(e, &c[i], i == 0 ? ports : NULL, vols, ann, sandbox));
	jset_str(labels, "app", name);
	jset(meta, "annotations", ann);
	set_created(meta);
	jset(meta, "labels", labels);
	jset_str(meta, "name", name);
	jset(spec, "automountServiceAccountToken", json_object_new_boolean(false));
	jset(spec, "containers", ctrs);
	jset(spec, "enableServiceLinks", json_object_new_boolean(false));
	if (hostname && *hostname)
		jset_str(spec, "hostname", hostname);
	if (sandbox && !rp)
		rp = "Never";
	if (o->deployment)
		rp = "Always"; /* the only policy a Deployment's template may have */
	if (rp)
		jset_str(spec, "restartPolicy", rp);
	if (jlen(vols))
		jset(spec, "volumes", vols);
	else
		json_object_put(vols);
	if (!o->deployment) {
		jset_str(pod, "apiVersion", "v1");
		jset_str(pod, "kind", "Pod");
		jset(pod, "metadata", meta);
		jset(pod, "spec", spec);
		if (sandbox)
			jset(pod, "status", json_object_new_object());
		return pod;
	}
	/* Deployment: the pod becomes its template */
	struct json_object *dmeta = json_object_new_object(), *dspec = json_object_new_object();
	struct json_object *sel = json_object_new_object(), *tmpl = json_object_new_object();
	set_created(dmeta);
	jset(dmeta, "labels", json_object_get(labels));
	jset(dmeta, "name", json_object_new_string_len("", 0));
	{
		cleanup_free char *dn = xasprintf("%s-deployment", name);
		jset_str(dmeta, "name", dn);
	}
	jset(dspec, "replicas", json_object_new_int(o->replicas > 0 ? o->replicas : 1));
	jset(sel, "matchLabels", json_object_get(labels));
	jset(dspec, "selector", sel);
	json_object_object_del(meta, "name");
	jset(meta, "creationTimestamp", NULL);
	jset(tmpl, "metadata", meta);
	jset(tmpl, "spec", spec);
	jset(dspec, "template", tmpl);
	jset_str(pod, "apiVersion", "apps/v1");
	jset_str(pod, "kind", "Deployment");
	jset(pod, "metadata", dmeta);
	jset(pod, "spec", dspec);
	return pod;
}

static int gen_pod(struct engine *e, const struct pod_rec *p, const struct kube_gen_opts *o,
		   struct json_object *docs, struct werr *err)
{
	struct container_rec *c = NULL, *members;
	size_t n = 0, m = 0;
	cleanup_json struct json_object *pcfg = json_tokener_parse(p->config ? p->config : "{}");
	cleanup_json struct json_object *icfg = NULL;
	const char *host = jstr(pcfg, "Hostname");
	char sandbox[64];

	if (pod_members(e, p, &c, &n, err) < 0)
		return -1;
	members = xcalloc(n + 1, sizeof(*members));
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(c[i].id, p->infra_id)) {
			icfg = json_tokener_parse(c[i].config ? c[i].config : "{}");
			continue;
		}
		members[m++] = c[i];
	}
	/* Kubernetes allows 63 characters in an annotation value: Podman
	 * cuts the pod's id to that */
	snprintf(sandbox, sizeof(sandbox), "%.63s", p->id);
	json_object_array_add(docs, k8s_pod(e, p->name, host && *host ? host : p->name, members, m,
					    jget(icfg, "PortMappings"), sandbox, o));
	free(members); /* shallow: c owns the records */
	container_recs_free(c, n);
	return 0;
}

static int gen_containers(struct engine *e, char *const *refs, const struct kube_gen_opts *o,
			  struct json_object *docs, struct werr *err)
{
	size_t n = strv_len(refs), got = 0;
	struct container_rec *c = xcalloc(n + 1, sizeof(*c));
	cleanup_free char *name = NULL;
	int rc = -1;

	for (; got < n; got++) {
		int r = container_lookup(e, refs[got], &c[got], err);
		if (r <= 0) {
			if (r == 0)
				container_not_found(refs[got], err);
			goto out;
		}
		if (pod_is_infra(e, &c[got])) {
			werr_set(err, 0,
				 "%s is an infra container of a pod: generate the pod instead",
				 refs[got]);
			got++;
			goto out;
		}
	}
	name = xasprintf("%s-pod", c[0].name);
	json_object_array_add(docs, k8s_pod(e, name, NULL, c, n, NULL, NULL, o));
	/* the hostname of a container-made pod: the first container's --hostname */
	{
		cleanup_json struct json_object *opts =
		    json_tokener_parse(c[0].config ? c[0].config : "{}");
		const char *h = jstr(jget(opts, "Config"), "Hostname");
		struct json_object *doc = json_object_array_get_idx(docs, jlen(docs) - 1);
		struct json_object *spec = jget(doc, "spec");
		if (o->deployment)
			spec = jget(jget(spec, "template"), "spec");
		if (h && *h)
			jset_str(spec, "hostname", h);
	}
	rc = 0;
out:
	container_recs_free(c, got);
	if (rc < 0)
		werr_status(err, 125);
	return rc;
}

int kube_generate(struct engine *e, char *const *refs, const struct kube_gen_opts *o,
		  struct json_object **docs, struct werr *err)
{
	cleanup_json struct json_object *out = json_object_new_array();
	cleanup_strv char **ctrs = NULL;

	for (size_t i = 0; refs[i]; i++) {
		struct container_rec c = {0};
		struct pod_rec p = {0};
		int r = container_lookup(e, refs[i], &c, err);
		if (r < 0)
			return werr_status(err, 125);
		if (r > 0) {
			container_rec_free(&c);
			ctrs = strv_append(ctrs, refs[i]);
			continue;
		}
		r = pod_lookup(e, refs[i], &p, err);
		if (r < 0)
			return werr_status(err, 125);
		if (r == 0) {
			werr_set(err, 0, "name or ID \"%s\" not found", refs[i]);
			return werr_status(err, 125);
		}
		r = gen_pod(e, &p, o, out, err);
		pod_rec_free(&p);
		if (r < 0)
			return werr_status(err, 125);
	}
	if (ctrs && gen_containers(e, ctrs, o, out, err) < 0)
		return -1;
	*docs = steal_pointer(&out);
	return 0;
}

char *kube_render(struct json_object *docs, const char *version, struct werr *err)
{
	cleanup_free char *text =
	    xasprintf("# Save the output of this file and use kubectl create -f "
		      "to import\n# it into Kubernetes.\n#\n# Created with "
		      "warren-%s\n",
		      version);

	for (size_t i = 0; i < jlen(docs); i++) {
		cleanup_free char *y = json_to_yaml(json_object_array_get_idx(docs, i), err);
		char *t;
		if (y == NULL)
			return NULL;
		t = xasprintf("%s%s%s", text, i ? "---\n" : "", y);
		free(text);
		text = t;
	}
	return steal_pointer(&text);
}
