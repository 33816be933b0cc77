/* imgcommit.h - new images made here: a layer tar and a config on top of
 * a parent image (`commit`, each `build` step), and the config changes of
 * Containerfile instructions (ENV, CMD, LABEL, ...). */
#ifndef WARREN_IMGCOMMIT_H
#define WARREN_IMGCOMMIT_H

#include <json-c/json.h>
#include <stdbool.h>

#include "image/cfparse.h"
#include "image/image.h"

/* Applies the config change of instruction in (ENV CMD ENTRYPOINT WORKDIR
 * USER LABEL EXPOSE VOLUME STOPSIGNAL SHELL HEALTHCHECK ONBUILD
 * MAINTAINER) to the image config root (its "config" object made when
 * missing). Words are expanded with fn (NULL: the config's own Env).
 * Others: "invalid instruction X" (EINVAL). 0 or -1. */
int image_config_change(struct json_object *root, const struct cf_instr *in, char escape,
			cf_lookup_fn fn, void *ud, struct werr *err);

/* The value of variable name in the Env of config root, NULL when unset;
 * a cf_lookup_fn (ud: root). */
const char *image_config_env(void *root, const char *name);

/* What image_commit_new stores. */
struct image_new {
	const struct image_rec *parent;	 /* NULL: FROM scratch */
	struct json_object *config;	 /* the new config (root); its rootfs and
					    history are completed here */
	int layer_fd;			 /* a plain tar of the new layer, at offset 0;
					    -1: no layer (an "empty_layer" history entry) */
	const char *layer_dir;		 /* with layer_fd -1: a dir in layer form
					    that becomes the layer by rename
					    (layer_adopt_dir), or NULL */
	const char *diff_id;		 /* with layer_fd -1: a layer in the store
					    already (the build cache), else NULL */
	const char *created_by;		 /* history */
	const char *comment;		 /* history comment, or NULL */
	const char *author;		 /* or NULL */
	char *const *names;		 /* full names for the image (image_local_name), or NULL */
	bool no_history;		 /* the config's history is complete already */
	bool fixed_time;		 /* created (and layer_dir's mtimes) = at */
	int64_t at;			 /* ns since the epoch, with fixed_time */
	struct json_object *annotations; /* an object: OCI manifest annotations; the
					    image gets a stored OCI manifest that
					    holds them. NULL: none, no manifest */
};

/* Stores the image of n: extracts its layer (kept as a blob too, for save
 * and push), completes the config (created, rootfs.diff_ids, history) and
 * records layer and image in one transaction. id_out: the image id (hex).
 * A failure leaves nothing recorded. 0 or -1. */
int image_commit_new(struct engine *e, const struct image_new *n, char id_out[DIGEST_HEX_LEN + 1],
		     struct werr *err);

/* A copy of the parent's config to build on (root object), or an empty
 * one for scratch (architecture, os). */
struct json_object *image_config_base(const struct image_rec *parent, struct werr *err);

#endif
