/* Unit tests: registries.conf (image/regconf*.c): resolution, endpoints,
 * file precedence, the alias cache, and hostile configurations. */
#include "tests/unit/unit.h"

#include "image/regconf.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static struct regconf *P(const char *text)
{
	struct werr err = {0};
	struct regconf *c = regconf_parse(text, "/t/registries.conf", &err);
	if (c == NULL)
		printf("  parse: %s\n", err.msg);
	return c;
}

/* The error regconf_parse gives for text ("" when it parses). */
static const char *perr_of(const char *text)
{
	static struct werr err;
	struct regconf *c;

	werr_clear(&err);
	c = regconf_parse(text, "/t/r.conf", &err);
	if (c != NULL) {
		regconf_free(c);
		return "";
	}
	return err.msg;
}

/* Candidates joined by ' ', or "ERR: msg". */
static const char *resolve(const struct regconf *c, const char *name, bool tty)
{
	static char out[4096];
	struct regconf_resolved r;
	struct werr err = {0};
	char *j;

	if (regconf_resolve_short(c, name, tty, &r, &err) < 0) {
		snprintf(out, sizeof(out), "ERR: %s", err.msg);
		return out;
	}
	j = strv_join(r.candidates, " ");
	snprintf(out, sizeof(out), "%s%s%s", r.from_alias ? "alias " : "",
		 r.prompt ? "prompt " : "", j);
	free(j);
	regconf_resolved_free(&r);
	return out;
}

/* Endpoints as "registry/repo[ insecure][ mirror]" joined by ", ". */
static const char *eps(const struct regconf *c, const char *ref, bool by_digest)
{
	static char out[4096];
	struct reg_endpoint *e = NULL;
	struct werr err = {0};
	size_t n = 0;

	if (regconf_endpoints(c, ref, by_digest, &e, &n, &err) < 0) {
		snprintf(out, sizeof(out), "ERR: %s", err.msg);
		return out;
	}
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(out);
		snprintf(out + l, sizeof(out) - l, "%s%s/%s%s%s", i ? ", " : "", e[i].registry,
			 e[i].repo, e[i].insecure ? " insecure" : "", e[i].mirror ? " mirror" : "");
	}
	reg_endpoints_free(e, n);
	return out;
}

UNIT_TEST(regconf_search_candidates)
{
	struct regconf *c = P("unqualified-search-registries = ['docker.io', 'quay.io']\n"
			      "short-name-mode = 'permissive'\n");

	CHECK(c != NULL);
	CHECK_STR(resolve(c, "busybox", false),
		  "docker.io/library/busybox:latest quay.io/busybox:latest");
	CHECK_STR(resolve(c, "ns/img:1.2", false), "docker.io/ns/img:1.2 quay.io/ns/img:1.2");
	CHECK_STR(resolve(c,
			  "busybox@sha256:"
			  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
			  false),
		  "docker.io/library/busybox@sha256:"
		  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef "
		  "quay.io/busybox@sha256:"
		  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	CHECK_STR(resolve(c, "busybox", true),
		  "prompt docker.io/library/busybox:latest quay.io/busybox:latest");
	/* fully qualified names are not resolved */
	CHECK_STR(resolve(c, "quay.io/a/b", false), "quay.io/a/b:latest");
	CHECK_STR(resolve(c, "localhost/x:1", false), "localhost/x:1");
	CHECK_STR(resolve(c, "Busybox", false), "ERR: repository name must be lowercase");
	CHECK_STR(resolve(c, "bad//name", false), "ERR: invalid reference format");
	CHECK(regconf_mode(c) == SHORTNAME_PERMISSIVE);
	CHECK(strv_len(regconf_search_registries(c)) == 2);
	regconf_free(c);
}

UNIT_TEST(regconf_short_name_modes)
{
	struct regconf *c = P("unqualified-search-registries = ['docker.io', 'quay.io']\n"
			      "short-name-mode = 'enforcing'\n");
	struct regconf *one = P("unqualified-search-registries = ['quay.io']\n"
				"short-name-mode = 'enforcing'\n");
	struct regconf *dis = P("unqualified-search-registries = ['docker.io', 'quay.io']\n"
				"short-name-mode = 'disabled'\n");
	struct regconf *def = P("unqualified-search-registries = ['docker.io', 'quay.io']\n");
	struct regconf_resolved r;
	struct werr err = {0};

	CHECK(c && one && dis && def);
	CHECK_STR(resolve(c, "busybox", false),
		  "ERR: short-name resolution enforced but cannot prompt without a TTY");
	CHECK_STR(resolve(one, "busybox", false), "quay.io/busybox:latest"); /* no ambiguity */
	CHECK_STR(resolve(dis, "busybox", true),
		  "docker.io/library/busybox:latest quay.io/busybox:latest");
	CHECK(regconf_mode(def) == SHORTNAME_PERMISSIVE);
	CHECK_STR(resolve(def, "busybox", false),
		  "docker.io/library/busybox:latest quay.io/busybox:latest");
	CHECK(regconf_resolve_short(one, "busybox", false, &r, &err) == 0);
	CHECK_STR(r.description, "Resolving \"busybox\" using unqualified-search registries "
				 "(/t/registries.conf)");
	regconf_resolved_free(&r);
	CHECK_STR(perr_of("short-name-mode = 'lax'\n"),
		  "/t/r.conf: invalid short-name mode: \"lax\"");
	regconf_free(c);
	regconf_free(one);
	regconf_free(dis);
	regconf_free(def);
}

UNIT_TEST(regconf_no_search_registries)
{
	struct regconf *c = P("[aliases]\n'x' = 'quay.io/x'\n");
	struct regconf *empty = P("unqualified-search-registries = []\n");

	CHECK(c && empty);
	CHECK_STR(resolve(c, "busybox", false),
		  "ERR: short-name \"busybox\" did not resolve to an alias and no "
		  "unqualified-search registries are defined in \"/t/registries.conf\"");
	CHECK_STR(resolve(empty, "busybox:1", false),
		  "ERR: short-name \"busybox:1\" did not resolve to an alias and no "
		  "unqualified-search registries are defined in \"/t/registries.conf\"");
	CHECK_STR(resolve(c, "x:2", false), "alias quay.io/x:2");
	regconf_free(c);
	regconf_free(empty);
}

UNIT_TEST(regconf_aliases_win)
{
	struct regconf *c = P("unqualified-search-registries = ['docker.io', 'quay.io']\n"
			      "short-name-mode = 'enforcing'\n"
			      "[aliases]\n"
			      "'fedora' = 'registry.fedoraproject.org/fedora'\n"
			      "'alp' = 'docker.io/alpine'\n"
			      "'ns/tool' = 'quay.io/ns/tool'\n"
			      "'gone' = ''\n");
	struct regconf_resolved r;
	struct werr err = {0};

	CHECK(c != NULL);
	CHECK_STR(resolve(c, "fedora", false), "alias registry.fedoraproject.org/fedora:latest");
	CHECK_STR(resolve(c, "fedora:39", false), "alias registry.fedoraproject.org/fedora:39");
	CHECK_STR(resolve(c, "alp", false), "alias docker.io/library/alpine:latest");
	CHECK_STR(resolve(c, "ns/tool:v1", false), "alias quay.io/ns/tool:v1");
	/* an empty value resets: back to the (ambiguous) search */
	CHECK_STR(resolve(c, "gone", false),
		  "ERR: short-name resolution enforced but cannot prompt without a TTY");
	CHECK(regconf_resolve_short(c, "fedora", false, &r, &err) == 0);
	CHECK_STR(r.description, "Resolved \"fedora\" as an alias (/t/registries.conf)");
	regconf_resolved_free(&r);
	regconf_free(c);
}

UNIT_TEST(regconf_bad_aliases)
{
	CHECK(strstr(perr_of("[aliases]\n'x' = 'x'\n"), "must contain registry and repository"));
	CHECK(strstr(perr_of("[aliases]\n'x' = 'quay.io/x:1'\n"), "must not contain tag"));
	CHECK(strstr(perr_of("[aliases]\n'x' = 'quay.io/x@sha256:"
			     "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'\n"),
		     "must not contain digest"));
	CHECK(
	    strstr(perr_of("[aliases]\n'quay.io/x' = 'quay.io/x'\n"), "must not contain registry"));
	CHECK(strstr(perr_of("[aliases]\n'x:1' = 'quay.io/x'\n"), "must not contain tag"));
	CHECK(strstr(perr_of("[aliases]\n'X' = 'quay.io/x'\n"), "cannot parse short name"));
	CHECK(strstr(perr_of("[aliases]\n'x' = 'quay.io/X'\n"), "parsing alias"));
	CHECK(strstr(perr_of("[aliases]\n'x' = 1\n"), "alias 'x' must be a string"));
	CHECK(strstr(perr_of("aliases = 3\n"), "'aliases' must be a table"));
}

UNIT_TEST(regconf_endpoints_and_mirrors)
{
	struct regconf *c = P("[[registry]]\n"
			      "prefix = 'example.com/foo'\n"
			      "location = 'internal.example.com/bar'\n"
			      "[[registry.mirror]]\n"
			      "location = 'mirror.local:5000/cache/'\n"
			      "insecure = true\n"
			      "[[registry.mirror]]\n"
			      "location = 'dig.local'\n"
			      "pull-from-mirror = 'digest-only'\n"
			      "[[registry.mirror]]\n"
			      "location = 'tag.local'\n"
			      "pull-from-mirror = 'tag-only'\n"
			      "[[registry]]\n"
			      "location = 'example.com'\n"
			      "insecure = true\n"
			      "[[registry]]\n"
			      "location = 'quay.io'\n"
			      "mirror-by-digest-only = true\n"
			      "[[registry.mirror]]\n"
			      "location = 'qm.local'\n");
	const char *dg = "@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	char *ref;

	CHECK(c != NULL);
	CHECK_STR(eps(c, "example.com/foo/img:1", false),
		  "mirror.local:5000/cache/img insecure mirror, tag.local/img mirror, "
		  "internal.example.com/bar/img");
	ref = xasprintf("example.com/foo/img%s", dg);
	CHECK_STR(eps(c, ref, false), "mirror.local:5000/cache/img insecure mirror, "
				      "dig.local/img mirror, internal.example.com/bar/img");
	free(ref);
	CHECK_STR(eps(c, "example.com/foo/img", true),
		  "mirror.local:5000/cache/img insecure mirror, dig.local/img mirror, "
		  "internal.example.com/bar/img");
	/* "example.com/foobar" is not under the prefix "example.com/foo" */
	CHECK_STR(eps(c, "example.com/foobar", false), "example.com/foobar insecure");
	CHECK_STR(eps(c, "quay.io/a/b:1", false), "quay.io/a/b");
	CHECK_STR(eps(c, "quay.io/a/b", true), "qm.local/a/b mirror, quay.io/a/b");
	CHECK_STR(eps(c, "docker.io/library/busybox", false), "docker.io/library/busybox");
	CHECK_STR(eps(c, "busybox", false), "docker.io/library/busybox");
	CHECK(strstr(eps(c, "Bad", false), "ERR: 'Bad': repository name must be lowercase"));
	CHECK(regconf_insecure(c, "example.com"));
	CHECK(!regconf_insecure(c, "quay.io"));
	CHECK(!regconf_insecure(c, "other.io"));
	regconf_free(c);
}

UNIT_TEST(regconf_endpoint_rewrite_keeps_tag)
{
	struct regconf *c = P("[[registry]]\nprefix = 'docker.io/library'\n"
			      "location = 'hub.local/dockerhub'\n");
	struct reg_endpoint *e = NULL;
	struct werr err = {0};
	size_t n = 0;

	CHECK(c != NULL);
	CHECK(regconf_endpoints(c, "docker.io/library/busybox:1.36", false, &e, &n, &err) == 0);
	CHECK(n == 1);
	CHECK_STR(e[0].registry, "hub.local");
	CHECK_STR(e[0].repo, "dockerhub/busybox");
	CHECK_STR(e[0].ref, "hub.local/dockerhub/busybox:1.36");
	reg_endpoints_free(e, n);
	regconf_free(c);
}

UNIT_TEST(regconf_longest_prefix_and_wildcards)
{
	struct regconf *c =
	    P("[[registry]]\nlocation = 'example.com'\n"
	      "[[registry]]\nprefix = 'example.com/team/app'\n"
	      "location = 'app.mirror.net/app'\n"
	      "[[registry]]\nprefix = '*.corp.net'\ninsecure = true\n"
	      "[[registry.mirror]]\nlocation = 'cache.corp.net/proxy'\n"
	      "[[registry]]\nprefix = '*.blocked.net'\nblocked = true\n"
	      "[[registry]]\nprefix = 'bad.io'\nlocation = 'bad.io'\nblocked = true\n");

	CHECK(c != NULL);
	CHECK_STR(eps(c, "example.com/team/app:1", false), "app.mirror.net/app");
	CHECK_STR(eps(c, "example.com/team/other", false), "example.com/team/other");
	CHECK_STR(eps(c, "reg.corp.net/x/y", false),
		  "cache.corp.net/proxy/x/y mirror, reg.corp.net/x/y insecure");
	CHECK_STR(eps(c, "a.b.corp.net/x", false),
		  "cache.corp.net/proxy/x mirror, a.b.corp.net/x insecure");
	/* the wildcard needs a subdomain */
	CHECK_STR(eps(c, "corp.net/x", false), "corp.net/x");
	CHECK_STR(eps(c, "x.blocked.net/y", false),
		  "ERR: registry *.blocked.net is blocked in /t/registries.conf");
	CHECK_STR(eps(c, "bad.io/y", false),
		  "ERR: registry bad.io is blocked in /t/registries.conf");
	CHECK(regconf_insecure(c, "reg.corp.net"));
	CHECK(!regconf_insecure(c, "corp.net"));
	regconf_free(c);
}

UNIT_TEST(regconf_v1_format)
{
	struct regconf *c = P("[registries.search]\nregistries = ['quay.io', 'docker.io']\n"
			      "[registries.insecure]\nregistries = ['local.test:5000']\n"
			      "[registries.block]\nregistries = ['evil.io', 'local.test:5000']\n");

	CHECK(c != NULL);
	CHECK_STR(resolve(c, "x", false), "quay.io/x:latest docker.io/library/x:latest");
	CHECK(regconf_insecure(c, "local.test:5000"));
	CHECK(strstr(eps(c, "evil.io/a", false), "ERR: registry evil.io is blocked"));
	CHECK(strstr(eps(c, "local.test:5000/a", false), "blocked"));
	regconf_free(c);
	CHECK(strstr(perr_of("unqualified-search-registries = ['a.io']\n"
			     "[registries.search]\nregistries = ['b.io']\n"),
		     "mixing sysregistry v1/v2 is not supported"));
}

UNIT_TEST(regconf_hostile_configs)
{
	CHECK(strstr(perr_of("[[registry]]\nlocation = 'https://quay.io'\n"),
		     "invalid location 'https://quay.io': URI schemes are not supported"));
	CHECK(
	    strstr(perr_of("[[registry]]\nlocation = ''\n"), "both location and prefix are unset"));
	CHECK(strstr(perr_of("[[registry]]\nprefix = 'a.io'\n"),
		     "location is unset and prefix is not in the format: *.example.com"));
	CHECK(strstr(perr_of("[[registry]]\nprefix = 'a*.io'\nlocation = 'a.io'\n"),
		     "wildcarded prefix should be in the format"));
	CHECK(strstr(perr_of("[[registry]]\nprefix = '*.a.io/ns'\n"),
		     "wildcarded prefix should be in the format"));
	CHECK(strstr(perr_of("[[registry]]\nlocation = 'a b.io'\n"), "invalid location 'a b.io'"));
	CHECK(strstr(perr_of("[[registry]]\nlocation = 'a.io'\ninsecure = 'yes'\n"),
		     "'insecure' must be a boolean"));
	CHECK(strstr(perr_of("registry = 'a.io'\n"), "'registry' must be an array of tables"));
	CHECK(strstr(perr_of("registry = [1]\n"), "'registry' must be an array of tables"));
	CHECK(strstr(perr_of("[[registry]]\nlocation = 'a.io'\nmirror = [{}]\n"),
		     "invalid location: cannot be empty"));
	CHECK(strstr(perr_of("[[registry]]\nlocation = 'a.io'\n[[registry.mirror]]\n"
			     "location = 'm.io'\npull-from-mirror = 'sometimes'\n"),
		     "unsupported pull-from-mirror value 'sometimes'"));
	CHECK(strstr(perr_of("[[registry]]\nlocation = 'a.io'\nmirror-by-digest-only = true\n"
			     "[[registry.mirror]]\nlocation = 'm.io'\npull-from-mirror = 'all'\n"),
		     "at the same time"));
	CHECK(strstr(
	    perr_of("[[registry]]\nlocation = 'a.io'\n[[registry]]\nprefix = 'a.io/x'\n"
		    "location = 'a.io'\ninsecure = true\n"),
	    "registry 'a.io' is defined multiple times with conflicting 'insecure' setting"));
	CHECK(strstr(perr_of("unqualified-search-registries = ['quay.io/ns']\n"),
		     "invalid unqualified-search-registries entry \"quay.io/ns\""));
	CHECK(strstr(perr_of("unqualified-search-registries = ['a.io:99999']\n"),
		     "invalid unqualified-search-registries entry"));
	CHECK(strstr(perr_of("unqualified-search-registries = 'docker.io'\n"),
		     "must be an array of strings"));
	CHECK(strstr(perr_of("unqualified-search-registries = ['docker.io', 2]\n"),
		     "must be an array of strings"));
	CHECK(strstr(perr_of("[registries]\nsearch = 1\n"), "'search' must be a table"));
	CHECK(strstr(perr_of("short-name-mode = 1\n"), "'short-name-mode' must be a string"));
	CHECK(strstr(perr_of("a = \n"), "/t/r.conf: line 1: expected a value"));
	/* unknown keys are ignored, as containers/image does */
	CHECK_STR(perr_of("credential-helpers = ['secretservice']\nfuture-key = 1\n"), "");
	/* search entries may carry a port and a trailing slash */
	CHECK_STR(perr_of("unqualified-search-registries = ['localhost:5000/']\n"), "");
}

/* ---- files ---- */

static char tmpdir[64];

static void put(const char *rel, const char *text)
{
	char *p = xasprintf("%s/%s", tmpdir, rel), *d = xstrdup(p);
	struct werr err = {0};

	*strrchr(d, '/') = '\0';
	mkdir_p(d, 0700, &err);
	write_file_at(AT_FDCWD, p, text, strlen(text), 0644, &err);
	free(p);
	free(d);
}

static void env_reset(void)
{
	char *h = xasprintf("%s/home", tmpdir);

	unsetenv("CONTAINERS_REGISTRIES_CONF");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("XDG_CACHE_HOME");
	setenv("HOME", h, 1);
	free(h);
}

static void mktmp(void)
{
	struct werr err = {0};

	if (tmpdir[0] != '\0')
		rm_rf_at(AT_FDCWD, tmpdir, &err);
	strcpy(tmpdir, "/tmp/warren-regconf-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		abort();
	env_reset();
}

static struct regconf *L(bool rootless, struct werr *err)
{
	char *root = xasprintf("%s/sys", tmpdir);
	struct regconf *c = regconf_load_root(root, rootless, err);
	free(root);
	return c;
}

UNIT_TEST(regconf_load_system_then_dropins)
{
	struct werr err = {0};
	struct regconf *c;

	mktmp();
	/* nothing at all: defaults, and Podman's message for short names */
	c = L(true, &err);
	CHECK(c != NULL);
	CHECK_STR(resolve(c, "busybox", false),
		  "ERR: short-name \"busybox\" did not resolve to an alias and no "
		  "containers-registries.conf(5) was found");
	regconf_free(c);

	put("sys/etc/containers/registries.conf",
	    "unqualified-search-registries = ['a.io', 'b.io']\nshort-name-mode = 'enforcing'\n"
	    "[aliases]\n'x' = 'a.io/x'\n'y' = 'a.io/y'\n"
	    "[[registry]]\nlocation = 'a.io'\nblocked = true\n");
	put("sys/etc/containers/registries.conf.d/10-second.conf",
	    "[aliases]\n'y' = 'b.io/y'\n[[registry]]\nlocation = 'a.io'\n");
	put("sys/etc/containers/registries.conf.d/05-first.conf",
	    "unqualified-search-registries = ['c.io']\n");
	put("sys/etc/containers/registries.conf.d/99-ignored.txt", "garbage = = =\n");
	put("home/.config/containers/registries.conf.d/50-user.conf",
	    "short-name-mode = 'disabled'\n");
	c = L(true, &err);
	CHECK(c != NULL);
	CHECK_STR(resolve(c, "z", false), "c.io/z:latest");
	CHECK_STR(resolve(c, "y", false), "alias b.io/y:latest");
	CHECK_STR(resolve(c, "x", false), "alias a.io/x:latest");
	CHECK(regconf_mode(c) == SHORTNAME_DISABLED);
	CHECK_STR(eps(c, "a.io/q", false), "a.io/q"); /* the drop-in replaced the blocked entry */
	regconf_free(c);

	/* a drop-in in v1 format or broken is an error naming the file */
	put("sys/etc/containers/registries.conf.d/20-v1.conf",
	    "[registries.search]\nregistries = ['x.io']\n");
	CHECK(L(true, &err) == NULL);
	CHECK(strstr(err.msg, "20-v1.conf: registry must be in v2 format but is in v1") != NULL);
	put("sys/etc/containers/registries.conf.d/20-v1.conf", "[[registry]\n");
	CHECK(L(true, &err) == NULL);
	CHECK(strstr(err.msg, "20-v1.conf: line 1: expected ']]'") != NULL);
}

UNIT_TEST(regconf_load_user_file_and_env)
{
	struct werr err = {0};
	struct regconf *c;
	char *p;

	mktmp();
	put("sys/etc/containers/registries.conf", "unqualified-search-registries = ['sys.io']\n");
	put("sys/etc/containers/registries.conf.d/1.conf", "[aliases]\n'x' = 'sys.io/x'\n");
	put("home/.config/containers/registries.conf",
	    "unqualified-search-registries = ['u.io']\n");
	put("home/.config/containers/registries.conf.d/1.conf",
	    "[[registry]]\nlocation = 'u.io'\nblocked = true\n");
	c = L(true, &err);
	CHECK(c != NULL);
	/* the user file replaces the system file and its drop-ins */
	CHECK_STR(resolve(c, "x", false), "u.io/x:latest");
	CHECK(strstr(eps(c, "u.io/x", false), "ERR: registry u.io is blocked in ") != NULL);
	CHECK(strstr(eps(c, "u.io/x", false), "home/.config/containers/registries.conf.d") != NULL);
	regconf_free(c);

	/* XDG_CONFIG_HOME moves the user file */
	p = xasprintf("%s/xdg", tmpdir);
	setenv("XDG_CONFIG_HOME", p, 1);
	free(p);
	c = L(true, &err);
	CHECK(c != NULL);
	CHECK_STR(resolve(c, "x", false), "alias sys.io/x:latest");
	regconf_free(c);

	/* CONTAINERS_REGISTRIES_CONF: that file only, and it must exist */
	put("env.conf", "unqualified-search-registries = ['env.io']\n");
	p = xasprintf("%s/env.conf", tmpdir);
	setenv("CONTAINERS_REGISTRIES_CONF", p, 1);
	c = L(true, &err);
	CHECK(c != NULL);
	CHECK_STR(resolve(c, "x", false), "env.io/x:latest");
	regconf_free(c);
	unlink(p);
	CHECK(L(true, &err) == NULL);
	CHECK(err.errnum == ENOENT && strstr(err.msg, "env.conf") != NULL);
	free(p);
	env_reset();
}

UNIT_TEST(regconf_alias_cache)
{
	struct werr err = {0};
	struct regconf *c;
	char *path, *text, *root;
	struct stat st;

	mktmp();
	path = regconf_alias_path(true);
	CHECK(strstr(path, "/home/.cache/containers/short-name-aliases.conf") != NULL);
	free(path);
	root = regconf_alias_path(false);
	CHECK_STR(root, "/var/cache/containers/short-name-aliases.conf");
	free(root);
	path = xasprintf("%s/cache", tmpdir);
	setenv("XDG_CACHE_HOME", path, 1);
	free(path);
	path = regconf_alias_path(true);

	put("sys/etc/containers/registries.conf",
	    "unqualified-search-registries = ['a.io', 'b.io']\n"
	    "[aliases]\n'x' = 'conf.io/x'\n");
	CHECK(regconf_record_alias(true, "x", "cache.io/x", &err) == 0);
	CHECK(regconf_record_alias(true, "we\"ird", "q.io/w", &err) < 0); /* not a short name */
	CHECK(strstr(err.msg, "recording short-name alias") != NULL);
	CHECK(regconf_record_alias(true, "y", "docker.io/library/y", &err) == 0);
	CHECK(regconf_record_alias(true, "x", "cache.io/x2", &err) == 0); /* replaces */
	CHECK(regconf_record_alias(true, "z", "z:1", &err) < 0);
	CHECK(regconf_record_alias(true, "z", "quay.io/z:1", &err) < 0);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	text = read_file_at(AT_FDCWD, path, NULL, &err);
	CHECK_STR(text,
		  "[aliases]\n  \"x\" = \"cache.io/x2\"\n  \"y\" = \"docker.io/library/y\"\n");
	free(text);
	c = L(true, &err);
	CHECK(c != NULL);
	CHECK_STR(resolve(c, "x", false), "alias cache.io/x2:latest"); /* the cache wins */
	CHECK_STR(resolve(c, "y:2", false), "alias docker.io/library/y:2");
	regconf_free(c);

	/* a corrupted cache is an error naming it, not silently ignored */
	write_file_at(AT_FDCWD, path, "[aliases]\n'x' = 'nope'\n", 23, 0600, &err);
	CHECK(L(true, &err) == NULL);
	CHECK(strstr(err.msg, "loading short-name aliases config file") != NULL);
	CHECK(strstr(err.msg, "must contain registry and repository") != NULL);
	/* as root the cache is under the system root, not the user's */
	c = L(false, &err);
	CHECK(c != NULL);
	CHECK_STR(resolve(c, "x", false), "alias conf.io/x:latest");
	regconf_free(c);
	free(path);
	rm_rf_at(AT_FDCWD, tmpdir, &err);
	env_reset();
}

UNIT_MAIN()
