/* Unit tests: run option parsing (runtime/runopts.c), output templates
 * (cli/format.c is not in libwarren.a: included here directly). Foundation #2. */
#include "tests/unit/unit.h"

#include "cli/format.c"
#include "lib/util.h"
#include "runtime/runopts.h"

#include <stdlib.h>

UNIT_TEST(volume_specs)
{
	struct run_opts o = {0};
	struct werr err = {0};

	CHECK(runopts_add_volume(&o, "/a:/b", &err) == 0);
	CHECK(runopts_add_volume(&o, "/a:/c:ro", &err) == 0);
	CHECK(o.nvolumes == 2 && !o.volumes[0].ro && o.volumes[1].ro);
	CHECK_STR(o.volumes[1].dst, "/c");
	CHECK(runopts_add_volume(&o, "/a", &err) < 0 && err.status == 125);
	CHECK(runopts_add_volume(&o, "/a:rel", &err) < 0);
	CHECK(runopts_add_volume(&o, ":/b", &err) < 0);
	CHECK(runopts_add_volume(&o, "/a:/b:bogus", &err) < 0);
	CHECK(runopts_add_volume(&o, "/a:/b:ro:x", &err) < 0);
	CHECK(runopts_add_volume(&o, "named:/b", &err) < 0);
	CHECK(o.nvolumes == 2);
	runopts_free(&o);
}

UNIT_TEST(env_parsing)
{
	struct run_opts o = {0};
	struct werr err = {0};

	setenv("WARREN_UNIT_X", "from-host", 1);
	unsetenv("WARREN_UNIT_UNSET");
	CHECK(runopts_add_env(&o, "A=1", &err) == 0);
	CHECK(runopts_add_env(&o, "WARREN_UNIT_X", &err) == 0);
	CHECK(runopts_add_env(&o, "WARREN_UNIT_UNSET", &err) == 0);
	CHECK(runopts_parse_env_text(&o, "# c\n\nB=2\r\n  C=three four\nWARREN_UNIT_X\n", "f",
				     &err) == 0);
	CHECK(strv_len(o.env) == 5);
	CHECK_STR(o.env[1], "WARREN_UNIT_X=from-host");
	CHECK_STR(o.env[2], "B=2");
	CHECK_STR(o.env[3], "C=three four");
	CHECK(runopts_add_env(&o, "=x", &err) < 0);
	CHECK(runopts_parse_env_text(&o, "BAD NAME=1\n", "f", &err) < 0);
	runopts_free(&o);
}

UNIT_TEST(entrypoint_and_network)
{
	struct run_opts o = {0};
	struct werr err = {0};

	CHECK(runopts_set_entrypoint(&o, "[\"sh\",\"-c\"]", &err) == 0);
	CHECK(strv_len(o.entrypoint) == 2 && o.entrypoint_set);
	CHECK(runopts_set_entrypoint(&o, "", &err) == 0);
	CHECK(o.entrypoint == NULL && o.entrypoint_set);
	CHECK(runopts_set_entrypoint(&o, "[1]", &err) < 0);
	CHECK(runopts_set_network(&o, "host", &err) == 0 && o.net == NET_HOST);
	CHECK(runopts_set_network(&o, "none", &err) == 0 && o.net == NET_NONE);
	CHECK(runopts_set_network(&o, "bogus", &err) < 0 && err.status == 125);
	CHECK(runopts_security_opt(&o, "seccomp=unconfined", &err) == 0);
	CHECK_STR(o.seccomp, "unconfined");
	CHECK(runopts_security_opt(&o, "apparmor=x", &err) < 0);
	runopts_free(&o);
}

UNIT_TEST(templates)
{
	struct werr err = {0};
	struct json_object *o = json_tokener_parse(
	    "{\"Id\":\"abc\",\"store\":{\"graphDriverName\":\"overlay\"},\"Names\":[\"a\",\"b\"]}");
	char *s;

	s = template_render("{{.Id}}\\t{{ .store.graphDriverName }}", o, &err);
	CHECK_STR(s, "abc\toverlay");
	free(s);
	s = template_render("{{.Store.GraphDriverName}}", o, &err); /* Go field names */
	CHECK_STR(s, "overlay");
	free(s);
	s = template_render("{{.Names}} {{json .Names}}", o, &err);
	CHECK_STR(s, "[a b] [\"a\",\"b\"]");
	free(s);
	CHECK(template_render("{{.Nope}}", o, &err) == NULL);
	CHECK(template_render("{{.Id", o, &err) == NULL);
	json_object_put(o);
}

UNIT_TEST(table_layout)
{
	struct table *t = table_new(3);
	const char *a[] = {"REPOSITORY", "TAG", "IMAGE ID"};
	const char *b[] = {"docker.io/library/busybox", "latest", "0123456789ab"};
	char buf[512] = {0};
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	table_add(t, a);
	table_add(t, b);
	table_print(t, f);
	fclose(f);
	table_free(t);
	CHECK_STR(buf, "REPOSITORY                 TAG         IMAGE ID\n"
		       "docker.io/library/busybox  latest      0123456789ab\n");
}

UNIT_MAIN()
