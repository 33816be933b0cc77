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
#include "lib/sbuf.h"
#include "lib/util.h"
#include "storage/layer.h"

#define POOL_PER_IMAGE 2

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

/* The layers that come from read-only image stores, as "hex dev:ino"
 * lines of their dirs: their owner may remove an image and load it again
 * under the same names, and a pooled rootfs over the old dirs must then
 * not be taken (its owner's rmi cannot drain our pool). NULL when one of
 * them is in no store. */
static char *ro_identity(struct engine *e, char *const *layers)
{
	struct sbuf b = {0};

	for (size_t i = 0; layers && layers[i]; i++) {
		cleanup_free char *own = NULL, *ro = NULL, *line = NULL;
		struct stat st;

		if (!digest_valid(layers[i]))
			continue; /* a .sqsh's pool key (runtime/ctr_sqsh.c) */
		own = layer_path(e, layers[i]);
		if (access(own, F_OK) == 0)
			continue;
		ro = layer_ro_path(e, layers[i], NULL);
		if (ro == NULL || stat(ro, &st) < 0) {
			free(sbuf_take(&b));
			return NULL;
		}
		line = xasprintf("%s %llx:%llx\n", digest_hex(layers[i]),
				 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
		sbuf_addn(&b, line, strlen(line));
	}
	return sbuf_take(&b);
}

#define POOL_ID_FILE "pool-lowers"

/* ctr_dir was pooled over the layer dirs that are there now. */
static bool same_lowers(struct engine *e, char *const *layers, const char *ctr_dir)
{
	cleanup_free char *now = ro_identity(e, layers);
	cleanup_free char *path = xasprintf("%s/" POOL_ID_FILE, ctr_dir);
	cleanup_free char *then = read_file_max(path, 1 << 16, NULL, NULL);

	if (now == NULL)
		return false;
	return strcmp(now, then ? then : "") == 0;
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

/* Opens the pool dir (made first when create) into *pfd and lists the
 * entries of this layer list, or all entries when layers is NULL; prefix
 * receives "<hash>." of the list. *pfd is -1 when there is no pool. */
static char **pool_open(struct engine *e, char *const *layers, bool create, int *pfd,
			char prefix[24])
{
	cleanup_free char *dir = pool_dir(e);

	*pfd = -1;
	prefix[0] = '\0';
	if (create && mkdir(dir, 0700) < 0 && errno != EEXIST)
		return NULL;
	*pfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*pfd < 0)
		return NULL;
	if (layers)
		snprintf(prefix, 24, "%016llx.", (unsigned long long)strv_hash(layers));
	return entries(*pfd, layers ? prefix : NULL);
}

bool rootfs_pool_take(struct engine *e, enum storage_driver d, char *const *layers,
		      const char *ctr_dir)
{
	cleanup_close int pfd = -1;
	cleanup_strv char **v = NULL;
	char prefix[24];

	if (!usable(e, d))
		return false;
	v = pool_open(e, layers, false, &pfd, prefix);
	/* rename is the claim: of two commands, one wins, the other tries on */
	for (size_t i = 0; v && v[i]; i++) {
		struct werr ignore = {0};
		if (renameat(pfd, v[i], AT_FDCWD, ctr_dir) < 0)
			continue;
		if (rootfs_is_mounted(e, d, ctr_dir) && same_lowers(e, layers, ctr_dir))
			return true;
		rootfs_umount(e, d, ctr_dir, &ignore);
		/* its mount went with an earlier pause process, or it lies over
		 * read-only store layers removed since; a volatile overlay's
		 * work dir cannot be mounted again: start afresh */
		if (rm_rf_at(AT_FDCWD, ctr_dir, &ignore) < 0)
			log_debug("remove stale pooled rootfs: %s", ignore.msg);
		return false;
	}
	return false;
}

bool rootfs_pool_put(struct engine *e, enum storage_driver d, char *const *layers,
		     const char *ctr_dir)
{
	cleanup_close int pfd = -1;
	cleanup_strv char **v = NULL;
	cleanup_free char *id = NULL;
	cleanup_close int dfd = -1;
	struct werr ignore = {0};
	char prefix[24], name[48], rnd[13];

	if (!usable(e, d) || !rootfs_is_mounted(e, d, ctr_dir) || !pristine(ctr_dir))
		return false;
	v = pool_open(e, layers, true, &pfd, prefix);
	if (pfd < 0 || strv_len(v) >= POOL_PER_IMAGE)
		return false;
	id = ro_identity(e, layers);
	dfd = open(ctr_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (id == NULL || dfd < 0 ||
	    write_file_at(dfd, POOL_ID_FILE, id, strlen(id), 0600, &ignore) < 0)
		return false;
	random_hex(rnd, 12);
	snprintf(name, sizeof(name), "%s%s", prefix, rnd);
	return renameat(AT_FDCWD, ctr_dir, pfd, name) == 0;
}

void rootfs_pool_drain(struct engine *e, char *const *layers)
{
	cleanup_free char *dir = pool_dir(e);
	cleanup_close int pfd = -1;
	cleanup_strv char **v = NULL;
	char prefix[24];

	v = pool_open(e, layers, false, &pfd, prefix);
	for (size_t i = 0; v && v[i]; i++) {
		cleanup_free char *p = xasprintf("%s/%s", dir, v[i]);
		struct werr err = {0};
		/* taken by a container meanwhile: then it is not ours to remove */
		if (rootfs_umount(e, DRIVER_OVERLAY, p, &err) < 0 ||
		    rm_rf_at(AT_FDCWD, p, &err) < 0)
			log_debug("drain rootfs pool: %s", err.msg);
	}
}
