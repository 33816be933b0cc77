/* manifest_list.h - `manifest create/add/annotate/remove/inspect/push/rm`:
 * manifest lists (image indexes) built locally from local images and
 * registry images, and pushed with their instances.
 *
 * A list is an image of the store of its own kind (storage/store.h,
 * IMAGE_KIND_LIST), as Podman keeps lists in its image store: it has names,
 * `images` shows it, `rmi` and `tag` work on it. It has no layers and no
 * config; its "manifest" is the OCI index it would push (its digest and size
 * are the list's), and its "instances" are warren's record of each entry:
 * the fields of the index entry, the instance manifest's bytes (pushed
 * byte for byte, so the digest the list names stays right), and where it
 * came from: a local image id, or the registry repository it was read from.
 * An entry is edited only inside one write transaction that reads the list
 * again (no lost update when two commands change one list at once).
 *
 * The first half of this header is pure logic on the in-memory list (unit
 * tested); the second the engine commands. */
#ifndef WARREN_MANIFEST_LIST_H
#define WARREN_MANIFEST_LIST_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "image/push.h"
#include "image/registry.h"
#include "lib/digest.h"
#include "lib/err.h"

/* One entry (instance) of a list. Strings malloc'd; vectors NULL-terminated
 * (NULL: none). */
struct mlist_entry {
	char *digest;	  /* "sha256:..." of the instance manifest */
	char *media_type; /* of the instance manifest */
	int64_t size;	  /* its length in bytes */
	char *os, *arch, *variant, *os_version;
	char **os_features, **features;
	char **annotations; /* "KEY=VALUE", sorted by key, keys unique */
	char *image_id;	    /* the local image it was made from (hex), or NULL */
	char *source;	    /* "registry/repository" it was read from, or NULL */
	char *manifest;	    /* the instance manifest's bytes, or NULL (not fetched) */
};

struct mlist {
	struct mlist_entry *v;
	size_t n;
};

void mlist_entry_free(struct mlist_entry *x);
void mlist_free(struct mlist *l);

/* Parses a list's stored record (image_rec.instances; NULL: empty list). */
int mlist_parse(const char *instances, struct mlist *out, struct werr *err);

/* The record to store (malloc'd JSON text). */
char *mlist_record(const struct mlist *l);

/* The list as a registry gets it (malloc'd, compact JSON): an OCI image
 * index, or with docker a Docker manifest list (no annotations there). */
char *mlist_index(const struct mlist *l, bool docker);

/* The list as `manifest inspect` prints it (Podman's shape: a Docker
 * manifest list with each entry's annotations; "manifests" null when
 * empty). A new object. */
struct json_object *mlist_inspect_json(const struct mlist *l);

/* The entries of an index or manifest list body as a registry sent it
 * (each with source, no manifest yet). An entry without a digest or size,
 * or a digest twice, is an error (one without a platform is not: OCI allows
 * it). */
int mlist_from_index(const char *body, size_t len, const char *source, struct mlist *out,
		     struct werr *err);

/* The index of entry digest, or -1. */
int mlist_find(const struct mlist *l, const char *digest);

/* Adds x (ownership moves to l; *x is zeroed). An entry with the same digest
 * is replaced and the new one goes last, as Podman does. */
void mlist_put(struct mlist *l, struct mlist_entry *x);

/* Removes entry digest; error in Podman's words when absent ("no instance
 * matching digest ... found in manifest list"). */
int mlist_drop(struct mlist *l, const char *digest, struct werr *err);

/* Checks a digest argument as Podman does: "invalid image digest "X":
 * invalid checksum digest format" (or "... length"). */
int mlist_check_digest(const char *digest, struct werr *err);

/* Sets annotation kv ("KEY=VALUE") in *ann (a sorted "K=V" vector, see
 * mlist_entry); "KEY" alone is Podman's error "no value given for
 * annotation "KEY"". */
int mlist_annotation_set(char ***ann, const char *kv, struct werr *err);

/* The platform fields of an image config (architecture, os, variant,
 * os.version, os.features) into x. */
int mlist_entry_platform(struct mlist_entry *x, const char *config, struct werr *err);

/* The entry for this machine's platform (linux, its architecture and arm
 * variant), or -1 with an error naming the platforms the list has. */
int mlist_pick(const struct mlist *l, struct werr *err);

/* The entry for this machine's platform whose image is local (by image_id,
 * checked by exists(id, ud)), or -1 with Podman's error "no image found in
 * manifest list for architecture A, variant "V", OS linux: image not known". */
int mlist_pick_local(const struct mlist *l, bool (*exists)(const char *id, void *ud), void *ud,
		     struct werr *err);

/* An image manifest body rewritten as the other format: docker (Docker
 * schema 2) or OCI, the config and layer media types mapped (a zstd layer
 * cannot go into a Docker manifest). *out malloc'd, *media_type static. */
int mlist_convert_manifest(const char *body, size_t len, bool docker, char **out,
			   const char **media_type, struct werr *err);

/* ------------------------------------------------------------ commands */

/* What add (and create with images) take; annotate takes the platform
 * fields and annotations. NULL / unset fields change nothing. */
struct mlist_add_opts {
	struct reg_opts reg;
	bool all; /* a list given as IMAGE: every instance (else this platform's) */
	const char *os, *arch, *variant, *os_version;
	char **features, **os_features, **annotations; /* "K=V" */
};

/* Creates the list name (normalized as a new image's name: "localhost/"
 * for a short one) with the images added as mlist_add does; amend: an
 * existing list of that name is used. id_out: the list's id. */
int mlist_create(struct engine *e, const char *name, char *const *images, bool amend,
		 const struct mlist_add_opts *o, char id_out[DIGEST_HEX_LEN + 1], struct werr *err);

/* Adds image to list. image: "containers-storage:NAME" (local only),
 * "docker://REF" (registry only), or a name that is looked up locally first,
 * then in the registry (its manifest and config only: no layer is pulled). */
int mlist_add(struct engine *e, const char *list, const char *image, const struct mlist_add_opts *o,
	      char id_out[DIGEST_HEX_LEN + 1], struct werr *err);

/* Changes the platform fields and annotations of entry digest. */
int mlist_annotate(struct engine *e, const char *list, const char *digest,
		   const struct mlist_add_opts *o, char id_out[DIGEST_HEX_LEN + 1],
		   struct werr *err);

/* Removes entry digest from list. */
int mlist_remove(struct engine *e, const char *list, const char *digest,
		 char id_out[DIGEST_HEX_LEN + 1], struct werr *err);

/* 1 when ref is a local list, 0 when nothing has that name; an image that is
 * no list is an error ("REF: image is not a manifest list"). */
int mlist_exists(struct engine *e, const char *ref, struct werr *err);

/* ref's list as `manifest inspect` prints it: a local list, else ref's
 * manifest in the registry (a list in the same shape, an image manifest as
 * it is). *out: a new object. */
int mlist_inspect(struct engine *e, const char *ref, const struct reg_opts *reg,
		  struct json_object **out, struct werr *err);

struct mlist_push_opts {
	struct push_opts push; /* push.format: "oci" / "v2s2" for the list and the
				  instances converted to it; NULL: OCI index, instances
				  as they are */
	bool all;	       /* copy every instance first (else only the list) */
	bool rm;	       /* remove the local list once pushed */
};

/* Pushes list to dest ("docker://" allowed; NULL: the list's name). Every
 * instance is checked before anything is sent (a local image removed since
 * it was added is an error, and nothing is pushed); then each instance's
 * blobs and manifest (local ones from the store; remote ones from their
 * registry: mounted when on the same registry, else copied blob by blob),
 * then the list. digest_out: the list's digest. */
int mlist_push(struct engine *e, const char *list, const char *dest,
	       const struct mlist_push_opts *o, char digest_out[DIGEST_STR_LEN], struct werr *err);

/* Finds list ref: 1 (rec and l filled), 0 none of that name; an image that
 * is no list is an error. */
struct image_rec;
int mlist_lookup(struct engine *e, const char *ref, struct image_rec *rec, struct mlist *l,
		 struct werr *err);

#endif
