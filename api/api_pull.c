/* api_pull.c - POST /images/create?fromImage=NAME&tag=TAG: image_pull, as
 * `warren pull` runs it, with its progress events sent as Docker's
 * progress stream (one JSON object a chunk: "Pulling fs layer",
 * "Downloading" with progressDetail, "Pull complete", "Already exists",
 * then "Status: ..."; a failure after the head is an "error" object, as
 * Docker's daemon sends it). */
#include "api/api_int.h"
#include "image/image.h"
#include "image/pull.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"

#include <string.h>

struct pull_stream {
	int fd;
	bool gone; /* the client left: the pull goes on, nothing more is sent */
};

static void send_line(struct pull_stream *ps, struct json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
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
	char id[13] = "";

	if (ev->digest) {
		const char *hex =
		    strchr(ev->digest, ':') ? strchr(ev->digest, ':') + 1 : ev->digest;
		snprintf(id, sizeof(id), "%.12s", hex);
	}
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

int api_img_pull(struct api_ctx *c)
{
	cleanup_free char *from = http_query(c->req, "fromImage");
	cleanup_free char *tag = http_query(c->req, "tag");
	cleanup_free char *src = http_query(c->req, "fromSrc");
	cleanup_free char *platform = http_query(c->req, "platform");
	cleanup_free char *ref = NULL, *name = NULL;
	struct pull_stream ps = {.fd = c->fd};
	struct pull_opts po = {.reg = {.tls_verify = -1}, .event = pull_event, .ud = &ps};
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
