/* yaml_first.c - the first document of a YAML text as sigs.k8s.io/yaml's
 * Unmarshal reads it, for the functions that parse YAML inside an
 * expression (JMESPath parse_yaml, CEL yaml.parse). */
#include "input/input.h"

const kp_value *kp_yaml_first(kp_arena *a, const char *name, const char *s, size_t n,
			      kp_error *err)
{
	kp_read_opts ro = {.typing = KP_TYPING_KUBERNETES, .raw = true};
	kp_error_clear(err);
	kp_reader *r = kp_reader_open_mem(name, s, n, &ro, err);
	kp_doc *d = NULL;
	int rc = r ? kp_reader_next(r, &d, err) : -1;
	if (rc < 0) {
		if (r)
			kp_reader_close(r);
		return NULL;
	}
	const kp_value *out = rc == 1 ? kp_value_copy(a, kp_doc_root(d)) : NULL;
	if (!out)
		out = kp_value_new(a, KP_NULL, name, 0, 0);
	kp_doc_free(d);
	kp_reader_close(r);
	return out;
}
