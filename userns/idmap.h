/* idmap.h - subordinate id ranges and user-namespace id-map math. */
#ifndef WARREN_IDMAP_H
#define WARREN_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/err.h"

struct idrange {
	uint32_t start;
	uint32_t count;
};

/* One line of /proc/PID/uid_map: inner (container) id, outer (host) id, count. */
struct idmap {
	uint32_t inner;
	uint32_t outer;
	uint32_t count;
};

/* Subordinate uid (gid when gid is true) ranges of user name/uid from
 * libsubid (so /etc/subuid, LDAP and SSSD all work). *out is malloc'd, *n
 * may be 0 (no ranges). Returns 0 or -1. */
int subid_ranges(const char *user, bool gid, struct idrange **out, size_t *n, struct werr *err);

/* Builds the map for a namespace: inner 0 -> host id, then the ranges in
 * order from inner 1. Ranges that contain the host id or overlap each other
 * are refused with an error naming them. Returns the number of entries
 * written to out (at most max), or -1. */
int idmap_build(uint32_t host_id, const struct idrange *ranges, size_t n, struct idmap *out,
		size_t max, struct werr *err);

/* Maps an inner id to the host id; returns (uint32_t)-1 if unmapped. */
uint32_t idmap_to_host(const struct idmap *m, size_t n, uint32_t inner);

/* Parses /proc/PID/uid_map text into out (at most max). Returns count or -1. */
int idmap_parse(const char *text, struct idmap *out, size_t max);

#endif
