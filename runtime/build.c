/* build.c - `build`: stages, steps and their containers; see build.h. */
#include "runtime/build.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/cfparse.h"
#include "image/curlfn.h"
#include "image/image.h"
#include "image/imgcommit.h"
#include "image/manifest.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/syscalls.h"
#include "lib/util.h"
#include "runtime/build_copy.h"
#include "runtime/commit.h"
#include "runtime/container.h"
#include "runtime/container_int.h"
#include "runtime/ctrfs.h"
#include "runtime/executor.h"
#include "runtime/runopts.h"
#include "runtime/spec.h"
#include "runtime/userlookup.h"
#include "storage/layer.h"
#include "storage/layertar.h"

struct stage {
	size_t first, end; /* its instructions [first, end); first is its FROM */
	char *name;	   /* "AS name" (lower case), or NULL */
	bool needed;
	char id[DIGEST_HEX_LEN + 1]; /* its image once built */
};

struct bld {
	struct engine *e;
	const struct build_opts *o;
	struct cf_file f;
	char *fname;
	struct stage *st;
	size_t nst, target, nneeded, done;
	char **gargs; /* global ARGs (before the first FROM): "K=V" or "K" */
	char **made;  /* ids of the intermediate images, removed at the end */
	int ctx;      /* the context dir */
	char *ctx_path;
	char *ctx_tmp; /* a context unpacked from a tar: this dir under <root>/tmp */
	struct build_ignore ig;
	/* the stage being built */
	size_t si;
	struct json_object *cfg; /* its config so far */
	struct image_rec cur;	 /* its image so far; cur.id "" before any (scratch) */
	char **args;		 /* its ARGs: "K=V", or "K" when unset */
	bool cmd_set;		 /* a CMD in this stage */
	size_t base_layers;	 /* the layers of its FROM image */
	size_t base_hist;	 /* the history entries of its FROM image */
	bool cancel;		 /* cancel_fd fired */
};

static void say(struct bld *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct bld *b, const char *fmt, ...)
{
	cleanup_free char *line = NULL;
	va_list ap;

	if (b->o->say == NULL)
		return;
	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		abort();
	va_end(ap);
	b->o->say(b->o->ud, line);
}

/* The value of K in a vector of "K=V" ("K" alone: NULL, *declared set). */
static const char *kv_get(char *const *v, const char *k, bool *declared)
{
	size_t n = strlen(k);

	for (size_t i = strv_len(v); i-- > 0;) {
		if (strncmp(v[i], k, n) == 0 && (v[i][n] == '=' || v[i][n] == '\0')) {
			if (declared)
				*declared = true;
			return v[i][n] == '=' ? v[i] + n + 1 : NULL;
		}
	}
	return NULL;
}

/* The ARGs Docker predefines for the platform, given a value when a
 * Containerfile declares them without one. NULL for the others. */
static const char *predefined_arg(const char *k)
{
	static const char *const names[] = {"TARGETPLATFORM", "TARGETOS", "TARGETARCH",
					    "BUILDPLATFORM",  "BUILDOS",  "BUILDARCH"};
	static char plat[64];

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (strcmp(k, names[i]) != 0)
			continue;
		if (str_has_suffix(k, "OS"))
			return "linux";
		if (str_has_suffix(k, "ARCH"))
			return platform_arch();
		snprintf(plat, sizeof(plat), "linux/%s", platform_arch());
		return plat;
	}
	return NULL;
}

/* Variables of FROM lines: the global ARGs. */
static const char *global_var(void *ud, const char *name)
{
	return kv_get(((struct bld *)ud)->gargs, name, NULL);
}

/* Variables in a stage: ENV over ARG (Docker's order). */
static const char *stage_var(void *ud, const char *name)
{
	struct bld *b = ud;
	const char *v = image_config_env(b->cfg, name);

	return v ? v : kv_get(b->args, name, NULL);
}

/* "Containerfile:3: " + err for instruction in. */
static int at_line(struct bld *b, const struct cf_instr *in, struct werr *err)
{
	struct werr old = *err;

	werr_set(err, old.errnum, "%s:%d: %s", b->fname, in->line, old.msg);
	err->status = old.status;
	return -1;
}

/* ---- reading the Containerfile and the stages ---- */

/* Reads the Containerfile from fd (a file or a pipe), at most CF_MAX_SIZE. */
static int parse_fd(struct bld *b, int fd, struct werr *err)
{
	cleanup_free char *text = xmalloc(CF_MAX_SIZE + 1);
	size_t len = 0;
	ssize_t n;

	while (len <= CF_MAX_SIZE && (n = read(fd, text + len, CF_MAX_SIZE + 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return werr_set(err, errno, "read '%s'", b->fname);
		len += (size_t)n;
	}
	if (len > CF_MAX_SIZE)
		return werr_set(err, 0, "%s: larger than %d bytes", b->fname, CF_MAX_SIZE);
	return cf_parse(text, len, b->fname, &b->f, err);
}

static int read_file(struct bld *b, struct werr *err)
{
	const char *cands[] = {"Containerfile", "Dockerfile"};
	cleanup_close int fd = -1;
	struct stat st;

	if (b->o->file_fd >= 0) {
		b->fname = xstrdup(b->o->file ? b->o->file : "-");
		return parse_fd(b, b->o->file_fd, err);
	}
	if (b->o->file) {
		/* a context from a tar: -f names a file in it first (Docker's
		 * rule; the remote client sends a context directory so) */
		if (b->o->context_fd >= 0 && b->o->file[0] != '/')
			fd = openat(b->ctx, b->o->file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			fd = open(b->o->file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return werr_set(err, errno, "open '%s'", b->o->file);
		b->fname = xstrdup(b->o->file);
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(cands) && fd < 0; i++) {
			fd = openat(b->ctx, cands[i], O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			if (fd >= 0)
				b->fname = xstrdup(cands[i]);
		}
		if (fd < 0)
			return werr_set(err, ENOENT,
					"no Containerfile or Dockerfile in the context '%s'",
					b->ctx_path);
	}
	if (fstat(fd, &st) < 0)
		return werr_set(err, errno, "stat '%s'", b->fname);
	if (!S_ISREG(st.st_mode))
		return werr_set(err, 0, "%s: not a regular file", b->fname);
	return parse_fd(b, fd, err);
}

/* The stage an image reference names ("build", or its index "0"), or -1. */
static int stage_named(const struct bld *b, const char *ref, size_t before)
{
	char *end;
	long n = strtol(ref, &end, 10);

	if (*ref && *end == '\0' && n >= 0 && (size_t)n < before)
		return (int)n;
	for (size_t i = 0; i < before; i++)
		if (b->st[i].name && strcasecmp(b->st[i].name, ref) == 0)
			return (int)i;
	return -1;
}

/* The base named by FROM of stage i (expanded), malloc'd. */
/* Image ref of FROM or COPY --from (not a stage): looked up, or pulled as
 * --pull says (platform: FROM --platform, else build's). 1 (r filled), 0
 * not known (no pull options), -1. */
static int base_image(struct bld *b, const char *ref, const char *platform, struct image_rec *r,
		      struct werr *err)
{
	struct pull_opts po;
	char id[DIGEST_HEX_LEN + 1];

	if (b->o->pull == NULL)
		return image_lookup(b->e, ref, r, err);
	po = *b->o->pull;
	if (platform && *platform)
		po.platform = platform;
	else if (b->o->platform)
		po.platform = b->o->platform;
	if (image_get_or_pull(b->e, ref, b->o->pull_policy, &po, id, err) < 0)
		return -1;
	return image_lookup(b->e, id, r, err);
}

static char *stage_base(struct bld *b, size_t i, struct werr *err)
{
	cleanup_strv char **w = NULL;

	if (cf_words(b->f.v[b->st[i].first].rest, b->f.escape, true, global_var, b, &w, err) < 0)
		return NULL;
	if (w[0] == NULL)
		return werr_set(err, 0, "FROM requires an image"), NULL;
	return xstrdup(w[0]);
}

static void need(struct bld *b, size_t i)
{
	if (b->st[i].needed)
		return;
	b->st[i].needed = true;
	b->nneeded++;
	cleanup_free char *base = NULL;
	struct werr e = {0};
	if ((base = stage_base(b, i, &e)) != NULL) {
		int k = stage_named(b, base, i);
		if (k >= 0)
			need(b, (size_t)k);
	}
	for (size_t j = b->st[i].first + 1; j < b->st[i].end; j++) {
		const char *from = cf_flag(&b->f.v[j], "from");
		int k = from ? stage_named(b, from, i) : -1;
		if (k >= 0 &&
		    (strcmp(b->f.v[j].cmd, "COPY") == 0 || strcmp(b->f.v[j].cmd, "ADD") == 0))
			need(b, (size_t)k);
	}
}

/* Splits the instructions into stages, reads the global ARGs and marks
 * the stages the target needs. */
static int plan_stages(struct bld *b, struct werr *err)
{
	for (size_t i = 0; i < b->f.n; i++) {
		const struct cf_instr *in = &b->f.v[i];
		if (strcmp(in->cmd, "FROM") == 0) {
			cleanup_strv char **w = NULL;
			b->st = xrealloc(b->st, (b->nst + 1) * sizeof(*b->st));
			b->st[b->nst] = (struct stage){.first = i, .end = b->f.n};
			if (b->nst > 0)
				b->st[b->nst - 1].end = i;
			if (cf_words(in->rest, b->f.escape, true, global_var, b, &w, err) < 0)
				return at_line(b, in, err);
			if (strv_len(w) == 3 && strcasecmp(w[1], "AS") == 0) {
				b->st[b->nst].name = xstrdup(w[2]);
				for (char *p = b->st[b->nst].name; *p; p++)
					*p = (char)tolower((unsigned char)*p);
			} else if (strv_len(w) != 1) {
				werr_set(err, 0, "FROM takes IMAGE [AS NAME], not '%s'", in->rest);
				return at_line(b, in, err);
			}
			b->nst++;
		} else if (b->nst == 0 && strcmp(in->cmd, "ARG") == 0) {
			char **k = NULL, **v = NULL;
			size_t n = 0;
			if (cf_pairs(in, b->f.escape, global_var, b, &k, &v, &n, err) < 0)
				return at_line(b, in, err);
			for (size_t j = 0; j < n; j++) {
				bool given = false;
				const char *bv = kv_get(b->o->build_args, k[j], &given);
				const char *val = given ? bv : v[j] ? v[j] : predefined_arg(k[j]);
				cleanup_free char *kv =
				    val ? xasprintf("%s=%s", k[j], val) : xstrdup(k[j]);
				b->gargs = strv_append(b->gargs, kv);
			}
			strv_free(k);
			cf_vals_free(v, n);
		} else if (b->nst == 0) {
			werr_set(err, 0, "%s before the first FROM: no build stage yet", in->cmd);
			return at_line(b, in, err);
		}
	}
	if (b->nst == 0)
		return werr_set(err, 0, "%s: no FROM instruction: nothing to build", b->fname);
	b->target = b->nst - 1;
	if (b->o->target) {
		int k = stage_named(b, b->o->target, b->nst);
		if (k < 0)
			return werr_set(err, 0,
					"the target \"%s\" was not found in the provided %s",
					b->o->target, b->fname);
		b->target = (size_t)k;
	}
	need(b, b->target);
	return 0;
}

/* ---- steps that run a container ---- */

/* The environment of RUN: the config's Env, then the ARGs it lacks. */
static char **run_env(struct bld *b)
{
	char **env = jstrv(jget(jget(b->cfg, "config"), "Env"));

	for (size_t i = 0; b->args && b->args[i]; i++) {
		size_t n = strcspn(b->args[i], "=");
		cleanup_free char *k = xstrndup(b->args[i], n);
		if (b->args[i][n] == '=' && image_config_env(b->cfg, k) == NULL)
			env = strv_append(env, b->args[i]);
	}
	return env;
}

static void remember(struct bld *b, const char *id)
{
	if (!strv_contains(b->made, id))
		b->made = strv_append(b->made, id);
}

/* Makes the image n describes (on the stage's image, with the config so
 * far); it becomes cur. */
/* --timestamp: the fixed created time of n. */
static void fixed_time(const struct bld *b, struct image_new *n)
{
	if (b->o->timestamp < 0)
		return;
	n->fixed_time = true;
	n->at = b->o->timestamp * 1000000000;
}

static int commit_new(struct bld *b, const struct image_new *n, struct werr *err)
{
	char id[DIGEST_HEX_LEN + 1];
	struct image_rec r = {0};
	struct image_new m = *n;

	fixed_time(b, &m);
	if (image_commit_new(b->e, &m, id, err) < 0)
		return -1;
	remember(b, id);
	if (store_image_get(b->e->store, id, &r, err) <= 0)
		return werr_set(err, ENOENT, "image %.12s just made is gone", id);
	image_rec_free(&b->cur);
	b->cur = r;
	return 0;
}

/* Commits a layer tar (fd) onto the stage's image. */
static int commit_layer(struct bld *b, int fd, const char *created_by, struct werr *err)
{
	struct image_new n = {.parent = b->cur.id[0] ? &b->cur : NULL,
			      .config = b->cfg,
			      .layer_fd = fd,
			      .created_by = created_by};

	return commit_new(b, &n, err);
}

/* FROM scratch has no image to make a container of: an empty layer
 * first (a tar of two zero blocks). */
static int scratch_base(struct bld *b, struct werr *err)
{
	static const char zeros[1024];
	cleanup_close int fd = image_tmp_file(b->e, err);

	if (fd < 0)
		return -1;
	if (write_all(fd, zeros, sizeof(zeros)) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return werr_set(err, errno, "write temp file");
	return commit_layer(b, fd, "/bin/sh -c #(nop) FROM scratch", err);
}

/* build's RUN options (see build.h) into ro. */
static int build_run_opts(const struct build_opts *o, struct run_opts *ro, struct werr *err)
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
	rc = build_run_opts(o, &ro, err);
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

/* A container of image id, created (rootfs mounted), for a step. */
/* RUN --mount=type=cache|bind|tmpfs,...: a volume of the build cache
 * (<root>/build-mounts/<digest of its id>), a read-only bind of a context
 * path, or a tmpfs. */
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
static int run_flags(struct bld *b, const struct cf_instr *in, struct run_opts *ro,
		     struct werr *err)
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
static bool run_binds(const struct cf_instr *in)
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

static char **new_mountpoints(const struct bld *b, const struct cf_instr *in, int root)
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
static void drop_mountpoints(struct bld *b, const struct ctr_owned *c, char *const *paths)
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

static int step_container(struct bld *b, const char *id, char **cmd, const struct cf_instr *run,
			  struct ctr_owned *c, struct werr *err)
{
	struct json_object *cc = jget(b->cfg, "config");
	struct run_opts ro;
	int rc;

	runopts_init(&ro);
	ro.env = run_env(b);
	ro.cmd = strv_copy(cmd);
	ro.entrypoint_set = true;
	ro.health.none = true;
	ro.quiet = true;
	if (run && jstr(cc, "User") && jstr(cc, "User")[0])
		ro.user = xstrdup(jstr(cc, "User"));
	if (jstr(cc, "WorkingDir") && jstr(cc, "WorkingDir")[0])
		ro.workdir = xstrdup(jstr(cc, "WorkingDir"));
	rc = b->o->network ? runopts_set_network(&ro, b->o->network, err) : 0;
	if (rc == 0 && run)
		rc = build_run_opts(b->o, &ro, err);
	if (rc == 0 && run)
		rc = run_flags(b, run, &ro, err);
	*c = (struct ctr_owned){.lock = -1, .proc = {.pty_master = -1}};
	if (rc == 0)
		rc = container_create(b->e, id, &ro, c, err);
	runopts_free(&ro);
	return rc;
}

/* Removes a step's container (its lock given up first). */
static void drop_ctr(struct engine *e, struct ctr_owned *c)
{
	struct container_rec r = {0};
	struct werr er = {0};
	char id[DIGEST_HEX_LEN + 1];

	if (c->rec.id[0] == '\0')
		return;
	memcpy(id, c->rec.id, sizeof(id));
	container_owned_free(e, c);
	if (container_lookup(e, id, &r, &er) > 0 && container_remove(e, &r, true, 0, &er) < 0)
		log_warn("remove build container %.12s: %s", id, er.msg);
	container_rec_free(&r);
	c->rec.id[0] = '\0';
}

static void drop_container(struct bld *b, struct ctr_owned *c)
{
	drop_ctr(b->e, c);
}

/* The container's changes as the next layer. With kernel overlay the
 * upper dir itself becomes the layer (renamed, its tar written once, as the
 * blob); other drivers go through a tar that is extracted. */
static int commit_container(struct bld *b, struct ctr_owned *c, const char *created_by,
			    struct werr *err)
{
	cleanup_free char *dir = container_dir(b->e, c->rec.id);
	cleanup_free char *upper = xasprintf("%s/upper", dir);
	struct image_new n = {.parent = b->cur.id[0] ? &b->cur : NULL,
			      .config = b->cfg,
			      .layer_fd = -1,
			      .layer_dir = upper,
			      .created_by = created_by};
	cleanup_close int fd = -1;

	enum storage_driver d = container_driver(&c->rec);

	if (d == DRIVER_OVERLAY)
		return commit_new(b, &n, err);
	if (d == DRIVER_VFS) { /* export (below) takes the container's lock itself */
		char id[DIGEST_HEX_LEN + 1];
		memcpy(id, c->rec.id, sizeof(id));
		container_owned_free(b->e, c);
		if (container_lookup(b->e, id, &c->rec, err) <= 0)
			return err->msg[0] ? -1
					   : werr_set(err, ENOENT, "container %.12s is gone", id);
	}
	/* vfs keeps no record of the changes: the whole rootfs becomes the
	 * image's only layer (as commit does) */
	if ((fd = commit_changes_tar(b->e, &c->rec, d == DRIVER_VFS, err)) < 0)
		return -1;
	if (d != DRIVER_VFS)
		return commit_layer(b, fd, created_by, err);
	json_object_object_del(b->cfg, "rootfs");
	json_object_object_del(b->cfg, "history");
	n = (struct image_new){.config = b->cfg, .layer_fd = fd, .created_by = created_by};
	b->base_layers = b->base_hist = 0;
	return commit_new(b, &n, err);
}

/* ---- the layer cache ---- */

static char *cache_path(struct bld *b, const char *key)
{
	return xasprintf("%s/build-cache/%s", b->e->root, digest_hex(key));
}

/* The cache key of instruction in on the stage's image so far; extra: what
 * else decides the layer (the copied files' digest). */
static void cache_key(struct bld *b, const struct cf_instr *in, const char *extra,
		      char key[DIGEST_STR_LEN])
{
	struct json_object *cc = jget(b->cfg, "config");
	cleanup_strv char **env = run_env(b);
	cleanup_free char *layers = strv_join(b->cur.layers, ",");
	cleanup_free char *envs = strv_join(env, "\n");
	cleanup_free char *text = NULL;

	text = xasprintf(
	    "warren-build-cache-1\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s", layers, in->text,
	    in->heredoc ? in->heredoc : "", envs, jstr(cc, "User") ? jstr(cc, "User") : "",
	    jstr(cc, "WorkingDir") ? jstr(cc, "WorkingDir") : "",
	    json_object_to_json_string(jget(cc, "Shell")), extra, in->json ? "j" : "s");
	sha256_buf(text, strlen(text), key);
}

/* The layer cached for key, when the store still has it: 1 (diff_id
 * filled), else 0. */
static int cache_get(struct bld *b, const char *key, char diff_id[DIGEST_STR_LEN])
{
	cleanup_free char *p = cache_path(b, key);
	cleanup_free char *text = NULL, *dir = NULL;
	struct werr e = {0};

	if (b->o->no_cache)
		return 0;
	text = read_file_max(p, 128, NULL, &e);
	if (text == NULL)
		return 0;
	text[strcspn(text, "\n")] = '\0';
	if (!digest_valid(text) || store_layer_exists(b->e->store, text, &e) != 1)
		return 0;
	dir = layer_path(b->e, text);
	if (access(dir, F_OK) < 0)
		return 0;
	snprintf(diff_id, DIGEST_STR_LEN, "%s", text);
	return 1;
}

/* Records the stage's top layer under key (atomically: temp file and
 * rename; a failure only costs the next build its hit). */
static void cache_put(struct bld *b, const char *key)
{
	cleanup_free char *dir = xasprintf("%s/build-cache", b->e->root);
	cleanup_close int dfd = -1;
	size_t n = strv_len(b->cur.layers);
	const char *top = n ? b->cur.layers[n - 1] : NULL;
	struct werr e = {0};

	if (top == NULL || mkdir_p(dir, 0700, &e) < 0)
		return;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || write_file_atomic_at(dfd, digest_hex(key), top, strlen(top), 0600, &e) < 0)
		log_debug("build cache: %s", e.msg[0] ? e.msg : strerror(errno));
}

/* A cache hit: the stored layer becomes the next one. */
static int commit_cached(struct bld *b, const char *diff_id, const char *created_by,
			 struct werr *err)
{
	struct image_new n = {.parent = b->cur.id[0] ? &b->cur : NULL,
			      .config = b->cfg,
			      .layer_fd = -1,
			      .diff_id = diff_id,
			      .created_by = created_by};

	say(b, "--> Using cache %s", digest_hex(diff_id));
	return commit_new(b, &n, err);
}

/* The merged rootfs of a step's container, as a dir fd. */
static int rootfs_fd(struct bld *b, const struct ctr_owned *c, struct werr *err)
{
	cleanup_free char *dir = container_dir(b->e, c->rec.id);
	cleanup_free char *m = xasprintf("%s/merged", dir);
	int fd = open(m, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return werr_set(err, errno, "open '%s'", m);
	return fd;
}

/* ---- cancelling ---- */

static bool cancelled(struct bld *b)
{
	struct pollfd p = {.fd = b->o->cancel_fd, .events = POLLIN};

	if (b->cancel)
		return true;
	if (b->o->cancel_fd >= 0 && poll(&p, 1, 0) == 1)
		b->cancel = true;
	return b->cancel;
}

/* exec_io.on_event of a RUN: the build is to stop; the RUN is killed.
 * What made cancel_fd readable is read (a signalfd's siginfo): the wait
 * loop polls it again. */
static void on_cancel(void *arg, const struct ctr_proc *p)
{
	struct bld *b = arg;
	struct werr e = {0};
	char buf[256];

	while (read(b->o->cancel_fd, buf, sizeof(buf)) > 0)
		;
	if (b->cancel)
		return;
	b->cancel = true;
	if (executor_kill(p, SIGKILL, &e) < 0)
		log_debug("kill the RUN: %s", e.msg);
}

/* RUN's argv: the exec form, else the Shell (default /bin/sh -c) and the
 * text (or the heredoc's script). */
static char **run_argv(struct bld *b, const struct cf_instr *in)
{
	struct json_object *shell = jget(jget(b->cfg, "config"), "Shell");
	char **v;

	if (in->json)
		return strv_copy(in->json);
	v = jlen(shell) ? jstrv(shell) : strv_append(strv_append(NULL, "/bin/sh"), "-c");
	return strv_append(v, in->heredoc ? in->heredoc : in->rest);
}

static int step_run(struct bld *b, const struct cf_instr *in, struct werr *err)
{
	cleanup_strv char **argv = run_argv(b, in);
	cleanup_free char *by = NULL;
	struct ctr_owned c;
	struct exec_io io = {.in_fd = -1,
			     .out_fd = b->o->out_fd,
			     .err_fd = b->o->err_fd,
			     .event_fd = b->o->cancel_fd,
			     .on_event = on_cancel,
			     .event_arg = b};
	char key[DIGEST_STR_LEN], hit[DIGEST_STR_LEN];
	cleanup_strv char **mps = NULL;
	int code = 0, rc;

	by = in->json ? xasprintf("RUN %s", in->rest)
		      : xasprintf("/bin/sh -c %s", in->heredoc ? in->heredoc : in->rest);
	if (b->cur.id[0] == '\0' && scratch_base(b, err) < 0)
		return -1;
	cache_key(b, in, "", key);
	if (!run_binds(in) && cache_get(b, key, hit))
		return commit_cached(b, hit, by, err);
	if (step_container(b, b->cur.id, argv, in, &c, err) < 0)
		return -1;
	if (in->flags || b->o->volumes) {
		cleanup_close int root = rootfs_fd(b, &c, err);
		mps = root >= 0 ? new_mountpoints(b, in, root) : NULL;
	}
	rc = container_start(b->e, &c, &io, err);
	if (rc == 0)
		rc = container_wait(b->e, &c, &io, &code, err);
	if (rc == 0 && cancelled(b)) {
		werr_set(err, 0, "interrupted");
		werr_status(err, 130);
		rc = -1;
	} else if (rc == 0 && code != 0) {
		/* chown, useradd, apt's _apt user: with one uid every id but root
		 * fails (EINVAL), and the step's own message rarely says why */
		if (b->e->single_uid)
			log_warn("this RUN step ran with a single uid (no subordinate ids for this "
				 "user): a step that gives files to other users (chown, useradd) "
				 "fails, and then the image needs several ids: ask an admin for a "
				 "range in /etc/subuid and /etc/subgid");
		werr_set(err, 0, "building at STEP \"%s\": while running runtime: exit status %d",
			 in->text, code);
		werr_status(err, code);
		rc = -1;
	}
	if (rc == 0 && mps)
		drop_mountpoints(b, &c, mps);
	if (rc == 0)
		rc = commit_container(b, &c, by, err);
	if (rc == 0)
		cache_put(b, key);
	drop_container(b, &c);
	return rc;
}

/* COPY/ADD --from=X: a container of stage X's image (or of image X) to
 * read from. */
static int from_container(struct bld *b, const char *from, struct ctr_owned *c, struct werr *err)
{
	int k = stage_named(b, from, b->si);
	struct image_rec r = {0};
	char *const none[] = {(char *)"true", NULL};
	int rc;

	if (k >= 0)
		return step_container(b, b->st[k].id, (char **)none, NULL, c, err);
	rc = image_lookup(b->e, from, &r, err);
	if (rc == 0)
		werr_set(err, ENOENT, "--from=%s: no stage or image of that name", from);
	if (rc > 0)
		rc = step_container(b, r.id, (char **)none, NULL, c, err) < 0 ? -1 : 1;
	image_rec_free(&r);
	return rc > 0 ? 0 : -1;
}

/* Is rel an archive ADD unpacks? (by its name: .tar, .tar.gz, .tgz, ...) */
static bool is_archive(const char *rel)
{
	static const char *const ext[] = {".tar", ".tar.gz",  ".tgz",  ".tar.xz",
					  ".txz", ".tar.bz2", ".tbz2", ".tar.zst"};

	for (size_t i = 0; i < ARRAY_SIZE(ext); i++)
		if (str_has_suffix(rel, ext[i]))
			return true;
	return false;
}

/* ADD's local archives: unpacked into dest; the others are left in *srcs. */
static int add_archives(struct bld *b, int root, char ***srcs, const char *dest, struct werr *err)
{
	char **rest = xcalloc(1, sizeof(char *));

	for (size_t i = 0; (*srcs)[i]; i++) {
		const char *s = (*srcs)[i];
		struct open_how how = {.flags = O_RDONLY | O_CLOEXEC,
				       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
		cleanup_close int fd = -1, d = -1;
		if (!is_archive(s)) {
			rest = strv_append(rest, s);
			continue;
		}
		while (*s == '/')
			s++;
		fd = sys_openat2(b->ctx, s, &how);
		d = build_mkdir_in(root, dest, 0, 0, err);
		if (fd < 0 || d < 0) {
			strv_free(rest);
			return fd < 0 ? werr_set(err, errno, "ADD '%s'", s) : -1;
		}
		if (build_untar(root, dest, fd, err) < 0) {
			strv_free(rest);
			return werr_wrap(err, "ADD '%s'", s);
		}
	}
	strv_free(*srcs);
	*srcs = rest;
	return 0;
}

/* The destination of COPY: relative to WORKDIR, a trailing '/' kept. */
static char *copy_dest(struct bld *b, const char *d)
{
	const char *wd = jstr(jget(b->cfg, "config"), "WorkingDir");

	if (d[0] == '/')
		return xstrdup(d);
	if (wd == NULL || wd[0] == '\0')
		wd = "/";
	if (strcmp(d, ".") == 0 || strcmp(d, "./") == 0)
		return xasprintf("%s/", wd);
	return xasprintf("%s%s%s", wd, str_has_suffix(wd, "/") ? "" : "/", d);
}

static int copy_flags(const struct cf_instr *in, struct werr *err)
{
	static const char *const ok[] = {"from", "chown", "chmod", "link", NULL};

	for (size_t i = 0; in->flags && in->flags[i]; i++) {
		size_t n = strcspn(in->flags[i] + 2, "=");
		cleanup_free char *f = xstrndup(in->flags[i] + 2, n);
		if (!strv_contains((char *const *)ok, f))
			return werr_set(err, 0, "%s: unknown flag %s", in->cmd, in->flags[i]);
	}
	return 0;
}

/* The cache key of COPY/ADD: the files of the context it copies, or
 * the layers of the stage or image --from names. */
static int copy_cache_key(struct bld *b, const struct cf_instr *in, const char *from, int url_root,
			  char *const *srcs, char key[DIGEST_STR_LEN], struct werr *err)
{
	char extra[DIGEST_STR_LEN + 8] = "";

	if (from) {
		int k = stage_named(b, from, b->si);
		struct image_rec r = {0};
		int rc = k >= 0 ? image_lookup(b->e, b->st[k].id, &r, err)
				: base_image(b, from, NULL, &r, err);
		cleanup_free char *layers = rc > 0 ? strv_join(r.layers, ",") : NULL;
		if (rc > 0)
			sha256_buf(layers, strlen(layers), extra);
		image_rec_free(&r);
		if (rc == 0)
			return werr_set(err, ENOENT, "--from=%s: no stage or image of that name",
					from);
		if (rc < 0)
			return -1;
	} else {
		struct build_copy bc = {.src_root = url_root >= 0 ? url_root : b->ctx,
					.srcs = srcs,
					.ig = url_root >= 0 ? NULL : &b->ig};
		if (build_copy_hash(&bc, extra, err) < 0)
			return werr_wrap(err, "%s", in->cmd);
	}
	cache_key(b, in, extra, key);
	return 0;
}

static bool is_url(const char *s)
{
	return str_has_prefix(s, "http://") || str_has_prefix(s, "https://");
}

static size_t url_write(char *p, size_t size, size_t n, void *ud)
{
	return write_all(*(int *)ud, p, size * n) < 0 ? 0 : size * n;
}

/* Downloads url into file fd (redirects followed; an HTTP error status is
 * an error). */
static int download(const char *url, int fd, struct werr *err)
{
	const struct curlfn *cf = curlfn_get(err);
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *h;
	CURLcode rc;

	if (cf == NULL)
		return -1;
	if ((h = cf->easy_init()) == NULL)
		return werr_set(err, ENOMEM, "download '%s': curl_easy_init failed", url);
	cf->easy_setopt(h, CURLOPT_URL, url);
	cf->easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	cf->easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
	cf->easy_setopt(h, CURLOPT_FAILONERROR, 1L);
	cf->easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
	cf->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	cf->easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	cf->easy_setopt(h, CURLOPT_WRITEFUNCTION, url_write);
	cf->easy_setopt(h, CURLOPT_WRITEDATA, &fd);
	rc = cf->easy_perform(h);
	cf->easy_cleanup(h);
	if (rc != CURLE_OK)
		return werr_set(err, 0, "download '%s': %s", url,
				errbuf[0] ? errbuf : cf->easy_strerror(rc));
	return 0;
}

/* ADD's URLs: each downloaded (mode 0600, as Docker) into a new temp dir
 * (*dir, the caller removes it) under the name the URL's path ends in;
 * w's URLs become those names. The dir's fd, or -1. */
static int fetch_urls(struct bld *b, char **w, char **dir, struct werr *err)
{
	cleanup_free char *tmp = xasprintf("%s/tmp", b->e->root);
	int dfd;

	if (mkdir_p(tmp, 0700, err) < 0)
		return -1;
	*dir = xasprintf("%s/build-url-XXXXXX", tmp);
	if (mkdtemp(*dir) == NULL) {
		free(*dir);
		*dir = NULL;
		return werr_set(err, errno, "make a temp dir in '%s'", tmp);
	}
	if ((dfd = open(*dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return werr_set(err, errno, "open '%s'", *dir);
	for (size_t i = 0; w[i]; i++) {
		const char *u = w[i], *path = strchr(strstr(u, "://") + 3, '/');
		size_t len = path ? strcspn(path, "?#") : 0;
		cleanup_free char *p = path ? xstrndup(path, len) : xstrdup("");
		char *slash = strrchr(p, '/');
		const char *base = slash && slash[1] ? slash + 1 : "download";
		cleanup_close int fd = -1;
		if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
			base = "download";
		fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			werr_set(err, errno, "ADD: two URLs name the file '%s'", base);
			close(dfd);
			return -1;
		}
		if (download(u, fd, err) < 0) {
			close(dfd);
			return werr_wrap(err, "ADD");
		}
		free(w[i]);
		w[i] = xstrdup(base);
	}
	return dfd;
}

/* COPY and ADD. */
static int step_copy(struct bld *b, const struct cf_instr *in, struct werr *err)
{
	bool add = strcmp(in->cmd, "ADD") == 0;
	const char *from = cf_flag(in, "from"), *chown = cf_flag(in, "chown");
	const char *chmod = cf_flag(in, "chmod");
	cleanup_strv char **w = NULL;
	cleanup_free char *dest = NULL, *by = NULL;
	cleanup_close int root = -1, src = -1, url_root = -1;
	cleanup_free char *url_dir = NULL;
	struct ctr_owned c = {.lock = -1}, fc = {.lock = -1};
	char *const none[] = {(char *)"true", NULL};
	struct build_copy bc = {.mode = -1};
	char key[DIGEST_STR_LEN], hit[DIGEST_STR_LEN];
	size_t n;
	int rc = -1;

	if (copy_flags(in, err) < 0)
		return -1;
	if (in->json)
		w = strv_copy(in->json);
	else if (cf_words(in->rest, b->f.escape, true, stage_var, b, &w, err) < 0)
		return -1;
	n = strv_len(w);
	if (n < 2)
		return werr_set(err, 0, "%s requires at least two arguments", in->cmd);
	size_t nurl = 0;
	for (size_t i = 0; i + 1 < n; i++)
		nurl += add && is_url(w[i]);
	if (nurl && nurl + 1 < n)
		return werr_set(err, 0, "ADD: URLs and local files in one instruction: split it");
	if (nurl && from)
		return werr_set(err, 0, "ADD --from: a URL is not a path of the stage");
	if (chmod) {
		char *end;
		long m = strtol(chmod, &end, 8);
		if (!*chmod || *end || m < 0 || m > 07777)
			return werr_set(err, 0, "%s --chmod: not an octal mode '%s'", in->cmd,
					chmod);
		bc.mode = (int)m;
	}
	dest = copy_dest(b, w[n - 1]);
	free(w[n - 1]);
	w[n - 1] = NULL;
	by = xasprintf("/bin/sh -c #(nop) %s", in->text);
	if (b->cur.id[0] == '\0' && scratch_base(b, err) < 0)
		return -1;
	if (nurl && (url_root = fetch_urls(b, w, &url_dir, err)) < 0)
		goto out;
	if (copy_cache_key(b, in, from, url_root, w, key, err) < 0)
		goto out;
	if (cache_get(b, key, hit)) {
		rc = commit_cached(b, hit, by, err);
		goto out;
	}
	if (step_container(b, b->cur.id, (char **)none, NULL, &c, err) < 0)
		goto out;
	if ((root = rootfs_fd(b, &c, err)) < 0)
		goto out;
	if (chown && build_chown_ids(root, chown, &bc.uid, &bc.gid, err) < 0)
		goto out;
	if (url_root >= 0) {
		src = dup(url_root);
	} else if (from) {
		if (from_container(b, from, &fc, err) < 0 || (src = rootfs_fd(b, &fc, err)) < 0)
			goto out;
	} else {
		src = dup(b->ctx);
		bc.ig = &b->ig;
		if (add && add_archives(b, root, &w, dest, err) < 0)
			goto out;
	}
	bc.src_root = src;
	bc.dst_root = root;
	bc.srcs = w;
	bc.dest = dest;
	rc = (w[0] == NULL ? 0 : build_copy_run(&bc, err));
	if (rc < 0)
		werr_wrap(err, "%s", in->cmd);
	if (rc == 0)
		rc = commit_container(b, &c, by, err);
	if (rc == 0)
		cache_put(b, key);
out:
	drop_container(b, &fc);
	drop_container(b, &c);
	if (url_dir) {
		struct werr e = {0};
		if (rm_rf_at(AT_FDCWD, url_dir, &e) < 0)
			log_debug("remove '%s': %s", url_dir, e.msg);
	}
	return rc;
}

/* ---- the other instructions ---- */

static int step_arg(struct bld *b, const struct cf_instr *in, struct werr *err)
{
	char **k = NULL, **v = NULL;
	size_t n = 0;

	if (cf_pairs(in, b->f.escape, stage_var, b, &k, &v, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		bool given = false, global = false;
		const char *bv = kv_get(b->o->build_args, k[i], &given);
		const char *gv = kv_get(b->gargs, k[i], &global);
		const char *val = given ? bv : v[i] ? v[i] : global ? gv : predefined_arg(k[i]);
		cleanup_free char *kv = val ? xasprintf("%s=%s", k[i], val) : xstrdup(k[i]);
		b->args = strv_append(b->args, kv);
	}
	strv_free(k);
	cf_vals_free(v, n);
	return 0;
}

/* A history entry of an instruction that made no layer. */
static void history_nop(struct bld *b, const struct cf_instr *in)
{
	struct json_object *h = json_object_new_object(), *hist = jget(b->cfg, "history");
	cleanup_free char *by = xasprintf("/bin/sh -c #(nop) %s", in->text);
	char when[48];

	if (hist == NULL || !json_object_is_type(hist, json_type_array)) {
		hist = json_object_new_array();
		jset(b->cfg, "history", hist);
	}
	format_rfc3339(b->o->timestamp >= 0 ? b->o->timestamp * 1000000000 : now_ns(), when,
		       sizeof(when));
	jset_str(h, "created", when);
	jset_str(h, "created_by", by);
	jset(h, "empty_layer", json_object_new_boolean(true));
	json_object_array_add(hist, h);
}

static int step_config(struct bld *b, const struct cf_instr *in, struct werr *err)
{
	struct json_object *cc;

	if (image_config_change(b->cfg, in, b->f.escape, stage_var, b, err) < 0)
		return -1;
	cc = jget(b->cfg, "config");
	if (strcmp(in->cmd, "CMD") == 0)
		b->cmd_set = true;
	/* an ENTRYPOINT drops the CMD the base image had (Docker) */
	if (strcmp(in->cmd, "ENTRYPOINT") == 0 && !b->cmd_set)
		json_object_object_del(cc, "Cmd");
	history_nop(b, in);
	return 0;
}

static int step(struct bld *b, const struct cf_instr *in, struct werr *err)
{
	const char *c = in->cmd;

	if (strcmp(c, "RUN") == 0)
		return step_run(b, in, err);
	if (strcmp(c, "COPY") == 0 || strcmp(c, "ADD") == 0)
		return step_copy(b, in, err);
	if (strcmp(c, "ARG") == 0)
		return step_arg(b, in, err);
	if (strcmp(c, "FROM") == 0)
		return werr_set(err, 0, "FROM inside a stage");
	return step_config(b, in, err);
}

/* ---- stages ---- */

/* The base image's ONBUILD triggers (docker format) run first, in the
 * new stage, and are not inherited further (Docker's rule). */
static int onbuild(struct bld *b, struct werr *err)
{
	struct json_object *cc = jget(b->cfg, "config");
	cleanup_strv char **triggers = jstrv(jget(cc, "OnBuild"));

	json_object_object_del(cc, "OnBuild");
	for (size_t i = 0; triggers && triggers[i]; i++) {
		struct cf_instr in = {0};
		int rc;
		say(b, "--> ONBUILD %s", triggers[i]);
		if (cf_parse_one(triggers[i], &in, err) < 0)
			return werr_wrap(err, "ONBUILD trigger");
		rc = strcmp(in.cmd, "FROM") == 0 || strcmp(in.cmd, "ONBUILD") == 0
			 ? werr_set(err, 0, "%s is not allowed as an ONBUILD trigger", in.cmd)
			 : step(b, &in, err);
		cf_instr_free(&in);
		if (rc < 0)
			return werr_wrap(err, "ONBUILD %s", triggers[i]);
	}
	return 0;
}

static int stage_from(struct bld *b, struct werr *err)
{
	cleanup_free char *base = stage_base(b, b->si, err);
	int k, rc;

	if (base == NULL)
		return -1;
	image_rec_free(&b->cur);
	b->cur = (struct image_rec){0};
	json_object_put(b->cfg);
	b->cfg = NULL;
	strv_free(b->args);
	b->args = NULL;
	b->cmd_set = false;
	b->base_layers = b->base_hist = 0;
	if (strcasecmp(base, "scratch") == 0) {
		b->cfg = image_config_base(NULL, err);
		return b->cfg ? 0 : -1;
	}
	k = stage_named(b, base, b->si);
	if (k >= 0)
		rc = image_lookup(b->e, b->st[k].id, &b->cur, err);
	else
		rc = base_image(b, base, cf_flag(&b->f.v[b->st[b->si].first], "platform"), &b->cur,
				err);
	if (rc == 0)
		werr_set(err, ENOENT, "%s: image not known", base);
	if (rc <= 0)
		return -1;
	b->cfg = image_config_base(&b->cur, err);
	if (b->cfg == NULL)
		return -1;
	struct json_object *h = jget(b->cfg, "history");
	b->base_layers = strv_len(b->cur.layers);
	b->base_hist =
	    h && json_object_is_type(h, json_type_array) ? json_object_array_length(h) : 0;
	return onbuild(b, err);
}

/* Podman drops what the OCI format has no field for, with a warning. */
static void oci_only(struct bld *b)
{
	static const char *const keys[] = {"Healthcheck", "Shell", "OnBuild"};
	struct json_object *cc = jget(b->cfg, "config");

	for (size_t i = 0; !b->o->docker && i < ARRAY_SIZE(keys); i++) {
		if (jget(cc, keys[i]) == NULL)
			continue;
		log_warn("%s is not supported for OCI image format and will be ignored: use "
			 "--format docker",
			 keys[i]);
		json_object_object_del(cc, keys[i]);
	}
}

static void add_labels(struct bld *b)
{
	struct json_object *cc = jget(b->cfg, "config"), *l;

	if (b->o->labels == NULL)
		return;
	l = jget(cc, "Labels");
	if (l == NULL || !json_object_is_type(l, json_type_object)) {
		l = json_object_new_object();
		jset(cc, "Labels", l);
	}
	for (size_t i = 0; b->o->labels[i]; i++) {
		size_t n = strcspn(b->o->labels[i], "=");
		cleanup_free char *k = xstrndup(b->o->labels[i], n);
		jset_str(l, k, b->o->labels[i][n] == '=' ? b->o->labels[i] + n + 1 : "");
	}
}

/* The stage's image: the config so far on the layers so far. */
static int stage_commit(struct bld *b, char *const *names, char id[DIGEST_HEX_LEN + 1],
			struct werr *err)
{
	struct image_new n = {.parent = b->cur.id[0] ? &b->cur : NULL,
			      .config = b->cfg,
			      .layer_fd = -1,
			      .no_history = true,
			      .names = names};

	fixed_time(b, &n);
	return image_commit_new(b->e, &n, id, err);
}

/* Keeps the first n entries of array key of object o. */
static void json_array_keep(struct json_object *o, const char *key, size_t n)
{
	struct json_object *a = jget(o, key);
	size_t len = a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;

	if (len > n)
		json_object_array_del_idx(a, n, len - n);
}

/* --squash (the stage's new layers become one on its base) and
 * --squash-all (the whole image one layer, no parent): the final image. */
static int stage_squash(struct bld *b, char *const *names, char id[DIGEST_HEX_LEN + 1],
			struct werr *err)
{
	bool all = b->o->squash_all;
	size_t nl = strv_len(b->cur.layers), from = all ? 0 : b->base_layers;
	struct image_rec base = {.layers = xcalloc(1, sizeof(char *))};
	struct image_new n = {.config = b->cfg,
			      .created_by = "/bin/sh -c #(nop) squashed",
			      .layer_fd = -1,
			      .names = names};
	cleanup_close int fd = -1;
	int *fds = xcalloc(nl + 1, sizeof(int));
	size_t m = 0;
	int rc = -1;

	for (size_t i = 0; i < from && i < nl; i++)
		base.layers = strv_append(base.layers, b->cur.layers[i]);
	/* fds: the new layers top first, then the base's */
	for (size_t i = nl; i-- > 0;) {
		cleanup_free char *p = layer_path(b->e, b->cur.layers[i]);
		if ((fds[m] = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
			werr_set(err, errno, "open '%s'", p);
			goto out;
		}
		m++;
	}
	if ((fd = image_tmp_file(b->e, err)) < 0 ||
	    layer_tar_merge(fds, nl - from, fds + (nl - from), from, all, fd, err) < 0 ||
	    lseek(fd, 0, SEEK_SET) < 0)
		goto out;
	json_array_keep(jget(b->cfg, "rootfs"), "diff_ids", from);
	json_array_keep(b->cfg, "history", all ? 0 : b->base_hist);
	n.parent = from ? &base : NULL;
	n.layer_fd = fd;
	fixed_time(b, &n);
	rc = image_commit_new(b->e, &n, id, err);
out:
	for (size_t i = 0; i < m; i++)
		close(fds[i]);
	free(fds);
	image_rec_free(&base);
	return rc;
}

static int build_stage(struct bld *b, char *const *names, struct werr *err)
{
	struct stage *s = &b->st[b->si];
	size_t nsteps = s->end - s->first;
	bool last = b->si == b->target;
	char prefix[32] = "";

	b->done++;
	if (b->nneeded > 1)
		snprintf(prefix, sizeof(prefix), "[%zu/%zu] ", b->done, b->nneeded);
	for (size_t j = s->first; j < s->end; j++) {
		const struct cf_instr *in = &b->f.v[j];
		if (cancelled(b)) {
			werr_set(err, 0, "interrupted");
			return werr_status(err, 130);
		}
		say(b, "%sSTEP %zu/%zu: %s", prefix, j - s->first + 1, nsteps, in->text);
		int rc = j == s->first ? stage_from(b, err) : step(b, in, err);
		if (rc < 0) {
			if (str_has_prefix(err->msg, "building at STEP"))
				return -1;
			int st = err->status;
			werr_wrap(err, "building at STEP \"%s\"", in->text);
			err->status = st;
			return -1;
		}
		if (j != s->first && (strcmp(in->cmd, "RUN") == 0 || strcmp(in->cmd, "COPY") == 0 ||
				      strcmp(in->cmd, "ADD") == 0))
			say(b, "--> %.11s", b->cur.id);
	}
	if (last) {
		add_labels(b);
		oci_only(b);
		say(b, "%sCOMMIT%s%s", prefix, names && names[0] ? " " : "",
		    names && names[0] ? names[0] : "");
	}
	if (last && (b->o->squash || b->o->squash_all)
		? stage_squash(b, names, s->id, err) < 0
		: stage_commit(b, last ? names : NULL, s->id, err) < 0)
		return -1;
	if (!last)
		remember(b, s->id);
	say(b, "--> %.11s", s->id);
	return 0;
}

static void bld_free(struct bld *b, const char *keep)
{
	/* the intermediate images, newest first; their layers stay while
	 * the final image uses them */
	for (size_t i = strv_len(b->made); i-- > 0;) {
		struct werr e = {0};
		if (keep && strcmp(b->made[i], keep) == 0)
			continue;
		if (image_delete(b->e, b->made[i], &e) < 0)
			log_debug("remove intermediate image %.12s: %s", b->made[i], e.msg);
	}
	strv_free(b->made);
	for (size_t i = 0; i < b->nst; i++)
		free(b->st[i].name);
	free(b->st);
	cf_file_free(&b->f);
	free(b->fname);
	strv_free(b->gargs);
	strv_free(b->args);
	image_rec_free(&b->cur);
	json_object_put(b->cfg);
	build_ignore_free(&b->ig);
	if (b->ctx >= 0)
		close(b->ctx);
	if (b->ctx_tmp) {
		struct werr e = {0};
		if (rm_rf_at(AT_FDCWD, b->ctx_tmp, &e) < 0)
			log_warn("remove the unpacked context '%s': %s", b->ctx_tmp, e.msg);
	}
	free(b->ctx_tmp);
	free(b->ctx_path);
}

static void read_ignore(struct bld *b)
{
	static const char *const names[] = {".containerignore", ".dockerignore"};
	struct werr e = {0};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		cleanup_free char *t = rootfs_read_file(b->ctx, names[i], 1 << 20, &e);
		if (t) {
			build_ignore_parse(t, &b->ig);
			return;
		}
	}
}

static int open_context(struct bld *b, struct werr *err)
{
	b->ctx_path = xstrdup(b->o->context);
	b->ctx = open(b->ctx_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (b->ctx < 0)
		return werr_set(err, errno, "context directory '%s'", b->ctx_path);
	return 0;
}

/* A context given as a tar stream (a file, or stdin: build - < ctx.tar):
 * unpacked, safely (build_untar), into a temp dir removed at the end. */
static int unpack_context(struct bld *b, struct werr *err)
{
	cleanup_free char *dir = xasprintf("%s/tmp", b->e->root);

	if (mkdir_p(dir, 0700, err) < 0)
		return -1;
	b->ctx_tmp = xasprintf("%s/build-ctx-XXXXXX", dir);
	if (mkdtemp(b->ctx_tmp) == NULL) {
		free(b->ctx_tmp);
		b->ctx_tmp = NULL;
		return werr_set(err, errno, "make a temp dir in '%s'", dir);
	}
	b->ctx_path = xstrdup(b->ctx_tmp);
	b->ctx = open(b->ctx_tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (b->ctx < 0)
		return werr_set(err, errno, "open '%s'", b->ctx_tmp);
	if (build_untar(b->ctx, "/", b->o->context_fd, err) < 0)
		return werr_wrap(err, "context archive");
	return 0;
}

int container_build(struct engine *e, const struct build_opts *o, char id_out[DIGEST_HEX_LEN + 1],
		    struct werr *err)
{
	struct bld b = {.e = e, .o = o, .ctx = -1};
	cleanup_strv char **names = NULL;
	int rc = -1;

	for (size_t i = 0; o->tags && o->tags[i]; i++) {
		cleanup_free char *n = image_local_name(o->tags[i], err);
		if (n == NULL)
			return werr_status(err, 125);
		names = strv_append(names, n);
	}
	if (o->context_fd >= 0 ? unpack_context(&b, err) < 0 : open_context(&b, err) < 0)
		goto out;
	read_ignore(&b);
	if (read_file(&b, err) < 0 || plan_stages(&b, err) < 0 || engine_store(e, err) == NULL)
		goto out;
	for (b.si = 0; b.si <= b.target; b.si++)
		if (b.st[b.si].needed && build_stage(&b, b.si == b.target ? names : NULL, err) < 0)
			goto out;
	for (size_t i = 0; names && names[i]; i++)
		say(&b, "Successfully tagged %s", names[i]);
	memcpy(id_out, b.st[b.target].id, DIGEST_HEX_LEN + 1);
	rc = 0;
out:
	bld_free(&b, rc == 0 ? b.st[b.target].id : NULL);
	if (rc < 0 && err->status == 0)
		werr_status(err, 125);
	return rc;
}

/* --output: see build.h. */
int container_build_output(struct engine *e, const char *id, bool tar, const char *dest,
			   struct werr *err)
{
	struct ctr_owned c = {.lock = -1, .proc = {.pty_master = -1}};
	struct container_rec rec = {0};
	struct run_opts ro;
	struct werr er = {0};
	char cid[DIGEST_HEX_LEN + 1];
	cleanup_close int fd = -1, dfd = -1;
	int rc;

	runopts_init(&ro);
	ro.cmd = strv_append(NULL, "true");
	ro.entrypoint_set = true;
	ro.health.none = true;
	ro.quiet = true;
	rc = container_create(e, id, &ro, &c, err);
	runopts_free(&ro);
	if (rc < 0)
		return -1;
	/* export takes the container's lock itself: created, and nobody's */
	memcpy(cid, c.rec.id, sizeof(cid));
	container_owned_free(e, &c);
	if (container_lookup(e, cid, &rec, err) <= 0) {
		container_rec_free(&rec);
		return -1;
	}
	if (tar)
		fd = open(dest, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	else if (mkdir_p(dest, 0755, err) == 0 &&
		 (dfd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0)
		fd = image_tmp_file(e, err);
	if (fd < 0 && err->msg[0] == '\0')
		werr_set(err, errno, "open '%s'", dest);
	rc = fd < 0 ? -1 : container_export(e, &rec, fd, err);
	if (rc == 0 && !tar && (lseek(fd, 0, SEEK_SET) < 0 || build_untar(dfd, "/", fd, err) < 0))
		rc = err->msg[0] ? -1 : werr_set(err, errno, "write '%s'", dest);
	if (container_remove(e, &rec, true, 0, &er) < 0)
		log_warn("remove build container %.12s: %s", cid, er.msg);
	container_rec_free(&rec);
	return rc;
}
