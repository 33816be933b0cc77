/* build_int.h - what build.c (the stages and their steps) and
 * build_run.c (RUN's options and --mount flags) share. Internal to
 * runtime/build*.c. */
#ifndef WARREN_BUILD_INT_H
#define WARREN_BUILD_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "image/cfparse.h"
#include "image/image.h"
#include "runtime/build.h"
#include "runtime/build_copy.h"
#include "runtime/container.h"
#include "runtime/runopts.h"

struct stage {
	size_t first, end; /* its instructions [first, end); first is its FROM */
	char *name;	   /* "AS name" (lower case), or NULL */
	bool needed;
	char id[DIGEST_HEX_LEN + 1]; /* its image once built */
};

struct bld {
	struct engine *e;
	const struct build_opts *o;
	struct cf_file f;
	char *fname;
	struct stage *st;
	size_t nst, target, nneeded, done;
	char **gargs; /* global ARGs (before the first FROM): "K=V" or "K" */
	char **made;  /* ids of the intermediate images, removed at the end */
	int ctx;      /* the context dir */
	char *ctx_path;
	char *ctx_tmp; /* a context unpacked from a tar: this dir under <root>/tmp */
	struct build_ignore ig;
	/* the stage being built */
	size_t si;
	struct json_object *cfg; /* its config so far */
	struct image_rec cur;	 /* its image so far; cur.id "" before any (scratch) */
	char **args;		 /* its ARGs: "K=V", or "K" when unset */
	bool cmd_set;		 /* a CMD in this stage */
	size_t base_layers;	 /* the layers of its FROM image */
	size_t base_hist;	 /* the history entries of its FROM image */
	bool cancel;		 /* cancel_fd fired */
	/* where the stage being built reads and writes: o's fds in the
	 * build's own process; a stage process (build_jobs.c) has pipes to
	 * the parent instead */
	int cancel_fd;	    /* readable: stop (see build_opts.cancel_fd) */
	int out_fd, err_fd; /* RUN's output */
	int say_fd;	    /* >= 0: progress lines go here, else to o->say */
	char tag[32];	    /* "[2/3] " before the stage's progress lines, or "" */
	/* bld_run_prepare's: env secrets' files, ssh agents' sockets */
	char *run_tmp;	     /* the private dir of both, or NULL */
	char **secret_files; /* "ID=FILE" of the env secrets */
	char **ssh;	     /* --ssh as RUN uses it: "ID=SOCKET" */
	pid_t *agents;	     /* the ssh-agents started */
	size_t nagents;
};
/* Builds stage b->si (its progress lines tagged b->tag): its image id
 * into b->st[b->si].id, named names when it is the target; the
 * intermediate images it makes are added to b->made. 0 or -1. */
int bld_stage(struct bld *b, char *const *names, struct werr *err);

/* The earlier stages stage i needs (its FROM, COPY/ADD --from) into
 * deps (room for b->nst), each once; returns their number. */
size_t bld_stage_deps(const struct bld *b, size_t i, size_t *deps);

/* Builds the needed stages, up to b->o->jobs at once (0: no limit), each
 * in a process of its own that starts when the stages it needs are built
 * (build_jobs.c). A stage's lines, and its RUN output, are printed whole
 * as they come, each after the stage's tag ("[2/3] "). The first failure
 * stops the others (as ^C does) and is the error. 0 or -1. */
int bld_stages_parallel(struct bld *b, char *const *names, struct werr *err);

/* build's RUN options (see build.h: --cap-add, --security-opt, --ulimit,
 * -v) into ro. 0 or -1. */
int bld_run_opts(const struct build_opts *o, struct run_opts *ro, struct werr *err);

/* The flags of RUN in (--mount=..., --network=MODE) into ro. 0 or -1. */
int bld_run_flags(struct bld *b, const struct cf_instr *in, struct run_opts *ro, struct werr *err);

/* Does RUN in bind-mount from the context? Then its result depends on
 * files the cache key does not see: it always runs. */
bool bld_run_binds(const struct cf_instr *in);

/* The targets of RUN's --mount flags and of build -v that the rootfs (dir
 * fd root) does not have (a strv, the caller frees it; NULL: none). */
char **bld_new_mountpoints(const struct bld *b, const struct cf_instr *in, int root);

/* VOLUME paths in RUN (Docker's rule: a step sees what is there, what it
 * writes there is not kept). Before the step: the config's volumes that
 * rootfs root lacks are made (the empty dir stays in the layer, as
 * Podman's); returns them as a strv, each "E/path" (was there) or
 * "N/path" (made), NULL on error. After it: bld_volumes_after takes what
 * the step changed under them out of container c's upper dir again. */
char **bld_volumes_before(struct bld *b, int root, struct werr *err);
void bld_volumes_after(struct bld *b, const struct ctr_owned *c, char *const *vols);

/* Env secrets (--secret id=ID,env=VAR) written to files of a private dir,
 * --ssh ID=KEY[,KEY] served by an ssh-agent started for the build:
 * before the first stage. 0 or -1. */
int bld_run_prepare(struct bld *b, struct werr *err);

/* Stops the agents, removes the files of bld_run_prepare. */
void bld_run_cleanup(struct bld *b);

/* Removes the empty mount points paths from container c's upper dir. */
void bld_drop_mountpoints(struct bld *b, const struct ctr_owned *c, char *const *paths);

#endif
