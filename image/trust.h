/* trust.h - `image trust show/set`: the signature policy (policy.json) as a
 * table of scopes, and edits of it, the way Podman presents and writes it. */
#ifndef WARREN_TRUST_H
#define WARREN_TRUST_H

#include "lib/err.h"

struct trust_entry {
	char *transport; /* "all" for the default, "repository" for docker scopes */
	char *name;	 /* "default", "docker.io", "quay.io/ns" */
	char *type;	 /* accept, reject, signed, sigstoreSigned, ... (Podman's words) */
	char *keys;	 /* the GPG key ids of signedBy, "N/A" for sigstoreSigned, or "" */
	char *store;	 /* the lookaside store registries.d names for the scope, or "" */
};

/* The entries of the policy at path (NULL: the default file), one per
 * requirement: the default's first, then each transport's scopes, both in
 * name order (Podman's). regsd_dir: the registries.d to read the stores
 * from (NULL: the default, image/regsd.h). *raw gets the file's text when
 * raw is not NULL. */
int trust_show(const char *path, const char *regsd_dir, struct trust_entry **out, size_t *n,
	       char **raw, struct werr *err);
void trust_entries_free(struct trust_entry *v, size_t n);

/* Sets scope ("default", or a registry/repository) to type ("accept",
 * "reject", "signedBy", "sigstoreSigned"; the last two need keys, a
 * NULL-terminated list of public key files) in the policy at path (NULL:
 * the default file), written atomically; other scopes are kept. */
int trust_set(const char *path, const char *scope, const char *type, char *const *keys,
	      struct werr *err);

#endif
