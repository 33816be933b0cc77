/* devices.c - --device by path and by CDI name (see devices.h). */
#include "runtime/devices.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "lib/yamljson.h"

#define BAD(...) (werr_set(err, 0, __VA_ARGS__), werr_status(err, 125))

static const char *const default_cdi_dirs[] = {"/etc/cdi", "/var/run/cdi", NULL};

bool devices_is_cdi(const char *arg)
{
	const char *eq = strchr(arg, '='), *slash = strchr(arg, '/');

	/* VENDOR/CLASS=NAME: a vendor with a dot or not, never a path */
	return arg[0] != '/' && eq != NULL && slash != NULL && slash < eq && eq[1] != '\0' &&
	       slash != arg && eq - slash > 1;
}

static bool perms_ok(const char *p)
{
	return *p != '\0' && strspn(p, "rwm") == strlen(p) && strlen(p) <= 3;
}

int devices_parse(const char *arg, struct dev_node *out, struct werr *err)
{
	cleanup_strv char **parts = NULL;
	const char *host, *ctr, *perms = "";
	size_t n;

	*out = (struct dev_node){0};
	for (const char *p = arg;;) {
		size_t len = strcspn(p, ":");
		cleanup_free char *part = xstrndup(p, len);
		parts = strv_append(parts, part);
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	n = strv_len(parts);
	host = parts[0];
	ctr = host;
	if (n > 3)
		return BAD("invalid device specification: %s", arg);
	if (n == 2) {
		/* HOST:PERMS or HOST:CONTAINER */
		if (parts[1][0] == '/')
			ctr = parts[1];
		else if (perms_ok(parts[1]))
			perms = parts[1];
		else
			return BAD("invalid device mode: %s", parts[1]);
	} else if (n == 3) {
		ctr = parts[1];
		perms = parts[2];
		if (!perms_ok(perms))
			return BAD("invalid device mode: %s", perms);
	}
	if (host[0] == '\0')
		return BAD("invalid device specification: %s", arg);
	if (ctr[0] != '/')
		return BAD("invalid device mode: %s", ctr);
	out->host = xstrdup(host);
	out->ctr = xstrdup(ctr);
	out->perms = xstrdup(perms);
	return 0;
}

int devices_check_arg(const char *arg, struct werr *err)
{
	struct dev_node d;

	if (devices_is_cdi(arg))
		return 0;
	if (devices_parse(arg, &d, err) < 0)
		return -1;
	free(d.host);
	free(d.ctr);
	free(d.perms);
	return 0;
}

static void add_node(struct dev_edits *d, const char *host, const char *ctr, const char *perms)
{
	d->nodes = xrealloc(d->nodes, (d->nnodes + 1) * sizeof(*d->nodes));
	d->nodes[d->nnodes++] =
	    (struct dev_node){.host = xstrdup(host), .ctr = xstrdup(ctr), .perms = xstrdup(perms)};
}

/* HOST[:CONTAINER][:PERMS]: a device node, or a directory's device nodes
 * (one level, as /dev/dri/card0, /dev/dri/renderD128 under /dev/dri). */
static int path_device(const char *arg, struct dev_edits *d, struct werr *err)
{
	struct dev_node n;
	struct stat st;
	int rc = 0;

	if (devices_parse(arg, &n, err) < 0)
		return -1;
	if (stat(n.host, &st) < 0) {
		rc = werr_set(err, errno, "stat %s", n.host);
		rc = werr_status(err, 125);
	} else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		add_node(d, n.host, n.ctr, n.perms);
	} else if (S_ISDIR(st.st_mode)) {
		DIR *dir = opendir(n.host);
		struct dirent *de;
		while (dir && (de = readdir(dir)) != NULL) {
			cleanup_free char *h = xasprintf("%s/%s", n.host, de->d_name);
			cleanup_free char *c = xasprintf("%s/%s", n.ctr, de->d_name);
			struct stat es;
			if (de->d_name[0] != '.' && lstat(h, &es) == 0 &&
			    (S_ISCHR(es.st_mode) || S_ISBLK(es.st_mode)))
				add_node(d, h, c, n.perms);
		}
		if (dir)
			closedir(dir);
	} else {
		rc = BAD("%s is not a valid device: not a device node", n.host);
	}
	free(n.host);
	free(n.ctr);
	free(n.perms);
	return rc;
}

/* ---- CDI ---- */

/* One spec's containerEdits applied to d; what names the spec and device
 * for errors. */
static int cdi_edits(struct json_object *edits, const char *what, struct dev_edits *d,
		     struct werr *err)
{
	struct json_object *v;

	static const char *const lists[] = {"hooks", "env", "deviceNodes", "mounts"};

	if (edits == NULL)
		return 0;
	if (!json_object_is_type(edits, json_type_object))
		return BAD("%s: containerEdits is not an object", what);
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
		if ((v = jget(edits, lists[i])) != NULL && !json_object_is_type(v, json_type_array))
			return BAD("%s: containerEdits.%s is not a list", what, lists[i]);
	if ((v = jget(edits, "hooks")) != NULL && json_object_array_length(v) > 0)
		return BAD("%s: CDI hooks are not supported (warren runs no programs from CDI "
			   "specs)",
			   what);
	v = jget(edits, "env");
	for (size_t i = 0; v && i < json_object_array_length(v); i++) {
		const char *e = json_object_get_string(json_object_array_get_idx(v, i));
		if (!json_object_is_type(json_object_array_get_idx(v, i), json_type_string) ||
		    strchr(e, '=') == NULL || e[0] == '=')
			return BAD("%s: env entries must be \"KEY=VALUE\" strings", what);
		d->env = strv_append(d->env, e);
	}
	v = jget(edits, "deviceNodes");
	for (size_t i = 0; v && i < json_object_array_length(v); i++) {
		struct json_object *n = json_object_array_get_idx(v, i);
		const char *path = jstr(n, "path"), *host = jstr(n, "hostPath");
		const char *perms = jstr(n, "permissions");
		struct stat st;
		if (path == NULL || path[0] != '/' || (host != NULL && host[0] != '/'))
			return BAD("%s: a deviceNode without an absolute path", what);
		if (host == NULL)
			host = path;
		if (stat(host, &st) < 0 || !(S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)))
			return BAD("%s: %s is not a device node on this host", what, host);
		add_node(d, host, path, perms && perms_ok(perms) ? perms : "");
	}
	v = jget(edits, "mounts");
	for (size_t i = 0; v && i < json_object_array_length(v); i++) {
		struct json_object *m = json_object_array_get_idx(v, i), *o = jget(m, "options");
		const char *host = jstr(m, "hostPath"), *ctr = jstr(m, "containerPath");
		if (host == NULL || ctr == NULL || host[0] != '/' || ctr[0] != '/')
			return BAD("%s: a mount needs absolute hostPath and containerPath", what);
		if (o != NULL && !json_object_is_type(o, json_type_array))
			return BAD("%s: mount options must be a list", what);
		for (size_t k = 0; o != NULL && k < json_object_array_length(o); k++)
			if (!json_object_is_type(json_object_array_get_idx(o, k), json_type_string))
				return BAD("%s: mount options must be strings", what);
		d->mounts = xrealloc(d->mounts, (d->nmounts + 1) * sizeof(*d->mounts));
		d->mounts[d->nmounts++] = (struct dev_mount){
		    .host = xstrdup(host), .ctr = xstrdup(ctr), .opts = o ? jstrv(o) : NULL};
	}
	return 0;
}

/* The device NAME of spec (kind KIND) into d: 1 applied, 0 not in it. */
static int cdi_from_spec(struct json_object *spec, const char *file, const char *kind,
			 const char *name, struct dev_edits *d, struct werr *err)
{
	struct json_object *devs = jget(spec, "devices");
	const char *k = jstr(spec, "kind");
	cleanup_free char *what = NULL;

	if (k == NULL || strcmp(k, kind) != 0 || !json_object_is_type(devs, json_type_array))
		return 0;
	for (size_t i = 0; i < json_object_array_length(devs); i++) {
		struct json_object *dev = json_object_array_get_idx(devs, i);
		const char *n = jstr(dev, "name");
		if (n == NULL || strcmp(n, name) != 0)
			continue;
		what = xasprintf("CDI spec %s, device %s=%s", file, kind, name);
		if (cdi_edits(jget(spec, "containerEdits"), what, d, err) < 0 ||
		    cdi_edits(jget(dev, "containerEdits"), what, d, err) < 0)
			return -1;
		return 1;
	}
	return 0;
}

/* A CDI name from the spec dirs: the later dir wins (/var/run/cdi's
 * generated specs over /etc/cdi's), and in a dir the files in name order. */
static int cdi_device(const char *arg, char *const *dirs, struct dev_edits *d, struct werr *err)
{
	const char *eq = strchr(arg, '=');
	cleanup_free char *kind = xstrndup(arg, (size_t)(eq - arg));
	const char *name = eq + 1;
	size_t nd = strv_len((char **)dirs);

	for (size_t i = nd; i-- > 0;) {
		struct dirent **ents = NULL;
		int n = scandir(dirs[i], &ents, NULL, alphasort), found = 0;
		for (int j = 0; j < n; j++) {
			const char *f = ents[j]->d_name;
			size_t len = strlen(f);
			bool spec = (len > 5 && strcmp(f + len - 5, ".json") == 0) ||
				    (len > 5 && strcmp(f + len - 5, ".yaml") == 0);
			if (!found && spec) {
				cleanup_free char *path = xasprintf("%s/%s", dirs[i], f);
				cleanup_json struct json_object *docs = NULL;
				struct werr e2 = {0};
				/* a spec that cannot be read is skipped, as CDI's registry does */
				if (yaml_to_json_file(path, &docs, &e2) == 0 &&
				    json_object_array_length(docs) > 0)
					found = cdi_from_spec(json_object_array_get_idx(docs, 0),
							      path, kind, name, d, err);
			}
			free(ents[j]);
		}
		free(ents);
		if (found < 0)
			return -1;
		if (found)
			return 0;
	}
	return BAD("setting up CDI devices: unresolvable CDI devices %s", arg);
}

int devices_resolve(char *const *args, char *const *cdi_dirs, struct dev_edits *out,
		    struct werr *err)
{
	char *const *dirs = cdi_dirs ? cdi_dirs : (char *const *)default_cdi_dirs;

	*out = (struct dev_edits){0};
	for (size_t i = 0; args && args[i]; i++) {
		int rc = devices_is_cdi(args[i]) ? cdi_device(args[i], dirs, out, err)
						 : path_device(args[i], out, err);
		if (rc < 0) {
			dev_edits_free(out);
			return -1;
		}
	}
	return 0;
}

void dev_edits_free(struct dev_edits *d)
{
	for (size_t i = 0; i < d->nnodes; i++) {
		free(d->nodes[i].host);
		free(d->nodes[i].ctr);
		free(d->nodes[i].perms);
	}
	free(d->nodes);
	strv_free(d->env);
	for (size_t i = 0; i < d->nmounts; i++) {
		free(d->mounts[i].host);
		free(d->mounts[i].ctr);
		strv_free(d->mounts[i].opts);
	}
	free(d->mounts);
	*d = (struct dev_edits){0};
}
