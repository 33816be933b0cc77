/* trust.c - policy.json as Podman's `image trust` shows and edits it; see
 * trust.h. The checks themselves are image/policy.c's. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "image/policy.h"
#include "image/regsd.h"
#include "image/sigverify.h"
#include "image/trust.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"

#define POLICY_MAX (4 << 20)

/* requirement type in the file -> the word Podman shows and takes */
static const struct {
	const char *file, *shown;
} type_names[] = {
    {"insecureAcceptAnything", "accept"},
    {"reject", "reject"},
    {"signedBy", "signed"},
    {"sigstoreSigned", "sigstoreSigned"},
};

static const char *shown_type(const char *t)
{
	for (size_t i = 0; i < ARRAY_SIZE(type_names); i++)
		if (t != NULL && strcmp(t, type_names[i].file) == 0)
			return type_names[i].shown;
	return t ? t : "";
}

void trust_entries_free(struct trust_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].transport);
		free(v[i].name);
		free(v[i].type);
		free(v[i].keys);
		free(v[i].store);
	}
	free(v);
}

/* One entry per requirement of a scope, as Podman lists them: the key ids
 * of signedBy (from the key files), "N/A" for sigstoreSigned, and the
 * scope's signature store from registries.d. */
static void add_entries(struct trust_entry **v, size_t *n, const char *transport, const char *name,
			struct json_object *reqs, const char *store)
{
	for (size_t i = 0; i < jlen(reqs); i++) {
		struct json_object *r = json_object_array_get_idx(reqs, i);
		const char *t = jstr(r, "type");
		char *keys = t && strcmp(t, "signedBy") == 0	     ? sigverify_key_ids(r)
			     : t && strcmp(t, "sigstoreSigned") == 0 ? xstrdup("N/A")
								     : xstrdup("");
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		(*v)[(*n)++] = (struct trust_entry){.transport = xstrdup(transport),
						    .name = xstrdup(name),
						    .type = xstrdup(shown_type(t)),
						    .keys = keys,
						    .store = xstrdup(store ? store : "")};
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The policy file (validated by policy_load first) as JSON. */
static struct json_object *read_policy(const char *path, char **text_out, char **path_out,
				       struct werr *err)
{
	struct policy *p = policy_load(path, err);
	cleanup_free char *text = NULL;
	struct json_object *root;
	size_t len;

	if (p == NULL)
		return NULL;
	*path_out = xstrdup(policy_path(p));
	policy_free(p);
	text = read_file_max(*path_out, POLICY_MAX, &len, err);
	if (text == NULL || (root = jparse(text, *path_out, err)) == NULL) {
		free(*path_out);
		return NULL;
	}
	if (text_out != NULL)
		*text_out = steal_pointer(&text);
	return root;
}

/* The sorted keys of object o (new vector of borrowed strings). */
static const char **sorted_keys(struct json_object *o, size_t *n)
{
	const char **names = xcalloc((size_t)json_object_object_length(o) + 1, sizeof(char *));

	*n = 0;
	json_object_object_foreach(o, key, val)
	{
		(void)val;
		names[(*n)++] = key;
	}
	qsort(names, *n, sizeof(char *), cmp_str);
	return names;
}

/* Lists the policy's scopes; see trust.h. */
int trust_show(const char *path, const char *regsd_dir, struct trust_entry **out, size_t *n,
	       char **raw, struct werr *err)
{
	cleanup_free char *file = NULL;
	cleanup_json struct json_object *root = read_policy(path, raw, &file, err);
	struct json_object *tr = jget(root, "transports");
	struct regsd *conf = NULL;
	struct trust_entry *v = NULL;
	cleanup_free const char **tnames = NULL;
	size_t k = 0, nt = 0;

	if (root == NULL || (conf = regsd_load(regsd_dir, err)) == NULL)
		return -1;
	add_entries(&v, &k, "all", "default", jarr(root, "default"), regsd_scope_store(conf, ""));
	if (json_object_is_type(tr, json_type_object))
		tnames = sorted_keys(tr, &nt);
	for (size_t t = 0; t < nt; t++) {
		struct json_object *scopes = jget(tr, tnames[t]);
		const char *shown = strcmp(tnames[t], "docker") == 0 ? "repository" : tnames[t];
		cleanup_free const char **names = NULL;
		size_t nn = 0;
		if (!json_object_is_type(scopes, json_type_object))
			continue;
		names = sorted_keys(scopes, &nn);
		for (size_t i = 0; i < nn; i++)
			add_entries(&v, &k, shown, names[i], jarr(scopes, names[i]),
				    regsd_scope_store(conf, names[i]));
	}
	regsd_free(conf);
	*out = v;
	*n = k;
	return 0;
}

/* The requirement list for type and keys. */
static struct json_object *requirements(const char *type, char *const *keys, struct werr *err)
{
	struct json_object *list = json_object_new_array();
	bool sig = strcmp(type, "signedBy") == 0 || strcmp(type, "sigstoreSigned") == 0;

	if (!sig && strcmp(type, "accept") != 0 && strcmp(type, "reject") != 0) {
		json_object_put(list);
		werr_set(err, 0,
			 "invalid choice: %s (choose from 'accept', 'reject', 'signedBy', "
			 "'sigstoreSigned')",
			 type);
		return NULL;
	}
	if (sig && (keys == NULL || keys[0] == NULL)) {
		json_object_put(list);
		werr_set(err, 0, "at least one public key must be defined for type '%s'", type);
		return NULL;
	}
	if (!sig) {
		struct json_object *r = json_object_new_object();
		jset_str(r, "type",
			 strcmp(type, "accept") == 0 ? "insecureAcceptAnything" : "reject");
		json_object_array_add(list, r);
	}
	for (size_t i = 0; sig && keys[i]; i++) {
		struct json_object *r = json_object_new_object();
		jset_str(r, "type", type);
		if (strcmp(type, "signedBy") == 0)
			jset_str(r, "keyType", "GPGKeys");
		jset_str(r, "keyPath", keys[i]);
		json_object_array_add(list, r);
	}
	return list;
}

/* Edits one scope; see trust.h. */
int trust_set(const char *path, const char *scope, const char *type, char *const *keys,
	      struct werr *err)
{
	cleanup_free char *file = NULL, *dir = NULL;
	cleanup_json struct json_object *root = NULL;
	struct json_object *reqs, *transports, *docker;
	const char *text, *slash;

	if (scope == NULL || *scope == '\0' || strpbrk(scope, " \t\n\"") != NULL)
		return werr_set(err, 0, "invalid registry or repository \"%s\"",
				scope ? scope : "");
	reqs = requirements(type, keys, err);
	if (reqs == NULL)
		return -1;
	root = read_policy(path, NULL, &file, err);
	if (root == NULL) {
		json_object_put(reqs);
		return -1;
	}
	if (strcmp(scope, "default") == 0) {
		jset(root, "default", reqs);
	} else {
		transports = jget(root, "transports");
		if (!json_object_is_type(transports, json_type_object)) {
			transports = json_object_new_object();
			jset(root, "transports", transports);
		}
		docker = jget(transports, "docker");
		if (!json_object_is_type(docker, json_type_object)) {
			docker = json_object_new_object();
			jset(transports, "docker", docker);
		}
		jset(docker, scope, reqs);
	}
	text =
	    json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						     JSON_C_TO_STRING_NOSLASHESCAPE);
	slash = strrchr(file, '/');
	dir = slash ? xstrndup(file, (size_t)(slash - file)) : xstrdup(".");
	if (mkdir_p(dir, 0755, err) < 0 ||
	    write_file_atomic_at(AT_FDCWD, file, text, strlen(text), 0644, err) < 0)
		return werr_wrap(err, "write '%s'", file);
	return 0;
}
