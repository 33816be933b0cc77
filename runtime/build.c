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
#include "image/image.h"
#include "image/imgcommit.h"
#include "image/manifest.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/syscalls.h"
#include "lib/util.h"
#include "runtime/build_copy.h"
#include "runtime/build_int.h"
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
	if (b->say_fd < 0) {
		b->o->say(b->o->ud, line);
		return;
	}
	/* a stage process (build_jobs.c): the line goes with RUN's output,
	 * in order, to the parent that prefixes and prints it */
	cleanup_free char *nl = xasprintf("%s\n", line);
	if (write_all(b->say_fd, nl, strlen(nl)) < 0)
		log_debug("progress line: %s", strerror(errno));
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

/* bld_stage_deps: see build_int.h. */
size_t bld_stage_deps(const struct bld *b, size_t i, size_t *deps)
{
	cleanup_free char *base = NULL;
	struct werr e = {0};
	size_t n = 0;

	if ((base = stage_base((struct bld *)b, i, &e)) != NULL) {
		int k = stage_named(b, base, i);
		if (k >= 0)
			deps[n++] = (size_t)k;
	}
	for (size_t j = b->st[i].first + 1; j < b->st[i].end; j++) {
		const char *from = cf_flag(&b->f.v[j], "from");
		int k = from ? stage_named(b, from, i) : -1;
		bool dup = false;
		for (size_t d = 0; d < n; d++)
			dup = dup || deps[d] == (size_t)k;
		if (k >= 0 && !dup &&
		    (strcmp(b->f.v[j].cmd, "COPY") == 0 || strcmp(b->f.v[j].cmd, "ADD") == 0))
			deps[n++] = (size_t)k;
	}
	return n;
}

static void need(struct bld *b, size_t i)
{
	size_t *deps, n;

	if (b->st[i].needed)
		return;
	b->st[i].needed = true;
	b->nneeded++;
	deps = xcalloc(b->nst, sizeof(*deps));
	n = bld_stage_deps(b, i, deps);
	for (size_t d = 0; d < n; d++)
		need(b, deps[d]);
	free(deps);
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

/* Docker's predefined proxy ARGs: given with --build-arg, they reach RUN
 * without an ARG line, and stay out of the image, its history and the
 * cache key (a proxy does not change what a step makes). */
static char **proxy_env(struct bld *b, char **env)
{
	static const char *const names[] = {
	    "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY",
	    "ftp_proxy",  "NO_PROXY",	"no_proxy",    "ALL_PROXY",   "all_proxy"};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		bool given = false, have = false;
		const char *v = kv_get(b->o->build_args, names[i], &given);
		kv_get(env, names[i], &have);
		if (given && v && !have) {
			cleanup_free char *kv = xasprintf("%s=%s", names[i], v);
			env = strv_append(env, kv);
		}
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

/* A container of image id, created (rootfs mounted), for a step. */
static int step_container(struct bld *b, const char *id, char **cmd, const struct cf_instr *run,
			  struct ctr_owned *c, struct werr *err)
{
	struct json_object *cc = jget(b->cfg, "config");
	struct run_opts ro;
	int rc;

	runopts_init(&ro);
	ro.env = run_env(b);
	if (run)
		ro.env = proxy_env(b, ro.env);
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
		rc = bld_run_opts(b->o, &ro, err);
	if (rc == 0 && run)
		rc = bld_run_flags(b, run, &ro, err);
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
	struct pollfd p = {.fd = b->cancel_fd, .events = POLLIN};

	if (b->cancel)
		return true;
	if (b->cancel_fd >= 0 && poll(&p, 1, 0) == 1)
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

	while (read(b->cancel_fd, buf, sizeof(buf)) > 0)
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
			     .out_fd = b->out_fd,
			     .err_fd = b->err_fd,
			     .event_fd = b->cancel_fd,
			     .on_event = on_cancel,
			     .event_arg = b};
	char key[DIGEST_STR_LEN], hit[DIGEST_STR_LEN];
	cleanup_strv char **mps = NULL, **vols = NULL;
	int code = 0, rc;

	by = in->json ? xasprintf("RUN %s", in->rest)
		      : xasprintf("/bin/sh -c %s", in->heredoc ? in->heredoc : in->rest);
	if (b->cur.id[0] == '\0' && scratch_base(b, err) < 0)
		return -1;
	cache_key(b, in, "", key);
	if (!bld_run_binds(in) && cache_get(b, key, hit))
		return commit_cached(b, hit, by, err);
	if (step_container(b, b->cur.id, argv, in, &c, err) < 0)
		return -1;
	{
		cleanup_close int root = rootfs_fd(b, &c, err);
		if (root >= 0 && (in->flags || b->o->volumes))
			mps = bld_new_mountpoints(b, in, root);
		vols = root >= 0 ? bld_volumes_before(b, root, err) : NULL;
		if (vols == NULL) {
			drop_container(b, &c);
			return -1;
		}
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
		bld_drop_mountpoints(b, &c, mps);
	if (rc == 0)
		bld_volumes_after(b, &c, vols);
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
		nurl += add && build_is_url(w[i]);
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
	if (nurl && (url_root = build_fetch_urls(b->e->root, w, &url_dir, err)) < 0)
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

/* --annotation of the final image (names given): an object, or NULL. */
static struct json_object *annotations(const struct bld *b, char *const *names)
{
	struct json_object *a;

	if (names == NULL || b->o->annotations == NULL || b->o->annotations[0] == NULL)
		return NULL;
	if (b->o->docker) {
		log_warn("annotations are not supported for docker image format and will be "
			 "ignored: use --format oci");
		return NULL;
	}
	a = json_object_new_object();
	for (size_t i = 0; b->o->annotations[i]; i++) {
		size_t n = strcspn(b->o->annotations[i], "=");
		cleanup_free char *k = xstrndup(b->o->annotations[i], n);
		jset_str(a, k, b->o->annotations[i][n] == '=' ? b->o->annotations[i] + n + 1 : "");
	}
	return a;
}

/* The stage's image: the config so far on the layers so far. */
static int stage_commit(struct bld *b, char *const *names, char id[DIGEST_HEX_LEN + 1],
			struct werr *err)
{
	cleanup_json struct json_object *ann = annotations(b, names);
	struct image_new n = {.parent = b->cur.id[0] ? &b->cur : NULL,
			      .config = b->cfg,
			      .layer_fd = -1,
			      .no_history = true,
			      .names = names,
			      .annotations = ann};

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
	cleanup_json struct json_object *ann = annotations(b, names);
	struct image_new n = {.config = b->cfg,
			      .created_by = "/bin/sh -c #(nop) squashed",
			      .layer_fd = -1,
			      .names = names,
			      .annotations = ann};
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

/* bld_stage: see build_int.h. */
int bld_stage(struct bld *b, char *const *names, struct werr *err)
{
	struct stage *s = &b->st[b->si];
	size_t nsteps = s->end - s->first;
	bool last = b->si == b->target;
	const char *prefix = b->tag;
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
	bld_run_cleanup(b);
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
	struct bld b = {.e = e,
			.o = o,
			.ctx = -1,
			.cancel_fd = o->cancel_fd,
			.out_fd = o->out_fd,
			.err_fd = o->err_fd,
			.say_fd = -1};
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
	if (read_file(&b, err) < 0 || plan_stages(&b, err) < 0 || engine_store(e, err) == NULL ||
	    bld_run_prepare(&b, err) < 0)
		goto out;
	if (o->jobs != 1 && b.nneeded > 1) {
		if (bld_stages_parallel(&b, names, err) < 0)
			goto out;
	} else {
		for (b.si = 0; b.si <= b.target; b.si++) {
			if (!b.st[b.si].needed)
				continue;
			b.done++;
			if (b.nneeded > 1)
				snprintf(b.tag, sizeof(b.tag), "[%zu/%zu] ", b.done, b.nneeded);
			if (bld_stage(&b, b.si == b.target ? names : NULL, err) < 0)
				goto out;
		}
	}
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
