#include "lib/json.h"
#include "lib/util.h"

struct json_object *jget(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v = jget(o, key);

	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

char *jstrdup(struct json_object *o, const char *key)
{
	const char *s = jstr(o, key);

	return s != NULL ? xstrdup(s) : NULL;
}

struct json_object *jarr(struct json_object *o, const char *key)
{
	struct json_object *v = jget(o, key);

	return json_object_is_type(v, json_type_array) ? v : NULL;
}

size_t jlen(struct json_object *arr)
{
	return json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
}

char **jstrv(struct json_object *arr)
{
	size_t n = jlen(arr), k = 0;
	char **v = xcalloc(n + 1, sizeof(char *));

	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		if (json_object_is_type(e, json_type_string))
			v[k++] = xstrdup(json_object_get_string(e));
	}
	return v;
}

struct json_object *jnew_strv(char *const *v)
{
	struct json_object *a = json_object_new_array_ext((int)strv_len(v) + 1);

	for (; v != NULL && *v != NULL; v++)
		json_object_array_add(a, json_object_new_string(*v));
	return a;
}

struct json_object *jparse(const char *text, const char *what, struct werr *err)
{
	struct json_object *o = json_tokener_parse(text != NULL ? text : "");

	if (o == NULL)
		werr_set(err, 0, "%s: invalid JSON", what);
	return o;
}

void jset(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

void jset_str(struct json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, json_object_new_string(s ? s : ""));
}
