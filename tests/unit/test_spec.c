/* test_spec.c - config.json building: Docker's entrypoint/cmd rules, env
 * merging, -u resolution from passwd/group text and an untrusted rootfs,
 * capability math, the default seccomp profile and profile-file conversion. */
#include "tests/unit/unit.h"

#include <errno.h>
#include <fcntl.h>
#include <ctype.h>
#include <seccomp.h>
#include <sys/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/syscalls.h"
#include "lib/util.h"
#include "runtime/seccomp_profile.h"
#include "runtime/spec.h"
#include "runtime/userlookup.h"

#define V(...) ((char *[]){__VA_ARGS__, NULL})

static int cap_max_bits_for_test(void)
{
	return cap_max_bits();
}

static bool isdigit_str(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

static char *joined_args(const struct run_opts *o, const struct image_config *img)
{
	char **args = NULL;
	struct werr err = {0};
	char *s;

	if (spec_process_args(o, img, &args, &err) < 0)
		return xstrdup(err.msg);
	s = strv_join(args, " ");
	strv_free(args);
	return s;
}

UNIT_TEST(args_docker_rules)
{
	struct image_config img = {.entrypoint = V("/ep", "-x"), .cmd = V("dflt")};
	struct image_config nocmd = {0};
	struct run_opts o = {0};
	cleanup_free char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL, *f = NULL;

	CHECK_STR(a = joined_args(&o, &img), "/ep -x dflt");
	o.cmd = V("mine", "1");
	CHECK_STR(b = joined_args(&o, &img), "/ep -x mine 1");
	o.cmd = NULL;
	o.entrypoint_set = true;
	o.entrypoint = V("/new");
	CHECK_STR(c = joined_args(&o, &img), "/new"); /* image Cmd dropped */
	o.cmd = V("arg");
	CHECK_STR(d = joined_args(&o, &img), "/new arg");
	o.entrypoint = V(""); /* --entrypoint "" clears */
	CHECK_STR(e = joined_args(&o, &img), "arg");
	o.cmd = NULL;
	o.entrypoint_set = false;
	CHECK_STR(f = joined_args(&o, &nocmd), "no command or entrypoint specified");
}

UNIT_TEST(env_set_replaces_in_place)
{
	cleanup_strv char **env = NULL;

	spec_env_set(&env, "A=1");
	spec_env_set(&env, "B=2");
	spec_env_set(&env, "A=3");
	spec_env_set(&env, "AB=4");
	spec_env_set(&env, "NOVALUE");
	CHECK(strv_len(env) == 4);
	CHECK_STR(env[0], "A=3");
	CHECK_STR(env[1], "B=2");
	CHECK_STR(env[2], "AB=4");
	CHECK_STR(env[3], "NOVALUE");
}

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
			     "# comment\n"
			     "broken line\n"
			     "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
			     "app:x:1000:1001:App:/home/app:/bin/sh\n"
			     "nohome:x:1002:1002:::/bin/sh";
static const char group[] = "root:x:0:\n"
			    "wheel:x:10:root,app\n"
			    "appgrp:x:1001:\n"
			    "video:x:44:other,app\n"
			    "wheel2:x:10:app\n";

UNIT_TEST(passwd_group_parsing)
{
	struct pw_entry pw = {0};
	gid_t gid = 0, *gids = NULL;

	CHECK(passwd_find(passwd, "app", 0, &pw) == 1);
	CHECK(pw.uid == 1000 && pw.gid == 1001);
	CHECK_STR(pw.home, "/home/app");
	pw_entry_free(&pw);
	CHECK(passwd_find(passwd, NULL, 1, &pw) == 1);
	CHECK_STR(pw.name, "daemon");
	pw_entry_free(&pw);
	CHECK(passwd_find(passwd, "broken line", 0, &pw) == 0);
	CHECK(passwd_find(NULL, "root", 0, &pw) == 0);
	CHECK(group_find(group, "video", &gid) == 1 && gid == 44);
	CHECK(group_find(group, "nope", &gid) == 0);
	CHECK(group_members_of(group, "app", &gids) == 2); /* 10 once, 44 */
	CHECK(gids[0] == 10 && gids[1] == 44);
	free(gids);
}

UNIT_TEST(user_resolve_forms)
{
	struct user_ids u = {0};
	struct werr err = {0};

	CHECK(user_resolve("", passwd, group, &u, &err) == 0);
	CHECK(u.uid == 0 && u.gid == 0 && u.ngroups == 1 && u.groups[0] == 10);
	CHECK_STR(u.home, "/root");
	user_ids_free(&u);
	CHECK(user_resolve("app", passwd, group, &u, &err) == 0);
	CHECK(u.uid == 1000 && u.gid == 1001 && u.ngroups == 2);
	user_ids_free(&u);
	CHECK(user_resolve("1000:video", passwd, group, &u, &err) == 0);
	CHECK(u.uid == 1000 && u.gid == 44);
	user_ids_free(&u);
	CHECK(user_resolve("app:7", passwd, group, &u, &err) == 0);
	CHECK(u.uid == 1000 && u.gid == 7);
	user_ids_free(&u);
	CHECK(user_resolve("4242", passwd, group, &u, &err) == 0); /* no entry: fine */
	CHECK(u.uid == 4242 && u.gid == 0 && u.ngroups == 0);
	CHECK_STR(u.home, "/");
	user_ids_free(&u);
	CHECK(user_resolve("nohome", passwd, group, &u, &err) == 0);
	CHECK_STR(u.home, "/");
	user_ids_free(&u);
	CHECK(user_resolve("ghost", passwd, group, &u, &err) < 0);
	CHECK_STR(err.msg, "unable to find user ghost: no matching entries in passwd file");
	CHECK(user_resolve("app:ghosts", passwd, group, &u, &err) < 0);
	CHECK_STR(err.msg, "unable to find group ghosts: no matching entries in group file");
	CHECK(user_resolve("app", NULL, NULL, &u, &err) < 0);
}

UNIT_TEST(caps_math)
{
	struct werr err = {0};
	uint64_t set = 0;
	char *none[] = {NULL};

	CHECK(spec_cap_from_name("net_admin") == 12);
	CHECK(spec_cap_from_name("CAP_NET_ADMIN") == 12);
	CHECK(spec_cap_from_name("Net_Admin") == 12);
	CHECK(spec_cap_from_name("12") == -1);
	CHECK(spec_cap_from_name("BOGUS") == -1);
	CHECK(spec_caps_compute(false, none, none, &set, &err) == 0);
	CHECK(__builtin_popcountll(set) == 11);
	CHECK(set & CAP_BIT(0) && !(set & CAP_BIT(21))); /* CHOWN, not SYS_ADMIN */
	CHECK(spec_caps_compute(false, V("sys_admin"), V("CAP_CHOWN"), &set, &err) == 0);
	CHECK((set & CAP_BIT(21)) && !(set & CAP_BIT(0)) && __builtin_popcountll(set) == 11);
	CHECK(spec_caps_compute(false, V("NET_RAW"), V("all"), &set, &err) == 0);
	CHECK(set == CAP_BIT(13));
	CHECK(spec_caps_compute(false, V("ALL"), V("SYS_ADMIN"), &set, &err) == 0);
	CHECK(!(set & CAP_BIT(21)) && __builtin_popcountll(set) >= 38);
	CHECK(spec_caps_compute(true, none, none, &set, &err) == 0);
	CHECK(__builtin_popcountll(set) <= cap_max_bits_for_test() &&
	      __builtin_popcountll(set) >= 30);
	CHECK(spec_caps_compute(false, V("frobnicate"), none, &set, &err) < 0);
	CHECK_STR(err.msg, "unknown capability 'frobnicate'");
}

/* The rule of default profile p whose action is action (and no args). */
static struct json_object *rule_with(struct json_object *p, const char *action)
{
	struct json_object *rules = json_object_object_get(p, "syscalls");

	for (size_t i = 0; i < json_object_array_length(rules); i++) {
		struct json_object *r = json_object_array_get_idx(rules, i);
		if (!json_object_object_get(r, "args") &&
		    strcmp(json_object_get_string(json_object_object_get(r, "action")), action) ==
			0)
			return json_object_object_get(r, "names");
	}
	return NULL;
}

static bool names_has(struct json_object *names, const char *s)
{
	for (size_t i = 0; names && i < json_object_array_length(names); i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(names, i)), s) == 0)
			return true;
	return false;
}

/* io_uring runs operations seccomp never sees (issue 5 item 12): no cap
 * set allows it; the calls get the default ENOSYS. */
UNIT_TEST(seccomp_default_profile_blocks_io_uring)
{
	static const char *const calls[] = {"io_uring_setup", "io_uring_enter",
					    "io_uring_register"};
	const uint64_t capsets[] = {0, CAP_BIT(21), ~UINT64_C(0)};

	for (size_t c = 0; c < sizeof(capsets) / sizeof(capsets[0]); c++) {
		cleanup_json struct json_object *p = seccomp_default_profile(capsets[c]);
		struct json_object *rules = json_object_object_get(p, "syscalls");

		CHECK(json_object_get_int(json_object_object_get(p, "defaultErrnoRet")) == ENOSYS);
		for (size_t i = 0; i < json_object_array_length(rules); i++) {
			struct json_object *r = json_object_array_get_idx(rules, i);
			for (size_t k = 0; k < sizeof(calls) / sizeof(calls[0]); k++)
				CHECK(!names_has(json_object_object_get(r, "names"), calls[k]));
		}
	}
}

UNIT_TEST(seccomp_default_profile_gates)
{
	cleanup_json struct json_object *p = seccomp_default_profile(CAP_BIT(0) | CAP_BIT(18));
	cleanup_json struct json_object *adm = seccomp_default_profile(CAP_BIT(21));
	struct json_object *allow = rule_with(p, "SCMP_ACT_ALLOW");

	CHECK_STR(json_object_get_string(json_object_object_get(p, "defaultAction")),
		  "SCMP_ACT_ERRNO");
	CHECK(json_object_get_int(json_object_object_get(p, "defaultErrnoRet")) == ENOSYS);
	CHECK(names_has(allow, "openat") && names_has(allow, "chroot"));
	CHECK(!names_has(allow, "mount") && !names_has(allow, "clone"));
	CHECK(names_has(rule_with(p, "SCMP_ACT_ERRNO"), "mount"));
	CHECK(names_has(rule_with(p, "SCMP_ACT_ERRNO"), "keyctl"));
	CHECK(names_has(rule_with(adm, "SCMP_ACT_ALLOW"), "mount"));
	CHECK(names_has(rule_with(adm, "SCMP_ACT_ALLOW"), "clone"));
	CHECK(!names_has(rule_with(adm, "SCMP_ACT_ERRNO"), "mount"));
	CHECK(!names_has(rule_with(adm, "SCMP_ACT_ALLOW"), "chroot"));
}

/* Every name is known to libseccomp unless it is newer than the installed
 * libseccomp (the executor skips those): catches typos in the tables. */
UNIT_TEST(seccomp_names_resolve)
{
	static const char *const newer[] = {"cachestat",
					    "fchmodat2",
					    "futex_requeue",
					    "futex_wait",
					    "futex_wake",
					    "map_shadow_stack",
					    "futex_waitv",
					    "memfd_secret",
					    "process_mrelease",
					    "quotactl_fd",
					    "epoll_pwait2",
					    "mount_setattr",
					    "landlock_add_rule",
					    "landlock_create_ruleset",
					    "landlock_restrict_self",
					    "clock_adjtime64",
					    NULL};
	cleanup_json struct json_object *p = seccomp_default_profile(0);
	struct json_object *rules = json_object_object_get(p, "syscalls");

	for (size_t i = 0; i < json_object_array_length(rules); i++) {
		struct json_object *n =
		    json_object_object_get(json_object_array_get_idx(rules, i), "names");
		for (size_t j = 0; j < json_object_array_length(n); j++) {
			const char *s = json_object_get_string(json_object_array_get_idx(n, j));
			if (seccomp_syscall_resolve_name(s) == __NR_SCMP_ERROR &&
			    !strv_contains((char *const *)newer, s)) {
				printf("unknown syscall %s\n", s);
				CHECK(!"syscall name unknown to libseccomp");
			}
		}
	}
}

UNIT_TEST(seccomp_profile_file_conversion)
{
	static const char prof[] =
	    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
	    "\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\",\"subArchitectures\":"
	    "[\"SCMP_ARCH_X86\"]},{\"architecture\":\"SCMP_ARCH_AARCH64\"}],"
	    "\"syscalls\":[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
	    "{\"name\":\"mount\",\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":"
	    "[\"CAP_SYS_ADMIN\"]}},"
	    "{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{\"caps\":"
	    "[\"CAP_SYS_ADMIN\"]},\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}";
	struct werr err = {0};
	cleanup_json struct json_object *a = seccomp_profile_from_json(prof, "p.json", 0, &err);
	cleanup_json struct json_object *b =
	    seccomp_profile_from_json(prof, "p.json", CAP_BIT(21), &err);
	struct json_object *x = NULL;

	CHECK(a && b);
	CHECK(json_object_array_length(json_object_object_get(a, "syscalls")) == 2);
	CHECK(json_object_array_length(json_object_object_get(b, "syscalls")) == 2);
	x = json_object_array_get_idx(json_object_object_get(b, "syscalls"), 1);
	CHECK_STR(json_object_get_string(
		      json_object_array_get_idx(json_object_object_get(x, "names"), 0)),
		  "mount");
#if defined(__x86_64__)
	CHECK(json_object_array_length(json_object_object_get(a, "architectures")) == 2);
#endif
	CHECK(!seccomp_profile_from_json("{\"defaultAction\": ", "bad.json", 0, &err));
	CHECK(str_has_prefix(err.msg, "parse seccomp profile 'bad.json': "));
	CHECK(!seccomp_profile_from_json("{}", "empty.json", 0, &err));
	CHECK_STR(err.msg, "parse seccomp profile 'empty.json': no defaultAction");
}

/* ---- spec_build on a scratch rootfs ---- */

#ifndef TEST_SPEC_TMP
#define TEST_SPEC_TMP "/tmp"
#endif
static char tmpdir[] = TEST_SPEC_TMP "/test_spec.XXXXXX";

static void put(const char *rel, const char *data)
{
	cleanup_free char *p = xasprintf("%s/%s", tmpdir, rel);
	FILE *f = fopen(p, "w");

	if (f) {
		fputs(data, f);
		fclose(f);
	}
}

static char tmpbufs[8][512];
static int tmpbuf_i;

/* tmpdir/rel in a rotating static buffer (tests only). */
static const char *xasprintf_tmp(const char *rel)
{
	char *b = tmpbufs[tmpbuf_i++ % 8];

	snprintf(b, sizeof(tmpbufs[0]), "%s/%s", tmpdir, rel);
	return b;
}

static struct json_object *jobj(struct json_object *o, const char *path)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save))
		o = isdigit_str(k) ? json_object_array_get_idx(o, (size_t)atoi(k))
				   : json_object_object_get(o, k);
	return o;
}

static const char *jget(struct json_object *o, const char *path)
{
	o = jobj(o, path);
	return o ? json_object_get_string(o) : NULL;
}

static struct json_object *build(struct run_opts *o, struct image_config *img, bool single_uid,
				 struct werr *err)
{
	struct engine e = {.single_uid = single_uid};
	cleanup_free char *rootfs = xasprintf("%s/rootfs", tmpdir);
	struct json_object *spec = NULL;

	if (spec_build(&e, o, img, "0123456789abcdef0123", tmpdir, rootfs, &spec, err) < 0)
		return NULL;
	return spec;
}

UNIT_TEST(spec_build_defaults)
{
	struct image_config img = {.cmd = V("sh"), .env = V("PATH=/bin", "A=img"), .user = "app"};
	struct run_opts o = {.env = V("A=cli", "B=2"), .tty = true};
	struct werr err = {0};
	cleanup_json struct json_object *s = NULL;
	cleanup_free char *hosts = NULL, *hn = NULL;

	CHECK(mkdtemp(tmpdir) != NULL);
	CHECK(mkdir(xasprintf_tmp("rootfs"), 0755) == 0);
	CHECK(mkdir(xasprintf_tmp("rootfs/etc"), 0755) == 0);
	put("rootfs/etc/passwd", passwd);
	put("rootfs/etc/group", group);
	s = build(&o, &img, false, &err);
	if (!s)
		printf("error: %s\n", err.msg);
	CHECK(s != NULL);
	CHECK_STR(jget(s, "ociVersion"), "1.1.0");
	CHECK_STR(jget(s, "hostname"), "0123456789ab");
	CHECK_STR(jget(s, "process.args.0"), "sh");
	CHECK_STR(jget(s, "process.user.uid"), "1000");
	CHECK_STR(jget(s, "process.user.gid"), "1001");
	CHECK_STR(jget(s, "process.user.additionalGids.1"), "44");
	CHECK_STR(jget(s, "process.user.umask"), "18");
	CHECK_STR(jget(s, "process.cwd"), "/");
	CHECK_STR(jget(s, "process.env.0"), "PATH=/bin");
	CHECK_STR(jget(s, "process.env.1"), "container=warren");
	CHECK_STR(jget(s, "process.env.2"), "HOSTNAME=0123456789ab");
	CHECK_STR(jget(s, "process.env.3"), "TERM=xterm");
	CHECK_STR(jget(s, "process.env.4"), "A=cli");
	CHECK_STR(jget(s, "process.env.5"), "B=2");
	CHECK_STR(jget(s, "process.env.6"), "HOME=/home/app");
	CHECK_STR(jget(s, "process.noNewPrivileges"), "true");
	CHECK(json_object_array_length(json_object_object_get(
		  json_object_object_get(json_object_object_get(s, "process"), "capabilities"),
		  "effective")) == 0); /* non-root user */
	CHECK_STR(jget(s, "process.rlimits.0.type"), "RLIMIT_NOFILE");
	CHECK_STR(jget(s, "mounts.0.destination"), "/proc");
	CHECK_STR(jget(s, "mounts.2.options.5"), "gid=5");
	CHECK_STR(jget(s, "mounts.4.type"), "sysfs");
	CHECK_STR(jget(s, "mounts.6.destination"), "/etc/hostname");
	CHECK_STR(jget(s, "linux.namespaces.4.type"), "network");
	CHECK_STR(jget(s, "linux.maskedPaths.0"), "/proc/acpi");
	CHECK_STR(jget(s, "linux.seccomp.defaultAction"), "SCMP_ACT_ERRNO");
	hosts = read_file_at(AT_FDCWD, xasprintf_tmp("hosts"), NULL, &err);
	hn = read_file_at(AT_FDCWD, xasprintf_tmp("hostname"), NULL, &err);
	CHECK(hosts && strstr(hosts, "127.0.0.1\t0123456789ab\n"));
	CHECK_STR(hn, "0123456789ab\n");
}

UNIT_TEST(spec_build_options)
{
	struct image_config img = {.entrypoint = V("/init"), .workdir = "/srv"};
	struct volume_spec vols[] = {{.src = "/tmp", .dst = "/data", .ro = true},
				     {.src = "/tmp", .dst = "/dev/shm"}};
	struct run_opts o = {.volumes = vols,
			     .nvolumes = 2,
			     .tmpfs = V("/scratch:size=1m,mode=700"),
			     .net = NET_HOST,
			     .privileged = true,
			     .hostname = "box"};
	struct werr err = {0};
	cleanup_json struct json_object *s = build(&o, &img, true, &err);
	struct json_object *l;

	CHECK(s != NULL);
	CHECK_STR(jget(s, "hostname"), "box");
	CHECK_STR(jget(s, "process.cwd"), "/srv");
	CHECK_STR(jget(s, "process.user.uid"), "0");
	CHECK_STR(jget(s, "mounts.2.options.4"), "mode=0620");
	CHECK(jget(s, "mounts.2.options.5") == NULL);		     /* single uid: no gid=5 */
	CHECK_STR(jget(s, "mounts.4.type"), "bind");		     /* /sys with host network */
	CHECK(jget(s, "mounts.4.options.4") == NULL);		     /* privileged: rw */
	CHECK_STR(jget(s, "mounts.5.destination"), "/etc/hostname"); /* /dev/shm replaced */
	CHECK_STR(jget(s, "mounts.8.destination"), "/data");
	CHECK_STR(jget(s, "mounts.8.options.1"), "ro");
	CHECK_STR(jget(s, "mounts.9.destination"), "/dev/shm");
	CHECK_STR(jget(s, "mounts.10.options.4"), "mode=700");
	l = json_object_object_get(s, "linux");
	CHECK(json_object_array_length(json_object_object_get(l, "namespaces")) == 4);
	CHECK(json_object_array_length(json_object_object_get(l, "maskedPaths")) == 0);
	CHECK(!json_object_object_get(l, "seccomp"));
	CHECK(json_object_array_length(jobj(s, "process.capabilities.effective")) >= 38);
}

UNIT_TEST(spec_build_errors)
{
	struct image_config img = {.cmd = V("sh")};
	struct volume_spec vol = {.src = "/nonexistent-src", .dst = "/x"};
	struct run_opts o = {.user = "ghost"};
	struct werr err = {0};

	CHECK(build(&o, &img, false, &err) == NULL);
	CHECK_STR(err.msg, "unable to find user ghost: no matching entries in passwd file");
	o.user = "app";
	CHECK(build(&o, &img, true, &err) == NULL); /* uid 1000 unmapped */
	o.user = NULL;
	o.workdir = "rel";
	CHECK(build(&o, &img, false, &err) == NULL);
	CHECK_STR(err.msg, "working directory 'rel' is not an absolute path");
	o.workdir = NULL;
	o.volumes = &vol;
	o.nvolumes = 1;
	CHECK(build(&o, &img, false, &err) == NULL);
	CHECK_STR(err.msg, "invalid volume: '/nonexistent-src': No such file or directory");
	o.nvolumes = 0;
	o.seccomp = "/nonexistent.json";
	CHECK(build(&o, &img, false, &err) == NULL);
	o.seccomp = NULL;
	o.cap_add = V("nope");
	CHECK(build(&o, &img, false, &err) == NULL);
	CHECK_STR(err.msg, "unknown capability 'nope'");
}

UNIT_TEST(spec_build_init_annotations_hooks)
{
	/* issue 8: --init in front of the command, --annotation, hooks.d into "hooks" */
	struct image_config img = {.cmd = V("sh")};
	cleanup_free char *hooks = xasprintf("%s/hooks.d", tmpdir);
	char *dirs[] = {hooks, NULL};
	struct run_opts o = {.init = true, .init_path = "/bin/sh", .annotations = V("k=v")};
	struct engine e = {.hooks_dirs = dirs};
	cleanup_free char *rootfs = xasprintf("%s/rootfs", tmpdir);
	cleanup_json struct json_object *s = NULL;
	struct werr err = {0};
	size_t n;

	CHECK(mkdir(hooks, 0755) == 0);
	put("hooks.d/b.json", "{\"version\":\"1.0.0\",\"hook\":{\"path\":\"/bin/true\",\"timeout\":"
			      "5},\"when\":{\"annotations\":{\"^k$\":\"v\"}},\"stages\":["
			      "\"prestart\",\"poststop\"]}");
	put("hooks.d/a.json", "{\"version\":\"1.0.0\",\"hook\":{\"path\":\"/bin/false\"},"
			      "\"when\":{\"commands\":[\"^/run/podman-init$\"]},\"stages\":["
			      "\"prestart\"]}");
	put("hooks.d/c.json", "{\"version\":\"1.0.0\",\"hook\":{\"path\":\"/bin/true\"},"
			      "\"when\":{\"always\":false},\"stages\":[\"poststart\"]}");
	CHECK(spec_build(&e, &o, &img, "0123456789abcdef0123", tmpdir, rootfs, &s, &err) == 0);
	CHECK_STR(jget(s, "process.args.0"), "/run/podman-init");
	CHECK_STR(jget(s, "process.args.1"), "--");
	CHECK_STR(jget(s, "process.args.2"), "sh");
	n = json_object_array_length(jobj(s, "mounts"));
	CHECK_STR(json_object_get_string(json_object_object_get(
		      json_object_array_get_idx(jobj(s, "mounts"), n - 1), "destination")),
		  "/run/podman-init");
	CHECK_STR(jget(s, "annotations.k"), "v");
	CHECK_STR(jget(s, "hooks.prestart.0.path"), "/bin/false"); /* a.json first */
	CHECK_STR(jget(s, "hooks.prestart.1.path"), "/bin/true");
	CHECK_STR(jget(s, "hooks.prestart.1.timeout"), "5");
	CHECK_STR(jget(s, "hooks.poststop.0.path"), "/bin/true");
	CHECK(jobj(s, "hooks.poststart") == NULL);
	/* a bad hook file fails the spec as Podman fails the start */
	o.init_path = NULL;
	o.annotations = NULL;
	json_object_put(s);
	s = NULL;
	put("hooks.d/a.json", "{\"version\":\"1.0.0\",\"hook\":{\"path\":\"/bin/true\"},"
			      "\"when\":{\"always\":true},\"stages\":[\"nope\"]}");
	CHECK(spec_build(&e, &o, &img, "0123456789abcdef0123", tmpdir, rootfs, &s, &err) < 0);
	CHECK_STR(err.msg, "setting up OCI Hooks: unknown stage \"nope\"");
	CHECK(err.status == 126);
}

/* Read to the end whatever the size: exactly max is taken, one byte more
 * is EFBIG, a file past the first buffer comes back whole. */
static void check_rootfs_read_sizes(int rootfd, int *unit_failed_)
{
	struct werr err = {0};
	cleanup_free char *a = NULL, *big = xmalloc(10001), *b = NULL;
	cleanup_close int fd =
	    open(xasprintf_tmp("rootfs/etc/big"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	a = rootfs_read_file(rootfd, "etc/passwd", strlen(passwd), &err);
	CHECK(a && strcmp(a, passwd) == 0);
	CHECK(!rootfs_read_file(rootfd, "etc/passwd", strlen(passwd) - 1, &err) &&
	      err.errnum == EFBIG);
	memset(big, 'x', 10000);
	big[10000] = '\0';
	CHECK(fd >= 0 && write(fd, big, 10000) == 10000);
	b = rootfs_read_file(rootfd, "etc/big", 1 << 20, &err);
	CHECK(b && strcmp(b, big) == 0);
	CHECK(!rootfs_read_file(rootfd, "etc/big", 9999, &err) && err.errnum == EFBIG);
}

/* The rootfs's symlinks and ".." resolve inside it, never to the host's
 * files; with and without the kernel's openat2. */
static void check_rootfs_reads(int *unit_failed_)
{
	cleanup_close int rootfd = open(xasprintf_tmp("rootfs"), O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct werr err = {0};
	cleanup_free char *a = NULL, *b = NULL, *c = NULL;

	CHECK(rootfd >= 0);
	a = rootfs_read_file(rootfd, "etc/abs", 1 << 20, &err);
	CHECK(a && strcmp(a, passwd) == 0); /* the rootfs's passwd, not the host's */
	b = rootfs_read_file(rootfd, "/etc/../../../etc/passwd", 1 << 20, &err);
	CHECK(b && strcmp(b, passwd) == 0);
	CHECK(!rootfs_read_file(rootfd, "etc/rel", 1 << 20, &err) && err.errnum == ENOENT);
	CHECK(!rootfs_read_file(rootfd, "etc/loop", 1 << 20, &err) && err.errnum == ELOOP);
	CHECK(!rootfs_read_file(rootfd, "etc/nope", 1 << 20, &err) && err.errnum == ENOENT);
	CHECK(!rootfs_read_file(rootfd, "etc/fifo", 1 << 20, &err)); /* no hang */
	CHECK(!rootfs_read_file(rootfd, "etc/passwd", 10, &err));    /* too big */
	c = rootfs_read_file(rootfd, "/etc/passwd", 1 << 20, &err);
	CHECK(c && strcmp(c, passwd) == 0);
	check_rootfs_read_sizes(rootfd, unit_failed_);
}

UNIT_TEST(rootfs_read_stays_inside)
{
	CHECK(symlink("/etc/passwd", xasprintf_tmp("rootfs/etc/abs")) == 0);
	CHECK(symlink("../../../../../../etc/hostname", xasprintf_tmp("rootfs/etc/rel")) == 0);
	CHECK(symlink("loop", xasprintf_tmp("rootfs/etc/loop")) == 0);
	CHECK(mkfifo(xasprintf_tmp("rootfs/etc/fifo"), 0644) == 0);
	check_rootfs_reads(unit_failed_);
}

/* A kernel without openat2 (< 5.6, or a seccomp filter): lib/syscalls
 * walks the path itself, with the same result. */
UNIT_TEST(rootfs_read_without_openat2)
{
	syscalls_set_missing(SYSC_OPENAT2, true);
	check_rootfs_reads(unit_failed_);
	syscalls_set_missing(SYSC_OPENAT2, false);
}

/* Not a test: the scratch dir goes when the binary exits. */
__attribute__((destructor)) static void remove_tmpdir(void)
{
	struct werr err = {0};

	if (strchr(tmpdir, 'X') == NULL)
		rm_rf_at(AT_FDCWD, tmpdir, &err);
}

UNIT_MAIN()
