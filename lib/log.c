#include "lib/log.h"
#include "lib/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static enum log_level current = LOG_WARN;

void log_set_level(enum log_level level)
{
	current = level;
}

enum log_level log_get_level(void)
{
	return current;
}

int log_parse_level(const char *s, enum log_level *out)
{
	static const struct {
		const char *name;
		enum log_level level;
	} names[] = {
	    {"trace", LOG_DEBUG},  {"debug", LOG_DEBUG}, {"info", LOG_INFO},   {"warn", LOG_WARN},
	    {"warning", LOG_WARN}, {"error", LOG_ERROR}, {"fatal", LOG_ERROR}, {"panic", LOG_ERROR},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(s, names[i].name) == 0) {
			*out = names[i].level;
			return 0;
		}
	}
	return -1;
}

__attribute__((format(printf, 3, 0))) static void vlog(enum log_level level, const char *tag,
						       const char *fmt, va_list ap)
{
	char buf[2048];

	if (level > current)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	text_scrub(buf);
	fprintf(stderr, "warren: %s%s\n", tag, buf);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(LOG_WARN, "warning: ", fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(LOG_INFO, "", fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, "debug: ", fmt, ap);
	va_end(ap);
}
