/* warren - a daemonless, rootless-first container engine. */
#include "cli/cli.h"
#include "cli/format.h"
#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/util.h"
#include "rootless/rootless.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const struct cmd *cli_find(const struct cmd *tab, const char *name)
{
	for (const struct cmd *c = tab; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* Joins the pause process's namespaces (rootless, once). */
static int cli_join(struct engine *e, struct werr *err)
{
	if (e->in_userns || !e->rootless)
		return 0; /* root mode, or joined already */
	return pause_join(e, err);
}

int cli_ready(struct engine *e, struct werr *err)
{
	return cli_join(e, err) < 0 || engine_store(e, err) == NULL ? -1 : 0;
}

/* Gets c what it needs before it runs (see enum cmd_needs). */
static int cli_prepare(const struct cmd *c, struct engine *e, struct werr *err)
{
	switch (c->needs) {
	case NEEDS_STORE:
		return cli_ready(e, err);
	case NEEDS_USERNS:
		return cli_join(e, err);
	case NEEDS_NOTHING:
		break;
	}
	return 0;
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

/* "warren system migrate - summary\n\nhelp" (a group: its command list) */
static void print_help(const struct cmd *c, const char *group)
{
	if (c->sub) {
		group_usage(c->sub, c->name, stdout);
		return;
	}
	printf("warren %s%s%s - %s\n\n%s", group ? group : "", group ? " " : "", c->name,
	       c->summary, c->help);
}

/* A group's own flags: none; its first argument is the subcommand. */
static const struct optspec group_spec = {NULL, 0, true, NULL, NULL};
static const struct optspec no_flags_spec = {NULL, 0, false, NULL, NULL};

static int run_group(const struct cmd *g, struct engine *e, char **args, struct werr *err)
{
	const struct cmd *c;

	if (args[0] == NULL) {
		werr_set(err, 0, "missing command 'warren %s COMMAND': try 'warren %s --help'",
			 g->name, g->name);
		return werr_status(err, 125);
	}
	if (strcmp(args[0], "help") == 0) {
		group_usage(g->sub, g->name, stdout);
		return 0;
	}
	c = cli_find(g->sub, args[0]);
	if (c == NULL) {
		werr_set(err, 0, "unrecognized command `warren %s %s`", g->name, args[0]);
		return werr_status(err, 125);
	}
	return cli_dispatch(c, g->name, e, (int)strv_len(args), args, err);
}

int cli_dispatch(const struct cmd *c, const char *group, struct engine *e, int argc, char **argv,
		 struct werr *err)
{
	const struct optspec *spec = c->opts ? c->opts : c->sub ? &group_spec : &no_flags_spec;
	void *opts = spec->size ? xcalloc(1, spec->size) : NULL;
	cleanup_free char **args = NULL;
	int rc;

	if (spec->init)
		spec->init(opts);
	rc = opts_parse(spec, argc, argv, opts, &args, err);
	if (rc == OPTS_HELP) {
		print_help(c, group);
		rc = 0;
	} else if (rc == 0 && c->sub) {
		rc = run_group(c, e, args, err);
	} else if (rc == 0 && cli_prepare(c, e, err) == 0) {
		log_debug("command %s%s%s: storage root '%s', run root '%s'", group ? group : "",
			  group ? " " : "", c->name, e->root, e->runroot);
		format_set_name(c->name); /* Podman names templates so */
		rc = c->fn(e, opts, args, err);
	} else {
		rc = -1;
	}
	if (spec->fini)
		spec->fini(opts);
	free(opts);
	return rc;
}

/* warren help [COMMAND [SUBCOMMAND]] */
int cmd_help(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct cmd *tab = cli_commands, *c = NULL;
	const char *group = NULL;

	for (size_t i = 0; args[i]; i++) {
		if (c != NULL && c->sub == NULL)
			break;
		if (c != NULL) {
			group = c->name;
			tab = c->sub;
		}
		c = cli_find(tab, args[i]);
		if (c == NULL) {
			werr_set(err, 0, "unknown help topic '%s': try 'warren help'", args[i]);
			return werr_status(err, 125);
		}
	}
	if (c == NULL)
		group_usage(cli_commands, NULL, stdout);
	else
		print_help(c, group);
	return 0;
}

struct global_opts {
	const char *root, *runroot, *driver, *log_level;
	char **storage_opts;
	bool version, debug;
};

static const struct opt global_tab[] = {
    OPT_STR("root", 0, struct global_opts, root),
    OPT_STR("runroot", 0, struct global_opts, runroot),
    OPT_STR("storage-driver", 0, struct global_opts, driver),
    OPT_STRV("storage-opt", 0, struct global_opts, storage_opts),
    OPT_STR("log-level", 0, struct global_opts, log_level),
    OPT_BOOL("version", 'v', struct global_opts, version),
    OPT_BOOL("debug", 'D', struct global_opts, debug),
    OPT_TABLE_END,
};

/* warren [GLOBAL FLAGS] COMMAND ...: the flags end at the command */
static const struct optspec global_spec = {global_tab, sizeof(struct global_opts), true, NULL,
					   NULL};

/* Moves the global flags into the engine after checking them. */
static int apply_globals(struct engine *e, struct global_opts *g, struct werr *err)
{
	enum log_level lvl;

	/* an empty path would be the current directory (warren.db in the cwd) */
	if ((g->root && g->root[0] == '\0') || (g->runroot && g->runroot[0] == '\0')) {
		werr_set(err, 0, "invalid --%s '': the path must not be empty",
			 g->root && g->root[0] == '\0' ? "root" : "runroot");
		return werr_status(err, 125);
	}
	if (g->log_level && log_parse_level(g->log_level, &lvl) < 0) {
		werr_set(err, 0, "invalid log level '%s': use debug, info, warn or error",
			 g->log_level);
		return werr_status(err, 125);
	}
	if (g->log_level)
		log_set_level(lvl);
	if (g->debug)
		log_set_level(LOG_DEBUG);
	e->root = g->root ? xstrdup(g->root) : NULL;
	e->runroot = g->runroot ? xstrdup(g->runroot) : NULL;
	e->storage_driver = g->driver ? xstrdup(g->driver) : NULL;
	e->storage_opts = steal_pointer(&g->storage_opts);
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
	struct global_opts g = {0};
	cleanup_free char **args = NULL;
	const struct cmd *c;
	int rc;

	if (pause_exec_main(argc, argv, &err) < 0)
		goto fail;
	rc = opts_parse(&global_spec, argc, argv, &g, &args, &err);
	if (rc == OPTS_HELP || (rc == 0 && args[0] == NULL && !g.version)) {
		/* bare `warren` shows the help and succeeds, as Podman does */
		group_usage(cli_commands, NULL, stdout);
		strv_free(g.storage_opts);
		return 0;
	}
	if (rc < 0 || apply_globals(&e, &g, &err) < 0)
		goto fail;
	if (g.version) {
		printf("warren version %s\n", WARREN_VERSION);
		engine_free(&e);
		return 0;
	}
	absolutize(&e.root);
	absolutize(&e.runroot);
	c = cli_find(cli_commands, args[0]);
	if (c == NULL) {
		werr_set(&err, 0, "unrecognized command `warren %s`: try 'warren --help'", args[0]);
		werr_status(&err, 125);
		goto fail;
	}
	if (paths_init(&e, &err) < 0)
		goto fail;
	rc = cli_dispatch(c, NULL, &e, (int)strv_len(args), args, &err);
	if (rc < 0)
		goto fail;
	fflush(stdout);
	engine_free(&e);
	return rc;
fail:
	strv_free(g.storage_opts);
	fflush(stdout);
	fprintf(stderr, "warren: %s\n", err.msg[0] ? err.msg : "internal error: no message");
	engine_free(&e);
	return err.status ? err.status : 125;
}
