/* warren ps, rm, inspect */
#include "cli/cli.h"
#include "cli/format.h"
#include "image/image.h"
#include "lib/cleanup.h"
#include "lib/util.h"
#include "image/img_json.h"
#include "runtime/pods.h"
#include "runtime/container.h"
#include "runtime/ctr_json.h"
#include "runtime/volumes.h"
#include "runtime/ctrfilter.h"
#include "runtime/ctrfs.h"
#include "storage/layer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ps_opts {
	bool all, quiet, notrunc, latest, size, pod;
	bool external; /* accepted: warren has no other tools' containers to list */
	const char *format;
	int last;      /* -n: the last N created (-1: unset) */
	char **filter; /* --filter K=V */
};

static int ps_last(void *opts, const char *v, struct werr *err)
{
	int64_t n;

	if (parse_int64(v, INT32_MIN, INT32_MAX, &n) < 0) {
		werr_set(err, 0,
			 "invalid argument \"%s\" for \"-n, --last\" flag: strconv.ParseInt: "
			 "parsing \"%s\": invalid syntax",
			 v, v);
		return werr_status(err, 125);
	}
	((struct ps_opts *)opts)->last = (int)n;
	return 0;
}

static const struct opt ps_tab[] = {
    OPT_BOOL("all", 'a', struct ps_opts, all),
    OPT_BOOL("quiet", 'q', struct ps_opts, quiet),
    OPT_STR("format", 0, struct ps_opts, format),
    OPT_BOOL("no-trunc", 0, struct ps_opts, notrunc),
    OPT_BOOL("external", 0, struct ps_opts, external),
    OPT_BOOL("latest", 'l', struct ps_opts, latest),
    OPT_BOOL("size", 's', struct ps_opts, size),
    OPT_BOOL("pod", 'p', struct ps_opts, pod),
    OPT_CALL("last", 'n', ps_last),
    OPT_STRV("filter", 'f', struct ps_opts, filter),
    OPT_TABLE_END,
};

static void ps_init(void *opts)
{
	((struct ps_opts *)opts)->last = -1;
}

static void ps_fini(void *opts)
{
	strv_free(((struct ps_opts *)opts)->filter);
}

const struct optspec cli_ps_opts = {ps_tab, sizeof(struct ps_opts), false, ps_init, ps_fini};

/* Prints the containers through format_print: `--format json` gets
 * Podman's JSON entries, templates (and the default table) its template
 * view. sizes: ps -s, else NULL. */
static int ps_print(struct engine *e, struct container_rec *v, size_t n,
		    const struct ctr_size *sizes, const char *fmt, bool notrunc, struct werr *err)
{
	struct json_object **objs = xcalloc(n + 1, sizeof(*objs));
	cleanup_json struct json_object *hdr = ctr_json_ps_headers();
	bool json = strcmp(fmt, "json") == 0;

	for (size_t i = 0; i < n; i++) {
		const struct ctr_size *sz = sizes ? &sizes[i] : NULL;
		objs[i] = json ? ctr_json_ps(&v[i], sz) : ctr_json_ps_view(&v[i], notrunc, sz);
		pod_ps_fields(e, &v[i], objs[i], notrunc || json);
	}
	if (format_print_owned(stdout, fmt, objs, n, hdr, err) < 0)
		return werr_status(err, 125);
	return 0;
}

int cmd_ps(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct ps_opts *o = opts;
	const char *fmt = o->format;
	struct container_rec *list = NULL;
	struct ctr_size *sizes = NULL;
	size_t n = 0;
	int rc = 0;

	if (args[0] != NULL) {
		werr_set(err, 0, "ps takes no arguments");
		return werr_status(err, 125);
	}
	if (o->latest && o->last >= 0) {
		werr_set(err, 0, "last and latest are mutually exclusive");
		return werr_status(err, 125);
	}
	if (ctr_select(e, o->filter, o->all, o->latest ? 1 : o->last, &list, &n, err) < 0)
		return werr_status(err, 125);
	if (o->size && !o->quiet) {
		sizes = xcalloc(n + 1, sizeof(*sizes));
		for (size_t i = 0; i < n; i++) {
			struct werr ignore = {0};
			container_size(e, &list[i], &sizes[i], &ignore);
		}
	}
	if (o->quiet) {
		for (size_t i = 0; i < n; i++)
			printf("%.*s\n", o->notrunc ? 64 : 12, list[i].id);
	} else {
		/* --pod: Podman's POD ID and PODNAME columns */
		rc = ps_print(e, list, n, sizes,
			      fmt	? fmt
			      : o->size ? CTR_PS_TABLE "\t{{.Size}}"
			      : o->pod	? CTR_PS_TABLE "\t{{.Pod}}\t{{.PodName}}"
					: CTR_PS_TABLE,
			      o->notrunc, err);
	}
	free(sizes);
	container_recs_free(list, n);
	return rc;
}

struct rm_opts {
	bool all, force, ignore;
	bool volumes; /* -v: the container's anonymous volumes too */
	int time;     /* seconds between SIGTERM and SIGKILL */
};

static const struct opt rm_tab[] = {
    OPT_BOOL("all", 'a', struct rm_opts, all),
    OPT_BOOL("force", 'f', struct rm_opts, force),
    OPT_UINT("time", 't', struct rm_opts, time),
    OPT_BOOL("ignore", 'i', struct rm_opts, ignore),
    OPT_BOOL("volumes", 'v', struct rm_opts, volumes),
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
	/* rm is where users clean up: a killed run's half-built mount-point
	 * layer goes too (nothing else would look for it before an rmi) */
	layer_gc_tmp(e);
	if (all) {
		struct container_rec *list = NULL;
		size_t n = 0;
		if (container_list(e, true, &list, &n, err) < 0)
			return -1;
		/* the infra containers last: each takes its pod (and what is left
		 * of its members) with it, as Podman's rm --all */
		for (size_t k = 0; k < 2 * n; k++) {
			size_t i = k % n;
			struct werr e2 = {0};
			int r = 0;
			if (pod_is_infra(e, &list[i]) != (k >= n))
				continue;
			if (k >= n)
				r = pod_remove_of_infra(e, &list[i], force, (int)timeout, &e2);
			if (r < 0 || (r == 0 && container_remove(e, &list[i], force, (int)timeout,
								 &e2) < 0)) {
				cli_error("%s", e2.msg);
				rc = e2.status ? e2.status : 125;
			} else {
				if (o->volumes)
					volumes_forget_anonymous(e, &list[i]);
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
			if (o->volumes)
				volumes_forget_anonymous(e, &c);
			printf("%s\n", refs[i]);
		}
		container_rec_free(&c);
	}
	return rc;
}

int cli_inspect_print(struct json_object *arr, const char *fmt, struct werr *err)
{
	size_t n = json_object_array_length(arr);
	struct json_object **objs;
	int r;

	if (fmt == NULL || strcmp(fmt, "json") == 0) {
		/* Podman's inspect: 5 spaces, no escaping; "[]" when empty */
		print_json_go(stdout, arr, "     ", false);
		return 0;
	}
	objs = xcalloc(n + 1, sizeof(*objs));
	for (size_t i = 0; i < n; i++)
		objs[i] = json_object_array_get_idx(arr, i);
	r = format_print(stdout, fmt, objs, n, NULL, err);
	free(objs);
	return r < 0 ? werr_status(err, 125) : 0;
}

/* What inspect looks for (--type): containers, images, pods. */
enum { INSPECT_CTR = 1, INSPECT_IMG = 2, INSPECT_POD = 4 };

/* ref as the first kind of want that has it: 1 (added to arr), 0, -1. */
static int inspect_one(struct engine *e, const char *ref, int want, bool go_time,
		       struct json_object *arr, struct werr *err)
{
	struct container_rec c = {0};
	struct image_rec img = {0};
	struct pod_rec p = {0};
	struct json_object *j;
	int r = 0;

	if (want & INSPECT_CTR) {
		r = container_lookup(e, ref, &c, err);
		if (r > 0)
			json_object_array_add(arr, ctr_json_inspect(e, &c, go_time));
		container_rec_free(&c);
	}
	if (r == 0 && (want & INSPECT_IMG)) {
		r = image_lookup(e, ref, &img, err);
		if (r > 0)
			json_object_array_add(arr, img_json_inspect(e, &img, go_time));
		image_rec_free(&img);
	}
	if (r == 0 && (want & INSPECT_POD)) {
		r = pod_lookup(e, ref, &p, err);
		if (r > 0) {
			j = cli_pod_inspect_one(e, &p, err);
			if (j == NULL)
				r = -1;
			else
				json_object_array_add(arr, j);
		}
		pod_rec_free(&p);
	}
	return r;
}

/* Podman prints what it found, then the first lookup that failed:
 * "inspecting object: no such object: \"x\"", exit 125. */
static int inspect_refs(struct engine *e, char **refs, const char *fmt, int want, struct werr *err)
{
	cleanup_json struct json_object *arr = json_object_new_array();
	bool go_time = fmt && strcmp(fmt, "json") != 0; /* a template sees Go's times */
	struct werr first = {0};

	for (size_t i = 0; refs && refs[i]; i++) {
		struct werr e2 = {0};
		int r = inspect_one(e, refs[i], want, go_time, arr, &e2);
		if (r > 0 || first.msg[0] != '\0')
			continue;
		if (r < 0)
			werr_set(&first, e2.errnum, "inspecting object: %s", e2.msg);
		else if (want == INSPECT_CTR)
			werr_set(&first, 0, "inspecting object: no such container %s", refs[i]);
		else if (want == INSPECT_POD)
			werr_set(&first, 0, "inspecting object: no such pod %s", refs[i]);
		else
			werr_set(&first, 0, "inspecting object: no such object: \"%s\"", refs[i]);
	}
	if (cli_inspect_print(arr, fmt, err) < 0)
		return -1;
	if (first.msg[0] == '\0')
		return 0;
	*err = first;
	return werr_status(err, 125);
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
	int want = images_too ? INSPECT_CTR | INSPECT_IMG | INSPECT_POD : INSPECT_CTR;

	if (o->type && strcmp(o->type, "image") == 0)
		return cmd_image_inspect(e, (void *)o, refs, err);
	if (o->type && strcmp(o->type, "container") == 0)
		want = INSPECT_CTR;
	else if (o->type && strcmp(o->type, "pod") == 0)
		want = INSPECT_POD;
	else if (o->type && strcmp(o->type, "all") != 0) {
		werr_set(err, 0, "invalid --type '%s': use container, image, pod or all", o->type);
		return werr_status(err, 125);
	}
	if (refs[0] == NULL) {
		werr_set(err, 0, "no names or ids specified");
		return werr_status(err, 125);
	}
	return inspect_refs(e, refs, o->format, want, err);
}

int cmd_inspect(struct engine *e, void *opts, char **args, struct werr *err)
{
	return inspect_main(e, opts, args, true, err);
}

int cmd_container_inspect(struct engine *e, void *opts, char **args, struct werr *err)
{
	return inspect_main(e, opts, args, false, err);
}
