/* kube_int.h - what kube_play.c (the documents, undo, down) and
 * kube_pod.c (a pod template into warren pod and containers) share.
 * Internal to runtime/kube_*.c. */
#ifndef WARREN_KUBE_INT_H
#define WARREN_KUBE_INT_H

#include <stdbool.h>

#include <json-c/json.h>

#include "runtime/kube.h"

/* One `kube play` call: its options, the ConfigMaps it knows, and what it
 * made so far (names), so that a failure removes them again. */
struct kplay {
	struct engine *e;
	const struct kube_play_opts *o;
	struct json_object *cms; /* ConfigMap documents (YAML and --configmap), owned */
	char **pods, **secrets, **vols;
	struct json_object *report; /* Podman's play report so far: {"Pods", "Volumes"} */
};

/* A pod a document asks for: its name, its template (metadata + spec,
 * borrowed from the document) and what the kind implies. */
struct kpod {
	char *name;
	struct json_object *tmpl;
	const char *kind, *doc; /* the document's kind and name */
	int restart_max;	/* a Job's backoffLimit (on-failure:N), 0: none */
};

/* One line, whatever the names hold; status 125. */
int kube_bad(struct werr *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Is x of type t (an absent x is fine unless required)? Else a one-line
 * error naming what. */
int kube_want(struct json_object *x, enum json_type t, bool required, const char *what,
	      struct werr *err);

/* Makes the pod kp (its volumes, containers; started unless --start=false)
 * and appends Podman's report of it to kp->text. What it made is in kp's
 * lists even on failure. */
int kube_play_pod(struct kplay *kp, const struct kpod *pod, struct werr *err);

/* The names of the volumes pod name's template made for itself
 * (emptyDir, configMap and secret volumes: NAME-VOLUME). */
char **kube_pod_volumes(const char *name, struct json_object *tmpl);

#endif
