/* limits.h - the resource limits of a container (issue 14): the flags of
 * run, create and update (Podman's names, values and messages), their
 * record in the create options' HostConfig (Docker's field names, which
 * inspect shows), and the checks between them. Pure logic: writing them
 * to a cgroup is cgroup_limits.c's. */
#ifndef WARREN_LIMITS_H
#define WARREN_LIMITS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/err.h"

/* --device-{read,write}-{bps,iops} PATH:RATE */
enum throttle_kind { THR_READ_BPS, THR_WRITE_BPS, THR_READ_IOPS, THR_WRITE_IOPS, THR_NKINDS };

struct throttle {
	char *path;    /* "/dev/sda" */
	uint64_t rate; /* bytes or operations a second */
};

/* Zero means "not set" for every field but swappiness (-1) and shm_size
 * (0 too: the default). */
struct res_limits {
	int64_t memory;		    /* -m: bytes */
	int64_t memory_reservation; /* soft limit */
	int64_t memory_swap;	    /* memory + swap; -1 unlimited */
	int64_t swappiness;	    /* 0..100, -1 unset */
	bool oom_kill_disable;
	int oom_score_adj;
	int64_t nano_cpus;   /* --cpus * 1e9 */
	uint64_t cpu_shares; /* -c */
	int64_t cpu_quota;   /* µs per period */
	uint64_t cpu_period; /* µs */
	char *cpuset_cpus;   /* "0-2,4" */
	char *cpuset_mems;
	int64_t pids_limit;    /* 0 unset, -1 unlimited */
	uint16_t blkio_weight; /* 10..1000 */
	struct throttle *thr[THR_NKINDS];
	size_t nthr[THR_NKINDS];
	int64_t shm_size;    /* bytes; 0: the default 64 MB */
	char *cgroup_parent; /* absolute, "" or NULL: warren's own */
	char *cgroupns;	     /* "host" | "private"; NULL: the host's default */
	/* which flags were given (update merges only those) */
	uint32_t set;
};

/* Podman's default --pids-limit where the pids controller is there. */
#define LIMITS_DEFAULT_PIDS 2048

/* Docker's RAMInBytes: "512", "10k", "1.5g", "5MiB" (binary units);
 * -1 when malformed or negative. */
int64_t limits_ram_bytes(const char *v);

/* One flag ("memory", "cpus", "device-read-bps", ...) with its value into
 * l; errors in Podman's words (status 125). Unknown flag: -1. */
int limits_parse(struct res_limits *l, const char *flag, const char *v, struct werr *err);

/* The checks between flags (Podman's): memory-swap below memory, swap
 * without memory, a reservation above the limit, --cpus with --cpu-quota
 * or --cpu-period, the quota and period ranges; cpusets the host has. */
int limits_check(const struct res_limits *l, struct werr *err);

/* Whether a pids limit is asked for: not Podman's default, unless the
 * flag gave it. */
bool limits_pids_asked(const struct res_limits *l);

/* Whether any cgroup limit is asked for (not --oom-score-adj, --shm-size,
 * --cgroupns, which need no cgroup; not the default pids limit). */
bool limits_any(const struct res_limits *l);

/* The record of l in the create options (their "Resources"): warren's
 * own shape, read back by limits_from_json at each start and update. A
 * new object. */
struct json_object *limits_to_json(const struct res_limits *l);

/* Reads a record back (NULL: nothing set). */
void limits_from_json(struct json_object *rec, struct res_limits *l);

/* What inspect shows in HostConfig, Docker's field names with Podman's
 * values: Memory, MemorySwap (2x Memory when unset), NanoCpus and
 * CpuQuota/CpuPeriod computed from each other, PidsLimit (0 unlimited),
 * BlkioDevice*, ShmSize, CgroupParent, OomScoreAdj... */
void limits_to_hostconfig(const struct res_limits *l, struct json_object *host);

/* update: the flags given in upd (upd->set) over cur; then checked. */
int limits_merge(struct res_limits *cur, const struct res_limits *upd, struct werr *err);

/* A Kubernetes quantity ("128Mi", "1G", "500m", "1.5", "2e3"): memory in
 * bytes, or (cpu) in thousandths of a CPU; -1 when malformed. */
int64_t limits_k8s_quantity(const char *s, bool cpu);

/* kube play's resources of one container (limits.memory/cpu: -m and
 * --cpus; requests.memory/cpu: --memory-reservation and -c, as Podman
 * maps them) into l; a bad quantity fails naming it (status 125). */
int limits_from_k8s(struct json_object *resources, const char *ctr, struct res_limits *l,
		    struct werr *err);

/* kube generate's resources.limits of l (memory "100Mi", cpu "1500m"), a
 * new object; NULL when it sets neither. */
struct json_object *limits_to_k8s(const struct res_limits *l);

void limits_free(struct res_limits *l);

#endif
