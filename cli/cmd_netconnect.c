/* cmd_netconnect.c - `warren network connect` and `network disconnect`:
 * a container on bridge networks gets another network, or loses one; at
 * once when it runs (runtime/ctrbridge.h). */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "lib/cleanup.h"
#include "lib/util.h"
#include "net/net.h"
#include "runtime/container.h"
#include "runtime/ctrbridge.h"

struct connect_opts {
	char **aliases;
	char *ip, *mac;
};

static const struct opt connect_tab[] = {
    OPT_STRV("alias", 0, struct connect_opts, aliases),
    OPT_STR("ip", 0, struct connect_opts, ip),
    OPT_STR("mac-address", 0, struct connect_opts, mac),
    OPT_TABLE_END,
};

static void connect_fini(void *opts)
{
	struct connect_opts *o = opts;

	strv_free(o->aliases); /* ip and mac point into argv */
}

const struct optspec cli_network_connect_opts = {connect_tab, sizeof(struct connect_opts), false,
						 NULL, connect_fini};

struct disconnect_opts {
	bool force;
};

static const struct opt disconnect_tab[] = {
    OPT_BOOL("force", 'f', struct disconnect_opts, force),
    OPT_TABLE_END,
};

const struct optspec cli_network_disconnect_opts = {disconnect_tab, sizeof(struct disconnect_opts),
						    false, NULL, NULL};

/* NET CTR: exactly two arguments */
static int two_args(char **args, const char *what, struct werr *err)
{
	if (strv_len(args) != 2) {
		werr_set(err, 0, "%s requires exactly 2 arguments: NETWORK CONTAINER", what);
		return werr_status(err, 125);
	}
	return 0;
}

static int lookup(struct engine *e, const char *ref, struct container_rec *c, struct werr *err)
{
	int r = container_lookup(e, ref, c, err);

	if (r == 0)
		return container_not_found(ref, err);
	return r < 0 ? -1 : 0;
}

int cmd_network_connect(struct engine *e, void *opts, char **args, struct werr *err)
{
	struct connect_opts *o = opts;
	struct net_opts check = {0};
	struct net_attach req = {.aliases = o->aliases};
	struct container_rec c = {0};
	int rc;

	if (two_args(args, "network connect", err) < 0)
		return -1;
	/* the same checks as run's flags */
	for (char **a = o->aliases; a && *a; a++)
		if (net_add_alias(&check, *a, err) < 0)
			goto bad;
	if ((o->ip && net_set_ip(&check, o->ip, err) < 0) ||
	    (o->mac && net_set_mac(&check, o->mac, err) < 0))
		goto bad;
	net_opts_free(&check);
	req.ip = o->ip;
	req.mac = o->mac;
	if (lookup(e, args[1], &c, err) < 0)
		return -1;
	rc = ctrbridge_connect(e, &c, args[0], &req, err);
	container_rec_free(&c);
	return rc;
bad:
	net_opts_free(&check);
	return -1;
}

int cmd_network_disconnect(struct engine *e, void *opts, char **args, struct werr *err)
{
	struct container_rec c = {0};
	int rc;

	(void)opts; /* -f: Podman's; the interface goes at once either way */
	if (two_args(args, "network disconnect", err) < 0 || lookup(e, args[1], &c, err) < 0)
		return -1;
	rc = ctrbridge_disconnect(e, &c, args[0], err);
	container_rec_free(&c);
	return rc;
}

const char cli_network_connect_help[] =
    "SYNOPSIS\n  warren network connect [OPTIONS] NETWORK CONTAINER\n\n"
    "DESCRIPTION\n  Puts a container on one more bridge network: it gets an address there\n"
    "  at once (kept until it is removed or disconnected) and, when it runs, an\n"
    "  interface (eth1, eth2, ...) right away. Only a container on bridge networks\n"
    "  can be connected (not one on slirp4netns, pasta, host or none).\n\n"
    "OPTIONS\n"
    "      --alias NAME        one more name others on NETWORK find it by (repeatable)\n"
    "      --ip IP             its address on NETWORK (default: the first free one)\n"
    "      --mac-address MAC   its interface's MAC address\n\n"
    "EXAMPLES\n  warren network connect --alias db backend mydb\n";

const char cli_network_disconnect_help[] =
    "SYNOPSIS\n  warren network disconnect [OPTIONS] NETWORK CONTAINER\n\n"
    "DESCRIPTION\n  Takes a container off a bridge network: its interface there goes at\n"
    "  once when it runs, and its address is free again.\n\n"
    "OPTIONS\n"
    "  -f, --force   accepted, as Podman's (the interface goes at once either way)\n\n"
    "EXAMPLES\n  warren network disconnect backend mydb\n";
