/* test_idmapopt.c - a container's own id maps from Podman's options
 * (issue 8): --uidmap parsing, overlap and range checks, the keep-id
 * layout Podman uses, keep-id/auto option words, --userns=auto picking. */
#include "tests/unit/unit.h"
#include "userns/idmapopt.h"

#include <string.h>

/* the pause namespace of a user with one 65536 sub-id range */
static const struct idmap pause_ns[] = {{0, 1000, 1}, {1, 100000, 65536}};

UNIT_TEST(parse_ok_and_malformed)
{
	struct idmap m;
	struct werr err = {0};

	CHECK(idmapopt_parse("0:1:500", "UID", &m, &err) == 0);
	CHECK(m.inner == 0 && m.outer == 1 && m.count == 500);
	CHECK(idmapopt_parse("4294967295:0:1", "UID", &m, &err) == 0);
	CHECK(idmapopt_parse("0:1", "UID", &m, &err) == -1);
	CHECK_STR(err.msg,
		  "UID setting is malformed expected [\"uint32:uint32:uint32\"]: [\"0:1\"]");
	CHECK(idmapopt_parse("0:1:x", "GID", &m, &err) == -1);
	CHECK(strstr(err.msg, "GID setting is malformed") != NULL);
	CHECK(idmapopt_parse("-1:1:5", "UID", &m, &err) == -1);
	CHECK(idmapopt_parse("0:1:2:3", "UID", &m, &err) == -1);
	CHECK(idmapopt_parse("4294967296:1:1", "UID", &m, &err) == -1);
	CHECK(idmapopt_parse("0:1:0", "UID", &m, &err) == -1);
	CHECK(idmapopt_parse("4294967295:0:2", "UID", &m, &err) == -1);
}

UNIT_TEST(check_overlaps_and_range)
{
	struct idmap ok[] = {{0, 1, 500}, {500, 0, 1}, {501, 501, 100}};
	struct idmap inner[] = {{0, 1, 500}, {100, 600, 10}};
	struct idmap outer[] = {{0, 1, 500}, {1000, 400, 10}};
	struct idmap wide[] = {{0, 1, 70000}};
	struct werr err = {0};

	CHECK(idmapopt_check(ok, 3, pause_ns, 2, "UID", &err) == 0);
	CHECK(idmapopt_check(NULL, 0, pause_ns, 2, "UID", &err) == 0);
	CHECK(idmapopt_check(inner, 2, pause_ns, 2, "UID", &err) == -1);
	CHECK_STR(err.msg, "the specified UID and/or GID mapping 100:600:10 conflicts with other "
			   "mappings: invalid mappings specified");
	CHECK(idmapopt_check(outer, 2, pause_ns, 2, "UID", &err) == -1);
	CHECK(strstr(err.msg, "1000:400:10 conflicts") != NULL);
	CHECK(idmapopt_check(wide, 1, pause_ns, 2, "UID", &err) == -1);
	CHECK(strstr(err.msg, "host ids 1-70000 are not all available") != NULL);
	CHECK(strstr(err.msg, "0-65536") != NULL);
	/* the last id of the range is fine, one more is not */
	wide[0].count = 65536;
	CHECK(idmapopt_check(wide, 1, pause_ns, 2, "UID", &err) == 0);
	wide[0].count = 65537;
	CHECK(idmapopt_check(wide, 1, pause_ns, 2, "GID", &err) == -1);
	CHECK(strstr(err.msg, "/etc/subgid") != NULL);
}

UNIT_TEST(avail_counts_from_zero)
{
	struct idmap gap[] = {{0, 1000, 1}, {2, 100000, 10}};
	struct idmap root[] = {{0, 0, 4294967295u}};

	CHECK(idmapopt_avail(pause_ns, 2) == 65537);
	CHECK(idmapopt_avail(gap, 2) == 1);
	CHECK(idmapopt_avail(root, 1) == 4294967295u);
	CHECK(idmapopt_avail(NULL, 0) == 0);
}

/* the maps Podman 4.3 shows for keep-id as uid 1020 with 65536 sub-ids */
UNIT_TEST(keep_id_layout_as_podman)
{
	struct idmap m[3];

	CHECK(idmapopt_keep_id(1020, 65537, m) == 3);
	CHECK(m[0].inner == 0 && m[0].outer == 1 && m[0].count == 1020);
	CHECK(m[1].inner == 1020 && m[1].outer == 0 && m[1].count == 1);
	CHECK(m[2].inner == 1021 && m[2].outer == 1021 && m[2].count == 64516);
	CHECK(idmapopt_keep_id(200, 65537, m) == 3);
	CHECK(m[2].inner == 201 && m[2].count == 65336);
	/* keep-id:uid=0: nothing below */
	CHECK(idmapopt_keep_id(0, 65537, m) == 2);
	CHECK(m[0].inner == 0 && m[0].outer == 0 && m[1].inner == 1 && m[1].count == 65536);
	/* no sub-ids: only the user */
	CHECK(idmapopt_keep_id(1020, 1, m) == 1);
	CHECK(m[0].inner == 1020 && m[0].outer == 0 && m[0].count == 1);
	/* an id above the range: what is there goes below it */
	CHECK(idmapopt_keep_id(100000, 65537, m) == 2);
	CHECK(m[0].count == 65536 && m[1].inner == 100000);
}

UNIT_TEST(userns_option_words)
{
	struct usernsopt o;
	struct werr err = {0};

	CHECK(usernsopt_parse("uid=200,gid=300", true, &o, &err) == 0);
	CHECK(o.has_uid && o.uid == 200 && o.has_gid && o.gid == 300 && !o.has_size);
	CHECK(usernsopt_parse("size=500", false, &o, &err) == 0);
	CHECK(o.has_size && o.size == 500);
	CHECK(usernsopt_parse("uid=x", true, &o, &err) == -1);
	CHECK_STR(err.msg, "strconv.ParseUint: parsing \"x\": invalid syntax");
	CHECK(usernsopt_parse("foo=1", false, &o, &err) == -1);
	CHECK_STR(err.msg, "unknown option specified: \"foo\"");
	CHECK(usernsopt_parse("size=1", true, &o, &err) == -1);
	CHECK(usernsopt_parse("size=0", false, &o, &err) == -1);
	CHECK(usernsopt_parse("uid", true, &o, &err) == -1);
}

UNIT_TEST(auto_pick_skips_used)
{
	struct idrange used[] = {{100000, 1024}, {101024, 500}};
	uint32_t start;

	CHECK(idmapopt_auto_pick(100000, 65536, NULL, 0, 1024, &start) == 0 && start == 100000);
	CHECK(idmapopt_auto_pick(100000, 65536, used, 2, 1024, &start) == 0 && start == 101524);
	CHECK(idmapopt_auto_pick(100000, 2000, used, 2, 1024, &start) == -1);
	CHECK(idmapopt_auto_pick(100000, 65536, used, 2, 0, &start) == -1);
}

UNIT_MAIN()
