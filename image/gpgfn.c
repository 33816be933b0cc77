/* gpgfn.c - gpgme through dlopen(), private keyrings; see gpgfn.h. */
#include "image/gpgfn.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <gpgme.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"

/* the gpgme functions warren uses, by their own names and types */
#define GPGFN(name) __typeof__(name) *name
static struct {
	GPGFN(gpgme_check_version_internal);
	GPGFN(gpgme_engine_check_version);
	GPGFN(gpgme_new);
	GPGFN(gpgme_release);
	GPGFN(gpgme_set_protocol);
	GPGFN(gpgme_ctx_set_engine_info);
	GPGFN(gpgme_set_armor);
	GPGFN(gpgme_set_offline);
	GPGFN(gpgme_strerror);
	GPGFN(gpgme_data_new);
	GPGFN(gpgme_data_new_from_mem);
	GPGFN(gpgme_data_release);
	GPGFN(gpgme_data_release_and_get_mem);
	GPGFN(gpgme_free);
	GPGFN(gpgme_op_import);
	GPGFN(gpgme_op_import_result);
	GPGFN(gpgme_op_verify);
	GPGFN(gpgme_op_verify_result);
	GPGFN(gpgme_get_key);
	GPGFN(gpgme_key_unref);
} fn;
#undef GPGFN

static const struct {
	const char *name;
	size_t off;
} symbols[] = {
#define SYM(name)                                                                                  \
	{                                                                                          \
#name, offsetof(__typeof__(fn), name)                                              \
	}
    SYM(gpgme_check_version_internal),
    SYM(gpgme_engine_check_version),
    SYM(gpgme_new),
    SYM(gpgme_release),
    SYM(gpgme_set_protocol),
    SYM(gpgme_ctx_set_engine_info),
    SYM(gpgme_set_armor),
    SYM(gpgme_set_offline),
    SYM(gpgme_strerror),
    SYM(gpgme_data_new),
    SYM(gpgme_data_new_from_mem),
    SYM(gpgme_data_release),
    SYM(gpgme_data_release_and_get_mem),
    SYM(gpgme_free),
    SYM(gpgme_op_import),
    SYM(gpgme_op_import_result),
    SYM(gpgme_op_verify),
    SYM(gpgme_op_verify_result),
    SYM(gpgme_get_key),
    SYM(gpgme_key_unref),
#undef SYM
};

static const char *load_error;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
	void *h = dlopen("libgpgme.so.11", RTLD_NOW | RTLD_LOCAL);

	if (h == NULL) {
		load_error = "gpgme is not installed: install Debian's libgpgme11 package "
			     "(apt-get install libgpgme11) to verify signedBy signatures";
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(symbols); i++) {
		void *p = dlsym(h, symbols[i].name);
		if (p == NULL) {
			load_error = "libgpgme11 is too old (1.7 or later needed): upgrade it";
			return;
		}
		*(void **)((char *)&fn + symbols[i].off) = p;
	}
	/* also checks that our struct layout (bit fields) is the library's */
	if (fn.gpgme_check_version_internal("1.7.0", offsetof(struct _gpgme_signature, validity)) ==
	    NULL)
		load_error = "libgpgme11 is too old (1.7 or later needed): upgrade it";
	else if (fn.gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP) != 0)
		load_error = "gpg is not installed: install Debian's gnupg package (apt-get "
			     "install gnupg) to verify signedBy signatures";
}

struct gpg_keyring {
	char *dir;
	gpgme_ctx_t ctx;
	char **fprs; /* primary fingerprints imported */
};

/* Stops the agent gpg may have started in dir: its socket would outlive us. */
static void kill_agent(const char *dir)
{
	cleanup_free char *sock = xasprintf("%s/S.gpg-agent", dir);
	pid_t pid;

	if (access(sock, F_OK) != 0)
		return;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		dup2(null, 1);
		dup2(null, 2);
		execlp("gpgconf", "gpgconf", "--homedir", dir, "--kill", "gpg-agent", (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
}

void gpg_keyring_free(struct gpg_keyring *k)
{
	if (k == NULL)
		return;
	if (k->ctx != NULL)
		fn.gpgme_release(k->ctx);
	if (k->dir != NULL) {
		kill_agent(k->dir);
		rm_rf_at(AT_FDCWD, k->dir, NULL);
	}
	free(k->dir);
	strv_free(k->fprs);
	free(k);
}

/* A new empty keyring; see gpgfn.h. */
struct gpg_keyring *gpg_keyring_new(struct werr *err)
{
	const char *tmp = getenv("TMPDIR");
	struct gpg_keyring *k;
	gpgme_error_t e;

	pthread_once(&once, load);
	if (load_error != NULL) {
		werr_set(err, 0, "%s", load_error);
		return NULL;
	}
	k = xcalloc(1, sizeof(*k));
	k->fprs = xcalloc(1, sizeof(char *));
	k->dir = xasprintf("%s/warren-gpg-XXXXXX", tmp && tmp[0] == '/' ? tmp : "/tmp");
	if (mkdtemp(k->dir) == NULL) {
		werr_set(err, errno, "create a private keyring in '%s'", k->dir);
		free(steal_pointer(&k->dir));
		gpg_keyring_free(k);
		return NULL;
	}
	if ((e = fn.gpgme_new(&k->ctx)) != 0 ||
	    (e = fn.gpgme_set_protocol(k->ctx, GPGME_PROTOCOL_OpenPGP)) != 0 ||
	    (e = fn.gpgme_ctx_set_engine_info(k->ctx, GPGME_PROTOCOL_OpenPGP, NULL, k->dir)) != 0) {
		werr_set(err, 0, "gpgme: %s", fn.gpgme_strerror(e));
		gpg_keyring_free(k);
		return NULL;
	}
	fn.gpgme_set_armor(k->ctx, 0);
	fn.gpgme_set_offline(k->ctx, 1); /* never fetch a key from anywhere */
	return k;
}

/* Imports keys; see gpgfn.h. */
int gpg_keyring_import(struct gpg_keyring *k, const void *data, size_t len, const char *origin,
		       struct werr *err)
{
	gpgme_data_t d = NULL;
	gpgme_import_result_t r;
	gpgme_error_t e;
	int n = 0;

	if ((e = fn.gpgme_data_new_from_mem(&d, data, len, 0)) != 0)
		return werr_set(err, 0, "gpgme: %s", fn.gpgme_strerror(e));
	e = fn.gpgme_op_import(k->ctx, d);
	fn.gpgme_data_release(d);
	if (e != 0)
		return werr_set(err, 0, "import keys of %s: %s", origin, fn.gpgme_strerror(e));
	r = fn.gpgme_op_import_result(k->ctx);
	for (gpgme_import_status_t s = r ? r->imports : NULL; s != NULL; s = s->next) {
		if (s->result != 0 || s->fpr == NULL || strv_contains(k->fprs, s->fpr))
			continue;
		k->fprs = strv_append(k->fprs, s->fpr);
		n++;
	}
	return n;
}

/* The primary key's fingerprint of the key with (sub)key fingerprint fpr
 * (malloc'd), NULL when the keyring lacks it. */
static char *primary_fpr(struct gpg_keyring *k, const char *fpr)
{
	gpgme_key_t key = NULL;
	char *p = NULL;

	if (fn.gpgme_get_key(k->ctx, fpr, &key, 0) != 0 || key == NULL)
		return NULL;
	if (key->subkeys != NULL && key->subkeys->fpr != NULL)
		p = xstrdup(key->subkeys->fpr);
	fn.gpgme_key_unref(key);
	return p;
}

/* Checks the one signature of a verify result as containers/image does
 * (valid apart from the web of trust, which the policy replaces). */
static int check_sig(struct gpg_keyring *k, gpgme_verify_result_t r, struct werr *err)
{
	gpgme_signature_t s = r ? r->signatures : NULL;
	cleanup_free char *primary = NULL;
	size_t n = 0;

	for (gpgme_signature_t t = s; t != NULL; t = t->next)
		n++;
	if (n != 1)
		return werr_set(err, 0, "Invalid GPG signature: Unexpected GPG signature count %zu",
				n);
	if (gpgme_err_code(s->status) == GPG_ERR_NO_PUBKEY)
		return werr_set(err, 0,
				"Invalid GPG signature: signed by key %s, which the policy does "
				"not trust",
				s->fpr ? s->fpr : "?");
	if (s->status != 0)
		return werr_set(err, 0, "Invalid GPG signature: %s", fn.gpgme_strerror(s->status));
	if (s->validity == GPGME_VALIDITY_NEVER || s->validity_reason != 0 || s->wrong_key_usage)
		return werr_set(err, 0, "Invalid GPG signature: key %s may not sign it",
				s->fpr ? s->fpr : "?");
	primary = s->fpr ? primary_fpr(k, s->fpr) : NULL;
	if (primary == NULL || !strv_contains(k->fprs, primary))
		return werr_set(err, 0,
				"Invalid GPG signature: signature by key %s is not accepted",
				s->fpr ? s->fpr : "?");
	return 0;
}

/* Verifies a signed message; see gpgfn.h. */
int gpg_keyring_verify(struct gpg_keyring *k, const void *sig, size_t len, char **payload,
		       size_t *len_out, struct werr *err)
{
	gpgme_data_t in = NULL, plain = NULL;
	gpgme_error_t e;
	char *mem, *out;
	size_t n = 0;
	int rc;

	if ((e = fn.gpgme_data_new_from_mem(&in, sig, len, 0)) != 0 ||
	    (e = fn.gpgme_data_new(&plain)) != 0) {
		if (in != NULL)
			fn.gpgme_data_release(in);
		return werr_set(err, 0, "gpgme: %s", fn.gpgme_strerror(e));
	}
	e = fn.gpgme_op_verify(k->ctx, in, NULL, plain);
	fn.gpgme_data_release(in);
	rc = e != 0 ? werr_set(err, 0, "Invalid GPG signature: %s", fn.gpgme_strerror(e))
		    : check_sig(k, fn.gpgme_op_verify_result(k->ctx), err);
	mem = fn.gpgme_data_release_and_get_mem(plain, &n);
	if (rc == 0) {
		out = xmalloc(n + 1);
		if (n > 0)
			memcpy(out, mem, n);
		out[n] = '\0';
		*payload = out;
		*len_out = n;
	}
	if (mem != NULL)
		fn.gpgme_free(mem);
	return rc;
}

/* The user ids for `image trust show`; see gpgfn.h. */
char **gpg_keyring_uids(struct gpg_keyring *k)
{
	char **v = xcalloc(1, sizeof(char *));

	for (size_t i = 0; k->fprs[i]; i++) {
		gpgme_key_t key = NULL;
		if (fn.gpgme_get_key(k->ctx, k->fprs[i], &key, 0) != 0 || key == NULL)
			continue;
		for (gpgme_user_id_t u = key->uids; u != NULL; u = u->next) {
			const char *lt = u->uid ? strchr(u->uid, '<') : NULL;
			cleanup_free char *id = NULL;
			if (u->uid == NULL || *u->uid == '\0')
				continue;
			if (lt != NULL && strchr(u->uid, '>') != NULL)
				id = xstrndup(lt + 1, strcspn(lt + 1, ">"));
			else
				id = xstrdup(u->uid);
			v = strv_append(v, id);
		}
		fn.gpgme_key_unref(key);
	}
	return v;
}
