/* help_ctrinfo.h - the man-style help of the commands that look into
 * containers (cli/cmd_ctrinfo.c), for cli/commands.c. */
#ifndef WARREN_HELP_CTRINFO_H
#define WARREN_HELP_CTRINFO_H

#define CTR_EXISTS_HELP                                                                            \
	"SYNOPSIS\n  warren container exists CONTAINER\n\n"                                        \
	"DESCRIPTION\n"                                                                            \
	"  Exits 0 when CONTAINER (a name, an id or an id prefix) exists, 1 when it does not.\n"

#define RENAME_HELP                                                                                \
	"SYNOPSIS\n  warren rename CONTAINER NEWNAME\n\n"                                          \
	"DESCRIPTION\n"                                                                            \
	"  Gives CONTAINER a new name, [a-zA-Z0-9][a-zA-Z0-9_.-]*, that no other container\n"      \
	"  has. A running container can be renamed.\n"

#define CTR_PRUNE_HELP                                                                             \
	"SYNOPSIS\n  warren container prune [OPTIONS]\n\n"                                         \
	"DESCRIPTION\n"                                                                            \
	"  Removes every container that does not run (created or exited) and prints their\n"       \
	"  ids. Asks first unless --force.\n\n"                                                    \
	"OPTIONS\n"                                                                                \
	"  -f, --force         do not ask\n"                                                       \
	"      --filter K=V    only those that match: label=KEY[=VALUE], label!=KEY[=VALUE],\n"    \
	"                      until=TIME (created before: a time or a duration before now)\n"

#define TOP_HELP                                                                                   \
	"SYNOPSIS\n  warren top CONTAINER [DESCRIPTOR...]\n\n"                                     \
	"DESCRIPTION\n"                                                                            \
	"  Lists the processes of a running container, read from /proc: those in its pid\n"        \
	"  namespace. Default columns: USER PID PPID %CPU ELAPSED TTY TIME COMMAND.\n"             \
	"  DESCRIPTORs pick others (also comma-separated, or their AIX forms %U %p ...):\n"        \
	"  args comm etime group hpid nice pcpu pgid pid ppid rgroup rss ruser state\n"            \
	"  time tty user vsz. warren runs no ps inside the container for other arguments.\n"

#define DIFF_HELP                                                                                  \
	"SYNOPSIS\n  warren diff [OPTIONS] CONTAINER|IMAGE\n\n"                                    \
	"DESCRIPTION\n"                                                                            \
	"  Lists what changed in a container's filesystem against its image, sorted by path:\n"    \
	"  A added, C changed, D deleted. Read from the container's overlay upper directory;\n"    \
	"  the vfs storage driver keeps no record of changes (an error says so). An image\n"       \
	"  (no container of that name): what its top layer changed, as image diff.\n\n"            \
	"OPTIONS\n"                                                                                \
	"      --format json   {\"changed\": [...], \"added\": [...], \"deleted\": [...]}\n"

#define IMG_DIFF_HELP                                                                              \
	"SYNOPSIS\n  warren image diff [OPTIONS] IMAGE [IMAGE2]\n\n"                               \
	"DESCRIPTION\n"                                                                            \
	"  Lists what differs in IMAGE against IMAGE2 (default: its parent, the layers\n"          \
	"  below its top one; a build step's image shows what that step did), sorted by\n"         \
	"  path: A only IMAGE has it, D only IMAGE2 has it, C both have it and a layer\n"          \
	"  above the ones they share touched it. Images that share no layer are not\n"             \
	"  supported yet.\n\n"                                                                     \
	"OPTIONS\n"                                                                                \
	"      --format json   {\"changed\": [...], \"added\": [...], \"deleted\": [...]}\n"

#define EXPORT_HELP                                                                                \
	"SYNOPSIS\n  warren export [OPTIONS] CONTAINER\n\n"                                        \
	"DESCRIPTION\n"                                                                            \
	"  Writes a tar of the container's root filesystem (without volumes) to stdout or a\n"     \
	"  file. A container that does not run has its rootfs mounted for the export.\n\n"         \
	"OPTIONS\n"                                                                                \
	"  -o, --output FILE   write to FILE\n"

#define CP_HELP                                                                                    \
	"SYNOPSIS\n"                                                                               \
	"  warren cp [OPTIONS] CONTAINER:SRC DEST|-\n"                                             \
	"  warren cp [OPTIONS] SRC|- CONTAINER:DEST\n\n"                                           \
	"DESCRIPTION\n"                                                                            \
	"  Copies files out of or into a container, running or not. Docker's rules: into an\n"     \
	"  existing directory DEST as SRC's name (SRC's contents when SRC ends in \"/.\"), over\n" \
	"  an existing file, or as a new DEST whose parent exists. \"-\" is a tar on stdin or\n"   \
	"  stdout. Paths in the container resolve inside it: its symlinks never lead out.\n\n"     \
	"OPTIONS\n"                                                                                \
	"  -a, --archive       files copied in belong to the container's user (default true;\n"    \
	"                      false: they keep their ids)\n"                                      \
	"      --overwrite     accepted as by Podman\n"                                            \
	"      --pause         accepted as by Podman (warren does not pause)\n"                    \
	"      --tar-of SRC    the tar on stdin (SRC \"-\") holds host path SRC (made by tar -C\n" \
	"                      DIR -c NAME; NAME is replaced): copied by the rules above as "      \
	"SRC,\n"                                                                                   \
	"                      a directory when SRC ends in \"/\" (what warren --remote sends)\n"

#endif
