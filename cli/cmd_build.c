/* cmd_build.c - `commit` and `build`: new images from containers and
 * Containerfiles. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "image/progress.h"
#include "image/image.h"
#include "image/manifest.h"
#include "image/pull.h"
#include "lib/cleanup.h"
#include "lib/util.h"
#include "runtime/build.h"
#include "runtime/commit.h"

struct commit_cli {
	char **changes;
	const char *message, *author, *format, *iidfile;
	bool pause, quiet, squash, include_volumes;
};

static const struct opt commit_tab[] = {
    OPT_STR("author", 'a', struct commit_cli, author),
    OPT_STRV("change", 'c', struct commit_cli, changes),
    OPT_STR("format", 'f', struct commit_cli, format),
    OPT_STR("iidfile", 0, struct commit_cli, iidfile),
    OPT_BOOL("include-volumes", 0, struct commit_cli, include_volumes),
    OPT_STR("message", 'm', struct commit_cli, message),
    OPT_BOOL("pause", 'p', struct commit_cli, pause),
    OPT_BOOL("quiet", 'q', struct commit_cli, quiet),
    OPT_BOOL("squash", 0, struct commit_cli, squash),
    OPT_TABLE_END,
};

static void commit_fini(void *opts)
{
	strv_free(((struct commit_cli *)opts)->changes);
}

const struct optspec cli_commit_opts = {commit_tab, sizeof(struct commit_cli), false, NULL,
					commit_fini};

/* Podman's progress lines (containers/image's copy), on stderr. */
static void commit_progress(struct engine *e, const char *id)
{
	struct image_rec r = {0};
	struct werr err = {0};

	if (store_image_get(e->store, id, &r, &err) <= 0)
		return;
	fprintf(stderr, "Getting image source signatures\n");
	for (size_t i = 0; r.layers && r.layers[i]; i++)
		fprintf(stderr, "Copying blob %s\n", r.layers[i]);
	fprintf(stderr, "Copying config sha256:%s\n", id);
	fprintf(stderr, "Writing manifest to image destination\n");
	fprintf(stderr, "Storing signatures\n");
	image_rec_free(&r);
}

int cli_iidfile_check(const char *path, struct werr *err)
{
	cleanup_free char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	struct stat st;

	if (*path == '\0')
		return werr_set(err, 0, "--iidfile: empty file name");
	if (slash == NULL)
		return 0;
	slash[slash == dir ? 1 : 0] = '\0';
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return werr_set(err, errno ? errno : ENOTDIR, "--iidfile '%s': no directory '%s'",
				path, dir);
	return 0;
}

static int write_iidfile(const char *path, const char *id, struct werr *err)
{
	FILE *f = fopen(path, "we");
	int rc;

	if (f == NULL)
		return werr_set(err, errno, "--iidfile '%s'", path);
	rc = fprintf(f, "sha256:%s", id) < 0 ? -1 : 0;
	if (fclose(f) != 0 || rc < 0)
		return werr_set(err, errno, "write --iidfile '%s'", path);
	return 0;
}

int cmd_commit(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct commit_cli *c = opts;
	struct commit_opts o = {.changes = c->changes,
				.message = c->message,
				.author = c->author,
				.pause = c->pause,
				.squash = c->squash,
				.include_volumes = c->include_volumes};
	char id[DIGEST_HEX_LEN + 1];

	if (strv_len(args) < 1 || strv_len(args) > 2) {
		werr_set(err, 0,
			 "commit requires a container and an optional image name: "
			 "commit CONTAINER [IMAGE]");
		return werr_status(err, 125);
	}
	if (c->format && strcmp(c->format, "oci") != 0 && strcmp(c->format, "docker") != 0) {
		werr_set(err, 0, "unrecognized image type \"%s\"", c->format);
		return werr_status(err, 125);
	}
	o.docker = c->format && strcmp(c->format, "docker") == 0;
	o.name = args[1];
	if (c->iidfile && cli_iidfile_check(c->iidfile, err) < 0)
		return werr_status(err, 125);
	if (container_commit(e, args[0], &o, id, err) < 0)
		return werr_status(err, 125);
	if (c->iidfile && write_iidfile(c->iidfile, id, err) < 0)
		return werr_status(err, 125);
	if (!c->quiet)
		commit_progress(e, id);
	printf("%s\n", id);
	return 0;
}

/* ---- build ---- */

struct build_cli {
	struct reg_opts reg; /* first: cli_reg_tls_opt and cli_reg_opts_init take it */
	char **tags, **build_args, **labels, **annotations;
	char **cap_add, **cap_drop, **security_opts, **ulimits, **volumes, **secrets, **ssh;
	const char *file, *iidfile, *target, *format, *network, *pull, *platform, *output,
	    *timestamp, *jobs;
	bool no_cache, quiet, layers, pull_always, pull_never, squash, squash_all;
};

static const struct opt build_tab[] = {
    OPT_STRV("annotation", 0, struct build_cli, annotations),
    OPT_STR("authfile", 0, struct build_cli, reg.authfile),
    OPT_STRV("build-arg", 0, struct build_cli, build_args),
    OPT_STRV("cap-add", 0, struct build_cli, cap_add),
    OPT_STRV("cap-drop", 0, struct build_cli, cap_drop),
    OPT_STR("cert-dir", 0, struct build_cli, reg.cert_dir),
    OPT_STR("creds", 0, struct build_cli, reg.creds),
    OPT_STR("file", 'f', struct build_cli, file),
    OPT_STR("format", 0, struct build_cli, format),
    OPT_STR("iidfile", 0, struct build_cli, iidfile),
    OPT_STR("jobs", 0, struct build_cli, jobs),
    OPT_STRV("label", 0, struct build_cli, labels),
    OPT_BOOL("layers", 0, struct build_cli, layers),
    OPT_STR("network", 0, struct build_cli, network),
    OPT_BOOL("no-cache", 0, struct build_cli, no_cache),
    OPT_STR("output", 'o', struct build_cli, output),
    OPT_STR("platform", 0, struct build_cli, platform),
    OPT_OPTSTR("pull", struct build_cli, pull),
    OPT_BOOL("pull-always", 0, struct build_cli, pull_always),
    OPT_BOOL("pull-never", 0, struct build_cli, pull_never),
    OPT_BOOL("quiet", 'q', struct build_cli, quiet),
    OPT_STRV("secret", 0, struct build_cli, secrets),
    OPT_STRV("security-opt", 0, struct build_cli, security_opts),
    OPT_BOOL("squash", 0, struct build_cli, squash),
    OPT_BOOL("squash-all", 0, struct build_cli, squash_all),
    OPT_STRV("ssh", 0, struct build_cli, ssh),
    OPT_STRV("tag", 't', struct build_cli, tags),
    OPT_STR("target", 0, struct build_cli, target),
    OPT_STR("timestamp", 0, struct build_cli, timestamp),
    OPT_CALL("tls-verify", 0, cli_reg_tls_opt),
    OPT_STRV("ulimit", 0, struct build_cli, ulimits),
    OPT_STRV("volume", 'v', struct build_cli, volumes),
    OPT_TABLE_END,
};

static void build_init(void *opts)
{
	cli_reg_opts_init(opts);
	((struct build_cli *)opts)->layers = true;
}

static void build_fini(void *opts)
{
	struct build_cli *b = opts;

	strv_free(b->tags);
	strv_free(b->build_args);
	strv_free(b->labels);
	strv_free(b->annotations);
	strv_free(b->cap_add);
	strv_free(b->cap_drop);
	strv_free(b->security_opts);
	strv_free(b->ulimits);
	strv_free(b->volumes);
	strv_free(b->secrets);
	strv_free(b->ssh);
}

const struct optspec cli_build_opts = {build_tab, sizeof(struct build_cli), false, build_init,
				       build_fini};

static void build_say(void *ud, const char *line)
{
	(void)ud;
	printf("%s\n", line);
	fflush(stdout);
}

/* --build-arg K (no value): K's value in our environment, as Podman. */
static char **resolve_build_args(char *const *in)
{
	char **out = xcalloc(1, sizeof(char *));

	for (size_t i = 0; in && in[i]; i++) {
		const char *v = strchr(in[i], '=') ? NULL : getenv(in[i]);
		if (strchr(in[i], '=')) {
			out = strv_append(out, in[i]);
		} else if (v) {
			cleanup_free char *kv = xasprintf("%s=%s", in[i], v);
			out = strv_append(out, kv);
		}
	}
	return out;
}

/* --pull[=POLICY] (alone: always), --pull-always, --pull-never, the
 * registry flags and --platform into o. */
static int build_pull_opts(const struct build_cli *c, struct build_opts *o, struct pull_opts *po,
			   struct werr *err)
{
	*po = (struct pull_opts){.reg = c->reg, .platform = c->platform};
	o->pull = po;
	o->pull_policy = PULL_MISSING;
	o->platform = c->platform;
	if (c->pull_always + c->pull_never + (c->pull != NULL) > 1)
		return werr_set(err, 0, "--pull, --pull-always and --pull-never conflict");
	if (c->pull_always)
		o->pull_policy = PULL_ALWAYS;
	if (c->pull_never)
		o->pull_policy = PULL_NEVER;
	if (c->pull && pull_policy_parse(c->pull, &o->pull_policy, err) < 0)
		return werr_wrap(err, "--pull");
	if (c->platform) {
		struct platform pl;
		cleanup_free char *buf = NULL;
		if (platform_parse(c->platform, &pl, &buf, err) < 0)
			return werr_wrap(err, "--platform");
	}
	return 0;
}

/* --output: type=local,dest=DIR, type=tar,dest=FILE, or DIR alone. */
struct build_output {
	const char *type, *dest;
	char *buf;
};

/* --squash, --squash-all, --layers, --timestamp, --annotation and --output
 * into o and out. */
static int build_out_opts(const struct build_cli *c, struct build_opts *o, struct build_output *out,
			  struct werr *err)
{
	int64_t ts;

	if (c->squash && c->squash_all)
		return werr_set(err, 0, "--squash and --squash-all conflict");
	for (size_t i = 0; c->annotations && c->annotations[i]; i++)
		if (c->annotations[i][0] == '=' || c->annotations[i][0] == '\0')
			return werr_set(err, 0, "--annotation '%s': no key: KEY=VALUE",
					c->annotations[i]);
	o->squash = c->squash || !c->layers;
	o->squash_all = c->squash_all;
	o->no_cache = o->no_cache || !c->layers;
	o->timestamp = -1;
	if (c->timestamp) {
		if (parse_int64(c->timestamp, 0, INT64_MAX / 1000000000, &ts) < 0)
			return werr_set(err, 0,
					"--timestamp: not a number of seconds since the epoch '%s'",
					c->timestamp);
		o->timestamp = ts;
	}
	if (c->output == NULL)
		return 0;
	if (*c->output == '\0')
		return werr_set(err, 0, "--output: empty");
	if (strcmp(c->output, "-") == 0)
		return werr_set(err, 0,
				"--output -: stdout carries the build's lines: name a file");
	if (strchr(c->output, '=') == NULL) {
		out->type = "local";
		out->dest = c->output;
		return 0;
	}
	out->buf = xstrdup(c->output);
	char *save = NULL;
	for (char *kv = strtok_r(out->buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		if (eq == NULL)
			return werr_set(err, 0, "--output: not KEY=VALUE '%s'", kv);
		*eq = '\0';
		if (strcmp(kv, "type") == 0)
			out->type = eq + 1;
		else if (strcmp(kv, "dest") == 0)
			out->dest = eq + 1;
		else
			return werr_set(err, 0, "--output: unknown key '%s' (type, dest)", kv);
	}
	if (out->type == NULL || (strcmp(out->type, "local") != 0 && strcmp(out->type, "tar") != 0))
		return werr_set(err, 0, "--output: type must be local or tar, not '%s'",
				out->type ? out->type : "");
	if (out->dest == NULL || *out->dest == '\0')
		return werr_set(err, 0, "--output: dest= is required");
	if (strcmp(out->dest, "-") == 0)
		return werr_set(err, 0,
				"--output dest=-: stdout carries the build's lines: name a file");
	return 0;
}

/* --jobs N (Podman's int flag: 0 is no limit, below 0 an error). */
static int build_jobs(const char *s, unsigned *out, struct werr *err)
{
	int64_t n;
	char *end;

	*out = 1;
	if (s == NULL)
		return 0;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || isspace((unsigned char)*s) || errno == ERANGE)
		return werr_set(err, 0,
				"invalid argument \"%s\" for \"--jobs\" flag: strconv.ParseInt: "
				"parsing \"%s\": %s",
				s, s, errno == ERANGE ? "value out of range" : "invalid syntax");
	if (n < 0)
		return werr_set(err, 0, "invalid value for jobs.  It must be a positive integer");
	*out = n > 4096 ? 4096 : (unsigned)n;
	return 0;
}

static void build_output_free(struct build_output *o)
{
	free(o->buf);
}

static int build_output(struct engine *e, const char *id, const struct build_output *out,
			struct werr *err)
{
	bool tar = strcmp(out->type, "tar") == 0;

	if (container_build_output(e, id, tar, out->dest, err) < 0)
		return werr_wrap(err, "--output %s", out->dest);
	return 0;
}

/* --ssh default|ID[=SOCKET]: "ID=SOCKET", SOCKET defaulting to our
 * $SSH_AUTH_SOCK (checked by build_run_opts_check). */
static char **resolve_ssh(char *const *in)
{
	char **out = xcalloc(1, sizeof(char *));

	for (size_t i = 0; in && in[i]; i++) {
		const char *sock = getenv("SSH_AUTH_SOCK");
		cleanup_free char *kv = strchr(in[i], '=')
					    ? xstrdup(in[i])
					    : xasprintf("%s=%s", in[i], sock ? sock : "");
		out = strv_append(out, kv);
	}
	return out;
}

int cmd_build(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct build_cli *c = opts;
	cleanup_strv char **bargs = resolve_build_args(c->build_args);
	cleanup_strv char **ssh = NULL;
	const char *ctx = args[0] ? args[0] : ".";
	struct build_opts o = {.context = ctx,
			       .file = c->file,
			       .file_fd = c->file && strcmp(c->file, "-") == 0 ? STDIN_FILENO : -1,
			       .tags = c->tags,
			       .build_args = bargs,
			       .labels = c->labels,
			       .annotations = c->annotations,
			       .target = c->target,
			       .network = c->network,
			       .no_cache = c->no_cache,
			       .out_fd = c->quiet ? STDERR_FILENO : STDOUT_FILENO,
			       .err_fd = STDERR_FILENO,
			       .say = c->quiet ? NULL : build_say};
	char id[DIGEST_HEX_LEN + 1];
	cleanup_close int ctx_fd = -1;
	struct pull_opts po;
	_cleanup_(build_output_free) struct build_output out = {0};
	struct progress *prog;
	struct stat st;

	if (strv_len(args) > 1) {
		werr_set(err, 0, "build takes at most one context: build [OPTIONS] [CONTEXT]");
		return werr_status(err, 125);
	}
	if (c->format && strcmp(c->format, "oci") != 0 && strcmp(c->format, "docker") != 0) {
		werr_set(err, 0, "unrecognized image type \"%s\"", c->format);
		return werr_status(err, 125);
	}
	o.docker = c->format && strcmp(c->format, "docker") == 0;
	o.cap_add = c->cap_add;
	o.cap_drop = c->cap_drop;
	o.security_opts = c->security_opts;
	o.ulimits = c->ulimits;
	o.volumes = c->volumes;
	o.secrets = c->secrets;
	ssh = resolve_ssh(c->ssh);
	o.ssh = ssh;
	if (build_pull_opts(c, &o, &po, err) < 0 || build_out_opts(c, &o, &out, err) < 0 ||
	    build_jobs(c->jobs, &o.jobs, err) < 0 || build_run_opts_check(&o, err) < 0 ||
	    (c->iidfile && cli_iidfile_check(c->iidfile, err) < 0))
		return werr_status(err, 125);
	if (strstr(ctx, "://") || str_has_prefix(ctx, "git@")) {
		werr_set(err, 0,
			 "context '%s': a URL or git repository is not supported yet: use a "
			 "directory or a tarball",
			 ctx);
		return werr_status(err, 125);
	}
	o.context_fd = -1;
	if (strcmp(ctx, "-") == 0) { /* a tar on stdin */
		if (o.file_fd >= 0) {
			werr_set(err, 0, "the context and -f cannot both be read from stdin");
			return werr_status(err, 125);
		}
		o.context_fd = STDIN_FILENO;
	} else if (stat(ctx, &st) == 0 && S_ISREG(st.st_mode)) {
		ctx_fd = open(ctx, O_RDONLY | O_CLOEXEC);
		if (ctx_fd < 0) {
			werr_set(err, errno, "open '%s'", ctx);
			return werr_status(err, 125);
		}
		o.context_fd = ctx_fd;
	}
	/* ^C and SIGTERM stop the build cleanly: blocked, and read through a
	 * signalfd the build polls (runtime/build.h) */
	sigset_t set, old;
	int rc;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, &old);
	o.cancel_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	prog = progress_new(stderr, isatty(STDERR_FILENO), c->quiet);
	po.event = progress_event;
	po.ud = prog;
	rc = container_build(e, &o, id, err);
	progress_free(prog);
	if (o.cancel_fd >= 0)
		close(o.cancel_fd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (rc < 0)
		return -1;
	if (out.type && build_output(e, id, &out, err) < 0)
		return werr_status(err, 125);
	if (c->iidfile && write_iidfile(c->iidfile, id, err) < 0)
		return werr_status(err, 125);
	printf("%s\n", id);
	return 0;
}
