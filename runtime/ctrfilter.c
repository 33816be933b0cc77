/* ctrfilter.c - container filters (see ctrfilter.h). */
#include "runtime/ctrfilter.h"

#include <fnmatch.h>
#include <json-c/json.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "image/filter.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/health.h"
#include "runtime/pods.h"

static const struct {
	const char *name;
	enum ctr_fkey key;
	bool ps, prune; /* which command takes it */
} fkeys[] = {
    {"id", CF_ID, true, false},		{"name", CF_NAME, true, false},
    {"status", CF_STATUS, true, false}, {"label", CF_LABEL, true, true},
    {"label!", CF_NLABEL, false, true}, {"ancestor", CF_ANCESTOR, true, false},
    {"exited", CF_EXITED, true, false}, {"before", CF_BEFORE, true, false},
    {"since", CF_SINCE, true, false},	{"until", CF_UNTIL, true, true},
    {"health", CF_HEALTH, true, false}, {"network", CF_NETWORK, true, false},
    {"pod", CF_POD, true, false},
};

/* Podman's container states (define.StringToContainerStatus) */
static const char *const states[] = {"configured", "created",  "running",  "stopped", "paused",
				     "exited",	   "removing", "stopping", "unknown"};

void ctr_filter_free(struct ctr_filter *f)
{
	for (size_t i = 0; i < CF_COUNT; i++) {
		strv_free(f->vals[i]);
		f->vals[i] = NULL;
	}
}

static int check_value(struct ctr_filter *f, enum ctr_fkey k, const char *v, int64_t now,
		       struct werr *err)
{
	int64_t n;
	bool ok = false;

	switch (k) {
	case CF_STATUS:
		for (size_t i = 0; i < ARRAY_SIZE(states); i++)
			ok = ok || strcmp(v, states[i]) == 0;
		if (!ok)
			return werr_set(err, 0, "unknown container state: %s: invalid argument", v);
		return 0;
	case CF_EXITED:
		if (parse_int64(v, INT32_MIN, INT32_MAX, &n) < 0)
			/* Podman quotes the zero it failed to parse (Go's %q of 0) */
			return werr_set(
			    err, 0,
			    "exited code out of range '\\x00': strconv.ParseInt: parsing "
			    "\"%s\": invalid syntax",
			    v);
		return 0;
	case CF_HEALTH:
		if (!health_filter_valid(v))
			return werr_set(err, 0,
					"invalid health filter \"%s\": use healthy, unhealthy, "
					"starting or none",
					v);
		return 0;
	case CF_UNTIL:
		/* Podman keeps the latest of several */
		if (image_parse_until(v, now, &n, err) < 0)
			return -1;
		if (n > f->until)
			f->until = n;
		return 0;
	default:
		return 0;
	}
}

/* One "key=value" of a spec. */
static int add_one(struct ctr_filter *f, const char *spec, size_t len, bool prune, int64_t now,
		   struct werr *err)
{
	cleanup_free char *s = xstrndup(spec, len);
	char *eq = strchr(s, '=');

	if (eq == NULL)
		return werr_set(err, 0, "invalid filter \"%s\"", s);
	*eq = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(fkeys); i++) {
		if (strcmp(s, fkeys[i].name) != 0 || !(prune ? fkeys[i].prune : fkeys[i].ps))
			continue;
		if (check_value(f, fkeys[i].key, eq + 1, now, err) < 0)
			return -1;
		f->vals[fkeys[i].key] = strv_append(f->vals[fkeys[i].key], eq + 1);
		return 0;
	}
	return werr_set(err, 0, "%s is an invalid filter", s);
}

int ctr_filter_parse(struct ctr_filter *f, char *const *specs, bool prune, int64_t now,
		     struct werr *err)
{
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; specs && specs[i]; i++) {
		const char *p = specs[i];
		/* "a=1,b=2" is two filters (Podman splits at every comma) */
		for (;;) {
			size_t n = strcspn(p, ",");
			if (add_one(f, p, n, prune, now, err) < 0) {
				ctr_filter_free(f);
				return werr_status(err, 125);
			}
			if (p[n] == '\0')
				break;
			p += n + 1;
		}
	}
	return 0;
}

/* The earliest creation time of the containers named by refs. */
static int earliest(struct engine *e, char **refs, int64_t *out, struct werr *err)
{
	for (size_t i = 0; refs && refs[i]; i++) {
		struct container_rec c = {0};
		int r = container_lookup(e, refs[i], &c, err);
		if (r == 0)
			container_not_found(refs[i], err);
		if (r <= 0)
			return werr_status(err, 125);
		if (*out == 0 || c.created < *out)
			*out = c.created;
		container_rec_free(&c);
	}
	return 0;
}

/* pod=REF: each REF becomes its pod's full id (an unknown one: Podman's
 * "no such pod") */
static int resolve_pods(struct engine *e, char **vals, struct werr *err)
{
	for (size_t i = 0; vals && vals[i]; i++) {
		struct pod_rec p = {0};
		int r = pod_lookup(e, vals[i], &p, err);
		if (r <= 0)
			return r == 0 ? pod_not_found(vals[i], err) : -1;
		free(vals[i]);
		vals[i] = xstrdup(p.id);
		pod_rec_free(&p);
	}
	return 0;
}

int ctr_filter_resolve(struct engine *e, struct ctr_filter *f, struct werr *err)
{
	if (earliest(e, f->vals[CF_BEFORE], &f->before, err) < 0 ||
	    resolve_pods(e, f->vals[CF_POD], err) < 0)
		return -1;
	return earliest(e, f->vals[CF_SINCE], &f->since, err);
}

bool ctr_regex_any(char *const *pats, const char *s)
{
	for (size_t i = 0; pats && pats[i]; i++) {
		regex_t re;
		bool m;
		if (regcomp(&re, pats[i], REG_EXTENDED | REG_NOSUB) != 0)
			continue;
		m = regexec(&re, s, 0, NULL, 0) == 0;
		regfree(&re);
		if (m)
			return true;
	}
	return false;
}

bool ctr_label_matches(const char *want, struct json_object *labels)
{
	const char *eq = strchr(want, '=');
	cleanup_free char *key = eq ? xstrndup(want, (size_t)(eq - want)) : xstrdup(want);

	if (labels == NULL || !json_object_is_type(labels, json_type_object))
		return false;
	json_object_object_foreach(labels, k, v)
	{
		const char *val = json_object_get_string(v);
		if (eq && eq[1] != '\0' && strcmp(val ? val : "", eq + 1) != 0)
			continue;
		if (strcmp(k, key) == 0 || fnmatch(key, k, FNM_PATHNAME) == 0)
			return true;
	}
	return false;
}

struct json_object *ctr_labels(const struct container_rec *c)
{
	cleanup_json struct json_object *j = c->config ? json_tokener_parse(c->config) : NULL;
	struct json_object *l = jget(jget(j, "Config"), "Labels");

	return l && json_object_is_type(l, json_type_object) ? json_object_get(l) : NULL;
}

/* Podman 4.3's ancestor: the full image id, the image name, or the name
 * without a ":latest" tag. */
static bool ancestor_any(char *const *vals, const struct container_rec *c)
{
	const char *name = c->image_name ? c->image_name : "";
	const char *colon = strrchr(name, ':');
	bool latest = colon && strcmp(colon, ":latest") == 0 && !strchr(colon, '/');

	for (size_t i = 0; vals && vals[i]; i++) {
		if (strcmp(vals[i], c->image_id) == 0 || strcmp(vals[i], name) == 0)
			return true;
		if (latest && strlen(vals[i]) == (size_t)(colon - name) &&
		    strncmp(vals[i], name, (size_t)(colon - name)) == 0)
			return true;
	}
	return false;
}

static bool status_any(char *const *vals, const struct container_rec *c)
{
	const char *st = c->state == CTR_STOPPED ? "exited"
			 : c->paused		 ? "paused"
						 : ctr_state_name(c->state);

	for (size_t i = 0; vals && vals[i]; i++) {
		const char *v = strcmp(vals[i], "stopped") == 0 ? "exited" : vals[i];
		if (strcmp(v, st) == 0)
			return true;
	}
	return false;
}

static bool exited_any(char *const *vals, const struct container_rec *c)
{
	int64_t code;

	if (c->state != CTR_EXITED && c->state != CTR_STOPPED)
		return false;
	for (size_t i = 0; vals && vals[i]; i++)
		if (parse_int64(vals[i], INT32_MIN, INT32_MAX, &code) == 0 && code == c->exit_code)
			return true;
	return false;
}

static bool labels_all(char *const *vals, struct json_object *labels, bool negate)
{
	for (size_t i = 0; vals && vals[i]; i++)
		if (ctr_label_matches(vals[i], labels) == negate)
			return false;
	return true;
}

static bool health_any(char *const *vals, const struct container_rec *c)
{
	for (size_t i = 0; vals && vals[i]; i++)
		if (container_health_matches(c, vals[i]))
			return true;
	return false;
}

/* On one of the bridge networks nets (by name)? */
static bool network_any(char *const *nets, const struct container_rec *c)
{
	cleanup_json struct json_object *j = c->config ? json_tokener_parse(c->config) : NULL;
	struct json_object *on = jget(jget(j, "NetConfig"), "Networks");

	for (char *const *n = nets; *n; n++)
		if (jget(on, *n) != NULL)
			return true;
	return false;
}

bool ctr_filter_match(const struct ctr_filter *f, const struct container_rec *c)
{
	char *const *const *v = (char *const *const *)f->vals;
	bool ok = true;

	if (v[CF_ID] && !ctr_regex_any(v[CF_ID], c->id))
		return false;
	if (v[CF_NAME] && !ctr_regex_any(v[CF_NAME], c->name ? c->name : ""))
		return false;
	if (v[CF_STATUS] && !status_any(v[CF_STATUS], c))
		return false;
	if (v[CF_ANCESTOR] && !ancestor_any(v[CF_ANCESTOR], c))
		return false;
	if (v[CF_EXITED] && !exited_any(v[CF_EXITED], c))
		return false;
	if (v[CF_BEFORE] && !(c->created < f->before))
		return false;
	if (v[CF_SINCE] && !(c->created > f->since))
		return false;
	if (v[CF_UNTIL] && !(c->created < f->until))
		return false;
	if (v[CF_HEALTH] && !health_any(v[CF_HEALTH], c))
		return false;
	if (v[CF_NETWORK] && !network_any(v[CF_NETWORK], c))
		return false;
	if (v[CF_POD]) {
		cleanup_free char *pod = pod_of_container(c);
		if (pod == NULL || !strv_contains(v[CF_POD], pod))
			return false;
	}
	if (v[CF_LABEL] || v[CF_NLABEL]) {
		struct json_object *labels = ctr_labels(c);
		ok = labels_all(v[CF_LABEL], labels, false) &&
		     labels_all(v[CF_NLABEL], labels, true);
		json_object_put(labels);
	}
	return ok;
}

/* The containers ps shows, oldest first as Podman 4.3 lists them: those
 * that pass the filters, the last N created of them with -n/-l. */
int ctr_select(struct engine *e, char *const *filters, bool all_flag, int last,
	       struct container_rec **out, size_t *n, struct werr *err)
{
	struct ctr_filter f;
	struct container_rec *v = NULL;
	size_t cnt = 0, keep = 0;
	/* -n N, -l and a status filter look at every container, as Podman's */
	bool all = all_flag || last > 0;

	for (size_t i = 0; filters && filters[i]; i++)
		all = all || str_has_prefix(filters[i], "status=");

	if (ctr_filter_parse(&f, filters, false, now_ns(), err) < 0)
		return -1;
	if (ctr_filter_resolve(e, &f, err) < 0 || container_list_brief(e, all, &v, &cnt, err) < 0) {
		ctr_filter_free(&f);
		return -1;
	}
	for (size_t i = 0; i < cnt; i++) { /* the store lists newest first */
		/* Podman's ps without -a lists running containers, not paused ones */
		if (ctr_filter_match(&f, &v[i]) && (all || !v[i].paused) &&
		    (last <= 0 || (int)keep < last))
			v[keep++] = v[i];
		else
			container_rec_free(&v[i]);
	}
	for (size_t i = 0; i < keep / 2; i++) {
		struct container_rec t = v[i];
		v[i] = v[keep - 1 - i];
		v[keep - 1 - i] = t;
	}
	ctr_filter_free(&f);
	*out = v;
	*n = keep;
	return 0;
}
