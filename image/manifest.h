/* manifest.h - what archives and registries hand over, checked before use:
 * descriptors, image manifests (Docker schema 2 and OCI), image indexes and
 * manifest lists with the choice of a platform, image configs. Pure logic. */
#ifndef WARREN_MANIFEST_H
#define WARREN_MANIFEST_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/err.h"

#define MT_DOCKER_V2	     "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_LIST	     "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_V1	     "application/vnd.docker.distribution.manifest.v1+json"
#define MT_DOCKER_V1_SIGNED  "application/vnd.docker.distribution.manifest.v1+prettyjws"
#define MT_DOCKER_CONFIG     "application/vnd.docker.container.image.v1+json"
#define MT_DOCKER_LAYER_GZIP "application/vnd.docker.image.rootfs.diff.tar.gzip"
#define MT_OCI_MANIFEST	     "application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_INDEX	     "application/vnd.oci.image.index.v1+json"
#define MT_OCI_CONFIG	     "application/vnd.oci.image.config.v1+json"
#define MT_OCI_LAYER	     "application/vnd.oci.image.layer.v1.tar"
#define MT_OCI_LAYER_GZIP    "application/vnd.oci.image.layer.v1.tar+gzip"
#define MT_OCI_LAYER_ZSTD    "application/vnd.oci.image.layer.v1.tar+zstd"

/* A member that must be absent, null or of type t: 0, or -1 with err
 * "WHAT: 'KEY' is not a string". */
int json_check_type(struct json_object *o, const char *key, enum json_type t, const char *what,
		    struct werr *err);

/* A list member (may be absent) whose items are all strings. */
int json_check_strings(struct json_object *o, const char *key, const char *what, struct werr *err);

/* An OCI descriptor: digest a string, mediaType (when there) a string,
 * size (when there) an integer >= 0, into *size (-1 when absent). */
int manifest_check_desc(struct json_object *d, const char *what, int64_t *size, struct werr *err);

/* rootfs.diff_ids and created of an image config, whose runtime fields
 * must also have the types image_config_parse takes: an image that cannot
 * run is refused when it is stored, not when it is run. */
int image_config_info(const char *cfg, char ***diff_ids, int64_t *created, struct werr *err);

/* A platform: os/architecture[/variant]; NULL fields mean "this machine's". */
struct platform {
	const char *os, *arch, *variant;
};

/* The Go architecture name of this machine ("amd64", "arm64", ...). */
const char *platform_arch(void);

/* This machine's variant for arm ("v7", "v6", "v8" for arm64), or NULL. */
const char *platform_variant(void);

/* Parses "os/arch[/variant]" (--platform) into p (pointers into buf, a
 * copy the caller frees). Returns 0 or -1. */
int platform_parse(const char *s, struct platform *p, char **buf, struct werr *err);

/* 1 when a descriptor's platform matches want (NULL: this machine), 0 when
 * it is another, -1 when it names none. */
int platform_match(struct json_object *desc, const struct platform *want);

/* "linux/amd64" or "linux/arm/v7" for messages (static buffer). */
const char *platform_string(const struct platform *want);

struct mlayer {
	char *digest;
	char *media_type;
	int64_t size;
};

/* A parsed image manifest (schema 2 or OCI). */
struct manifest {
	char *media_type;
	char *config_digest;
	int64_t config_size;
	struct mlayer *layers;
	size_t nlayers;
};
void manifest_free(struct manifest *m);

/* What a manifest body is: 1 an image manifest, 2 an index / list; -1
 * with err for schema 1 ("... schema 1 ... is not supported") and for an
 * unknown type. media_type is the Content-Type (may be NULL: then the
 * body's own mediaType decides). */
int manifest_kind(const char *body, size_t len, const char *media_type, struct werr *err);

/* Parses an image manifest; every layer's media type must be one warren
 * can extract. */
int manifest_parse(const char *body, size_t len, struct manifest *out, struct werr *err);

/* Picks the manifest for want from an index or manifest list: its digest
 * into *digest (malloc'd). Error names the platforms it has. */
int manifest_pick(const char *body, size_t len, const struct platform *want, char **digest,
		  struct werr *err);

#endif
