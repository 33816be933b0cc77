/* pods.c - pods over the store, the container lifecycle and the executor
 * (see pods.h). */
#include "runtime/pods.h"
#include "runtime/limits.h"
#include "runtime/cgroup.h"

#include "engine/events.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/detach.h"
#include "runtime/names.h"
#include "runtime/runopts.h"

/* The namespaces a pod may share, in the order inspect lists Podman's. */
static const char *const share_kinds[] = {"cgroup", "ipc", "net", "pid", "uts"};

int pod_parse_share(const char *v, char ***out, struct werr *err)
{
	cleanup_free char *copy = xstrdup(v ? v : "ipc,net,uts");
	char **list = NULL, *save = NULL;

	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		bool ok = strcmp(w, "none") == 0;
		for (size_t i = 0; !ok && i < ARRAY_SIZE(share_kinds); i++)
			ok = strcmp(w, share_kinds[i]) == 0;
		if (!ok) {
			strv_free(list);
			werr_set(err, 0,
				 "invalid kernel namespace to share: %s. Options are: cgroup, ipc, "
				 "net, pid, uts or none",
				 w);
			return werr_status(err, 125);
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(share_kinds); i++) {
		cleanup_free char *c2 = xstrdup(v ? v : "ipc,net,uts");
		save = NULL;
		for (char *w = strtok_r(c2, ",", &save); w; w = strtok_r(NULL, ",", &save))
			if (strcmp(w, share_kinds[i]) == 0 && !strv_contains(list, w)) {
				list = strv_append(list, w);
				break;
			}
	}
	*out = list ? list : xcalloc(1, sizeof(char *));
	return 0;
}

int pod_not_found(const char *ref, struct werr *err)
{
	werr_set(err, 0, "no pod with name or ID %s found: no such pod", ref);
	return werr_status(err, 125);
}

int pod_lookup(struct engine *e, const char *ref, struct pod_rec *out, struct werr *err)
{
	if (engine_store(e, err) == NULL)
		return -1;
	return store_pod_get(e->store, ref, out, err);
}

int pod_list(struct engine *e, struct pod_rec **out, size_t *n, struct werr *err)
{
	if (engine_store(e, err) == NULL)
		return -1;
	return store_pod_list(e->store, out, n, err);
}

char *pod_of_container(const struct container_rec *c)
{
	cleanup_json struct json_object *j = c->config ? json_tokener_parse(c->config) : NULL;
	const char *p = jstr(j, "Pod");

	return p && *p ? xstrdup(p) : NULL;
}

void pod_ps_fields(struct engine *e, const struct container_rec *c, struct json_object *o,
		   bool notrunc)
{
	cleanup_free char *pod = pod_of_container(c);
	struct pod_rec p = {0};
	struct werr ignore = {0};

	if (pod == NULL || pod_lookup(e, pod, &p, &ignore) <= 0)
		return;
	jset(o, "Pod", json_object_new_string_len(p.id, notrunc ? 64 : 12));
	jset_str(o, "PodName", p.name);
	jset(o, "IsInfra", json_object_new_boolean(strcmp(p.infra_id, c->id) == 0));
	pod_rec_free(&p);
}

static struct json_object *pod_config(const struct pod_rec *p)
{
	struct json_object *j = p->config ? json_tokener_parse(p->config) : NULL;

	return j ? j : json_object_new_object();
}

char **pod_shared(const struct pod_rec *p)
{
	cleanup_json struct json_object *j = pod_config(p);
	struct json_object *a = jget(j, "Share");
	char **v = xcalloc(1, sizeof(char *));

	for (size_t i = 0; i < jlen(a); i++)
		v = strv_append(v, json_object_get_string(json_object_array_get_idx(a, i)));
	return v;
}

static bool shares(const struct pod_rec *p, const char *kind)
{
	cleanup_strv char **v = pod_shared(p);

	return p->infra_id[0] != '\0' && strv_contains(v, kind);
}

/* The hostname of the pod's uts namespace: --hostname, else its name. */
static char *pod_hostname(const struct pod_rec *p)
{
	cleanup_json struct json_object *j = pod_config(p);
	const char *h = jstr(j, "Hostname");

	return xstrdup(h && *h ? h : p->name);
}

static int by_created(const void *a, const void *b)
{
	const struct container_rec *x = a, *y = b;

	return x->created < y->created ? -1 : x->created > y->created ? 1 : strcmp(x->id, y->id);
}

int pod_members(struct engine *e, const struct pod_rec *p, struct container_rec **out, size_t *n,
		struct werr *err)
{
	struct container_rec *all = NULL, *v = NULL;
	size_t na = 0, k = 0;

	if (container_list(e, true, &all, &na, err) < 0)
		return -1;
	v = xcalloc(na + 1, sizeof(*v));
	for (size_t i = 0; i < na; i++) {
		cleanup_free char *pod = pod_of_container(&all[i]);
		if (pod && strcmp(pod, p->id) == 0) {
			v[k++] = all[i];
			memset(&all[i], 0, sizeof(all[i]));
		}
	}
	container_recs_free(all, na);
	qsort(v, k, sizeof(*v), by_created);
	*out = v;
	*n = k;
	return 0;
}

const char *pod_status(const struct container_rec *c, size_t n)
{
	size_t running = 0, paused = 0, exited = 0, created = 0;

	if (n == 0)
		return "Created";
	for (size_t i = 0; i < n; i++) {
		if (c[i].state == CTR_RUNNING && c[i].paused)
			paused++;
		else if (c[i].state == CTR_RUNNING)
			running++;
		else if (c[i].state == CTR_EXITED || c[i].state == CTR_STOPPED)
			exited++;
		else if (c[i].state == CTR_CREATED)
			created++;
	}
	if (running > 0 && running < n)
		return "Degraded";
	if (running == n)
		return "Running";
	if (paused == n)
		return "Paused";
	if (exited == n)
		return "Exited";
	if (exited > 0)
		return "Stopped";
	if (created + running + paused + exited < n)
		return "Error";
	return "Created";
}

/* ---- create ---- */

/* inspect's IsInfra: recorded in the infra's create options */
static void mark_infra(struct engine *e, const struct container_rec *c)
{
	cleanup_json struct json_object *j = json_tokener_parse(c->config ? c->config : "{}");
	struct werr ignore = {0};

	if (j == NULL)
		return;
	jset(j, "IsInfra", json_object_new_boolean(true));
	store_container_set_config(
	    e->store, c->id, json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN), &ignore);
}

/* The infra container of pod id: warren-monitor (static) bind-mounted into
 * an empty rootfs shared by all infras, with the pod's network, ports and
 * hostname. Created, not started, as Podman's. */
/* --cgroup-parent, else Podman's default under warren's own name */
static const char *cgroup_parent(const struct pod_create_opts *o)
{
	return o->limits && o->limits->cgroup_parent ? o->limits->cgroup_parent : "/warren";
}

static int infra_create(struct engine *e, const char *pod_id, const struct pod_create_opts *po,
			const char *hostname, char **infra_id, struct werr *err)
{
	cleanup_free char *mon = monitor_path(err);
	cleanup_free char *rootfs = xasprintf("%s/pod-infra-rootfs", e->root);
	cleanup_free char *vol = NULL;
	struct ctr_owned c = {.lock = -1, .proc = {.pty_master = -1}};
	struct run_opts o;
	int rc = -1;

	if (mon == NULL || mkdir_p(rootfs, 0755, err) < 0)
		return -1;
	runopts_init(&o);
	o.name = xasprintf("%.12s-infra", pod_id);
	o.hostname = xstrdup(hostname);
	o.entrypoint = strv_append(NULL, POD_INFRA_PATH);
	o.entrypoint_set = true;
	o.pod = pod_id;
	o.limits.cgroup_parent = xasprintf("%s/%s", cgroup_parent(po), pod_id);
	vol = xasprintf("%s:%s:ro", mon, POD_INFRA_PATH);
	if (runopts_set_rootfs(&o, rootfs, err) < 0 || runopts_add_volume(&o, vol, err) < 0)
		goto out;
	/* the infra joins every network (run's --network repeated); the
	 * members share its netns, so they are on all of them too */
	for (size_t i = 0; po->networks && po->networks[i]; i++)
		if (runopts_set_network(&o, po->networks[i], err) < 0)
			goto out;
	o.rootfs = true;
	for (size_t i = 0; po->publish && po->publish[i]; i++)
		if (runopts_add_publish(&o, po->publish[i], err) < 0)
			goto out;
	if (container_create(e, rootfs, &o, &c, err) < 0)
		goto out;
	mark_infra(e, &c.rec);
	*infra_id = xstrdup(c.rec.id);
	container_owned_free(e, &c);
	rc = 0;
out:
	runopts_free(&o);
	return rc < 0 ? werr_status(err, err->status ? err->status : 125) : 0;
}

/* Podman's names: [a-zA-Z0-9][a-zA-Z0-9_.-]* */
static bool name_ok(const char *n)
{
	if (!((n[0] >= 'a' && n[0] <= 'z') || (n[0] >= 'A' && n[0] <= 'Z') ||
	      (n[0] >= '0' && n[0] <= '9')))
		return false;
	return strspn(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
	       strlen(n);
}

static char *pick_name(struct engine *e, const char *name, struct werr *err)
{
	struct pod_rec tmp = {0};

	if (name && !name_ok(name)) {
		werr_set(err, EINVAL,
			 "running pod create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: "
			 "invalid argument");
		err->status = 125;
		return NULL;
	}
	if (name)
		return xstrdup(name);
	for (int i = 0; i < 20; i++) {
		char *n = names_generate();
		int r = store_pod_get(e->store, n, &tmp, err);
		if (r == 0)
			return n;
		pod_rec_free(&tmp);
		free(n);
		if (r < 0)
			return NULL;
	}
	werr_set(err, 0, "could not generate a unique pod name");
	return NULL;
}

static struct json_object *labels_object(char *const *labels)
{
	struct json_object *l = json_object_new_object();

	for (size_t i = 0; labels && labels[i]; i++) {
		const char *eq = strchr(labels[i], '=');
		cleanup_free char *k =
		    eq ? xstrndup(labels[i], (size_t)(eq - labels[i])) : xstrdup(labels[i]);
		jset_str(l, k, eq ? eq + 1 : "");
	}
	return l;
}

static char *create_config(const struct pod_create_opts *o, char *const *share, const char *id)
{
	cleanup_json struct json_object *j = json_object_new_object();
	cleanup_free char *path = xasprintf("%s/%s", cgroup_parent(o), id);
	struct res_limits none = {.swappiness = -1};

	jset_str(j, "CgroupParent", cgroup_parent(o));
	jset_str(j, "CgroupPath", path);
	jset(j, "Resources", limits_to_json(o->limits ? o->limits : &none));

	jset(j, "Share", jnew_strv((char **)share));
	jset_str(j, "Hostname", o->hostname ? o->hostname : "");
	jset(j, "Labels", labels_object(o->labels));
	jset_str(j, "Network", o->networks && o->networks[0] ? o->networks[0] : "");
	jset(j, "Networks", jnew_strv((char **)o->networks));
	jset(j, "Publish", jnew_strv(o->publish));
	return xstrdup(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
}

static int check_create(const struct pod_create_opts *o, char *const *share, struct werr *err)
{
	if (o->no_infra && o->publish && o->publish[0])
		werr_set(err, 0,
			 "you must have an infra container to publish port bindings to the "
			 "host");
	else if (o->no_infra && o->networks && o->networks[0])
		werr_set(err, 0, "cannot set --network without an infra container");
	else if (o->no_infra && o->hostname)
		werr_set(err, 0, "cannot set --hostname without an infra container");
	else if (o->hostname && !strv_contains(share, "uts"))
		werr_set(err, 0, "cannot set hostname when not sharing the uts namespace");
	else if (strv_contains(share, "cgroup"))
		werr_set(err, 0, "sharing the cgroup namespace in a pod is not supported yet");
	else
		return 0;
	return werr_status(err, 125);
}

/* The pod's event (Podman's type "pod": create, start, stop, kill, pause,
 * unpause, remove) after a change that worked; rc passes through. */
static int pod_event(struct engine *e, const char *id, const char *name, const char *status, int rc)
{
	struct event ev = {
	    .type = "pod", .status = status, .id = id, .name = name, .exit_code = -1};

	if (rc == 0)
		event_log(e, &ev);
	return rc;
}

int pod_create(struct engine *e, const struct pod_create_opts *o, char **id, struct werr *err)
{
	cleanup_strv char **share = NULL;
	cleanup_free char *name = NULL, *infra = NULL, *hostname = NULL;
	struct pod_rec p = {0}, tmp = {0};
	int r;

	if (engine_store(e, err) == NULL || pod_parse_share(o->share, &share, err) < 0 ||
	    check_create(o, share, err) < 0)
		return -1;
	/* its limits: where this user can have them, as a container's */
	if (o->limits && limits_any(o->limits)) {
		struct cg_req req = {.mode = CG_MODE_ENABLED, .parent = o->limits->cgroup_parent};
		if (limits_check(o->limits, err) < 0 ||
		    cgroup_can_limit(e, &req, o->limits, err) < 0)
			return werr_status(err, 125);
	}
	name = pick_name(e, o->name, err);
	if (name == NULL)
		return -1;
	r = store_pod_get(e->store, name, &tmp, err);
	pod_rec_free(&tmp);
	if (r != 0) {
		if (r > 0)
			werr_set(err, EEXIST,
				 "adding pod to state: name \"%s\" is in use: pod already exists",
				 name);
		return werr_status(err, 125);
	}
	random_hex(p.id, 64);
	hostname = xstrdup(o->hostname ? o->hostname : name);
	if (!o->no_infra && infra_create(e, p.id, o, hostname, &infra, err) < 0)
		return -1;
	p.name = name;
	p.created = now_ns();
	p.infra_id = infra ? infra : "";
	p.config = create_config(o, share, p.id);
	r = store_pod_add(e->store, &p, err);
	free(p.config);
	if (r < 0) {
		struct container_rec c = {0};
		struct werr ignore = {0};
		if (infra && container_lookup(e, infra, &c, &ignore) > 0)
			container_remove(e, &c, true, 0, &ignore);
		container_rec_free(&c);
		return werr_status(err, 125);
	}
	*id = xstrdup(p.id);
	return pod_event(e, p.id, name, "create", 0);
}

/* ---- joining ---- */

int pod_join_opts(struct engine *e, const char *ref, struct run_opts *o, char **pod_id,
		  struct werr *err)
{
	struct pod_rec p = {0};
	int r;

	if (str_has_prefix(ref, "new:")) {
		struct pod_create_opts po = {.name = ref + 4};
		cleanup_free char *id = NULL;
		if (pod_create(e, &po, &id, err) < 0)
			return -1;
		ref = id;
		r = pod_lookup(e, id, &p, err);
	} else {
		r = pod_lookup(e, ref, &p, err);
	}
	if (r <= 0) {
		if (r == 0)
			pod_not_found(ref, err);
		return werr_status(err, 125);
	}
	if (shares(&p, "net")) {
		if (o->net != NET_DEFAULT) {
			werr_set(err, 0,
				 "invalid config provided: networks must be defined when the "
				 "pod is created: network cannot be configured when it is "
				 "shared with a pod");
			goto bad;
		}
		if (o->nports > 0 || o->publish_all) {
			werr_set(err, 0,
				 "invalid config provided: published or exposed ports must "
				 "be defined when the pod is created: network cannot be "
				 "configured when it is shared with a pod");
			goto bad;
		}
		if (runopts_set_network(o, "container:x", err) < 0)
			goto bad;
		free(o->netopts.arg);
		o->netopts.arg = xstrdup(p.infra_id);
	}
	if (shares(&p, "uts")) {
		if (o->hostname) {
			werr_set(err, 0,
				 "invalid config provided: cannot set hostname when joining "
				 "the pod UTS namespace");
			goto bad;
		}
		o->hostname = pod_hostname(&p);
	}
	/* its cgroup under the pod's, whose limits hold for all of them */
	if (o->limits.cgroup_parent == NULL && o->cgroups != CG_MODE_DISABLED)
		o->limits.cgroup_parent = pod_cgroup_path(&p);
	*pod_id = xstrdup(p.id);
	o->pod = *pod_id;
	pod_rec_free(&p);
	return 0;
bad:
	pod_rec_free(&p);
	return werr_status(err, 125);
}

/* Starts the created or exited container id under a monitor (as `start`
 * does); one running already is left as it is. */
static int start_detached(struct engine *e, const char *id, struct werr *err)
{
	struct ctr_owned oc = {.lock = -1, .proc = {.pty_master = -1}};
	struct detach_opts d;
	int r = container_prepare_start(e, id, -1, &oc, err);

	if (r > 0) {
		detach_opts_from_container(&oc.rec, &d);
		r = container_detach(e, &oc, &d, err);
	}
	container_owned_free(e, &oc);
	return r < 0 ? -1 : 0;
}

int pod_infra_ensure(struct engine *e, const char *pod_id, struct werr *err)
{
	struct pod_rec p = {0};
	struct container_rec infra = {0};
	int r = pod_lookup(e, pod_id, &p, err);

	if (r <= 0 || p.infra_id[0] == '\0') {
		pod_rec_free(&p);
		return r < 0 ? -1 : 0;
	}
	r = container_lookup(e, p.infra_id, &infra, err);
	if (r > 0 && infra.state != CTR_RUNNING)
		r = start_detached(e, infra.id, err) < 0 ? -1 : 1;
	if (r < 0)
		werr_wrap(err, "starting the infra container of pod %s", p.name);
	container_rec_free(&infra);
	pod_rec_free(&p);
	return r < 0 ? -1 : 0;
}

int pod_ready_for(struct engine *e, const struct container_rec *c, struct werr *err)
{
	cleanup_free char *pod = pod_of_container(c);
	struct pod_rec p = {0};
	int r;

	if (pod == NULL)
		return 0;
	r = pod_lookup(e, pod, &p, err);
	/* the infra itself has nothing to wait for */
	if (r > 0 && strcmp(p.infra_id, c->id) != 0)
		r = pod_infra_ensure(e, pod, err);
	pod_rec_free(&p);
	return r < 0 ? -1 : 0;
}

int pod_ns_prepare(struct engine *e, const struct container_rec *c, struct pod_ns *pn,
		   struct exec_opts *xo, struct werr *err)
{
	static const char *const kinds[3] = {"ipc", "uts", "pid"};
	cleanup_free char *pod = pod_of_container(c);
	struct pod_rec p = {0};
	struct container_rec infra = {0};
	int r, rc = 0;

	pn->fd[0] = pn->fd[1] = pn->fd[2] = -1;
	if (pod == NULL || pod_lookup(e, pod, &p, err) <= 0)
		return 0; /* no pod (any more): a container of its own */
	if (p.infra_id[0] == '\0' || strcmp(p.infra_id, c->id) == 0) {
		pod_rec_free(&p);
		return 0;
	}
	r = container_lookup(e, p.infra_id, &infra, err);
	if (r <= 0 || infra.state != CTR_RUNNING || infra.pid <= 0) {
		werr_set(err, 0,
			 "cannot join the namespaces of pod %s: its infra container is not "
			 "running",
			 p.name);
		rc = werr_status(err, 125);
		goto out;
	}
	for (int i = 0; i < 3; i++) {
		cleanup_free char *path = NULL;
		if (!shares(&p, kinds[i]))
			continue;
		path = xasprintf("/proc/%d/ns/%s", (int)infra.pid, kinds[i]);
		pn->fd[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (pn->fd[i] < 0) {
			rc = werr_set(err, errno, "open '%s'", path);
			goto out;
		}
	}
	/* the pid is the infra's still (not a recycled one) once we hold them */
	if (!proc_alive(infra.pid, infra.pid_start)) {
		werr_set(err, 0, "cannot join the namespaces of pod %s: its infra container exited",
			 p.name);
		rc = werr_status(err, 125);
		goto out;
	}
	xo->join_pod = true;
	xo->pod_ipc_fd = pn->fd[0];
	xo->pod_uts_fd = pn->fd[1];
	xo->pod_pid_fd = pn->fd[2];
out:
	if (rc < 0)
		pod_ns_release(pn);
	container_rec_free(&infra);
	pod_rec_free(&p);
	return rc;
}

void pod_ns_release(struct pod_ns *pn)
{
	for (int i = 0; i < 3; i++)
		if (pn->fd[i] >= 0) {
			close(pn->fd[i]);
			pn->fd[i] = -1;
		}
}

int pod_check_remove(struct engine *e, const struct container_rec *c, struct werr *err)
{
	cleanup_free char *pod = pod_of_container(c);
	struct pod_rec p = {0};
	int r;

	if (pod == NULL || pod_lookup(e, pod, &p, err) <= 0)
		return 0;
	r = strcmp(p.infra_id, c->id) == 0 ? -1 : 0;
	if (r < 0)
		werr_set(err, 0,
			 "container %s is the infra container of pod %s and cannot be removed "
			 "without removing the pod",
			 c->id, p.id);
	pod_rec_free(&p);
	return r < 0 ? werr_status(err, 125) : 0;
}

bool pod_is_infra(struct engine *e, const struct container_rec *c)
{
	cleanup_free char *pod = pod_of_container(c);
	struct pod_rec p = {0};
	struct werr ignore = {0};
	bool infra;

	if (pod == NULL || pod_lookup(e, pod, &p, &ignore) <= 0)
		return false;
	infra = strcmp(p.infra_id, c->id) == 0;
	pod_rec_free(&p);
	return infra;
}

int pod_remove_of_infra(struct engine *e, const struct container_rec *c, bool force, int timeout,
			struct werr *err)
{
	cleanup_free char *pod = pod_of_container(c);
	struct pod_rec p = {0};
	int r;

	if (pod == NULL || pod_lookup(e, pod, &p, err) <= 0 || strcmp(p.infra_id, c->id) != 0) {
		pod_rec_free(&p);
		return 0;
	}
	r = pod_remove(e, &p, force, timeout, err);
	pod_rec_free(&p);
	return r < 0 ? -1 : 1;
}

/* ---- lifecycle ---- */

static bool is_infra(const struct pod_rec *p, const struct container_rec *c)
{
	return strcmp(p->infra_id, c->id) == 0;
}

int pod_start(struct engine *e, const struct pod_rec *p, struct werr *err)
{
	struct container_rec *c = NULL;
	size_t n = 0;
	int rc = 0;

	if (pod_members(e, p, &c, &n, err) < 0)
		return -1;
	/* the infra first: the others join its namespaces */
	for (int pass = 0; pass < 2 && rc == 0; pass++)
		for (size_t i = 0; i < n && rc == 0; i++)
			if (is_infra(p, &c[i]) == (pass == 0) && c[i].state != CTR_RUNNING)
				rc = start_detached(e, c[i].id, err);
	container_recs_free(c, n);
	return pod_event(e, p->id, p->name, "start", rc);
}

static int by_started_desc(const void *a, const void *b)
{
	const struct container_rec *x = a, *y = b;

	return x->started > y->started ? -1 : x->started < y->started ? 1 : 0;
}

int pod_stop(struct engine *e, const struct pod_rec *p, int timeout, struct werr *err)
{
	struct container_rec *c = NULL;
	size_t n = 0;
	int rc = 0;

	if (pod_members(e, p, &c, &n, err) < 0)
		return -1;
	qsort(c, n, sizeof(*c), by_started_desc);
	/* the members last started first; the infra, which holds their
	 * network, at the end */
	for (int pass = 0; pass < 2 && rc == 0; pass++)
		for (size_t i = 0; i < n && rc == 0; i++)
			if (is_infra(p, &c[i]) == (pass == 1) && c[i].state == CTR_RUNNING)
				rc = container_stop(e, &c[i], timeout, err);
	container_recs_free(c, n);
	return pod_event(e, p->id, p->name, "stop", rc);
}

int pod_kill(struct engine *e, const struct pod_rec *p, int sig, struct werr *err)
{
	struct container_rec *c = NULL;
	size_t n = 0;
	int rc = 0;

	if (pod_members(e, p, &c, &n, err) < 0)
		return -1;
	/* the members, then the infra (nothing running: nothing to do, as
	 * Podman's) */
	for (int pass = 0; pass < 2 && rc == 0; pass++)
		for (size_t i = 0; i < n && rc == 0; i++)
			if (c[i].state == CTR_RUNNING && is_infra(p, &c[i]) == (pass == 1))
				rc = container_kill(e, &c[i], sig, err);
	container_recs_free(c, n);
	return pod_event(e, p->id, p->name, "kill", rc);
}

int pod_pause(struct engine *e, const struct pod_rec *p, bool pause, struct werr *err)
{
	struct container_rec *c = NULL;
	size_t n = 0;
	int rc = 0;

	if (pod_members(e, p, &c, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++)
		if (c[i].state == CTR_RUNNING && c[i].paused != pause)
			rc = container_pause(e, &c[i], pause, err);
	container_recs_free(c, n);
	return pod_event(e, p->id, p->name, pause ? "pause" : "unpause", rc);
}

int pod_remove(struct engine *e, const struct pod_rec *p, bool force, int timeout, struct werr *err)
{
	struct container_rec *c = NULL;
	size_t n = 0;
	int rc = 0;

	if (pod_members(e, p, &c, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n && !force; i++)
		if (c[i].state == CTR_RUNNING || c[i].state == CTR_REMOVING) {
			werr_set(err, 0,
				 "pod %s has containers that are not ready to be removed: cannot "
				 "remove container %s as it is running - running or paused "
				 "containers cannot be removed without force: container state "
				 "improper",
				 p->id, c[i].id);
			container_recs_free(c, n);
			return werr_status(err, 125);
		}
	if (force)
		rc = pod_stop(e, p, timeout, err);
	/* the members first */
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct container_rec cur = {0};
		int r;
		if (is_infra(p, &c[i]))
			continue;
		r = container_lookup(e, c[i].id, &cur, err);
		rc = r < 0 ? -1 : r > 0 ? container_remove(e, &cur, force, timeout, err) : 0;
		container_rec_free(&cur);
	}
	/* then the pod's record, which lets its infra go (pod_check_remove) */
	if (rc == 0)
		rc = store_pod_delete(e->store, p->id, err);
	if (rc == 0 && p->infra_id[0] != '\0') {
		struct container_rec cur = {0};
		int r = container_lookup(e, p->infra_id, &cur, err);
		rc = r < 0 ? -1 : r > 0 ? container_remove(e, &cur, force, timeout, err) : 0;
		container_rec_free(&cur);
	}
	if (rc == 0) { /* its cgroup, empty now */
		cleanup_free char *path = pod_cgroup_path(p);
		cgroup_remove_path(e, path);
	}
	container_recs_free(c, n);
	return pod_event(e, p->id, p->name, "remove", rc);
}

/* ---- JSON ---- */

static struct json_object *containers_json(const struct container_rec *c, size_t n, bool ps)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		const char *st = c[i].paused ? "paused" : ctr_state_name(c[i].state);
		jset_str(o, "Id", c[i].id);
		jset_str(o, ps ? "Names" : "Name", c[i].name);
		jset_str(o, ps ? "Status" : "State", st);
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *infra_networks(const struct pod_rec *p)
{
	cleanup_json struct json_object *j = pod_config(p);
	struct json_object *all = jget(j, "Networks"); /* pods before it: "Network" alone */
	struct json_object *a = json_object_new_array();
	size_t n = all ? jlen(all) : 1;

	for (size_t i = 0; i < n; i++) {
		const char *net = all ? json_object_get_string(json_object_array_get_idx(all, i))
				      : jstr(j, "Network");
		/* the rootless default (slirp4netns) belongs to no named network */
		if (net && *net && strchr(net, ':') == NULL && strcmp(net, "slirp4netns") != 0 &&
		    strcmp(net, "pasta") != 0 && strcmp(net, "host") != 0 &&
		    strcmp(net, "none") != 0 && strcmp(net, "private") != 0)
			json_object_array_add(a, json_object_new_string(net));
	}
	return a;
}

static struct json_object *port_bindings(const struct pod_rec *p)
{
	cleanup_json struct json_object *j = pod_config(p);
	struct json_object *pub = jget(j, "Publish"), *pb = json_object_new_object();

	for (size_t i = 0; i < jlen(pub); i++) {
		struct run_opts o;
		struct werr ignore = {0};
		runopts_init(&o);
		if (runopts_add_publish(&o,
					json_object_get_string(json_object_array_get_idx(pub, i)),
					&ignore) == 0)
			for (size_t k = 0; k < o.nports; k++) {
				char key[32], hp[16];
				struct json_object *b = json_object_new_object(), *arr;
				snprintf(key, sizeof(key), "%u/%s", o.ports[k].ctr_port,
					 o.ports[k].proto);
				snprintf(hp, sizeof(hp), "%u", o.ports[k].host_port);
				jset_str(b, "HostIp", o.ports[k].host_ip);
				jset_str(b, "HostPort", hp);
				arr = jget(pb, key);
				if (arr == NULL) {
					arr = json_object_new_array();
					jset(pb, key, arr);
				}
				json_object_array_add(arr, b);
			}
		runopts_free(&o);
	}
	return pb;
}

char *pod_cgroup_path(const struct pod_rec *p)
{
	cleanup_json struct json_object *cfg = pod_config(p);
	const char *path = jstr(cfg, "CgroupPath");

	/* a pod made before its cgroup was: where one would be */
	return path ? xstrdup(path) : xasprintf("/warren/%s", p->id);
}

void pod_limits(const struct pod_rec *p, struct res_limits *out)
{
	cleanup_json struct json_object *cfg = pod_config(p);

	limits_from_json(jget(cfg, "Resources"), out);
}

/* pod inspect's limits, Podman's keys, only those set (its omitempty) */
static void pod_limits_json(struct json_object *j, struct json_object *rec)
{
	struct res_limits l;
	cleanup_json struct json_object *h = json_object_new_object();
	static const char *const keys[][2] = {
	    {"CpuPeriod", "cpu_period"},
	    {"CpuQuota", "cpu_quota"},
	    {"CpuShares", "cpu_shares"},
	    {"CpusetCpus", "cpuset_cpus"},
	    {"CpusetMems", "cpuset_mems"},
	    {"Memory", "memory_limit"},
	    {"MemorySwap", "memory_swap"},
	    {"BlkioWeight", "blkio_weight"},
	    {"BlkioDeviceReadBps", "device_read_bps"},
	    {"BlkioDeviceWriteBps", "device_write_bps"},
	};

	limits_from_json(rec, &l);
	limits_to_hostconfig(&l, h);
	limits_free(&l);
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		struct json_object *v = jget(h, keys[i][0]);
		const char *s =
		    json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
		if (v == NULL || (s && !*s) ||
		    (!s && !json_object_is_type(v, json_type_array) &&
		     json_object_get_int64(v) == 0))
			continue;
		jset(j, keys[i][1], json_object_get(v));
	}
}

struct json_object *pod_inspect_json(struct engine *e, const struct pod_rec *p,
				     const struct container_rec *c, size_t n)
{
	cleanup_json struct json_object *cfg = pod_config(p);
	struct json_object *j = json_object_new_object(), *ic;
	cleanup_strv char **share = pod_shared(p);
	char created[64];

	(void)e;
	format_rfc3339(p->created, created, sizeof(created));
	jset_str(j, "Id", p->id);
	jset_str(j, "Name", p->name);
	jset_str(j, "Created", created);
	jset(j, "CreateCommand", json_object_new_array());
	jset_str(j, "ExitPolicy", "continue");
	jset_str(j, "State", pod_status(c, n));
	jset_str(j, "Hostname", jstr(cfg, "Hostname") ? jstr(cfg, "Hostname") : "");
	jset(j, "Labels",
	     json_object_get(jget(cfg, "Labels") ? jget(cfg, "Labels") : json_object_new_object()));
	jset(j, "CreateCgroup", json_object_new_boolean(jstr(cfg, "CgroupPath") != NULL));
	jset_str(j, "CgroupParent", jstr(cfg, "CgroupParent"));
	jset_str(j, "CgroupPath", jstr(cfg, "CgroupPath"));
	jset(j, "CreateInfra", json_object_new_boolean(p->infra_id[0] != '\0'));
	if (p->infra_id[0] != '\0') {
		const char *net = jstr(cfg, "Network");
		jset_str(j, "InfraContainerID", p->infra_id);
		ic = json_object_new_object();
		jset(ic, "PortBindings", port_bindings(p));
		jset(ic, "HostNetwork", json_object_new_boolean(net && strcmp(net, "host") == 0));
		jset_str(ic, "StaticIP", "");
		jset_str(ic, "StaticMAC", "");
		jset(ic, "NoManageResolvConf", json_object_new_boolean(false));
		jset(ic, "DNSServer", NULL);
		jset(ic, "DNSSearch", NULL);
		jset(ic, "DNSOption", NULL);
		jset(ic, "NoManageHosts", json_object_new_boolean(false));
		jset(ic, "HostAdd", NULL);
		jset(ic, "Networks", infra_networks(p));
		jset(ic, "NetworkOptions", NULL);
		jset_str(ic, "pid_ns", strv_contains(share, "pid") ? "" : "private");
		jset_str(ic, "userns", "host");
		jset_str(ic, "uts_ns", strv_contains(share, "uts") ? "" : "private");
		jset(j, "InfraConfig", ic);
	}
	jset(j, "SharedNamespaces", jnew_strv(p->infra_id[0] ? share : NULL));
	jset(j, "NumContainers", json_object_new_int((int)n));
	pod_limits_json(j, jget(cfg, "Resources"));
	jset(j, "Containers", containers_json(c, n, false));
	return j;
}

/* key: the words of v joined by commas ("" for none) */
static void jset_joined(struct json_object *j, const char *key, char *const *v)
{
	cleanup_free char *s = v ? strv_join(v, ",") : NULL;

	jset_str(j, key, s ? s : "");
}

struct json_object *pod_ps_json(const struct pod_rec *p, const struct container_rec *c, size_t n,
				bool tmpl, bool no_trunc)
{
	cleanup_json struct json_object *cfg = pod_config(p);
	struct json_object *j = json_object_new_object();
	struct json_object *labels = jget(cfg, "Labels");
	char created[64];

	if (!tmpl) {
		format_rfc3339(p->created, created, sizeof(created));
		jset_str(j, "Cgroup", "");
		jset(j, "Containers", containers_json(c, n, true));
		jset_str(j, "Created", created);
		jset_str(j, "Id", p->id);
		jset_str(j, "InfraId", p->infra_id);
		jset_str(j, "Name", p->name);
		jset_str(j, "Namespace", "");
		jset(j, "Networks", p->infra_id[0] ? infra_networks(p) : json_object_new_array());
		jset_str(j, "Status", pod_status(c, n));
		jset(j, "Labels", json_object_get(labels ? labels : json_object_new_object()));
		return j;
	}
	{
		cleanup_strv char **names = NULL, **ids = NULL, **states = NULL;
		char ago[64], id[65], infra[65];
		for (size_t i = 0; i < n; i++) {
			names = strv_append(names, c[i].name);
			ids = strv_append(ids, c[i].id);
			states = strv_append(states,
					     c[i].paused ? "paused" : ctr_state_name(c[i].state));
		}
		format_ago(p->created, ago, sizeof(ago));
		snprintf(id, sizeof(id), no_trunc ? "%s" : "%.12s", p->id);
		snprintf(infra, sizeof(infra), no_trunc ? "%s" : "%.12s", p->infra_id);
		jset_str(j, "ID", id);
		jset_str(j, "Id", id);
		jset_str(j, "Name", p->name);
		jset_str(j, "Status", pod_status(c, n));
		jset_str(j, "Created", ago);
		jset_str(j, "InfraID", infra);
		jset_str(j, "InfraId", infra);
		jset(j, "NumberOfContainers", json_object_new_int((int)n));
		jset(j, "Labels", json_object_get(labels ? labels : json_object_new_object()));
		{ /* Podman's template prints them joined */
			cleanup_json struct json_object *nets = infra_networks(p);
			cleanup_free char *joined = NULL;
			for (size_t i = 0; i < jlen(nets); i++) {
				const char *nn =
				    json_object_get_string(json_object_array_get_idx(nets, i));
				char *t = joined ? xasprintf("%s,%s", joined, nn) : xstrdup(nn);
				free(joined);
				joined = t;
			}
			jset_str(j, "Networks", joined ? joined : "");
		}
		jset_str(j, "Cgroup", "");
		jset_str(j, "Namespace", "");
		jset_joined(j, "ContainerNames", names);
		jset_joined(j, "ContainerIds", ids);
		jset_joined(j, "ContainerStatuses", states);
	}
	return j;
}
