/* detach.h - detached containers: started under a monitor of their own
 * (monitor/monitor.c, the program warren-monitor), which owns their
 * stdio, writes their log, and runs `warren container cleanup` when they
 * exit. No daemon: one small process per running container. */
#ifndef WARREN_DETACH_H
#define WARREN_DETACH_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine/engine.h"
#include "lib/err.h"
#include "runtime/container.h"
#include "runtime/ports.h"

enum log_driver { LOG_K8S_FILE, LOG_NONE, LOG_PASSTHROUGH };

struct detach_opts {
	bool interactive; /* -i: a stdin pipe stays open (for attach) */
	bool tty;	  /* -t: the container gets a pty; its master goes to the monitor */
	enum log_driver log_driver;
	long long log_max; /* --log-opt max-size in bytes, 0: unlimited */
	/* set by container_detach: the published ports' listeners, bound
	 * before the container starts, for the monitor's forwarder */
	const struct port_listener *ports;
	size_t nports;
	bool attach_hold;	   /* start -a: the monitor holds the output (and the end)
				      until the caller has attached to it */
	pid_t hold_pid;		   /* that caller (0: unknown): the hold lasts while it
				      lives, not a fixed time */
	uint64_t hold_start;	   /* its start time (proc_start_time) */
	unsigned short rows, cols; /* the pty's size at the start (0: 24x80) */
};

/* The detach options of `run -d` (passthrough logging needs a terminal
 * that a detached container does not have: an error). */
int detach_opts_from_run(const struct run_opts *o, struct detach_opts *d, struct werr *err);

/* The detach options c was created with (its Tty, OpenStdin, LogConfig). */
void detach_opts_from_container(const struct container_rec *c, struct detach_opts *d);

/* Starts c (created, its lock held by the caller) in a new session under
 * a monitor and returns once its process has exec'd. The lock then
 * belongs to the monitor: c->lock is closed here (not released). When the
 * container cannot start, it is settled as container_start does (removed
 * with --rm, else exited with the error's code), its lock released, and -1
 * returned with err's status 125, 126 or 127. */
int container_detach(struct engine *e, struct ctr_owned *c, const struct detach_opts *o,
		     struct werr *err);

/* Path of a container's k8s-file log (malloc'd). */
char *container_log_path(struct engine *e, const char *id);

/* Path of the warren-monitor program: beside this binary (a build tree),
 * else ../libexec/warren/ from it (an install), else NULL with err set. */
char *monitor_path(struct werr *err);

/* argv of this warren binary with the global options that reach this
 * engine's store (--root, --runroot, --storage-driver, --storage-opt),
 * then the words of tail (NULL-terminated); malloc'd strv. */
char **engine_self_argv(struct engine *e, const char *const *tail, struct werr *err);

#endif
