/* test_idmap.c - id-map math: building a namespace map from subordinate
 * ranges, refusing bad ranges, translating ids and parsing uid_map text. */
#include "tests/unit/unit.h"
#include "userns/idmap.h"

#include <string.h>

UNIT_TEST(build_single_range)
{
	struct idrange r[] = {{100000, 65536}};
	struct idmap m[4];
	struct werr err = {0};

	CHECK(idmap_build(1000, r, 1, m, 4, &err) == 2);
	CHECK(m[0].inner == 0 && m[0].outer == 1000 && m[0].count == 1);
	CHECK(m[1].inner == 1 && m[1].outer == 100000 && m[1].count == 65536);
}

UNIT_TEST(build_no_ranges_is_single_uid)
{
	struct idmap m[2];
	struct werr err = {0};

	CHECK(idmap_build(1000, NULL, 0, m, 2, &err) == 1);
	CHECK(m[0].inner == 0 && m[0].outer == 1000 && m[0].count == 1);
}

UNIT_TEST(build_several_ranges_consecutive)
{
	struct idrange r[] = {{200000, 10}, {0, 0}, {100000, 65536}, {300000, 5}};
	struct idmap m[8];
	struct werr err = {0};

	CHECK(idmap_build(1000, r, 4, m, 8, &err) == 4);
	CHECK(m[1].inner == 1 && m[1].outer == 200000 && m[1].count == 10);
	CHECK(m[2].inner == 11 && m[2].outer == 100000 && m[2].count == 65536);
	CHECK(m[3].inner == 65547 && m[3].outer == 300000 && m[3].count == 5);
	CHECK(idmap_to_host(m, 4, 0) == 1000);
	CHECK(idmap_to_host(m, 4, 1) == 200000);
	CHECK(idmap_to_host(m, 4, 10) == 200009);
	CHECK(idmap_to_host(m, 4, 11) == 100000);
	CHECK(idmap_to_host(m, 4, 65546) == 165535);
	CHECK(idmap_to_host(m, 4, 65551) == 300004);
	CHECK(idmap_to_host(m, 4, 65552) == (uint32_t)-1);
}

UNIT_TEST(build_refuses_overlap)
{
	struct idrange r[] = {{100000, 65536}, {165000, 1000}};
	struct idmap m[4];
	struct werr err = {0};

	CHECK(idmap_build(1000, r, 2, m, 4, &err) == -1);
	CHECK(strstr(err.msg, "100000-165535") != NULL);
	CHECK(strstr(err.msg, "165000-165999") != NULL);
	CHECK(strstr(err.msg, "overlap") != NULL);
}

UNIT_TEST(build_refuses_range_with_host_id)
{
	struct idrange r[] = {{500, 1000}};
	struct idmap m[4];
	struct werr err = {0};

	CHECK(idmap_build(1000, r, 1, m, 4, &err) == -1);
	CHECK(strstr(err.msg, "500-1499") != NULL);
	CHECK(strstr(err.msg, "1000") != NULL);
}

UNIT_TEST(build_adjacent_ranges_ok)
{
	struct idrange r[] = {{100000, 100}, {100100, 100}};
	struct idmap m[4];
	struct werr err = {0};

	CHECK(idmap_build(99, r, 2, m, 4, &err) == 3);
	CHECK(idmap_to_host(m, 3, 200) == 100199);
}

UNIT_TEST(build_respects_max)
{
	struct idrange r[] = {{100000, 10}, {200000, 10}};
	struct idmap m[2];
	struct werr err = {0};

	CHECK(idmap_build(1000, r, 2, m, 2, &err) == -1);
}

UNIT_TEST(parse_proc_map)
{
	struct idmap m[4];

	CHECK(idmap_parse("0 1000 1\n1 100000 65536\n", m, 4) == 2);
	CHECK(m[0].inner == 0 && m[0].outer == 1000 && m[0].count == 1);
	CHECK(m[1].inner == 1 && m[1].outer == 100000 && m[1].count == 65536);
	/* the kernel pads with spaces */
	CHECK(idmap_parse("         0          0 4294967295\n", m, 4) == 1);
	CHECK(m[0].count == 4294967295u);
	CHECK(idmap_parse("", m, 4) == 0);
}

UNIT_TEST(parse_rejects_garbage)
{
	struct idmap m[1];

	CHECK(idmap_parse("0 1000\n", m, 1) == -1);
	CHECK(idmap_parse("0 1000 1 7\n", m, 1) == -1);
	CHECK(idmap_parse("0 x 1\n", m, 1) == -1);
	CHECK(idmap_parse("0 1 4294967296\n", m, 1) == -1);
	CHECK(idmap_parse("0 1 1\n1 2 1\n", m, 1) == -1);
}

UNIT_MAIN()
