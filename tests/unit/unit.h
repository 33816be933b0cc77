/* unit.h - a tiny unit-test harness. Each test_*.c defines tests with
 * UNIT_TEST(name) { ... CHECK(cond); ... } and ends with UNIT_MAIN(). The
 * binary prints "ok NAME" / "FAIL NAME: file:line: expr" per test and a
 * last line "unit: N passed, N failed"; exit status 1 on any failure. */
#ifndef WARREN_UNIT_H
#define WARREN_UNIT_H

#include <stdio.h>
#include <string.h>

struct unit_case {
	const char *name;
	void (*fn)(int *failed);
};

#define UNIT_MAX 256
extern struct unit_case unit_cases[UNIT_MAX];
extern int unit_ncases;

#define UNIT_TEST(n)                                                                               \
	static void n(int *unit_failed_);                                                          \
	__attribute__((constructor)) static void unit_reg_##n(void)                                \
	{                                                                                          \
		if (unit_ncases < UNIT_MAX)                                                        \
			unit_cases[unit_ncases++] = (struct unit_case){#n, n};                     \
	}                                                                                          \
	static void n(int *unit_failed_)

#define CHECK(expr)                                                                                \
	do {                                                                                       \
		if (!(expr)) {                                                                     \
			printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #expr);                     \
			*unit_failed_ = 1;                                                         \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *a_ = (a), *b_ = (b);                                                   \
		if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0) {                             \
			printf("FAIL %s:%d: %s == %s (\"%s\" vs \"%s\")\n", __FILE__, __LINE__,    \
			       #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");                    \
			*unit_failed_ = 1;                                                         \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define UNIT_MAIN()                                                                                \
	struct unit_case unit_cases[UNIT_MAX];                                                     \
	int unit_ncases;                                                                           \
	int main(void)                                                                             \
	{                                                                                          \
		int pass = 0, fail = 0;                                                            \
		/* a sanitizer's exit would lose a buffered FAIL line */                           \
		setvbuf(stdout, NULL, _IOLBF, 0);                                                  \
		for (int i = 0; i < unit_ncases; i++) {                                            \
			int failed = 0;                                                            \
			unit_cases[i].fn(&failed);                                                 \
			printf("%s %s\n", failed ? "FAIL" : "ok", unit_cases[i].name);             \
			if (failed)                                                                \
				fail++;                                                            \
			else                                                                       \
				pass++;                                                            \
		}                                                                                  \
		printf("unit: %d passed, %d failed\n", pass, fail);                                \
		return fail ? 1 : 0;                                                               \
	}

#endif
