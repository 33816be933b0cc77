/* test_buildignore.c - the .containerignore / .dockerignore rules of
 * build (runtime/build_copy.c): Docker's matching, "**", "!" exceptions,
 * a matched dir excluding what is below it. */
#include "runtime/build_copy.h"
#include "tests/unit/unit.h"

static bool ign(const char *text, const char *rel)
{
	struct build_ignore ig;
	bool r;

	build_ignore_parse(text, &ig);
	r = build_ignored(&ig, rel);
	build_ignore_free(&ig);
	return r;
}

UNIT_TEST(ignore_basic_patterns)
{
	CHECK(ign("*.log\n", "a.log"));
	CHECK(!ign("*.log\n", "dir/a.log")); /* '*' stays in one dir */
	CHECK(ign("*/*.log\n", "dir/a.log"));
	CHECK(ign("**/*.log\n", "dir/sub/a.log"));
	CHECK(ign("**/*.log\n", "a.log"));
	CHECK(ign("dir/**/*.log\n", "dir/x/y/a.log"));
	CHECK(!ign("dir/**/*.log\n", "other/a.log"));
	CHECK(ign("build\n", "build/deep/file")); /* a dir excludes its content */
	CHECK(ign("./build/\n", "build"));
	CHECK(!ign("build\n", "builder"));
	CHECK(ign("a?c\n", "abc"));
	CHECK(ign("[ab].txt\n", "b.txt"));
}

UNIT_TEST(ignore_exceptions_and_comments)
{
	const char *rules = "# comment\n\n*.md\n!README.md\n  tmp  \n";

	CHECK(ign(rules, "notes.md"));
	CHECK(!ign(rules, "README.md"));
	CHECK(ign(rules, "tmp/x"));
	CHECK(!ign(rules, "src/main.c"));
	/* the last match wins */
	CHECK(ign("!keep.txt\n*.txt\n", "keep.txt"));
	CHECK(!ign("", "anything"));
	CHECK(!ign("#only a comment\n!\n", "x"));
}

/* A hostile ignore file: many "**" over a deep path backtracked
 * exponentially (ten of them over 40 dirs did not finish); each (part,
 * offset) is now tried once. */
UNIT_TEST(ignore_many_double_stars)
{
	char pat[64] = "", rel[128] = "";

	for (int i = 0; i < 10; i++)
		strcat(pat, "**/");
	for (int i = 0; i < 40; i++)
		strcat(rel, "a/");
	strcat(rel, "b");
	strcat(pat, "z\n");
	CHECK(!ign(pat, rel));
	pat[strlen(pat) - 2] = 'b';
	CHECK(ign(pat, rel));
	CHECK(ign("**/a/**/a/**/b\n", rel));
	CHECK(!ign("**/a/**/c/**/b\n", rel));
	CHECK(ign("**/**/z\n", "x/y/z"));
}

UNIT_MAIN()
