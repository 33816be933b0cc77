/* ctr_sqsh.c - single-file images: export, run, load; see ctr_sqsh.h. */
#include "runtime/ctr_sqsh.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "storage/driver.h"
#include "storage/layertar.h"
#include "storage/pool.h"
#include "storage/sqsh.h"

char *ctr_sqsh_dir(const char *ctr_dir)
{
	return xasprintf("%s/" SQSH_MOUNT_DIR, ctr_dir);
}

/* The sqsh config's two parts: "config" (as JSON text, *config) and
 * "names". text NULL (no config in the file): both NULL. */
static int parse_sqsh_config(const char *text, char **config, char ***names, struct werr *err)
{
	cleanup_json struct json_object *root = NULL;
	struct json_object *cfg;

	*config = NULL;
	if (names)
		*names = NULL;
	if (text == NULL)
		return 0;
	root = json_tokener_parse(text);
	if (root == NULL || !json_object_is_type(root, json_type_object))
		return werr_set(err, 0, "'/%s' in the image is not a JSON object",
				SQSH_CONFIG_PATH);
	cfg = jget(root, "config");
	if (cfg == NULL || !json_object_is_type(cfg, json_type_object))
		return werr_set(err, 0, "'/%s' in the image has no \"config\" object",
				SQSH_CONFIG_PATH);
	*config = xstrdup(json_object_to_json_string_ext(cfg, JSON_C_TO_STRING_PLAIN));
	if (names)
		*names = jstrv(jget(root, "names"));
	return 0;
}

void ctr_sqsh_discard(const char *ctr_dir)
{
	cleanup_free char *mnt = ctr_sqsh_dir(ctr_dir);
	struct werr ignore = {0};

	sqsh_umount(mnt, &ignore);
	rm_rf_at(AT_FDCWD, ctr_dir, &ignore);
}

/* Rootless: squashfs files are mounted once per user (storage/sqsh.h);
 * as root every container mounts its own, which leaves no mount on the
 * host when it goes. */
static bool shared(struct engine *e)
{
	return e->in_userns;
}

static char *shared_dir(struct engine *e)
{
	return xasprintf("%s/sqsh", e->runroot);
}

/* A shared mount not used for this long is unmounted by the next run of
 * any .sqsh: its squashfuse then exits (with the last container on it). */
#define SQSH_IDLE_S 600

/* The pool's name for the rootfs over the shared mount with this key. */
#define POOL_LAYERS(key) ((char *const[]){"sqsh", (char *)(key), NULL})

void ctr_sqsh_reap(struct engine *e, bool all)
{
	cleanup_free char *dir = shared_dir(e);
	cleanup_strv char **keys = sqsh_shared_idle(dir, all ? 0 : SQSH_IDLE_S);

	for (size_t i = 0; keys && keys[i]; i++) {
		rootfs_pool_drain(e, POOL_LAYERS(keys[i]));
		sqsh_shared_drop(dir, keys[i]);
	}
}

/* Mounts file as the shared mount, *lower its path. */
static int mount_shared(struct engine *e, const char *file, char **lower, struct werr *err)
{
	cleanup_free char *dir = shared_dir(e);
	char key[SQSH_KEY_LEN + 1];
	bool fresh;

	if (sqsh_key(file, key, err) < 0 || sqsh_mount_shared(dir, file, key, &fresh, err) < 0)
		return -1;
	/* rootfs pooled over an earlier mount of that key (its squashfuse
	 * died) would not read */
	if (fresh) {
		rootfs_pool_drain(e, POOL_LAYERS(key));
		ctr_sqsh_reap(e, false);
	}
	*lower = xasprintf("%s/%s", dir, key);
	return 0;
}

int ctr_sqsh_prepare(struct engine *e, const char *file, const char *ctr_dir, char **lower,
		     struct image_config *cfg, struct werr *err)
{
	cleanup_free char *mnt = NULL;
	cleanup_free char *text = NULL, *config = NULL;

	if (shared(e)) {
		if (mount_shared(e, file, &mnt, err) < 0)
			return werr_wrap(err, "'%s'", file);
	} else {
		mnt = ctr_sqsh_dir(ctr_dir);
		if (mkdir_p(ctr_dir, 0700, err) < 0)
			return -1;
		if (sqsh_mount(file, mnt, err) < 0) {
			ctr_sqsh_discard(ctr_dir);
			return werr_wrap(err, "'%s'", file);
		}
	}
	if (sqsh_read_config(mnt, &text, err) < 0 ||
	    parse_sqsh_config(text, &config, NULL, err) < 0 ||
	    (config != NULL && image_config_parse(config, cfg, err) < 0)) {
		ctr_sqsh_discard(ctr_dir);
		return werr_wrap(err, "'%s'", file);
	}
	*lower = steal_pointer(&mnt);
	return 0;
}

int ctr_sqsh_link(struct engine *e, const char *lower, const char *ctr_dir, struct werr *err)
{
	cleanup_free char *link = ctr_sqsh_dir(ctr_dir);

	if (!shared(e))
		return 0;
	if (mkdir_p(ctr_dir, 0700, err) < 0)
		return -1;
	if (unlink(link) < 0 && errno != ENOENT)
		return werr_set(err, errno, "remove '%s'", link);
	if (symlink(lower, link) < 0)
		return werr_set(err, errno, "symlink '%s'", link);
	return 0;
}

/* The key of the shared mount that ctr_dir's link names, in key. */
static bool linked_key(struct engine *e, const char *ctr_dir, char key[SQSH_KEY_LEN + 1])
{
	cleanup_free char *link = ctr_sqsh_dir(ctr_dir);
	cleanup_free char *dir = shared_dir(e);
	char target[4096];
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	size_t len = strlen(dir);

	if (n < 0)
		return false;
	target[n] = '\0';
	if (strncmp(target, dir, len) != 0 || target[len] != '/' ||
	    strlen(target + len + 1) != SQSH_KEY_LEN)
		return false;
	memcpy(key, target + len + 1, SQSH_KEY_LEN + 1);
	return true;
}

bool ctr_sqsh_pool_take(struct engine *e, enum storage_driver d, const char *lower,
			const char *ctr_dir)
{
	const char *key = strrchr(lower, '/');

	return shared(e) && key != NULL && rootfs_pool_take(e, d, POOL_LAYERS(key + 1), ctr_dir);
}

bool ctr_sqsh_pool_put(struct engine *e, enum storage_driver d, const char *ctr_dir)
{
	char key[SQSH_KEY_LEN + 1];

	return shared(e) && linked_key(e, ctr_dir, key) &&
	       rootfs_pool_put(e, d, POOL_LAYERS(key), ctr_dir);
}

int ctr_sqsh_remount(struct engine *e, const char *file, const char *ctr_dir, char **lower,
		     struct werr *err)
{
	if (!shared(e)) {
		*lower = ctr_sqsh_dir(ctr_dir);
		if (sqsh_mount(file, *lower, err) < 0) {
			free(steal_pointer(lower));
			return -1;
		}
		return 0;
	}
	if (mount_shared(e, file, lower, err) < 0)
		return -1;
	if (ctr_sqsh_link(e, *lower, ctr_dir, err) < 0) {
		free(steal_pointer(lower));
		return -1;
	}
	return 0;
}

/* dir/.warren/image.json with the image's names and config; a .warren
 * that the image has (even a symlink) is replaced, never followed. */
static int write_config(const char *merged, const struct image_rec *img, struct werr *err)
{
	cleanup_json struct json_object *root = json_object_new_object();
	cleanup_close int dfd = open(merged, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int cfd = -1;
	const char *text;

	if (dfd < 0)
		return werr_set(err, errno, "open '%s'", merged);
	if (rm_rf_at(dfd, SQSH_CONFIG_DIR, err) < 0)
		return -1;
	if (mkdirat(dfd, SQSH_CONFIG_DIR, 0755) < 0)
		return werr_set(err, errno, "mkdir '/%s'", SQSH_CONFIG_DIR);
	cfd = openat(dfd, SQSH_CONFIG_DIR, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (cfd < 0)
		return werr_set(err, errno, "open '/%s'", SQSH_CONFIG_DIR);
	json_object_object_add(root, "names", jnew_strv(img->names));
	json_object_object_add(root, "config", jparse(img->config, "image config", err));
	if (jget(root, "config") == NULL)
		return -1;
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
							JSON_C_TO_STRING_NOSLASHESCAPE);
	return write_file_at(cfd, strrchr(SQSH_CONFIG_PATH, '/') + 1, text, strlen(text), 0644,
			     err);
}

/* A work dir under <root> for export and load (malloc'd), or NULL. */
static char *work_dir(struct engine *e, struct werr *err)
{
	cleanup_free char *parent = xasprintf("%s/sqsh-tmp", e->root);
	char *dir;

	if (mkdir_p(parent, 0700, err) < 0)
		return NULL;
	dir = xasprintf("%s/XXXXXX", parent);
	if (mkdtemp(dir) == NULL) {
		werr_set(err, errno, "mkdtemp in '%s'", parent);
		free(dir);
		return NULL;
	}
	return dir;
}

int image_export_squashfs(struct engine *e, const char *ref, const char *out, struct werr *err)
{
	struct image_rec img = {0};
	enum storage_driver d;
	cleanup_free char *dir = NULL, *merged = NULL;
	struct werr ignore = {0};
	int r;

	if (engine_store(e, err) == NULL)
		return -1;
	r = image_lookup(e, ref, &img, err);
	if (r <= 0) {
		if (r == 0)
			werr_set(err, 0, "%s: image not known", ref);
		return -1;
	}
	if (img.list || img.config == NULL) {
		image_rec_free(&img);
		return werr_set(err, 0, "%s is a manifest list: export one of its images", ref);
	}
	if (driver_choose(e, &d, err) < 0 || (dir = work_dir(e, err)) == NULL) {
		image_rec_free(&img);
		return -1;
	}
	merged = xasprintf("%s/merged", dir);
	r = rootfs_mount(e, d, dir, img.layers, true, err);
	if (r == 0)
		r = write_config(merged, &img, err);
	if (r == 0)
		r = sqsh_make(merged, out, err);
	rootfs_umount(e, d, dir, &ignore);
	rm_rf_at(AT_FDCWD, dir, &ignore);
	image_rec_free(&img);
	return r;
}

int image_load_squashfs(struct engine *e, const char *path, char ***names, struct werr *err)
{
	cleanup_free char *dir = NULL, *mnt = NULL, *text = NULL, *config = NULL;
	cleanup_strv char **want = NULL;
	cleanup_close int tar = -1, mfd = -1;
	struct werr ignore = {0};
	char id[DIGEST_HEX_LEN + 1];
	int r = -1;

	if (engine_store(e, err) == NULL || (dir = work_dir(e, err)) == NULL)
		return -1;
	mnt = ctr_sqsh_dir(dir);
	if (sqsh_mount(path, mnt, err) < 0 || sqsh_read_config(mnt, &text, err) < 0 ||
	    parse_sqsh_config(text, &config, &want, err) < 0)
		goto out;
	if (config == NULL) {
		werr_set(err, 0, "no image config in it ('/%s'): not made by image export",
			 SQSH_CONFIG_PATH);
		goto out;
	}
	for (size_t i = 0; want && want[i]; i++) { /* the file's names are untrusted */
		char *n = image_local_name(want[i], err);
		if (n == NULL) {
			werr_wrap(err, "a name in '/%s'", SQSH_CONFIG_PATH);
			goto out;
		}
		free(want[i]);
		want[i] = n;
	}
	mfd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mfd < 0) {
		werr_set(err, errno, "open '%s'", mnt);
		goto out;
	}
	if ((tar = image_tmp_file(e, err)) < 0 ||
	    layer_tar_dir_skip(mfd, SQSH_CONFIG_DIR, tar, err) < 0)
		goto out;
	if (lseek(tar, 0, SEEK_SET) < 0) {
		werr_set(err, errno, "seek");
		goto out;
	}
	r = image_import_fd(e, tar, config, "warren load (squashfs)", want, id, err);
	if (r == 0) {
		char **v = strv_copy(want);
		if (v == NULL || v[0] == NULL) {
			cleanup_free char *one = xasprintf("sha256:%s", id);
			v = strv_append(v, one);
		}
		*names = v;
	}
out:
	close(steal_fd(&mfd));
	sqsh_umount(mnt, &ignore);
	rm_rf_at(AT_FDCWD, dir, &ignore);
	return r;
}
