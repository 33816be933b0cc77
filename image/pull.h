/* pull.h - images from registries into the store: name resolution
 * (registries.conf short names, aliases, mirrors), the signature policy,
 * manifests with platform choice, layers downloaded in parallel and
 * streamed straight into extraction while their digests are computed.
 * Layers already stored are never fetched again; each layer is recorded as
 * soon as it is whole, so an interrupted pull resumes where it stopped. */
#ifndef WARREN_PULL_H
#define WARREN_PULL_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "image/registry.h"
#include "lib/digest.h"
#include "lib/err.h"

enum pull_policy { PULL_MISSING, PULL_ALWAYS, PULL_NEVER, PULL_NEWER };

/* Parses "missing", "always", "never", "newer" (and Docker's "true",
 * "false" as always / missing). Returns 0 or -1. */
int pull_policy_parse(const char *s, enum pull_policy *out, struct werr *err);

enum pull_ev {
	PULL_EV_RESOLVING,     /* name: how a short name resolves (Podman's line) */
	PULL_EV_TRYING,	       /* name: the reference tried */
	PULL_EV_SIGNATURES,    /* "Getting image source signatures" */
	PULL_EV_BLOB_START,    /* digest, size */
	PULL_EV_BLOB_PROGRESS, /* digest, size, done */
	PULL_EV_BLOB_DONE,     /* digest, size; push: name the repository it was mounted from */
	PULL_EV_BLOB_SKIPPED,  /* digest: stored already */
	PULL_EV_CONFIG,	       /* digest of the config */
	PULL_EV_WRITING,       /* the manifest is being recorded (push: size, its length) */
	PULL_EV_NOTE,	       /* name: a line as it is (manifest push's list steps) */
	PULL_EV_BLOB_QUEUED,   /* push: digest, size, index of a layer it will check or send */
};

struct pull_event {
	enum pull_ev kind;
	const char *name;
	const char *digest;
	int64_t size, done;
	size_t index, count; /* the layer's position, of how many */
};

struct pull_opts {
	struct reg_opts reg;
	const char *platform;	 /* "os/arch[/variant]", NULL: this machine */
	const char *policy_path; /* --signature-policy, NULL: the default files */
	bool have_tty;		 /* stdin and stdout are a terminal: short names may prompt */
	void (*event)(void *ud, const struct pull_event *ev);
	/* Asks the user which of the NULL-terminated candidates (full names) an
	 * ambiguous short name means (have_tty only): their index, or -1 with
	 * err. NULL: the first candidate that pulls is taken. */
	int (*choose)(void *ud, char *const *candidates, struct werr *err);
	void *ud;
};

/* Pulls ref (short or full name, tag or digest) into the store. id_out
 * receives the image id, *name_out the full name stored (malloc'd). */
int image_pull(struct engine *e, const char *ref, const struct pull_opts *o,
	       char id_out[DIGEST_HEX_LEN + 1], char **name_out, struct werr *err);

/* --all-tags: every tag of ref's repository (ref names no tag) as full
 * references, NULL-terminated. */
int image_remote_tags(struct engine *e, const char *ref, const struct pull_opts *o, char ***refs,
		      struct werr *err);

/* The image for a command that needs one (run, create): looks it up and,
 * as policy says, pulls it. Returns 0 with the image id, or -1. */
int image_get_or_pull(struct engine *e, const char *ref, enum pull_policy policy,
		      const struct pull_opts *o, char id_out[DIGEST_HEX_LEN + 1], struct werr *err);

#endif
