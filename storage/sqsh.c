/* sqsh.c - squashfs single-file images: check, mount, read the config,
 * make; see sqsh.h. */
#include "storage/sqsh.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/syscalls.h"
#include "lib/util.h"
#include "storage/driver.h"

#define SQSH_MAGIC	0x73717368u /* "hsqs" read little-endian */
#define SQSH_CONFIG_MAX (4 << 20)

/* The fields of the squashfs 4 superblock looked at (little-endian). */
struct sqsh_super {
	uint32_t magic;
	uint16_t major;
	uint64_t bytes_used;
};

static int read_super(int fd, struct sqsh_super *s)
{
	unsigned char b[96];

	if (read_all(fd, b, sizeof(b)) != (ssize_t)sizeof(b))
		return -1;
	memcpy(&s->magic, b, 4);
	memcpy(&s->major, b + 28, 2);
	memcpy(&s->bytes_used, b + 40, 8);
	s->magic = le32toh(s->magic);
	s->major = le16toh(s->major);
	s->bytes_used = le64toh(s->bytes_used);
	return s->magic == SQSH_MAGIC ? 0 : -1;
}

bool sqsh_is_file(const char *path)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct sqsh_super s;
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	return read_super(fd, &s) == 0;
}

int sqsh_check(const char *path, struct werr *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct sqsh_super s;
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return werr_set(err, errno, "open '%s'", path);
	if (!S_ISREG(st.st_mode))
		return werr_set(err, 0, "'%s' is not a squashfs image: not a regular file", path);
	if (read_super(fd, &s) < 0)
		return werr_set(err, 0, "'%s' is not a squashfs image: no squashfs superblock",
				path);
	if (s.major != 4)
		return werr_set(err, 0, "'%s': squashfs version %u, only 4 is supported", path,
				s.major);
	if (s.bytes_used > (uint64_t)st.st_size)
		return werr_set(err, 0,
				"'%s' is truncated: its superblock says %llu bytes, the file has "
				"%lld",
				path, (unsigned long long)s.bytes_used, (long long)st.st_size);
	return 0;
}

/* The absolute path of tool, or an error naming its Debian package. */
static char *find_tool(const char *tool, const char *pkg, struct werr *err)
{
	char *p = path_lookup(tool);

	if (p == NULL)
		werr_set(err, 0, "%s not found: install the Debian package %s", tool, pkg);
	return p;
}

int sqsh_mount(const char *file, const char *mnt, struct werr *err)
{
	cleanup_free char *prog = NULL;
	cleanup_free char *parent = NULL;
	char *slash;

	if (sqsh_check(file, err) < 0 ||
	    (prog = find_tool("squashfuse", "squashfuse", err)) == NULL)
		return -1;
	if (mkdir(mnt, 0700) < 0 && errno != EEXIST)
		return werr_set(err, errno, "mkdir '%s'", mnt);
	parent = xstrdup(mnt);
	slash = strrchr(parent, '/');
	if (slash != NULL && slash != parent)
		*slash = '\0';
	if (is_mount_point(mnt, parent))
		return 0;
	char *argv[] = {prog, (char *)file, (char *)mnt, NULL};
	return fuse_run(argv, mnt, err);
}

/* The caller's cgroup line(s) from /proc/self/cgroup, "" if unreadable. */
static char *self_cgroup(void)
{
	char *text = read_file_max("/proc/self/cgroup", 8192, NULL, NULL);

	return text ? text : xstrdup("");
}

int sqsh_key(const char *file, char key[SQSH_KEY_LEN + 1], struct werr *err)
{
	cleanup_free char *cg = self_cgroup();
	cleanup_free char *text = NULL;
	struct stat st;

	if (stat(file, &st) < 0)
		return werr_set(err, errno, "stat '%s'", file);
	text = xasprintf("%llu:%llu:%lld:%lld.%09ld:%s", (unsigned long long)st.st_dev,
			 (unsigned long long)st.st_ino, (long long)st.st_size,
			 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, cg);
	snprintf(key, SQSH_KEY_LEN + 1, "%016llx", (unsigned long long)fnv1a64(text, strlen(text)));
	return 0;
}

/* dir opened and locked exclusively (made first), or -1. */
static int lock_dir(const char *dir, struct werr *err)
{
	int fd;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return werr_set(err, errno, "mkdir '%s'", dir);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return werr_set(err, errno, "open '%s'", dir);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			int saved = errno;
			close(fd);
			return werr_set(err, saved, "lock '%s'", dir);
		}
	return fd;
}

/* Unmounts dfd/key (a dead or unwanted mount, detached) and its stamp. */
static void drop_at(int dfd, const char *dir, const char *key)
{
	cleanup_free char *mnt = xasprintf("%s/%s", dir, key);
	cleanup_free char *stamp = xasprintf("%s.used", key);

	umount2(mnt, MNT_DETACH | UMOUNT_NOFOLLOW);
	unlinkat(dfd, stamp, 0);
	unlinkat(dfd, key, AT_REMOVEDIR);
}

int sqsh_mount_shared(const char *dir, const char *file, const char *key, bool *fresh,
		      struct werr *err)
{
	cleanup_close int dfd = lock_dir(dir, err);
	cleanup_free char *mnt = xasprintf("%s/%s", dir, key);
	cleanup_free char *stamp = xasprintf("%s.used", key);
	cleanup_close int sfd = -1;
	struct statfs sf;

	*fresh = false;
	if (dfd < 0)
		return -1;
	/* ENOTCONN: its squashfuse is gone (killed with a job step); statfs
	 * asks the daemon where a stat may be answered from the cache */
	if (is_mount_point(mnt, dir) && statfs(mnt, &sf) < 0)
		drop_at(dfd, dir, key);
	if (!is_mount_point(mnt, dir)) {
		if (sqsh_mount(file, mnt, err) < 0)
			return -1;
		*fresh = true;
	}
	sfd = openat(dfd, stamp, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (sfd >= 0)
		futimens(sfd, NULL);
	return 0;
}

char **sqsh_shared_idle(const char *dir, int idle_s)
{
	cleanup_dir DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	time_t now = time(NULL);

	while (d != NULL && (de = readdir(d)) != NULL) {
		struct stat st;
		char key[SQSH_KEY_LEN + 1];

		if (strlen(de->d_name) != SQSH_KEY_LEN + 5 ||
		    !str_has_suffix(de->d_name, ".used") ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (idle_s > 0 && now - st.st_mtim.tv_sec < idle_s)
			continue;
		snprintf(key, sizeof(key), "%.*s", SQSH_KEY_LEN, de->d_name);
		v = strv_append(v, key);
	}
	return v;
}

void sqsh_shared_drop(const char *dir, const char *key)
{
	struct werr ignore = {0};
	cleanup_close int dfd = lock_dir(dir, &ignore);

	if (dfd >= 0)
		drop_at(dfd, dir, key);
}

int sqsh_umount(const char *mnt, struct werr *err)
{
	if (umount2(mnt, UMOUNT_NOFOLLOW) == 0 || errno == EINVAL || errno == ENOENT)
		return 0;
	if (errno == EBUSY && umount2(mnt, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
		return 0;
	return werr_set(err, errno, "unmount '%s'", mnt);
}

int sqsh_read_config(const char *mnt, char **out, struct werr *err)
{
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	cleanup_close int root = open(mnt, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int fd = -1;
	cleanup_free char *buf = NULL;
	struct stat st;
	ssize_t n;

	*out = NULL;
	if (root < 0)
		return werr_set(err, errno, "open '%s'", mnt);
	fd = sys_openat2(root, SQSH_CONFIG_PATH, &how);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 || fstat(fd, &st) < 0)
		return werr_set(err, errno, "open '/%s' in the image", SQSH_CONFIG_PATH);
	if (!S_ISREG(st.st_mode))
		return werr_set(err, 0, "'/%s' in the image is not a regular file",
				SQSH_CONFIG_PATH);
	if (st.st_size > SQSH_CONFIG_MAX)
		return werr_set(err, EFBIG, "'/%s' in the image is larger than %d bytes",
				SQSH_CONFIG_PATH, SQSH_CONFIG_MAX);
	buf = xmalloc((size_t)st.st_size + 1);
	n = read_all(fd, buf, (size_t)st.st_size);
	if (n < 0)
		return werr_set(err, errno, "read '/%s' in the image", SQSH_CONFIG_PATH);
	buf[n] = '\0';
	*out = steal_pointer(&buf);
	return 0;
}

/* Runs argv (argv[0] absolute) with stdin on /dev/null and its output in
 * out (the last bytes of it); the exit status, -1 when it could not run. */
static int run_tool(char *const *argv, char *out, size_t len, struct werr *err)
{
	int p[2], status = -1;
	size_t used = 0;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return werr_set(err, errno, "pipe");
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (null < 0 || dup2(null, 0) < 0 || dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return werr_set(err, errno, "fork");
	}
	for (;;) {
		char tmp[4096];
		ssize_t n = read(p[0], tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++) { /* keep the tail */
			if (used + 1 >= len) {
				memmove(out, out + len / 2, used - len / 2);
				used -= len / 2;
			}
			out[used++] = tmp[i];
		}
	}
	out[used] = '\0';
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The last non-empty line of out, in place. */
static const char *last_line(char *out)
{
	char *end = out + strlen(out);

	while (end > out && (end[-1] == '\n' || end[-1] == ' '))
		*--end = '\0';
	char *nl = strrchr(out, '\n');
	return nl ? nl + 1 : out;
}

int sqsh_make(const char *dir, const char *out, struct werr *err)
{
	cleanup_free char *prog = find_tool("mksquashfs", "squashfs-tools", err);
	cleanup_free char *tmp = NULL;
	char msg[2048];
	int rc;

	if (prog == NULL)
		return -1;
	tmp = xasprintf("%s.tmp-%d", out, (int)getpid());
	unlink(tmp);
	char *argv[] = {prog,	  (char *)dir,	tmp,	 "-noappend", "-no-progress",
			"-quiet", "-no-xattrs", "-comp", "gzip",      NULL};
	rc = run_tool(argv, msg, sizeof(msg), err);
	if (rc < 0)
		return -1;
	if (rc != 0) {
		unlink(tmp);
		return werr_set(err, 0, "mksquashfs failed (exit %d): %s", rc, last_line(msg));
	}
	if (rename(tmp, out) < 0) {
		int saved = errno;
		unlink(tmp);
		return werr_set(err, saved, "rename to '%s'", out);
	}
	return 0;
}
