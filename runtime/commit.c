/* commit.c - a container's changes as a new image; see commit.h. */
#include "runtime/commit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "image/cfparse.h"
#include "image/image.h"
#include "image/imgcommit.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/signame.h"
#include "lib/util.h"
#include "runtime/container_int.h"
#include "runtime/ctrfs.h"
#include "storage/layertar.h"

/* What `podman commit -c` takes. */
static const char *const commit_changes[] = {"CMD",    "ENTRYPOINT", "ENV",	   "EXPOSE",
					     "LABEL",  "ONBUILD",    "STOPSIGNAL", "USER",
					     "VOLUME", "WORKDIR",    NULL};

static int parse_change(const char *change, struct cf_instr *in, struct werr *err)
{
	struct werr perr = {0};

	if (cf_parse_one(change, in, &perr) < 0) {
		/* "change:1: unknown instruction: FOO" -> Podman's words */
		size_t kn = strcspn(change, " \t=");
		if (strstr(perr.msg, "unknown instruction"))
			return werr_set(err, 0, "invalid change \"%s\" - invalid instruction %.*s",
					change, (int)kn, change);
		return werr_set(err, 0, "invalid change \"%s\" - %s", change,
				str_has_prefix(perr.msg, "change:1: ") ? perr.msg + 10 : perr.msg);
	}
	if (!strv_contains((char *const *)commit_changes, in->cmd)) {
		werr_set(err, 0, "invalid change \"%s\" - invalid instruction %s", change, in->cmd);
		cf_instr_free(in);
		return -1;
	}
	return 0;
}

/* Applies the -c changes to config root, in order. Podman's errors. */
static int apply_changes(struct json_object *root, char *const *changes, struct werr *err)
{
	for (size_t i = 0; changes && changes[i]; i++) {
		struct cf_instr in = {0};
		int rc;
		if (parse_change(changes[i], &in, err) < 0)
			return -1;
		struct werr cerr = {0};
		rc = image_config_change(root, &in, '\\', NULL, NULL, &cerr);
		if (rc == 0 && strcmp(in.cmd, "STOPSIGNAL") == 0) {
			/* Podman's commit records the number ("2" for SIGINT) */
			struct json_object *cfg = jget(root, "config");
			char num[16];
			snprintf(num, sizeof(num), "%d", signal_parse(jstr(cfg, "StopSignal")));
			jset_str(cfg, "StopSignal", num);
		}
		cf_instr_free(&in);
		if (rc < 0)
			return werr_set(err, 0, "invalid change \"%s\" - %s", changes[i], cerr.msg);
	}
	return 0;
}

int commit_opts_check(const struct commit_opts *o, struct werr *err)
{
	cleanup_json struct json_object *scratch = NULL;

	if (o->name) {
		cleanup_free char *n = image_local_name(o->name, err);
		if (n == NULL)
			return -1;
	}
	if (o->message && *o->message && !o->docker)
		return werr_set(
		    err, 0,
		    "messages are only compatible with the docker image format (-f docker)");
	/* each change applied to an empty config: its own errors now */
	scratch = image_config_base(NULL, err);
	return apply_changes(scratch, o->changes, err);
}

/* The container's own settings over its image's config, as Podman
 * commits them: Env (the image's, then -e), Cmd, Entrypoint, WorkingDir,
 * User, Labels. */
/* --include-volumes: the container's mount destinations in Volumes. */
static void include_volumes(struct json_object *cfg, struct json_object *mounts)
{
	struct json_object *vols = jget(cfg, "Volumes");

	if (mounts == NULL || !json_object_is_type(mounts, json_type_array) || jlen(mounts) == 0)
		return;
	if (vols == NULL || !json_object_is_type(vols, json_type_object)) {
		vols = json_object_new_object();
		jset(cfg, "Volumes", vols);
	}
	for (size_t i = 0; i < jlen(mounts); i++) {
		const char *d = jstr(json_object_array_get_idx(mounts, i), "Destination");
		if (d && *d)
			jset(vols, d, json_object_new_object());
	}
}

static void container_settings(struct json_object *root, const struct container_rec *c,
			       bool volumes)
{
	cleanup_json struct json_object *opts = c->config ? json_tokener_parse(c->config) : NULL;
	struct json_object *cc = jget(opts, "Config"), *cfg = jget(root, "config");
	static const char *const keys[] = {"Cmd", "Entrypoint", "Labels"};

	if (cfg == NULL) {
		cfg = json_object_new_object();
		jset(root, "config", cfg);
	}
	if (volumes)
		include_volumes(cfg, jget(opts, "Mounts"));
	if (cc == NULL)
		return;
	cleanup_strv char **env = jstrv(jget(cfg, "Env"));
	cleanup_strv char **add = jstrv(jget(cc, "Env"));
	for (size_t i = 0; add && add[i]; i++) { /* -e KEY=VALUE over the image's KEY */
		size_t kn = strcspn(add[i], "=");
		bool done = false;
		for (size_t j = 0; env && env[j] && !done; j++)
			if (strncmp(env[j], add[i], kn) == 0 && env[j][kn] == '=') {
				free(env[j]);
				env[j] = xstrdup(add[i]);
				done = true;
			}
		if (!done)
			env = strv_append(env, add[i]);
	}
	if (env)
		jset(cfg, "Env", jnew_strv(env));
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		struct json_object *v = jget(cc, keys[i]);
		if (v && (!json_object_is_type(v, json_type_array) || jlen(v) > 0) &&
		    (!json_object_is_type(v, json_type_object) || json_object_object_length(v) > 0))
			jset(cfg, keys[i], json_object_get(v));
		else if (strcmp(keys[i], "Labels") != 0)
			json_object_object_del(cfg, keys[i]);
	}
	if (jstr(cc, "WorkingDir") && strcmp(jstr(cc, "WorkingDir"), "/") != 0)
		jset_str(cfg, "WorkingDir", jstr(cc, "WorkingDir"));
	if (jstr(cc, "User") && jstr(cc, "User")[0])
		jset_str(cfg, "User", jstr(cc, "User"));
}

/* The container's changes as a layer tar in a temp file; see commit.h. */
int commit_changes_tar(struct engine *e, const struct container_rec *c, bool whole,
		       struct werr *err)
{
	cleanup_close int out = image_tmp_file(e, err);
	cleanup_free char *dir = NULL, *upper = NULL;
	cleanup_close int ufd = -1;

	if (out < 0)
		return -1;
	if (whole) {
		if (container_export(e, c, out, err) < 0)
			return -1;
		return lseek(out, 0, SEEK_SET) < 0 ? werr_set(err, errno, "seek") : steal_fd(&out);
	}
	dir = container_dir(e, c->id);
	upper = xasprintf("%s/upper", dir);
	ufd = open(upper, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (ufd < 0)
		return werr_set(err, errno, "open '%s'", upper);
	if (layer_tar_dir(ufd, out, err) < 0)
		return werr_wrap(err, "write the changes of %.12s", c->id);
	return lseek(out, 0, SEEK_SET) < 0 ? werr_set(err, errno, "seek") : steal_fd(&out);
}

/* A squashed image: the parent's config without its layers and history. */
static void squash_config(struct json_object *root)
{
	json_object_object_del(root, "history");
	json_object_object_del(root, "rootfs");
}

static int commit_locked(struct engine *e, const struct container_rec *c,
			 const struct commit_opts *o, const struct image_rec *parent,
			 char id_out[DIGEST_HEX_LEN + 1], struct werr *err)
{
	bool whole = o->squash || container_driver(c) == DRIVER_VFS;
	cleanup_json struct json_object *root = image_config_base(parent, err);
	cleanup_free char *name = o->name ? image_local_name(o->name, err) : NULL;
	cleanup_strv char **names = NULL;
	cleanup_free char *by = NULL;
	cleanup_close int fd = -1;
	struct image_new n = {.layer_fd = -1};

	if (root == NULL || (o->name && name == NULL))
		return -1;
	if (whole && !o->squash)
		log_debug("vfs keeps no record of the changes: committing the whole rootfs");
	container_settings(root, c, o->include_volumes);
	if (apply_changes(root, o->changes, err) < 0)
		return -1;
	if (whole)
		squash_config(root);
	if (o->docker && o->message && *o->message)
		jset_str(root, "comment", o->message);
	fd = commit_changes_tar(e, c, whole, err);
	if (fd < 0)
		return -1;
	by = strv_join(c->command, " ");
	names = name ? strv_append(NULL, name) : NULL;
	n = (struct image_new){.parent = whole ? NULL : parent,
			       .config = root,
			       .layer_fd = fd,
			       .created_by = by,
			       .comment = o->message,
			       .author = o->author,
			       .names = names};
	if (image_commit_new(e, &n, id_out, err) < 0)
		return -1;
	image_event(e, "commit", id_out, name);
	return 0;
}

int container_commit(struct engine *e, const char *ref, const struct commit_opts *o,
		     char id_out[DIGEST_HEX_LEN + 1], struct werr *err)
{
	struct container_rec c = {0};
	struct image_rec parent = {0};
	bool paused = false;
	int rc;

	if (commit_opts_check(o, err) < 0)
		return werr_status(err, 125);
	rc = container_lookup(e, ref, &c, err);
	if (rc == 0)
		container_not_found(ref, err);
	if (rc <= 0)
		return -1;
	rc = c.image_id && c.image_id[0] ? store_image_get(e->store, c.image_id, &parent, err) : 0;
	if (rc == 0)
		werr_set(err, ENOENT, "container %.12s has no image to commit onto (--rootfs?)",
			 c.id);
	if (rc > 0 && o->pause && c.state == CTR_RUNNING && !c.paused) {
		/* a host where pause cannot work (rootless cgroup v1) still
		 * commits, as without --pause, and says so */
		struct werr perr = {0};
		paused = container_pause(e, &c, true, &perr) == 0;
		if (!paused)
			log_warn("committing %.12s without pausing it: %s", c.id, perr.msg);
	}
	if (rc > 0)
		rc = commit_locked(e, &c, o, &parent, id_out, err);
	if (paused) {
		struct werr uerr = {0};
		if (container_pause(e, &c, false, &uerr) < 0)
			log_warn("%s", uerr.msg);
	}
	image_rec_free(&parent);
	container_rec_free(&c);
	return rc < 0 ? -1 : 0;
}
