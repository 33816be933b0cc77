/* ctr_json.h - a container as Podman 4 shows it: the one place that turns
 * a container into JSON (inspect, ps, their --format templates and the
 * REST API all print these objects; STYLE.md "one object, one
 * serialiser"). Fields warren has no notion of are present with Podman's
 * zero value. */
#ifndef WARREN_CTR_JSON_H
#define WARREN_CTR_JSON_H

#include <json-c/json.h>
#include <stdbool.h>

#include "engine/engine.h"
#include "storage/store.h"

/* `podman inspect CONTAINER`: Id, Created, Path, Args, State {...}, Image,
 * ..., Config {...}, HostConfig {...}. Reads the container's OCI bundle
 * (env, capabilities, rlimits) and its image (digest) when they exist.
 * go_time: times as a --format template prints them (Go's time.String,
 * "2023-11-14 22:13:20 +0000 UTC"), else as the JSON has them (RFC 3339). */
struct json_object *ctr_json_inspect(struct engine *e, const struct container_rec *c, bool go_time);

/* ps -s: the bytes the container wrote (its upper layer) and its image's. */
struct ctr_size {
	int64_t rw, rootfs;
};

/* One entry of `podman ps --format json` (Names a list, times in seconds;
 * Size {"rootFsSize", "rwSize"} with size, else null). */
struct json_object *ctr_json_ps(const struct container_rec *c, const struct ctr_size *size);

/* What ctr_json_ps shows of c's config, which is parsed once: Labels (NULL
 * when none), Networks (the bridge networks' names) and Ports (PortMappings,
 * NULL when none), new references; for a listing that needs no more. */
struct ctr_ps_config {
	struct json_object *labels, *networks, *ports;
};
void ctr_ps_config(const struct container_rec *c, struct ctr_ps_config *out);
void ctr_ps_config_free(struct ctr_ps_config *p);

/* What a `ps --format` template sees (Podman's template view, not its
 * JSON): ID 12 characters unless notrunc, Names and Command strings
 * (Command cut to 17 characters and "..." unless notrunc),
 * CreatedAt as Go prints a time, RunningFor, Ports/Labels/Mounts as Go
 * formats them. */
struct json_object *ctr_json_ps_view(const struct container_rec *c, bool notrunc,
				     const struct ctr_size *size);

/* "12B (virtual 1.98MB)": Go's HumanSizeWithPrecision(…, 3), as ps -s. */
void ctr_size_string(const struct ctr_size *size, char *buf, size_t len);

/* Column titles of the ps table (format_print's headers). */
struct json_object *ctr_json_ps_headers(void);

/* `ps` default output: Podman's table template. */
#define CTR_PS_TABLE                                                                               \
	"table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.CreatedHuman}}\t{{.Status}}\t{{.Ports}}\t{{." \
	"Names}}"

#endif
