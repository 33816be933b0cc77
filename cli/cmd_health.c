/* warren healthcheck run */
#include "cli/cli.h"
#include "runtime/health.h"

#include <stdio.h>

#define HEALTHCHECK_RUN_HELP                                                                       \
	"SYNOPSIS\n  warren healthcheck run CONTAINER\n\n"                                         \
	"DESCRIPTION\n"                                                                            \
	"  Runs the healthcheck of a running container once, as an exec in it, and\n"              \
	"  records the result in its health log (inspect's State.Health). Exits 0 and\n"           \
	"  prints nothing when the check passes; exits 1 and prints \"unhealthy\" when it\n"       \
	"  fails. When the container becomes unhealthy, its --health-on-failure action\n"          \
	"  runs. The monitor of a detached container runs this every --health-interval:\n"         \
	"  no systemd timer is needed.\n"

static int cmd_healthcheck_run(struct engine *e, void *opts, char **args, struct werr *err)
{
	bool healthy = false;

	(void)opts;
	if (args[0] == NULL || args[1] != NULL) {
		werr_set(err, 0, "accepts 1 arg(s), received %d", args[0] == NULL ? 0 : 2);
		return werr_status(err, 125);
	}
	if (container_healthcheck_run(e, args[0], &healthy, err) < 0)
		return -1;
	if (healthy)
		return 0;
	printf("unhealthy\n");
	return 1;
}

/* name, function, flags, summary, help, needs, subcommands */
const struct cmd cli_healthcheck_commands[] = {
    {"run", cmd_healthcheck_run, NULL, "run the healthcheck of a container once",
     HEALTHCHECK_RUN_HELP, NEEDS_STORE, NULL},
    {NULL, NULL, NULL, NULL, NULL, NEEDS_STORE, NULL},
};
