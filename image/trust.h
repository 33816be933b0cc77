/* trust.h - `image trust show/set`: the signature policy (policy.json) as a
 * table of scopes, and edits of it, the way Podman presents and writes it. */
#ifndef WARREN_TRUST_H
#define WARREN_TRUST_H

#include "lib/err.h"

struct trust_entry {
	char *transport; /* "all" for the default, "repository" for docker scopes */
	char *name;	 /* "default", "docker.io", "quay.io/ns" */
	char *type;	 /* accept, reject, signedBy, sigstoreSigned, ... */
	char *keys;	 /* the key paths of signature requirements ("" when none) */
};

/* The entries of the policy at path (NULL: the default file): the default
 * first, then the docker transport's scopes in name order. *raw gets the
 * file's text when raw is not NULL. */
int trust_show(const char *path, struct trust_entry **out, size_t *n, char **raw, struct werr *err);
void trust_entries_free(struct trust_entry *v, size_t n);

/* Sets scope ("default", or a registry/repository) to type ("accept",
 * "reject", "signedBy", "sigstoreSigned"; the last two need keys, a
 * NULL-terminated list of public key files) in the policy at path (NULL:
 * the default file), written atomically; other scopes are kept. */
int trust_set(const char *path, const char *scope, const char *type, char *const *keys,
	      struct werr *err);

#endif
