/* base64.c - RFC 4648 base64 (see base64.h). */
#include "lib/base64.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *base64_encode(const void *data, size_t len)
{
	const unsigned char *in = data;
	char *out = xmalloc((len + 2) / 3 * 4 + 1), *o = out;

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		*o++ = alphabet[v >> 18 & 63];
		*o++ = alphabet[v >> 12 & 63];
		*o++ = i + 1 < len ? alphabet[v >> 6 & 63] : '=';
		*o++ = i + 2 < len ? alphabet[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

static int value_of(char c)
{
	const char *p = c ? strchr(alphabet, c) : NULL;
	return p ? (int)(p - alphabet) : -1;
}

int base64_decode(const char *s, char **out, size_t *len)
{
	size_t n = strlen(s), pad = 0, k = 0;
	char *buf;

	if (n % 4 != 0)
		return -1;
	if (n > 0 && s[n - 1] == '=')
		pad = n > 1 && s[n - 2] == '=' ? 2 : 1;
	buf = xmalloc(n / 4 * 3 + 1);
	for (size_t i = 0; i < n; i += 4) {
		uint32_t v = 0;
		for (size_t j = 0; j < 4; j++) {
			int d = value_of(s[i + j]);
			if (i + j >= n - pad && s[i + j] == '=')
				d = 0;
			else if (d < 0) {
				free(buf);
				return -1;
			}
			v = v << 6 | (uint32_t)d;
		}
		buf[k++] = (char)(v >> 16);
		buf[k++] = (char)(v >> 8 & 0xFF);
		buf[k++] = (char)(v & 0xFF);
	}
	k -= pad;
	/* the bits under the padding must be zero (one encoding per input) */
	if (pad > 0 && (value_of(s[n - pad - 1]) & (pad == 1 ? 3 : 15)) != 0) {
		free(buf);
		return -1;
	}
	buf[k] = '\0';
	*out = buf;
	*len = k;
	return 0;
}
