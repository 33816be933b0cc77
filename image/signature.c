/* signature.c - signature payloads and signed identities; see signature.h. */
#include "image/signature.h"

#include <stdlib.h>
#include <string.h>

#include "image/ref.h"
#include "lib/cleanup.h"
#include "lib/digest.h"
#include "lib/json.h"
#include "lib/util.h"

void sig_payload_free(struct sig_payload *p)
{
	free(p->digest);
	free(p->reference);
	*p = (struct sig_payload){0};
}

static int invalid(struct werr *err, const char *what, const char *arg)
{
	werr_set(err, 0, "Invalid signature: %s%s%s%s", what, arg ? " \"" : "", arg ? arg : "",
		 arg ? "\"" : "");
	text_scrub(err->msg);
	return -1;
}

/* o is an object with exactly the members keys (NULL-terminated). */
static int exact_members(struct json_object *o, const char *what, const char *const *keys,
			 struct werr *err)
{
	size_t n = 0;

	if (!json_object_is_type(o, json_type_object))
		return invalid(err, "JSON object expected in", what);
	for (; keys[n]; n++)
		if (!json_object_object_get_ex(o, keys[n], NULL))
			return invalid(err, "missing member", keys[n]);
	if ((size_t)json_object_object_length(o) != n) {
		json_object_object_foreach(o, k, v)
		{
			(void)v;
			bool known = false;
			for (size_t i = 0; keys[i]; i++)
				known = known || strcmp(k, keys[i]) == 0;
			if (!known)
				return invalid(err, "unexpected member", k);
		}
	}
	return 0;
}

/* o[key] is a string: returned (borrowed), else NULL with err. */
static const char *member_str(struct json_object *o, const char *key, struct werr *err)
{
	const char *s = jstr(o, key);

	if (s == NULL)
		invalid(err, "string expected in", key);
	else if (strlen(s) != (size_t)json_object_get_string_len(jget(o, key)))
		return invalid(err, "NUL byte in", key), NULL;
	return s;
}

/* "optional": creator a string, timestamp an integer, anything else ignored. */
static int check_optional(struct json_object *opt, bool null_ok, struct werr *err)
{
	struct json_object *c = jget(opt, "creator"), *t = jget(opt, "timestamp");

	if (opt == NULL && null_ok)
		return 0;
	if (!json_object_is_type(opt, json_type_object))
		return invalid(err, "JSON object expected in", "optional");
	if (json_object_object_get_ex(opt, "creator", NULL) &&
	    !json_object_is_type(c, json_type_string))
		return invalid(err, "string expected in", "optional.creator");
	if (json_object_object_get_ex(opt, "timestamp", NULL) &&
	    !json_object_is_type(t, json_type_int) &&
	    !(json_object_is_type(t, json_type_double) &&
	      json_object_get_double(t) == (double)(int64_t)json_object_get_double(t)))
		return invalid(err, "Field optional.timestamp is not an integer", NULL);
	return 0;
}

/* Parses strict JSON: one value, nothing after it. */
static struct json_object *strict_parse(const char *text, size_t len, struct werr *err)
{
	struct json_tokener *tok = json_tokener_new_ex(32);
	struct json_object *o;

	if (len > SIG_MAX_SIZE || memchr(text, '\0', len) != NULL) {
		json_tokener_free(tok);
		invalid(err, "payload is not JSON text", NULL);
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, text, (int)len);
	if (o == NULL || json_tokener_get_parse_end(tok) +
				 strspn(text + json_tokener_get_parse_end(tok), " \t\r\n") <
			     len) {
		json_object_put(o);
		json_tokener_free(tok);
		invalid(err, "payload is not JSON", NULL);
		return NULL;
	}
	json_tokener_free(tok);
	return o;
}

/* Parses a payload; see signature.h. */
int sig_payload_parse(const char *text, size_t len, const char *type, struct sig_payload *out,
		      struct werr *err)
{
	static const char *const top[] = {"critical", "optional", NULL};
	static const char *const crit[] = {"type", "image", "identity", NULL};
	static const char *const img[] = {"docker-manifest-digest", NULL};
	static const char *const ident[] = {"docker-reference", NULL};
	cleanup_json struct json_object *o = strict_parse(text, len, err);
	struct json_object *c = jget(o, "critical");
	const char *t, *d, *r;

	if (o == NULL || exact_members(o, "the payload", top, err) < 0 ||
	    check_optional(jget(o, "optional"), strcmp(type, SIG_TYPE_SIGSTORE) == 0, err) < 0 ||
	    exact_members(c, "critical", crit, err) < 0 || (t = member_str(c, "type", err)) == NULL)
		return -1;
	if (strcmp(t, type) != 0)
		return invalid(err, "Unrecognized signature type", t);
	if (exact_members(jget(c, "image"), "critical.image", img, err) < 0 ||
	    (d = member_str(jget(c, "image"), "docker-manifest-digest", err)) == NULL)
		return -1;
	if (!digest_valid(d))
		return invalid(err, "invalid docker-manifest-digest value", d);
	if (exact_members(jget(c, "identity"), "critical.identity", ident, err) < 0 ||
	    (r = member_str(jget(c, "identity"), "docker-reference", err)) == NULL)
		return -1;
	out->digest = xstrdup(d);
	out->reference = xstrdup(r);
	return 0;
}

/* ---- identities ---- */

/* True when s names a tag or a digest (not a bare repository). */
static bool has_tag_or_digest(const char *s)
{
	const char *last = strrchr(s, '/');

	return strchr(s, '@') != NULL || strchr(last ? last + 1 : s, ':') != NULL;
}

/* A remapIdentity prefix: host[:port], a namespace or a repository, in
 * the fully expanded form (no tag, no digest, no empty component). */
static bool valid_prefix(const char *s)
{
	const char *slash = strchr(s, '/');

	if (*s == '\0' || *s == '/' || s[strlen(s) - 1] == '/' || strstr(s, "//") != NULL)
		return false;
	if (strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/:") !=
	    strlen(s))
		return false;
	/* a ':' only as the port of the host */
	if (slash != NULL && strchr(slash, ':') != NULL)
		return false;
	return true;
}

static bool parses(const char *s)
{
	struct image_ref r;

	if (ref_parse(s, &r, NULL) < 0)
		return false;
	ref_free(&r);
	return true;
}

static const struct {
	const char *type;
	enum sig_ident_kind kind;
	const char *a, *b; /* its members besides "type" */
} ident_types[] = {
    {"matchRepoDigestOrExact", SIGID_REPO_DIGEST_OR_EXACT, NULL, NULL},
    {"matchExact", SIGID_EXACT, NULL, NULL},
    {"matchRepository", SIGID_REPOSITORY, NULL, NULL},
    {"exactReference", SIGID_EXACT_REFERENCE, "dockerReference", NULL},
    {"exactRepository", SIGID_EXACT_REPOSITORY, "dockerRepository", NULL},
    {"remapIdentity", SIGID_REMAP, "prefix", "signedPrefix"},
};

/* Reads signedIdentity; see signature.h. */
int sig_identity_parse(struct json_object *o, struct sig_identity *out, struct werr *err)
{
	const char *t = jstr(o, "type"), *a, *b;
	size_t k;

	*out = (struct sig_identity){.kind = SIGID_REPO_DIGEST_OR_EXACT};
	if (o == NULL)
		return 0;
	if (t == NULL)
		return werr_set(err, 0, "signedIdentity must be an object with a \"type\"");
	for (k = 0; k < ARRAY_SIZE(ident_types); k++)
		if (strcmp(t, ident_types[k].type) == 0)
			break;
	if (k == ARRAY_SIZE(ident_types))
		return werr_set(err, 0, "unknown signedIdentity type \"%s\"", t);
	a = ident_types[k].a ? jstr(o, ident_types[k].a) : NULL;
	b = ident_types[k].b ? jstr(o, ident_types[k].b) : NULL;
	if ((size_t)json_object_object_length(o) !=
		(size_t)(1 + (ident_types[k].a != NULL) + (ident_types[k].b != NULL)) ||
	    (ident_types[k].a && a == NULL) || (ident_types[k].b && b == NULL))
		return werr_set(
		    err, 0, "signedIdentity %s takes %s%s%s%s%s", t,
		    ident_types[k].a ? "\"" : "no other member",
		    ident_types[k].a ? ident_types[k].a : "", ident_types[k].b ? "\" and \"" : "",
		    ident_types[k].b ? ident_types[k].b : "", ident_types[k].a ? "\"" : "");
	out->kind = ident_types[k].kind;
	if (out->kind == SIGID_EXACT_REFERENCE && (!parses(a) || !has_tag_or_digest(a)))
		return werr_set(err, 0, "dockerReference %s must name a tag or a digest", a);
	if (out->kind == SIGID_EXACT_REPOSITORY && !parses(a))
		return werr_set(err, 0, "invalid dockerRepository %s", a);
	if (out->kind == SIGID_REMAP && (!valid_prefix(a) || !valid_prefix(b)))
		return werr_set(err, 0, "prefix %s is not valid", valid_prefix(a) ? b : a);
	if (out->kind == SIGID_REMAP) {
		out->prefix = a;
		out->signed_prefix = b;
	} else {
		out->ref = a;
	}
	return 0;
}

/* Both parsed; exact: whole references equal, else repositories. */
static bool same(const char *x, const char *y, bool exact)
{
	struct image_ref a, b;
	bool r = false;

	if (ref_parse(x, &a, NULL) < 0)
		return false;
	if (ref_parse(y, &b, NULL) == 0) {
		cleanup_free char *sa = exact ? ref_string(&a) : ref_repo(&a);
		cleanup_free char *sb = exact ? ref_string(&b) : ref_repo(&b);
		r = strcmp(sa, sb) == 0;
		ref_free(&b);
	}
	ref_free(&a);
	return r;
}

/* matchRepoDigestOrExact: a tag must match exactly, a digest by repository. */
static bool repo_digest_or_exact(const char *image, const char *sig)
{
	const char *last = strrchr(image, '/'), *at = strchr(image, '@'), *colon;
	bool tagged;

	last = last ? last + 1 : image;
	colon = strchr(last, ':');
	tagged = colon != NULL && (at == NULL || colon < at);

	if (!has_tag_or_digest(sig) || !has_tag_or_digest(image))
		return false;
	return same(image, sig, tagged);
}

/* remapIdentity: image's name with prefix replaced by signed_prefix; NULL
 * when it does not start with prefix (malloc'd). */
static char *remap(const char *image, const char *prefix, const char *signed_prefix)
{
	struct image_ref r;
	cleanup_free char *name = NULL, *full = NULL;
	size_t n = strlen(prefix);

	if (ref_parse(image, &r, NULL) < 0)
		return NULL;
	name = ref_repo(&r);
	full = ref_string(&r);
	ref_free(&r);
	if (strncmp(name, prefix, n) != 0 || (name[n] != '\0' && name[n] != '/'))
		return NULL;
	return xasprintf("%s%s", signed_prefix, full + n);
}

/* Matches a signed identity; see signature.h. */
bool sig_identity_match(const struct sig_identity *id, const char *image_ref,
			const char *signed_ref)
{
	cleanup_free char *mapped = NULL;
	struct image_ref r;

	switch (id->kind) {
	case SIGID_REPO_DIGEST_OR_EXACT:
		return repo_digest_or_exact(image_ref, signed_ref);
	case SIGID_EXACT:
		return has_tag_or_digest(image_ref) && has_tag_or_digest(signed_ref) &&
		       same(image_ref, signed_ref, true);
	case SIGID_REPOSITORY:
		return same(image_ref, signed_ref, false);
	case SIGID_EXACT_REFERENCE:
		return has_tag_or_digest(signed_ref) && same(id->ref, signed_ref, true);
	case SIGID_EXACT_REPOSITORY:
		return same(id->ref, signed_ref, false);
	case SIGID_REMAP:
		mapped = remap(image_ref, id->prefix, id->signed_prefix);
		if (mapped == NULL)
			return repo_digest_or_exact(image_ref, signed_ref);
		/* the result must be a reference in its canonical form already */
		if (ref_parse(mapped, &r, NULL) < 0)
			return false;
		{
			cleanup_free char *canon = ref_string(&r);
			ref_free(&r);
			if (strcmp(canon, mapped) != 0)
				return false;
		}
		return repo_digest_or_exact(mapped, signed_ref);
	}
	return false;
}

/* ---- lookaside blobs ---- */

/* First bytes of an OpenPGP message: a compressed data, one-pass
 * signature or signature packet, old or new format. */
static const unsigned char pgp_first[] = {0xA0, 0xA1, 0xA2, 0xA3, 0xC8, 0x90, 0x91, 0x92,
					  0x93, 0xC4, 0x88, 0x89, 0x8A, 0x8B, 0xC2};

enum sig_blob_kind sig_blob_kind(const char *blob, size_t len, const char **body, size_t *body_len,
				 struct werr *err)
{
	const char *nl;

	if (len == 0)
		return werr_set(err, 0, "empty signature blob"), SIG_BLOB_BAD;
	if (memchr(pgp_first, (unsigned char)blob[0], sizeof(pgp_first)) != NULL) {
		*body = blob;
		*body_len = len;
		return SIG_BLOB_GPG;
	}
	if (blob[0] != '\0') {
		werr_set(err, 0, "unrecognized signature format, starting with binary %#x",
			 (unsigned char)blob[0]);
		return SIG_BLOB_BAD;
	}
	nl = memchr(blob + 1, '\n', len - 1);
	if (nl == NULL)
		return werr_set(err, 0, "invalid signature format, missing newline"), SIG_BLOB_BAD;
	for (const char *p = blob + 1; p < nl; p++)
		if ((unsigned char)*p < 32 || (unsigned char)*p >= 0x7f)
			return werr_set(err, 0, "invalid signature format, non-ASCII byte %#x",
					(unsigned char)*p),
			       SIG_BLOB_BAD;
	*body = nl + 1;
	*body_len = len - (size_t)(nl + 1 - blob);
	if ((size_t)(nl - blob - 1) == strlen("simple-signing") &&
	    memcmp(blob + 1, "simple-signing", (size_t)(nl - blob - 1)) == 0)
		return SIG_BLOB_GPG;
	if ((size_t)(nl - blob - 1) == strlen("sigstore-json") &&
	    memcmp(blob + 1, "sigstore-json", (size_t)(nl - blob - 1)) == 0)
		return SIG_BLOB_OTHER;
	werr_set(err, 0, "unrecognized signature format \"%.*s\"", (int)(nl - blob - 1), blob + 1);
	return SIG_BLOB_BAD;
}
