/* sigfetch.c - lookaside signatures and sigstore attachments; see sigfetch.h. */
#include "image/sigfetch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image/curlfn.h"
#include "image/policy.h"
#include "image/ref.h"
#include "image/signature.h"
#include "lib/cleanup.h"
#include "lib/digest.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/util.h"

/* containers/image's bound: more is a broken server, not an image */
#define LOOKASIDE_MAX  128
#define HTTP_TIMEOUT_S 120L

struct sigfetch {
	struct reg_client *c;
	char *repo_path; /* "library/busybox" */
	char *digest;
	char *lookaside; /* base URL */
	bool attachments;
	bool have_simple, have_sigstore;
	struct sig_blob *simple;
	size_t nsimple;
	struct sig_attachment *atts;
	size_t natts;
	struct sig_source src;
};

void sigfetch_free(struct sigfetch *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->nsimple; i++)
		free(f->simple[i].data);
	free(f->simple);
	for (size_t i = 0; i < f->natts; i++) {
		free(f->atts[i].media_type);
		free(f->atts[i].payload);
		free(f->atts[i].signature);
	}
	free(f->atts);
	free(f->repo_path);
	free(f->digest);
	free(f->lookaside);
	free(f);
}

/* The lookaside URL of signature i; see sigfetch.h. */
char *sigfetch_lookaside_url(const char *base, const char *repo_path, const char *digest,
			     unsigned i)
{
	return xasprintf("%s/%s@sha256=%s/signature-%u", base, repo_path, digest_hex(digest), i);
}

/* ---- reading one lookaside signature ---- */

struct body {
	char *data;
	size_t len;
	bool too_big;
};

static size_t body_cb(char *buf, size_t size, size_t n, void *ud)
{
	struct body *b = ud;
	size_t len = size * n;

	if (b->len + len > SIG_MAX_SIZE) {
		b->too_big = true;
		return 0;
	}
	b->data = xrealloc(b->data, b->len + len + 1);
	memcpy(b->data + b->len, buf, len);
	b->len += len;
	return len;
}

/* GETs url: 1 with the body, 0 on 404 (no such signature), -1 on error. */
static int http_get(const char *url, struct body *b, struct werr *err)
{
	const struct curlfn *cf = curlfn_get(err);
	char errbuf[CURL_ERROR_SIZE] = "";
	long status = 0;
	CURLcode rc;
	CURL *h;

	if (cf == NULL || (h = cf->easy_init()) == NULL)
		return cf == NULL ? -1 : werr_set(err, ENOMEM, "curl");
	cf->easy_setopt(h, CURLOPT_URL, url);
	cf->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	cf->easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	cf->easy_setopt(h, CURLOPT_MAXREDIRS, 8L);
	cf->easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	cf->easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	cf->easy_setopt(h, CURLOPT_TIMEOUT, HTTP_TIMEOUT_S);
	cf->easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	cf->easy_setopt(h, CURLOPT_USERAGENT, "warren/0.1 (containers)");
	cf->easy_setopt(h, CURLOPT_WRITEFUNCTION, body_cb);
	cf->easy_setopt(h, CURLOPT_WRITEDATA, b);
	rc = cf->easy_perform(h);
	cf->easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	cf->easy_cleanup(h);
	if (b->too_big)
		return werr_set(err, EFBIG, "reading signature from %s: larger than %d bytes", url,
				SIG_MAX_SIZE);
	if (rc != CURLE_OK)
		return werr_set(err, 0, "reading signature from %s: %s", url,
				*errbuf ? errbuf : cf->easy_strerror(rc));
	if (status == 404)
		return 0;
	if (status != 200)
		return werr_set(err, 0, "reading signature from %s: unexpected HTTP status %ld",
				url, status);
	return 1;
}

/* Reads signature url: 1 read, 0 absent, -1 error. */
static int read_one(const char *url, struct body *b, struct werr *err)
{
	if (str_has_prefix(url, "file://")) {
		const char *path = url + strlen("file://");
		if (path[0] != '/')
			return werr_set(err, 0, "Unsupported file URL %s: want file:///PATH", url);
		b->data = read_file_max(path, SIG_MAX_SIZE, &b->len, err);
		if (b->data != NULL)
			return 1;
		if (err != NULL && err->errnum == ENOENT)
			return 0;
		return werr_wrap(err, "reading signature");
	}
	if (str_has_prefix(url, "http://") || str_has_prefix(url, "https://"))
		return http_get(url, b, err);
	return werr_set(err, 0, "Unsupported scheme when reading signature from %s", url);
}

static int get_simple(void *ud, const struct sig_blob **v, size_t *n, struct werr *err)
{
	struct sigfetch *f = ud;

	for (unsigned i = 1; !f->have_simple; i++) {
		cleanup_free char *url =
		    sigfetch_lookaside_url(f->lookaside, f->repo_path, f->digest, i);
		struct body b = {0};
		const char *body;
		size_t blen;
		int rc;

		if (i > LOOKASIDE_MAX)
			return werr_set(err, 0,
					"server provided %d signatures, assuming that's "
					"unreasonable and a server error",
					LOOKASIDE_MAX);
		log_debug("reading signature %s", url);
		if ((rc = read_one(url, &b, err)) < 0)
			return -1;
		if (rc == 0) {
			f->have_simple = true;
			break;
		}
		switch (sig_blob_kind(b.data, b.len, &body, &blen, err)) {
		case SIG_BLOB_BAD:
			free(b.data);
			werr_wrap(err, "parsing signature %s", url);
			text_scrub(err->msg);
			return -1;
		case SIG_BLOB_OTHER: /* not for signedBy */
			free(b.data);
			continue;
		case SIG_BLOB_GPG:
			break;
		}
		f->simple = xrealloc(f->simple, (f->nsimple + 1) * sizeof(*f->simple));
		f->simple[f->nsimple].len = blen;
		f->simple[f->nsimple].data = xmalloc(blen ? blen : 1);
		memcpy(f->simple[f->nsimple++].data, body, blen);
		free(b.data);
	}
	*v = f->simple;
	*n = f->nsimple;
	return 0;
}

/* ---- sigstore attachments ---- */

/* One layer of the attachment manifest, fetched and verified. */
static int get_attachment(struct sigfetch *f, struct json_object *layer, struct werr *err)
{
	struct json_object *ann = jget(layer, "annotations");
	const char *mt = jstr(layer, "mediaType"), *d = jstr(layer, "digest");
	struct reg_blob b = {0};
	struct sig_attachment a = {0};

	if (mt == NULL || d == NULL || !digest_valid(d))
		return werr_set(err, 0, "sigstore attachment without a valid mediaType and digest");
	if (reg_blob_get(f->c, d, SIG_MAX_SIZE, &b, err) < 0)
		return -1;
	a.media_type = xstrdup(mt);
	a.payload = steal_pointer(&b.body);
	a.len = b.len;
	a.signature = jstrdup(ann, "dev.cosignproject.cosign/signature");
	reg_blob_free(&b);
	f->atts = xrealloc(f->atts, (f->natts + 1) * sizeof(*f->atts));
	f->atts[f->natts++] = a;
	return 0;
}

static int get_sigstore(void *ud, const struct sig_attachment **v, size_t *n, struct werr *err)
{
	struct sigfetch *f = ud;
	cleanup_free char *tag = xasprintf("sha256-%s.sig", digest_hex(f->digest));
	cleanup_json struct json_object *m = NULL;
	struct json_object *layers;
	struct reg_blob mb = {0};

	if (!f->attachments || f->have_sigstore)
		goto out;
	if (reg_manifest_get(f->c, tag, &mb, err) < 0) {
		if (err->errnum != ENOENT)
			return -1;
		werr_clear(err);
		f->have_sigstore = true; /* no attachments: no signatures */
		goto out;
	}
	if (mb.media_type == NULL ||
	    strcmp(mb.media_type, "application/vnd.oci.image.manifest.v1+json") != 0) {
		werr_set(err, 0, "unexpected MIME type for sigstore attachment manifest %s: \"%s\"",
			 tag, mb.media_type ? mb.media_type : "");
		reg_blob_free(&mb);
		return -1;
	}
	m = jparse(mb.body, "sigstore attachment manifest", err);
	reg_blob_free(&mb);
	layers = jarr(m, "layers");
	if (m == NULL)
		return -1;
	if (jlen(layers) > LOOKASIDE_MAX)
		return werr_set(err, 0, "sigstore attachment manifest %s has more than %d layers",
				tag, LOOKASIDE_MAX);
	for (size_t i = 0; i < jlen(layers); i++)
		if (get_attachment(f, json_object_array_get_idx(layers, i), err) < 0)
			return werr_wrap(err, "sigstore attachment %zu of %s", i + 1, tag);
	f->have_sigstore = true;
out:
	*v = f->atts;
	*n = f->natts;
	return 0;
}

/* A source; see sigfetch.h. */
struct sigfetch *sigfetch_new(const struct regsd *conf, bool rootless, struct reg_client *c,
			      const char *ref, const char *digest, struct werr *err)
{
	struct image_ref r;
	cleanup_strv char **scopes = NULL;
	const char *la, *home = getenv("HOME");
	struct sigfetch *f;

	if (ref_parse(ref, &r, err) < 0)
		return NULL;
	scopes = policy_docker_scopes(&r);
	f = xcalloc(1, sizeof(*f));
	f->c = c;
	f->repo_path = xstrdup(r.path);
	f->digest = xstrdup(digest);
	ref_free(&r);
	la = regsd_lookaside(conf, scopes);
	if (la != NULL)
		f->lookaside = xstrdup(la);
	else if (rootless && home != NULL && home[0] == '/')
		f->lookaside = xasprintf("file://%s/.local/share/containers/sigstore", home);
	else
		f->lookaside = xstrdup("file:///var/lib/containers/sigstore");
	/* a trailing '/' would make "base//repo": harmless for files, not for every server */
	while (str_has_suffix(f->lookaside, "/") && !str_has_suffix(f->lookaside, "://"))
		f->lookaside[strlen(f->lookaside) - 1] = '\0';
	f->attachments = regsd_attachments(conf, scopes);
	f->src = (struct sig_source){
	    .manifest_digest = f->digest, .simple = get_simple, .sigstore = get_sigstore, .ud = f};
	return f;
}

void sigfetch_source(struct sigfetch *f, struct sig_source *out)
{
	*out = f->src;
}
