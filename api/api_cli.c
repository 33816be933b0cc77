/* api_cli.c - POST /warren/cli: warren's own remote client (issue 12,
 * "Remote client"). The request names a command line; the connection is
 * taken over (101) and the command runs in a child of the service through
 * the same warren binary (/proc/self/exe), so that every command works
 * remotely with the output it has locally. Frames both ways (api.h,
 * enum api_cli_frame): the client's stdin, resizes and signals in; the
 * command's stdout, stderr and exit status out. With "Tty" the child gets
 * a pty (its stdout and stderr both), as `ssh -t` does. */
#include "api/api_int.h"
#include "lib/base64.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/syscalls.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define CLI_ARGS_MAX  4096
#define CLI_FILES_MAX 64

struct cli_child {
	pid_t pid;
	int pidfd;
	int in;	     /* its stdin (a pipe, or the pty master); -1 once closed */
	int out, er; /* its stdout and stderr (tty: out is the master, er -1) */
	bool tty;
};

int api_cli_frame_head(unsigned char h[8], int type, size_t n)
{
	h[0] = (unsigned char)type;
	h[1] = h[2] = h[3] = 0;
	be32_put(h + 4, (uint32_t)n);
	return n <= API_CLI_FRAME_MAX && type >= 0 && type <= API_CLI_FILE ? 0 : -1;
}

/* ["warren", the service's storage flags, the client's args..., NULL] */
static char **child_argv(const struct engine *e, char **args)
{
	char **v = strv_append(NULL, "warren");

	if (e->root) {
		v = strv_append(v, "--root");
		v = strv_append(v, e->root);
	}
	if (e->runroot) {
		v = strv_append(v, "--runroot");
		v = strv_append(v, e->runroot);
	}
	if (e->storage_driver) {
		v = strv_append(v, "--storage-driver");
		v = strv_append(v, e->storage_driver);
	}
	for (size_t i = 0; e->storage_opts && e->storage_opts[i]; i++) {
		v = strv_append(v, "--storage-opt");
		v = strv_append(v, e->storage_opts[i]);
	}
	for (size_t i = 0; args[i]; i++)
		v = strv_append(v, args[i]);
	return v;
}

/* In the forked child: its stdio, a session of its own, then warren. */
static void exec_child(char **argv, int in, int out, int er, const char *slave, const char *term)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* a service started in the background of a shell ignores SIGINT and
	 * SIGQUIT: the command gets the defaults, as it would at a terminal */
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	setsid();
	if (slave != NULL) {
		int s = open(slave, O_RDWR);
		if (s < 0 || ioctl(s, TIOCSCTTY, 0) < 0)
			_exit(126);
		in = out = er = s;
		if (term && *term)
			setenv("TERM", term, 1);
	}
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(er, 2) < 0)
		_exit(126);
	execv("/proc/self/exe", argv);
	dprintf(2, "Error: exec /proc/self/exe: %s\n", strerror(errno));
	_exit(127);
}

static int pipe_pair(int p[2])
{
	return pipe2(p, O_CLOEXEC);
}

/* Starts argv with pipes, or a pty of rows x cols. 0 or -1 (errno). */
static int start_child(struct cli_child *ch, char **argv, bool tty, unsigned rows, unsigned cols,
		       const char *term)
{
	int pin[2] = {-1, -1}, pout[2] = {-1, -1}, perr[2] = {-1, -1}, master = -1;
	char slave[128] = "";

	*ch = (struct cli_child){.pid = -1, .pidfd = -1, .in = -1, .out = -1, .er = -1, .tty = tty};
	if (tty) {
		struct winsize ws = {.ws_row = (unsigned short)rows,
				     .ws_col = (unsigned short)cols};
		master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 ||
		    ptsname_r(master, slave, sizeof(slave)) != 0)
			goto fail;
		if (rows && cols)
			ioctl(master, TIOCSWINSZ, &ws);
	} else if (pipe_pair(pin) < 0 || pipe_pair(pout) < 0 || pipe_pair(perr) < 0) {
		goto fail;
	}
	ch->pid = fork();
	if (ch->pid < 0)
		goto fail;
	if (ch->pid == 0)
		exec_child(argv, pin[0], pout[1], perr[1], tty ? slave : NULL, term);
	ch->pidfd = sys_pidfd_open(ch->pid, 0);
	if (tty) {
		/* written only as far as it takes: a paste larger than the
		 * pty's queue must not stop the output the other way */
		fcntl(master, F_SETFL, O_NONBLOCK);
		ch->in = ch->out = master;
		return 0;
	}
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	ch->in = pin[1];
	ch->out = pout[0];
	ch->er = perr[0];
	fcntl(ch->in, F_SETFL, O_NONBLOCK);
	return 0;
fail:;
	int e = errno;
	for (int i = 0; i < 2; i++) {
		if (pin[i] >= 0)
			close(pin[i]);
		if (pout[i] >= 0)
			close(pout[i]);
		if (perr[i] >= 0)
			close(perr[i]);
	}
	if (master >= 0)
		close(master);
	errno = e;
	return -1;
}

static int send_frame(int fd, int type, const void *buf, size_t n)
{
	unsigned char h[8];

	api_cli_frame_head(h, type, n);
	if (write_all(fd, h, sizeof(h)) < 0)
		return -1;
	return n ? write_all(fd, buf, n) : 0;
}

static size_t frame_len(const unsigned char *h)
{
	return be32_get(h + 4);
}

int api_frame_read(int fd, struct api_frames *f, size_t *len)
{
	size_t want;
	ssize_t n;

	if (f->have >= 8 && frame_len(f->buf) > API_CLI_FRAME_MAX)
		return -2;
	want = f->have < 8 ? 8 - f->have : 8 + frame_len(f->buf) - f->have;
	n = want ? read(fd, f->buf + f->have, want) : 0;
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n < 0 || (n == 0 && want))
		return -1;
	f->have += (size_t)n;
	if (f->have < 8)
		return 0;
	*len = frame_len(f->buf);
	if (*len > API_CLI_FRAME_MAX)
		return -2;
	return f->have == 8 + *len ? 1 : 0;
}

/* The client's frames, and its stdin not yet taken by the child. */
struct frame_in {
	struct api_frames fr;
	unsigned char *pending;
	size_t npending;
};

/* One complete frame from the client's bytes: its stdin (kept pending
 * until the child takes it), a resize or a signal. 0, or -1 when the
 * client broke the protocol. */
static int take_frame(struct frame_in *f, struct cli_child *ch, size_t len)
{
	unsigned char *p = f->fr.buf + 8;

	switch (f->fr.buf[0]) {
	case API_CLI_STDIN:
		if (len == 0 && ch->in >= 0 && !ch->tty) {
			close(ch->in); /* the end of the client's stdin */
			ch->in = -1;
		} else if (len == 0 && ch->tty) {
			/* the terminal's end-of-file character */
			f->pending = (unsigned char *)"\004";
			f->npending = 1;
		} else if (ch->in >= 0) {
			f->pending = p;
			f->npending = len;
		}
		return 0;
	case API_CLI_RESIZE:
		if (len == 4 && ch->tty) {
			struct winsize ws = {.ws_row = (unsigned short)(p[0] << 8 | p[1]),
					     .ws_col = (unsigned short)(p[2] << 8 | p[3])};
			ioctl(ch->out, TIOCSWINSZ, &ws);
		}
		return 0;
	case API_CLI_SIGNAL:
		if (len == 1 && p[0] > 0 && p[0] < 65)
			kill(ch->pid, p[0]);
		return 0;
	}
	return -1;
}

/* Moves pending stdin into the child (non-blocking); drops the frame
 * once it is all taken. */
static void feed_stdin(struct frame_in *f, struct cli_child *ch)
{
	while (f->npending > 0 && ch->in >= 0) {
		ssize_t n = write(ch->in, f->pending, f->npending);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) { /* the child closed its stdin: the rest is dropped */
			f->npending = 0;
			break;
		}
		f->pending += n;
		f->npending -= (size_t)n;
	}
	f->npending = 0;
	f->fr.have = 0;
}

/* Reads the client's bytes. 0 on, 1 when the client left, -1 on a broken
 * frame. */
static int read_client(int fd, struct frame_in *f, struct cli_child *ch)
{
	size_t len;
	int r = api_frame_read(fd, &f->fr, &len);

	if (r <= 0)
		return r == 0 ? 0 : r == -1 ? 1 : -1;
	if (take_frame(f, ch, len) < 0)
		return -1;
	if (f->npending == 0)
		f->fr.have = 0;
	return 0;
}

/* Copies what fd has (non-blocking after the child's exit) as frames of
 * type. 0, 1 at its end, -1 when the client is gone. */
static int pump(int conn, int fd, int type)
{
	static unsigned char buf[API_CLI_FRAME_MAX];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) /* EOF; EIO: a pty whose last slave was closed */
		return 1;
	return send_frame(conn, type, buf, (size_t)n) < 0 ? -1 : 0;
}

/* What is left in the child's output after it exited (what grandchildren
 * still write is not waited for). */
static void drain(int conn, struct cli_child *ch)
{
	int fds[2] = {ch->out, ch->er};

	for (int i = 0; i < 2; i++) {
		if (fds[i] < 0)
			continue;
		fcntl(fds[i], F_SETFL, O_NONBLOCK);
		while (pump(conn, fds[i], i == 0 ? API_CLI_STDOUT : API_CLI_STDERR) == 0) {
			struct pollfd p = {fds[i], POLLIN, 0};
			if (poll(&p, 1, 0) <= 0)
				break;
		}
	}
}

/* Relays until the child exits (its status) or the client leaves (-1:
 * the child's session is hung up and reaped). */
static int relay(int conn, struct cli_child *ch)
{
	cleanup_free struct frame_in *f = xcalloc(1, sizeof(*f));
	int st;

	for (;;) {
		struct pollfd p[5] = {
		    {f->npending ? -1 : conn, POLLIN, 0},
		    {ch->out, POLLIN, 0},
		    {ch->er, POLLIN, 0},
		    {ch->pidfd, POLLIN, 0},
		    {f->npending && ch->in >= 0 ? ch->in : -1, POLLOUT, 0},
		};
		/* without pidfds (Linux < 5.3) the exit is polled for */
		if (poll(p, 5, ch->pidfd < 0 ? 100 : -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if ((p[0].revents & (POLLIN | POLLHUP | POLLERR)) && read_client(conn, f, ch) != 0)
			break;
		if (f->npending)
			feed_stdin(f, ch);
		for (int i = 1; i <= 2; i++) {
			if (p[i].revents == 0)
				continue;
			int r = pump(conn, p[i].fd, i == 1 ? API_CLI_STDOUT : API_CLI_STDERR);
			if (r < 0)
				goto gone;
			if (r > 0 && i == 2) {
				close(ch->er);
				ch->er = -1;
			} else if (r > 0 && !ch->tty) {
				close(ch->out);
				ch->out = -1;
			} else if (r > 0) {
				p[1].events = 0; /* the pty: closed with its stdin */
				ch->out = -1;
			}
		}
		if (p[3].revents || (ch->pidfd < 0 && waitpid(ch->pid, &st, WNOHANG) == ch->pid)) {
			drain(conn, ch);
			while (ch->pidfd >= 0 && waitpid(ch->pid, &st, 0) < 0 && errno == EINTR)
				;
			ch->pid = -1;
			return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
		}
	}
gone:
	kill(-ch->pid, SIGHUP);
	kill(ch->pid, SIGTERM);
	while (waitpid(ch->pid, &st, 0) < 0 && errno == EINTR)
		;
	ch->pid = -1;
	return -1;
}

/* {"Args": [...], "Tty": bool, "Rows": n, "Cols": n, "Term": "xterm"}:
 * the args (new vector) or NULL with a 400 sent. */
static char **cli_request(struct api_ctx *c, struct json_object *b)
{
	struct json_object *a = jget(b, "Args");
	const char *bad = NULL;
	char **args = NULL;

	if (!api_typed(b, "Tty", json_type_boolean, &bad) ||
	    !api_typed(b, "Rows", json_type_int, &bad) ||
	    !api_typed(b, "Cols", json_type_int, &bad) ||
	    !api_typed(b, "Term", json_type_string, &bad)) {
		api_error(c, 400, "json: field %s has the wrong type", bad);
		return NULL;
	}
	if (!json_object_is_type(a, json_type_array) || json_object_array_length(a) == 0 ||
	    json_object_array_length(a) > CLI_ARGS_MAX) {
		api_error(c, 400, "Args must be a list of 1 to %d strings", CLI_ARGS_MAX);
		return NULL;
	}
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *s = json_object_array_get_idx(a, i);
		if (!json_object_is_type(s, json_type_string)) {
			strv_free(args);
			api_error(c, 400, "Args must be a list of 1 to %d strings", CLI_ARGS_MAX);
			return NULL;
		}
		args = strv_append(args, json_object_get_string(s));
	}
	return args;
}

/* The client's files a command names (the request's "Files"): each
 * gets a path in a directory of the service's (its Args entry becomes
 * that path), an input written there before the command, an output sent
 * back after it. */
struct cli_files {
	char *dir; /* NULL: none */
	char **paths;
	bool *out;
	size_t n;
};

static void cli_files_free(struct cli_files *f)
{
	struct werr ignore = {0};

	if (f->dir)
		rm_rf_at(AT_FDCWD, f->dir, &ignore);
	free(f->dir);
	strv_free(f->paths);
	free(f->out);
	*f = (struct cli_files){0};
}

/* One entry {"Arg": i, "Data": BASE64} or {"Arg": i, "Out": true}: its
 * file made (an input) and args[i] pointed at it. NULL, or why not. */
static const char *cli_file(struct cli_files *f, struct json_object *o, char **args, size_t k)
{
	struct json_object *arg = jget(o, "Arg"), *data = jget(o, "Data");
	bool out = json_object_get_boolean(jget(o, "Out"));
	cleanup_free char *bytes = NULL;
	cleanup_close int fd = -1;
	size_t len = 0;
	int64_t i = json_object_get_int64(arg);

	if (!json_object_is_type(arg, json_type_int) || i < 0 || (size_t)i >= strv_len(args))
		return "Files: Arg must be the index of an argument";
	if (out == (data != NULL) || (data && !json_object_is_type(data, json_type_string)))
		return "Files: each takes Data (base64) or Out (true)";
	if (data && base64_decode(json_object_get_string(data), &bytes, &len) < 0)
		return "Files: Data is not base64";
	f->paths[k] = xasprintf("%s/%zu", f->dir, k);
	f->out[k] = out;
	if (data && ((fd = open(f->paths[k], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0 ||
		     write_all(fd, bytes, len) < 0))
		return "Files: write a file";
	free(args[i]);
	args[i] = xstrdup(f->paths[k]);
	return NULL;
}

/* The request's "Files" (optional): 0, or -1 with a 400 or 500 sent. */
static int cli_files_prepare(struct api_ctx *c, struct json_object *b, char **args,
			     struct cli_files *f)
{
	struct json_object *a = jget(b, "Files");
	const char *tmp = getenv("TMPDIR"), *bad;
	size_t n;

	*f = (struct cli_files){0};
	if (a == NULL)
		return 0;
	n = json_object_is_type(a, json_type_array) ? json_object_array_length(a) : SIZE_MAX;
	if (n > CLI_FILES_MAX)
		return api_error(c, 400, "Files must be a list of at most %d files", CLI_FILES_MAX),
		       -1;
	f->dir = xasprintf("%s/warren-cli-XXXXXX", tmp && *tmp == '/' ? tmp : "/var/tmp");
	if (mkdtemp(f->dir) == NULL) {
		free(steal_pointer(&f->dir));
		return api_error(c, 500, "make a directory for the files: %s", strerror(errno)), -1;
	}
	f->out = xcalloc(n + 1, sizeof(bool));
	f->paths = xcalloc(n + 1, sizeof(char *));
	for (size_t k = 0; k < n; k++, f->n++) {
		struct json_object *o = json_object_array_get_idx(a, k);
		bad = json_object_is_type(o, json_type_object) ? cli_file(f, o, args, k)
							       : "Files: each must be an object";
		if (bad) {
			cli_files_free(f);
			return api_error(c, 400, "%s", bad), -1;
		}
	}
	return 0;
}

/* The outputs the command wrote, as API_CLI_FILE frames. -1 when the
 * client is gone. */
static int cli_files_send(int conn, const struct cli_files *f)
{
	static unsigned char buf[API_CLI_FRAME_MAX];

	for (size_t k = 0; k < f->n; k++) {
		cleanup_close int fd = f->out[k] ? open(f->paths[k], O_RDONLY | O_CLOEXEC) : -1;
		ssize_t n;
		bool sent = false;
		if (fd < 0)
			continue; /* not written: the client makes none */
		be32_put(buf, (uint32_t)k);
		for (;;) { /* an empty file: one frame of its index only */
			n = read(fd, buf + 4, sizeof(buf) - 4);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0 && sent)
				break;
			if (send_frame(conn, API_CLI_FILE, buf, 4 + (size_t)(n > 0 ? n : 0)) < 0)
				return -1;
			sent = true;
			if (n <= 0)
				break;
		}
	}
	return 0;
}

pid_t api_cli_spawn(const struct engine *e, char **args, int in, int out)
{
	cleanup_strv char **argv = child_argv(e, args);
	pid_t pid = fork();

	if (pid == 0)
		exec_child(argv, in, out, out, NULL, NULL);
	return pid;
}

int api_cli(struct api_ctx *c)
{
	cleanup_json struct json_object *b = api_body(c);
	cleanup_strv char **args = NULL, **argv = NULL;
	struct cli_child ch;
	struct cli_files files;
	unsigned char code[4];
	const char *head = "HTTP/1.1 101 UPGRADED\r\nContent-Type: "
			   "application/vnd.warren.cli-stream\r\nConnection: Upgrade\r\nUpgrade: "
			   "tcp\r\n\r\n";
	int st;

	if (b == NULL || (args = cli_request(c, b)) == NULL ||
	    cli_files_prepare(c, b, args, &files) < 0)
		return 0;
	argv = child_argv(c->e, args);
	int64_t rows = json_object_get_int64(jget(b, "Rows")),
		cols = json_object_get_int64(jget(b, "Cols"));
	if (start_child(&ch, argv, json_object_get_boolean(jget(b, "Tty")),
			rows > 0 && rows < 65536 ? (unsigned)rows : 0,
			cols > 0 && cols < 65536 ? (unsigned)cols : 0, jstr(b, "Term")) < 0) {
		cli_files_free(&files);
		return api_error(c, 500, "start the command: %s", strerror(errno));
	}
	if (write_all(c->fd, head, strlen(head)) < 0) {
		kill(-ch.pid, SIGHUP);
		kill(ch.pid, SIGTERM);
		while (waitpid(ch.pid, &st, 0) < 0 && errno == EINTR)
			;
	} else {
		st = relay(c->fd, &ch);
		if (st >= 0 && cli_files_send(c->fd, &files) == 0) {
			be32_put(code, (uint32_t)st);
			send_frame(c->fd, API_CLI_EXIT, code, sizeof(code));
		}
		api_hijack_end(c->fd);
	}
	if (ch.in >= 0 && ch.in != ch.out)
		close(ch.in);
	if (ch.out >= 0)
		close(ch.out);
	if (ch.er >= 0)
		close(ch.er);
	if (ch.pidfd >= 0)
		close(ch.pidfd);
	cli_files_free(&files);
	return 1;
}
