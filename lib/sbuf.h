/* sbuf.h - a growing NUL-terminated string. */
#ifndef WARREN_LIB_SBUF_H
#define WARREN_LIB_SBUF_H

#include <stddef.h>

/* Zero-initialise; s stays NULL until the first add. */
struct sbuf {
	char *s;
	size_t len, cap;
};

/* Appends n bytes of p (which may hold NULs); s stays NUL-terminated. */
void sbuf_addn(struct sbuf *b, const void *p, size_t n);
void sbuf_addc(struct sbuf *b, char c);
/* The string (never NULL: "" when nothing was added), the buffer emptied;
 * free() it. */
char *sbuf_take(struct sbuf *b);

#endif
