/* runopts.h - parsing of `run` option values into struct run_opts (pure
 * logic, unit-tested): -e, --env-file, -v, --tmpfs, --network,
 * --entrypoint, --security-opt. */
#ifndef WARREN_RUNOPTS_H
#define WARREN_RUNOPTS_H

#include "lib/err.h"
#include "runtime/spec.h"

/* The defaults of `run` (all zero but --sig-proxy, which is on). */
void runopts_init(struct run_opts *o);
/* -e K=V, or -e K (the value from our environment; skipped when unset). */
int runopts_add_env(struct run_opts *o, const char *spec, struct werr *err);
/* --env-file F: lines K=V or K; '#' comments and blank lines skipped. */
int runopts_add_env_file(struct run_opts *o, const char *path, struct werr *err);
/* Parses the text of an env file (the path is for messages). */
int runopts_parse_env_text(struct run_opts *o, const char *text, const char *path,
			   struct werr *err);
/* -v SRC:DST[:OPTS]; SRC and DST absolute; OPTS ro, rw, z, Z, comma-separated.
 * DST may not be "/" nor the destination of an earlier -v or --tmpfs
 * ("duplicate mount destination"). */
int runopts_add_volume(struct run_opts *o, const char *spec, struct werr *err);
/* --tmpfs DST[:OPTS]; DST as for -v. */
int runopts_add_tmpfs(struct run_opts *o, const char *spec, struct werr *err);
/* --network none|host|private */
int runopts_set_network(struct run_opts *o, const char *mode, struct werr *err);
/* --entrypoint "cmd" or '["cmd","arg"]' (JSON array); "" clears. */
int runopts_set_entrypoint(struct run_opts *o, const char *v, struct werr *err);
/* --security-opt seccomp=unconfined|FILE, label=..., no-new-privileges */
int runopts_security_opt(struct run_opts *o, const char *v, struct werr *err);
/* --stop-signal NAME|NUMBER; --stop-timeout SECONDS */
int runopts_set_stop_signal(struct run_opts *o, const char *v, struct werr *err);
int runopts_set_stop_timeout(struct run_opts *o, const char *v, struct werr *err);
/* --log-driver k8s-file|none|passthrough; --log-opt max-size=10m */
int runopts_set_log_driver(struct run_opts *o, const char *v, struct werr *err);
int runopts_add_log_opt(struct run_opts *o, const char *v, struct werr *err);
/* A size as Docker writes them: "1024", "10k", "5m", "2gb" (powers of
 * 1024). 0, or -1 when malformed. */
int runopts_parse_size(const char *v, long long *out);
/* --label K[=V] (K alone: an empty value); --label-file F: one K[=V] a
 * line, '#' comments and blank lines skipped. A later K wins. */
int runopts_add_label(struct run_opts *o, const char *v, struct werr *err);
int runopts_add_label_file(struct run_opts *o, const char *path, struct werr *err);
void runopts_free(struct run_opts *o);

#endif
