/* fuzz_json: the readers of JSON a registry, an archive or a store
 * record hands over (image/): manifest type, image manifest, index
 * platform pick, image config, stored manifest list, signature payload,
 * and the auth file (image/auth.c, through a file). */
#include "tests/fuzz/fuzz.h"

#include "image/auth.h"
#include "image/image.h"
#include "image/manifest.h"
#include "image/manifest_list.h"
#include "image/signature.h"
#include "lib/util.h"

#include <fcntl.h>
#include <unistd.h>

static char authfile[] = "/tmp/warren-fuzz-auth-XXXXXX";

static void auth_cleanup(void)
{
	unlink(authfile);
}

static void auth(const uint8_t *data, size_t size)
{
	struct auth_creds c = {0};
	struct werr err;
	int fd;

	if (authfile[sizeof(authfile) - 2] == 'X') {
		fd = mkstemp(authfile);
		if (fd < 0)
			abort();
		close(fd);
		atexit(auth_cleanup);
		/* a credHelpers entry must find no helper to run */
		setenv("PATH", "/nonexistent", 1);
	}
	fd = open(authfile, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0 || write_all(fd, data, size) < 0)
		abort();
	close(fd);
	if (auth_lookup(authfile, "example.com", "ns/img", &c, &err) == 1)
		auth_creds_free(&c);
	if (auth_lookup(authfile, "docker.io", NULL, &c, &err) == 1)
		auth_creds_free(&c);
}

static void config(const char *s)
{
	struct image_config cfg;
	struct werr err;
	char **diff_ids = NULL;
	int64_t created;

	if (image_config_parse(s, &cfg, &err) == 0)
		image_config_free(&cfg);
	if (image_config_info(s, &diff_ids, &created, &err) == 0)
		strv_free(diff_ids);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct platform want = {"linux", "arm", "v7"};
	struct manifest m;
	struct mlist l;
	struct sig_payload p;
	struct werr err;
	/* bodies come NUL-terminated (registry.c body_cb): jparse() reads
	 * to the NUL */
	char *s = fuzz_str(data, size), *digest = NULL;

	(void)manifest_kind(s, size, NULL, &err);
	if (manifest_parse(s, size, &m, &err) == 0)
		manifest_free(&m);
	if (manifest_pick(s, size, &want, &digest, &err) == 0)
		free(digest);
	config(s);
	if (mlist_parse(s, &l, &err) == 0)
		mlist_free(&l);
	if (sig_payload_parse(s, size, SIG_TYPE_GPG, &p, &err) == 0)
		sig_payload_free(&p);
	auth(data, size);
	free(s);
	return 0;
}
