/* walk.h - the one directory-tree walk: depth first, never following a
 * symlink, with a bounded number of fds whatever the depth. rm_rf_at,
 * rm_rf_contents (lib/util.c) and the vfs driver's copy use it (issue 5
 * items 10 and 18: one fd per level made a container with 1,100 nested dirs
 * impossible to remove). */
#ifndef WARREN_WALK_H
#define WARREN_WALK_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h"

/* A directory of the walk: its fd in the tree, its fd in the mirror tree
 * (-1 without a mirror), its name in its parent ("" for the top) and its
 * depth (0 for the top). The fds belong to the walk. */
struct walk_dir {
	int fd;
	int mirror;
	const char *name;
	int depth;
};

enum { WALK_NEXT = 0, WALK_DESCEND = 1 };

struct walk_ops {
	/* An entry of dir d (never "." or ".."); type is its d_type as
	 * readdir saw it (DT_DIR, ..., or DT_UNKNOWN). Returns WALK_NEXT,
	 * WALK_DESCEND to walk into it (a directory, in the mirror too) or -1
	 * with err set. Required. */
	int (*entry)(void *data, const struct walk_dir *d, const char *name, int type,
		     struct werr *err);
	/* Optional: d was opened, before its entries (the top too). */
	int (*enter)(void *data, const struct walk_dir *d, struct werr *err);
	/* Optional: every entry of d was walked; parent holds d (never called
	 * for the top). */
	int (*leave)(void *data, const struct walk_dir *parent, const struct walk_dir *d,
		     struct werr *err);
};

/* Walks the tree below directory fd top and, when mirror >= 0, the tree
 * below mirror in step (a descent opens the same name in both). The names
 * of a dir are read when it is entered, so callbacks may add and remove
 * entries. It holds at most two fds per tree (plus one while it reads
 * a dir): it goes down with openat(O_NOFOLLOW) and back up with
 * openat(".."), checking that it lands on the dir it came from (device
 * and inode), so a dir moved during the walk stops it with an error
 * instead of leading it out of the tree. top and mirror stay open and untouched. Returns 0 or -1
 * with err set, prefixed with the path of the dir that failed. */
int walk_tree(int top, int mirror, const struct walk_ops *ops, void *data, struct werr *err);

/* The path of the dir being walked, relative to the top: "" at the top,
 * then "a/", "a/b/" (slash: with a trailing '/', as archive names are) or
 * "a", "a/b". A walk whose data starts with a struct walk_path takes
 * walk_path_enter and walk_path_leave as its walk_ops' enter and leave. */
struct walk_path {
	char *path;
	size_t *lens; /* the path's length at each depth */
	bool slash;
};

/* start: the top's own path ("" or, with slash, "a/") */
void walk_path_init(struct walk_path *p, const char *start, bool slash);
int walk_path_enter(void *data, const struct walk_dir *d, struct werr *err);
int walk_path_leave(void *data, const struct walk_dir *parent, const struct walk_dir *d,
		    struct werr *err);
/* The path of the entry name of the current dir (malloc'd). */
char *walk_path_of(const struct walk_path *p, const char *name);
void walk_path_free(struct walk_path *p);

#endif
