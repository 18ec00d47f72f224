/* vectors_pattern.c - pattern-engine vector schemas (placeholder). */
#include "vectors.h"
#define KP_TODO(fn) int fn(const kp_value *c, char *why, size_t n) { (void)c; snprintf(why, n, "not implemented"); return 0; }
KP_TODO(kp_vec_validate_pattern)
KP_TODO(kp_vec_value_pattern)
KP_TODO(kp_vec_wildcard)
KP_TODO(kp_vec_operator_parse)
