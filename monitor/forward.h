/* forward.h - the port forwarder of warren-monitor (issue 9): accepts on
 * the host-side listeners that warren bound before the container started
 * and connects each client to the container's port from inside its
 * network namespace. libc only, like the rest of the monitor. */
#ifndef WARREN_MONITOR_FORWARD_H
#define WARREN_MONITOR_FORWARD_H

#include <stdbool.h>
#include <sys/types.h>

/* A parameter line of the monitor: "fwd=PROTO:FD:CTRPORT:FAMILY" (proto
 * tcp or udp, FD the listening socket, FAMILY 4 or 6). Returns true when
 * the key was the forwarder's. */
bool fwd_param(const char *key, const char *val);

/* Opens the network namespace of pid (the container's init) and starts
 * watching the listeners. Returns the epoll fd to poll for POLLIN, -1
 * when there is nothing to forward (or it cannot: the listeners are
 * closed then, so that clients see a refusal rather than a hang). */
int fwd_start(pid_t pid);

/* Handles what the epoll fd has ready, and expires idle UDP flows. */
void fwd_dispatch(void);

/* The poll timeout the forwarder needs (ms): UDP flows expire; -1 none. */
int fwd_timeout(void);

/* Closes every listener and connection (the container has exited). */
void fwd_stop(void);

/* Forwarder-only mode (`warren run -p` in the foreground): the parameters
 * on fd 3 are pid= and fwd= lines; runs until SIGTERM or the death of its
 * parent. Returns the exit status. */
int fwd_main(void);

#endif
