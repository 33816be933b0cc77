/* statsrow.h - the rows of `stats` and `pod stats` (Podman's columns and
 * keys) from a container's reading (ctrcgroup.h), one serialiser for the
 * CLI and the REST API (GET /libpod/containers/stats, /libpod/pods/stats). */
#ifndef WARREN_STATSROW_H
#define WARREN_STATSROW_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "lib/err.h"
#include "runtime/ctrcgroup.h"
#include "runtime/pods.h"
#include "storage/store.h"

/* The previous reading of a container, for the CPU % between two. */
struct stats_sample {
	char id[65];
	uint64_t cpu_ns;
	int64_t at;
};

/* The sample of id in v[0..n), or NULL. */
const struct stats_sample *stats_sample_find(const struct stats_sample *v, size_t n,
					     const char *id);

/* Reads c's stats into *s and notes them in *sample (its id too); a
 * container that does not run reads zeros. -1 with the reason
 * (ctr_cgroup_stats's) when one that runs has no cgroup to read. */
int stats_read(struct engine *e, const struct container_rec *c, struct ctr_stats *s,
	       struct stats_sample *sample, struct werr *err);

/* One container as `stats --format json` has it (Podman's lower-case
 * keys) or, view, as a template sees it (Podman's field names); the CPU %
 * since prev (NULL: since the start). The caller owns the object. */
struct json_object *stats_row(const struct container_rec *c, const struct ctr_stats *s,
			      const struct stats_sample *prev, bool notrunc, bool view);

/* One container as libpod's ContainerStats (GET /libpod/containers/stats),
 * the numbers `podman --remote stats` turns into its columns. Caller owns. */
struct json_object *stats_libpod(const struct container_rec *c, const struct ctr_stats *s,
				 const struct stats_sample *prev);

/* The containers refs name (each must exist: Podman's error, -1), else
 * every one (all) or the running ones. Free with container_recs_free. */
int stats_targets(struct engine *e, char **refs, bool all, struct container_rec **out, size_t *n,
		  struct werr *err);

/* The pods refs name (each must exist: Podman's error, -1), else all of
 * them. Free with pod_recs_free. */
int pod_stats_targets(struct engine *e, char **refs, struct pod_rec **out, size_t *n,
		      struct werr *err);

/* pod stats: a row (Podman's PodStatsReport keys) per container of every
 * pod in pods[0..np), "--" where a container does not run or has no
 * cgroup to read; *rows (the caller's, json_object_put each, then free)
 * and *next (the samples for the next round, free) have *n entries. */
int pod_stats_rows(struct engine *e, const struct pod_rec *pods, size_t np,
		   const struct stats_sample *prev, size_t nprev, struct json_object ***rows,
		   struct stats_sample **next, size_t *n, struct werr *err);

#endif
