#include "storage/pool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/util.h"

#define POOL_PER_IMAGE 2

/* 64-bit FNV-1a of the layer list: pool entries are "<hash>.<random>". */
static uint64_t list_hash(char *const *layers)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; layers && layers[i]; i++) {
		for (const char *p = layers[i]; *p; p++) {
			h ^= (unsigned char)*p;
			h *= 0x100000001b3ULL;
		}
		h ^= '\n';
		h *= 0x100000001b3ULL;
	}
	return h;
}

static bool usable(struct engine *e, enum storage_driver d)
{
	/* rootless only: as root the mounts would stay visible on the host */
	return d == DRIVER_OVERLAY && e->in_userns;
}

/* Empty but for "." and "..". */
static bool dir_empty(int dirfd, const char *name)
{
	cleanup_dir DIR *d = NULL;
	struct dirent *de;
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			return false;
	return true;
}

/* The container changed nothing: its upper dir is empty and its root
 * still has the mode, owner and (no) xattrs it was made with. */
static bool pristine(const char *ctr_dir)
{
	cleanup_close int dfd = open(ctr_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_close int ufd = -1;
	struct stat st;
	char names[256];
	ssize_t n;

	if (dfd < 0 || !dir_empty(dfd, "upper"))
		return false;
	ufd = openat(dfd, "upper", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (ufd < 0 || fstat(ufd, &st) < 0)
		return false;
	/* driver.c makes upper 0755 root:root; a chmod/chown of / lands here */
	if ((st.st_mode & 07777) != 0755 || st.st_uid != 0 || st.st_gid != 0)
		return false;
	n = flistxattr(ufd, names, sizeof(names));
	for (ssize_t i = 0; n > 0 && i < n; i += (ssize_t)strlen(names + i) + 1)
		if (strncmp(names + i, "user.overlay.", 13) != 0 &&
		    strncmp(names + i, "trusted.overlay.", 16) != 0)
			return false;
	return n >= 0;
}

static char *pool_dir(struct engine *e)
{
	return xasprintf("%s/pool", e->root);
}

/* Names of the entries for this hash (prefix "<hash>."), NULL-terminated. */
static char **entries(int pfd, const char *prefix)
{
	cleanup_dir DIR *d = NULL;
	struct dirent *de;
	char **v = NULL;
	int fd = dup(pfd);

	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((de = readdir(d)) != NULL)
		if (prefix == NULL ? de->d_name[0] != '.' : str_has_prefix(de->d_name, prefix))
			v = strv_append(v, de->d_name);
	return v;
}

bool rootfs_pool_take(struct engine *e, enum storage_driver d, char *const *layers,
		      const char *ctr_dir)
{
	cleanup_free char *dir = pool_dir(e);
	cleanup_close int pfd = -1;
	cleanup_strv char **v = NULL;
	char prefix[24];

	if (!usable(e, d))
		return false;
	pfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0)
		return false;
	snprintf(prefix, sizeof(prefix), "%016llx.", (unsigned long long)list_hash(layers));
	v = entries(pfd, prefix);
	/* rename is the claim: of two commands, one wins, the other tries on */
	for (size_t i = 0; v && v[i]; i++) {
		struct werr ignore = {0};
		if (renameat(pfd, v[i], AT_FDCWD, ctr_dir) < 0)
			continue;
		if (rootfs_is_mounted(e, d, ctr_dir))
			return true;
		/* its mount went with an earlier pause process; a volatile
		 * overlay's work dir cannot be mounted again: start afresh */
		if (rm_rf_at(AT_FDCWD, ctr_dir, &ignore) < 0)
			log_debug("remove stale pooled rootfs: %s", ignore.msg);
		return false;
	}
	return false;
}

bool rootfs_pool_put(struct engine *e, enum storage_driver d, char *const *layers,
		     const char *ctr_dir)
{
	cleanup_free char *dir = pool_dir(e);
	cleanup_close int pfd = -1;
	cleanup_strv char **v = NULL;
	char prefix[24], name[48], rnd[13];

	if (!usable(e, d) || !rootfs_is_mounted(e, d, ctr_dir) || !pristine(ctr_dir))
		return false;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return false;
	pfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0)
		return false;
	snprintf(prefix, sizeof(prefix), "%016llx.", (unsigned long long)list_hash(layers));
	v = entries(pfd, prefix);
	if (strv_len(v) >= POOL_PER_IMAGE)
		return false;
	random_hex(rnd, 12);
	snprintf(name, sizeof(name), "%s%s", prefix, rnd);
	return renameat(AT_FDCWD, ctr_dir, pfd, name) == 0;
}

void rootfs_pool_drain(struct engine *e, char *const *layers)
{
	cleanup_free char *dir = pool_dir(e);
	cleanup_close int pfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_strv char **v = NULL;
	char prefix[24];

	if (pfd < 0)
		return;
	if (layers)
		snprintf(prefix, sizeof(prefix), "%016llx.", (unsigned long long)list_hash(layers));
	v = entries(pfd, layers ? prefix : NULL);
	for (size_t i = 0; v && v[i]; i++) {
		cleanup_free char *p = xasprintf("%s/%s", dir, v[i]);
		struct werr err = {0};
		/* taken by a container meanwhile: then it is not ours to remove */
		if (rootfs_umount(e, DRIVER_OVERLAY, p, &err) < 0 ||
		    rm_rf_at(AT_FDCWD, p, &err) < 0)
			log_debug("drain rootfs pool: %s", err.msg);
	}
}
