/* regconf.c - containers-registries.conf(5): loading and merging the files,
 * validation. Resolution and endpoints are in regconf_resolve.c. */
#include "image/regconf_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/toml.h"
#include "lib/util.h"

static void reg_free(struct reg_entry *r)
{
	free(r->prefix);
	free(r->location);
	for (size_t i = 0; i < r->nmirrors; i++)
		free(r->mirrors[i].location);
	free(r->mirrors);
}

static void aliases_free(struct reg_alias *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].name);
		free(a[i].value);
		free(a[i].origin);
	}
	free(a);
}

void regconf_free(struct regconf *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->nregs; i++)
		reg_free(&c->regs[i]);
	free(c->regs);
	strv_free(c->search);
	free(c->search_origin);
	aliases_free(c->aliases, c->naliases);
	aliases_free(c->cached, c->ncached);
	free(c->main_path);
	free(c->dir_path);
	free(c);
}

char *const *regconf_search_registries(const struct regconf *c)
{
	return c->search;
}

enum shortname_mode regconf_mode(const struct regconf *c)
{
	return c->mode;
}

/* ---- validation ---- */

/* host[:port][/path] characters only: no scheme, no spaces or controls. */
static bool location_chars_ok(const char *s)
{
	for (; *s; s++) {
		char c = *s;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr("._-:/@[]", c)))
			return false;
	}
	return true;
}

/* Trims trailing '/', refuses empty values and URI schemes (as
 * containers/image's messages say). *out malloc'd. */
static int parse_location(const char *origin, const char *in, char **out, struct werr *err)
{
	size_t n = strlen(in);

	while (n > 0 && in[n - 1] == '/')
		n--;
	if (n == 0)
		return werr_set(err, 0, "%s: invalid location: cannot be empty", origin);
	if (str_has_prefix(in, "http://") || str_has_prefix(in, "https://"))
		return werr_set(err, 0, "%s: invalid location '%s': URI schemes are not supported",
				origin, in);
	cleanup_free char *v = xstrndup(in, n);
	if (!location_chars_ok(v) || strstr(v, "//") != NULL)
		return werr_set(err, 0, "%s: invalid location '%s'", origin, in);
	*out = steal_pointer(&v);
	return 0;
}

/* "*.example.com": a wildcard prefix; '*' anywhere else is an error. */
static int check_prefix(const char *origin, const char *p, struct werr *err)
{
	if (strchr(p, '*') == NULL)
		return 0;
	if (!str_has_prefix(p, "*.") || strchr(p + 1, '*') || strpbrk(p, "/@:") || p[2] == '\0')
		return werr_set(
		    err, 0,
		    "%s: invalid prefix '%s': wildcarded prefix should be in the format: "
		    "*.example.com",
		    origin, p);
	return 0;
}

/* host[:port] for unqualified-search-registries. */
static bool valid_search_domain(const char *s)
{
	const char *colon = strchr(s, ':');
	size_t host = colon ? (size_t)(colon - s) : strlen(s);

	if (host == 0 || s[0] == '-' || s[0] == '.' || s[host - 1] == '-' || s[host - 1] == '.')
		return false;
	for (size_t i = 0; i < host; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.') ||
		    (c == '.' && s[i + 1] == '.'))
			return false;
	}
	if (colon) {
		int64_t port;
		if (parse_int64(colon + 1, 1, 65535, &port) < 0)
			return false;
	}
	return true;
}

/* ---- one file into a partial configuration ---- */

static int want_type(const char *origin, const char *key, struct json_object *v, json_type t,
		     const char *what, struct werr *err)
{
	if (v != NULL && !json_object_is_type(v, t))
		return werr_set(err, 0, "%s: '%s' must be %s", origin, key, what);
	return 0;
}

static int get_bool(const char *origin, struct json_object *o, const char *key, bool *out,
		    struct werr *err)
{
	struct json_object *v = jget(o, key);

	if (want_type(origin, key, v, json_type_boolean, "a boolean", err) < 0)
		return -1;
	*out = v != NULL && json_object_get_boolean(v);
	return 0;
}

static int get_str(const char *origin, struct json_object *o, const char *key, const char **out,
		   struct werr *err)
{
	struct json_object *v = jget(o, key);

	if (want_type(origin, key, v, json_type_string, "a string", err) < 0)
		return -1;
	*out = v ? json_object_get_string(v) : NULL;
	return 0;
}

/* An array of strings (validated) as a new vector. */
static int get_strv(const char *origin, struct json_object *o, const char *key, char ***out,
		    struct werr *err)
{
	struct json_object *v = jget(o, key);

	*out = NULL;
	if (v == NULL)
		return 0;
	for (size_t i = 0; i < jlen(v); i++)
		if (!json_object_is_type(json_object_array_get_idx(v, i), json_type_string))
			v = NULL;
	if (v == NULL || !json_object_is_type(v, json_type_array))
		return werr_set(err, 0, "%s: '%s' must be an array of strings", origin, key);
	*out = jstrv(v);
	return 0;
}

static const struct {
	const char *name;
	enum pull_from v;
} pull_froms[] = {
    {"all", PULL_ALL}, {"digest-only", PULL_DIGEST_ONLY}, {"tag-only", PULL_TAG_ONLY}};

static int parse_mirror(const char *origin, struct json_object *m, bool by_digest_only,
			struct reg_mirror *out, struct werr *err)
{
	const char *loc = NULL, *pull = NULL;

	if (!json_object_is_type(m, json_type_object))
		return werr_set(err, 0, "%s: 'mirror' must be an array of tables", origin);
	if (get_str(origin, m, "location", &loc, err) < 0 ||
	    get_str(origin, m, "pull-from-mirror", &pull, err) < 0 ||
	    get_bool(origin, m, "insecure", &out->insecure, err) < 0)
		return -1;
	out->pull = by_digest_only ? PULL_DIGEST_ONLY : PULL_ALL;
	if (pull != NULL && pull[0] != '\0') {
		size_t i;
		for (i = 0; i < ARRAY_SIZE(pull_froms); i++)
			if (strcmp(pull, pull_froms[i].name) == 0)
				break;
		if (i == ARRAY_SIZE(pull_froms))
			return werr_set(err, 0, "%s: unsupported pull-from-mirror value '%s'",
					origin, pull);
		if (by_digest_only && pull_froms[i].v != PULL_DIGEST_ONLY)
			return werr_set(
			    err, 0,
			    "%s: cannot set mirror-by-digest-only for the registry and "
			    "pull-from-mirror '%s' for its mirror '%s' at the same time",
			    origin, pull, loc ? loc : "");
		out->pull = pull_froms[i].v;
	}
	return parse_location(origin, loc ? loc : "", &out->location, err);
}

static int parse_registry(const char *origin, struct json_object *r, struct reg_entry *out,
			  struct werr *err)
{
	const char *prefix = NULL, *loc = NULL;
	bool by_digest = false;
	struct json_object *mirrors;

	if (!json_object_is_type(r, json_type_object))
		return werr_set(err, 0, "%s: 'registry' must be an array of tables", origin);
	if (get_str(origin, r, "prefix", &prefix, err) < 0 ||
	    get_str(origin, r, "location", &loc, err) < 0 ||
	    get_bool(origin, r, "insecure", &out->insecure, err) < 0 ||
	    get_bool(origin, r, "blocked", &out->blocked, err) < 0 ||
	    get_bool(origin, r, "mirror-by-digest-only", &by_digest, err) < 0)
		return -1;
	if (prefix != NULL && prefix[0] != '\0') {
		if (parse_location(origin, prefix, &out->prefix, err) < 0 &&
		    strchr(prefix, '*') == NULL)
			return -1;
		if (out->prefix == NULL)
			out->prefix = xstrdup(prefix);
		if (check_prefix(origin, out->prefix, err) < 0)
			return -1;
	}
	if (loc != NULL && loc[0] != '\0') {
		if (parse_location(origin, loc, &out->location, err) < 0)
			return -1;
		if (strchr(out->location, '*') != NULL)
			return werr_set(err, 0, "%s: invalid location '%s'", origin, loc);
	} else if (out->prefix == NULL) {
		return werr_set(err, 0, "%s: invalid condition: both location and prefix are unset",
				origin);
	} else if (!str_has_prefix(out->prefix, "*.")) {
		return werr_set(err, 0,
				"%s: invalid condition: location is unset and prefix is not in the "
				"format: *.example.com",
				origin);
	}
	if (out->prefix == NULL)
		out->prefix = xstrdup(out->location);
	mirrors = jget(r, "mirror");
	if (want_type(origin, "mirror", mirrors, json_type_array, "an array of tables", err) < 0)
		return -1;
	out->nmirrors = jlen(mirrors);
	out->mirrors = xcalloc(out->nmirrors, sizeof(struct reg_mirror));
	for (size_t i = 0; i < out->nmirrors; i++)
		if (parse_mirror(origin, json_object_array_get_idx(mirrors, i), by_digest,
				 &out->mirrors[i], err) < 0)
			return -1;
	return 0;
}

/* The registry entry for location in c (v1 mapping), created when missing. */
static struct reg_entry *v1_entry(struct regconf *c, const char *origin, const char *loc,
				  struct werr *err)
{
	cleanup_free char *l = NULL;

	if (parse_location(origin, loc, &l, err) < 0)
		return NULL;
	for (size_t i = 0; i < c->nregs; i++)
		if (strcmp(c->regs[i].location, l) == 0)
			return &c->regs[i];
	c->regs = xrealloc(c->regs, (c->nregs + 1) * sizeof(*c->regs));
	c->regs[c->nregs] = (struct reg_entry){.prefix = xstrdup(l), .location = steal_pointer(&l)};
	return &c->regs[c->nregs++];
}

/* [registries.search] registries = [...] and friends (v1 format). */
static int parse_v1(struct regconf *c, const char *origin, struct json_object *v1, struct werr *err)
{
	static const char *const kinds[] = {"search", "insecure", "block"};

	if (want_type(origin, "registries", v1, json_type_object, "a table", err) < 0)
		return -1;
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		cleanup_strv char **regs = NULL;
		if (want_type(origin, kinds[k], jget(v1, kinds[k]), json_type_object, "a table",
			      err) < 0 ||
		    get_strv(origin, jget(v1, kinds[k]), "registries", &regs, err) < 0)
			return -1;
		if (k == 0 && regs != NULL) {
			c->search = steal_pointer(&regs);
			c->search_set = true;
			continue;
		}
		for (size_t i = 0; regs && regs[i]; i++) {
			struct reg_entry *r = v1_entry(c, origin, regs[i], err);
			if (r == NULL)
				return -1;
			if (k == 1)
				r->insecure = true;
			else
				r->blocked = true;
		}
	}
	return 0;
}

/* Left-hand side of an alias: a short name without tag or digest. */
int regconf_check_short(const char *name, struct werr *err)
{
	const char *slash = strchr(name, '/'), *last = strrchr(name, '/');
	struct image_ref r = {0};

	if (strchr(name, '@') != NULL)
		return werr_set(err, 0, "invalid short name \"%s\": must not contain digest", name);
	if (strchr(last ? last : name, ':') != NULL)
		return werr_set(err, 0, "invalid short name \"%s\": must not contain tag", name);
	if (slash != NULL && !ref_is_short(name))
		return werr_set(err, 0, "invalid short name \"%s\": must not contain registry",
				name);
	if (ref_parse(name, &r, err) < 0)
		return werr_wrap(err, "cannot parse short name: \"%s\"", name);
	ref_free(&r);
	return 0;
}

/* Right-hand side: registry/repository without tag or digest; "" resets. */
int regconf_check_alias_value(const char *value, struct werr *err)
{
	const char *slash = strchr(value, '/');
	const char *last = strrchr(value, '/');
	struct image_ref r = {0};

	if (strchr(value, '@') != NULL)
		return werr_set(err, 0, "invalid alias \"%s\": must not contain digest", value);
	if (last && strchr(last, ':') != NULL)
		return werr_set(err, 0, "invalid alias \"%s\": must not contain tag", value);
	if (slash == NULL || ref_is_short(value))
		return werr_set(
		    err, 0, "invalid alias \"%s\": must contain registry and repository", value);
	if (ref_parse(value, &r, err) < 0)
		return werr_wrap(err, "parsing alias \"%s\"", value);
	ref_free(&r);
	return 0;
}

static int parse_aliases(const char *origin, struct json_object *al, struct reg_alias **out,
			 size_t *n, struct werr *err)
{
	if (want_type(origin, "aliases", al, json_type_object, "a table", err) < 0)
		return -1;
	if (al == NULL)
		return 0;
	json_object_object_foreach(al, k, v)
	{
		if (!json_object_is_type(v, json_type_string))
			return werr_set(err, 0, "%s: alias '%s' must be a string", origin, k);
		const char *val = json_object_get_string(v);
		if (regconf_check_short(k, err) < 0 ||
		    (val[0] != '\0' && regconf_check_alias_value(val, err) < 0))
			return werr_wrap(err, "%s", origin);
		regconf_alias_set(out, n, k, val, origin);
	}
	return 0;
}

/* Sets name = value (an empty value resets it) in the alias list. */
void regconf_alias_set(struct reg_alias **a, size_t *n, const char *name, const char *value,
		       const char *origin)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*a)[i].name, name) == 0)
			break;
	if (i == *n) {
		*a = xrealloc(*a, (*n + 1) * sizeof(**a));
		(*a)[(*n)++] = (struct reg_alias){.name = xstrdup(name)};
	} else {
		free((*a)[i].value);
		free((*a)[i].origin);
	}
	(*a)[i].value = xstrdup(value);
	(*a)[i].origin = xstrdup(origin);
}

static int parse_search(struct regconf *c, const char *origin, struct json_object *root,
			struct werr *err)
{
	if (get_strv(origin, root, "unqualified-search-registries", &c->search, err) < 0)
		return -1;
	if (c->search == NULL)
		return 0;
	c->search_set = true;
	for (size_t i = 0; c->search[i]; i++) {
		size_t n = strlen(c->search[i]);
		while (n > 0 && c->search[i][n - 1] == '/')
			c->search[i][--n] = '\0';
		if (!valid_search_domain(c->search[i]))
			return werr_set(err, 0,
					"%s: invalid unqualified-search-registries entry \"%s\"",
					origin, c->search[i]);
	}
	return 0;
}

static int parse_mode(struct regconf *c, const char *origin, struct json_object *root,
		      struct werr *err)
{
	static const char *const modes[] = {
	    [SHORTNAME_PERMISSIVE] = "permissive",
	    [SHORTNAME_ENFORCING] = "enforcing",
	    [SHORTNAME_DISABLED] = "disabled",
	};
	const char *m = NULL;

	if (get_str(origin, root, "short-name-mode", &m, err) < 0)
		return -1;
	if (m == NULL || m[0] == '\0')
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
		if (strcmp(m, modes[i]) == 0) {
			c->mode = (enum shortname_mode)i;
			c->mode_set = true;
			return 0;
		}
	}
	return werr_set(err, 0, "%s: invalid short-name mode: \"%s\"", origin, m);
}

/* One parsed document into a new partial configuration. v2_only: drop-ins. */
static struct regconf *conf_from_json(struct json_object *root, const char *origin, bool v2_only,
				      struct werr *err)
{
	struct regconf *c = xcalloc(1, sizeof(*c));
	struct json_object *regs = jget(root, "registry"), *v1 = jget(root, "registries");

	if (parse_search(c, origin, root, err) < 0 || parse_mode(c, origin, root, err) < 0 ||
	    parse_aliases(origin, jget(root, "aliases"), &c->aliases, &c->naliases, err) < 0 ||
	    want_type(origin, "registry", regs, json_type_array, "an array of tables", err) < 0)
		goto fail;
	c->nregs = jlen(regs);
	c->regs = xcalloc(c->nregs, sizeof(*c->regs));
	for (size_t i = 0; i < c->nregs; i++)
		if (parse_registry(origin, json_object_array_get_idx(regs, i), &c->regs[i], err) <
		    0)
			goto fail;
	if (v1 != NULL) {
		if (v2_only) {
			werr_set(err, 0, "%s: registry must be in v2 format but is in v1", origin);
			goto fail;
		}
		if (c->nregs > 0 || c->search_set) {
			werr_set(err, 0, "%s: mixing sysregistry v1/v2 is not supported", origin);
			goto fail;
		}
		if (parse_v1(c, origin, v1, err) < 0)
			goto fail;
	}
	if (c->search_set) {
		c->search_origin = xstrdup(origin);
	}
	return c;
fail:
	regconf_free(c);
	return NULL;
}

/* ---- merging ---- */

/* Moves what upd sets into c (upd is freed). */
static void conf_merge(struct regconf *c, struct regconf *upd)
{
	for (size_t i = 0; i < upd->nregs; i++) {
		size_t k;
		for (k = 0; k < c->nregs; k++)
			if (strcmp(c->regs[k].prefix, upd->regs[i].prefix) == 0)
				break;
		if (k == c->nregs)
			c->regs = xrealloc(c->regs, (++c->nregs) * sizeof(*c->regs));
		else
			reg_free(&c->regs[k]);
		c->regs[k] = upd->regs[i];
	}
	upd->nregs = 0;
	if (upd->search_set) {
		strv_free(c->search);
		free(c->search_origin);
		c->search = steal_pointer(&upd->search);
		c->search_origin = steal_pointer(&upd->search_origin);
		c->search_set = true;
	}
	if (upd->mode_set) {
		c->mode = upd->mode;
		c->mode_set = true;
	}
	for (size_t i = 0; i < upd->naliases; i++)
		regconf_alias_set(&c->aliases, &c->naliases, upd->aliases[i].name,
				  upd->aliases[i].value, upd->aliases[i].origin);
	regconf_free(upd);
}

/* Registries named twice (several prefixes for one location) must agree
 * on insecure and blocked. */
static int conf_check(struct regconf *c, struct werr *err)
{
	for (size_t i = 0; i < c->nregs; i++) {
		for (size_t k = i + 1; k < c->nregs; k++) {
			struct reg_entry *a = &c->regs[i], *b = &c->regs[k];
			if (a->location == NULL || b->location == NULL ||
			    strcmp(a->location, b->location) != 0)
				continue;
			if (a->insecure != b->insecure || a->blocked != b->blocked)
				return werr_set(err, 0,
						"registry '%s' is defined multiple times with "
						"conflicting '%s' setting",
						a->location,
						a->insecure != b->insecure ? "insecure"
									   : "blocked");
		}
	}
	if (c->search == NULL)
		c->search = xcalloc(1, sizeof(char *));
	return 0;
}

struct regconf *regconf_parse(const char *text, const char *origin, struct werr *err)
{
	cleanup_json struct json_object *root = NULL;
	struct regconf *c;

	if (toml_parse(text, strlen(text), &root, err) < 0) {
		werr_wrap(err, "%s", origin);
		return NULL;
	}
	if ((c = conf_from_json(root, origin, false, err)) == NULL)
		return NULL;
	c->main_path = xstrdup(origin);
	c->found = true;
	if (conf_check(c, err) < 0) {
		regconf_free(c);
		return NULL;
	}
	return c;
}

/* Reads path into c; a missing file is fine unless must_exist. */
static int load_file(struct regconf *c, const char *path, bool v2_only, bool must_exist,
		     struct werr *err)
{
	cleanup_json struct json_object *root = NULL;
	struct regconf *part;

	if (toml_parse_file(path, &root, err) < 0) {
		if (err != NULL && err->errnum == ENOENT && !must_exist)
			return 0;
		return -1;
	}
	if ((part = conf_from_json(root, path, v2_only, err)) == NULL)
		return -1;
	c->found = true;
	conf_merge(c, part);
	return 0;
}

static int conf_name_filter(const struct dirent *d)
{
	return d->d_name[0] != '.' && str_has_suffix(d->d_name, ".conf");
}

/* dir/ *.conf in strcmp order (alphasort is locale-dependent). */
static int cmp_names(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int load_dir(struct regconf *c, const char *dir, struct werr *err)
{
	struct dirent **ents = NULL;
	int n = scandir(dir, &ents, conf_name_filter, cmp_names), rc = 0;

	if (n < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0
							   : werr_set(err, errno, "read '%s'", dir);
	for (int i = 0; i < n; i++) {
		cleanup_free char *p = xasprintf("%s/%s", dir, ents[i]->d_name);
		struct stat st;
		if (rc == 0 && stat(p, &st) == 0 && S_ISREG(st.st_mode))
			rc = load_file(c, p, true, true, err);
		free(ents[i]);
	}
	free(ents);
	return rc;
}

/* $XDG_CONFIG_HOME, else ~/.config (malloc'd; NULL without a home). */
char *regconf_config_home(void)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (x != NULL && x[0] == '/')
		return xstrdup(x);
	if (home != NULL && home[0] == '/')
		return xasprintf("%s/.config", home);
	return NULL;
}

static int load_files(struct regconf *c, const char *sysroot, struct werr *err)
{
	const char *env = getenv("CONTAINERS_REGISTRIES_CONF");
	cleanup_free char *home = regconf_config_home();
	cleanup_free char *user = home ? xasprintf("%s/containers/registries.conf", home) : NULL;
	cleanup_free char *userd = home ? xasprintf("%s/containers/registries.conf.d", home) : NULL;
	struct stat st;

	if (env != NULL && env[0] != '\0') {
		c->main_path = xstrdup(env);
		return load_file(c, env, false, true, err);
	}
	if (user != NULL && stat(user, &st) == 0) {
		c->main_path = xstrdup(user);
		c->dir_path = xstrdup(userd);
		return load_file(c, user, false, true, err) < 0 ? -1 : load_dir(c, userd, err);
	}
	c->main_path = xasprintf("%s/etc/containers/registries.conf", sysroot ? sysroot : "");
	c->dir_path = xasprintf("%s/etc/containers/registries.conf.d", sysroot ? sysroot : "");
	if (load_file(c, c->main_path, false, false, err) < 0 || load_dir(c, c->dir_path, err) < 0)
		return -1;
	return userd ? load_dir(c, userd, err) : 0;
}

/* Reads the alias cache (missing is fine). */
static int load_cache(struct regconf *c, const char *path, struct werr *err)
{
	cleanup_json struct json_object *root = NULL;

	if (toml_parse_file(path, &root, err) < 0) {
		if (err != NULL && err->errnum == ENOENT)
			return 0;
		return werr_wrap(err, "loading short-name aliases config file \"%s\"", path);
	}
	if (parse_aliases(path, jget(root, "aliases"), &c->cached, &c->ncached, err) < 0)
		return werr_wrap(err, "loading short-name aliases config file \"%s\"", path);
	return 0;
}

char *regconf_alias_path_root(const char *sysroot, bool rootless)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	if (!rootless)
		return xasprintf("%s/var/cache/containers/short-name-aliases.conf",
				 sysroot ? sysroot : "");
	if (x != NULL && x[0] == '/')
		return xasprintf("%s/containers/short-name-aliases.conf", x);
	return xasprintf("%s/.cache/containers/short-name-aliases.conf",
			 home && home[0] == '/' ? home : "");
}

char *regconf_alias_path(bool rootless)
{
	return regconf_alias_path_root(NULL, rootless);
}

struct regconf *regconf_load_root(const char *sysroot, bool rootless, struct werr *err)
{
	struct regconf *c = xcalloc(1, sizeof(*c));
	cleanup_free char *cache = regconf_alias_path_root(sysroot, rootless);

	if (load_files(c, sysroot, err) < 0 || load_cache(c, cache, err) < 0 ||
	    conf_check(c, err) < 0) {
		regconf_free(c);
		return NULL;
	}
	return c;
}

struct regconf *regconf_load(bool rootless, struct werr *err)
{
	return regconf_load_root(NULL, rootless, err);
}
