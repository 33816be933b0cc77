/* Unit tests: YAML into JSON and back (lib/yamljson.c), good streams and
 * hostile ones. */
#include "tests/unit/unit.h"

#include "lib/cleanup.h"
#include "lib/util.h"
#include "lib/yamljson.h"

#include <stdlib.h>

/* The stream as compact JSON (static buffer), or "ERR: message". */
static const char *yj_len(const char *text, size_t len)
{
	static char out[8192];
	struct werr err = {0};
	struct json_object *o = NULL;

	if (yaml_to_json(text, len, &o, &err) < 0) {
		snprintf(out, sizeof(out), "ERR: %s", err.msg);
		return out;
	}
	snprintf(out, sizeof(out), "%s",
		 json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return out;
}

static const char *yj(const char *text)
{
	return yj_len(text, strlen(text));
}

static int fails_with(const char *text, const char *msg)
{
	const char *r = yj(text);
	if (strncmp(r, "ERR: ", 5) != 0 || strstr(r, msg) == NULL || strchr(r, '\n')) {
		printf("  input %.60s -> %.200s (wanted %s)\n", text, r, msg);
		return 0;
	}
	return 1;
}

/* JSON text -> YAML (static buffer). */
static const char *jy(const char *json)
{
	static char out[8192];
	struct werr err = {0};
	struct json_object *o = json_tokener_parse(json);
	char *y = json_to_yaml(o, &err);

	snprintf(out, sizeof(out), "%s", y ? y : err.msg);
	free(y);
	json_object_put(o);
	return out;
}

UNIT_TEST(yaml_pod_manifest)
{
	const char *doc = "apiVersion: v1\n"
			  "kind: Pod\n"
			  "metadata:\n"
			  "  name: web # comment\n"
			  "  labels: {app: web}\n"
			  "spec:\n"
			  "  containers:\n"
			  "  - name: c\n"
			  "    image: 'alpine'\n"
			  "    command: [\"sh\", -c]\n"
			  "    args:\n"
			  "      - |\n"
			  "        echo hi\n"
			  "        sleep 1\n"
			  "    ports:\n"
			  "    - containerPort: 80\n"
			  "      hostPort: 0x1f90\n"
			  "    env:\n"
			  "    - {name: A, value: \"1\"}\n"
			  "    - {name: B, value: 1.5}\n"
			  "    - {name: C, value: ~}\n"
			  "    - {name: D, value: yes}\n";
	CHECK_STR(yj(doc),
		  "[{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\","
		  "\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"c\","
		  "\"image\":\"alpine\",\"command\":[\"sh\",\"-c\"],\"args\":[\"echo "
		  "hi\\nsleep 1\\n\"],\"ports\":[{\"containerPort\":80,\"hostPort\":8080}],"
		  "\"env\":[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\",\"value\":1.5},"
		  "{\"name\":\"C\",\"value\":null},{\"name\":\"D\",\"value\":\"yes\"}]}]}}]");
}

UNIT_TEST(yaml_scalars_typed_as_core_schema)
{
	CHECK_STR(yj("[true, False, TRUE, null, Null, ~, '', 0o17, -12, +3, 1e3, .5, .inf, 1.2.3]"),
		  "[[true,false,true,null,null,null,\"\",15,-12,3,1000.0,0.5,\".inf\",\"1.2.3\"]]");
	CHECK_STR(yj("[!!str 12, \"true\", !!str null, 'x']"),
		  "[[\"12\",\"true\",\"null\",\"x\"]]");
	CHECK_STR(yj("a:\n"), "[{\"a\":null}]");
	/* Kubernetes' YAML 1.1: 0400 is octal (a defaultMode); 09 is decimal */
	CHECK_STR(yj("[0400, 0, 09, 10]"), "[[256,0,9,10]]");
	CHECK(fails_with("a: 99999999999999999999\n", "line 1: integer out of range"));
	CHECK(fails_with("a: !custom x\n", "line 1: unsupported YAML tag"));
}

UNIT_TEST(yaml_multi_document)
{
	CHECK_STR(yj(""), "[]");
	CHECK_STR(yj("a: 1\n---\nb: 2\n...\n---\n- x\n"), "[{\"a\":1},{\"b\":2},[\"x\"]]");
	/* an empty document stays in its place: callers skip it */
	CHECK_STR(yj("---\n---\nkind: Pod\n"), "[null,{\"kind\":\"Pod\"}]");
	/* anchors alone are harmless and ignored */
	CHECK_STR(yj("a: &x 1\n"), "[{\"a\":1}]");
}

UNIT_TEST(yaml_refuses_aliases)
{
	/* billion laughs: never expanded, refused at the first alias */
	const char *lol =
	    "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
	    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
	    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
	    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n";
	CHECK(fails_with(lol, "line 2: YAML aliases are not supported"));
	CHECK(fails_with("base: &b {x: 1}\nder:\n  <<: *b\n",
			 "line 3: YAML aliases are not supported"));
	/* a self-referencing anchor cannot loop either */
	CHECK(fails_with("&a [*a]\n", "line 1: YAML aliases are not supported"));
}

UNIT_TEST(yaml_refuses_deep_nesting)
{
	char deep[400], ok[200];
	memset(deep, '[', 300);
	deep[300] = '\0';
	CHECK(fails_with(deep, "line 1: nesting too deep"));
	for (int i = 0; i < 75; i++)
		memcpy(deep + 4 * i, "{a: ", 4);
	CHECK(fails_with(deep, "nesting too deep"));
	/* YAML_MAX_DEPTH levels are fine */
	memset(ok, '[', YAML_MAX_DEPTH);
	memset(ok + YAML_MAX_DEPTH, ']', YAML_MAX_DEPTH);
	ok[2 * YAML_MAX_DEPTH] = '\0';
	CHECK(strncmp(yj(ok), "[[[[", 4) == 0);
	memset(ok, '[', YAML_MAX_DEPTH + 1);
	memset(ok + YAML_MAX_DEPTH + 1, ']', YAML_MAX_DEPTH + 1);
	ok[2 * YAML_MAX_DEPTH + 2] = '\0';
	CHECK(fails_with(ok, "nesting too deep"));
}

UNIT_TEST(yaml_refuses_huge_and_bad_text)
{
	size_t n = YAML_MAX_SIZE + 1;
	cleanup_free char *big = xmalloc(n + 1);
	memset(big, 'a', n);
	big[0] = 'x', big[1] = ':', big[2] = ' ';
	big[n] = '\0';
	CHECK(strstr(yj_len(big, n), "ERR: YAML text too large") == yj_len(big, n));
	/* a scalar just under the limit is read */
	CHECK(strncmp(yj_len(big, n - 1), "[{\"x\":\"aaa", 10) == 0);
	CHECK(fails_with("a: 1\n\tb: 2\n", "line 2: found a tab character"));
	CHECK(fails_with("a: \xff\xfe\n", "invalid"));
	CHECK(fails_with("a: \xc3\n", "UTF-8"));
	CHECK(strcmp(yj_len("a: b\0c", 6), "ERR: NUL byte in YAML text") == 0);
	CHECK(fails_with("a: 1\na: 2\n", "line 2: duplicate key 'a'"));
	CHECK(fails_with("? [a]\n: 1\n", "line 1: mapping keys must be scalars"));
	CHECK(fails_with("a: [1, 2\n", "line 2: did not find expected ',' or ']'"));
	CHECK(fails_with("a: b: c\n", "line 1: mapping values are not allowed"));
}

UNIT_TEST(yaml_emits_podman_shape)
{
	CHECK_STR(
	    jy("{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"alpine\",\"args\":[\"sh\","
	       "\"-c\"],\"ports\":[{\"hostPort\":8080,\"containerPort\":80}]}],\"hostname\":\"\"},"
	       "\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"creationTimestamp\":"
	       "null,\"labels\":{},\"annotations\":{\"num\":\"8080\",\"b\":\"true\"}}}"),
	    "apiVersion: v1\n"
	    "kind: Pod\n"
	    "metadata:\n"
	    "  annotations:\n"
	    "    b: \"true\"\n"
	    "    num: \"8080\"\n"
	    "  creationTimestamp: null\n"
	    "  labels: {}\n"
	    "spec:\n"
	    "  containers:\n"
	    "  - args:\n"
	    "    - sh\n"
	    "    - -c\n"
	    "    image: alpine\n"
	    "    name: c\n"
	    "    ports:\n"
	    "    - containerPort: 80\n"
	    "      hostPort: 8080\n"
	    "  hostname: \"\"\n");
	CHECK_STR(jy("[]"), "[]\n");
	/* what go-yaml (YAML 1.1) would misread is quoted as it writes it */
	CHECK_STR(
	    jy("[\"yes\",\"off\",\"2026-12-02T20:01:56Z\",\"1e3\",\"~\",\"yesno\"]"),
	    "- \"yes\"\n- \"off\"\n- \"2026-12-02T20:01:56Z\"\n- \"1e3\"\n- \"~\"\n- yesno\n");
	CHECK_STR(jy("{\"a\":[true,1.5,\"x: y\",\"l1\\nl2\"]}"),
		  "a:\n- true\n- 1.5\n- 'x: y'\n- |-\n  l1\n  l2\n");
}

UNIT_TEST(yaml_round_trip)
{
	const char *j = "{\"a\":[1,\"1\",null,\"null\",\"\",{\"b\":\"-c\",\"c\":[]}],\"d\":\"é ü\","
			"\"e\":\"#x\",\"f\":\"a\\tb\"}";
	struct json_object *in = json_tokener_parse(j), *back = NULL;
	struct werr err = {0};
	cleanup_free char *y = json_to_yaml(in, &err);
	CHECK(y != NULL);
	CHECK(yaml_to_json(y, strlen(y), &back, &err) == 0);
	CHECK(json_object_equal(in, json_object_array_get_idx(back, 0)));
	json_object_put(in);
	json_object_put(back);
}

UNIT_MAIN()
