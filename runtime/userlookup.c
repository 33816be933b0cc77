/* userlookup.c - "-u USER[:GROUP]" against the container's passwd and group
 * files, read without trusting the rootfs (openat2 RESOLVE_IN_ROOT). */
#include "runtime/userlookup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/syscalls.h"
#include "lib/util.h"

#define MAX_FIELDS 8

/* Splits the line [s, s+len) at ':' into a copy owned by *buf. Returns the
 * number of fields (at most MAX_FIELDS, the last keeps any further ':'). */
static int split_fields(const char *s, size_t len, char **buf, char *f[MAX_FIELDS])
{
	int n = 0;
	char *p;

	*buf = xstrndup(s, len);
	p = *buf;
	f[n++] = p;
	while (n < MAX_FIELDS && (p = strchr(p, ':')) != NULL) {
		*p++ = '\0';
		f[n++] = p;
	}
	return n;
}

/* Strict decimal id: digits only, below (uint32_t)-1 (the "invalid id"). */
static bool parse_id(const char *s, uint32_t *out)
{
	int64_t v;

	if (*s == '\0' || strspn(s, "0123456789") != strlen(s))
		return false;
	if (parse_int64(s, 0, (int64_t)UINT32_MAX - 1, &v) < 0)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* Calls fn on each non-comment line of text; stops when fn returns != 0
 * and returns that value. */
typedef int (*line_fn)(char **f, int n, void *ctx);
static int each_line(const char *text, line_fn fn, void *ctx)
{
	const char *p = text;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len > 0 && p[0] != '#') {
			cleanup_free char *buf = NULL;
			char *f[MAX_FIELDS];
			int n = split_fields(p, len, &buf, f), r;
			if ((r = fn(f, n, ctx)) != 0)
				return r;
		}
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

struct pw_query {
	const char *name;
	uid_t uid;
	struct pw_entry *out;
};

static int pw_line(char **f, int n, void *ctx)
{
	struct pw_query *q = ctx;
	uint32_t uid, gid;

	if (n < 7 || !parse_id(f[2], &uid) || !parse_id(f[3], &gid))
		return 0;
	if (q->name ? strcmp(f[0], q->name) != 0 : uid != q->uid)
		return 0;
	q->out->name = xstrdup(f[0]);
	q->out->uid = uid;
	q->out->gid = gid;
	q->out->home = xstrdup(f[5]);
	return 1;
}

int passwd_find(const char *text, const char *name, uid_t uid, struct pw_entry *out)
{
	struct pw_query q = {name, uid, out};

	return each_line(text, pw_line, &q);
}

void pw_entry_free(struct pw_entry *p)
{
	free(p->name);
	free(p->home);
	p->name = p->home = NULL;
}

struct gr_query {
	const char *name;
	gid_t *gid;
};

static int gr_line(char **f, int n, void *ctx)
{
	struct gr_query *q = ctx;
	uint32_t gid;

	if (n < 3 || !parse_id(f[2], &gid) || strcmp(f[0], q->name) != 0)
		return 0;
	*q->gid = gid;
	return 1;
}

int group_find(const char *text, const char *name, gid_t *gid)
{
	struct gr_query q = {name, gid};

	return each_line(text, gr_line, &q);
}

struct members_query {
	const char *user;
	gid_t *gids;
	size_t n, cap;
};

static bool member_listed(const char *list, const char *user)
{
	size_t ulen = strlen(user);

	for (const char *p = list; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == ulen && memcmp(p, user, len) == 0)
			return true;
		p = comma ? comma + 1 : NULL;
	}
	return false;
}

static int members_line(char **f, int n, void *ctx)
{
	struct members_query *q = ctx;
	uint32_t gid;

	if (n < 4 || !parse_id(f[2], &gid) || !member_listed(f[3], q->user))
		return 0;
	for (size_t i = 0; i < q->n; i++)
		if (q->gids[i] == gid)
			return 0;
	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 8;
		q->gids = xrealloc(q->gids, q->cap * sizeof(gid_t));
	}
	q->gids[q->n++] = gid;
	return 0;
}

size_t group_members_of(const char *text, const char *user, gid_t **out)
{
	struct members_query q = {user, NULL, 0, 0};

	each_line(text, members_line, &q);
	*out = q.gids;
	return q.n;
}

/* Splits "user[:group]" into malloc'd parts (group NULL when absent). */
static void split_spec(const char *spec, char **user, char **group)
{
	const char *colon = strchr(spec, ':');

	*user = colon ? xstrndup(spec, (size_t)(colon - spec)) : xstrdup(spec);
	*group = colon ? xstrdup(colon + 1) : NULL;
}

/* The user part: sets uid, gid, home and the name for group membership. */
static int resolve_user_part(const char *u, const char *passwd, struct user_ids *out, char **pwname,
			     struct werr *err)
{
	struct pw_entry pw = {0};
	uint32_t id;
	bool numeric = parse_id(u, &id);

	if (*u == '\0') { /* "" or ":group": root */
		numeric = true;
		id = 0;
	}
	if (passwd_find(passwd, numeric ? NULL : u, numeric ? id : 0, &pw) == 0) {
		if (!numeric)
			return werr_set(
			    err, 0, "unable to find user %s: no matching entries in passwd file",
			    u);
		out->uid = id;
		out->gid = 0;
		out->home = xstrdup("/");
		return 0;
	}
	out->uid = pw.uid;
	out->gid = pw.gid;
	out->home = xstrdup(*pw.home ? pw.home : "/");
	*pwname = steal_pointer(&pw.name);
	pw_entry_free(&pw);
	return 0;
}

int user_resolve(const char *spec, const char *passwd, const char *group, struct user_ids *out,
		 struct werr *err)
{
	cleanup_free char *u = NULL, *g = NULL, *pwname = NULL;
	struct user_ids r = {0};
	uint32_t id;

	split_spec(spec ? spec : "", &u, &g);
	if (resolve_user_part(u, passwd, &r, &pwname, err) < 0)
		return -1;
	if (g && *g) {
		gid_t gid;
		if (parse_id(g, &id)) {
			r.gid = id;
		} else if (group_find(group, g, &gid) == 1) {
			r.gid = gid;
		} else {
			user_ids_free(&r);
			return werr_set(
			    err, 0, "unable to find group %s: no matching entries in group file",
			    g);
		}
	}
	if (pwname)
		r.ngroups = group_members_of(group, pwname, &r.groups);
	*out = r;
	return 0;
}

void user_ids_free(struct user_ids *u)
{
	free(u->groups);
	free(u->home);
	u->groups = NULL;
	u->home = NULL;
	u->ngroups = 0;
}

static int open_in_root(int rootfd, const char *rel, int flags)
{
	struct open_how how = {
	    .flags = (uint64_t)flags,
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	/* before Linux 5.6: the same resolution, walked in userspace */
	return sys_openat2(rootfd, rel, &how);
}

char *rootfs_read_file(int rootfd, const char *rel, size_t max, struct werr *err)
{
	/* O_NONBLOCK: a FIFO planted by the image must not hang us at open */
	cleanup_close int fd =
	    open_in_root(rootfd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct statx stx;
	char *buf;

	if (fd < 0) {
		werr_set(err, errno, "open '/%s' in the container", rel);
		return NULL;
	}
	/* AT_STATX_DONT_SYNC: the type from the kernel's cache. On a FUSE
	 * rootfs (fuse-overlayfs) a plain fstat is one more round trip to
	 * the daemon after the open; an inode's type never changes. */
	if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_TYPE, &stx) < 0) {
		werr_set(err, errno, "stat '/%s' in the container", rel);
		return NULL;
	}
	if (!S_ISREG(stx.stx_mode)) {
		werr_set(err, 0, "'/%s' in the container is not a regular file", rel);
		return NULL;
	}
	/* read to the end: the cached size may be old */
	buf = read_fd_max(fd, max, NULL);
	if (buf == NULL)
		werr_set(err, errno, "read '/%s' in the container", rel);
	return buf;
}
