#include "runtime/container.h"
#include "runtime/ctr_sqsh.h"
#include "storage/sqsh.h"
#include "runtime/secrets.h"
#include "engine/config.h"
#include "engine/events.h"
#include "runtime/container_int.h"
#include "image/image.h"
#include "image/ref.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/signame.h"
#include "lib/util.h"
#include "runtime/ctr_userns.h"
#include "runtime/ctrcgroup.h"
#include "runtime/ctrlock.h"
#include "runtime/devices.h"
#include "runtime/execsess.h"
#include "runtime/executor.h"
#include "runtime/fglog.h"
#include "runtime/health.h"
#include "runtime/hooks.h"
#include "rootless/rootless.h"
#include "runtime/names.h"
#include "runtime/pods.h"
#include "runtime/portfwd.h"
#include "runtime/ports.h"
#include "runtime/runopts.h"
#include "runtime/volumes.h"
#include "storage/driver.h"
#include "storage/pool.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

char *container_dir(struct engine *e, const char *id)
{
	return xasprintf("%s/containers/%s", e->root, id);
}

/* Docker's rules: --entrypoint replaces the image's and drops its Cmd; CMD
 * arguments replace the image's Cmd. */
static void effective_args(const struct run_opts *o, const struct image_config *img,
			   char *const **ep, char *const **cmd)
{
	*ep = o->entrypoint_set ? o->entrypoint : img->entrypoint;
	*cmd = strv_len(o->cmd) ? o->cmd : (o->entrypoint_set ? NULL : img->cmd);
}

/* The record's command for ps: the args the spec will run. */
static char **effective_command(const struct run_opts *o, const struct image_config *img)
{
	char *const *ep, *const *cmd;
	char **v = NULL;

	effective_args(o, img, &ep, &cmd);
	for (size_t i = 0; ep && ep[i]; i++)
		v = strv_append(v, ep[i]);
	for (size_t i = 0; cmd && cmd[i]; i++)
		v = strv_append(v, cmd[i]);
	return v ? v : xcalloc(1, sizeof(char *));
}

/* --stop-signal, else the image's StopSignal (a name or a number), else
 * SIGTERM */
static int stop_signal(const struct run_opts *o, const struct image_config *img)
{
	int sig = img->stop_signal ? signal_parse(img->stop_signal) : -1;

	if (o->stop_signal > 0)
		return o->stop_signal;
	return sig > 0 ? sig : SIGTERM;
}

/* HostConfig.LogConfig as Podman shows it (its Path is filled by inspect;
 * the size in bytes is the create options' LogMaxBytes) */
static struct json_object *log_config_json(const struct run_opts *o)
{
	struct json_object *l = json_object_new_object();
	char buf[32];

	format_size_go(o->log_max, 4, "", buf, sizeof(buf)); /* go-units' HumanSize */
	json_object_object_add(l, "Type",
			       json_object_new_string(o->log_driver ? o->log_driver : "k8s-file"));
	json_object_object_add(l, "Config", NULL);
	json_object_object_add(l, "Path", json_object_new_string(""));
	json_object_object_add(l, "Tag", json_object_new_string(""));
	json_object_object_add(l, "Size", json_object_new_string(buf));
	return l;
}

/* HostConfig.RestartPolicy: Podman's {"Name": "", "MaximumRetryCount": 0} */
static struct json_object *restart_json(const struct run_opts *o)
{
	struct json_object *r = json_object_new_object();
	const char *name = o->restart && strcmp(o->restart, "no") != 0 ? o->restart : "";

	json_object_object_add(r, "Name", json_object_new_string(name));
	json_object_object_add(r, "MaximumRetryCount", json_object_new_int(o->restart_max));
	return r;
}

/* Config.Healthcheck (when there is a check) and
 * Config.HealthcheckOnFailureAction; the flags were checked by
 * container_create. */
static void add_healthcheck(struct json_object *cfg, const struct run_opts *o,
			    const struct image_config *img)
{
	struct json_object *hc = NULL;
	const char *action = "none";
	struct werr ignore = {0};

	if (health_config(&o->health, img->healthcheck, &hc, &action, &ignore) < 0)
		return;
	if (hc != NULL)
		json_object_object_add(cfg, "Healthcheck", hc);
	json_object_object_add(cfg, "HealthcheckOnFailureAction", json_object_new_string(action));
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* o with its keys sorted, as Go marshals a map (o is consumed). */
static struct json_object *sorted_object(struct json_object *o)
{
	cleanup_strv char **keys = NULL;
	struct json_object *out = json_object_new_object();

	json_object_object_foreach(o, k, v)
	{
		(void)v;
		keys = strv_append(keys, k);
	}
	qsort(keys, strv_len(keys), sizeof(char *), cmp_key);
	for (size_t i = 0; keys[i]; i++)
		jset(out, keys[i], json_object_get(jget(o, keys[i])));
	json_object_put(o);
	return out;
}

/* Config.Labels as Podman makes them: the image's labels, then --label
 * and --label-file over them; NULL (JSON null) when there are none. */
static struct json_object *labels_json(const struct run_opts *o, const char *image_config)
{
	cleanup_json struct json_object *cfg =
	    image_config ? json_tokener_parse(image_config) : NULL;
	struct json_object *il = jget(jget(cfg, "config"), "Labels");
	struct json_object *l = json_object_new_object();

	if (il && json_object_is_type(il, json_type_object)) {
		json_object_object_foreach(il, k, v) jset(l, k, json_object_get(v));
	}
	for (size_t i = 0; o->labels && o->labels[i]; i++) {
		const char *eq = strchr(o->labels[i], '=');
		cleanup_free char *k = eq ? xstrndup(o->labels[i], (size_t)(eq - o->labels[i]))
					  : xstrdup(o->labels[i]);
		jset_str(l, k, eq ? eq + 1 : "");
	}
	if (json_object_object_length(l) == 0) {
		json_object_put(l);
		return NULL;
	}
	return sorted_object(l);
}

/* HostConfig.Devices as Podman 4.3 shows them: PathOnHost,
 * PathInContainer, CgroupPermissions always ""; a CDI name stands for both
 * paths. */
static struct json_object *devices_json(char *const *devices)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; devices && devices[i]; i++) {
		struct json_object *d = json_object_new_object();
		struct dev_node n = {0};
		struct werr err = {0};
		bool cdi = devices_is_cdi(devices[i]);
		if (!cdi && devices_parse(devices[i], &n, &err) < 0) {
			json_object_put(d);
			continue;
		}
		jset_str(d, "PathOnHost", cdi ? devices[i] : n.host);
		jset_str(d, "PathInContainer", cdi ? devices[i] : n.ctr);
		jset_str(d, "CgroupPermissions", ""); /* Podman 4.3 leaves it empty */
		json_object_array_add(a, d);
		free(n.host);
		free(n.ctr);
		free(n.perms);
	}
	return a;
}

/* What inspect shows: {"Config": {...}, "HostConfig": {...}} in Docker's
 * field names, from the options and the image the container was made of. */
static char *create_options_json(const struct run_opts *o, const struct image_config *img,
				 const char *image_ref, const char *id, const char *image_config)
{
	cleanup_json struct json_object *j = json_object_new_object();
	struct json_object *cfg = json_object_new_object(), *host = json_object_new_object();
	char *const *ep, *const *cmd;
	char hostname[13];
	cleanup_free char *net_mode = net_mode_string(o->net, &o->netopts);

	effective_args(o, img, &ep, &cmd);
	snprintf(hostname, sizeof(hostname), "%.12s", id);
	json_object_object_add(cfg, "Hostname",
			       json_object_new_string(o->hostname ? o->hostname : hostname));
	json_object_object_add(cfg, "User",
			       json_object_new_string(o->user	  ? o->user
						      : img->user ? img->user
								  : ""));
	json_object_object_add(cfg, "Env", jnew_strv(o->env));
	if (o->secrets != NULL) { /* kept out of inspect's Env (not shown itself) */
		cleanup_strv char **names = secret_env_names(o->secrets);
		json_object_object_add(cfg, "EnvSecrets", jnew_strv(names));
	}
	json_object_object_add(cfg, "Cmd", jnew_strv(cmd));
	json_object_object_add(cfg, "Entrypoint", jnew_strv(ep));
	json_object_object_add(cfg, "WorkingDir",
			       json_object_new_string(o->workdir     ? o->workdir
						      : img->workdir ? img->workdir
								     : "/"));
	json_object_object_add(cfg, "Image", json_object_new_string(image_ref));
	json_object_object_add(cfg, "Tty", json_object_new_boolean(o->tty));
	json_object_object_add(cfg, "StopSignal", json_object_new_int(stop_signal(o, img)));
	json_object_object_add(cfg, "StopTimeout",
			       json_object_new_int(o->stop_timeout >= 0 ? o->stop_timeout : 10));
	json_object_object_add(cfg, "OpenStdin", json_object_new_boolean(o->interactive));
	add_healthcheck(cfg, o, img);
	json_object_object_add(cfg, "Labels", labels_json(o, image_config));
	json_object_object_add(host, "ReadonlyRootfs", json_object_new_boolean(o->read_only));
	json_object_object_add(host, "Privileged", json_object_new_boolean(o->privileged));
	json_object_object_add(host, "AutoRemove", json_object_new_boolean(o->rm));
	jset(host, "NetworkMode", json_object_new_string(net_mode));
	jset(host, "Dns", jnew_strv(o->netopts.dns));
	jset(host, "DnsSearch", jnew_strv(o->netopts.dns_search));
	jset(host, "DnsOptions", jnew_strv(o->netopts.dns_option));
	jset(host, "ExtraHosts", jnew_strv(o->netopts.add_host));
	jset(j, "NetConfig", net_opts_to_json(o->net, &o->netopts));
	/* in Podman's final form (volumes.h); "Mounts" marks the new form */
	json_object_object_add(host, "Binds", volumes_binds_json(o->volumes, o->nvolumes));
	json_object_object_add(j, "Mounts", volumes_mounts_json(o->volumes, o->nvolumes));
	json_object_object_add(host, "Tmpfs", jnew_strv(o->tmpfs));
	jset(host, "Devices", devices_json(o->devices));
	json_object_object_add(host, "CapAdd", jnew_strv(o->cap_add));
	json_object_object_add(host, "CapDrop", jnew_strv(o->cap_drop));
	json_object_object_add(host, "LogConfig", log_config_json(o));
	json_object_object_add(host, "RestartPolicy", restart_json(o));
	if (o->init) /* Podman leaves it out when false */
		json_object_object_add(host, "Init", json_object_new_boolean(true));
	ctr_userns_config(o->uns, host, j);
	jset_str(host, "Cgroups", cgroup_mode_inspect((enum cg_mode)o->cgroups));
	if (o->cgroups != CG_MODE_ENABLED) /* what a start reads (ctr_cgroup_mode) */
		jset_str(j, "CgroupsMode", cgroup_mode_name((enum cg_mode)o->cgroups));
	/* the limits, what a start and update read (ctrcgroup.h) */
	jset(j, "Resources", limits_to_json(&o->limits));
	json_object_object_add(j, "Config", cfg);
	json_object_object_add(j, "HostConfig", host);
	ports_create_config(o, image_config, j);
	json_object_object_add(j, "LogMaxBytes", json_object_new_int64(o->log_max));
	if (o->pod) /* the pod it belongs to (runtime/pods.h) */
		jset_str(j, "Pod", o->pod);
	/* --rootfs: what a start mounts again, and what inspect shows */
	if (o->rootfs) {
		jset_str(j, "Rootfs", o->rootfs_path);
		jset(j, "RootfsOverlay", json_object_new_boolean(o->rootfs_overlay));
		if (o->rootfs_sqsh)
			jset(j, "RootfsSqsh", json_object_new_boolean(true));
	}
	return xstrdup(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
}

/* Picks a name not in use: the user's or a generated one. */
static char *pick_name(struct engine *e, const struct run_opts *o, struct werr *err)
{
	struct container_rec tmp = {0};

	if (o->name)
		return xstrdup(o->name);
	for (int i = 0; i < 20; i++) {
		char *n = names_generate();
		int r = store_container_get(e->store, n, &tmp, err);
		if (r == 0)
			return n;
		container_rec_free(&tmp);
		free(n);
		if (r < 0)
			return NULL;
	}
	werr_set(err, 0, "could not generate a unique container name");
	return NULL;
}

static int validate_name(const char *n, struct werr *err)
{
	if (n[0] == '\0' || !((n[0] >= 'a' && n[0] <= 'z') || (n[0] >= 'A' && n[0] <= 'Z') ||
			      (n[0] >= '0' && n[0] <= '9')))
		return werr_set(
		    err, 0,
		    "invalid container name '%s': names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*", n);
	for (const char *p = n; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-",
			    *p))
			return werr_set(err, 0,
					"invalid container name '%s': names must match "
					"[a-zA-Z0-9][a-zA-Z0-9_.-]*",
					n);
	return 0;
}

char *container_bundle_dir(struct engine *e, const struct container_rec *c)
{
	if (c->autoremove) {
		cleanup_free char *t = pause_tmpfs(e);
		if (t)
			return xasprintf("%s/%s", t, c->id);
	}
	return container_dir(e, c->id);
}

/* The OCI bundle in dir: config.json, and the hostname, hosts and
 * resolv.conf it bind-mounts; the rootfs is <storage dir>/merged, or the
 * directory of --rootfs. */
static int write_bundle(struct engine *e, const struct run_opts *o, const struct image_config *img,
			struct container_rec *c, const char *dir, const char *storage,
			struct werr *err)
{
	/* --rootfs DIR without :O: the container runs in DIR itself */
	cleanup_free char *rootfs = o->rootfs && !o->rootfs_overlay
					? xstrdup(o->rootfs_path)
					: xasprintf("%s/merged", storage);
	cleanup_json struct json_object *spec = NULL;
	const char *text;

	if (strcmp(dir, storage) != 0 && mkdir(dir, 0700) < 0 && errno != EEXIST)
		return werr_set(err, errno, "mkdir '%s'", dir);
	if (spec_build(e, o, img, c->id, dir, rootfs, &spec, err) < 0 ||
	    ctrnet_copy_etc(e, o, dir, err) < 0 ||
	    ctr_userns_etc(o->uns, rootfs, dir, spec, err) < 0)
		return -1;
	if (o->uns && o->uns->rootfs_idmap) {
		struct json_object *a = json_object_new_object();
		json_object_object_add(a, RUNTIME_ANNOT_ROOTFS_IDMAP,
				       json_object_new_string(o->uns->rootfs_idmap));
		json_object_object_add(spec, "annotations", a);
	}
	if (o->nvolumes > 0) {
		struct json_object *user = jget(jget(spec, "process"), "user");
		uint32_t uid = (uint32_t)json_object_get_int64(jget(user, "uid"));
		uint32_t gid = (uint32_t)json_object_get_int64(jget(user, "gid"));
		/* :U chowns to the ids the container user has out here */
		if (o->uns && o->uns->kind == CTR_USERNS_PRIVATE) {
			uid = idmap_to_host(o->uns->uid, o->uns->nuid, uid);
			gid = idmap_to_host(o->uns->gid, o->uns->ngid, gid);
		}
		if (volumes_prepare(e, o->volumes, o->nvolumes, rootfs, (uid_t)uid, (gid_t)gid,
				    err) < 0)
			return -1;
	}
	text = json_object_to_json_string_ext(spec, JSON_C_TO_STRING_PRETTY);
	cleanup_close int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return werr_set(err, errno, "open '%s'", dir);
	/* in place: nothing reads the bundle before the container starts, and
	 * a pooled rootfs (storage/pool.h) brings the old files along */
	return write_file_at(dfd, "config.json", text, strlen(text), 0600, err);
}

/* Undo a half-made container: unmount, delete its dirs and record. */
static void discard(struct engine *e, struct container_rec *c, enum storage_driver d)
{
	cleanup_free char *dir = container_dir(e, c->id);
	cleanup_free char *bundle = container_bundle_dir(e, c);
	struct werr ignore = {0};

	rootfs_umount(e, d, dir, &ignore);
	rm_rf_at(AT_FDCWD, dir, &ignore);
	rm_rf_at(AT_FDCWD, bundle, &ignore);
	store_container_delete(e->store, c->id, &ignore);
	volumes_forget_anonymous(e, c);
}

/* The rootfs in dir: the image's layers, or --rootfs DIR (nothing to
 * mount: the spec names DIR) or DIR:O (an overlay on it). */
/* A FILE.sqsh is the read-only lower dir of an overlay that takes the
 * container's writes; vfs makes no overlay, and a copy of the file's tree
 * would cost what the file is there to save: refused before anything is
 * mounted, with the drivers that can. */
static int sqsh_driver_check(struct engine *e, const char *file, struct werr *err)
{
	enum storage_driver d;

	if (driver_choose(e, &d, err) < 0)
		return -1;
	if (d != DRIVER_VFS)
		return 0;
	return werr_set(err, 0,
			"cannot run '%s' with the vfs storage driver (it makes no overlay for "
			"the container's writes): use --storage-driver overlay or fuse-overlayfs",
			file);
}

static int mount_rootfs(struct engine *e, enum storage_driver d, const char *dir,
			char *const *layers, const char *rootfs, bool overlay, bool ephemeral,
			struct werr *err)
{
	if (rootfs == NULL)
		return rootfs_mount(e, d, dir, layers, ephemeral, err);
	return overlay ? rootfs_mount_dir(e, d, dir, rootfs, ephemeral, err) : 0;
}

int container_mount(struct engine *e, const struct container_rec *c, struct werr *err)
{
	cleanup_json struct json_object *opts = jparse(c->config ? c->config : "{}", "config", err);
	cleanup_free char *dir = container_dir(e, c->id);
	struct image_rec img = {0};
	const char *rootfs = jstr(opts, "Rootfs");
	int r;

	if (opts == NULL)
		return -1;
	if (rootfs != NULL && json_object_get_boolean(jget(opts, "RootfsSqsh"))) {
		cleanup_free char *mnt = NULL;
		if (ctr_sqsh_remount(e, rootfs, dir, &mnt, err) < 0)
			return -1;
		return ctr_userns_remount(e, container_driver(c), c->config, dir, NULL, mnt,
					  c->autoremove, err);
	}
	if (rootfs != NULL)
		return mount_rootfs(e, container_driver(c), dir, NULL, rootfs,
				    json_object_get_boolean(jget(opts, "RootfsOverlay")),
				    c->autoremove, err);
	r = store_image_get(e->store, c->image_id, &img, err);
	if (r <= 0)
		return r == 0 ? werr_set(err, 0, "image %.12s of container %.12s is gone",
					 c->image_id, c->id)
			      : -1;
	r = ctr_userns_remount(e, container_driver(c), c->config, dir, img.layers, NULL,
			       c->autoremove, err);
	image_rec_free(&img);
	return r;
}

void container_poststop(struct engine *e, const struct container_rec *c)
{
	cleanup_free char *bundle = container_bundle_dir(e, c);
	struct werr err = {0};

	if (hooks_poststop(bundle, c->id, &err) < 0)
		log_warn("%s", err.msg);
	ctrnet_teardown(e, c->id, c->name, c->config);
}

/* The record of a new container (not yet stored). */
static int new_record(struct engine *e, const char *image_ref, const struct run_opts *o,
		      const struct image_rec *img, const struct image_config *cfg,
		      enum storage_driver d, struct container_rec *c, struct werr *err)
{
	if (c->id[0] == '\0') /* a FILE.sqsh container has its id (and dir) already */
		random_hex(c->id, 64);
	c->name = pick_name(e, o, err);
	if (c->name == NULL || validate_name(c->name, err) < 0)
		return -1;
	/* --rootfs: no image, as Podman shows it ("" in inspect and ps) */
	c->image_id = xstrdup(o->rootfs ? "" : img->id);
	c->image_name = xstrdup(o->rootfs		      ? ""
				: img->names && img->names[0] ? img->names[0]
							      : image_ref);
	c->command = effective_command(o, cfg);
	c->created = now_ns();
	c->state = CTR_CREATED;
	c->autoremove = o->rm;
	c->driver = xstrdup(driver_name(d));
	c->config = create_options_json(o, cfg, o->rootfs ? "" : image_ref, c->id,
					o->rootfs ? NULL : img->config);
	return 0;
}

/* The container's record with its volumes, in one transaction: a volume
 * rm that runs meanwhile sees the container or nothing. */
static int add_record(struct engine *e, struct container_rec *c, const struct run_opts *o,
		      struct werr *err)
{
	if (o->nvolumes == 0)
		return store_container_add(e->store, c, err);
	if (store_begin(e->store, err) < 0)
		return -1;
	if (store_container_add(e->store, c, err) < 0 ||
	    volumes_attach(e, c->id, o->volumes, o->nvolumes, err) < 0) {
		store_rollback(e->store);
		return -1;
	}
	return store_commit(e->store, err);
}

/* The healthcheck flags, before anything is made (create_options_json
 * cannot fail). */
static int check_health(const struct run_opts *o, const struct image_config *img, struct werr *err)
{
	struct json_object *hc = NULL;
	const char *action;

	if (health_config(&o->health, img->healthcheck, &hc, &action, err) < 0)
		return -1;
	json_object_put(hc);
	return 0;
}

/* containers.conf's defaults for what the flags left unset (engine/config.h);
 * *env and *caps are the caller's to free */
static void config_defaults(struct engine *e, struct run_opts *o, char ***env, char ***caps,
			    char ***ulimits)
{
	struct json_object *cc = e->conf ? e->conf->containers : NULL;
	const char *v;
	long long n;

	if (cc == NULL)
		return;
	*env = o->conf_env = config_strv(cc, "containers", "env");
	*caps = o->conf_caps = config_strv(cc, "containers", "default_capabilities");
	*ulimits = o->conf_ulimits = config_strv(cc, "containers", "default_ulimits");
	if (o->log_driver == NULL && (v = config_str(cc, "containers", "log_driver")) != NULL) {
		if (strcmp(v, "k8s-file") == 0 || strcmp(v, "none") == 0 ||
		    strcmp(v, "passthrough") == 0)
			o->log_driver = (char *)v;
		else
			log_warn("containers.conf: log_driver \"%s\" is not one warren has "
				 "(k8s-file, none, passthrough): k8s-file is used",
				 v);
	}
	if (o->log_max == 0 && (n = config_int(cc, "containers", "log_size_max")) > 0)
		o->log_max = n;
	if (o->limits.shm_size == 0 && (v = config_str(cc, "containers", "shm_size")) != NULL &&
	    (o->limits.shm_size = limits_ram_bytes(v)) < 0) {
		log_warn("containers.conf: shm_size \"%s\" is no size: the default is used", v);
		o->limits.shm_size = 0;
	}
	if (o->init_path == NULL && (v = config_str(cc, "containers", "init_path")) != NULL && *v)
		o->init_path = (char *)v;
	if (o->image_volume == NULL &&
	    (v = config_str(cc, "engine", "image_volume_mode")) != NULL &&
	    runopts_set_image_volume(o, v, &(struct werr){0}) < 0)
		log_warn("containers.conf: image_volume_mode \"%s\" is not bind, tmpfs or ignore: "
			 "bind is used",
			 v);
}

int container_create(struct engine *e, const char *image_ref, const struct run_opts *o_user,
		     struct ctr_owned *out, struct werr *err)
{
	struct run_opts eff = *o_user, *o = &eff; /* with the mounts and userns resolved */
	cleanup_strv char **conf_env = NULL, **conf_caps = NULL, **conf_ulimits = NULL;
	struct ctr_userns uns;
	cleanup_free char *keep_user = NULL;
	struct ctrnet_made made = {.lock = -1};
	struct ctrnet net = {0};
	enum ctr_rootfs_map how;
	struct image_rec img = {0};
	struct image_config cfg = {0};
	struct container_rec c = {0};
	struct layer_hold hold = {0};
	enum storage_driver d;
	cleanup_free char *dir = NULL, *bundle = NULL, *sqsh_dir = NULL;
	cleanup_strv char **secret_env = NULL;	/* o's env and the env secrets */
	cleanup_strv char **image_tmpfs = NULL; /* o's --tmpfs and the image's VOLUMEs */
	int r, lock = -1;

	if (engine_store(e, err) == NULL)
		return -1;
	eff.rootless = e->rootless;
	config_defaults(e, &eff, &conf_env, &conf_caps, &conf_ulimits);
	if (ctr_limits_prepare(e, &eff, err) < 0)
		return -1;
	if (o->secrets != NULL) {
		secret_env = strv_copy(o_user->env);
		eff.env = secret_env;
	}
	r = o->rootfs ? 1 : image_lookup(e, image_ref, &img, err);
	if (r <= 0) {
		if (r == 0)
			werr_set(err, 0, "%s: image not known", image_ref);
		return -1;
	}
	if (ctr_userns_resolve(e, o_user, &uns, err) < 0) {
		image_rec_free(&img);
		return -1;
	}
	eff.uns = &uns;
	if (ctrnet_create(e, &eff, &made, err) < 0) {
		ctrnet_made_free(&made);
		image_rec_free(&img);
		ctr_userns_free(&uns);
		return -1;
	}
	/* keep-id runs as the user unless -u says otherwise, as Podman */
	if (uns.keep_id && !(o_user->user && *o_user->user)) {
		eff.user = keep_user = xasprintf("%u:%u", uns.keep_uid, uns.keep_gid);
		uns.keep_user = true;
	}
	eff.volumes = NULL;
	eff.nvolumes = 0;
	if ((o_user->nvolumes > 0 || o_user->volumes_from != NULL) &&
	    volumes_resolve(e, o_user, &eff.volumes, &eff.nvolumes, err) < 0) {
		image_rec_free(&img);
		ctr_userns_free(&uns);
		return -1;
	}
	/* FILE.sqsh: mounted first, for the image config it carries */
	if (o->rootfs_sqsh && sqsh_driver_check(e, o->rootfs_path, err) < 0)
		goto fail;
	if (o->rootfs_sqsh) {
		random_hex(c.id, 64);
		dir = container_dir(e, c.id);
		if (ctr_sqsh_prepare(e, o->rootfs_path, dir, &sqsh_dir, &cfg, err) < 0) {
			free(steal_pointer(&dir));
			goto fail;
		}
	}
	if ((!o->rootfs && image_config_parse(img.config, &cfg, err) < 0) ||
	    check_health(o, &cfg, err) < 0 || driver_choose(e, &d, err) < 0 ||
	    (!o->rootfs && volumes_add_image(e, &eff, img.config, &image_tmpfs, err) < 0))
		goto fail;
	how = ctr_userns_storage(e, &uns, &d);
	if (o->rootfs && !o->rootfs_sqsh && how != CTR_ROOTFS_PLAIN) {
		werr_set(err, 0, "--rootfs with a user namespace of its own is not supported yet");
		goto fail;
	}
	if (new_record(e, image_ref, o, &img, &cfg, d, &c, err) < 0)
		goto fail;
	eff.name = c.name; /* /etc/hosts names it */
	/* owned before anyone can see it: from here on no other command
	 * takes it for debris, however long its rootfs takes (issue 5 item 2) */
	lock = ctrlock_create(e->runroot, c.id, err);
	if (lock < 0 || add_record(e, &c, o, err) < 0)
		goto fail;
	ctrnet_made_unlock(&made); /* its addresses are in the record now */
	if (dir == NULL)
		dir = container_dir(e, c.id);
	bundle = container_bundle_dir(e, &c);
	/* `run`: slirp4netns starts while the rootfs is made */
	if (o->net_early &&
	    (mkdir_p(bundle, 0700, err) < 0 || ctrnet_early(e, o, bundle, &net, err) < 0)) {
		discard(e, &c, d);
		goto fail;
	}
	/* the read-only store layers it mounts stay while it is ours (their
	 * owner's rmi refuses): held before the mount sees them */
	if (!o->rootfs && layer_hold_ro(e, img.layers, &hold, err) < 0) {
		discard(e, &c, d);
		goto fail;
	}
	/* a --rm container takes a ready rootfs when one is pooled: then
	 * rootfs_mount finds it mounted */
	if (o->rm && !o->rootfs && how == CTR_ROOTFS_PLAIN)
		rootfs_pool_take(e, d, img.layers, dir);
	else if (o->rm && sqsh_dir != NULL && how == CTR_ROOTFS_PLAIN)
		ctr_sqsh_pool_take(e, d, sqsh_dir, dir);
	if (mkdir_p(dir, 0700, err) < 0 || (sqsh_dir && ctr_sqsh_link(e, sqsh_dir, dir, err) < 0) ||
	    secrets_attach(e, o->secrets, dir, &eff.volumes, &eff.nvolumes, &secret_env, err) < 0) {
		discard(e, &c, d);
		goto fail;
	}
	if (secret_env != NULL)
		eff.env = secret_env;
	if ((o->rootfs && !sqsh_dir
		 ? mount_rootfs(e, d, dir, NULL, o->rootfs_path, o->rootfs_overlay, o->rm, err)
		 : ctr_userns_mount(e, d, &uns, how, dir, img.layers, sqsh_dir, o->rm, err)) < 0 ||
	    write_bundle(e, o, &cfg, &c, bundle, dir, err) < 0) {
		discard(e, &c, d);
		goto fail;
	}
	image_rec_free(&img);
	image_config_free(&cfg);
	volumes_free(eff.volumes, eff.nvolumes);
	container_event(e, &c, "create", -1);
	ctr_userns_free(&uns);
	ctrnet_made_free(&made);
	*out = (struct ctr_owned){
	    .rec = c, .lock = lock, .proc = {.pid = 0, .pty_master = -1}, .net = net, .hold = hold};
	return 0;
fail:
	layer_hold_release(&hold);
	if (dir != NULL && sqsh_dir != NULL) /* nothing stays mounted */
		ctr_sqsh_discard(dir);
	ctrnet_release(&net);
	ctrnet_made_free(&made);
	ctrlock_release(e->runroot, c.id, lock);
	image_rec_free(&img);
	image_config_free(&cfg);
	container_rec_free(&c);
	volumes_free(eff.volumes, eff.nvolumes);
	ctr_userns_free(&uns);
	return -1;
}

void container_event(struct engine *e, const struct container_rec *c, const char *status,
		     int exit_code)
{
	struct event ev = {.type = "container",
			   .status = status,
			   .id = c->id,
			   .name = c->name,
			   .image = c->image_name,
			   .exit_code = exit_code};
	event_log(e, &ev);
}

enum storage_driver container_driver(const struct container_rec *c)
{
	enum storage_driver d = DRIVER_VFS;
	if (c->driver == NULL || driver_parse(c->driver, &d) < 0)
		d = DRIVER_OVERLAY;
	return d;
}

/* An --rm container's rootfs back to the pool (see storage/pool.h). */
static bool pool_offer(struct engine *e, const struct container_rec *c, const char *dir)
{
	struct image_rec img = {0};
	struct werr ignore = {0};
	bool pooled = false;

	if (c->autoremove && ctr_sqsh_pool_put(e, container_driver(c), dir))
		return true;
	/* an image of a read-only store too: its owner may remove it, which
	 * no rmi here drains, but rootfs_pool_take then finds its layer dirs
	 * changed */
	if (c->autoremove && c->image_id[0] &&
	    store_image_get(e->store, c->image_id, &img, &ignore) == 1)
		pooled = rootfs_pool_put(e, container_driver(c), img.layers, dir);
	image_rec_free(&img);
	return pooled;
}

int container_destroy(struct engine *e, struct container_rec *c, struct werr *err)
{
	cleanup_free char *dir = container_dir(e, c->id);
	cleanup_free char *bundle = container_bundle_dir(e, c);
	cleanup_free char *secrets = xasprintf("%s/secrets", dir);

	if (cgroup_destroy(e, c->id, err) < 0)
		return werr_wrap(err, "remove container %.12s", c->id);
	/* a container whose end nobody saw keeps its network until now */
	ctrnet_teardown(e, c->id, c->name, c->config);
	if (strcmp(bundle, dir) != 0 && rm_rf_at(AT_FDCWD, bundle, err) < 0)
		return werr_wrap(err, "remove container %.12s", c->id);
	/* its secrets' copies go first: a pooled rootfs dir is reused */
	if (rm_rf_at(AT_FDCWD, secrets, err) < 0)
		return werr_wrap(err, "remove container %.12s", c->id);
	if (!pool_offer(e, c, dir)) {
		if (rootfs_umount(e, container_driver(c), dir, err) < 0)
			return werr_wrap(err, "unmount the rootfs of %.12s", c->id);
		if (rm_rf_at(AT_FDCWD, dir, err) < 0)
			return werr_wrap(err, "remove container %.12s", c->id);
	}
	if (store_container_delete(e->store, c->id, err) < 0)
		return -1;
	ctrlock_exit_clear(e->runroot, c->id);
	exec_sessions_forget(e, c->id);
	container_event(e, c, "remove", -1);
	/* Podman's run --rm takes the anonymous volumes along */
	if (c->autoremove)
		volumes_forget_anonymous(e, c);
	return 0;
}

int container_mark_exited(struct engine *e, struct container_rec *c, int code, struct werr *err)
{
	cleanup_free char *dir = container_dir(e, c->id);
	struct werr ignore = {0};

	c->state = CTR_EXITED;
	c->exit_code = code;
	c->finished = now_ns();
	c->pid = 0;
	c->pid_start = 0;
	/* the cgroup first: what is left in it (frozen, say) is killed; an
	 * OOM kill is read from it before */
	ctr_cgroup_note_oom(e, c, code);
	if (cgroup_destroy(e, c->id, &ignore) < 0)
		log_warn("%s", ignore.msg);
	werr_clear(&ignore);
	rootfs_umount(e, container_driver(c), dir, &ignore);
	return store_container_update(e->store, c, err);
}

void container_start_failed(struct engine *e, struct ctr_owned *c, int status)
{
	struct werr ignore = {0};

	/* it never ran: Podman removes nothing but marks it; with --rm it is
	 * gone */
	if (c->rec.autoremove)
		container_destroy(e, &c->rec, &ignore);
	else
		container_mark_exited(e, &c->rec, status, &ignore);
	ctrlock_release(e->runroot, c->rec.id, c->lock);
	c->lock = -1;
	layer_hold_release(&c->hold);
}

int container_hold_layers(struct engine *e, struct ctr_owned *c, struct werr *err)
{
	struct image_rec img = {0};
	int r;

	if (e->store == NULL || store_readonly_dir(e->store, 0) == NULL || c->hold.n > 0 ||
	    c->rec.image_id[0] == '\0')
		return 0;
	r = store_image_get(e->store, c->rec.image_id, &img, err);
	if (r > 0)
		r = layer_hold_ro(e, img.layers, &c->hold, err);
	image_rec_free(&img);
	return r < 0 ? werr_wrap(err, "start %.12s", c->rec.id) : 0;
}

int container_start(struct engine *e, struct ctr_owned *c, const struct exec_io *io,
		    struct werr *err)
{
	cleanup_free char *bundle = container_bundle_dir(e, &c->rec);
	struct exec_opts xo = {.stdin_fd = io->in_fd,
			       .stdout_fd = io->out_fd,
			       .stderr_fd = io->err_fd,
			       .rows = io->rows,
			       .cols = io->cols,
			       .cache_dir = e->runroot,
			       .id = c->rec.id};
	struct werr ignore = {0};
	struct port_listener *pl = NULL;
	size_t npl = 0;
	int cgfds[CG_NKINDS], rc;
	struct pod_ns pns = {{-1, -1, -1}};

	health_starting(e, &c->rec);
	/* the ports first: a taken one fails the start before anything runs */
	if (container_hold_layers(e, c, err) < 0 || portfwd_listen(&c->rec, &pl, &npl, err) < 0) {
		container_start_failed(e, c, err->status ? err->status : 125);
		return -1;
	}
	c->fglog = fglog_begin(e, &c->rec, &xo);
	rc = ctrnet_prepare(e, &c->rec, bundle, &c->net, &xo, err);
	if (rc == 0)
		rc = pod_ns_prepare(e, &c->rec, &pns, &xo, err);
	if (rc == 0) {
		xo.ncgroup_fds = ctr_cgroup_start(e, &c->rec, cgfds, err);
		xo.cgroup_fds = cgfds;
		rc = xo.ncgroup_fds < 0 ? -1 : executor_start(bundle, &xo, &c->proc, err);
		for (int i = 0; i < xo.ncgroup_fds; i++)
			close(cgfds[i]);
		pod_ns_release(&pns);
	}
	if (rc < 0) {
		ports_listeners_free(pl, npl);
		fglog_free(c->fglog);
		c->fglog = NULL;
		ctrnet_release(&c->net);
		ctrnet_teardown(e, c->rec.id, c->rec.name, c->rec.config);
		container_start_failed(e, c, err->status ? err->status : 125);
		return -1;
	}
	fglog_started(c->fglog);
	ctrnet_started(&c->net);
	c->fwd_pid = portfwd_spawn(c->proc.pid, pl, npl, &ignore);
	if (c->fwd_pid < 0) {
		log_warn("published ports of %.12s: %s", c->rec.id, ignore.msg);
		c->fwd_pid = 0;
	}
	ports_listeners_free(pl, npl);
	c->rec.state = CTR_RUNNING;
	c->rec.pid = c->proc.pid;
	c->rec.pid_start = proc_start_time(c->proc.pid);
	c->rec.started = now_ns();
	/* the lock file on the runtime tmpfs is what ps and rm read; a --rm
	 * run writes no database row for its start */
	if (ctrlock_set_proc(c->lock, c->rec.pid, c->rec.pid_start, c->rec.started, &ignore) < 0)
		log_warn("record start of %.12s: %s", c->rec.id, ignore.msg);
	if (!c->rec.autoremove && store_container_update(e->store, &c->rec, &ignore) < 0)
		log_warn("record start of %.12s: %s", c->rec.id, ignore.msg);
	container_event(e, &c->rec, "start", -1);
	return 0;
}

int container_wait(struct engine *e, struct ctr_owned *c, const struct exec_io *io, int *exit_code,
		   struct werr *err)
{
	struct werr ignore = {0};
	struct exec_io tee_io;
	int rc, code;

	if (c->fglog != NULL) {
		fglog_io(c->fglog, io, &tee_io);
		io = &tee_io;
	}
	rc = executor_wait(&c->proc, io, exit_code, err);
	code = rc < 0 ? 125 : *exit_code;
	fglog_free(c->fglog);
	c->fglog = NULL;
	ctrnet_end(&c->net);	  /* its helper goes with it (reaped in container_owned_free) */
	portfwd_end(&c->fwd_pid); /* the ports are free when run returns */
	container_poststop(e, &c->rec);
	container_event(e, &c->rec, "died", code);
	if (c->rec.autoremove)
		rc = container_destroy(e, &c->rec, rc < 0 ? &ignore : err) < 0 && rc == 0 ? -1 : rc;
	else if (container_mark_exited(e, &c->rec, code, rc < 0 ? &ignore : err) < 0 && rc == 0)
		rc = -1;
	ctrlock_release(e->runroot, c->rec.id, c->lock);
	c->lock = -1;
	layer_hold_release(&c->hold);
	return rc;
}

void container_owned_free(struct engine *e, struct ctr_owned *c)
{
	fglog_free(c->fglog);
	if (c->proc.pty_master >= 0)
		close(c->proc.pty_master);
	portfwd_end(&c->fwd_pid);
	ctrnet_release_nowait(&c->net);
	ctrlock_release(e->runroot, c->rec.id, c->lock);
	layer_hold_release(&c->hold);
	container_rec_free(&c->rec);
	*c = (struct ctr_owned){.lock = -1, .proc = {.pty_master = -1}};
}

/* SIGKILLs the process pid/start when it still lives (a container whose
 * owner died: PDEATHSIG normally did it already) and waits a little for
 * it to go, so that its rootfs can be unmounted. */
static void kill_orphan(pid_t pid, uint64_t start)
{
	struct timespec ts = {0, 10 * 1000 * 1000};
	int64_t deadline = now_ns() + 2LL * 1000000000LL;

	if (!proc_alive(pid, start))
		return;
	kill(pid, SIGKILL);
	while (proc_alive(pid, start) && now_ns() < deadline)
		nanosleep(&ts, NULL);
}

/* Reads c again from the store (under its lock, the truth): *gone when
 * the record has been removed meanwhile. */
static int reload(struct engine *e, struct container_rec *c, bool *gone, struct werr *err)
{
	struct container_rec fresh = {0};
	int r = store_container_get(e->store, c->id, &fresh, err);

	*gone = r == 0;
	if (r <= 0)
		return r;
	container_rec_free(c);
	*c = fresh;
	return 0;
}

/* An owner holds c: what its lock file says is the truth about it. */
static void show_owned(struct container_rec *c, const struct ctrlock_info *i)
{
	if (!proc_alive(i->pid, i->pid_start))
		return; /* being created, or exited and being settled */
	c->state = CTR_RUNNING;
	c->pid = i->pid;
	c->pid_start = i->pid_start;
	c->started = i->started;
}

/* c's owner died (we hold the lock it left; i is what it wrote there):
 * the container died with it (PDEATHSIG): exited 137, or removed when
 * --rm. Its processes are made sure of first, so that the rootfs can go.
 * A monitor that saw the container end and then could not record it (its
 * exit command failed) left the real code in the exit record: that code,
 * not 137. */
static int settle(struct engine *e, struct container_rec *c, const struct ctrlock_info *i,
		  bool *gone, struct werr *err)
{
	int code = 137;
	bool ended = ctrlock_exit_read(e->runroot, c->id, &code) == 0;

	/* a frozen container keeps the SIGKILL of its owner's death pending */
	ctr_cgroup_thaw_after_kill(e, c);
	kill_orphan(i->pid, i->pid_start);
	kill_orphan(c->pid, c->pid_start);
	ctrlock_exit_clear(e->runroot, c->id);
	if (i->pid != 0 || c->state == CTR_RUNNING || ended)
		container_event(e, c, "died", code);
	if (c->autoremove) {
		*gone = true;
		return container_destroy(e, c, err);
	}
	/* it died while its rootfs was being made, or before a start got
	 * going: it stays as it was (created, or exited with its old code) */
	if (i->pid == 0 && c->state != CTR_RUNNING && !ended)
		return 0;
	return container_mark_exited(e, c, code, err);
}

static int refresh(struct engine *e, struct container_rec *c, bool *gone, struct werr *err)
{
	struct ctrlock_info info;
	int fd = -1, st, rc;

	*gone = false;
	/* an exited container may be running again: its start (or restart)
	 * went to the lock file, not the database */
	if (c->state == CTR_REMOVING)
		return 0;
	st = ctrlock_try(e->runroot, c->id, false, &fd, &info, err);
	if (st < 0)
		return -1;
	if (st == CTRLOCK_OWNED)
		show_owned(c, &info);
	/* no lock file: a created container stays so; a running record (the
	 * runtime dir was cleaned) runs while its process does, else it is
	 * settled under a lock of our own */
	if (st == CTRLOCK_NONE && c->state == CTR_RUNNING && !proc_alive(c->pid, c->pid_start)) {
		st = ctrlock_try(e->runroot, c->id, true, &fd, &info, err);
		if (st == CTRLOCK_FRESH)
			st = CTRLOCK_STALE;
	}
	if (st != CTRLOCK_STALE)
		return st < 0 ? -1 : 0;
	rc = reload(e, c, gone, err);
	if (rc == 0 && !*gone && c->state != CTR_REMOVING)
		rc = settle(e, c, &info, gone, err);
	ctrlock_release(e->runroot, c->id, fd);
	return rc;
}

int container_not_found(const char *ref, struct werr *err)
{
	return werr_set(err, 0, "no container with name or ID \"%s\" found: no such container",
			ref);
}

int container_lookup(struct engine *e, const char *ref, struct container_rec *out, struct werr *err)
{
	struct container_rec c = {0};
	bool gone;
	int r;

	if (engine_store(e, err) == NULL)
		return -1;
	r = store_container_get(e->store, ref, &c, err);
	if (r <= 0)
		return r;
	if (refresh(e, &c, &gone, err) < 0 || gone) {
		container_rec_free(&c);
		return gone ? 0 : -1;
	}
	health_fill(e, &c);
	ctr_cgroup_fill(e, &c);
	*out = c;
	return 1;
}

static int list(struct engine *e, bool all, bool brief, struct container_rec **out, size_t *n,
		struct werr *err)
{
	struct container_rec *v = NULL;
	size_t cnt = 0, keep = 0;

	if (engine_store(e, err) == NULL)
		return -1;
	/* a record the brief query cannot read (its config is not JSON):
	 * the whole records, as always */
	if (!brief || store_container_list_brief(e->store, &v, &cnt, &(struct werr){0}) < 0)
		if (store_container_list(e->store, &v, &cnt, err) < 0)
			return -1;
	for (size_t i = 0; i < cnt; i++) {
		bool gone = false;
		struct werr ignore = {0};
		refresh(e, &v[i], &gone, &ignore);
		if (gone || (!all && v[i].state != CTR_RUNNING)) {
			container_rec_free(&v[i]);
			continue;
		}
		health_fill(e, &v[i]);
		ctr_cgroup_fill(e, &v[i]);
		v[keep++] = v[i];
	}
	*out = v;
	*n = keep;
	return 0;
}

int container_list(struct engine *e, bool all, struct container_rec **out, size_t *n,
		   struct werr *err)
{
	return list(e, all, false, out, n, err);
}

int container_list_brief(struct engine *e, bool all, struct container_rec **out, size_t *n,
			 struct werr *err)
{
	return list(e, all, true, out, n, err);
}

/* SIGTERM, then SIGKILL after timeout seconds (at once with 0), to the
 * process pid/start; its parent reaps it. */
static void stop_process(pid_t pid, uint64_t start, int timeout)
{
	struct timespec ts = {0, 10 * 1000 * 1000};
	int64_t deadline = now_ns() + (int64_t)timeout * 1000000000LL;

	if (timeout > 0 && proc_alive(pid, start)) {
		kill(pid, SIGTERM);
		while (proc_alive(pid, start) && now_ns() < deadline)
			nanosleep(&ts, NULL);
	}
	if (proc_alive(pid, start))
		kill(pid, SIGKILL);
}

static int running_error(const struct container_rec *c, struct werr *err)
{
	werr_set(err, 0,
		 "cannot remove container %s as it is running - running or paused containers "
		 "cannot be removed without force: container state improper",
		 c->id);
	return werr_status(err, 2); /* Podman's exit code */
}

/* rm of a container whose lock is held. An owner: without force, an error;
 * with it, its process is stopped (or, while the container is still being
 * created, the owner itself, which cannot be asked) and the owner settles
 * it as after any exit. Another command (owner 0) just finishes. Then the
 * lock is ours: returns its state (*fd held unless NONE), or -1. */
static int wait_owner(struct engine *e, const struct container_rec *c, struct ctrlock_info *i,
		      bool force, int timeout, int *fd, struct werr *err)
{
	struct timespec ts = {0, 10 * 1000 * 1000};
	/* the owner unmounts and deletes the rootfs (a vfs copy may be big) */
	int64_t deadline = now_ns() + ((int64_t)timeout + 60) * 1000000000LL;
	bool stopped = false;
	int st = CTRLOCK_OWNED;

	while (st == CTRLOCK_OWNED) {
		if (i->owner > 0 && !force)
			return running_error(c, err);
		if (i->owner > 0 && !stopped) {
			if (i->pid > 0)
				stop_process(i->pid, i->pid_start, timeout);
			else if (proc_alive(i->owner, i->owner_start))
				kill(i->owner, SIGKILL);
			stopped = true;
		} else if (proc_alive(i->pid, i->pid_start)) {
			kill(i->pid, SIGKILL); /* it started after all */
		}
		if (now_ns() > deadline)
			return werr_set(err, EBUSY,
					"container %.12s: process %d does not let go of it", c->id,
					(int)i->owner);
		nanosleep(&ts, NULL);
		st = ctrlock_try(e->runroot, c->id, true, fd, i, err);
	}
	return st;
}

int container_remove(struct engine *e, struct container_rec *c, bool force, int timeout,
		     struct werr *err)
{
	struct ctrlock_info info;
	bool gone = false;
	int fd = -1, st, rc;

	if (engine_store(e, err) == NULL || pod_check_remove(e, c, err) < 0)
		return -1;
	st = ctrlock_try(e->runroot, c->id, true, &fd, &info, err);
	if (st == CTRLOCK_OWNED && force)
		container_mark_stopping(e, c->id);
	if (st == CTRLOCK_OWNED && force && c->paused && proc_alive(c->pid, c->pid_start)) {
		/* as Podman: a paused container is killed, then thawed to die */
		kill(c->pid, SIGKILL);
		ctr_cgroup_thaw_after_kill(e, c);
	}
	if (st == CTRLOCK_OWNED)
		st = wait_owner(e, c, &info, force, timeout, &fd, err);
	if (st < 0)
		return -1;
	/* ours now: the record as it is under the lock */
	rc = reload(e, c, &gone, err);
	if (rc == 0 && !gone && st == CTRLOCK_STALE) {
		ctr_cgroup_thaw_after_kill(e, c);
		kill_orphan(info.pid, info.pid_start);
		kill_orphan(c->pid, c->pid_start);
	}
	/* a running record without an owner lock: its process is what runs */
	if (rc == 0 && !gone && c->state == CTR_RUNNING && proc_alive(c->pid, c->pid_start)) {
		if (!force)
			rc = running_error(c, err);
		else {
			stop_process(c->pid, c->pid_start, timeout);
			kill_orphan(c->pid, c->pid_start); /* gone before its rootfs goes */
		}
	}
	if (rc == 0 && !gone)
		rc = container_destroy(e, c, err);
	ctrlock_release(e->runroot, c->id, fd);
	return rc;
}

/* The users of a network or volume, removed; see container.h. */
int container_remove_users(struct engine *e, char *const *ids, const char *what, const char *name,
			   int timeout, struct werr *err)
{
	for (size_t i = 0; ids && ids[i]; i++) {
		struct container_rec c = {0};
		int r = container_lookup(e, ids[i], &c, err);
		if (r > 0)
			r = container_remove(e, &c, true, timeout, err);
		container_rec_free(&c);
		if (r < 0)
			return werr_wrap(err, "remove container %.12s using %s %s", ids[i], what,
					 name);
	}
	return 0;
}

int container_remove_by_image(struct engine *e, const char *image_id, struct werr *err)
{
	struct container_rec *v = NULL;
	size_t n = 0;
	int rc = 0;

	if (container_list(e, true, &v, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++)
		if (strcmp(v[i].image_id, image_id) == 0)
			rc = container_remove(e, &v[i], true, 0, err);
	container_recs_free(v, n);
	return rc;
}

void container_status_string(const struct container_rec *c, char *buf, size_t len)
{
	char ago[64];

	switch (c->state) {
	case CTR_RUNNING:
		if (c->paused) {
			snprintf(buf, len, "Paused");
			break;
		}
		format_ago(c->started, ago, sizeof(ago));
		/* "Up 3 seconds" : drop the " ago" */
		if (str_has_suffix(ago, " ago"))
			ago[strlen(ago) - 4] = '\0';
		snprintf(buf, len, "Up %s", ago);
		break;
	case CTR_EXITED:
	case CTR_STOPPED:
		format_ago(c->finished, ago, sizeof(ago));
		snprintf(buf, len, "Exited (%d) %s", c->exit_code, ago);
		break;
	case CTR_REMOVING:
		snprintf(buf, len, "Removing");
		break;
	default:
		snprintf(buf, len, "Created");
	}
	/* Podman: "Up 5 seconds (healthy)", also after the exit */
	if (c->health[0] != '\0' && c->state != CTR_CREATED) {
		size_t n = strlen(buf);
		snprintf(buf + n, len - n, " (%s)", c->health);
	}
}
