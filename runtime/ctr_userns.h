/* ctr_userns.h - a container's user namespace (issue 8): --userns=host,
 * keep-id[:uid=N,gid=N], nomap, auto[:size=N], ns:PATH, --uidmap/--gidmap,
 * --subuidname/--subgidname, resolved at create time into the maps that
 * config.json carries (linux.uidMappings/gidMappings) and inspect shows.
 *
 * Rootless, "host" ids are those of the pause process's namespace (0 the
 * user, 1.. the sub-ids), as in rootless Podman. The executor creates the
 * namespace, writes the maps and gives the container an idmapped mount of
 * the rootfs, so that the image's files keep their owners inside without
 * a chown of any layer (runtime/executor_userns.c). */
#ifndef WARREN_CTR_USERNS_H
#define WARREN_CTR_USERNS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "lib/err.h"
#include "storage/driver.h"
#include "userns/idmapopt.h"

struct run_opts;

enum ctr_userns_kind {
	CTR_USERNS_ENGINE =
	    0,		    /* the engine's own: the pause namespace rootless, the host's as root */
	CTR_USERNS_PRIVATE, /* a new one with the maps below */
	CTR_USERNS_PATH,    /* --userns=ns:PATH: joined */
};

struct ctr_userns {
	enum ctr_userns_kind kind;
	const char *mode; /* HostConfig.UsernsMode: "", "host", "private" (Podman 4's), "ns:PATH" */
	char *path;	  /* CTR_USERNS_PATH */
	bool auto_;	  /* --userns=auto: its ranges count as taken for the next one */
	bool keep_id;	  /* run as the user (unless -u) with a passwd entry for it */
	uint32_t keep_uid, keep_gid;
	char *keep_name; /* login name (plain keep-id) or the uid as text (keep-id:uid=N) */
	bool keep_user;	 /* the process runs as keep_uid:keep_gid (no -u) */
	struct idmap uid[IDMAPOPT_MAX], gid[IDMAPOPT_MAX];
	size_t nuid, ngid;
	/* who shows the rootfs with the container's ids (ctr_userns_storage):
	 * NULL the kernel (an idmapped mount), "fuse-overlayfs", "none" */
	const char *rootfs_idmap;
};

/* Resolves the options of o into *u (zeroed first). Errors are Podman's
 * where Podman has one ("unrecognized namespace mode X passed", "keep-id is
 * only supported in rootless mode", "--userns and --uidmap/... are
 * mutually exclusive", malformed or overlapping maps); a map that reaches
 * beyond the ids of our namespace is refused here, not at start. */
int ctr_userns_resolve(struct engine *e, const struct run_opts *o, struct ctr_userns *u,
		       struct werr *err);

void ctr_userns_free(struct ctr_userns *u);

/* How the rootfs shows the container's ids (ctr_userns_storage). */
enum ctr_rootfs_map {
	CTR_ROOTFS_PLAIN,  /* rootfs_mount; the executor idmaps it if need be */
	CTR_ROOTFS_FUSE,   /* fuse-overlayfs uidmapping (rootfs_mount_mapped) */
	CTR_ROOTFS_LAYERS, /* overlay over idmapped layers (rootfs_mount_idmapped) */
};

/* Picks how the rootfs gets the container's ids, with the storage driver
 * *d for it, and sets u->rootfs_idmap for the executor. Rootless the
 * kernel refuses idmapped mounts of a filesystem mounted in a user
 * namespace (EINVAL), so fuse-overlayfs maps the ids (a joined namespace,
 * whose maps we do not know: nothing does); as root overlayfs takes no
 * idmapped mount of its own either, but its layers do (5.19), and a vfs
 * copy is idmapped by the executor. */
enum ctr_rootfs_map ctr_userns_storage(struct engine *e, struct ctr_userns *u,
				       enum storage_driver *d);

/* An fd of a user namespace with u's maps, for idmapped layers: the
 * joined one (ns:PATH) or a throwaway one made here. */
int ctr_userns_fd(const struct ctr_userns *u, struct werr *err);

/* Mounts the rootfs of a container in dir as how says (after
 * ctr_userns_storage; rootfs_mount for CTR_ROOTFS_PLAIN): over layers, or
 * when lower is not NULL over that one dir (a FILE.sqsh's mount). */
int ctr_userns_mount(struct engine *e, enum storage_driver d, const struct ctr_userns *u,
		     enum ctr_rootfs_map how, const char *dir, char *const *layers,
		     const char *lower, bool ephemeral, struct werr *err);

/* The rootfs of an existing container mounted again (a start after an
 * exit), with the user namespace its stored create options (config JSON,
 * may be NULL) recorded. */
int ctr_userns_remount(struct engine *e, enum storage_driver d, const char *config, const char *dir,
		       char *const *layers, const char *lower, bool ephemeral, struct werr *err);

/* The maps as fuse-overlayfs's uidmapping/gidmapping take them
 * ("C:H:S:C:H:S"), malloc'd. */
char *ctr_userns_fuse_map(const struct idmap *m, size_t n);

/* Is container gid g mapped? (true for the engine's own namespace, where
 * the caller knows better) */
bool ctr_userns_maps_gid(const struct ctr_userns *u, uint32_t g);

/* Adds the user namespace to linux (its "namespaces" array, and
 * "uidMappings"/"gidMappings" in the runtime spec's shape). */
void ctr_userns_spec(const struct ctr_userns *u, struct json_object *linux_);

/* Adds HostConfig.UsernsMode and HostConfig.IDMappings (Podman's
 * {"UidMap": ["0:1:1000", ...], "GidMap": [...]}) to host, and for auto a
 * private mark to top that ctr_userns_resolve reads back from the other
 * containers. */
void ctr_userns_config(const struct ctr_userns *u, struct json_object *host,
		       struct json_object *top);

/* With keep-id: ctr_dir/passwd and ctr_dir/group, the image's files (read
 * from rootfs, untrusted) plus an entry for the user as Podman writes it,
 * bind-mounted over /etc/passwd and /etc/group (added to the spec's mounts)
 * when the image lacks the ids; the user's group is among its groups, as
 * Podman has it. Then, for a private namespace, the generated files
 * of ctr_dir are given to the container's root, so that they do not show
 * as the user's inside. */
int ctr_userns_etc(const struct ctr_userns *u, const char *rootfs, const char *ctr_dir,
		   struct json_object *spec, struct werr *err);

#endif
