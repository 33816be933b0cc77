/* runopts.h - parsing of `run` option values into struct run_opts (pure
 * logic, unit-tested): -e, --env-file, -v, --tmpfs, --network,
 * --entrypoint, --security-opt. */
#ifndef WARREN_RUNOPTS_H
#define WARREN_RUNOPTS_H

#include "lib/err.h"
#include "runtime/spec.h"

/* The defaults of `run` (all zero but --sig-proxy, which is on). */
void runopts_init(struct run_opts *o);
/* -e K=V, or -e K (the value from our environment; skipped when unset),
 * appended to *env (exec's -e too). */
int runopts_env_add(char ***env, const char *spec, struct werr *err);
/* --env-file F's lines appended to *env; the text of one (path for messages). */
int runopts_env_file(char ***env, const char *path, struct werr *err);
int runopts_env_text(char ***env, const char *text, const char *path, struct werr *err);
/* The same into o->env. */
int runopts_add_env(struct run_opts *o, const char *spec, struct werr *err);
/* --env-file F: lines K=V or K; '#' comments and blank lines skipped. */
int runopts_add_env_file(struct run_opts *o, const char *path, struct werr *err);
/* Parses the text of an env file (the path is for messages). */
int runopts_parse_env_text(struct run_opts *o, const char *text, const char *path,
			   struct werr *err);
/* runtime/mountopts.c: -v, --mount, --volumes-from (issue 8). */

/* -v [SRC:]DST[:OPTS]: SRC an absolute (or ./relative) host path, or a
 * volume name (created on first use); without SRC an anonymous volume.
 * OPTS comma-separated: ro, rw, z, Z, U, nocopy, copy, suid/nosuid,
 * dev/nodev, exec/noexec, bind/rbind and the propagation words. DST may not
 * be "/" nor the destination of an earlier mount ("duplicate mount
 * destination"). Errors in Podman's words, status 125. */
int runopts_add_volume(struct run_opts *o, const char *spec, struct werr *err);
/* --mount type=bind|volume|tmpfs,source=,target=,... (Docker's keys):
 * readonly/ro[=BOOL], rw=BOOL, bind-propagation=, bind-nonrecursive,
 * relabel=shared|private, U/chown[=BOOL], volume-nocopy, volume-opt=,
 * tmpfs-size=, tmpfs-mode= (tmpfs mounts join --tmpfs). */
int runopts_add_mount(struct run_opts *o, const char *spec, struct werr *err);
/* --volumes-from CTR[:ro|rw] (resolved when the container is created). */
int runopts_add_volumes_from(struct run_opts *o, const char *spec, struct werr *err);
/* Why a mount on dst is refused ("/" or a destination already taken by
 * -v, --mount or --tmpfs), NULL when it is fine. */
const char *runopts_dest_conflict(const struct run_opts *o, const char *dst);
/* Go's filepath.Clean of an absolute path, malloc'd. */
char *runopts_path_clean(const char *path);
/* Is name a valid volume name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)? */
bool runopts_volume_name_ok(const char *name);
/* Frees the members of v. */
void volume_spec_free(struct volume_spec *v);
/* --tmpfs DST[:OPTS]; DST as for -v. */
int runopts_add_tmpfs(struct run_opts *o, const char *spec, struct werr *err);

/* --device HOST[:CONTAINER][:PERMS] or a CDI name: its form checked
 * (runtime/devices.h), the node itself at create. */
int runopts_add_device(struct run_opts *o, const char *spec, struct werr *err);
/* --secret NAME[,OPTS]: checked now (secret_spec_check), looked up at create */
int runopts_add_secret(struct run_opts *o, const char *spec, struct werr *err);
/* --ulimit TYPE=SOFT[:HARD]|host, checked (runtime/ulimits.h) */
int runopts_add_ulimit(struct run_opts *o, const char *spec, struct werr *err);
/* --network MODE[:OPTS] (net_parse_mode) */
int runopts_set_network(struct run_opts *o, const char *mode, struct werr *err);
/* --image-volume MODE: what becomes of the image's VOLUME dirs: bind (an
 * anonymous volume each, the default), tmpfs, ignore (Podman's error
 * otherwise). */
int runopts_set_image_volume(struct run_opts *o, const char *mode, struct werr *err);
/* -p/--publish [IP:][HOSTPORT:]CTRPORT[/PROTO] and --expose PORT[-PORT][/PROTO]
 * (runtime/ports.h parses them; status 125 on error). */
int runopts_add_publish(struct run_opts *o, const char *spec, struct werr *err);
int runopts_add_expose(struct run_opts *o, const char *spec, struct werr *err);
/* --entrypoint "cmd" or '["cmd","arg"]' (JSON array); "" clears. */
int runopts_set_entrypoint(struct run_opts *o, const char *v, struct werr *err);
/* --security-opt seccomp=unconfined|FILE, label=..., no-new-privileges */
int runopts_security_opt(struct run_opts *o, const char *v, struct werr *err);
/* --stop-signal NAME|NUMBER; --stop-timeout SECONDS */
int runopts_set_stop_signal(struct run_opts *o, const char *v, struct werr *err);
int runopts_set_stop_timeout(struct run_opts *o, const char *v, struct werr *err);
/* --restart no|on-failure[:N]|always|unless-stopped */
int runopts_set_restart(struct run_opts *o, const char *v, struct werr *err);
/* --log-driver k8s-file|none|passthrough; --log-opt max-size=10m */
int runopts_set_log_driver(struct run_opts *o, const char *v, struct werr *err);
int runopts_add_log_opt(struct run_opts *o, const char *v, struct werr *err);
/* --rootfs: the IMAGE argument DIR[:O] into o->rootfs_path (made absolute
 * against the working directory, symlinks resolved) and o->rootfs_overlay.
 * DIR is a directory, or a squashfs file (o->rootfs_sqsh: mounted with
 * squashfuse, writes to an overlay, as :O). */
int runopts_set_rootfs(struct run_opts *o, const char *arg, struct werr *err);
/* --annotation KEY=VALUE */
int runopts_add_annotation(struct run_opts *o, const char *v, struct werr *err);
/* A size as Docker's log options take it: "1024", "10k", "5MB", "1.5g"
 * (decimal units). 0, or -1 when malformed. */
int runopts_parse_size(const char *v, long long *out);
/* --label K[=V] (K alone: an empty value); --label-file F: one K[=V] a
 * line, '#' comments and blank lines skipped. A later K wins. */
int runopts_add_label(struct run_opts *o, const char *v, struct werr *err);
int runopts_add_label_file(struct run_opts *o, const char *path, struct werr *err);
void runopts_free(struct run_opts *o);

#endif
