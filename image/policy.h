/* policy.h - containers-policy.json(5): may an image be used at all?
 *
 * The file: the explicit path (--signature-policy), else
 * $XDG_CONFIG_HOME/containers/policy.json (~/.config/...) when it exists,
 * else /etc/containers/policy.json. A missing file is an error, as in
 * Podman ("open /etc/containers/policy.json: ..."). Requirements:
 * insecureAcceptAnything accepts, reject refuses, signedBy (GPG keys) and
 * sigstoreSigned (public keys) need a signature that image/sigverify.c
 * accepts; signedBaseLayer is refused loudly (warren cannot check it),
 * never silently ignored. Every requirement of the scope must hold.
 * Unknown requirement types make the file invalid. */
#ifndef WARREN_POLICY_H
#define WARREN_POLICY_H

#include "image/ref.h"
#include "image/sigverify.h"
#include "lib/err.h"

struct policy; /* opaque */

/* Loads and validates the policy (path NULL: the default files above). */
struct policy *policy_load(const char *path, struct werr *err);

/* A policy from text; origin names it in messages (tests). */
struct policy *policy_parse(const char *text, const char *origin, struct werr *err);

void policy_free(struct policy *p);

/* The default file: $XDG_CONFIG_HOME/containers/policy.json when it
 * exists, else /etc/containers/policy.json (malloc'd). */
char *policy_default_path(void);

/* The path the policy came from (borrowed). */
const char *policy_path(const struct policy *p);

/* Checks ref under transport ("docker": ref is "host/repo:tag" or
 * "host/repo@sha256:...", normalized first; other transports: ref as given).
 * The most specific scope decides: for docker the exact reference, the
 * repository, its namespaces up to the host, "*.domain" wildcards, then the
 * transport's "" scope, then "default". 0 accepts; 1 accepts only if the
 * image's signatures do: call policy_check_signatures once its manifest is
 * known (before anything is stored); -1 refuses with err "Source image
 * rejected: ...". */
int policy_check(const struct policy *p, const char *transport, const char *ref, struct werr *err);

/* The second step of a policy_check that returned 1: every requirement of
 * ref's scope against the signatures src offers. 0 accepts; -1 refuses
 * with err "Source image rejected: REASON". */
int policy_check_signatures(const struct policy *p, const char *transport, const char *ref,
			    const struct sig_source *src, struct werr *err);

/* The docker scopes of r, most specific first: "host/a/b:tag" (or
 * "@digest"), "host/a/b", "host/a", "host", then "*.example.com" style
 * wildcards of the host name (new vector). registries.d uses the same. */
char **policy_docker_scopes(const struct image_ref *r);

#endif
