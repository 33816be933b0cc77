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

/* ---- every user's entries of /etc/subuid and /etc/subgid (issue 5 item 15) ---- */

/* One line "owner:start:count" of /etc/subuid or /etc/subgid. */
struct subid_entry {
	char owner[64]; /* login name or uid, as written */
	uint32_t start;
	uint32_t count;
};

/* shadow's defaults (SUB_UID_MIN, SUB_UID_COUNT in login.defs) */
#define SUBID_MIN   100000u
#define SUBID_COUNT 65536u

/* Parses the text of /etc/subuid or /etc/subgid. Comments, blank and
 * malformed lines are skipped; a range running past 2^32 is clamped.
 * *out is malloc'd (may hold 0 entries). Returns the number of entries. */
size_t subid_file_parse(const char *text, struct subid_entry **out);

/* Reads and parses path (see subid_file_parse). -1 when it cannot be read. */
int subid_file_load(const char *path, struct subid_entry **out, size_t *n);

/* The lowest start, a multiple of count (65536: tools that split id ranges
 * like them aligned) at or above SUBID_MIN, of count ids that overlap no
 * entry of used: a range to suggest to an admin. 0 when none fits in 32
 * bits. */
uint32_t subid_free_start(const struct subid_entry *used, size_t n, uint32_t count);

/* True when entry e is user's (written as the login name or the uid). */
bool subid_is_owner(const struct subid_entry *e, const char *user, uid_t uid);

/* The first entry of v that belongs to another owner than user (by name or
 * uid) and overlaps [start, start + count), or NULL. */
const struct subid_entry *subid_overlap(const struct subid_entry *v, size_t n, const char *user,
					uid_t uid, uint32_t start, uint32_t count);

#endif
