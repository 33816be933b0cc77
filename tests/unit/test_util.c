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

UNIT_TEST(parse_int64_bounds)
{
	int64_t v;

	CHECK(parse_int64("10", 0, 100, &v) == 0 && v == 10);
	CHECK(parse_int64("101", 0, 100, &v) < 0);
	CHECK(parse_int64("1x", 0, 100, &v) < 0);
	CHECK(parse_int64("", 0, 100, &v) < 0);
}

UNIT_MAIN()
