/* archive.c - `load` of docker-archive and oci-archive tarballs, and
 * `import` of a rootfs tarball as a one-layer image.
 *
 * An archive is first made a plain seekable tar (stdin is copied, gzip and
 * zstd are decompressed into an unlinked temp file under <root>/tmp), then
 * indexed in one pass: entry name -> (data offset, size). Blobs are then
 * read in place with pread, so a layer is never copied: layer_extract reads
 * it straight from the archive. Every blob is checked against its digest;
 * nothing enters the store until all layers are extracted, and then in one
 * transaction. Layer dirs that no image records (of a load that failed or
 * was killed) are removed under the layers lock (image_layers_lock) when no
 * extraction runs. */
#include "image/image.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/manifest.h"
#include "image/ref.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/util.h"
#include "lib/walk.h"
#include "storage/blobs.h"
#include "storage/layer.h"

#define JSON_MAX	(16 * 1024 * 1024) /* manifests and configs are small */
#define MAX_LINKS	8
#define MAX_INDEX_DEPTH 4

#define MT_OCI_INDEX   "application/vnd.oci.image.index.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"

#define DEFAULT_PATH_ENV "PATH=" STD_PATH

struct entry {
	char *name; /* normalized: no "./" or leading "/" */
	char *link; /* symlink (resolved to an archive path) or hard link target */
	off_t off;  /* where the data starts in the plain tar */
	off_t size;
};

struct layer_size {
	char *diff_id;
	int64_t size;
	struct layer_blob blob; /* digest "" when no blob was kept */
};

struct load_ctx {
	struct engine *e;
	int fd; /* the plain tar */
	struct entry *ents;
	size_t nents;
	struct image_rec *recs;
	size_t nrecs;
	struct layer_size *sizes;
	size_t nsizes;
	/* image_load_ref: the one image wanted (docker: its normalized tag;
	 * OCI: its ref.name annotation or full name), NULL for all */
	const char *want, *want_full;
	bool want_found;
};

static void load_ctx_free(struct load_ctx *c)
{
	for (size_t i = 0; i < c->nents; i++) {
		free(c->ents[i].name);
		free(c->ents[i].link);
	}
	free(c->ents);
	image_recs_free(c->recs, c->nrecs);
	for (size_t i = 0; i < c->nsizes; i++)
		free(c->sizes[i].diff_id);
	free(c->sizes);
	if (c->fd >= 0)
		close(c->fd);
}

/* An unlinked temp file under <root>/tmp; see image.h. */
int image_tmp_file(struct engine *e, struct werr *err)
{
	cleanup_free char *dir = xasprintf("%s/tmp", e->root);
	cleanup_free char *tmpl = NULL;
	int fd;

	if (mkdir_p(dir, 0700, err) < 0)
		return -1;
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	tmpl = xasprintf("%s/tmp-XXXXXX", dir);
	fd = mkostemp(tmpl, O_CLOEXEC);
	if (fd < 0)
		return werr_set(err, errno, "create a temp file in '%s'", dir);
	unlink(tmpl);
	return fd;
}

static int copy_fd(int in, int out, struct werr *err)
{
	char buf[65536];

	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return werr_set(err, errno, "read");
		if (n == 0)
			return 0;
		if (write_all(out, buf, (size_t)n) < 0)
			return werr_set(err, errno, "write temp file");
	}
}

/* libarchive's words for its last error; some paths (a gzip stream that
 * ends before its trailer) set none. */
static const char *aerr(struct archive *a)
{
	const char *s = archive_error_string(a);

	return s ? s : "truncated or corrupt compressed data";
}

/* Decompresses in (gzip, zstd, ...) into out with libarchive's raw format. */
static int decompress(int in, int out, struct werr *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	char buf[65536];
	int rc = -1;

	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_fd(a, in, 65536) != ARCHIVE_OK ||
	    archive_read_next_header(a, &ae) != ARCHIVE_OK) {
		werr_set(err, 0, "decompress: %s", aerr(a));
		goto out;
	}
	for (;;) {
		la_ssize_t n = archive_read_data(a, buf, sizeof(buf));
		if (n < 0) {
			werr_set(err, 0, "decompress: %s", aerr(a));
			goto out;
		}
		if (n == 0)
			break;
		if (write_all(out, buf, (size_t)n) < 0) {
			werr_set(err, errno, "write temp file");
			goto out;
		}
	}
	rc = 0;
out:
	archive_read_free(a);
	return rc;
}

/* Opens path as a seekable file: "-" (stdin), pipes and other non-regular
 * files are copied to a temp file first (layers are read with pread). */
static int open_seekable(struct engine *e, const char *path, struct werr *err)
{
	cleanup_close int fd = -1, tmp = -1;
	struct stat st;

	fd = strcmp(path, "-") == 0 ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3)
				    : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return werr_set(err, errno, "open");
	if (fstat(fd, &st) < 0)
		return werr_set(err, errno, "stat");
	if (S_ISREG(st.st_mode))
		return steal_fd(&fd);
	if (S_ISDIR(st.st_mode))
		return werr_set(err, EISDIR, "open");
	tmp = image_tmp_file(e, err);
	if (tmp < 0 || copy_fd(fd, tmp, err) < 0)
		return -1;
	if (lseek(tmp, 0, SEEK_SET) < 0)
		return werr_set(err, errno, "seek");
	return steal_fd(&tmp);
}

/* Adds dir/name (a regular file, never through a symlink) to tar a. */
static int tar_add_file(struct archive *a, int dir, const char *name, struct werr *err)
{
	cleanup_close int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct archive_entry *ent;
	struct stat st;
	char buf[65536];
	ssize_t n;
	int rc;

	if (fd < 0 || fstat(fd, &st) < 0)
		return werr_set(err, errno, "open '%s'", name);
	if (!S_ISREG(st.st_mode))
		return 0;
	ent = archive_entry_new();
	archive_entry_set_pathname(ent, name);
	archive_entry_set_filetype(ent, AE_IFREG);
	archive_entry_set_perm(ent, 0644);
	archive_entry_set_size(ent, st.st_size);
	rc = archive_write_header(a, ent);
	archive_entry_free(ent);
	if (rc < ARCHIVE_WARN)
		return werr_set(err, 0, "copy '%s': %s", name, archive_error_string(a));
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (archive_write_data(a, buf, (size_t)n) < n)
			return werr_set(err, 0, "copy '%s': %s", name, archive_error_string(a));
	return n < 0 ? werr_set(err, errno, "read '%s'", name) : 0;
}

/* An OCI layout directory (oci-dir) made a plain tar in a temp file, so
 * that it loads as an oci-archive: oci-layout, index.json and the files
 * of blobs/sha256 (every one is verified against its digest later). This
 * copies the blobs once: simple, and a dir is rarely large. */
static int dir_to_tar(struct engine *e, int dir, struct werr *err)
{
	cleanup_close int out = image_tmp_file(e, err);
	cleanup_close int bfd = -1;
	cleanup_dir DIR *d = NULL;
	struct archive *a;
	struct dirent *de;
	int rc;

	if (out < 0)
		return -1;
	a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	rc = archive_write_open_fd(a, out) == ARCHIVE_OK ? 0 : werr_set(err, 0, "temp tar");
	if (rc == 0)
		rc = tar_add_file(a, dir, "oci-layout", err);
	if (rc == 0)
		rc = tar_add_file(a, dir, "index.json", err);
	bfd = openat(dir, "blobs/sha256", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (bfd >= 0 && (d = fdopendir(bfd)) != NULL)
		bfd = -1; /* d owns it */
	while (rc == 0 && d != NULL && (de = readdir(d)) != NULL) {
		cleanup_free char *name = xasprintf("blobs/sha256/%s", de->d_name);
		if (strlen(de->d_name) == DIGEST_HEX_LEN && str_is_hex(de->d_name, DIGEST_HEX_LEN))
			rc = tar_add_file(a, dir, name, err);
	}
	if (archive_write_close(a) != ARCHIVE_OK && rc == 0)
		rc = werr_set(err, 0, "temp tar: %s", archive_error_string(a));
	archive_write_free(a);
	if (rc < 0)
		return -1;
	if (lseek(out, 0, SEEK_SET) < 0)
		return werr_set(err, errno, "seek");
	return steal_fd(&out);
}

/* Opens path as a plain (decompressed), seekable tar. Returns the fd. */
static int open_plain(struct engine *e, const char *path, struct werr *err)
{
	cleanup_close int fd = -1;
	unsigned char magic[4] = {0};
	struct stat st;
	ssize_t n;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		cleanup_close int dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dir < 0)
			return werr_set(err, errno, "open");
		if (faccessat(dir, "oci-layout", F_OK, AT_SYMLINK_NOFOLLOW) < 0)
			return werr_set(err, EISDIR, "open (a directory without oci-layout)");
		return dir_to_tar(e, dir, err);
	}
	fd = open_seekable(e, path, err);
	if (fd < 0)
		return -1;
	n = pread(fd, magic, sizeof(magic), 0);
	if (n < 0)
		return werr_set(err, errno, "read");
	if ((n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) ||
	    (n == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f &&
	     magic[3] == 0xfd)) {
		cleanup_close int out = image_tmp_file(e, err);
		if (out < 0 || lseek(fd, 0, SEEK_SET) < 0 || decompress(fd, out, err) < 0)
			return -1;
		close(fd);
		fd = steal_fd(&out);
	}
	if (lseek(fd, 0, SEEK_SET) < 0)
		return werr_set(err, errno, "seek");
	return steal_fd(&fd);
}

/* Normalizes an archive path: drops "." and empty parts, resolves "..";
 * NULL when it climbs above the root. */
static char *norm_path(const char *p)
{
	cleanup_free char *copy = xstrdup(p);
	char *out = xcalloc(1, strlen(p) + 1), *save = NULL;
	size_t len = 0;

	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0) {
			char *slash = len ? strrchr(out, '/') : NULL;
			if (len == 0) {
				free(out);
				return NULL;
			}
			len = slash ? (size_t)(slash - out) : 0;
			out[len] = '\0';
			continue;
		}
		len += (size_t)sprintf(out + len, "%s%s", len ? "/" : "", c);
	}
	return out;
}

static void add_entry(struct load_ctx *c, struct archive_entry *ae, off_t off)
{
	const char *sym = archive_entry_symlink(ae), *hard = archive_entry_hardlink(ae);
	char *name = norm_path(archive_entry_pathname(ae));
	struct entry *en;

	if (name == NULL || *name == '\0') {
		free(name);
		return;
	}
	c->ents = xrealloc(c->ents, (c->nents + 1) * sizeof(*c->ents));
	en = &c->ents[c->nents++];
	*en = (struct entry){.name = name, .off = off, .size = archive_entry_size(ae)};
	if (hard) {
		en->link = norm_path(hard);
	} else if (sym) {
		/* relative to the entry's directory, as the file system would */
		const char *slash = strrchr(name, '/');
		cleanup_free char *joined =
		    sym[0] == '/' || !slash ? xstrdup(sym)
					    : xasprintf("%.*s/%s", (int)(slash - name), name, sym);
		en->link = norm_path(joined);
		if (en->link == NULL)
			en->link = xstrdup(""); /* points outside: never found */
	}
}

/* Indexes every regular file and link of the plain tar in one pass. */
static int index_tar(struct load_ctx *c, struct werr *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	struct stat st;
	int r, rc = -1;

	if (fstat(c->fd, &st) < 0)
		return werr_set(err, errno, "stat");
	archive_read_support_format_tar(a);
	if (archive_read_open_fd(a, c->fd, 65536) != ARCHIVE_OK)
		goto bad;
	while ((r = archive_read_next_header(a, &ae)) != ARCHIVE_EOF) {
		if (r < ARCHIVE_WARN)
			goto bad;
		/* the tar header (and pax headers) are consumed: data follows */
		off_t off = (off_t)archive_filter_bytes(a, -1);
		mode_t type = archive_entry_filetype(ae);
		if (type != AE_IFREG && type != AE_IFLNK && archive_entry_hardlink(ae) == NULL)
			continue;
		if (archive_entry_size(ae) < 0 || off + archive_entry_size(ae) > st.st_size) {
			werr_set(err, 0, "truncated archive");
			goto out;
		}
		add_entry(c, ae, off);
	}
	rc = 0;
	goto out;
bad:
	if (archive_error_string(a) && strstr(archive_error_string(a), "runcated"))
		werr_set(err, 0, "truncated archive");
	else
		werr_set(err, 0, "not a tar archive: %s",
			 archive_error_string(a) ? archive_error_string(a) : "unknown error");
out:
	archive_read_free(a);
	return rc;
}

/* Finds a regular file by archive path, following links. */
static const struct entry *find_entry(const struct load_ctx *c, const char *path)
{
	cleanup_free char *name = norm_path(path);

	for (int hops = 0; name && hops < MAX_LINKS; hops++) {
		const struct entry *en = NULL;
		for (size_t i = c->nents; i-- > 0;) /* the last of duplicates wins */
			if (strcmp(c->ents[i].name, name) == 0) {
				en = &c->ents[i];
				break;
			}
		if (en == NULL || en->link == NULL)
			return en;
		free(name);
		name = xstrdup(en->link);
	}
	return NULL;
}

/* Reads a small archive member (JSON) into a NUL-terminated buffer. */
static char *read_member(const struct load_ctx *c, const char *path, size_t *len, struct werr *err)
{
	const struct entry *en = find_entry(c, path);
	char *buf;
	ssize_t n;

	if (en == NULL) {
		werr_set(err, 0, "'%s' missing from the archive", path);
		return NULL;
	}
	if (en->size > JSON_MAX) {
		werr_set(err, 0, "'%s' is too large (%lld bytes)", path, (long long)en->size);
		return NULL;
	}
	buf = xmalloc((size_t)en->size + 1);
	n = pread(c->fd, buf, (size_t)en->size, en->off);
	if (n != en->size) {
		free(buf);
		werr_set(err, n < 0 ? errno : 0, "read '%s'%s", path,
			 n < 0 ? "" : ": truncated archive");
		return NULL;
	}
	buf[n] = '\0';
	if (len)
		*len = (size_t)n;
	return buf;
}

/* Reads blobs/sha256/<hex> and checks it hashes to digest and, when
 * want_size >= 0, has that size (a descriptor's "size"). */
static char *read_blob(const struct load_ctx *c, const char *digest, int64_t want_size, size_t *len,
		       struct werr *err)
{
	char got[DIGEST_STR_LEN];
	cleanup_free char *path = NULL;
	size_t n = 0;
	char *buf;

	if (!digest_valid(digest)) {
		werr_set(err, 0, "invalid digest '%s'", digest ? digest : "");
		return NULL;
	}
	path = xasprintf("blobs/sha256/%s", digest_hex(digest));
	buf = read_member(c, path, &n, err);
	if (buf == NULL)
		return NULL;
	if (want_size >= 0 && (uint64_t)want_size != n) {
		free(buf);
		werr_set(err, 0, "blob %s: size mismatch: the descriptor says %lld, got %zu",
			 digest, (long long)want_size, n);
		return NULL;
	}
	sha256_buf(buf, n, got);
	if (strcmp(got, digest) != 0) {
		free(buf);
		werr_set(err, 0, "blob %s: digest mismatch (got %s)", digest, got);
		return NULL;
	}
	if (len)
		*len = n;
	return buf;
}

static void note_size(struct load_ctx *c, const char *diff_id, int64_t size,
		      const struct layer_blob *blob)
{
	for (size_t i = 0; i < c->nsizes; i++)
		if (strcmp(c->sizes[i].diff_id, diff_id) == 0)
			return;
	c->sizes = xrealloc(c->sizes, (c->nsizes + 1) * sizeof(*c->sizes));
	c->sizes[c->nsizes++] = (struct layer_size){.diff_id = xstrdup(diff_id), .size = size};
	if (blob != NULL)
		c->sizes[c->nsizes - 1].blob = *blob;
}

/* The media type recorded with a kept blob: the descriptor's (an OCI
 * manifest's) when it names a layer type, else the OCI type of the
 * compression found (docker-archive says nothing). */
static void blob_media_type(const struct layer_info *li, const char *desc_type,
			    struct layer_blob *b)
{
	const char *mt = layer_media_type(li->compression);

	if (desc_type != NULL &&
	    (str_has_prefix(desc_type, "application/vnd.oci.image.layer.") ||
	     str_has_prefix(desc_type, "application/vnd.docker.image.rootfs.")))
		mt = desc_type;
	snprintf(b->media_type, sizeof(b->media_type), "%s", mt);
}

/* walk_tree callback: adds the size of each regular file to *data. */
static int add_file_size(void *data, const struct walk_dir *d, const char *name, int type,
			 struct werr *err)
{
	struct stat st;

	if (type == DT_DIR)
		return WALK_DESCEND;
	if (type != DT_REG && type != DT_UNKNOWN)
		return WALK_NEXT;
	if (fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return werr_set(err, errno, "stat '%s'", name);
	if (S_ISDIR(st.st_mode))
		return WALK_DESCEND;
	if (S_ISREG(st.st_mode))
		*(int64_t *)data += st.st_size;
	return WALK_NEXT;
}

/* Size of a layer already on disk (sum of regular files), for image sizes
 * when layer_extract skipped it; 0 when it cannot be walked. */
static int64_t layer_dir_size(struct engine *e, const char *diff_id)
{
	static const struct walk_ops ops = {.entry = add_file_size};
	cleanup_free char *dir = layer_path(e, diff_id);
	cleanup_close int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int64_t total = 0;

	if (fd < 0 || walk_tree(fd, -1, &ops, &total, NULL) < 0)
		return 0;
	return total;
}

/* One layer member to extract: checked against digest (may be NULL), its
 * descriptor's size (want_size, -1: none) and diff_id; desc_type: the
 * descriptor's media type (NULL for docker-archive). The member's bytes
 * are kept in the blob store as they are: a docker-archive's layers are
 * plain tars, so they cost their full size a second time on disk (the
 * layer dir and the blob), the price of saving and pushing them exactly. */
struct xjob {
	char *path;
	const char *digest, *desc_type, *diff_id;
	int64_t want_size;
	const struct entry *en;
	int recorded;
	struct layer_info li;
	int rc;
	struct werr err;
};

/* Checks before extraction (this thread: it reads the store). */
static int xjob_prepare(struct load_ctx *c, struct xjob *j, struct werr *err)
{
	struct store *s = engine_store(c->e, err);

	j->en = find_entry(c, j->path);
	if (s == NULL)
		return -1;
	if (j->en == NULL)
		return werr_set(err, 0, "layer '%s' missing from the archive", j->path);
	if (j->want_size >= 0 && j->want_size != j->en->size)
		return werr_set(err, 0,
				"layer %s: size mismatch: the descriptor says %lld, got %lld",
				j->digest, (long long)j->want_size, (long long)j->en->size);
	j->recorded = store_layer_exists(s, j->diff_id, err);
	return j->recorded < 0 ? -1 : 0;
}

/* Records what an extraction learnt (this thread): the size for the image,
 * the layer and its blob for the transaction. */
static int64_t xjob_finish(struct load_ctx *c, struct xjob *j)
{
	struct layer_blob blob = {0};
	int64_t size = j->li.size;

	if (size < 0) /* already on disk: layer_extract did not read it */
		size = layer_dir_size(c->e, j->diff_id);
	if (j->li.blob_kept) {
		memcpy(blob.digest, j->li.blob, DIGEST_STR_LEN);
		blob.size = j->li.blob_size;
		blob_media_type(&j->li, j->desc_type, &blob);
	}
	if (!j->recorded) /* recorded with the image */
		note_size(c, j->diff_id, size, j->li.blob_kept ? &blob : NULL);
	return size;
}

#define LOAD_PARALLEL 3 /* layers extracted at once (pread on one fd is thread-safe) */

struct xpool {
	struct load_ctx *c;
	struct xjob *jobs;
	size_t n, next;
	pthread_mutex_t mu;
};

static void *xpool_work(void *p)
{
	struct xpool *pool = p;

	for (;;) {
		struct xjob *j;
		struct layer_src src;
		pthread_mutex_lock(&pool->mu);
		j = pool->next < pool->n ? &pool->jobs[pool->next++] : NULL;
		pthread_mutex_unlock(&pool->mu);
		if (j == NULL)
			return NULL;
		src = (struct layer_src){.fd = pool->c->fd,
					 .offset = j->en->off,
					 .length = j->en->size,
					 .keep_blob = true};
		j->rc =
		    layer_extract_info(pool->c->e, &src, j->digest, j->diff_id, &j->li, &j->err);
	}
}

/* Extracts the layers of one image, up to LOAD_PARALLEL at once; adds
 * their sizes to *total. The first error (in layer order) wins. */
static int extract_members(struct load_ctx *c, struct xjob *jobs, size_t n, int64_t *total,
			   struct werr *err)
{
	struct xpool pool = {.c = c, .jobs = jobs, .n = n};
	pthread_t th[LOAD_PARALLEL - 1];
	size_t nth = 0;

	for (size_t i = 0; i < n; i++)
		if (xjob_prepare(c, &jobs[i], err) < 0)
			return -1;
	pthread_mutex_init(&pool.mu, NULL);
	while (nth + 1 < LOAD_PARALLEL && nth + 1 < n &&
	       pthread_create(&th[nth], NULL, xpool_work, &pool) == 0)
		nth++;
	xpool_work(&pool);
	for (size_t i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&pool.mu);
	for (size_t i = 0; i < n; i++) {
		if (jobs[i].rc < 0) {
			*err = jobs[i].err;
			return -1;
		}
		*total += xjob_finish(c, &jobs[i]);
	}
	return 0;
}

static void xjobs_free(struct xjob *jobs, size_t n)
{
	for (size_t i = 0; jobs != NULL && i < n; i++)
		free(jobs[i].path);
	free(jobs);
}

static void add_rec(struct load_ctx *c, struct image_rec *r)
{
	c->recs = xrealloc(c->recs, (c->nrecs + 1) * sizeof(*c->recs));
	c->recs[c->nrecs++] = *r;
	*r = (struct image_rec){0};
}

/* The hex a docker-archive config path promises: "<hex>.json" (classic
 * docker save) or "blobs/sha256/<hex>" (Docker 25+); NULL when the name
 * promises nothing. */
static const char *promised_hex(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n < DIGEST_HEX_LEN || !str_is_hex(base, DIGEST_HEX_LEN))
		return NULL;
	if (n == DIGEST_HEX_LEN + 5 && str_has_suffix(base, ".json"))
		return base;
	if (n == DIGEST_HEX_LEN && base - path >= 7 && strncmp(base - 7, "sha256/", 7) == 0)
		return base;
	return NULL;
}

/* Fills id, config, created, layers of r from config bytes; checks the promised hex. */
static int rec_from_config(struct image_rec *r, char *cfg, size_t len, const char *hex,
			   struct werr *err)
{
	char dg[DIGEST_STR_LEN];

	sha256_buf(cfg, len, dg);
	if (hex && strncmp(hex, digest_hex(dg), DIGEST_HEX_LEN) != 0)
		return werr_set(err, 0, "config sha256:%.64s: digest mismatch (got %s)", hex, dg);
	memcpy(r->id, digest_hex(dg), DIGEST_HEX_LEN + 1);
	if (image_config_info(cfg, &r->layers, &r->created, err) < 0)
		return -1;
	r->config = cfg;
	r->stored = now_ns();
	return 0;
}

/* Adds the normalized form of a name to r (Docker normalization). */
static int add_name(struct image_rec *r, const char *name, struct werr *err)
{
	struct image_ref ref;

	if (ref_parse(name, &ref, err) < 0)
		return werr_wrap(err, "image name '%s'", name);
	if (ref.digest) {
		/* the archive cannot vouch for a digest: a pinned reference would
		 * find an unrelated image */
		ref_free(&ref);
		return werr_set(err, 0, "image name '%s': a digest cannot be used as a tag", name);
	}
	char *full = ref_string(&ref);
	ref_free(&ref);
	if (!strv_contains(r->names, full))
		r->names = strv_append(r->names, full);
	free(full);
	return 0;
}

/* One entry of a docker-archive manifest.json. */
static int load_docker_image(struct load_ctx *c, struct json_object *m, struct werr *err)
{
	struct image_rec r = {0};
	struct json_object *tags = jarr(m, "RepoTags"), *layers = jarr(m, "Layers");
	const char *cfg_path = jstr(m, "Config");
	struct xjob *jobs = NULL;
	char *cfg;
	size_t len = 0, nl = 0;
	int rc = -1;

	if (!json_object_is_type(m, json_type_object))
		return werr_set(err, 0, "manifest.json: an entry is not an object");
	if (json_check_type(m, "Config", json_type_string, "manifest.json", err) < 0 ||
	    json_check_strings(m, "Layers", "manifest.json", err) < 0 ||
	    json_check_strings(m, "RepoTags", "manifest.json", err) < 0)
		return -1;
	if (cfg_path == NULL || layers == NULL)
		return werr_set(err, 0, "manifest.json: entry without Config or Layers");
	cfg = read_member(c, cfg_path, &len, err);
	if (cfg == NULL)
		return -1;
	if (rec_from_config(&r, cfg, len, promised_hex(cfg_path), err) < 0) {
		if (r.config == NULL)
			free(cfg);
		goto out;
	}
	nl = json_object_array_length(layers);
	if (nl != strv_len(r.layers)) {
		werr_set(err, 0, "config has %zu diff_ids but manifest.json lists %zu layers",
			 strv_len(r.layers), nl);
		goto out;
	}
	jobs = xcalloc(nl ? nl : 1, sizeof(*jobs));
	for (size_t i = 0; i < nl; i++) {
		const char *lp = json_object_get_string(json_object_array_get_idx(layers, i));
		jobs[i] = (struct xjob){
		    .path = xstrdup(lp ? lp : ""), .diff_id = r.layers[i], .want_size = -1};
	}
	for (size_t i = 0; tags && i < json_object_array_length(tags); i++)
		if (add_name(&r, json_object_get_string(json_object_array_get_idx(tags, i)), err) <
		    0)
			goto out;
	if (c->want_full != NULL) {
		/* a pull of one tag of the archive: the others are not extracted */
		if (!strv_contains(r.names, c->want_full)) {
			rc = 0;
			goto out;
		}
		strv_free(r.names);
		r.names = strv_append(NULL, c->want_full);
		c->want_found = true;
	}
	if (extract_members(c, jobs, nl, &r.size, err) < 0)
		goto out;
	add_rec(c, &r);
	rc = 0;
out:
	xjobs_free(jobs, nl);
	image_rec_free(&r);
	return rc;
}

static int load_docker(struct load_ctx *c, struct werr *err)
{
	cleanup_free char *text = read_member(c, "manifest.json", NULL, err);
	cleanup_json struct json_object *root = NULL;

	if (text == NULL)
		return -1;
	root = jparse(text, "manifest.json", err);
	if (root == NULL)
		return -1;
	if (!json_object_is_type(root, json_type_array))
		return werr_set(err, 0, "manifest.json: not a list");
	for (size_t i = 0; i < json_object_array_length(root); i++)
		if (load_docker_image(c, json_object_array_get_idx(root, i), err) < 0)
			return -1;
	return 0;
}

/* The name an OCI descriptor's annotations give, or NULL. A bare tag
 * ("latest") names no repository: the image stays untagged. */
static const char *oci_desc_name(struct json_object *desc)
{
	struct json_object *ann;
	const char *n;

	if (!json_object_object_get_ex(desc, "annotations", &ann))
		return NULL;
	n = jstr(ann, "io.containerd.image.name");
	if (n)
		return n;
	n = jstr(ann, "org.opencontainers.image.ref.name");
	return n && (strchr(n, '/') || strchr(n, ':')) ? n : NULL;
}

static int load_oci_desc(struct load_ctx *c, struct json_object *desc, const char *name, int depth,
			 struct werr *err);

/* Picks our platform's manifest from an image index. */
static int load_oci_index(struct load_ctx *c, struct json_object *index, const char *name,
			  int depth, struct werr *err)
{
	struct json_object *ms = jarr(index, "manifests");
	size_t n = ms ? json_object_array_length(ms) : 0;

	if (n == 0)
		return werr_set(err, 0, "image index without manifests");
	for (size_t i = 0; i < n; i++)
		if (platform_match(json_object_array_get_idx(ms, i), NULL) == 1)
			return load_oci_desc(c, json_object_array_get_idx(ms, i), name, depth + 1,
					     err);
	if (n == 1)
		return load_oci_desc(c, json_object_array_get_idx(ms, 0), name, depth + 1, err);
	return werr_set(err, 0, "no image for linux/%s in the image index", platform_arch());
}

/* The layers of an OCI manifest, each checked against its descriptor. */
static int oci_layers(struct load_ctx *c, const char *digest, struct json_object *layers,
		      struct image_rec *r, struct werr *err)
{
	size_t nl = json_object_array_length(layers);
	struct xjob *jobs;
	int rc = -1;

	if (nl != strv_len(r->layers))
		return werr_set(err, 0, "config has %zu diff_ids but manifest %s lists %zu layers",
				strv_len(r->layers), digest, nl);
	jobs = xcalloc(nl ? nl : 1, sizeof(*jobs));
	for (size_t i = 0; i < nl; i++) {
		struct json_object *d = json_object_array_get_idx(layers, i);
		const char *ld = jstr(d, "digest");
		cleanup_free char *what = xasprintf("manifest %s", digest);
		int64_t want;

		if (manifest_check_desc(d, what, &want, err) < 0)
			goto out;
		if (!digest_valid(ld)) {
			werr_set(err, 0, "manifest %s: invalid layer digest", digest);
			goto out;
		}
		jobs[i] = (struct xjob){.path = xasprintf("blobs/sha256/%s", digest_hex(ld)),
					.digest = ld,
					.desc_type = jstr(d, "mediaType"),
					.diff_id = r->layers[i],
					.want_size = want};
	}
	rc = extract_members(c, jobs, nl, &r->size, err);
out:
	xjobs_free(jobs, nl);
	return rc;
}

/* An image manifest: config and layers, all verified. */
static int load_oci_manifest(struct load_ctx *c, const char *digest, char *text,
			     struct json_object *m, const char *name, struct werr *err)
{
	struct image_rec r = {0};
	struct json_object *cfgd = NULL, *layers = jarr(m, "layers");
	cleanup_free char *what = xasprintf("manifest %s", digest);
	char *cfg;
	size_t len = 0;
	int64_t want;
	int rc = -1;

	if (!json_object_is_type(m, json_type_object))
		return werr_set(err, 0, "manifest %s: not a JSON object", digest);
	if (json_check_type(m, "layers", json_type_array, what, err) < 0)
		return -1;
	json_object_object_get_ex(m, "config", &cfgd);
	if (layers == NULL || cfgd == NULL)
		return werr_set(err, 0, "manifest %s: no config or layers", digest);
	if (manifest_check_desc(cfgd, what, &want, err) < 0)
		return -1;
	cfg = read_blob(c, jstr(cfgd, "digest"), want, &len, err);
	if (cfg == NULL)
		return -1;
	if (rec_from_config(&r, cfg, len, NULL, err) < 0) {
		if (r.config == NULL)
			free(cfg);
		goto out;
	}
	if (oci_layers(c, digest, layers, &r, err) < 0)
		goto out;
	if (name && add_name(&r, name, err) < 0)
		goto out;
	r.digest = xstrdup(digest);
	r.manifest = xstrdup(text);
	add_rec(c, &r);
	rc = 0;
out:
	image_rec_free(&r);
	return rc;
}

/* A descriptor of index.json (or of a nested index). */
static int load_oci_desc(struct load_ctx *c, struct json_object *desc, const char *name, int depth,
			 struct werr *err)
{
	const char *digest = jstr(desc, "digest"), *mt = jstr(desc, "mediaType");
	cleanup_free char *text = NULL;
	cleanup_json struct json_object *m = NULL;
	int64_t want;

	if (depth > MAX_INDEX_DEPTH)
		return werr_set(err, 0, "image indexes nested too deep");
	if (manifest_check_desc(desc, "image index", &want, err) < 0)
		return -1;
	if (name == NULL)
		name = oci_desc_name(desc);
	text = read_blob(c, digest, want, NULL, err);
	if (text == NULL)
		return -1;
	m = jparse(text, digest, err);
	if (m == NULL)
		return -1;
	if (json_check_type(m, "mediaType", json_type_string, digest, err) < 0 ||
	    json_check_type(m, "manifests", json_type_array, digest, err) < 0)
		return -1;
	if (!mt)
		mt = jstr(m, "mediaType");
	if ((mt && (strcmp(mt, MT_OCI_INDEX) == 0 || strcmp(mt, MT_DOCKER_LIST) == 0)) ||
	    (!mt && jarr(m, "manifests")))
		return load_oci_index(c, m, name, depth, err);
	return load_oci_manifest(c, digest, text, m, name, err);
}

/* Whether an index.json descriptor is the image image_load_ref wants: its
 * ref.name annotation as written ("v1", "example.com/app:v1") or the full
 * name it gives. */
static bool oci_desc_wanted(struct load_ctx *c, struct json_object *desc)
{
	struct json_object *ann;
	const char *n = NULL, *full = oci_desc_name(desc);
	struct image_ref r;
	bool hit = false;

	if (json_object_object_get_ex(desc, "annotations", &ann))
		n = jstr(ann, "org.opencontainers.image.ref.name");
	if (n != NULL && strcmp(n, c->want) == 0)
		hit = true;
	else if (full != NULL && c->want_full != NULL) {
		struct werr e = {0};
		if (ref_parse(full, &r, &e) == 0) {
			cleanup_free char *s = ref_string(&r);
			hit = strcmp(s, c->want_full) == 0;
			ref_free(&r);
		}
	}
	c->want_found |= hit;
	return hit;
}

static int load_oci(struct load_ctx *c, struct werr *err)
{
	cleanup_free char *text = read_member(c, "index.json", NULL, err);
	cleanup_json struct json_object *root = NULL;
	struct json_object *ms;
	bool any_ours = false;
	size_t n;

	if (text == NULL)
		return -1;
	root = jparse(text, "index.json", err);
	if (root == NULL)
		return -1;
	if (!json_object_is_type(root, json_type_object))
		return werr_set(err, 0, "index.json: not a JSON object");
	if (json_check_type(root, "manifests", json_type_array, "index.json", err) < 0)
		return -1;
	ms = jarr(root, "manifests");
	n = ms ? json_object_array_length(ms) : 0;
	if (n == 0)
		return werr_set(err, 0, "index.json lists no images");
	for (size_t i = 0; i < n; i++)
		any_ours |= platform_match(json_object_array_get_idx(ms, i), NULL) == 1;
	for (size_t i = 0; i < n; i++) {
		struct json_object *d = json_object_array_get_idx(ms, i);
		/* a flat multi-platform index: only our platform */
		if (any_ours && platform_match(d, NULL) == 0)
			continue;
		if (c->want != NULL && !oci_desc_wanted(c, d))
			continue;
		/* a wanted full name names the image; a bare "v1" leaves the
		 * annotation's name (as without want) */
		if (load_oci_desc(c, d, c->want && strpbrk(c->want, "/:") ? c->want_full : NULL, 0,
				  err) < 0)
			return -1;
	}
	return 0;
}

/* Stores every layer and image of c in one transaction. */
static int commit_load(struct load_ctx *c, struct werr *err)
{
	struct store *s = engine_store(c->e, err);

	if (s == NULL || store_begin(s, err) < 0)
		return -1;
	for (size_t i = 0; i < c->nsizes; i++) {
		const struct layer_size *l = &c->sizes[i];
		if (store_layer_add_blob(s, l->diff_id, l->size,
					 l->blob.digest[0] ? &l->blob : NULL, err) < 0)
			goto fail;
	}
	for (size_t i = 0; i < c->nrecs; i++)
		if (store_image_add(s, &c->recs[i], err) < 0)
			goto fail;
	if (store_commit(s, err) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(s);
	return -1;
}

struct blob_gc {
	struct store *s;
	char **orphans;
};

static int note_orphan_blob(const char *digest, void *data)
{
	struct blob_gc *g = data;
	struct werr lerr = {0};

	if (store_blob_used(g->s, digest, &lerr) == 0)
		g->orphans = strv_append(g->orphans, digest);
	return 0;
}

/* Removes the blobs no layer records (a load killed between committing a
 * blob and its transaction) and the temp files of killed writers. Only
 * with the layers lock held exclusively: no load is between the two. */
static void collect_blobs(struct engine *e, struct store *s)
{
	struct blob_gc g = {.s = s};

	blob_foreach(e, note_orphan_blob, &g);
	for (char **o = g.orphans; o && *o; o++) {
		struct werr lerr = {0};
		if (blob_remove(e, *o, &lerr) == 0)
			log_debug("removed leftover blob %s (of a killed load)", *o);
	}
	strv_free(g.orphans);
	blob_gc_tmp(e);
}

/* Removes what killed loads and imports left: layer dirs renamed into
 * place but never recorded (the load died before its transaction) and
 * temp dirs. Only called with the extract lock held exclusively. */
static void collect_leftovers(struct engine *e)
{
	cleanup_free char *dir = xasprintf("%s/layers", e->root);
	cleanup_dir DIR *d = opendir(dir);
	cleanup_strv char **orphans = NULL;
	struct werr lerr = {0};
	struct store *s = engine_store(e, &lerr);
	struct dirent *de;

	if (d == NULL || s == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		cleanup_free char *id = NULL;
		if (strlen(de->d_name) != DIGEST_HEX_LEN || !str_is_hex(de->d_name, DIGEST_HEX_LEN))
			continue; /* mp-*, .tmp-* */
		id = xasprintf("sha256:%s", de->d_name);
		if (store_layer_exists(s, id, &lerr) == 0)
			orphans = strv_append(orphans, id);
	}
	for (char **o = orphans; o && *o; o++) {
		if (layer_remove(e, *o, &lerr) < 0)
			log_debug("leftover layer %s: %s", *o, lerr.msg);
		else
			log_debug("removed leftover layer %s (of a killed load)", *o);
	}
	layer_gc_tmp(e);
	collect_blobs(e, s);
}

static int lock_wait(int fd, int op)
{
	while (flock(fd, op) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

/* The layers lock; see image.h. Whoever gets it exclusively knows that no
 * extraction runs and first collects the leftovers of killed ones. */
int image_layers_lock(struct engine *e, bool exclusive, struct werr *err)
{
	cleanup_free char *path = xasprintf("%s/layers.lock", e->root);
	/* 0644: the users of this store as a read-only image store
	 * (storage/driver.c) take it shared while they mount its layers */
	cleanup_close int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);

	if (fd < 0)
		return werr_set(err, errno, "open '%s'", path);
	if (exclusive) {
		if (lock_wait(fd, LOCK_EX) < 0)
			return werr_set(err, errno, "lock '%s'", path);
		collect_leftovers(e);
		return steal_fd(&fd);
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		collect_leftovers(e);
	/* exclusive to shared is not atomic, and need not be: whoever takes
	 * the lock exclusively in between finds nothing of ours yet */
	if (lock_wait(fd, LOCK_SH) < 0)
		return werr_set(err, errno, "lock '%s'", path);
	return steal_fd(&fd);
}

/* After a failed load or import, the layer dirs it made are unrecorded
 * leftovers: removed now unless another extraction runs (one of them may
 * have found and reused such a dir), else by the next command that finds
 * none running. Releases *lock. */
void image_layers_unlock_failed(struct engine *e, int *lock)
{
	cleanup_free char *path = xasprintf("%s/layers.lock", e->root);
	cleanup_close int fd = -1;

	close(*lock);
	*lock = -1;
	fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
		collect_leftovers(e);
}

/* Loads a docker-archive or oci-archive; see image.h. Errors carry no
 * "load PATH" prefix: the caller adds it. */
int image_load(struct engine *e, const char *path, char ***names, struct werr *err)
{
	return image_load_ref(e, path, NULL, names, err);
}

/* The full name of what image_load_ref wants, or NULL when want is not an
 * image name (an OCI ref.name such as "v1"). */
static char *want_full_name(const char *want)
{
	struct image_ref r;
	struct werr e = {0};
	char *s;

	if (ref_parse(want, &r, &e) < 0)
		return NULL;
	s = r.digest ? NULL : ref_string(&r);
	ref_free(&r);
	return s;
}

/* image_load of the one image named want; see image.h. */
int image_load_ref(struct engine *e, const char *path, const char *want, char ***names,
		   struct werr *err)
{
	cleanup_free char *full = want ? want_full_name(want) : NULL;
	struct load_ctx c = {.e = e, .fd = -1, .want = want, .want_full = full};
	cleanup_close int lock = -1;
	char **out = NULL;
	int rc = -1;

	if (engine_store(e, err) == NULL || (lock = image_layers_lock(e, false, err)) < 0)
		return -1;
	c.fd = open_plain(e, path, err);
	if (c.fd < 0 || index_tar(&c, err) < 0)
		goto out;
	if (find_entry(&c, "manifest.json")) {
		if (want != NULL && full == NULL)
			rc = werr_set(err, 0, "invalid reference format: '%s'", want);
		else if ((rc = load_docker(&c, err)) == 0 && want != NULL && !c.want_found)
			rc = werr_set(err, 0, "Tag \"%s\" not found", full);
	} else if (find_entry(&c, "index.json") && find_entry(&c, "oci-layout")) {
		rc = load_oci(&c, err);
		if (rc == 0 && want != NULL && !c.want_found)
			rc = werr_set(err, 0, "no descriptor found for reference \"%s\"", want);
	} else {
		rc = werr_set(err, 0,
			      "not a docker-archive or oci-archive "
			      "(no manifest.json, no index.json and oci-layout)");
	}
	if (rc == 0)
		rc = commit_load(&c, err);
	if (rc < 0) {
		image_layers_unlock_failed(e, &lock);
		goto out;
	}
	for (size_t i = 0; i < c.nrecs; i++) {
		for (char **n = c.recs[i].names; n && *n; n++)
			out = strv_append(out, *n);
		if (strv_len(c.recs[i].names) == 0) {
			cleanup_free char *id = xasprintf("sha256:%s", c.recs[i].id);
			out = strv_append(out, id);
		}
	}
	*names = out ? out : xcalloc(1, sizeof(char *));
out:
	load_ctx_free(&c);
	return rc < 0 ? -1 : 0; /* the CLI adds "load 'path'" */
}

/* The config JSON of an imported one-layer image (malloc'd). */
static char *import_config(const char *diff_id, const char *message, int64_t created)
{
	cleanup_json struct json_object *root = json_object_new_object();
	struct json_object *cfg = json_object_new_object(), *env = json_object_new_array();
	struct json_object *rootfs = json_object_new_object(), *ids = json_object_new_array();
	struct json_object *hist = json_object_new_array(), *h = json_object_new_object();
	char when[48];
	cleanup_free char *by = NULL;

	format_rfc3339(created, when, sizeof(when));
	by = xasprintf("/bin/sh -c #(nop) ADD file:%s in / ", digest_hex(diff_id));
	json_object_object_add(root, "created", json_object_new_string(when));
	json_object_object_add(root, "architecture", json_object_new_string(platform_arch()));
	json_object_object_add(root, "os", json_object_new_string("linux"));
	json_object_array_add(env, json_object_new_string(DEFAULT_PATH_ENV));
	json_object_object_add(cfg, "Env", env);
	json_object_object_add(root, "config", cfg);
	json_object_object_add(rootfs, "type", json_object_new_string("layers"));
	json_object_array_add(ids, json_object_new_string(diff_id));
	json_object_object_add(rootfs, "diff_ids", ids);
	json_object_object_add(root, "rootfs", rootfs);
	json_object_object_add(h, "created", json_object_new_string(when));
	json_object_object_add(h, "created_by", json_object_new_string(by));
	if (message && *message)
		json_object_object_add(h, "comment", json_object_new_string(message));
	json_object_array_add(hist, h);
	json_object_object_add(root, "history", hist);
	return xstrdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
								JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* Stores the imported layer and image in one transaction. */
static int commit_import(struct engine *e, struct image_rec *r, int64_t size,
			 const struct layer_blob *blob, struct werr *err)
{
	struct store *s = engine_store(e, err);

	if (s == NULL || store_begin(s, err) < 0)
		return -1;
	if (store_layer_add_blob(s, r->layers[0], size, blob, err) < 0 ||
	    store_image_add(s, r, err) < 0) {
		store_rollback(s);
		return -1;
	}
	return store_commit(s, err);
}

/* Creates a one-layer image from a rootfs tarball; see image.h. */
/* base_config (an OCI image config, NULL for import's) with the one
 * layer diff_id and one history entry; NULL when base_config is not a
 * JSON object. */
static char *sqsh_config(const char *base_config, const char *diff_id, const char *message,
			 int64_t created)
{
	cleanup_json struct json_object *root = json_tokener_parse(base_config);
	struct json_object *rootfs, *ids, *hist, *h;
	char when[48];

	if (root == NULL || !json_object_is_type(root, json_type_object))
		return NULL;
	format_rfc3339(created, when, sizeof(when));
	rootfs = json_object_new_object();
	ids = json_object_new_array();
	hist = json_object_new_array();
	h = json_object_new_object();
	json_object_object_add(rootfs, "type", json_object_new_string("layers"));
	json_object_array_add(ids, json_object_new_string(diff_id));
	json_object_object_add(rootfs, "diff_ids", ids);
	json_object_object_add(root, "rootfs", rootfs);
	json_object_object_add(h, "created", json_object_new_string(when));
	json_object_object_add(h, "created_by", json_object_new_string(message));
	json_object_array_add(hist, h);
	json_object_object_add(root, "history", hist);
	return xstrdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
								JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* The one-layer image of the tar at fd (seekable), under the shared
 * layers lock *lock: import's config, or base_config's (image_import_fd). */
static int import_fd(struct engine *e, int fd, const char *base_config, const char *message,
		     char *const *names, int *lock, char id_out[DIGEST_HEX_LEN + 1],
		     struct werr *err)
{
	struct image_rec r = {0};
	char diff_id[DIGEST_STR_LEN], dg[DIGEST_STR_LEN];
	struct layer_blob blob = {0};
	struct layer_info li;
	struct layer_src src;
	struct stat st;
	int64_t size = 0;
	int rc = -1;

	if (fstat(fd, &st) < 0)
		return werr_set(err, errno, "stat");
	if (st.st_size == 0)
		return werr_set(err, 0, "not a tar archive: the file is empty");
	src = (struct layer_src){.fd = fd, .offset = 0, .length = -1, .keep_blob = true};
	if (layer_extract_info(e, &src, NULL, NULL, &li, err) < 0)
		return -1;
	memcpy(diff_id, li.diff_id, DIGEST_STR_LEN);
	size = li.size;
	if (li.blob_kept) { /* the tarball as given: save writes it back */
		memcpy(blob.digest, li.blob, DIGEST_STR_LEN);
		blob.size = li.blob_size;
		snprintf(blob.media_type, sizeof(blob.media_type), "%s",
			 layer_media_type(li.compression));
	}
	r.created = r.stored = now_ns();
	if (base_config != NULL) {
		/* the image's own time, so that loading a file twice gives one id */
		cleanup_json struct json_object *c = json_tokener_parse(base_config);
		const char *t = jstr(c, "created");
		int64_t ns;
		if (t != NULL && image_parse_time(t, &ns) == 0)
			r.created = ns;
	}
	r.config = base_config ? sqsh_config(base_config, diff_id, message, r.created)
			       : import_config(diff_id, message, r.created);
	if (r.config == NULL) {
		image_layers_unlock_failed(e, lock);
		return werr_set(err, 0, "the image config is not a JSON object");
	}
	sha256_buf(r.config, strlen(r.config), dg);
	memcpy(r.id, digest_hex(dg), DIGEST_HEX_LEN + 1);
	r.layers = strv_append(NULL, diff_id);
	r.names = names && names[0] ? strv_copy(names) : NULL;
	r.size = size;
	rc = commit_import(e, &r, size, blob.digest[0] ? &blob : NULL, err);
	if (rc < 0)
		image_layers_unlock_failed(e, lock);
	if (rc == 0)
		memcpy(id_out, r.id, DIGEST_HEX_LEN + 1);
	image_rec_free(&r);
	return rc;
}

int image_import(struct engine *e, const char *path, const char *ref, const char *message,
		 char id_out[DIGEST_HEX_LEN + 1], struct werr *err)
{
	cleanup_free char *name = NULL;
	cleanup_close int fd = -1, lock = -1;
	char *names[] = {NULL, NULL};

	if (ref && (name = image_local_name(ref, err)) == NULL)
		return -1;
	names[0] = name;
	if (engine_store(e, err) == NULL || (lock = image_layers_lock(e, false, err)) < 0)
		return -1;
	fd = open_seekable(e, path, err);
	if (fd < 0)
		return -1;
	return import_fd(e, fd, NULL, message, names, &lock, id_out, err);
}

int image_import_fd(struct engine *e, int fd, const char *base_config, const char *created_by,
		    char *const *names, char id_out[DIGEST_HEX_LEN + 1], struct werr *err)
{
	cleanup_close int lock = -1;

	if (engine_store(e, err) == NULL || (lock = image_layers_lock(e, false, err)) < 0)
		return -1;
	return import_fd(e, fd, base_config, created_by, names, &lock, id_out, err);
}
