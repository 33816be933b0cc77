/* ctrnet.c - a container's network mode at create time and its helper at
 * every start (see ctrnet.h). */
#include "runtime/ctrnet.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "engine/config.h"
#include "lib/log.h"
#include "lib/util.h"
#include "runtime/container.h"
#include "runtime/ctrbridge.h"
#include "runtime/ports.h"
#include "net/netconf.h"
#include "runtime/ctr_userns.h"

/* containers.conf's [network] default_rootless_network_cmd, from the files
 * the engine read (engine/config.h: the user's over the system's, and
 * CONTAINERS_CONF), slirp4netns when unset. */
static int rootless_default(struct engine *e, enum net_mode *mode, struct werr *err)
{
	const char *v =
	    e->conf ? config_str(e->conf->containers, "network", "default_rootless_network_cmd")
		    : NULL;

	*mode = NET_SLIRP;
	if (v == NULL || strcmp(v, "slirp4netns") == 0)
		return 0;
	if (strcmp(v, "pasta") == 0) {
		*mode = NET_PASTA;
		return 0;
	}
	werr_set(err, 0,
		 "containers.conf: invalid default_rootless_network_cmd \"%s\": use slirp4netns or "
		 "pasta",
		 v);
	return werr_status(err, 125);
}

/* containers.conf's [engine] network_cmd_options: slirp4netns options for
 * every container, under those of --network slirp4netns:... */
static int slirp_conf_options(struct engine *e, struct net_opts *n, struct ctrnet_made *m,
			      struct werr *err)
{
	cleanup_strv char **opts =
	    e->conf ? config_strv(e->conf->containers, "engine", "network_cmd_options") : NULL;

	if (opts != NULL && net_slirp_defaults(n, opts, &m->conf, err) < 0) {
		werr_wrap(err, "containers.conf [engine] network_cmd_options");
		return werr_status(err, 125);
	}
	return 0;
}

/* The bridge networks of o (root's default: the default network) as
 * the create's own copy, with --ip, --mac-address and --network-alias. */
static int bridge_create(struct engine *e, struct run_opts *o, struct ctrnet_made *m,
			 struct werr *err)
{
	struct net_opts *n = &o->netopts;
	size_t cnt = n->nnets ? n->nnets : 1;

	m->nets = xcalloc(cnt + 1, sizeof(*m->nets));
	m->nnets = cnt;
	if (n->nnets == 0)
		m->nets[0].name = xstrdup(netconf_default_name());
	for (size_t i = 0; i < n->nnets; i++) {
		const struct net_attach *a = &n->nets[i];
		m->nets[i] = (struct net_attach){.name = xstrdup(a->name),
						 .ip = a->ip ? xstrdup(a->ip) : NULL,
						 .mac = a->mac ? xstrdup(a->mac) : NULL,
						 .aliases = strv_copy(a->aliases),
						 .ifname = a->ifname ? xstrdup(a->ifname) : NULL};
	}
	n->nets = m->nets;
	n->nnets = m->nnets;
	if (net_bridge_flags(NET_BRIDGE, n, err) < 0)
		return -1;
	return ctrbridge_create(e, n, &m->lock, err);
}

int ctrnet_create(struct engine *e, struct run_opts *o, struct ctrnet_made *m, struct werr *err)
{
	struct net_opts *n = &o->netopts;
	struct container_rec other = {0};
	struct stat st;
	int r;

	*m = (struct ctrnet_made){.lock = -1};
	if (o->net == NET_DEFAULT) {
		if (!e->rootless)
			o->net = ctrbridge_available(e) ? NET_BRIDGE : NET_PRIVATE;
		else if (rootless_default(e, &o->net, err) < 0)
			return -1;
	}
	if (o->net == NET_SLIRP && slirp_conf_options(e, n, m, err) < 0)
		return -1;
	if (net_check_flags(o->net, n, err) < 0)
		return -1;
	if (o->net != NET_BRIDGE && net_bridge_flags(o->net, n, err) < 0)
		return -1;
	if (o->net == NET_BRIDGE)
		return bridge_create(e, o, m, err);
	if (o->net == NET_NS && stat(n->arg, &st) < 0) {
		werr_set(err, errno, "cannot find specified network namespace path: stat %s",
			 n->arg);
		return werr_status(err, 125);
	}
	if (o->net != NET_CONTAINER)
		return 0;
	r = container_lookup(e, n->arg, &other, err);
	if (r <= 0) {
		if (r == 0)
			container_not_found(n->arg, err);
		werr_wrap(err, "looking up container to share net namespace with");
		return werr_status(err, 125);
	}
	m->arg = xstrdup(other.id);
	n->arg = m->arg;
	container_rec_free(&other);
	return 0;
}

void ctrnet_made_unlock(struct ctrnet_made *m)
{
	if (m->lock >= 0)
		close(m->lock);
	m->lock = -1;
}

void ctrnet_made_free(struct ctrnet_made *m)
{
	ctrnet_made_unlock(m);
	for (size_t i = 0; i < m->nnets; i++)
		net_attach_free(&m->nets[i]);
	free(m->nets);
	free(m->arg);
	net_opts_free(&m->conf);
	*m = (struct ctrnet_made){.lock = -1};
}

void ctrnet_teardown(struct engine *e, const char *id, const char *name, const char *config)
{
	enum net_mode mode;
	struct net_opts n;

	ctrnet_from_config(config, &mode, &n);
	if (mode == NET_BRIDGE)
		ctrbridge_teardown(e, id, name, &n);
	net_opts_free(&n);
}

int ctrnet_copy_etc(struct engine *e, const struct run_opts *o, const char *dir, struct werr *err)
{
	static const char *const files[] = {"hosts", "resolv.conf"};
	struct container_rec other = {0};
	cleanup_free char *src = NULL;
	cleanup_close int dfd = -1;

	if (o->net != NET_CONTAINER)
		return 0;
	if (container_lookup(e, o->netopts.arg, &other, err) <= 0)
		return 0; /* gone meanwhile: the start says so */
	src = container_bundle_dir(e, &other);
	container_rec_free(&other);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return werr_set(err, errno, "open '%s'", dir);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		cleanup_free char *path = xasprintf("%s/%s", src, files[i]);
		size_t len = 0;
		cleanup_free char *text = read_file_at(AT_FDCWD, path, &len, NULL);
		if (text && write_file_at(dfd, files[i], text, len, 0644, err) < 0)
			return -1;
	}
	return 0;
}

void ctrnet_from_config(const char *config, enum net_mode *mode, struct net_opts *n)
{
	cleanup_json struct json_object *j = config ? json_tokener_parse(config) : NULL;

	ctrnet_from_json(j, mode, n);
}

void ctrnet_from_json(struct json_object *j, enum net_mode *mode, struct net_opts *n)
{
	struct json_object *nc = jget(j, "NetConfig");
	const char *nm = jstr(jget(j, "HostConfig"), "NetworkMode");

	*n = (struct net_opts){0};
	if (nc != NULL) {
		net_opts_from_json(nc, mode, n);
		return;
	}
	/* made before network modes: none, host, or lo only */
	*mode = nm && strcmp(nm, "host") == 0	? NET_HOST
		: nm && strcmp(nm, "none") == 0 ? NET_NONE
						: NET_PRIVATE;
}

/* port_handler=slirp4netns: slirp4netns gets an API socket (a short
 * random name: a unix socket path has room for 107 bytes only) */
static int api_prepare(struct engine *e, struct ctrnet *cn, struct werr *err)
{
	cleanup_free char *dir = xasprintf("%s/slirp", e->runroot);
	char name[13];

	if (cn->mode != NET_SLIRP || cn->n.slirp_port_handler == NULL ||
	    strcmp(cn->n.slirp_port_handler, "slirp4netns") != 0)
		return 0;
	if (mkdir_p(dir, 0700, err) < 0)
		return -1;
	random_hex(name, 12);
	cn->api_path = xasprintf("%s/%s.sock", dir, name);
	cn->n.api_socket = cn->api_path;
	return 0;
}

/* ... and, once it runs, the container's published ports */
static int api_ports(struct ctrnet *cn, struct werr *err)
{
	cleanup_free struct port_map *maps = NULL;
	size_t nmaps = cn->api_path ? ports_of_config(cn->config, &maps) : 0, nf = 0;
	cleanup_free struct net_fwd *fwd = NULL;
	int r;

	for (size_t i = 0; i < nmaps; i++)
		nf += maps[i].range;
	fwd = xcalloc(nf + 1, sizeof(*fwd));
	nf = 0;
	for (size_t i = 0; i < nmaps; i++)
		for (int k = 0; k < maps[i].range; k++)
			fwd[nf++] = (struct net_fwd){.proto = maps[i].proto,
						     .host_addr = maps[i].host_ip,
						     .host_port = maps[i].host_port + k,
						     .guest_port = maps[i].ctr_port + k};
	r = nf ? net_slirp_hostfwd(cn->api_path, fwd, nf, err) : 0;
	if (cn->api_path)
		unlink(cn->api_path);
	return r;
}

static int helper_setup(void *arg, pid_t pid, int netns_fd, struct werr *err)
{
	struct ctrnet *cn = arg;

	if (net_helper_start(cn->mode, &cn->n, pid, netns_fd, cn->log_path, &cn->help, err) < 0)
		return -1;
	return api_ports(cn, err);
}

/* container:REF: the netns of its running init. */
static int join_container(struct engine *e, struct ctrnet *cn, struct werr *err)
{
	struct container_rec other = {0};
	cleanup_free char *path = NULL;
	int r = container_lookup(e, cn->n.arg, &other, err);

	if (r <= 0) {
		if (r == 0)
			container_not_found(cn->n.arg, err);
		werr_wrap(err, "looking up container to share net namespace with");
		return werr_status(err, 125);
	}
	if (other.state != CTR_RUNNING || other.pid <= 0) {
		werr_set(err, 0,
			 "cannot join the network namespace of container %s: it is not running "
			 "(start it first)",
			 other.name);
		container_rec_free(&other);
		return werr_status(err, 125);
	}
	path = xasprintf("/proc/%d/ns/net", (int)other.pid);
	cn->netns_fd = open(path, O_RDONLY | O_CLOEXEC);
	/* the pid is its init's still (not a recycled one) once we hold the ns */
	r = cn->netns_fd >= 0 && proc_alive(other.pid, other.pid_start) ? 0 : -1;
	if (r < 0)
		werr_set(err, 0, "cannot join the network namespace of container %s: it exited",
			 other.name);
	container_rec_free(&other);
	return r < 0 ? werr_status(err, 125) : 0;
}

static int bridge_setup(void *arg, pid_t pid, int netns_fd, struct werr *err)
{
	struct ctrnet *cn = arg;

	(void)pid;
	return ctrbridge_setup(cn->e, cn->id, cn->name, &cn->n, netns_fd, err);
}

static int early_ready(void *arg, pid_t pid, int netns_fd, struct werr *err)
{
	struct ctrnet *cn = arg;

	(void)pid; /* it joined the holder's netns, where the helper is */
	(void)netns_fd;
	if (net_helper_ready(&cn->help, cn->log_path, err) < 0)
		return -1;
	return api_ports(cn, err);
}

int ctrnet_early(struct engine *e, const struct run_opts *o, const char *bundle, struct ctrnet *cn,
		 struct werr *err)
{
	cleanup_json struct json_object *j = NULL;
	cleanup_free char *ns = NULL;

	(void)e;
	if (!o->net_early || o->net != NET_SLIRP || (o->uns && o->uns->kind != CTR_USERNS_ENGINE))
		return 0;
	if (net_helper_check(o->net, err) < 0)
		return -1;
	*cn = (struct ctrnet){.active = true,
			      .early = true,
			      .netns_fd = -1,
			      .help = {.hold_fd = -1},
			      .holder_ctl = -1};
	j = net_opts_to_json(o->net, &o->netopts); /* a copy of its own */
	net_opts_from_json(j, &cn->mode, &cn->n);
	cn->log_path = xasprintf("%s/slirp4netns.log", bundle);
	if (api_prepare(e, cn, err) < 0 || net_holder_start(&cn->holder, &cn->holder_ctl, err) < 0)
		return -1;
	ns = xasprintf("/proc/%d/ns/net", (int)cn->holder);
	cn->netns_fd = open(ns, O_RDONLY | O_CLOEXEC);
	if (cn->netns_fd < 0)
		return werr_set(err, errno, "open '%s'", ns);
	return net_helper_spawn(cn->mode, &cn->n, cn->holder, cn->log_path, &cn->help, err);
}

int ctrnet_prepare(struct engine *e, const struct container_rec *c, const char *bundle,
		   struct ctrnet *cn, struct exec_opts *xo, struct werr *err)
{
	if (cn->active && cn->early) {
		cn->config = c->config;
		xo->join_netns = true;
		xo->netns_fd = cn->netns_fd;
		xo->net_setup = early_ready;
		xo->net_arg = cn;
		return 0;
	}
	*cn = (struct ctrnet){.active = true, .netns_fd = -1, .help = {.hold_fd = -1}};
	ctrnet_from_config(c->config, &cn->mode, &cn->n);
	cn->config = c->config;
	if (cn->mode == NET_SLIRP || cn->mode == NET_PASTA) {
		if (net_helper_check(cn->mode, err) < 0 || api_prepare(e, cn, err) < 0)
			return -1;
		cn->log_path =
		    xasprintf("%s/%s.log", bundle, cn->mode == NET_PASTA ? "pasta" : "slirp4netns");
		xo->net_setup = helper_setup;
		xo->net_arg = cn;
	} else if (cn->mode == NET_BRIDGE) {
		cn->e = e;
		cn->id = c->id;
		cn->name = c->name;
		xo->net_setup = bridge_setup;
		xo->net_arg = cn;
	} else if (cn->mode == NET_CONTAINER) {
		if (join_container(e, cn, err) < 0)
			return -1;
		xo->join_netns = true;
		xo->netns_fd = cn->netns_fd;
	}
	return 0;
}

/* The holder may go once the container is in its netns (or never will). */
static void holder_end(struct ctrnet *cn)
{
	if (cn->early && cn->holder_ctl >= 0) {
		close(cn->holder_ctl);
		cn->holder_ctl = -1;
	}
}

void ctrnet_started(struct ctrnet *cn)
{
	if (cn->active)
		holder_end(cn);
}

void ctrnet_end(struct ctrnet *cn)
{
	if (!cn->active)
		return;
	net_helper_end(&cn->help);
	holder_end(cn);
}

static void release(struct ctrnet *cn, bool wait)
{
	if (!cn->active)
		return;
	net_helper_stop(&cn->help, wait || cn->api_path != NULL);
	holder_end(cn);
	if (cn->early && cn->holder > 0)
		while (waitpid(cn->holder, NULL, 0) < 0 && errno == EINTR)
			;
	if (cn->netns_fd >= 0)
		close(cn->netns_fd);
	net_opts_free(&cn->n);
	if (cn->api_path)
		unlink(cn->api_path);
	free(cn->api_path);
	free(cn->log_path);
	*cn = (struct ctrnet){.netns_fd = -1, .help = {.hold_fd = -1}};
}

void ctrnet_release(struct ctrnet *cn)
{
	release(cn, true);
}

void ctrnet_release_nowait(struct ctrnet *cn)
{
	release(cn, false);
}
