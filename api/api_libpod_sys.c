/* api_libpod_sys.c - the small /libpod/ endpoints `podman --remote` (4.3)
 * calls for version, system df, container exists, image exists, image
 * inspect and untag, with the shapes its client reads and the values
 * the warren CLI prints. */
#include "api/api_libpod.h"
#include "image/image.h"
#include "image/filter.h"
#include "image/img_json.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/ctrfilter.h"
#include "runtime/ctrmanage.h"
#include "runtime/sys_json.h"
#include "runtime/sysdf.h"
#include "storage/store.h"

#include <stdio.h>
#include <string.h>

/* GET /libpod/version: Podman's component version; the client prints
 * Server: Version, API Version (the "Podman Engine" component's
 * APIVersion), Go Version, Built and OS/Arch from it, which are warren's
 * `version` values */
int api_libpod_version(struct api_ctx *c)
{
	cleanup_json struct json_object *v = sys_json_version(c->conn->o->version);
	struct json_object *o = json_object_new_object(), *comp = json_object_new_object(),
			   *det = json_object_new_object(), *comps = json_object_new_array();
	const char *osarch = jstr(v, "OsArch") ? jstr(v, "OsArch") : "linux/";
	const char *slash = strchr(osarch, '/');
	cleanup_free char *os = xstrndup(osarch, slash ? (size_t)(slash - osarch) : strlen(osarch));
	char built[64];

	format_rfc3339(json_object_get_int64(jget(v, "Built")) * 1000000000LL, built,
		       sizeof(built));
	jset_str(det, "APIVersion", jstr(v, "APIVersion"));
	jset_str(comp, "Name", "Podman Engine");
	jset_str(comp, "Version", jstr(v, "Version"));
	jset(comp, "Details", det);
	json_object_array_add(comps, comp);
	jset(o, "Components", comps);
	jset_str(o, "Version", jstr(v, "Version"));
	jset_str(o, "ApiVersion", jstr(v, "APIVersion"));
	jset_str(o, "MinAPIVersion", LIBPOD_VERSION);
	jset_str(o, "GitCommit", jstr(v, "GitCommit"));
	jset_str(o, "GoVersion", jstr(v, "GoVersion"));
	jset_str(o, "Os", os);
	jset_str(o, "Arch", slash ? slash + 1 : "");
	jset_str(o, "BuildTime", built);
	return api_json(c, 200, o);
}

/* "repo:tag" of an image's first name into *repo and *tag ("<none>") */
static void repo_tag(const struct image_rec *r, char **repo, const char **tag)
{
	char *colon;

	*repo = xstrdup(r->names && r->names[0] ? r->names[0] : "<none>");
	*tag = "<none>";
	colon = r->names && r->names[0] ? strrchr(*repo, ':') : NULL;
	if (colon && strchr(colon, '/') == NULL) {
		*colon = '\0';
		*tag = colon + 1;
	}
}

static struct json_object *time_json(int64_t ns)
{
	char when[64];

	format_rfc3339(ns, when, sizeof(when));
	return json_object_new_string(when);
}

/* [{"Id"|"Name": x, "Size": 0, "Err"|"Error": null}] of the names v */
static struct json_object *prune_reports(char *const *v, const char *key, const char *err_key,
					 bool size)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; v && v[i]; i++) {
		struct json_object *o = json_object_new_object();
		jset_str(o, key, v[i]);
		if (size)
			jset(o, "Size", json_object_new_int64(0));
		jset(o, err_key, NULL);
		json_object_array_add(a, o);
	}
	return a;
}

/* POST /libpod/system/prune?all=&volumes=&filters=: Podman's
 * SystemPruneReport (what `system prune` removed, and the bytes) */
int api_libpod_system_prune(struct api_ctx *c)
{
	cleanup_strv char **specs = NULL;
	struct sys_pruned p;
	struct werr err = {0};
	struct json_object *o;
	bool ok;
	int rc;

	if (api_ready(c) < 0)
		return 0;
	specs = api_filters(c, &ok);
	if (!ok)
		return 0;
	rc = sys_prune(c->e, http_query_bool(c->req, "all", false),
		       http_query_bool(c->req, "volumes", false), specs, &p, &err);
	if (rc < 0 && err.status == 125) {
		sys_pruned_free(&p);
		return api_error(c, 400, "%s", err.msg);
	}
	if (rc < 0) {
		sys_pruned_free(&p);
		return api_werr(c, &err, 500);
	}
	o = json_object_new_object();
	jset(o, "PodPruneReport", NULL);
	jset(o, "ContainerPruneReports", prune_reports(p.ctrs, "Id", "Err", true));
	jset(o, "ImagePruneReports", prune_reports(p.imgs, "Id", "Err", true));
	jset(o, "NetworkPruneReports", prune_reports(p.nets, "Name", "Error", false));
	jset(o, "VolumePruneReports", prune_reports(p.vols, "Id", "Err", false));
	jset(o, "ReclaimedSpace", json_object_new_int64(p.reclaimed));
	sys_pruned_free(&p);
	return api_json(c, 200, o);
}

/* GET /libpod/system/df: {"Images", "Containers", "Volumes"} as `system
 * df -v` lists them (the client sums them into the summary) */
int api_libpod_system_df(struct api_ctx *c)
{
	struct json_object *o, *imgs, *ctrs, *vols;
	struct werr err = {0};
	struct sys_df d;

	if (api_ready(c) < 0)
		return 0;
	if (sys_df(c->e, &d, &err) < 0)
		return api_werr(c, &err, 500);
	imgs = json_object_new_array();
	for (size_t i = 0; i < d.nimages; i++) {
		const struct df_image *im = &d.images[i];
		struct json_object *j = json_object_new_object();
		cleanup_free char *repo = NULL;
		const char *tag;
		repo_tag(&im->rec, &repo, &tag);
		jset_str(j, "Repository", repo);
		jset_str(j, "Tag", tag);
		jset(j, "ImageID", json_object_new_string_len(im->rec.id, 12));
		jset(j, "Created", time_json(im->rec.created));
		jset(j, "Size", json_object_new_int64(im->rec.size));
		jset(j, "SharedSize", json_object_new_int64(im->shared));
		jset(j, "UniqueSize", json_object_new_int64(im->rec.size - im->shared));
		jset(j, "Containers", json_object_new_int(im->containers));
		json_object_array_add(imgs, j);
	}
	ctrs = json_object_new_array();
	for (size_t i = 0; i < d.nctrs; i++) {
		const struct df_ctr *k = &d.ctrs[i];
		struct json_object *j = json_object_new_object();
		jset(j, "ContainerID", json_object_new_string_len(k->rec.id, 12));
		jset(j, "Image",
		     json_object_new_string_len(k->rec.image_id ? k->rec.image_id : "",
						k->rec.image_id ? 12 : 0));
		jset(j, "Command", jnew_strv(k->rec.command));
		jset(j, "LocalVolumes", json_object_new_int(k->volumes));
		jset(j, "Size", json_object_new_int64(k->size));
		jset(j, "RWSize", json_object_new_int64(k->size));
		jset(j, "Created", time_json(k->rec.created));
		jset_str(j, "Status", ctr_state_name(k->rec.state));
		jset_str(j, "Names", k->rec.name);
		json_object_array_add(ctrs, j);
	}
	vols = json_object_new_array();
	for (size_t i = 0; i < d.nvols; i++) {
		struct json_object *j = json_object_new_object();
		jset_str(j, "VolumeName", d.vols[i].rec.name);
		jset(j, "Links", json_object_new_int(d.vols[i].links));
		jset(j, "Size", json_object_new_int64(d.vols[i].size));
		jset(j, "ReclaimableSize",
		     json_object_new_int64(d.vols[i].links ? 0 : d.vols[i].size));
		json_object_array_add(vols, j);
	}
	sys_df_free(&d);
	o = json_object_new_object();
	jset(o, "Images", imgs);
	jset(o, "Containers", ctrs);
	jset(o, "Volumes", vols);
	return api_json(c, 200, o);
}

/* GET /libpod/containers/{id}/exists: 204, or 404 */
int api_libpod_ctr_exists(struct api_ctx *c)
{
	struct container_rec r = {0};

	if (!api_ctr_lookup(c, &r))
		return 0;
	container_rec_free(&r);
	return http_send(c->fd, 204, NULL, NULL, 0, false) < 0;
}

/* The image the path names (manifest lists too when list); Podman's 404
 * "NAME: image not known" answered here. 1 found. */
static int img_ref(struct api_ctx *c, bool list, struct image_rec *img)
{
	struct werr err = {0};
	int r;

	if (api_ready(c) < 0)
		return 0;
	r = list ? image_lookup_list(c->e, c->arg, img, &err)
		 : image_lookup(c->e, c->arg, img, &err);
	if (r == 0)
		api_error(c, 404, "%s: image not known", c->arg);
	else if (r < 0)
		api_werr(c, &err, 500);
	return r == 1;
}

/* GET /libpod/images/{name}/exists: 204, or 404 */
int api_libpod_img_exists(struct api_ctx *c)
{
	struct image_rec img = {0};

	if (!img_ref(c, true, &img))
		return 0;
	image_rec_free(&img);
	return http_send(c->fd, 204, NULL, NULL, 0, false) < 0;
}

/* GET /libpod/images/{name}/json: `image inspect`'s object */
int api_libpod_img_inspect(struct api_ctx *c)
{
	struct image_rec img = {0};
	struct json_object *o;

	if (!img_ref(c, false, &img))
		return 0;
	o = img_json_inspect(c->e, &img, false);
	image_rec_free(&img);
	return api_json(c, 200, o);
}

/* POST /libpod/images/{name}/untag?repo=&tag=: 201; no repo: every name
 * goes (untag IMAGE), else REPO:TAG; a name it does not have: 404 with
 * untag's message */
int api_libpod_img_untag(struct api_ctx *c)
{
	cleanup_free char *repo = http_query(c->req, "repo");
	cleanup_free char *tag = http_query(c->req, "tag");
	cleanup_free char *name = NULL;
	struct image_rec img = {0};
	struct werr err = {0};
	char *names[2] = {NULL, NULL};

	if (!img_ref(c, true, &img))
		return 0;
	image_rec_free(&img);
	if (repo && *repo) {
		name = tag && *tag ? xasprintf("%s:%s", repo, tag) : xstrdup(repo);
		names[0] = name;
	}
	if (image_untag(c->e, c->arg, names[0] ? names : NULL, &err) < 0)
		return api_error(c, strstr(err.msg, "not known") ? 404 : 400, "%s", err.msg);
	return http_send(c->fd, 201, NULL, NULL, 0, false) < 0;
}

/* GET /libpod/containers/{id}/logs: the Docker handler's stream; an
 * unknown container is Podman's message in one frame of stream 3 (its
 * 4.3 client reads the body as a stream whatever the status, and would
 * print "channel 123 found" for the JSON of a 404) */
int api_libpod_ctr_logs(struct api_ctx *c)
{
	struct container_rec r = {0};
	struct werr err = {0};
	cleanup_free char *msg = NULL, *buf = NULL;
	size_t n;
	int found;

	if (api_ready(c) < 0)
		return 0;
	found = container_lookup(c->e, c->arg, &r, &err);
	container_rec_free(&r);
	if (found != 0)
		return api_ctr_logs(c);
	msg = xasprintf("no container with name or ID \"%s\" found: no such container", c->arg);
	n = strlen(msg);
	buf = xmalloc(8 + n);
	memcpy(buf, (const unsigned char[]){3, 0, 0, 0}, 4); /* stderr */
	be32_put((unsigned char *)buf + 4, (uint32_t)n);
	memcpy(buf + 8, msg, n);
	return http_send(c->fd, 200, "application/vnd.docker.multiplexed-stream", buf, 8 + n,
			 false) < 0;
}

/* POST /libpod/containers/prune?filters=: the stopped containers (container
 * prune's filters) removed, as Podman's prune reports */
int api_libpod_ctr_prune(struct api_ctx *c)
{
	cleanup_strv char **removed = NULL;

	if (!api_ctr_pruned(c, &removed))
		return 0;
	return api_json(c, 200, prune_reports(removed, "Id", "Err", true));
}

/* POST /libpod/images/prune?all=&filters=: the dangling (all: unused)
 * images removed, as Podman's prune reports */
int api_libpod_img_prune(struct api_ctx *c)
{
	cleanup_strv char **specs = NULL, **removed = NULL;
	struct werr err = {0};
	bool ok;

	if (api_ready(c) < 0)
		return 0;
	specs = api_filters(c, &ok);
	if (!ok)
		return 0;
	if (image_prune(c->e, http_query_bool(c->req, "all", false), specs, &removed, &err) < 0 &&
	    removed == NULL)
		return api_error(c, strstr(err.msg, "filter") ? 400 : 500, "%s", err.msg);
	return api_json(c, 200, prune_reports(removed, "Id", "Err", true));
}
