/* certsd.c - per-registry TLS files (see certsd.h). */
#include "image/certsd.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/cleanup.h"
#include "lib/util.h"

#define CERT_MAX_SIZE (1024 * 1024)

void certsd_free(struct certsd *c)
{
	if (c == NULL)
		return;
	free(c->dir);
	free(c->ca_pem);
	free(c->client_cert);
	free(c->client_key);
	*c = (struct certsd){0};
}

static bool host_ok(const char *h)
{
	if (h[0] == '\0' || h[0] == '.' || strchr(h, '/') != NULL || strstr(h, "..") != NULL)
		return false;
	for (; *h; h++)
		if ((unsigned char)*h < 0x21 || *h == 0x7f)
			return false;
	return true;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* name.crt: append to the CA text. */
static int add_ca(struct certsd *c, const char *path, struct werr *err)
{
	size_t len = 0;
	cleanup_free char *pem = read_file_max(path, CERT_MAX_SIZE, &len, err);
	char *all;

	if (pem == NULL)
		return -1;
	if (strlen(pem) != len)
		return werr_set(err, 0, "'%s' is not a PEM file (NUL byte)", path);
	all = xasprintf("%s%s%s", c->ca_pem ? c->ca_pem : "",
			c->ca_pem && c->ca_pem[0] && !str_has_suffix(c->ca_pem, "\n") ? "\n" : "",
			pem);
	free(c->ca_pem);
	c->ca_pem = all;
	return 0;
}

/* name.cert needs name.key and name.key needs name.cert. */
static int check_pair(struct certsd *c, const char *dir, const char *name, struct werr *err)
{
	bool cert = str_has_suffix(name, ".cert");
	size_t base = strlen(name) - (cert ? 5 : 4);
	cleanup_free char *self = xasprintf("%s/%s", dir, name);
	cleanup_free char *other =
	    xasprintf("%s/%.*s%s", dir, (int)base, name, cert ? ".key" : ".cert");

	if (!is_file(other))
		return cert ? werr_set(err, 0,
				       "missing key %s for client certificate %s. Note that CA "
				       "certificates should use the extension .crt",
				       other, self)
			    : werr_set(err, 0, "missing client certificate %s for key %s", other,
				       self);
	if (cert && c->client_cert == NULL) {
		c->client_cert = steal_pointer(&self);
		c->client_key = steal_pointer(&other);
	}
	return 0;
}

static int read_dir(struct certsd *c, const char *dir, struct werr *err)
{
	struct dirent **ents = NULL;
	int n = scandir(dir, &ents, NULL, by_name), rc = 0;

	if (n < 0)
		return werr_set(err, errno, "read '%s'", dir);
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		cleanup_free char *p = xasprintf("%s/%s", dir, name);
		if (rc == 0 && name[0] != '.' && is_file(p)) {
			if (str_has_suffix(name, ".crt"))
				rc = add_ca(c, p, err);
			else if (str_has_suffix(name, ".cert") || str_has_suffix(name, ".key"))
				rc = check_pair(c, dir, name, err);
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

int certsd_lookup_root(const char *sysroot, const char *cert_dir, const char *registry,
		       struct certsd *out, struct werr *err)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	const char *root = sysroot ? sysroot : "";
	cleanup_strv char **bases = xcalloc(1, sizeof(char *));
	struct certsd c = {0};
	struct stat st;

	if (!host_ok(registry))
		return werr_set(err, 0, "invalid registry name \"%s\" for a certs.d directory",
				registry);
	if (cert_dir != NULL && cert_dir[0] != '\0') {
		/* --cert-dir holds the files themselves, no <host> level (as Podman) */
		if (stat(cert_dir, &st) == 0 && S_ISDIR(st.st_mode))
			c.dir = xstrdup(cert_dir);
	} else {
		cleanup_free char *user = x && x[0] == '/' ? xasprintf("%s/containers/certs.d", x)
					  : home && home[0] == '/'
					      ? xasprintf("%s/.config/containers/certs.d", home)
					      : NULL;
		cleanup_free char *etc1 = xasprintf("%s/etc/containers/certs.d", root);
		cleanup_free char *etc2 = xasprintf("%s/etc/docker/certs.d", root);
		if (user != NULL)
			bases = strv_append(bases, user);
		bases = strv_append(bases, etc1);
		bases = strv_append(bases, etc2);
	}
	for (size_t i = 0; bases[i] && c.dir == NULL; i++) {
		cleanup_free char *d = xasprintf("%s/%s", bases[i], registry);
		if (stat(d, &st) == 0 && S_ISDIR(st.st_mode))
			c.dir = steal_pointer(&d);
	}
	if (c.dir != NULL && read_dir(&c, c.dir, err) < 0) {
		certsd_free(&c);
		return -1;
	}
	*out = c;
	return 0;
}

int certsd_lookup(const char *cert_dir, const char *registry, struct certsd *out, struct werr *err)
{
	return certsd_lookup_root(NULL, cert_dir, registry, out, err);
}
