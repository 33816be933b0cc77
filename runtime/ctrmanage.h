/* ctrmanage.h - rename and prune of containers, Podman's way. */
#ifndef WARREN_CTRMANAGE_H
#define WARREN_CTRMANAGE_H

#include <stdbool.h>

#include "lib/err.h" /* before engine.h, which uses struct werr */
#include "engine/engine.h"
#include "runtime/ctrfilter.h"
#include "storage/store.h"

/* Is name a valid container name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)? Pure. */
bool container_name_valid(const char *name);

/* Renames c (it may run): Podman's errors for an invalid name ("names must
 * match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument") and a name in use. */
int container_rename(struct engine *e, const struct container_rec *c, const char *name,
		     struct werr *err);

/* `container prune`: removes every container that does not run (created,
 * exited) and passes f (may be NULL). *removed gets their full ids,
 * sorted, NULL-terminated (never NULL on success; the caller frees). A
 * container that cannot be removed is skipped; its error is the last one
 * returned (-1) after the others were removed. */
int container_prune(struct engine *e, const struct ctr_filter *f, char ***removed,
		    struct werr *err);

#endif
