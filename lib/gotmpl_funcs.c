/* gotmpl_funcs.c - the template functions (issue 6): Go's builtins and
 * Podman's report.DefaultFuncs, with their error messages. */
#include "lib/gotmpl_int.h"
#include "lib/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FN(name)                                                                                   \
	static int name(struct gt_state *s, struct gt_val *a, size_t n, struct gt_val *out,        \
			char *eb, size_t el)

static int fail(char *eb, size_t el, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *eb, size_t el, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(eb, el, fmt, ap);
	va_end(ap);
	return -1;
}

static json_type vtype(struct gt_val v)
{
	return v.missing ? json_type_null : json_object_get_type(v.j);
}

static struct gt_val new_str(struct gt_state *s, const char *str, size_t n)
{
	return (struct gt_val){gt_keep(s, json_object_new_string_len(str, (int)n)), false};
}

/* takes ownership of buf */
static struct gt_val own_str(struct gt_state *s, char *buf, size_t n)
{
	struct gt_val v = new_str(s, buf ? buf : "", buf ? n : 0);

	free(buf);
	return v;
}

static struct gt_val new_bool(struct gt_state *s, bool b)
{
	return (struct gt_val){gt_keep(s, json_object_new_boolean(b)), false};
}

static struct gt_val new_int(struct gt_state *s, int64_t i)
{
	return (struct gt_val){gt_keep(s, json_object_new_int64(i)), false};
}

static const char *str(struct gt_val v)
{
	return json_object_get_string(v.j);
}

static size_t slen(struct gt_val v)
{
	return (size_t)json_object_get_string_len(v.j);
}

/* ---- comparison (Go's eq, lt and friends) ---- */

enum kind { K_INVALID, K_BOOL, K_INT, K_FLOAT, K_STRING, K_OTHER };

static enum kind kind_of(struct gt_val v)
{
	switch (vtype(v)) {
	case json_type_null:
		return K_INVALID;
	case json_type_boolean:
		return K_BOOL;
	case json_type_int:
		return K_INT;
	case json_type_double:
		return K_FLOAT;
	case json_type_string:
		return K_STRING;
	default:
		return K_OTHER;
	}
}

/* -1, 0, 1; only for equal basic kinds */
static int compare(struct gt_val x, struct gt_val y, enum kind k)
{
	if (k == K_INT) {
		int64_t p = json_object_get_int64(x.j), q = json_object_get_int64(y.j);
		return p < q ? -1 : p > q;
	}
	if (k == K_FLOAT) {
		double p = json_object_get_double(x.j), q = json_object_get_double(y.j);
		return p < q ? -1 : p > q;
	}
	if (k == K_BOOL)
		return json_object_get_boolean(x.j) != json_object_get_boolean(y.j);
	return strcmp(str(x), str(y)) < 0 ? -1 : strcmp(str(x), str(y)) > 0;
}

/* 1 equal, 0 not, -1 error */
static int equal(struct gt_val x, struct gt_val y, char *eb, size_t el)
{
	enum kind k1 = kind_of(x), k2 = kind_of(y);

	if (k1 != k2) {
		if (k1 != K_INVALID && k2 != K_INVALID)
			return fail(eb, el, "incompatible types for comparison");
		return 0;
	}
	if (k1 == K_INVALID)
		return 1;
	if (k1 == K_OTHER) {
		char *b = NULL, *c = NULL;
		size_t bl = 0, cl = 0;
		gt_print_value(&b, &bl, x);
		gt_print_value(&c, &cl, y);
		fail(eb, el, "non-comparable types %s: %s, %s: %s", b, gt_type_name(x),
		     gt_type_name(y), c);
		free(b);
		free(c);
		return -1;
	}
	return compare(x, y, k1) == 0;
}

FN(fn_eq)
{
	if (n < 2)
		return fail(eb, el, "missing argument for comparison");
	for (size_t i = 1; i < n; i++) {
		int r = equal(a[0], a[i], eb, el);
		if (r < 0)
			return -1;
		if (r == 1) {
			*out = new_bool(s, true);
			return 0;
		}
	}
	*out = new_bool(s, false);
	return 0;
}

FN(fn_ne)
{
	int r = equal(a[0], a[1], eb, el);

	if (r < 0)
		return -1;
	*out = new_bool(s, r == 0);
	return 0;
}

/* lt: 1 less, 0 not, -1 error */
static int less(struct gt_val x, struct gt_val y, char *eb, size_t el)
{
	enum kind k1 = kind_of(x), k2 = kind_of(y);

	if (k1 == K_INVALID || k1 == K_OTHER || k1 == K_BOOL || k2 == K_INVALID || k2 == K_OTHER ||
	    k2 == K_BOOL)
		return fail(eb, el, "invalid type for comparison");
	if (k1 != k2)
		return fail(eb, el, "incompatible types for comparison");
	return compare(x, y, k1) < 0;
}

static int ordered(struct gt_state *s, struct gt_val *a, struct gt_val *out, char *eb, size_t el,
		   bool want_less, bool or_equal)
{
	int lt = less(a[0], a[1], eb, el), eq;

	if (lt < 0)
		return -1;
	eq = equal(a[0], a[1], eb, el);
	if (eq < 0)
		return -1;
	*out = new_bool(s, want_less ? (lt || (or_equal && eq)) : !(lt || (!or_equal && eq)));
	return 0;
}

FN(fn_lt)
{
	return ordered(s, a, out, eb, el, true, false);
}

FN(fn_le)
{
	return ordered(s, a, out, eb, el, true, true);
}

FN(fn_gt)
{
	return ordered(s, a, out, eb, el, false, false);
}

FN(fn_ge)
{
	return ordered(s, a, out, eb, el, false, true);
}

FN(fn_not)
{
	*out = new_bool(s, !gt_truth(a[0]));
	return 0;
}

FN(fn_and_or)
{
	return fail(eb, el, "internal error: and/or are evaluated lazily");
}

/* ---- len, index, slice ---- */

FN(fn_len)
{
	switch (vtype(a[0])) {
	case json_type_null:
		return fail(eb, el, "len of nil pointer");
	case json_type_string:
		*out = new_int(s, (int64_t)slen(a[0]));
		return 0;
	case json_type_array:
		*out = new_int(s, (int64_t)json_object_array_length(a[0].j));
		return 0;
	case json_type_object:
		*out = new_int(s, json_object_object_length(a[0].j));
		return 0;
	default:
		return fail(eb, el, "len of type %s", gt_type_name(a[0]));
	}
}

/* Go's indexArg: an int index into something of length cap */
static int index_arg(struct gt_val i, size_t cap, int64_t *x, char *eb, size_t el)
{
	if (vtype(i) == json_type_null)
		return fail(eb, el, "cannot index slice/array with nil");
	if (vtype(i) != json_type_int)
		return fail(eb, el, "cannot index slice/array with type %s", gt_type_name(i));
	*x = json_object_get_int64(i.j);
	if (*x < 0 || (uint64_t)*x > cap)
		return fail(eb, el, "index out of range: %lld", (long long)*x);
	return 0;
}

/* a missing map key: the zero value of the map's element type */
static struct gt_val map_zero(struct gt_state *s, struct json_object *o)
{
	json_object_object_foreach(o, k, v)
	{
		(void)k;
		if (!json_object_is_type(v, json_type_string))
			return (struct gt_val){NULL, true};
	}
	return new_str(s, "", 0);
}

static int index_one(struct gt_state *s, struct gt_val *item, struct gt_val i, char *eb, size_t el)
{
	json_type t = vtype(*item);
	int64_t x;
	struct json_object *v;

	if (t == json_type_array || t == json_type_string) {
		size_t cap =
		    t == json_type_string ? slen(*item) : json_object_array_length(item->j);
		if (index_arg(i, cap, &x, eb, el) < 0)
			return -1;
		if ((size_t)x == cap)
			return fail(eb, el, "reflect: slice index out of range");
		if (t == json_type_string)
			*item = new_int(s, (unsigned char)str(*item)[x]);
		else
			*item =
			    (struct gt_val){json_object_array_get_idx(item->j, (size_t)x), false};
		return 0;
	}
	if (t == json_type_object) {
		if (vtype(i) != json_type_string)
			return fail(eb, el, "value has type %s; should be string",
				    vtype(i) == json_type_null ? "<nil>" : gt_type_name(i));
		if (json_object_object_get_ex(item->j, str(i), &v))
			*item = (struct gt_val){v, false};
		else
			*item = map_zero(s, item->j);
		return 0;
	}
	if (t == json_type_null)
		return fail(eb, el, "index of nil pointer");
	return fail(eb, el, "can't index item of type %s", gt_type_name(*item));
}

FN(fn_index)
{
	struct gt_val item = a[0];

	if (vtype(item) == json_type_null)
		return fail(eb, el, "index of untyped nil");
	for (size_t i = 1; i < n; i++)
		if (index_one(s, &item, a[i], eb, el) < 0)
			return -1;
	*out = item;
	return 0;
}

FN(fn_slice)
{
	json_type t = vtype(a[0]);
	size_t cap, idx[3] = {0, 0, 0};

	if (t == json_type_null)
		return fail(eb, el, "slice of untyped nil");
	if (n > 4)
		return fail(eb, el, "too many slice indexes: %zu", n - 1);
	if (t != json_type_string && t != json_type_array)
		return fail(eb, el, "can't slice item of type %s", gt_type_name(a[0]));
	if (t == json_type_string && n == 4)
		return fail(eb, el, "cannot 3-index slice a string");
	cap = t == json_type_string ? slen(a[0]) : json_object_array_length(a[0].j);
	idx[1] = cap;
	for (size_t i = 1; i < n; i++) {
		int64_t x;
		if (index_arg(a[i], cap, &x, eb, el) < 0)
			return -1;
		idx[i - 1] = (size_t)x;
	}
	if (idx[0] > idx[1])
		return fail(eb, el, "invalid slice index: %zu > %zu", idx[0], idx[1]);
	if (t == json_type_string) {
		*out = new_str(s, str(a[0]) + idx[0], idx[1] - idx[0]);
		return 0;
	}
	struct json_object *arr = json_object_new_array();
	for (size_t i = idx[0]; i < idx[1]; i++)
		json_object_array_add(arr, json_object_get(json_object_array_get_idx(a[0].j, i)));
	*out = (struct gt_val){gt_keep(s, arr), false};
	return 0;
}

/* ---- printing ---- */

FN(fn_print)
{
	char *b = NULL;
	size_t len = 0;

	gt_sprint(&b, &len, a, n, false);
	*out = own_str(s, b, len);
	return 0;
}

FN(fn_println)
{
	char *b = NULL;
	size_t len = 0;

	gt_sprint(&b, &len, a, n, true);
	*out = own_str(s, b, len);
	return 0;
}

FN(fn_printf)
{
	char *b = NULL;
	size_t len = 0;

	gt_sprintf(&b, &len, str(a[0]), a + 1, n - 1);
	*out = own_str(s, b, len);
	return 0;
}

/* html, js, urlquery: one string argument as is, else Sprint of all */
static char *escaper_arg(struct gt_val *a, size_t n, size_t *len)
{
	char *b = NULL;

	*len = 0;
	if (n == 1 && vtype(a[0]) == json_type_string) {
		*len = slen(a[0]);
		return xstrndup(str(a[0]), *len);
	}
	gt_sprint(&b, len, a, n, false);
	return b ? b : xstrdup("");
}

FN(fn_html)
{
	size_t in, len = 0;
	char *src = escaper_arg(a, n, &in), *b = xstrdup("");

	for (size_t i = 0; i < in; i++) {
		const char *e = src[i] == '<'	 ? "&lt;"
				: src[i] == '>'	 ? "&gt;"
				: src[i] == '&'	 ? "&amp;"
				: src[i] == '\'' ? "&#39;"
				: src[i] == '"'	 ? "&#34;"
				: src[i] == 0	 ? "\xef\xbf\xbd"
						 : NULL;
		if (e)
			gt_puts(&b, &len, e, strlen(e));
		else
			gt_putc(&b, &len, src[i]);
	}
	free(src);
	*out = own_str(s, b, len);
	return 0;
}

FN(fn_js)
{
	size_t in, len = 0;
	char *src = escaper_arg(a, n, &in), *b = xstrdup("");

	for (size_t i = 0; i < in; i++) {
		unsigned char c = (unsigned char)src[i];
		char tmp[8];
		if (c == '\\' || c == '\'' || c == '"') {
			gt_putc(&b, &len, '\\');
			gt_putc(&b, &len, (char)c);
		} else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '=') {
			snprintf(tmp, sizeof(tmp), "\\u%04X", c);
			gt_puts(&b, &len, tmp, 6);
		} else {
			gt_putc(&b, &len, (char)c);
		}
	}
	free(src);
	*out = own_str(s, b, len);
	return 0;
}

FN(fn_urlquery)
{
	size_t in, len = 0;
	char *src = escaper_arg(a, n, &in), *b = xstrdup("");

	for (size_t i = 0; i < in; i++) {
		unsigned char c = (unsigned char)src[i];
		char tmp[4];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-_.~", c) != NULL) {
			gt_putc(&b, &len, (char)c);
		} else if (c == ' ') {
			gt_putc(&b, &len, '+');
		} else {
			snprintf(tmp, sizeof(tmp), "%%%02X", c);
			gt_puts(&b, &len, tmp, 3);
		}
	}
	free(src);
	*out = own_str(s, b, len);
	return 0;
}

/* ---- Podman's functions ---- */

FN(fn_json)
{
	char *b = NULL;
	size_t len = 0;

	gt_json(&b, &len, a[0].missing ? NULL : a[0].j);
	*out = own_str(s, b, len);
	return 0;
}

/* simple case mapping: ASCII, Latin-1, Greek and Cyrillic letters */
static uint32_t case_map(uint32_t r, bool up)
{
	if (up) {
		if ((r >= 'a' && r <= 'z') || (r >= 0xe0 && r <= 0xfe && r != 0xf7) ||
		    (r >= 0x3b1 && r <= 0x3c9 && r != 0x3c2) || (r >= 0x430 && r <= 0x44f))
			return r - 32;
		if (r >= 0x450 && r <= 0x45f)
			return r - 80;
		if (r == 0xff)
			return 0x178;
		return r;
	}
	if ((r >= 'A' && r <= 'Z') || (r >= 0xc0 && r <= 0xde && r != 0xd7) ||
	    (r >= 0x391 && r <= 0x3a9 && r != 0x3a2) || (r >= 0x410 && r <= 0x42f))
		return r + 32;
	if (r >= 0x400 && r <= 0x40f)
		return r + 80;
	if (r == 0x178)
		return 0xff;
	return r;
}

/* strings.Title's separators: ASCII other than letters, digits and '_' */
static bool is_separator(uint32_t r)
{
	if (r >= 0x80)
		return r == 0x85 || r == 0xa0 || r == 0x2028 || r == 0x2029 || r == 0x3000 ||
		       (r >= 0x2000 && r <= 0x200a);
	return !((r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') ||
		 r == '_');
}

/* mode: 'l' lower, 'u' upper, 't' title */
static struct gt_val map_case(struct gt_state *s, struct gt_val v, char mode)
{
	const char *p = str(v);
	size_t n = slen(v), len = 0;
	char *b = xstrdup("");
	uint32_t prev = ' ';

	for (size_t i = 0; i < n;) {
		uint32_t r;
		size_t k = gt_decode_rune(p + i, n - i, &r);
		bool bad = r == 0xfffd && k == 1 && (unsigned char)p[i] >= 0x80;
		uint32_t m = mode == 'l'			 ? case_map(r, false)
			     : mode == 'u' || is_separator(prev) ? case_map(r, true)
								 : r;
		if (bad || m == r)
			gt_puts(&b, &len, p + i, k);
		else
			gt_put_rune(&b, &len, m);
		prev = r;
		i += k;
	}
	return own_str(s, b, len);
}

FN(fn_lower)
{
	*out = map_case(s, a[0], 'l');
	return 0;
}

FN(fn_upper)
{
	*out = map_case(s, a[0], 'u');
	return 0;
}

FN(fn_title)
{
	*out = map_case(s, a[0], 't');
	return 0;
}

FN(fn_join)
{
	char *b = xstrdup("");
	size_t len = 0, m = a[0].j ? json_object_array_length(a[0].j) : 0;

	for (size_t i = 0; i < m; i++) {
		struct json_object *e = json_object_array_get_idx(a[0].j, i);
		if (i > 0)
			gt_puts(&b, &len, str(a[1]), slen(a[1]));
		gt_puts(&b, &len, json_object_get_string(e), (size_t)json_object_get_string_len(e));
	}
	*out = own_str(s, b, len);
	return 0;
}

FN(fn_split)
{
	struct json_object *arr = json_object_new_array();
	const char *p = str(a[0]), *sep = str(a[1]);
	size_t n0 = slen(a[0]), sl = slen(a[1]);

	if (sl == 0) {
		/* strings.Split with "": one element per UTF-8 sequence */
		for (size_t i = 0; i < n0;) {
			uint32_t r;
			size_t k = gt_decode_rune(p + i, n0 - i, &r);
			json_object_array_add(arr, json_object_new_string_len(p + i, (int)k));
			i += k;
		}
	} else {
		const char *end = p + n0;
		for (;;) {
			const char *hit = memmem(p, (size_t)(end - p), sep, sl);
			if (hit == NULL)
				break;
			json_object_array_add(arr, json_object_new_string_len(p, (int)(hit - p)));
			p = hit + sl;
		}
		json_object_array_add(arr, json_object_new_string_len(p, (int)(end - p)));
	}
	*out = (struct gt_val){gt_keep(s, arr), false};
	return 0;
}

/* Podman's truncateWithLength: the first n bytes */
FN(fn_truncate)
{
	int64_t k = json_object_get_int64(a[1].j);

	if ((int64_t)slen(a[0]) < k) {
		*out = a[0];
		return 0;
	}
	if (k < 0)
		return fail(eb, el, "runtime error: slice bounds out of range [:%lld]",
			    (long long)k);
	*out = new_str(s, str(a[0]), (size_t)k);
	return 0;
}

/* Podman's padWithSpace: prefix and suffix spaces around a non-empty string */
#define PAD_MAX 1000000
FN(fn_pad)
{
	int64_t pre = json_object_get_int64(a[1].j), suf = json_object_get_int64(a[2].j);
	size_t sl = slen(a[0]), len;
	char *b;

	if (sl == 0) {
		*out = a[0];
		return 0;
	}
	if (pre < 0 || suf < 0)
		return fail(eb, el, "strings: negative Repeat count");
	/* a template is no way to allocate gigabytes (xmalloc would abort) */
	if (pre > PAD_MAX || suf > PAD_MAX)
		return fail(eb, el, "pad: %lld spaces is too many (at most %d)",
			    (long long)(pre > suf ? pre : suf), PAD_MAX);
	/* one allocation: a space at a time was a realloc each */
	len = (size_t)pre + sl + (size_t)suf;
	b = xmalloc(len + 1);
	memset(b, ' ', (size_t)pre);
	memcpy(b + pre, str(a[0]), sl);
	memset(b + pre + sl, ' ', (size_t)suf);
	b[len] = '\0';
	*out = own_str(s, b, len);
	return 0;
}

/* warren's: a size in bytes as warren prints sizes ("1.23 MB"); a string
 * is kept (the title of a table's header row) */
FN(fn_human_size)
{
	char buf[64];
	json_type t = vtype(a[0]);

	if (t == json_type_string) { /* a table's header row: its title as is */
		*out = a[0];
		return 0;
	}
	if (t != json_type_int && t != json_type_double)
		return fail(eb, el, "humanSize of type %s", gt_type_name(a[0]));
	format_size(t == json_type_int ? json_object_get_int64(a[0].j)
				       : (int64_t)json_object_get_double(a[0].j),
		    buf, sizeof(buf));
	*out = new_str(s, buf, strlen(buf));
	return 0;
}

/* warren's: strings.Contains(s, substr) */
FN(fn_contains)
{
	*out = new_bool(s, memmem(str(a[0]), slen(a[0]), str(a[1]), slen(a[1])) != NULL ||
			       slen(a[1]) == 0);
	return 0;
}

static const struct gt_func funcs[] = {
    {"and", "vv*", fn_and_or},
    {"contains", "ss", fn_contains},
    {"eq", "vv*", fn_eq},
    {"ge", "vv", fn_ge},
    {"gt", "vv", fn_gt},
    {"html", "v*", fn_html},
    {"humanSize", "v", fn_human_size},
    {"index", "vv*", fn_index},
    {"join", "Ss", fn_join},
    {"js", "v*", fn_js},
    {"json", "v", fn_json},
    {"le", "vv", fn_le},
    {"len", "v", fn_len},
    {"lower", "s", fn_lower},
    {"lt", "vv", fn_lt},
    {"ne", "vv", fn_ne},
    {"not", "v", fn_not},
    {"or", "vv*", fn_and_or},
    {"pad", "sii", fn_pad},
    {"print", "v*", fn_print},
    {"printf", "sv*", fn_printf},
    {"println", "v*", fn_println},
    {"slice", "vv*", fn_slice},
    {"split", "ss", fn_split},
    {"title", "s", fn_title},
    {"truncate", "si", fn_truncate},
    {"upper", "s", fn_upper},
    {"urlquery", "v*", fn_urlquery},
};

const struct gt_func *gt_find_func(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(funcs); i++)
		if (strcmp(funcs[i].name, name) == 0)
			return &funcs[i];
	return NULL;
}
