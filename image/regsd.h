/* regsd.h - containers-registries.d(5): where the signatures of an image
 * are kept (lookaside stores) and whether the registry's sigstore
 * attachments are read.
 *
 * The directory: $WARREN_REGISTRIES_D when set (warren's own: Podman has no
 * flag for it; skopeo's --registries.d), else ~/.config/containers/
 * registries.d when it exists, else /etc/containers/registries.d (one of
 * them, never merged, as containers/image). Every *.yaml file in it is
 * read (strcmp order); a namespace or default-docker defined by two files
 * is an error. A file holds
 *
 *     default-docker:
 *       lookaside: https://sigs.example.com/store
 *     docker:
 *       registry.example.com/ns:
 *         lookaside: file:///var/lib/sigs      # "sigstore" is the old name
 *         lookaside-staging: file:///tmp/sigs  # for writing only
 *         use-sigstore-attachments: true
 *
 * parsed with libyaml; unknown keys are ignored, as containers/image does. */
#ifndef WARREN_REGSD_H
#define WARREN_REGSD_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h"

struct regsd; /* opaque */

/* The directory described above (malloc'd). */
char *regsd_default_dir(void);

/* Loads every *.yaml of dir (NULL: regsd_default_dir()); a missing
 * directory is an empty configuration. NULL with err "parsing FILE: ...". */
struct regsd *regsd_load(const char *dir, struct werr *err);

/* An empty configuration, and one more file's text merged into it (origin
 * names it in messages). regsd_add returns 0 or -1. */
struct regsd *regsd_new(void);
int regsd_add(struct regsd *c, const char *text, size_t len, const char *origin, struct werr *err);
void regsd_free(struct regsd *c);

/* For a pull: the lookaside URL configured for the first of scopes (the
 * policy scopes of the image's reference, most specific first: see
 * policy_docker_scopes) that has one, else default-docker's; NULL when
 * none is configured (borrowed). */
const char *regsd_lookaside(const struct regsd *c, char *const *scopes);

/* use-sigstore-attachments of the first namespace of scopes configured at
 * all, else of default-docker; false when unset. */
bool regsd_attachments(const struct regsd *c, char *const *scopes);

/* For `image trust show` (Podman's lookup): the lookaside (or sigstore) of
 * scope or its nearest parent ("host/a/b", "host/a", "host"), else
 * default-docker's; scope "" is default-docker. NULL when none (borrowed). */
const char *regsd_scope_store(const struct regsd *c, const char *scope);

#endif
