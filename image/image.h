/* image.h - images in the store: lookup, load from archives, import,
 * tag, remove; the image config fields the runtime needs. */
#ifndef WARREN_IMAGE_H
#define WARREN_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/err.h" /* before engine.h, which uses struct werr */
#include "engine/engine.h"
#include "storage/store.h"

/* Finds an image by full or short name ("busybox" matches
 * docker.io/library/busybox:latest and localhost/busybox:latest; a short
 * name matching several repositories is an error listing them), by id or
 * unique id prefix. Returns 1 found, 0 not found, -1 error. A manifest list
 * found stands for its instance for this platform when that is a local
 * image (as in Podman), else it is an error ("no image found in manifest
 * list for architecture ..."). */
int image_lookup(struct engine *e, const char *ref, struct image_rec *out, struct werr *err);

/* image_lookup that gives manifest lists as they are (out->list): for the
 * commands that work on both (tag, untag, rmi, image exists, filters). */
int image_lookup_list(struct engine *e, const char *ref, struct image_rec *out, struct werr *err);

/* Loads a docker-archive or oci-archive tarball (itself plain, gzip or
 * zstd), or an OCI layout directory (oci-dir). Each layer's blob is kept
 * in the blob store as it came, for save. Every blob is verified against its digest. *names
 * receives the full names (or image ids "sha256:..." for untagged images) loaded, NULL-terminated,
 * caller frees. "-", pipes and compressed archives go through an unlinked temp file under
 * <root>/tmp. Errors name no path: the caller prefixes "load 'PATH'". Layers extracted by a failed
 * load are removed again; nothing is recorded unless everything verified. */
int image_load(struct engine *e, const char *path, char ***names, struct werr *err);

/* image_load of one image of the archive: want is a tag of a docker-archive
 * (the image gets that name only) or the ref.name annotation (or full
 * name) of an OCI index entry; the other images are not extracted. None
 * matching fails with Podman's 'Tag "NAME" not found' (docker-archive) or
 * 'no descriptor found for reference "WANT"' (OCI). */
int image_load_ref(struct engine *e, const char *path, const char *want, char ***names,
		   struct werr *err);

/* Creates a one-layer image from a rootfs tarball (plain/gzip/zstd; "-"
 * reads stdin). ref may be NULL (untagged); changes/message optional.
 * id_out receives the image id hex. */
int image_import(struct engine *e, const char *path, const char *ref, const char *message,
		 char id_out[DIGEST_HEX_LEN + 1], struct werr *err);

/* image_import of the plain tar at fd (seekable, read from offset 0)
 * with base_config's settings (an OCI image config: its Env, Cmd and the
 * rest kept, its rootfs and history replaced by the one layer and one
 * entry created_by) and names (full names, may be NULL): `load` of a
 * .sqsh. */
int image_import_fd(struct engine *e, int fd, const char *base_config, const char *created_by,
		    char *const *names, char id_out[DIGEST_HEX_LEN + 1], struct werr *err);

/* <root>/layers.lock: loads and imports hold it shared from the first
 * layer they look at until their transaction; removing layers holds it
 * exclusively, so that no load records an image on a layer being removed.
 * Taking it collects what killed loads left (layer dirs no image records,
 * temp dirs) when no extraction runs. Returns the lock's fd (close it to
 * release), -1 on error. Blocks while the other kind is held. */
int image_layers_lock(struct engine *e, bool exclusive, struct werr *err);

/* After a failed load, import or commit: releases *lock (the shared
 * layers lock) and removes the layer dirs it made unless another
 * extraction runs (then a later command does). */
void image_layers_unlock_failed(struct engine *e, int *lock);

/* An unlinked temp file under <root>/tmp (big archives and blobs do not
 * fit /tmp), open read-write; -1 with err set. */
int image_tmp_file(struct engine *e, struct werr *err);

/* image_lookup that also gives the full name the image was found by
 * (*matched malloc'd, NULL when found by id). */
int image_lookup_name(struct engine *e, const char *ref, struct image_rec *out, char **matched,
		      struct werr *err);

/* `save` (image/save.c). */
enum save_format { SAVE_DOCKER_ARCHIVE = 0, SAVE_OCI_ARCHIVE, SAVE_OCI_DIR };

struct save_opts {
	enum save_format format;
	bool multi;	  /* -m: every ref is an image (else the others are extra
			     names of the first, docker-archive only, as Podman) */
	const char *path; /* -o: the file (archives) or directory (oci-dir); NULL:
			     out_fd (archives only) */
	int out_fd;	  /* where an archive goes without path (the CLI's stdout) */
	const char *name; /* the one name written instead of the image's, as
			     it is (push to docker-archive:PATH:NAME), or NULL */
};

/* "docker-archive", "oci-archive", "oci-dir" -> *out; else -1 with err
 * "format value must be one of ..." (Podman's words). */
int image_save_format(const char *name, enum save_format *out, struct werr *err);

/* Writes the images refs names to o->path or o->out_fd. Layers are the
 * stored blobs, byte for byte (docker-archive: decompressed, checked
 * against the diff_id); OCI formats get the stored manifest when it names
 * exactly those blobs, else a new OCI manifest. A layer with no blob is
 * made anew from its files: its digest, the config and the image id then
 * differ from the stored ones (logged as a warning). A file or directory
 * is written under a temp name and renamed at the end: a failure leaves
 * nothing at path. Errors name no path prefix: the caller adds context. */
int image_save(struct engine *e, char *const *refs, const struct save_opts *o, struct werr *err);

/* Normalizes a name the user gives a new image (tag, import, commit):
 * short names without a registry go to localhost/ as Podman does
 * ("myimg" -> "localhost/myimg:latest"); digests are refused. Malloc'd,
 * NULL with err set on a bad reference. */
char *image_local_name(const char *ref, struct werr *err);

/* Adds a name (normalized from new_ref, see image_local_name) to the image found by ref. */
/* Appends an image event (engine/events.h): "pull", "tag", "untag",
 * "remove", "load", "push", "save". */
void image_event(struct engine *e, const char *status, const char *id, const char *name);

int image_tag(struct engine *e, const char *ref, const char *new_ref, struct werr *err);

/* Removes a name, or the image when ref is an id or its last name. Images
 * used by containers fail unless force (which also removes those
 * containers, as Podman's rmi -f does: the caller passes a callback).
 * *untagged and *deleted list what happened, for the CLI to print
 * "Untagged: x" / "Deleted: id". */
typedef int (*container_remover)(struct engine *e, const char *image_id, struct werr *err);
int image_remove(struct engine *e, const char *ref, bool force, container_remover rm_ctrs,
		 char ***untagged, char ***deleted, struct werr *err);

/* Removes names (normalized as image_tag does) from the image found by
 * ref; names NULL: all of them. The image itself stays, even unnamed.
 * Errors in Podman's words ("NAME: tag not known"); names before the
 * failing one are removed. */
int image_untag(struct engine *e, const char *ref, char *const *names, struct werr *err);

/* Deletes image id (full hex) with all its names and its unused layers,
 * unless a container uses it (error, status 2). For image prune. */
int image_delete(struct engine *e, const char *id, struct werr *err);

/* The fields of an image config the runtime uses. All malloc'd, may be NULL. */
struct image_config {
	char **env;	   /* "K=V" */
	char **entrypoint; /* NULL when unset */
	char **cmd;	   /* NULL when unset */
	char *workdir;
	char *user;
	char *stop_signal; /* "SIGQUIT", "3" or NULL (SIGTERM) */
	char *healthcheck; /* config.Healthcheck as JSON text (Docker's), NULL: none */
	char *arch, *os;
};
int image_config_parse(const char *json, struct image_config *out, struct werr *err);
void image_config_free(struct image_config *c);

/* Parses an RFC 3339 time ("2024-01-02T03:04:05.123Z", "...+02:00") into
 * ns since the epoch. Returns 0 or -1 (malformed). */
int image_parse_time(const char *s, int64_t *ns);

#endif
