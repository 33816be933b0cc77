/* devices.h - `--device`: host device nodes in a container, named by path
 * (HOST[:CONTAINER][:PERMS], Podman's form) or by a Container Device
 * Interface name (VENDOR/CLASS=NAME, e.g. nvidia.com/gpu=all) looked up
 * in the CDI specs of /etc/cdi and /var/run/cdi (containers.conf
 * [engine] cdi_spec_dirs replaces those). A device node is bind-mounted
 * from the host (rootless cannot mknod; the same works as root). CDI
 * edits bring device nodes, environment variables and bind mounts; CDI
 * hooks are refused (warren runs no hook programs from CDI specs). */
#ifndef WARREN_DEVICES_H
#define WARREN_DEVICES_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h"

struct dev_node {
	char *host, *ctr; /* absolute paths */
	char *perms;	  /* "rwm" and subsets as given; "" when none was */
};

struct dev_mount {
	char *host, *ctr;
	char **opts; /* NULL-terminated, may be NULL */
};

/* What the --device flags of a container add to it. */
struct dev_edits {
	struct dev_node *nodes;
	size_t nnodes;
	char **env; /* "K=V" of CDI specs */
	struct dev_mount *mounts;
	size_t nmounts;
};

/* Whether arg is a CDI name (VENDOR/CLASS=NAME). */
bool devices_is_cdi(const char *arg);

/* Checks one --device value's form (no file is looked at): a CDI name, or
 * HOST[:CONTAINER][:PERMS] with absolute paths and PERMS of r, w and m.
 * Errors in Podman's words, status 125. */
int devices_check_arg(const char *arg, struct werr *err);

/* Splits HOST[:CONTAINER][:PERMS] (checked) into *out (strings malloc'd). */
int devices_parse(const char *arg, struct dev_node *out, struct werr *err);

/* Resolves every --device of args: host paths must be device nodes (a
 * directory gives the device nodes directly in it); CDI names come from
 * the specs in cdi_dirs (NULL: /etc/cdi, /var/run/cdi), each spec a JSON
 * or YAML file. Errors name the device (status 125). */
int devices_resolve(char *const *args, char *const *cdi_dirs, struct dev_edits *out,
		    struct werr *err);

void dev_edits_free(struct dev_edits *d);

#endif
