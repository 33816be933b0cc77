/* engine.h - the engine context every engine call takes. No global state:
 * everything a command needs to know about where and how it runs is here.
 *
 * Layering (issue 5 item 16; `make check-layers` enforces it): the context
 * sits above storage/, because engine_store() opens the store. The layers
 * below it (rootless/, storage/) may read the fields of struct engine but
 * never call engine_*(); lib/ does not know the engine at all. */
#ifndef WARREN_ENGINE_H
#define WARREN_ENGINE_H

#include <stdbool.h>
#include <sys/types.h>

#include "lib/err.h"

struct store;

struct engine {
	bool rootless; /* the invoking user is not root (euid != 0 at start) */
	uid_t uid;     /* invoking user's host uid/gid (before joining the userns) */
	gid_t gid;
	char *user;	      /* login name of uid ("" if unknown) */
	char *root;	      /* data dir: --root, else $XDG_DATA_HOME/warren or
				 ~/.local/share/warren; root: /var/lib/warren */
	char *root_netfs;     /* the default data dir when it was on a network
				 filesystem and root moved to local disk
				 (rootless/paths.c), else NULL */
	char *runroot;	      /* runtime dir for this store: --runroot, else userrun */
	char *userrun;	      /* per-user runtime dir holding the pause process pid:
				 $XDG_RUNTIME_DIR/warren, else /tmp/warren-<uid> (0700,
				 owned, never a symlink); root: /run/warren */
	char *storage_driver; /* --storage-driver or NULL (auto / recorded) */
	char **storage_opts;  /* --storage-opt values, NULL-terminated, may be NULL */
	char **hooks_dirs;    /* --hooks-dir values (NULL: the default OCI hooks dirs) */
	bool in_userns;	      /* joined the pause process namespaces */
	bool single_uid;      /* the userns maps only the user's own uid/gid */
	struct store *store;  /* opened lazily by engine_store() */
	struct config *conf;  /* containers.conf, storage.conf, warren.conf (paths_init) */
};

/* Frees what the engine owns (closes the store). */
void engine_free(struct engine *e);

/* Opens the state database on first use (after the userns was joined).
 * Returns the store or NULL with err set. The engine keeps ownership. */
struct store *engine_store(struct engine *e, struct werr *err);

#endif
