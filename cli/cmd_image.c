/* warren images, rmi, tag, load, import, image inspect, image exists,
 * history, image prune, untag */
#include "cli/cli.h"
#include "cli/format.h"
#include "image/filter.h"
#include "image/history.h"
#include "image/image.h"
#include "image/img_json.h"
#include "image/ref.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/ctr_sqsh.h"
#include "storage/sqsh.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct images_opts {
	bool quiet, notrunc, all, digests;
	const char *format, *sort;
	char **filter;
};

/* --filter is a list flag: "a=1,b=2" is two filters, as Podman's */
static int images_filter_opt(void *opts, const char *val, struct werr *err)
{
	struct images_opts *o = opts;
	cleanup_free char *copy = xstrdup(val);
	char *save = NULL;

	for (char *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save))
		o->filter = strv_append(o->filter, p);
	return 0;
}

static const struct opt images_tab[] = {
    OPT_BOOL("quiet", 'q', struct images_opts, quiet),
    OPT_STR("format", 0, struct images_opts, format),
    OPT_BOOL("no-trunc", 0, struct images_opts, notrunc),
    OPT_BOOL("all", 'a', struct images_opts, all),
    OPT_BOOL("digests", 0, struct images_opts, digests),
    OPT_CALL("filter", 'f', images_filter_opt),
    OPT_STR("sort", 0, struct images_opts, sort),
    OPT_TABLE_END,
};

static void images_fini(void *opts)
{
	strv_free(((struct images_opts *)opts)->filter);
}

const struct optspec cli_images_opts = {images_tab, sizeof(struct images_opts), false, NULL,
					images_fini};

/* One row of `images`: an image under one of its names (or none). */
struct image_row {
	const struct image_rec *rec;
	const char *name;
	char *repo, *tag;
};

enum image_sort { SORT_CREATED, SORT_ID, SORT_REPOSITORY, SORT_SIZE, SORT_TAG };
static const char *const image_sort_names[] = {"created", "id", "repository", "size", "tag"};
static enum image_sort row_sort_key;

/* Podman's orders: newest first; id, repository (then tag), size, tag
 * ascending. */
static int row_cmp(const void *pa, const void *pb)
{
	const struct image_row *a = pa, *b = pb;
	int c;

	switch (row_sort_key) {
	case SORT_ID:
		return strcmp(a->rec->id, b->rec->id);
	case SORT_REPOSITORY:
		c = strcmp(a->repo, b->repo);
		return c ? c : strcmp(a->tag, b->tag);
	case SORT_SIZE:
		return (a->rec->size > b->rec->size) - (a->rec->size < b->rec->size);
	case SORT_TAG:
		return strcmp(a->tag, b->tag);
	case SORT_CREATED:
		break;
	}
	return (a->rec->created < b->rec->created) - (a->rec->created > b->rec->created);
}

/* Prints the images through format_print: `--format json` gets one
 * Podman JSON entry per image, templates (and the default table) one
 * template view per image and name, as Podman's rows are; rows in the
 * --sort order. */
static int images_print(struct engine *e, struct image_rec *v, size_t n, const char *fmt,
			bool notrunc, enum image_sort key, bool hint, struct werr *err)
{
	cleanup_json struct json_object *hdr = img_json_headers();
	struct json_object **objs = NULL;
	struct image_row *rows = NULL;
	bool json = strcmp(fmt, "json") == 0;
	size_t k = 0, ro = 0;
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		size_t names = strv_len(v[i].names);
		for (size_t j = 0; j < (json || names == 0 ? 1 : names); j++) {
			rows = xrealloc(rows, (k + 1) * sizeof(*rows));
			rows[k] =
			    (struct image_row){.rec = &v[i], .name = names ? v[i].names[j] : NULL};
			ref_split_name(rows[k].name ? rows[k].name : "<none>", &rows[k].repo,
				       &rows[k].tag);
			k++;
		}
	}
	row_sort_key = key;
	if (k > 1)
		qsort(rows, k, sizeof(*rows), row_cmp);
	objs = xcalloc(k ? k : 1, sizeof(*objs));
	for (size_t i = 0; i < k; i++) {
		int users = store_image_users(e->store, rows[i].rec->id, NULL);
		users = users < 0 ? 0 : users;
		objs[i] = json ? img_json_list(rows[i].rec, users)
			       : img_json_view(rows[i].rec, rows[i].name, users, notrunc, e->root);
		ro += rows[i].rec->ro_store != NULL;
		free(rows[i].repo);
		free(rows[i].tag);
	}
	free(rows);
	if (format_print_owned(stdout, fmt, objs, k, hdr, err) < 0)
		rc = werr_status(err, 125);
	/* Podman's columns stay as they are for scripts; a person at a
	 * terminal is told which rows are not theirs (issue 15) */
	if (rc == 0 && ro > 0 && hint && isatty(STDOUT_FILENO))
		fprintf(stderr,
			"%zu of these rows are images of read-only image stores (shared, not "
			"yours to remove): --format 'table {{.Repository}} {{.Tag}} {{.ID}} "
			"{{.Store}}' shows which store\n",
			ro);
	return rc;
}

int cmd_images(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct images_opts *o = opts;
	bool quiet = o->quiet, notrunc = o->notrunc;
	const char *fmt = o->format, *filter = args[0];
	struct image_rec *list = NULL;
	size_t n = 0, keep = 0;
	enum image_sort key = SORT_CREATED;

	if (o->sort != NULL) {
		size_t i = 0;
		while (i < ARRAY_SIZE(image_sort_names) &&
		       strcmp(o->sort, image_sort_names[i]) != 0)
			i++;
		if (i == ARRAY_SIZE(image_sort_names)) { /* Podman's words */
			werr_set(err, 0,
				 "\"%s\" is not a valid field for sorting. Choose from: created, "
				 "id, repository, size, tag",
				 o->sort);
			return werr_status(err, 125);
		}
		key = (enum image_sort)i;
	}

	if (filter != NULL && args[1] != NULL) {
		werr_set(err, 0, "images takes at most one argument: REPOSITORY[:TAG]");
		return werr_status(err, 125);
	}
	if (filter != NULL && o->filter != NULL) { /* Podman's words */
		werr_set(err, 0, "cannot specify an image and a filter(s)");
		return werr_status(err, 125);
	}
	if (image_filter_select(e, o->filter, o->all, &list, &n, err) < 0)
		return -1;
	if (filter) { /* `images REPO[:TAG]`: keep the images that name matches */
		for (size_t i = 0; i < n; i++) {
			struct image_rec m = {0};
			struct werr e2 = {0};
			if (image_lookup_list(e, filter, &m, &e2) > 0 &&
			    strcmp(m.id, list[i].id) == 0)
				list[keep++] = list[i];
			else
				image_rec_free(&list[i]);
			image_rec_free(&m);
		}
		n = keep;
	}
	if (quiet) {
		for (size_t i = 0; i < n; i++)
			printf("%.*s\n", notrunc ? 64 : 12, list[i].id);
	} else if (images_print(e, list, n,
				fmt	     ? fmt
				: o->digests ? IMG_IMAGES_DIGEST_TABLE
					     : IMG_IMAGES_TABLE,
				notrunc, key, fmt == NULL, err) < 0) {
		image_recs_free(list, n);
		return -1;
	}
	image_recs_free(list, n);
	return 0;
}

struct rmi_opts {
	bool force, all;
};

static const struct opt rmi_tab[] = {
    OPT_BOOL("force", 'f', struct rmi_opts, force),
    OPT_BOOL("all", 'a', struct rmi_opts, all),
    OPT_TABLE_END,
};
const struct optspec cli_rmi_opts = {rmi_tab, sizeof(struct rmi_opts), false, NULL, NULL};

static int rm_ctrs_of_image(struct engine *e, const char *image_id, struct werr *err)
{
	return container_remove_by_image(e, image_id, err);
}

int cmd_rmi(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct rmi_opts *o = opts;
	cleanup_strv char **refs = strv_copy(args);
	bool force = o->force, all = o->all;
	int rc = 0;

	if (all) {
		struct image_rec *list = NULL;
		size_t n = 0;
		if (store_image_list(e->store, &list, &n, err) < 0)
			return -1;
		for (size_t i = 0; i < n; i++)
			if (list[i].ro_store == NULL) /* not the user's to remove */
				refs = strv_append(refs, list[i].id);
		image_recs_free(list, n);
	}
	if (strv_len(refs) == 0 && !all) {
		werr_set(err, 0, "image name or ID must be specified");
		return werr_status(err, 125);
	}
	for (size_t i = 0; refs && refs[i]; i++) {
		cleanup_strv char **untagged = NULL, **deleted = NULL;
		struct werr e2 = {0};
		if (image_remove(e, refs[i], force, rm_ctrs_of_image, &untagged, &deleted, &e2) <
		    0) {
			cli_error("%s", e2.msg);
			rc = e2.status == 1 ? (rc ? rc : 1) : 2;
			continue;
		}
		for (size_t k = 0; untagged && untagged[k]; k++)
			printf("Untagged: %s\n", untagged[k]);
		for (size_t k = 0; deleted && deleted[k]; k++)
			printf("Deleted: %s\n", deleted[k]);
	}
	return rc;
}

int cmd_tag(struct engine *e, void *opts, char **args, struct werr *err)
{
	if (strv_len(args) < 2) {
		werr_set(err, 0,
			 "tag requires at least 2 arguments: IMAGE TARGET_NAME [TARGET_NAME...]");
		return werr_status(err, 125);
	}
	for (size_t i = 1; args[i]; i++)
		if (image_tag(e, args[0], args[i], err) < 0)
			return -1;
	return 0;
}

struct load_opts {
	const char *input;
	bool quiet;
};

static const struct opt load_tab[] = {
    OPT_STR("input", 'i', struct load_opts, input),
    OPT_BOOL("quiet", 'q', struct load_opts, quiet),
    OPT_TABLE_END,
};
const struct optspec cli_load_opts = {load_tab, sizeof(struct load_opts), false, NULL, NULL};

int cmd_load(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct load_opts *o = opts;
	const char *input = o->input;
	cleanup_strv char **names = NULL;

	if (args[0] != NULL) {
		werr_set(err, 0, "load takes no arguments: use -i FILE");
		return werr_status(err, 125);
	}
	if (input == NULL) {
		if (isatty(0)) {
			werr_set(err, 0, "no input: use -i FILE or pipe an archive into stdin");
			return werr_status(err, 125);
		}
		input = "/dev/stdin";
	}
	if (sqsh_is_file(input) ? image_load_squashfs(e, input, &names, err) < 0
				: image_load(e, input, &names, err) < 0)
		return werr_wrap(err, "load '%s'", input);
	for (size_t i = 0; names && names[i]; i++)
		printf("Loaded image: %s\n", names[i]);
	return 0;
}

struct image_export_opts {
	const char *format;
};

static const struct opt image_export_tab[] = {
    OPT_STR("format", 0, struct image_export_opts, format),
    OPT_TABLE_END,
};
const struct optspec cli_image_export_opts = {image_export_tab, sizeof(struct image_export_opts),
					      false, NULL, NULL};

int cmd_image_export(struct engine *e, void *opts, char **args, struct werr *err)
{
	const char *fmt = ((const struct image_export_opts *)opts)->format;

	if (fmt == NULL || strcmp(fmt, "squashfs") != 0) {
		werr_set(err, 0, "image export: unsupported --format '%s': use --format squashfs",
			 fmt ? fmt : "");
		return werr_status(err, 125);
	}
	if (strv_len(args) != 2) {
		werr_set(err, 0, "image export takes an image and a file: IMAGE FILE");
		return werr_status(err, 125);
	}
	if (image_export_squashfs(e, args[0], args[1], err) < 0)
		return werr_wrap(err, "export '%s' to '%s'", args[0], args[1]);
	return 0;
}

struct save_opts_cli {
	const char *output, *format;
	bool multi, quiet;
};

static const struct opt save_tab[] = {
    OPT_STR("output", 'o', struct save_opts_cli, output),
    OPT_STR("format", 0, struct save_opts_cli, format),
    OPT_BOOL("multi-image-archive", 'm', struct save_opts_cli, multi),
    OPT_BOOL("quiet", 'q', struct save_opts_cli, quiet),
    OPT_TABLE_END,
};
const struct optspec cli_save_opts = {save_tab, sizeof(struct save_opts_cli), false, NULL, NULL};

int cmd_save(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct save_opts_cli *o = opts;
	struct save_opts so = {.path = o->output, .multi = o->multi, .out_fd = STDOUT_FILENO};

	if (args[0] == NULL) {
		werr_set(err, 0, "need at least 1 argument");
		return werr_status(err, 125);
	}
	if (image_save_format(o->format ? o->format : "docker-archive", &so.format, err) < 0)
		return werr_status(err, 125);
	if (so.path != NULL && (strcmp(so.path, "-") == 0 || strcmp(so.path, "/dev/stdout") == 0))
		so.path = NULL;
	if (so.path == NULL && so.format != SAVE_OCI_DIR && isatty(STDOUT_FILENO)) {
		werr_set(err, 0, "refusing to save to terminal. Use -o flag or redirect");
		return werr_status(err, 125);
	}
	if (image_save(e, args, &so, err) < 0)
		return werr_status(err, 125);
	return 0;
}

struct import_opts {
	const char *message;
	bool quiet;
};

static const struct opt import_tab[] = {
    OPT_STR("message", 'm', struct import_opts, message),
    OPT_BOOL("quiet", 'q', struct import_opts, quiet),
    OPT_TABLE_END,
};
const struct optspec cli_import_opts = {import_tab, sizeof(struct import_opts), false, NULL, NULL};

int cmd_import(struct engine *e, void *opts, char **args, struct werr *err)
{
	const char *msg = ((const struct import_opts *)opts)->message;
	char idhex[DIGEST_HEX_LEN + 1];

	if (strv_len(args) < 1 || strv_len(args) > 2) {
		werr_set(err, 0,
			 "import requires a file and an optional reference: import FILE [REF]");
		return werr_status(err, 125);
	}
	if (image_import(e, args[0], args[1], msg, idhex, err) < 0)
		return werr_wrap(err, "import '%s'", args[0]);
	printf("sha256:%s\n", idhex);
	return 0;
}

/* opts: struct inspect_opts (`inspect --type image` comes here too).
 * Podman prints what it found, then the first miss: "inspecting object:
 * x: image not known", exit 125. */
int cmd_image_inspect(struct engine *e, void *opts, char **args, struct werr *err)
{
	cleanup_json struct json_object *arr = json_object_new_array();
	const char *fmt = ((const struct inspect_opts *)opts)->format;
	bool go_time = fmt && strcmp(fmt, "json") != 0; /* a template sees Go's times */
	struct werr first = {0};

	if (strv_len(args) == 0) {
		werr_set(err, 0, "no names or ids specified");
		return werr_status(err, 125);
	}
	for (size_t i = 0; args[i]; i++) {
		struct image_rec img = {0};
		struct werr e2 = {0};
		int r = image_lookup(e, args[i], &img, &e2);
		if (r > 0)
			json_object_array_add(arr, img_json_inspect(e, &img, go_time));
		else if (first.msg[0] == '\0' && r < 0)
			werr_set(&first, e2.errnum, "inspecting object: %s", e2.msg);
		else if (first.msg[0] == '\0')
			werr_set(&first, 0, "inspecting object: %s: image not known", args[i]);
		image_rec_free(&img);
	}
	if (cli_inspect_print(arr, fmt, err) < 0)
		return -1;
	if (first.msg[0] == '\0')
		return 0;
	*err = first;
	return werr_status(err, 125);
}

int cmd_image_exists(struct engine *e, void *opts, char **args, struct werr *err)
{
	struct image_rec img = {0};
	int r;

	if (strv_len(args) != 1) {
		werr_set(err, 0, "image exists requires exactly 1 argument");
		return werr_status(err, 125);
	}
	r = image_lookup_list(e, args[0], &img, err);
	image_rec_free(&img);
	if (r < 0)
		return -1;
	return r ? 0 : 1;
}

struct history_opts {
	bool human, notrunc, quiet;
	const char *format;
};

static const struct opt history_tab[] = {
    OPT_BOOL("human", 'H', struct history_opts, human),
    OPT_BOOL("no-trunc", 0, struct history_opts, notrunc),
    OPT_BOOL("quiet", 'q', struct history_opts, quiet),
    OPT_STR("format", 0, struct history_opts, format),
    OPT_TABLE_END,
};

static void history_init(void *opts)
{
	((struct history_opts *)opts)->human = true; /* Podman's default */
}

const struct optspec cli_history_opts = {history_tab, sizeof(struct history_opts), false,
					 history_init, NULL};

/* Prints the entries as --format json, -q or a template (the table by default) say */
static int history_print(const struct history_opts *o, const struct image_history *h, size_t n,
			 struct werr *err)
{
	cleanup_json struct json_object *hdr = img_json_history_headers();
	struct json_object **objs = xcalloc(n + 1, sizeof(*objs));

	if (o->format && format_is_json(o->format) && !o->quiet) {
		cleanup_json struct json_object *arr = json_object_new_array();
		for (size_t i = 0; i < n; i++)
			json_object_array_add(arr, img_json_history(&h[i]));
		free(objs);
		print_json_go(stdout, arr, NULL, true); /* Podman: one compact line */
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		objs[i] = img_json_history_view(&h[i], o->notrunc, o->human);
	if (format_print_owned(stdout,
			       o->quiet	   ? "{{.ID}}"
			       : o->format ? o->format
					   : IMG_HISTORY_TABLE,
			       objs, n, hdr, err) < 0)
		return werr_status(err, 125);
	return 0;
}

int cmd_history(struct engine *e, void *opts, char **args, struct werr *err)
{
	struct image_history *h = NULL;
	struct image_rec img = {0};
	size_t n = 0;
	int rc;

	if (strv_len(args) != 1) {
		werr_set(err, 0, "accepts 1 arg(s), received %zu", strv_len(args));
		return werr_status(err, 125);
	}
	rc = image_lookup(e, args[0], &img, err);
	if (rc == 0)
		werr_set(err, 0, "%s: image not known", args[0]);
	if (rc > 0)
		rc = image_history(e, &img, &h, &n, err) < 0 ? -1 : 1;
	if (rc > 0)
		rc = history_print(opts, h, n, err) < 0 ? -1 : 0;
	else
		rc = -1;
	image_history_free(h, n);
	image_rec_free(&img);
	return rc < 0 ? werr_status(err, err->status ? err->status : 125) : 0;
}

struct prune_opts {
	bool all, force, external;
	char **filter;
};

static const struct opt prune_tab[] = {
    OPT_BOOL("all", 'a', struct prune_opts, all),
    OPT_BOOL("force", 'f', struct prune_opts, force),
    OPT_BOOL("external", 0, struct prune_opts, external),
    OPT_STRV("filter", 0, struct prune_opts, filter),
    OPT_TABLE_END,
};

static void prune_fini(void *opts)
{
	strv_free(((struct prune_opts *)opts)->filter);
}

const struct optspec cli_image_prune_opts = {prune_tab, sizeof(struct prune_opts), false, NULL,
					     prune_fini};

/* Podman's question; 1 when the answer starts with y or Y, 0 when not,
 * -1 (Go's "EOF") when stdin ends before a newline. */
static int prune_confirm(bool all, struct werr *err)
{
	cleanup_free char *what = xasprintf(
	    "WARNING! This command removes all %s.\n",
	    all ? "images without at least one container associated with them" : "dangling images");

	return cli_confirm(what, err);
}

int cmd_image_prune(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct prune_opts *o = opts;
	cleanup_strv char **removed = NULL;
	int rc;

	if (strv_len(args) > 0) {
		werr_set(err, 0, "`warren image prune` takes no arguments");
		return werr_status(err, 125);
	}
	if (!o->force && (rc = prune_confirm(o->all, err)) <= 0)
		return rc < 0 ? werr_status(err, 125) : 0;
	for (char **f = o->filter; f && *f; f++) {
		if (strchr(*f, '=') == NULL) { /* Podman's command line checks this first */
			werr_set(err, 0,
				 "filter input must be in the form of filter=value: %s is invalid",
				 *f);
			return werr_status(err, 125);
		}
	}
	rc = image_prune(e, o->all, o->filter, &removed, err);
	for (char **id = removed; id && *id; id++)
		printf("%s\n", *id);
	return rc < 0 ? werr_status(err, err->status ? err->status : 125) : 0;
}

int cmd_untag(struct engine *e, void *opts, char **args, struct werr *err)
{
	if (strv_len(args) < 1) {
		werr_set(err, 0, "requires at least 1 arg(s), only received 0");
		return werr_status(err, 125);
	}
	if (image_untag(e, args[0], args[1] ? &args[1] : NULL, err) < 0)
		return werr_status(err, 125);
	return 0;
}
