/* test_idmap.c - id-map math: building a namespace map from subordinate
 * ranges, refusing bad ranges, translating ids and parsing uid_map text. */
#include "tests/unit/unit.h"
#include "userns/idmap.h"

#include <stdlib.h>
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

/* issue 5 item 15: the single-uid warning suggested 100000-165535, a range
 * another user already owned */
UNIT_TEST(subid_file_parse_lines)
{
	struct subid_entry *v = NULL;
	size_t n = subid_file_parse("# comment\nalice:100000:65536\n\n1001:165536:65536\n"
				    "bad\nbob:x:1\ncarl:1:2:3\n:5:5\ndave: 7:8\n"
				    "eve:4294967000:65536\nfay:10:20",
				    &v);

	CHECK(n == 5);
	CHECK_STR(v[0].owner, "alice");
	CHECK(v[0].start == 100000 && v[0].count == 65536);
	CHECK_STR(v[1].owner, "1001");
	CHECK_STR(v[2].owner, "dave");
	CHECK(v[2].start == 7 && v[2].count == 8);
	/* clamped to 32-bit ids */
	CHECK_STR(v[3].owner, "eve");
	CHECK(v[3].start == 4294967000u && v[3].count == 295);
	/* no newline at the end */
	CHECK_STR(v[4].owner, "fay");
	free(v);
	CHECK(subid_file_parse("", &v) == 0);
	free(v);
}

UNIT_TEST(subid_free_start_above_used)
{
	/* useradd's layout: 100000, 165536, ... (not aligned) */
	struct subid_entry used[] = {
	    {"a", 100000, 65536}, {"b", 165536, 65536}, {"c", 231072, 65536}};

	CHECK(subid_free_start(NULL, 0, SUBID_COUNT) == 131072);
	CHECK(subid_free_start(used, 3, SUBID_COUNT) == 327680);
	/* order does not matter */
	struct subid_entry rev[] = {used[2], used[1], used[0]};
	CHECK(subid_free_start(rev, 3, SUBID_COUNT) == 327680);
	/* the suggested block overlaps none */
	CHECK(subid_overlap(used, 3, "nobody-else", 99999, 327680, SUBID_COUNT) == NULL);
}

UNIT_TEST(subid_free_start_fills_gaps)
{
	/* a hole of exactly one aligned block between two ranges is taken */
	struct subid_entry used[] = {{"a", 100000, 96608}, {"b", 262144, 65536}};
	/* a hole too small for a block is skipped */
	struct subid_entry small[] = {{"a", 131072, 65535}, {"b", 262143, 10}};

	CHECK(subid_free_start(used, 2, SUBID_COUNT) == 196608);
	CHECK(subid_free_start(small, 2, SUBID_COUNT) == 327680);
	/* ranges below SUBID_MIN and empty ones are no obstacle */
	struct subid_entry low[] = {{"a", 1000, 50000}, {"b", 131072, 0}};
	CHECK(subid_free_start(low, 2, SUBID_COUNT) == 131072);
}

UNIT_TEST(subid_free_start_none_left)
{
	struct subid_entry all[] = {{"a", 0, 4294967295u}};
	struct subid_entry top[] = {{"a", 100000, 4294901760u - 100000}};

	CHECK(subid_free_start(all, 1, SUBID_COUNT) == 0);
	/* the last aligned block of the 32-bit space is still usable */
	CHECK(subid_free_start(top, 1, SUBID_COUNT) == 4294901760u);
	struct subid_entry full[] = {{"a", 100000, 4294967295u - 100000}};
	CHECK(subid_free_start(full, 1, SUBID_COUNT) == 0);
}

UNIT_TEST(subid_overlap_other_owners)
{
	struct subid_entry v[] = {
	    {"alice", 100000, 65536}, {"1001", 165536, 65536}, {"bob", 231072, 10}};

	/* the user's own lines, by name or uid, are not "another user" */
	CHECK(subid_overlap(v, 3, "alice", 1000, 100000, 65536) == NULL);
	CHECK(subid_overlap(v, 3, "carol", 1001, 165536, 65536) == NULL);
	CHECK(subid_overlap(v, 3, "carol", 1002, 165535, 2) == &v[0]);
	CHECK(subid_overlap(v, 3, "carol", 1002, 165536, 2) == &v[1]);
	CHECK(subid_overlap(v, 3, "alice", 1000, 100000, 131073) == &v[1]);
	/* adjacent is not overlapping */
	CHECK(subid_overlap(v, 3, "carol", 1002, 231082, 100) == NULL);
	CHECK(subid_overlap(v, 3, "carol", 1002, 231081, 100) == &v[2]);
}

UNIT_MAIN()
