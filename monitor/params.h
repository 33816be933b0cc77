/* params.h - the key=value lines warren hands warren-monitor (and its
 * forwarder-only mode) on fd 3 (runtime/detach.c, runtime/portfwd.c). */
#ifndef WARREN_MONITOR_PARAMS_H
#define WARREN_MONITOR_PARAMS_H

#include <stddef.h>

/* Reads fd 3 to its end (at most max bytes) into buf, NUL-terminates it
 * and closes fd 3. 0, or -1 on a read error. */
int params_read(char *buf, size_t max);

/* The next "key=value" line at *cursor, cut in place: returns its key and
 * sets *val; lines without '=' are skipped; NULL after the last line. */
char *params_next(char **cursor, char **val);

#endif
