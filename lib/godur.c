/* godur.c - Go durations (see godur.h). Integer arithmetic, as Go's own,
 * so that "1.1s" is 1100000000 exactly. */
#include "lib/godur.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/util.h"

static const struct {
	const char *name;
	uint64_t ns;
} units[] = {{"ns", 1ULL},
	     {"us", 1000ULL},
	     {"\xc2\xb5s", 1000ULL}, /* U+00B5 micro sign */
	     {"\xce\xbcs", 1000ULL}, /* U+03BC Greek mu */
	     {"ms", 1000000ULL},
	     {"s", 1000000000ULL},
	     {"m", 60ULL * 1000000000ULL},
	     {"h", 3600ULL * 1000000000ULL}};

static int invalid(const char *orig, struct werr *err)
{
	return werr_set(err, 0, "time: invalid duration \"%s\"", orig);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* One number-unit pair at *sp added to *total; -1 with err set. */
static int parse_term(const char **sp, const char *orig, uint64_t *total, struct werr *err)
{
	const char *s = *sp, *u;
	uint64_t v = 0, frac = 0, scale = 1, unit = 0;
	bool pre = false, post = false, over = false;
	size_t ulen;

	for (; is_digit(*s); s++, pre = true) {
		if (v > (UINT64_MAX - 9) / 10)
			return invalid(orig, err);
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (*s == '.')
		for (s++; is_digit(*s); s++, post = true) {
			/* digits past what fits are dropped, as Go does */
			if (over || frac > (UINT64_MAX - 9) / 10) {
				over = true;
				continue;
			}
			frac = frac * 10 + (uint64_t)(*s - '0');
			scale *= 10;
		}
	if (!pre && !post)
		return invalid(orig, err);
	for (u = s; *s && *s != '.' && !is_digit(*s); s++)
		;
	ulen = (size_t)(s - u);
	if (ulen == 0)
		return werr_set(err, 0, "time: missing unit in duration \"%s\"", orig);
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (strlen(units[i].name) == ulen && strncmp(u, units[i].name, ulen) == 0)
			unit = units[i].ns;
	if (unit == 0)
		return werr_set(err, 0, "time: unknown unit \"%.*s\" in duration \"%s\"", (int)ulen,
				u, orig);
	if (v > (1ULL << 63) / unit)
		return invalid(orig, err);
	v *= unit;
	if (frac > 0) {
		v += (uint64_t)((double)frac * ((double)unit / (double)scale));
		if (v > (1ULL << 63))
			return invalid(orig, err);
	}
	*total += v;
	if (*total > (1ULL << 63))
		return invalid(orig, err);
	*sp = s;
	return 0;
}

int godur_parse(const char *orig, int64_t *ns, struct werr *err)
{
	const char *s = orig;
	uint64_t total = 0;
	bool neg = false;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (strcmp(s, "0") == 0) {
		*ns = 0;
		return 0;
	}
	if (*s == '\0')
		return invalid(orig, err);
	while (*s)
		if (!is_digit(*s) && *s != '.')
			return invalid(orig, err);
		else if (parse_term(&s, orig, &total, err) < 0)
			return -1;
	if (!neg && total > (uint64_t)INT64_MAX)
		return invalid(orig, err);
	*ns = neg ? (int64_t)(0 - total) : (int64_t)total;
	return 0;
}

/* ".5" of part/div (div a power of ten), Go's trailing zeros dropped; ""
 * for 0 */
static void fraction(uint64_t part, uint64_t div, char *buf, size_t len)
{
	size_t n;

	buf[0] = '\0';
	if (part == 0)
		return;
	/* "1" and the zero-padded digits; the "1" becomes the point */
	snprintf(buf, len, "%llu", (unsigned long long)(div + part));
	buf[0] = '.';
	for (n = strlen(buf); n > 1 && buf[n - 1] == '0'; n--)
		buf[n - 1] = '\0';
}

void godur_string(int64_t ns, char *buf, size_t len)
{
	uint64_t u = ns < 0 ? 0 - (uint64_t)ns : (uint64_t)ns;
	const char *sign = ns < 0 ? "-" : "";
	char frac[24];
	uint64_t secs;

	if (u == 0) {
		snprintf(buf, len, "0s");
	} else if (u < 1000ULL) {
		snprintf(buf, len, "%s%lluns", sign, (unsigned long long)u);
	} else if (u < 1000000000ULL) {
		/* under a second: the largest of µs and ms that is at least 1 */
		uint64_t div = u < 1000000ULL ? 1000ULL : 1000000ULL;
		fraction(u % div, div, frac, sizeof(frac));
		snprintf(buf, len, "%s%llu%s%s", sign, (unsigned long long)(u / div), frac,
			 div == 1000ULL ? "\xc2\xb5s" : "ms");
	} else {
		secs = u / 1000000000ULL;
		fraction(u % 1000000000ULL, 1000000000ULL, frac, sizeof(frac));
		if (secs < 60)
			snprintf(buf, len, "%s%llu%ss", sign, (unsigned long long)secs, frac);
		else if (secs < 3600)
			snprintf(buf, len, "%s%llum%llu%ss", sign, (unsigned long long)(secs / 60),
				 (unsigned long long)(secs % 60), frac);
		else
			snprintf(buf, len, "%s%lluh%llum%llu%ss", sign,
				 (unsigned long long)(secs / 3600),
				 (unsigned long long)(secs / 60 % 60),
				 (unsigned long long)(secs % 60), frac);
	}
}
