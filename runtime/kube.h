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

struct kube_play_opts {
	bool replace;	     /* --replace: an existing pod of the name goes first */
	bool no_start;	     /* --start=false */
	const char *network; /* --network, NULL: the default */
	char **publish;	     /* --publish specs, added to the pod's */
};

/* `kube play`: the Pod documents of docs (yamljson's array) become warren
 * pods whose containers are named POD-CONTAINER, as Podman names them.
 * Every document is checked before anything is made; a failure later
 * removes what this call made. *report: Podman's "Pod:\nID\nContainer:\n
 * ID\n" text (malloc'd). Errors have status 125. */
int kube_play(struct engine *e, struct json_object *docs, const struct kube_play_opts *o,
	      char **report, struct werr *err);

/* `kube down`: removes the pods the Pod documents of docs name (running
 * containers stopped first); *report as Podman's "Pods stopped:" and
 * "Pods removed:" lists. */
int kube_down(struct engine *e, struct json_object *docs, char **report, struct werr *err);

#endif
