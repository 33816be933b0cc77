/* warren attach */
#include "cli/cli.h"
#include "lib/cleanup.h"
#include "lib/signame.h"
#include "lib/util.h"
#include "runtime/attach.h"
#include "runtime/container.h"
#include "runtime/detach.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

struct attach_opts {
	bool no_stdin, sig_proxy;
	const char *detach_keys;
};

static const struct opt attach_tab[] = {
    OPT_BOOL("no-stdin", 0, struct attach_opts, no_stdin),
    OPT_BOOL("sig-proxy", 0, struct attach_opts, sig_proxy),
    OPT_STR("detach-keys", 0, struct attach_opts, detach_keys),
    OPT_TABLE_END,
};

static void attach_init(void *o)
{
	((struct attach_opts *)o)->sig_proxy = true;
}

const struct optspec cli_attach_opts = {attach_tab, sizeof(struct attach_opts), false, attach_init,
					NULL};

/* The client's state: the socket, what it forwards, the detach keys. */
struct att {
	int sock, sfd;
	bool tty, stdin_open;
	unsigned char keys[16];
	int nkeys, matched; /* detach keys: how many matched so far */
	struct container_rec *c;
	bool sig_proxy;
};

static void send_resize(struct att *a)
{
	struct winsize ws = {0};
	char pkt[1 + 2 * sizeof(uint16_t)];
	uint16_t v[2];

	if (!a->tty || ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) < 0 || ws.ws_row == 0)
		return;
	pkt[0] = ATTACH_RESIZE;
	v[0] = ws.ws_row;
	v[1] = ws.ws_col;
	memcpy(pkt + 1, v, sizeof(v));
	send(a->sock, pkt, sizeof(pkt), MSG_NOSIGNAL);
}

/* Our stdin to the container; true when the detach keys were typed. */
static bool forward_stdin(struct att *a)
{
	char pkt[ATTACH_PACKET_MAX];
	ssize_t n = read(STDIN_FILENO, pkt + 1, sizeof(pkt) - 1);
	size_t out = 1;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return false;
	if (n <= 0) {
		char eof = ATTACH_EOF;
		send(a->sock, &eof, 1, MSG_NOSIGNAL);
		a->stdin_open = false;
		return false;
	}
	/* the detach keys are held back until they do not match after all */
	for (ssize_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)pkt[1 + i];
		if (a->nkeys > 0 && ch == a->keys[a->matched]) {
			if (++a->matched == a->nkeys)
				return true;
			continue;
		}
		for (int k = 0; k < a->matched; k++)
			pkt[out++] = (char)a->keys[k];
		a->matched = 0;
		pkt[out++] = (char)ch;
	}
	pkt[0] = ATTACH_STDIN;
	if (out > 1)
		send(a->sock, pkt, out, MSG_NOSIGNAL);
	return false;
}

/* A packet of output; false at the end (the container exited). */
static bool forward_output(struct att *a)
{
	char pkt[ATTACH_PACKET_MAX];
	ssize_t n = recv(a->sock, pkt, sizeof(pkt), 0);

	if (n < 0 && errno == EINTR)
		return true;
	if (n <= 0)
		return false;
	write_all(pkt[0] == ATTACH_STDERR ? STDERR_FILENO : STDOUT_FILENO, pkt + 1, (size_t)n - 1);
	return true;
}

static void on_signals(struct att *a, struct engine *e)
{
	struct signalfd_siginfo si;
	struct werr ignore = {0};

	while (read(a->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGWINCH)
			send_resize(a);
		else if (a->sig_proxy && !a->tty)
			container_kill(e, a->c, (int)si.ssi_signo, &ignore);
	}
}

/* The loop: 1 detached, 0 the container exited. */
static int attach_loop(struct engine *e, struct att *a)
{
	for (;;) {
		struct pollfd p[3] = {{a->sock, POLLIN, 0},
				      {a->stdin_open ? STDIN_FILENO : -1, POLLIN, 0},
				      {a->sfd, POLLIN, 0}};
		if (poll(p, 3, -1) < 0 && errno != EINTR)
			return 0;
		if (p[2].revents)
			on_signals(a, e);
		if (p[1].revents && forward_stdin(a))
			return 1;
		if (p[0].revents && !forward_output(a))
			return 0;
	}
}

static int attach_run(struct engine *e, const struct attach_opts *o, struct container_rec *c,
		      struct werr *err)
{
	struct detach_opts d;
	struct att a = {.sock = -1, .sfd = -1, .c = c, .sig_proxy = o->sig_proxy};
	struct termios saved;
	bool raw = false;
	sigset_t set, old;
	int r, code;

	detach_opts_from_container(c, &d);
	a.tty = d.tty && isatty(STDIN_FILENO);
	a.stdin_open = d.interactive && !o->no_stdin;
	a.nkeys = attach_parse_keys(o->detach_keys ? o->detach_keys : "ctrl-p,ctrl-q", a.keys,
				    (int)sizeof(a.keys));
	if (a.nkeys < 0)
		return werr_set(err, 0, "invalid detach keys: %s", o->detach_keys);
	a.sock = container_attach_connect(e, c->id, err);
	if (a.sock < 0)
		return -1;
	sigemptyset(&set);
	for (int s = SIGHUP; s <= SIGTERM; s++)
		if (s != SIGKILL && s != SIGSEGV && s != SIGBUS && s != SIGFPE && s != SIGILL)
			sigaddset(&set, s);
	sigaddset(&set, SIGWINCH);
	sigprocmask(SIG_BLOCK, &set, &old);
	a.sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (a.tty && tcgetattr(STDIN_FILENO, &saved) == 0) {
		struct termios t = saved;
		cfmakeraw(&t);
		raw = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
	}
	send_resize(&a);
	r = attach_loop(e, &a);
	if (raw)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
	close(a.sock);
	if (a.sfd >= 0)
		close(a.sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (r == 1)
		return 0; /* detached: it runs on */
	if (container_wait_exit(e, c->id, &code, err) < 0)
		return werr_status(err, 125);
	return code;
}

int cmd_attach(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct attach_opts *o = opts;
	struct container_rec c = {0};
	int r;

	if (args[0] == NULL || args[1] != NULL) {
		werr_set(err, 0, "attach requires the name or id of one running container");
		return werr_status(err, 125);
	}
	r = container_lookup(e, args[0], &c, err);
	if (r <= 0) {
		if (r == 0)
			container_not_found(args[0], err);
		return werr_status(err, 125);
	}
	if (c.state != CTR_RUNNING) {
		container_rec_free(&c);
		werr_set(err, 0, "you can only attach to running containers");
		return werr_status(err, 125);
	}
	r = attach_run(e, o, &c, err);
	container_rec_free(&c);
	return r;
}
