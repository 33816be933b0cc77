/* k8sfile.c - the k8s-file log writer (see k8sfile.h). */
#include "monitor/k8sfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (32 * 1024) /* a batch of entries is written at once */

void k8s_log_open(struct k8s_log *l, const char *path, long long max)
{
	struct stat st;

	l->max = max;
	l->size = 0;
	l->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (l->fd >= 0 && fstat(l->fd, &st) == 0)
		l->size = (long long)st.st_size;
}

void k8s_log_close(struct k8s_log *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

/* RFC 3339 with nanoseconds and the local offset, as Podman's k8s-file:
 * 2026-12-02T11:18:01.123456789+01:00 */
static size_t timestamp(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char zone[8];
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm); /* +0100 */
	n += (size_t)snprintf(buf + n, len - n, ".%09ld%.3s:%.2s", ts.tv_nsec, zone, zone + 3);
	return n;
}

void fd_write_full(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		buf += w;
		n -= (size_t)w;
	}
}

/* Writes the batch out[0..*o) and empties it. */
static void flush(struct k8s_log *l, const char *out, size_t *o)
{
	fd_write_full(l->fd, out, *o);
	l->size += (long long)*o;
	*o = 0;
}

void k8s_log_write(struct k8s_log *l, const char *stream, const char *buf, size_t n)
{
	static char out[CHUNK + 4096];
	char ts[64];
	size_t tlen, o = 0;

	if (l->fd < 0)
		return;
	tlen = timestamp(ts, sizeof(ts));
	while (n > 0) {
		const char *nl = memchr(buf, '\n', n);
		size_t len = nl ? (size_t)(nl - buf) : n;
		size_t head = tlen + strlen(stream) + 4; /* "TS STREAM F " */

		/* --log-opt max-size: the log starts over rather than grow past it */
		if (l->max > 0 && l->size + (long long)(o + head + len + 1) > l->max) {
			flush(l, out, &o);
			if (ftruncate(l->fd, 0) == 0)
				l->size = 0;
		}
		if (o + head + len + 1 > sizeof(out))
			flush(l, out, &o);
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s %s %c ", ts, stream,
				      nl ? 'F' : 'P');
		/* a line longer than the batch goes out on its own */
		if (o + len + 1 > sizeof(out)) {
			flush(l, out, &o);
			fd_write_full(l->fd, buf, len);
			fd_write_full(l->fd, "\n", 1);
			l->size += (long long)len + 1;
		} else {
			memcpy(out + o, buf, len);
			o += len;
			out[o++] = '\n';
		}
		buf += len + (nl ? 1 : 0);
		n -= len + (nl ? 1 : 0);
	}
	flush(l, out, &o);
}
