/* remote.c - the remote client (remote.h): which service, how to reach it
 * (unix, tcp, ssh), and one command line relayed to its POST /warren/cli
 * with the local files some commands name moved across (rewrite()). */
#include "cli/remote.h"
#include "api/api.h"
#include "cli/cli.h"
#include "lib/base64.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/sbuf.h"
#include "lib/util.h"
#include "lib/yamljson.h"
#include "rootless/rootless.h"
#include "runtime/ctrfs.h"
#include "runtime/runopts.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <dirent.h>
#include <termios.h>
#include <unistd.h>

/* ---- URIs ---- */

void remote_uri_free(struct remote_uri *u)
{
	free(u->scheme);
	free(u->user);
	free(u->host);
	free(u->port);
	free(u->path);
	*u = (struct remote_uri){0};
}

static int bad_uri(struct remote_uri *u, const char *uri, const char *why, struct werr *err)
{
	remote_uri_free(u);
	werr_set(err, 0, "malformed URI '%s': %s", uri, why);
	return werr_status(err, 125);
}

int remote_uri_parse(const char *uri, struct remote_uri *u, struct werr *err)
{
	const char *sep = strstr(uri, "://"), *rest, *slash, *at, *colon;

	*u = (struct remote_uri){0};
	u->scheme = sep ? xstrndup(uri, (size_t)(sep - uri)) : xstrdup("");
	if (strcmp(u->scheme, "unix") && strcmp(u->scheme, "tcp") && strcmp(u->scheme, "ssh")) {
		werr_set(err, 0, "unable to create connection. \"%s\" is not a supported schema",
			 u->scheme);
		remote_uri_free(u);
		return werr_status(err, 125);
	}
	rest = sep + 3;
	if (strcmp(u->scheme, "unix") == 0) {
		if (rest[0] != '/')
			return bad_uri(u, uri, "the socket path must be absolute (unix:///PATH)",
				       err);
		u->path = xstrdup(rest);
		return 0;
	}
	slash = strchr(rest, '/');
	cleanup_free char *auth = slash ? xstrndup(rest, (size_t)(slash - rest)) : xstrdup(rest);
	if (slash && slash[1])
		u->path = xstrdup(slash);
	at = strrchr(auth, '@');
	if (at) {
		u->user = xstrndup(auth, (size_t)(at - auth));
		at++;
	} else {
		at = auth;
	}
	colon = strrchr(at, ':');
	u->host = colon ? xstrndup(at, (size_t)(colon - at)) : xstrdup(at);
	if (colon) {
		int64_t p;
		if (parse_int64(colon + 1, 1, 65535, &p) < 0)
			return bad_uri(u, uri, "the port must be a number from 1 to 65535", err);
		u->port = xstrdup(colon + 1);
	}
	if (u->host[0] == '\0')
		return bad_uri(u, uri, "no host", err);
	if (strcmp(u->scheme, "tcp") == 0 && (u->port == NULL || u->path))
		return bad_uri(u, uri, "tcp:// takes HOST:PORT and no path", err);
	return 0;
}

char *remote_uri_string(const struct remote_uri *u)
{
	if (strcmp(u->scheme, "unix") == 0)
		return xasprintf("unix://%s", u->path);
	return xasprintf("%s://%s%s%s%s%s%s", u->scheme, u->user ? u->user : "", u->user ? "@" : "",
			 u->host, u->port ? ":" : "", u->port ? u->port : "",
			 u->path ? u->path : "");
}

/* ---- ssh ---- */

/* 'a b' -> "'a b'" for the remote shell */
static char *shell_quote(const char *s)
{
	struct sbuf b = {0};

	sbuf_addc(&b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			sbuf_addn(&b, "'\\''", 4);
		else
			sbuf_addc(&b, *s);
	}
	sbuf_addc(&b, '\'');
	return sbuf_take(&b);
}

/* WARREN_SSH_COMMAND (split at blanks; default "ssh", as GIT_SSH_COMMAND)
 * [-i KEY] [-p PORT] [USER@]HOST -- REMOTE: a new vector. */
static char **ssh_argv(const struct remote_uri *u, const char *identity, const char *remote)
{
	const char *cmd = getenv("WARREN_SSH_COMMAND");
	cleanup_free char *dup = xstrdup(cmd && *cmd ? cmd : "ssh");
	cleanup_free char *dest = NULL;
	char **v = NULL, *save = NULL;

	for (char *t = strtok_r(dup, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
		v = strv_append(v, t);
	if (identity == NULL || *identity == '\0')
		identity = getenv("CONTAINER_SSHKEY");
	if (identity && *identity) {
		v = strv_append(v, "-i");
		v = strv_append(v, identity);
	}
	if (u->port) {
		v = strv_append(v, "-p");
		v = strv_append(v, u->port);
	}
	dest = xasprintf("%s%s%s", u->user ? u->user : "", u->user ? "@" : "", u->host);
	v = strv_append(v, dest);
	v = strv_append(v, "--");
	return strv_append(v, remote);
}

/* Starts argv (found on PATH) with in, out and errfd as its stdin,
 * stdout and stderr (-1: ours). Its pid, or -1 with err. */
static pid_t spawn(char **argv, int in, int out, int errfd, struct werr *err)
{
	pid_t pid = fork();

	if (pid < 0)
		return werr_set(err, errno, "fork");
	if (pid == 0) {
		if ((in >= 0 && dup2(in, 0) < 0) || (out >= 0 && dup2(out, 1) < 0) ||
		    (errfd >= 0 && dup2(errfd, 2) < 0))
			_exit(126);
		execvp(argv[0], argv);
		dprintf(2, "Error: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

/* Starts argv with its stdin and stdout on one end of a socketpair:
 * the other end, or -1 with err. */
static int spawn_on_socket(char **argv, pid_t *pid, struct werr *err)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return werr_set(err, errno, "socketpair");
	*pid = spawn(argv, sv[1], sv[1], -1, err);
	close(sv[1]);
	if (*pid < 0) {
		close(sv[0]);
		return -1;
	}
	return sv[0];
}

/* tar ARGS... reading (writes: false) or writing a pipe whose other end
 * is returned (*pid: tar's; its stderr errfd, -1: ours); -1 with err. */
static int spawn_tar(const char *const *args, bool writes, int errfd, pid_t *pid, struct werr *err)
{
	char **argv = strv_append(NULL, "tar");
	int pf[2];

	for (size_t i = 0; args[i]; i++)
		argv = strv_append(argv, args[i]);
	if (pipe2(pf, O_CLOEXEC) < 0) {
		strv_free(argv);
		return werr_set(err, errno, "pipe");
	}
	*pid = spawn(argv, writes ? -1 : pf[0], writes ? pf[1] : -1, errfd, err);
	strv_free(argv);
	close(writes ? pf[1] : pf[0]);
	if (*pid < 0) {
		close(writes ? pf[0] : pf[1]);
		return -1;
	}
	return writes ? pf[0] : pf[1];
}

int remote_ssh_socket(const struct remote_uri *u, const char *identity, char **path,
		      struct werr *err)
{
	cleanup_strv char **argv =
	    ssh_argv(u, identity, "warren info --format '{{.Host.RemoteSocket.Path}}'");
	cleanup_close int fd = -1;
	char buf[4096];
	size_t n = 0;
	ssize_t r;
	pid_t pid;
	int st;

	if ((fd = spawn_on_socket(argv, &pid, err)) < 0)
		return werr_status(err, 125);
	shutdown(fd, SHUT_WR);
	while (n < sizeof(buf) - 1 && (r = read(fd, buf + n, sizeof(buf) - 1 - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	buf[strcspn(buf, "\r\n")] = '\0';
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || buf[0] != '/') {
		werr_set(err, 0,
			 "remote warren on %s failed to report its socket path (ssh: %s %d)",
			 u->host, WIFEXITED(st) ? "exit status" : "signal",
			 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		return werr_status(err, 125);
	}
	*path = xstrdup(buf);
	return 0;
}

/* ---- reaching the service ---- */

static int connect_unix(const char *path, struct werr *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	cleanup_close int fd = -1;

	if (strlen(path) >= sizeof(sa.sun_path))
		return werr_set(err, ENAMETOOLONG, "unable to connect to warren socket: '%s'",
				path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return werr_set(err, errno,
				"unable to connect to warren socket: dial unix %s: connect", path);
	return steal_fd(&fd);
}

static int connect_tcp(const struct remote_uri *u, struct werr *err)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai, *a;
	int fd = -1, r = getaddrinfo(u->host, u->port, &hints, &ai), e = 0;

	if (r != 0)
		return werr_set(err, 0, "unable to connect to warren socket: dial tcp %s:%s: %s",
				u->host, u->port, gai_strerror(r));
	for (a = ai; a && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
		if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) < 0) {
			e = errno;
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(ai);
	if (fd < 0)
		return werr_set(err, e, "unable to connect to warren socket: dial tcp %s:%s",
				u->host, u->port);
	return fd;
}

/* A stream to the service at uri (ssh: through ssh's stdio and the
 * remote `warren system dial-stdio`; *pid gets ssh's pid, else -1). */
static int dial(const char *uri, const char *identity, pid_t *pid, struct werr *err)
{
	struct remote_uri u;
	int fd;

	*pid = -1;
	if (remote_uri_parse(uri, &u, err) < 0)
		return -1;
	if (strcmp(u.scheme, "unix") == 0) {
		fd = connect_unix(u.path, err);
	} else if (strcmp(u.scheme, "tcp") == 0) {
		fd = connect_tcp(&u, err);
	} else {
		cleanup_free char *q = u.path ? shell_quote(u.path) : NULL;
		cleanup_free char *cmd =
		    xasprintf("warren system dial-stdio%s%s", q ? " " : "", q ? q : "");
		cleanup_strv char **argv = ssh_argv(&u, identity, cmd);
		fd = spawn_on_socket(argv, pid, err);
	}
	remote_uri_free(&u);
	return fd;
}

bool remote_wanted(const struct remote_opts *o)
{
	const char *h = getenv("CONTAINER_HOST"), *c = getenv("CONTAINER_CONNECTION");

	return o->remote || o->url || o->connection || (h && *h) || (c && *c);
}

bool remote_local_command(char **args)
{
	if (args[0] == NULL || strcmp(args[0], "help") == 0)
		return true;
	return strcmp(args[0], "system") == 0 && args[1] &&
	       (strcmp(args[1], "connection") == 0 || strcmp(args[1], "dial-stdio") == 0);
}

/* Which service, in Podman's order: --url, --connection, CONTAINER_HOST,
 * CONTAINER_CONNECTION, the default connection, the default socket. */
static int target(struct engine *e, const struct remote_opts *o, char **uri, char **identity,
		  struct werr *err)
{
	const char *h = getenv("CONTAINER_HOST"), *c = getenv("CONTAINER_CONNECTION");
	int r;

	*identity = NULL;
	if (o->url || (!o->connection && h && *h)) {
		*uri = xstrdup(o->url ? o->url : h);
		*identity = o->identity ? xstrdup(o->identity) : NULL;
		return 0;
	}
	r = remote_lookup_connection(o->connection ? o->connection
				     : c && *c	   ? c
						   : NULL,
				     uri, identity, err);
	if (r < 0)
		return -1;
	if (r == 0)
		*uri = xasprintf("unix://%s/warren.sock", e->userrun);
	if (o->identity) {
		free(*identity);
		*identity = xstrdup(o->identity);
	}
	return 0;
}

/* ---- the local files of a command line ---- */

/* A client file the command names that moves in the request's "Files"
 * (api_cli.c): an input's bytes (data), or an output the service sends
 * back after the command (into fd: a temporary file beside path renamed
 * into place, or path itself when direct). */
struct lfile {
	long arg;   /* its index in plan.args */
	char *data; /* an input: base64; NULL: an output */
	const char *path;
	char *tmp;
	int fd;
	bool direct, came;
};

/* What the command line needs here: a file as its stdin, its stdout into
 * a file, the arguments to send. */
struct plan {
	char **args;
	int in_fd;	      /* -1: our stdin */
	const char *out_path; /* NULL: our stdout */
	bool has_stdin;	      /* in_fd or our stdin is sent */
	pid_t in_pid;	      /* the tar writing in_fd (build, cp in), else -1 */
	int out_fd;	      /* the pipe to the tar reading stdout (cp out), else -1 */
	pid_t out_pid;
	char *cp_tmp;		    /* cp out to a new name: the dir tar extracts into */
	char *cp_to;		    /* ... and the name its one entry gets */
	int tar_err;		    /* the extracting tar's stderr (a memfd), else -1 */
	long build_ctx, build_file; /* indexes in args (-1: none) */
	long cp_arg[2];
	size_t cmd_at; /* the index of the command's first own argument */
	struct lfile *files;
	size_t nfiles;
};

static void plan_free(struct plan *p)
{
	int st;

	strv_free(p->args);
	if (p->in_fd >= 0)
		close(p->in_fd);
	if (p->out_fd >= 0)
		close(p->out_fd);
	if (p->in_pid > 0)
		while (waitpid(p->in_pid, &st, 0) < 0 && errno == EINTR)
			;
	if (p->out_pid > 0)
		while (waitpid(p->out_pid, &st, 0) < 0 && errno == EINTR)
			;
	if (p->cp_tmp)
		rmdir(p->cp_tmp);
	if (p->tar_err >= 0)
		close(p->tar_err);
	free(p->cp_tmp);
	free(p->cp_to);
	for (size_t i = 0; i < p->nfiles; i++) {
		const struct lfile *f = &p->files[i];
		if (f->fd >= 0 && !f->came) /* made here, nothing came: it goes */
			unlink(f->tmp ? f->tmp : f->path);
		if (p->files[i].fd >= 0)
			close(p->files[i].fd);
		free(p->files[i].data);
		free(p->files[i].tmp);
	}
	free(p->files);
}

static const struct opt *find_opt(const struct optspec *spec, const char *lng, char shrt)
{
	for (const struct opt *o = spec && spec->tab ? spec->tab : NULL; o && o->lng != NULL; o++)
		if ((lng && strcmp(o->lng, lng) == 0) || (!lng && shrt && o->shrt == shrt))
			return o;
	return NULL;
}

static bool takes_value(const struct opt *o)
{
	return o && o->kind != OPTK_BOOL && o->kind != OPTK_OPTSTR;
}

/* The command args names (its table entry in *c, the index of its first
 * own argument in *at); NULL path when it is none. */
static const struct cmd *find_cmd(char **args, size_t *at, const char **group)
{
	const struct cmd *tab = cli_commands, *c = NULL;

	*group = NULL;
	for (size_t i = 0; args[i]; i++) {
		c = cli_find(tab, args[i]);
		if (c == NULL || c->sub == NULL) {
			*at = i + 1;
			return c;
		}
		*group = c->name;
		tab = c->sub;
	}
	return NULL;
}

/* The flag at args[i] ("--name", "--name=v", "-n", "-nv"): its entry and
 * value (NULL when it takes none); *next gets the index after it. */
static const struct opt *flag_at(const struct optspec *spec, char **args, size_t i,
				 const char **val, size_t *next)
{
	const char *a = args[i];
	const struct opt *o;

	*val = NULL;
	*next = i + 1;
	if (a[1] == '-') {
		cleanup_free char *name = xstrndup(a + 2, strcspn(a + 2, "="));
		o = find_opt(spec, name, 0);
		if (strchr(a, '='))
			*val = strchr(a, '=') + 1;
		else if (takes_value(o) && args[i + 1])
			*val = args[(*next)++];
		return o;
	}
	/* a cluster: the last letter may take the value */
	for (const char *p = a + 1; *p; p++) {
		o = find_opt(spec, NULL, *p);
		if (takes_value(o)) {
			*val = p[1] ? p + 1 + (p[1] == '=') : args[i + 1];
			if (!p[1] && args[i + 1])
				(*next)++;
			return o;
		}
	}
	return NULL;
}

static int not_remote(const char *what, struct werr *err)
{
	werr_set(err, 0, "%s is not supported with --remote", what);
	return werr_status(err, 125);
}

static int open_input(struct plan *p, const char *path, struct werr *err)
{
	p->in_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (p->in_fd < 0)
		return werr_set(err, errno, "open '%s'", path), werr_status(err, 125);
	p->has_stdin = true;
	return 0;
}

static struct lfile *add_file(struct plan *p, const char *arg)
{
	struct lfile *f;

	p->files = xrealloc(p->files, (p->nfiles + 1) * sizeof(*p->files));
	f = &p->files[p->nfiles++];
	*f = (struct lfile){.arg = (long)strv_len(p->args), .fd = -1};
	p->args = strv_append(p->args, arg); /* the service puts its own path there */
	return f;
}

static int open_output(const char *path, char **tmp, struct werr *err);

enum out_kind { OUT_TMP, OUT_IID, OUT_CID };

/* An output file of the command (--iidfile, --cidfile, --digestfile,
 * image export's FILE), made here as the command makes it locally: a cidfile must not
 * exist (it is made now, and removed when nothing comes), an iidfile's
 * directory must; the others are a temporary file beside path. */
static int out_file(struct plan *p, const char *path, enum out_kind kind, struct werr *err)
{
	struct lfile *f = add_file(p, path);

	f->path = path;
	f->direct = kind == OUT_CID;
	if (kind == OUT_CID)
		return cli_cidfile_open(path, &f->fd, err);
	if (kind == OUT_IID && cli_iidfile_check(path, err) < 0)
		return werr_status(err, 125);
	f->fd = open_output(path, &f->tmp, err);
	return f->fd < 0 ? -1 : 0;
}

/* --configmap FILE[,FILE]: each file read (and parsed, for local errors)
 * here and sent as its own --configmap. */
static int configmaps(struct plan *p, const char *val, struct werr *err)
{
	cleanup_free char *dup = xstrdup(val);
	char *save = NULL;

	for (char *f = strtok_r(dup, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		size_t len = 0;
		cleanup_free char *text = read_file_max(f, YAML_MAX_SIZE, &len, err);
		cleanup_json struct json_object *d = NULL;
		if (text == NULL)
			return werr_status(err, 125);
		if (yaml_to_json(text, len, &d, err) < 0) /* as yaml_to_json_file says it */
			return werr_wrap(err, "%s", f), werr_status(err, 125);
		p->args = strv_append(p->args, "--configmap");
		add_file(p, f)->data = base64_encode(text, len);
	}
	return 0;
}

/* One flag of command c: moved, rewritten, refused or kept. */
static int rewrite_flag(struct plan *p, const struct cmd *c, const struct opt *o, const char *val,
			char **toks, size_t ntoks, struct werr *err)
{
	const char *n = o ? o->lng : "";
	bool load = c->fn == cmd_load, out = c->fn == cmd_save || c->fn == cmd_export;

	if (strcmp(n, "interactive") == 0 || strcmp(n, "password-stdin") == 0)
		p->has_stdin = true;
	if (load && strcmp(n, "input") == 0 && val)
		return open_input(p, val, err);
	if (out && strcmp(n, "output") == 0 && val) {
		p->out_path = val;
		return 0;
	}
	if (strcmp(n, "env-file") == 0 && val) {
		cleanup_strv char **env = NULL;
		if (runopts_env_file(&env, val, err) < 0)
			return -1;
		for (size_t i = 0; env && env[i]; i++) {
			p->args = strv_append(p->args, "-e");
			p->args = strv_append(p->args, env[i]);
		}
		return 0;
	}
	if (c->fn == cmd_build && strcmp(n, "file") == 0 && val) {
		p->args = strv_append(p->args, "--file");
		p->build_file = (long)strv_len(p->args);
		p->args = strv_append(p->args, val);
		return 0;
	}
	if (val && (strcmp(n, "cidfile") == 0 || strcmp(n, "iidfile") == 0 ||
		    strcmp(n, "digestfile") == 0)) {
		cleanup_free char *flag = xasprintf("--%s", n);
		p->args = strv_append(p->args, flag);
		return out_file(p, val,
				n[0] == 'c'   ? OUT_CID
				: n[0] == 'i' ? OUT_IID
					      : OUT_TMP,
				err);
	}
	if (val && strcmp(n, "configmap") == 0)
		return configmaps(p, val, err);
	for (size_t i = 0; i < ntoks; i++)
		p->args = strv_append(p->args, toks[i]);
	return 0;
}

/* A positional argument of c (the k-th). */
static int rewrite_arg(struct plan *p, const struct cmd *c, const char *group, size_t k,
		       const char *a, struct werr *err)
{
	bool kube_play = group && strcmp(group, "kube") == 0 &&
			 (strcmp(c->name, "play") == 0 || strcmp(c->name, "down") == 0);

	if (strcmp(a, "-") == 0)
		p->has_stdin = true; /* a file named "-": stdin */

	if (k == 0 && c->fn == cmd_import && strcmp(a, "-") != 0 && !strstr(a, "://")) {
		p->args = strv_append(p->args, "-");
		return open_input(p, a, err);
	}
	if (k == 0 && kube_play && strcmp(a, "-") != 0) {
		p->args = strv_append(p->args, "/dev/stdin");
		return open_input(p, a, err);
	}
	if (c->fn == cmd_build && k == 0)
		p->build_ctx = (long)strv_len(p->args);
	if (c->fn == cmd_cp && k < 2)
		p->cp_arg[k] = (long)strv_len(p->args);
	if (c->fn == cmd_image_export && k == 1)
		return out_file(p, a, OUT_TMP, err);
	p->args = strv_append(p->args, a);
	return 0;
}

static void set_arg(struct plan *p, long i, const char *v)
{
	free(p->args[i]);
	p->args[i] = xstrdup(v);
}

/* v as args[i], the rest moved up */
static void insert_arg(struct plan *p, size_t i, const char *v)
{
	size_t n = strv_len(p->args);

	p->args = xrealloc(p->args, (n + 2) * sizeof(char *));
	memmove(p->args + i + 1, p->args + i, (n - i + 1) * sizeof(char *));
	p->args[i] = xstrdup(v);
	for (int k = 0; k < 2; k++)
		if (p->cp_arg[k] >= (long)i)
			p->cp_arg[k]++;
}

/* build's local context: a directory sent as a tar (tar -C DIR -c .), a
 * tarball as it is; -f inside the context named relative to it. */
static int build_context(struct plan *p, struct werr *err)
{
	const char *ctx = p->build_ctx >= 0 ? p->args[p->build_ctx] : ".";
	cleanup_free char *root = NULL, *file = NULL;
	struct stat st;

	if (strcmp(ctx, "-") == 0 || strstr(ctx, "://"))
		return 0;
	if ((root = realpath(ctx, NULL)) == NULL || stat(root, &st) < 0)
		return werr_set(err, errno, "context '%s'", ctx), werr_status(err, 125);
	if (p->build_file >= 0 && strcmp(p->args[p->build_file], "-") != 0) {
		size_t n = strlen(root);
		file = realpath(p->args[p->build_file], NULL);
		if (file == NULL || strncmp(file, root, n) != 0 || file[n] != '/' ||
		    !S_ISDIR(st.st_mode))
			return not_remote("build -f with a file outside the context directory",
					  err);
		set_arg(p, p->build_file, file + n + 1);
	}
	if (S_ISDIR(st.st_mode)) {
		const char *targs[] = {"-C", root, "-cf", "-", ".", NULL};
		if ((p->in_fd = spawn_tar(targs, true, -1, &p->in_pid, err)) < 0)
			return werr_status(err, 125);
		p->has_stdin = true;
	} else if (open_input(p, root, err) < 0) {
		return -1;
	}
	if (p->build_ctx >= 0)
		set_arg(p, p->build_ctx, "-");
	else
		p->args = strv_append(p->args, "-");
	return 0;
}

/* Is a of cp CONTAINER:PATH (not a path with a colon in it)? */
static bool cp_in_ctr(const char *a)
{
	const char *colon = strchr(a, ':'), *slash = strchr(a, '/');

	return colon && colon != a && !(slash && slash < colon);
}

/* cp LOCAL CTR:DEST: `cp --tar-of=LOCAL - CTR:DEST` with a tar of LOCAL
 * (tar -C DIR -c NAME) as stdin; the service applies cp's rules to
 * DEST (an existing directory, a new name, an existing file) as for a
 * local LOCAL, a directory when LOCAL is sent ending in "/". */
static int cp_in_tar(struct plan *p, const char *src, struct werr *err)
{
	cleanup_free char *dup = xstrdup(src), *real = NULL, *flag = NULL;
	size_t n = strlen(dup);
	struct stat st;
	bool dir;
	char *slash;

	if (cp_host_src(src, &dir, NULL, err) < 0)
		return -1;
	flag = xasprintf(
	    "--tar-of=%s%s", src,
	    dir && src[n - 1] != '/' && !(n >= 2 && strcmp(src + n - 2, "/.") == 0) ? "/" : "");
	/* DIR and NAME: "a/b/", "a/b/." -> "a", "b"; ".", "..", "/" and a
	 * symlink followed ("link/") by their real path */
	while (n > 1 && (dup[n - 1] == '/' || (dup[n - 1] == '.' && dup[n - 2] == '/')))
		dup[--n] = '\0';
	slash = strrchr(dup, '/');
	if (strcmp(slash ? slash + 1 : dup, ".") == 0 ||
	    strcmp(slash ? slash + 1 : dup, "..") == 0 || strcmp(dup, "/") == 0 ||
	    (dir && lstat(dup, &st) == 0 && S_ISLNK(st.st_mode))) {
		if ((real = realpath(dup, NULL)) == NULL)
			return werr_set(err, errno, "'%s'", src), werr_status(err, 125);
		free(dup);
		dup = xstrdup(real);
		slash = strrchr(dup, '/');
	}
	cleanup_free char *parent =
	    slash ? xstrndup(dup, slash == dup ? 1 : (size_t)(slash - dup)) : xstrdup(".");
	/* hard links as separate files: a local cp copies them so */
	const char *targs[] = {"-C",  parent, "--hard-dereference",
			       "-cf", "-",    slash && slash[1] ? slash + 1 : ".",
			       NULL};
	if ((p->in_fd = spawn_tar(targs, true, -1, &p->in_pid, err)) < 0)
		return werr_status(err, 125);
	p->has_stdin = true;
	set_arg(p, p->cp_arg[0], "-");
	insert_arg(p, p->cmd_at, flag);
	return 0;
}

/* cp's local side: a tar of it sent as stdin (`cp - CTR:DIR`), or the
 * tar of `cp CTR:SRC -` extracted here: into DEST when it is a
 * directory, else into a new directory beside it whose one entry then
 * becomes DEST. */
static int cp_local(struct plan *p, struct werr *err)
{
	const char *src = p->args[p->cp_arg[0]], *dst = p->args[p->cp_arg[1]];
	cleanup_free char *dup = NULL;
	struct stat st;

	if (cp_in_ctr(src) == cp_in_ctr(dst))
		return 0; /* the service says what is wrong */
	if (cp_in_ctr(dst) && strcmp(src, "-") != 0)
		return cp_in_tar(p, src, err);
	if (cp_in_ctr(dst) || strcmp(dst, "-") == 0)
		return 0;
	if (stat(dst, &st) == 0 && S_ISDIR(st.st_mode)) {
		dup = xstrdup(dst);
	} else {
		cleanup_free char *d = xstrdup(dst);
		char *slash = strrchr(d, '/');
		p->cp_tmp =
		    xasprintf("%s/.warren-cp-XXXXXX", slash ? (*slash = '\0', *d ? d : "/") : ".");
		if (mkdtemp(p->cp_tmp) == NULL) {
			werr_set(err, errno, "create a directory beside '%s'", dst);
			free(steal_pointer(&p->cp_tmp));
			return werr_status(err, 125);
		}
		p->cp_to = xstrdup(dst);
		dup = xstrdup(p->cp_tmp);
	}
	const char *targs[] = {"-C", dup, "-xf", "-", "--no-same-owner", NULL};
	/* tar's complaints matter only when the command succeeded (an
	 * error of cp sends no tar at all) */
	p->tar_err = memfd_create("tar-stderr", MFD_CLOEXEC);
	if ((p->out_fd = spawn_tar(targs, false, p->tar_err, &p->out_pid, err)) < 0)
		return werr_status(err, 125);
	set_arg(p, p->cp_arg[1], "-");
	return 0;
}

/* cp out to a new name: tar's one entry in the directory beside DEST
 * becomes DEST. */
static int cp_finish(struct plan *p, struct werr *err)
{
	cleanup_dir DIR *d = opendir(p->cp_tmp);
	struct dirent *de;
	cleanup_free char *from = NULL;

	while (d && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (from != NULL)
			return werr_set(err, 0, "cp: more than one entry came for '%s'", p->cp_to);
		from = xasprintf("%s/%s", p->cp_tmp, de->d_name);
	}
	if (from == NULL)
		return werr_set(err, 0, "cp: nothing came for '%s'", p->cp_to);
	if (rename(from, p->cp_to) < 0)
		return werr_set(err, errno, "rename '%s' to '%s'", from, p->cp_to);
	return 0;
}

/* The command line to send and the local files it moves (struct plan). */
static int rewrite(char **args, struct plan *p, struct werr *err)
{
	const char *group;
	size_t at = 0, k = 0;
	const struct cmd *c = find_cmd(args, &at, &group);
	const struct optspec *spec = c ? c->opts : NULL;
	bool flags = true;

	*p = (struct plan){.in_fd = -1,
			   .in_pid = -1,
			   .out_fd = -1,
			   .out_pid = -1,
			   .build_ctx = -1,
			   .build_file = -1,
			   .cp_arg = {-1, -1},
			   .tar_err = -1};
	for (size_t i = 0; i < at && args[i]; i++)
		p->args = strv_append(p->args, args[i]);
	p->cmd_at = strv_len(p->args);
	if (c == NULL)
		return 0; /* the service says what is wrong */
	/* load reads stdin without -i, attach without -i (Podman's --no-stdin) */
	p->has_stdin = c->fn == cmd_load || c->fn == cmd_attach;
	for (size_t i = at; args[i];) {
		const char *a = args[i], *val;
		size_t next;
		if (flags && strcmp(a, "--") == 0) {
			p->args = strv_append(p->args, a);
			flags = false;
			i++;
		} else if (flags && a[0] == '-' && a[1]) {
			const struct opt *o = flag_at(spec, args, i, &val, &next);
			for (const char *q = a + 1; a[1] != '-' && *q; q++) { /* -it */
				const struct opt *b = find_opt(spec, NULL, *q);
				if (b && strcmp(b->lng, "interactive") == 0)
					p->has_stdin = true;
				if (takes_value(b))
					break;
			}
			if (rewrite_flag(p, c, o, val, args + i, next - i, err) < 0)
				return -1;
			i = next;
		} else {
			if (spec && spec->stop)
				flags = false;
			if (rewrite_arg(p, c, group, k++, a, err) < 0)
				return -1;
			i++;
		}
	}
	if (c->fn == cmd_build)
		return build_context(p, err);
	if (c->fn == cmd_cp && p->cp_arg[1] >= 0)
		return cp_local(p, err);
	return 0;
}

/* ---- the request and the relay ---- */

/* POST /warren/cli and its answer's head: 0 when upgraded, -1 with err
 * (the service's message). */
static int request(int fd, const char *uri, char **args, bool tty, struct json_object *files,
		   struct werr *err)
{
	cleanup_json struct json_object *b = json_object_new_object();
	struct winsize ws = {0};
	const char *term = getenv("TERM"), *body;
	cleanup_free char *req = NULL;
	char head[16384];
	size_t n = 0;
	int status = 0;

	jset(b, "Args", jnew_strv(args));
	jset(b, "Tty", json_object_new_boolean(tty));
	if (files)
		jset(b, "Files", json_object_get(files));
	if (tty && ioctl(1, TIOCGWINSZ, &ws) == 0) {
		jset(b, "Rows", json_object_new_int(ws.ws_row));
		jset(b, "Cols", json_object_new_int(ws.ws_col));
	}
	if (tty && term)
		jset_str(b, "Term", term);
	body = json_object_to_json_string_ext(b, JSON_C_TO_STRING_PLAIN);
	req =
	    xasprintf("POST /warren/cli HTTP/1.1\r\nHost: d\r\nContent-Type: "
		      "application/json\r\nContent-Length: %zu\r\nConnection: Upgrade\r\nUpgrade: "
		      "tcp\r\n\r\n%s",
		      strlen(body), body);
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) < 0)
		return werr_set(err, errno, "unable to connect to warren socket: %s", uri);
	/* byte by byte: what follows the head is the stream's */
	while (n < sizeof(head) - 1 && (n < 4 || memcmp(head + n - 4, "\r\n\r\n", 4) != 0)) {
		ssize_t r = read(fd, head + n, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return werr_set(err, r < 0 ? errno : 0,
					"unable to connect to warren socket: %s: the connection "
					"closed",
					uri);
		n++;
	}
	head[n] = '\0';
	if (sscanf(head, "HTTP/1.%*d %d", &status) == 1 && status == 101)
		return 0;
	char msg[512] = "";
	const char *cl = strcasestr(head, "\r\nContent-Length:");
	size_t len = cl ? strtoul(cl + 17, NULL, 10) : 0;
	cleanup_free char *text = xcalloc(1, len < 65536 ? len + 1 : 65537);
	if (len < 65536 && read_all(fd, text, len) == (ssize_t)len) {
		cleanup_json struct json_object *j = json_tokener_parse(text);
		snprintf(msg, sizeof(msg), "%s", jstr(j, "message") ? jstr(j, "message") : "");
	}
	if (status == 404)
		return werr_set(err, 0,
				"the service at %s does not run warren commands (is it "
				"warren's?): %d %s",
				uri, status, msg);
	return werr_set(err, 0, "%s (status %d)", *msg ? msg : "the service refused the command",
			status);
}

/* What goes to the service, queued (the socket is written when it
 * takes more, so that a command that does not read its stdin never
 * blocks its output). */
struct outq {
	unsigned char *buf;
	size_t len, off;
};

static void queue_frame(struct outq *q, int type, const void *p, size_t n)
{
	unsigned char h[8];

	if (q->off == q->len)
		q->off = q->len = 0;
	q->buf = xrealloc(q->buf, q->len + 8 + n);
	api_cli_frame_head(h, type, n);
	memcpy(q->buf + q->len, h, 8);
	if (n)
		memcpy(q->buf + q->len + 8, p, n);
	q->len += 8 + n;
}

static void queue_size(struct outq *q)
{
	struct winsize ws;
	unsigned char p[4];

	if (ioctl(1, TIOCGWINSZ, &ws) < 0)
		return;
	p[0] = (unsigned char)(ws.ws_row >> 8);
	p[1] = (unsigned char)ws.ws_row;
	p[2] = (unsigned char)(ws.ws_col >> 8);
	p[3] = (unsigned char)ws.ws_col;
	queue_frame(q, API_CLI_RESIZE, p, sizeof(p));
}

struct relay {
	int sock, in, out, sfd;
	bool tty;
	struct plan *plan; /* its output files */
	struct outq q;
	struct api_frames fr;
};

/* A piece of an output file: its index in "Files" (4 bytes, big-endian),
 * then bytes for it. */
static void take_file(struct plan *pl, const unsigned char *p, size_t len)
{
	size_t k = len >= 4 ? be32_get(p) : SIZE_MAX;

	if (k >= pl->nfiles || pl->files[k].data || pl->files[k].fd < 0)
		return;
	pl->files[k].came = true;
	write_all(pl->files[k].fd, p + 4, len - 4);
}

/* One frame from the service: output, or the exit status (returned);
 * -1 otherwise. */
static int take_output(struct relay *r, size_t len)
{
	const unsigned char *p = r->fr.buf + 8;

	r->fr.have = 0;
	switch (r->fr.buf[0]) {
	case API_CLI_STDOUT:
		write_all(r->out, p, len);
		break;
	case API_CLI_STDERR:
		write_all(2, p, len);
		break;
	case API_CLI_FILE:
		take_file(r->plan, p, len);
		break;
	case API_CLI_EXIT:
		if (len == 4)
			return (int)be32_get(p);
		break;
	}
	return -1;
}

/* Our stdin (or its file) into the queue; its end once. */
static void read_input(struct relay *r)
{
	static unsigned char buf[API_CLI_FRAME_MAX];
	ssize_t n = read(r->in, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n > 0) {
		queue_frame(&r->q, API_CLI_STDIN, buf, (size_t)n);
		return;
	}
	queue_frame(&r->q, API_CLI_STDIN, NULL, 0);
	r->in = -1;
}

static void on_signal(struct relay *r)
{
	struct signalfd_siginfo si;

	while (read(r->sfd, &si, sizeof(si)) == sizeof(si)) {
		unsigned char sig = (unsigned char)si.ssi_signo;
		if (si.ssi_signo == SIGWINCH && r->tty)
			queue_size(&r->q);
		else if (si.ssi_signo != SIGWINCH)
			queue_frame(&r->q, API_CLI_SIGNAL, &sig, 1);
	}
}

/* Until the exit status comes: its value, or -1 with err. */
static int relay_loop(struct relay *r, const char *uri, struct werr *err)
{
	for (;;) {
		bool pending = r->q.off < r->q.len;
		struct pollfd p[3] = {
		    {r->sock, (short)(POLLIN | (pending ? POLLOUT : 0)), 0},
		    {r->in >= 0 && r->q.len - r->q.off < API_CLI_FRAME_MAX ? r->in : -1, POLLIN, 0},
		    {r->sfd, POLLIN, 0},
		};
		size_t len;
		int st;

		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return werr_set(err, errno, "poll");
		}
		if (p[2].revents)
			on_signal(r);
		if (p[1].revents)
			read_input(r);
		if (p[0].revents & POLLOUT) {
			ssize_t n = send(r->sock, r->q.buf + r->q.off, r->q.len - r->q.off,
					 MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n > 0)
				r->q.off += (size_t)n;
		}
		if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		st = api_frame_read(r->sock, &r->fr, &len);
		if (st == 1) {
			int code = take_output(r, len);
			if (code >= 0)
				return code;
		} else if (st < 0) {
			return werr_set(err, 0,
					"lost the connection to %s before the command's exit "
					"status",
					uri);
		}
	}
}

/* The command's stdout into path: a temporary file beside it, renamed
 * when the command succeeds (*tmp malloc'd). */
static int open_output(const char *path, char **tmp, struct werr *err)
{
	int fd;

	*tmp = xasprintf("%s.warren-XXXXXX", path);
	fd = mkostemp(*tmp, O_CLOEXEC);
	if (fd < 0) {
		werr_set(err, errno, "create '%s'", *tmp);
		free(steal_pointer(tmp));
		return werr_status(err, 125);
	}
	fchmod(fd, 0644);
	return fd;
}

static int run_relay(struct relay *r, const char *uri, struct werr *err)
{
	struct termios saved;
	bool raw = false;
	sigset_t set, old;
	int rc;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGWINCH);
	sigprocmask(SIG_BLOCK, &set, &old);
	r->sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (r->tty && tcgetattr(0, &saved) == 0) {
		struct termios t = saved;
		cfmakeraw(&t);
		raw = tcsetattr(0, TCSANOW, &t) == 0;
	}
	rc = relay_loop(r, uri, err);
	if (raw)
		tcsetattr(0, TCSANOW, &saved);
	if (r->sfd >= 0)
		close(r->sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(r->q.buf);
	return rc;
}

/* After the command: the tar that read its stdout (cp out) must have
 * succeeded, and a new name gets its entry; the file of save -o / export
 * -o is renamed into place. rc: the command's status so far. */
static int finish_local(struct plan *p, struct relay *r, const char *tmp, int rc, struct werr *err)
{
	int st = 0;

	if (p->out_fd >= 0) {
		close(p->out_fd);
		p->out_fd = -1;
		while (waitpid(p->out_pid, &st, 0) < 0 && errno == EINTR)
			;
		p->out_pid = -1;
		if (rc == 0 && (!WIFEXITED(st) || WEXITSTATUS(st) != 0)) {
			char msg[256] = "";
			ssize_t n =
			    p->tar_err >= 0 ? pread(p->tar_err, msg, sizeof(msg) - 1, 0) : 0;
			msg[n > 0 ? n : 0] = '\0';
			msg[strcspn(msg, "\n")] = '\0';
			rc = werr_set(err, 0, "cp: tar could not extract what came: %s", msg);
		}
		if (rc == 0 && p->cp_tmp)
			rc = cp_finish(p, err);
		if (p->cp_tmp) {
			struct werr ignore = {0};
			rm_rf_at(AT_FDCWD, p->cp_tmp, &ignore);
		}
	}
	for (size_t i = 0; i < p->nfiles; i++) {
		struct lfile *f = &p->files[i];
		if (rc < 0) /* no exit status: what came may be cut short */
			f->came = false;
		else if (f->came && f->tmp && rename(f->tmp, f->path) < 0)
			f->came = false, rc = werr_set(err, errno, "rename '%s'", f->tmp);
	}
	if (tmp) {
		close(r->out);
		if (rc == 0 && rename(tmp, p->out_path) < 0)
			rc = werr_set(err, errno, "rename '%s'", tmp);
		if (rc != 0)
			unlink(tmp);
	}
	return rc;
}

/* The request's "Files" for plan p (NULL: none); off: the number of
 * arguments sent before p's. */
static struct json_object *files_json(const struct plan *p, size_t off)
{
	struct json_object *a = p->nfiles ? json_object_new_array() : NULL;

	for (size_t i = 0; i < p->nfiles; i++) {
		struct json_object *f = json_object_new_object();
		jset(f, "Arg", json_object_new_int64((int64_t)off + p->files[i].arg));
		if (p->files[i].data)
			jset_str(f, "Data", p->files[i].data);
		else
			jset(f, "Out", json_object_new_boolean(true));
		json_object_array_add(a, f);
	}
	return a;
}

int remote_run(struct engine *e, const struct remote_opts *o, char **args, struct werr *err)
{
	cleanup_free char *uri = NULL, *identity = NULL, *tmp = NULL;
	cleanup_strv char **all = strv_copy(o->globals);
	cleanup_free struct relay *r = xcalloc(1, sizeof(*r));
	cleanup_json struct json_object *files = NULL;
	struct plan p;
	pid_t ssh = -1;
	int rc = -1, st;

	if (target(e, o, &uri, &identity, err) < 0)
		return -1;
	if (rewrite(args, &p, err) < 0) {
		plan_free(&p);
		return -1;
	}
	files = files_json(&p, strv_len(all));
	for (size_t i = 0; p.args && p.args[i]; i++)
		all = strv_append(all, p.args[i]);
	*r = (struct relay){
	    .sock = -1, .in = p.in_fd, .out = p.out_fd >= 0 ? p.out_fd : 1, .sfd = -1, .plan = &p};
	r->tty = p.in_fd < 0 && p.out_path == NULL && p.out_fd < 0 && isatty(0) && isatty(1);
	if (r->in < 0 && (p.has_stdin || r->tty))
		r->in = 0;
	if (p.out_path && (r->out = open_output(p.out_path, &tmp, err)) < 0)
		goto out;
	r->sock = dial(uri, identity, &ssh, err);
	if (r->sock < 0 || request(r->sock, uri, all, r->tty, files, err) < 0)
		goto out;
	if (r->in < 0)
		queue_frame(&r->q, API_CLI_STDIN, NULL, 0); /* nothing to send */
	rc = run_relay(r, uri, err);
out:
	if (r->sock >= 0)
		close(r->sock);
	if (ssh > 0)
		while (waitpid(ssh, &st, 0) < 0 && errno == EINTR)
			;
	rc = finish_local(&p, r, tmp, rc, err);
	plan_free(&p);
	return rc < 0 ? werr_status(err, 125) : rc;
}

/* ---- system dial-stdio ---- */

/* Our stdin to sock and sock to our stdout until the service closes. */
static void splice_stdio(int sock)
{
	static unsigned char buf[65536];
	struct pollfd p[2] = {{0, POLLIN, 0}, {sock, POLLIN, 0}};

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (p[0].revents) {
			ssize_t n = read(0, buf, sizeof(buf));
			if (n <= 0 && !(n < 0 && errno == EINTR)) {
				shutdown(sock, SHUT_WR);
				p[0].fd = -1;
			} else if (n > 0 && write_all(sock, buf, (size_t)n) < 0) {
				return;
			}
		}
		if (p[1].revents) {
			ssize_t n = read(sock, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0 || write_all(1, buf, (size_t)n) < 0)
				return;
		}
	}
}

/* system dial-stdio [SOCKET]: stdio to the service's socket (what ssh
 * runs on the remote end). With no service listening, the API is served
 * on stdio itself by a child, as the service would serve the connection:
 * nothing of warren keeps running afterwards. */
int cmd_dial_stdio(struct engine *e, void *opts, char **args, struct werr *err)
{
	cleanup_free char *def = xasprintf("%s/warren.sock", e->userrun);
	const char *path = args[0] ? args[0] : def;
	struct werr cerr = {0};
	int sock, sv[2], st;
	pid_t pid = -1;

	if (args[0] && args[1]) {
		werr_set(err, 0, "accepts at most 1 arg(s), received %zu", strv_len(args));
		return werr_status(err, 125);
	}
	signal(SIGPIPE, SIG_IGN);
	sock = connect_unix(path, &cerr);
	if (sock < 0 && cerr.errnum != ENOENT && cerr.errnum != ECONNREFUSED) {
		*err = cerr;
		return werr_status(err, 125);
	}
	if (sock < 0) {
		struct api_opts o = {.version = WARREN_VERSION};
		if (paths_create(e, err) < 0)
			return werr_status(err, 125);
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
		    (pid = fork()) < 0)
			return werr_set(err, errno, "serve on stdio"), werr_status(err, 125);
		if (pid == 0) {
			int null = open("/dev/null", O_RDWR | O_CLOEXEC);
			close(sv[0]);
			/* ssh's pipes are ours: the child must not hold them open */
			dup2(null, 0);
			dup2(null, 1);
			api_serve_conn(e, &o, sv[1]);
		}
		close(sv[1]);
		sock = sv[0];
	}
	splice_stdio(sock);
	close(sock);
	if (pid > 0)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	return 0;
}
