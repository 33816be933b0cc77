/* ulimits.c - a container's rlimits (see ulimits.h). */
#include "runtime/ulimits.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"

#define BAD(...) (werr_set(err, 0, __VA_ARGS__), werr_status(err, 125))

static const struct {
	const char *word; /* --ulimit's */
	const char *oci;
	int resource;
} types[] = {
    {"as", "RLIMIT_AS", RLIMIT_AS},
    {"core", "RLIMIT_CORE", RLIMIT_CORE},
    {"cpu", "RLIMIT_CPU", RLIMIT_CPU},
    {"data", "RLIMIT_DATA", RLIMIT_DATA},
    {"fsize", "RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"locks", "RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"memlock", "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"msgqueue", "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"nice", "RLIMIT_NICE", RLIMIT_NICE},
    {"nofile", "RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"nproc", "RLIMIT_NPROC", RLIMIT_NPROC},
    {"rss", "RLIMIT_RSS", RLIMIT_RSS},
    {"rtprio", "RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"rttime", "RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"sigpending", "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"stack", "RLIMIT_STACK", RLIMIT_STACK},
};
#define NTYPES ARRAY_SIZE(types)

int ulimit_resource(const char *oci_name)
{
	for (size_t i = 0; i < NTYPES; i++)
		if (strcmp(oci_name, types[i].oci) == 0)
			return types[i].resource;
	return -1;
}

/* Podman's wrapping of every --ulimit error */
#define BADU(spec, ...)                                                                            \
	(werr_set(err, 0, "ulimit option \"%s\" requires name=SOFT:HARD, failed to be parsed: %s", \
		  spec, xasprintf_tmp(__VA_ARGS__)),                                               \
	 werr_status(err, 125))

static const char *xasprintf_tmp(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* a message for BADU, valid until the next call */
static const char *xasprintf_tmp(const char *fmt, ...)
{
	static char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return buf;
}

/* One limit value: -1 (unlimited) or a non-negative number; else Go's
 * strconv message, as Podman's. */
static int value(const char *spec, const char *s, size_t len, uint64_t *out, struct werr *err)
{
	cleanup_free char *v = xstrndup(s, len);
	int64_t n;

	if (strcmp(v, "-1") == 0) {
		*out = RLIM_INFINITY;
		return 0;
	}
	if (parse_int64(v, INT64_MIN, INT64_MAX, &n) < 0)
		return BADU(spec, "strconv.ParseInt: parsing \"%s\": invalid syntax", v);
	if (n < 0)
		return BADU(spec, "invalid ulimit argument: %s", spec);
	*out = (uint64_t)n;
	return 0;
}

/* TYPE=SOFT[:HARD] -> index into types, soft, hard */
static int parse(const char *spec, size_t *idx, uint64_t *soft, uint64_t *hard, struct werr *err)
{
	const char *eq = strchr(spec, '='), *colon;
	size_t i;

	if (eq == NULL)
		return BADU(spec, "invalid ulimit argument: %s", spec);
	for (i = 0; i < NTYPES; i++)
		if (strlen(types[i].word) == (size_t)(eq - spec) &&
		    strncmp(spec, types[i].word, (size_t)(eq - spec)) == 0)
			break;
	if (i == NTYPES)
		return BADU(spec, "invalid ulimit type: %.*s", (int)(eq - spec), spec);
	colon = strchr(eq + 1, ':');
	if (colon && strchr(colon + 1, ':'))
		return BADU(spec,
			    "too many limit value arguments - %s, can only have up to two, "
			    "`soft[:hard]`",
			    eq + 1);
	if (value(spec, eq + 1, colon ? (size_t)(colon - eq - 1) : strlen(eq + 1), soft, err) < 0 ||
	    (colon && value(spec, colon + 1, strlen(colon + 1), hard, err) < 0))
		return -1;
	if (colon == NULL)
		*hard = *soft;
	if (*soft > *hard)
		return BADU(spec,
			    "ulimit soft limit must be less than or equal to hard limit: %" PRIu64
			    " > %" PRIu64,
			    *soft, *hard);
	*idx = i;
	return 0;
}

int ulimit_check(const char *spec, struct werr *err)
{
	size_t i;
	uint64_t s, h;

	return strcmp(spec, "host") == 0 ? 0 : parse(spec, &i, &s, &h, err);
}

struct lim {
	bool set;
	uint64_t soft, hard;
};

static int apply(struct lim *v, char *const *specs, bool rootless, struct werr *err)
{
	for (char *const *p = specs; p && *p; p++) {
		size_t i;
		uint64_t s, h;
		struct rlimit have;

		if (strcmp(*p, "host") == 0) {
			for (i = 0; i < NTYPES; i++)
				if (getrlimit(types[i].resource, &have) == 0)
					v[i] = (struct lim){true, have.rlim_cur, have.rlim_max};
			continue;
		}
		if (parse(*p, &i, &s, &h, err) < 0)
			return -1;
		if (rootless && getrlimit(types[i].resource, &have) == 0 && h > have.rlim_max) {
			char cap[32];
			if (have.rlim_max == RLIM_INFINITY)
				snprintf(cap, sizeof(cap), "unlimited");
			else
				snprintf(cap, sizeof(cap), "%" PRIu64, (uint64_t)have.rlim_max);
			return BAD("ulimit %s: the hard limit is above this user's own (%s), which "
				   "a rootless container cannot raise: ask an admin to raise it "
				   "(/etc/security/limits.conf), or ask for at most %s",
				   *p, cap, cap);
		}
		v[i] = (struct lim){true, s, h};
	}
	return 0;
}

int ulimits_json(char *const *conf, char *const *flags, bool rootless, struct json_object **out,
		 struct werr *err)
{
	struct lim v[NTYPES] = {{0}};
	struct json_object *a;
	struct rlimit rl;

	for (size_t i = 0; i < NTYPES; i++) {
		if (types[i].resource == RLIMIT_NOFILE && getrlimit(RLIMIT_NOFILE, &rl) == 0)
			v[i] = (struct lim){true, rl.rlim_max, rl.rlim_max};
		if (types[i].resource == RLIMIT_NPROC && getrlimit(RLIMIT_NPROC, &rl) == 0)
			v[i] = (struct lim){true, rl.rlim_cur, rl.rlim_max};
	}
	if (apply(v, conf, rootless, err) < 0 || apply(v, flags, rootless, err) < 0)
		return -1;
	a = json_object_new_array();
	for (size_t i = 0; i < NTYPES; i++) {
		struct json_object *r;
		if (!v[i].set)
			continue;
		r = json_object_new_object();
		jset_str(r, "type", types[i].oci);
		jset(r, "soft", json_object_new_uint64(v[i].soft));
		jset(r, "hard", json_object_new_uint64(v[i].hard));
		json_object_array_add(a, r);
	}
	*out = a;
	return 0;
}
