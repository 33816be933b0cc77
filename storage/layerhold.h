/* layerhold.h - a reader's containers keep the layers they use from a
 * read-only image store (storage.conf additionalimagestores) while they
 * run: the process that owns a container's life holds a shared flock of
 * each such layer dir, and the store's owner removes no layer dir that
 * is held so (issue 15: the owner's rmi under a running reader). Locks
 * need no write access: the reader opens the owner's dirs read-only. */
#ifndef WARREN_LAYERHOLD_H
#define WARREN_LAYERHOLD_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/engine.h"
#include "lib/err.h"

/* The read-only stores' layers locks (image_layers_lock in their owner's
 * warren), taken shared while their layer dirs are checked, mounted or
 * held: their owner removes layer dirs only with it held exclusively, so a
 * dir found under it is whole. A store whose lock this user cannot open
 * (an older warren made it 0600) is used without. */
struct ro_store_locks {
	int fd[8];
	size_t n;
};
void ro_stores_lock(struct engine *e, struct ro_store_locks *l);
void ro_stores_unlock(struct ro_store_locks *l);

struct layer_hold {
	int *fd; /* one flocked (shared) dir fd per held layer, O_CLOEXEC */
	size_t n;
};

/* Holds the layers (diff_ids, NULL-terminated) that come from e's
 * read-only stores; the user's own layers need none. Under each store's
 * layers.lock, so that an owner's removal is either done (the layer is
 * missing: -1, "layer ... is in no store") or waits for our hold. 0 or -1
 * (nothing held then). */
int layer_hold_ro(struct engine *e, char *const *layers, struct layer_hold *h, struct werr *err);

/* Releases what layer_hold_ro took (h zeroed; an empty h is fine). */
void layer_hold_release(struct layer_hold *h);

/* The store's owner: true when a reader holds its layer dir name in the
 * layers dir lfd (a shared flock; on a filesystem without locks: never). */
bool layer_held_by_reader(int lfd, const char *name);

#endif
