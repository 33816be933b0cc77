/* attach.h - the attach client (cli/cmd_attach.c): this terminal on a
 * detached container's monitor socket, for `attach` and `start -a`. */
#ifndef WARREN_CLI_ATTACH_H
#define WARREN_CLI_ATTACH_H

#include <stdbool.h>

#include "engine/engine.h"
#include "lib/err.h"
#include "storage/store.h"

#define ATTACH_KEYS_MAX 16

struct attach_req {
	bool use_stdin; /* pass our stdin on (the container has a stdin pipe or a pty) */
	bool sig_proxy; /* pass signals on (not with a terminal: ^C is a keystroke) */
	unsigned char keys[ATTACH_KEYS_MAX]; /* the detach keys (cli_detach_keys) */
	int nkeys;
	bool just_started; /* its monitor may not serve the socket yet: wait for it */
};

/* --detach-keys spec (NULL: Podman's default ctrl-p,ctrl-q; "": none)
 * into r->keys. A bad one is Podman's "invalid detach keys: Unknown
 * character: 'ctrl-1'" (status 125). */
int cli_detach_keys(const char *spec, struct attach_req *r, struct werr *err);

/* Attaches to the running container c until it exits or the detach keys
 * are typed: its exit status (128+N after signal N), 0 when detached (it
 * runs on), -1 with err set ("you can only attach to running containers"
 * when no monitor serves it). */
int cli_attach(struct engine *e, const struct container_rec *c, const struct attach_req *r,
	       struct werr *err);

#endif
