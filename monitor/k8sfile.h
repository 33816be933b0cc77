/* k8sfile.h - the writer of a container's k8s-file log, the format
 * Podman's conmon writes and `logs` reads (runtime/ctrlog.c): lines
 * "<RFC 3339 time> stdout|stderr F|P <data>", F ending a line of output,
 * P a part of one that goes on. libc only: both the monitor of a detached
 * container and the CLI of a foreground one (runtime/fglog.c) write it. */
#ifndef WARREN_K8SFILE_H
#define WARREN_K8SFILE_H

#include <stddef.h>

struct k8s_log {
	int fd;		/* -1: no log */
	long long max;	/* truncate when it would grow past this (0: never) */
	long long size; /* what it holds */
};

/* Opens (creates, appends to) the log at path; l->fd is -1 when that
 * fails. max as in struct k8s_log. */
void k8s_log_open(struct k8s_log *l, const char *path, long long max);

/* Appends one read's worth of a stream's output ("stdout" or "stderr"):
 * each whole line as an F entry, the rest (no newline yet) as a P entry,
 * all with the time of now. Failures are dropped: the log never stops
 * the container. */
void k8s_log_write(struct k8s_log *l, const char *stream, const char *buf, size_t n);

/* Writes all n bytes of buf to fd, again after EINTR and short writes;
 * gives up quietly on an error (a full disk, a closed pipe). The monitor
 * writes the container's stdin and its own notes with it too. */
void fd_write_full(int fd, const char *buf, size_t n);

/* Closes the log (l->fd becomes -1). */
void k8s_log_close(struct k8s_log *l);

#endif
