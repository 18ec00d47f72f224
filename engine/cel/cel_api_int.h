/* cel/cel_api_int.h - entry points on CEL values rather than documents,
 * for the conformance runner, tests and the CLI inside the engine. */
#ifndef KP_CEL_API_INT_H
#define KP_CEL_API_INT_H

#include "cel/cel_int.h"

/* kp_cel_compile with macros switchable (cel-spec `disable_macros`). */
kp_cel_prog *cel_compile_opts(const kp_cel_env *env, const char *expr,
			      size_t len, kp_arena *a, bool macros,
			      kp_error *err);
/* Evaluate with variables given as CEL values (by env index). */
cel_val cel_eval_vals(const kp_cel_prog *p, const cel_val *vars,
		      kp_arena *scratch);
/* The same with the Kyverno host libraries served by `host` (may be NULL). */
cel_val cel_eval_vals_host(const kp_cel_prog *p, const cel_val *vars,
			   const kp_cel_host *host, kp_arena *scratch);

#endif
