#include "storage/mountpoints.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/digest.h"
#include "lib/log.h"
#include "lib/util.h"
#include "storage/layer.h"

/* The files the spec bind-mounts from the container's bundle. */
static const char *const files[] = {"hostname", "hosts", "resolv.conf"};

static bool is_whiteout(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0);
}

static bool is_opaque_at(int dfd, const char *name)
{
	char path[64], v[2];

	snprintf(path, sizeof(path), "%s", name);
	cleanup_close int fd = openat(dfd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	return (fgetxattr(fd, "user.overlay.opaque", v, sizeof(v)) == 1 && v[0] == 'y') ||
	       (fgetxattr(fd, "trusted.overlay.opaque", v, sizeof(v)) == 1 && v[0] == 'y');
}

/* Looks "etc/<name>" up through the layers top-down, as overlay would.
 * Returns 1 present, 0 absent, -1 unusual (etc not a directory). */
static int image_has(int *lfd, size_t n, const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "etc/%s", name);
	for (size_t i = n; i-- > 0;) {
		struct stat st;
		if (fstatat(lfd[i], "etc", &st, AT_SYMLINK_NOFOLLOW) == 0) {
			if (is_whiteout(&st))
				return 0;
			if (!S_ISDIR(st.st_mode))
				return -1;
		} else {
			continue;
		}
		if (fstatat(lfd[i], path, &st, AT_SYMLINK_NOFOLLOW) == 0)
			return is_whiteout(&st) ? 0 : 1;
		if (is_opaque_at(lfd[i], "etc"))
			return 0;
	}
	return 0;
}

/* The attributes /etc has in the image (top-most layer that has it). */
static void etc_attrs(int *lfd, size_t n, struct stat *out)
{
	for (size_t i = n; i-- > 0;)
		if (fstatat(lfd[i], "etc", out, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(out->st_mode))
			return;
	memset(out, 0, sizeof(*out));
	out->st_mode = S_IFDIR | 0755;
}

/* Builds the layer in dir dfd: etc/ with the image's attributes and the
 * missing files (empty, 0644, root). */
static int build(int dfd, const struct stat *etc, const bool *missing)
{
	cleanup_close int efd = -1;
	struct timespec ts[2];

	if (mkdirat(dfd, "etc", 0755) < 0)
		return -1;
	efd = openat(dfd, "etc", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (efd < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		if (!missing[i])
			continue;
		int fd = openat(efd, files[i], O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				0644);
		if (fd < 0)
			return -1;
		close(fd);
	}
	/* the merged /etc takes the attributes of the top-most layer: ours */
	if (fchown(efd, etc->st_uid, etc->st_gid) < 0 && errno != EINVAL)
		return -1;
	if (fchmod(efd, etc->st_mode & 07777) < 0)
		return -1;
	ts[0] = etc->st_atim;
	ts[1] = etc->st_mtim;
	if (etc->st_mtim.tv_sec != 0)
		futimens(efd, ts);
	return 0;
}

char *mountpoints_layer(struct engine *e, char *const *layers, size_t n)
{
	cleanup_free char *ldir = xasprintf("%s/layers", e->root);
	cleanup_close int ldfd = open(ldir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int tfd = -1;
	cleanup_free int *lfd = NULL;
	char name[32], tmp[LAYER_TMP_NAME];
	bool missing[ARRAY_SIZE(files)], any = false;
	struct stat st;
	struct werr ignore = {0};
	char *ret = NULL;

	if (ldfd < 0 || n == 0)
		return NULL;
	/* a fast hash names it: a collision (odds 2^-64) would only lend one
	 * image the /etc attributes of another */
	snprintf(name, sizeof(name), "mp-%016llx", (unsigned long long)strv_hash(layers));
	if (fstatat(ldfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
		return xstrdup(name);
	lfd = xcalloc(n, sizeof(int));
	for (size_t i = 0; i < n; i++)
		lfd[i] = -1;
	for (size_t i = 0; i < n; i++) {
		lfd[i] = openat(ldfd, digest_hex(layers[i]), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (lfd[i] < 0 && errno == ENOENT) { /* a layer of a read-only store */
			cleanup_free char *ro = layer_ro_path(e, layers[i], NULL);
			if (ro != NULL)
				lfd[i] = open(ro, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (lfd[i] < 0)
			goto out;
	}
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		int r = image_has(lfd, n, files[i]);
		if (r < 0)
			goto out;
		missing[i] = r == 0;
		any |= missing[i];
	}
	if (!any)
		goto out;
	etc_attrs(lfd, n, &st);
	/* a temp dir of the layers dir: a killed command's is collected */
	layer_gc_tmp(e);
	tfd = layer_tmp_create(ldfd, tmp, &ignore);
	if (tfd < 0 || build(tfd, &st, missing) < 0 ||
	    (renameat(ldfd, tmp, ldfd, name) < 0 && errno != EEXIST && errno != ENOTEMPTY)) {
		log_debug("mount-point layer %s: %s", name, tfd < 0 ? ignore.msg : strerror(errno));
		if (tfd >= 0)
			rm_rf_at(ldfd, tmp, &ignore);
		goto out;
	}
	rm_rf_at(ldfd, tmp, &ignore); /* lost a race: the other one is as good */
	ret = xstrdup(name);
out:
	for (size_t i = 0; lfd && i < n; i++)
		if (lfd[i] >= 0)
			close(lfd[i]);
	return ret;
}

void mountpoints_forget(struct engine *e, char *const *layers)
{
	cleanup_free char *ldir = xasprintf("%s/layers", e->root);
	cleanup_close int ldfd = open(ldir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char name[32];
	struct werr ignore = {0};

	snprintf(name, sizeof(name), "mp-%016llx", (unsigned long long)strv_hash(layers));
	/* half removed, it would be taken for whole: renamed away first */
	if (ldfd >= 0 && layer_dir_remove(ldfd, name, &ignore) < 0)
		log_debug("remove mount-point layer %s: %s", name, ignore.msg);
}
