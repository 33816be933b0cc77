/* warren images, rmi, tag, load, import, image inspect, image exists */
#include "cli/cli.h"
#include "cli/format.h"
#include "image/image.h"
#include "image/ref.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/container.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct json_object *cli_image_json(const struct image_rec *img)
{
	struct json_object *o = json_object_new_object(), *cfg = NULL,
			   *rootfs = json_object_new_object();
	cleanup_json struct json_object *parsed =
	    img->config ? json_tokener_parse(img->config) : NULL;
	const char *arch = jstr(parsed, "architecture"), *os = jstr(parsed, "os");
	char ts[64];

	json_object_object_add(o, "Id", json_object_new_string(img->id));
	json_object_object_add(o, "Digest", json_object_new_string(img->digest ? img->digest : ""));
	json_object_object_add(o, "RepoTags", jnew_strv(img->names));
	json_object_object_add(o, "RepoDigests", json_object_new_array());
	format_rfc3339(img->created, ts, sizeof(ts));
	json_object_object_add(o, "Created", json_object_new_string(ts));
	cfg = jget(parsed, "config");
	json_object_object_add(o, "Config", cfg ? json_object_get(cfg) : json_object_new_object());
	json_object_object_add(o, "Architecture", json_object_new_string(arch ? arch : ""));
	json_object_object_add(o, "Os", json_object_new_string(os ? os : "linux"));
	json_object_object_add(o, "Size", json_object_new_int64(img->size));
	json_object_object_add(o, "VirtualSize", json_object_new_int64(img->size));
	json_object_object_add(rootfs, "Type", json_object_new_string("layers"));
	json_object_object_add(rootfs, "Layers", jnew_strv(img->layers));
	json_object_object_add(o, "RootFS", rootfs);
	json_object_object_add(o, "NamesHistory", json_object_new_array());
	return o;
}

/* One object per image for `images --format json` (Podman's keys). */
static struct json_object *image_json_brief(const struct image_rec *img)
{
	struct json_object *o = json_object_new_object();
	char ts[64];

	json_object_object_add(o, "Id", json_object_new_string(img->id));
	json_object_object_add(o, "ParentId", json_object_new_string(""));
	json_object_object_add(o, "RepoTags", strv_len(img->names) ? jnew_strv(img->names) : NULL);
	json_object_object_add(o, "RepoDigests", json_object_new_array());
	json_object_object_add(o, "Size", json_object_new_int64(img->size));
	json_object_object_add(o, "SharedSize", json_object_new_int(0));
	json_object_object_add(o, "VirtualSize", json_object_new_int64(img->size));
	json_object_object_add(o, "Labels", NULL);
	json_object_object_add(o, "Containers", json_object_new_int(0));
	json_object_object_add(o, "Names", jnew_strv(img->names));
	json_object_object_add(o, "Digest", json_object_new_string(img->digest ? img->digest : ""));
	json_object_object_add(o, "Created", json_object_new_int64(img->created / 1000000000LL));
	format_rfc3339(img->created, ts, sizeof(ts));
	json_object_object_add(o, "CreatedAt", json_object_new_string(ts));
	return o;
}

enum { IM_QUIET = 1, IM_FORMAT, IM_NOTRUNC, IM_ALL };

static const struct opt images_opts[] = {
    {"quiet", 'q', false, IM_QUIET},
    {"format", 0, true, IM_FORMAT},
    {"no-trunc", 0, false, IM_NOTRUNC},
    {"all", 'a', false, IM_ALL},
    {0},
};

static void images_table(struct image_rec *v, size_t n, bool notrunc)
{
	struct table *t = table_new(5);
	const char *hdr[] = {"REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"};

	table_add(t, hdr);
	for (size_t i = 0; i < n; i++) {
		char id[80], created[64], size[32];
		size_t names = strv_len(v[i].names);
		if (notrunc)
			snprintf(id, sizeof(id), "sha256:%s", v[i].id);
		else
			snprintf(id, sizeof(id), "%.12s", v[i].id);
		format_ago(v[i].created, created, sizeof(created));
		format_size(v[i].size, size, sizeof(size));
		for (size_t k = 0; k < (names ? names : 1); k++) {
			cleanup_free char *repo = NULL, *tag = NULL;
			const char *row[5];
			if (names)
				ref_split_name(v[i].names[k], &repo, &tag);
			row[0] = repo ? repo : "<none>", row[1] = tag ? tag : "<none>", row[2] = id;
			row[3] = created, row[4] = size;
			table_add(t, row);
		}
	}
	table_print(t, stdout);
	table_free(t);
}

int cmd_images(struct engine *e, int argc, char **argv, struct werr *err)
{
	struct optstate st = {.argc = argc, .argv = argv, .i = 1};
	bool quiet = false, notrunc = false;
	const char *v, *fmt = NULL, *filter = NULL;
	struct image_rec *list = NULL;
	size_t n = 0, keep = 0;
	int id;

	while ((id = opt_next(&st, images_opts, &v, err)) != OPT_END) {
		if (id == -1)
			return -1;
		quiet |= id == IM_QUIET, notrunc |= id == IM_NOTRUNC;
		if (id == IM_FORMAT)
			fmt = v;
		if (id == OPT_POS)
			filter = v;
	}
	if (store_image_list(e->store, &list, &n, err) < 0)
		return -1;
	if (filter) { /* `images REPO[:TAG]`: keep the images that name matches */
		for (size_t i = 0; i < n; i++) {
			struct image_rec m = {0};
			struct werr e2 = {0};
			if (image_lookup(e, filter, &m, &e2) > 0 && strcmp(m.id, list[i].id) == 0)
				list[keep++] = list[i];
			else
				image_rec_free(&list[i]);
			image_rec_free(&m);
		}
		n = keep;
	}
	if (quiet) {
		for (size_t i = 0; i < n; i++)
			printf("%.*s\n", notrunc ? 64 : 12, list[i].id);
	} else if (fmt) {
		cleanup_json struct json_object *arr = json_object_new_array();
		for (size_t i = 0; i < n; i++)
			json_object_array_add(arr, image_json_brief(&list[i]));
		if (strcmp(fmt, "json") == 0) {
			print_json(stdout, arr);
		} else {
			const char *tmpl = str_has_prefix(fmt, "table ") ? fmt + 6 : fmt;
			for (size_t i = 0; i < n; i++) {
				cleanup_free char *s =
				    template_render(tmpl, json_object_array_get_idx(arr, i), err);
				if (s == NULL) {
					image_recs_free(list, n);
					return werr_status(err, 125);
				}
				printf("%s\n", s);
			}
		}
	} else {
		images_table(list, n, notrunc);
	}
	image_recs_free(list, n);
	return 0;
}

enum { RMI_FORCE = 1, RMI_ALL };

static const struct opt rmi_opts[] = {
    {"force", 'f', false, RMI_FORCE},
    {"all", 'a', false, RMI_ALL},
    {0},
};

static int rm_ctrs_of_image(struct engine *e, const char *image_id, struct werr *err)
{
	return container_remove_by_image(e, image_id, err);
}

int cmd_rmi(struct engine *e, int argc, char **argv, struct werr *err)
{
	struct optstate st = {.argc = argc, .argv = argv, .i = 1};
	cleanup_strv char **refs = NULL;
	bool force = false, all = false;
	const char *v;
	int id, rc = 0;

	while ((id = opt_next(&st, rmi_opts, &v, err)) != OPT_END) {
		if (id == -1)
			return -1;
		if (id == OPT_POS)
			refs = strv_append(refs, v);
		force |= id == RMI_FORCE, all |= id == RMI_ALL;
	}
	if (all) {
		struct image_rec *list = NULL;
		size_t n = 0;
		if (store_image_list(e->store, &list, &n, err) < 0)
			return -1;
		for (size_t i = 0; i < n; i++)
			refs = strv_append(refs, list[i].id);
		image_recs_free(list, n);
	}
	if (strv_len(refs) == 0 && !all) {
		werr_set(err, 0, "image name or ID must be specified");
		return werr_status(err, 125);
	}
	for (size_t i = 0; refs && refs[i]; i++) {
		cleanup_strv char **untagged = NULL, **deleted = NULL;
		struct werr e2 = {0};
		if (image_remove(e, refs[i], force, rm_ctrs_of_image, &untagged, &deleted, &e2) <
		    0) {
			fprintf(stderr, "warren: %s\n", e2.msg);
			rc = e2.status == 1 ? (rc ? rc : 1) : 2;
			continue;
		}
		for (size_t k = 0; untagged && untagged[k]; k++)
			printf("Untagged: %s\n", untagged[k]);
		for (size_t k = 0; deleted && deleted[k]; k++)
			printf("Deleted: %s\n", deleted[k]);
	}
	return rc;
}

static const struct opt no_opts[] = {{0}};

static int positionals(int argc, char **argv, const struct opt *tab, char ***out, struct werr *err)
{
	struct optstate st = {.argc = argc, .argv = argv, .i = 1};
	const char *v;
	int id;

	while ((id = opt_next(&st, tab, &v, err)) != OPT_END) {
		if (id == -1)
			return -1;
		if (id == OPT_POS)
			*out = strv_append(*out, v);
	}
	return 0;
}

int cmd_tag(struct engine *e, int argc, char **argv, struct werr *err)
{
	cleanup_strv char **args = NULL;

	if (positionals(argc, argv, no_opts, &args, err) < 0)
		return -1;
	if (strv_len(args) < 2) {
		werr_set(err, 0,
			 "tag requires at least 2 arguments: IMAGE TARGET_NAME [TARGET_NAME...]");
		return werr_status(err, 125);
	}
	for (size_t i = 1; args[i]; i++)
		if (image_tag(e, args[0], args[i], err) < 0)
			return -1;
	return 0;
}

enum { L_INPUT = 1, L_QUIET };

static const struct opt load_opts[] = {
    {"input", 'i', true, L_INPUT},
    {"quiet", 'q', false, L_QUIET},
    {0},
};

int cmd_load(struct engine *e, int argc, char **argv, struct werr *err)
{
	struct optstate st = {.argc = argc, .argv = argv, .i = 1};
	const char *v, *input = NULL;
	cleanup_strv char **names = NULL;
	int id;

	while ((id = opt_next(&st, load_opts, &v, err)) != OPT_END) {
		if (id == -1)
			return -1;
		if (id == L_INPUT)
			input = v;
		if (id == OPT_POS) {
			werr_set(err, 0, "load takes no arguments: use -i FILE");
			return werr_status(err, 125);
		}
	}
	if (input == NULL) {
		if (isatty(0)) {
			werr_set(err, 0, "no input: use -i FILE or pipe an archive into stdin");
			return werr_status(err, 125);
		}
		input = "/dev/stdin";
	}
	if (image_load(e, input, &names, err) < 0)
		return werr_wrap(err, "load '%s'", input);
	for (size_t i = 0; names && names[i]; i++)
		printf("Loaded image: %s\n", names[i]);
	return 0;
}

enum { IMP_MESSAGE = 1, IMP_QUIET };

static const struct opt import_opts[] = {
    {"message", 'm', true, IMP_MESSAGE},
    {"quiet", 'q', false, IMP_QUIET},
    {0},
};

int cmd_import(struct engine *e, int argc, char **argv, struct werr *err)
{
	struct optstate st = {.argc = argc, .argv = argv, .i = 1};
	cleanup_strv char **args = NULL;
	const char *v, *msg = NULL;
	char idhex[DIGEST_HEX_LEN + 1];
	int id;

	while ((id = opt_next(&st, import_opts, &v, err)) != OPT_END) {
		if (id == -1)
			return -1;
		if (id == OPT_POS)
			args = strv_append(args, v);
		if (id == IMP_MESSAGE)
			msg = v;
	}
	if (strv_len(args) < 1 || strv_len(args) > 2) {
		werr_set(err, 0,
			 "import requires a file and an optional reference: import FILE [REF]");
		return werr_status(err, 125);
	}
	if (image_import(e, args[0], args[1], msg, idhex, err) < 0)
		return werr_wrap(err, "import '%s'", args[0]);
	printf("sha256:%s\n", idhex);
	return 0;
}

int cmd_image_inspect(struct engine *e, int argc, char **argv, struct werr *err)
{
	static const struct opt tab[] = {{"format", 'f', true, 1}, {0}};
	struct optstate st = {.argc = argc, .argv = argv, .i = 1};
	cleanup_json struct json_object *arr = json_object_new_array();
	cleanup_strv char **refs = NULL;
	const char *v, *fmt = NULL;
	int id, rc = 0;

	while ((id = opt_next(&st, tab, &v, err)) != OPT_END) {
		if (id == -1)
			return -1;
		if (id == OPT_POS)
			refs = strv_append(refs, v);
		if (id == 1)
			fmt = v;
	}
	if (strv_len(refs) == 0) {
		werr_set(err, 0, "image inspect requires at least one image name or ID");
		return werr_status(err, 125);
	}
	for (size_t i = 0; refs[i]; i++) {
		struct image_rec img = {0};
		struct werr e2 = {0};
		int r = image_lookup(e, refs[i], &img, &e2);
		if (r > 0) {
			json_object_array_add(arr, cli_image_json(&img));
		} else {
			if (r < 0)
				fprintf(stderr, "warren: %s\n", e2.msg);
			else
				fprintf(stderr, "warren: %s: image not known\n", refs[i]);
			rc = 125;
		}
		image_rec_free(&img);
	}
	if (fmt && strcmp(fmt, "json") != 0) {
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			cleanup_free char *s =
			    template_render(fmt, json_object_array_get_idx(arr, i), err);
			if (s == NULL)
				return werr_status(err, 125);
			printf("%s\n", s);
		}
	} else {
		print_json(stdout, arr);
	}
	return rc;
}

int cmd_image_exists(struct engine *e, int argc, char **argv, struct werr *err)
{
	cleanup_strv char **args = NULL;
	struct image_rec img = {0};
	int r;

	if (positionals(argc, argv, no_opts, &args, err) < 0)
		return -1;
	if (strv_len(args) != 1) {
		werr_set(err, 0, "image exists requires exactly 1 argument");
		return werr_status(err, 125);
	}
	r = image_lookup(e, args[0], &img, err);
	image_rec_free(&img);
	if (r < 0)
		return -1;
	return r ? 0 : 1;
}
