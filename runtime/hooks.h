/* hooks.h - OCI hooks: the hooks.d JSON files (containers-hooks.json(5),
 * schema 1.0.0) chosen for a container into its config.json, and the
 * hooks of config.json run at their stages with the container's state on
 * stdin (OCI runtime-spec, "Lifecycle" and "POSIX-platform Hooks"). */
#ifndef WARREN_HOOKS_H
#define WARREN_HOOKS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/err.h"

enum hook_stage {
	HOOK_PRESTART,
	HOOK_CREATE_RUNTIME,
	HOOK_CREATE_CONTAINER,
	HOOK_START_CONTAINER,
	HOOK_POSTSTART,
	HOOK_POSTSTOP,
	HOOK_NSTAGES
};

/* One hook of config.json, ready for execve. */
struct hook {
	char *path;
	char **args; /* argv (never empty: {path} when the spec has none) */
	char **env;  /* the whole environment (never NULL, may be empty) */
	int timeout; /* seconds, 0: none */
};

struct hook_set {
	struct hook *v[HOOK_NSTAGES];
	size_t n[HOOK_NSTAGES];
};

/* The hook directories read when --hooks-dir is not given, lowest
 * precedence first (a file name in a later one masks the same name in an
 * earlier one). */
extern const char *const hooks_default_dirs[];

/* Reads the *.json files of dirs (NULL: hooks_default_dirs; a missing
 * directory is skipped) and adds the hooks that match spec (its
 * process.args[0] and annotations; has_binds: the user asked for bind
 * mounts) to spec's "hooks" object, in file name order. A file that is no
 * valid 1.0.0 hook fails, as Podman does: "setting up OCI Hooks: parsing
 * hook "F": ..." (status 126). */
int hooks_add_to_spec(char *const *dirs, struct json_object *spec, bool has_binds,
		      struct werr *err);

/* The hooks of a config.json "hooks" object (NULL: none) into *out. */
int hooks_parse(struct json_object *hooks, struct hook_set *out, struct werr *err);
void hook_set_free(struct hook_set *h);

/* The state the hooks read on stdin: {"ociVersion", "id", "status",
 * "pid" (left out when 0), "bundle", "annotations"}; annotations is the
 * JSON text of config.json's object or NULL. Malloc'd. */
char *hooks_state(const char *oci_version, const char *id, const char *status, pid_t pid,
		  const char *bundle, const char *annotations);

/* Runs the hooks of stage in order, each with state on its stdin and its
 * timeout; its stdout and stderr are kept for the error message. The
 * first failure ends the stage ("error running prestart hook #0 (PATH):
 * exit status 3, stderr: ...", status 126) unless keep_going, which runs
 * the rest and then reports the first failure. Safe in the container's
 * child after clone: no allocation, only fork, pipes and execve. */
int hooks_run(const struct hook_set *h, enum hook_stage stage, const char *state, bool keep_going,
	      struct werr *err);

/* The poststop hooks of the container id whose bundle is bundle_dir,
 * after its process has gone (status "stopped"). Every hook runs; a
 * failure is returned after the last one. No hooks: nothing is parsed. */
int hooks_poststop(const char *bundle_dir, const char *id, struct werr *err);

#endif
