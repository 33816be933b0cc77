/* test_imgfilter.c - images --filter parsing (keys, values, their errors),
 * reference globs, `until` times, and history entries as JSON. */
#include <stdlib.h>

#include "image/filter.h"
#include "image/img_json.h"
#include "lib/gotmpl.h"
#include "tests/unit/unit.h"

/* The error image_filter_new gives for specs ("" when they parse); no
 * store is needed for keys that name no image. */
static const char *filter_err(const char *a, const char *b)
{
	static struct werr err;
	char *specs[] = {(char *)a, (char *)b, NULL};
	struct image_filter *f;

	werr_clear(&err);
	f = image_filter_new(NULL, specs, &err);
	if (f == NULL)
		return err.msg;
	image_filter_free(f);
	return "";
}

UNIT_TEST(filter_good_specs)
{
	CHECK_STR(filter_err("dangling=true", "dangling=true"), "");
	CHECK_STR(filter_err("label=a=b", "label!=c"), "");
	CHECK_STR(filter_err("reference=*/x:*", "id=abc"), "");
	CHECK_STR(filter_err("containers=false", "readonly=0"), "");
	CHECK_STR(filter_err("until=10m", "until=1700000000.5"), "");
	CHECK_STR(filter_err("intermediate=F", NULL), "");
	CHECK_STR(filter_err("label=", "reference="), "");
}

UNIT_TEST(filter_bad_specs)
{
	CHECK_STR(filter_err("foo=bar", NULL), "unsupported image filter \"foo\"");
	CHECK_STR(filter_err("=x", NULL), "unsupported image filter \"\"");
	CHECK_STR(filter_err("foo", NULL),
		  "invalid image filter \"foo\": must be in the format \"filter=value or "
		  "filter!=value\"");
	CHECK_STR(filter_err("", NULL),
		  "invalid image filter \"\": must be in the format \"filter=value or "
		  "filter!=value\"");
	CHECK_STR(filter_err("dangling=yes", NULL),
		  "non-boolean value \"dangling\" for yes filter: strconv.ParseBool: parsing "
		  "\"yes\": invalid syntax");
	CHECK_STR(filter_err("readonly=", NULL),
		  "non-boolean value \"readonly\" for  filter: strconv.ParseBool: parsing \"\": "
		  "invalid syntax");
	CHECK_STR(filter_err("dangling=true", "dangling=1"),
		  "specifying \"dangling\" filter more than once with different values is not "
		  "supported");
	CHECK_STR(filter_err("containers=maybe", NULL),
		  "unsupported value \"maybe\" for containers filter");
	CHECK_STR(filter_err("containers=true", "containers=false"),
		  "specifying \"containers\" filter more than once with different values is not "
		  "supported");
	CHECK_STR(filter_err("until=soon", NULL),
		  "failed to parse value as time or duration: \"soon\"");
	CHECK_STR(filter_err("until=1h5", NULL),
		  "failed to parse value as time or duration: \"1h5\"");
	CHECK_STR(filter_err("until=", NULL), "failed to parse value as time or duration: \"\"");
}

UNIT_TEST(reference_globs)
{
	const char *n = "docker.io/library/busybox:latest";

	CHECK(image_ref_matches(n, n));
	CHECK(image_ref_matches("busybox", n));
	CHECK(image_ref_matches("busybox:latest", n));
	CHECK(image_ref_matches("library/busybox", n));
	CHECK(image_ref_matches("library/busybox:latest", n));
	CHECK(image_ref_matches("docker.io/library/busybox", n));
	CHECK(image_ref_matches("busy*", n));
	CHECK(image_ref_matches("*/busybox:l?test", n));
	CHECK(image_ref_matches("[a-c]usybox", n));
	CHECK(!image_ref_matches("*box:*x", n));
	CHECK(!image_ref_matches("library*", n)); /* '*' stops at '/' */
	CHECK(!image_ref_matches("io/library/busybox", n));
	CHECK(!image_ref_matches("Busybox", n));
	CHECK(!image_ref_matches("[", n)); /* a bad pattern matches nothing */
	CHECK(!image_ref_matches("", n));
	CHECK(image_ref_matches("one", "localhost/lab/one:v1"));
	CHECK(image_ref_matches("lab/one", "localhost/lab/one:v1"));
	CHECK(!image_ref_matches("lab*", "localhost/lab/one:v1"));
	CHECK(image_ref_matches("x", "quay.io:5000/x:1"));
}

static int64_t until(const char *s)
{
	struct werr err = {0};
	int64_t ns = -1;

	if (image_parse_until(s, 1000LL * 1000000000LL, &ns, &err) < 0)
		return -1;
	return ns;
}

UNIT_TEST(until_values)
{
	const int64_t S = 1000000000LL;

	CHECK(until("10s") == 990 * S);
	CHECK(until("-10s") == 1010 * S);
	CHECK(until("1m30s") == 910 * S);
	CHECK(until("1.5s") == 1000 * S - 3 * S / 2);
	CHECK(until("500ms") == 1000 * S - S / 2);
	CHECK(until("0") == 1000 * S);
	CHECK(until("1700000000") == 1700000000LL * S);
	CHECK(until("1700000000.25") == 1700000000LL * S + S / 4);
	CHECK(until("2023-11-14T22:13:20Z") == 1700000000LL * S);
	CHECK(until("2023-11-15T00:13:20+02:00") == 1700000000LL * S);
	CHECK(until("") == -1);
	CHECK(until("s") == -1);
	CHECK(until("10") != -1); /* Unix seconds */
	CHECK(until("10x") == -1);
	CHECK(until("1700000000.") == -1);
	CHECK(until("1700000000.x") == -1);
	CHECK(until("2023-13-45") == -1);
	CHECK(until("2023-11-14T25:00:00Z") == -1);
	CHECK(until("99999999999999999999") == -1);
	CHECK(until("9999999999h") == -1);
}

/* img_json_history as compact JSON (malloc'd) */
static char *hist_json(const struct image_history *h)
{
	struct json_object *o = img_json_history(h);
	char *s = gotmpl_json(o, NULL, true);

	json_object_put(o);
	return s;
}

UNIT_TEST(history_json)
{
	struct image_history h = {.has_created = true,
				  .created = 1700000000LL * 1000000000LL + 500000000LL,
				  .tzoff = 7200,
				  .created_by = (char *)"RUN <x>",
				  .size = 42};
	char *s = hist_json(&h);

	CHECK_STR(s,
		  "{\"id\":\"\\u003cmissing\\u003e\",\"created\":\"2023-11-15T00:13:20.5+02:00\","
		  "\"CreatedBy\":\"RUN \\u003cx\\u003e\",\"size\":42,"
		  "\"Created\":\"2023-11-15T00:13:20+02:00\"}");
	free(s);
	h = (struct image_history){.comment = (char *)"c", .tzoff = 0};
	memcpy(h.id, "ab", 3);
	s = hist_json(&h);
	CHECK_STR(
	    s, "{\"id\":\"ab\",\"created\":\"0001-01-01T00:00:00Z\",\"size\":0,\"comment\":\"c\","
	       "\"Created\":\"0001-01-01T00:00:00Z\"}");
	free(s);
}

UNIT_MAIN()
