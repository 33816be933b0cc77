#include "engine/engine.h"
#include "engine/config.h"
#include "lib/util.h"
#include "storage/store.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

void engine_free(struct engine *e)
{
	if (e->store)
		store_close(e->store);
	e->store = NULL;
	if (e->conf != NULL)
		config_free(e->conf);
	free(e->conf);
	e->conf = NULL;
	free(e->user);
	free(e->root);
	free(e->root_netfs);
	free(e->runroot);
	free(e->userrun);
	free(e->storage_driver);
	strv_free(e->storage_opts);
	strv_free(e->hooks_dirs);
	e->hooks_dirs = NULL;
	e->user = e->root = e->runroot = e->userrun = e->storage_driver = NULL;
	e->storage_opts = NULL;
}

struct store *engine_store(struct engine *e, struct werr *err)
{
	if (e->store == NULL) {
		/* again, now that the namespace is joined: a --root on a mount
		 * made in it (`warren unshare mount ...`) was hidden from
		 * paths_init, which runs before the join */
		const char *dirs[] = {e->root, e->runroot};
		for (size_t i = 0; i < 2; i++)
			if (dirs[i] && mkdir(dirs[i], 0700) < 0 && errno == ENOENT &&
			    mkdir_p(dirs[i], 0700, err) < 0)
				return NULL;
		e->store = store_open(e->root, err);
		if (e->store == NULL)
			werr_wrap(err, "open the state database in '%s'", e->root);
	}
	return e->store;
}
