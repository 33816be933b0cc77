#include "lib/log.h"
#include "lib/err.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

/* logrus' text formatter quotes a value holding anything but these */
static bool needs_quoting(const char *s)
{
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || strchr("-._/@^+", *s)))
			return true;
	return false;
}

/* msg as Go's %q would print it (control characters were scrubbed) */
static void put_quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static struct timespec log_start;

__attribute__((constructor)) static void log_init(void)
{
	clock_gettime(CLOCK_MONOTONIC, &log_start);
}

/* Podman's lines (logrus): "WARN[0000] msg" on a terminal (without colour),
 * else time="2006-01-02T15:04:05Z07:00" level=warning msg="..." so that
 * what filters Podman's stderr filters ours. tag: "warning", "info", ... */
__attribute__((format(printf, 3, 0))) static void vlog(enum log_level level, const char *tag,
						       const char *fmt, va_list ap)
{
	char buf[2048], ts[64];
	struct timespec now;
	time_t t = time(NULL);
	struct tm tm;

	if (level > current)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	text_scrub(buf);
	if (isatty(STDERR_FILENO)) {
		char up[5] = {0};
		clock_gettime(CLOCK_MONOTONIC, &now);
		for (int i = 0; i < 4 && tag[i]; i++)
			up[i] = (char)toupper((unsigned char)tag[i]);
		fprintf(stderr, "%s[%04ld] %s\n", up, (long)(now.tv_sec - log_start.tv_sec), buf);
		return;
	}
	localtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S%z", &tm);
	if (tm.tm_gmtoff == 0) /* Go's Z07:00: "Z", else "+01:00" */
		strcpy(ts + 19, "Z");
	else
		memmove(ts + 23, ts + 22, 3), ts[22] = ':';
	fprintf(stderr, "time=\"%s\" level=%s msg=", ts, tag);
	if (needs_quoting(buf))
		put_quoted(stderr, buf);
	else
		fputs(buf, stderr);
	fputc('\n', stderr);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(LOG_WARN, "warning", fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(LOG_INFO, "info", fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, "debug", fmt, ap);
	va_end(ap);
}
