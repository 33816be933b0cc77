#include "cli/format.h"
#include "lib/cleanup.h"
#include "lib/gotmpl.h"
#include "lib/util.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

struct table {
	size_t ncols, nrows, cap;
	char **cells; /* nrows * ncols */
};

static void append(char **buf, size_t *len, const char *s, size_t n)
{
	*buf = xrealloc(*buf, *len + n + 1);
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
}

/* ---- Go's text/tabwriter, as Podman sets it up: minwidth 12, padding 2,
 * padded with spaces. Cells end at a tab; the last cell of a line is not
 * part of a column. A column's width is set per block of consecutive lines
 * that have a cell in it (Go's column blocks). ---- */

enum { TAB_MINWIDTH = 12, TAB_PADDING = 2 };

struct tw_line {
	const char **cells;
	size_t *lens, ncells;
};

struct tw {
	FILE *out;
	struct tw_line *lines;
	size_t nlines;
	size_t widths[64], nwidths;
	bool partial; /* the text does not end in a newline: nor does the output */
};

static void tw_write_lines(struct tw *w, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		const struct tw_line *l = &w->lines[i];
		for (size_t j = 0; j < l->ncells; j++) {
			fwrite(l->cells[j], 1, l->lens[j], w->out);
			if (j < w->nwidths)
				for (size_t k = utf8_count(l->cells[j], l->lens[j]);
				     k < w->widths[j]; k++)
					fputc(' ', w->out);
		}
		if (i + 1 < w->nlines || !w->partial)
			fputc('\n', w->out);
	}
}

static void tw_format(struct tw *w, size_t line0, size_t line1)
{
	size_t column = w->nwidths;

	for (size_t this = line0; this < line1; this ++) {
		size_t width = TAB_MINWIDTH;
		if (column + 1 >= w->lines[this].ncells || column >= ARRAY_SIZE(w->widths))
			continue;
		tw_write_lines(w, line0, this);
		line0 = this;
		for (; this < line1 && column + 1 < w->lines[this].ncells; this ++) {
			const struct tw_line *l = &w->lines[this];
			size_t cw = utf8_count(l->cells[column], l->lens[column]) + TAB_PADDING;
			if (cw > width)
				width = cw;
		}
		w->widths[w->nwidths++] = width;
		tw_format(w, line0, this);
		w->nwidths--;
		line0 = this;
		this --; /* the loop's this++ must not skip the line that ended the block */
	}
	tw_write_lines(w, line0, line1);
}

/* Writes text (lines of tab-separated cells) aligned as Go's tabwriter. */
static void tabwrite(FILE *out, char *text, size_t len)
{
	struct tw w = {.out = out, .partial = len > 0 && text[len - 1] != '\n'};
	char *p = text, *end = text + len;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *le = nl ? nl : end;
		struct tw_line l = {0};
		for (char *c = p;;) {
			char *tab = memchr(c, '\t', (size_t)(le - c));
			char *ce = tab ? tab : le;
			l.cells = xrealloc(l.cells, (l.ncells + 1) * sizeof(char *));
			l.lens = xrealloc(l.lens, (l.ncells + 1) * sizeof(size_t));
			l.cells[l.ncells] = c;
			l.lens[l.ncells++] = (size_t)(ce - c);
			if (tab == NULL)
				break;
			c = tab + 1;
		}
		w.lines = xrealloc(w.lines, (w.nlines + 1) * sizeof(*w.lines));
		w.lines[w.nlines++] = l;
		p = le + 1;
	}
	tw_format(&w, 0, w.nlines);
	for (size_t i = 0; i < w.nlines; i++) {
		free(w.lines[i].cells);
		free(w.lines[i].lens);
	}
	free(w.lines);
}

struct table *table_new(size_t ncols)
{
	struct table *t = xcalloc(1, sizeof(*t));
	t->ncols = ncols;
	return t;
}

void table_add(struct table *t, const char *const *cells)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->cells = xrealloc(t->cells, t->cap * t->ncols * sizeof(char *));
	}
	for (size_t i = 0; i < t->ncols; i++)
		t->cells[t->nrows * t->ncols + i] = xstrdup(cells[i] ? cells[i] : "");
	t->nrows++;
}

void table_print(struct table *t, FILE *out)
{
	char *buf = NULL;
	size_t len = 0;

	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			const char *cell = t->cells[r * t->ncols + c];
			append(&buf, &len, cell, strlen(cell));
			append(&buf, &len, c + 1 == t->ncols ? "\n" : "\t", 1);
		}
	if (buf != NULL)
		tabwrite(out, buf, len);
	free(buf);
}

void table_free(struct table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

void print_json_go(FILE *out, struct json_object *v, const char *indent, bool escape_html)
{
	char *s = gotmpl_json(v, indent, escape_html);

	fprintf(out, "%s\n", s);
	free(s);
}

void print_json(FILE *out, struct json_object *v)
{
	print_json_go(out, v, "    ", true);
}

static const char *tmpl_name = "format";

void format_set_name(const char *name)
{
	tmpl_name = name;
}

/* Podman's replacers, applied in one left-to-right pass: at each position
 * the first of from[] that matches is replaced by to[]. */
static char *replace_all(const char *s, const char *const *from, const char *const *to, size_t n)
{
	char *buf = xstrdup("");
	size_t len = 0;

	while (*s) {
		size_t i;
		for (i = 0; i < n; i++)
			if (str_has_prefix(s, from[i]))
				break;
		if (i == n) {
			append(&buf, &len, s++, 1);
			continue;
		}
		append(&buf, &len, to[i], strlen(to[i]));
		s += strlen(from[i]);
	}
	return buf;
}

/* report.NormalizeFormat: "\t" and "\n" typed literally become a tab and
 * a newline; a table's "table " words go and its spaces become tabs */
static char *normalize(const char *format, bool table, bool add_newline)
{
	static const char *const tf[] = {"table ", "\\t", " ", "\\n"}, *const tt[] = {"", "\t",
										      "\t", "\n"};
	static const char *const ef[] = {"\\t", "\\n"}, *const et[] = {"\t", "\n"};
	char *s = table ? replace_all(format, tf, tt, 4) : replace_all(format, ef, et, 2);
	size_t l = strlen(s);

	if (add_newline && (l == 0 || s[l - 1] != '\n')) {
		s = xrealloc(s, l + 2);
		strcpy(s + l, "\n");
	}
	return s;
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
		p++;
	return p;
}

/* report's rangeRegex: "{{ range . }} ... {{ end }}" somewhere in s */
static bool has_range(const char *s)
{
	for (const char *p = strstr(s, "{{"); p; p = strstr(p + 2, "{{")) {
		const char *q = skip_ws(p + 2);
		if (strncmp(q, "range", 5) != 0)
			continue;
		q = skip_ws(q + 5);
		if (*q != '.')
			continue;
		q = skip_ws(q + 1);
		if (strncmp(q, "}}", 2) != 0)
			continue;
		for (const char *e = strstr(q, "{{"); e; e = strstr(e + 2, "{{")) {
			const char *r = skip_ws(e + 2);
			if (strncmp(r, "end", 3) != 0)
				continue;
			r = skip_ws(r + 3);
			if (*r == '-')
				r = skip_ws(r + 1);
			if (strncmp(r, "}}", 2) == 0)
				return true;
		}
	}
	return false;
}

/* report.IsJSON: "json", "{{json}}", "{{ json. }}", "{{json .}}" */
static bool is_json_format(const char *f)
{
	const char *p = skip_ws(f);

	if (str_has_prefix(p, "json")) {
		p += 4;
	} else if (str_has_prefix(p, "{{")) {
		p = skip_ws(p + 2);
		if (!str_has_prefix(p, "json"))
			return false;
		p = skip_ws(p + 4); /* Podman's regexp: {{\s*json\s*(\.)?\s*}} */
		if (*p == '.')
			p++;
		p = skip_ws(p);
		if (!str_has_prefix(p, "}}"))
			return false;
		p += 2;
	} else {
		return false;
	}
	return *skip_ws(p) == '\0';
}

/* Parses the normalized text; when that fails, the text as given (Podman
 * does so for templates such as '{{printf "\n"}}'). */
static struct gotmpl *parse_twice(char *norm, char *orig, struct werr *err)
{
	struct gotmpl *t = gotmpl_parse(tmpl_name, norm, err);

	if (t == NULL) {
		werr_clear(err);
		t = gotmpl_parse(tmpl_name, orig, err);
	}
	free(norm);
	free(orig);
	return t;
}

/* the last template of template_render, kept: callers render one template
 * once per object */
static struct {
	char *text, *name;
	struct gotmpl *t;
} cache;

static void cache_drop(void)
{
	free(cache.text);
	free(cache.name);
	gotmpl_free(cache.t);
	memset(&cache, 0, sizeof(cache));
}

char *template_render(const char *tmpl, struct json_object *obj, struct werr *err)
{
	werr_clear(err);
	if (cache.t == NULL || strcmp(cache.text, tmpl) != 0 ||
	    strcmp(cache.name, tmpl_name) != 0) {
		struct gotmpl *t = parse_twice(normalize(tmpl, false, false), xstrdup(tmpl), err);
		if (t == NULL)
			return NULL;
		cache_drop();
		cache.text = xstrdup(tmpl);
		cache.name = xstrdup(tmpl_name);
		cache.t = t;
	}
	return gotmpl_render(cache.t, obj, err);
}

/* report.Formatter.Parse for a user's --format: a table's rows, or any
 * other template, run once over the array of objects */
static struct gotmpl *parse_format(const char *format, bool table, struct werr *err)
{
	char *norm = normalize(format, table, true), *orig;

	if (table) {
		char *n2 = xasprintf("{{range .}}%s{{end -}}", norm);
		free(norm);
		return parse_twice(n2, xasprintf("{{range .}}%s{{end -}}", format + 6), err);
	}
	if (!has_range(norm)) {
		char *n2 = xasprintf("{{range .}}%s{{end -}}", norm);
		free(norm);
		norm = n2;
	}
	orig = has_range(format) ? xstrdup(format) : xasprintf("{{range .}}%s{{end -}}", format);
	return parse_twice(norm, orig, err);
}

/* report.Headers: a field's title is its name split at case changes, in
 * upper case ("CreatedAt" -> "CREATED AT") */
static char *field_title(const char *name)
{
	char *buf = xstrdup("");
	size_t len = 0, n = strlen(name);

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i], pc = i ? (unsigned char)name[i - 1] : 0;
		unsigned char nc = (unsigned char)name[i + 1];
		int cls = islower(c) ? 1 : isupper(c) ? 2 : isdigit(c) ? 3 : 4;
		int pcls = !i ? 0 : islower(pc) ? 1 : isupper(pc) ? 2 : isdigit(pc) ? 3 : 4;
		/* a new word where the class changes, and before the last upper
		 * case letter of a run that a lower case letter follows (HTTPServer) */
		if (i > 0 && (cls != pcls ? !(pcls == 2 && cls == 1) : (cls == 2 && islower(nc))))
			append(&buf, &len, " ", 1);
		char u = (char)toupper(c);
		append(&buf, &len, &u, 1);
	}
	return buf;
}

static void add_title(struct json_object *h, const char *field)
{
	char *t = field_title(field);

	json_object_object_add(h, field, json_object_new_string(t));
	free(t);
}

/* The header row's object: every field of the objects and of the template
 * titled, then the caller's titles (upper-cased, as Podman's overrides). */
static struct json_object *header_object(struct json_object *const *objs, size_t n,
					 struct json_object *headers, const struct gotmpl *t)
{
	struct json_object *h = json_object_new_object();
	cleanup_strv char **fields = gotmpl_fields(t);

	if (n > 0 && json_object_is_type(objs[0], json_type_object)) {
		json_object_object_foreach(objs[0], k, v)
		{
			(void)v;
			add_title(h, k);
		}
	}
	for (char **f = fields; *f; f++)
		if (!json_object_object_get_ex(h, *f, NULL))
			add_title(h, *f);
	if (headers != NULL) {
		json_object_object_foreach(headers, k, v)
		{
			char *u = xstrdup(json_object_get_string(v));
			/* "<no value>" is what Go's template prints for a field
			 * without a title: not a title, never upper-cased */
			for (char *c = u; *c && strcmp(u, "<no value>") != 0; c++)
				*c = (char)toupper((unsigned char)*c);
			json_object_object_add(h, k, json_object_new_string(u));
			free(u);
		}
	}
	return h;
}

int format_print(FILE *out, const char *format, struct json_object *const *objs, size_t n,
		 struct json_object *headers, struct werr *err)
{
	cleanup_json struct json_object *a = json_object_new_array_ext((int)n + 1);
	bool table = str_has_prefix(format, "table ");
	struct gotmpl *t;
	char *buf = NULL;
	size_t len = 0;
	int rc = 0;

	werr_clear(err);
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_get(objs[i]));
	if (is_json_format(format)) {
		print_json(out, a);
		return 0;
	}
	t = parse_format(format, table, err);
	if (t == NULL)
		return -1;
	if (table) {
		cleanup_json struct json_object *h = json_object_new_array();
		json_object_array_add(h, header_object(objs, n, headers, t));
		rc = gotmpl_exec(t, h, &buf, &len, err);
	}
	/* everything is rendered first: a bad template prints nothing */
	if (rc == 0)
		rc = gotmpl_exec(t, a, &buf, &len, err);
	if (rc == 0 && table)
		tabwrite(out, buf, len);
	else if (rc == 0)
		fwrite(buf, 1, len, out);
	free(buf);
	gotmpl_free(t);
	return rc;
}

bool format_is_json(const char *format)
{
	return is_json_format(format);
}

int format_print_owned(FILE *out, const char *format, struct json_object **objs, size_t n,
		       struct json_object *headers, struct werr *err)
{
	int r = format_print(out, format, objs, n, headers, err);

	for (size_t i = 0; i < n; i++)
		json_object_put(objs[i]);
	free(objs);
	return r;
}
