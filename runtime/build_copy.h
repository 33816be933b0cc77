/* build_copy.h - COPY and ADD of `build`: files of the build context (or
 * of another stage's rootfs) copied into a container's rootfs, and the
 * .containerignore / .dockerignore rules.
 *
 * Both trees are untrusted: a source path is resolved with
 * openat2(RESOLVE_IN_ROOT) in its root (a symlink in the context never
 * leads out of it), a symlink met inside a copied dir is copied as a
 * symlink, and the destination is made with *at() calls relative to fds
 * resolved in the container's root. */
#ifndef WARREN_BUILD_COPY_H
#define WARREN_BUILD_COPY_H

#include <stdbool.h>
#include <sys/types.h>

#include "lib/err.h"

/* The ignore file's rules, in order ("!" lines re-include). */
struct build_ignore {
	char **pats;
	bool *neg;
	size_t n;
};

/* Parses the text of a .containerignore/.dockerignore. */
void build_ignore_parse(const char *text, struct build_ignore *out);
void build_ignore_free(struct build_ignore *ig);

/* Is rel ("dir/file", relative to the context root, cleaned) excluded?
 * Docker's rules: the last matching pattern decides; a pattern matching
 * a parent dir matches everything below it; "**" matches any number of
 * dirs. Pure: unit-tested. */
bool build_ignored(const struct build_ignore *ig, const char *rel);

struct build_copy {
	int src_root;	   /* dir fd: the context, or a stage's rootfs */
	char *const *srcs; /* source paths (may hold * ? [ in their last part) */
	const char *dest;  /* absolute in the rootfs; a trailing "/": a directory */
	int dst_root;	   /* the container's rootfs */
	uid_t uid;	   /* owner of what is copied (--chown; default 0:0) */
	gid_t gid;
	int mode;		       /* --chmod, or -1: the source's mode */
	const struct build_ignore *ig; /* for the context, else NULL */
	bool keep_owner;	       /* --from: the ids stay as in the stage */
};

/* Copies as Docker's COPY does: a file to DEST (or into DEST/ when DEST
 * is a directory or several sources are given), a directory's contents
 * into DEST. Missing parents of DEST are made (root, 0755). Errors name
 * the source: "COPY failed: no source files were specified" style. */
int build_copy_run(const struct build_copy *c, struct werr *err);

/* Makes directory path (absolute) and its missing parents in rootfs
 * root (owner uid:gid for the new ones, 0755). Returns an fd of it (O_PATH
 * is not enough to create in: a real O_DIRECTORY fd), -1 on error. */
int build_mkdir_in(int root, const char *path, uid_t uid, gid_t gid, struct werr *err);

/* Resolves "--chown" spec (user[:group], names or ids) against the
 * rootfs root's /etc/passwd and /etc/group; a user alone gives gid = uid
 * (Docker's rule). */
int build_chown_ids(int root, const char *spec, uid_t *uid, gid_t *gid, struct werr *err);

/* The digest of what build_copy_run would copy (each source's paths,
 * modes, owners, sizes, symlink targets and bytes, after the ignore
 * rules): the layer cache's key for COPY and ADD. 0 or -1. */
int build_copy_hash(const struct build_copy *c, char out[72], struct werr *err);

/* ADD of a local archive (tar, itself plain or compressed): unpacked
 * below dest in root, ownership and modes as the archive says. Names with
 * ".." or absolute ones are refused; parents are resolved in the root;
 * hard links and device nodes are left out. */
int build_untar(int root, const char *dest, int fd, struct werr *err);

/* Is s a URL ADD downloads (http:// or https://)? */
bool build_is_url(const char *s);

/* ADD's URLs w: each downloaded (mode 0600, as Docker) into a new temp dir
 * under root/tmp (*dir, malloc'd; the caller removes it) under the name the
 * URL's path ends in; w's URLs become those names. The dir's fd, or -1. */
int build_fetch_urls(const char *root, char **w, char **dir, struct werr *err);

#endif
