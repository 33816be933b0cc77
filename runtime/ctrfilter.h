/* ctrfilter.h - `ps --filter` and `container prune --filter` as Podman
 * 4.3 has them (facts from podman 4.3.1 runs; code ours): values of one key
 * are ORed, different keys ANDed, except label, whose values must all
 * match; "a=1,b=2" is two filters. Pure matching over container records,
 * so that it is unit-tested; before/since name containers, which the
 * caller looks up (ctr_filter_resolve). */
#ifndef WARREN_CTRFILTER_H
#define WARREN_CTRFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>
#include <stdint.h>

#include "lib/err.h" /* before engine.h, which uses struct werr */
#include "engine/engine.h"
#include "storage/store.h"

enum ctr_fkey {
	CF_ID,	     /* regex on the full id */
	CF_NAME,     /* regex on the name */
	CF_STATUS,   /* created, running, paused, stopped (= exited), exited, unknown */
	CF_LABEL,    /* KEY (a glob) or KEY=VALUE; all must match */
	CF_NLABEL,   /* label!=: none may match (prune only) */
	CF_ANCESTOR, /* full image id, image name, or name without ":latest" */
	CF_EXITED,   /* exit code of an exited container */
	CF_BEFORE,   /* created before container CTR */
	CF_SINCE,    /* created after container CTR */
	CF_UNTIL,    /* created before a time */
	CF_HEALTH,   /* healthy, unhealthy, starting, none (runtime/health.h) */
	CF_NETWORK,  /* on bridge network NAME (NetConfig.Networks) */
	CF_POD,	     /* the pod (name, id or prefix; full ids once resolved) */
	CF_COUNT
};

struct ctr_filter {
	char **vals[CF_COUNT]; /* each key's values, NULL when the key is unused */
	int64_t before, since; /* ns: after ctr_filter_resolve (0: unset) */
	int64_t until;	       /* ns */
};

/* Parses --filter specs (NULL-terminated, may be NULL) into f (zeroed
 * first). prune: the keys of `container prune` (label, label!, until),
 * else those of `ps`. now (ns) is the reference of until durations.
 * Errors in Podman's words ("bogus is an invalid filter", "unknown
 * container state: x: invalid argument", "exited code out of range ...");
 * -1 with err set (f freed). */
int ctr_filter_parse(struct ctr_filter *f, char *const *specs, bool prune, int64_t now,
		     struct werr *err);

/* Looks the before/since containers up (the earliest creation time of each
 * key's values): Podman's "no container with name or ID ..." when one is
 * missing. */
int ctr_filter_resolve(struct engine *e, struct ctr_filter *f, struct werr *err);

/* Does c pass every filter of f? labels: c's Config.Labels from its
 * create options (c->config). */
bool ctr_filter_match(const struct ctr_filter *f, const struct container_rec *c);

void ctr_filter_free(struct ctr_filter *f);

/* Does s match one of pats (Go's regexp.MatchString for the patterns
 * people use: POSIX extended)? A pattern that does not compile matches
 * nothing, as in Podman. Shared with the network filters. */
bool ctr_regex_any(char *const *pats, const char *s);

/* Does label filter want ("KEY", a glob as Go's filepath.Match, or
 * "KEY=VALUE", the value exact) match one label of labels (a JSON object
 * of strings, may be NULL)? */
bool ctr_label_matches(const char *want, struct json_object *labels);

/* The labels of c (its Config.Labels), a new reference or NULL. */
struct json_object *ctr_labels(const struct container_rec *c);

/* The containers `ps` shows, oldest first as Podman 4.3 lists them: those
 * that pass filters ("key=value" specs, NULL-terminated or NULL), running
 * ones unless all_flag (-a), a status filter or last; the last N created of them
 * when last > 0 (-n N; -l is 1). *out freed by container_recs_free. */
int ctr_select(struct engine *e, char *const *filters, bool all_flag, int last,
	       struct container_rec **out, size_t *n, struct werr *err);

#endif
