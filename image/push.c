/* push.c - images from the store to a registry; see push.h.
 *
 * The layers go as the store keeps them: each layer's original blob
 * (storage/blobs.h), so a pushed image has the digests it was pulled or
 * loaded with, and the manifest it came with is pushed unchanged when it
 * still describes those blobs. Every blob is checked with a HEAD first and
 * never sent again; a blob another repository of the same registry has
 * (the image's other names) is mounted, not uploaded. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "image/image.h"
#include "image/manifest.h"
#include "image/push.h"
#include "image/ref.h"
#include "image/regconf.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/util.h"
#include "storage/blobs.h"

struct push_blob {
	char digest[DIGEST_STR_LEN];
	char media_type[128];
	int64_t size;
	bool config;
};

static void emit(const struct push_opts *o, enum pull_ev kind, const char *digest, int64_t size,
		 int64_t done, const char *name)
{
	struct pull_event ev = {
	    .kind = kind, .digest = digest, .size = size, .done = done, .name = name};

	if (o->event != NULL)
		o->event(o->ud, &ev);
}

/* A blob upload's progress, for its PULL_EV_BLOB_PROGRESS events. */
struct upload_progress {
	const struct push_opts *o;
	const struct push_src *b;
	int64_t done;
};

static void upload_sent(void *ud, int64_t n)
{
	struct upload_progress *u = ud;

	u->done += n;
	if (u->done > u->b->size)
		u->done = u->b->size; /* a body read again (a retry) */
	emit(u->o, PULL_EV_BLOB_PROGRESS, u->b->digest, u->b->size, u->done, NULL);
}

/* The blobs of rec: its layers' stored blobs, then the config. */
static int collect_blobs(struct engine *e, const struct image_rec *rec, struct push_blob **out,
			 size_t *n, struct werr *err)
{
	struct store *s = engine_store(e, err);
	size_t nl = strv_len(rec->layers);
	struct push_blob *v = xcalloc(nl + 1, sizeof(*v));

	for (size_t i = 0; s != NULL && i < nl; i++) {
		struct layer_blob lb;
		int rc = store_layer_blob(s, rec->layers[i], &lb, err);
		if (rc <= 0 || !blob_exists_any(e, lb.digest)) {
			free(v);
			if (rc < 0)
				return -1;
			return werr_set(
			    err, 0,
			    "layer %s has no stored blob (it was stored by an older warren): "
			    "pull or load the image again before pushing it",
			    rec->layers[i]);
		}
		memcpy(v[i].digest, lb.digest, sizeof(v[i].digest));
		snprintf(v[i].media_type, sizeof(v[i].media_type), "%s", lb.media_type);
		v[i].size = lb.size;
	}
	if (s == NULL) {
		free(v);
		return -1;
	}
	snprintf(v[nl].digest, sizeof(v[nl].digest), "sha256:%s", rec->id);
	v[nl].size = (int64_t)strlen(rec->config);
	v[nl].config = true;
	*out = v;
	*n = nl + 1;
	return 0;
}

/* The stored manifest when it still names exactly these blobs, else NULL. */
static const char *stored_manifest(const struct image_rec *rec, const struct push_blob *b, size_t n,
				   const char **media_type)
{
	struct manifest m = {0};
	struct werr ignore = {0};
	bool same;

	if (rec->manifest == NULL ||
	    manifest_parse(rec->manifest, strlen(rec->manifest), &m, &ignore) < 0)
		return NULL;
	same = m.nlayers + 1 == n && strcmp(m.config_digest, b[n - 1].digest) == 0;
	for (size_t i = 0; same && i < m.nlayers; i++)
		same = strcmp(m.layers[i].digest, b[i].digest) == 0;
	*media_type = m.media_type && strcmp(m.media_type, MT_DOCKER_V2) == 0 ? MT_DOCKER_V2
									      : MT_OCI_MANIFEST;
	manifest_free(&m);
	return same ? rec->manifest : NULL;
}

static const char *oci_layer_type(const char *t)
{
	if (strcmp(t, MT_DOCKER_LAYER_GZIP) == 0)
		return MT_OCI_LAYER_GZIP;
	return t;
}

static const char *docker_layer_type(const char *t, struct werr *err)
{
	if (strcmp(t, MT_OCI_LAYER_GZIP) == 0 || strcmp(t, MT_DOCKER_LAYER_GZIP) == 0)
		return MT_DOCKER_LAYER_GZIP;
	werr_set(err, 0,
		 "a layer of type %s cannot go into a Docker v2s2 manifest: use --format oci", t);
	return NULL;
}

static struct json_object *descriptor(const char *media_type, const char *digest, int64_t size)
{
	struct json_object *d = json_object_new_object();

	jset_str(d, "mediaType", media_type);
	jset_str(d, "digest", digest);
	jset(d, "size", json_object_new_int64(size));
	return d;
}

const char *push_format(const char *name, struct werr *err)
{
	if (strcmp(name, "oci") == 0 || strcmp(name, "v2s2") == 0)
		return name;
	if (strcmp(name, "docker") == 0)
		return "v2s2";
	werr_set(err, 0, "unsupported manifest type \"%s\": use oci or v2s2", name);
	return NULL;
}

/* A new manifest for the blobs in format "oci" or "v2s2" (malloc'd). */
static char *make_manifest(const struct push_blob *b, size_t n, const char *format,
			   const char **media_type, struct werr *err)
{
	cleanup_json struct json_object *m = json_object_new_object();
	struct json_object *layers = json_object_new_array();
	bool docker = format != NULL && strcmp(format, "v2s2") == 0;

	jset(m, "schemaVersion", json_object_new_int(2));
	jset_str(m, "mediaType", docker ? MT_DOCKER_V2 : MT_OCI_MANIFEST);
	jset(m, "config",
	     descriptor(docker ? MT_DOCKER_CONFIG : MT_OCI_CONFIG, b[n - 1].digest, b[n - 1].size));
	jset(m, "layers", layers);
	for (size_t i = 0; i + 1 < n; i++) {
		const char *t = docker ? docker_layer_type(b[i].media_type, err)
				       : oci_layer_type(b[i].media_type);
		if (t == NULL)
			return NULL;
		json_object_array_add(layers, descriptor(t, b[i].digest, b[i].size));
	}
	*media_type = docker ? MT_DOCKER_V2 : MT_OCI_MANIFEST;
	return xstrdup(json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* A repository of the same registry that has the blob: the image's other names. */
static char *mount_source(const struct image_rec *rec, const struct image_ref *dest)
{
	for (char **nm = rec->names; nm && *nm; nm++) {
		struct image_ref r;
		struct werr ignore = {0};
		char *repo = NULL;
		if (ref_parse(*nm, &r, &ignore) < 0)
			continue;
		if (strcmp(r.domain, dest->domain) == 0 && strcmp(r.path, dest->path) != 0)
			repo = xstrdup(r.path);
		ref_free(&r);
		if (repo != NULL)
			return repo;
	}
	return NULL;
}

/* Sends one blob unless the registry has it; see push.h. */
int push_blob(struct engine *e, struct reg_client *c, const struct push_src *b, const char *from,
	      const struct push_opts *o, struct werr *err)
{
	cleanup_close int fd = -1;
	int have = reg_blob_exists(c, b->digest, NULL, err);

	if (have < 0)
		return -1;
	emit(o,
	     b->config ? PULL_EV_CONFIG
	     : have    ? PULL_EV_BLOB_SKIPPED
		       : PULL_EV_BLOB_START,
	     b->digest, b->size, 0, NULL);
	if (have)
		return 0;
	if (from != NULL) {
		int m = reg_blob_mount(c, b->digest, from, err);
		if (m < 0)
			return -1;
		if (m == 1) {
			if (!b->config)
				emit(o, PULL_EV_BLOB_DONE, b->digest, b->size, b->size, from);
			return 0;
		}
	}
	if (b->body != NULL) {
		/* in memory (a config); the upload reads an fd */
		fd = memfd_create("config", MFD_CLOEXEC);
		if (fd < 0 || write_all(fd, b->body, (size_t)b->size) < 0 ||
		    lseek(fd, 0, SEEK_SET) < 0)
			return werr_set(err, errno, "stage config");
	} else {
		fd = b->open ? b->open(b->ud, b->digest, err) : blob_open(e, b->digest, err);
		if (fd < 0)
			return -1;
	}
	struct upload_progress up = {.o = o, .b = b};
	if (!b->config)
		reg_on_upload(c, upload_sent, &up);
	int rc = reg_blob_upload(c, b->digest, fd, b->size, o->chunk_size, err);
	reg_on_upload(c, NULL, NULL);
	if (rc == 0 && !b->config)
		emit(o, PULL_EV_BLOB_DONE, b->digest, b->size, b->size, NULL);
	return rc;
}

/* The manifest a push of rec sends; see push.h. */
int image_push_manifest(struct engine *e, const struct image_rec *rec, const char *format,
			char **body, const char **media_type, struct werr *err)
{
	struct push_blob *blobs = NULL;
	const char *stored;
	size_t n = 0;

	if (collect_blobs(e, rec, &blobs, &n, err) < 0)
		return -1;
	stored = format ? NULL : stored_manifest(rec, blobs, n, media_type);
	*body = stored ? xstrdup(stored) : make_manifest(blobs, n, format, media_type, err);
	free(blobs);
	return *body == NULL ? -1 : 0;
}

/* Pushes an image; see push.h. */
int image_push(struct engine *e, const char *src, const char *dest, const struct push_opts *o,
	       char digest_out[DIGEST_STR_LEN], struct werr *err)
{
	struct image_rec rec = {0};
	struct image_ref r = {0};
	struct regconf *conf = NULL;
	struct reg_client *c = NULL;
	struct push_blob *blobs = NULL;
	cleanup_free char *matched = NULL, *made = NULL, *from = NULL, *target = NULL;
	const char *body, *mt = NULL;
	size_t n = 0;
	int rc = -1, found;

	found = image_lookup_name(e, src, &rec, &matched, err);
	if (found <= 0) {
		if (found == 0)
			werr_set(err, 0, "%s: image not known", src);
		return -1;
	}
	target = xstrdup(dest ? dest : matched ? matched : src);
	if (str_has_prefix(target, "docker://"))
		memmove(target, target + 9, strlen(target + 9) + 1);
	if (ref_parse(target, &r, err) < 0)
		goto out;
	if (r.digest != NULL) {
		werr_set(err, 0, "cannot push to a digest reference '%s': use a tag", target);
		goto out;
	}
	conf = regconf_load(e->rootless, err);
	if (conf == NULL || collect_blobs(e, &rec, &blobs, &n, err) < 0)
		goto out;
	body = o->format ? NULL : stored_manifest(&rec, blobs, n, &mt);
	if (body == NULL && (body = made = make_manifest(blobs, n, o->format, &mt, err)) == NULL)
		goto out;
	c = reg_open(r.domain, r.path, regconf_insecure(conf, r.domain), &o->reg, err);
	if (c == NULL)
		goto out;
	reg_want_push(c);
	from = mount_source(&rec, &r);
	emit(o, PULL_EV_SIGNATURES, NULL, 0, 0, NULL);
	for (size_t i = 0; o->event && i + 1 < n; i++) {
		struct pull_event ev = {.kind = PULL_EV_BLOB_QUEUED,
					.digest = blobs[i].digest,
					.size = blobs[i].size,
					.index = i, /* rec.layers[i] is its diff_id */
					.count = n - 1};
		o->event(o->ud, &ev);
	}
	for (size_t i = 0; i < n; i++) {
		struct push_src b = {.digest = blobs[i].digest,
				     .size = blobs[i].size,
				     .config = blobs[i].config,
				     .body = blobs[i].config ? rec.config : NULL};
		if (push_blob(e, c, &b, from, o, err) < 0)
			goto out;
	}
	emit(o, PULL_EV_WRITING, NULL, (int64_t)strlen(body), 0, NULL);
	if (reg_manifest_put(c, r.tag, mt, body, strlen(body), err) < 0)
		goto out;
	sha256_buf(body, strlen(body), digest_out);
	rc = 0;
out:
	if (rc < 0 && target != NULL)
		werr_wrap(err, "pushing %s", target);
	reg_close(c);
	regconf_free(conf);
	free(blobs);
	ref_free(&r);
	image_rec_free(&rec);
	return rc;
}
