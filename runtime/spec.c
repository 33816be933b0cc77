/* spec.c - config.json (OCI runtime spec 1.1) of a container from its run
 * options and image config.
 *
 * Shape decisions the executor relies on: root.path is the absolute rootfs;
 * mounts are in mount order (defaults first, then -v, then --tmpfs, a
 * default whose destination a user mount names is left out); masked and
 * read-only paths are linux.maskedPaths / linux.readonlyPaths; the seccomp
 * filter is linux.seccomp (absent with --privileged or
 * seccomp=unconfined); a user namespace in linux.namespaces only when the
 * container has one of its own (--userns, --uidmap: ctr_userns.h), else it
 * runs in the engine's (the pause process's, rootless); no cgroups (no
 * linux.resources, no linux.cgroupsPath). */
#include "runtime/spec.h"
#include "runtime/devices.h"
#include "runtime/ulimits.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "engine/config.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/util.h"
#include "runtime/hooks.h"
#include "runtime/ctr_userns.h"
#include "runtime/seccomp_profile.h"
#include "runtime/userlookup.h"

#define DEFAULT_PATH "PATH=" STD_PATH
/* Honest about who runs it; software looking for "podman" exactly is rare
 * and checks /run/.containerenv first anyway. */
#define CONTAINER_ENV "container=warren"

const char *const spec_default_caps[] = {
    "CAP_CHOWN",   "CAP_DAC_OVERRIDE",	   "CAP_FOWNER",     "CAP_FSETID",
    "CAP_KILL",	   "CAP_NET_BIND_SERVICE", "CAP_SETFCAP",    "CAP_SETGID",
    "CAP_SETPCAP", "CAP_SETUID",	   "CAP_SYS_CHROOT", NULL,
};

/* ---- capabilities ---- */

int spec_cap_from_name(const char *name)
{
	char buf[64];
	size_t n = 0;
	cap_value_t v;

	if (!name)
		return -1;
	if (strncasecmp(name, "CAP_", 4) == 0)
		name += 4;
	if (*name == '\0' || strlen(name) + 5 > sizeof(buf))
		return -1;
	n = (size_t)snprintf(buf, sizeof(buf), "cap_");
	for (const char *p = name; *p; p++) {
		if (!isalpha((unsigned char)*p) && *p != '_')
			return -1; /* libcap would also take numbers */
		buf[n++] = (char)tolower((unsigned char)*p);
	}
	buf[n] = '\0';
	if (cap_from_name(buf, &v) < 0 || v < 0 || v >= 64)
		return -1;
	return (int)v;
}

static uint64_t all_caps(void)
{
	int max = cap_max_bits();

	if (max <= 0 || max > 64)
		max = CAP_LAST_CAP + 1;
	return max == 64 ? UINT64_MAX : CAP_BIT(max) - 1;
}

/* --privileged and --cap-add ALL: every capability of the kernel that we
 * still hold in our bounding set (an engine itself running in a container
 * may lack some; asking for them makes the executor's capset fail). */
static uint64_t grantable_caps(void)
{
	uint64_t all = all_caps(), set = 0;

	for (int c = 0; c < 64; c++)
		if ((all & CAP_BIT(c)) && prctl(PR_CAPBSET_READ, (unsigned long)c, 0, 0, 0) == 1)
			set |= CAP_BIT(c);
	return set;
}

static bool has_all(char *const *v)
{
	for (; v && *v; v++)
		if (strcasecmp(*v, "ALL") == 0)
			return true;
	return false;
}

/* ORs (or with clear, clears) the named caps into *set, skipping "ALL". */
static int apply_caps(char *const *names, bool clear, uint64_t *set, struct werr *err)
{
	for (; names && *names; names++) {
		int c;
		if (strcasecmp(*names, "ALL") == 0)
			continue;
		if ((c = spec_cap_from_name(*names)) < 0)
			return werr_set(err, 0, "unknown capability '%s'", *names);
		if (clear)
			*set &= ~CAP_BIT(c);
		else
			*set |= CAP_BIT(c);
	}
	return 0;
}

/* spec_caps_compute from another default set (containers.conf's
 * default_capabilities): an unknown name there fails as one in --cap-add */
static int caps_compute_from(char *const *defaults, bool privileged, char *const *cap_add,
			     char *const *cap_drop, uint64_t *out, struct werr *err)
{
	uint64_t set = 0;

	if (privileged || has_all(cap_add))
		set = grantable_caps();
	else if (!has_all(cap_drop) && apply_caps(defaults, false, &set, err) < 0)
		return -1;
	if (apply_caps(cap_add, false, &set, err) < 0 || apply_caps(cap_drop, true, &set, err) < 0)
		return -1;
	*out = set & all_caps();
	return 0;
}

int spec_caps_compute(bool privileged, char *const *cap_add, char *const *cap_drop, uint64_t *out,
		      struct werr *err)
{
	uint64_t set = 0;

	if (privileged || has_all(cap_add)) {
		set = grantable_caps();
	} else if (!has_all(cap_drop)) {
		for (const char *const *p = spec_default_caps; *p; p++)
			set |= CAP_BIT(spec_cap_from_name(*p));
	}
	if (apply_caps(cap_add, false, &set, err) < 0 || apply_caps(cap_drop, true, &set, err) < 0)
		return -1;
	*out = set & all_caps();
	return 0;
}

/* "CAP_CHOWN"-style names of capability numbers, built once. */
static const char *cap_json_name(int c)
{
	static char names[64][40];
	static bool done[64];

	if (!done[c]) {
		char *n = cap_to_name((cap_value_t)c);
		size_t i = 0;
		if (n && strncmp(n, "cap_", 4) == 0) {
			for (const char *p = n; *p && i < sizeof(names[c]) - 1; p++)
				names[c][i++] = (char)toupper((unsigned char)*p);
		}
		names[c][i] = '\0'; /* a number libcap cannot name: left out */
		cap_free(n);
		done[c] = true;
	}
	return names[c];
}

static struct json_object *caps_json(uint64_t set)
{
	struct json_object *a = json_object_new_array_ext(64);

	for (int c = 0; c < 64; c++)
		if ((set & CAP_BIT(c)) && *cap_json_name(c))
			json_object_array_add(a, json_object_new_string(cap_json_name(c)));
	return a;
}

/* process.capabilities: a non-root user gets only the bounding set, as
 * Docker does (file capabilities and setuid binaries can still use it). */
static struct json_object *process_caps_json(uint64_t set, uid_t uid)
{
	struct json_object *c = json_object_new_object();
	uint64_t eff = uid == 0 ? set : 0;

	json_object_object_add(c, "bounding", caps_json(set));
	json_object_object_add(c, "effective", caps_json(eff));
	json_object_object_add(c, "inheritable", json_object_new_array());
	json_object_object_add(c, "permitted", caps_json(eff));
	json_object_object_add(c, "ambient", json_object_new_array());
	return c;
}

/* ---- args, env, cwd ---- */

static bool strv_empty(char *const *v)
{
	return !v || !v[0] || (!v[1] && v[0][0] == '\0');
}

int spec_process_args(const struct run_opts *o, const struct image_config *img, char ***out,
		      struct werr *err)
{
	char *const *ep = o->entrypoint_set ? o->entrypoint : img->entrypoint;
	char *const *cmd = NULL;
	char **args = NULL;

	if (!strv_empty(o->cmd))
		cmd = o->cmd;
	else if (!o->entrypoint_set)
		cmd = img->cmd;
	if (strv_empty(ep))
		ep = NULL;
	for (; ep && *ep; ep++)
		args = strv_append(args, *ep);
	for (; cmd && *cmd; cmd++)
		args = strv_append(args, *cmd);
	if (!args)
		return werr_set(err, 0, "no command or entrypoint specified");
	*out = args;
	return 0;
}

static size_t env_key_len(const char *kv)
{
	const char *eq = strchr(kv, '=');

	return eq ? (size_t)(eq - kv) : strlen(kv);
}

void spec_env_set(char ***env, const char *kv)
{
	size_t klen = env_key_len(kv);

	for (char **p = *env; p && *p; p++) {
		if (env_key_len(*p) == klen && strncmp(*p, kv, klen) == 0) {
			free(*p);
			*p = xstrdup(kv);
			return;
		}
	}
	*env = strv_append(*env, kv);
}

static bool env_has(char *const *env, const char *key)
{
	size_t klen = strlen(key);

	for (; env && *env; env++)
		if (env_key_len(*env) == klen && strncmp(*env, key, klen) == 0)
			return true;
	return false;
}

/* Defaults, then the image's, then the user's; HOME last when unset. */
static char **build_env(const struct run_opts *o, const struct image_config *img,
			const char *hostname, const char *home)
{
	char **env = NULL;
	cleanup_free char *h = xasprintf("HOSTNAME=%s", hostname);

	spec_env_set(&env, DEFAULT_PATH);
	spec_env_set(&env, CONTAINER_ENV);
	spec_env_set(&env, h);
	if (o->tty)
		spec_env_set(&env, "TERM=xterm");
	for (char **p = o->conf_env; p && *p; p++) /* containers.conf: under the image's */
		spec_env_set(&env, *p);
	for (char **p = img->env; p && *p; p++)
		spec_env_set(&env, *p);
	for (char **p = o->env; p && *p; p++)
		spec_env_set(&env, *p);
	if (!env_has(env, "HOME")) {
		cleanup_free char *hm = xasprintf("HOME=%s", home);
		spec_env_set(&env, hm);
	}
	return env;
}

/* ---- user ---- */

/* Reads rootfs/rel for user lookup; a missing or unusable file is NULL
 * (warned about unless missing): an image without /etc/passwd is fine. */
static char *read_user_db(int rootfd, const char *rel)
{
	struct werr e = {0};
	char *text = rootfs_read_file(rootfd, rel, USERLOOKUP_MAX_FILE, &e);

	if (!text && e.errnum != ENOENT)
		log_warn("%s", e.msg);
	return text;
}

int spec_user_resolve(struct engine *e, const char *spec, const char *rootfs, bool own_userns,
		      struct user_ids *u, struct werr *err)
{
	cleanup_close int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_free char *passwd = NULL, *group = NULL;

	if (rootfd < 0)
		return werr_set(err, errno, "open rootfs '%s'", rootfs);
	passwd = read_user_db(rootfd, "etc/passwd");
	group = read_user_db(rootfd, "etc/group");
	if (user_resolve(spec, passwd, group, u, err) < 0)
		return -1;
	if (e->single_uid && !own_userns) {
		/* only our own uid/gid is mapped, as 0: anything else would
		 * fail in setuid/setgroups with a less helpful EINVAL */
		size_t n = 0;
		if (u->uid != 0 || u->gid != 0) {
			werr_set(err, 0,
				 "user '%s' (uid %u, gid %u) is not mapped in the user namespace: "
				 "ask an "
				 "admin to add /etc/subuid and /etc/subgid ranges for this user",
				 spec, (unsigned)u->uid, (unsigned)u->gid);
			user_ids_free(u);
			return -1;
		}
		for (size_t i = 0; i < u->ngroups; i++)
			if (u->groups[i] == 0)
				u->groups[n++] = 0;
		u->ngroups = n;
	}
	return 0;
}

static int resolve_user(struct engine *e, const struct run_opts *o, const struct image_config *img,
			const char *rootfs, struct user_ids *u, struct werr *err)
{
	const char *spec = o->user && *o->user ? o->user : img->user ? img->user : "";

	return spec_user_resolve(e, spec, rootfs, o->uns && o->uns->kind != CTR_USERNS_ENGINE, u,
				 err);
}

static struct json_object *user_json(const struct user_ids *u)
{
	struct json_object *j = json_object_new_object();
	struct json_object *g = json_object_new_array_ext((int)u->ngroups + 1);

	for (size_t i = 0; i < u->ngroups; i++)
		json_object_array_add(g, json_object_new_int64(u->groups[i]));
	json_object_object_add(j, "uid", json_object_new_int64(u->uid));
	json_object_object_add(j, "gid", json_object_new_int64(u->gid));
	json_object_object_add(j, "umask", json_object_new_int(022));
	json_object_object_add(j, "additionalGids", g);
	return j;
}

/* ---- process ---- */

static int build_process(const struct run_opts *o, const struct image_config *img,
			 const char *hostname, const struct user_ids *u, uint64_t caps,
			 struct json_object **out, struct werr *err)
{
	cleanup_strv char **args = NULL, **env = NULL;
	const char *cwd = o->workdir && *o->workdir	  ? o->workdir
			  : img->workdir && *img->workdir ? img->workdir
							  : "/";
	struct json_object *p, *rl;

	if (cwd[0] != '/')
		return werr_set(err, 0, "working directory '%s' is not an absolute path", cwd);
	if (spec_process_args(o, img, &args, err) < 0)
		return -1;
	env = build_env(o, img, hostname, u->home ? u->home : "/");
	p = json_object_new_object();
	json_object_object_add(p, "terminal", json_object_new_boolean(o->tty));
	json_object_object_add(p, "user", user_json(u));
	json_object_object_add(p, "args", jnew_strv(args));
	json_object_object_add(p, "env", jnew_strv(env));
	json_object_object_add(p, "cwd", json_object_new_string(cwd));
	json_object_object_add(p, "capabilities", process_caps_json(caps, u->uid));
	if (ulimits_json(o->conf_ulimits, o->ulimits, o->rootless, &rl, err) < 0) {
		json_object_put(p);
		return -1;
	}
	json_object_object_add(p, "rlimits", rl);
	if (o->limits.oom_score_adj != 0)
		jset(p, "oomScoreAdj", json_object_new_int(o->limits.oom_score_adj));
	json_object_object_add(p, "noNewPrivileges", json_object_new_boolean(true));
	*out = p;
	return 0;
}

/* ---- mounts ---- */

enum mount_when {
	M_ALWAYS,
	M_GID5,	    /* only when gid 5 (tty) is mapped */
	M_NO_GID5,  /* only when it is not */
	M_SYSFS,    /* private network namespace: a fresh sysfs */
	M_SYS_BIND, /* host network: sysfs cannot be mounted in our userns */
};

struct mount_def {
	const char *dst, *type, *src;
	enum mount_when when;
	bool rw_privileged; /* drop "ro" with --privileged */
	const char *const *opts;
};

#define OPTS(...) ((const char *const[]){__VA_ARGS__, NULL})

static const struct mount_def default_mounts[] = {
    {"/proc", "proc", "proc", M_ALWAYS, false, OPTS("nosuid", "noexec", "nodev")},
    {"/dev", "tmpfs", "tmpfs", M_ALWAYS, false,
     OPTS("nosuid", "strictatime", "mode=755", "size=65536k")},
    {"/dev/pts", "devpts", "devpts", M_GID5, false,
     OPTS("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")},
    {"/dev/pts", "devpts", "devpts", M_NO_GID5, false,
     OPTS("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")},
    {"/dev/mqueue", "mqueue", "mqueue", M_ALWAYS, false, OPTS("nosuid", "noexec", "nodev")},
    {"/sys", "sysfs", "sysfs", M_SYSFS, true, OPTS("nosuid", "noexec", "nodev", "ro")},
    {"/sys", "bind", "/sys", M_SYS_BIND, true, OPTS("rbind", "nosuid", "noexec", "nodev", "ro")},
    {"/dev/shm", "tmpfs", "shm", M_ALWAYS, false,
     OPTS("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")},
};

/* The files of ctr_dir bind-mounted over the image's. */
static const char *const etc_files[] = {"hostname", "hosts", "resolv.conf"};

/* --no-hosts leaves the image's /etc/hosts; --dns none and --network none
 * leave its resolv.conf (Podman writes none for them). */
static bool etc_file_wanted(const struct run_opts *o, const char *name)
{
	if (strcmp(name, "hosts") == 0)
		return !o->netopts.no_hosts;
	if (strcmp(name, "resolv.conf") == 0)
		return !o->netopts.dns_none && o->net != NET_NONE;
	return true;
}

static bool mount_wanted(const struct mount_def *m, const struct engine *e,
			 const struct run_opts *o)
{
	/* a container's own user namespace may map gid 5 or not */
	bool gid5 = o->uns && o->uns->kind == CTR_USERNS_PRIVATE ? ctr_userns_maps_gid(o->uns, 5)
								 : !e->single_uid;

	switch (m->when) {
	case M_GID5:
		return gid5;
	case M_NO_GID5:
		return !gid5;
	case M_SYSFS:
		return o->net != NET_HOST;
	case M_SYS_BIND:
		return o->net == NET_HOST;
	default:
		return true;
	}
}

/* Does a -v or --tmpfs target dst (so the default is left out)? */
static bool user_mounts_at(const struct run_opts *o, const char *dst)
{
	for (size_t i = 0; i < o->nvolumes; i++)
		if (strcmp(o->volumes[i].dst, dst) == 0)
			return true;
	for (char **t = o->tmpfs; t && *t; t++) {
		size_t n = strcspn(*t, ":");
		if (strlen(dst) == n && strncmp(*t, dst, n) == 0)
			return true;
	}
	return false;
}

static struct json_object *mount_json(const char *dst, const char *type, const char *src,
				      struct json_object *opts)
{
	struct json_object *m = json_object_new_object();

	json_object_object_add(m, "destination", json_object_new_string(dst));
	json_object_object_add(m, "type", json_object_new_string(type));
	json_object_object_add(m, "source", json_object_new_string(src));
	json_object_object_add(m, "options", opts);
	return m;
}

static void add_default_mounts(struct json_object *arr, const struct engine *e,
			       const struct run_opts *o, const char *ctr_dir)
{
	for (size_t i = 0; i < ARRAY_SIZE(default_mounts); i++) {
		const struct mount_def *m = &default_mounts[i];
		struct json_object *opts;
		if (!mount_wanted(m, e, o) || user_mounts_at(o, m->dst))
			continue;
		opts = json_object_new_array_ext(8);
		for (const char *const *p = m->opts; *p; p++) {
			/* --shm-size: bytes, as Podman writes it */
			if (o->limits.shm_size > 0 && strcmp(m->dst, "/dev/shm") == 0 &&
			    str_has_prefix(*p, "size=")) {
				cleanup_free char *sz =
				    xasprintf("size=%lld", (long long)o->limits.shm_size);
				json_object_array_add(opts, json_object_new_string(sz));
			} else if (!(m->rw_privileged && o->privileged && strcmp(*p, "ro") == 0)) {
				json_object_array_add(opts, json_object_new_string(*p));
			}
		}
		json_object_array_add(arr, mount_json(m->dst, m->type, m->src, opts));
	}
	for (size_t i = 0; i < ARRAY_SIZE(etc_files); i++) {
		cleanup_free char *dst = xasprintf("/etc/%s", etc_files[i]);
		cleanup_free char *src = xasprintf("%s/%s", ctr_dir, etc_files[i]);
		if (user_mounts_at(o, dst) || !etc_file_wanted(o, etc_files[i]))
			continue;
		json_object_array_add(
		    arr,
		    mount_json(dst, "bind", src, jnew_strv((char *[]){"rbind", "rprivate", NULL})));
	}
}

/* Words of a -v that mount(2) or the spec know; ro/rw, z/Z, the
 * propagation and U/copy/nocopy are handled apart. */
static bool mount_word(const char *w)
{
	static const char *const words[] = {"suid", "nosuid", "dev", "nodev", "exec", "noexec"};

	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strcmp(w, words[i]) == 0)
			return true;
	return false;
}

/* A volume created with --opt type=T device=D o=OPTS: mounted as such. */
static struct json_object *typed_volume_json(const struct volume_spec *v)
{
	struct json_object *opts = json_object_new_array_ext(4);

	for (const char *p = v->vol_o; p && *p;) {
		size_t n = strcspn(p, ",");
		cleanup_free char *w = xstrndup(p, n);
		if (n > 0)
			json_object_array_add(opts, json_object_new_string(w));
		p += n + (p[n] == ',');
	}
	if (v->ro)
		json_object_array_add(opts, json_object_new_string("ro"));
	return mount_json(v->dst, v->vol_type, v->vol_device ? v->vol_device : v->vol_type, opts);
}

static int add_volumes(struct json_object *arr, const struct run_opts *o, struct werr *err)
{
	for (size_t i = 0; i < o->nvolumes; i++) {
		const struct volume_spec *v = &o->volumes[i];
		struct json_object *opts;
		struct stat st;
		if (v->vol_type != NULL) {
			json_object_array_add(arr, typed_volume_json(v));
			continue;
		}
		if (v->src == NULL || stat(v->src, &st) < 0)
			return werr_set(err, v->src ? errno : ENOENT, "invalid volume: '%s'",
					v->src ? v->src : v->dst);
		if (v->dst[0] != '/')
			return werr_set(err, 0, "invalid volume: destination '%s' is not absolute",
					v->dst);
		opts = json_object_new_array_ext(6);
		json_object_array_add(opts, json_object_new_string("rbind"));
		if (v->kind == MOUNT_VOLUME) {
			json_object_array_add(opts, json_object_new_string("nosuid"));
			json_object_array_add(opts, json_object_new_string("nodev"));
		}
		for (char **w = v->opts; w && *w; w++)
			if (mount_word(*w))
				json_object_array_add(opts, json_object_new_string(*w));
		if (v->ro)
			json_object_array_add(opts, json_object_new_string("ro"));
		json_object_array_add(
		    opts, json_object_new_string(v->propagation ? v->propagation : "rprivate"));
		json_object_array_add(arr, mount_json(v->dst, "bind", v->src, opts));
	}
	return 0;
}

/* --tmpfs DST[:opt,opt]: rw,nosuid,nodev then the user's options. */
static int add_tmpfs(struct json_object *arr, const struct run_opts *o, struct werr *err)
{
	for (char **t = o->tmpfs; t && *t; t++) {
		const char *colon = strchr(*t, ':');
		cleanup_free char *dst = colon ? xstrndup(*t, (size_t)(colon - *t)) : xstrdup(*t);
		struct json_object *opts;
		if (dst[0] != '/')
			return werr_set(
			    err, 0, "invalid tmpfs mount '%s': destination is not absolute", *t);
		opts = jnew_strv((char *[]){"rw", "nosuid", "nodev", NULL});
		for (const char *p = colon ? colon + 1 : NULL; p && *p;) {
			size_t n = strcspn(p, ",");
			if (n > 0) {
				cleanup_free char *opt = xstrndup(p, n);
				json_object_array_add(opts, json_object_new_string(opt));
			}
			p = p[n] ? p + n + 1 : NULL;
		}
		json_object_array_add(arr, mount_json(dst, "tmpfs", "tmpfs", opts));
	}
	return 0;
}

/* --read-only keeps /run, /tmp and /var/tmp writable with tmpfs mounts,
 * as Podman's default --read-only-tmpfs=true does. */
static void add_read_only_tmpfs(struct json_object *arr, const struct run_opts *o)
{
	static const char *const dirs[] = {"/run", "/tmp", "/var/tmp"};

	if (!o->read_only)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		if (user_mounts_at(o, dirs[i]))
			continue;
		json_object_array_add(
		    arr, mount_json(dirs[i], "tmpfs", "tmpfs",
				    jnew_strv((char *[]){"rw", "rprivate", "nosuid", "nodev",
							 "tmpcopyup", NULL})));
	}
}

/* ---- /etc files ---- */

/* The container's own address in its /etc/hosts: slirp4netns's .100,
 * pasta's copy of the host's, loopback for a network of lo only; NULL
 * for the host's network (the host's names are there already). */
static const char *ctr_ip(const struct run_opts *o, char ip[16], const char *host_ip)
{
	switch (o->net) {
	case NET_SLIRP:
		return net_slirp_addrs(o->netopts.cidr, ip, NULL, NULL, NULL) == 0 ? ip : NULL;
	case NET_PASTA:
		return host_ip;
	case NET_HOST:
		return NULL;
	case NET_BRIDGE:
		return o->netopts.nnets > 0 ? o->netopts.nets[0].ip : "127.0.0.1";
	default:
		return "127.0.0.1";
	}
}

static int write_etc_files(const struct run_opts *o, const char *ctr_dir, const char *hostname,
			   struct werr *err)
{
	cleanup_close int dfd = open(ctr_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_free char *hn = xasprintf("%s\n", hostname);
	cleanup_free char *host_hosts = read_file_at(AT_FDCWD, "/etc/hosts", NULL, NULL);
	cleanup_free char *host_resolv = read_file_at(AT_FDCWD, "/etc/resolv.conf", NULL, NULL);
	char hip[16], cip[16], dns[16];
	bool have_hip = net_host_ip(hip);
	cleanup_free char *hosts =
	    net_hosts(host_hosts, &o->netopts, have_hip ? hip : NULL,
		      ctr_ip(o, cip, have_hip ? hip : NULL), hostname, o->name);
	bool slirp_dns =
	    o->net == NET_SLIRP && net_slirp_addrs(o->netopts.cidr, cip, NULL, dns, NULL) == 0;
	cleanup_free char *resolv =
	    net_resolv_conf(host_resolv, o->net, &o->netopts, slirp_dns ? dns : NULL);
	const char *data[] = {hn, hosts, resolv};

	if (dfd < 0)
		return werr_set(err, errno, "open container directory '%s'", ctr_dir);
	for (size_t i = 0; i < ARRAY_SIZE(etc_files); i++)
		/* in place: see write_bundle in container.c */
		if (write_file_at(dfd, etc_files[i], data[i], strlen(data[i]), 0644, err) < 0)
			return werr_wrap(err, "write '%s/%s'", ctr_dir, etc_files[i]);
	return 0;
}

/* ---- linux ---- */

static const char *const masked_paths[] = {
    "/proc/acpi",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
    "/proc/scsi",
    "/sys/firmware",
    "/sys/fs/selinux",
    "/sys/dev/block",
    "/proc/interrupts",
    NULL,
};

static const char *const readonly_paths[] = {
    "/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

bool spec_cgroupns_private(const struct run_opts *o)
{
	struct statfs sf;

	if (o->limits.cgroupns != NULL)
		return strcmp(o->limits.cgroupns, "private") == 0;
	/* Podman's default: private on cgroup v2, host on v1 and hybrid */
	return statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC;
}

static struct json_object *namespaces_json(const struct run_opts *o)
{
	static const char *const types[] = {"pid", "mount", "ipc", "uts", "network"};
	struct json_object *a = json_object_new_array_ext(5);

	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		struct json_object *ns;
		bool net = strcmp(types[i], "network") == 0;
		if (o->net == NET_HOST && net)
			continue;
		ns = json_object_new_object();
		json_object_object_add(ns, "type", json_object_new_string(types[i]));
		if (net && o->net == NET_NS)
			jset_str(ns, "path", o->netopts.arg);
		json_object_array_add(a, ns);
	}
	if (spec_cgroupns_private(o)) {
		struct json_object *ns = json_object_new_object();
		jset_str(ns, "type", "cgroup");
		json_object_array_add(a, ns);
	}
	return a;
}

/* The highest gid of the user namespace the container runs in (its own,
 * else ours: /proc/self/gid_map). */
static uint64_t top_gid(const struct run_opts *o)
{
	cleanup_free char *map = NULL;
	uint64_t top = 0;

	if (o->uns && o->uns->kind == CTR_USERNS_PRIVATE) {
		for (size_t i = 0; i < o->uns->ngid; i++)
			if ((uint64_t)o->uns->gid[i].inner + o->uns->gid[i].count - 1 > top)
				top = (uint64_t)o->uns->gid[i].inner + o->uns->gid[i].count - 1;
		return top;
	}
	map = read_file_at(AT_FDCWD, "/proc/self/gid_map", NULL, NULL);
	for (const char *p = map; p && *p;) {
		unsigned long long in, out, n;
		if (sscanf(p, "%llu %llu %llu", &in, &out, &n) == 3 && n > 0 && in + n - 1 > top)
			top = in + n - 1;
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return top;
}

/* ping without privileges in a network namespace of its own: every gid of
 * the container may open ICMP sockets (Podman's "0 0" lets only root;
 * the kernel takes at most 2^31-1). */
static void add_sysctls(struct json_object *l, const struct run_opts *o)
{
	struct json_object *sc;
	uint64_t top;

	if (o->net == NET_HOST || o->net == NET_CONTAINER || o->net == NET_NS)
		return;
	top = top_gid(o);
	if (top > 2147483647ULL)
		top = 2147483647ULL;
	sc = json_object_new_object();
	cleanup_free char *range = xasprintf("0 %llu", (unsigned long long)top);
	jset_str(sc, "net.ipv4.ping_group_range", range);
	jset(l, "sysctl", sc);
}

static int build_linux(const struct run_opts *o, uint64_t caps, struct json_object **out,
		       struct werr *err)
{
	cleanup_json struct json_object *l = json_object_new_object();
	const char *sc = o->seccomp;

	json_object_object_add(l, "namespaces", namespaces_json(o));
	ctr_userns_spec(o->uns, l);
	add_sysctls(l, o);
	json_object_object_add(l, "maskedPaths",
			       jnew_strv(o->privileged ? NULL : (char *const *)masked_paths));
	json_object_object_add(l, "readonlyPaths",
			       jnew_strv(o->privileged ? NULL : (char *const *)readonly_paths));
	if (!o->privileged && !(sc && strcmp(sc, "unconfined") == 0)) {
		struct json_object *s =
		    sc && *sc ? seccomp_profile_load(sc, caps, err) : seccomp_default_profile(caps);
		if (!s)
			return -1;
		json_object_object_add(l, "seccomp", s);
	}
	*out = steal_pointer(&l);
	return 0;
}

/* ---- --init ---- */

/* Where Podman mounts its init, and so where `ps` shows it. */
#define INIT_DEST "/run/podman-init"

const char *const spec_init_paths[] = {
    "/usr/libexec/podman/catatonit", /* Podman's default init_path */
    "/usr/bin/catatonit",	     /* Debian's package */
    "/usr/libexec/catatonit/catatonit",
    NULL,
};

static int find_init(const struct run_opts *o, const char **out, struct werr *err)
{
	struct stat st;

	if (o->init_path) {
		*out = o->init_path;
		if (stat(o->init_path, &st) < 0)
			return werr_set(err, errno,
					"container-init binary not found on the host: stat %s",
					o->init_path);
		return 0;
	}
	for (const char *const *p = spec_init_paths; *p; p++) {
		if (stat(*p, &st) == 0) {
			*out = *p;
			return 0;
		}
	}
	return werr_set(err, 0,
			"container-init binary not found on the host: stat %s: no such file or "
			"directory: install the catatonit package, or give --init-path",
			spec_init_paths[0]);
}

/* --init: the init bind-mounted read-only at /run/podman-init (after every
 * other mount: --read-only puts a tmpfs on /run) and put in front of the
 * command, as Podman does: "/run/podman-init -- CMD...". */
static int add_init(struct json_object *spec, const struct run_opts *o, struct werr *err)
{
	struct json_object *process = jget(spec, "process"), *old = jarr(process, "args");
	struct json_object *args = json_object_new_array_ext((int)jlen(old) + 2);
	const char *path = NULL;

	if (find_init(o, &path, err) < 0) {
		json_object_put(args);
		return -1;
	}
	json_object_array_add(
	    jget(spec, "mounts"),
	    mount_json(INIT_DEST, "bind", path, jnew_strv((char *[]){"bind", "ro", NULL})));
	json_object_array_add(args, json_object_new_string(INIT_DEST));
	json_object_array_add(args, json_object_new_string("--"));
	for (size_t i = 0; i < jlen(old); i++)
		json_object_array_add(args, json_object_get(json_object_array_get_idx(old, i)));
	jset(process, "args", args);
	return 0;
}

/* --annotation K=V: config.json's annotations (what hooks match on) */
static void add_annotations(struct json_object *spec, const struct run_opts *o)
{
	struct json_object *a;

	if (o->annotations == NULL)
		return;
	a = json_object_new_object();
	for (char **p = o->annotations; *p; p++) {
		const char *eq = strchr(*p, '=');
		cleanup_free char *k = xstrndup(*p, eq ? (size_t)(eq - *p) : strlen(*p));
		jset_str(a, k, eq ? eq + 1 : "");
	}
	jset(spec, "annotations", a);
}

/* ---- devices (runtime/devices.h) ---- */

/* --device: each node bind-mounted from the host (a file made for it in
 * /dev's tmpfs), CDI mounts as binds, CDI env added to the process's. */
static int add_devices(struct json_object *mounts, struct json_object *process,
		       const struct engine *e, const struct run_opts *o, struct werr *err)
{
	cleanup_strv char **dirs =
	    e->conf ? config_strv(e->conf->containers, "engine", "cdi_spec_dirs") : NULL;
	struct json_object *env = jget(process, "env");
	struct dev_edits d;

	if (o->devices == NULL)
		return 0;
	if (devices_resolve(o->devices, dirs, &d, err) < 0)
		return -1;
	for (size_t i = 0; i < d.nnodes; i++)
		json_object_array_add(
		    mounts, mount_json(d.nodes[i].ctr, "bind", d.nodes[i].host,
				       jnew_strv((char *[]){"bind", "nosuid", "rprivate", NULL})));
	for (size_t i = 0; i < d.nmounts; i++) {
		struct json_object *opts =
		    jnew_strv(d.mounts[i].opts ? d.mounts[i].opts : (char *[]){NULL});
		json_object_array_add(opts, json_object_new_string("rbind"));
		json_object_array_add(mounts,
				      mount_json(d.mounts[i].ctr, "bind", d.mounts[i].host, opts));
	}
	for (char **v = d.env; v && *v; v++)
		json_object_array_add(env, json_object_new_string(*v));
	dev_edits_free(&d);
	return 0;
}

/* ---- the whole spec ---- */

static struct json_object *root_json(const char *rootfs, bool ro)
{
	struct json_object *r = json_object_new_object();

	json_object_object_add(r, "path", json_object_new_string(rootfs));
	json_object_object_add(r, "readonly", json_object_new_boolean(ro));
	return r;
}

int spec_build(struct engine *e, const struct run_opts *o, const struct image_config *img,
	       const char *ctr_id, const char *ctr_dir, const char *rootfs,
	       struct json_object **out, struct werr *err)
{
	cleanup_json struct json_object *spec = json_object_new_object();
	cleanup_free char *hostname =
	    o->hostname && *o->hostname ? xstrdup(o->hostname) : xstrndup(ctr_id, 12);
	struct user_ids u = {0};
	struct json_object *process = NULL, *linux_ = NULL, *mounts;
	uint64_t caps;
	int r;

	if (rootfs[0] != '/')
		return werr_set(err, 0, "rootfs '%s' is not an absolute path", rootfs);
	if ((o->conf_caps != NULL
		 ? caps_compute_from(o->conf_caps, o->privileged, o->cap_add, o->cap_drop, &caps,
				     err)
		 : spec_caps_compute(o->privileged, o->cap_add, o->cap_drop, &caps, err)) < 0)
		return -1;
	if (resolve_user(e, o, img, rootfs, &u, err) < 0)
		return -1;
	r = build_process(o, img, hostname, &u, caps, &process, err);
	user_ids_free(&u);
	if (r < 0)
		return -1;
	json_object_object_add(spec, "ociVersion", json_object_new_string("1.1.0"));
	json_object_object_add(spec, "process", process);
	json_object_object_add(spec, "root", root_json(rootfs, o->read_only));
	json_object_object_add(spec, "hostname", json_object_new_string(hostname));
	mounts = json_object_new_array_ext(16);
	json_object_object_add(spec, "mounts", mounts);
	add_default_mounts(mounts, e, o, ctr_dir);
	add_read_only_tmpfs(mounts, o);
	if (add_volumes(mounts, o, err) < 0 || add_tmpfs(mounts, o, err) < 0 ||
	    add_devices(mounts, process, e, o, err) < 0)
		return -1;
	if (build_linux(o, caps, &linux_, err) < 0)
		return -1;
	json_object_object_add(spec, "linux", linux_);
	if (o->init && add_init(spec, o, err) < 0)
		return -1;
	add_annotations(spec, o);
	if (hooks_add_to_spec(e->hooks_dirs, spec, o->nvolumes > 0, err) < 0)
		return -1;
	if (write_etc_files(o, ctr_dir, hostname, err) < 0)
		return -1;
	*out = steal_pointer(&spec);
	return 0;
}

char *spec_to_string(struct json_object *spec)
{
	return xstrdup(json_object_to_json_string_ext(spec, JSON_C_TO_STRING_PRETTY |
								JSON_C_TO_STRING_NOSLASHESCAPE));
}
