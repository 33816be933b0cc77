#include "runtime/container.h"
#include "image/image.h"
#include "image/ref.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/util.h"
#include "runtime/executor.h"
#include "rootless/rootless.h"
#include "runtime/names.h"
#include "storage/driver.h"
#include "storage/pool.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
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

/* What inspect shows: {"Config": {...}, "HostConfig": {...}} in Docker's
 * field names, from the options and the image the container was made of. */
static char *create_options_json(const struct run_opts *o, const struct image_config *img,
				 const char *image_ref, const char *id)
{
	cleanup_json struct json_object *j = json_object_new_object();
	struct json_object *cfg = json_object_new_object(), *host = json_object_new_object();
	struct json_object *vols = json_object_new_array();
	char *const *ep, *const *cmd;
	char hostname[13];

	effective_args(o, img, &ep, &cmd);
	snprintf(hostname, sizeof(hostname), "%.12s", id);
	json_object_object_add(cfg, "Hostname",
			       json_object_new_string(o->hostname ? o->hostname : hostname));
	json_object_object_add(cfg, "User",
			       json_object_new_string(o->user	  ? o->user
						      : img->user ? img->user
								  : ""));
	json_object_object_add(cfg, "Env", jnew_strv(o->env));
	json_object_object_add(cfg, "Cmd", jnew_strv(cmd));
	json_object_object_add(cfg, "Entrypoint", jnew_strv(ep));
	json_object_object_add(cfg, "WorkingDir",
			       json_object_new_string(o->workdir     ? o->workdir
						      : img->workdir ? img->workdir
								     : "/"));
	json_object_object_add(cfg, "Image", json_object_new_string(image_ref));
	json_object_object_add(cfg, "Tty", json_object_new_boolean(o->tty));
	json_object_object_add(cfg, "OpenStdin", json_object_new_boolean(o->interactive));
	json_object_object_add(host, "ReadonlyRootfs", json_object_new_boolean(o->read_only));
	json_object_object_add(host, "Privileged", json_object_new_boolean(o->privileged));
	json_object_object_add(host, "AutoRemove", json_object_new_boolean(o->rm));
	json_object_object_add(host, "NetworkMode",
			       json_object_new_string(o->net == NET_HOST   ? "host"
						      : o->net == NET_NONE ? "none"
									   : "private"));
	for (size_t i = 0; i < o->nvolumes; i++) {
		char *b = xasprintf("%s:%s%s", o->volumes[i].src, o->volumes[i].dst,
				    o->volumes[i].ro ? ":ro" : "");
		json_object_array_add(vols, json_object_new_string(b));
		free(b);
	}
	json_object_object_add(host, "Binds", vols);
	json_object_object_add(host, "Tmpfs", jnew_strv(o->tmpfs));
	json_object_object_add(host, "CapAdd", jnew_strv(o->cap_add));
	json_object_object_add(host, "CapDrop", jnew_strv(o->cap_drop));
	json_object_object_add(j, "Config", cfg);
	json_object_object_add(j, "HostConfig", host);
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
 * resolv.conf it bind-mounts; the rootfs is <storage dir>/merged. */
static int write_bundle(struct engine *e, const struct run_opts *o, const struct image_config *img,
			struct container_rec *c, const char *dir, const char *storage,
			struct werr *err)
{
	cleanup_free char *rootfs = xasprintf("%s/merged", storage);
	cleanup_json struct json_object *spec = NULL;
	const char *text;

	if (strcmp(dir, storage) != 0 && mkdir(dir, 0700) < 0 && errno != EEXIST)
		return werr_set(err, errno, "mkdir '%s'", dir);
	if (spec_build(e, o, img, c->id, dir, rootfs, &spec, err) < 0)
		return -1;
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
}

int container_create(struct engine *e, const char *image_ref, const struct run_opts *o,
		     struct container_rec *out, struct werr *err)
{
	struct image_rec img = {0};
	struct image_config cfg = {0};
	struct container_rec c = {0};
	enum storage_driver d;
	cleanup_free char *dir = NULL, *bundle = NULL;
	int r;

	if (engine_store(e, err) == NULL)
		return -1;
	r = image_lookup(e, image_ref, &img, err);
	if (r <= 0) {
		if (r == 0)
			werr_set(err, 0, "%s: image not known", image_ref);
		return -1;
	}
	if (image_config_parse(img.config, &cfg, err) < 0 || driver_choose(e, &d, err) < 0)
		goto fail;
	random_hex(c.id, 64);
	c.name = pick_name(e, o, err);
	if (c.name == NULL || validate_name(c.name, err) < 0)
		goto fail;
	c.image_id = xstrdup(img.id);
	c.image_name = xstrdup(img.names && img.names[0] ? img.names[0] : image_ref);
	c.command = effective_command(o, &cfg);
	c.created = now_ns();
	c.state = CTR_CREATED;
	c.autoremove = o->rm;
	c.driver = xstrdup(driver_name(d));
	c.config = create_options_json(o, &cfg, image_ref, c.id);
	if (store_container_add(e->store, &c, err) < 0)
		goto fail;
	dir = container_dir(e, c.id);
	bundle = container_bundle_dir(e, &c);
	/* a --rm container takes a ready rootfs when one is pooled: then
	 * rootfs_mount finds it mounted */
	if (o->rm)
		rootfs_pool_take(e, d, img.layers, dir);
	if (mkdir_p(dir, 0700, err) < 0 || rootfs_mount(e, d, dir, img.layers, o->rm, err) < 0 ||
	    write_bundle(e, o, &cfg, &c, bundle, dir, err) < 0) {
		discard(e, &c, d);
		goto fail;
	}
	image_rec_free(&img);
	image_config_free(&cfg);
	*out = c;
	return 0;
fail:
	image_rec_free(&img);
	image_config_free(&cfg);
	container_rec_free(&c);
	return -1;
}

static enum storage_driver rec_driver(const struct container_rec *c)
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

	if (c->autoremove && store_image_get(e->store, c->image_id, &img, &ignore) == 1)
		pooled = rootfs_pool_put(e, rec_driver(c), img.layers, dir);
	image_rec_free(&img);
	return pooled;
}

/* Deletes the container's files and record (it must not run). */
static int destroy(struct engine *e, struct container_rec *c, struct werr *err)
{
	cleanup_free char *dir = container_dir(e, c->id);
	cleanup_free char *bundle = container_bundle_dir(e, c);

	if (strcmp(bundle, dir) != 0 && rm_rf_at(AT_FDCWD, bundle, err) < 0)
		return werr_wrap(err, "remove container %.12s", c->id);
	if (pool_offer(e, c, dir))
		return store_container_delete(e->store, c->id, err);

	if (rootfs_umount(e, rec_driver(c), dir, err) < 0)
		return werr_wrap(err, "unmount the rootfs of %.12s", c->id);
	if (rm_rf_at(AT_FDCWD, dir, err) < 0)
		return werr_wrap(err, "remove container %.12s", c->id);
	return store_container_delete(e->store, c->id, err);
}

int container_run_foreground(struct engine *e, struct container_rec *c, const struct run_opts *o,
			     int *exit_code, struct werr *err)
{
	cleanup_free char *dir = container_dir(e, c->id);
	cleanup_free char *bundle = container_bundle_dir(e, c);
	struct exec_opts xo = {.tty = o->tty,
			       .stdin_fd = o->interactive ? 0 : -1,
			       .stdout_fd = -1,
			       .stderr_fd = -1,
			       .cache_dir = e->runroot};
	struct ctr_proc p = {.pid = 0, .pty_master = -1};
	struct werr ignore = {0};
	int rc;

	if (executor_start(bundle, &xo, &p, err) < 0) {
		int status = err->status;
		/* the container never ran: Podman removes nothing but marks it;
		 * with --rm it is gone */
		if (o->rm)
			destroy(e, c, &ignore);
		else {
			c->state = CTR_EXITED;
			c->exit_code = status ? status : 125;
			c->finished = now_ns();
			rootfs_umount(e, rec_driver(c), dir, &ignore);
			store_container_update(e->store, c, &ignore);
		}
		return -1;
	}
	c->state = CTR_RUNNING;
	c->pid = p.pid;
	c->pid_start = proc_start_time(p.pid);
	c->started = now_ns();
	if (!o->rm && store_container_update(e->store, c, err) < 0)
		log_warn("record start of %.12s: %s", c->id, err->msg);
	rc = executor_wait(&p, o->interactive, exit_code, err);
	c->state = CTR_EXITED;
	c->finished = now_ns();
	c->exit_code = rc < 0 ? 125 : *exit_code;
	c->pid = 0;
	if (o->rm)
		return destroy(e, c, rc < 0 ? &ignore : err) < 0 && rc == 0 ? -1 : rc;
	rootfs_umount(e, rec_driver(c), dir, &ignore);
	if (store_container_update(e->store, c, rc < 0 ? &ignore : err) < 0 && rc == 0)
		return -1;
	return rc;
}

/* A running record whose process is gone died with its CLI (PDEATHSIG). */
static int refresh(struct engine *e, struct container_rec *c, bool *gone, struct werr *err)
{
	*gone = false;
	if (c->state != CTR_RUNNING && c->state != CTR_CREATED)
		return 0;
	if (c->state == CTR_RUNNING && c->pid > 0 && proc_start_time(c->pid) == c->pid_start)
		return 0;
	if (c->state == CTR_CREATED) {
		/* created but never started: only stale when its creator died;
		 * foreground runs start within milliseconds, so a created
		 * record older than a minute with autoremove is debris */
		if (!c->autoremove || now_ns() - c->created < 60LL * 1000000000LL)
			return 0;
	}
	if (c->autoremove) {
		*gone = true;
		return destroy(e, c, err);
	}
	c->state = CTR_EXITED;
	c->exit_code = 137;
	c->pid = 0;
	c->finished = now_ns();
	{
		cleanup_free char *dir = container_dir(e, c->id);
		struct werr ignore = {0};
		rootfs_umount(e, rec_driver(c), dir, &ignore);
	}
	return store_container_update(e->store, c, err);
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
	*out = c;
	return 1;
}

int container_list(struct engine *e, bool all, struct container_rec **out, size_t *n,
		   struct werr *err)
{
	struct container_rec *v = NULL;
	size_t cnt = 0, keep = 0;

	if (engine_store(e, err) == NULL || store_container_list(e->store, &v, &cnt, err) < 0)
		return -1;
	for (size_t i = 0; i < cnt; i++) {
		bool gone = false;
		struct werr ignore = {0};
		refresh(e, &v[i], &gone, &ignore);
		if (gone || (!all && v[i].state != CTR_RUNNING)) {
			container_rec_free(&v[i]);
			continue;
		}
		v[keep++] = v[i];
	}
	*out = v;
	*n = keep;
	return 0;
}

static bool alive(const struct container_rec *c)
{
	return c->state == CTR_RUNNING && c->pid > 0 && proc_start_time(c->pid) == c->pid_start;
}

static void stop_process(const struct container_rec *c, int timeout)
{
	struct timespec ts = {0, 10 * 1000 * 1000};
	int64_t deadline = now_ns() + (int64_t)timeout * 1000000000LL;

	if (timeout > 0) {
		kill(c->pid, SIGTERM);
		while (alive(c) && now_ns() < deadline)
			nanosleep(&ts, NULL);
	}
	if (alive(c))
		kill(c->pid, SIGKILL);
	/* it is reaped by its own CLI; wait until the pid is gone */
	deadline = now_ns() + 5LL * 1000000000LL;
	while (alive(c) && now_ns() < deadline)
		nanosleep(&ts, NULL);
}

int container_remove(struct engine *e, struct container_rec *c, bool force, int timeout,
		     struct werr *err)
{
	if (engine_store(e, err) == NULL)
		return -1;
	if (alive(c)) {
		if (!force) {
			werr_set(err, 0,
				 "cannot remove container %.12s as it is running - running or "
				 "paused containers cannot be removed without force",
				 c->id);
			return werr_status(err, 2); /* Podman's exit code */
		}
		stop_process(c, timeout);
		if (alive(c))
			return werr_set(err, EBUSY, "stop container %.12s", c->id);
	}
	return destroy(e, c, err);
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
}
