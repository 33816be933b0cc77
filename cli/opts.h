/* opts.h - the one command-line option parser (issue 5 item 18). A command
 * declares a table of its flags, each naming a field of its own option
 * struct; opts_parse() walks argv once for every command and fills that
 * struct. Syntax as Podman's (Go pflag): --flag value, --flag=value, -f value,
 * -fvalue, -f=value, clusters of short flags (-it), "--" ends the flags, and
 * booleans take no value but accept --flag=true / --flag=false. */
#ifndef WARREN_OPTS_H
#define WARREN_OPTS_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h"

enum opt_kind {
	OPTK_END = 0, /* ends a table */
	OPTK_BOOL,    /* bool field: true, or the value of --flag=BOOL */
	OPTK_STR,     /* const char * field: the value, borrowed from argv (last wins) */
	OPTK_DUP,     /* char * field: a malloc'd copy (last wins, the old one is freed) */
	OPTK_STRV,    /* char ** field: each value appended (strv_append) */
	OPTK_UINT,    /* int field: a whole number 0..INT_MAX */
	OPTK_CALL,    /* call(opts, value, err) for anything else */
	OPTK_OPTSTR,  /* const char * field: the value of --flag=V; --flag alone
			 (pflag's NoOptDefVal) stores "true" */
};

struct opt {
	const char *lng; /* "name" for --name, NULL if none */
	char shrt;	 /* 'n' for -n, 0 if none */
	enum opt_kind kind;
	size_t off; /* offset of the field in the option struct */
	int (*call)(void *opts, const char *val, struct werr *err); /* OPTK_CALL */
};

#define OPT_BOOL(l, s, T, f)                                                                       \
	{                                                                                          \
		(l), (s), OPTK_BOOL, offsetof(T, f), NULL                                          \
	}
#define OPT_STR(l, s, T, f)                                                                        \
	{                                                                                          \
		(l), (s), OPTK_STR, offsetof(T, f), NULL                                           \
	}
#define OPT_DUP(l, s, T, f)                                                                        \
	{                                                                                          \
		(l), (s), OPTK_DUP, offsetof(T, f), NULL                                           \
	}
#define OPT_STRV(l, s, T, f)                                                                       \
	{                                                                                          \
		(l), (s), OPTK_STRV, offsetof(T, f), NULL                                          \
	}
#define OPT_UINT(l, s, T, f)                                                                       \
	{                                                                                          \
		(l), (s), OPTK_UINT, offsetof(T, f), NULL                                          \
	}
#define OPT_CALL(l, s, fn)                                                                         \
	{                                                                                          \
		(l), (s), OPTK_CALL, 0, (fn)                                                       \
	}
#define OPT_OPTSTR(l, T, f)                                                                        \
	{                                                                                          \
		(l), 0, OPTK_OPTSTR, offsetof(T, f), NULL                                          \
	}
#define OPT_TABLE_END                                                                              \
	{                                                                                          \
		NULL, 0, OPTK_END, 0, NULL                                                         \
	}

/* What a command takes. */
struct optspec {
	const struct opt *tab;	  /* its flags, ended by OPT_TABLE_END */
	size_t size;		  /* sizeof its option struct */
	bool stop;		  /* flags end at the first positional argument
				     (run IMAGE CMD..., the global flags) */
	void (*init)(void *opts); /* sets defaults; NULL: all zero */
	void (*fini)(void *opts); /* frees what the options own; NULL: nothing */
};

/* OPTS_USAGE: a flag the parser itself rejects (Podman then adds a line
 * "See 'podman CMD --help'"); -1: the error of an OPTK_CALL */
enum { OPTS_HELP = 1, OPTS_USAGE = -2 };

/* Parses argv[1..argc-1] (argv[0] is the command's name) into opts (a
 * struct of spec->size bytes, already initialised) and *args (a new
 * NULL-terminated array of the positional arguments, pointing into argv:
 * free the array only). --help (and -h, unless the table uses 'h') asks for
 * help: returns OPTS_HELP. Returns 0; OPTS_USAGE with err set (status 125)
 * on an unknown flag or a missing or bad value; -1 on an error of a call.
 * Out-parameters may be partly filled on failure: spec->fini frees them. */
int opts_parse(const struct optspec *spec, int argc, char **argv, void *opts, char ***args,
	       struct werr *err);

/* Go's strconv.ParseBool: 1 t T TRUE true True / 0 f F FALSE false False.
 * Returns 0 with *out set, or -1. */
int opts_parse_bool(const char *s, bool *out);

#endif
