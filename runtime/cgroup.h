/* cgroup.h - a cgroup of its own for each container, where the host lets
 * this user have one: what `pause`, `stats` and (issue 14) resource limits
 * stand on.
 *
 * Root: `warren/<id>` under the root of each cgroup v1 hierarchy warren
 * reads (freezer, memory, cpuacct, pids, blkio), and of the cgroup v2
 * hierarchy unless v1 has the freezer (a hybrid host's v2 has no
 * controllers: a dir there would cost every `run --rm` and serve
 * nothing). The cpu controller is for limits: issue 14 adds a dir there
 * when a container has one. Rootless: only inside a cgroup the
 * user owns and may move processes into (systemd's delegation, or a
 * subtree an admin or a batch system chown'ed): `warren/<id>` under the
 * parent of the command's own cgroup, or under that cgroup itself. Where
 * neither is allowed the container has none, as before, and every feature
 * that needs one says why (cgroup_missing).
 *
 * The dirs are recorded in <runroot>/cgroups/<id> (tmpfs, like the
 * cgroups themselves gone at a reboot), so that later commands find them
 * and the cleanup of a container whose owner was SIGKILLed removes them. */
#ifndef WARREN_CGROUP_H
#define WARREN_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "lib/err.h"

struct res_limits;

/* The hierarchies a container gets a dir in. */
enum cg_kind {
	CG_UNIFIED,
	CG_FREEZER,
	CG_MEMORY,
	CG_CPUACCT,
	CG_PIDS,
	CG_BLKIO,
	CG_CPU,	   /* v1 cpu and cpuset: only for a container with such limits */
	CG_CPUSET, /* (issue 14), each dir costs every run */
	CG_NKINDS
};

/* The --cgroups modes (Podman's). */
enum cg_mode {
	CG_MODE_ENABLED = 0, /* a cgroup of its own (the default) */
	CG_MODE_DISABLED,    /* none: the container stays in its starter's cgroup */
	CG_MODE_NO_CONMON,   /* as enabled: warren's monitor never gets a cgroup anyway */
	CG_MODE_SPLIT,	     /* under the cgroup of the command that starts it */
};

/* A container's cgroup dirs: absolute paths, NULL where it has none (two
 * kinds share one dir where their controllers are mounted together). */
struct ctr_cgroup {
	char *dir[CG_NKINDS];
	size_t mount_len[CG_NKINDS]; /* the length of the hierarchy's mount in dir */
};

/* "enabled", "disabled", "no-conmon", "split" (NULL: enabled) into *out;
 * else Podman's `invalid cgroup mode "x": invalid argument`. */
int cgroup_mode_parse(const char *s, enum cg_mode *out, struct werr *err);

/* "enabled", "disabled", ... */
const char *cgroup_mode_name(enum cg_mode m);

/* The mode as inspect's HostConfig.Cgroups shows it: "disabled", else
 * Podman's "default". */
const char *cgroup_mode_inspect(enum cg_mode m);

/* What a container's cgroup is to be. */
struct cg_req {
	enum cg_mode mode;
	const char *parent; /* --cgroup-parent "/a/b": <mount>/a/b/<id>; NULL: warren/<id> */
	bool cpu, cpuset;   /* v1: dirs in these hierarchies too */
};

/* Makes the cgroup of container id (mode not disabled) and records it.
 * 1 with *out filled (cgroup_free it), 0 when this user may have none
 * here (*out empty), -1 on an error. */
int cgroup_create(struct engine *e, const char *id, const struct cg_req *req,
		  struct ctr_cgroup *out, struct werr *err);

/* Can this user have a cgroup with the controller of each limit l asks
 * for (mode not disabled)? 0, or -1 with err saying which is missing,
 * why and the fix (rootless: no delegated subtree; cgroup v2: the
 * controller not enabled there). */
int cgroup_can_limit(struct engine *e, const struct cg_req *req, const struct res_limits *l,
		     struct werr *err);

/* Removes the (empty) cgroup rel ("/warren/<pod id>") in every
 * hierarchy, where this user's containers' cgroups go; what is not there
 * is skipped. */
void cgroup_remove_path(struct engine *e, const char *rel);

/* Whether the pids controller is there for this user (Podman's default
 * --pids-limit 2048 then applies). */
bool cgroup_has_pids(struct engine *e, enum cg_mode mode);

/* Opens cgroup.procs (v1: tasks) of each of cg's dirs for writing
 * (O_CLOEXEC) into fds (room for CG_NKINDS): the container's child, one
 * thread, writes "0" to each before anything else, which moves it there
 * (exec_opts.cgroup_fds).
 * Returns how many, or -1 (err set, nothing left open). */
int cgroup_procs_open(const struct ctr_cgroup *cg, int *fds, struct werr *err);

/* The recorded cgroup of container id: 1 with *out, 0 when it has none. */
int cgroup_load(struct engine *e, const char *id, struct ctr_cgroup *out);

void cgroup_free(struct ctr_cgroup *cg);

/* Removes the cgroup of container id and its record, if any: processes
 * left in it (the container's init died, its children are going) are
 * thawed and killed first. Safe to call for one that never had any. */
int cgroup_destroy(struct engine *e, const char *id, struct werr *err);

/* Freezes (or thaws) every process of cg and waits until the kernel says
 * it is done: v1's freezer.state FROZEN/THAWED, else v2's cgroup.freeze
 * with cgroup.events "frozen 1". */
int cgroup_freeze(const struct ctr_cgroup *cg, bool freeze, struct werr *err);

/* Whether cg is frozen (or freezing). */
bool cgroup_frozen(const struct ctr_cgroup *cg);

/* "/warren/<id>" as inspect's State.CgroupPath shows it: cg's path below
 * its hierarchy's root (the v2 one, else the freezer's), "" without one.
 * Malloc'd. */
char *cgroup_path_of(const struct ctr_cgroup *cg);

/* What stats shows, read from the cgroup files (v1 or v2, whichever cg
 * has for each). Unknown values stay 0. */
struct cgroup_stats {
	uint64_t cpu_ns;	       /* CPU time used */
	uint64_t mem_usage, mem_limit; /* bytes (the limit: the host's memory when none) */
	uint64_t blk_read, blk_write;  /* bytes */
	uint64_t pids;
};
int cgroup_stats_read(const struct ctr_cgroup *cg, struct cgroup_stats *out, struct werr *err);

/* Writes the limits of l into cg (cgroup_limits.c): v1 files where cg
 * has a dir of that controller, else v2's. At a start (update false)
 * only what l sets; an update writes every value, the unset ones as no
 * limit. */
int cgroup_limits_apply(const struct ctr_cgroup *cg, const struct res_limits *l, bool update,
			struct werr *err);

/* Whether the kernel's OOM killer killed a process of cg (v1
 * memory.oom_control, v2 memory.events: oom_kill). */
bool cgroup_oom_killed(const struct ctr_cgroup *cg);

/* Sets err to why container id has no cgroup, for feature (a verb:
 * "pause", "collect stats of") and returns -1: --cgroups=disabled, or what
 * the host lacks for this user, with the fix. */
int cgroup_missing(struct engine *e, const char *id, const char *feature, bool disabled,
		   struct werr *err);

#endif
