/* executor_spec.c - config.json (OCI runtime-spec 1.1) into struct xspec.
 * Runs in the parent before clone; the child never touches json. */
#include "runtime/executor_internal.h"
#include "runtime/ulimits.h"
#include "runtime/executor.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"

/* OCI mount option words that are mount(2) flags. clear: the word removes
 * the flag ("rw", "suid"...). */
static const struct {
	const char *name;
	unsigned long flag;
	bool clear;
} mount_flags[] = {
    {"ro", MS_RDONLY, false},
    {"rw", MS_RDONLY, true},
    {"nosuid", MS_NOSUID, false},
    {"suid", MS_NOSUID, true},
    {"nodev", MS_NODEV, false},
    {"dev", MS_NODEV, true},
    {"noexec", MS_NOEXEC, false},
    {"exec", MS_NOEXEC, true},
    {"sync", MS_SYNCHRONOUS, false},
    {"async", MS_SYNCHRONOUS, true},
    {"dirsync", MS_DIRSYNC, false},
    {"remount", MS_REMOUNT, false},
    {"mand", MS_MANDLOCK, false},
    {"nomand", MS_MANDLOCK, true},
    {"atime", MS_NOATIME, true},
    {"noatime", MS_NOATIME, false},
    {"diratime", MS_NODIRATIME, true},
    {"nodiratime", MS_NODIRATIME, false},
    {"relatime", MS_RELATIME, false},
    {"norelatime", MS_RELATIME, true},
    {"strictatime", MS_STRICTATIME, false},
    {"nostrictatime", MS_STRICTATIME, true},
    {"silent", MS_SILENT, false},
    {"loud", MS_SILENT, true},
};

static const struct {
	const char *name;
	unsigned long flag;
} mount_propagation[] = {
    {"private", MS_PRIVATE},	   {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},	   {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},	   {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

static const struct {
	const char *name;
	int flag;
} namespaces[] = {
    {"pid", CLONE_NEWPID}, {"mount", CLONE_NEWNS},    {"ipc", CLONE_NEWIPC},
    {"uts", CLONE_NEWUTS}, {"network", CLONE_NEWNET}, {"cgroup", CLONE_NEWCGROUP},
};

static const char *const cap_set_names[XCAP_NSETS] = {
    [XCAP_BOUNDING] = "bounding",   [XCAP_EFFECTIVE] = "effective",
    [XCAP_PERMITTED] = "permitted", [XCAP_INHERITABLE] = "inheritable",
    [XCAP_AMBIENT] = "ambient",
};

static void data_append(struct xmount *m, const char *opt)
{
	char *d;

	if (m->data == NULL) {
		m->data = xstrdup(opt);
		return;
	}
	d = xasprintf("%s,%s", m->data, opt);
	free(m->data);
	m->data = d;
}

void xmount_add_option(struct xmount *m, const char *opt)
{
	for (size_t i = 0; i < ARRAY_SIZE(mount_flags); i++) {
		if (strcmp(opt, mount_flags[i].name) != 0)
			continue;
		if (mount_flags[i].clear)
			m->flags &= ~mount_flags[i].flag;
		else
			m->flags |= mount_flags[i].flag;
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(mount_propagation); i++) {
		if (strcmp(opt, mount_propagation[i].name) == 0) {
			m->propagation = mount_propagation[i].flag;
			return;
		}
	}
	if (strcmp(opt, "bind") == 0 || strcmp(opt, "rbind") == 0) {
		m->bind = true;
		m->flags |= MS_BIND | (opt[0] == 'r' ? MS_REC : 0);
		return;
	}
	/* mount(2) takes no flag for these; they only matter to other runtimes */
	if (strcmp(opt, "tmpcopyup") == 0 || strcmp(opt, "notmpcopyup") == 0 ||
	    strcmp(opt, "z") == 0 || strcmp(opt, "Z") == 0 || strcmp(opt, "idmap") == 0)
		return;
	data_append(m, opt);
}

static bool cgroup2_host(void)
{
	struct statfs sf;

	return statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC;
}

static int parse_mount(struct json_object *j, struct xmount *m, struct werr *err)
{
	struct json_object *opts = jget(j, "options");
	const char *dest = jstr(j, "destination");

	if (dest == NULL || dest[0] != '/')
		return werr_set(err, EINVAL, "mount destination '%s' is not absolute",
				dest ? dest : "");
	m->dest = xstrdup(dest);
	m->type = jstrdup(j, "type");
	m->source = jstrdup(j, "source");
	for (size_t i = 0; i < jlen(opts); i++) {
		struct json_object *o = json_object_array_get_idx(opts, i);
		if (json_object_is_type(o, json_type_string))
			xmount_add_option(m, json_object_get_string(o));
	}
	if (m->type != NULL && strcmp(m->type, "cgroup") == 0 && cgroup2_host()) {
		free(m->type); /* "cgroup" in a spec means the host's kind */
		m->type = xstrdup("cgroup2");
	}
	if (m->type != NULL && strcmp(m->type, "bind") == 0) {
		m->bind = true;
		m->flags |= MS_BIND;
	}
	if (m->bind) {
		/* the first bind ignores every flag but MS_BIND|MS_REC */
		m->ro_remount = (m->flags & ~(MS_BIND | MS_REC)) != 0;
		if (m->source == NULL)
			return werr_set(err, EINVAL, "bind mount on '%s' has no source", dest);
	}
	return 0;
}

static int parse_mounts(struct json_object *arr, struct xspec *s, struct werr *err)
{
	s->nmounts = jlen(arr);
	s->mounts = xcalloc(s->nmounts + 1, sizeof(*s->mounts));
	for (size_t i = 0; i < s->nmounts; i++)
		if (parse_mount(json_object_array_get_idx(arr, i), &s->mounts[i], err) < 0)
			return -1;
	return 0;
}

static int cap_bits(struct json_object *arr, uint64_t *out, struct werr *err)
{
	*out = 0;
	for (size_t i = 0; i < jlen(arr); i++) {
		const char *name = json_object_get_string(json_object_array_get_idx(arr, i));
		cap_value_t v;
		if (name == NULL || cap_from_name(name, &v) < 0)
			return werr_set(err, EINVAL, "unknown capability '%s'", name ? name : "");
		if (v > 63)
			return werr_set(err, EINVAL, "capability '%s' out of range", name);
		*out |= 1ULL << v;
	}
	return 0;
}

static int read_cap_last(void)
{
	char buf[16] = "";
	int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return CAP_LAST_CAP;
	buf[n] = '\0';
	return atoi(buf);
}

static int parse_caps(struct json_object *caps, struct xspec *s, struct werr *err)
{
	s->cap_last = read_cap_last();
	if (caps == NULL)
		return 0;
	s->caps_set = true;
	for (int i = 0; i < XCAP_NSETS; i++)
		if (cap_bits(jget(caps, cap_set_names[i]), &s->caps[i], err) < 0)
			return -1;
	return 0;
}

static int parse_rlimits(struct json_object *arr, struct xspec *s, struct werr *err)
{
	s->rlimits = xcalloc(jlen(arr) + 1, sizeof(*s->rlimits));
	for (size_t i = 0; i < jlen(arr); i++) {
		struct json_object *r = json_object_array_get_idx(arr, i);
		const char *type = jstr(r, "type");
		struct xrlimit *x = &s->rlimits[s->nrlimits];
		int res = type ? ulimit_resource(type) : -1;

		if (res < 0)
			return werr_set(err, EINVAL, "unknown rlimit '%s'", type ? type : "");
		x->resource = res;
		x->lim.rlim_cur = (rlim_t)json_object_get_uint64(jget(r, "soft"));
		x->lim.rlim_max = (rlim_t)json_object_get_uint64(jget(r, "hard"));
		s->nrlimits++;
	}
	return 0;
}

static int parse_user(struct json_object *user, struct xspec *s)
{
	struct json_object *gids = jget(user, "additionalGids");

	s->uid = (uid_t)json_object_get_int64(jget(user, "uid"));
	s->gid = (gid_t)json_object_get_int64(jget(user, "gid"));
	s->umask = jget(user, "umask") != NULL ? json_object_get_int(jget(user, "umask")) : -1;
	s->ngroups = jlen(gids);
	s->groups = xcalloc(s->ngroups + 1, sizeof(gid_t));
	for (size_t i = 0; i < s->ngroups; i++)
		s->groups[i] = (gid_t)json_object_get_int64(json_object_array_get_idx(gids, i));
	return 0;
}

static void find_path(struct xspec *s)
{
	s->path_env = STD_PATH;
	for (char **e = s->env; *e != NULL; e++)
		if (str_has_prefix(*e, "PATH="))
			s->path_env = *e + 5;
}

void xspec_set_env(struct xspec *s, char *const *env)
{
	for (; env != NULL && *env != NULL; env++) {
		const char *eq = strchr(*env, '=');
		size_t klen = eq ? (size_t)(eq - *env) : strlen(*env);
		char **p;

		for (p = s->env; *p != NULL; p++)
			if (strncmp(*p, *env, klen) == 0 &&
			    ((*p)[klen] == '=' || (*p)[klen] == '\0'))
				break;
		if (*p == NULL) {
			s->env = strv_append(s->env, *env);
			continue;
		}
		free(*p);
		*p = xstrdup(*env);
	}
	find_path(s);
}

static int parse_process(struct json_object *p, struct xspec *s, struct werr *err)
{
	if (p == NULL)
		return werr_set(err, EINVAL, "config.json has no process");
	s->terminal = json_object_get_boolean(jget(p, "terminal"));
	parse_user(jget(p, "user"), s);
	s->args = jstrv(jget(p, "args"));
	if (s->args[0] == NULL || s->args[0][0] == '\0')
		return werr_set(err, EINVAL, "no command or entrypoint specified");
	s->env = jstrv(jget(p, "env"));
	find_path(s);
	s->cwd = xstrdup(jstr(p, "cwd") != NULL ? jstr(p, "cwd") : "/");
	if (s->cwd[0] != '/')
		return werr_set(err, EINVAL, "cwd '%s' is not absolute", s->cwd);
	if (parse_caps(jget(p, "capabilities"), s, err) < 0)
		return -1;
	s->no_new_privs = json_object_get_boolean(jget(p, "noNewPrivileges"));
	s->oom_set = jget(p, "oomScoreAdj") != NULL;
	s->oom_score_adj = json_object_get_int(jget(p, "oomScoreAdj"));
	return parse_rlimits(jget(p, "rlimits"), s, err);
}

static int parse_namespaces(struct json_object *arr, struct xspec *s, struct werr *err)
{
	for (size_t i = 0; i < jlen(arr); i++) {
		struct json_object *n = json_object_array_get_idx(arr, i);
		const char *type = jstr(n, "type");
		size_t k;

		if (type != NULL && strcmp(type, "user") == 0) {
			if (jstr(n, "path") != NULL)
				s->userns_path = xstrdup(jstr(n, "path"));
			else
				s->ns_flags |= CLONE_NEWUSER;
			continue;
		}
		if (type != NULL && strcmp(type, "network") == 0 && jstr(n, "path") != NULL) {
			free(s->netns_path);
			s->netns_path = xstrdup(jstr(n, "path"));
			continue;
		}
		if (jstr(n, "path") != NULL)
			return werr_set(err, EINVAL, "joining namespace path '%s' is not supported",
					jstr(n, "path"));
		for (k = 0; type != NULL && k < ARRAY_SIZE(namespaces); k++)
			if (strcmp(type, namespaces[k].name) == 0)
				break;
		if (type == NULL || k == ARRAY_SIZE(namespaces))
			return werr_set(err, EINVAL, "unknown namespace '%s'", type ? type : "");
		s->ns_flags |= namespaces[k].flag;
	}
	return 0;
}

/* linux.uidMappings (gidMappings) as the text /proc/PID/uid_map takes. */
static int parse_idmaps(struct json_object *arr, char **out, struct werr *err)
{
	size_t n = jlen(arr), used = 0, cap = n * 36 + 1;
	char *text;

	if (n == 0)
		return 0;
	text = xmalloc(cap);
	text[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		struct json_object *m = json_object_array_get_idx(arr, i);
		int64_t c = json_object_get_int64(jget(m, "containerID"));
		int64_t h = json_object_get_int64(jget(m, "hostID"));
		int64_t z = json_object_get_int64(jget(m, "size"));
		if (c < 0 || h < 0 || z <= 0 || c > UINT32_MAX || h > UINT32_MAX ||
		    z > UINT32_MAX) {
			free(text);
			return werr_set(err, EINVAL, "invalid id mapping %lld:%lld:%lld",
					(long long)c, (long long)h, (long long)z);
		}
		used += (size_t)snprintf(text + used, cap - used, "%lld %lld %lld\n", (long long)c,
					 (long long)h, (long long)z);
	}
	*out = text;
	return 0;
}

static void parse_sysctl(struct json_object *o, struct xspec *s)
{
	size_t n = o != NULL && json_object_is_type(o, json_type_object)
		       ? (size_t)json_object_object_length(o)
		       : 0;

	s->sysctl = xcalloc(n + 1, sizeof(*s->sysctl));
	if (n == 0)
		return;
	json_object_object_foreach(o, key, val)
	{
		char *k = xstrdup(key);
		for (char *c = k; *c != '\0'; c++)
			if (*c == '.')
				*c = '/';
		s->sysctl[s->nsysctl].key = k;
		s->sysctl[s->nsysctl++].value = xstrdup(json_object_get_string(val));
	}
}

static int parse_linux(struct json_object *l, const char *cache_dir, struct xspec *s,
		       struct werr *err)
{
	struct json_object *sec = jget(l, "seccomp");

	if (parse_namespaces(jget(l, "namespaces"), s, err) < 0 ||
	    parse_idmaps(jget(l, "uidMappings"), &s->uid_map, err) < 0 ||
	    parse_idmaps(jget(l, "gidMappings"), &s->gid_map, err) < 0)
		return -1;
	if ((s->ns_flags & CLONE_NEWUSER) && (s->uid_map == NULL || s->gid_map == NULL))
		return werr_set(err, EINVAL,
				"a new user namespace needs uidMappings and gidMappings");
	s->masked = jstrv(jget(l, "maskedPaths"));
	s->readonly = jstrv(jget(l, "readonlyPaths"));
	parse_sysctl(jget(l, "sysctl"), s);
	if (sec == NULL)
		return 0;
	if (xseccomp_compile(sec, cache_dir, &s->seccomp, err) < 0)
		return werr_wrap(err, "seccomp profile");
	s->has_seccomp = true;
	return 0;
}

static int parse_root(struct json_object *root, const char *bundle_dir, struct xspec *s,
		      struct werr *err)
{
	const char *path = jstr(root, "path");
	char real[PATH_MAX];
	cleanup_free char *joined = NULL;

	if (path == NULL)
		return werr_set(err, EINVAL, "config.json has no root.path");
	if (path[0] != '/')
		path = joined = xasprintf("%s/%s", bundle_dir, path);
	if (realpath(path, real) == NULL)
		return werr_set(err, errno, "rootfs '%s'", path);
	s->root_path = xstrdup(real);
	s->root_ro = json_object_get_boolean(jget(root, "readonly"));
	return 0;
}

/* The OCI hooks (runtime/hooks.c runs them) and their state's fields. */
static int parse_hooks(struct json_object *j, const char *bundle_dir, struct xspec *s,
		       struct werr *err)
{
	struct json_object *ann = jget(j, "annotations");

	if (jget(j, "hooks") == NULL)
		return 0;
	if (hooks_parse(jget(j, "hooks"), &s->hooks, err) < 0) {
		xspec_free(s);
		return -1;
	}
	s->has_hooks = true;
	s->oci_version = jstrdup(j, "ociVersion");
	s->annotations = ann ? xstrdup(json_object_to_json_string(ann)) : NULL;
	s->bundle = xstrdup(bundle_dir);
	return 0;
}

int xspec_parse(const char *text, const char *bundle_dir, const char *cache_dir, struct xspec *s,
		struct werr *err)
{
	cleanup_json struct json_object *j = NULL;
	enum json_tokener_error jerr = json_tokener_success;

	memset(s, 0, sizeof(*s));
	s->umask = -1;
	j = json_tokener_parse_verbose(text, &jerr);
	if (j == NULL || !json_object_is_type(j, json_type_object))
		return werr_set(err, EINVAL, "parse config.json: %s",
				j == NULL ? json_tokener_error_desc(jerr) : "not an object");
	if (parse_root(jget(j, "root"), bundle_dir, s, err) < 0 ||
	    parse_process(jget(j, "process"), s, err) < 0 ||
	    parse_mounts(jget(j, "mounts"), s, err) < 0 ||
	    parse_linux(jget(j, "linux"), cache_dir, s, err) < 0) {
		xspec_free(s);
		return -1;
	}
	s->hostname = jstrdup(j, "hostname");
	s->rootfs_mapped = jstr(jget(j, "annotations"), RUNTIME_ANNOT_ROOTFS_IDMAP) != NULL;
	if ((s->ns_flags & CLONE_NEWUSER) || s->userns_path != NULL) {
		s->tree_fds = xcalloc(s->nmounts + 1, sizeof(int));
		for (size_t i = 0; i <= s->nmounts; i++)
			s->tree_fds[i] = -1;
	}
	return parse_hooks(j, bundle_dir, s, err);
}

int xspec_load(const char *bundle_dir, const char *cache_dir, struct xspec *s, struct werr *err)
{
	cleanup_free char *path = xasprintf("%s/config.json", bundle_dir);
	cleanup_free char *text = read_file_at(AT_FDCWD, path, NULL, err);

	if (text == NULL)
		return -1;
	if (xspec_parse(text, bundle_dir, cache_dir, s, err) < 0)
		return werr_wrap(err, "'%s'", path);
	return 0;
}

void xspec_free(struct xspec *s)
{
	free(s->root_path);
	free(s->hostname);
	free(s->groups);
	strv_free(s->args);
	strv_free(s->env);
	free(s->cwd);
	free(s->rlimits);
	for (size_t i = 0; i < s->nmounts; i++) {
		free(s->mounts[i].dest);
		free(s->mounts[i].type);
		free(s->mounts[i].source);
		free(s->mounts[i].data);
	}
	free(s->mounts);
	strv_free(s->masked);
	strv_free(s->readonly);
	for (size_t i = 0; i < s->nsysctl; i++) {
		free(s->sysctl[i].key);
		free(s->sysctl[i].value);
	}
	free(s->sysctl);
	free(s->seccomp.filter);
	hook_set_free(&s->hooks);
	free(s->oci_version);
	free(s->annotations);
	free(s->bundle);
	free(s->uid_map);
	free(s->gid_map);
	free(s->userns_path);
	free(s->netns_path);
	free(s->tree_fds);
	memset(s, 0, sizeof(*s));
}
