/* fuzz_yaml: kube play's YAML reader (lib/yamljson.c), each document back
 * to YAML as kube generate writes it. */
#include "tests/fuzz/fuzz.h"

#include "lib/yamljson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object *docs = NULL;
	struct werr err;

	if (yaml_to_json((const char *)data, size, &docs, &err) < 0)
		return 0;
	for (size_t i = 0; i < json_object_array_length(docs); i++)
		free(json_to_yaml(json_object_array_get_idx(docs, i), &err));
	json_object_put(docs);
	return 0;
}
