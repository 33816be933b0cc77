/* executor_wait.c - executor_wait: a signalfd + poll loop that forwards
 * signals to the container, copies the pty both ways and reaps the child. */
#include "runtime/executor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};

/* Signals that kill by default but that the kernel drops for a pid
 * namespace's init without a handler. */
static const int terminating[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

struct waiter {
	struct ctr_proc *p;
	int sfd;
	bool pty, copy_stdin, stdin_eof, master_eof, exited;
	int status;
	int wait_errno;
	bool raw;
	struct termios saved;
};

/* SigCgt of /proc/PID/status: the signals pid has a handler for. */
static uint64_t caught_signals(pid_t pid)
{
	char path[64], buf[4096];
	cleanup_close int fd = -1;
	ssize_t n;
	const char *l;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read_all(fd, buf, sizeof(buf) - 1)) <= 0)
		return 0;
	buf[n] = '\0';
	l = strstr(buf, "\nSigCgt:");
	return l != NULL ? strtoull(l + 8, NULL, 16) : 0;
}

static void forward(struct waiter *w, int sig)
{
	if (sig == SIGWINCH && w->pty) {
		struct winsize ws;
		/* the kernel signals the container's foreground group itself */
		if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
			ioctl(w->p->pty_master, TIOCSWINSZ, &ws);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(terminating); i++)
		if (sig == terminating[i] && !(caught_signals(w->p->pid) & (1ULL << (sig - 1))))
			sig = SIGKILL;
	kill(w->p->pid, sig);
}

static void check_child(struct waiter *w)
{
	int st;
	pid_t r;

	if (w->exited)
		return;
	do
		r = waitpid(w->p->pid, &st, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == w->p->pid) {
		w->exited = true;
		w->status = st;
	} else if (r < 0) {
		w->exited = true; /* ECHILD: someone else reaped it */
		w->wait_errno = errno;
	}
}

static int read_signals(struct waiter *w, struct werr *err)
{
	struct signalfd_siginfo si;
	ssize_t n;

	while ((n = read(w->sfd, &si, sizeof(si))) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			check_child(w);
		else
			forward(w, (int)si.ssi_signo);
	}
	if (n < 0 && errno != EAGAIN && errno != EINTR)
		return werr_set(err, errno, "read signalfd");
	return 0;
}

/* Copies what the master has to stdout; false once it is closed. */
static bool copy_master(struct waiter *w)
{
	char buf[16384];
	ssize_t n = read(w->p->pty_master, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0) {
		w->master_eof = true; /* EIO: every slave fd is closed */
		return false;
	}
	write_all(STDOUT_FILENO, buf, (size_t)n);
	return true;
}

static void copy_stdin(struct waiter *w)
{
	char buf[4096];
	ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
	struct termios t;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n > 0) {
		write_all(w->p->pty_master, buf, (size_t)n);
		return;
	}
	/* our stdin ended: the container's sees end-of-file too (^D) */
	w->stdin_eof = true;
	if (tcgetattr(w->p->pty_master, &t) == 0)
		write_all(w->p->pty_master, &t.c_cc[VEOF], 1);
}

static void drain_master(struct waiter *w)
{
	int fl = fcntl(w->p->pty_master, F_GETFL);

	if (fl >= 0)
		fcntl(w->p->pty_master, F_SETFL, fl | O_NONBLOCK);
	while (!w->master_eof) {
		char buf[16384];
		ssize_t n = read(w->p->pty_master, buf, sizeof(buf));
		if (n <= 0)
			break;
		write_all(STDOUT_FILENO, buf, (size_t)n);
	}
}

static void term_setup(struct waiter *w)
{
	struct termios raw;
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(w->p->pty_master, TIOCSWINSZ, &ws);
	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &w->saved) < 0)
		return;
	raw = w->saved;
	cfmakeraw(&raw);
	if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0)
		w->raw = true;
}

static int loop(struct waiter *w, struct werr *err)
{
	check_child(w); /* it may have exited before SIGCHLD was blocked */
	while (!w->exited) {
		struct pollfd fds[3] = {{.fd = w->sfd, .events = POLLIN}};
		nfds_t n = 1;
		int master_i = -1, stdin_i = -1;

		if (w->pty && !w->master_eof) {
			master_i = (int)n;
			fds[n++] = (struct pollfd){.fd = w->p->pty_master, .events = POLLIN};
		}
		if (w->pty && w->copy_stdin && !w->stdin_eof) {
			stdin_i = (int)n;
			fds[n++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
		}
		if (poll(fds, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			return werr_set(err, errno, "poll");
		}
		if (fds[0].revents && read_signals(w, err) < 0)
			return -1;
		if (master_i >= 0 && fds[master_i].revents)
			copy_master(w);
		if (stdin_i >= 0 && fds[stdin_i].revents)
			copy_stdin(w);
	}
	if (w->pty)
		drain_master(w);
	return 0;
}

int executor_wait(struct ctr_proc *p, bool interactive, int *exit_code, struct werr *err)
{
	struct waiter w = {.p = p, .pty = p->pty_master >= 0, .copy_stdin = interactive};
	sigset_t set, old;
	int rc;

	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(&set, forwarded[i]);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, &old) < 0)
		return werr_set(err, errno, "block signals");
	w.sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (w.sfd < 0) {
		rc = werr_set(err, errno, "signalfd");
		sigprocmask(SIG_SETMASK, &old, NULL);
		return rc;
	}
	if (w.pty)
		term_setup(&w);
	rc = loop(&w, err);
	if (w.raw)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &w.saved);
	/* signals that came too late to forward must not hit us on unblock */
	{
		struct signalfd_siginfo si;
		while (read(w.sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			;
	}
	close(w.sfd);
	if (p->pty_master >= 0) {
		close(p->pty_master);
		p->pty_master = -1;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (rc < 0)
		return -1;
	if (w.wait_errno != 0)
		return werr_set(err, w.wait_errno, "wait for container process %d", (int)p->pid);
	if (WIFSIGNALED(w.status))
		*exit_code = 128 + WTERMSIG(w.status);
	else
		*exit_code = WEXITSTATUS(w.status);
	return 0;
}
