/* build.h - `build`: an image from a Containerfile and a context
 * directory. Instructions that change files (RUN, COPY, ADD) run in a
 * container made by warren's own create/start machinery from the image
 * so far, and its changes are committed as a layer (runtime/commit.h);
 * the others change the config. Multi-stage (FROM ... AS name, COPY
 * --from, --target); the intermediate images go again at the end, and a
 * failed build leaves no container or image behind.
 *
 * The layer cache: <root>/build-cache/<key> names the layer a RUN, COPY
 * or ADD made, the key a digest of the layers below, the instruction, the
 * environment RUN sees (Env, ARGs, User, WorkingDir, Shell) and for COPY
 * and ADD the content of every file copied. A hit reuses the layer while
 * an image still holds it: no container, no RUN. */
#ifndef WARREN_BUILD_H
#define WARREN_BUILD_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/digest.h"
#include "lib/err.h"
#include "engine/engine.h"
#include "image/pull.h"

struct build_opts {
	const char *context; /* the context directory (when context_fd is -1) */
	int context_fd;	     /* >= 0: the context as a tar stream (plain or compressed) */
	const char *file;    /* -f, or NULL: CONTEXT/Containerfile, else CONTEXT/Dockerfile */
	int file_fd;	     /* >= 0: read the Containerfile from it (-f -), else -1 */
	char **tags;	     /* -t names (normalized here) */
	char **build_args;   /* --build-arg K=V (K alone: from our environment) */
	char **labels;	     /* --label K=V for the final image */
	char **annotations;  /* --annotation K[=V]: OCI manifest annotations of the
				final image (dropped, with a warning, in docker
				format, which has no field for them) */
	const char *target;  /* --target STAGE, or NULL: the last stage */
	const char *network; /* --network for RUN, or NULL: run's default */
	bool docker;	     /* --format docker (keeps HEALTHCHECK, SHELL, ONBUILD) */
	bool no_cache;	     /* --no-cache: run every step (the cache is still written) */
	/* FROM and COPY --from of an image not stored: pulled as pull_policy
	 * says (--pull) with these options (registries, auth, TLS, the
	 * platform; NULL: never pulled) */
	const struct pull_opts *pull;
	enum pull_policy pull_policy;
	const char *platform; /* --platform os/arch[/variant], or NULL */
	/* RUN steps, as run takes them: --cap-add, --cap-drop, --security-opt,
	 * --ulimit, -v; --secret id=ID,src=FILE for RUN --mount=type=secret */
	char **cap_add, **cap_drop, **security_opts, **ulimits, **volumes, **secrets;
	char **ssh;	    /* --ssh, resolved: "ID=SOCKET" for RUN --mount=type=ssh */
	bool squash;	    /* --squash (--layers=false): the new layers of the final
			       stage become one */
	bool squash_all;    /* --squash-all: the whole image is one layer */
	int64_t timestamp;  /* --timestamp seconds, -1: none. The created times of
			       the config and history, and every file's mtime in
			       the new layers */
	int out_fd, err_fd; /* where RUN's output goes */
	/* --jobs: how many independent stages are built at once, each in a
	 * process of its own (0: no limit; 1: one after the other, in this
	 * process). With more than one, a stage's progress lines and RUN's
	 * output go to out_fd and err_fd line by line, each after the
	 * stage's "[n/m] " tag, not through say */
	unsigned jobs;
	/* readable when the build is to stop (the CLI's signalfd of SIGINT
	 * and SIGTERM), -1: none. A RUN then gets SIGKILL, and the build
	 * stops after the step with 'interrupted' (status 130), leaving the
	 * store as it was. */
	int cancel_fd;
	/* progress lines ("STEP 1/3: FROM x", "--> id", "COMMIT name"), one
	 * per call without its newline; NULL: none */
	void (*say)(void *ud, const char *line);
	void *ud;
};

/* Builds; id_out receives the final image's id (hex). Errors name the
 * file and line for syntax ("Containerfile:3: unknown instruction: FOO")
 * and the step for the rest ('building at STEP "RUN false": while
 * running runtime: exit status 1', its status that of the RUN). */
int container_build(struct engine *e, const struct build_opts *o, char id_out[DIGEST_HEX_LEN + 1],
		    struct werr *err);

/* Checks the RUN options of o (cap names, --security-opt, --ulimit, -v,
 * --secret) before anything is built: run's errors. 0 or -1. */
int build_run_opts_check(const struct build_opts *o, struct werr *err);

/* --output: the rootfs of image id as a tar file (tar) or into the
 * directory dest (made when missing). 0 or -1. */
int container_build_output(struct engine *e, const char *id, bool tar, const char *dest,
			   struct werr *err);

#endif
