/* warren - a daemonless, rootless-first container engine. */
#include "cli/cli.h"
#include "cli/format.h"
#include "cli/remote.h"
#include "engine/config.h"
#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/util.h"
#include "net/netconf.h"
#include "rootless/rootless.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* A second line after "Error: ..." (Podman's "See 'podman run --help'"),
 * set where the error is found; empty when there is none. */
static char usage_hint[256];

void cli_error(const char *fmt, ...)
{
	char buf[WERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	text_scrub(buf);
	fprintf(stderr, "Error: %s\n", buf);
}

/* "warren image list" into buf: an alias (image ls) under the name of the
 * first command of its table that runs the same function, as Podman names
 * it in its messages */
static const char *cmd_path(const char *group, const struct cmd *c, char *buf, size_t n)
{
	const struct cmd *g = group ? cli_find(cli_commands, group) : NULL;
	const char *name = c->name;

	for (const struct cmd *t = g ? g->sub : cli_commands; c->fn && t && t->name; t++) {
		if (t->fn == c->fn) {
			name = t->name;
			break;
		}
	}
	snprintf(buf, n, "warren%s%s %s", group ? " " : "", group ? group : "", name);
	return buf;
}

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
		return paths_create(e, err) < 0 ? -1 : cli_ready(e, err);
	case NEEDS_USERNS:
		return paths_create(e, err) < 0 ? -1 : cli_join(e, err);
	case NEEDS_NOTHING:
		break;
	}
	return 0;
}

/* Levenshtein distance, case-insensitive (names are short: longer ones are
 * compared on their first 63 bytes) */
static size_t edit_distance(const char *a, const char *b)
{
	size_t na = strnlen(a, 63), nb = strnlen(b, 63), row[64];

	for (size_t j = 0; j <= nb; j++)
		row[j] = j;
	for (size_t i = 1; i <= na; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			size_t up = row[j], cost = tolower((unsigned char)a[i - 1]) !=
						   tolower((unsigned char)b[j - 1]);
			size_t best = diag + cost;
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[nb];
}

/* Podman's (cobra's) error for an unknown command: at the top level the
 * commands within two edits of name, or that start with it, as "Did you mean
 * this?" (in table order: Podman's order is its registration order), then
 * where to look. Returns -1 (status 125). */
static int unknown_command(const struct cmd *tab, const char *group, const char *name,
			   struct werr *err)
{
	size_t n = 0;
	int len;

	werr_set(err, 0, "unrecognized command `warren %s%s%s`", group ? group : "",
		 group ? " " : "", name);
	for (const struct cmd *c = tab; group == NULL && c->name; c++) {
		if (edit_distance(name, c->name) > 2 &&
		    strncasecmp(c->name, name, strlen(name)) != 0)
			continue;
		len = snprintf(usage_hint + n, sizeof(usage_hint) - n, "%s\t%s\n",
			       n ? "" : "\nDid you mean this?\n", c->name);
		if (len < 0 || (size_t)len >= sizeof(usage_hint) - n)
			break;
		n += (size_t)len;
	}
	snprintf(usage_hint + n, sizeof(usage_hint) - n,
		 "%sTry 'warren %s%s--help' for more information", n ? "\n" : "",
		 group ? group : "", group ? " " : "");
	return werr_status(err, 125);
}

static void group_usage(const struct cmd *tab, const char *group, FILE *out)
{
	fprintf(out, "Usage: warren %s%sCOMMAND [OPTIONS]\n\nCommands:\n", group ? group : "",
		group ? " " : "");
	for (const struct cmd *c = tab; c->name; c++)
		fprintf(out, "  %-12s %s\n", c->name, c->summary);
	if (group == NULL)
		fprintf(out, "\n%s", cli_global_help);
	fprintf(out, "\nRun 'warren %s%sCOMMAND --help' for more information on a command.\n",
		group ? group : "", group ? " " : "");
}

/* A group's name as typed: "image", or "image trust" inside "image". */
static const char *group_path(const char *parent, const struct cmd *g, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", parent ? parent : "", parent ? " " : "", g->name);
	return buf;
}

/* "warren system migrate - summary\n\nhelp" (a group: its command list) */
static void print_help(const struct cmd *c, const char *group)
{
	char path[128];

	if (c->sub) {
		group_usage(c->sub, group_path(group, c, path, sizeof(path)), stdout);
		return;
	}
	printf("warren %s%s%s - %s\n\n%s", group ? group : "", group ? " " : "", c->name,
	       c->summary, c->help);
}

/* A group's own flags: none; its first argument is the subcommand. */
static const struct optspec group_spec = {NULL, 0, true, NULL, NULL};
static const struct optspec no_flags_spec = {NULL, 0, false, NULL, NULL};

static int run_group(const struct cmd *g, const char *parent, struct engine *e, char **args,
		     struct werr *err)
{
	char path[128];
	const char *name = group_path(parent, g, path, sizeof(path));
	const struct cmd *c;

	if (args[0] == NULL) { /* as Podman: the error, and the usage on stdout */
		werr_set(err, 0, "missing command 'warren %s COMMAND'", name);
		group_usage(g->sub, name, stdout);
		return werr_status(err, 125);
	}
	if (strcmp(args[0], "help") == 0) {
		group_usage(g->sub, name, stdout);
		return 0;
	}
	c = cli_find(g->sub, args[0]);
	if (c == NULL)
		return unknown_command(g->sub, name, args[0], err);
	return cli_dispatch(c, name, e, (int)strv_len(args), args, err);
}

/* How many positional arguments a command takes, in cobra's words (commands
 * not listed check their own: rm, rmi and inspect have Podman's wording). */
enum args_rule { ARGS_NONE, ARGS_MIN, ARGS_MAX, ARGS_EXACT, ARGS_RANGE };
static const struct {
	int (*fn)(struct engine *e, void *opts, char **args, struct werr *err);
	enum args_rule rule;
	size_t a, b;
} args_rules[] = {
    {cmd_run, ARGS_MIN, 1, 0},
    {cmd_tag, ARGS_MIN, 2, 0},
    {cmd_images, ARGS_MAX, 1, 0},
    {cmd_import, ARGS_RANGE, 1, 2},
    {cmd_image_exists, ARGS_EXACT, 1, 0},
    {cmd_ps, ARGS_NONE, 0, 0},
    {cmd_load, ARGS_NONE, 0, 0},
    {cmd_info, ARGS_NONE, 0, 0},
    {cmd_version, ARGS_NONE, 0, 0},
    {cmd_migrate, ARGS_NONE, 0, 0},
};

static int check_args(const struct cmd *c, const char *group, char **args, struct werr *err)
{
	size_t n = strv_len(args);
	char path[128];

	for (size_t i = 0; i < ARRAY_SIZE(args_rules); i++) {
		size_t a = args_rules[i].a, b = args_rules[i].b;
		if (args_rules[i].fn != c->fn)
			continue;
		switch (args_rules[i].rule) {
		case ARGS_NONE:
			if (n > 0)
				werr_set(err, 0, "`%s` takes no arguments",
					 cmd_path(group, c, path, sizeof(path)));
			break;
		case ARGS_MIN:
			if (n < a)
				werr_set(err, 0, "requires at least %zu arg(s), only received %zu",
					 a, n);
			break;
		case ARGS_MAX:
			if (n > a)
				werr_set(err, 0, "accepts at most %zu arg(s), received %zu", a, n);
			break;
		case ARGS_EXACT:
			if (n != a)
				werr_set(err, 0, "accepts %zu arg(s), received %zu", a, n);
			break;
		case ARGS_RANGE:
			if (n < a || n > b)
				werr_set(err, 0, "accepts between %zu and %zu arg(s), received %zu",
					 a, b, n);
			break;
		}
		return err->msg[0] ? werr_status(err, 125) : 0;
	}
	return 0;
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
	if (rc == OPTS_USAGE) {
		char path[128];
		snprintf(usage_hint, sizeof(usage_hint), "See '%s --help'",
			 cmd_path(group, c, path, sizeof(path)));
	}
	if (rc == OPTS_HELP) {
		print_help(c, group);
		rc = 0;
	} else if (rc == 0 && c->sub) {
		rc = run_group(c, group, e, args, err);
	} else if (rc == 0 && check_args(c, group, args, err) == 0 && cli_prepare(c, e, err) == 0) {
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

/* ---- the reference: every command's help as one markdown page ---- */

/* The commands of tab (under group path), depth first, in table order;
 * aliases (a command whose help text the previous one had) are named in
 * the previous one's heading instead of repeated. */
static void reference_tab(const struct cmd *tab, const char *group)
{
	for (const struct cmd *c = tab; c->name; c++) {
		char path[128];
		if (c->sub != NULL) {
			reference_tab(c->sub, group_path(group, c, path, sizeof(path)));
			continue;
		}
		if (c != tab && c[-1].help == c->help && c[-1].sub == NULL)
			continue;
		printf("## warren %s%s%s", group ? group : "", group ? " " : "", c->name);
		for (const struct cmd *a = c + 1; a->name && a->help == c->help && !a->sub; a++)
			printf(", %s", a->name);
		printf("\n\n%s.\n\n```\n%s```\n\n", c->summary, c->help ? c->help : "");
	}
}

static void print_reference(void)
{
	printf("# warren command reference\n\n"
	       "Generated by `warren help --reference` from the table `--help` prints from\n"
	       "(`make reference` writes this file; `make check` fails when it is out of\n"
	       "date), so the two never disagree.\n\n## Global options\n\n```\n%s```\n\n",
	       cli_global_help);
	reference_tab(cli_commands, NULL);
}

struct help_opts {
	bool reference;
};

static const struct opt help_tab[] = {
    OPT_BOOL("reference", 0, struct help_opts, reference),
    OPT_TABLE_END,
};
const struct optspec cli_help_opts = {help_tab, sizeof(struct help_opts), false, NULL, NULL};

/* warren help [--reference] [COMMAND [SUBCOMMAND]] */
int cmd_help(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct cmd *tab = cli_commands, *c = NULL;
	const char *group = NULL;
	char path[2][128]; /* "system connection": the group path as typed */

	if (opts != NULL && ((const struct help_opts *)opts)->reference) {
		print_reference();
		return 0;
	}

	for (size_t i = 0; args[i]; i++) {
		if (c != NULL && c->sub == NULL)
			break;
		if (c != NULL) {
			group = group_path(group, c, path[i % 2], sizeof(path[i % 2]));
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
	char **hooks_dirs;
	bool version, debug;
	bool remote;				 /* -r, --remote */
	const char *url, *connection, *identity; /* --url, -c/--connection, --identity */
};

static const struct opt global_tab[] = {
    OPT_STR("root", 0, struct global_opts, root),
    OPT_STR("runroot", 0, struct global_opts, runroot),
    OPT_STR("storage-driver", 0, struct global_opts, driver),
    OPT_STRV("storage-opt", 0, struct global_opts, storage_opts),
    OPT_STRV("hooks-dir", 0, struct global_opts, hooks_dirs),
    OPT_STR("log-level", 0, struct global_opts, log_level),
    OPT_BOOL("version", 'v', struct global_opts, version),
    OPT_BOOL("debug", 'D', struct global_opts, debug),
    OPT_BOOL("remote", 'r', struct global_opts, remote),
    OPT_STR("url", 0, struct global_opts, url),
    OPT_STR("connection", 'c', struct global_opts, connection),
    OPT_STR("identity", 0, struct global_opts, identity),
    OPT_TABLE_END,
};

/* warren [GLOBAL FLAGS] COMMAND ...: the flags end at the command */
const struct optspec cli_global_opts = {global_tab, sizeof(struct global_opts), true, NULL, NULL};

const char cli_global_help[] =
    "Options:\n"
    "      --root DIR             storage root (images, containers, warren.db)\n"
    "      --runroot DIR          run-time state (locks, bundles)\n"
    "      --storage-driver NAME  overlay, fuse-overlayfs or vfs (default: the best that\n"
    "                             works here)\n"
    "      --storage-opt OPT      a storage option (overlay.mount_program=PATH,\n"
    "                             additionalimagestore=DIR: a read-only store)\n"
    "      --hooks-dir DIR        OCI hooks (*.json) for new containers; repeatable, later\n"
    "                             dirs win (default: /usr/share/containers/oci/hooks.d,\n"
    "                             then /etc/containers/oci/hooks.d)\n"
    "      --log-level LEVEL      trace, debug, info, warn (default), warning, error, fatal,\n"
    "                             panic\n"
    "  -D, --debug                the same as --log-level debug\n"
    "  -r, --remote               run the command on a service (docs/remote.md): the\n"
    "                             default connection, else the default socket\n"
    "      --url URI              that service: unix:///PATH, tcp://HOST:PORT,\n"
    "                             ssh://[USER@]HOST[:PORT]/SOCKET (implies --remote;\n"
    "                             CONTAINER_HOST is the same)\n"
    "  -c, --connection NAME      a connection of 'warren system connection' (implies\n"
    "                             --remote; CONTAINER_CONNECTION is the same)\n"
    "      --identity FILE        the ssh key for an ssh:// service\n"
    "  -v, --version              print the version\n"
    "  -h, --help                 this help\n";

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
		/* Podman's line and status, without "Error: " (main knows: status 1) */
		werr_set(
		    err, 0,
		    "Log Level \"%s\" is not supported, choose from: trace, debug, info, warn, "
		    "warning, error, fatal, panic",
		    g->log_level);
		return werr_status(err, 1);
	}
	if (g->log_level)
		log_set_level(lvl);
	if (g->debug)
		log_set_level(LOG_DEBUG);
	e->root = g->root ? xstrdup(g->root) : NULL;
	e->runroot = g->runroot ? xstrdup(g->runroot) : NULL;
	e->storage_driver = g->driver ? xstrdup(g->driver) : NULL;
	e->storage_opts = steal_pointer(&g->storage_opts);
	e->hooks_dirs = steal_pointer(&g->hooks_dirs);
	return 0;
}

/* The global flags a remote command passes on to the service (the
 * remote ones stay here). A new vector. */
static char **remote_globals(const struct global_opts *g, const struct engine *e)
{
	const char *const flags[][2] = {{"--root", e->root},
					{"--runroot", e->runroot},
					{"--storage-driver", e->storage_driver},
					{"--log-level", g->log_level}};
	char **v = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		if (flags[i][1]) {
			v = strv_append(v, flags[i][0]);
			v = strv_append(v, flags[i][1]);
		}
	}
	for (size_t i = 0; e->storage_opts && e->storage_opts[i]; i++) {
		v = strv_append(v, "--storage-opt");
		v = strv_append(v, e->storage_opts[i]);
	}
	for (size_t i = 0; e->hooks_dirs && e->hooks_dirs[i]; i++) {
		v = strv_append(v, "--hooks-dir");
		v = strv_append(v, e->hooks_dirs[i]);
	}
	if (g->debug)
		v = strv_append(v, "--debug");
	return v;
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
	struct remote_opts ro;
	const struct cmd *c;
	int rc;

	if (pause_exec_main(argc, argv, &err) < 0)
		goto fail;
	rc = opts_parse(&cli_global_opts, argc, argv, &g, &args, &err);
	if (rc == OPTS_USAGE)
		snprintf(usage_hint, sizeof(usage_hint), "See 'warren --help'");
	if (rc == OPTS_HELP || (rc == 0 && args[0] == NULL && !g.version)) {
		/* bare `warren` shows the help and succeeds, as Podman does */
		group_usage(cli_commands, NULL, stdout);
		strv_free(g.storage_opts);
		strv_free(g.hooks_dirs);
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
	for (size_t i = 0; e.hooks_dirs && e.hooks_dirs[i]; i++)
		absolutize(&e.hooks_dirs[i]);
	ro = (struct remote_opts){
	    .remote = g.remote, .url = g.url, .connection = g.connection, .identity = g.identity};
	if (remote_wanted(&ro) && !remote_local_command(args)) {
		/* before paths_init: these flags go to the service */
		ro.globals = remote_globals(&g, &e);
		if (paths_init(&e, &err) < 0)
			goto fail;
		rc = remote_run(&e, &ro, args, &err);
		strv_free(ro.globals);
		if (rc < 0)
			goto fail;
		fflush(stdout);
		engine_free(&e);
		return rc;
	}
	c = cli_find(cli_commands, args[0]);
	if (c == NULL) {
		unknown_command(cli_commands, NULL, args[0], &err);
		goto fail;
	}
	if (paths_init(&e, &err) < 0)
		goto fail;
	if (e.conf != NULL &&
	    netconf_set_default(config_str(e.conf->containers, "network", "default_network"),
				config_str(e.conf->containers, "network", "default_subnet"),
				&err) < 0)
		goto fail;
	rc = cli_dispatch(c, NULL, &e, (int)strv_len(args), args, &err);
	if (rc < 0)
		goto fail;
	fflush(stdout);
	engine_free(&e);
	return rc;
fail:
	strv_free(g.storage_opts);
	strv_free(g.hooks_dirs);
	fflush(stdout);
	if (g.log_level && err.status == 1 && str_has_prefix(err.msg, "Log Level "))
		fprintf(stderr, "%s\n", err.msg); /* logrus' own line, as Podman prints it */
	else
		cli_error("%s", err.msg[0] ? err.msg : "internal error: no message");
	if (usage_hint[0])
		fprintf(stderr, "%s\n", usage_hint);
	engine_free(&e);
	return err.status ? err.status : 125;
}
