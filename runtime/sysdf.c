/* sysdf.c - `system df` (see sysdf.h). Image sizes come from the store's
 * layer records; a container's size is its upper dir walked (as ps -s);
 * a volume's is its _data dir walked. */
#include "runtime/sysdf.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "lib/walk.h"
#include "runtime/container.h"
#include "runtime/ctr_json.h"
#include "runtime/ctrfs.h"
#include "runtime/volumes.h"
#include "image/filter.h"
#include "runtime/ctr_sqsh.h"
#include "runtime/ctrfilter.h"
#include "runtime/ctrmanage.h"
#include "runtime/netusers.h"

/* ---- the bytes of a volume's files ---- */

static int du_entry(void *data, const struct walk_dir *d, const char *name, int type,
		    struct werr *err)
{
	struct stat st;

	if (fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return WALK_NEXT; /* gone meanwhile */
	if (!S_ISDIR(st.st_mode))
		*(int64_t *)data += st.st_size;
	return S_ISDIR(st.st_mode) ? WALK_DESCEND : WALK_NEXT;
}

static int64_t dir_bytes(const char *path)
{
	static const struct walk_ops ops = {.entry = du_entry};
	cleanup_close int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct werr ignore = {0};
	int64_t n = 0;

	if (fd >= 0)
		walk_tree(fd, -1, &ops, &n, &ignore);
	return n;
}

/* ---- images ---- */

/* How many of the images hold layer diff_id. */
static int layer_users(const struct df_image *v, size_t n, const char *diff_id)
{
	int users = 0;

	for (size_t i = 0; i < n; i++)
		if (strv_contains(v[i].rec.layers, diff_id))
			users++;
	return users;
}

static int load_images(struct engine *e, struct sys_df *d, struct werr *err)
{
	struct image_rec *recs = NULL;
	size_t n = 0;

	if (store_image_list(e->store, &recs, &n, err) < 0)
		return -1;
	d->images = xcalloc(n + 1, sizeof(*d->images));
	for (size_t i = 0; i < n; i++) {
		if (recs[i].list) {
			image_rec_free(&recs[i]);
			continue;
		}
		d->images[d->nimages++].rec = recs[i];
	}
	free(recs);
	for (size_t i = 0; i < d->nimages; i++) {
		struct df_image *im = &d->images[i];
		for (char **l = im->rec.layers; l && *l; l++) {
			int64_t sz = 0;
			if (layer_users(d->images, d->nimages, *l) > 1 &&
			    store_layer_size(e->store, *l, &sz, err) == 1 && sz > 0)
				im->shared += sz;
		}
	}
	return 0;
}

/* ---- the summary ---- */

static void sum_rows(struct sys_df *d)
{
	struct df_row *im = &d->rows[0], *ct = &d->rows[1], *vo = &d->rows[2];

	*im = (struct df_row){.type = "Images", .total = (int)d->nimages};
	*ct = (struct df_row){.type = "Containers", .total = (int)d->nctrs};
	*vo = (struct df_row){.type = "Local Volumes", .total = (int)d->nvols};
	for (size_t i = 0; i < d->nimages; i++) {
		const struct df_image *x = &d->images[i];
		im->size += x->rec.size;
		if (x->containers > 0)
			im->active++;
		else
			im->reclaimable += x->rec.size;
	}
	for (size_t i = 0; i < d->nctrs; i++) {
		const struct df_ctr *x = &d->ctrs[i];
		ct->size += x->size;
		if (x->rec.state == CTR_RUNNING)
			ct->active++;
		else
			ct->reclaimable += x->size;
	}
	for (size_t i = 0; i < d->nvols; i++) {
		const struct df_volume *x = &d->vols[i];
		vo->size += x->size;
		if (x->links > 0)
			vo->active++;
		else
			vo->reclaimable += x->size;
	}
}

int sys_df(struct engine *e, struct sys_df *d, struct werr *err)
{
	struct container_rec *ctrs = NULL;
	struct volume_rec *vols = NULL;
	size_t nc = 0, nv = 0;

	*d = (struct sys_df){0};
	if (load_images(e, d, err) < 0 || container_list(e, true, &ctrs, &nc, err) < 0)
		goto fail;
	d->ctrs = xcalloc(nc + 1, sizeof(*d->ctrs));
	d->nctrs = nc;
	for (size_t i = 0; i < nc; i++) {
		struct ctr_size sz = {0};
		struct werr ignore = {0};
		d->ctrs[i].rec = ctrs[i];
		if (container_size(e, &ctrs[i], &sz, &ignore) == 0)
			d->ctrs[i].size = sz.rw;
		for (size_t k = 0; k < d->nimages; k++)
			if (ctrs[i].image_id && strcmp(d->images[k].rec.id, ctrs[i].image_id) == 0)
				d->images[k].containers++;
	}
	free(ctrs);
	if (volume_list(e, NULL, &vols, &nv, err) < 0)
		goto fail;
	d->vols = xcalloc(nv + 1, sizeof(*d->vols));
	d->nvols = nv;
	for (size_t i = 0; i < nv; i++) {
		cleanup_strv char **users = NULL;
		cleanup_free char *data = volume_data_path(e, vols[i].name);
		struct werr ignore = {0};
		d->vols[i].rec = vols[i];
		d->vols[i].size = dir_bytes(data);
		if (store_volume_users(e->store, vols[i].name, &users, &ignore) == 0)
			d->vols[i].links = (int)strv_len(users);
		for (size_t k = 0; k < d->nctrs; k++)
			if (strv_contains(users, d->ctrs[k].rec.id))
				d->ctrs[k].volumes++;
	}
	free(vols);
	sum_rows(d);
	return 0;
fail:
	sys_df_free(d);
	return -1;
}

void sys_df_free(struct sys_df *d)
{
	for (size_t i = 0; i < d->nimages; i++)
		image_rec_free(&d->images[i].rec);
	for (size_t i = 0; i < d->nctrs; i++)
		container_rec_free(&d->ctrs[i].rec);
	for (size_t i = 0; i < d->nvols; i++)
		volume_rec_free(&d->vols[i].rec);
	free(d->images);
	free(d->ctrs);
	free(d->vols);
	*d = (struct sys_df){0};
}

/* The bytes the store's images, containers and volumes take. */
static int64_t store_bytes(struct engine *e)
{
	struct sys_df d;
	struct werr ignore = {0};
	int64_t n = 0;

	if (sys_df(e, &d, &ignore) < 0)
		return 0;
	for (size_t i = 0; i < 3; i++)
		n += d.rows[i].size;
	sys_df_free(&d);
	return n;
}

int sys_prune(struct engine *e, bool all, bool volumes, char *const *filters,
	      struct sys_pruned *out, struct werr *err)
{
	struct ctr_filter f;
	int64_t before;
	int rc;

	*out = (struct sys_pruned){0};
	if (ctr_filter_parse(&f, filters, true, now_ns(), err) < 0)
		return werr_status(err, 125);
	before = store_bytes(e);
	rc = container_prune(e, &f, &out->ctrs, err);
	ctr_filter_free(&f);
	if (rc == 0)
		rc = network_prune(e, NULL, 0, &out->nets, err);
	if (rc == 0 && volumes)
		rc = volume_prune(e, filters, false, &out->vols, err);
	if (rc == 0)
		rc = image_prune(e, all, filters, &out->imgs, err);
	/* the shared .sqsh mounts: the next run mounts again what it needs */
	if (rc == 0)
		ctr_sqsh_reap(e, true);
	out->reclaimed = before - store_bytes(e);
	if (out->reclaimed < 0)
		out->reclaimed = 0;
	return rc;
}

void sys_pruned_free(struct sys_pruned *p)
{
	strv_free(p->ctrs);
	strv_free(p->nets);
	strv_free(p->vols);
	strv_free(p->imgs);
	*p = (struct sys_pruned){0};
}
