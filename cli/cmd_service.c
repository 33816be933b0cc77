/* warren system service: the REST API (api/) */
#include "api/api.h"
#include "cli/cli.h"
#include "lib/util.h"
#include "rootless/rootless.h"

#include <stdio.h>

struct service_opts {
	int time; /* -t, --time: idle seconds before it exits (0: never) */
};

static int service_time(void *o, const char *v, struct werr *err)
{
	int64_t n;

	if (parse_int64(v, 0, INT32_MAX, &n) < 0) {
		werr_set(err, 0,
			 "invalid argument \"%s\" for \"-t, --time\" flag: strconv.ParseInt: "
			 "parsing \"%s\": invalid syntax",
			 v, v);
		return werr_status(err, 125);
	}
	((struct service_opts *)o)->time = (int)n;
	return 0;
}

static const struct opt service_tab[] = {
    OPT_CALL("time", 't', service_time),
    OPT_CALL("timeout", 0, service_time),
    OPT_TABLE_END,
};

static void service_init(void *o)
{
	((struct service_opts *)o)->time = 5; /* Podman's default */
}

const struct optspec cli_service_opts = {service_tab, sizeof(struct service_opts), false,
					 service_init, NULL};

int cmd_service(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct service_opts *so = opts;
	struct api_opts o = {.uri = args[0], .idle = so->time, .version = WARREN_VERSION};

	if (args[0] && args[1]) {
		werr_set(err, 0, "accepts at most 1 arg(s), received %zu", strv_len(args));
		return werr_status(err, 125);
	}
	/* the store's dirs exist before the first connection joins the namespace */
	if (paths_create(e, err) < 0 || api_serve(e, &o, err) < 0)
		return werr_status(err, 125);
	return 0;
}
