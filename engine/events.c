/* events.c - the persistent event log (see events.h). */
#include "engine/events.h"
#include "engine/config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"

/* The log starts over (the older half kept in events.log.1) past this */
#define EVENTS_MAX_SIZE (1024 * 1024)

char *events_path(struct engine *e)
{
	return xasprintf("%s/events/events.log", e->root);
}

/* A full log moves to events.log.1 (one generation, as a log rotator
 * would): `events` reads both. */
static void rotate(const char *path, int fd)
{
	struct stat st;
	cleanup_free char *old = NULL;

	if (fstat(fd, &st) < 0 || st.st_size < EVENTS_MAX_SIZE)
		return;
	old = xasprintf("%s.1", path);
	rename(path, old);
}

void event_log(struct engine *e, const struct event *ev)
{
	cleanup_free char *path = events_path(e), *dir = xasprintf("%s/events", e->root);
	cleanup_json struct json_object *j = json_object_new_object();
	char ts[64];
	const char *line;
	cleanup_close int fd = -1;

	/* containers.conf's events_logger = "none" (journald: the file) */
	if (e->conf != NULL) {
		const char *logger = config_str(e->conf->containers, "engine", "events_logger");
		if (logger != NULL && strcmp(logger, "none") == 0)
			return;
	}
	format_rfc3339(now_ns(), ts, sizeof(ts));
	if (ev->id)
		json_object_object_add(j, "ID", json_object_new_string(ev->id));
	if (ev->image)
		json_object_object_add(j, "Image", json_object_new_string(ev->image));
	if (ev->name)
		json_object_object_add(j, "Name", json_object_new_string(ev->name));
	json_object_object_add(j, "Status", json_object_new_string(ev->status));
	json_object_object_add(j, "Time", json_object_new_string(ts));
	json_object_object_add(j, "Type", json_object_new_string(ev->type));
	if (ev->health_status) /* Podman's key, lower case */
		json_object_object_add(j, "health_status",
				       json_object_new_string(ev->health_status));
	if (ev->exit_code >= 0 && strcmp(ev->status, "died") == 0)
		json_object_object_add(j, "ContainerExitCode", json_object_new_int(ev->exit_code));
	line = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	/* one write of the whole line: O_APPEND keeps concurrent writers'
	 * lines whole */
	cleanup_free char *buf = xasprintf("%s\n", line);
	if (write(fd, buf, strlen(buf)) < 0)
		return;
	rotate(path, fd);
}

/* The times the log holds: format_rfc3339's, in UTC
 * ("2026-12-02T11:18:01.123456789Z"). 0, or -1 when it is not one. */
static int events_parse_time(const char *s, int64_t *out)
{
	struct tm tm = {0};
	const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	int64_t frac = 0, scale = 1000000000LL;

	if (p == NULL)
		return -1;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (scale > 1) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
	if (strcmp(p, "Z") != 0)
		return -1;
	*out = (int64_t)timegm(&tm) * 1000000000LL + frac;
	return 0;
}

static const char *const filter_keys[] = {"container", "event", "status", "image",
					  "pod",       "type",	"volume", NULL};

int events_check_filters(char *const *filters, struct werr *err)
{
	for (size_t i = 0; filters && filters[i]; i++) {
		const char *eq = strchr(filters[i], '=');
		bool ok = false;
		for (size_t k = 0; eq && filter_keys[k]; k++)
			ok |= strlen(filter_keys[k]) == (size_t)(eq - filters[i]) &&
			      strncmp(filters[i], filter_keys[k], (size_t)(eq - filters[i])) == 0;
		if (!ok)
			return werr_set(err, 0, "%s is an invalid filter", filters[i]);
	}
	return 0;
}

/* An event's string field, "" when it has none */
static const char *jstr_of(struct json_object *o, const char *k)
{
	const char *s = jstr(o, k);
	return s ? s : "";
}

/* Does value v of key k select ev? */
static bool filter_one(struct json_object *ev, const char *k, size_t klen, const char *v)
{
	const char *type = jstr_of(ev, "Type"), *id = jstr_of(ev, "ID"),
		   *name = jstr_of(ev, "Name");

	if (klen == 9 && strncmp(k, "container", 9) == 0)
		return strcmp(type, "container") == 0 &&
		       (strcmp(name, v) == 0 || (*v && str_has_prefix(id, v)));
	if ((klen == 5 && strncmp(k, "event", 5) == 0) ||
	    (klen == 6 && strncmp(k, "status", 6) == 0))
		return strcmp(jstr_of(ev, "Status"), v) == 0;
	if (klen == 5 && strncmp(k, "image", 5) == 0)
		return strcmp(jstr_of(ev, "Image"), v) == 0 ||
		       (strcmp(type, "image") == 0 &&
			(strcmp(name, v) == 0 || (*v && str_has_prefix(id, v))));
	if (klen == 4 && strncmp(k, "type", 4) == 0)
		return strcmp(type, v) == 0;
	if (klen == 6 && strncmp(k, "volume", 6) == 0)
		return strcmp(type, "volume") == 0 && strcmp(name, v) == 0;
	if (klen == 3 && strncmp(k, "pod", 3) == 0)
		return strcmp(type, "pod") == 0 &&
		       (strcmp(name, v) == 0 || (*v && str_has_prefix(id, v)));
	return false;
}

static bool selected(const struct events_query *q, struct json_object *ev)
{
	int64_t t = 0;
	const char *ts = jstr_of(ev, "Time");

	/* the log's own format; a line it cannot read is skipped */
	if (events_parse_time(ts, &t) < 0)
		return false;
	if ((q->since && t < q->since) || (q->until && t > q->until))
		return false;
	for (size_t i = 0; q->filters && q->filters[i]; i++) {
		const char *k = q->filters[i], *eq = strchr(k, '=');
		bool any = false, seen_key = false;
		/* OR over the values of this key (each key's first filter decides) */
		for (size_t j = 0; j < i; j++)
			seen_key |= strncmp(q->filters[j], k, (size_t)(eq - k) + 1) == 0;
		if (seen_key)
			continue;
		for (size_t j = i; q->filters[j]; j++)
			if (strncmp(q->filters[j], k, (size_t)(eq - k) + 1) == 0)
				any |= filter_one(ev, k, (size_t)(eq - k),
						  q->filters[j] + (eq - k) + 1);
		if (!any)
			return false;
	}
	return true;
}

/* Lines of f from its current position; *stop once cb said so. */
static int read_lines(FILE *f, const struct events_query *q,
		      int (*cb)(void *arg, struct json_object *ev), void *arg, bool *stop)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while (!*stop && (n = getline(&line, &cap, f)) > 0) {
		struct json_object *ev;
		if (line[n - 1] != '\n') {
			/* half a line (a writer is at it): read it again later */
			fseeko(f, -(off_t)n, SEEK_CUR);
			break;
		}
		ev = json_tokener_parse(line);
		if (ev && json_object_is_type(ev, json_type_object) && selected(q, ev) &&
		    cb(arg, ev) != 0)
			*stop = true;
		json_object_put(ev);
	}
	free(line);
	clearerr(f);
	return 0;
}

int events_read(struct engine *e, const struct events_query *q,
		int (*cb)(void *arg, struct json_object *ev), void *arg, struct werr *err)
{
	cleanup_free char *path = events_path(e), *old = xasprintf("%s.1", path);
	struct timespec ts = {0, 100 * 1000 * 1000};
	bool stop = false;
	FILE *f;
	struct stat st, now;

	if (events_check_filters(q->filters, err) < 0)
		return -1;
	f = fopen(old, "re");
	if (f) {
		read_lines(f, q, cb, arg, &stop);
		fclose(f);
	}
	f = fopen(path, "re");
	if (f == NULL && errno != ENOENT)
		return werr_set(err, errno, "open '%s'", path);
	if (f) {
		read_lines(f, q, cb, arg, &stop);
		fstat(fileno(f), &st);
	}
	while (q->stream && !stop && (q->until == 0 || now_ns() <= q->until)) {
		nanosleep(&ts, NULL);
		/* a new file (the first event, or a rotation): from its start */
		if (stat(path, &now) == 0 && (f == NULL || now.st_ino != st.st_ino)) {
			if (f) {
				read_lines(f, q, cb, arg, &stop);
				fclose(f);
			}
			f = fopen(path, "re");
			if (f)
				fstat(fileno(f), &st);
		}
		if (f)
			read_lines(f, q, cb, arg, &stop);
	}
	if (f)
		fclose(f);
	return 0;
}
