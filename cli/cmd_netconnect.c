/* cmd_netconnect.c - `warren network connect`, `network disconnect` and
 * `network reload`: a container on bridge networks gets another network,
 * or loses one, at once when it runs; reload sets its networks up again
 * (runtime/ctrbridge.h). */
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
	char *ip, *ip6, *mac;
};

static const struct opt connect_tab[] = {
    OPT_STRV("alias", 0, struct connect_opts, aliases),
    OPT_STR("ip", 0, struct connect_opts, ip),
    OPT_STR("ip6", 0, struct connect_opts, ip6),
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
	    (o->ip6 && net_set_ip6(&check, o->ip6, err) < 0) ||
	    (o->mac && net_set_mac(&check, o->mac, err) < 0))
		goto bad;
	net_opts_free(&check);
	req.ip = o->ip;
	req.ip6 = o->ip6;
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

struct reload_opts {
	bool all, latest;
};

static const struct opt reload_tab[] = {
    OPT_BOOL("all", 'a', struct reload_opts, all),
    OPT_BOOL("latest", 'l', struct reload_opts, latest),
    OPT_TABLE_END,
};
const struct optspec cli_network_reload_opts = {reload_tab, sizeof(struct reload_opts), false, NULL,
						NULL};

/* The containers reload works on: the running ones (-a), the newest (-l),
 * or those named (each looked up; an unknown one is Podman's error). */
static int reload_targets(struct engine *e, const struct reload_opts *o, char **args,
			  struct container_rec **out, size_t *n, struct werr *err)
{
	size_t k = 0;

	if ((o->all || o->latest) && args[0] != NULL) {
		werr_set(err, 0, "--all, --latest and containers cannot be used together");
		return werr_status(err, 125);
	}
	if (o->all && o->latest) {
		werr_set(err, 0, "--all and --latest cannot be used together");
		return werr_status(err, 125);
	}
	if (!o->all && !o->latest && args[0] == NULL) { /* Podman's words */
		werr_set(err, 0, "you must provide at least one name or id");
		return werr_status(err, 125);
	}
	if (o->all || o->latest) {
		if (container_list(e, o->latest, out, n, err) < 0)
			return -1;
		if (o->latest) { /* newest first: keep the first */
			if (*n > 1)
				container_recs_free(*out + 1, *n - 1);
			*n = *n > 0 ? 1 : 0;
		}
		return 0;
	}
	*out = xcalloc(strv_len(args), sizeof(**out));
	for (; args[k]; k++)
		if (lookup(e, args[k], &(*out)[k], err) < 0) {
			container_recs_free(*out, k);
			*out = NULL;
			return werr_status(err, 125);
		}
	*n = k;
	return 0;
}

int cmd_network_reload(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct reload_opts *o = opts;
	struct container_rec *v = NULL;
	size_t n = 0;
	int rc = 0;

	if (reload_targets(e, o, args, &v, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct werr e2 = {0};
		if (ctrbridge_reload(e, &v[i], &e2) < 0) {
			cli_error("%s", e2.msg);
			rc = 125;
			continue;
		}
		printf("%s\n", v[i].id);
	}
	container_recs_free(v, n);
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
    "      --ip6 IP            its IPv6 address there (a network with an IPv6 subnet)\n"
    "      --mac-address MAC   its interface's MAC address\n\n"
    "EXAMPLES\n  warren network connect --alias db backend mydb\n";

const char cli_network_disconnect_help[] =
    "SYNOPSIS\n  warren network disconnect [OPTIONS] NETWORK CONTAINER\n\n"
    "DESCRIPTION\n  Takes a container off a bridge network: its interface there goes at\n"
    "  once when it runs, and its address is free again.\n\n"
    "OPTIONS\n"
    "  -f, --force   accepted, as Podman's (the interface goes at once either way)\n\n"
    "EXAMPLES\n  warren network disconnect backend mydb\n";

const char cli_network_reload_help[] =
    "SYNOPSIS\n  warren network reload [OPTIONS] [CONTAINER...]\n\n"
    "DESCRIPTION\n  Sets the bridge networks of running containers up again, with the same\n"
    "  addresses: after a firewall reload (firewalld, iptables-restore) removed\n"
    "  netavark's rules, their published ports and outbound traffic work again.\n"
    "  Prints the id of each container reloaded. A container on another kind of\n"
    "  network (slirp4netns, pasta, host, none) has nothing to reload; one that\n"
    "  does not run is an error.\n\n"
    "OPTIONS\n"
    "  -a, --all      every running container\n"
    "  -l, --latest   the newest container\n\n"
    "EXAMPLES\n  warren network reload --all\n";
