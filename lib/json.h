/* json.h - the one set of small json-c helpers every folder uses (issue 5
 * item 18: there were four private copies). All of them take NULL for "absent"
 * so that lookups chain: jstr(jget(root, "process"), "cwd"). Returned objects
 * are borrowed from their parent unless the comment says "new". */
#ifndef WARREN_JSON_H
#define WARREN_JSON_H

#include <json-c/json.h>
#include <stddef.h>

#include "lib/err.h"

/* Member KEY of object o; NULL when o is NULL, not an object, or has no KEY. */
struct json_object *jget(struct json_object *o, const char *key);
/* Member KEY when it is a string, else NULL. */
const char *jstr(struct json_object *o, const char *key);
/* A malloc'd copy of jstr(o, key), or NULL. */
char *jstrdup(struct json_object *o, const char *key);
/* Member KEY when it is an array, else NULL. */
struct json_object *jarr(struct json_object *o, const char *key);
/* The length of arr when it is an array, else 0. */
size_t jlen(struct json_object *arr);
/* The strings of array arr as a new NULL-terminated vector (non-strings are
 * skipped); never NULL: empty when arr is NULL or not an array. Caller frees
 * with strv_free. */
char **jstrv(struct json_object *arr);
/* A new JSON array of the strings of v (NULL: an empty array). */
struct json_object *jnew_strv(char *const *v);
/* Parses text; a new object, or NULL with err "WHAT: invalid JSON". */
/* o[key] = v (v's reference moves to o; NULL is JSON null). */
void jset(struct json_object *o, const char *key, struct json_object *v);
/* o[key] = s as a JSON string, "" for NULL. */
void jset_str(struct json_object *o, const char *key, const char *s);

struct json_object *jparse(const char *text, const char *what, struct werr *err);

#endif
