/* search.h - `search`: repositories of registries matching a term, from
 * the registry's search API where it has one (Docker Hub's /v1/search) or
 * its /v2/_catalog otherwise, and `--list-tags`. */
#ifndef WARREN_SEARCH_H
#define WARREN_SEARCH_H

#include <stdbool.h>

#include "engine/engine.h"
#include "image/registry.h"
#include "lib/err.h"

struct search_result {
	char *index; /* registry: "127.0.0.1:5000" */
	char *name;  /* "127.0.0.1:5000/test/busybox" */
	char *description;
	int stars;
	bool official, automated;
	char *tag; /* --list-tags */
};

struct search_opts {
	struct reg_opts reg;
	int limit;	/* per registry, 0: 25 */
	bool list_tags; /* term names one repository: its tags */
	int min_stars;	/* filter stars=N */
	int official;	/* filter is-official: -1 any, 0, 1 */
	int automated;	/* filter is-automated */
};

struct regconf;
struct image_ref;

/* The tags of the repository ref names ("host/repo", no tag or digest),
 * from the registry registries.conf (conf) says how to reach: 0 with *repo
 * (the parsed name: ref_free it) and *tags (strv_free), 1 when ref has a
 * tag or a digest (nothing listed: the caller says why that is wrong), -1
 * on error. Shared by search --list-tags and pull --all-tags. */
int image_repo_tags(const struct regconf *conf, const char *ref, const struct reg_opts *reg,
		    struct image_ref *repo, char ***tags, struct werr *err);

/* Searches (a term without a registry: the unqualified-search registries
 * of registries.conf); *out gets n results (caller frees with
 * search_results_free). */
int image_search(struct engine *e, const char *term, const struct search_opts *o,
		 struct search_result **out, size_t *n, struct werr *err);
void search_results_free(struct search_result *r, size_t n);

/* Checks user and pass against registry's /v2/ endpoint (login), reached
 * as registries.conf says (an insecure registry over plain HTTP or without
 * TLS verification) unless reg forces TLS: 0 accepted, -1 with err (the
 * registry's words: "unauthorized" when refused). */
int reg_login_check(bool rootless, const char *registry, const struct reg_opts *reg,
		    const char *user, const char *pass, struct werr *err);

#endif
