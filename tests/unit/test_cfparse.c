/* test_cfparse.c - Containerfile syntax (image/cfparse.c): continuations,
 * comments, directives, exec and shell forms, heredocs, expansion, and
 * hostile input (huge lines, unterminated quotes and JSON, unknown
 * instructions). */
#include <stdlib.h>

#include "image/cfparse.h"
#include "lib/util.h"
#include "tests/unit/unit.h"

static struct werr perr;

static int parse(const char *text, struct cf_file *f)
{
	perr.msg[0] = '\0';
	return cf_parse(text, strlen(text), "Containerfile", f, &perr);
}

static const char *var(void *ud, const char *name)
{
	(void)ud;
	if (strcmp(name, "A") == 0)
		return "aa";
	if (strcmp(name, "EMPTY") == 0)
		return "";
	return NULL;
}

/* The words of s joined with "|", or "ERR: msg" (static buffer). */
static const char *words(const char *s, bool split)
{
	static char buf[4096];
	char **v = NULL;
	struct werr err = {0};

	if (cf_words(s, '\\', split, var, NULL, &v, &err) < 0) {
		snprintf(buf, sizeof(buf), "ERR: %s", err.msg);
		return buf;
	}
	char *j = strv_join(v, "|");
	snprintf(buf, sizeof(buf), "%s", j);
	free(j);
	strv_free(v);
	return buf;
}

UNIT_TEST(parse_basic_forms)
{
	struct cf_file f;
	const char *text = "# a comment\n"
			   "FROM busybox AS build\n"
			   "\n"
			   "run echo one \\\n"
			   "  # comment inside\n"
			   "    two\n"
			   "CMD [\"echo\", \"x\"]\n"
			   "CMD [\"broken\"\n"
			   "COPY --from=build --chown=1:2 /a /b\n";

	CHECK(parse(text, &f) == 0);
	CHECK(f.n == 5);
	CHECK_STR(f.v[0].cmd, "FROM");
	CHECK_STR(f.v[0].rest, "busybox AS build");
	CHECK(f.v[0].line == 2);
	CHECK_STR(f.v[1].cmd, "RUN");
	CHECK_STR(f.v[1].rest, "echo one     two");
	CHECK(f.v[1].line == 4);
	CHECK(f.v[2].json && strcmp(f.v[2].json[1], "x") == 0 && f.v[2].json[2] == NULL);
	CHECK(f.v[3].json == NULL); /* invalid JSON: the shell form, as Docker */
	CHECK_STR(f.v[3].rest, "[\"broken\"");
	CHECK_STR(cf_flag(&f.v[4], "from"), "build");
	CHECK_STR(cf_flag(&f.v[4], "chown"), "1:2");
	CHECK(cf_flag(&f.v[4], "chmod") == NULL);
	CHECK_STR(f.v[4].rest, "/a /b");
	cf_file_free(&f);
}

UNIT_TEST(parse_escape_directive)
{
	struct cf_file f;

	CHECK(parse("# escape=`\nFROM x\nRUN dir c:\\ `\n  && echo\n", &f) == 0);
	CHECK(f.escape == '`');
	CHECK_STR(f.v[1].rest, "dir c:\\   && echo");
	cf_file_free(&f);
	/* a directive after an instruction is a comment */
	CHECK(parse("FROM x\n# escape=`\nRUN a \\\n b\n", &f) == 0);
	CHECK(f.escape == '\\');
	CHECK_STR(f.v[1].rest, "a  b");
	cf_file_free(&f);
	CHECK(parse("# escape=x\nFROM x\n", &f) < 0);
	CHECK(strstr(perr.msg, "Containerfile:1: invalid escape token") != NULL);
}

UNIT_TEST(parse_heredoc)
{
	struct cf_file f;

	CHECK(parse("FROM x\nRUN <<EOF\necho a\necho b\nEOF\nENV A=1\n", &f) == 0);
	CHECK(f.n == 3);
	CHECK_STR(f.v[1].heredoc, "echo a\necho b\n");
	CHECK_STR(f.v[2].cmd, "ENV");
	cf_file_free(&f);
	CHECK(parse("FROM x\nRUN <<-END\n\techo a\n\tEND\n", &f) == 0);
	CHECK_STR(f.v[1].heredoc, "echo a\n");
	cf_file_free(&f);
	CHECK(parse("FROM x\nRUN <<EOF\necho a\n", &f) < 0);
	CHECK_STR(perr.msg, "Containerfile:2: unterminated heredoc: no line 'EOF' ends it");
}

UNIT_TEST(parse_errors_name_file_and_line)
{
	struct cf_file f;
	char *big;

	CHECK(parse("FROM x\n\nFOO bar\n", &f) < 0);
	CHECK_STR(perr.msg, "Containerfile:3: unknown instruction: FOO");
	CHECK(parse("FROM x\nENV\n", &f) < 0);
	CHECK_STR(perr.msg, "Containerfile:2: ENV requires at least one argument");
	CHECK(parse("FROM x\nSHELL /bin/bash -c\n", &f) < 0);
	CHECK_STR(perr.msg, "Containerfile:2: SHELL requires the arguments to be in JSON form");
	CHECK(cf_parse("FROM x\0", 7, "Containerfile", &f, &perr) < 0);
	/* a huge line parses (no fixed buffer), a huge keyword is cut in the error */
	big = xmalloc(1 << 20);
	memset(big, 'A', (1 << 20) - 1);
	big[(1 << 20) - 1] = '\0';
	CHECK(parse(big, &f) < 0);
	CHECK(strlen(perr.msg) < 200);
	memcpy(big, "RUN ", 4);
	CHECK(parse(big, &f) == 0);
	CHECK(strlen(f.v[0].rest) == (1 << 20) - 5);
	cf_file_free(&f);
	free(big);
	/* an empty file and one of comments: no instructions */
	CHECK(parse("", &f) == 0 && f.n == 0);
	CHECK(parse("# only\n\n", &f) == 0 && f.n == 0);
}

UNIT_TEST(expansion)
{
	CHECK_STR(words("$A ${A} x${A}y", true), "aa|aa|xaay");
	CHECK_STR(words("${B:-def} ${EMPTY:-e} ${EMPTY-e} ${A:+alt} ${B:+alt}", true),
		  "def|e||alt|");
	CHECK_STR(words("'$A' \"$A b\" \\$A", true), "$A|aa b|$A");
	CHECK_STR(words("a=\"x y\" b", true), "a=x y|b");
	CHECK_STR(words("\"\"", true), "");
	CHECK_STR(words("one two", false), "one two");
	CHECK_STR(words("${B:-${A}}", false), "aa");
	CHECK_STR(words("cost $ 5$", false), "cost $ 5$");
	CHECK_STR(words("\"open", true), "ERR: unterminated quote in '\"open'");
	CHECK_STR(words("'open", true), "ERR: unterminated quote in ''open'");
	CHECK_STR(words("${A", true), "ERR: missing '}' in '${A'");
	CHECK_STR(words("${B:?needed}", true), "ERR: B: needed");
	CHECK_STR(words("${}", true), "ERR: bad substitution '${}'");
}

UNIT_TEST(pairs)
{
	struct cf_instr in = {0};
	struct werr err = {0};
	char **k = NULL, **v = NULL;
	size_t n = 0;

	CHECK(cf_parse_one("ENV X=1 Y=\"a b\" Z=$A", &in, &err) == 0);
	CHECK(cf_pairs(&in, '\\', var, NULL, &k, &v, &n, &err) == 0);
	CHECK(n == 3);
	CHECK_STR(k[1], "Y");
	CHECK_STR(v[1], "a b");
	CHECK_STR(v[2], "aa");
	strv_free(k);
	cf_vals_free(v, n);
	cf_instr_free(&in);
	CHECK(cf_parse_one("LABEL key some value", &in, &err) == 0);
	CHECK(cf_pairs(&in, '\\', var, NULL, &k, &v, &n, &err) == 0);
	CHECK(n == 1);
	CHECK_STR(v[0], "some value");
	strv_free(k);
	cf_vals_free(v, n);
	cf_instr_free(&in);
	CHECK(cf_parse_one("ARG NAME OTHER=2", &in, &err) == 0);
	CHECK(cf_pairs(&in, '\\', var, NULL, &k, &v, &n, &err) == 0);
	CHECK(n == 2 && v[0] == NULL);
	CHECK_STR(v[1], "2");
	strv_free(k);
	cf_vals_free(v, n);
	cf_instr_free(&in);
	CHECK(cf_parse_one("ENV A=1 B", &in, &err) == 0);
	CHECK(cf_pairs(&in, '\\', var, NULL, &k, &v, &n, &err) < 0);
	CHECK(strstr(err.msg, "can't find = in \"B\"") != NULL);
	cf_instr_free(&in);
	/* Podman's "ENV=A=1" */
	CHECK(cf_parse_one("ENV=A=1", &in, &err) == 0);
	CHECK_STR(in.rest, "A=1");
	cf_instr_free(&in);
	CHECK(cf_parse_one("ENV A=1\nRUN x", &in, &err) < 0);
}

UNIT_MAIN()
