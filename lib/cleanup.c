#include "lib/cleanup.h"

#include <json-c/json.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <errno.h>

#include "lib/util.h"

void cleanup_freep(void *p)
{
	free(*(void **)p);
}

void cleanup_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd); /* never retried on EINTR: the fd is gone either way */
}

void cleanup_filep(FILE **f)
{
	if (*f != NULL)
		fclose(*f);
}

void cleanup_dirp(DIR **d)
{
	if (*d != NULL)
		closedir(*d);
}

void cleanup_strvp(char ***v)
{
	strv_free(*v);
}

void cleanup_jsonp(void *p)
{
	struct json_object **o = p;
	if (*o != NULL)
		json_object_put(*o);
}

void cleanup_pidp(pid_t *pid)
{
	if (*pid > 0) {
		kill(*pid, SIGKILL);
		while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
}
