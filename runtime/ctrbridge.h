/* ctrbridge.h - a container on bridge networks (--network NAME, root
 * mode's default network): at create each network is looked up and the
 * container gets its address (kept in its config, so the address is the
 * container's for its whole life, and /etc/hosts names it); at every
 * start netavark connects its netns (runtime/rnetns.h for where); when it
 * exits, netavark's teardown. */
#ifndef WARREN_CTRBRIDGE_H
#define WARREN_CTRBRIDGE_H

#include <json-c/json.h>

#include "engine/engine.h"
#include "lib/err.h"
#include "net/net.h"
#include "rootless/syscheck.h"
#include "storage/store.h"

/* Is netavark there (for root mode's default: the "podman" network when
 * it is, lo only when not)? */
bool ctrbridge_available(struct engine *e);

/* At create: n's networks looked up (names resolved, gateway, prefix and
 * DNS filled), addresses given where none was asked for, asked-for ones
 * checked (in the subnet, free). *lock: held until the container's record
 * is stored (no other create takes the same address); close it then. */
int ctrbridge_create(struct engine *e, struct net_opts *n, int *lock, struct werr *err);

/* At start, with the container's netns open as netns_fd: netavark setup
 * (status kept for inspect). */
int ctrbridge_setup(struct engine *e, const char *id, const char *name, const struct net_opts *n,
		    int netns_fd, struct werr *err);

/* After the container's end (or a failed start): netavark teardown, once;
 * nothing when no setup is left. Failures are logged, never fatal. */
void ctrbridge_teardown(struct engine *e, const char *id, const char *name,
			const struct net_opts *n);

/* `network connect NET CTR`: c gets an address on net (req: ip, mac,
 * aliases asked for, may be NULL), and, when it runs, the interface at
 * once. Only a container on bridge networks (status 125 otherwise). */
int ctrbridge_connect(struct engine *e, const struct container_rec *c, const char *net,
		      const struct net_attach *req, struct werr *err);

/* `network disconnect NET CTR`: the interface goes (when it runs), and
 * the address. */
int ctrbridge_disconnect(struct engine *e, const struct container_rec *c, const char *net,
			 struct werr *err);

/* `network reload CTR`: a running container's bridge networks torn down
 * and set up again (its addresses kept), as after a firewall reload wiped
 * netavark's rules; nothing for other network modes. A container that
 * does not run: Podman's error (125). */
int ctrbridge_reload(struct engine *e, const struct container_rec *c, struct werr *err);

/* system check: netavark and aardvark-dns there (a warning each when
 * not: bridge networks are optional). */
void ctrbridge_check(struct engine *e, struct checks *c);

/* netavark's reply of the last setup (NULL: none): interfaces and MACs. */
struct json_object *ctrbridge_status(struct engine *e, const char *id);

#endif
