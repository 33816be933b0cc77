/* credhelper.c - running docker-credential-NAME; see credhelper.h. */
#include "image/credhelper.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"

#define HELPER_OUT_MAX (1 << 20)
#define MSG_MAX	       200

extern char **environ;

/* docker-credential-helpers' words for "nothing stored" */
static const char not_found[] = "credentials not found in native keychain";

void credhelper_creds_free(struct credhelper_creds *c)
{
	if (c->secret != NULL)
		explicit_bzero(c->secret, strlen(c->secret));
	if (c->identity_token != NULL)
		explicit_bzero(c->identity_token, strlen(c->identity_token));
	free(c->user);
	free(c->secret);
	free(c->identity_token);
	*c = (struct credhelper_creds){0};
}

bool credhelper_name_ok(const char *name)
{
	if (name == NULL || name[0] == '\0' || name[0] == '-' || strlen(name) > 64)
		return false;
	for (const char *p = name; *p; p++)
		if (!(*p == '-' || *p == '_' || *p == '.' || (*p >= '0' && *p <= '9') ||
		      (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			return false;
	return true;
}

/* Reads fd to EOF (at most HELPER_OUT_MAX bytes kept), NUL-terminated. */
static char *slurp(int fd)
{
	size_t len = 0, cap = 256;
	char *buf = xmalloc(cap);

	for (;;) {
		ssize_t n;
		if (len + 1 >= cap && cap < HELPER_OUT_MAX + 1)
			buf = xrealloc(buf, cap *= 2);
		n = read(fd, buf + len, len + 1 < cap ? cap - len - 1 : 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (len + 1 < cap)
			len += (size_t)n; /* beyond the cap: drained, dropped */
	}
	buf[len] = '\0';
	return buf;
}

/* The first line of a helper's message, trimmed and bounded (malloc'd). */
static char *first_line(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	size_t n = strcspn(s, "\r\n");
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	char *line = xstrndup(s, n > MSG_MAX ? MSG_MAX : n);
	text_scrub(line);
	return line;
}

struct run {
	int status; /* wait status */
	char *out;  /* stdout */
	char *errout;
};

static void run_free(struct run *r)
{
	if (r->out != NULL)
		explicit_bzero(r->out, strlen(r->out));
	free(r->out);
	free(r->errout);
}

/* Runs docker-credential-NAME VERB with input on stdin. 0 when it ran
 * (r->status tells how it ended), -1 when it could not be started. */
static int run_helper(const char *name, const char *verb, const char *input, struct run *r,
		      bool *missing, struct werr *err)
{
	cleanup_free char *prog = xasprintf("docker-credential-%s", name);
	char *argv[] = {prog, (char *)verb, NULL};
	cleanup_close int in_parent = -1, in_child = -1, out_r = -1, out_w = -1, err_fd = -1;
	int sv[2], p[2], rc;
	posix_spawn_file_actions_t fa;
	pid_t pid;

	*r = (struct run){0};
	/* a socket for stdin: send(MSG_NOSIGNAL) survives a helper that exits
	 * without reading */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return werr_set(err, errno, "socketpair");
	in_parent = sv[0], in_child = sv[1];
	if (pipe2(p, O_CLOEXEC) < 0)
		return werr_set(err, errno, "pipe");
	out_r = p[0], out_w = p[1];
	if ((err_fd = memfd_create("credhelper-stderr", MFD_CLOEXEC)) < 0)
		return werr_set(err, errno, "memfd_create");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in_child, 0);
	posix_spawn_file_actions_adddup2(&fa, out_w, 1);
	posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
	rc = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		if (missing != NULL)
			*missing = rc == ENOENT;
		if (rc == ENOENT)
			return werr_set(err, 0,
					"credential helper: exec: \"%s\": executable file not "
					"found in $PATH",
					prog);
		return werr_set(err, rc, "credential helper: exec \"%s\"", prog);
	}
	close(steal_fd(&in_child));
	close(steal_fd(&out_w));
	if (input != NULL && input[0] != '\0')
		(void)!send(in_parent, input, strlen(input), MSG_NOSIGNAL);
	shutdown(in_parent, SHUT_WR);
	r->out = slurp(out_r);
	while (waitpid(pid, &r->status, 0) < 0)
		if (errno != EINTR) {
			r->status = -1;
			break;
		}
	lseek(err_fd, 0, SEEK_SET);
	r->errout = slurp(err_fd);
	return 0;
}

/* 1 when the helper failed because nothing is stored for the server. */
static bool said_not_found(const struct run *r)
{
	return strstr(r->out, not_found) != NULL;
}

/* The error of a helper that exited non-zero: its first line of output. */
static int helper_failed(const char *name, const char *verb, const struct run *r, struct werr *err)
{
	cleanup_free char *msg = first_line(r->out[0] ? r->out : r->errout);

	if (msg[0] == '\0') {
		free(msg);
		msg = WIFEXITED(r->status) ? xasprintf("exit status %d", WEXITSTATUS(r->status))
		      : WIFSIGNALED(r->status)
			  ? xasprintf("killed by signal %d", WTERMSIG(r->status))
			  : xstrdup("failed");
	}
	return werr_set(err, 0, "credential helper docker-credential-%s %s: %s", name, verb, msg);
}

static bool ok_exit(const struct run *r)
{
	return WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0;
}

/* Looks server up in helper name; see credhelper.h. */
int credhelper_get(const char *name, const char *server, struct credhelper_creds *out,
		   bool *missing, struct werr *err)
{
	struct run r;
	cleanup_json struct json_object *j = NULL;
	const char *user, *secret;
	int rc = -1;

	if (missing != NULL)
		*missing = false;
	if (!credhelper_name_ok(name))
		return werr_set(err, 0, "invalid credential helper name \"%s\"", name);
	if (run_helper(name, "get", server, &r, missing, err) < 0)
		return -1;
	if (!ok_exit(&r)) {
		rc = said_not_found(&r) ? 0 : helper_failed(name, "get", &r, err);
		run_free(&r);
		return rc;
	}
	/* its output holds the secret: never quoted in an error */
	j = json_tokener_parse(r.out);
	user = jstr(j, "Username");
	secret = jstr(j, "Secret");
	if (user == NULL || secret == NULL) {
		werr_set(err, 0,
			 "credential helper docker-credential-%s get: answer is not "
			 "{\"Username\", \"Secret\"} JSON",
			 name);
	} else if (secret[0] == '\0' && user[0] == '\0') {
		rc = 0; /* some helpers answer empty credentials for "none" */
	} else {
		*out = (struct credhelper_creds){0};
		if (strcmp(user, "<token>") == 0)
			out->identity_token = xstrdup(secret);
		else {
			out->user = xstrdup(user);
			out->secret = xstrdup(secret);
		}
		rc = 1;
	}
	if (j != NULL && secret != NULL)
		explicit_bzero((char *)secret, strlen(secret));
	run_free(&r);
	return rc;
}

/* Stores credentials in helper name; see credhelper.h. */
int credhelper_store(const char *name, const char *server, const char *user, const char *secret,
		     struct werr *err)
{
	cleanup_json struct json_object *j = json_object_new_object();
	cleanup_free char *input = NULL;
	struct run r;
	int rc = 0;

	if (!credhelper_name_ok(name))
		return werr_set(err, 0, "invalid credential helper name \"%s\"", name);
	jset_str(j, "ServerURL", server);
	jset_str(j, "Username", user);
	jset_str(j, "Secret", secret);
	input = xstrdup(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
	rc = run_helper(name, "store", input, &r, NULL, err);
	explicit_bzero(input, strlen(input));
	if (rc < 0)
		return -1;
	if (!ok_exit(&r))
		rc = helper_failed(name, "store", &r, err);
	run_free(&r);
	return rc;
}

/* Erases server from helper name; see credhelper.h. */
int credhelper_erase(const char *name, const char *server, bool *missing, struct werr *err)
{
	struct run r;
	int rc = 1;

	if (missing != NULL)
		*missing = false;
	if (!credhelper_name_ok(name))
		return werr_set(err, 0, "invalid credential helper name \"%s\"", name);
	if (run_helper(name, "erase", server, &r, missing, err) < 0)
		return -1;
	if (!ok_exit(&r))
		rc = said_not_found(&r) ? 0 : helper_failed(name, "erase", &r, err);
	run_free(&r);
	return rc;
}
