/* api_ctr.c - the container endpoints: list, create, inspect, start,
 * stop, restart, kill, wait, remove. The same engine calls as the CLI's
 * commands (cli/cmd_run.c, cmd_lifecycle.c, cmd_container.c); Docker's
 * shapes and status codes around them. */
#include "api/api_int.h"
#include "engine/events.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/signame.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/ctr_json.h"
#include "runtime/ctrfilter.h"
#include "runtime/detach.h"
#include "runtime/netusers.h"
#include "runtime/runopts.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int api_ctr_lookup(struct api_ctx *c, struct container_rec *out)
{
	struct werr err = {0};
	int r;

	if (api_ready(c) < 0)
		return 0;
	r = container_lookup(c->e, c->arg, out, &err);
	if (r == 1)
		return 1;
	if (r == 0 && c->libpod) /* Podman's words there */
		api_error(c, 404, "no container with name or ID \"%s\" found: no such container",
			  c->arg);
	else if (r == 0)
		api_error(c, 404, "No such container: %s", c->arg);
	else
		api_werr(c, &err, 500);
	return 0;
}

/* ---- list ---- */

/* Podman's ps ports {host_ip, container_port, host_port, range, protocol}
 * as Docker's {IP, PrivatePort, PublicPort, Type}, one per port */
static struct json_object *docker_ports(struct json_object *pports)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < jlen(pports); i++) {
		struct json_object *p = json_object_array_get_idx(pports, i);
		int range = json_object_get_int(jget(p, "range"));
		int cport = json_object_get_int(jget(p, "container_port"));
		int hport = json_object_get_int(jget(p, "host_port"));
		for (int k = 0; k < (range > 0 ? range : 1); k++) {
			struct json_object *d = json_object_new_object();
			jset_str(d, "IP",
				 jstr(p, "host_ip") && *jstr(p, "host_ip") ? jstr(p, "host_ip")
									   : "0.0.0.0");
			jset(d, "PrivatePort", json_object_new_int(cport + k));
			jset(d, "PublicPort", json_object_new_int(hport + k));
			jset_str(d, "Type", jstr(p, "protocol") ? jstr(p, "protocol") : "tcp");
			json_object_array_add(a, d);
		}
	}
	return a;
}

/* One entry of GET /containers/json, from what ps shows (ctr_ps_config) */
struct json_object *api_ctr_summary(const struct container_rec *r)
{
	struct ctr_ps_config pc;
	struct json_object *o = json_object_new_object(), *names = json_object_new_array(),
			   *hc = json_object_new_object(), *ns = json_object_new_object();
	cleanup_free char *name = xasprintf("/%s", r->name);
	cleanup_free char *cmd = strv_join(r->command, " ");
	cleanup_free char *image_id = xasprintf("sha256:%s", r->image_id ? r->image_id : "");
	char status[128];

	ctr_ps_config(r, &pc);
	container_status_string(r, status, sizeof(status));
	json_object_array_add(names, json_object_new_string(name));
	jset_str(o, "Id", r->id);
	jset(o, "Names", names);
	jset_str(o, "Image", r->image_name ? r->image_name : "");
	jset_str(o, "ImageID", image_id);
	jset_str(o, "Command", cmd ? cmd : "");
	jset(o, "Created", json_object_new_int64(r->created / 1000000000LL));
	jset(o, "Ports", docker_ports(pc.ports));
	jset(o, "Labels", json_object_get(pc.labels) ?: json_object_new_object());
	jset_str(o, "State", r->paused ? "paused" : ctr_state_name(r->state));
	jset_str(o, "Status", status);
	jset_str(hc, "NetworkMode", "default");
	jset(o, "HostConfig", hc);
	/* the bridge networks by name (docker ps --format '{{.Networks}}') */
	struct json_object *nets = json_object_new_object();
	for (size_t i = 0; i < jlen(pc.networks); i++)
		jset(nets, json_object_get_string(json_object_array_get_idx(pc.networks, i)),
		     json_object_new_object());
	jset(ns, "Networks", nets);
	jset(o, "NetworkSettings", ns);
	jset(o, "Mounts", json_object_new_array());
	ctr_ps_config_free(&pc);
	return o;
}

int api_ctr_list(struct api_ctx *c)
{
	struct werr err = {0};
	struct ctr_filter f = {0};
	struct container_rec *v = NULL;
	cleanup_strv char **specs = NULL;
	struct json_object *a;
	bool ok, all = http_query_bool(c->req, "all", false);
	cleanup_free char *limit_s = http_query(c->req, "limit");
	int64_t limit = -1;

	if (api_ready(c) < 0)
		return 0;
	specs = api_filters(c, &ok);
	if (!ok)
		return 0;
	if (limit_s && parse_int64(limit_s, -1, INT32_MAX, &limit) < 0)
		return api_error(c, 400, "invalid limit: %s", limit_s);
	if (ctr_filter_parse(&f, specs, false, now_ns(), &err) < 0)
		return api_error(c, 400, "%s", err.msg);
	size_t n = 0;
	if (ctr_filter_resolve(c->e, &f, &err) < 0 ||
	    container_list_brief(c->e, all, &v, &n, &err) < 0) {
		ctr_filter_free(&f);
		return api_werr(c, &err, 500);
	}
	a = json_object_new_array();
	/* newest first, as docker ps */
	for (size_t i = n; i-- > 0;) {
		if (limit >= 0 && json_object_array_length(a) >= (size_t)limit)
			break;
		if (ctr_filter_match(&f, &v[i]))
			json_object_array_add(a, api_ctr_summary(&v[i]));
	}
	ctr_filter_free(&f);
	container_recs_free(v, n);
	return api_json(c, 200, a);
}

/* ---- create ---- */

/* A string or a list of strings (Cmd, Entrypoint: Docker takes both);
 * NULL and *bad false for null or absent. */
char **api_str_or_list(struct json_object *v, bool *bad)
{
	char **out = NULL;

	*bad = false;
	if (v == NULL)
		return NULL;
	if (json_object_is_type(v, json_type_string))
		return strv_append(NULL, json_object_get_string(v));
	if (!json_object_is_type(v, json_type_array)) {
		*bad = true;
		return NULL;
	}
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		struct json_object *s = json_object_array_get_idx(v, i);
		if (!json_object_is_type(s, json_type_string)) {
			*bad = true;
			strv_free(out);
			return NULL;
		}
		out = strv_append(out, json_object_get_string(s));
	}
	/* [] is an empty list, not "none" */
	return out ? out : xcalloc(1, sizeof(char *));
}

/* field of o must be of type t (or absent, or null) */
bool api_typed(struct json_object *o, const char *field, enum json_type t, const char **bad)
{
	struct json_object *v = jget(o, field);

	if (v == NULL || json_object_is_type(v, json_type_null) || json_object_is_type(v, t))
		return true;
	*bad = field;
	return false;
}

static const char *jstr_or(struct json_object *o, const char *k)
{
	const char *s = jstr(o, k);
	return s && *s ? s : NULL;
}

/* HostConfig.PortBindings {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]} */
static int port_bindings(struct run_opts *o, struct json_object *pb, struct werr *err)
{
	json_object_object_foreach(pb, ctr_port, binds)
	{
		for (size_t i = 0; i < jlen(binds); i++) {
			struct json_object *b = json_object_array_get_idx(binds, i);
			const char *ip = jstr_or(b, "HostIp"), *hp = jstr_or(b, "HostPort");
			cleanup_free char *spec = xasprintf("%s%s%s:%s", ip ? ip : "",
							    ip ? ":" : "", hp ? hp : "", ctr_port);
			if (runopts_add_publish(o, spec, err) < 0)
				return -1;
		}
	}
	return 0;
}

/* "default" and "bridge": Docker's default network, warren's default mode */
static bool docker_default_net(const char *name)
{
	return name == NULL || strcmp(name, "default") == 0 || strcmp(name, "bridge") == 0;
}

/* One NetworkingConfig.EndpointsConfig entry {"Aliases": [...],
 * "IPAMConfig": {"IPv4Address", "IPv6Address"}} as a --network spec
 * "NAME:alias=A,ip=IP" into *spec (malloc'd): 0, or -1 with err. */
static int endpoint_spec(const char *name, struct json_object *ep, char **spec, struct werr *err)
{
	struct json_object *aliases = jget(ep, "Aliases"), *ipam = jget(ep, "IPAMConfig");
	const char *bad = NULL, *ip = jstr_or(ipam, "IPv4Address"),
		   *ip6 = jstr_or(ipam, "IPv6Address");
	cleanup_strv char **opts = NULL;
	cleanup_free char *joined = NULL;

	if (ep != NULL && !json_object_is_type(ep, json_type_object))
		return werr_set(err, 0, "json: EndpointsConfig.%s must be an object", name);
	if (!api_typed(ep, "Aliases", json_type_array, &bad) ||
	    !api_typed(ep, "IPAMConfig", json_type_object, &bad) ||
	    !api_typed(ipam, "IPv4Address", json_type_string, &bad) ||
	    !api_typed(ipam, "IPv6Address", json_type_string, &bad))
		return werr_set(err, 0, "json: field EndpointsConfig.%s.%s has the wrong type",
				name, bad);
	for (size_t i = 0; i < jlen(aliases); i++) {
		const char *a = json_object_get_string(json_object_array_get_idx(aliases, i));
		cleanup_free char *kv = NULL;
		/* the spec's separators: an alias holding one is no host name anyway */
		if (a == NULL || a[0] == '\0' || strpbrk(a, ",=:"))
			return werr_set(err, 0, "invalid network alias \"%s\"", a ? a : "");
		kv = xasprintf("alias=%s", a);
		if (!strv_contains(opts, kv))
			opts = strv_append(opts, kv);
	}
	if (ip) {
		cleanup_free char *kv = xasprintf("ip=%s", ip);
		opts = strv_append(opts, kv);
	}
	if (ip6) {
		cleanup_free char *kv = xasprintf("ip6=%s", ip6);
		opts = strv_append(opts, kv);
	}
	joined = opts ? strv_join(opts, ",") : NULL;
	*spec = joined ? xasprintf("%s:%s", name, joined) : xstrdup(name);
	return 0;
}

/* HostConfig.NetworkMode and NetworkingConfig.EndpointsConfig (the
 * aliases compose gives a service's containers, a fixed address): the
 * mode's network first (eth0), then the other endpoints' networks (as
 * Docker's API 1.44 takes them at create). */
static int networks(struct run_opts *o, const char *mode, struct json_object *eps, struct werr *err)
{
	cleanup_free char *first = NULL;

	if (eps && !json_object_is_type(eps, json_type_object))
		return werr_set(err, 0, "json: field EndpointsConfig has the wrong type");
	if (!docker_default_net(mode)) {
		struct json_object *ep = NULL;
		if (json_object_object_get_ex(eps, mode, &ep) &&
		    endpoint_spec(mode, ep, &first, err) < 0)
			return -1;
		if (runopts_set_network(o, first ? first : mode, err) < 0)
			return -1;
	}
	if (eps == NULL)
		return 0;
	json_object_object_foreach(eps, name, ep)
	{
		cleanup_free char *spec = NULL;
		if (docker_default_net(name) || (mode && strcmp(name, mode) == 0))
			continue;
		if (endpoint_spec(name, ep, &spec, err) < 0 ||
		    runopts_set_network(o, spec, err) < 0)
			return -1;
	}
	return 0;
}

static int host_config(struct run_opts *o, struct json_object *hc, struct json_object *eps,
		       struct werr *err)
{
	struct json_object *binds = jget(hc, "Binds"), *rp = jget(hc, "RestartPolicy");
	const char *net = jstr_or(hc, "NetworkMode"), *rname = jstr_or(rp, "Name");

	for (size_t i = 0; i < jlen(binds); i++)
		if (runopts_add_volume(
			o, json_object_get_string(json_object_array_get_idx(binds, i)), err) < 0)
			return -1;
	if (jget(hc, "PortBindings") && port_bindings(o, jget(hc, "PortBindings"), err) < 0)
		return -1;
	if (networks(o, net, eps, err) < 0)
		return -1;
	o->rm = json_object_get_boolean(jget(hc, "AutoRemove"));
	o->privileged = json_object_get_boolean(jget(hc, "Privileged"));
	o->read_only = json_object_get_boolean(jget(hc, "ReadonlyRootfs"));
	o->init = json_object_get_boolean(jget(hc, "Init"));
	o->publish_all = json_object_get_boolean(jget(hc, "PublishAllPorts"));
	for (size_t i = 0; i < jlen(jget(hc, "CapAdd")); i++)
		o->cap_add = strv_append(
		    o->cap_add,
		    json_object_get_string(json_object_array_get_idx(jget(hc, "CapAdd"), i)));
	for (size_t i = 0; i < jlen(jget(hc, "CapDrop")); i++)
		o->cap_drop = strv_append(
		    o->cap_drop,
		    json_object_get_string(json_object_array_get_idx(jget(hc, "CapDrop"), i)));
	if (rname && strcmp(rname, "no") != 0) {
		int max = json_object_get_int(jget(rp, "MaximumRetryCount"));
		cleanup_free char *spec =
		    max > 0 ? xasprintf("%s:%d", rname, max) : xasprintf("%s", rname);
		if (runopts_set_restart(o, spec, err) < 0)
			return -1;
	}
	if (o->rm && o->restart && strcmp(o->restart, "no") != 0)
		return werr_set(err, 0, "conflicting options: AutoRemove and RestartPolicy");
	return 0;
}

/* The strings a create's Healthcheck lends o->health (freed after the
 * create) */
struct health_strs {
	char *cmd, *interval, *timeout, *start_period;
};

static void health_strs_free(struct health_strs *h)
{
	free(h->cmd);
	free(h->interval);
	free(h->timeout);
	free(h->start_period);
}

/* Config.Healthcheck {"Test": ["CMD-SHELL", "..."], "Interval",
 * "Timeout", "StartPeriod" (ns), "Retries"} as the --health-* flags
 * (docker-compose's healthcheck:; `docker run --health-cmd`); the engine
 * checks them as the CLI's. */
static int healthcheck(struct json_object *hc, struct run_opts *o, struct health_strs *h,
		       struct werr *err)
{
	static const char *const durations[] = {"Interval", "Timeout", "StartPeriod"};
	char **slots[] = {&h->interval, &h->timeout, &h->start_period};
	struct json_object *test = jget(hc, "Test");
	const char *bad = NULL;

	if (hc == NULL || json_object_is_type(hc, json_type_null))
		return 0;
	if (!json_object_is_type(hc, json_type_object) ||
	    !api_typed(hc, "Test", json_type_array, &bad) ||
	    !api_typed(hc, "Retries", json_type_int, &bad))
		return werr_set(err, 0, "json: field Healthcheck%s%s has the wrong type",
				bad ? "." : "", bad ? bad : "");
	for (size_t i = 0; i < ARRAY_SIZE(durations); i++) {
		struct json_object *v = jget(hc, durations[i]);
		if (v && !json_object_is_type(v, json_type_int))
			return werr_set(err, 0, "json: field Healthcheck.%s has the wrong type",
					durations[i]);
		/* 0: the default (Docker's "inherit"); under 1 ms: Docker's 400 */
		if (v && json_object_get_int64(v) != 0 && json_object_get_int64(v) < 1000000)
			return werr_set(err, 0, "%s in Healthcheck cannot be less than 1ms",
					durations[i]);
		if (v && json_object_get_int64(v) > 0)
			*slots[i] = xasprintf("%" PRId64 "ns", json_object_get_int64(v));
	}
	if (jlen(test) > 0 &&
	    strcmp(json_object_get_string(json_object_array_get_idx(test, 0)), "NONE") == 0) {
		o->health.none = true;
	} else if (jlen(test) > 0) {
		h->cmd = xstrdup(json_object_to_json_string_ext(test, JSON_C_TO_STRING_PLAIN));
		o->health.cmd = h->cmd;
	}
	o->health.interval = h->interval;
	o->health.timeout = h->timeout;
	o->health.start_period = h->start_period;
	if (jget(hc, "Retries") && json_object_get_int(jget(hc, "Retries")) > 0)
		o->health.retries = json_object_get_int(jget(hc, "Retries"));
	return 0;
}

/* The create body's fields into o: 0, or -1 with err (a 400). */
static int create_opts(struct json_object *b, struct run_opts *o, struct health_strs *h,
		       struct werr *err)
{
	static const struct {
		const char *field;
		enum json_type type;
	} types[] = {
	    {"Image", json_type_string},      {"Env", json_type_array},
	    {"Labels", json_type_object},     {"WorkingDir", json_type_string},
	    {"User", json_type_string},	      {"Tty", json_type_boolean},
	    {"OpenStdin", json_type_boolean}, {"Hostname", json_type_string},
	    {"HostConfig", json_type_object}, {"StopSignal", json_type_string},
	    {"StopTimeout", json_type_int},   {"NetworkingConfig", json_type_object},
	};
	struct json_object *hc = jget(b, "HostConfig"), *env = jget(b, "Env");
	const char *bad = NULL;
	bool badl;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!api_typed(b, types[i].field, types[i].type, &bad))
			return werr_set(err, 0, "json: field %s has the wrong type", bad);
	if (!api_typed(hc, "Binds", json_type_array, &bad) ||
	    !api_typed(hc, "PortBindings", json_type_object, &bad) ||
	    !api_typed(hc, "NetworkMode", json_type_string, &bad) ||
	    !api_typed(hc, "RestartPolicy", json_type_object, &bad) ||
	    !api_typed(hc, "CapAdd", json_type_array, &bad) ||
	    !api_typed(hc, "CapDrop", json_type_array, &bad) ||
	    !api_typed(hc, "AutoRemove", json_type_boolean, &bad))
		return werr_set(err, 0, "json: field HostConfig.%s has the wrong type", bad);
	if (jstr_or(b, "Image") == NULL)
		return werr_set(err, 0, "config: Image is required");
	o->cmd = api_str_or_list(jget(b, "Cmd"), &badl);
	if (badl)
		return werr_set(err, 0, "json: Cmd must be a string or a list of strings");
	o->entrypoint = api_str_or_list(jget(b, "Entrypoint"), &badl);
	if (badl)
		return werr_set(err, 0, "json: Entrypoint must be a string or a list of strings");
	o->entrypoint_set = o->entrypoint != NULL;
	for (size_t i = 0; i < jlen(env); i++) {
		const char *kv = json_object_get_string(json_object_array_get_idx(env, i));
		/* "K" alone would read the service's own environment (the CLI's -e K) */
		if (kv && strchr(kv, '=') && kv[0] != '=' && runopts_add_env(o, kv, err) < 0)
			return -1;
	}
	if (jget(b, "Labels")) {
		json_object_object_foreach(jget(b, "Labels"), k, v)
		{
			cleanup_free char *l = xasprintf("%s=%s", k, json_object_get_string(v));
			if (runopts_add_label(o, l, err) < 0)
				return -1;
		}
	}
	if (jstr_or(b, "WorkingDir"))
		o->workdir = xstrdup(jstr(b, "WorkingDir"));
	if (jstr_or(b, "User"))
		o->user = xstrdup(jstr(b, "User"));
	if (jstr_or(b, "Hostname"))
		o->hostname = xstrdup(jstr(b, "Hostname"));
	if (jstr_or(b, "StopSignal") && runopts_set_stop_signal(o, jstr(b, "StopSignal"), err) < 0)
		return -1;
	if (jget(b, "StopTimeout"))
		o->stop_timeout = json_object_get_int(jget(b, "StopTimeout"));
	o->tty = json_object_get_boolean(jget(b, "Tty"));
	o->interactive = json_object_get_boolean(jget(b, "OpenStdin"));
	o->detach = true;
	if (healthcheck(jget(b, "Healthcheck"), o, h, err) < 0)
		return -1;
	return host_config(o, hc, jget(jget(b, "NetworkingConfig"), "EndpointsConfig"), err);
}

int api_ctr_create(struct api_ctx *c)
{
	cleanup_json struct json_object *b = NULL;
	cleanup_free char *name = http_query(c->req, "name");
	struct ctr_owned oc = {.lock = -1, .proc = {.pty_master = -1}};
	struct run_opts o;
	struct health_strs h = {0};
	struct werr err = {0};
	struct json_object *res;
	int r;

	if (api_ready(c) < 0 || (b = api_body(c)) == NULL)
		return 0;
	runopts_init(&o);
	o.stop_timeout = -1;
	if (name && name[0])
		o.name = xstrdup(name);
	if (create_opts(b, &o, &h, &err) < 0) {
		runopts_free(&o);
		health_strs_free(&h);
		return api_error(c, 400, "%s", err.msg);
	}
	r = container_create(c->e, jstr(b, "Image"), &o, &oc, &err);
	runopts_free(&o);
	health_strs_free(&h);
	/* the healthcheck's values, checked by the engine as the CLI's flags */
	if (r < 0 && strstr(err.msg, "healthcheck"))
		return api_error(c, 400, "%s", err.msg);
	if (r < 0) {
		if (strstr(err.msg, "image not known"))
			return api_error(c, 404, "No such image: %s", jstr(b, "Image"));
		return api_werr(c, &err, strstr(err.msg, "already in use") ? 409 : 500);
	}
	/* HostConfig.ConsoleSize [rows, cols] (the CLI sends its terminal's):
	 * the pty's size from the start on */
	struct json_object *cs = jget(jget(b, "HostConfig"), "ConsoleSize");
	if (jget(b, "Tty") && json_object_get_boolean(jget(b, "Tty")) && jlen(cs) == 2 &&
	    json_object_get_int(json_object_array_get_idx(cs, 0)) > 0 &&
	    json_object_get_int(json_object_array_get_idx(cs, 1)) > 0)
		api_put_size(
		    c->e, oc.rec.id,
		    (unsigned)json_object_get_int(json_object_array_get_idx(cs, 0)) & 0xffff,
		    (unsigned)json_object_get_int(json_object_array_get_idx(cs, 1)) & 0xffff);
	res = json_object_new_object();
	jset_str(res, "Id", oc.rec.id);
	jset(res, "Warnings", json_object_new_array());
	/* created, and nobody's until a start takes it (as cmd_create) */
	container_owned_free(c->e, &oc);
	return api_json(c, 201, res);
}

/* ---- inspect ---- */

/* Where Docker's inspect differs from Podman's in what clients read:
 * no State.Health without a healthcheck (compose prints "Up (STATUS)"
 * when there is one), a published port's HostIp "0.0.0.0" rather than ""
 * (compose's and docker's "0.0.0.0:8080->80/tcp"), and a network's
 * NetworkID its id. */
static void docker_state_net(struct api_ctx *c, struct json_object *o)
{
	struct json_object *ns = jget(o, "NetworkSettings");
	const char *hs = jstr(jget(jget(o, "State"), "Health"), "Status");
	cleanup_free char *dir = network_dir(c->e);

	if (hs == NULL || hs[0] == '\0')
		json_object_object_del(jget(o, "State"), "Health");
	/* (json_object_object_foreach takes no NULL) */
	if (json_object_is_type(jget(ns, "Ports"), json_type_object)) {
		json_object_object_foreach(jget(ns, "Ports"), port, binds)
		{
			(void)port;
			for (size_t i = 0; i < jlen(binds); i++) {
				struct json_object *b = json_object_array_get_idx(binds, i);
				if (jstr(b, "HostIp") == NULL || jstr(b, "HostIp")[0] == '\0')
					jset_str(b, "HostIp", "0.0.0.0");
			}
		}
	}
	if (!json_object_is_type(jget(ns, "Networks"), json_type_object))
		return;
	json_object_object_foreach(jget(ns, "Networks"), name, ep)
	{
		struct network n = {0};
		struct werr err = {0};
		if (netconf_lookup(dir, name, &n, &err) == 1)
			jset_str(ep, "NetworkID", n.id);
		network_free(&n);
	}
}

int api_ctr_inspect(struct api_ctx *c)
{
	struct container_rec r = {0};
	struct json_object *o;
	cleanup_free char *name = NULL, *image = NULL;

	if (!api_ctr_lookup(c, &r))
		return 0;
	o = ctr_json_inspect(c->e, &r, false);
	/* Docker's names start with '/', its Image is the id with its algorithm */
	name = xasprintf("/%s", r.name);
	image = xasprintf("sha256:%s", r.image_id ? r.image_id : "");
	jset_str(o, "Name", name);
	jset_str(o, "Image", image);
	/* Docker's, which Podman's inspect has elsewhere or not at all */
	const char *lp = jstr(jget(jget(o, "HostConfig"), "LogConfig"), "Path");
	jset_str(o, "LogPath", lp ? lp : "");
	if (jget(o, "SizeRootFs") == NULL)
		jset(o, "SizeRootFs", json_object_new_int64(0));
	/* Podman's StopSignal is a number, Docker's a name */
	struct json_object *cfg = jget(o, "Config");
	if (json_object_is_type(jget(cfg, "StopSignal"), json_type_int)) {
		const char *sn = signal_name(json_object_get_int(jget(cfg, "StopSignal")));
		cleanup_free char *sig =
		    sn ? xasprintf("%s%s", str_has_prefix(sn, "SIG") ? "" : "SIG", sn) : NULL;
		jset_str(cfg, "StopSignal", sig ? sig : "SIGTERM");
	}
	docker_state_net(c, o);
	container_rec_free(&r);
	return api_json(c, 200, o);
}

/* ---- start, stop, restart, kill ---- */

/* Starts a prepared container under a monitor (as `start` does). */
static int start_owned(struct api_ctx *c, struct ctr_owned *oc, struct werr *err)
{
	struct detach_opts d;
	cleanup_free char *marker = api_attach_marker(c->e, oc->rec.id, "");
	struct werr ignore = {0};
	cleanup_free char *want = read_file_at(AT_FDCWD, marker, NULL, &ignore);
	char kind[8] = "";
	int pid = 0;
	unsigned long long start = 0;

	detach_opts_from_container(&oc->rec, &d);
	/* an attach waits for this start (docker run): the monitor holds the
	 * output for it while its process lives ("KIND PID START"), with a
	 * stdin pipe when it sends one */
	if (want != NULL && sscanf(want, "%7s %d %llu", kind, &pid, &start) < 1)
		kind[0] = '\0';
	d.attach_hold = want != NULL;
	d.interactive |= strcmp(kind, "stdin") == 0;
	d.hold_pid = pid > 0 ? pid : 0;
	d.hold_start = start;
	api_take_size(c->e, oc->rec.id, &d.rows, &d.cols);
	return container_detach(c->e, oc, &d, err);
}

int api_ctr_start(struct api_ctx *c)
{
	struct ctr_owned oc = {.lock = -1, .proc = {.pty_master = -1}};
	struct werr err = {0};
	int r;

	if (api_ready(c) < 0)
		return 0;
	r = container_prepare_start(c->e, c->arg, -1, &oc, &err);
	if (r > 0)
		r = start_owned(c, &oc, &err) < 0 ? -1 : 1;
	container_owned_free(c->e, &oc);
	if (r < 0)
		return strstr(err.msg, "no such container")
			   ? api_error(c, 404, "No such container: %s", c->arg)
			   : api_werr(c, &err, 500);
	/* 0: it runs already */
	return http_send(c->fd, r == 0 ? 304 : 204, NULL, NULL, 0, false) < 0;
}

/* ?t=SECONDS (also Podman's ?timeout=): -1 when absent; -2 (answered
 * with 400) when malformed */
static int timeout_param(struct api_ctx *c)
{
	cleanup_free char *t = http_query(c->req, "t");
	int64_t n;

	if (t == NULL)
		t = http_query(c->req, "timeout");
	if (t == NULL)
		return -1;
	if (parse_int64(t, -1, INT32_MAX, &n) < 0) {
		api_error(c, 400, "invalid timeout: %s", t);
		return -2;
	}
	return (int)n;
}

int api_ctr_stop(struct api_ctx *c)
{
	struct container_rec r = {0};
	struct werr err = {0};
	int t = timeout_param(c), rc;

	if (t == -2 || !api_ctr_lookup(c, &r))
		return 0;
	if (r.state != CTR_RUNNING) {
		container_rec_free(&r);
		return http_send(c->fd, 304, NULL, NULL, 0, false) < 0;
	}
	rc = container_stop(c->e, &r, t, &err);
	container_rec_free(&r);
	if (rc < 0)
		return api_werr(c, &err, 500);
	return http_send(c->fd, 204, NULL, NULL, 0, false) < 0;
}

int api_ctr_restart(struct api_ctx *c)
{
	struct ctr_owned oc = {.lock = -1, .proc = {.pty_master = -1}};
	struct container_rec r = {0};
	struct werr err = {0};
	int t = timeout_param(c), rc;

	if (t == -2 || !api_ctr_lookup(c, &r))
		return 0;
	rc = container_stop(c->e, &r, t, &err);
	if (rc == 0 && (rc = container_prepare_start(c->e, r.id, -1, &oc, &err)) > 0)
		rc = start_owned(c, &oc, &err);
	container_owned_free(c->e, &oc);
	container_rec_free(&r);
	if (rc < 0)
		return api_werr(c, &err, 500);
	return http_send(c->fd, 204, NULL, NULL, 0, false) < 0;
}

int api_ctr_kill(struct api_ctx *c)
{
	cleanup_free char *s = http_query(c->req, "signal");
	struct container_rec r = {0};
	struct werr err = {0};
	int sig = s && s[0] ? signal_parse(s) : SIGKILL, rc;

	if (sig <= 0)
		return api_error(c, 400, "invalid signal: %s", s);
	if (!api_ctr_lookup(c, &r))
		return 0;
	if (r.state != CTR_RUNNING) {
		api_error(c, 409, "Container %s is not running", c->arg);
		container_rec_free(&r);
		return 0;
	}
	rc = container_kill(c->e, &r, sig, &err);
	container_rec_free(&r);
	if (rc < 0)
		return api_werr(c, &err, 500);
	return http_send(c->fd, 204, NULL, NULL, 0, false) < 0;
}

/* ---- wait, remove ---- */

/* What a wait helper reports */
struct wait_result {
	int rc, code;
	struct werr err;
};

static int died_cb(void *arg, struct json_object *ev)
{
	struct json_object *code = jget(ev, "ContainerExitCode");

	if (code)
		*(int *)arg = json_object_get_int(code);
	return 0;
}

/* The exit code of an --rm container that is gone: its last "died" event
 * (the event log outlives the container). -1 when there is none. */
static int died_code(struct engine *e, const struct container_rec *r)
{
	cleanup_free char *f1 = xasprintf("container=%s", r->id);
	char *filters[] = {f1, "event=died", NULL};
	struct events_query q = {.since = r->created, .filters = filters};
	struct werr err = {0};
	int code = -1;

	if (events_read(e, &q, died_cb, &code, &err) < 0)
		return -1;
	return code;
}

/* container_wait_exit in a forked helper, so that a client that goes
 * away ends the wait (its process would otherwise poll on). 0 with *res
 * filled, -1 when the client left. */
static int wait_helper(struct api_ctx *c, const struct container_rec *r, struct wait_result *res)
{
	struct pollfd p[2];
	int fds[2], st;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		res->rc = werr_set(&res->err, errno, "pipe");
		return 0;
	}
	pid = api_fork(c);
	if (pid == 0) {
		struct wait_result w = {0};
		close(fds[0]);
		w.rc = container_wait_exit(c->e, r->id, &w.code, &w.err);
		/* an --rm container that is gone: its code from the event log */
		if (w.rc < 0 && r->autoremove && strstr(w.err.msg, "no such container") &&
		    (w.code = died_code(c->e, r)) >= 0)
			w.rc = 0;
		_exit(write_all(fds[1], &w, sizeof(w)) < 0);
	}
	close(fds[1]);
	p[0] = (struct pollfd){fds[0], POLLIN, 0};
	p[1] = (struct pollfd){c->fd, POLLRDHUP, 0};
	while (poll(p, 2, -1) < 0 && errno == EINTR)
		;
	if (pid < 0 || !(p[0].revents & (POLLIN | POLLHUP)) ||
	    read_all(fds[0], res, sizeof(*res)) != (ssize_t)sizeof(*res)) {
		if (pid > 0)
			kill(pid, SIGKILL);
		res->rc = werr_set(&res->err, 0, "the wait ended early");
	}
	close(fds[0]);
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return p[1].revents ? -1 : 0;
}

int api_ctr_wait(struct api_ctx *c)
{
	cleanup_free char *cond = http_query(c->req, "condition");
	cleanup_json struct json_object *o = json_object_new_object();
	struct container_rec r = {0};
	struct wait_result w = {0};

	/* libpod's conditions are states; the ones that mean the end are kept */
	if (c->libpod && cond && (!strcmp(cond, "stopped") || !strcmp(cond, "exited")))
		cond[0] = '\0';
	if (cond && cond[0] && strcmp(cond, "not-running") != 0 && strcmp(cond, "next-exit") != 0 &&
	    strcmp(cond, "removed") != 0)
		return api_error(c, 400, "invalid condition: \"%s\"", cond);
	if (!api_ctr_lookup(c, &r))
		return 0;
	/* the head at once, as Docker's: its CLI waits for it before it starts
	 * the container (docker run) */
	if (http_chunked_begin(c->fd, 200, "application/json") < 0 || wait_helper(c, &r, &w) < 0) {
		container_rec_free(&r);
		return 1;
	}
	if (w.rc < 0) {
		struct json_object *e = json_object_new_object();
		jset_str(e, "Message", w.err.msg);
		jset(o, "Error", e);
		w.code = -1;
	} else {
		jset(o, "Error", NULL);
	}
	container_rec_free(&r);
	jset(o, "StatusCode", json_object_new_int(w.code));
	if (c->libpod && w.rc >= 0) /* libpod's answer is the bare exit code */
		json_object_put(steal_pointer(&o)), o = json_object_new_int(w.code);
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	cleanup_free char *line = xasprintf("%s\n", s);
	if (http_chunk(c->fd, line, strlen(line)) < 0 || http_chunked_end(c->fd) < 0)
		return 1;
	return 0;
}

int api_ctr_remove_one(struct api_ctx *c, bool force, int timeout, char **id)
{
	struct container_rec r = {0};
	struct werr err = {0};
	int rc;

	if (!api_ctr_lookup(c, &r))
		return 0;
	if (!force && r.state == CTR_RUNNING) {
		if (c->libpod)
			api_error(c, 409,
				  "cannot remove container %s as it is running - running or "
				  "paused containers cannot be removed without force: container "
				  "state improper",
				  r.id);
		else
			api_error(c, 409,
				  "You cannot remove a running container %s. Stop the container "
				  "before attempting removal or force remove",
				  r.id);
		container_rec_free(&r);
		return 0;
	}
	rc = container_remove(c->e, &r, force, timeout, &err);
	if (rc == 0)
		*id = xstrdup(r.id);
	container_rec_free(&r);
	if (rc < 0) {
		api_werr(c, &err, 500);
		return 0;
	}
	return 1;
}

int api_ctr_remove(struct api_ctx *c)
{
	cleanup_free char *id = NULL;

	/* force: SIGKILL at once, as Docker's */
	if (!api_ctr_remove_one(c, http_query_bool(c->req, "force", false), 0, &id))
		return 0;
	return http_send(c->fd, 204, NULL, NULL, 0, false) < 0;
}

/* POST /containers/{id}/pause and /unpause: the cgroup freezer, as
 * `warren pause`; 409 for a container that does not run (or is already
 * in that state). */
static int pause_unpause(struct api_ctx *c, bool pause)
{
	struct container_rec r = {0};
	struct werr err = {0};
	int rc;

	if (!api_ctr_lookup(c, &r))
		return 0;
	if (r.state != CTR_RUNNING || r.paused == pause) {
		api_error(c, 409, "Container %s is %s", c->arg,
			  r.state != CTR_RUNNING ? "not running"
			  : pause		 ? "already paused"
						 : "not paused");
		container_rec_free(&r);
		return 0;
	}
	rc = container_pause(c->e, &r, pause, &err);
	container_rec_free(&r);
	if (rc < 0)
		return api_werr(c, &err, 500);
	return http_send(c->fd, 204, NULL, NULL, 0, false) < 0;
}

int api_ctr_pause(struct api_ctx *c)
{
	return pause_unpause(c, true);
}

int api_ctr_unpause(struct api_ctx *c)
{
	return pause_unpause(c, false);
}
