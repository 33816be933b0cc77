/* seccomp_profile.c - the linux.seccomp object of config.json.
 *
 * The default policy follows Podman's (containers/common): everything an
 * ordinary program calls is allowed, calls that only make sense with a
 * capability are allowed when the container has it and fail with EPERM
 * otherwise, and anything not listed (including syscalls newer than this
 * table) fails with ENOSYS so libc falls back gracefully.
 *
 * Decisions where Podman and Docker differ (all one-line table moves):
 *  - unshare needs CAP_SYS_ADMIN (Docker, CRI-O); Podman allows it. A
 *    container could otherwise create user namespaces, which the clone rule
 *    refuses, and reach kernel code otherwise reserved to root.
 *  - ptrace, process_vm_readv/writev are allowed (kernel >= 4.8 no longer
 *    lets ptrace bypass seccomp); kcmp and process_madvise need SYS_PTRACE.
 *  - io_uring_setup, io_uring_enter and io_uring_register are not listed,
 *    so they fail with the default ENOSYS (libraries fall back to epoll
 *    and threads): io_uring runs operations seccomp never sees and has
 *    been a steady source of kernel exploits. Podman's profile does not
 *    list them either; Docker and containerd removed them in 2023 (their
 *    default answer is EPERM).
 *  - keyctl, add_key and request_key always fail: the keyring is not
 *    namespaced. */
#include "runtime/seccomp_profile.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "runtime/spec.h"

/* Allowed for every container. Names a given libseccomp or arch does not
 * know are skipped by the executor (32-bit and arm names are here for the
 * compat architectures). */
static const char *const allow_always[] = {
    "_llseek",
    "_newselect",
    "accept",
    "accept4",
    "access",
    "adjtimex",
    "alarm",
    "arch_prctl",
    "arm_fadvise64_64",
    "arm_sync_file_range",
    "bind",
    "breakpoint",
    "brk",
    "cacheflush",
    "cachestat",
    "capget",
    "capset",
    "chdir",
    "chmod",
    "chown",
    "chown32",
    "clock_getres",
    "clock_getres_time64",
    "clock_gettime",
    "clock_gettime64",
    "clock_nanosleep",
    "clock_nanosleep_time64",
    "close",
    "close_range",
    "connect",
    "copy_file_range",
    "creat",
    "dup",
    "dup2",
    "dup3",
    "epoll_create",
    "epoll_create1",
    "epoll_ctl",
    "epoll_ctl_old",
    "epoll_pwait",
    "epoll_pwait2",
    "epoll_wait",
    "epoll_wait_old",
    "eventfd",
    "eventfd2",
    "execve",
    "execveat",
    "exit",
    "exit_group",
    "faccessat",
    "faccessat2",
    "fadvise64",
    "fadvise64_64",
    "fallocate",
    "fanotify_mark",
    "fchdir",
    "fchmod",
    "fchmodat",
    "fchmodat2",
    "fchown",
    "fchown32",
    "fchownat",
    "fcntl",
    "fcntl64",
    "fdatasync",
    "fgetxattr",
    "flistxattr",
    "flock",
    "fork",
    "fremovexattr",
    "fsetxattr",
    "fstat",
    "fstat64",
    "fstatat64",
    "fstatfs",
    "fstatfs64",
    "fsync",
    "ftruncate",
    "ftruncate64",
    "futex",
    "futex_requeue",
    "futex_time64",
    "futex_wait",
    "futex_waitv",
    "futex_wake",
    "futimesat",
    "get_mempolicy",
    "get_robust_list",
    "get_thread_area",
    "getcpu",
    "getcwd",
    "getdents",
    "getdents64",
    "getegid",
    "getegid32",
    "geteuid",
    "geteuid32",
    "getgid",
    "getgid32",
    "getgroups",
    "getgroups32",
    "getitimer",
    "getpeername",
    "getpgid",
    "getpgrp",
    "getpid",
    "getppid",
    "getpriority",
    "getrandom",
    "getresgid",
    "getresgid32",
    "getresuid",
    "getresuid32",
    "getrlimit",
    "getrusage",
    "getsid",
    "getsockname",
    "getsockopt",
    "gettid",
    "gettimeofday",
    "getuid",
    "getuid32",
    "getxattr",
    "inotify_add_watch",
    "inotify_init",
    "inotify_init1",
    "inotify_rm_watch",
    "io_cancel",
    "io_destroy",
    "io_getevents",
    "io_pgetevents",
    "io_pgetevents_time64",
    "io_setup",
    "io_submit",
    "ioctl",
    "ioprio_get",
    "ioprio_set",
    "ipc",
    "kill",
    "landlock_add_rule",
    "landlock_create_ruleset",
    "landlock_restrict_self",
    "lchown",
    "lchown32",
    "lgetxattr",
    "link",
    "linkat",
    "listen",
    "listxattr",
    "llistxattr",
    "lremovexattr",
    "lseek",
    "lsetxattr",
    "lstat",
    "lstat64",
    "madvise",
    "map_shadow_stack",
    "membarrier",
    "memfd_create",
    "memfd_secret",
    "mincore",
    "mkdir",
    "mkdirat",
    "mknod",
    "mknodat",
    "mlock",
    "mlock2",
    "mlockall",
    "mmap",
    "mmap2",
    "modify_ldt",
    "mprotect",
    "mq_getsetattr",
    "mq_notify",
    "mq_open",
    "mq_timedreceive",
    "mq_timedreceive_time64",
    "mq_timedsend",
    "mq_timedsend_time64",
    "mq_unlink",
    "mremap",
    "msgctl",
    "msgget",
    "msgrcv",
    "msgsnd",
    "msync",
    "munlock",
    "munlockall",
    "munmap",
    "name_to_handle_at",
    "nanosleep",
    "newfstatat",
    "nice",
    "open",
    "openat",
    "openat2",
    "pause",
    "pidfd_getfd",
    "pidfd_open",
    "pidfd_send_signal",
    "pipe",
    "pipe2",
    "pkey_alloc",
    "pkey_free",
    "pkey_mprotect",
    "poll",
    "ppoll",
    "ppoll_time64",
    "prctl",
    "pread64",
    "preadv",
    "preadv2",
    "prlimit64",
    "process_mrelease",
    "process_vm_readv",
    "process_vm_writev",
    "pselect6",
    "pselect6_time64",
    "ptrace",
    "pwrite64",
    "pwritev",
    "pwritev2",
    "read",
    "readahead",
    "readlink",
    "readlinkat",
    "readv",
    "recv",
    "recvfrom",
    "recvmmsg",
    "recvmmsg_time64",
    "recvmsg",
    "remap_file_pages",
    "removexattr",
    "rename",
    "renameat",
    "renameat2",
    "restart_syscall",
    "rmdir",
    "rseq",
    "rt_sigaction",
    "rt_sigpending",
    "rt_sigprocmask",
    "rt_sigqueueinfo",
    "rt_sigreturn",
    "rt_sigsuspend",
    "rt_sigtimedwait",
    "rt_sigtimedwait_time64",
    "rt_tgsigqueueinfo",
    "sched_get_priority_max",
    "sched_get_priority_min",
    "sched_getaffinity",
    "sched_getattr",
    "sched_getparam",
    "sched_getscheduler",
    "sched_rr_get_interval",
    "sched_rr_get_interval_time64",
    "sched_setaffinity",
    "sched_setattr",
    "sched_setparam",
    "sched_setscheduler",
    "sched_yield",
    "seccomp",
    "select",
    "semctl",
    "semget",
    "semop",
    "semtimedop",
    "semtimedop_time64",
    "send",
    "sendfile",
    "sendfile64",
    "sendmmsg",
    "sendmsg",
    "sendto",
    "set_mempolicy",
    "set_robust_list",
    "set_thread_area",
    "set_tid_address",
    "set_tls",
    "setdomainname",
    "setfsgid",
    "setfsgid32",
    "setfsuid",
    "setfsuid32",
    "setgid",
    "setgid32",
    "setgroups",
    "setgroups32",
    "sethostname",
    "setitimer",
    "setpgid",
    "setpriority",
    "setregid",
    "setregid32",
    "setresgid",
    "setresgid32",
    "setresuid",
    "setresuid32",
    "setreuid",
    "setreuid32",
    "setrlimit",
    "setsid",
    "setsockopt",
    "setuid",
    "setuid32",
    "setxattr",
    "shmat",
    "shmctl",
    "shmdt",
    "shmget",
    "shutdown",
    "sigaltstack",
    "signalfd",
    "signalfd4",
    "sigpending",
    "sigprocmask",
    "sigreturn",
    "socket",
    "socketcall",
    "socketpair",
    "splice",
    "stat",
    "stat64",
    "statfs",
    "statfs64",
    "statx",
    "symlink",
    "symlinkat",
    "sync",
    "sync_file_range",
    "sync_file_range2",
    "syncfs",
    "sysinfo",
    "tee",
    "tgkill",
    "time",
    "timer_create",
    "timer_delete",
    "timer_getoverrun",
    "timer_gettime",
    "timer_gettime64",
    "timer_settime",
    "timer_settime64",
    "timerfd_create",
    "timerfd_gettime",
    "timerfd_gettime64",
    "timerfd_settime",
    "timerfd_settime64",
    "times",
    "tkill",
    "truncate",
    "truncate64",
    "ugetrlimit",
    "umask",
    "uname",
    "unlink",
    "unlinkat",
    "utime",
    "utimensat",
    "utimensat_time64",
    "utimes",
    "vfork",
    "vmsplice",
    "wait4",
    "waitid",
    "waitpid",
    "write",
    "writev",
};

/* Never allowed: obsolete, unnamespaced or historically exploitable. */
static const char *const deny_always[] = {
    "_sysctl",	      "add_key",
    "afs_syscall",    "bdflush",
    "create_module",  "get_kernel_syms",
    "getpmsg",	      "keyctl",
    "nfsservctl",     "pciconfig_iobase",
    "pciconfig_read", "pciconfig_write",
    "putpmsg",	      "query_module",
    "request_key",    "security",
    "sysfs",	      "tuxcall",
    "uselib",	      "userfaultfd",
    "ustat",	      "vm86",
    "vm86old",	      "vserver",
};

/* Syscalls allowed only with one of two capabilities (cap2 -1: just one);
 * EPERM without. */
struct cap_gate {
	int cap, cap2;
	const char *const *names;
};

#define NAMES(...) ((const char *const[]){__VA_ARGS__, NULL})

static const struct cap_gate cap_gates[] = {
    {CAP_SYS_ADMIN, -1,
     NAMES("fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick", "lookup_dcookie", "mount",
	   "mount_setattr", "move_mount", "open_tree", "pivot_root", "quotactl", "quotactl_fd",
	   "setns", "swapoff", "swapon", "umount", "umount2", "unshare")},
    {CAP_SYS_ADMIN, CAP_BPF, NAMES("bpf")},
    {CAP_SYS_ADMIN, CAP_PERFMON, NAMES("perf_event_open")},
    {CAP_SYS_BOOT, -1, NAMES("kexec_file_load", "kexec_load", "reboot")},
    {CAP_SYS_CHROOT, -1, NAMES("chroot")},
    {CAP_SYS_MODULE, -1, NAMES("delete_module", "finit_module", "init_module")},
    {CAP_SYS_PACCT, -1, NAMES("acct")},
    {CAP_SYS_PTRACE, -1, NAMES("kcmp", "process_madvise")},
    {CAP_SYS_RAWIO, -1, NAMES("ioperm", "iopl")},
    {CAP_SYS_TIME, -1,
     NAMES("clock_adjtime", "clock_adjtime64", "clock_settime", "clock_settime64", "settimeofday",
	   "stime")},
    {CAP_SYS_TTY_CONFIG, -1, NAMES("vhangup")},
    {CAP_SYS_NICE, -1, NAMES("mbind", "migrate_pages", "move_pages")},
    {CAP_SYSLOG, -1, NAMES("syslog")},
    {CAP_DAC_READ_SEARCH, -1, NAMES("open_by_handle_at")},
};

/* personality(2) values that change nothing dangerous: PER_LINUX,
 * PER_LINUX32, UNAME26, PER_LINUX32|UNAME26 and the 0xffffffff query. */
static const int64_t personality_ok[] = {0x0, 0x8, 0x20000, 0x20008, 0xffffffff};

/* Namespace flags clone(2) may not use without CAP_SYS_ADMIN:
 * CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET. */
#define CLONE_NS_FLAGS 0x7E020000

static const char *const native_arches[] = {
#if defined(__x86_64__)
    "SCMP_ARCH_X86_64",
    "SCMP_ARCH_X86",
    "SCMP_ARCH_X32",
#elif defined(__aarch64__)
    "SCMP_ARCH_AARCH64",
    "SCMP_ARCH_ARM",
#elif defined(__i386__)
    "SCMP_ARCH_X86",
#endif
    NULL,
};

/* The native arch in Docker profiles' archMap and includes.arches. */
#if defined(__x86_64__)
#define NATIVE_SCMP   "SCMP_ARCH_X86_64"
#define NATIVE_GOARCH "amd64"
#elif defined(__aarch64__)
#define NATIVE_SCMP   "SCMP_ARCH_AARCH64"
#define NATIVE_GOARCH "arm64"
#else
#define NATIVE_SCMP   ""
#define NATIVE_GOARCH ""
#endif

static bool has_cap(uint64_t caps, int cap)
{
	return cap >= 0 && cap < 64 && (caps & CAP_BIT(cap));
}

static void add_names(struct json_object *arr, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n && names[i]; i++)
		json_object_array_add(arr, json_object_new_string(names[i]));
}

/* {"names": names, "action": action[, "errnoRet": e]}; names is taken. */
static struct json_object *rule(struct json_object *names, const char *action, int errno_ret)
{
	struct json_object *r = json_object_new_object();

	json_object_object_add(r, "names", names);
	json_object_object_add(r, "action", json_object_new_string(action));
	if (errno_ret > 0)
		json_object_object_add(r, "errnoRet", json_object_new_int(errno_ret));
	return r;
}

static struct json_object *one_name(const char *name)
{
	struct json_object *a = json_object_new_array_ext(1);

	json_object_array_add(a, json_object_new_string(name));
	return a;
}

/* An allow rule for name with one argument comparison. */
static struct json_object *arg_rule(const char *name, unsigned index, int64_t value,
				    int64_t value_two, const char *op)
{
	struct json_object *r = rule(one_name(name), "SCMP_ACT_ALLOW", 0);
	struct json_object *args = json_object_new_array_ext(1);
	struct json_object *a = json_object_new_object();

	json_object_object_add(a, "index", json_object_new_int((int)index));
	json_object_object_add(a, "value", json_object_new_int64(value));
	json_object_object_add(a, "valueTwo", json_object_new_int64(value_two));
	json_object_object_add(a, "op", json_object_new_string(op));
	json_object_array_add(args, a);
	json_object_object_add(r, "args", args);
	return r;
}

static struct json_object *string_array(const char *const *v)
{
	struct json_object *a = json_object_new_array();

	add_names(a, v, SIZE_MAX);
	return a;
}

struct json_object *seccomp_default_profile(uint64_t caps)
{
	struct json_object *p = json_object_new_object();
	struct json_object *rules = json_object_new_array_ext(16);
	struct json_object *allow = json_object_new_array_ext(ARRAY_SIZE(allow_always) + 64);
	struct json_object *deny = json_object_new_array_ext(64);
	bool sys_admin = has_cap(caps, CAP_SYS_ADMIN);

	add_names(allow, allow_always, ARRAY_SIZE(allow_always));
	add_names(deny, deny_always, ARRAY_SIZE(deny_always));
	for (size_t i = 0; i < ARRAY_SIZE(cap_gates); i++) {
		const struct cap_gate *g = &cap_gates[i];
		bool ok = has_cap(caps, g->cap) || has_cap(caps, g->cap2);
		add_names(ok ? allow : deny, g->names, SIZE_MAX);
	}
	if (sys_admin)
		add_names(allow, NAMES("clone", "clone3"), 2);

	json_object_object_add(p, "defaultAction", json_object_new_string("SCMP_ACT_ERRNO"));
	json_object_object_add(p, "defaultErrnoRet", json_object_new_int(ENOSYS));
	json_object_object_add(p, "architectures", string_array(native_arches));
	json_object_array_add(rules, rule(allow, "SCMP_ACT_ALLOW", 0));
	json_object_array_add(rules, rule(deny, "SCMP_ACT_ERRNO", EPERM));
	for (size_t i = 0; i < ARRAY_SIZE(personality_ok); i++)
		json_object_array_add(
		    rules, arg_rule("personality", 0, personality_ok[i], 0, "SCMP_CMP_EQ"));
	if (!sys_admin) {
		/* clone's flags are arg 0 on x86 and arm (arg 1 only on s390) */
		json_object_array_add(
		    rules, arg_rule("clone", 0, CLONE_NS_FLAGS, 0, "SCMP_CMP_MASKED_EQ"));
		/* clone3 passes flags in memory seccomp cannot read: ENOSYS
		 * makes glibc fall back to clone, which is checked */
		json_object_array_add(rules, rule(one_name("clone3"), "SCMP_ACT_ERRNO", ENOSYS));
	}
	json_object_object_add(p, "syscalls", rules);
	return p;
}

/* ---- Docker-format profile files ---- */

static bool str_in_array(struct json_object *arr, const char *s)
{
	size_t n = json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;

	for (size_t i = 0; i < n; i++) {
		const char *v = json_object_get_string(json_object_array_get_idx(arr, i));
		if (v && strcmp(v, s) == 0)
			return true;
	}
	return false;
}

/* Running kernel >= "major.minor"? */
static bool kernel_at_least(const char *want)
{
	static int major = -1, minor;
	int wmaj = 0, wmin = 0;

	if (major < 0) {
		struct utsname u;
		if (uname(&u) < 0 || sscanf(u.release, "%d.%d", &major, &minor) != 2)
			major = minor = 0;
	}
	if (sscanf(want, "%d.%d", &wmaj, &wmin) < 1)
		return true;
	return major > wmaj || (major == wmaj && minor >= wmin);
}

/* Docker's includes/excludes filter: includes need every listed cap and
 * the native arch; excludes drop the rule if any cap or the arch match. */
static bool rule_applies(struct json_object *sc, uint64_t caps)
{
	struct json_object *inc = NULL, *exc = NULL, *v;
	size_t n;

	if (json_object_object_get_ex(sc, "includes", &inc)) {
		if (json_object_object_get_ex(inc, "caps", &v) &&
		    json_object_is_type(v, json_type_array)) {
			n = json_object_array_length(v);
			for (size_t i = 0; i < n; i++) {
				int c = spec_cap_from_name(
				    json_object_get_string(json_object_array_get_idx(v, i)));
				if (!has_cap(caps, c))
					return false;
			}
		}
		if (json_object_object_get_ex(inc, "arches", &v) &&
		    json_object_array_length(v) > 0 && !str_in_array(v, NATIVE_GOARCH))
			return false;
		if (json_object_object_get_ex(inc, "minKernel", &v) &&
		    !kernel_at_least(json_object_get_string(v)))
			return false;
	}
	if (json_object_object_get_ex(sc, "excludes", &exc)) {
		if (json_object_object_get_ex(exc, "caps", &v) &&
		    json_object_is_type(v, json_type_array)) {
			n = json_object_array_length(v);
			for (size_t i = 0; i < n; i++) {
				int c = spec_cap_from_name(
				    json_object_get_string(json_object_array_get_idx(v, i)));
				if (has_cap(caps, c))
					return false;
			}
		}
		if (json_object_object_get_ex(exc, "arches", &v) && str_in_array(v, NATIVE_GOARCH))
			return false;
	}
	return true;
}

/* Copies key from src to dst when present (sharing the value). */
static void copy_key(struct json_object *dst, struct json_object *src, const char *key)
{
	struct json_object *v;

	if (json_object_object_get_ex(src, key, &v))
		json_object_object_add(dst, key, json_object_get(v));
}

/* One Docker rule to the OCI form; NULL with err set when malformed. */
static struct json_object *convert_rule(struct json_object *sc, size_t idx, struct werr *err)
{
	cleanup_json struct json_object *r = json_object_new_object();
	struct json_object *names = NULL, *v;

	if (!json_object_is_type(sc, json_type_object)) {
		werr_set(err, 0, "syscalls[%zu] is not an object", idx);
		return NULL;
	}
	if (json_object_object_get_ex(sc, "names", &v) && json_object_is_type(v, json_type_array))
		names = json_object_get(v);
	else if (json_object_object_get_ex(sc, "name", &v) &&
		 json_object_is_type(v, json_type_string))
		names = one_name(json_object_get_string(v));
	if (!names) {
		werr_set(err, 0, "syscalls[%zu] has no names", idx);
		return NULL;
	}
	json_object_object_add(r, "names", names);
	if (!json_object_object_get_ex(sc, "action", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		werr_set(err, 0, "syscalls[%zu] has no action", idx);
		return NULL;
	}
	copy_key(r, sc, "action");
	copy_key(r, sc, "errnoRet");
	if (json_object_object_get_ex(sc, "args", &v) && json_object_is_type(v, json_type_array) &&
	    json_object_array_length(v) > 0)
		json_object_object_add(r, "args", json_object_get(v));
	return steal_pointer(&r);
}

/* architectures, or the native entry of archMap with its subArchitectures. */
static struct json_object *convert_arches(struct json_object *prof)
{
	struct json_object *v, *out = json_object_new_array();
	size_t n;

	if (json_object_object_get_ex(prof, "architectures", &v) &&
	    json_object_is_type(v, json_type_array)) {
		json_object_put(out);
		return json_object_get(v);
	}
	if (!json_object_object_get_ex(prof, "archMap", &v) ||
	    !json_object_is_type(v, json_type_array))
		return out;
	n = json_object_array_length(v);
	for (size_t i = 0; i < n; i++) {
		struct json_object *m = json_object_array_get_idx(v, i), *a, *subs;
		if (!json_object_object_get_ex(m, "architecture", &a) ||
		    strcmp(json_object_get_string(a), NATIVE_SCMP) != 0)
			continue;
		json_object_array_add(out, json_object_get(a));
		if (json_object_object_get_ex(m, "subArchitectures", &subs) &&
		    json_object_is_type(subs, json_type_array))
			for (size_t j = 0; j < json_object_array_length(subs); j++)
				json_object_array_add(
				    out, json_object_get(json_object_array_get_idx(subs, j)));
	}
	return out;
}

static struct json_object *convert_profile(struct json_object *prof, uint64_t caps,
					   struct werr *err)
{
	cleanup_json struct json_object *out = json_object_new_object();
	struct json_object *v, *rules = json_object_new_array();
	size_t n;

	json_object_object_add(out, "syscalls", rules);
	if (!json_object_is_type(prof, json_type_object) ||
	    !json_object_object_get_ex(prof, "defaultAction", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		werr_set(err, 0, "no defaultAction");
		return NULL;
	}
	copy_key(out, prof, "defaultAction");
	copy_key(out, prof, "defaultErrnoRet");
	json_object_object_add(out, "architectures", convert_arches(prof));
	copy_key(out, prof, "flags");
	if (json_object_object_get_ex(prof, "syscalls", &v) &&
	    json_object_is_type(v, json_type_array)) {
		n = json_object_array_length(v);
		for (size_t i = 0; i < n; i++) {
			struct json_object *sc = json_object_array_get_idx(v, i), *r;
			if (json_object_is_type(sc, json_type_object) && !rule_applies(sc, caps))
				continue;
			if (!(r = convert_rule(sc, i, err)))
				return NULL;
			json_object_array_add(rules, r);
		}
	}
	return steal_pointer(&out);
}

struct json_object *seccomp_profile_from_json(const char *text, const char *what, uint64_t caps,
					      struct werr *err)
{
	cleanup_json struct json_object *prof = NULL;
	struct json_object *out;
	enum json_tokener_error jerr = json_tokener_success;

	prof = json_tokener_parse_verbose(text, &jerr);
	if (!prof) {
		werr_set(err, 0, "parse seccomp profile '%s': %s", what,
			 json_tokener_error_desc(jerr));
		return NULL;
	}
	out = convert_profile(prof, caps, err);
	if (!out)
		werr_wrap(err, "parse seccomp profile '%s'", what);
	return out;
}

struct json_object *seccomp_profile_load(const char *path, uint64_t caps, struct werr *err)
{
	cleanup_free char *text = read_file_at(AT_FDCWD, path, NULL, err);

	if (!text) {
		werr_wrap(err, "seccomp profile");
		return NULL;
	}
	return seccomp_profile_from_json(text, path, caps, err);
}
