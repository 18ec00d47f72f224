/* vectors_policy.c - match / autogen vector schemas (placeholder). */
#include "vectors.h"
#define KP_TODO(fn) int fn(const kp_value *c, char *why, size_t n) { (void)c; snprintf(why, n, "not implemented"); return 0; }
KP_TODO(kp_vec_match)
KP_TODO(kp_vec_autogen)
