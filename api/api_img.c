/* api_img.c - GET /images/json, GET /images/{name}/json, DELETE
 * /images/{name}: the objects `images` and `image inspect` print
 * (image/img_json.h) in Docker's shape (ids with their "sha256:"). */
#include "api/api_int.h"
#include "image/filter.h"
#include "image/history.h"
#include "image/image.h"
#include "image/img_json.h"
#include "image/search.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "storage/store.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void sha_id(struct json_object *o, const char *key)
{
	const char *id = jstr(o, key);

	if (id && *id && !str_has_prefix(id, "sha256:")) {
		cleanup_free char *s = xasprintf("sha256:%s", id);
		jset_str(o, key, s);
	}
}

struct json_object *api_img_summary(const struct image_rec *img, int users, int64_t shared)
{
	struct json_object *o = img_json_list(img, users);

	sha_id(o, "Id");
	/* Docker's RepoTags are the names (Podman 4 has them in Names) */
	jset(o, "RepoTags", strv_len(img->names) ? jnew_strv(img->names) : json_object_new_array());
	jset(o, "SharedSize", json_object_new_int64(shared));
	if (jget(o, "Labels") == NULL)
		jset(o, "Labels", json_object_new_object());
	return o;
}

int api_img_list(struct api_ctx *c)
{
	struct image_rec *v = NULL;
	struct werr err = {0};
	struct json_object *a;
	struct store *st;
	size_t n = 0;

	if (api_ready(c) < 0)
		return 0;
	st = engine_store(c->e, &err);
	if (store_image_list(st, &v, &n, &err) < 0)
		return api_werr(c, &err, 500);
	a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		if (v[i].list)
			continue; /* a manifest list is no image to run (as Podman's list) */
		json_object_array_add(
		    a, api_img_summary(&v[i], store_image_users(st, v[i].id, &err), -1));
	}
	image_recs_free(v, n);
	return api_json(c, 200, a);
}

/* The image the path names ({name}; lists too when list), looked up; a
 * missing one is answered (404) here. 1 found (*img filled), 0 answered. */
static int img_lookup(struct api_ctx *c, bool list, struct image_rec *img)
{
	struct werr err = {0};
	int r;

	if (api_ready(c) < 0)
		return 0;
	r = list ? image_lookup_list(c->e, c->arg, img, &err)
		 : image_lookup(c->e, c->arg, img, &err);
	if (r == 1)
		return 1;
	if (r == 0)
		api_error(c, 404, c->libpod ? "%s: image not known" : "No such image: %s", c->arg);
	else
		api_werr(c, &err, 500);
	return 0;
}

int api_img_inspect(struct api_ctx *c)
{
	struct image_rec img = {0};
	struct json_object *o;

	if (!img_lookup(c, false, &img))
		return 0;
	o = img_json_inspect(c->e, &img, false);
	sha_id(o, "Id");
	image_rec_free(&img);
	return api_json(c, 200, o);
}

int api_img_remove(struct api_ctx *c)
{
	bool force = http_query_bool(c->req, "force", false);
	cleanup_strv char **untagged = NULL, **deleted = NULL;
	struct image_rec img = {0};
	struct werr err = {0};
	struct json_object *a;

	if (!img_lookup(c, true, &img))
		return 0;
	image_rec_free(&img);
	if (image_remove(c->e, c->arg, force, container_remove_by_image, &untagged, &deleted,
			 &err) < 0)
		return api_werr(c, &err, strstr(err.msg, "container") ? 409 : 500);
	a = json_object_new_array();
	for (size_t i = 0; untagged && untagged[i]; i++) {
		struct json_object *o = json_object_new_object();
		jset_str(o, "Untagged", untagged[i]);
		json_object_array_add(a, o);
	}
	for (size_t i = 0; deleted && deleted[i]; i++) {
		struct json_object *o = json_object_new_object();
		cleanup_free char *id = str_has_prefix(deleted[i], "sha256:")
					    ? xstrdup(deleted[i])
					    : xasprintf("sha256:%s", deleted[i]);
		jset_str(o, "Deleted", id);
		json_object_array_add(a, o);
	}
	return api_json(c, 200, a);
}

/* POST /images/{name}/tag?repo=REPO&tag=TAG: 201 */
int api_img_tag(struct api_ctx *c)
{
	cleanup_free char *repo = http_query(c->req, "repo");
	cleanup_free char *tag = http_query(c->req, "tag");
	cleanup_free char *ref = NULL;
	struct image_rec img = {0};
	struct werr err = {0};

	if (repo == NULL || repo[0] == '\0')
		return api_error(c, 400, "repo is required");
	if (!img_lookup(c, true, &img))
		return 0;
	image_rec_free(&img);
	ref = tag && tag[0] ? xasprintf("%s:%s", repo, tag) : xstrdup(repo);
	if (image_tag(c->e, c->arg, ref, &err) < 0)
		return api_error(c, 400, "%s", err.msg);
	return http_send(c->fd, 201, NULL, NULL, 0, false) < 0;
}

/* GET /images/{name}/history: `warren history`'s entries (image_history)
 * as Docker's [{"Id", "Created", "CreatedBy", "Tags", "Size", "Comment"}],
 * newest first; "<missing>" for a layer no stored image tops */
int api_img_history(struct api_ctx *c)
{
	struct image_rec img = {0};
	struct image_history *h = NULL;
	struct werr err = {0};
	struct json_object *a;
	size_t n = 0;

	if (!img_lookup(c, false, &img))
		return 0;
	if (image_history(c->e, &img, &h, &n, &err) < 0) {
		image_rec_free(&img);
		return api_werr(c, &err, 500);
	}
	a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		/* libpod's ids are bare hex (its client cuts them to 12) */
		cleanup_free char *id =
		    h[i].id[0] ? xasprintf("%s%s", c->libpod ? "" : "sha256:", h[i].id) : NULL;
		jset_str(o, "Id", id ? id : "<missing>");
		jset(o, "Created",
		     json_object_new_int64(h[i].has_created ? h[i].created / 1000000000LL : 0));
		jset_str(o, "CreatedBy", h[i].created_by);
		/* the tags go with the entry of the image itself */
		jset(o, "Tags",
		     id && strcmp(h[i].id, img.id) == 0 && img.names && img.names[0]
			 ? jnew_strv(img.names)
			 : NULL);
		jset(o, "Size", json_object_new_int64(h[i].size));
		jset_str(o, "Comment", h[i].comment);
		json_object_array_add(a, o);
	}
	image_history_free(h, n);
	image_rec_free(&img);
	return api_json(c, 200, a);
}

/* POST /images/prune?filters=: `warren image prune` (image_prune);
 * Docker's {"dangling": ["false"]} is --all. {"ImagesDeleted":
 * [{"Deleted"}], "SpaceReclaimed"} (0: not counted) */
int api_img_prune(struct api_ctx *c)
{
	cleanup_strv char **specs = NULL, **rest = NULL, **removed = NULL;
	struct werr err = {0};
	struct json_object *o, *a;
	bool ok, all = false;

	if (api_ready(c) < 0)
		return 0;
	specs = api_filters(c, &ok);
	if (!ok)
		return 0;
	for (char **p = specs; p && *p; p++) {
		if (strcmp(*p, "dangling=false") == 0 || strcmp(*p, "dangling=0") == 0)
			all = true;
		else if (strcmp(*p, "dangling=true") != 0 && strcmp(*p, "dangling=1") != 0)
			rest = strv_append(rest, *p);
	}
	if (image_prune(c->e, all, rest, &removed, &err) < 0 && removed == NULL)
		return api_error(c, strstr(err.msg, "filter") ? 400 : 500, "%s", err.msg);
	a = json_object_new_array();
	for (char **p = removed; p && *p; p++) {
		struct json_object *d = json_object_new_object();
		cleanup_free char *id = xasprintf("sha256:%s", *p);
		jset_str(d, "Deleted", id);
		json_object_array_add(a, d);
	}
	o = json_object_new_object();
	jset(o, "ImagesDeleted", a);
	jset(o, "SpaceReclaimed", json_object_new_int64(0));
	return api_json(c, 200, o);
}

/* GET /images/get?names=A&names=B and GET /images/{name}/get: `warren
 * save -m`'s docker-archive of every image named (image_save to the
 * connection, its end the body's), as `docker save A B`; a missing one is
 * a 404 before anything is sent */
int api_img_save(struct api_ctx *c)
{
	static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\n"
				   "Connection: close\r\n\r\n";
	cleanup_strv char **refs =
	    c->arg[0] ? strv_append(NULL, c->arg) : http_query_all(c->req, "names");
	struct werr err = {0};

	if (refs == NULL || refs[0][0] == '\0')
		return api_error(c, 400, "save: no image given (?names=)");
	if (api_ready(c) < 0)
		return 0;
	for (char **r = refs; *r; r++) {
		struct image_rec img = {0};
		int found = (*r)[0] ? image_lookup(c->e, *r, &img, &err) : 0;
		image_rec_free(&img);
		if (found <= 0)
			return api_error(c, 404, "No such image: %s", *r);
	}
	struct save_opts o = {.format = SAVE_DOCKER_ARCHIVE, .multi = true, .out_fd = c->fd};
	if (write_all(c->fd, head, sizeof(head) - 1) == 0)
		image_save(c->e, refs, &o, &err);
	return 1;
}

/* POST /images/load: the body (an archive `warren load` reads; spooled
 * to a file by api_spool, else in memory) loaded from there or through a pipe (image_load takes it
 * into a temp file); Docker's {"stream": "Loaded image: NAME\n"} lines */
int api_img_load(struct api_ctx *c)
{
	cleanup_strv char **names = NULL;
	cleanup_free char *path = NULL, *body = NULL;
	struct werr err = {0};
	int p[2], rc, st;
	pid_t pid;

	if (api_ready(c) < 0)
		return 0;
	if (c->req->body_len == 0)
		return api_error(c, 400, "load: the body is empty");
	if (c->req->body_fd >= 0) { /* spooled (api_spool): loaded from its file */
		path = xasprintf("/proc/self/fd/%d", c->req->body_fd);
		rc = image_load(c->e, path, &names, &err);
		goto loaded;
	}
	if (pipe2(p, O_CLOEXEC) < 0)
		return api_error(c, 500, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		signal(SIGPIPE, SIG_IGN);
		_exit(write_all(p[1], c->req->body, c->req->body_len) < 0);
	}
	close(p[1]);
	path = xasprintf("/proc/self/fd/%d", p[0]);
	rc = pid < 0 ? werr_set(&err, errno, "fork") : image_load(c->e, path, &names, &err);
	close(p[0]);
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
loaded:
	if (rc < 0)
		return api_error(c, 400, "load: %s", err.msg);
	body = xstrdup("");
	for (char **n = names; n && *n; n++) {
		cleanup_json struct json_object *o = json_object_new_object();
		cleanup_free char *msg = xasprintf("Loaded image: %s\n", *n);
		jset_str(o, "stream", msg);
		char *more = xasprintf("%s%s\n", body,
				       json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		free(body);
		body = more;
	}
	return http_send(c->fd, 200, "application/json", body, strlen(body), false) < 0;
}

/* GET /images/search?term=&limit=: `warren search` (image_search) as
 * Docker's [{"name", "description", "star_count", "is_official",
 * "is_automated"}] */
int api_img_search(struct api_ctx *c)
{
	cleanup_free char *term = http_query(c->req, "term"), *lim = http_query(c->req, "limit");
	struct search_opts o = {.reg = {.tls_verify = -1}, .official = -1, .automated = -1};
	struct search_result *r = NULL;
	struct werr err = {0};
	struct json_object *a;
	int64_t limit = 0;
	size_t n = 0;

	if (term == NULL || term[0] == '\0')
		return api_error(c, 400, "search: the term is missing (?term=)");
	if (lim && parse_int64(lim, 0, 100, &limit) < 0)
		return api_error(c, 400, "invalid limit: %s", lim);
	o.limit = (int)limit;
	if (api_ready(c) < 0)
		return 0;
	if (image_search(c->e, term, &o, &r, &n, &err) < 0)
		return api_werr(c, &err, 500);
	a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_new_object();
		jset_str(e, "name", r[i].name);
		jset_str(e, "description", r[i].description);
		jset(e, "star_count", json_object_new_int(r[i].stars));
		jset(e, "is_official", json_object_new_boolean(r[i].official));
		jset(e, "is_automated", json_object_new_boolean(r[i].automated));
		json_object_array_add(a, e);
	}
	search_results_free(r, n);
	return api_json(c, 200, a);
}
