/* api_libpod.c - the /libpod/ endpoints whose shapes differ from Docker's:
 * what `podman --remote` (4.3) calls for info, ps, inspect, rm, images,
 * rmi, pull and pod ps. Each answer is the object the matching warren
 * command prints with --format json (Podman's own), so remote and local
 * output agree. */
#include "api/api_int.h"
#include "api/api_libpod.h"
#include "image/filter.h"
#include "image/image.h"
#include "image/img_json.h"
#include "image/progress.h"
#include "image/pull.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/ctr_json.h"
#include "runtime/ctrfilter.h"
#include "runtime/pods.h"
#include "runtime/runopts.h"
#include "runtime/sys_json.h"
#include "storage/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* GET /libpod/info: `warren info --format json`'s object */
int api_libpod_info(struct api_ctx *c)
{
	struct werr err = {0};
	struct json_object *o;

	if (api_ready(c) < 0)
		return 0;
	o = sys_json_info(c->e, c->conn->o->version, &err);
	return o ? api_json(c, 200, o) : api_werr(c, &err, 500);
}

/* "healthy" of "Up 5 seconds (healthy)"; "" without a health part */
static const char *health_of(const char *status)
{
	static char buf[32];
	const char *p = status ? strrchr(status, '(') : NULL;
	size_t n = p ? strlen(p) : 0;

	if (p == NULL || n < 3 || p[n - 1] != ')' || n - 2 >= sizeof(buf))
		return "";
	snprintf(buf, sizeof(buf), "%.*s", (int)(n - 2), p + 1);
	return buf;
}

/* GET /libpod/containers/json?all=&last=&filters=: `ps --format json`'s
 * entries, oldest first, as Podman's ps */
int api_libpod_ctr_list(struct api_ctx *c)
{
	cleanup_free char *last_s = http_query(c->req, "last");
	cleanup_strv char **specs = NULL;
	struct container_rec *v = NULL;
	struct werr err = {0};
	struct json_object *a;
	int64_t last = -1;
	size_t n = 0;
	bool ok;

	if (api_ready(c) < 0)
		return 0;
	specs = api_filters(c, &ok);
	if (!ok)
		return 0;
	if (last_s && parse_int64(last_s, -1, INT32_MAX, &last) < 0)
		return api_error(c, 400, "invalid last: %s", last_s);
	if (ctr_select(c->e, specs, http_query_bool(c->req, "all", false), (int)last, &v, &n,
		       &err) < 0)
		return api_werr(c, &err, strstr(err.msg, "filter") ? 400 : 500);
	a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = ctr_json_ps(&v[i], NULL);
		char when[64];
		pod_ps_fields(c->e, &v[i], o, true);
		/* the API's Created is a time (ps --format json prints seconds) */
		format_rfc3339(v[i].created, when, sizeof(when));
		jset_str(o, "Created", when);
		/* and its Status only the health ("healthy"): the client makes
		 * "Up 5 seconds (healthy)" from State, StartedAt and it */
		jset_str(o, "Status", health_of(jstr(o, "Status")));
		json_object_array_add(a, o);
	}
	container_recs_free(v, n);
	return api_json(c, 200, a);
}

/* GET /libpod/containers/{id}/json: `inspect`'s object (one, not a list) */
int api_libpod_ctr_inspect(struct api_ctx *c)
{
	struct container_rec r = {0};
	struct json_object *o;

	if (!api_ctr_lookup(c, &r))
		return 0;
	o = ctr_json_inspect(c->e, &r, false);
	container_rec_free(&r);
	return api_json(c, 200, o);
}

/* DELETE /libpod/containers/{id}?force=&timeout=: Podman's list of
 * reports, [{"Id": ..., "Err": null}] */
int api_libpod_ctr_remove(struct api_ctx *c)
{
	cleanup_free char *t = http_query(c->req, "timeout");
	cleanup_free char *id = NULL;
	struct json_object *a, *o;
	int64_t timeout = -1;

	if (t && *t && parse_int64(t, 0, INT32_MAX, &timeout) < 0)
		return api_error(c, 400, "invalid timeout: %s", t);
	if (!api_ctr_remove_one(c, http_query_bool(c->req, "force", false), (int)timeout, &id))
		return 0;
	a = json_object_new_array();
	o = json_object_new_object();
	jset_str(o, "Id", id);
	jset(o, "Err", NULL);
	json_object_array_add(a, o);
	return api_json(c, 200, a);
}

/* GET /libpod/images/json?all=&filters=: Podman's image summaries (the
 * entries of `images --format json`, with the names as RepoTags too) */
int api_libpod_img_list(struct api_ctx *c)
{
	cleanup_strv char **specs = NULL;
	struct image_rec *v = NULL;
	struct werr err = {0};
	struct json_object *a;
	struct store *st;
	size_t n = 0;
	bool ok;

	if (api_ready(c) < 0)
		return 0;
	specs = api_filters(c, &ok);
	if (!ok)
		return 0;
	if (image_filter_select(c->e, specs, http_query_bool(c->req, "all", false), &v, &n, &err) <
	    0)
		return err.status == 125 ? api_error(c, 400, "%s", err.msg)
					 : api_werr(c, &err, 500);
	st = engine_store(c->e, &err);
	a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *o;
		if (v[i].list)
			continue;
		o = img_json_list(&v[i], st ? store_image_users(st, v[i].id, &err) : 0);
		jset(o, "RepoTags",
		     strv_len(v[i].names) ? jnew_strv(v[i].names) : json_object_new_array());
		jset(o, "Dangling", json_object_new_boolean(strv_len(v[i].names) == 0));
		json_object_array_add(a, o);
	}
	image_recs_free(v, n);
	return api_json(c, 200, a);
}

/* DELETE /libpod/images/remove?images=A&images=B&force=&all=: Podman's
 * report {"Deleted", "Untagged", "Errors", "ExitCode"}; an unknown image
 * is 404 and a used one 409, with the message `rmi` prints */
int api_libpod_img_remove(struct api_ctx *c)
{
	bool force = http_query_bool(c->req, "force", false);
	bool all = http_query_bool(c->req, "all", false);
	cleanup_strv char **names = http_query_all(c->req, "images");
	cleanup_strv char **untagged = NULL, **deleted = NULL;
	struct json_object *o;
	struct werr err = {0};

	if (api_ready(c) < 0)
		return 0;
	if (all) {
		struct image_rec *v = NULL;
		size_t n = 0;
		struct store *st = engine_store(c->e, &err);
		if (st == NULL || store_image_list(st, &v, &n, &err) < 0)
			return api_werr(c, &err, 500);
		for (size_t i = 0; i < n; i++)
			names = strv_append(names, v[i].id);
		image_recs_free(v, n);
	}
	for (size_t i = 0; names && names[i]; i++) {
		struct image_rec img = {0};
		int r = image_lookup_list(c->e, names[i], &img, &err);
		image_rec_free(&img);
		if (r == 0)
			return api_error(c, 404, "%s: image not known", names[i]);
		if (r < 0 || image_remove(c->e, names[i], force, container_remove_by_image,
					  &untagged, &deleted, &err) < 0)
			return api_werr(c, &err, strstr(err.msg, "container") ? 409 : 500);
	}
	o = json_object_new_object();
	jset(o, "Deleted", jnew_strv(deleted));
	jset(o, "Untagged", jnew_strv(untagged));
	jset(o, "Errors", json_object_new_array());
	jset(o, "ExitCode", json_object_new_int(0));
	return api_json(c, 200, o);
}

/* ---- pull ---- */

/* The progress text `pull` prints, each write sent as {"stream": TEXT} */
struct stream_out {
	int fd;
	bool gone;
};

static ssize_t stream_write(void *cookie, const char *buf, size_t size)
{
	struct stream_out *so = cookie;
	struct json_object *o = json_object_new_object();
	cleanup_free char *line = NULL;

	json_object_object_add(o, "stream", json_object_new_string_len(buf, (int)size));
	line = xasprintf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	if (!so->gone && http_chunk(so->fd, line, strlen(line)) < 0)
		so->gone = true;
	return (ssize_t)size; /* the pull goes on when the client left */
}

/* POST /libpod/images/pull?reference=&policy=&quiet=&tlsVerify=&arch=&os=
 * &variant=: the progress lines of `pull` as {"stream"} objects, then
 * {"images": [ID], "id": ID}, or {"error": MSG} */
int api_libpod_img_pull(struct api_ctx *c)
{
	cleanup_free char *ref = http_query(c->req, "reference");
	cleanup_free char *policy_s = http_query(c->req, "policy");
	cleanup_free char *tls = http_query(c->req, "tlsVerify");
	cleanup_free char *arch = http_query(c->req, "arch");
	cleanup_free char *os = http_query(c->req, "os");
	cleanup_free char *variant = http_query(c->req, "variant");
	cleanup_free char *platform = NULL;
	bool quiet = http_query_bool(c->req, "quiet", false);
	struct stream_out so = {.fd = c->fd};
	struct pull_opts po = {.reg = {.tls_verify = -1}};
	enum pull_policy policy = PULL_ALWAYS; /* `podman pull`'s */
	char id[DIGEST_HEX_LEN + 1] = "";
	cookie_io_functions_t fns = {.write = stream_write};
	struct progress *pr = NULL;
	struct json_object *o;
	struct werr err = {0};
	FILE *out;
	int rc;

	if (ref == NULL || ref[0] == '\0')
		return api_error(c, 400, "reference parameter cannot be empty");
	if (policy_s && *policy_s && pull_policy_parse(policy_s, &policy, &err) < 0)
		return api_error(c, 400, "%s", err.msg);
	if (tls && *tls)
		po.reg.tls_verify = strcmp(tls, "false") != 0;
	if ((os && *os) || (arch && *arch))
		platform =
		    xasprintf("%s/%s%s%s", os && *os ? os : "linux", arch && *arch ? arch : "",
			      variant && *variant ? "/" : "", variant ? variant : "");
	po.platform = platform;
	if (api_ready(c) < 0)
		return 0;
	if (http_chunked_begin(c->fd, 200, "application/json") < 0)
		return 1;
	/* the policy as `run --pull` takes it: a stored image is no pull */
	out = fopencookie(&so, "w", fns);
	if (out != NULL) {
		setvbuf(out, NULL, _IOLBF, 0);
		pr = progress_new(out, false, quiet);
		po.event = progress_event;
		po.ud = pr;
	}
	rc = image_get_or_pull(c->e, ref, policy, &po, id, &err);
	if (pr)
		progress_free(pr);
	if (out)
		fclose(out);
	o = json_object_new_object();
	if (rc < 0) {
		jset_str(o, "error", err.msg);
	} else {
		struct json_object *ids = json_object_new_array();
		json_object_array_add(ids, json_object_new_string(id));
		jset(o, "images", ids);
		jset_str(o, "id", id);
	}
	{
		cleanup_free char *line =
		    xasprintf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
		if (!so.gone && http_chunk(c->fd, line, strlen(line)) < 0)
			so.gone = true;
	}
	if (so.gone || http_chunked_end(c->fd) < 0)
		return 1;
	return 0;
}

/* ---- create (Podman's SpecGenerator) ---- */

/* strings of array field k of o appended to *v; false when one is no string */
static bool str_list(struct json_object *o, const char *k, char ***v)
{
	struct json_object *a = jget(o, k);

	for (size_t i = 0; i < jlen(a); i++) {
		struct json_object *s = json_object_array_get_idx(a, i);
		if (!json_object_is_type(s, json_type_string))
			return false;
		*v = strv_append(*v, json_object_get_string(s));
	}
	return true;
}

int api_libpod_ports(struct json_object *pm, char ***specs, struct werr *err)
{
	for (size_t i = 0; i < jlen(pm); i++) {
		struct json_object *m = json_object_array_get_idx(pm, i);
		const char *ip = jstr(m, "host_ip"), *proto = jstr(m, "protocol");
		int cp = json_object_get_int(jget(m, "container_port"));
		int hp = json_object_get_int(jget(m, "host_port"));
		int range = jget(m, "range") ? json_object_get_int(jget(m, "range")) : 1;
		cleanup_free char *cports = NULL, *hports = NULL, *spec = NULL;

		if (cp <= 0 || cp > 65535 || hp < 0 || hp > 65535 || range < 1 ||
		    cp + range - 1 > 65535)
			return werr_set(err, 0, "invalid port mapping %d:%d (range %d)", hp, cp,
					range);
		cports = range > 1 ? xasprintf("%d-%d", cp, cp + range - 1) : xasprintf("%d", cp);
		hports = hp == 0     ? xstrdup("")
			 : range > 1 ? xasprintf("%d-%d", hp, hp + range - 1)
				     : xasprintf("%d", hp);
		spec = xasprintf("%s%s%s%s%s/%s", ip && *ip ? ip : "", ip && *ip ? ":" : "", hports,
				 (ip && *ip) || hp ? ":" : "", cports,
				 proto && *proto ? proto : "tcp");
		*specs = strv_append(*specs, spec);
	}
	return 0;
}

/* portmappings as run's -p specs into o */
static int spec_ports(struct run_opts *o, struct json_object *pm, struct werr *err)
{
	cleanup_strv char **specs = NULL;

	if (api_libpod_ports(pm, &specs, err) < 0)
		return -1;
	for (size_t i = 0; specs && specs[i]; i++)
		if (runopts_add_publish(o, specs[i], err) < 0)
			return -1;
	return 0;
}

char **api_libpod_networks(struct json_object *b)
{
	struct json_object *ns = jget(b, "netns"), *nets = jget(b, "Networks");
	const char *mode = jstr(ns, "nsmode"), *val = jstr(ns, "value");
	char **names = NULL;

	if (mode == NULL || !*mode || !strcmp(mode, "default") || !strcmp(mode, "private"))
		return NULL;
	if (!strcmp(mode, "container") || !strcmp(mode, "path")) {
		cleanup_free char *net =
		    xasprintf("%s:%s", !strcmp(mode, "path") ? "ns" : "container", val ? val : "");
		return strv_append(NULL, net);
	}
	/* --network NAME (repeated): bridge mode with the networks named */
	if (!strcmp(mode, "bridge") && json_object_is_type(nets, json_type_object)) {
		json_object_object_foreach(nets, k, v)
		{
			(void)v;
			names = strv_append(names, k);
		}
	}
	return names ? names : strv_append(NULL, mode);
}

/* netns and Networks as --network (each) into o */
static int spec_netns(struct run_opts *o, struct json_object *b, struct werr *err)
{
	cleanup_strv char **nets = api_libpod_networks(b);

	for (size_t i = 0; nets && nets[i]; i++)
		if (runopts_set_network(o, nets[i], err) < 0)
			return -1;
	return 0;
}

/* "SPEC[:opt,opt]" of a mount's options list */
static char *with_opts(const char *spec, struct json_object *opts)
{
	cleanup_strv char **v = jstrv(opts);
	cleanup_free char *o = v && v[0] ? strv_join(v, ",") : NULL;

	return o ? xasprintf("%s:%s", spec, o) : xstrdup(spec);
}

/* volumes [{Name, Dest, Options}] as -v NAME:DEST, mounts [{destination,
 * type, source, options}] as -v SRC:DST (bind), --tmpfs DST (tmpfs) or
 * --mount: 0, or -1 with err */
static int spec_mounts(struct run_opts *o, struct json_object *b, struct werr *err)
{
	struct json_object *vols = jget(b, "volumes"), *mounts = jget(b, "mounts");

	for (size_t i = 0; i < jlen(vols); i++) {
		struct json_object *v = json_object_array_get_idx(vols, i);
		const char *name = jstr(v, "Name"), *dest = jstr(v, "Dest");
		cleanup_free char *base = NULL, *spec = NULL;
		if (dest == NULL || !*dest)
			return werr_set(err, 0, "json: a volume without its Dest");
		base = name && *name ? xasprintf("%s:%s", name, dest) : xstrdup(dest);
		spec = with_opts(base, jget(v, "Options"));
		if (runopts_add_volume(o, spec, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < jlen(mounts); i++) {
		struct json_object *m = json_object_array_get_idx(mounts, i);
		const char *type = jstr(m, "type"), *src = jstr(m, "source");
		const char *dst = jstr(m, "destination");
		cleanup_free char *base = NULL, *spec = NULL;
		int r;
		if (type == NULL || dst == NULL || !*dst)
			return werr_set(err, 0, "json: a mount without its type or destination");
		if (!strcmp(type, "bind")) {
			base = xasprintf("%s:%s", src ? src : "", dst);
			spec = with_opts(base, jget(m, "options"));
			r = runopts_add_volume(o, spec, err);
		} else if (!strcmp(type, "tmpfs")) {
			spec = with_opts(dst, jget(m, "options"));
			r = runopts_add_tmpfs(o, spec, err);
		} else {
			cleanup_strv char **opts = jstrv(jget(m, "options"));
			cleanup_free char *rest = opts && opts[0] ? strv_join(opts, ",") : NULL;
			spec = xasprintf("type=%s,source=%s,destination=%s%s%s", type,
					 src ? src : "", dst, rest ? "," : "", rest ? rest : "");
			r = runopts_add_mount(o, spec, err);
		}
		if (r < 0)
			return -1;
	}
	return 0;
}

/* The SpecGenerator's fields warren has into o: 0, or -1 with err (400).
 * Fields it does not know are left alone, as the CLI's defaults. */
static int spec_opts(struct json_object *b, struct run_opts *o, struct werr *err)
{
	static const struct {
		const char *field;
		enum json_type type;
	} types[] = {
	    {"image", json_type_string},
	    {"name", json_type_string},
	    {"command", json_type_array},
	    {"entrypoint", json_type_array},
	    {"env", json_type_object},
	    {"labels", json_type_object},
	    {"work_dir", json_type_string},
	    {"user", json_type_string},
	    {"hostname", json_type_string},
	    {"terminal", json_type_boolean},
	    {"stdin", json_type_boolean},
	    {"remove", json_type_boolean},
	    {"privileged", json_type_boolean},
	    {"read_only_filesystem", json_type_boolean},
	    {"cap_add", json_type_array},
	    {"cap_drop", json_type_array},
	    {"portmappings", json_type_array},
	    {"netns", json_type_object},
	    {"Networks", json_type_object},
	    {"init", json_type_boolean},
	    {"restart_policy", json_type_string},
	    {"stop_timeout", json_type_int},
	    {"stop_signal", json_type_int},
	    {"annotations", json_type_object},
	    {"publish_image_ports", json_type_boolean},
	    {"pod", json_type_string},
	    {"volumes", json_type_array},
	    {"mounts", json_type_array},
	};
	const char *s, *bad = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		if (!api_typed(b, types[i].field, types[i].type, &bad))
			return werr_set(err, 0, "json: field %s has the wrong type", bad);
	if ((s = jstr(b, "image")) == NULL || !*s)
		return werr_set(err, 0, "no image specified");
	if ((s = jstr(b, "name")) && *s)
		o->name = xstrdup(s);
	if (!str_list(b, "command", &o->cmd) || !str_list(b, "entrypoint", &o->entrypoint) ||
	    !str_list(b, "cap_add", &o->cap_add) || !str_list(b, "cap_drop", &o->cap_drop))
		return werr_set(err, 0, "json: a list holds a value that is no string");
	o->entrypoint_set = jget(b, "entrypoint") != NULL && o->entrypoint != NULL;
	if (jget(b, "env")) {
		json_object_object_foreach(jget(b, "env"), k, v)
		{
			cleanup_free char *kv = xasprintf("%s=%s", k, json_object_get_string(v));
			if (!*k || runopts_add_env(o, kv, err) < 0)
				return werr_set(err, 0, "invalid environment variable \"%s\"", kv);
		}
	}
	if (jget(b, "labels")) {
		json_object_object_foreach(jget(b, "labels"), lk, lv)
		{
			cleanup_free char *l = xasprintf("%s=%s", lk, json_object_get_string(lv));
			if (runopts_add_label(o, l, err) < 0)
				return -1;
		}
	}
	if ((s = jstr(b, "work_dir")) && *s)
		o->workdir = xstrdup(s);
	if ((s = jstr(b, "user")) && *s)
		o->user = xstrdup(s);
	if ((s = jstr(b, "hostname")) && *s)
		o->hostname = xstrdup(s);
	o->tty = json_object_get_boolean(jget(b, "terminal"));
	o->interactive = json_object_get_boolean(jget(b, "stdin"));
	o->rm = json_object_get_boolean(jget(b, "remove"));
	o->privileged = json_object_get_boolean(jget(b, "privileged"));
	o->read_only = json_object_get_boolean(jget(b, "read_only_filesystem"));
	o->init = json_object_get_boolean(jget(b, "init"));
	o->publish_all = json_object_get_boolean(jget(b, "publish_image_ports"));
	if (jget(b, "stop_timeout"))
		o->stop_timeout = json_object_get_int(jget(b, "stop_timeout"));
	if (jget(b, "stop_signal") && json_object_get_int(jget(b, "stop_signal")) != 0) {
		char sig[16];
		snprintf(sig, sizeof(sig), "%d", json_object_get_int(jget(b, "stop_signal")));
		if (runopts_set_stop_signal(o, sig, err) < 0)
			return -1;
	}
	if ((s = jstr(b, "restart_policy")) && *s && strcmp(s, "no") != 0) {
		int tries = json_object_get_int(jget(b, "restart_tries"));
		cleanup_free char *r = tries > 0 ? xasprintf("%s:%d", s, tries) : xstrdup(s);
		if (runopts_set_restart(o, r, err) < 0)
			return -1;
	}
	if (jget(b, "annotations")) {
		json_object_object_foreach(jget(b, "annotations"), ak, av)
		{
			cleanup_free char *a = xasprintf("%s=%s", ak, json_object_get_string(av));
			if (runopts_add_annotation(o, a, err) < 0)
				return -1;
		}
	}
	if (spec_ports(o, jget(b, "portmappings"), err) < 0 || spec_netns(o, b, err) < 0 ||
	    spec_mounts(o, b, err) < 0)
		return -1;
	o->detach = true;
	return 0;
}

/* POST /libpod/containers/create: a SpecGenerator; 201 {"Id", "Warnings"} */
int api_libpod_ctr_create(struct api_ctx *c)
{
	cleanup_json struct json_object *b = NULL;
	struct ctr_owned oc = {.lock = -1, .proc = {.pty_master = -1}};
	cleanup_free char *pod_id = NULL;
	cleanup_strv char **keep = NULL;
	struct werr err = {0};
	struct json_object *res;
	struct run_opts o;
	int r;

	if (api_ready(c) < 0 || (b = api_body(c)) == NULL)
		return 0;
	runopts_init(&o);
	o.stop_timeout = -1;
	if (spec_opts(b, &o, &err) < 0 || api_libpod_spec_extra(b, &o, &keep, &err) < 0) {
		runopts_free(&o);
		return api_error(c, 400, "%s", err.msg);
	}
	/* --pod: joins it as run --pod does (the infra starts with it) */
	if (jstr(b, "pod") && *jstr(b, "pod") &&
	    pod_join_opts(c->e, jstr(b, "pod"), &o, &pod_id, &err) < 0) {
		runopts_free(&o);
		return api_error(c, strstr(err.msg, "no such pod") ? 404 : 400, "%s", err.msg);
	}
	r = container_create(c->e, jstr(b, "image"), &o, &oc, &err);
	runopts_free(&o);
	if (r < 0) {
		if (strstr(err.msg, "image not known"))
			return api_error(c, 404, "%s", err.msg);
		return api_werr(c, &err, strstr(err.msg, "already in use") ? 409 : 500);
	}
	res = json_object_new_object();
	jset_str(res, "Id", oc.rec.id);
	jset(res, "Warnings", json_object_new_array());
	container_owned_free(c->e, &oc);
	return api_json(c, 201, res);
}
