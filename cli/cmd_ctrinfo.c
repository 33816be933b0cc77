/* warren container exists, rename, container prune, top, diff, export, cp:
 * looking into containers (issue 8 "Exec and inspection"). Errors and
 * output as podman 4.3.1 prints them. */
#include "cli/cli.h"
#include "cli/format.h"
#include "lib/cleanup.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/ctrfilter.h"
#include "runtime/ctrfs.h"
#include "runtime/ctrmanage.h"
#include "runtime/ctrtop.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Cobra's "accepts N arg(s), received M". */
static int nargs(char **args, size_t want, struct werr *err)
{
	size_t n = strv_len(args);

	if (n == want)
		return 0;
	werr_set(err, 0, "accepts %zu arg(s), received %zu", want, n);
	return werr_status(err, 125);
}

/* Looks ref up: 0 with *c filled, or -1 with Podman's "no such container"
 * (prefixed with what, when not NULL). */
static int lookup(struct engine *e, const char *ref, const char *what, struct container_rec *c,
		  struct werr *err)
{
	int r = container_lookup(e, ref, c, err);

	if (r == 0)
		container_not_found(ref, err);
	if (r <= 0) {
		if (what)
			werr_wrap(err, "%s", what);
		return werr_status(err, 125);
	}
	return 0;
}

/* ---- container exists ---- */

int cmd_container_exists(struct engine *e, void *opts, char **args, struct werr *err)
{
	struct container_rec c = {0};
	int r;

	(void)opts;
	if (nargs(args, 1, err) < 0)
		return -1;
	r = container_lookup(e, args[0], &c, err);
	container_rec_free(&c);
	if (r < 0)
		return werr_status(err, 125);
	return r == 1 ? 0 : 1;
}

/* ---- rename ---- */

int cmd_rename(struct engine *e, void *opts, char **args, struct werr *err)
{
	struct container_rec c = {0};
	int rc;

	(void)opts;
	if (nargs(args, 2, err) < 0 || lookup(e, args[0], NULL, &c, err) < 0)
		return -1;
	rc = container_rename(e, &c, args[1], err);
	container_rec_free(&c);
	return rc;
}

/* ---- container prune ---- */

struct prune_opts {
	bool force;
	char **filter;
};

static const struct opt prune_tab[] = {
    OPT_BOOL("force", 'f', struct prune_opts, force),
    OPT_STRV("filter", 0, struct prune_opts, filter),
    OPT_TABLE_END,
};

static void prune_fini(void *opts)
{
	strv_free(((struct prune_opts *)opts)->filter);
}

const struct optspec cli_ctr_prune_opts = {prune_tab, sizeof(struct prune_opts), false, NULL,
					   prune_fini};

int cmd_container_prune(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct prune_opts *o = opts;
	struct ctr_filter f;
	cleanup_strv char **removed = NULL;
	bool yes = o->force;
	int rc;

	if (args[0] != NULL) {
		werr_set(err, 0, "`warren container prune` takes no arguments");
		return werr_status(err, 125);
	}
	if (ctr_filter_parse(&f, o->filter, true, now_ns(), err) < 0)
		return -1;
	if (!yes && (rc = cli_confirm("WARNING! This will remove all non running containers.\n",
				      err)) <= 0) {
		ctr_filter_free(&f);
		return rc < 0 ? werr_status(err, 125) : 0;
	}
	rc = container_prune(e, &f, &removed, err);
	ctr_filter_free(&f);
	for (size_t i = 0; removed && removed[i]; i++)
		printf("%s\n", removed[i]);
	return rc < 0 ? werr_status(err, 125) : 0;
}

/* ---- top ---- */

int cmd_top(struct engine *e, void *opts, char **args, struct werr *err)
{
	struct container_rec c = {0};
	struct top_table t = {0};
	struct table *tab;
	int rc;

	(void)opts;
	if (args[0] == NULL) {
		werr_set(err, 0, "you must provide the name or id of a running container");
		return werr_status(err, 125);
	}
	if (lookup(e, args[0], "unable to look up requested container", &c, err) < 0)
		return -1;
	rc = container_top(e, &c, args + 1, &t, err);
	container_rec_free(&c);
	if (rc < 0)
		return -1;
	tab = table_new(t.ncols);
	for (size_t i = 0; i < t.nrows; i++)
		table_add(tab, (const char *const *)&t.cells[i * t.ncols]);
	table_print(tab, stdout);
	table_free(tab);
	top_table_free(&t);
	return 0;
}

/* ---- diff ---- */

static const struct opt diff_tab[] = {
    OPT_STR("format", 0, struct format_opts, format),
    OPT_TABLE_END,
};
const struct optspec cli_diff_opts = {diff_tab, sizeof(struct format_opts), false, NULL, NULL};

/* Podman's JSON: {"changed": [...], "added": [...], "deleted": [...]},
 * the empty ones left out. */
static void diff_json(const struct ctr_change *v, size_t n)
{
	static const struct {
		char kind;
		const char *key;
	} kinds[] = {{'C', "changed"}, {'A', "added"}, {'D', "deleted"}};
	cleanup_json struct json_object *o = json_object_new_object();

	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		struct json_object *a = json_object_new_array();
		for (size_t i = 0; i < n; i++)
			if (v[i].kind == kinds[k].kind)
				json_object_array_add(a, json_object_new_string(v[i].path));
		if (json_object_array_length(a) > 0)
			json_object_object_add(o, kinds[k].key, a);
		else
			json_object_put(a);
	}
	print_json_go(stdout, o, "     ", false);
}

static void diff_print(const struct format_opts *o, const struct ctr_change *v, size_t n)
{
	if (o->format)
		diff_json(v, n);
	for (size_t i = 0; !o->format && i < n; i++)
		printf("%c %s\n", v[i].kind, v[i].path);
}

/* The changes of image ref against its parent, or against image base. */
static int diff_image(struct engine *e, const char *ref, const char *base, struct ctr_change **v,
		      size_t *n, struct werr *err)
{
	struct image_rec img = {0}, b = {0};
	int r = image_lookup(e, ref, &img, err);

	if (r == 0)
		werr_set(err, 0, "%s not found: %s: image not known", ref, ref);
	if (r > 0 && base && (r = image_lookup(e, base, &b, err)) == 0)
		werr_set(err, 0, "%s not found: %s: image not known", base, base);
	if (r > 0)
		r = image_diff(e, &img, base ? &b : NULL, v, n, err) < 0 ? -1 : 1;
	image_rec_free(&img);
	image_rec_free(&b);
	return r > 0 ? 0 : werr_status(err, err->status ? err->status : 125);
}

static bool diff_format_ok(const struct format_opts *o, struct werr *err)
{
	if (o->format && !format_is_json(o->format)) {
		werr_set(err, 0, "only supported value for '--format' is 'json'");
		werr_status(err, 125);
		return false;
	}
	return true;
}

/* diff (group false: a container, else an image, as Podman's) and
 * container diff. */
static int diff_main(struct engine *e, const struct format_opts *o, char **args, bool group,
		     struct werr *err)
{
	struct container_rec c = {0};
	struct ctr_change *v = NULL;
	size_t n = 0;
	int r;

	if (nargs(args, 1, err) < 0)
		return -1;
	if (!diff_format_ok(o, err))
		return -1;
	r = container_lookup(e, args[0], &c, err);
	if (r == 0 && !group) {
		struct werr ie = {0};
		if (diff_image(e, args[0], NULL, &v, &n, &ie) == 0) {
			diff_print(o, v, n);
			ctr_changes_free(v, n);
			return 0;
		}
	}
	if (r == 0) /* Podman's: the top-level diff looks for a layer too */
		werr_set(err, 0, "%s not found: %s not known", args[0],
			 group ? "container" : "layer");
	if (r <= 0)
		return werr_status(err, 125);
	r = container_diff(e, &c, &v, &n, err);
	container_rec_free(&c);
	if (r < 0)
		return -1;
	diff_print(o, v, n);
	ctr_changes_free(v, n);
	return 0;
}

int cmd_diff(struct engine *e, void *opts, char **args, struct werr *err)
{
	return diff_main(e, opts, args, false, err);
}

int cmd_container_diff(struct engine *e, void *opts, char **args, struct werr *err)
{
	return diff_main(e, opts, args, true, err);
}

int cmd_image_diff(struct engine *e, void *opts, char **args, struct werr *err)
{
	struct ctr_change *v = NULL;
	size_t n = 0, na = strv_len(args);

	if (na < 1 || na > 2) {
		werr_set(err, 0, "accepts between 1 and 2 arg(s), received %zu", na);
		return werr_status(err, 125);
	}
	if (!diff_format_ok(opts, err) || diff_image(e, args[0], args[1], &v, &n, err) < 0)
		return -1;
	diff_print(opts, v, n);
	ctr_changes_free(v, n);
	return 0;
}

/* ---- export ---- */

struct export_opts {
	const char *output;
};

static const struct opt export_tab[] = {
    OPT_STR("output", 'o', struct export_opts, output),
    OPT_TABLE_END,
};
const struct optspec cli_export_opts = {export_tab, sizeof(struct export_opts), false, NULL, NULL};

int cmd_export(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct export_opts *o = opts;
	struct container_rec c = {0};
	cleanup_free char *tmp = NULL;
	cleanup_close int fd = -1;
	int rc;

	if (nargs(args, 1, err) < 0)
		return -1;
	if (o->output == NULL && isatty(STDOUT_FILENO)) {
		werr_set(err, 0, "refusing to export to terminal. Use -o flag or redirect");
		return werr_status(err, 125);
	}
	if (lookup(e, args[0], NULL, &c, err) < 0)
		return -1;
	if (o->output) { /* a temp file renamed into place: no half tar under the name */
		tmp = xasprintf("%s.tmp-XXXXXX", o->output);
		fd = mkostemp(tmp, O_CLOEXEC);
		if (fd < 0) {
			werr_set(err, errno, "create '%s'", o->output);
			container_rec_free(&c);
			return werr_status(err, 125);
		}
		fchmod(fd, 0644);
	}
	rc = container_export(e, &c, fd >= 0 ? fd : STDOUT_FILENO, err);
	container_rec_free(&c);
	if (tmp && rc == 0 && rename(tmp, o->output) < 0)
		rc = werr_set(err, errno, "rename '%s'", o->output);
	if (tmp && rc < 0)
		unlink(tmp);
	return rc < 0 ? werr_status(err, 125) : 0;
}

/* ---- cp ---- */

struct cp_opts {
	bool archive, overwrite, pause;
	const char *tar_of;
};

static const struct opt cp_tab[] = {
    OPT_BOOL("archive", 'a', struct cp_opts, archive),
    OPT_STR("tar-of", 0, struct cp_opts, tar_of),
    OPT_BOOL("overwrite", 0, struct cp_opts, overwrite),
    OPT_BOOL("pause", 0, struct cp_opts, pause), /* accepted: warren copies without pausing */
    OPT_TABLE_END,
};

static void cp_init(void *opts)
{
	((struct cp_opts *)opts)->archive = true;
}

const struct optspec cli_cp_opts = {cp_tab, sizeof(struct cp_opts), false, cp_init, NULL};

/* "CTR:PATH" -> the container part and the path; a host path has no ':'
 * before its first '/' (Docker's rule: "./a:b" is a host path). */
static char *split_ctr(const char *arg, const char **path)
{
	const char *colon = strchr(arg, ':');
	const char *slash = strchr(arg, '/');

	if (colon == NULL || colon == arg || (slash && slash < colon))
		return NULL;
	*path = colon + 1;
	return xstrndup(arg, (size_t)(colon - arg));
}

/* Looks the container of a cp up: Podman's `container "x" does not exist`. */
static int cp_lookup(struct engine *e, const char *ref, struct container_rec *c, struct werr *err)
{
	int r = container_lookup(e, ref, c, err);

	if (r == 0)
		werr_set(err, 0, "container \"%s\" does not exist", ref);
	return r <= 0 ? werr_status(err, 125) : 0;
}

int cmd_cp(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct cp_opts *o = opts;
	const char *spath = NULL, *dpath = NULL;
	cleanup_free char *sctr = NULL, *dctr = NULL;
	struct container_rec c = {0};
	int rc;

	if (nargs(args, 2, err) < 0)
		return -1;
	sctr = split_ctr(args[0], &spath);
	dctr = split_ctr(args[1], &dpath);
	if (o->tar_of && (sctr || strcmp(args[0], "-") != 0 || *o->tar_of == '\0')) {
		werr_set(err, 0, "--tar-of names the tar of SRC \"-\" copied into a container");
		return werr_status(err, 125);
	}
	if ((sctr == NULL) == (dctr == NULL)) {
		werr_set(err, 0,
			 sctr ? "copying between containers is not supported"
			      : "copying from host to host is not supported: name a container "
				"(CONTAINER:PATH) on one side");
		return werr_status(err, 125);
	}
	if (cp_lookup(e, sctr ? sctr : dctr, &c, err) < 0)
		return -1;
	if (sctr) {
		bool stream = strcmp(args[1], "-") == 0;
		rc = container_cp_out(e, &c, spath[0] ? spath : "/", stream ? NULL : args[1],
				      STDOUT_FILENO, err);
	} else if (o->tar_of) {
		rc = container_cp_in_tar(e, &c, o->tar_of, STDIN_FILENO, dpath[0] ? dpath : "/",
					 o->archive, err);
	} else {
		bool stream = strcmp(args[0], "-") == 0;
		rc = container_cp_in(e, &c, stream ? NULL : args[0], STDIN_FILENO,
				     dpath[0] ? dpath : "/", o->archive, err);
	}
	container_rec_free(&c);
	return rc < 0 ? werr_status(err, err->status ? err->status : 125) : 0;
}
