/* help_kube.h - the --help texts of `warren kube ...` (included by
 * cli/cmd_kube.c only). */
#ifndef WARREN_HELP_KUBE_H
#define WARREN_HELP_KUBE_H

#define KUBE_GENERATE_HELP                                                                         \
	"SYNOPSIS\n  warren kube generate [OPTIONS] CONTAINER...|POD...\n"                         \
	"  warren generate kube [OPTIONS] CONTAINER...|POD...\n\n"                                 \
	"DESCRIPTION\n  Prints Kubernetes YAML for containers or pods, as Podman does: a v1 Pod\n" \
	"  (or an apps/v1 Deployment) with each container's image, command and args,\n"            \
	"  env, workingDir, ports (containerPort, hostPort, protocol), volumeMounts\n"             \
	"  (hostPath volumes for bind mounts, persistentVolumeClaim for named\n"                   \
	"  volumes), securityContext (runAsUser, runAsGroup, capabilities added and\n"             \
	"  dropped against Docker's default set, readOnlyRootFilesystem, privileged),\n"           \
	"  restartPolicy and hostname. Containers together make one pod named\n"                   \
	"  FIRST-pod; each pod its own document. `kube play` reads the result back.\n\n"           \
	"OPTIONS\n"                                                                                \
	"  -f, --filename FILE   write the YAML to FILE instead of stdout\n"                       \
	"  -r, --replicas N      replicas of a Deployment (default 1)\n"                           \
	"  -t, --type TYPE       pod (default) or deployment\n"

#define KUBE_PLAY_HELP                                                                             \
	"SYNOPSIS\n  warren kube play [OPTIONS] FILE|-\n\n"                                        \
	"DESCRIPTION\n  Creates a pod for each Pod document of FILE (- reads stdin; several\n"     \
	"  documents separated by ---), its containers named POD-CONTAINER, and starts\n"          \
	"  them; prints Pod:, the pod's id, Container(s):, their ids. A container's\n"             \
	"  command, args, env, workingDir, ports (hostPort: the pod publishes it) and\n"           \
	"  securityContext are honoured. Every document is checked before anything is\n"           \
	"  made; on an error nothing is left behind. Not yet: other kinds (Deployment,\n"          \
	"  ConfigMap, Secret, PersistentVolumeClaim), volumes, env valueFrom, probes.\n\n"         \
	"OPTIONS\n"                                                                                \
	"      --network MODE    the pods' network, as pod create takes it\n"                      \
	"      --publish SPEC    publish a port of the pod too (repeatable)\n"                     \
	"      --replace         remove a pod of the same name first\n"                            \
	"      --start BOOL      start the pods (default true)\n"

#define KUBE_DOWN_HELP                                                                             \
	"SYNOPSIS\n  warren kube down FILE|-\n\n"                                                  \
	"DESCRIPTION\n  Removes the pods the Pod documents of FILE name, with their containers\n"  \
	"  (running ones stopped first), and prints their ids as Podman does.\n"

#endif
