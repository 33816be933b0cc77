/* api_net.c - /networks: create, list, inspect, remove, prune, connect,
 * disconnect over the engine calls of `warren network`
 * (runtime/netusers.h, net/netconf.h, runtime/ctrbridge.h), with
 * Docker's shapes. */
#include "api/api_int.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "net/net.h"
#include "runtime/container.h"
#include "runtime/ctrbridge.h"
#include "runtime/netfilter.h"
#include "runtime/netusers.h"

#include <stdio.h>
#include <string.h>

/* Docker's network object of n (its containers: the ids using it) */
static struct json_object *net_json(struct api_ctx *c, const struct network *n)
{
	struct json_object *o = json_object_new_object(), *ipam = json_object_new_object(),
			   *cfg = json_object_new_array(), *ctrs = json_object_new_object(),
			   *from = json_object_new_object();
	cleanup_strv char **ids = NULL;
	struct werr err = {0};

	jset_str(o, "Name", n->name);
	jset_str(o, "Id", n->id);
	jset_str(o, "Created", n->created);
	jset_str(o, "Scope", "local");
	jset_str(o, "Driver", n->driver ? n->driver : "bridge");
	jset(o, "EnableIPv6", json_object_new_boolean(n->ipv6));
	for (size_t i = 0; i < n->nsubnets; i++) {
		struct json_object *s = json_object_new_object();
		jset_str(s, "Subnet", n->subnets[i].subnet);
		if (n->subnets[i].gateway)
			jset_str(s, "Gateway", n->subnets[i].gateway);
		json_object_array_add(cfg, s);
	}
	jset_str(ipam, "Driver", "default");
	jset(ipam, "Options", NULL);
	jset(ipam, "Config", cfg);
	jset(o, "IPAM", ipam);
	jset(o, "Internal", json_object_new_boolean(n->internal));
	jset(o, "Attachable", json_object_new_boolean(false));
	jset(o, "Ingress", json_object_new_boolean(false));
	jset_str(from, "Network", "");
	jset(o, "ConfigFrom", from);
	jset(o, "ConfigOnly", json_object_new_boolean(false));
	if (network_users(c->e, n->name, &ids, &err) == 0)
		for (char **p = ids; p && *p; p++)
			jset(ctrs, *p, json_object_new_object());
	jset(o, "Containers", ctrs);
	jset(o, "Options", netconf_kv_json(n->options));
	jset(o, "Labels", netconf_kv_json(n->labels));
	return o;
}

int api_net_lookup(struct api_ctx *c, struct network *n)
{
	cleanup_free char *dir = NULL;
	struct werr err = {0};
	int r;

	if (api_ready(c) < 0)
		return 0;
	dir = network_dir(c->e);
	r = netconf_lookup(dir, c->arg, n, &err);
	if (r == 0)
		api_error(c, 404,
			  c->libpod ? "unable to find network with name or ID %s: network not found"
				    : "network %s not found",
			  c->arg);
	else if (r < 0)
		api_werr(c, &err, 500);
	return r == 1;
}

/* POST /networks/create {"Name", "Driver", "Internal", "EnableIPv6",
 * "IPAM": {"Config": [{"Subnet", "Gateway", "IPRange"}]}, "Options",
 * "Labels"}: 201 {"Id", "Warning"}; 409 a name in use */
int api_net_create(struct api_ctx *c)
{
	cleanup_json struct json_object *b = NULL;
	cleanup_strv char **subnets = NULL, **gateways = NULL, **ranges = NULL, **labels = NULL,
			  **options = NULL;
	struct json_object *cfg;
	struct network n = {0};
	struct werr err = {0};
	const char *bad = NULL;

	if (api_ready(c) < 0 || (b = api_body(c)) == NULL)
		return 0;
	if (!api_typed(b, "Name", json_type_string, &bad) ||
	    !api_typed(b, "Driver", json_type_string, &bad) ||
	    !api_typed(b, "Internal", json_type_boolean, &bad) ||
	    !api_typed(b, "EnableIPv6", json_type_boolean, &bad) ||
	    !api_typed(b, "IPAM", json_type_object, &bad) ||
	    !api_typed(b, "Options", json_type_object, &bad) ||
	    !api_typed(b, "Labels", json_type_object, &bad) ||
	    !api_typed(jget(b, "IPAM"), "Config", json_type_array, &bad))
		return api_error(c, 400, "json: field %s has the wrong type", bad);
	if (jstr(b, "Name") == NULL || jstr(b, "Name")[0] == '\0')
		return api_error(c, 400, "network create: the Name is missing");
	cfg = jget(jget(b, "IPAM"), "Config");
	for (size_t i = 0; i < jlen(cfg); i++) {
		struct json_object *s = json_object_array_get_idx(cfg, i);
		if (jstr(s, "Subnet"))
			subnets = strv_append(subnets, jstr(s, "Subnet"));
		if (jstr(s, "Gateway"))
			gateways = strv_append(gateways, jstr(s, "Gateway"));
		if (jstr(s, "IPRange"))
			ranges = strv_append(ranges, jstr(s, "IPRange"));
	}
	api_kv_append(jget(b, "Labels"), &labels);
	api_kv_append(jget(b, "Options"), &options);
	struct netcreate_opts o = {
	    .name = jstr(b, "Name"),
	    .driver = jstr(b, "Driver") && jstr(b, "Driver")[0] ? jstr(b, "Driver") : NULL,
	    .subnets = subnets,
	    .gateways = gateways,
	    .ip_ranges = ranges,
	    .internal = json_object_get_boolean(jget(b, "Internal")),
	    .ipv6 = json_object_get_boolean(jget(b, "EnableIPv6")),
	    .labels = labels,
	    .options = options};
	if (network_create(c->e, &o, &n, &err) < 0)
		return api_error(c, strstr(err.msg, "already") ? 409 : 400, "%s", err.msg);
	struct json_object *res = json_object_new_object();
	jset_str(res, "Id", n.id);
	jset_str(res, "Warning", "");
	network_free(&n);
	return api_json(c, 201, res);
}

/* The networks the request's filters (filters=) pick, for kind (Docker's
 * list, ls's or prune's keys) */
int api_net_select(struct api_ctx *c, enum net_filter_kind kind, struct network **v, size_t *n)
{
	cleanup_strv char **specs = NULL;
	struct net_filter f = {0};
	struct werr err = {0};
	bool ok;
	int rc;

	*v = NULL;
	*n = 0;
	if (api_ready(c) < 0)
		return 0;
	specs = api_filters(c, &ok);
	if (!ok)
		return 0;
	if (net_filter_parse(specs, kind, &f, &err) < 0) {
		net_filter_free(&f);
		api_error(c, 400, "%s", err.msg);
		return 0;
	}
	rc = network_select(c->e, &f, v, n, &err);
	net_filter_free(&f);
	if (rc < 0) {
		api_werr(c, &err, 500);
		return 0;
	}
	return 1;
}

int api_net_pruned(struct api_ctx *c, char ***removed)
{
	struct network *v = NULL;
	struct werr err = {0};
	size_t n = 0;
	int rc;

	*removed = NULL;
	if (!api_net_select(c, NET_FILTER_PRUNE, &v, &n))
		return 0;
	/* none passed: nothing to do (a NULL v would mean every network) */
	rc = n > 0 ? network_prune(c->e, v, n, removed, &err) : 0;
	networks_free(v, n);
	if (rc < 0 && *removed == NULL) {
		api_werr(c, &err, 500);
		return 0;
	}
	return 1;
}

/* GET /networks?filters={"name":[...],"label":[...],"type":["custom"]} */
int api_net_list(struct api_ctx *c)
{
	struct network *v = NULL;
	struct json_object *a;
	size_t n = 0;

	if (!api_net_select(c, NET_FILTER_DOCKER, &v, &n))
		return 0;
	a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, net_json(c, &v[i]));
	networks_free(v, n);
	return api_json(c, 200, a);
}

/* GET /networks/{id} */
int api_net_inspect(struct api_ctx *c)
{
	struct network n = {0};
	struct json_object *o;

	if (!api_net_lookup(c, &n))
		return 0;
	o = net_json(c, &n);
	network_free(&n);
	return api_json(c, 200, o);
}

/* DELETE /networks/{id}: 204; 409 in use or the default */
int api_net_remove(struct api_ctx *c)
{
	struct network n = {0};
	struct werr err = {0};
	int rc;

	if (!api_net_lookup(c, &n))
		return 0;
	rc = network_remove(c->e, &n, false, 10, &err);
	network_free(&n);
	if (rc < 0)
		return api_error(c, 409, "%s", err.msg);
	return http_send(c->fd, 204, NULL, NULL, 0, false) < 0;
}

/* POST /networks/prune?filters={"label":[...],"until":[...]}:
 * {"NetworksDeleted"} */
int api_net_prune(struct api_ctx *c)
{
	cleanup_strv char **removed = NULL;
	struct json_object *o;

	if (!api_net_pruned(c, &removed))
		return 0;
	o = json_object_new_object();
	jset(o, "NetworksDeleted", jnew_strv(removed));
	return api_json(c, 200, o);
}

/* POST /networks/{id}/connect and /disconnect {"Container",
 * "EndpointConfig": {"IPAMConfig": {"IPv4Address"}, "Aliases"}} */
static int net_connect(struct api_ctx *c, bool connect)
{
	cleanup_json struct json_object *b = NULL;
	cleanup_strv char **aliases = NULL;
	struct network n = {0};
	struct container_rec r = {0};
	struct werr err = {0};
	const char *bad = NULL, *ctr;
	int rc;

	if (api_ready(c) < 0 || (b = api_body(c)) == NULL)
		return 0;
	if (!api_typed(b, "Container", json_type_string, &bad) ||
	    !api_typed(b, "EndpointConfig", json_type_object, &bad))
		return api_error(c, 400, "json: field %s has the wrong type", bad);
	ctr = jstr(b, "Container");
	if (ctr == NULL || ctr[0] == '\0')
		return api_error(c, 400, "the Container is missing");
	if (!api_net_lookup(c, &n))
		return 0;
	rc = container_lookup(c->e, ctr, &r, &err);
	if (rc <= 0) {
		network_free(&n);
		return rc == 0 ? api_error(c, 404, "No such container: %s", ctr)
			       : api_werr(c, &err, 500);
	}
	if (connect) {
		struct json_object *ep = jget(b, "EndpointConfig");
		aliases = jstrv(jget(ep, "Aliases"));
		const char *ip = jstr(jget(ep, "IPAMConfig"), "IPv4Address");
		struct net_attach req = {
		    .name = n.name, .ip = ip && ip[0] ? (char *)ip : NULL, .aliases = aliases};
		rc = ctrbridge_connect(c->e, &r, n.name, &req, &err);
	} else {
		rc = ctrbridge_disconnect(c->e, &r, n.name, &err);
	}
	network_free(&n);
	container_rec_free(&r);
	if (rc < 0)
		return api_error(c, strstr(err.msg, "already") ? 409 : 400, "%s", err.msg);
	return http_send(c->fd, 200, NULL, NULL, 0, false) < 0;
}

int api_net_connect(struct api_ctx *c)
{
	return net_connect(c, true);
}

int api_net_disconnect(struct api_ctx *c)
{
	return net_connect(c, false);
}
