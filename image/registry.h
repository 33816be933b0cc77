/* registry.h - a client of the Docker Registry HTTP API v2 / OCI
 * distribution, over libcurl (image/curlfn.h): the /v2/ handshake, Bearer
 * token and Basic authentication from the challenge the registry sends,
 * TLS with the system CAs plus certs.d, manifests, blobs (small ones into
 * memory, layers streamed in parallel into file descriptors), uploads.
 * It never prints; credentials never appear in an error message. */
#ifndef WARREN_REGISTRY_H
#define WARREN_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/digest.h"
#include "lib/err.h"

/* Largest manifest or config accepted (as containers/image: 4 MiB). */
#define REG_MANIFEST_MAX (4 << 20)

struct reg_opts {
	const char *authfile; /* --authfile, NULL: the default chain */
	const char *creds;    /* --creds "USER[:PASS]", NULL: from the auth file */
	const char *cert_dir; /* --cert-dir, NULL: certs.d defaults */
	int tls_verify;	      /* 1 verify, 0 skip (and allow plain http), -1 as configured */
};

struct reg_client;

/* A client for repository repo ("library/busybox") on registry
 * ("docker.io", "127.0.0.1:5000"). insecure (registries.conf or
 * --tls-verify=false): plain http and unverified TLS are allowed. Does no
 * I/O yet: the first request performs the handshake. */
struct reg_client *reg_open(const char *registry, const char *repo, bool insecure,
			    const struct reg_opts *o, struct werr *err);
void reg_close(struct reg_client *c);

/* Asks for push access too (the next token covers "pull,push"). */
void reg_want_push(struct reg_client *c);

/* sent(ud, n) hears of every n bytes of an upload's body (a blob's,
 * reg_blob_upload) as they go out; sent NULL: nobody. */
void reg_on_upload(struct reg_client *c, void (*sent)(void *ud, int64_t n), void *ud);

/* Checks that the registry answers and the credentials are good (login). */
int reg_ping(struct reg_client *c, const char *user, const char *pass, struct werr *err);

struct reg_blob {
	char *body;
	size_t len;
	char *media_type;	     /* Content-Type, may be NULL */
	char digest[DIGEST_STR_LEN]; /* sha256 of body */
};
void reg_blob_free(struct reg_blob *b);

/* GETs manifest ref (a tag or a digest) with every manifest type in
 * Accept. A digest ref is verified against the body. */
int reg_manifest_get(struct reg_client *c, const char *ref, struct reg_blob *out, struct werr *err);

/* GETs a small blob (a config) into memory, at most max bytes, verified. */
int reg_blob_get(struct reg_client *c, const char *digest, size_t max, struct reg_blob *out,
		 struct werr *err);

/* The tags of the repository (every page), NULL-terminated. */
int reg_tags_list(struct reg_client *c, char ***tags, struct werr *err);

/* The registry's repositories (/v2/_catalog; the client's repository is
 * not used, and the token asks for registry:catalog:*). */
int reg_catalog(struct reg_client *c, int limit, char ***repos, struct werr *err);

struct json_object;

/* Docker Hub's search API, GET /v1/search?q=QUERY&n=LIMIT (on
 * index.docker.io for docker.io), without credentials as containers/image
 * asks: 1 with *results its "results" array (json_object_put it: objects
 * with name, description, star_count, is_official, is_automated), 0 when
 * the registry has no such API (any failure or non-200 answer: the caller
 * lists /v2/_catalog instead), -1 on a malformed answer. */
int reg_v1_search(struct reg_client *c, const char *query, int limit, struct json_object **results,
		  struct werr *err);

/* One layer download for reg_blobs_fetch. */
struct reg_download {
	const char *digest;
	int64_t size; /* from the manifest, -1 unknown */
	int fd;	      /* where the bytes go (a pipe's write end); closed when done */
	int64_t done; /* bytes delivered so far */
	int result;   /* 0 ok, -1 failed (err) */
	struct werr err;
	void *user;
};

/* Progress callback of reg_blobs_fetch, called from the calling thread:
 * event 0 started, 1 progress, 2 finished (d->result tells how). */
typedef void (*reg_progress_fn)(void *ud, struct reg_download *d, int event);

/* Downloads n blobs, at most parallel at a time, each streamed into its
 * d->fd as it arrives (a slow reader pauses only its own transfer). Every
 * fd is closed by the time this returns. Returns 0 when all succeeded,
 * else -1 with err set from the first failure (each d->err has its own). */
int reg_blobs_fetch(struct reg_client *c, struct reg_download *d, size_t n, size_t parallel,
		    reg_progress_fn progress, void *ud, struct werr *err);

/* Push side. Returns 1 present (size into *size when not NULL), 0 absent, -1 error. */
int reg_blob_exists(struct reg_client *c, const char *digest, int64_t *size, struct werr *err);

/* Cross-repository mount: 1 mounted, 0 the registry wants an upload (also
 * when the mount is refused: 401/403/404), -1 error. Later tokens ask for
 * pull on from_repo too. */
int reg_blob_mount(struct reg_client *c, const char *digest, const char *from_repo,
		   struct werr *err);

/* Uploads size bytes read from fd as blob digest (one monolithic PUT
 * after the POST; chunked PATCHes when chunk > 0). */
int reg_blob_upload(struct reg_client *c, const char *digest, int fd, int64_t size, int64_t chunk,
		    struct werr *err);

/* PUTs a manifest under ref (tag or digest). */
int reg_manifest_put(struct reg_client *c, const char *ref, const char *media_type,
		     const char *body, size_t len, struct werr *err);

/* Whether a failure of this client is worth retrying: a registry answer
 * 429 or 5xx, or a connection refused, reset, empty or timed out. Never
 * 401/403/404, a digest mismatch, a truncated or stalled download. */
bool reg_err_transient(const struct werr *err);

/* Parses one WWW-Authenticate challenge: scheme ("Bearer"/"Basic") and
 * the realm and service parameters (malloc'd, NULL when absent). Pure:
 * exposed for the unit tests. Returns 0 or -1 on a malformed header. */
int reg_parse_challenge(const char *hdr, char **scheme, char **realm, char **service);

#endif
