/* idmapopt.h - the id maps of a container's own user namespace, from the
 * options Podman takes (--uidmap/--gidmap C:H:S, --userns=keep-id[:uid=,gid=],
 * --userns=auto[:size=N]): parsing, the keep-id layout and the checks.
 * Pure logic (no syscalls but none), unit-tested in tests/unit/test_idmap.c.
 *
 * "Host" ids here are the ids of the namespace warren runs in: the pause
 * process's user namespace rootless (0 is the user, 1.. the sub-ids, as in
 * rootless Podman), the real ids as root. */
#ifndef WARREN_IDMAPOPT_H
#define WARREN_IDMAPOPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "userns/idmap.h"

/* The kernel takes at most 340 lines per map (5 before 4.15): more than
 * any option list needs. */
#define IDMAPOPT_MAX 64

/* Parses one --uidmap/--gidmap value "CONTAINER:HOST:SIZE" (three unsigned
 * 32-bit numbers, SIZE > 0, no overflow past 2^32) into *out. what is
 * "UID" or "GID" for the message, Podman's: `UID setting is malformed
 * expected ["uint32:uint32:uint32"]: ["0:1"]`. */
int idmapopt_parse(const char *s, const char *what, struct idmap *out, struct werr *err);

/* Refuses a map whose container ranges or host ranges overlap each other
 * (Podman's "the specified UID and/or GID mapping C:H:S conflicts with
 * other mappings: invalid mappings specified"), or whose host ranges are
 * not all within own (the map of the namespace we run in, as read from
 * /proc/self/uid_map: its inner side is what we can hand out). n == 0 is
 * fine (no map). */
int idmapopt_check(const struct idmap *m, size_t n, const struct idmap *own, size_t nown,
		   const char *what, struct werr *err);

/* The number of ids own hands out from 0 without a gap (the pause
 * namespace's 0..N-1), 0 when own does not map 0. */
uint32_t idmapopt_avail(const struct idmap *own, size_t nown);

/* Podman's keep-id layout for avail ids (0..avail-1 of our namespace,
 * where 0 is the user): container id maps to 0, container 0..id-1 to
 * 1..id, and container id+1.. to the same numbers up to avail-1. Parts
 * that do not fit are cut short. Writes at most 3 entries to out and
 * returns their number (0 when avail is 0). */
size_t idmapopt_keep_id(uint32_t id, uint32_t avail, struct idmap *out);

/* Options of --userns=keep-id:uid=N,gid=N and --userns=auto:size=N. */
struct usernsopt {
	bool has_uid, has_gid, has_size;
	uint32_t uid, gid, size;
};

/* Parses the words after "keep-id:" or "auto:" (comma-separated
 * key=value). keep-id knows uid and gid; auto knows size (and takes
 * Podman's uidmapping=/gidmapping= as unsupported). Errors are Podman's:
 * `unknown option specified: "foo"`, `strconv.ParseUint: parsing "x":
 * invalid syntax`. */
int usernsopt_parse(const char *s, bool keep_id, struct usernsopt *out, struct werr *err);

/* For --userns=auto: the lowest start of size ids inside [avail_start,
 * avail_start + avail_count) that overlaps no range of used (container
 * ranges already given out, as host ranges). Returns 0 with *start set,
 * -1 when none fits. */
int idmapopt_auto_pick(uint32_t avail_start, uint32_t avail_count, const struct idrange *used,
		       size_t nused, uint32_t size, uint32_t *start);

/* "C:H:S" of m into buf (at least 40 bytes). */
void idmapopt_format(const struct idmap *m, char *buf, size_t len);

#endif
