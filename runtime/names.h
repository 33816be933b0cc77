/* names.h - generated container names ("brave_otter"), Docker style. */
#ifndef WARREN_NAMES_H
#define WARREN_NAMES_H

/* A random "adjective_animal" name, malloc'd. */
char *names_generate(void);

#endif
