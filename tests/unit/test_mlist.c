/* test_mlist.c - manifest lists in memory (issue 7): the stored record, the
 * index a registry gets, `manifest inspect`'s shape, edits, and bad input. */
#include <stdlib.h>
#include <string.h>

#include "image/manifest.h"
#include "image/manifest_list.h"
#include "lib/cleanup.h"
#include "lib/util.h"
#include "tests/unit/unit.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define H2 "2222222222222222222222222222222222222222222222222222222222222222"
#define D3 "sha256:3333333333333333333333333333333333333333333333333333333333333333"

static struct mlist_entry entry(const char *digest, const char *arch, const char *variant)
{
	struct mlist_entry x = {0};

	x.digest = xstrdup(digest);
	x.media_type = xstrdup(MT_OCI_MANIFEST);
	x.size = 42;
	x.os = xstrdup("linux");
	x.arch = xstrdup(arch);
	x.variant = variant ? xstrdup(variant) : NULL;
	return x;
}

static char *text(struct json_object *o)
{
	char *s = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}

UNIT_TEST(mlist_empty_shapes)
{
	struct mlist l = {0};
	struct werr err = {0};
	char *s;

	CHECK(mlist_parse(NULL, &l, &err) == 0 && l.n == 0);
	/* Podman prints an empty list's manifests as null */
	s = text(mlist_inspect_json(&l));
	CHECK_STR(s,
		  "{\"schemaVersion\":2,\"mediaType\":\"" MT_DOCKER_LIST "\",\"manifests\":null}");
	free(s);
	/* a registry gets an empty array */
	s = mlist_index(&l, false);
	CHECK_STR(s, "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_INDEX "\",\"manifests\":[]}");
	free(s);
}

UNIT_TEST(mlist_put_replace_and_drop)
{
	struct mlist l = {0};
	struct mlist_entry x;
	struct werr err = {0};

	x = entry(D1, "amd64", NULL);
	mlist_put(&l, &x);
	CHECK(x.digest == NULL); /* ownership moved */
	x = entry(D2, "arm64", NULL);
	mlist_put(&l, &x);
	x = entry(D3, "arm", "v7");
	mlist_put(&l, &x);
	CHECK(l.n == 3 && mlist_find(&l, D2) == 1);
	/* the same digest again replaces the entry and goes last (Podman's order) */
	x = entry(D1, "s390x", NULL);
	mlist_put(&l, &x);
	CHECK(l.n == 3);
	CHECK_STR(l.v[0].digest, D2);
	CHECK_STR(l.v[2].digest, D1);
	CHECK_STR(l.v[2].arch, "s390x");
	CHECK(mlist_drop(&l, D3, &err) == 0 && l.n == 2);
	CHECK(mlist_drop(&l, D3, &err) == -1);
	CHECK(strstr(err.msg, "no instance matching digest \"" D3 "\" found in manifest list") !=
	      NULL);
	mlist_free(&l);
}

UNIT_TEST(mlist_record_round_trip)
{
	struct mlist l = {0}, back = {0};
	struct mlist_entry x = entry(D1, "arm", "v7");
	struct werr err = {0};
	char *rec, *rec2;

	x.os_version = xstrdup("1.0");
	x.features = strv_append(NULL, "sse4");
	x.os_features = strv_append(NULL, "win32k");
	CHECK(mlist_annotation_set(&x.annotations, "z=1", &err) == 0);
	CHECK(mlist_annotation_set(&x.annotations, "a=2", &err) == 0);
	x.image_id = xstrdup(H2);
	x.manifest = xstrdup("{\"schemaVersion\":2}");
	mlist_put(&l, &x);
	x = entry(D3, "amd64", NULL);
	x.source = xstrdup("127.0.0.1:5000/multi");
	mlist_put(&l, &x);
	rec = mlist_record(&l);
	CHECK(mlist_parse(rec, &back, &err) == 0);
	CHECK(back.n == 2);
	CHECK_STR(back.v[0].variant, "v7");
	CHECK_STR(back.v[0].os_version, "1.0");
	CHECK_STR(back.v[0].features[0], "sse4");
	CHECK_STR(back.v[0].os_features[0], "win32k");
	CHECK_STR(back.v[0].annotations[0], "a=2"); /* sorted by key, as Go prints maps */
	CHECK_STR(back.v[0].annotations[1], "z=1");
	CHECK_STR(back.v[0].image_id, H2);
	CHECK_STR(back.v[0].manifest, "{\"schemaVersion\":2}");
	CHECK(back.v[1].image_id == NULL);
	CHECK_STR(back.v[1].source, "127.0.0.1:5000/multi");
	rec2 = mlist_record(&back);
	CHECK_STR(rec, rec2);
	free(rec);
	free(rec2);
	mlist_free(&back);
	mlist_free(&l);
}

UNIT_TEST(mlist_index_and_inspect_field_order)
{
	struct mlist l = {0};
	struct mlist_entry x = entry(D1, "arm64", "v8");
	struct werr err = {0};
	char *s;

	x.features = strv_append(NULL, "f1");
	x.os_version = xstrdup("1.0");
	CHECK(mlist_annotation_set(&x.annotations, "k=v", &err) == 0);
	mlist_put(&l, &x);
	/* OCI: mediaType, digest, size; no "features"; annotations kept */
	s = mlist_index(&l, false);
	CHECK_STR(s, "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_INDEX "\",\"manifests\":[{"
		     "\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D1 "\",\"size\":42,"
		     "\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"os.version\":"
		     "\"1.0\",\"variant\":\"v8\"},\"annotations\":{\"k\":\"v\"}}]}");
	free(s);
	/* Docker: mediaType, size, digest; features; no annotations */
	s = mlist_index(&l, true);
	CHECK_STR(s, "{\"schemaVersion\":2,\"mediaType\":\"" MT_DOCKER_LIST "\",\"manifests\":[{"
		     "\"mediaType\":\"" MT_OCI_MANIFEST "\",\"size\":42,\"digest\":\"" D1 "\","
		     "\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"os.version\":"
		     "\"1.0\",\"variant\":\"v8\",\"features\":[\"f1\"]}}]}");
	free(s);
	/* inspect: Docker's shape plus the annotations (Podman's) */
	s = text(mlist_inspect_json(&l));
	CHECK(strstr(s, "\"features\":[\"f1\"]},\"annotations\":{\"k\":\"v\"}}]}") != NULL);
	CHECK(strstr(s, MT_DOCKER_LIST) != NULL);
	free(s);
	mlist_free(&l);
}

UNIT_TEST(mlist_from_index_good_and_hostile)
{
	struct mlist l = {0};
	struct werr err = {0};
	const char *good =
	    "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_INDEX "\",\"manifests\":["
	    "{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D1 "\",\"size\":7,"
	    "\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":"
	    "\"v7\"},\"annotations\":{\"b\":\"1\",\"a\":\"2\"}},"
	    "{\"digest\":\"" D2 "\",\"size\":9}]}";
	static const char *const bad[] = {
	    "not json",
	    "{\"manifests\":{}}",
	    "{\"manifests\":[1]}",
	    "{\"manifests\":[{\"size\":1}]}",
	    "{\"manifests\":[{\"digest\":\"sha256:abc\",\"size\":1}]}",
	    "{\"manifests\":[{\"digest\":\"" D1 "\"}]}",
	    "{\"manifests\":[{\"digest\":\"" D1 "\",\"size\":-1}]}",
	    "{\"manifests\":[{\"digest\":\"" D1 "\",\"size\":1,\"platform\":\"linux\"}]}",
	    "{\"manifests\":[{\"digest\":\"" D1 "\",\"size\":1,\"annotations\":[]}]}",
	    "{\"manifests\":[{\"digest\":\"" D1 "\",\"size\":1},{\"digest\":\"" D1
	    "\",\"size\":1}]}",
	};

	CHECK(mlist_from_index(good, strlen(good), "reg/repo", &l, &err) == 0);
	CHECK(l.n == 2);
	CHECK_STR(l.v[0].variant, "v7");
	CHECK_STR(l.v[0].annotations[0], "a=2");
	CHECK_STR(l.v[0].source, "reg/repo");
	CHECK(l.v[0].manifest == NULL);
	/* no platform (allowed by OCI) and no mediaType: an OCI manifest */
	CHECK(l.v[1].arch == NULL);
	CHECK_STR(l.v[1].media_type, MT_OCI_MANIFEST);
	mlist_free(&l);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err = (struct werr){0};
		CHECK(mlist_from_index(bad[i], strlen(bad[i]), NULL, &l, &err) == -1);
		CHECK(err.msg[0] != '\0');
	}
	CHECK(strstr(err.msg, "there twice") != NULL);
}

UNIT_TEST(mlist_digest_and_annotation_errors)
{
	struct werr err = {0};
	char **ann = NULL;

	CHECK(mlist_check_digest(D1, &err) == 0);
	CHECK(mlist_check_digest("sha256:xx", &err) == -1);
	CHECK_STR(err.msg, "invalid image digest \"sha256:xx\": invalid checksum digest length");
	CHECK(mlist_check_digest("quay.io/a/b:1", &err) == -1);
	CHECK(strstr(err.msg, "invalid checksum digest format") != NULL);
	CHECK(mlist_check_digest("sha256:"
				 "ABCDEF1111111111111111111111111111111111111111111111111111111111",
				 &err) == -1);
	CHECK(mlist_check_digest("nodigest", &err) == -1);
	CHECK(mlist_annotation_set(&ann, "x", &err) == -1);
	CHECK_STR(err.msg, "no value given for annotation \"x\"");
	CHECK(mlist_annotation_set(&ann, "=v", &err) == -1);
	CHECK(mlist_annotation_set(&ann, "b=1", &err) == 0);
	CHECK(mlist_annotation_set(&ann, "a=", &err) == 0); /* an empty value is a value */
	CHECK(mlist_annotation_set(&ann, "b=2=3", &err) == 0);
	CHECK(strv_len(ann) == 2);
	CHECK_STR(ann[0], "a=");
	CHECK_STR(ann[1], "b=2=3");
	strv_free(ann);
}

UNIT_TEST(mlist_platform_from_config_and_pick)
{
	struct mlist l = {0};
	struct mlist_entry x = {0};
	struct werr err = {0};

	CHECK(mlist_entry_platform(&x,
				   "{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":"
				   "\"v6\",\"os.features\":[\"a\"]}",
				   &err) == 0);
	CHECK_STR(x.arch, "arm");
	CHECK_STR(x.variant, "v6");
	CHECK_STR(x.os_features[0], "a");
	CHECK(mlist_entry_platform(&x, "{\"architecture\":7}", &err) == -1);
	CHECK(mlist_entry_platform(&x, "nope", &err) == -1);
	mlist_entry_free(&x);
	x = entry(D1, "s390x-not-here", NULL);
	mlist_put(&l, &x);
	CHECK(mlist_pick(&l, &err) == -1);
	CHECK(strstr(err.msg, "linux/s390x-not-here") != NULL);
	x = entry(D2, platform_arch(), NULL);
	mlist_put(&l, &x);
	CHECK(mlist_pick(&l, &err) == 1);
	mlist_free(&l);
}

UNIT_TEST(mlist_convert_manifest_types)
{
	struct werr err = {0};
	const char *oci = "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\","
			  "\"config\":{\"mediaType\":\"" MT_OCI_CONFIG "\",\"digest\":\"" D1
			  "\",\"size\":10},\"layers\":[{\"mediaType\":\"" MT_OCI_LAYER_GZIP
			  "\",\"digest\":\"" D2 "\",\"size\":5}]}";
	const char *zstd = "{\"schemaVersion\":2,\"config\":{\"digest\":\"" D1 "\",\"size\":10},"
			   "\"layers\":[{\"mediaType\":\"" MT_OCI_LAYER_ZSTD "\",\"digest\":\"" D2
			   "\",\"size\":5}]}";
	const char *mt;
	char *out = NULL, *back = NULL;

	CHECK(mlist_convert_manifest(oci, strlen(oci), true, &out, &mt, &err) == 0);
	CHECK_STR(mt, MT_DOCKER_V2);
	CHECK(strstr(out, MT_DOCKER_CONFIG) && strstr(out, MT_DOCKER_LAYER_GZIP));
	CHECK(mlist_convert_manifest(out, strlen(out), false, &back, &mt, &err) == 0);
	CHECK_STR(back, oci); /* the same bytes again: the same digest */
	CHECK(mlist_convert_manifest(zstd, strlen(zstd), true, &out, &mt, &err) == -1);
	CHECK(strstr(err.msg, "cannot go into a Docker v2s2 manifest") != NULL);
	free(back);
	free(out);
}

UNIT_MAIN()
