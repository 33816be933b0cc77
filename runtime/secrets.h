/* secrets.h - `warren secret` with Podman's file driver semantics, and
 * `run --secret`: small blobs (passwords, keys) kept out of images and
 * out of `inspect`, handed to a container as a file under /run/secrets or
 * as an environment variable. Stored under <root>/secrets: the records in
 * secrets.json, each secret's data in filedriver/<id> (mode 0600). */
#ifndef WARREN_SECRETS_H
#define WARREN_SECRETS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "lib/err.h"
#include "runtime/spec.h"

#define SECRET_ID_LEN	25     /* hex characters, as Podman's */
#define SECRET_MAX_DATA 512000 /* bytes: Podman's limit (exclusive) */

struct secret_rec {
	char id[SECRET_ID_LEN + 1];
	char *name;
	int64_t created, updated;   /* ns since the epoch */
	struct json_object *labels; /* {"k": "v"}, never NULL */
};
void secret_rec_free(struct secret_rec *s);
void secret_recs_free(struct secret_rec *v, size_t n);

/* Is name a valid secret name? (Podman's rule: at most 64 of
 * [a-zA-Z0-9-_.], starting and ending with [a-zA-Z0-9].) */
bool secret_name_valid(const char *name);

/* Stores a new secret; a name in use is "NAME: secret name in use". labels
 * are "K=V" or "K". *id_out gets the new id. Status 125 on errors. */
int secret_create(struct engine *e, const char *name, const void *data, size_t len,
		  char *const *labels, char id_out[SECRET_ID_LEN + 1], struct werr *err);

/* Every secret, oldest first. */
int secret_list(struct engine *e, struct secret_rec **out, size_t *n, struct werr *err);

/* By name, full id or unique id prefix: 1 found, 0 none (err says
 * Podman's "no secret with name or id \"X\": no such secret"), -1 error. */
int secret_lookup(struct engine *e, const char *ref, struct secret_rec *out, struct werr *err);

/* Removes one (found as secret_lookup finds it). */
int secret_remove(struct engine *e, const char *ref, char id_out[SECRET_ID_LEN + 1],
		  struct werr *err);

/* The data of secret id (malloc'd, *len bytes). */
int secret_data(struct engine *e, const char *id, char **out, size_t *len, struct werr *err);

/* Podman's inspect object of a secret. */
struct json_object *secret_json(struct engine *e, const struct secret_rec *s);

/* Checks a --secret value: NAME[,type=mount|env][,target=T][,uid=N]
 * [,gid=N][,mode=OCTAL]. */
int secret_spec_check(const char *spec, struct werr *err);

/* The environment variables the type=env secrets of specs set (a new
 * vector, NULL when none): inspect leaves them out of Config.Env. */
char **secret_env_names(char *const *specs);

/* Gives the container o describes its secrets: a mount secret's data is
 * written to <ctr_dir>/secrets/<name> and bind-mounted read-only at
 * /run/secrets/<target> (appended to *vols); an env secret becomes
 * TARGET=data in *env (a copy of o->env the caller frees). */
int secrets_attach(struct engine *e, char *const *specs, const char *ctr_dir,
		   struct volume_spec **vols, size_t *nvols, char ***env, struct werr *err);

#endif
