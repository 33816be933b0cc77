/* commit.h - `commit`: a container's changes become a new image (its
 * overlay upper dir as a layer on top of its image's layers), with the
 * container's settings and -c changes in the config. */
#ifndef WARREN_COMMIT_H
#define WARREN_COMMIT_H

#include <stdbool.h>

#include "lib/digest.h"
#include "lib/err.h"
#include "engine/engine.h"

struct commit_opts {
	char **changes;	      /* -c "ENV A=1", ... */
	const char *message;  /* -m (docker format only, as Podman) */
	const char *author;   /* -a */
	const char *name;     /* the new image's name as given, or NULL */
	bool pause;	      /* --pause: freeze a running container meanwhile */
	bool docker;	      /* --format docker */
	bool squash;	      /* --squash: the whole rootfs as the only layer */
	bool include_volumes; /* --include-volumes: the destinations of the
				 container's -v/--mount volumes become Volumes */
};

/* Checks o (the name, each change) without touching the store: Podman's
 * errors, e.g. 'invalid change "FOO x" - invalid instruction FOO'. */
int commit_opts_check(const struct commit_opts *o, struct werr *err);

/* Commits the container ref; id_out receives the new image's id (hex).
 * Nothing is stored on failure. */
int container_commit(struct engine *e, const char *ref, const struct commit_opts *o,
		     char id_out[DIGEST_HEX_LEN + 1], struct werr *err);

struct container_rec;

/* c's changes as a plain layer tar in a temp file, at offset 0 (the
 * caller closes it): its overlay upper dir (whiteouts for deletions), or
 * with whole its whole rootfs (--squash; the vfs driver keeps no record
 * of the changes). -1 on error. */
int commit_changes_tar(struct engine *e, const struct container_rec *c, bool whole,
		       struct werr *err);

#endif
