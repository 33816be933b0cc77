/* events.h - the persistent event log (`warren events`): one JSON object
 * a line in <root>/events/events.log, Podman's "file" events backend
 * format, appended by every command that changes something. */
#ifndef WARREN_EVENTS_H
#define WARREN_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "lib/err.h"

struct event {
	const char *type;   /* "container", "image", "volume", "pod" */
	const char *status; /* "create", "start", "died", "remove", "pull", ... */
	const char *id;
	const char *name;	   /* container or volume name, image reference */
	const char *image;	   /* a container's image */
	int exit_code;		   /* "died": the exit code (-1: none) */
	const char *health_status; /* "health_status": the container's health now */
};

/* Appends ev (time: now) to the log. Never fails the caller's command: a
 * log that cannot be written is skipped (the change itself happened). */
void event_log(struct engine *e, const struct event *ev);

/* Path of the event log (malloc'd). */
char *events_path(struct engine *e);

struct json_object;

/* What `events` asks for: the time window (ns since the epoch, 0: open),
 * filters "key=value" (container, event or status, image, pod, type, volume:
 * one key's values OR, different keys AND), and whether to wait for new
 * events at the end (until a given until has passed). */
struct events_query {
	int64_t since, until;
	char *const *filters;
	bool stream;
};

/* Each event of the log that q selects, oldest first, goes to cb (a
 * non-zero return stops). A filter with an unknown key: Podman's error. */
int events_read(struct engine *e, const struct events_query *q,
		int (*cb)(void *arg, struct json_object *ev), void *arg, struct werr *err);

/* Checks the filters of a query (before anything is read). */
int events_check_filters(char *const *filters, struct werr *err);
#endif
