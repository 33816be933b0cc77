/* progress.h - pull progress on stderr, as Podman shows it: on a terminal
 * one line per layer with a bar, bytes and rate, redrawn in place;
 * otherwise one line per layer; nothing with -q. */
#ifndef WARREN_IMAGE_PROGRESS_H
#define WARREN_IMAGE_PROGRESS_H

#include <stdbool.h>
#include <stdio.h>

#include "image/pull.h"

struct progress;

struct progress *progress_new(FILE *out, bool tty, bool quiet);
/* A pull_opts.event callback (ud: the struct progress). */
void progress_event(void *ud, const struct pull_event *ev);
/* Draws the last state and frees. */
void progress_free(struct progress *p);

#endif
