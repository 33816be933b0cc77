/* warren ps, rm, inspect */
#include "cli/cli.h"
#include "cli/format.h"
#include "image/image.h"
#include "lib/cleanup.h"
#include "lib/util.h"
#include "runtime/container.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Podman's `ps --format json` shape (the fields this engine knows). */
static struct json_object *ctr_json_brief(const struct container_rec *c)
{
	struct json_object *o = json_object_new_object(), *cmd = json_object_new_array();
	struct json_object *names = json_object_new_array();
	char ts[64], status[128];

	for (size_t i = 0; c->command && c->command[i]; i++)
		json_object_array_add(cmd, json_object_new_string(c->command[i]));
	json_object_array_add(names, json_object_new_string(c->name));
	container_status_string(c, status, sizeof(status));
	json_object_object_add(o, "AutoRemove", json_object_new_boolean(c->autoremove));
	json_object_object_add(o, "Command", cmd);
	format_rfc3339(c->created, ts, sizeof(ts));
	json_object_object_add(o, "CreatedAt", json_object_new_string(ts));
	json_object_object_add(o, "Exited", json_object_new_boolean(c->state == CTR_EXITED));
	json_object_object_add(o, "ExitedAt", json_object_new_int64(c->finished / 1000000000LL));
	json_object_object_add(o, "ExitCode", json_object_new_int(c->exit_code));
	json_object_object_add(o, "Id", json_object_new_string(c->id));
	json_object_object_add(o, "ID", json_object_new_string(c->id));
	json_object_object_add(o, "Image", json_object_new_string(c->image_name));
	json_object_object_add(o, "ImageID", json_object_new_string(c->image_id));
	json_object_object_add(o, "Names", names);
	json_object_object_add(o, "Pid", json_object_new_int(c->pid));
	json_object_object_add(o, "StartedAt", json_object_new_int64(c->started / 1000000000LL));
	json_object_object_add(o, "State", json_object_new_string(ctr_state_name(c->state)));
	json_object_object_add(o, "Status", json_object_new_string(status));
	json_object_object_add(o, "Created", json_object_new_int64(c->created / 1000000000LL));
	return o;
}

struct ps_opts {
	bool all, quiet, notrunc;
	bool external; /* accepted: warren has no other tools' containers to list */
	const char *format;
};

static const struct opt ps_tab[] = {
    OPT_BOOL("all", 'a', struct ps_opts, all),
    OPT_BOOL("quiet", 'q', struct ps_opts, quiet),
    OPT_STR("format", 0, struct ps_opts, format),
    OPT_BOOL("no-trunc", 0, struct ps_opts, notrunc),
    OPT_BOOL("external", 0, struct ps_opts, external),
    OPT_TABLE_END,
};
const struct optspec cli_ps_opts = {ps_tab, sizeof(struct ps_opts), false, NULL, NULL};

static void ps_table(struct container_rec *v, size_t n, bool notrunc)
{
	struct table *t = table_new(7);
	const char *hdr[] = {"CONTAINER ID", "IMAGE", "COMMAND", "CREATED",
			     "STATUS",	     "PORTS", "NAMES"};

	table_add(t, hdr);
	for (size_t i = 0; i < n; i++) {
		char id[65], created[64], status[128];
		cleanup_free char *cmd = strv_join(v[i].command, " ");
		const char *row[7];
		snprintf(id, sizeof(id), "%.*s", notrunc ? 64 : 12, v[i].id);
		format_ago(v[i].created, created, sizeof(created));
		container_status_string(&v[i], status, sizeof(status));
		if (!notrunc && strlen(cmd) > 20)
			strcpy(cmd + 17, "...");
		row[0] = id, row[1] = v[i].image_name, row[2] = cmd, row[3] = created;
		row[4] = status, row[5] = "", row[6] = v[i].name;
		table_add(t, row);
	}
	table_print(t, stdout);
	table_free(t);
}

static int print_each_template(struct json_object *arr, const char *fmt, struct werr *err)
{
	bool table = str_has_prefix(fmt, "table ");
	const char *tmpl = table ? fmt + 6 : fmt;

	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		cleanup_free char *s =
		    template_render(tmpl, json_object_array_get_idx(arr, i), err);
		if (s == NULL)
			return werr_status(err, 125);
		printf("%s\n", s);
	}
	return 0;
}

int cmd_ps(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct ps_opts *o = opts;
	bool all = o->all, quiet = o->quiet, notrunc = o->notrunc;
	const char *fmt = o->format;
	struct container_rec *list = NULL;
	size_t n = 0;

	if (args[0] != NULL) {
		werr_set(err, 0, "ps takes no arguments");
		return werr_status(err, 125);
	}
	if (container_list(e, all, &list, &n, err) < 0)
		return -1;
	if (quiet) {
		for (size_t i = 0; i < n; i++)
			printf("%.*s\n", notrunc ? 64 : 12, list[i].id);
	} else if (fmt) {
		cleanup_json struct json_object *arr = json_object_new_array();
		for (size_t i = 0; i < n; i++)
			json_object_array_add(arr, ctr_json_brief(&list[i]));
		if (strcmp(fmt, "json") == 0)
			print_json(stdout, arr);
		else if (print_each_template(arr, fmt, err) < 0) {
			container_recs_free(list, n);
			return -1;
		}
	} else {
		ps_table(list, n, notrunc);
	}
	container_recs_free(list, n);
	return 0;
}

struct rm_opts {
	bool all, force, ignore;
	int time; /* seconds between SIGTERM and SIGKILL */
};

static const struct opt rm_tab[] = {
    OPT_BOOL("all", 'a', struct rm_opts, all),
    OPT_BOOL("force", 'f', struct rm_opts, force),
    OPT_UINT("time", 't', struct rm_opts, time),
    OPT_BOOL("ignore", 'i', struct rm_opts, ignore),
    OPT_TABLE_END,
};

static void rm_init(void *opts)
{
	((struct rm_opts *)opts)->time = 10;
}

const struct optspec cli_rm_opts = {rm_tab, sizeof(struct rm_opts), false, rm_init, NULL};

int cmd_rm(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct rm_opts *o = opts;
	bool all = o->all, force = o->force, ignore = o->ignore;
	int timeout = o->time, rc = 0;
	char **refs = args;

	if (all && refs[0] != NULL) {
		werr_set(err, 0, "no arguments are needed with --all");
		return werr_status(err, 125);
	}
	if (all) {
		struct container_rec *list = NULL;
		size_t n = 0;
		if (container_list(e, true, &list, &n, err) < 0)
			return -1;
		for (size_t i = 0; i < n; i++) {
			struct werr e2 = {0};
			if (container_remove(e, &list[i], force, (int)timeout, &e2) < 0) {
				cli_error("%s", e2.msg);
				rc = e2.status ? e2.status : 125;
			} else {
				printf("%s\n", list[i].id);
			}
		}
		container_recs_free(list, n);
		return rc;
	}
	if (strv_len(refs) == 0) {
		werr_set(err, 0, "you must provide at least one name or id");
		return werr_status(err, 125);
	}
	for (size_t i = 0; refs[i]; i++) {
		struct container_rec c = {0};
		struct werr e2 = {0};
		int r = container_lookup(e, refs[i], &c, &e2);
		if (r == 0) {
			if (ignore)
				continue;
			cli_error("no container with name or ID \"%s\" found: no such container",
				  refs[i]);
			rc = rc ? rc : 1;
			continue;
		}
		if (r < 0 || container_remove(e, &c, force, (int)timeout, &e2) < 0) {
			cli_error("%s", e2.msg);
			rc = e2.status ? e2.status : 125;
		} else {
			printf("%s\n", refs[i]);
		}
		container_rec_free(&c);
	}
	return rc;
}

/* `inspect` of a container: Podman's top-level shape, the fields we know. */
static struct json_object *ctr_json_full(struct engine *e, const struct container_rec *c)
{
	struct json_object *o = json_object_new_object(), *state = json_object_new_object();
	struct json_object *cfg = NULL, *host = NULL, *args = json_object_new_array();
	struct json_object *opts = c->config ? json_tokener_parse(c->config) : NULL;
	char ts[64];
	cleanup_free char *dir = container_bundle_dir(e, c);

	json_object_object_add(o, "Id", json_object_new_string(c->id));
	format_rfc3339(c->created, ts, sizeof(ts));
	json_object_object_add(o, "Created", json_object_new_string(ts));
	json_object_object_add(
	    o, "Path", json_object_new_string(c->command && c->command[0] ? c->command[0] : ""));
	for (size_t i = 1; c->command && c->command[0] && c->command[i]; i++)
		json_object_array_add(args, json_object_new_string(c->command[i]));
	json_object_object_add(o, "Args", args);
	json_object_object_add(state, "Status", json_object_new_string(ctr_state_name(c->state)));
	json_object_object_add(state, "Running", json_object_new_boolean(c->state == CTR_RUNNING));
	json_object_object_add(state, "Pid", json_object_new_int(c->pid));
	json_object_object_add(state, "ExitCode", json_object_new_int(c->exit_code));
	format_rfc3339(c->started, ts, sizeof(ts));
	json_object_object_add(state, "StartedAt",
			       json_object_new_string(c->started ? ts : "0001-01-01T00:00:00Z"));
	format_rfc3339(c->finished, ts, sizeof(ts));
	json_object_object_add(state, "FinishedAt",
			       json_object_new_string(c->finished ? ts : "0001-01-01T00:00:00Z"));
	json_object_object_add(o, "State", state);
	json_object_object_add(o, "Image", json_object_new_string(c->image_id));
	json_object_object_add(o, "ImageName", json_object_new_string(c->image_name));
	json_object_object_add(o, "Name", json_object_new_string(c->name));
	json_object_object_add(o, "Driver", json_object_new_string(c->driver ? c->driver : ""));
	{
		cleanup_free char *p = xasprintf("%s/config.json", dir);
		json_object_object_add(o, "OCIConfigPath", json_object_new_string(p));
	}
	json_object_object_add(o, "AutoRemove", json_object_new_boolean(c->autoremove));
	if (opts && json_object_object_get_ex(opts, "Config", &cfg))
		json_object_object_add(o, "Config", json_object_get(cfg));
	else
		json_object_object_add(o, "Config", json_object_new_object());
	if (opts && json_object_object_get_ex(opts, "HostConfig", &host))
		json_object_object_add(o, "HostConfig", json_object_get(host));
	if (opts)
		json_object_put(opts);
	return o;
}

static int inspect_refs(struct engine *e, char **refs, const char *fmt, bool images_too,
			struct werr *err)
{
	cleanup_json struct json_object *arr = json_object_new_array();
	int rc = 0;

	for (size_t i = 0; refs && refs[i]; i++) {
		struct container_rec c = {0};
		struct werr e2 = {0};
		int r = container_lookup(e, refs[i], &c, &e2);
		if (r > 0) {
			json_object_array_add(arr, ctr_json_full(e, &c));
			container_rec_free(&c);
			continue;
		}
		if (r == 0 && images_too) {
			struct image_rec img = {0};
			r = image_lookup(e, refs[i], &img, &e2);
			if (r > 0) {
				json_object_array_add(arr, cli_image_json(&img));
				image_rec_free(&img);
				continue;
			}
		}
		if (r < 0)
			cli_error("%s", e2.msg);
		else if (images_too)
			cli_error("inspecting object: no such object: \"%s\"", refs[i]);
		else
			cli_error("inspecting object: no such container %s", refs[i]);
		rc = 125;
	}
	if (fmt && strcmp(fmt, "json") != 0) {
		if (print_each_template(arr, fmt, err) < 0)
			return -1;
	} else {
		print_json(stdout, arr);
	}
	return rc;
}

static const struct opt inspect_tab[] = {
    OPT_STR("format", 'f', struct inspect_opts, format),
    OPT_STR("type", 't', struct inspect_opts, type),
    OPT_TABLE_END,
};
const struct optspec cli_inspect_opts = {inspect_tab, sizeof(struct inspect_opts), false, NULL,
					 NULL};

static int inspect_main(struct engine *e, const struct inspect_opts *o, char **refs,
			bool images_too, struct werr *err)
{
	if (o->type && strcmp(o->type, "image") == 0)
		return cmd_image_inspect(e, (void *)o, refs, err);
	if (o->type && strcmp(o->type, "container") == 0)
		images_too = false;
	else if (o->type && strcmp(o->type, "all") != 0) {
		werr_set(err, 0, "invalid --type '%s': use container, image or all", o->type);
		return werr_status(err, 125);
	}
	if (refs[0] == NULL) {
		werr_set(err, 0, "no names or ids specified");
		return werr_status(err, 125);
	}
	return inspect_refs(e, refs, o->format, images_too, err);
}

int cmd_inspect(struct engine *e, void *opts, char **args, struct werr *err)
{
	return inspect_main(e, opts, args, true, err);
}

int cmd_container_inspect(struct engine *e, void *opts, char **args, struct werr *err)
{
	return inspect_main(e, opts, args, false, err);
}
