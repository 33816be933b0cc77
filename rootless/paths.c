/* paths.c - where a user's data and runtime state live (rootless and root). */
#include "engine/config.h"
#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/util.h"
#include "rootless/rootless.h"
#include "userns/idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

/* Network and cluster filesystems on which rootless overlay storage does not
 * work (no user xattrs, no whiteouts, root squash) or works badly. */
static const struct {
	unsigned long magic;
	const char *name;
} netfs[] = {
    {0x6969, "NFS"},	    {0xFF534D42, "CIFS"}, {0xFE534D42, "SMB2"},	   {0x517B, "SMB"},
    {0x0BD00BD0, "Lustre"}, {0x47504653, "GPFS"}, {0x00C36400, "CephFS"},  {0x65735546, "FUSE"},
    {0x61636673, "ACFS"},   {0x6B414653, "AFS"},  {0x5346414F, "OpenAFS"}, {0x013111A8, "IBRIX"},
    {0x19830326, "BeeGFS"}, {0x01021997, "9p"},
};

/* Name of the network filesystem holding path; see rootless.h. */
const char *paths_network_fs(const char *path)
{
	cleanup_free char *p = xstrdup(path);
	struct statfs sf;

	for (;;) {
		if (statfs(p, &sf) == 0)
			break;
		char *slash = strrchr(p, '/');
		if (errno != ENOENT || slash == NULL || slash == p)
			return NULL;
		*slash = '\0';
	}
	return paths_netfs_name((unsigned long)sf.f_type);
}

/* The network filesystem of a statfs f_type; see rootless.h. */
const char *paths_netfs_name(unsigned long magic)
{
	for (size_t i = 0; i < ARRAY_SIZE(netfs); i++) {
		if (magic == netfs[i].magic)
			return netfs[i].name;
	}
	return NULL;
}

/* $NAME when set to an absolute path, else NULL. */
static const char *env_abs(const char *name)
{
	const char *v = getenv(name);
	return v != NULL && v[0] == '/' ? v : NULL;
}

/* $XDG_RUNTIME_DIR is used only when it is a real directory of the user: under
 * su/sudo/ssh it may be missing or belong to someone else. */
static bool xdg_runtime_ok(const char *dir, uid_t uid)
{
	struct stat st;

	return dir != NULL && lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == uid;
}

/* Creates (0700) or checks the private runtime dir: it must be a directory
 * (never followed through a symlink) that the user owns with mode 0700, or
 * another user could have planted it to read or redirect our state. */
static int private_dir_of(const char *dir, uid_t uid, const char *what, const char *other,
			  struct werr *err)
{
	struct stat st;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return werr_set(err, errno, "create %s '%s'", what, dir);
	if (lstat(dir, &st) < 0)
		return werr_set(err, errno, "stat %s '%s'", what, dir);
	if (!S_ISDIR(st.st_mode) || st.st_uid != uid)
		return werr_set(err, 0,
				"%s '%s' is not a directory of uid %u: remove '%s' (%s owned "
				"by uid %u) or %s",
				what, dir, (unsigned)uid, dir,
				S_ISLNK(st.st_mode)   ? "a symlink"
				: S_ISDIR(st.st_mode) ? "a directory"
						      : "a file",
				(unsigned)st.st_uid, other);
	if ((st.st_mode & 07777) != 0700)
		return werr_set(err, 0,
				"%s '%s' has mode %04o, not 0700: run 'chmod 0700 %s' or "
				"remove it",
				what, dir, (unsigned)(st.st_mode & 07777), dir);
	return 0;
}

static int private_dir(const char *dir, uid_t uid, struct werr *err)
{
	return private_dir_of(dir, uid, "runtime dir", "set XDG_RUNTIME_DIR", err);
}

/* The default data dir on a network filesystem (an NFS or Lustre home,
 * where rootless storage does not work) moves to local disk:
 * /var/tmp/warren-UID/storage, else $TMPDIR/warren-UID/storage; said once,
 * when that dir is made. Nowhere local: it stays (paths_create warns). */
static int relocate_netfs_root(struct engine *e, struct werr *err)
{
	const char *fs = paths_network_fs(e->root), *tmp = env_abs("TMPDIR");
	cleanup_free char *base = NULL;
	bool fresh;

	if (fs == NULL)
		return 0;
	if (paths_network_fs("/var/tmp") == NULL && access("/var/tmp", W_OK | X_OK) == 0)
		base = xasprintf("/var/tmp/warren-%u", (unsigned)e->uid);
	else if (tmp != NULL && paths_network_fs(tmp) == NULL && access(tmp, W_OK | X_OK) == 0)
		base = xasprintf("%s/warren-%u", tmp, (unsigned)e->uid);
	else
		return 0;
	fresh = access(base, F_OK) < 0;
	if (private_dir_of(base, e->uid, "local storage dir", "use --root", err) < 0)
		return -1;
	e->root_netfs = e->root;
	e->root = xasprintf("%s/storage", base);
	if (fresh)
		log_warn("'%s' is on %s, where rootless storage does not work: warren keeps its "
			 "images and containers in '%s' (local disk) instead. To choose a place "
			 "for good, set rootless_storage_path in ~/.config/containers/storage.conf",
			 e->root_netfs, fs, e->root);
	return 0;
}

static int rootless_defaults(struct engine *e, const struct passwd *pw, struct werr *err)
{
	const char *xdg;

	if (e->root == NULL) {
		if ((xdg = env_abs("XDG_DATA_HOME")) != NULL) {
			e->root = xasprintf("%s/warren", xdg);
		} else {
			const char *home = env_abs("HOME");
			if (home == NULL && pw != NULL)
				home = pw->pw_dir;
			if (home == NULL || home[0] != '/')
				return werr_set(
				    err, 0,
				    "cannot find a home directory for uid %u: set HOME, "
				    "XDG_DATA_HOME or use --root",
				    (unsigned)e->uid);
			e->root = xasprintf("%s/.local/share/warren", home);
		}
		if (relocate_netfs_root(e, err) < 0)
			return -1;
	}
	if (e->userrun == NULL) {
		xdg = env_abs("XDG_RUNTIME_DIR");
		/* owners as seen now: under `warren unshare` the user is uid 0 */
		uid_t me = geteuid();
		if (xdg_runtime_ok(xdg, me))
			e->userrun = xasprintf("%s/warren", xdg);
		else
			e->userrun = xasprintf("/tmp/warren-%u", (unsigned)e->uid);
		if (private_dir(e->userrun, me, err) < 0)
			return -1;
	} else if (mkdir_p(e->userrun, 0700, err) < 0) {
		return -1;
	}
	return 0;
}

/* Host id that inner id 0 maps to in /proc/self/FILE, or -1 when this is
 * the initial user namespace (or unreadable). */
static long long outer_root_id(const char *file)
{
	char path[64], buf[512];
	struct idmap m[8];
	cleanup_close int fd = -1;
	ssize_t n;
	int k;

	snprintf(path, sizeof(path), "/proc/self/%s", file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read_all(fd, buf, sizeof(buf) - 1)) <= 0)
		return -1;
	buf[n] = '\0';
	k = idmap_parse(buf, m, ARRAY_SIZE(m));
	if (k < 1 || (k == 1 && m[0].outer == 0 && m[0].count == UINT32_MAX))
		return -1;
	return (long long)idmap_to_host(m, (size_t)k, 0);
}

/* Under `warren unshare` (WARREN_UNSHARE=1) a command already runs as root
 * of the user's namespace: it is still that user's rootless engine. */
static void detect_unshare(struct engine *e)
{
	long long uid, gid;

	if (e->uid != 0 || getenv("WARREN_UNSHARE") == NULL)
		return;
	uid = outer_root_id("uid_map");
	gid = outer_root_id("gid_map");
	if (uid <= 0 || uid == UINT32_MAX || gid < 0 || gid == UINT32_MAX)
		return;
	e->rootless = true;
	e->uid = (uid_t)uid;
	e->gid = (gid_t)gid;
}

int paths_init(struct engine *e, struct werr *err)
{
	struct passwd *pw;

	e->rootless = geteuid() != 0;
	e->uid = geteuid();
	e->gid = getegid();
	detect_unshare(e);
	pw = getpwuid(e->uid);
	free(e->user);
	e->user = xstrdup(pw != NULL ? pw->pw_name : "");
	/* the files' storage settings, where no flag set them */
	if (e->conf == NULL) {
		e->conf = xcalloc(1, sizeof(*e->conf));
		if (config_load(e->conf, e->rootless, err) < 0)
			return -1;
	}
	config_apply_storage(e->conf, e);

	if (e->rootless) {
		if (rootless_defaults(e, pw, err) < 0)
			return -1;
	} else {
		if (e->root == NULL)
			e->root = xstrdup("/var/lib/warren");
		if (e->userrun == NULL)
			e->userrun = xstrdup("/run/warren");
		if (mkdir_p(e->userrun, 0700, err) < 0)
			return -1;
	}
	if (e->runroot == NULL)
		e->runroot = xstrdup(e->userrun);
	return 0;
}

/* Creates the store's dirs; see rootless.h. */
int paths_create(struct engine *e, struct werr *err)
{
	const char *fs;

	if (e->rootless && (fs = paths_network_fs(e->root)) != NULL)
		log_warn("storage '%s' is on %s: rootless overlay storage does not work on network "
			 "filesystems; put it on a local disk with --root or XDG_DATA_HOME",
			 e->root, fs);
	if (mkdir_p(e->root, 0700, err) < 0 || mkdir_p(e->runroot, 0700, err) < 0)
		return -1;
	return 0;
}
