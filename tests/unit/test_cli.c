/* Unit tests: the option parser (cli/opts.c; issue 5 item 18), run option
 * parsing (runtime/runopts.c), output templates. cli/ is not in
 * libwarren.a: its files are included here directly. Foundation #2. */
#include "tests/unit/unit.h"

#include "cli/format.c"
#include "cli/cmd_attach.c"
#include "cli/cmd_run.c"
#include "cli/runio.c"
#include "cli/cmd_registry.c"
#include "cli/opts.c"
#include "lib/util.h"
#include "runtime/runopts.h"

#include <errno.h>
#include <stdlib.h>

UNIT_TEST(volume_specs)
{
	struct run_opts o = {0};
	struct werr err = {0};

	CHECK(runopts_add_volume(&o, "/a:/b", &err) == 0);
	CHECK(runopts_add_volume(&o, "/a:/c:ro", &err) == 0);
	CHECK(o.nvolumes == 2 && !o.volumes[0].ro && o.volumes[1].ro);
	CHECK_STR(o.volumes[1].dst, "/c");
	CHECK(runopts_add_volume(&o, "/a:rel", &err) < 0 && err.status == 125);
	CHECK_STR(err.msg, "invalid container path \"rel\", must be an absolute path");
	CHECK(runopts_add_volume(&o, ":/b", &err) < 0);
	CHECK(runopts_add_volume(&o, "/a:/b:bogus", &err) < 0);
	CHECK_STR(err.msg, "invalid option type \"bogus\"");
	CHECK(runopts_add_volume(&o, "/a:/b:ro:x", &err) < 0);
	CHECK(runopts_add_volume(&o, "/a:/b:ro,rw", &err) < 0);
	CHECK(runopts_add_volume(&o, "bad@name:/b", &err) < 0);
	CHECK(strstr(err.msg, "names must match") != NULL);
	CHECK(o.nvolumes == 2);
	/* issue 8: a name is a volume, a path alone an anonymous volume */
	CHECK(runopts_add_volume(&o, "named:/n:U,ro,z,rshared,noexec", &err) == 0);
	CHECK(o.volumes[2].kind == MOUNT_VOLUME && o.volumes[2].ro && o.volumes[2].chown);
	CHECK_STR(o.volumes[2].name, "named");
	CHECK_STR(o.volumes[2].mode, "z");
	CHECK_STR(o.volumes[2].propagation, "rshared");
	CHECK(strv_len(o.volumes[2].opts) == 5);
	CHECK(runopts_add_volume(&o, "/anon", &err) == 0);
	CHECK(o.volumes[3].kind == MOUNT_VOLUME && o.volumes[3].anonymous && !o.volumes[3].name);
	CHECK(o.volumes[0].kind == MOUNT_BIND);
	CHECK(runopts_add_volume(&o, "./rel:/r", &err) == 0);
	CHECK(o.volumes[4].kind == MOUNT_BIND && o.volumes[4].src[0] == '/');
	runopts_free(&o);
}

/* issue 8: --mount's keys and Podman's errors */
UNIT_TEST(mount_specs)
{
	struct run_opts o = {0};
	struct werr err = {0};
	static const char *const bad[][2] = {
	    {"type=bind,source=/a,target=/x,bogus=1", "bogus: invalid mount option"},
	    {"source=/a,target=/x",
	     "incorrect mount format: should be --mount type=<bind|tmpfs|"
	     "volume>,[src=<host-dir|volume-name>,]target=<ctr-dir>[,options]"},
	    {"type=nope,target=/x", "invalid filesystem type \"nope\""},
	    {"type=bind,source=/a", "must set volume destination"},
	    {"type=tmpfs,target=t", "invalid container path \"t\", must be an absolute path"},
	    {"type=bind,source=/a,target=/x,bind-propagation=bad", "invalid option type \"bad\""},
	    {"type=bind,source=/a,target=/x,readonly=maybe",
	     "'readonly', 'ro', or 'rw' must be set to true or false, instead received \"maybe\": "
	     "must provide an argument for option"},
	    {"type=volume,source=a/b,target=/x", NULL},
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		CHECK(runopts_add_mount(&o, bad[i][0], &err) < 0 && err.status == 125);
		if (bad[i][1] != NULL)
			CHECK_STR(err.msg, bad[i][1]);
	}
	CHECK(o.nvolumes == 0 && o.tmpfs == NULL);
	CHECK(runopts_add_mount(&o, "type=bind,src=/a,dst=/x,ro,bind-propagation=rslave", &err) ==
	      0);
	CHECK(o.volumes[0].kind == MOUNT_BIND && o.volumes[0].ro);
	CHECK_STR(o.volumes[0].propagation, "rslave");
	CHECK(runopts_add_mount(&o, "type=volume,source=v,destination=/v,U=true,volume-opt=o=x",
				&err) == 0);
	CHECK(o.volumes[1].kind == MOUNT_VOLUME && o.volumes[1].chown && !o.volumes[1].ro);
	CHECK_STR(o.volumes[1].name, "v");
	CHECK(runopts_add_mount(&o, "type=volume,target=/anon,volume-nocopy", &err) == 0);
	CHECK(o.volumes[2].anonymous && o.volumes[2].nocopy);
	CHECK(runopts_add_mount(&o, "type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=700", &err) ==
	      0);
	CHECK(strv_len(o.tmpfs) == 1);
	CHECK_STR(o.tmpfs[0], "/t:size=1m,mode=700");
	CHECK(runopts_add_mount(&o, "type=bind,source=/a,target=/x/", &err) < 0);
	CHECK_STR(err.msg, "/x/: duplicate mount destination");
	CHECK(runopts_add_mount(&o, "type=tmpfs,target=/v", &err) < 0);
	CHECK(runopts_add_volumes_from(&o, "ctr:ro", &err) == 0);
	CHECK(runopts_add_volumes_from(&o, "ctr:bogus", &err) < 0);
	CHECK(runopts_add_volumes_from(&o, ":ro", &err) < 0);
	CHECK(strv_len(o.volumes_from) == 1);
	runopts_free(&o);
}

UNIT_TEST(volume_names)
{
	static const char *const good[] = {"a", "A0", "0", "a_b.c-d", "x-"};
	static const char *const bad[] = {"", "_a", ".a", "-a", "a/b", "a b", "a:b", "é", NULL};

	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		CHECK(runopts_volume_name_ok(good[i]));
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK(!runopts_volume_name_ok(bad[i]));
}

UNIT_TEST(volume_destinations)
{
	/* issue 5 item 13: "/" was ignored, a second -v on one destination stacked */
	struct run_opts o = {0};
	struct werr err = {0};
	const char *root[] = {"/a:/", "/a://", "/a:/.", "/a:/x/..", "/a:/x/../..:ro"};

	for (size_t i = 0; i < ARRAY_SIZE(root); i++) {
		CHECK(runopts_add_volume(&o, root[i], &err) < 0 && err.status == 125);
		CHECK(strstr(err.msg, "cannot be '/'") != NULL);
	}
	CHECK(runopts_add_tmpfs(&o, "/", &err) < 0 && err.status == 125);
	CHECK(runopts_add_volume(&o, "/a:/data", &err) == 0);
	CHECK(runopts_add_volume(&o, "/b:/data/:ro", &err) < 0 && err.status == 125);
	CHECK(strstr(err.msg, "duplicate mount destination") != NULL);
	CHECK(runopts_add_volume(&o, "/b://data/./x/..", &err) < 0);
	CHECK(runopts_add_tmpfs(&o, "/data:size=1m", &err) < 0);
	CHECK(strstr(err.msg, "duplicate mount destination") != NULL);
	CHECK(runopts_add_tmpfs(&o, "/t:size=1m", &err) == 0);
	CHECK(runopts_add_volume(&o, "/b:/t", &err) < 0);
	CHECK(runopts_add_tmpfs(&o, "/t/", &err) < 0);
	CHECK(runopts_add_volume(&o, "/b:/data2", &err) == 0); /* a prefix is no duplicate */
	CHECK(runopts_add_volume(&o, "/b:/data/sub", &err) == 0);
	CHECK(o.nvolumes == 3 && strv_len(o.tmpfs) == 1);
	runopts_free(&o);
}

/* ---- the option parser ---- */

struct t_opts {
	bool a, b, c;
	const char *s, *p;
	char *d;
	char **v;
	int n;
	int calls;
};

static int t_call(void *opts, const char *val, struct werr *err)
{
	((struct t_opts *)opts)->calls++;
	if (strcmp(val, "bad") == 0)
		return werr_set(err, 0, "bad value '%s'", val);
	return 0;
}

static const struct opt t_tab[] = {
    OPT_BOOL("all", 'a', struct t_opts, a), OPT_BOOL("bee", 'b', struct t_opts, b),
    OPT_BOOL("cee", 0, struct t_opts, c),   OPT_STR("str", 's', struct t_opts, s),
    OPT_DUP("dup", 'd', struct t_opts, d),  OPT_STRV("vec", 'v', struct t_opts, v),
    OPT_UINT("num", 'n', struct t_opts, n), OPT_CALL("call", 'x', t_call),
    OPT_OPTSTR("pull", struct t_opts, p),   OPT_TABLE_END,
};
static const struct optspec t_spec = {t_tab, sizeof(struct t_opts), false, NULL, NULL};
static const struct optspec t_stop = {t_tab, sizeof(struct t_opts), true, NULL, NULL};

/* parses the space-separated words of line (argv[0] "cmd" added) */
static int t_parse(const struct optspec *spec, const char *line, struct t_opts *o, char ***args,
		   struct werr *err)
{
	static char buf[512];
	static char *argv[64];
	int argc = 0;

	memset(o, 0, sizeof(*o));
	snprintf(buf, sizeof(buf), "cmd %s", line);
	for (char *save = NULL, *w = strtok_r(buf, " ", &save); w && argc < 63;
	     w = strtok_r(NULL, " ", &save))
		argv[argc++] = strcmp(w, "''") == 0 ? "" : w;
	argv[argc] = NULL;
	werr_clear(err);
	return opts_parse(spec, argc, argv, o, args, err);
}

static void t_free(struct t_opts *o, char **args)
{
	free(o->d);
	strv_free(o->v);
	free(args);
}

UNIT_TEST(opts_values_in_every_spelling)
{
	struct t_opts o;
	struct werr err = {0};
	char **args = NULL;

	CHECK(t_parse(&t_spec, "--str x --dup=y -n 3 -vA -v=B -v C --vec D", &o, &args, &err) == 0);
	CHECK_STR(o.s, "x");
	CHECK_STR(o.d, "y");
	CHECK(o.n == 3 && strv_len(o.v) == 4 && args[0] == NULL);
	CHECK_STR(o.v[0], "A");
	CHECK_STR(o.v[1], "B");
	CHECK_STR(o.v[3], "D");
	t_free(&o, args);
	/* last one wins; DUP frees the old copy; an empty value is a value */
	CHECK(t_parse(&t_spec, "-d one -d two --str=a --str= -s ''", &o, &args, &err) == 0);
	CHECK_STR(o.d, "two");
	CHECK_STR(o.s, "");
	t_free(&o, args);
	/* a value that looks like a flag is still the value */
	CHECK(t_parse(&t_spec, "--str --all -s -b", &o, &args, &err) == 0);
	CHECK_STR(o.s, "-b");
	CHECK(!o.a && !o.b);
	t_free(&o, args);
}

/* pflag's NoOptDefVal (build --pull): alone "true", else only --flag=V */
UNIT_TEST(opts_optional_value)
{
	struct t_opts o;
	struct werr err = {0};
	char **args = NULL;

	CHECK(t_parse(&t_spec, "--pull ctx", &o, &args, &err) == 0);
	CHECK_STR(o.p, "true");
	CHECK_STR(args[0], "ctx");
	t_free(&o, args);
	CHECK(t_parse(&t_spec, "--pull=never ctx", &o, &args, &err) == 0);
	CHECK_STR(o.p, "never");
	CHECK(strv_len(args) == 1);
	t_free(&o, args);
	CHECK(t_parse(&t_spec, "--pull=", &o, &args, &err) == 0);
	CHECK_STR(o.p, "");
	t_free(&o, args);
	CHECK(t_parse(&t_spec, "ctx", &o, &args, &err) == 0);
	CHECK(o.p == NULL);
	t_free(&o, args);
}

UNIT_TEST(opts_booleans_and_clusters)
{
	struct t_opts o;
	struct werr err = {0};
	char **args = NULL;

	CHECK(t_parse(&t_spec, "-ab --cee", &o, &args, &err) == 0 && o.a && o.b && o.c);
	t_free(&o, args);
	CHECK(t_parse(&t_spec, "-ab --all=false --cee=true -b=false", &o, &args, &err) == 0);
	CHECK(!o.a && !o.b && o.c);
	t_free(&o, args);
	CHECK(t_parse(&t_spec, "--all=1 --bee=F --cee=True", &o, &args, &err) == 0);
	CHECK(o.a && !o.b && o.c);
	t_free(&o, args);
	/* a cluster ending in a flag that takes a value: the rest, or the next word */
	CHECK(t_parse(&t_spec, "-abs val", &o, &args, &err) == 0 && o.a && o.b);
	CHECK_STR(o.s, "val");
	t_free(&o, args);
	CHECK(t_parse(&t_spec, "-asval -b", &o, &args, &err) == 0 && o.a && o.b);
	CHECK_STR(o.s, "val");
	t_free(&o, args);
	/* booleans never take the next word */
	CHECK(t_parse(&t_spec, "--all false", &o, &args, &err) == 0 && o.a);
	CHECK_STR(args[0], "false");
	t_free(&o, args);
	CHECK(t_parse(&t_spec, "--all=maybe", &o, &args, &err) < 0 && err.status == 125);
	CHECK_STR(err.msg, "invalid argument \"maybe\" for \"-a, --all\" flag: "
			   "strconv.ParseBool: parsing \"maybe\": invalid syntax");
	t_free(&o, args);
	CHECK(t_parse(&t_spec, "--cee=", &o, &args, &err) < 0);
	CHECK(strstr(err.msg, "\"--cee\"") != NULL);
	t_free(&o, args);
}

UNIT_TEST(opts_positionals_and_double_dash)
{
	struct t_opts o;
	struct werr err = {0};
	char **args = NULL;

	/* interspersed: positionals anywhere, "-" is one */
	CHECK(t_parse(&t_spec, "p1 -a p2 - --str x p3", &o, &args, &err) == 0 && o.a);
	CHECK(strv_len(args) == 4);
	CHECK_STR(args[0], "p1");
	CHECK_STR(args[2], "-");
	CHECK_STR(args[3], "p3");
	t_free(&o, args);
	/* "--" ends the flags */
	CHECK(t_parse(&t_spec, "-a -- -b --str x", &o, &args, &err) == 0 && o.a && !o.b);
	CHECK(strv_len(args) == 3);
	CHECK_STR(args[0], "-b");
	t_free(&o, args);
	/* stop mode (run IMAGE CMD...): the first positional ends the flags */
	CHECK(t_parse(&t_stop, "-a image -b --str x --bogus", &o, &args, &err) == 0);
	CHECK(o.a && !o.b && o.s == NULL && strv_len(args) == 5);
	CHECK_STR(args[0], "image");
	CHECK_STR(args[4], "--bogus");
	t_free(&o, args);
	CHECK(t_parse(&t_stop, "-a -- -b", &o, &args, &err) == 0 && !o.b);
	CHECK_STR(args[0], "-b");
	t_free(&o, args);
	CHECK(t_parse(&t_spec, "", &o, &args, &err) == 0 && args != NULL && args[0] == NULL);
	t_free(&o, args);
}

UNIT_TEST(opts_errors)
{
	struct t_opts o;
	struct werr err = {0};
	char **args = NULL;

	CHECK(t_parse(&t_spec, "--bogus=1", &o, &args, &err) < 0 && err.status == 125);
	CHECK_STR(err.msg, "unknown flag: --bogus");
	t_free(&o, args);
	CHECK(t_parse(&t_spec, "-aq", &o, &args, &err) < 0 && err.status == 125);
	CHECK_STR(err.msg, "unknown shorthand flag: 'q' in -aq");
	t_free(&o, args);
	CHECK(t_parse(&t_spec, "--str", &o, &args, &err) < 0 && err.status == 125);
	CHECK_STR(err.msg, "flag needs an argument: --str");
	t_free(&o, args);
	CHECK(t_parse(&t_spec, "-as", &o, &args, &err) < 0);
	CHECK_STR(err.msg, "flag needs an argument: 's' in -as");
	t_free(&o, args);
	CHECK(t_parse(&t_spec, "-n -1", &o, &args, &err) < 0 && err.status == 125);
	CHECK(strstr(err.msg, "\"-n, --num\"") != NULL);
	t_free(&o, args);
	CHECK(t_parse(&t_spec, "--num=12x", &o, &args, &err) < 0);
	t_free(&o, args);
	CHECK(t_parse(&t_spec, "--=x", &o, &args, &err) < 0);
	CHECK_STR(err.msg, "bad flag syntax: --=x");
	t_free(&o, args);
	/* a call's own error keeps its words and becomes a usage error (125) */
	CHECK(t_parse(&t_spec, "-x ok --call bad", &o, &args, &err) < 0 && err.status == 125);
	CHECK_STR(err.msg, "bad value 'bad'");
	CHECK(o.calls == 2);
	t_free(&o, args);
}

UNIT_TEST(opts_run_table)
{
	/* the real `run` table: its flags keep the spellings they always had */
	char *argv[] = {"run",	     "-it",	    "--rm=false",  "-e",	 "A=1",	    "-eB=2",
			"--env=C=3", "-v",	    "/a:/b:ro",	   "--net=none", "-h",	    "box",
			"--name",    "n1",	    "--read-only", "--cap-add",	 "NET_RAW", "img",
			"cmd",	     "--sig-proxy", "-x",	   NULL};
	struct run_opts o;
	struct werr err = {0};
	char **args = NULL;

	cli_run_opts.init(&o);
	CHECK(o.sig_proxy); /* on by default */
	CHECK(opts_parse(&cli_run_opts, ARRAY_SIZE(argv) - 1, argv, &o, &args, &err) == 0);
	CHECK(o.interactive && o.tty && !o.rm && o.read_only && o.sig_proxy);
	CHECK(strv_len(o.env) == 3 && o.nvolumes == 1 && o.volumes[0].ro && o.net == NET_NONE);
	CHECK_STR(o.env[1], "B=2");
	CHECK_STR(o.env[2], "C=3");
	CHECK_STR(o.hostname, "box");
	CHECK_STR(o.name, "n1");
	CHECK_STR(o.cap_add[0], "NET_RAW");
	CHECK(strv_len(args) == 4); /* the image, then the command with its own flags */
	CHECK_STR(args[0], "img");
	CHECK_STR(args[2], "--sig-proxy");
	free(args);
	cli_run_opts.fini(&o);

	char *argv2[] = {"run", "--sig-proxy=false", "--rm", "img", NULL};
	cli_run_opts.init(&o);
	CHECK(opts_parse(&cli_run_opts, 4, argv2, &o, &args, &err) == 0);
	CHECK(!o.sig_proxy && o.rm && strv_len(args) == 1);
	free(args);
	cli_run_opts.fini(&o);

	/* a bad -v is refused while parsing, with its own words */
	char *argv3[] = {"run", "-v", "/a:/", "img", NULL};
	cli_run_opts.init(&o);
	CHECK(opts_parse(&cli_run_opts, 4, argv3, &o, &args, &err) < 0 && err.status == 125);
	CHECK(strstr(err.msg, "invalid volume spec '/a:/'") != NULL);
	free(args);
	cli_run_opts.fini(&o);
}

UNIT_TEST(opts_help)
{
	static const struct opt h_tab[] = {
	    OPT_STR("hostname", 'h', struct t_opts, s),
	    OPT_TABLE_END,
	};
	static const struct optspec h_spec = {h_tab, sizeof(struct t_opts), true, NULL, NULL};
	struct t_opts o;
	struct werr err = {0};
	char **args = NULL;

	CHECK(t_parse(&t_spec, "-a --help", &o, &args, &err) == OPTS_HELP);
	t_free(&o, args);
	CHECK(t_parse(&t_spec, "-h", &o, &args, &err) == OPTS_HELP);
	t_free(&o, args);
	CHECK(t_parse(&t_spec, "-ah", &o, &args, &err) == OPTS_HELP && o.a);
	t_free(&o, args);
	CHECK(t_parse(&t_spec, "--help=true", &o, &args, &err) == OPTS_HELP);
	t_free(&o, args);
	CHECK(t_parse(&t_spec, "--help=false p", &o, &args, &err) == 0);
	CHECK_STR(args[0], "p");
	t_free(&o, args);
	/* run --help=x printed an empty error (issue 5 item 13) */
	CHECK(t_parse(&t_spec, "--help=x", &o, &args, &err) < 0 && err.status == 125);
	CHECK_STR(err.msg, "invalid argument \"x\" for \"-h, --help\" flag: "
			   "strconv.ParseBool: parsing \"x\": invalid syntax");
	t_free(&o, args);
	/* a table that uses -h (run's --hostname): -h is that flag, --help still helps */
	CHECK(t_parse(&h_spec, "-h box", &o, &args, &err) == 0);
	CHECK_STR(o.s, "box");
	t_free(&o, args);
	CHECK(t_parse(&h_spec, "--help", &o, &args, &err) == OPTS_HELP);
	t_free(&o, args);
	CHECK(t_parse(&h_spec, "--help=x", &o, &args, &err) < 0);
	CHECK(strstr(err.msg, "for \"--help\" flag") != NULL);
	t_free(&o, args);
	/* after the image, --help belongs to the container's command */
	CHECK(t_parse(&h_spec, "image --help", &o, &args, &err) == 0);
	CHECK_STR(args[1], "--help");
	t_free(&o, args);
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

UNIT_TEST(env_glob)
{
	/* issue 15: -e 'OMPI_*' passes every matching variable (Podman's glob) */
	struct run_opts o = {0};
	struct werr err = {0};

	setenv("WARREN_GLOB_A", "1", 1);
	setenv("WARREN_GLOB_B", "two=2", 1);
	setenv("WARREN_GLOBX", "no", 1);
	CHECK(runopts_add_env(&o, "WARREN_GLOB_*", &err) == 0);
	CHECK(strv_len(o.env) == 2);
	CHECK(strv_contains(o.env, "WARREN_GLOB_A=1"));
	CHECK(strv_contains(o.env, "WARREN_GLOB_B=two=2"));
	CHECK(runopts_add_env(&o, "WARREN_NOTHING_*", &err) == 0 && strv_len(o.env) == 2);
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
	CHECK(runopts_set_network(&o, "slirp4netns:port_handler=rootlesskit", &err) == 0 &&
	      o.net == NET_SLIRP);
	CHECK(runopts_set_network(&o, "slirp4netns:port_handler=slirp4netns", &err) == 0 &&
	      o.net == NET_SLIRP);
	err = (struct werr){0};
	CHECK_STR(o.netopts.slirp_port_handler, "slirp4netns");
	CHECK(runopts_security_opt(&o, "seccomp=unconfined", &err) == 0);
	CHECK_STR(o.seccomp, "unconfined");
	CHECK(runopts_security_opt(&o, "apparmor=x", &err) < 0);
	runopts_free(&o);
}

UNIT_TEST(rootfs_and_annotations)
{
	/* issue 8: --rootfs DIR[:O] (made absolute), --annotation K=V */
	struct run_opts o = {0};
	struct werr err = {0};

	CHECK(runopts_set_rootfs(&o, "/tmp:O", &err) == 0 && o.rootfs_overlay);
	CHECK_STR(o.rootfs_path, "/tmp");
	CHECK(runopts_set_rootfs(&o, "/", &err) == 0 && !o.rootfs_overlay);
	CHECK_STR(o.rootfs_path, "/");
	CHECK(runopts_set_rootfs(&o, ":O", &err) < 0 && err.status == 125);
	CHECK(runopts_set_rootfs(&o, "/nonexistent-dir", &err) < 0 && err.errnum == ENOENT);
	CHECK(runopts_set_rootfs(&o, "/etc/passwd", &err) < 0 && err.errnum == ENOTDIR);
	CHECK(!o.rootfs_sqsh);
	CHECK(runopts_add_annotation(&o, "a=b=c", &err) == 0);
	CHECK(runopts_add_annotation(&o, "k=", &err) == 0);
	CHECK(runopts_add_annotation(&o, "=v", &err) < 0);
	CHECK(runopts_add_annotation(&o, "novalue", &err) < 0);
	CHECK(strv_len(o.annotations) == 2);
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
	CHECK_STR(err.msg, "template: format:1:2: executing \"format\" at <.Nope>: can't evaluate "
			   "field Nope in type map[string]interface {}");
	CHECK(template_render("{{.Id", o, &err) == NULL);
	CHECK_STR(err.msg, "template: format:1: unclosed action");
	/* "\n" typed literally is a newline, unless that breaks the template */
	s = template_render("{{.Id}}\\n{{printf \"\\n\"}}", o, &err);
	CHECK_STR(s, "abc\\n\n");
	free(s);
	s = template_render("{{printf \"%s\\n\" .Id}}", o, &err);
	CHECK_STR(s, "abc\n");
	free(s);
	json_object_put(o);
}

/* format_print into a string */
static char *fp(const char *format, const char *json_array, const char *headers, int *rc,
		struct werr *err)
{
	struct json_object *a = json_tokener_parse(json_array);
	struct json_object *h = headers ? json_tokener_parse(headers) : NULL;
	struct json_object *objs[16];
	size_t n = json_object_array_length(a);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	for (size_t i = 0; i < n && i < 16; i++)
		objs[i] = json_object_array_get_idx(a, i);
	*rc = format_print(f, format, objs, n, h, err);
	fclose(f);
	json_object_put(a);
	json_object_put(h);
	return buf;
}

UNIT_TEST(format_print_modes)
{
	const char *rows =
	    "[{\"ID\":\"0123456789ab\",\"Names\":\"web\",\"CreatedAt\":\"now\"},"
	    "{\"ID\":\"ba9876543210\",\"Names\":\"a-much-longer-name\",\"CreatedAt\":\"then\"}]";
	struct werr err = {0};
	int rc;
	char *s;

	s = fp("{{.Names}}", rows, NULL, &rc, &err);
	CHECK(rc == 0);
	CHECK_STR(s, "web\na-much-longer-name\n");
	free(s);
	s = fp("{{.ID}}\\t{{.Names}}", rows, NULL, &rc, &err);
	CHECK_STR(s, "0123456789ab\tweb\nba9876543210\ta-much-longer-name\n");
	free(s);
	/* a template with its own range runs once over all objects */
	s = fp("{{range .}}{{.Names}},{{end}}", rows, NULL, &rc, &err);
	CHECK_STR(s, "web,a-much-longer-name,\n");
	free(s);
	s = fp("table {{.ID}}\\t{{.Names}}\\t{{.CreatedAt}}", rows, "{\"ID\":\"container id\"}",
	       &rc, &err);
	CHECK(rc == 0);
	CHECK_STR(s, "CONTAINER ID  NAMES               CREATED AT\n"
		     "0123456789ab  web                 now\n"
		     "ba9876543210  a-much-longer-name  then\n");
	free(s);
	/* Podman's table: spaces become column breaks; short columns are 12 wide */
	s = fp("table {{.Names}} {{.ID}}", "[{\"Names\":\"x\",\"ID\":\"1\"}]", NULL, &rc, &err);
	CHECK_STR(s, "NAMES       ID\nx           1\n");
	free(s);
	/* no rows: the header still comes from the template's fields */
	s = fp("table {{.ID}}\\t{{.Names}}", "[]", NULL, &rc, &err);
	CHECK_STR(s, "ID          NAMES\n");
	free(s);
	s = fp("json", rows, NULL, &rc, &err);
	CHECK(rc == 0 && s[0] == '[' && strstr(s, "\"Names\": \"web\"") != NULL);
	free(s);
	s = fp("{{ json }}", "[]", NULL, &rc, &err);
	CHECK_STR(s, "[]\n"); /* Podman: "[]", not json-c's "[\n]" */
	free(s);
	s = fp("{{json .ID}}", rows, NULL, &rc, &err);
	CHECK_STR(s, "\"0123456789ab\"\n\"ba9876543210\"\n");
	free(s);
	/* a bad template prints nothing; the error names Podman's position */
	s = fp("{{.Names}} {{.Nope}}", rows, NULL, &rc, &err);
	CHECK(rc < 0);
	CHECK_STR(s, "");
	CHECK_STR(err.msg, "template: format:1:24: executing \"format\" at <.Nope>: can't evaluate "
			   "field Nope in type map[string]string");
	free(s);
	s = fp("table {{.ID}", rows, NULL, &rc, &err);
	CHECK(rc < 0);
	CHECK_STR(s, "");
	free(s);
}

UNIT_TEST(header_titles)
{
	/* report.Headers: camel case split, upper case */
	static const char *const cases[][2] = {
	    {"ID", "ID"},
	    {"CreatedAt", "CREATED AT"},
	    {"ImageID", "IMAGE ID"},
	    {"HTTPServer", "HTTP SERVER"},
	    {"Foo2Bar", "FOO 2 BAR"},
	    {"names", "NAMES"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *t = field_title(cases[i][0]);
		CHECK_STR(t, cases[i][1]);
		free(t);
	}
}

UNIT_TEST(tabwriter_blocks)
{
	char buf[256] = {0};
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	char text[] = "a\tbbbbbbbbbbbbbbbbbb\tc\nno tabs here\nlong-cell-value\tx\n";

	/* a line without a tab ends Go's column block: the third line is
	 * aligned on its own */
	tabwrite(f, text, strlen(text));
	fclose(f);
	CHECK_STR(buf, "a           bbbbbbbbbbbbbbbbbb  c\nno tabs here\nlong-cell-value  x\n");
	/* as Go's: a last line without a newline gets none */
	memset(buf, 0, sizeof(buf));
	f = fmemopen(buf, sizeof(buf), "w");
	tabwrite(f, text, 4);
	fclose(f);
	CHECK_STR(buf, "a           bb");
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
