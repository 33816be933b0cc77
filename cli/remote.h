/* remote.h - warren's remote client (issue 12, "Remote client"): the
 * global --remote, --url, --connection and --identity, CONTAINER_HOST and
 * CONTAINER_CONNECTION, the connections of `system connection`
 * (connection.c), the transports (unix, tcp, ssh through OpenSSH's ssh and
 * `system dial-stdio`) and the relay of a command line to the service's
 * POST /warren/cli (api/api_cli.c). */
#ifndef WARREN_CLI_REMOTE_H
#define WARREN_CLI_REMOTE_H

#include <stdbool.h>

#include "engine/engine.h"
#include "lib/err.h"

/* unix:///PATH, tcp://HOST:PORT or ssh://[USER@]HOST[:PORT][/PATH],
 * its parts malloc'd (NULL when absent). */
struct remote_uri {
	char *scheme, *user, *host, *port, *path;
};

/* Parses uri; -1 with Podman's words for an unknown scheme, or what is
 * missing (status 125). */
int remote_uri_parse(const char *uri, struct remote_uri *u, struct werr *err);
void remote_uri_free(struct remote_uri *u);
/* The URI again (malloc'd). */
char *remote_uri_string(const struct remote_uri *u);

/* Asks the warren at u (ssh) for its socket path ({{.Host.RemoteSocket.Path}}
 * of `warren info`), as Podman's `connection add` does. *path malloc'd. */
int remote_ssh_socket(const struct remote_uri *u, const char *identity, char **path,
		      struct werr *err);

/* The URI and identity of connection name (NULL: the default one):
 * 1 found, 0 no default, -1 with err (an unknown name). */
int remote_lookup_connection(const char *name, char **uri, char **identity, struct werr *err);

/* What main() collected: the remote flags and the global flags to pass on. */
struct remote_opts {
	bool remote;		/* -r, --remote (or implied) */
	const char *url;	/* --url */
	const char *connection; /* -c, --connection */
	const char *identity;	/* --identity */
	char **globals;		/* the other global flags, as typed */
};

/* Is remote mode asked for (flags, CONTAINER_HOST, CONTAINER_CONNECTION)? */
bool remote_wanted(const struct remote_opts *o);
/* Does args name a command that always runs here (system connection,
 * help)? */
bool remote_local_command(char **args);
/* Runs the command line args on the service o names (e for the default
 * socket path). Returns the command's exit status, or -1 with err. */
int remote_run(struct engine *e, const struct remote_opts *o, char **args, struct werr *err);

#endif
