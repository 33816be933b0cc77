/* attach.c - the client end of a monitor's attach socket (see attach.h). */
#include "runtime/attach.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"

char *attach_dir(struct engine *e)
{
	return xasprintf("%s/attach", e->runroot);
}

int container_attach_connect(struct engine *e, const char *id, struct werr *err)
{
	cleanup_free char *dir = attach_dir(e);
	cleanup_close int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int fd = -1;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	if (dfd < 0)
		return werr_set(err, 0, "you can only attach to running containers");
	/* through the dir's fd: a long runroot still fits sun_path */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%.64s", dfd, id);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return werr_set(err, errno, "socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			return werr_set(err, 0, "you can only attach to running containers");
		return werr_set(err, errno, "connect to the monitor of %.12s", id);
	}
	return steal_fd(&fd);
}

int attach_parse_keys(const char *spec, unsigned char *keys, int max)
{
	int n = 0;
	const char *p = spec;

	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		unsigned char k;

		if (len == 1) {
			k = (unsigned char)p[0];
		} else if (len == 6 && strncmp(p, "ctrl-", 5) == 0) {
			char c = p[5];
			if (c >= 'a' && c <= 'z')
				k = (unsigned char)(c - 'a' + 1);
			else if (c == '@')
				k = 0;
			else if (c == '[' || c == '\\' || c == ']' || c == '^' || c == '_')
				k = (unsigned char)(c - '@');
			else
				return -1;
		} else {
			return -1;
		}
		if (n >= max)
			return -1;
		keys[n++] = k;
		p += len;
		if (*p == ',') {
			p++;
			if (*p == '\0')
				return -1;
		}
	}
	return n;
}
