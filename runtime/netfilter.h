/* netfilter.h - the network filters of `network ls`, `network prune`
 * and the REST API's GET /networks and POST /networks/prune: parsed
 * once, matched against the definitions of net/netconf.h (Podman's rules:
 * one key's values OR, keys AND). */
#ifndef WARREN_NETFILTER_H
#define WARREN_NETFILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/engine.h"
#include "lib/err.h"
#include "net/netconf.h"

/* Which keys a filter takes: ls's (name, id, driver, label, dangling,
 * until), prune's (label, label!, until), or the Docker API's list (ls's
 * and Docker's type=custom|builtin, scope=local). */
enum net_filter_kind { NET_FILTER_LS, NET_FILTER_PRUNE, NET_FILTER_DOCKER };

struct net_filter {
	char **name, **id, **driver, **label, **nlabel, **dangling, **until, **type, **scope;
};

/* "KEY=VALUE" specs into f (zeroed by the caller; net_filter_free it
 * also after a failure): 0, or -1 with Podman's error (status 125) for an
 * unknown key, a bad value or a regular expression that does not
 * compile. */
int net_filter_parse(char *const *specs, enum net_filter_kind kind, struct net_filter *f,
		     struct werr *err);
void net_filter_free(struct net_filter *f);

/* The networks passing f, sorted by name (Podman's order), as a new
 * array (*out, networks_free) of *nout. Containers are read only when a
 * filter asks about them (dangling). */
int network_select(struct engine *e, const struct net_filter *f, struct network **out, size_t *nout,
		   struct werr *err);

#endif
