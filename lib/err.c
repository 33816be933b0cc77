#include "lib/err.h"
#include "lib/util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Replaces control characters with '?'; see err.h. */
void text_scrub(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

int werr_set(struct werr *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	text_scrub(err->msg);
	err->errnum = errnum;
	err->status = 0;
	len = strlen(err->msg);
	if (errnum != 0 && len < sizeof(err->msg))
		snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", strerror(errnum));
	return -1;
}

int werr_wrap(struct werr *err, const char *fmt, ...)
{
	char old[WERR_MSG_MAX];
	va_list ap;
	int n;

	if (err == NULL)
		return -1;
	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(err->msg) - 3)
		return -1;
	text_scrub(err->msg);
	memcpy(err->msg + n, ": ", 2);
	n += 2;
	memcpy(err->msg + n, old, sizeof(err->msg) - (size_t)n - 1);
	err->msg[sizeof(err->msg) - 1] = '\0';
	return -1;
}

int werr_status(struct werr *err, int status)
{
	if (err != NULL)
		err->status = status;
	return -1;
}

void werr_clear(struct werr *err)
{
	if (err == NULL)
		return;
	err->errnum = 0;
	err->status = 0;
	err->msg[0] = '\0';
}

struct werr_wire {
	int errnum;
	int status;
	unsigned len;
};

int werr_send(int fd, const struct werr *err)
{
	struct werr_wire w = {err->errnum, err->status,
			      (unsigned)strnlen(err->msg, WERR_MSG_MAX - 1)};

	if (write_all(fd, &w, sizeof(w)) < 0)
		return -1;
	return write_all(fd, err->msg, w.len);
}

int werr_recv(int fd, struct werr *err)
{
	struct werr_wire w;
	ssize_t n = read_all(fd, &w, sizeof(w));

	if (n == 0)
		return 0;
	if (n != (ssize_t)sizeof(w))
		return werr_set(err, n < 0 ? errno : EPIPE, "read error from child");
	if (w.len >= WERR_MSG_MAX)
		w.len = WERR_MSG_MAX - 1;
	n = read_all(fd, err->msg, w.len);
	if (n < 0)
		n = 0;
	err->msg[n] = '\0';
	err->errnum = w.errnum;
	err->status = w.status;
	return 1;
}
