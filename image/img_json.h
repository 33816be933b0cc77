/* img_json.h - an image as Podman 4 shows it: the one place that turns an
 * image into JSON (image inspect, images, their --format templates and the
 * REST API print these objects; STYLE.md "one object, one serialiser").
 * Fields warren has no notion of are present with Podman's zero value. */
#ifndef WARREN_IMG_JSON_H
#define WARREN_IMG_JSON_H

#include <json-c/json.h>
#include <stdbool.h>

#include "engine/engine.h"
#include "image/history.h"
#include "storage/store.h"

/* `podman image inspect`: Id, Digest, RepoTags, RepoDigests, ..., Config
 * (the image config's), Architecture, Os, Size, RootFS, History, ...
 * GraphDriver names the store's driver (e may have no store: then "").
 * go_time: Created as a --format template prints it (Go's time.String),
 * else as the JSON has it (RFC 3339). */
struct json_object *img_json_inspect(struct engine *e, const struct image_rec *img, bool go_time);

/* One entry of `podman images --format json`; containers: how many
 * containers use it. */
struct json_object *img_json_list(const struct image_rec *img, int containers);

/* What an `images --format` template sees for one row (image and one of
 * its names, name NULL for an untagged image): ID 12 characters (notrunc:
 * "sha256:" and all 64), Repository, Tag, CreatedSince, CreatedAt as Go
 * prints a time, Size human, lists as Go's %v prints them; Store (warren's
 * own) the dir of the read-only store it comes from, else own_root. */
struct json_object *img_json_view(const struct image_rec *img, const char *name, int containers,
				  bool notrunc, const char *own_root);

/* Column titles of the images table (format_print's headers). */
struct json_object *img_json_headers(void);

/* `images` default output: Podman's table (Created prints as CreatedSince does; its
 * header is CREATED, CreatedSince's is "<no value>" in Podman 4.3). */
#define IMG_IMAGES_TABLE "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.Created}}\t{{.Size}}"
/* images --digests */
#define IMG_IMAGES_DIGEST_TABLE                                                                    \
	"table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.Created}}\t{{.Size}}"

/* One entry of `history --format json` as Podman 4.3 prints it: id
 * ("<missing>"), created (RFC 3339 with nanoseconds, in the zone the config
 * wrote), CreatedBy and comment when set, size, Created (RFC 3339). */
struct json_object *img_json_history(const struct image_history *h);

/* What a `history --format` template sees for one entry: ID (12
 * characters, all with notrunc; "<missing>"), Created ("3 years ago", RFC
 * 3339 without human), CreatedBy (cut to 45 characters with "..." unless
 * notrunc), Size human, Comment, CreatedAt as Go prints a time,
 * CreatedSince, Tags ("[]"). */
struct json_object *img_json_history_view(const struct image_history *h, bool notrunc, bool human);

/* Column titles of the history table. */
struct json_object *img_json_history_headers(void);

/* `history` default output: Podman's table */
#define IMG_HISTORY_TABLE "table {{.ID}}\t{{.Created}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"

#endif
