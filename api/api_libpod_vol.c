/* api_libpod_vol.c - /libpod/volumes: create, json (with volume ls's
 * filters), {name}/json, exists, DELETE and prune, over the engine calls
 * of `warren volume` (runtime/volumes.h), with the objects `volume
 * inspect` prints (Podman's), as `podman --remote volume` (4.3) reads. */
#include "api/api_libpod.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/volumes.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* POST /libpod/volumes/create {"Name", "Driver", "Label", "Labels",
 * "Options"}: 201 with the volume; a name in use: 409 */
int api_libpod_vol_create(struct api_ctx *c)
{
	cleanup_json struct json_object *b = NULL;
	cleanup_strv char **labels = NULL, **opts = NULL;
	cleanup_free char *name = NULL;
	struct volume_rec v = {0};
	struct werr err = {0};
	struct json_object *res;
	const char *bad = NULL;
	static const char *const objs[] = {"Label", "Labels", "Options"};

	if (api_ready(c) < 0 || (b = api_body(c)) == NULL)
		return 0;
	if (!api_typed(b, "Name", json_type_string, &bad) ||
	    !api_typed(b, "Driver", json_type_string, &bad))
		return api_error(c, 400, "json: field %s has the wrong type", bad);
	for (size_t i = 0; i < ARRAY_SIZE(objs); i++)
		if (!api_typed(b, objs[i], json_type_object, &bad))
			return api_error(c, 400, "json: field %s has the wrong type", bad);
	api_kv_append(jget(b, "Label"), &labels);
	api_kv_append(jget(b, "Labels"), &labels);
	api_kv_append(jget(b, "Options"), &opts);
	struct volume_create_opts o = {
	    .name = jstr(b, "Name") && *jstr(b, "Name") ? jstr(b, "Name") : NULL,
	    .driver = jstr(b, "Driver") && *jstr(b, "Driver") ? jstr(b, "Driver") : NULL,
	    .labels = labels,
	    .opts = opts};
	if (volume_create(c->e, &o, &name, &err) < 0)
		return api_error(c, err.errnum == EEXIST ? 409 : 400, "%s", err.msg);
	if (volume_lookup(c->e, name, &v, &err) != 1)
		return api_werr(c, &err, 500);
	res = volume_json(c->e, &v, false);
	volume_rec_free(&v);
	return api_json(c, 201, res);
}

/* GET /libpod/volumes/json?filters=: the volumes (volume ls's filters) */
int api_libpod_vol_list(struct api_ctx *c)
{
	cleanup_strv char **specs = NULL;
	struct volume_rec *v = NULL;
	struct werr err = {0};
	struct json_object *a;
	size_t n = 0;
	bool ok;

	if (api_ready(c) < 0)
		return 0;
	specs = api_filters(c, &ok);
	if (!ok)
		return 0;
	if (volume_list(c->e, specs, &v, &n, &err) < 0)
		return api_error(c, err.status == 125 || strstr(err.msg, "filter") ? 400 : 500,
				 "%s", err.msg);
	a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, volume_json(c->e, &v[i], false));
	volume_recs_free(v, n);
	return api_json(c, 200, a);
}

/* GET /libpod/volumes/{name}/json */
int api_libpod_vol_inspect(struct api_ctx *c)
{
	struct volume_rec v = {0};
	struct json_object *o;

	if (!api_vol_lookup(c, &v))
		return 0;
	o = volume_json(c->e, &v, false);
	volume_rec_free(&v);
	return api_json(c, 200, o);
}

/* GET /libpod/volumes/{name}/exists: 204 or 404 */
int api_libpod_vol_exists(struct api_ctx *c)
{
	struct volume_rec v = {0};

	if (!api_vol_lookup(c, &v))
		return 0;
	volume_rec_free(&v);
	return http_send(c->fd, 204, NULL, NULL, 0, false) < 0;
}

/* DELETE /libpod/volumes/{name}?force=&timeout=: 204; in use: 409 with
 * volume rm's message */
int api_libpod_vol_remove(struct api_ctx *c)
{
	cleanup_free char *t = http_query(c->req, "timeout");
	struct volume_rec v = {0};
	struct werr err = {0};
	int64_t timeout = 10;

	if (t && *t && parse_int64(t, 0, INT32_MAX, &timeout) < 0)
		return api_error(c, 400, "invalid timeout: %s", t);
	if (!api_vol_lookup(c, &v))
		return 0;
	volume_rec_free(&v);
	if (volume_remove(c->e, c->arg, http_query_bool(c->req, "force", false), (int)timeout,
			  &err) < 0)
		return api_error(c, err.errnum == EBUSY ? 409 : 500, "%s", err.msg);
	return http_send(c->fd, 204, NULL, NULL, 0, false) < 0;
}

/* POST /libpod/volumes/prune?filters=: [{"Id": NAME, "Size": 0}] */
int api_libpod_vol_prune(struct api_ctx *c)
{
	cleanup_strv char **removed = NULL;
	struct json_object *a;

	if (!api_vol_pruned(c, &removed))
		return 0;
	a = json_object_new_array();
	for (size_t i = 0; removed && removed[i]; i++) {
		struct json_object *o = json_object_new_object();
		jset_str(o, "Id", removed[i]);
		jset(o, "Size", json_object_new_int64(0));
		json_object_array_add(a, o);
	}
	return api_json(c, 200, a);
}
