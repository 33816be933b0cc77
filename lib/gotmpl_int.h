/* gotmpl_int.h - the parse tree and values shared by lib/gotmpl_*.c (not a
 * public interface: users include lib/gotmpl.h). */
#ifndef WARREN_GOTMPL_INT_H
#define WARREN_GOTMPL_INT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

enum gt_type {
	GT_LIST,
	GT_TEXT,
	GT_ACTION,
	GT_IF,
	GT_RANGE,
	GT_WITH,
	GT_BREAK,
	GT_CONTINUE,
	GT_PIPE,
	GT_CMD,
	GT_FIELD, /* .A.B: idents {"A", "B"} */
	GT_VAR,	  /* $x.A: idents {"$x", "A"} */
	GT_CHAIN, /* (pipe).A / term.A: sub, idents {"A"} */
	GT_IDENT, /* function name: text */
	GT_DOT,
	GT_NIL,
	GT_BOOL,
	GT_NUMBER,
	GT_STRING,   /* text: the value; orig: as written */
	GT_END,	     /* parser only */
	GT_ELSE,     /* parser only */
	GT_TEMPLATE, /* {{template "text" pipe}} (pipe may be NULL) */
};

struct gt_node {
	enum gt_type type;
	size_t pos; /* byte offset in the template text */
	int line;
	char *text, *orig;
	size_t len; /* of text */
	char **idents;
	size_t nidents;
	struct gt_node **kids; /* list items, pipe commands, command args */
	size_t nkids;
	struct gt_node **decl; /* pipe: declared variables (GT_VAR) */
	size_t ndecl;
	bool is_assign, b, is_int, is_float;
	int64_t i;
	double f;
	struct gt_node *pipe, *list, *else_list, *sub;
};

struct gt_def {
	char *name;
	struct gt_node *root;
};

struct gotmpl {
	char *name, *text;
	struct gt_node *root;
	struct gt_def *defs; /* {{define}} and {{block}} */
	size_t ndefs;
	struct gt_node **nodes; /* all nodes, for gotmpl_free */
	size_t nnodes;
};

/* Values while executing: a borrowed or arena-owned json-c value, or
 * "missing" (Go's invalid reflect.Value, printed "<no value>"). */
struct gt_val {
	struct json_object *j;
	bool missing;
};

struct gt_state;

/* growable output */
void gt_puts(char **buf, size_t *len, const char *s, size_t n);
void gt_putc(char **buf, size_t *len, char c);

/* Keeps j alive until the run ends; returns it. */
struct json_object *gt_keep(struct gt_state *s, struct json_object *j);
/* Sets the run's error in Go's exec wording (at node n, or the node being
 * evaluated when n is NULL) and ends the run (longjmp). */
void gt_errorf(struct gt_state *s, const struct gt_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4))) __attribute__((noreturn));

/* Go's names of the types of values, for messages ("string", "int",
 * "[]string", "map[string]interface {}"). */
const char *gt_type_name(struct gt_val v);
/* fmt.Sprint of one value with %v (strings raw, [a b], map[k:v]). */
void gt_print_value(char **buf, size_t *len, struct gt_val v);
/* Go's truth of a value (if, with, and, or, not). */
bool gt_truth(struct gt_val v);
/* Whether an object is a Go map (else a struct). */
bool gt_is_map(struct json_object *o);
/* strconv.Quote into buf; ascii: \u escapes for non-ASCII (%+q). */
void gt_quote(char **buf, size_t *len, const char *s, size_t n, bool ascii);
/* The node as Go prints it in error contexts ("index .Labels \"k\""). */
void gt_node_string(char **buf, size_t *len, const struct gt_node *n);
/* Go's fmt.Sprintf over template values. */
void gt_sprintf(char **buf, size_t *len, const char *fmt, const struct gt_val *args, size_t n);
/* Go's fmt.Sprint (ln: Sprintln) of values. */
void gt_sprint(char **b, size_t *len, const struct gt_val *args, size_t n, bool ln);
/* UTF-8: one rune at s (invalid: U+FFFD, length 1); appends rune r. */
size_t gt_decode_rune(const char *s, size_t n, uint32_t *r);
void gt_put_rune(char **b, size_t *len, uint32_t r);
/* json.Marshal (no HTML escaping, as Podman's json function) of v. */
void gt_json(char **buf, size_t *len, struct json_object *v);

/* Is v an integer gotmpl_mark_duration marked? */
bool gt_is_duration(struct json_object *v);

/* A builtin or Podman function: called with evaluated arguments (types
 * checked by the caller against sig); returns 0 or -1 with the error set
 * (the message only: the caller adds "error calling NAME: "). */
struct gt_func {
	const char *name;
	/* one letter per parameter: s string, i int, v any, S []string; a
	 * trailing '*' repeats the last one (variadic) */
	const char *sig;
	int (*fn)(struct gt_state *s, struct gt_val *args, size_t n, struct gt_val *out,
		  char *errbuf, size_t errlen);
};
const struct gt_func *gt_find_func(const char *name);

#endif
