/* layerhold.c - readers hold the read-only store layers their containers
 * use; see layerhold.h. */
#include "storage/layerhold.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "storage/layer.h"
#include "storage/store.h"

void ro_stores_lock(struct engine *e, struct ro_store_locks *l)
{
	const char *dir;

	l->n = 0;
	for (size_t i = 0; e->store && (dir = store_readonly_dir(e->store, i)) != NULL &&
			   l->n < ARRAY_SIZE(l->fd);
	     i++) {
		cleanup_free char *p = xasprintf("%s/layers.lock", dir);
		int fd = open(p, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

		if (fd < 0)
			continue;
		while (flock(fd, LOCK_SH) < 0 && errno == EINTR)
			;
		l->fd[l->n++] = fd;
	}
}

void ro_stores_unlock(struct ro_store_locks *l)
{
	for (size_t i = 0; i < l->n; i++)
		close(l->fd[i]);
	l->n = 0;
}

/* Holds one layer: 1 held, 0 the user's own (or not readable to us:
 * nothing of it can be used then either), -1 in no store. */
static int hold_one(struct engine *e, const char *diff_id, int *out, struct werr *err)
{
	cleanup_free char *own = NULL;
	cleanup_free char *ro = NULL;
	int fd;

	/* diff_ids come from an image config: never let one name a path */
	if (!digest_valid(diff_id))
		return werr_set(err, EINVAL, "invalid layer digest '%s'", diff_id);
	own = layer_path(e, diff_id);
	if (access(own, F_OK) == 0)
		return 0;
	ro = layer_ro_path(e, diff_id, NULL);
	if (ro == NULL)
		return werr_set(err, ENOENT,
				"layer %.19s is in no store (was the image removed from its "
				"read-only store?)",
				diff_id);
	fd = open(ro, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while (flock(fd, LOCK_SH) < 0)
		if (errno != EINTR) { /* a filesystem without locks (NFS): unheld */
			close(fd);
			return 0;
		}
	*out = fd;
	return 1;
}

int layer_hold_ro(struct engine *e, char *const *layers, struct layer_hold *h, struct werr *err)
{
	struct ro_store_locks locks;
	size_t n = strv_len(layers);
	int rc = 0;

	*h = (struct layer_hold){0};
	if (e->store == NULL || store_readonly_dir(e->store, 0) == NULL || n == 0)
		return 0;
	ro_stores_lock(e, &locks);
	h->fd = xcalloc(n, sizeof(int));
	for (size_t i = 0; i < n && rc >= 0; i++) {
		int fd = -1;
		rc = hold_one(e, layers[i], &fd, err);
		if (rc > 0)
			h->fd[h->n++] = fd;
	}
	ro_stores_unlock(&locks);
	if (rc < 0) {
		layer_hold_release(h);
		return -1;
	}
	return 0;
}

void layer_hold_release(struct layer_hold *h)
{
	for (size_t i = 0; i < h->n; i++)
		close(h->fd[i]);
	free(h->fd);
	*h = (struct layer_hold){0};
}

bool layer_held_by_reader(int lfd, const char *name)
{
	cleanup_close int fd = openat(lfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return false;
	/* our exclusive lock closes with fd: layer_dir_remove takes it again */
	return flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
}
