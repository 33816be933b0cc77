/* execsess.h - exec sessions as Podman shows them (inspect's ExecIDs): an
 * attached exec is listed while it runs, a detached one (exec -d) until
 * the container starts again, as Podman 4.3 does. One small file per
 * session under <runroot>/exec/<container id>/ (a tmpfs: nothing touches
 * the disk on the exec path). */
#ifndef WARREN_EXECSESS_H
#define WARREN_EXECSESS_H

#include <stdbool.h>

#include "engine/engine.h"
#include "runtime/executor.h"
#include "storage/store.h"

struct json_object;

/* Records the session of p (just started in c): its new id (64 hex) goes
 * to id. Failures are dropped (a session nobody lists), never the
 * exec's. An attached session needs no end: once its process is gone,
 * the next listing drops it. */
void exec_session_add(struct engine *e, const struct container_rec *c, const struct ctr_proc *p,
		      bool detached, char id[65]);

/* c's sessions of its current (or last) run, as a JSON array of ids
 * (new reference); stale ones (an older run's, an attached one whose
 * process is gone) are removed on the way. */
struct json_object *exec_session_ids(struct engine *e, const struct container_rec *c);

/* <runroot>/exec/<ctr_id>, malloc'd: the container's sessions. The REST
 * API keeps its exec records in its api/ subdirectory, so that they go
 * with the container (exec_sessions_forget). */
char *exec_session_dir(struct engine *e, const char *ctr_id);

/* Every session of the container id (it is removed). */
void exec_sessions_forget(struct engine *e, const char *ctr_id);

#endif
