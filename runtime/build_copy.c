/* build_copy.c - COPY and ADD into a container's rootfs, and the ignore
 * rules of the build context; see build_copy.h. */
#include "runtime/build_copy.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/curlfn.h"
#include "lib/cleanup.h"
#include "lib/digest.h"
#include "lib/syscalls.h"
#include "lib/util.h"
#include "lib/walk.h"
#include "storage/layer.h"
#include "runtime/userlookup.h"

/* ---- ignore rules ---- */

/* "./a//b/" -> "a/b"; ".." components dropped (the context is the root) */
static char *clean_rel(const char *p)
{
	cleanup_strv char **parts = NULL;
	char *s = xstrdup(p), *save = NULL;

	for (char *t = strtok_r(s, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (strcmp(t, ".") == 0)
			continue;
		if (strcmp(t, "..") == 0) {
			size_t n = strv_len(parts);
			if (n) {
				free(parts[n - 1]);
				parts[n - 1] = NULL;
			}
			continue;
		}
		parts = strv_append(parts, t);
	}
	free(s);
	return parts ? strv_join(parts, "/") : xstrdup("");
}

void build_ignore_parse(const char *text, struct build_ignore *out)
{
	const char *p = text;

	*out = (struct build_ignore){0};
	while (p && *p) {
		size_t n = strcspn(p, "\n");
		cleanup_free char *line = xstrndup(p, n);
		char *t = line;
		bool neg = false;

		p += n + (p[n] == '\n');
		while (*t == ' ' || *t == '\t')
			t++;
		for (char *e = t + strlen(t);
		     e > t && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r');)
			*--e = '\0';
		if (*t == '\0' || *t == '#')
			continue;
		if (*t == '!')
			neg = true, t++;
		cleanup_free char *c = clean_rel(t);
		if (*c == '\0')
			continue;
		out->pats = strv_append(out->pats, c);
		out->neg = xrealloc(out->neg, (out->n + 1) * sizeof(bool));
		out->neg[out->n++] = neg;
	}
}

void build_ignore_free(struct build_ignore *ig)
{
	strv_free(ig->pats);
	free(ig->neg);
	*ig = (struct build_ignore){0};
}

/* One match of a pattern with "**" against a path. Part i of the pattern
 * is what follows its i-th "**"; a (part, path offset) pair that failed
 * is not tried again, so that a hostile .dockerignore (eight "**"
 * segments, then "z", over a path 40 dirs deep) cannot backtrack
 * exponentially. */
struct dd_match {
	const char *rel;
	size_t rlen;
	unsigned char *failed; /* bit part * (rlen + 1) + offset */
};

static bool match_part(struct dd_match *m, const char *pat, size_t part, const char *rel)
{
	const char *dd = strstr(pat, "**");
	size_t bit;

	if (dd == NULL)
		return fnmatch(pat, rel, FNM_PATHNAME | FNM_PERIOD) == 0 ||
		       fnmatch(pat, rel, FNM_PATHNAME) == 0;
	bit = part * (m->rlen + 1) + (size_t)(rel - m->rel);
	if (m->failed[bit / 8] & (1u << bit % 8))
		return false;
	/* "A**B": A matches a prefix of rel (up to a dir boundary), then "**"
	 * takes any number of dirs, then B (after one '/') the rest */
	cleanup_free char *head = xstrndup(pat, (size_t)(dd - pat));
	const char *tail = dd + 2;
	size_t hl = strlen(head);
	if (*tail == '/')
		tail++;
	for (const char *p = rel;; p++) {
		bool boundary = p == rel || p[-1] == '/';
		if (boundary) {
			cleanup_free char *pre = xstrndup(rel, (size_t)(p - rel));
			if (hl == 0 ? p == rel : fnmatch(head, pre, FNM_PATHNAME) == 0) {
				for (const char *q = p;; q++) {
					if ((q == p || q[-1] == '/') &&
					    (*tail == '\0' || match_part(m, tail, part + 1, q)))
						return true;
					if (*q == '\0')
						break;
				}
			}
		}
		if (*p == '\0')
			break;
	}
	m->failed[bit / 8] |= (unsigned char)(1u << bit % 8);
	return false;
}

/* Does pattern pat (with "**") match rel exactly? */
static bool match_full(const char *pat, const char *rel)
{
	struct dd_match m = {rel, strlen(rel), NULL};
	size_t parts = 1;

	for (const char *p = pat; (p = strstr(p, "**")) != NULL; p += 2)
		parts++;
	cleanup_free unsigned char *failed = xcalloc(parts * (m.rlen + 1) / 8 + 1, 1);
	m.failed = failed;
	return match_part(&m, pat, 0, rel);
}

/* Matches rel or one of its parent dirs. */
static bool match_path(const char *pat, const char *rel)
{
	cleanup_free char *r = xstrdup(rel);

	for (;;) {
		if (match_full(pat, r))
			return true;
		char *slash = strrchr(r, '/');
		if (slash == NULL)
			return false;
		*slash = '\0';
	}
}

bool build_ignored(const struct build_ignore *ig, const char *rel)
{
	bool out = false;

	for (size_t i = 0; ig && i < ig->n; i++)
		if (match_path(ig->pats[i], rel))
			out = !ig->neg[i];
	return out;
}

/* ---- paths in a root ---- */

static int open_in(int root, const char *path, int flags)
{
	struct open_how how = {.flags = (uint64_t)(flags | O_CLOEXEC),
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	while (path[0] == '/')
		path++;
	return sys_openat2(root, path[0] ? path : ".", &how);
}

int build_mkdir_in(int root, const char *path, uid_t uid, gid_t gid, struct werr *err)
{
	cleanup_free char *rel = clean_rel(path);
	cleanup_close int cur = open_in(root, "/", O_RDONLY | O_DIRECTORY);
	char *save = NULL;

	if (cur < 0)
		return werr_set(err, errno, "open the rootfs");
	for (char *t = strtok_r(rel, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		int next;
		if (mkdirat(cur, t, 0755) == 0) {
			if (fchownat(cur, t, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
				return werr_set(err, errno, "chown '%s'", t);
		} else if (errno != EEXIST) {
			return werr_set(err, errno, "mkdir '%s' in '%s'", t, path);
		}
		/* an existing symlink resolves inside the root, as the
		 * container would see it */
		next = open_in(cur, t, O_RDONLY | O_DIRECTORY);
		if (next < 0)
			return werr_set(err, errno, "open '%s' of '%s'", t, path);
		close(cur);
		cur = next;
	}
	return steal_fd(&cur);
}

int build_chown_ids(int root, const char *spec, uid_t *uid, gid_t *gid, struct werr *err)
{
	const char *colon = strchr(spec, ':');
	cleanup_free char *u = colon ? xstrndup(spec, (size_t)(colon - spec)) : xstrdup(spec);
	const char *g = colon ? colon + 1 : NULL;
	cleanup_free char *passwd = NULL, *group = NULL;
	struct werr rerr = {0};
	char *end;
	unsigned long n;

	passwd = rootfs_read_file(root, "etc/passwd", USERLOOKUP_MAX_FILE, &rerr);
	group = rootfs_read_file(root, "etc/group", USERLOOKUP_MAX_FILE, &rerr);
	n = strtoul(u, &end, 10);
	if (*u && *end == '\0') {
		*uid = (uid_t)n;
	} else {
		struct pw_entry pw = {0};
		if (!*u || passwd_find(passwd, u, 0, &pw) != 1)
			return werr_set(err, ENOENT,
					"--chown: no user '%s' in the image's /etc/passwd", u);
		*uid = pw.uid;
		pw_entry_free(&pw);
	}
	*gid = (gid_t)*uid;
	if (g == NULL)
		return 0;
	n = strtoul(g, &end, 10);
	if (*g && *end == '\0')
		*gid = (gid_t)n;
	else if (!*g || group_find(group, g, gid) != 1)
		return werr_set(err, ENOENT, "--chown: no group '%s' in the image's /etc/group", g);
	return 0;
}

/* ---- copying ---- */

struct copyw {
	struct walk_path wp; /* first: the walked dir in the source root, "" or "a/b" */
	const struct build_copy *c;
};

static int set_meta(int dfd, const char *name, const struct stat *st, const struct build_copy *c,
		    struct werr *err)
{
	uid_t u = c->keep_owner ? st->st_uid : c->uid;
	gid_t g = c->keep_owner ? st->st_gid : c->gid;
	struct timespec ts[2] = {st->st_atim, st->st_mtim};

	if (fchownat(dfd, name, u, g, AT_SYMLINK_NOFOLLOW) < 0)
		return werr_set(err, errno, "chown '%s'", name);
	if (!S_ISLNK(st->st_mode) &&
	    fchmodat(dfd, name, c->mode >= 0 ? (mode_t)c->mode : (st->st_mode & 07777), 0) < 0)
		return werr_set(err, errno, "chmod '%s'", name);
	utimensat(dfd, name, ts, AT_SYMLINK_NOFOLLOW);
	return 0;
}

/* Removes what dst has at name unless it is a directory and want_dir. */
static int clear_dest(int dfd, const char *name, bool want_dir, struct werr *err)
{
	struct stat st;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if (S_ISDIR(st.st_mode)) {
		if (want_dir)
			return 0;
		return rm_rf_at(dfd, name, err);
	}
	if (unlinkat(dfd, name, 0) < 0)
		return werr_set(err, errno, "remove '%s'", name);
	return 0;
}

static int src_open(int sfd, const char *sname)
{
	char p[64];

	if (sname[0])
		return openat(sfd, sname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	/* reopens the O_PATH fd (resolved already): no O_NOFOLLOW on the
	 * magic link */
	snprintf(p, sizeof(p), "/proc/self/fd/%d", sfd);
	return open(p, O_RDONLY | O_CLOEXEC);
}

/* One entry (file, symlink, dir) from sfd/sname to dfd/dname. */
static int copy_entry(int sfd, const char *sname, int dfd, const char *dname,
		      const struct build_copy *c, bool *is_dir, struct werr *err)
{
	struct stat st;

	*is_dir = false;
	/* sname "": sfd itself (an O_PATH fd of a source given by name) */
	if (fstatat(sfd, sname, &st, AT_SYMLINK_NOFOLLOW | (sname[0] ? 0 : AT_EMPTY_PATH)) < 0)
		return werr_set(err, errno, "stat '%s'", sname);
	if (clear_dest(dfd, dname, S_ISDIR(st.st_mode), err) < 0)
		return -1;
	if (S_ISDIR(st.st_mode)) {
		if (mkdirat(dfd, dname, 0755) < 0 && errno != EEXIST)
			return werr_set(err, errno, "mkdir '%s'", dname);
		*is_dir = true;
	} else if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlinkat(sfd, sname, target, sizeof(target) - 1);
		if (n < 0)
			return werr_set(err, errno, "readlink '%s'", sname);
		target[n] = '\0';
		if (symlinkat(target, dfd, dname) < 0)
			return werr_set(err, errno, "symlink '%s'", dname);
	} else if (S_ISREG(st.st_mode)) {
		cleanup_close int in = src_open(sfd, sname);
		cleanup_close int out = -1;
		char buf[65536];
		ssize_t n;
		if (in < 0)
			return werr_set(err, errno, "open '%s'", sname);
		out =
		    openat(dfd, dname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (out < 0)
			return werr_set(err, errno, "create '%s'", dname);
		while ((n = read(in, buf, sizeof(buf))) > 0)
			if (write_all(out, buf, (size_t)n) < 0)
				return werr_set(err, errno, "write '%s'", dname);
		if (n < 0)
			return werr_set(err, errno, "read '%s'", sname);
	} else {
		return 0; /* devices, fifos, sockets: not copied */
	}
	return set_meta(dfd, dname, &st, c, err);
}

static int cw_entry(void *data, const struct walk_dir *d, const char *name, int type,
		    struct werr *err)
{
	struct copyw *w = data;
	cleanup_free char *rel = walk_path_of(&w->wp, name);
	bool dir;

	(void)type;
	if (w->c->ig && build_ignored(w->c->ig, rel))
		return WALK_NEXT;
	if (copy_entry(d->fd, name, d->mirror, name, w->c, &dir, err) < 0)
		return -1;
	return dir ? WALK_DESCEND : WALK_NEXT;
}

/* Copies the contents of source dir rel (fd sdir) into dest dir fd ddir. */
static int copy_dir(const struct build_copy *c, int sdir, const char *rel, int ddir,
		    struct werr *err)
{
	static const struct walk_ops ops = {cw_entry, walk_path_enter, walk_path_leave};
	struct copyw w = {.c = c};
	int rc;

	walk_path_init(&w.wp, rel, false);
	rc = walk_tree(sdir, ddir, &ops, &w, err);
	walk_path_free(&w.wp);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sources after wildcard expansion (in the last component only). */
static int expand_sources(const struct build_copy *c, char ***out, struct werr *err)
{
	char **v = xcalloc(1, sizeof(char *));

	for (size_t i = 0; c->srcs[i]; i++) {
		cleanup_free char *rel = clean_rel(c->srcs[i]);
		const char *slash = strrchr(rel, '/');
		const char *base = slash ? slash + 1 : rel;
		if (strpbrk(base, "*?[") == NULL) {
			v = strv_append(v, rel);
			continue;
		}
		cleanup_free char *dir = slash ? xstrndup(rel, (size_t)(slash - rel)) : xstrdup("");
		int dfd = open_in(c->src_root, dir, O_RDONLY | O_DIRECTORY);
		DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
		struct dirent *de;
		cleanup_strv char **found = NULL;
		while (d && (de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
			    fnmatch(base, de->d_name, FNM_PERIOD) != 0)
				continue;
			cleanup_free char *r =
			    xasprintf("%s%s%s", dir, dir[0] ? "/" : "", de->d_name);
			if (c->ig == NULL || !build_ignored(c->ig, r))
				found = strv_append(found, r);
		}
		if (d)
			closedir(d);
		else if (dfd >= 0)
			close(dfd);
		if (found == NULL) {
			strv_free(v);
			return werr_set(err, ENOENT,
					"no source files were specified: '%s' matches nothing",
					c->srcs[i]);
		}
		qsort(found, strv_len(found), sizeof(char *), cmp_str);
		for (size_t k = 0; found[k]; k++)
			v = strv_append(v, found[k]);
	}
	*out = v;
	return 0;
}

/* One source (rel in the source root) to dest. */
static int copy_one(const struct build_copy *c, const char *rel, bool dest_dir, struct werr *err)
{
	cleanup_close int sfd = -1, ddir = -1;
	cleanup_free char *dparent = NULL, *dname = NULL;
	struct stat st;
	bool dir;

	if (c->ig && rel[0] && build_ignored(c->ig, rel))
		return werr_set(err, ENOENT, "'%s' is excluded by the ignore file", rel);
	sfd = open_in(c->src_root, rel, O_PATH);
	if (sfd < 0 || fstat(sfd, &st) < 0)
		return werr_set(err, errno, "stat '%s'", rel[0] ? rel : ".");
	if (S_ISDIR(st.st_mode)) {
		cleanup_close int sdir = open_in(c->src_root, rel, O_RDONLY | O_DIRECTORY);
		ddir = build_mkdir_in(c->dst_root, c->dest, 0, 0, err);
		if (sdir < 0 || ddir < 0)
			return sdir < 0 ? werr_set(err, errno, "open '%s'", rel) : -1;
		return copy_dir(c, sdir, rel, ddir, err);
	}
	if (dest_dir) {
		const char *b = strrchr(rel, '/');
		dparent = xstrdup(c->dest);
		dname = xstrdup(b ? b + 1 : rel);
	} else {
		const char *b = strrchr(c->dest, '/');
		dparent = b == c->dest ? xstrdup("/") : xstrndup(c->dest, (size_t)(b - c->dest));
		dname = xstrdup(b + 1);
	}
	ddir = build_mkdir_in(c->dst_root, dparent, 0, 0, err);
	if (ddir < 0)
		return -1;
	/* a symlink given by name was followed, inside the root, by open_in */
	return copy_entry(sfd, "", ddir, dname, c, &dir, err);
}

int build_copy_run(const struct build_copy *c, struct werr *err)
{
	cleanup_strv char **srcs = NULL;
	struct stat st;
	bool dest_dir;
	int rc = 0;

	if (c->srcs == NULL || c->srcs[0] == NULL)
		return werr_set(err, 0, "no source files were specified");
	if (expand_sources(c, &srcs, err) < 0)
		return -1;
	dest_dir = str_has_suffix(c->dest, "/") || strv_len(srcs) > 1;
	if (!dest_dir) {
		cleanup_close int d = open_in(c->dst_root, c->dest, O_PATH);
		dest_dir = d >= 0 && fstat(d, &st) == 0 && S_ISDIR(st.st_mode);
	}
	if (strv_len(srcs) > 1 && !str_has_suffix(c->dest, "/"))
		return werr_set(err, 0,
				"when using COPY with more than one source file, the destination "
				"must be a directory and end with a /");
	for (size_t i = 0; rc == 0 && srcs[i]; i++)
		rc = copy_one(c, srcs[i], dest_dir, err);
	return rc;
}

/* ---- ADD of a local archive ---- */

/* One archive entry (norm: its checked path) below dest in root. */
static int untar_entry(struct archive *a, struct archive_entry *ent, int root, const char *dest,
		       const char *norm, struct werr *err)
{
	cleanup_free char *full = xasprintf("%s/%s", dest, norm);
	cleanup_free char *dir = xstrdup(full);
	char *slash = strrchr(dir, '/');
	const char *name = strrchr(full, '/') + 1;
	cleanup_close int pfd = -1;
	mode_t type = archive_entry_filetype(ent);
	struct stat st = {0};

	*slash = '\0';
	pfd = build_mkdir_in(root, dir, 0, 0, err);
	if (pfd < 0)
		return -1;
	st.st_mode = type | (archive_entry_perm(ent) & 07777);
	st.st_uid = (uid_t)archive_entry_uid(ent);
	st.st_gid = (gid_t)archive_entry_gid(ent);
	st.st_mtim.tv_sec = archive_entry_mtime(ent);
	st.st_atim = st.st_mtim;
	if (clear_dest(pfd, name, type == AE_IFDIR, err) < 0)
		return -1;
	if (type == AE_IFDIR) {
		if (mkdirat(pfd, name, 0755) < 0 && errno != EEXIST)
			return werr_set(err, errno, "mkdir '%s'", norm);
	} else if (type == AE_IFLNK) {
		if (symlinkat(archive_entry_symlink(ent) ? archive_entry_symlink(ent) : "", pfd,
			      name) < 0)
			return werr_set(err, errno, "symlink '%s'", norm);
	} else if (type == AE_IFREG && archive_entry_hardlink(ent) == NULL) {
		cleanup_close int out =
		    openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		const void *buf;
		size_t len;
		la_int64_t off;
		int r;
		if (out < 0)
			return werr_set(err, errno, "create '%s'", norm);
		while ((r = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK)
			if (pwrite(out, buf, len, off) != (ssize_t)len)
				return werr_set(err, errno, "write '%s'", norm);
		if (r != ARCHIVE_EOF)
			return werr_set(err, 0, "read '%s': %s", norm, archive_error_string(a));
	} else {
		return 0; /* hard links, devices, fifos: not unpacked */
	}
	struct build_copy keep = {.keep_owner = true, .mode = -1};
	return set_meta(pfd, name, &st, &keep, err);
}

int build_untar(int root, const char *dest, int fd, struct werr *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ent;
	int r, rc = 0;

	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open_fd(a, fd, 65536) != ARCHIVE_OK) {
		rc = werr_set(err, 0, "not an archive: %s", archive_error_string(a));
		archive_read_free(a);
		return rc;
	}
	while (rc == 0 && (r = archive_read_next_header(a, &ent)) == ARCHIVE_OK) {
		char norm[4096];
		if (layer_check_path(archive_entry_pathname(ent), norm, sizeof(norm), err) < 0)
			rc = -1;
		else if (norm[0] != '\0')
			rc = untar_entry(a, ent, root, dest, norm, err);
	}
	if (rc == 0 && r != ARCHIVE_EOF)
		rc = werr_set(err, 0, "read archive: %s", archive_error_string(a));
	archive_read_free(a);
	return rc;
}

/* ---- the content of the sources, for the layer cache ---- */

struct hashw {
	struct walk_path wp; /* first: the walked dir in the source root */
	const struct build_copy *c;
	struct sha256_ctx *h;
};

/* Hashes one entry: its path, type, mode, size, symlink target and bytes. */
static int hash_entry(struct sha256_ctx *h, int dfd, const char *name, const char *rel,
		      struct werr *err)
{
	struct stat st;
	char meta[128];

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW | (name[0] ? 0 : AT_EMPTY_PATH)) < 0)
		return werr_set(err, errno, "stat '%s'", rel);
	snprintf(meta, sizeof(meta), "%o %lld %u %u", (unsigned)st.st_mode, (long long)st.st_size,
		 (unsigned)st.st_uid, (unsigned)st.st_gid);
	sha256_update(h, rel, strlen(rel) + 1);
	sha256_update(h, meta, strlen(meta) + 1);
	if (S_ISLNK(st.st_mode)) {
		char t[4096];
		ssize_t n = readlinkat(dfd, name, t, sizeof(t));
		if (n > 0)
			sha256_update(h, t, (size_t)n);
	} else if (S_ISREG(st.st_mode)) {
		cleanup_close int fd = src_open(dfd, name);
		char buf[65536];
		ssize_t n;
		if (fd < 0)
			return werr_set(err, errno, "open '%s'", rel);
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			sha256_update(h, buf, (size_t)n);
		if (n < 0)
			return werr_set(err, errno, "read '%s'", rel);
	}
	return S_ISDIR(st.st_mode) ? WALK_DESCEND : WALK_NEXT;
}

static int hw_entry(void *data, const struct walk_dir *d, const char *name, int type,
		    struct werr *err)
{
	struct hashw *w = data;
	cleanup_free char *rel = walk_path_of(&w->wp, name);

	(void)type;
	if (w->c->ig && build_ignored(w->c->ig, rel))
		return WALK_NEXT;
	return hash_entry(w->h, d->fd, name, rel, err);
}

int build_copy_hash(const struct build_copy *c, char out[DIGEST_STR_LEN], struct werr *err)
{
	static const struct walk_ops ops = {hw_entry, walk_path_enter, walk_path_leave};
	cleanup_strv char **srcs = NULL;
	struct sha256_ctx *h;
	int rc = 0;

	if (c->srcs == NULL || c->srcs[0] == NULL) {
		sha256_buf("", 0, out);
		return 0;
	}
	if (expand_sources(c, &srcs, err) < 0)
		return -1;
	h = sha256_new();
	for (size_t i = 0; rc == 0 && srcs[i]; i++) {
		cleanup_close int sfd = open_in(c->src_root, srcs[i], O_PATH);
		struct stat st;
		if (sfd < 0 || fstat(sfd, &st) < 0) {
			rc = werr_set(err, errno, "stat '%s'", srcs[i]);
			break;
		}
		rc = hash_entry(h, sfd, "", srcs[i], err) < 0 ? -1 : 0;
		if (rc == 0 && S_ISDIR(st.st_mode)) {
			cleanup_close int dfd =
			    open_in(c->src_root, srcs[i], O_RDONLY | O_DIRECTORY);
			struct hashw w = {.c = c, .h = h};
			walk_path_init(&w.wp, srcs[i], false);
			rc = dfd < 0 ? werr_set(err, errno, "open '%s'", srcs[i])
				     : walk_tree(dfd, -1, &ops, &w, err);
			walk_path_free(&w.wp);
		}
	}
	if (rc < 0) {
		sha256_free(h);
		return -1;
	}
	sha256_final(h, out);
	return 0;
}

/* ---- ADD of URLs ---- */

bool build_is_url(const char *s)
{
	return str_has_prefix(s, "http://") || str_has_prefix(s, "https://");
}

static size_t url_write(char *p, size_t size, size_t n, void *ud)
{
	return write_all(*(int *)ud, p, size * n) < 0 ? 0 : size * n;
}

/* Downloads url into file fd (redirects followed; an HTTP error status is
 * an error). */
static int download(const char *url, int fd, struct werr *err)
{
	const struct curlfn *cf = curlfn_get(err);
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *h;
	CURLcode rc;

	if (cf == NULL)
		return -1;
	if ((h = cf->easy_init()) == NULL)
		return werr_set(err, ENOMEM, "download '%s': curl_easy_init failed", url);
	cf->easy_setopt(h, CURLOPT_URL, url);
	cf->easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	cf->easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
	cf->easy_setopt(h, CURLOPT_FAILONERROR, 1L);
	cf->easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
	cf->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	cf->easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	cf->easy_setopt(h, CURLOPT_WRITEFUNCTION, url_write);
	cf->easy_setopt(h, CURLOPT_WRITEDATA, &fd);
	rc = cf->easy_perform(h);
	cf->easy_cleanup(h);
	if (rc != CURLE_OK)
		return werr_set(err, 0, "download '%s': %s", url,
				errbuf[0] ? errbuf : cf->easy_strerror(rc));
	return 0;
}

/* build_fetch_urls: see build_copy.h. */
int build_fetch_urls(const char *root, char **w, char **dir, struct werr *err)
{
	cleanup_free char *tmp = xasprintf("%s/tmp", root);
	int dfd;

	if (mkdir_p(tmp, 0700, err) < 0)
		return -1;
	*dir = xasprintf("%s/build-url-XXXXXX", tmp);
	if (mkdtemp(*dir) == NULL) {
		free(*dir);
		*dir = NULL;
		return werr_set(err, errno, "make a temp dir in '%s'", tmp);
	}
	if ((dfd = open(*dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return werr_set(err, errno, "open '%s'", *dir);
	for (size_t i = 0; w[i]; i++) {
		const char *u = w[i], *path = strchr(strstr(u, "://") + 3, '/');
		size_t len = path ? strcspn(path, "?#") : 0;
		cleanup_free char *p = path ? xstrndup(path, len) : xstrdup("");
		char *slash = strrchr(p, '/');
		const char *base = slash && slash[1] ? slash + 1 : "download";
		cleanup_close int fd = -1;
		if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
			base = "download";
		fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			werr_set(err, errno, "ADD: two URLs name the file '%s'", base);
			close(dfd);
			return -1;
		}
		if (download(u, fd, err) < 0) {
			close(dfd);
			return werr_wrap(err, "ADD");
		}
		free(w[i]);
		w[i] = xstrdup(base);
	}
	return dfd;
}
