/* portfwd.h - published ports at a container's start: the host listeners
 * are bound before the container runs (a taken or privileged port fails
 * the start, nothing runs), then handed to the forwarder: the monitor of a
 * detached container (runtime/detach.c), or for a foreground run a
 * forwarder-only warren-monitor ("warren-forward") that lives as long as
 * the container (monitor/forward.h). */
#ifndef WARREN_PORTFWD_H
#define WARREN_PORTFWD_H

#include <stddef.h>
#include <sys/types.h>

#include "lib/err.h"
#include "runtime/container.h"
#include "runtime/ports.h"

/* Binds the listeners of c's stored port maps; *n 0 without any. On
 * error (status 126, Podman's) nothing is left open. */
int portfwd_listen(const struct container_rec *c, struct port_listener **l, size_t *n,
		   struct werr *err);

/* Starts the forwarder-only monitor for the container whose init is
 * ctr_pid, giving it the listeners (the caller closes its copies).
 * Returns its pid, 0 when there is nothing to forward, -1 with err. */
pid_t portfwd_spawn(pid_t ctr_pid, const struct port_listener *l, size_t n, struct werr *err);

/* Ends and reaps the forwarder *pid (when > 0); *pid becomes 0. */
void portfwd_end(pid_t *pid);

#endif
