/* signame.h - signal names and numbers, as `kill -s`, `--stop-signal`
 * and an image's StopSignal spell them. */
#ifndef WARREN_SIGNAME_H
#define WARREN_SIGNAME_H

/* "SIGTERM", "TERM", "term", "15", "SIGRTMIN+3", "RTMAX-1": the signal
 * number, or -1 when s names none (0 is not a signal either). */
int signal_parse(const char *s);

/* "SIGTERM" for 15; NULL for a number no name has. */
const char *signal_name(int sig);

#endif
