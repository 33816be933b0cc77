/* podfilter.c - `pod ps --filter` (and the libpod API's pods/json
 * filters): Podman's keys id, name, status, label, ctr-names, ctr-ids,
 * ctr-number, matched against a pod and its containers. */
#include "runtime/pods.h"

#include <regex.h>
#include <stdio.h>
#include <string.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/container.h"

/* One --filter K=V against pod p with members c: 1 match, 0 not, -1 bad. */
static int filter_one(const char *f, const struct pod_rec *p, const struct container_rec *c,
		      size_t n, struct werr *err)
{
	const char *eq = strchr(f, '=');
	cleanup_free char *key = eq ? xstrndup(f, (size_t)(eq - f)) : NULL;
	const char *v = eq ? eq + 1 : NULL;

	if (key == NULL)
		goto bad;
	if (strcmp(key, "id") == 0)
		return str_has_prefix(p->id, v);
	if (strcmp(key, "name") == 0) {
		regex_t re;
		int m;
		if (regcomp(&re, v, REG_EXTENDED | REG_NOSUB) != 0)
			return strcmp(p->name, v) == 0;
		m = regexec(&re, p->name, 0, NULL, 0) == 0;
		regfree(&re);
		return m;
	}
	if (strcmp(key, "status") == 0) {
		char st[32];
		snprintf(st, sizeof(st), "%s", pod_status(c, n));
		for (char *s = st; *s; s++)
			*s = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
		return strcmp(st, v) == 0;
	}
	if (strcmp(key, "label") == 0) {
		cleanup_json struct json_object *cfg =
		    p->config ? json_tokener_parse(p->config) : NULL;
		struct json_object *l = jget(cfg, "Labels");
		const char *leq = strchr(v, '=');
		cleanup_free char *lk = leq ? xstrndup(v, (size_t)(leq - v)) : xstrdup(v);
		const char *have = jstr(l, lk);
		return have != NULL && (leq == NULL || strcmp(have, leq + 1) == 0);
	}
	if (strcmp(key, "ctr-names") == 0 || strcmp(key, "ctr-ids") == 0) {
		for (size_t i = 0; i < n; i++)
			if (key[4] == 'n' ? strcmp(c[i].name, v) == 0 : str_has_prefix(c[i].id, v))
				return 1;
		return 0;
	}
	if (strcmp(key, "ctr-number") == 0) {
		cleanup_free char *num = xasprintf("%zu", n);
		return strcmp(num, v) == 0;
	}
bad:
	werr_set(err, 0, "%s is an invalid filter", key ? key : f);
	return werr_status(err, 125);
}

int pod_filter_match(char *const *filters, const struct pod_rec *p, const struct container_rec *c,
		     size_t n, struct werr *err)
{
	for (size_t i = 0; filters && filters[i]; i++) {
		int r = filter_one(filters[i], p, c, n, err);
		if (r <= 0)
			return r;
	}
	return 1;
}

int pod_filter_check(char *const *filters, struct werr *err)
{
	struct pod_rec none = {.name = (char *)""};

	/* Podman refuses a bad filter even when there is no pod to match */
	for (size_t i = 0; filters && filters[i]; i++)
		if (filter_one(filters[i], &none, NULL, 0, err) < 0)
			return -1;
	return 0;
}
