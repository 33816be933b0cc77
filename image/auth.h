/* auth.h - registry credentials in containers-auth.json(5) files.
 *
 * Read, first file with a match wins: the explicit authfile (--authfile)
 * or $REGISTRY_AUTH_FILE alone when given; else
 * $XDG_RUNTIME_DIR/containers/auth.json (/run/containers/UID/auth.json
 * without it), $XDG_CONFIG_HOME/containers/auth.json (~/.config/...), and
 * Docker's $DOCKER_CONFIG/config.json (~/.docker/config.json), read only.
 * In a file, keys "host/ns/repo", "host/ns", "host" are tried from the most
 * specific, then legacy keys such as "https://index.docker.io/v1/"
 * (docker.io, index.docker.io and registry-1.docker.io are one registry).
 * "auth" is base64("user:password"); "identitytoken" (with or without
 * "auth") is an OAuth2 refresh token the registry client trades for a
 * Bearer token. A file's "credHelpers" {"host": "NAME"} hands that host to
 * docker-credential-NAME (image/credhelper.h) and decides for the file, as
 * in Podman; "credsStore" "NAME" (Docker's default helper, which Podman
 * ignores) is asked after "auths" and skipped when not installed. login
 * and logout use the helper the write file names for the host (credHelpers,
 * else credsStore). Credentials never appear in error messages. */
#ifndef WARREN_AUTH_H
#define WARREN_AUTH_H

#include "lib/err.h"

/* Credentials found: user and pass (Basic, and for a token server), or an
 * identity token (user may come with it), all malloc'd or NULL. */
struct auth_creds {
	char *user, *pass;
	char *identity_token;
};
void auth_creds_free(struct auth_creds *c);

/* Credentials for repo ("ns/img", or "host/ns/img"; NULL: the registry
 * alone) on registry ("quay.io", "localhost:5000"). 1 with *out filled, 0
 * when no file has any, -1 on an unreadable or invalid file or a failing
 * helper (err names the file or helper, never a secret). */
int auth_lookup(const char *authfile, const char *registry, const char *repo,
		struct auth_creds *out, struct werr *err);

/* The file login writes and logout edits (malloc'd): authfile, else
 * $REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json; without
 * XDG_RUNTIME_DIR: /run/containers/0/auth.json for root, else
 * /run/user/UID/containers/auth.json when /run/user/UID exists, else
 * $XDG_CONFIG_HOME/containers/auth.json. */
char *auth_write_path(const char *authfile);

/* Stores user/pass under key ("quay.io" or "quay.io/ns/repo") in the write
 * file: other keys and unknown fields are kept; the file is replaced
 * atomically (0600, its directory created 0700) under a lock. When the file
 * names a helper for key's host, the helper stores them instead. */
int auth_store(const char *authfile, const char *key, const char *user, const char *pass,
	       struct werr *err);

/* Removes key (and legacy spellings of the same host) or, with key NULL,
 * every entry, erasing in the helper the file names for it too (with key
 * NULL: every credHelpers registry). 1 when something was removed, 0 when
 * not logged in. */
int auth_remove(const char *authfile, const char *key, struct werr *err);

#endif
