/* credhelper.h - Docker credential helpers: the programs
 * docker-credential-NAME that auth.json's "credHelpers" (per registry) and
 * "credsStore" name. The protocol (docker-credential-helpers): VERB as the
 * only argument; "get" reads the server on stdin and writes
 * {"ServerURL","Username","Secret"} on stdout ("<token>" as Username: the
 * Secret is an identity token); "store" reads that JSON; "erase" reads the
 * server. A failing helper exits non-zero with its message on stdout;
 * "credentials not found in native keychain" means nothing is stored.
 * Secrets never appear in an error message. */
#ifndef WARREN_CREDHELPER_H
#define WARREN_CREDHELPER_H

#include <stdbool.h>

#include "lib/err.h"

/* A helper's answer to get: user and secret, or an identity token. */
struct credhelper_creds {
	char *user, *secret, *identity_token;
};
void credhelper_creds_free(struct credhelper_creds *c);

/* Whether name is a valid helper name (no '/', no spaces: it becomes part
 * of a program name looked up in $PATH). */
bool credhelper_name_ok(const char *name);

/* The credentials helper name has for server ("quay.io"): 1 found (*out
 * filled), 0 none stored, -1 error. *missing is set when the program is
 * not installed (the error says so too). */
int credhelper_get(const char *name, const char *server, struct credhelper_creds *out,
		   bool *missing, struct werr *err);

/* Stores user/secret for server in the helper. */
int credhelper_store(const char *name, const char *server, const char *user, const char *secret,
		     struct werr *err);

/* Erases server's credentials: 1 erased, 0 none were stored, -1 error
 * (*missing as for credhelper_get). */
int credhelper_erase(const char *name, const char *server, bool *missing, struct werr *err);

#endif
