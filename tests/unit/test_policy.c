/* Unit tests: containers-policy.json (image/policy.c). */
#include "tests/unit/unit.h"

#include "image/policy.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#define ACCEPT "[{\"type\":\"insecureAcceptAnything\"}]"
#define REJECT "[{\"type\":\"reject\"}]"
#define SIGNED "[{\"type\":\"signedBy\",\"keyType\":\"GPGKeys\",\"keyPath\":\"/k.gpg\"}]"

/* "ok", "signatures" (accepted if the signatures are) or the error of
 * checking ref. */
static const char *chk(const struct policy *p, const char *transport, const char *ref)
{
	static struct werr err;
	int rc;

	werr_clear(&err);
	rc = policy_check(p, transport, ref, &err);
	return rc == 0 ? "ok" : rc == 1 ? "signatures" : err.msg;
}

static const char *load_err(const char *text)
{
	static struct werr err;
	struct policy *p;

	werr_clear(&err);
	p = policy_parse(text, "/t/policy.json", &err);
	if (p != NULL) {
		policy_free(p);
		return "";
	}
	return err.msg;
}

UNIT_TEST(policy_scopes_most_specific_wins)
{
	struct werr err = {0};
	struct policy *p = policy_parse("{\"default\":" REJECT ",\"transports\":{\"docker\":{"
					"\"docker.io/library/busybox:1\":" REJECT ","
					"\"docker.io/library/busybox\":" ACCEPT ","
					"\"quay.io/ok\":" ACCEPT ","
					"\"quay.io\":" REJECT ","
					"\"*.example.com\":" ACCEPT ","
					"\"*.bad.example.com\":" REJECT ","
					"\"localhost:5000\":" ACCEPT ","
					"\"signed.io\":" SIGNED "},"
					"\"docker-archive\":{\"\":" ACCEPT "}}}",
					"/t/policy.json", &err);

	CHECK(p != NULL);
	CHECK_STR(policy_path(p), "/t/policy.json");
	CHECK_STR(chk(p, "docker", "docker.io/library/busybox:latest"), "ok");
	CHECK_STR(chk(p, "docker", "busybox"), "ok"); /* normalized first */
	CHECK_STR(chk(p, "docker", "docker.io/library/busybox:1"),
		  "Source image rejected: Running image docker://docker.io/library/busybox:1 is "
		  "rejected by policy in /t/policy.json");
	CHECK_STR(chk(p, "docker", "quay.io/ok/sub/img:2"), "ok"); /* namespace */
	CHECK(strstr(chk(p, "docker", "quay.io/other/img"), "rejected by policy") != NULL);
	CHECK(strstr(chk(p, "docker", "quay.io/okay/img"), "rejected by policy") != NULL);
	CHECK_STR(chk(p, "docker", "reg.example.com/a/b"), "ok");
	CHECK_STR(chk(p, "docker", "a.b.example.com:443/a/b"), "ok"); /* port left out */
	CHECK(strstr(chk(p, "docker", "x.bad.example.com/a"), "rejected by policy") != NULL);
	CHECK(strstr(chk(p, "docker", "example.com/a"), "rejected by policy") != NULL);
	CHECK_STR(chk(p, "docker", "localhost:5000/x"), "ok");
	CHECK(strstr(chk(p, "docker", "localhost/x"), "rejected by policy") != NULL);
	CHECK_STR(chk(p, "docker",
		      "quay.io/ok/"
		      "x@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
		  "ok");
	CHECK_STR(chk(p, "docker", "signed.io/x:1"), "signatures");
	CHECK_STR(chk(p, "docker-archive", "/tmp/x.tar"), "ok");
	CHECK(strstr(chk(p, "oci", "/tmp/dir"), "rejected by policy") != NULL); /* default */
	CHECK(strstr(chk(p, "docker", "Bad/Name"), "Source image rejected") != NULL);
	policy_free(p);
}

UNIT_TEST(policy_default_and_signatures_never_ignored)
{
	struct werr err = {0};
	struct policy *any = policy_parse("{\"default\":" ACCEPT "}", "/p", &err);
	struct policy *mix = policy_parse("{\"default\":[{\"type\":\"insecureAcceptAnything\"},"
					  "{\"type\":\"sigstoreSigned\",\"keyPath\":\"/k.pub\"}]}",
					  "/p", &err);

	CHECK(any != NULL && mix != NULL);
	CHECK_STR(chk(any, "docker", "quay.io/a/b:c"), "ok");
	CHECK_STR(chk(any, "docker-daemon", "x"), "ok");
	/* every requirement must accept: the signature is still wanted */
	CHECK_STR(chk(mix, "docker", "quay.io/a/b:c"), "signatures");
	/* only registry images carry signatures */
	CHECK(strstr(chk(mix, "docker-archive", "/x.tar"), "only registry images carry") != NULL);
	policy_free(any);
	policy_free(mix);
	/* signedBaseLayer cannot be checked: refused, loudly */
	any = policy_parse("{\"default\":[{\"type\":\"signedBaseLayer\","
			   "\"baseLayerIdentity\":{\"type\":\"matchRepository\"}}]}",
			   "/p", &err);
	CHECK(any != NULL);
	CHECK(strstr(chk(any, "docker", "a.io/b:c"),
		     "requires a signedBaseLayer signature for docker://a.io/b:c, which warren "
		     "cannot verify") != NULL);
	policy_free(any);
}

#define SB(rest) "{\"default\":[{\"type\":\"signedBy\"" rest "}]}"
#define SS(rest) "{\"default\":[{\"type\":\"sigstoreSigned\"" rest "}]}"

UNIT_TEST(policy_signature_requirements_validated)
{
	CHECK_STR(load_err(SB(",\"keyType\":\"GPGKeys\",\"keyPath\":\"/k\"")), "");
	CHECK_STR(load_err(SB(",\"keyType\":\"GPGKeys\",\"keyPaths\":[\"/k\",\"/l\"]")), "");
	CHECK_STR(load_err(SB(",\"keyType\":\"GPGKeys\",\"keyData\":\"AAAA\","
			      "\"signedIdentity\":{\"type\":\"matchRepository\"}")),
		  "");
	CHECK(strstr(load_err(SB(",\"keyPath\":\"/k\"")), "invalid keyType") != NULL);
	CHECK(strstr(load_err(SB(",\"keyType\":\"RSA\",\"keyPath\":\"/k\"")), "invalid keyType"));
	CHECK(strstr(load_err(SB(",\"keyType\":\"GPGKeys\"")), "needs exactly one of keyPath"));
	CHECK(strstr(load_err(SB(",\"keyType\":\"GPGKeys\",\"keyPath\":\"/k\",\"keyData\":\"\"")),
		     "needs exactly one"));
	CHECK(strstr(load_err(SB(",\"keyType\":\"GPGKeys\",\"keyPaths\":[]")), "non-empty array"));
	CHECK(strstr(load_err(SB(",\"keyType\":\"GPGKeys\",\"keyPaths\":[1]")), "hold strings"));
	CHECK(strstr(load_err(SB(",\"keyType\":\"GPGKeys\",\"keyPath\":5")), "must be a string"));
	CHECK(strstr(load_err(SB(",\"keyType\":\"GPGKeys\",\"keyPath\":\"/k\","
				 "\"signedIdentity\":{\"type\":\"matchAnything\"}")),
		     "unknown signedIdentity type \"matchAnything\""));
	CHECK(strstr(load_err(SB(",\"keyType\":\"GPGKeys\",\"keyPath\":\"/k\","
				 "\"signedIdentity\":{\"type\":\"exactReference\","
				 "\"dockerReference\":\"a.io/b\"}")),
		     "must name a tag or a digest"));
	CHECK(strstr(load_err(SB(",\"keyType\":\"GPGKeys\",\"keyPath\":\"/k\","
				 "\"signedIdentity\":{\"type\":\"matchExact\",\"x\":1}")),
		     "signedIdentity matchExact takes no other member"));
	CHECK_STR(load_err(SS(",\"keyPath\":\"/k.pub\"")), "");
	CHECK_STR(load_err(SS(",\"fulcio\":{}")), ""); /* valid: refused when a pull meets it */
	CHECK(strstr(load_err(SS("")), "needs exactly one of keyPath, keyPaths, keyData, fulcio"));
	CHECK(strstr(load_err(SS(",\"keyPath\":\"/k\",\"pki\":{}")), "needs exactly one"));
	/* the scope is named */
	CHECK(strstr(
	    load_err("{\"default\":" ACCEPT ",\"transports\":{\"docker\":{\"q.io\":"
		     "[{\"type\":\"signedBy\"}]}}}"),
	    "invalid policy in \"/t/policy.json\": scope \"q.io\": signedBy: invalid keyType"));
}

UNIT_TEST(policy_hostile_files)
{
	char deep[400] = "";

	CHECK(strstr(load_err(""), "invalid policy in \"/t/policy.json\"") != NULL);
	CHECK(strstr(load_err("{"), "unexpected end of JSON") != NULL);
	CHECK(strstr(load_err("{\"default\":" ACCEPT "} x"), "trailing data") != NULL);
	CHECK_STR(load_err("{\"default\":" ACCEPT "}\n\n"), "");
	CHECK(strstr(load_err("[]"), "not a JSON object") != NULL);
	CHECK(strstr(load_err("{}"), "Default policy is missing") != NULL);
	CHECK(strstr(load_err("{\"default\":[]}"), "no policy requirements in scope \"default\""));
	CHECK(strstr(load_err("{\"default\":{}}"), "requirements must be an array"));
	CHECK(strstr(load_err("{\"default\":[{}]}"), "policy requirement without a type"));
	CHECK(strstr(load_err("{\"default\":[{\"type\":\"acceptEverythingPlease\"}]}"),
		     "unknown policy requirement type \"acceptEverythingPlease\""));
	CHECK(strstr(load_err("{\"default\":[{\"type\":1}]}"), "without a type"));
	CHECK(strstr(load_err("{\"default\":" ACCEPT ",\"transports\":[]}"),
		     "\"transports\" must be an object"));
	CHECK(strstr(load_err("{\"default\":" ACCEPT ",\"transports\":{\"docker\":[]}}"),
		     "scopes must be an object for transport \"docker\""));
	CHECK(strstr(load_err("{\"default\":" ACCEPT ",\"transports\":{\"docker\":{\"x\":[]}}}"),
		     "no policy requirements in scope \"x\""));
	CHECK(strstr(load_err("{\"default\":" ACCEPT
			      ",\"transports\":{\"docker\":{\"x\":[{\"type\":\"rejectt\"}]}}}"),
		     "unknown policy requirement type \"rejectt\""));
	/* depth bomb */
	strcat(deep, "{\"default\":");
	for (int i = 0; i < 100; i++)
		strcat(deep, "[");
	CHECK(strstr(load_err(deep), "invalid policy") != NULL);
}

UNIT_TEST(policy_files)
{
	char dir[] = "/tmp/warren-policy-XXXXXX";
	struct werr err = {0};
	struct policy *p;
	char *path, *xdg;

	CHECK(mkdtemp(dir) != NULL);
	path = xasprintf("%s/missing.json", dir);
	CHECK(policy_load(path, &err) == NULL);
	CHECK(err.errnum == ENOENT);
	CHECK(strstr(err.msg, "open ") == err.msg && strstr(err.msg, "missing.json") != NULL);
	free(path);

	xdg = xasprintf("%s/xdg", dir);
	path = xasprintf("%s/containers", xdg);
	CHECK(mkdir_p(path, 0700, &err) == 0);
	free(path);
	path = xasprintf("%s/containers/policy.json", xdg);
	CHECK(write_file_at(AT_FDCWD, path, "{\"default\":" REJECT "}",
			    strlen("{\"default\":" REJECT "}"), 0600, &err) == 0);
	setenv("XDG_CONFIG_HOME", xdg, 1);
	p = policy_load(NULL, &err);
	CHECK(p != NULL);
	CHECK_STR(policy_path(p), path);
	CHECK(strstr(chk(p, "docker", "busybox"), "rejected by policy in ") != NULL);
	policy_free(p);
	/* NUL bytes inside are refused */
	CHECK(write_file_at(AT_FDCWD, path, "{\"default\":[]}\0", 15, 0600, &err) == 0);
	CHECK(policy_load(path, &err) == NULL);
	CHECK(strstr(err.msg, "NUL byte") != NULL);
	unsetenv("XDG_CONFIG_HOME");
	rm_rf_at(AT_FDCWD, dir, &err);
	free(path);
	free(xdg);
}

UNIT_MAIN()
