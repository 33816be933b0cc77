/* walk.c - depth-first tree walk with a bounded number of fds (see walk.h).
 *
 * One level per directory on the way down holds what the walk needs to go
 * on there later: the names still to visit (read in full when the dir was
 * entered) and the dir's device and inode. No fd is kept for a level but
 * the current one; going up is openat(cur, ".."), checked against the
 * recorded identity of the parent. */
#include "lib/walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"

struct level {
	char *names; /* entries still to visit: d_type byte, name, NUL */
	size_t len, pos;
	char *name; /* of this dir in its parent */
	dev_t dev[2];
	ino_t ino[2];
	uint64_t mnt[2]; /* mount id, 0 where statx cannot tell (< 5.8) */
};

struct walk {
	struct level *lv;
	size_t n, cap;
	int fd[2]; /* the current dir in the tree and in the mirror */
	const struct walk_ops *ops;
	void *data;
	struct werr *err;
};

/* Reads every entry of dir fd (but "." and "..") into l->names. top: fd
 * is the caller's, read through a new open file so that its offset is not
 * touched; else through a dup (cheaper, and the offset is ours). */
static int read_names(int fd, bool top, struct level *l, struct werr *err)
{
	int dfd = top ? openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
		      : fcntl(fd, F_DUPFD_CLOEXEC, 3);
	cleanup_dir DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
	size_t cap = 0;
	struct dirent *de;

	if (d == NULL) {
		if (dfd >= 0)
			close(dfd);
		return werr_set(err, errno, "read directory");
	}
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name) + 1;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (l->len + n + 1 > cap) {
			cap = cap ? 2 * cap + n + 1 : 256 + n;
			l->names = xrealloc(l->names, cap);
		}
		l->names[l->len++] = (char)de->d_type;
		memcpy(l->names + l->len, de->d_name, n);
		l->len += n;
	}
	if (errno != 0)
		return werr_set(err, errno, "read directory");
	return 0;
}

static int identify(int fd, dev_t *dev, ino_t *ino, uint64_t *mnt, struct werr *err)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_INO | STATX_MNT_ID, &stx) < 0)
		return werr_set(err, errno, "stat directory");
	*dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
	*ino = stx.stx_ino;
	*mnt = (stx.stx_mask & STATX_MNT_ID) ? stx.stx_mnt_id : 0;
	return 0;
}

/* A walk never leaves the mount it started on: removing a tree whose
 * rootfs or a bind is still mounted must fail, not delete through it. */
static int same_mount(const struct level *top, const struct level *l, int t, struct werr *err)
{
	if (l->dev[t] != top->dev[t] || (l->mnt[t] && top->mnt[t] && l->mnt[t] != top->mnt[t]))
		return werr_set(err, EXDEV, "'%s' is a mount point: not crossed", l->name);
	return 0;
}

static struct walk_dir cur_dir(const struct walk *w)
{
	return (struct walk_dir){.fd = w->fd[0],
				 .mirror = w->fd[1],
				 .name = w->lv[w->n - 1].name,
				 .depth = (int)w->n - 1};
}

/* Makes fd[] (already open) the new current level named name. */
static int push(struct walk *w, const int fd[2], const char *name)
{
	struct level *l;
	struct walk_dir d;

	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 32;
		w->lv = xrealloc(w->lv, w->cap * sizeof(*w->lv));
	}
	l = &w->lv[w->n++];
	*l = (struct level){.name = xstrdup(name)};
	for (int t = 0; t < 2; t++) {
		if (w->fd[t] >= 0)
			close(w->fd[t]);
		w->fd[t] = fd[t];
		if (fd[t] >= 0 && identify(fd[t], &l->dev[t], &l->ino[t], &l->mnt[t], w->err) < 0)
			return -1;
		if (fd[t] >= 0 && w->n > 1 && same_mount(&w->lv[0], l, t, w->err) < 0)
			return -1;
	}
	if (read_names(w->fd[0], w->n == 1, l, w->err) < 0)
		return -1;
	d = cur_dir(w);
	return w->ops->enter ? w->ops->enter(w->data, &d, w->err) : 0;
}

/* Opens name below the current dir in both trees and enters it. */
static int descend(struct walk *w, const char *name)
{
	const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	int fd[2] = {-1, -1};

	fd[0] = openat(w->fd[0], name, flags);
	if (fd[0] >= 0 && w->fd[1] >= 0)
		fd[1] = openat(w->fd[1], name, flags);
	if (fd[0] < 0 || (w->fd[1] >= 0 && fd[1] < 0)) {
		int e = errno;
		if (fd[0] >= 0)
			close(fd[0]);
		return werr_set(w->err, e, "open directory '%s'", name);
	}
	return push(w, fd, name);
}

/* Back to the parent of the current dir: "..", checked to be the dir we
 * came down from. */
static int climb(struct walk *w)
{
	struct level *parent = &w->lv[w->n - 2];
	struct walk_dir d = cur_dir(w), p;
	int fd[2] = {-1, -1};
	int rc = 0;

	for (int t = 0; t < 2 && rc == 0; t++) {
		dev_t dev = 0;
		ino_t ino = 0;
		uint64_t mnt = 0;

		if (w->fd[t] < 0)
			continue;
		fd[t] = openat(w->fd[t], "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd[t] < 0)
			rc = werr_set(w->err, errno, "open '..'");
		else if (identify(fd[t], &dev, &ino, &mnt, w->err) < 0)
			rc = -1;
		else if (dev != parent->dev[t] || ino != parent->ino[t])
			rc = werr_set(w->err, 0, "directory moved during the walk");
	}
	if (rc == 0 && w->ops->leave) {
		p = (struct walk_dir){
		    .fd = fd[0], .mirror = fd[1], .name = parent->name, .depth = d.depth - 1};
		rc = w->ops->leave(w->data, &p, &d, w->err);
	}
	if (rc < 0) { /* stay on this level: the error names it */
		for (int t = 0; t < 2; t++)
			if (fd[t] >= 0)
				close(fd[t]);
		return -1;
	}
	for (int t = 0; t < 2; t++) {
		if (w->fd[t] >= 0)
			close(w->fd[t]);
		w->fd[t] = fd[t];
	}
	w->n--;
	free(w->lv[w->n].names);
	free(w->lv[w->n].name);
	return 0;
}

/* "a/b/c": the path of the current dir below the top, for messages. */
static char *cur_path(const struct walk *w)
{
	char *p = xstrdup("");

	for (size_t i = 1; i < w->n; i++) {
		char *q = xasprintf("%s%s%s", p, i > 1 ? "/" : "", w->lv[i].name);
		free(p);
		p = q;
	}
	return p;
}

static int run(struct walk *w)
{
	for (;;) {
		struct level *l = &w->lv[w->n - 1];
		struct walk_dir d;
		const char *name;
		int r, type;

		if (l->pos >= l->len) {
			if (w->n == 1)
				return 0;
			if (climb(w) < 0)
				return -1;
			continue;
		}
		type = (unsigned char)l->names[l->pos];
		name = l->names + l->pos + 1;
		l->pos += strlen(name) + 2;
		d = cur_dir(w);
		r = w->ops->entry(w->data, &d, name, type, w->err);
		if (r < 0 || (r == WALK_DESCEND && descend(w, name) < 0))
			return -1;
	}
}

/* Walks the tree below top (and mirror) depth first; see walk.h. */
int walk_tree(int top, int mirror, const struct walk_ops *ops, void *data, struct werr *err)
{
	struct walk w = {.fd = {-1, -1}, .ops = ops, .data = data, .err = err};
	int fd[2] = {-1, -1};
	int rc;

	fd[0] = openat(top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd[0] >= 0 && mirror >= 0)
		fd[1] = openat(mirror, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd[0] < 0 || (mirror >= 0 && fd[1] < 0)) {
		int e = errno;
		if (fd[0] >= 0)
			close(fd[0]);
		return werr_set(err, e, "open directory");
	}
	rc = push(&w, fd, "");
	if (rc == 0)
		rc = run(&w);
	if (rc < 0 && w.n > 1) {
		cleanup_free char *path = cur_path(&w);
		werr_wrap(err, "in '%s'", path);
	}
	for (size_t i = 0; i < w.n; i++) {
		free(w.lv[i].names);
		free(w.lv[i].name);
	}
	free(w.lv);
	for (int t = 0; t < 2; t++)
		if (w.fd[t] >= 0)
			close(w.fd[t]);
	return rc;
}

/* ---- the current dir's path (walk.h) ---- */

void walk_path_init(struct walk_path *p, const char *start, bool slash)
{
	*p = (struct walk_path){.path = xstrdup(start), .slash = slash};
}

char *walk_path_of(const struct walk_path *p, const char *name)
{
	if (p->slash)
		return xasprintf("%s%s", p->path, name);
	return xasprintf("%s%s%s", p->path, p->path[0] ? "/" : "", name);
}

int walk_path_enter(void *data, const struct walk_dir *d, struct werr *err)
{
	struct walk_path *p = data;

	(void)err;
	p->lens = xrealloc(p->lens, ((size_t)d->depth + 1) * sizeof(size_t));
	p->lens[d->depth] = strlen(p->path);
	if (d->depth > 0) {
		char *n =
		    p->slash ? xasprintf("%s%s/", p->path, d->name) : walk_path_of(p, d->name);
		free(p->path);
		p->path = n;
	}
	return 0;
}

int walk_path_leave(void *data, const struct walk_dir *parent, const struct walk_dir *d,
		    struct werr *err)
{
	struct walk_path *p = data;

	(void)parent;
	(void)err;
	p->path[p->lens[d->depth]] = '\0';
	return 0;
}

void walk_path_free(struct walk_path *p)
{
	free(p->path);
	free(p->lens);
	*p = (struct walk_path){0};
}
