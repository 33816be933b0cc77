/* api_libpod_spec.c - the SpecGenerator fields of POST
 * /libpod/containers/create beyond api_libpod.c's core: DNS and hosts,
 * devices, exposed ports, ulimits, no-new-privileges, memory and shm
 * limits and the healthcheck, each as the matching run flag takes it.
 * What warren's run has no flag for (sysctl, groups) is refused (400)
 * rather than dropped. */
#include "api/api_libpod.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "net/net.h"
#include "runtime/limits.h"
#include "runtime/runopts.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* each string of array field k of b through add(n, s) */
static int each_str(struct json_object *b, const char *k, struct net_opts *n,
		    int (*add)(struct net_opts *, const char *, struct werr *), struct werr *err)
{
	cleanup_strv char **v = jstrv(jget(b, k));

	for (size_t i = 0; v && v[i]; i++)
		if (add(n, v[i], err) < 0)
			return -1;
	return 0;
}

/* a list or an object with something in it */
static bool non_empty(struct json_object *v)
{
	if (json_object_is_type(v, json_type_array))
		return json_object_array_length(v) > 0;
	return json_object_is_type(v, json_type_object) && json_object_object_length(v) > 0;
}

/* healthconfig {Test, Interval, Timeout, StartPeriod, Retries} (Docker's,
 * durations in ns) as --health-*; the strings live in *keep */
static int spec_health(struct json_object *h, struct run_opts *o, char ***keep, struct werr *err)
{
	struct json_object *test = jget(h, "Test");
	const char *kind =
	    jlen(test) ? json_object_get_string(json_object_array_get_idx(test, 0)) : NULL;
	static const char *const durs[] = {"Interval", "Timeout", "StartPeriod"};
	const char **dst[] = {&o->health.interval, &o->health.timeout, &o->health.start_period};

	if (!json_object_is_type(test, json_type_array) || kind == NULL)
		return 0;
	if (!strcmp(kind, "NONE")) {
		o->health.none = true;
		return 0;
	}
	if (!strcmp(kind, "CMD-SHELL") && jlen(test) == 2) {
		*keep =
		    strv_append(*keep, json_object_get_string(json_object_array_get_idx(test, 1)));
	} else if (!strcmp(kind, "CMD")) {
		struct json_object *rest = json_object_new_array();
		for (size_t i = 1; i < jlen(test); i++)
			json_object_array_add(rest,
					      json_object_get(json_object_array_get_idx(test, i)));
		*keep = strv_append(*keep,
				    json_object_to_json_string_ext(rest, JSON_C_TO_STRING_PLAIN));
		json_object_put(rest);
	} else {
		/* 4.3's client sends a JSON-array --health-cmd as it was given:
		 * run's --health-cmd takes that form too */
		*keep = strv_append(*keep, kind);
	}
	o->health.cmd = (*keep)[strv_len(*keep) - 1];
	for (size_t i = 0; i < ARRAY_SIZE(durs); i++) {
		int64_t ns = json_object_get_int64(jget(h, durs[i]));
		cleanup_free char *d = xasprintf("%" PRId64 "ns", ns);
		if (ns <= 0)
			continue;
		*keep = strv_append(*keep, d);
		*dst[i] = (*keep)[strv_len(*keep) - 1];
	}
	if (jget(h, "Retries"))
		o->health.retries = json_object_get_int(jget(h, "Retries"));
	return 0;
}

int api_libpod_spec_extra(struct json_object *b, struct run_opts *o, char ***keep, struct werr *err)
{
	struct json_object *mem = jget(jget(b, "resource_limits"), "memory");
	static const char *const refused[] = {"sysctl", "groups"};

	const char *bad = NULL;

	if (!api_typed(b, "expose", json_type_object, &bad) ||
	    !api_typed(b, "healthconfig", json_type_object, &bad) ||
	    !api_typed(b, "resource_limits", json_type_object, &bad))
		return werr_set(err, 0, "json: field %s has the wrong type", bad);
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++)
		if (non_empty(jget(b, refused[i])))
			return werr_set(err, 0, "%s: warren's run has no such option", refused[i]);
	if (each_str(b, "hostadd", &o->netopts, net_add_host, err) < 0 ||
	    each_str(b, "dns_server", &o->netopts, net_add_dns, err) < 0 ||
	    each_str(b, "dns_search", &o->netopts, net_add_dns_search, err) < 0 ||
	    each_str(b, "dns_option", &o->netopts, net_add_dns_option, err) < 0)
		return -1;
	for (size_t i = 0; i < jlen(jget(b, "devices")); i++) {
		const char *p = jstr(json_object_array_get_idx(jget(b, "devices"), i), "path");
		if (p == NULL || runopts_add_device(o, p, err) < 0)
			return p ? -1 : werr_set(err, 0, "json: a device without its path");
	}
	if (jget(b, "expose")) {
		json_object_object_foreach(jget(b, "expose"), port, proto)
		{
			cleanup_free char *e =
			    xasprintf("%s/%s", port, json_object_get_string(proto));
			if (runopts_add_expose(o, e, err) < 0)
				return -1;
		}
	}
	for (size_t i = 0; i < jlen(jget(b, "r_limits")); i++) {
		struct json_object *r = json_object_array_get_idx(jget(b, "r_limits"), i);
		cleanup_free char *u = xasprintf("%s=%" PRId64 ":%" PRId64, jstr(r, "type"),
						 json_object_get_int64(jget(r, "soft")),
						 json_object_get_int64(jget(r, "hard")));
		if (jstr(r, "type") == NULL || runopts_add_ulimit(o, u, err) < 0)
			return jstr(r, "type")
				   ? -1
				   : werr_set(err, 0, "json: a ulimit without its type");
	}
	if (json_object_get_boolean(jget(b, "no_new_privileges")) &&
	    runopts_security_opt(o, "no-new-privileges", err) < 0)
		return -1;
	if (json_object_get_int64(jget(mem, "limit")) > 0) {
		cleanup_free char *m =
		    xasprintf("%" PRId64, json_object_get_int64(jget(mem, "limit")));
		if (limits_parse(&o->limits, "memory", m, err) < 0)
			return -1;
	}
	if (json_object_get_int64(jget(b, "shm_size")) > 0) {
		cleanup_free char *s =
		    xasprintf("%" PRId64, json_object_get_int64(jget(b, "shm_size")));
		if (limits_parse(&o->limits, "shm-size", s, err) < 0)
			return -1;
	}
	return spec_health(jget(b, "healthconfig"), o, keep, err);
}
