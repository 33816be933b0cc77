/* gotmpl.h - Go's text/template, in C, over json-c values (issue 6): the
 * engine behind every --format. A template is parsed once and executed
 * against many values.
 *
 * Data model: a JSON object is a Go struct or map, an array a slice, and
 * strings, integers, doubles, booleans and null are themselves. An object
 * counts as a map (a missing key is "<no value>", as a Go map's) when it is
 * empty, has a key that is no Go identifier, or holds only strings under
 * some lower-case key (labels); else it is a struct, and a missing field is
 * Go's "can't evaluate field X in type ..." error. A struct's field is found
 * by exact name, then case-insensitively (Podman's templates name Go fields,
 * {{.Store.GraphRoot}}, where its JSON says graphRoot); so is a map key.
 *
 * All of Go's actions: text, comments, trimming ("{{- " and " -}}"),
 * pipelines, variables, if/else if/else, range (slices, maps in key order,
 * integers; else, break, continue), with/else with, define, template and
 * block.
 *
 * Functions: Go's builtins (and, or, not, len, index, slice, print, printf,
 * println, eq, ne, lt, le, gt, ge, html, urlquery, js) and Podman's (json,
 * lower, upper, title, join, split, truncate, pad) plus humanSize and
 * contains. Errors use Go's words: "template: NAME:LINE: ..." for parsing,
 * "template: NAME:LINE:COL: executing \"NAME\" at <NODE>: ..." for running. */
#ifndef WARREN_GOTMPL_H
#define WARREN_GOTMPL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h"

struct gotmpl;

/* Parses text as template NAME (the name is part of every error). Returns
 * the parsed template (free with gotmpl_free), or NULL with err set. */
struct gotmpl *gotmpl_parse(const char *name, const char *text, struct werr *err);

/* Runs t with dot = data, appending the output to *buf and *len (*buf may be
 * NULL; it is realloc'd and stays NUL-terminated). Returns 0, or -1 with err
 * set (the output of a failed run is undefined; callers drop it). */
int gotmpl_exec(const struct gotmpl *t, struct json_object *data, char **buf, size_t *len,
		struct werr *err);

/* Runs t with dot = data: the output, malloc'd, or NULL with err set. */
char *gotmpl_render(const struct gotmpl *t, struct json_object *data, struct werr *err);

/* The distinct names X of the fields {{.X...}} and {{$.X...}} the template
 * uses (first element of each chain), a NULL-terminated vector the caller
 * frees with strv_free (never NULL). */
char **gotmpl_fields(const struct gotmpl *t);

void gotmpl_free(struct gotmpl *t);

/* v as Go's encoding/json writes it (the template's json function, and
 * --format json): compact when indent is NULL, else json.MarshalIndent's
 * layout with that indent ("[]" and "{}" when empty); members in their
 * order; floats as Go's (1.0 is "1", 1e-7 is "1e-7"); escape_html:
 * <, > and & as \u003c... (json.Marshal's default; Podman's json function
 * and inspect turn it off). Result malloc'd. */
char *gotmpl_json(struct json_object *v, const char *indent, bool escape_html);

/* Marks the integer under key of o (when there is one) as a Go
 * time.Duration in nanoseconds: printed as Go prints one ("7s", "1m30s"),
 * while json still writes the number, as Go's encoding/json does. */
void gotmpl_mark_duration(struct json_object *o, const char *key);

#endif
