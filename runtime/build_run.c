/* build_run.c - RUN's options: build's --cap-add, --security-opt,
 * --ulimit, -v, --secret and --ssh, and RUN's own --mount (cache, bind,
 * tmpfs, secret, ssh) and --network flags; the mount points they leave
 * are taken out of the layer again. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/digest.h"
#include "lib/syscalls.h"
#include "lib/util.h"
#include "runtime/build_int.h"
#include "runtime/container_int.h"
#include "runtime/spec.h"

/* build's RUN options (see build.h) into ro. */
int bld_run_opts(const struct build_opts *o, struct run_opts *ro, struct werr *err)
{
	for (size_t i = 0; o->cap_add && o->cap_add[i]; i++)
		ro->cap_add = strv_append(ro->cap_add, o->cap_add[i]);
	for (size_t i = 0; o->cap_drop && o->cap_drop[i]; i++)
		ro->cap_drop = strv_append(ro->cap_drop, o->cap_drop[i]);
	for (size_t i = 0; o->security_opts && o->security_opts[i]; i++)
		if (runopts_security_opt(ro, o->security_opts[i], err) < 0)
			return werr_wrap(err, "--security-opt");
	for (size_t i = 0; o->ulimits && o->ulimits[i]; i++)
		if (runopts_add_ulimit(ro, o->ulimits[i], err) < 0)
			return werr_wrap(err, "--ulimit");
	for (size_t i = 0; o->volumes && o->volumes[i]; i++)
		if (runopts_add_volume(ro, o->volumes[i], err) < 0)
			return werr_wrap(err, "--volume");
	return 0;
}

/* The value of key k in "k1=v1,k2=v2" spec (malloc'd), or NULL. */
static char *spec_get(const char *spec, const char *k)
{
	size_t kl = strlen(k);

	for (const char *p = spec; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, k, kl) == 0 && p[kl] == '=')
			return xstrndup(p + kl + 1, strcspn(p + kl + 1, ","));
	return NULL;
}

/* --secret id=ID,src=FILE: FILE of the secret id, or NULL. */
static char *secret_src(const struct build_opts *o, const char *id)
{
	for (size_t i = 0; o->secrets && o->secrets[i]; i++) {
		cleanup_free char *sid = spec_get(o->secrets[i], "id");
		if (sid && strcmp(sid, id) == 0) {
			char *src = spec_get(o->secrets[i], "src");
			return src ? src : spec_get(o->secrets[i], "source");
		}
	}
	return NULL;
}

int build_run_opts_check(const struct build_opts *o, struct werr *err)
{
	struct run_opts ro;
	int rc;

	runopts_init(&ro);
	rc = bld_run_opts(o, &ro, err);
	uint64_t caps;
	if (rc == 0)
		rc = spec_caps_compute(false, ro.cap_add, ro.cap_drop, &caps, err);
	runopts_free(&ro);
	for (size_t i = 0; rc == 0 && o->secrets && o->secrets[i]; i++) {
		const char *s = o->secrets[i];
		cleanup_free char *id = spec_get(s, "id"), *src = spec_get(s, "src");
		cleanup_free char *type = spec_get(s, "type");
		if (src == NULL)
			src = spec_get(s, "source");
		if (type && strcmp(type, "file") != 0)
			rc = werr_set(err, 0, "--secret %s: type=%s is not supported (file)", s,
				      type);
		else if (id == NULL || *id == '\0' || src == NULL || *src == '\0')
			rc = werr_set(err, 0, "--secret %s: needs id=ID,src=FILE", s);
		else if (access(src, R_OK) < 0)
			rc = werr_set(err, errno, "--secret %s: cannot read '%s'", s, src);
	}
	for (size_t i = 0; rc == 0 && o->ssh && o->ssh[i]; i++) {
		const char *eq = strchr(o->ssh[i], '=');
		struct stat st;
		if (eq == NULL || eq == o->ssh[i] || stat(eq + 1, &st) < 0 || !S_ISSOCK(st.st_mode))
			rc = werr_set(err, 0,
				      "--ssh %s: not an agent socket (keys are not supported)",
				      o->ssh[i]);
	}
	return rc;
}

/* The target of a RUN --mount flag's spec (malloc'd): target=/dst=, or
 * for a secret /run/secrets/ID; NULL when none. */
static char *mount_target(const char *spec)
{
	char *t = spec_get(spec, "target");
	cleanup_free char *type = NULL, *id = NULL;

	if (t == NULL)
		t = spec_get(spec, "dst");
	if (t == NULL)
		t = spec_get(spec, "destination");
	if (t != NULL)
		return t;
	type = spec_get(spec, "type");
	id = spec_get(spec, "id");
	if (type && strcmp(type, "secret") == 0 && id && *id)
		return xasprintf("/run/secrets/%s", id);
	if (type && strcmp(type, "ssh") == 0)
		return xstrdup("/run/buildkit/ssh_agent.0");
	return NULL;
}

/* RUN --mount=type=secret,id=ID[,target=PATH][,required]: the file of
 * build --secret id=ID read-only at PATH (default /run/secrets/ID); a
 * secret not given is skipped unless required. */
static int secret_mount(struct bld *b, const char *spec, const char *id, const char *target,
			struct run_opts *ro, struct werr *err)
{
	cleanup_free char *src = NULL, *t = mount_target(spec), *v = NULL;
	cleanup_free char *req = spec_get(spec, "required");

	if (id == NULL || *id == '\0')
		return werr_set(err, 0, "RUN --mount=%s: a secret needs id=", spec);
	(void)target;
	if (t == NULL || t[0] != '/')
		return werr_set(err, 0, "RUN --mount=%s: needs an absolute target", spec);
	src = secret_src(b->o, id);
	if (src == NULL) {
		bool required =
		    strstr(spec, "required") && (req == NULL || strcmp(req, "true") == 0);
		if (required)
			return werr_set(
			    err, 0, "secret '%s' is required: give it with --secret id=%s,src=FILE",
			    id, id);
		return 0;
	}
	v = xasprintf("%s:%s:ro", src, t);
	return runopts_add_volume(ro, v, err);
}

/* RUN --mount=type=ssh[,id=ID][,target=PATH][,required]: the agent
 * socket of build --ssh ID (default "default") at PATH (default
 * /run/buildkit/ssh_agent.0), SSH_AUTH_SOCK set to it; skipped when not
 * given, unless required. */
static int ssh_mount(struct bld *b, const char *spec, const char *id, struct run_opts *ro,
		     struct werr *err)
{
	cleanup_free char *t = mount_target(spec), *req = spec_get(spec, "required");
	cleanup_free char *v = NULL, *env = NULL;
	const char *want = id && *id ? id : "default", *sock = NULL;
	size_t wl = strlen(want);

	if (t == NULL || t[0] != '/')
		return werr_set(err, 0, "RUN --mount=%s: needs an absolute target", spec);
	for (size_t i = 0; b->o->ssh && b->o->ssh[i] && !sock; i++)
		if (strncmp(b->o->ssh[i], want, wl) == 0 && b->o->ssh[i][wl] == '=')
			sock = b->o->ssh[i] + wl + 1;
	if (sock == NULL) {
		if (strstr(spec, "required") && (req == NULL || strcmp(req, "true") == 0))
			return werr_set(err, 0, "ssh '%s' is required: give it with --ssh %s", want,
					want);
		return 0;
	}
	v = xasprintf("%s:%s", sock, t);
	env = xasprintf("SSH_AUTH_SOCK=%s", t);
	ro->env = strv_append(ro->env, env);
	return runopts_add_volume(ro, v, err);
}

/* RUN --mount=type=cache|bind|tmpfs,...: a volume of the build cache
 * (<root>/build-mounts/<digest of its id>), a read-only bind of a context
 * path, or a tmpfs. */
static int run_mount(struct bld *b, const char *spec, struct run_opts *ro, struct werr *err)
{
	cleanup_free char *copy = xstrdup(spec);
	const char *type = "bind", *target = NULL, *source = NULL, *id = NULL;
	bool rw = false;
	char *save = NULL;

	for (char *kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		const char *v = eq ? eq + 1 : "";
		if (eq)
			*eq = '\0';
		if (strcmp(kv, "type") == 0)
			type = v;
		else if (strcmp(kv, "target") == 0 || strcmp(kv, "dst") == 0 ||
			 strcmp(kv, "destination") == 0)
			target = v;
		else if (strcmp(kv, "source") == 0 || strcmp(kv, "src") == 0)
			source = v;
		else if (strcmp(kv, "id") == 0)
			id = v;
		else if (strcmp(kv, "rw") == 0 || strcmp(kv, "readwrite") == 0)
			rw = !eq || strcmp(v, "true") == 0;
		else if (strcmp(kv, "from") == 0)
			return werr_set(err, 0, "RUN --mount from=%s is not supported yet", v);
		/* sharing, mode, uid, gid, ro: accepted, as BuildKit's defaults */
	}
	if (strcmp(type, "secret") == 0)
		return secret_mount(b, spec, id, target, ro, err);
	if (strcmp(type, "ssh") == 0)
		return ssh_mount(b, spec, id, ro, err);
	if (strcmp(type, "cache") != 0 && strcmp(type, "bind") != 0 && strcmp(type, "tmpfs") != 0)
		return werr_set(err, 0, "RUN --mount type=%s is not supported yet", type);
	if (target == NULL || target[0] != '/')
		return werr_set(err, 0, "RUN --mount=%s: needs an absolute target", spec);
	if (strcmp(type, "tmpfs") == 0)
		return runopts_add_tmpfs(ro, target, err);
	if (strcmp(type, "cache") == 0) {
		char dg[DIGEST_STR_LEN];
		cleanup_free char *dir = NULL, *v = NULL;
		sha256_buf(id ? id : target, strlen(id ? id : target), dg);
		dir = xasprintf("%s/build-mounts/%.32s", b->e->root, digest_hex(dg));
		if (mkdir_p(dir, 0755, err) < 0)
			return -1;
		v = xasprintf("%s:%s", dir, target);
		return runopts_add_volume(ro, v, err);
	}
	/* bind: a context path, resolved and kept inside the context */
	cleanup_free char *base = realpath(b->ctx_path, NULL);
	cleanup_free char *want = xasprintf("%s/%s", b->ctx_path, source ? source : ".");
	cleanup_free char *real = realpath(want, NULL);
	cleanup_free char *v = NULL;
	size_t n = base ? strlen(base) : 0;
	if (real == NULL || base == NULL || strncmp(real, base, n) != 0 ||
	    (real[n] != '\0' && real[n] != '/'))
		return werr_set(err, 0, "RUN --mount: source '%s' is not in the context",
				source ? source : ".");
	v = xasprintf("%s:%s:%s", real, target, rw ? "rw" : "ro");
	return runopts_add_volume(ro, v, err);
}

/* The flags of RUN: --mount=..., --network=MODE. */
int bld_run_flags(struct bld *b, const struct cf_instr *in, struct run_opts *ro, struct werr *err)
{
	for (size_t i = 0; in->flags && in->flags[i]; i++) {
		const char *f = in->flags[i];
		if (str_has_prefix(f, "--mount=")) {
			if (run_mount(b, f + 8, ro, err) < 0)
				return -1;
		} else if (str_has_prefix(f, "--network=")) {
			if (runopts_set_network(ro, f + 10, err) < 0)
				return -1;
		} else {
			return werr_set(err, 0, "RUN %s is not supported yet", f);
		}
	}
	return 0;
}

/* Does RUN bind-mount from the context? Then its result depends on files
 * the cache key does not see: it always runs. */
bool bld_run_binds(const struct cf_instr *in)
{
	for (size_t i = 0; in->flags && in->flags[i]; i++)
		if (str_has_prefix(in->flags[i], "--mount=") &&
		    strstr(in->flags[i], "type=cache") == NULL &&
		    strstr(in->flags[i], "type=tmpfs") == NULL)
			return true;
	return false;
}

/* The targets of RUN's --mount flags that the rootfs (dir fd root) does
 * not have: the runtime makes them as mount points; they are taken out
 * of the layer again (BuildKit leaves none behind either). */
static void add_if_missing(char ***out, int root, const char *path)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	int fd = sys_openat2(root, path[0] == '/' ? path + 1 : path, &how);

	if (fd >= 0)
		close(fd);
	else if (errno == ENOENT)
		*out = strv_append(*out, path);
}

char **bld_new_mountpoints(const struct bld *b, const struct cf_instr *in, int root)
{
	char **out = NULL;

	for (size_t i = 0; in->flags && in->flags[i]; i++) {
		if (!str_has_prefix(in->flags[i], "--mount="))
			continue;
		cleanup_free char *path = mount_target(in->flags[i] + 8);
		if (path != NULL)
			add_if_missing(&out, root, path);
	}
	/* build -v SRC:DST[:OPTS] (or a bare DST: an anonymous volume) */
	for (size_t i = 0; b->o->volumes && b->o->volumes[i]; i++) {
		const char *v = b->o->volumes[i], *c = strchr(v, ':');
		cleanup_free char *dst = c ? xstrndup(c + 1, strcspn(c + 1, ":")) : xstrdup(v);
		if (dst[0] == '/')
			add_if_missing(&out, root, dst);
	}
	return out;
}

/* Removes the empty mount points paths from the container's upper dir. */
void bld_drop_mountpoints(struct bld *b, const struct ctr_owned *c, char *const *paths)
{
	cleanup_free char *dir = container_dir(b->e, c->rec.id);
	cleanup_free char *upper = xasprintf("%s/upper", dir);
	cleanup_close int ufd = open(upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	for (size_t i = 0; ufd >= 0 && paths && paths[i]; i++) {
		cleanup_free char *p = xstrdup(paths[i]);
		char *slash = strrchr(p, '/');
		struct open_how how = {.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
				       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
		struct stat st;
		cleanup_close int pfd = -1;
		*slash = '\0';
		pfd = sys_openat2(ufd, p[0] ? p + 1 : ".", &how);
		if (pfd < 0 || fstatat(pfd, slash + 1, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			unlinkat(pfd, slash + 1, AT_REMOVEDIR); /* fails unless empty */
		else if (S_ISREG(st.st_mode) && st.st_size == 0)
			unlinkat(pfd, slash + 1, 0);
	}
}
