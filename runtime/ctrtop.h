/* ctrtop.h - `top CONTAINER [DESCRIPTORS...]`: the container's processes
 * as Podman (psgo) shows them, read from /proc: every process whose pid
 * namespace is the one of the container's init. */
#ifndef WARREN_CTRTOP_H
#define WARREN_CTRTOP_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h" /* before engine.h, which uses struct werr */
#include "engine/engine.h"
#include "storage/store.h"

/* The table top prints: row 0 holds the headers ("USER", "PID", ...). */
struct top_table {
	size_t ncols, nrows; /* nrows counts the header row */
	char **cells;	     /* nrows * ncols, malloc'd */
};
void top_table_free(struct top_table *t);

/* The processes of the running container c with the columns descs names
 * (psgo's descriptors, "user", "pid", ..., or their AIX forms "%U", "%p";
 * one argument may list several: "pid,comm"; NULL or empty: Podman's
 * default user,pid,ppid,pcpu,etime,tty,time,args). A container that does
 * not run: "top can only be used on running containers"; an unknown
 * descriptor: "'X': unknown descriptor". */
int container_top(struct engine *e, const struct container_rec *c, char *const *descs,
		  struct top_table *out, struct werr *err);

#endif
