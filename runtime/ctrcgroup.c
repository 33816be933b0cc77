/* ctrcgroup.c - a container's own cgroup seen from the container (see
 * ctrcgroup.h): its start, pause, its paused state, stats. */
#include "runtime/ctrcgroup.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/config.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/container_int.h"
#include "runtime/limits.h"
#include "runtime/pods.h"
#include "runtime/spec.h"

enum cg_mode ctr_cgroup_mode(const struct container_rec *c)
{
	cleanup_json struct json_object *j = json_tokener_parse(c->config ? c->config : "");
	enum cg_mode m = CG_MODE_ENABLED;
	struct werr ignore = {0};

	if (cgroup_mode_parse(jstr(j, "CgroupsMode"), &m, &ignore) < 0)
		m = CG_MODE_ENABLED;
	return m;
}

void ctr_limits_of(const struct container_rec *c, struct res_limits *out)
{
	cleanup_json struct json_object *j = json_tokener_parse(c->config ? c->config : "");

	limits_from_json(jget(j, "Resources"), out);
}

/* What c's cgroup is to be for limits l */
static struct cg_req req_of(enum cg_mode mode, const struct res_limits *l)
{
	return (struct cg_req){
	    .mode = mode,
	    .parent = l->cgroup_parent,
	    .cpu = l->nano_cpus || l->cpu_shares || l->cpu_quota || l->cpu_period,
	    .cpuset = l->cpuset_cpus || l->cpuset_mems,
	};
}

int ctr_limits_prepare(struct engine *e, struct run_opts *o, struct werr *err)
{
	struct cg_req req = req_of((enum cg_mode)o->cgroups, &o->limits);

	if (limits_any(&o->limits)) {
		/* the one case Podman ignores them in: said, never silent */
		if (req.mode == CG_MODE_DISABLED)
			log_warn("resource limits are ignored: --cgroups=disabled gives the "
				 "container no cgroup");
		else if (cgroup_can_limit(e, &req, &o->limits, err) < 0)
			return werr_status(err, 125);
	}
	/* Podman's default, or containers.conf's pids_limit (0: unlimited) */
	if (o->limits.pids_limit == 0 && cgroup_has_pids(e, req.mode)) {
		long long n =
		    e->conf ? config_int(e->conf->containers, "containers", "pids_limit") : -1;
		o->limits.pids_limit = n < 0 ? LIMITS_DEFAULT_PIDS : n == 0 ? -1 : n;
	}
	return 0;
}

static char *oom_marker(struct engine *e, const char *id)
{
	cleanup_free char *dir = container_dir(e, id);
	return xasprintf("%s/oomkilled", dir);
}

/* The limits of the pod c is in (none: all unset). */
static void pod_limits_of(struct engine *e, const struct container_rec *c, struct res_limits *out)
{
	cleanup_json struct json_object *j = json_tokener_parse(c->config ? c->config : "");
	struct pod_rec p = {0};
	struct werr ignore = {0};

	*out = (struct res_limits){.swappiness = -1};
	if (jstr(j, "Pod") && store_pod_get(e->store, jstr(j, "Pod"), &p, &ignore) > 0)
		pod_limits(&p, out);
	pod_rec_free(&p);
}

/* A pod's limits go on the pod's cgroup, the parent of its members':
 * written at each member's start (the first makes the dirs). */
static int apply_pod_limits(const struct ctr_cgroup *cg, const struct res_limits *pl,
			    struct werr *err)
{
	struct ctr_cgroup par = {0};
	int rc;

	for (int k = 0; k < CG_NKINDS; k++)
		if (cg->dir[k] != NULL)
			par.dir[k] =
			    xstrndup(cg->dir[k], (size_t)(strrchr(cg->dir[k], '/') - cg->dir[k]));
	rc = cgroup_limits_apply(&par, pl, false, err);
	cgroup_free(&par);
	return rc < 0 ? werr_wrap(err, "resource limits of its pod") : 0;
}

int ctr_cgroup_start(struct engine *e, const struct container_rec *c, int *fds, struct werr *err)
{
	struct ctr_cgroup cg = {0};
	struct res_limits l, pl;
	cleanup_free char *marker = oom_marker(e, c->id);
	int r, n = -1;

	unlink(marker);
	/* a restart by its policy, or a start after a crash: a fresh one */
	if (cgroup_destroy(e, c->id, err) < 0)
		return -1;
	ctr_limits_of(c, &l);
	pod_limits_of(e, c, &pl);
	struct cg_req req = req_of(ctr_cgroup_mode(c), &l), preq = req_of(CG_MODE_ENABLED, &pl);
	req.cpu = req.cpu || preq.cpu;
	req.cpuset = req.cpuset || preq.cpuset;
	r = cgroup_create(e, c->id, &req, &cg, err);
	if (r <= 0) {
		limits_free(&l);
		limits_free(&pl);
		return r;
	}
	/* the limits before its process joins: it never runs without them.
	 * Its own first: v1 wants a child's cpuset within its parent's at
	 * each write, so a pod's is narrowed in the member, then in the pod */
	if (l.cpuset_cpus == NULL && pl.cpuset_cpus)
		l.cpuset_cpus = xstrdup(pl.cpuset_cpus);
	if (l.cpuset_mems == NULL && pl.cpuset_mems)
		l.cpuset_mems = xstrdup(pl.cpuset_mems);
	bool ok = cgroup_limits_apply(&cg, &l, false, err) == 0 ||
		  werr_wrap(err, "resource limits of %.12s", c->id) == 0;
	if (ok && limits_any(&pl))
		ok = apply_pod_limits(&cg, &pl, err) == 0;
	if (ok)
		n = cgroup_procs_open(&cg, fds, err);
	cgroup_free(&cg);
	limits_free(&l);
	limits_free(&pl);
	if (n < 0)
		cgroup_destroy(e, c->id, &(struct werr){0});
	return n;
}

/* Moves every process listed in from/cgroup.procs into to's. */
static void move_procs(const char *from, const char *to)
{
	cleanup_free char *src = xasprintf("%s/cgroup.procs", from);
	cleanup_free char *dst = xasprintf("%s/cgroup.procs", to);
	cleanup_free char *t = read_file_max(src, 1 << 20, NULL, NULL);
	cleanup_close int fd = open(dst, O_WRONLY | O_CLOEXEC);
	char *save = NULL;

	for (char *s = t && fd >= 0 ? strtok_r(t, "\n", &save) : NULL; s;
	     s = strtok_r(NULL, "\n", &save))
		(void)!write(fd, s, strlen(s));
}

/* A running container's cgroup with a dir of each kind l needs: those
 * it was started without (v1 cpu, cpuset) are made and its processes
 * moved there. */
static int cgroup_for_update(struct engine *e, const struct container_rec *c,
			     const struct res_limits *l, struct ctr_cgroup *cg, struct werr *err)
{
	struct ctr_cgroup old;
	struct cg_req req = req_of(ctr_cgroup_mode(c), l);
	int any = -1;

	if (cgroup_load(e, c->id, &old) <= 0)
		return cgroup_missing(e, c->id, "update", req.mode == CG_MODE_DISABLED, err);
	if (cgroup_create(e, c->id, &req, cg, err) <= 0) {
		cgroup_free(&old);
		return -1;
	}
	for (int k = 0; k < CG_NKINDS && any < 0; k++)
		if (old.dir[k] != NULL)
			any = k;
	for (int k = 0; k < CG_NKINDS && any >= 0; k++)
		if (cg->dir[k] != NULL && old.dir[k] == NULL)
			move_procs(old.dir[any], cg->dir[k]);
	cgroup_free(&old);
	return 0;
}

int container_update_limits(struct engine *e, struct container_rec *c, const struct res_limits *upd,
			    struct werr *err)
{
	cleanup_json struct json_object *j = json_tokener_parse(c->config ? c->config : "");
	struct res_limits l;
	struct ctr_cgroup cg;
	int rc = 0;

	if (j == NULL || !json_object_is_type(j, json_type_object))
		return werr_set(err, 0, "container %.12s: its create options are not JSON", c->id);
	limits_from_json(jget(j, "Resources"), &l);
	struct cg_req req = req_of(ctr_cgroup_mode(c), upd);
	/* a limit that would never apply is refused, as at create */
	if (req.mode == CG_MODE_DISABLED)
		rc = cgroup_missing(e, c->id, "update", true, err);
	if (rc == 0 && limits_merge(&l, upd, err) < 0)
		rc = werr_status(err, 125);
	if (rc == 0 && cgroup_can_limit(e, &req, upd, err) < 0)
		rc = werr_status(err, 125);
	if (rc < 0) {
		limits_free(&l);
		return -1;
	}
	if (c->state == CTR_RUNNING && proc_alive(c->pid, c->pid_start)) {
		rc = cgroup_for_update(e, c, &l, &cg, err);
		if (rc == 0) {
			rc = cgroup_limits_apply(&cg, &l, true, err);
			cgroup_free(&cg);
		}
	}
	if (rc == 0) {
		jset(j, "Resources", limits_to_json(&l));
		rc = store_container_set_config(
		    e->store, c->id, json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN),
		    err);
	}
	limits_free(&l);
	return rc;
}

bool ctr_oom_killed(struct engine *e, const struct container_rec *c)
{
	cleanup_free char *marker = oom_marker(e, c->id);
	struct ctr_cgroup cg;
	bool oom;

	if (c->state == CTR_RUNNING && proc_alive(c->pid, c->pid_start))
		return false;
	if (access(marker, F_OK) == 0)
		return true;
	/* dead, and its monitor's cleanup has not read the cgroup yet */
	if (cgroup_load(e, c->id, &cg) <= 0)
		return false;
	oom = cgroup_oom_killed(&cg);
	cgroup_free(&cg);
	return oom;
}

void ctr_cgroup_note_oom(struct engine *e, const struct container_rec *c, int code)
{
	struct ctr_cgroup cg;

	if (code != 137 || cgroup_load(e, c->id, &cg) <= 0)
		return;
	if (cgroup_oom_killed(&cg)) {
		cleanup_free char *marker = oom_marker(e, c->id);
		int fd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (fd >= 0)
			close(fd);
	}
	cgroup_free(&cg);
}

int ctr_cgroup_open(struct engine *e, const struct container_rec *c, int *fds)
{
	struct ctr_cgroup cg;
	int n;

	if (cgroup_load(e, c->id, &cg) <= 0)
		return 0;
	n = cgroup_procs_open(&cg, fds, &(struct werr){0});
	cgroup_free(&cg);
	return n < 0 ? 0 : n;
}

void ctr_cgroup_fill(struct engine *e, struct container_rec *c)
{
	struct ctr_cgroup cg;

	c->paused = false;
	if (c->state != CTR_RUNNING || cgroup_load(e, c->id, &cg) <= 0)
		return;
	c->paused = cgroup_frozen(&cg);
	cgroup_free(&cg);
}

char *ctr_cgroup_path(struct engine *e, const struct container_rec *c)
{
	struct ctr_cgroup cg;
	char *p;

	if (c->state != CTR_RUNNING || cgroup_load(e, c->id, &cg) <= 0)
		return xstrdup("");
	p = cgroup_path_of(&cg);
	cgroup_free(&cg);
	return p;
}

void ctr_cgroup_thaw_after_kill(struct engine *e, const struct container_rec *c)
{
	struct ctr_cgroup cg;

	if (cgroup_load(e, c->id, &cg) <= 0)
		return;
	if (cgroup_frozen(&cg))
		cgroup_freeze(&cg, false, &(struct werr){0});
	cgroup_free(&cg);
}

int container_pause(struct engine *e, const struct container_rec *c, bool pause, struct werr *err)
{
	struct ctr_cgroup cg;
	int rc;

	if (c->state != CTR_RUNNING || !proc_alive(c->pid, c->pid_start)) {
		/* Podman's words: the state when pausing, the id when unpausing */
		if (pause)
			return werr_set(err, 0,
					"\"%s\" is not running, can't pause: container "
					"state improper",
					c->state == CTR_STOPPED ? "exited"
								: ctr_state_name(c->state));
		return werr_set(
		    err, 0, "\"%s\" is not paused, can't unpause: container state improper", c->id);
	}
	if (cgroup_load(e, c->id, &cg) <= 0)
		return cgroup_missing(e, c->id, pause ? "pause" : "unpause",
				      ctr_cgroup_mode(c) == CG_MODE_DISABLED, err);
	if (cgroup_frozen(&cg) == pause) {
		cgroup_free(&cg);
		return werr_set(err, 0, "\"%s\" is %s: container state improper", c->id,
				pause ? "already paused" : "not paused, can't unpause");
	}
	rc = cgroup_freeze(&cg, pause, err);
	cgroup_free(&cg);
	if (rc < 0)
		return werr_wrap(err, "%s container %.12s", pause ? "pause" : "unpause", c->id);
	container_event(e, c, pause ? "pause" : "unpause", -1);
	return 0;
}

/* Bytes received and sent over the interfaces of pid's network namespace
 * but lo (/proc/PID/net/dev: "  eth0: RX-bytes packets ... TX-bytes ..."). */
static void net_io(pid_t pid, uint64_t *rx, uint64_t *tx)
{
	char path[64];
	cleanup_free char *t = NULL;

	snprintf(path, sizeof(path), "/proc/%d/net/dev", (int)pid);
	t = read_file_max(path, 1 << 20, NULL, NULL);
	char *save = NULL;

	/* line by line: a short line must not borrow from the next */
	for (char *l = t ? strtok_r(t, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(l, ':');
		unsigned long long r, s;
		while (*l == ' ')
			l++;
		if (colon == NULL || str_has_prefix(l, "lo:"))
			continue;
		if (sscanf(colon + 1, "%llu %*u %*u %*u %*u %*u %*u %*u %llu", &r, &s) == 2) {
			*rx += r;
			*tx += s;
		}
	}
}

int ctr_cgroup_stats(struct engine *e, const struct container_rec *c, struct ctr_stats *out,
		     struct werr *err)
{
	struct ctr_stats s = {.at = now_ns()};
	struct ctr_cgroup cg;
	int rc = 0;

	if (c->state == CTR_RUNNING && proc_alive(c->pid, c->pid_start)) {
		if (cgroup_load(e, c->id, &cg) <= 0)
			return cgroup_missing(e, c->id, "stats",
					      ctr_cgroup_mode(c) == CG_MODE_DISABLED, err);
		rc = cgroup_stats_read(&cg, &s.cg, err);
		cgroup_free(&cg);
		net_io(c->pid, &s.net_rx, &s.net_tx);
	}
	if (rc == 0)
		*out = s;
	return rc;
}
