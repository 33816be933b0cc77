/* warren system df, system prune, system reset: the store as a whole, as
 * Podman's commands of those names show and clean it. */
#include "cli/cli.h"
#include "cli/format.h"
#include "image/filter.h"
#include "image/image.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/pods.h"
#include "runtime/container.h"
#include "runtime/ctr_sqsh.h"
#include "runtime/ctrfilter.h"
#include "runtime/ctrmanage.h"
#include "runtime/netusers.h"
#include "runtime/sysdf.h"
#include "runtime/volumes.h"
#include "storage/pool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Podman's question after what; 1 for an answer starting with y or Y, 0 for
 * anything else, -1 (err "EOF") when stdin ends first. */
int cli_confirm(const char *what, struct werr *err)
{
	cleanup_free char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	printf("%sAre you sure you want to continue? [y/N] ", what);
	fflush(stdout);
	len = getline(&line, &cap, stdin);
	if (len <= 0 || line[len - 1] != '\n')
		return werr_set(err, 0, "EOF");
	return line[0] == 'y' || line[0] == 'Y';
}

/* Go's HumanSizeWithPrecision(n, 4) without a space: "4.283MB", "24B". */
static void human(int64_t n, char *buf, size_t len)
{
	format_size_go(n, 4, "", buf, len);
}

/* ---- system df ---- */

struct df_opts {
	bool verbose;
	char *format;
};

static const struct opt df_tab[] = {
    OPT_BOOL("verbose", 'v', struct df_opts, verbose),
    OPT_STR("format", 0, struct df_opts, format),
    OPT_TABLE_END,
};
const struct optspec cli_df_opts = {df_tab, sizeof(struct df_opts), false, NULL, NULL};

/* A summary row as templates see it: sizes as Podman prints them. */
static struct json_object *row_view(const struct df_row *r)
{
	struct json_object *o = json_object_new_object();
	char size[32], rec[32], both[48];

	human(r->size, size, sizeof(size));
	human(r->reclaimable, rec, sizeof(rec));
	snprintf(both, sizeof(both), "%s (%d%%)", rec,
		 r->size > 0 ? (int)(r->reclaimable * 100 / r->size) : 0);
	json_object_object_add(o, "Type", json_object_new_string(r->type));
	json_object_object_add(o, "Total", json_object_new_int(r->total));
	json_object_object_add(o, "Active", json_object_new_int(r->active));
	json_object_object_add(o, "Size", json_object_new_string(size));
	json_object_object_add(o, "Reclaimable", json_object_new_string(both));
	return o;
}

/* The same row as JSON: numbers, as Podman's {{json .}} prints them. */
static struct json_object *row_json(const struct df_row *r)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "Type", json_object_new_string(r->type));
	json_object_object_add(o, "Total", json_object_new_int(r->total));
	json_object_object_add(o, "Active", json_object_new_int(r->active));
	json_object_object_add(o, "Size", json_object_new_int64(r->size));
	json_object_object_add(o, "Reclaimable", json_object_new_int64(r->reclaimable));
	return o;
}

static void ago(int64_t ns, char *buf, size_t len)
{
	format_ago(ns, buf, len);
	if (str_has_suffix(buf, " ago"))
		buf[strlen(buf) - 4] = '\0';
}

static void df_images_table(const struct sys_df *d)
{
	static const char *const head[] = {"REPOSITORY",  "TAG",       "IMAGE ID",
					   "CREATED",	  "SIZE",      "SHARED SIZE",
					   "UNIQUE SIZE", "CONTAINERS"};
	struct table *t = table_new(ARRAY_SIZE(head));

	table_add(t, head);
	for (size_t i = 0; i < d->nimages; i++) {
		const struct df_image *im = &d->images[i];
		char created[32], size[32], shared[32], uniq[32], ctrs[16], id[13];
		size_t nn = strv_len(im->rec.names);
		ago(im->rec.created, created, sizeof(created));
		human(im->rec.size, size, sizeof(size));
		human(im->shared, shared, sizeof(shared));
		human(im->rec.size - im->shared, uniq, sizeof(uniq));
		snprintf(ctrs, sizeof(ctrs), "%d", im->containers);
		snprintf(id, sizeof(id), "%.12s", im->rec.id);
		for (size_t k = 0; k < (nn ? nn : 1); k++) {
			cleanup_free char *repo = xstrdup(nn ? im->rec.names[k] : "<none>");
			char *colon = strrchr(repo, ':');
			const char *tag = "<none>";
			if (nn && colon != NULL && strchr(colon, '/') == NULL) {
				*colon = '\0';
				tag = colon + 1;
			}
			const char *row[] = {repo, tag, id, created, size, shared, uniq, ctrs};
			table_add(t, row);
		}
	}
	printf("Images space usage:\n\n");
	table_print(t, stdout);
	table_free(t);
}

static void df_ctrs_table(const struct sys_df *d)
{
	static const char *const head[] = {"CONTAINER ID", "IMAGE",   "COMMAND", "LOCAL VOLUMES",
					   "SIZE",	   "CREATED", "STATUS",	 "NAMES"};
	struct table *t = table_new(ARRAY_SIZE(head));

	table_add(t, head);
	for (size_t i = 0; i < d->nctrs; i++) {
		const struct df_ctr *c = &d->ctrs[i];
		cleanup_free char *cmd = strv_join(c->rec.command, " ");
		char id[13], img[13], vols[16], size[32], created[32];
		snprintf(id, sizeof(id), "%.12s", c->rec.id);
		snprintf(img, sizeof(img), "%.12s", c->rec.image_id ? c->rec.image_id : "");
		snprintf(vols, sizeof(vols), "%d", c->volumes);
		human(c->size, size, sizeof(size));
		ago(c->rec.created, created, sizeof(created));
		const char *row[] = {id,
				     img,
				     cmd ? cmd : "",
				     vols,
				     size,
				     created,
				     ctr_state_name(c->rec.state),
				     c->rec.name};
		table_add(t, row);
	}
	printf("\nContainers space usage:\n\n");
	table_print(t, stdout);
	table_free(t);
}

static void df_vols_table(const struct sys_df *d)
{
	static const char *const head[] = {"VOLUME NAME", "LINKS", "SIZE"};
	struct table *t = table_new(ARRAY_SIZE(head));

	table_add(t, head);
	for (size_t i = 0; i < d->nvols; i++) {
		char links[16], size[32];
		snprintf(links, sizeof(links), "%d", d->vols[i].links);
		human(d->vols[i].size, size, sizeof(size));
		const char *row[] = {d->vols[i].rec.name, links, size};
		table_add(t, row);
	}
	printf("\nLocal Volumes space usage:\n\n");
	table_print(t, stdout);
	table_free(t);
}

int cmd_system_df(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct df_opts *o = opts;
	struct sys_df d;
	struct json_object *objs[3];
	int rc = 0;

	if (args[0] != NULL) {
		werr_set(err, 0, "`warren system df` takes no arguments");
		return werr_status(err, 125);
	}
	if (o->verbose && o->format != NULL) {
		werr_set(err, 0, "cannot combine --format and --verbose flags");
		return werr_status(err, 125);
	}
	if (sys_df(e, &d, err) < 0)
		return werr_status(err, 125);
	if (o->verbose) {
		df_images_table(&d);
		df_ctrs_table(&d);
		df_vols_table(&d);
	} else {
		bool json = o->format != NULL && format_is_json(o->format);
		for (size_t i = 0; i < 3; i++)
			objs[i] = json ? row_json(&d.rows[i]) : row_view(&d.rows[i]);
		rc =
		    format_print(stdout,
				 o->format ? o->format
					   : "table {{.Type}}\t{{.Total}}\t{{.Active}}\t{{.Size}}\t"
					     "{{.Reclaimable}}",
				 objs, 3, NULL, err);
		for (size_t i = 0; i < 3; i++)
			json_object_put(objs[i]);
	}
	sys_df_free(&d);
	return rc < 0 ? werr_status(err, 125) : 0;
}

/* ---- system prune ---- */

struct sysprune_opts {
	bool all, force, volumes;
	char **filter;
};

static const struct opt sysprune_tab[] = {
    OPT_BOOL("all", 'a', struct sysprune_opts, all),
    OPT_BOOL("force", 'f', struct sysprune_opts, force),
    OPT_BOOL("volumes", 0, struct sysprune_opts, volumes),
    OPT_STRV("filter", 0, struct sysprune_opts, filter),
    OPT_TABLE_END,
};

static void sysprune_fini(void *opts)
{
	strv_free(((struct sysprune_opts *)opts)->filter);
}

const struct optspec cli_sysprune_opts = {sysprune_tab, sizeof(struct sysprune_opts), false, NULL,
					  sysprune_fini};

static void print_removed(const char *title, char *const *v)
{
	if (v == NULL || v[0] == NULL)
		return;
	printf("%s\n", title);
	for (size_t i = 0; v[i]; i++)
		printf("%s\n", v[i]);
}

int cmd_system_prune(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct sysprune_opts *o = opts;
	cleanup_free char *what = NULL;
	struct sys_pruned p;
	struct ctr_filter f;
	char freed[32];
	int rc;

	if (args[0] != NULL) {
		werr_set(err, 0, "`warren system prune` takes no arguments");
		return werr_status(err, 125);
	}
	/* bad filters fail before the question */
	if (ctr_filter_parse(&f, o->filter, true, now_ns(), err) < 0)
		return werr_status(err, 125);
	ctr_filter_free(&f);
	what = xasprintf("WARNING! This command removes:\n"
			 "\t- all stopped containers\n"
			 "\t- all networks not used by at least one container\n%s%s"
			 "\n",
			 o->volumes ? "\t- all volumes not used by at least one container\n" : "",
			 o->all ? "\t- all images without at least one container associated with "
				  "them\n\t- all build cache\n"
				: "\t- all dangling images\n\t- all dangling build cache\n");
	if (!o->force && (rc = cli_confirm(what, err)) <= 0)
		return rc < 0 ? werr_status(err, 125) : 0;
	rc = sys_prune(e, o->all, o->volumes, o->filter, &p, err);
	print_removed("Deleted Containers", p.ctrs);
	print_removed("Deleted Networks", p.nets);
	print_removed("Deleted Volumes", p.vols);
	print_removed("Deleted Images", p.imgs);
	if (rc == 0) {
		human(p.reclaimed, freed, sizeof(freed));
		printf("Total reclaimed space: %s\n", freed);
	}
	sys_pruned_free(&p);
	return rc < 0 ? werr_status(err, err->status ? err->status : 125) : 0;
}

/* ---- system reset ---- */

struct reset_opts {
	bool force;
};

static const struct opt reset_tab[] = {
    OPT_BOOL("force", 'f', struct reset_opts, force),
    OPT_TABLE_END,
};
const struct optspec cli_reset_opts = {reset_tab, sizeof(struct reset_opts), false, NULL, NULL};

/* Removes every pod (its infra container with it); the failures. */
static int reset_pods(struct engine *e)
{
	struct pod_rec *p = NULL;
	size_t n = 0;
	int failed = 0;
	struct werr err = {0};

	if (pod_list(e, &p, &n, &err) == 0) {
		for (size_t i = 0; i < n; i++, err = (struct werr){0})
			if (pod_remove(e, &p[i], true, -1, &err) < 0 && ++failed)
				cli_error("%s", err.msg);
		pod_recs_free(p, n);
	}
	return failed;
}

/* Removes every container (stopping the running ones), volume and image
 * through the engine, so that mounts and processes go the proper way;
 * each failure is printed and the rest goes on. Returns the failures. */
static int reset_objects(struct engine *e)
{
	struct container_rec *c = NULL;
	struct volume_rec *v = NULL;
	struct image_rec *im = NULL;
	size_t n = 0;
	int failed = 0;
	struct werr err = {0};

	if (container_list(e, true, &c, &n, &err) == 0) {
		for (size_t i = 0; i < n; i++, err = (struct werr){0})
			if (!pod_is_infra(e, &c[i]) &&
			    container_remove(e, &c[i], true, -1, &err) < 0 && ++failed)
				cli_error("%s", err.msg);
		container_recs_free(c, n);
	}
	failed += reset_pods(e);
	if (volume_list(e, NULL, &v, &n, &err) == 0) {
		for (size_t i = 0; i < n; i++, err = (struct werr){0})
			if (volume_remove(e, v[i].name, true, 10, &err) < 0 && ++failed)
				cli_error("%s", err.msg);
		volume_recs_free(v, n);
	}
	if (store_image_list(e->store, &im, &n, &err) == 0) {
		for (size_t i = 0; i < n; i++, err = (struct werr){0})
			if (im[i].ro_store == NULL && image_delete(e, im[i].id, &err) < 0 &&
			    ++failed)
				cli_error("%s", err.msg);
		image_recs_free(im, n);
	}
	return failed;
}

int cmd_system_reset(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct reset_opts *o = opts;
	cleanup_free char *what = NULL;
	cleanup_close int dfd = -1;
	int rc;

	if (args[0] != NULL) {
		werr_set(err, 0, "`warren system reset` takes no arguments");
		return werr_status(err, 125);
	}
	what = xasprintf("WARNING! This will remove:\n"
			 "        - all containers\n"
			 "        - all images\n"
			 "        - all volumes\n"
			 "        - the graphRoot directory: \"%s\"\n",
			 e->root);
	if (!o->force && (rc = cli_confirm(what, err)) <= 0)
		return rc < 0 ? werr_status(err, 125) : 0;
	if (reset_objects(e) > 0) {
		werr_set(err, 0, "system reset: the store was left as it is where removing failed");
		return werr_status(err, 125);
	}
	rootfs_pool_drain(e, NULL);
	ctr_sqsh_reap(e, true);
	store_close(e->store);
	e->store = NULL;
	/* what is left (layers no image names, blobs, temp dirs, the
	 * database) goes with the dir's contents; the runtime dir keeps the
	 * pause process's files, the rest of it is this store's */
	dfd = open(e->root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd >= 0 && rm_rf_contents(dfd, err) < 0)
		return werr_status(err, 125);
	return 0;
}
