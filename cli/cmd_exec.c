/* warren exec */
#include "cli/attach.h"
#include "cli/cli.h"
#include "cli/runio.h"
#include "lib/util.h"
#include "runtime/container_exec.h"
#include "runtime/runopts.h"

#include <stdio.h>
#include <string.h>

struct exec_opts_cli {
	char **env; /* -e and --env-file, in their order */
	char *user, *workdir;
	const char *detach_keys;
	bool interactive, tty, detach, privileged, latest;
};

static int exec_env(void *o, const char *v, struct werr *err)
{
	return runopts_env_add(&((struct exec_opts_cli *)o)->env, v, err);
}

static int exec_env_file(void *o, const char *v, struct werr *err)
{
	return runopts_env_file(&((struct exec_opts_cli *)o)->env, v, err);
}

static const struct opt exec_tab[] = {
    OPT_BOOL("interactive", 'i', struct exec_opts_cli, interactive),
    OPT_BOOL("tty", 't', struct exec_opts_cli, tty),
    OPT_BOOL("detach", 'd', struct exec_opts_cli, detach),
    OPT_CALL("env", 'e', exec_env),
    OPT_CALL("env-file", 0, exec_env_file),
    OPT_DUP("user", 'u', struct exec_opts_cli, user),
    OPT_DUP("workdir", 'w', struct exec_opts_cli, workdir),
    OPT_BOOL("privileged", 0, struct exec_opts_cli, privileged),
    OPT_STR("detach-keys", 0, struct exec_opts_cli, detach_keys),
    OPT_BOOL("latest", 'l', struct exec_opts_cli, latest),
    OPT_TABLE_END,
};

static void exec_fini(void *opts)
{
	struct exec_opts_cli *o = opts;

	strv_free(o->env);
	free(o->user);
	free(o->workdir);
}

/* exec CONTAINER COMMAND...: the flags end at the container */
const struct optspec cli_exec_opts = {exec_tab, sizeof(struct exec_opts_cli), true, NULL,
				      exec_fini};

/* -d: started and left; its exec session's id, as Podman prints it */
static int exec_detached(struct engine *e, const char *ref, const struct ctr_exec_opts *xo,
			 struct werr *err)
{
	struct exec_io io = {.in_fd = -1, .out_fd = -1, .err_fd = -1, .event_fd = -1};
	struct ctr_proc p = {.pty_master = -1};

	if (container_exec(e, ref, xo, &io, &p, err) < 0)
		return -1;
	printf("%s\n", xo->session_id);
	return 0;
}

int cmd_exec(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct exec_opts_cli *o = opts;
	const char *ref = o->latest ? NULL : args[0];
	char session[65];
	struct ctr_exec_opts xo = {.cmd = o->latest ? args : args + (args[0] != NULL),
				   .env = o->env,
				   .user = o->user,
				   .workdir = o->workdir,
				   .tty = o->tty,
				   .privileged = o->privileged,
				   .detach = o->detach,
				   .session_id = session};
	struct ctr_proc p = {.pty_master = -1};
	struct attach_req keys;
	struct run_io rio;
	int code = 0, rc = -1;

	if (!o->latest && args[0] == NULL) {
		werr_set(err, 0,
			 "exec requires the name or ID of a container or the --latest flag");
		return werr_status(err, 125);
	}
	/* checked as Podman does, then unused: exec cannot detach (its process
	 * is our child, no monitor would hold it) */
	if (cli_detach_keys(o->detach_keys, &keys, err) < 0)
		return -1;
	if (o->detach)
		return exec_detached(e, ref, &xo, err);
	run_io_begin_flags(&rio, o->tty, o->interactive, true);
	if (container_exec(e, ref, &xo, &rio.io, &p, err) == 0 &&
	    executor_wait(&p, &rio.io, &code, err) == 0)
		rc = code;
	run_io_end(&rio);
	return rc;
}
