/* toml.h - a TOML (1.0) parser into json-c objects, for the configuration
 * files users already have: registries.conf, containers.conf, storage.conf.
 *
 * Tables become JSON objects, arrays (and arrays of tables) JSON arrays,
 * strings strings, integers int64, floats doubles, booleans booleans.
 * Not supported (refused with an error, never guessed): dates and times.
 * Hostile input is refused with "line N: ..." errors: duplicate keys,
 * redefined tables, bad escapes, control characters, NUL bytes, invalid
 * UTF-8, nesting deeper than TOML_MAX_DEPTH, texts over TOML_MAX_SIZE. */
#ifndef WARREN_TOML_H
#define WARREN_TOML_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "lib/err.h"

#define TOML_MAX_SIZE  (1024 * 1024) /* bytes of one document */
#define TOML_MAX_DEPTH 64	     /* nested arrays/inline tables; parts of one key */

/* Parses text[0..len) (no NUL needed, none allowed). On success *out is a new
 * object (the root table) the caller puts; returns 0. -1 with err set to
 * "line N: what" on bad input. */
int toml_parse(const char *text, size_t len, struct json_object **out, struct werr *err);

/* Reads and parses the file at path (at most TOML_MAX_SIZE bytes). -1 with
 * err "PATH: line N: ..." (err->errnum ENOENT when the file does not exist,
 * so callers can treat a missing file as empty). */
int toml_parse_file(const char *path, struct json_object **out, struct werr *err);

/* s as a TOML basic string, quoted and escaped ("a\"b"); malloc'd. */
char *toml_quote(const char *s);

#endif
