/* ulimits.h - --ulimit and containers.conf's default_ulimits: the rlimits
 * of a container's process (OCI process.rlimits). No cgroup is needed:
 * the executor sets them in the container's init before it runs the
 * command. */
#ifndef WARREN_ULIMITS_H
#define WARREN_ULIMITS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/err.h"

/* The OCI name of a resource ("RLIMIT_NOFILE") -> RLIMIT_*; -1 unknown. */
int ulimit_resource(const char *oci_name);

/* Checks one --ulimit value: TYPE=SOFT[:HARD] (TYPE as Docker's: core, cpu,
 * data, fsize, locks, memlock, msgqueue, nice, nofile, nproc, rss, rtprio,
 * rttime, sigpending, stack, as; -1 is unlimited) or "host" (the limits
 * warren has). Errors in Podman's words, status 125. */
int ulimit_check(const char *spec, struct werr *err);

/* process.rlimits: NOFILE raised to our hard limit and NPROC as we have it
 * (what Podman does within its rights), then conf (default_ulimits), then
 * flags (--ulimit) on top, the later of one type winning. Rootless, a hard
 * limit above our own cannot be had: that fails (status 125) with the
 * fix, never clamped quietly. */
int ulimits_json(char *const *conf, char *const *flags, bool rootless, struct json_object **out,
		 struct werr *err);

#endif
