/* warren attach, and the attach client that `start -a` uses too
 * (cli/attach.h) */
#include "cli/attach.h"
#include "cli/cli.h"
#include "lib/cleanup.h"
#include "lib/signame.h"
#include "lib/util.h"
#include "runtime/attach.h"
#include "runtime/container.h"
#include "runtime/ctrlock.h"
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
#include <time.h>
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
	const unsigned char *keys;
	int nkeys, matched; /* detach keys: how many matched so far */
	const struct container_rec *c;
	bool sig_proxy;
	bool exited; /* the monitor sent the exit code */
	int code;
};

int cli_detach_keys(const char *spec, struct attach_req *r, struct werr *err)
{
	const char *p = spec;

	if (spec == NULL)
		spec = p = "ctrl-p,ctrl-q";
	r->nkeys = attach_parse_keys(spec, r->keys, ATTACH_KEYS_MAX);
	if (r->nkeys >= 0)
		return 0;
	/* the first key that does not parse alone, as Podman names it */
	for (;;) {
		size_t n = strcspn(p, ",");
		char one[32];
		unsigned char k[1];
		snprintf(one, sizeof(one), "%.*s", (int)n, p);
		if (attach_parse_keys(one, k, 1) != 1 || p[n] == '\0') {
			werr_set(err, 0, "invalid detach keys: Unknown character: '%s'", one);
			return werr_status(err, 125);
		}
		p += n + 1;
	}
}

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
	if (pkt[0] == ATTACH_EXIT && n == 1 + (ssize_t)sizeof(int)) {
		memcpy(&a->code, pkt + 1, sizeof(int));
		a->exited = true;
		return true;
	}
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

/* Blocks the signals the loop reads from a->sfd; *old gets the mask. */
static void block_attach_signals(struct att *a, sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (int s = SIGHUP; s <= SIGTERM; s++)
		if (s != SIGKILL && s != SIGSEGV && s != SIGBUS && s != SIGFPE && s != SIGILL)
			sigaddset(&set, s);
	sigaddset(&set, SIGWINCH);
	sigprocmask(SIG_BLOCK, &set, old);
	a->sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* After the container's end: its exit code, once its monitor's cleanup
 * has recorded it (the code the monitor sent, else the record's). */
static int exit_status(struct engine *e, const struct att *a, struct werr *err)
{
	int code;

	if (a->exited) {
		ctrlock_wait(e->runroot, a->c->id, 0, err);
		return a->code;
	}
	if (container_wait_exit(e, a->c->id, &code, err) < 0)
		return werr_status(err, 125);
	return code;
}

/* The monitor's socket; one that was just started makes it right after
 * its exec, which container_detach returned at: a few ms at most (it
 * holds the output until we come). */
static int connect_monitor(struct engine *e, const struct container_rec *c, bool wait,
			   struct werr *err)
{
	struct timespec ts = {0, 5 * 1000 * 1000};
	int64_t deadline = now_ns() + 10LL * 1000000000LL;

	for (;;) {
		int fd = container_attach_connect(e, c->id, err);
		if (fd >= 0 || !wait || err->errnum != 0 || now_ns() > deadline)
			return fd;
		werr_clear(err);
		nanosleep(&ts, NULL);
	}
}

int cli_attach(struct engine *e, const struct container_rec *c, const struct attach_req *r,
	       struct werr *err)
{
	struct detach_opts d;
	struct att a = {.sock = -1,
			.sfd = -1,
			.c = c,
			.sig_proxy = r->sig_proxy,
			.keys = r->keys,
			.nkeys = r->nkeys,
			.stdin_open = r->use_stdin};
	struct termios saved;
	bool raw = false;
	sigset_t old;
	int rc;

	detach_opts_from_container(c, &d);
	a.tty = d.tty && isatty(STDIN_FILENO);
	a.sock = connect_monitor(e, c, r->just_started, err);
	if (a.sock < 0)
		return -1;
	block_attach_signals(&a, &old);
	if (a.tty && tcgetattr(STDIN_FILENO, &saved) == 0) {
		struct termios t = saved;
		cfmakeraw(&t);
		raw = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
	}
	send_resize(&a);
	rc = attach_loop(e, &a);
	if (raw)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
	close(a.sock);
	if (a.sfd >= 0)
		close(a.sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (rc == 1)
		return 0; /* detached: it runs on */
	return exit_status(e, &a, err);
}

int cmd_attach(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct attach_opts *o = opts;
	struct attach_req req = {.sig_proxy = o->sig_proxy};
	struct container_rec c = {0};
	struct detach_opts d;
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
	detach_opts_from_container(&c, &d);
	req.use_stdin = d.interactive && !o->no_stdin;
	r = cli_detach_keys(o->detach_keys, &req, err);
	if (r < 0)
		werr_wrap(err, "attaching to container %s", c.id);
	else
		r = cli_attach(e, &c, &req, err);
	container_rec_free(&c);
	return r;
}
