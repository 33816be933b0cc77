/* cfparse.c - Containerfile syntax; see cfparse.h. */
#include "image/cfparse.h"

#include <ctype.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/cleanup.h"
#include "lib/sbuf.h"
#include "lib/util.h"

/* The keywords, and which take leading --flags. */
static const struct {
	const char *name;
	bool flags;
} keywords[] = {
    {"ADD", true},	   {"ARG", false},     {"CMD", false},	      {"COPY", true},
    {"ENTRYPOINT", false}, {"ENV", false},     {"EXPOSE", false},     {"FROM", true},
    {"HEALTHCHECK", true}, {"LABEL", false},   {"MAINTAINER", false}, {"ONBUILD", false},
    {"RUN", true},	   {"SHELL", false},   {"STOPSIGNAL", false}, {"USER", false},
    {"VOLUME", false},	   {"WORKDIR", false},
};

/* These accept the exec (JSON) form. */
static const char *const json_cmds[] = {"ADD", "CMD",	"COPY",	  "ENTRYPOINT",
					"RUN", "SHELL", "VOLUME", NULL};

void cf_instr_free(struct cf_instr *in)
{
	free(in->cmd);
	strv_free(in->flags);
	free(in->rest);
	strv_free(in->json);
	free(in->heredoc);
	free(in->text);
	*in = (struct cf_instr){0};
}

void cf_file_free(struct cf_file *f)
{
	for (size_t i = 0; i < f->n; i++)
		cf_instr_free(&f->v[i]);
	free(f->v);
	*f = (struct cf_file){0};
}

/* A JSON array of strings, or NULL. */
static char **parse_json_array(const char *s)
{
	cleanup_json struct json_object *j = NULL;
	struct json_tokener *tok;
	char **v = NULL;
	size_t n;

	if (s[0] != '[')
		return NULL;
	tok = json_tokener_new();
	j = json_tokener_parse_ex(tok, s, (int)strlen(s));
	n = (size_t)json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (j == NULL || !json_object_is_type(j, json_type_array))
		return NULL;
	while (s[n] && isspace((unsigned char)s[n]))
		n++;
	if (s[n] != '\0') /* trailing text: the shell form, as Docker */
		return NULL;
	v = xcalloc(1, sizeof(char *));
	for (size_t i = 0; i < json_object_array_length(j); i++) {
		struct json_object *e = json_object_array_get_idx(j, i);
		if (!json_object_is_type(e, json_type_string)) {
			strv_free(v);
			return NULL;
		}
		v = strv_append(v, json_object_get_string(e));
	}
	return v;
}

static char *trim(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

/* The physical lines of the file. */
struct lines {
	const char *p, *end;
	int no; /* number of the line last read */
};

/* Next line (without its newline) into s and n; false at the end. */
static bool next_line(struct lines *l, const char **s, size_t *n)
{
	const char *nl;

	if (l->p >= l->end)
		return false;
	nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
	*s = l->p;
	*n = nl ? (size_t)(nl - l->p) : (size_t)(l->end - l->p);
	if (*n && (*s)[*n - 1] == '\r')
		(*n)--;
	l->p = nl ? nl + 1 : l->end;
	l->no++;
	return true;
}

static bool blank_or_comment(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	return n == 0 || *s == '#';
}

/* "# escape=`" at the top of the file: 1 a directive (handled), 0 not one. */
static int directive(const char *s, size_t n, const char *fname, int line, char *escape,
		     struct werr *err)
{
	cleanup_free char *t = trim(s, n);
	char *eq, *key, *val;

	if (t[0] != '#')
		return 0;
	key = t + 1;
	eq = strchr(key, '=');
	if (eq == NULL)
		return 0;
	*eq = '\0';
	val = eq + 1;
	while (isspace((unsigned char)*key))
		key++;
	for (char *k = key + strlen(key); k > key && isspace((unsigned char)k[-1]);)
		*--k = '\0';
	while (isspace((unsigned char)*val))
		val++;
	if (strcasecmp(key, "syntax") == 0)
		return 1; /* frontends are BuildKit's: ignored, as Podman does */
	if (strcasecmp(key, "escape") != 0)
		return 0;
	if (strcmp(val, "\\") != 0 && strcmp(val, "`") != 0)
		return werr_set(err, 0, "%s:%d: invalid escape token '%s' does not match ` or \\",
				fname, line, val);
	*escape = val[0];
	return 1;
}

/* Reads the body of a heredoc started by "<<[-]WORD" in rest. 1 read, 0
 * no heredoc, -1 error. */
static int heredoc(struct lines *l, const char *rest, const char *fname, int line, char **body,
		   struct werr *err)
{
	const char *h = strstr(rest, "<<"), *s;
	cleanup_free char *word = NULL;
	struct sbuf b = {0};
	bool strip = false;
	size_t n, wn;

	if (h == NULL || h != rest)
		return 0; /* only "RUN <<EOF" (the body is the script) */
	h += 2;
	if (*h == '-')
		strip = true, h++;
	if (*h == '"' || *h == '\'')
		h++;
	for (wn = 0; isalnum((unsigned char)h[wn]) || h[wn] == '_'; wn++)
		;
	if (wn == 0)
		return 0;
	word = xstrndup(h, wn);
	h += wn;
	if (*h == '"' || *h == '\'')
		h++;
	while (isspace((unsigned char)*h))
		h++;
	if (*h != '\0')
		return werr_set(err, 0, "%s:%d: a heredoc with a command after it is not supported",
				fname, line);
	while (next_line(l, &s, &n)) {
		if (strip)
			while (n && *s == '\t')
				s++, n--;
		if (n == wn && memcmp(s, word, wn) == 0) {
			*body = sbuf_take(&b);
			return 1;
		}
		sbuf_addn(&b, s, n);
		sbuf_addc(&b, '\n');
	}
	free(b.s);
	return werr_set(err, 0, "%s:%d: unterminated heredoc: no line '%s' ends it", fname, line,
			word);
}

/* Splits the logical line t (keyword and arguments) into in. */
static int split_instr(char *t, const char *fname, int line, struct cf_instr *in, struct werr *err)
{
	size_t kn = strcspn(t, " \t");
	const char *rest = t + kn;
	bool flags = false, known = false;

	for (size_t i = 0; i < kn; i++)
		t[i] = (char)toupper((unsigned char)t[i]);
	for (size_t i = 0; i < ARRAY_SIZE(keywords); i++)
		if (strlen(keywords[i].name) == kn && memcmp(keywords[i].name, t, kn) == 0)
			known = true, flags = keywords[i].flags;
	if (!known)
		return werr_set(err, 0, "%s:%d: unknown instruction: %.*s", fname, line,
				(int)(kn > 64 ? 64 : kn), t);
	in->line = line;
	in->cmd = xstrndup(t, kn);
	while (isspace((unsigned char)*rest))
		rest++;
	while (flags && str_has_prefix(rest, "--")) {
		size_t fn = strcspn(rest, " \t");
		cleanup_free char *f = xstrndup(rest, fn);
		in->flags = strv_append(in->flags, f);
		rest += fn;
		while (isspace((unsigned char)*rest))
			rest++;
	}
	in->rest = trim(rest, strlen(rest));
	if (in->rest[0] == '\0')
		return werr_set(err, 0, "%s:%d: %s requires at least one argument", fname, line,
				in->cmd);
	if (strv_contains((char *const *)json_cmds, in->cmd))
		in->json = parse_json_array(in->rest);
	if (strcmp(in->cmd, "SHELL") == 0 && (in->json == NULL || in->json[0] == NULL))
		return werr_set(err, 0, "%s:%d: SHELL requires the arguments to be in JSON form",
				fname, line);
	in->text = xasprintf("%s %s", in->cmd, t + kn + strspn(t + kn, " \t"));
	return 0;
}

/* One logical line from l: continuation lines joined, comments and blank
 * lines inside it dropped. NULL at the end. */
static char *logical_line(struct lines *l, char escape, int *first)
{
	struct sbuf b = {0};
	const char *s;
	size_t n;
	bool cont = false;

	while (next_line(l, &s, &n)) {
		if (blank_or_comment(s, n))
			continue;
		if (!cont)
			*first = l->no;
		while (n && isspace((unsigned char)s[n - 1]))
			n--;
		cont = n && s[n - 1] == escape;
		sbuf_addn(&b, s, cont ? n - 1 : n);
		if (!cont)
			break;
	}
	return b.s ? sbuf_take(&b) : NULL;
}

int cf_parse(const char *text, size_t len, const char *fname, struct cf_file *out, struct werr *err)
{
	struct lines l = {.p = text, .end = text + len};
	struct cf_file f = {.escape = '\\'};
	const char *s;
	size_t n;
	int first = 0;
	char *t;

	if (len > CF_MAX_SIZE)
		return werr_set(err, 0, "%s: too large (over %d bytes)", fname, CF_MAX_SIZE);
	if (memchr(text, '\0', len) != NULL)
		return werr_set(err, 0, "%s: not a text file (a NUL byte)", fname);
	/* parser directives: only before anything else */
	for (struct lines p = l; next_line(&p, &s, &n);) {
		int r = directive(s, n, fname, p.no, &f.escape, err);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		l = p;
	}
	while ((t = logical_line(&l, f.escape, &first)) != NULL) {
		struct cf_instr in = {0};
		int rc = split_instr(t, fname, first, &in, err);
		free(t);
		if (rc == 0 && strcmp(in.cmd, "RUN") == 0 && in.json == NULL)
			rc = heredoc(&l, in.rest, fname, first, &in.heredoc, err) < 0 ? -1 : 0;
		if (rc < 0) {
			cf_instr_free(&in);
			cf_file_free(&f);
			return -1;
		}
		f.v = xrealloc(f.v, (f.n + 1) * sizeof(*f.v));
		f.v[f.n++] = in;
	}
	*out = f;
	return 0;
}

int cf_parse_one(const char *change, struct cf_instr *out, struct werr *err)
{
	size_t kn = strcspn(change, " \t=");
	cleanup_free char *t = xstrdup(change);
	struct cf_instr in = {0};

	if (t[kn] == '=') /* Podman's "ENV=A=1" */
		t[kn] = ' ';
	if (strchr(t, '\n') != NULL)
		return werr_set(err, 0, "invalid change \"%s\": more than one line", change);
	if (split_instr(t, "change", 1, &in, err) < 0) {
		cf_instr_free(&in);
		return -1;
	}
	*out = in;
	return 0;
}

/* ---- expansion ---- */

struct lexer {
	const char *p;
	char escape;
	cf_lookup_fn fn;
	void *ud;
	struct werr *err;
};

static int expand_word(struct lexer *x, const char *s, struct sbuf *out);

/* The end of a ${...} starting after "${": the matching '}', or NULL. */
static const char *brace_end(const char *p, char escape)
{
	int depth = 1;

	for (; *p; p++) {
		if (*p == escape && p[1])
			p++;
		else if (*p == '{')
			depth++;
		else if (*p == '}' && --depth == 0)
			return p;
	}
	return NULL;
}

/* x->p at '$': appends the expansion. */
static int expand_var(struct lexer *x, struct sbuf *out)
{
	const char *p = x->p + 1, *end, *val;
	cleanup_free char *name = NULL;
	size_t n;

	if (*p != '{') {
		for (n = 0; isalnum((unsigned char)p[n]) || p[n] == '_'; n++)
			;
		if (n == 0) { /* a lone '$' */
			sbuf_addc(out, '$');
			x->p = p;
			return 0;
		}
		name = xstrndup(p, n);
		val = x->fn ? x->fn(x->ud, name) : NULL;
		if (val)
			sbuf_addn(out, val, strlen(val));
		x->p = p + n;
		return 0;
	}
	p++;
	end = brace_end(p, x->escape);
	if (end == NULL)
		return werr_set(x->err, 0, "missing '}' in '%s'", x->p);
	for (n = 0; isalnum((unsigned char)p[n]) || p[n] == '_'; n++)
		;
	if (n == 0)
		return werr_set(x->err, 0, "bad substitution '%.*s'", (int)(end - x->p + 1), x->p);
	name = xstrndup(p, n);
	val = x->fn ? x->fn(x->ud, name) : NULL;
	p += n;
	x->p = end + 1;
	if (p == end) {
		if (val)
			sbuf_addn(out, val, strlen(val));
		return 0;
	}
	bool colon = *p == ':';
	char op = colon ? p[1] : p[0];
	cleanup_free char *word =
	    xstrndup(p + (colon ? 2 : 1), (size_t)(end - p - (colon ? 2 : 1)));
	bool set = val != NULL && (!colon || val[0] != '\0');

	switch (op) {
	case '-':
		return set ? (sbuf_addn(out, val, strlen(val)), 0) : expand_word(x, word, out);
	case '+':
		return set ? expand_word(x, word, out) : 0;
	case '?':
		if (set)
			return sbuf_addn(out, val, strlen(val)), 0;
		return werr_set(x->err, 0, "%s: %s", name, word[0] ? word : "is not set");
	default:
		return werr_set(x->err, 0, "unsupported modifier '%c' in '${%s...}'", op, name);
	}
}

/* Expands the word s (no splitting, quotes kept as they are) into out. */
static int expand_word(struct lexer *x, const char *s, struct sbuf *out)
{
	struct lexer sub = *x;

	for (sub.p = s; *sub.p;) {
		if (*sub.p == '$') {
			if (expand_var(&sub, out) < 0)
				return -1;
		} else {
			sbuf_addc(out, *sub.p++);
		}
	}
	return 0;
}

int cf_words(const char *s, char escape, bool split, cf_lookup_fn fn, void *ud, char ***out,
	     struct werr *err)
{
	struct lexer x = {.p = s, .escape = escape, .fn = fn, .ud = ud, .err = err};
	struct sbuf w = {0};
	char **v = xcalloc(1, sizeof(char *));
	bool have = false; /* a word is started (maybe empty: "") */

	while (*x.p) {
		char c = *x.p;
		if (split && isspace((unsigned char)c)) {
			if (have)
				v = strv_append(v, w.s ? w.s : ""), free(sbuf_take(&w));
			have = false;
			x.p++;
			continue;
		}
		have = true;
		if (c == escape && x.p[1]) {
			sbuf_addc(&w, x.p[1]);
			x.p += 2;
		} else if (c == '\'') {
			const char *q = strchr(x.p + 1, '\'');
			if (q == NULL)
				goto unterminated;
			sbuf_addn(&w, x.p + 1, (size_t)(q - x.p - 1));
			x.p = q + 1;
		} else if (c == '"') {
			for (x.p++; *x.p != '"';) {
				if (*x.p == '\0')
					goto unterminated;
				if (*x.p == escape &&
				    (x.p[1] == '"' || x.p[1] == '$' || x.p[1] == escape)) {
					sbuf_addc(&w, x.p[1]);
					x.p += 2;
				} else if (*x.p == '$') {
					if (expand_var(&x, &w) < 0)
						goto fail;
				} else {
					sbuf_addc(&w, *x.p++);
				}
			}
			x.p++;
		} else if (c == '$') {
			if (expand_var(&x, &w) < 0)
				goto fail;
		} else {
			sbuf_addc(&w, c);
			x.p++;
		}
	}
	if (have || !split)
		v = strv_append(v, w.s ? w.s : "");
	free(w.s);
	*out = v;
	return 0;
unterminated:
	werr_set(err, 0, "unterminated quote in '%s'", s);
fail:
	free(w.s);
	strv_free(v);
	return -1;
}

void cf_vals_free(char **vals, size_t n)
{
	for (size_t i = 0; vals && i < n; i++)
		free(vals[i]);
	free(vals);
}

/* ENV/LABEL "KEY VALUE..." (no '=' in the first word). */
static int old_pair(const struct cf_instr *in, char escape, cf_lookup_fn fn, void *ud, char ***keys,
		    char ***vals, size_t *n, struct werr *err)
{
	size_t kn = strcspn(in->rest, " \t");
	const char *v = in->rest + kn + strspn(in->rest + kn, " \t");
	cleanup_free char *k = xstrndup(in->rest, kn);
	cleanup_strv char **kw = NULL, **vw = NULL;

	if (*v == '\0')
		return werr_set(err, 0, "%s %s: must be KEY=VALUE (or KEY VALUE)", in->cmd, k);
	if (cf_words(k, escape, false, fn, ud, &kw, err) < 0 ||
	    cf_words(v, escape, false, fn, ud, &vw, err) < 0)
		return -1;
	*keys = strv_append(NULL, kw[0]);
	*vals = xcalloc(2, sizeof(char *));
	(*vals)[0] = xstrdup(vw[0]);
	*n = 1;
	return 0;
}

int cf_pairs(const struct cf_instr *in, char escape, cf_lookup_fn fn, void *ud, char ***keys,
	     char ***vals, size_t *n, struct werr *err)
{
	bool arg = strcmp(in->cmd, "ARG") == 0;
	size_t kn = strcspn(in->rest, " \t");
	cleanup_strv char **words = NULL, **k = NULL;
	char **v = NULL;
	size_t m = 0;

	if (!arg && memchr(in->rest, '=', kn) == NULL)
		return old_pair(in, escape, fn, ud, keys, vals, n, err);
	/* keys are not expanded: split first without a lookup for them, then
	 * expand each value */
	if (cf_words(in->rest, escape, true, NULL, NULL, &words, err) < 0)
		return -1;
	cleanup_strv char **raw = NULL;
	k = xcalloc(1, sizeof(char *));
	for (size_t i = 0; words[i]; i++) {
		const char *eq = strchr(words[i], '=');
		if (eq == NULL && !arg) {
			cf_vals_free(v, m);
			return werr_set(
			    err, 0, "%s: can't find = in \"%s\": must be of the form name=value",
			    in->cmd, words[i]);
		}
		cleanup_free char *key =
		    eq ? xstrndup(words[i], (size_t)(eq - words[i])) : xstrdup(words[i]);
		if (key[0] == '\0') {
			cf_vals_free(v, m);
			return werr_set(err, 0, "%s names can not be blank", in->cmd);
		}
		k = strv_append(k, key);
		v = xrealloc(v, (m + 1) * sizeof(char *));
		v[m++] = NULL;
	}
	/* values: expand the original words again, each as written */
	if (cf_words(in->rest, escape, true, fn, ud, &raw, err) < 0) {
		cf_vals_free(v, m);
		return -1;
	}
	for (size_t i = 0; i < m && raw[i]; i++) {
		const char *eq = strchr(raw[i], '=');
		if (eq)
			v[i] = xstrdup(eq + 1);
	}
	*keys = steal_pointer(&k);
	*vals = v;
	*n = m;
	return 0;
}

const char *cf_flag(const struct cf_instr *in, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; in->flags && in->flags[i]; i++) {
		const char *f = in->flags[i] + 2;
		if (strncmp(f, name, n) == 0 && (f[n] == '=' || f[n] == '\0'))
			return f[n] == '=' ? f + n + 1 : "";
	}
	return NULL;
}
