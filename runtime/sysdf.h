/* sysdf.h - `system df`: the space images, containers and volumes take,
 * and how much of it a prune would give back. */
#ifndef WARREN_SYSDF_H
#define WARREN_SYSDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "lib/err.h"
#include "storage/store.h"
#include "storage/volume.h"

struct df_image {
	struct image_rec rec;
	int64_t shared; /* bytes of its layers that other images use too */
	int containers; /* containers made from it */
};

struct df_ctr {
	struct container_rec rec;
	int64_t size; /* its writable layer */
	int volumes;  /* named or anonymous volumes it uses */
};

struct df_volume {
	struct volume_rec rec;
	int links;    /* containers using it */
	int64_t size; /* bytes of its files */
};

/* One line of the summary: "Images", "Containers" or "Local Volumes". */
struct df_row {
	const char *type;
	int total, active; /* active: used by a container / running / in use */
	int64_t size, reclaimable;
};

struct sys_df {
	struct df_image *images;
	size_t nimages;
	struct df_ctr *ctrs;
	size_t nctrs;
	struct df_volume *vols;
	size_t nvols;
	struct df_row rows[3];
};

/* Measures the store (manifest lists aside: they hold no layers). */
int sys_df(struct engine *e, struct sys_df *out, struct werr *err);
void sys_df_free(struct sys_df *d);

/* `system prune`: stopped containers (filters: ps's prune keys), unused
 * networks, unused volumes (with volumes), dangling images (all: every
 * unused one), the idle shared .sqsh mounts. What went is in the lists
 * (strv_free them, also after a failure) and *reclaimed (bytes). 0, or -1
 * with err (status 125 for bad filters). */
struct sys_pruned {
	char **ctrs, **nets, **vols, **imgs;
	int64_t reclaimed;
};
int sys_prune(struct engine *e, bool all, bool volumes, char *const *filters,
	      struct sys_pruned *out, struct werr *err);
void sys_pruned_free(struct sys_pruned *p);

#endif
