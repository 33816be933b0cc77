/* godur.h - Go's time.Duration as Podman's flags take and print it
 * ("1m30s", "500ms", "1.5h", "0"): healthcheck intervals and timeouts.
 * Pure: unit-tested. */
#ifndef WARREN_GODUR_H
#define WARREN_GODUR_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

#define GODUR_SECOND 1000000000LL

/* Parses s as Go's time.ParseDuration does ([-+]?([0-9]*(\.[0-9]*)?unit)+
 * or "0"; units ns, us, µs, ms, s, m, h) into *ns. Errors in Go's words:
 * `time: invalid duration "x"`, `time: missing unit in duration "5"`,
 * `time: unknown unit "d" in duration "1d"`. */
int godur_parse(const char *s, int64_t *ns, struct werr *err);

/* Go's Duration.String(): "0s", "1.5s", "1m30s", "1h0m0s", "500ms". */
void godur_string(int64_t ns, char *buf, size_t len);

#endif
