/* trust.c - policy.json as Podman's `image trust` shows and edits it; see
 * trust.h. The checks themselves are image/policy.c's. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "image/policy.h"
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
    {"signedBy", "signedBy"},
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
	}
	free(v);
}

/* One entry from a requirement list: the first requirement's type, every key path. */
static void add_entry(struct trust_entry **v, size_t *n, const char *transport, const char *name,
		      struct json_object *reqs)
{
	struct json_object *first = json_object_array_get_idx(reqs, 0);
	cleanup_free char *keys = xstrdup("");

	for (size_t i = 0; i < jlen(reqs); i++) {
		const char *k = jstr(json_object_array_get_idx(reqs, i), "keyPath");
		if (k != NULL) {
			char *more = xasprintf("%s%s%s", keys, *keys ? ", " : "", k);
			free(keys);
			keys = more;
		}
	}
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = (struct trust_entry){.transport = xstrdup(transport),
					    .name = xstrdup(name),
					    .type = xstrdup(shown_type(jstr(first, "type"))),
					    .keys = steal_pointer(&keys)};
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

/* Lists the policy's scopes; see trust.h. */
int trust_show(const char *path, struct trust_entry **out, size_t *n, char **raw, struct werr *err)
{
	cleanup_free char *file = NULL;
	cleanup_json struct json_object *root = read_policy(path, raw, &file, err);
	struct json_object *docker = jget(jget(root, "transports"), "docker");
	struct trust_entry *v = NULL;
	cleanup_free char **names = NULL;
	size_t k = 0, nn = 0;

	if (root == NULL)
		return -1;
	add_entry(&v, &k, "all", "default", jarr(root, "default"));
	if (json_object_is_type(docker, json_type_object)) {
		names = xcalloc((size_t)json_object_object_length(docker) + 1, sizeof(char *));
		json_object_object_foreach(docker, key, val)
		{
			(void)val;
			names[nn++] = key;
		}
		qsort(names, nn, sizeof(char *), cmp_str);
		for (size_t i = 0; i < nn; i++)
			add_entry(&v, &k, "repository", names[i], jarr(docker, names[i]));
	}
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
