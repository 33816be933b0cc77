/* rnetns.h - where bridge networks live and how a container joins them.
 *
 * Root mode: netavark makes the bridges on the host. Rootless: one shared
 * rootless network namespace per store (as Podman has per user), held by
 * a tiny process (warren-monitor in its "warren-netns" mode, under 1 MiB),
 * with its own mount namespace where /etc/resolv.conf names slirp4netns's
 * DNS forwarder (aardvark-dns asks it for names outside the networks), and
 * one slirp4netns for the way out. netavark runs inside it; the bridges,
 * their firewall rules and aardvark-dns are all in there, so nothing of
 * it touches the host.
 *
 * A container's network namespace is kept as a bind mount at
 * <runroot>/netns/<id> from setup to teardown (the teardown needs it after
 * the container's processes are gone); those files are also the users of
 * the rootless namespace: the last teardown ends it. Everything is done
 * under one lock (<runroot>/netns/.lock; root: <userrun>/networks/.lock,
 * since root's bridges are the host's whatever the store). */
#ifndef WARREN_RNETNS_H
#define WARREN_RNETNS_H

#include <stdbool.h>
#include <sys/types.h>

#include "engine/engine.h"
#include "lib/err.h"

/* Where netavark runs, under the lock. */
struct rnetns {
	int lock;	  /* flock of <runroot>/netns/.lock */
	int netns_fd;	  /* rootless: the shared netns; root: -1 (the host's) */
	int mntns_fd;	  /* rootless: its mount namespace; root: -1 */
	char *config_dir; /* netavark's --config (aardvark-dns's state) */
};

/* Takes the lock and, rootless with start, starts the shared namespace
 * when it is not running (slirp4netns, /dev/net/tun: the fix in the
 * message). Without start (a teardown) a namespace that is gone is not
 * made again: netns_fd stays -1 and rootless callers skip netavark. */
int rnetns_enter(struct engine *e, bool start, struct rnetns *r, struct werr *err);

/* Releases the lock (and the fds); when no container's netns file is
 * left, ends the rootless namespace first. */
void rnetns_leave(struct engine *e, struct rnetns *r);

/* The file that keeps a container's netns: <runroot>/netns/<id>. */
char *rnetns_ctr_path(struct engine *e, const char *id);

/* Keeps the netns open as fd at the container's file (bind mount). */
int rnetns_keep(struct engine *e, const char *id, int netns_fd, struct werr *err);

/* Lets the container's file go (umount, unlink). */
void rnetns_drop(struct engine *e, const char *id);

/* The holder's pid when the rootless namespace runs, else 0 (`info`,
 * tests). */
pid_t rnetns_holder(struct engine *e);

#endif
