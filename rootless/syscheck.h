/* syscheck.h - `warren system check`: is this host ready for warren, and if
 * not, what exactly must the user or an admin do. Each check looks at one
 * thing (a sysctl, a helper binary, the storage filesystem, ...) by trying
 * it where it can, and says ok, warn (works, but worse) or fail (a feature
 * does not work), with the fix. */
#ifndef WARREN_SYSCHECK_H
#define WARREN_SYSCHECK_H

#include <stddef.h>

#include "engine/engine.h"

enum check_status { CHECK_OK = 0, CHECK_WARN, CHECK_FAIL };

struct check_result {
	const char *name; /* "user namespaces", "subordinate ids", ... (static) */
	enum check_status status;
	char *msg; /* what was found, one line */
	char *fix; /* the command or step that fixes it; NULL when ok */
};

/* Runs every check for e's user (outside the user namespace: call it
 * before joining the pause process). *out is malloc'd, free with
 * syscheck_free. Returns the number of results. */
size_t syscheck_run(struct engine *e, struct check_result **out);

void syscheck_free(struct check_result *r, size_t n);

/* "ok", "warn" or "fail". */
const char *check_status_name(enum check_status s);

#endif
