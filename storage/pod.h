/* pod.h - pod records in the state database (schema 4): one row per pod
 * (id, name, creation time, its infra container, its create options as
 * JSON). A container's membership lives in the container's own config
 * ("Pod"), so that the containers table kept its schema. */
#ifndef WARREN_STORAGE_POD_H
#define WARREN_STORAGE_POD_H

#include <stddef.h>
#include <stdint.h>

#include "lib/digest.h"
#include "lib/err.h"

struct store;

struct pod_rec {
	char id[DIGEST_HEX_LEN + 1]; /* 64 hex */
	char *name;
	int64_t created; /* ns since the epoch */
	char *infra_id;	 /* full id of its infra container, "" with --infra=false */
	char *config;	 /* JSON: the create options (runtime/pods.c) */
};
void pod_rec_free(struct pod_rec *p); /* frees members, not p */
void pod_recs_free(struct pod_rec *v, size_t n);

/* Adds a pod. A name in use fails with EEXIST and Podman's "adding pod
 * to state: name \"N\" is in use: pod already exists". */
int store_pod_add(struct store *s, const struct pod_rec *p, struct werr *err);

/* By full id, unique id prefix or exact name: 1 found, 0 not, -1 error
 * (an ambiguous prefix). */
int store_pod_get(struct store *s, const char *ref, struct pod_rec *out, struct werr *err);

/* All pods, newest first (free with pod_recs_free). */
int store_pod_list(struct store *s, struct pod_rec **out, size_t *n, struct werr *err);

/* Deletes pod id's row. */
int store_pod_delete(struct store *s, const char *id, struct werr *err);

#endif
