/* format.h - output: aligned tables as Podman prints them, JSON, and Go
 * templates (lib/gotmpl.h) with Podman's --format conventions. */
#ifndef WARREN_FORMAT_H
#define WARREN_FORMAT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>

#include "lib/err.h"

struct table;

/* A table with ncols columns; cells are copied. Podman's layout: each
 * column but the last is max(12, widest cell + 2) wide (Go's tabwriter with
 * minwidth 12, padding 2, as Podman's report package sets it up). */
struct table *table_new(size_t ncols);
void table_add(struct table *t, const char *const *cells);
void table_print(struct table *t, FILE *out);
void table_free(struct table *t);

/* Prints a JSON value as Go's json.MarshalIndent with a newline: 4-space
 * indent and <, >, & escaped, as `podman images --format json`. */
void print_json(FILE *out, struct json_object *v);

/* The same with the indent and HTML escaping a command uses in Podman
 * (ps and info: "  ", escaped; inspect: 5 spaces, not escaped). */
void print_json_go(FILE *out, struct json_object *v, const char *indent, bool escape_html);

/* The name templates get in error messages: Podman names them after the
 * command ("template: ps:1:13: executing \"ps\" at <.Foo>: ..."). name is
 * borrowed (a static string). */
void format_set_name(const char *name);

/* Renders Go template tmpl against obj (one object, as inspect and info
 * do): "\t" and "\n" typed literally are a tab and a newline first (as
 * Podman's; when that breaks the template, e.g. '{{printf "\n"}}', it is
 * parsed as given). Errors are Go's ("template: NAME:1:2: executing ...").
 * The last template is kept parsed for the next call. Result malloc'd. */
char *template_render(const char *tmpl, struct json_object *obj, struct werr *err);

/* Prints n objects the way Podman's --format does (the one output path of
 * every listing command; issue 6), parsing the template once and printing
 * nothing when it fails (Podman's report package, facts checked):
 *  - "json" (or "{{json}}", "{{ json. }}"): the objects as one pretty JSON
 *    array;
 *  - "table TEMPLATE": a header row, TEMPLATE rendered against headers (a
 *    JSON object mapping each field name to its column title, e.g.
 *    {"ID": "CONTAINER ID"}; upper-cased as Podman's overrides; a field
 *    without one is titled by its name split at case changes, "CreatedAt"
 *    -> "CREATED AT"), then one row per object. As Podman's, spaces in
 *    TEMPLATE are column breaks too; the cells are aligned by Go's
 *    tabwriter rules (minwidth 12, padding 2, column blocks);
 *  - any other TEMPLATE: rendered per object with a newline added unless
 *    TEMPLATE ends in one; a TEMPLATE with its own "{{range .}}...{{end}}"
 *    runs once over the array of objects.
 * "\t" and "\n" typed literally are a tab and a newline (see
 * template_render). Templates run inside "{{range .}}...{{end -}}" as
 * Podman's do, so error columns count that prefix as Podman's do
 * ("template: ps:1:13: ..."). "table" alone is no table (Podman prints the
 * word per object). headers may be NULL. A command's default output is its
 * own "table ..." template. Returns 0, or -1 with err set (exit 125). */
int format_print(FILE *out, const char *format, struct json_object *const *objs, size_t n,
		 struct json_object *headers, struct werr *err);

/* Is format one of Podman's spellings of JSON output ("json", "{{json}}",
 * "{{ json . }}")? For commands that print their JSON their own way. */
bool format_is_json(const char *format);

/* format_print, then drops the objects and frees the array (both the
 * caller's until now). */
int format_print_owned(FILE *out, const char *format, struct json_object **objs, size_t n,
		       struct json_object *headers, struct werr *err);

#endif
