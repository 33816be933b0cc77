/* api_vol.c - /volumes: create, list, inspect, remove, prune over the
 * engine calls of `warren volume` (runtime/volumes.h), with Docker's
 * shapes. */
#include "api/api_int.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/volumes.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Docker's volume object: podman's inspect without its own fields */
struct json_object *api_vol_json(struct engine *e, const struct volume_rec *v)
{
	struct json_object *o = volume_json(e, v, false);
	static const char *const podman_only[] = {"UID", "GID", "MountCount", "NeedsCopyUp",
						  "NeedsChown"};

	for (size_t i = 0; i < sizeof(podman_only) / sizeof(podman_only[0]); i++)
		json_object_object_del(o, podman_only[i]);
	return o;
}

int api_vol_lookup(struct api_ctx *c, struct volume_rec *v)
{
	struct werr err = {0};
	int r;

	if (api_ready(c) < 0)
		return 0;
	r = volume_lookup(c->e, c->arg, v, &err);
	if (r == 0)
		api_error(c, 404,
			  c->libpod ? "no volume with name \"%s\" found: no such volume"
				    : "get %s: no such volume",
			  c->arg);
	else if (r < 0)
		api_werr(c, &err, 500);
	return r == 1;
}

/* POST /volumes/create {"Name", "Driver", "DriverOpts", "Labels"}: 201 */
int api_vol_create(struct api_ctx *c)
{
	cleanup_json struct json_object *b = NULL;
	cleanup_strv char **labels = NULL, **opts = NULL;
	cleanup_free char *name = NULL;
	struct volume_rec v = {0};
	struct werr err = {0};
	const char *bad = NULL;

	if (api_ready(c) < 0 || (b = api_body(c)) == NULL)
		return 0;
	if (!api_typed(b, "Name", json_type_string, &bad) ||
	    !api_typed(b, "Driver", json_type_string, &bad) ||
	    !api_typed(b, "DriverOpts", json_type_object, &bad) ||
	    !api_typed(b, "Labels", json_type_object, &bad))
		return api_error(c, 400, "json: field %s has the wrong type", bad);
	if (jget(b, "Labels")) {
		json_object_object_foreach(jget(b, "Labels"), k, val)
		{
			cleanup_free char *l = xasprintf("%s=%s", k, json_object_get_string(val));
			labels = strv_append(labels, l);
		}
	}
	if (jget(b, "DriverOpts")) {
		json_object_object_foreach(jget(b, "DriverOpts"), k, val)
		{
			cleanup_free char *o = xasprintf("%s=%s", k, json_object_get_string(val));
			opts = strv_append(opts, o);
		}
	}
	struct volume_create_opts o = {
	    .name = jstr(b, "Name") && jstr(b, "Name")[0] ? jstr(b, "Name") : NULL,
	    .driver = jstr(b, "Driver") && jstr(b, "Driver")[0] ? jstr(b, "Driver") : NULL,
	    .labels = labels,
	    .opts = opts,
	    /* Docker's create of an existing name answers that volume */
	    .ignore = true};
	if (volume_create(c->e, &o, &name, &err) < 0)
		return api_error(c, 400, "%s", err.msg);
	if (volume_lookup(c->e, name, &v, &err) != 1)
		return api_werr(c, &err, 500);
	struct json_object *res = api_vol_json(c->e, &v);
	volume_rec_free(&v);
	return api_json(c, 201, res);
}

/* GET /volumes?filters=: {"Volumes": [...], "Warnings": []} */
int api_vol_list(struct api_ctx *c)
{
	cleanup_strv char **specs = NULL;
	struct volume_rec *v = NULL;
	struct werr err = {0};
	struct json_object *o, *a;
	size_t n = 0;
	bool ok;

	if (api_ready(c) < 0)
		return 0;
	specs = api_filters(c, &ok);
	if (!ok)
		return 0;
	if (volume_list(c->e, specs, &v, &n, &err) < 0)
		return api_error(
		    c, strstr(err.msg, "invalid") || strstr(err.msg, "filter") ? 400 : 500, "%s",
		    err.msg);
	a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, api_vol_json(c->e, &v[i]));
	volume_recs_free(v, n);
	o = json_object_new_object();
	jset(o, "Volumes", a);
	jset(o, "Warnings", json_object_new_array());
	return api_json(c, 200, o);
}

/* GET /volumes/{name} */
int api_vol_inspect(struct api_ctx *c)
{
	struct volume_rec v = {0};
	struct json_object *o;

	if (!api_vol_lookup(c, &v))
		return 0;
	o = api_vol_json(c->e, &v);
	volume_rec_free(&v);
	return api_json(c, 200, o);
}

/* DELETE /volumes/{name}?force=: 204; 409 in use */
int api_vol_remove(struct api_ctx *c)
{
	struct volume_rec v = {0};
	struct werr err = {0};

	if (!api_vol_lookup(c, &v))
		return 0;
	volume_rec_free(&v);
	if (volume_remove(c->e, c->arg, http_query_bool(c->req, "force", false), 10, &err) < 0)
		return api_error(c, err.errnum == EBUSY ? 409 : 500, "%s", err.msg);
	return http_send(c->fd, 204, NULL, NULL, 0, false) < 0;
}

int api_vol_pruned(struct api_ctx *c, char ***removed)
{
	cleanup_strv char **specs = NULL;
	struct werr err = {0};
	bool ok;

	*removed = NULL;
	if (api_ready(c) < 0)
		return 0;
	specs = api_filters(c, &ok);
	if (!ok)
		return 0;
	if (volume_prune(c->e, specs, false, removed, &err) < 0 && *removed == NULL) {
		api_error(c, 400, "%s", err.msg);
		return 0;
	}
	return 1;
}

/* POST /volumes/prune?filters=: {"VolumesDeleted", "SpaceReclaimed"} */
int api_vol_prune(struct api_ctx *c)
{
	cleanup_strv char **removed = NULL;
	struct json_object *o;

	if (!api_vol_pruned(c, &removed))
		return 0;
	o = json_object_new_object();
	jset(o, "VolumesDeleted", jnew_strv(removed));
	jset(o, "SpaceReclaimed", json_object_new_int64(0));
	return api_json(c, 200, o);
}
