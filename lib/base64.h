/* base64.h - standard base64 (RFC 4648, with padding), strict decoding. */
#ifndef WARREN_BASE64_H
#define WARREN_BASE64_H

#include <stddef.h>

/* The encoding of data[0..len) (NUL-terminated, malloc'd). */
char *base64_encode(const void *data, size_t len);

/* Decodes s (length a multiple of 4, '=' padding only at the end, no
 * whitespace or other characters). *out gets a malloc'd NUL-terminated
 * buffer of *len bytes. -1 on garbage (nothing allocated). */
int base64_decode(const char *s, char **out, size_t *len);

#endif
