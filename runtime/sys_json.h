/* sys_json.h - `info` and `version` as Podman 4 shows them: the one place
 * that builds these objects (the CLI's info/version, their --format
 * templates and the REST API print them; STYLE.md "one object, one
 * serialiser"). Podman's keys, with its zero value where a key does not
 * apply to warren; a few warren-only keys (host.pausePid,
 * host.runtimeDir, host.security.singleUidMapping). */
#ifndef WARREN_SYS_JSON_H
#define WARREN_SYS_JSON_H

#include <json-c/json.h>

#include "engine/engine.h"
#include "lib/err.h"

/* `podman info`: host, store, registries, plugins, version. */
struct json_object *sys_json_info(struct engine *e, const char *version, struct werr *err);

/* Podman's version object (APIVersion, Version, GoVersion, GitCommit,
 * BuiltTime, Built, OsArch, Os): what `version --format` templates see;
 * `version --format json` wraps it as {"Client": ...}. */
struct json_object *sys_json_version(const char *version);

#endif
