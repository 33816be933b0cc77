/* store.h - the state database (SQLite, WAL, busy timeout): images, layers,
 * containers and store metadata. Every change is one transaction; a command
 * killed at any instant leaves a usable database. Lives at <root>/warren.db. */
#ifndef WARREN_STORE_H
#define WARREN_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/digest.h"
#include "engine/engine.h"
#include "lib/err.h"

struct store;

/* Opens (creating schema on first use) <dir>/warren.db. */
struct store *store_open(const char *dir, struct werr *err);
void store_close(struct store *s);

/* Adds the warren store at dir (absolute) as a read-only image store of s
 * (storage.conf additionalimagestores): its images are found and listed
 * after s's own, with image_rec.ro_store set; its database is opened
 * read-only and never written. A dir that is missing, not a store, a
 * symlink or writable by every user is refused (-1, err says why). */
int store_add_readonly(struct store *s, const char *dir, struct werr *err);
/* The dir of s's i-th read-only store, NULL past the last. */
const char *store_readonly_dir(struct store *s, size_t i);

/* Explicit transactions grouping several calls (BEGIN IMMEDIATE). Calls
 * made outside one run in their own transaction. */
int store_begin(struct store *s, struct werr *err);
int store_commit(struct store *s, struct werr *err);
void store_rollback(struct store *s);

/* Key/value metadata (e.g. "driver"). *out malloc'd or NULL if unset. */
int store_meta_get(struct store *s, const char *key, char **out, struct werr *err);
int store_meta_set(struct store *s, const char *key, const char *value, struct werr *err);

struct image_rec {
	char id[DIGEST_HEX_LEN + 1]; /* hex of the config digest */
	char *digest;		     /* manifest digest "sha256:..." or NULL */
	char **digests;		     /* every manifest digest it is known by, digest first
					(Podman's Digests); NULL when none */
	char **names;	 /* full refs "docker.io/library/busybox:latest", may be empty */
	char **layers;	 /* diff_ids "sha256:...", bottom first, NULL-terminated */
	int64_t created; /* image creation time from its config, ns */
	int64_t stored;	 /* when it entered the store, ns */
	int64_t size;	 /* sum of uncompressed layer sizes */
	char *config;	 /* image config JSON text (NULL for a list) */
	char *manifest;	 /* manifest JSON text or NULL; a list's own index */
	bool list;	 /* a manifest list (image/manifest_list.h): no layers, no config */
	char *instances; /* a list's record of its entries (JSON), else NULL */
	char *ro_store;	 /* the read-only image store it comes from, NULL: own */
};
enum { IMAGE_KIND_IMAGE = 0, IMAGE_KIND_LIST = 1 }; /* images.kind */
void image_rec_free(struct image_rec *r);	    /* frees members, not r */
void image_recs_free(struct image_rec *v, size_t n);

/* Adds an image, or when the id exists adds the new names to it. A name
 * held by another image moves to this one (as `docker load` does). */
int store_image_add(struct store *s, const struct image_rec *r, struct werr *err);

/* Rewrites the digest, size, manifest and instances of the list r->id
 * (an image of kind list; else ENOENT "no manifest list ID"). */
int store_list_update(struct store *s, const struct image_rec *r, struct werr *err);

/* Looks up by exact full name, full id, or unique id prefix (>= 3 hex).
 * Returns 1 found (out filled), 0 not found, -1 error (e.g. ambiguous prefix). */
int store_image_get(struct store *s, const char *ref, struct image_rec *out, struct werr *err);

/* All images, newest first. */
int store_image_list(struct store *s, struct image_rec **out, size_t *n, struct werr *err);

/* Adds / removes one name of image id. Adding moves it from another image. */
int store_image_tag(struct store *s, const char *id, const char *name, struct werr *err);
int store_image_untag(struct store *s, const char *id, const char *name, struct werr *err);

/* Deletes the image row. Layers no image uses any more are returned in
 * *unused (diff_ids, NULL-terminated, may be NULL) so the caller removes
 * their directories; their rows are deleted in the same transaction. */
int store_image_delete(struct store *s, const char *id, char ***unused, struct werr *err);

/* Layers: diff_id -> uncompressed size (a new size keeps the blob). */
int store_layer_add(struct store *s, const char *diff_id, int64_t size, struct werr *err);
/* 1 if present, 0 if not, -1 error */
int store_layer_exists(struct store *s, const char *diff_id, struct werr *err);
/* The recorded size of a layer: 1 found, 0 not recorded, -1 error. */
int store_layer_size(struct store *s, const char *diff_id, int64_t *size, struct werr *err);

/* The original blob of a layer (storage/blobs.h), as the registry or the
 * archive delivered it. Layers of a store older than the blob store (or
 * whose blob was not kept) have none. */
struct layer_blob {
	char digest[DIGEST_STR_LEN]; /* "sha256:<hex>": blobs/sha256/<hex> */
	char media_type[128];	     /* "application/vnd.oci.image.layer.v1.tar+gzip",
					"...+zstd", "...tar", or Docker's
					"application/vnd.docker.image.rootfs.diff.tar.gzip" */
	int64_t size;		     /* bytes of the blob (compressed size) */
};

/* Records layer diff_id with its uncompressed size, and its blob when blob
 * is not NULL (NULL keeps a blob already recorded). store_layer_add is
 * this with blob NULL. */
int store_layer_add_blob(struct store *s, const char *diff_id, int64_t size,
			 const struct layer_blob *blob, struct werr *err);

/* The blob of layer diff_id: 1 (out filled), 0 when the layer has none
 * (or is unknown), -1 on error. */
int store_layer_blob(struct store *s, const char *diff_id, struct layer_blob *out,
		     struct werr *err);

/* 1 when some layer records blob digest, 0 when none does, -1 on error
 * (the collection of unreferenced blobs). */
int store_blob_used(struct store *s, const char *digest, struct werr *err);

enum ctr_state { CTR_CREATED = 0, CTR_RUNNING, CTR_EXITED, CTR_STOPPED, CTR_REMOVING };
const char *ctr_state_name(enum ctr_state st); /* "created", "running", ... */

struct container_rec {
	char id[DIGEST_HEX_LEN + 1]; /* 64 hex */
	char *name;
	char *image_id;			    /* hex */
	char *image_name;		    /* as the user gave it, normalized */
	char **command;			    /* argv that runs (entrypoint + cmd), for ps */
	int64_t created, started, finished; /* ns since epoch, 0 if never */
	enum ctr_state state;
	pid_t pid;	    /* container init on the host, 0 if not running */
	uint64_t pid_start; /* its start time, detects pid reuse */
	int exit_code;
	bool autoremove;
	char *driver; /* storage driver of its rootfs */
	char *config; /* JSON: the create options, shown by inspect */
	/* not stored: its health log's status ("healthy", "unhealthy",
	 * "starting", "" without a check), filled by container_lookup and
	 * container_list (runtime/health.h) */
	char health[16];
	/* not stored: a running container whose cgroup is frozen (`pause`),
	 * filled by container_lookup and container_list (runtime/ctrcgroup.h) */
	bool paused;
};
void container_rec_free(struct container_rec *c);
void container_recs_free(struct container_rec *v, size_t n);

/* Adds a container. A name already in use fails with
 * "the container name "N" is already in use by ID. ..." */
int store_container_add(struct store *s, const struct container_rec *c, struct werr *err);
/* By full id, unique id prefix, or exact name. 1 found, 0 not, -1 error. */
int store_container_get(struct store *s, const char *ref, struct container_rec *out,
			struct werr *err);
int store_container_list(struct store *s, struct container_rec **out, size_t *n, struct werr *err);
/* The same list in one query, each config brief (storage/ctrbrief.c):
 * only its Pod, Config.Labels, Config.Healthcheck,
 * Config.HealthcheckOnFailureAction, NetConfig.Mode, NetConfig.Networks,
 * HostConfig.NetworkMode and PortMappings, what a listing shows and
 * filters on. */
int store_container_list_brief(struct store *s, struct container_rec **out, size_t *n,
			       struct werr *err);
/* Writes state, pid, pid_start, exit_code, started, finished of c->id. */
int store_container_update(struct store *s, const struct container_rec *c, struct werr *err);
/* Replaces the create options (JSON) of container id (`update`). */
int store_container_set_config(struct store *s, const char *id, const char *config,
			       struct werr *err);
int store_container_delete(struct store *s, const char *id, struct werr *err);
/* Renames the container with full id: "renaming container ID: name N
 * already in use, ..." (EEXIST) when another one has the name. */
int store_container_rename(struct store *s, const char *id, const char *name, struct werr *err);
/* Number of containers using image id. */
int store_image_users(struct store *s, const char *image_id, struct werr *err);

#endif
