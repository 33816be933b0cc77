/* attach.h - connecting to the attach socket a detached container's
 * monitor serves (monitor/attach_proto.h says what goes over it). */
#ifndef WARREN_ATTACH_H
#define WARREN_ATTACH_H

#include "engine/engine.h"
#include "lib/err.h"
#include "monitor/attach_proto.h"

/* The directory of the attach sockets, <runroot>/attach (malloc'd). */
char *attach_dir(struct engine *e);

/* Connects to the monitor of the running container id: the socket fd
 * (SOCK_SEQPACKET, CLOEXEC), or -1 ("you can only attach to running
 * containers" when nobody serves it). */
int container_attach_connect(struct engine *e, const char *id, struct werr *err);

/* Parses Podman's --detach-keys ("ctrl-p,ctrl-q", "a,ctrl-[", "" for
 * none) into keys (at most max bytes): their count, or -1 when malformed. */
int attach_parse_keys(const char *spec, unsigned char *keys, int max);

#endif
