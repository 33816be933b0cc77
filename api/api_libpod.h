/* api_libpod.h - inside api/: the /libpod/ handlers for pods, volumes,
 * networks, kube and the system and image bits `podman --remote` (4.3)
 * calls (api_libpod_*.c). Each returns as api_handle does. */
#ifndef WARREN_API_LIBPOD_H
#define WARREN_API_LIBPOD_H

#include "api/api_int.h"

struct run_opts;

/* api_libpod.c: a SpecGenerator's portmappings [{host_ip, container_port,
 * host_port, range, protocol}] as -p specs appended to *specs; 0, or -1
 * with err for a port out of range. */
int api_libpod_ports(struct json_object *pm, char ***specs, struct werr *err);

/* api_libpod.c: a SpecGenerator's (or PodSpecGenerator's) netns
 * {nsmode, value} and Networks {NAME: {...}} as run's --network values
 * (a new NULL-terminated list), NULL for the default. */
char **api_libpod_networks(struct json_object *b);

/* api_libpod_spec.c: the SpecGenerator's hostadd, dns_*, devices,
 * expose, r_limits, no_new_privileges, resource_limits.memory, shm_size
 * and healthconfig into o (strings o borrows are appended to *keep, to
 * free after the create); sysctl and groups refused. 0 or -1 (a 400). */
int api_libpod_spec_extra(struct json_object *b, struct run_opts *o, char ***keep,
			  struct werr *err);

/* api_libpod_pod.c */
int api_libpod_pod_create(struct api_ctx *c);
int api_libpod_pod_inspect(struct api_ctx *c);
int api_libpod_pod_exists(struct api_ctx *c);
int api_libpod_pod_start(struct api_ctx *c);
int api_libpod_pod_stop(struct api_ctx *c);
int api_libpod_pod_restart(struct api_ctx *c);
int api_libpod_pod_kill(struct api_ctx *c);
int api_libpod_pod_pause(struct api_ctx *c);
int api_libpod_pod_unpause(struct api_ctx *c);
int api_libpod_pod_remove(struct api_ctx *c);
int api_libpod_pod_prune(struct api_ctx *c);
int api_libpod_pod_top(struct api_ctx *c);

/* api_pull.c */
int api_libpod_img_push(struct api_ctx *c);

/* api_libpod_stats.c */
int api_libpod_ctr_stats(struct api_ctx *c);
int api_libpod_pod_stats(struct api_ctx *c);

/* api_libpod_vol.c */
int api_libpod_vol_create(struct api_ctx *c);
int api_libpod_vol_list(struct api_ctx *c);
int api_libpod_vol_inspect(struct api_ctx *c);
int api_libpod_vol_exists(struct api_ctx *c);
int api_libpod_vol_remove(struct api_ctx *c);
int api_libpod_vol_prune(struct api_ctx *c);

/* api_libpod_net.c */
int api_libpod_net_create(struct api_ctx *c);
int api_libpod_net_list(struct api_ctx *c);
int api_libpod_net_inspect(struct api_ctx *c);
int api_libpod_net_exists(struct api_ctx *c);
int api_libpod_net_remove(struct api_ctx *c);
int api_libpod_net_prune(struct api_ctx *c);
int api_libpod_net_connect(struct api_ctx *c);
int api_libpod_net_disconnect(struct api_ctx *c);

/* api_libpod_sys.c */
int api_libpod_version(struct api_ctx *c);
int api_libpod_system_df(struct api_ctx *c);
int api_libpod_system_prune(struct api_ctx *c);
int api_libpod_ctr_exists(struct api_ctx *c);
int api_libpod_img_exists(struct api_ctx *c);
int api_libpod_img_inspect(struct api_ctx *c);
int api_libpod_img_untag(struct api_ctx *c);
int api_libpod_ctr_logs(struct api_ctx *c);
int api_libpod_ctr_prune(struct api_ctx *c);
int api_libpod_img_prune(struct api_ctx *c);

/* api_libpod_kube.c */
int api_libpod_kube_play(struct api_ctx *c);
int api_libpod_kube_down(struct api_ctx *c);
int api_libpod_kube_generate(struct api_ctx *c);

#endif
