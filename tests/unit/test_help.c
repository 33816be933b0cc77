/* Unit tests: every flag a command's option table accepts is listed by its
 * --help, and every global flag by `warren --help` (issue 6 "--help of every
 * command lists its flags"). Links the whole front end (Makefile: cli/ and
 * cli/main.c with its main renamed). */
#include "tests/unit/unit.h"

#include "cli/cli.h"

#include <ctype.h>
#include <stdbool.h>

/* flag ("--rm", "-t") appears in text as a word of its own */
static bool mentions(const char *text, const char *flag)
{
	size_t n = strlen(flag);

	for (const char *p = strstr(text, flag); p; p = strstr(p + 1, flag)) {
		char before = p == text ? ' ' : p[-1], after = p[n];
		if (!isalnum((unsigned char)before) && before != '-' &&
		    !isalnum((unsigned char)after) && after != '-')
			return true;
	}
	return false;
}

/* The first flag of tab that text does not list (into buf), or NULL */
static const char *unlisted(const struct opt *tab, const char *text, char *buf, size_t len)
{
	for (const struct opt *o = tab; o && o->kind != OPTK_END; o++) {
		if (o->lng) {
			snprintf(buf, len, "--%s", o->lng);
			if (!mentions(text, buf))
				return buf;
		}
		if (o->shrt) {
			snprintf(buf, len, "-%c", o->shrt);
			if (!mentions(text, buf))
				return buf;
		}
	}
	return NULL;
}

/* Walks a command table (and its groups): the number of gaps, each printed */
static int walk(const struct cmd *tab, const char *group)
{
	int gaps = 0;
	char buf[64];
	const char *miss;

	for (const struct cmd *c = tab; c->name; c++) {
		if (c->sub) {
			gaps += walk(c->sub, c->name);
			continue;
		}
		if (c->opts == NULL)
			continue;
		miss = unlisted(c->opts->tab, c->help ? c->help : "", buf, sizeof(buf));
		if (miss) {
			printf("# 'warren %s%s%s --help' does not list %s\n", group ? group : "",
			       group ? " " : "", c->name, miss);
			gaps++;
		}
	}
	return gaps;
}

UNIT_TEST(help_lists_every_flag)
{
	CHECK(walk(cli_commands, NULL) == 0);
}

UNIT_TEST(help_lists_every_global_flag)
{
	char buf[64];
	const char *miss = unlisted(cli_global_opts.tab, cli_global_help, buf, sizeof(buf));

	if (miss)
		printf("# 'warren --help' does not list %s\n", miss);
	CHECK(miss == NULL);
}

UNIT_TEST(mentions_is_a_word_match)
{
	CHECK(mentions("  -a, --all  all", "--all"));
	CHECK(!mentions("  --all-tags", "--all"));
	CHECK(!mentions("  --no-all", "--all"));
	CHECK(mentions("--rm\n", "--rm"));
	CHECK(!mentions("-it", "-i"));
}

UNIT_MAIN()
