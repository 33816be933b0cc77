/* Unit tests: signature payloads, signed identities, lookaside blobs and
 * URLs (image/signature.c, image/sigfetch.c's pure part). */
#include "tests/unit/unit.h"

#include "image/sigfetch.h"
#include "image/signature.h"
#include "lib/json.h"
#include "lib/util.h"

#include <stdlib.h>

#define D  "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define D2 "sha256:1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* A payload with critical members CRIT and optional OPT. */
#define PAYLOAD(crit, opt) "{\"critical\":{" crit "},\"optional\":" opt "}"
#define CRIT(type, dig, ref)                                                                       \
	"\"type\":\"" type "\",\"image\":{\"docker-manifest-digest\":\"" dig "\"},"                \
	"\"identity\":{\"docker-reference\":\"" ref "\"}"
#define GOOD PAYLOAD(CRIT(SIG_TYPE_GPG, D, "q.io/a/b:1"), "{\"creator\":\"x\",\"timestamp\":5}")

/* "" when text parses as a payload of type, else the error. */
static const char *perr(const char *text, const char *type)
{
	static struct werr err;
	struct sig_payload p = {0};

	werr_clear(&err);
	if (sig_payload_parse(text, strlen(text), type, &p, &err) < 0)
		return err.msg;
	sig_payload_free(&p);
	return "";
}

UNIT_TEST(payload_strict)
{
	struct werr err = {0};
	struct sig_payload p = {0};

	CHECK(sig_payload_parse(GOOD, strlen(GOOD), SIG_TYPE_GPG, &p, &err) == 0);
	CHECK_STR(p.digest, D);
	CHECK_STR(p.reference, "q.io/a/b:1");
	sig_payload_free(&p);
	/* the sigstore type, with "optional": null as cosign writes it */
	CHECK_STR(perr(PAYLOAD(CRIT(SIG_TYPE_SIGSTORE, D, "q.io/a:1"), "null"), SIG_TYPE_SIGSTORE),
		  "");
	CHECK(strstr(perr(PAYLOAD(CRIT(SIG_TYPE_GPG, D, "q.io/a:1"), "null"), SIG_TYPE_GPG),
		     "JSON object expected in \"optional\"") != NULL);
	CHECK(strstr(perr(GOOD, SIG_TYPE_SIGSTORE), "Unrecognized signature type") != NULL);
	CHECK(strstr(perr("{\"critical\":{}}", SIG_TYPE_GPG), "missing member \"optional\""));
	CHECK(
	    strstr(perr(PAYLOAD(CRIT(SIG_TYPE_GPG, D, "q.io/a:1") ",\"x\":1", "{}"), SIG_TYPE_GPG),
		   "unexpected member \"x\""));
	CHECK(strstr(perr(PAYLOAD(CRIT(SIG_TYPE_GPG, "sha256:12", "q.io/a:1"), "{}"), SIG_TYPE_GPG),
		     "invalid docker-manifest-digest value"));
	CHECK(strstr(
	    perr(PAYLOAD(CRIT(SIG_TYPE_GPG, D, "q.io/a:1"), "{\"timestamp\":1.5}"), SIG_TYPE_GPG),
	    "not an integer"));
	CHECK(strstr(
	    perr(PAYLOAD(CRIT(SIG_TYPE_GPG, D, "q.io/a:1"), "{\"creator\":1}"), SIG_TYPE_GPG),
	    "string expected in \"optional.creator\""));
	CHECK(strstr(perr(GOOD " x", SIG_TYPE_GPG), "not JSON"));
	CHECK(strstr(perr("[1]", SIG_TYPE_GPG), "JSON object expected"));
	CHECK(strstr(perr("{\"critical\":{\"type\":\"" SIG_TYPE_GPG "\",\"image\":{},\"identity\":"
			  "{}},\"optional\":{}}",
			  SIG_TYPE_GPG),
		     "missing member \"docker-manifest-digest\""));
	CHECK(strstr(perr("{critical:1}", SIG_TYPE_GPG), "not JSON"));
	/* a control character in a message is scrubbed */
	CHECK(strchr(perr(PAYLOAD(CRIT("x\\ny", D, "q.io/a:1"), "{}"), SIG_TYPE_GPG), '\n') ==
	      NULL);
}

/* sig_identity_match with identity JSON js (NULL: the default). */
static bool match(const char *js, const char *image, const char *signed_ref)
{
	struct json_object *o = js ? json_tokener_parse(js) : NULL;
	struct sig_identity id;
	struct werr err = {0};
	bool r;

	if (sig_identity_parse(o, &id, &err) < 0) {
		printf("  identity: %s\n", err.msg);
		json_object_put(o);
		return false;
	}
	r = sig_identity_match(&id, image, signed_ref);
	json_object_put(o);
	return r;
}

UNIT_TEST(identities)
{
	const char *repo = "{\"type\":\"matchRepository\"}", *exact = "{\"type\":\"matchExact\"}";

	/* matchRepoDigestOrExact: a tag exactly, a digest by repository */
	CHECK(match(NULL, "q.io/a/b:1", "q.io/a/b:1"));
	CHECK(!match(NULL, "q.io/a/b:1", "q.io/a/b:2"));
	CHECK(!match(NULL, "q.io/a/b:1", "q.io/a/b")); /* a bare name is never enough */
	CHECK(match(NULL, "q.io/a/b@" D, "q.io/a/b:1"));
	CHECK(!match(NULL, "q.io/a/b@" D, "q.io/a/c:1"));
	CHECK(match(NULL, "docker.io/library/busybox:latest", "busybox:latest")); /* normalized */
	CHECK(match(NULL, "localhost:5000/x:1", "localhost:5000/x:1"));
	CHECK(!match(NULL, "localhost:5000/x:1", "localhost:5001/x:1"));
	CHECK(match(exact, "q.io/a:1", "q.io/a:1"));
	CHECK(!match(exact, "q.io/a@" D, "q.io/a:1"));
	CHECK(match(repo, "q.io/a:1", "q.io/a:2"));
	CHECK(match(repo, "q.io/a:1", "q.io/a"));
	CHECK(!match(repo, "q.io/a:1", "q.io/b:1"));
	CHECK(match("{\"type\":\"exactReference\",\"dockerReference\":\"r.io/x:9\"}", "q.io/a:1",
		    "r.io/x:9"));
	CHECK(!match("{\"type\":\"exactReference\",\"dockerReference\":\"r.io/x:9\"}", "q.io/a:1",
		     "q.io/a:1"));
	CHECK(match("{\"type\":\"exactRepository\",\"dockerRepository\":\"r.io/x\"}", "q.io/a:1",
		    "r.io/x:7"));
	/* remapIdentity: the mirror's name mapped back to the signed one */
	const char *remap = "{\"type\":\"remapIdentity\",\"prefix\":\"m.io/mirror\","
			    "\"signedPrefix\":\"q.io\"}";
	CHECK(match(remap, "m.io/mirror/a:1", "q.io/a:1"));
	CHECK(!match(remap, "m.io/mirror/a:1", "q.io/a:2"));
	CHECK(match(remap, "m.io/mirror/a@" D, "q.io/a:2"));
	CHECK(!match(remap, "m.io/mirrors/a:1", "q.io/s/a:1"));	 /* a prefix ends at a '/' */
	CHECK(match(remap, "m.io/other/a:1", "m.io/other/a:1")); /* not under prefix */
	CHECK(!match(
	    "{\"type\":\"remapIdentity\",\"prefix\":\"m.io/a\",\"signedPrefix\":\"busybox\"}",
	    "m.io/a:1", "busybox:1")); /* the result is not a canonical reference */
}

UNIT_TEST(identity_parse_errors)
{
	struct sig_identity id;
	struct werr err = {0};
	struct json_object *o =
	    json_tokener_parse("{\"type\":\"remapIdentity\",\"prefix\":\"a/b:1\","
			       "\"signedPrefix\":\"q.io\"}");

	CHECK(sig_identity_parse(o, &id, &err) < 0);
	CHECK(strstr(err.msg, "prefix a/b:1 is not valid") != NULL);
	json_object_put(o);
	o = json_tokener_parse("{\"type\":\"remapIdentity\",\"prefix\":\"q.io\"}");
	CHECK(sig_identity_parse(o, &id, &err) < 0);
	CHECK(strstr(err.msg, "takes \"prefix\" and \"signedPrefix\"") != NULL);
	json_object_put(o);
	o = json_tokener_parse("\"matchExact\"");
	CHECK(sig_identity_parse(o, &id, &err) < 0);
	json_object_put(o);
}

/* The kind of blob b (length n), its body's first byte into *first. */
static int kind(const char *b, size_t n, char *first, struct werr *err)
{
	const char *body = NULL;
	size_t len = 0;
	int k = sig_blob_kind(b, n, &body, &len, err);

	*first = k != SIG_BLOB_BAD && len ? body[0] : 0;
	return k;
}

UNIT_TEST(lookaside_blobs)
{
	struct werr err = {0};
	char first;

	CHECK(kind("\xa3\x01", 2, &first, &err) == SIG_BLOB_GPG && first == '\xa3');
	CHECK(kind("\x89\x01", 2, &first, &err) == SIG_BLOB_GPG);
	CHECK(kind("\0simple-signing\n\xa3x", 18, &first, &err) == SIG_BLOB_GPG && first == '\xa3');
	CHECK(kind("\0sigstore-json\n{}", 17, &first, &err) == SIG_BLOB_OTHER);
	CHECK(kind("", 0, &first, &err) == SIG_BLOB_BAD);
	CHECK(strstr(err.msg, "empty") != NULL);
	CHECK(kind("hello", 5, &first, &err) == SIG_BLOB_BAD);
	CHECK_STR(err.msg, "unrecognized signature format, starting with binary 0x68");
	CHECK(kind("\0nonewline", 10, &first, &err) == SIG_BLOB_BAD);
	CHECK(strstr(err.msg, "missing newline") != NULL);
	CHECK(kind("\0bad\x01\n", 6, &first, &err) == SIG_BLOB_BAD);
	CHECK(strstr(err.msg, "non-ASCII") != NULL);
	CHECK(kind("\0other\nx", 8, &first, &err) == SIG_BLOB_BAD);
	CHECK_STR(err.msg, "unrecognized signature format \"other\"");
}

UNIT_TEST(lookaside_urls)
{
	char *u = sigfetch_lookaside_url("file:///var/lib/sigs", "library/busybox", D, 2);

	CHECK_STR(u,
		  "file:///var/lib/sigs/library/busybox@sha256="
		  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef/signature-2");
	free(u);
	u = sigfetch_lookaside_url("https://s.io/x", "a", D2, 1);
	CHECK(str_has_prefix(u, "https://s.io/x/a@sha256=1123") &&
	      str_has_suffix(u, "/signature-1"));
	free(u);
}

UNIT_MAIN()
