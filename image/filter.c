/* filter.c - image filters, dangling and intermediate images, prune (see
 * filter.h). Facts from podman 4.3.1 runs: same keys ORed, different keys
 * ANDed; "!=" negates any key; reference globs per name form; a child is
 * an image on the same or the next layer whose history is its parent's
 * plus one entry. */
#include "image/filter.h"

#include <ctype.h>
#include <fnmatch.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "image/image.h"
#include "image/ref.h"
#include "lib/cleanup.h"
#include "lib/godur.h"
#include "lib/json.h"
#include "lib/util.h"

enum fkey {
	FK_AFTER,
	FK_BEFORE,
	FK_CONTAINERS,
	FK_DANGLING,
	FK_ID,
	FK_INTERMEDIATE,
	FK_LABEL,
	FK_READONLY,
	FK_REFERENCE,
	FK_UNTIL,
	FK_COUNT
};

/* How a key's value is read */
enum fval { FV_IMAGE, FV_BOOL, FV_CONTAINERS, FV_STR, FV_UNTIL };

static const struct fkind {
	const char *name;
	enum fkey key;
	enum fval val;
} fkinds[] = {
    {"after", FK_AFTER, FV_IMAGE},
    {"before", FK_BEFORE, FV_IMAGE},
    {"containers", FK_CONTAINERS, FV_CONTAINERS},
    {"dangling", FK_DANGLING, FV_BOOL},
    {"id", FK_ID, FV_STR},
    {"intermediate", FK_INTERMEDIATE, FV_BOOL},
    {"label", FK_LABEL, FV_STR},
    {"readonly", FK_READONLY, FV_BOOL},
    {"reference", FK_REFERENCE, FV_STR},
    {"since", FK_AFTER, FV_IMAGE},
    {"until", FK_UNTIL, FV_UNTIL},
};

struct fterm {
	enum fkey key;
	bool neg;
	char *val;
	int64_t t; /* after, before, until: ns */
	bool b;	   /* booleans; containers: true when used */
};

struct image_filter {
	struct fterm *t;
	size_t n;
};

void image_filter_free(struct image_filter *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->n; i++)
		free(f->t[i].val);
	free(f->t);
	free(f);
}

/* Go's strconv.ParseBool */
static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strcmp(s, yes[i]) == 0 || strcmp(s, no[i]) == 0) {
			*out = strcmp(s, yes[i]) == 0;
			return 0;
		}
	}
	return -1;
}

/* A boolean key (or containers) given twice must have one value (Podman
 * compares the text). seen: "key=value" of the first of each key. */
static int check_duplicate(char ***seen, const char *key, const char *val, struct werr *err)
{
	size_t kl = strlen(key);

	for (char **s = *seen; s && *s; s++) {
		if (strncmp(*s, key, kl) == 0 && (*s)[kl] == '=') {
			if (strcmp(*s + kl + 1, val) == 0)
				return 0;
			return werr_set(err, 0,
					"specifying \"%s\" filter more than once with different "
					"values is not supported",
					key);
		}
	}
	cleanup_free char *kv = xasprintf("%s=%s", key, val);
	*seen = strv_append(*seen, kv);
	return 0;
}

static int term_value(struct engine *e, const struct fkind *k, struct fterm *t, char ***seen,
		      struct werr *err)
{
	struct image_rec img = {0};
	struct werr e2 = {0};
	int rc;

	switch (k->val) {
	case FV_IMAGE:
		rc = image_lookup_list(e, t->val, &img, &e2);
		t->t = img.created;
		image_rec_free(&img);
		if (rc > 0)
			return 0;
		if (rc == 0)
			werr_set(&e2, 0, "%s: image not known", t->val);
		return werr_set(err, 0,
				"could not find local image for filter filter \"%s\"=\"%s\": %s",
				k->name, t->val, e2.msg);
	case FV_BOOL:
		if (check_duplicate(seen, k->name, t->val, err) < 0)
			return -1;
		if (parse_bool(t->val, &t->b) == 0)
			return 0;
		/* (Podman names key and value the other way round) */
		return werr_set(
		    err, 0,
		    "non-boolean value \"%s\" for %s filter: strconv.ParseBool: parsing "
		    "\"%s\": invalid syntax",
		    k->name, t->val, t->val);
	case FV_CONTAINERS:
		if (check_duplicate(seen, k->name, t->val, err) < 0)
			return -1;
		if (strcmp(t->val, "external") == 0) /* Podman 4.3's own words */
			return werr_set(
			    err, 0, "libimage error: external containers filter without callback");
		if (strcmp(t->val, "true") != 0 && strcmp(t->val, "false") != 0)
			return werr_set(err, 0, "unsupported value \"%s\" for containers filter",
					t->val);
		t->b = strcmp(t->val, "true") == 0;
		return 0;
	case FV_UNTIL:
		return image_parse_until(t->val, now_ns(), &t->t, err);
	case FV_STR:
		return 0;
	}
	return 0;
}

static const struct fkind *fkind_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(fkinds); i++)
		if (strcmp(fkinds[i].name, name) == 0)
			return &fkinds[i];
	return NULL;
}

/* Parses one "key=value" / "key!=value" into t (t->val owned). */
static int term_parse(struct engine *e, const char *spec, struct fterm *t, char ***seen,
		      struct werr *err)
{
	const char *ne = strstr(spec, "!="), *eq = strchr(spec, '=');
	const char *sep = ne ? ne : eq;
	const struct fkind *k;
	cleanup_free char *key = NULL;

	if (sep == NULL)
		return werr_set(err, 0,
				"invalid image filter \"%s\": must be in the format \"filter=value "
				"or filter!=value\"",
				spec);
	key = xstrndup(spec, (size_t)(sep - spec));
	k = fkind_find(key);
	if (k == NULL)
		return werr_set(err, 0, "unsupported image filter \"%s\"", key);
	t->key = k->key;
	t->neg = ne != NULL;
	t->val = xstrdup(sep + (ne ? 2 : 1));
	return term_value(e, k, t, seen, err);
}

/* Parses the --filter values; see filter.h. */
struct image_filter *image_filter_new(struct engine *e, char *const *specs, struct werr *err)
{
	struct image_filter *f = xcalloc(1, sizeof(*f));
	cleanup_strv char **seen = NULL;
	size_t n = strv_len(specs);

	f->t = xcalloc(n + 1, sizeof(*f->t));
	for (size_t i = 0; i < n; i++) {
		int rc = term_parse(e, specs[i], &f->t[f->n], &seen, err);
		f->n++; /* its val is f's now, even on failure */
		if (rc < 0) {
			image_filter_free(f);
			return NULL;
		}
	}
	return f;
}

/* ---- the images and what the filters need to know of them ---- */

struct imgset {
	struct engine *e;
	struct image_rec *v;
	size_t n;
	struct json_object **cfg; /* parsed lazily */
	bool *parsed;
	signed char *children; /* -1 unknown, 0, 1 */
};

static struct json_object *set_cfg(struct imgset *s, size_t i)
{
	if (!s->parsed[i]) {
		s->parsed[i] = true;
		s->cfg[i] = s->v[i].config ? json_tokener_parse(s->v[i].config) : NULL;
	}
	return s->cfg[i];
}

static void set_free(struct imgset *s)
{
	for (size_t i = 0; i < s->n; i++)
		json_object_put(s->cfg[i]);
	free(s->cfg);
	free(s->parsed);
	free(s->children);
	image_recs_free(s->v, s->n);
}

static int set_load(struct engine *e, struct imgset *s, struct werr *err)
{
	struct store *st = engine_store(e, err);

	*s = (struct imgset){.e = e};
	if (st == NULL || store_image_list(st, &s->v, &s->n, err) < 0)
		return -1;
	s->cfg = xcalloc(s->n + 1, sizeof(*s->cfg));
	s->parsed = xcalloc(s->n + 1, sizeof(*s->parsed));
	s->children = xcalloc(s->n + 1, 1);
	memset(s->children, -1, s->n);
	return 0;
}

/* A history entry's created time, as a comparable value ("" absent) */
static bool same_time(struct json_object *a, struct json_object *b)
{
	const char *x = jstr(a, "created"), *y = jstr(b, "created");
	int64_t tx, ty;

	if (x == NULL || y == NULL)
		return x == y;
	if (image_parse_time(x, &tx) == 0 && image_parse_time(y, &ty) == 0)
		return tx == ty;
	return strcmp(x, y) == 0;
}

static bool same_str(struct json_object *a, struct json_object *b, const char *key)
{
	const char *x = jstr(a, key), *y = jstr(b, key);

	return strcmp(x ? x : "", y ? y : "") == 0;
}

static bool same_entry(struct json_object *a, struct json_object *b)
{
	return same_time(a, b) && same_str(a, b, "created_by") && same_str(a, b, "author") &&
	       same_str(a, b, "comment") &&
	       json_object_get_boolean(jget(a, "empty_layer")) ==
		   json_object_get_boolean(jget(b, "empty_layer"));
}

/* Is c a child of p: on p's top layer or the next one, with p's history
 * plus one entry (libimage's rule)? */
static bool is_child(struct imgset *s, size_t p, size_t c)
{
	char **pl = s->v[p].layers, **cl = s->v[c].layers;
	size_t np = strv_len(pl), nc = strv_len(cl);
	struct json_object *ph, *ch;

	if (p == c || np == 0 || (nc != np && nc != np + 1))
		return false;
	for (size_t i = 0; i < np; i++)
		if (strcmp(pl[i], cl[i]) != 0)
			return false;
	ph = jarr(set_cfg(s, p), "history");
	ch = jarr(set_cfg(s, c), "history");
	if (jlen(ph) + 1 != jlen(ch))
		return false;
	for (size_t i = 0; i < jlen(ph); i++)
		if (!same_entry(json_object_array_get_idx(ph, i), json_object_array_get_idx(ch, i)))
			return false;
	return true;
}

static bool has_children(struct imgset *s, size_t i)
{
	if (s->children[i] < 0) {
		s->children[i] = 0;
		for (size_t j = 0; j < s->n && !s->children[i]; j++)
			s->children[i] = is_child(s, i, j);
	}
	return s->children[i];
}

static bool unnamed(const struct image_rec *r)
{
	return strv_len(r->names) == 0;
}

static bool label_matches(struct json_object *cfg, const char *want)
{
	struct json_object *labels = jget(jget(cfg, "config"), "Labels");
	const char *eq = strchr(want, '=');
	cleanup_free char *key = eq ? xstrndup(want, (size_t)(eq - want)) : xstrdup(want);
	struct json_object *v = jget(labels, key);

	if (v == NULL || key[0] == '\0')
		return false;
	return eq == NULL || eq[1] == '\0' ||
	       (json_object_is_type(v, json_type_string) &&
		strcmp(json_object_get_string(v), eq + 1) == 0);
}

static bool term_matches(struct imgset *s, size_t i, const struct fterm *t)
{
	const struct image_rec *r = &s->v[i];
	int users;

	switch (t->key) {
	case FK_AFTER:
		return r->created > t->t;
	case FK_BEFORE:
	case FK_UNTIL:
		return r->created < t->t;
	case FK_CONTAINERS:
		users = store_image_users(engine_store(s->e, NULL), r->id, NULL);
		return (users > 0) == t->b;
	case FK_DANGLING:
		return (unnamed(r) && !has_children(s, i)) == t->b;
	case FK_INTERMEDIATE:
		return (unnamed(r) && has_children(s, i)) == t->b;
	case FK_READONLY: /* from an additional image store (storage.conf) */
		return (r->ro_store != NULL) == t->b;
	case FK_ID:
		return strcmp(r->id, t->val) == 0;
	case FK_LABEL:
		return label_matches(set_cfg(s, i), t->val);
	case FK_REFERENCE:
		for (char **nm = r->names; nm && *nm; nm++)
			if (image_ref_matches(t->val, *nm))
				return true;
		return false;
	case FK_COUNT:
		break;
	}
	return false;
}

/* Terms of one key are ORed, keys ANDed */
static bool filter_matches(struct imgset *s, size_t i, const struct image_filter *f)
{
	for (int k = 0; f && k < FK_COUNT; k++) {
		bool any = false, hit = false;
		for (size_t j = 0; j < f->n && !hit; j++) {
			if ((int)f->t[j].key != k)
				continue;
			any = true;
			hit = term_matches(s, i, &f->t[j]) != f->t[j].neg;
		}
		if (any && !hit)
			return false;
	}
	return true;
}

/* The images that pass f; see filter.h. */
int image_filter_list(struct engine *e, const struct image_filter *f, struct image_rec **out,
		      size_t *n, struct werr *err)
{
	struct imgset s;
	struct image_rec *keep;
	cleanup_free bool *pass = NULL;
	size_t k = 0;

	if (set_load(e, &s, err) < 0)
		return -1;
	keep = xcalloc(s.n + 1, sizeof(*keep));
	pass = xcalloc(s.n + 1, sizeof(*pass));
	/* all decided first: a later image's parent test reads the earlier ones */
	for (size_t i = 0; i < s.n; i++)
		pass[i] = filter_matches(&s, i, f);
	for (size_t i = 0; i < s.n; i++) {
		if (!pass[i])
			continue;
		keep[k++] = s.v[i];
		s.v[i] = (struct image_rec){0};
	}
	set_free(&s);
	*out = keep;
	*n = k;
	return 0;
}

/* Removes the images of one prune round; *gone counts them. */
static int prune_round(struct engine *e, const struct image_filter *f, char ***removed,
		       size_t *gone, struct werr *err)
{
	struct image_rec *v = NULL;
	size_t n = 0;
	int rc = 0;

	*gone = 0;
	if (image_filter_list(e, f, &v, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (v[i].ro_store != NULL) /* another store's: never pruned */
			continue;
		rc = image_delete(e, v[i].id, err);
		if (rc == 0) {
			*removed = strv_append(*removed, v[i].id);
			(*gone)++;
		} else if (err->status == 2) {
			/* in use by a reader's container (storage/layerhold.h):
			 * not unused, so not pruned */
			werr_clear(err);
			rc = 0;
		}
	}
	image_recs_free(v, n);
	return rc;
}

/* `image prune`; see filter.h. */
int image_prune(struct engine *e, bool all, char *const *filters, char ***removed, struct werr *err)
{
	cleanup_strv char **specs = strv_copy(filters);
	struct image_filter *f;
	size_t gone = 0;
	int rc;

	if (!all)
		specs = strv_append(specs, "dangling=true");
	specs = strv_append(specs, "containers=false");
	f = image_filter_new(e, specs, err);
	if (f == NULL)
		return -1;
	*removed = xcalloc(1, sizeof(char *));
	do
		rc = prune_round(e, f, removed, &gone, err);
	while (rc == 0 && gone > 0);
	image_filter_free(f);
	return rc;
}

/* ---- pure helpers ---- */

/* Does the glob match one candidate? Go's path.Match: '*' and '?' stop at
 * '/'; a malformed pattern matches nothing. */
static bool glob1(const char *pattern, const char *s)
{
	return fnmatch(pattern, s, FNM_PATHNAME) == 0;
}

/* The reference filter against the forms of a stored name; see filter.h. */
bool image_ref_matches(const char *pattern, const char *name)
{
	cleanup_free char *repo = NULL, *tag = NULL, *pathtag = NULL;
	const char *slash, *path, *last, *rlast;
	bool tagged;

	ref_split_name(name, &repo, &tag);
	tagged = strcmp(tag, "<none>") != 0;
	slash = strchr(repo, '/');
	path = slash ? slash + 1 : repo;
	last = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	rlast = strrchr(repo, '/') ? strrchr(repo, '/') + 1 : repo;
	if (glob1(pattern, name) || glob1(pattern, path) || glob1(pattern, last))
		return true;
	if (!tagged)
		return false;
	pathtag = xasprintf("%s:%s", path, tag);
	return glob1(pattern, repo) || glob1(pattern, pathtag) || glob1(pattern, rlast);
}

/* Unix seconds with an optional fraction ("1700000000.5"); 0 or -1 */
static int unix_time(const char *s, int64_t *ns)
{
	const char *dot = strchr(s, '.');
	cleanup_free char *secs = dot ? xstrndup(s, (size_t)(dot - s)) : xstrdup(s);
	int64_t sec, frac = 0, scale = 100000000;

	if (parse_int64(secs, 0, INT64_MAX / 1000000000LL - 1, &sec) < 0)
		return -1;
	if (dot) {
		if (dot[1] == '\0')
			return -1;
		for (const char *p = dot + 1; *p; p++, scale /= 10) {
			if (!isdigit((unsigned char)*p))
				return -1;
			frac += scale > 0 ? (*p - '0') * scale : 0;
		}
	}
	*ns = sec * 1000000000LL + frac;
	return 0;
}

/* A date or time without a zone, read as local time */
static int local_time(const char *s, int64_t *ns)
{
	static const char *const fmts[] = {"%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H",
					   "%Y-%m-%d"};

	for (size_t i = 0; i < ARRAY_SIZE(fmts); i++) {
		struct tm tm = {0};
		const char *end = strptime(s, fmts[i], &tm);
		time_t t;
		if (end == NULL || *end != '\0')
			continue;
		tm.tm_isdst = -1;
		t = mktime(&tm);
		if (t == (time_t)-1)
			return -1;
		*ns = (int64_t)t * 1000000000LL;
		return 0;
	}
	return -1;
}

/* An `until` value; see filter.h. */
int image_parse_until(const char *s, int64_t now, int64_t *ns, struct werr *err)
{
	int64_t v;

	if (godur_parse(s, &v, NULL) == 0) {
		*ns = now - v;
		return 0;
	}
	if (strpbrk(s, "zZ+") != NULL ||
	    (strchr(s, 'T') && strchr(s, '-') && strchr(strchr(s, 'T'), '-') != NULL)) {
		if (image_parse_time(s, &v) == 0) {
			*ns = v;
			return 0;
		}
	} else if (local_time(s, &v) == 0 || unix_time(s, &v) == 0) {
		*ns = v;
		return 0;
	}
	return werr_set(err, 0, "failed to parse value as time or duration: \"%s\"", s);
}

int image_filter_select(struct engine *e, char *const *specs, bool all, struct image_rec **out,
			size_t *n, struct werr *err)
{
	cleanup_strv char **v = strv_copy(specs);
	struct image_filter *f;
	int rc;

	if (!all)
		v = strv_append(v, "intermediate=false");
	f = image_filter_new(e, v, err);
	if (f == NULL)
		return werr_status(err, 125);
	rc = image_filter_list(e, f, out, n, err);
	image_filter_free(f);
	return rc;
}
