/* net.h - container networking. For now the private network namespace gets
 * its loopback interface up; slirp4netns and port forwarding come next. */
#ifndef WARREN_NET_H
#define WARREN_NET_H

#include "lib/err.h"

/* Brings "lo" up in the calling process's network namespace (needs
 * CAP_NET_ADMIN over it: true for the container's init before it drops
 * capabilities). Safe in a forked child: no allocation, no printing. */
int net_loopback_up(struct werr *err);

#endif
