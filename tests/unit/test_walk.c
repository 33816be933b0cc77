/* test_walk.c - the tree walk (lib/walk.h) and the removal built on it. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "lib/walk.h"
#include "tests/unit/unit.h"

static char *tmpdir(void)
{
	char tmpl[] = "/tmp/warren-test-walk-XXXXXX";
	return xstrdup(mkdtemp(tmpl));
}

/* dir/d/d/.../d (depth levels) with a file at the bottom, made with one fd
 * at a time. */
static int make_deep(const char *dir, int depth)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	for (int i = 0; i < depth && fd >= 0; i++) {
		int next = -1;
		if (mkdirat(fd, "d", 0755) == 0)
			next = openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = next;
	}
	if (fd < 0)
		return -1;
	close(openat(fd, "bottom", O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	close(fd);
	return 0;
}

/* rm of a tree far deeper than the fd limit (issue 5 item 10: one fd per
 * level made 1,100 nested dirs impossible to remove). */
UNIT_TEST(rm_deep_tree_with_few_fds)
{
	char *d = tmpdir(), *top = xasprintf("%s/top", d);
	struct rlimit old, low = {.rlim_cur = 16};
	struct werr err = {0};
	int rc;

	CHECK(mkdir(top, 0755) == 0 && make_deep(top, 1100) == 0);
	CHECK(getrlimit(RLIMIT_NOFILE, &old) == 0);
	low.rlim_max = old.rlim_max;
	CHECK(setrlimit(RLIMIT_NOFILE, &low) == 0);
	rc = rm_rf_at(AT_FDCWD, top, &err);
	setrlimit(RLIMIT_NOFILE, &old);
	CHECK(rc == 0);
	CHECK(access(top, F_OK) < 0 && errno == ENOENT);
	CHECK(rmdir(d) == 0);
	free(top);
	free(d);
}

/* A private mount namespace for this process: as root directly, else in a
 * user namespace of our own (uid and gid mapped to themselves). */
static int private_mounts(void)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	char map[64];
	int fd;

	if (unshare(CLONE_NEWNS) < 0) {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
			return -1;
		fd = open("/proc/self/setgroups", O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			(void)!write(fd, "deny", 4);
			close(fd);
		}
		snprintf(map, sizeof(map), "%u %u 1", uid, uid);
		fd = open("/proc/self/uid_map", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, map, strlen(map)) < 0)
			return -1;
		close(fd);
		snprintf(map, sizeof(map), "%u %u 1", gid, gid);
		fd = open("/proc/self/gid_map", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, map, strlen(map)) < 0)
			return -1;
		close(fd);
	}
	return mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

/* The child of rm_does_not_cross_mounts: 0 when both mounts stopped the
 * removal and kept their files, else the number of the failed step. */
static int rm_mounts_child(const char *top)
{
	cleanup_free char *tmp = xasprintf("%s/a/tmpfs", top);
	cleanup_free char *bind = xasprintf("%s/b/bind", top);
	cleanup_free char *src = xasprintf("%s/src", top);
	cleanup_free char *keep = xasprintf("%s/a/tmpfs/keep", top);
	cleanup_free char *keep2 = xasprintf("%s/src/keep", top);
	cleanup_free char *a = xasprintf("%s/a", top), *b = xasprintf("%s/b", top);
	struct werr err = {0};

	if (private_mounts() < 0)
		return 1;
	if (mkdir_p(tmp, 0755, &err) < 0 || mkdir_p(bind, 0755, &err) < 0 ||
	    mkdir_p(src, 0755, &err) < 0)
		return 2;
	if (mount("none", tmp, "tmpfs", 0, NULL) < 0 || mount(src, bind, NULL, MS_BIND, NULL) < 0)
		return 3;
	close(open(keep, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	close(open(keep2, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	/* a tmpfs (another device) below the tree */
	if (rm_rf_at(AT_FDCWD, a, &err) == 0 || err.errnum != EXDEV)
		return 4;
	if (access(keep, F_OK) < 0)
		return 5;
	/* a bind mount of the same filesystem: told apart by its mount id */
	if (rm_rf_at(AT_FDCWD, b, &err) == 0 || access(keep2, F_OK) < 0)
		return 6;
	umount2(tmp, MNT_DETACH);
	umount2(bind, MNT_DETACH);
	return rm_rf_at(AT_FDCWD, top, &err) == 0 ? 0 : 7;
}

/* rm -rf never deletes through a mount point (a container rootfs whose
 * unmount failed, a bind below it): it stops with EXDEV. */
UNIT_TEST(rm_does_not_cross_mounts)
{
	char *d = tmpdir(), *top = xasprintf("%s/top", d);
	int status = -1;
	pid_t pid;

	CHECK(mkdir(top, 0755) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(rm_mounts_child(top));
	CHECK(waitpid(pid, &status, 0) == pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		printf("rm_does_not_cross_mounts: child step %d failed\n",
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(access(top, F_OK) < 0 && errno == ENOENT);
	CHECK(rmdir(d) == 0);
	free(top);
	free(d);
}

/* A dir without permissions is made removable; a symlink is removed, not
 * followed. */
UNIT_TEST(rm_locked_dirs_and_symlinks)
{
	char *d = tmpdir(), *outside = xasprintf("%s/outside", d), *p;
	struct werr err = {0};

	CHECK(mkdir(outside, 0755) == 0);
	p = xasprintf("%s/outside/keep", d);
	CHECK(close(open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) == 0);
	free(p);
	p = xasprintf("%s/t", d);
	CHECK(mkdir(p, 0755) == 0);
	free(p);
	p = xasprintf("%s/t/locked", d);
	CHECK(mkdir(p, 0755) == 0);
	free(p);
	p = xasprintf("%s/t/locked/f", d);
	CHECK(close(open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) == 0);
	free(p);
	p = xasprintf("%s/t/link", d);
	CHECK(symlink(outside, p) == 0);
	free(p);
	p = xasprintf("%s/t/locked", d);
	CHECK(chmod(p, 0) == 0);
	free(p);
	p = xasprintf("%s/t", d);
	CHECK(rm_rf_at(AT_FDCWD, p, &err) == 0);
	CHECK(access(p, F_OK) < 0);
	free(p);
	p = xasprintf("%s/outside/keep", d);
	CHECK(access(p, F_OK) == 0);
	free(p);
	CHECK(rm_rf_at(AT_FDCWD, d, &err) == 0);
	free(outside);
	free(d);
}

/* rm -rf refuses a name that is (or ends in) "." or "..", as rm(1) does:
 * a whiteout target ".." once removed the store's layers dir (item 1). */
UNIT_TEST(rm_refuses_dot_names)
{
	static const char *const bad[] = {".", "..", "a/..", "a/.", "a/../", "", "/"};
	char *d = tmpdir(), *a = xasprintf("%s/a", d), *b = xasprintf("%s/a/b", d);
	int dfd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct werr err = {0};

	CHECK(dfd >= 0 && mkdir(a, 0755) == 0 && mkdir(b, 0755) == 0);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		CHECK(rm_rf_at(dfd, bad[i], &err) == -1);
		CHECK(strstr(err.msg, "refusing to remove") != NULL);
	}
	CHECK(access(b, F_OK) == 0);
	CHECK(rm_rf_at(dfd, "a/b/", &err) == 0 && access(b, F_OK) < 0);
	close(dfd);
	CHECK(rm_rf_at(AT_FDCWD, d, &err) == 0);
	free(a);
	free(b);
	free(d);
}

/* ---- the walk itself ---- */

struct moved {
	const char *from, *to;
	int seen;
};

/* Moves its dir away when it reaches "bottom": the climb must notice. */
static int move_entry(void *data, const struct walk_dir *d, const char *name, int type,
		      struct werr *err)
{
	struct moved *m = data;

	if (strcmp(name, "bottom") == 0 && m->seen++ == 0 && rename(m->from, m->to) < 0)
		return werr_set(err, errno, "rename");
	return WALK_DESCEND * (strcmp(name, "d") == 0);
}

UNIT_TEST(walk_detects_a_moved_dir)
{
	static const struct walk_ops ops = {.entry = move_entry};
	char *d = tmpdir(), *top = xasprintf("%s/top", d), *other = xasprintf("%s/other", d);
	char *from = xasprintf("%s/top/d/d", d), *to = xasprintf("%s/other/d", d);
	struct moved m = {.from = from, .to = to};
	struct werr err = {0};
	int fd;

	CHECK(mkdir(top, 0755) == 0 && mkdir(other, 0755) == 0 && make_deep(top, 3) == 0);
	fd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(walk_tree(fd, -1, &ops, &m, &err) == -1);
	close(fd);
	CHECK(m.seen == 1);
	CHECK(strstr(err.msg, "directory moved during the walk") != NULL);
	CHECK(strstr(err.msg, "in 'd/d'") != NULL);
	CHECK(rm_rf_at(AT_FDCWD, d, &err) == 0);
	free(top);
	free(other);
	free(from);
	free(to);
	free(d);
}

struct counts {
	int entries, enters, leaves, mirrored;
};

static int count_entry(void *data, const struct walk_dir *d, const char *name, int type,
		       struct werr *err)
{
	struct counts *c = data;
	struct stat st;

	c->entries++;
	if (fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return werr_set(err, errno, "stat '%s'", name);
	if (!S_ISDIR(st.st_mode))
		return WALK_NEXT;
	if (mkdirat(d->mirror, name, 0755) < 0)
		return werr_set(err, errno, "mkdir '%s'", name);
	return WALK_DESCEND;
}

static int count_enter(void *data, const struct walk_dir *d, struct werr *err)
{
	struct counts *c = data;
	struct stat st;

	c->enters++;
	/* the mirror dir is open too, and empty when entered */
	if (d->depth > 0 && fstat(d->mirror, &st) == 0 && S_ISDIR(st.st_mode) && st.st_nlink == 2)
		c->mirrored++;
	return 0;
}

static int count_leave(void *data, const struct walk_dir *p, const struct walk_dir *d,
		       struct werr *err)
{
	struct counts *c = data;
	c->leaves += p->depth == d->depth - 1;
	return 0;
}

/* Mirror trees are walked in step; enter/leave pair up below the top. */
UNIT_TEST(walk_mirror_in_step)
{
	static const struct walk_ops ops = {
	    .entry = count_entry, .enter = count_enter, .leave = count_leave};
	char *d = tmpdir(), *src = xasprintf("%s/src", d), *dst = xasprintf("%s/dst", d);
	char *bottom = xasprintf("%s/dst/d/d/d/d/d", d);
	struct counts c = {0};
	struct werr err = {0};
	int sfd, dfd;

	CHECK(mkdir(src, 0755) == 0 && mkdir(dst, 0755) == 0 && make_deep(src, 5) == 0);
	sfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	dfd = open(dst, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(walk_tree(sfd, dfd, &ops, &c, &err) == 0);
	close(sfd);
	close(dfd);
	CHECK(c.entries == 6 && c.enters == 6 && c.leaves == 5 && c.mirrored == 5);
	CHECK(access(bottom, F_OK) == 0);
	CHECK(rm_rf_at(AT_FDCWD, d, &err) == 0);
	free(src);
	free(dst);
	free(bottom);
	free(d);
}

UNIT_MAIN()
