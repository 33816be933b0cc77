/* certsd.h - per-registry TLS files in certs.d directories (as
 * containers-certs.d(5) and Docker lay them out): <dir>/<host[:port]>/
 * holding CA certificates (*.crt) and client certificate/key pairs
 * (name.cert with name.key).
 *
 * Directories: the explicit --cert-dir alone when given (the files are in
 * it, no <host> level, as Podman's --cert-dir; a missing one gives no
 * files); else the first existing <host> directory of
 * $XDG_CONFIG_HOME/containers/certs.d (~/.config/...),
 * /etc/containers/certs.d, /etc/docker/certs.d. */
#ifndef WARREN_CERTSD_H
#define WARREN_CERTSD_H

#include "lib/err.h"

struct certsd {
	char *dir;	   /* the <host> directory used, NULL when none exists */
	char *ca_pem;	   /* every *.crt concatenated (strcmp order), NULL when none */
	char *client_cert; /* path of the first *.cert (with its key), or NULL */
	char *client_key;  /* path of its .key, or NULL */
};

/* Fills out for registry "host[:port]". A host with '/', "..", a leading
 * '.' or control characters is refused; a .cert without its .key (or the
 * reverse) is an error, as in Docker. out is written only on success. */
int certsd_lookup(const char *cert_dir, const char *registry, struct certsd *out, struct werr *err);

/* certsd_lookup with /etc under sysroot (tests; NULL = /). */
int certsd_lookup_root(const char *sysroot, const char *cert_dir, const char *registry,
		       struct certsd *out, struct werr *err);

void certsd_free(struct certsd *c);

#endif
