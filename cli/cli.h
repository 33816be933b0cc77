/* cli.h - the command-line front end: the only place that prints or exits. */
#ifndef WARREN_CLI_H
#define WARREN_CLI_H

#include <stdbool.h>

#include "engine/engine.h"
#include "cli/opts.h"
#include "lib/err.h"

/* What a command needs before it runs */
enum cmd_needs {
	NEEDS_STORE = 0, /* the user namespace joined (rootless) and the store open */
	NEEDS_USERNS,	 /* only the user namespace (unshare: works with a broken store) */
	NEEDS_NOTHING,	 /* neither (help, version, system migrate) */
};

struct cmd {
	const char *name;
	/* opts: the command's option struct (NULL when it has no flags); args:
	 * its positional arguments, NULL-terminated. */
	int (*fn)(struct engine *e, void *opts, char **args, struct werr *err);
	const struct optspec *opts; /* its flags; NULL: none */
	const char *summary;
	const char *help;      /* man-style text after the summary */
	enum cmd_needs needs;  /* what to prepare before fn runs */
	const struct cmd *sub; /* a group ("image", ...): its subcommands */
};

/* Prints "Error: MESSAGE" on stderr, Podman's shape (one line: control
 * characters become '?'); for the errors of one item among several. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Finds a command in a NULL-name-terminated table. */
const struct cmd *cli_find(const struct cmd *tab, const char *name);
/* Parses c's flags (one parser for every command: cli/opts.h), prints its
 * help for --help, joins the user namespace and opens the store as c->needs
 * says, and runs it (a group dispatches its subcommand). argv[0] is
 * c's name; group is "image" for `warren image ls`, NULL at the top. Returns
 * the exit status or -1 with err set. */
int cli_dispatch(const struct cmd *c, const char *group, struct engine *e, int argc, char **argv,
		 struct werr *err);
/* Joins the user namespace (rootless) and opens the store. */
int cli_ready(struct engine *e, struct werr *err);

/* Prints what (Podman's warning, ending in a newline), then "Are you sure
 * you want to continue? [y/N] ", and reads the answer: 1 for y or Y, 0 for
 * anything else, -1 (err "EOF") when stdin ends first. */
int cli_confirm(const char *what, struct werr *err);

/* --tls-verify[=BOOL] into *field (1, 0; -1 stays unset). */
int cli_tls_verify(int *field, const char *val, struct werr *err);

/* The resource limit flags of run, create and update (runtime/limits.h):
 * X(function suffix, flag name, short letter). Each cli_limit_<suffix>
 * parses its value into ((struct run_opts *)opts)->limits. */
#define CLI_LIMIT_FLAGS(X)                                                                         \
	X(memory, "memory", 'm')                                                                   \
	X(memory_reservation, "memory-reservation", 0)                                             \
	X(memory_swap, "memory-swap", 0)                                                           \
	X(memory_swappiness, "memory-swappiness", 0)                                               \
	X(cpus, "cpus", 0)                                                                         \
	X(cpu_shares, "cpu-shares", 'c')                                                           \
	X(cpu_quota, "cpu-quota", 0)                                                               \
	X(cpu_period, "cpu-period", 0)                                                             \
	X(cpuset_cpus, "cpuset-cpus", 0)                                                           \
	X(cpuset_mems, "cpuset-mems", 0)                                                           \
	X(pids_limit, "pids-limit", 0)                                                             \
	X(blkio_weight, "blkio-weight", 0)                                                         \
	X(device_read_bps, "device-read-bps", 0)                                                   \
	X(device_write_bps, "device-write-bps", 0)                                                 \
	X(device_read_iops, "device-read-iops", 0)                                                 \
	X(device_write_iops, "device-write-iops", 0)
#define CLI_LIMIT_DECL(fn, flag, s)                                                                \
	int cli_limit_##fn(void *opts, const char *val, struct werr *err);
CLI_LIMIT_FLAGS(CLI_LIMIT_DECL)
#define CLI_LIMIT_OPT(fn, flag, s) OPT_CALL(flag, s, cli_limit_##fn),

/* For option structs that start with a struct reg_opts (pull, push,
 * manifest ...): the --tls-verify OPTK_CALL, and an init leaving it unset. */
int cli_reg_tls_opt(void *opts, const char *val, struct werr *err);
void cli_reg_opts_init(void *opts);

struct run_opts;
/* The image of run/create: looked up, pulled when missing (--pull
 * missing|always|never|newer), with pull progress on stderr. *use gets
 * the name (or id) the container is made from (malloc'd): image itself,
 * or for docker-archive:PATH and the other transports what was loaded. */
int cli_image_for_run(struct engine *e, const char *image, const char *policy,
		      const struct run_opts *o, char **use, struct werr *err);

/* Options shared by several commands */
struct format_opts {
	const char *format; /* --format json|TEMPLATE */
};
struct inspect_opts {
	const char *format; /* -f, --format */
	const char *type;   /* -t, --type container|image|pod|all */
};

struct pod_rec;
/* `pod inspect`'s object of pod p (a new one), NULL with err. */
struct json_object *cli_pod_inspect_one(struct engine *e, const struct pod_rec *p,
					struct werr *err);

/* Commands (cmd_*.c). Each returns the process exit status (>= 0) or -1
 * with err set. */
int cmd_run(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_exec(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_ps(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_create(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_start(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_stop(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_restart(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_kill(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_wait(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_logs(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_attach(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_events(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_pause(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_update(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_unpause(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_container_cleanup(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_rm(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_inspect(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_container_inspect(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_images(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_rmi(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_tag(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_login(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_logout(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_search(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_push(struct engine *e, void *opts, char **args, struct werr *err);
/* --digestfile of push and manifest push: the pushed digest into path
 * (NULL: nothing). */
int cli_digestfile(const char *path, const char *digest, struct werr *err);
/* --cidfile: made (it must not exist: another container may use it)
 * before anything else, so a taken file costs no pull or create; *fd -1
 * without the flag (path NULL). Status 125 on failure. */
int cli_cidfile_open(const char *path, int *fd, struct werr *err);
/* --iidfile's dir must be there before anything is made. */
int cli_iidfile_check(const char *path, struct werr *err);
int cmd_trust_show(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_trust_set(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_pull(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_load(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_image_export(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_import(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_commit(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_build(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_save(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_image_inspect(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_image_exists(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_history(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_image_prune(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_untag(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_info(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_version(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_unshare(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_migrate(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_syscheck(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_service(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_system_df(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_system_prune(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_system_reset(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_help(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_manifest_create(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_manifest_add(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_manifest_annotate(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_manifest_inspect(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_manifest_remove(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_manifest_rm(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_manifest_exists(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_manifest_push(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_volume_create(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_volume_ls(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_volume_inspect(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_volume_rm(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_volume_prune(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_volume_exists(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_secret_create(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_secret_ls(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_secret_inspect(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_secret_rm(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_secret_exists(struct engine *e, void *opts, char **args, struct werr *err);
/* cmd_ctrinfo.c */
int cmd_container_exists(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_rename(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_container_prune(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_top(struct engine *e, void *opts, char **args, struct werr *err);
/* cmd_stats.c */
int cmd_stats(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_pod_stats(struct engine *e, void *opts, char **args, struct werr *err);
extern const struct optspec cli_stats_opts;
int cmd_port(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_diff(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_container_diff(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_image_diff(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_export(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_cp(struct engine *e, void *opts, char **args, struct werr *err);

/* Their flags (next to each command) */
extern const struct optspec cli_exec_opts;
extern const struct optspec cli_run_opts, cli_ps_opts, cli_rm_opts, cli_inspect_opts;
/* The options of commands whose one flag is -a, --all (pause, unpause,
 * port): cli_all_opts. */
struct all_opts {
	bool all;
};
extern const struct optspec cli_attach_opts, cli_events_opts, cli_all_opts, cli_update_opts;
extern const struct optspec cli_stop_opts, cli_start_opts, cli_kill_opts, cli_cleanup_opts,
    cli_logs_opts;
extern const struct optspec cli_trust_show_opts, cli_trust_set_opts;
extern const struct optspec cli_pull_opts, cli_login_opts, cli_logout_opts, cli_search_opts,
    cli_push_opts;
extern const struct optspec cli_images_opts, cli_rmi_opts, cli_load_opts, cli_import_opts;
extern const struct optspec cli_image_export_opts;
extern const struct optspec cli_save_opts, cli_commit_opts, cli_build_opts;
extern const struct optspec cli_format_opts, cli_unshare_opts, cli_help_opts;
extern const struct optspec cli_df_opts, cli_sysprune_opts, cli_reset_opts, cli_syscheck_opts;
extern const struct optspec cli_service_opts;
/* connection.c, remote.c: the remote client (cli/remote.h) */
int cmd_connection_add(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_connection_ls(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_connection_rm(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_connection_default(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_connection_rename(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_dial_stdio(struct engine *e, void *opts, char **args, struct werr *err);
extern const struct optspec cli_conn_add_opts, cli_conn_ls_opts, cli_conn_rm_opts;
extern const struct optspec cli_history_opts, cli_image_prune_opts;
extern const struct optspec cli_manifest_create_opts, cli_manifest_add_opts,
    cli_manifest_annotate_opts, cli_manifest_inspect_opts, cli_manifest_push_opts;
extern const struct optspec cli_volume_create_opts, cli_volume_ls_opts, cli_volume_inspect_opts,
    cli_volume_rm_opts, cli_volume_prune_opts;
extern const struct optspec cli_secret_create_opts, cli_secret_ls_opts, cli_secret_inspect_opts,
    cli_secret_rm_opts;
extern const struct optspec cli_ctr_prune_opts, cli_diff_opts, cli_export_opts, cli_cp_opts;

struct image_rec;
struct json_object;
/* Prints inspect results (a JSON array of the serialisers' objects) as
 * Podman does: the array (an empty one as "[]"), or fmt (a template,
 * "json") per object through format_print. */
int cli_inspect_print(struct json_object *arr, const char *fmt, struct werr *err);

/* warren's own flags (before the command) and their help */
extern const struct optspec cli_global_opts;
extern const char cli_global_help[];

extern const struct cmd cli_commands[];
extern const struct cmd cli_image_commands[];
extern const struct cmd cli_container_commands[];
extern const struct cmd cli_system_commands[];
extern const struct cmd cli_manifest_commands[];
extern const struct cmd cli_volume_commands[];
extern const struct cmd cli_pod_commands[];	    /* cmd_pod.c */
extern const struct cmd cli_healthcheck_commands[]; /* cmd_health.c */
extern const struct cmd cli_network_commands[];	    /* cmd_network.c */
/* cmd_netconnect.c */
int cmd_network_connect(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_network_disconnect(struct engine *e, void *opts, char **args, struct werr *err);
int cmd_network_reload(struct engine *e, void *opts, char **args, struct werr *err);
extern const struct optspec cli_network_connect_opts, cli_network_disconnect_opts,
    cli_network_reload_opts;
extern const char cli_network_connect_help[], cli_network_disconnect_help[],
    cli_network_reload_help[];

/* cmd_kube.c */
extern const struct cmd cli_kube_commands[];
extern const struct cmd cli_generate_commands[];

#define WARREN_VERSION "0.1.0"

#endif
