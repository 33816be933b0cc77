/* gotmpl_exec.c - runs a parsed Go template over json-c values (issue 6),
 * with Go's text/template semantics and error messages. */
#include "lib/gotmpl.h"
#include "lib/gotmpl_int.h"
#include "lib/util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum flow { FLOW_NONE, FLOW_BREAK, FLOW_CONTINUE };

struct gt_var {
	const char *name;
	struct gt_val v;
};

struct gt_state {
	const struct gotmpl *t;
	char **buf;
	size_t *len;
	struct gt_var *vars;
	size_t nvars, capvars;
	struct json_object **keep;
	size_t nkeep, capkeep;
	void **mem;
	size_t nmem;
	const struct gt_node *node;
	struct werr *err;
	enum flow flow;
	const char *exec_name; /* the {{define}}d template running, or the main one */
	size_t var_base;       /* a template sees only its own variables */
	int depth;
	jmp_buf jb;
};

static const struct gt_val MISSING = {NULL, true};

void gt_puts(char **buf, size_t *len, const char *s, size_t n)
{
	*buf = xrealloc(*buf, *len + n + 1);
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
}

void gt_putc(char **buf, size_t *len, char c)
{
	gt_puts(buf, len, &c, 1);
}

struct json_object *gt_keep(struct gt_state *s, struct json_object *j)
{
	if (s->nkeep == s->capkeep) {
		s->capkeep = s->capkeep ? s->capkeep * 2 : 16;
		s->keep = xrealloc(s->keep, s->capkeep * sizeof(*s->keep));
	}
	s->keep[s->nkeep++] = j;
	return j;
}

static void gt_keep_mem(struct gt_state *s, void *p)
{
	s->mem = xrealloc(s->mem, (s->nmem + 1) * sizeof(void *));
	s->mem[s->nmem++] = p;
}

static void put_str(char **b, size_t *len, const char *s)
{
	gt_puts(b, len, s, strlen(s));
}

static void node_args(char **b, size_t *len, struct gt_node *const *k, size_t n, const char *sep)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			put_str(b, len, sep);
		if (k[i]->type == GT_PIPE)
			gt_putc(b, len, '(');
		gt_node_string(b, len, k[i]);
		if (k[i]->type == GT_PIPE)
			gt_putc(b, len, ')');
	}
}

static void idents_string(char **b, size_t *len, const struct gt_node *n, size_t from)
{
	for (size_t i = from; i < n->nidents; i++) {
		if (i > 0 || n->type != GT_VAR)
			gt_putc(b, len, '.');
		put_str(b, len, n->idents[i]);
	}
}

void gt_node_string(char **b, size_t *len, const struct gt_node *n)
{
	switch (n->type) {
	case GT_FIELD:
	case GT_VAR:
		idents_string(b, len, n, 0);
		return;
	case GT_CHAIN:
		if (n->sub->type == GT_PIPE)
			gt_putc(b, len, '(');
		gt_node_string(b, len, n->sub);
		if (n->sub->type == GT_PIPE)
			gt_putc(b, len, ')');
		idents_string(b, len, n, 0);
		return;
	case GT_PIPE:
		if (n->ndecl > 0) {
			node_args(b, len, n->decl, n->ndecl, ", ");
			put_str(b, len, n->is_assign ? " = " : " := ");
		}
		node_args(b, len, n->kids, n->nkids, " | ");
		return;
	case GT_CMD:
		node_args(b, len, n->kids, n->nkids, " ");
		return;
	case GT_IDENT:
	case GT_NUMBER:
		put_str(b, len, n->text);
		return;
	case GT_STRING:
		put_str(b, len, n->orig);
		return;
	case GT_BOOL:
		put_str(b, len, n->b ? "true" : "false");
		return;
	case GT_NIL:
		put_str(b, len, "nil");
		return;
	case GT_DOT:
		put_str(b, len, ".");
		return;
	case GT_IF:
	case GT_RANGE:
	case GT_WITH:
		put_str(b, len,
			n->type == GT_IF      ? "{{if "
			: n->type == GT_RANGE ? "{{range "
					      : "{{with ");
		gt_node_string(b, len, n->pipe);
		put_str(b, len, "}}");
		return;
	case GT_ACTION:
		put_str(b, len, "{{");
		gt_node_string(b, len, n->pipe);
		put_str(b, len, "}}");
		return;
	case GT_TEMPLATE:
		put_str(b, len, "{{template ");
		gt_quote(b, len, n->text, strlen(n->text), false);
		if (n->pipe != NULL) {
			gt_putc(b, len, ' ');
			gt_node_string(b, len, n->pipe);
		}
		put_str(b, len, "}}");
		return;
	default:
		return;
	}
}

void gt_errorf(struct gt_state *s, const struct gt_node *n, const char *fmt, ...)
{
	char msg[1024], *ctx = NULL;
	size_t clen = 0, pos, line = 1, col, nl = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n == NULL)
		n = s->node;
	if (n == NULL) {
		werr_set(s->err, 0, "template: %s: %s", s->t->name, msg);
		longjmp(s->jb, 1);
	}
	pos = n->pos;
	for (size_t i = 0; i < pos && s->t->text[i]; i++)
		if (s->t->text[i] == '\n')
			line++, nl = i + 1;
	col = line == 1 ? pos : pos - nl;
	gt_node_string(&ctx, &clen, n);
	werr_set(s->err, 0, "template: %s:%zu:%zu: executing \"%s\" at <%s>: %s", s->t->name, line,
		 col, s->exec_name, ctx ? ctx : "", msg);
	free(ctx);
	longjmp(s->jb, 1);
}

/* ---- variables ---- */

static void push_var(struct gt_state *s, const char *name, struct gt_val v)
{
	if (s->nvars == s->capvars) {
		s->capvars = s->capvars ? s->capvars * 2 : 16;
		s->vars = xrealloc(s->vars, s->capvars * sizeof(*s->vars));
	}
	s->vars[s->nvars++] = (struct gt_var){name, v};
}

static struct gt_var *find_var(struct gt_state *s, const char *name)
{
	for (size_t i = s->nvars; i-- > s->var_base;)
		if (strcmp(s->vars[i].name, name) == 0)
			return &s->vars[i];
	gt_errorf(s, NULL, "undefined variable: %s", name);
}

/* ---- fields ---- */

static bool is_ident(const char *k)
{
	if (*k == '\0' || (*k >= '0' && *k <= '9'))
		return false;
	for (; *k; k++)
		if (!(*k == '_' || (*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
		      (*k >= '0' && *k <= '9') || (unsigned char)*k >= 0x80))
			return false;
	return true;
}

bool gt_is_map(struct json_object *o)
{
	bool all_str = true, lower = false;

	if (json_object_object_length(o) == 0)
		return true;
	json_object_object_foreach(o, k, v)
	{
		if (!is_ident(k))
			return true;
		if (!json_object_is_type(v, json_type_string))
			all_str = false;
		if (!(*k >= 'A' && *k <= 'Z'))
			lower = true;
	}
	return all_str && lower;
}

/* an object's member by Go field name, else case-insensitively (a JSON
 * null is found as NULL) */
static bool member(struct json_object *o, const char *name, struct json_object **v)
{
	if (json_object_object_get_ex(o, name, v))
		return true;
	json_object_object_foreach(o, k, val)
	{
		if (strcasecmp(k, name) == 0) {
			*v = val;
			return true;
		}
	}
	return false;
}

/* Go's evalField with its messages: a struct's field, or a map's key */
static struct gt_val field(struct gt_state *s, const char *name, bool has_args, struct gt_val recv)
{
	bool obj, map, found;
	struct json_object *v = NULL;

	if (recv.missing || recv.j == NULL)
		return MISSING;
	obj = json_object_is_type(recv.j, json_type_object);
	found = obj && member(recv.j, name, &v);
	if (found && !has_args)
		return (struct gt_val){v, false}; /* the common case: no scan of the keys */
	map = obj && gt_is_map(recv.j);
	if (has_args && found && !map)
		gt_errorf(s, NULL, "%s has arguments but cannot be invoked as function", name);
	if (has_args)
		gt_errorf(s, NULL, "%s is not a method but has arguments", name);
	if (found)
		return (struct gt_val){v, false};
	if (map)
		return MISSING;
	gt_errorf(s, NULL, "can't evaluate field %s in type %s", name, gt_type_name(recv));
}

static struct gt_val field_chain(struct gt_state *s, struct gt_val recv, char **idents, size_t n,
				 bool has_args)
{
	for (size_t i = 0; i < n; i++)
		recv = field(s, idents[i], has_args && i + 1 == n, recv);
	return recv;
}

/* ---- evaluation ---- */

static struct gt_val eval_pipeline(struct gt_state *s, struct gt_val dot, const struct gt_node *p);
static struct gt_val eval_function(struct gt_state *s, struct gt_val dot, const struct gt_node *id,
				   const struct gt_node *cmd, bool has_final, struct gt_val final);

static void not_a_function(struct gt_state *s, const struct gt_node *cmd, bool has_final)
{
	char *b = NULL;
	size_t len = 0;

	if (cmd == NULL || (cmd->nkids <= 1 && !has_final))
		return;
	gt_node_string(&b, &len, cmd->kids[0]);
	char msg[512];
	snprintf(msg, sizeof(msg), "%s", b);
	free(b);
	gt_errorf(s, NULL, "can't give argument to non-function %s", msg);
}

static struct gt_val eval_chain(struct gt_state *s, struct gt_val dot, const struct gt_node *n,
				bool has_args);

/* a field, variable or chain as a command's first word or an argument */
static struct gt_val eval_word(struct gt_state *s, struct gt_val dot, const struct gt_node *n,
			       const struct gt_node *cmd, bool has_final)
{
	bool has_args = (cmd != NULL && cmd->nkids > 1) || has_final;
	struct gt_val v;

	s->node = n;
	switch (n->type) {
	case GT_FIELD:
		return field_chain(s, dot, n->idents, n->nidents, has_args);
	case GT_VAR:
		v = find_var(s, n->idents[0])->v;
		if (n->nidents == 1) {
			not_a_function(s, cmd, has_final);
			return v;
		}
		return field_chain(s, v, n->idents + 1, n->nidents - 1, has_args);
	default:
		return eval_chain(s, dot, n, has_args);
	}
}

static struct gt_val literal(struct gt_state *s, const struct gt_node *n)
{
	switch (n->type) {
	case GT_BOOL:
		return (struct gt_val){gt_keep(s, json_object_new_boolean(n->b)), false};
	case GT_STRING:
		return (struct gt_val){gt_keep(s, json_object_new_string_len(n->text, (int)n->len)),
				       false};
	case GT_NUMBER:
		if (n->is_float && strpbrk(n->text, ".eEpP") && !strstr(n->text, "0x") &&
		    !strstr(n->text, "0X") && n->text[0] != '\'')
			return (struct gt_val){gt_keep(s, json_object_new_double(n->f)), false};
		if (n->is_int)
			return (struct gt_val){gt_keep(s, json_object_new_int64(n->i)), false};
		gt_errorf(s, n, "%s overflows int", n->text);
	default:
		gt_errorf(s, n, "nil is not a command");
	}
}

static struct gt_val eval_command(struct gt_state *s, struct gt_val dot, const struct gt_node *cmd,
				  bool has_final, struct gt_val final)
{
	const struct gt_node *first = cmd->kids[0];

	switch (first->type) {
	case GT_FIELD:
	case GT_VAR:
	case GT_CHAIN:
		return eval_word(s, dot, first, cmd, has_final);
	case GT_IDENT:
		return eval_function(s, dot, first, cmd, has_final, final);
	case GT_PIPE:
		not_a_function(s, cmd, has_final);
		return eval_pipeline(s, dot, first);
	default:
		break;
	}
	s->node = first;
	not_a_function(s, cmd, has_final);
	if (first->type == GT_DOT)
		return dot;
	return literal(s, first);
}

static struct gt_val eval_pipeline(struct gt_state *s, struct gt_val dot, const struct gt_node *p)
{
	struct gt_val v = MISSING;

	s->node = p;
	for (size_t i = 0; i < p->nkids; i++)
		v = eval_command(s, dot, p->kids[i], i > 0, v);
	for (size_t i = 0; i < p->ndecl; i++) {
		if (p->is_assign)
			find_var(s, p->decl[i]->idents[0])->v = v;
		else
			push_var(s, p->decl[i]->idents[0], v);
	}
	return v;
}

static const char *param_type(char typ)
{
	return typ == 's'   ? "string"
	       : typ == 'i' ? "int"
	       : typ == 'S' ? "[]string"
			    : "interface {}";
}

static struct gt_val validate(struct gt_state *s, struct gt_val v, char typ)
{
	json_type jt = v.missing ? json_type_null : json_object_get_type(v.j);

	if (typ == 'v')
		return v;
	if (typ == 'S' && (v.missing || v.j == NULL))
		return (struct gt_val){NULL, false};
	if (v.missing)
		gt_errorf(s, NULL, "invalid value; expected %s", param_type(typ));
	if (typ == 's' && jt == json_type_string)
		return v;
	if (typ == 'i' && jt == json_type_int)
		return v;
	if (typ == 'S' && jt == json_type_array) {
		bool ok = true;
		for (size_t i = 0; i < json_object_array_length(v.j); i++)
			if (!json_object_is_type(json_object_array_get_idx(v.j, i),
						 json_type_string))
				ok = false;
		if (ok)
			return v;
	}
	gt_errorf(s, NULL, "wrong type for value; expected %s; got %s", param_type(typ),
		  gt_type_name(v));
}

static struct gt_val eval_arg(struct gt_state *s, struct gt_val dot, const struct gt_node *n,
			      char typ)
{
	char *w = NULL;
	size_t wl = 0;

	s->node = n;
	switch (n->type) {
	case GT_DOT:
		return validate(s, dot, typ);
	case GT_NIL:
		if (typ == 'v' || typ == 'S')
			return (struct gt_val){NULL, false};
		gt_errorf(s, n, "cannot assign nil to %s", param_type(typ));
	case GT_FIELD:
	case GT_VAR:
	case GT_CHAIN:
		return validate(s, eval_word(s, dot, n, NULL, false), typ);
	case GT_PIPE:
		return validate(s, eval_pipeline(s, dot, n), typ);
	case GT_IDENT:
		return validate(s, eval_function(s, dot, n, NULL, false, MISSING), typ);
	default:
		break;
	}
	if (typ == 'v' || (typ == 's' && n->type == GT_STRING) ||
	    (typ == 'i' && n->type == GT_NUMBER && n->is_int))
		return literal(s, n);
	gt_node_string(&w, &wl, n);
	char word[256];
	snprintf(word, sizeof(word), "%s", w);
	free(w);
	if (typ == 'S')
		gt_errorf(s, n, "can't handle %s for arg of type []string", word);
	gt_errorf(s, n, "expected %s; found %s", typ == 's' ? "string" : "integer", word);
}

static struct gt_val eval_chain(struct gt_state *s, struct gt_val dot, const struct gt_node *n,
				bool has_args)
{
	struct gt_val v;

	if (n->sub->type == GT_NIL) {
		char *b = NULL;
		size_t len = 0;
		gt_node_string(&b, &len, n);
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", b);
		free(b);
		gt_errorf(s, n, "indirection through explicit nil in %s", msg);
	}
	v = eval_arg(s, dot, n->sub, 'v');
	s->node = n;
	return field_chain(s, v, n->idents, n->nidents, has_args);
}

/* and/or: the first argument that decides, else the last (Go 1.18) */
static struct gt_val and_or(struct gt_state *s, struct gt_val dot, bool is_or,
			    struct gt_node *const *argn, size_t nargs, bool has_final,
			    struct gt_val final)
{
	struct gt_val v = MISSING;

	for (size_t i = 0; i < nargs; i++) {
		v = eval_arg(s, dot, argn[i], 'v');
		if (gt_truth(v) == is_or)
			return v;
	}
	return has_final ? final : v;
}

static struct gt_val eval_function(struct gt_state *s, struct gt_val dot, const struct gt_node *id,
				   const struct gt_node *cmd, bool has_final, struct gt_val final)
{
	const struct gt_func *f = gt_find_func(id->text);
	size_t nargs = cmd ? cmd->nkids - 1 : 0, nin = nargs + (has_final ? 1 : 0);
	size_t nsig = strcspn(f->sig, "*");
	bool variadic = f->sig[nsig] == '*';
	struct gt_node *const *argn = cmd ? cmd->kids + 1 : NULL;
	struct gt_val *args, out = MISSING;
	char errbuf[512] = "";

	s->node = id;
	if (variadic && nin < nsig - 1)
		gt_errorf(s, id, "wrong number of args for %s: want at least %zu got %zu", f->name,
			  nsig - 1, nargs);
	if (!variadic && nin != nsig)
		gt_errorf(s, id, "wrong number of args for %s: want %zu got %zu", f->name, nsig,
			  nin);
	if (strcmp(f->name, "and") == 0 || strcmp(f->name, "or") == 0)
		return and_or(s, dot, f->name[0] == 'o', argn, nargs, has_final, final);
	/* arguments live in the run's arena: an error jumps out of here */
	args = xcalloc(nin + 1, sizeof(*args));
	gt_keep_mem(s, args);
	for (size_t i = 0; i < nargs; i++)
		args[i] = eval_arg(s, dot, argn[i], f->sig[i < nsig ? i : nsig - 1]);
	if (has_final) {
		s->node = cmd;
		args[nargs] = validate(s, final, f->sig[nargs < nsig ? nargs : nsig - 1]);
	}
	if (f->fn(s, args, nin, &out, errbuf, sizeof(errbuf)) < 0)
		gt_errorf(s, cmd ? cmd : id, "error calling %s: %s", f->name, errbuf);
	return out;
}

/* ---- statements ---- */

static void walk(struct gt_state *s, struct gt_val dot, const struct gt_node *n);

static void one_iteration(struct gt_state *s, const struct gt_node *r, size_t top,
			  struct gt_val index, struct gt_val elem)
{
	const struct gt_node *p = r->pipe;

	if (p->ndecl > 0 && p->is_assign) {
		find_var(s, p->decl[0]->idents[0])->v = p->ndecl > 1 ? index : elem;
		if (p->ndecl > 1)
			find_var(s, p->decl[1]->idents[0])->v = elem;
	} else if (p->ndecl > 0) {
		s->vars[top - 1].v = elem;
		if (p->ndecl > 1)
			s->vars[top - 2].v = index;
	}
	walk(s, elem, r->list);
	s->nvars = top;
	if (s->flow == FLOW_CONTINUE)
		s->flow = FLOW_NONE;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool range_object(struct gt_state *s, const struct gt_node *r, size_t top,
			 struct json_object *o)
{
	size_t n = (size_t)json_object_object_length(o), k = 0;
	const char **keys;

	if (n == 0)
		return false;
	/* in the run's arena: an error in the body jumps out of the loop */
	keys = xcalloc(n, sizeof(char *));
	gt_keep_mem(s, keys);
	json_object_object_foreach(o, key, val)
	{
		(void)val;
		keys[k++] = key;
	}
	qsort(keys, n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < n && s->flow != FLOW_BREAK; i++) {
		struct gt_val kv = {gt_keep(s, json_object_new_string(keys[i])), false};
		one_iteration(s, r, top, kv,
			      (struct gt_val){json_object_object_get(o, keys[i]), false});
	}
	return true;
}

static bool range_value(struct gt_state *s, const struct gt_node *r, size_t top, struct gt_val v)
{
	json_type t = v.missing ? json_type_null : json_object_get_type(v.j);
	char *b = NULL;
	size_t len = 0;

	if (t == json_type_null)
		return false;
	if (t == json_type_object)
		return range_object(s, r, top, v.j);
	if (t == json_type_array) {
		size_t n = json_object_array_length(v.j);
		for (size_t i = 0; i < n && s->flow != FLOW_BREAK; i++) {
			struct gt_val iv = {gt_keep(s, json_object_new_int64((int64_t)i)), false};
			one_iteration(s, r, top, iv,
				      (struct gt_val){json_object_array_get_idx(v.j, i), false});
		}
		return n > 0;
	}
	if (t == json_type_int) {
		int64_t n = json_object_get_int64(v.j);
		for (int64_t i = 0; i < n && s->flow != FLOW_BREAK; i++) {
			struct gt_val iv = {gt_keep(s, json_object_new_int64(i)), false};
			one_iteration(s, r, top, iv, iv);
		}
		return n > 0;
	}
	gt_print_value(&b, &len, v);
	char msg[512];
	snprintf(msg, sizeof(msg), "%s", b);
	free(b);
	gt_errorf(s, r, "range can't iterate over %s", msg);
}

static void walk_range(struct gt_state *s, struct gt_val dot, const struct gt_node *r)
{
	size_t mark = s->nvars;
	struct gt_val v;

	s->node = r;
	v = eval_pipeline(s, dot, r->pipe);
	if (!range_value(s, r, s->nvars, v) && r->else_list != NULL)
		walk(s, dot, r->else_list);
	if (s->flow == FLOW_BREAK)
		s->flow = FLOW_NONE;
	s->nvars = mark;
}

static void walk_if_with(struct gt_state *s, struct gt_val dot, const struct gt_node *n)
{
	size_t mark = s->nvars;
	struct gt_val v = eval_pipeline(s, dot, n->pipe);

	if (gt_truth(v))
		walk(s, n->type == GT_WITH ? v : dot, n->list);
	else if (n->else_list != NULL)
		walk(s, dot, n->else_list);
	s->nvars = mark;
}

/* {{template "name" pipeline}}: the definition runs with dot and no
 * variable but $ (Go has no dynamic scoping) */
static void walk_template(struct gt_state *s, struct gt_val dot, const struct gt_node *n)
{
	const struct gt_def *def = NULL;
	const char *name = s->exec_name;
	size_t base = s->var_base, mark;

	s->node = n;
	for (size_t i = 0; i < s->t->ndefs; i++)
		if (strcmp(s->t->defs[i].name, n->text) == 0)
			def = &s->t->defs[i];
	if (def == NULL)
		gt_errorf(s, n, "template \"%s\" not defined", n->text);
	if (s->depth >= 1000)
		gt_errorf(s, n, "exceeded maximum template depth (%d)", 1000);
	dot = n->pipe ? eval_pipeline(s, dot, n->pipe) : MISSING;
	mark = s->nvars;
	s->var_base = mark;
	push_var(s, "$", dot);
	s->exec_name = def->name;
	s->depth++;
	walk(s, dot, def->root);
	s->depth--;
	s->exec_name = name;
	s->var_base = base;
	s->nvars = mark;
}

static void walk(struct gt_state *s, struct gt_val dot, const struct gt_node *n)
{
	struct gt_val v;

	switch (n->type) {
	case GT_LIST:
		for (size_t i = 0; i < n->nkids && s->flow == FLOW_NONE; i++)
			walk(s, dot, n->kids[i]);
		return;
	case GT_TEXT:
		gt_puts(s->buf, s->len, n->text, n->len);
		return;
	case GT_ACTION:
		v = eval_pipeline(s, dot, n->pipe);
		if (n->pipe->ndecl == 0) {
			if (v.missing)
				gt_puts(s->buf, s->len, "<no value>", 10);
			else
				gt_print_value(s->buf, s->len, v);
		}
		return;
	case GT_IF:
	case GT_WITH:
		walk_if_with(s, dot, n);
		return;
	case GT_RANGE:
		walk_range(s, dot, n);
		return;
	case GT_TEMPLATE:
		walk_template(s, dot, n);
		return;
	case GT_BREAK:
		s->flow = FLOW_BREAK;
		return;
	case GT_CONTINUE:
		s->flow = FLOW_CONTINUE;
		return;
	default:
		return;
	}
}

int gotmpl_exec(const struct gotmpl *t, struct json_object *data, char **buf, size_t *len,
		struct werr *err)
{
	struct gt_state *s = xcalloc(1, sizeof(*s));
	int rc = 0;

	if (*buf == NULL) {
		*buf = xstrdup("");
		*len = 0;
	}
	s->t = t;
	s->exec_name = t->name;
	s->buf = buf;
	s->len = len;
	s->err = err;
	push_var(s, "$", (struct gt_val){data, false});
	if (setjmp(s->jb) == 0)
		walk(s, (struct gt_val){data, false}, t->root);
	else
		rc = -1;
	for (size_t i = 0; i < s->nkeep; i++)
		json_object_put(s->keep[i]);
	free(s->keep);
	for (size_t i = 0; i < s->nmem; i++)
		free(s->mem[i]);
	free(s->mem);
	free(s->vars);
	free(s);
	return rc;
}

char *gotmpl_render(const struct gotmpl *t, struct json_object *data, struct werr *err)
{
	char *buf = NULL;
	size_t len = 0;

	if (gotmpl_exec(t, data, &buf, &len, err) < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
