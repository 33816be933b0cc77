/* cmd_manifest.c - manifest create, add, annotate, inspect, remove, rm,
 * exists, push (image/manifest_list.h). Output and errors as Podman's:
 * the list id after each change, inspect as 4-space indented JSON. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/format.h"
#include "image/progress.h"
#include "image/image.h"
#include "image/manifest_list.h"
#include "lib/cleanup.h"
#include "lib/util.h"

/* cobra's argument count errors, as Podman prints them (status 125) */
static int want_args(char **args, size_t min, size_t max, struct werr *err)
{
	size_t n = strv_len(args);

	if (n >= min && n <= max)
		return 0;
	if (min == max)
		werr_set(err, 0, "accepts %zu arg(s), received %zu", min, n);
	else if (max == (size_t)-1)
		werr_set(err, 0, "requires at least %zu arg(s), only received %zu", min, n);
	else
		werr_set(err, 0, "accepts between %zu and %zu arg(s), received %zu", min, max, n);
	return werr_status(err, 125);
}

static void add_fini(void *opts)
{
	struct mlist_add_opts *o = opts;

	strv_free(o->features);
	strv_free(o->os_features);
	strv_free(o->annotations);
}

/* struct mlist_add_opts starts with its reg_opts: cli_reg_tls_opt takes it */
#define REG_FLAGS(T, R)                                                                            \
	OPT_STR("authfile", 0, T, R.authfile), OPT_STR("creds", 0, T, R.creds),                    \
	    OPT_STR("cert-dir", 0, T, R.cert_dir), OPT_CALL("tls-verify", 0, cli_reg_tls_opt)
#define PLATFORM_FLAGS                                                                             \
	OPT_STR("arch", 0, struct mlist_add_opts, arch),                                           \
	    OPT_STR("os", 0, struct mlist_add_opts, os),                                           \
	    OPT_STR("variant", 0, struct mlist_add_opts, variant),                                 \
	    OPT_STR("os-version", 0, struct mlist_add_opts, os_version),                           \
	    OPT_STRV("features", 0, struct mlist_add_opts, features),                              \
	    OPT_STRV("os-features", 0, struct mlist_add_opts, os_features),                        \
	    OPT_STRV("annotation", 0, struct mlist_add_opts, annotations)

struct create_cli {
	struct mlist_add_opts add; /* first */
	bool amend;
};

static const struct opt create_tab[] = {
    REG_FLAGS(struct create_cli, add.reg),
    OPT_BOOL("all", 0, struct create_cli, add.all),
    OPT_BOOL("amend", 'a', struct create_cli, amend),
    OPT_TABLE_END,
};
const struct optspec cli_manifest_create_opts = {create_tab, sizeof(struct create_cli), false,
						 cli_reg_opts_init, add_fini};

static const struct opt add_tab[] = {
    REG_FLAGS(struct mlist_add_opts, reg),
    OPT_BOOL("all", 0, struct mlist_add_opts, all),
    PLATFORM_FLAGS,
    OPT_TABLE_END,
};
const struct optspec cli_manifest_add_opts = {add_tab, sizeof(struct mlist_add_opts), false,
					      cli_reg_opts_init, add_fini};

static const struct opt annotate_tab[] = {
    PLATFORM_FLAGS,
    OPT_TABLE_END,
};
const struct optspec cli_manifest_annotate_opts = {annotate_tab, sizeof(struct mlist_add_opts),
						   false, cli_reg_opts_init, add_fini};

static const struct opt inspect_tab[] = {
    REG_FLAGS(struct mlist_add_opts, reg),
    OPT_TABLE_END,
};
const struct optspec cli_manifest_inspect_opts = {inspect_tab, sizeof(struct mlist_add_opts), false,
						  cli_reg_opts_init, add_fini};

int cmd_manifest_create(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct create_cli *o = opts;
	char id[DIGEST_HEX_LEN + 1];

	if (want_args(args, 1, (size_t)-1, err) < 0)
		return -1;
	if (mlist_create(e, args[0], args + 1, o->amend, &o->add, id, err) < 0)
		return -1;
	printf("%s\n", id);
	return 0;
}

int cmd_manifest_add(struct engine *e, void *opts, char **args, struct werr *err)
{
	char id[DIGEST_HEX_LEN + 1];

	if (want_args(args, 2, 2, err) < 0 || mlist_add(e, args[0], args[1], opts, id, err) < 0)
		return -1;
	printf("%s\n", id);
	return 0;
}

int cmd_manifest_annotate(struct engine *e, void *opts, char **args, struct werr *err)
{
	char id[DIGEST_HEX_LEN + 1];

	if (want_args(args, 2, 2, err) < 0 ||
	    mlist_annotate(e, args[0], args[1], opts, id, err) < 0)
		return -1;
	printf("%s\n", id);
	return 0;
}

int cmd_manifest_remove(struct engine *e, void *opts, char **args, struct werr *err)
{
	char id[DIGEST_HEX_LEN + 1];

	if (want_args(args, 2, 2, err) < 0 || mlist_remove(e, args[0], args[1], id, err) < 0)
		return -1;
	printf("%s\n", id);
	return 0;
}

int cmd_manifest_inspect(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct mlist_add_opts *o = opts;
	cleanup_json struct json_object *out = NULL;

	if (want_args(args, 1, 1, err) < 0 || mlist_inspect(e, args[0], &o->reg, &out, err) < 0)
		return -1;
	print_json_go(stdout, out, "    ", true);
	return 0;
}

int cmd_manifest_exists(struct engine *e, void *opts, char **args, struct werr *err)
{
	int rc;

	if (want_args(args, 1, 1, err) < 0 || (rc = mlist_exists(e, args[0], err)) < 0)
		return -1;
	return rc ? 0 : 1;
}

/* Like rmi, only for lists: "Untagged:"/"Deleted:" lines, the errors of
 * each argument, status 1 when one was unknown. */
int cmd_manifest_rm(struct engine *e, void *opts, char **args, struct werr *err)
{
	int rc = 0;

	if (want_args(args, 1, (size_t)-1, err) < 0)
		return -1;
	for (size_t i = 0; args[i]; i++) {
		cleanup_strv char **untagged = NULL, **deleted = NULL;
		struct werr e2 = {0};
		int r = mlist_exists(e, args[i], &e2);
		if (r == 0)
			werr_set(&e2, 0, "%s: image not known", args[i]);
		if (r > 0)
			r = image_remove(e, args[i], false, NULL, &untagged, &deleted, &e2) < 0 ? -1
												: 1;
		if (r <= 0) {
			cli_error("%s", e2.msg);
			rc = r == 0 ? (rc ? rc : 1) : 125;
			continue;
		}
		for (size_t k = 0; untagged && untagged[k]; k++)
			printf("Untagged: %s\n", untagged[k]);
		for (size_t k = 0; deleted && deleted[k]; k++)
			printf("Deleted: %s\n", deleted[k]);
	}
	return rc;
}

struct mpush_cli {
	struct reg_opts reg; /* first */
	const char *format, *digestfile;
	bool all, rm, quiet;
};

static void mpush_init(void *opts)
{
	struct mpush_cli *o = opts;

	cli_reg_opts_init(o);
	o->all = true; /* Podman's default */
}

static const struct opt mpush_tab[] = {
    REG_FLAGS(struct mpush_cli, reg),
    OPT_BOOL("all", 0, struct mpush_cli, all),
    OPT_STR("format", 'f', struct mpush_cli, format),
    OPT_STR("digestfile", 0, struct mpush_cli, digestfile),
    OPT_BOOL("rm", 0, struct mpush_cli, rm),
    OPT_BOOL("quiet", 'q', struct mpush_cli, quiet),
    OPT_TABLE_END,
};
const struct optspec cli_manifest_push_opts = {mpush_tab, sizeof(struct mpush_cli), false,
					       mpush_init, NULL};

int cmd_manifest_push(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct mpush_cli *o = opts;
	struct mlist_push_opts po = {.push = {.reg = o->reg}, .all = o->all, .rm = o->rm};
	char digest[DIGEST_STR_LEN];
	struct progress *prog;
	int rc;

	if (want_args(args, 1, 2, err) < 0)
		return -1;
	if (o->format != NULL) {
		if (strcmp(o->format, "oci") != 0 && strcmp(o->format, "v2s2") != 0 &&
		    strcmp(o->format, "docker") != 0) {
			werr_set(err, 0, "unsupported manifest type \"%s\": use oci or v2s2",
				 o->format);
			return werr_status(err, 125);
		}
		po.push.format = strcmp(o->format, "docker") == 0 ? "v2s2" : o->format;
	}
	prog = progress_new(stderr, isatty(STDERR_FILENO), o->quiet);
	po.push.event = progress_event;
	po.push.ud = prog;
	rc = mlist_push(e, args[0], args[1], &po, digest, err);
	progress_free(prog);
	return rc < 0 ? -1 : cli_digestfile(o->digestfile, digest, err);
}
