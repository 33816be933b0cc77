/* ctrcgroup.c - a container's own cgroup seen from the container (see
 * ctrcgroup.h): its start, pause, its paused state, stats. */
#include "runtime/ctrcgroup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/container_int.h"

enum cg_mode ctr_cgroup_mode(const struct container_rec *c)
{
	cleanup_json struct json_object *j = json_tokener_parse(c->config ? c->config : "");
	enum cg_mode m = CG_MODE_ENABLED;
	struct werr ignore = {0};

	if (cgroup_mode_parse(jstr(j, "CgroupsMode"), &m, &ignore) < 0)
		m = CG_MODE_ENABLED;
	return m;
}

int ctr_cgroup_start(struct engine *e, const struct container_rec *c, int *fds, struct werr *err)
{
	struct ctr_cgroup cg = {0};
	int r, n;

	/* a restart by its policy, or a start after a crash: a fresh one */
	if (cgroup_destroy(e, c->id, err) < 0)
		return -1;
	r = cgroup_create(e, c->id, ctr_cgroup_mode(c), &cg, err);
	if (r <= 0)
		return r;
	n = cgroup_procs_open(&cg, fds, err);
	cgroup_free(&cg);
	if (n < 0)
		cgroup_destroy(e, c->id, &(struct werr){0});
	return n;
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
