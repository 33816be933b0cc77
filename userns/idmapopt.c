/* idmapopt.c - a container's own id maps from Podman's options. */
#include "userns/idmapopt.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cleanup.h"
#include "lib/util.h"

/* A whole unsigned 32-bit decimal number of exactly n characters. */
static bool u32_of(const char *s, size_t n, uint32_t *v)
{
	uint64_t x = 0;

	if (n == 0 || n > 10)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	if (x > UINT32_MAX)
		return false;
	*v = (uint32_t)x;
	return true;
}

int idmapopt_parse(const char *s, const char *what, struct idmap *out, struct werr *err)
{
	const char *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	struct idmap m;

	if (c1 == NULL || c2 == NULL || !u32_of(s, (size_t)(c1 - s), &m.inner) ||
	    !u32_of(c1 + 1, (size_t)(c2 - c1 - 1), &m.outer) ||
	    !u32_of(c2 + 1, strlen(c2 + 1), &m.count))
		return werr_set(err, 0,
				"%s setting is malformed expected [\"uint32:uint32:uint32\"]: "
				"[\"%s\"]",
				what, s);
	if (m.count == 0 || (uint64_t)m.inner + m.count > (uint64_t)UINT32_MAX + 1 ||
	    (uint64_t)m.outer + m.count > (uint64_t)UINT32_MAX + 1)
		return werr_set(err, 0,
				"invalid %s mapping '%s': the size must be at least 1 and "
				"the ranges end below 2^32",
				what, s);
	*out = m;
	return 0;
}

static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Is [start, start + count) inside the inner side of own? (own's ranges
 * may come in any order and touch each other.) */
static bool covered(const struct idmap *own, size_t nown, uint64_t start, uint64_t count)
{
	while (count > 0) {
		size_t i;
		for (i = 0; i < nown; i++)
			if (start >= own[i].inner && start < (uint64_t)own[i].inner + own[i].count)
				break;
		if (i == nown)
			return false;
		uint64_t end = (uint64_t)own[i].inner + own[i].count, take = end - start;
		if (take >= count)
			return true;
		start += take;
		count -= take;
	}
	return true;
}

int idmapopt_check(const struct idmap *m, size_t n, const struct idmap *own, size_t nown,
		   const char *what, struct werr *err)
{
	char buf[40];

	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < i; j++) {
			if (!overlap(m[i].inner, m[i].count, m[j].inner, m[j].count) &&
			    !overlap(m[i].outer, m[i].count, m[j].outer, m[j].count))
				continue;
			idmapopt_format(&m[i], buf, sizeof(buf));
			return werr_set(err, 0,
					"the specified UID and/or GID mapping %s conflicts with "
					"other mappings: invalid mappings specified",
					buf);
		}
		if (!covered(own, nown, m[i].outer, m[i].count)) {
			uint32_t avail = idmapopt_avail(own, nown);
			idmapopt_format(&m[i], buf, sizeof(buf));
			if (avail == 0)
				return werr_set(err, 0, "%s mapping %s: no ids to map", what, buf);
			return werr_set(err, 0,
					"%s mapping %s: host ids %u-%u are not all available "
					"(this user namespace has %u-%u: the user and the "
					"/etc/sub%cid ranges)",
					what, buf, m[i].outer,
					(uint32_t)((uint64_t)m[i].outer + m[i].count - 1), 0u,
					avail - 1, what[0] == 'U' ? 'u' : 'g');
		}
	}
	return 0;
}

uint32_t idmapopt_avail(const struct idmap *own, size_t nown)
{
	uint64_t next = 0;
	bool moved = true;

	while (moved && next <= UINT32_MAX) {
		moved = false;
		for (size_t i = 0; i < nown; i++) {
			uint64_t end = (uint64_t)own[i].inner + own[i].count;
			if (own[i].count && own[i].inner <= next && end > next) {
				next = end;
				moved = true;
			}
		}
	}
	return next > UINT32_MAX ? UINT32_MAX : (uint32_t)next;
}

size_t idmapopt_keep_id(uint32_t id, uint32_t avail, struct idmap *out)
{
	size_t k = 0;
	uint32_t below;

	if (avail == 0)
		return 0;
	/* container 0..id-1 on 1..id, as far as there are ids */
	below = id < avail - 1 ? id : avail - 1;
	if (below > 0)
		out[k++] = (struct idmap){0, 1, below};
	out[k++] = (struct idmap){id, 0, 1};
	if ((uint64_t)id + 1 < avail)
		out[k++] = (struct idmap){id + 1, id + 1, avail - id - 1};
	return k;
}

/* One key=value word of a keep-id/auto option string. */
static int usernsopt_word(const char *w, size_t n, bool keep_id, struct usernsopt *o,
			  struct werr *err)
{
	const char *eq = memchr(w, '=', n);
	size_t klen = eq ? (size_t)(eq - w) : n;
	const char *v = eq ? eq + 1 : w + n;
	size_t vlen = (size_t)(w + n - v);
	uint32_t x;
	bool *has;
	uint32_t *dst;

	if (keep_id && klen == 3 && strncmp(w, "uid", 3) == 0)
		has = &o->has_uid, dst = &o->uid;
	else if (keep_id && klen == 3 && strncmp(w, "gid", 3) == 0)
		has = &o->has_gid, dst = &o->gid;
	else if (!keep_id && klen == 4 && strncmp(w, "size", 4) == 0)
		has = &o->has_size, dst = &o->size;
	else
		return werr_set(err, 0, "unknown option specified: \"%.*s\"", (int)klen, w);
	if (eq == NULL || !u32_of(v, vlen, &x))
		return werr_set(err, 0, "strconv.ParseUint: parsing \"%.*s\": invalid syntax",
				(int)vlen, v);
	*has = true;
	*dst = x;
	return 0;
}

int usernsopt_parse(const char *s, bool keep_id, struct usernsopt *out, struct werr *err)
{
	struct usernsopt o = {0};

	for (const char *p = s; p != NULL && *p != '\0';) {
		size_t n = strcspn(p, ",");
		if (n > 0 && usernsopt_word(p, n, keep_id, &o, err) < 0)
			return -1;
		p += n + (p[n] == ',');
	}
	if (o.has_size && o.size == 0)
		return werr_set(err, 0, "invalid --userns=auto size 0: it must be at least 1");
	*out = o;
	return 0;
}

int idmapopt_auto_pick(uint32_t avail_start, uint32_t avail_count, const struct idrange *used,
		       size_t nused, uint32_t size, uint32_t *start)
{
	uint64_t s = avail_start, end = (uint64_t)avail_start + avail_count;
	bool moved = true;

	/* each pass moves s past a range it overlaps: at most nused passes */
	while (moved) {
		moved = false;
		if (size == 0 || s + size > end)
			return -1;
		for (size_t i = 0; i < nused; i++) {
			if (used[i].count && overlap(s, size, used[i].start, used[i].count)) {
				s = (uint64_t)used[i].start + used[i].count;
				moved = true;
			}
		}
	}
	*start = (uint32_t)s;
	return 0;
}

void idmapopt_format(const struct idmap *m, char *buf, size_t len)
{
	snprintf(buf, len, "%u:%u:%u", m->inner, m->outer, m->count);
}
