/* fuzz_cfparse: a Containerfile (image/cfparse.c) parsed, then every
 * instruction's arguments expanded as words and as KEY=VALUE pairs, as
 * build does; and the text as one `commit -c` change. */
#include "tests/fuzz/fuzz.h"

#include "image/cfparse.h"
#include "lib/util.h"

static const char *lookup(void *ud, const char *name)
{
	return name[0] == 'A' ? "a b" : NULL;
}

static void expand(const struct cf_instr *in, char escape)
{
	struct werr err;
	char **words = NULL, **keys = NULL, **vals = NULL;
	size_t n = 0;

	if (cf_words(in->rest, escape, true, lookup, NULL, &words, &err) == 0)
		strv_free(words);
	if (cf_words(in->rest, escape, false, lookup, NULL, &words, &err) == 0)
		strv_free(words);
	if (cf_pairs(in, escape, lookup, NULL, &keys, &vals, &n, &err) == 0) {
		cf_vals_free(keys, n);
		cf_vals_free(vals, n);
	}
	(void)cf_flag(in, "from");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cf_file f;
	struct cf_instr one;
	struct werr err;
	char *s = fuzz_str(data, size);

	if (cf_parse((const char *)data, size, "Containerfile", &f, &err) == 0) {
		for (size_t i = 0; i < f.n; i++)
			expand(&f.v[i], f.escape);
		cf_file_free(&f);
	}
	if (cf_parse_one(s, &one, &err) == 0) {
		expand(&one, '\\');
		cf_instr_free(&one);
	}
	free(s);
	return 0;
}
