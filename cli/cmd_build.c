/* cmd_build.c - `commit` and `build`: new images from containers and
 * Containerfiles. */
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
#include "image/image.h"
#include "lib/cleanup.h"
#include "lib/util.h"
#include "runtime/build.h"
#include "runtime/commit.h"

struct commit_cli {
	char **changes;
	const char *message, *author, *format;
	bool pause, quiet, squash;
};

static const struct opt commit_tab[] = {
    OPT_STR("author", 'a', struct commit_cli, author),
    OPT_STRV("change", 'c', struct commit_cli, changes),
    OPT_STR("format", 'f', struct commit_cli, format),
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

int cmd_commit(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct commit_cli *c = opts;
	struct commit_opts o = {.changes = c->changes,
				.message = c->message,
				.author = c->author,
				.pause = c->pause,
				.squash = c->squash};
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
	if (container_commit(e, args[0], &o, id, err) < 0)
		return werr_status(err, 125);
	if (!c->quiet)
		commit_progress(e, id);
	printf("%s\n", id);
	return 0;
}

/* ---- build ---- */

struct build_cli {
	char **tags, **build_args, **labels;
	const char *file, *iidfile, *target, *format, *network;
	bool no_cache, quiet, layers;
};

static const struct opt build_tab[] = {
    OPT_STRV("build-arg", 0, struct build_cli, build_args),
    OPT_STR("file", 'f', struct build_cli, file),
    OPT_STR("format", 0, struct build_cli, format),
    OPT_STR("iidfile", 0, struct build_cli, iidfile),
    OPT_STRV("label", 0, struct build_cli, labels),
    OPT_BOOL("layers", 0, struct build_cli, layers),
    OPT_STR("network", 0, struct build_cli, network),
    OPT_BOOL("no-cache", 0, struct build_cli, no_cache),
    OPT_BOOL("quiet", 'q', struct build_cli, quiet),
    OPT_STRV("tag", 't', struct build_cli, tags),
    OPT_STR("target", 0, struct build_cli, target),
    OPT_TABLE_END,
};

static void build_fini(void *opts)
{
	struct build_cli *b = opts;

	strv_free(b->tags);
	strv_free(b->build_args);
	strv_free(b->labels);
}

const struct optspec cli_build_opts = {build_tab, sizeof(struct build_cli), false, NULL,
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

static int write_iidfile(const char *path, const char *id, struct werr *err)
{
	FILE *f = fopen(path, "we");
	int rc;

	if (f == NULL)
		return werr_set(err, errno, "write --iidfile '%s'", path);
	rc = fprintf(f, "sha256:%s", id) < 0 ? -1 : 0;
	if (fclose(f) != 0 || rc < 0)
		return werr_set(err, errno, "write --iidfile '%s'", path);
	return 0;
}

int cmd_build(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct build_cli *c = opts;
	cleanup_strv char **bargs = resolve_build_args(c->build_args);
	const char *ctx = args[0] ? args[0] : ".";
	struct build_opts o = {.context = ctx,
			       .file = c->file,
			       .file_fd = c->file && strcmp(c->file, "-") == 0 ? STDIN_FILENO : -1,
			       .tags = c->tags,
			       .build_args = bargs,
			       .labels = c->labels,
			       .target = c->target,
			       .network = c->network,
			       .no_cache = c->no_cache,
			       .out_fd = c->quiet ? STDERR_FILENO : STDOUT_FILENO,
			       .err_fd = STDERR_FILENO,
			       .say = c->quiet ? NULL : build_say};
	char id[DIGEST_HEX_LEN + 1];
	cleanup_close int ctx_fd = -1;
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
	rc = container_build(e, &o, id, err);
	if (o.cancel_fd >= 0)
		close(o.cancel_fd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (rc < 0)
		return -1;
	if (c->iidfile && write_iidfile(c->iidfile, id, err) < 0)
		return werr_status(err, 125);
	printf("%s\n", id);
	return 0;
}
