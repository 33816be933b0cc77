/* warren network create, ls, inspect, rm, exists, prune: Podman 4.3's
 * commands over the definitions of net/netconf.h and the users of
 * runtime/netusers.h (connect and disconnect live with the runtime's
 * network setup). */
#include "cli/cli.h"
#include "cli/format.h"
#include "cli/help_network.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"
#include "net/netconf.h"
#include "runtime/netfilter.h"
#include "runtime/netusers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the template view ---- */

/* "a=b,x=y": ls's .Labels (sorted: Podman's order is its map's). */
static char *labels_line(char *const *labels)
{
	cleanup_strv char **v = strv_copy(labels);
	size_t n = strv_len(v);

	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			char *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return strv_join(v, ",");
}

/* RFC 3339 "2024-01-02T03:04:05.5Z" as Go prints a time.Time:
 * "2024-01-02 03:04:05.5 +0000 UTC". */
static char *go_time(const char *rfc)
{
	cleanup_free char *s = xstrdup(rfc ? rfc : "");
	char *t = strchr(s, 'T');

	if (t)
		*t = ' ';
	if (str_has_suffix(s, "Z"))
		s[strlen(s) - 1] = '\0';
	return xasprintf("%s +0000 UTC", s);
}

/* The network as Podman's templates see it (Go's field names); ls: .ID
 * cut to 12 unless no_trunc and .Labels one line. */
static struct json_object *template_view(const struct network *n, bool ls, bool no_trunc)
{
	struct json_object *o = json_object_new_object(), *subs = json_object_new_array();
	cleanup_free char *created = go_time(n->created);

	jset_str(o, "Name", n->name);
	if (ls && !no_trunc)
		jset(o, "ID", json_object_new_string_len(n->id, 12));
	else
		jset_str(o, "ID", n->id);
	jset_str(o, "Driver", n->driver);
	jset_str(o, "NetworkInterface", n->iface);
	jset_str(o, "Created", created);
	for (size_t i = 0; i < n->nsubnets; i++) {
		struct json_object *s = json_object_new_object(), *lr = NULL;
		jset_str(s, "Subnet", n->subnets[i].subnet);
		jset_str(s, "Gateway", n->subnets[i].gateway);
		if (n->subnets[i].range_start || n->subnets[i].range_end) {
			lr = json_object_new_object();
			jset_str(lr, "StartIP", n->subnets[i].range_start);
			jset_str(lr, "EndIP", n->subnets[i].range_end);
		}
		jset(s, "LeaseRange", lr);
		json_object_array_add(subs, s);
	}
	jset(o, "Subnets", subs);
	jset(o, "IPv6Enabled", json_object_new_boolean(n->ipv6));
	jset(o, "Internal", json_object_new_boolean(n->internal));
	jset(o, "DNSEnabled", json_object_new_boolean(n->dns));
	if (ls) {
		cleanup_free char *l = labels_line(n->labels);
		jset_str(o, "Labels", l);
	} else {
		jset(o, "Labels", netconf_kv_json(n->labels));
	}
	jset(o, "Options", netconf_kv_json(n->options));
	{
		struct json_object *ipam = json_object_new_object();
		jset_str(ipam, "driver", n->ipam_driver ? n->ipam_driver : "host-local");
		jset(o, "IPAMOptions", ipam);
	}
	return o;
}

/* ---- create ---- */

struct net_create_opts {
	const char *driver, *iface, *ipam;
	char **subnets, **gateways, **ranges, **labels, **opts;
	bool internal, disable_dns, ipv6, ignore;
};

static const struct opt create_tab[] = {
    OPT_BOOL("disable-dns", 0, struct net_create_opts, disable_dns),
    OPT_STR("driver", 'd', struct net_create_opts, driver),
    OPT_STRV("gateway", 0, struct net_create_opts, gateways),
    OPT_BOOL("ignore", 0, struct net_create_opts, ignore),
    OPT_STR("interface-name", 0, struct net_create_opts, iface),
    OPT_BOOL("internal", 0, struct net_create_opts, internal),
    OPT_STRV("ip-range", 0, struct net_create_opts, ranges),
    OPT_STR("ipam-driver", 0, struct net_create_opts, ipam),
    OPT_BOOL("ipv6", 0, struct net_create_opts, ipv6),
    OPT_STRV("label", 0, struct net_create_opts, labels),
    OPT_STRV("opt", 'o', struct net_create_opts, opts),
    OPT_STRV("subnet", 0, struct net_create_opts, subnets),
    OPT_TABLE_END,
};

static void create_fini(void *opts)
{
	struct net_create_opts *o = opts;

	strv_free(o->subnets);
	strv_free(o->gateways);
	strv_free(o->ranges);
	strv_free(o->labels);
	strv_free(o->opts);
}

static const struct optspec cli_network_create_opts = {create_tab, sizeof(struct net_create_opts),
						       false, NULL, create_fini};

/* --gateway is a list flag in Podman (ipSlice): "a,b" is two. */
static char **split_commas(char *const *v)
{
	char **out = NULL;

	for (size_t i = 0; v && v[i]; i++) {
		cleanup_free char *s = xstrdup(v[i]);
		char *save = NULL;
		for (char *t = strtok_r(s, ",", &save); t; t = strtok_r(NULL, ",", &save))
			out = strv_append(out, t);
	}
	return out;
}

static int cmd_network_create(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct net_create_opts *o = opts;
	cleanup_strv char **gws = split_commas(o->gateways);
	struct netcreate_opts c = {.driver = o->driver,
				   .subnets = o->subnets,
				   .gateways = gws,
				   .ip_ranges = o->ranges,
				   .iface = o->iface,
				   .internal = o->internal,
				   .ipv6 = o->ipv6,
				   .disable_dns = o->disable_dns,
				   .ignore = o->ignore,
				   .labels = o->labels,
				   .options = o->opts};
	struct network n = {0};

	if (strv_len(args) > 1) {
		werr_set(err, 0, "accepts at most 1 arg(s), received %zu", strv_len(args));
		return werr_status(err, 125);
	}
	if (o->ipam && strcmp(o->ipam, "host-local") != 0) {
		werr_set(err, 0, "unsupported ipam driver \"%s\": warren has host-local", o->ipam);
		return werr_status(err, 125);
	}
	c.name = args[0];
	if (network_create(e, &c, &n, err) < 0)
		return werr_status(err, err->status ? err->status : 125);
	printf("%s\n", n.name);
	network_free(&n);
	return 0;
}

/* ---- filters ---- */

/* The networks passing filter specs (ls and prune: runtime/netfilter.h). */
static int select_networks(struct engine *e, char *const *specs, bool prune, struct network **out,
			   size_t *nout, struct werr *err)
{
	struct net_filter f = {0};
	int rc = net_filter_parse(specs, prune ? NET_FILTER_PRUNE : NET_FILTER_LS, &f, err);

	if (rc == 0)
		rc = network_select(e, &f, out, nout, err);
	net_filter_free(&f);
	return rc;
}

/* ---- ls ---- */

struct net_ls_opts {
	const char *format;
	char **filter;
	bool quiet, noheading, no_trunc;
};

static const struct opt ls_tab[] = {
    OPT_STRV("filter", 'f', struct net_ls_opts, filter),
    OPT_STR("format", 0, struct net_ls_opts, format),
    OPT_BOOL("no-trunc", 0, struct net_ls_opts, no_trunc),
    OPT_BOOL("noheading", 0, struct net_ls_opts, noheading),
    OPT_BOOL("quiet", 'q', struct net_ls_opts, quiet),
    OPT_TABLE_END,
};

static void ls_fini(void *opts)
{
	strv_free(((struct net_ls_opts *)opts)->filter);
}

static const struct optspec cli_network_ls_opts = {ls_tab, sizeof(struct net_ls_opts), false, NULL,
						   ls_fini};

/* format_print_owned to stdout; noheading with a table: Podman keeps the
 * table's alignment and only drops the header row. */
static int print_rows(const char *fmt, struct json_object **objs, size_t n,
		      struct json_object *headers, bool noheading, struct werr *err)
{
	char *buf = NULL, *nl;
	size_t len = 0;
	FILE *mem;
	int rc;

	if (!noheading || !str_has_prefix(fmt, "table "))
		return format_print_owned(stdout, fmt, objs, n, headers, err);
	mem = open_memstream(&buf, &len);
	if (mem == NULL) {
		for (size_t i = 0; i < n; i++)
			json_object_put(objs[i]);
		free(objs);
		return werr_set(err, errno, "open_memstream");
	}
	rc = format_print_owned(mem, fmt, objs, n, headers, err);
	fclose(mem);
	nl = buf ? strchr(buf, '\n') : NULL;
	if (rc == 0 && nl)
		fputs(nl + 1, stdout);
	free(buf);
	return rc;
}

static int cmd_network_ls(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct net_ls_opts *o = opts;
	cleanup_json struct json_object *headers = json_object_new_object();
	struct json_object **objs;
	struct network *v = NULL;
	const char *fmt;
	size_t n = 0;
	int rc;

	if (args[0] != NULL) {
		werr_set(err, 0, "accepts 0 arg(s), received %zu", strv_len(args));
		return werr_status(err, 125);
	}
	if (select_networks(e, o->filter, false, &v, &n, err) < 0)
		return -1;
	if (o->quiet) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", v[i].name);
		networks_free(v, n);
		return 0;
	}
	if (o->format && format_is_json(o->format)) {
		/* Podman's network ls: two spaces, HTML escaped */
		cleanup_json struct json_object *arr = json_object_new_array();
		for (size_t i = 0; i < n; i++)
			json_object_array_add(arr, network_to_json(&v[i]));
		print_json_go(stdout, arr, "  ", true);
		networks_free(v, n);
		return 0;
	}
	objs = xcalloc(n + 1, sizeof(*objs));
	for (size_t i = 0; i < n; i++)
		objs[i] = template_view(&v[i], true, o->no_trunc);
	networks_free(v, n);
	jset_str(headers, "ID", "NETWORK ID");
	fmt = o->format ? o->format : "table {{.ID}}\t{{.Name}}\t{{.Driver}}";
	rc = print_rows(fmt, objs, n, headers, o->noheading, err);
	return rc < 0 ? werr_status(err, 125) : 0;
}

/* ---- inspect ---- */

struct net_inspect_opts {
	const char *format;
};

static const struct opt inspect_tab[] = {
    OPT_STR("format", 'f', struct net_inspect_opts, format),
    OPT_TABLE_END,
};

static const struct optspec cli_network_inspect_opts = {
    inspect_tab, sizeof(struct net_inspect_opts), false, NULL, NULL};

/* Podman prints what it found, then the first lookup that failed. */
static int cmd_network_inspect(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct net_inspect_opts *o = opts;
	cleanup_free char *dir = network_dir(e);
	cleanup_json struct json_object *arr = json_object_new_array();
	bool tmpl = o->format && !format_is_json(o->format);
	struct werr first = {0};

	if (args[0] == NULL) {
		werr_set(err, 0, "requires at least 1 arg(s), only received 0");
		return werr_status(err, 125);
	}
	for (size_t i = 0; args[i]; i++) {
		struct network n = {0};
		struct werr e2 = {0};
		int r = netconf_lookup(dir, args[i], &n, &e2);
		if (r == 0)
			werr_set(&e2, 0,
				 "unable to find network with name or ID %s: network not found",
				 args[i]);
		if (r <= 0) {
			if (first.msg[0] == '\0') {
				first = e2;
				werr_wrap(&first, "inspecting object: network %s", args[i]);
			}
			continue;
		}
		json_object_array_add(arr,
				      tmpl ? template_view(&n, false, true) : network_to_json(&n));
		network_free(&n);
	}
	if (cli_inspect_print(arr, tmpl ? o->format : NULL, err) < 0)
		return -1;
	if (first.msg[0] == '\0')
		return 0;
	*err = first;
	return werr_status(err, 125);
}

/* ---- rm ---- */

struct net_rm_opts {
	bool force;
	int time;
};

static const struct opt rm_tab[] = {
    OPT_BOOL("force", 'f', struct net_rm_opts, force),
    OPT_UINT("time", 't', struct net_rm_opts, time),
    OPT_TABLE_END,
};

static void rm_init(void *opts)
{
	((struct net_rm_opts *)opts)->time = 10;
}

static const struct optspec cli_network_rm_opts = {rm_tab, sizeof(struct net_rm_opts), false,
						   rm_init, NULL};

/* One network: looked up by name or id; a file of that name that does
 * not parse is removed all the same (nothing can use it). */
static int rm_one(struct engine *e, const char *dir, const char *ref, const struct net_rm_opts *o,
		  struct werr *err)
{
	struct network n = {0};
	int r = netconf_lookup(dir, ref, &n, err);

	if (r < 0 && strcmp(ref, netconf_default_name()) != 0) {
		werr_clear(err);
		if (netconf_remove(dir, ref, err) == 0) {
			printf("%s\n", ref);
			return 0;
		}
		return -1;
	}
	if (r == 0) {
		werr_set(err, 0, "unable to find network with name or ID %s: network not found",
			 ref);
		return werr_status(err, 1);
	}
	r = network_remove(e, &n, o->force, o->time, err);
	if (r == 0)
		printf("%s\n", ref); /* as given, as Podman prints it */
	network_free(&n);
	return r;
}

/* Podman goes on after a failure, prints each error and exits with the
 * last one's code (1 not found, 2 in use, else 125). */
static int cmd_network_rm(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct net_rm_opts *o = opts;
	cleanup_free char *dir = network_dir(e);
	struct werr last = {0};
	int rc = 0;

	if (args[0] == NULL) {
		werr_set(err, 0, "requires at least 1 arg(s), only received 0");
		return werr_status(err, 125);
	}
	for (size_t i = 0; args[i]; i++) {
		struct werr e2 = {0};
		if (rm_one(e, dir, args[i], o, &e2) == 0)
			continue;
		if (last.msg[0] != '\0')
			cli_error("%s", last.msg);
		last = e2;
		rc = e2.status ? e2.status : 125;
	}
	if (rc == 0)
		return 0;
	*err = last;
	return werr_status(err, rc);
}

/* ---- exists ---- */

static int cmd_network_exists(struct engine *e, void *opts, char **args, struct werr *err)
{
	cleanup_free char *dir = network_dir(e);
	struct network n = {0};
	int r;

	if (strv_len(args) != 1) {
		werr_set(err, 0, "accepts 1 arg(s), received %zu", strv_len(args));
		return werr_status(err, 125);
	}
	r = netconf_lookup(dir, args[0], &n, err);
	network_free(&n);
	if (r < 0)
		return werr_status(err, 125);
	return r == 1 ? 0 : 1;
}

/* ---- prune ---- */

struct net_prune_opts {
	bool force;
	char **filter;
};

static const struct opt prune_tab[] = {
    OPT_STRV("filter", 0, struct net_prune_opts, filter),
    OPT_BOOL("force", 'f', struct net_prune_opts, force),
    OPT_TABLE_END,
};

static void prune_fini(void *opts)
{
	strv_free(((struct net_prune_opts *)opts)->filter);
}

static const struct optspec cli_network_prune_opts = {prune_tab, sizeof(struct net_prune_opts),
						      false, NULL, prune_fini};

static int cmd_network_prune(struct engine *e, void *opts, char **args, struct werr *err)
{
	const struct net_prune_opts *o = opts;
	cleanup_strv char **removed = NULL;
	struct network *v = NULL;
	size_t n = 0;
	int rc;

	if (args[0] != NULL) {
		werr_set(err, 0, "accepts 0 arg(s), received %zu", strv_len(args));
		return werr_status(err, 125);
	}
	/* the filters are checked before the question, as Podman's */
	if (select_networks(e, o->filter, true, &v, &n, err) < 0)
		return -1;
	if (!o->force) {
		int r = cli_confirm("WARNING! This will remove all networks not used by at least "
				    "one container.\n",
				    err);
		if (r <= 0) {
			networks_free(v, n);
			return r < 0 ? werr_status(err, 125) : 0;
		}
	}
	rc = network_prune(e, v, n, &removed, err);
	networks_free(v, n);
	for (char **r = removed; r && *r; r++)
		printf("%s\n", *r);
	return rc < 0 ? werr_status(err, 125) : 0;
}

/* name, function, flags, summary, help, needs, subcommands */
const struct cmd cli_network_commands[] = {
    {"connect", cmd_network_connect, &cli_network_connect_opts,
     "put a container on one more network", cli_network_connect_help, NEEDS_STORE, NULL},
    {"create", cmd_network_create, &cli_network_create_opts, "create a network",
     NETWORK_CREATE_HELP, NEEDS_STORE, NULL},
    {"disconnect", cmd_network_disconnect, &cli_network_disconnect_opts,
     "take a container off a network", cli_network_disconnect_help, NEEDS_STORE, NULL},
    {"exists", cmd_network_exists, NULL, "check whether a network exists", NETWORK_EXISTS_HELP,
     NEEDS_STORE, NULL},
    {"inspect", cmd_network_inspect, &cli_network_inspect_opts, "show networks as JSON",
     NETWORK_INSPECT_HELP, NEEDS_STORE, NULL},
    {"list", cmd_network_ls, &cli_network_ls_opts, "list networks", NETWORK_LS_HELP, NEEDS_STORE,
     NULL},
    {"ls", cmd_network_ls, &cli_network_ls_opts, "list networks", NETWORK_LS_HELP, NEEDS_STORE,
     NULL},
    {"prune", cmd_network_prune, &cli_network_prune_opts, "remove unused networks",
     NETWORK_PRUNE_HELP, NEEDS_STORE, NULL},
    {"reload", cmd_network_reload, &cli_network_reload_opts,
     "set the networks of running containers up again", cli_network_reload_help, NEEDS_STORE, NULL},
    {"remove", cmd_network_rm, &cli_network_rm_opts, "remove networks", NETWORK_RM_HELP,
     NEEDS_STORE, NULL},
    {"rm", cmd_network_rm, &cli_network_rm_opts, "remove networks", NETWORK_RM_HELP, NEEDS_STORE,
     NULL},
    {NULL, NULL, NULL, NULL, NULL, NEEDS_STORE, NULL},
};
