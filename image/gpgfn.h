/* gpgfn.h - OpenPGP signatures through gpgme, loaded with dlopen() the
 * first time a policy needs it (as libcurl: image/curlfn.h): `run --rm`
 * never loads gpgme, and a machine without it runs everything else.
 *
 * Keys live in a private keyring: a new temporary GNUPGHOME (0700, under
 * $TMPDIR or /tmp) holding only the keys a policy names, removed again by
 * gpg_keyring_free. The user's own keyring is never read or changed. */
#ifndef WARREN_GPGFN_H
#define WARREN_GPGFN_H

#include <stddef.h>

#include "lib/err.h"

struct gpg_keyring; /* opaque */

/* An empty private keyring. NULL with err naming the Debian package when
 * gpgme (libgpgme11) or gpg (gnupg) is missing. */
struct gpg_keyring *gpg_keyring_new(struct werr *err);

/* Removes the keyring's directory (and stops any agent gpg left there). */
void gpg_keyring_free(struct gpg_keyring *k);

/* Imports the public keys of data[0..len) (binary or armored); origin
 * names it in messages. Returns the number of keys imported (0 when the
 * data holds none), or -1. */
int gpg_keyring_import(struct gpg_keyring *k, const void *data, size_t len, const char *origin,
		       struct werr *err);

/* Verifies the OpenPGP signed message sig[0..len), made by a key of the
 * keyring: *payload (malloc'd, NUL-terminated) gets the signed text,
 * *len_out its length. -1 with err "Invalid GPG signature: ..." otherwise. */
int gpg_keyring_verify(struct gpg_keyring *k, const void *sig, size_t len, char **payload,
		       size_t *len_out, struct werr *err);

/* The user ids of the imported keys as Podman's `image trust show` shows
 * them (the e-mail address when there is one), NULL-terminated (new). */
char **gpg_keyring_uids(struct gpg_keyring *k);

#endif
