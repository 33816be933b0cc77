/* fuzz_tar: a layer blob (tar, gzip or zstd) extracted into a store
 * (storage/layer.c), as pull and load do with what a registry or an
 * archive sends; a layer that extracts is removed again. Rootless mode,
 * the store in a temp dir made once. */
#include "tests/fuzz/fuzz.h"

#include "engine/engine.h"
#include "lib/util.h"
#include "storage/layer.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

static struct engine e;

static void cleanup(void)
{
	rm_rf_at(AT_FDCWD, e.root, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char tmpl[] = "/tmp/warren-fuzz-tar-XXXXXX";
	char diffid[DIGEST_STR_LEN];
	struct werr err;
	struct layer_src src;
	int fd;

	if (size > (1 << 20))
		return 0;
	if (e.root == NULL) {
		e.rootless = true;
		e.root = xstrdup(mkdtemp(tmpl));
		atexit(cleanup);
	}
	fd = memfd_create("blob", MFD_CLOEXEC);
	if (fd < 0 || write_all(fd, data, size) < 0)
		abort();
	src = (struct layer_src){.fd = fd, .offset = 0, .length = (off_t)size};
	if (layer_extract(&e, &src, NULL, NULL, diffid, NULL, &err) == 0 &&
	    layer_remove(&e, diffid, &err) < 0)
		abort();
	close(fd);
	return 0;
}
