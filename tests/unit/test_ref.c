/* test_ref.c - image reference parsing and normalization. */
#include <stdlib.h>

#include "image/ref.h"
#include "tests/unit/unit.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* Parses s and returns ref_string of it (malloc'd) or NULL on error. */
static char *norm(const char *s)
{
	struct image_ref r;
	struct werr err = {0};
	char *out;

	if (ref_parse(s, &r, &err) < 0)
		return NULL;
	out = ref_string(&r);
	ref_free(&r);
	return out;
}

/* The error message for s ("" when it parses). */
static const char *errmsg(const char *s)
{
	static struct werr err;
	struct image_ref r;

	err.msg[0] = '\0';
	if (ref_parse(s, &r, &err) == 0) {
		ref_free(&r);
		return "";
	}
	return err.msg;
}

#define CHECK_NORM(in, want)                                                                       \
	do {                                                                                       \
		char *got_ = norm(in);                                                             \
		int ok_ = got_ && strcmp(got_, want) == 0;                                         \
		if (!ok_)                                                                          \
			printf("  %s -> %s\n", in, got_ ? got_ : "(error)");                       \
		free(got_);                                                                        \
		CHECK(ok_);                                                                        \
	} while (0)

UNIT_TEST(ref_docker_hub)
{
	CHECK_NORM("busybox", "docker.io/library/busybox:latest");
	CHECK_NORM("busybox:1.36", "docker.io/library/busybox:1.36");
	CHECK_NORM("library/busybox", "docker.io/library/busybox:latest");
	CHECK_NORM("docker.io/busybox", "docker.io/library/busybox:latest");
	CHECK_NORM("index.docker.io/busybox", "docker.io/library/busybox:latest");
	CHECK_NORM("docker.io/library/busybox:latest", "docker.io/library/busybox:latest");
	CHECK_NORM("foo/bar:1", "docker.io/foo/bar:1");
	CHECK_NORM("a/b/c", "docker.io/a/b/c:latest");
}

UNIT_TEST(ref_domains)
{
	CHECK_NORM("localhost/x", "localhost/x:latest");
	CHECK_NORM("localhost:5000/a/b:t", "localhost:5000/a/b:t");
	CHECK_NORM("quay.io/a/b@sha256:" HEX64, "quay.io/a/b@sha256:" HEX64);
	CHECK_NORM("quay.io/a/b:v1@sha256:" HEX64, "quay.io/a/b:v1@sha256:" HEX64);
	CHECK_NORM("Quay.IO/a", "Quay.IO/a:latest");
	CHECK_NORM("localhost", "docker.io/library/localhost:latest");
	CHECK_NORM("my-reg.example.com:443/ns/img:1.0-rc_2",
		   "my-reg.example.com:443/ns/img:1.0-rc_2");
}

UNIT_TEST(ref_components)
{
	CHECK_NORM("a__b", "docker.io/library/a__b:latest");
	CHECK_NORM("a---b.c_d", "docker.io/library/a---b.c_d:latest");
	CHECK_NORM("busybox:Latest_1.x-y", "docker.io/library/busybox:Latest_1.x-y");
	CHECK(norm("a___b") == NULL);
	CHECK(norm("a..b") == NULL);
	CHECK(norm("-a") == NULL);
	CHECK(norm("a-") == NULL);
	CHECK(norm("a//b") == NULL);
	CHECK(norm("a/") == NULL);
	CHECK(norm("/a") == NULL);
	CHECK(norm("busybox:") == NULL);
	CHECK(norm("busybox:.x") == NULL);
	CHECK(norm("busybox@sha256:abc") == NULL);
	CHECK(norm("busybox@md5:" HEX64) == NULL);
	CHECK(norm("quay.io:/a") == NULL);
	CHECK(norm("quay.io:12a/a") == NULL);
}

UNIT_TEST(ref_errors)
{
	CHECK_STR(errmsg("BusyBox"), "repository name must be lowercase");
	CHECK_STR(errmsg("docker.io/Foo/bar"), "repository name must be lowercase");
	CHECK_STR(errmsg("a:b:c"), "invalid reference format");
	CHECK_STR(errmsg(":tag"), "invalid reference format");
	CHECK_STR(errmsg(""), "invalid reference format");
	CHECK_STR(errmsg("busybox:"
			 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
		  "invalid reference format");
	CHECK_STR(errmsg("busybox"), "");
}

UNIT_TEST(ref_fields)
{
	struct image_ref r;
	struct werr err = {0};
	char *s;

	CHECK(ref_parse("quay.io/a/b@sha256:" HEX64, &r, &err) == 0);
	CHECK_STR(r.domain, "quay.io");
	CHECK_STR(r.path, "a/b");
	CHECK(r.tag == NULL);
	CHECK_STR(r.digest, "sha256:" HEX64);
	s = ref_repo(&r);
	CHECK_STR(s, "quay.io/a/b");
	free(s);
	ref_free(&r);
	CHECK(ref_parse("localhost:5000/a", &r, &err) == 0);
	CHECK_STR(r.domain, "localhost:5000");
	CHECK_STR(r.tag, "latest");
	ref_free(&r);
}

UNIT_TEST(ref_short)
{
	CHECK(ref_is_short("busybox"));
	CHECK(ref_is_short("busybox:1.36"));
	CHECK(ref_is_short("foo/bar:1"));
	CHECK(ref_is_short("library/busybox"));
	CHECK(ref_is_short("localhost"));
	CHECK(!ref_is_short("localhost/x"));
	CHECK(!ref_is_short("docker.io/busybox"));
	CHECK(!ref_is_short("localhost:5000/a"));
	CHECK(!ref_is_short("quay.io/a/b"));
}

#define CHECK_SPLIT(in, wrepo, wtag)                                                               \
	do {                                                                                       \
		char *repo_, *tag_;                                                                \
		ref_split_name(in, &repo_, &tag_);                                                 \
		int ok_ = strcmp(repo_, wrepo) == 0 && strcmp(tag_, wtag) == 0;                    \
		if (!ok_)                                                                          \
			printf("  %s -> %s %s\n", in, repo_, tag_);                                \
		free(repo_);                                                                       \
		free(tag_);                                                                        \
		CHECK(ok_);                                                                        \
	} while (0)

UNIT_TEST(ref_split)
{
	CHECK_SPLIT("docker.io/library/busybox:latest", "docker.io/library/busybox", "latest");
	CHECK_SPLIT("localhost:5000/a", "localhost:5000/a", "<none>");
	CHECK_SPLIT("localhost:5000/a:t", "localhost:5000/a", "t");
	CHECK_SPLIT("quay.io/a/b@sha256:" HEX64, "quay.io/a/b", "<none>");
	CHECK_SPLIT("quay.io/a/b:v1@sha256:" HEX64, "quay.io/a/b", "v1");
	CHECK_SPLIT("busybox", "busybox", "<none>");
}

/* ref_transport_split: t, path, name as given ("-" for NULL), or rc -1 */
static int split_is(const char *in, enum ref_transport wt, const char *wpath, const char *wname)
{
	struct werr err = {0};
	enum ref_transport t;
	char *path = NULL, *name = NULL;
	int rc = ref_transport_split(in, &t, &path, &name, &err), ok;

	if (wpath == NULL)
		ok = rc < 0 && err.msg[0] != '\0' && path == NULL && name == NULL;
	else
		ok = rc == 0 && t == wt && strcmp(path, wpath) == 0 &&
		     (wname ? name && strcmp(name, wname) == 0 : name == NULL);
	if (!ok)
		printf("  %s -> rc %d t %d path %s name %s (%s)\n", in, rc, (int)t,
		       path ? path : "-", name ? name : "-", err.msg);
	free(path);
	free(name);
	return ok;
}

UNIT_TEST(ref_transport)
{
	CHECK(split_is("busybox", TRANSPORT_NONE, "busybox", NULL));
	CHECK(split_is("localhost:5000/a:t", TRANSPORT_NONE, "localhost:5000/a:t", NULL));
	CHECK(split_is("docker://quay.io/a/b:1", TRANSPORT_DOCKER, "quay.io/a/b:1", NULL));
	CHECK(split_is("docker-archive:/tmp/x.tar", TRANSPORT_DOCKER_ARCHIVE, "/tmp/x.tar", NULL));
	CHECK(split_is("docker-archive:x.tar:a/b:v1", TRANSPORT_DOCKER_ARCHIVE, "x.tar", "a/b:v1"));
	CHECK(split_is("oci-archive:/o.tar:v1", TRANSPORT_OCI_ARCHIVE, "/o.tar", "v1"));
	CHECK(split_is("oci:/d", TRANSPORT_OCI_DIR, "/d", NULL));
	/* bad: empty parts, transports warren does not have */
	CHECK(split_is("docker://", TRANSPORT_NONE, NULL, NULL));
	CHECK(split_is("docker-archive:", TRANSPORT_NONE, NULL, NULL));
	CHECK(split_is("docker-archive::x", TRANSPORT_NONE, NULL, NULL));
	CHECK(split_is("oci-archive:/o.tar:", TRANSPORT_NONE, NULL, NULL));
	CHECK(split_is("dir:/tmp", TRANSPORT_NONE, NULL, NULL));
	CHECK(split_is("containers-storage:x", TRANSPORT_NONE, NULL, NULL));
	CHECK(split_is("docker-daemon:x", TRANSPORT_NONE, NULL, NULL));
}

UNIT_MAIN()
