/* regconf.h - containers-registries.conf(5): short-name resolution, mirrors,
 * prefix rewriting, blocked and insecure registries (pure configuration:
 * no network, no engine state).
 *
 * Files read by regconf_load, later ones overriding earlier ones:
 *   1. $CONTAINERS_REGISTRIES_CONF when set: that file only (no drop-ins);
 *      it must exist.
 *   2. else $XDG_CONFIG_HOME/containers/registries.conf (~/.config/...) when
 *      it exists, then the *.conf of the registries.conf.d beside it;
 *   3. else /etc/containers/registries.conf (missing is fine), then
 *      /etc/containers/registries.conf.d (its *.conf files), then the user's
 *      registries.conf.d (containers-registries.conf.d(5)).
 * Drop-ins are read in strcmp order and must use the v2 format. A drop-in
 * replaces a [[registry]] with the same prefix, and unqualified-search-
 * registries / short-name-mode when it sets them; aliases merge by name.
 * v1 files ([registries.search], [registries.insecure], [registries.block])
 * are mapped onto v2. Short-name aliases recorded by pulls live in
 * short-name-aliases.conf ($XDG_CACHE_HOME/containers/ rootless,
 * /var/cache/containers/ as root) and win over registries.conf aliases. */
#ifndef WARREN_REGCONF_H
#define WARREN_REGCONF_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h"

struct regconf; /* opaque */

enum shortname_mode {
	SHORTNAME_PERMISSIVE, /* default when unset (containers/image's default) */
	SHORTNAME_ENFORCING,
	SHORTNAME_DISABLED,
};

/* Loads the files above. rootless chooses the alias cache (the engine's
 * e->rootless: inside the user namespace euid is 0). NULL on a bad file
 * (err "PATH: line N: ..." or "PATH: invalid location ..."). */
struct regconf *regconf_load(bool rootless, struct werr *err);

/* regconf_load with /etc and /var/cache under sysroot (tests; NULL = /). */
struct regconf *regconf_load_root(const char *sysroot, bool rootless, struct werr *err);

/* One registries.conf text; origin names it in messages (tests). */
struct regconf *regconf_parse(const char *text, const char *origin, struct werr *err);

void regconf_free(struct regconf *c);

/* unqualified-search-registries (borrowed, NULL-terminated, maybe empty). */
char *const *regconf_search_registries(const struct regconf *c);
enum shortname_mode regconf_mode(const struct regconf *c);

struct regconf_resolved {
	char **candidates; /* full references to try in order, NULL-terminated:
			      "docker.io/library/busybox:latest" (tag or digest kept) */
	bool from_alias;   /* candidates[0] came from an alias */
	bool prompt;	   /* several candidates and a TTY: the caller asks the user
			      to pick one, pulls it, then regconf_record_alias()es it */
	char *description; /* what Podman prints before pulling, e.g. Resolving
			      "busybox" using unqualified-search registries (PATH);
			      NULL for a fully qualified name */
};

/* Resolves an image name typed by the user. A fully qualified name gives
 * itself (normalized). A short name: its alias if any, else one candidate
 * per search registry; with several and no TTY, enforcing mode fails as
 * Podman does ("short-name resolution enforced but cannot prompt without a
 * TTY"), permissive and disabled modes try them all. -1 on a bad name or
 * when nothing resolves. out is written only on success. */
int regconf_resolve_short(const struct regconf *c, const char *name, bool have_tty,
			  struct regconf_resolved *out, struct werr *err);
void regconf_resolved_free(struct regconf_resolved *r);

/* Where recorded aliases live (malloc'd); see the top of this file. */
char *regconf_alias_path(bool rootless);

/* Records short_name ("busybox") -> full_repo ("docker.io/library/busybox",
 * no tag or digest) in the alias cache: read, changed, written to a temp
 * file and renamed (0600, directory 0700), under a lock file, so other
 * entries survive concurrent writers. */
int regconf_record_alias(bool rootless, const char *short_name, const char *full_repo,
			 struct werr *err);

struct reg_endpoint {
	char *registry; /* host[:port] to talk to ("docker.io" stays docker.io) */
	char *repo;	/* repository path on it ("library/busybox") */
	char *ref;	/* the rewritten reference, "registry/repo:tag" or "@digest" */
	bool insecure;	/* skip TLS verification, allow plain HTTP */
	bool mirror;	/* a mirror (on failure, the next endpoint is tried) */
};

/* The endpoints to pull ref ("quay.io/ns/img:tag", "...@sha256:...", or a
 * repository, taken as :latest) from, in order: the usable mirrors of the
 * [[registry]] with the longest matching prefix (digest-only mirrors only
 * when by_digest or ref has a digest, tag-only ones only when not), then its
 * location; prefixes are rewritten to locations. Without a matching
 * [[registry]]: ref itself. A blocked registry is an error: "registry X is
 * blocked in PATH or DIR". Caller frees with reg_endpoints_free. */
int regconf_endpoints(const struct regconf *c, const char *ref, bool by_digest,
		      struct reg_endpoint **out, size_t *n, struct werr *err);
void reg_endpoints_free(struct reg_endpoint *e, size_t n);

/* insecure setting of the [[registry]] matching registry ("host[:port]"),
 * for push and login. */
bool regconf_insecure(const struct regconf *c, const char *registry);

#endif
