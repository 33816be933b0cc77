/* api_build.c - POST /build (Docker's legacy builder, what `docker build`
 * uses without BuildKit): the body is the context as a tar (spooled to a
 * file), the query the flags. `warren build` runs on it in a child of the
 * service, and its lines go out as Docker's progress JSON ({"stream"}),
 * then {"aux": {"ID"}} and "Successfully built/tagged", or {"error",
 * "errorDetail"} with the failing step's message. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "api/api_int.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"

/* {"K": "V", ...} of query parameter key as repeated `flag K=V` args */
static int kv_args(struct api_ctx *c, const char *key, const char *flag, char ***args)
{
	cleanup_free char *q = http_query(c->req, key);
	cleanup_json struct json_object *o = NULL;

	if (q == NULL || *q == '\0')
		return 0;
	o = json_tokener_parse(q);
	if (!json_object_is_type(o, json_type_object)) {
		api_error(c, 400, "%s: not a JSON object of strings", key);
		return -1;
	}
	json_object_object_foreach(o, k, v)
	{
		cleanup_free char *kv = NULL;
		if (v != NULL && !json_object_is_type(v, json_type_string)) {
			api_error(c, 400, "%s: the value of %s is not a string", key, k);
			return -1;
		}
		/* a null build arg: take it from the environment (none here) */
		kv = v ? xasprintf("%s=%s", k, json_object_get_string(v)) : xstrdup(k);
		*args = strv_append(*args, flag);
		*args = strv_append(*args, kv);
	}
	return 0;
}

/* the query as `warren build` arguments, the context from stdin ("-") */
static char **build_args(struct api_ctx *c, const char *iidfile)
{
	static const struct {
		const char *q, *flag;
	} strs[] = {{"dockerfile", "--file"},
		    {"target", "--target"},
		    {"networkmode", "--network"},
		    {"platform", "--platform"}};
	static const struct {
		const char *q, *flag;
	} bools[] = {{"nocache", "--no-cache"}, {"pull", "--pull"}, {"squash", "--squash"}};
	cleanup_strv char **tags = http_query_all(c->req, "t");
	/* Docker's images: HEALTHCHECK, SHELL and ONBUILD kept */
	char **args = strv_append(strv_append(strv_append(NULL, "build"), "--format"), "docker");

	for (size_t i = 0; tags && tags[i]; i++) {
		args = strv_append(args, "--tag");
		args = strv_append(args, tags[i]);
	}
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		cleanup_free char *v = http_query(c->req, strs[i].q);
		/* Docker's default network mode is "default" */
		if (v == NULL || *v == '\0' ||
		    (strcmp(strs[i].q, "networkmode") == 0 && strcmp(v, "default") == 0))
			continue;
		args = strv_append(args, strs[i].flag);
		args = strv_append(args, v);
	}
	for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++)
		if (http_query_bool(c->req, bools[i].q, false))
			args = strv_append(args, bools[i].flag);
	if (kv_args(c, "buildargs", "--build-arg", &args) < 0 ||
	    kv_args(c, "labels", "--label", &args) < 0) {
		strv_free(args);
		return NULL;
	}
	args = strv_append(args, "--iidfile");
	args = strv_append(args, iidfile);
	args = strv_append(args, "-");
	return args;
}

static int send_obj(int fd, struct json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	cleanup_free char *line = xasprintf("%s\r\n", s);
	int rc = http_chunk(fd, line, strlen(line));

	json_object_put(o);
	return rc;
}

static int send_stream(int fd, const char *text)
{
	struct json_object *o = json_object_new_object();

	jset_str(o, "stream", text);
	return send_obj(fd, o);
}

int api_build(struct api_ctx *c)
{
	cleanup_strv char **args = NULL;
	cleanup_free char *dir = NULL, *iidfile = NULL, *id = NULL;
	char last[1024] = "";
	cleanup_free char *line = NULL;
	size_t cap = 0;
	FILE *out_f = NULL;
	bool quiet = http_query_bool(c->req, "q", false), gone = false;
	struct werr err = {0};
	int out[2] = {-1, -1}, in = -1, st = 0;
	pid_t pid;

	/* (no api_ready: the child joins the user namespace itself, as a
	 * command does; the service's own join is no place to mount from) */
	dir = xasprintf("%s/api-build.XXXXXX", c->e->runroot);
	if (mkdtemp(dir) == NULL) {
		free(steal_pointer(&dir));
		return api_error(c, 500, "build: a temporary dir in %s: %s", c->e->runroot,
				 strerror(errno));
	}
	iidfile = xasprintf("%s/iid", dir);
	if ((args = build_args(c, iidfile)) == NULL)
		goto out;
	/* the context: the spooled body, or the one in memory through a file */
	if (c->req->body_fd >= 0) {
		in = dup(c->req->body_fd);
	} else {
		cleanup_free char *ctx = xasprintf("%s/context.tar", dir);
		if (write_file_atomic_at(AT_FDCWD, ctx, c->req->body ? c->req->body : "",
					 c->req->body ? c->req->body_len : 0, 0600, &err) == 0)
			in = open(ctx, O_RDONLY | O_CLOEXEC);
	}
	if (in < 0 || pipe2(out, O_CLOEXEC) < 0) {
		api_error(c, 500, "build: %s", err.msg[0] ? err.msg : strerror(errno));
		goto out;
	}
	pid = api_cli_spawn(c->e, args, in, out[1]);
	close(out[1]);
	out[1] = -1;
	if (pid < 0) {
		api_error(c, 500, "build: start: %s", strerror(errno));
		goto out;
	}
	if (http_chunked_begin(c->fd, 200, "application/json") < 0)
		gone = true;
	/* each line of its output as a {"stream"} (without -q), the last
	 * non-empty one kept for the error */
	out_f = fdopen(out[0], "re");
	if (out_f != NULL)
		out[0] = -1;
	while (!gone && out_f != NULL && getline(&line, &cap, out_f) > 0) {
		size_t len = strcspn(line, "\n");
		if (len > 0)
			snprintf(last, sizeof(last), "%.*s", (int)len, line);
		/* the command's error line is the errorDetail's */
		if (!quiet && !str_has_prefix(line, "Error: ") && send_stream(c->fd, line) < 0)
			gone = true;
	}
	if (gone) /* the client left: the build goes with it */
		kill(pid, SIGTERM);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (gone)
		goto out;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
	    (id = read_file_at(AT_FDCWD, iidfile, NULL, &err)) != NULL) {
		struct json_object *o = json_object_new_object(), *aux = json_object_new_object();
		const char *hex = str_has_prefix(id, "sha256:") ? id + 7 : id;
		jset_str(aux, "ID", id);
		jset(o, "aux", aux);
		send_obj(c->fd, o);
		/* -q: the id is all the client prints; else Docker's last line,
		 * which clients (docker-py) read the id from (warren build has
		 * printed its "Successfully tagged" lines already) */
		cleanup_free char *end =
		    quiet ? xasprintf("%s\n", id) : xasprintf("Successfully built %.12s\n", hex);
		send_stream(c->fd, end);
	} else {
		struct json_object *o = json_object_new_object(), *d = json_object_new_object();
		const char *msg = str_has_prefix(last, "Error: ") ? last + 7 : last;
		if (*msg == '\0')
			msg = "the build failed";
		jset(d, "code", json_object_new_int(WIFEXITED(st) ? WEXITSTATUS(st) : 1));
		jset_str(d, "message", msg);
		jset(o, "errorDetail", d);
		jset_str(o, "error", msg);
		send_obj(c->fd, o);
	}
	http_chunked_end(c->fd);
out:
	if (in >= 0)
		close(in);
	if (out[0] >= 0)
		close(out[0]);
	if (out_f != NULL)
		fclose(out_f);
	if (dir)
		rm_rf_at(AT_FDCWD, dir, &err);
	return 0;
}
