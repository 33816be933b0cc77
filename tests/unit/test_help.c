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

/* Whether tab accepts flag ("--all", "-a"); --help and -h always are */
static bool accepts(const struct opt *tab, const char *flag)
{
	if (strcmp(flag, "--help") == 0 || strcmp(flag, "-h") == 0)
		return true;
	for (const struct opt *o = tab; o && o->kind != OPTK_END; o++) {
		if (flag[1] == '-' && o->lng && strcmp(flag + 2, o->lng) == 0)
			return true;
		if (flag[1] != '-' && o->shrt && flag[1] == o->shrt && flag[2] == '\0')
			return true;
	}
	return false;
}

/* The first flag that the OPTIONS section of help lists (a line indented by
 * at most 6 spaces that starts "-x, --long" or "--long") and tab does not
 * accept (into buf), or NULL */
static const char *unaccepted(const struct opt *tab, const char *help, char *buf, size_t len)
{
	const char *p = help ? strstr(help, "OPTIONS\n") : NULL;

	if (p == NULL)
		return NULL;
	for (p += 8; *p == ' ' || *p == '\n'; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] != 0)) {
		size_t indent = strspn(p, " ");
		const char *f = p + indent;
		while (indent <= 6 && *f == '-') {
			size_t n = strcspn(f, " ,=[\n");
			snprintf(buf, len, "%.*s", (int)n, f);
			if (!accepts(tab, buf))
				return buf;
			f += n;
			if (strncmp(f, ", -", 3) != 0)
				break;
			f += 2;
		}
	}
	return NULL;
}

/* Walks the commands: the number of leaf commands whose help lacks a
 * SYNOPSIS or DESCRIPTION, has flags but no OPTIONS, or lists a flag the parser rejects */
static int walk_help(const struct cmd *tab, const char *group)
{
	int gaps = 0;
	char buf[64];
	const char *miss;

	for (const struct cmd *c = tab; c->name; c++) {
		if (c->sub) {
			gaps += walk_help(c->sub, c->name);
			continue;
		}
		if (c->help == NULL || strstr(c->help, "SYNOPSIS\n") == NULL ||
		    strstr(c->help, "DESCRIPTION\n") == NULL) {
			printf("# 'warren %s%s%s --help' has no SYNOPSIS or DESCRIPTION\n",
			       group ? group : "", group ? " " : "", c->name);
			gaps++;
		}
		if (c->opts && c->opts->tab && c->opts->tab[0].kind != OPTK_END &&
		    (c->help == NULL || strstr(c->help, "OPTIONS\n") == NULL)) {
			printf("# 'warren %s%s%s --help' has flags and no OPTIONS\n",
			       group ? group : "", group ? " " : "", c->name);
			gaps++;
		}
		miss = unaccepted(c->opts ? c->opts->tab : NULL, c->help, buf, sizeof(buf));
		if (miss) {
			printf("# 'warren %s%s%s --help' lists %s, which it does not accept\n",
			       group ? group : "", group ? " " : "", c->name, miss);
			gaps++;
		}
	}
	return gaps;
}

UNIT_TEST(help_is_man_style)
{
	CHECK(walk_help(cli_commands, NULL) == 0);
}

UNIT_TEST(unaccepted_reads_the_options_section)
{
	static const struct opt tab[] = {
	    {"all", 'a', OPTK_BOOL, 0, NULL},
	    {"filter", 0, OPTK_STR, 0, NULL},
	    {NULL, 0, OPTK_END, 0, NULL},
	};
	char buf[64];

	CHECK(unaccepted(tab,
			 "SYNOPSIS\n  x --nope\n\nOPTIONS\n  -a, --all  all\n"
			 "\n      --filter=K  f\n                  --cont\n",
			 buf, sizeof(buf)) == NULL);
	CHECK_STR(unaccepted(tab, "OPTIONS\n  -a, --al  x\n", buf, sizeof(buf)), "--al");
	CHECK_STR(unaccepted(tab, "OPTIONS\n  -b, --all  x\n", buf, sizeof(buf)), "-b");
	CHECK_STR(unaccepted(NULL, "OPTIONS\n      --all  x\n", buf, sizeof(buf)), "--all");
	CHECK(unaccepted(tab, "OPTIONS\n  -a  x\n\nEXAMPLES\n  --nope\n", buf, sizeof(buf)) ==
	      NULL);
	CHECK_STR(unaccepted(tab, "OPTIONS\n  -a  x\n\n  --nope\n", buf, sizeof(buf)), "--nope");
}

UNIT_MAIN()
