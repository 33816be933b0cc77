/* spec.h - the OCI runtime spec (config.json, runtime-spec 1.x) of a
 * container, built from the run options and the image config. */
#ifndef WARREN_SPEC_H
#define WARREN_SPEC_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/image.h"
#include "engine/engine.h"
#include "lib/err.h"
#include "net/net.h"
#include "runtime/limits.h"

enum mount_kind { MOUNT_BIND = 0, MOUNT_VOLUME };

struct ctr_userns;
struct port_map;

/* The healthcheck flags of run and create as given (borrowed from argv);
 * runtime/health.h turns them into Config.Healthcheck. */
struct health_flags {
	const char *cmd;			       /* --health-cmd; NULL or "": unset */
	const char *interval, *timeout, *start_period; /* Go durations; NULL: unset */
	int retries;				       /* --health-retries; -1: unset */
	const char *on_failure;			       /* none|kill|restart|stop; NULL: none */
	bool none;				       /* --no-healthcheck */
};

/* One -v, --mount type=bind|volume or --volumes-from mount. */
struct volume_spec {
	enum mount_kind kind;
	char *src;  /* bind: absolute host path; volume: its _data dir once resolved */
	char *name; /* volume: its name (NULL: anonymous, named when created) */
	char *dst;  /* absolute container path */
	bool ro;
	bool chown;	   /* :U, chown the source to the container's user */
	bool nocopy;	   /* no copy-up of the image's content into a new volume */
	bool anonymous;	   /* a volume made for this container (-v /path) */
	char *mode;	   /* "z" or "Z" (accepted, no SELinux here), NULL */
	char *propagation; /* "shared", "rslave", ...; NULL: rprivate */
	char **opts;	   /* the other option words as given ("U", "noexec", ...) */
	char *vol_type;	   /* a volume created with --opt type=T: mounted as T */
	char *vol_device;  /* its --opt device=D */
	char *vol_o;	   /* its --opt o=OPTS */
};

struct run_opts {
	char *name;
	char *cidfile;		     /* --cidfile: the CLI writes the id there */
	char *hostname;		     /* default: first 12 chars of the id */
	char *workdir;		     /* -w */
	char *user;		     /* -u USER[:GROUP], names or numbers */
	char **entrypoint;	     /* --entrypoint (a JSON array or one string) */
	bool entrypoint_set;	     /* --entrypoint "" clears the image's */
	char **cmd;		     /* CMD... after the image */
	char **env;		     /* "K=V", already resolved, applied after the image's */
	struct volume_spec *volumes; /* -v, --mount type=bind|volume, in order */
	size_t nvolumes;
	char **volumes_from; /* --volumes-from CTR[:ro|rw] */
	char **tmpfs;	     /* "DST[:opts]" */
	char **devices;	     /* --device HOST[:CTR][:PERMS] or a CDI name (runtime/devices.h) */
	bool read_only, privileged, tty, interactive, rm, detach;
	bool sig_proxy;		    /* --sig-proxy: the foreground CLI passes its signals on */
	enum net_mode net;	    /* --network's mode (NET_DEFAULT: the engine's default) */
	struct net_opts netopts;    /* its options, --dns*, --add-host, --mac-address, ... */
	bool net_early;		    /* started at once (run): its helper may start early */
	char **cap_add, **cap_drop; /* "NET_ADMIN", "CAP_NET_ADMIN" or "ALL" */
	char *seccomp;		    /* NULL default profile, "unconfined", or a JSON profile path */
	int stop_signal;	    /* --stop-signal, 0: the image's, else SIGTERM */
	int stop_timeout;	    /* --stop-timeout seconds, -1: 10 */
	char *log_driver;	    /* --log-driver k8s-file|none|passthrough, NULL: k8s-file */
	long long log_max;	    /* --log-opt max-size, bytes (0: unlimited) */
	char *restart;		    /* --restart no|on-failure|always|unless-stopped, NULL: no */
	int restart_max;	    /* on-failure:N (0: no limit) */
	bool init;		    /* --init: catatonit as pid 1 (/run/podman-init) */
	char *init_path;	    /* --init-path: that init instead of catatonit */
	bool rootfs;		    /* --rootfs: IMAGE is a root filesystem dir */
	char *rootfs_path;	    /* its absolute path (runopts_set_rootfs) */
	bool rootfs_overlay;	    /* DIR:O: writes go to an overlay, DIR stays as it is */
	bool rootfs_sqsh;	    /* rootfs_path is a squashfs file (runtime/ctr_sqsh.h) */
	char **annotations;	    /* --annotation K=V: config.json's annotations */
	struct health_flags health; /* --health-*, --no-healthcheck (runtime/health.h) */
	char **labels;		    /* --label, --label-file: "K=V" or "K" (value ""), in order */
	/* getting the image (the CLI pulls before container_create; borrowed from argv) */
	const char *pull; /* --pull missing|always|never|newer */
	const char *authfile, *cert_dir, *creds, *platform;
	int tls_verify; /* -1 unset */
	bool quiet;	/* -q: no pull progress */
	/* user namespace: --userns MODE, --uidmap/--gidmap C:H:S, --subuidname/--subgidname */
	char *userns;
	char **uidmap, **gidmap;
	char *subuidname, *subgidname;
	const struct ctr_userns *uns; /* resolved by container_create (NULL: the engine's) */
	char **secrets;		      /* --secret NAME[,type=mount|env,target=,uid=,gid=,mode=]
					 (runtime/secrets.h) */
	int cgroups;		      /* --cgroups: an enum cg_mode (runtime/cgroup.h) */
	/* published ports (runtime/ports.h, issue 9) */
	struct port_map *ports; /* -p, in order */
	size_t nports;
	bool publish_all; /* -P: the image's and --expose's ports on random host ports */
	char **expose;	  /* --expose: "PORT/PROTO" */
	/* containers.conf's defaults (container_create fills them): env
	 * before the image's, the capabilities instead of the built-in set */
	char **conf_env, **conf_caps;
	char **ulimits;	     /* --ulimit TYPE=SOFT[:HARD] or host (runtime/ulimits.h) */
	char **conf_ulimits; /* containers.conf's default_ulimits (container_create) */
	bool rootless;	     /* the engine's mode (container_create): limits it cannot raise */
	const char *pod;     /* --pod: the full id of the pod it joins (runtime/pods.h), borrowed */
	struct res_limits limits; /* -m, --cpus, --pids-limit, --shm-size, ... (issue 14) */
};

/* The default init binaries of --init, in the order they are looked for
 * (Podman's init_path first). */
extern const char *const spec_init_paths[];

/* Builds config.json content. rootfs is the mounted rootfs (opened with
 * openat2 RESOLVE_IN_ROOT to resolve -u names from its /etc/passwd and
 * /etc/group: untrusted); ctr_dir holds the generated hostname, hosts and
 * resolv.conf that are bind-mounted. The process args are entrypoint+cmd
 * (Docker's rules). *out is a new json object the caller puts. An unknown
 * user is "unable to find user X: no matching entries in passwd file"; an
 * empty command "no command or entrypoint specified" (status 125). */
int spec_build(struct engine *e, const struct run_opts *o, const struct image_config *img,
	       const char *ctr_id, const char *ctr_dir, const char *rootfs,
	       struct json_object **out, struct werr *err);

struct user_ids;
/* Resolves a -u USER[:GROUP] spec ("" is root) against the /etc/passwd and
 * /etc/group of the mounted rootfs (opened inside it: untrusted); in a
 * single-uid user namespace only root is possible (unless the container
 * has a user namespace of its own: own_userns). *u as user_resolve's
 * (userlookup.h). */
int spec_user_resolve(struct engine *e, const char *spec, const char *rootfs, bool own_userns,
		      struct user_ids *u, struct werr *err);

/* Podman's default capability names ("CAP_CHOWN", ...), NULL-terminated. */
extern const char *const spec_default_caps[];

/* Capability number of "net_admin", "NET_ADMIN" or "CAP_NET_ADMIN" (any
 * case) as libcap knows it, -1 when unknown (also for "ALL" and NULL). */
int spec_cap_from_name(const char *name);

/* The container's capability set as a bit mask (bit N = capability N):
 * spec_default_caps, or every capability of the running kernel when
 * privileged (or with --cap-add ALL); --cap-drop ALL empties it first; then
 * the adds are added and the named drops removed. An unknown name fails
 * with "unknown capability 'X'". */
int spec_caps_compute(bool privileged, char *const *cap_add, char *const *cap_drop, uint64_t *out,
		      struct werr *err);

/* process.args by Docker's rules: --entrypoint replaces the image's (an
 * empty one clears it) and then drops the image's Cmd; a command given
 * after the image replaces the image's Cmd; args = entrypoint + cmd.
 * *out is a new NULL-terminated vector. Empty: "no command or entrypoint
 * specified". */
int spec_process_args(const struct run_opts *o, const struct image_config *img, char ***out,
		      struct werr *err);

/* Sets "K=V" in *env (NULL-terminated, may be NULL): replaces an entry with
 * the same key in place, else appends. Entries without '=' use the whole
 * string as the key. */
void spec_env_set(char ***env, const char *kv);

/* --cgroupns private, or none given on a cgroup v2 host (Podman's
 * default; host on v1 and hybrid hosts). */
bool spec_cgroupns_private(const struct run_opts *o);

/* Pretty-printed JSON of spec, malloc'd (caller frees). */
char *spec_to_string(struct json_object *spec);

#endif
