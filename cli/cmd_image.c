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

struct images_opts {
	bool quiet, notrunc, all;
	const char *format;
};

static const struct opt images_tab[] = {
    OPT_BOOL("quiet", 'q', struct images_opts, quiet),
    OPT_STR("format", 0, struct images_opts, format),
    OPT_BOOL("no-trunc", 0, struct images_opts, notrunc),
    OPT_BOOL("all", 'a', struct images_opts, all),
    OPT_TABLE_END,
};
const struct optspec cli_images_opts = {images_tab, sizeof(struct images_opts), false, NULL, NULL};

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

int cmd_images(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct images_opts *o = opts;
	bool quiet = o->quiet, notrunc = o->notrunc;
	const char *fmt = o->format, *filter = args[0];
	struct image_rec *list = NULL;
	size_t n = 0, keep = 0;

	if (filter != NULL && args[1] != NULL) {
		werr_set(err, 0, "images takes at most one argument: REPOSITORY[:TAG]");
		return werr_status(err, 125);
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

struct rmi_opts {
	bool force, all;
};

static const struct opt rmi_tab[] = {
    OPT_BOOL("force", 'f', struct rmi_opts, force),
    OPT_BOOL("all", 'a', struct rmi_opts, all),
    OPT_TABLE_END,
};
const struct optspec cli_rmi_opts = {rmi_tab, sizeof(struct rmi_opts), false, NULL, NULL};

static int rm_ctrs_of_image(struct engine *e, const char *image_id, struct werr *err)
{
	return container_remove_by_image(e, image_id, err);
}

int cmd_rmi(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct rmi_opts *o = opts;
	cleanup_strv char **refs = strv_copy(args);
	bool force = o->force, all = o->all;
	int rc = 0;

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
			cli_error("%s", e2.msg);
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

int cmd_tag(struct engine *e, void *opts, char **args, struct werr *err)
{
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

struct load_opts {
	const char *input;
	bool quiet;
};

static const struct opt load_tab[] = {
    OPT_STR("input", 'i', struct load_opts, input),
    OPT_BOOL("quiet", 'q', struct load_opts, quiet),
    OPT_TABLE_END,
};
const struct optspec cli_load_opts = {load_tab, sizeof(struct load_opts), false, NULL, NULL};

int cmd_load(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct load_opts *o = opts;
	const char *input = o->input;
	cleanup_strv char **names = NULL;

	if (args[0] != NULL) {
		werr_set(err, 0, "load takes no arguments: use -i FILE");
		return werr_status(err, 125);
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

struct import_opts {
	const char *message;
	bool quiet;
};

static const struct opt import_tab[] = {
    OPT_STR("message", 'm', struct import_opts, message),
    OPT_BOOL("quiet", 'q', struct import_opts, quiet),
    OPT_TABLE_END,
};
const struct optspec cli_import_opts = {import_tab, sizeof(struct import_opts), false, NULL, NULL};

int cmd_import(struct engine *e, void *opts, char **args, struct werr *err)
{
	const char *msg = ((const struct import_opts *)opts)->message;
	char idhex[DIGEST_HEX_LEN + 1];

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

/* opts: struct inspect_opts (`inspect --type image` comes here too) */
int cmd_image_inspect(struct engine *e, void *opts, char **args, struct werr *err)
{
	cleanup_json struct json_object *arr = json_object_new_array();
	const char *fmt = ((const struct inspect_opts *)opts)->format;
	char **refs = args;
	int rc = 0;

	if (strv_len(refs) == 0) {
		werr_set(err, 0, "no names or ids specified");
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
				cli_error("%s", e2.msg);
			else
				cli_error("inspecting object: %s: image not known", refs[i]);
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

int cmd_image_exists(struct engine *e, void *opts, char **args, struct werr *err)
{
	struct image_rec img = {0};
	int r;

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
