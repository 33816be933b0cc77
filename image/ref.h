/* ref.h - image references as Docker and Podman parse them (pure logic). */
#ifndef WARREN_REF_H
#define WARREN_REF_H

#include <stdbool.h>

#include "lib/err.h"

struct image_ref {
	char *domain; /* "docker.io", "localhost", "quay.io:443" */
	char *path;   /* "library/busybox", "foo/bar" */
	char *tag;    /* "latest" unless a digest-only ref; NULL then */
	char *digest; /* "sha256:..." or NULL */
};

/* Parses and normalizes: "busybox" -> docker.io/library/busybox:latest,
 * "localhost/x" stays, "quay.io/a/b@sha256:..." keeps the digest. Upper
 * case in the repository, empty parts and bad tags are errors
 * ("invalid reference format"). Returns 0 or -1. */
int ref_parse(const char *s, struct image_ref *out, struct werr *err);
void ref_free(struct image_ref *r);

/* "domain/path:tag" or "domain/path@digest" (malloc'd). */
char *ref_string(const struct image_ref *r);

/* "domain/path" (malloc'd). */
char *ref_repo(const struct image_ref *r);

/* True when s names no registry (no '.', ':' or "localhost" in its first
 * component), i.e. a short name such as "busybox" or "foo/bar:1". */
bool ref_is_short(const char *s);

/* Splits a stored full name into repository and tag for the images table:
 * "docker.io/library/busybox:latest" -> repo, tag ("<none>" when absent).
 * Both malloc'd. */
void ref_split_name(const char *name, char **repo, char **tag);

/* Where an image comes from or goes to: Podman's transports that warren
 * implements. */
enum ref_transport {
	TRANSPORT_NONE,		  /* no "transport:" prefix */
	TRANSPORT_DOCKER,	  /* "docker://NAME": a registry */
	TRANSPORT_DOCKER_ARCHIVE, /* "docker-archive:PATH[:NAME]" */
	TRANSPORT_OCI_ARCHIVE,	  /* "oci-archive:PATH[:NAME]" */
	TRANSPORT_OCI_DIR,	  /* "oci:DIR[:NAME]" (an OCI layout directory) */
};

/* Splits "transport:rest". docker:// gives the name in *path; the others
 * the path and the optional name after its first ':' (*name, NULL when
 * absent); both malloc'd. No known prefix gives TRANSPORT_NONE and the
 * whole of s in *path. Podman's other transports (dir:,
 * containers-storage:, docker-daemon:, ...) and an empty path fail with
 * one line. Returns 0 or -1. */
int ref_transport_split(const char *s, enum ref_transport *t, char **path, char **name,
			struct werr *err);

#endif
