/* container_exec.h - exec: a new process in a running container, as
 * `podman exec` runs one. */
#ifndef WARREN_CONTAINER_EXEC_H
#define WARREN_CONTAINER_EXEC_H

#include <stdbool.h>

#include "engine/engine.h"
#include "lib/err.h"
#include "runtime/executor.h"

struct ctr_exec_opts {
	char *const *cmd;    /* the command and its arguments */
	char *const *env;    /* "K=V" set over the container's env */
	const char *user;    /* -u USER[:GROUP] resolved in the container; NULL: its own */
	const char *workdir; /* -w, absolute; NULL: the container's */
	bool tty;	     /* a pty from the container's devpts (its master in out) */
	bool privileged;     /* every capability */
	bool detach;	     /* it outlives us: no tty, stdio /dev/null, nobody waits */
	char *session_id;    /* out (65 bytes): the id of the exec session recorded
				for inspect's ExecIDs (execsess.h); NULL: none */
};

/* Starts o->cmd in the running container ref (name, id or id prefix;
 * NULL: the one created last), its stdio io's fds (or with o->tty a pty
 * sized io->rows x io->cols). out gets the process: wait for it with
 * executor_wait (not when detached). Podman's errors, status 125: "no
 * container with name or ID "x" found: no such container", "can only
 * create exec sessions on running containers: container state improper";
 * 126 and 127 as executor_start's. */
int container_exec(struct engine *e, const char *ref, const struct ctr_exec_opts *o,
		   const struct exec_io *io, struct ctr_proc *out, struct werr *err);

struct container_rec;
/* The same for a container already looked up (c as container_lookup
 * gave it): no store access, so that a forked child may call it. */
int container_exec_rec(struct engine *e, const struct container_rec *c,
		       const struct ctr_exec_opts *o, const struct exec_io *io,
		       struct ctr_proc *out, struct werr *err);

#endif
