/* warren secret create, ls, inspect, rm, exists: Podman's commands (file
 * driver) over runtime/secrets.h. */
#include "cli/cli.h"
#include "cli/format.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "runtime/secrets.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- create ---- */

struct secret_create_opts {
	const char *driver;
	char **labels, **driver_opts;
	bool env;
};

static const struct opt create_tab[] = {
    OPT_STR("driver", 'd', struct secret_create_opts, driver),
    OPT_STRV("driver-opts", 0, struct secret_create_opts, driver_opts),
    OPT_BOOL("env", 0, struct secret_create_opts, env),
    OPT_STRV("label", 'l', struct secret_create_opts, labels),
    OPT_TABLE_END,
};

static void create_fini(void *opts)
{
	struct secret_create_opts *o = opts;

	strv_free(o->labels);
	strv_free(o->driver_opts);
}

const struct optspec cli_secret_create_opts = {create_tab, sizeof(struct secret_create_opts), false,
					       NULL, create_fini};

/* Reads at most SECRET_MAX_DATA bytes of fd (one more tells it is too
 * big). */
static char *read_data(int fd, size_t *len, struct werr *err)
{
	char *buf = xmalloc(SECRET_MAX_DATA + 1);
	ssize_t n = read_all(fd, buf, SECRET_MAX_DATA + 1);

	if (n < 0) {
		free(buf);
		werr_set(err, errno, "read the secret's data");
		return NULL;
	}
	*len = (size_t)n;
	return buf;
}

int cmd_secret_create(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct secret_create_opts *o = opts;
	cleanup_free char *data = NULL;
	char id[SECRET_ID_LEN + 1];
	size_t len = 0;

	if (strv_len(args) != 2) {
		werr_set(err, 0, "accepts 2 arg(s), received %zu", strv_len(args));
		return werr_status(err, 125);
	}
	if (o->driver != NULL && strcmp(o->driver, "file") != 0) {
		werr_set(err, 0, "unsupported secret driver '%s': warren has the file driver",
			 o->driver);
		return werr_status(err, 125);
	}
	if (o->env) {
		const char *v = getenv(args[1]);
		if (v == NULL) {
			werr_set(
			    err, 0,
			    "cannot create store secret data: environment variable %s is not set",
			    args[1]);
			return werr_status(err, 125);
		}
		data = xstrdup(v);
		len = strlen(v);
	} else if (strcmp(args[1], "-") == 0) {
		data = read_data(0, &len, err);
	} else {
		cleanup_close int fd = open(args[1], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			werr_set(err, errno, "open %s", args[1]);
			return werr_status(err, 125);
		}
		data = read_data(fd, &len, err);
	}
	if (data == NULL)
		return werr_status(err, 125);
	if (secret_create(e, args[0], data, len, o->labels, id, err) < 0)
		return -1;
	printf("%s\n", id);
	return 0;
}

/* ---- ls ---- */

struct secret_ls_opts {
	const char *format;
	char **filter;
	bool quiet, noheading;
};

static const struct opt ls_tab[] = {
    OPT_STRV("filter", 'f', struct secret_ls_opts, filter),
    OPT_STR("format", 0, struct secret_ls_opts, format),
    OPT_BOOL("noheading", 0, struct secret_ls_opts, noheading),
    OPT_BOOL("quiet", 'q', struct secret_ls_opts, quiet),
    OPT_TABLE_END,
};

static void ls_fini(void *opts)
{
	strv_free(((struct secret_ls_opts *)opts)->filter);
}

const struct optspec cli_secret_ls_opts = {ls_tab, sizeof(struct secret_ls_opts), false, NULL,
					   ls_fini};

/* --filter name=X / id=X: every value of a key may match (Podman's
 * rule), names and ids by prefix. */
static int filter_match(char *const *filters, const struct secret_rec *s, struct werr *err)
{
	bool any_name = false, name_ok = false, any_id = false, id_ok = false;

	for (size_t i = 0; filters && filters[i]; i++) {
		const char *f = filters[i];
		if (str_has_prefix(f, "name=")) {
			any_name = true;
			name_ok |= str_has_prefix(s->name, f + 5);
		} else if (str_has_prefix(f, "id=")) {
			any_id = true;
			id_ok |= str_has_prefix(s->id, f + 3);
		} else {
			werr_set(err, 0, "invalid filter \"%s\": use name= or id=", f);
			return -1;
		}
	}
	return (!any_name || name_ok) && (!any_id || id_ok);
}

/* A secret as `secret ls --format` templates see it. */
static struct json_object *ls_view(const struct secret_rec *s)
{
	struct json_object *o = json_object_new_object();
	char created[64], updated[64];

	format_ago(s->created, created, sizeof(created));
	format_ago(s->updated, updated, sizeof(updated));
	json_object_object_add(o, "ID", json_object_new_string(s->id));
	json_object_object_add(o, "Name", json_object_new_string(s->name));
	json_object_object_add(o, "Driver", json_object_new_string("file"));
	json_object_object_add(o, "CreatedAt", json_object_new_string(created));
	json_object_object_add(o, "UpdatedAt", json_object_new_string(updated));
	return o;
}

static struct json_object *ls_headers(void)
{
	struct json_object *h = json_object_new_object();

	json_object_object_add(h, "CreatedAt", json_object_new_string("CREATED"));
	json_object_object_add(h, "UpdatedAt", json_object_new_string("UPDATED"));
	return h;
}

int cmd_secret_ls(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct secret_ls_opts *o = opts;
	struct secret_rec *v = NULL;
	struct json_object **objs;
	cleanup_json struct json_object *headers = ls_headers();
	size_t n = 0, k = 0;
	int rc = 0;

	if (args[0] != NULL) {
		werr_set(err, 0, "`warren secret ls` takes no arguments");
		return werr_status(err, 125);
	}
	if (secret_list(e, &v, &n, err) < 0)
		return -1;
	objs = xcalloc(n + 1, sizeof(*objs));
	for (size_t i = 0; i < n && rc == 0; i++) {
		int m = filter_match(o->filter, &v[i], err);
		if (m < 0)
			rc = -1;
		else if (m && o->quiet)
			printf("%s\n", v[i].id);
		else if (m)
			objs[k++] = ls_view(&v[i]);
	}
	if (rc == 0 && !o->quiet) {
		const char *fmt =
		    o->format ? o->format
		    : o->noheading
			? "{{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.CreatedAt}}\t{{.UpdatedAt}}"
			: "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.CreatedAt}}\t"
			  "{{.UpdatedAt}}";
		if (o->noheading && str_has_prefix(fmt, "table "))
			fmt += 6;
		rc = format_print(stdout, fmt, objs, k, headers, err);
	}
	for (size_t i = 0; i < k; i++)
		json_object_put(objs[i]);
	free(objs);
	secret_recs_free(v, n);
	return rc < 0 ? werr_status(err, 125) : 0;
}

/* ---- inspect ---- */

struct secret_inspect_opts {
	const char *format;
	bool pretty;
};

static const struct opt inspect_tab[] = {
    OPT_STR("format", 'f', struct secret_inspect_opts, format),
    OPT_BOOL("pretty", 0, struct secret_inspect_opts, pretty),
    OPT_TABLE_END,
};

const struct optspec cli_secret_inspect_opts = {inspect_tab, sizeof(struct secret_inspect_opts),
						false, NULL, NULL};

static void print_pretty(const struct secret_rec *s)
{
	char created[64], updated[64];

	format_gotime(s->created, created, sizeof(created));
	format_gotime(s->updated, updated, sizeof(updated));
	printf("ID:              %s\nName:            %s\n", s->id, s->name);
	if (json_object_object_length(s->labels) > 0) {
		printf("Labels:\n");
		json_object_object_foreach(s->labels, k, v)
		{
			printf(" - %s=%s\n", k, json_object_get_string(v));
		}
	}
	printf("Driver:          file\nCreated at:      %s\nUpdated at:      %s\n", created,
	       updated);
}

int cmd_secret_inspect(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct secret_inspect_opts *o = opts;
	cleanup_json struct json_object *all = json_object_new_array();
	int rc = 0;

	if (args[0] == NULL) {
		werr_set(err, 0, "requires at least 1 arg(s), only received 0");
		return werr_status(err, 125);
	}
	for (size_t i = 0; args[i]; i++) {
		struct secret_rec s = {0};
		struct werr e2 = {0};
		int r = secret_lookup(e, args[i], &s, &e2);
		if (r <= 0) {
			cli_error("inspecting secret: %s", e2.msg);
			rc = 125;
			continue;
		}
		if (o->pretty)
			print_pretty(&s);
		else
			json_object_array_add(all, secret_json(e, &s));
		secret_rec_free(&s);
	}
	if (o->pretty)
		return rc;
	if (o->format != NULL && !format_is_json(o->format)) {
		for (size_t i = 0; i < json_object_array_length(all); i++) {
			cleanup_free char *out =
			    template_render(o->format, json_object_array_get_idx(all, i), err);
			if (out == NULL)
				return werr_status(err, 125);
			printf("%s%s", out, str_has_suffix(out, "\n") ? "" : "\n");
		}
		return rc;
	}
	print_json(stdout, all);
	return rc;
}

/* ---- rm, exists ---- */

struct secret_rm_opts {
	bool all;
};

static const struct opt rm_tab[] = {
    OPT_BOOL("all", 'a', struct secret_rm_opts, all),
    OPT_TABLE_END,
};

const struct optspec cli_secret_rm_opts = {rm_tab, sizeof(struct secret_rm_opts), false, NULL,
					   NULL};

int cmd_secret_rm(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct secret_rm_opts *o = opts;
	struct secret_rec *v = NULL;
	size_t n = 0;
	int rc = 0;

	if (o->all == (args[0] != NULL)) {
		werr_set(err, 0,
			 o->all ? "when using the --all switch, you may not pass any secret names "
				  "or IDs"
				: "requires at least 1 arg(s), only received 0");
		return werr_status(err, 125);
	}
	if (o->all && secret_list(e, &v, &n, err) < 0)
		return -1;
	for (size_t i = 0; o->all ? i < n : args[i] != NULL; i++) {
		char id[SECRET_ID_LEN + 1];
		struct werr e2 = {0};
		if (secret_remove(e, o->all ? v[i].id : args[i], id, &e2) < 0) {
			cli_error("%s", e2.msg);
			rc = 125;
			continue;
		}
		printf("%s\n", id);
	}
	secret_recs_free(v, n);
	return rc;
}

int cmd_secret_exists(struct engine *e, void *opts, char **args, struct werr *err)
{
	struct secret_rec s = {0};
	int r;

	if (strv_len(args) != 1) {
		werr_set(err, 0, "accepts 1 arg(s), received %zu", strv_len(args));
		return werr_status(err, 125);
	}
	r = secret_lookup(e, args[0], &s, err);
	secret_rec_free(&s);
	if (r < 0)
		return -1;
	return r == 1 ? 0 : 1;
}
