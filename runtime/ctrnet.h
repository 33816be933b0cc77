/* ctrnet.h - a container's network at create and start time: the mode
 * chosen (the engine's default: containers.conf's
 * default_rootless_network_cmd, else slirp4netns; root: a private netns
 * with lo), the netns it joins (container:REF, ns:PATH), and the helper
 * (slirp4netns, pasta) whose lifetime is the container's: its owner (the
 * foreground CLI, or the monitor of a detached container) holds the
 * helper's fd and lets go of it when the container exits. */
#ifndef WARREN_CTRNET_H
#define WARREN_CTRNET_H

#include "engine/engine.h"
#include "lib/err.h"
#include "net/net.h"
#include "runtime/executor.h"
#include "runtime/spec.h"
#include "storage/store.h"

/* What ctrnet_create made for the create's copy of the options, which
 * borrows it. */
struct ctrnet_made {
	char *arg;		 /* container:REF's full id */
	struct net_attach *nets; /* the bridge networks, with their addresses */
	size_t nnets;
	int lock;	      /* the address lock: held until the record is stored */
	struct net_opts conf; /* containers.conf's network_cmd_options */
};

/* At create: the mode that NET_DEFAULT stands for (rootless: slirp4netns
 * or containers.conf's choice; root: the "podman" bridge network when
 * netavark is installed, else lo only), container:REF looked up (its full
 * id; a container that does not exist: Podman's error), bridge networks
 * looked up and addresses given (runtime/ctrbridge.h), the flags checked
 * against the mode. o is the create's copy: it borrows from *m. */
int ctrnet_create(struct engine *e, struct run_opts *o, struct ctrnet_made *m, struct werr *err);

/* The record is stored: the address lock goes. */
void ctrnet_made_unlock(struct ctrnet_made *m);
void ctrnet_made_free(struct ctrnet_made *m);

/* The container (config: its saved config JSON) has ended or its start
 * failed: bridge networks torn down (nothing for other modes). */
void ctrnet_teardown(struct engine *e, const char *id, const char *name, const char *config);

/* container:REF: the other container's hosts and resolv.conf copied into
 * dir (they share a network, so they share its names). */
int ctrnet_copy_etc(struct engine *e, const struct run_opts *o, const char *dir, struct werr *err);

/* What the network of a container saved with create_config (the
 * container's config JSON) is: mode and options (caller frees n). */
void ctrnet_from_config(const char *config, enum net_mode *mode, struct net_opts *n);
/* The same from the config already parsed (j, may be NULL): a listing
 * parses each container's config once. */
void ctrnet_from_json(struct json_object *j, enum net_mode *mode, struct net_opts *n);

/* One start of a container's process. */
struct ctrnet {
	bool active; /* prepared (a zeroed one is inert) */
	enum net_mode mode;
	struct net_opts n;
	char *log_path;		/* the helper's log, in the bundle dir */
	int netns_fd;		/* container:REF's netns, -1 */
	struct net_helper help; /* the helper once started (pid 0: none) */
	bool early;		/* started by ctrnet_early, in the holder's netns */
	struct engine *e;	/* bridge: the setup's */
	const char *config;	/* the container's config (borrowed): its ports */
	char *api_path;		/* slirp4netns's API socket (port_handler=slirp4netns) */
	const char *id, *name;	/* bridge: the container (borrowed) */
	pid_t holder;
	int holder_ctl;
};

/* `run` in the foreground (o->net_early): slirp4netns starts while the
 * container is made, in a new netns that a holder process keeps until
 * the container's process joins it (the same start then only waits for
 * the ready byte). Not with a user namespace of the container's own,
 * which would not own that netns. Nothing to do for other modes. */
int ctrnet_early(struct engine *e, const struct run_opts *o, const char *bundle, struct ctrnet *cn,
		 struct werr *err);

/* Before a start: reads c's network, checks that its helper can run and
 * that a container it shares the netns of runs ("... is not running"),
 * and sets the exec options that start the helper once the process
 * exists (xo->net_setup) or join that netns. cn is freed with
 * ctrnet_release. */
int ctrnet_prepare(struct engine *e, const struct container_rec *c, const char *bundle,
		   struct ctrnet *cn, struct exec_opts *xo, struct werr *err);

/* The container's process runs (in the holder's netns, if any): the
 * holder may go. */
void ctrnet_started(struct ctrnet *cn);

/* The container has exited: the helper is told to end (ctrnet_release
 * reaps it). */
void ctrnet_end(struct ctrnet *cn);

/* Stops the helper (if still held here) and frees cn. */
void ctrnet_release(struct ctrnet *cn);

/* ctrnet_release that does not wait for slirp4netns to exit (a foreground
 * run's end: some 20 ms off every `run --rm`), unless its API socket
 * serves published ports, which must be free when this returns. */
void ctrnet_release_nowait(struct ctrnet *cn);

#endif
