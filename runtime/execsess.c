/* execsess.c - exec sessions for inspect's ExecIDs (see execsess.h). A
 * session's file holds "STARTED PID PID_START DETACHED": the container's
 * StartedAt (ns) of the run it belongs to, and its process. */
#include "runtime/execsess.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"

char *exec_session_dir(struct engine *e, const char *ctr_id)
{
	return xasprintf("%s/exec/%s", e->runroot, ctr_id);
}

void exec_session_add(struct engine *e, const struct container_rec *c, const struct ctr_proc *p,
		      bool detached, char id[65])
{
	cleanup_free char *top = xasprintf("%s/exec", e->runroot);
	cleanup_free char *dir = exec_session_dir(e, c->id);
	cleanup_free char *path = NULL;
	cleanup_close int fd = -1;
	char line[128];
	int n;

	random_hex(id, 64);
	id[64] = '\0';
	if ((mkdir(top, 0700) < 0 && errno != EEXIST) || (mkdir(dir, 0700) < 0 && errno != EEXIST))
		return;
	path = xasprintf("%s/%s", dir, id);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	n = snprintf(line, sizeof(line), "%" PRId64 " %d %" PRIu64 " %d\n", c->started, (int)p->pid,
		     proc_start_time(p->pid), detached ? 1 : 0);
	if (fd >= 0)
		write_all(fd, line, (size_t)n);
}

/* Whether the session file name in dfd is one to list (else stale). */
static bool listed(int dfd, const char *name, const struct container_rec *c)
{
	cleanup_free char *text = read_file_at(dfd, name, NULL, NULL);
	int64_t started;
	int pid, detached;
	uint64_t start;

	if (text == NULL ||
	    sscanf(text, "%" SCNd64 " %d %" SCNu64 " %d", &started, &pid, &start, &detached) != 4)
		return false;
	if (started != c->started)
		return false; /* an earlier run's */
	return detached || proc_alive((pid_t)pid, start);
}

struct json_object *exec_session_ids(struct engine *e, const struct container_rec *c)
{
	cleanup_free char *dir = exec_session_dir(e, c->id);
	struct json_object *ids = json_object_new_array();
	cleanup_dir DIR *d = opendir(dir);
	struct dirent *de;

	while (d != NULL && (de = readdir(d)) != NULL) {
		if (strlen(de->d_name) != 64)
			continue;
		if (listed(dirfd(d), de->d_name, c))
			json_object_array_add(ids, json_object_new_string(de->d_name));
		else
			unlinkat(dirfd(d), de->d_name, 0);
	}
	return ids;
}

void exec_sessions_forget(struct engine *e, const char *ctr_id)
{
	cleanup_free char *dir = exec_session_dir(e, ctr_id);
	struct werr ignore = {0};

	rm_rf_at(AT_FDCWD, dir, &ignore);
}
