/* cleanup.h - resources that clean themselves up (GCC cleanup attribute). */
#ifndef WARREN_CLEANUP_H
#define WARREN_CLEANUP_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

void cleanup_freep(void *p);
void cleanup_closep(int *fd);
void cleanup_filep(FILE **f);
void cleanup_dirp(DIR **d);
void cleanup_strvp(char ***v);
void cleanup_jsonp(void *p);   /* struct json_object ** */
void cleanup_pidp(pid_t *pid); /* SIGKILL and reap when > 0 */

#define cleanup_free  _cleanup_(cleanup_freep)
#define cleanup_close _cleanup_(cleanup_closep)
#define cleanup_file  _cleanup_(cleanup_filep)
#define cleanup_dir   _cleanup_(cleanup_dirp)
#define cleanup_strv  _cleanup_(cleanup_strvp)
#define cleanup_json  _cleanup_(cleanup_jsonp)
#define cleanup_pid   _cleanup_(cleanup_pidp)

/* Hand ownership over: returns *pp and sets it to NULL. */
static inline void *steal_ptr_(void *pp)
{
	void **p = (void **)pp;
	void *v = *p;
	*p = NULL;
	return v;
}
#define steal_pointer(pp) steal_ptr_(pp)

static inline int steal_fd(int *fd)
{
	int v = *fd;
	*fd = -1;
	return v;
}

#endif
