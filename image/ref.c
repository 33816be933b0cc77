/* ref.c - Docker image reference grammar: [domain/]path[:tag][@digest].
 *
 * The grammar (distribution/reference): the first '/'-separated component
 * is a registry domain when it contains '.' or ':' or is "localhost";
 * path components are lower-case alphanumerics joined by '.', '_', '__' or
 * runs of '-'; a tag is [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}. Names without a
 * domain live on docker.io, and single-component docker.io paths get the
 * "library/" namespace. */
#include "image/ref.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cleanup.h"
#include "lib/digest.h"
#include "lib/util.h"

#define DEFAULT_DOMAIN "docker.io"
#define NAME_MAX_LEN   255
#define TAG_MAX_LEN    128

static int bad_ref(struct werr *err)
{
	return werr_set(err, 0, "invalid reference format");
}

static bool is_alnum_lower(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* One path component: alnum+ (sep alnum+)*, sep = '.', '_', '__', '-'+. */
static bool valid_component(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || !is_alnum_lower(s[0]) || !is_alnum_lower(s[n - 1]))
		return false;
	while (i < n) {
		if (is_alnum_lower(s[i])) {
			i++;
			continue;
		}
		size_t start = i;
		if (s[i] == '.') {
			i++;
		} else if (s[i] == '_') {
			i += (i + 1 < n && s[i + 1] == '_') ? 2 : 1;
		} else if (s[i] == '-') {
			while (i < n && s[i] == '-')
				i++;
		} else {
			return false;
		}
		/* a separator must be followed by an alphanumeric */
		if (i >= n || !is_alnum_lower(s[i]) || i == start)
			return false;
	}
	return true;
}

/* Domain: host labels of [A-Za-z0-9-] separated by '.', optional :port. */
static bool valid_domain(const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	size_t host = colon ? (size_t)(colon - s) : n;

	if (host == 0)
		return false;
	for (size_t i = 0; i < host; i++) {
		char c = s[i];
		if (!(isalnum((unsigned char)c) || c == '-' || c == '.'))
			return false;
		if (c == '.' && (i == 0 || i + 1 == host || s[i + 1] == '.'))
			return false;
	}
	if (s[0] == '-' || s[host - 1] == '-')
		return false;
	if (colon) {
		size_t plen = n - host - 1;
		if (plen == 0 || plen > 5)
			return false;
		for (size_t i = host + 1; i < n; i++)
			if (!isdigit((unsigned char)s[i]))
				return false;
	}
	return true;
}

static bool valid_tag(const char *t)
{
	size_t n = strlen(t);

	if (n == 0 || n > TAG_MAX_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = t[i];
		bool word = isalnum((unsigned char)c) || c == '_';
		if (!(word || (i > 0 && (c == '.' || c == '-'))))
			return false;
	}
	return true;
}

static bool has_upper(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (isupper((unsigned char)s[i]))
			return true;
	return false;
}

/* Validates the path (components separated by '/'). */
static int check_path(const char *p, struct werr *err)
{
	size_t n = strlen(p);
	const char *c = p;

	if (n == 0)
		return bad_ref(err);
	for (;;) {
		const char *slash = strchr(c, '/');
		size_t len = slash ? (size_t)(slash - c) : strlen(c);
		if (!valid_component(c, len)) {
			cleanup_free char *low = xstrndup(c, len);
			for (char *q = low; *q; q++)
				*q = (char)tolower((unsigned char)*q);
			/* only a name that lowercase would fix says so (as Docker's parser) */
			if (has_upper(c, len) && valid_component(low, len))
				return werr_set(err, 0, "repository name must be lowercase");
			return bad_ref(err);
		}
		if (!slash)
			break;
		c = slash + 1;
	}
	return 0;
}

/* Splits "name[:tag]" (no digest) into name and tag (tag may be NULL). */
static void split_tag(const char *s, char **name, char **tag)
{
	const char *slash = strrchr(s, '/');
	const char *colon = strrchr(slash ? slash : s, ':');

	if (colon) {
		*name = xstrndup(s, (size_t)(colon - s));
		*tag = xstrdup(colon + 1);
	} else {
		*name = xstrdup(s);
		*tag = NULL;
	}
}

/* True when the first component of a name names a registry. */
static bool first_is_domain(const char *name, size_t n)
{
	return memchr(name, '.', n) || memchr(name, ':', n) ||
	       (n == strlen("localhost") && strncmp(name, "localhost", n) == 0);
}

static int parse_name(const char *name, struct image_ref *r, struct werr *err)
{
	const char *slash = strchr(name, '/');

	if (slash && first_is_domain(name, (size_t)(slash - name))) {
		if (!valid_domain(name, (size_t)(slash - name)))
			return bad_ref(err);
		r->domain = xstrndup(name, (size_t)(slash - name));
		r->path = xstrdup(slash + 1);
	} else {
		r->domain = xstrdup(DEFAULT_DOMAIN);
		r->path = xstrdup(name);
	}
	if (check_path(r->path, err) < 0)
		return -1;
	if (strcmp(r->domain, "index.docker.io") == 0) {
		free(r->domain);
		r->domain = xstrdup(DEFAULT_DOMAIN);
	}
	if (strcmp(r->domain, DEFAULT_DOMAIN) == 0 && strchr(r->path, '/') == NULL) {
		char *p = xasprintf("library/%s", r->path);
		free(r->path);
		r->path = p;
	}
	return 0;
}

/* Parses a reference; see ref.h. */
int ref_parse(const char *s, struct image_ref *out, struct werr *err)
{
	struct image_ref r = {0};
	cleanup_free char *rest = NULL;
	cleanup_free char *name = NULL;
	char *at;

	if (s == NULL || *s == '\0')
		return bad_ref(err);
	rest = xstrdup(s);
	at = strchr(rest, '@');
	if (at) {
		*at = '\0';
		if (!digest_valid(at + 1))
			return bad_ref(err);
		r.digest = xstrdup(at + 1);
	}
	split_tag(rest, &name, &r.tag);
	if (r.tag && !valid_tag(r.tag))
		goto bad;
	if (strlen(name) > NAME_MAX_LEN)
		goto bad;
	if (parse_name(name, &r, err) < 0) {
		ref_free(&r);
		return -1;
	}
	if (r.tag == NULL && r.digest == NULL)
		r.tag = xstrdup("latest");
	*out = r;
	return 0;
bad:
	ref_free(&r);
	return bad_ref(err);
}

/* Frees the members of r. */
void ref_free(struct image_ref *r)
{
	if (r == NULL)
		return;
	free(r->domain);
	free(r->path);
	free(r->tag);
	free(r->digest);
	*r = (struct image_ref){0};
}

/* "domain/path[:tag][@digest]", malloc'd. */
char *ref_string(const struct image_ref *r)
{
	return xasprintf("%s/%s%s%s%s%s", r->domain, r->path, r->tag ? ":" : "",
			 r->tag ? r->tag : "", r->digest ? "@" : "", r->digest ? r->digest : "");
}

/* "domain/path", malloc'd. */
char *ref_repo(const struct image_ref *r)
{
	return xasprintf("%s/%s", r->domain, r->path);
}

/* True when s names no registry; see ref.h. */
bool ref_is_short(const char *s)
{
	const char *slash = strchr(s, '/');

	if (slash == NULL)
		return true;
	return !first_is_domain(s, (size_t)(slash - s));
}

/* Splits a stored full name into repository and tag; see ref.h. */
void ref_split_name(const char *name, char **repo, char **tag)
{
	cleanup_free char *base = NULL;
	const char *at = strchr(name, '@');
	char *t = NULL;

	base = at ? xstrndup(name, (size_t)(at - name)) : xstrdup(name);
	split_tag(base, repo, &t);
	/* a digest reference has no tag of its own to show */
	*tag = t ? t : xstrdup("<none>");
}

/* The transports warren implements and those it knows but refuses. */
static const struct {
	const char *prefix;
	enum ref_transport t;
} transports[] = {
    {"docker://", TRANSPORT_DOCKER},
    {"docker-archive:", TRANSPORT_DOCKER_ARCHIVE},
    {"oci-archive:", TRANSPORT_OCI_ARCHIVE},
    {"oci:", TRANSPORT_OCI_DIR},
};
static const char *const other_transports[] = {
    "dir:", "containers-storage:", "docker-daemon:", "sif:", "ostree:", "tarball:",
};

/* Splits off the transport; see ref.h. */
int ref_transport_split(const char *s, enum ref_transport *t, char **path, char **name,
			struct werr *err)
{
	const char *rest, *colon;

	*path = *name = NULL;
	*t = TRANSPORT_NONE;
	for (size_t i = 0; i < ARRAY_SIZE(other_transports); i++)
		if (str_has_prefix(s, other_transports[i]))
			return werr_set(err, 0,
					"transport \"%.*s\" is not supported: use docker://, "
					"docker-archive:, oci-archive: or oci:",
					(int)strlen(other_transports[i]) - 1, other_transports[i]);
	for (size_t i = 0; i < ARRAY_SIZE(transports); i++) {
		if (!str_has_prefix(s, transports[i].prefix))
			continue;
		*t = transports[i].t;
		rest = s + strlen(transports[i].prefix);
		if (*t == TRANSPORT_DOCKER) {
			if (*rest == '\0')
				return werr_set(err, 0, "invalid reference format: '%s'", s);
			*path = xstrdup(rest);
			return 0;
		}
		colon = strchr(rest, ':');
		if (rest[0] == '\0' || colon == rest || (colon && colon[1] == '\0'))
			return werr_set(
			    err, 0, "%.*s reference \"%s\" isn't of the form <path>[:<reference>]",
			    (int)strlen(transports[i].prefix) - 1, transports[i].prefix, rest);
		*path = colon ? xstrndup(rest, (size_t)(colon - rest)) : xstrdup(rest);
		*name = colon ? xstrdup(colon + 1) : NULL;
		return 0;
	}
	*path = xstrdup(s);
	return 0;
}
