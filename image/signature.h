/* signature.h - what a container signature says and whether it is the
 * one wanted (pure logic: no keys, no network).
 *
 * Both signature kinds sign the same JSON payload ("simple signing",
 * containers/image's docs/containers-signature.5.md):
 *   {"critical": {"type": TYPE,
 *                 "image": {"docker-manifest-digest": "sha256:..."},
 *                 "identity": {"docker-reference": "host/repo:tag"}},
 *    "optional": {"creator": "...", "timestamp": N, ...}}
 * TYPE is "atomic container signature" inside an OpenPGP message (signedBy)
 * and "cosign container image signature" for sigstore (sigstoreSigned).
 * The reading is strict, as containers/image's: exactly these members in
 * "critical" and its objects, a known type, a valid digest. */
#ifndef WARREN_SIGNATURE_H
#define WARREN_SIGNATURE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h"

#define SIG_TYPE_GPG	  "atomic container signature"
#define SIG_TYPE_SIGSTORE "cosign container image signature"

/* Largest signature read (a lookaside file, an attachment): containers/
 * image's limit. */
#define SIG_MAX_SIZE (4 << 20)

struct sig_payload {
	char *digest;	 /* "sha256:<64 hex>" */
	char *reference; /* the signed identity, as written */
};

/* Parses payload text[0..len) of the given TYPE. -1 with err
 * "Invalid signature: ..." when it is not one. */
int sig_payload_parse(const char *text, size_t len, const char *type, struct sig_payload *out,
		      struct werr *err);
void sig_payload_free(struct sig_payload *p);

/* signedIdentity of containers-policy.json(5). */
enum sig_ident_kind {
	SIGID_REPO_DIGEST_OR_EXACT, /* the default */
	SIGID_EXACT,
	SIGID_REPOSITORY,
	SIGID_EXACT_REFERENCE,	/* .ref: dockerReference */
	SIGID_EXACT_REPOSITORY, /* .ref: dockerRepository */
	SIGID_REMAP,		/* .prefix, .signed_prefix */
};

struct sig_identity {
	enum sig_ident_kind kind;
	const char *ref, *prefix, *signed_prefix; /* borrowed from the policy JSON */
};

/* Reads a requirement's "signedIdentity" (o NULL: the default) and checks
 * it as containers/image does. -1 with err naming what is wrong. */
int sig_identity_parse(struct json_object *o, struct sig_identity *out, struct werr *err);

/* Whether a signature for signed_ref is accepted for the image pulled as
 * image_ref ("host/repo:tag" or "host/repo@sha256:...") under id. */
bool sig_identity_match(const struct sig_identity *id, const char *image_ref,
			const char *signed_ref);

enum sig_blob_kind {
	SIG_BLOB_BAD = -1,  /* not a signature at all */
	SIG_BLOB_GPG = 0,   /* an OpenPGP message: simple signing */
	SIG_BLOB_OTHER = 1, /* the newer "\0FORMAT\n" framing of another kind */
};

/* What a lookaside file holds; *body and *body_len point past any "\0simple-
 * signing\n" framing. On SIG_BLOB_BAD, err says why. */
enum sig_blob_kind sig_blob_kind(const char *blob, size_t len, const char **body, size_t *body_len,
				 struct werr *err);

#endif
