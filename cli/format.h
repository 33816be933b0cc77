/* format.h - output: aligned tables as Podman prints them, JSON, and a
 * subset of Go templates ({{.Field}}, {{.A.B}}, {{json .X}}, "table"). */
#ifndef WARREN_FORMAT_H
#define WARREN_FORMAT_H

#include <json-c/json.h>
#include <stdio.h>

#include "lib/err.h"

struct table;

/* A table with ncols columns; cells are copied. Podman's layout: each
 * column but the last is max(12, widest cell + 2) wide (Go's tabwriter with
 * minwidth 12, padding 2). */
struct table *table_new(size_t ncols);
void table_add(struct table *t, const char *const *cells);
void table_print(struct table *t, FILE *out);
void table_free(struct table *t);

/* Prints a JSON value pretty (4-space indent, as Podman) with a newline. */
void print_json(FILE *out, struct json_object *v);

/* Renders a Go-template subset against obj: fields by {{.Name}} /
 * {{.A.B}} (case-sensitive JSON keys), {{json .X}}, {{.}} ; "\t" and "\n"
 * escapes as text. Unknown fields are an error
 * ("template: can't evaluate field X"). Result malloc'd. */
char *template_render(const char *tmpl, struct json_object *obj, struct werr *err);

/* Prints n objects the way Podman's --format does (the one output path of
 * every listing command; issue 6):
 *  - "json": the objects as one pretty JSON array;
 *  - "table TEMPLATE": a header row, TEMPLATE rendered against headers (a
 *    JSON object mapping each field name to its column title, e.g.
 *    {"ID": "CONTAINER ID"}), then one row per object; cells are split at
 *    tabs and aligned as Podman's tabwriter does;
 *  - any other TEMPLATE: rendered once per object, a newline added when
 *    the rendering does not end in one.
 * headers may be NULL (titles are then made from the field names). A
 * command's default output is its own "table ..." template. Returns 0, or
 * -1 with err set (nothing printed) when the template is bad. */
int format_print(FILE *out, const char *format, struct json_object *const *objs, size_t n,
		 struct json_object *headers, struct werr *err);

#endif
