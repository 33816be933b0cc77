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
	"DESCRIPTION\n  Runs the documents of FILE (- reads stdin; several separated by ---),\n"   \
	"  as Podman 4.3 does, and prints Volumes:, then Pod:, the pod's id,\n"                    \
	"  Container(s):, their ids and a blank line for each pod.\n"                              \
	"  Secret: a warren secret of its name holding the document (secretKeyRef,\n"              \
	"  secretRef and secret volumes read it). PersistentVolumeClaim: a volume.\n"              \
	"  ConfigMap: for configMapKeyRef, configMapRef and configMap volumes.\n"                  \
	"  Pod: a pod; Deployment: spec.replicas pods NAME-pod-0, NAME-pod-1, ...;\n"              \
	"  DaemonSet and Job: one pod NAME-pod. Containers are named POD-CONTAINER,\n"             \
	"  with command, args, workingDir, env, envFrom, ports (hostPort: the pod\n"               \
	"  publishes it), volumeMounts (readOnly, subPath), securityContext\n"                     \
	"  (runAsUser, runAsGroup, privileged, readOnlyRootFilesystem, capabilities),\n"           \
	"  livenessProbe (exec, httpGet, tcpSocket: a healthcheck), imagePullPolicy\n"             \
	"  (Always, IfNotPresent, Never; default: pull when missing) and the pod's\n"              \
	"  restartPolicy (default Always; a Job's Never or OnFailure with backoffLimit).\n"        \
	"  $(VAR) in command, args and env values is expanded as Kubernetes does.\n"               \
	"  initContainers run in turn before the others, must exit 0 and are removed\n"            \
	"  (with --start=false they are skipped, with a warning).\n"                               \
	"  Volumes: hostPath (type Directory, DirectoryOrCreate, File, FileOrCreate,\n"            \
	"  Socket), persistentVolumeClaim (the volume, made when missing), and\n"                  \
	"  emptyDir, configMap and secret as volumes POD-VOLUME of the pod's own.\n"               \
	"  Unknown kinds and fields are skipped with a warning; resources are not\n"               \
	"  enforced (a warning). Every document is checked and every image pulled\n"               \
	"  before anything is made; on an error nothing is left behind.\n\n"                       \
	"OPTIONS\n"                                                                                \
	"      --configmap FILE  ConfigMap documents from FILE too (repeatable, or FILE,FILE)\n"   \
	"      --down            do what `kube down FILE` does instead (--force too)\n"            \
	"      --network MODE    the pods' network, as pod create takes it\n"                      \
	"      --publish SPEC    publish a port of the pod too (repeatable)\n"                     \
	"  -q, --quiet           no pull progress\n"                                               \
	"      --replace         remove pods (and secrets) of the same names first;\n"             \
	"                        an existing claim's volume is kept\n"                             \
	"      --start BOOL      start the pods (default true)\n"

#define KUBE_DOWN_HELP                                                                             \
	"SYNOPSIS\n  warren kube down [OPTIONS] FILE|-\n\n"                                        \
	"DESCRIPTION\n  Removes what `kube play FILE` made: the pods (running containers\n"        \
	"  stopped first) with their emptyDir, configMap and secret volumes, and the\n"            \
	"  secrets of Secret documents; prints their ids as Podman does.\n\n"                      \
	"OPTIONS\n"                                                                                \
	"      --force           remove the volumes of PersistentVolumeClaims too\n"

#endif
