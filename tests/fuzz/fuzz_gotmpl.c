/* fuzz_gotmpl: a --format template (lib/gotmpl*.c) parsed and run over a
 * container-like value, with its field list. */
#include "tests/fuzz/fuzz.h"

#include "lib/gotmpl.h"
#include "lib/util.h"

static const char data_json[] =
    "{\"Id\":\"abc\",\"Names\":[\"a\",\"b\"],\"Labels\":{\"k\":\"v\",\"x.y\":\"z\"},"
    "\"State\":{\"Running\":true,\"Pid\":42,\"Started\":1.5},\"Size\":-3,\"N\":null,"
    "\"Ports\":[{\"host_port\":80,\"proto\":\"tcp\"}],\"Created\":\"2024-01-02T03:04:05Z\"}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct json_object *dot;
	struct werr err;
	struct gotmpl *t;
	char *s, *out, **fields;

	if (size > 4096)
		return 0;
	if (dot == NULL)
		dot = json_tokener_parse(data_json);
	s = fuzz_str(data, size);
	t = gotmpl_parse("fuzz", s, &err);
	if (t != NULL) {
		fields = gotmpl_fields(t);
		strv_free(fields);
		out = gotmpl_render(t, dot, &err);
		free(out);
		gotmpl_free(t);
	}
	free(s);
	return 0;
}
