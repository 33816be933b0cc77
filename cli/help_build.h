/* help_build.h - the --help of commit and build. */
#ifndef WARREN_HELP_BUILD_H
#define WARREN_HELP_BUILD_H

#define COMMIT_HELP                                                                                \
	"SYNOPSIS\n  warren commit [OPTIONS] CONTAINER [IMAGE]\n\n"                                \
	"DESCRIPTION\n  Creates an image from a container: its changed files (deletions as\n"      \
	"  whiteouts) become a new layer on top of its image's layers, its settings\n"             \
	"  (Env, Cmd, Entrypoint, WorkingDir, User, Labels) and the -c changes go into\n"          \
	"  the config. Prints the new image's id. A short IMAGE is named\n"                        \
	"  localhost/IMAGE.\n\n"                                                                   \
	"OPTIONS\n"                                                                                \
	"  -a, --author AUTHOR    the image's author\n"                                            \
	"  -c, --change INSTR     apply a Containerfile instruction (CMD, ENTRYPOINT, ENV,\n"      \
	"                         EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME, WORKDIR)\n"    \
	"  -f, --format FORMAT    oci (default) or docker\n"                                       \
	"      --iidfile FILE     write the image id to FILE\n"                                    \
	"      --include-volumes  the container's -v/--mount destinations become VOLUMEs\n"        \
	"  -m, --message MSG      commit message (docker format only)\n"                           \
	"  -p, --pause            pause a running container while committing\n"                    \
	"  -q, --quiet            print only the id\n"                                             \
	"      --squash           the whole filesystem as the image's only layer\n"

#define BUILD_HELP                                                                                 \
	"SYNOPSIS\n  warren build [OPTIONS] [CONTEXT]\n\n"                                         \
	"DESCRIPTION\n  Builds an image from the Containerfile (else Dockerfile) of CONTEXT, a\n"  \
	"  directory (default \".\"), a tarball, or - for a tarball on stdin;\n"                   \
	"  .containerignore or .dockerignore leave files out. RUN steps run in\n"                  \
	"  warren's own containers, rootless; COPY and ADD copy from the context or\n"             \
	"  another stage. FROM pulls an image not stored (as --pull says). Prints\n"               \
	"  STEP lines and the new image's id.\n\n"                                                 \
	"OPTIONS\n"                                                                                \
	"      --annotation K=V an annotation of the image's (OCI) manifest\n"                     \
	"      --authfile FILE  registry credentials (pulls)\n"                                    \
	"      --build-arg K=V  set an ARG (K alone: from the environment)\n"                      \
	"      --cap-add CAP    add a capability to RUN steps\n"                                   \
	"      --cap-drop CAP   drop a capability from RUN steps\n"                                \
	"      --cert-dir DIR   certificates for registries (pulls)\n"                             \
	"      --creds U[:P]    registry credentials (pulls)\n"                                    \
	"  -f, --file FILE      the Containerfile (- reads it from stdin)\n"                       \
	"      --format FORMAT  oci (default) or docker (keeps HEALTHCHECK, SHELL, ONBUILD)\n"     \
	"      --iidfile FILE   write the image id to FILE\n"                                      \
	"      --jobs N         build up to N independent stages at once (0: no limit,\n"          \
	"                       default 1); their lines are tagged [n/m]\n"                        \
	"      --label K=V      add a label to the image\n"                                        \
	"      --layers         each RUN, COPY and ADD makes a cached layer (default);\n"          \
	"                       --layers=false: no cache, the new layers squashed into one\n"      \
	"      --network MODE   the network of RUN steps\n"                                        \
	"      --no-cache       run every step, whatever the layer cache holds\n"                  \
	"  -o, --output OUT     also write the image's files: type=local,dest=DIR,\n"              \
	"                       type=tar,dest=FILE, or DIR\n"                                      \
	"      --platform P     os/arch[/variant] of the base images pulled\n"                     \
	"      --pull[=POLICY]  missing (default), always (--pull alone), never, newer\n"          \
	"      --pull-always    --pull=always\n"                                                   \
	"      --pull-never     --pull=never\n"                                                    \
	"  -q, --quiet          print only the image id\n"                                         \
	"      --secret id=ID,src=FILE|env=VAR  a file, or a variable of the\n"                    \
	"                       environment, for RUN --mount=type=secret,id=ID\n"                  \
	"      --security-opt OPT  security options of RUN steps, as run takes them\n"             \
	"      --squash         the new layers of the final stage squashed into one\n"             \
	"      --squash-all     the whole image one layer\n"                                       \
	"      --ssh ID[=SOCKET|KEY[,KEY]] an SSH agent socket for RUN\n"                          \
	"                       --mount=type=ssh,id=ID (default: $SSH_AUTH_SOCK), or\n"            \
	"                       key files an ssh-agent of the build holds\n"                       \
	"  -t, --tag NAME       name the image (repeatable)\n"                                     \
	"      --target STAGE   build up to this stage\n"                                          \
	"      --timestamp SECS the created time of the image and its history, and the\n"          \
	"                       mtime of every file in the new layers (reproducible)\n"            \
	"      --tls-verify     require HTTPS and verified certificates (pulls)\n"                 \
	"      --ulimit L=S[:H] a resource limit of RUN steps\n"                                   \
	"  -v, --volume SPEC    a volume or bind mount of RUN steps, as run takes it\n"

#endif
