/* health.h - healthchecks (issue 8), as Podman 4.3 has them, run by the
 * container's monitor rather than by systemd timers, so that they work
 * where there is no systemd or user session.
 *
 * The check is stored in the create options as Podman's inspect shows it,
 * Config.Healthcheck {Test, StartPeriod, Interval, Timeout, Retries} (ns,
 * zero values left out) and Config.HealthcheckOnFailureAction. The
 * monitor runs `warren healthcheck run ID` every Interval; each run is an
 * exec in the container, recorded in <container dir>/healthcheck.log as
 * Podman keeps it: {"Status", "FailingStreak", "Log": [the last 5 runs]}.
 *
 * healthcfg.c is the pure part (flags, Test arrays, the log's rules;
 * unit-tested), health.c the part that runs. */
#ifndef WARREN_HEALTH_H
#define WARREN_HEALTH_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/err.h" /* before engine.h, which uses struct werr */
#include "engine/engine.h"
#include "runtime/spec.h"
#include "storage/store.h"

#define HEALTH_LOG_MAX	  5   /* runs kept in the log, as Podman */
#define HEALTH_OUTPUT_MAX 500 /* bytes of a run's output kept, as Podman */

enum health_action { HEALTH_NONE, HEALTH_KILL, HEALTH_RESTART, HEALTH_STOP };

/* A container's check, from its create options. */
struct health_check {
	char **argv;			  /* what runs in the container; NULL: no check */
	int64_t interval, timeout, start; /* ns; interval 0: only by hand */
	int retries;			  /* failures in a row that make it unhealthy */
	enum health_action action;	  /* --health-on-failure */
};

/* --health-cmd into Test, as Podman reads it: a JSON array ["CMD", ...],
 * ["CMD-SHELL", "..."] or ["NONE"] as it is, any other array of several
 * words ["CMD", words...], of one ["CMD-SHELL", word]; a string "CMD a b"
 * split at blanks, "CMD-SHELL x" as ["CMD-SHELL", "x"], "none" ["NONE"],
 * anything else ["CMD-SHELL", string]. *test is a new JSON array. An
 * empty array: "must define a healthcheck command for all healthchecks". */
int health_test_parse(const char *cmd, struct json_object **test, struct werr *err);

/* Config.Healthcheck from the flags f over the image's (image_hc: the
 * image config's Healthcheck as JSON text, NULL: none): --health-cmd
 * replaces the image's check and --no-healthcheck drops it ({"Test":
 * ["NONE"]}); the interval, timeout, start period and retries given
 * override the image's (Docker's rule: Podman 4.3 ignores them without
 * --health-cmd). Unset values are Podman's defaults (30s, 30s, 0s, 3).
 * *hc is a new object, NULL when there is no check at all; *action the
 * on-failure action's name. Errors in Podman's words ("invalid
 * healthcheck-interval: time: ...", "healthcheck-retries must be greater
 * than 0", ...), status 125. */
int health_config(const struct health_flags *f, const char *image_hc, struct json_object **hc,
		  const char **action, struct werr *err);

/* The check in c's create options (its config JSON): 1 with *h filled
 * (free with health_check_free), 0 when it has none (or ["NONE"]). */
int health_check_of(const char *config, struct health_check *h);
void health_check_free(struct health_check *h);

/* Adds one run to the health log object lg ({"Status", "FailingStreak",
 * "Log"}) by Podman's rules: exit code 0 makes it healthy and ends the
 * failing streak; a failure outside the start period lengthens the streak
 * and makes it unhealthy once it reaches retries; the log keeps the last
 * HEALTH_LOG_MAX runs. Times in ns, output up to HEALTH_OUTPUT_MAX bytes
 * (one trailing newline dropped). */
void health_log_add(struct json_object *lg, int64_t start, int64_t end, int exit_code,
		    const char *output, bool in_start_period, int retries);

/* Is v a value of `ps --filter health=`: healthy, unhealthy, starting,
 * none (no healthcheck, as Docker's)? */
bool health_filter_valid(const char *v);

/* Does c (with c->health filled by container_lookup/container_list)
 * match the filter value want? "none": c has no check; any other: c runs
 * and its health log says so (Podman matches no stopped container). */
bool container_health_matches(const struct container_rec *c, const char *want);

/* ---- health.c: running checks ---- */

/* The container c starts (again): its health log says "starting", with
 * no failing streak (the runs logged stay). Nothing when it has no check. */
void health_starting(struct engine *e, const struct container_rec *c);

/* Fills c->health from its health log ("" when it has none). */
void health_fill(struct engine *e, struct container_rec *c);

/* State.Health of inspect for c: its health log, or Podman's empty one
 * {"Status": "", "FailingStreak": 0, "Log": null}. New object. */
struct json_object *health_state_json(struct engine *e, const struct container_rec *c);

/* `healthcheck run REF`: runs c's check once as an exec in the container,
 * killed after its timeout; records it in the health log; applies
 * --health-on-failure when the container is unhealthy now. *healthy says
 * how this run went. Errors in Podman's words, status 125: unknown
 * container ("unable to look up X to perform a health check: no container
 * with name or ID ..."), not running ("container ID is not running"),
 * without a check ("container ID has no defined healthcheck"), too slow
 * ("healthcheck command exceeded timeout of 30s", after recording it). */
int container_healthcheck_run(struct engine *e, const char *ref, bool *healthy, struct werr *err);

#endif
