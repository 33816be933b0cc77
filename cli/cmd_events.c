/* warren events */
#include "cli/cli.h"
#include "cli/format.h"
#include "engine/events.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/ctrlog.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

struct events_opts {
	const char *since, *until, *format;
	char **filters;
	int stream; /* -1: unset (streams unless --until) */
};

static int events_stream(void *o, const char *v, struct werr *err)
{
	if (v == NULL || strcmp(v, "true") == 0)
		((struct events_opts *)o)->stream = 1;
	else if (strcmp(v, "false") == 0)
		((struct events_opts *)o)->stream = 0;
	else
		return werr_set(err, 0,
				"invalid argument \"%s\" for \"--stream\" flag: "
				"strconv.ParseBool: parsing \"%s\": invalid syntax",
				v, v);
	return 0;
}

static const struct opt events_tab[] = {
    OPT_STR("since", 0, struct events_opts, since),
    OPT_STR("until", 0, struct events_opts, until),
    OPT_STR("format", 0, struct events_opts, format),
    OPT_STRV("filter", 'f', struct events_opts, filters),
    OPT_CALL("stream", 0, events_stream),
    OPT_TABLE_END,
};

static void events_init(void *o)
{
	((struct events_opts *)o)->stream = -1;
}

static void events_fini(void *o)
{
	strv_free(((struct events_opts *)o)->filters);
}

const struct optspec cli_events_opts = {events_tab, sizeof(struct events_opts), false, events_init,
					events_fini};

struct printer {
	const char *format;
	struct werr *err;
};

/* Podman's default line: "TIME TYPE STATUS ID (image=I, name=N)" */
static void print_default(struct json_object *ev)
{
	const char *t = jstr(ev, "Time"), *id = jstr(ev, "ID"), *img = jstr(ev, "Image");
	const char *name = jstr(ev, "Name"), *type = jstr(ev, "Type");
	struct json_object *code = NULL;
	char when[64] = "";
	int64_t ns;

	if (t && ctrlog_parse_time(t, 0, &ns) == 0)
		format_gotime(ns, when, sizeof(when));
	printf("%s %s %s %s", when, type ? type : "", jstr(ev, "Status"), id ? id : "");
	/* (a pod's line has a container's shape, its image empty, as Podman's) */
	if (type && (strcmp(type, "container") == 0 || strcmp(type, "pod") == 0)) {
		printf(" (image=%s, name=%s", img ? img : "", name ? name : "");
		if (json_object_object_get_ex(ev, "ContainerExitCode", &code))
			printf(", containerExitCode=%d", json_object_get_int(code));
		printf(")");
	} else if (name) {
		printf("%s%s", id ? " " : "", name);
	}
	printf("\n");
}

static int print_event(void *arg, struct json_object *ev)
{
	struct printer *p = arg;

	if (p->format == NULL) {
		print_default(ev);
	} else if (strcmp(p->format, "json") == 0) {
		printf("%s\n", json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN));
	} else {
		/* a template sees every field of Podman's event, empty or 0 */
		static const char *const strs[] = {"ID", "Image", "Name", "Status", "Time", "Type"};
		struct json_object *objs[1] = {ev};
		for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
			if (!json_object_object_get_ex(ev, strs[i], NULL))
				json_object_object_add(ev, strs[i], json_object_new_string(""));
		if (!json_object_object_get_ex(ev, "ContainerExitCode", NULL))
			json_object_object_add(ev, "ContainerExitCode", json_object_new_int(0));
		if (format_print(stdout, p->format, objs, 1, NULL, p->err) < 0)
			return 1;
	}
	fflush(stdout);
	return 0;
}

int cmd_events(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct events_opts *o = opts;
	struct events_query q = {.filters = o->filters};
	struct printer p = {.format = o->format, .err = err};
	int64_t now = now_ns();

	if (args[0] != NULL) {
		werr_set(err, 0, "events takes no arguments");
		return werr_status(err, 125);
	}
	if (o->since && ctrlog_parse_time(o->since, now, &q.since) < 0)
		werr_set(err, 0, "invalid value for \"since\": \"%s\" is not a time", o->since);
	else if (o->until && ctrlog_parse_time(o->until, now, &q.until) < 0)
		werr_set(err, 0, "invalid value for \"until\": \"%s\" is not a time", o->until);
	if (err->msg[0])
		return werr_status(err, 125);
	q.stream = o->stream == 1 || (o->stream == -1 && (o->until == NULL || q.until > now));
	if (events_read(e, &q, print_event, &p, err) < 0 || err->msg[0])
		return werr_status(err, 125);
	return 0;
}
