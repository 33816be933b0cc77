/* policy.c - containers-policy.json(5) (see policy.h). */
#include "image/policy.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "image/ref.h"
#include "image/sigverify.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"

#define POLICY_MAX_SIZE (1024 * 1024)

struct policy {
	struct json_object *root;
	char *path;
};

/* REQ_UNCHECKABLE: a signature requirement warren cannot verify */
enum req_kind { REQ_ACCEPT, REQ_REJECT, REQ_SIGNATURE, REQ_UNCHECKABLE };

static const struct {
	const char *type;
	enum req_kind kind;
} req_types[] = {
    {"insecureAcceptAnything", REQ_ACCEPT},
    {"reject", REQ_REJECT},
    {"signedBy", REQ_SIGNATURE},
    {"sigstoreSigned", REQ_SIGNATURE},
    {"signedBaseLayer", REQ_UNCHECKABLE},
};

void policy_free(struct policy *p)
{
	if (p == NULL)
		return;
	json_object_put(p->root);
	free(p->path);
	free(p);
}

const char *policy_path(const struct policy *p)
{
	return p->path;
}

static int invalid(const char *origin, struct werr *err, const char *what, const char *arg)
{
	return werr_set(err, 0, "invalid policy in \"%s\": %s%s%s%s", origin, what,
			arg ? " \"" : "", arg ? arg : "", arg ? "\"" : "");
}

/* A requirement list: a non-empty array of objects with a known "type". */
static int check_reqs(const char *origin, struct json_object *reqs, const char *scope,
		      struct werr *err)
{
	if (!json_object_is_type(reqs, json_type_array))
		return invalid(origin, err, "requirements must be an array in scope", scope);
	if (jlen(reqs) == 0)
		return invalid(origin, err, "no policy requirements in scope", scope);
	for (size_t i = 0; i < jlen(reqs); i++) {
		struct json_object *r = json_object_array_get_idx(reqs, i);
		const char *t = jstr(r, "type");
		size_t k;
		if (t == NULL)
			return invalid(origin, err, "policy requirement without a type in scope",
				       scope);
		for (k = 0; k < ARRAY_SIZE(req_types); k++)
			if (strcmp(t, req_types[k].type) == 0)
				break;
		if (k == ARRAY_SIZE(req_types))
			return invalid(origin, err, "unknown policy requirement type", t);
		if (req_types[k].kind == REQ_SIGNATURE && sigverify_check_req(r, err) < 0)
			return werr_wrap(err, "invalid policy in \"%s\": scope \"%s\"", origin,
					 scope);
	}
	return 0;
}

static int validate(const char *origin, struct json_object *root, struct werr *err)
{
	struct json_object *tr = jget(root, "transports");

	if (!json_object_is_type(root, json_type_object))
		return invalid(origin, err, "not a JSON object", NULL);
	if (jget(root, "default") == NULL)
		return invalid(origin, err, "Default policy is missing", NULL);
	if (check_reqs(origin, jget(root, "default"), "default", err) < 0)
		return -1;
	if (tr == NULL)
		return 0;
	if (!json_object_is_type(tr, json_type_object))
		return invalid(origin, err, "\"transports\" must be an object", NULL);
	json_object_object_foreach(tr, name, scopes)
	{
		if (!json_object_is_type(scopes, json_type_object))
			return invalid(origin, err, "scopes must be an object for transport", name);
		json_object_object_foreach(scopes, scope, reqs)
		{
			if (check_reqs(origin, reqs, scope, err) < 0)
				return -1;
		}
	}
	return 0;
}

struct policy *policy_parse(const char *text, const char *origin, struct werr *err)
{
	struct policy *p;
	struct json_object *root = NULL;
	struct json_tokener *tok = json_tokener_new_ex(64);

	/* a bounded depth: a deeply nested file is refused, not recursed into */
	root = json_tokener_parse_ex(tok, text, (int)strlen(text));
	if (root == NULL ||
	    text[json_tokener_get_parse_end(tok) +
		 strspn(text + json_tokener_get_parse_end(tok), " \t\r\n")] != '\0') {
		enum json_tokener_error e = json_tokener_get_error(tok);
		werr_set(err, 0, "invalid policy in \"%s\": %s", origin,
			 root != NULL		      ? "trailing data"
			 : e == json_tokener_continue ? "unexpected end of JSON"
						      : json_tokener_error_desc(e));
		json_object_put(root);
		json_tokener_free(tok);
		return NULL;
	}
	json_tokener_free(tok);
	if (validate(origin, root, err) < 0) {
		json_object_put(root);
		return NULL;
	}
	p = xcalloc(1, sizeof(*p));
	p->root = root;
	p->path = xstrdup(origin);
	return p;
}

/* The default policy file; see policy.h. */
char *policy_default_path(void)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	cleanup_free char *user = NULL;
	struct stat st;

	if (x != NULL && x[0] == '/')
		user = xasprintf("%s/containers/policy.json", x);
	else if (home != NULL && home[0] == '/')
		user = xasprintf("%s/.config/containers/policy.json", home);
	if (user != NULL && stat(user, &st) == 0)
		return steal_pointer(&user);
	return xstrdup("/etc/containers/policy.json");
}

struct policy *policy_load(const char *path, struct werr *err)
{
	cleanup_free char *p = path ? xstrdup(path) : policy_default_path();
	cleanup_free char *text = NULL;
	size_t len = 0;

	text = read_file_max(p, POLICY_MAX_SIZE, &len, err);
	if (text == NULL) {
		if (err != NULL && err->errnum != EFBIG)
			werr_set(err, err->errnum, "open %s", p); /* Podman's wording */
		return NULL;
	}
	if (strlen(text) != len) {
		werr_set(err, 0, "invalid policy in \"%s\": NUL byte", p);
		return NULL;
	}
	return policy_parse(text, p, err);
}

/* ---- scopes ---- */

/* The docker scopes of a reference; see policy.h. */
char **policy_docker_scopes(const struct image_ref *r)
{
	char **v = xcalloc(1, sizeof(char *));
	cleanup_free char *full = ref_string(r);
	cleanup_free char *repo = ref_repo(r);
	cleanup_free char *host = xstrndup(r->domain, strcspn(r->domain, ":"));
	char *slash;

	v = strv_append(v, full);
	v = strv_append(v, repo);
	/* "host/a/b", "host/a", "host" */
	while ((slash = strrchr(repo, '/')) != NULL) {
		*slash = '\0';
		v = strv_append(v, repo);
	}
	/* "*.b.example.com", "*.example.com", "*.com" from the host name */
	for (char *dot = strchr(host, '.'); dot != NULL; dot = strchr(dot + 1, '.')) {
		cleanup_free char *w = xasprintf("*%s", dot);
		v = strv_append(v, w);
	}
	return v;
}

static struct json_object *scope_reqs(const struct policy *p, const char *transport,
				      const char *ref, struct werr *err)
{
	struct json_object *scopes = jget(jget(p->root, "transports"), transport), *reqs;
	struct image_ref r = {0};

	if (scopes != NULL && strcmp(transport, "docker") == 0) {
		cleanup_strv char **v = NULL;
		if (ref_parse(ref, &r, err) < 0)
			return NULL;
		v = policy_docker_scopes(&r);
		ref_free(&r);
		for (size_t i = 0; v[i]; i++)
			if ((reqs = jget(scopes, v[i])) != NULL)
				return reqs;
	} else if (scopes != NULL && (reqs = jget(scopes, ref)) != NULL) {
		return reqs;
	}
	if ((reqs = jget(scopes, "")) != NULL)
		return reqs;
	return jget(p->root, "default");
}

static enum req_kind kind_of(struct json_object *req)
{
	const char *t = jstr(req, "type");

	for (size_t k = 0; k < ARRAY_SIZE(req_types); k++)
		if (strcmp(t, req_types[k].type) == 0)
			return req_types[k].kind;
	return REQ_REJECT; /* (validate() let no other type in) */
}

/* The requirements other than signatures: -1 refuses, else 1 when some
 * requirement needs the image's signatures. */
static int check_plain(const struct policy *p, struct json_object *reqs, const char *transport,
		       const char *ref, struct werr *err)
{
	int need = 0;

	for (size_t i = 0; i < jlen(reqs); i++) {
		struct json_object *r = json_object_array_get_idx(reqs, i);
		switch (kind_of(r)) {
		case REQ_ACCEPT:
			break;
		case REQ_REJECT:
			return werr_set(err, 0,
					"Source image rejected: Running image %s://%s is rejected "
					"by policy in %s",
					transport, ref, p->path);
		case REQ_UNCHECKABLE:
			return werr_set(err, 0,
					"Source image rejected: policy in %s requires a %s "
					"signature for %s://%s, which warren cannot verify",
					p->path, jstr(r, "type"), transport, ref);
		case REQ_SIGNATURE:
			/* only a registry image has signatures to look at */
			if (strcmp(transport, "docker") != 0)
				return werr_set(err, 0,
						"Source image rejected: policy in %s requires a "
						"signature for %s://%s, and only registry images "
						"carry signatures",
						p->path, transport, ref);
			need = 1;
			break;
		}
	}
	return need;
}

int policy_check(const struct policy *p, const char *transport, const char *ref, struct werr *err)
{
	struct json_object *reqs = scope_reqs(p, transport, ref, err);

	if (reqs == NULL)
		return werr_wrap(err, "Source image rejected: %s://%s", transport, ref);
	return check_plain(p, reqs, transport, ref, err);
}

/* The signature requirements of ref's scope; see policy.h. */
int policy_check_signatures(const struct policy *p, const char *transport, const char *ref,
			    const struct sig_source *src, struct werr *err)
{
	struct json_object *reqs = scope_reqs(p, transport, ref, err);

	if (reqs == NULL)
		return werr_wrap(err, "Source image rejected: %s://%s", transport, ref);
	if (check_plain(p, reqs, transport, ref, err) < 0)
		return -1;
	for (size_t i = 0; i < jlen(reqs); i++) {
		struct json_object *r = json_object_array_get_idx(reqs, i);
		if (kind_of(r) == REQ_SIGNATURE && sigverify_requirement(r, ref, src, err) < 0)
			return werr_wrap(err, "Source image rejected");
	}
	return 0;
}
