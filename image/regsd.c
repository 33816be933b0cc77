/* regsd.c - containers-registries.d(5) through libyaml; see regsd.h. */
#include "image/regsd.h"

#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <yaml.h>

#include "lib/cleanup.h"
#include "lib/util.h"

/* a registries.d file is a few lines: anything larger is not one */
#define REGSD_FILE_MAX	(1 << 20)
#define REGSD_FILES_MAX 1000

struct ns {
	char *name; /* NULL for default-docker */
	char *lookaside, *sigstore, *staging;
	int attach; /* -1 unset, 0, 1 */
	char *origin;
};

struct regsd {
	struct ns *dflt;
	struct ns *v;
	size_t n;
};

static void ns_free(struct ns *s)
{
	free(s->name);
	free(s->lookaside);
	free(s->sigstore);
	free(s->staging);
	free(s->origin);
}

void regsd_free(struct regsd *c)
{
	if (c == NULL)
		return;
	if (c->dflt != NULL)
		ns_free(c->dflt);
	free(c->dflt);
	for (size_t i = 0; i < c->n; i++)
		ns_free(&c->v[i]);
	free(c->v);
	free(c);
}

struct regsd *regsd_new(void)
{
	return xcalloc(1, sizeof(struct regsd));
}

/* ---- the YAML tree ---- */

struct doc {
	yaml_document_t d;
	const char *origin;
	struct werr *err;
};

static int bad(struct doc *y, const yaml_node_t *n, const char *what)
{
	return werr_set(y->err, 0, "parsing %s: line %lu: %s", y->origin,
			n ? (unsigned long)n->start_mark.line + 1 : 0UL, what);
}

/* A plain empty, "~" or "null" scalar: YAML's null. */
static bool is_null(const yaml_node_t *n)
{
	const char *v;

	if (n == NULL)
		return true;
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	v = (const char *)n->data.scalar.value;
	return *v == '\0' || strcmp(v, "~") == 0 || strcasecmp(v, "null") == 0;
}

/* The text of scalar n (borrowed); NULL with err when n is not one. */
static const char *scalar(struct doc *y, const yaml_node_t *n, const char *key)
{
	if (n == NULL || n->type != YAML_SCALAR_NODE) {
		cleanup_free char *m = xasprintf("\"%s\" must be a string", key);
		bad(y, n, m);
		return NULL;
	}
	if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length) {
		bad(y, n, "NUL byte in a value");
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

/* YAML 1.1 booleans, as Go's yaml.v2 reads them. */
static int boolean(struct doc *y, const yaml_node_t *n, const char *key, int *out)
{
	static const char *const yes[] = {"true", "yes", "on", "y"}, *const no[] = {"false", "no",
										    "off", "n"};
	const char *v = scalar(y, n, key);

	for (size_t i = 0; v != NULL && i < ARRAY_SIZE(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *out = 1, 0;
		if (strcasecmp(v, no[i]) == 0)
			return *out = 0, 0;
	}
	if (v != NULL) {
		cleanup_free char *m = xasprintf("\"%s\" must be true or false", key);
		bad(y, n, m);
	}
	return -1;
}

typedef int (*pair_fn)(struct doc *y, const char *key, yaml_node_t *val, void *ud);

/* Calls fn for each key of mapping n; a key twice is an error. */
static int each_pair(struct doc *y, yaml_node_t *n, const char *what, pair_fn fn, void *ud)
{
	if (n == NULL || n->type != YAML_MAPPING_NODE) {
		cleanup_free char *m = xasprintf("%s must be a mapping", what);
		return bad(y, n, m);
	}
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(&y->d, p->key);
		const char *key = scalar(y, k, "key");
		if (key == NULL)
			return -1;
		for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *k2 = yaml_document_get_node(&y->d, q->key);
			if (k2->type == YAML_SCALAR_NODE &&
			    strcmp((const char *)k2->data.scalar.value, key) == 0) {
				cleanup_free char *m = xasprintf("key \"%s\" defined twice", key);
				return bad(y, k, m);
			}
		}
		if (fn(y, key, yaml_document_get_node(&y->d, p->value), ud) < 0)
			return -1;
	}
	return 0;
}

/* One namespace's settings. */
static int ns_pair(struct doc *y, const char *key, yaml_node_t *val, void *ud)
{
	struct ns *s = ud;
	static const struct {
		const char *key;
		size_t off;
	} strs[] = {
	    {"lookaside", offsetof(struct ns, lookaside)},
	    {"sigstore", offsetof(struct ns, sigstore)},
	    {"lookaside-staging", offsetof(struct ns, staging)},
	    {"sigstore-staging", offsetof(struct ns, staging)},
	};

	if (strcmp(key, "use-sigstore-attachments") == 0)
		return is_null(val) ? 0 : boolean(y, val, key, &s->attach);
	for (size_t i = 0; i < ARRAY_SIZE(strs); i++) {
		char **field = (char **)((char *)s + strs[i].off);
		const char *v;
		if (strcmp(key, strs[i].key) != 0)
			continue;
		if (is_null(val))
			return 0;
		if ((v = scalar(y, val, key)) == NULL)
			return -1;
		/* lookaside-staging wins over sigstore-staging, as lookaside over sigstore */
		if (*field == NULL || strcmp(key, "lookaside-staging") == 0) {
			free(*field);
			*field = xstrdup(v);
		}
		return 0;
	}
	return 0; /* unknown keys are ignored, as containers/image does */
}

struct merge {
	struct regsd *c;
	const char *origin;
};

static struct ns *find(const struct regsd *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].name, name) == 0)
			return &c->v[i];
	return NULL;
}

static int docker_pair(struct doc *y, const char *key, yaml_node_t *val, void *ud)
{
	struct merge *m = ud;
	struct ns s = {.attach = -1};
	const struct ns *old = find(m->c, key);

	if (old != NULL)
		return werr_set(
		    y->err, 0,
		    "error parsing signature storage configuration: \"docker\" namespace "
		    "\"%s\" defined both in \"%s\" and \"%s\"",
		    key, old->origin, m->origin);
	if (!is_null(val) && each_pair(y, val, key, ns_pair, &s) < 0) {
		ns_free(&s);
		return -1;
	}
	s.name = xstrdup(key);
	s.origin = xstrdup(m->origin);
	m->c->v = xrealloc(m->c->v, (m->c->n + 1) * sizeof(*m->c->v));
	m->c->v[m->c->n++] = s;
	return 0;
}

static int top_pair(struct doc *y, const char *key, yaml_node_t *val, void *ud)
{
	struct merge *m = ud;
	struct ns s = {.attach = -1};

	if (strcmp(key, "docker") == 0)
		return is_null(val) ? 0 : each_pair(y, val, "\"docker\"", docker_pair, m);
	if (strcmp(key, "default-docker") != 0 || is_null(val))
		return 0;
	if (m->c->dflt != NULL)
		return werr_set(y->err, 0,
				"error parsing signature storage configuration: \"default-docker\" "
				"defined both in \"%s\" and \"%s\"",
				m->c->dflt->origin, m->origin);
	if (each_pair(y, val, "\"default-docker\"", ns_pair, &s) < 0) {
		ns_free(&s);
		return -1;
	}
	s.origin = xstrdup(m->origin);
	m->c->dflt = xmalloc(sizeof(s));
	*m->c->dflt = s;
	return 0;
}

/* Merges one file; see regsd.h. */
int regsd_add(struct regsd *c, const char *text, size_t len, const char *origin, struct werr *err)
{
	yaml_parser_t parser;
	struct doc y = {.origin = origin, .err = err};
	struct merge m = {.c = c, .origin = origin};
	yaml_node_t *root;
	int rc = 0;

	if (!yaml_parser_initialize(&parser))
		return werr_set(err, ENOMEM, "parsing %s", origin);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &y.d)) {
		rc = werr_set(err, 0, "parsing %s: line %lu: %s", origin,
			      (unsigned long)parser.problem_mark.line + 1,
			      parser.problem ? parser.problem : "invalid YAML");
		text_scrub(err->msg);
		yaml_parser_delete(&parser);
		return rc;
	}
	root = yaml_document_get_root_node(&y.d);
	/* (only the first document counts, as in Go's yaml.Unmarshal) */
	if (root != NULL && !is_null(root))
		rc = each_pair(&y, root, "the file", top_pair, &m);
	if (rc < 0)
		text_scrub(err->msg);
	yaml_document_delete(&y.d);
	yaml_parser_delete(&parser);
	return rc;
}

/* The directory; see regsd.h. */
char *regsd_default_dir(void)
{
	const char *env = getenv("WARREN_REGISTRIES_D"), *home = getenv("HOME");
	cleanup_free char *user = NULL;
	struct stat st;

	if (env != NULL && *env != '\0')
		return xstrdup(env);
	if (home != NULL && home[0] == '/') {
		user = xasprintf("%s/.config/containers/registries.d", home);
		if (stat(user, &st) == 0)
			return steal_pointer(&user);
	}
	return xstrdup("/etc/containers/registries.d");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.yaml names of dir, sorted (new vector); NULL with err. */
static char **yaml_names(const char *dir, struct werr *err)
{
	cleanup_dir DIR *d = opendir(dir);
	char **v;
	size_t n = 0;
	struct dirent *de;

	if (d == NULL && errno == ENOENT)
		return xcalloc(1, sizeof(char *));
	if (d == NULL) {
		werr_set(err, errno, "open %s", dir);
		return NULL;
	}
	v = xcalloc(1, sizeof(char *));
	while ((de = readdir(d)) != NULL) {
		if (!str_has_suffix(de->d_name, ".yaml"))
			continue;
		if (n++ >= REGSD_FILES_MAX) {
			strv_free(v);
			werr_set(err, 0, "%s: more than %d files", dir, REGSD_FILES_MAX);
			return NULL;
		}
		v = strv_append(v, de->d_name);
	}
	qsort(v, n, sizeof(char *), cmp_str);
	return v;
}

/* Loads the directory; see regsd.h. */
struct regsd *regsd_load(const char *dir, struct werr *err)
{
	cleanup_free char *d = dir ? xstrdup(dir) : regsd_default_dir();
	cleanup_strv char **names = yaml_names(d, err);
	struct regsd *c;

	if (names == NULL)
		return NULL;
	c = regsd_new();
	for (size_t i = 0; names[i]; i++) {
		cleanup_free char *path = xasprintf("%s/%s", d, names[i]);
		cleanup_free char *text = NULL;
		size_t len = 0;
		text = read_file_max(path, REGSD_FILE_MAX, &len, err);
		if (text == NULL || regsd_add(c, text, len, path, err) < 0) {
			if (text == NULL)
				werr_wrap(err, "parsing %s", path);
			regsd_free(c);
			return NULL;
		}
	}
	return c;
}

/* ---- lookups ---- */

static const char *ns_store(const struct ns *s)
{
	if (s == NULL)
		return NULL;
	return s->lookaside && *s->lookaside ? s->lookaside : s->sigstore;
}

const char *regsd_lookaside(const struct regsd *c, char *const *scopes)
{
	const char *v;

	for (size_t i = 0; scopes && scopes[i]; i++) {
		v = ns_store(find(c, scopes[i]));
		if (v != NULL && *v != '\0')
			return v;
	}
	v = ns_store(c->dflt);
	return v != NULL && *v != '\0' ? v : NULL;
}

bool regsd_attachments(const struct regsd *c, char *const *scopes)
{
	for (size_t i = 0; scopes && scopes[i]; i++) {
		const struct ns *s = find(c, scopes[i]);
		if (s != NULL)
			return s->attach == 1;
	}
	return c->dflt != NULL && c->dflt->attach == 1;
}

const char *regsd_scope_store(const struct regsd *c, const char *scope)
{
	cleanup_free char *s = xstrdup(scope);
	const struct ns *hit = NULL;
	char *slash;

	while (*s != '\0' && hit == NULL) {
		hit = find(c, s);
		if ((slash = strrchr(s, '/')) == NULL)
			break;
		*slash = '\0';
	}
	if (hit == NULL)
		hit = c->dflt;
	return ns_store(hit);
}
