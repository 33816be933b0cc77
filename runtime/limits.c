/* limits.c - resource limit flags, their checks and their record (see
 * limits.h). Messages from Podman 4.3 (`podman create` with each bad
 * value); where Podman takes a value and fails later in its OCI runtime,
 * warren refuses it at once. */
#include "runtime/limits.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"

#define DEFAULT_PERIOD 100000 /* µs, the kernel's CFS period */
#define DEFAULT_SHM    65536000

enum lkind {
	LK_RAM,	       /* int64 bytes */
	LK_SWAP,       /* bytes or -1 */
	LK_SWAPPINESS, /* 0..100 */
	LK_OOM_ADJ,    /* int -1000..1000 */
	LK_CPUS,       /* float -> nano */
	LK_UINT,       /* uint64 */
	LK_INT,	       /* int64 */
	LK_CPUSET,     /* "0-2,4" */
	LK_PIDS,       /* int64, <0 unlimited */
	LK_BLKIO,      /* uint16 10..1000 */
	LK_BPS,	       /* PATH:SIZE */
	LK_IOPS,       /* PATH:N */
	LK_SHM,	       /* size */
	LK_PARENT,     /* cgroup path */
	LK_CGROUPNS,   /* host|private */
};

struct lflag {
	const char *name;
	char shrt; /* for pflag's messages: "-c, --cpu-shares" */
	enum lkind kind;
	size_t off;
	int arg; /* LK_CPUSET: "cpus"/"mems"; LK_BPS/IOPS: the throttle kind */
};

#define F(n, s, k, field, a)                                                                       \
	{                                                                                          \
		n, s, k, offsetof(struct res_limits, field), a                                     \
	}
static const struct lflag flags[] = {
    F("memory", 'm', LK_RAM, memory, 0),
    F("memory-reservation", 0, LK_RAM, memory_reservation, 0),
    F("memory-swap", 0, LK_SWAP, memory_swap, 0),
    F("memory-swappiness", 0, LK_SWAPPINESS, swappiness, 0),
    F("oom-score-adj", 0, LK_OOM_ADJ, oom_score_adj, 0),
    F("cpus", 0, LK_CPUS, nano_cpus, 0),
    F("cpu-shares", 'c', LK_UINT, cpu_shares, 0),
    F("cpu-quota", 0, LK_INT, cpu_quota, 0),
    F("cpu-period", 0, LK_UINT, cpu_period, 0),
    F("cpuset-cpus", 0, LK_CPUSET, cpuset_cpus, 0),
    F("cpuset-mems", 0, LK_CPUSET, cpuset_mems, 1),
    F("pids-limit", 0, LK_PIDS, pids_limit, 0),
    F("blkio-weight", 0, LK_BLKIO, blkio_weight, 0),
    F("device-read-bps", 0, LK_BPS, thr, THR_READ_BPS),
    F("device-write-bps", 0, LK_BPS, thr, THR_WRITE_BPS),
    F("device-read-iops", 0, LK_IOPS, thr, THR_READ_IOPS),
    F("device-write-iops", 0, LK_IOPS, thr, THR_WRITE_IOPS),
    F("shm-size", 0, LK_SHM, shm_size, 0),
    F("cgroup-parent", 0, LK_PARENT, cgroup_parent, 0),
    F("cgroupns", 0, LK_CGROUPNS, cgroupns, 0),
};
#undef F

/* set bits of the flags update merges */
#define BIT(name) (1u << flag_index(name))

int64_t limits_ram_bytes(const char *v)
{
	return parse_human_size(v, 1024.0);
}

/* A cpuset list: "0", "0-3", "0,2-4"; each range low <= high. */
static bool cpuset_ok(const char *s)
{
	const char *p = s;

	if (*p == '\0')
		return false;
	while (*p) {
		char *end;
		unsigned long lo, hi;
		if (!isdigit((unsigned char)*p))
			return false;
		lo = strtoul(p, &end, 10);
		hi = lo;
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1]))
				return false;
			hi = strtoul(end + 1, &end, 10);
		}
		if (hi < lo || (*end != ',' && *end != '\0') || (*end == ',' && end[1] == '\0'))
			return false;
		p = *end ? end + 1 : end;
	}
	return true;
}

/* Is every number of list want in list have? */
static bool cpuset_within(const char *want, const char *have, long *missing)
{
	for (const char *p = want; *p;) {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;
		if (*end == '-')
			hi = strtol(end + 1, &end, 10);
		for (long n = lo; n <= hi; n++) {
			bool in = false;
			for (const char *q = have; *q && !in;) {
				char *e2;
				long a = strtol(q, &e2, 10), b = a;
				if (*e2 == '-')
					b = strtol(e2 + 1, &e2, 10);
				in = n >= a && n <= b;
				q = *e2 ? e2 + 1 : e2;
			}
			if (!in) {
				*missing = n;
				return false;
			}
		}
		p = *end ? end + 1 : end;
	}
	return true;
}

/* pflag's message for a number that does not parse */
static int bad_number(const struct lflag *f, const char *v, const char *fn, struct werr *err)
{
	char names[64];

	if (f->shrt)
		snprintf(names, sizeof(names), "-%c, --%s", f->shrt, f->name);
	else
		snprintf(names, sizeof(names), "--%s", f->name);
	werr_set(err, 0, "invalid argument \"%s\" for \"%s\" flag: strconv.%s: parsing \"%s\": %s",
		 v, names, fn, v, errno == ERANGE ? "value out of range" : "invalid syntax");
	return werr_status(err, 125);
}

static bool parse_i64(const char *v, int64_t *out)
{
	char *end;

	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno)
		return false;
	*out = n;
	return true;
}

static bool parse_u64(const char *v, uint64_t *out)
{
	char *end;

	errno = 0;
	if (!isdigit((unsigned char)*v))
		return false;
	unsigned long long n = strtoull(v, &end, 10);
	if (*end != '\0' || errno)
		return false;
	*out = n;
	return true;
}

/* PATH:RATE of --device-{read,write}-{bps,iops}; the path a device */
static int parse_throttle(struct res_limits *l, const struct lflag *f, const char *v,
			  struct werr *err)
{
	const char *colon = strrchr(v, ':');
	bool bps = f->kind == LK_BPS;
	struct throttle t = {0};
	struct stat st;
	int64_t rate;

	if (colon == NULL || strchr(v, ':') != colon)
		return werr_set(err, 0, "bad format: %s", v), werr_status(err, 125);
	if (!str_has_prefix(v, "/dev/"))
		return werr_set(err, 0, "bad format for device path: %s", v), werr_status(err, 125);
	if (bps) {
		rate = limits_ram_bytes(colon + 1);
	} else {
		uint64_t n;
		rate = parse_u64(colon + 1, &n) && n <= INT64_MAX ? (int64_t)n : -1;
	}
	if (rate < 0) {
		werr_set(err, 0,
			 "invalid rate for device: %s. The correct format is "
			 "<device-path>:<number>%s. Number must be a positive integer%s",
			 v, bps ? "[<unit>]" : "",
			 bps ? ". Unit is optional and can be kb, mb, or gb" : "");
		return werr_status(err, 125);
	}
	t.path = xstrndup(v, (size_t)(colon - v));
	int r = stat(t.path, &st);
	if (r < 0 || !(S_ISBLK(st.st_mode) || S_ISCHR(st.st_mode))) {
		werr_set(err, r < 0 ? errno : 0, "%s: '%s' is not a device", f->name, t.path);
		free(t.path);
		return werr_status(err, 125);
	}
	t.rate = (uint64_t)rate;
	/* the same device again: the last wins */
	struct throttle **arr = &l->thr[f->arg];
	for (size_t i = 0; i < l->nthr[f->arg]; i++)
		if (strcmp((*arr)[i].path, t.path) == 0) {
			free((*arr)[i].path);
			(*arr)[i] = t;
			return 0;
		}
	*arr = xrealloc(*arr, (l->nthr[f->arg] + 1) * sizeof(**arr));
	(*arr)[l->nthr[f->arg]++] = t;
	return 0;
}

/* --cgroup-parent: a path below the hierarchies' roots, no ".." */
static int parse_parent(struct res_limits *l, const char *v, struct werr *err)
{
	cleanup_strv char **parts = NULL;
	cleanup_free char *copy = xstrdup(v), *path = NULL;
	char *save = NULL;

	for (char *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (strcmp(t, "..") == 0 || strcmp(t, ".") == 0) {
			werr_set(err, 0, "invalid cgroup parent \"%s\": no '.' or '..' allowed", v);
			return werr_status(err, 125);
		}
		parts = strv_append(parts, t);
	}
	path = parts ? strv_join(parts, "/") : xstrdup("");
	free(l->cgroup_parent);
	l->cgroup_parent = path[0] ? xasprintf("/%s", path) : NULL;
	return 0;
}

static int flag_index(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
		if (strcmp(flags[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int parse_number(struct res_limits *l, const struct lflag *f, const char *v, void *field,
			struct werr *err)
{
	int64_t i;
	uint64_t u;

	switch (f->kind) {
	case LK_OOM_ADJ:
		if (!parse_i64(v, &i))
			return bad_number(f, v, "ParseInt", err);
		if (i < -1000 || i > 1000) {
			werr_set(err, 0,
				 "invalid value %s for --oom-score-adj: the range is -1000 to 1000",
				 v);
			return werr_status(err, 125);
		}
		*(int *)field = (int)i;
		return 0;
	case LK_INT:
		if (!parse_i64(v, &i))
			return bad_number(f, v, "ParseInt", err);
		*(int64_t *)field = i;
		return 0;
	case LK_PIDS:
		if (!parse_i64(v, &i))
			return bad_number(f, v, "ParseInt", err);
		/* 0 and -1 (any negative) are unlimited, as Podman's */
		l->pids_limit = i <= 0 ? -1 : i;
		return 0;
	case LK_UINT:
		if (!parse_u64(v, &u))
			return bad_number(f, v, "ParseUint", err);
		*(uint64_t *)field = u;
		return 0;
	case LK_SWAPPINESS:
		if (!parse_i64(v, &i))
			return bad_number(f, v, "ParseInt", err);
		if (i < -1 || i > 100) {
			werr_set(err, 0,
				 "invalid value: %s, valid memory swappiness range is 0-100", v);
			return werr_status(err, 125);
		}
		l->swappiness = i;
		return 0;
	case LK_BLKIO:
		if (!parse_u64(v, &u)) {
			werr_set(
			    err, 0,
			    "invalid value for blkio-weight: strconv.ParseUint: parsing \"%s\": "
			    "invalid syntax",
			    v);
			return werr_status(err, 125);
		}
		if (u != 0 && (u < 10 || u > 1000)) {
			werr_set(err, 0,
				 "invalid value for blkio-weight: %s: the range is 10 to 1000", v);
			return werr_status(err, 125);
		}
		l->blkio_weight = (uint16_t)u;
		return 0;
	default:
		return -1;
	}
}

int limits_parse(struct res_limits *l, const char *flag, const char *v, struct werr *err)
{
	int idx = flag_index(flag);
	const struct lflag *f;
	void *field;
	int64_t n;
	double d;
	char *end;

	if (idx < 0)
		return werr_set(err, EINVAL, "unknown limit flag '%s'", flag);
	f = &flags[idx];
	field = (char *)l + f->off;
	l->set |= 1u << idx;
	switch (f->kind) {
	case LK_RAM:
	case LK_SWAP:
	case LK_SHM:
		n = f->kind == LK_SWAP && strcmp(v, "-1") == 0 ? -1 : limits_ram_bytes(v);
		if (n < 0 && !(f->kind == LK_SWAP && strcmp(v, "-1") == 0)) {
			werr_set(err, 0, "%s: invalid size: '%s'",
				 f->kind == LK_SHM ? "unable to translate --shm-size"
						   : "invalid value for memory",
				 v);
			return werr_status(err, 125);
		}
		*(int64_t *)field = n;
		return 0;
	case LK_CPUS:
		errno = 0;
		d = strtod(v, &end);
		if (*v == '\0' || *end != '\0' || errno || isnan(d) || isinf(d))
			return bad_number(f, v, "ParseFloat", err);
		if (d < 0) {
			werr_set(err, 0,
				 "invalid value %s for --cpus: the number of CPUs must not be "
				 "negative",
				 v);
			return werr_status(err, 125);
		}
		l->nano_cpus = (int64_t)llround(d * 1e9);
		return 0;
	case LK_CPUSET:
		if (!cpuset_ok(v)) {
			werr_set(err, 0, "invalid value %s for cpuset %s", v,
				 f->arg ? "mems" : "cpus");
			return werr_status(err, 125);
		}
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		return 0;
	case LK_BPS:
	case LK_IOPS:
		return parse_throttle(l, f, v, err);
	case LK_PARENT:
		return parse_parent(l, v, err);
	case LK_CGROUPNS:
		if (strcmp(v, "host") != 0 && strcmp(v, "private") != 0) {
			werr_set(err, 0, "unrecognized namespace mode %s passed", v);
			return werr_status(err, 125);
		}
		free(l->cgroupns);
		l->cgroupns = xstrdup(v);
		return 0;
	default:
		return parse_number(l, f, v, field, err);
	}
}

/* The cpus or memory nodes this host has (the root cpuset's, else sysfs's
 * online list); NULL when unknown. */
static char *host_set(bool mems)
{
	const char *files[2][2] = {
	    {"/sys/fs/cgroup/cpuset/cpuset.cpus", "/sys/devices/system/cpu/online"},
	    {"/sys/fs/cgroup/cpuset/cpuset.mems", "/sys/devices/system/node/online"}};

	for (int i = 0; i < 2; i++) {
		char *t = read_file_max(files[mems][i], 4096, NULL, NULL);
		if (t != NULL) {
			t[strcspn(t, "\n")] = '\0';
			if (t[0])
				return t;
		}
		free(t);
	}
	return NULL;
}

static int check_cpuset(const char *want, bool mems, struct werr *err)
{
	cleanup_free char *have = want ? host_set(mems) : NULL;
	long missing;

	if (have == NULL || cpuset_within(want, have, &missing))
		return 0;
	werr_set(err, 0, "requested %s are not available - requested %s, available: %s",
		 mems ? "memory nodes" : "CPUs", want, have);
	return werr_status(err, 125);
}

int limits_check(const struct res_limits *l, struct werr *err)
{
	const char *msg = NULL;

	if (l->memory_swap > 0 && l->memory == 0)
		msg =
		    "you should always set a memory limit when using a memoryswap limit, see usage";
	else if (l->memory_swap > 0 && l->memory_swap < l->memory)
		msg = "minimum memoryswap limit should be larger than memory limit, see usage";
	else if (l->memory > 0 && l->memory_reservation > l->memory)
		msg =
		    "minimum memory limit cannot be less than memory reservation limit, see usage";
	else if (l->nano_cpus && l->cpu_quota)
		msg = "--cpu-quota and --cpus cannot be set together";
	else if (l->nano_cpus && l->cpu_period)
		msg = "--cpu-period and --cpus cannot be set together";
	else if ((l->cpu_quota > 0 && l->cpu_quota < 1000) ||
		 (l->nano_cpus > 0 && l->nano_cpus * DEFAULT_PERIOD / 1000000000 < 1000))
		msg = "CPU cfs quota cannot be less than 1ms (i.e. 1000)";
	else if (l->cpu_period && (l->cpu_period < 1000 || l->cpu_period > 1000000))
		msg = "CPU cfs period cannot be less than 1ms (i.e. 1000) or larger than 1s (i.e. "
		      "1000000)";
	else if (l->memory > 0 && l->memory < 6 * 1024 * 1024)
		msg = "minimum memory limit allowed is 6MB";
	if (msg != NULL) {
		werr_set(err, 0, "%s", msg);
		return werr_status(err, 125);
	}
	if (check_cpuset(l->cpuset_cpus, false, err) < 0 ||
	    check_cpuset(l->cpuset_mems, true, err) < 0)
		return -1;
	return 0;
}

bool limits_pids_asked(const struct res_limits *l)
{
	/* the default is none asked for, unless given as a flag */
	return l->pids_limit != 0 &&
	       (l->pids_limit != LIMITS_DEFAULT_PIDS || (l->set & BIT("pids-limit")));
}

bool limits_any(const struct res_limits *l)
{
	bool thr = false;

	for (int k = 0; k < THR_NKINDS; k++)
		thr = thr || l->nthr[k] > 0;
	bool pids = limits_pids_asked(l);
	return thr || l->memory || l->memory_reservation || l->memory_swap || l->swappiness >= 0 ||
	       l->oom_kill_disable || l->nano_cpus || l->cpu_shares || l->cpu_quota ||
	       l->cpu_period || l->cpuset_cpus || l->cpuset_mems || pids || l->blkio_weight;
}

static const char *const thr_keys[THR_NKINDS] = {"BlkioDeviceReadBps", "BlkioDeviceWriteBps",
						 "BlkioDeviceReadIOps", "BlkioDeviceWriteIOps"};

static struct json_object *thr_json(const struct throttle *t, size_t n)
{
	struct json_object *a;

	if (n == 0)
		return NULL;
	a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		jset_str(o, "Path", t[i].path);
		jset(o, "Rate", json_object_new_int64((int64_t)t[i].rate));
		json_object_array_add(a, o);
	}
	return a;
}

#define I64(v) json_object_new_int64((int64_t)(v))

struct json_object *limits_to_json(const struct res_limits *l)
{
	struct json_object *o = json_object_new_object();

	jset(o, "Memory", I64(l->memory));
	jset(o, "MemoryReservation", I64(l->memory_reservation));
	jset(o, "MemorySwap", I64(l->memory_swap));
	jset(o, "MemorySwappiness", I64(l->swappiness));
	jset(o, "OomKillDisable", json_object_new_boolean(l->oom_kill_disable));
	jset(o, "OomScoreAdj", I64(l->oom_score_adj));
	jset(o, "NanoCpus", I64(l->nano_cpus));
	jset(o, "CpuShares", I64(l->cpu_shares));
	jset(o, "CpuQuota", I64(l->cpu_quota));
	jset(o, "CpuPeriod", I64(l->cpu_period));
	jset(o, "CpusetCpus", l->cpuset_cpus ? json_object_new_string(l->cpuset_cpus) : NULL);
	jset(o, "CpusetMems", l->cpuset_mems ? json_object_new_string(l->cpuset_mems) : NULL);
	jset(o, "PidsLimit", I64(l->pids_limit));
	jset(o, "BlkioWeight", I64(l->blkio_weight));
	for (int k = 0; k < THR_NKINDS; k++)
		jset(o, thr_keys[k], thr_json(l->thr[k], l->nthr[k]));
	jset(o, "ShmSize", I64(l->shm_size));
	jset(o, "CgroupParent", l->cgroup_parent ? json_object_new_string(l->cgroup_parent) : NULL);
	jset(o, "CgroupNS", l->cgroupns ? json_object_new_string(l->cgroupns) : NULL);
	return o;
}

static int64_t jint(struct json_object *o, const char *key)
{
	return json_object_get_int64(jget(o, key));
}

void limits_from_json(struct json_object *rec, struct res_limits *l)
{
	*l = (struct res_limits){.swappiness = -1};
	if (rec == NULL)
		return;
	l->memory = jint(rec, "Memory");
	l->memory_reservation = jint(rec, "MemoryReservation");
	l->memory_swap = jint(rec, "MemorySwap");
	l->swappiness = jget(rec, "MemorySwappiness") ? jint(rec, "MemorySwappiness") : -1;
	l->oom_kill_disable = json_object_get_boolean(jget(rec, "OomKillDisable"));
	l->oom_score_adj = (int)jint(rec, "OomScoreAdj");
	l->nano_cpus = jint(rec, "NanoCpus");
	l->cpu_shares = (uint64_t)jint(rec, "CpuShares");
	l->cpu_quota = jint(rec, "CpuQuota");
	l->cpu_period = (uint64_t)jint(rec, "CpuPeriod");
	l->cpuset_cpus = jstrdup(rec, "CpusetCpus");
	l->cpuset_mems = jstrdup(rec, "CpusetMems");
	l->pids_limit = jint(rec, "PidsLimit");
	l->blkio_weight = (uint16_t)jint(rec, "BlkioWeight");
	for (int k = 0; k < THR_NKINDS; k++) {
		struct json_object *a = jarr(rec, thr_keys[k]);
		l->nthr[k] = jlen(a);
		l->thr[k] = l->nthr[k] ? xcalloc(l->nthr[k], sizeof(struct throttle)) : NULL;
		for (size_t i = 0; i < l->nthr[k]; i++) {
			struct json_object *t = json_object_array_get_idx(a, i);
			l->thr[k][i].path = xstrdup(jstr(t, "Path") ? jstr(t, "Path") : "");
			l->thr[k][i].rate = (uint64_t)jint(t, "Rate");
		}
	}
	l->shm_size = jint(rec, "ShmSize");
	l->cgroup_parent = jstrdup(rec, "CgroupParent");
	l->cgroupns = jstrdup(rec, "CgroupNS");
}

void limits_to_hostconfig(const struct res_limits *l, struct json_object *host)
{
	int64_t period = l->cpu_period ? (int64_t)l->cpu_period : DEFAULT_PERIOD;
	int64_t quota = l->cpu_quota, nano = l->nano_cpus;

	/* --cpus is a quota over the default period; a quota is shown as cpus */
	if (nano) {
		quota = nano * DEFAULT_PERIOD / 1000000000;
		period = DEFAULT_PERIOD;
	} else if (quota > 0) {
		nano = quota * 1000000000 / period;
	}
	jset(host, "Memory", I64(l->memory));
	jset(host, "MemoryReservation", I64(l->memory_reservation));
	jset(host, "MemorySwap",
	     I64(l->memory_swap < 0		? 0
		 : l->memory_swap || !l->memory ? l->memory_swap
						: 2 * l->memory));
	/* Podman's: -1 (unset) where a memory limit is, else 0 */
	jset(host, "MemorySwappiness",
	     I64(l->swappiness >= 0					? l->swappiness
		 : l->memory || l->memory_reservation || l->memory_swap ? -1
									: 0));
	jset(host, "OomKillDisable", json_object_new_boolean(l->oom_kill_disable));
	jset(host, "OomScoreAdj", I64(l->oom_score_adj));
	jset(host, "NanoCpus", I64(nano));
	jset(host, "CpuShares", I64(l->cpu_shares));
	jset(host, "CpuQuota", I64(quota));
	jset(host, "CpuPeriod", I64(nano || l->cpu_period ? period : 0));
	jset_str(host, "CpusetCpus", l->cpuset_cpus);
	jset_str(host, "CpusetMems", l->cpuset_mems);
	jset(host, "PidsLimit", I64(l->pids_limit < 0 ? 0 : l->pids_limit));
	jset(host, "BlkioWeight", I64(l->blkio_weight));
	for (int k = 0; k < THR_NKINDS; k++)
		jset(host, thr_keys[k], thr_json(l->thr[k], l->nthr[k]));
	jset(host, "ShmSize", I64(l->shm_size ? l->shm_size : DEFAULT_SHM));
	jset_str(host, "CgroupParent", l->cgroup_parent);
}

/* Copies the flag idx of src over dst. */
static void merge_one(struct res_limits *dst, const struct res_limits *src, int idx)
{
	const struct lflag *f = &flags[idx];
	void *d = (char *)dst + f->off;
	const void *s = (const char *)src + f->off;

	switch (f->kind) {
	case LK_CPUSET:
	case LK_PARENT:
	case LK_CGROUPNS:
		free(*(char **)d);
		*(char **)d = *(char *const *)s ? xstrdup(*(char *const *)s) : NULL;
		break;
	case LK_BPS:
	case LK_IOPS:
		for (size_t i = 0; i < src->nthr[f->arg]; i++) {
			size_t j = 0;
			while (j < dst->nthr[f->arg] &&
			       strcmp(dst->thr[f->arg][j].path, src->thr[f->arg][i].path) != 0)
				j++;
			if (j == dst->nthr[f->arg]) {
				dst->thr[f->arg] =
				    xrealloc(dst->thr[f->arg], (j + 1) * sizeof(struct throttle));
				dst->thr[f->arg][j].path = xstrdup(src->thr[f->arg][i].path);
				dst->nthr[f->arg]++;
			}
			dst->thr[f->arg][j].rate = src->thr[f->arg][i].rate;
		}
		break;
	case LK_OOM_ADJ:
		dst->oom_score_adj = src->oom_score_adj;
		break;
	case LK_BLKIO:
		dst->blkio_weight = src->blkio_weight;
		break;
	default: /* the 64-bit numbers */
		*(int64_t *)d = *(const int64_t *)s;
	}
}

int limits_merge(struct res_limits *cur, const struct res_limits *upd, struct werr *err)
{
	/* the conflicts within the flags given, before they replace each other */
	if ((upd->set & BIT("cpus")) && (upd->set & (BIT("cpu-quota") | BIT("cpu-period")))) {
		werr_set(err, 0, "--%s and --cpus cannot be set together",
			 upd->set & BIT("cpu-quota") ? "cpu-quota" : "cpu-period");
		return werr_status(err, 125);
	}
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
		if (upd->set & (1u << i))
			merge_one(cur, upd, (int)i);
	/* --cpus replaces a quota and period, and they replace it */
	if (upd->set & BIT("cpus")) {
		cur->cpu_quota = 0;
		cur->cpu_period = 0;
	} else if (upd->set & (BIT("cpu-quota") | BIT("cpu-period"))) {
		cur->nano_cpus = 0;
	}
	/* a new memory limit without a swap limit: swap follows (2x) */
	if ((upd->set & BIT("memory")) && !(upd->set & BIT("memory-swap")) && cur->memory_swap > 0)
		cur->memory_swap = 0;
	return limits_check(cur, err);
}

int64_t limits_k8s_quantity(const char *s, bool cpu)
{
	static const struct {
		const char *sfx;
		double mul;
	} sfx[] = {{"Ki", 1024.0},
		   {"Mi", 1048576.0},
		   {"Gi", 1073741824.0},
		   {"Ti", 1099511627776.0},
		   {"Pi", 1125899906842624.0},
		   {"k", 1e3},
		   {"M", 1e6},
		   {"G", 1e9},
		   {"T", 1e12},
		   {"P", 1e15},
		   {"m", 1e-3},
		   {"", 1.0}};
	const char *p = s;
	char *end;
	double n;

	while (isdigit((unsigned char)*p) || *p == '.')
		p++;
	if (p == s || !isdigit((unsigned char)*s))
		return -1;
	cleanup_free char *num = xstrndup(s, (size_t)(p - s)); /* strtod would take "e3" */
	errno = 0;
	n = strtod(num, &end);
	if (errno || *end != '\0')
		return -1;
	if (*p == 'e' || *p == 'E') { /* a decimal exponent: 2e3 */
		long ex = strtol(p + 1, &end, 10);
		if (end == p + 1 || *end != '\0' || ex < -9 || ex > 18)
			return -1;
		n *= pow(10.0, (double)ex);
		p = end;
	}
	for (size_t i = 0; i < ARRAY_SIZE(sfx); i++)
		if (strcmp(p, sfx[i].sfx) == 0) {
			double v = n * sfx[i].mul * (cpu ? 1000.0 : 1.0);
			return v > 9e18 ? -1 : (int64_t)ceil(v - 1e-9);
		}
	return -1;
}

/* one quantity of resources.KIND.NAME into *out (0: absent) */
static int k8s_get(struct json_object *res, const char *kind, const char *name, const char *ctr,
		   int64_t *out, struct werr *err)
{
	struct json_object *v = jget(jget(res, kind), name);
	const char *s = v ? json_object_get_string(v) : NULL;

	*out = 0;
	if (s == NULL)
		return 0;
	*out = limits_k8s_quantity(s, strcmp(name, "cpu") == 0);
	if (*out >= 0)
		return 0;
	werr_set(err, 0, "container %s: resources.%s.%s: invalid quantity \"%s\"", ctr, kind, name,
		 s);
	return werr_status(err, 125);
}

int limits_from_k8s(struct json_object *res, const char *ctr, struct res_limits *l,
		    struct werr *err)
{
	int64_t mem, cpu, rmem, rcpu;

	if (k8s_get(res, "limits", "memory", ctr, &mem, err) < 0 ||
	    k8s_get(res, "limits", "cpu", ctr, &cpu, err) < 0 ||
	    k8s_get(res, "requests", "memory", ctr, &rmem, err) < 0 ||
	    k8s_get(res, "requests", "cpu", ctr, &rcpu, err) < 0)
		return -1;
	l->memory = mem;
	l->nano_cpus = cpu * 1000000;
	/* a request above the limit is the limit (Kubernetes refuses it) */
	l->memory_reservation = mem && rmem > mem ? mem : rmem;
	if (rcpu > 0) /* shares as the kubelet computes them, 2 at least */
		l->cpu_shares = (uint64_t)(rcpu * 1024 / 1000 < 2 ? 2 : rcpu * 1024 / 1000);
	return limits_check(l, err);
}

struct json_object *limits_to_k8s(const struct res_limits *l)
{
	static const char *const bin[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi"};
	int64_t period = l->cpu_period ? (int64_t)l->cpu_period : DEFAULT_PERIOD;
	int64_t milli = l->nano_cpus	   ? l->nano_cpus / 1000000
			: l->cpu_quota > 0 ? l->cpu_quota * 1000 / period
					   : 0;
	struct json_object *lim;
	char buf[64];

	if (l->memory <= 0 && milli <= 0)
		return NULL;
	lim = json_object_new_object();
	if (milli > 0) { /* Kubernetes' canonical form: whole CPUs, else millicores */
		if (milli % 1000 == 0)
			snprintf(buf, sizeof(buf), "%lld", (long long)(milli / 1000));
		else
			snprintf(buf, sizeof(buf), "%lldm", (long long)milli);
		jset_str(lim, "cpu", buf);
	}
	if (l->memory > 0) { /* the largest binary suffix that divides it */
		int64_t m = l->memory;
		size_t i = 0;
		while (i + 1 < ARRAY_SIZE(bin) && m % 1024 == 0) {
			m /= 1024;
			i++;
		}
		snprintf(buf, sizeof(buf), "%lld%s", (long long)m, bin[i]);
		jset_str(lim, "memory", buf);
	}
	return lim;
}

void limits_free(struct res_limits *l)
{
	free(l->cpuset_cpus);
	free(l->cpuset_mems);
	for (int k = 0; k < THR_NKINDS; k++) {
		for (size_t i = 0; i < l->nthr[k]; i++)
			free(l->thr[k][i].path);
		free(l->thr[k]);
	}
	free(l->cgroup_parent);
	free(l->cgroupns);
	*l = (struct res_limits){.swappiness = -1};
}
