/* cli.h - the command-line front end: the only place that prints or exits. */
#ifndef WARREN_CLI_H
#define WARREN_CLI_H

#include <stdbool.h>

#include "engine/engine.h"
#include "lib/err.h"

/* Option tables: one entry per flag, walked by one parser. */
struct opt {
	const char *lng; /* "name" for --name, NULL if none */
	char shrt;	 /* 'n' for -n, 0 if none */
	bool arg;	 /* takes a value */
	int id;		 /* returned by opt_next */
};

enum { OPT_END = 0, OPT_POS = -2, OPT_HELP = -3 };

struct optstate {
	int argc;
	char **argv;
	int i;		/* next argv index */
	const char *cl; /* rest of a cluster of short flags ("-it") */
	bool stop;	/* stop at the first positional argument */
	bool done;	/* saw "--" or stopped */
};

/* Returns the id of the next flag (*val its value), OPT_POS with *val a
 * positional argument (only when !stop), OPT_HELP for -h/--help, OPT_END
 * when done (positionals left start at st->i), or -1 on an unknown flag or
 * missing value (err set: "unknown flag: --x", status 125). */
int opt_next(struct optstate *st, const struct opt *tab, const char **val, struct werr *err);

struct cmd {
	const char *name;
	int (*fn)(struct engine *e, int argc, char **argv, struct werr *err);
	const char *summary;
	const char *help; /* man-style text after the summary */
	bool no_userns;	  /* runs before/without joining the pause process */
	bool group;	  /* has subcommands: it prints their list for --help */
};

/* Prints "warren NAME - summary\n\nhelp" to stdout. */
void cli_help(const struct cmd *c);
/* Finds a command in a NULL-name-terminated table. */
const struct cmd *cli_find(const struct cmd *tab, const char *name);
/* Dispatches a subcommand group ("image", "container", "system"). */
int cli_group(const struct cmd *tab, const char *group, struct engine *e, int argc, char **argv,
	      struct werr *err);
/* Joins the user namespace (rootless) and opens the store. */
int cli_ready(struct engine *e, struct werr *err);

/* Commands (cmd_*.c). Each returns the process exit status (>= 0) or -1
 * with err set. */
int cmd_run(struct engine *e, int argc, char **argv, struct werr *err);
int cmd_ps(struct engine *e, int argc, char **argv, struct werr *err);
int cmd_rm(struct engine *e, int argc, char **argv, struct werr *err);
int cmd_inspect(struct engine *e, int argc, char **argv, struct werr *err);
int cmd_container_inspect(struct engine *e, int argc, char **argv, struct werr *err);
int cmd_images(struct engine *e, int argc, char **argv, struct werr *err);
int cmd_rmi(struct engine *e, int argc, char **argv, struct werr *err);
int cmd_tag(struct engine *e, int argc, char **argv, struct werr *err);
int cmd_load(struct engine *e, int argc, char **argv, struct werr *err);
int cmd_import(struct engine *e, int argc, char **argv, struct werr *err);
int cmd_image_inspect(struct engine *e, int argc, char **argv, struct werr *err);
int cmd_image_exists(struct engine *e, int argc, char **argv, struct werr *err);
int cmd_info(struct engine *e, int argc, char **argv, struct werr *err);
int cmd_version(struct engine *e, int argc, char **argv, struct werr *err);
int cmd_unshare(struct engine *e, int argc, char **argv, struct werr *err);
int cmd_migrate(struct engine *e, int argc, char **argv, struct werr *err);

struct image_rec;
struct json_object;
/* An image as `image inspect` shows it (Podman's shape, the fields we
 * know); a new json object. */
struct json_object *cli_image_json(const struct image_rec *img);

extern const struct cmd cli_commands[];
extern const struct cmd cli_image_commands[];
extern const struct cmd cli_container_commands[];
extern const struct cmd cli_system_commands[];

#define WARREN_VERSION "0.1.0"

#endif
