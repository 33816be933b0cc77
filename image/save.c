/* save.c - `save`: images out to a docker-archive, an oci-archive or an OCI
 * layout directory (oci-dir).
 *
 * Layers are written from the blob store (storage/blobs.h): the exact
 * bytes that were loaded or pulled, so the digests a registry or another
 * engine knows stay true, and the manifest as stored when it names those
 * very blobs. docker-archive holds plain tars (as Podman writes it): a
 * compressed blob is decompressed into a temp file, checked against its
 * diff_id. A layer without a blob (a store older than the blob store) is
 * made anew from its layer dir with libarchive: that tar never hashes to
 * the original diff_id, so the config then gets the new diff_ids, and the
 * saved image has another id than the stored one (a warning says so).
 *
 * Nothing half-written is left: an archive goes to a temp file beside its
 * destination and an oci-dir to a temp dir, renamed into place at the end
 * (stdout streams, and a failure there leaves what was sent). */
#include "image/image.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/util.h"
#include "lib/walk.h"
#include "storage/blobs.h"
#include "storage/layer.h"
#include "storage/layertar.h"

#define COPY_BUF (256 * 1024)

#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_CONFIG	"application/vnd.oci.image.config.v1+json"
#define MT_OCI_TAR	"application/vnd.oci.image.layer.v1.tar"

static const char *const format_names[] = {
    [SAVE_DOCKER_ARCHIVE] = "docker-archive",
    [SAVE_OCI_ARCHIVE] = "oci-archive",
    [SAVE_OCI_DIR] = "oci-dir",
};

/* Parses a --format name; see image.h. */
int image_save_format(const char *name, enum save_format *out, struct werr *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(format_names); i++)
		if (name != NULL && strcmp(name, format_names[i]) == 0) {
			*out = (enum save_format)i;
			return 0;
		}
	/* Podman's words, without the docker-dir warren does not write */
	return werr_set(err, 0, "format value must be one of oci-dir oci-archive docker-archive");
}

/* One layer as it will be written. */
struct save_layer {
	char diff_id[DIGEST_STR_LEN]; /* of the plain tar (a made one's own) */
	char digest[DIGEST_STR_LEN];  /* of the bytes written */
	char media_type[128];
	int64_t size;
	int fd;	     /* the bytes, read from offset 0 */
	bool verify; /* a stored blob: hashed while copied, must match */
	bool remade; /* made from the layer dir: a new diff_id */
};

struct save_image {
	struct image_rec rec;
	char **names; /* names written (RepoTags, ref.name) */
	struct save_layer *layers;
	size_t nlayers;
	char *config; /* the bytes written: rec.config, or with new diff_ids */
	char config_digest[DIGEST_STR_LEN];
	char *manifest; /* OCI formats */
	char manifest_digest[DIGEST_STR_LEN];
	const char *manifest_type;
};

static void save_image_free(struct save_image *im)
{
	image_rec_free(&im->rec);
	strv_free(im->names);
	for (size_t i = 0; i < im->nlayers; i++)
		if (im->layers[i].fd >= 0)
			close(im->layers[i].fd);
	free(im->layers);
	free(im->config);
	free(im->manifest);
}

/* Decompresses blob fd into a new temp file whose digest must be diff_id. */
static int decompress_blob(struct engine *e, int in, const char *diff_id, int64_t *size,
			   struct werr *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	struct sha256_ctx *h = sha256_new();
	cleanup_free char *buf = xmalloc(COPY_BUF);
	cleanup_close int out = image_tmp_file(e, err);
	char got[DIGEST_STR_LEN];
	int64_t total = 0;
	la_ssize_t n;

	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_format_raw(a);
	if (out < 0 || archive_read_open_fd(a, in, COPY_BUF) != ARCHIVE_OK ||
	    archive_read_next_header(a, &ae) != ARCHIVE_OK)
		goto bad;
	while ((n = archive_read_data(a, buf, COPY_BUF)) > 0) {
		sha256_update(h, buf, (size_t)n);
		if (write_all(out, buf, (size_t)n) < 0) {
			werr_set(err, errno, "write temp file");
			goto fail;
		}
		total += n;
	}
	if (n < 0)
		goto bad;
	archive_read_free(a);
	sha256_final(h, got);
	if (strcmp(got, diff_id) != 0)
		return werr_set(err, 0, "layer %s: its blob decompresses to %s", diff_id, got);
	*size = total;
	return steal_fd(&out);
bad:
	if (out >= 0)
		werr_set(err, 0, "decompress layer %s: %s", diff_id,
			 archive_error_string(a) ? archive_error_string(a) : "corrupt data");
fail:
	archive_read_free(a);
	sha256_free(h);
	return -1;
}

/* ---- a layer made anew from its layer dir ---- */

/* Writes the layer dir of diff_id as a plain tar into a temp file
 * (storage/layertar.h) and returns its fd, at offset 0. */
static int remake_layer(struct engine *e, const char *diff_id, char digest[DIGEST_STR_LEN],
			int64_t *size, struct werr *err)
{
	cleanup_free char *dir = layer_path_any(e, diff_id);
	cleanup_close int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int out = -1;

	if (dfd < 0)
		return werr_set(err, errno, "open layer dir '%s'", dir);
	out = image_tmp_file(e, err);
	if (out < 0)
		return -1;
	if (layer_tar_dir(dfd, out, err) < 0)
		return werr_wrap(err, "remake layer %s", diff_id);
	if (layer_tar_digest(out, digest, size, err) < 0)
		return -1;
	return steal_fd(&out);
}

/* ---- preparing an image ---- */

/* Opens what layer i of im will be written from. plain: the format wants
 * an uncompressed tar (docker-archive). */
static int prepare_layer(struct engine *e, struct save_image *im, size_t i, bool plain,
			 struct werr *err)
{
	struct save_layer *l = &im->layers[i];
	const char *diff_id = im->rec.layers[i];
	struct layer_blob b;
	int rc = store_layer_blob(e->store, diff_id, &b, err);

	if (rc < 0)
		return -1;
	snprintf(l->diff_id, sizeof(l->diff_id), "%s", diff_id);
	if (rc == 1 && blob_exists_any(e, b.digest)) {
		bool is_plain = strcmp(b.digest, diff_id) == 0;
		l->fd = blob_open(e, b.digest, err);
		if (l->fd < 0)
			return -1;
		if (!plain || is_plain) {
			memcpy(l->digest, b.digest, DIGEST_STR_LEN);
			snprintf(l->media_type, sizeof(l->media_type), "%s", b.media_type);
			l->size = b.size;
			l->verify = true;
			return 0;
		}
		rc = decompress_blob(e, l->fd, diff_id, &l->size, err);
		close(l->fd);
		l->fd = rc;
		if (rc < 0)
			return -1;
		memcpy(l->digest, diff_id, DIGEST_STR_LEN);
		snprintf(l->media_type, sizeof(l->media_type), "%s", MT_OCI_TAR);
		return 0;
	}
	log_warn("image %.12s: layer %.19s has no stored blob (stored before warren kept "
		 "blobs): it is made anew from its files, so the saved image gets another id",
		 im->rec.id, diff_id);
	l->fd = remake_layer(e, diff_id, l->digest, &l->size, err);
	if (l->fd < 0)
		return -1;
	memcpy(l->diff_id, l->digest, DIGEST_STR_LEN);
	snprintf(l->media_type, sizeof(l->media_type), "%s", MT_OCI_TAR);
	l->remade = true;
	return 0;
}

/* The config to write: as stored, or with the diff_ids of remade layers. */
static int prepare_config(struct save_image *im, struct werr *err)
{
	cleanup_json struct json_object *root = NULL;
	struct json_object *ids;
	bool remade = false;

	for (size_t i = 0; i < im->nlayers; i++)
		remade |= im->layers[i].remade;
	if (!remade) {
		im->config = xstrdup(im->rec.config);
	} else {
		root = jparse(im->rec.config, "image config", err);
		ids = jarr(jget(root, "rootfs"), "diff_ids");
		if (ids == NULL || jlen(ids) != im->nlayers)
			return werr_set(err, 0, "image %.12s: config without its diff_ids",
					im->rec.id);
		for (size_t i = 0; i < im->nlayers; i++)
			json_object_array_put_idx(ids, i,
						  json_object_new_string(im->layers[i].diff_id));
		im->config = xstrdup(json_object_to_json_string_ext(
		    root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	}
	sha256_buf(im->config, strlen(im->config), im->config_digest);
	return 0;
}

static struct json_object *descriptor(const char *mt, const char *digest, int64_t size)
{
	struct json_object *d = json_object_new_object();

	jset_str(d, "mediaType", mt);
	jset_str(d, "digest", digest);
	jset(d, "size", json_object_new_int64(size));
	return d;
}

/* The stored manifest when it names this very config and these layer
 * blobs (in order); NULL when it does not. */
static bool stored_manifest_fits(const struct save_image *im)
{
	cleanup_json struct json_object *m = NULL;
	struct json_object *layers;
	const char *mt;

	if (im->rec.manifest == NULL || (m = json_tokener_parse(im->rec.manifest)) == NULL)
		return false;
	mt = jstr(m, "mediaType");
	layers = jarr(m, "layers");
	if ((mt && strcmp(mt, MT_OCI_MANIFEST) != 0 &&
	     strcmp(mt, "application/vnd.docker.distribution.manifest.v2+json") != 0) ||
	    layers == NULL || jlen(layers) != im->nlayers)
		return false;
	if (strcmp(jstr(jget(m, "config"), "digest") ?: "", im->config_digest) != 0)
		return false;
	for (size_t i = 0; i < im->nlayers; i++) {
		const char *d = jstr(json_object_array_get_idx(layers, i), "digest");
		if (d == NULL || strcmp(d, im->layers[i].digest) != 0)
			return false;
	}
	return true;
}

/* The manifest of an OCI save: the stored one when it fits, else a new
 * OCI manifest over the config and layers written. */
static void prepare_manifest(struct save_image *im)
{
	cleanup_json struct json_object *m = NULL, *sm = NULL;
	struct json_object *layers;

	if (stored_manifest_fits(im)) {
		im->manifest = xstrdup(im->rec.manifest);
		sm = json_tokener_parse(im->manifest);
		im->manifest_type =
		    jstr(sm, "mediaType") && strcmp(jstr(sm, "mediaType"), MT_OCI_MANIFEST) != 0
			? "application/vnd.docker.distribution.manifest.v2+json"
			: MT_OCI_MANIFEST;
	} else {
		m = json_object_new_object();
		layers = json_object_new_array();
		jset(m, "schemaVersion", json_object_new_int(2));
		jset_str(m, "mediaType", MT_OCI_MANIFEST);
		jset(m, "config",
		     descriptor(MT_OCI_CONFIG, im->config_digest, (int64_t)strlen(im->config)));
		for (size_t i = 0; i < im->nlayers; i++)
			json_object_array_add(layers,
					      descriptor(im->layers[i].media_type,
							 im->layers[i].digest, im->layers[i].size));
		jset(m, "layers", layers);
		im->manifest = xstrdup(json_object_to_json_string_ext(
		    m, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		im->manifest_type = MT_OCI_MANIFEST;
	}
	sha256_buf(im->manifest, strlen(im->manifest), im->manifest_digest);
}

static int prepare_image(struct engine *e, struct save_image *im, enum save_format fmt,
			 struct werr *err)
{
	im->nlayers = strv_len(im->rec.layers);
	im->layers = xcalloc(im->nlayers + 1, sizeof(*im->layers));
	for (size_t i = 0; i < im->nlayers; i++)
		im->layers[i].fd = -1;
	for (size_t i = 0; i < im->nlayers; i++)
		if (prepare_layer(e, im, i, fmt == SAVE_DOCKER_ARCHIVE, err) < 0)
			return -1;
	if (prepare_config(im, err) < 0)
		return -1;
	if (fmt != SAVE_DOCKER_ARCHIVE)
		prepare_manifest(im);
	return 0;
}

/* ---- writing: a tar (the archives) or a directory (oci-dir) ---- */

struct sink {
	struct archive *a; /* a tar, or NULL */
	int dfd;	   /* oci-dir: the temp dir */
	char **written;	   /* names written: a layer two images share goes once */
	int64_t mtime;
};

/* Starts file name of size bytes: its tar header, or the file in the dir
 * (fd returned; -2 for a tar). */
static int sink_open(struct sink *k, const char *name, int64_t size, struct werr *err)
{
	struct archive_entry *ent;
	int fd;

	if (k->a == NULL) {
		fd = openat(k->dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
			    0644);
		return fd >= 0 ? fd : werr_set(err, errno, "create '%s'", name);
	}
	ent = archive_entry_new();
	archive_entry_set_pathname(ent, name);
	archive_entry_set_filetype(ent, AE_IFREG);
	archive_entry_set_perm(ent, 0644);
	archive_entry_set_size(ent, size);
	archive_entry_set_mtime(ent, k->mtime, 0);
	fd = archive_write_header(k->a, ent) < ARCHIVE_WARN ? -1 : -2;
	archive_entry_free(ent);
	return fd == -1 ? werr_set(err, 0, "write '%s': %s", name, archive_error_string(k->a)) : -2;
}

static int sink_data(struct sink *k, int fd, const void *buf, size_t len, struct werr *err)
{
	if (fd >= 0)
		return write_all(fd, buf, len) < 0 ? werr_set(err, errno, "write") : 0;
	if (archive_write_data(k->a, buf, len) < (la_ssize_t)len)
		return werr_set(err, archive_errno(k->a) > 0 ? archive_errno(k->a) : 0, "write: %s",
				archive_error_string(k->a) ?: "short write");
	return 0;
}

static bool sink_seen(struct sink *k, const char *name)
{
	if (strv_contains(k->written, name))
		return true;
	k->written = strv_append(k->written, name);
	return false;
}

static int sink_bytes(struct sink *k, const char *name, const char *buf, size_t len,
		      struct werr *err)
{
	cleanup_close int fd = -1;

	if (sink_seen(k, name))
		return 0;
	fd = sink_open(k, name, (int64_t)len, err);
	if (fd == -1 || sink_data(k, fd, buf, len, err) < 0)
		return werr_wrap(err, "write '%s'", name);
	return 0;
}

/* Copies layer l under name, verifying a stored blob's digest and size. */
static int sink_layer(struct sink *k, const char *name, const struct save_layer *l,
		      struct werr *err)
{
	cleanup_free char *buf = xmalloc(COPY_BUF);
	cleanup_close int fd = -1;
	struct sha256_ctx *h = NULL;
	char got[DIGEST_STR_LEN];
	int64_t total = 0;
	ssize_t n;

	if (sink_seen(k, name))
		return 0;
	fd = sink_open(k, name, l->size, err);
	if (fd == -1)
		return -1;
	h = l->verify ? sha256_new() : NULL;
	while (total < l->size && (n = pread(l->fd, buf, COPY_BUF, total)) > 0) {
		if (total + n > l->size)
			n = (ssize_t)(l->size - total);
		if (h != NULL)
			sha256_update(h, buf, (size_t)n);
		if (sink_data(k, fd, buf, (size_t)n, err) < 0) {
			sha256_free(h);
			return werr_wrap(err, "write layer %s", l->digest);
		}
		total += n;
	}
	if (h != NULL)
		sha256_final(h, got);
	if (total != l->size || (h != NULL && strcmp(got, l->digest) != 0))
		return werr_set(err, 0, "blob %s in the store is damaged (%lld bytes, digest %s)",
				l->digest, (long long)total, h ? got : "unchecked");
	return 0;
}

static const char *blob_name(const char *digest, char *buf, size_t len)
{
	snprintf(buf, len, "blobs/sha256/%s", digest_hex(digest));
	return buf;
}

/* oci-archive and oci-dir: oci-layout, blobs, index.json. */
static int write_oci(struct sink *k, struct save_image *ims, size_t n, struct werr *err)
{
	cleanup_json struct json_object *index = json_object_new_object();
	struct json_object *ms = json_object_new_array();
	const char *layout = "{\"imageLayoutVersion\":\"1.0.0\"}";
	char path[96];

	if (k->a == NULL &&
	    (mkdirat(k->dfd, "blobs", 0755) < 0 || mkdirat(k->dfd, "blobs/sha256", 0755) < 0))
		return werr_set(err, errno, "mkdir 'blobs/sha256'");
	if (sink_bytes(k, "oci-layout", layout, strlen(layout), err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct save_image *im = &ims[i];
		for (size_t j = 0; j < im->nlayers; j++)
			if (sink_layer(k, blob_name(im->layers[j].digest, path, sizeof(path)),
				       &im->layers[j], err) < 0)
				return -1;
		if (sink_bytes(k, blob_name(im->config_digest, path, sizeof(path)), im->config,
			       strlen(im->config), err) < 0 ||
		    sink_bytes(k, blob_name(im->manifest_digest, path, sizeof(path)), im->manifest,
			       strlen(im->manifest), err) < 0)
			return -1;
		for (size_t j = 0; j < (im->names[0] ? strv_len(im->names) : 1); j++) {
			struct json_object *d = descriptor(im->manifest_type, im->manifest_digest,
							   (int64_t)strlen(im->manifest));
			if (im->names[j] != NULL) {
				struct json_object *ann = json_object_new_object();
				jset_str(ann, "org.opencontainers.image.ref.name", im->names[j]);
				jset(d, "annotations", ann);
			}
			json_object_array_add(ms, d);
		}
	}
	jset(index, "schemaVersion", json_object_new_int(2));
	jset(index, "manifests", ms);
	const char *text = json_object_to_json_string_ext(
	    index, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	return sink_bytes(k, "index.json", text, strlen(text), err);
}

/* docker-archive: <config hex>.json, <diff_id hex>.tar, manifest.json and
 * repositories, as docker save and podman save write them. */
static int write_docker(struct sink *k, struct save_image *ims, size_t n, struct werr *err)
{
	cleanup_json struct json_object *man = json_object_new_array();
	cleanup_json struct json_object *repos = json_object_new_object();
	char path[96];
	const char *text;

	for (size_t i = 0; i < n; i++) {
		struct save_image *im = &ims[i];
		struct json_object *e = json_object_new_object(), *ls = json_object_new_array();
		json_object_array_add(man, e);
		snprintf(path, sizeof(path), "%s.json", digest_hex(im->config_digest));
		jset_str(e, "Config", path);
		jset(e, "RepoTags", jnew_strv(im->names));
		if (sink_bytes(k, path, im->config, strlen(im->config), err) < 0)
			return -1;
		for (size_t j = 0; j < im->nlayers; j++) {
			snprintf(path, sizeof(path), "%s.tar", digest_hex(im->layers[j].diff_id));
			json_object_array_add(ls, json_object_new_string(path));
			if (sink_layer(k, path, &im->layers[j], err) < 0)
				return -1;
		}
		jset(e, "Layers", ls);
		for (char **nm = im->names; im->nlayers > 0 && *nm; nm++) {
			const char *colon = strrchr(*nm, ':');
			cleanup_free char *repo = xstrndup(*nm, (size_t)(colon - *nm));
			struct json_object *tags = jget(repos, repo);
			if (tags == NULL) {
				tags = json_object_new_object();
				jset(repos, repo, tags);
			}
			jset_str(tags, colon + 1, digest_hex(im->layers[im->nlayers - 1].diff_id));
		}
	}
	text = json_object_to_json_string_ext(man, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE);
	if (sink_bytes(k, "manifest.json", text, strlen(text), err) < 0)
		return -1;
	text = json_object_to_json_string_ext(repos, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE);
	return sink_bytes(k, "repositories", text, strlen(text), err);
}

/* ---- the destination ---- */

/* A temp name beside path ("<dir>/.<base>.tmp-<random>"), malloc'd. */
static char *tmp_beside(const char *path)
{
	const char *slash = strrchr(path, '/');
	char rnd[17];

	random_hex(rnd, 16);
	rnd[16] = '\0';
	if (slash == NULL)
		return xasprintf(".%s.tmp-%s", path, rnd);
	return xasprintf("%.*s/.%s.tmp-%s", (int)(slash - path), path, slash + 1, rnd);
}

static int write_images(struct sink *k, enum save_format fmt, struct save_image *ims, size_t n,
			struct werr *err)
{
	return fmt == SAVE_DOCKER_ARCHIVE ? write_docker(k, ims, n, err)
					  : write_oci(k, ims, n, err);
}

/* An archive into fd. */
static int write_archive(int fd, enum save_format fmt, struct save_image *ims, size_t n,
			 struct werr *err)
{
	struct sink k = {.a = archive_write_new(), .dfd = -1};
	int rc;

	archive_write_set_format_pax_restricted(k.a);
	rc = archive_write_open_fd(k.a, fd) == ARCHIVE_OK ? 0 : -1;
	if (rc < 0)
		werr_set(err, 0, "write archive: %s", archive_error_string(k.a));
	if (rc == 0)
		rc = write_images(&k, fmt, ims, n, err);
	if (archive_write_close(k.a) != ARCHIVE_OK && rc == 0)
		rc = werr_set(err, archive_errno(k.a) > 0 ? archive_errno(k.a) : 0,
			      "write archive: %s", archive_error_string(k.a));
	archive_write_free(k.a);
	strv_free(k.written);
	return rc;
}

/* An archive into path: a temp file beside it, renamed over it. */
static int save_archive_file(const char *path, enum save_format fmt, struct save_image *ims,
			     size_t n, struct werr *err)
{
	cleanup_free char *tmp = tmp_beside(path);
	cleanup_close int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	int rc;

	if (fd < 0)
		return werr_set(err, errno, "create '%s'", path);
	rc = write_archive(fd, fmt, ims, n, err);
	if (rc == 0 && close(steal_fd(&fd)) < 0)
		rc = werr_set(err, errno, "write '%s'", path);
	if (rc == 0 && rename(tmp, path) < 0)
		rc = werr_set(err, errno, "rename to '%s'", path);
	if (rc < 0)
		unlink(tmp);
	return rc;
}

/* oci-dir: a temp dir beside path, renamed to it (an empty dir there is
 * replaced, a non-empty one is an error). */
static int save_dir(const char *path, struct save_image *ims, size_t n, struct werr *err)
{
	cleanup_free char *tmp = tmp_beside(path);
	struct sink k = {.dfd = -1};
	int rc = -1;

	if (mkdir(tmp, 0755) < 0)
		return werr_set(err, errno, "create '%s'", path);
	k.dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (k.dfd < 0)
		werr_set(err, errno, "open '%s'", tmp);
	else
		rc = write_oci(&k, ims, n, err);
	if (rc == 0 && rename(tmp, path) < 0)
		rc = werr_set(err, errno == ENOTEMPTY || errno == EEXIST ? 0 : errno,
			      "'%s' exists and is not empty", path);
	if (rc < 0)
		rm_rf_at(AT_FDCWD, tmp, NULL);
	if (k.dfd >= 0)
		close(k.dfd);
	strv_free(k.written);
	return rc;
}

/* ---- the images ---- */

/* Looks up ref into im; the name written is the one it was found by. */
static int find_image(struct engine *e, const char *ref, struct save_image *im, struct werr *err)
{
	char *matched = NULL;
	int rc = image_lookup_name(e, ref, &im->rec, &matched, err);

	if (rc < 0)
		return -1;
	if (rc == 0)
		return werr_set(err, 0, "%s: image not known", ref);
	im->names = xcalloc(1, sizeof(char *));
	if (matched != NULL)
		im->names = strv_append(im->names, matched);
	free(matched);
	return 0;
}

/* Extra names of a single-image docker-archive (`save IMAGE NAME...`, as
 * Podman takes them): normalized, not looked up. */
static int add_tags(struct save_image *im, char *const *tags, struct werr *err)
{
	for (size_t i = 0; tags && tags[i]; i++) {
		cleanup_free char *name = image_local_name(tags[i], err);
		if (name == NULL)
			return werr_wrap(err, "tag '%s'", tags[i]);
		if (!strv_contains(im->names, name))
			im->names = strv_append(im->names, name);
	}
	return 0;
}

/* Saves images; see image.h. */
int image_save(struct engine *e, char *const *refs, const struct save_opts *o, struct werr *err)
{
	size_t n = o->multi ? strv_len(refs) : 1;
	struct save_image *ims;
	int rc = 0;

	if (strv_len(refs) == 0)
		return werr_set(err, 0, "need at least 1 argument");
	if (o->path != NULL && strchr(o->path, ':') != NULL)
		return werr_set(err, 0, "invalid filename (should not contain ':') \"%s\"",
				o->path);
	if (o->format == SAVE_OCI_DIR && o->path == NULL)
		return werr_set(err, 0, "oci-dir needs a directory: use -o DIR");
	if (engine_store(e, err) == NULL)
		return -1;
	ims = xcalloc(n, sizeof(*ims));
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = find_image(e, refs[i], &ims[i], err);
	if (rc == 0 && !o->multi && o->format == SAVE_DOCKER_ARCHIVE)
		rc = add_tags(&ims[0], refs + 1, err);
	if (rc == 0 && o->name != NULL) {
		strv_free(ims[0].names);
		ims[0].names = strv_append(NULL, o->name);
	}
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = prepare_image(e, &ims[i], o->format, err);
	if (rc == 0 && o->format == SAVE_OCI_DIR)
		rc = save_dir(o->path, ims, n, err);
	else if (rc == 0 && o->path != NULL)
		rc = save_archive_file(o->path, o->format, ims, n, err);
	else if (rc == 0)
		rc = write_archive(o->out_fd, o->format, ims, n, err);
	for (size_t i = 0; i < n; i++)
		save_image_free(&ims[i]);
	free(ims);
	return rc;
}

/* Static linking: libarchive's tar writers report an entry of a type they
 * cannot store through this function, which lives in the one object file
 * that also names every other writer, xar's among them; pulling it in needs
 * libxml2, which warren neither links nor wants at start-up (see the
 * Makefile's STATIC_UNUSED). Defining it here keeps that object out. Same
 * behaviour as libarchive's: the entry fails with an error. */
void __archive_write_entry_filetype_unsupported(struct archive *a, struct archive_entry *entry,
						const char *format);
void __archive_write_entry_filetype_unsupported(struct archive *a, struct archive_entry *entry,
						const char *format)
{
	archive_set_error(a, EINVAL, "'%s': this file type cannot be stored in a %s archive",
			  archive_entry_pathname(entry), format);
}
