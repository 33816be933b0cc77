/* netusers.h - bridge networks as the engine sees them: where their
 * definitions live (<root>/networks), which containers use them (a
 * container record's NetConfig.Networks.<name>), and removing a network
 * with the containers on it (network rm -f). The definitions themselves
 * are net/netconf.h's. */
#ifndef WARREN_NETUSERS_H
#define WARREN_NETUSERS_H

#include <stdbool.h>

#include "engine/engine.h"
#include "lib/err.h"
#include "net/netconf.h"

/* <root>/networks (root: /var/lib/warren/networks), malloc'd. */
char *network_dir(struct engine *e);

/* The ids of the containers (any state) whose create options attach them
 * to network name, as a new NULL-terminated vector (never NULL on
 * success; caller frees with strv_free). */
int network_users(struct engine *e, const char *name, char ***ids, struct werr *err);

/* The names of every network some container uses (no duplicates), a new
 * NULL-terminated vector: for prune and `ls --filter dangling=`. */
int network_used_names(struct engine *e, char ***names, struct werr *err);

/* Creates a network (netconf_create in network_dir) and logs the event. */
int network_create(struct engine *e, const struct netcreate_opts *o, struct network *out,
		   struct werr *err);

/* Removes network n (looked up by the caller). In use: Podman's "... is
 * being used" (status 2) unless force, which removes those containers
 * first (stopping them after timeout seconds). The default network:
 * Podman's error (125). */
int network_remove(struct engine *e, const struct network *n, bool force, int timeout,
		   struct werr *err);

/* Removes the networks of v (NULL: every network) that no container uses
 * (never the default): network prune, system prune. *removed: their
 * names (caller frees); one that cannot go is a warning. */
int network_prune(struct engine *e, const struct network *v, size_t n, char ***removed,
		  struct werr *err);

#endif
