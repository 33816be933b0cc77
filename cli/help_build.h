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
	"  another stage. Prints STEP lines and the new image's id.\n\n"                           \
	"OPTIONS\n"                                                                                \
	"      --build-arg K=V  set an ARG (K alone: from the environment)\n"                      \
	"  -f, --file FILE      the Containerfile (- reads it from stdin)\n"                       \
	"      --format FORMAT  oci (default) or docker (keeps HEALTHCHECK, SHELL, ONBUILD)\n"     \
	"      --iidfile FILE   write the image id to FILE\n"                                      \
	"      --label K=V      add a label to the image\n"                                        \
	"      --layers         accepted (each RUN, COPY and ADD makes a layer)\n"                 \
	"      --network MODE   the network of RUN steps\n"                                        \
	"      --no-cache       run every step, whatever the layer cache holds\n"                  \
	"  -q, --quiet          print only the image id\n"                                         \
	"  -t, --tag NAME       name the image (repeatable)\n"                                     \
	"      --target STAGE   build up to this stage\n"

#endif
