/* ctrcgroup.h - a container's own cgroup (runtime/cgroup.h) seen from the
 * container: made at its start as its create options say (--cgroups),
 * read by pause, ps and inspect (paused or not), and stats. */
#ifndef WARREN_CTRCGROUP_H
#define WARREN_CTRCGROUP_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "lib/err.h"
#include "runtime/cgroup.h"
#include "storage/store.h"

/* Makes c's cgroup for a start (none with --cgroups=disabled, or where
 * this user may have none) and opens the cgroup.procs files its process
 * joins (exec_opts.cgroup_fds; fds has room for CG_NKINDS). Returns how
 * many fds (0: no cgroup), or -1. */
int ctr_cgroup_start(struct engine *e, const struct container_rec *c, int *fds, struct werr *err);

/* The cgroup.procs files of c's cgroup, which a process of exec joins
 * (fds as ctr_cgroup_start's). How many (0: none, or not writable). */
int ctr_cgroup_open(struct engine *e, const struct container_rec *c, int *fds);

/* Before a container is made of o: its limits can be had here (else
 * the reason and the fix, status 125; with --cgroups=disabled a warning
 * that they are ignored), and Podman's default pids limit where the pids
 * controller is there. */
struct run_opts;
int ctr_limits_prepare(struct engine *e, struct run_opts *o, struct werr *err);

/* c's limits from its create options (limits_free them). */
void ctr_limits_of(const struct container_rec *c, struct res_limits *out);

/* update: the flags set in upd over c's limits, checked, recorded, and
 * written into its cgroup when it runs (a stopped one gets them at its
 * next start). */
int container_update_limits(struct engine *e, struct container_rec *c, const struct res_limits *upd,
			    struct werr *err);

/* Whether c's last run ended by the OOM killer (inspect's
 * State.OOMKilled). */
bool ctr_oom_killed(struct engine *e, const struct container_rec *c);

/* At its exit, before the cgroup goes: records whether the OOM killer
 * killed a process of c (code 137 only). */
void ctr_cgroup_note_oom(struct engine *e, const struct container_rec *c, int code);

/* c's --cgroups mode, from its create options. */
enum cg_mode ctr_cgroup_mode(const struct container_rec *c);

/* Sets c->paused: a running container whose cgroup is frozen. */
void ctr_cgroup_fill(struct engine *e, struct container_rec *c);

/* State.CgroupPath ("/warren/<id>"), "" without a cgroup. Malloc'd. */
char *ctr_cgroup_path(struct engine *e, const struct container_rec *c);

/* After SIGKILL (or stop's signal) to a paused container: on cgroup v1
 * frozen processes act on it only once thawed, so it is thawed (runc does
 * the same for Podman's SIGKILL; stop thaws at its first signal, as
 * Docker's, instead of waiting out the timeout). */
void ctr_cgroup_thaw_after_kill(struct engine *e, const struct container_rec *c);

/* What `stats` shows of one container at one moment. */
struct ctr_stats {
	struct cgroup_stats cg;
	uint64_t net_rx, net_tx; /* bytes over its interfaces but lo */
	int64_t at;		 /* when read (ns since the epoch) */
};

/* Reads c's stats; a container that does not run has all zeros (as
 * Podman's). One that runs without a cgroup: the reason (cgroup_missing),
 * -1. */
int ctr_cgroup_stats(struct engine *e, const struct container_rec *c, struct ctr_stats *out,
		     struct werr *err);

#endif
