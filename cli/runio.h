/* runio.h - the foreground `run`'s end of its container's stdio: the real
 * terminal (raw mode, window size, SIGWINCH) and the signals the CLI gets
 * (--sig-proxy). Only cli/ touches the terminal; the engine gets fds, a
 * window size and an event fd with its callback (runtime/executor.h). */
#ifndef WARREN_CLI_RUNIO_H
#define WARREN_CLI_RUNIO_H

#include <signal.h>
#include <stdbool.h>
#include <termios.h>

#include "runtime/executor.h"
#include "runtime/spec.h"

struct run_io {
	struct exec_io io; /* for container_start and container_wait */
	bool tty, sig_proxy;
	int term_fd; /* the terminal whose size the pty follows, -1: none */
	bool raw;    /* term_fd is in raw mode; saved is its old mode */
	struct termios saved;
	bool blocked; /* the proxied signals are blocked; old is the old mask */
	sigset_t old;
};

/* Before the container is created: Podman's warning for -t -i without a
 * terminal on stdin. */
void run_io_check(const struct run_opts *o);

/* Right before container_start: the fds (stdin only with -i), the pty
 * size, the terminal raw for -t, and the signals to proxy blocked and
 * routed to io.event_fd. Never fails: without a signalfd the signals keep
 * their default effect (a warning says so). */
void run_io_begin(struct run_io *r, const struct run_opts *o);
/* The same from the flags: -t, -i, --sig-proxy (exec has no run_opts). */
void run_io_begin_flags(struct run_io *r, bool tty, bool interactive, bool sig_proxy);

/* Restores the terminal mode and the signal mask; signals that came after
 * the container ended are dropped. */
void run_io_end(struct run_io *r);

#endif
