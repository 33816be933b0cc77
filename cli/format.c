#include "cli/format.h"
#include "lib/cleanup.h"
#include "lib/util.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

struct table {
	size_t ncols, nrows, cap;
	char **cells; /* nrows * ncols */
};

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
	cleanup_free size_t *w = xcalloc(t->ncols, sizeof(size_t));

	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			size_t l = strlen(t->cells[r * t->ncols + c]);
			if (l > w[c])
				w[c] = l;
		}
	for (size_t c = 0; c < t->ncols; c++)
		w[c] = w[c] + 2 < 12 ? 12 : w[c] + 2;
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			if (c + 1 == t->ncols)
				fprintf(out, "%s\n", s);
			else
				fprintf(out, "%-*s", (int)w[c], s);
		}
	}
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

void print_json(FILE *out, struct json_object *v)
{
	const char *s = json_object_to_json_string_ext(
	    v, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
	fprintf(out, "%s\n", s);
}

/* Looks up ".A.B" in obj; "." alone is obj. */
static struct json_object *lookup(struct json_object *obj, const char *path, struct werr *err)
{
	char key[256];
	const char *p = path;

	if (*p != '.')
		return werr_set(err, 0, "template: bad field '%s'", path), NULL;
	p++;
	while (*p) {
		size_t n = strcspn(p, ".");
		struct json_object *next = NULL;
		if (n >= sizeof(key))
			n = sizeof(key) - 1;
		memcpy(key, p, n);
		key[n] = '\0';
		if (obj != NULL && !json_object_object_get_ex(obj, key, &next) &&
		    json_object_is_type(obj, json_type_object)) {
			/* Go templates name struct fields ({{.Store.GraphRoot}});
			 * our JSON keys are Podman's (graphRoot): match either */
			json_object_object_foreach(obj, k, val)
			{
				if (strcasecmp(k, key) == 0) {
					next = val;
					break;
				}
			}
		}
		if (obj == NULL || next == NULL) {
			werr_set(err, 0, "template: can't evaluate field %s", key);
			return NULL;
		}
		obj = next;
		p += n;
		if (*p == '.')
			p++;
	}
	return obj;
}

static void append(char **buf, size_t *len, const char *s, size_t n)
{
	*buf = xrealloc(*buf, *len + n + 1);
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
}

static const char *value_text(struct json_object *v)
{
	if (v == NULL)
		return "<nil>";
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
						     JSON_C_TO_STRING_NOSLASHESCAPE);
}

static int render_action(const char *act, struct json_object *obj, char **buf, size_t *len,
			 struct werr *err)
{
	struct json_object *v;
	bool as_json = false;

	while (*act == ' ')
		act++;
	if (str_has_prefix(act, "json ")) {
		as_json = true;
		act += 5;
		while (*act == ' ')
			act++;
	}
	v = lookup(obj, act, err);
	if (v == NULL && err->msg[0])
		return -1;
	if (as_json) {
		const char *s = v ? json_object_to_json_string_ext(
					v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
				  : "null";
		append(buf, len, s, strlen(s));
	} else if (v && json_object_is_type(v, json_type_array)) {
		/* Go prints slices as [a b c] */
		append(buf, len, "[", 1);
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			const char *s = value_text(json_object_array_get_idx(v, i));
			if (i)
				append(buf, len, " ", 1);
			append(buf, len, s, strlen(s));
		}
		append(buf, len, "]", 1);
	} else {
		const char *s = value_text(v);
		append(buf, len, s, strlen(s));
	}
	return 0;
}

char *template_render(const char *tmpl, struct json_object *obj, struct werr *err)
{
	char *buf = xstrdup("");
	size_t len = 0;
	const char *p = tmpl;

	werr_clear(err);
	while (*p) {
		if (p[0] == '{' && p[1] == '{') {
			const char *end = strstr(p + 2, "}}");
			char act[512];
			size_t n;
			if (end == NULL) {
				free(buf);
				werr_set(err, 0, "template: unclosed action in '%s'", tmpl);
				return NULL;
			}
			n = (size_t)(end - (p + 2));
			if (n >= sizeof(act))
				n = sizeof(act) - 1;
			memcpy(act, p + 2, n);
			act[n] = '\0';
			while (n > 0 && act[n - 1] == ' ')
				act[--n] = '\0';
			if (render_action(act, obj, &buf, &len, err) < 0) {
				free(buf);
				return NULL;
			}
			p = end + 2;
		} else if (p[0] == '\\' && (p[1] == 't' || p[1] == 'n')) {
			append(&buf, &len, p[1] == 't' ? "\t" : "\n", 1);
			p += 2;
		} else {
			append(&buf, &len, p, 1);
			p++;
		}
	}
	return buf;
}

/* "table" as the first word of a format: Podman's table directive. */
static const char *table_body(const char *format)
{
	if (strncmp(format, "table", 5) != 0 ||
	    (format[5] != '\0' && format[5] != ' ' && format[5] != '\t' && format[5] != '{'))
		return NULL;
	format += 5;
	while (*format == ' ' || *format == '\t')
		format++;
	return format;
}

/* Splits a rendered row into tab-separated cells and adds it to t (made
 * on the first row, with that row's number of cells). */
static void add_row(struct table **t, char *row)
{
	char *cells[64];
	size_t nc = 0;
	char *nl = strchr(row, '\n');

	if (nl != NULL)
		*nl = '\0';
	for (char *p = row; p != NULL && nc < 64;) {
		char *tab = strchr(p, '\t');
		if (tab != NULL)
			*tab++ = '\0';
		cells[nc++] = p;
		p = tab;
	}
	if (*t == NULL)
		*t = table_new(nc);
	for (size_t i = nc; i < (*t)->ncols; i++)
		cells[i] = "";
	table_add(*t, (const char *const *)cells);
}

/* The header object: headers as given, else each field titled by its name
 * in upper case (Podman's default). */
static struct json_object *header_object(struct json_object *const *objs, size_t n,
					 struct json_object *headers)
{
	struct json_object *h = json_object_new_object();

	if (n > 0 && json_object_is_type(objs[0], json_type_object)) {
		json_object_object_foreach(objs[0], k, v)
		{
			char *t = xstrdup(k);
			(void)v;
			for (char *c = t; *c; c++)
				*c = (char)toupper((unsigned char)*c);
			json_object_object_add(h, k, json_object_new_string(t));
			free(t);
		}
	}
	if (headers != NULL) {
		json_object_object_foreach(headers, k, v)
		{
			json_object_object_add(h, k, json_object_get(v));
		}
	}
	return h;
}

static int print_table(FILE *out, const char *body, struct json_object *const *objs, size_t n,
		       struct json_object *headers, struct werr *err)
{
	cleanup_json struct json_object *h = header_object(objs, n, headers);
	struct table *t = NULL;
	char *row = template_render(body, h, err);

	if (row == NULL)
		return -1;
	add_row(&t, row);
	free(row);
	for (size_t i = 0; i < n; i++) {
		row = template_render(body, objs[i], err);
		if (row == NULL) {
			table_free(t);
			return -1;
		}
		add_row(&t, row);
		free(row);
	}
	table_print(t, out);
	table_free(t);
	return 0;
}

int format_print(FILE *out, const char *format, struct json_object *const *objs, size_t n,
		 struct json_object *headers, struct werr *err)
{
	const char *body;
	char **rows;

	if (strcmp(format, "json") == 0) {
		cleanup_json struct json_object *a = json_object_new_array();
		for (size_t i = 0; i < n; i++)
			json_object_array_add(a, json_object_get(objs[i]));
		print_json(out, a);
		return 0;
	}
	body = table_body(format);
	if (body != NULL)
		return print_table(out, body, objs, n, headers, err);
	/* render all first: a bad template prints nothing */
	rows = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		rows[i] = template_render(format, objs[i], err);
		if (rows[i] == NULL) {
			strv_free(rows);
			return -1;
		}
	}
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(rows[i]);
		fprintf(out, "%s%s", rows[i], l > 0 && rows[i][l - 1] == '\n' ? "" : "\n");
	}
	strv_free(rows);
	return 0;
}
