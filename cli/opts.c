/* The one option parser; see opts.h. Error wording is pflag's, so that
 * scripts written against Podman read the same lines. */
#include "cli/opts.h"
#include "lib/util.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pstate {
	const struct optspec *spec;
	int argc;
	char **argv;
	int i;	    /* next argv index */
	void *opts; /* the command's option struct */
	bool help;
};

int opts_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strcmp(s, yes[i]) == 0 || strcmp(s, no[i]) == 0) {
			*out = strcmp(s, yes[i]) == 0;
			return 0;
		}
	}
	return -1;
}

static const struct opt *find_long(const struct opt *tab, const char *name, size_t n)
{
	for (const struct opt *o = tab; o && o->kind != OPTK_END; o++)
		if (o->lng && strlen(o->lng) == n && strncmp(o->lng, name, n) == 0)
			return o;
	return NULL;
}

static const struct opt *find_short(const struct opt *tab, char c)
{
	for (const struct opt *o = tab; o && o->kind != OPTK_END; o++)
		if (o->shrt == c)
			return o;
	return NULL;
}

/* "-t, --tty", "--rm" or "-x": how pflag names a flag in its messages */
static void flag_name(const struct opt *o, char *buf, size_t n)
{
	if (o->shrt && o->lng)
		snprintf(buf, n, "-%c, --%s", o->shrt, o->lng);
	else if (o->lng)
		snprintf(buf, n, "--%s", o->lng);
	else
		snprintf(buf, n, "-%c", o->shrt);
}

/* An error of the parser itself (pflag's): exit 125, OPTS_USAGE */
__attribute__((format(printf, 2, 3))) static int usage_err(struct werr *err, const char *fmt, ...)
{
	char msg[WERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	werr_set(err, 0, "%s", msg);
	werr_status(err, 125);
	return OPTS_USAGE;
}

static int bad_value(const struct opt *o, const char *val, const char *why, struct werr *err)
{
	char name[128];

	flag_name(o, name, sizeof(name));
	return usage_err(err, "invalid argument \"%s\" for \"%s\" flag: %s", val, name, why);
}

static int bad_bool(const struct opt *o, const char *val, struct werr *err)
{
	char why[256];

	snprintf(why, sizeof(why), "strconv.ParseBool: parsing \"%s\": invalid syntax", val);
	return bad_value(o, val, why, err);
}

/* pflag's words for a uint flag (Go's strconv.ParseUint) */
static int bad_uint(const struct opt *o, const char *val, struct werr *err)
{
	char why[256];
	bool digits = val[0] != '\0' && strspn(val, "0123456789") == strlen(val);

	snprintf(why, sizeof(why), "strconv.ParseUint: parsing \"%s\": %s", val,
		 digits ? "value out of range" : "invalid syntax");
	return bad_value(o, val, why, err);
}

/* Stores one flag's value (NULL: a boolean given without one). */
static int set_value(const struct opt *o, void *opts, const char *val, struct werr *err)
{
	char *field = (char *)opts + o->off;
	int64_t n;

	switch (o->kind) {
	case OPTK_BOOL:
		if (val == NULL)
			*(bool *)field = true;
		else if (opts_parse_bool(val, (bool *)field) < 0)
			return bad_bool(o, val, err);
		return 0;
	case OPTK_STR:
		*(const char **)field = val;
		return 0;
	case OPTK_OPTSTR:
		*(const char **)field = val ? val : "true";
		return 0;
	case OPTK_DUP:
		free(*(char **)field);
		*(char **)field = xstrdup(val);
		return 0;
	case OPTK_STRV:
		*(char ***)field = strv_append(*(char ***)field, val);
		return 0;
	case OPTK_UINT:
		if (parse_int64(val, 0, INT_MAX, &n) < 0)
			return bad_uint(o, val, err);
		*(int *)field = (int)n;
		return 0;
	case OPTK_CALL:
		if (o->call(opts, val, err) < 0)
			return err && err->status ? -1 : werr_status(err, 125);
		return 0;
	case OPTK_END:
		break;
	}
	return werr_set(err, 0, "internal: flag kind %d", (int)o->kind);
}

/* The built-in --help / -h: a boolean as in cobra (--help=false is no help). */
static int set_help(struct pstate *st, const char *val, struct werr *err)
{
	static const struct opt help = {"help", 'h', OPTK_BOOL, 0, NULL};
	static const struct opt help_long = {"help", 0, OPTK_BOOL, 0, NULL};

	if (val == NULL)
		st->help = true;
	else if (opts_parse_bool(val, &st->help) < 0) /* run's -h is --hostname */
		return bad_bool(find_short(st->spec->tab, 'h') ? &help_long : &help, val, err);
	return 0;
}

/* "--name", "--name=value" or "--name value" */
static int parse_long(struct pstate *st, const char *a, struct werr *err)
{
	const char *name = a + 2, *eq = strchr(name, '=');
	size_t n = eq ? (size_t)(eq - name) : strlen(name);
	const struct opt *o;
	const char *val = eq ? eq + 1 : NULL;

	if (n == 0)
		return usage_err(err, "bad flag syntax: %s", a);
	o = find_long(st->spec->tab, name, n);
	if (o == NULL && n == 4 && strncmp(name, "help", 4) == 0)
		return set_help(st, val, err);
	if (o == NULL)
		return usage_err(err, "unknown flag: --%.*s", (int)n, name);
	if (o->kind != OPTK_BOOL && o->kind != OPTK_OPTSTR && val == NULL) {
		if (st->i >= st->argc)
			return usage_err(err, "flag needs an argument: --%s", o->lng);
		val = st->argv[st->i++];
	}
	return set_value(o, st->opts, val, err);
}

/* "-x", a cluster "-it", "-evalue", "-e=value", "-e value", "-t=false" */
static int parse_shorts(struct pstate *st, const char *a, struct werr *err)
{
	for (const char *p = a + 1; *p;) {
		char c = *p++;
		const struct opt *o = find_short(st->spec->tab, c);
		const char *val = NULL;
		int rc;

		if (*p == '=') /* the rest of the word is this flag's value */
			val = p + 1;
		if (o == NULL && c == 'h') {
			if ((rc = set_help(st, val, err)) < 0)
				return rc;
		} else if (o == NULL) {
			return usage_err(err, "unknown shorthand flag: '%c' in %s", c, a);
		} else if (o->kind == OPTK_BOOL || val != NULL) {
			if ((rc = set_value(o, st->opts, val, err)) < 0)
				return rc;
		} else {
			if (*p)
				val = p;
			else if (st->i < st->argc)
				val = st->argv[st->i++];
			else
				return usage_err(err, "flag needs an argument: '%c' in %s", c, a);
			return set_value(o, st->opts, val, err);
		}
		if (val != NULL)
			break;
	}
	return 0;
}

int opts_parse(const struct optspec *spec, int argc, char **argv, void *opts, char ***args,
	       struct werr *err)
{
	struct pstate st = {.spec = spec, .argc = argc, .argv = argv, .i = 1, .opts = opts};
	char **pos = xcalloc((size_t)argc + 1, sizeof(char *));
	size_t npos = 0;
	int rc = 0;

	while (rc == 0 && st.i < argc) {
		const char *a = argv[st.i];
		if (strcmp(a, "--") == 0) {
			st.i++;
			break;
		}
		if (a[0] != '-' || a[1] == '\0') { /* a positional argument ("-" too) */
			if (spec->stop)
				break;
			pos[npos++] = argv[st.i++];
			continue;
		}
		st.i++;
		rc = a[1] == '-' ? parse_long(&st, a, err) : parse_shorts(&st, a, err);
	}
	while (rc == 0 && st.i < argc)
		pos[npos++] = argv[st.i++];
	*args = pos;
	if (rc < 0)
		return rc;
	return st.help ? OPTS_HELP : 0;
}
