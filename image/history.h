/* history.h - `history`: an image's config history matched to its layers,
 * as Podman 4.3 shows it (libimage's walk, facts from podman runs). */
#ifndef WARREN_IMAGE_HISTORY_H
#define WARREN_IMAGE_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h" /* before engine.h, which uses struct werr */
#include "engine/engine.h"
#include "storage/store.h"

/* One history entry, newest first */
struct image_history {
	char id[DIGEST_HEX_LEN + 1]; /* the image whose top layer it is, "" for "<missing>" */
	bool has_created;	     /* false: Go's zero time */
	int64_t created;	     /* ns since the epoch */
	int tzoff;		     /* seconds east of UTC the config wrote it in */
	char *created_by;	     /* may be NULL */
	char *comment;		     /* may be NULL */
	int64_t size;		     /* the layer's size; 0 for an empty layer */
};

/* Walks img's config history from the newest entry down its layers: an
 * entry that is not an empty_layer takes the next layer (its size from the
 * store). Each layer's entries show the id of the first stored image
 * whose top layer it is, once (later entries print "<missing>"). A
 * config without history gives no entries. *out newest first, free with
 * image_history_free. Errors: an unparsable config, more non-empty
 * entries than layers. */
int image_history(struct engine *e, const struct image_rec *img, struct image_history **out,
		  size_t *n, struct werr *err);
void image_history_free(struct image_history *v, size_t n);

#endif
