/* yamljson.h - YAML (libyaml) into json-c objects and back, for Kubernetes
 * manifests (`kube play` reads them, `kube generate` writes them).
 *
 * Reading: a stream of documents becomes a JSON array, one element per
 * document (NULL for an empty one). Plain scalars are typed as YAML 1.2's
 * core schema does (null, booleans, integers, floats), but 0755 is octal as
 * in the YAML 1.1 that Kubernetes reads (a defaultMode); quoted scalars and
 * !!str are strings. Mapping keys must be scalars and unique. Hostile input
 * is refused with one "line N: what" error and never expanded: aliases are
 * refused outright (the "billion laughs" attack is an alias tree), nesting is
 * limited to YAML_MAX_DEPTH, the text to YAML_MAX_SIZE bytes; libyaml itself
 * refuses invalid UTF-8, NUL bytes and tabs used as indentation.
 *
 * Writing: block style with mapping keys sorted, sequences not indented
 * under their key, strings quoted only where a plain scalar would read back
 * as something else: the shape `podman kube generate` prints (its YAML goes
 * through JSON and go-yaml, which sorts keys). */
#ifndef WARREN_YAMLJSON_H
#define WARREN_YAMLJSON_H

#include <stddef.h>

#include <json-c/json.h>

#include "lib/err.h"

#define YAML_MAX_SIZE  (4 * 1024 * 1024) /* bytes of one stream */
#define YAML_MAX_DEPTH 64		 /* nested mappings and sequences */
#define YAML_MAX_DOCS  1024		 /* documents in one stream */

/* Parses text[0..len). On success *docs is a new JSON array of the
 * documents (the caller puts it); returns 0. -1 with err "line N: what". */
int yaml_to_json(const char *text, size_t len, struct json_object **docs, struct werr *err);

/* Reads path ("-" is stdin, at most YAML_MAX_SIZE bytes) and parses it;
 * errors are prefixed with the path. */
int yaml_to_json_file(const char *path, struct json_object **docs, struct werr *err);

/* o as one YAML document (no "---" line), malloc'd, ending in a newline.
 * NULL with err set if o holds what YAML cannot (a double that is NaN). */
char *json_to_yaml(struct json_object *o, struct werr *err);

#endif
