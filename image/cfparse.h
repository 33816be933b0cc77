/* cfparse.h - Containerfile (Dockerfile) syntax: the parser of `build`
 * and of `commit -c`, and the word expansion of its instructions.
 *
 * Parsing is pure (text in, instructions out; unit-tested with hostile
 * input): parser directives (escape, syntax) at the top, comments, line
 * continuations with the escape character, JSON (exec) form, leading
 * --flags, RUN heredocs. Errors are one line, "FILE:LINE: what". */
#ifndef WARREN_CFPARSE_H
#define WARREN_CFPARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h"

/* The biggest Containerfile read (a larger one is refused). */
#define CF_MAX_SIZE (4 << 20)

struct cf_instr {
	int line;      /* where it starts, 1-based */
	char *cmd;     /* keyword, upper case: "RUN" */
	char **flags;  /* leading flags as written: "--from=build" (FROM RUN COPY ADD
			  HEALTHCHECK), NULL when none */
	char *rest;    /* the arguments after keyword and flags, trimmed */
	char **json;   /* exec form (a JSON array of strings), else NULL */
	char *heredoc; /* RUN <<EOF: the script's lines, else NULL */
	char *text;    /* "KEYWORD rest" on one line, as history and STEP show it */
};

struct cf_file {
	struct cf_instr *v;
	size_t n;
	char escape; /* '\\' or '`' */
};

/* Parses text (len bytes) into out (cf_file_free). fname names the file in
 * errors ("FILE:LINE: unknown instruction: FOO"). 0 or -1 with err set. */
int cf_parse(const char *text, size_t len, const char *fname, struct cf_file *out,
	     struct werr *err);
void cf_file_free(struct cf_file *f);
void cf_instr_free(struct cf_instr *in);

/* Parses one instruction given on a command line (`commit -c 'ENV A=1'`,
 * also "ENV=A=1" as Podman takes it) into out. 0 or -1. */
int cf_parse_one(const char *change, struct cf_instr *out, struct werr *err);

/* The value of a variable, NULL when unset. */
typedef const char *(*cf_lookup_fn)(void *ud, const char *name);

/* Expands and unquotes s as Docker does for ENV, LABEL, COPY, WORKDIR,
 * USER, ...: '...' literal, "..." with $ expansion, the escape character,
 * $VAR, ${VAR}, ${VAR:-word}, ${VAR-word}, ${VAR:+word}, ${VAR+word},
 * ${VAR:?msg}. split: the result is cut into words at unquoted blanks
 * (*out a NULL-terminated vector), else *out has exactly one string.
 * Errors: unterminated quotes, a missing '}', ${VAR:?msg} unset. */
int cf_words(const char *s, char escape, bool split, cf_lookup_fn fn, void *ud, char ***out,
	     struct werr *err);

/* The KEY=VALUE pairs of ENV, LABEL and ARG (ARG: a KEY without '='
 * gives a NULL value), expanded; ENV and LABEL also take the old form
 * "KEY VALUE...". keys and vals are parallel vectors (vals may hold NULL
 * entries: free it with cf_vals_free(vals, n)). 0 or -1. */
int cf_pairs(const struct cf_instr *in, char escape, cf_lookup_fn fn, void *ud, char ***keys,
	     char ***vals, size_t *n, struct werr *err);
void cf_vals_free(char **vals, size_t n);

/* The value of flag --name (e.g. "from" for --from=x) of in, NULL when
 * absent; "" for a flag without "=value". */
const char *cf_flag(const struct cf_instr *in, const char *name);

#endif
