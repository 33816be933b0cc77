/* ctr_userns.c - a container's user namespace options into maps. */
#include "runtime/ctr_userns.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/spec.h"
#include "runtime/userlookup.h"
#include "storage/store.h"

/* --userns=auto without size=: Podman's auto-userns-min-size */
#define AUTO_DEFAULT_SIZE 1024u
/* the user whose /etc/subuid ranges --userns=auto hands out as root (Podman's) */
#define AUTO_USER "containers"

static const char exclusive[] =
    "--userns and --uidmap/--gidmap/--subuidname/--subgidname are mutually exclusive";

/* The map of the namespace we run in: /proc/self/uid_map (gid_map). */
static int own_map(bool gid, struct idmap *out, size_t *n, struct werr *err)
{
	const char *path = gid ? "/proc/self/gid_map" : "/proc/self/uid_map";
	cleanup_free char *text = read_file_at(AT_FDCWD, path, NULL, err);
	int k;

	if (text == NULL)
		return -1;
	k = idmap_parse(text, out, IDMAPOPT_MAX);
	if (k < 0)
		return werr_set(err, 0, "cannot parse '%s'", path);
	*n = (size_t)k;
	return 0;
}

/* --uidmap/--gidmap values into m; each is checked against our own map. */
static int parse_maps(char **v, const char *what, struct idmap *m, size_t *n, struct werr *err)
{
	struct idmap own[IDMAPOPT_MAX];
	size_t nown = 0, k = 0;

	for (char **p = v; p && *p; p++) {
		if (k == IDMAPOPT_MAX)
			return werr_set(err, 0, "too many --%cidmap values (at most %d)",
					what[0] == 'U' ? 'u' : 'g', IDMAPOPT_MAX);
		if (idmapopt_parse(*p, what, &m[k++], err) < 0)
			return werr_wrap(err, "initializing ID mappings");
	}
	*n = k;
	if (own_map(what[0] == 'G', own, &nown, err) < 0)
		return -1;
	return idmapopt_check(m, k, own, nown, what, err);
}

/* --subuidname/--subgidname NAME (root): container 0.. onto NAME's ranges
 * of /etc/subuid (subgid), in file order. */
static int subname_maps(const char *name, bool gid, struct idmap *m, size_t *n, struct werr *err)
{
	const char *file = gid ? "/etc/subgid" : "/etc/subuid";
	cleanup_free struct subid_entry *v = NULL;
	size_t nv = 0, k = 0;
	uint64_t inner = 0;

	if (subid_file_load(file, &v, &nv) < 0)
		nv = 0;
	for (size_t i = 0; i < nv && k < IDMAPOPT_MAX; i++) {
		if (strcmp(v[i].owner, name) != 0 || v[i].count == 0 ||
		    inner + v[i].count > (uint64_t)UINT32_MAX)
			continue;
		m[k++] = (struct idmap){(uint32_t)inner, v[i].start, v[i].count};
		inner += v[i].count;
	}
	if (k == 0)
		return werr_set(err, 0, "no sub%cid ranges found for user \"%s\" in %s",
				gid ? 'g' : 'u', name, file);
	*n = k;
	return 0;
}

/* --uidmap/--gidmap/--subuidname/--subgidname (no --userns). A map given
 * for one kind only serves for both, as in Podman. */
static int explicit_maps(struct engine *e, const struct run_opts *o, struct ctr_userns *u,
			 struct werr *err)
{
	const char *subu = o->subuidname ? o->subuidname : o->subgidname;
	const char *subg = o->subgidname ? o->subgidname : o->subuidname;

	u->kind = CTR_USERNS_PRIVATE;
	u->mode = "private";
	if (subu != NULL) {
		if (e->rootless)
			return werr_set(err, 0,
					"--subuidname and --subgidname need root: rootless, use "
					"--uidmap and --gidmap with ids of the user namespace");
		if (o->uidmap || o->gidmap)
			return werr_set(err, 0,
					"--uidmap/--gidmap and --subuidname/--subgidname "
					"are mutually exclusive");
		if (subname_maps(subu, false, u->uid, &u->nuid, err) < 0 ||
		    subname_maps(subg, true, u->gid, &u->ngid, err) < 0)
			return -1;
		return 0;
	}
	if ((o->uidmap && parse_maps(o->uidmap, "UID", u->uid, &u->nuid, err) < 0) ||
	    (o->gidmap && parse_maps(o->gidmap, "GID", u->gid, &u->ngid, err) < 0))
		return -1;
	if (o->uidmap == NULL) {
		memcpy(u->uid, u->gid, sizeof(u->uid));
		u->nuid = u->ngid;
	} else if (o->gidmap == NULL) {
		memcpy(u->gid, u->uid, sizeof(u->gid));
		u->ngid = u->nuid;
	}
	return 0;
}

/* keep-id[:uid=N,gid=N] and nomap: rootless only. */
static int keep_id_maps(struct engine *e, const char *opts, bool nomap, struct ctr_userns *u,
			struct werr *err)
{
	struct idmap own[IDMAPOPT_MAX];
	size_t nu = 0, ng = 0;
	struct usernsopt k = {0};
	uint32_t au, ag;

	if (!e->rootless)
		return werr_set(err, 0, "%s is only supported in rootless mode",
				nomap ? "nomap" : "keep-id");
	if (opts != NULL && (nomap || usernsopt_parse(opts, true, &k, err) < 0))
		return nomap ? werr_set(err, 0, "unrecognized namespace mode nomap:%s passed", opts)
			     : -1;
	if (own_map(false, own, &nu, err) < 0)
		return -1;
	au = idmapopt_avail(own, nu);
	if (own_map(true, own, &ng, err) < 0)
		return -1;
	ag = idmapopt_avail(own, ng);
	u->kind = CTR_USERNS_PRIVATE;
	u->mode = "private";
	if (nomap) {
		/* every sub-id, but not the user's own id */
		if (au < 2 || ag < 2)
			return werr_set(err, 0,
					"--userns=nomap needs /etc/subuid and /etc/subgid "
					"ranges for the user");
		u->uid[0] = (struct idmap){0, 1, au - 1};
		u->gid[0] = (struct idmap){0, 1, ag - 1};
		u->nuid = u->ngid = 1;
		return 0;
	}
	u->keep_id = true;
	u->keep_uid = k.has_uid ? k.uid : (uint32_t)e->uid;
	u->keep_gid = k.has_gid ? k.gid : (uint32_t)e->gid;
	u->keep_name =
	    k.has_uid || !e->user || !*e->user ? xasprintf("%u", u->keep_uid) : xstrdup(e->user);
	u->nuid = idmapopt_keep_id(u->keep_uid, au, u->uid);
	u->ngid = idmapopt_keep_id(u->keep_gid, ag, u->gid);
	return 0;
}

/* Host ranges of the other --userns=auto containers (their stored
 * HostConfig.IDMappings). */
static int auto_used(struct engine *e, struct idrange **out, size_t *n, struct werr *err)
{
	struct container_rec *v = NULL;
	size_t nv = 0, k = 0;
	struct idrange *r = NULL;

	if (engine_store(e, err) == NULL || store_container_list(e->store, &v, &nv, err) < 0)
		return -1;
	for (size_t i = 0; i < nv; i++) {
		cleanup_json struct json_object *j =
		    v[i].config ? json_tokener_parse(v[i].config) : NULL;
		struct json_object *maps =
		    jget(jget(jget(j, "HostConfig"), "IDMappings"), "UidMap");
		if (!json_object_get_boolean(jget(j, "WarrenUsernsAuto")))
			continue;
		for (size_t m = 0; m < jlen(maps); m++) {
			struct idmap x;
			struct werr ignore = {0};
			const char *s = json_object_get_string(json_object_array_get_idx(maps, m));
			if (s == NULL || idmapopt_parse(s, "UID", &x, &ignore) < 0)
				continue;
			r = xrealloc(r, (k + 1) * sizeof(*r));
			r[k++] = (struct idrange){x.outer, x.count};
		}
	}
	container_recs_free(v, nv);
	*out = r;
	*n = k;
	return 0;
}

/* Where auto ranges come from: as root, the first /etc/subuid range of
 * "containers"; rootless, the sub-ids of the pause namespace (1..N-1). */
static int auto_source(struct engine *e, uint32_t *start, uint32_t *count, struct werr *err)
{
	struct idmap own[IDMAPOPT_MAX], m[1];
	size_t n = 0;
	uint32_t avail;

	if (e->rootless) {
		if (own_map(false, own, &n, err) < 0)
			return -1;
		avail = idmapopt_avail(own, n);
		if (own_map(true, own, &n, err) < 0)
			return -1;
		if (idmapopt_avail(own, n) < avail)
			avail = idmapopt_avail(own, n);
		*start = 1;
		*count = avail > 0 ? avail - 1 : 0;
		return 0;
	}
	if (subname_maps(AUTO_USER, false, m, &n, err) < 0)
		return werr_wrap(err, "--userns=auto takes ids from the /etc/subuid and "
				      "/etc/subgid ranges of user \"" AUTO_USER "\"");
	*start = m[0].outer;
	*count = m[0].count;
	return 0;
}

static int auto_maps(struct engine *e, const char *opts, struct ctr_userns *u, struct werr *err)
{
	struct usernsopt a = {0};
	cleanup_free struct idrange *used = NULL;
	size_t nused = 0;
	uint32_t from, count, start, size;

	if (opts != NULL && usernsopt_parse(opts, false, &a, err) < 0)
		return -1;
	size = a.has_size ? a.size : AUTO_DEFAULT_SIZE;
	if (auto_source(e, &from, &count, err) < 0 || auto_used(e, &used, &nused, err) < 0)
		return -1;
	if (idmapopt_auto_pick(from, count, used, nused, size, &start) < 0)
		return werr_set(err, 0,
				"creating container storage: could not find enough "
				"available IDs");
	u->kind = CTR_USERNS_PRIVATE;
	u->mode = "private";
	u->auto_ = true;
	u->uid[0] = u->gid[0] = (struct idmap){0, start, size};
	u->nuid = u->ngid = 1;
	return 0;
}

static int ns_path(const char *path, struct ctr_userns *u, struct werr *err)
{
	struct stat st;

	if (path[0] != '/' || stat(path, &st) < 0)
		return werr_set(err, 0, "cannot find specified user namespace path: stat %s: %s",
				path, path[0] != '/' ? "not an absolute path" : strerror(errno));
	u->kind = CTR_USERNS_PATH;
	u->path = xstrdup(path);
	return 0;
}

/* The mode word and its options: "keep-id:uid=1" is "keep-id", "uid=1". */
static bool mode_is(const char *mode, const char *word, const char **opts)
{
	size_t n = strlen(word);

	if (strncmp(mode, word, n) != 0 || (mode[n] != '\0' && mode[n] != ':'))
		return false;
	*opts = mode[n] == ':' ? mode + n + 1 : NULL;
	return true;
}

static int userns_mode(struct engine *e, const char *mode, struct ctr_userns *u, struct werr *err)
{
	const char *opts = NULL;

	if (strcmp(mode, "host") == 0) {
		u->mode = "host";
		return 0;
	}
	if (mode_is(mode, "keep-id", &opts))
		return keep_id_maps(e, opts, false, u, err);
	if (mode_is(mode, "nomap", &opts))
		return keep_id_maps(e, opts, true, u, err);
	if (mode_is(mode, "auto", &opts))
		return auto_maps(e, opts, u, err);
	if (str_has_prefix(mode, "ns:")) {
		return ns_path(mode + 3, u, err);
	}
	return werr_set(err, 0, "unrecognized namespace mode %s passed", mode);
}

int ctr_userns_resolve(struct engine *e, const struct run_opts *o, struct ctr_userns *u,
		       struct werr *err)
{
	bool maps = o->uidmap || o->gidmap || o->subuidname || o->subgidname;
	int r;

	memset(u, 0, sizeof(*u));
	u->mode = "";
	if (o->userns && *o->userns && maps)
		r = werr_set(err, 0, "%s", exclusive);
	else if (o->userns && *o->userns)
		r = userns_mode(e, o->userns, u, err);
	else
		r = maps ? explicit_maps(e, o, u, err) : 0;
	if (r < 0) {
		ctr_userns_free(u);
		return werr_status(err, 125);
	}
	return 0;
}

void ctr_userns_free(struct ctr_userns *u)
{
	free(u->path);
	free(u->keep_name);
	u->path = u->keep_name = NULL;
}

bool ctr_userns_maps_gid(const struct ctr_userns *u, uint32_t g)
{
	if (u == NULL || u->kind != CTR_USERNS_PRIVATE)
		return true;
	return idmap_to_host(u->gid, u->ngid, g) != (uint32_t)-1;
}

static struct json_object *maps_json(const struct idmap *m, size_t n)
{
	struct json_object *a = json_object_new_array_ext((int)n);

	for (size_t i = 0; i < n; i++) {
		struct json_object *x = json_object_new_object();
		json_object_object_add(x, "containerID", json_object_new_int64(m[i].inner));
		json_object_object_add(x, "hostID", json_object_new_int64(m[i].outer));
		json_object_object_add(x, "size", json_object_new_int64(m[i].count));
		json_object_array_add(a, x);
	}
	return a;
}

void ctr_userns_spec(const struct ctr_userns *u, struct json_object *linux_)
{
	struct json_object *ns;

	if (u == NULL || u->kind == CTR_USERNS_ENGINE)
		return;
	ns = json_object_new_object();
	json_object_object_add(ns, "type", json_object_new_string("user"));
	if (u->kind == CTR_USERNS_PATH)
		json_object_object_add(ns, "path", json_object_new_string(u->path));
	json_object_array_add(jget(linux_, "namespaces"), ns);
	if (u->kind != CTR_USERNS_PRIVATE)
		return;
	json_object_object_add(linux_, "uidMappings", maps_json(u->uid, u->nuid));
	json_object_object_add(linux_, "gidMappings", maps_json(u->gid, u->ngid));
}

static struct json_object *maps_strv(const struct idmap *m, size_t n)
{
	struct json_object *a = json_object_new_array_ext((int)n);
	char buf[40];

	for (size_t i = 0; i < n; i++) {
		idmapopt_format(&m[i], buf, sizeof(buf));
		json_object_array_add(a, json_object_new_string(buf));
	}
	return a;
}

void ctr_userns_config(const struct ctr_userns *u, struct json_object *host,
		       struct json_object *top)
{
	struct json_object *m;

	if (u == NULL)
		return;
	if (u->kind == CTR_USERNS_PATH) {
		cleanup_free char *s = xasprintf("ns:%s", u->path);
		json_object_object_add(host, "UsernsMode", json_object_new_string(s));
	} else {
		json_object_object_add(host, "UsernsMode", json_object_new_string(u->mode));
	}
	if (u->kind != CTR_USERNS_PRIVATE)
		return;
	m = json_object_new_object();
	json_object_object_add(m, "UidMap", maps_strv(u->uid, u->nuid));
	json_object_object_add(m, "GidMap", maps_strv(u->gid, u->ngid));
	json_object_object_add(host, "IDMappings", m);
	if (u->auto_)
		json_object_object_add(top, "WarrenUsernsAuto", json_object_new_boolean(true));
}

/* Does group text have a line for gid? */
static bool group_has_gid(const char *text, uint32_t gid)
{
	char want[16];

	snprintf(want, sizeof(want), "%u", gid);
	for (const char *p = text; p && *p;) {
		size_t n = strcspn(p, "\n");
		const char *c1 = memchr(p, ':', n),
			   *c2 = c1 ? memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - p)) : NULL;
		const char *end = c2 ? memchr(c2 + 1, ':', n - (size_t)(c2 + 1 - p)) : NULL;
		if (end && (size_t)(end - c2 - 1) == strlen(want) &&
		    strncmp(c2 + 1, want, strlen(want)) == 0)
			return true;
		p += n + (p[n] == '\n');
	}
	return false;
}

/* ctr_dir/name = image text + line, bind-mounted on /etc/name. */
static int add_etc_file(const char *ctr_dir, const char *name, const char *image, const char *line,
			struct json_object *mounts, struct werr *err)
{
	cleanup_close int dfd = open(ctr_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_free char *text = NULL, *src = xasprintf("%s/%s", ctr_dir, name);
	cleanup_free char *dst = xasprintf("/etc/%s", name);
	struct json_object *m;
	size_t il = image ? strlen(image) : 0;

	if (dfd < 0)
		return werr_set(err, errno, "open container directory '%s'", ctr_dir);
	text =
	    xasprintf("%s%s%s", image ? image : "", il && image[il - 1] != '\n' ? "\n" : "", line);
	if (write_file_at(dfd, name, text, strlen(text), 0644, err) < 0)
		return werr_wrap(err, "write '%s'", src);
	m = json_object_new_object();
	json_object_object_add(m, "destination", json_object_new_string(dst));
	json_object_object_add(m, "type", json_object_new_string("bind"));
	json_object_object_add(m, "source", json_object_new_string(src));
	json_object_object_add(m, "options", jnew_strv((char *[]){"rbind", "rprivate", NULL}));
	json_object_array_add(mounts, m);
	return 0;
}

/* Podman's entries: "name:*:uid:gid:gecos:/:/bin/sh" and "group:x:gid:name";
 * keep-id:uid=N names both by number, "container user" as gecos. */
static int keep_id_etc(const struct ctr_userns *u, const char *rootfs, const char *ctr_dir,
		       struct json_object *mounts, struct werr *err)
{
	cleanup_close int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_free char *passwd = NULL, *group = NULL, *pl = NULL, *gl = NULL;
	struct pw_entry pw = {0};
	bool numeric = strspn(u->keep_name, "0123456789") == strlen(u->keep_name);

	if (rootfd < 0)
		return werr_set(err, errno, "open rootfs '%s'", rootfs);
	passwd = rootfs_read_file(rootfd, "etc/passwd", USERLOOKUP_MAX_FILE, NULL);
	group = rootfs_read_file(rootfd, "etc/group", USERLOOKUP_MAX_FILE, NULL);
	if (passwd_find(passwd, NULL, u->keep_uid, &pw) == 1) {
		pw_entry_free(&pw);
	} else {
		pl = xasprintf("%s:*:%u:%u:%s:/:/bin/sh\n", u->keep_name, u->keep_uid, u->keep_gid,
			       numeric ? "container user" : "");
		if (add_etc_file(ctr_dir, "passwd", passwd, pl, mounts, err) < 0)
			return -1;
	}
	if (group_has_gid(group, u->keep_gid))
		return 0;
	if (numeric)
		gl = xasprintf("%u:x:%u:%s\n", u->keep_gid, u->keep_gid, u->keep_name);
	else
		gl = xasprintf("%s:x:%u:%s\n", u->keep_name, u->keep_gid, u->keep_name);
	return add_etc_file(ctr_dir, "group", group, gl, mounts, err);
}

int ctr_userns_etc(const struct ctr_userns *u, const char *rootfs, const char *ctr_dir,
		   struct json_object *spec, struct werr *err)
{
	struct json_object *mounts = jget(spec, "mounts");
	struct json_object *groups = jget(jget(jget(spec, "process"), "user"), "additionalGids");
	static const char *const files[] = {"hostname", "hosts", "resolv.conf", "passwd", "group"};
	cleanup_close int dfd = -1;
	uint32_t ru, rg;

	if (u == NULL || u->kind != CTR_USERNS_PRIVATE)
		return 0;
	if (u->keep_id && keep_id_etc(u, rootfs, ctr_dir, mounts, err) < 0)
		return -1;
	if (u->keep_user && groups != NULL && jlen(groups) == 0)
		json_object_array_add(groups, json_object_new_int64(u->keep_gid));
	ru = idmap_to_host(u->uid, u->nuid, 0);
	rg = idmap_to_host(u->gid, u->ngid, 0);
	if (ru == (uint32_t)-1 || rg == (uint32_t)-1)
		return 0;
	dfd = open(ctr_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return werr_set(err, errno, "open container directory '%s'", ctr_dir);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		if (fchownat(dfd, files[i], ru, rg, AT_SYMLINK_NOFOLLOW) < 0 && errno != ENOENT)
			return werr_set(err, errno, "chown '%s/%s'", ctr_dir, files[i]);
	return 0;
}

enum ctr_rootfs_map ctr_userns_storage(struct engine *e, struct ctr_userns *u,
				       enum storage_driver *d)
{
	if (u->kind == CTR_USERNS_ENGINE)
		return CTR_ROOTFS_PLAIN;
	if (e->in_userns || *d == DRIVER_FUSE_OVERLAYFS) {
		if (u->kind == CTR_USERNS_PATH) {
			u->rootfs_idmap = "none";
			return CTR_ROOTFS_PLAIN;
		}
		u->rootfs_idmap = "fuse-overlayfs";
		*d = DRIVER_FUSE_OVERLAYFS;
		return CTR_ROOTFS_FUSE;
	}
	if (*d == DRIVER_VFS)
		return CTR_ROOTFS_PLAIN;
	u->rootfs_idmap = "idmapped-layers";
	return CTR_ROOTFS_LAYERS;
}

static char *map_text(const struct idmap *m, size_t n)
{
	char *s = xstrdup("");

	for (size_t i = 0; i < n; i++) {
		char *t = xasprintf("%s%u %u %u\n", s, m[i].inner, m[i].outer, m[i].count);
		free(s);
		s = t;
	}
	return s;
}

static int write_proc(pid_t pid, const char *name, const char *text, struct werr *err)
{
	cleanup_free char *path = xasprintf("/proc/%d/%s", (int)pid, name);
	cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return werr_set(err, errno, "write '%s'", path);
	return 0;
}

int ctr_userns_fd(const struct ctr_userns *u, struct werr *err)
{
	cleanup_free char *um = map_text(u->uid, u->nuid), *gm = map_text(u->gid, u->ngid);
	cleanup_free char *ns = NULL;
	int p[2], fd = -1;
	pid_t pid;

	if (u->kind == CTR_USERNS_PATH) {
		fd = open(u->path, O_RDONLY | O_CLOEXEC);
		return fd < 0 ? werr_set(err, errno, "open '%s'", u->path) : fd;
	}
	if (pipe2(p, O_CLOEXEC) < 0)
		return werr_set(err, errno, "pipe");
	/* a child that only holds the namespace until we have its fd */
	pid = (pid_t)syscall(SYS_clone, (unsigned long)(CLONE_NEWUSER | SIGCHLD), NULL, NULL, NULL,
			     0);
	if (pid == 0) {
		char c;
		close(p[1]);
		_exit(read(p[0], &c, 1) < 0);
	}
	close(p[0]);
	if (pid < 0) {
		close(p[1]);
		return werr_set(err, errno, "clone a user namespace");
	}
	ns = xasprintf("/proc/%d/ns/user", (int)pid);
	if (write_proc(pid, "uid_map", um, err) == 0 && write_proc(pid, "gid_map", gm, err) == 0 &&
	    (fd = open(ns, O_RDONLY | O_CLOEXEC)) < 0)
		werr_set(err, errno, "open '%s'", ns);
	close(p[1]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return fd;
}

char *ctr_userns_fuse_map(const struct idmap *m, size_t n)
{
	char *s = xstrdup("");

	for (size_t i = 0; i < n; i++) {
		char *t =
		    xasprintf("%s%s%u:%u:%u", s, i ? ":" : "", m[i].inner, m[i].outer, m[i].count);
		free(s);
		s = t;
	}
	return s;
}

int ctr_userns_mount(struct engine *e, enum storage_driver d, const struct ctr_userns *u,
		     enum ctr_rootfs_map how, const char *dir, char *const *layers,
		     const char *lower, bool ephemeral, struct werr *err)
{
	cleanup_free char *um = NULL, *gm = NULL;
	struct idmap_target im = {-1, 0, 0};
	int rc;

	switch (how) {
	case CTR_ROOTFS_FUSE:
		um = ctr_userns_fuse_map(u->uid, u->nuid);
		gm = ctr_userns_fuse_map(u->gid, u->ngid);
		return rootfs_mount_mapped(e, dir, layers, lower, um, gm, err);
	case CTR_ROOTFS_LAYERS:
		if (lower != NULL) /* a FILE.sqsh: mounted in a user namespace */
			return werr_set(err, 0,
					"a FILE.sqsh with a user namespace of its own needs "
					"fuse-overlayfs (no idmapped mount of a FUSE mount)");
		im.userns_fd = ctr_userns_fd(u, err);
		if (im.userns_fd < 0)
			return -1;
		/* ns:PATH: maps unknown here, root is a guess */
		if (u->kind == CTR_USERNS_PRIVATE) {
			im.root_uid = idmap_to_host(u->uid, u->nuid, 0);
			im.root_gid = idmap_to_host(u->gid, u->ngid, 0);
		}
		rc = rootfs_mount_idmapped(e, dir, layers, &im, err);
		close(im.userns_fd);
		return rc;
	default:
		if (lower != NULL)
			return rootfs_mount_dir(e, d, dir, lower, ephemeral, err);
		return rootfs_mount(e, d, dir, layers, ephemeral, err);
	}
}

/* "C:H:S" strings of a stored IDMappings list into m. */
static size_t maps_of(struct json_object *arr, struct idmap *m)
{
	size_t k = 0;

	for (size_t i = 0; i < jlen(arr) && k < IDMAPOPT_MAX; i++) {
		struct werr ignore = {0};
		const char *s = json_object_get_string(json_object_array_get_idx(arr, i));
		if (s != NULL && idmapopt_parse(s, "UID", &m[k], &ignore) == 0)
			k++;
	}
	return k;
}

int ctr_userns_remount(struct engine *e, enum storage_driver d, const char *config, const char *dir,
		       char *const *layers, const char *lower, bool ephemeral, struct werr *err)
{
	cleanup_json struct json_object *j = config ? json_tokener_parse(config) : NULL;
	struct json_object *host = jget(j, "HostConfig"), *maps = jget(host, "IDMappings");
	const char *mode = jstr(host, "UsernsMode");
	struct ctr_userns u;
	enum ctr_rootfs_map how;
	int rc;

	memset(&u, 0, sizeof(u));
	if (maps != NULL) {
		u.kind = CTR_USERNS_PRIVATE;
		u.nuid = maps_of(jget(maps, "UidMap"), u.uid);
		u.ngid = maps_of(jget(maps, "GidMap"), u.gid);
	} else if (mode != NULL && str_has_prefix(mode, "ns:")) {
		u.kind = CTR_USERNS_PATH;
		u.path = xstrdup(mode + 3);
	}
	how = ctr_userns_storage(e, &u, &d);
	rc = ctr_userns_mount(e, d, &u, how, dir, layers, lower, ephemeral, err);
	ctr_userns_free(&u);
	return rc;
}
