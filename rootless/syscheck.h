/* syscheck.h - `warren system check`: is this host ready for warren, and if
 * not, what exactly must the user or an admin do. Each check looks at one
 * thing (a sysctl, a helper binary, the storage filesystem, ...) by trying
 * it where it can, and says ok, warn (works, but worse) or fail (a feature
 * does not work), with the fix. */
#ifndef WARREN_SYSCHECK_H
#define WARREN_SYSCHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/engine.h"

enum check_status { CHECK_OK = 0, CHECK_WARN, CHECK_FAIL };

struct check_result {
	const char *name; /* "user namespaces", "subordinate ids", ... (static) */
	enum check_status status;
	char *msg; /* what was found, one line */
	char *fix; /* the command or step that fixes it; NULL when ok */
};

/* The results so far; repair: fix what can be fixed (the store checks). */
struct checks {
	struct engine *e;
	bool repair;
	struct check_result *v;
	size_t n, cap;
};

/* A new result named name (static), status ok, no message yet. */
struct check_result *check_add(struct checks *c, const char *name);
void check_set(struct check_result *r, enum check_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void check_fix(struct check_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void checks_free(struct checks *c);

/* Adds the host checks for c->e's user. Runs outside the user namespace:
 * call it before joining the pause process. */
void syscheck_host(struct checks *c);

/* "ok", "warn" or "fail". */
const char *check_status_name(enum check_status s);

#endif
