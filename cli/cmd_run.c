/* warren run */
#include "cli/cli.h"
#include "cli/runio.h"
#include "lib/cleanup.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/runopts.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	R_RM = 1,
	R_INTERACTIVE,
	R_TTY,
	R_ENV,
	R_ENVFILE,
	R_WORKDIR,
	R_USER,
	R_NAME,
	R_HOSTNAME,
	R_ENTRYPOINT,
	R_VOLUME,
	R_TMPFS,
	R_READONLY,
	R_NETWORK,
	R_CAPADD,
	R_CAPDROP,
	R_SECOPT,
	R_PRIVILEGED,
	R_DETACH,
	R_SIGPROXY,
};

static const struct opt run_opts_tab[] = {
    {"rm", 0, false, R_RM},
    {"interactive", 'i', false, R_INTERACTIVE},
    {"tty", 't', false, R_TTY},
    {"env", 'e', true, R_ENV},
    {"env-file", 0, true, R_ENVFILE},
    {"workdir", 'w', true, R_WORKDIR},
    {"user", 'u', true, R_USER},
    {"name", 0, true, R_NAME},
    {"hostname", 'h', true, R_HOSTNAME},
    {"entrypoint", 0, true, R_ENTRYPOINT},
    {"volume", 'v', true, R_VOLUME},
    {"tmpfs", 0, true, R_TMPFS},
    {"read-only", 0, false, R_READONLY},
    {"network", 0, true, R_NETWORK},
    {"net", 0, true, R_NETWORK},
    {"cap-add", 0, true, R_CAPADD},
    {"cap-drop", 0, true, R_CAPDROP},
    {"security-opt", 0, true, R_SECOPT},
    {"privileged", 0, false, R_PRIVILEGED},
    {"detach", 'd', false, R_DETACH},
    {"sig-proxy", 0, false, R_SIGPROXY},
    {0},
};

static bool flag_value(const char *v)
{
	return v == NULL || strcmp(v, "false") != 0;
}

static int parse_one(struct run_opts *o, int id, const char *v, struct werr *err)
{
	switch (id) {
	case R_RM:
		o->rm = flag_value(v);
		return 0;
	case R_INTERACTIVE:
		o->interactive = flag_value(v);
		return 0;
	case R_TTY:
		o->tty = flag_value(v);
		return 0;
	case R_READONLY:
		o->read_only = flag_value(v);
		return 0;
	case R_PRIVILEGED:
		o->privileged = flag_value(v);
		return 0;
	case R_SIGPROXY:
		o->sig_proxy = flag_value(v);
		return 0;
	case R_DETACH:
		if (!flag_value(v))
			return 0;
		werr_set(err, 0,
			 "detached containers (-d) are not supported yet: run in the foreground");
		return werr_status(err, 125);
	case R_ENV:
		return runopts_add_env(o, v, err);
	case R_ENVFILE:
		return runopts_add_env_file(o, v, err);
	case R_WORKDIR:
		free(o->workdir);
		o->workdir = xstrdup(v);
		return 0;
	case R_USER:
		free(o->user);
		o->user = xstrdup(v);
		return 0;
	case R_NAME:
		free(o->name);
		o->name = xstrdup(v);
		return 0;
	case R_HOSTNAME:
		free(o->hostname);
		o->hostname = xstrdup(v);
		return 0;
	case R_ENTRYPOINT:
		return runopts_set_entrypoint(o, v, err);
	case R_VOLUME:
		return runopts_add_volume(o, v, err);
	case R_TMPFS:
		return runopts_add_tmpfs(o, v, err);
	case R_NETWORK:
		return runopts_set_network(o, v, err);
	case R_CAPADD:
		o->cap_add = strv_append(o->cap_add, v);
		return 0;
	case R_CAPDROP:
		o->cap_drop = strv_append(o->cap_drop, v);
		return 0;
	case R_SECOPT:
		return runopts_security_opt(o, v, err);
	}
	return werr_set(err, 0, "internal: unhandled run flag %d", id);
}

/* Creates, starts and waits: the CLI owns the container's lifetime. */
static int run_foreground(struct engine *e, const char *image, const struct run_opts *o,
			  struct werr *err)
{
	struct ctr_owned c = {.lock = -1, .proc = {.pty_master = -1}};
	struct run_io rio;
	int code = 0, rc = -1;

	run_io_check(o);
	if (container_create(e, image, o, &c, err) < 0)
		return -1;
	/* only now: a ^C while the rootfs is made stops warren itself */
	run_io_begin(&rio, o);
	if (container_start(e, &c, &rio.io, err) == 0 &&
	    container_wait(e, &c, &rio.io, &code, err) == 0)
		rc = code;
	run_io_end(&rio);
	container_owned_free(e, &c);
	return rc;
}

int cmd_run(struct engine *e, int argc, char **argv, struct werr *err)
{
	struct optstate st = {.argc = argc, .argv = argv, .i = 1, .stop = true};
	struct run_opts o = {.sig_proxy = true};
	const char *v;
	int id, rc = -1;

	while ((id = opt_next(&st, run_opts_tab, &v, err)) != OPT_END) {
		if (id < 0 || parse_one(&o, id, v, err) < 0)
			goto out;
	}
	if (st.i >= argc) {
		werr_set(err, 0,
			 "requires at least 1 arg(s), only received 0: see 'warren run --help'");
		werr_status(err, 125);
		goto out;
	}
	for (int i = st.i + 1; i < argc; i++)
		o.cmd = strv_append(o.cmd, argv[i]);
	rc = run_foreground(e, argv[st.i], &o, err);
out:
	runopts_free(&o);
	return rc;
}
