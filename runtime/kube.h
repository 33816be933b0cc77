/* kube.h - Kubernetes YAML (issue 11): `kube generate` turns containers and
 * pods into a v1 Pod or an apps/v1 Deployment, in the shape Podman writes
 * (its annotations, volume names, capability lists against Docker's
 * default set). The objects are json-c; lib/yamljson.h writes them. */
#ifndef WARREN_KUBE_H
#define WARREN_KUBE_H

#include <stdbool.h>

#include <json-c/json.h>

#include "lib/err.h" /* before engine.h, which uses struct werr */
#include "engine/engine.h"

struct kube_gen_opts {
	bool deployment; /* --type deployment */
	int replicas;	 /* --replicas, Deployment only (0: 1) */
};

/* refs: containers (together one pod named FIRST-pod, as Podman does) or
 * pods (one document each). *docs: a new JSON array of the documents.
 * Errors (status 125) for an unknown name and an infra container. */
int kube_generate(struct engine *e, char *const *refs, const struct kube_gen_opts *o,
		  struct json_object **docs, struct werr *err);

#endif
