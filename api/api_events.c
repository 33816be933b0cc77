/* api_events.c - GET /events: the event log (`warren events`, engine/
 * events.h) in Docker's shape, one JSON object a line, streamed until
 * `until` or until the client leaves. events_read waits for new events in
 * a forked helper writing to a pipe, so that a client that leaves ends it
 * even when no event comes. */
#include "api/api_int.h"
#include "engine/events.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct ev_out {
	int fd;
	bool libpod; /* Podman's words: "died", with Attributes.containerExitCode */
};

/* One event of the log as Docker's: status, id, from, Type, Action,
 * Actor {ID, Attributes}, scope, time, timeNano */
static int docker_event(void *arg, struct json_object *ev)
{
	const struct ev_out *out = arg;
	cleanup_json struct json_object *o = json_object_new_object();
	struct json_object *actor = json_object_new_object(), *attrs = json_object_new_object();
	const char *t = jstr(ev, "Time"), *status = jstr(ev, "Status");
	struct tm tm = {0};
	int64_t ns = 0;
	char *rest = t ? strptime(t, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;

	if (rest) {
		ns = (int64_t)timegm(&tm) * 1000000000LL;
		if (*rest == '.') {
			int64_t frac = 0, scale = 100000000;
			for (rest++; *rest >= '0' && *rest <= '9'; rest++, scale /= 10)
				frac += (*rest - '0') * scale;
			ns += frac;
		}
	}
	if (jstr(ev, "Image"))
		jset_str(attrs, "image", jstr(ev, "Image"));
	if (jstr(ev, "Name"))
		jset_str(attrs, "name", jstr(ev, "Name"));
	if (jget(ev, "ContainerExitCode")) {
		char code[16];
		snprintf(code, sizeof(code), "%d",
			 json_object_get_int(jget(ev, "ContainerExitCode")));
		jset_str(attrs, out->libpod ? "containerExitCode" : "exitCode", code);
	} else if (out->libpod) {
		/* Podman's client drops (and 4.3's events --stream=false then
		 * crashes on) an event without one */
		jset_str(attrs, "containerExitCode", "0");
	}
	if (status && strcmp(status, "died") == 0 && !out->libpod)
		status = "die";
	jset_str(o, "status", status);
	jset_str(o, "id", jstr(ev, "ID"));
	jset_str(o, "from", jstr(ev, "Image"));
	jset_str(o, "Type", jstr(ev, "Type"));
	jset_str(o, "Action", status);
	jset_str(actor, "ID", jstr(ev, "ID"));
	jset(actor, "Attributes", attrs);
	jset(o, "Actor", actor);
	jset_str(o, "scope", "local");
	jset(o, "time", json_object_new_int64(ns / 1000000000LL));
	jset(o, "timeNano", json_object_new_int64(ns));
	cleanup_free char *line =
	    xasprintf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	return write_all(out->fd, line, strlen(line)) < 0;
}

/* ?since=, ?until=: Unix seconds (with a fraction), as Docker's clients send them */
static int time_param(struct api_ctx *c, const char *key, int64_t *out)
{
	cleanup_free char *v = http_query(c->req, key);
	char *end;
	double d;

	*out = 0;
	if (v == NULL || v[0] == '\0')
		return 0;
	d = strtod(v, &end);
	if (*end || d < 0) {
		api_error(c, 400, "invalid %s: %s", key, v);
		return -1;
	}
	*out = (int64_t)(d * 1e9);
	return 0;
}

static int pump_events(struct api_ctx *c, int in)
{
	struct pollfd p[2] = {{in, POLLIN, 0}, {c->fd, POLLRDHUP, 0}};
	char buf[16384];

	for (;;) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return -1;
		if (p[1].revents)
			return -1;
		if (p[0].revents) {
			ssize_t n = read(in, buf, sizeof(buf));
			if (n <= 0)
				return http_chunked_end(c->fd);
			if (http_chunk(c->fd, buf, (size_t)n) < 0)
				return -1;
		}
	}
}

int api_events(struct api_ctx *c)
{
	cleanup_strv char **specs = NULL;
	struct events_query q = {.stream = http_query_bool(c->req, "stream", true)};
	struct ev_out out = {.libpod = c->libpod};
	struct werr err = {0};
	int fds[2], st, rc;
	bool ok;
	pid_t pid;

	if (time_param(c, "since", &q.since) < 0 || time_param(c, "until", &q.until) < 0)
		return 0;
	specs = api_filters(c, &ok);
	if (!ok)
		return 0;
	/* Docker's action for an exit is "die", the log's (Podman's) "died" */
	for (size_t i = 0; specs && specs[i] && !c->libpod; i++) {
		if (strcmp(specs[i], "event=die") == 0 || strcmp(specs[i], "status=die") == 0) {
			char *d = xasprintf("%sd", specs[i]);
			free(specs[i]);
			specs[i] = d;
		}
	}
	q.filters = specs;
	if (events_check_filters(specs, &err) < 0)
		return api_error(c, 400, "%s", err.msg);
	/* an until in the past: what the log has, then the end */
	if (q.until && q.until <= now_ns())
		q.stream = false;
	if (api_ready(c) < 0)
		return 0;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return api_error(c, 500, "pipe: %s", strerror(errno));
	if (http_chunked_begin(c->fd, 200, "application/json") < 0) {
		close(fds[0]);
		close(fds[1]);
		return 1;
	}
	pid = api_fork(c);
	if (pid == 0) {
		close(fds[0]);
		out.fd = fds[1];
		_exit(events_read(c->e, &q, docker_event, &out, &err) < 0);
	}
	close(fds[1]);
	rc = pid < 0 ? -1 : pump_events(c, fds[0]);
	close(fds[0]);
	if (pid > 0) {
		kill(pid, SIGTERM);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	}
	return rc < 0 ? 1 : 0;
}
