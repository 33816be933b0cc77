/* err.h - the one error convention (crun's): functions that can fail return
 * a negative int or NULL and fill a struct werr passed last. */
#ifndef WARREN_ERR_H
#define WARREN_ERR_H

#include <stdarg.h>

#define WERR_MSG_MAX 2048

struct werr {
	int errnum; /* errno of the root cause, 0 if none */
	int status; /* exit status main() should use; 0 means 125 */
	char msg[WERR_MSG_MAX];
};

/* Set the error: formats the message, appends ": strerror(errnum)" when
 * errnum != 0. Always returns -1 so callers can `return werr_set(...)`.
 * err may be NULL (the error is then dropped). */
int werr_set(struct werr *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefix context to an error already set: "ctx: old message". Returns -1. */
int werr_wrap(struct werr *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Replaces each control character of s (a name from an image may hold
 * "\n" or terminal escapes) with '?', in place: an error or log line stays
 * one plain line. */
void text_scrub(char *s);

/* Set the exit status main() will use (126, 127, ...). Returns -1. */
int werr_status(struct werr *err, int status);

/* Clear an error. */
void werr_clear(struct werr *err);

/* A forked child reports an error to its parent: writes {errnum, status,
 * len, msg} to fd. Never allocates. Returns 0 or -1. */
int werr_send(int fd, const struct werr *err);

/* Parent side: reads an error written by werr_send. Returns 1 if an error
 * was read into err, 0 on EOF (the child succeeded: exec closed the fd),
 * -1 on a read failure (err set). */
int werr_recv(int fd, struct werr *err);

#endif
