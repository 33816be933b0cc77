/* ctrbridge.c - a container's bridge networks (see ctrbridge.h). */
#include "runtime/ctrbridge.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/config.h"
#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/util.h"
#include "net/netavark.h"
#include "net/netconf.h"
#include "runtime/ctrnet.h"
#include "runtime/netusers.h"
#include "runtime/rnetns.h"
#include "storage/store.h"

#define BAD(...) (werr_set(err, 0, __VA_ARGS__), werr_status(err, 125))

/* containers.conf's [engine] helper_binaries_dir (NULL: Podman's list) */
static char **helper_dirs(struct engine *e)
{
	return e->conf ? config_strv(e->conf->containers, "engine", "helper_binaries_dir") : NULL;
}

bool ctrbridge_available(struct engine *e)
{
	cleanup_strv char **dirs = helper_dirs(e);
	cleanup_free char *nv = netavark_find("netavark", dirs);

	return nv != NULL;
}

static char *status_path(struct engine *e, const char *id)
{
	return xasprintf("%s/netstatus/%s.json", e->runroot, id);
}

/* The addresses other containers have on network name (NULL-terminated;
 * skip: a container id not to count). */
static int used_ips(struct engine *e, const char *name, char ***out, struct werr *err)
{
	struct container_rec *v = NULL;
	size_t n = 0;
	char **ips = NULL;

	if (store_container_list(e->store, &v, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		cleanup_json struct json_object *j =
		    v[i].config ? json_tokener_parse(v[i].config) : NULL;
		struct json_object *x = jget(jget(jget(j, "NetConfig"), "Networks"), name);
		const char *ip = jstr(x, "IP"), *ip6 = jstr(x, "IP6");
		if (ip)
			ips = strv_append(ips, ip);
		if (ip6)
			ips = strv_append(ips, ip6);
	}
	container_recs_free(v, n);
	*out = ips ? ips : strv_append(NULL, "0.0.0.0");
	return 0;
}

/* The id of the container that has ip on name, for the message. */
static bool ip_taken(char **used, const char *ip)
{
	for (char **u = used; u && *u; u++)
		if (strcmp(*u, ip) == 0)
			return true;
	return false;
}

static int lock_dir(const char *dir, int *lock, struct werr *err)
{
	cleanup_free char *p = xasprintf("%s/.ipam.lock", dir);

	if (mkdir_p(dir, 0700, err) < 0)
		return -1;
	*lock = open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (*lock < 0)
		return werr_set(err, errno, "open '%s'", p);
	while (flock(*lock, LOCK_EX) < 0)
		if (errno != EINTR) {
			werr_set(err, errno, "lock '%s'", p);
			close(*lock);
			*lock = -1;
			return -1;
		}
	return 0;
}

/* The IPv6 address of a on subnet s6: the one asked for (a->ip6, checked)
 * or the first free one. */
static int attach_ip6(struct net_attach *a, const struct net_subnet *s6, char **used,
		      struct werr *err)
{
	char ip[INET6_ADDRSTRLEN];
	const char *slash = strchr(s6->subnet, '/');

	if (a->ip6 != NULL) {
		if (!netconf_ip6_in(s6, a->ip6, ip))
			return BAD("requested static ip %s not in any subnet on network %s", a->ip6,
				   a->name);
		if (ip_taken(used, ip))
			return BAD("IPAM error: requested ip address %s is already allocated on "
				   "network %s",
				   ip, a->name);
	} else if (netconf_ip6_alloc(s6, used, ip, err) < 0) {
		werr_wrap(err, "IPAM error: no address left on network %s", a->name);
		return werr_status(err, 125);
	}
	free(a->ip6);
	a->ip6 = xstrdup(ip);
	free(a->gateway6);
	a->gateway6 = s6->gateway ? xstrdup(s6->gateway) : NULL;
	a->prefix6 = slash ? atoi(slash + 1) : 128;
	return 0;
}

/* One network of the container: looked up, its addresses given or checked
 * (one per family the network has subnets of: IPv4, IPv6 or both). */
static int attach_one(struct engine *e, const char *dir, struct net_attach *a, size_t pos,
		      struct werr *err)
{
	struct network net = {0};
	cleanup_strv char **used = NULL;
	const struct net_subnet *s = NULL, *s6 = NULL;
	char ip[16];
	int r = netconf_lookup(dir, a->name, &net, err);

	if (r <= 0) {
		if (r == 0)
			BAD("unable to find network with name or ID %s: network not found",
			    a->name);
		return -1;
	}
	free(a->name);
	a->name = xstrdup(net.name);
	r = 0; /* (1 from the lookup: a fixed address kept it, and lost the gateway and ifname) */
	/* the first subnet of each family is the container's */
	for (size_t i = 0; i < net.nsubnets; i++) {
		bool v6 = strchr(net.subnets[i].subnet, ':') != NULL;
		if (v6 && s6 == NULL)
			s6 = &net.subnets[i];
		else if (!v6 && s == NULL)
			s = &net.subnets[i];
	}
	/* an asked-for IPv6 address (--ip, NAME:ip=) goes to the IPv6 subnet */
	if (a->ip != NULL && strchr(a->ip, ':') != NULL) {
		free(a->ip6);
		a->ip6 = a->ip;
		a->ip = NULL;
		if (s6 == NULL) {
			r = BAD("requested static ip %s not in any subnet on network %s", a->ip6,
				a->name);
			goto out;
		}
	}
	if (s == NULL && s6 == NULL) {
		r = BAD("network %s has no subnet", a->name);
		goto out;
	}
	if (used_ips(e, a->name, &used, err) < 0) {
		r = -1;
		goto out;
	}
	if (s == NULL && a->ip != NULL)
		r = BAD("requested static ip %s not in any subnet on network %s", a->ip, a->name);
	else if (s == NULL)
		r = 0;
	else if (a->ip != NULL) {
		if (!netconf_ip_in(s, a->ip))
			r = BAD("requested static ip %s not in any subnet on network %s", a->ip,
				a->name);
		else if (ip_taken(used, a->ip))
			r = BAD("IPAM error: requested ip address %s is already allocated on "
				"network %s",
				a->ip, a->name);
	} else if ((r = netconf_ip_alloc(s, used, ip, err)) == 0) {
		a->ip = xstrdup(ip);
	} else {
		werr_wrap(err, "IPAM error: no address left on network %s", a->name);
		r = werr_status(err, 125);
	}
	if (r == 0 && s6 != NULL)
		r = attach_ip6(a, s6, used, err);
	if (r == 0) {
		const char *slash = s ? strchr(s->subnet, '/') : NULL;
		free(a->gateway);
		a->gateway = s && s->gateway ? xstrdup(s->gateway) : NULL;
		a->prefix = s ? (slash ? atoi(slash + 1) : 32) : 0;
		a->dns = net.dns;
		if (a->ifname == NULL)
			a->ifname = xasprintf("eth%zu", pos);
	}
out:
	network_free(&net);
	return r;
}

int ctrbridge_create(struct engine *e, struct net_opts *n, int *lock, struct werr *err)
{
	cleanup_free char *dir = network_dir(e);
	cleanup_strv char **dirs = helper_dirs(e);

	*lock = -1;
	if (netavark_check(dirs, err) < 0 || lock_dir(dir, lock, err) < 0)
		return -1;
	for (size_t i = 0; i < n->nnets; i++) {
		if (attach_one(e, dir, &n->nets[i], i, err) < 0)
			goto fail;
		for (size_t j = 0; j < i; j++)
			if (strcmp(n->nets[j].name, n->nets[i].name) == 0) {
				BAD("network %s is given twice", n->nets[i].name);
				goto fail;
			}
	}
	return 0;
fail:
	close(*lock);
	*lock = -1;
	return -1;
}

/* The definitions of n's networks, in n's order. */
static int load_defs(struct engine *e, const struct net_opts *n, struct network **out,
		     struct werr *err)
{
	cleanup_free char *dir = network_dir(e);
	struct network *defs = xcalloc(n->nnets + 1, sizeof(*defs));

	for (size_t i = 0; i < n->nnets; i++) {
		int r = netconf_lookup(dir, n->nets[i].name, &defs[i], err);
		if (r <= 0) {
			if (r == 0)
				BAD("unable to find network with name or ID %s: network not found",
				    n->nets[i].name);
			networks_free(defs, i);
			return -1;
		}
	}
	*out = defs;
	return 0;
}

static void save_status(struct engine *e, const char *id, struct json_object *st)
{
	cleanup_free char *dir = xasprintf("%s/netstatus", e->runroot);
	cleanup_free char *name = xasprintf("%s.json", id);
	const char *text = json_object_to_json_string_ext(st, JSON_C_TO_STRING_PLAIN);
	struct werr err = {0};
	cleanup_close int dfd = -1;

	if (mkdir_p(dir, 0700, &err) == 0 &&
	    (dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0)
		write_file_atomic_at(dfd, name, text, strlen(text), 0600, &err);
	if (err.msg[0])
		log_warn("network status of %.12s: %s", id, err.msg);
}

/* netavark's run in the namespaces of r (rootless: the shared one) for the
 * container whose netns is open as ctr_fd. */
static struct netavark_run run_in(struct engine *e, const struct rnetns *r, char *const *dirs,
				  int ctr_fd)
{
	return (struct netavark_run){.dirs = dirs,
				     .config_dir = r->config_dir,
				     .rootless = e->rootless,
				     .netns_fd = r->netns_fd,
				     .mntns_fd = r->mntns_fd,
				     .ctr_netns_fd = ctr_fd};
}

int ctrbridge_setup(struct engine *e, const char *id, const char *name, const struct net_opts *n,
		    int netns_fd, struct werr *err)
{
	cleanup_strv char **dirs = helper_dirs(e);
	struct network *defs = NULL;
	struct json_object *opts = NULL, *status = NULL;
	struct rnetns r;
	int rc = -1;

	if (load_defs(e, n, &defs, err) < 0)
		return -1;
	if (rnetns_enter(e, true, &r, err) < 0) {
		networks_free(defs, n->nnets);
		return -1;
	}
	rnetns_drop(e, id); /* a start that died before its teardown */
	if (rnetns_keep(e, id, netns_fd, err) == 0) {
		struct netavark_run run = run_in(e, &r, dirs, netns_fd);
		opts = netavark_options(id, name, n->nets, defs, n->nnets);
		rc = netavark_setup(&run, opts, &status, err);
		if (rc < 0)
			rnetns_drop(e, id);
	}
	if (rc == 0) {
		save_status(e, id, status);
		json_object_put(status);
	}
	json_object_put(opts);
	networks_free(defs, n->nnets);
	rnetns_leave(e, &r);
	return rc;
}

void ctrbridge_teardown(struct engine *e, const char *id, const char *name,
			const struct net_opts *n)
{
	cleanup_free char *path = rnetns_ctr_path(e, id), *st = status_path(e, id);
	cleanup_strv char **dirs = helper_dirs(e);
	struct network *defs = NULL;
	struct werr err = {0};
	struct rnetns r;
	cleanup_close int fd = -1;

	if (access(path, F_OK) < 0)
		return;
	if (rnetns_enter(e, false, &r, &err) < 0) {
		log_warn("network teardown of %.12s: %s", id, err.msg);
		return;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	/* rootless with the namespace gone: its bridges went with it */
	if (fd >= 0 && (!e->rootless || r.netns_fd >= 0) && load_defs(e, n, &defs, &err) == 0) {
		struct netavark_run run = run_in(e, &r, dirs, fd);
		cleanup_json struct json_object *opts =
		    netavark_options(id, name, n->nets, defs, n->nnets);
		if (netavark_teardown(&run, opts, &err) < 0)
			log_warn("network teardown of %.12s: %s", id, err.msg);
		networks_free(defs, n->nnets);
	} else if (err.msg[0]) {
		log_warn("network teardown of %.12s: %s", id, err.msg);
	}
	if (fd >= 0) {
		close(fd);
		fd = -1;
	}
	rnetns_drop(e, id);
	unlink(st);
	rnetns_leave(e, &r);
}

struct json_object *ctrbridge_status(struct engine *e, const char *id)
{
	cleanup_free char *p = status_path(e, id);
	cleanup_free char *t = read_file_max(p, 1 << 20, NULL, NULL);

	return t ? json_tokener_parse(t) : NULL;
}

/* ---- network connect / disconnect ---- */

/* c's saved config with NetConfig.Networks as n's (stored). */
static int save_nets(struct engine *e, const struct container_rec *c, const struct net_opts *n,
		     struct werr *err)
{
	cleanup_json struct json_object *j = c->config ? json_tokener_parse(c->config) : NULL;
	cleanup_json struct json_object *nj = net_opts_to_json(NET_BRIDGE, n);
	struct json_object *nc = jget(j, "NetConfig");

	if (nc == NULL)
		return werr_set(err, 0, "container %.12s has no network configuration", c->id);
	jset(nc, "Networks", json_object_get(jget(nj, "Networks")));
	return store_container_set_config(
	    e->store, c->id, json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN), err);
}

/* Runs netavark for the one network a of a running container c. */
static int one_network(struct engine *e, const struct container_rec *c, const struct net_attach *a,
		       bool setup, struct werr *err)
{
	cleanup_free char *dir = network_dir(e), *path = rnetns_ctr_path(e, c->id);
	cleanup_strv char **dirs = helper_dirs(e);
	struct network def = {0};
	struct rnetns r;
	int r2, rc = -1;
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return werr_set(err, errno, "the network namespace of %.12s is not kept", c->id);
	r2 = netconf_lookup(dir, a->name, &def, err);
	if (r2 <= 0)
		return r2 == 0 ? BAD("unable to find network with name or ID %s: network not found",
				     a->name)
			       : -1;
	if (rnetns_enter(e, true, &r, err) == 0) {
		struct netavark_run run = run_in(e, &r, dirs, fd);
		cleanup_json struct json_object *opts =
		    netavark_options(c->id, c->name, a, &def, 1);
		struct json_object *st = NULL;
		rc = setup ? netavark_setup(&run, opts, &st, err)
			   : netavark_teardown(&run, opts, err);
		if (rc == 0) {
			/* the status keeps one entry per network */
			cleanup_json struct json_object *all = ctrbridge_status(e, c->id);
			if (!json_object_is_type(all, json_type_object)) {
				json_object_put(all);
				all = json_object_new_object();
			}
			if (st)
				jset(all, a->name, json_object_get(jget(st, a->name)));
			else
				json_object_object_del(all, a->name);
			save_status(e, c->id, all);
		}
		json_object_put(st);
		rnetns_leave(e, &r);
	}
	network_free(&def);
	return rc;
}

static bool running(const struct container_rec *c)
{
	return c->state == CTR_RUNNING && c->pid > 0;
}

int ctrbridge_connect(struct engine *e, const struct container_rec *c, const char *net,
		      const struct net_attach *req, struct werr *err)
{
	cleanup_free char *dir = network_dir(e);
	enum net_mode mode;
	struct net_opts n;
	struct net_attach *a;
	int lock = -1, rc = -1;

	ctrnet_from_config(c->config, &mode, &n);
	if (mode != NET_BRIDGE) {
		cleanup_free char *m = net_mode_string(mode, &n);
		net_opts_free(&n);
		return BAD("container %s is not on bridge networks (its network mode is %s): "
			   "only those can be connected to another",
			   c->name, m);
	}
	if (lock_dir(dir, &lock, err) < 0)
		goto out;
	n.nets = xrealloc(n.nets, (n.nnets + 1) * sizeof(*n.nets));
	a = &n.nets[n.nnets];
	*a = (struct net_attach){.name = xstrdup(net),
				 .ip = req && req->ip ? xstrdup(req->ip) : NULL,
				 .ip6 = req && req->ip6 ? xstrdup(req->ip6) : NULL,
				 .mac = req && req->mac ? xstrdup(req->mac) : NULL,
				 .aliases = req ? strv_copy(req->aliases) : NULL};
	if (attach_one(e, dir, a, n.nnets, err) < 0) {
		net_attach_free(a);
		goto out;
	}
	n.nnets++;
	for (size_t i = 0; i + 1 < n.nnets; i++)
		if (strcmp(n.nets[i].name, a->name) == 0) {
			BAD("container %s is already connected to network %s", c->name, a->name);
			goto out;
		}
	if (running(c) && one_network(e, c, a, true, err) < 0)
		goto out;
	rc = save_nets(e, c, &n, err);
	if (rc < 0 && running(c))
		one_network(e, c, a, false, &(struct werr){0});
out:
	if (lock >= 0)
		close(lock);
	net_opts_free(&n);
	return rc;
}

int ctrbridge_disconnect(struct engine *e, const struct container_rec *c, const char *net,
			 struct werr *err)
{
	cleanup_free char *dir = network_dir(e);
	struct network def = {0};
	enum net_mode mode;
	struct net_opts n;
	size_t i;
	int rc = -1;
	int r = netconf_lookup(dir, net, &def, err);

	if (r <= 0)
		return r == 0 ? BAD("unable to find network with name or ID %s: network not found",
				    net)
			      : -1;
	ctrnet_from_config(c->config, &mode, &n);
	for (i = 0; mode == NET_BRIDGE && i < n.nnets; i++)
		if (strcmp(n.nets[i].name, def.name) == 0)
			break;
	if (mode != NET_BRIDGE || i == n.nnets) {
		BAD("container %s is not connected to network %s", c->name, def.name);
		goto out;
	}
	if (running(c) && one_network(e, c, &n.nets[i], false, err) < 0)
		goto out;
	net_attach_free(&n.nets[i]);
	memmove(&n.nets[i], &n.nets[i + 1], (n.nnets - i - 1) * sizeof(*n.nets));
	n.nnets--;
	rc = save_nets(e, c, &n, err);
out:
	network_free(&def);
	net_opts_free(&n);
	return rc;
}

int ctrbridge_reload(struct engine *e, const struct container_rec *c, struct werr *err)
{
	enum net_mode mode;
	struct net_opts n;
	int rc = 0;

	if (!running(c))
		return BAD("cannot reload network unless container network has been configured: "
			   "container state improper");
	ctrnet_from_config(c->config, &mode, &n);
	for (size_t i = 0; mode == NET_BRIDGE && i < n.nnets && rc == 0; i++) {
		/* a teardown of rules already gone fails: only the setup counts */
		one_network(e, c, &n.nets[i], false, &(struct werr){0});
		rc = one_network(e, c, &n.nets[i], true, err);
	}
	net_opts_free(&n);
	return rc;
}

void ctrbridge_check(struct engine *e, struct checks *c)
{
	static const char *const progs[] = {"netavark", "aardvark-dns"};
	cleanup_strv char **dirs = helper_dirs(e);

	for (size_t i = 0; i < ARRAY_SIZE(progs); i++) {
		struct check_result *r = check_add(c, progs[i]);
		cleanup_free char *p = netavark_find(progs[i], dirs);
		if (p != NULL) {
			check_set(r, CHECK_OK, "%s", p);
			continue;
		}
		check_set(r, CHECK_WARN, "%s not found: %s", progs[i],
			  i == 0 ? "no bridge networks (network create, --network NAME); root's "
				   "default network is then lo only"
				 : "containers on bridge networks cannot find each other by name");
		check_fix(r, "ask an admin to run 'apt-get install %s' (Debian, Ubuntu)", progs[i]);
	}
}
