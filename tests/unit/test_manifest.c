/* test_manifest.c - manifests, indexes, platforms and registry challenges
 * as a registry may send them: good, odd and hostile. */
#include <stdlib.h>

#include "image/manifest.h"
#include "image/registry.h"
#include "lib/util.h"
#include "tests/unit/unit.h"

#define D1 "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define D2 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D3 "sha256:2222222222222222222222222222222222222222222222222222222222222222"

static int kind(const char *body, const char *mt, struct werr *err)
{
	return manifest_kind(body, strlen(body), mt, err);
}

UNIT_TEST(manifest_kinds)
{
	struct werr err = {0};

	CHECK(kind("{\"schemaVersion\":2,\"mediaType\":\"" MT_DOCKER_V2 "\"}", NULL, &err) == 1);
	CHECK(kind("{\"schemaVersion\":2,\"layers\":[]}", MT_OCI_MANIFEST, &err) == 1);
	CHECK(kind("{\"schemaVersion\":2,\"manifests\":[]}", NULL, &err) == 2);
	CHECK(kind("{\"schemaVersion\":2,\"mediaType\":\"" MT_DOCKER_LIST "\"}", NULL, &err) == 2);
	/* schema 1, by body or by Content-Type */
	CHECK(kind("{\"schemaVersion\":1,\"fsLayers\":[]}", NULL, &err) == -1);
	CHECK(strstr(err.msg, "schema 1") != NULL);
	CHECK(kind("{\"schemaVersion\":2}", MT_DOCKER_V1_SIGNED, &err) == -1);
	CHECK(strstr(err.msg, "schema 1") != NULL);
	CHECK(kind("{\"mediaType\":\"application/x-evil\\n\\u001b[31m\"}", NULL, &err) == -1);
	CHECK(strstr(err.msg, "unsupported manifest media type") != NULL);
	CHECK(strchr(err.msg, '\n') == NULL && strchr(err.msg, '\x1b') == NULL);
	CHECK(kind("[1,2]", NULL, &err) == -1);
	CHECK(kind("{not json", NULL, &err) == -1);
	CHECK(kind("", NULL, &err) == -1);
}

UNIT_TEST(manifest_parse_good_and_bad)
{
	struct werr err = {0};
	struct manifest m;
	const char *good =
	    "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\","
	    "\"config\":{\"mediaType\":\"" MT_OCI_CONFIG "\",\"digest\":\"" D1 "\",\"size\":10},"
	    "\"layers\":[{\"mediaType\":\"" MT_OCI_LAYER_ZSTD "\",\"digest\":\"" D2
	    "\",\"size\":5},{\"mediaType\":\"" MT_DOCKER_LAYER_GZIP "\",\"digest\":\"" D3
	    "\",\"size\":7}]}";

	CHECK(manifest_parse(good, strlen(good), &m, &err) == 0);
	CHECK_STR(m.config_digest, D1);
	CHECK(m.nlayers == 2 && m.layers[1].size == 7);
	CHECK_STR(m.layers[0].media_type, MT_OCI_LAYER_ZSTD);
	manifest_free(&m);

	static const char *const bad[] = {
	    "{\"layers\":[]}",					      /* no config */
	    "{\"config\":{\"digest\":\"sha256:abc\"},\"layers\":[]}", /* short digest */
	    "{\"config\":{\"digest\":\"" D1 "\",\"size\":-1},\"layers\":[]}",
	    "{\"config\":{\"digest\":\"" D1 "\"},\"layers\":{}}",
	    "{\"config\":{\"digest\":\"" D1 "\"},\"layers\":[{\"digest\":\"" D2 "\"}]}",
	    "{\"config\":{\"digest\":\"" D1 "\"},\"layers\":[{\"mediaType\":\"text/plain\","
	    "\"digest\":\"" D2 "\"}]}",
	    "{\"config\":{\"digest\":\"" D1 "\"},\"layers\":[{\"mediaType\":\"" MT_OCI_LAYER
	    "\",\"digest\":\"md5:00\"}]}",
	    "{\"config\":{\"digest\":\"" D1 "\"},\"layers\":[7]}",
	    "{\"config\":\"x\",\"layers\":[]}",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err.msg[0] = '\0';
		CHECK(manifest_parse(bad[i], strlen(bad[i]), &m, &err) == -1);
		CHECK(err.msg[0] != '\0');
	}
}

UNIT_TEST(manifest_pick_platforms)
{
	struct werr err = {0};
	struct platform p;
	char *buf = NULL, *dg = NULL;
	const char *idx =
	    "{\"manifests\":["
	    "{\"digest\":\"" D1 "\",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\","
	    "\"variant\":\"v6\"}},"
	    "{\"digest\":\"" D2 "\",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\","
	    "\"variant\":\"v7\"}},"
	    "{\"digest\":\"" D3 "\",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}}]}";

	CHECK(platform_parse("linux/arm/v7", &p, &buf, &err) == 0);
	CHECK(manifest_pick(idx, strlen(idx), &p, &dg, &err) == 0);
	CHECK_STR(dg, D2);
	free(dg);
	free(buf);
	CHECK(platform_parse("linux/arm64", &p, &buf, &err) == 0);
	CHECK(manifest_pick(idx, strlen(idx), &p, &dg, &err) == 0);
	CHECK_STR(dg, D3);
	free(dg);
	free(buf);
	CHECK(platform_parse("linux/s390x", &p, &buf, &err) == 0);
	CHECK(manifest_pick(idx, strlen(idx), &p, &dg, &err) == -1);
	CHECK(strstr(err.msg, "linux/s390x") != NULL && strstr(err.msg, "linux/arm/v7") != NULL);
	free(buf);
	CHECK(platform_parse("linux", &p, &buf, &err) == -1);
	CHECK(platform_parse("/amd64", &p, &buf, &err) == -1);
	CHECK(platform_parse("linux/amd64/v2/x", &p, &buf, &err) == -1);
	CHECK(platform_parse("linux//v2", &p, &buf, &err) == -1);
	CHECK(manifest_pick("{\"manifests\":[{\"digest\":5}]}", 27, NULL, &dg, &err) == -1);
	CHECK(manifest_pick("{\"manifests\":{}}", 16, NULL, &dg, &err) == -1);
}

UNIT_TEST(registry_challenges)
{
	char *s, *r, *v;

	CHECK(reg_parse_challenge("Bearer realm=\"https://auth.example/token\",service="
				  "\"registry.example\",scope=\"repository:a/b:pull\"",
				  &s, &r, &v) == 0);
	CHECK_STR(s, "Bearer");
	CHECK_STR(r, "https://auth.example/token");
	CHECK_STR(v, "registry.example");
	free(s), free(r), free(v);
	CHECK(reg_parse_challenge("Basic realm=\"Registry Realm\"", &s, &r, &v) == 0);
	CHECK_STR(s, "Basic");
	CHECK(v == NULL);
	free(s), free(r), free(v);
	/* escapes and unquoted values */
	CHECK(reg_parse_challenge("Bearer realm=\"a\\\"b\", service=svc", &s, &r, &v) == 0);
	CHECK_STR(r, "a\"b");
	CHECK_STR(v, "svc");
	free(s), free(r), free(v);
	CHECK(reg_parse_challenge("Bearer realm=\"unterminated", &s, &r, &v) == -1);
	CHECK(reg_parse_challenge("", &s, &r, &v) == -1);
	CHECK(reg_parse_challenge("Bearer =x", &s, &r, &v) == -1);
	CHECK(reg_parse_challenge("Bearer realm", &s, &r, &v) == -1);
}

UNIT_MAIN()
