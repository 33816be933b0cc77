/* search.c - registry search; see search.h. */
#include <stdlib.h>
#include <string.h>

#include "image/ref.h"
#include "image/regconf.h"
#include "image/search.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"

#define DEFAULT_LIMIT 25

void search_results_free(struct search_result *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(r[i].index);
		free(r[i].name);
		free(r[i].description);
		free(r[i].tag);
	}
	free(r);
}

struct results {
	struct search_result *v;
	size_t n;
};

static struct search_result *add(struct results *rs, const char *index, const char *name,
				 const char *tag)
{
	rs->v = xrealloc(rs->v, (rs->n + 1) * sizeof(*rs->v));
	rs->v[rs->n] = (struct search_result){.index = xstrdup(index),
					      .name = xstrdup(name),
					      .description = xstrdup(""),
					      .tag = xstrdup(tag ? tag : "")};
	return &rs->v[rs->n++];
}

/* Whether a result passes --filter (stars=N, is-official, is-automated). */
static bool filters_pass(const struct search_opts *o, int stars, bool official, bool automated)
{
	return stars >= o->min_stars && (o->official < 0 || (bool)o->official == official) &&
	       (o->automated < 0 || (bool)o->automated == automated);
}

static int jint_of(struct json_object *o, const char *key)
{
	struct json_object *v = jget(o, key);
	return json_object_is_type(v, json_type_int) ? json_object_get_int(v) : 0;
}

static bool jbool_of(struct json_object *o, const char *key)
{
	struct json_object *v = jget(o, key);
	return json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

/* The answer of a /v1/search: filtered, at most limit, named as Podman
 * names them (Docker Hub's official "alpine" is docker.io/library/alpine). */
static void v1_results(const char *registry, struct json_object *arr, const struct search_opts *o,
		       int limit, struct results *rs)
{
	int found = 0;

	for (size_t i = 0; i < jlen(arr) && found < limit; i++) {
		struct json_object *r = json_object_array_get_idx(arr, i);
		const char *name = jstr(r, "name"), *desc = jstr(r, "description");
		int stars = jint_of(r, "star_count");
		bool official = jbool_of(r, "is_official"), automated = jbool_of(r, "is_automated");
		if (name == NULL || name[0] == '\0' || !filters_pass(o, stars, official, automated))
			continue;
		cleanup_free char *full =
		    strcmp(registry, "docker.io") == 0 && strchr(name, '/') == NULL
			? xasprintf("%s/library/%s", registry, name)
			: xasprintf("%s/%s", registry, name);
		struct search_result *sr = add(rs, registry, full, NULL);
		free(sr->description);
		sr->description = xstrdup(desc ? desc : "");
		/* one line per result: newlines and control bytes become spaces */
		for (char *p = sr->description; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = ' ';
		text_scrub(sr->name);
		sr->stars = stars;
		sr->official = official;
		sr->automated = automated;
		found++;
	}
}

/* Splits "host/query" when the first part names a registry. */
static void split_term(const char *term, char **registry, char **query)
{
	const char *slash = strchr(term, '/');

	*registry = NULL;
	if (slash != NULL && !ref_is_short(term)) {
		*registry = xstrndup(term, (size_t)(slash - term));
		*query = xstrdup(slash + 1);
	} else if (slash == NULL && (strchr(term, '.') || strchr(term, ':')) &&
		   !ref_is_short(term)) {
		*registry = xstrdup(term);
		*query = xstrdup("");
	} else {
		*query = xstrdup(term);
	}
}

static int search_one(const struct regconf *conf, const char *registry, const char *query,
		      const struct search_opts *o, struct results *rs, struct werr *err)
{
	struct reg_client *c =
	    reg_open(registry, "", regconf_insecure(conf, registry), &o->reg, err);
	cleanup_strv char **repos = NULL;
	cleanup_json struct json_object *v1 = NULL;
	int limit = o->limit > 0 ? o->limit : DEFAULT_LIMIT, found = 0, rc;

	if (c == NULL)
		return -1;
	/* the search API first, where the registry has one (not for an
	 * empty query: that lists the catalog, as Podman) */
	rc = *query ? reg_v1_search(c, query, limit, &v1, err) : 0;
	if (rc != 0) {
		reg_close(c);
		if (rc < 0)
			return werr_wrap(err, "couldn't search registry \"%s\"", registry);
		v1_results(registry, v1, o, limit, rs);
		return 0;
	}
	if (reg_catalog(c, 1000, &repos, err) < 0) {
		reg_close(c);
		return werr_wrap(err, "couldn't search registry \"%s\"", registry);
	}
	reg_close(c);
	for (size_t i = 0; repos[i] && found < limit; i++) {
		cleanup_free char *name = NULL;
		if (*query && strstr(repos[i], query) == NULL)
			continue;
		/* a catalog has no stars and no official flag: filters on them drop all */
		if (o->min_stars > 0 || o->official == 1 || o->automated == 1)
			continue;
		name = xasprintf("%s/%s", registry, repos[i]);
		add(rs, registry, name, NULL);
		found++;
	}
	return 0;
}

/* The tags of a repository; see search.h. */
int image_repo_tags(const struct regconf *conf, const char *ref, const struct reg_opts *reg,
		    struct image_ref *repo, char ***tags, struct werr *err)
{
	struct image_ref r;
	struct reg_client *c;
	int rc;

	if (ref_parse(ref, &r, err) < 0)
		return -1;
	if (r.digest != NULL || strchr(strrchr(ref, '/') ? strrchr(ref, '/') : ref, ':')) {
		ref_free(&r);
		return 1;
	}
	c = reg_open(r.domain, r.path, regconf_insecure(conf, r.domain), reg, err);
	rc = c ? reg_tags_list(c, tags, err) : -1;
	reg_close(c);
	if (rc < 0) {
		ref_free(&r);
		return -1;
	}
	*repo = r;
	return 0;
}

static int list_tags(const struct regconf *conf, const char *term, const struct search_opts *o,
		     struct results *rs, struct werr *err)
{
	struct image_ref r;
	cleanup_strv char **tags = NULL;
	cleanup_free char *repo = NULL;
	int limit = o->limit > 0 ? o->limit : DEFAULT_LIMIT;
	int rc = image_repo_tags(conf, term, &o->reg, &r, &tags, err);

	if (rc < 0)
		return -1;
	if (rc == 1)
		return werr_set(err, 0, "reference \"%s\" must not have a tag for --list-tags",
				term);
	repo = ref_repo(&r);
	for (size_t i = 0; tags[i] && (int)i < limit; i++)
		add(rs, r.domain, repo, tags[i]);
	ref_free(&r);
	return 0;
}

/* Searches; see search.h. */
int image_search(struct engine *e, const char *term, const struct search_opts *o,
		 struct search_result **out, size_t *n, struct werr *err)
{
	struct results rs = {0};
	cleanup_free char *registry = NULL, *query = NULL;
	struct regconf *conf;
	char *const *search;
	int rc = 0;

	if (*term == '\0')
		return werr_set(err, 0, "search term must not be empty");
	conf = regconf_load(e->rootless, err);
	if (conf == NULL)
		return -1;
	search = regconf_search_registries(conf);
	if (o->list_tags)
		rc = list_tags(conf, term, o, &rs, err);
	else {
		split_term(term, &registry, &query);
		if (registry != NULL)
			rc = search_one(conf, registry, query, o, &rs, err);
		else if (search[0] == NULL)
			rc = werr_set(err, 0,
				      "no registry in \"%s\" and no unqualified-search registries "
				      "are defined in registries.conf: search REGISTRY/TERM",
				      term);
		for (size_t i = 0; rc == 0 && registry == NULL && search[i]; i++)
			rc = search_one(conf, search[i], query, o, &rs, err);
	}
	regconf_free(conf);
	if (rc < 0) {
		search_results_free(rs.v, rs.n);
		return -1;
	}
	*out = rs.v;
	*n = rs.n;
	return 0;
}

int reg_login_check(bool rootless, const char *registry, const struct reg_opts *reg,
		    const char *user, const char *pass, struct werr *err)
{
	struct regconf *conf = regconf_load(rootless, err);
	struct reg_client *c;
	int rc;

	if (conf == NULL)
		return -1;
	c = reg_open(registry, "", regconf_insecure(conf, registry), reg, err);
	regconf_free(conf);
	if (c == NULL)
		return -1;
	rc = reg_ping(c, user, pass, err);
	reg_close(c);
	return rc;
}
