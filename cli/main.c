/* warren - a daemonless, rootless-first container engine. */
#include "cli/cli.h"
#include "lib/log.h"
#include "lib/util.h"
#include "rootless/rootless.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int opt_next(struct optstate *st, const struct opt *tab, const char **val, struct werr *err)
{
	const char *a;

	*val = NULL;
	if (st->cl && *st->cl) {
		char c = *st->cl++;
		for (const struct opt *o = tab; o->id; o++) {
			if (o->shrt != c)
				continue;
			if (o->arg) {
				if (*st->cl) {
					*val = st->cl;
				} else if (st->i < st->argc) {
					*val = st->argv[st->i++];
				} else {
					werr_set(err, 0, "flag needs an argument: '%c' in -%c", c,
						 c);
					return werr_status(err, 125);
				}
				st->cl = NULL;
			}
			return o->id;
		}
		if (c == 'h')
			return OPT_HELP;
		werr_set(err, 0, "unknown shorthand flag: '%c' in -%c", c, c);
		return werr_status(err, 125);
	}
	st->cl = NULL;
	for (;;) {
		if (st->done || st->i >= st->argc)
			return OPT_END;
		a = st->argv[st->i];
		if (strcmp(a, "--") == 0) {
			st->i++;
			st->done = true;
			return OPT_END;
		}
		if (a[0] != '-' || a[1] == '\0') {
			if (st->stop) {
				st->done = true;
				return OPT_END;
			}
			st->i++;
			*val = a;
			return OPT_POS;
		}
		st->i++;
		if (a[1] != '-') {
			st->cl = a + 1;
			return opt_next(st, tab, val, err);
		}
		break;
	}
	{
		const char *name = a + 2, *eq = strchr(name, '=');
		size_t n = eq ? (size_t)(eq - name) : strlen(name);
		if (n == 4 && strncmp(name, "help", 4) == 0)
			return OPT_HELP;
		for (const struct opt *o = tab; o->id; o++) {
			if (o->lng == NULL || strlen(o->lng) != n || strncmp(o->lng, name, n) != 0)
				continue;
			if (o->arg) {
				if (eq)
					*val = eq + 1;
				else if (st->i < st->argc)
					*val = st->argv[st->i++];
				else {
					werr_set(err, 0, "flag needs an argument: --%s", o->lng);
					return werr_status(err, 125);
				}
			} else if (eq) {
				/* --flag=true / --flag=false as Go's pflag allows */
				*val = eq + 1;
				if (strcmp(*val, "true") != 0 && strcmp(*val, "false") != 0) {
					werr_set(
					    err, 0,
					    "invalid argument \"%s\" for \"--%s\" flag: "
					    "strconv.ParseBool: parsing \"%s\": invalid syntax",
					    *val, o->lng, *val);
					return werr_status(err, 125);
				}
			}
			return o->id;
		}
		werr_set(err, 0, "unknown flag: --%.*s", (int)n, name);
		return werr_status(err, 125);
	}
}

const struct cmd *cli_find(const struct cmd *tab, const char *name)
{
	for (const struct cmd *c = tab; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

void cli_help(const struct cmd *c)
{
	printf("warren %s - %s\n\n%s", c->name, c->summary, c->help);
}

int cli_ready(struct engine *e, struct werr *err)
{
	if (e->in_userns || !e->rootless) {
		/* root mode, or joined already */
	} else if (pause_join(e, err) < 0) {
		return -1;
	}
	return engine_store(e, err) ? 0 : -1;
}

static void group_usage(const struct cmd *tab, const char *group, FILE *out)
{
	fprintf(out, "Usage: warren %s%sCOMMAND [OPTIONS]\n\nCommands:\n", group ? group : "",
		group ? " " : "");
	for (const struct cmd *c = tab; c->name; c++)
		fprintf(out, "  %-12s %s\n", c->name, c->summary);
	fprintf(out, "\nRun 'warren %s%sCOMMAND --help' for more information on a command.\n",
		group ? group : "", group ? " " : "");
}

static bool wants_help(const struct cmd *c, int argc, char **argv)
{
	/* `run -h` is --hostname, as in Podman */
	bool h_is_help = strcmp(c->name, "run") != 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "--help") == 0 || (h_is_help && strcmp(argv[i], "-h") == 0))
			return true;
		if (argv[i][0] != '-')
			return false; /* run IMAGE -h: -h belongs to the container */
	}
	return false;
}

static int dispatch(const struct cmd *c, struct engine *e, int argc, char **argv, struct werr *err)
{
	if (!c->group && wants_help(c, argc, argv)) {
		cli_help(c);
		return 0;
	}
	if (!c->no_userns && cli_ready(e, err) < 0)
		return -1;
	return c->fn(e, argc, argv, err);
}

int cli_group(const struct cmd *tab, const char *group, struct engine *e, int argc, char **argv,
	      struct werr *err)
{
	const struct cmd *c;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		group_usage(tab, group, stdout);
		return argc < 2 ? 125 : 0;
	}
	c = cli_find(tab, argv[1]);
	if (c == NULL) {
		werr_set(err, 0, "unrecognized command `warren %s %s`", group, argv[1]);
		return werr_status(err, 125);
	}
	return dispatch(c, e, argc - 1, argv + 1, err);
}

enum { G_ROOT = 1, G_RUNROOT, G_DRIVER, G_SOPT, G_LOGLEVEL, G_VERSION, G_DEBUG };

static const struct opt global_opts[] = {
    {"root", 0, true, G_ROOT},
    {"runroot", 0, true, G_RUNROOT},
    {"storage-driver", 0, true, G_DRIVER},
    {"storage-opt", 0, true, G_SOPT},
    {"log-level", 0, true, G_LOGLEVEL},
    {"version", 'v', false, G_VERSION},
    {"debug", 'D', false, G_DEBUG},
    {0},
};

static int parse_globals(struct engine *e, struct optstate *st, bool *version, struct werr *err)
{
	const char *v;
	int id;
	enum log_level lvl;

	while ((id = opt_next(st, global_opts, &v, err)) != OPT_END) {
		switch (id) {
		case -1:
			return -1;
		case OPT_HELP:
			group_usage(cli_commands, NULL, stdout);
			exit(0);
		case G_ROOT:
			free(e->root);
			e->root = xstrdup(v);
			break;
		case G_RUNROOT:
			free(e->runroot);
			e->runroot = xstrdup(v);
			break;
		case G_DRIVER:
			free(e->storage_driver);
			e->storage_driver = xstrdup(v);
			break;
		case G_SOPT:
			e->storage_opts = strv_append(e->storage_opts, v);
			break;
		case G_LOGLEVEL:
			if (log_parse_level(v, &lvl) < 0) {
				werr_set(err, 0,
					 "invalid log level '%s': use debug, info, warn or error",
					 v);
				return werr_status(err, 125);
			}
			log_set_level(lvl);
			break;
		case G_DEBUG:
			log_set_level(LOG_DEBUG);
			break;
		case G_VERSION:
			*version = true;
			break;
		}
	}
	return 0;
}

/* Relative --root/--runroot are taken from the cwd of the user, before the
 * pause process's mount namespace may change what they resolve to. */
static void absolutize(char **p)
{
	char cwd[4096];

	if (*p && (*p)[0] != '/' && getcwd(cwd, sizeof(cwd))) {
		char *a = xasprintf("%s/%s", cwd, *p);
		free(*p);
		*p = a;
	}
}

int main(int argc, char **argv)
{
	struct engine e = {0};
	struct werr err = {0};
	struct optstate st = {.argc = argc, .argv = argv, .i = 1, .stop = true};
	const struct cmd *c;
	bool version = false;
	int rc;

	if (pause_exec_main(argc, argv, &err) < 0)
		goto fail;
	if (parse_globals(&e, &st, &version, &err) < 0)
		goto fail;
	if (version) {
		printf("warren version %s\n", WARREN_VERSION);
		return 0;
	}
	if (st.i >= argc) {
		group_usage(cli_commands, NULL, stderr);
		return 125;
	}
	absolutize(&e.root);
	absolutize(&e.runroot);
	c = cli_find(cli_commands, argv[st.i]);
	if (c == NULL) {
		werr_set(&err, 0, "unrecognized command `warren %s`: try 'warren --help'",
			 argv[st.i]);
		werr_status(&err, 125);
		goto fail;
	}
	if (paths_init(&e, &err) < 0)
		goto fail;
	rc = dispatch(c, &e, argc - st.i, argv + st.i, &err);
	if (rc < 0)
		goto fail;
	fflush(stdout);
	engine_free(&e);
	return rc;
fail:
	fflush(stdout);
	fprintf(stderr, "warren: %s\n", err.msg);
	engine_free(&e);
	return err.status ? err.status : 125;
}
