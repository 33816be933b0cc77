/* gotmpl_parse.c - Go text/template's lexer and parser (issue 6): the same
 * items, the same tree and the same error messages as Go's parse package. */
#include "lib/gotmpl.h"
#include "lib/gotmpl_int.h"
#include "lib/util.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum item_type {
	IT_ERROR,
	IT_EOF,
	IT_TEXT,
	IT_LDELIM,
	IT_RDELIM,
	IT_SPACE,
	IT_CHAR,
	IT_CHARCONST,
	IT_NUMBER,
	IT_STRING,
	IT_RAWSTRING,
	IT_FIELD,
	IT_VARIABLE,
	IT_IDENT,
	IT_BOOL,
	IT_PIPE,
	IT_ASSIGN,
	IT_DECLARE,
	IT_LPAREN,
	IT_RPAREN,
	IT_KEYWORD, /* the rest print as <word> in errors */
	IT_DOT,
	IT_NIL,
	IT_BREAK,
	IT_CONTINUE,
	IT_ELSE,
	IT_END,
	IT_IF,
	IT_RANGE,
	IT_WITH,
	IT_DEFINE,
	IT_TEMPLATE,
	IT_BLOCK,
};

struct item {
	enum item_type type;
	size_t pos;
	int line;
	char *val;
};

static const struct {
	const char *word;
	enum item_type type;
} keywords[] = {
    {"block", IT_BLOCK},
    {"break", IT_BREAK},
    {"continue", IT_CONTINUE},
    {"define", IT_DEFINE},
    {"else", IT_ELSE},
    {"end", IT_END},
    {"if", IT_IF},
    {"nil", IT_NIL},
    {"range", IT_RANGE},
    {"template", IT_TEMPLATE},
    {"with", IT_WITH},
};

struct lexer {
	const char *in;
	size_t len, pos, start;
	int line, start_line, paren;
	struct item *items;
	size_t nitems, cap;
	bool done;
};

static void emit_val(struct lexer *l, enum item_type t, char *val)
{
	if (l->nitems == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
	}
	l->items[l->nitems++] = (struct item){t, l->start, l->start_line, val};
	l->start = l->pos;
	l->start_line = l->line;
}

static void emit(struct lexer *l, enum item_type t)
{
	emit_val(l, t, xstrndup(l->in + l->start, l->pos - l->start));
}

static void lex_error(struct lexer *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void lex_error(struct lexer *l, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	emit_val(l, IT_ERROR, msg);
	l->done = true;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_alnum(unsigned char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c >= 0x80;
}

static void advance(struct lexer *l, size_t n)
{
	for (size_t i = 0; i < n && l->pos < l->len; i++)
		if (l->in[l->pos++] == '\n')
			l->line++;
}

static void skip(struct lexer *l)
{
	l->start = l->pos;
	l->start_line = l->line;
}

/* " -}}" or "}}" at pos: 1 plain, 2 with the trim marker, 0 none */
static int at_right_delim(const struct lexer *l)
{
	const char *p = l->in + l->pos;

	if (l->pos + 4 <= l->len && is_space(p[0]) && p[1] == '-' && p[2] == '}' && p[3] == '}')
		return 2;
	return l->pos + 2 <= l->len && p[0] == '}' && p[1] == '}';
}

/* text up to the next "{{", trimmed before "{{- " */
static void lex_text(struct lexer *l)
{
	const char *d = strstr(l->in + l->pos, "{{");
	size_t end = d ? (size_t)(d - l->in) : l->len, tend = end;
	bool trim = d && d[2] == '-' && is_space(d[3]);

	if (trim)
		while (tend > l->pos && is_space(l->in[tend - 1]))
			tend--;
	advance(l, tend - l->pos);
	if (l->pos > l->start)
		emit(l, IT_TEXT);
	advance(l, end - l->pos);
	skip(l);
	if (d == NULL) {
		emit_val(l, IT_EOF, xstrdup(""));
		l->done = true;
	}
}

static void trim_after(struct lexer *l)
{
	while (l->pos < l->len && is_space(l->in[l->pos]))
		advance(l, 1);
	skip(l);
}

/* after "{{" and an optional "- ": a comment through its closing delim */
static bool lex_comment(struct lexer *l)
{
	const char *end = strstr(l->in + l->pos + 2, "*/");
	int rd;

	if (end == NULL) {
		lex_error(l, "unclosed comment");
		return false;
	}
	advance(l, (size_t)(end - (l->in + l->pos)) + 2);
	rd = at_right_delim(l);
	if (rd == 0) {
		lex_error(l, "comment ends before closing delimiter");
		return false;
	}
	advance(l, rd == 2 ? 4 : 2);
	if (rd == 2)
		trim_after(l);
	skip(l);
	return true;
}

static void lex_quote(struct lexer *l, char q)
{
	advance(l, 1);
	for (;;) {
		char c = l->pos < l->len ? l->in[l->pos] : '\0';
		if (q != '`' && c == '\\' && l->pos + 1 < l->len && l->in[l->pos + 1] != '\n') {
			advance(l, 2);
			continue;
		}
		if (l->pos >= l->len || (q != '`' && c == '\n')) {
			lex_error(l, q == '`'	? "unterminated raw quoted string"
				     : q == '"' ? "unterminated quoted string"
						: "unterminated character constant");
			return;
		}
		advance(l, 1);
		if (c == q)
			break;
	}
	emit(l, q == '`' ? IT_RAWSTRING : q == '"' ? IT_STRING : IT_CHARCONST);
}

static bool at_terminator(const struct lexer *l)
{
	char c = l->pos < l->len ? l->in[l->pos] : '\0';

	/* Go: the first character of the right delimiter ends a word too */
	return c == '\0' || is_space(c) || strchr(".,|:)(}", c) != NULL;
}

static void bad_char(struct lexer *l)
{
	unsigned char c = (unsigned char)l->in[l->pos];

	lex_error(l, "bad character U+%04X '%c'", c, c);
}

/* .Field, $var, identifiers and keywords */
static void lex_word(struct lexer *l, enum item_type t)
{
	size_t n;

	advance(l, 1);
	while (l->pos < l->len && is_alnum((unsigned char)l->in[l->pos]))
		advance(l, 1);
	n = l->pos - l->start;
	if (!at_terminator(l))
		return bad_char(l);
	if (t == IT_FIELD && n == 1)
		return emit(l, IT_DOT);
	if (t != IT_IDENT)
		return emit(l, t);
	for (size_t i = 0; i < ARRAY_SIZE(keywords); i++)
		if (strlen(keywords[i].word) == n &&
		    strncmp(keywords[i].word, l->in + l->start, n) == 0)
			return emit(l, keywords[i].type);
	if ((n == 4 && strncmp(l->in + l->start, "true", 4) == 0) ||
	    (n == 5 && strncmp(l->in + l->start, "false", 5) == 0))
		return emit(l, IT_BOOL);
	emit(l, IT_IDENT);
}

static bool parse_int_text(const char *t, int64_t *out);

/* Go's scanNumber accepts what reads as an integer or a float */
static bool number_ok(const char *s, size_t n)
{
	char *t = xstrndup(s, n), *end;
	int64_t i;
	bool ok = parse_int_text(t, &i);

	if (!ok && strchr(t, '_') == NULL && strstr(t, "0x") == NULL) {
		strtod(t, &end);
		ok = *end == '\0' && end != t;
	}
	free(t);
	return ok;
}

static void lex_number(struct lexer *l)
{
	const char *p = l->in + l->pos;

	if (*p == '+' || *p == '-')
		p++;
	while (is_alnum((unsigned char)*p) || *p == '.' ||
	       ((*p == '+' || *p == '-') && strchr("eEpP", p[-1]) != NULL &&
		!(p[-1] == 'e' && strncmp(l->in + l->start, "0x", 2) == 0)))
		p++;
	advance(l, (size_t)(p - (l->in + l->pos)));
	if (!number_ok(l->in + l->start, l->pos - l->start)) {
		char *tok = xstrndup(l->in + l->start, l->pos - l->start), *q = NULL;
		size_t qlen = 0;
		gt_quote(&q, &qlen, tok, strlen(tok), false);
		lex_error(l, "bad number syntax: %s", q);
		free(tok);
		free(q);
		return;
	}
	emit(l, IT_NUMBER);
}

/* = := | quotes $ ( ): 1 go on, 0 the action ended, -1 not one of them */
static int lex_punct(struct lexer *l, char c)
{
	switch (c) {
	case '=':
		advance(l, 1);
		emit(l, IT_ASSIGN);
		return 1;
	case ':':
		advance(l, 1);
		if (l->pos >= l->len || l->in[l->pos] != '=') {
			lex_error(l, "expected :=");
			return 0;
		}
		advance(l, 1);
		emit(l, IT_DECLARE);
		return 1;
	case '|':
		advance(l, 1);
		emit(l, IT_PIPE);
		return 1;
	case '"':
	case '`':
	case '\'':
		lex_quote(l, c);
		return !l->done;
	case '$':
		lex_word(l, IT_VARIABLE);
		return !l->done;
	case '(':
		advance(l, 1);
		emit(l, IT_LPAREN);
		l->paren++;
		return 1;
	case ')':
		advance(l, 1);
		emit(l, IT_RPAREN);
		if (--l->paren < 0) {
			lex_error(l, "unexpected right paren");
			return 0;
		}
		return 1;
	}
	return -1;
}

/* one item inside an action; false when the action (or input) ended */
static bool lex_action_item(struct lexer *l)
{
	int rd = at_right_delim(l), rc;
	char c;

	if (rd) {
		if (l->paren > 0) {
			lex_error(l, "unclosed left paren");
			return false;
		}
		advance(l, rd == 2 ? 1 : 0);
		skip(l);
		advance(l, rd == 2 ? 3 : 2);
		emit(l, IT_RDELIM);
		if (rd == 2)
			trim_after(l);
		return false;
	}
	if (l->pos >= l->len) {
		lex_error(l, "unclosed action");
		return false;
	}
	c = l->in[l->pos];
	if (is_space(c)) {
		size_t n = 0;
		while (l->pos < l->len && is_space(l->in[l->pos]) && at_right_delim(l) != 2) {
			advance(l, 1);
			n++;
		}
		if (n > 0)
			emit(l, IT_SPACE);
		return true;
	}
	rc = lex_punct(l, c);
	if (rc >= 0)
		return rc;
	if (c == '.' &&
	    !(l->pos + 1 < l->len && l->in[l->pos + 1] >= '0' && l->in[l->pos + 1] <= '9')) {
		lex_word(l, IT_FIELD);
		return !l->done;
	}
	if (c == '.' || c == '+' || c == '-' || (c >= '0' && c <= '9')) {
		lex_number(l);
		return !l->done;
	}
	if (is_alnum((unsigned char)c)) {
		lex_word(l, IT_IDENT);
		return !l->done;
	}
	if ((unsigned char)c < 0x7f && (unsigned char)c > 0x20) {
		advance(l, 1);
		emit(l, IT_CHAR);
		return true;
	}
	lex_error(l, "unrecognized character in action: U+%04X", (unsigned char)c);
	return false;
}

static void lex_all(struct lexer *l)
{
	while (!l->done) {
		lex_text(l);
		if (l->done)
			break;
		/* at "{{" */
		bool trim = l->in[l->pos + 2] == '-' && is_space(l->in[l->pos + 3]);
		size_t after = l->pos + (trim ? 4 : 2);
		if (strncmp(l->in + after, "/*", 2) == 0) {
			advance(l, after - l->pos);
			if (!lex_comment(l))
				break;
			continue;
		}
		advance(l, 2);
		emit(l, IT_LDELIM);
		advance(l, trim ? 2 : 0);
		skip(l);
		l->paren = 0;
		while (lex_action_item(l))
			;
	}
	if (l->nitems == 0 ||
	    (l->items[l->nitems - 1].type != IT_EOF && l->items[l->nitems - 1].type != IT_ERROR))
		emit_val(l, IT_EOF, xstrdup(""));
}

/* ---- parser ---- */

struct parser {
	const char *name;
	struct item *items;
	size_t n, pos;
	char **vars;
	size_t nvars;
	int range_depth, action_line;
	struct werr *err;
	struct gotmpl *t;
	jmp_buf jb;
};

static void perrorf(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)))
__attribute__((noreturn));
static void perrorf(struct parser *p, const char *fmt, ...)
{
	char msg[1024];
	size_t at = p->pos > 0 ? p->pos - 1 : 0;

	if (at >= p->n)
		at = p->n - 1;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	werr_set(p->err, 0, "template: %s:%d: %s", p->name, p->items[at].line, msg);
	longjmp(p->jb, 1);
}

static struct item *next(struct parser *p)
{
	struct item *it = &p->items[p->pos < p->n ? p->pos : p->n - 1];

	p->pos++;
	return it;
}

static struct item *peek(struct parser *p)
{
	return &p->items[p->pos < p->n ? p->pos : p->n - 1];
}

static void backup(struct parser *p)
{
	p->pos--;
}

static struct item *next_nonspace(struct parser *p)
{
	struct item *it;

	do
		it = next(p);
	while (it->type == IT_SPACE);
	return it;
}

static struct item *peek_nonspace(struct parser *p)
{
	struct item *it = next_nonspace(p);

	backup(p);
	return it;
}

/* Go's item.String() */
static char *item_str(const struct item *it)
{
	char *b = NULL;
	size_t len = 0, n = strlen(it->val);

	if (it->type == IT_EOF)
		return xstrdup("EOF");
	if (it->type == IT_ERROR)
		return xstrdup(it->val);
	if (it->type > IT_KEYWORD)
		return xasprintf("<%s>", it->val);
	gt_quote(&b, &len, it->val, n > 10 ? 10 : n, false);
	if (n > 10)
		gt_puts(&b, &len, "...", 3);
	return b;
}

static void unexpected(struct parser *p, const struct item *it, const char *ctx)
    __attribute__((noreturn));
static void unexpected(struct parser *p, const struct item *it, const char *ctx)
{
	char *s = item_str(it);
	char msg[512];

	if (it->type == IT_ERROR) {
		if (p->action_line != 0 && p->action_line != it->line)
			snprintf(msg, sizeof(msg), "%s in action started at %s:%d", s, p->name,
				 p->action_line);
		else
			snprintf(msg, sizeof(msg), "%s", s);
	} else {
		snprintf(msg, sizeof(msg), "unexpected %s in %s", s, ctx);
	}
	free(s);
	perrorf(p, "%s", msg);
}

static struct item *expect(struct parser *p, enum item_type t, const char *ctx)
{
	struct item *it = next_nonspace(p);

	if (it->type != t)
		unexpected(p, it, ctx);
	return it;
}

/* Every node is kept in the template's arena: freed with it, also when a
 * parse error jumps out of half-built trees. */
static struct gt_node *new_node(struct parser *p, enum gt_type t, const struct item *it)
{
	struct gt_node *n = xcalloc(1, sizeof(*n));
	struct gotmpl *tm = p->t;

	tm->nodes = xrealloc(tm->nodes, (tm->nnodes + 1) * sizeof(*tm->nodes));
	tm->nodes[tm->nnodes++] = n;

	n->type = t;
	n->pos = it->pos;
	n->line = it->line;
	return n;
}

static void add_kid(struct gt_node ***v, size_t *n, struct gt_node *k)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = k;
}

static void split_idents(struct gt_node *n, const char *s)
{
	/* ".A.B" -> A, B ; "$x.A" -> $x, A */
	char *copy = xstrdup(*s == '.' ? s + 1 : s), *save = NULL;

	for (char *t = strtok_r(copy, ".", &save); t; t = strtok_r(NULL, ".", &save)) {
		n->idents = xrealloc(n->idents, (n->nidents + 1) * sizeof(char *));
		n->idents[n->nidents++] = xstrdup(t);
	}
	free(copy);
}

static struct gt_node *pipeline(struct parser *p, const char *ctx, enum item_type end);

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* one escape after '\\' at *s (Go's strconv rules); -1 when invalid */
static int unescape(const char **s, char q, char **b, size_t *len)
{
	static const char from[] = "abfnrtv\\", to[] = "\a\b\f\n\r\t\v\\";
	const char *p = *s, *e = strchr(from, *p);
	uint32_t r = 0;
	int nd = 0;

	if (*p != '\0' && e != NULL) {
		gt_putc(b, len, to[e - from]);
		*s = p + 1;
		return 0;
	}
	if (*p == q) {
		gt_putc(b, len, q);
		*s = p + 1;
		return 0;
	}
	nd = *p == 'x' ? 2 : *p == 'u' ? 4 : *p == 'U' ? 8 : (*p >= '0' && *p <= '7') ? 3 : 0;
	if (nd == 0)
		return -1;
	if (*p >= '0' && *p <= '7') {
		for (int i = 0; i < 3; i++, p++) {
			if (*p < '0' || *p > '7')
				return -1;
			r = r * 8 + (uint32_t)(*p - '0');
		}
		if (r > 255)
			return -1;
		gt_putc(b, len, (char)r);
		*s = p;
		return 0;
	}
	p++;
	for (int i = 0; i < nd; i++, p++) {
		if (hexval(*p) < 0)
			return -1;
		r = r * 16 + (uint32_t)hexval(*p);
	}
	if (nd == 2)
		gt_putc(b, len, (char)r);
	else if (r > 0x10ffff || (r >= 0xd800 && r < 0xe000))
		return -1;
	else
		gt_put_rune(b, len, r);
	*s = p;
	return 0;
}

/* strconv.Unquote of a "..." or `...` token; NULL when invalid */
static char *unquote(const char *tok, size_t *outlen)
{
	char *b = xstrdup("");
	size_t len = 0, n = strlen(tok);
	const char *p = tok + 1, *end = tok + n - 1;

	if (tok[0] == '`') {
		for (; p < end; p++)
			if (*p != '\r')
				gt_putc(&b, &len, *p);
	} else {
		while (p < end) {
			if (*p != '\\') {
				gt_putc(&b, &len, *p++);
				continue;
			}
			p++;
			if (unescape(&p, tok[0], &b, &len) < 0) {
				free(b);
				return NULL;
			}
		}
	}
	*outlen = len;
	return b;
}

static bool parse_int_text(const char *t, int64_t *out)
{
	char buf[128];
	size_t k = 0;
	int base = 10;
	bool neg = false;
	char *end;
	unsigned long long v;

	for (const char *p = t; *p && k + 1 < sizeof(buf); p++)
		if (*p != '_')
			buf[k++] = *p;
	buf[k] = '\0';
	char *s = buf;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, s += 2;
	else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O'))
		base = 8, s += 2;
	else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
		base = 2, s += 2;
	else if (s[0] == '0' && s[1] != '\0')
		base = 8, s += 1;
	if (*s == '\0' || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoull(s, &end, base);
	if (*end != '\0' || errno != 0 || v > (unsigned long long)INT64_MAX + neg)
		return false;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

static struct gt_node *number(struct parser *p, const struct item *it)
{
	struct gt_node *n = new_node(p, GT_NUMBER, it);
	char *end;

	n->text = xstrdup(it->val);
	if (it->type == IT_CHARCONST) {
		size_t len = 0;
		uint32_t r = 0;
		char *s = unquote(it->val, &len);
		/* exactly one rune; a lone byte ('\xf0') is its value, as Go's */
		if (s == NULL || len == 0 || gt_decode_rune(s, len, &r) != len) {
			free(s);
			perrorf(p, "malformed character constant: %s", it->val);
		}
		n->i = len == 1 ? (unsigned char)s[0] : r;
		n->is_int = true;
		n->f = (double)n->i;
		free(s);
		return n;
	}
	n->is_int = parse_int_text(it->val, &n->i);
	bool hex = strstr(it->val, "0x") || strstr(it->val, "0X");
	if (!hex && strpbrk(it->val, "_") == NULL) {
		n->f = strtod(it->val, &end);
		n->is_float = *end == '\0' && end != it->val;
	}
	if (n->is_int && !n->is_float) {
		n->f = (double)n->i;
		n->is_float = true;
	}
	/* in range before the cast: a larger float does not fit an int64_t */
	if (!n->is_int && n->is_float && n->f < 9.2e18 && n->f > -9.2e18 &&
	    n->f == (double)(int64_t)n->f) {
		n->is_int = true;
		n->i = (int64_t)n->f;
	}
	if (!n->is_int && !n->is_float) {
		char *q = NULL;
		size_t len = 0;
		gt_quote(&q, &len, it->val, strlen(it->val), false);
		perrorf(p, "illegal number syntax: %s", q);
	}
	return n;
}

static struct gt_node *use_var(struct parser *p, const struct item *it)
{
	struct gt_node *n = new_node(p, GT_VAR, it);

	split_idents(n, it->val);
	for (size_t i = p->nvars; i-- > 0;)
		if (strcmp(p->vars[i], n->idents[0]) == 0)
			return n;
	perrorf(p, "undefined variable \"%s\"", n->idents[0]);
}

static struct gt_node *term(struct parser *p)
{
	struct item *it = next_nonspace(p);
	struct gt_node *n;

	switch (it->type) {
	case IT_IDENT:
		if (gt_find_func(it->val) == NULL)
			perrorf(p, "function \"%s\" not defined", it->val);
		n = new_node(p, GT_IDENT, it);
		n->text = xstrdup(it->val);
		return n;
	case IT_DOT:
		return new_node(p, GT_DOT, it);
	case IT_NIL:
		return new_node(p, GT_NIL, it);
	case IT_VARIABLE:
		return use_var(p, it);
	case IT_FIELD:
		n = new_node(p, GT_FIELD, it);
		split_idents(n, it->val);
		return n;
	case IT_BOOL:
		n = new_node(p, GT_BOOL, it);
		n->b = strcmp(it->val, "true") == 0;
		return n;
	case IT_CHARCONST:
	case IT_NUMBER:
		return number(p, it);
	case IT_LPAREN:
		return pipeline(p, "parenthesized pipeline", IT_RPAREN);
	case IT_STRING:
	case IT_RAWSTRING:
		n = new_node(p, GT_STRING, it);
		n->orig = xstrdup(it->val);
		n->text = unquote(it->val, &n->len);
		if (n->text == NULL)
			perrorf(p, "invalid syntax");
		return n;
	default:
		backup(p);
		return NULL;
	}
}

static const char *node_word(const struct gt_node *n)
{
	switch (n->type) {
	case GT_BOOL:
		return n->b ? "true" : "false";
	case GT_STRING:
		return n->orig;
	case GT_NUMBER:
		return n->text;
	case GT_NIL:
		return "nil";
	default:
		return ".";
	}
}

static struct gt_node *operand(struct parser *p)
{
	struct gt_node *n = term(p), *chain;

	if (n == NULL || peek(p)->type != IT_FIELD)
		return n;
	if (n->type == GT_FIELD || n->type == GT_VAR) {
		n->pos = peek(p)->pos; /* Go's position of a chain: its second word */
		while (peek(p)->type == IT_FIELD)
			split_idents(n, next(p)->val);
		return n;
	}
	if (n->type != GT_PIPE && n->type != GT_IDENT && n->type != GT_CHAIN)
		perrorf(p, "unexpected . after term \"%s\"", node_word(n));
	chain = new_node(p, GT_CHAIN, peek(p));
	chain->sub = n;
	while (peek(p)->type == IT_FIELD)
		split_idents(chain, next(p)->val);
	return chain;
}

static struct gt_node *command(struct parser *p)
{
	struct gt_node *cmd = new_node(p, GT_CMD, peek_nonspace(p));

	for (;;) {
		struct gt_node *op;
		struct item *it;
		peek_nonspace(p);
		op = operand(p);
		if (op != NULL)
			add_kid(&cmd->kids, &cmd->nkids, op);
		it = next(p);
		if (it->type == IT_SPACE)
			continue;
		if (it->type == IT_RDELIM || it->type == IT_RPAREN)
			backup(p);
		else if (it->type != IT_PIPE)
			unexpected(p, it, "operand");
		break;
	}
	if (cmd->nkids == 0)
		perrorf(p, "empty command");
	return cmd;
}

static void check_pipeline(struct parser *p, struct gt_node *pipe, const char *ctx)
{
	if (pipe->nkids == 0)
		perrorf(p, "missing value for %s", ctx);
	for (size_t i = 1; i < pipe->nkids; i++) {
		enum gt_type t = pipe->kids[i]->kids[0]->type;
		if (t == GT_BOOL || t == GT_DOT || t == GT_NIL || t == GT_NUMBER || t == GT_STRING)
			perrorf(p, "non executable command in pipeline stage %zu", i + 1);
	}
}

static void declare(struct parser *p, struct gt_node *pipe, const struct item *v)
{
	struct gt_node *var = new_node(p, GT_VAR, v);

	split_idents(var, v->val);
	add_kid(&pipe->decl, &pipe->ndecl, var);
	p->vars = xrealloc(p->vars, (p->nvars + 1) * sizeof(char *));
	p->vars[p->nvars++] = var->idents[0];
}

/* "$x :=", "$x =", "$i, $e :=" at the start of a pipeline */
static void declarations(struct parser *p, struct gt_node *pipe, const char *ctx)
{
	for (;;) {
		struct item *v = peek_nonspace(p), *after, *nx;
		size_t save;
		if (v->type != IT_VARIABLE)
			return;
		save = p->pos;
		next_nonspace(p);
		after = peek(p);
		nx = peek_nonspace(p);
		if (nx->type == IT_ASSIGN || nx->type == IT_DECLARE) {
			pipe->is_assign = nx->type == IT_ASSIGN;
			next_nonspace(p);
			if (pipe->is_assign)
				add_kid(&pipe->decl, &pipe->ndecl, use_var(p, v));
			else
				declare(p, pipe, v);
			return;
		}
		if (nx->type == IT_CHAR && strcmp(nx->val, ",") == 0) {
			next_nonspace(p);
			declare(p, pipe, v);
			if (strcmp(ctx, "range") == 0 && pipe->ndecl < 2) {
				enum item_type t = peek_nonspace(p)->type;
				if (t == IT_VARIABLE || t == IT_RDELIM || t == IT_RPAREN)
					continue;
				perrorf(p, "range can only initialize variables");
			}
			perrorf(p, "too many declarations in %s", ctx);
		}
		(void)after;
		p->pos = save;
		return;
	}
}

static struct gt_node *pipeline(struct parser *p, const char *ctx, enum item_type end)
{
	struct gt_node *pipe = new_node(p, GT_PIPE, peek_nonspace(p));

	declarations(p, pipe, ctx);
	for (;;) {
		struct item *it = next_nonspace(p);
		if (it->type == end) {
			check_pipeline(p, pipe, ctx);
			return pipe;
		}
		switch (it->type) {
		case IT_BOOL:
		case IT_CHARCONST:
		case IT_DOT:
		case IT_FIELD:
		case IT_IDENT:
		case IT_NUMBER:
		case IT_NIL:
		case IT_RAWSTRING:
		case IT_STRING:
		case IT_VARIABLE:
		case IT_LPAREN:
			backup(p);
			add_kid(&pipe->kids, &pipe->nkids, command(p));
			break;
		default:
			unexpected(p, it, ctx);
		}
	}
}

static struct gt_node *text_or_action(struct parser *p);

static struct gt_node *item_list(struct parser *p, struct gt_node **nextn)
{
	struct gt_node *list = new_node(p, GT_LIST, peek_nonspace(p));

	while (peek_nonspace(p)->type != IT_EOF) {
		struct gt_node *n = text_or_action(p);
		if (n->type == GT_END || n->type == GT_ELSE) {
			*nextn = n;
			return list;
		}
		add_kid(&list->kids, &list->nkids, n);
	}
	if (peek(p)->type == IT_ERROR)
		unexpected(p, next(p), "input");
	next(p);
	perrorf(p, "unexpected EOF");
}

static struct gt_node *control(struct parser *p, enum gt_type t, const char *ctx);

/* the part after {{else}} of an if/with; "else if"/"else with" chain */
static void else_part(struct parser *p, struct gt_node *n, enum gt_type t, const char *ctx)
{
	enum item_type kw = t == GT_IF ? IT_IF : IT_WITH;
	struct gt_node *end = NULL;

	if ((t == GT_IF || t == GT_WITH) && peek(p)->type == kw) {
		next(p);
		n->else_list = new_node(p, GT_LIST, peek(p));
		add_kid(&n->else_list->kids, &n->else_list->nkids, control(p, t, ctx));
		return;
	}
	n->else_list = item_list(p, &end);
	if (end->type != GT_END)
		perrorf(p, "expected end; found {{else}}");
}

static struct gt_node *control(struct parser *p, enum gt_type t, const char *ctx)
{
	size_t mark = p->nvars;
	struct gt_node *n, *pipe, *end = NULL;

	pipe = pipeline(p, ctx, IT_RDELIM);
	n = new_node(p, t, peek(p));
	n->pos = pipe->pos;
	n->line = pipe->line;
	n->pipe = pipe;
	if (t == GT_RANGE)
		p->range_depth++;
	n->list = item_list(p, &end);
	if (t == GT_RANGE)
		p->range_depth--;
	if (end->type == GT_ELSE)
		else_part(p, n, t, ctx);
	p->nvars = mark;
	return n;
}

static struct gt_node *loop_control(struct parser *p, const struct item *kw, enum gt_type t)
{
	const char *w = t == GT_BREAK ? "{{break}}" : "{{continue}}";
	struct item *it = next_nonspace(p);

	if (it->type != IT_RDELIM)
		unexpected(p, it, w);
	if (p->range_depth == 0)
		perrorf(p, "%s outside {{range}}", w);
	return new_node(p, t, kw);
}

/* a {{define}} or {{block}} body: its own variables, up to its {{end}} */
static void definition(struct parser *p, const char *name, const char *ctx)
{
	size_t nvars = p->nvars;
	int depth = p->range_depth;
	struct gt_node *end = NULL, *list;

	for (size_t i = 0; i < p->t->ndefs; i++)
		if (strcmp(p->t->defs[i].name, name) == 0 && p->t->defs[i].root->nkids > 0)
			perrorf(p, "template: multiple definition of template \"%s\"", name);
	p->nvars = 1;
	p->range_depth = 0;
	list = item_list(p, &end);
	p->nvars = nvars;
	p->range_depth = depth;
	if (end->type != GT_END)
		perrorf(p, "unexpected {{else}} in %s", ctx);
	p->t->defs = xrealloc(p->t->defs, (p->t->ndefs + 1) * sizeof(*p->t->defs));
	p->t->defs[p->t->ndefs++] = (struct gt_def){xstrdup(name), list};
}

static char *template_name(struct parser *p, const char *ctx)
{
	struct item *it = next_nonspace(p);
	size_t len;
	char *name;

	if (it->type != IT_STRING && it->type != IT_RAWSTRING)
		unexpected(p, it, ctx);
	name = unquote(it->val, &len);
	if (name == NULL)
		perrorf(p, "invalid syntax");
	return name;
}

static struct gt_node *template_control(struct parser *p, const struct item *kw)
{
	struct gt_node *n = new_node(p, GT_TEMPLATE, peek_nonspace(p)); /* Go: at the name */

	(void)kw;
	n->text = template_name(p, "template clause");
	if (next_nonspace(p)->type != IT_RDELIM) {
		backup(p);
		n->pipe = pipeline(p, "template clause", IT_RDELIM);
	}
	return n;
}

static struct gt_node *block_control(struct parser *p, const struct item *kw)
{
	struct gt_node *n = new_node(p, GT_TEMPLATE, peek_nonspace(p)); /* Go: at the name */

	(void)kw;
	n->text = template_name(p, "block clause");
	n->pipe = pipeline(p, "block clause", IT_RDELIM);
	definition(p, n->text, "block clause");
	return n;
}

/* {{define "name"}}...{{end}} at the top level */
static bool define_control(struct parser *p)
{
	size_t save = p->pos;
	struct gt_node *holder;

	if (peek(p)->type != IT_LDELIM)
		return false;
	next(p);
	if (next_nonspace(p)->type != IT_DEFINE) {
		p->pos = save;
		return false;
	}
	holder = new_node(p, GT_TEMPLATE, peek_nonspace(p)); /* owns the name */
	holder->text = template_name(p, "define clause");
	expect(p, IT_RDELIM, "define clause");
	definition(p, holder->text, "define clause");
	return true;
}

static struct gt_node *action(struct parser *p)
{
	struct item *it = next_nonspace(p), *pk;

	switch (it->type) {
	case IT_BREAK:
		return loop_control(p, it, GT_BREAK);
	case IT_CONTINUE:
		return loop_control(p, it, GT_CONTINUE);
	case IT_ELSE:
		pk = peek_nonspace(p);
		if (pk->type == IT_IF || pk->type == IT_WITH)
			return new_node(p, GT_ELSE, pk);
		return new_node(p, GT_ELSE, expect(p, IT_RDELIM, "else"));
	case IT_END:
		return new_node(p, GT_END, expect(p, IT_RDELIM, "end"));
	case IT_IF:
		return control(p, GT_IF, "if");
	case IT_RANGE:
		return control(p, GT_RANGE, "range");
	case IT_WITH:
		return control(p, GT_WITH, "with");
	case IT_TEMPLATE:
		return template_control(p, it);
	case IT_BLOCK:
		return block_control(p, it);
	case IT_DEFINE:
		perrorf(p, "unexpected <define> in command");
	default:
		break;
	}
	backup(p);
	pk = peek(p);
	struct gt_node *n = new_node(p, GT_ACTION, pk);
	n->pipe = pipeline(p, "command", IT_RDELIM);
	return n;
}

static struct gt_node *text_or_action(struct parser *p)
{
	struct item *it = next_nonspace(p);
	struct gt_node *n;

	switch (it->type) {
	case IT_TEXT:
		n = new_node(p, GT_TEXT, it);
		n->len = strlen(it->val);
		n->text = xstrndup(it->val, n->len);
		return n;
	case IT_LDELIM:
		p->action_line = it->line;
		n = action(p);
		p->action_line = 0;
		return n;
	default:
		unexpected(p, it, "input");
	}
}

static void free_node(struct gt_node *n)
{
	free(n->text);
	free(n->orig);
	for (size_t i = 0; i < n->nidents; i++)
		free(n->idents[i]);
	free(n->idents);
	free(n->kids);
	free(n->decl);
	free(n);
}

/* Parses the items into p->root; 0 or -1 (err set by perrorf). */
static int parse_items(struct parser *p, struct gt_node *root)
{
	if (setjmp(p->jb) != 0)
		return -1;
	while (peek(p)->type != IT_EOF) {
		struct gt_node *n;
		if (define_control(p))
			continue;
		n = text_or_action(p);
		if (n->type == GT_END || n->type == GT_ELSE) {
			perrorf(p, "unexpected %s", n->type == GT_END ? "{{end}}" : "{{else}}");
		}
		add_kid(&root->kids, &root->nkids, n);
	}
	return 0;
}

struct gotmpl *gotmpl_parse(const char *name, const char *text, struct werr *err)
{
	struct lexer l = {.in = text, .len = strlen(text), .line = 1, .start_line = 1};
	struct gotmpl *t = xcalloc(1, sizeof(*t));
	struct parser p = {.name = name, .err = err, .t = t};
	struct item root_item = {IT_TEXT, 0, 1, NULL};
	int rc;

	lex_all(&l);
	p.items = l.items;
	p.n = l.nitems;
	p.vars = xcalloc(1, sizeof(char *));
	p.vars[p.nvars++] = "$";
	t->name = xstrdup(name);
	t->text = xstrdup(text);
	t->root = new_node(&p, GT_LIST, &root_item);
	rc = parse_items(&p, t->root);
	for (size_t i = 0; i < l.nitems; i++)
		free(l.items[i].val);
	free(l.items);
	free(p.vars);
	if (rc < 0) {
		gotmpl_free(t);
		return NULL;
	}
	return t;
}

void gotmpl_free(struct gotmpl *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nnodes; i++)
		free_node(t->nodes[i]);
	free(t->nodes);
	for (size_t i = 0; i < t->ndefs; i++)
		free(t->defs[i].name);
	free(t->defs);
	free(t->name);
	free(t->text);
	free(t);
}

static char **collect_fields(const struct gt_node *n, char **v)
{
	if (n == NULL)
		return v;
	if (n->type == GT_FIELD && n->nidents > 0 && !strv_contains(v, n->idents[0]))
		v = strv_append(v, n->idents[0]);
	if (n->type == GT_VAR && n->nidents > 1 && strcmp(n->idents[0], "$") == 0 &&
	    !strv_contains(v, n->idents[1]))
		v = strv_append(v, n->idents[1]);
	for (size_t i = 0; i < n->nkids; i++)
		v = collect_fields(n->kids[i], v);
	v = collect_fields(n->pipe, v);
	v = collect_fields(n->list, v);
	v = collect_fields(n->else_list, v);
	return collect_fields(n->sub, v);
}

char **gotmpl_fields(const struct gotmpl *t)
{
	char **v = collect_fields(t->root, xcalloc(1, sizeof(char *)));

	for (size_t i = 0; i < t->ndefs; i++)
		v = collect_fields(t->defs[i].root, v);
	return v;
}
