/* cmd_build.c - `commit` (and `build`): new images made from containers. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "image/image.h"
#include "lib/cleanup.h"
#include "lib/util.h"
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
		werr_set(err, 0, "commit requires a container and an optional image name: "
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
