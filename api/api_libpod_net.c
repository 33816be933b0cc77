/* api_libpod_net.c - /libpod/networks: create, json, {name}/json,
 * exists, DELETE, prune, connect, disconnect over the engine calls of
 * `warren network` (runtime/netusers.h, net/netconf.h,
 * runtime/ctrbridge.h), with Podman's network objects (the JSON of
 * network inspect), as `podman --remote network` (4.3) reads them. */
#include "api/api_libpod.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "net/net.h"
#include "runtime/container.h"
#include "runtime/ctrbridge.h"
#include "runtime/netusers.h"

#include <stdio.h>
#include <string.h>

/* POST /libpod/networks/create: a network object (name, driver,
 * network_interface, subnets [{subnet, gateway, lease_range}], internal,
 * ipv6_enabled, dns_enabled, labels, options); 200 with the network,
 * 409 for a name in use */
int api_libpod_net_create(struct api_ctx *c)
{
	cleanup_json struct json_object *b = NULL;
	cleanup_strv char **subnets = NULL, **gws = NULL, **ranges = NULL, **labels = NULL,
			  **opts = NULL;
	struct network n = {0};
	struct werr err = {0};
	const char *bad = NULL, *s;
	static const struct {
		const char *field;
		enum json_type type;
	} types[] = {
	    {"name", json_type_string},
	    {"driver", json_type_string},
	    {"network_interface", json_type_string},
	    {"subnets", json_type_array},
	    {"internal", json_type_boolean},
	    {"ipv6_enabled", json_type_boolean},
	    {"dns_enabled", json_type_boolean},
	    {"labels", json_type_object},
	    {"options", json_type_object},
	    {"ipam_options", json_type_object},
	};

	if (api_ready(c) < 0 || (b = api_body(c)) == NULL)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		if (!api_typed(b, types[i].field, types[i].type, &bad))
			return api_error(c, 400, "json: field %s has the wrong type", bad);
	for (size_t i = 0; i < jlen(jget(b, "subnets")); i++) {
		struct json_object *sn = json_object_array_get_idx(jget(b, "subnets"), i);
		struct json_object *lr = jget(sn, "lease_range");
		if (jstr(sn, "subnet") == NULL)
			return api_error(c, 400, "json: a subnet without its subnet");
		subnets = strv_append(subnets, jstr(sn, "subnet"));
		if ((s = jstr(sn, "gateway")) && *s)
			gws = strv_append(gws, s);
		if (jstr(lr, "start_ip") && jstr(lr, "end_ip")) {
			cleanup_free char *r =
			    xasprintf("%s-%s", jstr(lr, "start_ip"), jstr(lr, "end_ip"));
			ranges = strv_append(ranges, r);
		}
	}
	if ((s = jstr(jget(b, "ipam_options"), "driver")) && *s && strcmp(s, "host-local") != 0)
		return api_error(c, 400, "unsupported ipam driver \"%s\": warren has host-local",
				 s);
	api_kv_append(jget(b, "labels"), &labels);
	api_kv_append(jget(b, "options"), &opts);
	struct netcreate_opts o = {
	    .name = jstr(b, "name") && *jstr(b, "name") ? jstr(b, "name") : NULL,
	    .driver = jstr(b, "driver") && *jstr(b, "driver") ? jstr(b, "driver") : NULL,
	    .iface = jstr(b, "network_interface") && *jstr(b, "network_interface")
			 ? jstr(b, "network_interface")
			 : NULL,
	    .subnets = subnets,
	    .gateways = gws,
	    .ip_ranges = ranges,
	    .internal = json_object_get_boolean(jget(b, "internal")),
	    .ipv6 = json_object_get_boolean(jget(b, "ipv6_enabled")),
	    .disable_dns =
		jget(b, "dns_enabled") && !json_object_get_boolean(jget(b, "dns_enabled")),
	    .labels = labels,
	    .options = opts};
	if (network_create(c->e, &o, &n, &err) < 0)
		return api_error(c, strstr(err.msg, "already exists") ? 409 : 400, "%s", err.msg);
	struct json_object *res = network_to_json(&n);
	network_free(&n);
	return api_json(c, 200, res);
}

/* GET /libpod/networks/json: every network (the default too), by name */
int api_libpod_net_list(struct api_ctx *c)
{
	struct network *v = NULL;
	struct json_object *a;
	size_t n = 0;

	if (!api_net_select(c, NET_FILTER_LS, &v, &n))
		return 0;
	a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, network_to_json(&v[i]));
	networks_free(v, n);
	return api_json(c, 200, a);
}

/* GET /libpod/networks/{name}/json */
int api_libpod_net_inspect(struct api_ctx *c)
{
	struct network n = {0};
	struct json_object *o;

	if (!api_net_lookup(c, &n))
		return 0;
	o = network_to_json(&n);
	network_free(&n);
	return api_json(c, 200, o);
}

/* GET /libpod/networks/{name}/exists: 204 or 404 */
int api_libpod_net_exists(struct api_ctx *c)
{
	struct network n = {0};

	if (!api_net_lookup(c, &n))
		return 0;
	network_free(&n);
	return http_send(c->fd, 204, NULL, NULL, 0, false) < 0;
}

/* DELETE /libpod/networks/{name}?force=&timeout=: [{"Name", "Err": null}];
 * in use without force or the default: 409 with network rm's message */
int api_libpod_net_remove(struct api_ctx *c)
{
	cleanup_free char *t = http_query(c->req, "timeout");
	struct network n = {0};
	struct werr err = {0};
	struct json_object *a, *o;
	int64_t timeout = 10;
	int rc;

	if (t && *t && parse_int64(t, 0, INT32_MAX, &timeout) < 0)
		return api_error(c, 400, "invalid timeout: %s", t);
	if (!api_net_lookup(c, &n))
		return 0;
	rc = network_remove(c->e, &n, http_query_bool(c->req, "force", false), (int)timeout, &err);
	network_free(&n);
	if (rc < 0)
		return api_error(c, 409, "%s", err.msg);
	a = json_object_new_array();
	o = json_object_new_object();
	jset_str(o, "Name", c->arg);
	jset(o, "Err", NULL);
	json_object_array_add(a, o);
	return api_json(c, 200, a);
}

/* POST /libpod/networks/prune: [{"Name", "Error": null}] of the networks
 * removed (the unused ones, never the default) */
int api_libpod_net_prune(struct api_ctx *c)
{
	cleanup_strv char **removed = NULL;
	struct json_object *a;

	if (!api_net_pruned(c, &removed))
		return 0;
	a = json_object_new_array();
	for (size_t i = 0; removed && removed[i]; i++) {
		struct json_object *o = json_object_new_object();
		jset_str(o, "Name", removed[i]);
		jset(o, "Error", NULL);
		json_object_array_add(a, o);
	}
	return api_json(c, 200, a);
}

/* POST /libpod/networks/{name}/connect {"container", "static_ips",
 * "aliases", "interface_name"} and /disconnect {"Container", "Force"}:
 * 200 "OK" */
static int net_connect(struct api_ctx *c, bool connect)
{
	cleanup_json struct json_object *b = NULL;
	cleanup_strv char **aliases = NULL, **ips = NULL;
	const char *key = connect ? "container" : "Container", *bad = NULL, *ctr;
	struct container_rec r = {0};
	struct network n = {0};
	struct werr err = {0};
	int rc;

	if (api_ready(c) < 0 || (b = api_body(c)) == NULL)
		return 0;
	if (!api_typed(b, key, json_type_string, &bad) ||
	    !api_typed(b, "aliases", json_type_array, &bad) ||
	    !api_typed(b, "static_ips", json_type_array, &bad) ||
	    !api_typed(b, "interface_name", json_type_string, &bad))
		return api_error(c, 400, "json: field %s has the wrong type", bad);
	ctr = jstr(b, key);
	if (ctr == NULL || ctr[0] == '\0')
		return api_error(c, 400, "the %s is missing", key);
	if (!api_net_lookup(c, &n))
		return 0;
	rc = container_lookup(c->e, ctr, &r, &err);
	if (rc <= 0) {
		network_free(&n);
		return rc == 0 ? api_error(c, 404,
					   "no container with name or ID \"%s\" found: no such "
					   "container",
					   ctr)
			       : api_werr(c, &err, 500);
	}
	if (connect) {
		const char *ifn = jstr(b, "interface_name");
		aliases = jstrv(jget(b, "aliases"));
		ips = jstrv(jget(b, "static_ips"));
		struct net_attach req = {.name = n.name,
					 .ip = ips && ips[0] ? ips[0] : NULL,
					 .aliases = aliases && aliases[0] ? aliases : NULL,
					 .ifname = ifn && *ifn ? (char *)ifn : NULL};
		rc = ctrbridge_connect(c->e, &r, n.name, &req, &err);
	} else {
		rc = ctrbridge_disconnect(c->e, &r, n.name, &err);
	}
	network_free(&n);
	container_rec_free(&r);
	if (rc < 0)
		return api_error(c, strstr(err.msg, "already") ? 409 : 400, "%s", err.msg);
	return api_json(c, 200, json_object_new_string("OK"));
}

int api_libpod_net_connect(struct api_ctx *c)
{
	return net_connect(c, true);
}

int api_libpod_net_disconnect(struct api_ctx *c)
{
	return net_connect(c, false);
}
