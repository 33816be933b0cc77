#include "engine/engine.h"
#include "lib/util.h"
#include "storage/store.h"

#include <stdlib.h>

void engine_free(struct engine *e)
{
	if (e->store)
		store_close(e->store);
	e->store = NULL;
	free(e->user);
	free(e->root);
	free(e->runroot);
	free(e->userrun);
	free(e->storage_driver);
	strv_free(e->storage_opts);
	e->user = e->root = e->runroot = e->userrun = e->storage_driver = NULL;
	e->storage_opts = NULL;
}

struct store *engine_store(struct engine *e, struct werr *err)
{
	if (e->store == NULL) {
		e->store = store_open(e->root, err);
		if (e->store == NULL)
			werr_wrap(err, "open the state database in '%s'", e->root);
	}
	return e->store;
}
