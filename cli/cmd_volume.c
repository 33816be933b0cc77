/* warren volume create, ls, inspect, rm, prune, exists (issue 8) */
#include "cli/cli.h"
#include "cli/format.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/volumes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- create ---- */

static const struct opt create_tab[] = {
    OPT_STR("driver", 'd', struct volume_create_opts, driver),
    OPT_STRV("label", 'l', struct volume_create_opts, labels),
    OPT_STRV("opt", 'o', struct volume_create_opts, opts),
    OPT_BOOL("ignore", 0, struct volume_create_opts, ignore),
    OPT_TABLE_END,
};

static void create_fini(void *opts)
{
	struct volume_create_opts *o = opts;

	strv_free(o->labels);
	strv_free(o->opts);
}

const struct optspec cli_volume_create_opts = {create_tab, sizeof(struct volume_create_opts), false,
					       NULL, create_fini};

int cmd_volume_create(struct engine *e, void *opts, char **args, struct werr *err)
{
	struct volume_create_opts *o = opts;
	cleanup_free char *name = NULL;

	if (strv_len(args) > 1) {
		werr_set(err, 0, "too many arguments, create takes at most 1 argument");
		return werr_status(err, 125);
	}
	o->name = args[0];
	if (volume_create(e, o, &name, err) < 0)
		return werr_status(err, err->status ? err->status : 125);
	printf("%s\n", name);
	return 0;
}

/* ---- ls ---- */

struct volume_ls_opts {
	bool quiet, noheading;
	const char *format;
	char **filter;
};

static const struct opt ls_tab[] = {
    OPT_BOOL("quiet", 'q', struct volume_ls_opts, quiet),
    OPT_BOOL("noheading", 'n', struct volume_ls_opts, noheading),
    OPT_STR("format", 0, struct volume_ls_opts, format),
    OPT_STRV("filter", 'f', struct volume_ls_opts, filter),
    OPT_TABLE_END,
};

static void ls_fini(void *opts)
{
	strv_free(((struct volume_ls_opts *)opts)->filter);
}

const struct optspec cli_volume_ls_opts = {ls_tab, sizeof(struct volume_ls_opts), false, NULL,
					   ls_fini};

#define VOLUME_LS_TABLE "table {{.Driver}}\t{{.Name}}"

static struct json_object *ls_headers(void)
{
	struct json_object *h = json_object_new_object();

	jset_str(h, "Name", "VOLUME NAME");
	jset_str(h, "Driver", "DRIVER");
	return h;
}

int cmd_volume_ls(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct volume_ls_opts *o = opts;
	const char *fmt = o->format ? o->format : VOLUME_LS_TABLE;
	cleanup_json struct json_object *hdr = ls_headers();
	struct volume_rec *v = NULL;
	struct json_object **objs;
	size_t n = 0;
	int rc = 0;

	if (args[0] != NULL) {
		werr_set(err, 0, "`warren volume ls` takes no arguments");
		return werr_status(err, 125);
	}
	if (volume_list(e, o->filter, &v, &n, err) < 0)
		return werr_status(err, err->status ? err->status : 125);
	if (o->quiet) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", v[i].name);
		volume_recs_free(v, n);
		return 0;
	}
	if (o->noheading && str_has_prefix(fmt, "table "))
		fmt += 6;
	if (format_is_json(fmt)) { /* Podman's volume ls: 2-space indent */
		cleanup_json struct json_object *arr = json_object_new_array();
		for (size_t i = 0; i < n; i++)
			json_object_array_add(arr, volume_json(e, &v[i], false));
		print_json_go(stdout, arr, "  ", true);
		volume_recs_free(v, n);
		return 0;
	}
	objs = xcalloc(n + 1, sizeof(*objs));
	for (size_t i = 0; i < n; i++)
		objs[i] = volume_json(e, &v[i], !format_is_json(fmt));
	if (format_print_owned(stdout, fmt, objs, n, hdr, err) < 0)
		rc = werr_status(err, 125);
	volume_recs_free(v, n);
	return rc;
}

/* ---- inspect ---- */

struct volume_inspect_opts {
	const char *format;
	bool all;
};

static const struct opt inspect_tab[] = {
    OPT_STR("format", 'f', struct volume_inspect_opts, format),
    OPT_BOOL("all", 'a', struct volume_inspect_opts, all),
    OPT_TABLE_END,
};

const struct optspec cli_volume_inspect_opts = {inspect_tab, sizeof(struct volume_inspect_opts),
						false, NULL, NULL};

/* Podman prints what it found, then the first name it did not find. */
int cmd_volume_inspect(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct volume_inspect_opts *o = opts;
	cleanup_json struct json_object *arr = json_object_new_array();
	bool go_time = o->format && !format_is_json(o->format);
	struct werr first = {0};
	struct volume_rec *all = NULL;
	size_t n = 0;

	if ((args[0] == NULL) == !o->all) {
		werr_set(
		    err, 0,
		    o->all ? "when using the --all switch, you may not pass any volume names or IDs"
			   : "provide one or more volume names or use --all");
		return werr_status(err, 125);
	}
	if (o->all) {
		if (volume_list(e, NULL, &all, &n, err) < 0)
			return werr_status(err, 125);
		for (size_t i = 0; i < n; i++)
			json_object_array_add(arr, volume_json(e, &all[i], go_time));
		volume_recs_free(all, n);
	}
	for (size_t i = 0; args[i]; i++) {
		struct volume_rec v = {0};
		struct werr e2 = {0};
		int r = volume_lookup(e, args[i], &v, &e2);
		if (r > 0)
			json_object_array_add(arr, volume_json(e, &v, go_time));
		else if (first.msg[0] == '\0' && r == 0)
			werr_set(&first, 0, "inspecting object: no such volume %s", args[i]);
		else if (first.msg[0] == '\0')
			werr_set(&first, e2.errnum, "inspecting object: %s", e2.msg);
		volume_rec_free(&v);
	}
	if (cli_inspect_print(arr, o->format, err) < 0)
		return -1;
	if (first.msg[0] == '\0')
		return 0;
	*err = first;
	return werr_status(err, 125);
}

/* ---- rm ---- */

struct volume_rm_opts {
	bool all, force;
	int time;
};

static const struct opt rm_tab[] = {
    OPT_BOOL("all", 'a', struct volume_rm_opts, all),
    OPT_BOOL("force", 'f', struct volume_rm_opts, force),
    OPT_UINT("time", 't', struct volume_rm_opts, time),
    OPT_TABLE_END,
};

static void rm_init(void *opts)
{
	((struct volume_rm_opts *)opts)->time = 10;
}

const struct optspec cli_volume_rm_opts = {rm_tab, sizeof(struct volume_rm_opts), false, rm_init,
					   NULL};

int cmd_volume_rm(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct volume_rm_opts *o = opts;
	cleanup_strv char **names = NULL;
	int rc = 0;

	if ((args[0] == NULL) == !o->all) {
		werr_set(err, 0, "choose either one or more volumes or all");
		return werr_status(err, 125);
	}
	if (o->all) {
		struct volume_rec *v = NULL;
		size_t n = 0;
		if (volume_list(e, NULL, &v, &n, err) < 0)
			return werr_status(err, 125);
		for (size_t i = 0; i < n; i++)
			names = strv_append(names, v[i].name);
		volume_recs_free(v, n);
	} else {
		names = strv_copy(args);
	}
	for (size_t i = 0; names && names[i]; i++) {
		struct werr e2 = {0};
		if (volume_remove(e, names[i], o->force, o->time, &e2) < 0) {
			/* Podman stops at the first failure */
			*err = e2;
			return werr_status(err, e2.status ? e2.status : 125);
		}
		printf("%s\n", names[i]);
	}
	return rc;
}

/* ---- prune ---- */

struct volume_prune_opts {
	bool force;
	char **filter;
};

static const struct opt prune_tab[] = {
    OPT_BOOL("force", 'f', struct volume_prune_opts, force),
    OPT_STRV("filter", 0, struct volume_prune_opts, filter),
    OPT_TABLE_END,
};

static void prune_fini(void *opts)
{
	strv_free(((struct volume_prune_opts *)opts)->filter);
}

const struct optspec cli_volume_prune_opts = {prune_tab, sizeof(struct volume_prune_opts), false,
					      NULL, prune_fini};

/* Podman's question with the volumes it would remove: 1 yes, 0 no, -1 EOF. */
static int prune_confirm(struct engine *e, char *const *filters, struct werr *err)
{
	cleanup_strv char **would = NULL;
	cleanup_free char *list = NULL, *what = NULL;

	if (volume_prune(e, filters, true, &would, err) < 0)
		return -1;
	list = strv_join(would, "\n");
	what =
	    xasprintf("WARNING! This will remove all volumes not used by at least one container. "
		      "The following volumes will be removed:\n%s%s",
		      list ? list : "", list && *list ? "\n" : "");
	return cli_confirm(what, err);
}

int cmd_volume_prune(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct volume_prune_opts *o = opts;
	cleanup_strv char **removed = NULL;
	int rc;

	if (args[0] != NULL) {
		werr_set(err, 0, "`warren volume prune` takes no arguments");
		return werr_status(err, 125);
	}
	if (!o->force && (rc = prune_confirm(e, o->filter, err)) <= 0)
		return rc < 0 ? werr_status(err, 125) : 0;
	rc = volume_prune(e, o->filter, false, &removed, err);
	for (char **n = removed; n && *n; n++)
		printf("%s\n", *n);
	return rc < 0 ? werr_status(err, err->status ? err->status : 125) : 0;
}

/* ---- exists ---- */

int cmd_volume_exists(struct engine *e, void *opts, char **args, struct werr *err)
{
	struct volume_rec v = {0};
	int r;

	if (strv_len(args) != 1) {
		werr_set(err, 0, "accepts 1 arg(s), received %zu", strv_len(args));
		return werr_status(err, 125);
	}
	r = volume_lookup(e, args[0], &v, err);
	volume_rec_free(&v);
	if (r < 0)
		return werr_status(err, 125);
	return r == 1 ? 0 : 1;
}
