/* cmd_trust.c - image trust show, image trust set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/format.h"
#include "image/trust.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"

struct trust_show_cli {
	const char *policypath, *registrypath;
	bool json, raw, noheading;
};

static const struct opt trust_show_tab[] = {
    OPT_BOOL("json", 'j', struct trust_show_cli, json),
    OPT_BOOL("raw", 0, struct trust_show_cli, raw),
    OPT_BOOL("noheading", 'n', struct trust_show_cli, noheading),
    OPT_STR("policypath", 0, struct trust_show_cli, policypath),
    OPT_STR("registrypath", 0, struct trust_show_cli, registrypath),
    OPT_TABLE_END,
};
const struct optspec cli_trust_show_opts = {trust_show_tab, sizeof(struct trust_show_cli), false,
					    NULL, NULL};

static struct json_object *trust_json(const struct trust_entry *t)
{
	struct json_object *o = json_object_new_object();

	jset_str(o, "transport", t->transport);
	jset_str(o, "name", strcmp(t->name, "default") == 0 ? "* (default)" : t->name);
	jset_str(o, "repo_name", t->name);
	if (*t->store)
		jset_str(o, "sigstore", t->store);
	jset_str(o, "type", t->type);
	if (*t->keys)
		jset_str(o, "gpg_id", t->keys);
	return o;
}

int cmd_trust_show(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct trust_show_cli *o = opts;
	struct trust_entry *v = NULL;
	cleanup_free char *raw = NULL;
	cleanup_json struct json_object *arr = json_object_new_array();
	struct table *t;
	size_t n = 0;

	(void)e;
	if (strv_len(args) > 1) {
		werr_set(err, 0, "accepts at most 1 arg(s), received %zu", strv_len(args));
		return werr_status(err, 125);
	}
	if (trust_show(o->policypath, o->registrypath, &v, &n, o->raw ? &raw : NULL, err) < 0)
		return -1;
	if (o->raw) {
		fputs(raw, stdout);
		trust_entries_free(v, n);
		return 0;
	}
	t = table_new(5);
	if (!o->noheading && !o->json)
		table_add(t, (const char *const[]){"TRANSPORT", "NAME", "TYPE", "ID", "STORE"});
	for (size_t i = 0; i < n; i++) {
		if (args[0] != NULL && strcmp(args[0], v[i].name) != 0)
			continue;
		json_object_array_add(arr, trust_json(&v[i]));
		table_add(t, (const char *const[]){v[i].transport, v[i].name, v[i].type, v[i].keys,
						   v[i].store});
	}
	if (o->json)
		print_json_go(stdout, arr, "  ", true);
	else
		table_print(t, stdout);
	table_free(t);
	trust_entries_free(v, n);
	return 0;
}

struct trust_set_cli {
	const char *policypath, *type;
	char **keys;
};

static void trust_set_fini(void *opts)
{
	strv_free(((struct trust_set_cli *)opts)->keys);
}

static const struct opt trust_set_tab[] = {
    OPT_STR("type", 't', struct trust_set_cli, type),
    OPT_STRV("pubkeysfile", 'f', struct trust_set_cli, keys),
    OPT_STR("policypath", 0, struct trust_set_cli, policypath),
    OPT_TABLE_END,
};
const struct optspec cli_trust_set_opts = {trust_set_tab, sizeof(struct trust_set_cli), false, NULL,
					   trust_set_fini};

int cmd_trust_set(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct trust_set_cli *o = opts;

	(void)e;
	if (strv_len(args) != 1) {
		werr_set(err, 0, "accepts 1 arg(s), received %zu", strv_len(args));
		return werr_status(err, 125);
	}
	for (size_t i = 0; o->keys && o->keys[i]; i++)
		if (o->keys[i][0] != '/' || access(o->keys[i], R_OK) != 0) {
			werr_set(err, 0,
				 "public key file '%s' must be an absolute path to a readable file",
				 o->keys[i]);
			return werr_status(err, 125);
		}
	if (trust_set(o->policypath, args[0], o->type ? o->type : "signedBy", o->keys, err) < 0)
		return werr_status(err, 125);
	return 0;
}
