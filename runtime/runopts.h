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
void runopts_free(struct run_opts *o);

#endif
