/* fuzz.h - shared by the libFuzzer drivers in tests/fuzz (make fuzz).
 * Each driver defines LLVMFuzzerTestOneInput over one parser that reads
 * untrusted bytes; a crash, sanitizer report, leak or hang is a bug. */
#ifndef WARREN_FUZZ_H
#define WARREN_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* data as a NUL-terminated string (malloc'd; stops at an inner NUL as a C
 * caller's string would) */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
