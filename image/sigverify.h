/* sigverify.h - the signature requirements of containers-policy.json(5):
 * signedBy (GPG keys, through image/gpgfn.h) and sigstoreSigned (public
 * keys, through OpenSSL), checked against the signatures an image source
 * offers (image/sigfetch.h finds them). One accepted signature satisfies a
 * requirement, as in containers/image. */
#ifndef WARREN_SIGVERIFY_H
#define WARREN_SIGVERIFY_H

#include <json-c/json.h>
#include <stddef.h>

#include "lib/err.h"

/* A lookaside signature: an OpenPGP message (simple signing). */
struct sig_blob {
	char *data;
	size_t len;
};

/* A sigstore attachment: one layer of the sha256-<hex>.sig manifest. */
struct sig_attachment {
	char *media_type;
	char *payload; /* the layer's bytes (verified against its digest) */
	size_t len;
	char *signature; /* the dev.cosignproject.cosign/signature annotation, NULL if none */
};

#define SIG_MEDIA_COSIGN "application/vnd.dev.cosign.simplesigning.v1+json"

/* What a pulled image offers. The callbacks fetch on first use (and
 * remember); the arrays stay owned by the source. */
struct sig_source {
	const char *manifest_digest; /* of the manifest pulled (the platform's) */
	int (*simple)(void *ud, const struct sig_blob **v, size_t *n, struct werr *err);
	int (*sigstore)(void *ud, const struct sig_attachment **v, size_t *n, struct werr *err);
	void *ud;
};

/* Checks a signedBy or sigstoreSigned requirement's members when the
 * policy is loaded (exactly one key source, a valid signedIdentity). */
int sigverify_check_req(struct json_object *req, struct werr *err);

/* Whether image_ref ("host/repo:tag" or "host/repo@sha256:...", the name
 * pulled) satisfies requirement req (type signedBy or sigstoreSigned).
 * 0 yes; -1 with the reason in err (Podman's wording: "A signature was
 * required, but no signature exists", "Signature for identity ... is not
 * accepted", ...). */
int sigverify_requirement(struct json_object *req, const char *image_ref,
			  const struct sig_source *src, struct werr *err);

/* `image trust show`'s ID column for a signedBy requirement: the user ids
 * of its keys joined by ", " (new; "" when they cannot be read). */
char *sigverify_key_ids(struct json_object *req);

#endif
