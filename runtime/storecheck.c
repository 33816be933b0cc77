/* storecheck.c - the store side of `system check` (see storecheck.h): the
 * database, the layers images name, leftovers of killed commands,
 * containers whose process is gone, and mounts nothing uses. Each check
 * reads only; with c->repair it then fixes what it can without losing an
 * image or a container that is still whole, and says what it removed. */
#include "runtime/storecheck.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/image.h"
#include "lib/cleanup.h"
#include "lib/digest.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/ctrlock.h"
#include "storage/blobs.h"
#include "storage/layer.h"
#include "storage/storecheck.h"

/* "a, b, c" of the first few of v, "and N more" after them. */
static char *few(char *const *v)
{
	size_t n = strv_len(v), shown = n < 3 ? n : 3;
	char *s = xstrdup("");

	for (size_t i = 0; i < shown; i++) {
		char *t = xasprintf("%s%s%s", s, i ? ", " : "", v[i]);
		free(s);
		s = t;
	}
	if (n > shown) {
		char *t = xasprintf("%s and %zu more", s, n - shown);
		free(s);
		s = t;
	}
	return s;
}

static void check_database(struct checks *c)
{
	struct check_result *r = check_add(c, "store database");
	cleanup_free char *problem = NULL;
	struct werr err = {0};
	int rc = store_quick_check(c->e->store, &problem, &err);

	if (rc < 0) {
		check_set(r, CHECK_FAIL, "cannot check %s/warren.db: %s", c->e->root, err.msg);
	} else if (rc > 0) {
		check_set(r, CHECK_FAIL, "%s/warren.db is damaged: %s", c->e->root,
			  problem ? problem : "?");
		check_fix(r,
			  "copy out what you need ('warren save', 'warren export'), then 'warren "
			  "system reset'");
	} else {
		check_set(r, CHECK_OK, "%s/warren.db is consistent", c->e->root);
	}
}

/* ---- images and their layers ---- */

static bool layer_dir_present(int lfd, const char *diff_id)
{
	struct stat st;

	return fstatat(lfd, digest_hex(diff_id), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(st.st_mode);
}

/* An image committed from one of a read-only store's images keeps
 * using that store's layers below its own. */
static bool in_ro_store(struct engine *e, const char *diff_id)
{
	cleanup_free char *p = digest_valid(diff_id) ? layer_ro_path(e, diff_id, NULL) : NULL;

	return p != NULL;
}

/* Images a layer dir of which is missing: "ID (name)" in *bad and their
 * ids in *ids; every layer any image names in *used. */
static int scan_images(struct checks *c, int lfd, char ***bad, char ***ids, char ***used)
{
	struct image_rec *v = NULL;
	size_t n = 0;
	struct werr err = {0};

	if (store_image_list(c->e->store, &v, &n, &err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *missing = NULL;
		/* a read-only store's images are its owner's to check */
		if (v[i].ro_store != NULL)
			continue;
		for (char **l = v[i].layers; l && *l; l++) {
			if (!strv_contains(*used, *l))
				*used = strv_append(*used, *l);
			if (missing == NULL && !layer_dir_present(lfd, *l) &&
			    !in_ro_store(c->e, *l))
				missing = *l;
		}
		if (missing != NULL) {
			cleanup_free char *what = xasprintf(
			    "%.12s (%s, layer %.19s)", v[i].id,
			    v[i].names && v[i].names[0] ? v[i].names[0] : "<none>", missing);
			*bad = strv_append(*bad, what);
			*ids = strv_append(*ids, v[i].id);
		}
	}
	image_recs_free(v, n);
	return 0;
}

/* Removes the damaged images no container uses; the rest stay. */
static void repair_images(struct checks *c, struct check_result *r, char *const *ids)
{
	cleanup_strv char **removed = NULL, **kept = NULL;
	cleanup_free char *rm = NULL, *kp = NULL;

	for (size_t i = 0; ids[i]; i++) {
		struct werr err = {0};
		cleanup_free char *short_id = xasprintf("%.12s", ids[i]);
		if (store_image_users(c->e->store, ids[i], &err) > 0)
			kept = strv_append(kept, short_id);
		else if (image_delete(c->e, ids[i], &err) == 0)
			removed = strv_append(removed, short_id);
		else
			kept = strv_append(kept, short_id);
	}
	rm = few(removed);
	kp = few(kept);
	check_set(r, kept ? CHECK_FAIL : CHECK_OK, "repaired: removed %s%s%s%s",
		  removed ? rm : "nothing", kept ? "; kept " : "", kept ? kp : "",
		  kept ? " (containers use them: remove those first)" : "");
	free(r->fix);
	r->fix = kept ? xstrdup("remove their containers, then 'warren system check --repair' "
				"again, and pull or load the images anew")
		      : NULL;
}

/* Layer dirs no record names (a killed load's), recorded layers no image
 * names, and temp dirs of killed commands. */
static void scan_layer_dirs(struct checks *c, int lfd, char *const *used, char ***orphans,
			    int *tmps)
{
	cleanup_strv char **recorded = NULL;
	struct werr err = {0};
	int dfd = dup(lfd);
	cleanup_dir DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
	struct dirent *de;

	if (d == NULL) {
		if (dfd >= 0)
			close(dfd);
		return;
	}
	store_layer_ids(c->e->store, &recorded, &err);
	while ((de = readdir(d)) != NULL) {
		cleanup_free char *id = NULL;
		if (str_has_prefix(de->d_name, ".tmp-")) {
			(*tmps)++;
			continue;
		}
		if (strlen(de->d_name) != DIGEST_HEX_LEN || !str_is_hex(de->d_name, DIGEST_HEX_LEN))
			continue; /* mp-*: mount-point layers, made again when needed */
		id = xasprintf("sha256:%s", de->d_name);
		if (!strv_contains(used, id))
			*orphans = strv_append(*orphans, id);
	}
	/* records of layers no image names whose dir is gone: just records */
	for (size_t i = 0; recorded && recorded[i]; i++)
		if (!strv_contains(used, recorded[i]) && !layer_dir_present(lfd, recorded[i]) &&
		    c->repair)
			store_layer_forget(c->e->store, recorded[i], &err);
}

static void check_layers(struct checks *c)
{
	struct check_result *ri = check_add(c, "image layers"), *rl = check_add(c, "unused layers");
	cleanup_free char *ldir = xasprintf("%s/layers", c->e->root);
	cleanup_close int lfd = open(ldir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_strv char **bad = NULL, **ids = NULL, **used = NULL, **orphans = NULL;
	cleanup_free char *list = NULL;
	int tmps = 0;

	if (lfd < 0 && errno == ENOENT) {
		check_set(ri, CHECK_OK, "no layers yet");
		check_set(rl, CHECK_OK, "no layers yet");
		return;
	}
	if (lfd < 0 || scan_images(c, lfd, &bad, &ids, &used) < 0) {
		check_set(ri, CHECK_FAIL, "cannot read %s or the image records", ldir);
		check_set(rl, CHECK_WARN, "not checked");
		return;
	}
	list = few(bad);
	if (bad == NULL) {
		check_set(ri, CHECK_OK, "every layer of every image is present");
	} else {
		check_set(ri, CHECK_FAIL, "%zu image(s) lack a layer: %s", strv_len(bad), list);
		check_fix(ri,
			  "'warren system check --repair' removes them (pull or load them again)");
		if (c->repair)
			repair_images(c, ri, ids);
	}
	scan_layer_dirs(c, lfd, used, &orphans, &tmps);
	if (orphans == NULL && tmps == 0) {
		check_set(rl, CHECK_OK, "no layer dir without an image, no temp dirs");
		return;
	}
	check_set(rl, CHECK_WARN,
		  "%zu layer dir(s) no image uses, %d temp dir(s) of killed commands",
		  strv_len(orphans), tmps);
	check_fix(rl, "'warren system check --repair' removes them");
	if (c->repair) {
		struct werr err = {0};
		int lock = image_layers_lock(c->e, true, &err); /* collects killed loads' */
		size_t gone = 0;
		for (size_t i = 0; orphans && orphans[i]; i++)
			if (layer_remove(c->e, orphans[i], &err) == 0) {
				store_layer_forget(c->e->store, orphans[i], &err);
				gone++;
			}
		layer_gc_tmp(c->e);
		blob_gc_tmp(c->e);
		if (lock >= 0)
			close(lock);
		check_set(rl, CHECK_OK,
			  "repaired: removed %zu layer dir(s) and the temp dirs no "
			  "command holds",
			  gone);
		free(rl->fix);
		rl->fix = NULL;
	}
}

/* ---- containers, their dirs and mounts ---- */

static void check_containers(struct checks *c)
{
	struct check_result *r = check_add(c, "containers");
	struct container_rec *v = NULL, *w = NULL;
	size_t n = 0, nw = 0;
	cleanup_strv char **dead = NULL;
	cleanup_free char *list = NULL;
	struct werr err = {0};

	if (store_container_list(c->e->store, &v, &n, &err) < 0) {
		check_set(r, CHECK_FAIL, "cannot read the container records: %s", err.msg);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct ctrlock_info info;
		int fd = -1;
		/* the lock file says what runs (the record may be older) */
		int st = ctrlock_try(c->e->runroot, v[i].id, false, &fd, &info, &err);
		if (fd >= 0)
			close(fd); /* a stale lock stays as it was: only a repair settles it */
		if (st == CTRLOCK_STALE || (st == CTRLOCK_NONE && v[i].state == CTR_RUNNING &&
					    !proc_alive(v[i].pid, v[i].pid_start)))
			dead = strv_append(dead, v[i].name);
	}
	container_recs_free(v, n);
	list = few(dead);
	if (dead == NULL) {
		check_set(r, CHECK_OK, "every container recorded as running runs");
		return;
	}
	check_set(r, CHECK_WARN, "%zu container(s) recorded as running have no process: %s",
		  strv_len(dead), list);
	check_fix(r, "'warren system check --repair' (or 'warren ps -a') records them as exited");
	/* listing settles each container whose owner is gone */
	if (c->repair && container_list(c->e, true, &w, &nw, &err) == 0) {
		container_recs_free(w, nw);
		check_set(r, CHECK_OK, "repaired: recorded %s as exited", list);
		free(r->fix);
		r->fix = NULL;
	}
}

/* Mount points under the store (the pool's aside: kept on purpose) that
 * belong to no running container, as this mount namespace sees them. */
static char **stray_mounts(struct checks *c)
{
	cleanup_file FILE *f = fopen("/proc/self/mountinfo", "re");
	cleanup_free char *pre = xasprintf("%s/", c->e->root);
	cleanup_free char *pool = xasprintf("%s/pool/", c->e->root);
	cleanup_free char *ctrs = xasprintf("%s/containers/", c->e->root);
	char line[4096], mp[PATH_MAX];
	char **out = NULL;

	while (f && fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1 || !str_has_prefix(mp, pre) ||
		    str_has_prefix(mp, pool))
			continue;
		if (str_has_prefix(mp, ctrs)) {
			char id[DIGEST_HEX_LEN + 1];
			struct container_rec rec = {0};
			struct werr err = {0};
			snprintf(id, sizeof(id), "%.*s", DIGEST_HEX_LEN, mp + strlen(ctrs));
			bool live = store_container_get(c->e->store, id, &rec, &err) > 0 &&
				    (rec.state == CTR_RUNNING || rec.state == CTR_CREATED);
			container_rec_free(&rec);
			if (live)
				continue;
		}
		if (!strv_contains(out, mp))
			out = strv_append(out, mp);
	}
	return out;
}

/* Dirs of <root>/containers that no record names and no command holds. */
static char **stray_dirs(struct checks *c)
{
	cleanup_free char *dir = xasprintf("%s/containers", c->e->root);
	cleanup_dir DIR *d = opendir(dir);
	struct dirent *de;
	char **out = NULL;

	while (d != NULL && (de = readdir(d)) != NULL) {
		struct container_rec rec = {0};
		struct ctrlock_info info;
		struct werr err = {0};
		int fd = -1, st;
		if (strlen(de->d_name) != DIGEST_HEX_LEN || !str_is_hex(de->d_name, DIGEST_HEX_LEN))
			continue;
		if (store_container_get(c->e->store, de->d_name, &rec, &err) != 0) {
			container_rec_free(&rec);
			continue;
		}
		st = ctrlock_try(c->e->runroot, de->d_name, false, &fd, &info, &err);
		if (fd >= 0)
			close(fd);
		if (st == CTRLOCK_OWNED)
			continue; /* being created right now */
		out = strv_append(out, de->d_name);
	}
	return out;
}

static void check_leftovers(struct checks *c)
{
	struct check_result *rm = check_add(c, "mounts"), *rd = check_add(c, "container dirs");
	cleanup_strv char **mounts = stray_mounts(c), **dirs = NULL;
	cleanup_free char *ml = few(mounts), *dl = NULL;
	size_t gone = 0;

	if (mounts == NULL) {
		check_set(rm, CHECK_OK, "no mount under the store that nothing uses");
	} else {
		check_set(rm, CHECK_WARN, "%zu mount(s) under the store that nothing uses: %s",
			  strv_len(mounts), ml);
		check_fix(rm, "'warren system check --repair' unmounts them");
		for (size_t i = 0; c->repair && mounts[i]; i++)
			gone += umount2(mounts[i], MNT_DETACH) == 0;
		if (c->repair) {
			check_set(rm, gone == strv_len(mounts) ? CHECK_OK : CHECK_WARN,
				  "repaired: unmounted %zu of %zu", gone, strv_len(mounts));
			free(rm->fix);
			rm->fix = NULL;
		}
	}
	dirs = stray_dirs(c);
	dl = few(dirs);
	if (dirs == NULL) {
		check_set(rd, CHECK_OK, "every container dir has its container");
		return;
	}
	check_set(rd, CHECK_WARN, "%zu container dir(s) without a container: %s", strv_len(dirs),
		  dl);
	check_fix(rd, "'warren system check --repair' removes them");
	if (c->repair) {
		cleanup_free char *top = xasprintf("%s/containers", c->e->root);
		cleanup_close int tfd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		gone = 0;
		for (size_t i = 0; tfd >= 0 && dirs[i]; i++) {
			cleanup_free char *merged = xasprintf("%s/%s/merged", top, dirs[i]);
			umount2(merged, MNT_DETACH);
			gone += rm_rf_at(tfd, dirs[i], NULL) == 0;
		}
		check_set(rd, gone == strv_len(dirs) ? CHECK_OK : CHECK_WARN,
			  "repaired: removed %zu of %zu", gone, strv_len(dirs));
		free(rd->fix);
		rd->fix = NULL;
	}
}

void storecheck_run(struct checks *c)
{
	check_database(c);
	check_layers(c);
	check_containers(c);
	check_leftovers(c);
}
