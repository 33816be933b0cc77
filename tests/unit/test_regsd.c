/* Unit tests: containers-registries.d(5) (image/regsd.c): the YAML, merging
 * files, the lookups for pulls and for `image trust show`, hostile files. */
#include "tests/unit/unit.h"

#include "image/regsd.h"
#include "lib/util.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

/* "" when text adds to c, else the error. */
static const char *add(struct regsd *c, const char *text, const char *origin)
{
	static struct werr err;

	werr_clear(&err);
	return regsd_add(c, text, strlen(text), origin, &err) == 0 ? "" : err.msg;
}

static const char *lookaside(const struct regsd *c, const char *a, const char *b, const char *d)
{
	char *v[] = {(char *)a, (char *)b, (char *)d, NULL};
	const char *r = regsd_lookaside(c, v);

	return r ? r : "(none)";
}

UNIT_TEST(regsd_lookups)
{
	struct regsd *c = regsd_new();
	char *sc[] = {"q.io/ns/app:1", "q.io/ns/app", "q.io/ns", "q.io", NULL};

	CHECK_STR(add(c,
		      "# a comment\n"
		      "default-docker:\n"
		      "  lookaside: https://default.example/sigs\n"
		      "docker:\n"
		      "  q.io/ns:\n"
		      "    sigstore: file:///old\n"
		      "    lookaside: 'file:///ns'\n"
		      "    lookaside-staging: file:///staging\n"
		      "  q.io:\n"
		      "    use-sigstore-attachments: yes\n"
		      "    unknown-key: [1, 2]\n"
		      "  r.io/only-attach:\n"
		      "    use-sigstore-attachments: false\n",
		      "/d/a.yaml"),
		  "");
	CHECK_STR(add(c, "docker:\n  s.io:\n    sigstore: \"file:///s\"\n", "/d/b.yaml"), "");
	CHECK_STR(add(c, "", "/d/empty.yaml"), "");
	CHECK_STR(add(c, "~\n", "/d/null.yaml"), "");
	CHECK_STR(lookaside(c, "q.io/ns/app:1", "q.io/ns/app", "q.io/ns"), "file:///ns");
	/* a namespace without a store: the next one up, then default-docker */
	CHECK_STR(lookaside(c, "q.io/x:1", "q.io", NULL), "https://default.example/sigs");
	CHECK_STR(lookaside(c, "s.io/a:1", "s.io/a", "s.io"), "file:///s");
	/* attachments: the first namespace configured decides, without falling back */
	CHECK(!regsd_attachments(c, sc));
	char *q[] = {"q.io/x:1", "q.io/x", "q.io", NULL};
	CHECK(regsd_attachments(c, q));
	char *r[] = {"r.io/only-attach", "r.io", NULL};
	CHECK(!regsd_attachments(c, r));
	/* Podman's trust show lookup */
	CHECK_STR(regsd_scope_store(c, "q.io/ns/app"), "file:///ns");
	CHECK(regsd_scope_store(c, "q.io/other") == NULL); /* q.io has no store */
	CHECK_STR(regsd_scope_store(c, "z.io/a"), "https://default.example/sigs");
	CHECK_STR(regsd_scope_store(c, ""), "https://default.example/sigs");
	regsd_free(c);
}

UNIT_TEST(regsd_hostile)
{
	struct regsd *c = regsd_new();

	CHECK(strstr(add(c, "docker:\n  - [x\n", "/d/a.yaml"), "parsing /d/a.yaml: line ") != NULL);
	CHECK(strstr(add(c, "[1, 2]\n", "/d/a.yaml"), "the file must be a mapping") != NULL);
	CHECK(strstr(add(c, "docker: 5\n", "/d/a.yaml"), "line 1: \"docker\" must be a mapping"));
	CHECK(strstr(add(c, "docker:\n  q.io:\n    lookaside: [1]\n", "/d/a.yaml"),
		     "line 3: \"lookaside\" must be a string"));
	CHECK(strstr(add(c, "docker:\n  q.io:\n    use-sigstore-attachments: maybe\n", "/d/a.yaml"),
		     "\"use-sigstore-attachments\" must be true or false"));
	CHECK(strstr(add(c, "docker:\n  q.io: {}\n  q.io: {}\n", "/d/a.yaml"),
		     "key \"q.io\" defined twice"));
	CHECK(strstr(add(c, "\t- x", "/d/a.yaml"), "parsing /d/a.yaml") != NULL);
	regsd_free(c);
	c = regsd_new();
	/* an alias bomb: anchors are references, never expanded */
	CHECK_STR(add(c, "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", "/d/bomb.yaml"), "");
	CHECK_STR(add(c, "default-docker:\n  lookaside: file:///a\n", "/d/1.yaml"), "");
	CHECK_STR(
	    add(c, "default-docker:\n  lookaside: file:///b\n", "/d/2.yaml"),
	    "error parsing signature storage configuration: \"default-docker\" defined both in "
	    "\"/d/1.yaml\" and \"/d/2.yaml\"");
	CHECK_STR(add(c, "docker:\n  q.io:\n    lookaside: file:///a\n", "/d/3.yaml"), "");
	CHECK_STR(add(c, "docker:\n  q.io:\n    lookaside: file:///b\n", "/d/4.yaml"),
		  "error parsing signature storage configuration: \"docker\" namespace \"q.io\" "
		  "defined both in \"/d/3.yaml\" and \"/d/4.yaml\"");
	/* a NUL byte inside a value */
	CHECK(strstr(add(c, "docker:\n  z.io:\n    lookaside: \"a\\0b\"\n", "/d/5.yaml"), "NUL") !=
	      NULL);
	regsd_free(c);
}

UNIT_TEST(regsd_directories)
{
	char dir[] = "/tmp/warren-regsd-XXXXXX";
	struct werr err = {0};
	struct regsd *c;
	char *p, *missing;

	CHECK(mkdtemp(dir) != NULL);
	missing = xasprintf("%s/nonexistent", dir);
	c = regsd_load(missing, &err); /* a missing directory: nothing configured */
	CHECK(c != NULL);
	regsd_free(c);
	free(missing);
	p = xasprintf("%s/b.yaml", dir);
	CHECK(write_file_at(AT_FDCWD, p, "docker:\n  q.io:\n    lookaside: file:///q\n", 40, 0644,
			    &err) == 0);
	free(p);
	p = xasprintf("%s/a.yml", dir); /* not *.yaml: not read */
	CHECK(write_file_at(AT_FDCWD, p, "bad: [", 6, 0644, &err) == 0);
	free(p);
	c = regsd_load(dir, &err);
	CHECK(c != NULL);
	CHECK_STR(regsd_scope_store(c, "q.io/x"), "file:///q");
	regsd_free(c);
	p = xasprintf("%s/c.yaml", dir);
	CHECK(write_file_at(AT_FDCWD, p, "bad: [", 6, 0644, &err) == 0);
	CHECK(regsd_load(dir, &err) == NULL);
	CHECK(strstr(err.msg, "c.yaml") != NULL);
	free(p);
	setenv("WARREN_REGISTRIES_D", dir, 1);
	p = regsd_default_dir();
	CHECK_STR(p, dir);
	free(p);
	unsetenv("WARREN_REGISTRIES_D");
	rm_rf_at(AT_FDCWD, dir, &err);
}

UNIT_MAIN()
