/* storecheck.h - the store checks of `system check` (and --repair):
 * database integrity, images whose layers are missing, layer and temp
 * dirs no image uses, containers whose process is gone, container dirs
 * and mounts that nothing uses. */
#ifndef WARREN_STORECHECK_RT_H
#define WARREN_STORECHECK_RT_H

#include "rootless/syscheck.h"

/* Adds the store checks to c (c->e joined and its store open); with
 * c->repair each then fixes what it found and says what it removed. */
void storecheck_run(struct checks *c);

#endif
