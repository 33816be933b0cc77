/* sigfetch.h - where the signatures of a pulled image come from (a
 * struct sig_source for image/sigverify.h):
 *  - simple signing: the lookaside store registries.d names for the
 *    image's repository (image/regsd.h), else the built-in default
 *    (file://~/.local/share/containers/sigstore rootless,
 *    /var/lib/containers/sigstore as root), read as
 *    BASE/REPO@sha256=HEX/signature-1, -2, ... until the first missing one
 *    (file://: ENOENT, http(s)://: 404), at most 128, each at most 4 MiB;
 *  - sigstore: when registries.d says use-sigstore-attachments, the layers
 *    of the OCI manifest tagged sha256-HEX.sig in the image's repository.
 * The registry's own signature API extension (X-Registry-Supports-
 * Signatures, OpenShift's) is not read. */
#ifndef WARREN_SIGFETCH_H
#define WARREN_SIGFETCH_H

#include <stdbool.h>

#include "image/registry.h"
#include "image/regsd.h"
#include "image/sigverify.h"
#include "lib/err.h"

struct sigfetch; /* opaque */

/* A source for the image ref ("host/repo:tag" as pulled from: a mirror's
 * name when it came from one) with manifest digest, fetched through c
 * (borrowed, as conf). rootless picks the default lookaside store. */
struct sigfetch *sigfetch_new(const struct regsd *conf, bool rootless, struct reg_client *c,
			      const char *ref, const char *digest, struct werr *err);
void sigfetch_free(struct sigfetch *f);

/* The source's callbacks (valid while f lives). */
void sigfetch_source(struct sigfetch *f, struct sig_source *out);

/* The URL of lookaside signature i (1-based) (malloc'd). Pure. */
char *sigfetch_lookaside_url(const char *base, const char *repo_path, const char *digest,
			     unsigned i);

#endif
