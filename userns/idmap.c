/* idmap.c - subordinate id ranges (libsubid) and user-namespace id-map math. */
#include "userns/idmap.h"
#include "lib/cleanup.h"
#include "lib/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dlfcn.h>
#include <subid.h>

/* libsubid is opened with dlopen() on first use: it pulls in PAM, audit
 * and SELinux libraries (a dozen shared objects), whose loading would cost
 * every command milliseconds although only the creation of the pause
 * process needs subordinate ids. It logs to stderr unless told otherwise;
 * engine code never prints, so it gets a close-on-exec /dev/null. */
struct subid_api {
	bool (*init)(const char *, FILE *);
	int (*uid_ranges)(const char *, struct subid_range **);
	int (*gid_ranges)(const char *, struct subid_range **);
};

static const struct subid_api *subid_open(struct werr *err)
{
	static struct subid_api api;
	static bool done;
	static FILE *devnull; /* libsubid's log stream for the life of the process */
	void *h;

	if (done)
		return &api;
	h = dlopen("libsubid.so.4", RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		werr_set(err, 0, "load libsubid.so.4 (%s): install the libsubid4 package",
			 dlerror());
		return NULL;
	}
	api.init = (bool (*)(const char *, FILE *))dlsym(h, "subid_init");
	api.uid_ranges =
	    (int (*)(const char *, struct subid_range **))dlsym(h, "subid_get_uid_ranges");
	api.gid_ranges =
	    (int (*)(const char *, struct subid_range **))dlsym(h, "subid_get_gid_ranges");
	if (api.uid_ranges == NULL || api.gid_ranges == NULL) {
		werr_set(err, 0,
			 "libsubid.so.4 lacks subid_get_uid_ranges: install a newer libsubid4");
		return NULL;
	}
	devnull = fopen("/dev/null", "we");
	if (api.init)
		api.init("warren", devnull != NULL ? devnull : stderr);
	done = true;
	return &api;
}

int subid_ranges(const char *user, bool gid, struct idrange **out, size_t *n, struct werr *err)
{
	struct subid_range *r = NULL;
	struct idrange *res;
	const struct subid_api *api = subid_open(err);
	int cnt;

	if (api == NULL)
		return -1;
	cnt = gid ? api->gid_ranges(user, &r) : api->uid_ranges(user, &r);
	if (cnt < 0) {
		free(r);
		return werr_set(
		    err, 0,
		    "look up subordinate %s ids of '%s' (/etc/%s or the nsswitch 'subid' "
		    "service) failed",
		    gid ? "group" : "user", user, gid ? "subgid" : "subuid");
	}
	res = xcalloc(cnt > 0 ? (size_t)cnt : 1, sizeof(*res));
	for (int i = 0; i < cnt; i++) {
		/* ids are 32-bit: clamp what the file could claim beyond that */
		unsigned long start = r[i].start, count = r[i].count;
		if (start > UINT32_MAX)
			start = UINT32_MAX, count = 0;
		if (count > (unsigned long)UINT32_MAX - start)
			count = UINT32_MAX - start;
		res[i] = (struct idrange){(uint32_t)start, (uint32_t)count};
	}
	free(r);
	*out = res;
	*n = (size_t)cnt;
	return 0;
}

static bool range_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

int idmap_build(uint32_t host_id, const struct idrange *ranges, size_t n, struct idmap *out,
		size_t max, struct werr *err)
{
	uint64_t inner = 1;
	size_t k = 0;

	if (max < 1)
		return werr_set(err, 0, "id map needs at least one entry");
	out[k++] = (struct idmap){0, host_id, 1};
	for (size_t i = 0; i < n; i++) {
		const struct idrange *r = &ranges[i];

		if (r->count == 0)
			continue;
		if (range_overlap(r->start, r->count, host_id, 1))
			return werr_set(err, 0,
					"subordinate range %u-%u contains the user's own id %u",
					r->start, r->start + r->count - 1, host_id);
		for (size_t j = 0; j < i; j++) {
			const struct idrange *o = &ranges[j];
			if (o->count && range_overlap(r->start, r->count, o->start, o->count))
				return werr_set(
				    err, 0, "subordinate ranges %u-%u and %u-%u overlap", o->start,
				    o->start + o->count - 1, r->start, r->start + r->count - 1);
		}
		if (inner + r->count > (uint64_t)UINT32_MAX)
			return werr_set(err, 0, "subordinate ranges add up to more than 2^32 ids");
		if (k >= max)
			return werr_set(err, 0, "too many subordinate ranges (at most %zu)",
					max - 1);
		out[k++] = (struct idmap){(uint32_t)inner, r->start, r->count};
		inner += r->count;
	}
	return (int)k;
}

uint32_t idmap_to_host(const struct idmap *m, size_t n, uint32_t inner)
{
	for (size_t i = 0; i < n; i++) {
		if (inner >= m[i].inner && (uint64_t)inner < (uint64_t)m[i].inner + m[i].count)
			return m[i].outer + (inner - m[i].inner);
	}
	return (uint32_t)-1;
}

/* One unsigned 32-bit field; advances *p past it. */
static int parse_u32(const char **p, uint32_t *v)
{
	char *end;
	unsigned long long x;

	while (**p == ' ' || **p == '\t')
		(*p)++;
	if (!isdigit((unsigned char)**p))
		return -1;
	errno = 0;
	x = strtoull(*p, &end, 10);
	if (errno != 0 || x > UINT32_MAX)
		return -1;
	*p = end;
	*v = (uint32_t)x;
	return 0;
}

int idmap_parse(const char *text, struct idmap *out, size_t max)
{
	const char *p = text;
	size_t k = 0;

	while (*p) {
		struct idmap m;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (*p == '\0')
			break;
		if (parse_u32(&p, &m.inner) < 0 || parse_u32(&p, &m.outer) < 0 ||
		    parse_u32(&p, &m.count) < 0)
			return -1;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '\n' && *p != '\0')
			return -1;
		if (k >= max)
			return -1;
		out[k++] = m;
	}
	return (int)k;
}

/* ---- /etc/subuid and /etc/subgid as files ---- */

/* "owner:start:count" (a NUL-terminated line) into e; false for anything else. */
static bool subid_line(const char *line, struct subid_entry *e)
{
	const char *colon = strchr(line, ':'), *p;
	size_t olen = colon ? (size_t)(colon - line) : 0;
	uint32_t start, count;

	if (olen == 0 || olen >= sizeof(e->owner))
		return false;
	p = colon + 1;
	if (parse_u32(&p, &start) < 0 || *p++ != ':' || parse_u32(&p, &count) < 0 || *p != '\0')
		return false;
	memcpy(e->owner, line, olen);
	e->owner[olen] = '\0';
	e->start = start;
	e->count = count > UINT32_MAX - start ? UINT32_MAX - start : count;
	return true;
}

size_t subid_file_parse(const char *text, struct subid_entry **out)
{
	size_t cap = 8, n = 0;
	struct subid_entry *v = xcalloc(cap, sizeof(*v));

	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len > 0 && len < 256 && p[0] != '#') {
			char line[256];
			memcpy(line, p, len);
			line[len] = '\0';
			if (n == cap)
				v = xrealloc(v, (cap *= 2) * sizeof(*v));
			if (subid_line(line, &v[n]))
				n++;
		}
		p += len + (nl != NULL);
	}
	*out = v;
	return n;
}

int subid_file_load(const char *path, struct subid_entry **out, size_t *n)
{
	cleanup_free char *text = read_file_at(AT_FDCWD, path, NULL, NULL);

	if (text == NULL)
		return -1;
	*n = subid_file_parse(text, out);
	return 0;
}

uint32_t subid_free_start(const struct subid_entry *used, size_t n, uint32_t count)
{
	uint64_t align = count ? count : 1, s = (SUBID_MIN + align - 1) / align * align;
	bool moved = true;

	/* each pass moves s past a range it overlaps: at most n passes */
	while (moved) {
		moved = false;
		if (s + count > (uint64_t)UINT32_MAX + 1)
			return 0;
		for (size_t i = 0; i < n; i++) {
			uint64_t end = (uint64_t)used[i].start + used[i].count;
			if (used[i].count &&
			    range_overlap(s, count, used[i].start, used[i].count)) {
				s = (end + align - 1) / align * align;
				moved = true;
			}
		}
	}
	return (uint32_t)s;
}

bool subid_is_owner(const struct subid_entry *e, const char *user, uid_t uid)
{
	char uidstr[16];

	snprintf(uidstr, sizeof(uidstr), "%u", (unsigned)uid);
	return strcmp(e->owner, user) == 0 || strcmp(e->owner, uidstr) == 0;
}

const struct subid_entry *subid_overlap(const struct subid_entry *v, size_t n, const char *user,
					uid_t uid, uint32_t start, uint32_t count)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i].count && count && !subid_is_owner(&v[i], user, uid) &&
		    range_overlap(start, count, v[i].start, v[i].count))
			return &v[i];
	}
	return NULL;
}
