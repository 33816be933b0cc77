/* mountpoints.h - a tiny extra lower layer holding the files the runtime
 * bind-mounts over (/etc/hostname, /etc/hosts, /etc/resolv.conf) when the
 * image lacks them. Without it every container creates them in its upper
 * dir: a copy-up of /etc plus three files, created and deleted again on
 * each `run --rm` (on a disk filesystem, the most expensive part of a
 * run). Made once per image (layer list), shared by its containers. */
#ifndef WARREN_MOUNTPOINTS_H
#define WARREN_MOUNTPOINTS_H

#include <stddef.h>

#include "engine/engine.h"

/* Name of the mount-point layer for this layer list ("mp-<16 hex>", a dir
 * in <root>/layers, created on first use), malloc'd; NULL when the image
 * has all the files already or the layer cannot be made (the runtime then
 * creates them in the upper dir as before). layers: diff_ids, bottom first. */
char *mountpoints_layer(struct engine *e, char *const *layers, size_t n);

/* Removes the mount-point layer of this layer list, if any (rmi). */
void mountpoints_forget(struct engine *e, char *const *layers);

#endif
