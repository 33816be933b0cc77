/* idmaplayers.c - overlay over idmapped layers (root mode). */
#include "storage/idmaplayers.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/digest.h"
#include "lib/syscalls.h"
#include "lib/util.h"

/* src cloned, idmapped to userns_fd and attached at dst (made here). */
static int stage_one(const char *src, const char *dst, int userns_fd, struct werr *err)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd};
	cleanup_close int tree = -1;

	if (mkdir(dst, 0700) < 0 && errno != EEXIST)
		return werr_set(err, errno, "mkdir '%s'", dst);
	tree = sys_open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return werr_set(err, errno, "open_tree '%s'", src);
	if (sys_mount_setattr(tree, "", AT_EMPTY_PATH, &attr) < 0)
		return werr_set(err, errno,
				"idmapped mount of '%s' (overlay layers need Linux 5.19 and a "
				"filesystem that supports idmapped mounts)",
				src);
	if (sys_move_mount(tree, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return werr_set(err, errno, "mount '%s' on '%s'", src, dst);
	return 0;
}

int idmap_stage(const char *ctr_dir, const char *ldir, char *const *layers, size_t n, int userns_fd,
		char **sldir, char **supper, char **swork, struct werr *err)
{
	cleanup_free char *base = xasprintf("%s/idmap", ctr_dir);
	cleanup_free char *l = xasprintf("%s/l", base), *c = xasprintf("%s/c", base);

	if ((mkdir(base, 0700) < 0 && errno != EEXIST) || (mkdir(l, 0700) < 0 && errno != EEXIST))
		return werr_set(err, errno, "mkdir '%s'", l);
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *src = xasprintf("%s/%s", ldir, digest_hex(layers[i]));
		cleanup_free char *dst = xasprintf("%s/%s", l, digest_hex(layers[i]));
		if (stage_one(src, dst, userns_fd, err) < 0) {
			idmap_unstage(ctr_dir, layers, n);
			return -1;
		}
	}
	if (stage_one(ctr_dir, c, userns_fd, err) < 0) {
		idmap_unstage(ctr_dir, layers, n);
		return -1;
	}
	*sldir = steal_pointer(&l);
	*supper = xasprintf("%s/upper", c);
	*swork = xasprintf("%s/work", c);
	return 0;
}

void idmap_unstage(const char *ctr_dir, char *const *layers, size_t n)
{
	cleanup_free char *c = xasprintf("%s/idmap/c", ctr_dir);
	cleanup_free char *l = xasprintf("%s/idmap/l", ctr_dir);
	cleanup_free char *base = xasprintf("%s/idmap", ctr_dir);

	for (size_t i = 0; i < n; i++) {
		cleanup_free char *dst = xasprintf("%s/%s", l, digest_hex(layers[i]));
		umount2(dst, MNT_DETACH | UMOUNT_NOFOLLOW);
		rmdir(dst);
	}
	umount2(c, MNT_DETACH | UMOUNT_NOFOLLOW);
	rmdir(c);
	rmdir(l);
	rmdir(base);
}

/* effective = permitted: a fsuid change away from 0 drops the file
 * capabilities (CAP_CHOWN, CAP_DAC_OVERRIDE, ...) from the effective set */
static void raise_effective(void)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return;
	d[0].effective = d[0].permitted;
	d[1].effective = d[1].permitted;
	syscall(SYS_capset, &h, d);
}

int idmap_as(uid_t uid, gid_t gid, int (*fn)(void *), void *arg)
{
	uid_t ou = (uid_t)setfsuid(uid);
	gid_t og = (gid_t)setfsgid(gid);
	int rc;

	raise_effective();
	rc = fn(arg);
	setfsgid(og);
	setfsuid(ou);
	raise_effective();
	return rc;
}
