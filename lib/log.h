/* log.h - leveled diagnostics on stderr in Podman's (logrus') shape:
 * `time="..." level=warning msg="..."`, or `WARN[0000] ...` on a terminal. Engine code
 * may warn through here; everything the user asked for is printed by cli/. */
#ifndef WARREN_LOG_H
#define WARREN_LOG_H

enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Parses "debug", "info", "warn", "error" (also "warning", "fatal", "panic",
 * "trace"); returns 0 or -1. */
int log_parse_level(const char *s, enum log_level *out);

void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
