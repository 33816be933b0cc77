#include "lib/digest.h"
#include "lib/util.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sha256_ctx {
	EVP_MD_CTX *md;
};

struct sha256_ctx *sha256_new(void)
{
	struct sha256_ctx *c = xmalloc(sizeof(*c));
	c->md = EVP_MD_CTX_new();
	if (c->md == NULL || EVP_DigestInit_ex(c->md, EVP_sha256(), NULL) != 1)
		abort();
	return c;
}

void sha256_update(struct sha256_ctx *c, const void *data, size_t len)
{
	EVP_DigestUpdate(c->md, data, len);
}

void sha256_final(struct sha256_ctx *c, char out[DIGEST_STR_LEN])
{
	unsigned char md[32];
	unsigned int n = 0;

	EVP_DigestFinal_ex(c->md, md, &n);
	memcpy(out, "sha256:", 7);
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", md[i]);
	sha256_free(c);
}

void sha256_free(struct sha256_ctx *c)
{
	if (c == NULL)
		return;
	EVP_MD_CTX_free(c->md);
	free(c);
}

void sha256_buf(const void *data, size_t len, char out[DIGEST_STR_LEN])
{
	struct sha256_ctx *c = sha256_new();
	sha256_update(c, data, len);
	sha256_final(c, out);
}

bool digest_valid(const char *d)
{
	return d != NULL && strncmp(d, "sha256:", 7) == 0 && strlen(d) == 7 + DIGEST_HEX_LEN &&
	       str_is_hex(d + 7, DIGEST_HEX_LEN);
}

const char *digest_hex(const char *d)
{
	return strncmp(d, "sha256:", 7) == 0 ? d + 7 : d;
}
