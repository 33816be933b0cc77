/* volumes_run.c - the volumes of a new container (see volumes.h): the
 * mount list resolved, volumes created on first use, the image's content
 * copied up, :U, and the Mounts inspect shows. */
#include "runtime/volumes.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/syscalls.h"
#include "lib/util.h"
#include "lib/walk.h"
#include "runtime/container.h"
#include "runtime/runopts.h"
#include "storage/driver.h"

void volumes_free(struct volume_spec *v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++)
		volume_spec_free(&v[i]);
	free(v);
}

static void spec_copy(struct volume_spec *d, const struct volume_spec *s)
{
	*d = *s;
	d->src = s->src ? xstrdup(s->src) : NULL;
	d->name = s->name ? xstrdup(s->name) : NULL;
	d->dst = xstrdup(s->dst);
	d->mode = s->mode ? xstrdup(s->mode) : NULL;
	d->propagation = s->propagation ? xstrdup(s->propagation) : NULL;
	d->opts = strv_copy(s->opts);
	d->vol_type = d->vol_device = d->vol_o = NULL;
}

/* Does a mount of o (-v, --mount, --tmpfs) take destination dst? */
static bool taken(const struct run_opts *o, const struct volume_spec *v, size_t n, const char *dst)
{
	struct run_opts probe = *o;

	probe.volumes = (struct volume_spec *)v;
	probe.nvolumes = n;
	return runopts_dest_conflict(&probe, dst) != NULL;
}

/* One Mounts entry of another container (--volumes-from) as a spec. */
static void from_mount(struct json_object *m, const char *mode, struct volume_spec *v)
{
	const char *type = jstr(m, "Type"), *prop = jstr(m, "Propagation");
	struct json_object *rw = jget(m, "RW");

	memset(v, 0, sizeof(*v));
	v->kind = type && strcmp(type, "volume") == 0 ? MOUNT_VOLUME : MOUNT_BIND;
	v->name = v->kind == MOUNT_VOLUME ? jstrdup(m, "Name") : NULL;
	v->src = v->kind == MOUNT_BIND ? jstrdup(m, "Source") : NULL;
	v->dst = jstrdup(m, "Destination");
	v->ro = mode ? strcmp(mode, "ro") == 0 : (rw != NULL && !json_object_get_boolean(rw));
	v->nocopy = true;
	if (prop != NULL && strcmp(prop, "rprivate") != 0) {
		v->propagation = xstrdup(prop);
		v->opts = strv_append(v->opts, prop);
	}
	v->opts = strv_append(v->opts, v->ro ? "ro" : "rw");
}

/* The mounts of --volumes-from CTR[:ro|rw] appended to *v. */
static int add_volumes_from(struct engine *e, const struct run_opts *o, const char *spec,
			    struct volume_spec **v, size_t *n, struct werr *err)
{
	cleanup_free char *ref = xstrndup(spec, strcspn(spec, ":"));
	const char *colon = strchr(spec, ':');
	const char *mode = colon && strstr(colon, "ro")	  ? "ro"
			   : colon && strstr(colon, "rw") ? "rw"
							  : NULL;
	struct container_rec c = {0};
	cleanup_json struct json_object *cfg = NULL;
	struct json_object *mounts;
	int r = store_container_get(e->store, ref, &c, err);

	if (r <= 0) {
		if (r == 0)
			container_not_found(ref, err);
		return werr_status(err, 125);
	}
	cfg = c.config ? json_tokener_parse(c.config) : NULL;
	container_rec_free(&c);
	mounts = jget(cfg, "Mounts");
	for (size_t i = 0; i < jlen(mounts); i++) {
		struct json_object *m = json_object_array_get_idx(mounts, i);
		const char *dst = jstr(m, "Destination");
		if (dst == NULL || taken(o, *v, *n, dst))
			continue; /* the user's own mount there wins */
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		from_mount(m, mode, &(*v)[*n]);
		(*n)++;
	}
	return 0;
}

/* The options of volume name's record ("type", "device", "o"). */
static int typed_options(struct engine *e, struct volume_spec *v, struct werr *err)
{
	struct volume_rec r = {0};
	cleanup_json struct json_object *opts = NULL;
	int rc = store_volume_get(e->store, v->name, &r, err);

	if (rc <= 0)
		return rc;
	opts = r.options ? json_tokener_parse(r.options) : NULL;
	volume_rec_free(&r);
	if (jstr(opts, "type") == NULL || jstr(opts, "type")[0] == '\0')
		return 0;
	v->vol_type = jstrdup(opts, "type");
	v->vol_device = jstrdup(opts, "device");
	v->vol_o = jstrdup(opts, "o");
	/* type=none,o=bind,device=DIR: a bind of DIR */
	if (strcmp(v->vol_type, "none") == 0 && v->vol_o && strstr(v->vol_o, "bind")) {
		free(v->vol_type);
		v->vol_type = xstrdup("bind");
		free(v->vol_o);
		v->vol_o = xstrdup("rbind");
	}
	return 0;
}

/* Sources: a volume's data dir (a name made up for an anonymous one);
 * a bind's host path must exist (Podman's words). */
static int resolve_source(struct engine *e, struct volume_spec *v, struct werr *err)
{
	struct stat st;

	if (v->kind == MOUNT_VOLUME) {
		if (v->name == NULL) {
			char hex[65];
			random_hex(hex, 64);
			v->name = xstrdup(hex);
			v->anonymous = true;
		}
		free(v->src);
		v->src = volume_data_path(e, v->name);
		return typed_options(e, v, err);
	}
	if (stat(v->src, &st) < 0) {
		werr_set(err, errno == ENOENT ? 0 : errno, "statfs %s%s", v->src,
			 errno == ENOENT ? ": no such file or directory" : "");
		return werr_status(err, 125);
	}
	return 0;
}

int volumes_resolve(struct engine *e, const struct run_opts *o, struct volume_spec **out, size_t *n,
		    struct werr *err)
{
	struct volume_spec *v = xcalloc(o->nvolumes + 1, sizeof(*v));
	size_t k = 0;

	for (; k < o->nvolumes; k++)
		spec_copy(&v[k], &o->volumes[k]);
	for (size_t i = 0; o->volumes_from && o->volumes_from[i]; i++)
		if (add_volumes_from(e, o, o->volumes_from[i], &v, &k, err) < 0)
			goto fail;
	for (size_t i = 0; i < k; i++)
		if (resolve_source(e, &v[i], err) < 0)
			goto fail;
	*out = v;
	*n = k;
	return 0;
fail:
	volumes_free(v, k);
	return -1;
}

int volumes_add_image(struct engine *e, struct run_opts *o, const char *config_json, char ***tmpfs,
		      struct werr *err)
{
	cleanup_json struct json_object *root = NULL;
	struct json_object *vols;
	const char *mode = o->image_volume ? o->image_volume : "bind";

	*tmpfs = NULL;
	if (strcmp(mode, "ignore") == 0 || config_json == NULL ||
	    (root = json_tokener_parse(config_json)) == NULL)
		return 0;
	vols = jget(jget(root, "config"), "Volumes");
	if (!json_object_is_type(vols, json_type_object))
		return 0;
	json_object_object_foreach(vols, dir, unused)
	{
		cleanup_free char *dst = runopts_path_clean(dir);
		(void)unused;
		/* a relative or root path is no place for a volume; a user's
		 * mount of that dir wins */
		if (dst[0] != '/' || strcmp(dst, "/") == 0 || runopts_dest_conflict(o, dst) != NULL)
			continue;
		if (strcmp(mode, "tmpfs") == 0) {
			if (*tmpfs == NULL)
				*tmpfs = strv_copy(o->tmpfs);
			*tmpfs = strv_append(*tmpfs, dst);
			o->tmpfs = *tmpfs;
			continue;
		}
		o->volumes = xrealloc(o->volumes, (o->nvolumes + 1) * sizeof(*o->volumes));
		o->volumes[o->nvolumes] =
		    (struct volume_spec){.kind = MOUNT_VOLUME, .dst = steal_pointer(&dst)};
		if (resolve_source(e, &o->volumes[o->nvolumes], err) < 0) {
			volume_spec_free(&o->volumes[o->nvolumes]);
			return -1;
		}
		o->nvolumes++;
	}
	return 0;
}

int volumes_attach(struct engine *e, const char *ctr_id, const struct volume_spec *v, size_t n,
		   struct werr *err)
{
	for (size_t i = 0; i < n; i++) {
		struct volume_rec r = {0};
		int rc;
		if (v[i].kind != MOUNT_VOLUME)
			continue;
		rc = store_volume_get(e->store, v[i].name, &r, err);
		volume_rec_free(&r);
		if (rc == 0) {
			struct volume_rec nr = {.name = v[i].name,
						.driver = (char *)"local",
						.created = now_ns(),
						.anonymous = v[i].anonymous,
						.needs_copy = true,
						.needs_chown = true};
			rc = store_volume_add(e->store, &nr, err);
		}
		if (rc < 0 || store_volume_attach(e->store, ctr_id, v[i].name, err) < 0)
			return werr_wrap(err, "volume %s", v[i].name);
		/* 0700 / 0755 as Podman's; a _data dir that is no dir fails later */
		cleanup_free char *dir = xasprintf("%s/volumes/%s", e->root, v[i].name);
		cleanup_free char *data = xasprintf("%s/_data", dir);
		if (mkdir_p(dir, 0700, err) < 0)
			return -1;
		if (mkdir(data, 0755) < 0 && errno != EEXIST)
			return werr_set(err, errno, "mkdir '%s'", data);
	}
	return 0;
}

/* ---- first use: copy-up and chown ---- */

static bool dir_empty(int fd)
{
	cleanup_close int dup = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dup >= 0 ? fdopendir(dup) : NULL;
	struct dirent *de;
	bool empty = true;

	if (d == NULL)
		return false;
	dup = -1; /* the DIR has it */
	while (empty && (de = readdir(d)) != NULL)
		empty = strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0;
	closedir(d);
	return empty;
}

/* The image's dir at dst inside rootfs (untrusted: resolved with
 * RESOLVE_IN_ROOT, so no symlink leads out), copied into the volume. */
static int copy_up(const char *rootfs, const char *dst, int vfd, struct werr *err)
{
	struct open_how how = {.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	cleanup_close int rfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int sfd = -1;
	const char *rel = dst;

	if (rfd < 0)
		return werr_set(err, errno, "open rootfs '%s'", rootfs);
	while (*rel == '/')
		rel++;
	sfd = sys_openat2(rfd, rel, &how);
	if (sfd < 0)
		return errno == ENOENT || errno == ENOTDIR
			   ? 0 /* nothing to copy */
			   : werr_set(err, errno, "open '%s' in the image", dst);
	if (tree_copy(sfd, vfd, err) < 0)
		return werr_wrap(err, "copy the image's '%s' into the volume", dst);
	return 1;
}

struct chown_ids {
	uid_t uid;
	gid_t gid;
};

static int chown_entry(void *data, const struct walk_dir *d, const char *name, int type,
		       struct werr *err)
{
	const struct chown_ids *ids = data;

	if (fchownat(d->fd, name, ids->uid, ids->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return werr_set(err, errno, "chown '%s'", name);
	return type == DT_DIR ? WALK_DESCEND : WALK_NEXT;
}

/* :U: the whole tree below fd (and fd) owned by uid:gid. */
static int chown_tree(int fd, uid_t uid, gid_t gid, struct werr *err)
{
	struct chown_ids ids = {uid, gid};
	static const struct walk_ops ops = {.entry = chown_entry};

	if (fchown(fd, uid, gid) < 0)
		return werr_set(err, errno, "chown");
	return walk_tree(fd, -1, &ops, &ids, err);
}

/* A volume's first use: its record says whether it needs it. */
static int first_use(struct engine *e, const struct volume_spec *v, int vfd, const char *rootfs,
		     uid_t uid, gid_t gid, struct werr *err)
{
	struct volume_rec r = {0};
	int rc = store_volume_get(e->store, v->name, &r, err), copied = 0;

	if (rc <= 0 || !(r.needs_copy || r.needs_chown)) {
		volume_rec_free(&r);
		return rc < 0 ? -1 : 0;
	}
	if (r.needs_copy && !v->nocopy && dir_empty(vfd))
		copied = copy_up(rootfs, v->dst, vfd, err);
	if (copied == 0 && r.needs_chown && fchown(vfd, uid, gid) < 0)
		copied = werr_set(err, errno, "chown volume %s", v->name);
	volume_rec_free(&r);
	if (copied < 0)
		return werr_wrap(err, "volume %s", v->name);
	return store_volume_used_once(e->store, v->name, err);
}

int volumes_prepare(struct engine *e, const struct volume_spec *v, size_t n, const char *rootfs,
		    uid_t uid, gid_t gid, struct werr *err)
{
	for (size_t i = 0; i < n; i++) {
		cleanup_close int fd = -1;
		if (v[i].vol_type != NULL)
			continue; /* mounted from its options, nothing on disk */
		if (v[i].kind == MOUNT_VOLUME) {
			fd = volume_open_data(e, v[i].name, err);
			if (fd < 0 || first_use(e, &v[i], fd, rootfs, uid, gid, err) < 0)
				return -1;
		} else if (v[i].chown) {
			fd = open(v[i].src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (fd < 0 && errno == ENOTDIR) {
				if (chown(v[i].src, uid, gid) < 0)
					return werr_set(err, errno, "chown '%s'", v[i].src);
				continue;
			}
			if (fd < 0)
				return werr_set(err, errno, "open '%s'", v[i].src);
		}
		if (v[i].chown && chown_tree(fd, uid, gid, err) < 0)
			return werr_wrap(err, "chown '%s' (:U)", v[i].src);
	}
	return 0;
}

/* ---- what inspect shows ---- */

static bool special_word(const char *w)
{
	static const char *const words[] = {"ro",      "rw",	   "z",		 "Z",
					    "shared",  "rshared",  "slave",	 "rslave",
					    "private", "rprivate", "unbindable", "runbindable"};

	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strcmp(w, words[i]) == 0)
			return true;
	return false;
}

struct json_object *volumes_mounts_json(const struct volume_spec *v, size_t n)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		struct json_object *m = json_object_new_object(), *opts = json_object_new_array();
		bool vol = v[i].kind == MOUNT_VOLUME;
		jset_str(m, "Type", vol ? "volume" : "bind");
		if (vol)
			jset_str(m, "Name", v[i].name);
		jset_str(m, "Source", v[i].src);
		jset_str(m, "Destination", v[i].dst);
		jset_str(m, "Driver", vol ? "local" : "");
		jset_str(m, "Mode", v[i].mode ? v[i].mode : "");
		for (char **w = v[i].opts; w && *w; w++)
			if (!special_word(*w))
				json_object_array_add(opts, json_object_new_string(*w));
		if (vol) {
			json_object_array_add(opts, json_object_new_string("nosuid"));
			json_object_array_add(opts, json_object_new_string("nodev"));
		}
		json_object_array_add(opts, json_object_new_string("rbind"));
		jset(m, "Options", opts);
		jset(m, "RW", json_object_new_boolean(!v[i].ro));
		jset_str(m, "Propagation", v[i].propagation ? v[i].propagation : "rprivate");
		json_object_array_add(arr, m);
	}
	return arr;
}

/* "SRC:DST:OPTS" as Podman's HostConfig.Binds: the user's words, then rw
 * and rprivate unless given, nosuid,nodev for a volume, rbind. */
struct json_object *volumes_binds_json(const struct volume_spec *v, size_t n)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		cleanup_strv char **w = strv_copy(v[i].opts);
		cleanup_free char *opts = NULL, *b = NULL;
		if (!strv_contains(w, "ro") && !strv_contains(w, "rw"))
			w = strv_append(w, "rw");
		if (v[i].propagation == NULL)
			w = strv_append(w, "rprivate");
		if (v[i].kind == MOUNT_VOLUME) {
			w = strv_append(w, "nosuid");
			w = strv_append(w, "nodev");
		}
		w = strv_append(w, "rbind");
		opts = strv_join(w, ",");
		b = xasprintf("%s:%s:%s", v[i].kind == MOUNT_VOLUME ? v[i].name : v[i].src,
			      v[i].dst, opts);
		json_object_array_add(arr, json_object_new_string(b));
	}
	return arr;
}

void volumes_forget_anonymous(struct engine *e, const struct container_rec *c)
{
	cleanup_json struct json_object *cfg = NULL;
	struct json_object *mounts;

	if (c->config == NULL || strstr(c->config, "\"Type\":\"volume\"") == NULL)
		return; /* the --rm hot path: no volume, no parsing */
	cfg = json_tokener_parse(c->config);
	mounts = jget(cfg, "Mounts");
	for (size_t i = 0; i < jlen(mounts); i++) {
		const char *name = jstr(json_object_array_get_idx(mounts, i), "Name");
		struct volume_rec r = {0};
		struct werr err = {0};
		if (name != NULL && store_volume_get(e->store, name, &r, &err) == 1 &&
		    r.anonymous && volume_remove(e, name, false, 0, &err) < 0 &&
		    err.errnum != EBUSY)
			log_warn("remove anonymous volume %s: %s", name, err.msg);
		volume_rec_free(&r);
	}
}
