/* help_secret.h - the --help texts of `warren secret ...` (included by
 * cli/commands.c only). */
#ifndef WARREN_HELP_SECRET_H
#define WARREN_HELP_SECRET_H

#define SECRET_CREATE_HELP                                                                         \
	"SYNOPSIS\n  warren secret create [OPTIONS] NAME FILE|-\n\n"                               \
	"DESCRIPTION\n  Stores the content of FILE (- reads stdin) as secret NAME and prints "     \
	"its\n"                                                                                    \
	"  id. Containers get it with run --secret NAME: as a file at /run/secrets/NAME\n"         \
	"  or, with type=env, as an environment variable. It never shows in inspect.\n"            \
	"  NAME: at most 64 of [a-zA-Z0-9-_.], starting and ending with a letter or a\n"           \
	"  digit; the data: 1 to 511999 bytes.\n\n"                                                \
	"OPTIONS\n"                                                                                \
	"  -d, --driver NAME     file (the only driver)\n"                                         \
	"      --driver-opts K=V accepted, as Podman's file driver takes none\n"                   \
	"      --env             read the data from the environment variable named FILE\n"         \
	"  -l, --label K[=V]     a label\n"

#define SECRET_LS_HELP                                                                             \
	"SYNOPSIS\n  warren secret ls [OPTIONS]\n\n"                                               \
	"DESCRIPTION\n  Lists secrets: ID NAME DRIVER CREATED UPDATED.\n\n"                        \
	"OPTIONS\n"                                                                                \
	"  -f, --filter K=V      name=PREFIX or id=PREFIX (repeatable)\n"                          \
	"      --format F        json or a Go template (.ID .Name .Driver .CreatedAt "             \
	".UpdatedAt)\n"                                                                            \
	"      --noheading       no header line\n"                                                 \
	"  -q, --quiet           ids only\n"

#define SECRET_INSPECT_HELP                                                                        \
	"SYNOPSIS\n  warren secret inspect [OPTIONS] SECRET...\n\n"                                \
	"DESCRIPTION\n  Shows secrets (by name, id or id prefix) as JSON in Podman's shape,\n"     \
	"  without their data.\n\n"                                                                \
	"OPTIONS\n"                                                                                \
	"  -f, --format F        a Go template (e.g. '{{.Spec.Name}}')\n"                          \
	"      --pretty          human-readable\n"

#define SECRET_RM_HELP                                                                             \
	"SYNOPSIS\n  warren secret rm [-a, --all] [SECRET...]\n\n"                                 \
	"DESCRIPTION\n  Removes secrets and prints their ids. Containers created with one keep\n"  \
	"  their copy.\n\n"                                                                        \
	"OPTIONS\n"                                                                                \
	"  -a, --all             every secret\n"

#define SECRET_EXISTS_HELP                                                                         \
	"SYNOPSIS\n  warren secret exists SECRET\n\n"                                              \
	"DESCRIPTION\n  Exit status 0 when the secret exists, 1 when not.\n"

#endif
