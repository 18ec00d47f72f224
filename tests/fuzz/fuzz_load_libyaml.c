/* fuzz_load_libyaml - the reader over libyaml: every document of the input,
 * Kubernetes and YAML 1.2 typing, resources and raw (see kp_fuzz_loader). */
#include "fuzz.h"

int kp_fuzz_load_libyaml(const uint8_t *data, size_t size)
{
	return kp_fuzz_loader(KP_PARSER_LIBYAML, data, size);
}

KP_FUZZ_ENTRY(kp_fuzz_load_libyaml)
