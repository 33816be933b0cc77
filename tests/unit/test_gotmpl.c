/* Unit tests: lib/gotmpl, Go's text/template over json-c values (issue 6):
 * every construct and function, and Go's error messages. */
#include "tests/unit/unit.h"

#include "lib/gotmpl.h"
#include "lib/util.h"

#include <stdlib.h>

static const char *data =
    "{\"Name\":\"web\",\"ID\":\"0123456789abcdef\",\"State\":{\"Status\":\"running\","
    "\"Pid\":42,\"Running\":true},\"Labels\":{\"app\":\"x\",\"org.k\":\"v\"},"
    "\"Names\":[\"a\",\"b\",\"c\"],\"Ports\":[],\"Size\":1234567,\"Ratio\":0.5,"
    "\"Big\":1000000.0,\"Nil\":null,\"Empty\":\"\",\"Nums\":[3,1,2],\"Html\":\"<a&b>\"}";

/* renders tmpl against data; the output, or the error message */
static char *run(const char *tmpl, const char *json)
{
	struct werr err = {0};
	struct json_object *o = json_tokener_parse(json ? json : data);
	struct gotmpl *t = gotmpl_parse("x", tmpl, &err);
	char *s = NULL;

	if (t != NULL)
		s = gotmpl_render(t, o, &err);
	gotmpl_free(t);
	json_object_put(o);
	return s ? s : xasprintf("ERR %s", err.msg);
}

#define T(tmpl, want)                                                                              \
	do {                                                                                       \
		char *s_ = run(tmpl, NULL);                                                        \
		CHECK_STR(s_, want);                                                               \
		free(s_);                                                                          \
	} while (0)

#define TJ(tmpl, json, want)                                                                       \
	do {                                                                                       \
		char *s_ = run(tmpl, json);                                                        \
		CHECK_STR(s_, want);                                                               \
		free(s_);                                                                          \
	} while (0)

UNIT_TEST(text_and_fields)
{
	T("plain text", "plain text");
	T("", "");
	T("{{.Name}}", "web");
	T("a{{.Name}}b{{.ID}}", "awebb0123456789abcdef");
	T("{{.State.Status}}/{{.State.Pid}}/{{.State.Running}}", "running/42/true");
	T("{{ .Name }}", "web");
	T("{{.state.status}}", "running"); /* Go field names vs JSON keys */
	T("{{.Names}}", "[a b c]");
	T("{{.Ports}}", "[]");
	T("{{.Labels}}", "map[app:x org.k:v]");
	T("{{.State}}", "map[Pid:42 Running:true Status:running]");
	T("{{.Nil}}", "<nil>");
	T("{{.Labels.nokey}}", "<no value>");
	T("{{.Labels.nokey.deeper}}", "<no value>");
	T("{{.Ratio}} {{.Big}} {{.Size}}", "0.5 1e+06 1234567");
	TJ("{{.}}", "\"str\"", "str");
	TJ("{{.}}", "[1,\"a\",null,true]", "[1 a <nil> true]");
	TJ("{{.}}", "1.5e-7", "1.5e-07");
	TJ("{{.}}", "123456.0", "123456");
	TJ("{{.}}", "0.0001", "0.0001");
	TJ("{{.}}", "0.00001", "1e-05");
}

UNIT_TEST(comments_and_trimming)
{
	T("a {{/* a comment */}} b", "a  b");
	T("a {{- /* c */ -}} b", "ab");
	T("x  {{- .Name -}}  y", "xweby");
	T("{{.Name -}}\n\n  !", "web!");
	T("{{3 -}} < {{- 4}}", "3<4");
	T("{{-3}}", "-3");
}

UNIT_TEST(literals)
{
	T("{{\"quoted\\tstr\"}}", "quoted\tstr");
	T("{{`raw\\t`}}", "raw\\t");
	T("{{42}} {{-7}} {{1.5}} {{0x1F}} {{1e3}} {{'a'}}", "42 -7 1.5 31 1000 97");
	T("{{true}} {{false}}", "true false");
	T("{{\"\\u00e9\\x41\"}}", "\xc3\xa9"
				  "A");
	T("{{print nil}}", "<nil>");
}

UNIT_TEST(pipelines_and_variables)
{
	T("{{.Name | printf \"%s!\"}}", "web!");
	T("{{.Name | printf \"%s-%s\" \"a\"}}", "a-web");
	T("{{$x := .State}}{{$x.Status}}", "running");
	T("{{$x := 1}}{{$x = 2}}{{$x}}", "2");
	T("{{with .State}}{{$.Name}}:{{.Pid}}{{end}}", "web:42");
	T("{{(.State).Status}} {{(printf \"%d\" 5)}}", "running 5");
	T("{{len (index .Names 0)}}", "1");
	T("{{$}}", "map[Big:1e+06 Empty: Html:<a&b> ID:0123456789abcdef Labels:map[app:x org.k:v] "
		   "Name:web Names:[a b c] Nil:<nil> Nums:[3 1 2] Ports:[] Ratio:0.5 Size:1234567 "
		   "State:map[Pid:42 Running:true Status:running]]");
	T("{{$n := .Name}}{{if true}}{{$n = \"in\"}}{{end}}{{$n}}", "in");
}

UNIT_TEST(conditionals)
{
	T("{{if .State.Running}}up{{else}}down{{end}}", "up");
	T("{{if .Empty}}y{{else if .Nil}}n{{else if .Name}}name{{else}}z{{end}}", "name");
	T("{{if .Ports}}y{{else}}empty{{end}}", "empty");
	T("{{if .Labels.none}}y{{else}}missing{{end}}", "missing");
	T("{{if 0}}y{{else}}zero{{end}} {{if 0.0}}y{{else}}fz{{end}}", "zero fz");
	T("{{with .State}}{{.Status}}{{end}}", "running");
	T("{{with .Empty}}x{{else}}none{{end}}", "none");
	T("{{with .Empty}}x{{else with .Name}}{{.}}{{end}}", "web");
	T("{{if $v := .Name}}{{$v}}{{end}}", "web");
	T("{{if and .Name .Empty}}y{{else}}n{{end}}", "n");
}

UNIT_TEST(ranges)
{
	T("{{range .Names}}<{{.}}>{{end}}", "<a><b><c>");
	T("{{range $i, $e := .Names}}{{$i}}={{$e}} {{end}}", "0=a 1=b 2=c ");
	T("{{range $e := .Names}}{{$e}}{{end}}", "abc");
	T("{{range $k, $v := .Labels}}{{$k}}:{{$v}};{{end}}", "app:x;org.k:v;");
	T("{{range .Labels}}{{.}}{{end}}", "xv");
	T("{{range .Ports}}x{{else}}none{{end}}", "none");
	T("{{range .Nil}}x{{else}}nil{{end}}", "nil");
	T("{{range .Names}}{{if eq . \"b\"}}{{break}}{{end}}{{.}}{{end}}", "a");
	T("{{range .Names}}{{if eq . \"b\"}}{{continue}}{{end}}{{.}}{{end}}", "ac");
	T("{{range 3}}{{.}}{{end}}", "012");
	T("{{range $i, $e := .Names}}{{end}}{{.Name}}", "web");
	T("{{range .Names}}{{$.Name}}{{end}}", "webwebweb");
	T("{{range .Name}}{{end}}",
	  "ERR template: x:1:8: executing \"x\" at <{{range .Name}}>: range "
	  "can't iterate over web");
}

UNIT_TEST(comparisons)
{
	T("{{eq .Name \"web\"}} {{eq .Name \"x\" \"web\"}} {{eq .Name \"x\" \"y\"}}",
	  "true true false");
	T("{{eq .State.Pid 42}} {{ne .State.Pid 42}} {{eq .Nil nil}}", "true false true");
	T("{{lt 1 2}} {{le 2 2}} {{gt 1 2}} {{ge 2 3}} {{lt \"a\" \"b\"}} {{lt 1.5 2.5}}",
	  "true true false false true true");
	T("{{eq .Labels.none \"x\"}}", "false");
	T("{{eq 1 \"a\"}}",
	  "ERR template: x:1:2: executing \"x\" at <eq 1 \"a\">: error calling eq: "
	  "incompatible types for comparison");
	T("{{lt true false}}", "ERR template: x:1:2: executing \"x\" at <lt true false>: error "
			       "calling lt: invalid type for comparison");
	T("{{eq 1}}", "ERR template: x:1:2: executing \"x\" at <eq 1>: error calling eq: missing "
		      "argument for comparison");
	T("{{not .Empty}} {{not .Name}}", "true false");
	T("{{and 1 0 2}} {{and 1 2}} {{or 0 \"\" \"z\"}} {{or 0 \"\"}}", "0 2 z ");
	T("{{or .Name .Nope.Deeper}}", "web"); /* short-circuit: the second is never evaluated */
	T("{{.Empty | or \"dflt\"}}", "dflt");
}

UNIT_TEST(builtins)
{
	T("{{len .Names}} {{len .Name}} {{len .Labels}} {{len .Ports}}", "3 3 2 0");
	T("{{index .Names 1}} {{index .Labels \"org.k\"}} {{index .Labels \"none\"}}|", "b v |");
	TJ("{{index . \"a\" 1 \"b\"}}", "{\"a\":[0,{\"b\":\"deep\"}]}", "deep");
	T("{{index .Name 0}}", "119");
	T("{{slice .Name 1}} {{slice .Name 0 2}} {{slice .Names 1 3}}", "eb we [b c]");
	T("{{print .Name 1 2 \"s\" 3}}", "web1 2s3");
	T("{{println .Name 1}}", "web 1\n");
	T("{{html .Html}} {{urlquery \"a b&c\"}} {{js \"it's <x>\"}}",
	  "&lt;a&amp;b&gt; a+b%26c it\\'s \\u003Cx\\u003E");
}

UNIT_TEST(printf_verbs)
{
	T("{{printf \"%s|%5s|%-5s|%.2s\" .Name .Name .Name .Name}}", "web|  web|web  |we");
	T("{{printf \"%d|%5d|%-5d|%05d|%+d|%x|%X|%o|%b|%c\" 42 42 42 42 42 255 255 8 5 65}}",
	  "42|   42|42   |00042|+42|ff|FF|10|101|A");
	T("{{printf \"%v %v %v %v\" .Name .Size .Ratio .Names}}", "web 1234567 0.5 [a b c]");
	T("{{printf \"%.2f|%8.3f|%e|%g|%G\" 3.14159 2.5 1234.5 0.000012 1e21}}",
	  "3.14|   2.500|1.234500e+03|1.2e-05|1E+21");
	T("{{printf \"%q %q %t %T %T\" .Name 65 true .Names .Labels}}",
	  "\"web\" 'A' true []string map[string]string");
	T("{{printf \"%x %X % x\" \"hi\" \"hi\" \"hi\"}}", "6869 6869 68 69");
	T("{{printf \"%5.1f%%\" 99.44}}", " 99.4%");
	T("{{printf \"%d\" .Name}}", "%!d(string=web)");
	T("{{printf \"%s\" .State.Pid}}", "%!s(int=42)");
	T("{{printf \"%s %s\" .Name}}", "web %!s(MISSING)");
	T("{{printf \"%s\" .Name 1}}", "web%!(EXTRA int=1)");
	T("{{printf \"%s\" .Nil}}", "%!s(<nil>)");
	T("{{printf \"%v\" .Nil}}", "<nil>");
	T("{{printf \"%*d\" 4 7}}", "   7");
	T("{{printf \"%s\" .Names}}", "[a b c]");
	T("{{printf \"%q\" .Names}}", "[\"a\" \"b\" \"c\"]");
	T("{{printf \"%6.2v\" 3.14159}}", "   3.1");
	T("{{printf \"%!\"}} {{printf \"%\"}}", "%!!(MISSING) %!(NOVERB)");
}

UNIT_TEST(printf_flags)
{
	T("{{printf \"%08.3f|%+.2e|%#x %#o %#b|%x|%U\" 3.14159 12345.678 255 8 5 -255 128512}}",
	  "0003.142|+1.23e+04|0xff 010 0b101|-ff|U+1F600");
	T("{{printf \"%-6s|%.1s|%.2s|%5t|%03d|% d\" \"h\xc3\xa9\xc3\xa9\" \"h\xc3\xa9\" "
	  "\"h\xc3\xa9\" true -5 5}}",
	  "h\xc3\xa9\xc3\xa9   |h|h\xc3\xa9| true|-05| 5");
	T("{{printf \"%v %v %v %g %G %.3g %e\" 1e21 100000.0 1234567.0 100000.0 1e-7 1234.5678 "
	  "0.0}}",
	  "1e+21 100000 1.234567e+06 100000 1E-07 1.23e+03 0.000000e+00");
	T("{{printf \"%d|%s|%q|%#q|%c%c|%q\" 1.5 true \"a\\\"b\\n\" \"ab\" 72 105 'x'}}",
	  "%!d(float64=1.5)|%!s(bool=true)|\"a\\\"b\\n\"|`ab`|Hi|'x'");
	T("{{printf \"%v|%d|%5v\" .Labels .Nums .Nums}}",
	  "map[app:x org.k:v]|[3 1 2]|[    3     1     2]");
	T("{{print 1 2}} {{print \"a\" \"b\"}} {{print \"a\" 1 \"b\"}} {{println \"a\" \"b\"}}",
	  "1 2 ab a1b a b\n");
	/* fuzz_gotmpl: widths beyond Go's 1e6 (UBSan: int overflow) */
	T("{{printf \"%99999999999d|\" 1}}", "%!(NOVERB)%!(EXTRA int=1)");
	T("{{printf \"%*d|%.*d\" 9999999999 1 -9223372036854775808 2}}",
	  "%!(BADWIDTH)1|%!(BADPREC)2");
	T("{{printf \"%*d|\" -3 1}}", "1  |");
}

UNIT_TEST(podman_functions)
{
	T("{{json .Names}} {{json .State}} {{json .Html}} {{json .Nil}}",
	  "[\"a\",\"b\",\"c\"] {\"Status\":\"running\",\"Pid\":42,\"Running\":true} \"<a&b>\" "
	  "null");
	T("{{json .Labels}} {{json .Big}} {{json .Ratio}}",
	  "{\"app\":\"x\",\"org.k\":\"v\"} 1000000 0.5");
	/* members in the serialiser's order */
	TJ("{{json .}}", "{\"b\":\"1\",\"a\":\"\\n\\u0001\"}",
	   "{\"b\":\"1\",\"a\":\"\\n\\u0001\"}");
	TJ("{{json .}}", "1e-7", "1e-7");
	T("{{lower \"AbC\"}} {{upper .Name}} {{title \"hello wide-world\"}}",
	  "abc WEB Hello Wide-World");
	T("{{upper \"\xc3\xa9t\xc3\xa9\"}}", "\xc3\x89T\xc3\x89");
	T("{{join .Names \", \"}} {{join .Ports \",\"}}|", "a, b, c |");
	T("{{split \"a:b:c\" \":\"}} {{len (split \"\" \",\")}}", "[a b c] 1");
	T("{{truncate .ID 12}} {{truncate .Name 10}}", "0123456789ab web");
	T("{{pad .Name 2 3}}| {{pad .Empty 2 2}}|", "  web   | |");
	T("{{humanSize .Size}} {{humanSize 512}} {{humanSize \"SIZE\"}}", "1.23 MB 512 B SIZE");
	T("{{contains .Name \"e\"}} {{contains .Name \"z\"}}", "true false");
	T("{{.Name | upper | printf \"<%s>\"}}", "<WEB>");
	/* fuzz_gotmpl: pad asked for 2 TB of spaces (xmalloc aborted) */
	T("{{pad .Name 2 2111111111111}}", "ERR template: x:1:2: executing \"x\" at <pad .Name 2 "
					   "2111111111111>: error calling pad: pad: 2111111111111 "
					   "spaces is too many (at most 1000000)");
}

UNIT_TEST(parse_errors)
{
	T("{{.Name", "ERR template: x:1: unclosed action");
	T("{{.Name}", "ERR template: x:1: unexpected \"}\" in operand");
	T("{{}}", "ERR template: x:1: missing value for command");
	T("{{nosuch .Name}}", "ERR template: x:1: function \"nosuch\" not defined");
	T("{{if .Name}}x", "ERR template: x:1: unexpected EOF");
	T("{{end}}", "ERR template: x:1: unexpected {{end}}");
	T("{{else}}", "ERR template: x:1: unexpected {{else}}");
	T("{{$x}}", "ERR template: x:1: undefined variable \"$x\"");
	T("{{\"abc}}", "ERR template: x:1: unterminated quoted string");
	T("{{/* x", "ERR template: x:1: unclosed comment");
	T("{{break}}", "ERR template: x:1: {{break}} outside {{range}}");
	T("{{(.Name}}", "ERR template: x:1: unclosed left paren");
	T("{{.Name)}}", "ERR template: x:1: unexpected \")\" in command");
	T("a\nb\n{{.Name | }", "ERR template: x:3: unexpected \"}\" in command");
	T("{{.Name | 3}}", "ERR template: x:1: non executable command in pipeline stage 2");
	T("{{range $a, $b, $c := .Names}}{{end}}",
	  "ERR template: x:1: too many declarations in range");
	T("{{3.x}}", "ERR template: x:1: bad number syntax: \"3.x\"");
	/* fuzz_gotmpl: a float constant beyond int64 (UBSan: cast overflow) */
	T("{{888888888888888888888888888888888}}",
	  "ERR template: x:1:2: executing \"x\" at <888888888888888888888888888888888>: "
	  "888888888888888888888888888888888 overflows int");
	T("{{888888888888888888888888888888888.0}}", "8.888888888888889e+32");
	/* a character constant of a lead byte alone read past its end */
	T("{{'\\xf0'}}", "240");
	T("{{'\xf0'}}", "240");
	T("{{'\xe2\x82\xac'}}", "8364");
	T("{{'ab'}}", "ERR template: x:1: malformed character constant: 'ab'");
}

UNIT_TEST(exec_errors)
{
	T("{{.Nope}}", "ERR template: x:1:2: executing \"x\" at <.Nope>: can't evaluate field "
		       "Nope in type map[string]interface {}");
	T("\n {{.State.Nope}}", "ERR template: x:2:9: executing \"x\" at <.State.Nope>: can't "
				"evaluate field Nope in type map[string]interface {}");
	T("{{.Name.Foo}}", "ERR template: x:1:7: executing \"x\" at <.Name.Foo>: can't evaluate "
			   "field Foo in type string");
	T("{{.Name 1}}", "ERR template: x:1:2: executing \"x\" at <.Name>: Name has arguments but "
			 "cannot be invoked as function");
	T("{{.Label \"k\"}}", "ERR template: x:1:2: executing \"x\" at <.Label>: Label is not a "
			      "method but has arguments"); /* Podman 6's words for ps */
	T("{{index .Names \"k\"}}",
	  "ERR template: x:1:2: executing \"x\" at <index .Names \"k\">: "
	  "error calling index: cannot index slice/array with type string");
	T("{{index .Names 5}}", "ERR template: x:1:2: executing \"x\" at <index .Names 5>: error "
				"calling index: index out of range: 5");
	T("{{len 3}}", "ERR template: x:1:2: executing \"x\" at <len 3>: error calling len: len of "
		       "type int");
	T("{{upper 3}}", "ERR template: x:1:8: executing \"x\" at <3>: expected string; found 3");
	T("{{upper .Size}}", "ERR template: x:1:8: executing \"x\" at <.Size>: wrong type for "
			     "value; expected string; got int");
	T("{{join .Nums \",\"}}", "ERR template: x:1:7: executing \"x\" at <.Nums>: wrong type for "
				  "value; expected []string; got []int");
	T("{{truncate .Name}}",
	  "ERR template: x:1:2: executing \"x\" at <truncate>: wrong number of "
	  "args for truncate: want 2 got 1");
	T("{{. 1}}", "ERR template: x:1:2: executing \"x\" at <.>: can't give argument to "
		     "non-function .");
	T("{{nil}}", "ERR template: x:1:2: executing \"x\" at <nil>: nil is not a command");
	/* fuzz_gotmpl: an error inside a range over a map leaked the sorted
	 * keys (LeakSanitizer under make sanitize-unit) */
	T("{{range .Labels}}{{len 1}}{{end}}",
	  "ERR template: x:1:19: executing \"x\" at <len 1>: error calling len: len of type int");
}

UNIT_TEST(define_template_block)
{
	T("{{define \"row\"}}<{{.}}>{{end}}{{range .Names}}{{template \"row\" .}}{{end}}",
	  "<a><b><c>");
	T("{{define \"t\"}}{{$}}{{end}}{{$x := 1}}{{template \"t\" .Name}}", "web");
	T("{{block \"b\" .State}}{{.Status}}{{end}}!", "running!");
	T("{{template \"t\"}}{{define \"t\"}}[{{.}}]{{end}}", "[<no value>]");
	T("{{template \"nope\" .}}",
	  "ERR template: x:1:11: executing \"x\" at <{{template \"nope\" "
	  ".}}>: template \"nope\" not defined");
	T("{{define \"t\"}}{{.Nope}}{{end}}{{template \"t\" .}}",
	  "ERR template: x:1:16: executing \"t\" at <.Nope>: can't evaluate field Nope in type "
	  "map[string]interface {}");
	T("{{define \"t\"}}{{$x}}{{end}}", "ERR template: x:1: undefined variable \"$x\"");
	T("{{define \"t\"}}a{{end}}{{define \"t\"}}b{{end}}",
	  "ERR template: x:1: template: multiple definition of template \"t\"");
	T("{{define \"t\" 3}}{{end}}", "ERR template: x:1: unexpected \"3\" in define clause");
}

UNIT_TEST(json_indent)
{
	struct json_object *o = json_tokener_parse(
	    "{\"a\":[],\"b\":{},\"c\":[1,{\"d\":\"<x>&\"}],\"e\":1.0,\"f\":1e21,\"g\":null}");
	char *s = gotmpl_json(o, "  ", true);

	/* json.MarshalIndent(v, "", "  ") */
	CHECK_STR(s,
		  "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    1,\n    {\n      \"d\": "
		  "\"\\u003cx\\u003e\\u0026\"\n    }\n  ],\n  \"e\": 1,\n  \"f\": 1e+21,\n  \"g\": "
		  "null\n}");
	free(s);
	s = gotmpl_json(o, NULL, false);
	CHECK_STR(s,
		  "{\"a\":[],\"b\":{},\"c\":[1,{\"d\":\"<x>&\"}],\"e\":1,\"f\":1e+21,\"g\":null}");
	free(s);
	json_object_put(o);
}

UNIT_TEST(run_many)
{
	/* parsed once, run against many values */
	struct werr err = {0};
	struct gotmpl *t = gotmpl_parse("x", "{{.A}}-{{len .B}}", &err);
	char *buf = NULL;
	size_t len = 0;
	char **f;

	CHECK(t != NULL);
	for (int i = 0; i < 3; i++) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "A", json_object_new_int(i));
		json_object_object_add(o, "B", json_object_new_string("xy"));
		CHECK(gotmpl_exec(t, o, &buf, &len, &err) == 0);
		json_object_put(o);
	}
	CHECK_STR(buf, "0-21-22-2");
	free(buf);
	f = gotmpl_fields(t);
	CHECK(strv_len(f) == 2);
	CHECK_STR(f[0], "A");
	CHECK_STR(f[1], "B");
	strv_free(f);
	gotmpl_free(t);
}

UNIT_TEST(duration_marks)
{
	/* a marked integer prints as Go's time.Duration; json and %d see the number */
	struct werr err = {0};
	struct json_object *o = json_tokener_parse("{\"I\":90000000000,\"N\":5,\"S\":\"x\"}");
	struct gotmpl *t =
	    gotmpl_parse("x", "{{.I}} {{printf \"%v %d %6s\" .I .I .I}} {{json .I}} {{.N}}", &err);
	char *s;

	gotmpl_mark_duration(o, "I");
	gotmpl_mark_duration(o, "S"); /* not an integer: unchanged */
	gotmpl_mark_duration(o, "Z"); /* absent: nothing */
	s = gotmpl_render(t, o, &err);
	CHECK_STR(s, "1m30s 1m30s 90000000000  1m30s 90000000000 5");
	free(s);
	gotmpl_free(t);
	json_object_put(o);
}

UNIT_MAIN()
