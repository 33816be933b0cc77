/* volumes.h - named and anonymous volumes (issue 8), as Podman has them:
 * records in the store (storage/volume.h), data in
 * <root>/volumes/<name>/_data. volumes.c: the `volume` commands and the
 * one JSON serialiser of a volume; volumes_run.c: what `run` does with
 * -v NAME:/path, --mount and --volumes-from (creation on first use,
 * copy-up of the image's content, :U). */
#ifndef WARREN_VOLUMES_H
#define WARREN_VOLUMES_H

#include <json-c/json.h>
#include <stdbool.h>
#include <sys/types.h>

#include "engine/engine.h"
#include "lib/err.h"
#include "runtime/spec.h"
#include "storage/store.h"
#include "storage/volume.h"

struct volume_create_opts {
	const char *name;   /* NULL: an anonymous name (64 hex) */
	const char *driver; /* NULL or "local" */
	char **labels;	    /* "K=V" or "K" */
	char **opts;	    /* "o=...", "type=...", "device=...", "copy", "nocopy" */
	bool ignore;	    /* an existing volume is no error */
};

/* Creates a volume: the record, then <root>/volumes/<name>/_data. A bad
 * name, driver or option fails in Podman's words (status 125); an existing
 * name with EEXIST unless o->ignore. *name_out (malloc'd) is its name. */
int volume_create(struct engine *e, const struct volume_create_opts *o, char **name_out,
		  struct werr *err);

/* Finds a volume by exact name: 1, 0 not found, -1 error. */
int volume_lookup(struct engine *e, const char *name, struct volume_rec *out, struct werr *err);

/* The volumes passing filters ("name=REGEX", "driver=", "scope=",
 * "label=K[=V]", "opt=K[=V]", "dangling=BOOL", "until=TIME"; any match
 * passes, as in Podman 4.3), sorted by name. filters may be NULL. */
int volume_list(struct engine *e, char *const *filters, struct volume_rec **out, size_t *n,
		struct werr *err);

/* Removes a volume and its data. In use by a container: EBUSY and
 * Podman's message (status 2) unless force, which removes those
 * containers first (stopping them after timeout seconds). A missing one:
 * "no volume with name "N" found: no such volume" (status 1). */
int volume_remove(struct engine *e, const char *name, bool force, int timeout, struct werr *err);

/* Removes every volume no container uses and that passes filters (label,
 * until as in volume_list); *removed gets their names (never NULL).
 * dry_run: only names them (prune's question). */
int volume_prune(struct engine *e, char *const *filters, bool dry_run, char ***removed,
		 struct werr *err);

/* `podman volume inspect` of v: Name, Driver, Mountpoint, CreatedAt,
 * Labels, Scope, Options, [UID, GID], MountCount, [NeedsCopyUp,
 * NeedsChown]. go_time: CreatedAt as a template prints a time. */
struct json_object *volume_json(struct engine *e, const struct volume_rec *v, bool go_time);

/* <root>/volumes/<name>/_data, malloc'd. */
char *volume_data_path(struct engine *e, const char *name);

/* Opens <root>/volumes/<name>/_data as a directory, never through a
 * symlink (a tampered store: a clear error). Returns the fd or -1. */
int volume_open_data(struct engine *e, const char *name, struct werr *err);

/* ---- run (volumes_run.c) ---- */

/* The mounts of a new container: o's -v/--mount list with --volumes-from
 * added (a destination the user mounts wins), anonymous volumes named,
 * volume sources set to their data dirs, bind sources checked (Podman's
 * "statfs SRC: no such file or directory"). *out (n entries) is a new
 * array freed with volumes_free. */
int volumes_resolve(struct engine *e, const struct run_opts *o, struct volume_spec **out, size_t *n,
		    struct werr *err);
void volumes_free(struct volume_spec *v, size_t n);

/* The image's VOLUME dirs (config.Volumes of the image config JSON) that
 * o does not mount already (the user's mounts win): with --image-volume
 * bind (the default) appended to o->volumes as anonymous volumes (the
 * image's content copied in on first use, gone with run --rm and rm -v,
 * as Podman's); tmpfs: added to o->tmpfs, which becomes *tmpfs (a new
 * vector the caller frees); ignore: nothing. o's vectors must be the
 * caller's own (volumes_resolve's). */
int volumes_add_image(struct engine *e, struct run_opts *o, const char *config_json, char ***tmpfs,
		      struct werr *err);

/* Records that container ctr_id uses the volumes of v, creating the
 * missing ones (their record and data dir); call inside the transaction
 * that adds the container. */
int volumes_attach(struct engine *e, const char *ctr_id, const struct volume_spec *v, size_t n,
		   struct werr *err);

/* Before the container first starts, with its rootfs mounted: a volume
 * used for the first time gets the image's content at its destination
 * (copy-up: only while empty, never through a symlink leaving rootfs), or
 * is chowned to uid:gid; :U chowns the source (recursively) to uid:gid. */
int volumes_prepare(struct engine *e, const struct volume_spec *v, size_t n, const char *rootfs,
		    uid_t uid, gid_t gid, struct werr *err);

/* The Mounts of inspect (Podman's shape) and the Binds strings, for the
 * container's stored config. */
struct json_object *volumes_mounts_json(const struct volume_spec *v, size_t n);
struct json_object *volumes_binds_json(const struct volume_spec *v, size_t n);

/* After container c is gone: removes its anonymous volumes that nobody
 * else uses (run --rm, rm -v). Errors are only logged. */
void volumes_forget_anonymous(struct engine *e, const struct container_rec *c);

#endif
