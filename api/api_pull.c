/* api_pull.c - POST /images/create?fromImage=NAME&tag=TAG: image_pull, as
 * `warren pull` runs it, with its progress events sent as Docker's
 * progress stream (one JSON object a chunk: "Pulling fs layer",
 * "Downloading" with progressDetail, "Pull complete", "Already exists",
 * then "Status: ..."; a failure after the head is an "error" object, as
 * Docker's daemon sends it). POST /images/{name}/push: image_push, as
 * `warren push` runs it, in the same stream's words. */
#include "api/api_int.h"
#include "api/api_libpod.h"
#include "image/image.h"
#include "image/progress.h"
#include "image/pull.h"
#include "image/push.h"
#include "lib/base64.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"

#include <stdio.h>
#include <string.h>

struct pull_stream {
	int fd;
	bool gone; /* the client left: the pull goes on, nothing more is sent */
};

static void send_line(struct pull_stream *ps, struct json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							      JSON_C_TO_STRING_NOSLASHESCAPE);
	cleanup_free char *line = xasprintf("%s\r\n", s);

	if (!ps->gone && http_chunk(ps->fd, line, strlen(line)) < 0)
		ps->gone = true;
	json_object_put(o);
}

static struct json_object *status_line(const char *status, const char *id)
{
	struct json_object *o = json_object_new_object();

	jset_str(o, "status", status);
	if (id)
		jset_str(o, "id", id);
	return o;
}

/* a layer's short id in Docker's lines: its digest's first 12 hex digits */
static void layer_id(const char *digest, char id[13])
{
	const char *hex = digest && strchr(digest, ':') ? strchr(digest, ':') + 1 : digest;

	snprintf(id, 13, "%.12s", hex ? hex : "");
}

/* image_pull's events as Docker's progress lines, for a layer's short id */
static void pull_event(void *ud, const struct pull_event *ev)
{
	static const struct {
		enum pull_ev kind;
		const char *status;
	} layer_status[] = {
	    {PULL_EV_BLOB_START, "Pulling fs layer"},
	    {PULL_EV_BLOB_PROGRESS, "Downloading"},
	    {PULL_EV_BLOB_DONE, "Pull complete"},
	    {PULL_EV_BLOB_SKIPPED, "Already exists"},
	};
	struct pull_stream *ps = ud;
	char id[13];

	layer_id(ev->digest, id);
	for (size_t i = 0; i < sizeof(layer_status) / sizeof(layer_status[0]); i++) {
		struct json_object *o, *pd;
		if (layer_status[i].kind != ev->kind)
			continue;
		o = status_line(layer_status[i].status, id);
		pd = json_object_new_object();
		if (ev->kind == PULL_EV_BLOB_PROGRESS) {
			jset(pd, "current", json_object_new_int64(ev->done));
			jset(pd, "total", json_object_new_int64(ev->size));
		}
		jset(o, "progressDetail", pd);
		send_line(ps, o);
		return;
	}
	if (ev->kind == PULL_EV_TRYING && ev->name)
		send_line(ps, status_line("Trying to pull", ev->name));
}

/* fromImage with tag (a digest when it is one) as one reference, malloc'd */
static char *pull_ref(const char *from, const char *tag)
{
	const char *slash = strrchr(from, '/'), *last = slash ? slash + 1 : from;

	if (tag == NULL || tag[0] == '\0' || strchr(last, ':') || strchr(last, '@'))
		return xstrdup(from);
	return xasprintf("%s%s%s", from, strchr(tag, ':') ? "@" : ":", tag);
}

/* X-Registry-Auth (base64url of {"username", "password"}) as reg_opts'
 * "USER:PASS"; NULL when absent or empty (the auth file then) */
static char *registry_auth(struct api_ctx *c)
{
	const char *h = http_header(c->req, "X-Registry-Auth");
	cleanup_free char *std = NULL, *raw = NULL;
	cleanup_json struct json_object *o = NULL;
	size_t len;

	if (h == NULL || h[0] == '\0')
		return NULL;
	std = xstrdup(h);
	for (char *p = std; *p; p++)
		*p = *p == '-' ? '+' : *p == '_' ? '/' : *p;
	if (base64_decode(std, &raw, &len) < 0 || (o = json_tokener_parse(raw)) == NULL)
		return NULL;
	if (jstr(o, "username") == NULL || jstr(o, "username")[0] == '\0')
		return NULL;
	return xasprintf("%s:%s", jstr(o, "username"),
			 jstr(o, "password") ? jstr(o, "password") : "");
}

int api_img_pull(struct api_ctx *c)
{
	cleanup_free char *from = http_query(c->req, "fromImage");
	cleanup_free char *tag = http_query(c->req, "tag");
	cleanup_free char *src = http_query(c->req, "fromSrc");
	cleanup_free char *platform = http_query(c->req, "platform");
	cleanup_free char *ref = NULL, *name = NULL, *creds = registry_auth(c);
	struct pull_stream ps = {.fd = c->fd};
	struct pull_opts po = {
	    .reg = {.creds = creds, .tls_verify = -1}, .event = pull_event, .ud = &ps};
	char id[DIGEST_HEX_LEN + 1];
	struct werr err = {0};

	if (src && src[0])
		return api_error(c, 501, "fromSrc (import) is not supported yet");
	if (from == NULL || from[0] == '\0')
		return api_error(c, 400, "fromImage is required");
	if (api_ready(c) < 0)
		return 0;
	po.platform = platform && platform[0] ? platform : NULL;
	ref = pull_ref(from, tag);
	if (http_chunked_begin(c->fd, 200, "application/json") < 0)
		return 1;
	if (image_pull(c->e, ref, &po, id, &name, &err) < 0) {
		struct json_object *o = json_object_new_object(), *d = json_object_new_object();
		jset_str(d, "message", err.msg);
		jset(o, "errorDetail", d);
		jset_str(o, "error", err.msg);
		send_line(&ps, o);
	} else {
		cleanup_free char *st = xasprintf("Status: Downloaded newer image for %s", name);
		struct image_rec img = {0};
		/* Docker's "Digest:" is the manifest's */
		if (image_lookup(c->e, name, &img, &err) == 1 && img.digest) {
			cleanup_free char *dg = xasprintf("Digest: %s", img.digest);
			send_line(&ps, status_line(dg, NULL));
		}
		image_rec_free(&img);
		send_line(&ps, status_line(st, NULL));
	}
	if (ps.gone || http_chunked_end(c->fd) < 0)
		return 1;
	return 0;
}

/* A push's stream: the lines so far, and what the final ones need. */
struct push_stream {
	struct pull_stream ps;
	int64_t shown;	    /* the bytes the last "Pushing" line showed */
	int64_t size;	    /* the manifest's length */
	char *const *diffs; /* the image's diff_ids, bottom first */
	char **blobs;	    /* their blobs' digests, as the layers are queued */
};

/* moby names a pushed layer by its diff_id: the one of blob digest, else
 * the digest itself */
static void push_layer_id(const struct push_stream *st, const char *digest, char id[13])
{
	for (size_t i = 0; digest && st->blobs && st->blobs[i]; i++)
		if (strcmp(st->blobs[i], digest) == 0 && st->diffs[i]) {
			layer_id(st->diffs[i], id);
			return;
		}
	layer_id(digest, id);
}

/* Docker's bar of a "Pushing" line: "[=====>      ]  1.049MB/2.097MB" */
static char *push_bar(int64_t cur, int64_t total)
{
	char bar[51], a[32], b[32];
	int w = total > 0 ? (int)(cur * 50 / total) : 0;

	for (int i = 0; i < 50; i++)
		bar[i] = i < w ? '=' : i == w ? '>' : ' ';
	bar[50] = '\0';
	format_size_go(cur, 4, "", a, sizeof(a));
	format_size_go(total, 4, "", b, sizeof(b));
	return xasprintf("[%s] %8s/%s", bar, a, b);
}

/* image_push's events as moby's push lines: "Preparing" for every layer,
 * then each one's "Pushing" (progressDetail, a line per 2%), "Pushed",
 * "Mounted from REPO" or "Layer already exists" */
static void push_event(void *ud, const struct pull_event *ev)
{
	struct push_stream *st = ud;
	cleanup_free char *mounted = NULL, *bar = NULL;
	const char *status;
	struct json_object *o, *pd = json_object_new_object();
	char id[13];

	switch (ev->kind) {
	case PULL_EV_BLOB_QUEUED:
		if (ev->index < strv_len((char **)st->diffs) && ev->index == strv_len(st->blobs))
			st->blobs = strv_append(st->blobs, ev->digest);
		status = "Preparing";
		break;
	case PULL_EV_BLOB_START:
		st->shown = 0;
		status = "Pushing";
		break;
	case PULL_EV_BLOB_PROGRESS:
		if (ev->done < ev->size && ev->done - st->shown < ev->size / 50) {
			json_object_put(pd);
			return;
		}
		st->shown = ev->done;
		status = "Pushing";
		jset(pd, "current", json_object_new_int64(ev->done));
		jset(pd, "total", json_object_new_int64(ev->size));
		bar = push_bar(ev->done, ev->size);
		break;
	case PULL_EV_BLOB_DONE:
		status = ev->name ? (mounted = xasprintf("Mounted from %s", ev->name)) : "Pushed";
		break;
	case PULL_EV_BLOB_SKIPPED:
		status = "Layer already exists";
		break;
	case PULL_EV_WRITING:
		st->size = ev->size;
		json_object_put(pd);
		return;
	default:
		json_object_put(pd);
		return;
	}
	push_layer_id(st, ev->digest, id);
	o = status_line(status, id);
	jset(o, "progressDetail", pd);
	if (bar)
		jset_str(o, "progress", bar);
	send_line(&st->ps, o);
}

/* POST /images/{name}/push?tag=TAG: image_push as `warren push NAME:TAG`
 * runs it (credentials: X-Registry-Auth, else the auth file); moby's
 * progress lines (push_event), then "TAG: digest: D size: N" and
 * {"aux": {"Tag", "Digest", "Size"}}; a failure an "error" line */
int api_img_push(struct api_ctx *c)
{
	cleanup_free char *tag = http_query(c->req, "tag"), *creds = registry_auth(c);
	cleanup_free char *ref = NULL, *msg = NULL;
	struct push_stream st = {.ps = {.fd = c->fd}};
	struct push_opts o = {
	    .reg = {.creds = creds, .tls_verify = -1}, .event = push_event, .ud = &st};
	struct image_rec img = {0};
	char digest[DIGEST_STR_LEN] = "";
	const char *t = tag && tag[0] ? tag : "latest";
	struct werr err = {0};
	struct json_object *l;
	int rc;

	if (api_ready(c) < 0)
		return 0;
	ref = tag && tag[0] ? xasprintf("%s:%s", c->arg, tag) : xstrdup(c->arg);
	if (image_lookup(c->e, ref, &img, &err) <= 0) {
		image_rec_free(&img);
		return api_error(c, 404, "No such image: %s", ref);
	}
	st.diffs = img.layers;
	if (http_chunked_begin(c->fd, 200, "application/json") < 0) {
		image_rec_free(&img);
		return 1;
	}
	msg = xasprintf("The push refers to repository [%s]", c->arg);
	send_line(&st.ps, status_line(msg, NULL));
	rc = image_push(c->e, ref, NULL, &o, digest, &err);
	image_rec_free(&img);
	strv_free(st.blobs);
	if (rc < 0) {
		struct json_object *d = json_object_new_object();
		l = json_object_new_object();
		jset_str(d, "message", err.msg);
		jset(l, "errorDetail", d);
		jset_str(l, "error", err.msg);
		send_line(&st.ps, l);
	} else {
		struct json_object *aux = json_object_new_object();
		cleanup_free char *line =
		    xasprintf("%s: digest: %s size: %lld", t, digest, (long long)st.size);
		send_line(&st.ps, status_line(line, NULL));
		l = json_object_new_object();
		jset_str(aux, "Tag", t);
		jset_str(aux, "Digest", digest);
		jset(aux, "Size", json_object_new_int64(st.size));
		jset(l, "progressDetail", json_object_new_object());
		jset(l, "aux", aux);
		send_line(&st.ps, l);
	}
	if (st.ps.gone || http_chunked_end(c->fd) < 0)
		return 1;
	return 0;
}

/* fopencookie's write: each line progress.c prints goes to the client as
 * libpod's {"stream": LINE} */
static ssize_t stream_write(void *cookie, const char *buf, size_t n)
{
	struct pull_stream *ps = cookie;
	cleanup_free char *text = xstrndup(buf, n);
	struct json_object *o = json_object_new_object();

	jset_str(o, "stream", text);
	send_line(ps, o);
	return (ssize_t)n;
}

/* POST /libpod/images/{name}/push?destination=&tlsVerify=&format=&quiet=:
 * image_push as `warren push NAME [DESTINATION]` runs it; quiet (the
 * default, as Podman's): 200 without a body, or 400 with the error; else
 * `warren push`'s lines as {"stream"} objects (podman --remote prints them
 * on stderr), a failure an {"error"} one */
int api_libpod_img_push(struct api_ctx *c)
{
	cleanup_free char *dest = http_query(c->req, "destination");
	cleanup_free char *format = http_query(c->req, "format");
	cleanup_free char *tls = http_query(c->req, "tlsVerify");
	cleanup_free char *creds = registry_auth(c);
	bool quiet = http_query_bool(c->req, "quiet", true);
	struct pull_stream ps = {.fd = c->fd};
	struct push_opts o = {.reg = {.creds = creds, .tls_verify = -1}};
	static const cookie_io_functions_t io = {.write = stream_write};
	char digest[DIGEST_STR_LEN];
	struct image_rec img = {0};
	struct werr err = {0};
	struct progress *prog;
	FILE *f;
	int rc;

	if (api_ready(c) < 0)
		return 0;
	if (tls && *tls)
		o.reg.tls_verify = http_query_bool(c->req, "tlsVerify", true) ? 1 : 0;
	if (format && *format && (o.format = push_format(format, &err)) == NULL)
		return api_error(c, 400, "%s", err.msg);
	rc = image_lookup(c->e, c->arg, &img, &err);
	image_rec_free(&img);
	if (rc <= 0)
		return api_error(c, rc < 0 ? 500 : 404, "%s: image not known", c->arg);
	if (quiet) {
		if (image_push(c->e, c->arg, dest && *dest ? dest : NULL, &o, digest, &err) < 0)
			return api_error(c, 400, "%s", err.msg);
		/* no body: 4.3's client reads one as push reports, "" is none */
		http_send(c->fd, 200, "application/json", "", 0, false);
		return 0;
	}
	if (http_chunked_begin(c->fd, 200, "application/json") < 0)
		return 1;
	f = fopencookie(&ps, "w", io);
	if (f == NULL)
		return 1;
	setvbuf(f, NULL, _IOLBF, 0);
	prog = progress_new(f, false, false);
	o.event = progress_event;
	o.ud = prog;
	rc = image_push(c->e, c->arg, dest && *dest ? dest : NULL, &o, digest, &err);
	progress_free(prog);
	fclose(f);
	if (rc < 0) {
		struct json_object *l = json_object_new_object();
		jset_str(l, "error", err.msg);
		send_line(&ps, l);
	}
	if (ps.gone || http_chunked_end(c->fd) < 0)
		return 1;
	return 0;
}
