/* volume.h - volume records in the state database (schema 3): each volume
 * and the containers that use it. The data lives in
 * <root>/volumes/<name>/_data, as in Podman; runtime/volumes.h manages it. */
#ifndef WARREN_STORAGE_VOLUME_H
#define WARREN_STORAGE_VOLUME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct store;

struct volume_rec {
	char *name;
	char *driver;	  /* "local" */
	int64_t created;  /* ns since the epoch */
	char *labels;	  /* JSON object text {"k":"v"} */
	char *options;	  /* JSON object text: --opt keys ("o", "type", "device") */
	bool anonymous;	  /* made for one container (-v /path): rm -v and --rm remove it */
	bool needs_copy;  /* the image's content is copied in at its first use */
	bool needs_chown; /* chowned to the container's user at its first use */
};
void volume_rec_free(struct volume_rec *v); /* frees members, not v */
void volume_recs_free(struct volume_rec *v, size_t n);

/* Adds a volume; a name in use fails with EEXIST and Podman's
 * "volume with name N already exists: volume already exists". */
int store_volume_add(struct store *s, const struct volume_rec *v, struct werr *err);

/* By exact name: 1 found (out filled), 0 not, -1 error. */
int store_volume_get(struct store *s, const char *name, struct volume_rec *out, struct werr *err);

/* All volumes by name. Free with volume_recs_free. */
int store_volume_list(struct store *s, struct volume_rec **out, size_t *n, struct werr *err);

/* Deletes volume name unless a container uses it (checked in the same
 * transaction): 0, or -1 with ENOENT, or EBUSY and Podman's "volume N is
 * being used by the following container(s): ID, ID: volume is being used"
 * (status 2, Podman's exit code). */
int store_volume_delete(struct store *s, const char *name, struct werr *err);

/* The ids of the containers using volume name (NULL-terminated, never
 * NULL on success). */
int store_volume_users(struct store *s, const char *name, char ***ids, struct werr *err);

/* Records that container ctr_id uses volume name (both must exist). */
int store_volume_attach(struct store *s, const char *ctr_id, const char *name, struct werr *err);

/* Clears the first-use flags of volume name (it has been copied into and
 * chowned as needed). */
int store_volume_used_once(struct store *s, const char *name, struct werr *err);

#endif
