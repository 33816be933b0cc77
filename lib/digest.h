/* digest.h - sha256 digests ("sha256:<64 hex>") over OpenSSL libcrypto. */
#ifndef WARREN_DIGEST_H
#define WARREN_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h"

#define DIGEST_HEX_LEN 64
/* "sha256:" + 64 hex + NUL */
#define DIGEST_STR_LEN 72

struct sha256_ctx; /* opaque */

struct sha256_ctx *sha256_new(void);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
/* Finishes into out ("sha256:<hex>") and frees the context. */
void sha256_final(struct sha256_ctx *c, char out[DIGEST_STR_LEN]);
void sha256_free(struct sha256_ctx *c);

/* Digest of a buffer. */
void sha256_buf(const void *data, size_t len, char out[DIGEST_STR_LEN]);

/* True for "sha256:<64 lower-case hex>". */
bool digest_valid(const char *d);

/* Pointer to the hex part of a valid digest ("sha256:abc" -> "abc"). */
const char *digest_hex(const char *d);

#endif
