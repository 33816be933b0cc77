/* api.h - the REST API service (`warren system service`): a second front
 * end over the same engine calls as cli/ (DESIGN.md). The Docker Engine
 * API (v1.41 shapes, paths with or without a /v1.xx prefix, /libpod/ for
 * the handlers whose shapes match) on a unix socket. */
#ifndef WARREN_API_H
#define WARREN_API_H

#include "engine/engine.h"
#include "lib/err.h"

struct api_opts {
	const char *uri;     /* unix:///path or tcp://127.0.0.1:PORT; NULL: the default */
	int idle;	     /* seconds without a request before it exits; 0: never */
	const char *version; /* warren's version, for /version, /info and Server */
};

/* The default socket path: <userrun>/warren.sock (rootless
 * $XDG_RUNTIME_DIR/warren/warren.sock, root /run/warren/warren.sock),
 * malloc'd. */
char *api_default_socket(const struct engine *e);

/* Serves until SIGTERM or SIGINT, or o->idle seconds without a request in
 * flight. The listening socket: the one handed over by socket activation
 * (LISTEN_FDS, LISTEN_PID), else o->uri's (a unix socket made 0600, a
 * stale one replaced only when nobody listens on it). Runs outside the
 * user namespace; each connection gets a forked process that joins it and
 * serves the connection's requests. A peer of another uid (SO_PEERCRED;
 * root is let in) is refused. Returns 0 after a clean shutdown, -1 with
 * err set when it cannot listen. */
int api_serve(struct engine *e, const struct api_opts *o, struct werr *err);

#endif
