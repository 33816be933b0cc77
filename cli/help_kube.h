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

#endif
