/* regconf_resolve.c - using a loaded registries.conf: short names to
 * candidates, references to endpoints (mirrors, prefix rewriting), the alias
 * cache writer. */
#include "image/regconf_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/toml.h"
#include "lib/util.h"

/* ---- short names ---- */

/* Splits user input "name[:tag][@digest]" into its repository part and
 * the suffix (":tag", "@digest" or both, "" when none); both malloc'd. */
static void split_suffix(const char *in, char **repo, char **suffix)
{
	const char *at = strchr(in, '@');
	size_t n = at ? (size_t)(at - in) : strlen(in);
	const char *slash = memrchr(in, '/', n);
	const char *colon =
	    memchr(slash ? slash : in, ':', n - (size_t)((slash ? slash : in) - in));

	if (colon != NULL)
		n = (size_t)(colon - in);
	*repo = xstrndup(in, n);
	*suffix = xstrdup(in + n);
}

/* ref_parse + ref_string of s: the normalized full reference. */
static char *normalize(const char *s, struct werr *err)
{
	struct image_ref r = {0};
	char *out;

	if (ref_parse(s, &r, err) < 0)
		return NULL;
	out = ref_string(&r);
	ref_free(&r);
	return out;
}

static const struct reg_alias *find_alias(const struct reg_alias *a, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(a[i].name, name) == 0)
			return &a[i];
	return NULL;
}

/* The alias for repo: the cache first, then registries.conf; an empty
 * value (a reset) means none. */
static const struct reg_alias *lookup_alias(const struct regconf *c, const char *repo)
{
	const struct reg_alias *a = find_alias(c->cached, c->ncached, repo);

	if (a == NULL)
		a = find_alias(c->aliases, c->naliases, repo);
	return a != NULL && a->value[0] != '\0' ? a : NULL;
}

static int no_search_error(const struct regconf *c, const char *name, struct werr *err)
{
	const char *origin = c->search_origin ? c->search_origin : c->found ? c->main_path : NULL;

	if (origin != NULL)
		return werr_set(err, 0,
				"short-name \"%s\" did not resolve to an alias and no "
				"unqualified-search registries are defined in \"%s\"",
				name, origin);
	return werr_set(err, 0,
			"short-name \"%s\" did not resolve to an alias and no "
			"containers-registries.conf(5) was found",
			name);
}

/* One candidate per search registry. */
static int search_candidates(const struct regconf *c, const char *name, char ***out,
			     struct werr *err)
{
	cleanup_strv char **v = xcalloc(1, sizeof(char *));

	for (size_t i = 0; c->search[i]; i++) {
		cleanup_free char *full = xasprintf("%s/%s", c->search[i], name);
		cleanup_free char *n = normalize(full, err);
		if (n == NULL)
			return werr_wrap(err,
					 "creating reference with unqualified-search registry "
					 "\"%s\"",
					 c->search[i]);
		v = strv_append(v, n);
	}
	*out = steal_pointer(&v);
	return 0;
}

int regconf_resolve_short(const struct regconf *c, const char *name, bool have_tty,
			  struct regconf_resolved *out, struct werr *err)
{
	struct regconf_resolved r = {0};
	cleanup_free char *repo = NULL, *suffix = NULL, *full = NULL;
	const struct reg_alias *a;

	if (!ref_is_short(name)) {
		if ((full = normalize(name, err)) == NULL)
			return -1;
		r.candidates = strv_append(NULL, full);
		*out = r;
		return 0;
	}
	if ((full = normalize(name, err)) == NULL) /* validates the short name */
		return -1;
	split_suffix(name, &repo, &suffix);
	if ((a = lookup_alias(c, repo)) != NULL) {
		cleanup_free char *s = xasprintf("%s%s", a->value, suffix);
		cleanup_free char *n = normalize(s, err);
		if (n == NULL)
			return -1;
		r.candidates = strv_append(NULL, n);
		r.from_alias = true;
		r.description = xasprintf("Resolved \"%s\" as an alias (%s)", repo, a->origin);
		*out = r;
		return 0;
	}
	if (c->search[0] == NULL)
		return no_search_error(c, name, err);
	if (search_candidates(c, name, &r.candidates, err) < 0)
		return -1;
	if (r.candidates[1] != NULL && c->mode != SHORTNAME_DISABLED) {
		if (have_tty) {
			r.prompt = true;
		} else if (c->mode == SHORTNAME_ENFORCING) {
			strv_free(r.candidates);
			return werr_set(err, 0,
					"short-name resolution enforced but cannot prompt without "
					"a TTY");
		}
	}
	r.description = xasprintf("Resolving \"%s\" using unqualified-search registries (%s)", repo,
				  c->search_origin ? c->search_origin : c->main_path);
	*out = r;
	return 0;
}

void regconf_resolved_free(struct regconf_resolved *r)
{
	if (r == NULL)
		return;
	strv_free(r->candidates);
	free(r->description);
	*r = (struct regconf_resolved){0};
}

/* ---- the alias cache ---- */

/* "[aliases]" with one quoted line per alias, malloc'd. */
static char *aliases_toml(struct json_object *al)
{
	char *out = xstrdup("[aliases]\n");

	json_object_object_foreach(al, k, v)
	{
		if (!json_object_is_type(v, json_type_string))
			continue;
		cleanup_free char *qk = toml_quote(k);
		cleanup_free char *qv = toml_quote(json_object_get_string(v));
		char *n = xasprintf("%s  %s = %s\n", out, qk, qv);
		free(out);
		out = n;
	}
	return out;
}

/* Under the lock: read the cache, set the alias, write it back. */
static int rewrite_cache(const char *path, const char *name, const char *value, struct werr *err)
{
	cleanup_json struct json_object *root = NULL;
	cleanup_free char *text = NULL;
	struct json_object *al;

	if (toml_parse_file(path, &root, err) < 0) {
		if (err == NULL || err->errnum != ENOENT)
			return werr_wrap(err, "loading short-name aliases config file \"%s\"",
					 path);
		root = json_object_new_object();
	}
	al = jget(root, "aliases");
	if (!json_object_is_type(al, json_type_object)) {
		al = json_object_new_object();
		jset(root, "aliases", al);
	}
	jset_str(al, name, value);
	text = aliases_toml(al);
	return write_file_atomic_at(AT_FDCWD, path, text, strlen(text), 0600, err);
}

int regconf_record_alias(bool rootless, const char *short_name, const char *full_repo,
			 struct werr *err)
{
	cleanup_free char *path = regconf_alias_path(rootless);
	cleanup_free char *dir = xstrdup(path);
	cleanup_free char *lock = xasprintf("%s.lock", path);
	cleanup_close int lfd = -1;

	if (regconf_check_short(short_name, err) < 0 ||
	    regconf_check_alias_value(full_repo, err) < 0)
		return werr_wrap(err, "recording short-name alias (\"%s\"=\"%s\")", short_name,
				 full_repo);
	*strrchr(dir, '/') = '\0';
	if (mkdir_p(dir, 0700, err) < 0)
		return -1;
	lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lfd < 0)
		return werr_set(err, errno, "open '%s'", lock);
	while (flock(lfd, LOCK_EX) < 0)
		if (errno != EINTR)
			return werr_set(err, errno, "lock '%s'", lock);
	return rewrite_cache(path, short_name, full_repo, err);
}

/* ---- endpoints ---- */

/* Length of ref's part that prefix matches, 0 when it does not match:
 * the whole prefix followed by the end, ':', '/' or '@'; for "*.example.com"
 * a host ending in ".example.com" (the host part is matched). */
static size_t prefix_match(const char *ref, const char *prefix)
{
	size_t n = strlen(prefix);

	if (str_has_prefix(prefix, "*.")) {
		size_t host = strcspn(ref, "/");
		size_t sfx = n - 1; /* ".example.com" */
		if (host > sfx && memcmp(ref + host - sfx, prefix + 1, sfx) == 0)
			return host;
		return 0;
	}
	if (strncmp(ref, prefix, n) != 0)
		return 0;
	/* as containers/image: "example.com:5000" also matches "example.com" */
	return ref[n] == '\0' || ref[n] == ':' || ref[n] == '/' || ref[n] == '@' ? n : 0;
}

/* The [[registry]] with the longest prefix matching ref, or NULL. */
static const struct reg_entry *find_registry(const struct regconf *c, const char *ref,
					     size_t *matched)
{
	const struct reg_entry *best = NULL;
	size_t best_len = 0;

	for (size_t i = 0; i < c->nregs; i++) {
		size_t m = prefix_match(ref, c->regs[i].prefix);
		if (m > 0 && strlen(c->regs[i].prefix) > best_len) {
			best = &c->regs[i];
			best_len = strlen(c->regs[i].prefix);
			*matched = m;
		}
	}
	return best;
}

static int add_endpoint(struct reg_endpoint **v, size_t *n, const char *location, const char *ref,
			size_t matched, bool insecure, bool mirror, struct werr *err)
{
	cleanup_free char *s = location ? xasprintf("%s%s", location, ref + matched) : xstrdup(ref);
	struct image_ref r = {0};

	if (ref_parse(s, &r, err) < 0)
		return werr_wrap(err, "rewriting reference '%s' to '%s'", ref, s);
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n] = (struct reg_endpoint){.registry = xstrdup(r.domain),
					 .repo = xstrdup(r.path),
					 .ref = ref_string(&r),
					 .insecure = insecure,
					 .mirror = mirror};
	(*n)++;
	ref_free(&r);
	return 0;
}

static int registry_endpoints(const struct regconf *c, const struct reg_entry *reg, const char *ref,
			      size_t matched, bool by_digest, struct reg_endpoint **v, size_t *n,
			      struct werr *err)
{
	if (reg->blocked) {
		if (c->dir_path != NULL)
			return werr_set(err, 0, "registry %s is blocked in %s or %s", reg->prefix,
					c->main_path, c->dir_path);
		return werr_set(err, 0, "registry %s is blocked in %s", reg->prefix, c->main_path);
	}
	for (size_t i = 0; i < reg->nmirrors; i++) {
		const struct reg_mirror *m = &reg->mirrors[i];
		if ((m->pull == PULL_DIGEST_ONLY && !by_digest) ||
		    (m->pull == PULL_TAG_ONLY && by_digest))
			continue;
		if (add_endpoint(v, n, m->location, ref, matched, m->insecure, true, err) < 0)
			return -1;
	}
	return add_endpoint(v, n, reg->location, ref, matched, reg->insecure, false, err);
}

int regconf_endpoints(const struct regconf *c, const char *ref, bool by_digest,
		      struct reg_endpoint **out, size_t *n, struct werr *err)
{
	struct image_ref r = {0};
	cleanup_free char *full = NULL;
	struct reg_endpoint *v = NULL;
	size_t nv = 0, matched = 0;
	const struct reg_entry *reg;

	if (ref_parse(ref, &r, err) < 0)
		return werr_wrap(err, "'%s'", ref);
	full = ref_string(&r);
	by_digest = by_digest || r.digest != NULL;
	ref_free(&r);
	reg = find_registry(c, full, &matched);
	if ((reg == NULL
		 ? add_endpoint(&v, &nv, NULL, full, 0, false, false, err)
		 : registry_endpoints(c, reg, full, matched, by_digest, &v, &nv, err)) < 0) {
		reg_endpoints_free(v, nv);
		return -1;
	}
	*out = v;
	*n = nv;
	return 0;
}

void reg_endpoints_free(struct reg_endpoint *e, size_t n)
{
	for (size_t i = 0; e != NULL && i < n; i++) {
		free(e[i].registry);
		free(e[i].repo);
		free(e[i].ref);
	}
	free(e);
}

bool regconf_insecure(const struct regconf *c, const char *registry)
{
	size_t matched = 0;
	const struct reg_entry *reg = find_registry(c, registry, &matched);

	return reg != NULL && reg->insecure;
}
