/* fglog.h - the k8s-file log of a container that runs in the foreground
 * of its caller (`run` without -d): Podman logs every container's output,
 * so container_start routes it through pipes that container_wait copies
 * both to the caller's fds and into the log (with a pty: what the pty
 * prints, all as stdout, as Podman does). Detached containers are logged
 * by their monitor instead (monitor/monitor.c). */
#ifndef WARREN_FGLOG_H
#define WARREN_FGLOG_H

#include "engine/engine.h"
#include "monitor/k8sfile.h"
#include "runtime/executor.h"
#include "storage/store.h"

struct ctr_fglog {
	struct k8s_log log;
	int out[2], err[2]; /* the stdout and stderr pipes (none with a pty) */
	struct exec_tee tee;
};

/* The log of c for its start, or NULL when it keeps none: --rm (nobody
 * could read it after the run, and `run --rm` is the path whose speed
 * counts), --log-driver none or passthrough. Without a pty, xo's stdout
 * and stderr become the pipes' write ends. Never fails: a log that cannot
 * be opened is a warning, and the output goes straight to the caller. */
struct ctr_fglog *fglog_begin(struct engine *e, const struct container_rec *c,
			      struct exec_opts *xo);

/* Once the container has started (or failed to): our write ends closed,
 * so that the pipes end with the container's output. */
void fglog_started(struct ctr_fglog *l);

/* io for executor_wait with the log's tee (copied into *out); executor_wait
 * closes the pipes' read ends. */
void fglog_io(struct ctr_fglog *l, const struct exec_io *io, struct exec_io *out);

/* Closes what is left and frees l (NULL: nothing). */
void fglog_free(struct ctr_fglog *l);

#endif
