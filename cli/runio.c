/* runio.c - terminal and signals of a foreground `run` (see runio.h). */
#include "cli/runio.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/util.h"

/* What the CLI proxies (Podman proxies every signal but SIGCHLD, SIGPIPE
 * and SIGURG; job control stays the CLI's own here). */
static const int proxied[] = {SIGHUP,  SIGINT,	SIGQUIT, SIGUSR1,
			      SIGUSR2, SIGALRM, SIGTERM, SIGWINCH};

/* Signals that end the CLI by default: without --sig-proxy they end the
 * container, which cannot outlive its foreground CLI (no monitor yet). */
static const int ending[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM};

void run_io_check(const struct run_opts *o)
{
	if (o->tty && o->interactive && !isatty(STDIN_FILENO))
		log_warn("The input device is not a TTY. The --tty and --interactive flags might "
			 "not work properly"); /* Podman's words */
}

/* The size of fd's terminal; 24x80 when there is none or it says 0x0 (a
 * pty nobody sized): busybox's `stty size` fails on 0x0 (issue 5 item 13). */
static void term_size(int fd, unsigned short *rows, unsigned short *cols)
{
	struct winsize ws = {0};

	if (fd < 0 || ioctl(fd, TIOCGWINSZ, &ws) < 0 || ws.ws_row == 0 || ws.ws_col == 0)
		ws = (struct winsize){.ws_row = 24, .ws_col = 80};
	*rows = ws.ws_row;
	*cols = ws.ws_col;
}

static void on_signal(void *arg, const struct ctr_proc *p)
{
	struct run_io *r = arg;
	struct signalfd_siginfo si;
	struct werr ignore = {0};

	while (read(r->io.event_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		int sig = (int)si.ssi_signo;
		bool ends = false;

		if (sig == SIGWINCH && r->tty) {
			unsigned short rows, cols;
			term_size(r->term_fd, &rows, &cols);
			executor_resize(p, rows, cols, &ignore);
			continue;
		}
		if (r->sig_proxy) {
			executor_kill(p, sig, &ignore);
			continue;
		}
		for (size_t i = 0; i < ARRAY_SIZE(ending); i++)
			ends |= sig == ending[i];
		if (ends)
			executor_kill(p, SIGKILL, &ignore);
	}
}

static void block_signals(struct run_io *r)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(proxied); i++)
		sigaddset(&set, proxied[i]);
	if (sigprocmask(SIG_BLOCK, &set, &r->old) < 0)
		return;
	r->io.event_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (r->io.event_fd < 0) {
		log_warn("signalfd: %s: signals are not proxied to the container", strerror(errno));
		sigprocmask(SIG_SETMASK, &r->old, NULL);
		return;
	}
	r->blocked = true;
	r->io.on_event = on_signal;
	r->io.event_arg = r;
}

void run_io_begin(struct run_io *r, const struct run_opts *o)
{
	run_io_begin_flags(r, o->tty, o->interactive, o->sig_proxy);
}

void run_io_begin_flags(struct run_io *r, bool tty, bool interactive, bool sig_proxy)
{
	*r = (struct run_io){.io = {.in_fd = interactive ? STDIN_FILENO : -1,
				    .out_fd = STDOUT_FILENO,
				    .err_fd = STDERR_FILENO,
				    .event_fd = -1},
			     .tty = tty,
			     .sig_proxy = sig_proxy,
			     .term_fd = isatty(STDIN_FILENO)	? STDIN_FILENO
					: isatty(STDOUT_FILENO) ? STDOUT_FILENO
								: -1};
	if (tty)
		term_size(r->term_fd, &r->io.rows, &r->io.cols);
	/* keystrokes (^C too) go to the container's pty as they are typed;
	 * raw with -t alone too, as Podman does */
	if (tty && r->term_fd == STDIN_FILENO && tcgetattr(STDIN_FILENO, &r->saved) == 0) {
		struct termios raw = r->saved;
		cfmakeraw(&raw);
		r->raw = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
	}
	block_signals(r);
}

void run_io_end(struct run_io *r)
{
	struct signalfd_siginfo si;

	if (r->raw)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &r->saved);
	r->raw = false;
	if (!r->blocked)
		return;
	/* reading a signalfd dequeues: nothing left to hit us on unblock */
	while (read(r->io.event_fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		;
	close(r->io.event_fd);
	r->io.event_fd = -1;
	sigprocmask(SIG_SETMASK, &r->old, NULL);
	r->blocked = false;
}
