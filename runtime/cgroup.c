/* cgroup.c - the per-container cgroup (see cgroup.h): where it goes, its
 * record, its removal, the freezer. The stats reader is cgroup_stats.c. */
#include "runtime/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/util.h"
#include "runtime/limits.h"

#define CG_ROOT "/sys/fs/cgroup"

static const char *const kind_names[CG_NKINDS] = {
    [CG_UNIFIED] = "unified", [CG_FREEZER] = "freezer", [CG_MEMORY] = "memory",
    [CG_CPUACCT] = "cpuacct", [CG_PIDS] = "pids",	[CG_BLKIO] = "blkio",
    [CG_CPU] = "cpu",	      [CG_CPUSET] = "cpuset",
};

/* The non-empty fields of s between any of seps, a new vector (NULL
 * when there are none). */
static char **split(const char *s, const char *seps)
{
	cleanup_free char *copy = xstrdup(s);
	char *save = NULL, **v = NULL;

	for (char *t = strtok_r(copy, seps, &save); t; t = strtok_r(NULL, seps, &save))
		v = strv_append(v, t);
	return v;
}

/* Where the hierarchy of each kind is mounted, and the cgroup this
 * command runs in there (relative to that mount). */
struct hier {
	char *mount[CG_NKINDS];
	char *cur[CG_NKINDS];
};

static void hier_free(struct hier *h)
{
	for (int k = 0; k < CG_NKINDS; k++) {
		free(h->mount[k]);
		free(h->cur[k]);
	}
}

static bool is_fs(const char *path, long magic)
{
	struct statfs sf;
	return statfs(path, &sf) == 0 && sf.f_type == magic;
}

/* The mount of a v1 hierarchy with controllers ctrls ("cpu,cpuacct"):
 * where systemd and cgroupfs-mount put it. */
static char *v1_mount(const char *ctrls, const char *one)
{
	char *p = xasprintf(CG_ROOT "/%s", ctrls);

	if (is_fs(p, CGROUP_SUPER_MAGIC))
		return p;
	free(p);
	p = xasprintf(CG_ROOT "/%s", one);
	if (is_fs(p, CGROUP_SUPER_MAGIC))
		return p;
	free(p);
	return NULL;
}

/* The cgroup v2 hierarchy: all of /sys/fs/cgroup, or a hybrid host's
 * unified (NULL: none). */
static const char *v2_mount(void)
{
	if (is_fs(CG_ROOT, CGROUP2_SUPER_MAGIC))
		return CG_ROOT;
	if (is_fs(CG_ROOT "/unified", CGROUP2_SUPER_MAGIC))
		return CG_ROOT "/unified";
	return NULL;
}

/* One line of /proc/self/cgroup: "0::/path" (v2), "N:ctrl,ctrl:/path" (v1). */
static void hier_line(struct hier *h, char *line)
{
	char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

	if (c2 == NULL)
		return;
	*c2 = '\0';
	if (strcmp(line, "0:") == 0) {
		const char *m = v2_mount();
		if (m != NULL && h->mount[CG_UNIFIED] == NULL) {
			h->mount[CG_UNIFIED] = xstrdup(m);
			h->cur[CG_UNIFIED] = xstrdup(c2 + 1);
		}
		return;
	}
	cleanup_strv char **ctrls = split(c1 + 1, ",");
	for (size_t i = 0; ctrls && ctrls[i]; i++)
		for (int k = CG_UNIFIED + 1; k < CG_NKINDS; k++)
			if (strcmp(ctrls[i], kind_names[k]) == 0 && h->mount[k] == NULL &&
			    (h->mount[k] = v1_mount(c1 + 1, ctrls[i])) != NULL)
				h->cur[k] = xstrdup(c2 + 1);
}

/* From /proc/self/cgroup: small, unlike a mountinfo full of containers. */
static void hier_read(struct hier *h)
{
	cleanup_file FILE *f = fopen("/proc/self/cgroup", "re");
	char line[4096];

	*h = (struct hier){0};
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		hier_line(h, line);
	}
}

static char *rootless_why(struct engine *e, const struct hier *h);

/* May this user make cgroups in dir and move processes into them? */
static bool may_delegate(const char *dir, bool v2_parent)
{
	cleanup_free char *procs = xasprintf("%s/cgroup.procs", dir);
	cleanup_free char *sub = xasprintf("%s/cgroup.subtree_control", dir);

	return access(dir, W_OK | X_OK) == 0 && access(procs, W_OK) == 0 &&
	       (!v2_parent || access(sub, W_OK) == 0);
}

/* Where the container's `warren/<id>` goes in hierarchy k: root, the
 * hierarchy's root (--cgroups=split: the command's own cgroup); rootless,
 * the parent of the command's cgroup when the user owns it (a delegated
 * subtree: siblings of the session's leaf), else that cgroup itself.
 * NULL when the user may not. */
static char *pick_base(struct engine *e, enum cg_mode mode, const struct hier *h, int k)
{
	const char *cur = h->cur[k];
	char *self, *parent, *slash;

	if (!e->rootless && mode != CG_MODE_SPLIT)
		return xstrdup(h->mount[k]);
	self = xasprintf("%s%s", h->mount[k], strcmp(cur, "/") == 0 ? "" : cur);
	if (!e->rootless)
		return self;
	parent = xstrdup(self);
	slash = strrchr(parent, '/');
	if (mode != CG_MODE_SPLIT && strcmp(cur, "/") != 0 && slash != NULL &&
	    slash - parent > (ptrdiff_t)strlen(h->mount[k])) {
		*slash = '\0';
		if (may_delegate(parent, k == CG_UNIFIED)) {
			free(self);
			return parent;
		}
	}
	free(parent);
	if (strcmp(cur, "/") != 0 && may_delegate(self, false))
		return self;
	free(self);
	return NULL;
}

/* A new cgroup v2 dir hands the controllers stats reads and limits need
 * on to the containers' cgroups below it: enabled in the parent's
 * subtree_control (for dir itself) and in dir's (for its children);
 * where the parent has not got one this fails, and that one is missing
 * (cgroup_can_limit says so before a limit needs it). */
static void v2_enable(const char *parent, const char *dir)
{
	static const char *const ctl[] = {"+cpu", "+memory", "+pids", "+io", "+cpuset"};
	cleanup_free char *psub = xasprintf("%s/cgroup.subtree_control", parent);
	cleanup_free char *dsub = xasprintf("%s/cgroup.subtree_control", dir);

	for (size_t i = 0; i < ARRAY_SIZE(ctl); i++) {
		int fd = open(psub, O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			(void)!write(fd, ctl[i], strlen(ctl[i]));
			close(fd);
		}
		fd = open(dsub, O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			(void)!write(fd, ctl[i], strlen(ctl[i]));
			close(fd);
		}
	}
}

/* v1 cpuset: a new dir has no cpus and mems, and no process may join it
 * until it has: its parent's are copied (cgroup.clone_children would do
 * it for every sibling of the parent too). */
static void cpuset_inherit(const char *parent, const char *dir)
{
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		cleanup_free char *pf = xasprintf("%s/%s", parent, files[i]);
		cleanup_free char *df = xasprintf("%s/%s", dir, files[i]);
		cleanup_free char *cur = read_file_max(df, 4096, NULL, NULL);
		cleanup_free char *val = NULL;
		if (cur != NULL && cur[0] != '\n' && cur[0] != '\0')
			continue;
		val = read_file_max(pf, 4096, NULL, NULL);
		int fd = val ? open(df, O_WRONLY | O_CLOEXEC) : -1;
		if (fd >= 0) {
			(void)!write(fd, val, strlen(val));
			close(fd);
		}
	}
}

/* mkdir of dir below parent, made ready for what goes in it */
static int mkdir_level(const char *parent, const char *dir, int k)
{
	if (mkdir(dir, 0755) < 0)
		return -1;
	if (k == CG_UNIFIED)
		v2_enable(parent, dir);
	else if (k == CG_CPUSET)
		cpuset_inherit(parent, dir);
	return 0;
}

/* base/sub/id (sub "warren", or --cgroup-parent's "a/b"); NULL when
 * mkdir is refused (read-only, not ours). The levels above the id's
 * exist but the first time: made only then. */
static char *make_dir(const char *base, const char *sub, const char *id, int k)
{
	char *d = xasprintf("%s/%s/%s", base, sub, id);
	cleanup_free char *up = xasprintf("%s/%s", base, sub);
	int r = mkdir(d, 0755);

	if (r < 0 && errno == ENOENT) {
		/* each missing level from the top: base/a, base/a/b */
		for (char *p = up + strlen(base) + 1;; p++) {
			if (*p != '/' && *p != '\0')
				continue;
			char saved = *p;
			*p = '\0';
			cleanup_free char *parent = xstrndup(up, (size_t)(strrchr(up, '/') - up));
			if (mkdir_level(parent, up, k) < 0 && errno != EEXIST)
				break;
			*p = saved;
			if (saved == '\0')
				break;
		}
		r = mkdir(d, 0755);
	}
	if (r < 0 && errno != EEXIST) {
		log_debug("no cgroup '%s': %s", d, strerror(errno));
		free(d);
		return NULL;
	}
	if (k == CG_CPUSET)
		cpuset_inherit(up, d);
	return d;
}

static char *record_path(struct engine *e, const char *id)
{
	return xasprintf("%s/cgroups/%s", e->runroot, id);
}

/* <runroot>/cgroups/<id>: "KIND\tMOUNT\tDIR" lines */
static int record_write(struct engine *e, const char *id, const struct ctr_cgroup *cg,
			const struct hier *h, struct werr *err)
{
	cleanup_free char *d = xasprintf("%s/cgroups", e->runroot);
	cleanup_free char *p = record_path(e, id);
	cleanup_free char *text = xstrdup("");
	cleanup_close int fd = -1;

	for (int k = 0; k < CG_NKINDS; k++) {
		if (cg->dir[k] == NULL)
			continue;
		char *n = xasprintf("%s%s\t%s\t%s\n", text, kind_names[k], h->mount[k], cg->dir[k]);
		free(text);
		text = n;
	}
	if (mkdir(d, 0700) < 0 && errno != EEXIST)
		return werr_set(err, errno, "mkdir '%s'", d);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, text, strlen(text)) < 0)
		return werr_set(err, errno, "record the cgroup of %.12s in '%s'", id, p);
	return 0;
}

static const char *const mode_names[] = {"enabled", "disabled", "no-conmon", "split"};

int cgroup_mode_parse(const char *s, enum cg_mode *out, struct werr *err)
{
	for (size_t i = 0; s != NULL && i < ARRAY_SIZE(mode_names); i++)
		if (strcmp(s, mode_names[i]) == 0) {
			*out = (enum cg_mode)i;
			return 0;
		}
	if (s == NULL) {
		*out = CG_MODE_ENABLED;
		return 0;
	}
	return werr_set(err, EINVAL, "invalid cgroup mode \"%s\"", s);
}

const char *cgroup_mode_name(enum cg_mode m)
{
	return (size_t)m < ARRAY_SIZE(mode_names) ? mode_names[m] : "enabled";
}

const char *cgroup_mode_inspect(enum cg_mode m)
{
	return m == CG_MODE_DISABLED ? "disabled" : "default";
}

/* The first kind whose dir is dir (each distinct dir is handled once). */
static bool first_of(const struct ctr_cgroup *cg, int k)
{
	if (cg->dir[k] == NULL)
		return false;
	for (int j = 0; j < k; j++)
		if (cg->dir[j] && strcmp(cg->dir[j], cg->dir[k]) == 0)
			return false;
	return true;
}

/* Does the container get a dir in hierarchy k? */
static bool wanted(const struct cg_req *req, const struct hier *h, const struct ctr_cgroup *cg,
		   int k)
{
	if (h->mount[k] == NULL || (k == CG_UNIFIED && cg->dir[CG_FREEZER] != NULL))
		return false;
	return (k != CG_CPU || req->cpu) && (k != CG_CPUSET || req->cpuset);
}

int cgroup_create(struct engine *e, const char *id, const struct cg_req *req,
		  struct ctr_cgroup *out, struct werr *err)
{
	struct ctr_cgroup cg = {0};
	struct hier h;
	bool any = false;
	const char *sub = req->parent && req->parent[0] ? req->parent + 1 : "warren";

	if (req->mode == CG_MODE_DISABLED)
		return 0;
	hier_read(&h);
	/* v1 first; v2 only without a v1 freezer: on a hybrid host the v2
	 * hierarchy has no controllers, and a dir there would cost every
	 * `run --rm` for nothing (but where only v2 is delegated to a rootless
	 * user, as systemd does on hybrid hosts too, it is the one) */
	for (int i = 1; i <= CG_NKINDS; i++) {
		int k = i % CG_NKINDS;
		/* two kinds mounted together (cpu,cpuacct and the like): one dir */
		for (int j = 1; j < CG_NKINDS && h.mount[k]; j++)
			if (j != k && h.mount[j] && strcmp(h.mount[j], h.mount[k]) == 0 &&
			    cg.dir[j])
				cg.dir[k] = xstrdup(cg.dir[j]);
		if (cg.dir[k] == NULL && !wanted(req, &h, &cg, k))
			continue;
		cg.mount_len[k] = strlen(h.mount[k]);
		if (cg.dir[k] != NULL)
			continue;
		cleanup_free char *base = pick_base(e, req->mode, &h, k);
		if (base != NULL)
			cg.dir[k] = make_dir(base, sub, id, k);
		any = any || cg.dir[k] != NULL;
	}
	if (any && record_write(e, id, &cg, &h, err) < 0) {
		for (int k = 0; k < CG_NKINDS; k++)
			if (first_of(&cg, k))
				rmdir(cg.dir[k]);
		hier_free(&h);
		cgroup_free(&cg);
		return -1;
	}
	hier_free(&h);
	if (!any)
		return 0;
	*out = cg;
	return 1;
}

/* Is controller ctl ("memory") available in the v2 dir below base? */
static bool v2_has(const char *base, const char *ctl)
{
	cleanup_free char *p = xasprintf("%s/cgroup.controllers", base);
	cleanup_free char *t = read_file_max(p, 4096, NULL, NULL);
	cleanup_strv char **v = t ? split(t, " \n") : NULL;

	return strv_contains(v, ctl);
}

/* Where this user gets a dir of kind k (v1), or of v2 with controller
 * v2ctl: "" when it does; else why not (malloc'd). */
static char *limit_where(struct engine *e, enum cg_mode mode, const struct hier *h, int k,
			 const char *v2ctl)
{
	cleanup_free char *base = NULL;

	if (h->mount[k] != NULL && (base = pick_base(e, mode, h, k)) != NULL)
		return xstrdup("");
	if (h->mount[CG_UNIFIED] != NULL && h->mount[CG_FREEZER] == NULL) {
		base = pick_base(e, mode, h, CG_UNIFIED);
		if (base != NULL && v2_has(base, v2ctl))
			return xstrdup("");
		if (base != NULL && !e->rootless)
			return xasprintf("the %s controller is not available in cgroup v2 here "
					 "(bound to a cgroup v1 hierarchy, or not in %s/"
					 "cgroup.controllers)",
					 v2ctl, base);
		if (base != NULL)
			return xasprintf("the %s controller is not enabled in the cgroup '%s' "
					 "delegated to this user (ask an admin to delegate it: "
					 "systemd's Delegate=%s, or write +%s to the "
					 "cgroup.subtree_control above it)",
					 v2ctl, base + strlen(h->mount[CG_UNIFIED]), v2ctl, v2ctl);
	}
	return NULL;
}

int cgroup_can_limit(struct engine *e, const struct cg_req *req, const struct res_limits *l,
		     struct werr *err)
{
	struct {
		bool need;
		int kind;
		const char *v2, *flag;
	} need[] = {
	    {l->memory || l->memory_reservation || l->memory_swap || l->swappiness >= 0 ||
		 l->oom_kill_disable,
	     CG_MEMORY, "memory", "--memory"},
	    {l->nano_cpus || l->cpu_shares || l->cpu_quota || l->cpu_period, CG_CPU, "cpu",
	     "--cpus"},
	    {l->cpuset_cpus || l->cpuset_mems, CG_CPUSET, "cpuset", "--cpuset-cpus"},
	    {limits_pids_asked(l), CG_PIDS, "pids", "--pids-limit"},
	    {l->blkio_weight || l->nthr[0] || l->nthr[1] || l->nthr[2] || l->nthr[3], CG_BLKIO,
	     "io", "--blkio-weight"},
	};
	struct hier h;
	int rc = 0;

	hier_read(&h);
	for (size_t i = 0; i < ARRAY_SIZE(need) && rc == 0; i++) {
		if (!need[i].need)
			continue;
		cleanup_free char *why = limit_where(e, req->mode, &h, need[i].kind, need[i].v2);
		if (why != NULL && why[0] == '\0')
			continue;
		if (why == NULL)
			why = rootless_why(e, &h);
		rc = werr_set(err, 0,
			      "%s: resource limits need a cgroup of the %s controller, and uid %u "
			      "can have none here: %s; --cgroups=disabled runs the container "
			      "without them",
			      need[i].flag, need[i].v2, (unsigned)e->uid, why);
	}
	hier_free(&h);
	return rc;
}

void cgroup_remove_path(struct engine *e, const char *rel)
{
	struct hier h;

	hier_read(&h);
	for (int k = 0; k < CG_NKINDS; k++) {
		cleanup_free char *base = h.mount[k] ? pick_base(e, CG_MODE_ENABLED, &h, k) : NULL;
		cleanup_free char *d = base ? xasprintf("%s%s", base, rel) : NULL;
		if (d != NULL && !strstr(rel, "/..") && rmdir(d) < 0 && errno != ENOENT)
			log_debug("cgroup '%s' stays: %s", d, strerror(errno));
	}
	hier_free(&h);
}

bool cgroup_has_pids(struct engine *e, enum cg_mode mode)
{
	struct hier h;
	cleanup_free char *why = NULL;

	if (mode == CG_MODE_DISABLED)
		return false;
	hier_read(&h);
	why = limit_where(e, mode, &h, CG_PIDS, "pids");
	hier_free(&h);
	return why != NULL && why[0] == '\0';
}

int cgroup_procs_open(const struct ctr_cgroup *cg, int *fds, struct werr *err)
{
	int n = 0;

	for (int k = 0; k < CG_NKINDS; k++) {
		if (!first_of(cg, k))
			continue;
		/* v1: "tasks", not cgroup.procs: a write of "0" there moves the
		 * writing thread alone, which the kernel (4.x on) does without
		 * cgroup_threadgroup_rwsem, whose write side waits for an RCU
		 * grace period: ~1-2 ms for each hierarchy, most of what a
		 * cgroup cost `run --rm` (bench/cgroup-cost). The writer is a
		 * freshly forked child: one thread, the whole process. */
		cleanup_free char *p =
		    xasprintf("%s/%s", cg->dir[k], k == CG_UNIFIED ? "cgroup.procs" : "tasks");
		fds[n] = open(p, O_WRONLY | O_CLOEXEC);
		if (fds[n] < 0) {
			int saved = errno;
			while (n > 0)
				close(fds[--n]);
			return werr_set(err, saved, "open '%s'", p);
		}
		n++;
	}
	return n;
}

int cgroup_load(struct engine *e, const char *id, struct ctr_cgroup *out)
{
	cleanup_free char *p = record_path(e, id);
	cleanup_free char *text = read_file_max(p, 65536, NULL, NULL);
	cleanup_strv char **lines = text ? split(text, "\n") : NULL;
	struct ctr_cgroup cg = {0};
	bool any = false;

	cleanup_free char *tail = xasprintf("/%s", id);

	for (size_t i = 0; lines && lines[i]; i++) {
		cleanup_strv char **f = split(lines[i], "\t");
		/* only what cgroup_create makes: a <mount>/.../<id> under
		 * /sys/fs/cgroup (destroy kills what such a dir lists) */
		if (strv_len(f) != 3 || !str_has_prefix(f[1], CG_ROOT) ||
		    !str_has_prefix(f[2], f[1]) || !str_has_suffix(f[2], tail) ||
		    strstr(f[2], "/.."))
			continue;
		for (int k = 0; k < CG_NKINDS; k++)
			if (strcmp(f[0], kind_names[k]) == 0 && cg.dir[k] == NULL) {
				cg.dir[k] = xstrdup(f[2]);
				cg.mount_len[k] = strlen(f[1]);
				any = true;
			}
	}
	if (!any)
		return 0;
	*out = cg;
	return 1;
}

void cgroup_free(struct ctr_cgroup *cg)
{
	for (int k = 0; k < CG_NKINDS; k++)
		free(cg->dir[k]);
	*cg = (struct ctr_cgroup){0};
}

/* SIGKILLs what is left in dir (their init is gone: the kernel is
 * killing them already, a frozen cgroup would keep them) */
static void kill_left(const char *dir)
{
	cleanup_free char *p = xasprintf("%s/cgroup.procs", dir);
	cleanup_free char *text = read_file_max(p, 1 << 20, NULL, NULL);
	cleanup_strv char **pids = text ? split(text, "\n") : NULL;

	for (size_t i = 0; pids && pids[i]; i++)
		if (atoi(pids[i]) > 0)
			kill(atoi(pids[i]), SIGKILL);
}

static int remove_dir(const struct ctr_cgroup *cg, const char *dir, struct werr *err)
{
	struct timespec ts = {0, 5 * 1000 * 1000};
	int64_t deadline = now_ns() + 5LL * 1000000000LL;
	bool thawed = false;

	while (rmdir(dir) < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno != EBUSY || now_ns() > deadline)
			return werr_set(err, errno, "remove cgroup '%s'", dir);
		if (!thawed && cgroup_frozen(cg))
			cgroup_freeze(cg, false, &(struct werr){0});
		thawed = true;
		kill_left(dir);
		nanosleep(&ts, NULL);
	}
	return 0;
}

int cgroup_destroy(struct engine *e, const char *id, struct werr *err)
{
	cleanup_free char *p = record_path(e, id);
	struct ctr_cgroup cg = {0};
	int rc = 0;

	if (cgroup_load(e, id, &cg) == 0) {
		unlink(p);
		return 0;
	}
	for (int k = 0; k < CG_NKINDS; k++)
		if (first_of(&cg, k) && remove_dir(&cg, cg.dir[k], err) < 0)
			rc = -1;
	cgroup_free(&cg);
	if (rc == 0)
		unlink(p);
	return rc;
}

/* The freezer file of cg and its two values: v1's controller where the
 * host has it mounted, else v2's core cgroup.freeze. */
static char *freezer_file(const struct ctr_cgroup *cg, bool *v1)
{
	*v1 = cg->dir[CG_FREEZER] != NULL;
	if (*v1)
		return xasprintf("%s/freezer.state", cg->dir[CG_FREEZER]);
	return cg->dir[CG_UNIFIED] ? xasprintf("%s/cgroup.freeze", cg->dir[CG_UNIFIED]) : NULL;
}

/* v2: cgroup.events says "frozen 1" once every process is */
static bool v2_settled(const struct ctr_cgroup *cg, bool freeze)
{
	cleanup_free char *p = xasprintf("%s/cgroup.events", cg->dir[CG_UNIFIED]);
	cleanup_free char *t = read_file_max(p, 4096, NULL, NULL);
	char *f = t ? strstr(t, "frozen ") : NULL;

	return f != NULL && (f[7] == '1') == freeze;
}

int cgroup_freeze(const struct ctr_cgroup *cg, bool freeze, struct werr *err)
{
	struct timespec ts = {0, 1000 * 1000};
	int64_t deadline = now_ns() + 10LL * 1000000000LL;
	bool v1;
	cleanup_free char *file = freezer_file(cg, &v1);
	const char *val = v1 ? (freeze ? "FROZEN" : "THAWED") : (freeze ? "1" : "0");
	cleanup_close int fd = file ? open(file, O_WRONLY | O_CLOEXEC) : -1;

	if (file == NULL)
		return werr_set(err, ENOTSUP, "the container's cgroup has no freezer");
	if (fd < 0 || write_all(fd, val, strlen(val)) < 0)
		return werr_set(err, errno, "write '%s' to '%s'", val, file);
	/* v1 passes through FREEZING while tasks are still running */
	while (now_ns() < deadline) {
		if (v1) {
			cleanup_free char *st = read_file_max(file, 64, NULL, NULL);
			if (st && str_has_prefix(st, val))
				return 0;
		} else if (v2_settled(cg, freeze)) {
			return 0;
		}
		nanosleep(&ts, NULL);
	}
	return werr_set(err, ETIMEDOUT, "%s '%s': the kernel did not finish in 10 s",
			freeze ? "freeze" : "thaw", file);
}

bool cgroup_frozen(const struct ctr_cgroup *cg)
{
	bool v1;
	cleanup_free char *file = freezer_file(cg, &v1);
	cleanup_free char *st = file ? read_file_max(file, 64, NULL, NULL) : NULL;

	if (st == NULL)
		return false;
	return v1 ? !str_has_prefix(st, "THAWED") : st[0] == '1';
}

char *cgroup_path_of(const struct ctr_cgroup *cg)
{
	int k = cg->dir[CG_UNIFIED] ? CG_UNIFIED : CG_FREEZER;

	if (cg->dir[k] == NULL)
		for (k = 0; k < CG_NKINDS && cg->dir[k] == NULL; k++)
			;
	if (k == CG_NKINDS)
		return xstrdup("");
	return xstrdup(cg->dir[k] + cg->mount_len[k]);
}

/* One line saying what this host offers a rootless user, and the fix. */
static char *rootless_why(struct engine *e, const struct hier *h)
{
	if (h->mount[CG_UNIFIED] != NULL && h->mount[CG_FREEZER] == NULL &&
	    h->mount[CG_MEMORY] == NULL)
		return xasprintf(
		    "on this cgroup v2 host no cgroup above or at this session's ('%s') is "
		    "delegated to uid %u (log in through systemd, whose user@%u.service "
		    "delegates one, or ask an admin to chown one to you)",
		    h->cur[CG_UNIFIED], (unsigned)e->uid, (unsigned)e->uid);
	return xasprintf("on this host the controllers are on cgroup v1, and rootless warren "
			 "creates a cgroup only under one that uid %u owns: there is none (ask "
			 "an admin to create and chown one in each controller, or run on a "
			 "cgroup v2 host with systemd delegation)",
			 (unsigned)e->uid);
}

int cgroup_missing(struct engine *e, const char *id, const char *feature, bool disabled,
		   struct werr *err)
{
	struct hier h;
	cleanup_free char *why = NULL;

	if (disabled)
		return werr_set(
		    err, 0,
		    "%s needs container %.12s in a cgroup of its own, and it was created "
		    "with --cgroups=disabled",
		    feature, id);
	if (!e->rootless)
		return werr_set(err, 0,
				"%s needs container %.12s in a cgroup of its own, and it has none: "
				"it was started by a warren without cgroups, or /sys/fs/cgroup was "
				"not writable (restart it)",
				feature, id);
	hier_read(&h);
	for (int k = 0; k < CG_NKINDS && why == NULL; k++) {
		cleanup_free char *base = h.mount[k] ? pick_base(e, CG_MODE_ENABLED, &h, k) : NULL;
		if (base != NULL)
			why = xasprintf("it was started from a session without a cgroup of yours, "
					"this one has '%s' (start it again from here)",
					base);
	}
	if (why == NULL)
		why = rootless_why(e, &h);
	hier_free(&h);
	return werr_set(err, 0, "%s needs container %.12s in a cgroup of its own: %s", feature, id,
			why);
}
