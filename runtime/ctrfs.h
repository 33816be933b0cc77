/* ctrfs.h - a container's files from outside: cp (both directions, tar
 * streams), export, diff and the sizes of ps -s.
 *
 * The container's rootfs is untrusted: every path inside it is resolved
 * with openat2(RESOLVE_IN_ROOT) relative to a directory fd of its root
 * (lib/syscalls.h emulates it on old kernels), so a symlink planted in the
 * container resolves inside the container, never on the host; entries are
 * created with *at() calls relative to an fd of their resolved parent. A
 * running container is reached through /proc/PID/root (its mounts: a
 * --read-only rootfs stays read-only, a tmpfs is seen); one that does not
 * run gets its rootfs mounted for the copy, under its lock, and unmounted
 * after, as Podman does. Rootless, warren runs inside the user namespace, so
 * ownership lands on the mapped ids. */
#ifndef WARREN_CTRFS_H
#define WARREN_CTRFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/err.h" /* before engine.h, which uses struct werr */
#include "engine/engine.h"
#include "runtime/ctr_json.h"
#include "storage/store.h"

/* Writes a tar of c's root filesystem (its rootfs without the volumes or
 * the kernel filesystems mounted in it; entries "bin/", "bin/sh", ...) to
 * out_fd. A container that does not run has its rootfs mounted for it. */
int container_export(struct engine *e, const struct container_rec *c, int out_fd, struct werr *err);

/* One change of `diff`: kind 'A' added, 'C' changed, 'D' deleted. */
struct ctr_change {
	char kind;
	char *path; /* "/etc/passwd" */
};

/* The changes of c's filesystem against its image, sorted by path, from
 * its overlay upper dir (whiteouts are deletions). The vfs driver keeps no
 * upper dir: an error says so. *out freed by ctr_changes_free. */
int container_diff(struct engine *e, const struct container_rec *c, struct ctr_change **out,
		   size_t *n, struct werr *err);
void ctr_changes_free(struct ctr_change *v, size_t n);

/* `image diff`: what differs in img against base (NULL: img's parent,
 * the layers below its top one), sorted by path: each path a layer above
 * the layers both share touches, 'A' when only img has it, 'D' when only
 * base has it, 'C' when both. Images that share no layer are an error
 * (not supported yet). *out freed by ctr_changes_free. */
int image_diff(struct engine *e, const struct image_rec *img, const struct image_rec *base,
	       struct ctr_change **out, size_t *n, struct werr *err);

/* ps -s: what c wrote (the file sizes in its upper dir; 0 with vfs) and
 * its image's size. */
int container_size(struct engine *e, const struct container_rec *c, struct ctr_size *out,
		   struct werr *err);

/* Where a copy lands, by Docker's rules (pure; see cp_plan). */
struct cp_plan {
	char *dir;  /* the existing directory the entries go into */
	char *name; /* the name of the copied tree in it; "" to copy a
		       directory's contents (SRC ending in "/.") */
};

enum cp_dest_kind { CP_DEST_MISSING, CP_DEST_FILE, CP_DEST_DIR };

/* Docker's cp rules for SRC (a directory when src_dir) onto DEST (of kind
 * dest): into an existing directory DEST as basename(SRC) (its contents
 * when SRC ends in "/."); onto an existing file DEST (a file only:
 * "destination must be a directory when copying a directory"); as a new
 * DEST whose parent exists (a file may not be given as "DEST/"). SRC
 * ending in "/" or "/." must be a directory. Errors: err->errnum ENOENT
 * (DEST missing) or ENOTDIR, with the message's end ("not a directory").
 * Pure: unit-tested. */
int cp_plan_make(const char *src, bool src_dir, const char *dest, enum cp_dest_kind dest_kind,
		 struct cp_plan *out, struct werr *err);
void cp_plan_free(struct cp_plan *p);

/* Normalises a container path: "/" + path without "." and empty
 * components, "a/../b" folded lexically, ".." at the top dropped (the
 * container's "/" is its root); a trailing "/" or "/." is kept in *slash
 * (1 "/", 2 "/."). Pure: unit-tested. Malloc'd. */
char *cp_clean_path(const char *path, int *slash);

/* cp CTR:SRC DEST: copies SRC out of c onto the host path DEST, or
 * (dest NULL) writes a tar of it (its top entry named basename(SRC)) to
 * out_fd. Files copied out are the caller's. */
int container_cp_out(struct engine *e, const struct container_rec *c, const char *src,
		     const char *dest, int out_fd, struct werr *err);

/* cp SRC CTR:DEST: copies the host path SRC into c, or (src NULL)
 * extracts the tar read from in_fd into the directory DEST. archive: the
 * copies belong to the container's user (Config.User, root by default),
 * else they keep the ids of the source. */
int container_cp_in(struct engine *e, const struct container_rec *c, const char *src, int in_fd,
		    const char *dest, bool archive, struct werr *err);

/* cp SRC CTR:DEST for a host path SRC on another machine (the remote
 * client's cp): in_fd is its tar, made by `tar -C DIR -c NAME` (SRC's
 * last component, or any name: it is replaced); SRC (a directory when it
 * ends in "/" or "/.") only names it for Docker's rules, which apply as
 * in container_cp_in. */
int container_cp_in_tar(struct engine *e, const struct container_rec *c, const char *src, int in_fd,
			const char *dest, bool archive, struct werr *err);

/* The host path SRC of a cp into a container: whether it is a directory
 * (a last symlink is not followed unless SRC ends in "/"), and (fd not
 * NULL) an O_PATH fd of it. Missing: Podman's "could not be found on the
 * host" (err->errnum ENOENT or ENOTDIR), status 125. */
int cp_host_src(const char *src, bool *is_dir, int *fd, struct werr *err);

/* What `docker cp` asks of a path in c before a copy: its own entry (a
 * last symlink is not followed; link the target it names, else ""),
 * resolved in the container as the copies are. Missing: err->errnum
 * ENOENT (or ENOTDIR), the error of cp's. */
struct ctr_path_stat {
	char name[256];
	int64_t size, mtime_ns;
	mode_t mode;
	char link[4096];
};
int container_path_stat(struct engine *e, const struct container_rec *c, const char *path,
			struct ctr_path_stat *out, struct werr *err);

#endif
