/* pattern_stub.c - placeholder for the pattern engine so that other parts
 * link while it is being written.  Replaced by the real engine. */
#include "internal.h"

#include <stdlib.h>

struct kp_pattern { int unused; };

kp_pattern *kp_pattern_compile(const kp_value *pattern, kp_error *err)
{
	(void)pattern; (void)err;
	return calloc(1, sizeof(kp_pattern));
}

void kp_pattern_match(const kp_pattern *p, const kp_value *resource, kp_match *out)
{
	(void)p;
	out->status = KP_STATUS_ERROR;
	out->node = resource;
	out->path[0] = 0;
	snprintf(out->message, sizeof out->message, "pattern engine not built yet");
}

void kp_pattern_free(kp_pattern *p) { free(p); }
