/* api_exec.c - exec through the API: POST /containers/{id}/exec records
 * a session (<runroot>/exec/<container>/api/<id>, JSON: its config, then
 * its pid and exit code; removed once an inspect saw it end, with its
 * container, or by the sweep at the service's start), /exec/{id}/start runs it with container_exec
 * as `warren exec` does, on the hijacked connection (or detached), /exec/{id}/resize reaches the
 * starting process with SIGWINCH, /exec/{id}/json shows it. */
#include "api/api_int.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "rootless/rootless.h"
#include "runtime/container_exec.h"
#include "runtime/execsess.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The record of session id of container ctr_id: <runroot>/exec/<ctr_id>/api/<id>
 * (with suffix: ".size"), malloc'd */
static char *record_path(struct engine *e, const char *ctr_id, const char *id, const char *suffix)
{
	cleanup_free char *dir = exec_session_dir(e, ctr_id);

	return xasprintf("%s/api/%s%s", dir, id, suffix);
}

/* The path of session id's record (suffix appended), NULL when there is
 * none. An id is 64 hex digits: nothing else reaches the file system.
 * The records are looked for under every container that has sessions
 * (a few directories). */
static char *exec_find(struct engine *e, const char *id, const char *suffix)
{
	cleanup_free char *top = xasprintf("%s/exec", e->runroot);
	cleanup_dir DIR *d = NULL;
	struct dirent *de;
	struct stat st;

	if (strlen(id) != 64 || !str_is_hex(id, 64) || (d = opendir(top)) == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		cleanup_free char *rel = NULL;
		if (strlen(de->d_name) != 64)
			continue;
		rel = xasprintf("%s/api/%s", de->d_name, id);
		if (fstatat(dirfd(d), rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
			return xasprintf("%s/%s%s", top, rel, suffix);
	}
	return NULL;
}

/* Writes session s (its "ContainerID" and "ID" name the file). create: its
 * directories are made; else a record that is gone (its container was
 * removed, it was inspected) stays gone. */
static int exec_save(struct api_ctx *c, struct json_object *s, bool create, struct werr *err)
{
	const char *ctr = jstr(s, "ContainerID"), *id = jstr(s, "ID");
	cleanup_free char *p = NULL, *dir = NULL;
	const char *text = json_object_to_json_string_ext(s, JSON_C_TO_STRING_PLAIN);

	if (ctr == NULL || id == NULL)
		return werr_set(err, EINVAL, "exec session without an id");
	p = record_path(c->e, ctr, id, "");
	dir = xstrndup(p, (size_t)(strrchr(p, '/') - p));
	if (create && mkdir_p(dir, 0700, err) < 0)
		return -1;
	if (!create && access(p, F_OK) < 0)
		return 0;
	return write_file_atomic_at(AT_FDCWD, p, text, strlen(text), 0600, err);
}

/* Removes session id's record and its size (an inspect saw it end). */
static void exec_drop(struct engine *e, const char *id)
{
	cleanup_free char *p = exec_find(e, id, ""), *size = NULL;

	if (p == NULL)
		return;
	size = xasprintf("%s.size", p);
	unlink(size);
	unlink(p);
}

/* The session's file as it is now, NULL when it cannot be read. */
static struct json_object *exec_reload(struct api_ctx *c)
{
	cleanup_free char *path = exec_find(c->e, c->arg, ""), *text = NULL;
	struct werr err = {0};

	if (path == NULL)
		return NULL;
	text = read_file_at(AT_FDCWD, path, NULL, &err);
	return text ? json_tokener_parse(text) : NULL;
}

/* The session {id} of the path; 404 answered here (NULL). */
static struct json_object *exec_load(struct api_ctx *c)
{
	struct json_object *s = NULL;

	if (api_ready(c) < 0)
		return NULL;
	s = exec_reload(c);
	if (s == NULL)
		api_error(c, 404, "No such exec instance: %s", c->arg);
	return s;
}

/* The size a resize left in <id>.size: 1, or 0 when none. The file is
 * only ever replaced whole (no read-modify-write with the session's). */
static int exec_size(struct api_ctx *c, unsigned short *rows, unsigned short *cols)
{
	cleanup_free char *path = exec_find(c->e, c->arg, ".size");
	struct werr err = {0};
	cleanup_free char *text = path ? read_file_at(AT_FDCWD, path, NULL, &err) : NULL;
	unsigned r, k;

	if (text == NULL || sscanf(text, "%u %u", &r, &k) != 2 || r == 0 || k == 0 || r > 65535 ||
	    k > 65535)
		return 0;
	*rows = (unsigned short)r;
	*cols = (unsigned short)k;
	return 1;
}

static bool jbool(struct json_object *o, const char *k)
{
	return json_object_get_boolean(jget(o, k));
}

static bool exec_ended(struct json_object *s);

/* POST /containers/{id}/exec: Cmd, Env, User, WorkingDir, Tty,
 * AttachStdin/Stdout/Stderr, Privileged; 201 {"Id"} */
int api_exec_create(struct api_ctx *c)
{
	static const struct {
		const char *field;
		enum json_type type;
	} types[] = {
	    {"Env", json_type_array},
	    {"User", json_type_string},
	    {"WorkingDir", json_type_string},
	    {"Tty", json_type_boolean},
	    {"AttachStdin", json_type_boolean},
	    {"AttachStdout", json_type_boolean},
	    {"AttachStderr", json_type_boolean},
	    {"Privileged", json_type_boolean},
	    {"Detach", json_type_boolean},
	    {"DetachKeys", json_type_string},
	};
	cleanup_json struct json_object *b = NULL;
	struct container_rec r = {0};
	const char *bad = NULL;
	bool badl;
	char **cmd;
	char id[65];
	struct werr err = {0};

	if ((b = api_body(c)) == NULL)
		return 0;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!api_typed(b, types[i].field, types[i].type, &bad))
			return api_error(c, 400, "json: field %s has the wrong type", bad);
	cmd = api_str_or_list(jget(b, "Cmd"), &badl);
	if (badl || cmd == NULL || cmd[0] == NULL) {
		strv_free(cmd);
		return api_error(c, 400, "No exec command specified");
	}
	strv_free(cmd);
	if (!api_ctr_lookup(c, &r))
		return 0;
	if (r.state != CTR_RUNNING) {
		container_rec_free(&r);
		return api_error(c, 409, "Container %s is not running", c->arg);
	}
	random_hex(id, 64);
	jset_str(b, "ID", id);
	jset_str(b, "ContainerID", r.id);
	container_rec_free(&r);
	if (exec_save(c, b, true, &err) < 0)
		return api_werr(c, &err, 500);
	struct json_object *res = json_object_new_object();
	jset_str(res, "Id", id);
	return api_json(c, 201, res);
}

/* Records the pid in the session's file as it is now (a resize may
 * have written its size meanwhile). */
static void exec_update_pid(struct api_ctx *c, int pid)
{
	cleanup_json struct json_object *now = exec_reload(c);
	struct werr err = {0};

	if (now == NULL)
		return;
	jset(now, "Pid", json_object_new_int(pid));
	exec_save(c, now, false, &err);
}

/* The session's process, for SIGWINCH (exec resize) */
struct exec_run {
	struct api_ctx *c;
	bool tty;
	int sfd;
};

static void on_winch(void *arg, const struct ctr_proc *p)
{
	struct exec_run *x = arg;
	struct signalfd_siginfo si;
	struct werr err = {0};
	unsigned short rows, cols;

	if (read(x->sfd, &si, sizeof(si)) < 0)
		return;
	if (x->tty && exec_size(x->c, &rows, &cols))
		executor_resize(p, rows, cols, &err);
}

static void on_output(void *arg, bool is_stderr, const char *buf, size_t n)
{
	struct exec_run *x = arg;

	api_write_frame(x->c->fd, false, is_stderr ? 2 : 1, buf, n);
}

/* Runs session s attached to the taken-over connection: its exit code,
 * or -1 with err. */
static int exec_attached(struct api_ctx *c, struct json_object *s, const struct container_rec *r,
			 struct ctr_exec_opts *xo, struct werr *err)
{
	struct exec_run x = {.c = c, .tty = xo->tty, .sfd = -1};
	struct exec_io io = {.in_fd = jbool(s, "AttachStdin") ? c->fd : -1,
			     .out_fd = -1,
			     .err_fd = -1,
			     .event_fd = -1};
	struct exec_tee tee = {.out_pipe = -1, .err_pipe = -1, .on_output = on_output, .arg = &x};
	struct ctr_proc p = {.pty_master = -1};
	int po[2] = {-1, -1}, pe[2] = {-1, -1}, code = -1;
	sigset_t winch;

	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	sigprocmask(SIG_BLOCK, &winch, NULL);
	x.sfd = signalfd(-1, &winch, SFD_CLOEXEC);
	io.event_fd = x.sfd;
	io.on_event = on_winch;
	io.event_arg = &x;
	/* a resize may have come first; else 24x80 until one comes (API 1.41
	 * has no ConsoleSize: the CLI resizes once it is started) */
	if (!exec_size(c, &io.rows, &io.cols)) {
		io.rows = 24;
		io.cols = 80;
	}
	if (xo->tty) {
		io.out_fd = c->fd;
	} else {
		if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0) {
			werr_set(err, errno, "pipe");
			goto out;
		}
		io.out_fd = jbool(s, "AttachStdout") ? po[1] : -1;
		io.err_fd = jbool(s, "AttachStderr") ? pe[1] : -1;
	}
	/* a resize from now on signals us (SIGWINCH, blocked: read from the
	 * signalfd while waiting); one that came before is in the file, which
	 * the SIGWINCH raised after the start reads */
	jset(s, "ServerPid", json_object_new_int(getpid()));
	jset(s, "Running", json_object_new_boolean(true));
	exec_save(c, s, false, err);
	if (container_exec_rec(c->e, r, xo, &io, &p, err) < 0)
		goto out;
	jset(s, "Pid", json_object_new_int(p.pid));
	exec_update_pid(c, p.pid);
	raise(SIGWINCH);
	if (!xo->tty) {
		close(po[1]);
		close(pe[1]);
		po[1] = pe[1] = -1;
		tee.out_pipe = po[0];
		tee.err_pipe = pe[0];
		po[0] = pe[0] = -1;
		io.out_fd = io.err_fd = -1;
		io.tee = &tee;
	}
	if (executor_wait(&p, &io, &code, err) < 0)
		code = -1;
out:
	for (int i = 0; i < 2; i++) {
		if (po[i] >= 0)
			close(po[i]);
		if (pe[i] >= 0)
			close(pe[i]);
	}
	if (x.sfd >= 0)
		close(x.sfd);
	sigprocmask(SIG_UNBLOCK, &winch, NULL);
	return code;
}

/* POST /exec/{id}/start {"Detach", "Tty"} */
int api_exec_start(struct api_ctx *c)
{
	cleanup_json struct json_object *s = exec_load(c), *b = NULL;
	struct container_rec r = {0};
	struct werr err = {0};
	char session[65];
	cleanup_free char *user = NULL, *workdir = NULL;
	char **cmd = NULL, **env = NULL;
	bool badl, upgrade = http_header(c->req, "Upgrade") != NULL;
	const char *bad = NULL;
	int code;

	if (s == NULL || (b = api_body(c)) == NULL)
		return 0;
	if (!api_typed(b, "Detach", json_type_boolean, &bad) ||
	    !api_typed(b, "Tty", json_type_boolean, &bad))
		return api_error(c, 400, "json: field %s has the wrong type", bad);
	if (jget(s, "Pid"))
		return api_error(c, 409, "exec session %s has already been started", c->arg);
	if (container_lookup(c->e, jstr(s, "ContainerID"), &r, &err) <= 0)
		return api_error(c, 404, "No such container: %s", jstr(s, "ContainerID"));
	if (r.state != CTR_RUNNING) {
		container_rec_free(&r);
		return api_error(c, 409, "Container %s is not running", r.id);
	}
	cmd = api_str_or_list(jget(s, "Cmd"), &badl);
	env = jstrv(jget(s, "Env"));
	user = jstrdup(s, "User");
	workdir = jstrdup(s, "WorkingDir");
	struct ctr_exec_opts xo = {.cmd = cmd,
				   .env = env,
				   .user = user && *user ? user : NULL,
				   .workdir = workdir && *workdir ? workdir : NULL,
				   .tty = jbool(s, "Tty") || jbool(b, "Tty"),
				   .privileged = jbool(s, "Privileged"),
				   .detach = jbool(b, "Detach"),
				   .session_id = session};
	if (xo.detach) {
		struct exec_io io = {.in_fd = -1, .out_fd = -1, .err_fd = -1, .event_fd = -1};
		struct ctr_proc p = {.pty_master = -1};
		xo.tty = false;
		if (container_exec_rec(c->e, &r, &xo, &io, &p, &err) < 0) {
			code = api_werr(c, &err, 500);
		} else {
			jset(s, "Running", json_object_new_boolean(true));
			jset(s, "Pid", json_object_new_int(p.pid));
			exec_save(c, s, false, &err);
			code = http_send(c->fd, 200, NULL, NULL, 0, false) < 0;
		}
	} else {
		cleanup_free char *head = xasprintf(
		    "HTTP/1.1 %s\r\nContent-Type: application/vnd.docker.%s-stream\r\n%s\r\n",
		    upgrade ? "101 UPGRADED" : "200 OK", xo.tty ? "raw" : "multiplexed",
		    upgrade ? "Connection: Upgrade\r\nUpgrade: tcp\r\n" : "");
		code = 1;
		if (write_all(c->fd, head, strlen(head)) == 0) {
			int ec = exec_attached(c, s, &r, &xo, &err);
			if (ec < 0) {
				/* as `warren exec`: the error on the stream, its
				 * status (127: no such command, 126: not runnable) */
				cleanup_free char *m = xasprintf("%s\n", err.msg);
				api_write_frame(c->fd, xo.tty, 2, m, strlen(m));
				ec = err.status ? err.status : 126;
			}
			jset(s, "Running", json_object_new_boolean(false));
			jset(s, "ExitCode", json_object_new_int(ec));
			if (jget(s, "Pid") == NULL)
				jset(s, "Pid", json_object_new_int(0));
			exec_save(c, s, false, &err);
		}
		api_hijack_end(c->fd);
	}
	strv_free(cmd);
	strv_free(env);
	container_rec_free(&r);
	return code;
}

/* POST /exec/{id}/resize?h=&w= */
int api_exec_resize(struct api_ctx *c)
{
	cleanup_json struct json_object *s = NULL;
	struct werr err = {0};
	unsigned rows, cols;

	if (api_size_query(c, &rows, &cols) < 0 || (s = exec_load(c)) == NULL)
		return 0;
	cleanup_free char *path = exec_find(c->e, c->arg, ".size");
	cleanup_free char *text = xasprintf("%u %u", rows, cols);
	if (path == NULL)
		return api_error(c, 404, "No such exec instance: %s", c->arg);
	if (write_file_atomic_at(AT_FDCWD, path, text, strlen(text), 0600, &err) < 0)
		return api_werr(c, &err, 500);
	if (jbool(s, "Running") && json_object_get_int(jget(s, "ServerPid")) > 0)
		kill(json_object_get_int(jget(s, "ServerPid")), SIGWINCH);
	return http_send(c->fd, 200, NULL, NULL, 0, false) < 0;
}

/* GET /exec/{id}/json: Docker's ExecInspect */
int api_exec_inspect(struct api_ctx *c)
{
	cleanup_json struct json_object *s = exec_load(c);
	struct json_object *o, *pc;
	bool badl, running;
	char **cmd;
	int pid;

	if (s == NULL)
		return 0;
	pid = json_object_get_int(jget(s, "Pid"));
	running = jbool(s, "Running") && pid > 0 && kill(pid, 0) == 0;
	o = json_object_new_object();
	pc = json_object_new_object();
	cmd = api_str_or_list(jget(s, "Cmd"), &badl);
	jset_str(o, "ID", jstr(s, "ID"));
	jset(o, "Running", json_object_new_boolean(running));
	jset(o, "ExitCode",
	     jget(s, "ExitCode") && !running
		 ? json_object_new_int(json_object_get_int(jget(s, "ExitCode")))
		 : NULL);
	jset_str(pc, "entrypoint", cmd ? cmd[0] : "");
	jset(pc, "arguments", jnew_strv(cmd && cmd[0] ? cmd + 1 : NULL));
	jset(pc, "tty", json_object_new_boolean(jbool(s, "Tty")));
	jset(pc, "privileged", json_object_new_boolean(jbool(s, "Privileged")));
	jset_str(pc, "user", jstr(s, "User"));
	strv_free(cmd);
	jset(o, "ProcessConfig", pc);
	jset(o, "OpenStdin", json_object_new_boolean(jbool(s, "AttachStdin")));
	jset(o, "OpenStdout", json_object_new_boolean(jbool(s, "AttachStdout")));
	jset(o, "OpenStderr", json_object_new_boolean(jbool(s, "AttachStderr")));
	jset(o, "CanRemove", json_object_new_boolean(false));
	jset_str(o, "ContainerID", jstr(s, "ContainerID"));
	jset_str(o, "DetachKeys", "");
	jset(o, "Pid", json_object_new_int(pid));
	/* seen ended: the record goes (Docker keeps it until the container
	 * goes; its clients inspect once, for the exit code) */
	if (exec_ended(s))
		exec_drop(c->e, c->arg);
	return api_json(c, 200, o);
}

/* Is session s over for good: an exit code recorded, or its process gone
 * with nobody left to record one (detached: no ServerPid; or the
 * service's process that ran it died)? A session never started is not. */
static bool exec_ended(struct json_object *s)
{
	int pid = json_object_get_int(jget(s, "Pid")),
	    server = json_object_get_int(jget(s, "ServerPid"));

	if (jget(s, "Pid") == NULL)
		return false;
	if (!jbool(s, "Running"))
		return jget(s, "ExitCode") != NULL || pid == 0;
	if (pid > 0 && kill(pid, 0) == 0)
		return false;
	return server <= 0 || kill(server, 0) < 0;
}

/* The records of one container's api/ directory (dfd): all of them when
 * the container does not run, else the ended ones. */
static void sweep_records(int dfd, bool running)
{
	cleanup_dir DIR *d = fdopendir(dfd);
	struct dirent *de;

	if (d == NULL) {
		close(dfd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		cleanup_free char *text = NULL;
		cleanup_json struct json_object *s = NULL;
		if (de->d_name[0] == '.' || strlen(de->d_name) != 64)
			continue;
		text = read_file_at(dirfd(d), de->d_name, NULL, NULL);
		s = text ? json_tokener_parse(text) : NULL;
		if (!running || s == NULL || exec_ended(s)) {
			cleanup_free char *size = xasprintf("%s.size", de->d_name);
			unlinkat(dirfd(d), size, 0);
			unlinkat(dirfd(d), de->d_name, 0);
		}
	}
}

/* In the service's helper process: joins the namespace, opens the store
 * and sweeps (never returns). */
static void sweep_child(struct engine *e)
{
	cleanup_free char *top = xasprintf("%s/exec", e->runroot);
	cleanup_free char *legacy = xasprintf("%s/api-exec", e->runroot);
	cleanup_dir DIR *d = NULL;
	struct dirent *de;
	struct werr err = {0};

	if ((e->rootless && !e->in_userns && pause_join(e, &err) < 0) ||
	    engine_store(e, &err) == NULL)
		_exit(1);
	/* where records were kept before they went with their container */
	rm_rf_at(AT_FDCWD, legacy, &err);
	d = opendir(top);
	while (d != NULL && (de = readdir(d)) != NULL) {
		struct container_rec r = {0};
		cleanup_free char *api = NULL;
		int found, dfd;
		if (strlen(de->d_name) != 64)
			continue;
		api = xasprintf("%s/api", de->d_name);
		dfd = openat(dirfd(d), api, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dfd < 0)
			continue;
		found = container_lookup(e, de->d_name, &r, &err);
		if (found == 0) { /* removed while the service was away */
			close(dfd);
			rm_rf_at(dirfd(d), de->d_name, &err);
		} else if (found == 1) {
			sweep_records(dfd, r.state == CTR_RUNNING);
		} else {
			close(dfd);
		}
		container_rec_free(&r);
	}
	_exit(0);
}

void api_exec_sweep(struct engine *e)
{
	cleanup_free char *top = xasprintf("%s/exec", e->runroot);
	cleanup_free char *legacy = xasprintf("%s/api-exec", e->runroot);
	cleanup_dir DIR *d = opendir(top);
	struct dirent *de;
	bool any = access(legacy, F_OK) == 0;
	pid_t pid;
	int st;

	/* looked at from here (no namespace, no store): most starts find nothing */
	while (!any && d != NULL && (de = readdir(d)) != NULL) {
		cleanup_free char *api = xasprintf("%s/api", de->d_name);
		any = strlen(de->d_name) == 64 && faccessat(dirfd(d), api, F_OK, 0) == 0;
	}
	if (!any)
		return;
	pid = fork();
	if (pid == 0)
		sweep_child(e);
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
}
