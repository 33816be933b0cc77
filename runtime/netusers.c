/* netusers.c - which containers use which network, and network removal
 * with them (see netusers.h). */
#include "runtime/netusers.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/events.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "storage/store.h"

char *network_dir(struct engine *e)
{
	return xasprintf("%s/networks", e->root);
}

/* The NetConfig.Networks object of a container's create options (new
 * reference), NULL when it is on no network. */
static struct json_object *networks_of(const struct container_rec *c)
{
	cleanup_json struct json_object *j = c->config ? json_tokener_parse(c->config) : NULL;
	struct json_object *nets = jget(jget(j, "NetConfig"), "Networks");

	return nets && json_object_is_type(nets, json_type_object) ? json_object_get(nets) : NULL;
}

/* Every container record (no state refresh: a network's users are all of
 * its containers, running or not). */
static int all_containers(struct engine *e, struct container_rec **v, size_t *n, struct werr *err)
{
	struct store *s = engine_store(e, err);

	if (s == NULL)
		return -1;
	return store_container_list(s, v, n, err);
}

int network_users(struct engine *e, const char *name, char ***ids, struct werr *err)
{
	struct container_rec *v = NULL;
	char **out = xcalloc(1, sizeof(char *));
	size_t n = 0;

	if (all_containers(e, &v, &n, err) < 0) {
		free(out);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		cleanup_json struct json_object *nets = networks_of(&v[i]);
		struct json_object *one = jget(nets, name);
		if (one && json_object_is_type(one, json_type_object))
			out = strv_append(out, v[i].id);
	}
	container_recs_free(v, n);
	*ids = out;
	return 0;
}

int network_used_names(struct engine *e, char ***names, struct werr *err)
{
	struct container_rec *v = NULL;
	char **out = xcalloc(1, sizeof(char *));
	size_t n = 0;

	if (all_containers(e, &v, &n, err) < 0) {
		free(out);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		cleanup_json struct json_object *nets = networks_of(&v[i]);
		if (nets == NULL)
			continue;
		json_object_object_foreach(nets, k, val)
		{
			if (json_object_is_type(val, json_type_object) && !strv_contains(out, k))
				out = strv_append(out, k);
		}
	}
	container_recs_free(v, n);
	*names = out;
	return 0;
}

static void network_event(struct engine *e, const char *status, const struct network *n)
{
	struct event ev = {
	    .type = "network", .status = status, .id = n->id, .name = n->name, .exit_code = -1};

	event_log(e, &ev);
}

int network_create(struct engine *e, const struct netcreate_opts *o, struct network *out,
		   struct werr *err)
{
	cleanup_free char *dir = network_dir(e);
	bool existed = false;

	if (o->ignore && o->name) {
		struct network old = {0};
		existed = netconf_lookup(dir, o->name, &old, NULL) == 1;
		network_free(&old);
	}
	if (netconf_create(dir, o, out, err) < 0)
		return -1;
	if (!existed)
		network_event(e, "create", out);
	return 0;
}

int network_remove(struct engine *e, const struct network *n, bool force, int timeout,
		   struct werr *err)
{
	cleanup_free char *dir = network_dir(e);
	cleanup_strv char **ids = NULL;

	if (strcmp(n->name, netconf_default_name()) == 0) {
		werr_set(err, 0, "default network %s cannot be removed", n->name);
		return werr_status(err, 125);
	}
	if (network_users(e, n->name, &ids, err) < 0)
		return -1;
	if (ids[0] != NULL && !force) {
		werr_set(err, 0,
			 "\"%s\" has associated containers with it. Use -f to forcibly delete "
			 "containers and pods: network is being used",
			 n->name);
		err->errnum = EBUSY;
		return werr_status(err, 2);
	}
	if (ids[0] != NULL && container_remove_users(e, ids, "network", n->name, timeout, err) < 0)
		return -1;
	if (netconf_remove(dir, n->name, err) < 0)
		return -1;
	network_event(e, "remove", n);
	return 0;
}

int network_prune(struct engine *e, const struct network *v, size_t n, char ***removed,
		  struct werr *err)
{
	cleanup_free char *dir = network_dir(e);
	cleanup_strv char **used = NULL;
	struct network *all = NULL;
	size_t nall = 0;

	*removed = NULL;
	if (v == NULL) {
		if (netconf_list(dir, &all, &nall, err) < 0)
			return -1;
		v = all;
		n = nall;
	}
	if (network_used_names(e, &used, err) < 0) {
		networks_free(all, nall);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct werr e2 = {0};
		if (strcmp(v[i].name, netconf_default_name()) == 0 ||
		    strv_contains(used, v[i].name))
			continue;
		/* not forced: one that a container took meanwhile stays */
		if (network_remove(e, &v[i], false, 0, &e2) == 0)
			*removed = strv_append(*removed, v[i].name);
		else if (e2.status != 2)
			log_warn("%s", e2.msg);
	}
	networks_free(all, nall);
	return 0;
}
