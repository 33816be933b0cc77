/* pods.h - pods (issue 11): a group of containers that share the network,
 * ipc and uts (and, when asked, pid) namespaces of an infra container.
 * The infra runs warren's own pause (warren-monitor, a static binary,
 * bind-mounted into an empty rootfs: no image), holds the pod's network
 * (slirp4netns rootless by default) and its published ports. Members
 * join the infra's netns as --network container: does, and the others
 * through exec_opts.join_pod. */
#ifndef WARREN_PODS_H
#define WARREN_PODS_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h" /* before engine.h, which uses struct werr */
#include "engine/engine.h"
#include "runtime/executor.h"
#include "runtime/spec.h"
#include "storage/pod.h"
#include "storage/store.h"

/* Where the infra's pause binary is mounted, and its argv[0]. */
#define POD_INFRA_PATH "/warren-infra"

/* What `pod create` takes. */
struct pod_create_opts {
	const char *name;		 /* NULL: a generated one */
	const char *hostname;		 /* NULL: the pod's name */
	const char *share;		 /* --share, NULL: "ipc,net,uts" */
	bool no_infra;			 /* --infra=false */
	char *const *networks;		 /* --network MODEs as run takes them (several: bridge
					    networks, the infra on each), NULL: the default */
	char **publish;			 /* -p specs */
	char **labels;			 /* --label K=V */
	const struct res_limits *limits; /* -m, --cpus, --cgroup-parent, ... of the pod's
					    cgroup, which its containers' are under; NULL: none */
};

/* Creates a pod and its infra container (created, not started); *id its
 * full id (malloc'd). Podman's errors (status 125) for a name in use, an
 * invalid --share, ports without an infra. */
int pod_create(struct engine *e, const struct pod_create_opts *o, char **id, struct werr *err);

/* --share: a comma list of cgroup, ipc, net, pid, uts, or "none"; NULL:
 * Podman's default (ipc,net,uts). *out: the kinds in that order, each once
 * (an empty list for none; caller frees). Podman's error otherwise. */
int pod_parse_share(const char *v, char ***out, struct werr *err);

/* Finds a pod by name, id or unique id prefix: 1, 0 (not found), -1. */
int pod_lookup(struct engine *e, const char *ref, struct pod_rec *out, struct werr *err);

/* Podman's "no pod with name or ID REF found: no such pod"; -1. */
int pod_not_found(const char *ref, struct werr *err);

/* Every pod (free with pod_recs_free). */
int pod_list(struct engine *e, struct pod_rec **out, size_t *n, struct werr *err);

/* The containers of pod p (the infra too), in creation order, states up to
 * date (free with container_recs_free). */
int pod_members(struct engine *e, const struct pod_rec *p, struct container_rec **out, size_t *n,
		struct werr *err);

/* Podman's pod state from its containers: "Created", "Running",
 * "Degraded", "Paused", "Exited", "Stopped", "Error". */
const char *pod_status(const struct container_rec *c, size_t n);

/* The namespaces p shares ("ipc", "net", ...), NULL-terminated (caller
 * frees). */
char **pod_shared(const struct pod_rec *p);

/* `pod inspect`'s object (Podman's keys) and `pod ps`'s: for templates
 * (tmpl: Podman's template fields, ID, InfraID, NumberOfContainers ...)
 * or for --format json. New objects. */
struct json_object *pod_inspect_json(struct engine *e, const struct pod_rec *p,
				     const struct container_rec *c, size_t n);
struct json_object *pod_ps_json(const struct pod_rec *p, const struct container_rec *c, size_t n,
				bool tmpl, bool no_trunc);

/* Does pod p (members c) match every --filter K=V of filters (Podman's
 * pod ps keys; NULL: all)? 1, 0, or -1 with "K is an invalid filter"
 * (status 125). */
int pod_filter_match(char *const *filters, const struct pod_rec *p, const struct container_rec *c,
		     size_t n, struct werr *err);
/* Are the filters valid (whatever pods there are)? 0, or -1 as above. */
int pod_filter_check(char *const *filters, struct werr *err);

/* start: the infra, then the members in creation order; stop: the
 * members in the reverse order of their starts, then the infra (timeout
 * < 0: each container's own). */
int pod_start(struct engine *e, const struct pod_rec *p, struct werr *err);
int pod_stop(struct engine *e, const struct pod_rec *p, int timeout, struct werr *err);
/* kill: sig to every running container (the infra last); pause (pause false: unpause)
 * every running one. */
int pod_kill(struct engine *e, const struct pod_rec *p, int sig, struct werr *err);
int pod_pause(struct engine *e, const struct pod_rec *p, bool pause, struct werr *err);

/* Pod p's cgroup (Podman's CgroupPath: "<parent>/<id>", the parent
 * /warren by default), malloc'd; and its limits (limits_free them). */
char *pod_cgroup_path(const struct pod_rec *p);
void pod_limits(const struct pod_rec *p, struct res_limits *out);

/* Removes pod p: its members and infra (running ones only with force:
 * stopped first, timeout as pod_stop's), then its record. */
int pod_remove(struct engine *e, const struct pod_rec *p, bool force, int timeout,
	       struct werr *err);

/* `run/create --pod REF` (REF "new:NAME": a new pod of that name): checks
 * o against the pod (--network container:, -p or --hostname where the pod
 * shares that namespace: Podman's errors), and makes o join it: its
 * network (container:INFRA), its hostname, and o->pod (pod_id, malloc'd,
 * caller frees after the create). */
int pod_join_opts(struct engine *e, const char *ref, struct run_opts *o, char **pod_id,
		  struct werr *err);

/* The infra of pod pod_id started unless it runs (none: nothing to do). */
int pod_infra_ensure(struct engine *e, const char *pod_id, struct werr *err);

/* Before a start of container c: when it is a member of a pod whose infra
 * does not run, the infra is started first (as Podman does). */
int pod_ready_for(struct engine *e, const struct container_rec *c, struct werr *err);

/* Start-time part (container_start, container_detach): when c is a member
 * of a pod with an infra, the infra's ipc, uts and pid namespaces that it
 * shares are opened into xo (join_pod). Release with pod_ns_release. */
struct pod_ns {
	int fd[3]; /* ipc, uts, pid; -1 */
};
int pod_ns_prepare(struct engine *e, const struct container_rec *c, struct pod_ns *pn,
		   struct exec_opts *xo, struct werr *err);
void pod_ns_release(struct pod_ns *pn);

/* container_remove: the infra of a pod cannot be removed without the pod
 * (Podman's error, status 125); 0 when c is no infra. */
int pod_check_remove(struct engine *e, const struct container_rec *c, struct werr *err);

/* ps: Pod (its id, 12 characters unless notrunc), PodName and IsInfra of
 * the ps object o of container c. */
void pod_ps_fields(struct engine *e, const struct container_rec *c, struct json_object *o,
		   bool notrunc);

/* Is c the infra container of a pod? */
bool pod_is_infra(struct engine *e, const struct container_rec *c);

/* rm --all, system reset: c the infra of a pod: the whole pod is removed
 * (as pod_remove does), 1; c no infra: 0; -1 on error. */
int pod_remove_of_infra(struct engine *e, const struct container_rec *c, bool force, int timeout,
			struct werr *err);

/* The pod of container c, from its config: its full id (malloc'd) or NULL. */
char *pod_of_container(const struct container_rec *c);

#endif
