/* sigverify.c - signedBy and sigstoreSigned; see sigverify.h. */
#include "image/sigverify.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "image/gpgfn.h"
#include "image/signature.h"
#include "lib/base64.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"

/* a key file is a few KiB; a keyring export of many keys stays far below */
#define KEY_FILE_MAX (16 << 20)

static const char *const gpg_key_types[] = {"GPGKeys", "signedByGPGKeys", "X509Certificates",
					    "signedByX509CAs", NULL};

/* How many of the members names o has. */
static size_t count_members(struct json_object *o, const char *const *names)
{
	size_t n = 0;

	for (size_t i = 0; names[i]; i++)
		n += json_object_object_get_ex(o, names[i], NULL);
	return n;
}

/* Checks a requirement's members; see sigverify.h. */
int sigverify_check_req(struct json_object *req, struct werr *err)
{
	static const char *const gpg_src[] = {"keyPath", "keyPaths", "keyData", NULL};
	static const char *const ss_src[] = {"keyPath", "keyPaths", "keyData",
					     "fulcio",	"pki",	    NULL};
	const char *t = jstr(req, "type"), *kt = jstr(req, "keyType");
	bool gpg = strcmp(t, "signedBy") == 0;
	struct json_object *paths = jget(req, "keyPaths");
	struct sig_identity id;

	if (gpg && (kt == NULL || !strv_contains((char *const *)gpg_key_types, kt)))
		return werr_set(err, 0, "signedBy: invalid keyType \"%s\"", kt ? kt : "");
	if (count_members(req, gpg ? gpg_src : ss_src) != 1)
		return werr_set(err, 0, "%s needs exactly one of %s", t,
				gpg ? "keyPath, keyPaths and keyData"
				    : "keyPath, keyPaths, keyData, fulcio and pki");
	if (jget(req, "keyPath") && !jstr(req, "keyPath"))
		return werr_set(err, 0, "%s: keyPath must be a string", t);
	if (jget(req, "keyData") && !jstr(req, "keyData"))
		return werr_set(err, 0, "%s: keyData must be a string", t);
	if (paths != NULL && (jlen(paths) == 0 || !json_object_is_type(paths, json_type_array)))
		return werr_set(err, 0, "%s: keyPaths must be a non-empty array", t);
	for (size_t i = 0; i < jlen(paths); i++)
		if (!json_object_is_type(json_object_array_get_idx(paths, i), json_type_string))
			return werr_set(err, 0, "%s: keyPaths must hold strings", t);
	if (sig_identity_parse(jget(req, "signedIdentity"), &id, err) < 0)
		return werr_wrap(err, "%s", t);
	return 0;
}

/* ---- keys ---- */

struct keyfile {
	char *data;
	size_t len;
	char *origin;
};

static void keyfiles_free(struct keyfile *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].data);
		free(v[i].origin);
	}
	free(v);
}

static int add_path(struct keyfile **v, size_t *n, const char *path, struct werr *err)
{
	size_t len = 0;
	char *data = read_file_max(path, KEY_FILE_MAX, &len, err);

	if (data == NULL)
		return werr_wrap(err, "read key file");
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = (struct keyfile){.data = data, .len = len, .origin = xstrdup(path)};
	return 0;
}

/* The key material of req: each of keyPath, keyPaths, keyData (decoded). */
static int load_keys(struct json_object *req, struct keyfile **out, size_t *nout, struct werr *err)
{
	struct keyfile *v = NULL;
	struct json_object *paths = jarr(req, "keyPaths");
	const char *data = jstr(req, "keyData");
	size_t n = 0;
	int rc = 0;

	if (jstr(req, "keyPath") != NULL)
		rc = add_path(&v, &n, jstr(req, "keyPath"), err);
	for (size_t i = 0; rc == 0 && i < jlen(paths); i++)
		rc = add_path(&v, &n, json_object_get_string(json_object_array_get_idx(paths, i)),
			      err);
	if (rc == 0 && data != NULL) {
		struct keyfile k = {.origin = xstrdup("keyData")};
		if (base64_decode(data, &k.data, &k.len) < 0) {
			free(k.origin);
			rc = werr_set(err, 0, "keyData is not valid base64");
		} else {
			v = xrealloc(v, (n + 1) * sizeof(*v));
			v[n++] = k;
		}
	}
	if (rc < 0) {
		keyfiles_free(v, n);
		return -1;
	}
	*out = v;
	*nout = n;
	return 0;
}

/* ---- the checks every signature kind shares ---- */

/* Rejection reasons, joined the way containers/image reports them. */
struct reasons {
	char *all;
	size_t n;
	struct werr first;
};

static void reason_add(struct reasons *r, const struct werr *one)
{
	char *next = xasprintf("%s%s%s", r->all ? r->all : "", r->all ? "; " : "", one->msg);

	if (r->n++ == 0)
		r->first = *one;
	free(r->all);
	r->all = next;
}

/* The summary: the one reason, all of them, or none found. */
static int reasons_fail(struct reasons *r, const char *none, struct werr *err)
{
	if (r->n == 0)
		werr_set(err, 0, "%s", none);
	else if (r->n == 1)
		*err = r->first;
	else
		werr_set(err, 0, "None of the signatures were accepted, reasons: %s", r->all);
	free(r->all);
	return -1;
}

/* A verified payload: the digest it signs and the identity it names. */
static int check_payload(struct json_object *req, const char *image_ref, const char *digest,
			 const char *text, size_t len, const char *type, struct werr *err)
{
	struct sig_payload p = {0};
	struct sig_identity id;
	int rc = 0;

	if (sig_identity_parse(jget(req, "signedIdentity"), &id, err) < 0 ||
	    sig_payload_parse(text, len, type, &p, err) < 0)
		return -1;
	if (strcmp(p.digest, digest) != 0)
		rc = werr_set(err, 0, "Signature for digest %s does not match", p.digest);
	else if (!sig_identity_match(&id, image_ref, p.reference))
		rc = werr_set(err, 0, "Signature for identity %s is not accepted", p.reference);
	if (rc < 0)
		text_scrub(err->msg);
	sig_payload_free(&p);
	return rc;
}

/* ---- signedBy ---- */

static struct gpg_keyring *gpg_keys(struct json_object *req, struct werr *err)
{
	struct keyfile *keys = NULL;
	struct gpg_keyring *k;
	size_t n = 0;
	int total = 0;

	if (load_keys(req, &keys, &n, err) < 0)
		return NULL;
	k = gpg_keyring_new(err);
	for (size_t i = 0; k != NULL && i < n; i++) {
		int got = gpg_keyring_import(k, keys[i].data, keys[i].len, keys[i].origin, err);
		if (got < 0) {
			gpg_keyring_free(k);
			k = NULL;
		}
		total += got > 0 ? got : 0;
	}
	keyfiles_free(keys, n);
	if (k != NULL && total == 0) {
		gpg_keyring_free(k);
		werr_set(err, 0, "No public keys imported");
		return NULL;
	}
	return k;
}

static int signed_by(struct json_object *req, const char *image_ref, const struct sig_source *src,
		     struct werr *err)
{
	const char *kt = jstr(req, "keyType");
	const struct sig_blob *sigs = NULL;
	struct gpg_keyring *k;
	struct reasons r = {0};
	size_t n = 0;

	if (strcmp(kt, "GPGKeys") != 0)
		return werr_set(err, 0, "Unimplemented \"keyType\" value \"%s\"", kt);
	if (src->simple(src->ud, &sigs, &n, err) < 0)
		return -1;
	if (n == 0)
		return werr_set(err, 0, "A signature was required, but no signature exists");
	if ((k = gpg_keys(req, err)) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct werr one = {0};
		cleanup_free char *payload = NULL;
		size_t len = 0;
		if (gpg_keyring_verify(k, sigs[i].data, sigs[i].len, &payload, &len, &one) == 0 &&
		    check_payload(req, image_ref, src->manifest_digest, payload, len, SIG_TYPE_GPG,
				  &one) == 0) {
			gpg_keyring_free(k);
			free(r.all);
			return 0;
		}
		reason_add(&r, &one);
	}
	gpg_keyring_free(k);
	return reasons_fail(&r, "A signature was required, but no signature exists", err);
}

/* ---- sigstoreSigned ---- */

static void pkeys_free(EVP_PKEY **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		EVP_PKEY_free(v[i]);
	free(v);
}

/* The PEM public keys of req (new array of n). */
static EVP_PKEY **public_keys(struct json_object *req, size_t *nout, struct werr *err)
{
	struct keyfile *keys = NULL;
	EVP_PKEY **v;
	size_t n = 0;

	if (load_keys(req, &keys, &n, err) < 0)
		return NULL;
	v = xcalloc(n ? n : 1, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		BIO *b = BIO_new_mem_buf(keys[i].data, (int)keys[i].len);
		v[i] = b ? PEM_read_bio_PUBKEY(b, NULL, NULL, NULL) : NULL;
		BIO_free(b);
		if (v[i] == NULL) {
			werr_set(err, 0, "%s: not a PEM public key", keys[i].origin);
			pkeys_free(v, i);
			keyfiles_free(keys, n);
			return NULL;
		}
	}
	keyfiles_free(keys, n);
	*nout = n;
	return v;
}

/* Whether sig is key's signature of data (SHA-256; Ed25519 signs data itself). */
static bool pkey_verifies(EVP_PKEY *key, const char *sig, size_t siglen, const char *data,
			  size_t len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ed = EVP_PKEY_get_id(key) == EVP_PKEY_ED25519;
	bool ok = ctx != NULL &&
		  EVP_DigestVerifyInit(ctx, NULL, ed ? NULL : EVP_sha256(), NULL, key) == 1 &&
		  EVP_DigestVerify(ctx, (const unsigned char *)sig, siglen,
				   (const unsigned char *)data, len) == 1;

	EVP_MD_CTX_free(ctx);
	return ok;
}

static int one_attachment(struct json_object *req, const char *image_ref,
			  const struct sig_source *src, EVP_PKEY **keys, size_t nkeys,
			  const struct sig_attachment *a, struct werr *err)
{
	cleanup_free char *sig = NULL;
	size_t siglen = 0;
	bool ok = false;

	if (a->signature == NULL)
		return werr_set(err, 0, "missing dev.cosignproject.cosign/signature annotation");
	if (base64_decode(a->signature, &sig, &siglen) < 0)
		return werr_set(err, 0, "Invalid signature: base64 decoding failed");
	for (size_t i = 0; i < nkeys && !ok; i++)
		ok = pkey_verifies(keys[i], sig, siglen, a->payload, a->len);
	if (!ok)
		return werr_set(err, 0,
				"cryptographic signature verification failed: invalid signature "
				"when validating ASN.1 encoded signature");
	return check_payload(req, image_ref, src->manifest_digest, a->payload, a->len,
			     SIG_TYPE_SIGSTORE, err);
}

static int sigstore_signed(struct json_object *req, const char *image_ref,
			   const struct sig_source *src, struct werr *err)
{
	const struct sig_attachment *atts = NULL;
	size_t n = 0, nkeys = 0, others = 0;
	struct reasons r = {0};
	EVP_PKEY **keys;

	if (jget(req, "fulcio") || jget(req, "pki") || jget(req, "rekorPublicKeyPath") ||
	    jget(req, "rekorPublicKeyPaths") || jget(req, "rekorPublicKeyData"))
		return werr_set(err, 0,
				"warren cannot verify sigstoreSigned requirements with fulcio, "
				"pki or rekor yet: only public keys (keyPath, keyPaths, keyData)");
	if (src->sigstore(src->ud, &atts, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		others += strcmp(atts[i].media_type, SIG_MEDIA_COSIGN) != 0;
	if (others == n && others > 0)
		return werr_set(err, 0,
				"A signature was required, but no signature exists (0 non-sigstore "
				"signatures, %zu sigstore non-signature attachments)",
				others);
	if (n == 0)
		return werr_set(err, 0, "A signature was required, but no signature exists");
	if ((keys = public_keys(req, &nkeys, err)) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct werr one = {0};
		if (strcmp(atts[i].media_type, SIG_MEDIA_COSIGN) != 0)
			continue;
		if (one_attachment(req, image_ref, src, keys, nkeys, &atts[i], &one) == 0) {
			pkeys_free(keys, nkeys);
			free(r.all);
			return 0;
		}
		reason_add(&r, &one);
	}
	pkeys_free(keys, nkeys);
	return reasons_fail(&r, "A signature was required, but no signature exists", err);
}

/* Checks one requirement; see sigverify.h. */
int sigverify_requirement(struct json_object *req, const char *image_ref,
			  const struct sig_source *src, struct werr *err)
{
	if (strcmp(jstr(req, "type"), "signedBy") == 0)
		return signed_by(req, image_ref, src, err);
	return sigstore_signed(req, image_ref, src, err);
}

/* The ID column of `image trust show`; see sigverify.h. */
char *sigverify_key_ids(struct json_object *req)
{
	struct keyfile *keys = NULL;
	cleanup_strv char **all = xcalloc(1, sizeof(char *));
	size_t n = 0;
	struct werr ignore = {0};

	/* (Podman asks gpg about each file and shows nothing for one it cannot read) */
	if (load_keys(req, &keys, &n, &ignore) < 0)
		return xstrdup("");
	for (size_t i = 0; i < n; i++) {
		struct gpg_keyring *k = gpg_keyring_new(&ignore);
		if (k != NULL &&
		    gpg_keyring_import(k, keys[i].data, keys[i].len, keys[i].origin, &ignore) > 0) {
			cleanup_strv char **ids = gpg_keyring_uids(k);
			for (size_t j = 0; ids[j]; j++)
				all = strv_append(all, ids[j]);
		}
		gpg_keyring_free(k);
	}
	keyfiles_free(keys, n);
	return strv_join(all, ", ");
}
