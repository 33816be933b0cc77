/* test_syscalls.c - the userspace fallbacks of lib/syscalls: openat2's
 * component walk (symlink loops, absolute symlinks, ".." escapes) checked
 * against fixed expectations and, where the kernel has openat2, against
 * the kernel itself; close_range over /proc/self/fd; mount_setattr's
 * recursive remount (as root, in a private mount namespace). */
#include "tests/unit/unit.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/syscalls.h"
#include "lib/util.h"

static char tmpdir[] = "/tmp/warren-unit-sys.XXXXXX";
static int rootfd = -1;

/* The tree every openat2 case resolves in (under tmpdir/root). */
static const struct {
	const char *name;
	const char *link; /* NULL: a directory, "" a regular file */
} tree[] = {
    {"dir", NULL},
    {"dir/sub", NULL},
    {"dir/file", ""},
    {"etc", NULL},
    {"etc/passwd", ""},
    {"abs", "/dir/file"},
    {"rel", "dir/file"},
    {"up", "../../../../../../etc/passwd"},
    {"absup", "/../../etc/passwd"},
    {"dirlink", "dir"},
    {"dotdot", ".."},
    {"loop1", "loop2"},
    {"loop2", "loop1"},
    {"self", "self"},
    {"dangling", "/nowhere/x"},
    {"dir/sub/back", "../../etc"},
};

static int setup_tree(void)
{
	char p[512];

	if (rootfd >= 0)
		return 0;
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(p, sizeof(p), "%s/root", tmpdir);
	if (mkdir(p, 0755) < 0 || (rootfd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(tree); i++) {
		int rc;
		if (tree[i].link == NULL)
			rc = mkdirat(rootfd, tree[i].name, 0755);
		else if (tree[i].link[0] == '\0')
			rc = close(
			    openat(rootfd, tree[i].name, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
		else
			rc = symlinkat(tree[i].link, rootfd, tree[i].name);
		if (rc < 0)
			return -1;
	}
	/* chainN -> chainN-1 -> ... -> chain0 -> dir: N+1 symlinks */
	for (int i = 0; i <= 41; i++) {
		char name[16], target[16];
		snprintf(name, sizeof(name), "chain%d", i);
		snprintf(target, sizeof(target), i == 0 ? "dir" : "chain%d", i - 1);
		if (symlinkat(target, rootfd, name) < 0)
			return -1;
	}
	return 0;
}

/* The inode of rel inside the tree (never following a last symlink). */
static ino_t ino_of(const char *rel)
{
	struct stat st;

	return fstatat(rootfd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 ? st.st_ino : 0;
}

static const uint64_t IN_ROOT = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
static const uint64_t BENEATH = RESOLVE_BENEATH;
static const uint64_t NOSYM = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;

/* path resolved with resolve and flags: the file it reaches (expect) or
 * the errno (expect_errno). */
static const struct {
	const char *path;
	uint64_t resolve;
	int flags;
	const char *expect;
	int expect_errno;
} cases[] = {
    {"dir/file", IN_ROOT, O_RDONLY, "dir/file", 0},
    {"/dir/file", IN_ROOT, O_RDONLY, "dir/file", 0},
    {"/dir/file", BENEATH, O_RDONLY, NULL, EXDEV},
    {"abs", IN_ROOT, O_RDONLY, "dir/file", 0},	     /* absolute link: from the root */
    {"abs", BENEATH, O_RDONLY, NULL, EXDEV},	     /* ... or refused */
    {"abs", NOSYM, O_RDONLY, NULL, ELOOP},	     /* ... or refused */
    {"abs", IN_ROOT, O_PATH | O_NOFOLLOW, "abs", 0}, /* the link itself */
    {"abs", IN_ROOT, O_RDONLY | O_NOFOLLOW, NULL, ELOOP},
    {"rel", IN_ROOT, O_RDONLY, "dir/file", 0},
    {"rel", BENEATH, O_RDONLY, "dir/file", 0},
    {"up", IN_ROOT, O_RDONLY, "etc/passwd", 0}, /* ".." clamped at the root */
    {"up", BENEATH, O_RDONLY, NULL, EXDEV},
    {"absup", IN_ROOT, O_RDONLY, "etc/passwd", 0},
    {"../../etc/passwd", IN_ROOT, O_RDONLY, "etc/passwd", 0},
    {"../etc/passwd", BENEATH, O_RDONLY, NULL, EXDEV},
    {"dir/../etc/passwd", BENEATH, O_RDONLY, "etc/passwd", 0},
    {"dir/sub/../../../etc/passwd", IN_ROOT, O_RDONLY, "etc/passwd", 0},
    {"dir/sub/back/passwd", IN_ROOT, O_RDONLY, "etc/passwd", 0},
    {"dir/sub/back/passwd", NOSYM, O_RDONLY, NULL, ELOOP},
    {"dirlink/../etc/passwd", IN_ROOT, O_RDONLY, "etc/passwd", 0}, /* ".." of the target */
    {"dotdot/dotdot/etc/passwd", IN_ROOT, O_RDONLY, "etc/passwd", 0},
    {"dotdot", BENEATH, O_RDONLY, NULL, EXDEV},
    {"loop1", IN_ROOT, O_RDONLY, NULL, ELOOP},
    {"self/x", IN_ROOT, O_RDONLY, NULL, ELOOP},
    {"chain39/file", IN_ROOT, O_RDONLY, "dir/file", 0}, /* 40 symlinks */
    {"chain40/file", IN_ROOT, O_RDONLY, NULL, ELOOP},	/* 41 */
    {"dangling", IN_ROOT, O_RDONLY, NULL, ENOENT},
    {"dir/file/", IN_ROOT, O_RDONLY, NULL, ENOTDIR},
    {"dir/file/x", IN_ROOT, O_RDONLY, NULL, ENOTDIR},
    {"rel", IN_ROOT, O_RDONLY | O_DIRECTORY, NULL, ENOTDIR},
    {"dirlink/", IN_ROOT, O_PATH | O_NOFOLLOW, "dir", 0},
    {"dir/./sub/.", IN_ROOT, O_RDONLY | O_DIRECTORY, "dir/sub", 0},
    {".", BENEATH, O_PATH, ".", 0},
    {"/", IN_ROOT, O_PATH, ".", 0},
    {"", IN_ROOT, O_PATH, NULL, ENOENT},
    {"missing/x", IN_ROOT, O_PATH, NULL, ENOENT},
};

/* Checks one result: fd (closed here) against case i. */
static bool result_ok(size_t i, int fd, int e, const char *who)
{
	struct stat st;
	bool ok;

	if (cases[i].expect == NULL) {
		ok = fd < 0 && e == cases[i].expect_errno;
	} else {
		ok = fd >= 0 && fstat(fd, &st) == 0 && st.st_ino == ino_of(cases[i].expect);
	}
	if (!ok)
		printf("%s: '%s' resolve %#llx flags %#x: got fd %d errno %d (%s), want %s/%d\n",
		       who, cases[i].path, (unsigned long long)cases[i].resolve, cases[i].flags, fd,
		       fd < 0 ? e : 0, fd < 0 ? strerror(e) : "-",
		       cases[i].expect ? cases[i].expect : "error", cases[i].expect_errno);
	if (fd >= 0)
		close(fd);
	return ok;
}

UNIT_TEST(openat2_emulate_matches_expectations)
{
	bool all = true;

	CHECK(setup_tree() == 0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct open_how how = {.flags = (uint64_t)(cases[i].flags | O_CLOEXEC),
				       .resolve = cases[i].resolve};
		int fd = openat2_emulate(rootfd, cases[i].path, &how);
		all &= result_ok(i, fd, errno, "emulated");
	}
	CHECK(all);
}

/* The same cases through the kernel: the expectations are the kernel's. */
UNIT_TEST(openat2_kernel_agrees)
{
	bool all = true;

	CHECK(setup_tree() == 0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct open_how how = {.flags = (uint64_t)(cases[i].flags | O_CLOEXEC),
				       .resolve = cases[i].resolve};
		int fd = (int)syscall(SYS_openat2, rootfd, cases[i].path, &how, sizeof(how));
		if (fd < 0 && errno == ENOSYS) {
			printf("(kernel without openat2: only the emulation was checked)\n");
			return;
		}
		all &= result_ok(i, fd, errno, "kernel");
	}
	CHECK(all);
}

/* A missing openat2 is remembered and the wrapper still confines. */
UNIT_TEST(openat2_wrapper_falls_back)
{
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC, .resolve = IN_ROOT};
	struct stat st;
	int fd;

	CHECK(setup_tree() == 0);
	syscalls_set_missing(SYSC_OPENAT2, true);
	fd = sys_openat2(rootfd, "up", &how);
	syscalls_set_missing(SYSC_OPENAT2, false);
	CHECK(fd >= 0);
	CHECK(fstat(fd, &st) == 0 && st.st_ino == ino_of("etc/passwd"));
	close(fd);
	/* unsupported resolve flags are not emulated */
	how.resolve = RESOLVE_NO_XDEV;
	CHECK(openat2_emulate(rootfd, "dir", &how) < 0 && errno == ENOSYS);
}

UNIT_TEST(openat2_emulate_creates_last_only)
{
	struct open_how how = {
	    .flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, .mode = 0600, .resolve = IN_ROOT};
	int fd;

	CHECK(setup_tree() == 0);
	fd = openat2_emulate(rootfd, "dirlink/new", &how);
	CHECK(fd >= 0);
	close(fd);
	CHECK(ino_of("dir/new") != 0);
	CHECK(openat2_emulate(rootfd, "dir/new", &how) < 0 && errno == EEXIST);
	CHECK(openat2_emulate(rootfd, "nodir/new", &how) < 0 && errno == ENOENT);
	how.flags = O_RDONLY; /* a mode without O_CREAT */
	CHECK(openat2_emulate(rootfd, "dir/new", &how) < 0 && errno == EINVAL);
}

static bool fd_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

UNIT_TEST(close_range_emulate_walks_proc)
{
	int a = fcntl(0, F_DUPFD, 200), b = fcntl(0, F_DUPFD, 300), low = fcntl(0, F_DUPFD, 150);

	CHECK(a >= 200 && b >= 300 && low >= 150 && low < 200);
	CHECK(close_range_emulate(200, ~0U, CLOSE_RANGE_CLOEXEC) == 0);
	CHECK(fcntl(a, F_GETFD) == FD_CLOEXEC && fcntl(b, F_GETFD) == FD_CLOEXEC);
	CHECK(fcntl(low, F_GETFD) == 0);
	CHECK(close_range_emulate(200, ~0U, 0) == 0);
	CHECK(!fd_open(a) && !fd_open(b) && fd_open(low));
	CHECK(close_range_emulate(5, 4, 0) < 0 && errno == EINVAL);
	close(low);
	/* through the wrapper, as on a kernel without close_range */
	a = fcntl(0, F_DUPFD, 200);
	syscalls_set_missing(SYSC_CLOSE_RANGE, true);
	CHECK(sys_close_range(200, ~0U, 0) == 0);
	syscalls_set_missing(SYSC_CLOSE_RANGE, false);
	CHECK(!fd_open(a));
}

/* In a child with its own mount namespace: tmpfs a, tmpfs a/sub, a
 * recursive bind of a at b; fn makes b read-only. Returns the child's
 * exit code: 0 when b and b/sub are read-only and a/sub is not. */
static int ro_child(const char *dir, bool emulate)
{
	char a[256], sub[256], b[256], p[300];
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
	int fd;

	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(sub, sizeof(sub), "%s/a/sub", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return 10;
	if ((mkdir(a, 0755) < 0 && errno != EEXIST) || (mkdir(b, 0755) < 0 && errno != EEXIST) ||
	    mount("tmpfs", a, "tmpfs", 0, "size=64k") < 0 || mkdir(sub, 0755) < 0 ||
	    mount("tmpfs", sub, "tmpfs", MS_NOSUID, "size=64k") < 0 ||
	    mount(a, b, NULL, MS_BIND | MS_REC, NULL) < 0)
		return 11;
	fd = open(b, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 12;
	if ((emulate ? mount_setattr_emulate(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr)
		     : sys_mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr)) < 0)
		return 13;
	snprintf(p, sizeof(p), "%s/x", b);
	if (mkdir(p, 0755) == 0 || errno != EROFS)
		return 14;
	snprintf(p, sizeof(p), "%s/sub/x", b);
	if (mkdir(p, 0755) == 0 || errno != EROFS)
		return 15;
	snprintf(p, sizeof(p), "%s/x", sub);
	if (mkdir(p, 0755) < 0)
		return 16; /* the source stays writable */
	/* nosuid of the submount survived the remount */
	snprintf(p, sizeof(p), "%s/sub", b);
	{
		struct statvfs sv;
		if (statvfs(p, &sv) < 0 || !(sv.f_flag & ST_NOSUID) || !(sv.f_flag & ST_RDONLY))
			return 17;
	}
	return 0;
}

static int run_ro_child(bool emulate)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(ro_child(tmpdir, emulate));
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

UNIT_TEST(mount_setattr_recursive_readonly)
{
	int rc;

	CHECK(setup_tree() == 0);
	if (geteuid() != 0) {
		printf("(needs root for a private mount namespace: not run)\n");
		return;
	}
	rc = run_ro_child(true);
	if (rc != 0)
		printf("emulated: child exit %d\n", rc);
	CHECK(rc == 0);
	rc = run_ro_child(false);
	if (rc != 0)
		printf("kernel: child exit %d\n", rc);
	CHECK(rc == 0);
	/* not emulated: what a remount cannot express */
	{
		struct mount_attr attr = {.attr_clr = MOUNT_ATTR_RDONLY};
		CHECK(mount_setattr_emulate(rootfd, "", AT_EMPTY_PATH, &attr) < 0 &&
		      errno == ENOSYS);
	}
}

/* Not a test: the scratch tree goes when the binary exits. */
__attribute__((destructor)) static void remove_tree(void)
{
	struct werr err = {0};

	if (rootfd >= 0)
		close(rootfd);
	if (strchr(tmpdir, 'X') == NULL)
		rm_rf_at(AT_FDCWD, tmpdir, &err);
}

UNIT_MAIN()
