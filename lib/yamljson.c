/* yamljson.c - YAML into json-c objects and back (see yamljson.h).
 *
 * The reader walks libyaml's event stream rather than loading its document
 * tree: yaml_parser_load() would resolve aliases into a graph first, and
 * what is refused should be refused before it is built. */
#include "lib/yamljson.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "lib/cleanup.h"
#include "lib/sbuf.h"
#include "lib/util.h"

#define TAG_PREFIX "tag:yaml.org,2002:"

struct reader {
	yaml_parser_t p;
	yaml_event_t ev; /* the current event, owned */
	bool have_ev;
	struct werr *err;
};

static int at(struct reader *r, const yaml_mark_t *m, const char *what)
{
	return werr_set(r->err, 0, "line %zu: %s", m->line + 1, what);
}

static int next(struct reader *r)
{
	if (r->have_ev)
		yaml_event_delete(&r->ev);
	r->have_ev = false;
	if (!yaml_parser_parse(&r->p, &r->ev)) {
		const char *what = r->p.problem ? r->p.problem : "invalid YAML";
		if (r->p.context)
			return werr_set(r->err, 0, "line %zu: %s %s", r->p.problem_mark.line + 1,
					what, r->p.context);
		return at(r, &r->p.problem_mark, what);
	}
	r->have_ev = true;
	if (r->ev.type == YAML_ALIAS_EVENT)
		return at(r, &r->ev.start_mark, "YAML aliases are not supported");
	return 0;
}

/* Whole-string matches of the core schema's plain scalar forms. */
static bool is_null_word(const char *s)
{
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	       !strcmp(s, "NULL");
}

static int bool_word(const char *s)
{
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
		return 1;
	if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
		return 0;
	return -1;
}

static bool all_of(const char *s, const char *set)
{
	return *s && strspn(s, set) == strlen(s);
}

static bool is_int_word(const char *s)
{
	if (!strncmp(s, "0x", 2))
		return all_of(s + 2, "0123456789abcdefABCDEF");
	if (!strncmp(s, "0o", 2))
		return all_of(s + 2, "01234567");
	if (*s == '-' || *s == '+')
		s++;
	return all_of(s, "0123456789");
}

static bool is_float_word(const char *s)
{
	const char *p = s;
	bool digits = false;

	if (*p == '-' || *p == '+')
		p++;
	for (; *p >= '0' && *p <= '9'; p++)
		digits = true;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits = true;
	if (!digits)
		return false;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == '\0';
}

/* Would a plain scalar s read back as something other than a string? */
static bool plain_is_typed(const char *s)
{
	return is_null_word(s) || bool_word(s) >= 0 || is_int_word(s) || is_float_word(s) ||
	       !strcmp(s, ".inf") || !strcmp(s, "-.inf") || !strcmp(s, ".nan");
}

static int typed_scalar(struct reader *r, const char *s, size_t len, struct json_object **out)
{
	int b;

	if (strlen(s) != len)
		return at(r, &r->ev.start_mark, "NUL byte in a scalar");
	if (is_null_word(s)) {
		*out = NULL;
		return 0;
	}
	if ((b = bool_word(s)) >= 0) {
		*out = json_object_new_boolean(b);
		return 0;
	}
	if (is_int_word(s)) {
		/* 0755 is octal too, as Kubernetes' YAML 1.1 parser reads a
		 * volume's defaultMode */
		bool old_octal = s[0] == '0' && all_of(s + 1, "01234567");
		int base = !strncmp(s, "0x", 2) ? 16 : !strncmp(s, "0o", 2) || old_octal ? 8 : 10;
		char *end;
		errno = 0;
		long long v = strtoll(base == 10 || old_octal ? s : s + 2, &end, base);
		if (errno || *end)
			return at(r, &r->ev.start_mark, "integer out of range");
		*out = json_object_new_int64(v);
		return 0;
	}
	if (is_float_word(s)) {
		*out = json_object_new_double(strtod(s, NULL));
		return 0;
	}
	/* .inf and .nan have no JSON form; nothing in a manifest needs them */
	*out = json_object_new_string_len(s, (int)len);
	return 0;
}

static int scalar(struct reader *r, struct json_object **out)
{
	const char *s = (const char *)r->ev.data.scalar.value;
	size_t len = r->ev.data.scalar.length;
	const char *tag = (const char *)r->ev.data.scalar.tag;

	if (tag && strcmp(tag, "!") && strcmp(tag, TAG_PREFIX "str") &&
	    strcmp(tag, TAG_PREFIX "int") && strcmp(tag, TAG_PREFIX "bool") &&
	    strcmp(tag, TAG_PREFIX "null") && strcmp(tag, TAG_PREFIX "float"))
		return at(r, &r->ev.start_mark, "unsupported YAML tag");
	if ((tag && (!strcmp(tag, "!") || !strcmp(tag, TAG_PREFIX "str"))) ||
	    !r->ev.data.scalar.plain_implicit) {
		*out = json_object_new_string_len(s, (int)len);
		return 0;
	}
	return typed_scalar(r, s, len, out);
}

static int node(struct reader *r, int depth, struct json_object **out);

static int mapping(struct reader *r, int depth, struct json_object **out)
{
	cleanup_json struct json_object *o = json_object_new_object();

	for (;;) {
		struct json_object *v = NULL;
		cleanup_free char *key = NULL;
		if (next(r) < 0)
			return -1;
		if (r->ev.type == YAML_MAPPING_END_EVENT)
			break;
		if (r->ev.type != YAML_SCALAR_EVENT)
			return at(r, &r->ev.start_mark, "mapping keys must be scalars");
		key = xstrndup((const char *)r->ev.data.scalar.value, r->ev.data.scalar.length);
		if (strlen(key) != r->ev.data.scalar.length)
			return at(r, &r->ev.start_mark, "NUL byte in a key");
		if (json_object_object_get_ex(o, key, NULL)) {
			char what[160];
			snprintf(what, sizeof(what), "duplicate key '%.100s'", key);
			text_scrub(what);
			return at(r, &r->ev.start_mark, what);
		}
		if (next(r) < 0 || node(r, depth + 1, &v) < 0)
			return -1;
		json_object_object_add(o, key, v);
	}
	*out = steal_pointer(&o);
	return 0;
}

static int sequence(struct reader *r, int depth, struct json_object **out)
{
	cleanup_json struct json_object *a = json_object_new_array();

	for (;;) {
		struct json_object *v = NULL;
		if (next(r) < 0)
			return -1;
		if (r->ev.type == YAML_SEQUENCE_END_EVENT)
			break;
		if (node(r, depth + 1, &v) < 0)
			return -1;
		json_object_array_add(a, v);
	}
	*out = steal_pointer(&a);
	return 0;
}

/* The node whose first event is current. */
static int node(struct reader *r, int depth, struct json_object **out)
{
	if (depth > YAML_MAX_DEPTH)
		return at(r, &r->ev.start_mark, "nesting too deep");
	switch (r->ev.type) {
	case YAML_SCALAR_EVENT:
		return scalar(r, out);
	case YAML_MAPPING_START_EVENT:
		return mapping(r, depth, out);
	case YAML_SEQUENCE_START_EVENT:
		return sequence(r, depth, out);
	default:
		return at(r, &r->ev.start_mark, "unexpected YAML event");
	}
}

static int stream(struct reader *r, struct json_object *docs)
{
	if (next(r) < 0)
		return -1; /* STREAM-START */
	for (;;) {
		struct json_object *d = NULL;
		if (next(r) < 0)
			return -1;
		if (r->ev.type == YAML_STREAM_END_EVENT)
			return 0;
		if (json_object_array_length(docs) >= YAML_MAX_DOCS)
			return at(r, &r->ev.start_mark, "too many documents");
		/* DOCUMENT-START, the root node, DOCUMENT-END */
		if (next(r) < 0 || node(r, 1, &d) < 0)
			return -1;
		json_object_array_add(docs, d);
		if (next(r) < 0)
			return -1;
	}
}

int yaml_to_json(const char *text, size_t len, struct json_object **docs, struct werr *err)
{
	struct reader r = {.err = err};
	cleanup_json struct json_object *a = json_object_new_array();
	int rc;

	if (len > YAML_MAX_SIZE)
		return werr_set(err, 0, "YAML text too large (%zu bytes, at most %d)", len,
				YAML_MAX_SIZE);
	if (memchr(text, '\0', len))
		return werr_set(err, 0, "NUL byte in YAML text");
	if (!yaml_parser_initialize(&r.p))
		return werr_set(err, ENOMEM, "YAML parser");
	yaml_parser_set_input_string(&r.p, (const unsigned char *)text, len);
	yaml_parser_set_encoding(&r.p, YAML_UTF8_ENCODING);
	rc = stream(&r, a);
	if (r.have_ev)
		yaml_event_delete(&r.ev);
	yaml_parser_delete(&r.p);
	if (rc < 0)
		return -1;
	*docs = steal_pointer(&a);
	return 0;
}

int yaml_to_json_file(const char *path, struct json_object **docs, struct werr *err)
{
	size_t len = 0;
	cleanup_free char *text =
	    read_file_max(!strcmp(path, "-") ? "/dev/stdin" : path, YAML_MAX_SIZE, &len, err);

	if (text == NULL)
		return -1;
	if (yaml_to_json(text, len, docs, err) < 0)
		return werr_wrap(err, "%s", path);
	return 0;
}

/* ---- writing ---- */

static int obuf_write(void *data, unsigned char *buffer, size_t size)
{
	sbuf_addn(data, buffer, size);
	return 1;
}

/* Plain strings go-yaml (YAML 1.1) would read as something else too:
 * its booleans (yes, off ...) and timestamps; quoted, as it writes them. */
static bool needs_quotes(const char *s)
{
	static const char *const yaml11[] = {"y",  "Y",	 "yes", "Yes", "YES", "n",   "N",   "no",
					     "No", "NO", "on",	"On",  "ON",  "off", "Off", "OFF"};

	if (plain_is_typed(s))
		return true;
	for (size_t i = 0; i < sizeof(yaml11) / sizeof(yaml11[0]); i++)
		if (!strcmp(s, yaml11[i]))
			return true;
	return strlen(s) >= 10 && strspn(s, "0123456789") == 4 && s[4] == '-';
}

static int emit_scalar(yaml_emitter_t *e, const char *s, size_t len, bool string)
{
	yaml_event_t ev;
	yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;

	/* a string that reads back as a number or boolean is quoted, as
	 * go-yaml does ("8080", "true"); multi-line text becomes a literal
	 * block */
	if (string && needs_quotes(s))
		style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	else if (string && memchr(s, '\n', len))
		style = YAML_LITERAL_SCALAR_STYLE;
	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)len, 1, 1, style);
	return yaml_emitter_emit(e, &ev) ? 0 : -1;
}

static int keycmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int emit_node(yaml_emitter_t *e, struct json_object *o, struct werr *err);

static int emit_object(yaml_emitter_t *e, struct json_object *o, struct werr *err)
{
	yaml_event_t ev;
	size_t n = (size_t)json_object_object_length(o), i = 0;
	cleanup_free const char **keys = xcalloc(n + 1, sizeof(*keys));

	json_object_object_foreach(o, k, v)
	{
		(void)v;
		keys[i++] = k;
	}
	qsort(keys, n, sizeof(*keys), keycmp);
	yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
					    n ? YAML_BLOCK_MAPPING_STYLE : YAML_FLOW_MAPPING_STYLE);
	if (!yaml_emitter_emit(e, &ev))
		return -1;
	for (i = 0; i < n; i++) {
		if (emit_scalar(e, keys[i], strlen(keys[i]), true) < 0 ||
		    emit_node(e, json_object_object_get(o, keys[i]), err) < 0)
			return -1;
	}
	yaml_mapping_end_event_initialize(&ev);
	return yaml_emitter_emit(e, &ev) ? 0 : -1;
}

static int emit_array(yaml_emitter_t *e, struct json_object *o, struct werr *err)
{
	yaml_event_t ev;
	size_t n = json_object_array_length(o);

	yaml_sequence_start_event_initialize(
	    &ev, NULL, NULL, 1, n ? YAML_BLOCK_SEQUENCE_STYLE : YAML_FLOW_SEQUENCE_STYLE);
	if (!yaml_emitter_emit(e, &ev))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (emit_node(e, json_object_array_get_idx(o, i), err) < 0)
			return -1;
	yaml_sequence_end_event_initialize(&ev);
	return yaml_emitter_emit(e, &ev) ? 0 : -1;
}

static int emit_node(yaml_emitter_t *e, struct json_object *o, struct werr *err)
{
	char num[64];

	switch (json_object_get_type(o)) {
	case json_type_null:
		return emit_scalar(e, "null", 4, false);
	case json_type_boolean:
		return emit_scalar(e, json_object_get_boolean(o) ? "true" : "false",
				   json_object_get_boolean(o) ? 4 : 5, false);
	case json_type_int:
		snprintf(num, sizeof(num), "%lld", (long long)json_object_get_int64(o));
		return emit_scalar(e, num, strlen(num), false);
	case json_type_double:
		if (!isfinite(json_object_get_double(o)))
			return werr_set(err, 0, "a number YAML cannot hold");
		snprintf(num, sizeof(num), "%.17g", json_object_get_double(o));
		return emit_scalar(e, num, strlen(num), false);
	case json_type_string:
		return emit_scalar(e, json_object_get_string(o),
				   (size_t)json_object_get_string_len(o), true);
	case json_type_object:
		return emit_object(e, o, err);
	case json_type_array:
		return emit_array(e, o, err);
	}
	return werr_set(err, 0, "unknown JSON type");
}

static int emit_doc(yaml_emitter_t *e, struct json_object *o, struct werr *err)
{
	yaml_event_t ev;

	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	if (!yaml_emitter_emit(e, &ev))
		return -1;
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	if (!yaml_emitter_emit(e, &ev) || emit_node(e, o, err) < 0)
		return -1;
	yaml_document_end_event_initialize(&ev, 1);
	if (!yaml_emitter_emit(e, &ev))
		return -1;
	yaml_stream_end_event_initialize(&ev);
	return yaml_emitter_emit(e, &ev) ? 0 : -1;
}

char *json_to_yaml(struct json_object *o, struct werr *err)
{
	yaml_emitter_t e;
	struct sbuf b = {0};
	int rc;

	if (!yaml_emitter_initialize(&e))
		return werr_set(err, ENOMEM, "YAML emitter"), NULL;
	yaml_emitter_set_output(&e, obuf_write, &b);
	yaml_emitter_set_unicode(&e, 1);
	yaml_emitter_set_width(&e, -1);
	yaml_emitter_set_indent(&e, 2);
	err->msg[0] = '\0';
	rc = emit_doc(&e, o, err);
	if (rc < 0 && !err->msg[0])
		werr_set(err, 0, "write YAML: %s", e.problem ? e.problem : "emitter error");
	yaml_emitter_delete(&e);
	if (rc < 0) {
		free(b.s);
		return NULL;
	}
	return sbuf_take(&b);
}
