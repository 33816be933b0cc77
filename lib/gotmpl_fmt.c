/* gotmpl_fmt.c - Go's fmt and encoding/json for template values (issue 6):
 * %v as Go prints values, Printf's verbs and flags, strconv.Quote and
 * json.Marshal. */
#include "lib/gotmpl.h"
#include "lib/godur.h"
#include "lib/gotmpl_int.h"
#include "lib/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put_str(char **b, size_t *len, const char *s)
{
	gt_puts(b, len, s, strlen(s));
}

static json_type vtype(struct gt_val v)
{
	return v.missing ? json_type_null : json_object_get_type(v.j);
}

static const char *scalar_name(json_type t)
{
	switch (t) {
	case json_type_string:
		return "string";
	case json_type_int:
		return "int";
	case json_type_double:
		return "float64";
	case json_type_boolean:
		return "bool";
	default:
		return NULL;
	}
}

const char *gt_type_name(struct gt_val v)
{
	json_type t = vtype(v), et = json_type_null;
	size_t n;

	if (t == json_type_null)
		return "<nil>";
	if (scalar_name(t))
		return scalar_name(t);
	if (t == json_type_array) {
		n = json_object_array_length(v.j);
		for (size_t i = 0; i < n; i++) {
			json_type e = json_object_get_type(json_object_array_get_idx(v.j, i));
			if (i > 0 && e != et)
				return "[]interface {}";
			et = e;
		}
		if (n == 0 || scalar_name(et) == NULL)
			return "[]interface {}";
		return et == json_type_string	 ? "[]string"
		       : et == json_type_int	 ? "[]int"
		       : et == json_type_boolean ? "[]bool"
						 : "[]float64";
	}
	json_object_object_foreach(v.j, k, e)
	{
		(void)k;
		if (!json_object_is_type(e, json_type_string))
			return "map[string]interface {}";
	}
	return json_object_object_length(v.j) > 0 ? "map[string]string" : "map[string]interface {}";
}

bool gt_truth(struct gt_val v)
{
	switch (vtype(v)) {
	case json_type_boolean:
		return json_object_get_boolean(v.j);
	case json_type_int:
		return json_object_get_int64(v.j) != 0;
	case json_type_double:
		return json_object_get_double(v.j) != 0;
	case json_type_string:
		return json_object_get_string_len(v.j) > 0;
	case json_type_array:
		return json_object_array_length(v.j) > 0;
	case json_type_object:
		return !gt_is_map(v.j) || json_object_object_length(v.j) > 0;
	default:
		return false;
	}
}

/* ---- runes ---- */

/* Decodes one UTF-8 rune; invalid bytes are U+FFFD of length 1 (*bad). */
static size_t decode_rune(const unsigned char *s, size_t n, uint32_t *r, bool *bad)
{
	size_t len = s[0] < 0x80 ? 1 : s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
	uint32_t v;

	*bad = false;
	if (len == 1) {
		*r = s[0];
		return 1;
	}
	if (len == 0 || len > n || s[0] > 0xf4)
		goto invalid;
	v = s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto invalid;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10ffff)) ||
	    (v >= 0xd800 && v < 0xe000))
		goto invalid;
	*r = v;
	return len;
invalid:
	*r = 0xfffd;
	*bad = true;
	return 1;
}

static void put_rune(char **b, size_t *len, uint32_t r)
{
	char u[4];
	size_t n;

	if (r < 0x80) {
		u[0] = (char)r, n = 1;
	} else if (r < 0x800) {
		u[0] = (char)(0xc0 | (r >> 6)), u[1] = (char)(0x80 | (r & 0x3f)), n = 2;
	} else if (r < 0x10000) {
		u[0] = (char)(0xe0 | (r >> 12)), u[1] = (char)(0x80 | ((r >> 6) & 0x3f));
		u[2] = (char)(0x80 | (r & 0x3f)), n = 3;
	} else {
		u[0] = (char)(0xf0 | (r >> 18)), u[1] = (char)(0x80 | ((r >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((r >> 6) & 0x3f)), u[3] = (char)(0x80 | (r & 0x3f)), n = 4;
	}
	gt_puts(b, len, u, n);
}

static void quote_rune(char **b, size_t *len, uint32_t r, bool bad, unsigned char byte, char q,
		       bool ascii)
{
	static const char esc_from[] = "\a\b\f\n\r\t\v", esc_to[] = "abfnrtv";
	const char *e = r != 0 ? strchr(esc_from, (int)r) : NULL;
	char tmp[16];

	if (bad) {
		snprintf(tmp, sizeof(tmp), "\\x%02x", byte);
	} else if (r == (uint32_t)q || r == '\\') {
		snprintf(tmp, sizeof(tmp), "\\%c", (char)r);
	} else if ((r >= 0x20 && r < 0x7f) || (!ascii && r >= 0xa0 && r != 0xad)) {
		put_rune(b, len, r);
		return;
	} else if (e != NULL) {
		snprintf(tmp, sizeof(tmp), "\\%c", esc_to[e - esc_from]);
	} else if (r < 0x20 || r == 0x7f) {
		snprintf(tmp, sizeof(tmp), "\\x%02x", r);
	} else if (r < 0x10000) {
		snprintf(tmp, sizeof(tmp), "\\u%04x", r);
	} else {
		snprintf(tmp, sizeof(tmp), "\\U%08x", r);
	}
	put_str(b, len, tmp);
}

void gt_quote(char **b, size_t *len, const char *s, size_t n, bool ascii)
{
	const unsigned char *u = (const unsigned char *)s;

	gt_putc(b, len, '"');
	for (size_t i = 0; i < n;) {
		uint32_t r;
		bool bad;
		size_t k = decode_rune(u + i, n - i, &r, &bad);
		quote_rune(b, len, r, bad, u[i], '"', ascii);
		i += k;
	}
	gt_putc(b, len, '"');
}

/* ---- floats ---- */

/* Shortest digits that read back as v (> 0): d gets them (no dot, no
 * trailing zeros), the result is the decimal point position (v = 0.d x
 * 10^dp), as Go's strconv. */
static int shortest_digits(double v, char *d, size_t dlen)
{
	char tmp[64], *p;
	size_t k = 0;

	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	for (p = tmp; *p && *p != 'e' && k + 1 < dlen; p++)
		if (*p >= '0' && *p <= '9')
			d[k++] = *p;
	while (k > 1 && d[k - 1] == '0')
		k--;
	d[k] = '\0';
	return atoi(p + 1) + 1;
}

static void put_e(char **b, size_t *len, const char *d, int dp, bool json)
{
	char tmp[16];
	int x = dp - 1;

	gt_putc(b, len, d[0]);
	if (d[1] != '\0') {
		gt_putc(b, len, '.');
		put_str(b, len, d + 1);
	}
	snprintf(tmp, sizeof(tmp), json && x < 0 && x > -10 ? "e%c%d" : "e%c%02d",
		 x < 0 ? '-' : '+', x < 0 ? -x : x);
	put_str(b, len, tmp);
}

static void put_f(char **b, size_t *len, const char *d, int dp)
{
	int nd = (int)strlen(d);

	if (dp <= 0) {
		put_str(b, len, "0.");
		for (int i = 0; i < -dp; i++)
			gt_putc(b, len, '0');
		put_str(b, len, d);
	} else if (dp >= nd) {
		put_str(b, len, d);
		for (int i = nd; i < dp; i++)
			gt_putc(b, len, '0');
	} else {
		gt_puts(b, len, d, (size_t)dp);
		gt_putc(b, len, '.');
		put_str(b, len, d + dp);
	}
}

/* %v of a float64 (strconv 'g', shortest), or JSON's number form */
static void put_float(char **b, size_t *len, double v, bool json)
{
	char d[32];
	int dp;
	double a = fabs(v);

	if (isnan(v) || isinf(v)) {
		put_str(b, len, isnan(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (signbit(v))
		gt_putc(b, len, '-');
	if (a == 0) {
		gt_putc(b, len, '0');
		return;
	}
	dp = shortest_digits(a, d, sizeof(d));
	if (json ? (a < 1e-6 || a >= 1e21) : (dp - 1 < -4 || dp - 1 >= 6))
		put_e(b, len, d, dp, json);
	else
		put_f(b, len, d, dp);
}

/* ---- %v ---- */

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of object o, sorted (Go prints and marshals maps so). */
static const char **sorted_keys(struct json_object *o, size_t *n)
{
	const char **keys = xcalloc((size_t)json_object_object_length(o) + 1, sizeof(char *));
	size_t k = 0;

	json_object_object_foreach(o, key, val)
	{
		(void)val;
		keys[k++] = key;
	}
	qsort(keys, k, sizeof(char *), cmp_key);
	*n = k;
	return keys;
}

struct spec {
	bool minus, plus, sharp, zero, space;
	int width, prec; /* -1: none */
	char verb;
};

static void fmt_value(char **b, size_t *len, struct gt_val v, const struct spec *sp);

void gt_print_value(char **buf, size_t *len, struct gt_val v)
{
	struct spec sp = {.width = -1, .prec = -1, .verb = 'v'};

	fmt_value(buf, len, v, &sp);
}

/* pads s (n bytes) to the width in runes */
static void pad(char **b, size_t *len, const char *s, size_t n, const struct spec *sp)
{
	size_t w = utf8_count(s, n);
	size_t fill = sp->width > 0 && (size_t)sp->width > w ? (size_t)sp->width - w : 0;

	if (!sp->minus)
		for (size_t i = 0; i < fill; i++)
			gt_putc(b, len, sp->zero ? '0' : ' ');
	gt_puts(b, len, s, n);
	if (sp->minus)
		for (size_t i = 0; i < fill; i++)
			gt_putc(b, len, ' ');
}

/* pads a number: zeros go after its sign */
static void pad_num(char **b, size_t *len, const char *s, const struct spec *sp)
{
	size_t n = strlen(s);

	if (sp->zero && !sp->minus && sp->width > 0 && (size_t)sp->width > n &&
	    (s[0] == '-' || s[0] == '+' || s[0] == ' ')) {
		struct spec rest = *sp;
		gt_putc(b, len, s[0]);
		rest.width--;
		pad(b, len, s + 1, n - 1, &rest);
		return;
	}
	pad(b, len, s, n, sp);
}

static void bad_verb(char **b, size_t *len, struct gt_val v, char verb)
{
	gt_puts(b, len, "%!", 2);
	gt_putc(b, len, verb);
	gt_putc(b, len, '(');
	if (vtype(v) == json_type_null) {
		put_str(b, len, "<nil>");
	} else {
		put_str(b, len, gt_type_name(v));
		gt_putc(b, len, '=');
		gt_print_value(b, len, v);
	}
	gt_putc(b, len, ')');
}

static void fmt_list(char **b, size_t *len, struct gt_val v, const struct spec *sp)
{
	size_t n = json_object_array_length(v.j);

	gt_putc(b, len, '[');
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			gt_putc(b, len, ' ');
		fmt_value(b, len, (struct gt_val){json_object_array_get_idx(v.j, i), false}, sp);
	}
	gt_putc(b, len, ']');
}

static void fmt_map(char **b, size_t *len, struct gt_val v, const struct spec *sp)
{
	size_t n;
	const char **keys = sorted_keys(v.j, &n);

	put_str(b, len, "map[");
	for (size_t i = 0; i < n; i++) {
		struct json_object *k = json_object_new_string(keys[i]);
		if (i > 0)
			gt_putc(b, len, ' ');
		fmt_value(b, len, (struct gt_val){k, false}, sp);
		gt_putc(b, len, ':');
		fmt_value(b, len, (struct gt_val){json_object_object_get(v.j, keys[i]), false}, sp);
		json_object_put(k);
	}
	gt_putc(b, len, ']');
	free(keys);
}

static void fmt_int(char **b, size_t *len, int64_t x, const struct spec *sp)
{
	char digits[80], out[160];
	const char *set = sp->verb == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	int base = strchr("bB", sp->verb)   ? 2
		   : strchr("oO", sp->verb) ? 8
		   : strchr("xX", sp->verb) ? 16
					    : 10;
	uint64_t u = x < 0 ? 0 - (uint64_t)x : (uint64_t)x;
	size_t k = 0, o = 0;
	int prec = sp->prec;

	if (sp->verb == 'c' || sp->verb == 'q' || sp->verb == 'U') {
		char *s = NULL;
		size_t sl = 0;
		uint32_t r =
		    x < 0 || x > 0x10ffff || (x >= 0xd800 && x < 0xe000) ? 0xfffd : (uint32_t)x;
		if (sp->verb == 'c') {
			put_rune(&s, &sl, r);
		} else if (sp->verb == 'U') {
			snprintf(digits, sizeof(digits), "U+%04llX", (unsigned long long)x);
			put_str(&s, &sl, digits);
		} else {
			gt_putc(&s, &sl, '\'');
			quote_rune(&s, &sl, r, false, 0, '\'', sp->plus);
			gt_putc(&s, &sl, '\'');
		}
		pad(b, len, s, sl, sp);
		free(s);
		return;
	}
	do {
		digits[k++] = set[u % (uint64_t)base];
		u /= (uint64_t)base;
	} while (u > 0);
	if (prec == 0 && x == 0)
		k = 0;
	if (x < 0)
		out[o++] = '-';
	else if (sp->plus)
		out[o++] = '+';
	else if (sp->space)
		out[o++] = ' ';
	if (sp->verb == 'O') {
		out[o++] = '0';
		out[o++] = 'o';
	} else if (sp->sharp && (base == 16 || base == 2)) {
		out[o++] = '0';
		out[o++] = base == 16 ? sp->verb : 'b';
	} else if (sp->sharp && base == 8 && x != 0 && prec <= (int)k) {
		out[o++] = '0';
	}
	for (int i = (int)k; i < prec && o < 100; i++)
		out[o++] = '0';
	while (k > 0)
		out[o++] = digits[--k];
	out[o] = '\0';
	if (prec >= 0) {
		struct spec nz = *sp;
		nz.zero = false;
		pad(b, len, out, o, &nz);
		return;
	}
	pad_num(b, len, out, sp);
}

/* %e, %f and %g with a precision are C's (the same digits, exponent of at
 * least two digits); the format is built from the verb's flags */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void fmt_float(char **b, size_t *len, double f, const struct spec *sp)
{
	char cf[32], *s = NULL;
	size_t sl = 0;

	if ((sp->verb == 'v' || sp->verb == 'g' || sp->verb == 'G') && sp->prec < 0 && !sp->sharp) {
		if (sp->plus && !signbit(f))
			gt_putc(&s, &sl, '+');
		else if (sp->space && !signbit(f))
			gt_putc(&s, &sl, ' ');
		put_float(&s, &sl, f, false);
		if (sp->verb == 'G')
			for (char *p = s; *p; p++)
				*p = *p == 'e' ? 'E' : *p;
	} else {
		char verb = sp->verb == 'v' ? 'g' : sp->verb;
		snprintf(cf, sizeof(cf), "%%%s%s%s.*%c", sp->plus ? "+" : "", sp->space ? " " : "",
			 sp->sharp ? "#" : "", verb);
		int prec = sp->prec >= 0 ? sp->prec : strchr("gG", verb) ? -1 : 6;
		char tmp[512];
		if (prec < 0)
			snprintf(cf, sizeof(cf), "%%%s%s%s%c", sp->plus ? "+" : "",
				 sp->space ? " " : "", sp->sharp ? "#" : "", verb);
		if (prec < 0)
			snprintf(tmp, sizeof(tmp), cf, f);
		else
			snprintf(tmp, sizeof(tmp), cf, prec > 300 ? 300 : prec, f);
		put_str(&s, &sl, tmp);
	}
	pad_num(b, len, s, sp);
	free(s);
}

#pragma GCC diagnostic pop

static void fmt_string(char **b, size_t *len, const char *str, size_t n, const struct spec *sp)
{
	char *s = NULL;
	size_t sl = 0;

	if (sp->prec >= 0) {
		size_t runes = 0, i = 0;
		for (; i < n; i++) {
			if (((unsigned char)str[i] & 0xc0) != 0x80 && runes++ == (size_t)sp->prec)
				break;
		}
		n = i;
	}
	switch (sp->verb) {
	case 'q':
		if (sp->sharp && memchr(str, '`', n) == NULL && memchr(str, '\n', n) == NULL) {
			gt_putc(&s, &sl, '`');
			gt_puts(&s, &sl, str, n);
			gt_putc(&s, &sl, '`');
		} else {
			gt_quote(&s, &sl, str, n, sp->plus);
		}
		break;
	case 'x':
	case 'X':
		for (size_t i = 0; i < n; i++) {
			char h[8];
			if (i > 0 && sp->space)
				gt_putc(&s, &sl, ' ');
			if (sp->sharp && (i == 0 || sp->space))
				put_str(&s, &sl, sp->verb == 'x' ? "0x" : "0X");
			snprintf(h, sizeof(h), sp->verb == 'x' ? "%02x" : "%02X",
				 (unsigned char)str[i]);
			put_str(&s, &sl, h);
		}
		break;
	default:
		pad(b, len, str, n, sp);
		return;
	}
	pad(b, len, s ? s : "", sl, sp);
	free(s);
}

static void fmt_value(char **b, size_t *len, struct gt_val v, const struct spec *sp)
{
	char c = sp->verb;

	switch (vtype(v)) {
	case json_type_null:
		if (c == 'v')
			pad(b, len, "<nil>", 5, sp);
		else
			bad_verb(b, len, v, c);
		return;
	case json_type_boolean:
		if (c == 'v' || c == 't') {
			bool t = json_object_get_boolean(v.j);
			pad(b, len, t ? "true" : "false", t ? 4 : 5, sp);
		} else {
			bad_verb(b, len, v, c);
		}
		return;
	case json_type_int:
		if ((c == 'v' || c == 's') && gt_is_duration(v.j)) {
			char d[64];
			godur_string(json_object_get_int64(v.j), d, sizeof(d));
			pad(b, len, d, strlen(d), sp);
		} else if (strchr("vdbBoOxXcqU", c))
			fmt_int(b, len, json_object_get_int64(v.j), sp);
		else
			bad_verb(b, len, v, c);
		return;
	case json_type_double:
		if (strchr("vgGeEfF", c))
			fmt_float(b, len, json_object_get_double(v.j), sp);
		else
			bad_verb(b, len, v, c);
		return;
	case json_type_string:
		if (strchr("vsqxX", c))
			fmt_string(b, len, json_object_get_string(v.j),
				   (size_t)json_object_get_string_len(v.j), sp);
		else
			bad_verb(b, len, v, c);
		return;
	case json_type_array:
		fmt_list(b, len, v, sp);
		return;
	case json_type_object:
		fmt_map(b, len, v, sp);
		return;
	}
}

/* the largest width or precision (Go's fmt: 1e6) */
#define FMT_NUM_MAX 1000000

/* "%-10.3s": flags, width and precision at *p; 0, or -1 when an argument
 * given by '*' is bad */
static const char *parse_spec(const char *p, struct spec *sp, const struct gt_val *args, size_t n,
			      size_t *argi, char **b, size_t *len)
{
	*sp = (struct spec){.width = -1, .prec = -1};
	for (;; p++) {
		if (*p == '-')
			sp->minus = true, sp->zero = false;
		else if (*p == '+')
			sp->plus = true;
		else if (*p == '#')
			sp->sharp = true;
		else if (*p == '0')
			sp->zero = !sp->minus;
		else if (*p == ' ')
			sp->space = true;
		else
			break;
	}
	for (int pass = 0; pass < 2; pass++) {
		int *dst = pass == 0 ? &sp->width : &sp->prec;
		if (pass == 1) {
			if (*p != '.')
				break;
			p++;
			*dst = 0;
		}
		if (*p == '*') {
			int64_t v = *argi < n && vtype(args[*argi]) == json_type_int
					? json_object_get_int64(args[*argi].j)
					: INT64_MAX;
			p++;
			(*argi)++;
			/* Go's tooLarge: beyond a million is no width */
			if (v > FMT_NUM_MAX || v < -FMT_NUM_MAX) {
				put_str(b, len, pass == 0 ? "%!(BADWIDTH)" : "%!(BADPREC)");
				continue;
			}
			*dst = (int)v;
			if (pass == 0 && *dst < 0)
				sp->minus = true, sp->zero = false, *dst = -*dst;
			continue;
		}
		while (*p >= '0' && *p <= '9') {
			/* as Go's parsenum: a crazy long number eats the format */
			if (*dst > FMT_NUM_MAX)
				return p + strlen(p);
			*dst = (*dst < 0 ? 0 : *dst) * 10 + (*p++ - '0');
		}
	}
	return p;
}

void gt_sprintf(char **b, size_t *len, const char *fmt, const struct gt_val *args, size_t n)
{
	size_t argi = 0;
	const char *p = fmt;

	while (*p) {
		struct spec sp;
		const char *pct = strchr(p, '%');
		if (pct == NULL) {
			put_str(b, len, p);
			break;
		}
		gt_puts(b, len, p, (size_t)(pct - p));
		p = parse_spec(pct + 1, &sp, args, n, &argi, b, len);
		if (*p == '\0') {
			put_str(b, len, "%!(NOVERB)");
			break;
		}
		sp.verb = *p++;
		if (sp.verb == '%') {
			gt_putc(b, len, '%');
		} else if (argi >= n) {
			gt_puts(b, len, "%!", 2);
			gt_putc(b, len, sp.verb);
			put_str(b, len, "(MISSING)");
		} else if (sp.verb == 'T') {
			const char *t = gt_type_name(args[argi++]);
			pad(b, len, t, strlen(t), &sp);
		} else {
			struct gt_val v = args[argi++];
			fmt_value(b, len, v.missing ? (struct gt_val){NULL, false} : v, &sp);
		}
	}
	if (argi < n) {
		put_str(b, len, "%!(EXTRA ");
		for (size_t i = argi; i < n; i++) {
			if (i > argi)
				put_str(b, len, ", ");
			if (vtype(args[i]) == json_type_null) {
				put_str(b, len, "<nil>");
				continue;
			}
			put_str(b, len, gt_type_name(args[i]));
			gt_putc(b, len, '=');
			gt_print_value(b, len, args[i]);
		}
		gt_putc(b, len, ')');
	}
}

/* ---- JSON ---- */

/* Go's encoding/json string: HTML characters escaped only when html */
static void json_string(char **b, size_t *len, const char *s, size_t n, bool html)
{
	const unsigned char *u = (const unsigned char *)s;

	gt_putc(b, len, '"');
	for (size_t i = 0; i < n;) {
		uint32_t r;
		bool bad;
		size_t k = decode_rune(u + i, n - i, &r, &bad);
		char tmp[8];
		const char *e = r == '"'    ? "\\\""
				: r == '\\' ? "\\\\"
				: r == '\n' ? "\\n"
				: r == '\r' ? "\\r"
				: r == '\t' ? "\\t"
				: r == '\b' ? "\\b"
				: r == '\f' ? "\\f"
					    : NULL;
		if (e != NULL) {
			put_str(b, len, e);
		} else if (r < 0x20 || r == 0x2028 || r == 0x2029 ||
			   (html && (r == '<' || r == '>' || r == '&'))) {
			snprintf(tmp, sizeof(tmp), "\\u%04x", r);
			put_str(b, len, tmp);
		} else if (bad) {
			put_str(b, len, "\\ufffd");
		} else {
			gt_puts(b, len, s + i, k);
		}
		i += k;
	}
	gt_putc(b, len, '"');
}

struct jenc {
	const char *indent; /* NULL: compact */
	bool html;
};

static void json_value(char **b, size_t *len, struct json_object *v, const struct jenc *e,
		       int depth);

static void json_newline(char **b, size_t *len, const struct jenc *e, int depth)
{
	gt_putc(b, len, '\n');
	for (int i = 0; i < depth; i++)
		put_str(b, len, e->indent);
}

/* an array or object: members in their order (the serialisers give
 * Podman's field order; Go sorts only maps) */
static void json_container(char **b, size_t *len, struct json_object *v, const struct jenc *e,
			   int depth)
{
	bool arr = json_object_is_type(v, json_type_array);
	size_t n = arr ? json_object_array_length(v) : (size_t)json_object_object_length(v), i = 0;
	struct json_object_iterator it = json_object_iter_init_default();

	if (!arr)
		it = json_object_iter_begin(v);
	gt_putc(b, len, arr ? '[' : '{');
	for (i = 0; i < n; i++) {
		if (i > 0)
			gt_putc(b, len, ',');
		if (e->indent != NULL)
			json_newline(b, len, e, depth + 1);
		if (arr) {
			json_value(b, len, json_object_array_get_idx(v, i), e, depth + 1);
			continue;
		}
		const char *k = json_object_iter_peek_name(&it);
		json_string(b, len, k, strlen(k), e->html);
		put_str(b, len, e->indent != NULL ? ": " : ":");
		json_value(b, len, json_object_iter_peek_value(&it), e, depth + 1);
		json_object_iter_next(&it);
	}
	if (n > 0 && e->indent != NULL)
		json_newline(b, len, e, depth);
	gt_putc(b, len, arr ? ']' : '}');
}

static void json_value(char **b, size_t *len, struct json_object *v, const struct jenc *e,
		       int depth)
{
	char tmp[32];

	switch (json_object_get_type(v)) {
	case json_type_null:
		put_str(b, len, "null");
		return;
	case json_type_boolean:
		put_str(b, len, json_object_get_boolean(v) ? "true" : "false");
		return;
	case json_type_int:
		snprintf(tmp, sizeof(tmp), "%lld", (long long)json_object_get_int64(v));
		put_str(b, len, tmp);
		return;
	case json_type_double:
		put_float(b, len, json_object_get_double(v), true);
		return;
	case json_type_string:
		json_string(b, len, json_object_get_string(v),
			    (size_t)json_object_get_string_len(v), e->html);
		return;
	default:
		json_container(b, len, v, e, depth);
		return;
	}
}

void gt_json(char **b, size_t *len, struct json_object *v)
{
	struct jenc e = {NULL, false};

	json_value(b, len, v, &e, 0);
}

char *gotmpl_json(struct json_object *v, const char *indent, bool escape_html)
{
	struct jenc e = {indent, escape_html};
	char *b = xstrdup("");
	size_t len = 0;

	json_value(&b, &len, v, &e, 0);
	return b;
}

/* Go's fmt.Sprint / Sprintln of template values */
void gt_sprint(char **b, size_t *len, const struct gt_val *args, size_t n, bool ln)
{
	for (size_t i = 0; i < n; i++) {
		bool str = vtype(args[i]) == json_type_string;
		bool prev = i > 0 && vtype(args[i - 1]) == json_type_string;
		if (i > 0 && (ln || (!str && !prev)))
			gt_putc(b, len, ' ');
		gt_print_value(b, len, args[i].missing ? (struct gt_val){NULL, false} : args[i]);
	}
	if (ln)
		gt_putc(b, len, '\n');
}

/* exposes the UTF-8 helpers to the functions file */
size_t gt_decode_rune(const char *s, size_t n, uint32_t *r)
{
	bool bad;

	return decode_rune((const unsigned char *)s, n, r, &bad);
}

void gt_put_rune(char **b, size_t *len, uint32_t r)
{
	put_rune(b, len, r);
}

static const char duration_mark[] = "time.Duration";

void gotmpl_mark_duration(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_int))
		json_object_set_userdata(v, (void *)duration_mark, NULL);
}

bool gt_is_duration(struct json_object *v)
{
	return json_object_get_userdata(v) == duration_mark;
}
