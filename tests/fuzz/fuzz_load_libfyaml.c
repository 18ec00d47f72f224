/* fuzz_load_libfyaml - the reader over libfyaml: every document of the input,
 * Kubernetes and YAML 1.2 typing, resources and raw (see kp_fuzz_loader). */
#include "fuzz.h"

int kp_fuzz_load_libfyaml(const uint8_t *data, size_t size)
{
	return kp_fuzz_loader(KP_PARSER_LIBFYAML, data, size);
}

KP_FUZZ_ENTRY(kp_fuzz_load_libfyaml)
