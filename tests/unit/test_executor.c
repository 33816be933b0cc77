/* test_executor.c - the executor's pure parts: OCI mount options, the
 * config.json parser, seccomp compilation and its cache, and path
 * resolution inside an untrusted rootfs (with and without openat2). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/syscalls.h"
#include "lib/util.h"
#include "runtime/executor_internal.h"
#include "tests/unit/unit.h"

static ino_t ino_at(int dirfd, const char *rel)
{
	struct stat st;

	return fstatat(dirfd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 ? st.st_ino : 0;
}

static char *make_tmpdir(void)
{
	char tmpl[] = "/tmp/warren-unit-exec-XXXXXX";
	char *d = mkdtemp(tmpl);

	return d != NULL ? xstrdup(d) : NULL;
}

static char *spec_text(const char *root, const char *extra_linux)
{
	return xasprintf(
	    "{\"ociVersion\":\"1.1.0\",\"root\":{\"path\":\"%s\",\"readonly\":true},"
	    "\"hostname\":\"h1\",\"process\":{\"terminal\":false,"
	    "\"user\":{\"uid\":1000,\"gid\":100,\"additionalGids\":[100,10],\"umask\":18},"
	    "\"args\":[\"sh\",\"-c\",\"true\"],\"env\":[\"A=1\",\"PATH=/bin:/x\"],\"cwd\":\"/w\","
	    "\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_KILL\"],\"effective\":[\"CAP_"
	    "KILL\"]},"
	    "\"noNewPrivileges\":true,"
	    "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":512}]},"
	    "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\","
	    "\"options\":[\"nosuid\",\"noexec\",\"nodev\"]},"
	    "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/tmp\","
	    "\"options\":[\"rbind\",\"ro\",\"rprivate\"]}],"
	    "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"uts\"}]"
	    ","
	    "\"maskedPaths\":[\"/proc/kcore\"],\"readonlyPaths\":[\"/proc/sys\"],"
	    "\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"}%s}}",
	    root, extra_linux);
}

UNIT_TEST(mount_options)
{
	struct xmount m = {0};

	xmount_add_option(&m, "nosuid");
	xmount_add_option(&m, "ro");
	xmount_add_option(&m, "rw");
	xmount_add_option(&m, "rbind");
	xmount_add_option(&m, "rslave");
	xmount_add_option(&m, "mode=755");
	xmount_add_option(&m, "size=64k");
	CHECK(m.flags == (MS_NOSUID | MS_BIND | MS_REC));
	CHECK(m.bind);
	CHECK(m.propagation == (MS_SLAVE | MS_REC));
	CHECK_STR(m.data, "mode=755,size=64k");
	free(m.data);
}

UNIT_TEST(parse_spec)
{
	cleanup_free char *dir = make_tmpdir();
	cleanup_free char *text = NULL;
	struct xspec s;
	struct werr err = {0};

	CHECK(dir != NULL);
	text = spec_text(dir, "");
	CHECK(xspec_parse(text, "/", NULL, &s, &err) == 0);
	CHECK_STR(s.root_path, dir);
	CHECK(s.root_ro);
	CHECK_STR(s.hostname, "h1");
	CHECK(s.uid == 1000 && s.gid == 100 && s.ngroups == 2 && s.groups[1] == 10);
	CHECK(s.umask == 18);
	CHECK_STR(s.args[2], "true");
	CHECK_STR(s.path_env, "/bin:/x");
	CHECK(s.caps_set && s.caps[XCAP_BOUNDING] == ((1ULL << 0) | (1ULL << 5)));
	CHECK(s.caps[XCAP_EFFECTIVE] == (1ULL << 5) && s.caps[XCAP_AMBIENT] == 0);
	CHECK(s.no_new_privs);
	CHECK(s.nrlimits == 1 && s.rlimits[0].resource == RLIMIT_NOFILE &&
	      s.rlimits[0].lim.rlim_cur == 512);
	CHECK(s.ns_flags == (CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS));
	CHECK(s.nmounts == 2 && s.mounts[1].bind && s.mounts[1].ro_remount);
	CHECK(s.mounts[0].flags == (MS_NOSUID | MS_NOEXEC | MS_NODEV) && !s.mounts[0].bind);
	CHECK_STR(s.masked[0], "/proc/kcore");
	CHECK_STR(s.readonly[0], "/proc/sys");
	CHECK(s.nsysctl == 1);
	CHECK_STR(s.sysctl[0].key, "net/ipv4/ip_forward");
	CHECK(!s.has_seccomp);
	xspec_free(&s);
	rmdir(dir);
}

UNIT_TEST(exec_changes_the_spec)
{
	cleanup_free char *dir = make_tmpdir();
	cleanup_free char *text = NULL;
	char *args[] = {"ls", "-l", NULL}, *env[] = {"PATH=/y", "B=2", "A=3", NULL};
	gid_t groups[] = {7};
	struct exec_proc x = {.args = args, .env = env, .cwd = "/tmp"};
	struct xspec s;
	struct werr err = {0};

	CHECK(dir != NULL);
	text = spec_text(dir, "");
	/* args, env over the container's (PATH found again), cwd; caps kept */
	CHECK(xspec_parse(text, "/", NULL, &s, &err) == 0);
	CHECK(xspec_apply_exec(&s, &x, &err) == 0);
	CHECK_STR(s.args[0], "ls");
	CHECK(strv_len(s.env) == 3);
	CHECK_STR(s.env[0], "A=3");
	CHECK_STR(s.env[2], "B=2");
	CHECK_STR(s.path_env, "/y");
	CHECK_STR(s.cwd, "/tmp");
	CHECK(s.uid == 1000 && s.caps[XCAP_EFFECTIVE] == (1ULL << 5));
	/* a user: its ids; not root: no capabilities but the bounding set */
	x = (struct exec_proc){.args = args, .set_user = true, .uid = 0, .gid = 0};
	CHECK(xspec_apply_exec(&s, &x, &err) == 0);
	CHECK(s.uid == 0 && s.ngroups == 0);
	CHECK(s.caps[XCAP_EFFECTIVE] == s.caps[XCAP_BOUNDING] &&
	      s.caps[XCAP_PERMITTED] == s.caps[XCAP_BOUNDING]);
	x = (struct exec_proc){
	    .args = args, .set_user = true, .uid = 5, .gid = 6, .groups = groups, .ngroups = 1};
	CHECK(xspec_apply_exec(&s, &x, &err) == 0);
	CHECK(s.uid == 5 && s.gid == 6 && s.ngroups == 1 && s.groups[0] == 7);
	CHECK(s.caps[XCAP_EFFECTIVE] == 0 && s.caps[XCAP_PERMITTED] == 0);
	CHECK(s.caps[XCAP_BOUNDING] == ((1ULL << 0) | (1ULL << 5)));
	/* privileged: every capability of the kernel */
	x = (struct exec_proc){.args = args, .privileged = true, .set_user = true};
	CHECK(xspec_apply_exec(&s, &x, &err) == 0);
	CHECK(s.caps[XCAP_BOUNDING] == (s.cap_last >= 63 ? ~0ULL : (1ULL << (s.cap_last + 1)) - 1));
	CHECK(s.caps[XCAP_EFFECTIVE] == s.caps[XCAP_BOUNDING]);
	/* bad input */
	x = (struct exec_proc){.args = args, .cwd = "tmp"};
	CHECK(xspec_apply_exec(&s, &x, &err) < 0);
	CHECK(strstr(err.msg, "not an absolute path") != NULL);
	x = (struct exec_proc){.args = (char *[]){"", NULL}};
	CHECK(xspec_apply_exec(&s, &x, &err) < 0);
	xspec_free(&s);
	rmdir(dir);
}

UNIT_TEST(parse_spec_rejects)
{
	cleanup_free char *dir = make_tmpdir();
	cleanup_free char *userns = NULL, *badcap = NULL;
	struct xspec s;
	struct werr err = {0};

	CHECK(dir != NULL);
	/* a user namespace in the spec */
	userns = xasprintf("{\"root\":{\"path\":\"%s\"},\"process\":{\"args\":[\"a\"]},"
			   "\"linux\":{\"namespaces\":[{\"type\":\"user\"}]}}",
			   dir);
	CHECK(xspec_parse(userns, "/", NULL, &s, &err) < 0);
	CHECK(strstr(err.msg, "user namespace") != NULL);
	badcap = xasprintf("{\"root\":{\"path\":\"%s\"},\"process\":{\"args\":[\"a\"],"
			   "\"capabilities\":{\"bounding\":[\"CAP_NOPE\"]}}}",
			   dir);
	CHECK(xspec_parse(badcap, "/", NULL, &s, &err) < 0);
	CHECK(strstr(err.msg, "CAP_NOPE") != NULL);
	CHECK(xspec_parse("{\"root\":{\"path\":\"/\"},\"process\":{\"args\":[]}}", "/", NULL, &s,
			  &err) < 0);
	CHECK(strstr(err.msg, "no command") != NULL);
	CHECK(xspec_parse("{nope", "/", NULL, &s, &err) < 0);
	rmdir(dir);
}

UNIT_TEST(seccomp_compile_and_cache)
{
	cleanup_free char *dir = make_tmpdir();
	cleanup_free char *text = NULL, *cache = NULL;
	const char *sec =
	    ",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
	    "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"],"
	    "\"syscalls\":[{\"names\":[\"read\",\"write\",\"no_such_call\"],"
	    "\"action\":\"SCMP_ACT_ALLOW\"},{\"names\":[\"personality\"],"
	    "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":8,"
	    "\"op\":\"SCMP_CMP_EQ\"}]}]}";
	struct xspec s, s2;
	struct werr err = {0};
	struct stat st;

	CHECK(dir != NULL);
	cache = xasprintf("%s/cache", dir);
	text = spec_text(dir, sec);
	CHECK(xspec_parse(text, "/", cache, &s, &err) == 0);
	CHECK(s.has_seccomp && s.seccomp.len > 4);
	/* the second load comes from the cache and is the same program */
	CHECK(xspec_parse(text, "/", cache, &s2, &err) == 0);
	CHECK(s2.seccomp.len == s.seccomp.len);
	CHECK(memcmp(s.seccomp.filter, s2.seccomp.filter,
		     s.seccomp.len * sizeof(struct sock_filter)) == 0);
	CHECK(stat(cache, &st) == 0 && S_ISDIR(st.st_mode));
	xspec_free(&s);
	xspec_free(&s2);
	rm_rf_at(AT_FDCWD, dir, &err);
}

static void check_open_in_root(int *unit_failed_)
{
	cleanup_free char *dir = make_tmpdir();
	cleanup_free char *sub = NULL, *inside = NULL;
	struct werr err = {0};
	struct stat st;
	int rootfd, fd;

	CHECK(dir != NULL);
	rootfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(rootfd >= 0);
	/* an image symlink that points out of the rootfs */
	CHECK(symlinkat("../../../../etc", rootfd, "escape") == 0);
	CHECK(mkdirat(rootfd, "etc", 0755) == 0 || errno == EEXIST);
	fd = xopen_in_root(rootfd, "/escape/warren-unit-x", true, false);
	CHECK(fd >= 0);
	close(fd);
	CHECK(stat("/etc/warren-unit-x", &st) < 0 && errno == ENOENT);
	inside = xasprintf("%s/etc/warren-unit-x", dir);
	CHECK(stat(inside, &st) == 0 && S_ISREG(st.st_mode));
	fd = xopen_in_root(rootfd, "/a/b/c", true, true);
	CHECK(fd >= 0);
	close(fd);
	sub = xasprintf("%s/a/b/c", dir);
	CHECK(stat(sub, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(xopen_in_root(rootfd, "/missing", false, false) < 0 && errno == ENOENT);
	/* dangling links: the target is made inside the root, never outside */
	CHECK(symlinkat("/nowhere/deeper", rootfd, "dangle") == 0);
	CHECK(symlinkat("../../../tmp/warren-unit-out", rootfd, "dangle2") == 0);
	fd = xopen_in_root(rootfd, "/dangle/f", true, false);
	CHECK(fd >= 0);
	close(fd);
	free(inside);
	inside = xasprintf("%s/nowhere/deeper/f", dir);
	CHECK(stat(inside, &st) == 0 && S_ISREG(st.st_mode));
	fd = xopen_in_root(rootfd, "/dangle2", true, true);
	CHECK(fd >= 0);
	close(fd);
	CHECK(stat("/tmp/warren-unit-out", &st) < 0 && errno == ENOENT);
	free(inside);
	inside = xasprintf("%s/tmp/warren-unit-out", dir);
	CHECK(stat(inside, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(symlinkat("loop", rootfd, "loop") == 0);
	CHECK(xopen_in_root(rootfd, "/loop/x", true, true) < 0);
	/* ".." never leaves the root either */
	fd = xopen_in_root(rootfd, "/a/../../../etc", false, false);
	CHECK(fd >= 0 && fstat(fd, &st) == 0);
	close(fd);
	CHECK(st.st_ino == ino_at(rootfd, "etc"));
	close(rootfd);
	rm_rf_at(AT_FDCWD, dir, &err);
}

UNIT_TEST(open_in_root_stays_inside)
{
	check_open_in_root(unit_failed_);
}

/* Before Linux 5.6 (no openat2) every mount of the executor failed: the
 * same cases through lib/syscalls' userspace walk. */
UNIT_TEST(open_in_root_without_openat2)
{
	syscalls_set_missing(SYSC_OPENAT2, true);
	check_open_in_root(unit_failed_);
	syscalls_set_missing(SYSC_OPENAT2, false);
}

UNIT_MAIN()
