/* userlookup.h - resolving "-u USER[:GROUP]" against a container's own
 * /etc/passwd and /etc/group. The rootfs is untrusted: its files are opened
 * with openat2(RESOLVE_IN_ROOT), never by following a path string; the
 * parsers work on plain text so they are unit-testable. */
#ifndef WARREN_USERLOOKUP_H
#define WARREN_USERLOOKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/err.h"

/* Largest passwd/group file we read (bigger ones are an error). */
#define USERLOOKUP_MAX_FILE (4u << 20)

struct pw_entry {
	char *name;
	uid_t uid;
	gid_t gid;
	char *home;
};

/* The ids a container process runs with. */
struct user_ids {
	uid_t uid;
	gid_t gid;
	gid_t *groups; /* supplementary groups (from /etc/group), malloc'd */
	size_t ngroups;
	char *home; /* from passwd, "/" when unknown */
};

/* Finds the passwd line of name (when name != NULL) or else of uid in
 * passwd text (may be NULL: nothing found). Returns 1 and fills *out
 * (strings malloc'd, free with pw_entry_free) or 0. Malformed lines are
 * skipped. */
int passwd_find(const char *text, const char *name, uid_t uid, struct pw_entry *out);
void pw_entry_free(struct pw_entry *p);

/* Finds the gid of group name in group text. Returns 1 found, 0 not. */
int group_find(const char *text, const char *name, gid_t *gid);

/* Supplementary groups: the gids of every group line of group text listing
 * user as a member, without duplicates. *out is malloc'd (NULL when none).
 * Returns the count. */
size_t group_members_of(const char *text, const char *user, gid_t **out);

/* Resolves spec ("", "name", "uid", "name:group", "uid:gid", "uid:group",
 * "name:gid") with passwd and group text (either may be NULL when the file
 * is missing), Docker's way: gid is the passwd gid unless a group is given,
 * 0 when the uid has no passwd line; the groups are those naming the user.
 * An empty spec means root. Unknown names fail with "unable to find user X:
 * no matching entries in passwd file" (or group). */
int user_resolve(const char *spec, const char *passwd, const char *group, struct user_ids *out,
		 struct werr *err);
void user_ids_free(struct user_ids *u);

/* Reads rel (e.g. "etc/passwd") inside the directory tree rootfd as if
 * rootfd were "/" (openat2 RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS, emulated
 * by lib/syscalls on kernels without openat2: symlinks and ".." resolve
 * inside rootfd either way). Only regular files up to max bytes are read.
 * Returns a malloc'd NUL-terminated buffer, or NULL: with err->errnum
 * ENOENT when the file does not exist. */
char *rootfs_read_file(int rootfd, const char *rel, size_t max, struct werr *err);

#endif
