/* Unit tests: the shared json helpers (lib/json.c; issue 5 item 18). */
#include "tests/unit/unit.h"

#include "lib/json.h"
#include "lib/util.h"

#include <stdlib.h>

UNIT_TEST(json_lookups_chain_through_null)
{
	struct werr err = {0};
	struct json_object *o =
	    jparse("{\"a\":{\"s\":\"x\",\"n\":1,\"v\":[\"p\",2,\"q\"]},\"e\":[]}", "t", &err);

	CHECK(o != NULL);
	CHECK_STR(jstr(jget(o, "a"), "s"), "x");
	CHECK(jstr(jget(o, "a"), "n") == NULL);	   /* not a string */
	CHECK(jstr(jget(o, "nope"), "s") == NULL); /* absent parent */
	CHECK(jget(jarr(o, "e"), "x") == NULL);	   /* an array is no object */
	CHECK(jarr(o, "a") == NULL && jarr(jget(o, "a"), "v") != NULL);
	CHECK(jlen(jarr(jget(o, "a"), "v")) == 3 && jlen(jget(o, "a")) == 0 && jlen(NULL) == 0);
	{
		char *s = jstrdup(jget(o, "a"), "s");
		CHECK_STR(s, "x");
		free(s);
	}
	CHECK(jstrdup(o, "a") == NULL);
	json_object_put(o);
}

UNIT_TEST(json_strv_round_trip)
{
	struct werr err = {0};
	struct json_object *o = jparse("{\"v\":[\"p\",2,\"q\"]}", "t", &err);
	char **v = jstrv(jget(o, "v")), **none = jstrv(NULL);
	char *in[] = {"a", "b c", NULL};
	struct json_object *a = jnew_strv(in), *empty = jnew_strv(NULL);

	CHECK(strv_len(v) == 2); /* the number is skipped */
	CHECK_STR(v[0], "p");
	CHECK_STR(v[1], "q");
	CHECK(none != NULL && none[0] == NULL);
	CHECK_STR(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN), "[\"a\",\"b c\"]");
	CHECK(jlen(empty) == 0 && json_object_is_type(empty, json_type_array));
	strv_free(v);
	strv_free(none);
	json_object_put(a);
	json_object_put(empty);
	json_object_put(o);
}

UNIT_TEST(json_parse_errors_name_the_input)
{
	struct werr err = {0};

	CHECK(jparse("{\"a\":", "manifest.json", &err) == NULL);
	CHECK(strstr(err.msg, "manifest.json: invalid JSON") != NULL);
	CHECK(jparse(NULL, "x", &err) == NULL);
}

UNIT_MAIN()
