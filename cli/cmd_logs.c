/* warren logs */
#include "cli/cli.h"
#include "lib/cleanup.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/ctrlog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct logs_opts {
	bool follow, names, timestamps, latest;
	const char *since, *until, *tail;
};

static const struct opt logs_tab[] = {
    OPT_BOOL("follow", 'f', struct logs_opts, follow),
    OPT_BOOL("names", 'n', struct logs_opts, names),
    OPT_BOOL("timestamps", 't', struct logs_opts, timestamps),
    OPT_STR("since", 0, struct logs_opts, since),
    OPT_STR("until", 0, struct logs_opts, until),
    OPT_STR("tail", 0, struct logs_opts, tail),
    OPT_TABLE_END,
};

const struct optspec cli_logs_opts = {logs_tab, sizeof(struct logs_opts), false, NULL, NULL};

/* o's flags into lo; Podman's errors for bad values */
static int logs_parse(const struct logs_opts *o, struct log_opts *lo, struct werr *err)
{
	int64_t now = now_ns(), tail = -1;

	*lo = (struct log_opts){.follow = o->follow, .timestamps = o->timestamps, .tail = -1};
	if (o->since && ctrlog_parse_time(o->since, now, &lo->since) < 0)
		return werr_set(err, 0, "invalid value for \"since\": \"%s\" is not a time",
				o->since);
	if (o->until && ctrlog_parse_time(o->until, now, &lo->until) < 0)
		return werr_set(err, 0, "invalid value for \"until\": \"%s\" is not a time",
				o->until);
	if (o->tail && parse_int64(o->tail, -1, INT32_MAX, &tail) < 0)
		return werr_set(err, 0,
				"invalid argument \"%s\" for \"--tail\" flag: strconv.ParseInt: "
				"parsing \"%s\": invalid syntax",
				o->tail, o->tail);
	lo->tail = (long)tail;
	return 0;
}

int cmd_logs(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct logs_opts *o = opts;
	struct log_opts lo;

	if (args[0] == NULL) {
		werr_set(err, 0, "%s", "requires at least 1 arg(s), only received 0");
		return werr_status(err, 125);
	}
	if (logs_parse(o, &lo, err) < 0)
		return werr_status(err, 125);
	fflush(stdout);
	for (size_t i = 0; args[i]; i++) {
		struct container_rec c = {0};
		cleanup_free char *prefix = NULL;
		int r = container_lookup(e, args[i], &c, err);

		if (r <= 0) {
			if (r == 0)
				container_not_found(args[i], err);
			return werr_status(err, 125);
		}
		if (o->names) {
			prefix = xasprintf("%s ", c.name);
			lo.prefix = prefix;
		}
		r = container_logs(e, &c, &lo, STDOUT_FILENO, STDERR_FILENO, err);
		container_rec_free(&c);
		if (r < 0)
			return werr_status(err, 125);
	}
	return 0;
}
