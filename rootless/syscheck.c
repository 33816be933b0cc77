/* syscheck.c - the host checks of `warren system check` (see syscheck.h).
 * Each check is a function filling one result; they read the same files
 * and try the same operations warren itself does later, so that an ok here
 * means the real thing works. */
#include "rootless/syscheck.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/quota.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "rootless/rootless.h"
#include "userns/idmap.h"

#define CGROUP2_MAGIC 0x63677270
#define MIN_SUBIDS    65536
#define LOW_SPACE     (1LL << 30)   /* warn below 1 GiB free */
#define NO_SPACE      (100LL << 20) /* fail below 100 MiB */

struct check_result *check_add(struct checks *c, const char *name)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->v = xrealloc(c->v, c->cap * sizeof(*c->v));
	}
	c->v[c->n] = (struct check_result){.name = name};
	return &c->v[c->n++];
}

void check_set(struct check_result *r, enum check_status st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	r->status = st;
	free(r->msg);
	if (vasprintf(&r->msg, fmt, ap) < 0)
		r->msg = xstrdup("(out of memory)");
	va_end(ap);
}

void check_fix(struct check_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	free(r->fix);
	if (vasprintf(&r->fix, fmt, ap) < 0)
		r->fix = NULL;
	va_end(ap);
}

/* The first line of a small file, without its newline; "" when unreadable. */
static void read_line(const char *path, char *buf, size_t len)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read_all(fd, buf, len - 1);

	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* ---- user namespaces and ids ---- */

/* 0 when a child can create a user namespace, else its errno. */
static int try_userns(void)
{
	int status = 0;
	pid_t pid = fork();

	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) < 0 ? (errno & 0x7f) : 0);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;
}

static void check_userns(struct checks *c)
{
	struct check_result *r = check_add(c, "user namespaces");
	const char *knob = pause_userns_knob();
	char max[32];
	int e;

	if (!c->e->rootless) {
		check_set(r, CHECK_OK, "not needed in root mode");
		return;
	}
	read_line("/proc/sys/user/max_user_namespaces", max, sizeof(max));
	if (knob != NULL) {
		const char *colon = strstr(knob, ": ");
		check_set(r, CHECK_FAIL, "%.*s", colon ? (int)(colon - knob) : (int)strlen(knob),
			  knob);
		check_fix(r, "%s", colon ? colon + 2 : knob);
	} else if ((e = try_userns()) != 0) {
		check_set(r, CHECK_FAIL, "cannot create a user namespace: %s", strerror(e));
		check_fix(
		    r,
		    "ask an admin to allow unprivileged user namespaces (sysctl "
		    "user.max_user_namespaces, kernel.unprivileged_userns_clone, AppArmor's "
		    "kernel.apparmor_restrict_unprivileged_userns, or a seccomp/SELinux policy)");
	} else {
		check_set(r, CHECK_OK, "allowed (user.max_user_namespaces=%s)", max[0] ? max : "?");
	}
}

/* The user's ranges of one kind from libsubid, summed; -1 on error. */
static long long subid_total(const char *user, bool gid, struct idrange **v, size_t *n)
{
	struct werr err = {0};
	long long total = 0;

	if (subid_ranges(user, gid, v, n, &err) < 0)
		return -1;
	for (size_t i = 0; i < *n; i++)
		total += (*v)[i].count;
	return total;
}

/* Another user whose /etc/subuid or /etc/subgid range overlaps one of
 * ranges: "alice (100000-165535 in /etc/subuid)", or NULL. */
static char *subid_clash(const struct engine *e, const char *file, const struct idrange *v,
			 size_t n)
{
	struct subid_entry *ent = NULL;
	size_t ne = 0;
	char *who = NULL;

	if (subid_file_load(file, &ent, &ne) < 0)
		return NULL;
	for (size_t i = 0; i < n && who == NULL; i++) {
		const struct subid_entry *o =
		    subid_overlap(ent, ne, e->user, e->uid, v[i].start, v[i].count);
		if (o != NULL)
			who = xasprintf("%s (%u-%u in %s)", o->owner, o->start,
					o->start + (o->count - 1), file);
	}
	free(ent);
	return who;
}

static void check_subids(struct checks *c)
{
	struct check_result *r = check_add(c, "subordinate ids");
	struct engine *e = c->e;
	cleanup_free struct idrange *uv = NULL, *gv = NULL;
	size_t nu = 0, ng = 0;
	long long tu, tg;
	char range[32];
	cleanup_free char *clash = NULL;

	if (!e->rootless) {
		check_set(r, CHECK_OK, "not needed in root mode");
		return;
	}
	tu = subid_total(e->user, false, &uv, &nu);
	tg = subid_total(e->user, true, &gv, &ng);
	pause_subid_free_range(e, range, sizeof(range));
	if (tu <= 0 || tg <= 0) {
		check_set(
		    r, CHECK_WARN,
		    "%s has no subordinate %s: containers run with one uid (files of other owners "
		    "become the user's, images that chown fail)",
		    e->user,
		    tu <= 0 && tg <= 0 ? "uids or gids"
		    : tu <= 0	       ? "uids"
				       : "gids");
		if (range[0])
			check_fix(
			    r, "ask an admin to run 'usermod --add-subuids %s --add-subgids %s %s'",
			    range, range, e->user);
		else
			check_fix(
			    r, "ask an admin to give %s 65536 ids in /etc/subuid and /etc/subgid",
			    e->user);
		return;
	}
	clash = subid_clash(e, "/etc/subuid", uv, nu);
	if (clash == NULL)
		clash = subid_clash(e, "/etc/subgid", gv, ng);
	if (clash != NULL) {
		check_set(
		    r, CHECK_FAIL,
		    "the ranges of %s overlap those of %s: the containers of both can read and "
		    "change each other's files",
		    e->user, clash);
		check_fix(r, "ask an admin to give %s a range of its own%s%s", e->user,
			  range[0] ? ", e.g. " : "", range);
		return;
	}
	if (tu < MIN_SUBIDS || tg < MIN_SUBIDS) {
		check_set(r, CHECK_WARN,
			  "%lld uids and %lld gids: images with ids up to 65535 need 65536", tu,
			  tg);
		check_fix(r, "ask an admin for 65536 ids in /etc/subuid and /etc/subgid");
		return;
	}
	check_set(r, CHECK_OK, "%lld uids, %lld gids", tu, tg);
}

static void check_idmap(struct checks *c)
{
	struct check_result *r = check_add(c, "newuidmap/newgidmap");
	struct werr err = {0};

	if (!c->e->rootless) {
		check_set(r, CHECK_OK, "not needed in root mode");
		return;
	}
	if (pause_check_idmap_tools(&err) < 0) {
		const char *colon = strstr(err.msg, ": ");
		check_set(r, CHECK_FAIL, "%.*s: only a single uid can be mapped",
			  colon ? (int)(colon - err.msg) : (int)strlen(err.msg), err.msg);
		check_fix(r, "%s", colon ? colon + 2 : err.msg);
		return;
	}
	check_set(r, CHECK_OK, "present, setuid root or with file capabilities");
}

/* ---- devices and helpers ---- */

static void check_device(struct checks *c, const char *name, const char *path,
			 enum check_status bad, const char *why, const char *module)
{
	struct check_result *r = check_add(c, name);
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		check_set(r, CHECK_OK, "usable");
		return;
	}
	check_set(r, bad, "cannot open %s: %s: %s", path, strerror(errno), why);
	if (errno == ENOENT)
		check_fix(r, "ask an admin to run 'modprobe %s' (and add it to /etc/modules)",
			  module);
	else
		check_fix(r, "ask an admin to run 'chmod 0666 %s' (distributions ship it so)",
			  path);
}

/* What `prog --version` prints about the version: its first line naming
 * prog and "version", else the first naming "version", else the first. */
static void prog_version(const char *path, char *buf, size_t len)
{
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	int p[2], status, best = 0;
	pid_t pid;
	cleanup_file FILE *f = NULL;
	char line[256];

	buf[0] = '\0';
	if (pipe2(p, O_CLOEXEC) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(p[1], 1);
		dup2(p[1], 2);
		dup2(null >= 0 ? null : 0, 0);
		alarm(5);
		/* squashfs-tools' programs take one dash */
		execl(path, path, strcmp(name, "mksquashfs") == 0 ? "-version" : "--version",
		      (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0 || (f = fdopen(p[0], "r")) == NULL) {
		close(p[0]);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		/* a line that starts with the name is the version line
		 * ("squashfuse 0.1.104 (c) ..."), whatever else says "version" */
		int score = str_has_prefix(line, name) ? 4
						       : 1 + (strstr(line, "version") != NULL) *
								 (1 + (strstr(line, name) != NULL));
		line[strcspn(line, "\n")] = '\0';
		if (score > best) {
			best = score;
			snprintf(buf, len, "%.*s", (int)len - 1, line);
		}
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

static void check_prog(struct checks *c, const char *name, const char *prog,
		       enum check_status missing, const char *why, const char *pkg)
{
	struct check_result *r = check_add(c, name);
	cleanup_free char *path = path_lookup(prog);
	char ver[160];

	if (path == NULL) {
		check_set(r, missing, "%s not found on PATH: %s", prog, why);
		if (missing != CHECK_OK)
			check_fix(
			    r,
			    "ask an admin to run 'apt-get install %s' (Debian, Ubuntu) or the "
			    "distribution's equivalent",
			    pkg);
		return;
	}
	prog_version(path, ver, sizeof(ver));
	check_set(r, CHECK_OK, "%s%s%s", path, ver[0] ? ": " : "", ver);
}

/* ---- storage ---- */

/* The storage root, or the closest existing dir above it (the checks try
 * things there without creating the store). malloc'd. */
static char *existing_dir(const char *path)
{
	char *p = xstrdup(path);
	struct stat st;

	while (stat(p, &st) < 0 || !S_ISDIR(st.st_mode)) {
		char *slash = strrchr(p, '/');
		if (slash == NULL || slash == p) {
			free(p);
			return xstrdup("/");
		}
		*slash = '\0';
	}
	return p;
}

/* Tries an overlay mount of three dirs under tmp in a new (user and)
 * mount namespace, as the storage driver does. 0 or the errno. */
static int try_overlay(struct engine *e, const char *tmp)
{
	int status = 0;
	pid_t pid = fork();

	if (pid < 0)
		return errno;
	if (pid == 0) {
		char map[64];
		int fd;
		cleanup_free char *opts = xasprintf("lowerdir=%s/l,upperdir=%s/u,workdir=%s/w%s",
						    tmp, tmp, tmp, e->rootless ? ",userxattr" : "");
		cleanup_free char *merged = xasprintf("%s/m", tmp);
		if (e->rootless) {
			if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
				_exit(errno & 0x7f);
			/* both maps: overlay creates its work dir with our gid */
			for (int k = 0; k < 3; k++) {
				static const char *const file[] = {"/proc/self/setgroups",
								   "/proc/self/uid_map",
								   "/proc/self/gid_map"};
				if (k == 0)
					snprintf(map, sizeof(map), "deny");
				else
					snprintf(map, sizeof(map), "0 %u 1\n",
						 (unsigned)(k == 1 ? e->uid : e->gid));
				fd = open(file[k], O_WRONLY | O_CLOEXEC);
				if (fd < 0 || write(fd, map, strlen(map)) < 0)
					_exit(errno & 0x7f);
				close(fd);
			}
		} else if (unshare(CLONE_NEWNS) < 0) {
			_exit(errno & 0x7f);
		}
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("overlay", merged, "overlay", 0, opts) < 0)
			_exit(errno & 0x7f);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;
}

/* What xattrs and overlay do in a temp dir under dir. */
static void try_storage(struct checks *c, const char *dir)
{
	struct check_result *x = check_add(c, "storage xattrs"),
			    *o = check_add(c, "storage overlay");
	cleanup_free char *tmp = xasprintf("%s/.warren-check-XXXXXX", dir);
	cleanup_free char *file = NULL;
	const char *sub[] = {"l", "u", "w", "m"};
	int fd, err;

	if (mkdtemp(tmp) == NULL) {
		check_set(x, CHECK_FAIL, "cannot create a dir in %s: %s", dir, strerror(errno));
		check_fix(x, "make %s writable for %s, or choose another --root", dir, c->e->user);
		check_set(o, CHECK_FAIL, "not tried: %s is not writable", dir);
		return;
	}
	file = xasprintf("%s/f", tmp);
	fd = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	if (fd >= 0 && fsetxattr(fd, "user.warren.check", "1", 1, 0) == 0) {
		check_set(x, CHECK_OK, "user xattrs work in %s", dir);
	} else {
		check_set(
		    x, CHECK_WARN,
		    "%s has no user xattrs (%s): rootless overlay cannot record whiteouts there, "
		    "the slow vfs driver copies every layer",
		    dir, strerror(fd < 0 ? EBADF : errno));
		check_fix(
		    x, "put the store on a local filesystem with xattrs (ext4, xfs, btrfs, tmpfs): "
		       "--root DIR, or graphroot in ~/.config/containers/storage.conf");
	}
	if (fd >= 0)
		close(fd);
	for (size_t i = 0; i < ARRAY_SIZE(sub); i++) {
		cleanup_free char *d = xasprintf("%s/%s", tmp, sub[i]);
		mkdir(d, 0700);
	}
	err = try_overlay(c->e, tmp);
	if (err == 0)
		check_set(o, CHECK_OK, "native overlay mounts%s",
			  c->e->rootless ? " in a user namespace" : "");
	else if (access("/dev/fuse", R_OK | W_OK) == 0) {
		cleanup_free char *fo = path_lookup("fuse-overlayfs");
		check_set(
		    o, fo ? CHECK_OK : CHECK_WARN, "native overlay failed (%s)%s", strerror(err),
		    fo ? ": fuse-overlayfs is used instead" : " and fuse-overlayfs is missing");
		if (fo == NULL)
			check_fix(o, "ask an admin to run 'apt-get install fuse-overlayfs'");
	} else {
		check_set(o, CHECK_WARN,
			  "native overlay failed (%s) and /dev/fuse is not usable: the slow "
			  "vfs driver copies every layer",
			  strerror(err));
		check_fix(
		    o,
		    "use a kernel that allows overlay in user namespaces (5.11 or later) or ask an "
		    "admin to run 'chmod 0666 /dev/fuse'");
	}
	rm_rf_at(AT_FDCWD, tmp, NULL);
}

/* The user's disk quota on the filesystem of dir: 1 and a message when one
 * is set, 0 when none is (or quotas are off), never fails. */
static int quota_of(const struct engine *e, const char *dir, long long *used, long long *limit)
{
#ifdef SYS_quotactl_fd
	struct if_dqblk q = {0};
	cleanup_close int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || syscall(SYS_quotactl_fd, fd, QCMD(Q_GETQUOTA, USRQUOTA), e->uid, &q) < 0)
		return 0;
	*limit = (long long)(q.dqb_bhardlimit ? q.dqb_bhardlimit : q.dqb_bsoftlimit) * 1024;
	*used = (long long)q.dqb_curspace;
	return *limit > 0;
#else
	return 0;
#endif
}

static void check_storage(struct checks *c)
{
	struct engine *e = c->e;
	struct check_result *r = check_add(c, "storage filesystem");
	cleanup_free char *dir = existing_dir(e->root);
	const char *netfs = paths_network_fs(e->root);
	struct check_result *s;
	struct statvfs vfs;
	long long avail, used = 0, limit = 0;
	char a[32], b[48];

	if (e->root_netfs != NULL) {
		check_set(r, CHECK_WARN,
			  "%s is on %s: warren keeps its storage in %s (local disk) instead, "
			  "which the machine's clean-up of /var/tmp may empty",
			  e->root_netfs, paths_network_fs(e->root_netfs), e->root);
		check_fix(r,
			  "choose a place for good: rootless_storage_path = \"/local/scratch/$USER/"
			  "warren\" under [storage] in ~/.config/containers/storage.conf");
	} else if (netfs != NULL && e->rootless) {
		check_set(r, CHECK_WARN,
			  "%s is on %s: rootless storage does not work well there (no user xattrs, "
			  "root squash, slow metadata)",
			  e->root, netfs);
		check_fix(
		    r, "put the store on a local disk: --root /tmp/$USER-warren (or a node-local "
		       "scratch dir), or graphroot in ~/.config/containers/storage.conf");
	} else {
		check_set(r, CHECK_OK, "%s is on a %s filesystem", e->root,
			  netfs ? netfs : "local");
	}
	try_storage(c, dir);
	s = check_add(c, "storage space");
	if (statvfs(dir, &vfs) < 0) {
		check_set(s, CHECK_WARN, "cannot stat %s: %s", dir, strerror(errno));
		return;
	}
	if (vfs.f_blocks == 0) { /* ramfs: no size, no limit */
		check_set(s, CHECK_OK, "no size limit reported for %s", dir);
		return;
	}
	avail = (long long)vfs.f_bavail * (long long)vfs.f_frsize;
	if (quota_of(e, dir, &used, &limit) && limit - used < avail)
		avail = limit > used ? limit - used : 0;
	format_size(avail, a, sizeof(a));
	if (limit > 0) {
		char q[32];
		format_size(limit, q, sizeof(q));
		snprintf(b, sizeof(b), " (quota %s)", q);
	} else {
		b[0] = '\0';
	}
	check_set(s,
		  avail < NO_SPACE    ? CHECK_FAIL
		  : avail < LOW_SPACE ? CHECK_WARN
				      : CHECK_OK,
		  "%s free in %s%s", a, dir, b);
	if (avail < LOW_SPACE)
		check_fix(s,
			  "free space there ('warren system prune -a'), or choose another --root");
}

/* ---- runtime dir, cgroups, session, ports ---- */

static void check_rundir(struct checks *c)
{
	struct engine *e = c->e;
	struct check_result *r = check_add(c, "runtime dir");
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	struct statvfs vfs;

	if (stat(e->userrun, &st) < 0) {
		check_set(r, CHECK_FAIL, "%s: %s", e->userrun, strerror(errno));
		check_fix(r, "set XDG_RUNTIME_DIR to a dir of yours (mode 0700), e.g. "
			     "'export XDG_RUNTIME_DIR=/tmp/$(id -u)-runtime; mkdir -m 0700 -p "
			     "$XDG_RUNTIME_DIR'");
		return;
	}
	if (st.st_uid != e->uid || (st.st_mode & 077) != 0) {
		check_set(r, CHECK_FAIL, "%s is not owned by %s with mode 0700", e->userrun,
			  e->user);
		check_fix(r, "run 'chmod 0700 %s' (or remove it: warren makes it again)",
			  e->userrun);
		return;
	}
	if (statvfs(e->userrun, &vfs) == 0 && (vfs.f_flag & ST_NOEXEC) && e->rootless) {
		check_set(r, CHECK_WARN, "%s is on a noexec mount", e->userrun);
		check_fix(r, "set XDG_RUNTIME_DIR to a dir on a filesystem mounted without noexec");
		return;
	}
	if (e->rootless && (xdg == NULL || xdg[0] != '/')) {
		check_set(r, CHECK_WARN,
			  "XDG_RUNTIME_DIR is not set: using %s, which a cleaned /tmp removes (the "
			  "running containers then become unreachable)",
			  e->userrun);
		check_fix(r,
			  "log in through a session that sets it (ssh, login, machinectl shell) or "
			  "'export XDG_RUNTIME_DIR=/run/user/$(id -u)' where that dir is yours");
		return;
	}
	check_set(r, CHECK_OK, "%s", e->userrun);
}

/* The controllers listed in a v2 cgroup dir's file (space separated). */
static void v2_controllers(const char *dir, const char *file, char *buf, size_t len)
{
	cleanup_free char *p = xasprintf("%s/%s", dir, file);
	read_line(p, buf, len);
}

/* True when comma-separated list holds word. */
static bool has_token(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p != NULL; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, word, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

/* This process's cgroup path of the hierarchy whose /proc/self/cgroup line
 * has id:controllers key ("0::" for v2, "name=..." or a controller for
 * v1). malloc'd or NULL. */
static char *own_cgroup(const char *controller)
{
	cleanup_file FILE *f = fopen("/proc/self/cgroup", "re");
	char line[512];

	while (f && fgets(line, sizeof(line), f) != NULL) {
		char *ctl = strchr(line, ':'), *path = ctl ? strchr(ctl + 1, ':') : NULL;
		if (path == NULL)
			continue;
		*path++ = '\0';
		path[strcspn(path, "\n")] = '\0';
		ctl++;
		if (controller == NULL ? ctl[0] == '\0' : has_token(ctl, controller))
			return xstrdup(path);
	}
	return NULL;
}

static void check_cgroups(struct checks *c)
{
	static const char *const v1[] = {"memory", "cpu", "pids", "freezer", "blkio", "cpuset"};
	struct check_result *r = check_add(c, "cgroups");
	struct statfs sf;
	char ok[160] = "", miss[160] = "";

	if (statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == CGROUP2_MAGIC) {
		cleanup_free char *own = own_cgroup(NULL);
		cleanup_free char *dir = xasprintf("/sys/fs/cgroup%s", own ? own : "/");
		char ctl[256] = "";
		v2_controllers(dir, "cgroup.controllers", ctl, sizeof(ctl));
		if (!c->e->rootless || access(dir, W_OK) == 0) {
			check_set(r, CHECK_OK, "v2, controllers in %s: %s", dir,
				  ctl[0] ? ctl : "none");
			return;
		}
		check_set(
		    r, CHECK_WARN,
		    "v2, but %s is not delegated to %s: resource limits, pause and stats are not "
		    "available",
		    dir, c->e->user);
		check_fix(
		    r,
		    "log in through systemd-logind (a user@.service delegates a cgroup) or ask an "
		    "admin to delegate one ('systemctl edit user@.service': Delegate=yes)");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(v1); i++) {
		cleanup_free char *own = own_cgroup(v1[i]);
		cleanup_free char *dir = NULL;
		char *list = ok;
		if (own == NULL)
			continue;
		dir = xasprintf("/sys/fs/cgroup/%s%s",
				strcmp(v1[i], "cpu") == 0 ? "cpu,cpuacct" : v1[i], own);
		if (c->e->rootless && access(dir, W_OK) != 0)
			list = miss;
		snprintf(list + strlen(list), 160 - strlen(list), "%s%s", list[0] ? " " : "",
			 v1[i]);
	}
	if (miss[0] == '\0') {
		check_set(r, CHECK_OK, "v1, usable controllers: %s", ok[0] ? ok : "none");
		return;
	}
	check_set(
	    r, CHECK_WARN,
	    "v1 (hybrid), and %s owns no cgroup of the controllers %s: resource limits, pause and "
	    "stats are not available rootless",
	    c->e->user, miss);
	check_fix(r,
		  "run on a cgroup v2 host with systemd delegation, or ask an admin (or the batch "
		  "system) to create cgroups owned by %s under each controller",
		  c->e->user);
}

static void check_linger(struct checks *c)
{
	struct check_result *r = check_add(c, "lingering");
	struct stat st;
	cleanup_free char *path = NULL;

	if (!c->e->rootless) {
		check_set(r, CHECK_OK, "not needed in root mode");
		return;
	}
	if (stat("/run/systemd/system", &st) < 0) {
		check_set(r, CHECK_OK, "no systemd: detached containers outlive the login session");
		return;
	}
	path = xasprintf("/var/lib/systemd/linger/%s", c->e->user);
	if (stat(path, &st) == 0) {
		check_set(r, CHECK_OK, "enabled: detached containers outlive the login session");
		return;
	}
	check_set(r, CHECK_WARN,
		  "not enabled: systemd may stop detached containers when %s's last session ends",
		  c->e->user);
	check_fix(r, "run 'loginctl enable-linger %s' (or ask an admin to)", c->e->user);
}

static void check_ports(struct checks *c)
{
	struct check_result *r = check_add(c, "unprivileged ports");
	char v[32];

	if (!c->e->rootless) {
		check_set(r, CHECK_OK, "root mode: every port can be published");
		return;
	}
	read_line("/proc/sys/net/ipv4/ip_unprivileged_port_start", v, sizeof(v));
	check_set(r, CHECK_OK,
		  "host ports from %s up can be published (lower ones after an admin runs 'sysctl "
		  "net.ipv4.ip_unprivileged_port_start=N')",
		  v[0] ? v : "1024");
}

void syscheck_host(struct checks *cc)
{
	struct checks c = *cc;

	check_userns(&c);
	check_subids(&c);
	check_idmap(&c);
	check_device(&c, "/dev/fuse", "/dev/fuse", CHECK_WARN,
		     "fuse-overlayfs cannot run where native overlay is refused", "fuse");
	check_device(&c, "/dev/net/tun", "/dev/net/tun", CHECK_FAIL,
		     "slirp4netns and pasta cannot give containers a network", "tun");
	check_prog(&c, "slirp4netns", "slirp4netns", CHECK_FAIL,
		   "containers get no network by default", "slirp4netns");
	check_prog(&c, "pasta", "pasta", CHECK_OK, "--network pasta is not available (optional)",
		   "passt");
	check_prog(&c, "fuse-overlayfs", "fuse-overlayfs", CHECK_WARN,
		   "no overlay where the kernel refuses native overlay", "fuse-overlayfs");
	/* single-file images (issue 15, docs/rootless/hpc.md) */
	check_prog(&c, "squashfuse", "squashfuse", CHECK_OK,
		   "`run FILE.sqsh` is not available (optional)", "squashfuse");
	check_prog(&c, "mksquashfs", "mksquashfs", CHECK_OK,
		   "`image export --format squashfs` is not available (optional)",
		   "squashfs-tools");
	check_storage(&c);
	check_rundir(&c);
	check_cgroups(&c);
	check_linger(&c);
	check_ports(&c);
	*cc = c;
}

void checks_free(struct checks *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].msg);
		free(c->v[i].fix);
	}
	free(c->v);
	*c = (struct checks){0};
}

const char *check_status_name(enum check_status s)
{
	static const char *const names[] = {"ok", "warn", "fail"};
	return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "fail";
}
