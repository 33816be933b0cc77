/* Unit tests: the TOML parser (lib/toml.c), good documents and hostile ones. */
#include "tests/unit/unit.h"

#include "lib/json.h"
#include "lib/toml.h"
#include "lib/util.h"

#include <math.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

/* The document as compact JSON (static buffer), or "ERR: message". */
static const char *tj(const char *text)
{
	static char out[8192];
	struct werr err = {0};
	struct json_object *o = NULL;

	if (toml_parse(text, strlen(text), &o, &err) < 0) {
		snprintf(out, sizeof(out), "ERR: %s", err.msg);
		return out;
	}
	snprintf(out, sizeof(out), "%s",
		 json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return out;
}

static int fails_with(const char *text, const char *msg)
{
	const char *r = tj(text);
	if (strncmp(r, "ERR: ", 5) != 0 || strstr(r, msg) == NULL) {
		printf("  input %s -> %s (wanted %s)\n", text, r, msg);
		return 0;
	}
	return 1;
}

UNIT_TEST(toml_registries_conf_shape)
{
	const char *doc = "# comment\n"
			  "unqualified-search-registries = [\"docker.io\", 'quay.io',]\n"
			  "short-name-mode=\"enforcing\" # trailing\n"
			  "\n"
			  "[aliases]\n"
			  "  \"fedora\" = \"registry.fedoraproject.org/fedora\"\n"
			  "[[registry]]\n"
			  "prefix = \"example.com/foo\"\n"
			  "location = \"internal.example.com/bar\"\n"
			  "insecure = true\n"
			  "[[registry.mirror]]\n"
			  "location = \"m1.example.com\"\n"
			  "[[registry.mirror]]\n"
			  "location = \"m2.example.com\"\n"
			  "pull-from-mirror = \"digest-only\"\n"
			  "[[registry]]\n"
			  "location = \"b.example.com\"\n"
			  "blocked = false\n";

	CHECK_STR(tj(doc),
		  "{\"unqualified-search-registries\":[\"docker.io\",\"quay.io\"],"
		  "\"short-name-mode\":\"enforcing\","
		  "\"aliases\":{\"fedora\":\"registry.fedoraproject.org/fedora\"},"
		  "\"registry\":[{\"prefix\":\"example.com/foo\","
		  "\"location\":\"internal.example.com/bar\",\"insecure\":true,"
		  "\"mirror\":[{\"location\":\"m1.example.com\"},"
		  "{\"location\":\"m2.example.com\",\"pull-from-mirror\":\"digest-only\"}]},"
		  "{\"location\":\"b.example.com\",\"blocked\":false}]}");
}

UNIT_TEST(toml_keys_and_tables)
{
	CHECK_STR(tj("a.b.c = 1\na.b.d = 2\n\"x.y\" = 3\n'lit' = 4\n"),
		  "{\"a\":{\"b\":{\"c\":1,\"d\":2}},\"x.y\":3,\"lit\":4}");
	CHECK_STR(tj("[a.b]\nx=1\n[a]\ny=2\n[a.c]\n"),
		  "{\"a\":{\"b\":{\"x\":1},\"y\":2,\"c\":{}}}");
	CHECK_STR(tj("[ a . \"b c\" ]\n"), "{\"a\":{\"b c\":{}}}");
	CHECK_STR(tj("[[t]]\n[t.s]\nx=1\n[[t]]\n"), "{\"t\":[{\"s\":{\"x\":1}},{}]}");
	CHECK_STR(tj("[a]\nb.c=1\n[a.b.d]\n"), "{\"a\":{\"b\":{\"c\":1,\"d\":{}}}}");
	CHECK_STR(tj("\"\" = 1\n"), "{\"\":1}");
	CHECK_STR(tj("1234 = \"bare digits\"\n"), "{\"1234\":\"bare digits\"}");
	CHECK_STR(tj("a = 1\r\nb = 2\r\n"), "{\"a\":1,\"b\":2}");
	CHECK_STR(tj(""), "{}");
	CHECK_STR(tj("# only a comment"), "{}");
}

UNIT_TEST(toml_strings)
{
	CHECK_STR(tj("s = \"tab\\there \\\"q\\\" \\\\ \\u00e9 \\U0001F600\"\n"),
		  "{\"s\":\"tab\\there \\\"q\\\" \\\\ \xc3\xa9 \xf0\x9f\x98\x80\"}");
	CHECK_STR(tj("s = 'C:\\path\\no\\escape'\n"), "{\"s\":\"C:\\\\path\\\\no\\\\escape\"}");
	CHECK_STR(tj("s = \"\"\"\nline1\nline2\"\"\"\n"), "{\"s\":\"line1\\nline2\"}");
	CHECK_STR(tj("s = \"\"\"a \\\n    b \\\n\n  c\"\"\"\n"), "{\"s\":\"a b c\"}");
	CHECK_STR(tj("s = \"\"\"two \"\" quotes\"\"\"\"\"\n"),
		  "{\"s\":\"two \\\"\\\" quotes\\\"\\\"\"}");
	CHECK_STR(tj("s = '''\nraw \\n 'x'\n'''\n"), "{\"s\":\"raw \\\\n 'x'\\n\"}");
	CHECK_STR(tj("s = \"\"\n"), "{\"s\":\"\"}");
}

UNIT_TEST(toml_numbers_and_bools)
{
	CHECK_STR(tj("a = 1_000\nb = -17\nc = +0\nd = 0xDEAD_beef\ne = 0o17\nf = 0b101\n"),
		  "{\"a\":1000,\"b\":-17,\"c\":0,\"d\":3735928559,\"e\":15,\"f\":5}");
	CHECK_STR(tj("a = 9223372036854775807\nb = -9223372036854775808\n"),
		  "{\"a\":9223372036854775807,\"b\":-9223372036854775808}");
	CHECK_STR(tj("t = true\nf = false\n"), "{\"t\":true,\"f\":false}");
	{
		struct werr err = {0};
		struct json_object *o = NULL;
		const char *d = "x = 1.5\ny = -2e3\nz = 6.25E-1\ni = -inf\nn = nan\n";
		CHECK(toml_parse(d, strlen(d), &o, &err) == 0);
		CHECK(json_object_get_double(jget(o, "x")) == 1.5);
		CHECK(json_object_get_double(jget(o, "y")) == -2000.0);
		CHECK(json_object_get_double(jget(o, "z")) == 0.625);
		CHECK(isinf(json_object_get_double(jget(o, "i"))));
		CHECK(isnan(json_object_get_double(jget(o, "n"))));
		json_object_put(o);
	}
}

UNIT_TEST(toml_arrays_and_inline_tables)
{
	CHECK_STR(tj("a = [\n  1, # one\n  [2, [3]],\n  \"x\",\n]\n"), "{\"a\":[1,[2,[3]],\"x\"]}");
	CHECK_STR(tj("a = []\nb = [ ]\nc = {}\n"), "{\"a\":[],\"b\":[],\"c\":{}}");
	CHECK_STR(tj("p = { x = 1, y.z = \"s\", w = [true] }\n"),
		  "{\"p\":{\"x\":1,\"y\":{\"z\":\"s\"},\"w\":[true]}}");
	CHECK_STR(tj("a = [{b = 1}, {b = 2}]\n"), "{\"a\":[{\"b\":1},{\"b\":2}]}");
}

UNIT_TEST(toml_refuses_redefinitions)
{
	CHECK(fails_with("a = 1\na = 2\n", "line 2: duplicate key 'a'"));
	CHECK(fails_with("a.b = 1\na.b = 2\n", "duplicate key 'a.b'"));
	CHECK(fails_with("a = 1\na.b = 2\n", "cannot add keys to 'a'"));
	CHECK(fails_with("[a]\n[a]\n", "line 2: table 'a' defined twice"));
	CHECK(fails_with("[a.b]\n[a]\n[a.b]\n", "table 'a.b' defined twice"));
	CHECK(fails_with("[a]\nb.c = 1\n[a.b]\n", "table 'a.b' defined twice"));
	CHECK(fails_with("[a.b]\n[a]\nb.c = 1\n", "cannot add keys to 'b'"));
	CHECK(fails_with("a = {x = 1}\n[a]\n", "table 'a' defined twice"));
	CHECK(fails_with("a = {x = 1}\na.y = 2\n", "cannot add keys to 'a'"));
	CHECK(fails_with("a = {x = {y = 1}}\n[a.x.z]\n", "'a' is not a table"));
	CHECK(fails_with("a = [1]\n[[a]]\n", "'a' is not an array of tables"));
	CHECK(fails_with("[a]\n[[a]]\n", "'a' is not an array of tables"));
	CHECK(fails_with("[[a]]\n[a]\n", "table 'a' defined twice"));
	CHECK(fails_with("a = 1\n[a.b]\n", "'a' is not a table"));
	CHECK(fails_with("p = {x = 1, x = 2}\n", "duplicate key 'x'"));
}

UNIT_TEST(toml_refuses_bad_syntax)
{
	CHECK(fails_with("a = \"open\n", "line 1: unterminated string"));
	CHECK(fails_with("a = \"\"\"never closed\n\n", "line 1: unterminated string"));
	CHECK(fails_with("a = 'open", "unterminated string"));
	CHECK(fails_with("a = \"\\q\"\n", "bad escape sequence '\\q'"));
	CHECK(fails_with("a = \"\\u12\"\n", "bad \\u escape"));
	CHECK(fails_with("a = \"\\u0000\"\n", "U+0000 is not allowed"));
	CHECK(fails_with("a = \"\\uD800\"\n", "is not allowed"));
	CHECK(fails_with("a = \"\\U00110000\"\n", "is not allowed"));
	CHECK(fails_with("a = \"x\x01y\"\n", "control character 0x01"));
	CHECK(fails_with("a = 1 b = 2\n", "expected a newline"));
	CHECK(fails_with("a\n", "expected '='"));
	CHECK(fails_with("= 1\n", "expected a key"));
	CHECK(fails_with("a =\n", "expected a value"));
	CHECK(fails_with("a = [1 2]\n", "expected ',' or ']'"));
	CHECK(fails_with("a = [1,\n", "expected a value"));
	CHECK(fails_with("a = {x = 1,}\n", "expected a key"));
	CHECK(fails_with("a = {x = 1\n}\n", "expected ',' or '}'"));
	CHECK(fails_with("[a\n", "expected ']'"));
	CHECK(fails_with("[[a]\n", "expected ']]'"));
	CHECK(fails_with("[]\n", "expected a key"));
	CHECK(fails_with("a = 01\n", "invalid number '01'"));
	CHECK(fails_with("a = 1__0\n", "invalid number"));
	CHECK(fails_with("a = _1\n", "invalid number"));
	CHECK(fails_with("a = 1_\n", "invalid number"));
	CHECK(fails_with("a = 0xG\n", "invalid number"));
	CHECK(fails_with("a = 1.\n", "invalid number"));
	CHECK(fails_with("a = .5\n", "invalid number"));
	CHECK(fails_with("a = 1e\n", "invalid number"));
	CHECK(fails_with("a = yes\n", "invalid number 'yes'"));
	CHECK(fails_with("a = 9223372036854775808\n", "out of range"));
	CHECK(fails_with("a = 0xFFFFFFFFFFFFFFFFFF\n", "out of range"));
	CHECK(fails_with("a = 1979-05-27\n", "dates and times are not supported"));
	CHECK(fails_with("a = 07:32:00\n", "dates and times are not supported"));
	CHECK(fails_with("a = truex\n", "invalid number"));
	CHECK(fails_with("a = 1\rb = 2\n", "expected a newline"));
	CHECK(fails_with("# bell \x07\n", "control character in comment"));
	CHECK(fails_with("a = 1\n\n\nb = \"x\n", "line 4: unterminated string"));
}

UNIT_TEST(toml_refuses_hostile_bytes_and_bombs)
{
	struct werr err = {0};
	struct json_object *o = NULL;
	char *big, *deep;
	size_t n;

	CHECK(toml_parse("a = 1\0b = 2\n", 12, &o, &err) < 0);
	CHECK(strstr(err.msg, "NUL byte") != NULL);
	CHECK(fails_with("a = \"\xff\"\n", "invalid UTF-8"));
	CHECK(fails_with("a = \"\xc0\xaf\"\n", "invalid UTF-8"));		 /* overlong '/' */
	CHECK(fails_with("a = \"\xed\xa0\x80\"\n", "invalid UTF-8"));		 /* surrogate */
	CHECK(fails_with("a = 1\nb = \"\xe2\x82\"\n", "line 2: invalid UTF-8")); /* truncated */

	/* size cap: refused before any parsing */
	n = TOML_MAX_SIZE + 1;
	big = xmalloc(n);
	memset(big, '#', n);
	CHECK(toml_parse(big, n, &o, &err) < 0);
	CHECK(strstr(err.msg, "larger than") != NULL);
	free(big);

	/* nesting: arrays and inline tables */
	deep = xmalloc(4096);
	strcpy(deep, "a = ");
	for (int i = 0; i < 1000; i++)
		strcat(deep, "[");
	CHECK(fails_with(deep, "nesting deeper than 64"));
	strcpy(deep, "a = ");
	for (int i = 0; i < 500; i++)
		strcat(deep, "{b=");
	CHECK(fails_with(deep, "nesting deeper than 64"));
	/* keys with too many parts */
	strcpy(deep, "[");
	for (int i = 0; i < 100; i++)
		strcat(deep, i ? ".a" : "a");
	strcat(deep, "]\n");
	CHECK(fails_with(deep, "more than 64 parts"));
	free(deep);
	/* 64 levels are fine */
	{
		char ok[512] = "a = ";
		for (int i = 0; i < 64; i++)
			strcat(ok, "[");
		for (int i = 0; i < 64; i++)
			strcat(ok, "]");
		CHECK(strncmp(tj(ok), "{\"a\":[[[", 8) == 0);
	}
}

UNIT_TEST(toml_quote_round_trips)
{
	const char *in = "a\"b\\c\nd\x01 \xc3\xa9";
	char *q = toml_quote(in), *doc = xasprintf("k = %s\n", q);
	struct werr err = {0};
	struct json_object *o = NULL;

	CHECK_STR(q, "\"a\\\"b\\\\c\\u000ad\\u0001 \xc3\xa9\"");
	CHECK(toml_parse(doc, strlen(doc), &o, &err) == 0);
	CHECK_STR(jstr(o, "k"), in);
	json_object_put(o);
	free(q);
	free(doc);
}

UNIT_TEST(toml_parse_file_errors)
{
	struct werr err = {0};
	struct json_object *o = NULL;
	char dir[] = "/tmp/warren-toml-XXXXXX";
	char *p;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	p = xasprintf("%s/x.conf", dir);
	CHECK(toml_parse_file(p, &o, &err) < 0 && err.errnum == ENOENT);
	f = fopen(p, "w");
	fputs("ok = 1\nbad = \n", f);
	fclose(f);
	CHECK(toml_parse_file(p, &o, &err) < 0);
	CHECK(strstr(err.msg, "x.conf: line 2: expected a value") != NULL);
	unlink(p);
	rmdir(dir);
	free(p);
}

UNIT_MAIN()
