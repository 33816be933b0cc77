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

/* The documents of kube_generate as Podman prints them: a comment header
 * naming warren-VERSION, "---" between documents (malloc'd; NULL with
 * err when one cannot be YAML). */
char *kube_render(struct json_object *docs, const char *version, struct werr *err);

struct kube_play_opts {
	bool replace;			/* --replace: pods (and secrets) of the names go first */
	bool no_start;			/* --start=false */
	const char *network;		/* --network, NULL: the default */
	char **publish;			/* --publish specs, added to the pod's */
	struct json_object *configmaps; /* --configmap files: an array of yamljson arrays */
	/* gets image (pulled as policy, "missing", "always" or "never", says);
	 * the CLI's, with its progress output. NULL: the images must exist. */
	int (*get_image)(void *ud, const char *image, const char *policy, struct werr *err);
	void *ud;
};

/* `kube play`: the documents of docs (yamljson's array) in Podman's
 * order: Secrets (warren secrets holding the document), PersistentVolume-
 * Claims (volumes), ConfigMaps (for env and volumes), then the pods of
 * Pods, Deployments (spec.replicas pods NAME-pod-I, as Podman 4.3),
 * DaemonSets and Jobs (NAME-pod), their containers named POD-CONTAINER.
 * Unknown kinds and fields are skipped with a warning. Every document is
 * checked and every image pulled before anything is made; a failure later
 * removes what this call made. *report: Podman 4.3's play report, a new
 * {"Pods": [{"ID", "Containers", "InitContainers", "Logs",
 * "ContainerErrors"}], "Volumes": [{"Name"}]} (the REST API's answer).
 * Errors have status 125. */
int kube_play(struct engine *e, struct json_object *docs, const struct kube_play_opts *o,
	      struct json_object **report, struct werr *err);

/* The report as Podman 4.3's kube play prints it ("Volumes:" NAMEs, then
 * "Pod:\nID\nContainer:\nID\n\n" per pod), malloc'd. */
char *kube_play_text(struct json_object *report);

/* `kube down`: removes the pods the documents of docs make (running
 * containers stopped first) with their emptyDir, configMap and secret
 * volumes, the secrets of Secret documents, and (force) the volumes of
 * PersistentVolumeClaims; *report a new {"Pods": [ID], "Secrets": [ID],
 * "Volumes": [NAME]} of what went. */
int kube_down(struct engine *e, struct json_object *docs, bool force, struct json_object **report,
	      struct werr *err);

/* The down report as Podman's "Pods stopped:", "Pods removed:", "Secrets
 * removed:", "Volumes removed:" lists (malloc'd). */
char *kube_down_text(struct json_object *report);

#endif
