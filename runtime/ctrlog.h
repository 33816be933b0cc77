/* ctrlog.h - reading a container's k8s-file log, written by its monitor
 * or by the CLI that runs it in the foreground (monitor/k8sfile.c): lines
 * "<RFC 3339 time> stdout|stderr F|P <data>", F ending a line of output,
 * P a part of one that goes on. */
#ifndef WARREN_CTRLOG_H
#define WARREN_CTRLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "lib/err.h"
#include "storage/store.h"

struct log_opts {
	bool follow;	    /* -f: until the container exits */
	bool timestamps;    /* -t */
	int64_t since;	    /* ns since the epoch, 0: from the start */
	int64_t until;	    /* 0: no end */
	long tail;	    /* the last N lines, -1: all */
	const char *prefix; /* "name " before each line (--names), NULL: none */
	/* the REST API's: Docker's multiplexed stream, both streams to out_fd,
	 * every write behind an 8-byte header (1 stdout or 2 stderr, three
	 * zero bytes, the length big-endian) */
	bool framed;
	bool no_stdout, no_stderr; /* leave a stream out (stdout=0, stderr=0) */
};

/* One parsed log line; pointers into the caller's buffer. */
struct log_line {
	int64_t time;	/* ns since the epoch */
	const char *ts; /* the time as written */
	size_t ts_len;
	bool err;	  /* stderr */
	bool partial;	  /* P: the output line goes on in the next entry */
	const char *data; /* without the newline */
	size_t len;
};

/* Parses one log line (without its '\n'). 0, or -1 when malformed. */
int ctrlog_parse(const char *s, size_t n, struct log_line *out);

/* Writes c's log to out_fd and err_fd as o says. A container with no log
 * (--log-driver none or passthrough): Podman's "this container is using
 * the 'none' log driver, cannot read logs: this container is not logging
 * output". */
int container_logs(struct engine *e, const struct container_rec *c, const struct log_opts *o,
		   int out_fd, int err_fd, struct werr *err);

/* --since/--until: RFC 3339, Unix seconds ("1700000000.5"), or a Go
 * duration before now ("10m", "1h30m", "2.5s"). 0, or -1 when malformed. */
int ctrlog_parse_time(const char *s, int64_t now, int64_t *out);

#endif
