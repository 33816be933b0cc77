/* test_ctrinfo.c - container filters (ps/prune --filter), cp path rules,
 * Go durations for top, container names. */
#include <stdlib.h>

#include "lib/godur.h"
#include "lib/util.h"
#include "runtime/ctrfilter.h"
#include "runtime/ctrfs.h"
#include "runtime/ctrmanage.h"
#include "runtime/ctrtop.h"
#include "tests/unit/unit.h"

/* The error ctr_filter_parse gives for one spec ("" when it parses). */
static const char *parse_err(const char *spec, bool prune)
{
	static struct werr err;
	struct ctr_filter f;
	char *specs[] = {(char *)spec, NULL};

	werr_clear(&err);
	if (ctr_filter_parse(&f, specs, prune, 0, &err) < 0)
		return err.msg;
	ctr_filter_free(&f);
	return "";
}

UNIT_TEST(ctr_filter_errors)
{
	CHECK_STR(parse_err("name=a", false), "");
	CHECK_STR(parse_err("status=created,label=x", false), "");
	CHECK_STR(parse_err("bogus=1", false), "bogus is an invalid filter");
	CHECK_STR(parse_err("=x", false), " is an invalid filter");
	CHECK_STR(parse_err("name", false), "invalid filter \"name\"");
	CHECK_STR(parse_err("status=Exited", false),
		  "unknown container state: Exited: invalid argument");
	CHECK_STR(
	    parse_err("exited=x", false),
	    "exited code out of range '\\x00': strconv.ParseInt: parsing \"x\": invalid syntax");
	CHECK_STR(parse_err("status=exited", true), "status is an invalid filter");
	CHECK_STR(parse_err("label!=a", true), "");
	CHECK_STR(parse_err("label!=a", false), "label! is an invalid filter");
}

static bool match(const char *a, const char *b, const struct container_rec *c)
{
	struct ctr_filter f;
	struct werr err = {0};
	char *specs[] = {(char *)a, (char *)b, NULL};
	bool m;

	if (ctr_filter_parse(&f, specs, false, 0, &err) < 0)
		return false;
	m = ctr_filter_match(&f, c);
	ctr_filter_free(&f);
	return m;
}

UNIT_TEST(ctr_filter_match_rules)
{
	struct container_rec c = {
	    .id = "1e11e28f7cae802282cadb5d6b2185f38a6d5bc3780e9ac17270cf0f1e03c6f3",
	    .name = "web1",
	    .image_id = "88ea0de22649a8d365ccda42ca2c042337d6ee8ecf506af678ae9b75d7d90c73",
	    .image_name = "localhost/warren-test/busybox:latest",
	    .state = CTR_EXITED,
	    .exit_code = 3,
	    .created = 100,
	    .config = "{\"Config\":{\"Labels\":{\"foo\":\"bar\",\"x\":\"\"}}}",
	};
	CHECK(match("name=web", NULL, &c));
	CHECK(match("name=^web1$", NULL, &c));
	CHECK(!match("name=^eb", NULL, &c));
	CHECK(!match("name=(", NULL, &c)); /* a bad regex matches nothing */
	CHECK(match("id=e11", NULL, &c));
	CHECK(match("status=exited", NULL, &c));
	CHECK(match("status=stopped", NULL, &c));
	CHECK(!match("status=running", NULL, &c));
	CHECK(match("status=running", "status=exited", &c)); /* one key: OR */
	CHECK(!match("name=web", "status=running", &c));     /* two keys: AND */
	CHECK(match("exited=3", NULL, &c));
	CHECK(!match("exited=0", NULL, &c));
	CHECK(match("label=foo", NULL, &c));
	CHECK(match("label=foo=bar", NULL, &c));
	CHECK(match("label=f*", NULL, &c));
	CHECK(!match("label=foo=b*", NULL, &c));
	CHECK(!match("label=foo", "label=nosuch", &c)); /* labels: all of them */
	CHECK(match("ancestor=localhost/warren-test/busybox", NULL, &c));
	CHECK(match("ancestor=localhost/warren-test/busybox:latest", NULL, &c));
	CHECK(!match("ancestor=busybox", NULL, &c));
	CHECK(!match("ancestor=88ea", NULL, &c));
	CHECK(match("ancestor=88ea0de22649a8d365ccda42ca2c042337d6ee8ecf506af678ae9b75d7d90c73",
		    NULL, &c));
	c.state = CTR_CREATED;
	CHECK(!match("exited=3", NULL, &c));
	CHECK(match("status=created", NULL, &c));
}

static const char *plan(const char *src, bool dir, const char *dest, enum cp_dest_kind k)
{
	static char buf[WERR_MSG_MAX + 600];
	struct cp_plan p = {0};
	struct werr err = {0};

	if (cp_plan_make(src, dir, dest, k, &p, &err) < 0)
		snprintf(buf, sizeof(buf), "error: %s", err.msg);
	else
		snprintf(buf, sizeof(buf), "%s|%s", p.dir, p.name);
	cp_plan_free(&p);
	return buf;
}

UNIT_TEST(cp_rules)
{
	CHECK_STR(plan("/etc/passwd", false, "/tmp", CP_DEST_DIR), "/tmp|passwd");
	CHECK_STR(plan("/etc/passwd", false, "/tmp/new", CP_DEST_MISSING), "/tmp|new");
	CHECK_STR(plan("/etc/passwd", false, "/tmp/f", CP_DEST_FILE), "/tmp|f");
	CHECK_STR(plan("/etc/passwd", false, "/tmp/new/", CP_DEST_MISSING),
		  "error: no such file or directory");
	CHECK_STR(plan("/etc/passwd/", false, "/tmp", CP_DEST_DIR), "error: not a directory");
	CHECK_STR(plan("/d", true, "/tmp", CP_DEST_DIR), "/tmp|d");
	CHECK_STR(plan("/d/.", true, "/tmp", CP_DEST_DIR), "/tmp|");
	CHECK_STR(plan("/d/", true, "/tmp", CP_DEST_DIR), "/tmp|d");
	CHECK_STR(plan("/d", true, "/tmp/new", CP_DEST_MISSING), "/tmp|new");
	CHECK_STR(plan("/d/.", true, "/tmp/new", CP_DEST_MISSING), "/tmp|new");
	CHECK_STR(plan("/d", true, "/tmp/f", CP_DEST_FILE),
		  "error: destination must be a directory when copying a directory");
	CHECK_STR(plan("/", true, "/tmp", CP_DEST_DIR), "/tmp|");
	CHECK_STR(plan("f", false, "/", CP_DEST_DIR), "/|f");
}

static const char *clean(const char *p, int *slash)
{
	static char buf[256];
	char *c = cp_clean_path(p, slash);
	snprintf(buf, sizeof(buf), "%s", c);
	free(c);
	return buf;
}

UNIT_TEST(cp_paths)
{
	int s;
	CHECK_STR(clean("/a/b", &s), "/a/b");
	CHECK(s == 0);
	CHECK_STR(clean("a//b/", &s), "/a/b");
	CHECK(s == 1);
	CHECK_STR(clean("/a/b/.", &s), "/a/b");
	CHECK(s == 2);
	CHECK_STR(clean("/../../etc/shadow", &s), "/etc/shadow");
	CHECK_STR(clean("/a/../../b/./c", &s), "/b/c");
	CHECK_STR(clean("", &s), "/");
	CHECK_STR(clean("/", &s), "/");
	CHECK(s == 0);
}

static const char *dur(int64_t ns)
{
	static char buf[64];
	godur_string(ns, buf, sizeof(buf));
	return buf;
}

UNIT_TEST(go_durations)
{
	CHECK_STR(dur(0), "0s");
	CHECK_STR(dur(999), "999ns");
	CHECK_STR(dur(1500), "1.5µs");
	CHECK_STR(dur(10000000), "10ms");
	CHECK_STR(dur(2841488992LL), "2.841488992s");
	CHECK_STR(dur(281729278465LL), "4m41.729278465s");
	CHECK_STR(dur(3600LL * 1000000000LL), "1h0m0s");
	CHECK_STR(dur(60LL * 1000000000LL), "1m0s");
}

UNIT_TEST(container_names)
{
	CHECK(container_name_valid("a1"));
	CHECK(container_name_valid("1x_y.z-w"));
	CHECK(!container_name_valid(""));
	CHECK(!container_name_valid("/c1"));
	CHECK(!container_name_valid("_a"));
	CHECK(!container_name_valid("bad name"));
}

UNIT_MAIN()
