/* api.h - the REST API service (`warren system service`): a second front
 * end over the same engine calls as cli/ (DESIGN.md). The Docker Engine
 * API (v1.41 shapes, paths with or without a /v1.xx prefix, /libpod/ for
 * the handlers whose shapes match) on a unix socket. */
#ifndef WARREN_API_H
#define WARREN_API_H

#include <stddef.h>

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

/* Serves one connection on fd (a socketpair's end: `system dial-stdio`
 * when no service listens) as a service's child would, then exits. */
void api_serve_conn(struct engine *e, const struct api_opts *o, int fd) __attribute__((noreturn));

/* The frames of POST /warren/cli (api_cli.c), both ways: 8 bytes (type,
 * 0, 0, 0, big-endian length) then the payload. In: the client's stdin
 * (length 0: its end), a resize (rows, cols: big-endian 16 bits each), a
 * signal (1 byte) for the command. Out: the command's stdout and stderr,
 * a file of the request's "Files" that the command wrote (4 bytes,
 * big-endian: the file's index in "Files"; then a piece of its bytes, in
 * order; at least one frame per file), then its exit status (4 bytes,
 * big-endian), the last frame. */
enum api_cli_frame {
	API_CLI_STDIN = 0,
	API_CLI_STDOUT = 1,
	API_CLI_STDERR = 2,
	API_CLI_EXIT = 3,
	API_CLI_RESIZE = 4,
	API_CLI_SIGNAL = 5,
	API_CLI_FILE = 6,
};
#define API_CLI_FRAME_MAX 65536
/* Fills a frame's 8-byte head; -1 for a type or length out of range. */
int api_cli_frame_head(unsigned char h[8], int type, size_t n);

/* Frames as they come from a stream (one may arrive in pieces). */
struct api_frames {
	unsigned char buf[8 + API_CLI_FRAME_MAX]; /* type buf[0], payload buf + 8 */
	size_t have;
};
/* Reads from fd toward the next frame (one read): 1 when f holds a whole
 * one (its payload length in *len; set f->have to 0 when done with it), 0
 * when more is to come, -1 at the end of the stream or an error, -2 for a
 * frame longer than API_CLI_FRAME_MAX. */
int api_frame_read(int fd, struct api_frames *f, size_t *len);

#endif
