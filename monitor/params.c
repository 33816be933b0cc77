/* params.c - reading the monitor's parameters (see params.h). */
#include "monitor/params.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define PARAMS_FD 3

int params_read(char *buf, size_t max)
{
	size_t len = 0;
	ssize_t r;

	while (len < max && (r = read(PARAMS_FD, buf + len, max - len)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		len += (size_t)r;
	}
	close(PARAMS_FD);
	buf[len] = '\0';
	return 0;
}

char *params_next(char **cursor, char **val)
{
	while (*cursor != NULL && **cursor != '\0') {
		char *line = *cursor, *eq, *next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		*cursor = next;
		eq = strchr(line, '=');
		if (eq == NULL)
			continue;
		*eq = '\0';
		*val = eq + 1;
		return line;
	}
	return NULL;
}
