/* toml.c - TOML 1.0 into json-c objects (see toml.h).
 *
 * One pass over the text with a cursor. What a table may still become is
 * kept in the json-c userdata of its object (flags below), so that the
 * rules on redefinition can be checked without a side table:
 *   [a.b] defines b and creates a implicitly; [a] may later define a once.
 *   a.b = 1 creates a by dotted keys; no [a] header may define it then.
 *   inline tables and arrays are closed: nothing extends them later.
 *   [[a]] makes an array of tables; [a.x] then means the last element.
 * The flags are cleared before the tree is handed out. */
#include "lib/toml.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cleanup.h"
#include "lib/sbuf.h"
#include "lib/util.h"

enum {
	F_IMPLICIT = 1, /* created as the parent of a [header] */
	F_DEFINED = 2,	/* defined by its own [header] */
	F_DOTTED = 4,	/* created by a dotted key */
	F_CLOSED = 8,	/* inline table or array value: immutable */
	F_AOT = 16,	/* array of tables from [[header]] */
};

struct parser {
	const char *p, *end;
	int line;
	struct json_object *root, *cur;
	int depth;
	struct werr *err;
};

static int perr(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int perr(struct parser *ps, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return werr_set(ps->err, 0, "line %d: %s", ps->line, msg);
}

static unsigned flags_of(struct json_object *o)
{
	return (unsigned)(uintptr_t)json_object_get_userdata(o);
}

static void flags_set(struct json_object *o, unsigned f)
{
	json_object_set_userdata(o, (void *)(uintptr_t)f, NULL);
}

/* Clears the flags of o and everything below it; closed=true marks them
 * F_CLOSED instead (an inline table or array once it is complete). */
static void flags_walk(struct json_object *o, bool closed)
{
	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, k, v)
		{
			(void)k;
			flags_walk(v, closed);
		}
	} else if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++)
			flags_walk(json_object_array_get_idx(o, i), closed);
	} else {
		return;
	}
	if (closed)
		flags_set(o, flags_of(o) | F_CLOSED);
	else
		json_object_set_userdata(o, NULL, NULL);
}

/* ---- lexical helpers ---- */

static bool at(struct parser *ps, const char *s)
{
	size_t n = strlen(s);
	return (size_t)(ps->end - ps->p) >= n && memcmp(ps->p, s, n) == 0;
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t'))
		ps->p++;
}

static bool at_newline(struct parser *ps)
{
	return at(ps, "\n") || at(ps, "\r\n");
}

static void eat_newline(struct parser *ps)
{
	ps->p += *ps->p == '\r' ? 2 : 1;
	ps->line++;
}

/* A comment runs to the end of the line; control characters other than tab
 * are not allowed in it. */
static int skip_comment(struct parser *ps)
{
	if (ps->p >= ps->end || *ps->p != '#')
		return 0;
	for (; ps->p < ps->end && *ps->p != '\n'; ps->p++) {
		unsigned char c = (unsigned char)*ps->p;
		if ((c < 0x20 && c != '\t' && !at(ps, "\r\n")) || c == 0x7f)
			return perr(ps, "control character in comment");
	}
	return 0;
}

/* Whitespace, newlines and comments (inside arrays). */
static int skip_ws_nl(struct parser *ps)
{
	for (;;) {
		skip_ws(ps);
		if (skip_comment(ps) < 0)
			return -1;
		if (ps->p < ps->end && at_newline(ps))
			eat_newline(ps);
		else
			return 0;
	}
}

static bool is_bare(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* ---- strings ---- */

static void put_utf8(struct sbuf *b, uint32_t cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	sbuf_addn(b, u, n);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* \uXXXX or \UXXXXXXXX after the backslash and letter: a Unicode scalar
 * value; U+0000 is refused because C strings could not carry it. */
static int unicode_escape(struct parser *ps, int ndig, struct sbuf *b)
{
	uint32_t cp = 0;

	if (ps->end - ps->p < ndig)
		return perr(ps, "short \\u escape");
	for (int i = 0; i < ndig; i++) {
		int h = hexval(ps->p[i]);
		if (h < 0)
			return perr(ps, "bad \\u escape");
		cp = cp << 4 | (uint32_t)h;
	}
	ps->p += ndig;
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return perr(ps, "\\u escape U+%04X is not allowed", (unsigned)cp);
	put_utf8(b, cp);
	return 0;
}

static const struct {
	char esc, val;
} escapes[] = {{'b', '\b'}, {'t', '\t'}, {'n', '\n'}, {'f', '\f'},
	       {'r', '\r'}, {'"', '"'},	 {'\\', '\\'}};

/* One escape sequence; ps->p is past the backslash. multi: a line-ending
 * backslash (multi-line strings) trims the following whitespace. */
static int escape(struct parser *ps, bool multi, struct sbuf *b)
{
	char c;

	if (ps->p >= ps->end)
		return perr(ps, "unterminated string");
	c = *ps->p;
	for (size_t i = 0; i < ARRAY_SIZE(escapes); i++) {
		if (c == escapes[i].esc) {
			ps->p++;
			sbuf_addn(b, &escapes[i].val, 1);
			return 0;
		}
	}
	if (c == 'u' || c == 'U') {
		ps->p++;
		return unicode_escape(ps, c == 'u' ? 4 : 8, b);
	}
	if (multi) {
		const char *q = ps->p;
		while (q < ps->end && (*q == ' ' || *q == '\t'))
			q++;
		if (q < ps->end &&
		    (*q == '\n' || (*q == '\r' && q + 1 < ps->end && q[1] == '\n'))) {
			ps->p = q;
			while (ps->p < ps->end &&
			       (*ps->p == ' ' || *ps->p == '\t' || at_newline(ps))) {
				if (at_newline(ps))
					eat_newline(ps);
				else
					ps->p++;
			}
			return 0;
		}
	}
	if ((unsigned char)c < 0x20 || c == 0x7f)
		return perr(ps, "bad escape sequence");
	return perr(ps, "bad escape sequence '\\%c'", c);
}

/* A character of string content: newlines only in multi-line strings, no
 * other control character but tab. Returns 1 when it was a newline. */
static int plain_char(struct parser *ps, bool multi, struct sbuf *b)
{
	unsigned char c = (unsigned char)*ps->p;

	if (multi && at_newline(ps)) {
		eat_newline(ps);
		sbuf_addn(b, "\n", 1);
		return 1;
	}
	if (c == '\n' || (c == '\r' && !multi))
		return perr(ps, "unterminated string");
	if ((c < 0x20 && c != '\t') || c == 0x7f)
		return perr(ps, "control character 0x%02x in string", c);
	sbuf_addn(b, ps->p++, 1);
	return 0;
}

/* A string of the kind starting at ps->p ('"', '\'', '"""' or "'''"). */
static int parse_string(struct parser *ps, bool allow_multi, char **out)
{
	char q = *ps->p;
	bool literal = q == '\'';
	bool multi = allow_multi && at(ps, literal ? "'''" : "\"\"\"");
	struct sbuf b = {0};
	int startline = ps->line;

	sbuf_addn(&b, "", 0);
	ps->p += multi ? 3 : 1;
	if (multi && ps->p < ps->end && at_newline(ps))
		eat_newline(ps); /* a newline right after the opening quotes is trimmed */
	for (;;) {
		if (ps->p >= ps->end) {
			free(b.s);
			ps->line = startline;
			return perr(ps, "unterminated string");
		}
		if (*ps->p == q && (!multi || at(ps, literal ? "'''" : "\"\"\""))) {
			if (!multi) {
				ps->p++;
				break;
			}
			/* up to two quotes may end the content: """a""""" is a"" */
			size_t n = 0;
			while (ps->p + n < ps->end && ps->p[n] == q)
				n++;
			if (n > 5) {
				free(b.s);
				return perr(ps, "too many quotes at the end of a string");
			}
			sbuf_addn(&b, ps->p, n - 3);
			ps->p += n;
			break;
		}
		int r;
		if (!literal && *ps->p == '\\') {
			ps->p++;
			r = escape(ps, multi, &b);
		} else {
			r = plain_char(ps, multi, &b);
		}
		if (r < 0) {
			free(b.s);
			return -1;
		}
	}
	*out = b.s;
	return 0;
}

/* ---- keys ---- */

/* key = simple-key *( ws '.' ws simple-key ). *parts: a new vector. */
static int parse_key(struct parser *ps, char ***parts)
{
	cleanup_strv char **v = xcalloc(1, sizeof(char *));
	size_t n = 0;

	for (;;) {
		char *k = NULL;
		skip_ws(ps);
		if (ps->p < ps->end && (*ps->p == '"' || *ps->p == '\'')) {
			if (parse_string(ps, false, &k) < 0)
				return -1;
		} else {
			const char *s = ps->p;
			while (ps->p < ps->end && is_bare(*ps->p))
				ps->p++;
			if (ps->p == s)
				return perr(ps, "expected a key");
			k = xstrndup(s, (size_t)(ps->p - s));
		}
		if (++n > TOML_MAX_DEPTH) {
			free(k);
			return perr(ps, "key has more than %d parts", TOML_MAX_DEPTH);
		}
		v = xrealloc(v, (n + 1) * sizeof(char *));
		v[n - 1] = k;
		v[n] = NULL;
		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != '.')
			break;
		ps->p++;
	}
	*parts = steal_pointer(&v);
	return 0;
}

/* The key as the user wrote it, for messages ("a.b.c"), malloc'd. */
static char *key_name(char *const *parts, size_t n)
{
	struct sbuf b = {0};

	sbuf_addn(&b, "", 0);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			sbuf_addn(&b, ".", 1);
		sbuf_addn(&b, parts[i], strlen(parts[i]));
	}
	return b.s;
}

/* ---- values ---- */

static int parse_value(struct parser *ps, struct json_object **out);

static bool is_delim(char c)
{
	return c == ' ' || c == '\t' || c == ',' || c == ']' || c == '}' || c == '#' || c == '\n' ||
	       c == '\r';
}

/* Digits of the given base with single underscores between them; copies
 * them (without underscores) to out. */
static bool digits_ok(const char *s, size_t n, int base, struct sbuf *out)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '_') {
			if (i == 0 || i + 1 == n || s[i + 1] == '_')
				return false;
			continue;
		}
		int h = hexval(s[i]);
		if (h < 0 || h >= base)
			return false;
		sbuf_addn(out, s + i, 1);
	}
	return true;
}

static int number_int(struct parser *ps, const char *tok, size_t n, struct json_object **out)
{
	static const struct {
		const char *pfx;
		int base;
	} bases[] = {{"0x", 16}, {"0o", 8}, {"0b", 2}};
	cleanup_free char *s = NULL;
	struct sbuf b = {0};
	int base = 10;
	size_t skip = 0;
	char *endp;

	for (size_t i = 0; i < ARRAY_SIZE(bases); i++)
		if (n > 2 && strncmp(tok, bases[i].pfx, 2) == 0)
			base = bases[i].base, skip = 2;
	if (base == 10 && (tok[0] == '+' || tok[0] == '-'))
		sbuf_addn(&b, tok, 1), skip = 1;
	if (!digits_ok(tok + skip, n - skip, base, &b) ||
	    (base == 10 && n - skip > 1 && tok[skip] == '0')) {
		free(b.s);
		return perr(ps, "invalid number '%.*s'", (int)(n > 40 ? 40 : n), tok);
	}
	s = b.s;
	errno = 0;
	if (base == 10) {
		long long v = strtoll(s, &endp, 10);
		if (errno == 0 && *endp == '\0') {
			*out = json_object_new_int64(v);
			return 0;
		}
	} else {
		unsigned long long v = strtoull(s, &endp, base);
		if (errno == 0 && *endp == '\0' && v <= INT64_MAX) {
			*out = json_object_new_int64((int64_t)v);
			return 0;
		}
	}
	return perr(ps, "integer '%.*s' out of range", (int)(n > 40 ? 40 : n), tok);
}

/* [+-]? int ( '.' digits )? ( [eE] [+-]? digits )?, or inf/nan. */
static int number_float(struct parser *ps, const char *tok, size_t n, struct json_object **out)
{
	const char *s = tok, *e = tok + n, *dot, *exp;
	struct sbuf b = {0};
	const char *body = (*s == '+' || *s == '-') ? s + 1 : s;
	bool ok;

	if ((size_t)(e - body) == 3 &&
	    (memcmp(body, "inf", 3) == 0 || memcmp(body, "nan", 3) == 0)) {
		double v = body[0] == 'i' ? INFINITY : NAN;
		*out = json_object_new_double(*s == '-' ? -v : v);
		return 0;
	}
	if (body != s)
		sbuf_addn(&b, s, 1);
	dot = memchr(body, '.', (size_t)(e - body));
	exp = body;
	while (exp < e && *exp != 'e' && *exp != 'E')
		exp++;
	ok = digits_ok(body, (size_t)((dot ? dot : exp) - body), 10, &b) &&
	     !(body[0] == '0' && (dot ? dot : exp) - body > 1);
	if (ok && dot) {
		sbuf_addn(&b, ".", 1);
		ok = dot < exp && digits_ok(dot + 1, (size_t)(exp - dot - 1), 10, &b);
	}
	if (ok && exp < e) {
		const char *x = exp + 1;
		sbuf_addn(&b, "e", 1);
		if (x < e && (*x == '+' || *x == '-'))
			sbuf_addn(&b, x++, 1);
		ok = digits_ok(x, (size_t)(e - x), 10, &b);
	}
	if (!ok) {
		free(b.s);
		return perr(ps, "invalid number '%.*s'", (int)(n > 40 ? 40 : n), tok);
	}
	*out = json_object_new_double(strtod(b.s, NULL));
	free(b.s);
	return 0;
}

static int parse_number(struct parser *ps, struct json_object **out)
{
	const char *tok = ps->p;
	size_t n;

	while (ps->p < ps->end && !is_delim(*ps->p))
		ps->p++;
	n = (size_t)(ps->p - tok);
	/* 1979-05-27, 07:32:00: a date or time */
	if (n >= 3 && (memchr(tok, ':', n) || (n > 4 && tok[4] == '-' && tok[0] != '-')))
		return perr(ps, "dates and times are not supported");
	bool hex = n > 2 && tok[0] == '0' && tok[1] == 'x';
	if (!hex && (memchr(tok, '.', n) || memchr(tok, 'e', n) || memchr(tok, 'E', n) ||
		     memchr(tok, 'i', n) || memchr(tok, 'n', n)))
		return number_float(ps, tok, n, out);
	return number_int(ps, tok, n, out);
}

static int parse_array(struct parser *ps, struct json_object **out)
{
	cleanup_json struct json_object *a = json_object_new_array();

	ps->p++; /* [ */
	for (;;) {
		struct json_object *v = NULL;
		if (skip_ws_nl(ps) < 0)
			return -1;
		if (ps->p < ps->end && *ps->p == ']')
			break;
		if (parse_value(ps, &v) < 0)
			return -1;
		json_object_array_add(a, v);
		if (skip_ws_nl(ps) < 0)
			return -1;
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == ']')
			break;
		return perr(ps, "expected ',' or ']' in array");
	}
	ps->p++;
	flags_walk(a, true);
	*out = steal_pointer(&a);
	return 0;
}

static int keyval(struct parser *ps, struct json_object *table);

static int parse_inline_table(struct parser *ps, struct json_object **out)
{
	cleanup_json struct json_object *t = json_object_new_object();

	ps->p++; /* { */
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		flags_set(t, F_CLOSED);
		*out = steal_pointer(&t);
		return 0;
	}
	for (;;) {
		if (keyval(ps, t) < 0)
			return -1;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == '}')
			break;
		return perr(ps, "expected ',' or '}' in inline table");
	}
	ps->p++;
	flags_walk(t, true);
	*out = steal_pointer(&t);
	return 0;
}

static bool word(struct parser *ps, const char *w)
{
	size_t n = strlen(w);
	return at(ps, w) && (ps->p + n == ps->end || is_delim(ps->p[n]));
}

static int parse_value(struct parser *ps, struct json_object **out)
{
	char c;
	int r;

	if (ps->p >= ps->end || at_newline(ps))
		return perr(ps, "expected a value");
	c = *ps->p;
	if (c == '"' || c == '\'') {
		char *s = NULL;
		if (parse_string(ps, true, &s) < 0)
			return -1;
		*out = json_object_new_string(s);
		free(s);
		return 0;
	}
	if (word(ps, "true") || word(ps, "false")) {
		*out = json_object_new_boolean(c == 't');
		ps->p += c == 't' ? 4 : 5;
		return 0;
	}
	if (c != '[' && c != '{')
		return parse_number(ps, out);
	if (++ps->depth > TOML_MAX_DEPTH)
		return perr(ps, "nesting deeper than %d", TOML_MAX_DEPTH);
	r = c == '[' ? parse_array(ps, out) : parse_inline_table(ps, out);
	ps->depth--;
	return r;
}

/* ---- tables ---- */

/* Walks dotted key parts[0..n-1) from t, creating tables marked F_DOTTED;
 * only tables made by dotted keys (and not closed) can be walked through. */
static struct json_object *dotted_parent(struct parser *ps, struct json_object *t, char **parts,
					 size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		struct json_object *sub = NULL;
		if (!json_object_object_get_ex(t, parts[i], &sub)) {
			sub = json_object_new_object();
			flags_set(sub, F_DOTTED);
			json_object_object_add(t, parts[i], sub);
		} else if (!json_object_is_type(sub, json_type_object) ||
			   (flags_of(sub) & (F_CLOSED | F_DEFINED | F_IMPLICIT))) {
			cleanup_free char *name = key_name(parts, i + 1);
			perr(ps, "cannot add keys to '%s' (defined elsewhere)", name);
			return NULL;
		}
		t = sub;
	}
	return t;
}

/* key = value into table. */
static int keyval(struct parser *ps, struct json_object *table)
{
	cleanup_strv char **parts = NULL;
	struct json_object *t, *v = NULL;
	size_t n;

	if (parse_key(ps, &parts) < 0)
		return -1;
	if (ps->p >= ps->end || *ps->p != '=')
		return perr(ps, "expected '=' after a key");
	ps->p++;
	skip_ws(ps);
	n = strv_len(parts);
	if ((t = dotted_parent(ps, table, parts, n)) == NULL)
		return -1;
	if (json_object_object_get_ex(t, parts[n - 1], NULL)) {
		cleanup_free char *name = key_name(parts, n);
		return perr(ps, "duplicate key '%s'", name);
	}
	if (parse_value(ps, &v) < 0)
		return -1;
	json_object_object_add(t, parts[n - 1], v);
	return 0;
}

/* Descends one header part from t: a missing table is created (implicit),
 * an array of tables means its last element. NULL when it is a value. */
static struct json_object *header_step(struct parser *ps, struct json_object *t, char **parts,
				       size_t i)
{
	struct json_object *sub = NULL;

	if (!json_object_object_get_ex(t, parts[i], &sub)) {
		sub = json_object_new_object();
		flags_set(sub, F_IMPLICIT);
		json_object_object_add(t, parts[i], sub);
		return sub;
	}
	if (json_object_is_type(sub, json_type_array) && (flags_of(sub) & F_AOT))
		return json_object_array_get_idx(sub, json_object_array_length(sub) - 1);
	if (json_object_is_type(sub, json_type_object) && !(flags_of(sub) & F_CLOSED))
		return sub;
	cleanup_free char *name = key_name(parts, i + 1);
	perr(ps, "'%s' is not a table", name);
	return NULL;
}

/* [a.b.c] or [[a.b.c]]: makes ps->cur the table the header names. */
static int header_apply(struct parser *ps, char **parts, bool aot)
{
	size_t n = strv_len(parts);
	struct json_object *t = ps->root, *last = NULL;
	cleanup_free char *name = key_name(parts, n);

	for (size_t i = 0; i + 1 < n; i++)
		if ((t = header_step(ps, t, parts, i)) == NULL)
			return -1;
	if (aot) {
		struct json_object *tab = json_object_new_object();
		if (!json_object_object_get_ex(t, parts[n - 1], &last)) {
			last = json_object_new_array();
			flags_set(last, F_AOT);
			json_object_object_add(t, parts[n - 1], last);
		} else if (!json_object_is_type(last, json_type_array) ||
			   !(flags_of(last) & F_AOT)) {
			json_object_put(tab);
			return perr(ps, "'%s' is not an array of tables", name);
		}
		flags_set(tab, F_DEFINED);
		json_object_array_add(last, tab);
		ps->cur = tab;
		return 0;
	}
	if (!json_object_object_get_ex(t, parts[n - 1], &last)) {
		last = json_object_new_object();
		json_object_object_add(t, parts[n - 1], last);
	} else if (!json_object_is_type(last, json_type_object) || flags_of(last) != F_IMPLICIT) {
		return perr(ps, "table '%s' defined twice", name);
	}
	flags_set(last, F_DEFINED);
	ps->cur = last;
	return 0;
}

static int header(struct parser *ps)
{
	cleanup_strv char **parts = NULL;
	bool aot = at(ps, "[[");

	ps->p += aot ? 2 : 1;
	if (parse_key(ps, &parts) < 0)
		return -1;
	if (!at(ps, aot ? "]]" : "]"))
		return perr(ps, "expected '%s' after a table name", aot ? "]]" : "]");
	ps->p += aot ? 2 : 1;
	return header_apply(ps, parts, aot);
}

/* Valid UTF-8 without NUL bytes (overlong forms and surrogates refused). */
static int check_text(struct parser *ps, const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		size_t n = c < 0x80	    ? 1
			   : (c >> 5) == 6  ? 2
			   : (c >> 4) == 14 ? 3
			   : (c >> 3) == 30 ? 4
					    : 0;
		uint32_t cp = n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;

		if (c == '\n')
			ps->line++;
		if (c == 0)
			return perr(ps, "NUL byte in text");
		if (n == 0 || i + n > len)
			return perr(ps, "invalid UTF-8");
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return perr(ps, "invalid UTF-8");
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if (n > 1 &&
		    ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
		     (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)))
			return perr(ps, "invalid UTF-8");
		i += n;
	}
	ps->line = 1;
	return 0;
}

static int parse_line(struct parser *ps)
{
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '[') {
		if (header(ps) < 0)
			return -1;
	} else if (ps->p < ps->end && *ps->p != '#' && !at_newline(ps)) {
		if (keyval(ps, ps->cur) < 0)
			return -1;
	}
	skip_ws(ps);
	if (skip_comment(ps) < 0)
		return -1;
	if (ps->p < ps->end) {
		if (!at_newline(ps))
			return perr(ps, "expected a newline, found '%c'",
				    (unsigned char)*ps->p >= 0x20 ? *ps->p : '?');
		eat_newline(ps);
	}
	return 0;
}

/* Parses a document; see toml.h. */
int toml_parse(const char *text, size_t len, struct json_object **out, struct werr *err)
{
	struct parser ps = {.p = text, .end = text + len, .line = 1, .err = err};
	cleanup_json struct json_object *root = NULL;

	if (len > TOML_MAX_SIZE)
		return werr_set(err, 0, "document is larger than %d bytes", TOML_MAX_SIZE);
	if (len > 0 && check_text(&ps, (const unsigned char *)text, len) < 0)
		return -1;
	root = json_object_new_object();
	ps.root = ps.cur = root;
	while (ps.p < ps.end)
		if (parse_line(&ps) < 0)
			return -1;
	flags_walk(root, false);
	*out = steal_pointer(&root);
	return 0;
}

/* Reads and parses a file; see toml.h. */
int toml_parse_file(const char *path, struct json_object **out, struct werr *err)
{
	size_t len = 0;
	cleanup_free char *text = read_file_max(path, TOML_MAX_SIZE, &len, err);

	if (text == NULL)
		return -1;
	if (toml_parse(text, len, out, err) < 0)
		return werr_wrap(err, "%s", path);
	return 0;
}

/* A TOML basic string for s; see toml.h. */
char *toml_quote(const char *s)
{
	struct sbuf b = {0};

	sbuf_addn(&b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			sbuf_addn(&b, esc, 2);
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			sbuf_addn(&b, esc, 6);
		} else {
			sbuf_addn(&b, s, 1);
		}
	}
	sbuf_addn(&b, "\"", 1);
	return b.s;
}
