/* Unit tests for lib/util.c: hashes that name cache and pool entries,
 * sizes and times as Podman prints them. Foundation #2. */
#include "tests/unit/unit.h"

#include "lib/util.h"

UNIT_TEST(fnv1a64_vectors)
{
	/* published FNV-1a 64-bit test vectors */
	CHECK(fnv1a64("", 0) == 0xcbf29ce484222325ULL);
	CHECK(fnv1a64("a", 1) == 0xaf63dc4c8601ec8cULL);
	CHECK(fnv1a64("foobar", 6) == 0x85944171f73967e8ULL);
}

UNIT_TEST(strv_hash_separates_items)
{
	char *ab[] = {"ab", NULL}, *a_b[] = {"a", "b", NULL}, *none[] = {NULL};

	CHECK(strv_hash(ab) != strv_hash(a_b));
	CHECK(strv_hash(ab) == fnv1a64("ab\n", 3));
	CHECK(strv_hash(none) == strv_hash(NULL));
}

UNIT_TEST(sizes_like_podman)
{
	char b[32];

	format_size(0, b, sizeof(b));
	CHECK_STR(b, "0 B");
	format_size(1982464, b, sizeof(b));
	CHECK_STR(b, "1.98 MB");
	format_size(208000000, b, sizeof(b));
	CHECK_STR(b, "208 MB");
}

/* guards: issue 6 (Podman's templates print times as Go's time.String) */
UNIT_TEST(go_time_strings)
{
	char b[64];

	format_gotime(1700000000LL * 1000000000LL, b, sizeof(b));
	CHECK_STR(b, "2023-11-14 22:13:20 +0000 UTC");
	format_gotime(1700000000LL * 1000000000LL + 919789300, b, sizeof(b));
	CHECK_STR(b, "2023-11-14 22:13:20.9197893 +0000 UTC");
	format_rfc3339(1700000000LL * 1000000000LL, b, sizeof(b));
	CHECK_STR(b, "2023-11-14T22:13:20Z");
	format_rfc3339(1700000000LL * 1000000000LL + 5000, b, sizeof(b));
	CHECK_STR(b, "2023-11-14T22:13:20.000005Z");
}

UNIT_TEST(parse_int64_bounds)
{
	int64_t v;

	CHECK(parse_int64("10", 0, 100, &v) == 0 && v == 10);
	CHECK(parse_int64("101", 0, 100, &v) < 0);
	CHECK(parse_int64("1x", 0, 100, &v) < 0);
	CHECK(parse_int64("", 0, 100, &v) < 0);
}

UNIT_MAIN()
