/* hooks.c - OCI hooks (see hooks.h).
 *
 * Facts from containers-hooks.json(5) and Podman 4.3's behaviour: only
 * files ending in ".json" count; a later directory's file masks the same
 * name in an earlier one; hooks are taken in file name order; a file that
 * does not parse, has another version than 1.0.0, an unknown stage or a
 * bad regular expression fails the container's start; a missing directory
 * is no error. The "when" conditions must all hold (any one with "or");
 * "commands" match process.args[0], "annotations" key and value
 * patterns match some annotation. Regular expressions are POSIX extended
 * ones (Go's RE2 in Podman: the common subset behaves the same). */
#include "runtime/hooks.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/util.h"

#define HOOKS_STATUS 126 /* Podman's exit code when hooks stop a start */

const char *const hooks_default_dirs[] = {"/usr/share/containers/oci/hooks.d",
					  "/etc/containers/oci/hooks.d", NULL};

/* config.json's names of the stages, in enum hook_stage order */
static const char *const stage_names[HOOK_NSTAGES] = {
    "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

static int stage_of(const char *name)
{
	for (int i = 0; i < HOOK_NSTAGES; i++)
		if (strcmp(stage_names[i], name) == 0)
			return i;
	return -1;
}

/* o when it is an object, else an empty one that lives as long as the
 * program (json_object_object_foreach cannot take NULL) */
static struct json_object *jobj(struct json_object *o)
{
	static struct json_object *empty;

	if (o != NULL && json_object_is_type(o, json_type_object))
		return o;
	if (empty == NULL)
		empty = json_object_new_object();
	return empty;
}

/* ---- hooks.d files ---- */

struct hook_file {
	char *name; /* the file name: what masks and orders */
	char *path;
	struct json_object *j;
};

struct hook_files {
	struct hook_file *v;
	size_t n;
};

static void hook_files_free(struct hook_files *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].name);
		free(f->v[i].path);
		json_object_put(f->v[i].j);
	}
	free(f->v);
}

static int regex_ok(const char *what, const char *re, struct werr *err)
{
	regex_t r;
	int rc = regcomp(&r, re, REG_EXTENDED | REG_NOSUB);
	char msg[128];

	if (rc == 0) {
		regfree(&r);
		return 0;
	}
	regerror(rc, &r, msg, sizeof(msg));
	return werr_set(err, 0, "invalid %s \"%s\": error parsing regexp: %s", what, re, msg);
}

/* Podman's checks of a 1.0.0 hook (hook.Validate), after the parse. */
static int validate(struct json_object *j, struct werr *err)
{
	struct json_object *when = jget(j, "when"), *stages = jarr(j, "stages");
	struct json_object *cmds = jarr(when, "commands");
	struct json_object *ann = jobj(jget(when, "annotations"));
	const char *path = jstr(jget(j, "hook"), "path");

	if (path == NULL || *path == '\0')
		return werr_set(err, 0, "missing required property: hook.path");
	json_object_object_foreach(ann, k, v)
	{
		if (regex_ok("annotation key", k, err) < 0)
			return -1;
		if (json_object_is_type(v, json_type_string) &&
		    regex_ok("annotation value", json_object_get_string(v), err) < 0)
			return -1;
	}
	for (size_t i = 0; i < jlen(cmds); i++) {
		const char *c = json_object_get_string(json_object_array_get_idx(cmds, i));
		if (c && regex_ok("command", c, err) < 0)
			return -1;
	}
	if (jlen(stages) == 0)
		return werr_set(err, 0, "missing required property: stages");
	for (size_t i = 0; i < jlen(stages); i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(stages, i));
		if (s == NULL || stage_of(s) < 0)
			return werr_set(err, 0, "unknown stage \"%s\"", s ? s : "");
	}
	return 0;
}

/* Reads and checks one hook file; *out NULL when it is to be skipped. */
static int read_hook(const char *path, struct json_object **out, struct werr *err)
{
	cleanup_free char *text = read_file_max(path, 1 << 20, NULL, err);
	enum json_tokener_error jerr = json_tokener_success;
	struct json_object *j;
	const char *version, *hpath;
	struct stat st;

	*out = NULL;
	if (text == NULL)
		return -1;
	j = json_tokener_parse_verbose(text, &jerr);
	if (j == NULL || !json_object_is_type(j, json_type_object)) {
		json_object_put(j);
		return werr_set(err, 0, "parsing hook \"%s\": version check: %s", path,
				j ? "not a JSON object" : json_tokener_error_desc(jerr));
	}
	version = jstr(j, "version");
	if (version == NULL || strcmp(version, "1.0.0") != 0) {
		werr_set(err, 0, "parsing hook \"%s\": unrecognized hook version: \"%s\"", path,
			 version ? version : "");
		json_object_put(j);
		return -1;
	}
	if (validate(j, err) < 0) {
		json_object_put(j);
		return -1;
	}
	/* a hook program that is not there is left out (Podman then runs
	 * no hooks at all, without a word) */
	hpath = jstr(jget(j, "hook"), "path");
	if (stat(hpath, &st) < 0) {
		log_warn("hook \"%s\": '%s': %s: left out", path, hpath, strerror(errno));
		json_object_put(j);
		return 0;
	}
	*out = j;
	return 0;
}

static void files_put(struct hook_files *f, const char *name, const char *path,
		      struct json_object *j)
{
	for (size_t i = 0; i < f->n; i++) {
		if (strcmp(f->v[i].name, name) == 0) {
			/* a later directory masks the file of an earlier one */
			json_object_put(f->v[i].j);
			free(f->v[i].path);
			f->v[i].path = xstrdup(path);
			f->v[i].j = j;
			return;
		}
	}
	f->v = xrealloc(f->v, (f->n + 1) * sizeof(*f->v));
	f->v[f->n++] = (struct hook_file){xstrdup(name), xstrdup(path), j};
}

static int read_dir(const char *dir, struct hook_files *f, struct werr *err)
{
	cleanup_dir DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return errno == ENOENT ? 0 : werr_set(err, errno, "open hooks directory '%s'", dir);
	while ((de = readdir(d)) != NULL) {
		cleanup_free char *path = NULL;
		struct json_object *j = NULL;
		struct stat st;

		if (!str_has_suffix(de->d_name, ".json"))
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (read_hook(path, &j, err) < 0)
			return -1;
		if (j != NULL)
			files_put(f, de->d_name, path, j);
	}
	return 0;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct hook_file *)a)->name, ((const struct hook_file *)b)->name);
}

/* ---- when ---- */

static bool hook_re_match(const char *re, const char *s)
{
	regex_t r;
	bool m;

	if (regcomp(&r, re, REG_EXTENDED | REG_NOSUB) != 0)
		return false; /* validated before: not reached */
	m = regexec(&r, s, 0, NULL, 0) == 0;
	regfree(&r);
	return m;
}

/* Does some annotation match the key and value patterns? */
static bool annotation_match(struct json_object *annotations, const char *kre, const char *vre)
{
	json_object_object_foreach(jobj(annotations), k, v)
	{
		const char *s = json_object_get_string(v);
		if (hook_re_match(kre, k) && hook_re_match(vre, s ? s : ""))
			return true;
	}
	return false;
}

static bool command_match(struct json_object *cmds, const char *arg0)
{
	for (size_t i = 0; i < jlen(cmds); i++) {
		const char *c = json_object_get_string(json_object_array_get_idx(cmds, i));
		if (c && hook_re_match(c, arg0))
			return true;
	}
	return false;
}

/* when: every condition given must hold (with "or": one is enough); no
 * condition at all matches nothing. */
static bool when_match(struct json_object *when, struct json_object *spec, bool has_binds)
{
	struct json_object *v, *ann = jget(spec, "annotations");
	struct json_object *args = jarr(jget(spec, "process"), "args");
	const char *arg0 =
	    jlen(args) ? json_object_get_string(json_object_array_get_idx(args, 0)) : "";
	bool any = json_object_get_boolean(jget(when, "or"));
	bool results[64];
	size_t n = 0;

	if ((v = jget(when, "always")) != NULL)
		results[n++] = json_object_get_boolean(v);
	if ((v = jget(when, "hasBindMounts")) != NULL)
		results[n++] = json_object_get_boolean(v) && has_binds;
	json_object_object_foreach(jobj(jget(when, "annotations")), k, pat)
	{
		const char *p = json_object_get_string(pat);
		if (n < ARRAY_SIZE(results))
			results[n++] = annotation_match(ann, k, p ? p : "");
	}
	if (jlen(jarr(when, "commands")) > 0 && n < ARRAY_SIZE(results))
		results[n++] = command_match(jarr(when, "commands"), arg0 ? arg0 : "");
	for (size_t i = 0; i < n; i++)
		if (results[i] == any)
			return any;
	return n > 0 && !any;
}

/* ---- into config.json ---- */

/* The hook object of config.json from a hooks.d file's "hook". */
static struct json_object *spec_hook(struct json_object *h)
{
	struct json_object *o = json_object_new_object(), *v;

	jset_str(o, "path", jstr(h, "path"));
	if ((v = jarr(h, "args")) != NULL)
		jset(o, "args", json_object_get(v));
	if ((v = jarr(h, "env")) != NULL)
		jset(o, "env", json_object_get(v));
	if ((v = jget(h, "timeout")) != NULL && json_object_is_type(v, json_type_int))
		jset(o, "timeout", json_object_get(v));
	return o;
}

static void add_hook(struct json_object *spec, struct json_object *file)
{
	struct json_object *hooks = jget(spec, "hooks"), *stages = jarr(file, "stages");

	if (hooks == NULL) {
		hooks = json_object_new_object();
		jset(spec, "hooks", hooks);
	}
	for (size_t i = 0; i < jlen(stages); i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(stages, i));
		struct json_object *arr = jarr(hooks, s);
		if (arr == NULL) {
			arr = json_object_new_array();
			jset(hooks, s, arr);
		}
		json_object_array_add(arr, spec_hook(jget(file, "hook")));
	}
}

int hooks_add_to_spec(char *const *dirs, struct json_object *spec, bool has_binds, struct werr *err)
{
	struct hook_files f = {0};
	char *const *d = dirs ? dirs : (char *const *)hooks_default_dirs;
	int rc = 0;

	for (; *d && rc == 0; d++)
		rc = read_dir(*d, &f, err);
	if (rc == 0 && f.n > 1)
		qsort(f.v, f.n, sizeof(*f.v), cmp_file);
	for (size_t i = 0; rc == 0 && i < f.n; i++)
		if (when_match(jget(f.v[i].j, "when"), spec, has_binds))
			add_hook(spec, f.v[i].j);
	hook_files_free(&f);
	if (rc < 0) {
		werr_wrap(err, "setting up OCI Hooks");
		return werr_status(err, HOOKS_STATUS);
	}
	return 0;
}

/* ---- from config.json ---- */

int hooks_parse(struct json_object *hooks, struct hook_set *out, struct werr *err)
{
	struct hook_set h = {0};

	for (int s = 0; s < HOOK_NSTAGES; s++) {
		struct json_object *arr = jarr(hooks, stage_names[s]);
		if (jlen(arr) == 0)
			continue;
		h.v[s] = xcalloc(jlen(arr), sizeof(struct hook));
		for (size_t i = 0; i < jlen(arr); i++) {
			struct json_object *j = json_object_array_get_idx(arr, i);
			struct hook *k = &h.v[s][h.n[s]++];
			struct json_object *t = jget(j, "timeout");
			k->path = jstrdup(j, "path");
			k->args = jstrv(jarr(j, "args"));
			k->env = jstrv(jarr(j, "env"));
			k->timeout = t ? json_object_get_int(t) : 0;
			if (k->path == NULL || k->path[0] != '/') {
				hook_set_free(&h);
				return werr_set(err, 0, "%s hook #%zu: path must be absolute",
						stage_names[s], i);
			}
			if (k->args[0] == NULL)
				k->args = strv_append(k->args, k->path);
		}
	}
	*out = h;
	return 0;
}

void hook_set_free(struct hook_set *h)
{
	for (int s = 0; s < HOOK_NSTAGES; s++) {
		for (size_t i = 0; i < h->n[s]; i++) {
			free(h->v[s][i].path);
			strv_free(h->v[s][i].args);
			strv_free(h->v[s][i].env);
		}
		free(h->v[s]);
	}
	memset(h, 0, sizeof(*h));
}

char *hooks_state(const char *oci_version, const char *id, const char *status, pid_t pid,
		  const char *bundle, const char *annotations)
{
	cleanup_json struct json_object *o = json_object_new_object();
	struct json_object *a = annotations ? json_tokener_parse(annotations) : NULL;

	jset_str(o, "ociVersion", oci_version ? oci_version : "1.1.0");
	jset_str(o, "id", id);
	jset_str(o, "status", status);
	if (pid > 0)
		jset(o, "pid", json_object_new_int(pid));
	jset_str(o, "bundle", bundle);
	jset(o, "annotations", a ? a : json_object_new_object());
	return xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* ---- running them ---- */

/* What a hook printed (the start of it, for the error message). */
struct hook_out {
	char buf[256];
	size_t len;
};

static __attribute__((noreturn)) void hook_child(const struct hook *h, int in, int out)
{
	sigset_t none;
	char msg[128];
	int n;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (dup2(in, 0) >= 0 && dup2(out, 1) >= 0 && dup2(out, 2) >= 0)
		execve(h->path, h->args, h->env);
	n = snprintf(msg, sizeof(msg), "exec: %s", strerror(errno));
	if (n > 0 && write(out, msg, (size_t)n) < 0)
		_exit(127);
	_exit(127);
}

static void out_read(int *fd, struct hook_out *o)
{
	char tmp[256];
	ssize_t n = read(*fd, tmp, sizeof(tmp));

	if (n <= 0) {
		if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
			close(*fd);
			*fd = -1;
		}
		return;
	}
	for (ssize_t i = 0; i < n && o->len < sizeof(o->buf) - 1; i++)
		o->buf[o->len++] = tmp[i];
	o->buf[o->len] = '\0';
}

/* Waits for the hook, reading what it prints; 1 when it ran past its
 * timeout (then it is killed). */
static int hook_wait(pid_t pid, int out, int timeout, int *status, struct hook_out *o)
{
	int64_t deadline = timeout > 0 ? now_ns() + (int64_t)timeout * 1000000000LL : 0;
	struct timespec ts = {0, 5 * 1000 * 1000};

	for (;;) {
		struct pollfd p = {.fd = out, .events = POLLIN};
		pid_t r;

		if (out >= 0 && poll(&p, 1, 20) > 0)
			out_read(&out, o);
		else if (out < 0)
			nanosleep(&ts, NULL);
		r = waitpid(pid, status, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			break;
		if (deadline && now_ns() > deadline) {
			kill(pid, SIGKILL);
			while (waitpid(pid, status, 0) < 0 && errno == EINTR)
				;
			if (out >= 0)
				close(out);
			return 1;
		}
	}
	while (out >= 0) /* what it printed last (its children may keep it open: no wait) */
		if (poll(&(struct pollfd){.fd = out, .events = POLLIN}, 1, 0) > 0)
			out_read(&out, o);
		else {
			close(out);
			out = -1;
		}
	return 0;
}

static int hook_fail(struct werr *err, enum hook_stage stage, size_t i, const struct hook *h,
		     const char *what, const struct hook_out *o)
{
	char text[sizeof(o->buf)];
	size_t n = 0;

	/* one line: the output's newlines become spaces, the last dropped */
	for (size_t k = 0; k < o->len; k++)
		text[n++] = o->buf[k] == '\n' ? ' ' : o->buf[k];
	while (n > 0 && text[n - 1] == ' ')
		n--;
	text[n] = '\0';
	werr_set(err, 0, "error running %s hook #%zu (%s): %s%s%s", stage_names[stage], i, h->path,
		 what, n ? ", output: " : "", text);
	return werr_status(err, HOOKS_STATUS);
}

static int run_one(const struct hook *h, enum hook_stage stage, size_t i, const char *state,
		   struct werr *err)
{
	struct hook_out o = {.len = 0};
	int in[2], out[2], status = 0, timed_out;
	char what[64];
	pid_t pid;

	/* stdin a socket: a hook that exits without reading cannot SIGPIPE us */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) < 0)
		return werr_set(err, errno, "socketpair");
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		return werr_set(err, errno, "pipe");
	}
	pid = fork();
	if (pid == 0)
		hook_child(h, in[1], out[1]);
	close(in[1]);
	close(out[1]);
	if (pid < 0) {
		close(in[0]);
		close(out[0]);
		return werr_set(err, errno, "fork for the %s hook", stage_names[stage]);
	}
	/* the state is small: what does not fit at once is not waited for */
	if (send(in[0], state, strlen(state), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		log_debug("%s hook #%zu: state not sent: %s", stage_names[stage], i,
			  strerror(errno));
	close(in[0]);
	timed_out = hook_wait(pid, out[0], h->timeout, &status, &o);
	if (timed_out) {
		snprintf(what, sizeof(what), "hook ran past specified timeout of %ds", h->timeout);
		return hook_fail(err, stage, i, h, what, &o);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		snprintf(what, sizeof(what), "killed by signal %d", WTERMSIG(status));
	else
		snprintf(what, sizeof(what), "exit status %d", WEXITSTATUS(status));
	return hook_fail(err, stage, i, h, what, &o);
}

int hooks_run(const struct hook_set *h, enum hook_stage stage, const char *state, bool keep_going,
	      struct werr *err)
{
	struct werr e2;
	int rc = 0;

	for (size_t i = 0; i < h->n[stage]; i++) {
		werr_clear(&e2);
		if (run_one(&h->v[stage][i], stage, i, state, &e2) == 0)
			continue;
		if (rc == 0)
			*err = e2;
		rc = -1;
		if (!keep_going)
			break;
	}
	return rc;
}

int hooks_poststop(const char *bundle_dir, const char *id, struct werr *err)
{
	cleanup_free char *path = xasprintf("%s/config.json", bundle_dir);
	cleanup_free char *text = read_file_at(AT_FDCWD, path, NULL, NULL);
	cleanup_json struct json_object *spec = NULL;
	cleanup_free char *state = NULL;
	struct hook_set h = {0};
	struct json_object *ann;
	int rc;

	/* the cheap test first: nearly every container has no hooks */
	if (text == NULL || strstr(text, "\"poststop\"") == NULL)
		return 0;
	if ((spec = jparse(text, path, err)) == NULL ||
	    hooks_parse(jget(spec, "hooks"), &h, err) < 0)
		return -1;
	ann = jget(spec, "annotations");
	state = hooks_state(jstr(spec, "ociVersion"), id, "stopped", 0, bundle_dir,
			    ann ? json_object_to_json_string(ann) : NULL);
	rc = hooks_run(&h, HOOK_POSTSTOP, state, true, err);
	hook_set_free(&h);
	return rc;
}
