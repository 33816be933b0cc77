/* executor_wait.c - executor_wait: a signalfd (SIGCHLD) + poll loop that
 * reaps the container, copies its pty to and from the caller's fds and
 * serves the caller's event fd. No terminal and no fd 0-2 of our own are
 * touched here: the caller passes what the container is attached to. */
#include "runtime/executor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "lib/util.h"

struct waiter {
	struct ctr_proc *p;
	const struct exec_io *io;
	int sfd;
	bool pty, in_eof, master_eof, exited;
	bool out_gone; /* the caller's out_fd went away (EPIPE) */
	int pipes[2];  /* the tee's stdout and stderr pipes, -1 at their end */
	int status;
	int wait_errno;
};

int executor_kill(const struct ctr_proc *p, int sig, struct werr *err)
{
	if (p->pid <= 0)
		return werr_set(err, ESRCH, "signal the container: it does not run");
	if (kill(p->pid, sig) < 0)
		return werr_set(err, errno, "send signal %d to process %d", sig, (int)p->pid);
	return 0;
}

int executor_resize(const struct ctr_proc *p, unsigned short rows, unsigned short cols,
		    struct werr *err)
{
	struct winsize ws = {.ws_row = rows, .ws_col = cols};

	if (p->pty_master < 0)
		return werr_set(err, ENOTTY, "resize the container's terminal: it has none");
	if (ioctl(p->pty_master, TIOCSWINSZ, &ws) < 0)
		return werr_set(err, errno, "resize the container's terminal");
	return 0;
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

/* Empties the signalfd; any SIGCHLD means: look at our child. */
static int read_signals(struct waiter *w, struct werr *err)
{
	struct signalfd_siginfo si;
	ssize_t n;

	while ((n = read(w->sfd, &si, sizeof(si))) == (ssize_t)sizeof(si))
		;
	if (n < 0 && errno != EAGAIN && errno != EINTR)
		return werr_set(err, errno, "read signalfd");
	check_child(w);
	return 0;
}

/* The pty's output to the caller, and to the tee. */
static void put_master(struct waiter *w, const char *buf, size_t n)
{
	const struct exec_tee *t = w->io->tee;

	if (w->io->out_fd >= 0 && !w->out_gone && write_all(w->io->out_fd, buf, n) < 0 &&
	    errno == EPIPE && t != NULL)
		w->out_gone = true;
	if (t != NULL)
		t->on_output(t->arg, false, buf, n);
}

/* Copies what the master has to the caller's output. */
static void copy_master(struct waiter *w)
{
	char buf[16384];
	ssize_t n = read(w->p->pty_master, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		w->master_eof = true; /* EIO: every slave fd is closed */
		return;
	}
	put_master(w, buf, (size_t)n);
}

/* Copies what the tee's pipe i (0 stdout, 1 stderr) has to the caller's
 * fd and the tee; at its end (or when the caller's fd went away, so that
 * the container gets its SIGPIPE) closes it. */
static void copy_pipe(struct waiter *w, int i)
{
	const struct exec_tee *t = w->io->tee;
	int to = i == 0 ? w->io->out_fd : w->io->err_fd;
	char buf[16384];
	ssize_t n = read(w->pipes[i], buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n > 0 && to >= 0 && write_all(to, buf, (size_t)n) < 0 && errno == EPIPE)
		n = 0;
	else if (n > 0)
		t->on_output(t->arg, i == 1, buf, (size_t)n);
	if (n <= 0) {
		close(w->pipes[i]);
		w->pipes[i] = -1;
	}
}

/* After the exit: what is left in the tee's pipes (only a process the
 * container left behind could write more: not waited for). */
static void drain_pipes(struct waiter *w)
{
	for (int i = 0; i < 2; i++) {
		int fl = w->pipes[i] >= 0 ? fcntl(w->pipes[i], F_GETFL) : -1;

		if (fl >= 0)
			fcntl(w->pipes[i], F_SETFL, fl | O_NONBLOCK);
		for (int k = 0; k < 1024 && w->pipes[i] >= 0; k++) {
			struct pollfd p = {.fd = w->pipes[i], .events = POLLIN};
			if (poll(&p, 1, 0) <= 0)
				break;
			copy_pipe(w, i);
		}
	}
}

static void copy_in(struct waiter *w)
{
	char buf[4096];
	ssize_t n = read(w->io->in_fd, buf, sizeof(buf));
	struct termios t;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n > 0) {
		write_all(w->p->pty_master, buf, (size_t)n);
		return;
	}
	/* the caller's input ended: the container's sees end-of-file too (^D) */
	w->in_eof = true;
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
		put_master(w, buf, (size_t)n);
	}
}

/* Adds fd to the poll set when wanted; returns its index or -1. */
static int watch(struct pollfd *fds, nfds_t *n, bool want, int fd)
{
	if (!want || fd < 0)
		return -1;
	fds[*n] = (struct pollfd){.fd = fd, .events = POLLIN};
	return (int)(*n)++;
}

static int loop(struct waiter *w, struct werr *err)
{
	const struct exec_io *io = w->io;

	check_child(w); /* it may have exited before SIGCHLD was blocked */
	while (!w->exited) {
		struct pollfd fds[6] = {{.fd = w->sfd, .events = POLLIN}};
		nfds_t n = 1;
		int mi = watch(fds, &n, w->pty && !w->master_eof, w->p->pty_master);
		int ii = watch(fds, &n, w->pty && !w->in_eof, io->in_fd);
		int ei = watch(fds, &n, io->on_event != NULL, io->event_fd);
		int oi = watch(fds, &n, true, w->pipes[0]);
		int ri = watch(fds, &n, true, w->pipes[1]);

		if (poll(fds, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			return werr_set(err, errno, "poll");
		}
		if (fds[0].revents && read_signals(w, err) < 0)
			return -1;
		if (mi >= 0 && fds[mi].revents)
			copy_master(w);
		if (ii >= 0 && fds[ii].revents)
			copy_in(w);
		if (ei >= 0 && fds[ei].revents)
			io->on_event(io->event_arg, w->p);
		if (oi >= 0 && fds[oi].revents)
			copy_pipe(w, 0);
		if (ri >= 0 && fds[ri].revents)
			copy_pipe(w, 1);
	}
	if (w->pty)
		drain_master(w);
	drain_pipes(w);
	return 0;
}

int executor_wait(struct ctr_proc *p, const struct exec_io *io, int *exit_code, struct werr *err)
{
	struct waiter w = {
	    .p = p,
	    .io = io,
	    .pty = p->pty_master >= 0,
	    .pipes = {io->tee ? io->tee->out_pipe : -1, io->tee ? io->tee->err_pipe : -1}};
	struct sigaction ign = {.sa_handler = SIG_IGN}, old_pipe;
	sigset_t set, old;
	int rc;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, &old) < 0)
		return werr_set(err, errno, "block SIGCHLD");
	w.sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (w.sfd < 0) {
		rc = werr_set(err, errno, "signalfd");
		sigprocmask(SIG_SETMASK, &old, NULL);
		return rc;
	}
	if (io->tee != NULL)
		sigaction(SIGPIPE, &ign, &old_pipe);
	rc = loop(&w, err);
	if (io->tee != NULL)
		sigaction(SIGPIPE, &old_pipe, NULL);
	for (int i = 0; i < 2; i++)
		if (w.pipes[i] >= 0)
			close(w.pipes[i]);
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
